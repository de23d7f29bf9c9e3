//! Generic SVG chart primitives shared by every lab: a line/area chart over
//! time and a bar chart (plain or stacked, which makes a histogram), plus the
//! small helpers they need (nice axis ticks, numbers and durations written the
//! way each language writes them, the width of the element a chart lives in,
//! the reduced-motion preference).
//!
//! A chart is handed its whole content as one plain value ([`LineChartData`],
//! [`BarChartData`]), usually a `Memo` derived from a run, so it redraws only
//! when what it shows changes. Every chart is a `<figure>` with a visible
//! title and legend, and a text alternative for people who cannot see it: a
//! one-sentence summary in the caption and a visually hidden `<table>` of the
//! numbers. The SVG itself is `aria-hidden`, so screen readers are not walked
//! through tick labels. Series are told apart by line style (solid, dashed,
//! dotted) or fill (solid, hatched) as well as colour, and colours come from
//! CSS custom properties (`--c-ok`, `--c-fail`, …: the Okabe-Ito palette),
//! so light and dark mode are the stylesheet's business.

use engine::time::human_ms;
use engine::Lang;
use leptos::either::Either;
use leptos::prelude::*;
use std::cell::Cell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

// ------------------------------------------------------------------ palette

/// A palette colour, named by what it means (see `style/components.css`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Succeeded (bluish green).
    Ok,
    /// Failed (vermillion).
    Fail,
    /// Waiting, retrying (orange).
    Wait,
    /// Gave up (reddish purple).
    GiveUp,
    /// Neutral information, calls in flight (blue).
    Info,
    /// The circuit breaker (sky blue).
    Breaker,
    /// Context, reference lines (the muted text colour).
    Muted,
}

impl Tone {
    /// The CSS class that sets `--tone` to this colour.
    pub fn class(self) -> &'static str {
        match self {
            Tone::Ok => "tone-ok",
            Tone::Fail => "tone-fail",
            Tone::Wait => "tone-wait",
            Tone::GiveUp => "tone-giveup",
            Tone::Info => "tone-info",
            Tone::Breaker => "tone-breaker",
            Tone::Muted => "tone-muted",
        }
    }
}

/// How a line is drawn, so series differ by more than colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stroke {
    Solid,
    Dashed,
    Dotted,
}

impl Stroke {
    fn class(self) -> &'static str {
        match self {
            Stroke::Solid => "stroke-solid",
            Stroke::Dashed => "stroke-dashed",
            Stroke::Dotted => "stroke-dotted",
        }
    }
}

/// How a bar is filled, so stacked series differ by more than colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    Solid,
    Hatched,
}

// ------------------------------------------------------------------ data

/// The numbers behind a chart, as a table (its text alternative).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DataTable {
    pub caption: String,
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One line of a [`LineChart`]; `points` are `(x, y)` in axis units.
#[derive(Clone, Debug, PartialEq)]
pub struct LineSeries {
    pub label: String,
    pub tone: Tone,
    pub stroke: Stroke,
    /// Shade the area under the line.
    pub area: bool,
    pub points: Vec<(f64, f64)>,
}

/// A shaded stretch of the x axis (an outage, say), labelled.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    pub from: f64,
    pub to: f64,
    pub label: String,
}

/// Everything a [`LineChart`] shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineChartData {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// The x axis runs from 0 to `x_max`.
    pub x_max: f64,
    /// The y axis reaches at least this (0: fit the data).
    pub y_min_top: f64,
    pub series: Vec<LineSeries>,
    pub bands: Vec<Band>,
    /// Formats an x tick (seconds, say).
    pub x_unit: Unit,
    pub y_unit: Unit,
    /// One sentence for screen readers (and anyone who wants the gist).
    pub summary: String,
    pub table: DataTable,
    /// Shown instead of the plot while there is nothing to draw.
    pub empty: Option<String>,
    pub lang: Lang,
}

/// One stacked layer (or the only layer) of a [`BarChart`].
#[derive(Clone, Debug, PartialEq)]
pub struct BarSeries {
    pub label: String,
    pub tone: Tone,
    pub fill: Fill,
    /// One value per category.
    pub values: Vec<f64>,
}

/// Everything a [`BarChart`] shows. Layers are stacked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BarChartData {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub categories: Vec<String>,
    pub series: Vec<BarSeries>,
    /// A label above each bar (its total, its value); empty strings for none.
    pub bar_labels: Vec<String>,
    /// The y axis reaches at least this (0: fit the data).
    pub y_min_top: f64,
    pub y_unit: Unit,
    pub summary: String,
    pub table: DataTable,
    pub empty: Option<String>,
    pub lang: Lang,
}

/// How axis numbers are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Unit {
    /// A plain number.
    #[default]
    Number,
    /// Seconds: `15 s`.
    Seconds,
    /// Milliseconds, written as a duration: `850 ms`, `2.5 s`.
    Millis,
}

impl Unit {
    fn tick(self, lang: Lang, v: f64) -> String {
        match self {
            Unit::Number => fmt_number(lang, v),
            Unit::Seconds => format!("{} s", fmt_number(lang, v)),
            Unit::Millis => fmt_ms(lang, v),
        }
    }
}

// ------------------------------------------------------------------ formatting

/// A whole number with the thousands separator of `lang`: `3,201` / `3.201`.
pub fn fmt_count(lang: Lang, n: u64) -> String {
    let sep = match lang {
        Lang::En => ',',
        Lang::Es | Lang::Pt => '.',
    };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A number for an axis or a rate: grouped and whole from 100 up, with at
/// most one or two decimals below, written with the decimal mark of `lang`.
pub fn fmt_number(lang: Lang, v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let a = v.abs();
    let sign = if v < 0.0 { "−" } else { "" };
    if a >= 100.0 || (a - a.round()).abs() < 1e-9 {
        return format!("{sign}{}", fmt_count(lang, a.round() as u64));
    }
    let text = if a >= 10.0 {
        format!("{a:.1}")
    } else {
        let s = format!("{a:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    format!("{sign}{}", decimal_mark(lang, &text))
}

/// A duration the way people read it (`850 ms`, `2.50 s`, `3 min 20 s`), with
/// the decimal mark of `lang`. (These never group thousands.)
pub fn fmt_ms(lang: Lang, ms: f64) -> String {
    decimal_mark(lang, &human_ms(ms.max(0.0)))
}

/// A countdown or a short wait, steady enough to read while it ticks:
/// `850 ms`, `6.2 s`, `7 s`, `3 min 20 s`.
pub fn fmt_countdown(lang: Lang, ms: f64) -> String {
    let ms = ms.max(0.0);
    if ms < 1_000.0 {
        format!("{} ms", ms.round() as u64)
    } else if ms < 60_000.0 {
        let tenths = (ms / 100.0).round() / 10.0;
        let text = if (tenths - tenths.round()).abs() < 1e-9 {
            format!("{tenths:.0} s")
        } else {
            format!("{tenths:.1} s")
        };
        decimal_mark(lang, &text)
    } else {
        fmt_ms(lang, ms)
    }
}

/// Swaps the decimal point for a comma in Spanish and Portuguese. Only for
/// text with no thousands separators in it.
fn decimal_mark(lang: Lang, text: &str) -> String {
    match lang {
        Lang::En => text.to_string(),
        Lang::Es | Lang::Pt => text.replace('.', ","),
    }
}

/// A share as a percentage: `12.5 %` / `12,5 %`.
pub fn fmt_percent(lang: Lang, share: f64) -> String {
    format!("{} %", fmt_number(lang, (share * 1000.0).round() / 10.0))
}

// ------------------------------------------------------------------ scales

/// A tidy top for an axis whose data reach `max`, and the ticks up to it
/// (about `count` of them, at 1, 2, 2.5 or 5 times a power of ten).
pub fn nice_ticks(max: f64, count: usize) -> (f64, Vec<f64>) {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let raw = max / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let top = (max / step - 1e-9).ceil().max(1.0) * step;
    let n = (top / step).round() as usize;
    (top, (0..=n).map(|i| i as f64 * step).collect())
}

// ------------------------------------------------------------------ browser helpers

/// Whether the reader asked for less motion: animations then show states,
/// never movement. Read it each frame (cheap: the query list is kept).
pub fn prefers_reduced_motion() -> bool {
    thread_local! {
        static QUERY: Option<web_sys::MediaQueryList> = web_sys::window()
            .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten());
    }
    QUERY.with(|q| q.as_ref().is_some_and(|q| q.matches()))
}

/// A chart's file name for exports: its title in lower case, words joined by
/// dashes, ASCII only ("Time to success" → "time-to-success").
pub fn export_name(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "chart".into()
    } else {
        out
    }
}

/// A fresh id for SVG definitions (patterns), unique on the page.
pub fn unique_id(prefix: &str) -> String {
    thread_local! { static NEXT: Cell<u32> = const { Cell::new(0) }; }
    let n = NEXT.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    format!("{prefix}-{n}")
}

/// The width in CSS pixels of the element behind `node`, kept up to date by a
/// `ResizeObserver` (and `fallback` until it is measured). Charts draw in a
/// viewBox as wide as their box, so text stays the same size on a phone and
/// on a wide screen.
pub fn use_element_width(node: NodeRef<leptos::html::Div>, fallback: f64) -> ReadSignal<f64> {
    let (width, set_width) = signal(fallback);
    Effect::new(move |_| {
        let Some(el) = node.get() else { return };
        let el: web_sys::Element = el.into();
        let measure = {
            let el = el.clone();
            move || {
                // Whole pixels in steps of 4: a scrollbar blinking in and out
                // must not make a chart redraw forever.
                let w = (el.client_width() as f64 / 4.0).floor() * 4.0;
                if w > 0.0 && (w - width.get_untracked()).abs() >= 4.0 {
                    set_width.set(w);
                }
            }
        };
        measure();
        let callback = Closure::<dyn FnMut()>::new(measure);
        if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            observer.observe(&el);
            let kept = send_wrapper::SendWrapper::new((observer, callback));
            on_cleanup(move || {
                let (observer, _callback) = kept.take();
                observer.disconnect();
            });
        }
    });
    width
}

// ------------------------------------------------------------------ shared pieces

const PLOT_TOP: f64 = 12.0;
/// Room above the plot for band labels.
const PLOT_TOP_BANDS: f64 = 22.0;
const PLOT_RIGHT: f64 = 12.0;
const PLOT_BOTTOM: f64 = 40.0;

/// Room left of the plot: the widest tick label, then the rotated axis label.
fn plot_left(tick_labels: &[String]) -> f64 {
    let widest = tick_labels
        .iter()
        .map(|t| t.chars().count())
        .max()
        .unwrap_or(1) as f64;
    (widest * 6.8 + 30.0).max(44.0)
}

/// A legend entry's mark.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mark {
    Line(Stroke, bool),
    Bar(Fill),
    Band,
}

fn legend_mark(mark: Mark) -> impl IntoView {
    // Self-contained (no pattern references), so a legend never depends on
    // whether its chart's plot is drawn.
    let stripes = "M8,13L14,1M13,13L19,1M3,13L9,1";
    let inner = match mark {
        Mark::Line(stroke, area) => view! {
            <rect class="legend-area" x="0" y="7" width="28" height="7" opacity=if area { "1" } else { "0" } />
            <line class=format!("legend-line {}", stroke.class()) x1="1" y1="7" x2="27" y2="7" />
        }
        .into_any(),
        Mark::Bar(fill) => view! {
            <rect class="legend-bar" x="6" y="1" width="14" height="12" />
            <path class="legend-stripes" d=stripes opacity=if fill == Fill::Hatched { "1" } else { "0" } />
        }
        .into_any(),
        Mark::Band => view! {
            <rect class="legend-band" x="4" y="1" width="20" height="12" />
            <path class="legend-band-stripes" d="M4,9L12,1M9,13L21,1M17,13L24,6" />
        }
        .into_any(),
    };
    view! {
        <svg class="legend-mark" viewBox="0 0 28 14" width="28" height="14" aria-hidden="true">
            {inner}
        </svg>
    }
}

/// The chart's two stripe patterns: `{id}` lays background-coloured stripes
/// over a coloured bar (hatched series); `{id}-band` is the faint stripes of a
/// shaded band (an outage). Ids are unique per chart, so hiding one chart
/// never breaks another.
fn hatch_defs(id: String) -> impl IntoView {
    let band = format!("{id}-band");
    view! {
        <defs>
            <pattern id=id width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                <line class="hatch-line" x1="0" y1="0" x2="0" y2="6" />
            </pattern>
            <pattern id=band width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                <line class="band-line" x1="0" y1="0" x2="0" y2="8" />
            </pattern>
        </defs>
    }
}

/// The visually hidden table of a chart's numbers.
pub fn data_table(table: &DataTable) -> impl IntoView {
    let caption = table.caption.clone();
    let head = table.head.clone();
    let rows = table.rows.clone();
    view! {
        <table class="visually-hidden chart-table">
            <caption>{caption}</caption>
            <thead>
                <tr>{head.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect::<Vec<_>>()}</tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        let mut cells = row.into_iter();
                        let first = cells.next().unwrap_or_default();
                        view! {
                            <tr>
                                <th scope="row">{first}</th>
                                {cells.map(|c| view! { <td>{c}</td> }).collect::<Vec<_>>()}
                            </tr>
                        }
                    })
                    .collect::<Vec<_>>()}
            </tbody>
        </table>
    }
}

fn fmt_coord(v: f64) -> String {
    format!("{:.1}", v)
}

// ------------------------------------------------------------------ line chart

/// A line (and area) chart over a 0-based x axis, with shaded bands.
#[component]
pub fn LineChart(
    /// The chart's whole content.
    #[prop(into)]
    data: Signal<LineChartData>,
    /// Height of the plot in CSS pixels.
    #[prop(default = 220.0)]
    height: f64,
    #[prop(optional, into)] testid: String,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    let width = use_element_width(node, 480.0);
    let hatch = unique_id("hatch");

    let legend = move || {
        data.with(|d| {
            let mut items: Vec<(String, Tone, Mark)> = d
                .series
                .iter()
                .map(|s| (s.label.clone(), s.tone, Mark::Line(s.stroke, s.area)))
                .collect();
            if let Some(b) = d.bands.first() {
                items.push((b.label.clone(), Tone::Fail, Mark::Band));
            }
            items
                .into_iter()
                .map(|(label, tone, mark)| {
                    view! {
                        <li class=tone.class()>
                            {legend_mark(mark)}
                            <span>{label}</span>
                        </li>
                    }
                })
                .collect::<Vec<_>>()
        })
    };

    let plot = move || {
        let w = width.get().clamp(260.0, 1600.0);
        let h = height;
        let band_fill = format!("url(#{hatch}-band)");
        data.with(|d| {
            let lang = d.lang;
            let x_max = if d.x_max > 0.0 { d.x_max } else { 1.0 };
            let data_top = d
                .series
                .iter()
                .flat_map(|s| s.points.iter().map(|p| p.1))
                .fold(d.y_min_top, f64::max);
            let (y_top, y_ticks) = nice_ticks(data_top, if h < 180.0 { 3 } else { 4 });
            let y_labels: Vec<String> = y_ticks.iter().map(|&v| d.y_unit.tick(lang, v)).collect();
            let left = plot_left(&y_labels);
            let top = if d.bands.is_empty() { PLOT_TOP } else { PLOT_TOP_BANDS };
            let pw = w - left - PLOT_RIGHT;
            let ph = h - top - PLOT_BOTTOM;
            let (_, x_ticks) = nice_ticks(x_max, ((pw / 90.0) as usize).clamp(2, 8));
            let sx = move |x: f64| left + (x / x_max).clamp(0.0, 1.0) * pw;
            let sy = move |y: f64| top + ph - (y / y_top).clamp(0.0, 1.0) * ph;

            let bands = d
                .bands
                .iter()
                .map(|b| {
                    let x0 = sx(b.from);
                    let x1 = sx(b.to).max(x0 + 1.0);
                    view! {
                        <g class="chart-band">
                            <rect class="chart-band-tint" x=fmt_coord(x0) y=fmt_coord(top) width=fmt_coord(x1 - x0) height=fmt_coord(ph) />
                            <rect x=fmt_coord(x0) y=fmt_coord(top) width=fmt_coord(x1 - x0) height=fmt_coord(ph) fill=band_fill.clone() />
                            <text x=fmt_coord(x0 + 3.0) y=fmt_coord(top - 6.0) class="chart-band-label">
                                {b.label.clone()}
                            </text>
                        </g>
                    }
                })
                .collect::<Vec<_>>();
            let grid = y_ticks
                .iter()
                .zip(y_labels)
                .map(|(&v, label)| {
                    let y = sy(v);
                    view! {
                        <g class="chart-grid">
                            <line x1=fmt_coord(left) x2=fmt_coord(left + pw) y1=fmt_coord(y) y2=fmt_coord(y) />
                            <text x=fmt_coord(left - 6.0) y=fmt_coord(y + 4.0) text-anchor="end">{label}</text>
                        </g>
                    }
                })
                .collect::<Vec<_>>();
            let x_axis = x_ticks
                .iter()
                .filter(|&&v| v <= x_max + 1e-9)
                .map(|&v| {
                    let x = sx(v);
                    view! {
                        <g class="chart-tick">
                            <line x1=fmt_coord(x) x2=fmt_coord(x) y1=fmt_coord(top + ph) y2=fmt_coord(top + ph + 4.0) />
                            <text x=fmt_coord(x) y=fmt_coord(top + ph + 16.0) text-anchor="middle">{d.x_unit.tick(lang, v)}</text>
                        </g>
                    }
                })
                .collect::<Vec<_>>();
            let lines = d
                .series
                .iter()
                .map(|s| {
                    let pts: Vec<(f64, f64)> = s.points.iter().map(|&(x, y)| (sx(x), sy(y))).collect();
                    let line = pts.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
                    let area = match (s.area, pts.first(), pts.last()) {
                        (true, Some(first), Some(last)) => format!(
                            "M{:.1},{:.1} L{} L{:.1},{:.1} Z",
                            first.0,
                            top + ph,
                            line.replace(' ', " L"),
                            last.0,
                            top + ph
                        ),
                        _ => String::new(),
                    };
                    view! {
                        <g class=format!("chart-series {}", s.tone.class())>
                            <path class="chart-area" d=area />
                            <polyline class=format!("chart-line {}", s.stroke.class()) points=line />
                        </g>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <svg
                    class="chart-svg"
                    data-export=export_name(&d.title)
                    viewBox=format!("0 0 {w} {h}")
                    width=w
                    height=h
                    aria-hidden="true"
                    focusable="false"
                >
                    {hatch_defs(hatch.clone())}
                    {bands}
                    {grid}
                    <line class="chart-axis" x1=fmt_coord(left) x2=fmt_coord(left + pw) y1=fmt_coord(top + ph) y2=fmt_coord(top + ph) />
                    {x_axis}
                    {lines}
                    <text class="chart-axis-label" x=fmt_coord(left + pw / 2.0) y=fmt_coord(h - 4.0) text-anchor="middle">
                        {d.x_label.clone()}
                    </text>
                    <text class="chart-axis-label" x="0" y="0" text-anchor="middle" transform=format!("translate(12 {:.1}) rotate(-90)", top + ph / 2.0)>
                        {d.y_label.clone()}
                    </text>
                </svg>
            }
        })
    };

    chart_figure(data_parts(data), legend, plot, node, testid)
}

/// The parts of a chart's frame that do not depend on its kind.
struct FrameParts {
    title: Signal<String>,
    summary: Signal<String>,
    empty: Signal<Option<String>>,
    table: Signal<DataTable>,
}

fn data_parts(data: Signal<LineChartData>) -> FrameParts {
    FrameParts {
        title: Signal::derive(move || data.with(|d| d.title.clone())),
        summary: Signal::derive(move || data.with(|d| d.summary.clone())),
        empty: Signal::derive(move || data.with(|d| d.empty.clone())),
        table: Signal::derive(move || data.with(|d| d.table.clone())),
    }
}

fn bar_parts(data: Signal<BarChartData>) -> FrameParts {
    FrameParts {
        title: Signal::derive(move || data.with(|d| d.title.clone())),
        summary: Signal::derive(move || data.with(|d| d.summary.clone())),
        empty: Signal::derive(move || data.with(|d| d.empty.clone())),
        table: Signal::derive(move || data.with(|d| d.table.clone())),
    }
}

/// `<figure>`: title and hidden summary, legend, plot (or the empty message),
/// hidden table.
fn chart_figure<L, LV, P, PV>(
    parts: FrameParts,
    legend: L,
    plot: P,
    node: NodeRef<leptos::html::Div>,
    testid: String,
) -> impl IntoView
where
    L: Fn() -> LV + Send + Sync + 'static,
    LV: IntoView + 'static,
    P: Fn() -> PV + Send + Sync + 'static,
    PV: IntoView + 'static,
{
    let FrameParts {
        title,
        summary,
        empty,
        table,
    } = parts;
    let has_data = move || empty.with(Option::is_none);
    view! {
        <figure class="chart" data-testid=testid>
            <figcaption>
                <span class="chart-title">{move || title.get()}</span>
                <span class="visually-hidden chart-summary">{move || summary.get()}</span>
            </figcaption>
            <ul class="chart-legend" aria-hidden="true">
                {legend}
            </ul>
            <div class="chart-plot" node_ref=node>
                {move || {
                    if has_data() {
                        Either::Left(plot())
                    } else {
                        Either::Right(view! { <p class="chart-empty">{empty.get()}</p> })
                    }
                }}
            </div>
            {move || table.with(data_table)}
        </figure>
    }
}

// ------------------------------------------------------------------ bar chart

/// A bar chart: one bar per category, its layers stacked. With counts per
/// number of attempts it is a histogram.
#[component]
pub fn BarChart(
    #[prop(into)] data: Signal<BarChartData>,
    #[prop(default = 200.0)] height: f64,
    #[prop(optional, into)] testid: String,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    let width = use_element_width(node, 360.0);
    let hatch = unique_id("hatch");

    let legend = move || {
        data.with(|d| {
            if d.series.len() < 2 {
                return Vec::new();
            }
            d.series
                .iter()
                .map(|s| {
                    view! {
                        <li class=s.tone.class()>
                            {legend_mark(Mark::Bar(s.fill))}
                            <span>{s.label.clone()}</span>
                        </li>
                    }
                })
                .collect::<Vec<_>>()
        })
    };

    let plot = move || {
        let w = width.get().clamp(240.0, 1200.0);
        let h = height;
        data.with(|d| {
            let lang = d.lang;
            let n = d.categories.len().max(1);
            let totals: Vec<f64> =
                (0..n).map(|i| d.series.iter().map(|s| s.values.get(i).copied().unwrap_or(0.0)).sum()).collect();
            let data_top = totals.iter().copied().fold(d.y_min_top, f64::max);
            let (y_top, y_ticks) = nice_ticks(data_top, if h < 180.0 { 3 } else { 4 });
            let y_labels: Vec<String> = y_ticks.iter().map(|&v| d.y_unit.tick(lang, v)).collect();
            let left = plot_left(&y_labels);
            let top = PLOT_TOP + 6.0;
            let pw = w - left - PLOT_RIGHT;
            let ph = h - top - PLOT_BOTTOM;
            let slot = pw / n as f64;
            let bar_w = (slot * 0.7).clamp(1.0, 64.0);
            let sy = move |y: f64| top + ph - (y / y_top).clamp(0.0, 1.0) * ph;
            // Label every category when they fit, else every k-th.
            let every = ((22.0 / slot).ceil() as usize).max(1);

            let grid = y_ticks
                .iter()
                .zip(y_labels)
                .map(|(&v, label)| {
                    let y = sy(v);
                    view! {
                        <g class="chart-grid">
                            <line x1=fmt_coord(left) x2=fmt_coord(left + pw) y1=fmt_coord(y) y2=fmt_coord(y) />
                            <text x=fmt_coord(left - 6.0) y=fmt_coord(y + 4.0) text-anchor="end">{label}</text>
                        </g>
                    }
                })
                .collect::<Vec<_>>();
            let bars = (0..n)
                .map(|i| {
                    let x = left + slot * i as f64 + (slot - bar_w) / 2.0;
                    let mut base = 0.0;
                    let layers = d
                        .series
                        .iter()
                        .map(|s| {
                            let v = s.values.get(i).copied().unwrap_or(0.0);
                            let y0 = sy(base);
                            let y1 = sy(base + v);
                            base += v;
                            let (x, y, bw, bh) = (fmt_coord(x), fmt_coord(y1), fmt_coord(bar_w), fmt_coord((y0 - y1).max(0.0)));
                            let stripes = match s.fill {
                                Fill::Solid => None,
                                Fill::Hatched => Some(view! {
                                    <rect class="chart-bar-stripes" x=x.clone() y=y.clone() width=bw.clone() height=bh.clone() fill=format!("url(#{hatch})") />
                                }),
                            };
                            view! {
                                <rect class=format!("chart-bar {}", s.tone.class()) x=x y=y width=bw height=bh />
                                {stripes}
                            }
                        })
                        .collect::<Vec<_>>();
                    let label = d.bar_labels.get(i).cloned().unwrap_or_default();
                    let show_label = slot >= 18.0 || label.len() <= 2;
                    let category = if i % every == 0 { d.categories.get(i).cloned().unwrap_or_default() } else { String::new() };
                    view! {
                        <g class="chart-bar-group">
                            {layers}
                            <text class="chart-bar-label" x=fmt_coord(x + bar_w / 2.0) y=fmt_coord(sy(totals[i]) - 4.0) text-anchor="middle">
                                {if show_label { label } else { String::new() }}
                            </text>
                            <text class="chart-category" x=fmt_coord(x + bar_w / 2.0) y=fmt_coord(top + ph + 16.0) text-anchor="middle">
                                {category}
                            </text>
                        </g>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <svg class="chart-svg" data-export=export_name(&d.title) viewBox=format!("0 0 {w} {h}") width=w height=h aria-hidden="true" focusable="false">
                    {hatch_defs(hatch.clone())}
                    {grid}
                    <line class="chart-axis" x1=fmt_coord(left) x2=fmt_coord(left + pw) y1=fmt_coord(top + ph) y2=fmt_coord(top + ph) />
                    {bars}
                    <text class="chart-axis-label" x=fmt_coord(left + pw / 2.0) y=fmt_coord(h - 4.0) text-anchor="middle">
                        {d.x_label.clone()}
                    </text>
                    <text class="chart-axis-label" x="0" y="0" text-anchor="middle" transform=format!("translate(12 {:.1}) rotate(-90)", top + ph / 2.0)>
                        {d.y_label.clone()}
                    </text>
                </svg>
            }
        })
    };

    chart_figure(bar_parts(data), legend, plot, node, testid)
}

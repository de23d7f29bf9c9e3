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

use crate::markup::{num, text_width, Markup};
use engine::time::human_ms;
use engine::Lang;
use leptos::prelude::*;
use std::cell::Cell;
use std::fmt::Write;
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
    /// Where the player's clock is, in x units: a "now" line across the plot,
    /// for a chart whose x axis runs past now (the run's whole time domain).
    /// `None` for a chart that ends at now anyway.
    pub now: Option<f64>,
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
    /// A count of things: whole ticks only (no "0.5 answers").
    Count,
    /// Seconds: `15 s`.
    Seconds,
    /// Milliseconds, written as a duration: `850 ms`, `2.5 s`.
    Millis,
}

impl Unit {
    fn tick(self, lang: Lang, v: f64) -> String {
        match self {
            Unit::Number | Unit::Count => fmt_number(lang, v),
            // The origin is "0", as on a time axis of milliseconds.
            Unit::Seconds if v == 0.0 => "0".into(),
            Unit::Seconds => format!("{} s", fmt_number(lang, v)),
            Unit::Millis => fmt_axis_ms(lang, v),
        }
    }
}

// ------------------------------------------------------------------ formatting

/// A whole number with the thousands separator of `lang`: `3,201` / `3.201`.
pub fn fmt_count(lang: Lang, n: u64) -> String {
    engine::i18n::format::grouped(lang, n)
}

/// A number for an axis or a rate: grouped and whole from 100 up, with at
/// most one or two decimals below; under 0.1, three decimals or two
/// significant digits, whichever is more (a tick of 0.025 is not "0.03", and
/// a month's allowance of 0.0005 minutes at its start is not a second "0"
/// beside the origin's), written with the decimal mark of `lang`.
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
        engine::num::fixed(a, 1)
    } else {
        let decimals = if a < 0.1 {
            // 1 − ⌊log10 a⌋ decimals keep two significant digits.
            (1.0 - a.log10().floor()).clamp(3.0, 9.0) as usize
        } else {
            2
        };
        let s = engine::num::fixed(a, decimals);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    format!("{sign}{}", decimal_mark(lang, &text))
}

/// A time in a chart's hidden table, in seconds to a tenth, with the
/// decimal mark of `lang` ("0,7 s": a screen reader read "0.7 s" in Spanish).
pub fn seconds_cell(lang: Lang, s: f64) -> String {
    format!("{} s", decimal_mark(lang, &engine::num::fixed(s, 1)))
}

/// A duration the way people read it (`850 ms`, `2.50 s`, `3 min 20 s`), with
/// the decimal mark of `lang`. (These never group thousands.)
pub fn fmt_ms(lang: Lang, ms: f64) -> String {
    decimal_mark(lang, &human_ms(ms.max(0.0)))
}

/// A time axis' tick: "0" at the origin (one unit on the axis, not "0 ms"
/// beside "5 s"), else [`fmt_ms`].
pub fn fmt_axis_ms(lang: Lang, ms: f64) -> String {
    if ms <= 0.0 {
        "0".into()
    } else {
        fmt_ms(lang, ms)
    }
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
            format!("{} s", engine::num::Fixed(tenths, 0))
        } else {
            format!("{} s", engine::num::Fixed(tenths, 1))
        };
        decimal_mark(lang, &text)
    } else {
        fmt_ms(lang, ms)
    }
}

/// Swaps the decimal point for a comma in Spanish and Portuguese. Only for
/// text with no thousands separators in it.
pub fn decimal_mark(lang: Lang, text: &str) -> String {
    match lang {
        Lang::En => text.to_string(),
        Lang::Es | Lang::Pt => text.replace('.', ","),
    }
}

/// A share as a percentage with one decimal, so a column lines up ("24.0 %"
/// beside "24.6 %"); exactly none and all read "0 %" and "100 %".
///
/// A share short of all (or above none) never reads "100 %" ("0 %"): it gets
/// the decimals that tell it apart, up to four — against a 99.9 % target,
/// 99.98 % is not 100 % (a month with 7 minutes down read "100 %").
pub fn fmt_percent(lang: Lang, share: f64) -> String {
    fmt_percent_to(lang, share, percent_decimals(share))
}

/// The decimals [`fmt_percent`] gives a share: one, or as many as tell it
/// apart from 0 % and 100 % (up to four); none for exactly 0 or 1.
pub fn percent_decimals(share: f64) -> usize {
    if !share.is_finite() || share == 0.0 || share == 1.0 {
        return 0;
    }
    (1..=4)
        .find(|&d| {
            let f = libm::pow(10.0, d as f64);
            let q = (share * 100.0 * f).round() / f;
            q != 0.0 && q != 100.0
        })
        .unwrap_or(4)
}

/// A share with `decimals` decimals (the most any number of its row needs, so
/// A, B and theory read alike: "99.50 %" beside "99.93 %", not "99.5 %");
/// exactly none and all still read "0 %" and "100 %".
pub fn fmt_percent_to(lang: Lang, share: f64, decimals: usize) -> String {
    if !share.is_finite() || share == 0.0 || share == 1.0 {
        return format!("{} %", fmt_number(lang, (share * 1000.0).round() / 10.0));
    }
    format!(
        "{} %",
        decimal_mark(lang, &engine::num::fixed(share * 100.0, decimals.max(1)))
    )
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
    let magnitude = libm::pow(10.0, raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let top = (max / step - 1e-9).ceil().max(1.0) * step;
    let n = (top / step).round() as usize;
    (top, (0..=n).map(|i| i as f64 * step).collect())
}

/// [`nice_ticks`] for an axis in `unit`: a count's ticks are whole (a top
/// of 2 reads 0, 1, 2, not 0, 0.5, 1, 1.5, 2).
pub fn unit_ticks(max: f64, count: usize, unit: Unit) -> (f64, Vec<f64>) {
    let (top, ticks) = nice_ticks(max, count);
    if unit != Unit::Count || ticks.iter().all(|v| v.fract() == 0.0) {
        return (top, ticks);
    }
    let top = top.ceil().max(1.0);
    (top, (0..=top as u64).map(|v| v as f64).collect())
}

/// Ticks for a time axis of `max_ms`, about `count` of them: below a second
/// as [`nice_ticks`], above it on the clock's own steps (5 s, 15 min, 6 h,
/// 5 days…), so a month reads "120 h, 240 h" and not "138 h 53 min".
pub fn time_ticks(max_ms: f64, count: usize) -> Vec<f64> {
    const S: f64 = 1_000.0;
    const M: f64 = 60.0 * S;
    const H: f64 = 60.0 * M;
    const D: f64 = 24.0 * H;
    const STEPS: [f64; 26] = [
        S,
        2.0 * S,
        5.0 * S,
        10.0 * S,
        15.0 * S,
        20.0 * S,
        30.0 * S,
        M,
        2.0 * M,
        5.0 * M,
        10.0 * M,
        15.0 * M,
        20.0 * M,
        30.0 * M,
        H,
        2.0 * H,
        3.0 * H,
        6.0 * H,
        12.0 * H,
        D,
        2.0 * D,
        5.0 * D,
        7.0 * D,
        14.0 * D,
        30.0 * D,
        90.0 * D,
    ];
    let max_ms = if max_ms.is_finite() && max_ms > 0.0 {
        max_ms
    } else {
        1.0
    };
    let raw = max_ms / count.max(1) as f64;
    if raw < S {
        return nice_ticks(max_ms, count).1;
    }
    let step = STEPS.into_iter().find(|s| *s >= raw).unwrap_or_else(|| {
        nice_ticks(max_ms / D, count)
            .1
            .get(1)
            .copied()
            .unwrap_or(1.0)
            * D
    });
    let n = (max_ms / step + 1e-9).floor() as usize;
    (0..=n).map(|i| i as f64 * step).collect()
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

/// Axis text's size (CSS px, `.chart-svg text` in `style/components.css`).
const AXIS_PX: f64 = 11.5;
/// Room between two category labels of a bar chart.
const LABEL_GAP: f64 = 8.0;

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

/// A legend entry: its mark (self-contained, no pattern references, so a
/// legend never depends on whether its chart's plot is drawn) and label.
fn legend_item(m: &mut Markup, tone: Tone, mark: Mark, label: &str) {
    m.open("li", &[("class", tone.class())]);
    m.open(
        "svg",
        &[
            ("class", "legend-mark"),
            ("viewBox", "0 0 28 14"),
            ("width", "28"),
            ("height", "14"),
            ("aria-hidden", "true"),
        ],
    );
    let shown = |on: bool| if on { "1" } else { "0" };
    match mark {
        Mark::Line(stroke, area) => {
            m.empty(
                "rect",
                &[
                    ("class", "legend-area"),
                    ("x", "0"),
                    ("y", "7"),
                    ("width", "28"),
                    ("height", "7"),
                    ("opacity", shown(area)),
                ],
            );
            let class = format!("legend-line {}", stroke.class());
            m.empty(
                "line",
                &[
                    ("class", &class),
                    ("x1", "1"),
                    ("y1", "7"),
                    ("x2", "27"),
                    ("y2", "7"),
                ],
            );
        }
        Mark::Bar(fill) => {
            m.empty(
                "rect",
                &[
                    ("class", "legend-bar"),
                    ("x", "6"),
                    ("y", "1"),
                    ("width", "14"),
                    ("height", "12"),
                ],
            );
            m.empty(
                "path",
                &[
                    ("class", "legend-stripes"),
                    ("d", "M8,13L14,1M13,13L19,1M3,13L9,1"),
                    ("opacity", shown(fill == Fill::Hatched)),
                ],
            );
        }
        Mark::Band => {
            m.empty(
                "rect",
                &[
                    ("class", "legend-band"),
                    ("x", "4"),
                    ("y", "1"),
                    ("width", "20"),
                    ("height", "12"),
                ],
            );
            m.empty(
                "path",
                &[
                    ("class", "legend-band-stripes"),
                    ("d", "M4,9L12,1M9,13L21,1M17,13L24,6"),
                ],
            );
        }
    }
    m.close("svg");
    m.elem("span", &[], label);
    m.close("li");
}

/// The chart's two stripe patterns: `{id}` lays background-coloured stripes
/// over a coloured bar (hatched series); `{id}-band` is the faint stripes of a
/// shaded band (an outage). Ids are unique per chart, so hiding one chart
/// never breaks another.
fn hatch_defs(m: &mut Markup, id: &str) {
    let band = format!("{id}-band");
    m.open("defs", &[]);
    for (id, size) in [(id, "6"), (band.as_str(), "8")] {
        m.open(
            "pattern",
            &[
                ("id", id),
                ("width", size),
                ("height", size),
                ("patternUnits", "userSpaceOnUse"),
                ("patternTransform", "rotate(45)"),
            ],
        );
        let class = if size == "6" {
            "hatch-line"
        } else {
            "band-line"
        };
        m.empty(
            "line",
            &[
                ("class", class),
                ("x1", "0"),
                ("y1", "0"),
                ("x2", "0"),
                ("y2", size),
            ],
        );
        m.close("pattern");
    }
    m.close("defs");
}

/// The visually hidden table of a chart's numbers, as markup.
pub fn data_table_markup(table: &DataTable) -> String {
    let mut m = Markup::new();
    m.open("table", &[("class", "visually-hidden chart-table")]);
    m.elem("caption", &[], &table.caption);
    m.open("thead", &[]).open("tr", &[]);
    for h in &table.head {
        m.elem("th", &[("scope", "col")], h);
    }
    m.close("tr").close("thead").open("tbody", &[]);
    for row in &table.rows {
        m.open("tr", &[]);
        for (i, c) in row.iter().enumerate() {
            if i == 0 {
                m.elem("th", &[("scope", "row")], c);
            } else {
                m.elem("td", &[], c);
            }
        }
        m.close("tr");
    }
    m.close("tbody").close("table");
    m.finish()
}

/// The plot's frame: `<svg>` with the hatch patterns, y grid with its labels,
/// x axis line and both axis labels. The caller adds the marks and closes it.
struct Frame {
    left: f64,
    top: f64,
    pw: f64,
    ph: f64,
    y_top: f64,
}

impl Frame {
    fn sy(&self, y: f64) -> f64 {
        self.top + self.ph - (y / self.y_top).clamp(0.0, 1.0) * self.ph
    }
}

fn y_tick_count(h: f64) -> usize {
    if h < 180.0 {
        3
    } else {
        4
    }
}

/// The y axis' top and its tick labels, for data reaching `data_top` in a plot `h` high.
fn y_axis(data_top: f64, h: f64, y_unit: Unit, lang: Lang) -> (f64, Vec<String>) {
    let (y_top, y_ticks) = unit_ticks(data_top, y_tick_count(h), y_unit);
    (
        y_top,
        y_ticks.iter().map(|&v| y_unit.tick(lang, v)).collect(),
    )
}

/// How far from the left a line chart `h` high starts its plot, fitted to
/// its y labels. Charts stacked on one time axis take the largest of theirs
/// as everyone's `y_gutter`, so a moment sits at the same x on each.
pub fn line_chart_left(d: &LineChartData, h: f64) -> f64 {
    plot_left(&y_axis(line_data_top(d), h, d.y_unit, d.lang).1)
}

fn line_data_top(d: &LineChartData) -> f64 {
    d.series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(d.y_min_top, f64::max)
}

#[allow(clippy::too_many_arguments)]
fn open_plot(
    m: &mut Markup,
    title: &str,
    (w, h): (f64, f64),
    top: f64,
    data_top: f64,
    y_unit: Unit,
    lang: Lang,
    hatch: &str,
    (x_label, y_label): (&str, &str),
    min_left: f64,
) -> Frame {
    let (y_top, y_labels) = y_axis(data_top, h, y_unit, lang);
    let y_ticks = unit_ticks(data_top, y_tick_count(h), y_unit).1;
    let left = plot_left(&y_labels).max(min_left);
    let f = Frame {
        left,
        top,
        pw: w - left - PLOT_RIGHT,
        ph: h - top - PLOT_BOTTOM,
        y_top,
    };
    let (ws, hs) = (
        engine::num::Short(w).to_string(),
        engine::num::Short(h).to_string(),
    );
    m.open(
        "svg",
        &[
            ("class", "chart-svg"),
            ("data-export", &export_name(title)),
            ("viewBox", &format!("0 0 {ws} {hs}")),
            ("width", &ws),
            ("height", &hs),
            ("aria-hidden", "true"),
            ("focusable", "false"),
        ],
    );
    hatch_defs(m, hatch);
    for (&v, label) in y_ticks.iter().zip(&y_labels) {
        let y = f.sy(v);
        m.open("g", &[("class", "chart-grid")]);
        m.empty(
            "line",
            &[
                ("x1", &num(left)),
                ("x2", &num(left + f.pw)),
                ("y1", &num(y)),
                ("y2", &num(y)),
            ],
        );
        m.elem(
            "text",
            &[
                ("x", &num(left - 6.0)),
                ("y", &num(y + 4.0)),
                ("text-anchor", "end"),
            ],
            label,
        );
        m.close("g");
    }
    let axis_y = num(top + f.ph);
    m.empty(
        "line",
        &[
            ("class", "chart-axis"),
            ("x1", &num(left)),
            ("x2", &num(left + f.pw)),
            ("y1", &axis_y),
            ("y2", &axis_y),
        ],
    );
    m.elem(
        "text",
        &[
            ("class", "chart-axis-label"),
            ("x", &num(left + f.pw / 2.0)),
            ("y", &num(h - 4.0)),
            ("text-anchor", "middle"),
        ],
        x_label,
    );
    m.elem(
        "text",
        &[
            ("class", "chart-axis-label"),
            ("x", "0"),
            ("y", "0"),
            ("text-anchor", "middle"),
            (
                "transform",
                &format!(
                    "translate(12 {}) rotate(-90)",
                    engine::num::Fixed(top + f.ph / 2.0, 1)
                ),
            ),
        ],
        y_label,
    );
    f
}

/// The SVG of a line chart `w` × `h` pixels wide, its plot at least
/// `min_left` from the left (0: where its y labels need).
pub fn line_chart_svg(d: &LineChartData, w: f64, h: f64, hatch: &str, min_left: f64) -> String {
    let lang = d.lang;
    let x_max = if d.x_max > 0.0 { d.x_max } else { 1.0 };
    let data_top = line_data_top(d);
    let top = if d.bands.is_empty() {
        PLOT_TOP
    } else {
        PLOT_TOP_BANDS
    };
    let mut m = Markup::new();
    let f = open_plot(
        &mut m,
        &d.title,
        (w, h),
        top,
        data_top,
        d.y_unit,
        lang,
        hatch,
        (&d.x_label, &d.y_label),
        min_left,
    );
    let sx = |x: f64| f.left + (x / x_max).clamp(0.0, 1.0) * f.pw;
    let band_fill = format!("url(#{hatch}-band)");
    // Where the last band label drawn ends: a label that would run into it
    // is left out (its band stays shaded, and the table lists it), as the
    // mini-charts do ("node_2 downnode_2 down" on a phone).
    let mut label_end = f64::NEG_INFINITY;
    for b in &d.bands {
        let x0 = sx(b.from);
        let x1 = sx(b.to).max(x0 + 1.0);
        let (x, y, bw, bh) = (num(x0), num(top), num(x1 - x0), num(f.ph));
        m.open("g", &[("class", "chart-band")]);
        m.empty(
            "rect",
            &[
                ("class", "chart-band-tint"),
                ("x", &x),
                ("y", &y),
                ("width", &bw),
                ("height", &bh),
            ],
        );
        m.empty(
            "rect",
            &[
                ("x", &x),
                ("y", &y),
                ("width", &bw),
                ("height", &bh),
                ("fill", &band_fill),
            ],
        );
        // From the band's start, but never past the drawing's right edge
        // (a band near the end read "primario caí…").
        let label_w = crate::markup::text_width(&b.label, 11.0);
        let lx = (x0 + 3.0).min(w - 2.0 - label_w).max(0.0);
        if lx >= label_end + 6.0 {
            label_end = lx + label_w;
            m.elem(
                "text",
                &[
                    ("x", &num(lx)),
                    ("y", &num(top - 6.0)),
                    ("class", "chart-band-label"),
                ],
                &b.label,
            );
        }
        m.close("g");
    }
    let count = ((f.pw / 90.0) as usize).clamp(2, 8);
    let x_ticks = match d.x_unit {
        Unit::Millis => time_ticks(x_max, count),
        _ => nice_ticks(x_max, count).1,
    };
    for &v in x_ticks.iter().filter(|&&v| v <= x_max + 1e-9) {
        let x = num(sx(v));
        let label = d.x_unit.tick(lang, v);
        // Centred under its tick, unless that would run past the drawing's
        // right edge ("2 min" cut to "2 mi"): then it ends at the tick.
        let anchor = if sx(v) + text_width(&label, AXIS_PX) / 2.0 > w - 1.0 {
            "end"
        } else {
            "middle"
        };
        m.open("g", &[("class", "chart-tick")]);
        m.empty(
            "line",
            &[
                ("x1", &x),
                ("x2", &x),
                ("y1", &num(top + f.ph)),
                ("y2", &num(top + f.ph + 4.0)),
            ],
        );
        m.elem(
            "text",
            &[
                ("x", &x),
                ("y", &num(top + f.ph + 16.0)),
                ("text-anchor", anchor),
            ],
            &label,
        );
        m.close("g");
    }
    for s in &d.series {
        let mut line = String::with_capacity(s.points.len() * 12);
        for (i, &(x, y)) in s.points.iter().enumerate() {
            let _ = write!(
                line,
                "{}{},{}",
                if i == 0 { "" } else { " " },
                engine::num::Fixed(sx(x), 1),
                engine::num::Fixed(f.sy(y), 1)
            );
        }
        let area = match (s.area, s.points.first(), s.points.last()) {
            (true, Some(first), Some(last)) => format!(
                "M{},{} L{} L{},{} Z",
                engine::num::Fixed(sx(first.0), 1),
                engine::num::Fixed(top + f.ph, 1),
                line.replace(' ', " L"),
                engine::num::Fixed(sx(last.0), 1),
                engine::num::Fixed(top + f.ph, 1)
            ),
            _ => String::new(),
        };
        m.open(
            "g",
            &[("class", &format!("chart-series {}", s.tone.class()))],
        );
        m.empty("path", &[("class", "chart-area"), ("d", &area)]);
        m.empty(
            "polyline",
            &[
                ("class", &format!("chart-line {}", s.stroke.class())),
                ("points", &line),
            ],
        );
        m.close("g");
    }
    // The clock, over the lines (as on the stage cards' mini-charts), named
    // at its top: a solid line no series uses, so it never reads as data.
    if let Some(now) = d.now.filter(|n| (0.0..=x_max).contains(n)) {
        let xx = sx(now);
        let x = num(xx);
        m.empty(
            "line",
            &[
                ("class", "chart-now"),
                ("x1", &x),
                ("x2", &x),
                ("y1", &num(top)),
                ("y2", &num(top + f.ph)),
            ],
        );
        let word = engine::i18n::t(lang, "chart.now");
        // Right of the line, or left of it near the plot's right end.
        let (lx, anchor) = if xx + 4.0 + text_width(word, AXIS_PX) > f.left + f.pw {
            (xx - 3.0, "end")
        } else {
            (xx + 3.0, "start")
        };
        m.elem(
            "text",
            &[
                ("class", "chart-now-label"),
                ("x", &num(lx)),
                ("y", &num(top + 10.0)),
                ("text-anchor", anchor),
            ],
            word,
        );
    }
    m.close("svg");
    m.finish()
}

/// The SVG of a bar chart `w` × `h` pixels wide.
pub fn bar_chart_svg(d: &BarChartData, w: f64, h: f64, hatch: &str) -> String {
    let lang = d.lang;
    let n = d.categories.len().max(1);
    let totals: Vec<f64> = (0..n)
        .map(|i| {
            d.series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0.0))
                .sum()
        })
        .collect();
    let data_top = totals.iter().copied().fold(d.y_min_top, f64::max);
    let top = PLOT_TOP + 6.0;
    let mut m = Markup::new();
    let f = open_plot(
        &mut m,
        &d.title,
        (w, h),
        top,
        data_top,
        d.y_unit,
        lang,
        hatch,
        (&d.x_label, &d.y_label),
        0.0,
    );
    let slot = f.pw / n as f64;
    let bar_w = (slot * 0.7).clamp(1.0, 64.0);
    // Label every category when they fit, else every k-th: as many slots
    // as the widest label needs, with a gap, so no two labels touch.
    let widest = d
        .categories
        .iter()
        .map(|c| text_width(c, AXIS_PX))
        .fold(0.0, f64::max);
    let every = (((widest + LABEL_GAP).max(22.0) / slot).ceil() as usize).max(1);
    let stripes_fill = format!("url(#{hatch})");
    for (i, total) in totals.iter().enumerate() {
        let x = f.left + slot * i as f64 + (slot - bar_w) / 2.0;
        let mut base = 0.0;
        m.open("g", &[("class", "chart-bar-group")]);
        for s in &d.series {
            let v = s.values.get(i).copied().unwrap_or(0.0);
            let (y0, y1) = (f.sy(base), f.sy(base + v));
            base += v;
            let (xs, ys, bw, bh) = (num(x), num(y1), num(bar_w), num((y0 - y1).max(0.0)));
            let class = format!("chart-bar {}", s.tone.class());
            m.empty(
                "rect",
                &[
                    ("class", &class),
                    ("x", &xs),
                    ("y", &ys),
                    ("width", &bw),
                    ("height", &bh),
                ],
            );
            if s.fill == Fill::Hatched {
                m.empty(
                    "rect",
                    &[
                        ("class", "chart-bar-stripes"),
                        ("x", &xs),
                        ("y", &ys),
                        ("width", &bw),
                        ("height", &bh),
                        ("fill", &stripes_fill),
                    ],
                );
            }
        }
        let label = d.bar_labels.get(i).map_or("", String::as_str);
        let show_label = slot >= 18.0 || label.len() <= 2;
        let category = if i % every == 0 {
            d.categories.get(i).map_or("", String::as_str)
        } else {
            ""
        };
        let cx = num(x + bar_w / 2.0);
        m.elem(
            "text",
            &[
                ("class", "chart-bar-label"),
                ("x", &cx),
                ("y", &num(f.sy(*total) - 4.0)),
                ("text-anchor", "middle"),
            ],
            if show_label { label } else { "" },
        );
        // Centred under its bar, unless that would run past the drawing's
        // right edge: then it ends at the bar's right.
        let half = text_width(category, AXIS_PX) / 2.0;
        let (cat_x, anchor) = if x + bar_w / 2.0 + half > w - 2.0 {
            (num(x + bar_w), "end")
        } else {
            (cx.clone(), "middle")
        };
        m.elem(
            "text",
            &[
                ("class", "chart-category"),
                ("x", &cat_x),
                ("y", &num(top + f.ph + 16.0)),
                ("text-anchor", anchor),
            ],
            category,
        );
        m.close("g");
    }
    m.close("svg");
    m.finish()
}

// ------------------------------------------------------------------ the figure

/// What a chart's `<figure>` shows besides its plot.
struct FrameParts {
    title: Signal<String>,
    summary: Signal<String>,
    legend: Signal<String>,
    empty: Signal<Option<String>>,
    table: Signal<String>,
}

/// `<figure>`: title and hidden summary, legend, plot (or the empty message),
/// hidden table. `plot` gets the measured width and returns the SVG markup.
fn chart_figure(
    parts: FrameParts,
    plot: Box<dyn Fn(f64) -> String + Send + Sync>,
    fallback_width: f64,
    testid: String,
) -> AnyView {
    let node = NodeRef::<leptos::html::Div>::new();
    let width = use_element_width(node, fallback_width);
    let FrameParts {
        title,
        summary,
        legend,
        empty,
        table,
    } = parts;
    let body = move || match empty.get() {
        None => plot(width.get()),
        Some(message) => {
            let mut m = Markup::new();
            m.elem("p", &[("class", "chart-empty")], &message);
            m.finish()
        }
    };
    view! {
        <figure class="chart" data-testid=testid>
            <figcaption>
                <span class="chart-title">{move || title.get()}</span>
                <span class="visually-hidden chart-summary">{move || summary.get()}</span>
            </figcaption>
            <ul class="chart-legend" aria-hidden="true" inner_html=move || legend.get()></ul>
            <div class="chart-plot" node_ref=node inner_html=body></div>
            <div class="chart-table-box" inner_html=move || table.get()></div>
        </figure>
    }
    .into_any()
}

/// A line (and area) chart over a 0-based x axis, with shaded bands.
#[component]
pub fn LineChart(
    /// The chart's whole content.
    #[prop(into)]
    data: Signal<LineChartData>,
    /// Height of the plot in CSS pixels.
    #[prop(default = 220.0)]
    height: f64,
    /// The plot's left edge at least this far in (px): charts stacked on one
    /// time axis share it (see [`line_chart_left`]).
    #[prop(optional, into)]
    y_gutter: Signal<f64>,
    #[prop(optional, into)] testid: String,
) -> impl IntoView {
    let hatch = unique_id("hatch");
    let parts = FrameParts {
        title: Signal::derive(move || data.with(|d| d.title.clone())),
        summary: Signal::derive(move || data.with(|d| d.summary.clone())),
        legend: Signal::derive(move || {
            data.with(|d| {
                let mut m = Markup::new();
                for s in &d.series {
                    legend_item(&mut m, s.tone, Mark::Line(s.stroke, s.area), &s.label);
                }
                if let Some(b) = d.bands.first() {
                    legend_item(&mut m, Tone::Fail, Mark::Band, &b.label);
                }
                m.finish()
            })
        }),
        empty: Signal::derive(move || data.with(|d| d.empty.clone())),
        table: Signal::derive(move || data.with(|d| data_table_markup(&d.table))),
    };
    let plot = move |w: f64| {
        let left = y_gutter.get();
        data.with(|d| line_chart_svg(d, w.clamp(260.0, 1600.0), height, &hatch, left))
    };
    chart_figure(parts, Box::new(plot), 480.0, testid)
}

/// A bar chart: one bar per category, its layers stacked. With counts per
/// number of attempts it is a histogram.
#[component]
pub fn BarChart(
    #[prop(into)] data: Signal<BarChartData>,
    #[prop(default = 200.0)] height: f64,
    #[prop(optional, into)] testid: String,
) -> impl IntoView {
    let hatch = unique_id("hatch");
    let parts = FrameParts {
        title: Signal::derive(move || data.with(|d| d.title.clone())),
        summary: Signal::derive(move || data.with(|d| d.summary.clone())),
        legend: Signal::derive(move || {
            data.with(|d| {
                let mut m = Markup::new();
                if d.series.len() >= 2 {
                    for s in &d.series {
                        legend_item(&mut m, s.tone, Mark::Bar(s.fill), &s.label);
                    }
                }
                m.finish()
            })
        }),
        empty: Signal::derive(move || data.with(|d| d.empty.clone())),
        table: Signal::derive(move || data.with(|d| data_table_markup(&d.table))),
    };
    let plot =
        move |w: f64| data.with(|d| bar_chart_svg(d, w.clamp(240.0, 1200.0), height, &hatch));
    chart_figure(parts, Box::new(plot), 360.0, testid)
}

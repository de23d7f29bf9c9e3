//! The verdict mini-chart on each stage card: the one quantity that decides
//! the comparison (for retries: calls sent vs requests succeeding per
//! second, outages shaded), drawn live as the run plays, on a time axis and
//! y scale shared by A and B, so a student watching the animation sees the
//! verdict form without scrolling to the full charts.

use crate::charts::{fmt_ms, fmt_number, unit_ticks, use_element_width, Unit};
use crate::markup::{num, text_width, Markup};
use engine::i18n::{t, tf};
use engine::labs::run::{LabRun, Tone, Verdict};
use engine::Lang;
use leptos::prelude::*;
use std::fmt::Write;

/// The axes both sides share.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Axis {
    pub x_max_ms: f64,
    /// The highest value on either side (0: nothing yet).
    pub y_max: f64,
    /// Where the clock is, for the cursor.
    pub now_ms: f64,
    /// Where this side's own run ends, when that is not the axis' end:
    /// past it (zoomed to the other side's shorter run: "runs on to …"), or
    /// before it (this side finished while the other plays on: "ended …").
    pub runs_on_ms: Option<f64>,
}

/// The stage cards' one time window, as every lab's stage gets it: the
/// run's whole time domain, or the shorter side's run when the reader zooms
/// to it. A lab drawing a time axis of its own on a card (the CQRS lanes)
/// reads its end here, so a moment sits at the same x on the card's mini
/// chart and on the lab's drawing, zoomed or not.
#[derive(Clone, Copy, Debug)]
pub struct TimeAxis {
    /// "Zoom to the shorter run" is on.
    pub zoom: Signal<bool>,
}

impl Default for TimeAxis {
    /// The whole run (no zoom): what a view mounted on its own shows.
    fn default() -> Self {
        TimeAxis {
            zoom: Signal::stored(false),
        }
    }
}

impl TimeAxis {
    /// The window's end in ms (it starts at 0), tracking the zoom toggle.
    pub fn x_max_ms<R: LabRun>(&self, run: &R) -> f64 {
        window_ms(run, self.zoom.get())
    }
}

/// The end of the stage cards' time window: `run`'s time domain, or with
/// `zoom` the end of its shorter side (when [`zoom_offer`] offers it).
pub fn window_ms<R: LabRun>(run: &R, zoom: bool) -> f64 {
    let full = run.time_domain_ms();
    let x_max = match zoom_offer(run) {
        Some(offer) if zoom => offer.end_ms,
        _ => full,
    };
    x_max.max(1.0)
}

/// A side whose run ends well before the shared time axis does, so its
/// mini-chart is squeezed into the axis' first part: the page offers to zoom
/// both cards to it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ZoomOffer {
    /// The shorter side (0 = A).
    pub side: usize,
    /// Where its run ends, in ms.
    pub end_ms: f64,
    /// Where the whole axis ends, in ms.
    pub full_ms: f64,
}

/// Zooming pays only when one side ends before [`ZOOM_WORTH`] of the axis:
/// two runs of about the same length (or a run in progress, where both sides
/// end at "now") have nothing to zoom to.
pub const ZOOM_WORTH: f64 = 0.9;

/// The zoom worth offering for `run`, if any: its shorter side and that
/// side's end, when there are two sides and the shorter one ends before
/// [`ZOOM_WORTH`] of the other's. Measured against the other side, not the
/// time axis: mid-run, or scrubbed back, both sides reach only as far as now
/// while a fixed-length run's axis (availability) goes on to its end, and
/// "zoom to A's run (0–33 s)" was offered for two runs of the same length.
pub fn zoom_offer<R: LabRun>(run: &R) -> Option<ZoomOffer> {
    if run.side_count() < 2 {
        return None;
    }
    let full = run.time_domain_ms();
    let ends = (0..run.side_count()).map(|s| (s, run.side_end_ms(s)));
    let (side, end_ms) = ends
        .clone()
        .fold((0, f64::INFINITY), |a, b| if b.1 < a.1 { b } else { a });
    let longest = ends.map(|(_, e)| e).fold(0.0, f64::max);
    (end_ms.is_finite() && end_ms > 0.0 && end_ms <= ZOOM_WORTH * longest.min(full)).then_some(
        ZoomOffer {
            side,
            end_ms,
            full_ms: full,
        },
    )
}

/// The drawing's height on a page; the compact embed's is [`H_COMPACT`], so
/// the lab's own drawing under the cards keeps its room in a 720 px frame
/// (choreography's lowest boxes and the replica matrix's last rows were
/// under the guide).
pub const H: f64 = 100.0;
pub const H_COMPACT: f64 = 64.0;
const LEFT: f64 = 30.0;
const RIGHT: f64 = 6.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 16.0;

pub fn tone_class(tone: Tone) -> &'static str {
    match tone {
        Tone::Ok => "tone-ok",
        Tone::Info => "tone-info",
        Tone::Wait => "tone-wait",
        Tone::Bad => "tone-giveup",
        Tone::Neutral => "tone-muted",
    }
}

fn args_of<'a>(a: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a dyn std::fmt::Display)> {
    a.iter()
        .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
        .collect()
}

/// One sentence for screen readers: the latest values of each line and the
/// peak, so the chart's message does not depend on seeing it.
fn summary(lang: Lang, data: &Verdict, side: &str) -> String {
    let latest: Vec<String> = data
        .lines
        .iter()
        .filter_map(|l| {
            l.points
                .last()
                .map(|p| format!("{} {}", fmt_number(lang, p.1), t(lang, l.label_key)))
        })
        .collect();
    if latest.is_empty() {
        return tf(lang, "ui.verdict_empty", &[("side", &side)]);
    }
    let peaks: Vec<String> = data
        .lines
        .iter()
        .map(|l| {
            let peak = l.points.iter().map(|p| p.1).fold(0.0, f64::max);
            format!("{} {}", fmt_number(lang, peak), t(lang, l.label_key))
        })
        .collect();
    tf(
        lang,
        "ui.verdict_summary",
        &[
            ("side", &side),
            ("title", &t(lang, data.title_key)),
            ("latest", &latest.join(", ")),
            ("peak", &peaks.join(", ")),
        ],
    )
}

/// The y axis: two steps, or three when two would leave the lines in the
/// lower half (a peak of 503 drew on an axis to 1,000; now to 600).
pub fn verdict_ticks(y_max: f64, whole: bool) -> (f64, Vec<f64>) {
    verdict_ticks_in(y_max, whole, H - TOP - BOTTOM)
}

/// [`verdict_ticks`] for a plot `plot_h` px tall: two steps only when three
/// would set the numbers closer than their text (the compact embed's 40 px
/// plot read "15 10 5 0" as one column).
pub fn verdict_ticks_in(y_max: f64, whole: bool, plot_h: f64) -> (f64, Vec<f64>) {
    let max = if y_max > 0.0 { y_max } else { 1.0 };
    let unit = if whole { Unit::Count } else { Unit::Number };
    let two = unit_ticks(max, 2, unit);
    let three = unit_ticks(max, 3, unit);
    if three.0 < two.0 && plot_h >= 3.0 * 16.0 {
        three
    } else {
        two
    }
}

/// The plot's marks (bands, grid, lines, the clock's cursor, the axis ends)
/// as SVG markup, `w_px` wide.
pub fn verdict_svg(lang: Lang, d: &Verdict, ax: Axis, w_px: f64, h_px: f64) -> String {
    let plot_h = h_px - TOP - BOTTOM;
    let plot_w = w_px - LEFT - RIGHT;
    // Fitted to the data, however small (a month's 0.05 registrations/s
    // would lie flat along a 0–1 axis); 0–1 while there is none.
    let (y_top, ticks) = verdict_ticks_in(ax.y_max, d.whole, plot_h);
    let x = move |ms: f64| LEFT + (ms / ax.x_max_ms).clamp(0.0, 1.0) * plot_w;
    let y = move |v: f64| TOP + plot_h - (v / y_top).clamp(0.0, 1.0) * plot_h;
    let mut m = Markup::new();
    m.open("g", &[("class", "verdict-bands")]);
    for b in d.bands.iter().filter(|b| b.from_ms < ax.x_max_ms) {
        let x0 = x(b.from_ms);
        let x1 = x(b.to_ms.min(ax.x_max_ms));
        m.open("g", &[("class", "verdict-band")]);
        m.empty(
            "rect",
            &[
                ("x", &num(x0)),
                ("y", &num(TOP)),
                ("width", &num((x1 - x0).max(1.0))),
                ("height", &num(plot_h)),
            ],
        );
        m.close("g");
    }
    m.close("g").open("g", &[]);
    for v in &ticks {
        let yy = num(y(*v));
        m.empty(
            "line",
            &[
                ("class", "verdict-grid"),
                ("x1", &num(LEFT)),
                ("x2", &num(w_px - RIGHT)),
                ("y1", &yy),
                ("y2", &yy),
            ],
        );
        m.elem(
            "text",
            &[
                ("class", "verdict-tick"),
                ("x", &num(LEFT - 3.0)),
                ("y", &num(y(*v) + 3.0)),
                ("text-anchor", "end"),
            ],
            &fmt_number(lang, *v),
        );
    }
    m.close("g").open("g", &[("class", "verdict-lines")]);
    for l in &d.lines {
        let mut path = String::with_capacity(l.points.len() * 14);
        let mut shown = l.points.iter().filter(|p| p.0 <= ax.x_max_ms);
        let first = shown.clone().next();
        let mut n = 0;
        for (i, (t_ms, v)) in shown.by_ref().enumerate() {
            n = i + 1;
            let _ = write!(
                path,
                "{}{},{}",
                if i == 0 { 'M' } else { 'L' },
                engine::num::Fixed(x(*t_ms), 1),
                engine::num::Fixed(y(*v), 1)
            );
        }
        let class = format!(
            "verdict-line {}{}",
            tone_class(l.tone),
            if l.dashed { " dashed" } else { "" }
        );
        m.empty("path", &[("class", &class), ("d", &path)]);
        // One point draws no line: a dot, so the first second's average
        // shows (CQRS's 1 s averages at a moment 1 s in left the chart empty
        // under a caption quoting it).
        if let (1, Some((t_ms, v))) = (n, first) {
            m.empty(
                "circle",
                &[
                    ("class", &format!("verdict-dot {}", tone_class(l.tone))),
                    ("cx", &num(x(*t_ms))),
                    ("cy", &num(y(*v))),
                    ("r", "3"),
                ],
            );
        }
    }
    m.close("g");
    // The bands' names over the lines, each on a backdrop of the panel's
    // colour, so a line crossing "projector paused" never hides it.
    m.open("g", &[("class", "verdict-band-labels")]);
    // A name where it has room: a month's many crashes are named once, not
    // piled over one another. Names come in the lab's order of importance
    // (availability: crashes, then false alarms), and a name takes its
    // place only if no earlier one holds it. Each name once, on its latest
    // stretch that has room: the shading says the rest (replica's breaker
    // read "node_2 down" over each of its eight outages, end to end), and
    // the latest is the one by the clock (a month's "primary crashed" sat
    // on day 1 while the primary was down on day 12).
    let mut taken: Vec<(f64, f64)> = Vec::new();
    let mut named: Vec<String> = Vec::new();
    let shown: Vec<_> = d.bands.iter().filter(|b| b.from_ms < ax.x_max_ms).collect();
    let labels: Vec<String> = shown
        .iter()
        .map(|b| tf(lang, b.label_key, &args_of(&b.label_args)))
        .collect();
    for (i, label) in labels.iter().enumerate() {
        if named.contains(label) {
            continue;
        }
        named.push(label.clone());
        let width = text_width(label, 10.0) + 4.0;
        // Cut at the plot's right edge ("primario caíc"): ending where the
        // stretch's shading ends instead (in half a phone, "orchestrator
        // down" from 0.5 s had no room until 4 s, and the band went
        // unnamed), or an earlier stretch.
        let spot = (i..labels.len())
            .rev()
            .filter(|&j| labels[j] == *label)
            .flat_map(|j| {
                let (from, end) = (x(shown[j].from_ms), x(shown[j].to_ms).min(w_px - RIGHT));
                // (Over the shading for at least half its width: a short
                // crash's name would read as starting well before it.)
                let ends_there = (end - width + 4.0).max(LEFT);
                let over = end - ends_there.max(from);
                [
                    Some(from + 2.0),
                    (over >= width / 2.0).then_some(ends_there),
                ]
            })
            .flatten()
            .find(|&at| {
                at + width - 4.0 <= w_px - RIGHT
                    && !taken.iter().any(|&(a, e)| at < e && a < at + width)
            });
        if let Some(at) = spot {
            taken.push((at, at + width));
            m.elem("text", &[("x", &num(at)), ("y", &num(TOP + 9.0))], label);
        }
    }
    m.close("g");
    // This side finished while the other plays on: its lines stop short of
    // the axis' end, so say where it ended (B's line stopped at 15.43 s
    // under an axis to 16.43 s, and looked cut off). Just past its end,
    // where none of its lines go (below the bands' names); where that has
    // no room, low and before it.
    if let Some(end_ms) = ax.runs_on_ms.filter(|&e| e < ax.x_max_ms - 0.5) {
        // Work done before the run's end (the replica lab's files, then
        // repair) says both: "ended at" alone read as the transfer's time.
        let (key, short_key) = d
            .end_note
            .map_or(("ui.verdict_ended", "ui.verdict_ended_short"), |n| {
                (n.key, n.short_key)
            });
        let done = d
            .end_note
            .map(|n| fmt_ms(lang, n.done_ms))
            .unwrap_or_default();
        let args = |end: &str| -> String { tf(lang, key, &[("end", &end), ("done", &done)]) };
        let mut label = args(&fmt_ms(lang, end_ms));
        if LEFT + text_width(&label, 10.0) + 1.0 > w_px - 1.0 {
            label = tf(
                lang,
                short_key,
                &[("end", &fmt_ms(lang, end_ms)), ("done", &done)],
            );
        }
        let after = x(end_ms) + 4.0;
        let fits = after + text_width(&label, 10.0) <= w_px - RIGHT;
        let (at, y_at, anchor) = if fits {
            (after, TOP + plot_h / 2.0 + 4.0, "start")
        } else {
            // Before the end, low, high or in the middle of the plot: where
            // the fewest lines cross under the label (low, it sat on a line
            // at 0 for the whole run, or across a crash's dip; in half a
            // phone, across an at-risk line that came and went, where high
            // only the done line's one climb crossed it).
            let wide_ms = (text_width(&label, 10.0) + 6.0) / plot_w.max(1.0) * ax.x_max_ms;
            // A segment under the label: one that overlaps its span (a long
            // flat stretch, both its points outside, ran under the text).
            let within = |w: &[(f64, f64)]| w[0].0 <= end_ms && w[1].0 >= end_ms - wide_ms;
            // A baseline's text, as shares of the plot's height from its foot.
            let share = |baseline: f64| {
                // (Its 10 px text, and 4 px either side: a line at 0 runs
                // just under a label set low.)
                let foot = TOP + plot_h;
                (
                    (foot - baseline - 5.0) / plot_h,
                    (foot - baseline + 14.0) / plot_h,
                )
            };
            // How many of the lines' segments under the label cross a height.
            let crossings = |baseline: f64| {
                let (lo, hi) = share(baseline);
                d.lines
                    .iter()
                    .flat_map(|l| l.points.windows(2))
                    .filter(|w| within(w))
                    .filter(|w| {
                        let (a, b) = (w[0].1 / y_top, w[1].1 / y_top);
                        a.max(b) >= lo && a.min(b) <= hi
                    })
                    .count()
            };
            // The height fewest cross; on a tie, low, then high, then the middle.
            let (low, high, mid) = (TOP + plot_h - 4.0, TOP + 22.0, TOP + plot_h / 2.0 + 4.0);
            let y = [low, high, mid]
                .into_iter()
                .min_by_key(|&b| crossings(b))
                .unwrap_or(low);
            // Never over the y axis' numbers or past the drawing's left edge
            // (in half a phone, a run that ended at 146 ms read "; 146 ms"):
            // over its end line instead, and shortened when even the plot's
            // width is too little ("end 146 ms").
            let right = (x(end_ms) - 3.0).max(LEFT + text_width(&label, 10.0) + 1.0);
            (right.min(w_px - 1.0), y, "end")
        };
        m.elem(
            "text",
            &[
                ("x", &num(at)),
                ("y", &num(y_at)),
                ("class", "verdict-runs-on"),
                ("text-anchor", anchor),
                ("data-testid", "verdict-ended"),
            ],
            &label,
        );
    }
    // Before the run an empty plot says what fills it (in half a phone,
    // where the sentence does not fit, the button's name alone).
    // (A running total starts with its point at 0: nothing is drawn yet. A
    // side with nothing to count stays flat: once the clock moves, no hint.)
    let nothing_yet =
        ax.now_ms <= 0.0 && d.lines.iter().all(|l| l.points.iter().all(|p| p.0 <= 0.0));
    if nothing_yet {
        let short;
        let mut text = t(lang, "ui.verdict_press_play");
        if text_width(text, 11.0) > plot_w - 8.0 {
            short = format!("▶ {}", t(lang, "ui.play"));
            text = &short;
        }
        m.elem(
            "text",
            &[
                ("class", "verdict-press-play"),
                ("x", &num(LEFT + plot_w / 2.0)),
                ("y", &num(TOP + plot_h / 2.0 + 4.0)),
                ("text-anchor", "middle"),
                ("data-testid", "verdict-press-play"),
            ],
            text,
        );
    }
    // Zoomed to the other side's shorter run, this side goes on past the
    // axis' end: say so, or its cut lines read as a run that stopped there.
    if let Some(last_ms) = ax.runs_on_ms.filter(|&e| e > ax.x_max_ms) {
        m.elem(
            "text",
            &[
                ("class", "verdict-runs-on"),
                ("x", &num(w_px - RIGHT)),
                ("y", &num(TOP + 9.0)),
                ("text-anchor", "end"),
                ("data-testid", "verdict-runs-on"),
            ],
            &tf(
                lang,
                "ui.verdict_runs_on",
                &[("end", &fmt_ms(lang, last_ms))],
            ),
        );
    }
    let now_x = num(x(ax.now_ms));
    m.empty(
        "line",
        &[
            ("class", "verdict-now"),
            ("x1", &now_x),
            ("x2", &now_x),
            ("y1", &num(TOP)),
            ("y2", &num(TOP + plot_h)),
        ],
    );
    m.elem(
        "text",
        &[
            ("class", "verdict-tick"),
            ("x", &num(LEFT)),
            ("y", &num(h_px - 3.0)),
        ],
        "0",
    );
    // The axis' end, once there is one (a lab whose run has no set length
    // has "1 ms" of axis before it starts: not worth a label).
    if !(nothing_yet && ax.x_max_ms <= 1.0) {
        m.elem(
            "text",
            &[
                ("class", "verdict-tick"),
                ("x", &num(w_px - RIGHT)),
                ("y", &num(h_px - 3.0)),
                ("text-anchor", "end"),
            ],
            &fmt_ms(lang, ax.x_max_ms),
        );
    }
    m.finish()
}

#[component]
pub fn VerdictChart(
    data: Signal<Verdict>,
    axis: Signal<Axis>,
    lang: Signal<Lang>,
    side: &'static str,
) -> impl IntoView {
    // The drawing is as wide as its box (measured), so text is never squeezed.
    let node = NodeRef::<leptos::html::Div>::new();
    let width = use_element_width(node, 320.0);
    let h = if crate::embed::EmbedMode::from_url().compact() {
        H_COMPACT
    } else {
        H
    };
    let h_text = engine::num::Fixed(h, 0).to_string();
    let body = move || {
        let lang = lang.get();
        let ax = axis.get();
        let w_px = width.get().max(160.0);
        data.with(|d| verdict_svg(lang, d, ax, w_px, h))
    };
    let legend = move || {
        let lang = lang.get();
        data.with(|d| {
            let mut m = Markup::new();
            for l in &d.lines {
                m.open("li", &[("class", tone_class(l.tone))]);
                m.open(
                    "svg",
                    &[
                        ("viewBox", "0 0 18 6"),
                        ("width", "18"),
                        ("height", "6"),
                        ("aria-hidden", "true"),
                    ],
                );
                let class = if l.dashed {
                    "verdict-line dashed"
                } else {
                    "verdict-line"
                };
                m.empty(
                    "line",
                    &[
                        ("class", class),
                        ("x1", "0"),
                        ("x2", "18"),
                        ("y1", "3"),
                        ("y2", "3"),
                    ],
                );
                m.close("svg")
                    .text(" ")
                    .text(t(lang, l.label_key))
                    .close("li");
            }
            m.finish()
        })
    };
    let label = move || data.with(|d| summary(lang.get(), d, side));
    // The name and the unit apart: two-up in half a phone only the unit is
    // shown (the legend names the lines), so the chart still says what its
    // numbers count.
    let title = move || data.with(|d| t(lang.get(), d.title_key).to_string());
    let unit = move || data.with(|d| format!("({})", t(lang.get(), d.unit_key)));
    view! {
        <figure class="verdict" data-testid=format!("verdict-{side}")>
            <figcaption class="verdict-title">
                <span class="verdict-name">{title}</span>
                " "
                <span class="verdict-unit">{unit}</span>
            </figcaption>
            <div class="verdict-plot" node_ref=node>
                <svg
                    class="verdict-svg"
                    viewBox=move || format!("0 0 {} {}", engine::num::Fixed(width.get().max(160.0), 0), engine::num::Fixed(h, 0))
                    height=h_text
                    role="img"
                    aria-label=label
                    data-export="verdict"
                    inner_html=body
                ></svg>
            </div>
            <ul class="verdict-legend" inner_html=legend></ul>
        </figure>
    }
}

//! The stage of one side: what a student should see at a glance.
//!
//! - **Two stacked timelines** in fixed lanes: the write log (each commit a
//!   tick with its sequence number) above, the read model's "applied up to"
//!   cursor below, and between them the backlog — the changes committed and
//!   not yet applied — shaded. Each query is a vertical probe across them,
//!   coloured by how stale its answer was (up to date, stale by how long, not
//!   found). Projector pauses and a rebuild are shaded bands.
//! - **The two stores side by side**: the write store's row beside each read
//!   copy's row (versions and statuses), stale cells marked, a row appearing
//!   on the read side when the projector applies it.
//! - **The queue as a tank**: changes in per second, what the projector can
//!   serve, the backlog, and Little's law checked live (mean backlog = rate ×
//!   mean lag).
//! - **The stock** of text 004 (when configured): sold, what each service
//!   counts, oversold and lost to duplicates.
//!
//! The timelines are one SVG written as text with at most `MAX_TICKS` ticks
//! per lane and `MAX_PROBES` probes; the tables show at most `MAX_ROWS`
//! orders: the page's size does not grow with the run. Nothing moves by
//! animation: every frame draws the state, so reduced motion loses nothing.

use super::CqrsView;
use crate::charts::{fmt_count, fmt_ms, fmt_number};
use crate::i18n::tr;
use crate::lab_page::TimeAxis;
use crate::markup::{num, text_width, Markup};
use engine::i18n::{t, tf, tn};
use engine::labs::cqrs::config::Status;
use engine::labs::cqrs::record::ReadOutcome;
use engine::labs::cqrs::view::{self as cv, CopyKind, Probe, Timelines};
use engine::labs::cqrs::CqrsSim;
use engine::patterns::projector::SyncMode;
use engine::Lang;
use leptos::prelude::*;

pub use engine::labs::cqrs::view::{MAX_PROBES, MAX_ROWS, MAX_TICKS};

/// Narrower than this (CSS px), a card is a phone's or one of an A | B pair:
/// the lanes and the stores' columns take their short names.
const NARROW_PX: f64 = 480.0;
/// Ticks that carry their sequence number (beyond, ticks only).
const LABELLED: usize = 24;
/// Probes that carry what they answered.
const PROBE_LABELS: usize = 8;

/// The class of a probe: its colour says how stale its answer was, or that
/// its screen mixed two versions (the history projection showed another).
pub fn probe_class(p: &Probe) -> &'static str {
    if p.mixed {
        return "mixed";
    }
    match p.outcome {
        ReadOutcome::Fresh => "fresh",
        ReadOutcome::Absent => "absent",
        ReadOutcome::Error => "error",
        ReadOutcome::NotFound => "not-found",
        ReadOutcome::Stale if p.behind_ms < 500.0 => "stale-1",
        ReadOutcome::Stale if p.behind_ms < 2_000.0 => "stale-2",
        ReadOutcome::Stale => "stale-3",
    }
}

pub fn status_name(lang: Lang, s: Status) -> String {
    t(lang, &format!("cqrs.status.{}", s.key())).to_string()
}

/// Where the timelines' pieces go, for a drawing `w` CSS px wide. The time
/// axis has the stage card's chart's margins (30 px left, 6 px right), so on
/// a card a moment sits at the same x on the chart and on the lanes.
struct Lay {
    w: f64,
    pad: f64,
    left: f64,
    right: f64,
    from: f64,
    to: f64,
}

impl Lay {
    fn x(&self, t_ms: f64) -> f64 {
        let span = (self.to - self.from).max(1.0);
        // max/min, not clamp: its assert would link std's float printer.
        let t = (t_ms - self.from).max(0.0).min(span);
        self.left + t / span * (self.w - self.left - self.right)
    }
}

// Fixed rows (y, CSS px).
const LOG_LABEL: f64 = 12.0;
const LOG_TOP: f64 = 17.0;
const LOG_BOTTOM: f64 = 39.0;
const GAP_LABEL: f64 = 52.0;
const GAP_TOP: f64 = 58.0;
const GAP_BOTTOM: f64 = 92.0;
const READ_LABEL: f64 = 108.0;
const READ_TOP: f64 = 113.0;
const READ_BOTTOM: f64 = 135.0;
const AXIS: f64 = 150.0;
const HEIGHT: f64 = 156.0;
// The read copies' lanes below the read model's (the history projection's,
// then each replica's), one every `LANE_STEP`; the axis under the lowest.
const LANE_STEP: f64 = 43.0;
const AXIS_BELOW: f64 = AXIS - READ_BOTTOM;
const HEIGHT_BELOW: f64 = HEIGHT - READ_BOTTOM;

/// A read copy's lane under the read model's: its ticks, its name, its class.
struct CopyLane<'a> {
    lane: &'a cv::HistoryLane,
    label: String,
    class: &'static str,
}

impl CopyLane<'_> {
    /// The `i`-th copy lane's label baseline, top and bottom.
    fn rows(i: usize) -> (f64, f64, f64) {
        let dy = LANE_STEP * (i + 1) as f64;
        (READ_LABEL + dy, READ_TOP + dy, READ_BOTTOM + dy)
    }
}

/// The two stacked timelines of one side, as SVG text, over `0 ‥ domain_ms`
/// (the stage cards' time window, as their charts: the run's shared time
/// domain, or the shorter side's run when zoomed).
pub fn timelines_svg(sim: &CqrsSim, lang: Lang, width: f64, domain_ms: f64) -> String {
    let tl = cv::timelines(sim, domain_ms);
    let w = width.max(240.0);
    let lay = Lay {
        w,
        pad: 10.0,
        left: 30.0,
        right: 6.0,
        from: tl.from_ms,
        to: tl.to_ms,
    };
    let now = sim.now().as_micros() as f64 / 1000.0;
    // A phone (or a card of an A | B pair): the lanes' short names.
    let narrow = w < NARROW_PX;
    let key = |long: &'static str, short: &'static str| if narrow { short } else { long };
    // The read copies' lanes: the history projection's, then each replica's.
    let mut copies: Vec<CopyLane> = vec![];
    if let Some(h) = &tl.history {
        copies.push(CopyLane {
            lane: h,
            label: tf(
                lang,
                key("cqrs.stage.history", "cqrs.stage.history_short"),
                &[("seq", &fmt_count(lang, h.cursor))],
            ),
            class: "cqrs-tick cqrs-tick--history",
        });
    }
    for (r, lane) in tl.replicas.iter().enumerate() {
        copies.push(CopyLane {
            lane,
            label: tf(
                lang,
                key("cqrs.stage.replica", "cqrs.stage.replica_short"),
                &[("n", &(r + 1)), ("seq", &fmt_count(lang, lane.cursor))],
            ),
            class: "cqrs-tick cqrs-tick--replica",
        });
    }
    // The lowest lane's foot, the axis and the drawing's height.
    let bottom = copies
        .len()
        .checked_sub(1)
        .map_or(READ_BOTTOM, |i| CopyLane::rows(i).2);
    let (axis_y, height) = (bottom + AXIS_BELOW, bottom + HEIGHT_BELOW);
    let mut m = Markup::new();
    m.open(
        "svg",
        &[
            ("class", "stage-svg cqrs-svg"),
            ("viewBox", &format!("0 0 {} {}", num(w), num(height))),
            ("role", "img"),
            ("aria-label", &timelines_sentence(&tl, lang)),
        ],
    );
    // Bands first, under everything (their names last, with the lanes').
    let mut band_labels: Vec<Label> = vec![];
    for &(a, b) in &tl.bands {
        // What has passed of a pause, and (lighter) what the config still
        // has ahead of the clock, as the charts below and the scrubber show
        // it: the stage never reads as a pause that ends now.
        let (xa, xnow, xb) = (lay.x(a), lay.x(b.min(now).max(a)), lay.x(b));
        if xb <= xa {
            continue;
        }
        for (class, from, to) in [
            ("cqrs-band", xa, xnow),
            ("cqrs-band cqrs-band-ahead", xnow, xb),
        ] {
            if to > from {
                m.empty(
                    "rect",
                    &[
                        ("class", class),
                        ("x", &num(from)),
                        ("y", &num(LOG_TOP)),
                        ("width", &num(to - from)),
                        ("height", &num(bottom - LOG_TOP)),
                    ],
                );
            }
        }
        // Its name is drawn last, on a backdrop, as the lanes' are: the
        // probes and ticks crossing it pass behind. Kept inside the drawing.
        let text = t(lang, "cqrs.band.paused_short");
        let x = (xa + 3.0).min(w - lay.right - text_width(text, BAND_PX) - 2.0);
        band_labels.push(Label {
            class: "cqrs-band-label",
            x: Some(x.max(2.0)),
            y: GAP_TOP + 12.0,
            px: BAND_PX,
            lines: vec![text.to_string()],
        });
    }
    // Before the trace's oldest record: no ticks or probes (the backlog is still drawn).
    if tl.kept_from_ms > tl.from_ms {
        let xb = lay.x(tl.kept_from_ms);
        m.empty(
            "rect",
            &[
                ("class", "cqrs-unkept"),
                ("x", &num(lay.left)),
                ("y", &num(LOG_TOP)),
                ("width", &num((xb - lay.left).max(0.0))),
                ("height", &num(LOG_BOTTOM - LOG_TOP)),
            ],
        );
        if xb - lay.left > 90.0 {
            m.elem(
                "text",
                &[
                    ("class", "cqrs-unkept-label"),
                    ("x", &num(lay.left + 4.0)),
                    ("y", &num(LOG_BOTTOM - 7.0)),
                ],
                t(lang, "cqrs.stage.not_kept"),
            );
        }
    }
    // The lanes' names, drawn last (over the probes and ticks that cross
    // their rows, each on its own backdrop): a lane's name with its sequence
    // number, short on a narrow card.
    let mut labels: Vec<Label> = band_labels;
    let lane = |y: f64, key: &str, short_key: &str, seq: u64| {
        Label::lane(
            y,
            tf(
                lang,
                if narrow { short_key } else { key },
                &[("seq", &fmt_count(lang, seq))],
            ),
        )
    };
    // Lane tracks.
    if tl.crud {
        m.empty(
            "rect",
            &[
                ("class", "cqrs-track"),
                ("x", &num(lay.left)),
                ("y", &num(LOG_TOP)),
                ("width", &num(w - lay.left - lay.right)),
                ("height", &num(LOG_BOTTOM - LOG_TOP)),
            ],
        );
        labels.push(lane(
            LOG_LABEL,
            "cqrs.stage.one_store",
            "cqrs.stage.one_store_short",
            tl.head,
        ));
        // A sentence: wrapped to the drawing's width, never cut at its edge.
        let no_copy = t(
            lang,
            if narrow {
                "cqrs.stage.no_copy_short"
            } else {
                "cqrs.stage.no_copy"
            },
        );
        labels.push(Label {
            class: "cqrs-gap-label",
            x: None,
            y: GAP_LABEL + 14.0,
            px: GAP_PX,
            lines: wrap(no_copy, GAP_PX, w - lay.pad - lay.right),
        });
    } else {
        let mut tracks = vec![(LOG_TOP, LOG_BOTTOM), (READ_TOP, READ_BOTTOM)];
        for i in 0..copies.len() {
            let (_, top, bottom) = CopyLane::rows(i);
            tracks.push((top, bottom));
        }
        for (top, bottom) in tracks {
            m.empty(
                "rect",
                &[
                    ("class", "cqrs-track"),
                    ("x", &num(lay.left)),
                    ("y", &num(top)),
                    ("width", &num(w - lay.left - lay.right)),
                    ("height", &num(bottom - top)),
                ],
            );
        }
        labels.push(lane(
            LOG_LABEL,
            "cqrs.stage.write_log",
            "cqrs.stage.write_log_short",
            tl.head,
        ));
        labels.push(lane(
            READ_LABEL,
            "cqrs.stage.read_model",
            "cqrs.stage.read_model_short",
            tl.cursor,
        ));
        for (i, c) in copies.iter().enumerate() {
            labels.push(Label::lane(CopyLane::rows(i).0, c.label.clone()));
        }
        labels.push(backlog_strip(&mut m, &tl, &lay, lang, narrow));
    }
    // Commit → apply connectors, when few enough to follow one by one.
    let few = tl.commits.len() <= LABELLED && !tl.crud;
    if few {
        for c in &tl.commits {
            if let Some(a) = tl.applies.iter().find(|a| a.seq == c.seq) {
                m.empty(
                    "line",
                    &[
                        ("class", "cqrs-link"),
                        ("x1", &num(lay.x(c.at_ms))),
                        ("y1", &num(LOG_BOTTOM)),
                        ("x2", &num(lay.x(a.at_ms))),
                        ("y2", &num(READ_TOP)),
                    ],
                );
            }
        }
    }
    // Ticks: commits on the write log, applies on the read model.
    let mut lanes: Vec<(&[cv::Tick], f64, f64, &str)> = vec![(
        tl.commits.as_slice(),
        LOG_TOP,
        LOG_BOTTOM,
        "cqrs-tick cqrs-tick--commit",
    )];
    if !tl.crud {
        lanes.push((
            tl.applies.as_slice(),
            READ_TOP,
            READ_BOTTOM,
            "cqrs-tick cqrs-tick--apply",
        ));
    }
    for (i, c) in copies.iter().enumerate() {
        let (_, top, bottom) = CopyLane::rows(i);
        lanes.push((c.lane.applies.as_slice(), top, bottom, c.class));
    }
    for (ticks, top, bottom, class) in lanes {
        let label = ticks.len() <= LABELLED;
        let mut last_label = f64::NEG_INFINITY;
        for tk in ticks {
            let x = lay.x(tk.at_ms);
            m.empty(
                "line",
                &[
                    ("class", class),
                    ("x1", &num(x)),
                    ("y1", &num(top + 2.0)),
                    ("x2", &num(x)),
                    ("y2", &num(bottom - 2.0)),
                ],
            );
            if label && x - last_label >= 22.0 {
                last_label = x;
                m.elem(
                    "text",
                    &[
                        ("class", "cqrs-seq"),
                        ("x", &num(x + 2.0)),
                        ("y", &num(bottom - 5.0)),
                    ],
                    &format!("#{}", tk.seq),
                );
            }
        }
    }
    // Probes: one per answered query, across the lanes.
    let label_probes = tl.probes.len() <= PROBE_LABELS;
    // Labels take the first of three rows where they do not run into the previous one.
    let mut row_ends = [f64::NEG_INFINITY; 3];
    let dense = if tl.probes.len() > 2 * PROBE_LABELS {
        " cqrs-probe--dense"
    } else {
        ""
    };
    // A probe ends on the lane of the copy that answered it: the read model's,
    // or replica R`r`'s (below the history's lane, when there is one).
    let first_replica = usize::from(tl.history.is_some());
    let foot = |p: &Probe| match p.copy {
        0 => READ_BOTTOM,
        r => CopyLane::rows(first_replica + r as usize - 1).2.min(bottom),
    };
    for p in &tl.probes {
        let x = lay.x(p.at_ms);
        let class = probe_class(p);
        let y = if tl.crud {
            LOG_BOTTOM + 6.0
        } else {
            foot(p) + 2.0
        };
        let back = if p.back { " cqrs-probe--back" } else { "" };
        m.open(
            "g",
            &[
                (
                    "class",
                    &format!("cqrs-probe cqrs-probe--{class}{dense}{back}"),
                ),
                ("data-outcome", p.outcome.key()),
            ],
        );
        m.elem("title", &[], &probe_sentence(p, lang));
        m.empty(
            "line",
            &[
                ("x1", &num(x)),
                ("y1", &num(LOG_TOP - 2.0)),
                ("x2", &num(x)),
                ("y2", &num(y)),
            ],
        );
        m.empty("circle", &[("cx", &num(x)), ("cy", &num(y)), ("r", "3.5")]);
        // Time went backwards for this reader: a ring round its answer.
        if p.back {
            m.empty(
                "circle",
                &[
                    ("class", "cqrs-back-ring"),
                    ("cx", &num(x)),
                    ("cy", &num(y)),
                    ("r", "6.5"),
                ],
            );
        }
        if label_probes {
            let text = probe_label(p, lang);
            // About 6 px a character at 10 px bold.
            let width = text.chars().count() as f64 * 6.0;
            let anchor = if x + width > w - lay.right {
                "end"
            } else {
                "start"
            };
            let dx = if anchor == "end" { -4.0 } else { 4.0 };
            let (left, right) = if anchor == "end" {
                (x - width - 4.0, x)
            } else {
                (x, x + width + 4.0)
            };
            let row = row_ends.iter().position(|&end| end < left).unwrap_or(2);
            row_ends[row] = right;
            m.elem(
                "text",
                &[
                    ("class", "cqrs-probe-label"),
                    ("x", &num(x + dx)),
                    ("y", &num(GAP_TOP + 10.0 + row as f64 * 11.0)),
                    ("text-anchor", anchor),
                ],
                &text,
            );
        }
        m.close("g");
    }
    // Now, and the axis.
    if now >= tl.from_ms && now <= tl.to_ms {
        let x = lay.x(now);
        m.empty(
            "line",
            &[
                ("class", "cqrs-now"),
                ("x1", &num(x)),
                ("y1", &num(LOG_TOP - 4.0)),
                ("x2", &num(x)),
                ("y2", &num(bottom + 4.0)),
            ],
        );
    }
    m.elem(
        "text",
        &[
            ("class", "cqrs-axis"),
            ("x", &num(lay.left)),
            ("y", &num(axis_y)),
        ],
        &crate::charts::fmt_axis_ms(lang, tl.from_ms),
    );
    m.elem(
        "text",
        &[
            ("class", "cqrs-axis"),
            ("x", &num(w - lay.right)),
            ("y", &num(axis_y)),
            ("text-anchor", "end"),
        ],
        &fmt_ms(lang, tl.to_ms),
    );
    for l in &labels {
        l.draw(&mut m, lay.pad);
    }
    m.close("svg");
    m.finish()
}

/// Font sizes (CSS px) of the lane names and of the gap's line (`style/lab-cqrs.css`).
const LANE_PX: f64 = 12.0;
const GAP_PX: f64 = 11.0;
/// … and of a pause band's name.
const BAND_PX: f64 = 10.0;

/// A lane's name (or the gap's line), one or more lines from baseline `y`.
struct Label {
    class: &'static str,
    /// Its left edge (by default the drawing's padding).
    x: Option<f64>,
    y: f64,
    px: f64,
    lines: Vec<String>,
}

impl Label {
    fn lane(y: f64, text: String) -> Self {
        Label {
            class: "cqrs-lane-label",
            x: None,
            y,
            px: LANE_PX,
            lines: vec![text],
        }
    }

    /// A backdrop (the panel's colour) under the text, so the probes and
    /// ticks that cross the label's row pass behind it, then the text.
    fn draw(&self, m: &mut Markup, pad: f64) {
        let x = self.x.unwrap_or(pad);
        let line_h = self.px + 3.0;
        let widest = self
            .lines
            .iter()
            .map(|l| text_width(l, self.px))
            .fold(0.0, f64::max);
        m.empty(
            "rect",
            &[
                ("class", "cqrs-label-bg"),
                ("x", &num(x - 2.0)),
                ("y", &num(self.y - self.px)),
                ("width", &num(widest + 4.0)),
                ("height", &num(line_h * self.lines.len() as f64 + 1.0)),
            ],
        );
        m.open(
            "text",
            &[("class", self.class), ("x", &num(x)), ("y", &num(self.y))],
        );
        for (i, line) in self.lines.iter().enumerate() {
            let dy = if i == 0 { 0.0 } else { line_h };
            m.elem("tspan", &[("x", &num(x)), ("dy", &num(dy))], line);
        }
        m.close("text");
    }
}

/// `text` in lines no wider than `max_w` at `px` (by the shared width
/// estimate), broken between words; a word longer than a line keeps a line
/// to itself.
pub fn wrap(text: &str, px: f64, max_w: f64) -> Vec<String> {
    let mut lines: Vec<String> = vec![];
    let mut line = String::new();
    for word in text.split_whitespace() {
        let wider = format!("{line} {word}");
        if line.is_empty() {
            line = word.to_string();
        } else if text_width(&wider, px) <= max_w {
            line = wider;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The backlog between the lanes: an area over the window, and its count.
fn backlog_strip(m: &mut Markup, tl: &Timelines, lay: &Lay, lang: Lang, narrow: bool) -> Label {
    let peak = tl
        .backlog_steps
        .iter()
        .map(|s| s.1)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let h = GAP_BOTTOM - GAP_TOP;
    if tl.backlog_steps.len() >= 2 {
        let mut d = String::new();
        let first = tl.backlog_steps[0].0;
        d.push_str(&format!("M{} {}", num(lay.x(first)), num(GAP_BOTTOM)));
        let mut prev_y = GAP_BOTTOM;
        for &(t, b) in &tl.backlog_steps {
            let y = GAP_BOTTOM - b as f64 / peak * h;
            // Steps: hold the previous level until this instant.
            d.push_str(&format!(
                " L{} {} L{} {}",
                num(lay.x(t)),
                num(prev_y),
                num(lay.x(t)),
                num(y)
            ));
            prev_y = y;
        }
        let last = tl.backlog_steps[tl.backlog_steps.len() - 1].0;
        d.push_str(&format!(" L{} {} Z", num(lay.x(last)), num(GAP_BOTTOM)));
        m.empty("path", &[("class", "cqrs-backlog"), ("d", &d)]);
    }
    m.empty(
        "line",
        &[
            ("class", "cqrs-gap-base"),
            ("x1", &num(lay.left)),
            ("y1", &num(GAP_BOTTOM)),
            ("x2", &num(lay.w - lay.right)),
            ("y2", &num(GAP_BOTTOM)),
        ],
    );
    Label {
        class: if tl.backlog > 0 {
            "cqrs-gap-label cqrs-gap-label--on"
        } else {
            "cqrs-gap-label"
        },
        x: None,
        y: GAP_LABEL,
        px: GAP_PX,
        // On a narrow card the short form: squeezed into half a phone, the
        // long one was 6 px tall.
        lines: vec![tn(
            lang,
            if narrow {
                "cqrs.stage.backlog_short"
            } else {
                "cqrs.stage.backlog"
            },
            tl.backlog,
            &[("n", &fmt_count(lang, tl.backlog))],
        )],
    }
}

/// What a probe answered, in a few words ("not found", "Pending · 2 s old").
pub fn probe_label(p: &Probe, lang: Lang) -> String {
    match p.outcome {
        ReadOutcome::NotFound | ReadOutcome::Absent => t(lang, "cqrs.stage.not_found").to_string(),
        ReadOutcome::Error => t(lang, "cqrs.stage.error").to_string(),
        ReadOutcome::Fresh => status_name(lang, p.status),
        ReadOutcome::Stale => tf(
            lang,
            "cqrs.stage.stale_label",
            &[
                ("status", &status_name(lang, p.status)),
                ("age", &fmt_ms(lang, p.behind_ms)),
            ],
        ),
    }
}

/// A probe as a sentence (its tooltip, and the stage's caption).
pub fn probe_sentence(p: &Probe, lang: Lang) -> String {
    let args: [(&str, &dyn std::fmt::Display); 5] = [
        ("user", &p.user),
        ("order", &(p.order + 1)),
        ("status", &status_name(lang, p.status)),
        ("v", &p.version),
        ("age", &fmt_ms(lang, p.behind_ms)),
    ];
    let key = match p.outcome {
        ReadOutcome::Fresh => "cqrs.stage.read_fresh",
        ReadOutcome::Stale => "cqrs.stage.read_stale",
        ReadOutcome::NotFound => "cqrs.stage.read_not_found",
        ReadOutcome::Absent => "cqrs.stage.read_absent",
        ReadOutcome::Error => "cqrs.stage.read_error",
    };
    let mut s = tf(lang, key, &args);
    if p.mixed {
        s.push(' ');
        s.push_str(t(lang, "cqrs.stage.read_mixed"));
    }
    if p.copy > 0 {
        s.push(' ');
        s.push_str(&tf(lang, "cqrs.stage.read_from_replica", &[("n", &p.copy)]));
    }
    if p.back {
        s.push(' ');
        s.push_str(t(lang, "cqrs.stage.read_back"));
    }
    s
}

/// The timelines as a sentence (the SVG's text alternative).
pub fn timelines_sentence(tl: &Timelines, lang: Lang) -> String {
    let mut counts = [0usize; 3];
    for p in &tl.probes {
        match p.outcome {
            ReadOutcome::Stale => counts[1] += 1,
            ReadOutcome::NotFound => counts[2] += 1,
            _ => counts[0] += 1,
        }
    }
    let mut sentence = tf(
        lang,
        if tl.crud {
            "cqrs.stage.sentence_crud"
        } else {
            "cqrs.stage.sentence"
        },
        &[
            ("head", &tl.head),
            ("cursor", &tl.cursor),
            ("backlog", &tl.backlog),
            ("fresh", &counts[0]),
            ("stale", &counts[1]),
            ("missing", &counts[2]),
        ],
    );
    if let Some(h) = &tl.history {
        let mixed = tl.probes.iter().filter(|p| p.mixed).count();
        sentence.push(' ');
        sentence.push_str(&tf(
            lang,
            "cqrs.stage.sentence_history",
            &[("cursor", &h.cursor), ("mixed", &mixed)],
        ));
    }
    for (r, lane) in tl.replicas.iter().enumerate() {
        sentence.push(' ');
        sentence.push_str(&tf(
            lang,
            "cqrs.stage.sentence_replica",
            &[("n", &(r + 1)), ("cursor", &lane.cursor)],
        ));
    }
    sentence
}

/// The stores side by side, as an HTML table under its caption. `narrow`
/// (a phone, or a card of an A | B pair): the columns' short names, so the
/// table fits a half-phone card. The caption is outside the table's scroll
/// box and wraps: it is never cut.
pub fn stores_markup(sim: &CqrsSim, lang: Lang, narrow: bool) -> String {
    let s = cv::stores(sim);
    let mut m = Markup::new();
    m.open("figure", &[("class", "cqrs-stores-fig")]);
    let caption = if s.crud {
        "cqrs.stores.caption_one"
    } else if s.copies.len() == 1 {
        "cqrs.stores.caption"
    } else {
        "cqrs.stores.caption_many"
    };
    m.elem(
        "figcaption",
        &[("class", "cqrs-stores-caption")],
        &tn(
            lang,
            caption,
            s.orders as u64,
            &[
                ("shown", &s.rows.len()),
                ("orders", &fmt_count(lang, s.orders as u64)),
            ],
        ),
    );
    // On a narrow card, several copies (the read model and two replicas)
    // are a second table under the first, the order's column repeated: side
    // by side, R2's column was out of the card, behind a sideways scroll.
    let parts: Vec<(bool, std::ops::Range<usize>)> = if narrow && s.copies.len() >= 2 {
        vec![(true, 0..1), (false, 1..s.copies.len())]
    } else {
        vec![(true, 0..s.copies.len())]
    };
    for (with_write, copies) in parts {
        m.open("div", &[("class", "cqrs-stores-scroll")]);
        m.open(
            "table",
            &[
                (
                    "class",
                    if narrow {
                        "cqrs-stores cqrs-stores--narrow"
                    } else {
                        "cqrs-stores"
                    },
                ),
                ("data-rows", &s.rows.len().to_string()),
            ],
        );
        m.open("thead", &[]).open("tr", &[]);
        // A column's name: its short one on a narrow card, the full one as its title.
        let head = |m: &mut Markup, key: &str, short: &str, name: String| {
            if narrow {
                m.elem(
                    "th",
                    &[("scope", "col"), ("title", &name), ("data-key", key)],
                    t(lang, short),
                );
            } else {
                m.elem("th", &[("scope", "col"), ("data-key", key)], &name);
            }
        };
        head(
            &mut m,
            "order",
            "cqrs.stores.order_short",
            t(lang, "cqrs.stores.order").to_string(),
        );
        // (The write store's column, or the one store's, in the first table only.)
        let (key, short, full) = match s.crud {
            true => (
                "one_store",
                "cqrs.stores.one_store_short",
                "cqrs.stores.one_store",
            ),
            false => ("write", "cqrs.stores.write_short", "cqrs.stores.write"),
        };
        if with_write {
            head(&mut m, key, short, t(lang, full).to_string());
        }
        for c in &s.copies[copies.clone()] {
            match c {
                CopyKind::Details => head(
                    &mut m,
                    "details",
                    "cqrs.stores.details_short",
                    t(lang, "cqrs.stores.details").to_string(),
                ),
                CopyKind::History => head(
                    &mut m,
                    "history",
                    "cqrs.stores.history_short",
                    t(lang, "cqrs.stores.history").to_string(),
                ),
                CopyKind::Replica(r) => {
                    let name = tf(lang, "cqrs.stores.replica", &[("n", &(r + 1))]);
                    if narrow {
                        let short = tf(lang, "cqrs.stores.replica_short", &[("n", &(r + 1))]);
                        m.elem(
                            "th",
                            &[("scope", "col"), ("title", &name), ("data-key", "replica")],
                            &short,
                        );
                    } else {
                        m.elem("th", &[("scope", "col"), ("data-key", "replica")], &name);
                    }
                }
            }
        }
        m.close("tr").close("thead");
        m.open("tbody", &[]);
        if s.rows.is_empty() {
            m.open("tr", &[]);
            m.elem(
                "td",
                &[
                    (
                        "colspan",
                        &(1 + usize::from(with_write) + copies.len()).to_string(),
                    ),
                    ("class", "cqrs-empty"),
                ],
                t(lang, "cqrs.stores.empty"),
            );
            m.close("tr");
        }
        for r in &s.rows {
            m.open("tr", &[("data-order", &(r.order + 1).to_string())]);
            let args: [(&str, &dyn std::fmt::Display); 2] =
                [("order", &(r.order + 1)), ("user", &r.user)];
            let name = tf(lang, "cqrs.stores.order_row", &args);
            if narrow {
                // "#195 u777" (two short lines at most), the full name as its title.
                m.elem(
                    "th",
                    &[("scope", "row"), ("title", &name)],
                    &tf(lang, "cqrs.stores.order_row_short", &args),
                );
            } else {
                m.elem("th", &[("scope", "row")], &name);
            }
            if with_write {
                m.elem(
                    "td",
                    &[("class", "cqrs-cell")],
                    &format!("v{} {}", r.version, status_name(lang, r.status)),
                );
            }
            for (i, c) in r.copies.iter().enumerate() {
                if !copies.contains(&i) {
                    continue;
                }
                match c {
                    None => {
                        m.elem(
                            "td",
                            &[
                                ("class", "cqrs-cell cqrs-cell--missing"),
                                ("data-state", "missing"),
                            ],
                            t(lang, "cqrs.stores.missing"),
                        );
                    }
                    Some((v, st)) => {
                        let stale = *v < r.version;
                        let mut class = String::from("cqrs-cell");
                        if stale {
                            class.push_str(" cqrs-cell--stale");
                        }
                        if i == 0 && r.just_applied {
                            class.push_str(" cqrs-cell--new");
                        }
                        let text = if stale {
                            tf(
                                lang,
                                "cqrs.stores.stale_cell",
                                &[("v", v), ("status", &status_name(lang, *st))],
                            )
                        } else {
                            format!("v{} {}", v, status_name(lang, *st))
                        };
                        m.elem(
                            "td",
                            &[
                                ("class", &class),
                                ("data-state", if stale { "stale" } else { "fresh" }),
                            ],
                            &text,
                        );
                    }
                }
            }
            m.close("tr");
        }
        m.close("tbody").close("table");
        m.close("div");
    }
    m.close("figure");
    m.finish()
}

/// The projector's queue as a tank, and Little's law checked live.
pub fn tank_markup(sim: &CqrsSim, lang: Lang) -> String {
    let k = cv::tank(sim);
    let mut m = Markup::new();
    if k.crud {
        m.elem(
            "p",
            &[("class", "cqrs-tank-note")],
            t(lang, "cqrs.tank.crud"),
        );
        return m.finish();
    }
    let level = if k.backlog_peak == 0 {
        0.0
    } else {
        k.backlog as f64 / k.backlog_peak as f64
    };
    m.open("div", &[("class", "cqrs-tank-row")]);
    // In.
    m.elem(
        "span",
        &[("class", "cqrs-flow cqrs-flow--in")],
        &if k.committed < engine::labs::cqrs::view::RATE_MIN_CHANGES {
            engine::i18n::tn(
                lang,
                "cqrs.tank.in_count",
                k.committed,
                &[("n", &k.committed)],
            )
        } else {
            tf(
                lang,
                "cqrs.tank.in",
                &[("rate", &fmt_number(lang, k.offered_per_s))],
            )
        },
    );
    // The tank: its fill is the backlog against its peak so far.
    m.open(
        "div",
        &[
            (
                "class",
                if k.paused || k.rebuilding {
                    "cqrs-tank cqrs-tank--stopped"
                } else {
                    "cqrs-tank"
                },
            ),
            ("role", "img"),
            (
                "aria-label",
                &tf(
                    lang,
                    "cqrs.tank.label",
                    &[
                        ("n", &fmt_count(lang, k.backlog)),
                        ("peak", &fmt_count(lang, k.backlog_peak)),
                    ],
                ),
            ),
        ],
    );
    // Closed, not `empty`: in HTML `<span/>` opens a span, and the count
    // would sit inside the fill (cut off at the tank's bottom when it is low).
    m.elem(
        "span",
        &[
            ("class", "cqrs-tank-fill"),
            (
                "style",
                &format!("height:{}%", engine::num::fixed(level * 100.0, 1)),
            ),
        ],
        "",
    );
    m.elem(
        "span",
        &[
            ("class", "cqrs-tank-count"),
            ("data-testid", "tank-backlog"),
        ],
        &fmt_count(lang, k.backlog),
    );
    m.close("div");
    // Out.
    let out = if k.paused {
        t(lang, "cqrs.tank.paused").to_string()
    } else if k.rebuilding {
        t(lang, "cqrs.tank.rebuilding").to_string()
    } else {
        match (k.mode, k.service_per_s, k.delay_ms) {
            (SyncMode::Queue, Some(mu), _) if mu.is_finite() => tf(
                lang,
                "cqrs.tank.out_rate",
                &[("rate", &fmt_number(lang, mu))],
            ),
            (SyncMode::Queue, _, _) => t(lang, "cqrs.tank.out_instant").to_string(),
            (_, _, d) => tf(
                lang,
                "cqrs.tank.out_delay",
                // A no-break space: "2 s" never splits over two lines.
                &[("d", &fmt_ms(lang, d.unwrap_or(0.0)).replace(' ', "\u{a0}"))],
            ),
        }
    };
    m.elem("span", &[("class", "cqrs-flow cqrs-flow--out")], &out);
    m.close("div");
    // The numbers, and the law.
    m.open("dl", &[("class", "cqrs-tank-facts")]);
    if let Some(load) = k.load().filter(|l| l.is_finite()) {
        m.elem("dt", &[], t(lang, "cqrs.tank.load"));
        m.elem(
            "dd",
            &[("class", if load >= 1.0 { "cqrs-over" } else { "" })],
            &tf(
                lang,
                if load >= 1.0 {
                    "cqrs.tank.load_over"
                } else {
                    "cqrs.tank.load_value"
                },
                &[("load", &crate::charts::fmt_percent(lang, load))],
            ),
        );
    }
    m.elem("dt", &[], t(lang, "cqrs.tank.little"));
    let law = match k.little {
        None => t(lang, "cqrs.tank.little_none").to_string(),
        Some(l) => engine::i18n::tn(
            lang,
            match k.little_holds() {
                Some(true) => "cqrs.tank.little_holds",
                Some(false) => "cqrs.tank.little_differs",
                None => "cqrs.tank.little_few",
            },
            k.lag_samples,
            &[
                ("mean", &fmt_number(lang, k.backlog_mean)),
                ("rate", &fmt_number(lang, k.arrival_per_s)),
                ("lag", &fmt_ms(lang, k.lag_mean_ms.unwrap_or(0.0))),
                ("product", &fmt_number(lang, l)),
                ("n", &k.lag_samples),
                ("min", &cv::LITTLE_MIN_SAMPLES),
            ],
        ),
    };
    m.elem(
        "dd",
        &[
            ("data-testid", "little"),
            (
                "data-holds",
                match k.little_holds() {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "unjudged",
                },
            ),
        ],
        &law,
    );
    m.close("dl");
    m.finish()
}

/// Text 004's stock as each service counts it.
pub fn stock_markup(sim: &CqrsSim, lang: Lang) -> String {
    let Some(s) = cv::stock(sim.model()) else {
        return String::new();
    };
    let mut m = Markup::new();
    m.elem(
        "h3",
        &[("class", "small-title")],
        t(lang, "cqrs.stock.title"),
    );
    m.open("dl", &[("class", "cqrs-stock"), ("data-testid", "stock")]);
    let rows: [(&str, String, &str); 6] = [
        ("cqrs.stock.sold", format!("{} / {}", s.sold, s.units), ""),
        ("cqrs.stock.copy", s.copy.to_string(), ""),
        ("cqrs.stock.products", s.products.to_string(), ""),
        ("cqrs.stock.truth", s.truth.to_string(), ""),
        (
            "cqrs.stock.oversold",
            s.oversold.to_string(),
            if s.oversold > 0 { "cqrs-bad" } else { "" },
        ),
        (
            "cqrs.stock.drift",
            s.drift.to_string(),
            if s.drift != 0 { "cqrs-bad" } else { "" },
        ),
    ];
    for (key, value, class) in rows {
        m.elem("dt", &[], t(lang, key));
        m.elem("dd", &[("class", class)], &value);
    }
    m.close("dl");
    m.finish()
}

/// The stock in one sentence: sold, really left, and what each service's
/// count says (the stage's top line on a side with a stock).
pub fn stock_sentence(s: &cv::Stock, lang: Lang) -> String {
    tf(
        lang,
        "cqrs.stock.line",
        &[
            ("sold", &s.sold),
            ("units", &s.units),
            ("truth", &s.truth),
            ("products", &s.products),
            ("copy", &s.copy),
        ],
    )
}

/// The stage of one side: the caption, the timelines (redrawn each frame),
/// the stores, the tank and the stock (at the views' pace).
///
/// The lanes show the stage cards' time window (`axis`: the whole run, or
/// the shorter side's when the page zooms to it), as the cards' mini-charts do.
#[component]
pub fn CqrsStage(
    view: CqrsView,
    frame_view: CqrsView,
    side: usize,
    /// The cards' shared time window (by default the whole run).
    #[prop(optional)]
    axis: TimeAxis,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    let width = crate::charts::use_element_width(node, 520.0);
    let svg = move || {
        let lang = frame_view.lang.get();
        let w = width.get();
        frame_view.with(|run| {
            let domain = axis.x_max_ms(run);
            run.sides
                .get(side)
                .map(|sim| timelines_svg(sim, lang, w, domain))
                .unwrap_or_default()
        })
    };
    let caption = move || {
        let lang = view.lang.get();
        view.with(|run| {
            let sim = run.sides.get(side)?;
            // A read whose screen mixed two versions is not "up to date" in green.
            cv::latest_read(sim).map(|p| (probe_class(&p), probe_sentence(&p, lang)))
        })
    };
    // The stock as each service counts it, on one line at the top (the stock
    // presets' lesson: it was only in the panel under the stores, out of view).
    let stock = move || {
        let lang = view.lang.get();
        view.with(|run| {
            run.sides
                .get(side)
                .and_then(|sim| cv::stock(sim.model()))
                .map(|s| stock_sentence(&s, lang))
        })
    };
    let part = move |f: fn(&CqrsSim, Lang) -> String| {
        move || {
            let lang = view.lang.get();
            view.with(|run| run.sides.get(side).map(|s| f(s, lang)).unwrap_or_default())
        }
    };
    // The history projection's lane and its key (the two_projections preset).
    let has_history = move || {
        view.with(|run| {
            run.sides
                .get(side)
                .is_some_and(|s| s.model().projections.len() > 1 && !s.model().is_crud())
        })
    };
    // Replicas' lanes: each read ends on the lane of the copy that answered it,
    // and a ring marks a reader's time going backwards.
    let has_replicas = move || {
        view.with(|run| {
            run.sides
                .get(side)
                .is_some_and(|s| !s.model().replicas.is_empty() && !s.model().is_crud())
        })
    };
    // The stores' short column names on the cards the lanes' short names are
    // for, and wherever their copies need the room: two replicas' columns ran
    // off a 490 px card at 1440 px, "Réplica 2" out of sight.
    let narrow = Memo::new(move |_| {
        let copies = view.with(|run| {
            run.sides.get(side).map_or(1, |s| {
                let c = s.model().config();
                1 + usize::from(c.history.is_some()) + c.replicas_lag_ms.len()
            })
        });
        width.get() < NARROW_PX + 140.0 * (copies - 1) as f64
    });
    let stores = move || {
        let lang = view.lang.get();
        let narrow = narrow.get();
        view.with(|run| {
            run.sides
                .get(side)
                .map(|s| stores_markup(s, lang, narrow))
                .unwrap_or_default()
        })
    };
    view! {
        <div class="cqrs-stage" data-testid=format!("cqrs-stage-{side}")>
            <p class="cqrs-telling" data-testid=format!("telling-{side}") aria-live="off">
                {move || caption().map(|(class, text)| view! {
                    <span class=format!("cqrs-dot cqrs-probe--{class}") aria-hidden="true"></span>
                    " "
                    {text}
                })}
                {move || stock().map(|text| view! {
                    <span class="cqrs-stock-line" data-testid="stock-line">{text}</span>
                })}
            </p>
            <figure class="cqrs-timelines">
                <div class="stage-plot" node_ref=node inner_html=svg data-testid=format!("timelines-{side}")></div>
                <figcaption class="cqrs-legend help">
                    // The preset's own mark first: last, a Spanish legend's
                    // second row left it below the embed's frame.
                    {move || has_history().then(|| view! {
                        <span data-testid=format!("mixed-key-{side}")><i class="cqrs-key cqrs-probe--mixed"></i>{tr("cqrs.legend.mixed")}</span>
                    })}
                    <span><i class="cqrs-key cqrs-probe--fresh"></i>{tr("cqrs.legend.fresh")}</span>
                    <span><i class="cqrs-key cqrs-probe--stale-1"></i>{tr("cqrs.legend.stale_1")}</span>
                    <span><i class="cqrs-key cqrs-probe--stale-2"></i>{tr("cqrs.legend.stale_2")}</span>
                    <span><i class="cqrs-key cqrs-probe--stale-3"></i>{tr("cqrs.legend.stale_3")}</span>
                    <span><i class="cqrs-key cqrs-probe--not-found"></i>{tr("cqrs.legend.not_found")}</span>
                    <span><i class="cqrs-key cqrs-key--backlog"></i>{tr("cqrs.legend.backlog")}</span>
                    {move || has_replicas().then(|| view! {
                        <span data-testid=format!("back-key-{side}")><i class="cqrs-key cqrs-key--back"></i>{tr("cqrs.legend.back")}</span>
                    })}
                </figcaption>
            </figure>
            <div class="cqrs-below">
                <div class="cqrs-stores-box" data-testid=format!("stores-{side}") inner_html=stores></div>
                <div class="cqrs-tank-box">
                    <h3 class="small-title">{tr("cqrs.tank.title")}</h3>
                    <div data-testid=format!("tank-{side}") inner_html=part(tank_markup)></div>
                    <div inner_html=part(stock_markup)></div>
                </div>
            </div>
        </div>
    }
}

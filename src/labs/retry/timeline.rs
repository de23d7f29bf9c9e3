//! The request timeline: one row per recent request (newest first), with time
//! since the request arrived running left to right. Each attempt is a bar,
//! coloured and marked by how it ended (✓ ok, ✗ failed, → still in flight);
//! the gaps between attempts are the waits, labelled with their length; the
//! row ends with how the request ended, in words ("✔ after 2 attempts",
//! "✘ gave up after 6 attempts: deadline passed").
//!
//! A and B share one time scale. When every request arrives at the start (a
//! single request, a herd), the axis is simulated time from 0 to the later
//! side's end (`LabRun::time_domain_ms`), so a herd's attempts line up in
//! waves across rows, and a side that finishes sooner is visibly shorter.
//! When requests keep arriving (Poisson), the axis is the time since each
//! request arrived, scaled to the longest life shown on either side.
//!
//! Rows are plain HTML (positioned by percentages), so text stays readable at
//! any width. The list scrolls, and can be focused and scrolled with the
//! keyboard; each bar carries its full description for screen readers.

use super::stage::Side;
use super::RetryView;
use crate::charts::{fmt_count, fmt_countdown, fmt_ms, nice_ticks, use_element_width, Tone};
use crate::markup::Markup;
use engine::i18n::{t, tf};
use engine::labs::retry::config::Workload;
use engine::labs::retry::model::{Final, Phase, Request, SpanResult};
use engine::labs::retry::record::node_name;
use engine::labs::retry::{RetryRun, RetrySim};
use engine::labs::LabRun;
use engine::{Lang, SimTime};
use leptos::prelude::*;

/// How many requests the timeline shows.
pub const ROWS: usize = 30;

#[derive(Clone, Debug, PartialEq)]
struct Bar {
    /// Left edge and width, in % of the track.
    left: f64,
    width: f64,
    tone: Tone,
    /// Class for the bar's pattern: `done`, `flight`.
    state: &'static str,
    /// Short visible text: `2 ✗`.
    short: String,
    /// The full sentence (tooltip and screen readers).
    full: String,
}

#[derive(Clone, Debug, PartialEq)]
struct Gap {
    left: f64,
    width: f64,
    /// `2 s` — the wait's length (or what is left of it).
    label: String,
    full: String,
    /// Still waiting (the gap grows toward its end).
    current: bool,
    /// How much of the wait has passed (% of the gap): its label sits in the
    /// part still ahead, after the clock's line.
    done: f64,
}

#[derive(Clone, Debug, PartialEq)]
struct Row {
    id: u32,
    head: String,
    bars: Vec<Bar>,
    gaps: Vec<Gap>,
    status: String,
    status_tone: Tone,
    /// Where the clock is on this row's track (%), while the side runs.
    now: Option<f64>,
}

/// The time axis both sides' timelines share.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Axis {
    /// Simulated time, 0 to `end_ms` (every request arrived at the start).
    Absolute { end_ms: f64 },
    /// Time since each request arrived, up to `longest_ms`.
    SinceArrival { longest_ms: f64 },
}

impl Axis {
    /// The axis for `run`, the same for side A and side B, from each side's
    /// newest requests (`recent` of every side, in `run.sides()` order).
    fn of(run: &RetryRun, recents: &[Vec<&Request>]) -> Axis {
        let sides = || run.sides().zip(recents);
        match run.a.model().scenario().workload {
            Workload::Poisson { .. } => Axis::SinceArrival {
                longest_ms: sides()
                    .map(|(sim, recent)| {
                        let now_ms = ms(sim.now());
                        recent.iter().map(|r| life(r, now_ms)).fold(0.0, f64::max)
                    })
                    .fold(0.0, f64::max),
            },
            // Far enough for the waits under way to be drawn whole: the
            // axis is open at the clock, and a wait runs past it.
            _ => Axis::Absolute {
                end_ms: sides()
                    .flat_map(|(_, recent)| recent.iter().filter_map(|r| pending_until(r)))
                    .fold(run.time_domain_ms(), f64::max),
            },
        }
    }
}

/// The newest requests, finished or not (ids grow with arrival). Active
/// requests come in id order, so the newest are the last few: skipped to,
/// never sorted (a storm has thousands active).
fn recent(sim: &RetrySim) -> Vec<&Request> {
    let model = sim.model();
    let active = match model.active().size_hint() {
        (lo, Some(hi)) if lo == hi => lo,
        _ => model.active().count(),
    };
    let mut recent: Vec<&Request> = model.active().skip(active.saturating_sub(ROWS)).collect();
    recent.extend(model.finished().rev().take(ROWS));
    engine::order::sort_by(&mut recent, |a, b| b.id.cmp(&a.id));
    recent.dedup_by_key(|r| r.id);
    recent.truncate(ROWS);
    recent
}

/// When a request still waiting for its next attempt sends it.
fn pending_until(r: &Request) -> Option<f64> {
    match (r.outcome, r.phase) {
        (None, Phase::Waiting { until, .. }) => Some(ms(until)),
        _ => None,
    }
}

/// How long a request has lived (to its end, or to now / its next attempt).
fn life(r: &Request, now_ms: f64) -> f64 {
    let end = match (r.outcome, r.phase) {
        (Some((_, at)), _) => ms(at),
        (None, Phase::Waiting { until, .. }) => ms(until).max(now_ms),
        (None, Phase::InFlight { .. }) => now_ms,
    };
    end - ms(r.arrived)
}

#[derive(Clone, Debug, PartialEq)]
struct TimelineFrame {
    lang: Lang,
    axis: Axis,
    rows: Vec<Row>,
    /// Axis ticks: (position in %, label).
    ticks: Vec<(f64, String)>,
    total: u64,
    /// A and B side by side (the axis label says it is one for both).
    compared: bool,
}

fn ms(t: SimTime) -> f64 {
    t.as_micros() as f64 / 1000.0
}

fn span_full(lang: Lang, attempt: u32, node: u32, result: Option<SpanResult>, took: f64) -> String {
    let node = node_name(node);
    let took = fmt_ms(lang, took);
    match result {
        Some(SpanResult::Ok) => tf(
            lang,
            "retry.timeline.attempt_ok",
            &[("attempt", &attempt), ("node", &node), ("took", &took)],
        ),
        Some(SpanResult::Failed(e)) => tf(
            lang,
            "retry.timeline.attempt_failed",
            &[
                ("attempt", &attempt),
                ("node", &node),
                ("took", &took),
                ("error", &t(lang, e.key())),
            ],
        ),
        None => tf(
            lang,
            "retry.timeline.attempt_in_flight",
            &[("attempt", &attempt), ("node", &node), ("took", &took)],
        ),
    }
}

fn status(lang: Lang, req: &Request, now_ms: f64) -> (String, Tone) {
    let attempts = req.spans.len() as u32;
    match (req.outcome, req.phase) {
        (Some((Final::Succeeded, _)), _) if attempts <= 1 => {
            (t(lang, "retry.timeline.ok_first").to_string(), Tone::Ok)
        }
        (Some((Final::Succeeded, _)), _) => (
            tf(lang, "retry.timeline.ok_after", &[("n", &attempts)]),
            Tone::Ok,
        ),
        (Some((Final::GaveUp(reason), _)), _) if attempts == 0 => (
            tf(
                lang,
                "retry.timeline.not_sent",
                &[("reason", &t(lang, reason.key()))],
            ),
            Tone::GiveUp,
        ),
        (Some((Final::GaveUp(reason), _)), _) if attempts == 1 => (
            tf(
                lang,
                "retry.timeline.gave_up_one",
                &[("reason", &t(lang, reason.key()))],
            ),
            Tone::GiveUp,
        ),
        (Some((Final::GaveUp(reason), _)), _) => (
            tf(
                lang,
                "retry.timeline.gave_up",
                &[("n", &attempts), ("reason", &t(lang, reason.key()))],
            ),
            Tone::GiveUp,
        ),
        (None, Phase::InFlight { attempt, .. }) => (
            tf(lang, "retry.timeline.in_flight", &[("attempt", &attempt)]),
            Tone::Info,
        ),
        (
            None,
            Phase::Waiting {
                next_attempt,
                until,
                ..
            },
        ) => (
            tf(
                lang,
                "retry.timeline.waiting",
                &[
                    ("attempt", &next_attempt),
                    ("wait", &fmt_countdown(lang, ms(until) - now_ms)),
                ],
            ),
            Tone::Wait,
        ),
    }
}

impl TimelineFrame {
    /// One side's frame, from its newest requests (`recent(sim)`).
    fn of(
        sim: &RetrySim,
        recent: &[&Request],
        lang: Lang,
        axis: Axis,
        compared: bool,
    ) -> TimelineFrame {
        let model = sim.model();
        let now_ms = ms(sim.now());

        // One scale for every row, and for both sides. At least 100 ms, so
        // requests that never got an attempt do not make a microsecond scale.
        let (span, absolute) = match axis {
            Axis::Absolute { end_ms } => (end_ms, true),
            Axis::SinceArrival { longest_ms } => (longest_ms, false),
        };
        let (scale, tick_values) = nice_ticks(span.max(100.0), 4);
        let pct = |v: f64| (v / scale * 100.0).clamp(0.0, 100.0);

        let rows = recent
            .iter()
            .map(|req| {
                // Where this row's clock starts: 0, or when it arrived.
                let start = if absolute { 0.0 } else { ms(req.arrived) };
                let mut bars = Vec::with_capacity(req.spans.len());
                let mut gaps = Vec::new();
                let mut prev_end: Option<f64> = None;
                for span in &req.spans {
                    let s = ms(span.start) - start;
                    let e = span.end.map_or(now_ms, ms) - start;
                    if let Some(pe) = prev_end {
                        if s - pe > 0.0005 {
                            let wait = fmt_ms(lang, s - pe);
                            gaps.push(Gap {
                                left: pct(pe),
                                width: pct(s) - pct(pe),
                                full: tf(lang, "retry.timeline.waited", &[("wait", &wait)]),
                                label: wait,
                                current: false,
                                done: 0.0,
                            });
                        }
                    }
                    prev_end = Some(e);
                    let (tone, mark, state) = match span.result {
                        Some(SpanResult::Ok) => (Tone::Ok, "✓", "done"),
                        Some(SpanResult::Failed(_)) => (Tone::Fail, "✗", "done"),
                        None => (Tone::Info, "→", "flight"),
                    };
                    bars.push(Bar {
                        left: pct(s),
                        width: (pct(e) - pct(s)).max(0.4),
                        tone,
                        state,
                        short: format!("{} {mark}", span.attempt),
                        full: span_full(lang, span.attempt, span.node, span.result, e - s),
                    });
                }
                if let (None, Phase::Waiting { since, until, .. }) = (req.outcome, req.phase) {
                    let s = ms(since) - start;
                    let e = ms(until) - start;
                    let left = fmt_countdown(lang, ms(until) - now_ms);
                    gaps.push(Gap {
                        left: pct(s),
                        width: (pct(e) - pct(s)).max(0.4),
                        full: tf(
                            lang,
                            "retry.timeline.waiting_for",
                            &[("wait", &fmt_ms(lang, e - s)), ("left", &left)],
                        ),
                        label: format!("◷ {left}"),
                        current: true,
                        done: if e > s {
                            ((now_ms - start - s) / (e - s) * 100.0).clamp(0.0, 100.0)
                        } else {
                            0.0
                        },
                    });
                }
                let (status, status_tone) = status(lang, req, now_ms);
                if req.spans.is_empty() && req.outcome.is_some() {
                    // Turned away before any attempt (an open breaker): a mark at 0.
                    bars.push(Bar {
                        left: 0.0,
                        width: 0.0,
                        tone: Tone::GiveUp,
                        state: "rejected",
                        short: "✗".into(),
                        full: status.clone(),
                    });
                }
                Row {
                    now: (!sim.is_finished()).then(|| pct(now_ms - start)),
                    id: req.id,
                    head: tf(
                        lang,
                        "retry.timeline.request",
                        &[("req", &req.id), ("client", &(req.client + 1))],
                    ),
                    bars,
                    gaps,
                    status,
                    status_tone,
                }
            })
            .collect();
        let ticks = tick_values
            .into_iter()
            .map(|v| (pct(v), crate::charts::fmt_axis_ms(lang, v)))
            .collect();
        TimelineFrame {
            lang,
            axis,
            rows,
            ticks,
            total: model.stats().requests,
            compared,
        }
    }
}

fn style_box(left: f64, width: f64) -> String {
    format!(
        "left:{}%;width:{}%",
        engine::num::Fixed(left, 2),
        engine::num::Fixed(width, 2)
    )
}

/// Whether `text` fits in `share` % of a track `track_px` wide (11 px bold
/// digits are about 7 px). Text that does not fit stays in the tooltip and for
/// screen readers, instead of showing as a clipped fragment.
fn fits(text: &str, share: f64, track_px: f64) -> bool {
    share / 100.0 * track_px >= text.chars().count() as f64 * 7.0 + 6.0
}

/// The track's width in a list `list_px` wide (see the grid in components.css:
/// a head and a status column beside the track, or the track alone on a line
/// below them when the list is narrow).
fn track_width(list_px: f64) -> f64 {
    if list_px <= 560.0 {
        list_px - 18.0
    } else {
        list_px - 18.0 - 110.0 - (list_px * 0.3).clamp(120.0, 220.0) - 20.0
    }
}

fn draw_row(m: &mut Markup, row: &Row, track_px: f64) {
    m.open(
        "li",
        &[("class", "tl-row"), ("data-request", &row.id.to_string())],
    );
    m.elem("span", &[("class", "tl-head")], &row.head);
    m.open("span", &[("class", "tl-track")]);
    if let Some(now) = row.now {
        m.elem(
            "span",
            &[
                ("class", "tl-now"),
                ("data-testid", "timeline-now"),
                ("style", &format!("left:{}%", engine::num::Fixed(now, 2))),
                ("aria-hidden", "true"),
            ],
            "",
        );
    }
    for gap in &row.gaps {
        let class = if gap.current {
            "tl-gap tl-gap--current tone-wait"
        } else {
            "tl-gap tone-wait"
        };
        // A wait under way: the part already waited is filled, the part
        // ahead of the clock stays an empty outline (`--done`, in %).
        let mut style = style_box(gap.left, gap.width);
        if gap.current {
            style.push_str(&format!(";--done:{}%", engine::num::Fixed(gap.done, 2)));
        }
        m.open(
            "span",
            &[
                ("class", class),
                ("style", &style),
                ("title", &gap.full),
                ("data-tip", &gap.full),
            ],
        );
        m.elem("span", &[("class", "visually-hidden")], &gap.full);
        let ahead = gap.width * (1.0 - gap.done / 100.0);
        let shown = if fits(&gap.label, ahead, track_px) {
            gap.label.as_str()
        } else {
            ""
        };
        // The label sits in the part ahead: after the clock, when some of the
        // wait has passed.
        let margin = format!("margin-left:{}%", engine::num::Fixed(gap.done, 2));
        let mut attrs = vec![("class", "tl-gap-text"), ("aria-hidden", "true")];
        if gap.done > 0.0 {
            attrs.push(("style", &margin));
        }
        m.elem("span", &attrs, shown);
        m.close("span");
    }
    for b in &row.bars {
        let class = format!("tl-bar tl-bar--{} {}", b.state, b.tone.class());
        m.open(
            "span",
            &[
                ("class", &class),
                ("style", &style_box(b.left, b.width)),
                ("title", &b.full),
                ("data-tip", &b.full),
            ],
        );
        m.elem("span", &[("class", "visually-hidden")], &b.full);
        let shown = if b.state == "rejected" || fits(&b.short, b.width, track_px) {
            b.short.as_str()
        } else {
            ""
        };
        m.elem(
            "span",
            &[("class", "tl-bar-text"), ("aria-hidden", "true")],
            shown,
        );
        m.close("span");
    }
    m.close("span");
    m.elem(
        "span",
        &[("class", &format!("tl-status {}", row.status_tone.class()))],
        &row.status,
    );
    m.close("li");
}

/// The axis, rows and note of a frame, as markup (redrawn whole each frame).
fn timeline_markup(f: &TimelineFrame, list_px: f64) -> String {
    let lang = f.lang;
    let mut m = Markup::new();
    m.open(
        "div",
        &[
            ("class", "tl-axis"),
            ("aria-hidden", "true"),
            ("data-testid", "timeline-axis"),
        ],
    );
    m.elem("span", &[("class", "tl-head")], "")
        .open("span", &[("class", "tl-track")]);
    for (at, label) in &f.ticks {
        m.elem(
            "span",
            &[
                ("class", "tl-tick"),
                ("style", &format!("left:{}%", engine::num::Fixed(*at, 2))),
            ],
            label,
        );
    }
    m.close("span")
        .elem("span", &[("class", "tl-status")], "")
        .close("div");
    if f.rows.is_empty() {
        m.elem(
            "p",
            &[("class", "tl-empty")],
            t(lang, "retry.timeline.empty"),
        );
    }
    let track_px = track_width(list_px);
    m.open("ol", &[("class", "tl-rows")]);
    for r in &f.rows {
        draw_row(&mut m, r, track_px);
    }
    m.close("ol").open("p", &[("class", "tl-note")]);
    if f.total > f.rows.len() as u64 && !f.rows.is_empty() {
        m.text(&tf(
            lang,
            "retry.timeline.showing",
            &[
                ("shown", &f.rows.len()),
                ("total", &fmt_count(lang, f.total)),
            ],
        ));
    }
    m.close("p");
    m.finish()
}

/// What the bars and waits mean, as markup: the timeline draws its own
/// shapes (solid, hatched, outlined, dashed), not the stage's dots, so it has
/// its own key.
fn legend_markup(lang: Lang) -> String {
    let mut m = Markup::new();
    for (class, key) in [
        ("tl-key tone-ok", "retry.timeline.legend_ok"),
        (
            "tl-key tl-key--failed tone-fail",
            "retry.timeline.legend_failed",
        ),
        (
            "tl-key tl-key--flight tone-info",
            "retry.timeline.legend_flight",
        ),
        (
            "tl-key tl-key--waited tone-wait",
            "retry.timeline.legend_waited",
        ),
        (
            "tl-key tl-key--ahead tone-wait",
            "retry.timeline.legend_ahead",
        ),
    ] {
        m.open("li", &[])
            .elem("span", &[("class", class), ("aria-hidden", "true")], "")
            .text(t(lang, key))
            .close("li");
    }
    m.finish()
}

/// The most recent requests of one side, attempt by attempt.
#[component]
pub fn RequestTimeline(view: RetryView, side: Side) -> impl IntoView {
    let frame = Memo::new(move |_| {
        let lang = view.lang.get();
        view.with(|run| {
            // One pass over each side's newest requests: the shared axis and
            // this side's rows both read it.
            let recents: Vec<Vec<&Request>> = run.sides().map(recent).collect();
            let axis = Axis::of(run, &recents);
            let mine = recents.get(side as usize)?;
            let compared = recents.len() > 1;
            side.sim(run)
                .map(|sim| TimelineFrame::of(sim, mine, lang, axis, compared))
        })
    });
    let title_id = format!("timeline-title-{}", side.letter());
    let lang = view.lang;

    let list = NodeRef::<leptos::html::Div>::new();
    let width = use_element_width(list, 720.0);
    let tips = super::tips::Tips::new();
    let list_el = move || list.get_untracked().map(web_sys::Element::from);
    let body = move || {
        let list_px = width.get();
        frame.with(|f| {
            f.as_ref()
                .map(|f| timeline_markup(f, list_px))
                .unwrap_or_default()
        })
    };

    view! {
        <section class="retry-timeline" data-testid="request-timeline" data-side=side.letter()>
            <h3 class="tl-title" id=title_id.clone()>{move || t(lang.get(), "retry.timeline.title").to_string()}</h3>
            <p class="tl-x-label" data-testid="timeline-x-label">
                {move || {
                    // "One axis for A and B" only where there is a B.
                    let key = match frame.with(|f| f.as_ref().map(|f| (f.axis, f.compared))) {
                        Some((Axis::Absolute { .. }, true)) => "retry.timeline.x_axis_shared",
                        Some((Axis::Absolute { .. }, false)) => "retry.timeline.x_axis_time",
                        Some((_, false)) => "retry.timeline.x_axis",
                        _ => "retry.timeline.x_axis_since_shared",
                    };
                    t(lang.get(), key).to_string()
                }}
            </p>
            <ul class="tl-legend" data-testid="timeline-legend" inner_html=move || legend_markup(lang.get())></ul>
            // A bar's or a wait's text by tap, click or ← →, not only by hover (tips.rs).
            <div
                class="tl-scroll tips"
                tabindex="0"
                role="region"
                aria-labelledby=title_id
                node_ref=list
                on:click=move |ev| tips.click(list_el(), &ev)
                on:keydown=move |ev| tips.key(list_el(), &ev)
                inner_html=body
            ></div>
            {tips.line(lang, "timeline-tip")}
        </section>
    }
}

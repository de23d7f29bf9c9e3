//! Live strips under the stage, over the same simulated time as the charts:
//!
//! - [`BreakerStrip`]: the circuit breaker's state over time, as a band of
//!   closed / open / half-open stretches, each coloured *and* labelled (and
//!   open ones hatched), with the state now in words. A half-open stretch
//!   lasts a moment (a few probes), far less than a pixel of a long run, so
//!   it is never drawn thinner than [`HALF_OPEN_MIN_PX`] (open stretches
//!   never thinner than 2 px), gets a marker above the track, and the
//!   caption counts how often the breaker opened and went half-open.
//! - [`BudgetStrip`]: the retry budget's level over time (the lowest level in
//!   each slice of the series) against the threshold under which retries stop.
//!
//! Each strip renders nothing when its side's strategy has no breaker (or no
//! budget). Both only read the engine's statistics.

use super::charts::time_domain_s;
use super::stage::Side;
use super::tips::Tips;
use super::RetryView;
use crate::charts::{fmt_count, fmt_ms, fmt_number, Tone};
use crate::markup::Markup;
use engine::i18n::{t, tf};
use engine::labs::retry::record::breaker_state_key;
use engine::patterns::breaker::BreakerState;
use engine::Lang;
use leptos::prelude::*;

fn state_tone(s: BreakerState) -> Tone {
    match s {
        BreakerState::Closed => Tone::Ok,
        BreakerState::Open => Tone::Fail,
        BreakerState::HalfOpen => Tone::Wait,
    }
}

/// A glyph per state, so the state reads without colour.
fn state_icon(s: BreakerState) -> &'static str {
    match s {
        BreakerState::Closed => "●",
        BreakerState::Open => "○",
        BreakerState::HalfOpen => "◐",
    }
}

fn state_class(s: BreakerState) -> &'static str {
    match s {
        BreakerState::Closed => "closed",
        BreakerState::Open => "open",
        BreakerState::HalfOpen => "half-open",
    }
}

/// The thinnest a half-open stretch is drawn, in CSS pixels.
pub const HALF_OPEN_MIN_PX: u32 = 3;
/// The thinnest an open stretch is drawn, in CSS pixels.
const OPEN_MIN_PX: u32 = 2;
/// Half-open markers closer than this (in % of the track) share one mark.
const MARK_MERGE_PCT: f64 = 1.0;

#[derive(Clone, Debug, PartialEq)]
struct Segment {
    left: f64,
    width: f64,
    state: BreakerState,
    title: String,
}

#[derive(Clone, Debug, PartialEq)]
struct BreakerFrame {
    lang: Lang,
    segments: Vec<Segment>,
    /// Names over the stretches wide enough to hold one: (centre %, text).
    labels: Vec<(f64, String)>,
    /// Markers over half-open stretches: (position in %, how many merged).
    marks: Vec<(f64, u32)>,
    now_at: f64,
    state: BreakerState,
    /// "opened 3×, half-open 3×".
    counts: String,
    summary: String,
    end_label: String,
}

fn breaker_frame(view: &RetryView, side: Side, lang: Lang) -> Option<BreakerFrame> {
    view.with(|run| {
        let sim = side.sim(run)?;
        let breaker = sim.model().breaker()?;
        let changes = &sim.model().stats().breaker_changes;
        let x_max = time_domain_s(run);
        let now = sim.now().as_micros() as f64 / 1e6;
        let pct = |s: f64| (s / x_max * 100.0).clamp(0.0, 100.0);
        let mut segments = Vec::with_capacity(changes.len());
        let mut open_s = 0.0;
        let mut opened = 0u32;
        let mut half_opened = 0u32;
        let mut marks: Vec<(f64, u32)> = Vec::new();
        for (i, (at, state)) in changes.iter().enumerate() {
            let from = at.as_micros() as f64 / 1e6;
            let to = changes
                .get(i + 1)
                .map_or(now, |(next, _)| next.as_micros() as f64 / 1e6)
                .max(from);
            if *state == BreakerState::Open {
                open_s += to - from;
                opened += 1;
            }
            if *state == BreakerState::HalfOpen {
                half_opened += 1;
                let at = pct(from);
                match marks.last_mut() {
                    Some((last, n)) if at - *last < MARK_MERGE_PCT => *n += 1,
                    _ => marks.push((at, 1)),
                }
            }
            let width = pct(to) - pct(from);
            let name = t(lang, breaker_state_key(*state));
            segments.push(Segment {
                left: pct(from),
                width,
                state: *state,
                title: tf(
                    lang,
                    "retry.strip.breaker_segment",
                    &[
                        ("state", &name),
                        ("from", &format!("{} s", fmt_number(lang, from))),
                        ("to", &format!("{} s", fmt_number(lang, to))),
                    ],
                ),
            });
        }
        let labels = run_labels(&segments, lang);
        let state = breaker.state();
        let summary = tf(
            lang,
            "retry.strip.breaker_summary",
            &[
                ("n", &opened),
                ("open", &fmt_ms(lang, open_s * 1000.0)),
                ("state", &t(lang, breaker_state_key(state))),
            ],
        );
        let counts = tf(
            lang,
            "retry.strip.breaker_counts",
            &[("open", &opened), ("half", &half_opened)],
        );
        Some(BreakerFrame {
            lang,
            segments,
            labels,
            marks,
            now_at: pct(now),
            state,
            counts,
            summary,
            end_label: format!("{} s", fmt_number(lang, x_max)),
        })
    })
}

/// Labels for runs of segments: a breaker that trips in an outage cycles
/// open → half-open → open every few seconds, each stretch too thin to label,
/// so the whole run (everything that is not closed) gets the name of the state
/// it spent most time in.
fn run_labels(segments: &[Segment], lang: Lang) -> Vec<(f64, String)> {
    let mut labels = Vec::new();
    let mut i = 0;
    while i < segments.len() {
        let closed = segments[i].state == BreakerState::Closed;
        let mut j = i;
        while j < segments.len() && (segments[j].state == BreakerState::Closed) == closed {
            j += 1;
        }
        let run = &segments[i..j];
        let from = run[0].left;
        let to = run.last().map_or(from, |s| s.left + s.width);
        if to - from >= 8.0 {
            let time_in = |st: BreakerState| {
                run.iter()
                    .filter(|s| s.state == st)
                    .map(|s| s.width)
                    .sum::<f64>()
            };
            let state = if closed {
                BreakerState::Closed
            } else if time_in(BreakerState::Open) >= time_in(BreakerState::HalfOpen) {
                BreakerState::Open
            } else {
                BreakerState::HalfOpen
            };
            labels.push((
                (from + to) / 2.0,
                t(lang, breaker_state_key(state)).to_string(),
            ));
        }
        i = j;
    }
    labels
}

/// The strip's track, marks, axis and counts as markup: the part redrawn at
/// every frame change (written as text: one parse instead of a typed view).
fn breaker_markup(f: &BreakerFrame) -> String {
    let lang = f.lang;
    // Drawn in time order, so ← → step through the stretches as they came;
    // open and half-open ones are lifted above closed ones by their classes'
    // z-index (components.css), so a thin stretch that matters is never hidden.
    let mut m = Markup::new();
    m.open("div", &[("class", "strip-marks"), ("aria-hidden", "true")]);
    for (at, n) in &f.marks {
        m.elem(
            "span",
            &[
                ("class", "strip-mark tone-wait"),
                ("data-testid", "half-open-mark"),
                ("data-count", &n.to_string()),
                ("style", &format!("left:{}%", engine::num::Fixed(*at, 3))),
            ],
            "▼",
        );
    }
    m.close("div")
        .open("div", &[("class", "strip-track"), ("aria-hidden", "true")]);
    for s in &f.segments {
        let width = match s.state {
            BreakerState::HalfOpen => format!(
                "max({HALF_OPEN_MIN_PX}px,{}%)",
                engine::num::Fixed(s.width, 3)
            ),
            BreakerState::Open => {
                format!("max({OPEN_MIN_PX}px,{}%)", engine::num::Fixed(s.width, 3))
            }
            BreakerState::Closed => format!("{}%", engine::num::Fixed(s.width, 3)),
        };
        m.elem(
            "span",
            &[
                (
                    "class",
                    &format!(
                        "strip-seg strip-seg--{} {}",
                        state_class(s.state),
                        state_tone(s.state).class()
                    ),
                ),
                (
                    "style",
                    &format!(
                        "position:absolute;top:0;bottom:0;left:{}%;width:{width}",
                        engine::num::Fixed(s.left, 3)
                    ),
                ),
                ("title", &s.title),
                ("data-tip", &s.title),
                ("data-testid", "breaker-seg"),
            ],
            "",
        );
    }
    for (at, text) in &f.labels {
        m.elem(
            "span",
            &[
                ("class", "strip-seg-label"),
                ("style", &format!("left:{}%", engine::num::Fixed(*at, 2))),
            ],
            text,
        );
    }
    m.elem(
        "span",
        &[
            ("class", "strip-now-line"),
            (
                "style",
                &format!("left:{}%", engine::num::Fixed(f.now_at, 2)),
            ),
        ],
        "",
    );
    m.close("div")
        .open("div", &[("class", "strip-axis"), ("aria-hidden", "true")]);
    m.elem("span", &[], "0 s")
        .open("ul", &[("class", "strip-legend")]);
    for s in [
        BreakerState::Closed,
        BreakerState::Open,
        BreakerState::HalfOpen,
    ] {
        m.open("li", &[]);
        m.elem(
            "span",
            &[(
                "class",
                &format!(
                    "strip-swatch strip-swatch--{} {}",
                    state_class(s),
                    state_tone(s).class()
                ),
            )],
            "",
        );
        m.text(t(lang, breaker_state_key(s))).close("li");
    }
    m.close("ul").elem("span", &[], &f.end_label).close("div");
    m.elem(
        "p",
        &[("class", "strip-counts"), ("data-testid", "breaker-counts")],
        &f.counts,
    );
    m.elem("p", &[("class", "visually-hidden")], &f.summary);
    m.finish()
}

/// The circuit breaker's state over time (nothing if the strategy has none).
/// The heading and the live "now" line stay in place (so a screen reader
/// hears each change); the track below is redrawn as markup.
#[component]
pub fn BreakerStrip(view: RetryView, side: Side) -> impl IntoView {
    let frame = Memo::new(move |_| breaker_frame(&view, side, view.lang.get()));
    let shown = Memo::new(move |_| frame.with(Option::is_some));
    let lang = view.lang;
    let now = move || {
        frame.with(|f| {
            f.as_ref().map(|f| {
                let lang = f.lang;
                (
                    format!("strip-now {}", state_tone(f.state).class()),
                    state_icon(f.state),
                    tf(
                        lang,
                        "retry.strip.now",
                        &[("state", &t(lang, breaker_state_key(f.state)))],
                    ),
                )
            })
        })
    };
    let body = move || frame.with(|f| f.as_ref().map(breaker_markup).unwrap_or_default());
    strip_shell(
        ("breaker", "retry.strip.breaker_title", true),
        shown,
        lang,
        Some(Tips::new()),
        Signal::derive(move || now().map(|(class, icon, text)| (class, format!("{icon} "), text))),
        Signal::derive(body),
    )
}

/// A strip's frame, the same for every strip: its heading and the "now"
/// line stay in place (a live region when `live`); the markup below them is
/// redrawn whole. `kind` names it in classes and test ids (`breaker-strip`,
/// `breaker-now`).
fn strip_shell(
    (kind, title_key, live): (&'static str, &'static str, bool),
    shown: Memo<bool>,
    lang: Signal<Lang>,
    tips: Option<Tips>,
    now: Signal<Option<(String, String, String)>>,
    body: Signal<String>,
) -> impl IntoView {
    move || {
        shown.get().then(|| {
            let node = NodeRef::<leptos::html::Div>::new();
            let el = move || node.get_untracked().map(web_sys::Element::from);
            let body_view = match tips {
                // Its stretches are told by tap, click or ← → (tips.rs).
                Some(tips) => view! {
                    <div
                        class="strip-body tips"
                        tabindex="0"
                        role="group"
                        aria-label=move || t(lang.get(), title_key).to_string()
                        data-testid=format!("{kind}-body")
                        node_ref=node
                        on:click=move |ev| tips.click(el(), &ev)
                        on:keydown=move |ev| tips.key(el(), &ev)
                        inner_html=move || body.get()
                    ></div>
                    {tips.line(lang, "strip-tip")}
                }
                .into_any(),
                None => view! { <div class="strip-body" inner_html=move || body.get()></div> }.into_any(),
            };
            view! {
                <section class=format!("strip strip--{kind}") data-testid=format!("{kind}-strip")>
                    <header class="strip-head">
                        <h3 class="strip-title">{move || t(lang.get(), title_key).to_string()}</h3>
                        <p
                            class=move || now.with(|n| n.as_ref().map(|n| n.0.clone()).unwrap_or_default())
                            data-testid=format!("{kind}-now")
                            aria-live=live.then_some("polite")
                        >
                            <span aria-hidden="true">{move || now.with(|n| n.as_ref().map(|n| n.1.clone()))}</span>
                            {move || now.with(|n| n.as_ref().map(|n| n.2.clone()))}
                        </p>
                    </header>
                    {body_view}
                </section>
            }
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
struct BudgetFrame {
    lang: Lang,
    /// The level's outline: an SVG path in a 100 × 40 box (runs of slices with calls).
    path: String,
    /// The threshold's height in the box.
    threshold_y: f64,
    now_at: f64,
    level: f64,
    max: f64,
    threshold: f64,
    allows: bool,
    low: f64,
    /// Retries the budget refused so far.
    refused: u64,
    /// The run is over: the level has refilled, so the strip says what happened.
    ended: bool,
    summary: String,
    end_label: String,
}

const BUDGET_H: f64 = 40.0;
/// [`BUDGET_H`] as markup writes it (formatting the float would link `std`'s float printer).
const BUDGET_H_TEXT: &str = "40";
const _: () = assert!(BUDGET_H == 40.0);

/// Retries a budget or a quota refused so far (both give up as `budget`).
fn refused_retries(sim: &engine::labs::retry::RetrySim) -> u64 {
    sim.model()
        .stats()
        .gave_up
        .get("budget")
        .copied()
        .unwrap_or(0)
}

fn budget_frame(view: &RetryView, side: Side, lang: Lang) -> Option<BudgetFrame> {
    view.with(|run| {
        let sim = side.sim(run)?;
        let budget = sim.model().budget()?;
        let series = &sim.model().stats().series;
        let x_max = time_domain_s(run);
        let max = budget.max_milli_tokens() as f64 / 1000.0;
        let threshold = budget.threshold_milli_tokens() as f64 / 1000.0;
        let level = budget.milli_tokens() as f64 / 1000.0;
        let width = series.width().as_micros() as f64 / 1e6;
        let x = |s: f64| (s / x_max * 100.0).clamp(0.0, 100.0);
        let y = |tokens: f64| BUDGET_H - (tokens / max.max(0.001)).clamp(0.0, 1.0) * BUDGET_H;

        // A step outline per run of slices that saw calls, closed to the floor.
        let mut path = String::new();
        let mut run_start: Option<f64> = None;
        let mut last_x = 0.0;
        let mut low = max;
        for (i, slice) in series.buckets().iter().enumerate() {
            let x0 = x(i as f64 * width);
            let x1 = x((i + 1) as f64 * width);
            match slice.budget_low {
                Some(milli) => {
                    let tokens = milli as f64 / 1000.0;
                    low = low.min(tokens);
                    if run_start.is_none() {
                        path.push_str(&format!("M{},{BUDGET_H_TEXT}", engine::num::Fixed(x0, 2)));
                        run_start = Some(x0);
                    }
                    path.push_str(&format!(
                        "L{},{}L{},{}",
                        engine::num::Fixed(x0, 2),
                        engine::num::Fixed(y(tokens), 2),
                        engine::num::Fixed(x1, 2),
                        engine::num::Fixed(y(tokens), 2)
                    ));
                    last_x = x1;
                }
                None => {
                    if run_start.take().is_some() {
                        path.push_str(&format!(
                            "L{},{BUDGET_H_TEXT}Z",
                            engine::num::Fixed(last_x, 2)
                        ));
                    }
                }
            }
        }
        if run_start.is_some() {
            path.push_str(&format!(
                "L{},{BUDGET_H_TEXT}Z",
                engine::num::Fixed(last_x, 2)
            ));
        }
        let allows = budget.allows_retry();
        let refused = refused_retries(sim);
        let verdict = t(
            lang,
            if allows {
                "retry.strip.budget_allows"
            } else {
                "retry.strip.budget_blocks"
            },
        );
        let summary = tf(
            lang,
            "retry.strip.budget_summary",
            &[
                ("low", &fmt_number(lang, low)),
                ("max", &fmt_number(lang, max)),
                ("threshold", &fmt_number(lang, threshold)),
                ("level", &fmt_number(lang, level)),
                ("verdict", &verdict),
                ("refused", &fmt_count(lang, refused)),
            ],
        );
        Some(BudgetFrame {
            lang,
            path,
            threshold_y: y(threshold),
            now_at: x(sim.now().as_micros() as f64 / 1e6),
            level,
            max,
            threshold,
            allows,
            low,
            refused,
            ended: sim.is_finished(),
            summary,
            end_label: format!("{} s", fmt_number(lang, x_max)),
        })
    })
}

/// The budget's level drawing, axis and summary as markup.
fn budget_markup(f: &BudgetFrame) -> String {
    let lang = f.lang;
    let ty = engine::num::fixed(f.threshold_y, 2);
    let now = engine::num::fixed(f.now_at, 2);
    let mut m = Markup::new();
    m.open("div", &[("class", "strip-budget"), ("aria-hidden", "true")]);
    m.open(
        "svg",
        &[
            ("class", "strip-budget-svg"),
            ("viewBox", &format!("0 0 100 {BUDGET_H_TEXT}")),
            ("preserveAspectRatio", "none"),
        ],
    );
    m.empty(
        "rect",
        &[
            ("class", "strip-budget-blocked"),
            ("x", "0"),
            ("y", &ty),
            ("width", "100"),
            ("height", &engine::num::fixed(BUDGET_H - f.threshold_y, 2)),
        ],
    );
    m.empty(
        "path",
        &[
            ("class", "strip-budget-level tone-info"),
            ("d", &f.path),
            ("vector-effect", "non-scaling-stroke"),
        ],
    );
    m.empty(
        "line",
        &[
            ("class", "strip-budget-threshold"),
            ("x1", "0"),
            ("x2", "100"),
            ("y1", &ty),
            ("y2", &ty),
            ("vector-effect", "non-scaling-stroke"),
        ],
    );
    m.empty(
        "line",
        &[
            ("class", "strip-budget-now"),
            ("x1", &now),
            ("x2", &now),
            ("y1", "0"),
            ("y2", BUDGET_H_TEXT),
            ("vector-effect", "non-scaling-stroke"),
        ],
    );
    m.close("svg");
    m.elem(
        "span",
        &[("class", "strip-budget-max")],
        &tf(
            lang,
            "retry.strip.budget_max",
            &[("max", &fmt_number(lang, f.max))],
        ),
    );
    // The threshold line says what it means, in words, where it is drawn.
    m.elem(
        "span",
        &[
            ("class", "strip-budget-threshold-label"),
            ("data-testid", "budget-threshold-label"),
            (
                "style",
                &format!(
                    "top:{}%",
                    engine::num::Fixed(f.threshold_y / BUDGET_H * 100.0, 1)
                ),
            ),
        ],
        &tf(
            lang,
            "retry.strip.budget_threshold",
            &[("threshold", &fmt_number(lang, f.threshold))],
        ),
    );
    m.close("div")
        .open("div", &[("class", "strip-axis"), ("aria-hidden", "true")]);
    m.elem("span", &[], "0 s");
    m.elem(
        "span",
        &[("class", "strip-budget-low")],
        &tf(
            lang,
            "retry.strip.budget_low",
            &[
                ("low", &fmt_number(lang, f.low)),
                ("refused", &fmt_count(lang, f.refused)),
            ],
        ),
    );
    m.elem("span", &[], &f.end_label).close("div");
    m.elem("p", &[("class", "visually-hidden")], &f.summary);
    m.finish()
}

/// The AWS-style retry quota now: the level of its bucket (the lowest one
/// when each client has its own) against what a retry costs.
#[derive(Clone, Debug, PartialEq)]
struct QuotaFrame {
    lang: Lang,
    buckets: usize,
    level: f64,
    capacity: f64,
    cost: f64,
    timeout_cost: f64,
    /// Buckets that cannot pay for a retry now.
    short: usize,
    refused: u64,
    summary: String,
}

fn quota_frame(view: &RetryView, side: Side, lang: Lang) -> Option<QuotaFrame> {
    view.with(|run| {
        let sim = side.sim(run)?;
        let quotas = sim.model().retry_quotas();
        let lowest = quotas.iter().min_by_key(|q| q.milli_tokens())?;
        let tokens = |milli: u64| milli as f64 / 1000.0;
        let level = tokens(lowest.milli_tokens());
        let capacity = tokens(lowest.capacity_milli_tokens());
        let cost = tokens(lowest.retry_cost_milli_tokens());
        let timeout_cost = tokens(lowest.timeout_cost_milli_tokens());
        let short = quotas.iter().filter(|q| !q.allows_retry(false)).count();
        let refused = refused_retries(sim);
        let summary = tf(
            lang,
            "retry.strip.quota_summary",
            &[
                ("level", &fmt_number(lang, level)),
                ("capacity", &fmt_number(lang, capacity)),
                ("cost", &fmt_number(lang, cost)),
                ("timeout_cost", &fmt_number(lang, timeout_cost)),
                ("refused", &fmt_count(lang, refused)),
            ],
        );
        Some(QuotaFrame {
            lang,
            buckets: quotas.len(),
            level,
            capacity,
            cost,
            timeout_cost,
            short,
            refused,
            summary,
        })
    })
}

/// The quota's gauge: the level as a bar across the capacity, the cost of
/// a retry marked and named, and how many retries it refused.
fn quota_markup(f: &QuotaFrame) -> String {
    let lang = f.lang;
    let pct = |v: f64| (v / f.capacity.max(0.001) * 100.0).clamp(0.0, 100.0);
    let mut m = Markup::new();
    m.open("div", &[("class", "strip-quota"), ("aria-hidden", "true")]);
    m.elem(
        "span",
        &[
            ("class", "strip-quota-level tone-info"),
            ("data-testid", "quota-level"),
            (
                "style",
                &format!("width:{}%", engine::num::Fixed(pct(f.level), 2)),
            ),
        ],
        "",
    );
    m.elem(
        "span",
        &[
            ("class", "strip-quota-cost"),
            (
                "style",
                &format!("left:{}%", engine::num::Fixed(pct(f.cost), 2)),
            ),
        ],
        "",
    );
    m.close("div")
        .open("div", &[("class", "strip-axis"), ("aria-hidden", "true")]);
    m.elem("span", &[], "0");
    m.elem(
        "span",
        &[],
        &if f.buckets > 1 {
            tf(
                lang,
                "retry.strip.quota_buckets",
                &[
                    ("n", &fmt_count(lang, f.buckets as u64)),
                    ("short", &fmt_count(lang, f.short as u64)),
                ],
            )
        } else {
            tf(
                lang,
                "retry.strip.quota_refused",
                &[("refused", &fmt_count(lang, f.refused))],
            )
        },
    );
    m.elem("span", &[], &fmt_number(lang, f.capacity))
        .close("div");
    m.elem(
        "p",
        &[
            ("class", "strip-counts strip-quota-cost-label"),
            ("data-testid", "quota-cost"),
        ],
        &tf(
            lang,
            "retry.strip.quota_cost",
            &[
                ("cost", &fmt_number(lang, f.cost)),
                ("timeout_cost", &fmt_number(lang, f.timeout_cost)),
            ],
        ),
    );
    m.elem("p", &[("class", "visually-hidden")], &f.summary);
    m.finish()
}

#[derive(Clone, Debug, PartialEq)]
enum Bucket {
    Budget(BudgetFrame),
    Quota(QuotaFrame),
}

/// The retry budget's level over time, or the retry quota's level now
/// (nothing if the strategy has neither).
#[component]
pub fn BudgetStrip(view: RetryView, side: Side) -> impl IntoView {
    let frame = Memo::new(move |_| {
        let lang = view.lang.get();
        budget_frame(&view, side, lang)
            .map(Bucket::Budget)
            .or_else(|| quota_frame(&view, side, lang).map(Bucket::Quota))
    });
    let shown = Memo::new(move |_| frame.with(Option::is_some));
    let is_quota = Memo::new(move |_| frame.with(|f| matches!(f, Some(Bucket::Quota(_)))));
    let lang = view.lang;
    let now = move || {
        frame.with(|f| {
            f.as_ref().map(|f| {
                let (lang, allows) = match f {
                    Bucket::Budget(f) => (f.lang, f.allows),
                    Bucket::Quota(f) => (f.lang, f.short == 0),
                };
                let tone = if allows { Tone::Ok } else { Tone::GiveUp };
                let verdict = t(
                    lang,
                    if allows {
                        "retry.strip.budget_allows"
                    } else {
                        "retry.strip.budget_blocks"
                    },
                );
                let text = match f {
                    // At the end the bucket has refilled: say how low it went
                    // and what it refused, not only "20 of 20".
                    Bucket::Budget(f) if f.ended => tf(
                        lang,
                        "retry.strip.budget_end",
                        &[
                            ("level", &fmt_number(lang, f.level)),
                            ("max", &fmt_number(lang, f.max)),
                            ("low", &fmt_number(lang, f.low)),
                            ("refused", &fmt_count(lang, f.refused)),
                        ],
                    ),
                    Bucket::Budget(f) => tf(
                        lang,
                        "retry.strip.budget_now",
                        &[
                            ("level", &fmt_number(lang, f.level)),
                            ("max", &fmt_number(lang, f.max)),
                            ("verdict", &verdict),
                        ],
                    ),
                    Bucket::Quota(f) => tf(
                        lang,
                        if f.buckets > 1 {
                            "retry.strip.quota_now_lowest"
                        } else {
                            "retry.strip.budget_now"
                        },
                        &[
                            ("level", &fmt_number(lang, f.level)),
                            ("max", &fmt_number(lang, f.capacity)),
                            ("verdict", &verdict),
                        ],
                    ),
                };
                let ended = matches!(f, Bucket::Budget(f) if f.ended);
                (
                    format!(
                        "strip-now {}",
                        if ended { "tone-info" } else { tone.class() }
                    ),
                    if ended {
                        "■ "
                    } else if allows {
                        "✓ "
                    } else {
                        "‖ "
                    },
                    text,
                )
            })
        })
    };
    let body = move || {
        frame.with(|f| match f {
            Some(Bucket::Budget(f)) => budget_markup(f),
            Some(Bucket::Quota(f)) => quota_markup(f),
            None => String::new(),
        })
    };
    move || {
        let title = if is_quota.get() {
            "retry.strip.quota_title"
        } else {
            "retry.strip.budget_title"
        };
        strip_shell(
            ("budget", title, false),
            shown,
            lang,
            None,
            Signal::derive(move || {
                now().map(|(class, icon, text)| (class, icon.to_string(), text))
            }),
            Signal::derive(body),
        )
    }
}

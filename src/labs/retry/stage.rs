//! The retry lab's stage: the clients on the left, the service's nodes on the
//! right, and the requests between them as the simulated clock runs.
//!
//! - An attempt in flight is a dot travelling from the clients to its node
//!   over `[since, reply_at]` — a circle for a first attempt, a diamond for a
//!   retry.
//! - A request waiting before its next attempt is a ring in the "waiting"
//!   lane, placed by the time left until its retry: the lane is a clock that
//!   runs from "retry in {the longest wait}" on the left to "retry now" by the
//!   service. Without jitter, rings move in clumps (everybody retries at
//!   once); with jitter they spread.
//! - A request that just ended flashes by the clients: a ✓ disc if it
//!   succeeded, a ✗ square if it gave up.
//! - Each node is a box that says how many calls it is working on (and how
//!   many it has received), with a gauge and a capacity mark; during an
//!   outage it is hatched and says DOWN and when it is back instead.
//!
//! Shapes and labels carry the meaning as well as colour. With thousands of
//! clients only a sample of dots is drawn (at most [`MAX_DOTS`]), and a line
//! of counts says what the whole population is doing. With reduced motion
//! nothing glides: attempts in flight are parked by their node and waiting
//! rings move in steps of an eighth of the lane ([`LANE_STEPS`]).
//!
//! **Cost.** The dots are painted on a `<canvas>` (colours read from the
//! stylesheet's custom properties once per colour scheme), while the nodes,
//! labels and lanes are SVG whose elements are created once per layout and
//! then only have their attributes and texts updated. So the stage's DOM size
//! does not depend on the number of clients, and a frame allocates no string
//! per dot. The canvas carries what it drew for tests and tools: a
//! `data-counts` attribute (dots per kind) and a `stageDots` property (a
//! `Float64Array` of `kind, x, y, r` per dot, kinds numbered as [`DotKind`]).
//! Pointing at (or tapping) a node or a dot shows what it is in words below
//! the stage, so the details are reachable by touch, not only by hover.
//!
//! This file only renders the run; the engine decides everything.

use super::RetryView;
use crate::charts::{
    fmt_count, fmt_countdown, prefers_reduced_motion, unique_id, use_element_width,
};
use crate::markup::Markup;
use engine::i18n::{t, tf, tn};
use engine::labs::retry::config::StrategyPlan;
use engine::labs::retry::model::{Final, Phase, Request};
use engine::labs::retry::record::node_name;
use engine::labs::retry::{RetryRun, RetrySim};
use engine::patterns::backoff::{Jitter, WaitKind};
use engine::{Lang, SimTime};
use leptos::prelude::*;
use std::cell::RefCell;
use wasm_bindgen::JsCast;

/// Which side of a comparison a view shows: A (the strategy), or B (the one
/// it is compared with, when there is one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    A,
    B,
}

impl Side {
    /// This side's simulation, if the run has it.
    pub fn sim(self, run: &RetryRun) -> Option<&RetrySim> {
        match self {
            Side::A => Some(&run.a),
            Side::B => run.b.as_ref(),
        }
    }

    pub fn letter(self) -> &'static str {
        match self {
            Side::A => "A",
            Side::B => "B",
        }
    }
}

/// The most request dots drawn at once; beyond that a sample is drawn.
pub const MAX_DOTS: usize = 200;
/// The most "just finished" flashes drawn at once.
pub const MAX_FLASHES: usize = 60;
/// With reduced motion, the waiting lane is cut into this many steps: a ring
/// jumps one step at a time as its retry comes closer.
pub const LANE_STEPS: u32 = 8;

/// Where things go, in CSS pixels (the viewBox is as wide as the stage).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Geometry {
    w: f64,
    h: f64,
    pad: f64,
    /// Top of the clients/service area (below the labels row).
    top: f64,
    /// Height of the clients/service area.
    area_h: f64,
    client_w: f64,
    node_w: f64,
    /// The wire runs from `x0` (clients) to `x1` (service).
    x0: f64,
    x1: f64,
    lane_y: f64,
    lane_h: f64,
    /// Where the waiting lane starts (`x0`, or the left edge when narrow).
    lane_x0: f64,
    /// Text scale: SVG units per CSS pixel of text. Drawn narrower than the
    /// 300 units the drawing needs (a phone's two-up card), the whole stage is
    /// scaled down; its text is set `k` times larger (`--k` in the stylesheet)
    /// so it keeps its size on screen, and the boxes make room for it.
    k: f64,
}

/// The smallest node box: its name, what it is doing, and the gauge.
const NODE_MIN_H: f64 = 46.0;
/// A node box this tall also says how many calls it has received.
const NODE_TALL_H: f64 = 62.0;

impl Geometry {
    fn new(width: f64, nodes: u32) -> Geometry {
        let w = width.clamp(300.0, 1400.0);
        let k = (w / width.max(1.0)).clamp(1.0, 2.2);
        if k > 1.0 {
            return Geometry::narrow(w, k, nodes);
        }
        let pad = 8.0;
        let top = 24.0;
        let area_h = (nodes as f64 * (NODE_MIN_H + 8.0) - 8.0).max(140.0);
        // Wide enough for "1,000 clients" and "working on 1,234".
        let client_w = (w * 0.15).clamp(62.0, 96.0);
        let node_w = (w * 0.24).clamp(112.0, 156.0);
        let lane_h = 32.0;
        let lane_y = top + area_h + 26.0;
        let x0 = pad + client_w + 12.0;
        Geometry {
            w,
            // The lane, then a row for its time labels.
            h: lane_y + lane_h + 16.0 + pad,
            pad,
            top,
            area_h,
            client_w,
            node_w,
            x0,
            x1: w - pad - node_w - 12.0,
            lane_y,
            lane_h,
            lane_x0: x0,
            k,
        }
    }

    /// The stage drawn narrower than its 300 units, text `k` times larger:
    /// the clients' box holds just the count (the heading names it), a node
    /// box says what its number counts on a line of its own (three lines:
    /// name, "working on", the number), the wire is shorter and the waiting
    /// lane starts at the left edge.
    fn narrow(w: f64, k: f64, nodes: u32) -> Geometry {
        let pad = 6.0;
        let top = 11.0 * k + 10.0;
        let area_h = (nodes as f64 * (Self::node_min_h(k) + 8.0) - 8.0).max(140.0);
        let client_w = 76.0;
        // "working on" at 11.5 px: about 6.5 em.
        let node_w = (11.5 * k * 5.6 + 16.0).clamp(112.0, 156.0);
        let lane_h = 32.0;
        let lane_y = top + area_h + 11.0 * k + 14.0;
        Geometry {
            w,
            h: lane_y + lane_h + 11.0 * k + 6.0 + pad,
            pad,
            top,
            area_h,
            client_w,
            node_w,
            x0: pad + client_w + 10.0,
            x1: w - pad - node_w - 10.0,
            lane_y,
            lane_h,
            lane_x0: pad,
            k,
        }
    }

    fn is_narrow(&self) -> bool {
        self.k > 1.0
    }

    /// The smallest node box at text scale `k`.
    fn node_min_h(k: f64) -> f64 {
        if k > 1.0 {
            // Three lines and the gauge.
            40.0 * k + 14.0
        } else {
            NODE_MIN_H
        }
    }

    /// The baseline of text line `n` (1, 2, 3) in a node box at `top`.
    fn node_line(&self, top: f64, n: u32) -> f64 {
        if self.is_narrow() {
            top + (13.0 * n as f64 - 1.0) * self.k
        } else {
            top + 15.0 * n as f64
        }
    }

    fn node_x(&self) -> f64 {
        self.w - self.pad - self.node_w
    }

    /// The box of node `i` of `n`: (top, height).
    fn node_box(&self, i: u32, n: u32) -> (f64, f64) {
        let gap = 8.0;
        let min_h = Self::node_min_h(self.k);
        let h = engine::num::clamp(
            (self.area_h - gap * (n as f64 - 1.0)) / n as f64,
            min_h,
            min_h.max(76.0),
        );
        let stack = h * n as f64 + gap * (n as f64 - 1.0);
        let first = self.top + (self.area_h - stack) / 2.0;
        (first + i as f64 * (h + gap), h)
    }

    /// Where request `id` sits on the clients' side.
    fn client_y(&self, id: u32) -> f64 {
        self.top + 8.0 + spread(id, 1) * (self.area_h - 16.0)
    }
}

/// A stable, evenly spread number in [0, 1) for request `id`, so that a dot
/// keeps its row from frame to frame. Presentation only (not the engine's RNG).
fn spread(id: u32, salt: u64) -> f64 {
    let mut x = (id as u64) ^ (salt << 32);
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

fn lerp(a: f64, b: f64, f: f64) -> f64 {
    a + (b - a) * f
}

fn ms(t: SimTime) -> f64 {
    t.as_micros() as f64 / 1000.0
}

/// What a dot stands for. The number is its code in the canvas's
/// `stageDots` test hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DotKind {
    FirstAttempt = 0,
    Retry = 1,
    Waiting = 2,
    Succeeded = 3,
    GaveUp = 4,
}

impl DotKind {
    pub const ALL: [DotKind; 5] = [
        DotKind::FirstAttempt,
        DotKind::Retry,
        DotKind::Waiting,
        DotKind::Succeeded,
        DotKind::GaveUp,
    ];

    /// Its name in the canvas's `data-counts` attribute.
    pub fn code(self) -> &'static str {
        match self {
            DotKind::FirstAttempt => "first",
            DotKind::Retry => "retry",
            DotKind::Waiting => "waiting",
            DotKind::Succeeded => "ok",
            DotKind::GaveUp => "giveup",
        }
    }

    fn class(self) -> &'static str {
        match self {
            DotKind::FirstAttempt => "dot dot--first tone-info",
            DotKind::Retry => "dot dot--retry tone-wait",
            DotKind::Waiting => "dot dot--waiting tone-wait",
            DotKind::Succeeded => "dot dot--ok tone-ok",
            DotKind::GaveUp => "dot dot--giveup tone-giveup",
        }
    }

    /// The outline as an SVG path (for the legend), centred on (0, 0).
    fn svg_shape(self, r: f64) -> String {
        match self {
            DotKind::FirstAttempt | DotKind::Waiting | DotKind::Succeeded => format!(
                "M{},0a{},{} 0 1,0 {},0a{},{} 0 1,0 {},0Z",
                engine::num::Fixed(-r, 1),
                engine::num::Fixed(r, 1),
                engine::num::Fixed(r, 1),
                engine::num::Fixed(2.0 * r, 1),
                engine::num::Fixed(r, 1),
                engine::num::Fixed(r, 1),
                engine::num::Fixed(-2.0 * r, 1)
            ),
            DotKind::Retry => {
                let s = r * 1.3;
                format!(
                    "M0,{}L{},0L0,{}L{},0Z",
                    engine::num::Fixed(-s, 1),
                    engine::num::Fixed(s, 1),
                    engine::num::Fixed(s, 1),
                    engine::num::Fixed(-s, 1)
                )
            }
            DotKind::GaveUp => {
                let s = r * 0.9;
                format!(
                    "M{},{}h{}v{}h{}Z",
                    engine::num::Fixed(-s, 1),
                    engine::num::Fixed(-s, 1),
                    engine::num::Fixed(2.0 * s, 1),
                    engine::num::Fixed(2.0 * s, 1),
                    engine::num::Fixed(-2.0 * s, 1)
                )
            }
        }
    }

    /// The mark over the shape (✓, ✗) as an SVG path (for the legend).
    fn svg_mark(self, r: f64) -> String {
        let a = r * 0.45;
        match self {
            DotKind::Succeeded => format!(
                "M{},0L{},{}L{},{}",
                engine::num::Fixed(-a, 1),
                engine::num::Fixed(-a * 0.2, 1),
                engine::num::Fixed(a * 0.8, 1),
                engine::num::Fixed(a, 1),
                engine::num::Fixed(-a * 0.8, 1)
            ),
            DotKind::GaveUp => format!(
                "M{},{}L{},{}M{},{}L{},{}",
                engine::num::Fixed(-a, 1),
                engine::num::Fixed(-a, 1),
                engine::num::Fixed(a, 1),
                engine::num::Fixed(a, 1),
                engine::num::Fixed(a, 1),
                engine::num::Fixed(-a, 1),
                engine::num::Fixed(-a, 1),
                engine::num::Fixed(a, 1)
            ),
            _ => String::new(),
        }
    }
}

/// One dot of a frame: plain numbers, no text (text is made on demand).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Dot {
    kind: DotKind,
    x: f64,
    y: f64,
    opacity: f64,
    /// The request it stands for.
    id: u32,
    /// The attempt in flight, or the next one when waiting.
    attempt: u32,
    /// When waiting: ms left until the retry.
    left_ms: f64,
}

/// What a node box shows at one instant.
#[derive(Clone, Debug, PartialEq)]
struct NodeState {
    /// "working on 12" (empty while the node is down).
    working: String,
    /// Just the number, "12" (empty while the node is down): a narrow stage
    /// puts it on its own line, under "working on".
    count: String,
    /// "3,402 calls received".
    received: String,
    /// Gauge fill, 0‥1.
    load: f64,
    over_capacity: bool,
    /// `Some("back in 4 s")` while the node is down.
    down: Option<String>,
    /// The hover text: everything above in one sentence.
    title: String,
}

/// What changes only with the stage's size, the language or the run's setup.
#[derive(Clone, Debug, PartialEq)]
struct Layout {
    g: Geometry,
    lang: Lang,
    clients: u32,
    /// Each node's box: (top, height).
    nodes: Vec<(f64, f64)>,
    capacity: u32,
    /// The longest wait the strategy can make, in ms: the waiting lane's span.
    horizon_ms: f64,
}

/// Everything the stage shows at one instant.
#[derive(Clone, Debug, PartialEq)]
struct StageFrame {
    layout: Layout,
    nodes: Vec<NodeState>,
    dots: Vec<Dot>,
    /// The dot radius for this many dots.
    r: f64,
    in_flight: u64,
    /// Calls the service still works on whose client gave up on them (timed
    /// out): its "working on" less the attempts in flight.
    abandoned: u64,
    waiting: u64,
    succeeded: u64,
    gave_up: u64,
    active: usize,
    drawn_active: usize,
    /// One sentence for the stage's accessible name.
    summary: String,
}

fn dot_radius(drawn: usize) -> f64 {
    match drawn {
        0..=12 => 9.0,
        13..=60 => 5.5,
        _ => 3.5,
    }
}

/// The longest wait `plan` can make before a retry, in ms (at least 100).
pub fn lane_horizon_ms(plan: &StrategyPlan) -> f64 {
    let b = &plan.backoff;
    let longest = match (b.kind, b.jitter) {
        (WaitKind::Immediate, _) => 0.0,
        (_, Jitter::Decorrelated) => b.cap.as_micros() as f64 / 1000.0,
        _ => {
            // The ceiling stops growing at the cap well before 64 retries;
            // unlimited attempts (0) wait up to the same ceiling.
            let retries = match plan.max_attempts {
                0 => 64,
                n => n.clamp(2, 64),
            };
            (1..retries)
                .map(|retry| b.ceiling(retry).as_micros())
                .max()
                .unwrap_or(0) as f64
                / 1000.0
        }
    };
    longest.max(100.0)
}

/// Where in the waiting lane (0: far left, 1: by the service) a request with
/// `left_ms` until its retry sits, on a lane spanning `horizon_ms`. With
/// reduced motion the place moves in [`LANE_STEPS`] steps (rounded up, so a
/// ring reaches the end only when its retry is due).
pub fn lane_fraction(left_ms: f64, horizon_ms: f64, reduced_motion: bool) -> f64 {
    let share = (left_ms.max(0.0) / horizon_ms.max(1.0)).min(1.0);
    if reduced_motion {
        let steps = LANE_STEPS as f64;
        1.0 - (share * steps).ceil() / steps
    } else {
        1.0 - share
    }
}

impl StageFrame {
    fn of(sim: &RetrySim, width: f64, lang: Lang, reduced_motion: bool) -> StageFrame {
        let model = sim.model();
        let scenario = model.scenario();
        let stats = model.stats();
        let now_ms = ms(sim.now());
        let n_nodes = model.in_flight().len().max(1) as u32;
        let g = Geometry::new(width, n_nodes);
        let node_boxes: Vec<(f64, f64)> = (0..n_nodes).map(|i| g.node_box(i, n_nodes)).collect();
        let layout = Layout {
            g,
            lang,
            clients: scenario.clients(),
            nodes: node_boxes.clone(),
            capacity: scenario.service.capacity,
            horizon_ms: lane_horizon_ms(&scenario.strategy),
        };

        // Counts over every active request; dots for a stable sample of them.
        // One walk over the active requests: counts for all of them, dots
        // for a stable sample (every k-th id). The map knows its size, so the
        // sampling step is known before the walk.
        let active = match model.active().size_hint() {
            (lo, Some(hi)) if lo == hi => lo,
            _ => model.active().count(),
        };
        let every = active.div_ceil(MAX_DOTS).max(1) as u32;
        let mut in_flight = 0u64;
        let mut waiting = 0u64;
        let mut sampled: Vec<&Request> = Vec::with_capacity(active.min(MAX_DOTS));
        for r in model.active() {
            match r.phase {
                Phase::InFlight { .. } => in_flight += 1,
                Phase::Waiting { .. } => waiting += 1,
            }
            if r.id % every == 0 && sampled.len() < MAX_DOTS {
                sampled.push(r);
            }
        }
        let drawn_active = sampled.len();

        // Recently finished requests flash for a moment of simulated time.
        let flash_ms = (scenario.service.latency_ms as f64 * 4.0).clamp(400.0, 2_000.0);
        let flashes = || {
            model
                .finished()
                .rev()
                .take_while(move |r| r.outcome.is_some_and(|(_, at)| now_ms - ms(at) <= flash_ms))
                .filter(move |r| r.id % every == 0)
                .take(MAX_FLASHES)
        };
        // A narrow stage draws its dots larger too (less than its text), so
        // an attempt number still fits inside one.
        let r = dot_radius(drawn_active + flashes().count()) * g.k.sqrt();
        let node_y = |node: u32, id: u32| {
            let (y, h) = node_boxes[(node.min(n_nodes - 1)) as usize];
            y + h / 2.0 + (spread(id, 2) - 0.5) * h * 0.6
        };

        let mut dots = Vec::with_capacity(drawn_active + MAX_FLASHES);
        for req in sampled {
            let cy = g.client_y(req.id);
            match req.phase {
                Phase::InFlight {
                    attempt,
                    node,
                    since,
                    reply_at,
                } => {
                    let span = ms(reply_at) - ms(since);
                    let f = if span > 0.0 {
                        ((now_ms - ms(since)) / span).clamp(0.0, 1.0)
                    } else {
                        1.0
                    };
                    let (x, y) = if reduced_motion {
                        // Parked by its node: "on its way to / at node k".
                        (g.x1 - 6.0 - spread(req.id, 3) * 28.0, node_y(node, req.id))
                    } else {
                        (lerp(g.x0, g.x1, f), lerp(cy, node_y(node, req.id), f))
                    };
                    dots.push(Dot {
                        kind: if attempt > 1 {
                            DotKind::Retry
                        } else {
                            DotKind::FirstAttempt
                        },
                        x,
                        y,
                        opacity: 1.0,
                        id: req.id,
                        attempt,
                        left_ms: 0.0,
                    });
                }
                Phase::Waiting {
                    next_attempt,
                    until,
                    ..
                } => {
                    let left_ms = (ms(until) - now_ms).max(0.0);
                    let f = lane_fraction(left_ms, layout.horizon_ms, reduced_motion);
                    dots.push(Dot {
                        kind: DotKind::Waiting,
                        x: lerp(g.lane_x0 + r + 2.0, g.x1 - r - 2.0, f),
                        y: g.lane_y + 6.0 + spread(req.id, 4) * (g.lane_h - 12.0),
                        opacity: 1.0,
                        id: req.id,
                        attempt: next_attempt,
                        left_ms,
                    });
                }
            }
        }
        for req in flashes() {
            let Some((outcome, at)) = req.outcome else {
                continue;
            };
            let age = (now_ms - ms(at)).max(0.0) / flash_ms;
            dots.push(Dot {
                kind: match outcome {
                    Final::Succeeded => DotKind::Succeeded,
                    Final::GaveUp(_) => DotKind::GaveUp,
                },
                x: g.x0 + r + spread(req.id, 6) * 18.0,
                y: g.client_y(req.id),
                opacity: 1.0 - 0.7 * age.min(1.0),
                id: req.id,
                attempt: req.spans.len() as u32,
                left_ms: 0.0,
            });
        }

        let nodes = node_states(sim, &layout, now_ms);
        let down: Vec<String> = nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.down.is_some())
            .map(|(i, _)| node_name(i as u32))
            .collect();
        let mut summary = tf(
            lang,
            "retry.stage.summary",
            &[
                ("clients", &fmt_count(lang, layout.clients as u64)),
                ("nodes", &n_nodes),
                ("in_flight", &fmt_count(lang, in_flight)),
                ("waiting", &fmt_count(lang, waiting)),
            ],
        );
        if !down.is_empty() {
            summary.push(' ');
            summary.push_str(&tf(
                lang,
                "retry.stage.summary_down",
                &[("nodes", &down.join(", "))],
            ));
        }
        let abandoned = if sim.is_finished() {
            0
        } else {
            (model.in_flight().iter().sum::<u32>() as u64).saturating_sub(in_flight)
        };
        StageFrame {
            layout,
            nodes,
            dots,
            r,
            in_flight,
            abandoned,
            waiting,
            succeeded: stats.succeeded,
            gave_up: stats.finished - stats.succeeded,
            active,
            drawn_active,
            summary,
        }
    }
}

/// The service: load per node against its share of the capacity, in words.
fn node_states(sim: &RetrySim, layout: &Layout, now_ms: f64) -> Vec<NodeState> {
    let model = sim.model();
    let scenario = model.scenario();
    let stats = model.stats();
    let lang = layout.lang;
    let n_nodes = layout.nodes.len().max(1);
    let capacity = layout.capacity;
    // Once the run is over, whatever the service was still chewing on (calls
    // its clients gave up on) no longer matters: nothing is "in progress".
    let over = sim.is_finished();
    let total_in_flight: u32 = if over {
        0
    } else {
        model.in_flight().iter().sum()
    };
    let peak = stats
        .series
        .buckets()
        .iter()
        .map(|s| s.peak_in_flight)
        .max()
        .unwrap_or(0);
    // The service's overload (it is service-wide): "61×" and "30".
    // Calls whose client already gave up (timed out) are still worked on:
    // the service's calls less the requests waiting on an answer.
    let overload = (capacity > 0 && total_in_flight > capacity).then(|| {
        let x = total_in_flight as f64 / capacity as f64;
        let waited_on = model
            .active()
            .filter(|r| matches!(r.phase, Phase::InFlight { .. }))
            .count() as u64;
        (
            engine::i18n::format::decimal(lang, x, if x < 10.0 { 1 } else { 0 }),
            fmt_count(lang, capacity as u64),
            fmt_count(lang, (total_in_flight as u64).saturating_sub(waited_on)),
        )
    });
    let gauge_max = if capacity > 0 {
        capacity as f64 / n_nodes as f64 * 1.5
    } else {
        (peak as f64 / n_nodes as f64).max(4.0) * 1.25
    };
    model
        .in_flight()
        .iter()
        .enumerate()
        .map(|(i, &load)| {
            let load = if over { 0 } else { load };
            let down_until = scenario
                .service
                .outages
                .iter()
                .filter(|o| o.node.is_none_or(|n| n == i as u32 + 1))
                .filter(|o| now_ms >= o.from_ms as f64 && now_ms < o.to_ms as f64)
                .map(|o| o.to_ms as f64)
                .fold(None, |acc: Option<f64>, to| {
                    Some(acc.map_or(to, |a| a.max(to)))
                });
            let name = node_name(i as u32);
            let received_n = stats.node_calls.get(i).copied().unwrap_or(0);
            let received = engine::i18n::tn(
                lang,
                "retry.stage.node_received",
                received_n,
                &[("n", &fmt_count(lang, received_n))],
            );
            let down = down_until.map(|to| {
                tf(
                    lang,
                    "retry.stage.back_in",
                    &[("wait", &fmt_countdown(lang, to - now_ms))],
                )
            });
            let (working, count, title) = match &down {
                // A node that is down is not working on anything: say so.
                Some(back) => (
                    String::new(),
                    String::new(),
                    tf(
                        lang,
                        "retry.stage.node_title_down",
                        &[("node", &name), ("back", back), ("received", &received)],
                    ),
                ),
                None if overload.is_some() => {
                    let n = fmt_count(lang, load as u64);
                    let (x, cap, gone) = overload.clone().unwrap_or_default();
                    (
                        tf(lang, "retry.stage.node_working", &[("n", &n)]),
                        n.clone(),
                        tf(
                            lang,
                            "retry.stage.node_hover_over",
                            &[
                                ("node", &name),
                                ("n", &n),
                                ("x", &x),
                                ("cap", &cap),
                                ("gone", &gone),
                                ("received", &received),
                            ],
                        ),
                    )
                }
                None => {
                    let n = fmt_count(lang, load as u64);
                    (
                        tf(lang, "retry.stage.node_working", &[("n", &n)]),
                        n.clone(),
                        tf(
                            lang,
                            "retry.stage.node_hover",
                            &[("node", &name), ("n", &n), ("received", &received)],
                        ),
                    )
                }
            };
            // Over capacity, the small line says by how much (the service
            // slows every call by that factor), instead of the running total
            // (which stays in the hover): "working on 1,833" beside
            // "capacity: 30" reads as a contradiction otherwise.
            let received = match (&down, &overload) {
                (None, Some((x, cap, _))) => {
                    tf(lang, "retry.stage.node_over", &[("x", x), ("cap", cap)])
                }
                _ => received,
            };
            NodeState {
                working,
                count,
                received,
                load: if down.is_some() {
                    0.0
                } else {
                    (load as f64 / gauge_max).min(1.0)
                },
                over_capacity: capacity > 0 && total_in_flight > capacity,
                down,
                title,
            }
        })
        .collect()
}

fn c(v: f64) -> String {
    engine::num::fixed(v, 1)
}

/// About how wide `text` is at `px` px (for squeezing a label that would
/// overflow its box; digits and lower case are about 0.56 em).
fn text_width(text: &str, px: f64) -> f64 {
    text.chars().count() as f64 * px * 0.56
}

// ------------------------------------------------------------------ canvas

/// The colours the canvas paints with, read from the stylesheet.
#[derive(Clone, Debug, PartialEq)]
struct Palette {
    info: String,
    wait: String,
    ok: String,
    giveup: String,
    panel: String,
    fg: String,
}

/// Reads the palette from `el`'s custom properties, once per colour scheme
/// (light or dark): the canvas must match the SVG around it.
fn palette(el: &web_sys::Element) -> Palette {
    thread_local! {
        static CACHE: RefCell<Option<(bool, Palette)>> = const { RefCell::new(None) };
        static DARK: Option<web_sys::MediaQueryList> = web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
    }
    let dark = DARK.with(|q| q.as_ref().is_some_and(|q| q.matches()));
    if let Some(p) = CACHE.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(d, _)| *d == dark)
            .map(|(_, p)| p.clone())
    }) {
        return p;
    }
    let style = web_sys::window().and_then(|w| w.get_computed_style(el).ok().flatten());
    let read = |name: &str, fallback: &str| {
        style
            .as_ref()
            .and_then(|s| s.get_property_value(name).ok())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| fallback.to_string())
    };
    let p = Palette {
        info: read("--c-info", "#0072B2"),
        wait: read("--c-wait", "#E69F00"),
        ok: read("--c-ok", "#009E73"),
        giveup: read("--c-giveup", "#CC79A7"),
        panel: read("--panel", if dark { "#1b1e24" } else { "#ffffff" }),
        fg: read("--fg", if dark { "#e7e9ec" } else { "#1b1f24" }),
    };
    // Only cache what came from a stylesheet (a test page may have none yet).
    if style.is_some() {
        CACHE.with(|c| *c.borrow_mut() = Some((dark, p.clone())));
    }
    p
}

/// Adds one dot's outline to the current path.
fn trace_shape(ctx: &web_sys::CanvasRenderingContext2d, kind: DotKind, x: f64, y: f64, r: f64) {
    match kind {
        DotKind::FirstAttempt | DotKind::Waiting | DotKind::Succeeded => {
            ctx.move_to(x + r, y);
            let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
        }
        DotKind::Retry => {
            let s = r * 1.3;
            ctx.move_to(x, y - s);
            ctx.line_to(x + s, y);
            ctx.line_to(x, y + s);
            ctx.line_to(x - s, y);
            ctx.close_path();
        }
        DotKind::GaveUp => {
            let s = r * 0.9;
            ctx.rect(x - s, y - s, 2.0 * s, 2.0 * s);
        }
    }
}

/// Adds the ✓ or ✗ over a dot to the current path.
fn trace_mark(ctx: &web_sys::CanvasRenderingContext2d, kind: DotKind, x: f64, y: f64, r: f64) {
    let a = r * 0.45;
    match kind {
        DotKind::Succeeded => {
            ctx.move_to(x - a, y);
            ctx.line_to(x - a * 0.2, y + a * 0.8);
            ctx.line_to(x + a, y - a * 0.8);
        }
        DotKind::GaveUp => {
            ctx.move_to(x - a, y - a);
            ctx.line_to(x + a, y + a);
            ctx.move_to(x + a, y - a);
            ctx.line_to(x - a, y + a);
        }
        _ => {}
    }
}

/// Paints one frame's dots: one path per kind (fading flashes one by one),
/// then the few labels there is room for. Returns the dots per kind.
fn paint(canvas: &web_sys::HtmlCanvasElement, f: &StageFrame) -> [u32; 5] {
    let mut counts = [0u32; 5];
    for d in &f.dots {
        counts[d.kind as usize] += 1;
    }
    let g = f.layout.g;
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, 3.0);
    let (bw, bh) = ((g.w * dpr).round() as u32, (g.h * dpr).round() as u32);
    if canvas.width() != bw {
        canvas.set_width(bw);
    }
    if canvas.height() != bh {
        canvas.set_height(bh);
    }
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    else {
        return counts;
    };
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, g.w, g.h);
    let p = palette(canvas);
    let r = f.r;
    let tone = |kind: DotKind| match kind {
        DotKind::FirstAttempt => &p.info,
        DotKind::Retry | DotKind::Waiting => &p.wait,
        DotKind::Succeeded => &p.ok,
        DotKind::GaveUp => &p.giveup,
    };
    ctx.set_line_join("round");
    ctx.set_line_cap("round");
    for kind in DotKind::ALL {
        if counts[kind as usize] == 0 {
            continue;
        }
        let fading = matches!(kind, DotKind::Succeeded | DotKind::GaveUp);
        let draw = |dots: &mut dyn Iterator<Item = &Dot>| {
            ctx.begin_path();
            for d in dots {
                trace_shape(&ctx, kind, d.x, d.y, r);
            }
            if kind == DotKind::Waiting {
                ctx.set_fill_style_str(&p.panel);
                ctx.fill();
                ctx.set_stroke_style_str(tone(kind));
                ctx.set_line_width(2.0);
                ctx.stroke();
            } else {
                ctx.set_fill_style_str(tone(kind));
                ctx.fill();
                ctx.set_stroke_style_str(&p.panel);
                ctx.set_line_width(1.0);
                ctx.stroke();
            }
        };
        if fading {
            for d in f.dots.iter().filter(|d| d.kind == kind) {
                ctx.set_global_alpha(d.opacity);
                draw(&mut std::iter::once(d));
                if r >= 4.0 {
                    ctx.begin_path();
                    trace_mark(&ctx, kind, d.x, d.y, r);
                    ctx.set_stroke_style_str("#fff");
                    ctx.set_line_width(2.0);
                    ctx.stroke();
                }
            }
            ctx.set_global_alpha(1.0);
        } else {
            draw(&mut f.dots.iter().filter(|d| d.kind == kind));
        }
    }

    // A handful of dots get their attempt number; up to three waiting ones
    // say when they retry.
    let active = f.dots.iter().filter(|d| {
        matches!(
            d.kind,
            DotKind::FirstAttempt | DotKind::Retry | DotKind::Waiting
        )
    });
    if f.drawn_active <= 12 {
        ctx.set_font(&format!(
            "700 {}px system-ui, sans-serif",
            engine::num::Fixed(10.0 * g.k, 1)
        ));
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        let mut kept = Vec::new();
        for d in active.clone() {
            if !numbered(&mut kept, (d.x, d.y), r) {
                continue;
            }
            ctx.set_fill_style_str(match d.kind {
                DotKind::FirstAttempt => "#fff",
                DotKind::Retry => "#1b1f24",
                _ => &p.fg,
            });
            let _ = ctx.fill_text(&d.attempt.to_string(), d.x, d.y + 0.5);
        }
    }
    let waiting: Vec<&Dot> = active.filter(|d| d.kind == DotKind::Waiting).collect();
    if !waiting.is_empty() && waiting.len() <= 3 {
        let lang = f.layout.lang;
        let note_px = 11.0 * g.k;
        ctx.set_font(&format!(
            "600 {}px system-ui, sans-serif",
            engine::num::Fixed(note_px, 1)
        ));
        ctx.set_text_align("left");
        ctx.set_text_baseline("alphabetic");
        ctx.set_line_width(3.0);
        ctx.set_stroke_style_str(&p.panel);
        ctx.set_fill_style_str(&p.fg);
        let room = NoteRoom {
            r,
            px: note_px,
            right: g.w - g.pad,
            left: g.pad,
            lane_y: g.lane_y,
        };
        let mut taken = Vec::new();
        for d in waiting {
            let note = tf(
                lang,
                "retry.stage.retry_in",
                &[("wait", &fmt_countdown(lang, d.left_ms))],
            );
            let width = text_width(&note, note_px);
            if let Some((x, y)) = note_spot(&mut taken, (d.x, d.y), width, room) {
                let _ = ctx.stroke_text(&note, x, y);
                let _ = ctx.fill_text(&note, x, y);
            }
        }
    }
    counts
}

/// Where the waiting lane's "retry in …" notes may go: the ring's radius,
/// the notes' font size, the stage's edges and the lane's top.
#[derive(Clone, Copy, Debug)]
pub struct NoteRoom {
    pub r: f64,
    pub px: f64,
    pub right: f64,
    pub left: f64,
    pub lane_y: f64,
}

/// A note's spot (x, baseline) beside a ring at `ring`, `width` wide, or
/// none: right of its ring, or left of it where it would run off the stage;
/// inside the lane (above a ring at the lane's top edge it sat on the
/// lane's dashed border), else a line lower; never over a note in `taken`
/// (two "retry in 26 ms" printed over each other were unreadable), where
/// it then goes (x, baseline, width).
pub fn note_spot(
    taken: &mut Vec<(f64, f64, f64)>,
    ring: (f64, f64),
    width: f64,
    room: NoteRoom,
) -> Option<(f64, f64)> {
    let NoteRoom {
        r,
        px,
        right,
        left,
        lane_y,
    } = room;
    let (dx, dy) = ring;
    let x = if dx + r + 4.0 + width <= right {
        dx + r + 4.0
    } else {
        (dx - r - 4.0 - width).max(left)
    };
    let y0 = (dy - r - 2.0).max(lane_y + px + 2.0);
    let clear = |y: f64| {
        taken
            .iter()
            .all(|&(tx, ty, tw)| (ty - y).abs() >= px + 1.0 || x + width <= tx || tx + tw <= x)
    };
    let y = [y0, y0 + px + 2.0].into_iter().find(|&y| clear(y))?;
    taken.push((x, y, width));
    Some((x, y))
}

/// Whether a dot at `at` gets its attempt number: not on top of a dot in
/// `kept`, already numbered (two "19"s printed over each other read as
/// neither), where it then goes.
pub fn numbered(kept: &mut Vec<(f64, f64)>, at: (f64, f64), r: f64) -> bool {
    // Squared distances: `hypot` would link libm's into the page.
    let apart = (r * 1.5) * (r * 1.5);
    let (x, y) = at;
    let free = kept
        .iter()
        .all(|&(kx, ky)| (kx - x) * (kx - x) + (ky - y) * (ky - y) >= apart);
    if free {
        kept.push(at);
    }
    free
}

/// Publishes what was drawn, for tests and tools: `data-counts` on the
/// canvas, and its `stageDots` property (`kind, x, y, r` per dot).
fn publish(
    canvas: &web_sys::HtmlCanvasElement,
    f: &StageFrame,
    counts: [u32; 5],
    last: &mut [u32; 5],
) {
    if *last != counts || canvas.get_attribute("data-counts").is_none() {
        let text = DotKind::ALL
            .iter()
            .map(|k| format!("{}={}", k.code(), counts[*k as usize]))
            .collect::<Vec<_>>()
            .join(" ");
        let _ = canvas.set_attribute("data-counts", &text);
        *last = counts;
    }
    let mut flat = Vec::with_capacity(f.dots.len() * 4);
    for d in &f.dots {
        flat.extend_from_slice(&[d.kind as u32 as f64, d.x, d.y, f.r]);
    }
    let array = js_sys::Float64Array::from(flat.as_slice());
    let _ = js_sys::Reflect::set(canvas, &"stageDots".into(), &array);
}

// ------------------------------------------------------------------ details

/// What the reader pointed at or tapped.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Picked {
    Node(usize),
    Request(u32),
}

/// The thing under (x, y) in stage coordinates: a node box, or the nearest
/// dot within a few pixels.
fn pick(f: &StageFrame, x: f64, y: f64) -> Option<Picked> {
    let g = f.layout.g;
    let nx = g.node_x();
    if let Some(i) = f
        .layout
        .nodes
        .iter()
        .position(|&(top, h)| x >= nx && x <= nx + g.node_w && y >= top && y <= top + h)
    {
        return Some(Picked::Node(i));
    }
    let reach = (f.r + 6.0).powi(2);
    f.dots
        .iter()
        .map(|d| (d, (d.x - x).powi(2) + (d.y - y).powi(2)))
        .filter(|(_, d2)| *d2 <= reach)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(d, _)| Picked::Request(d.id))
}

/// The words for what was picked, as it stands now.
fn describe(sim: &RetrySim, picked: Picked, lang: Lang) -> String {
    let model = sim.model();
    let now_ms = ms(sim.now());
    match picked {
        Picked::Node(i) => {
            let stats = model.stats();
            let name = node_name(i as u32);
            let received_n = stats.node_calls.get(i).copied().unwrap_or(0);
            let received = engine::i18n::tn(
                lang,
                "retry.stage.node_received",
                received_n,
                &[("n", &fmt_count(lang, received_n))],
            );
            let failed = fmt_count(lang, stats.node_failures.get(i).copied().unwrap_or(0));
            let down = model.scenario().service.outages.iter().any(|o| {
                o.node.is_none_or(|n| n as usize == i + 1)
                    && now_ms >= o.from_ms as f64
                    && now_ms < o.to_ms as f64
            });
            let now = if down {
                t(lang, "retry.stage.down").to_string()
            } else {
                tf(
                    lang,
                    "retry.stage.node_working",
                    &[(
                        "n",
                        &fmt_count(
                            lang,
                            if sim.is_finished() {
                                0
                            } else {
                                model.in_flight().get(i).copied().unwrap_or(0) as u64
                            },
                        ),
                    )],
                )
            };
            tf(
                lang,
                "retry.stage.node_detail",
                &[
                    ("node", &name),
                    ("now", &now),
                    ("received", &received),
                    ("failed", &failed),
                ],
            )
        }
        Picked::Request(id) => {
            let req: Option<&Request> = model
                .active()
                .find(|r| r.id == id)
                .or_else(|| model.finished().rev().find(|r| r.id == id));
            let Some(req) = req else {
                return String::new();
            };
            match (req.outcome, req.phase) {
                (Some((Final::Succeeded, _)), _) => {
                    tf(lang, "retry.stage.dot_succeeded", &[("req", &req.id)])
                }
                (Some((Final::GaveUp(reason), _)), _) => tf(
                    lang,
                    "retry.stage.dot_gave_up",
                    &[("req", &req.id), ("reason", &t(lang, reason.key()))],
                ),
                (None, Phase::InFlight { attempt, node, .. }) => tf(
                    lang,
                    "retry.stage.dot_in_flight",
                    &[
                        ("req", &req.id),
                        ("attempt", &attempt),
                        ("node", &node_name(node)),
                    ],
                ),
                (
                    None,
                    Phase::Waiting {
                        next_attempt,
                        until,
                        ..
                    },
                ) => tf(
                    lang,
                    "retry.stage.dot_waiting",
                    &[
                        ("req", &req.id),
                        ("attempt", &next_attempt),
                        ("wait", &fmt_countdown(lang, ms(until) - now_ms)),
                    ],
                ),
            }
        }
    }
}

// ------------------------------------------------------------------ SVG

/// The SVG around the dots: headings, clients, guides, nodes, the waiting
/// lane, written as markup once per layout. The nodes' texts and gauges are
/// left empty here: [`NodeEls::show`] fills them in, and then only changes
/// what changed, frame by frame.
fn svg_markup(l: &Layout, hatch: &str) -> String {
    let g = l.g;
    let lang = l.lang;
    let hatch_fill = format!("url(#{hatch})");
    let nx = g.node_x();
    let narrow = g.is_narrow();
    let k = g.k;
    let mut m = Markup::new();
    let view_box = format!("0 0 {} {}", c(g.w), c(g.h));
    let (w, h) = (c(g.w), c(g.h));
    let style = format!("--k:{}", engine::num::Fixed(k, 2));
    let mut attrs = vec![
        ("class", "stage-svg"),
        ("viewBox", view_box.as_str()),
        ("width", w.as_str()),
        ("height", h.as_str()),
        ("role", "img"),
    ];
    if narrow {
        attrs.push(("style", style.as_str()));
    }
    m.open("svg", &attrs);
    m.open("defs", &[]).open(
        "pattern",
        &[
            ("id", hatch),
            ("width", "7"),
            ("height", "7"),
            ("patternUnits", "userSpaceOnUse"),
            ("patternTransform", "rotate(45)"),
        ],
    );
    m.empty(
        "line",
        &[
            ("class", "hatch-line"),
            ("x1", "0"),
            ("y1", "0"),
            ("x2", "0"),
            ("y2", "7"),
        ],
    );
    m.close("pattern").close("defs");
    let heading_y = c(11.0 * k + 3.0);
    let heading = |m: &mut Markup, x: f64, anchor: Option<&str>, text: &str| {
        let x = c(x);
        let mut a = vec![
            ("class", "stage-heading"),
            ("x", x.as_str()),
            ("y", heading_y.as_str()),
        ];
        if let Some(anchor) = anchor {
            a.push(("text-anchor", anchor));
        }
        m.elem("text", &a, text);
    };
    heading(&mut m, g.pad, None, t(lang, "retry.stage.clients_heading"));
    heading(
        &mut m,
        (g.x0 + g.x1) / 2.0,
        Some("middle"),
        if narrow {
            ""
        } else {
            t(lang, "retry.stage.wire")
        },
    );
    heading(
        &mut m,
        g.w - g.pad,
        Some("end"),
        t(lang, "retry.stage.service"),
    );

    let mid = g.top + g.area_h / 2.0;
    let clients_word = if l.clients == 1 {
        t(lang, "retry.stage.client")
    } else {
        t(lang, "retry.stage.clients")
    };
    let cx = c(g.pad + g.client_w / 2.0);
    m.open("g", &[("class", "stage-clients")]);
    m.empty(
        "rect",
        &[
            ("class", "stage-client-box"),
            ("x", &c(g.pad)),
            ("y", &c(g.top)),
            ("width", &c(g.client_w)),
            ("height", &c(g.area_h)),
            ("rx", "8"),
        ],
    );
    m.elem(
        "text",
        &[
            ("class", "stage-client-count"),
            ("x", &cx),
            ("y", &c(mid)),
            ("text-anchor", "middle"),
        ],
        &fmt_count(lang, l.clients as u64),
    );
    // Narrow, the heading above the box names them.
    m.elem(
        "text",
        &[
            ("class", "stage-client-word"),
            ("x", &cx),
            ("y", &c(mid + 18.0)),
            ("text-anchor", "middle"),
        ],
        if narrow { "" } else { clients_word },
    );
    m.close("g");

    m.open("g", &[("class", "stage-guides")]);
    for &(y, h) in &l.nodes {
        let d = format!(
            "M{},{}L{},{}M{},{}L{},{}",
            c(g.x0),
            c(g.top + 8.0),
            c(g.x1),
            c(y + h / 2.0),
            c(g.x0),
            c(g.top + g.area_h - 8.0),
            c(g.x1),
            c(y + h / 2.0)
        );
        m.empty("path", &[("class", "stage-guide"), ("d", &d)]);
    }
    m.close("g");

    m.open(
        "g",
        &[("class", "stage-nodes"), ("data-testid", "stage-nodes")],
    );
    let capacity_at = if l.capacity > 0 { 1.0 / 1.5 } else { 0.0 };
    for (i, &(y, h)) in l.nodes.iter().enumerate() {
        let (x, yy, nw, nh) = (c(nx), c(y), c(g.node_w), c(h));
        let tx = c(nx + 8.0);
        let tall = h >= NODE_TALL_H && !narrow;
        // While down: DOWN on the second line; when it is back on the
        // third (or, in a short box, where the gauge was).
        let back_y = if tall || narrow {
            g.node_line(y, 3)
        } else {
            y + h - 6.0
        };
        let gauge_x = nx + 8.0;
        let gauge_w = g.node_w - 16.0;
        let gauge_y = y + h - 12.0;
        m.open(
            "g",
            &[
                ("class", "stage-node"),
                ("data-testid", "stage-node"),
                ("data-down", "false"),
                ("tabindex", "0"),
            ],
        );
        m.elem("title", &[], "");
        let box_attrs = [
            ("x", x.as_str()),
            ("y", yy.as_str()),
            ("width", nw.as_str()),
            ("height", nh.as_str()),
            ("rx", "6"),
        ];
        m.empty(
            "rect",
            &[&[("class", "stage-node-box")][..], &box_attrs].concat(),
        );
        m.empty(
            "rect",
            &[
                &[("class", "stage-node-hatch")][..],
                &box_attrs,
                &[("fill", hatch_fill.as_str())],
            ]
            .concat(),
        );
        m.elem(
            "text",
            &[
                ("class", "stage-node-name"),
                ("x", &tx),
                ("y", &c(g.node_line(y, 1))),
            ],
            &node_name(i as u32),
        );
        m.elem(
            "text",
            &[
                ("class", "stage-node-working"),
                ("data-testid", "stage-node-working"),
                ("x", &tx),
                ("y", &c(g.node_line(y, 2))),
                ("lengthAdjust", "spacingAndGlyphs"),
            ],
            "",
        );
        if narrow {
            m.elem(
                "text",
                &[
                    ("class", "stage-node-count"),
                    ("data-testid", "stage-node-count"),
                    ("x", &tx),
                    ("y", &c(g.node_line(y, 3))),
                ],
                "",
            );
        }
        m.elem(
            "text",
            &[
                ("class", "stage-node-received"),
                ("x", &tx),
                ("y", &c(g.node_line(y, 3))),
                ("lengthAdjust", "spacingAndGlyphs"),
                ("opacity", if tall { "1" } else { "0" }),
            ],
            "",
        );
        m.elem(
            "text",
            &[
                ("class", "stage-node-down"),
                ("x", &tx),
                ("y", &c(g.node_line(y, 2))),
                ("lengthAdjust", "spacingAndGlyphs"),
            ],
            "",
        );
        m.elem(
            "text",
            &[
                ("class", "stage-node-back"),
                ("x", &tx),
                ("y", &c(back_y)),
                ("lengthAdjust", "spacingAndGlyphs"),
            ],
            "",
        );
        let (gx, gy, gw) = (c(gauge_x), c(gauge_y), c(gauge_w));
        m.open("g", &[("opacity", "1")]);
        m.empty(
            "rect",
            &[
                ("class", "stage-gauge"),
                ("x", &gx),
                ("y", &gy),
                ("width", &gw),
                ("height", "6"),
                ("rx", "3"),
            ],
        );
        m.empty(
            "rect",
            &[
                ("class", "stage-gauge-fill"),
                ("x", &gx),
                ("y", &gy),
                ("width", "0.0"),
                ("height", "6"),
                ("rx", "3"),
            ],
        );
        let cap_x = c(gauge_x + gauge_w * capacity_at);
        m.empty(
            "line",
            &[
                ("class", "stage-capacity"),
                ("x1", &cap_x),
                ("x2", &cap_x),
                ("y1", &c(gauge_y - 3.0)),
                ("y2", &c(gauge_y + 9.0)),
                ("opacity", if l.capacity > 0 { "1" } else { "0" }),
            ],
        );
        m.close("g").close("g");
    }
    m.close("g");

    let lane_axis_y = c(g.lane_y + g.lane_h + 11.0 * k + 2.0);
    // Narrow, or where the long name does not fit (a phone's one card, in
    // Portuguese: "… pelo temp" was cut at the edge): the short name of the
    // lane, squeezed if it still does not fit.
    let lane_label_room = g.w - g.pad - g.lane_x0;
    let long = format!("◷ {}", t(lang, "retry.stage.waiting_lane_by_time"));
    let lane_label = if narrow || text_width(&long, 12.0 * k) > lane_label_room {
        format!("◷ {}", t(lang, "retry.stage.waiting_lane"))
    } else {
        long
    };
    let lane_x0 = c(g.lane_x0);
    let lane_label_y = c(g.lane_y - 7.0);
    let room = c(lane_label_room);
    let mut a = vec![
        ("class", "stage-lane-label"),
        ("x", lane_x0.as_str()),
        ("y", lane_label_y.as_str()),
    ];
    if text_width(&lane_label, 12.0 * k) > lane_label_room {
        a.push(("textLength", room.as_str()));
    }
    a.push(("lengthAdjust", "spacingAndGlyphs"));
    m.elem("text", &a, &lane_label);
    m.empty(
        "rect",
        &[
            ("class", "stage-lane"),
            ("x", &lane_x0),
            ("y", &c(g.lane_y)),
            ("width", &c(g.x1 - g.lane_x0)),
            ("height", &c(g.lane_h)),
            ("rx", "6"),
        ],
    );
    // The lane's two ends in words, or just the times when the lane is narrow.
    let horizon = fmt_countdown(lang, l.horizon_ms);
    let (lane_far, lane_now) = {
        let far = tf(lang, "retry.stage.lane_far", &[("wait", &horizon)]);
        let now = t(lang, "retry.stage.lane_now").to_string();
        if text_width(&far, 11.0 * k) + text_width(&now, 11.0 * k) + 16.0 <= g.x1 - g.lane_x0 {
            (far, now)
        } else {
            (horizon, t(lang, "retry.stage.lane_now_short").to_string())
        }
    };
    m.elem(
        "text",
        &[
            ("class", "stage-lane-axis"),
            ("data-testid", "lane-far"),
            ("x", &lane_x0),
            ("y", &lane_axis_y),
        ],
        &lane_far,
    );
    m.elem(
        "text",
        &[
            ("class", "stage-lane-axis"),
            ("x", &c(g.x1)),
            ("y", &lane_axis_y),
            ("text-anchor", "end"),
        ],
        &lane_now,
    );
    m.close("svg");
    m.finish()
}

/// One node box's elements that change frame by frame, and what they show.
struct NodeEls {
    group: web_sys::Element,
    title: web_sys::Element,
    working: web_sys::Element,
    count: Option<web_sys::Element>,
    received: web_sys::Element,
    down: web_sys::Element,
    back: web_sys::Element,
    gauge: web_sys::Element,
    fill: web_sys::Element,
    shown: Option<NodeState>,
}

/// Sets an attribute, or removes it for `None`.
fn set_attr(el: &web_sys::Element, name: &str, value: Option<&str>) {
    let _ = match value {
        Some(v) => el.set_attribute(name, v),
        None => el.remove_attribute(name),
    };
}

impl NodeEls {
    /// The elements of the `[data-testid=stage-node]` group `group`, as
    /// [`svg_markup`] wrote them.
    fn find(group: web_sys::Element) -> Option<NodeEls> {
        let q = |sel: &str| group.query_selector(sel).ok().flatten();
        Some(NodeEls {
            title: q("title")?,
            working: q(".stage-node-working")?,
            count: q(".stage-node-count"),
            received: q(".stage-node-received")?,
            down: q(".stage-node-down")?,
            back: q(".stage-node-back")?,
            gauge: q(".stage-gauge")?.parent_element()?,
            fill: q(".stage-gauge-fill")?,
            group,
            shown: None,
        })
    }

    /// Shows `n`, touching only what differs from what is shown.
    fn show(&mut self, l: &Layout, i: usize, n: &NodeState) {
        let g = l.g;
        let old = self.shown.take();
        let changed = |f: fn(&NodeState) -> String| old.as_ref().is_none_or(|o| f(o) != f(n));
        let text_room = g.node_w - 16.0;
        let k = g.k;
        // Squeeze a label that would overflow the box (a huge count on a phone).
        let fit = |s: &str, px: f64| (text_width(s, px * k) > text_room).then(|| c(text_room));
        let narrow = g.is_narrow();
        let tall = l.nodes.get(i).is_some_and(|&(_, h)| h >= NODE_TALL_H) && !narrow;
        let is_down = n.down.is_some();
        let was_down = old.as_ref().map(|o| o.down.is_some());
        if changed(|n| format!("{}{}", n.down.is_some(), n.over_capacity)) {
            let class = format!(
                "stage-node{}{}",
                if is_down { " stage-node--down" } else { "" },
                if n.over_capacity {
                    " stage-node--over"
                } else {
                    ""
                }
            );
            let _ = self.group.set_attribute("class", &class);
            let _ = self
                .group
                .set_attribute("data-down", if is_down { "true" } else { "false" });
        }
        if changed(|n| n.title.clone()) {
            self.title.set_text_content(Some(&n.title));
        }
        // Narrow, a node's number goes on a line of its own, under what it counts.
        let working = |n: &NodeState| match narrow {
            true if n.down.is_none() => tf(l.lang, "retry.stage.node_working", &[("n", &"")])
                .trim()
                .to_string(),
            true => String::new(),
            false => n.working.clone(),
        };
        if old.as_ref().is_none_or(|o| working(o) != working(n)) {
            let text = working(n);
            self.working.set_text_content(Some(&text));
            let label = if narrow {
                tf(l.lang, "retry.stage.node_working", &[("n", &"")])
                    .trim()
                    .to_string()
            } else {
                text
            };
            set_attr(&self.working, "textLength", fit(&label, 11.5).as_deref());
        }
        if let Some(count) = &self.count {
            if changed(|n| n.count.clone()) {
                count.set_text_content(Some(&n.count));
            }
        }
        if changed(|n| n.received.clone()) {
            self.received.set_text_content(Some(&n.received));
            set_attr(
                &self.received,
                "textLength",
                fit(&n.received, 11.0).as_deref(),
            );
        }
        if was_down != Some(is_down) {
            let _ = self
                .received
                .set_attribute("opacity", if tall && !is_down { "1" } else { "0" });
            let down = if is_down {
                t(l.lang, "retry.stage.down")
            } else {
                ""
            };
            self.down.set_text_content(Some(down));
            // Bold, spaced capitals: measured as 14 px text ("FORA DO AR"
            // was cut to "FORA DO" in a phone's node).
            set_attr(&self.down, "textLength", fit(down, 14.0).as_deref());
            let _ = self
                .gauge
                .set_attribute("opacity", if is_down { "0" } else { "1" });
        }
        if changed(|n| n.down.clone().unwrap_or_default()) {
            let back = n.down.clone().unwrap_or_default();
            self.back.set_text_content(Some(&back));
            set_attr(&self.back, "textLength", fit(&back, 11.0).as_deref());
        }
        if old.as_ref().is_none_or(|o| o.load != n.load) {
            let _ = self
                .fill
                .set_attribute("width", &c((g.node_w - 16.0) * n.load));
        }
        self.shown = Some(n.clone());
    }
}

/// The legend, as markup: each shape, with what it means, and the capacity
/// mark when the service has one.
fn legend(lang: Lang, capacity: u32) -> String {
    let mut m = Markup::new();
    let items = [
        (DotKind::FirstAttempt, "retry.stage.legend_first"),
        (DotKind::Retry, "retry.stage.legend_retry"),
        (DotKind::Waiting, "retry.stage.legend_waiting"),
        (DotKind::Succeeded, "retry.stage.legend_succeeded"),
        (DotKind::GaveUp, "retry.stage.legend_gave_up"),
    ];
    for (kind, key) in items {
        m.open("li", &[]).open(
            "svg",
            &[
                ("class", "legend-mark"),
                ("viewBox", "-8 -8 16 16"),
                ("width", "16"),
                ("height", "16"),
                ("aria-hidden", "true"),
            ],
        );
        m.open("g", &[("class", kind.class())])
            .empty(
                "path",
                &[("class", "dot-shape"), ("d", &kind.svg_shape(5.5))],
            )
            .empty("path", &[("class", "dot-mark"), ("d", &kind.svg_mark(5.5))])
            .close("g")
            .close("svg");
        m.elem("span", &[], t(lang, key)).close("li");
    }
    if capacity > 0 {
        m.open("li", &[]).open(
            "svg",
            &[
                ("class", "legend-mark"),
                ("viewBox", "0 0 24 12"),
                ("width", "24"),
                ("height", "12"),
                ("aria-hidden", "true"),
            ],
        );
        m.empty(
            "rect",
            &[
                ("class", "stage-gauge"),
                ("x", "0"),
                ("y", "3"),
                ("width", "24"),
                ("height", "6"),
                ("rx", "3"),
            ],
        )
        .empty(
            "rect",
            &[
                ("class", "stage-gauge-fill"),
                ("x", "0"),
                ("y", "3"),
                ("width", "11"),
                ("height", "6"),
                ("rx", "3"),
            ],
        )
        .empty(
            "line",
            &[
                ("class", "stage-capacity"),
                ("x1", "16"),
                ("x2", "16"),
                ("y1", "0"),
                ("y2", "12"),
            ],
        )
        .close("svg");
        m.elem(
            "span",
            &[],
            &tf(
                lang,
                "retry.stage.capacity",
                &[("n", &fmt_count(lang, capacity as u64))],
            ),
        )
        .close("li");
    }
    m.finish()
}

/// The clients, the service and the requests between them, for one side.
/// `reduced_motion` overrides the reader's preference (for tests).
#[component]
pub fn RetryStage(
    view: RetryView,
    side: Side,
    #[prop(optional)] reduced_motion: Option<bool>,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    let canvas_ref = NodeRef::<leptos::html::Canvas>::new();
    let width = use_element_width(node, 640.0);
    let hatch = unique_id("stage-hatch");
    let frame = Memo::new(move |_| {
        let lang = view.lang.get();
        let w = width.get();
        let reduced = reduced_motion.unwrap_or_else(prefers_reduced_motion);
        view.with(|run| {
            side.sim(run)
                .map(|sim| StageFrame::of(sim, w, lang, reduced))
        })
    });
    let layout = Memo::new(move |_| frame.with(|f| f.as_ref().map(|f| f.layout.clone())));
    let nodes =
        Memo::new(move |_| frame.with(|f| f.as_ref().map(|f| f.nodes.clone()).unwrap_or_default()));
    let summary = Memo::new(move |_| {
        frame.with(|f| f.as_ref().map(|f| f.summary.clone()).unwrap_or_default())
    });

    // Paint the dots whenever the frame changes.
    let last_counts = StoredValue::new([u32::MAX; 5]);
    Effect::new(move |_| {
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        frame.with(|f| {
            if let Some(f) = f {
                let counts = paint(&canvas, f);
                last_counts.update_value(|last| publish(&canvas, f, counts, last));
            }
        });
    });

    // Pointing at, tapping or focusing (Tab) a node, or pointing at or
    // tapping a dot, says what it is, below the stage.
    let picked = RwSignal::new(None::<Picked>);
    // The SVG: written whole when the layout changes, then only its nodes'
    // texts and gauges (and its accessible name) are updated.
    let drawn = StoredValue::new_local(None::<(Layout, web_sys::Element, Vec<NodeEls>)>);
    Effect::new(move |_| {
        let Some(plot) = node.get() else {
            return;
        };
        layout.with(|l| {
            drawn.update_value(|d| {
                if d.as_ref().map(|d| &d.0) != l.as_ref() {
                    if let Some((_, svg, _)) = d.take() {
                        svg.remove();
                    }
                    if let Some(l) = l {
                        let _ = plot.insert_adjacent_html("afterbegin", &svg_markup(l, &hatch));
                        *d = plot.first_element_child().map(|svg| {
                            let groups = svg.query_selector_all("[data-testid=stage-node]").ok();
                            let els = (0..groups.as_ref().map_or(0, |g| g.length()))
                                .filter_map(|i| groups.as_ref()?.item(i)?.dyn_into().ok())
                                .filter_map(NodeEls::find)
                                .collect();
                            (l.clone(), svg, els)
                        });
                    }
                }
                if let Some((l, svg, els)) = d {
                    let _ = svg.set_attribute("aria-label", &summary.get());
                    nodes.with(|ns| {
                        for (i, (el, n)) in els.iter_mut().zip(ns).enumerate() {
                            el.show(l, i, n);
                        }
                    });
                }
            })
        });
    });
    // Tab onto a node: it says what it is, as a tap would.
    let on_focus = move |ev: web_sys::FocusEvent| {
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()) else {
            return;
        };
        let hit = drawn.with_value(|d| {
            d.as_ref()?
                .2
                .iter()
                .position(|el| el.group.contains(Some(&target)))
        });
        if let Some(i) = hit {
            picked.set(Some(Picked::Node(i)));
        }
    };
    let pick_at = move |ev: &web_sys::MouseEvent| {
        let el = node.get_untracked()?;
        let rect = el.get_bounding_client_rect();
        frame.with_untracked(|f| {
            let f = f.as_ref()?;
            let scale = f.layout.g.w / rect.width().max(1.0);
            let x = (ev.client_x() as f64 - rect.left()) * scale;
            let y = (ev.client_y() as f64 - rect.top()) * scale;
            pick(f, x, y)
        })
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        let hit = pick_at(&ev);
        picked.set(hit);
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        if ev.pointer_type() != "mouse" {
            return;
        }
        if let Some(hit) = pick_at(&ev) {
            if picked.get_untracked() != Some(hit) {
                picked.set(Some(hit));
            }
        }
    };
    let detail = move || {
        let lang = view.lang.get();
        match picked.get() {
            None => t(lang, "retry.stage.tap_hint").to_string(),
            Some(p) => view.with(|run| {
                side.sim(run)
                    .map(|sim| describe(sim, p, lang))
                    .unwrap_or_default()
            }),
        }
    };

    let counts_memo = Memo::new(move |_| {
        frame.with(|f| {
            f.as_ref().map(|f| {
                (
                    f.layout.lang,
                    f.in_flight,
                    f.waiting,
                    f.succeeded,
                    f.gave_up,
                    f.drawn_active,
                    f.active,
                    f.abandoned,
                )
            })
        })
    });
    // The same elements whatever the counts: only their texts change.
    let count_text = move |which: u8| {
        move || {
            counts_memo.with(|c| {
                let Some(&(lang, in_flight, waiting, ok, gave_up, drawn, active, abandoned)) =
                    c.as_ref()
                else {
                    return String::new();
                };
                match which {
                    0 => tf(
                        lang,
                        "retry.stage.count_in_flight",
                        &[("n", &fmt_count(lang, in_flight))],
                    ),
                    1 => tf(
                        lang,
                        "retry.stage.count_waiting",
                        &[("n", &fmt_count(lang, waiting))],
                    ),
                    2 => tn(
                        lang,
                        "retry.stage.count_done",
                        ok + gave_up,
                        &[
                            ("n", &fmt_count(lang, ok + gave_up)),
                            ("ok", &fmt_count(lang, ok)),
                            ("gave_up", &fmt_count(lang, gave_up)),
                        ],
                    ),
                    // The service's "working on" counts calls no client waits for:
                    // "working on 7,295" above "765 in flight" read as a
                    // contradiction (student review).
                    4 if abandoned > 0 => tn(
                        lang,
                        "retry.stage.count_abandoned",
                        abandoned,
                        &[("n", &fmt_count(lang, abandoned))],
                    ),
                    4 => String::new(),
                    _ if drawn < active => tf(
                        lang,
                        "retry.stage.sampled",
                        &[
                            ("shown", &fmt_count(lang, drawn as u64)),
                            ("total", &fmt_count(lang, active as u64)),
                        ],
                    ),
                    _ => String::new(),
                }
            })
        }
    };
    let capacity = Memo::new(move |_| layout.with(|l| l.as_ref().map_or(0, |l| l.capacity)));
    let legend = move || legend(view.lang.get(), capacity.get());

    view! {
        <figure class="retry-stage" data-testid="retry-stage" data-side=side.letter()>
            <div
                class="stage-plot"
                style="position:relative"
                node_ref=node
                on:click=on_click
                on:pointermove=on_move
                on:focusin=on_focus
            >
                <canvas
                    class="stage-canvas"
                    data-testid="stage-canvas"
                    aria-hidden="true"
                    style="position:absolute;left:0;top:0;width:100%;height:100%;pointer-events:none"
                    node_ref=canvas_ref
                ></canvas>
            </div>
            <figcaption>
                <p class="stage-detail" data-testid="stage-detail" aria-live="polite">{detail}</p>
                <p class="stage-counts" data-testid="stage-counts">
                    <span class="stage-count tone-info" data-testid="count-in-flight">{count_text(0)}</span>
                    " · "
                    <span class="stage-count tone-wait" data-testid="count-waiting">{count_text(1)}</span>
                    " · "
                    <span class="stage-count" data-testid="count-done">{count_text(2)}</span>
                    <span class="stage-abandoned" data-testid="count-abandoned">{count_text(4)}</span>
                    <span class="stage-sampled">{count_text(3)}</span>
                </p>
                <ul class="stage-legend" inner_html=legend></ul>
            </figcaption>
        </figure>
    }
}

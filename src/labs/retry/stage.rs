//! The retry lab's stage: the clients on the left, the service's nodes on the
//! right, and the requests between them as the simulated clock runs.
//!
//! - An attempt in flight is a dot travelling from the clients to its node
//!   over `[since, reply_at]` — a circle for a first attempt, a diamond for a
//!   retry.
//! - A request waiting before its next attempt is a ring in the "waiting"
//!   lane, sliding from left to right as its timer runs out. Without jitter,
//!   rings move in clumps (everybody retries at once); with jitter they spread.
//! - A request that just ended flashes by the clients: a ✓ disc if it
//!   succeeded, a ✗ square if it gave up.
//! - Each node is a box with a gauge of the calls it is working on and a
//!   capacity mark; during an outage it is hatched and says DOWN.
//!
//! Shapes and labels carry the meaning as well as colour. With thousands of
//! clients only a sample of dots is drawn (at most [`MAX_DOTS`]), and a line
//! of counts says what the whole population is doing. With reduced motion,
//! nothing glides: dots sit at fixed places that say which state they are in.
//!
//! This file only renders the run; the engine decides everything.

use super::RetryView;
use crate::charts::{
    fmt_count, fmt_countdown, prefers_reduced_motion, unique_id, use_element_width,
};
use engine::i18n::{t, tf};
use engine::labs::retry::model::{Final, Phase, Request};
use engine::labs::retry::record::node_name;
use engine::labs::retry::{RetryRun, RetrySim};
use engine::{Lang, SimTime};
use leptos::prelude::*;

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
const MAX_FLASHES: usize = 60;

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
}

impl Geometry {
    fn new(width: f64, nodes: u32) -> Geometry {
        let w = width.clamp(300.0, 1400.0);
        let pad = 8.0;
        let top = 24.0;
        let area_h = (nodes as f64 * 42.0 - 8.0).max(140.0);
        // Wide enough for "node_8  123" and "volta em 12,5 s" at 11-12 px.
        let client_w = (w * 0.15).clamp(62.0, 96.0);
        let node_w = (w * 0.22).clamp(104.0, 140.0);
        let lane_h = 32.0;
        let lane_y = top + area_h + 26.0;
        Geometry {
            w,
            h: lane_y + lane_h + pad,
            pad,
            top,
            area_h,
            client_w,
            node_w,
            x0: pad + client_w + 12.0,
            x1: w - pad - node_w - 12.0,
            lane_y,
            lane_h,
        }
    }

    fn node_x(&self) -> f64 {
        self.w - self.pad - self.node_w
    }

    /// The box of node `i` of `n`: (top, height).
    fn node_box(&self, i: u32, n: u32) -> (f64, f64) {
        let gap = 8.0;
        let h = ((self.area_h - gap * (n as f64 - 1.0)) / n as f64).clamp(34.0, 76.0);
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
/// keeps its lane from frame to frame. Presentation only (not the engine's RNG).
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

/// What a dot stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DotKind {
    FirstAttempt,
    Retry,
    Waiting,
    Succeeded,
    GaveUp,
}

impl DotKind {
    fn class(self) -> &'static str {
        match self {
            DotKind::FirstAttempt => "dot dot--first tone-info",
            DotKind::Retry => "dot dot--retry tone-wait",
            DotKind::Waiting => "dot dot--waiting tone-wait",
            DotKind::Succeeded => "dot dot--ok tone-ok",
            DotKind::GaveUp => "dot dot--giveup tone-giveup",
        }
    }

    /// The outline, centred on (0, 0), `r` across half.
    fn shape(self, r: f64) -> String {
        match self {
            DotKind::FirstAttempt | DotKind::Waiting | DotKind::Succeeded => {
                format!(
                    "M{:.1},0a{r:.1},{r:.1} 0 1,0 {:.1},0a{r:.1},{r:.1} 0 1,0 {:.1},0Z",
                    -r,
                    2.0 * r,
                    -2.0 * r
                )
            }
            DotKind::Retry => {
                let s = r * 1.3;
                format!("M0,{:.1}L{s:.1},0L0,{s:.1}L{:.1},0Z", -s, -s)
            }
            DotKind::GaveUp => {
                let s = r * 0.9;
                format!(
                    "M{:.1},{:.1}h{:.1}v{:.1}h{:.1}Z",
                    -s,
                    -s,
                    2.0 * s,
                    2.0 * s,
                    -2.0 * s
                )
            }
        }
    }

    /// The mark drawn over the shape (✓, ✗), when it is big enough to read.
    fn mark(self, r: f64) -> String {
        if r < 4.0 {
            return String::new();
        }
        let a = r * 0.45;
        match self {
            DotKind::Succeeded => format!(
                "M{:.1},0L{:.1},{:.1}L{:.1},{:.1}",
                -a,
                -a * 0.2,
                a * 0.8,
                a,
                -a * 0.8
            ),
            DotKind::GaveUp => format!(
                "M{:.1},{:.1}L{a:.1},{a:.1}M{a:.1},{:.1}L{:.1},{a:.1}",
                -a, -a, -a, -a
            ),
            _ => String::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Dot {
    kind: DotKind,
    x: f64,
    y: f64,
    r: f64,
    opacity: f64,
    /// Text inside the dot (the attempt number), when there is room.
    label: String,
    /// Tooltip: which request, which attempt, where.
    title: String,
    /// Text beside the dot (a countdown), for a handful of dots.
    note: String,
}

#[derive(Clone, Debug, PartialEq)]
struct NodeBox {
    name: String,
    y: f64,
    h: f64,
    in_flight: u32,
    /// Gauge fill, 0‥1.
    load: f64,
    /// Where the capacity mark sits on the gauge, 0‥1.
    capacity_at: Option<f64>,
    over_capacity: bool,
    /// `Some(text)` while the node is down: "back in 4 s".
    down: Option<String>,
}

/// Everything the stage draws at one instant.
#[derive(Clone, Debug, PartialEq)]
struct StageFrame {
    g: Geometry,
    lang: Lang,
    clients: u32,
    nodes: Vec<NodeBox>,
    dots: Vec<Dot>,
    in_flight: u64,
    waiting: u64,
    succeeded: u64,
    gave_up: u64,
    active: usize,
    drawn_active: usize,
    capacity: u32,
    /// One sentence for the SVG's accessible name.
    summary: String,
}

fn dot_radius(drawn: usize) -> f64 {
    match drawn {
        0..=12 => 9.0,
        13..=60 => 5.5,
        _ => 3.5,
    }
}

impl StageFrame {
    fn of(sim: &RetrySim, width: f64, lang: Lang, reduced_motion: bool) -> StageFrame {
        let model = sim.model();
        let scenario = model.scenario();
        let stats = model.stats();
        let now = sim.now();
        let now_ms = now.as_micros() as f64 / 1000.0;
        let n_nodes = model.in_flight().len().max(1) as u32;
        let g = Geometry::new(width, n_nodes);

        // Counts over every active request; dots for a stable sample of them.
        let mut in_flight = 0u64;
        let mut waiting = 0u64;
        let active: Vec<&Request> = model.active().collect();
        for r in &active {
            match r.phase {
                Phase::InFlight { .. } => in_flight += 1,
                Phase::Waiting { .. } => waiting += 1,
            }
        }
        let every = active.len().div_ceil(MAX_DOTS).max(1) as u32;
        let sampled: Vec<&Request> = active
            .iter()
            .copied()
            .filter(|r| r.id % every == 0)
            .take(MAX_DOTS)
            .collect();

        // Recently finished requests flash for a moment of simulated time.
        let flash_ms = (scenario.service.latency_ms as f64 * 4.0).clamp(400.0, 2_000.0);
        let flashes: Vec<&Request> = model
            .finished()
            .rev()
            .take_while(|r| {
                r.outcome
                    .is_some_and(|(_, at)| now_ms - at.as_micros() as f64 / 1000.0 <= flash_ms)
            })
            .filter(|r| r.id % every == 0)
            .take(MAX_FLASHES)
            .collect();

        let r = dot_radius(sampled.len() + flashes.len());
        let few = sampled.len() <= 12;
        let node_boxes: Vec<(f64, f64)> = (0..n_nodes).map(|i| g.node_box(i, n_nodes)).collect();
        let node_y = |node: u32, id: u32| {
            let (y, h) = node_boxes[(node.min(n_nodes - 1)) as usize];
            y + h / 2.0 + (spread(id, 2) - 0.5) * h * 0.6
        };
        let ms = |t: SimTime| t.as_micros() as f64 / 1000.0;
        let waiting_notes = sampled
            .iter()
            .filter(|r| matches!(r.phase, Phase::Waiting { .. }))
            .count()
            <= 3;

        let mut dots = Vec::with_capacity(sampled.len() + flashes.len());
        for req in &sampled {
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
                        r,
                        opacity: 1.0,
                        label: if few {
                            attempt.to_string()
                        } else {
                            String::new()
                        },
                        title: tf(
                            lang,
                            "retry.stage.dot_in_flight",
                            &[
                                ("req", &req.id),
                                ("attempt", &attempt),
                                ("node", &node_name(node)),
                            ],
                        ),
                        note: String::new(),
                    });
                }
                Phase::Waiting {
                    next_attempt,
                    since,
                    until,
                } => {
                    let span = ms(until) - ms(since);
                    let p = if span > 0.0 {
                        ((now_ms - ms(since)) / span).clamp(0.0, 1.0)
                    } else {
                        1.0
                    };
                    let f = if reduced_motion { spread(req.id, 5) } else { p };
                    let left = fmt_countdown(lang, ms(until) - now_ms);
                    dots.push(Dot {
                        kind: DotKind::Waiting,
                        x: lerp(g.x0 + r, g.x1 - r, f),
                        y: g.lane_y + 6.0 + spread(req.id, 4) * (g.lane_h - 12.0),
                        r,
                        opacity: 1.0,
                        label: if few {
                            next_attempt.to_string()
                        } else {
                            String::new()
                        },
                        title: tf(
                            lang,
                            "retry.stage.dot_waiting",
                            &[
                                ("req", &req.id),
                                ("attempt", &next_attempt),
                                ("wait", &left),
                            ],
                        ),
                        note: if waiting_notes {
                            tf(lang, "retry.stage.retry_in", &[("wait", &left)])
                        } else {
                            String::new()
                        },
                    });
                }
            }
        }
        for req in &flashes {
            let Some((outcome, at)) = req.outcome else {
                continue;
            };
            let age = (now_ms - ms(at)).max(0.0) / flash_ms;
            let (kind, title) = match outcome {
                Final::Succeeded => (
                    DotKind::Succeeded,
                    tf(lang, "retry.stage.dot_succeeded", &[("req", &req.id)]),
                ),
                Final::GaveUp(reason) => (
                    DotKind::GaveUp,
                    tf(
                        lang,
                        "retry.stage.dot_gave_up",
                        &[("req", &req.id), ("reason", &t(lang, reason.key()))],
                    ),
                ),
            };
            dots.push(Dot {
                kind,
                x: g.x0 + r + spread(req.id, 6) * 18.0,
                y: g.client_y(req.id),
                r,
                opacity: 1.0 - 0.7 * age.min(1.0),
                label: String::new(),
                title,
                note: String::new(),
            });
        }

        // The service: load per node against its share of the capacity.
        let capacity = scenario.service.capacity;
        let total_in_flight: u32 = model.in_flight().iter().sum();
        let peak = stats
            .series
            .buckets()
            .iter()
            .map(|s| s.peak_in_flight)
            .max()
            .unwrap_or(0);
        let gauge_max = if capacity > 0 {
            capacity as f64 / n_nodes as f64 * 1.5
        } else {
            (peak as f64 / n_nodes as f64).max(4.0) * 1.25
        };
        let nodes = model
            .in_flight()
            .iter()
            .enumerate()
            .map(|(i, &load)| {
                let (y, h) = node_boxes[i];
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
                NodeBox {
                    name: node_name(i as u32),
                    y,
                    h,
                    in_flight: load,
                    load: (load as f64 / gauge_max).min(1.0),
                    capacity_at: (capacity > 0).then_some(1.0 / 1.5),
                    over_capacity: capacity > 0 && total_in_flight > capacity,
                    down: down_until.map(|to| {
                        tf(
                            lang,
                            "retry.stage.back_in",
                            &[("wait", &fmt_countdown(lang, to - now_ms))],
                        )
                    }),
                }
            })
            .collect::<Vec<_>>();

        let clients = scenario.clients();
        let down: Vec<String> = nodes
            .iter()
            .filter(|n| n.down.is_some())
            .map(|n| n.name.clone())
            .collect();
        let mut summary = tf(
            lang,
            "retry.stage.summary",
            &[
                ("clients", &fmt_count(lang, clients as u64)),
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
        let gave_up = stats.finished - stats.succeeded;
        StageFrame {
            g,
            lang,
            clients,
            nodes,
            dots,
            in_flight,
            waiting,
            succeeded: stats.succeeded,
            gave_up,
            active: active.len(),
            drawn_active: sampled.len(),
            capacity,
            summary,
        }
    }
}

fn c(v: f64) -> String {
    format!("{v:.1}")
}

/// The SVG of one frame.
fn draw(f: &StageFrame, hatch: &str) -> impl IntoView {
    let g = f.g;
    let lang = f.lang;
    let hatch_fill = format!("url(#{hatch})");
    let nx = g.node_x();
    let guides = f
        .nodes
        .iter()
        .map(|n| {
            let d = format!(
                "M{},{}L{},{}M{},{}L{},{}",
                c(g.x0),
                c(g.top + 8.0),
                c(g.x1),
                c(n.y + n.h / 2.0),
                c(g.x0),
                c(g.top + g.area_h - 8.0),
                c(g.x1),
                c(n.y + n.h / 2.0)
            );
            view! { <path class="stage-guide" d=d /> }
        })
        .collect::<Vec<_>>();
    let nodes = f
        .nodes
        .iter()
        .map(|n| {
            let gauge_x = nx + 8.0;
            let gauge_w = g.node_w - 16.0;
            let gauge_y = n.y + n.h - 12.0;
            let class = format!(
                "stage-node{}{}",
                if n.down.is_some() { " stage-node--down" } else { "" },
                if n.over_capacity { " stage-node--over" } else { "" }
            );
            // A node's count of calls in work, top right. When it is down, the
            // gauge gives way to DOWN (and, if the box is tall enough, when it
            // comes back), so nothing overlaps however narrow the box is.
            let count = fmt_count(lang, n.in_flight as u64);
            let tall = n.h >= 60.0;
            let down_word = t(lang, "retry.stage.down").to_string();
            let (down_text, down_x, down_y, down_anchor, back) = match (&n.down, tall) {
                (Some(back), true) => (down_word, nx + g.node_w / 2.0, n.y + n.h / 2.0 + 6.0, "middle", back.clone()),
                (Some(_), false) => (down_word, nx + 8.0, n.y + n.h - 7.0, "start", String::new()),
                (None, _) => (String::new(), nx, n.y, "start", String::new()),
            };
            let gauge_opacity = if n.down.is_some() { "0" } else { "1" };
            let mut title = tf(lang, "retry.stage.node_title", &[("node", &n.name), ("n", &count)]);
            if let Some(back) = &n.down {
                title = format!("{title} — {} ({back})", t(lang, "retry.stage.down"));
            }
            view! {
                <g class=class data-testid="stage-node" data-down=n.down.is_some().to_string()>
                    <title>{title}</title>
                    <rect class="stage-node-box" x=c(nx) y=c(n.y) width=c(g.node_w) height=c(n.h) rx="6" />
                    <rect class="stage-node-hatch" x=c(nx) y=c(n.y) width=c(g.node_w) height=c(n.h) rx="6" fill=hatch_fill.clone() />
                    <text class="stage-node-name" x=c(nx + 8.0) y=c(n.y + 15.0)>{n.name.clone()}</text>
                    <text class="stage-node-count" x=c(nx + g.node_w - 8.0) y=c(n.y + 15.0) text-anchor="end">{count}</text>
                    <text class="stage-node-down" x=c(down_x) y=c(down_y) text-anchor=down_anchor>{down_text}</text>
                    <text class="stage-node-back" x=c(nx + g.node_w / 2.0) y=c(n.y + n.h / 2.0 + 20.0) text-anchor="middle">{back}</text>
                    <g opacity=gauge_opacity>
                        <rect class="stage-gauge" x=c(gauge_x) y=c(gauge_y) width=c(gauge_w) height="6" rx="3" />
                        <rect class="stage-gauge-fill" x=c(gauge_x) y=c(gauge_y) width=c(gauge_w * n.load) height="6" rx="3" />
                        <line
                            class="stage-capacity"
                            x1=c(gauge_x + gauge_w * n.capacity_at.unwrap_or(0.0))
                            x2=c(gauge_x + gauge_w * n.capacity_at.unwrap_or(0.0))
                            y1=c(gauge_y - 3.0)
                            y2=c(gauge_y + 9.0)
                            opacity=if n.capacity_at.is_some() { "1" } else { "0" }
                        />
                    </g>
                </g>
            }
        })
        .collect::<Vec<_>>();
    let dots = f
        .dots
        .iter()
        .map(|d| {
            view! {
                <g class=d.kind.class() transform=format!("translate({} {})", c(d.x), c(d.y)) opacity=format!("{:.2}", d.opacity)>
                    <title>{d.title.clone()}</title>
                    <path class="dot-shape" d=d.kind.shape(d.r) />
                    <path class="dot-mark" d=d.kind.mark(d.r) />
                    <text class="dot-label" y="4" text-anchor="middle">{d.label.clone()}</text>
                    <text class="dot-note" x=c(d.r + 4.0) y=c(-d.r - 2.0)>{d.note.clone()}</text>
                </g>
            }
        })
        .collect::<Vec<_>>();
    let clients_word = if f.clients == 1 {
        t(lang, "retry.stage.client")
    } else {
        t(lang, "retry.stage.clients")
    };
    let mid = g.top + g.area_h / 2.0;
    view! {
        <svg
            class="stage-svg"
            viewBox=format!("0 0 {} {}", c(g.w), c(g.h))
            width=c(g.w)
            height=c(g.h)
            role="img"
            aria-label=f.summary.clone()
        >
            <defs>
                <pattern id=hatch.to_string() width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <line class="hatch-line" x1="0" y1="0" x2="0" y2="7" />
                </pattern>
            </defs>
            <text class="stage-heading" x=c(g.pad) y="14">{t(lang, "retry.stage.clients_heading").to_string()}</text>
            <text class="stage-heading" x=c((g.x0 + g.x1) / 2.0) y="14" text-anchor="middle">
                {t(lang, "retry.stage.wire").to_string()}
            </text>
            <text class="stage-heading" x=c(g.w - g.pad) y="14" text-anchor="end">{t(lang, "retry.stage.service").to_string()}</text>
            <g class="stage-clients">
                <rect class="stage-client-box" x=c(g.pad) y=c(g.top) width=c(g.client_w) height=c(g.area_h) rx="8" />
                <text class="stage-client-count" x=c(g.pad + g.client_w / 2.0) y=c(mid) text-anchor="middle">
                    {fmt_count(lang, f.clients as u64)}
                </text>
                <text class="stage-client-word" x=c(g.pad + g.client_w / 2.0) y=c(mid + 18.0) text-anchor="middle">
                    {clients_word.to_string()}
                </text>
            </g>
            <g class="stage-guides">{guides}</g>
            <g class="stage-nodes" data-testid="stage-nodes">{nodes}</g>
            <text class="stage-lane-label" x=c(g.x0) y=c(g.lane_y - 7.0)>
                {format!("⏳ {}", t(lang, "retry.stage.waiting_lane"))}
            </text>
            <rect class="stage-lane" x=c(g.x0) y=c(g.lane_y) width=c(g.x1 - g.x0) height=c(g.lane_h) rx="6" />
            <g class="stage-dots" data-testid="stage-dots">{dots}</g>
        </svg>
    }
}

/// The legend: each shape, with what it means, and the capacity mark when
/// the service has one.
fn legend(lang: Lang, capacity: u32) -> impl IntoView {
    let capacity = (capacity > 0).then(|| {
        view! {
            <li>
                <svg class="legend-mark" viewBox="0 0 24 12" width="24" height="12" aria-hidden="true">
                    <rect class="stage-gauge" x="0" y="3" width="24" height="6" rx="3" />
                    <rect class="stage-gauge-fill" x="0" y="3" width="11" height="6" rx="3" />
                    <line class="stage-capacity" x1="16" x2="16" y1="0" y2="12" />
                </svg>
                <span>{tf(lang, "retry.stage.capacity", &[("n", &fmt_count(lang, capacity as u64))])}</span>
            </li>
        }
    });
    let items = [
        (DotKind::FirstAttempt, "retry.stage.legend_first"),
        (DotKind::Retry, "retry.stage.legend_retry"),
        (DotKind::Waiting, "retry.stage.legend_waiting"),
        (DotKind::Succeeded, "retry.stage.legend_succeeded"),
        (DotKind::GaveUp, "retry.stage.legend_gave_up"),
    ];
    let items = items
        .into_iter()
        .map(|(kind, key)| {
            view! {
                <li>
                    <svg class="legend-mark" viewBox="-8 -8 16 16" width="16" height="16" aria-hidden="true">
                        <g class=kind.class()>
                            <path class="dot-shape" d=kind.shape(5.5) />
                            <path class="dot-mark" d=kind.mark(5.5) />
                        </g>
                    </svg>
                    <span>{t(lang, key).to_string()}</span>
                </li>
            }
        })
        .collect::<Vec<_>>();
    (items, capacity)
}

/// The clients, the service and the requests between them, for one side.
#[component]
pub fn RetryStage(view: RetryView, side: Side) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    let width = use_element_width(node, 640.0);
    let hatch = unique_id("stage-hatch");
    let frame = Memo::new(move |_| {
        let lang = view.lang.get();
        let w = width.get();
        let reduced = prefers_reduced_motion();
        view.with(|run| {
            side.sim(run)
                .map(|sim| StageFrame::of(sim, w, lang, reduced))
        })
    });

    let svg = move || frame.with(|f| f.as_ref().map(|f| draw(f, &hatch)));
    let counts = move || {
        frame.with(|f| {
            f.as_ref().map(|f| {
                let lang = f.lang;
                let done = f.succeeded + f.gave_up;
                let sampled = (f.drawn_active < f.active).then(|| {
                    tf(
                        lang,
                        "retry.stage.sampled",
                        &[("shown", &fmt_count(lang, f.drawn_active as u64)), ("total", &fmt_count(lang, f.active as u64))],
                    )
                });
                view! {
                    <span class="stage-count tone-info" data-testid="count-in-flight">
                        {tf(lang, "retry.stage.count_in_flight", &[("n", &fmt_count(lang, f.in_flight))])}
                    </span>
                    " · "
                    <span class="stage-count tone-wait" data-testid="count-waiting">
                        {tf(lang, "retry.stage.count_waiting", &[("n", &fmt_count(lang, f.waiting))])}
                    </span>
                    " · "
                    <span class="stage-count" data-testid="count-done">
                        {tf(
                            lang,
                            "retry.stage.count_done",
                            &[
                                ("n", &fmt_count(lang, done)),
                                ("ok", &fmt_count(lang, f.succeeded)),
                                ("gave_up", &fmt_count(lang, f.gave_up)),
                            ],
                        )}
                    </span>
                    {sampled.map(|s| view! { <span class="stage-sampled">{s}</span> })}
                }
            })
        })
    };
    let capacity = Memo::new(move |_| frame.with(|f| f.as_ref().map_or(0, |f| f.capacity)));
    let legend = move || legend(view.lang.get(), capacity.get());

    view! {
        <figure class="retry-stage" data-testid="retry-stage" data-side=side.letter()>
            <div class="stage-plot" node_ref=node>
                {svg}
            </div>
            <figcaption>
                <p class="stage-counts" data-testid="stage-counts">{counts}</p>
                <ul class="stage-legend">{legend}</ul>
            </figcaption>
        </figure>
    }
}

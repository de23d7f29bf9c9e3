//! The stage: the flow at a glance. Services sit in fixed lanes around the
//! bus (choreography) or around the orchestrator (orchestration); the
//! customer on the left. Events travel as tokens coloured by their order (its
//! correlation id) and labelled with what they say; compensations are drawn
//! in their own colour with a dashed trail, flowing back; a message the bus
//! drops stops on the bus with a cross. Each service shows its queue, what it
//! has handled, and a DOWN sign during its outage. The drawing is one SVG
//! written as text (`markup.rs`), with a bounded number of tokens, so its size
//! does not grow with the number of orders. Clicking a token picks its order
//! for the story views below.

use super::{picked, ChoreoView};
use crate::i18n::tr;
use crate::markup::{num, Markup};
use engine::i18n::{t, tf};
use engine::labs::choreography::config::{Mode, Topic};
use engine::labs::choreography::view::{self as cv, HopLabel, Lane, RowKind, Status};
use engine::labs::choreography::ChoreoSim;
use engine::time::{SimDuration, SimTime};
use engine::Lang;
use leptos::prelude::*;

const W: f64 = 640.0;
const H: f64 = 300.0;
const BUS_Y: f64 = 150.0;
const BOX_W: f64 = 118.0;
const BOX_H: f64 = 58.0;
/// Tokens drawn at most (the newest hops).
pub const MAX_TOKENS: usize = 80;

/// A colour per order (its correlation id): hues spread by the golden angle.
pub fn order_colour(order: u32) -> String {
    let hue = (order as f64 * 137.508) % 360.0;
    format!("hsl({:.0} 70% 45%)", hue)
}

/// Where each lane sits.
fn place(lanes: &[Lane]) -> Vec<(Lane, f64, f64)> {
    let services: Vec<Lane> = lanes
        .iter()
        .copied()
        .filter(|l| matches!(l, Lane::Service(_)))
        .collect();
    let n = services.len().max(1) as f64;
    let mut out = vec![];
    for l in lanes {
        match l {
            Lane::Customer => out.push((*l, 70.0, 60.0)),
            Lane::Watcher => out.push((*l, 70.0, 240.0)),
            Lane::Orchestrator => out.push((*l, 330.0, BUS_Y)),
            Lane::Service(_) => {}
        }
    }
    // Services alternate above and below the bus, left to right.
    let cols = (n / 2.0).ceil();
    for (i, l) in services.iter().enumerate() {
        let col = (i / 2) as f64;
        let x = 200.0 + (col + 0.5) * (W - 200.0 - 10.0) / cols;
        let y = if i % 2 == 0 { 60.0 } else { 240.0 };
        out.push((*l, x, y));
    }
    out
}

fn at(places: &[(Lane, f64, f64)], lane: Lane) -> (f64, f64) {
    places
        .iter()
        .find(|(l, _, _)| *l == lane)
        .map_or((W / 2.0, BUS_Y), |(_, x, y)| (*x, *y))
}

/// The path a hop travels: via the bus (choreography) or straight.
fn path(mode: Mode, from: (f64, f64), to: (f64, f64)) -> Vec<(f64, f64)> {
    let edge = |(x, y): (f64, f64)| {
        if y < BUS_Y {
            (x, y + BOX_H / 2.0)
        } else if y > BUS_Y {
            (x, y - BOX_H / 2.0)
        } else {
            (x, y)
        }
    };
    match mode {
        Mode::Choreography => {
            let (a, b) = (edge(from), edge(to));
            vec![a, (a.0, BUS_Y), (b.0, BUS_Y), b]
        }
        Mode::Orchestration => vec![from, to],
    }
}

/// The point a fraction `p` along a polyline, and its length.
fn along(points: &[(f64, f64)], p: f64) -> (f64, f64) {
    let lens: Vec<f64> = points
        .windows(2)
        .map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())
        .collect();
    let total: f64 = lens.iter().sum();
    let mut left = p.clamp(0.0, 1.0) * total;
    for (i, l) in lens.iter().enumerate() {
        if left <= *l || i == lens.len() - 1 {
            let f = if *l > 0.0 { (left / l).min(1.0) } else { 1.0 };
            let (a, b) = (points[i], points[i + 1]);
            return (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f);
        }
        left -= l;
    }
    points.last().copied().unwrap_or((0.0, 0.0))
}

fn ms(t: SimTime) -> f64 {
    t.as_micros() as f64 / 1000.0
}

/// How long a token takes to cross the stage, in simulated ms: a few bus hops.
fn travel_ms(sim: &ChoreoSim) -> f64 {
    let c = sim.model().config();
    (c.bus.latency_ms as f64 * 3.0).max(250.0)
}

fn short_label(lang: Lang, label: HopLabel) -> String {
    match label {
        HopLabel::Event(topic) => topic.key().to_string(),
        HopLabel::Command(step) => t(lang, &format!("choreo.step.{}", step.key())).to_string(),
        HopLabel::Reply { ok: true, .. } => t(lang, "choreo.hop.reply_ok").to_string(),
        HopLabel::Reply { ok: false, .. } => t(lang, "choreo.hop.reply_failed").to_string(),
        HopLabel::Call { cancel: false } => "placeOrder()".to_string(),
        HopLabel::Call { cancel: true } => "cancelOrder()".to_string(),
    }
}

/// The stage of one side, as SVG markup.
pub fn stage_svg(sim: &ChoreoSim, lang: Lang, picked: Option<u32>) -> String {
    let model = sim.model();
    let mode = model.mode();
    let lanes = cv::lanes(model);
    let places = place(&lanes);
    let now = sim.now();
    let now_ms = ms(now);
    let travel = travel_ms(sim);
    let mut m = Markup::new();
    m.open(
        "svg",
        &[
            ("class", "stage-svg choreo-svg"),
            ("viewBox", &format!("0 0 {W} {H}")),
            ("role", "img"),
            ("aria-label", t(lang, "choreo.stage.label")),
        ],
    );
    // The bus, or the orchestrator's hub.
    match mode {
        Mode::Choreography => {
            let down = model.bus().is_down(now);
            m.empty(
                "line",
                &[
                    (
                        "class",
                        if down {
                            "choreo-bus choreo-bus--down"
                        } else {
                            "choreo-bus"
                        },
                    ),
                    ("x1", "140"),
                    ("x2", &num(W - 8.0)),
                    ("y1", &num(BUS_Y)),
                    ("y2", &num(BUS_Y)),
                ],
            );
            let label = if down {
                t(lang, "choreo.stage.bus_down").to_string()
            } else {
                t(lang, "choreo.stage.bus").to_string()
            };
            m.elem(
                "text",
                &[
                    ("class", "choreo-bus-label"),
                    ("x", "140"),
                    ("y", &num(BUS_Y - 8.0)),
                ],
                &label,
            );
        }
        Mode::Orchestration => {
            // Spokes from the orchestrator to every lane.
            let hub = at(&places, Lane::Orchestrator);
            for (l, x, y) in &places {
                if *l != Lane::Orchestrator {
                    m.empty(
                        "line",
                        &[
                            ("class", "choreo-spoke"),
                            ("x1", &num(hub.0)),
                            ("y1", &num(hub.1)),
                            ("x2", &num(*x)),
                            ("y2", &num(*y)),
                        ],
                    );
                }
            }
        }
    }
    // Lanes.
    for (lane, x, y) in &places {
        let down = cv::is_down(model, *lane, now);
        let (queued, busy) = cv::queue_depth(model, *lane);
        let class = match (lane, down) {
            (_, true) => "choreo-box choreo-box--down",
            (Lane::Orchestrator, _) => "choreo-box choreo-box--hub",
            (Lane::Customer | Lane::Watcher, _) => "choreo-box choreo-box--edge",
            _ => "choreo-box",
        };
        let key = match lane {
            Lane::Service(s) => s.key(),
            Lane::Orchestrator => "orchestrator",
            Lane::Customer => "customer",
            Lane::Watcher => "watcher",
        };
        m.open("g", &[("class", "choreo-lane"), ("data-lane", key)]);
        m.empty(
            "rect",
            &[
                ("class", class),
                ("x", &num(x - BOX_W / 2.0)),
                ("y", &num(y - BOX_H / 2.0)),
                ("width", &num(BOX_W)),
                ("height", &num(BOX_H)),
                ("rx", "8"),
            ],
        );
        m.elem(
            "text",
            &[
                ("class", "choreo-lane-name"),
                ("x", &num(*x)),
                ("y", &num(y - 10.0)),
                ("text-anchor", "middle"),
            ],
            t(lang, lane.name_key()),
        );
        if matches!(lane, Lane::Service(_) | Lane::Orchestrator) {
            let line = if down {
                t(lang, "choreo.stage.down").to_string()
            } else {
                tf(
                    lang,
                    "choreo.stage.queue",
                    &[
                        ("queued", &queued),
                        ("busy", &busy),
                        ("done", &cv::processed(model, *lane)),
                    ],
                )
            };
            m.elem(
                "text",
                &[
                    (
                        "class",
                        if down {
                            "choreo-lane-down"
                        } else {
                            "choreo-lane-queue"
                        },
                    ),
                    ("x", &num(*x)),
                    ("y", &num(y + 8.0)),
                    ("text-anchor", "middle"),
                ],
                &line,
            );
            // The queue as a bar: one tick per waiting message, up to the box's width.
            let bar = (queued as f64 * 4.0).min(BOX_W - 16.0);
            if bar > 0.0 {
                m.empty(
                    "rect",
                    &[
                        ("class", "choreo-queue-bar"),
                        ("x", &num(x - BOX_W / 2.0 + 8.0)),
                        ("y", &num(y + 15.0)),
                        ("width", &num(bar)),
                        ("height", "6"),
                    ],
                );
            }
        }
        m.close("g");
    }
    // Tokens: the newest hops still travelling.
    let since = SimTime::ZERO + SimDuration::from_ms_f64((now_ms - travel).max(0.0));
    let rows = cv::recent_rows(sim, since, 400);
    let mut tokens = 0;
    for row in rows.iter().rev() {
        let RowKind::Hop {
            from,
            to,
            label,
            backward,
            lost,
        } = &row.kind
        else {
            continue;
        };
        let age = (now_ms - ms(row.at)) / travel;
        if !(0.0..=1.0).contains(&age) {
            continue;
        }
        let colour = order_colour(row.order);
        let text = short_label(lang, *label);
        for target in to {
            if tokens >= MAX_TOKENS {
                break;
            }
            tokens += 1;
            let pts = path(mode, at(&places, *from), at(&places, *target));
            // A lost message stops on the bus, half way.
            let p = if *lost { (age * 2.0).min(0.5) } else { age };
            let (tx, ty) = along(&pts, p);
            let d: String = pts
                .iter()
                .enumerate()
                .map(|(i, (x, y))| format!("{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, x, y))
                .collect();
            let selected = picked == Some(row.order);
            let class = match (backward, selected) {
                (true, true) => "choreo-trail choreo-trail--back choreo-trail--picked",
                (true, false) => "choreo-trail choreo-trail--back",
                (false, true) => "choreo-trail choreo-trail--picked",
                (false, false) => "choreo-trail",
            };
            m.empty(
                "path",
                &[
                    ("class", class),
                    ("d", &d),
                    ("style", &format!("--order:{colour}")),
                ],
            );
            let order_text = (row.order + 1).to_string();
            m.open(
                "g",
                &[
                    (
                        "class",
                        if *backward {
                            "choreo-token choreo-token--back"
                        } else {
                            "choreo-token"
                        },
                    ),
                    ("data-order", &row.order.to_string()),
                    ("data-testid", "token"),
                    ("style", &format!("--order:{colour}")),
                ],
            );
            if *backward {
                m.empty(
                    "rect",
                    &[
                        ("x", &num(tx - 8.0)),
                        ("y", &num(ty - 8.0)),
                        ("width", "16"),
                        ("height", "16"),
                        ("transform", &format!("rotate(45 {tx:.1} {ty:.1})")),
                    ],
                );
            } else {
                m.empty("circle", &[("cx", &num(tx)), ("cy", &num(ty)), ("r", "9")]);
            }
            m.elem(
                "text",
                &[
                    ("class", "choreo-token-id"),
                    ("x", &num(tx)),
                    ("y", &num(ty + 3.5)),
                    ("text-anchor", "middle"),
                ],
                &order_text,
            );
            m.elem(
                "text",
                &[
                    ("class", "choreo-token-label"),
                    ("x", &num(tx + 12.0)),
                    ("y", &num(ty - 8.0)),
                ],
                &text,
            );
            if *lost && age >= 0.25 {
                m.elem(
                    "text",
                    &[
                        ("class", "choreo-lost"),
                        ("x", &num(tx)),
                        ("y", &num(ty + 24.0)),
                        ("text-anchor", "middle"),
                    ],
                    t(lang, "choreo.stage.lost"),
                );
            }
            m.close("g");
        }
    }
    m.close("svg");
    m.finish()
}

/// The stage of one side; a click on a token picks its order.
#[component]
pub fn ChoreoStage(view: ChoreoView, side: usize) -> impl IntoView {
    let picked = picked();
    let svg = move || {
        let lang = view.lang.get();
        let p = picked.get();
        view.with(|run| {
            run.sides
                .get(side)
                .map(|sim| stage_svg(sim, lang, p))
                .unwrap_or_default()
        })
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        use wasm_bindgen::JsCast;
        let Some(target) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        if let Some(order) = target
            .closest("[data-order]")
            .ok()
            .flatten()
            .and_then(|e| e.get_attribute("data-order"))
            .and_then(|s| s.parse::<u32>().ok())
        {
            picked.set(Some(order));
        }
    };
    view! {
        <figure class="choreo-stage" data-testid=format!("choreo-stage-{side}")>
            <div class="stage-plot" inner_html=svg on:click=on_click></div>
            <figcaption class="help">{tr("choreo.stage.help")}</figcaption>
        </figure>
        <StatusStrip view=view side=side />
    }
}

/// Status cells drawn at most (the newest orders).
pub const MAX_CELLS: usize = 240;

/// Per-order status: a stacked bar of counts (pending, completing,
/// compensating, completed, compensated, stuck) and one cell per order (the
/// newest [`MAX_CELLS`]); a cell picks its order.
#[component]
pub fn StatusStrip(view: ChoreoView, side: usize) -> impl IntoView {
    let picked = picked();
    let html = move || {
        let lang = view.lang.get();
        let p = picked.get();
        view.with(|run| {
            let Some(sim) = run.sides.get(side) else {
                return String::new();
            };
            status_markup(sim, lang, p)
        })
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        use wasm_bindgen::JsCast;
        if let Some(order) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("[data-order]").ok().flatten())
            .and_then(|e| e.get_attribute("data-order"))
            .and_then(|s| s.parse::<u32>().ok())
        {
            picked.set(Some(order));
        }
    };
    view! { <div class="choreo-status" data-testid=format!("status-{side}") inner_html=html on:click=on_click></div> }
}

fn status_markup(sim: &ChoreoSim, lang: Lang, picked: Option<u32>) -> String {
    let model = sim.model();
    let counts = cv::status_counts(model);
    let total: u64 = counts.iter().sum();
    let mut m = Markup::new();
    m.open(
        "div",
        &[
            ("class", "choreo-status-bar"),
            ("role", "img"),
            ("aria-label", &status_sentence(&counts, lang)),
        ],
    );
    for s in Status::ALL {
        let n = counts[s.index()];
        if n == 0 {
            continue;
        }
        let share = n as f64 / total.max(1) as f64 * 100.0;
        m.open(
            "span",
            &[
                ("class", &format!("choreo-status-seg st-{}", s.key())),
                ("style", &format!("flex-grow:{share:.3}")),
                ("data-status", s.key()),
            ],
        );
        m.text(&format!(
            "{} {}",
            n,
            t(lang, &format!("choreo.status.{}", s.key()))
        ));
        m.close("span");
    }
    m.close("div");
    let orders = model.orders();
    let first = orders.len().saturating_sub(MAX_CELLS);
    m.open("div", &[("class", "choreo-cells"), ("aria-hidden", "true")]);
    for (i, o) in orders.iter().enumerate().skip(first) {
        let s = cv::status(o);
        let class = if picked == Some(i as u32) {
            format!("choreo-cell st-{} picked", s.key())
        } else {
            format!("choreo-cell st-{}", s.key())
        };
        m.open(
            "span",
            &[
                ("class", &class),
                ("data-order", &i.to_string()),
                (
                    "title",
                    &format!(
                        "#{} · {}",
                        i + 1,
                        t(lang, &format!("choreo.status.{}", s.key()))
                    ),
                ),
            ],
        );
        m.close("span");
    }
    m.close("div");
    m.finish()
}

/// "3 completed, 1 stuck" (the status bar's text alternative).
pub fn status_sentence(counts: &[u64; 6], lang: Lang) -> String {
    let parts: Vec<String> = Status::ALL
        .iter()
        .filter(|s| counts[s.index()] > 0)
        .map(|s| {
            format!(
                "{} {}",
                counts[s.index()],
                t(lang, &format!("choreo.status.{}", s.key()))
            )
        })
        .collect();
    if parts.is_empty() {
        t(lang, "choreo.status.none").to_string()
    } else {
        parts.join(", ")
    }
}

/// Whether a topic is one the stage draws going back (for tests and legends).
pub fn is_backward(topic: Topic) -> bool {
    cv::is_backward_topic(topic)
}

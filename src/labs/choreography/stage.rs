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
use crate::markup::{num, text_width, Markup};
use engine::i18n::{t, tf, tn};
use engine::labs::choreography::config::{Mode, Topic};
use engine::labs::choreography::view::{self as cv, HopLabel, Lane, RowKind, Status};
use engine::labs::choreography::{ChoreoModel, ChoreoSim};
use engine::time::{SimDuration, SimTime};
use engine::Lang;
use leptos::prelude::*;

/// Tokens drawn at most (the newest hops).
pub const MAX_TOKENS: usize = 80;
/// Tokens that carry their message's name (beyond, only the order's number; the
/// picked order's always do).
const LABELLED_TOKENS: usize = 4;
/// Between two rows of boxes in the narrow layout (CSS px).
const ROW_GAP: f64 = 10.0;
/// A token's radius, as markup writes it.
const TOKEN_R_TEXT: &str = "9";
/// How far a token's mark reaches from its centre: a backward token's
/// diamond (a 16 px square turned 45°) is the wider.
const TOKEN_REACH: f64 = 12.0;

/// Below this width (CSS px) the lanes stack around a vertical bus.
const NARROW: f64 = 420.0;

/// A colour per order (its correlation id): hues spread by the golden angle.
pub fn order_colour(order: u32) -> String {
    // Golden-angle steps over the hues from yellow-green round to magenta:
    // red and orange say failure on every page, so an order's arrows never
    // take them (the first order is blue).
    let hue = 50.0 + (order as f64 * 137.508 + 160.0) % 280.0;
    format!("hsl({:.0} 70% 45%)", hue)
}

/// Where the stage's pieces go for a drawing `w` CSS px wide: the viewBox is as wide
/// as the element, so text keeps its size on a phone and on a wide screen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    pub w: f64,
    pub h: f64,
    pub narrow: bool,
    pub box_w: f64,
    pub box_h: f64,
}

impl Layout {
    pub fn for_width(w: f64, lanes: usize) -> Layout {
        let w = w.max(160.0);
        if w < NARROW {
            // Two columns of boxes either side of a vertical bus, a row per two lanes.
            let rows = lanes.div_ceil(2).max(1) as f64;
            let box_h = 36.0;
            Layout {
                w,
                h: 16.0 + rows * (box_h + ROW_GAP),
                narrow: true,
                // The gap between the columns (at least 26 px) holds a token
                // whole: it travels there, clear of the boxes either side.
                box_w: ((w - 42.0) / 2.0).min(150.0),
                box_h,
            }
        } else {
            Layout {
                w,
                h: 230.0,
                narrow: false,
                // More than four services (the larger flow) need narrower boxes:
                // their columns share the width right of the customer.
                box_w: {
                    let cols = lanes.saturating_sub(1).div_ceil(2).max(2) as f64;
                    let fit = (w - 40.0) / (cols + 1.0) - 10.0;
                    ((w - 40.0) / 4.0 - 10.0)
                        .clamp(90.0, 140.0)
                        .min(fit.max(56.0))
                },
                box_h: 46.0,
            }
        }
    }

    /// The bus: horizontal at mid-height, or vertical down the middle.
    fn bus(&self) -> ((f64, f64), (f64, f64)) {
        if self.narrow {
            ((self.w / 2.0, 8.0), (self.w / 2.0, self.h - 8.0))
        } else {
            // From under the customer (and the watcher) to the right edge.
            (
                (8.0 + self.box_w / 2.0, self.h / 2.0),
                (self.w - 8.0, self.h / 2.0),
            )
        }
    }

    /// Each lane's centre.
    fn place(&self, lanes: &[Lane]) -> Vec<(Lane, f64, f64)> {
        let services: Vec<Lane> = lanes
            .iter()
            .copied()
            .filter(|l| matches!(l, Lane::Service(_)))
            .collect();
        let edges: Vec<Lane> = lanes
            .iter()
            .copied()
            .filter(|l| matches!(l, Lane::Customer | Lane::Watcher))
            .collect();
        let hub = lanes.contains(&Lane::Orchestrator);
        let mut out = vec![];
        if self.narrow {
            // Left column then right column, row by row: the customer, the
            // orchestrator (or the watcher), then the services.
            let mut order: Vec<Lane> = edges;
            if hub {
                order.insert(1.min(order.len()), Lane::Orchestrator);
            }
            order.extend(services);
            let row_h = self.box_h + ROW_GAP;
            let mut slots = (0..).map(|i: usize| {
                let x = if i.is_multiple_of(2) {
                    8.0 + self.box_w / 2.0
                } else {
                    self.w - 8.0 - self.box_w / 2.0
                };
                (x, 8.0 + self.box_h / 2.0 + (i / 2) as f64 * row_h)
            });
            for l in order {
                let (x, y) = slots.next().expect("endless");
                out.push((l, x, y));
            }
            return out;
        }
        let mid = self.h / 2.0;
        let top = 8.0 + self.box_h / 2.0;
        let bottom = self.h - 8.0 - self.box_h / 2.0;
        for (i, l) in edges.iter().enumerate() {
            out.push((
                *l,
                8.0 + self.box_w / 2.0,
                if i == 0 { top } else { bottom },
            ));
        }
        if hub {
            out.push((Lane::Orchestrator, (self.box_w + 30.0 + self.w) / 2.0, mid));
        }
        // Services alternate above and below the bus, left to right.
        let n = services.len().max(1) as f64;
        let cols = (n / 2.0).ceil();
        let left = self.box_w + 30.0;
        let span = self.w - left - 8.0;
        for (i, l) in services.iter().enumerate() {
            let col = (i / 2) as f64;
            let x = left + (col + 0.5) * span / cols;
            out.push((*l, x, if i % 2 == 0 { top } else { bottom }));
        }
        out
    }

    /// The path a hop travels, from box edge to box edge.
    fn path(&self, mode: Mode, from: (f64, f64), to: (f64, f64)) -> Vec<(f64, f64)> {
        self.clip_ends(self.centre_path(mode, from, to))
    }

    /// A path between two boxes' centres, cut at the boxes' edges.
    fn clip_ends(&self, mut pts: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
        let n = pts.len();
        if n >= 2 {
            pts[0] = self.clip(pts[0], pts[1]);
            pts[n - 1] = self.clip(pts[n - 1], pts[n - 2]);
        }
        pts
    }

    /// How far past a box's edge a mark reaching `reach` from its centre must
    /// go, along the segment from the box's centre `c` towards `p`, to clear
    /// the box (leaving at a shallow angle, 12 px along the line was 6 px
    /// above the box: a token covered its top).
    fn clearance(&self, c: (f64, f64), p: (f64, f64), reach: f64) -> f64 {
        let len = ((p.0 - c.0).powi(2) + (p.1 - c.1).powi(2)).sqrt();
        if len < 1e-9 {
            return reach;
        }
        let (ux, uy) = ((p.0 - c.0).abs() / len, (p.1 - c.1).abs() / len);
        let (hw, hh) = (self.box_w / 2.0, self.box_h / 2.0);
        let over = |half: f64, u: f64| if u > 1e-9 { half / u } else { f64::INFINITY };
        let exit = over(hw, ux).min(over(hh, uy));
        let clear = over(hw + reach, ux).min(over(hh + reach, uy));
        clear - exit
    }

    /// Where the segment from a box's centre `c` towards `p` leaves the box.
    fn clip(&self, c: (f64, f64), p: (f64, f64)) -> (f64, f64) {
        let (dx, dy) = (p.0 - c.0, p.1 - c.1);
        let tx = if dx.abs() > 1e-9 {
            self.box_w / 2.0 / dx.abs()
        } else {
            f64::INFINITY
        };
        let ty = if dy.abs() > 1e-9 {
            self.box_h / 2.0 / dy.abs()
        } else {
            f64::INFINITY
        };
        let t = tx.min(ty).min(1.0);
        (c.0 + dx * t, c.1 + dy * t)
    }

    /// The path between two boxes' centres: onto the bus and along it
    /// (choreography), or straight.
    fn centre_path(&self, mode: Mode, from: (f64, f64), to: (f64, f64)) -> Vec<(f64, f64)> {
        match mode {
            // Narrow, commands too go by the gap between the columns: straight,
            // a command to the box under the orchestrator had 10 px to cross
            // and its token covered both boxes' counts.
            _ if self.narrow => {
                let bx = self.w / 2.0;
                vec![from, (bx, from.1), (bx, to.1), to]
            }
            Mode::Choreography => {
                let by = self.h / 2.0;
                vec![from, (from.0, by), (to.0, by), to]
            }
            Mode::Orchestration => vec![from, to],
        }
    }
}

fn at(places: &[(Lane, f64, f64)], lane: Lane) -> (f64, f64) {
    places
        .iter()
        .find(|(l, _, _)| *l == lane)
        .map_or((0.0, 0.0), |(_, x, y)| (*x, *y))
}

/// The point a fraction `p` along a polyline, between `insets` from its
/// start and its end: a token's disc leaves its box and arrives at the next
/// one whole, never over a box's counts (a command leaving the orchestrator
/// covered its "0◷ 4✓").
fn along(points: &[(f64, f64)], p: f64, insets: (f64, f64)) -> (f64, f64) {
    let lens: Vec<f64> = points
        .windows(2)
        .map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())
        .collect();
    let total: f64 = lens.iter().sum();
    // A path too short for both: its middle.
    let (a, b) = if insets.0 + insets.1 <= total {
        insets
    } else {
        (total / 2.0, total / 2.0)
    };
    let mut left = a + p.clamp(0.0, 1.0) * (total - a - b);
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

/// The stage of one side, as SVG markup, `width` CSS px wide.
///
/// `still` (reduced motion): a token is at its start, half way, or at its
/// end, in steps, never gliding.
pub fn stage_svg(
    sim: &ChoreoSim,
    lang: Lang,
    picked: Option<u32>,
    width: f64,
    still: bool,
) -> String {
    let model = sim.model();
    let mode = model.mode();
    let lanes = cv::lanes(model);
    let lay = Layout::for_width(width, lanes.len());
    let places = lay.place(&lanes);
    let now = sim.now();
    let now_ms = ms(now);
    let travel = travel_ms(sim);
    let mut m = Markup::new();
    m.open(
        "svg",
        &[
            ("class", "stage-svg choreo-svg"),
            ("viewBox", &format!("0 0 {:.0} {:.0}", lay.w, lay.h)),
            ("role", "img"),
            ("aria-label", t(lang, "choreo.stage.label")),
        ],
    );
    // The bus, or the orchestrator's spokes.
    // Marks drawn before the tokens that their labels keep off: the bus's
    // name ("order_placed" was printed over "bus de eventos").
    let mut fixed_marks: Vec<[f64; 4]> = vec![];
    match mode {
        Mode::Choreography => {
            let down = model.bus().is_down(now);
            let (a, b) = lay.bus();
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
                    ("x1", &num(a.0)),
                    ("y1", &num(a.1)),
                    ("x2", &num(b.0)),
                    ("y2", &num(b.1)),
                ],
            );
            // Each lane's tap onto the bus.
            for (_, x, y) in &places {
                let pts = lay.path(mode, (*x, *y), (*x, *y));
                let (p0, p1) = (pts[0], pts[1]);
                m.empty(
                    "line",
                    &[
                        ("class", "choreo-spoke"),
                        ("x1", &num(p0.0)),
                        ("y1", &num(p0.1)),
                        ("x2", &num(p1.0)),
                        ("y2", &num(p1.1)),
                    ],
                );
            }
            let label = t(
                lang,
                if down {
                    "choreo.stage.bus_down"
                } else {
                    "choreo.stage.bus"
                },
            );
            let (lx, ly, anchor) = if lay.narrow {
                (a.0, lay.h - 2.0, "middle")
            } else {
                (a.0 + lay.box_w / 2.0 + 8.0, a.1 - 6.0, "start")
            };
            // 12 px and bold: about a tenth wider than the 11 px measure.
            fixed_marks.push(label_box(lx, ly, anchor, text_width(label, 12.0) * 1.1));
            m.elem(
                "text",
                &[
                    (
                        "class",
                        if down {
                            "choreo-bus-label choreo-lane-down"
                        } else {
                            "choreo-bus-label"
                        },
                    ),
                    ("x", &num(lx)),
                    ("y", &num(ly)),
                    ("text-anchor", anchor),
                ],
                label,
            );
        }
        Mode::Orchestration => {
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
    // Trails first, then the boxes over them, then the tokens over everything.
    let since = SimTime::ZERO + SimDuration::from_ms_f64((now_ms - travel).max(0.0));
    let rows = cv::recent_rows(sim, since, 400);
    struct Token {
        order: u32,
        x: f64,
        y: f64,
        back: bool,
        lost_shown: bool,
        label: String,
    }
    let mut tokens: Vec<Token> = vec![];
    // Who has acted on which order in the rows after this one (the loop
    // walks back from the newest): one pass, not a scan per token.
    let mut acted: Vec<(u32, Lane)> = vec![];
    for row in rows.iter().rev() {
        let actor = match &row.kind {
            RowKind::Mark { lane, .. } => *lane,
            RowKind::Hop { from, .. } => *from,
        };
        'draw: {
            let RowKind::Hop {
                from,
                to,
                label,
                backward,
                lost,
            } = &row.kind
            else {
                break 'draw;
            };
            let age = (now_ms - ms(row.at)) / travel;
            if !(0.0..=1.0).contains(&age) {
                break 'draw;
            }
            let colour = order_colour(row.order);
            for target in to {
                if tokens.len() >= MAX_TOKENS {
                    break;
                }
                // Handled already (its listener has acted on the order since):
                // no longer on the bus. Tokens cross slower than messages do, to
                // be seen; paused at a moment, one still drawn after its
                // delivery read as a message in flight that was not.
                if !*lost && acted.contains(&(row.order, *target)) {
                    continue;
                }
                let (a, b) = (at(&places, *from), at(&places, *target));
                let centres = lay.centre_path(mode, a, b);
                let n = centres.len();
                let insets = if n >= 2 {
                    (
                        lay.clearance(centres[0], centres[1], TOKEN_REACH),
                        lay.clearance(centres[n - 1], centres[n - 2], TOKEN_REACH),
                    )
                } else {
                    (0.0, 0.0)
                };
                let pts = lay.clip_ends(centres);
                // A lost message stops on the bus, half way.
                let p = if *lost { (age * 2.0).min(0.5) } else { age };
                let p = if still {
                    ((p * 3.0).floor() / 2.0).min(1.0)
                } else {
                    p
                };
                let (x, y) = along(&pts, p, insets);
                let d: String = pts
                    .iter()
                    .enumerate()
                    .map(|(i, (x, y))| {
                        format!("{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, x, y)
                    })
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
                tokens.push(Token {
                    order: row.order,
                    x,
                    y,
                    back: *backward,
                    lost_shown: *lost && age >= 0.25,
                    label: short_label(lang, *label),
                });
            }
        }
        if !acted.contains(&(row.order, actor)) {
            acted.push((row.order, actor));
        }
    }
    for (lane, x, y) in &places {
        lane_box(&mut m, model, &lay, *lane, *x, *y, now, lang);
    }
    let labelled = tokens.len() <= LABELLED_TOKENS;
    // Labels first, the followed order's first: each where it overlaps no
    // box and no label placed before it, else left out (two commands leaving
    // the orchestrator read "notify the customerge the payment" over its box).
    let boxes: Vec<[f64; 4]> = places
        .iter()
        .map(|&(_, x, y)| {
            [
                x - lay.box_w / 2.0,
                y - lay.box_h / 2.0,
                x + lay.box_w / 2.0,
                y + lay.box_h / 2.0,
            ]
        })
        .collect();
    // Discs on one spot (an event to several listeners leaves together; two
    // orders on one hop at once) are fanned out, so every number is read.
    let mut spots: Vec<(f64, f64)> = tokens.iter().map(|t| (t.x, t.y)).collect();
    spread_discs(&mut spots, lay.w, lay.h, &boxes);
    for (t, (x, y)) in tokens.iter_mut().zip(spots) {
        (t.x, t.y) = (x, y);
    }
    // Every token's disc (a label never covers another order's number).
    let discs: Vec<[f64; 4]> = tokens
        .iter()
        .map(|t| [t.x - 10.0, t.y - 10.0, t.x + 10.0, t.y + 10.0])
        .collect();
    let mut taken: Vec<[f64; 4]> = fixed_marks.clone();
    // "✕ lost" first (what the event_lost preset is about): under its token,
    // else beside or above it, where it covers no box, token or other mark;
    // else clear of tokens and marks only; else under the token. Drawn at the
    // token's foot, it ran over the box the message was heading for
    // ('Pa✕perdida' over 'Pagamento').
    let lost_text = format!("✕ {}", t(lang, "choreo.stage.lost"));
    let lost_wide = text_width(&lost_text, 11.0);
    // Each box down to just under its name (a box with no queue has its
    // name at the middle, one with a queue above it): the rest of a box is
    // its counts.
    let names: Vec<[f64; 4]> = boxes
        .iter()
        .map(|b| [b[0], b[1], b[2], (b[1] + b[3]) / 2.0 + 8.0])
        .collect();
    // Where each token's mark goes, and whether it is the cross alone.
    let lost_at: Vec<Option<(Spot, bool)>> = tokens
        .iter()
        .map(|tk| {
            if !tk.lost_shown {
                return None;
            }
            let mut spots = token_label_spots(tk.x, tk.y, lost_wide, lay.w, lay.h);
            spots.rotate_right(1);
            let boxed = spot_boxes(spots, lost_wide);
            let spot = first_clear(&boxed, &[&taken, &discs, &boxes])
                .or_else(|| first_clear(&boxed, &[&taken, &discs, &names]));
            // Nowhere clear (half a phone, the boxes close together): the
            // cross alone (the stage's help says what ✕ is), where it is
            // clear, else where it covers no other mark; none if another
            // mark covers every spot (two lost copies of one event, side by side).
            let (at, b, short) = match spot {
                Some((at, b)) => (at, b, false),
                None => {
                    let cross = text_width("✕", 11.0);
                    let beside = [
                        (tk.x + 12.0, tk.y + 4.0, "start"),
                        (tk.x - 12.0, tk.y + 4.0, "end"),
                    ];
                    let spots = spot_boxes(
                        beside
                            .into_iter()
                            .chain(token_label_spots(tk.x, tk.y, cross, lay.w, lay.h)),
                        cross,
                    );
                    let (at, b) = first_clear(&spots, &[&taken, &discs, &names])?;
                    (at, b, true)
                }
            };
            taken.push(b);
            Some((at, short))
        })
        .collect();
    let mut labelled_as: Vec<(u32, String)> = vec![];
    let mut label_at: Vec<Option<(f64, f64, &'static str)>> = vec![None; tokens.len()];
    let mut order: Vec<usize> = (0..tokens.len())
        .filter(|&i| labelled || picked == Some(tokens[i].order))
        .collect();
    order.sort_by_key(|&i| picked != Some(tokens[i].order));
    for i in order {
        let tk = &tokens[i];
        let wide = text_width(&tk.label, 11.0);
        let spots = spot_boxes(token_label_spots(tk.x, tk.y, wide, lay.w, lay.h), wide);
        let followed = picked == Some(tk.order);
        // One label per message: a copy of the same event to another
        // listener says nothing new ("delivery_cancelled" twice, across
        // two boxes).
        if !followed
            && labelled_as
                .iter()
                .any(|(o, l)| *o == tk.order && *l == tk.label)
        {
            continue;
        }
        // Clear of boxes, tokens and labels ("charge the payment" ran over
        // token 1 while a spot beside it was free); else clear of tokens and
        // labels, over a box on its halo — but not in half a phone, where
        // the boxes fill the drawing ("cobrar el pago" covered the Pagos
        // box): there only the followed order's label goes over one. The
        // followed order's label shows anyway, else clear of labels only.
        let over_box_ok = followed || !lay.narrow;
        let spot = first_clear(&spots, &[&taken, &discs, &boxes])
            .or_else(|| {
                over_box_ok
                    .then(|| first_clear(&spots, &[&taken, &discs]))
                    .flatten()
            })
            .or_else(|| followed.then(|| first_clear(&spots, &[&taken])).flatten());
        if spot.is_some() {
            labelled_as.push((tk.order, tk.label.clone()));
        }
        if let Some((at, b)) = spot {
            taken.push(b);
            label_at[i] = Some(at);
        } else if picked == Some(tk.order) {
            // The followed order's label always shows: off the bus's name
            // if it can be, else at its first spot.
            label_at[i] = first_clear(&spots, &[&fixed_marks])
                .map(|(at, _)| at)
                .or_else(|| spots.first().map(|(at, _)| *at));
        }
    }
    for ((tk, label_at), lost_at) in tokens.iter().zip(label_at).zip(lost_at) {
        let colour = order_colour(tk.order);
        m.open(
            "g",
            &[
                (
                    "class",
                    if tk.back {
                        "choreo-token choreo-token--back"
                    } else {
                        "choreo-token"
                    },
                ),
                ("data-order", &tk.order.to_string()),
                ("data-testid", "token"),
                ("style", &format!("--order:{colour}")),
            ],
        );
        let (tx, ty) = (tk.x, tk.y);
        if tk.back {
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
            m.empty(
                "circle",
                &[("cx", &num(tx)), ("cy", &num(ty)), ("r", TOKEN_R_TEXT)],
            );
        }
        m.elem(
            "text",
            &[
                ("class", "choreo-token-id"),
                ("x", &num(tx)),
                ("y", &num(ty + 3.5)),
                ("text-anchor", "middle"),
            ],
            &(tk.order + 1).to_string(),
        );
        if let Some((lx, ly, anchor)) = label_at {
            m.elem(
                "text",
                &[
                    ("class", "choreo-token-label"),
                    ("x", &num(lx)),
                    ("y", &num(ly)),
                    ("text-anchor", anchor),
                ],
                &tk.label,
            );
        }
        if let Some(((lx, ly, anchor), short)) = lost_at {
            m.elem(
                "text",
                &[
                    ("class", "choreo-lost"),
                    ("x", &num(lx)),
                    ("y", &num(ly)),
                    ("text-anchor", anchor),
                ],
                if short { "✕" } else { &lost_text },
            );
        }
        m.close("g");
    }
    m.close("svg");
    m.finish()
}

/// One lane's box: its name, its queue and what it has done, DOWN in an outage.
#[allow(clippy::too_many_arguments)]
fn lane_box(
    m: &mut Markup,
    model: &ChoreoModel,
    lay: &Layout,
    lane: Lane,
    x: f64,
    y: f64,
    now: SimTime,
    lang: Lang,
) {
    let down = cv::is_down(model, lane, now);
    let (queued, busy) = cv::queue_depth(model, lane);
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
    let (bw, bh) = (lay.box_w, lay.box_h);
    m.open("g", &[("class", "choreo-lane"), ("data-lane", key)]);
    m.empty(
        "rect",
        &[
            ("class", class),
            ("x", &num(x - bw / 2.0)),
            ("y", &num(y - bh / 2.0)),
            ("width", &num(bw)),
            ("height", &num(bh)),
            ("rx", "8"),
        ],
    );
    let has_queue = matches!(lane, Lane::Service(_) | Lane::Orchestrator);
    let name = t(
        lang,
        if lay.narrow || lay.box_w < 135.0 {
            lane.short_key()
        } else {
            lane.name_key()
        },
    );
    // A name wider than its box (Spanish in half a phone: "Notificaciones")
    // gets a smaller type, down to 9 px, then is fitted to the box.
    // Bold: about 15 % wider than `text_width`'s average glyph ("Pagamento"
    // ran past its box on a phone).
    let room = bw - 8.0;
    let bold = |px: f64| text_width(name, px) * 1.15;
    let wide = bold(12.0);
    let fit = if wide > room {
        let px = (12.0 * room / wide).max(9.0);
        let mut style = format!("font-size:{}px", engine::num::Fixed(px, 1));
        if bold(px) > room {
            style.push_str(";letter-spacing:-0.3px");
        }
        Some((style, bold(px) > room))
    } else {
        None
    };
    let y_name = num(if has_queue { y - 4.0 } else { y + 4.0 });
    let x_name = num(x);
    let room_text = num(room);
    let mut attrs: Vec<(&str, &str)> = vec![
        ("class", "choreo-lane-name"),
        ("x", &x_name),
        ("y", &y_name),
        ("text-anchor", "middle"),
    ];
    if let Some((style, squeeze)) = &fit {
        attrs.push(("style", style));
        if *squeeze {
            attrs.push(("textLength", &room_text));
            attrs.push(("lengthAdjust", "spacingAndGlyphs"));
        }
    }
    m.elem("text", &attrs, name);
    if has_queue {
        let line = if down {
            t(lang, "choreo.stage.down").to_string()
        } else {
            tf(
                lang,
                // Narrow boxes (a phone, or the larger flow's eight lanes) get the short counts.
                if lay.narrow || lay.box_w < 110.0 {
                    "choreo.stage.queue_short"
                } else {
                    "choreo.stage.queue"
                },
                &[
                    ("queued", &(queued + busy as usize)),
                    ("done", &cv::processed(model, lane)),
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
                ("x", &num(x)),
                ("y", &num(y + 11.0)),
                ("text-anchor", "middle"),
            ],
            &line,
        );
        // The queue as a bar: 3 px per message waiting, up to the box's width.
        let bar = (queued as f64 * 3.0).min(bw - 12.0);
        if bar > 0.0 {
            m.empty(
                "rect",
                &[
                    ("class", "choreo-queue-bar"),
                    ("x", &num(x - bw / 2.0 + 6.0)),
                    ("y", &num(y + bh / 2.0 - 4.0)),
                    ("width", &num(bar)),
                    ("height", "3"),
                ],
            );
        }
    }
    m.close("g");
}

/// The compact embed's key under the drawing: a token is a message of its
/// order, and, once the run has any, what a diamond and a ✕ are.
pub fn compact_key_text(
    stats: &engine::labs::choreography::stats::ChoreoStats,
    lang: Lang,
) -> String {
    let mut text = t(lang, "choreo.stage.help_compact").to_string();
    for (any, key) in [
        (stats.compensations > 0, "choreo.stage.help_compact_back"),
        (stats.lost > 0, "choreo.stage.help_compact_lost"),
    ] {
        if any {
            text.push(' ');
            text.push_str(t(lang, key));
        }
    }
    text
}

/// The stage of one side; a click on a token picks its order.
#[component]
pub fn ChoreoStage(view: ChoreoView, side: usize) -> impl IntoView {
    let picked = picked();
    let node = NodeRef::<leptos::html::Div>::new();
    let width = crate::charts::use_element_width(node, 560.0);
    let still = crate::charts::prefers_reduced_motion();
    let svg = move || {
        let lang = view.lang.get();
        let p = picked.get();
        let w = width.get();
        view.with(|run| {
            run.sides
                .get(side)
                .map(|sim| stage_svg(sim, lang, p, w, still))
                .unwrap_or_default()
        })
    };
    // The embed's one-line key, with the diamond's and the ✕'s meaning once
    // the run has drawn any (double_refund's lesson is in its diamonds,
    // event_lost's in its ✕).
    let compact_key = move || {
        let lang = view.lang.get();
        view.with(|run| {
            let Some(sim) = run.sides.get(side) else {
                return String::new();
            };
            compact_key_text(sim.model().stats(), lang)
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
        // The orders' status first: the count that tells the two sides apart.
        <StatusStrip view=view side=side />
        <figure class="choreo-stage" data-testid=format!("choreo-stage-{side}")>
            <div class="stage-plot" node_ref=node inner_html=svg on:click=on_click></div>
            <figcaption class="help">{tr("choreo.stage.help")}</figcaption>
            // The compact embed's one line: a number on a token reads as a count without it.
            <figcaption class="help compact-help" data-testid="choreo-stage-key">{compact_key}</figcaption>
        </figure>
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
            tn(lang, &format!("choreo.status.{}", s.key()), n, &[])
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
                        tn(lang, &format!("choreo.status.{}", s.key()), 1, &[])
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
                tn(
                    lang,
                    &format!("choreo.status.{}", s.key()),
                    counts[s.index()],
                    &[]
                )
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

/// Where a token's label may go, best first: beside the token on the side
/// where it fits in a drawing `w` wide (the right in the drawing's left
/// part), then centred above it, then below, kept inside the drawing.
fn token_label_spots(tx: f64, ty: f64, wide: f64, w: f64, h: f64) -> Vec<(f64, f64, &'static str)> {
    let right = (tx + 12.0 + wide <= w - 2.0).then_some((tx + 12.0, ty - 9.0, "start"));
    let left = (tx - 12.0 - wide >= 2.0).then_some((tx - 12.0, ty - 9.0, "end"));
    let half = wide / 2.0 + 2.0;
    let cx = (tx.max(half)).min(w - half).max(0.0);
    let sides = if tx < w * 0.6 {
        [right, left]
    } else {
        [left, right]
    };
    sides
        .into_iter()
        .flatten()
        .chain([(cx, ty - 13.0, "middle"), (cx, ty + 22.0, "middle")])
        // Inside the drawing: a label above a token at the top was cut off
        // ("inventory_reserved" over Inventory, in a course page's frame).
        .filter(|&(_, y, _)| y - 10.0 >= 0.0 && y + 3.0 <= h)
        .collect()
}

/// A label's place: x, y and its text-anchor.
type Spot = (f64, f64, &'static str);

/// Each spot with the box a label `wide` px wide covers there.
fn spot_boxes(spots: impl IntoIterator<Item = Spot>, wide: f64) -> Vec<(Spot, [f64; 4])> {
    spots
        .into_iter()
        .map(|(x, y, anchor)| ((x, y, anchor), label_box(x, y, anchor, wide)))
        .collect()
}

/// The first spot whose box overlaps nothing in any of `avoid`.
fn first_clear(spots: &[(Spot, [f64; 4])], avoid: &[&[[f64; 4]]]) -> Option<(Spot, [f64; 4])> {
    spots
        .iter()
        .find(|(_, b)| avoid.iter().all(|of| !of.iter().any(|t| overlap(t, b))))
        .copied()
}

/// The box `[x0, y0, x1, y1]` an 11 px label `wide` px wide covers, drawn
/// at (`x`, `y`) with `anchor`.
fn label_box(x: f64, y: f64, anchor: &str, wide: f64) -> [f64; 4] {
    let x0 = match anchor {
        "start" => x,
        "end" => x - wide,
        _ => x - wide / 2.0,
    };
    [x0, y - 10.0, x0 + wide, y + 3.0]
}

/// Two discs closer than this (CSS px) cover each other's number.
const DISC_APART: f64 = 15.0;

/// Moves each disc that covers an earlier one's number to the nearest free
/// spot up to three discs away (inside the `w`×`h` drawing, onto none of the
/// `boxes` it was not on), in order: the first keeps its place. One with no
/// free spot near stays where it was.
pub fn spread_discs(discs: &mut [(f64, f64)], w: f64, h: f64, boxes: &[[f64; 4]]) {
    // Spots on a 4 px grid up to three discs away, nearest first (on a
    // crowded bus the free one is often between two others, not a whole
    // disc away).
    // Built at the first disc that needs it: most frames have none (the
    // stage is drawn every frame).
    let mut nudges: Vec<(f64, f64)> = Vec::new();
    for i in 1..discs.len() {
        let (x, y) = discs[i];
        let clear = |p: (f64, f64)| {
            discs[..i]
                .iter()
                .all(|q| (q.0 - p.0).hypot(q.1 - p.1) >= DISC_APART)
        };
        if clear((x, y)) {
            continue;
        }
        if nudges.is_empty() {
            let reach = 3.0 * DISC_APART;
            nudges = (-12..=12)
                .flat_map(|i| (-12..=12).map(move |j| (i as f64 * 4.0, j as f64 * 4.0)))
                .filter(|&(x, y)| (x, y) != (0.0, 0.0) && x.hypot(y) <= reach)
                .collect();
            nudges.sort_by(|a, b| a.0.hypot(a.1).total_cmp(&b.0.hypot(b.1)));
        }
        let inside = |p: &(f64, f64)| p.0 >= 9.0 && p.0 <= w - 9.0 && p.1 >= 9.0 && p.1 <= h - 9.0;
        // A compensation's diamond reaches 11.3 px from its centre. A disc
        // moves onto no box it was not on already (in half a phone the bus
        // runs between two boxes narrower than a disc: it moves along it).
        // Else its number (5 px round its centre) at least stays off them.
        let on =
            |p: (f64, f64), b: &[f64; 4], r: f64| overlap(b, &[p.0 - r, p.1 - r, p.0 + r, p.1 + r]);
        let off_boxes =
            |p: &(f64, f64), r: f64| boxes.iter().all(|b| !on(*p, b, r) || on((x, y), b, 11.5));
        let spots = || nudges.iter().map(|(dx, dy)| (x + dx, y + dy));
        if let Some(p) = spots()
            .find(|p| inside(p) && off_boxes(p, 11.5) && clear(*p))
            .or_else(|| spots().find(|p| inside(p) && off_boxes(p, 5.0) && clear(*p)))
        {
            discs[i] = p;
        }
    }
}

/// Whether boxes `[x0, y0, x1, y1]` overlap.
fn overlap(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

//! The stage: one side's transfer at a glance, in fixed places.
//!
//! * The progress bar: chunks done, failed, in progress, waiting.
//! * The metadata server: up or down, what its heartbeats say (suspect,
//!   dead), the chunks short of replicas, copies under way, chunks lost.
//! * The replica matrix: one column per storage node, its head the node
//!   strip (up or down, a heartbeat dot, the suspicion timer filling towards
//!   *suspect* and *dead*, drawn differently); one row per chunk, each cell
//!   healthy, corrupt, missing or cloning, and left of it the chunk's attempt
//!   marks (first try, retries; ok, failed, given up). A window of rows
//!   follows the workers, so the drawing's size does not grow with the file:
//!   SVG written as text for up to [`SVG_MAX_NODES`] nodes, a `<canvas>` for
//!   larger clusters (10,000 chunks × 50 nodes).
//! * The workers as lanes: each one's chunk and phase, and a stacked bar of
//!   where its time went (transfer, backoff, waiting for the metadata server).

use super::ReplicaView;
use crate::charts::{fmt_count, fmt_countdown, fmt_ms};
use crate::i18n::{tr, tr_fit};
use crate::markup::{num, text_width, Markup};
use engine::i18n::{t, tf};
use engine::labs::replica::view::{self as rv, Cell, Mark, NodeView};
use engine::labs::replica::ReplicaSim;
use engine::patterns::detector::Health;
use engine::Lang;
use leptos::prelude::*;

/// Chunk rows the SVG matrix draws at most.
pub const SVG_ROWS: usize = 16;
/// Chunk rows the canvas matrix draws at most.
pub const CANVAS_ROWS: usize = 60;
/// Nodes beyond this many are drawn on a canvas.
pub const SVG_MAX_NODES: u32 = 16;
/// Worker lanes drawn at most.
pub const MAX_LANES: usize = 8;
/// Attempt marks drawn per row at most.
const MAX_MARKS: usize = 6;

const HEAD: f64 = 64.0;
const LABEL_W: f64 = 34.0;
const MARK_W: f64 = 13.0;

fn ms_of(sim: &ReplicaSim) -> f64 {
    sim.now().as_micros() as f64 / 1000.0
}

/// Whether side `sim` is drawn on a canvas.
pub fn uses_canvas(sim: &ReplicaSim) -> bool {
    sim.model().config().nodes.count > SVG_MAX_NODES
}

/// Where the matrix's pieces go for a drawing `w` CSS px wide.
///
/// With racks, the node columns are grouped by rack (node i is in rack
/// i mod racks: rack 1 holds nodes 1, 4, 7… of three racks), a gap between
/// groups: a rack that fails is one block of down columns, and a chunk's
/// replicas spread over the blocks.
#[derive(Clone, Copy, Debug)]
struct Grid {
    left: f64,
    cell_w: f64,
    row_h: f64,
    /// Attempt marks a row has room for (its latest ones are drawn).
    marks: usize,
    nodes: u32,
    racks: u32,
}

/// The gap between two racks' groups of columns (CSS px).
const RACK_GAP: f64 = 6.0;
/// The row of rack names above the node numbers (SVG matrix, racks only).
const RACK_ROW: f64 = 14.0;

/// The narrowest node column that still shows its number.
const NUMBERED_CELL_W: f64 = 14.0;

impl Grid {
    fn new(w: f64, nodes: u32, racks: u32, marks: usize, row_h: f64) -> Grid {
        let racks = racks.clamp(1, nodes.max(1));
        let gaps = RACK_GAP * (racks - 1) as f64;
        let cell = |marks: usize| {
            let left = LABEL_W + MARK_W * marks as f64 + 4.0;
            (
                left,
                ((w - left - 4.0 - gaps) / nodes.max(1) as f64).clamp(3.0, 72.0),
            )
        };
        // Room for every attempt the client may make, unless that leaves the
        // node columns too thin for their numbers: in half a phone, five
        // attempts' room took A's numbers while B (three) kept its own.
        let mut marks = marks.clamp(1, MAX_MARKS);
        while marks > 2 && cell(marks).1 < NUMBERED_CELL_W {
            marks -= 1;
        }
        let (left, cell_w) = cell(marks);
        Grid {
            left,
            cell_w,
            row_h,
            marks,
            nodes,
            racks,
        }
    }
    /// Nodes in rack `r` (0-based).
    fn rack_size(&self, r: u32) -> u32 {
        (self.nodes + self.racks - 1 - r) / self.racks
    }
    /// The left edge of node `n`'s column (0-based), its rack's group kept together.
    fn x(&self, n: usize) -> f64 {
        let n = n as u32;
        let r = n % self.racks;
        let before: u32 = (0..r).map(|q| self.rack_size(q)).sum();
        let pos = before + n / self.racks;
        self.left + pos as f64 * self.cell_w + r as f64 * RACK_GAP
    }
    /// Rack `r`'s group: from its first column's left edge to its last's right.
    fn rack_span(&self, r: u32) -> (f64, f64) {
        let first = self.x(r as usize);
        (first, first + self.rack_size(r) as f64 * self.cell_w)
    }
}

fn health_key(h: Health) -> &'static str {
    match h {
        Health::Alive => "alive",
        Health::Suspect => "suspect",
        Health::Dead => "dead",
    }
}

/// A node's sentence (its column head's text alternative).
fn node_sentence(lang: Lang, n: usize, v: &NodeView, windows: &[(u64, u64)]) -> String {
    let mut s = tf(
        lang,
        "replica.node.sentence",
        &[
            ("node", &format!("node_{}", n + 1)),
            (
                "state",
                &t(
                    lang,
                    if v.up {
                        "replica.node.up"
                    } else {
                        "replica.node.down"
                    },
                ),
            ),
            (
                "health",
                &t(lang, &format!("replica.health.{}", health_key(v.health))),
            ),
            ("silence", &fmt_ms(lang, v.silence_ms)),
            ("replicas", &v.replicas),
            ("failures", &v.failures),
        ],
    );
    if v.breaker_open {
        s.push_str(" · ");
        s.push_str(t(lang, "replica.node.breaker_open"));
    }
    if v.reported && v.health == Health::Alive {
        s.push_str(" · ");
        s.push_str(t(lang, "replica.node.reported"));
    }
    if v.slow {
        s.push_str(" · ");
        s.push_str(t(lang, "replica.node.slow"));
    }
    for (from, to) in windows {
        s.push_str(" · ");
        s.push_str(&tf(
            lang,
            "replica.node.outage",
            &[
                ("from", &fmt_ms(lang, *from as f64)),
                ("to", &fmt_ms(lang, *to as f64)),
            ],
        ));
    }
    s
}

/// The matrix (node strip on top) as SVG text: `rows` chunk rows from the window.
pub fn matrix_svg(sim: &ReplicaSim, lang: Lang, width: f64) -> String {
    let m = sim.model();
    let c = m.config();
    let now = sim.now();
    let nodes = rv::nodes(m, now);
    let up = rv::nodes_up(m, now);
    let rows = SVG_ROWS.min(m.chunks.len());
    let start = rv::window_start(m, rows);
    let attempts = m.side().retry.max_attempts as usize;
    let g = Grid::new(width, c.nodes.count, c.nodes.racks, attempts, 18.0);
    let hb = &c.metadata.heartbeat;
    // With racks, a row of their names above everything else.
    let rack_row = if g.racks > 1 { RACK_ROW } else { 0.0 };
    let h = rack_row + HEAD + rows as f64 * g.row_h + 4.0;
    let w = width.max(160.0);
    let mut s = Markup::new();
    s.open(
        "svg",
        &[
            ("class", "replica-svg"),
            ("viewBox", &format!("0 0 {} {}", num(w), num(h))),
            ("width", &num(w)),
            ("height", &num(h)),
            ("role", "img"),
            ("aria-label", &matrix_sentence(sim, lang, start, rows)),
        ],
    );
    if g.racks > 1 {
        for r in 0..g.racks {
            let (a, b) = g.rack_span(r);
            let name = tf(lang, "replica.stage.rack", &[("n", &(r + 1))]);
            // "rack 2" where it fits, else "2" (the bracket still groups).
            let text = if text_width(&name, 10.0) + 4.0 <= b - a {
                name
            } else {
                (r + 1).to_string()
            };
            s.open(
                "g",
                &[
                    ("class", "replica-rack"),
                    ("data-rack", &(r + 1).to_string()),
                ],
            );
            s.empty(
                "path",
                &[
                    ("class", "replica-rack-bracket"),
                    ("d", &format!("M{} 13V10H{}V13", num(a + 1.0), num(b - 1.0))),
                ],
            );
            s.elem(
                "text",
                &[
                    ("class", "replica-rack-name"),
                    ("x", &num((a + b) / 2.0)),
                    ("y", "8"),
                    ("text-anchor", "middle"),
                ],
                &text,
            );
            s.close("g");
        }
        s.open(
            "g",
            &[("transform", &format!("translate(0 {})", num(rack_row)))],
        );
    }
    // The node strip.
    s.elem(
        "text",
        &[("class", "replica-head-label"), ("x", "0"), ("y", "12")],
        t(lang, "replica.stage.node"),
    );
    s.elem(
        "text",
        &[("class", "replica-head-label"), ("x", "0"), ("y", "46")],
        t(lang, "replica.stage.silence"),
    );
    let cw = g.cell_w;
    for (n, v) in nodes.iter().enumerate() {
        let x = g.x(n);
        let cx = x + cw / 2.0;
        s.open(
            "g",
            &[
                (
                    "class",
                    &format!(
                        "replica-node h-{} {}",
                        health_key(v.health),
                        if v.up { "up" } else { "down" }
                    ),
                ),
                ("data-node", &(n + 1).to_string()),
                ("data-health", health_key(v.health)),
                ("data-up", if v.up { "1" } else { "0" }),
            ],
        );
        s.elem(
            "title",
            &[],
            &node_sentence(lang, n, v, &m.node_windows(n as u32)),
        );
        if cw >= NUMBERED_CELL_W {
            s.elem(
                "text",
                &[
                    ("class", "replica-node-name"),
                    ("x", &num(cx)),
                    ("y", "12"),
                    ("text-anchor", "middle"),
                ],
                &(n + 1).to_string(),
            );
        }
        // This side's breaker open on the node: beside its number ("⚡", as
        // the log writes it; drawn as text, not the colour emoji).
        if v.breaker_open {
            s.elem(
                "text",
                &[
                    ("class", "replica-breaker-mark"),
                    ("x", &num(if cw >= 28.0 { cx + 6.0 } else { cx })),
                    ("y", "12"),
                    ("text-anchor", if cw >= 28.0 { "start" } else { "middle" }),
                ],
                "\u{26A1}\u{FE0E}",
            );
        }
        // The world's truth, which the metadata server learns only from
        // silence: down, or slow (a "grey" node is up and answers, late;
        // nothing else told the student which column it was).
        let truth = if !v.up {
            Some((
                "replica-node-down",
                if cw >= 34.0 {
                    t(lang, "replica.node.down")
                } else {
                    "↓"
                },
            ))
        } else if v.slow && cw >= 34.0 {
            Some(("replica-node-slow", t(lang, "replica.node.slow_short")))
        } else {
            None
        };
        if let Some((class, word)) = truth {
            s.elem(
                "text",
                &[
                    ("class", class),
                    ("x", &num(cx)),
                    ("y", &num(HEAD - 4.0)),
                    ("text-anchor", "middle"),
                ],
                word,
            );
        }
        // The metadata server's verdict: alive a dot, suspect a dashed ring with "?", dead a cross.
        let r = (cw / 2.0 - 2.0).clamp(2.0, 7.0);
        // A verdict's disc, and its mark inside when there is room.
        let disc = |s: &mut Markup, class: &str, mark: Option<(&str, &str)>| {
            s.empty(
                "circle",
                &[
                    ("class", class),
                    ("cx", &num(cx)),
                    ("cy", "23"),
                    ("r", &num(r)),
                ],
            );
            if let Some((class, text)) = mark.filter(|_| r >= 5.0) {
                s.elem(
                    "text",
                    &[
                        ("class", class),
                        ("x", &num(cx)),
                        ("y", "27"),
                        ("text-anchor", "middle"),
                    ],
                    text,
                );
            }
        };
        match v.health {
            // Reported by a client: still alive to the heartbeats, but the
            // metadata server already routes around it ("⚑": "!" is a
            // corrupt copy's and a given-up chunk's mark).
            Health::Alive if v.reported => disc(
                &mut s,
                "replica-reported",
                Some(("replica-reported-mark", "⚑")),
            ),
            Health::Alive => disc(&mut s, "replica-alive", None),
            Health::Suspect => disc(&mut s, "replica-suspect", Some(("replica-suspect-q", "?"))),
            Health::Dead => {
                let (a, b) = (num(cx - r), num(cx + r));
                let (top, bottom) = (num(23.0 - r), num(23.0 + r));
                s.empty(
                    "path",
                    &[
                        ("class", "replica-dead"),
                        (
                            "d",
                            &format!("M{a} {top}L{b} {bottom}M{b} {top}L{a} {bottom}"),
                        ),
                    ],
                );
            }
        }
        // The suspicion timer: silence so far, against the suspect and dead marks.
        let bar_h = 18.0;
        let y0 = 32.0;
        let full = hb.dead_after_ms as f64 * 1.1;
        let fill = (v.silence_ms / full).clamp(0.0, 1.0) * bar_h;
        let bw = (cw - 4.0).clamp(2.0, 12.0);
        s.empty(
            "rect",
            &[
                ("class", "replica-timer-bg"),
                ("x", &num(cx - bw / 2.0)),
                ("y", &num(y0)),
                ("width", &num(bw)),
                ("height", &num(bar_h)),
            ],
        );
        let past = if v.silence_ms >= hb.dead_after_ms as f64 {
            "dead"
        } else if v.silence_ms >= hb.suspect_after_ms as f64 {
            "suspect"
        } else {
            "ok"
        };
        s.empty(
            "rect",
            &[
                ("class", &format!("replica-timer t-{past}")),
                ("x", &num(cx - bw / 2.0)),
                ("y", &num(y0 + bar_h - fill)),
                ("width", &num(bw)),
                ("height", &num(fill)),
            ],
        );
        for (at, class) in [
            (hb.suspect_after_ms, "replica-mark-suspect"),
            (hb.dead_after_ms, "replica-mark-dead"),
        ] {
            let y = y0 + bar_h - at as f64 / full * bar_h;
            s.empty(
                "line",
                &[
                    ("class", class),
                    ("x1", &num(cx - bw / 2.0 - 1.5)),
                    ("x2", &num(cx + bw / 2.0 + 1.5)),
                    ("y1", &num(y)),
                    ("y2", &num(y)),
                ],
            );
        }
        // A node that is down: its whole column hatched.
        if !v.up {
            s.empty(
                "rect",
                &[
                    ("class", "replica-col-down"),
                    ("x", &num(x + 0.5)),
                    ("y", &num(HEAD - 2.0)),
                    ("width", &num(cw - 1.0)),
                    ("height", &num(rows as f64 * g.row_h + 2.0)),
                ],
            );
        }
        s.close("g");
    }
    // The chunk rows.
    for (i, chunk) in (start..start + rows).enumerate() {
        let y = HEAD + i as f64 * g.row_h;
        let ch = &m.chunks[chunk];
        let working = m.workers.iter().any(|w| w.chunk == Some(chunk as u32));
        s.open(
            "g",
            &[
                (
                    "class",
                    if working {
                        "replica-row working"
                    } else {
                        "replica-row"
                    },
                ),
                ("data-chunk", &chunk.to_string()),
                ("data-status", rv::STATUS_KEYS[status_idx(ch.status)]),
            ],
        );
        if working {
            s.empty(
                "rect",
                &[
                    ("class", "replica-row-hl"),
                    ("x", "0"),
                    ("y", &num(y)),
                    ("width", &num(w)),
                    ("height", &num(g.row_h)),
                ],
            );
        }
        s.elem(
            "text",
            &[
                ("class", "replica-chunk-label"),
                ("x", "2"),
                ("y", &num(y + 13.0)),
            ],
            &format!("#{chunk}"),
        );
        let marks = rv::marks(m, chunk);
        let shown = marks.len().min(g.marks);
        for (k, mark) in marks.iter().enumerate().skip(marks.len() - shown) {
            let slot = k + shown - marks.len();
            let mx = LABEL_W + slot as f64 * MARK_W;
            s.open(
                "g",
                &[
                    (
                        "class",
                        &format!(
                            "replica-mark m-{} {}",
                            mark.key(),
                            if k == 0 { "first" } else { "retry" }
                        ),
                    ),
                    ("data-mark", mark.key()),
                ],
            );
            s.empty(
                "rect",
                &[
                    ("x", &num(mx)),
                    ("y", &num(y + 3.0)),
                    ("width", &num(MARK_W - 2.0)),
                    ("height", &num(g.row_h - 6.0)),
                    ("rx", if k == 0 { "6" } else { "1.5" }),
                ],
            );
            s.elem(
                "text",
                &[
                    ("x", &num(mx + (MARK_W - 2.0) / 2.0)),
                    ("y", &num(y + 12.5)),
                    ("text-anchor", "middle"),
                ],
                mark_glyph(*mark),
            );
            s.close("g");
        }
        for (n, cell) in rv::row(m, chunk, &up).into_iter().enumerate() {
            if cell == Cell::Empty {
                continue;
            }
            let x = g.x(n);
            s.empty(
                "rect",
                &[
                    ("class", &format!("replica-cell c-{}", cell.key())),
                    ("data-cell", cell.key()),
                    ("data-node", &(n + 1).to_string()),
                    ("x", &num(x + 1.5)),
                    ("y", &num(y + 2.5)),
                    ("width", &num((cw - 3.0).max(1.0))),
                    ("height", &num(g.row_h - 5.0)),
                ],
            );
            if matches!(cell, Cell::Corrupt | Cell::Dropped) && cw >= 10.0 {
                s.elem(
                    "text",
                    &[
                        (
                            "class",
                            if cell == Cell::Dropped {
                                "replica-cell-glyph dropped"
                            } else {
                                "replica-cell-glyph"
                            },
                        ),
                        ("x", &num(x + cw / 2.0)),
                        ("y", &num(y + 13.0)),
                        ("text-anchor", "middle"),
                    ],
                    "!",
                );
            }
        }
        s.close("g");
    }
    if g.racks > 1 {
        s.close("g");
    }
    s.close("svg");
    s.finish()
}

/// Height of one node's row in the node panel.
pub const NODE_ROW: f64 = 22.0;
/// The node panel's head (the gauge's threshold labels, the timeline's axis).
const NODE_HEAD: f64 = 30.0;

/// Where the node panel's columns go for a drawing `w` CSS px wide.
#[derive(Clone, Copy, Debug)]
pub struct NodeCols {
    pub name_w: f64,
    pub gauge_x: f64,
    pub gauge_w: f64,
    pub value_x: f64,
    pub line_x: f64,
    pub line_w: f64,
    /// The timelines have rows of their own, under the gauges (half a phone).
    pub stacked: bool,
}

impl NodeCols {
    /// One row per node, whatever the width (the canvas of a large cluster).
    pub fn new(w: f64) -> NodeCols {
        NodeCols::layout(w, w, false)
    }

    /// The columns of a drawing `w` px wide of which `visible` px show at
    /// once: in half a phone (under 300 px) the names, gauges and silences
    /// are packed into what shows, and the timelines go under them, as wide
    /// as what shows (beside the gauges they lay past the card's edge, with
    /// the clock's "now" out of sight).
    pub fn fit(w: f64, visible: f64) -> NodeCols {
        NodeCols::layout(w, visible, true)
    }

    fn layout(w: f64, visible: f64, may_stack: bool) -> NodeCols {
        let tiny = visible < 300.0;
        let name_w = if tiny { 58.0 } else { 72.0 };
        let gauge_w = if tiny {
            (visible - name_w - 4.0 - 48.0 - 8.0).clamp(56.0, 96.0)
        } else {
            (w * 0.32).clamp(96.0, 240.0)
        };
        let gauge_x = name_w;
        let value_x = gauge_x + gauge_w + 4.0;
        if tiny && may_stack {
            return NodeCols {
                name_w,
                gauge_x,
                gauge_w,
                value_x,
                line_x: name_w,
                line_w: (visible - name_w - 4.0).max(40.0),
                stacked: true,
            };
        }
        let line_x = value_x + 44.0;
        NodeCols {
            name_w,
            gauge_x,
            gauge_w,
            value_x,
            line_x,
            line_w: (w - line_x - 4.0).max(40.0),
            stacked: false,
        }
    }
}

/// The timeline's span of time: 0 to now (at least a second), so it fills as the run goes.
fn timeline_ms(sim: &ReplicaSim) -> f64 {
    ms_of(sim).max(1_000.0)
}

/// The node panel as SVG text: per node, the metadata server's silence timer
/// (a gauge with its suspect and dead thresholds marked and labelled, the
/// silence written beside it) and its timeline up to now (really down above,
/// the metadata server's suspect and dead verdicts below).
pub fn nodes_svg(sim: &ReplicaSim, lang: Lang, width: f64) -> String {
    let m = sim.model();
    let now = sim.now();
    let hb = &m.config().metadata.heartbeat;
    let views = rv::nodes(m, now);
    // In half a phone the timelines go under the gauges, as wide as the card.
    let fitted = NodeCols::fit(width, width);
    let w = if fitted.stacked {
        width.max(160.0)
    } else {
        width.max(240.0).max(fitted.line_x + 120.0)
    };
    let c = NodeCols::fit(w, width);
    let rows_h = views.len() as f64 * NODE_ROW;
    // Where the timelines' rows start, and where their axis ("0 → now",
    // "ended at …") is written: beside the gauges, under the same head; or,
    // stacked, in rows of their own under the gauges' with the axis below
    // them (above, it read as the gauges' scale).
    let (tl_rows, tl_head_y, tl_end_y, h) = if c.stacked {
        let top = NODE_HEAD + rows_h + 6.0;
        let axis = top + rows_h + 12.0;
        // "ended at …" on a line of its own: beside "0 → now" it ran into it.
        (top, axis, axis + 13.0, axis + 17.0)
    } else {
        (NODE_HEAD, 11.0, NODE_HEAD - 4.0, NODE_HEAD + rows_h + 2.0)
    };
    let full = hb.dead_after_ms as f64 * 1.15;
    let gx = |ms: f64| c.gauge_x + (ms / full).min(1.0) * c.gauge_w;
    let span = timeline_ms(sim);
    let tx = |ms: f64| c.line_x + (ms / span).min(1.0) * c.line_w;
    let mut s = Markup::new();
    s.open(
        "svg",
        &[
            ("class", "replica-nodes-svg"),
            ("viewBox", &format!("0 0 {} {}", num(w), num(h))),
            ("width", &num(w)),
            ("height", &num(h)),
            ("role", "img"),
            (
                "aria-label",
                &tf(lang, "replica.nodes.sentence", &[("n", &views.len())]),
            ),
        ],
    );
    // Head: the thresholds over the gauges, the timeline's end (now); short words when narrow.
    let narrow = w < 560.0;
    s.elem(
        "text",
        &[
            ("class", "replica-nodes-head"),
            ("x", &num(c.gauge_x)),
            ("y", "11"),
        ],
        t(
            lang,
            if narrow {
                "replica.stage.silence"
            } else {
                "replica.nodes.silence"
            },
        ),
    );
    // The suspect label ends at its line and the dead label starts at its own, so they
    // never overlap, however close the thresholds or narrow the gauge. In half a phone
    // the panel shows only the names and the gauges (the rest scrolls), so the labels
    // are just the times, both ending at their lines: "dead 10 s" started at its line
    // and was cut to "de" at the card's edge (the sentence under the panel, and the
    // lines' colours, say which is which).
    let tiny = width < 300.0;
    for (at, key, class) in [
        (
            hb.suspect_after_ms,
            "replica.nodes.suspect_at",
            "th-suspect",
        ),
        (hb.dead_after_ms, "replica.nodes.dead_at", "th-dead"),
    ] {
        let x = gx(at as f64);
        s.elem(
            "text",
            &[
                ("class", &format!("replica-nodes-th {class}")),
                (
                    "x",
                    &num(if class == "th-dead" && !tiny {
                        x - 3.0
                    } else {
                        x + 3.0
                    }),
                ),
                ("y", &num(NODE_HEAD - 4.0)),
                (
                    "text-anchor",
                    if class == "th-dead" && !tiny {
                        "start"
                    } else {
                        "end"
                    },
                ),
            ],
            &if tiny {
                fmt_ms(lang, at as f64)
            } else {
                tf(lang, key, &[("t", &fmt_ms(lang, at as f64))])
            },
        );
    }
    s.elem(
        "text",
        &[
            ("class", "replica-nodes-head"),
            ("x", &num(c.line_x)),
            ("y", &num(tl_head_y)),
        ],
        {
            // The longest head that fits over the timeline ("0 → now" at the least).
            let key = if !narrow {
                "replica.nodes.timeline"
            } else if crate::markup::text_width(t(lang, "replica.nodes.timeline_short"), 11.0)
                <= c.line_w
            {
                "replica.nodes.timeline_short"
            } else {
                "replica.nodes.timeline_tiny"
            };
            t(lang, key)
        },
    );
    s.elem(
        "text",
        &[
            ("class", "replica-nodes-th"),
            ("x", &num(c.line_x + c.line_w)),
            ("y", &num(tl_end_y)),
            ("text-anchor", "end"),
        ],
        // A side that has finished stays at its own end while the other
        // plays on: "now" would name a time the clock has passed.
        &tf(
            lang,
            if sim.is_finished() {
                "replica.nodes.ended"
            } else {
                "replica.nodes.now"
            },
            &[("t", &fmt_ms(lang, ms_of(sim)))],
        ),
    );
    for (n, v) in views.iter().enumerate() {
        let y = NODE_HEAD + n as f64 * NODE_ROW;
        let past = if v.silence_ms >= hb.dead_after_ms as f64 {
            "dead"
        } else if v.silence_ms >= hb.suspect_after_ms as f64 {
            "suspect"
        } else {
            "ok"
        };
        s.open(
            "g",
            &[
                (
                    "class",
                    &format!(
                        "replica-nrow h-{} {}",
                        health_key(v.health),
                        if v.up { "up" } else { "down" }
                    ),
                ),
                ("data-node", &(n + 1).to_string()),
                ("data-silence", &engine::num::fixed(v.silence_ms, 0)),
            ],
        );
        s.elem(
            "title",
            &[],
            &node_sentence(lang, n, v, &m.node_windows(n as u32)),
        );
        s.elem(
            "text",
            &[
                ("class", "replica-nrow-name"),
                ("x", "0"),
                // A slow node's name moves up to leave its tag a line below.
                ("y", &num(y + if v.slow && v.up { 10.0 } else { 15.0 })),
            ],
            &format!("node_{}", n + 1),
        );
        if !v.up {
            s.elem(
                "text",
                &[
                    ("class", "replica-node-down"),
                    ("x", &num(c.name_w - 4.0)),
                    ("y", &num(y + 15.0)),
                    ("text-anchor", "end"),
                ],
                "↓",
            );
        } else if v.slow {
            // A slow ("grey") node answers, so its silence gauge looks the
            // healthiest of all: say what it is, under its name (beside it,
            // a bold "node_3" ran into it).
            s.elem(
                "text",
                &[
                    ("class", "replica-node-slow"),
                    ("x", "0"),
                    // Clear of the name's "_" (a phone's 390 px ran them together).
                    ("y", &num(y + 21.5)),
                ],
                t(lang, "replica.node.slow_short"),
            );
        }
        // The gauge: silence so far against the two thresholds.
        let (gy, gh) = (y + 4.0, NODE_ROW - 8.0);
        s.empty(
            "rect",
            &[
                ("class", "replica-timer-bg"),
                ("x", &num(c.gauge_x)),
                ("y", &num(gy)),
                ("width", &num(c.gauge_w)),
                ("height", &num(gh)),
                ("rx", "2"),
            ],
        );
        s.empty(
            "rect",
            &[
                ("class", &format!("replica-timer t-{past}")),
                ("x", &num(c.gauge_x)),
                ("y", &num(gy)),
                ("width", &num(gx(v.silence_ms) - c.gauge_x)),
                ("height", &num(gh)),
                ("rx", "2"),
            ],
        );
        for (at, class) in [
            (hb.suspect_after_ms, "replica-mark-suspect"),
            (hb.dead_after_ms, "replica-mark-dead"),
        ] {
            let x = gx(at as f64);
            s.empty(
                "line",
                &[
                    ("class", class),
                    ("x1", &num(x)),
                    ("x2", &num(x)),
                    ("y1", &num(gy - 3.0)),
                    ("y2", &num(gy + gh + 3.0)),
                ],
            );
        }
        s.elem(
            "text",
            &[
                ("class", &format!("replica-nrow-value t-{past}")),
                ("x", &num(c.value_x)),
                ("y", &num(y + 15.0)),
            ],
            &fmt_countdown(lang, v.silence_ms),
        );
        // The timeline: a baseline, then really down above and the verdicts
        // below; stacked, on a row of its own under the gauges, named again.
        let y = tl_rows + n as f64 * NODE_ROW;
        if c.stacked {
            s.elem(
                "text",
                &[
                    ("class", "replica-nrow-name"),
                    ("x", "0"),
                    ("y", &num(y + 15.0)),
                ],
                &format!("node_{}", n + 1),
            );
        }
        s.empty(
            "rect",
            &[
                ("class", "replica-tl-bg"),
                ("x", &num(c.line_x)),
                ("y", &num(y + 3.0)),
                ("width", &num(c.line_w)),
                ("height", &num(NODE_ROW - 6.0)),
            ],
        );
        for sp in rv::node_timeline(m, n as u32, now) {
            let (x0, x1) = (tx(sp.from_ms), tx(sp.to_ms));
            let (yy, hh) = match sp.kind {
                rv::SpanKind::Down => (y + 3.0, 7.0),
                _ => (y + 11.0, 8.0),
            };
            s.empty(
                "rect",
                &[
                    ("class", &format!("replica-tl s-{}", sp.kind.key())),
                    ("data-span", sp.kind.key()),
                    ("x", &num(x0)),
                    ("y", &num(yy)),
                    ("width", &num((x1 - x0).max(1.5))),
                    ("height", &num(hh)),
                ],
            );
        }
        s.close("g");
    }
    s.close("svg");
    s.finish()
}

/// The node panel of a large cluster on a canvas: the same gauge and timeline, rows
/// [`CANVAS_NODE_ROW`] px tall.
pub const CANVAS_NODE_ROW: f64 = 8.0;

fn draw_nodes_canvas(canvas: &web_sys::HtmlCanvasElement, sim: &ReplicaSim, width: f64) {
    let m = sim.model();
    let now = sim.now();
    let hb = &m.config().metadata.heartbeat;
    let views = rv::nodes(m, now);
    let c = NodeCols::new(width);
    let h = views.len() as f64 * CANVAS_NODE_ROW + 2.0;
    let Some(ctx) = canvas_2d(canvas, width, h) else {
        return;
    };
    let var = crate::browser::css_vars(canvas);
    let (info, wait, fail, muted, bg) = (
        var("--c-info", "#0072B2"),
        var("--c-wait", "#E69F00"),
        var("--c-fail", "#D55E00"),
        var("--muted", "#5b636d"),
        var("--bg", "#f7f7f4"),
    );
    ctx.set_fill_style_str(&bg);
    ctx.fill_rect(0.0, 0.0, width, h);
    let full = hb.dead_after_ms as f64 * 1.15;
    let span = timeline_ms(sim);
    for (n, v) in views.iter().enumerate() {
        let y = n as f64 * CANVAS_NODE_ROW + 1.0;
        let rh = CANVAS_NODE_ROW - 2.0;
        ctx.set_fill_style_str(&muted);
        ctx.set_global_alpha(0.15);
        ctx.fill_rect(c.gauge_x, y, c.gauge_w, rh);
        ctx.fill_rect(c.line_x, y, c.line_w, rh);
        ctx.set_global_alpha(1.0);
        let colour = if v.silence_ms >= hb.dead_after_ms as f64 {
            &fail
        } else if v.silence_ms >= hb.suspect_after_ms as f64 {
            &wait
        } else {
            &info
        };
        ctx.set_fill_style_str(colour);
        ctx.fill_rect(c.gauge_x, y, (v.silence_ms / full).min(1.0) * c.gauge_w, rh);
        for sp in rv::node_timeline(m, n as u32, now) {
            let x0 = c.line_x + (sp.from_ms / span).min(1.0) * c.line_w;
            let x1 = c.line_x + (sp.to_ms / span).min(1.0) * c.line_w;
            let (col, yy, hh) = match sp.kind {
                rv::SpanKind::Down => (&muted, y, rh / 2.0),
                rv::SpanKind::Suspect => (&wait, y + rh / 2.0, rh / 2.0),
                rv::SpanKind::Dead => (&fail, y + rh / 2.0, rh / 2.0),
            };
            ctx.set_fill_style_str(col);
            ctx.fill_rect(x0, yy, (x1 - x0).max(1.0), hh);
        }
    }
    // The thresholds, across every row.
    for (at, col) in [(hb.suspect_after_ms, &wait), (hb.dead_after_ms, &fail)] {
        ctx.set_fill_style_str(col);
        ctx.fill_rect(c.gauge_x + at as f64 / full * c.gauge_w - 0.75, 0.0, 1.5, h);
    }
}

fn status_idx(s: engine::labs::replica::model::ChunkStatus) -> usize {
    use engine::labs::replica::model::ChunkStatus::*;
    match s {
        Waiting => 0,
        Working => 1,
        Ok => 2,
        Failed => 3,
        Skipped => 4,
    }
}

/// The glyph inside an attempt mark, so the mark reads without colour.
pub fn mark_glyph(m: Mark) -> &'static str {
    match m {
        Mark::Failed => "×",
        Mark::Working => "…",
        Mark::Ok => "✓",
        Mark::GaveUp => "!",
    }
}

/// "Chunks 0–15 of 8: 3 healthy replicas each …" — the matrix's text alternative.
pub fn matrix_sentence(sim: &ReplicaSim, lang: Lang, start: usize, rows: usize) -> String {
    let m = sim.model();
    let up = rv::nodes_up(m, sim.now());
    let mut counts = [0u64; 7];
    for chunk in start..start + rows {
        for cell in rv::row(m, chunk, &up) {
            counts[cell_idx(cell)] += 1;
        }
    }
    tf(
        lang,
        "replica.stage.matrix_sentence",
        &[
            ("from", &start),
            ("to", &(start + rows).saturating_sub(1)),
            ("total", &m.chunks.len()),
            ("healthy", &counts[1]),
            ("corrupt", &counts[2]),
            ("missing", &counts[3]),
            ("cloning", &counts[4]),
            ("sending", &counts[5]),
            ("dropped", &counts[6]),
        ],
    )
}

fn cell_idx(c: Cell) -> usize {
    match c {
        Cell::Empty => 0,
        Cell::Healthy => 1,
        Cell::Corrupt => 2,
        Cell::Missing => 3,
        Cell::Cloning => 4,
        Cell::Sending => 5,
        Cell::Dropped => 6,
    }
}

/// The progress bar (chunks by status) and the metadata server's line, as HTML text.
pub fn status_markup(sim: &ReplicaSim, lang: Lang) -> String {
    let m = sim.model();
    let counts = rv::status_counts(m);
    let total: u64 = counts.iter().sum();
    let mut s = Markup::new();
    // Nothing can fail here: say so at once, and where the lessons are.
    if !rv::has_faults(m.config()) {
        s.elem(
            "p",
            &[("class", "replica-hint"), ("data-testid", "no-faults")],
            t(lang, "replica.stage.no_faults"),
        );
    }
    // Done chunks whose bytes were corrupt (read without a checksum): done
    // as far as the client knows, and drawn apart (B's bar read a green
    // "32 done" with two corrupt chunks among them).
    let corrupt = m.stats.corrupt_delivered.min(counts[2]);
    let mut sentence = tf(
        lang,
        "replica.stage.progress_sentence",
        &[
            ("ok", &counts[2]),
            ("total", &total),
            ("failed", &(counts[3] + counts[4])),
            ("working", &counts[1]),
        ],
    );
    if corrupt > 0 {
        sentence.push(' ');
        sentence.push_str(&tf(
            lang,
            "replica.stage.progress_corrupt",
            &[("n", &corrupt)],
        ));
    }
    s.open(
        "div",
        &[
            ("class", "replica-progress"),
            ("role", "img"),
            ("aria-label", &sentence),
            ("data-testid", "progress"),
        ],
    );
    // Done first (the corrupt ones apart), then failed and never tried, in
    // progress, waiting.
    let segments = [2usize, 5, 3, 4, 1, 0].map(|k| match k {
        2 => (counts[2] - corrupt, rv::STATUS_KEYS[2]),
        5 => (corrupt, "corrupt"),
        k => (counts[k], rv::STATUS_KEYS[k]),
    });
    for (n, key) in segments {
        if n == 0 {
            continue;
        }
        s.open(
            "span",
            &[
                ("class", &format!("replica-seg st-{key}")),
                (
                    "style",
                    &format!(
                        "flex-grow:{}",
                        engine::num::fixed(n as f64 / total.max(1) as f64 * 100.0, 3)
                    ),
                ),
                ("data-status", key),
            ],
        );
        // "1 fallido", not "1 fallidos".
        let name = engine::i18n::tn(lang, &format!("replica.status.{key}"), n, &[]);
        s.text(&format!("{} {}", fmt_count(lang, n), name));
        s.close("span");
    }
    s.close("div");
    // The metadata server.
    let md = rv::metadata(m, sim.now());
    s.open(
        "div",
        &[
            (
                "class",
                if md.up {
                    "replica-meta"
                } else {
                    "replica-meta down"
                },
            ),
            ("data-testid", "metadata"),
            ("data-up", if md.up { "1" } else { "0" }),
        ],
    );
    s.elem("strong", &[], t(lang, "replica.stage.metadata"));
    s.text(" ");
    s.elem(
        "span",
        &[("class", if md.up { "badge ok" } else { "badge down" })],
        t(
            lang,
            if md.up {
                "replica.node.up"
            } else {
                "replica.stage.metadata_down"
            },
        ),
    );
    let mut facts = vec![];
    if md.suspect > 0 {
        facts.push(engine::i18n::tn(
            lang,
            "replica.stage.suspects",
            md.suspect,
            &[("n", &md.suspect)],
        ));
    }
    if md.dead > 0 {
        facts.push(engine::i18n::tn(
            lang,
            "replica.stage.deads",
            md.dead,
            &[("n", &md.dead)],
        ));
    }
    if md.copying > 0 {
        facts.push(engine::i18n::tn(
            lang,
            "replica.stage.copying",
            md.copying,
            &[("n", &md.copying)],
        ));
    }
    if md.lost > 0 {
        facts.push(engine::i18n::tn(
            lang,
            "replica.stage.lost",
            md.lost,
            &[("n", &md.lost)],
        ));
    }
    // At risk (the truth) beside known (the metadata server's map): the gap is detection delay.
    let risk = rv::risk(m, sim.now());
    s.text(" · ");
    s.elem(
        "span",
        &[
            (
                "class",
                if risk.unknown() > 0 {
                    "replica-fact replica-risk unknown"
                } else {
                    "replica-fact replica-risk"
                },
            ),
            ("data-testid", "risk"),
            ("data-at-risk", &risk.at_risk.to_string()),
            ("data-known", &risk.known.to_string()),
            ("title", t(lang, "replica.stage.risk_help")),
        ],
        &engine::i18n::tn(
            lang,
            "replica.stage.risk",
            risk.at_risk,
            &[("n", &risk.at_risk), ("known", &risk.known)],
        ),
    );
    // At risk only because a node is down now (its copies are intact and
    // come back with it): a side that ended during an outage read "13 at
    // risk" beside a table of 0 under-replicated, the breaker blamed.
    let while_down = risk.at_risk.saturating_sub(m.under_replicated());
    if while_down > 0 {
        s.text(" ");
        s.elem(
            "span",
            &[("class", "replica-fact"), ("data-testid", "risk-down")],
            &engine::i18n::tn(
                lang,
                "replica.stage.risk_down",
                while_down,
                &[("n", &while_down)],
            ),
        );
    }
    for f in facts {
        s.text(" · ");
        s.elem("span", &[("class", "replica-fact")], &f);
    }
    s.close("div");
    s.finish()
}

/// The worker lanes as HTML text: chunk, phase and a stacked bar of time spent.
pub fn workers_markup(sim: &ReplicaSim, lang: Lang) -> String {
    let m = sim.model();
    let now = sim.now();
    let splits: Vec<[f64; 3]> = m.workers.iter().map(|w| rv::worker_split(w, now)).collect();
    let longest = splits
        .iter()
        .map(|t| t.iter().sum::<f64>())
        .fold(1.0, f64::max);
    let mut s = Markup::new();
    s.open(
        "ol",
        &[("class", "replica-lanes"), ("data-testid", "workers")],
    );
    for (i, w) in m.workers.iter().enumerate().take(MAX_LANES) {
        let phase = rv::phase_key(w.phase);
        let t3 = splits[i];
        let label = tf(
            lang,
            "replica.worker.sentence",
            &[
                ("transfer", &fmt_ms(lang, t3[0])),
                ("backoff", &fmt_ms(lang, t3[1])),
                ("metadata", &fmt_ms(lang, t3[2])),
            ],
        );
        s.open(
            "li",
            &[
                ("class", &format!("replica-lane p-{phase}")),
                ("data-phase", phase),
            ],
        );
        s.elem(
            "span",
            &[("class", "replica-lane-name")],
            &format!("W{}", i + 1),
        );
        let doing = match w.chunk {
            Some(c) => tf(
                lang,
                &format!("replica.worker.{phase}"),
                &[
                    ("chunk", &c),
                    ("attempt", &m.chunks[c as usize].attempts.max(1)),
                ],
            ),
            None => t(lang, "replica.worker.idle").to_string(),
        };
        s.elem("span", &[("class", "replica-lane-doing")], &doing);
        s.open(
            "span",
            &[
                ("class", "replica-lane-bar"),
                ("role", "img"),
                ("aria-label", &label),
                ("title", &label),
            ],
        );
        for (k, key) in ["transfer", "backoff", "metadata"].iter().enumerate() {
            if t3[k] <= 0.0 {
                continue;
            }
            s.elem(
                "span",
                &[
                    ("class", &format!("replica-lane-seg s-{key}")),
                    (
                        "style",
                        &format!("width:{}%", engine::num::fixed(t3[k] / longest * 100.0, 2)),
                    ),
                ],
                "",
            );
        }
        s.close("span");
        s.close("li");
    }
    s.close("ol");
    if m.workers.len() > MAX_LANES {
        s.elem(
            "p",
            &[("class", "help")],
            &tf(
                lang,
                "replica.worker.more",
                &[("n", &(m.workers.len() - MAX_LANES))],
            ),
        );
    }
    s.finish()
}

/// The canvas matrix of a large cluster: the node strip as one coloured
/// band (up, suspect, dead, down), then `CANVAS_ROWS` rows from the window.
fn draw_canvas(canvas: &web_sys::HtmlCanvasElement, sim: &ReplicaSim, width: f64) {
    let m = sim.model();
    let now = sim.now();
    let nodes = rv::nodes(m, now);
    let up = rv::nodes_up(m, now);
    let rows = CANVAS_ROWS.min(m.chunks.len());
    let start = rv::window_start(m, rows);
    let g = Grid::new(
        width,
        m.config().nodes.count,
        m.config().nodes.racks,
        m.side().retry.max_attempts as usize,
        6.0,
    );
    let head = 20.0;
    let h = head + rows as f64 * g.row_h + 2.0;
    let Some(ctx) = canvas_2d(canvas, width, h) else {
        return;
    };
    let var = crate::browser::css_vars(canvas);
    let (ok, fail, wait, giveup, info, muted, bg) = (
        var("--c-ok", "#009E73"),
        var("--c-fail", "#D55E00"),
        var("--c-wait", "#E69F00"),
        var("--c-giveup", "#CC79A7"),
        var("--c-info", "#0072B2"),
        var("--muted", "#5b636d"),
        var("--bg", "#f7f7f4"),
    );
    ctx.set_fill_style_str(&bg);
    ctx.fill_rect(0.0, 0.0, width, h);
    let cw = g.cell_w;
    for (n, v) in nodes.iter().enumerate() {
        let x = g.x(n);
        let colour = if !v.up && v.health == Health::Alive {
            &fail
        } else {
            match v.health {
                Health::Alive => &ok,
                Health::Suspect => &wait,
                Health::Dead => &fail,
            }
        };
        ctx.set_fill_style_str(colour);
        // Alive: full; suspect: half; dead: a thin bar — drawn differently, not only coloured.
        let bar = match v.health {
            Health::Alive => 14.0,
            Health::Suspect => 8.0,
            Health::Dead => 3.0,
        };
        ctx.fill_rect(x + 0.5, 2.0 + 14.0 - bar, (cw - 1.0).max(1.0), bar);
        if !v.up {
            ctx.set_fill_style_str(&muted);
            ctx.set_global_alpha(0.25);
            ctx.fill_rect(x, head, cw, rows as f64 * g.row_h);
            ctx.set_global_alpha(1.0);
        }
    }
    for (i, chunk) in (start..start + rows).enumerate() {
        let y = head + i as f64 * g.row_h;
        if m.workers.iter().any(|w| w.chunk == Some(chunk as u32)) {
            ctx.set_fill_style_str(&info);
            ctx.set_global_alpha(0.15);
            ctx.fill_rect(0.0, y, width, g.row_h);
            ctx.set_global_alpha(1.0);
        }
        for (k, mark) in rv::marks(m, chunk).iter().enumerate().take(g.marks) {
            ctx.set_fill_style_str(match mark {
                Mark::Ok => &ok,
                Mark::Failed => &wait,
                Mark::Working => &info,
                Mark::GaveUp => &fail,
            });
            ctx.fill_rect(
                LABEL_W + k as f64 * MARK_W,
                y + 1.0,
                MARK_W - 3.0,
                g.row_h - 2.0,
            );
        }
        for (n, cell) in rv::row(m, chunk, &up).into_iter().enumerate() {
            let colour = match cell {
                Cell::Empty => continue,
                Cell::Healthy => &ok,
                Cell::Corrupt | Cell::Dropped => &giveup,
                Cell::Missing => &fail,
                Cell::Cloning => &info,
                Cell::Sending => &muted,
            };
            ctx.set_fill_style_str(colour);
            let x = g.x(n);
            if matches!(cell, Cell::Missing | Cell::Sending | Cell::Dropped) {
                ctx.set_stroke_style_str(colour);
                ctx.stroke_rect(x + 1.0, y + 1.0, (cw - 2.0).max(1.0), g.row_h - 2.0);
            } else {
                ctx.fill_rect(x + 0.5, y + 0.5, (cw - 1.0).max(1.0), g.row_h - 1.0);
            }
        }
    }
}

/// Sizes a canvas only when its size changed: setting a canvas's width, even
/// to the same value, throws its bitmap away and makes the page lay it out again.
/// The canvas sized to `width` × `h` CSS px at the screen's pixel ratio, and
/// its 2D context scaled so drawing is in CSS px.
fn canvas_2d(
    canvas: &web_sys::HtmlCanvasElement,
    width: f64,
    h: f64,
) -> Option<web_sys::CanvasRenderingContext2d> {
    use wasm_bindgen::JsCast;
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    size_canvas(canvas, width, h, ratio);
    let ctx = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())?;
    let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    Some(ctx)
}

fn size_canvas(canvas: &web_sys::HtmlCanvasElement, width: f64, h: f64, ratio: f64) {
    let (w, hh) = ((width * ratio) as u32, (h * ratio) as u32);
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != hh {
        canvas.set_height(hh);
    }
    let style = format!("height:{}px", num(h));
    if canvas.get_attribute("style").as_deref() != Some(style.as_str()) {
        let _ = canvas.set_attribute("style", &style);
    }
}

/// One side's stage, redrawn when `view` ticks.
#[component]
pub fn ReplicaStage(view: ReplicaView, side: usize) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    let width = crate::charts::use_element_width(node, 560.0);
    let canvas_mode = Memo::new(move |_| view.with(|r| r.sides.get(side).is_some_and(uses_canvas)));
    let status = move || {
        let lang = view.lang.get();
        view.with(|run| {
            run.sides
                .get(side)
                .map(|s| status_markup(s, lang))
                .unwrap_or_default()
        })
    };
    let svg = move || {
        let lang = view.lang.get();
        let w = width.get();
        view.with(|run| match run.sides.get(side) {
            Some(sim) if !uses_canvas(sim) => matrix_svg(sim, lang, w),
            _ => String::new(),
        })
    };
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let window_line = move || {
        let lang = view.lang.get();
        view.with(|run| {
            let Some(sim) = run.sides.get(side) else {
                return String::new();
            };
            let m = sim.model();
            let rows = if uses_canvas(sim) {
                CANVAS_ROWS
            } else {
                SVG_ROWS
            }
            .min(m.chunks.len());
            let start = rv::window_start(m, rows);
            if rows == m.chunks.len() {
                return String::new();
            }
            tf(
                lang,
                "replica.stage.window",
                &[
                    ("from", &start),
                    ("to", &(start + rows - 1)),
                    ("total", &fmt_count(lang, m.chunks.len() as u64)),
                ],
            )
        })
    };
    let canvas_label = move || {
        let lang = view.lang.get();
        view.with(|run| {
            run.sides
                .get(side)
                .filter(|s| uses_canvas(s))
                .map(|sim| {
                    let rows = CANVAS_ROWS.min(sim.model().chunks.len());
                    matrix_sentence(sim, lang, rv::window_start(sim.model(), rows), rows)
                })
                .unwrap_or_default()
        })
    };
    Effect::new(move |_| {
        let w = width.get();
        view.tick.track();
        let Some(el) = canvas.get() else { return };
        view.run.with_value(|run| {
            if let Some(sim) = run.sides.get(side).filter(|s| uses_canvas(s)) {
                draw_canvas(&el, sim, w);
            }
        });
    });
    let nodes_svg_text = move || {
        let lang = view.lang.get();
        let w = width.get();
        view.with(|run| match run.sides.get(side) {
            Some(sim) if !uses_canvas(sim) => nodes_svg(sim, lang, w),
            _ => String::new(),
        })
    };
    let nodes_canvas = NodeRef::<leptos::html::Canvas>::new();
    let nodes_caption = move || {
        let lang = view.lang.get();
        view.with(|run| {
            run.sides
                .get(side)
                .map(|sim| {
                    let m = sim.model();
                    let hb = &m.config().metadata.heartbeat;
                    let mut s = tf(
                        lang,
                        "replica.nodes.help",
                        &[
                            ("suspect", &fmt_ms(lang, hb.suspect_after_ms as f64)),
                            ("dead", &fmt_ms(lang, hb.dead_after_ms as f64)),
                        ],
                    );
                    // Winding down, the run stops simulating heartbeats: the
                    // timers stand still (a node going down after that reads
                    // 0 ms), so say so rather than let them look broken.
                    let stopped = (0..m.config().nodes.count as usize)
                        .map(|n| m.heartbeats_stopped(n).filter(|at| *at <= sim.now()))
                        .collect::<Option<Vec<_>>>()
                        .and_then(|at| at.into_iter().max());
                    if let Some(at) = stopped {
                        s.push(' ');
                        s.push_str(&tf(
                            lang,
                            "replica.nodes.stopped",
                            &[("t", &fmt_ms(lang, at.as_micros() as f64 / 1000.0))],
                        ));
                    }
                    s
                })
                .unwrap_or_default()
        })
    };
    Effect::new(move |_| {
        let w = width.get();
        view.tick.track();
        let Some(el) = nodes_canvas.get() else { return };
        view.run.with_value(|run| {
            if let Some(sim) = run.sides.get(side).filter(|s| uses_canvas(s)) {
                draw_nodes_canvas(&el, sim, w);
            }
        });
    });
    let workers = move || {
        let lang = view.lang.get();
        view.with(|run| {
            run.sides
                .get(side)
                .map(|s| workers_markup(s, lang))
                .unwrap_or_default()
        })
    };
    let now = move || {
        let lang = view.lang.get();
        view.with(|run| {
            run.sides
                .get(side)
                .map(|s| fmt_ms(lang, ms_of(s)))
                .unwrap_or_default()
        })
    };
    view! {
        <div class="replica-stage" data-testid=format!("replica-stage-{side}")>
            <div class="replica-status" inner_html=status></div>
            <figure class="replica-matrix">
                <div class="stage-plot" node_ref=node>
                    {move || if canvas_mode.get() {
                        view! { <canvas node_ref=canvas class="replica-canvas" role="img" aria-label=canvas_label data-testid="matrix-canvas"></canvas> }.into_any()
                    } else {
                        view! { <div class="replica-svg-wrap" data-testid="matrix" inner_html=svg></div> }.into_any()
                    }}
                </div>
                <figcaption class="help">
                    <span class="replica-window" data-testid="window">{window_line}</span>
                    " "
                    {tr("replica.stage.help")}
                    {move || {
                        let lang = view.lang.get();
                        let racks = view.with(|run| run.sides.get(side).map_or(1, |s| s.model().config().nodes.racks));
                        (racks > 1).then(|| format!(" {}", tf(lang, "replica.stage.racks_help", &[("racks", &racks), ("next", &(racks + 1))])))
                    }}
                </figcaption>
                <ul class="replica-legend" aria-hidden="true">
                    {Cell::ALL.iter().map(|c| view! {
                        <li><span class=format!("replica-swatch c-{}", c.key())></span>{tr_fit(match c {
                            Cell::Healthy => "replica.cell.healthy",
                            Cell::Corrupt => "replica.cell.corrupt",
                            Cell::Dropped => "replica.cell.dropped",
                            Cell::Missing => "replica.cell.missing",
                            Cell::Sending => "replica.cell.sending",
                            _ => "replica.cell.cloning",
                        })}</li>
                    }).collect_view()}
                    <li><span class="replica-swatch m-failed">"×"</span>{tr("replica.mark.failed")}</li>
                    <li><span class="replica-swatch m-ok">"✓"</span>{tr("replica.mark.ok")}</li>
                    <li><span class="replica-swatch m-gave_up">"!"</span>{tr_fit("replica.mark.gave_up")}</li>
                    <li><span class="replica-swatch h-suspect">"?"</span>{tr("replica.health.suspect")}</li>
                    <li><span class="replica-swatch h-dead">"✕"</span>{tr("replica.health.dead")}</li>
                </ul>
            </figure>
            <figure class="replica-nodes" data-testid="node-panel">
                // A short heading; what the panel shows in plain case under it
                // (in capitals, the whole sentence took six lines in half a phone).
                <h3 class="small-title">{tr("replica.nodes.title")}</h3>
                <p class="replica-nodes-sub help">{tr("replica.nodes.sub")}</p>
                {move || if canvas_mode.get() {
                    view! { <canvas node_ref=nodes_canvas class="replica-canvas" role="img" aria-label=nodes_caption data-testid="nodes-canvas"></canvas> }.into_any()
                } else {
                    view! { <div class="replica-nodes-wrap" data-testid="nodes" inner_html=nodes_svg_text></div> }.into_any()
                }}
                <figcaption class="help">{nodes_caption}</figcaption>
            </figure>
            <div class="replica-workers">
                <h3 class="small-title">{tr("replica.stage.workers")}" · "<span class="mono">{now}</span></h3>
                // The bars are totals: read left to right they looked like timelines.
                <p class="replica-lanes-sub help">{tr("replica.worker.bars_help")}</p>
                <div inner_html=workers></div>
                <p class="replica-lane-legend help" aria-hidden="true">
                    <span><span class="replica-lane-seg s-transfer"></span>" "{tr("replica.worker.key_transfer")}</span>
                    <span><span class="replica-lane-seg s-backoff"></span>" "{tr("replica.worker.key_backoff")}</span>
                    <span><span class="replica-lane-seg s-metadata"></span>" "{tr("replica.worker.key_metadata")}</span>
                </p>
            </div>
        </div>
    }
}

//! The stage: the topology in fixed lanes. Clients on the left send requests
//! to the API gateway, which routes `/api-commands` to the registration
//! primary (or, after a failover, the backup) and `/api-queries` to the
//! user-queries service; the monitor pings the primary. The route in use is
//! drawn solid, the other dashed; each request is a dot going out and coming
//! back, coloured by how it ended (answered, 502, 503, 504), grey while it
//! waits; the gateway counts its error answers. The drawing is one SVG
//! written as text with at most [`MAX_DOTS`] dots, so its size does not grow
//! with the load. With reduced motion the dots sit at their station (the
//! gateway, the backend) instead of travelling.

use super::AvailView;
use crate::i18n::tr;
use crate::markup::{num, text_width, Markup};
use engine::i18n::{t, tf};
use engine::labs::availability::record::{Backend, Code};
use engine::labs::availability::view::{CommandRoute, CopyState, InstanceState, Sent};
use engine::labs::availability::AvailabilitySim;
use engine::time::SimTime;
use engine::Lang;
use leptos::prelude::*;

/// Request dots drawn at most (the newest).
pub const MAX_DOTS: usize = 96;
/// Below this width (CSS px) boxes carry short labels.
const NARROW: f64 = 520.0;
/// Below this width the boxes stand in one column.
const STACKED: f64 = 300.0;
/// In one column: the room left of the boxes under the gateway, for the routes' line.
const BUS_ROOM: f64 = 20.0;
/// Stacked, the distance between the backends' rails in that room.
const RAIL_GAP: f64 = 6.0;

fn ms(t: SimTime) -> f64 {
    t.as_micros() as f64 / 1000.0
}

/// Where the stage's pieces go for a drawing `w` CSS px wide.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    pub w: f64,
    pub h: f64,
    pub narrow: bool,
    /// Too narrow for boxes side by side (half a phone, in an A | B card): one
    /// column, top to bottom, the gateway's routes down a line on the left,
    /// so the text keeps its size instead of the whole drawing shrinking.
    pub stacked: bool,
    /// Box centres and sizes: (x, y, w, h).
    pub clients: (f64, f64, f64, f64),
    pub gateway: (f64, f64, f64, f64),
    pub monitor: (f64, f64, f64, f64),
    pub primary: (f64, f64, f64, f64),
    pub backup: (f64, f64, f64, f64),
    pub queries: (f64, f64, f64, f64),
}

impl Layout {
    pub fn for_width(w: f64) -> Layout {
        if w < STACKED {
            return Layout::stacked(w);
        }
        let w = w.max(300.0);
        let narrow = w < NARROW;
        let bh = if narrow { 46.0 } else { 52.0 };
        let gap = 14.0;
        let row = |i: f64| 8.0 + bh / 2.0 + i * (bh + gap);
        let h = row(2.0) + bh / 2.0 + 8.0;
        let cw = (w * 0.17).clamp(64.0, 120.0);
        let sw = (w * 0.30).clamp(110.0, 210.0);
        let gw = (w * 0.27).clamp(100.0, 200.0);
        let cx = 6.0 + cw / 2.0;
        let sx = w - 6.0 - sw / 2.0;
        // The gateway halfway between the clients and the services.
        let gx = ((cx + cw / 2.0) + (sx - sw / 2.0)) / 2.0;
        let mid23 = (row(1.0) + row(2.0)) / 2.0;
        // Narrow, the monitor takes the clients' column too (empty on its
        // row): over the gateway alone its count was squeezed to a blur.
        let monitor = if narrow {
            let (left, right) = (6.0, gx + gw / 2.0);
            ((left + right) / 2.0, row(0.0), right - left, bh - 8.0)
        } else {
            (gx, row(0.0), gw, bh - 8.0)
        };
        Layout {
            w,
            h,
            narrow,
            clients: (cx, mid23, cw, bh),
            gateway: (gx, mid23, gw, bh * 2.0 + gap),
            monitor,
            primary: (sx, row(0.0), sw, bh),
            backup: (sx, row(1.0), sw, bh),
            queries: (sx, row(2.0), sw, bh),
            stacked: false,
        }
    }

    /// One column: clients, gateway, monitor, primary, backup, queries. The
    /// boxes under the gateway are indented to leave room for the routes' line.
    fn stacked(w: f64) -> Layout {
        let w = w.max(140.0);
        let bh = 44.0;
        let gap = 12.0;
        let full = w - 8.0;
        let x = w / 2.0;
        let inner = w - 8.0 - BUS_ROOM;
        let ix = 4.0 + BUS_ROOM + inner / 2.0;
        let gh = 74.0;
        let mut y = 4.0;
        let mut next = |h: f64| {
            let c = y + h / 2.0;
            y += h + gap;
            c
        };
        let clients = (x, next(bh), full, bh);
        let gateway = (x, next(gh), full, gh);
        let monitor = (ix, next(bh - 8.0), inner, bh - 8.0);
        let primary = (ix, next(bh), inner, bh);
        let backup = (ix, next(bh), inner, bh);
        let queries = (ix, next(bh), inner, bh);
        Layout {
            w,
            h: y - gap + 4.0,
            narrow: true,
            stacked: true,
            clients,
            gateway,
            monitor,
            primary,
            backup,
            queries,
        }
    }

    /// The stacked layout's way from the clients down into the gateway: x.
    fn way_in_x(&self) -> f64 {
        4.0 + BUS_ROOM + 12.0
    }

    /// The stacked layout's routes line: x, from the gateway's bottom.
    fn bus_x(&self) -> f64 {
        4.0 + BUS_ROOM / 2.0
    }

    /// The line from the gateway to backend `b` (a box), as points.
    fn route(&self, b: (f64, f64, f64, f64)) -> Vec<(f64, f64)> {
        let (gx, gy, gw, gh) = self.gateway;
        if self.stacked {
            // Each backend on its own rail (primary left, queries right), so
            // the registrations and the queries under way, and a burst of
            // errors, are not drawn over each other on one line.
            let lane = if b == self.primary {
                -1.0
            } else if b == self.queries {
                1.0
            } else {
                0.0
            };
            let x = self.bus_x() + lane * RAIL_GAP;
            return vec![(x, gy + gh / 2.0), (x, b.1), (b.0 - b.2 / 2.0, b.1)];
        }
        let y = b.1.clamp(gy - gh / 2.0 + 6.0, gy + gh / 2.0 - 6.0);
        vec![(gx + gw / 2.0, y), (b.0 - b.2 / 2.0, b.1)]
    }

    fn backend(&self, b: Backend) -> (f64, f64, f64, f64) {
        match b {
            Backend::Primary => self.primary,
            Backend::Backup => self.backup,
            Backend::Queries => self.queries,
            Backend::None => self.gateway,
        }
    }

    /// A request's way out: the clients' right edge, into the gateway, out of
    /// it level with the backend, into the backend (or stopping at the gateway).
    /// (Its first two points are the way in, the rest the way out.)
    fn path(&self, s: &Sent) -> Vec<(f64, f64)> {
        let (cx, cy, cw, ch) = self.clients;
        let (gx, gy, gw, gh) = self.gateway;
        let (start, g_in) = if self.stacked {
            // Left of the boxes' centred titles, which the dots would cover.
            let x = self.way_in_x() + if s.command { -5.0 } else { 5.0 };
            ((x, cy + ch / 2.0), (x, gy - gh / 2.0))
        } else {
            let y = if s.command { cy - 8.0 } else { cy + 8.0 };
            ((cx + cw / 2.0, y), (gx - gw / 2.0, y))
        };
        if s.backend == Backend::None {
            // Turned back at the gateway's door: no backend routed.
            return vec![start, g_in];
        }
        let mut path = vec![start, g_in];
        path.extend(self.route(self.backend(s.backend)));
        path
    }
}

/// Where a dot is a fraction `p` of its way out: the first half from the
/// clients into the gateway, the second from the gateway out to the backend
/// (it does not cross the gateway's box, whose text stays readable). A
/// request with no backend stops at the gateway.
fn place(path: &[(f64, f64)], p: f64) -> (f64, f64) {
    let p = p.clamp(0.0, 1.0);
    match path {
        [a, b] => along(&[*a, *b], p),
        [a, b, ..] if p < 0.5 => along(&[*a, *b], p * 2.0),
        [_, _, out @ ..] if !out.is_empty() => along(out, (p - 0.5) * 2.0),
        _ => path.first().copied().unwrap_or((0.0, 0.0)),
    }
}

/// The point a fraction `f` of the way along a line of points.
fn along(points: &[(f64, f64)], f: f64) -> (f64, f64) {
    let len = |a: (f64, f64), b: (f64, f64)| ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
    let total: f64 = points.windows(2).map(|w| len(w[0], w[1])).sum();
    let mut left = f * total;
    for w in points.windows(2) {
        let l = len(w[0], w[1]);
        if left <= l && l > 0.0 {
            let k = left / l;
            return (
                w[0].0 + (w[1].0 - w[0].0) * k,
                w[0].1 + (w[1].1 - w[0].1) * k,
            );
        }
        left -= l;
    }
    points.last().copied().unwrap_or((0.0, 0.0))
}

/// How long (simulated ms) a dot takes each way: a fiftieth of the run, so
/// a run of any length shows its dots for about the same real time.
pub fn travel_ms(sim: &AvailabilitySim) -> f64 {
    let run = sim.model().config().load.duration_ms as f64;
    (run / 100.0).clamp(150.0, 3_600_000.0)
}

/// The CSS class of an outcome.
pub fn outcome_class(code: Option<Code>) -> &'static str {
    match code {
        None => "ok",
        Some(Code::Refused) => "e502",
        Some(Code::NoBackend) => "e503",
        Some(Code::TimedOut) => "e504",
    }
}

/// A dot's place at `now` (None: not on stage), and whether it is answered.
pub fn dot_at(
    lay: &Layout,
    s: &Sent,
    now_ms: f64,
    travel: f64,
    still: bool,
) -> Option<((f64, f64), bool)> {
    let sent = ms(s.sent);
    let done = ms(s.done);
    let path = lay.path(s);
    let out_end = sent + travel;
    let back_start = done.max(out_end);
    let back_end = back_start + travel;
    if now_ms < sent || now_ms >= back_end {
        return None;
    }
    if now_ms < back_start {
        // Going out, then waiting at the backend.
        let p = if still { 1.0 } else { (now_ms - sent) / travel };
        Some((place(&path, p), false))
    } else {
        let p = if still {
            1.0
        } else {
            1.0 - (now_ms - back_start) / travel
        };
        // Answered: still at the far end with reduced motion (its outcome shown there).
        Some((place(&path, p), true))
    }
}

fn state_label(lang: Lang, s: InstanceState) -> String {
    t(lang, &format!("availability.state.{}", s.key())).to_string()
}

#[allow(clippy::too_many_arguments)]
fn draw_box(
    m: &mut Markup,
    b: (f64, f64, f64, f64),
    lane: &str,
    class: &str,
    title: &str,
    lines: &[(&str, String)],
) {
    let (x, y, w, h) = b;
    m.open(
        "g",
        &[("class", &format!("av-lane {class}")), ("data-lane", lane)],
    );
    m.empty(
        "rect",
        &[
            ("class", "av-box"),
            ("x", &num(x - w / 2.0)),
            ("y", &num(y - h / 2.0)),
            ("width", &num(w)),
            ("height", &num(h)),
            ("rx", "6"),
        ],
    );
    // The title's baseline: the block from its cap (~9 px above) to the last
    // line's descent (~3 px below its baseline, 14 px apart) centred on the box.
    let n = lines.len() as f64;
    let top = y - 7.0 * n + 3.0;
    let room = w - 8.0;
    // A title longer than its box ('Consulta de usuarios (copia)') is squeezed
    // into it (bold: measured a little wider), and so is a line
    // ('/api-commands → ningún lado (503)'), rather than spill over the border.
    // (Lines measured as 12 px: the 11 px lines are partly bold, and '/', '→' are wide.)
    fitted_text(m, "av-name", (x, top), title, 13.0, room);
    for (i, (cls, line)) in lines.iter().enumerate() {
        fitted_text(m, cls, (x, top + 14.0 * (i as f64 + 1.0)), line, 12.0, room);
    }
    m.close("g");
}

/// A line of text centred at `at`, squeezed into `room` px when, measured at
/// `px`, it would be wider.
fn fitted_text(m: &mut Markup, class: &str, at: (f64, f64), text: &str, px: f64, room: f64) {
    let (x, y, room_text) = (num(at.0), num(at.1), num(room));
    let mut attrs = vec![
        ("class", class),
        ("x", x.as_str()),
        ("y", y.as_str()),
        ("text-anchor", "middle"),
    ];
    if text_width(text, px) > room {
        attrs.push(("textLength", &room_text));
        attrs.push(("lengthAdjust", "spacingAndGlyphs"));
    }
    m.elem("text", &attrs, text);
}

/// A route of two points or more (a line for two, a polyline for more).
fn polyline(m: &mut Markup, class: &str, points: &[(f64, f64)]) {
    if let [a, b] = points {
        return line(m, class, *a, *b);
    }
    let at: Vec<String> = points
        .iter()
        .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
        .collect();
    m.empty(
        "polyline",
        &[
            ("class", class),
            ("points", &at.join(" ")),
            ("fill", "none"),
        ],
    );
}

fn line(m: &mut Markup, class: &str, a: (f64, f64), b: (f64, f64)) {
    m.empty(
        "line",
        &[
            ("class", class),
            ("x1", &num(a.0)),
            ("y1", &num(a.1)),
            ("x2", &num(b.0)),
            ("y2", &num(b.1)),
        ],
    );
}

/// The stage of one side, as SVG markup, `width` CSS px wide.
pub fn stage_svg(sim: &AvailabilitySim, lang: Lang, width: f64, still: bool) -> String {
    let model = sim.model();
    let c = model.config();
    let lay = Layout::for_width(width);
    let now = sim.now();
    let now_ms = ms(now);
    let travel = travel_ms(sim);
    let route = model.command_route();
    let primary = model.primary_instance(now);
    let backup = model.backup_instance();
    let queries = model.queries_instance(now);
    let mut m = Markup::new();
    m.open(
        "svg",
        &[
            ("class", "stage-svg av-svg"),
            ("viewBox", &format!("0 0 {} {}", num(lay.w), num(lay.h))),
            ("role", "img"),
            ("aria-label", &stage_sentence(sim, lang)),
        ],
    );
    // Routes: clients → gateway, gateway → each backend (the one in use solid).
    let (gx, gy, gw, gh) = lay.gateway;
    let (cx, cy, cw, ch) = lay.clients;
    if lay.stacked {
        let x = lay.way_in_x();
        line(
            &mut m,
            "av-route on",
            (x, cy + ch / 2.0),
            (x, gy - gh / 2.0),
        );
    } else {
        line(
            &mut m,
            "av-route on",
            (cx + cw / 2.0, cy),
            (gx - gw / 2.0, gy),
        );
    }
    let to = |b: (f64, f64, f64, f64)| (b.0 - b.2 / 2.0, b.1);
    for (b, on, lane) in [
        (lay.primary, route == CommandRoute::Primary, "primary"),
        (lay.backup, route == CommandRoute::Backup, "backup"),
        (lay.queries, !queries.is_down(), "queries"),
    ] {
        let class = if on { "av-route on" } else { "av-route off" };
        m.open(
            "g",
            &[
                ("data-route", lane),
                ("data-on", if on { "1" } else { "0" }),
            ],
        );
        polyline(&mut m, class, &lay.route(b));
        m.close("g");
    }
    // The monitor's pings to the primary.
    let (mx, my, mw, _) = lay.monitor;
    let recent = model.recent();
    let last_echo = recent.pings.iter().rev().find_map(|p| p.echo);
    let fresh =
        last_echo.is_some_and(|e| now_ms - ms(e) <= model.tactics().interval_ms as f64 * 1.5);
    // Silent (in the failure colour) only while the monitor pings and hears
    // nothing: before its first ping and once the run is over it is idle,
    // not silent (a healthy primary's line was orange at the start and end).
    let idle = recent.pings.is_empty() || sim.is_finished();
    line(
        &mut m,
        if fresh {
            "av-ping fresh"
        } else if idle {
            "av-ping idle"
        } else {
            "av-ping silent"
        },
        if lay.stacked {
            (mx, my + lay.monitor.3 / 2.0)
        } else {
            (mx + mw / 2.0, my)
        },
        if lay.stacked {
            (lay.primary.0, lay.primary.1 - lay.primary.3 / 2.0)
        } else {
            to(lay.primary)
        },
    );
    // Boxes.
    let short = lay.narrow;
    let pct = engine::i18n::format::decimal(lang, c.load.command_share * 100.0, 0);
    draw_box(
        &mut m,
        lay.clients,
        "clients",
        "",
        t(lang, "availability.stage.clients"),
        &[
            (
                "av-sub",
                tf(
                    lang,
                    "availability.stage.rate",
                    &[(
                        "rate",
                        &crate::charts::fmt_number(lang, c.load.requests_per_s),
                    )],
                ),
            ),
            (
                "av-sub",
                if short {
                    format!("{pct} % {}", t(lang, "availability.stage.reg_short"))
                } else {
                    tf(lang, "availability.stage.share", &[("pct", &pct)])
                },
            ),
        ],
    );
    let s = &model.stats;
    let cmd_to = match route {
        CommandRoute::Primary => t(lang, "availability.route.primary"),
        CommandRoute::Backup => t(lang, "availability.route.backup"),
        CommandRoute::Nowhere if short => "503",
        CommandRoute::Nowhere => t(lang, "availability.route.nowhere"),
    };
    draw_box(
        &mut m,
        lay.gateway,
        "gateway",
        if route == CommandRoute::Nowhere {
            "av-warn"
        } else {
            ""
        },
        t(
            lang,
            if short {
                "availability.stage.gateway_short"
            } else {
                "availability.stage.gateway"
            },
        ),
        &[
            (
                if route == CommandRoute::Nowhere {
                    "av-sub av-bad"
                } else {
                    "av-sub"
                },
                format!(
                    "{} → {cmd_to}",
                    if short {
                        t(lang, "availability.stage.reg_short")
                    } else {
                        "/api-commands"
                    }
                ),
            ),
            (
                "av-sub",
                format!(
                    "{} → {}",
                    if short {
                        t(lang, "availability.stage.query_short")
                    } else {
                        "/api-queries"
                    },
                    t(lang, "availability.route.queries")
                ),
            ),
            (
                "av-errors",
                if short {
                    "502 · 503 · 504".to_string()
                } else {
                    t(lang, "availability.stage.errors").to_string()
                },
            ),
            (
                "av-errors-n",
                if short {
                    format!("{} · {} · {}", s.e502, s.e503, s.e504)
                } else {
                    format!("502 ×{} · 503 ×{} · 504 ×{}", s.e502, s.e503, s.e504)
                },
            ),
        ],
    );
    let th = model.threshold();
    let level = model.level_now();
    // Short, φ keeps its symbol; the misses say what they count ("× 0/4" did not).
    let monitor_line = if short && th.phi {
        format!(
            "φ {}/{}",
            engine::i18n::format::decimal(lang, level.min(99.0), 1),
            engine::num::Short(th.value)
        )
    } else if short {
        // Past the limit the count goes on: "missed 11/3" read as a fraction.
        let (n, k) = (level as u64, th.value as u64);
        let key = if n >= k {
            "availability.stage.misses_short_over"
        } else {
            "availability.stage.misses_short"
        };
        tf(lang, key, &[("n", &n), ("k", &k)])
    } else if th.phi {
        tf(
            lang,
            "availability.stage.phi",
            &[
                (
                    "phi",
                    &engine::i18n::format::decimal(lang, level.min(99.0), 1),
                ),
                ("threshold", &engine::num::Short(th.value)),
            ],
        )
    } else {
        tf(
            lang,
            "availability.stage.misses",
            &[("n", &(level as u64)), ("k", &(th.value as u64))],
        )
    };
    let band = model.band_now();
    draw_box(
        &mut m,
        lay.monitor,
        "monitor",
        &format!("av-band-{}", band.key()),
        t(lang, "availability.stage.monitor"),
        &[("av-sub", monitor_line)],
    );
    for (b, lane, title, state) in [
        (
            lay.primary,
            "primary",
            if short {
                "availability.stage.primary_short"
            } else {
                "availability.stage.primary"
            },
            primary,
        ),
        (
            lay.backup,
            "backup",
            if short {
                "availability.stage.backup_short"
            } else {
                "availability.stage.backup"
            },
            backup,
        ),
        (
            lay.queries,
            "queries",
            if short {
                "availability.stage.queries_short"
            } else {
                "availability.stage.queries"
            },
            queries,
        ),
    ] {
        let class = format!(
            "av-st-{}{}",
            state.key(),
            if state.is_down() { " av-down" } else { "" }
        );
        m.open("g", &[("data-state", state.key())]);
        // Short, a resync says so in a word ("copying the backup's writes" was
        // squeezed unreadable into half a phone's box).
        let label = if short && state == InstanceState::Resyncing {
            t(lang, "availability.state.resyncing_short").to_string()
        } else {
            state_label(lang, state)
        };
        let mut lines = vec![("av-state", label)];
        let mut class = class;
        if lane == "queries" {
            let copy = model.copy_state(now);
            // A paused or rebuilding projector is a warning on the box itself.
            if copy.paused || copy.rebuilding {
                class.push_str(" av-warn");
            }
            let workers = model.queries_workers(now);
            match workers {
                // With a workers limit: how many are busy, and while a queue
                // stands, the wait a query arriving now has (the capacity
                // lesson's queue was nowhere on the stage).
                Some(w) => {
                    lines[0].1 = tf(
                        lang,
                        "availability.stage.workers_busy",
                        &[("state", &lines[0].1), ("n", &w.busy), ("c", &w.capacity)],
                    );
                    if w.wait_ms > 0.0 {
                        if w.wait_ms > c.query_timeout_ms as f64 {
                            class.push_str(" av-warn");
                        }
                        let key = if short {
                            "availability.stage.queue_wait_short"
                        } else {
                            "availability.stage.queue_wait"
                        };
                        let wait = crate::charts::fmt_ms(lang, w.wait_ms);
                        lines.push(("av-sub av-queue", tf(lang, key, &[("wait", &wait)])));
                    } else {
                        lines.push(("av-sub av-copy", copy_label(lang, copy, !short)));
                    }
                }
                None => lines.push(("av-sub av-copy", copy_label(lang, copy, !short))),
            }
        }
        draw_box(&mut m, b, lane, &class, t(lang, title), &lines);
        m.close("g");
    }
    // Dots: the newest requests still on stage.
    let mut drawn = 0;
    for s in recent.requests.iter().rev() {
        if drawn >= MAX_DOTS {
            break;
        }
        let Some(((x, y), answered)) = dot_at(&lay, s, now_ms, travel, still) else {
            continue;
        };
        drawn += 1;
        let class = if answered {
            format!("av-dot {}", outcome_class(s.code))
        } else {
            "av-dot pending".to_string()
        };
        let r = if s.command { "4.5" } else { "3.5" };
        m.empty(
            "circle",
            &[
                ("class", &class),
                ("cx", &num(x)),
                ("cy", &num(y)),
                ("r", r),
                (
                    "data-code",
                    if answered {
                        outcome_class(s.code)
                    } else {
                        "pending"
                    },
                ),
            ],
        );
    }
    m.close("svg");
    m.finish()
}

/// The queries service's copy in a few words: "copy 12 behind".
/// With `wait`, how long the oldest missing one has waited: "copy 12 behind (3.5 s)".
pub fn copy_label(lang: Lang, c: CopyState, wait: bool) -> String {
    if c.rebuilding {
        return t(lang, "availability.stage.copy_rebuilding").to_string();
    }
    if c.behind == 0 {
        return t(lang, "availability.stage.copy_fresh").to_string();
    }
    let key = if c.paused {
        "availability.stage.copy_paused"
    } else {
        "availability.stage.copy_behind"
    };
    let text = engine::i18n::tn(lang, key, c.behind, &[("n", &c.behind)]);
    match c.oldest_ms.filter(|_| wait) {
        Some(ms) => format!("{text} ({})", crate::charts::fmt_ms(lang, ms)),
        None => text,
    }
}

/// The stage in one sentence (its text alternative).
pub fn stage_sentence(sim: &AvailabilitySim, lang: Lang) -> String {
    let model = sim.model();
    let now = sim.now();
    let route = match model.command_route() {
        CommandRoute::Primary => t(lang, "availability.route.primary"),
        CommandRoute::Backup => t(lang, "availability.route.backup"),
        CommandRoute::Nowhere => t(lang, "availability.route.nowhere"),
    };
    let s = &model.stats;
    tf(
        lang,
        "availability.stage.sentence",
        &[
            ("route", &route),
            ("primary", &state_label(lang, model.primary_instance(now))),
            ("backup", &state_label(lang, model.backup_instance())),
            ("queries", &state_label(lang, model.queries_instance(now))),
            ("e502", &s.e502),
            ("e503", &s.e503),
            ("e504", &s.e504),
        ],
    )
}

/// The gap between a crash and its detection, named: "The primary crashed
/// 1.2 s ago — the monitor has not noticed yet (2 of 3 pings missed)".
/// `None` while the primary is up or once the monitor has declared it down.
pub fn gap_text(sim: &AvailabilitySim, lang: Lang) -> Option<String> {
    let u = sim.model().unnoticed(sim.now())?;
    let level = if u.threshold.phi {
        tf(
            lang,
            "availability.gap.phi",
            &[
                (
                    "phi",
                    &engine::i18n::format::decimal(lang, u.level.min(99.0), 1),
                ),
                ("threshold", &engine::num::Short(u.threshold.value)),
            ],
        )
    } else {
        tf(
            lang,
            "availability.gap.misses",
            &[("n", &(u.level as u64)), ("k", &(u.threshold.value as u64))],
        )
    };
    Some(tf(
        lang,
        if u.hang {
            "availability.gap.hung"
        } else {
            "availability.gap.crashed"
        },
        &[
            ("ago", &crate::charts::fmt_countdown(lang, u.for_ms)),
            ("level", &level),
        ],
    ))
}

/// The legend under the stage: what the dots' colours mean.
fn legend() -> impl IntoView {
    let item = |class: &'static str, key: &'static str| {
        view! {
            <span class="av-legend-item">
                <svg width="12" height="12" aria-hidden="true"><circle class=format!("av-dot {class}") cx="6" cy="6" r="4.5" /></svg>
                " "
                {tr(key)}
            </span>
        }
    };
    view! {
        <p class="av-legend help">
            {item("ok", "availability.legend.ok")}
            {item("pending", "availability.legend.pending")}
            {item("e502", "availability.legend.e502")}
            {item("e503", "availability.legend.e503")}
            {item("e504", "availability.legend.e504")}
        </p>
    }
}

/// The stage of one side.
#[component]
pub fn AvailStage(view: AvailView, side: usize) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    let width = crate::charts::use_element_width(node, 560.0);
    let still = crate::charts::prefers_reduced_motion();
    let svg = move || {
        let lang = view.lang.get();
        let w = width.get();
        view.with(|run| {
            run.sides
                .get(side)
                .map(|sim| stage_svg(sim, lang, w, still))
                .unwrap_or_default()
        })
    };
    let gap = move || {
        let lang = view.lang.get();
        view.with(|run| run.sides.get(side).and_then(|sim| gap_text(sim, lang)))
    };
    view! {
        <figure class="av-stage" data-testid=format!("av-stage-{side}")>
            <p class=move || if gap().is_some() { "av-gap" } else { "av-gap quiet" } role="status" data-testid=format!("av-gap-{side}")>
                {move || gap().unwrap_or_default()}
            </p>
            <div class="stage-plot" node_ref=node inner_html=svg></div>
            <figcaption>
                {legend()}
                <span class="help">{tr("availability.stage.help")}</span>
            </figcaption>
        </figure>
    }
}

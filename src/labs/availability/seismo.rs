//! The heartbeat "seismograph" of the monitored registration service: the
//! last few dozen ping intervals scrolling right to left. On top, each ping
//! (a small tick) and its echo (a tall tick; late ones in the waiting colour),
//! a cross at the deadline of each ping not echoed by then (late or never); in the middle the suspicion level —
//! echoes missed in a row, or φ — against the threshold that declares the
//! service down; at the bottom the state band (up, suspected, down,
//! promoted, resyncing), with the stretches the primary was really down
//! shaded behind it all. SVG written as text from the engine's short rings.

use super::AvailView;
use crate::charts::{fmt_count, fmt_ms};
use crate::i18n::tr;
use crate::markup::{num, Markup};
use engine::i18n::{t, tf, tn};
use engine::labs::availability::view::{
    seismo_window_of, Band, SeismoTrack, SeismoWindow, SEISMO_FIT,
};
use engine::labs::availability::{AvailabilityModel, AvailabilityRun};
use engine::time::SimTime;
use engine::Lang;
use leptos::prelude::*;

const H: f64 = 112.0;
const TICKS_Y: f64 = 26.0;
const LEVEL_TOP: f64 = 34.0;
const LEVEL_BOTTOM: f64 = 80.0;
const BAND_Y: f64 = 86.0;
const BAND_H: f64 = 18.0;
/// Drawings narrower than this (half a phone) get the short scale sentences.
pub const SHORT_BELOW: f64 = 300.0;

fn ms(t: SimTime) -> f64 {
    t.as_micros() as f64 / 1000.0
}

/// The window every side's seismograph shows (the engine's rule: one span
/// for A and B, that of the side pinging least often; a long run's latest
/// crash up close).
pub fn window(run: &AvailabilityRun) -> SeismoWindow {
    let models: Vec<&AvailabilityModel> = run.sides.iter().map(|s| s.model()).collect();
    seismo_window_of(&models, run.now())
}

/// Pings that fit one by one in a drawing `width` px wide: one every 5 px
/// at least (48 in a card; 28 in half a phone, where 48 ticks and their
/// crosses ran together into a hatched bar).
pub fn fit(width: f64) -> usize {
    ((width.max(150.0) - 8.0) / 5.0)
        .floor()
        .clamp(12.0, SEISMO_FIT as f64) as usize
}

/// What side `side` draws in the window, `width` px wide.
fn track(run: &AvailabilityRun, side: usize, w: &SeismoWindow, width: f64) -> Option<SeismoTrack> {
    let sim = run.sides.get(side)?;
    Some(sim.model().seismo_track(w, sim.now(), fit(width)))
}

/// Whether side `side`'s window holds more pings than fit one by one in
/// `width` px (then each mark sums a bucket of them).
pub fn summed(run: &AvailabilityRun, side: usize, width: f64) -> bool {
    track(run, side, &window(run), width).is_some_and(|t| t.summed)
}

/// What the window covers, under the title: its span, and when pings are
/// summed how many each mark stands for; up close on a crash, which one.
pub fn scale_text(run: &AvailabilityRun, side: usize, lang: Lang, width: f64) -> String {
    let Some(sim) = run.sides.get(side) else {
        return String::new();
    };
    let w = window(run);
    let Some(tr) = track(run, side, &w, width) else {
        return String::new();
    };
    let model = sim.model();
    let span = fmt_ms(lang, ms(w.to) - ms(w.from));
    let now = sim.now();
    // In half a phone the long sentences ran to seven lines over the drawing:
    // there, the short ones (what a mark is stays in them).
    let short = width < SHORT_BELOW;
    // Summed: the pings in the window and what one mark stands for.
    let sums = || {
        let mark = tr.buckets.first().map_or(0.0, |b| ms(b.to) - ms(b.from));
        let per = (mark / model.tactics().interval_ms.max(1) as f64).round() as u64;
        (
            fmt_count(lang, model.pings_between(w.from, w.to)),
            fmt_count(lang, per),
            fmt_ms(lang, mark),
        )
    };
    let Some(crash) = w.crash else {
        if !tr.summed {
            return tf(lang, "availability.seismo.window_each", &[("span", &span)]);
        }
        let (pings, per, width) = sums();
        if short {
            return tf(
                lang,
                "availability.seismo.window_sum_short",
                &[("span", &span), ("per", &per)],
            );
        }
        return tf(
            lang,
            "availability.seismo.window_sum",
            &[
                ("span", &span),
                ("pings", &pings),
                ("per", &per),
                ("width", &width),
            ],
        );
    };
    // Up close: the crashes in the live window, and when this one was.
    let (live_from, live_to) = w.live;
    let crashes = model
        .crashes_between(live_from.min(w.from), live_to.min(now))
        .len()
        .max(1) as u64;
    let when = if w.open_ended(now) {
        t(lang, "availability.seismo.under_way").to_string()
    } else {
        tf(
            lang,
            "availability.seismo.ago",
            &[("ago", &fmt_ms(lang, ms(now) - ms(crash)))],
        )
    };
    let head = tn(
        lang,
        if short {
            "availability.seismo.close_up_short"
        } else {
            "availability.seismo.close_up"
        },
        crashes,
        &[
            ("span", &fmt_ms(lang, ms(live_to) - ms(live_from))),
            ("n", &crashes),
            ("when", &when),
            ("width", &span),
        ],
    );
    if !tr.summed {
        return tf(
            lang,
            "availability.seismo.close_up_each",
            &[("head", &head)],
        );
    }
    let (pings, per, width) = sums();
    if short {
        return tf(
            lang,
            "availability.seismo.close_up_sum_short",
            &[("head", &head), ("per", &per)],
        );
    }
    tf(
        lang,
        "availability.seismo.close_up_sum",
        &[
            ("head", &head),
            ("pings", &pings),
            ("per", &per),
            ("mark", &width),
        ],
    )
}

/// Whether side `side`'s drawing shades a hang (the primary alive but not
/// answering), which the legend then names beside "really down".
pub fn hang_shown(run: &AvailabilityRun, side: usize) -> bool {
    let Some(sim) = run.sides.get(side) else {
        return false;
    };
    let w = window(run);
    sim.model()
        .crashes_between(w.from, w.to.min(sim.now()))
        .iter()
        .any(|&(_, _, hung)| hung)
}

/// Whether the step line through `pts` passes through the box spanning
/// `xs` and `ys` (its segments are horizontal or vertical).
fn line_near(pts: &[(f64, f64)], xs: (f64, f64), ys: (f64, f64)) -> bool {
    pts.windows(2).any(|s| {
        let (a, b) = (s[0], s[1]);
        a.0.min(b.0) <= xs.1 && a.0.max(b.0) >= xs.0 && a.1.min(b.1) <= ys.1 && a.1.max(b.1) >= ys.0
    })
}

fn band_label(lang: Lang, b: Band) -> String {
    t(lang, &format!("availability.band.{}", b.key())).to_string()
}

/// The seismograph of side `side`, `width` CSS px wide.
pub fn seismo_svg(run: &AvailabilityRun, side: usize, lang: Lang, width: f64) -> String {
    let Some(sim) = run.sides.get(side) else {
        return String::new();
    };
    let model = sim.model();
    // Drawn at its element's width down to half a phone, so its text keeps
    // its size (a 240 px drawing shrunk into 170 px read at 6-8 px).
    let w = width.max(150.0);
    let win = window(run);
    let now = sim.now();
    let tr = model.seismo_track(&win, now, fit(w));
    let (from, to) = (win.from, win.to);
    let (f, span) = (ms(from), (ms(to) - ms(from)).max(1.0));
    let now_ms = ms(now);
    let x = |t: f64| 4.0 + (t - f) / span * (w - 8.0);
    let th = model.threshold();
    let top_level = (th.value * 1.5).max(1.0);
    let y_level =
        |v: f64| LEVEL_BOTTOM - (v.min(top_level) / top_level) * (LEVEL_BOTTOM - LEVEL_TOP);
    let mut m = Markup::new();
    m.open(
        "svg",
        &[
            ("class", "av-seismo-svg"),
            ("viewBox", &format!("0 0 {} {}", num(w), num(H))),
            ("role", "img"),
            ("aria-label", &seismo_sentence(run, side, lang, w)),
            ("data-from", &from.as_ms().to_string()),
            ("data-to", &to.as_ms().to_string()),
        ],
    );
    // The primary really down (ground truth), behind everything.
    for (a, b, hung) in model.crashes_between(from, to.min(now)) {
        m.empty(
            "rect",
            &[
                ("class", if hung { "av-truth hung" } else { "av-truth" }),
                ("x", &num(x(ms(a)))),
                ("y", "0"),
                ("width", &num((x(ms(b)) - x(ms(a))).max(1.0))),
                ("height", &num(BAND_Y - 2.0)),
            ],
        );
    }
    // Pings and echoes: one by one, or summed per mark when too many.
    line(&mut m, "av-seismo-base", (4.0, TICKS_Y), (w - 4.0, TICKS_Y));
    // Marks too narrow for a count each: one count over each run of marks
    // with misses, so the "×N" the caption promises is there (a month's
    // crash was a row of bare crosses).
    let mut run: Option<(f64, f64, u64, f64)> = None;
    let mut runs = vec![];
    for b in &tr.buckets {
        let s = b.slice;
        let (x0, x1) = (x(ms(b.from)).max(4.0), x(ms(b.to)).min(w - 4.0));
        if s.pings == 0 || s.missed == 0 {
            runs.extend(run.take());
            continue;
        }
        let hgt = 18.0 * s.on_time as f64 / (s.on_time + s.missed).max(1) as f64;
        run = Some(match run {
            Some((a, _, n, h)) => (a, x1, n + u64::from(s.missed), h.max(hgt)),
            None => (x0, x1, u64::from(s.missed), hgt),
        });
    }
    runs.extend(run);
    let wide_marks = tr
        .buckets
        .iter()
        .find(|b| b.slice.pings > 0)
        .is_some_and(|b| x(ms(b.to)) - x(ms(b.from)) - 1.0 >= 14.0);
    if tr.summed && !wide_marks {
        for (a, b, n, hgt) in runs {
            let text = n.to_string();
            if b - a >= crate::markup::text_width(&text, 10.0) + 2.0 {
                m.elem(
                    "text",
                    &[
                        ("class", "av-miss-n"),
                        ("x", &num((a + b) / 2.0)),
                        ("y", &num((TICKS_Y - hgt - 6.0).max(9.0))),
                        ("text-anchor", "middle"),
                        ("data-missed-run", &text),
                    ],
                    &text,
                );
            }
        }
    }
    for b in &tr.buckets {
        let s = b.slice;
        if s.pings == 0 {
            continue;
        }
        let (x0, x1) = (x(ms(b.from)).max(4.0), x(ms(b.to)).min(w - 4.0));
        let bw = (x1 - x0 - 1.0).max(1.0);
        let judged = (s.on_time + s.missed).max(1) as f64;
        let hgt = 18.0 * s.on_time as f64 / judged;
        m.empty(
            "rect",
            &[
                ("class", "av-agg"),
                ("x", &num(x0)),
                ("y", &num(TICKS_Y - hgt)),
                ("width", &num(bw)),
                ("height", &num(hgt.max(0.5))),
            ],
        );
        if s.missed > 0 {
            m.elem(
                "text",
                &[
                    ("class", "av-miss"),
                    ("x", &num(x0 + bw / 2.0)),
                    ("y", &num(TICKS_Y + 2.0)),
                    ("text-anchor", "middle"),
                    ("data-missed", &s.missed.to_string()),
                ],
                "×",
            );
            if bw >= 14.0 {
                m.elem(
                    "text",
                    &[
                        ("class", "av-miss-n"),
                        ("x", &num(x0 + bw / 2.0)),
                        // Just above its mark, never above the drawing's top
                        // edge (a month's "114" was cut in half).
                        ("y", &num((TICKS_Y - hgt - 2.0).max(9.0))),
                        ("text-anchor", "middle"),
                    ],
                    &s.missed.to_string(),
                );
            }
        }
    }
    for p in &tr.pings {
        let px = x(ms(p.sent));
        line(&mut m, "av-tick ping", (px, TICKS_Y), (px, TICKS_Y - 5.0));
        if let Some(e) = p.echo.filter(|&e| e <= now) {
            let ex = x(ms(e));
            let late = e > p.deadline;
            line(
                &mut m,
                if late {
                    "av-tick echo late"
                } else {
                    "av-tick echo"
                },
                (ex, TICKS_Y),
                (ex, TICKS_Y - 18.0),
            );
        }
        // Missed at its deadline, the × stays when a late echo comes: the
        // monitor counted the miss then (the × used to vanish as a hung
        // primary's echoes arrived 8 s late, leaving the suspicion line
        // climbing over pings with no miss drawn).
        if p.deadline <= now && p.echo.is_none_or(|e| e > p.deadline) {
            let dx = x(ms(p.deadline));
            m.elem(
                "text",
                &[
                    ("class", "av-miss"),
                    ("x", &num(dx)),
                    ("y", &num(TICKS_Y + 2.0)),
                    ("text-anchor", "middle"),
                ],
                "×",
            );
        }
    }
    // The suspicion level, a step line, and its threshold.
    let ty = y_level(th.value);
    line(&mut m, "av-threshold", (4.0, ty), (w - 4.0, ty));
    let th_text = if th.phi {
        tf(
            lang,
            "availability.seismo.threshold_phi",
            &[("v", &engine::num::Short(th.value))],
        )
    } else {
        tf(
            lang,
            "availability.seismo.threshold_k",
            &[("k", &(th.value as u64))],
        )
    };
    // Narrow: the threshold's name alone ("k = 1") when its sentence would not fit.
    let th_text = if crate::markup::text_width(&th_text, 11.0) > w - 12.0 {
        th_text
            .split(':')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    } else {
        th_text
    };
    let th_width = crate::markup::text_width(&th_text, 11.0);
    let mut pts: Vec<(f64, f64)> = vec![];
    if tr.summed {
        // The highest level in each mark's stretch.
        for b in tr.buckets.iter().filter(|b| b.slice.pings > 0) {
            let y = y_level(b.slice.max_level);
            pts.push((x(ms(b.from)).max(4.0), y));
            pts.push((x(ms(b.to).min(now_ms)).min(w - 4.0), y));
        }
    } else {
        let mut last = tr.level_before;
        pts.push((x(f), y_level(last)));
        for &(at, v) in &tr.levels {
            let lx = x(ms(at));
            pts.push((lx, y_level(last)));
            pts.push((lx, y_level(v)));
            last = v;
        }
        pts.push((x(now_ms.min(ms(to))), y_level(last)));
    }
    let d: String = pts
        .iter()
        .enumerate()
        .map(|(i, (a, b))| format!("{}{},{}", if i == 0 { "M" } else { "L" }, num(*a), num(*b)))
        .collect();
    m.empty("path", &[("class", "av-level"), ("d", &d)]);
    // The threshold's name over the line, on its halo: the ink line of a
    // flapping detector struck it through.
    m.elem(
        "text",
        &[
            ("class", "av-threshold-label"),
            ("x", &num(w - 6.0)),
            ("y", &num(ty - 3.0)),
            ("text-anchor", "end"),
        ],
        &th_text,
    );
    // The level's name, where it leaves the threshold's clear (the help above
    // the drawing names the line too).
    let level_text = t(
        lang,
        if th.phi {
            "availability.seismo.phi"
        } else {
            "availability.seismo.misses"
        },
    );
    let level_w = crate::markup::text_width(level_text, 11.0);
    if 6.0 + level_w + 8.0 <= w - 6.0 - th_width {
        // At the top of the level's area, or at its foot, leftmost where
        // the line leaves it clear (a crash's saturated line along the top
        // struck the label through: "missed_echoes_in_a_row").
        let top = LEVEL_TOP - 1.0;
        let foot = LEVEL_BOTTOM - 3.0;
        let clear =
            |x: f64, y: f64| !line_near(&pts, (x - 2.0, x + level_w + 2.0), (y - 10.0, y + 4.0));
        let last_x = w - 8.0 - level_w;
        let (lx, ly) = std::iter::once((6.0, top))
            .chain(
                (0..)
                    .map(|i| 6.0 + 8.0 * i as f64)
                    .take_while(|&x| x <= last_x)
                    .map(|x| (x, foot)),
            )
            .find(|&(x, y)| clear(x, y))
            .unwrap_or((6.0, top));
        m.elem(
            "text",
            &[
                ("class", "av-level-label"),
                ("x", &num(lx)),
                ("y", &num(ly)),
            ],
            level_text,
        );
    }
    // The state band. "Up" first, then every other state over it, at least
    // 2 px wide: a month's half-minute verdicts were narrower than a pixel
    // and the "up" after them painted them over (the strip read "up" while
    // the misses crossed the line).
    // The shortest last, so that an instant's verdict (declared down, and
    // at once a warm backup promoted) is not painted over by what follows.
    let (up, mut other): (Vec<&(SimTime, SimTime, Band)>, Vec<_>) =
        tr.bands.iter().partition(|b| b.2 == Band::Up);
    engine::order::sort_by(&mut other, |a, b| b.1.since(b.0).cmp(&a.1.since(a.0)));
    for &(a, b, band) in up.into_iter().chain(other) {
        let (x0, x1) = (x(ms(a)), x(ms(b)));
        let x1 = if band == Band::Up {
            x1
        } else {
            x1.max(x0 + 2.0)
        };
        m.open(
            "g",
            &[
                ("class", &format!("av-band {}", band.key())),
                ("data-band", band.key()),
            ],
        );
        m.empty(
            "rect",
            &[
                ("x", &num(x0)),
                ("y", &num(BAND_Y)),
                ("width", &num((x1 - x0).max(1.0))),
                ("height", &num(BAND_H)),
            ],
        );
        let label = band_label(lang, band);
        if x1 - x0 > label.chars().count() as f64 * 6.5 + 6.0 {
            m.elem(
                "text",
                &[("x", &num(x0 + 4.0)), ("y", &num(BAND_Y + 13.0))],
                &label,
            );
        }
        m.close("g");
    }
    // Each verdict (declared down), marked above the band however short
    // its stretch: a warm backup takes over the instant it is declared.
    for &v in &tr.verdicts {
        let vx = x(ms(v));
        m.empty(
            "path",
            &[
                ("class", "av-verdict"),
                ("data-at", &v.as_ms().to_string()),
                (
                    "d",
                    &format!(
                        "M{},{}L{},{}L{},{}Z",
                        num(vx - 4.0),
                        num(BAND_Y - 7.0),
                        num(vx + 4.0),
                        num(BAND_Y - 7.0),
                        num(vx),
                        num(BAND_Y - 1.0)
                    ),
                ),
            ],
        );
    }
    // Now.
    if now_ms <= ms(to) {
        line(&mut m, "av-now", (x(now_ms), 0.0), (x(now_ms), H));
    }
    m.close("svg");
    m.finish()
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

/// The seismograph in one sentence.
pub fn seismo_sentence(run: &AvailabilityRun, side: usize, lang: Lang, width: f64) -> String {
    let Some(sim) = run.sides.get(side) else {
        return String::new();
    };
    let model = sim.model();
    let th = model.threshold();
    let now = sim.now();
    let tr = model.seismo_track(&window(run), now, fit(width));
    let (pings, echoed) = if tr.summed {
        tr.buckets.iter().fold((0u64, 0u64), |a, b| {
            (
                a.0 + u64::from(b.slice.on_time + b.slice.missed),
                a.1 + u64::from(b.slice.on_time),
            )
        })
    } else {
        let judged: Vec<_> = tr.pings.iter().filter(|p| p.deadline <= now).collect();
        let echoed = judged
            .iter()
            .filter(|p| p.echo.is_some_and(|e| e <= p.deadline))
            .count();
        (judged.len() as u64, echoed as u64)
    };
    let w = window(run);
    tf(
        lang,
        if w.crash.is_some() {
            "availability.seismo.sentence_close"
        } else {
            "availability.seismo.sentence"
        },
        &[
            ("band", &band_label(lang, model.band_now())),
            (
                "level",
                &engine::i18n::format::decimal(lang, model.level_now().min(99.0), 1),
            ),
            ("threshold", &engine::num::Short(th.value)),
            ("pings", &pings),
            ("echoes", &echoed),
        ],
    )
}

/// The seismograph of one side, with its legend.
#[component]
pub fn Seismograph(view: AvailView, side: usize) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    let width = crate::charts::use_element_width(node, 560.0);
    let svg = move || {
        let lang = view.lang.get();
        let w = width.get();
        view.with(|run| {
            run.sides
                .get(side)
                .map(|_| seismo_svg(run, side, lang, w))
                .unwrap_or_default()
        })
    };
    let band = move |b: Band| {
        view! { <span class=format!("av-band-key {}", b.key())>{tr(match b {
            Band::Up => "availability.band.up",
            Band::Suspected => "availability.band.suspected",
            Band::Down => "availability.band.down",
            Band::Promoted => "availability.band.promoted",
            Band::Resyncing => "availability.band.resyncing",
        })}</span> }
    };
    view! {
        <figure class="av-seismo" data-testid=format!("av-seismo-{side}")>
            <figcaption class="av-seismo-title">
                <strong>{tr("availability.seismo.title")}</strong>
                " "
                <span class="help">{tr("availability.seismo.help")}</span>
            </figcaption>
            <p class="av-seismo-scale help" data-testid=format!("av-seismo-scale-{side}") data-summed=move || view.with(|run| summed(run, side, width.get()).to_string())>
                {move || {
                    let lang = view.lang.get();
                    let w = width.get();
                    view.with(|run| scale_text(run, side, lang, w))
                }}
            </p>
            <div class="stage-plot" node_ref=node inner_html=svg></div>
            <p class="av-legend help" aria-hidden="true">
                {Band::ALL.into_iter().map(band).collect_view()}
                <span class="av-band-key truth">{tr("availability.seismo.truth")}</span>
                <Show when=move || view.with(|run| hang_shown(run, side))>
                    <span class="av-band-key truth hung" data-testid=format!("av-key-hung-{side}")>{tr("availability.band.hung")}</span>
                </Show>
            </p>
        </figure>
    }
}

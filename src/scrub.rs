//! The scrubber: a range over the run's simulated time, from 0 to the end of
//! its time axis (which grows while the run plays; until a run of unknown
//! length ends, it reaches a quarter past the furthest point played, so the
//! track never reads as full before the end), with the run's marks —
//! outages as shaded stretches, breaker openings as ticks, guided moments as
//! dots — drawn behind it and listed for screen readers. Dragging, clicking
//! or the range's keys (←/→ 1 % of the axis, Page Up/Down 10 %, Home/End) seek; the seek
//! replays from the nearest snapshot in capped chunks across frames
//! ([`Playback::seek_ms`]) and says "seeking…" while it runs.
//!
//! Lab-agnostic: it reads the run only through [`LabRun`] (`marks`,
//! `time_domain_ms`, `end_known`), so every lab's page places it unchanged.

use crate::i18n::{tr, trf, use_i18n};
use crate::player::{ms_of, Playback};
use engine::i18n::t;
use engine::labs::run::{Mark, MarkKind};
use engine::labs::LabRun;
use engine::time::human_ms_in;
use engine::Lang;
use leptos::prelude::*;

/// At most this many marks are drawn (a flapping breaker can open hundreds of times).
pub const MAX_DRAWN_MARKS: usize = 400;
/// At most this many breaker openings are read out per side.
const MAX_READ_MARKS: usize = 8;

/// Marks seen so far in this run, merged: a mark seen once stays (the run is
/// deterministic, so a breaker opening seen before a seek back is still real).
/// A stretch still going on (a crash shown only up to now) is the same mark
/// as it grows: its end moves on.
pub fn merge_marks(mut known: Vec<Mark>, fresh: Vec<Mark>) -> Vec<Mark> {
    for m in fresh {
        if let Some(k) = known
            .iter_mut()
            .find(|k| k.kind == m.kind && k.side == m.side && k.at_ms == m.at_ms)
        {
            if let (Some(a), Some(b)) = (k.until_ms, m.until_ms) {
                k.until_ms = Some(a.max(b));
            }
            continue;
        }
        if known.len() >= MAX_DRAWN_MARKS {
            break;
        }
        known.push(m);
    }
    engine::order::sort_by(&mut known, |a, b| a.at_ms.total_cmp(&b.at_ms));
    known
}

fn side_name(lang: Lang, side: Option<usize>) -> String {
    match side {
        Some(1) => t(lang, "ui.side_b").to_string(),
        _ => t(lang, "ui.side_a").to_string(),
    }
}

/// What the marks say, one sentence per outage and one per side's breaker.
fn describe_marks(
    lang: Lang,
    marks: &[Mark],
    outage_key: impl Fn(&Mark) -> &'static str,
) -> Vec<String> {
    let mut out = Vec::new();
    for m in marks.iter().filter(|m| m.kind == MarkKind::Outage) {
        out.push(trf(
            lang,
            outage_key(m),
            &[
                ("from", &human_ms_in(lang, m.at_ms)),
                ("to", &human_ms_in(lang, m.until_ms.unwrap_or(m.at_ms))),
            ],
        ));
    }
    for side in [None, Some(0), Some(1)] {
        let times: Vec<f64> = marks
            .iter()
            .filter(|m| m.kind == MarkKind::BreakerOpen && m.side == side)
            .map(|m| m.at_ms)
            .collect();
        if times.is_empty() {
            continue;
        }
        let mut list: Vec<String> = times
            .iter()
            .take(MAX_READ_MARKS)
            .map(|&ms| human_ms_in(lang, ms))
            .collect();
        if times.len() > MAX_READ_MARKS {
            list.push("…".to_string());
        }
        out.push(trf(
            lang,
            "scrub.mark_breaker",
            &[
                ("side", &side_name(lang, side)),
                ("n", &times.len()),
                ("times", &list.join(", ")),
            ],
        ));
    }
    out
}

/// While the end is not known, the axis reaches this far past the furthest
/// point played, so a run playing on past its window never reads as full.
pub const OPEN_END: f64 = 1.25;

/// A run of unknown length that a copy plays to its end within this many
/// events has its end known from the start (the run is deterministic): the
/// text's one-order demo read as 80 % done at 46 ms of 2.29 s. A run too
/// long for that keeps [`OPEN_END`]. About a few milliseconds, once per run.
pub const PROBE_EVENTS: u64 = 20_000;

/// Where `run` will end (its time axis then), when a copy gets there within
/// [`PROBE_EVENTS`] events; `None` for a longer run.
pub fn probe_end<R: LabRun + Clone>(run: &R) -> Option<f64> {
    if run.is_finished() {
        return Some(run.time_domain_ms());
    }
    let mut copy = run.clone();
    match copy.run_until(engine::SimTime::from_ms(u64::MAX / 2_000), PROBE_EVENTS) {
        engine::Progress::Finished => Some(copy.time_domain_ms()),
        _ => None,
    }
}

/// Where the axis ends, in ms, given where it ended before in this run
/// (`prev`: its end, and whether the run's end was known), how far the run is
/// known to reach (`known`), the clock (`now`) and whether the end is known
/// now (`done`: it has ended, or the lab runs for a fixed time). It never
/// shrinks while a run plays on, nor when seeking back (the thumb would
/// jump): only when the run ends, and the full track then says it has.
pub fn axis_end(prev: Option<(f64, bool)>, known: f64, now: f64, done: bool) -> f64 {
    match prev {
        Some((end, true)) => end.max(known),
        _ if done => known,
        Some((end, false)) => end.max(known).max(now * OPEN_END),
        None => known.max(now * OPEN_END),
    }
}

fn pct(ms: f64, domain: f64) -> f64 {
    (ms / domain.max(1.0) * 100.0).clamp(0.0, 100.0)
}

/// A keyboard step of about 1 % of the axis, in whole milliseconds.
fn key_step(domain: f64) -> f64 {
    (domain / 100.0).round().max(1.0)
}

/// The scrubber for a run driven by [`crate::player::drive`]. Place it in the
/// player slot, beside the [`crate::player::PlayerBar`].
#[component]
pub fn Scrubber<R>(playback: Playback<R>) -> impl IntoView
where
    R: LabRun + Clone + 'static,
{
    let lang = use_i18n().lang;
    let clock = playback.clock;
    let run = playback.run;
    // The axis: (epoch, where it ends, whether the run's end is known).
    // Every frame while the end is unknown; it only changes when its end does.
    // A short run's end, found once per run by playing a copy to it.
    let probed = Memo::new(move |_| {
        playback.epoch.track();
        run.with_value(|r| if r.end_known() { None } else { probe_end(r) })
    });
    let domain = Memo::new(move |prev: Option<&(u64, f64, bool)>| {
        clock.frame.track();
        clock.tick.track();
        let epoch = playback.epoch.get();
        let probed = probed.get();
        let (d, now, done) = run.with_value(|r| {
            (
                probed.map_or(r.time_domain_ms(), |end| end.max(r.time_domain_ms())),
                ms_of(r.now()),
                r.end_known() || r.is_finished() || probed.is_some(),
            )
        });
        // (The clock the thumb shows runs on between the run's events.)
        let now = now.max(clock.sim_ms.get_untracked());
        let prev = prev.filter(|p| p.0 == epoch).copied();
        (
            epoch,
            axis_end(prev.map(|p| (p.1, p.2)), d, now, done),
            prev.is_some_and(|p| p.2) || done,
        )
    });
    let domain_ms = move || domain.get().1;
    let marks = Memo::new(move |prev: Option<&(u64, Vec<Mark>)>| {
        clock.tick.track();
        let epoch = playback.epoch.get();
        let fresh = run.with_value(|r| r.marks());
        let known = match prev {
            Some((e, known)) if *e == epoch => known.clone(),
            _ => Vec::new(),
        };
        (epoch, merge_marks(known, fresh))
    });
    let shown_ms = move || {
        playback
            .seek_target_ms
            .get()
            .unwrap_or_else(|| clock.sim_ms.get())
    };
    let value_text = move || {
        trf(
            lang.get(),
            "scrub.valuetext",
            &[
                ("at", &human_ms_in(lang.get(), shown_ms())),
                ("end", &human_ms_in(lang.get(), domain_ms())),
            ],
        )
    };
    let on_input = move |ev: leptos::ev::Event| {
        if let Some(v) = crate::browser::parse_f64(&event_target_value(&ev)) {
            // The far right is the end of the run, not only the axis' end.
            if v >= domain_ms() {
                playback.seek_end();
            } else {
                playback.seek_ms(v);
            }
        }
    };
    // The range's keys, by hand: with `step="any"` (so the thumb shows the
    // exact time, not the nearest step) the browser's own steps are too small.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let d = domain_ms();
        let here = shown_ms();
        let step = key_step(d);
        let to = match ev.key().as_str() {
            "ArrowLeft" | "ArrowDown" => here - step,
            "ArrowRight" | "ArrowUp" => here + step,
            "PageDown" => here - 10.0 * step,
            "PageUp" => here + 10.0 * step,
            "Home" => 0.0,
            "End" => d,
            _ => return,
        };
        ev.prevent_default();
        if to >= d {
            playback.seek_end();
        } else {
            playback.seek_ms(engine::num::clamp(to, 0.0, d));
        }
    };

    let outages = move || {
        let d = domain_ms();
        marks.with(|(_, ms)| {
            ms.iter()
                .filter(|m| m.kind == MarkKind::Outage)
                .map(|m| {
                    let left = pct(m.at_ms, d);
                    let right = pct(m.until_ms.unwrap_or(m.at_ms), d);
                    view! {
                        <span
                            class="scrub-outage"
                            data-testid="scrub-outage"
                            style:left=format!("{}%", engine::num::Fixed(left, 3))
                            style:width=format!("{}%", engine::num::Fixed((right - left).max(0.4), 3))
                        ></span>
                    }
                })
                .collect_view()
        })
    };
    let breakers = move || {
        let d = domain_ms();
        marks.with(|(_, ms)| {
            ms.iter()
                .filter(|m| m.kind == MarkKind::BreakerOpen)
                .map(|m| {
                    let side = if m.side == Some(1) { "B" } else { "A" };
                    view! {
                        <span
                            class="scrub-breaker"
                            data-testid="scrub-breaker"
                            data-side=side
                            style:left=format!("{}%", engine::num::Fixed(pct(m.at_ms, d), 3))
                        ></span>
                    }
                })
                .collect_view()
        })
    };
    let moments = move || {
        let d = domain_ms();
        clock.guide.moments.with(|ms| {
            ms.iter()
                .map(|m| {
                    view! {
                        <span
                            class="scrub-moment"
                            data-testid="scrub-moment"
                            style:left=format!("{}%", engine::num::Fixed(pct(m.at_ms as f64, d), 3))
                        ></span>
                    }
                })
                .collect_view()
        })
    };
    let described = move || {
        let lang = lang.get();
        marks.with(|(_, ms)| {
            describe_marks(lang, ms, |m| run.with_value(|r| r.outage_key(m)))
                .into_iter()
                .map(|line| view! { <li>{line}</li> })
                .collect_view()
        })
    };

    view! {
        <div class="scrubber" data-testid="scrubber" class:seeking=move || clock.seeking.get()>
            <div class="scrub-rail">
                <div class="scrub-marks" aria-hidden="true">
                    {outages}
                    {moments}
                    {breakers}
                </div>
                <input
                    type="range"
                    class="scrub-range"
                    data-testid="scrub"
                    min="0"
                    max=move || engine::num::fixed(domain_ms().ceil(), 0)
                    step="any"
                    prop:value=move || engine::num::fixed(shown_ms(), 3)
                    aria-label=tr("scrub.label")
                    aria-valuetext=value_text
                    aria-describedby="scrub-marks"
                    on:input=on_input
                    on:keydown=on_key
                />
            </div>
            <ul id="scrub-marks" class="visually-hidden" data-testid="scrub-marks">
                {described}
            </ul>
            <span class="scrub-status" role="status" data-testid="seeking">
                {move || clock.seeking.get().then(|| t(lang.get(), "scrub.seeking").to_string())}
            </span>
        </div>
    }
}

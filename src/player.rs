//! Time control for any lab: play, pause, step one event forward or back,
//! seek (the scrubber, in `scrub.rs`), speed on a log scale, reset, seed,
//! and guided moments (the player pauses at a preset's moments and the page
//! shows their captions). While playing or seeking, the engine is driven in
//! bounded chunks, one per animation frame, so the page never freezes: if a
//! frame's share of simulated time holds more events than the chunk allows,
//! the simulation falls behind the wall clock (and says so) instead of
//! blocking the tab; a long seek takes several frames and says "seeking…".
//!
//! A page drives its run with [`drive`], which returns the run's [`Playback`]:
//! the handle for the scrubber, "step back", and replacing the run.

use crate::browser;
use crate::i18n::{tr, use_i18n};
use crate::icons;
use engine::i18n::t;
use engine::labs::rewind::{Goal, Rewind, Seek};
use engine::labs::run::Moment;
use engine::labs::LabRun;
use engine::{Lang, Progress, SimTime};
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;

/// Most events handled in one animation frame while playing (all sides).
pub const EVENTS_PER_FRAME: u64 = 20_000;
/// The engine's share of a frame, in ms of wall-clock time (a 60 Hz frame is
/// 16.7 ms; the rest is for the views, layout and paint).
const FRAME_BUDGET_MS: f64 = 8.0;
/// Events between two looks at the frame budget.
const EVENTS_PER_CHUNK: u64 = 2_000;
/// A seek replays in chunks of this many events…
pub const SEEK_CHUNK_EVENTS: u64 = 10_000;
/// …as many as fit in this much of a frame (at least one), so a long seek
/// is as fast as the device allows and still never one long task.
pub const SEEK_FRAME_MS: f64 = 12.0;
/// Longest wall-clock gap a frame may cover (a background tab, a slow frame).
const MAX_FRAME_MS: f64 = 100.0;
/// How often the heavy views refresh while playing.
const SLOW_TICK_MS: f64 = 100.0;
pub const MIN_SPEED_LOG: f64 = -1.0;
pub const MAX_SPEED_LOG: f64 = 3.0;

/// The player's state, shared by the bar and the lab that owns the run.
#[derive(Clone, Copy)]
pub struct Clock {
    pub playing: RwSignal<bool>,
    /// log10 of simulated seconds per real second (−1 … 3).
    pub speed_log: RwSignal<f64>,
    /// The speed slider's top: [`MAX_SPEED_LOG`], or a lab's starting speed
    /// when that is faster (a simulated month plays in seconds).
    pub max_speed_log: RwSignal<f64>,
    /// The run has no events left.
    pub finished: RwSignal<bool>,
    /// The last frame could not handle all its events: the run is behind.
    pub lagging: RwSignal<bool>,
    /// Bumps when the run changes, at most ~10 times a second while playing:
    /// the heavy views (log, metrics, charts, timeline) follow it.
    pub tick: RwSignal<u64>,
    /// The same as `tick` for the heavier views below the stage (the charts,
    /// then the log), bumped on the next frames after it while playing: the
    /// ~10 Hz refresh is spread over three frames, so no frame does all of it.
    /// A step, a seek or the end bumps all three at once.
    pub tick_later: [RwSignal<u64>; 2],
    /// Bumps every animation frame while playing (and with every `tick`): the
    /// stage's moving dots follow it.
    pub frame: RwSignal<u64>,
    /// Simulated time shown on the bar, in ms.
    pub sim_ms: RwSignal<f64>,
    pub seed: RwSignal<u64>,
    /// A seek (scrubber, step back) is under way; the run shown is the old one until it lands.
    pub seeking: RwSignal<bool>,
    /// Guided moments: where playing pauses, and the caption to show.
    pub guide: Guide,
}

impl Clock {
    pub fn new(seed: u64, speed_log: f64) -> Self {
        Clock {
            playing: RwSignal::new(false),
            // max/min, not clamp: clamp's assert would link std's float printer (~8 KB gz).
            speed_log: RwSignal::new(speed_log.max(MIN_SPEED_LOG)),
            max_speed_log: RwSignal::new(MAX_SPEED_LOG.max(speed_log)),
            finished: RwSignal::new(false),
            lagging: RwSignal::new(false),
            tick: RwSignal::new(0),
            tick_later: [RwSignal::new(0), RwSignal::new(0)],
            frame: RwSignal::new(0),
            sim_ms: RwSignal::new(0.0),
            seed: RwSignal::new(seed),
            seeking: RwSignal::new(false),
            guide: Guide::new(),
        }
    }

    pub fn speed(&self) -> f64 {
        libm_pow10(self.speed_log.get_untracked())
    }

    pub fn bump(&self) {
        self.tick.update(|t| *t = t.wrapping_add(1));
        for t in self.tick_later {
            t.update(|t| *t = t.wrapping_add(1));
        }
        self.frame.update(|t| *t = t.wrapping_add(1));
    }

    /// Bumps the heavy views' tick, or — on the frames after it — the later
    /// groups' (`phase` counts the frames since `tick`; 0 bumps nothing).
    fn bump_heavy(&self, phase: usize) {
        let signal = match phase {
            0 => None,
            1 => Some(self.tick),
            n => self.tick_later.get(n - 2).copied(),
        };
        if let Some(s) = signal {
            s.try_update(|t| *t = t.wrapping_add(1));
        }
    }

    pub fn toggle(&self) {
        if self.finished.get_untracked() {
            return;
        }
        self.playing.update(|p| *p = !*p);
        if self.playing.get_untracked() {
            crate::layout::bring_stage_into_view();
        }
    }
}

fn libm_pow10(x: f64) -> f64 {
    libm::pow(10.0, x)
}

pub(crate) fn ms_of(t: SimTime) -> f64 {
    t.as_micros() as f64 / 1000.0
}

/// Milliseconds to simulated time, rounded to the microsecond (so a time
/// read off the clock converts back to exactly that instant).
pub fn time_of(ms: f64) -> SimTime {
    SimTime((ms.max(0.0) * 1000.0).round() as u64)
}

/// Guided moments of a preset. With the guide on, playing stops exactly at
/// each moment's time, pauses, and puts the moment in [`Guide::current`] so
/// the page shows its caption; pressing play clears it and goes on to the
/// next. Seeking or stepping back to before a moment re-arms it; stepping
/// forward past one skips it.
///
/// The page sets the moments (`guide.set_moments(preset.moments)`) and the
/// switch (`guide.on`), and renders `guide.current`'s caption.
#[derive(Clone, Copy)]
pub struct Guide {
    /// Whether playing pauses at the moments.
    pub on: RwSignal<bool>,
    /// The moments, sorted by time (set them with [`Guide::set_moments`]).
    pub moments: RwSignal<Vec<Moment>>,
    /// The moment the player has paused on, until play is pressed again.
    pub current: RwSignal<Option<Moment>>,
    /// Index of the first moment still to stop at.
    next: RwSignal<usize>,
}

impl Default for Guide {
    fn default() -> Self {
        Self::new()
    }
}

impl Guide {
    pub fn new() -> Self {
        Guide {
            on: RwSignal::new(false),
            moments: RwSignal::new(Vec::new()),
            current: RwSignal::new(None),
            next: RwSignal::new(0),
        }
    }

    /// New moments (a preset was picked): sorted, all armed, no caption.
    pub fn set_moments(&self, mut moments: Vec<Moment>) {
        engine::order::sort_by(&mut moments, |a, b| a.at_ms.cmp(&b.at_ms));
        self.moments.set(moments);
        self.next.set(0);
        self.current.set(None);
    }

    /// Arms every moment after `now_ms` (all of them at the start of a run)
    /// and clears the caption: the run was moved to `now_ms` by a seek.
    pub fn rearm(&self, now_ms: f64) {
        let next = self.moments.with_untracked(|ms| {
            ms.iter()
                .position(|m| (m.at_ms as f64) > now_ms || (now_ms <= 0.0 && m.at_ms == 0))
                .unwrap_or(ms.len())
        });
        self.next.set(next);
        self.current.set(None);
    }

    /// The next armed moment at or before `target_ms`, if the guide is on;
    /// moments already behind `now_ms` (stepped past) are skipped for good.
    fn stop_between(&self, now_ms: f64, target_ms: f64) -> Option<Moment> {
        if !self.on.get_untracked() {
            return None;
        }
        self.moments.with_untracked(|ms| {
            let mut i = self.next.get_untracked();
            while i < ms.len() && (ms[i].at_ms as f64) < now_ms - 1e-6 {
                i += 1;
            }
            self.next.set(i);
            ms.get(i).filter(|m| (m.at_ms as f64) <= target_ms).cloned()
        })
    }

    /// The player stopped on the moment it was heading for.
    fn arrived(&self, moment: Moment) {
        self.next.update(|i| *i += 1);
        self.current.set(Some(moment));
    }
}

/// A run as the player holds it: the run on screen, the snapshots kept along
/// it, and the seek under way, if any. Copy; every method works on the
/// shared state, so the bar, the scrubber and the keyboard can each hold one.
pub struct Playback<R: 'static> {
    pub clock: Clock,
    /// The run on screen (the page's own `StoredValue`).
    pub run: StoredValue<R, LocalStorage>,
    rewind: StoredValue<Rewind<R>, LocalStorage>,
    seek: StoredValue<Option<Seek<R>>, LocalStorage>,
    /// A new goal for the seek under way, applied at its next frame (a drag
    /// sends many input events a frame: only the last one costs anything).
    pending: StoredValue<Option<Goal>, LocalStorage>,
    /// Where a seek under way is going, in ms (the scrubber shows it).
    pub seek_target_ms: RwSignal<Option<f64>>,
    /// Bumps each time the run is replaced (new config, seed, reset).
    pub epoch: RwSignal<u64>,
    seek_loop: StoredValue<bool, LocalStorage>,
}

impl<R> Clone for Playback<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R> Copy for Playback<R> {}

impl<R: LabRun + Clone + 'static> Playback<R> {
    fn new(clock: Clock, run: StoredValue<R, LocalStorage>) -> Self {
        let rewind = run.with_value(|r| Rewind::new(r));
        Playback {
            clock,
            run,
            rewind: StoredValue::new_local(rewind),
            seek: StoredValue::new_local(None),
            pending: StoredValue::new_local(None),
            seek_target_ms: RwSignal::new(None),
            epoch: RwSignal::new(0),
            seek_loop: StoredValue::new_local(false),
        }
    }

    /// Shows a new run (new config, seed, or reset): the snapshots of the old
    /// one are dropped, the moments re-armed, play/pause kept as it was.
    pub fn replace(&self, run: R) {
        self.run.set_value(run);
        self.restart();
    }

    /// Call after putting a new run into `run` directly: starts the
    /// snapshots afresh from it and resets the bar. (Prefer [`Playback::replace`].)
    pub fn restart(&self) {
        self.seek.set_value(None);
        self.pending.set_value(None);
        self.seek_target_ms.set(None);
        let (rewind, now, finished) = self
            .run
            .with_value(|r| (Rewind::new(r), ms_of(r.now()), r.is_finished()));
        self.rewind.set_value(rewind);
        let clock = self.clock;
        clock.seeking.set(false);
        clock.finished.set(finished);
        clock.lagging.set(false);
        clock.sim_ms.set(now);
        clock.guide.rearm(now);
        self.epoch.update(|e| *e += 1);
        clock.bump();
    }

    /// Jumps to `ms` of simulated time (clamped at 0; past the end means the
    /// end). Replays from the nearest snapshot over the next frames.
    pub fn seek_ms(&self, ms: f64) {
        self.seek_to(Goal::Time(time_of(ms)), Some(ms.max(0.0)));
    }

    /// Jumps to the end of the run: its last event handled, wherever the time
    /// axis ends (a run's last event may come a little after its nominal end).
    pub fn seek_end(&self) {
        self.seek_to(Goal::Events(u64::MAX), None);
    }

    /// ← : back to just before the newest traced record, so → traces it again.
    pub fn step_back(&self) {
        self.clock.playing.set(false);
        let records = self.run.with_value(|r| r.records());
        self.seek_to(Goal::RecordBefore { records }, None);
    }

    /// → : on to the next traced record.
    pub fn step(&self) {
        if self.clock.seeking.get_untracked() {
            return;
        }
        step_once(self.clock, self.run);
        self.clock.guide.current.set(None);
        self.run
            .with_value(|r| self.rewind.update_value(|w| w.offer(r)));
    }

    /// Events handled and records traced by the run on screen.
    pub fn position(&self) -> (u64, u64) {
        self.run.with_value(|r| (r.events(), r.records()))
    }

    fn seek_to(&self, goal: Goal, target_ms: Option<f64>) {
        self.seek_target_ms.set(target_ms);
        self.clock.seeking.set(true);
        // The seek's own frames pick the goal up (and start the seek if none is under way).
        self.pending.set_value(Some(goal));
        if !self.seek_loop.get_value() {
            self.seek_loop.set_value(true);
            seek_frame(*self);
        }
    }

    /// Points the seek under way (or a new one) at the latest goal asked for.
    fn take_pending(&self) {
        let Some(goal) = self.pending.try_update_value(Option::take).flatten() else {
            return;
        };
        let seek = self.run.try_with_value(|current| {
            let previous = self.seek.try_update_value(Option::take).flatten();
            self.rewind.with_value(|w| match previous {
                Some(s) => w.retarget(s, goal, current),
                None => w.seek(goal, current),
            })
        });
        if let Some(seek) = seek {
            self.seek.set_value(Some(seek));
        }
    }

    /// One frame of a seek: chunks of [`SEEK_CHUNK_EVENTS`] until
    /// [`SEEK_FRAME_MS`] of the frame are used; lands when done.
    fn seek_work(&self) -> bool {
        self.take_pending();
        let Some(mut seek) = self.seek.try_update_value(Option::take).flatten() else {
            return true;
        };
        let started = browser::now_ms();
        let done = self
            .rewind
            .try_update_value(|w| loop {
                if seek.advance(w, SEEK_CHUNK_EVENTS) {
                    break true;
                }
                if browser::now_ms() - started >= SEEK_FRAME_MS {
                    break false;
                }
            })
            .unwrap_or(true);
        if !done {
            self.seek.set_value(Some(seek));
            return false;
        }
        let run = seek.into_run();
        let (now, finished) = (ms_of(run.now()), run.is_finished());
        self.run.set_value(run);
        let clock = self.clock;
        clock.sim_ms.set(now);
        clock.finished.set(finished);
        if finished {
            clock.playing.set(false);
        }
        clock.lagging.set(false);
        clock.guide.rearm(now);
        self.seek_target_ms.set(None);
        clock.seeking.set(false);
        clock.bump();
        true
    }
}

fn seek_frame<R: LabRun + Clone + 'static>(pb: Playback<R>) {
    request_animation_frame(move || {
        // The page may have been left while this frame was pending.
        if pb.clock.seeking.try_get_untracked() != Some(true) {
            pb.seek_loop.try_set_value(false);
            return;
        }
        if pb.seek_work() {
            pb.seek_loop.set_value(false);
        } else {
            seek_frame(pb);
        }
    });
}

/// Runs the animation loop while `clock.playing` is on, keeping snapshots
/// for seeking and stopping at guided moments. Returns the run's
/// [`Playback`] (for the scrubber and "step back"). When the page puts a new
/// run in `run`, it calls [`Playback::restart`] (or uses [`Playback::replace`]).
pub fn drive<R: LabRun + Clone + 'static>(
    clock: Clock,
    run: StoredValue<R, LocalStorage>,
) -> Playback<R> {
    let pb = Playback::new(clock, run);
    let generation = Rc::new(Cell::new(0u64));
    Effect::new(move |_| {
        if clock.playing.get() {
            clock.guide.current.set(None);
            let me = generation.get() + 1;
            generation.set(me);
            let last = Rc::new(Cell::new(browser::now_ms()));
            let last_slow = Rc::new(Cell::new(f64::MIN));
            let phase = Rc::new(Cell::new(0));
            frame(pb, generation.clone(), me, last, (last_slow, phase));
        } else {
            generation.set(generation.get() + 1);
            // Paused between the staggered refreshes: every view catches up.
            clock.bump();
        }
    });
    pb
}

fn frame<R: LabRun + Clone + 'static>(
    pb: Playback<R>,
    gen: Rc<Cell<u64>>,
    me: u64,
    last: Rc<Cell<f64>>,
    // When the heavy views last refreshed, and which group is due next.
    slow: (Rc<Cell<f64>>, Rc<Cell<usize>>),
) {
    let clock = pb.clock;
    request_animation_frame(move || {
        // The lab may have been left (its signals disposed) while this frame was pending.
        if gen.get() != me || clock.playing.try_get_untracked() != Some(true) {
            return;
        }
        let now = browser::now_ms();
        let dt = (now - last.get()).clamp(0.0, MAX_FRAME_MS);
        last.set(now);
        // A seek has the run this frame; playing goes on from where it lands.
        if clock.seeking.get_untracked() {
            frame(pb, gen, me, last, slow);
            return;
        }
        let (last_slow, phase) = (&slow.0, &slow.1);
        let Some((progress, sim_ms, stop)) = pb.run.try_update_value(|r| {
            let from = ms_of(r.now());
            let target = from + dt * clock.speed();
            let stop = clock.guide.stop_between(from, target);
            let until = stop
                .as_ref()
                .map_or(time_of(target), |m| SimTime::from_ms(m.at_ms));
            // Bounded twice: at most EVENTS_PER_FRAME events, and no more
            // than FRAME_BUDGET_MS of work, checked between small chunks, so
            // a heavy stretch (a storm's peak) slows the simulation down
            // ("behind") instead of making the tab stutter. The chunking
            // changes nothing in the run: a state is its event count.
            let started = browser::now_ms();
            let cap = r.events() + EVENTS_PER_FRAME;
            let p = loop {
                let p = r.run_to(until, (r.events() + EVENTS_PER_CHUNK).min(cap));
                if p != Progress::Paused
                    || r.events() >= cap
                    || browser::now_ms() - started >= FRAME_BUDGET_MS
                {
                    break p;
                }
            };
            pb.rewind.update_value(|w| w.offer(r));
            // A moment the run ended just short of (the last event a fraction of
            // a millisecond before it: the CQRS demo's answering read) is shown
            // at the end; the engine's presets keep every moment before the
            // last event or within the millisecond after it.
            let stop = match p {
                Progress::Reached => stop,
                Progress::Finished => clock.guide.stop_between(ms_of(r.now()), f64::INFINITY),
                Progress::Paused => None,
            };
            (p, ms_of(r.now()), stop)
        }) else {
            return;
        };
        clock.sim_ms.try_set(sim_ms);
        clock.lagging.try_set(progress == Progress::Paused);
        if progress == Progress::Finished {
            clock.finished.try_set(true);
            clock.playing.try_set(false);
        }
        clock.frame.try_update(|t| *t = t.wrapping_add(1));
        if let Some(moment) = stop {
            clock.playing.set(false);
            clock.guide.arrived(moment);
            last_slow.set(now);
            clock.bump();
            return;
        }
        if progress == Progress::Finished {
            clock.bump();
        } else if now - last_slow.get() >= SLOW_TICK_MS {
            last_slow.set(now);
            phase.set(1);
            clock.bump_heavy(1);
        } else if (1..=clock.tick_later.len()).contains(&phase.get()) {
            phase.set(phase.get() + 1);
            clock.bump_heavy(phase.get());
        }
        frame(pb, gen, me, last, slow);
    });
}

/// Handles one "step" press (→): on to the next traced record.
pub fn step_once<R: LabRun + 'static>(clock: Clock, run: StoredValue<R, LocalStorage>) {
    clock.playing.set(false);
    if let Some((p, ms)) = run.try_update_value(|r| (r.step_record(1_000_000), ms_of(r.now()))) {
        clock.sim_ms.set(ms);
        if p == Progress::Finished {
            clock.finished.set(true);
        }
        clock.bump();
    }
}

/// Space toggles play/pause and → steps (see [`keyboard_shortcuts_with_back`]).
pub fn keyboard_shortcuts(on_toggle: impl Fn() + 'static, on_step: impl Fn() + 'static) {
    keyboard_shortcuts_with_back(on_toggle, on_step, || {});
}

/// Space toggles play/pause, → steps and ← steps back. Keys meant for a
/// control stay with it: nothing is taken from text, number, range or select
/// fields (←/→ move a caret, a slider or the scrubber there), and Space on a
/// button, link or summary keeps its own meaning (it presses that control).
/// ←/→ on a button step, so a keyboard user can press a preset and then step
/// through it.
pub fn keyboard_shortcuts_with_back(
    on_toggle: impl Fn() + 'static,
    on_step: impl Fn() + 'static,
    on_back: impl Fn() + 'static,
) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
            return;
        }
        let target = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok());
        let tag = target
            .as_ref()
            .map(|el| el.tag_name().to_ascii_lowercase())
            .unwrap_or_default();
        let in_field = matches!(tag.as_str(), "input" | "select" | "textarea")
            || target
                .as_ref()
                .is_some_and(|el| el.closest("[contenteditable]").ok().flatten().is_some());
        let on_control = matches!(tag.as_str(), "button" | "a" | "summary");
        match ev.key().as_str() {
            " " | "Spacebar" if !in_field && !on_control => {
                ev.prevent_default();
                on_toggle();
            }
            "ArrowRight" if !in_field => {
                ev.prevent_default();
                on_step();
            }
            "ArrowLeft" if !in_field => {
                ev.prevent_default();
                on_back();
            }
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
}

/// A fresh seed from the browser's cryptographic source (`getrandom`, which
/// reads `crypto.getRandomValues`), kept short enough to read and type:
/// 1 ‥ 1,000,000. `Math.random` only if the crypto source fails.
pub fn fresh_seed() -> u64 {
    let raw =
        getrandom::u64().unwrap_or_else(|_| (js_sys::Math::random() * u64::MAX as f64) as u64);
    raw % 1_000_000 + 1
}

/// The player bar: play/pause, step (and step back, when `on_back` is
/// given), speed, reset, seed; its children (the scrubber) on a row below.
#[component]
pub fn PlayerBar(
    clock: Clock,
    #[prop(into)] on_step: Callback<()>,
    /// "Step back" (←); the button shows only when this is given.
    #[prop(optional, into)]
    on_back: Option<Callback<()>>,
    #[prop(into)] on_reset: Callback<()>,
    #[prop(into)] on_seed: Callback<u64>,
    /// Shown on a row of its own at the foot of the bar: the [`crate::scrub::Scrubber`].
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let lang = use_i18n().lang;
    let play_label = move || {
        let key = if clock.playing.get() {
            "ui.pause"
        } else {
            "ui.play"
        };
        t(lang.get(), key).to_string()
    };
    let speed_text = move || {
        let s = libm_pow10(clock.speed_log.get());
        if s >= 1_000.0 {
            // Two significant digits, grouped: "×200,000", not "×199526".
            let step = libm_pow10(libm::floor(libm::log10(s)) - 1.0);
            let rounded = libm::round(s / step) * step;
            return format!("×{}", crate::charts::fmt_count(lang.get(), rounded as u64));
        }
        let text = if s >= 10.0 {
            format!("×{}", engine::num::Fixed(s, 0))
        } else if s >= 1.0 {
            format!("×{}", engine::num::Fixed(s, 1))
        } else {
            format!("×{}", engine::num::Fixed(s, 2))
        };
        // The language's decimal mark: ×6.0 in English, ×6,0 in Spanish and Portuguese.
        match lang.get() {
            Lang::En => text,
            _ => text.replace('.', ","),
        }
    };
    // Shown beside the slider: past ×10,000 in thousands ("×220k"; the
    // phone's one-line bar cut "×220,000" to "×220"). Read out in full.
    let speed_shown = move || {
        let s = libm_pow10(clock.speed_log.get());
        if s >= 10_000.0 {
            let step = libm_pow10(libm::floor(libm::log10(s)) - 1.0);
            let k = libm::round(s / step) * step / 1_000.0;
            if k >= 1_000.0 {
                let m = k / 1_000.0;
                let text = if m >= 10.0 {
                    format!("×{}M", engine::num::Fixed(m, 0))
                } else {
                    format!("×{}M", engine::num::Fixed(m, 1))
                };
                return crate::charts::decimal_mark(lang.get(), &text);
            }
            return format!("×{}k", engine::num::Fixed(k, 0));
        }
        speed_text()
    };
    // In the reader's decimals, as every axis and table: "32,16 s" in Spanish.
    let time_text = move || engine::time::human_ms_in(lang.get(), clock.sim_ms.get());
    let seed_text = RwSignal::new(clock.seed.get_untracked().to_string());
    let seed_error = RwSignal::new(false);
    // A new seed (the dice, a preset) is a valid one: a message about typed text goes.
    Effect::new(move |_| {
        seed_text.set(clock.seed.get().to_string());
        seed_error.set(false);
    });
    let commit_seed = move || {
        let raw = seed_text.get_untracked();
        // Grouped as the reader groups ("1.000" in Spanish).
        let read = engine::i18n::format::typed_number(lang.get_untracked(), &raw)
            .map(|t| t.parse::<u64>());
        match read.unwrap_or_else(|| raw.trim().parse::<u64>()) {
            Ok(v) => {
                seed_error.set(false);
                on_seed.run(v);
            }
            Err(_) => seed_error.set(true),
        }
    };
    let new_seed = move |_| on_seed.run(fresh_seed());
    view! {
        <div class="player" role="group" aria-label=tr("ui.player")>
            <button
                class="btn primary play"
                data-testid="play"
                aria-keyshortcuts="Space"
                aria-pressed=move || clock.playing.get().to_string()
                disabled=move || clock.finished.get()
                on:click=move |_| clock.toggle()
                title=tr("ui.play_hint")
            >
                <span aria-hidden="true" class="icon" inner_html=move || if clock.playing.get() { icons::PAUSE.0 } else { icons::PLAY.0 }></span>
                " "
                {play_label}
            </button>
            {on_back.map(|back| view! {
                <button class="btn" data-testid="step-back"
                    aria-keyshortcuts="ArrowLeft" on:click=move |_| back.run(()) title=tr("ui.step_back_hint")
                    disabled=move || clock.seeking.get()>
                    {icons::icon(icons::STEP_BACK)}
                    " "
                    {tr("ui.step_back")}
                </button>
            })}
            <button class="btn" data-testid="step"
                aria-keyshortcuts="ArrowRight" on:click=move |_| on_step.run(()) title=tr("ui.step_hint")
                disabled=move || clock.finished.get()>
                {icons::icon(icons::STEP)}
                " "
                {tr("ui.step")}
            </button>
            <button class="btn" data-testid="reset" on:click=move |_| on_reset.run(())>
                <span aria-hidden="true">"↺"</span>
                " "
                {tr("ui.reset")}
            </button>
            <label class="speed">
                <span>{tr("ui.speed")}</span>
                <input
                    type="range"
                    data-testid="speed"
                    min=engine::num::Short(MIN_SPEED_LOG).to_string()
                    max=move || engine::num::Short(clock.max_speed_log.get()).to_string()
                    step="0.1"
                    prop:value=move || engine::num::Short(clock.speed_log.get()).to_string()
                    on:input=move |ev| {
                        if let Some(v) = crate::browser::parse_f64(&event_target_value(&ev)) {
                            clock.speed_log.set(v.max(MIN_SPEED_LOG).min(clock.max_speed_log.get_untracked()));
                        }
                    }
                    aria-valuetext=speed_text
                />
                <output class="mono">{speed_shown}</output>
            </label>
            <div class="sim-time" aria-live="off">
                <span class="muted">{tr("ui.sim_time")}</span>
                " "
                <strong class="mono" data-testid="sim-time">{time_text}</strong>
                {crate::show::show(
                    move || clock.lagging.get(),
                    || view! { <span class="badge warn" title=tr("ui.lagging_hint")>{tr("ui.lagging")}</span> }.into_any(),
                )}
                {crate::show::show(
                    move || clock.finished.get(),
                    || view! { <span class="badge done" data-testid="finished" title=tr("ui.finished")>{tr("ui.finished")}</span> }.into_any(),
                )}
            </div>
            <form class="seed" on:submit=move |ev| {
                ev.prevent_default();
                commit_seed();
            }>
                <label>
                    <span>{tr("ui.seed")}</span>
                    <input
                        type="text"
                        inputmode="numeric"
                        data-testid="seed"
                        size="9"
                        prop:value=move || seed_text.get()
                        aria-invalid=move || seed_error.get().to_string()
                        on:input=move |ev| seed_text.set(event_target_value(&ev))
                        on:change=move |_| commit_seed()
                    />
                </label>
                <button type="button" class="btn" data-testid="new-seed" on:click=new_seed>
                    {icons::icon(icons::DICE)}
                    " "
                    {tr("ui.new_seed")}
                </button>
                {crate::show::show(
                    move || seed_error.get(),
                    || view! { <span class="field-error" role="alert">{tr("ui.seed_invalid")}</span> }.into_any(),
                )}
            </form>
            {children.map(|c| c())}
        </div>
    }
}

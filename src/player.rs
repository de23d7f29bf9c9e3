//! Time control for any lab: play, pause, step one event, speed on a log
//! scale, reset, seed. While playing, the engine is driven in bounded chunks,
//! one per animation frame, so the page never freezes: if a frame's share of
//! simulated time holds more events than the chunk allows, the simulation
//! falls behind the wall clock (and says so) instead of blocking the tab.

use crate::browser;
use crate::i18n::{tr, use_i18n};
use engine::i18n::t;
use engine::Progress;
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;

/// Most events handled in one animation frame (per side).
pub const EVENTS_PER_FRAME: u64 = 20_000;
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
    /// The run has no events left.
    pub finished: RwSignal<bool>,
    /// The last frame could not handle all its events: the run is behind.
    pub lagging: RwSignal<bool>,
    /// Bumps when the run changes, at most ~10 times a second while playing:
    /// the heavy views (log, metrics, charts, timeline) follow it.
    pub tick: RwSignal<u64>,
    /// Bumps every animation frame while playing (and with every `tick`): the
    /// stage's moving dots follow it.
    pub frame: RwSignal<u64>,
    /// Simulated time shown on the bar, in ms.
    pub sim_ms: RwSignal<f64>,
    pub seed: RwSignal<u64>,
}

impl Clock {
    pub fn new(seed: u64, speed_log: f64) -> Self {
        Clock {
            playing: RwSignal::new(false),
            speed_log: RwSignal::new(speed_log.clamp(MIN_SPEED_LOG, MAX_SPEED_LOG)),
            finished: RwSignal::new(false),
            lagging: RwSignal::new(false),
            tick: RwSignal::new(0),
            frame: RwSignal::new(0),
            sim_ms: RwSignal::new(0.0),
            seed: RwSignal::new(seed),
        }
    }

    pub fn speed(&self) -> f64 {
        libm_pow10(self.speed_log.get_untracked())
    }

    pub fn bump(&self) {
        self.tick.update(|t| *t = t.wrapping_add(1));
        self.frame.update(|t| *t = t.wrapping_add(1));
    }

    pub fn toggle(&self) {
        if self.finished.get_untracked() {
            return;
        }
        self.playing.update(|p| *p = !*p);
    }
}

fn libm_pow10(x: f64) -> f64 {
    10f64.powf(x)
}

/// What the player needs from a lab's run.
pub trait Drive: 'static {
    /// Advances to `until_ms` of simulated time, at most `max_events` per side.
    fn advance_to(&mut self, until_ms: f64, max_events: u64) -> Progress;
    /// Moves to the next traced record.
    fn step(&mut self) -> Progress;
    /// Current simulated time, in ms.
    fn now_ms(&self) -> f64;
}

/// Runs the animation loop while `clock.playing` is on. `with_run` gives the
/// loop access to the run (which lives in a `StoredValue` owned by the lab).
pub fn drive<D: Drive>(clock: Clock, run: StoredValue<D, LocalStorage>) {
    let generation = Rc::new(Cell::new(0u64));
    Effect::new(move |_| {
        if clock.playing.get() {
            let me = generation.get() + 1;
            generation.set(me);
            let last = Rc::new(Cell::new(browser::now_ms()));
            let last_slow = Rc::new(Cell::new(f64::MIN));
            frame(clock, run, generation.clone(), me, last, last_slow);
        } else {
            generation.set(generation.get() + 1);
        }
    });
}

fn frame<D: Drive>(
    clock: Clock,
    run: StoredValue<D, LocalStorage>,
    gen: Rc<Cell<u64>>,
    me: u64,
    last: Rc<Cell<f64>>,
    last_slow: Rc<Cell<f64>>,
) {
    request_animation_frame(move || {
        // The lab may have been left (its signals disposed) while this frame was pending.
        if gen.get() != me || clock.playing.try_get_untracked() != Some(true) {
            return;
        }
        let now = browser::now_ms();
        let dt = (now - last.get()).clamp(0.0, MAX_FRAME_MS);
        last.set(now);
        let Some((progress, sim_ms)) = run.try_update_value(|r| {
            let target = r.now_ms() + dt * clock.speed();
            let p = r.advance_to(target, EVENTS_PER_FRAME);
            (p, r.now_ms())
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
        if now - last_slow.get() >= SLOW_TICK_MS || progress == Progress::Finished {
            last_slow.set(now);
            clock.tick.try_update(|t| *t = t.wrapping_add(1));
        }
        frame(clock, run, gen, me, last, last_slow);
    });
}

/// Handles one "step" press.
pub fn step_once<D: Drive>(clock: Clock, run: StoredValue<D, LocalStorage>) {
    clock.playing.set(false);
    if let Some((p, ms)) = run.try_update_value(|r| (r.step(), r.now_ms())) {
        clock.sim_ms.set(ms);
        if p == Progress::Finished {
            clock.finished.set(true);
        }
        clock.bump();
    }
}

/// Space toggles play/pause and → steps. Keys meant for a control stay with
/// it: nothing is taken from text, number, range or select fields (→ moves a
/// caret or a slider there), and Space on a button, link or summary keeps its
/// own meaning (it presses that control). → on a button steps, so a keyboard
/// user can press a preset and then step through it.
pub fn keyboard_shortcuts(on_toggle: impl Fn() + 'static, on_step: impl Fn() + 'static) {
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
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
}

/// The player bar: play/pause, step, speed, reset, seed.
#[component]
pub fn PlayerBar(
    clock: Clock,
    #[prop(into)] on_step: Callback<()>,
    #[prop(into)] on_reset: Callback<()>,
    #[prop(into)] on_seed: Callback<u64>,
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
        if s >= 10.0 {
            format!("×{:.0}", s)
        } else if s >= 1.0 {
            format!("×{:.1}", s)
        } else {
            format!("×{:.2}", s)
        }
    };
    let time_text = move || engine::time::human_ms(clock.sim_ms.get());
    let seed_text = RwSignal::new(clock.seed.get_untracked().to_string());
    Effect::new(move |_| seed_text.set(clock.seed.get().to_string()));
    let seed_error = RwSignal::new(false);
    let commit_seed = move || {
        let raw = seed_text.get_untracked();
        match raw.trim().parse::<u64>() {
            Ok(v) => {
                seed_error.set(false);
                on_seed.run(v);
            }
            Err(_) => seed_error.set(true),
        }
    };
    let new_seed = move |_| {
        let v = (js_sys::Math::random() * 1_000_000.0) as u64 + 1;
        on_seed.run(v);
    };
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
                <span aria-hidden="true">{move || if clock.playing.get() { "⏸" } else { "▶" }}</span>
                " "
                {play_label}
            </button>
            <button class="btn" data-testid="step"
                aria-keyshortcuts="ArrowRight" on:click=move |_| on_step.run(()) title=tr("ui.step_hint")
                disabled=move || clock.finished.get()>
                <span aria-hidden="true">"⏭"</span>
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
                    min=MIN_SPEED_LOG
                    max=MAX_SPEED_LOG
                    step="0.1"
                    prop:value=move || clock.speed_log.get().to_string()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            clock.speed_log.set(v.clamp(MIN_SPEED_LOG, MAX_SPEED_LOG));
                        }
                    }
                    aria-valuetext=speed_text
                />
                <output class="mono">{speed_text}</output>
            </label>
            <div class="sim-time" aria-live="off">
                <span class="muted">{tr("ui.sim_time")}</span>
                " "
                <strong class="mono" data-testid="sim-time">{time_text}</strong>
                <Show when=move || clock.lagging.get()>
                    <span class="badge warn" title=tr("ui.lagging_hint")>{tr("ui.lagging")}</span>
                </Show>
                <Show when=move || clock.finished.get()>
                    <span class="badge done" data-testid="finished">{tr("ui.finished")}</span>
                </Show>
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
                    <span aria-hidden="true">"🎲"</span>
                    " "
                    {tr("ui.new_seed")}
                </button>
                <Show when=move || seed_error.get()>
                    <span class="field-error" role="alert">{tr("ui.seed_invalid")}</span>
                </Show>
            </form>
        </div>
    }
}

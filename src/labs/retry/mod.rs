//! The retry lab page: a flaky service, a client's retry strategy, and the
//! cures for retry storms. This module wires the engine's `RetryRun` to the
//! shared layout, player and share bar; the views it places render the run.

pub mod charts;
pub mod controls;
pub mod log;
pub mod metrics;
pub mod stage;
pub mod strips;
pub mod timeline;

use crate::embed::{self, EmbedMode};
use crate::i18n::{tr, tr_owned, use_i18n};
use crate::layout::LabLayout;
use crate::player::{self, Clock, Drive, PlayerBar};
use crate::share::ShareButtons;
use engine::codec::{self, LabState};
use engine::i18n::t;
use engine::labs::retry::config::Workload;
use engine::labs::retry::{presets, RetryConfig, RetryRun};
use engine::validate::ConfigError;
use engine::{LabConfig, Progress, SimTime};
use leptos::prelude::*;

/// What every retry view needs: the run, a tick that bumps when it changes,
/// and the language. Read `tick` first in a reactive closure, then the run.
#[derive(Clone, Copy)]
pub struct RetryView {
    pub run: StoredValue<RetryRun, LocalStorage>,
    pub tick: RwSignal<u64>,
    pub lang: Signal<engine::Lang>,
    /// The run's seed.
    pub seed: Signal<u64>,
}

impl RetryView {
    /// Reads the run reactively.
    pub fn with<T>(&self, f: impl FnOnce(&RetryRun) -> T) -> T {
        self.tick.track();
        self.run.with_value(f)
    }
}

impl Drive for RetryRun {
    fn advance_to(&mut self, until_ms: f64, max_events: u64) -> Progress {
        self.run_until(SimTime((until_ms.max(0.0) * 1000.0) as u64), max_events)
    }
    fn step(&mut self) -> Progress {
        self.step_record(1_000_000)
    }
    fn now_ms(&self) -> f64 {
        self.now().as_micros() as f64 / 1000.0
    }
}

/// A starting speed that plays a run in roughly ten seconds (log10 of ×).
fn initial_speed_log(config: &RetryConfig) -> f64 {
    match config.workload {
        Workload::Poisson { duration_ms, .. } => (duration_ms as f64 / 10_000.0).max(1.0).log10(),
        _ => 0.0,
    }
}

#[component]
pub fn RetryLab(config: RetryConfig, seed: u64) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang;
    let mode = use_context::<EmbedMode>().unwrap_or(EmbedMode {
        embedded: false,
        autoplay: false,
    });
    let clock = Clock::new(seed, initial_speed_log(&config));
    let first = RetryRun::new(&config, seed).unwrap_or_else(|_| {
        RetryRun::new(&RetryConfig::default(), seed).expect("the default config is valid")
    });
    let run = StoredValue::new_local(first);
    let config = RwSignal::new(config);
    let errors = RwSignal::new(Vec::<ConfigError>::new());
    let view_ctx = RetryView {
        run,
        tick: clock.tick,
        lang: i18n.signal(),
        seed: clock.seed.into(),
    };

    // A new config or seed starts a new run (keeping play/pause as it was).
    Effect::new(move |prev: Option<()>| {
        let cfg = config.get();
        let seed = clock.seed.get();
        if prev.is_none() {
            return;
        }
        match RetryRun::new(&cfg, seed) {
            Ok(fresh) => {
                errors.set(vec![]);
                run.set_value(fresh);
                clock.finished.set(false);
                clock.lagging.set(false);
                clock.sim_ms.set(0.0);
                clock.bump();
            }
            Err(e) => errors.set(e),
        }
    });

    // A memo: the link is deflated once per change, however many views read it.
    let fragment = Memo::new(move |_| {
        let state = LabState {
            seed: clock.seed.get(),
            config: LabConfig::Retry(config.get()),
        };
        codec::encode_fragment(lang.get(), &state)
    });
    // The URL always holds the current state (replaced, so knobs don't flood history).
    Effect::new(move |_| {
        if errors.with(Vec::is_empty) {
            crate::browser::replace_fragment(&fragment.get());
        }
    });

    player::drive(clock, run);
    let on_step = move || player::step_once(clock, run);
    player::keyboard_shortcuts(move || clock.toggle(), on_step);
    let on_reset = move || {
        clock.playing.set(false);
        if let Ok(fresh) = RetryRun::new(&config.get_untracked(), clock.seed.get_untracked()) {
            run.set_value(fresh);
        }
        clock.finished.set(false);
        clock.lagging.set(false);
        clock.sim_ms.set(0.0);
        clock.bump();
    };
    if mode.embedded {
        embed::pause_when_hidden(clock, "main");
    }
    if mode.autoplay {
        clock.playing.set(true);
    }

    // Which preset this is, if any: derived, never stored.
    let current_preset = Memo::new(move |_| {
        let cfg = config.get();
        let seed = clock.seed.get();
        presets::all()
            .into_iter()
            .find(|p| p.config == cfg && p.seed == seed)
            .map(|p| p.id)
    });
    let title = Signal::derive(move || t(lang.get(), "lab.retry.title").to_string());

    let header = view! {
        <div class="lab-title">
            <p class="crumbs">
                <a href=move || format!("#/{}", lang.get().code())>{tr("ui.all_labs")}</a>
            </p>
            <h1>{tr("lab.retry.title")}</h1>
            {mode.embedded.then(|| {
                view! {
                    <p class="embed-open-full">
                        <a
                            href=move || format!("{}#{}", crate::browser::clean_base_url(), fragment.get())
                            target="_blank"
                            rel="noopener"
                            data-testid="embed-open-full"
                        >
                            {tr("ui.open_full")}
                            " ↗"
                        </a>
                    </p>
                }
            })}
            <p class="lead">{tr("lab.retry.summary")}</p>
        </div>
        <PresetPicker config=config seed=clock.seed speed_log=clock.speed_log current=current_preset.into() />
        <ShareButtons fragment=fragment title=title />
    }
    .into_any();

    let controls = view! { <controls::RetryControls config=config errors=errors /> }.into_any();
    let player_view = view! {
        <PlayerBar
            clock=clock
            on_step=move |_| on_step()
            on_reset=move |_| on_reset()
            on_seed=move |s| clock.seed.set(s)
        />
    }
    .into_any();
    // The stage animates every frame; everything else refreshes at the slower tick.
    let stage_ctx = RetryView {
        tick: clock.frame,
        ..view_ctx
    };
    let stage = view! { <RetryStageArea view=view_ctx stage_view=stage_ctx /> }.into_any();
    let metrics_view = view! { <metrics::RetryMetricsTable view=view_ctx /> }.into_any();
    let charts = view! { <RetryChartsArea view=view_ctx /> }.into_any();
    let log_view = view! { <log::RetryLog view=view_ctx playing=clock.playing /> }.into_any();

    view! {
        <LabLayout
            header=header
            controls=controls
            player=player_view
            stage=stage
            metrics=metrics_view
            charts=charts
            log=log_view
        />
    }
}

/// "exponential backoff · no jitter · 8 attempts · retry budget" for a strategy.
pub fn strategy_summary(
    plan: &engine::labs::retry::config::StrategyPlan,
    lang: engine::Lang,
) -> String {
    use engine::patterns::backoff::{Jitter, WaitKind};
    let wait = match plan.backoff.kind {
        WaitKind::Immediate => "opt.immediate",
        WaitKind::Fixed => "opt.fixed",
        WaitKind::Exponential => "opt.exponential",
    };
    let mut parts = vec![t(lang, wait).to_string()];
    if plan.backoff.kind != WaitKind::Immediate {
        parts.push(
            t(
                lang,
                match plan.backoff.jitter {
                    Jitter::None => "opt.jitter_none",
                    Jitter::Full => "opt.jitter_full",
                    Jitter::Equal => "opt.jitter_equal",
                    Jitter::Decorrelated => "opt.jitter_decorrelated",
                },
            )
            .to_string(),
        );
    }
    parts.push(engine::i18n::tf(
        lang,
        "ui.attempts_n",
        &[("n", &plan.max_attempts)],
    ));
    if !plan.cancel_on_permanent {
        parts.push(t(lang, "ui.retries_permanent").to_string());
    }
    if plan.budget.is_some() {
        parts.push(t(lang, "ctl.budget").to_string());
    }
    if plan.breaker.is_some() {
        parts.push(t(lang, "ctl.breaker").to_string());
    }
    parts.join(" · ")
}

/// The presets as buttons, with the current one's "try this" guide.
#[component]
fn PresetPicker(
    config: RwSignal<RetryConfig>,
    seed: RwSignal<u64>,
    speed_log: RwSignal<f64>,
    current: Signal<Option<&'static str>>,
) -> impl IntoView {
    let lang = use_i18n().lang;
    let all = presets::all();
    view! {
        <nav class="presets" aria-labelledby="presets-title">
            <h2 id="presets-title" class="small-title">{tr("ui.presets")}</h2>
            <ul>
                {all
                    .into_iter()
                    .map(|p| {
                        let id = p.id;
                        let title = tr_owned(p.title_key());
                        let cfg = p.config.clone();
                        let s = p.seed;
                        view! {
                            <li>
                                <button
                                    class="chip"
                                    data-testid=format!("preset-{id}")
                                    aria-pressed=move || (current.get() == Some(id)).to_string()
                                    on:click=move |_| {
                                        speed_log.set(initial_speed_log(&cfg));
                                        seed.set(s);
                                        config.set(cfg.clone());
                                    }
                                >
                                    {title}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {move || {
                current
                    .get()
                    .and_then(presets::find)
                    .map(|p| {
                        view! {
                            <div class="guide" data-testid="guide">
                                <h3 class="small-title">{tr("ui.try_this")}</h3>
                                <p>{t(lang.get(), &p.guide_key()).to_string()}</p>
                            </div>
                        }
                    })
            }}
        </nav>
    }
}

/// The stage(s): one per side, A | B when comparing.
#[component]
fn RetryStageArea(view: RetryView, stage_view: RetryView) -> impl IntoView {
    let has_b = move || view.with(|r| r.b.is_some());
    view! {
        <div class="sides" class:compare=has_b>
            <SideStage view=view stage_view=stage_view side=stage::Side::A />
            <Show when=has_b>
                <SideStage view=view stage_view=stage_view side=stage::Side::B />
            </Show>
        </div>
    }
}

#[component]
fn SideStage(view: RetryView, stage_view: RetryView, side: stage::Side) -> impl IntoView {
    let label = match side {
        stage::Side::A => "ui.side_a",
        stage::Side::B => "ui.side_b",
    };
    // What this side runs, in a few words, so A | B say what they compare.
    let summary = move || {
        let lang = view.lang.get();
        view.with(|run| {
            side.sim(run)
                .map(|sim| strategy_summary(&sim.model().scenario().strategy, lang))
        })
    };
    view! {
        <section class="side" data-side=format!("{side:?}")>
            <h2 class="side-title">{tr(label)}</h2>
            <span class="side-summary" data-testid=format!("summary-{side:?}")>{summary}</span>
            <stage::RetryStage view=stage_view side=side />
            <strips::BreakerStrip view=view side=side />
            <strips::BudgetStrip view=view side=side />
            <timeline::RequestTimeline view=view side=side />
        </section>
    }
}

#[component]
fn RetryChartsArea(view: RetryView) -> impl IntoView {
    let has_b = move || view.with(|r| r.b.is_some());
    view! {
        <div class="sides" class:compare=has_b>
            <section class="side">
                <h2 class="side-title">{tr("ui.charts_a")}</h2>
                <charts::RetryCharts view=view side=stage::Side::A />
            </section>
            <Show when=has_b>
                <section class="side">
                    <h2 class="side-title">{tr("ui.charts_b")}</h2>
                    <charts::RetryCharts view=view side=stage::Side::B />
                </section>
            </Show>
        </div>
    }
}

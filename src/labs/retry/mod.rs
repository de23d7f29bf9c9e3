//! The retry lab page: a flaky service, a client's retry strategy, and the
//! cures for retry storms. This module wires the engine's `RetryRun` to the
//! shared layout, player and share bar; the views it places render the run.

pub mod charts;
pub mod controls;
pub mod log;
pub mod stage;
pub mod strips;
pub mod timeline;
mod tips;

use crate::i18n::tr;
use crate::lab_page::{lab_page, LabUi, PagePreset, RunView, TimeAxis};
use engine::i18n::t;
use engine::labs::retry::config::Workload;
use engine::labs::retry::{presets, RetryConfig, RetryRun};
use engine::validate::ConfigError;
use engine::{LabId, Lang};
use leptos::prelude::*;

/// What every retry view reads: the run, its tick, the language, the seed.
pub type RetryView = RunView<RetryRun>;

/// A starting speed that plays a run in roughly ten seconds (log10 of ×).
fn initial_speed_log(config: &RetryConfig) -> f64 {
    match config.workload {
        Workload::Poisson { duration_ms, .. } => (duration_ms as f64 / 10_000.0).max(1.0).log10(),
        _ => 0.0,
    }
}

/// The retry lab, as the shared lab page sees it.
pub struct RetryUi;

impl LabUi for RetryUi {
    type Config = RetryConfig;
    type Run = RetryRun;
    type Lab = engine::labs::retry::RetryLab;
    const ID: LabId = LabId::Retry;

    fn default_config() -> RetryConfig {
        RetryConfig::default()
    }
    fn new_run(config: &RetryConfig, seed: u64) -> Result<RetryRun, Vec<ConfigError>> {
        RetryRun::new(config, seed)
    }
    fn presets() -> Vec<PagePreset<RetryConfig>> {
        presets::all()
            .into_iter()
            .map(|p| PagePreset {
                id: p.id,
                seed: p.seed,
                config: p.config,
                moments: p.moments,
            })
            .collect()
    }
    fn initial_speed_log(config: &RetryConfig) -> f64 {
        initial_speed_log(config)
    }
    fn side_summary(run: &RetryRun, side: usize, lang: Lang) -> String {
        run.side(side)
            .map(|sim| strategy_summary(&sim.model().scenario().strategy, lang))
            .unwrap_or_default()
    }
    fn stage(view: RetryView, frame_view: RetryView, side: usize, _axis: TimeAxis) -> AnyView {
        let side = if side == 0 {
            stage::Side::A
        } else {
            stage::Side::B
        };
        view! {
            <stage::RetryStage view=frame_view side=side />
            <strips::BreakerStrip view=view side=side />
            <strips::BudgetStrip view=view side=side />
            <timeline::RequestTimeline view=view side=side />
        }
        .into_any()
    }
    fn controls(config: RwSignal<RetryConfig>, errors: RwSignal<Vec<ConfigError>>) -> AnyView {
        view! { <controls::RetryControls config=config errors=errors /> }.into_any()
    }
    fn charts(view: RetryView) -> AnyView {
        view! { <RetryChartsArea view=view /> }.into_any()
    }
    fn log(view: RetryView, playing: RwSignal<bool>) -> AnyView {
        view! { <log::RetryLog view=view playing=playing /> }.into_any()
    }
}

/// The retry lab page.
#[component]
pub fn RetryLab(config: RetryConfig, seed: u64) -> impl IntoView {
    lab_page::<RetryUi>(config, seed)
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
    parts.push(if plan.max_attempts == 0 {
        t(lang, "ui.attempts_unlimited").to_string()
    } else {
        engine::i18n::tn(
            lang,
            "ui.attempts_n",
            plan.max_attempts as u64,
            &[("n", &plan.max_attempts)],
        )
    });
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

#[component]
fn RetryChartsArea(view: RetryView) -> impl IntoView {
    let has_b = move || view.with(|r| r.b.is_some());
    view! {
        <div class="sides" class:compare=has_b>
            <section class="side">
                <h2 class="side-title">{tr("ui.charts_a")}</h2>
                <charts::RetryCharts view=view side=stage::Side::A />
            </section>
            {crate::show::show(has_b, move || view! {
                <section class="side">
                    <h2 class="side-title">{tr("ui.charts_b")}</h2>
                    <charts::RetryCharts view=view side=stage::Side::B />
                </section>
            }.into_any())}
        </div>
    }
}

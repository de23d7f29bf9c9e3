//! The choreography lab page: orders through inventory, payment and delivery
//! with notifications on every change, coordinated by events on a bus
//! (choreography) or by an orchestrator, side by side on one clock. This
//! module wires the engine's `ChoreoRun` to the shared lab page; the views
//! it places render the run (`view.rs` in the engine says what to draw).

pub mod bench;
pub mod charts;
pub mod controls;
pub mod log;
pub mod stage;
pub mod story;

use crate::lab_page::{lab_page, LabUi, PagePreset, RunView, TimeAxis};
use engine::i18n::t;
use engine::labs::choreography::config::OrderWorkload;
use engine::labs::choreography::{presets, ChoreoRun, ChoreographyConfig, Mode};
use engine::validate::ConfigError;
use engine::{LabId, Lang};
use leptos::prelude::*;

/// What every choreography view reads: the run, its tick, the language, the seed.
pub type ChoreoView = RunView<ChoreoRun>;

/// The order the story views follow (picked by clicking a token or a status
/// cell, or typing its number; `None`: the most telling one), shared by both sides.
#[derive(Clone, Copy)]
pub struct Picked(pub RwSignal<Option<u32>>);

/// The page's picked order (a fresh one where no page provided it: a view on its own).
pub fn picked() -> RwSignal<Option<u32>> {
    use_context::<Picked>().map_or_else(
        || {
            let p = Picked(RwSignal::new(None));
            provide_context(p);
            p.0
        },
        |p| p.0,
    )
}

/// A starting speed that plays a run in about ten seconds (log10 of ×); one
/// order plays slowly enough to follow each message.
fn initial_speed_log(config: &ChoreographyConfig) -> f64 {
    match config.workload {
        OrderWorkload::Single => -0.7,
        OrderWorkload::Poisson { duration_ms, .. } => {
            (duration_ms as f64 / 10_000.0).max(1.0).log10()
        }
        OrderWorkload::Burst { within_ms, .. } => (within_ms as f64 / 2_000.0).max(1.0).log10(),
    }
}

/// "Choreography · events on a bus · 17 subscriptions" for a side.
pub fn side_summary(run: &ChoreoRun, side: usize, lang: Lang) -> String {
    let Some(sim) = run.sides.get(side) else {
        return String::new();
    };
    let m = sim.model();
    let c = m.config();
    let mut parts = vec![];
    match m.mode() {
        Mode::Choreography => {
            parts.push(t(lang, "choreo.opt.choreography").to_string());
            parts.push(engine::i18n::tf(
                lang,
                "choreo.summary.subscriptions",
                &[("n", &c.wiring.len())],
            ));
            if c.watcher_ms > 0 {
                parts.push(t(lang, "choreo.summary.watcher").to_string());
            }
        }
        Mode::Orchestration => {
            parts.push(t(lang, "choreo.opt.orchestration").to_string());
            parts.push(engine::i18n::tf(
                lang,
                "choreo.summary.timeout",
                &[("ms", &c.step_timeout_ms)],
            ));
        }
    }
    if !c.idempotent {
        parts.push(t(lang, "choreo.summary.not_idempotent").to_string());
    }
    parts.join(" · ")
}

/// The choreography lab, as the shared lab page sees it.
pub struct ChoreoUi;

impl LabUi for ChoreoUi {
    type Config = ChoreographyConfig;
    type Run = ChoreoRun;
    type Lab = engine::labs::choreography::ChoreographyLab;
    const ID: LabId = LabId::Choreography;

    fn default_config() -> ChoreographyConfig {
        ChoreographyConfig::default()
    }
    fn new_run(config: &ChoreographyConfig, seed: u64) -> Result<ChoreoRun, Vec<ConfigError>> {
        ChoreoRun::new(config, seed)
    }
    fn presets() -> Vec<PagePreset<ChoreographyConfig>> {
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
    fn initial_speed_log(config: &ChoreographyConfig) -> f64 {
        initial_speed_log(config)
    }
    fn side_summary(run: &ChoreoRun, side: usize, lang: Lang) -> String {
        side_summary(run, side, lang)
    }
    fn stage(view: ChoreoView, frame_view: ChoreoView, side: usize, _axis: TimeAxis) -> AnyView {
        view! {
            <stage::ChoreoStage view=frame_view side=side />
            <story::OrderViews view=view side=side />
        }
        .into_any()
    }
    fn controls(
        config: RwSignal<ChoreographyConfig>,
        errors: RwSignal<Vec<ConfigError>>,
    ) -> AnyView {
        view! { <controls::ChoreoControls config=config errors=errors /> }.into_any()
    }
    fn charts(view: ChoreoView) -> AnyView {
        view! { <charts::ChoreoCharts view=view /> }.into_any()
    }
    fn log(view: ChoreoView, playing: RwSignal<bool>) -> AnyView {
        view! { <log::ChoreoLog view=view playing=playing /> }.into_any()
    }
}

/// The choreography lab page.
#[component]
pub fn ChoreographyLab(config: ChoreographyConfig, seed: u64) -> impl IntoView {
    provide_context(Picked(RwSignal::new(None)));
    lab_page::<ChoreoUi>(config, seed)
}

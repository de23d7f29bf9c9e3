//! The CQRS lab page: commands change orders in a write store, a projector
//! copies each change to the read side late, and queries read the copy —
//! judged fresh, stale or "not found" against the write side. This module
//! wires the engine's `CqrsRun` to the shared lab page; the views it places
//! render the run (`engine::labs::cqrs::view` says what to draw).

pub mod bench;
pub mod charts;
pub mod controls;
pub mod log;
pub mod stage;

use crate::lab_page::{lab_page, LabUi, PagePreset, RunView, TimeAxis};
use engine::i18n::{t, tf};
use engine::labs::cqrs::config::{Architecture, Consistency, CqrsSide, CqrsWorkload};
use engine::labs::cqrs::{presets, CqrsConfig, CqrsRun};
use engine::patterns::projector::SyncMode;
use engine::validate::ConfigError;
use engine::{LabId, Lang};
use leptos::prelude::*;

/// What every CQRS view reads: the run, its tick, the language, the seed.
pub type CqrsView = RunView<CqrsRun>;

/// A starting speed (log10 of ×) that plays a run in about ten seconds; the
/// text's demo plays slowly enough to read each line.
fn initial_speed_log(config: &CqrsConfig) -> f64 {
    match config.workload {
        CqrsWorkload::Script { .. } => 0.0,
        CqrsWorkload::Poisson { duration_ms, .. } => {
            libm::log10((duration_ms as f64 / 10_000.0).max(1.0))
        }
    }
}

pub fn sync_key(mode: SyncMode) -> &'static str {
    match mode {
        SyncMode::Inline => "cqrs.opt.inline",
        SyncMode::Delay => "cqrs.opt.delay",
        SyncMode::Queue => "cqrs.opt.queue",
    }
}

/// "CQRS · copy after 2 s · eventual" for a side.
pub fn side_summary(run: &CqrsRun, side: usize, lang: Lang) -> String {
    let Some(sim) = run.sides.get(side) else {
        return String::new();
    };
    let m = sim.model();
    let s: &CqrsSide = m.side();
    let c = m.config();
    let mut parts = vec![];
    if s.architecture == Architecture::Crud {
        parts.push(t(lang, "cqrs.opt.crud").to_string());
    } else {
        parts.push(t(lang, "cqrs.opt.cqrs").to_string());
        let p = &c.projector;
        let mode = s.sync.unwrap_or(p.mode);
        parts.push(match mode {
            SyncMode::Queue => tf(
                lang,
                "cqrs.summary.queue",
                &[("ms", &p.service_ms), ("batch", &p.batch)],
            ),
            _ => tf(
                lang,
                if mode == SyncMode::Inline {
                    "cqrs.summary.inline"
                } else {
                    "cqrs.summary.delay"
                },
                &[("d", &engine::time::human_ms_in(lang, p.delay_ms as f64))],
            ),
        });
        // The second projection's lag is the other half of a mixed screen.
        if let Some(h) = &c.history {
            parts.push(if h.mode == SyncMode::Queue {
                t(lang, "cqrs.summary.history_queue").to_string()
            } else {
                tf(
                    lang,
                    "cqrs.summary.history",
                    &[("d", &engine::time::human_ms_in(lang, h.delay_ms as f64))],
                )
            });
        }
        parts.push(
            t(
                lang,
                match s.consistency {
                    Consistency::Eventual => "cqrs.opt.eventual",
                    Consistency::ReadYourWrites => "cqrs.opt.read_your_writes",
                    Consistency::Monotonic => "cqrs.opt.monotonic",
                },
            )
            .to_string(),
        );
    }
    if c.stock.is_some() {
        if s.reserve_stock {
            parts.push(t(lang, "cqrs.summary.reserve").to_string());
        }
        if s.idempotent_stock {
            parts.push(t(lang, "cqrs.summary.idempotent").to_string());
        }
    }
    parts.join(" · ")
}

/// The CQRS lab, as the shared lab page sees it.
pub struct CqrsUi;

impl LabUi for CqrsUi {
    type Config = CqrsConfig;
    type Run = CqrsRun;
    type Lab = engine::labs::cqrs::CqrsLab;
    const ID: LabId = LabId::Cqrs;

    fn default_config() -> CqrsConfig {
        CqrsConfig::default()
    }
    fn new_run(config: &CqrsConfig, seed: u64) -> Result<CqrsRun, Vec<ConfigError>> {
        CqrsRun::new(config, seed)
    }
    fn presets() -> Vec<PagePreset<CqrsConfig>> {
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
    fn initial_speed_log(config: &CqrsConfig) -> f64 {
        initial_speed_log(config)
    }
    fn side_summary(run: &CqrsRun, side: usize, lang: Lang) -> String {
        side_summary(run, side, lang)
    }
    fn stage(view: CqrsView, frame_view: CqrsView, side: usize, axis: TimeAxis) -> AnyView {
        view! { <stage::CqrsStage view=view frame_view=frame_view side=side axis=axis /> }
            .into_any()
    }
    fn controls(config: RwSignal<CqrsConfig>, errors: RwSignal<Vec<ConfigError>>) -> AnyView {
        view! { <controls::CqrsControls config=config errors=errors /> }.into_any()
    }
    fn charts(view: CqrsView) -> AnyView {
        view! { <charts::CqrsCharts view=view /> }.into_any()
    }
    fn log(view: CqrsView, playing: RwSignal<bool>) -> AnyView {
        view! { <log::CqrsLog view=view playing=playing /> }.into_any()
    }
}

/// The CQRS lab page.
#[component]
pub fn CqrsLab(config: CqrsConfig, seed: u64) -> impl IntoView {
    lab_page::<CqrsUi>(config, seed)
}

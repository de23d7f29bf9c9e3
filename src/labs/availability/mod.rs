//! The availability lab page: JMeter-like load through an API gateway to a
//! registration service (a primary and a passive backup) and a user-queries
//! service; a monitor pinging the primary; failover, resync and failback —
//! and two sets of tactics side by side on one clock. This module wires the
//! engine's `AvailabilityRun` to the shared lab page; the views it places
//! render the run (`view.rs` in the engine says what to draw).

pub mod bench;
pub mod charts;
pub mod controls;
pub mod log;
pub mod seismo;
pub mod stage;

use crate::lab_page::{lab_page, LabUi, PagePreset, RunView, TimeAxis};
use engine::i18n::{t, tf};
use engine::labs::availability::config::{DetectorKind, Redundancy};
use engine::labs::availability::{presets, AvailabilityConfig, AvailabilityRun};
use engine::validate::ConfigError;
use engine::{LabId, Lang};
use leptos::prelude::*;

/// What every availability view reads: the run, its tick, the language, the seed.
pub type AvailView = RunView<AvailabilityRun>;

/// A starting speed that plays a run in about twelve seconds (log10 of ×).
fn initial_speed_log(config: &AvailabilityConfig) -> f64 {
    (config.load.duration_ms as f64 / 12_000.0).max(1.0).log10()
}

/// "Ping-echo 1 s × 3 · cold backup · resync · fenced" for a side.
pub fn side_summary(run: &AvailabilityRun, side: usize, lang: Lang) -> String {
    let Some(sim) = run.sides.get(side) else {
        return String::new();
    };
    let tac = sim.model().tactics();
    let mut parts = vec![];
    // A run about the queries (nothing crashes) names what it is about first:
    // the capacity card listed the monitor and the backup, never the 2
    // workers at 0.1 s a query that the lesson is about.
    let c = sim.model().config();
    if engine::labs::availability::about_queries(c) && c.queries.capacity > 0 {
        parts.push(engine::i18n::tn(
            lang,
            "availability.summary.query_workers",
            u64::from(c.queries.capacity),
            &[
                ("n", &c.queries.capacity),
                (
                    "each",
                    &engine::time::human_ms_in(lang, c.queries.latency_ms as f64),
                ),
            ],
        ));
    }
    parts.push(match tac.detector {
        DetectorKind::PingEcho => engine::i18n::tn(
            lang,
            "availability.summary.ping_echo",
            tac.k as u64,
            &[
                (
                    "interval",
                    &engine::time::human_ms_in(lang, tac.interval_ms as f64),
                ),
                (
                    "timeout",
                    &engine::time::human_ms_in(lang, tac.timeout_ms as f64),
                ),
                ("k", &tac.k),
            ],
        ),
        DetectorKind::PhiAccrual => tf(
            lang,
            "availability.summary.phi",
            &[
                (
                    "interval",
                    &engine::time::human_ms_in(lang, tac.interval_ms as f64),
                ),
                ("threshold", &engine::num::Short(tac.phi_threshold)),
            ],
        ),
    });
    parts.push(
        t(
            lang,
            match tac.redundancy {
                Redundancy::None => "availability.opt.no_backup",
                Redundancy::Cold => "availability.opt.cold",
                Redundancy::Warm => "availability.opt.warm",
            },
        )
        .to_string(),
    );
    if tac.redundancy != Redundancy::None {
        parts.push(
            t(
                lang,
                if tac.resync {
                    "availability.summary.resync"
                } else {
                    "availability.summary.rejoin"
                },
            )
            .to_string(),
        );
        parts.push(
            t(
                lang,
                if tac.fencing {
                    "availability.summary.fenced"
                } else {
                    "availability.summary.unfenced"
                },
            )
            .to_string(),
        );
    }
    parts.join(" · ")
}

/// The availability lab, as the shared lab page sees it.
pub struct AvailUi;

impl LabUi for AvailUi {
    type Config = AvailabilityConfig;
    type Run = AvailabilityRun;
    type Lab = engine::labs::availability::AvailabilityLab;
    const ID: LabId = LabId::Availability;

    fn default_config() -> AvailabilityConfig {
        AvailabilityConfig::default()
    }
    fn new_run(
        config: &AvailabilityConfig,
        seed: u64,
    ) -> Result<AvailabilityRun, Vec<ConfigError>> {
        AvailabilityRun::new(config, seed)
    }
    fn presets() -> Vec<PagePreset<AvailabilityConfig>> {
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
    fn initial_speed_log(config: &AvailabilityConfig) -> f64 {
        initial_speed_log(config)
    }
    fn side_summary(run: &AvailabilityRun, side: usize, lang: Lang) -> String {
        side_summary(run, side, lang)
    }
    fn stage(_view: AvailView, frame_view: AvailView, side: usize, _axis: TimeAxis) -> AnyView {
        view! {
            <stage::AvailStage view=frame_view side=side />
            <seismo::Seismograph view=frame_view side=side />
        }
        .into_any()
    }
    fn controls(
        config: RwSignal<AvailabilityConfig>,
        errors: RwSignal<Vec<ConfigError>>,
    ) -> AnyView {
        view! { <controls::AvailControls config=config errors=errors /> }.into_any()
    }
    fn charts(view: AvailView) -> AnyView {
        view! { <charts::AvailCharts view=view /> }.into_any()
    }
    fn log(view: AvailView, playing: RwSignal<bool>) -> AnyView {
        view! { <log::AvailLog view=view playing=playing /> }.into_any()
    }
}

/// The availability lab page.
#[component]
pub fn AvailabilityLab(config: AvailabilityConfig, seed: u64) -> impl IntoView {
    lab_page::<AvailUi>(config, seed)
}

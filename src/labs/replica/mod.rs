//! The replica-failover lab page: a client moves a file in chunks over
//! replicated storage nodes, asking a metadata server where each chunk goes;
//! failed nodes are reported and skipped for the next replica, checksums
//! catch corrupt replicas, and the metadata server re-replicates what a dead
//! node held. This module wires the engine's `ReplicaRun` to the shared lab
//! page; the views it places render the run (`view.rs` in the engine says
//! what to draw).

pub mod bench;
pub mod charts;
pub mod controls;
pub mod log;
pub mod stage;

use crate::lab_page::{lab_page, LabUi, PagePreset, RunView, TimeAxis};
use engine::i18n::{t, tn};
use engine::labs::replica::config::{Ack, Route, Transfer};
use engine::labs::replica::{presets, ReplicaConfig, ReplicaRun};
use engine::validate::ConfigError;
use engine::{LabId, Lang};
use leptos::prelude::*;

/// What every replica view reads: the run, its tick, the language, the seed.
pub type ReplicaView = RunView<ReplicaRun>;

/// A starting speed that plays a run's action in about twenty seconds of real time
/// (log10 of ×), a node's death and its repair included: the text's demo at about ×0.6,
/// slowly enough to read each attempt. The length comes from a dry run (a few ms for a
/// preset); a run too long for one is estimated from the config.
pub fn initial_speed_log(config: &ReplicaConfig) -> f64 {
    let span =
        engine::labs::replica::action_end_ms(config, engine::codec::DEFAULT_SEED, DRY_RUN_EVENTS)
            .unwrap_or_else(|| estimated_span_ms(config))
            .max(1_000.0);
    engine::num::clamp((span / 20_000.0).log10(), -0.7, 3.0)
}

/// The events a dry run may take to find a run's length (per side).
const DRY_RUN_EVENTS: u64 = 100_000;

/// A run's length from its config alone: the chunks' transfers shared by the
/// workers, and the last outage's node declared dead.
fn estimated_span_ms(config: &ReplicaConfig) -> f64 {
    let c = config;
    let w = &c.workload;
    // A rough length: the chunks' transfers shared by the workers, plus the outages.
    let per_chunk = c.nodes.latency_ms as f64 + w.chunk_mb / c.nodes.mb_per_s.max(1e-9) * 1000.0;
    let work = per_chunk * c.chunks() as f64 / c.client.workers.max(1) as f64;
    // Past the last outage's start, the metadata server still has to declare the node dead.
    let outage = c
        .nodes
        .outages
        .iter()
        .map(|o| o.from_ms)
        .chain(c.nodes.rack_outages.iter().map(|o| o.from_ms))
        .max()
        .map_or(0.0, |from| {
            (from + c.metadata.heartbeat.dead_after_ms) as f64
        });
    (w.every_ms as f64 * w.files.saturating_sub(1) as f64 + work).max(outage)
}

/// "Upload · Next replica · 3 attempts · 4 workers" for a side. The
/// direction leads: a chunk whose upload failed has no replica at all, a
/// chunk whose download failed still has its copies.
pub fn side_summary(run: &ReplicaRun, side: usize, lang: Lang) -> String {
    let Some(sim) = run.sides.get(side) else {
        return String::new();
    };
    let m = sim.model();
    let s = m.side();
    let mut parts = vec![
        t(
            lang,
            match m.config().workload.transfer {
                Transfer::Upload => "replica.opt.upload",
                Transfer::Download => "replica.opt.download",
            },
        )
        .to_string(),
        t(
            lang,
            match s.route {
                Route::NextReplica => "opt.next_replica",
                Route::SameNode => "opt.same_node",
            },
        )
        .to_string(),
        tn(
            lang,
            "replica.summary.attempts",
            u64::from(s.retry.max_attempts),
            &[("n", &s.retry.max_attempts)],
        ),
        tn(
            lang,
            "replica.summary.workers",
            s.workers as u64,
            &[("n", &s.workers)],
        ),
    ];
    if m.config().workload.transfer == Transfer::Upload && s.ack == Ack::AllReplicas {
        parts.push(t(lang, "replica.summary.pipeline").to_string());
    }
    if m.config().workload.transfer == Transfer::Download && !s.verify_checksum {
        parts.push(t(lang, "replica.summary.no_checksum").to_string());
    }
    if !s.report_failures {
        parts.push(t(lang, "replica.summary.no_reports").to_string());
    }
    if s.breaker_failures > 0 {
        parts.push(t(lang, "replica.summary.breaker").to_string());
    }
    if s.abort_on_failure {
        parts.push(t(lang, "replica.summary.abort").to_string());
    }
    parts.join(" · ")
}

/// The replica lab, as the shared lab page sees it.
pub struct ReplicaUi;

impl LabUi for ReplicaUi {
    type Config = ReplicaConfig;
    type Run = ReplicaRun;
    type Lab = engine::labs::replica::ReplicaLab;
    const ID: LabId = LabId::Replica;

    fn default_config() -> ReplicaConfig {
        ReplicaConfig::default()
    }
    fn new_run(config: &ReplicaConfig, seed: u64) -> Result<ReplicaRun, Vec<ConfigError>> {
        ReplicaRun::new(config, seed)
    }
    fn presets() -> Vec<PagePreset<ReplicaConfig>> {
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
    fn initial_speed_log(config: &ReplicaConfig) -> f64 {
        initial_speed_log(config)
    }
    fn side_summary(run: &ReplicaRun, side: usize, lang: Lang) -> String {
        side_summary(run, side, lang)
    }
    fn stage(view: ReplicaView, frame_view: ReplicaView, side: usize, _axis: TimeAxis) -> AnyView {
        // The stage redraws at the player's tick (≤ 10 Hz), not every frame: cells change
        // state, they do not move, and a 10,000-chunk run keeps its frames short.
        let _ = frame_view;
        view! { <stage::ReplicaStage view=view side=side /> }.into_any()
    }
    fn controls(config: RwSignal<ReplicaConfig>, errors: RwSignal<Vec<ConfigError>>) -> AnyView {
        view! { <controls::ReplicaControls config=config errors=errors /> }.into_any()
    }
    fn charts(view: ReplicaView) -> AnyView {
        view! { <charts::ReplicaCharts view=view /> }.into_any()
    }
    fn log(view: ReplicaView, playing: RwSignal<bool>) -> AnyView {
        view! { <log::ReplicaLog view=view playing=playing /> }.into_any()
    }
}

/// The replica-failover lab page.
#[component]
pub fn ReplicaLab(config: ReplicaConfig, seed: u64) -> impl IntoView {
    lab_page::<ReplicaUi>(config, seed)
}

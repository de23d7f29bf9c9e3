//! The replica-failover lab: a client moves a file in chunks over
//! replicated storage nodes, asking a metadata server where each chunk
//! lives; failed nodes are reported, backed off from and skipped for the
//! next replica; downloads verify checksums; the metadata server detects
//! dead nodes by their heartbeats and re-replicates what they held. A | B
//! compares two clients (retry policies, routes, acknowledgements,
//! breakers) on the same cluster and the same failures.

pub mod config;
pub mod model;
mod page;
pub mod presets;
pub mod record;
pub mod stats;
pub mod view;

pub use config::ReplicaConfig;
pub use model::ReplicaModel;
pub use record::ReplicaRecord;
pub use stats::ReplicaMetrics;

use crate::labs::sides::{SideModel, Sides};
use crate::labs::trace_lines::{AttemptLine, Side};
use crate::labs::{Lab, LabId, LabPreset, SideReport, TraceExport};
use crate::sim::Simulation;
use crate::time::SimTime;
use crate::validate::{ConfigError, WorkLimits};

/// The replica-failover lab, as the lab registry knows it.
pub struct ReplicaLab;

impl Lab for ReplicaLab {
    const ID: LabId = LabId::Replica;
    const OWN_KEYS: &'static [&'static str] = &["nodes", "metadata", "client", "settle_ms"];
    type Config = ReplicaConfig;

    fn validate(config: &ReplicaConfig, limits: WorkLimits) -> Result<(), Vec<ConfigError>> {
        config.validate_within(limits)
    }

    fn run(
        config: &ReplicaConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<(SideReport, Option<SideReport>), Vec<ConfigError>> {
        ReplicaRun::run_reports(config, seed, limits)
    }

    fn trace_export(
        config: &ReplicaConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<Box<dyn TraceExport>, Vec<ConfigError>> {
        ReplicaRun::trace_export(config, seed, limits)
    }

    fn presets() -> Vec<LabPreset<ReplicaConfig>> {
        presets::all()
    }
}

/// When a run of `config` is done with what it shows: the later side's last
/// change (a chunk, a replica, a verdict), the quiet tail (`settle_ms`) not
/// counted. From a dry run of at most `max_events` per side; `None` when the
/// config is invalid or its run is longer than that. The player picks its
/// starting speed from it: a slow node's timeouts and backoffs, which no
/// estimate from the config sees, decide how long a run lasts.
pub fn action_end_ms(config: &ReplicaConfig, seed: u64, max_events: u64) -> Option<f64> {
    let mut run = ReplicaRun::new(config, seed).ok()?;
    if run.run_to_end(max_events) != crate::sim::Progress::Finished {
        return None;
    }
    run.sides
        .iter()
        .map(|s| s.model().last_change().as_micros() as f64 / 1000.0)
        .reduce(f64::max)
}

/// One side of a run.
pub type ReplicaSim = Simulation<ReplicaModel>;

/// A replica-lab run: side A, and side B when the config compares two clients.
pub type ReplicaRun = Sides<ReplicaModel>;

impl SideModel for ReplicaModel {
    const LAB: LabId = LabId::Replica;
    type Config = ReplicaConfig;
    type Side = config::ClientSide;
    type TraceState = std::collections::BTreeMap<(usize, u32, u32), SimTime>;

    fn validate(config: &ReplicaConfig, limits: WorkLimits) -> Result<(), Vec<ConfigError>> {
        config.validate_within(limits)
    }
    fn sides(config: &ReplicaConfig) -> Vec<config::ClientSide> {
        config.sides()
    }
    fn new(config: ReplicaConfig, side: config::ClientSide, seed: u64) -> Self {
        ReplicaModel::new(config, side, seed)
    }
    fn metrics_json(&self, now: SimTime) -> serde_json::Value {
        serde_json::to_value(self.metrics(now)).expect("metrics serialise")
    }
    /// One line per attempt of a chunk: `request` is the chunk, `node` the
    /// storage node, `result` `ok` or why it failed (its start remembered
    /// from the attempt's own record).
    fn attempt_line(
        started: &mut std::collections::BTreeMap<(usize, u32, u32), SimTime>,
        side: usize,
        at: SimTime,
        record: &ReplicaRecord,
    ) -> Option<AttemptLine> {
        let (chunk, attempt, node, result) = match *record {
            ReplicaRecord::Attempt { chunk, attempt, .. } => {
                started.insert((side, chunk, attempt), at);
                return None;
            }
            ReplicaRecord::ChunkOk { chunk, node, attempt } => (chunk, attempt, node, "ok"),
            ReplicaRecord::AttemptFailed {
                chunk,
                attempt,
                node,
                why,
            } => (chunk, attempt, node, why.key()),
            _ => return None,
        };
        let start = started.remove(&(side, chunk, attempt)).unwrap_or(at);
        Some(AttemptLine {
            side: Side::from_index(side),
            request: chunk as u64,
            attempt,
            node: format!("node_{}", node + 1),
            start_ms: start.as_micros() as f64 / 1000.0,
            end_ms: at.as_micros() as f64 / 1000.0,
            result: result.to_string(),
            wait_before_ms: 0.0,
        })
    }
}

#[cfg(test)]
mod tests;

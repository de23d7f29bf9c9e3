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

use crate::labs::trace_lines::{AttemptLine, Side};
use crate::labs::{sides, Lab, LabId, LabPreset, SideReport, TraceExport};
use crate::sim::{Progress, Simulation};
use crate::time::SimTime;
use crate::validate::{ConfigError, WorkLimits};

/// The replica-failover lab, as the lab registry knows it.
pub struct ReplicaLab;

fn side_report(sim: &ReplicaSim) -> SideReport {
    SideReport {
        metrics: serde_json::to_value(sim.model().metrics(sim.now())).expect("metrics serialise"),
        trace_hash: sim.trace().digest_hex(),
        events: sim.events(),
    }
}

impl Lab for ReplicaLab {
    const ID: LabId = LabId::Replica;
    type Config = ReplicaConfig;

    fn validate(config: &ReplicaConfig, limits: WorkLimits) -> Result<(), Vec<ConfigError>> {
        config.validate_within(limits)
    }

    fn run(
        config: &ReplicaConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<(SideReport, Option<SideReport>), Vec<ConfigError>> {
        let mut run = ReplicaRun::new_within(config, seed, limits)?;
        run.run_to_end(u64::MAX);
        Ok((side_report(&run.sides[0]), run.sides.get(1).map(side_report)))
    }

    fn trace_export(
        config: &ReplicaConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<Box<dyn TraceExport>, Vec<ConfigError>> {
        Ok(Box::new(ReplicaTrace {
            run: ReplicaRun::new_within(config, seed, limits)?,
            seen: vec![0; 2],
            started: Default::default(),
        }))
    }

    fn presets() -> Vec<LabPreset<ReplicaConfig>> {
        presets::all()
    }
}

/// One side of a run.
pub type ReplicaSim = Simulation<ReplicaModel>;

/// A replica-lab run: side A, and side B when the config compares two clients.
#[derive(Clone)]
pub struct ReplicaRun {
    pub sides: Vec<ReplicaSim>,
}

impl ReplicaRun {
    pub fn new(config: &ReplicaConfig, seed: u64) -> Result<Self, Vec<ConfigError>> {
        Self::new_within(config, seed, WorkLimits::LINK)
    }

    pub fn new_within(config: &ReplicaConfig, seed: u64, limits: WorkLimits) -> Result<Self, Vec<ConfigError>> {
        config.validate_within(limits)?;
        let sides = config
            .sides()
            .into_iter()
            .map(|side| Simulation::new(ReplicaModel::new(config.clone(), side, seed)))
            .collect();
        Ok(ReplicaRun { sides })
    }

    pub fn now(&self) -> SimTime {
        sides::now(&self.sides)
    }
    pub fn is_finished(&self) -> bool {
        sides::is_finished(&self.sides)
    }
    pub fn events(&self) -> u64 {
        sides::events(&self.sides)
    }
    pub fn records(&self) -> u64 {
        sides::records(&self.sides)
    }
    pub fn run_to_end(&mut self, max_events: u64) -> Progress {
        sides::run_to_end(&mut self.sides, max_events)
    }
    pub fn run_until(&mut self, until: SimTime, max_events: u64) -> Progress {
        sides::run_until(&mut self.sides, until, max_events)
    }
    pub fn run_to(&mut self, until: SimTime, until_events: u64) -> Progress {
        sides::run_to(&mut self.sides, until, until_events)
    }
    pub fn step_record(&mut self, max_events: u64) -> Progress {
        sides::step_record(&mut self.sides, max_events)
    }
}

/// The trace export: one line per attempt of a chunk: `request` is the
/// chunk, `node` the storage node, `result` `ok` or why it failed.
struct ReplicaTrace {
    run: ReplicaRun,
    seen: Vec<u64>,
    /// When each side's attempts started, by (chunk, attempt).
    started: std::collections::BTreeMap<(usize, u32, u32), SimTime>,
}

impl TraceExport for ReplicaTrace {
    fn next_attempts(&mut self, max_events: u64, emit: &mut dyn FnMut(AttemptLine)) -> Progress {
        for _ in 0..max_events {
            let Some(side) = sides::step_merged(&mut self.run.sides) else {
                return Progress::Finished;
            };
            let trace = self.run.sides[side].trace();
            let total = trace.total();
            let new = (total - self.seen[side]) as usize;
            self.seen[side] = total;
            let fresh: Vec<(SimTime, ReplicaRecord)> =
                trace.entries().rev().take(new).map(|e| (e.at, e.record)).collect();
            for (at, r) in fresh.into_iter().rev() {
                let (chunk, attempt, node, result) = match r {
                    ReplicaRecord::Attempt { chunk, attempt, .. } => {
                        self.started.insert((side, chunk, attempt), at);
                        continue;
                    }
                    ReplicaRecord::ChunkOk { chunk, node, attempt } => (chunk, attempt, node, "ok"),
                    ReplicaRecord::AttemptFailed {
                        chunk,
                        attempt,
                        node,
                        why,
                    } => (chunk, attempt, node, why.key()),
                    _ => continue,
                };
                let start = self.started.remove(&(side, chunk, attempt)).unwrap_or(at);
                emit(AttemptLine {
                    side: Side::from_index(side),
                    request: chunk as u64,
                    attempt,
                    node: format!("node_{}", node + 1),
                    start_ms: start.as_micros() as f64 / 1000.0,
                    end_ms: at.as_micros() as f64 / 1000.0,
                    result: result.to_string(),
                    wait_before_ms: 0.0,
                });
            }
        }
        if self.run.is_finished() {
            Progress::Finished
        } else {
            Progress::Paused
        }
    }
}

#[cfg(test)]
mod tests;

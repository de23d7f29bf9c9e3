//! The choreography lab: orders flow through inventory, payment and
//! delivery, with notifications on every change — coordinated by events on
//! a bus (choreography) or by an orchestrator (orchestration), side by side
//! on one clock, in the same world. Payment is the pivot: a rejection undoes
//! what came before it; delivery, after it, is retried and never undone; a
//! customer's cancellation before shipping undoes everything, in reverse.

pub mod config;
pub mod model;
mod page;
pub mod presets;
pub mod record;
pub mod stats;
pub mod view;

pub use config::{ChoreographyConfig, Mode};
pub use model::ChoreoModel;
pub use record::ChoreoRecord;
pub use stats::ChoreoMetrics;

use crate::labs::trace_lines::{AttemptLine, Side};
use crate::labs::{sides, Lab, LabId, LabPreset, SideReport, TraceExport};
use crate::sim::{Progress, Simulation};
use crate::time::SimTime;
use crate::validate::{ConfigError, WorkLimits};

/// The choreography lab, as the lab registry knows it.
pub struct ChoreographyLab;

impl Lab for ChoreographyLab {
    const ID: LabId = LabId::Choreography;
    type Config = ChoreographyConfig;

    fn validate(config: &ChoreographyConfig, limits: WorkLimits) -> Result<(), Vec<ConfigError>> {
        config.validate_within(limits)
    }

    fn run(
        config: &ChoreographyConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<(SideReport, Option<SideReport>), Vec<ConfigError>> {
        let mut run = ChoreoRun::new_within(config, seed, limits)?;
        run.run_to_end(u64::MAX);
        let side = |s: &ChoreoSim| SideReport {
            metrics: serde_json::to_value(s.model().metrics()).expect("metrics serialise"),
            trace_hash: s.trace().digest_hex(),
            events: s.events(),
        };
        let a = side(&run.sides[0]);
        let b = run.sides.get(1).map(side);
        Ok((a, b))
    }

    fn trace_export(
        config: &ChoreographyConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<Box<dyn TraceExport>, Vec<ConfigError>> {
        Ok(Box::new(ChoreoTrace {
            run: ChoreoRun::new_within(config, seed, limits)?,
            seen: vec![0; 2],
        }))
    }

    fn presets() -> Vec<LabPreset<ChoreographyConfig>> {
        presets::all()
    }
}

/// One side of a run.
pub type ChoreoSim = Simulation<ChoreoModel>;

/// A choreography-lab run: side A, and side B when the config compares two
/// ways of coordinating. Both sides share the seed (the same world) and move
/// on one clock.
#[derive(Clone)]
pub struct ChoreoRun {
    pub sides: Vec<ChoreoSim>,
}

impl ChoreoRun {
    pub fn new(config: &ChoreographyConfig, seed: u64) -> Result<Self, Vec<ConfigError>> {
        Self::new_within(config, seed, WorkLimits::LINK)
    }

    pub fn new_within(config: &ChoreographyConfig, seed: u64, limits: WorkLimits) -> Result<Self, Vec<ConfigError>> {
        config.validate_within(limits)?;
        let sides = config
            .modes()
            .into_iter()
            .map(|m| Simulation::new(ChoreoModel::new(config.clone(), m, seed)))
            .collect();
        Ok(ChoreoRun { sides })
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

    pub fn run_to_end(&mut self, max_events: u64) -> Progress {
        sides::run_to_end(&mut self.sides, max_events)
    }

    /// Traced records so far, all sides together.
    pub fn records(&self) -> u64 {
        sides::records(&self.sides)
    }

    /// Moves every side up to `until`, each handling at most `max_events`.
    pub fn run_until(&mut self, until: SimTime, max_events: u64) -> Progress {
        sides::run_until(&mut self.sides, until, max_events)
    }

    /// Handles events in time order over all sides ([`sides::run_to`]).
    pub fn run_to(&mut self, until: SimTime, until_events: u64) -> Progress {
        sides::run_to(&mut self.sides, until, until_events)
    }

    /// Steps to the next traced record of any side, in the same order.
    pub fn step_record(&mut self, max_events: u64) -> Progress {
        sides::step_record(&mut self.sides, max_events)
    }

    /// Handles the earliest event of any side; which side it was.
    fn step_merged(&mut self) -> Option<usize> {
        sides::step_merged(&mut self.sides)
    }
}

/// The trace export: one line per step a service handled (an "attempt" of
/// that step): `request` is the order, `node` the service, `result` `ok`,
/// `failed` or `failed_permanent`.
struct ChoreoTrace {
    run: ChoreoRun,
    /// Records of each side already read.
    seen: Vec<u64>,
}

impl TraceExport for ChoreoTrace {
    fn next_attempts(&mut self, max_events: u64, emit: &mut dyn FnMut(AttemptLine)) -> Progress {
        for _ in 0..max_events {
            let Some(side) = self.run.step_merged() else {
                return Progress::Finished;
            };
            let trace = self.run.sides[side].trace();
            let total = trace.total();
            let new = (total - self.seen[side]) as usize;
            self.seen[side] = total;
            // One event adds a handful of records, far fewer than the trace keeps.
            let fresh: Vec<(SimTime, ChoreoRecord)> =
                trace.entries().rev().take(new).map(|e| (e.at, e.record)).collect();
            for (at, r) in fresh.into_iter().rev() {
                let (order, step, attempt, took_us, result) = match r {
                    ChoreoRecord::StepDone {
                        order,
                        step,
                        attempt,
                        took_us,
                    } => (order, step, attempt, took_us, "ok"),
                    ChoreoRecord::StepFailed {
                        order,
                        step,
                        attempt,
                        permanent,
                        took_us,
                    } => (
                        order,
                        step,
                        attempt,
                        took_us,
                        if permanent { "failed_permanent" } else { "failed" },
                    ),
                    _ => continue,
                };
                let end_ms = at.as_micros() as f64 / 1000.0;
                emit(AttemptLine {
                    side: Side::from_index(side),
                    request: order as u64,
                    attempt,
                    node: format!("{}.{}", step.service().key(), step.key()),
                    start_ms: end_ms - took_us as f64 / 1000.0,
                    end_ms,
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

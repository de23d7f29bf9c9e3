//! The CQRS lab: commands change orders in a write store; a projector copies
//! each change to the read side, late; queries read the copy and are judged
//! against the write side when answered (fresh, stale, not found). A | B
//! compares two patterns on the same traffic: CRUD vs CQRS, eventual vs
//! read-your-writes or monotonic reads, the text's inline sync vs its
//! intent, a stock queue with and without its fixes.

pub mod config;
pub mod model;
mod page;
pub mod presets;
pub mod record;
pub mod stats;
pub mod view;

pub use config::CqrsConfig;
pub use model::CqrsModel;
pub use record::CqrsRecord;
pub use stats::CqrsMetrics;

use crate::labs::trace_lines::{AttemptLine, Side};
use crate::labs::{sides, Lab, LabId, LabPreset, SideReport, TraceExport};
use crate::sim::{Progress, Simulation};
use crate::time::SimTime;
use crate::validate::{ConfigError, WorkLimits};

/// The CQRS lab, as the lab registry knows it.
pub struct CqrsLab;

fn side_report(sim: &CqrsSim) -> SideReport {
    SideReport {
        metrics: serde_json::to_value(sim.model().metrics(sim.now())).expect("metrics serialise"),
        trace_hash: sim.trace().digest_hex(),
        events: sim.events(),
    }
}

impl Lab for CqrsLab {
    const ID: LabId = LabId::Cqrs;
    type Config = CqrsConfig;

    fn validate(config: &CqrsConfig, limits: WorkLimits) -> Result<(), Vec<ConfigError>> {
        config.validate_within(limits)
    }

    fn run(
        config: &CqrsConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<(SideReport, Option<SideReport>), Vec<ConfigError>> {
        let mut run = CqrsRun::new_within(config, seed, limits)?;
        run.run_to_end(u64::MAX);
        Ok((side_report(&run.sides[0]), run.sides.get(1).map(side_report)))
    }

    fn trace_export(
        config: &CqrsConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<Box<dyn TraceExport>, Vec<ConfigError>> {
        Ok(Box::new(CqrsTrace {
            run: CqrsRun::new_within(config, seed, limits)?,
            seen: vec![0; 2],
        }))
    }

    fn presets() -> Vec<LabPreset<CqrsConfig>> {
        presets::all()
    }
}

/// One side of a run.
pub type CqrsSim = Simulation<CqrsModel>;

/// A CQRS-lab run: side A, and side B when the config compares two
/// patterns. Both sides share the seed (the same traffic) and one clock.
#[derive(Clone)]
pub struct CqrsRun {
    pub sides: Vec<CqrsSim>,
}

impl CqrsRun {
    pub fn new(config: &CqrsConfig, seed: u64) -> Result<Self, Vec<ConfigError>> {
        Self::new_within(config, seed, WorkLimits::LINK)
    }

    pub fn new_within(config: &CqrsConfig, seed: u64, limits: WorkLimits) -> Result<Self, Vec<ConfigError>> {
        config.validate_within(limits)?;
        let sides = config
            .sides()
            .into_iter()
            .map(|side| Simulation::new(CqrsModel::new(config.clone(), side, seed)))
            .collect();
        Ok(CqrsRun { sides })
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

/// The trace export: one line per answered query: `request` is the order,
/// `attempt` the user, `node` the copy that answered, `result` how fresh the
/// answer was (`fresh`, `stale`, `not_found`, `absent`, `error`).
struct CqrsTrace {
    run: CqrsRun,
    seen: Vec<u64>,
}

impl TraceExport for CqrsTrace {
    fn next_attempts(&mut self, max_events: u64, emit: &mut dyn FnMut(AttemptLine)) -> Progress {
        for _ in 0..max_events {
            let Some(side) = sides::step_merged(&mut self.run.sides) else {
                return Progress::Finished;
            };
            let trace = self.run.sides[side].trace();
            let total = trace.total();
            let new = (total - self.seen[side]) as usize;
            self.seen[side] = total;
            let fresh: Vec<(SimTime, CqrsRecord)> = trace.entries().rev().take(new).map(|e| (e.at, e.record)).collect();
            for (at, r) in fresh.into_iter().rev() {
                if let CqrsRecord::Read {
                    user,
                    order,
                    outcome,
                    took_us,
                    ..
                } = r
                {
                    let end_ms = at.as_micros() as f64 / 1000.0;
                    emit(AttemptLine {
                        side: Side::from_index(side),
                        request: order as u64 + 1,
                        attempt: user,
                        node: "read_side".into(),
                        start_ms: end_ms - took_us as f64 / 1000.0,
                        end_ms,
                        result: outcome.key().to_string(),
                        wait_before_ms: 0.0,
                    });
                }
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

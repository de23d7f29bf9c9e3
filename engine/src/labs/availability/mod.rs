//! The availability lab: an API gateway in front of a registration service
//! (commands, with a passive backup) and a user-queries service (fed by a
//! projector), a ping-echo or φ-accrual monitor on a network with jitter
//! and loss, failover, resync and failback — and the numbers behind
//! "highly available". A | B compares two sets of tactics on the same load
//! and the same crashes.

pub mod config;
pub mod model;
pub(crate) mod page;
pub mod presets;
pub mod record;
pub mod stats;
pub mod view;

pub use config::AvailabilityConfig;
pub use model::AvailabilityModel;
pub use record::AvailabilityRecord;
pub use stats::AvailabilityMetrics;

use crate::labs::trace_lines::{AttemptLine, Side};
use crate::labs::{sides, Lab, LabId, LabPreset, SideReport, TraceExport};
use crate::sim::{Progress, Simulation};
use crate::time::SimTime;
use crate::validate::{ConfigError, WorkLimits};

/// The availability lab, as the lab registry knows it.
pub struct AvailabilityLab;

fn side_report(sim: &AvailabilitySim) -> SideReport {
    SideReport {
        metrics: serde_json::to_value(sim.model().metrics(sim.now())).expect("metrics serialise"),
        trace_hash: sim.trace().digest_hex(),
        events: sim.events(),
    }
}

impl Lab for AvailabilityLab {
    const ID: LabId = LabId::Availability;
    type Config = AvailabilityConfig;

    fn validate(config: &AvailabilityConfig, limits: WorkLimits) -> Result<(), Vec<ConfigError>> {
        config.validate_within(limits)
    }

    fn run(
        config: &AvailabilityConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<(SideReport, Option<SideReport>), Vec<ConfigError>> {
        let mut run = AvailabilityRun::new_within(config, seed, limits)?;
        run.run_to_end(u64::MAX);
        Ok((side_report(&run.sides[0]), run.sides.get(1).map(side_report)))
    }

    fn trace_export(
        config: &AvailabilityConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<Box<dyn TraceExport>, Vec<ConfigError>> {
        Ok(Box::new(AvailabilityTrace {
            run: AvailabilityRun::new_within(config, seed, limits)?,
            seen: vec![0; 2],
        }))
    }

    fn presets() -> Vec<LabPreset<AvailabilityConfig>> {
        presets::all()
    }
}

pub type AvailabilitySim = Simulation<AvailabilityModel>;

/// An availability-lab run: side A, and side B when comparing tactics.
#[derive(Clone)]
pub struct AvailabilityRun {
    pub sides: Vec<AvailabilitySim>,
}

impl AvailabilityRun {
    pub fn new(config: &AvailabilityConfig, seed: u64) -> Result<Self, Vec<ConfigError>> {
        Self::new_within(config, seed, WorkLimits::LINK)
    }

    pub fn new_within(config: &AvailabilityConfig, seed: u64, limits: WorkLimits) -> Result<Self, Vec<ConfigError>> {
        config.validate_within(limits)?;
        let sides = config
            .sides()
            .into_iter()
            .map(|t| Simulation::new(AvailabilityModel::new(config.clone(), t, seed)))
            .collect();
        Ok(AvailabilityRun { sides })
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

/// The trace export: one line per failed request: `request` its number,
/// `node` the backend, `result` the HTTP code the gateway answered.
struct AvailabilityTrace {
    run: AvailabilityRun,
    seen: Vec<u64>,
}

impl TraceExport for AvailabilityTrace {
    fn next_attempts(&mut self, max_events: u64, emit: &mut dyn FnMut(AttemptLine)) -> Progress {
        for _ in 0..max_events {
            let Some(side) = sides::step_merged(&mut self.run.sides) else {
                return Progress::Finished;
            };
            let trace = self.run.sides[side].trace();
            let total = trace.total();
            let new = (total - self.seen[side]) as usize;
            self.seen[side] = total;
            let fresh: Vec<(SimTime, AvailabilityRecord)> =
                trace.entries().rev().take(new).map(|e| (e.at, e.record)).collect();
            for (at, r) in fresh.into_iter().rev() {
                if let AvailabilityRecord::Error {
                    request, code, backend, ..
                } = r
                {
                    let end_ms = at.as_micros() as f64 / 1000.0;
                    emit(AttemptLine {
                        side: Side::from_index(side),
                        request: request + 1,
                        attempt: 1,
                        node: backend.key().to_string(),
                        start_ms: end_ms,
                        end_ms,
                        result: code.http().to_string(),
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

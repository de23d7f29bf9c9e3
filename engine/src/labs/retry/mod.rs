//! The retry lab: a client calls a flaky service and retries by a strategy —
//! cancel, retry at once, retry after a fixed or growing delay, with jitter —
//! optionally held back by a retry budget and a circuit breaker. Many clients
//! at once show retry storms and their cures.

mod active;
pub mod config;
pub mod model;
mod page;
pub mod presets;
pub mod record;
pub mod stats;
pub mod theory;
pub mod trace_lines;

pub use config::{RetryConfig, RetryScenario};
pub use model::RetryModel;
pub use record::RetryRecord;
pub use stats::RetryMetrics;

use crate::labs::{sides, Lab, LabId, LabPreset, SideReport, TraceExport};
use crate::sim::{Progress, Simulation};
use crate::time::SimTime;
use crate::validate::{ConfigError, WorkLimits};

/// The retry lab, as the lab registry (`labs!` in `labs/mod.rs`) knows it.
pub struct RetryLab;

impl Lab for RetryLab {
    const ID: LabId = LabId::Retry;
    const OWN_KEYS: &'static [&'static str] = &["service", "strategy", "script"];
    type Config = RetryConfig;

    fn read(value: serde_json::Value) -> Result<RetryConfig, ConfigError> {
        RetryConfig::from_json(value)
    }

    fn validate(config: &RetryConfig, limits: WorkLimits) -> Result<(), Vec<ConfigError>> {
        config.validate_within(limits)
    }

    fn run(
        config: &RetryConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<(SideReport, Option<SideReport>), Vec<ConfigError>> {
        let mut run = RetryRun::new_within(config, seed, limits)?;
        run.run_to_end(u64::MAX);
        let side = |s: &RetrySim| SideReport {
            metrics: serde_json::to_value(s.model().metrics_at(s.now())).expect("metrics serialise"),
            trace_hash: s.trace().digest_hex(),
            events: s.events(),
        };
        Ok((side(&run.a), run.b.as_ref().map(side)))
    }

    fn trace_export(
        config: &RetryConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<Box<dyn TraceExport>, Vec<ConfigError>> {
        Ok(Box::new(trace_lines::RetryTrace::new_within(config, seed, limits)?))
    }

    fn presets() -> Vec<LabPreset<RetryConfig>> {
        presets::all()
            .into_iter()
            .map(|p| LabPreset {
                id: p.id,
                seed: p.seed,
                config: p.config,
                moments: p.moments,
            })
            .collect()
    }
}

/// One side of a retry-lab run (A, or B when comparing).
pub type RetrySim = Simulation<RetryModel>;

/// A retry-lab run: side A, and side B when the config compares two
/// strategies. Both sides share the seed and move on one clock. A clone is a
/// snapshot that goes on exactly as the original would.
#[derive(Clone)]
pub struct RetryRun {
    pub a: RetrySim,
    pub b: Option<RetrySim>,
}

impl RetryRun {
    /// A run of `config`, checked against a link's limits (what the page runs).
    pub fn new(config: &RetryConfig, seed: u64) -> Result<Self, Vec<ConfigError>> {
        RetryRun::new_within(config, seed, WorkLimits::LINK)
    }

    /// A run of `config`, checked against `limits`.
    pub fn new_within(config: &RetryConfig, seed: u64, limits: WorkLimits) -> Result<Self, Vec<ConfigError>> {
        let a = Simulation::new(RetryModel::new(config.scenario_within(limits)?, seed));
        let b = config
            .compare_scenario_within(limits)?
            .map(|sc| Simulation::new(RetryModel::new(sc, seed)));
        Ok(RetryRun { a, b })
    }

    pub fn sides(&self) -> impl Iterator<Item = &RetrySim> {
        std::iter::once(&self.a).chain(self.b.as_ref())
    }

    fn sides_mut(&mut self) -> Vec<&mut RetrySim> {
        std::iter::once(&mut self.a).chain(self.b.as_mut()).collect()
    }

    fn all(&self) -> Vec<&RetrySim> {
        self.sides().collect()
    }

    /// The later of the two clocks.
    pub fn now(&self) -> SimTime {
        sides::now(&self.all())
    }

    pub fn is_finished(&self) -> bool {
        sides::is_finished(&self.all())
    }

    /// Moves both sides up to `until`, each doing at most `max_events`.
    pub fn run_until(&mut self, until: SimTime, max_events: u64) -> Progress {
        sides::run_until(&mut self.sides_mut(), until, max_events)
    }

    /// Runs both sides to the end (each at most `max_events` events).
    pub fn run_to_end(&mut self, max_events: u64) -> Progress {
        sides::run_to_end(&mut self.sides_mut(), max_events)
    }

    /// Traced records so far, both sides together.
    pub fn records(&self) -> u64 {
        sides::records(&self.all())
    }

    /// Events handled so far, both sides together.
    pub fn events(&self) -> u64 {
        sides::events(&self.all())
    }

    /// Handles events in time order over both sides (A first on a tie) while
    /// the next is at or before `until` and fewer than `until_events` have
    /// been handled in all ([`sides::run_to`]).
    pub fn run_to(&mut self, until: SimTime, until_events: u64) -> Progress {
        sides::run_to(&mut self.sides_mut(), until, until_events)
    }

    /// Steps to the next traced record of either side, in the same order.
    pub fn step_record(&mut self, max_events: u64) -> Progress {
        sides::step_record(&mut self.sides_mut(), max_events)
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_models;

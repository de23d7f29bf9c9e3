//! The retry lab: a client calls a flaky service and retries by a strategy —
//! cancel, retry at once, retry after a fixed or growing delay, with jitter —
//! optionally held back by a retry budget and a circuit breaker. Many clients
//! at once show retry storms and their cures.

pub mod config;
pub mod model;
mod page;
pub mod presets;
pub mod record;
pub mod stats;
pub mod trace_lines;

pub use config::{RetryConfig, RetryScenario};
pub use model::RetryModel;
pub use record::RetryRecord;
pub use stats::RetryMetrics;

use crate::sim::{Progress, Simulation};
use crate::time::SimTime;
use crate::validate::ConfigError;

/// One side of a retry-lab run (A, or B when comparing).
pub type RetrySim = Simulation<RetryModel>;

/// A retry-lab run: side A, and side B when the config compares two
/// strategies. Both sides share the seed and move on one clock.
pub struct RetryRun {
    pub a: RetrySim,
    pub b: Option<RetrySim>,
}

impl RetryRun {
    pub fn new(config: &RetryConfig, seed: u64) -> Result<Self, Vec<ConfigError>> {
        let a = Simulation::new(RetryModel::new(config.scenario()?, seed));
        let b = config
            .compare_scenario()?
            .map(|sc| Simulation::new(RetryModel::new(sc, seed)));
        Ok(RetryRun { a, b })
    }

    pub fn sides(&self) -> impl Iterator<Item = &RetrySim> {
        std::iter::once(&self.a).chain(self.b.as_ref())
    }

    /// The later of the two clocks.
    pub fn now(&self) -> SimTime {
        self.sides().map(|s| s.now()).max().unwrap_or_default()
    }

    pub fn is_finished(&self) -> bool {
        self.sides().all(|s| s.is_finished())
    }

    /// Moves both sides up to `until`, each doing at most `max_events`.
    pub fn run_until(&mut self, until: SimTime, max_events: u64) -> Progress {
        let pa = self.a.run_until(until, max_events);
        let pb = self.b.as_mut().map(|b| b.run_until(until, max_events));
        combine(pa, pb)
    }

    /// Runs both sides to the end (each at most `max_events` events).
    pub fn run_to_end(&mut self, max_events: u64) -> Progress {
        let pa = self.a.run_to_end(max_events);
        let pb = self.b.as_mut().map(|b| b.run_to_end(max_events));
        combine(pa, pb)
    }

    /// Steps to the next traced record on the side whose next event is
    /// earliest, keeping the two clocks together.
    pub fn step_record(&mut self, max_events: u64) -> Progress {
        let next_a = self.a.next_event_at();
        let next_b = self.b.as_ref().and_then(|b| b.next_event_at());
        match (next_a, next_b) {
            (None, None) => Progress::Finished,
            (Some(_), None) => self.a.step_record(max_events),
            (None, Some(_)) => self
                .b
                .as_mut()
                .map_or(Progress::Finished, |b| b.step_record(max_events)),
            (Some(ta), Some(tb)) if ta <= tb => self.a.step_record(max_events),
            (Some(_), Some(_)) => self
                .b
                .as_mut()
                .map_or(Progress::Finished, |b| b.step_record(max_events)),
        }
    }
}

fn combine(a: Progress, b: Option<Progress>) -> Progress {
    match (a, b) {
        (Progress::Paused, _) | (_, Some(Progress::Paused)) => Progress::Paused,
        (Progress::Finished, None) | (Progress::Finished, Some(Progress::Finished)) => Progress::Finished,
        _ => Progress::Reached,
    }
}

#[cfg(test)]
mod tests;

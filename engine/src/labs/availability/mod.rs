//! The availability lab: an API gateway in front of a registration service
//! (commands, with a passive backup) and a user-queries service (fed by a
//! projector), a ping-echo or φ-accrual monitor on a network with jitter
//! and loss, failover, resync and failback — and the numbers behind
//! "highly available". A | B compares two sets of tactics on the same load
//! and the same crashes.

pub mod config;
pub mod model;
pub(crate) mod page;
pub use page::about_queries;
pub mod presets;
pub mod record;
pub mod stats;
pub mod view;

pub use config::AvailabilityConfig;
pub use model::AvailabilityModel;
pub use record::AvailabilityRecord;
pub use stats::AvailabilityMetrics;

use crate::labs::sides::{SideModel, Sides};
use crate::labs::trace_lines::{AttemptLine, Side};
use crate::labs::{Lab, LabId, LabPreset, SideReport, TraceExport};
use crate::sim::Simulation;
use crate::time::SimTime;
use crate::validate::{ConfigError, WorkLimits};

/// The availability lab, as the lab registry knows it.
pub struct AvailabilityLab;

impl Lab for AvailabilityLab {
    const ID: LabId = LabId::Availability;
    const OWN_KEYS: &'static [&'static str] = &[
        "load",
        "command_timeout_ms",
        "query_timeout_ms",
        "registration",
        "queries",
        "network",
        "tactics",
        "slo",
    ];
    type Config = AvailabilityConfig;

    fn validate(config: &AvailabilityConfig, limits: WorkLimits) -> Result<(), Vec<ConfigError>> {
        config.validate_within(limits)
    }

    fn run(
        config: &AvailabilityConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<(SideReport, Option<SideReport>), Vec<ConfigError>> {
        AvailabilityRun::run_reports(config, seed, limits)
    }

    fn trace_export(
        config: &AvailabilityConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<Box<dyn TraceExport>, Vec<ConfigError>> {
        AvailabilityRun::trace_export(config, seed, limits)
    }

    fn presets() -> Vec<LabPreset<AvailabilityConfig>> {
        presets::all()
    }
}

pub type AvailabilitySim = Simulation<AvailabilityModel>;

/// An availability-lab run: side A, and side B when comparing tactics.
pub type AvailabilityRun = Sides<AvailabilityModel>;

impl SideModel for AvailabilityModel {
    const LAB: LabId = LabId::Availability;
    type Config = AvailabilityConfig;
    type Side = config::Tactics;
    type TraceState = ();

    fn validate(config: &AvailabilityConfig, limits: WorkLimits) -> Result<(), Vec<ConfigError>> {
        config.validate_within(limits)
    }
    fn sides(config: &AvailabilityConfig) -> Vec<config::Tactics> {
        config.sides()
    }
    fn new(config: AvailabilityConfig, side: config::Tactics, seed: u64) -> Self {
        AvailabilityModel::new(config, side, seed)
    }
    fn metrics_json(&self, now: SimTime) -> serde_json::Value {
        serde_json::to_value(self.metrics(now)).expect("metrics serialise")
    }
    /// One line per failed request: `request` its number, `node` the
    /// backend, `result` the HTTP code the gateway answered.
    fn attempt_line(_: &mut (), side: usize, at: SimTime, record: &AvailabilityRecord) -> Option<AttemptLine> {
        let AvailabilityRecord::Error {
            request, code, backend, ..
        } = *record
        else {
            return None;
        };
        let end_ms = at.as_micros() as f64 / 1000.0;
        Some(AttemptLine {
            side: Side::from_index(side),
            request: request + 1,
            attempt: 1,
            node: backend.key().to_string(),
            start_ms: end_ms,
            end_ms,
            result: code.http().to_string(),
            wait_before_ms: 0.0,
        })
    }
}

#[cfg(test)]
mod tests;

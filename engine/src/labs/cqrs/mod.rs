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

use crate::labs::sides::{SideModel, Sides};
use crate::labs::trace_lines::{AttemptLine, Side};
use crate::labs::{Lab, LabId, LabPreset, SideReport, TraceExport};
use crate::sim::Simulation;
use crate::time::SimTime;
use crate::validate::{ConfigError, WorkLimits};

/// The CQRS lab, as the lab registry knows it.
pub struct CqrsLab;

impl Lab for CqrsLab {
    const ID: LabId = LabId::Cqrs;
    const OWN_KEYS: &'static [&'static str] = &[
        "side",
        "store",
        "history",
        "replicas_lag_ms",
        "ryw_timeout_ms",
        "ryw_fallback",
        "read_after_write_ms",
        "poll_ms",
    ];
    type Config = CqrsConfig;

    fn validate(config: &CqrsConfig, limits: WorkLimits) -> Result<(), Vec<ConfigError>> {
        config.validate_within(limits)
    }

    fn run(
        config: &CqrsConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<(SideReport, Option<SideReport>), Vec<ConfigError>> {
        CqrsRun::run_reports(config, seed, limits)
    }

    fn trace_export(
        config: &CqrsConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<Box<dyn TraceExport>, Vec<ConfigError>> {
        CqrsRun::trace_export(config, seed, limits)
    }

    fn presets() -> Vec<LabPreset<CqrsConfig>> {
        presets::all()
    }
}

/// One side of a run.
pub type CqrsSim = Simulation<CqrsModel>;

/// A CQRS-lab run: side A, and side B when the config compares two
/// patterns. Both sides share the seed (the same traffic) and one clock.
pub type CqrsRun = Sides<CqrsModel>;

/// The trace export: one line per answered query: `request` is the order,
/// `attempt` the user, `node` the copy that answered, `result` how fresh the
/// answer was (`fresh`, `stale`, `not_found`, `absent`, `error`).
impl SideModel for CqrsModel {
    const LAB: LabId = LabId::Cqrs;
    type Config = CqrsConfig;
    type Side = config::CqrsSide;
    type TraceState = ();

    fn validate(config: &CqrsConfig, limits: WorkLimits) -> Result<(), Vec<ConfigError>> {
        config.validate_within(limits)
    }
    fn sides(config: &CqrsConfig) -> Vec<config::CqrsSide> {
        config.sides()
    }
    fn new(config: CqrsConfig, side: config::CqrsSide, seed: u64) -> Self {
        CqrsModel::new(config, side, seed)
    }
    fn metrics_json(&self, now: SimTime) -> serde_json::Value {
        serde_json::to_value(self.metrics(now)).expect("metrics serialise")
    }
    /// One line per command the write side committed (`node` `write_side`,
    /// `attempt` the order's version, `result` `committed`) or rejected
    /// (`rejected`), per version the query database applied (`read_side`,
    /// `applied`), and per read answered (`read_side`, `attempt` the user,
    /// `result` `fresh`, `stale`, `not_found`, `absent` or `error`, timed from
    /// asking). `request` is the order's number (from 1; 0 for a refused create).
    fn attempt_line(_: &mut (), side: usize, at: SimTime, record: &CqrsRecord) -> Option<AttemptLine> {
        let end_ms = at.as_micros() as f64 / 1000.0;
        let number = |order: u32| if order == u32::MAX { 0 } else { order as u64 + 1 };
        let (request, attempt, node, took_us, result) = match *record {
            CqrsRecord::Committed { order, version, .. } => (number(order), version, "write_side", 0, "committed"),
            CqrsRecord::Rejected { order, .. } => (number(order), 0, "write_side", 0, "rejected"),
            CqrsRecord::Applied { order, version, .. } => (number(order), version, "read_side", 0, "applied"),
            CqrsRecord::Read {
                user,
                order,
                outcome,
                took_us,
                ..
            } => (number(order), user, "read_side", took_us, outcome.key()),
            _ => return None,
        };
        Some(AttemptLine {
            side: Side::from_index(side),
            request,
            attempt,
            node: node.into(),
            start_ms: end_ms - took_us as f64 / 1000.0,
            end_ms,
            result: result.to_string(),
            wait_before_ms: 0.0,
        })
    }
}

#[cfg(test)]
mod tests;

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

use crate::labs::sides::{SideModel, Sides};
use crate::labs::trace_lines::{AttemptLine, Side};
use crate::labs::{Lab, LabId, LabPreset, SideReport, TraceExport};
use crate::sim::Simulation;
use crate::time::SimTime;
use crate::validate::{ConfigError, WorkLimits};
use config::Step;

/// The choreography lab, as the lab registry knows it.
pub struct ChoreographyLab;

impl Lab for ChoreographyLab {
    const ID: LabId = LabId::Choreography;
    const OWN_KEYS: &'static [&'static str] = &[
        "mode",
        "reject_rate",
        "cancel_rate",
        "cancel_after_ms",
        "ship_after_ms",
        "bus",
        "services",
        "wiring",
        "idempotent",
        "retry",
        "step_timeout_ms",
        "watcher_ms",
    ];
    type Config = ChoreographyConfig;

    fn validate(config: &ChoreographyConfig, limits: WorkLimits) -> Result<(), Vec<ConfigError>> {
        config.validate_within(limits)
    }

    fn run(
        config: &ChoreographyConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<(SideReport, Option<SideReport>), Vec<ConfigError>> {
        ChoreoRun::run_reports(config, seed, limits)
    }

    fn trace_export(
        config: &ChoreographyConfig,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<Box<dyn TraceExport>, Vec<ConfigError>> {
        ChoreoRun::trace_export(config, seed, limits)
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
pub type ChoreoRun = Sides<ChoreoModel>;

impl SideModel for ChoreoModel {
    const LAB: LabId = LabId::Choreography;
    type Config = ChoreographyConfig;
    type Side = Mode;
    type TraceState = ();

    fn validate(config: &ChoreographyConfig, limits: WorkLimits) -> Result<(), Vec<ConfigError>> {
        config.validate_within(limits)
    }
    fn sides(config: &ChoreographyConfig) -> Vec<Mode> {
        config.modes()
    }
    fn new(config: ChoreographyConfig, side: Mode, seed: u64) -> Self {
        ChoreoModel::new(config, side, seed)
    }
    fn metrics_json(&self, _: SimTime) -> serde_json::Value {
        serde_json::to_value(self.metrics()).expect("metrics serialise")
    }
    /// One line per step a service handled (an "attempt" of that step):
    /// `request` is the order, `node` the service and step, `result` `ok`,
    /// `failed` or `failed_permanent`; and one per message the bus lost
    /// (`node` `bus`, `result` `lost`: every listener's copy of it), per step given up on — a dead letter
    /// (`dead_letter`) — and per command the orchestrator stopped waiting for
    /// (`timed_out`).
    fn attempt_line(_: &mut (), side: usize, at: SimTime, record: &ChoreoRecord) -> Option<AttemptLine> {
        let end_ms = at.as_micros() as f64 / 1000.0;
        let event = |order: u32, attempt: u32, node: String, result: &str| AttemptLine {
            side: Side::from_index(side),
            request: order as u64,
            attempt,
            node,
            start_ms: end_ms,
            end_ms,
            result: result.to_string(),
            wait_before_ms: 0.0,
        };
        let at_step = |step: Step| format!("{}.{}", step.service().key(), step.key());
        match *record {
            ChoreoRecord::Lost { order, .. } => return Some(event(order, 0, "bus".into(), "lost")),
            ChoreoRecord::DeadLetter { order, step } => return Some(event(order, 0, at_step(step), "dead_letter")),
            ChoreoRecord::TimedOut { order, step, attempt } => {
                return Some(event(order, attempt, at_step(step), "timed_out"))
            }
            _ => {}
        }
        let (order, step, attempt, took_us, result) = match *record {
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
            _ => return None,
        };
        Some(AttemptLine {
            side: Side::from_index(side),
            request: order as u64,
            attempt,
            node: format!("{}.{}", step.service().key(), step.key()),
            start_ms: end_ms - took_us as f64 / 1000.0,
            end_ms,
            result: result.to_string(),
            wait_before_ms: 0.0,
        })
    }
}

#[cfg(test)]
mod tests;

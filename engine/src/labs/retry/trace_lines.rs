//! The retry lab's attempts as trace lines ([`TraceExport`]): a fresh re-run
//! of a config and seed, both sides on one clock, that reads each side's
//! trace records as they are pushed and pairs an attempt's start with its end.
//!
//! The records say everything a line needs: `AttemptStarted` (request,
//! attempt, node, start), `AttemptSucceeded` / `AttemptFailed` (end, result),
//! and `RetryScheduled` (the wait before the next attempt). Only attempts in
//! flight are held, so memory stays bounded by the requests still going.

use super::record::{node_name, CallError, RetryRecord};
use super::{RetryConfig, RetryModel, RetrySim};
use crate::labs::trace_lines::{AttemptLine, Side, TraceExport};
use crate::sim::{Progress, Simulation};
use crate::time::SimTime;
use crate::trace::DEFAULT_TRACE_CAPACITY;
use crate::validate::ConfigError;
use std::collections::BTreeMap;

/// An attempt sent and not yet answered.
struct Open {
    attempt: u32,
    node: u32,
    start: SimTime,
    wait_before_us: u64,
}

/// One side of the re-run and what it has read of its trace.
struct SideTrace {
    side: Side,
    sim: RetrySim,
    /// Trace records already read.
    seen: u64,
    /// Per request still to be read to its end: the wait scheduled before its
    /// next attempt, and its attempt under way. One map for both (dropped when
    /// both are gone), so the browser's wasm compiles one kind of map, not two.
    pending: BTreeMap<u32, Pending>,
}

#[derive(Default)]
struct Pending {
    wait_us: Option<u64>,
    open: Option<Open>,
}

impl SideTrace {
    /// The request's entry, made if it has none.
    fn pending(&mut self, req: u32) -> &mut Pending {
        self.pending.entry(req).or_default()
    }

    /// Drops the request's entry once it holds nothing.
    fn tidy(&mut self, req: u32) {
        if self
            .pending
            .get(&req)
            .is_some_and(|p| p.wait_us.is_none() && p.open.is_none())
        {
            self.pending.remove(&req);
        }
    }
}

fn ms(t: SimTime) -> f64 {
    t.as_micros() as f64 / 1000.0
}

/// The `result` of a failed attempt, as the metrics name errors.
fn error_name(e: CallError) -> &'static str {
    match e {
        CallError::Transient => "transient",
        CallError::Permanent => "permanent",
        CallError::Timeout => "timeout",
        CallError::Unavailable => "unavailable",
        CallError::Overloaded => "overloaded",
        CallError::Conflict => "conflict",
    }
}

impl SideTrace {
    fn new(side: Side, model: RetryModel) -> Self {
        // A herd starts every request at once: the ring must hold the start's
        // records (arrival + attempt per client) until they are read.
        let capacity = DEFAULT_TRACE_CAPACITY.max(2 * model.scenario().clients() as usize + 64);
        let mut this = SideTrace {
            side,
            sim: Simulation::with_trace_capacity(model, capacity),
            seen: 0,
            pending: BTreeMap::new(),
        };
        // Nothing ends at the start, but attempts begin.
        this.read(&mut |_| {});
        this
    }

    /// Reads the records pushed since the last call.
    fn read(&mut self, emit: &mut dyn FnMut(AttemptLine)) {
        let trace = self.sim.trace();
        let new = (trace.total() - self.seen) as usize;
        debug_assert!(new <= trace.entries().len(), "records dropped before they were read");
        self.seen = trace.total();
        let mut fresh: Vec<(SimTime, RetryRecord)> =
            trace.entries().rev().take(new).map(|e| (e.at, e.record)).collect();
        fresh.reverse();
        for (at, record) in fresh {
            let (req, result) = match record {
                RetryRecord::RetryScheduled { req, wait_us, .. } => {
                    self.pending(req).wait_us = Some(wait_us);
                    continue;
                }
                RetryRecord::AttemptStarted { req, attempt, node } => {
                    let entry = self.pending(req);
                    let wait_before_us = entry.wait_us.take().unwrap_or(0);
                    entry.open = Some(Open {
                        attempt,
                        node,
                        start: at,
                        wait_before_us,
                    });
                    continue;
                }
                RetryRecord::GaveUp { req, .. } => {
                    if let Some(p) = self.pending.get_mut(&req) {
                        p.wait_us = None;
                    }
                    self.tidy(req);
                    continue;
                }
                RetryRecord::AttemptSucceeded { req, .. } => (req, "ok"),
                RetryRecord::AttemptFailed { req, error, .. } => (req, error_name(error)),
                RetryRecord::Arrived { .. } | RetryRecord::Breaker { .. } => continue,
            };
            let open = self.pending.get_mut(&req).and_then(|p| p.open.take());
            self.tidy(req);
            if let Some(open) = open {
                emit(AttemptLine {
                    side: self.side,
                    request: req as u64,
                    attempt: open.attempt,
                    node: node_name(open.node),
                    start_ms: ms(open.start),
                    end_ms: ms(at),
                    result: result.to_string(),
                    wait_before_ms: open.wait_before_us as f64 / 1000.0,
                });
            }
        }
    }
}

/// A re-run of a retry config for the trace export.
pub struct RetryTrace {
    sides: Vec<SideTrace>,
}

impl RetryTrace {
    pub fn new(config: &RetryConfig, seed: u64) -> Result<Self, Vec<ConfigError>> {
        RetryTrace::new_within(config, seed, crate::validate::WorkLimits::LINK)
    }

    /// A fresh re-run of `config`, checked against `limits`.
    pub fn new_within(
        config: &RetryConfig,
        seed: u64,
        limits: crate::validate::WorkLimits,
    ) -> Result<Self, Vec<ConfigError>> {
        let mut sides = vec![SideTrace::new(
            Side::A,
            RetryModel::new(config.scenario_within(limits)?, seed),
        )];
        if let Some(b) = config.compare_scenario_within(limits)? {
            sides.push(SideTrace::new(Side::B, RetryModel::new(b, seed)));
        }
        Ok(RetryTrace { sides })
    }
}

impl TraceExport for RetryTrace {
    fn next_attempts(&mut self, max_events: u64, emit: &mut dyn FnMut(AttemptLine)) -> Progress {
        for _ in 0..max_events {
            // The side whose next event comes first (A on a tie), as the page plays them.
            let next = self
                .sides
                .iter_mut()
                .filter_map(|s| s.sim.next_event_at().map(|t| (t, s)))
                .min_by_key(|(t, _)| *t);
            let Some((_, side)) = next else {
                return Progress::Finished;
            };
            side.sim.step();
            side.read(emit);
        }
        if self.sides.iter().all(|s| s.sim.is_finished()) {
            Progress::Finished
        } else {
            Progress::Paused
        }
    }
}

//! The CQRS lab's counters and its metrics (stable JSON keys).

use super::model::CqrsModel;
use crate::stats::{Bucket, Histogram, Series};
use crate::time::{SimDuration, SimTime};
use serde::Serialize;

/// One slice of time.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Slice {
    pub commits: u32,
    pub applied: u32,
    pub reads: u32,
    /// Reads answered stale or not found.
    pub stale: u32,
    /// A writer's own reads (right after their write)…
    pub own_reads: u32,
    /// …that came back without it.
    pub own_stale: u32,
    /// Screens whose two projections disagreed.
    pub mixed: u32,
    /// Sales beyond the stock there really was…
    pub oversold: u32,
    /// …and duplicated stock updates applied (the products' count drifts low).
    pub dup_applied: u32,
}

impl Bucket for Slice {
    fn merge(&mut self, o: &Self) {
        self.commits += o.commits;
        self.applied += o.applied;
        self.reads += o.reads;
        self.stale += o.stale;
        self.own_reads += o.own_reads;
        self.own_stale += o.own_stale;
        self.mixed += o.mixed;
        self.oversold += o.oversold;
        self.dup_applied += o.dup_applied;
    }
}

/// Counters a run keeps as it goes.
#[derive(Clone, Debug)]
pub struct CqrsStats {
    pub commands: u64,
    pub rejected_commands: u64,
    /// Queries asked (a poll repeats one; it is counted in `polls`).
    pub queries: u64,
    /// Answers given (every poll answers).
    pub answers: u64,
    pub stale_reads: u64,
    pub not_found_reads: u64,
    pub read_errors: u64,
    pub polls: u64,
    pub ryw_waits: u64,
    pub ryw_timeouts: u64,
    pub write_store_reads: u64,
    pub monotonic_violations: u64,
    pub mixed_screens: u64,
    /// Answers to readers reading their own write, and how many of those
    /// showed an older version than the one they wrote (or nothing).
    pub own_reads: u64,
    pub own_stale_reads: u64,
    /// Queries whose final answer was up to date, or not (stale, not
    /// found, an error).
    pub final_fresh: u64,
    pub final_out_of_date: u64,
    /// How long a stale answer had been out of date.
    pub staleness: Histogram,
    /// From asking to the final answer (waits and polls included).
    pub query_time: Histogram,
    /// From sending a command to its return.
    pub command_time: Histogram,
    /// From a commit to the slowest replica having it (its lag: the read
    /// model's plus the replica's own).
    pub replica_lag: Histogram,
    pub series: Series<Slice>,
}

impl Default for CqrsStats {
    fn default() -> Self {
        CqrsStats {
            commands: 0,
            rejected_commands: 0,
            queries: 0,
            answers: 0,
            stale_reads: 0,
            not_found_reads: 0,
            read_errors: 0,
            polls: 0,
            ryw_waits: 0,
            ryw_timeouts: 0,
            write_store_reads: 0,
            monotonic_violations: 0,
            mixed_screens: 0,
            own_reads: 0,
            own_stale_reads: 0,
            final_fresh: 0,
            final_out_of_date: 0,
            staleness: Histogram::default(),
            query_time: Histogram::default(),
            command_time: Histogram::default(),
            replica_lag: Histogram::default(),
            series: Series::new(SimDuration::from_ms(100)),
        }
    }
}

impl CqrsStats {
    pub fn slice(&mut self, t: SimTime) -> &mut Slice {
        self.series.at(t)
    }
}

/// What `playground run` prints for one side (keys documented in the README).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CqrsMetrics {
    pub commands: u64,
    pub rejected_commands: u64,
    pub queries: u64,
    pub answers: u64,
    pub stale_reads: u64,
    pub stale_read_rate: f64,
    pub not_found_reads: u64,
    pub read_errors: u64,
    pub polls: u64,
    pub staleness_p50_ms: Option<f64>,
    pub staleness_p95_ms: Option<f64>,
    pub staleness_p99_ms: Option<f64>,
    pub lag_p50_ms: Option<f64>,
    pub lag_p95_ms: Option<f64>,
    pub lag_max_ms: Option<f64>,
    pub lag_mean_ms: Option<f64>,
    /// The longest lag to a read replica, and to the second projection
    /// (the user's history): the copies a reader may be sent to.
    pub replica_lag_max_ms: Option<f64>,
    pub history_lag_max_ms: Option<f64>,
    pub backlog_peak: u64,
    pub backlog_mean: f64,
    pub catch_up_ms: Option<f64>,
    pub rebuild_ms: Option<f64>,
    pub ryw_waits: u64,
    pub ryw_timeouts: u64,
    pub write_store_reads: u64,
    pub monotonic_violations: u64,
    pub mixed_screens: u64,
    pub own_reads: u64,
    pub own_stale_reads: u64,
    pub query_p50_ms: Option<f64>,
    pub query_p95_ms: Option<f64>,
    pub command_p50_ms: Option<f64>,
    pub command_p95_ms: Option<f64>,
    pub oversold: u64,
    pub stock_drift: u64,
}

fn round1(v: f64) -> f64 {
    libm::round(v * 10.0) / 10.0
}

impl CqrsModel {
    /// The side's metrics as of `now` (the backlog's mean is over 0‥now).
    pub fn metrics(&self, now: SimTime) -> CqrsMetrics {
        let s = self.stats();
        let ms = |h: &Histogram, q: f64| h.quantile(q).map(|d| round1(d.as_ms_f64()));
        let p = &self.projections[0].projector;
        let crud = self.is_crud();
        let units = self.config().stock.as_ref().map_or(0, |s| s.units as i64);
        CqrsMetrics {
            commands: s.commands,
            rejected_commands: s.rejected_commands,
            queries: s.queries,
            answers: s.answers,
            stale_reads: s.stale_reads,
            stale_read_rate: if s.answers == 0 {
                0.0
            } else {
                libm::round(s.stale_reads as f64 / s.answers as f64 * 10_000.0) / 10_000.0
            },
            not_found_reads: s.not_found_reads,
            read_errors: s.read_errors,
            polls: s.polls,
            staleness_p50_ms: ms(&s.staleness, 0.5),
            staleness_p95_ms: ms(&s.staleness, 0.95),
            staleness_p99_ms: ms(&s.staleness, 0.99),
            lag_p50_ms: if crud { None } else { ms(&p.lag, 0.5) },
            lag_p95_ms: if crud { None } else { ms(&p.lag, 0.95) },
            lag_max_ms: if crud || p.lag.count() == 0 {
                None
            } else {
                Some(round1(p.lag.max().as_ms_f64()))
            },
            lag_mean_ms: if crud { None } else { p.lag_mean_ms().map(round1) },
            replica_lag_max_ms: (!crud && s.replica_lag.count() > 0).then(|| round1(s.replica_lag.max().as_ms_f64())),
            history_lag_max_ms: self
                .projections
                .get(1)
                .map(|h| &h.projector.lag)
                .filter(|l| !crud && l.count() > 0)
                .map(|l| round1(l.max().as_ms_f64())),
            backlog_peak: if crud { 0 } else { p.backlog_peak },
            backlog_mean: if crud {
                0.0
            } else {
                libm::round(p.backlog_mean(now) * 1000.0) / 1000.0
            },
            catch_up_ms: p.catch_up.count().gt(&0).then(|| round1(p.catch_up.max().as_ms_f64())),
            rebuild_ms: p.rebuild_ms.map(round1),
            ryw_waits: s.ryw_waits,
            ryw_timeouts: s.ryw_timeouts,
            write_store_reads: s.write_store_reads,
            monotonic_violations: s.monotonic_violations,
            mixed_screens: s.mixed_screens,
            own_reads: s.own_reads,
            own_stale_reads: s.own_stale_reads,
            query_p50_ms: ms(&s.query_time, 0.5),
            query_p95_ms: ms(&s.query_time, 0.95),
            command_p50_ms: ms(&s.command_time, 0.5),
            command_p95_ms: ms(&s.command_time, 0.95),
            oversold: (self.sold as i64 - units).max(0) as u64,
            // The units duplicated updates took: once every update is in,
            // what should be left (units − sold) minus what the products
            // service counts; meanwhile only what is applied (an update
            // still in the queue is late, not lost: it read as −7).
            stock_drift: self.stock_duplicates_applied,
        }
    }
}

//! What the retry lab measures as it runs, and the stable metrics it reports
//! (the CLI's JSON keys, the browser's metric cards).

use super::config::RetryScenario;
use super::model::{Final, Request};
use super::record::GiveUpReason;
use crate::patterns::breaker::BreakerState;
use crate::patterns::budget::RetryBudget;
use crate::stats::{round_to, Bucket, Histogram, Series};
use crate::time::{SimDuration, SimTime};
use serde::Serialize;
use std::collections::BTreeMap;

/// One slice of time on the charts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Slice {
    /// Calls sent to the service (first attempts and retries): the offered load.
    pub calls: u32,
    /// Calls that were retries.
    pub retries: u32,
    /// Requests that succeeded in this slice: the useful throughput.
    pub succeeded: u32,
    /// Calls that failed.
    pub failed_calls: u32,
    /// Requests that gave up.
    pub gave_up: u32,
    /// Requests that arrived.
    pub arrivals: u32,
    /// The most calls the service was working on at once.
    pub peak_in_flight: u32,
    /// The lowest budget level seen, in thousandths of a token (`None`: no budget or no call).
    pub budget_low: Option<u64>,
    /// The worst breaker state seen (open > half-open > closed).
    pub breaker: Option<BreakerState>,
}

fn worst(a: Option<BreakerState>, b: Option<BreakerState>) -> Option<BreakerState> {
    let rank = |s: Option<BreakerState>| match s {
        None => 0,
        Some(BreakerState::Closed) => 1,
        Some(BreakerState::HalfOpen) => 2,
        Some(BreakerState::Open) => 3,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

impl Bucket for Slice {
    fn merge(&mut self, o: &Self) {
        self.calls += o.calls;
        self.retries += o.retries;
        self.succeeded += o.succeeded;
        self.failed_calls += o.failed_calls;
        self.gave_up += o.gave_up;
        self.arrivals += o.arrivals;
        self.peak_in_flight = self.peak_in_flight.max(o.peak_in_flight);
        self.budget_low = match (self.budget_low, o.budget_low) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.breaker = worst(self.breaker, o.breaker);
    }
}

/// Calls sent in one fine slice of time (see [`RetryStats::fine_calls`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallCount {
    /// Calls sent (first attempts and retries).
    pub calls: u32,
    /// Of those, retries.
    pub retries: u32,
}

impl Bucket for CallCount {
    fn merge(&mut self, o: &Self) {
        self.calls += o.calls;
        self.retries += o.retries;
    }
}

/// The starting width of [`RetryStats::fine_calls`]: a thundering herd's
/// waves are a service latency wide, tens of milliseconds.
pub const FINE_SLICE_MS: u64 = 10;

/// Running totals of a retry run.
#[derive(Clone, Debug)]
pub struct RetryStats {
    pub requests: u64,
    pub finished: u64,
    pub succeeded: u64,
    pub first_try: u64,
    pub calls: u64,
    /// Calls that were a request's first attempt.
    pub first_attempts: u64,
    /// Attempts a budget, a retry quota or an open breaker refused to send
    /// (each ends its request).
    pub refused: u64,
    pub finished_attempts: u64,
    pub gave_up: BTreeMap<&'static str, u64>,
    pub latency: Histogram,
    pub last_finish: SimTime,
    pub retry_wait: SimDuration,
    pub node_calls: Vec<u64>,
    pub node_failures: Vec<u64>,
    /// Finished requests by attempts made: `[succeeded, gave up]` per count.
    pub attempts: Vec<[u64; 2]>,
    pub series: Series<Slice>,
    /// Breaker state changes, for the live strip (capped).
    pub breaker_changes: Vec<(SimTime, BreakerState)>,
    /// Calls per fine slice of time: 10 ms wide to start, widened (like
    /// `series`) as the run grows, so a short run keeps its 10-ms waves and a
    /// long one still fits. Only for views; no metric reads it.
    pub fine_calls: Series<CallCount>,
}

const MAX_BREAKER_CHANGES: usize = 2_000;

/// Rows of [`RetryStats::attempts`] past row 0: one per attempt count up to
/// 50; beyond that (or unlimited, 0) the last row counts 50 or more.
fn attempt_rows(max_attempts: u32) -> usize {
    match max_attempts {
        0 => 50,
        n => n.min(50) as usize,
    }
}

impl RetryStats {
    pub fn new(sc: &RetryScenario) -> Self {
        let nodes = sc.service.nodes.max(1) as usize;
        let width = match sc.workload {
            super::config::Workload::Poisson { duration_ms, .. } => (duration_ms / 120).max(100),
            _ => 250,
        };
        RetryStats {
            requests: 0,
            finished: 0,
            succeeded: 0,
            first_try: 0,
            calls: 0,
            first_attempts: 0,
            refused: 0,
            finished_attempts: 0,
            gave_up: GiveUpReason::ALL.iter().fold(BTreeMap::new(), |mut m, r| {
                m.insert(r.metric(), 0);
                m
            }),
            latency: Histogram::default(),
            last_finish: SimTime::ZERO,
            retry_wait: SimDuration::ZERO,
            node_calls: vec![0; nodes],
            node_failures: vec![0; nodes],
            // Rows 1…n, the last one also counting longer requests when n is large or unlimited.
            attempts: vec![[0; 2]; attempt_rows(sc.strategy.max_attempts) + 1],
            series: Series::new(SimDuration::from_ms(width)),
            breaker_changes: if sc.strategy.breaker.is_some() {
                vec![(SimTime::ZERO, BreakerState::Closed)]
            } else {
                vec![]
            },
            fine_calls: Series::new(SimDuration::from_ms(FINE_SLICE_MS)),
        }
    }

    pub(super) fn on_arrival(&mut self, now: SimTime) {
        self.requests += 1;
        self.series.at(now).arrivals += 1;
    }

    pub(super) fn on_call(&mut self, now: SimTime, node: u32, in_flight: u32, budget: Option<&RetryBudget>) {
        self.calls += 1;
        self.node_calls[node as usize] += 1;
        let slice = self.series.at(now);
        slice.calls += 1;
        slice.peak_in_flight = slice.peak_in_flight.max(in_flight);
        self.fine_calls.at(now).calls += 1;
        if let Some(b) = budget {
            let level = b.milli_tokens();
            slice.budget_low = Some(slice.budget_low.map_or(level, |l| l.min(level)));
        }
    }

    pub(super) fn on_failed_call(&mut self, now: SimTime, node: u32) {
        self.node_failures[node as usize] += 1;
        self.series.at(now).failed_calls += 1;
    }

    pub(super) fn on_retry_wait(&mut self, wait: SimDuration) {
        self.retry_wait += wait;
    }

    pub(super) fn on_breaker(&mut self, now: SimTime, to: BreakerState) {
        if self.breaker_changes.len() < MAX_BREAKER_CHANGES {
            self.breaker_changes.push((now, to));
        }
        let slice = self.series.at(now);
        slice.breaker = worst(slice.breaker, Some(to));
    }

    pub(super) fn on_finish(&mut self, req: &Request, outcome: Final, attempts: u32, now: SimTime) {
        self.finished += 1;
        self.finished_attempts += attempts as u64;
        self.last_finish = self.last_finish.max(now);
        let slice = self.series.at(now);
        match outcome {
            Final::Succeeded => {
                self.succeeded += 1;
                if attempts == 1 {
                    self.first_try += 1;
                }
                slice.succeeded += 1;
                self.latency.record(now - req.arrived);
            }
            Final::GaveUp(reason) => {
                slice.gave_up += 1;
                *self.gave_up.entry(reason.metric()).or_default() += 1;
            }
        }
        let row = (attempts as usize).min(self.attempts.len() - 1);
        self.attempts[row][usize::from(!matches!(outcome, Final::Succeeded))] += 1;
    }

    /// Marks which calls were retries (the model calls this per retry).
    pub(super) fn on_retry_call(&mut self, now: SimTime) {
        self.series.at(now).retries += 1;
        self.fine_calls.at(now).retries += 1;
    }

    /// Requests that have arrived and not finished yet.
    pub fn in_progress(&self) -> u64 {
        self.requests - self.finished
    }

    /// The metrics so far (final once the run is over).
    ///
    /// Rates are over the requests that have *arrived*, so a request still
    /// running counts as not (yet) succeeded: mid-run they can only grow, and
    /// never flatter a side whose requests are stuck retrying. Once the run is
    /// over every request has finished, and arrived = finished.
    pub fn metrics(&self) -> RetryMetrics {
        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { round_to(a as f64 / b as f64, 4) };
        let ms = |d: Option<SimDuration>| d.map(|d| round_to(d.as_ms_f64(), 1));
        RetryMetrics {
            requests: self.requests,
            succeeded: self.succeeded,
            in_progress: self.in_progress(),
            success_rate: ratio(self.succeeded, self.requests),
            first_try_success_rate: ratio(self.first_try, self.requests),
            calls: self.calls,
            first_attempts: self.first_attempts,
            retries: self.calls - self.first_attempts,
            refused: self.refused,
            load_amplification: ratio(self.calls, self.requests),
            calls_per_first_attempt: ratio(self.calls, self.first_attempts),
            mean_attempts: ratio(self.finished_attempts, self.finished),
            p50_ms: ms(self.latency.quantile(0.50)),
            p95_ms: ms(self.latency.quantile(0.95)),
            p99_ms: ms(self.latency.quantile(0.99)),
            completion_ms: round_to(self.last_finish.as_micros() as f64 / 1000.0, 1),
            retry_wait_ms: round_to(self.retry_wait.as_ms_f64(), 1),
            retry_wait_per_request_ms: if self.requests == 0 {
                0.0
            } else {
                round_to(self.retry_wait.as_ms_f64() / self.requests as f64, 1)
            },
            gave_up: self.gave_up.clone(),
            node_failures: if self.node_failures.len() > 1 {
                // Inserted one by one: `collect` would compile a sort for it.
                let mut by_node = BTreeMap::new();
                for (i, n) in self.node_failures.iter().enumerate() {
                    by_node.insert(super::record::node_name(i as u32), *n);
                }
                by_node
            } else {
                BTreeMap::new()
            },
        }
    }
}

/// The retry lab's metrics, with stable JSON keys.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RetryMetrics {
    pub requests: u64,
    pub succeeded: u64,
    /// Requests that have arrived and not finished (0 once the run is over).
    pub in_progress: u64,
    /// Succeeded ÷ requests that arrived: one still running counts as not
    /// (yet) succeeded.
    pub success_rate: f64,
    /// Requests that succeeded on their first attempt ÷ requests that arrived.
    pub first_try_success_rate: f64,
    pub calls: u64,
    /// Calls that were a request's first attempt.
    pub first_attempts: u64,
    /// Calls that were retries (calls − first attempts).
    pub retries: u64,
    /// Attempts a budget, a retry quota or an open breaker refused to send.
    pub refused: u64,
    /// Calls ÷ requests that arrived.
    pub load_amplification: f64,
    /// Calls ÷ first attempts: the load figure the literature quotes (a
    /// request turned away before any call adds to neither).
    pub calls_per_first_attempt: f64,
    /// Attempts of the finished requests ÷ finished requests (the same as
    /// load amplification once the run is over).
    pub mean_attempts: f64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub completion_ms: f64,
    pub retry_wait_ms: f64,
    /// Time spent waiting to retry ÷ requests that arrived.
    pub retry_wait_per_request_ms: f64,
    pub gave_up: BTreeMap<&'static str, u64>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub node_failures: BTreeMap<String, u64>,
}

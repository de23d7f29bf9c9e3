//! The availability lab's metrics (stable JSON keys).

use super::model::AvailabilityModel;
use crate::time::SimTime;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Errors {
    #[serde(rename = "502")]
    pub e502: u64,
    #[serde(rename = "503")]
    pub e503: u64,
    #[serde(rename = "504")]
    pub e504: u64,
}

/// What `playground run` prints for one side (keys documented in the README).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AvailabilityMetrics {
    pub requests: u64,
    pub command_availability: Option<f64>,
    pub query_availability: Option<f64>,
    pub uptime_ratio: f64,
    pub errors: Errors,
    pub downtime_ms: f64,
    pub detection_ms: Option<f64>,
    pub failover_ms: Option<f64>,
    pub false_suspicions: u64,
    pub failovers: u64,
    pub flaps: u64,
    pub resync_ms: f64,
    pub writes_lost: u64,
    pub writes_diverged: u64,
    pub writes_fenced: u64,
    /// Queries answered from a copy that lacked a registration already
    /// committed (the projector had not applied it yet).
    pub stale_queries: u64,
    /// Commit to applied in the queries service's copy, 95th percentile.
    pub projector_lag_p95_ms: Option<f64>,
    /// Failed requests ÷ the failures the SLO allows for this many requests.
    pub error_budget_used: Option<f64>,
    /// Downtime ÷ the downtime the target allows for the time so far
    /// ((1 − slo) × elapsed: 43 min in a month at 99.9 %).
    pub downtime_budget_used: Option<f64>,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    /// The share of the queries service's worker time spent serving (its
    /// utilisation), when it has a limited number of workers.
    pub queries_busy: Option<f64>,
}

fn round1(v: f64) -> f64 {
    libm::round(v * 10.0) / 10.0
}

fn ratio(ok: u64, all: u64) -> Option<f64> {
    (all > 0).then(|| libm::round(ok as f64 / all as f64 * 1e6) / 1e6)
}

impl AvailabilityModel {
    pub fn metrics(&self, now: SimTime) -> AvailabilityMetrics {
        let s = &self.stats;
        let ms = |h: &crate::stats::Histogram, q: f64| h.quantile(q).map(|d| round1(d.as_ms_f64()));
        let requests = s.commands + s.queries;
        let failed = requests - s.commands_ok - s.queries_ok;
        let elapsed = now.as_micros().max(1) as f64;
        let down = self.downtime_us(now) as f64;
        let allowed = requests as f64 * (1.0 - self.config().slo);
        AvailabilityMetrics {
            requests,
            command_availability: ratio(s.commands_ok, s.commands),
            query_availability: ratio(s.queries_ok, s.queries),
            uptime_ratio: libm::round((1.0 - down / elapsed) * 1e6) / 1e6,
            errors: Errors {
                e502: s.e502,
                e503: s.e503,
                e504: s.e504,
            },
            downtime_ms: round1(down / 1000.0),
            detection_ms: (s.detection.count() > 0).then(|| round1(s.detection.max().as_ms_f64())),
            failover_ms: (s.failover.count() > 0).then(|| round1(s.failover.max().as_ms_f64())),
            false_suspicions: s.false_suspicions,
            failovers: s.failovers,
            flaps: s.flaps,
            resync_ms: {
                let ahead = s
                    .resync_until
                    .map_or(0, |end| end.as_micros().saturating_sub(now.as_micros()));
                round1(s.resync_us.saturating_sub(ahead) as f64 / 1000.0)
            },
            writes_lost: s.writes_lost,
            writes_diverged: s.writes_diverged,
            writes_fenced: s.writes_fenced,
            stale_queries: s.stale_queries,
            projector_lag_p95_ms: ms(&self.projector().lag, 0.95),
            error_budget_used: (allowed > 0.0).then(|| libm::round(failed as f64 / allowed * 1000.0) / 1000.0),
            downtime_budget_used: (self.config().slo < 1.0 && now.as_micros() > 0)
                .then(|| libm::round(down / ((1.0 - self.config().slo) * elapsed) * 1000.0) / 1000.0),
            p50_ms: ms(&s.response, 0.5),
            p95_ms: ms(&s.response, 0.95),
            p99_ms: ms(&s.response, 0.99),
            queries_busy: {
                let c = self.config().queries.capacity;
                (c > 0 && now.as_micros() > 0).then(|| {
                    let busy = self.workers[2].busy_us(now.as_micros()) as f64;
                    libm::round(busy / (f64::from(c) * elapsed) * 1e6) / 1e6
                })
            },
        }
    }
}

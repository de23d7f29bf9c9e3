//! The replica-failover lab's metrics (stable JSON keys).

use super::model::ReplicaModel;
use crate::time::SimTime;
use serde::Serialize;

/// One worker's time, split.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WorkerSplit {
    pub transfer_ms: f64,
    pub backoff_ms: f64,
    pub metadata_ms: f64,
}

/// What `playground run` prints for one side (keys documented in the README).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplicaMetrics {
    pub chunks: u64,
    pub chunks_ok: u64,
    pub chunks_failed: u64,
    /// Chunks never tried: the transfer was aborted.
    pub chunks_skipped: u64,
    pub first_try_success_rate: f64,
    pub mean_attempts: f64,
    pub retry_time_ms: f64,
    /// Failed attempts per node, the most first (`node_3`: 5).
    pub problem_nodes: Vec<(String, u64)>,
    pub reports_sent: u64,
    pub corrupt_reads_caught: u64,
    /// Chunks handed to the user with a bad checksum (verification off).
    pub corrupt_delivered: u64,
    pub transfer_ms: Option<f64>,
    pub throughput_mb_s: Option<f64>,
    pub under_replicated_peak: u64,
    pub under_replicated_end: u64,
    /// The most chunks at risk at once: the stage's "at risk" at its highest
    /// (a rack down read "80 at risk" beside an under-replicated peak of 78).
    pub at_risk_peak: u64,
    /// Chunks short of good replicas on nodes that are up, now: the stage's
    /// "at risk" (a node that is down takes its copies with it until it returns).
    pub at_risk_end: u64,
    pub repair_ms: Option<f64>,
    pub detection_ms: Option<f64>,
    pub data_lost_chunks: u64,
    pub clones: u64,
    pub workers: Vec<WorkerSplit>,
}

fn round1(v: f64) -> f64 {
    libm::round(v * 10.0) / 10.0
}

impl ReplicaModel {
    pub fn metrics(&self, now: SimTime) -> ReplicaMetrics {
        let s = &self.stats;
        // Counted as the run goes (the page asks every frame).
        let [_, _, ok, failed, skipped] = self.status_counts();
        let tried = self.tried();
        let mut problem: Vec<(String, u64)> = s
            .node_failures
            .iter()
            .enumerate()
            .filter(|(_, f)| **f > 0)
            .map(|(n, f)| (format!("node_{}", n + 1), *f))
            .collect();
        crate::order::sort_by(&mut problem, |a, b| b.1.cmp(&a.1));
        let transfer_ms = match (s.first_start, s.last_done) {
            (Some(a), Some(b)) => Some(round1(b.since(a).as_ms_f64())),
            _ => None,
        };
        let mb = ok as f64 * self.config().workload.chunk_mb;
        let at_risk_end = super::view::risk(self, now).at_risk;
        let at_risk_peak = s
            .series
            .buckets()
            .iter()
            .map(|b| u64::from(b.at_risk))
            .fold(at_risk_end, u64::max);
        ReplicaMetrics {
            chunks: self.chunks.len() as u64,
            chunks_ok: ok,
            chunks_failed: failed,
            chunks_skipped: skipped,
            first_try_success_rate: if tried == 0 {
                0.0
            } else {
                libm::round(s.first_try_ok as f64 / tried as f64 * 10_000.0) / 10_000.0
            },
            mean_attempts: if tried == 0 {
                0.0
            } else {
                libm::round(s.attempts as f64 / tried as f64 * 100.0) / 100.0
            },
            retry_time_ms: round1(s.retry_us as f64 / 1000.0),
            problem_nodes: problem,
            reports_sent: s.reports_sent,
            corrupt_reads_caught: s.corrupt_reads_caught,
            corrupt_delivered: s.corrupt_delivered,
            transfer_ms,
            throughput_mb_s: transfer_ms.filter(|t| *t > 0.0).map(|t| round1(mb / (t / 1000.0))),
            under_replicated_peak: s.under_replicated_peak,
            under_replicated_end: self.under_replicated(),
            at_risk_peak,
            at_risk_end,
            repair_ms: (s.repair.count() > 0).then(|| round1(s.repair.max().as_ms_f64())),
            detection_ms: (s.detection.count() > 0).then(|| round1(s.detection.max().as_ms_f64())),
            data_lost_chunks: self.lost_chunks(now),
            clones: s.clones,
            workers: self
                .workers
                .iter()
                .map(|w| WorkerSplit {
                    transfer_ms: round1(w.time.transfer_us as f64 / 1000.0),
                    backoff_ms: round1(w.time.backoff_us as f64 / 1000.0),
                    metadata_ms: round1(w.time.metadata_us as f64 / 1000.0),
                })
                .collect(),
        }
    }
}

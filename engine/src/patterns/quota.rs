//! A retry quota: the client-side token bucket of the AWS SDKs' "standard"
//! retry mode, the second kind of retry budget beside [`super::budget`]
//! (gRPC's retry throttling).
//!
//! Why a second kind: gRPC's bucket is charged by every *failed call*, so
//! at a 50 % failure rate it stays empty and retries stop; the AWS quota is
//! charged only by *retries*, and paid back by successes, so a client keeps
//! retrying at a steady failure rate and stops only when retries keep
//! failing. Both appear in the literature and in production SDKs; the lab
//! offers both, each named after its source.
//!
//! The rule (botocore `retries/quota.py` and `standard.py`, the AWS SDKs'
//! "retry behavior" reference):
//!
//! - the bucket starts full at `capacity` (500);
//! - a retry costs `retry_cost` (5), or `timeout_cost` (10) when the attempt
//!   it follows timed out; it is **refused** when the bucket holds less than
//!   its cost;
//! - a request whose first attempt succeeds deposits `success_deposit` (1);
//! - a request that succeeds on a retry gets that retry's cost back;
//! - the bucket never holds more than `capacity`.
//!
//! Amounts are kept in thousandths, so fractional deposits (other articles
//! use 0.1) add up exactly and never drift.

use serde::{Deserialize, Serialize};

/// Who shares a bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum QuotaScope {
    /// Each client has its own bucket (an SDK client per process).
    #[default]
    PerClient,
    /// One bucket for every client (one SDK client shared by all callers).
    Shared,
}

/// The state of one retry quota bucket.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryQuota {
    available_milli: u64,
    capacity_milli: u64,
    retry_cost_milli: u64,
    timeout_cost_milli: u64,
    deposit_milli: u64,
}

fn milli(v: f64) -> u64 {
    libm::round(v.clamp(0.0, 1e12) * 1000.0) as u64
}

impl RetryQuota {
    /// A full bucket. Amounts are in tokens (fractions allowed).
    pub fn new(capacity: f64, retry_cost: f64, timeout_cost: f64, success_deposit: f64) -> Self {
        RetryQuota {
            available_milli: milli(capacity),
            capacity_milli: milli(capacity),
            retry_cost_milli: milli(retry_cost),
            timeout_cost_milli: milli(timeout_cost),
            deposit_milli: milli(success_deposit),
        }
    }

    /// Takes the cost of a retry (after a timeout or not) and returns it, in
    /// thousandths, or `None` (nothing taken) when the bucket holds less.
    pub fn acquire(&mut self, after_timeout: bool) -> Option<u64> {
        let cost = if after_timeout {
            self.timeout_cost_milli
        } else {
            self.retry_cost_milli
        };
        if self.available_milli < cost {
            return None;
        }
        self.available_milli -= cost;
        Some(cost)
    }

    /// A request succeeded: `retry_cost` is what its last retry took
    /// (`None` when it succeeded on its first attempt, which deposits).
    pub fn on_success(&mut self, retry_cost: Option<u64>) {
        let back = retry_cost.unwrap_or(self.deposit_milli);
        self.available_milli = (self.available_milli + back).min(self.capacity_milli);
    }

    /// Current level, in thousandths of a token.
    pub fn milli_tokens(&self) -> u64 {
        self.available_milli
    }
    pub fn capacity_milli_tokens(&self) -> u64 {
        self.capacity_milli
    }
    /// What a retry costs, in thousandths (after a timeout: [`Self::timeout_cost_milli_tokens`]).
    pub fn retry_cost_milli_tokens(&self) -> u64 {
        self.retry_cost_milli
    }
    pub fn timeout_cost_milli_tokens(&self) -> u64 {
        self.timeout_cost_milli
    }
    /// Whether the bucket holds enough for a retry now (read only: what
    /// [`Self::acquire`] would decide, without taking anything).
    pub fn allows_retry(&self, after_timeout: bool) -> bool {
        let cost = if after_timeout {
            self.timeout_cost_milli
        } else {
            self.retry_cost_milli
        };
        self.available_milli >= cost
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AWS SDK defaults: capacity 500, retry 5, timeout 10, deposit 1.
    fn aws() -> RetryQuota {
        RetryQuota::new(500.0, 5.0, 10.0, 1.0)
    }

    #[test]
    fn a_full_bucket_pays_for_100_retries_or_50_after_timeouts() {
        let mut q = aws();
        assert_eq!((0..1000).filter_map(|_| q.acquire(false)).count(), 100);
        assert_eq!(q.milli_tokens(), 0);
        let mut q = aws();
        assert_eq!((0..1000).filter_map(|_| q.acquire(true)).count(), 50);
    }

    #[test]
    fn a_retry_is_refused_when_the_bucket_holds_less_than_its_cost() {
        let mut q = RetryQuota::new(12.0, 5.0, 10.0, 1.0);
        assert!(q.allows_retry(true));
        assert_eq!(q.acquire(true), Some(10_000));
        // 2 left: a retry costs 5, so it is refused and nothing is taken.
        assert!(!q.allows_retry(false));
        assert_eq!(q.acquire(false), None);
        assert_eq!(q.milli_tokens(), 2_000);
        for _ in 0..3 {
            q.on_success(None);
        }
        assert_eq!(q.acquire(false), Some(5_000));
        assert_eq!(q.milli_tokens(), 0);
    }

    #[test]
    fn successes_deposit_and_successful_retries_refund_their_cost() {
        let mut q = aws();
        let cost = q.acquire(true);
        assert_eq!(q.milli_tokens(), 490_000);
        q.on_success(cost);
        assert_eq!(q.milli_tokens(), 500_000, "refunded in full");
        q.on_success(None);
        assert_eq!(q.milli_tokens(), 500_000, "never above capacity");
        let mut q = RetryQuota::new(10.0, 5.0, 10.0, 0.1);
        q.acquire(false);
        for _ in 0..30 {
            q.on_success(None);
        }
        assert_eq!(q.milli_tokens(), 8_000, "30 deposits of 0.1, exactly");
    }

    /// At a steady failure rate p with at most 2 attempts, the bucket's
    /// drift per request is p·(−5) for the retry, +1·(1−p) for a first-try
    /// success, and +5 back for a retry that succeeds (p·(1−p)): at p = 0.5,
    /// −2.5 + 0.5 + 1.25 = −0.75 a request, so a full bucket lasts about
    /// 500 / 0.75 ≈ 667 requests before it refuses retries.
    #[test]
    fn the_drift_at_a_steady_failure_rate_is_the_published_rule() {
        let mut q = aws();
        // Deterministic pattern of 4 requests: S, F→S, F→F, S (p = 0.5 per call).
        let mut served = 0;
        'outer: loop {
            for pattern in [[true, true], [false, true], [false, false], [true, true]] {
                if pattern[0] {
                    q.on_success(None);
                } else {
                    let Some(cost) = q.acquire(false) else { break 'outer };
                    if pattern[1] {
                        q.on_success(Some(cost));
                    }
                }
                served += 1;
            }
        }
        // Per 4 requests: +1 (S), 0 (F→S: −5 +5), −5 (F→F), +1 (S) = −3, i.e. −0.75 each.
        assert!((640..=680).contains(&served), "{served}");
    }
}

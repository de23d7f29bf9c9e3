//! A retry budget: a token bucket that caps how much retrying a client may do.
//!
//! Why a budget beats a bare "max attempts": max attempts bounds the retries of
//! *one* request, so when a dependency fails for everybody, every request
//! multiplies its load by up to that factor — exactly when the dependency can
//! least afford it. A budget bounds the retries of the whole client: when
//! failures pile up, tokens run out and retries stop, so the extra load stays a
//! small fraction of the normal load.
//!
//! This is gRPC's retry throttling: the bucket starts full (`max_tokens`); each
//! failed call takes one token; each successful call (or, with
//! [`Refill::PerCall`], every call) puts back `token_ratio` tokens, up to the
//! maximum; a retry is allowed only while the bucket holds more than
//! `threshold × max_tokens`. Tokens are counted in thousandths, so the bucket
//! never goes negative and never drifts.

use serde::{Deserialize, Serialize};

/// When tokens flow back into the bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Refill {
    /// gRPC: each successful call refills.
    #[default]
    OnSuccess,
    /// Finagle/tower style: every call deposits, success or not.
    PerCall,
}

/// The state of a retry budget.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryBudget {
    milli_tokens: u64,
    max_milli: u64,
    refill_milli: u64,
    threshold_milli: u64,
    refill: Refill,
}

impl RetryBudget {
    /// `threshold` is the fraction of the bucket under which retries stop.
    pub fn new(max_tokens: u32, token_ratio: f64, threshold: f64, refill: Refill) -> Self {
        let max_milli = max_tokens as u64 * 1000;
        RetryBudget {
            milli_tokens: max_milli,
            max_milli,
            refill_milli: libm::round(token_ratio.clamp(0.0, 1000.0) * 1000.0) as u64,
            threshold_milli: libm::round(threshold.clamp(0.0, 1.0) * max_milli as f64) as u64,
            refill,
        }
    }

    /// Whether a retry may be sent now.
    pub fn allows_retry(&self) -> bool {
        self.milli_tokens > self.threshold_milli
    }

    /// Called when any attempt is sent.
    pub fn on_call(&mut self) {
        if self.refill == Refill::PerCall {
            self.deposit();
        }
    }

    /// Called when an attempt succeeds.
    pub fn on_success(&mut self) {
        if self.refill == Refill::OnSuccess {
            self.deposit();
        }
    }

    /// Called when an attempt fails in a way that counts against the service.
    pub fn on_failure(&mut self) {
        self.milli_tokens = self.milli_tokens.saturating_sub(1000);
    }

    fn deposit(&mut self) {
        self.milli_tokens = (self.milli_tokens + self.refill_milli).min(self.max_milli);
    }

    /// Current level, in thousandths of a token.
    pub fn milli_tokens(&self) -> u64 {
        self.milli_tokens
    }
    pub fn max_milli_tokens(&self) -> u64 {
        self.max_milli
    }
    pub fn threshold_milli_tokens(&self) -> u64 {
        self.threshold_milli
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_drain_and_successes_refill() {
        let mut b = RetryBudget::new(10, 0.1, 0.5, Refill::OnSuccess);
        assert!(b.allows_retry());
        for _ in 0..5 {
            b.on_failure();
        }
        // 5 tokens left: not more than half of 10, so retries stop.
        assert!(!b.allows_retry());
        for _ in 0..10 {
            b.on_success();
        }
        assert_eq!(b.milli_tokens(), 6000);
        assert!(b.allows_retry());
    }

    #[test]
    fn never_negative_never_over_max() {
        let mut b = RetryBudget::new(2, 5.0, 0.5, Refill::PerCall);
        for _ in 0..10 {
            b.on_failure();
        }
        assert_eq!(b.milli_tokens(), 0);
        for _ in 0..10 {
            b.on_call();
        }
        assert_eq!(b.milli_tokens(), 2000);
    }
}

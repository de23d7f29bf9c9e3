//! How long to wait before the next attempt.
//!
//! The jitter schemes are exactly those of AWS's "Exponential Backoff and
//! Jitter" (Marc Brooker, 2015), with `temp = min(cap, base · multiplierⁿ⁻¹)`
//! for retry number `n` (1 = the first retry):
//!
//! - **none**: `sleep = temp`
//! - **full**: `sleep = random_between(0, temp)`
//! - **equal**: `sleep = temp/2 + random_between(0, temp/2)`
//! - **decorrelated**: `sleep = min(cap, random_between(base, previous_sleep · 3))`,
//!   with `previous_sleep = base` before the first retry.
//!
//! A fixed wait is the same with a multiplier of 1.

use crate::rng::SimRng;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// The shape of the wait between attempts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum WaitKind {
    /// Retry at once.
    Immediate,
    /// The same wait every time (tenacity's `wait_fixed`).
    #[default]
    Fixed,
    /// base, base·m, base·m², … up to the cap.
    Exponential,
}

/// Randomisation of the wait, named as in AWS's article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Jitter {
    #[default]
    None,
    Full,
    Equal,
    Decorrelated,
}

/// A validated backoff.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backoff {
    pub kind: WaitKind,
    pub base: SimDuration,
    pub multiplier: f64,
    pub cap: SimDuration,
    pub jitter: Jitter,
}

impl Backoff {
    /// The un-jittered wait before retry number `retry` (1-based), capped.
    pub fn ceiling(&self, retry: u32) -> SimDuration {
        match self.kind {
            WaitKind::Immediate => SimDuration::ZERO,
            WaitKind::Fixed => self.base.min(self.cap),
            WaitKind::Exponential => {
                let exp = retry.saturating_sub(1).min(1000) as f64;
                let raw = self.base.as_micros() as f64 * libm::pow(self.multiplier, exp);
                let capped = raw.min(self.cap.as_micros() as f64);
                SimDuration::from_micros(capped as u64)
            }
        }
    }

    /// The wait before retry number `retry`, given the previous wait (used by
    /// decorrelated jitter). Draws from `rng` only when jitter is on.
    pub fn wait(&self, retry: u32, previous: SimDuration, rng: &mut SimRng) -> SimDuration {
        if self.kind == WaitKind::Immediate {
            return SimDuration::ZERO;
        }
        let temp = self.ceiling(retry).as_micros();
        let us = match self.jitter {
            Jitter::None => temp,
            Jitter::Full => rng.between(0, temp),
            Jitter::Equal => temp / 2 + rng.between(0, temp - temp / 2),
            Jitter::Decorrelated => {
                let base = self.base.as_micros();
                let prev = if retry <= 1 {
                    base
                } else {
                    previous.as_micros().max(base)
                };
                rng.between(base, prev.saturating_mul(3)).min(self.cap.as_micros())
            }
        };
        SimDuration::from_micros(us)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exp(jitter: Jitter) -> Backoff {
        Backoff {
            kind: WaitKind::Exponential,
            base: SimDuration::from_ms(1000),
            multiplier: 2.0,
            cap: SimDuration::from_ms(10_000),
            jitter,
        }
    }

    #[test]
    fn exponential_without_jitter_is_1_2_4_8_10_seconds() {
        let b = exp(Jitter::None);
        let mut rng = SimRng::new(0);
        let waits: Vec<u64> = (1..=6)
            .map(|n| b.wait(n, SimDuration::ZERO, &mut rng).as_ms())
            .collect();
        assert_eq!(waits, [1000, 2000, 4000, 8000, 10_000, 10_000]);
    }

    #[test]
    fn fixed_is_constant() {
        let b = Backoff {
            kind: WaitKind::Fixed,
            base: SimDuration::from_ms(2000),
            ..exp(Jitter::None)
        };
        let mut rng = SimRng::new(0);
        assert!((1..5).all(|n| b.wait(n, SimDuration::ZERO, &mut rng) == SimDuration::from_ms(2000)));
    }

    #[test]
    fn immediate_never_waits() {
        let b = Backoff {
            kind: WaitKind::Immediate,
            ..exp(Jitter::Full)
        };
        assert_eq!(b.wait(3, SimDuration::ZERO, &mut SimRng::new(1)), SimDuration::ZERO);
    }
}

/// A retry policy as labs configure it: up to `max_attempts` tries in all,
/// each retry after a backoff wait (the choreography lab's redelivery and
/// orchestrator, the replica lab's chunk transfers).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub wait: WaitKind,
    pub base_ms: u64,
    pub multiplier: f64,
    pub cap_ms: u64,
    pub jitter: Jitter,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            wait: WaitKind::Exponential,
            base_ms: 200,
            multiplier: 2.0,
            cap_ms: 5_000,
            jitter: Jitter::Full,
        }
    }
}

impl RetryPolicy {
    pub fn backoff(&self) -> Backoff {
        Backoff {
            kind: self.wait,
            base: SimDuration::from_ms(self.base_ms),
            multiplier: self.multiplier,
            cap: SimDuration::from_ms(self.cap_ms.max(self.base_ms)),
            jitter: self.jitter,
        }
    }
}

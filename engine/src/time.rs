//! Simulated time. The engine never reads a wall clock: every instant is a
//! count of microseconds since the start of a run, and every wait is a
//! [`SimDuration`] that the scheduler jumps over.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// An instant on the virtual clock, in microseconds since the run began.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SimTime(pub u64);

/// A span of virtual time, in microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SimDuration(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);

    pub fn from_ms(ms: u64) -> Self {
        SimTime(ms.saturating_mul(1000))
    }
    pub fn as_micros(self) -> u64 {
        self.0
    }
    pub fn as_ms(self) -> u64 {
        self.0 / 1000
    }
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e6
    }
    /// Time elapsed since `earlier` (zero if `earlier` is later).
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);

    pub fn from_ms(ms: u64) -> Self {
        SimDuration(ms.saturating_mul(1000))
    }
    pub fn from_micros(us: u64) -> Self {
        SimDuration(us)
    }
    /// Rounds a non-negative number of milliseconds to whole microseconds.
    pub fn from_ms_f64(ms: f64) -> Self {
        if ms.is_finite() && ms > 0.0 {
            SimDuration(libm::round(ms * 1000.0).min(u64::MAX as f64 / 2.0) as u64)
        } else {
            SimDuration(0)
        }
    }
    pub fn as_micros(self) -> u64 {
        self.0
    }
    pub fn as_ms(self) -> u64 {
        self.0 / 1000
    }
    pub fn as_ms_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, rhs: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(rhs.0))
    }
}
impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, rhs: SimDuration) {
        self.0 = self.0.saturating_add(rhs.0);
    }
}
impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    fn sub(self, rhs: SimTime) -> SimDuration {
        self.since(rhs)
    }
}
impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(rhs.0))
    }
}
impl AddAssign for SimDuration {
    fn add_assign(&mut self, rhs: SimDuration) {
        self.0 = self.0.saturating_add(rhs.0);
    }
}

/// Formats a duration the way a person reads it: `850 ms`, `2.5 s`, `3 min 20 s`.
pub fn human_ms(ms: f64) -> String {
    if ms < 1.0 && ms > 0.0 {
        format!("{ms:.2} ms")
    } else if ms < 1000.0 {
        format!("{} ms", libm::round(ms) as u64)
    } else if ms < 60_000.0 {
        let s = ms / 1000.0;
        if libm::fabs(s - libm::round(s)) < 0.005 {
            format!("{} s", libm::round(s) as u64)
        } else {
            format!("{s:.2} s")
        }
    } else {
        let total = libm::round(ms / 1000.0) as u64;
        format!("{} min {} s", total / 60, total % 60)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={}", human_ms(self.0 as f64 / 1000.0))
    }
}
impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&human_ms(self.as_ms_f64()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_instead_of_overflowing() {
        assert_eq!(SimTime(u64::MAX) + SimDuration(5), SimTime(u64::MAX));
        assert_eq!(SimTime(3) - SimTime(10), SimDuration(0));
    }

    #[test]
    fn human_formatting() {
        assert_eq!(human_ms(850.0), "850 ms");
        assert_eq!(human_ms(2000.0), "2 s");
        assert_eq!(human_ms(2500.0), "2.50 s");
        assert_eq!(human_ms(200_000.0), "3 min 20 s");
    }
}

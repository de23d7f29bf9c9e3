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

/// Formats a duration the way a person reads it: `850 ms`, `2.50 s`,
/// `3 min 20 s`, `15 h 28 min`, `10 d 12 h`. Each unit is used until its value
/// would round to the next one (`999.6 ms` reads `1 s`, `59.999 s` reads
/// `1 min`); minutes are written with seconds, hours with minutes, days with
/// hours, each rounded to the nearest.
/// The decimal mark is a point: [`human_ms_in`] writes it as a language does.
pub fn human_ms(ms: f64) -> String {
    let ms = if ms.is_finite() { ms.max(0.0) } else { 0.0 };
    if ms > 0.0 && ms < 0.995 {
        return format!("{} ms", crate::num::Fixed(ms, 2));
    }
    if libm::round(ms) < 1000.0 {
        return format!("{} ms", libm::round(ms) as u64);
    }
    let s = ms / 1000.0;
    let hundredths = libm::round(s * 100.0);
    if hundredths < 6000.0 {
        return if hundredths % 100.0 == 0.0 {
            format!("{} s", (hundredths / 100.0) as u64)
        } else {
            format!("{} s", crate::num::Fixed(hundredths / 100.0, 2))
        };
    }
    let total_s = libm::round(s) as u64;
    if total_s < 3600 {
        let (m, sec) = (total_s / 60, total_s % 60);
        return if sec == 0 {
            format!("{m} min")
        } else {
            format!("{m} min {sec} s")
        };
    }
    let total_min = libm::round(s / 60.0) as u64;
    if total_min < 24 * 60 {
        let (h, m) = (total_min / 60, total_min % 60);
        return if m == 0 {
            format!("{h} h")
        } else {
            format!("{h} h {m} min")
        };
    }
    // A day or more: days and hours ("10 d 12 h", never "252 h"); the
    // minutes of a run that long say nothing a reader can use.
    let total_h = libm::round(s / 3600.0) as u64;
    let (d, h) = (total_h / 24, total_h % 24);
    if h == 0 {
        format!("{d} d")
    } else {
        format!("{d} d {h} h")
    }
}

/// [`human_ms`] with the decimal mark of `lang` (`4.43 s`, `4,43 s`): what
/// narration and any other text in a language uses.
pub fn human_ms_in(lang: crate::i18n::Lang, ms: f64) -> String {
    crate::i18n::format::decimal_mark(lang, &human_ms(ms))
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
        assert_eq!(human_ms(0.0), "0 ms");
        assert_eq!(human_ms(0.25), "0.25 ms");
        assert_eq!(human_ms(850.0), "850 ms");
        assert_eq!(human_ms(2000.0), "2 s");
        assert_eq!(human_ms(2500.0), "2.50 s");
        assert_eq!(human_ms(4430.0), "4.43 s");
        assert_eq!(human_ms(200_000.0), "3 min 20 s");
        assert_eq!(human_ms(120_000.0), "2 min");
        // 927 min 42 s reads in hours.
        assert_eq!(human_ms(55_662_000.0), "15 h 28 min");
        assert_eq!(human_ms(3_600_000.0), "1 h");
        assert_eq!(human_ms(7_530_000.0), "2 h 6 min"); // 125.5 min, rounded
    }

    #[test]
    fn unit_boundaries_never_read_as_60_s_or_1000_ms() {
        // Each unit hands over to the next where its rounded value would reach it.
        assert_eq!(human_ms(0.996), "1 ms");
        assert_eq!(human_ms(999.4), "999 ms");
        assert_eq!(human_ms(999.6), "1 s");
        assert_eq!(human_ms(59_994.0), "59.99 s");
        assert_eq!(human_ms(59_996.0), "1 min");
        assert_eq!(human_ms(60_000.0), "1 min");
        assert_eq!(human_ms(61_000.0), "1 min 1 s");
        assert_eq!(human_ms(3_599_400.0), "59 min 59 s");
        assert_eq!(human_ms(3_599_600.0), "1 h");
        assert_eq!(human_ms(3_630_000.0), "1 h 1 min");
        // A day or more: days and hours, not "251 h 50 min".
        assert_eq!(human_ms(86_340_000.0), "23 h 59 min");
        assert_eq!(human_ms(86_380_000.0), "1 d"); // 1,439.7 min, rounded
        assert_eq!(human_ms(86_400_000.0), "1 d");
        assert_eq!(human_ms(906_600_000.0), "10 d 12 h"); // 251 h 50 min
        assert_eq!(human_ms(2_592_000_000.0), "30 d");
        assert_eq!(human_ms(-5.0), "0 ms");
        assert_eq!(human_ms(f64::NAN), "0 ms");
    }

    #[test]
    fn the_decimal_mark_follows_the_language() {
        use crate::i18n::Lang;
        assert_eq!(human_ms_in(Lang::En, 4430.0), "4.43 s");
        assert_eq!(human_ms_in(Lang::Es, 4430.0), "4,43 s");
        assert_eq!(human_ms_in(Lang::Pt, 0.25), "0,25 ms");
        assert_eq!(human_ms_in(Lang::Es, 200_000.0), "3 min 20 s");
    }
}

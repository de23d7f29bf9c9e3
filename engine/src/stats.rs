//! Small, bounded statistics used by every lab: a log-linear latency
//! histogram (HdrHistogram's idea, ~1.6 % precision, fixed memory) and a time
//! series whose buckets widen as a run grows, so charts stay a few hundred
//! points long however long the run is.

use crate::time::{SimDuration, SimTime};

const SUB_BITS: u32 = 6; // 64 sub-buckets per power of two above 128 µs

/// Counts of durations, in microseconds, with bounded relative error.
#[derive(Clone, Debug, Default)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    max: u64,
}

fn bucket_of(v: u64) -> usize {
    if v < (1 << (SUB_BITS + 1)) {
        v as usize
    } else {
        let exp = 63 - v.leading_zeros(); // ≥ SUB_BITS + 1
        let shift = exp - SUB_BITS;
        ((shift as usize) << SUB_BITS) + (v >> shift) as usize
    }
}

/// The largest value that falls into bucket `i`.
fn bucket_high(i: usize) -> u64 {
    if i < (1 << (SUB_BITS + 1)) {
        i as u64
    } else {
        let shift = (i >> SUB_BITS) as u32 - 1;
        let mantissa = (i as u64 & ((1 << SUB_BITS) - 1)) | (1 << SUB_BITS);
        ((mantissa + 1) << shift) - 1
    }
}

impl Histogram {
    pub fn record(&mut self, d: SimDuration) {
        let v = d.as_micros();
        let b = bucket_of(v);
        if self.counts.len() <= b {
            self.counts.resize(b + 1, 0);
        }
        self.counts[b] += 1;
        self.total += 1;
        self.max = self.max.max(v);
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    pub fn max(&self) -> SimDuration {
        SimDuration(self.max)
    }

    /// The `q`-quantile (0 ≤ q ≤ 1), or `None` when empty. The answer is the
    /// upper edge of the bucket holding that rank (never above the maximum).
    pub fn quantile(&self, q: f64) -> Option<SimDuration> {
        if self.total == 0 {
            return None;
        }
        let rank = (libm::ceil(q.clamp(0.0, 1.0) * self.total as f64) as u64).max(1);
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(SimDuration(bucket_high(i).min(self.max)));
            }
        }
        Some(SimDuration(self.max))
    }

    /// The non-empty buckets, shortest first: each as the largest duration it
    /// holds (never above the maximum recorded) and how many it counted.
    /// Read-only, for drawing the distribution itself.
    pub fn buckets(&self) -> impl Iterator<Item = (SimDuration, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, c)| (SimDuration(bucket_high(i).min(self.max)), *c))
    }
}

/// How many buckets a series keeps before it doubles their width.
pub const MAX_BUCKETS: usize = 240;

/// A series of buckets over simulated time; `B` says what one bucket holds.
#[derive(Clone, Debug)]
pub struct Series<B> {
    width: SimDuration,
    buckets: Vec<B>,
    /// The bucket last looked up and its span `[from, to)` in µs: time
    /// mostly stands still or moves forward a little, so most lookups land
    /// there again and skip the division.
    last: (u64, u64, usize),
}

/// What a series bucket must know: how to merge with its neighbour.
pub trait Bucket: Default + Clone {
    fn merge(&mut self, other: &Self);
}

impl<B: Bucket> Series<B> {
    pub fn new(width: SimDuration) -> Self {
        Series {
            width: SimDuration(width.as_micros().max(1)),
            buckets: Vec::new(),
            last: (0, 0, 0),
        }
    }

    /// The bucket that holds instant `t`, created (and the series widened) as needed.
    #[inline]
    pub fn at(&mut self, t: SimTime) -> &mut B {
        let us = t.as_micros();
        let (from, to, last) = self.last;
        if us >= from && us < to {
            return &mut self.buckets[last];
        }
        self.at_slow(us)
    }

    /// [`Series::at`] off the last bucket: found by division (not inlined:
    /// most lookups never get here).
    #[inline(never)]
    fn at_slow(&mut self, us: u64) -> &mut B {
        let mut i = (us / self.width.as_micros()) as usize;
        while i >= MAX_BUCKETS {
            self.widen();
            i = (us / self.width.as_micros()) as usize;
        }
        if self.buckets.len() <= i {
            self.buckets.resize(i + 1, B::default());
        }
        let width = self.width.as_micros();
        self.last = (i as u64 * width, (i as u64 + 1) * width, i);
        &mut self.buckets[i]
    }

    fn widen(&mut self) {
        let merged = self
            .buckets
            .chunks(2)
            .map(|pair| {
                let mut b = pair[0].clone();
                if let Some(second) = pair.get(1) {
                    b.merge(second);
                }
                b
            })
            .collect();
        self.buckets = merged;
        self.width = SimDuration(self.width.as_micros() * 2);
        self.last = (0, 0, 0);
    }

    pub fn width(&self) -> SimDuration {
        self.width
    }

    pub fn buckets(&self) -> &[B] {
        &self.buckets
    }

    /// The start of bucket `i`.
    pub fn start_of(&self, i: usize) -> SimTime {
        SimTime(i as u64 * self.width.as_micros())
    }
}

/// Rounds to `digits` decimals, for stable, readable JSON.
pub fn round_to(v: f64, digits: i32) -> f64 {
    let f = libm::pow(10.0, digits as f64);
    libm::round(v * f) / f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_monotonic_and_tight() {
        let mut last = 0;
        for v in [0u64, 1, 127, 128, 129, 1000, 65_535, 1 << 30, u64::MAX >> 1] {
            let b = bucket_of(v);
            assert!(b >= last);
            last = b;
            let hi = bucket_high(b);
            assert!(hi >= v, "v={v} hi={hi}");
            assert!((hi - v) as f64 <= v as f64 / 60.0 + 1.0, "v={v} hi={hi}");
        }
    }

    #[test]
    fn quantiles_of_a_uniform_set() {
        let mut h = Histogram::default();
        for ms in 1..=1000 {
            h.record(SimDuration::from_ms(ms));
        }
        let p50 = h.quantile(0.5).unwrap().as_ms_f64();
        let p99 = h.quantile(0.99).unwrap().as_ms_f64();
        assert!((p50 - 500.0).abs() < 10.0, "{p50}");
        assert!((p99 - 990.0).abs() < 20.0, "{p99}");
        assert_eq!(h.quantile(1.0).unwrap(), SimDuration::from_ms(1000));
        assert_eq!(Histogram::default().quantile(0.5), None);
    }

    #[test]
    fn buckets_hold_every_count_in_order_within_the_maximum() {
        let mut h = Histogram::default();
        assert_eq!(h.buckets().count(), 0);
        for ms in [5u64, 5, 120, 3_000, 3_000, 3_000] {
            h.record(SimDuration::from_ms(ms));
        }
        let b: Vec<(SimDuration, u64)> = h.buckets().collect();
        assert_eq!(b.len(), 3);
        assert_eq!(b.iter().map(|x| x.1).collect::<Vec<_>>(), vec![2, 1, 3]);
        assert!(b.windows(2).all(|w| w[0].0 < w[1].0));
        // Each edge is within the histogram's precision of what it holds.
        for ((edge, _), ms) in b.iter().zip([5.0, 120.0, 3_000.0]) {
            let e = edge.as_ms_f64();
            assert!(e >= ms && e <= ms * 1.02, "{e} {ms}");
        }
        assert_eq!(b[2].0, h.max());
    }

    #[derive(Default, Clone, Debug, PartialEq)]
    struct Count(u32);
    impl Bucket for Count {
        fn merge(&mut self, o: &Self) {
            self.0 += o.0;
        }
    }

    #[test]
    fn series_widens_and_keeps_totals() {
        let mut s: Series<Count> = Series::new(SimDuration::from_ms(100));
        for ms in 0..100_000u64 {
            s.at(SimTime::from_ms(ms)).0 += 1;
        }
        assert!(s.buckets().len() <= MAX_BUCKETS);
        assert_eq!(s.buckets().iter().map(|b| b.0).sum::<u32>(), 100_000);
        assert!(s.width() >= SimDuration::from_ms(400));
    }
}

// ------------------------------------------------------ across seeds (export)
//
// "Run 100 seeds": a metric measured on many seeds, summarised by its mean
// and a 95 % interval over seeds (each seed is one independent run; requests
// within a run are not independent — one outage fails many at once — so the
// seed, not the request, is the unit of the interval):
//
// - a **rate** whose every seed gives 0 or 1 (one request per run: "did it
//   give up?") is a proportion of seeds and gets the Wilson score interval,
//   which, unlike mean ± 1.96·s/√n, never collapses to a point when every
//   seed agrees (100 successes out of 100 do not prove failure impossible);
// - any other rate or number gets mean ± z·s/√n (s the sample standard
//   deviation of the per-seed values), the normal approximation, a rate's
//   interval clamped to 0‥1.

/// The z value of a two-sided 95 % interval.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// A closed interval `[low, high]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

impl Interval {
    pub fn contains(&self, v: f64) -> bool {
        self.low <= v && v <= self.high
    }
}

/// The arithmetic mean, or `None` for no values.
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some(values.iter().sum::<f64>() / values.len() as f64)
}

/// The sample standard deviation (divisor n − 1), or `None` below two values.
pub fn sample_std_dev(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let m = mean(values)?;
    let squares: f64 = values.iter().map(|v| (v - m) * (v - m)).sum();
    Some(libm::sqrt(squares / (values.len() - 1) as f64))
}

/// `mean ± z·s/√n`. With one value the interval is that value.
pub fn mean_interval(values: &[f64], z: f64) -> Option<(f64, Interval)> {
    let m = mean(values)?;
    let half = sample_std_dev(values).map_or(0.0, |s| z * s / libm::sqrt(values.len() as f64));
    Some((
        m,
        Interval {
            low: m - half,
            high: m + half,
        },
    ))
}

/// The Wilson score interval of a proportion `p_hat` observed over `n`
/// trials, clamped to 0‥1. `n` may be fractional (pooled weights).
pub fn wilson_interval(p_hat: f64, n: f64, z: f64) -> Option<Interval> {
    if n <= 0.0 || !p_hat.is_finite() {
        return None;
    }
    let p = p_hat.clamp(0.0, 1.0);
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * libm::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
    Some(Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    })
}

/// How [`rate_interval`] chose to compute an interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntervalMethod {
    /// Wilson score interval: every value was 0 or 1, a proportion of seeds.
    Wilson,
    /// mean ± z·s/√n.
    Normal,
}

/// The mean of per-seed rates and its interval: Wilson when every rate is 0
/// or 1 (each seed one trial), else mean ± z·s/√n clamped to 0‥1.
pub fn rate_interval(rates: &[f64], z: f64) -> Option<(f64, Interval, IntervalMethod)> {
    let m = mean(rates)?;
    if rates.iter().all(|&r| r == 0.0 || r == 1.0) {
        return Some((m, wilson_interval(m, rates.len() as f64, z)?, IntervalMethod::Wilson));
    }
    let (m, iv) = mean_interval(rates, z)?;
    let clamped = Interval {
        low: iv.low.max(0.0),
        high: iv.high.min(1.0),
    };
    Some((m, clamped, IntervalMethod::Normal))
}

#[cfg(test)]
mod seed_tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn mean_and_sample_std_dev_of_a_textbook_set() {
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(mean(&xs), Some(5.0));
        // Σ(x − 5)² = 32, so s = √(32/7).
        assert!(close(sample_std_dev(&xs).unwrap(), (32.0f64 / 7.0).sqrt(), 1e-12));
        let (m, iv) = mean_interval(&xs, Z_95).unwrap();
        assert_eq!(m, 5.0);
        let half = Z_95 * (32.0f64 / 7.0).sqrt() / 8.0f64.sqrt();
        assert!(close(iv.low, 5.0 - half, 1e-12) && close(iv.high, 5.0 + half, 1e-12));
        assert!(close(half, 1.4816, 1e-4), "{half}");
        assert_eq!(mean(&[]), None);
        assert_eq!(sample_std_dev(&[3.0]), None);
        assert_eq!(
            mean_interval(&[3.0], Z_95),
            Some((3.0, Interval { low: 3.0, high: 3.0 }))
        );
    }

    #[test]
    fn wilson_matches_published_values() {
        // 12 successes in 100 trials: 0.0700 – 0.1981 (Newcombe 1998's method 3).
        let iv = wilson_interval(0.12, 100.0, Z_95).unwrap();
        assert!(close(iv.low, 0.0700, 1e-4) && close(iv.high, 0.1981, 1e-4), "{iv:?}");
        // 0 out of 10: 0 – 0.2775 (never a point at zero).
        let iv = wilson_interval(0.0, 10.0, Z_95).unwrap();
        assert_eq!(iv.low, 0.0);
        assert!(close(iv.high, 0.2775, 1e-4), "{iv:?}");
        // 81 of 263 (Newcombe's example): 0.2553 – 0.3662.
        let iv = wilson_interval(81.0 / 263.0, 263.0, Z_95).unwrap();
        assert!(close(iv.low, 0.2553, 1e-4) && close(iv.high, 0.3662, 1e-4), "{iv:?}");
        // Symmetric: p and 1 − p give mirrored intervals.
        let a = wilson_interval(0.3, 50.0, Z_95).unwrap();
        let b = wilson_interval(0.7, 50.0, Z_95).unwrap();
        assert!(close(a.low, 1.0 - b.high, 1e-12) && close(a.high, 1.0 - b.low, 1e-12));
        assert_eq!(wilson_interval(0.5, 0.0, Z_95), None);
    }

    #[test]
    fn rate_interval_counts_each_seed_as_a_trial() {
        let mut rates = vec![1.0; 88];
        rates.extend(vec![0.0; 12]);
        let (m, iv, method) = rate_interval(&rates, Z_95).unwrap();
        assert_eq!(method, IntervalMethod::Wilson);
        assert!(close(m, 0.88, 1e-12));
        let w = wilson_interval(0.88, 100.0, Z_95).unwrap();
        assert_eq!(iv, w);
        assert!(iv.contains(0.875) && !iv.contains(0.95));
        // Every seed succeeded: the interval still has width.
        let (_, all, _) = rate_interval(&[1.0; 100], Z_95).unwrap();
        assert_eq!(all.high, 1.0);
        assert!(all.low < 0.97 && all.low > 0.95, "{all:?}");
    }

    #[test]
    fn rates_of_many_requests_per_seed_get_the_normal_interval_clamped() {
        // Ten seeds of a run with many requests each: their rates vary little.
        let rates = [0.80, 0.82, 0.78, 0.81, 0.79, 0.80, 0.83, 0.77, 0.80, 0.80];
        let (m, iv, method) = rate_interval(&rates, Z_95).unwrap();
        assert_eq!(method, IntervalMethod::Normal);
        assert_eq!(Some((m, iv)), mean_interval(&rates, Z_95));
        assert!(
            iv.high - iv.low < 0.04,
            "far narrower than Wilson over 10 trials: {iv:?}"
        );
        // Near the edge, the interval stays inside 0‥1.
        let (_, edge, _) = rate_interval(&[0.999, 0.97, 1.0, 0.99], Z_95).unwrap();
        assert_eq!(edge.high, 1.0);
        assert!(edge.low > 0.9);
    }
}

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
}

/// How many buckets a series keeps before it doubles their width.
pub const MAX_BUCKETS: usize = 240;

/// A series of buckets over simulated time; `B` says what one bucket holds.
#[derive(Clone, Debug)]
pub struct Series<B> {
    width: SimDuration,
    buckets: Vec<B>,
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
        }
    }

    /// The bucket that holds instant `t`, created (and the series widened) as needed.
    pub fn at(&mut self, t: SimTime) -> &mut B {
        let mut i = (t.as_micros() / self.width.as_micros()) as usize;
        while i >= MAX_BUCKETS {
            self.widen();
            i = (t.as_micros() / self.width.as_micros()) as usize;
        }
        if self.buckets.len() <= i {
            self.buckets.resize(i + 1, B::default());
        }
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

//! The one seeded random number generator of a run, and the streams derived
//! from it. Every component asks for its own stream by name, so adding a draw
//! in one component never shifts the numbers another component sees.
//!
//! All floating-point maths goes through `libm`, so a native build and a
//! WebAssembly build produce bit-identical numbers.

use rand_core::{RngCore, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// A deterministic random stream.
#[derive(Clone, Debug)]
pub struct SimRng {
    seed: u64,
    inner: Pcg64Mcg,
}

/// SplitMix64: spreads a 64-bit value over all bits (used to derive seeds).
pub fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl SimRng {
    /// The root stream of a run.
    pub fn new(seed: u64) -> Self {
        SimRng {
            seed,
            inner: Pcg64Mcg::seed_from_u64(splitmix64(seed)),
        }
    }

    /// The seed this stream was created from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// An independent stream for the component called `name`. It depends only
    /// on this stream's seed and the name, never on how much was drawn.
    pub fn derive(&self, name: &str) -> SimRng {
        SimRng::new(splitmix64(self.seed ^ fnv1a(name.as_bytes())))
    }

    /// An independent stream for item `index` of the component called `name`.
    pub fn derive_indexed(&self, name: &str, index: u64) -> SimRng {
        SimRng::new(splitmix64(self.seed ^ fnv1a(name.as_bytes())) ^ splitmix64(index.wrapping_add(1)))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// A uniform number in `[0, 1)` with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// `true` with probability `p` (clamped to `[0, 1]`).
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            // Still draw, so the stream advances the same way whatever `p` is.
            let _ = self.next_u64();
            false
        } else {
            self.unit() < p
        }
    }

    /// A uniform integer in `[0, n)`; `0` when `n` is zero.
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// A uniform integer in `[lo, hi]` (inclusive); `lo` when `hi < lo`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            let _ = self.next_u64();
            return lo;
        }
        let span = hi - lo;
        if span == u64::MAX {
            return self.next_u64();
        }
        lo + self.below(span + 1)
    }

    /// An exponentially distributed number with the given mean.
    pub fn exponential(&mut self, mean: f64) -> f64 {
        let u = self.unit();
        -mean * libm::log(1.0 - u)
    }

    /// A standard normal number (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit(); // (0, 1]
        let u2 = self.unit();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * core::f64::consts::PI * u2)
    }

    /// A log-normal number with the given median and shape `sigma`.
    pub fn log_normal(&mut self, median: f64, sigma: f64) -> f64 {
        median * libm::exp(sigma * self.normal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = SimRng::new(42);
        let mut b = SimRng::new(42);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn derived_streams_do_not_depend_on_draws() {
        let root = SimRng::new(7);
        let mut drained = root.clone();
        for _ in 0..10 {
            drained.next_u64();
        }
        assert_eq!(root.derive("service").next_u64(), drained.derive("service").next_u64());
        assert_ne!(root.derive("service").next_u64(), root.derive("clients").next_u64());
    }

    #[test]
    fn unit_is_in_range_and_roughly_uniform() {
        let mut r = SimRng::new(1);
        let n = 100_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            sum += u;
        }
        assert!((sum / n as f64 - 0.5).abs() < 0.01);
    }

    #[test]
    fn exponential_mean_matches() {
        let mut r = SimRng::new(3);
        let n = 200_000;
        let mean: f64 = (0..n).map(|_| r.exponential(250.0)).sum::<f64>() / n as f64;
        assert!((mean - 250.0).abs() < 5.0, "mean {mean}");
    }

    #[test]
    fn between_is_inclusive_and_bounded() {
        let mut r = SimRng::new(9);
        let mut seen = [false; 4];
        for _ in 0..1000 {
            let v = r.between(3, 6);
            assert!((3..=6).contains(&v));
            seen[(v - 3) as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(r.between(5, 5), 5);
    }
}

//! "Run 100 seeds": the current config run on seeds `first..=last`, each to
//! its end, and every rate, duration, factor and number of the metrics table
//! summarised across seeds by its mean and a 95 % interval (see the interval
//! notes in [`crate::stats`]), per side.
//!
//! Works for any lab through [`LabRun`]: a constructor makes a fresh run for
//! a seed. The work is done in calls of a bounded number of events
//! ([`SeedSweep::advance`]), so the page spreads it over animation frames and
//! never freezes; a run may span many calls and a call may finish many runs.

use super::run::{LabRun, MetricValue};
pub use crate::stats::IntervalMethod;
use crate::stats::{mean_interval, rate_interval, Interval, Z_95};
use crate::time::SimTime;
use std::ops::RangeInclusive;

/// What kind of number a summarised metric is (how it is written, and which
/// interval it gets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleKind {
    /// A share in 0‥1: Wilson when each seed gives 0 or 1, else normal.
    Rate,
    /// A duration in ms: mean ± z·s/√n.
    Ms,
    /// A multiplier: mean ± z·s/√n.
    Factor,
    /// A plain number: mean ± z·s/√n.
    Number,
}

impl SampleKind {
    fn of(v: MetricValue) -> Option<(SampleKind, f64)> {
        match v {
            MetricValue::Ratio(x) => Some((SampleKind::Rate, x)),
            MetricValue::Ms(x) => Some((SampleKind::Ms, x)),
            MetricValue::Factor(x) => Some((SampleKind::Factor, x)),
            MetricValue::Number(x) => Some((SampleKind::Number, x)),
            MetricValue::MsRange(from, to) => Some((SampleKind::Ms, (from + to) / 2.0)),
            MetricValue::Count(_) | MetricValue::Missing => None,
        }
    }
}

/// A metric across the seeds of one side.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Seeds that had a value (a rate is missing when nothing finished).
    pub n: usize,
    pub mean: f64,
    pub interval: Interval,
    pub method: IntervalMethod,
}

/// One metric's samples, per side.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepMetric {
    /// The stable metric key (`success_rate`).
    pub key: &'static str,
    pub label_key: &'static str,
    pub help_key: &'static str,
    pub label_args: Vec<(&'static str, String)>,
    pub kind: SampleKind,
    /// What theory predicts, per side (from the first run that had it).
    pub theory: [Option<f64>; 2],
    samples: [Vec<f64>; 2],
}

impl SweepMetric {
    /// The samples of one side, in seed order.
    pub fn samples(&self, side: usize) -> &[f64] {
        self.samples.get(side).map_or(&[], |s| s.as_slice())
    }

    /// Mean and 95 % interval of one side, if it has any sample.
    pub fn estimate(&self, side: usize) -> Option<Estimate> {
        let xs = self.samples(side);
        let (mean, interval, method) = match self.kind {
            SampleKind::Rate => rate_interval(xs, Z_95)?,
            _ => {
                let (m, iv) = mean_interval(xs, Z_95)?;
                (m, iv, IntervalMethod::Normal)
            }
        };
        Some(Estimate {
            n: xs.len(),
            mean,
            interval,
            method,
        })
    }
}

/// A sweep over seeds, advanced a bounded number of events at a time.
pub struct SeedSweep<R, F> {
    make: F,
    seeds: RangeInclusive<u64>,
    next_seed: u64,
    current: Option<R>,
    done: u64,
    sides: usize,
    metrics: Vec<SweepMetric>,
    events: u64,
}

impl<R: LabRun, F: FnMut(u64) -> R> SeedSweep<R, F> {
    /// A sweep of `seeds` (e.g. `1..=100`); `make` gives a fresh run for a seed.
    pub fn new(make: F, seeds: RangeInclusive<u64>) -> Self {
        SeedSweep {
            make,
            next_seed: *seeds.start(),
            seeds,
            current: None,
            done: 0,
            sides: 1,
            metrics: Vec::new(),
            events: 0,
        }
    }

    /// How many seeds the sweep runs.
    pub fn total(&self) -> u64 {
        (self.seeds.end() + 1).saturating_sub(*self.seeds.start())
    }

    /// Seeds whose run has ended and been counted.
    pub fn seeds_done(&self) -> u64 {
        self.done
    }

    pub fn is_done(&self) -> bool {
        self.done >= self.total()
    }

    /// Events handled so far, every run together.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// 1, or 2 when the runs compare A with B.
    pub fn side_count(&self) -> usize {
        self.sides
    }

    /// The metrics summarised so far, in the metrics table's order.
    pub fn metrics(&self) -> &[SweepMetric] {
        &self.metrics
    }

    /// The metric with `key` (the first, for keys with label arguments).
    pub fn metric(&self, key: &str) -> Option<&SweepMetric> {
        self.metrics.iter().find(|m| m.key == key)
    }

    /// Runs at most `max_events` events (every side together) and returns
    /// how many it ran. Never more than the cap, so a frame stays short.
    pub fn advance(&mut self, max_events: u64) -> u64 {
        let mut left = max_events;
        while !self.is_done() {
            if self.current.is_none() {
                let seed = self.next_seed;
                self.next_seed += 1;
                self.current = Some((self.make)(seed));
            }
            let run = self.current.as_mut().expect("a run is going");
            // Each side may handle up to the cap it is given.
            let per_side = left / run.side_count().max(1) as u64;
            if per_side == 0 && !run.is_finished() {
                break;
            }
            let before = run.events();
            run.run_until(SimTime(u64::MAX), per_side);
            let used = run.events() - before;
            left -= used;
            self.events += used;
            if run.is_finished() {
                let run = self.current.take().expect("a run is going");
                self.count(&run);
            } else if used == 0 {
                break;
            }
        }
        max_events - left
    }

    /// Adds a finished run's metrics.
    fn count(&mut self, run: &R) {
        self.done += 1;
        self.sides = self.sides.max(run.side_count().min(2));
        for side in 0..run.side_count().min(2) {
            for row in run.metric_rows(side) {
                let theory = row.theory.as_ref().and_then(|t| t.value.as_f64());
                let Some((kind, value)) = SampleKind::of(row.value) else {
                    continue;
                };
                let i = match self
                    .metrics
                    .iter()
                    .position(|m| m.key == row.key && m.label_args == row.label_args)
                {
                    Some(i) => i,
                    None => {
                        self.metrics.push(SweepMetric {
                            key: row.key,
                            label_key: row.label_key,
                            help_key: row.help_key,
                            label_args: row.label_args.clone(),
                            kind,
                            theory: [None, None],
                            samples: [Vec::new(), Vec::new()],
                        });
                        self.metrics.len() - 1
                    }
                };
                let m = &mut self.metrics[i];
                m.samples[side].push(value);
                if m.theory[side].is_none() {
                    m.theory[side] = theory;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::retry::{presets, RetryRun};

    fn sweep_of(id: &str, seeds: RangeInclusive<u64>) -> SeedSweep<RetryRun, impl FnMut(u64) -> RetryRun> {
        let config = presets::find(id).unwrap().config;
        SeedSweep::new(move |seed| RetryRun::new(&config, seed).unwrap(), seeds)
    }

    #[test]
    fn the_tenacity_demo_gives_up_about_one_time_in_eight() {
        // 50 % failures, 3 attempts: it gives up with probability 0.5³ = 12.5 %.
        let mut sweep = sweep_of("tenacity", 1..=100);
        let mut calls = 0;
        while !sweep.is_done() {
            let used = sweep.advance(7);
            assert!(used <= 7);
            calls += 1;
        }
        assert!(calls > 10, "the work was spread over many calls");
        assert_eq!(sweep.seeds_done(), 100);
        let success = sweep.metric("success_rate").unwrap();
        assert_eq!(success.kind, SampleKind::Rate);
        let e = success.estimate(0).unwrap();
        assert_eq!(e.n, 100);
        assert_eq!(e.method, IntervalMethod::Wilson);
        assert!(e.interval.contains(0.875), "{e:?}");
        assert!(e.interval.high - e.interval.low < 0.15, "{e:?}");
        // Each seed is one request: its rate is 0 or 1.
        assert!(success.samples(0).iter().all(|&x| x == 0.0 || x == 1.0));
        assert!(sweep.metric("requests").is_none(), "counts are not summarised");
        let load = sweep.metric("load_amplification").unwrap();
        // Expected calls per request: 1 + 0.5 + 0.25 = 1.75.
        let e = load.estimate(0).unwrap();
        assert_eq!(e.method, IntervalMethod::Normal);
        assert!(e.interval.contains(1.75), "{e:?}");
    }

    #[test]
    fn a_compare_run_is_summarised_per_side_within_the_cap() {
        let mut sweep = sweep_of("herd", 1..=5);
        while !sweep.is_done() {
            assert!(sweep.advance(1_000) <= 1_000);
        }
        assert_eq!(sweep.side_count(), 2);
        let p95 = sweep.metric("p95_ms").unwrap();
        assert_eq!(p95.samples(0).len(), 5);
        assert_eq!(p95.samples(1).len(), 5);
        let (a, b) = (p95.estimate(0).unwrap(), p95.estimate(1).unwrap());
        assert!(a.interval.low <= a.mean && a.mean <= a.interval.high);
        assert_ne!(a.mean, b.mean, "jitter changes the herd's tail");
    }

    #[test]
    fn the_same_seeds_give_the_same_summary_however_they_are_chunked() {
        let mut one = sweep_of("exponential", 1..=20);
        one.advance(u64::MAX / 4);
        assert!(one.is_done());
        let mut many = sweep_of("exponential", 1..=20);
        while !many.is_done() {
            many.advance(3);
        }
        assert_eq!(one.metrics(), many.metrics());
        assert_eq!(one.events(), many.events());
        let (first, last) = (5, 4);
        let mut empty = sweep_of("tenacity", first..=last);
        assert_eq!(empty.total(), 0);
        assert_eq!(empty.advance(100), 0);
        assert!(empty.is_done());
    }
}

//! A service made of nodes: the dependency every lab calls. It has a latency
//! (with a shape: fixed, uniform, exponential, log-normal), chances of
//! transient and permanent failures, rare very slow calls, outages (of one
//! node or all of them) and a capacity beyond which it slows down and sheds
//! load.
//!
//! Why it is a pattern piece and not part of one lab: the retry lab's flaky
//! database, the replica lab's storage nodes, the choreography lab's
//! services, the CQRS lab's projector and the availability lab's primary are
//! all the same thing — something that takes time, fails sometimes, goes
//! down, and suffers under load. [`ServiceConfig`] is what a user sets (and
//! what a link carries); [`Service`] is its running state: calls in flight per
//! node and its own random stream.
//!
//! Every call of a given latency shape draws the same amount from the stream
//! whatever the other settings and the forced result (see [`Service::call`]),
//! so turning one knob never reshuffles the others.

use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};
use crate::validate::Checker;
use serde::{Deserialize, Serialize};

/// How response times are spread around the median.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LatencyShape {
    /// Always the median.
    Fixed,
    /// Uniform between half and one and a half times the median.
    Uniform,
    /// Exponential with that mean.
    Exponential,
    /// Log-normal around the median (a long tail, as real services have).
    #[default]
    LogNormal,
    /// Normal with mean `latency_ms` and standard deviation `latency_sd_ms`,
    /// truncated at zero (a draw below zero is drawn again): the shape most
    /// published simulations use.
    Normal,
}

impl LatencyShape {
    /// One latency in ms of this shape around `median_ms` (the mean for the
    /// exponential and normal shapes; `sd_ms` only for the normal one). Every
    /// shape but the normal draws exactly one number (fixed draws one it does
    /// not use), so switching between them never shifts later draws.
    pub fn draw(self, rng: &mut SimRng, median_ms: f64, sd_ms: f64) -> f64 {
        match self {
            LatencyShape::Fixed => {
                let _ = rng.unit();
                median_ms
            }
            LatencyShape::Uniform => median_ms * (0.5 + rng.unit()),
            LatencyShape::Exponential => rng.exponential(median_ms),
            LatencyShape::LogNormal => rng.log_normal(median_ms, 0.5),
            LatencyShape::Normal => truncated_normal(rng, median_ms, sd_ms),
        }
    }

    /// The mean of this shape's draws (ms): queueing theory works with the
    /// mean service time, which the log-normal's long tail puts above its
    /// median (e^(σ²/2) = e^0.125 ≈ 1.13 times).
    pub fn mean(self, median_ms: f64, sd_ms: f64) -> f64 {
        match self {
            LatencyShape::Fixed | LatencyShape::Uniform | LatencyShape::Exponential => median_ms,
            LatencyShape::LogNormal => median_ms * libm::exp(0.125),
            LatencyShape::Normal => truncated_normal_mean(median_ms, sd_ms),
        }
    }

    /// A latency (ms) that no draw of this shape exceeds in practice (one in
    /// a million), for bounds on a run's length.
    pub fn longest(self, median_ms: f64, sd_ms: f64) -> f64 {
        match self {
            LatencyShape::Fixed => median_ms,
            LatencyShape::Uniform => 1.5 * median_ms,
            LatencyShape::Exponential => median_ms * libm::log(1e6),
            LatencyShape::LogNormal => median_ms * libm::exp(0.5 * 4.75),
            LatencyShape::Normal => median_ms + 5.0 * sd_ms,
        }
    }
}

/// A time window when the service (or one node) is down.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outage {
    pub from_ms: u64,
    pub to_ms: u64,
    /// The node that is down (1-based); all of them when absent.
    #[serde(default)]
    pub node: Option<u32>,
}

/// A service as a user configures it (the game-statistics database of the
/// retry lab's course text).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceConfig {
    /// Replicas that can serve a call (`node_1`, `node_2`, …).
    pub nodes: u32,
    /// Chance that a call fails with an error worth retrying.
    pub transient_failure_rate: f64,
    /// Chance that a call fails with an error no retry can fix (bad credentials).
    pub permanent_failure_rate: f64,
    /// The median (the mean for the exponential and normal shapes); 0 for
    /// an idealised service that answers at once.
    pub latency_ms: u64,
    pub latency_shape: LatencyShape,
    /// The standard deviation of the normal shape (no other shape has one).
    #[serde(skip_serializing_if = "is_zero")]
    pub latency_sd_ms: u64,
    /// Chance that a call is very slow (it may exceed the attempt timeout).
    pub slow_rate: f64,
    pub slow_ms: u64,
    pub outages: Vec<Outage>,
    /// Calls the service handles at once before it slows down and sheds
    /// load (0 = unlimited). Over capacity, latency grows with the overload
    /// and the excess share of calls fails.
    pub capacity: u32,
}

/// For `skip_serializing_if`: a zero spread is left out of links, so a
/// config without it encodes as it did before the field existed.
pub fn is_zero(v: &u64) -> bool {
    *v == 0
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            nodes: 1,
            transient_failure_rate: 0.5,
            permanent_failure_rate: 0.0,
            latency_ms: 120,
            latency_shape: LatencyShape::LogNormal,
            latency_sd_ms: 0,
            slow_rate: 0.0,
            slow_ms: 5_000,
            outages: vec![],
            capacity: 0,
        }
    }
}

/// Upper bounds of a service's settings (they keep a run small enough for a tab).
pub mod limits {
    pub const MAX_NODES: u64 = 8;
    pub const MAX_LATENCY_MS: u64 = 600_000;
    pub const MAX_OUTAGES: u64 = 20;
    /// The latest instant an outage may name.
    pub const MAX_OUTAGE_MS: u64 = 3_600_000;
    pub const MAX_CAPACITY: u64 = 1_000_000;
}

impl ServiceConfig {
    /// Checks every field; `at` is where the service sits in the lab's config
    /// (`service`), so errors name the whole path.
    pub fn check(&self, c: &mut Checker, at: &str) {
        let s = self;
        c.int(&format!("{at}.nodes"), s.nodes as u64, 1, limits::MAX_NODES);
        c.real(
            &format!("{at}.transient_failure_rate"),
            s.transient_failure_rate,
            0.0,
            1.0,
        );
        c.real(
            &format!("{at}.permanent_failure_rate"),
            s.permanent_failure_rate,
            0.0,
            1.0,
        );
        // A NaN sum passes here: the range checks above already report it.
        let failure_rate = s.transient_failure_rate + s.permanent_failure_rate;
        c.require(
            failure_rate <= 1.0 + 1e-9 || failure_rate.is_nan(),
            &format!("{at}.permanent_failure_rate"),
            "error.rates_over_one",
        );
        c.int(&format!("{at}.latency_ms"), s.latency_ms, 0, limits::MAX_LATENCY_MS);
        c.int(
            &format!("{at}.latency_sd_ms"),
            s.latency_sd_ms,
            0,
            limits::MAX_LATENCY_MS,
        );
        c.require(
            s.latency_sd_ms == 0 || s.latency_shape == LatencyShape::Normal,
            &format!("{at}.latency_sd_ms"),
            "error.sd_needs_normal",
        );
        c.real(&format!("{at}.slow_rate"), s.slow_rate, 0.0, 1.0);
        c.int(&format!("{at}.slow_ms"), s.slow_ms, 1, limits::MAX_LATENCY_MS);
        c.int(
            &format!("{at}.outages.length"),
            s.outages.len() as u64,
            0,
            limits::MAX_OUTAGES,
        );
        for (i, o) in s.outages.iter().enumerate() {
            let f = format!("{at}.outages[{i}]");
            c.int(&format!("{f}.from_ms"), o.from_ms, 0, limits::MAX_OUTAGE_MS);
            c.int(&format!("{f}.to_ms"), o.to_ms, 0, limits::MAX_OUTAGE_MS);
            c.require(o.to_ms > o.from_ms, &f, "error.outage_order");
            // Node 0 is no node (all of them is none); one past the nodes
            // is said as such ("between 1 and 2, got 3" read as a range
            // the field, where 0 means all, does not have).
            if let Some(n) = o.node {
                c.int(&format!("{f}.node"), n as u64, 1, limits::MAX_NODES);
                c.require(
                    n == 0 || n <= s.nodes.max(1),
                    &format!("{f}.node"),
                    "error.outage_node_missing",
                );
            }
        }
        c.int(&format!("{at}.capacity"), s.capacity as u64, 0, limits::MAX_CAPACITY);
    }
}

/// Why one call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CallError {
    /// A passing fault: worth retrying.
    Transient,
    /// A fault no retry can fix (bad credentials).
    Permanent,
    /// The client stopped waiting.
    Timeout,
    /// The node is down (an outage).
    Unavailable,
    /// The service shed the call because it had more work than capacity.
    Overloaded,
    /// Optimistic concurrency: the record changed between read and write.
    Conflict,
}

impl CallError {
    pub const ALL: [CallError; 6] = [
        CallError::Transient,
        CallError::Permanent,
        CallError::Timeout,
        CallError::Unavailable,
        CallError::Overloaded,
        CallError::Conflict,
    ];

    /// Whether a retry can help (the classifier).
    pub fn is_retryable(self) -> bool {
        self != CallError::Permanent
    }

    /// Whether the failure says the service is unhealthy (feeds the breaker).
    pub fn counts_against_service(self) -> bool {
        matches!(
            self,
            CallError::Transient | CallError::Timeout | CallError::Unavailable | CallError::Overloaded
        )
    }

    pub fn key(self) -> &'static str {
        match self {
            CallError::Transient => "call_error.transient",
            CallError::Permanent => "call_error.permanent",
            CallError::Timeout => "call_error.timeout",
            CallError::Unavailable => "call_error.unavailable",
            CallError::Overloaded => "call_error.overloaded",
            CallError::Conflict => "call_error.conflict",
        }
    }
}

/// A result a lab imposes on a call instead of the random one (the retry
/// lab's scripted "fail, fail, succeed"). A forced call ignores outages and
/// overload shedding, but still slows down with the load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forced {
    Succeed,
    Fail,
    Permanent,
    /// Succeeds after the slow latency.
    Slow,
}

/// A normal number with this mean and standard deviation, truncated at zero:
/// a draw below zero is drawn again. With a mean ≥ 0 at least half the
/// draws are kept, so 64 tries fail with a chance of 2⁻⁶⁴; then the mean is
/// taken (a bound on work, not a case that happens).
pub fn truncated_normal(rng: &mut SimRng, mean: f64, sd: f64) -> f64 {
    for _ in 0..64 {
        let x = mean + sd * rng.normal();
        if x >= 0.0 {
            return x;
        }
    }
    mean.max(0.0)
}

/// The mean of a normal (mean, sd) truncated at zero: μ + σ·φ(α)/(1 − Φ(α)),
/// α = −μ/σ.
pub fn truncated_normal_mean(mean: f64, sd: f64) -> f64 {
    if sd <= 0.0 {
        return mean.max(0.0);
    }
    let alpha = -mean / sd;
    let pdf = libm::exp(-0.5 * alpha * alpha) / libm::sqrt(2.0 * core::f64::consts::PI);
    let survive = 0.5 * libm::erfc(alpha / core::f64::consts::SQRT_2);
    mean + sd * pdf / survive
}

/// The chance that a normal (mean, sd) truncated at zero is above `t` (≥ 0).
pub fn truncated_normal_above(mean: f64, sd: f64, t: f64) -> f64 {
    if sd <= 0.0 {
        return f64::from(u8::from(mean > t));
    }
    let above = |x: f64| 0.5 * libm::erfc((x - mean) / (sd * core::f64::consts::SQRT_2));
    (above(t.max(0.0)) / above(0.0)).clamp(0.0, 1.0)
}

/// A service running: calls in flight per node and its own random stream.
#[derive(Clone, Debug)]
pub struct Service {
    config: ServiceConfig,
    rng: SimRng,
    in_flight: Vec<u32>,
    /// Σ `in_flight`, kept so a call does not sum the nodes.
    load: u32,
}

impl Service {
    /// `rng` is the service's own stream (derived by the lab from its seed).
    pub fn new(config: ServiceConfig, rng: SimRng) -> Self {
        let nodes = config.nodes.max(1) as usize;
        Service {
            config,
            rng,
            in_flight: vec![0; nodes],
            load: 0,
        }
    }

    pub fn config(&self) -> &ServiceConfig {
        &self.config
    }

    pub fn nodes(&self) -> u32 {
        self.in_flight.len() as u32
    }

    /// Calls the service is working on, per node.
    pub fn in_flight(&self) -> &[u32] {
        &self.in_flight
    }

    /// Calls the service is working on, all nodes together.
    pub fn load(&self) -> u32 {
        self.load
    }

    /// Whether `node` (0-based) is in an outage at `now`.
    pub fn is_down(&self, node: u32, now: SimTime) -> bool {
        let ms = now.as_ms();
        self.config
            .outages
            .iter()
            .any(|o| o.node.is_none_or(|n| n == node + 1) && ms >= o.from_ms && ms < o.to_ms)
    }

    /// Starts a call on `node` at `now`: it counts as in flight (until
    /// [`Service::done`]) and its latency and verdict are drawn. The latency
    /// is at least 1 µs (0 when the service has no latency). Draws the same
    /// amount from the stream whatever the failure rates, the load, the
    /// outages and `forced` (the normal shape redraws below zero, so its
    /// count depends on its mean and deviation only).
    pub fn call(&mut self, node: u32, now: SimTime, forced: Option<Forced>) -> (SimDuration, Result<(), CallError>) {
        self.in_flight[node as usize] += 1;
        self.load += 1;
        let svc = &self.config;
        let rng = &mut self.rng;
        let u_outcome = rng.unit();
        let u_slow = rng.unit();
        let u_overload = rng.unit();
        let mut latency_ms = svc
            .latency_shape
            .draw(rng, svc.latency_ms as f64, svc.latency_sd_ms as f64);
        let mut result = match forced {
            Some(Forced::Succeed) | Some(Forced::Slow) => Ok(()),
            Some(Forced::Fail) => Err(CallError::Transient),
            Some(Forced::Permanent) => Err(CallError::Permanent),
            None => {
                if u_outcome < svc.permanent_failure_rate {
                    Err(CallError::Permanent)
                } else if u_outcome < svc.permanent_failure_rate + svc.transient_failure_rate {
                    Err(CallError::Transient)
                } else {
                    Ok(())
                }
            }
        };
        let slow = match forced {
            Some(f) => f == Forced::Slow,
            None => u_slow < svc.slow_rate,
        };
        if slow {
            latency_ms = svc.slow_ms as f64;
        }
        let load = self.load;
        if svc.capacity > 0 && load > svc.capacity {
            let overload = load as f64 / svc.capacity as f64;
            latency_ms *= overload;
            if forced.is_none() && result.is_ok() && u_overload < 1.0 - 1.0 / overload {
                result = Err(CallError::Overloaded);
            }
        }
        // A forced call gets exactly the forced result.
        if forced.is_none() && self.is_down(node, now) {
            result = Err(CallError::Unavailable);
        }
        // At least 1 µs, except for an idealised service with no latency at all.
        let floor = if svc.latency_ms == 0 && !slow { 0.0 } else { 0.001 };
        (SimDuration::from_ms_f64(latency_ms.max(floor)), result)
    }

    /// The service has finished a call on `node`.
    pub fn done(&mut self, node: u32) {
        self.in_flight[node as usize] -= 1;
        self.load -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(config: ServiceConfig) -> Service {
        Service::new(config, SimRng::new(7).derive("service"))
    }

    #[test]
    fn in_flight_counts_calls_until_done() {
        let mut s = service(ServiceConfig {
            nodes: 2,
            ..ServiceConfig::default()
        });
        let _ = s.call(0, SimTime::ZERO, None);
        let _ = s.call(1, SimTime::ZERO, None);
        let _ = s.call(1, SimTime::ZERO, None);
        assert_eq!((s.in_flight(), s.load()), (&[1, 2][..], 3));
        s.done(1);
        assert_eq!((s.in_flight(), s.load()), (&[1, 1][..], 2));
    }

    #[test]
    fn outages_take_down_one_node_or_all() {
        let s = service(ServiceConfig {
            nodes: 2,
            outages: vec![
                Outage {
                    from_ms: 100,
                    to_ms: 200,
                    node: Some(2),
                },
                Outage {
                    from_ms: 500,
                    to_ms: 600,
                    node: None,
                },
            ],
            ..ServiceConfig::default()
        });
        let at = SimTime::from_ms;
        assert!(!s.is_down(0, at(150)) && s.is_down(1, at(150)));
        assert!(!s.is_down(1, at(200)), "the end is exclusive");
        assert!(s.is_down(0, at(500)) && s.is_down(1, at(599)));
        let mut s = s;
        assert_eq!(s.call(0, at(550), None).1, Err(CallError::Unavailable));
        assert_eq!(s.call(0, at(550), Some(Forced::Succeed)).1, Ok(()));
    }

    #[test]
    fn every_call_draws_the_same_amount_whatever_the_verdict() {
        // The stream after one call depends only on the shape's draws.
        let after = |shape: LatencyShape, forced: Option<Forced>| {
            let mut s = service(ServiceConfig {
                latency_shape: shape,
                ..ServiceConfig::default()
            });
            let _ = s.call(0, SimTime::ZERO, forced);
            s.rng.next_u64()
        };
        // Fixed, uniform and exponential draw one number for the latency.
        let one = after(LatencyShape::Fixed, None);
        for shape in [LatencyShape::Fixed, LatencyShape::Uniform, LatencyShape::Exponential] {
            for forced in [None, Some(Forced::Fail), Some(Forced::Slow), Some(Forced::Permanent)] {
                assert_eq!(after(shape, forced), one, "{shape:?} {forced:?}");
            }
        }
        // Log-normal (Box–Muller) draws two.
        let two = after(LatencyShape::LogNormal, None);
        assert_ne!(two, one);
        assert_eq!(after(LatencyShape::LogNormal, Some(Forced::Slow)), two);
    }

    #[test]
    fn over_capacity_calls_slow_down_and_some_are_shed() {
        let mut s = service(ServiceConfig {
            transient_failure_rate: 0.0,
            latency_ms: 100,
            latency_shape: LatencyShape::Fixed,
            capacity: 2,
            ..ServiceConfig::default()
        });
        let (first, _) = s.call(0, SimTime::ZERO, None);
        let _ = s.call(0, SimTime::ZERO, None);
        let _ = s.call(0, SimTime::ZERO, None);
        let mut shed = 0;
        for _ in 0..200 {
            // Load 4 on capacity 2: twice as slow, half the calls shed.
            let (latency, result) = s.call(0, SimTime::ZERO, None);
            assert_eq!(latency, SimDuration::from_ms(200));
            shed += u32::from(result == Err(CallError::Overloaded));
            s.done(0);
        }
        assert_eq!(first, SimDuration::from_ms(100));
        assert!((70..130).contains(&shed), "{shed}");
    }

    /// The mean of many draws is what the truncated normal's formula gives,
    /// far from zero (μ = 100, σ = 50: 102.76) and at zero (μ = 0, σ = 50:
    /// σ·√(2/π) = 39.89).
    #[test]
    fn normal_latency_truncated_at_zero_has_the_formulas_mean() {
        for (mean, sd, want) in [(100.0, 50.0, 102.76), (0.0, 50.0, 39.894)] {
            assert!((truncated_normal_mean(mean, sd) - want).abs() < 0.01, "{mean} {sd}");
            let mut rng = SimRng::new(11);
            let n = 200_000;
            let draws: Vec<f64> = (0..n).map(|_| truncated_normal(&mut rng, mean, sd)).collect();
            assert!(draws.iter().all(|x| *x >= 0.0));
            let got = draws.iter().sum::<f64>() / n as f64;
            // Within 4 standard errors (σ/√n ≈ 0.11).
            assert!((got - want).abs() < 0.5, "{mean} {sd}: {got} vs {want}");
            let above = draws.iter().filter(|x| **x > 150.0).count() as f64 / n as f64;
            let p = truncated_normal_above(mean, sd, 150.0);
            assert!((above - p).abs() < 0.005, "{above} vs {p}");
        }
    }

    #[test]
    fn a_service_can_answer_at_once() {
        for shape in [
            LatencyShape::Fixed,
            LatencyShape::Uniform,
            LatencyShape::Exponential,
            LatencyShape::LogNormal,
            LatencyShape::Normal,
        ] {
            let mut s = service(ServiceConfig {
                latency_ms: 0,
                latency_shape: shape,
                ..ServiceConfig::default()
            });
            assert_eq!(s.call(0, SimTime::ZERO, None).0, SimDuration::ZERO, "{shape:?}");
        }
        // A slow call is still slow.
        let mut s = service(ServiceConfig {
            latency_ms: 0,
            slow_rate: 1.0,
            slow_ms: 50,
            ..ServiceConfig::default()
        });
        assert_eq!(s.call(0, SimTime::ZERO, None).0, SimDuration::from_ms(50));
    }

    #[test]
    fn a_standard_deviation_needs_the_normal_shape() {
        let mut c = Checker::default();
        ServiceConfig {
            latency_sd_ms: 10,
            ..ServiceConfig::default()
        }
        .check(&mut c, "service");
        let errors = c.finish().unwrap_err();
        assert_eq!(errors[0].field, "service.latency_sd_ms");
        let mut c = Checker::default();
        ServiceConfig {
            latency_sd_ms: 10,
            latency_shape: LatencyShape::Normal,
            latency_ms: 0,
            ..ServiceConfig::default()
        }
        .check(&mut c, "service");
        assert!(c.finish().is_ok());
    }
}

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
    pub latency_ms: u64,
    pub latency_shape: LatencyShape,
    /// Chance that a call is very slow (it may exceed the attempt timeout).
    pub slow_rate: f64,
    pub slow_ms: u64,
    pub outages: Vec<Outage>,
    /// Calls the service handles at once before it slows down and sheds
    /// load (0 = unlimited). Over capacity, latency grows with the overload
    /// and the excess share of calls fails.
    pub capacity: u32,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            nodes: 1,
            transient_failure_rate: 0.5,
            permanent_failure_rate: 0.0,
            latency_ms: 120,
            latency_shape: LatencyShape::LogNormal,
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
        c.int(&format!("{at}.latency_ms"), s.latency_ms, 1, limits::MAX_LATENCY_MS);
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
            if let Some(n) = o.node {
                c.int(&format!("{f}.node"), n as u64, 1, s.nodes.max(1) as u64);
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
    /// is at least 1 µs. Draws the same amount from the stream whatever the
    /// failure rates, the load, the outages and `forced`.
    pub fn call(&mut self, node: u32, now: SimTime, forced: Option<Forced>) -> (SimDuration, Result<(), CallError>) {
        self.in_flight[node as usize] += 1;
        self.load += 1;
        let svc = &self.config;
        let rng = &mut self.rng;
        let u_outcome = rng.unit();
        let u_slow = rng.unit();
        let u_overload = rng.unit();
        let median = svc.latency_ms as f64;
        let mut latency_ms = match svc.latency_shape {
            LatencyShape::Fixed => {
                let _ = rng.unit();
                median
            }
            LatencyShape::Uniform => median * (0.5 + rng.unit()),
            LatencyShape::Exponential => rng.exponential(median),
            LatencyShape::LogNormal => rng.log_normal(median, 0.5),
        };
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
        (SimDuration::from_ms_f64(latency_ms.max(0.001)), result)
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
}

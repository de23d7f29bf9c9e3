//! Test support shared by the integration tests: a proptest strategy that
//! generates *valid* retry-lab configurations across the whole space the
//! validator allows — every workload, latency shape, outage, budget and
//! breaker on or off, a compare side or not, scripts — so round-trip and
//! determinism properties are checked where users can actually go, edges
//! included, not just around the defaults.
//!
//! [`Scale::Full`] reaches every limit (for tests that only encode and
//! decode); [`Scale::Runnable`] keeps the request count small enough to run
//! each case to the end in a debug build.

#![allow(dead_code)] // Each test crate uses a different part of this module.

pub mod labs;
pub mod links;

use engine::labs::retry::config::*;
use engine::patterns::backoff::{Jitter, WaitKind};
use engine::patterns::breaker::BreakerKind;
use engine::patterns::budget::Refill;
use engine::patterns::quota::QuotaScope;
use proptest::prelude::{any, prop, prop_oneof, BoxedStrategy, Just};
// `Strategy` is the retry lab's; proptest's is `Gen` here.
use proptest::strategy::Strategy as Gen;

/// How big the generated workloads may get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Up to the validator's limits (a million expected requests).
    Full,
    /// At most a few hundred requests, to run in a test.
    Runnable,
}

/// A rate in `[lo, hi]`, with the ends themselves often enough to matter.
pub fn real(lo: f64, hi: f64) -> impl Gen<Value = f64> {
    prop_oneof![1 => Just(lo), 1 => Just(hi), 6 => lo..=hi]
}

/// A whole number in `[lo, hi]`, with the ends often enough to matter.
pub fn int(lo: u64, hi: u64) -> impl Gen<Value = u64> {
    prop_oneof![1 => Just(lo), 1 => Just(hi), 6 => lo..=hi]
}

pub fn workloads(scale: Scale) -> BoxedStrategy<Workload> {
    let (max_clients, max_expected) = match scale {
        Scale::Full => (limits::MAX_CLIENTS, limits::MAX_EXPECTED_REQUESTS),
        Scale::Runnable => (40, 300.0),
    };
    let poisson = (int(1, max_clients), real(0.001, limits::MAX_RATE_PER_CLIENT)).prop_flat_map(
        move |(clients, rate_per_client)| {
            // Keep clients × rate × duration within the validator's bound.
            let most = (max_expected / (clients as f64 * rate_per_client) * 1000.0).floor();
            let most = (most as u64).clamp(1, limits::MAX_DURATION_MS);
            int(1, most).prop_map(move |duration_ms| Workload::Poisson {
                clients: clients as u32,
                rate_per_client,
                duration_ms,
            })
        },
    );
    prop_oneof![
        Just(Workload::Single),
        poisson,
        (int(1, max_clients), any::<bool>()).prop_map(|(clients, read_write)| Workload::Herd {
            clients: clients as u32,
            read_write,
        }),
    ]
    .boxed()
}

pub fn shapes() -> impl Gen<Value = LatencyShape> {
    prop_oneof![
        Just(LatencyShape::Fixed),
        Just(LatencyShape::Uniform),
        Just(LatencyShape::Exponential),
        Just(LatencyShape::LogNormal),
        Just(LatencyShape::Normal),
    ]
}

fn outages(nodes: u32) -> impl Gen<Value = Vec<Outage>> {
    let outage = (
        int(0, limits::MAX_DURATION_MS - 1),
        1u64..=limits::MAX_DURATION_MS,
        prop::option::of(1..=nodes),
    )
        .prop_map(|(from_ms, length, node)| Outage {
            from_ms,
            to_ms: (from_ms + length).min(limits::MAX_DURATION_MS),
            node,
        });
    prop::collection::vec(outage, 0..=limits::MAX_OUTAGES as usize)
}

pub fn services() -> BoxedStrategy<ServiceConfig> {
    (1u32..=limits::MAX_NODES as u32, real(0.0, 1.0))
        .prop_flat_map(|(nodes, transient_failure_rate)| {
            let latency = (
                (int(0, limits::MAX_LATENCY_MS), shapes(), int(0, limits::MAX_LATENCY_MS)),
                real(0.0, 1.0),
                int(1, limits::MAX_LATENCY_MS),
            );
            (
                Just(nodes),
                Just(transient_failure_rate),
                real(0.0, 1.0 - transient_failure_rate),
                latency,
                outages(nodes),
                prop_oneof![Just(0u32), 1u32..=1_000_000],
            )
        })
        .prop_map(
            |(
                nodes,
                transient_failure_rate,
                permanent_failure_rate,
                ((latency_ms, latency_shape, sd), slow_rate, slow_ms),
                outages,
                capacity,
            )| {
                service_config(
                    nodes,
                    (transient_failure_rate, permanent_failure_rate),
                    (latency_ms, latency_shape, sd),
                    (slow_rate, slow_ms),
                    outages,
                    capacity,
                )
            },
        )
        .boxed()
}

/// A service's config from its drawn parts (every lab's generator).
pub fn service_config(
    nodes: u32,
    (transient_failure_rate, permanent_failure_rate): (f64, f64),
    (latency_ms, latency_shape, sd): (u64, LatencyShape, u64),
    (slow_rate, slow_ms): (f64, u64),
    outages: Vec<Outage>,
    capacity: u32,
) -> ServiceConfig {
    ServiceConfig {
        nodes,
        transient_failure_rate,
        // (1 − t) + t may round above 1: the validator allows 1e-9.
        permanent_failure_rate,
        latency_ms,
        latency_shape,
        // Only the normal shape has a standard deviation.
        latency_sd_ms: if latency_shape == LatencyShape::Normal { sd } else { 0 },
        slow_rate,
        slow_ms,
        outages,
        capacity,
    }
}

fn budgets() -> impl Gen<Value = BudgetConfig> {
    (int(1, 1000), real(0.0, 10.0), real(0.0, 0.99), any::<bool>()).prop_map(
        |(max_tokens, token_ratio, threshold, per_call)| BudgetConfig {
            max_tokens: max_tokens as u32,
            token_ratio,
            threshold,
            refill: if per_call { Refill::PerCall } else { Refill::OnSuccess },
        },
    )
}

fn quotas() -> impl Gen<Value = RetryQuotaConfig> {
    (
        real(1.0, 100_000.0),
        real(0.0, 100_000.0),
        real(0.0, 100_000.0),
        real(0.0, 100_000.0),
        any::<bool>(),
    )
        .prop_map(
            |(capacity, retry_cost, timeout_cost, success_deposit, shared)| RetryQuotaConfig {
                capacity,
                retry_cost,
                timeout_cost,
                success_deposit,
                scope: if shared {
                    QuotaScope::Shared
                } else {
                    QuotaScope::PerClient
                },
            },
        )
}

fn breakers() -> impl Gen<Value = BreakerConfig> {
    int(1, 1000)
        .prop_flat_map(|window| {
            (
                any::<bool>(),
                Just(window),
                real(0.01, 1.0),
                int(1, window),
                int(1, limits::MAX_WAIT_MS),
                int(1, 100),
            )
        })
        .prop_map(
            |(retries_only, window, failure_ratio, min_calls, open_ms, probes)| BreakerConfig {
                kind: if retries_only {
                    BreakerKind::RetriesOnly
                } else {
                    BreakerKind::Full
                },
                window: window as u32,
                failure_ratio,
                min_calls: min_calls as u32,
                open_ms,
                half_open_probes: probes as u32,
            },
        )
}

/// Every kind of wait between attempts.
pub fn waits() -> impl Gen<Value = WaitKind> {
    prop_oneof![
        Just(WaitKind::Immediate),
        Just(WaitKind::Fixed),
        Just(WaitKind::Exponential)
    ]
}

/// Every jitter scheme.
pub fn jitters() -> impl Gen<Value = Jitter> {
    prop_oneof![
        Just(Jitter::None),
        Just(Jitter::Full),
        Just(Jitter::Equal),
        Just(Jitter::Decorrelated)
    ]
}

/// A strategy (the lab's, not proptest's) that is valid with `nodes` nodes.
pub fn strategies(nodes: u32) -> BoxedStrategy<Strategy> {
    let targets = if nodes > 1 {
        prop_oneof![Just(Target::Same), Just(Target::NextReplica)].boxed()
    } else {
        Just(Target::Same).boxed()
    };
    // Far more than 50 attempts and unlimited ones have unit tests of their own:
    // here, the range every old link had.
    let timing = (
        int(1, 50),
        prop_oneof![Just(0), int(1, limits::MAX_WAIT_MS)],
        prop_oneof![Just(0), int(1, limits::MAX_LATENCY_MS)],
    );
    let backoff = (
        waits(),
        int(0, limits::MAX_WAIT_MS),
        real(1.0, 10.0),
        int(0, limits::MAX_WAIT_MS),
        jitters(),
    );
    let cures = (
        any::<bool>(),
        targets,
        // No budget, gRPC's, or the AWS quota (one kind at a time).
        prop_oneof![
            Just((None, None)),
            budgets().prop_map(|b| (Some(b), None)),
            quotas().prop_map(|q| (None, Some(q))),
        ],
        prop::option::of(breakers()),
    );
    (timing, backoff, cures)
        .prop_map(
            |(
                (max_attempts, deadline_ms, attempt_timeout_ms),
                (wait, base_ms, multiplier, cap_ms, jitter),
                (cancel, target, (budget, retry_quota), breaker),
            )| {
                // Decorrelated jitter needs a base above zero.
                let base_ms = if jitter == Jitter::Decorrelated {
                    base_ms.max(1)
                } else {
                    base_ms
                };
                Strategy {
                    max_attempts: max_attempts as u32,
                    deadline_ms,
                    attempt_timeout_ms,
                    wait,
                    base_ms,
                    multiplier,
                    cap_ms,
                    jitter,
                    cancel_on_permanent: cancel,
                    target,
                    budget,
                    retry_quota,
                    breaker,
                }
            },
        )
        .boxed()
}

fn scripts() -> impl Gen<Value = Vec<Scripted>> {
    let step = prop_oneof![
        Just(Scripted::Succeed),
        Just(Scripted::Fail),
        Just(Scripted::Permanent),
        Just(Scripted::Slow)
    ];
    prop::collection::vec(step, 0..=limits::MAX_SCRIPT as usize)
}

/// Any configuration the validator accepts, up to `scale`.
pub fn retry_configs(scale: Scale) -> BoxedStrategy<RetryConfig> {
    (workloads(scale), services())
        .prop_flat_map(|(workload, service)| {
            let nodes = service.nodes;
            (
                Just(workload),
                Just(service),
                strategies(nodes),
                prop::option::of(strategies(nodes)),
                scripts(),
            )
        })
        .prop_map(|(workload, service, strategy, compare, script)| {
            within_work_bound(RetryConfig {
                workload,
                service,
                strategy,
                compare,
                script,
            })
        })
        .boxed()
}

/// `config`, made smaller until the validator's bound on its work holds:
/// fewer attempts (down to 3), then a shorter or smaller workload, then
/// fewer attempts still, then a shorter latency.
pub fn within_work_bound(mut c: RetryConfig) -> RetryConfig {
    let fits = |c: &RetryConfig| {
        let w = c.work_bound();
        w.calls <= limits::MAX_CALLS && w.in_flight <= limits::MAX_IN_FLIGHT && w.records <= limits::MAX_RECORDS
    };
    fn halve_attempts(s: &mut Strategy, floor: u32) -> bool {
        if s.max_attempts > floor {
            s.max_attempts = (s.max_attempts / 2).max(floor);
            return true;
        }
        false
    }
    for _ in 0..200 {
        if fits(&c) {
            break;
        }
        let mut changed = halve_attempts(&mut c.strategy, 3);
        if let Some(b) = c.compare.as_mut() {
            changed |= halve_attempts(b, 3);
        }
        if changed {
            continue;
        }
        match &mut c.workload {
            Workload::Poisson { duration_ms, .. } if *duration_ms > 1 => *duration_ms /= 2,
            Workload::Herd { clients, .. } if *clients > 1 => *clients /= 2,
            _ => {
                let mut changed = halve_attempts(&mut c.strategy, 1);
                if let Some(b) = c.compare.as_mut() {
                    changed |= halve_attempts(b, 1);
                }
                if !changed {
                    c.service.latency_ms /= 2;
                    c.service.slow_ms = (c.service.slow_ms / 2).max(1);
                }
            }
        }
    }
    c
}

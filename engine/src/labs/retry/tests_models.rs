//! The models of the second pass, each against the number its rule or its
//! theory gives: the AWS SDKs' retry quota beside gRPC's budget, the
//! retries-only breaker beside the full one, many and unlimited attempts,
//! a service with no latency, and the herd as real optimistic concurrency
//! (read, then write). The counts checked here are exact where the rule is
//! deterministic (scripted or certain failures).

use super::config::*;
use super::record::{CallError, RetryRecord};
use super::{RetryModel, RetrySim};
use crate::patterns::backoff::WaitKind;
use crate::patterns::breaker::BreakerKind;
use crate::patterns::quota::QuotaScope;
use crate::sim::{Progress, Simulation};
use crate::time::SimTime;

fn run(config: &RetryConfig, seed: u64) -> RetrySim {
    let scenario = config
        .scenario()
        .unwrap_or_else(|e| panic!("invalid test config: {e:?}"));
    let mut sim = Simulation::with_trace_capacity(RetryModel::new(scenario, seed), 1 << 20);
    assert_eq!(sim.run_to_end(20_000_000), Progress::Finished);
    sim
}

fn metrics(sim: &RetrySim) -> serde_json::Value {
    serde_json::to_value(sim.model().stats().metrics()).unwrap()
}

fn count(m: &serde_json::Value, key: &str) -> u64 {
    m[key].as_u64().unwrap_or_else(|| panic!("{key} in {m}"))
}

/// `clients` clients, one request a second each for `seconds`, calls failing
/// with chance `p` after a fixed 10 ms.
fn steady(clients: u32, p: f64, seconds: u64, strategy: Strategy) -> RetryConfig {
    RetryConfig {
        workload: Workload::Poisson {
            clients,
            rate_per_client: 1.0,
            duration_ms: seconds * 1000,
        },
        service: ServiceConfig {
            transient_failure_rate: p,
            latency_ms: 10,
            latency_shape: LatencyShape::Fixed,
            ..ServiceConfig::default()
        },
        strategy,
        ..RetryConfig::default()
    }
}

fn immediate(max_attempts: u32) -> Strategy {
    Strategy {
        max_attempts,
        wait: WaitKind::Immediate,
        ..Strategy::default()
    }
}

#[test]
fn new_metric_keys_add_up() {
    let sim = run(&steady(5, 0.5, 60, immediate(3)), 1);
    let m = metrics(&sim);
    assert_eq!(count(&m, "first_attempts") + count(&m, "retries"), count(&m, "calls"));
    // Nothing refuses here: every request makes its first attempt.
    assert_eq!(count(&m, "refused"), 0);
    assert_eq!(count(&m, "first_attempts"), count(&m, "requests"));
    let ratio = count(&m, "calls") as f64 / count(&m, "first_attempts") as f64;
    assert!((m["calls_per_first_attempt"].as_f64().unwrap() - ratio).abs() < 1e-4);
}

fn quota(scope: QuotaScope) -> Option<RetryQuotaConfig> {
    Some(RetryQuotaConfig {
        scope,
        ..RetryQuotaConfig::default()
    })
}

/// Every call fails, so nothing is ever paid back: a full bucket of 500
/// pays for exactly 500 / 5 = 100 retries (50 after timeouts, at 10 each),
/// per bucket; every later retry is refused and ends its request.
#[test]
fn aws_quota_pays_for_capacity_over_cost_retries_when_all_fail() {
    let strategy = |scope, timeout_ms| Strategy {
        retry_quota: quota(scope),
        attempt_timeout_ms: timeout_ms,
        ..immediate(2)
    };
    let cases = [
        (1, QuotaScope::PerClient, 0, 100),
        (1, QuotaScope::PerClient, 5, 50),
        (2, QuotaScope::PerClient, 0, 200),
        (2, QuotaScope::Shared, 0, 100),
    ];
    for (clients, scope, timeout_ms, retries) in cases {
        let sim = run(&steady(clients, 1.0, 300, strategy(scope, timeout_ms)), 4);
        let m = metrics(&sim);
        let what = format!("{clients} clients, {scope:?}, timeout {timeout_ms}");
        assert_eq!(count(&m, "retries"), retries, "{what}");
        assert_eq!(count(&m, "refused"), count(&m, "requests") - retries, "{what}");
        assert_eq!(m["gave_up"]["budget"], m["refused"], "{what}");
    }
}

/// Each request fails once and then succeeds (scripted): the retry's cost
/// is refunded on success, so the bucket never runs short and no retry is
/// refused — where, without the refund, only the first 100 would go.
#[test]
fn aws_quota_refunds_a_successful_retry() {
    let mut config = steady(
        1,
        0.0,
        400,
        Strategy {
            retry_quota: quota(QuotaScope::PerClient),
            ..immediate(3)
        },
    );
    config.script = vec![Scripted::Fail, Scripted::Succeed];
    let m = metrics(&run(&config, 2));
    assert!(count(&m, "requests") > 300);
    assert_eq!(count(&m, "refused"), 0);
    assert_eq!(count(&m, "retries"), count(&m, "requests"));
    assert_eq!(count(&m, "succeeded"), count(&m, "requests"));
}

/// gRPC's budget is charged by every failed call, the AWS quota only by
/// retries: at a 50 % failure rate with a small gRPC bucket retries all but
/// stop, while the AWS bucket of 500 still pays for most of them.
#[test]
fn the_two_budget_kinds_differ_as_their_sources_say() {
    let grpc = Strategy {
        budget: Some(BudgetConfig::default()),
        ..immediate(2)
    };
    let aws = Strategy {
        retry_quota: quota(QuotaScope::Shared),
        ..immediate(2)
    };
    let m_grpc = metrics(&run(&steady(2, 0.5, 200, grpc), 9));
    let m_aws = metrics(&run(&steady(2, 0.5, 200, aws), 9));
    // About 400 requests, 200 first-try failures: AWS's drift is −0.75 a
    // request, so 500 tokens outlast the run (≈ 300 tokens spent).
    assert_eq!(count(&m_aws, "refused"), 0, "{m_aws}");
    assert!(count(&m_grpc, "refused") > count(&m_grpc, "retries"), "{m_grpc}");
}

fn breaker(kind: BreakerKind) -> Option<BreakerConfig> {
    Some(BreakerConfig {
        kind,
        window: 10,
        min_calls: 10,
        failure_ratio: 0.5,
        open_ms: 3_600_000,
        half_open_probes: 1,
    })
}

/// Every call fails and the breaker never closes again: the full breaker
/// refuses every call once it opens, first attempts included; the
/// retries-only breaker lets every first attempt through and refuses only
/// the retries.
#[test]
fn a_retries_only_breaker_never_stops_a_first_attempt() {
    let with = |kind| Strategy {
        breaker: breaker(kind),
        ..immediate(3)
    };
    let full = metrics(&run(&steady(3, 1.0, 60, with(BreakerKind::Full)), 5));
    let retries_only = metrics(&run(&steady(3, 1.0, 60, with(BreakerKind::RetriesOnly)), 5));

    // Full: it opens at the 10th failed call, after which nothing is sent.
    assert_eq!(count(&full, "calls"), 10, "{full}");
    assert!(count(&full, "first_attempts") < count(&full, "requests"));
    assert_eq!(
        count(&full, "refused"),
        count(&full, "requests") - full["gave_up"]["attempts"].as_u64().unwrap()
    );

    // Retries only: every request makes its first attempt, retries stop after 10 calls.
    assert_eq!(count(&retries_only, "first_attempts"), count(&retries_only, "requests"));
    assert!(count(&retries_only, "retries") <= 10, "{retries_only}");
    assert!(count(&retries_only, "refused") > 0);
    assert_eq!(retries_only["gave_up"]["breaker_open"], retries_only["refused"]);
}

#[test]
fn far_more_than_50_attempts_are_made_exactly() {
    let m = metrics(&run(&steady(1, 1.0, 3, immediate(2_000)), 1));
    assert_eq!(count(&m, "calls"), 2_000 * count(&m, "requests"));
    assert_eq!(m["gave_up"]["attempts"], m["requests"]);
}

/// Unlimited attempts end at the deadline: every call fails after a fixed
/// 100 ms and is retried at once, so a 1 s deadline allows exactly 10.
#[test]
fn unlimited_attempts_stop_at_the_deadline() {
    let config = RetryConfig {
        service: ServiceConfig {
            transient_failure_rate: 1.0,
            latency_ms: 100,
            latency_shape: LatencyShape::Fixed,
            ..ServiceConfig::default()
        },
        strategy: Strategy {
            deadline_ms: 1_000,
            ..immediate(0)
        },
        ..RetryConfig::default()
    };
    let m = metrics(&run(&config, 1));
    assert_eq!(count(&m, "calls"), 10);
    assert_eq!(m["gave_up"]["deadline"], 1);
}

#[test]
fn unlimited_attempts_need_a_deadline_and_time_that_moves() {
    let refused = |config: &RetryConfig| -> Vec<(String, String)> {
        config
            .validate()
            .err()
            .unwrap_or_default()
            .iter()
            .map(|e| (e.field.clone(), e.to_string()))
            .collect()
    };
    let mut c = RetryConfig::default();
    c.strategy.max_attempts = 0;
    let errors = refused(&c);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "strategy.max_attempts");
    assert!(errors[0].1.contains("deadline"), "{errors:?}");
    c.strategy.deadline_ms = 5_000;
    assert!(refused(&c).is_empty());
    // No latency and no wait: the run would never advance.
    c.service.latency_ms = 0;
    c.strategy.wait = WaitKind::Immediate;
    let errors = refused(&c);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].1.contains("never advance"), "{errors:?}");
    // A wait is enough.
    c.strategy.wait = WaitKind::Fixed;
    c.strategy.base_ms = 10;
    assert!(refused(&c).is_empty());
    // On side B too.
    c.compare = Some(Strategy {
        max_attempts: 0,
        ..Strategy::default()
    });
    assert_eq!(refused(&c)[0].0, "compare.max_attempts");
}

/// A service with no latency answers at once: the whole run happens at
/// t = 0 and success still follows 1 − pⁿ.
#[test]
fn zero_latency_runs_at_one_instant() {
    let mut config = steady(10, 0.5, 100, immediate(4));
    config.service.latency_ms = 0;
    let sim = run(&config, 7);
    let m = metrics(&sim);
    assert!(sim.trace().entries().all(|e| {
        // Every attempt ends the instant it starts.
        !matches!(e.record, RetryRecord::AttemptSucceeded { latency_us, .. } if latency_us != 0)
    }));
    assert_eq!(m["p99_ms"], 0.0);
    let n = count(&m, "requests") as f64;
    let rate = m["success_rate"].as_f64().unwrap();
    let p4 = 0.5f64.powi(4);
    assert!((rate - (1.0 - p4)).abs() < 5.0 * (p4 * (1.0 - p4) / n).sqrt(), "{rate}");
}

/// Normal latency (mean 200, sd 50, truncated at zero) through the model:
/// the median success latency is near 200 ms.
#[test]
fn normal_latency_runs_with_its_mean() {
    let mut config = steady(10, 0.0, 100, immediate(1));
    config.service.latency_ms = 200;
    config.service.latency_shape = LatencyShape::Normal;
    config.service.latency_sd_ms = 50;
    let m = metrics(&run(&config, 3));
    let p50 = m["p50_ms"].as_f64().unwrap();
    assert!((185.0..215.0).contains(&p50), "{p50}");
}

fn herd(clients: u32, read_write: bool) -> RetryConfig {
    RetryConfig {
        workload: Workload::Herd { clients, read_write },
        service: ServiceConfig {
            transient_failure_rate: 0.0,
            latency_ms: 100,
            latency_shape: LatencyShape::Fixed,
            ..ServiceConfig::default()
        },
        strategy: immediate(1_000),
        ..RetryConfig::default()
    }
}

/// Read then write: every client succeeds once (its write lands on the
/// version it read), so the record's version ends at the number of clients;
/// a success takes at least a read and a write (200 ms); clients start
/// within one hop (100 ms) of t = 0; and every conflict costs the next read.
#[test]
fn a_read_write_herd_is_real_optimistic_concurrency() {
    let sim = run(&herd(20, true), 11);
    let m = metrics(&sim);
    assert_eq!(count(&m, "succeeded"), 20);
    let mut starts = vec![];
    let mut conflicts = 0;
    for e in sim.trace().entries() {
        match e.record {
            RetryRecord::Arrived { .. } => starts.push(e.at),
            RetryRecord::AttemptSucceeded { latency_us, .. } => assert_eq!(latency_us, 200_000),
            RetryRecord::AttemptFailed { error, .. } => {
                assert_eq!(error, CallError::Conflict);
                conflicts += 1;
            }
            _ => {}
        }
    }
    assert_eq!(starts.len(), 20);
    assert!(starts.iter().all(|t| *t < SimTime::from_ms(100)), "{starts:?}");
    assert!(
        starts.iter().any(|t| *t > SimTime::ZERO),
        "start times are drawn, not all 0"
    );
    // One success per client, every other attempt a conflict.
    assert_eq!(count(&m, "calls"), 20 + conflicts);
    assert_eq!(m["gave_up"]["attempts"], 0);
    assert_eq!(count(&m, "first_attempts"), 20);
}

/// The old herd (read at send, write at reply, all at t = 0) is unchanged
/// without the field, and the field is not written unless set (old links
/// keep their exact text).
#[test]
fn the_old_herd_is_the_default() {
    let old = herd(20, false);
    let json = serde_json::to_value(&old).unwrap();
    assert_eq!(json["workload"], serde_json::json!({"kind": "herd", "clients": 20}));
    let sim = run(&old, 11);
    assert!(sim
        .trace()
        .entries()
        .filter(|e| matches!(e.record, RetryRecord::Arrived { .. }))
        .all(|e| e.at == SimTime::ZERO));
}

/// Theory for unlimited attempts is the limit of its formulas — success
/// 1 − p^∞ = 1, calls 1/(1 − p) — with the deadline named as the caveat.
#[test]
fn theory_of_unlimited_attempts_is_the_limit() {
    use super::theory::Prediction;
    use crate::patterns::backoff::Jitter;
    let mut config = steady(10, 0.5, 10, immediate(0));
    config.strategy.deadline_ms = 60_000;
    config.strategy.wait = WaitKind::Exponential;
    config.strategy.jitter = Jitter::Decorrelated;
    config.strategy.base_ms = 10;
    let p = Prediction::of(&config.scenario().unwrap());
    assert!((p.success_rate - 1.0).abs() < 1e-12);
    assert!((p.calls_per_request - 2.0).abs() < 1e-9);
    assert_eq!(p.caveat, Some("theory.caveat.deadline"));
    // A quota is a retry budget for theory's caveat.
    let mut config = steady(10, 0.5, 10, immediate(3));
    config.strategy.retry_quota = Some(RetryQuotaConfig::default());
    assert_eq!(
        Prediction::of(&config.scenario().unwrap()).caveat,
        Some("theory.caveat.budget")
    );
}

/// Theory for 10,000 attempts (the most a strategy may have) with every
/// jitter scheme is computed in bounded time, and near-certain failure
/// (p = 0.999) still gets 1 − pⁿ right at that n.
#[test]
fn theory_of_many_attempts_is_exact_and_quick() {
    use super::theory::Prediction;
    use crate::patterns::backoff::Jitter;
    for jitter in [Jitter::None, Jitter::Full, Jitter::Equal, Jitter::Decorrelated] {
        let mut config = RetryConfig {
            strategy: immediate(10_000),
            ..RetryConfig::default()
        };
        config.service.transient_failure_rate = 0.999;
        config.strategy.wait = WaitKind::Exponential;
        config.strategy.jitter = jitter;
        config.strategy.base_ms = 10;
        config.strategy.cap_ms = 1_000;
        let p = Prediction::of(&config.scenario().unwrap());
        // (1 − p)(1 + p + … + pⁿ⁻¹) = 1 − pⁿ: 0.99995 here, where n = 1,000 would give 0.63.
        let want = 1.0 - 0.999f64.powi(10_000);
        assert!(
            (p.success_rate - want).abs() < 1e-9,
            "{jitter:?}: {} vs {want}",
            p.success_rate
        );
        assert!(p.retry_wait_per_request_ms.is_finite() && p.retry_wait_per_request_ms > 0.0);
    }
}

//! The retry lab checked against theory, not against itself. With independent
//! failures the numbers a student reads off the metric cards have closed
//! forms — success `1 − pⁿ`, load `1 + p + … + pⁿ⁻¹` — so a model bug shows
//! up as a statistically impossible gap, not as a changed snapshot. The
//! rest pins the behaviours the lab's guides promise (permanent errors
//! cancel, deadlines and timeouts fire, replicas route around an outage,
//! jitter breaks up a herd, budgets and breakers tame a storm), and property
//! tests hold the patterns to the bounds their docs state.

use super::config::*;
use super::presets;
use super::record::{CallError, GiveUpReason, RetryRecord};
use super::theory::Prediction;
use super::{RetryModel, RetryRun, RetrySim};
use crate::patterns::backoff::{Backoff, Jitter, WaitKind};
use crate::patterns::breaker::{Admission, BreakerState, CircuitBreaker};
use crate::patterns::budget::{Refill, RetryBudget};
use crate::rng::SimRng;
use crate::sim::{Progress, Simulation};
use crate::time::{SimDuration, SimTime};
use proptest::prelude::{any, prop, prop_assert, prop_assert_eq, prop_oneof, proptest, Just, ProptestConfig};
// `Strategy` is the retry lab's; proptest's is `Gen` here.
use proptest::strategy::Strategy as Gen;

/// Enough events for any valid run; a run that needs more is a bug.
const EVENT_CAP: u64 = 20_000_000;

/// Runs side A of `config` to the end, keeping every trace record.
fn run_a(config: &RetryConfig, seed: u64) -> RetrySim {
    let scenario = config
        .scenario()
        .unwrap_or_else(|e| panic!("invalid test config: {e:?}"));
    let mut sim = Simulation::with_trace_capacity(RetryModel::new(scenario, seed), 1 << 20);
    assert_eq!(
        sim.run_to_end(EVENT_CAP),
        Progress::Finished,
        "seed {seed}: run did not finish"
    );
    sim
}

/// Runs side B (the `compare` strategy) of `config` to the end.
fn run_b(config: &RetryConfig, seed: u64) -> RetrySim {
    let scenario = config
        .compare_scenario()
        .unwrap()
        .expect("config compares two strategies");
    let mut sim = Simulation::with_trace_capacity(RetryModel::new(scenario, seed), 1 << 20);
    assert_eq!(
        sim.run_to_end(EVENT_CAP),
        Progress::Finished,
        "seed {seed}: side B did not finish"
    );
    sim
}

fn records(sim: &RetrySim) -> impl Iterator<Item = (SimTime, RetryRecord)> + '_ {
    assert_eq!(sim.trace().dropped(), 0, "the test trace must keep every record");
    sim.trace().entries().map(|e| (e.at, e.record))
}

fn failures(sim: &RetrySim, error: CallError) -> usize {
    records(sim)
        .filter(|(_, r)| matches!(r, RetryRecord::AttemptFailed { error: e, .. } if *e == error))
        .count()
}

fn gave_up(sim: &RetrySim, reason: GiveUpReason) -> u64 {
    sim.model().stats().gave_up[reason.metric()]
}

fn preset(id: &str) -> presets::RetryPreset {
    presets::find(id).unwrap_or_else(|| panic!("no preset {id}"))
}

/// Many clients, independent transient failures with probability `p`, no
/// cure, no deadline, no timeout: the textbook setting.
fn independent(p: f64, max_attempts: u32, wait: WaitKind) -> RetryConfig {
    RetryConfig {
        workload: Workload::Poisson {
            clients: 50,
            rate_per_client: 1.0,
            duration_ms: 100_000,
        },
        service: ServiceConfig {
            transient_failure_rate: p,
            latency_ms: 40,
            latency_shape: LatencyShape::Fixed,
            ..ServiceConfig::default()
        },
        strategy: Strategy {
            max_attempts,
            wait,
            base_ms: 200,
            ..Strategy::default()
        },
        ..RetryConfig::default()
    }
}

/// Checks `observed` against `expected` for a mean of `n` draws with variance
/// `variance`, allowing five standard errors (a false alarm is ~1 in 10⁶).
fn assert_close(what: &str, observed: f64, expected: f64, variance: f64, n: u64) {
    let tolerance = 5.0 * (variance / n as f64).sqrt() + 1e-9;
    assert!(
        (observed - expected).abs() <= tolerance,
        "{what}: observed {observed:.5}, theory {expected:.5} (± {tolerance:.5}, n = {n})"
    );
}

#[test]
fn success_and_load_match_theory_for_independent_failures() {
    let cases = [
        (0.1, 1, WaitKind::Immediate),
        (0.1, 3, WaitKind::Fixed),
        (0.3, 3, WaitKind::Immediate),
        (0.5, 2, WaitKind::Fixed),
        (0.5, 5, WaitKind::Immediate),
        (0.8, 4, WaitKind::Fixed),
        (1.0, 3, WaitKind::Immediate),
    ];
    for (i, (p, n, wait)) in cases.into_iter().enumerate() {
        let seed = 100 + i as u64;
        let sim = run_a(&independent(p, n, wait), seed);
        let s = sim.model().stats();
        assert!(s.requests > 4_000, "too few requests for statistics: {}", s.requests);
        assert_eq!(s.finished, s.requests);
        let case = format!("p = {p}, {n} attempts, {wait:?}, seed {seed}");

        // What the metrics table shows beside the measurement, with no caveat.
        let theory = Prediction::of(sim.model().scenario());
        assert_eq!(theory.caveat, None, "{case}: the textbook setting");

        // Success: a Bernoulli variable with q = 1 − pⁿ.
        let q = 1.0 - p.powi(n as i32);
        assert!((theory.success_rate - q).abs() < 1e-12, "{case}");
        assert_close(
            &format!("success rate ({case})"),
            s.succeeded as f64 / s.requests as f64,
            q,
            q * (1.0 - q),
            s.requests,
        );

        // Calls per request: j calls with probability pʲ⁻¹(1 − p) for j < n, and n with pⁿ⁻¹.
        let dist: Vec<(f64, f64)> = (1..=n)
            .map(|j| {
                let pj = if j < n {
                    p.powi(j as i32 - 1) * (1.0 - p)
                } else {
                    p.powi(n as i32 - 1)
                };
                (j as f64, pj)
            })
            .collect();
        let mean: f64 = dist.iter().map(|(j, pj)| j * pj).sum();
        let var: f64 = dist.iter().map(|(j, pj)| (j - mean).powi(2) * pj).sum();
        let geometric: f64 = (0..n).map(|k| p.powi(k as i32)).sum();
        assert!((mean - geometric).abs() < 1e-12, "the two forms of the theory agree");
        assert!((theory.calls_per_request - mean).abs() < 1e-12, "{case}");
        assert_close(
            &format!("load amplification ({case})"),
            s.calls as f64 / s.requests as f64,
            mean,
            var,
            s.requests,
        );

        // First-try success: a Bernoulli variable with 1 − p.
        let first = theory.first_try_success_rate;
        assert!((first - (1.0 - p)).abs() < 1e-12, "{case}");
        assert_close(
            &format!("first-try success ({case})"),
            s.first_try as f64 / s.requests as f64,
            first,
            first * (1.0 - first),
            s.requests,
        );

        // Every request that did not succeed used every attempt.
        assert_eq!(
            s.requests - s.succeeded,
            gave_up(&sim, GiveUpReason::Attempts),
            "{case}"
        );
    }
}

/// Each request's total wait between attempts, from the trace (0 for none).
fn waits_per_request_ms(sim: &RetrySim) -> Vec<f64> {
    let mut waits = vec![0.0; sim.model().stats().requests as usize];
    for (_, r) in records(sim) {
        if let RetryRecord::RetryScheduled { req, wait_us, .. } = r {
            waits[req as usize] += wait_us as f64 / 1000.0;
        }
    }
    waits
}

#[test]
fn the_retry_wait_per_request_matches_theory_for_every_backoff() {
    // p = 0.5, 4 attempts, base 200 ms: the expected wait is Σ pᵏ·E[wₖ] over
    // three retries, E[wₖ] from the schedule and the jitter's mean. The
    // tolerance is five standard errors of the per-request waits measured.
    let cases = [
        (WaitKind::Fixed, Jitter::None, 10_000),
        (WaitKind::Exponential, Jitter::None, 10_000),
        (WaitKind::Exponential, Jitter::Full, 10_000),
        (WaitKind::Exponential, Jitter::Equal, 500),
        // The cap binds from the second retry on (200 ms · 3² > 1 s).
        (WaitKind::Exponential, Jitter::Decorrelated, 1_000),
        (WaitKind::Immediate, Jitter::None, 10_000),
    ];
    for (i, (wait, jitter, cap_ms)) in cases.into_iter().enumerate() {
        let mut config = independent(0.5, 4, wait);
        config.strategy.jitter = jitter;
        config.strategy.cap_ms = cap_ms;
        let seed = 300 + i as u64;
        let sim = run_a(&config, seed);
        let theory = Prediction::of(sim.model().scenario());
        assert_eq!(theory.caveat, None);
        let waits = waits_per_request_ms(&sim);
        let n = waits.len() as u64;
        let (mean, var) = mean_var(&waits);
        let case = format!("{wait:?} / {jitter:?}, cap {cap_ms} ms, seed {seed}");
        // The metric is exactly this mean (to 0.1 ms).
        let m = sim.model().stats().metrics();
        assert!((m.retry_wait_per_request_ms - mean).abs() <= 0.05 + 1e-9, "{case}");
        assert_close(
            &format!("retry wait per request ({case})"),
            mean,
            theory.retry_wait_per_request_ms,
            var,
            n,
        );
    }
}

/// Mean and sample variance.
fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    (mean, xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0))
}

#[test]
fn the_tenacity_demo_over_many_seeds_gives_up_as_theory_says() {
    // The guide's question: across seeds, how often does the demo still give
    // up? Theory: 0.5³ = 12.5 %, with 1.75 calls and 1.5 s of waiting per run.
    let p = preset("tenacity");
    let theory = Prediction::of(&p.config.scenario().unwrap());
    let (mut ok, mut calls, mut waits) = (vec![], vec![], vec![]);
    for seed in 0..4_000 {
        let sim = run_a(&p.config, seed);
        let m = sim.model().stats().metrics();
        ok.push(m.success_rate);
        calls.push(m.load_amplification);
        waits.push(m.retry_wait_ms);
    }
    let n = ok.len() as u64;
    for (what, xs, want) in [
        ("success", &ok, theory.success_rate),
        ("calls", &calls, theory.calls_per_request),
        ("retry wait", &waits, theory.retry_wait_per_request_ms),
    ] {
        let (mean, var) = mean_var(xs);
        assert_close(&format!("tenacity over seeds: {what}"), mean, want, var, n);
    }
}

#[test]
fn permanent_and_transient_failures_mix_as_theory_says() {
    // Each attempt: success s, transient p (retry), permanent q (cancel).
    let (p, q, n) = (0.3, 0.2, 3);
    let mut config = independent(p, n, WaitKind::Immediate);
    config.service.permanent_failure_rate = q;
    let sim = run_a(&config, 8);
    let st = sim.model().stats();
    let reach: f64 = (0..n).map(|k| p.powi(k as i32)).sum(); // expected attempts made
    let success = (1.0 - p - q) * reach;
    let permanent = q * reach;
    let theory = Prediction::of(sim.model().scenario());
    assert!((theory.success_rate - success).abs() < 1e-12);
    assert!((theory.calls_per_request - reach).abs() < 1e-12);
    let rate = |x: u64| x as f64 / st.requests as f64;
    assert_close(
        "success",
        rate(st.succeeded),
        success,
        success * (1.0 - success),
        st.requests,
    );
    let gave_permanent = gave_up(&sim, GiveUpReason::Permanent);
    assert_close(
        "permanent give-ups",
        rate(gave_permanent),
        permanent,
        permanent * (1.0 - permanent),
        st.requests,
    );
}

#[test]
fn permanent_errors_cancel_at_once_unless_told_otherwise() {
    let p = preset("permanent");
    let a = run_a(&p.config, p.seed);
    let attempts: Vec<_> = records(&a)
        .filter(|(_, r)| matches!(r, RetryRecord::AttemptStarted { .. }))
        .collect();
    assert_eq!(attempts.len(), 1, "cancel_on_permanent: one attempt only");
    assert_eq!(gave_up(&a, GiveUpReason::Permanent), 1);
    assert!(records(&a).any(|(_, r)| r
        == RetryRecord::GaveUp {
            req: 0,
            attempts: 1,
            reason: GiveUpReason::Permanent
        }));

    // Side B retries what can never succeed, and uses every attempt.
    let b = run_b(&p.config, p.seed);
    let max = p.config.compare.as_ref().unwrap().max_attempts;
    assert_eq!(failures(&b, CallError::Permanent), max as usize);
    assert!(records(&b).any(|(_, r)| r
        == RetryRecord::GaveUp {
            req: 0,
            attempts: max,
            reason: GiveUpReason::Attempts
        }));
    assert_eq!(b.model().stats().calls, max as u64);
}

#[test]
fn a_deadline_gives_up_with_reason_deadline() {
    // Attempts at ~0 s and ~2.1 s; a third would start after ~4.2 s, past the 3 s deadline.
    let config = RetryConfig {
        service: ServiceConfig {
            transient_failure_rate: 1.0,
            latency_shape: LatencyShape::Fixed,
            ..ServiceConfig::default()
        },
        strategy: Strategy {
            max_attempts: 5,
            deadline_ms: 3_000,
            ..Strategy::default()
        },
        ..RetryConfig::default()
    };
    let sim = run_a(&config, 1);
    let last = records(&sim).last().unwrap().1;
    assert_eq!(
        last,
        RetryRecord::GaveUp {
            req: 0,
            attempts: 2,
            reason: GiveUpReason::Deadline
        }
    );
    assert!(sim.now() <= SimTime::from_ms(3_000));

    // A deadline that falls while an attempt is in flight cuts it short.
    let mut config = config;
    config.service.latency_ms = 10_000;
    let sim = run_a(&config, 1);
    let (at, last) = records(&sim).last().unwrap();
    assert_eq!(
        last,
        RetryRecord::GaveUp {
            req: 0,
            attempts: 1,
            reason: GiveUpReason::Deadline
        }
    );
    assert_eq!(at, SimTime::from_ms(3_000));
    assert_eq!(failures(&sim, CallError::Timeout), 1);
}

#[test]
fn an_attempt_timeout_turns_slow_responses_into_timeouts() {
    let config = RetryConfig {
        workload: Workload::Poisson {
            clients: 10,
            rate_per_client: 1.0,
            duration_ms: 20_000,
        },
        service: ServiceConfig {
            transient_failure_rate: 0.0,
            slow_rate: 1.0,
            slow_ms: 5_000,
            ..ServiceConfig::default()
        },
        strategy: Strategy {
            max_attempts: 2,
            attempt_timeout_ms: 1_000,
            wait: WaitKind::Immediate,
            ..Strategy::default()
        },
        ..RetryConfig::default()
    };
    let sim = run_a(&config, 4);
    let s = sim.model().stats();
    assert!(s.requests > 100);
    assert_eq!(s.succeeded, 0, "every call is slower than the timeout");
    assert_eq!(failures(&sim, CallError::Timeout) as u64, s.calls);
    assert_eq!(s.calls, 2 * s.requests);
    // The client stops waiting after exactly the timeout.
    for (at, r) in records(&sim) {
        if let RetryRecord::AttemptFailed { req, attempt, .. } = r {
            let started = records(&sim)
                .find(|(_, s)| *s == RetryRecord::AttemptStarted { req, attempt, node: 0 })
                .map(|(t, _)| t)
                .unwrap();
            assert_eq!(at - started, SimDuration::from_ms(1_000));
        }
    }
}

#[test]
fn an_outage_gives_unavailable_and_next_replica_routes_around_it() {
    let config = |target: Target| RetryConfig {
        workload: Workload::Poisson {
            clients: 20,
            rate_per_client: 1.0,
            duration_ms: 30_000,
        },
        service: ServiceConfig {
            nodes: 3,
            transient_failure_rate: 0.0,
            latency_ms: 50,
            outages: vec![Outage {
                from_ms: 0,
                to_ms: 30_000,
                node: Some(2),
            }],
            ..ServiceConfig::default()
        },
        strategy: Strategy {
            max_attempts: 3,
            wait: WaitKind::Immediate,
            target,
            ..Strategy::default()
        },
        ..RetryConfig::default()
    };
    let same = run_a(&config(Target::Same), 6);
    let next = run_a(&config(Target::NextReplica), 6);
    for sim in [&same, &next] {
        let m = sim.model().stats().metrics();
        assert!(m.node_failures["node_2"] > 0, "{:?}", m.node_failures);
        assert_eq!(m.node_failures["node_1"], 0);
        assert_eq!(m.node_failures["node_3"], 0);
        assert_eq!(failures(sim, CallError::Unavailable) as u64, m.node_failures["node_2"]);
    }
    // Staying on the dead node loses its third of the requests; the next replica saves them all.
    let (ms, mn) = (same.model().stats().metrics(), next.model().stats().metrics());
    assert!(
        (ms.success_rate - 2.0 / 3.0).abs() < 0.02,
        "same node: {}",
        ms.success_rate
    );
    assert_eq!(mn.success_rate, 1.0);
    // A retry of a request whose primary is down goes to node_3 at once.
    assert!(records(&next).any(|(_, r)| matches!(
        r,
        RetryRecord::AttemptSucceeded {
            attempt: 2,
            node: 2,
            ..
        }
    )));
}

#[test]
fn a_herd_without_jitter_collides_far_more_than_with_full_jitter() {
    let p = preset("herd");
    let none = run_a(&p.config, p.seed);
    let full = run_b(&p.config, p.seed);
    let (cn, cf) = (
        failures(&none, CallError::Conflict),
        failures(&full, CallError::Conflict),
    );
    let (kn, kf) = (none.model().stats().calls, full.model().stats().calls);
    assert!(cn >= 2 * cf, "conflicts: no jitter {cn}, full jitter {cf}");
    assert!(kn as f64 >= 1.5 * kf as f64, "calls: no jitter {kn}, full jitter {kf}");
    // With jitter everybody gets their write in.
    assert_eq!(full.model().stats().succeeded, full.model().stats().requests);
}

#[test]
fn budget_and_breaker_cut_the_load_of_a_storm() {
    let budget = preset("storm_budget");
    let breaker = preset("storm_breaker");
    // Both presets share side A (no cure), so it runs once.
    assert_eq!(budget.config.strategy, breaker.config.strategy);
    let a = run_a(&budget.config, budget.seed).model().stats().metrics();
    for p in [&budget, &breaker] {
        let b = run_b(&p.config, p.seed).model().stats().metrics();
        assert!(
            b.load_amplification < 0.8 * a.load_amplification,
            "{}: cured load {} vs no cure {}",
            p.id,
            b.load_amplification,
            a.load_amplification
        );
    }
}

#[test]
fn the_storm_breaker_opens_during_the_outage_and_closes_after() {
    let p = preset("storm_breaker");
    let outage = &p.config.service.outages[0];
    let (from, to) = (SimTime::from_ms(outage.from_ms), SimTime::from_ms(outage.to_ms));
    let b = run_b(&p.config, p.seed);
    let changes: Vec<(SimTime, BreakerState, BreakerState)> = records(&b)
        .filter_map(|(at, r)| match r {
            RetryRecord::Breaker { from, to } => Some((at, from, to)),
            _ => None,
        })
        .collect();
    let first_open = changes
        .iter()
        .find(|c| (c.1, c.2) == (BreakerState::Closed, BreakerState::Open));
    let (opened_at, ..) = first_open.expect("the breaker opens");
    assert!(
        *opened_at >= from && *opened_at < to,
        "opened at {opened_at}, outage {from}..{to}"
    );
    let closed_after = changes
        .iter()
        .any(|c| c.0 >= to && (c.1, c.2) == (BreakerState::HalfOpen, BreakerState::Closed));
    assert!(closed_after, "the breaker closes again after the outage: {changes:?}");
    assert_eq!(b.model().breaker().unwrap().state(), BreakerState::Closed);
    assert!(gave_up(&b, GiveUpReason::BreakerOpen) > 0);
    // The breaker's live strip agrees with the trace.
    let strip = &b.model().stats().breaker_changes;
    assert_eq!(strip.len(), changes.len() + 1);
}

#[test]
fn the_storm_budget_stays_between_empty_and_full_and_runs_dry_in_the_outage() {
    let p = preset("storm_budget");
    let cfg = p.config.compare.as_ref().unwrap().budget.clone().unwrap();
    let max = cfg.max_tokens as u64 * 1000;
    let threshold = (cfg.threshold * max as f64).round() as u64;
    let scenario = p.config.compare_scenario().unwrap().unwrap();
    let mut sim = Simulation::new(RetryModel::new(scenario, p.seed));
    let mut lowest = u64::MAX;
    while sim.step() {
        let level = sim.model().budget().unwrap().milli_tokens();
        assert!(level <= max, "budget over its maximum at {}: {level}", sim.now());
        lowest = lowest.min(level);
    }
    assert!(
        lowest <= threshold,
        "the outage drains the budget below its threshold (lowest {lowest})"
    );
    assert!(gave_up(&sim, GiveUpReason::Budget) > 0);
    let series_low = sim
        .model()
        .stats()
        .series
        .buckets()
        .iter()
        .filter_map(|s| s.budget_low)
        .min();
    assert!(series_low.is_some_and(|l| l <= max));
}

#[test]
fn scripted_fail_fail_succeed_takes_exactly_three_attempts() {
    let p = preset("scripted");
    let sim = run_a(&p.config, p.seed);
    let outcomes: Vec<RetryRecord> = records(&sim)
        .map(|(_, r)| r)
        .filter(|r| {
            matches!(
                r,
                RetryRecord::AttemptFailed { .. } | RetryRecord::AttemptSucceeded { .. }
            )
        })
        .collect();
    assert_eq!(outcomes.len(), 3);
    assert!(matches!(
        outcomes[0],
        RetryRecord::AttemptFailed {
            attempt: 1,
            error: CallError::Transient,
            ..
        }
    ));
    assert!(matches!(
        outcomes[1],
        RetryRecord::AttemptFailed {
            attempt: 2,
            error: CallError::Transient,
            ..
        }
    ));
    assert!(matches!(outcomes[2], RetryRecord::AttemptSucceeded { attempt: 3, .. }));
    let m = sim.model().stats().metrics();
    assert_eq!((m.succeeded, m.calls, m.success_rate), (1, 3, 1.0));
    // Whatever the seed: the script overrides the dice.
    for seed in 0..20 {
        assert_eq!(run_a(&p.config, seed).model().stats().calls, 3, "seed {seed}");
    }
}

#[test]
fn every_preset_runs_to_the_end_with_sane_metrics() {
    for p in presets::all() {
        let mut run = RetryRun::new(&p.config, p.seed).unwrap();
        assert_eq!(
            run.run_to_end(EVENT_CAP),
            Progress::Finished,
            "preset {} did not finish",
            p.id
        );
        for (side, sim) in ["A", "B"].iter().zip(run.sides()) {
            let what = format!("preset {} side {side} (seed {})", p.id, p.seed);
            let s = sim.model().stats();
            let m = s.metrics();
            assert!(m.requests > 0, "{what}: no requests");
            assert_eq!(s.finished, m.requests, "{what}: every request ends");
            assert_eq!(sim.model().active().count(), 0, "{what}");
            // The service may still hold calls their clients abandoned (timed out):
            // the run ends with its last request, not with that leftover work.
            assert_eq!(sim.now(), s.last_finish, "{what}: ends with its last request");
            let gave_up: u64 = m.gave_up.values().sum();
            assert_eq!(
                m.succeeded + gave_up,
                m.requests,
                "{what}: succeeded + gave up = requests"
            );
            for rate in [m.success_rate, m.first_try_success_rate] {
                assert!((0.0..=1.0).contains(&rate), "{what}: rate {rate}");
            }
            assert!(m.first_try_success_rate <= m.success_rate, "{what}");
            // Every call belongs to exactly one attempt of one finished request.
            let counted: u64 = s
                .attempts
                .iter()
                .enumerate()
                .map(|(i, [ok, ko])| i as u64 * (ok + ko))
                .sum();
            assert_eq!(counted, m.calls, "{what}: calls = Σ attempts");
            let rejected_before_calling = s.attempts[0][1];
            assert!(
                m.calls >= m.requests - rejected_before_calling,
                "{what}: calls ≥ requests that called"
            );
            if rejected_before_calling == 0 {
                assert!(m.load_amplification >= 1.0, "{what}");
            }
            let max_attempts = sim.model().scenario().strategy.max_attempts as f64;
            assert!(
                m.mean_attempts <= max_attempts && m.load_amplification <= max_attempts,
                "{what}"
            );
            let quantiles = [m.p50_ms, m.p95_ms, m.p99_ms];
            if m.succeeded > 0 {
                let q: Vec<f64> = quantiles.iter().map(|q| q.expect("latency quantiles")).collect();
                assert!(q[0] > 0.0 && q[0] <= q[1] && q[1] <= q[2], "{what}: {q:?}");
                assert!(q[2] <= m.completion_ms, "{what}");
            } else {
                assert!(quantiles.iter().all(Option::is_none), "{what}");
            }
            assert!(m.completion_ms.is_finite() && m.retry_wait_ms >= 0.0, "{what}");
            assert!(m.completion_ms <= sim.now().as_micros() as f64 / 1000.0 + 0.1, "{what}");
        }
    }
}

#[test]
fn a_breaker_is_not_stuck_half_open_by_errors_that_do_not_count() {
    // Permanent errors say nothing about the service's health, so the breaker
    // ignores them; a half-open probe that ends in one must not use up the
    // probes for good, or the breaker rejects every call for the rest of the run.
    let config = RetryConfig {
        workload: Workload::Poisson {
            clients: 20,
            rate_per_client: 2.0,
            duration_ms: 60_000,
        },
        service: ServiceConfig {
            transient_failure_rate: 0.0,
            permanent_failure_rate: 0.3,
            latency_ms: 50,
            outages: vec![Outage {
                from_ms: 5_000,
                to_ms: 10_000,
                node: None,
            }],
            ..ServiceConfig::default()
        },
        strategy: Strategy {
            max_attempts: 2,
            wait: WaitKind::Immediate,
            breaker: Some(BreakerConfig {
                kind: Default::default(),
                window: 20,
                failure_ratio: 0.5,
                min_calls: 10,
                open_ms: 1_000,
                half_open_probes: 5,
            }),
            ..Strategy::default()
        },
        ..RetryConfig::default()
    };
    for seed in 0..5 {
        let sim = run_a(&config, seed);
        let breaker = sim.model().breaker().unwrap();
        assert_eq!(
            breaker.state(),
            BreakerState::Closed,
            "seed {seed}: the breaker ends closed"
        );
        let late_rejections = records(&sim)
            .filter(|(at, r)| {
                *at > SimTime::from_ms(20_000)
                    && matches!(
                        r,
                        RetryRecord::GaveUp {
                            reason: GiveUpReason::BreakerOpen,
                            ..
                        }
                    )
            })
            .count();
        assert_eq!(late_rejections, 0, "seed {seed}: rejections long after the outage");
    }
}

// ---------------------------------------------------------------------------
// Properties of the patterns, over their whole input space.

fn wait_kinds() -> impl Gen<Value = WaitKind> {
    prop_oneof![
        Just(WaitKind::Immediate),
        Just(WaitKind::Fixed),
        Just(WaitKind::Exponential)
    ]
}

fn jitters() -> impl Gen<Value = Jitter> {
    prop_oneof![
        Just(Jitter::None),
        Just(Jitter::Full),
        Just(Jitter::Equal),
        Just(Jitter::Decorrelated)
    ]
}

/// A budget operation.
#[derive(Clone, Copy, Debug)]
enum BudgetOp {
    Call,
    Success,
    Failure,
}

/// A breaker operation: time passes, then a call asks in, an admitted call
/// reports, a probe gives its slot back, or the breaker's timer fires.
#[derive(Clone, Copy, Debug)]
enum BreakerOp {
    Admit { after_ms: u64 },
    Report { after_ms: u64, which: usize, success: bool },
    Release { which: usize },
    Tick { after_ms: u64 },
}

fn breaker_ops() -> impl Gen<Value = BreakerOp> {
    prop_oneof![
        3 => (0u64..300).prop_map(|after_ms| BreakerOp::Admit { after_ms }),
        3 => (0u64..300, any::<usize>(), any::<bool>())
            .prop_map(|(after_ms, which, success)| BreakerOp::Report { after_ms, which, success }),
        1 => any::<usize>().prop_map(|which| BreakerOp::Release { which }),
        1 => (0u64..3_000).prop_map(|after_ms| BreakerOp::Tick { after_ms }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Each jitter scheme stays within the bounds of `patterns::backoff`'s doc.
    #[test]
    fn every_jitter_stays_within_its_documented_bounds(
        kind in wait_kinds(),
        jitter in jitters(),
        base_ms in 0u64..=limits::MAX_WAIT_MS,
        cap_ms in 0u64..=limits::MAX_WAIT_MS,
        multiplier in 1.0f64..=10.0,
        retry in 1u32..=limits::MAX_ATTEMPTS as u32,
        previous_ms in 0u64..=limits::MAX_WAIT_MS,
        seed in any::<u64>(),
    ) {
        // As `RetryConfig::plan` builds it: the cap is never below the base.
        let b = Backoff {
            kind,
            base: SimDuration::from_ms(base_ms),
            multiplier,
            cap: SimDuration::from_ms(cap_ms.max(base_ms)),
            jitter,
        };
        let (base, cap) = (b.base.as_micros(), b.cap.as_micros());
        let temp = b.ceiling(retry).as_micros();
        prop_assert!(temp <= cap, "ceiling {temp} over cap {cap}");
        let previous = SimDuration::from_ms(previous_ms);
        let wait = b.wait(retry, previous, &mut SimRng::new(seed)).as_micros();
        let (lo, hi) = match (kind, jitter) {
            (WaitKind::Immediate, _) => (0, 0),
            (_, Jitter::None) => (temp, temp),
            (_, Jitter::Full) => (0, temp),
            (_, Jitter::Equal) => (temp / 2, temp),
            (_, Jitter::Decorrelated) => {
                let prev = if retry <= 1 { base } else { previous.as_micros().max(base) };
                (base, cap.min(prev.saturating_mul(3)))
            }
        };
        prop_assert!(lo <= wait && wait <= hi, "{kind:?}/{jitter:?}: wait {wait} not in [{lo}, {hi}]");
    }

    /// No sequence of calls, successes and failures takes the budget below
    /// empty or above full, and "allows a retry" means "above the threshold".
    #[test]
    fn the_budget_stays_between_empty_and_full(
        max_tokens in 1u32..=1000,
        token_ratio in 0.0f64..=10.0,
        threshold in 0.0f64..=0.99,
        per_call in any::<bool>(),
        ops in prop::collection::vec(prop_oneof![Just(BudgetOp::Call), Just(BudgetOp::Success), Just(BudgetOp::Failure)], 0..400),
    ) {
        let refill = if per_call { Refill::PerCall } else { Refill::OnSuccess };
        let mut b = RetryBudget::new(max_tokens, token_ratio, threshold, refill);
        let max = b.max_milli_tokens();
        prop_assert_eq!(b.milli_tokens(), max, "a budget starts full");
        for op in ops {
            let before = b.milli_tokens();
            match op {
                BudgetOp::Call => b.on_call(),
                BudgetOp::Success => b.on_success(),
                BudgetOp::Failure => b.on_failure(),
            }
            let level = b.milli_tokens();
            prop_assert!(level <= max, "{op:?}: {level} over {max}");
            if let BudgetOp::Failure = op {
                prop_assert_eq!(level, before.saturating_sub(1000));
            } else {
                prop_assert!(level >= before, "{:?} never takes tokens", op);
            }
            prop_assert_eq!(b.allows_retry(), level > b.threshold_milli_tokens());
        }
    }

    /// Half-open, the breaker has at most `probes` probes out at once (probes
    /// that gave their slot back do not count), and it never rejects while
    /// closed nor lets an ordinary call through while not.
    #[test]
    fn a_half_open_breaker_admits_at_most_its_probes(
        window in 1u32..30,
        failure_ratio in 0.01f64..=1.0,
        min_calls_share in 0.0f64..=1.0,
        open_ms in 1u64..5_000,
        probes in 1u32..10,
        ops in prop::collection::vec(breaker_ops(), 0..400),
    ) {
        let min_calls = 1 + ((window - 1) as f64 * min_calls_share) as u32;
        let mut b = CircuitBreaker::new(window, failure_ratio, min_calls, SimDuration::from_ms(open_ms), probes);
        let mut now = SimTime::ZERO;
        // Admitted calls that have not reported: the round they probe, if they are probes.
        let mut outstanding: Vec<Option<u64>> = Vec::new();
        for op in ops {
            let before = b.state();
            let transition = match op {
                BreakerOp::Admit { after_ms } => {
                    now += SimDuration::from_ms(after_ms);
                    let (admission, t) = b.admit(now);
                    let state = b.state();
                    match admission {
                        Admission::Allowed => prop_assert_eq!(state, BreakerState::Closed),
                        Admission::Probe => prop_assert_eq!(state, BreakerState::HalfOpen),
                        Admission::Rejected => prop_assert!(state != BreakerState::Closed),
                    }
                    match admission {
                        Admission::Allowed => outstanding.push(None),
                        Admission::Probe => outstanding.push(Some(b.round())),
                        Admission::Rejected => {}
                    }
                    t
                }
                BreakerOp::Report { after_ms, which, success } => {
                    now += SimDuration::from_ms(after_ms);
                    if outstanding.is_empty() {
                        continue;
                    }
                    outstanding.swap_remove(which % outstanding.len());
                    b.record(now, success)
                }
                BreakerOp::Release { which } => {
                    let probes_out: Vec<usize> = (0..outstanding.len()).filter(|i| outstanding[*i].is_some()).collect();
                    if probes_out.is_empty() {
                        continue;
                    }
                    let i = probes_out[which % probes_out.len()];
                    b.release_probe(outstanding.swap_remove(i).unwrap());
                    None
                }
                BreakerOp::Tick { after_ms } => {
                    now += SimDuration::from_ms(after_ms);
                    b.tick(now)
                }
            };
            if let Some(t) = transition {
                prop_assert!(t.from != t.to);
                prop_assert_eq!(t.to, b.state());
                if let BreakerOp::Tick { .. } = op {
                    prop_assert_eq!((before, t.to), (BreakerState::Open, BreakerState::HalfOpen));
                }
            }
            if b.state() == BreakerState::HalfOpen {
                let out = outstanding.iter().filter(|r| **r == Some(b.round())).count();
                prop_assert!(out <= probes as usize, "{out} probes out in round {}, {probes} allowed", b.round());
            }
        }
    }
}

#[test]
fn only_probes_decide_a_half_open_round() {
    // Slow calls sent while the breaker was closed may answer during a later
    // half-open round; the breaker's doc says the round's own probes decide it.
    let config = RetryConfig {
        workload: Workload::Poisson {
            clients: 20,
            rate_per_client: 5.0,
            duration_ms: 60_000,
        },
        service: ServiceConfig {
            transient_failure_rate: 0.4,
            latency_ms: 50,
            slow_rate: 0.2,
            slow_ms: 3_000,
            ..ServiceConfig::default()
        },
        strategy: Strategy {
            max_attempts: 2,
            wait: WaitKind::Immediate,
            breaker: Some(BreakerConfig {
                kind: Default::default(),
                window: 20,
                failure_ratio: 0.4,
                min_calls: 10,
                open_ms: 1_000,
                half_open_probes: 3,
            }),
            ..Strategy::default()
        },
        ..RetryConfig::default()
    };
    for seed in 0..3 {
        let sim = run_a(&config, seed);
        let mut round_start = None;
        let mut started_in_round = 0;
        let mut rounds = 0;
        for (_, r) in records(&sim) {
            match r {
                RetryRecord::Breaker {
                    to: BreakerState::HalfOpen,
                    ..
                } => {
                    round_start = Some(());
                    started_in_round = 0;
                }
                RetryRecord::AttemptStarted { .. } if round_start.is_some() => started_in_round += 1,
                RetryRecord::Breaker {
                    from: BreakerState::HalfOpen,
                    to: BreakerState::Closed,
                } => {
                    assert!(
                        started_in_round >= 3,
                        "seed {seed}: a round closed after {started_in_round} probes"
                    );
                    rounds += 1;
                    round_start = None;
                }
                RetryRecord::Breaker {
                    from: BreakerState::HalfOpen,
                    to: BreakerState::Open,
                } => {
                    assert!(started_in_round >= 1, "seed {seed}: a round reopened with no probe");
                    round_start = None;
                }
                _ => {}
            }
        }
        assert!(rounds > 0, "seed {seed}: the breaker never closed again");
    }
}

// ---------------------------------------------------------------------------
// What the page reads: metric rows mid-run, theory beside them, guided moments,
// narration.

#[test]
fn mid_run_rates_count_unfinished_requests_as_not_yet_succeeded() {
    use crate::labs::run::{LabRun, MetricValue};
    // The storm with a budget, 32 s in: over *finished* requests A looked far
    // better than B (94.6 % vs 68.6 %), the opposite of how the run ends.
    let p = preset("storm_budget");
    let mut run = RetryRun::new(&p.config, p.seed).unwrap();
    run.run_until(SimTime::from_ms(32_000), EVENT_CAP);
    assert!(!LabRun::is_finished(&run));
    let mid: Vec<_> = run.sides().map(|s| s.model().stats().metrics()).collect();
    for (sim, m) in run.sides().zip(&mid) {
        let s = sim.model().stats();
        assert_eq!(m.in_progress, s.requests - s.finished);
        assert_eq!(m.in_progress, sim.model().active().count() as u64);
        let arrived = |x: u64| crate::stats::round_to(x as f64 / s.requests as f64, 4);
        assert_eq!(m.success_rate, arrived(s.succeeded));
        assert_eq!(m.first_try_success_rate, arrived(s.first_try));
    }
    assert!(mid[0].in_progress > 100, "A has a backlog of retrying requests");
    assert!(
        mid[0].success_rate < mid[1].success_rate,
        "mid-run, A {} vs B {}: the same direction as at the end",
        mid[0].success_rate,
        mid[1].success_rate
    );
    for (side, m) in mid.iter().enumerate() {
        let rows = run.metric_rows(side);
        let keys: Vec<&str> = rows.iter().map(|r| r.key).collect();
        assert_eq!(&keys[..4], ["requests", "succeeded", "in_progress", "success_rate"]);
        let row = |k: &str| rows.iter().find(|r| r.key == k).unwrap();
        assert_eq!(row("in_progress").value, MetricValue::Count(m.in_progress));
        for k in [
            "success_rate",
            "first_try_success_rate",
            "load_amplification",
            "mean_attempts",
            "retry_wait_per_request_ms",
        ] {
            assert!(row(k).provisional, "{k} is provisional mid-run");
        }
    }

    // At the end every request has finished: nothing provisional, nothing in
    // progress, and the rates are the same over arrived or finished requests.
    run.run_to_end(EVENT_CAP);
    for (side, sim) in run.sides().enumerate() {
        let s = sim.model().stats();
        let m = s.metrics();
        assert_eq!((m.in_progress, s.finished), (0, s.requests));
        assert_eq!(
            m.success_rate,
            crate::stats::round_to(s.succeeded as f64 / s.finished as f64, 4)
        );
        assert_eq!(m.mean_attempts, m.load_amplification);
        assert!(run.metric_rows(side).iter().all(|r| !r.provisional));
    }
}

#[test]
fn theory_sits_beside_the_measurement_with_its_caveat() {
    use crate::i18n::{has, Lang};
    use crate::labs::run::{LabRun, MetricValue};
    let p = preset("tenacity");
    let mut run = RetryRun::new(&p.config, p.seed).unwrap();
    run.run_to_end(EVENT_CAP);
    let rows = run.metric_rows(0);
    let theory = |k: &str| rows.iter().find(|r| r.key == k).unwrap().theory.clone().unwrap();
    let success = theory("success_rate");
    assert_eq!(success.value, MetricValue::Ratio(0.875));
    assert_eq!(success.formula(Lang::En), "1 − pⁿ = 1 − 0.5³");
    assert_eq!(success.caveat_key, None);
    assert_eq!(theory("first_try_success_rate").value, MetricValue::Ratio(0.5));
    assert_eq!(theory("load_amplification").value, MetricValue::Factor(1.75));
    assert_eq!(theory("mean_attempts").value, MetricValue::Number(1.75));
    assert_eq!(theory("retry_wait_per_request_ms").value, MetricValue::Ms(1500.0));
    assert_eq!(
        theory("retry_wait_per_request_ms").formula(Lang::Es),
        "Σ pᵏ·wₖ para k = 1…2 (wₖ: la k-ésima espera; p = 0,5: la probabilidad de que un intento se reintente)"
    );

    // Every preset: each theory's formula and caveat read in every language,
    // with no placeholder left; where assumptions break, the caveat says so.
    for p in presets::all() {
        let mut run = RetryRun::new(&p.config, p.seed).unwrap();
        run.run_to_end(EVENT_CAP);
        for side in 0..run.side_count() {
            for row in run.metric_rows(side) {
                let Some(t) = row.theory else { continue };
                assert!(has(t.formula_key), "{}: {}", p.id, t.formula_key);
                for lang in Lang::ALL {
                    let text = t.formula(lang);
                    assert!(!text.contains('{'), "{} {lang}: {text}", p.id);
                }
                if let Some(c) = t.caveat_key {
                    assert!(has(c), "{}: {c}", p.id);
                }
            }
        }
    }
    let storm = RetryRun::new(&preset("storm_jitter").config, 42).unwrap();
    let caveat = storm.metric_rows(0)[3].theory.clone().unwrap().caveat_key;
    assert_eq!(caveat, Some("theory.caveat.storm"));
}

#[test]
fn every_preset_has_guided_moments_inside_its_run() {
    use crate::i18n::{has, t, Lang};
    use crate::labs::run::LabRun;
    for p in presets::all() {
        assert!(
            (2..=4).contains(&p.moments.len()),
            "{}: {} moments",
            p.id,
            p.moments.len()
        );
        let mut run = RetryRun::new(&p.config, p.seed).unwrap();
        run.run_to_end(EVENT_CAP);
        let end = run.now().as_micros() as f64 / 1000.0;
        assert!(run.time_domain_ms() >= end);
        let mut previous = None;
        for m in &p.moments {
            assert!(
                (m.at_ms as f64) < end,
                "{}: moment at {} ms, run ends at {end} ms",
                p.id,
                m.at_ms
            );
            assert!(previous < Some(m.at_ms), "{}: moments out of order", p.id);
            previous = Some(m.at_ms);
            assert!(m.caption_key.starts_with(&format!("preset.retry.{}.moment.", p.id)));
            assert!(has(&m.caption_key), "{} is not in the catalogue", m.caption_key);
            let texts: Vec<&str> = Lang::ALL.iter().map(|l| t(*l, &m.caption_key)).collect();
            assert!(texts.iter().all(|s| !s.trim().is_empty()), "{}", m.caption_key);
            assert!(
                texts[0] != texts[1] && texts[0] != texts[2],
                "{} is translated",
                m.caption_key
            );
        }
    }
    // The page reads them for any lab through `labs::presets()`.
    for p in crate::labs::presets()
        .into_iter()
        .filter(|p| p.lab == crate::labs::LabId::Retry)
    {
        let retry = presets::find(p.id).unwrap();
        assert_eq!(p.moments, retry.moments);
    }
}

#[test]
fn narration_counts_attempts_and_writes_decimals_as_each_language_does() {
    use crate::i18n::Lang;
    use crate::trace::Narrate;
    let gave_up = |attempts| RetryRecord::GaveUp {
        req: 7,
        attempts,
        reason: GiveUpReason::Attempts,
    };
    assert!(gave_up(1).narrate(Lang::En).contains("after 1 attempt:"));
    assert!(gave_up(3).narrate(Lang::En).contains("after 3 attempts:"));
    assert!(gave_up(1).narrate(Lang::Es).contains("tras 1 intento:"));
    assert!(gave_up(1).narrate(Lang::Pt).contains("após 1 tentativa:"));
    let unsent = RetryRecord::GaveUp {
        req: 7,
        attempts: 0,
        reason: GiveUpReason::BreakerOpen,
    };
    assert!(unsent.narrate(Lang::En).contains("before its first call"));
    let ok = RetryRecord::AttemptSucceeded {
        req: 0,
        attempt: 3,
        node: 0,
        latency_us: 4_430_000,
    };
    assert!(ok.narrate(Lang::En).contains("4.43 s"));
    assert!(ok.narrate(Lang::Es).contains("4,43 s"));
    let wait = RetryRecord::RetryScheduled {
        req: 0,
        attempt: 2,
        wait_us: 1_500_000,
    };
    assert!(wait.narrate(Lang::Pt).contains("1,50 s"), "{}", wait.narrate(Lang::Pt));
    assert!(wait.narrate(Lang::En).contains("1.50 s"));
    // So do the messages about a config value out of range (field names keep their dots).
    let mut config = RetryConfig::default();
    config.service.transient_failure_rate = 1.5;
    let error = &config.validate().unwrap_err()[0];
    assert_eq!(
        error.describe(Lang::Es),
        "service.transient_failure_rate debe estar entre 0 y 1, se recibió 1,5"
    );
    assert!(error.describe(Lang::En).ends_with("got 1.5"));
}

/// The fine call series (the herd's view) counts every call and every retry,
/// keeps 10-ms slices for a 4-s run, and widens for a 32-s one.
#[test]
fn fine_call_slices_count_every_call_and_fit_the_run() {
    let p = preset("herd");
    let a = run_a(&p.config, p.seed);
    let b = run_b(&p.config, p.seed);
    for sim in [&a, &b] {
        let stats = sim.model().stats();
        let fine = &stats.fine_calls;
        let calls: u64 = fine.buckets().iter().map(|c| c.calls as u64).sum();
        let retries: u64 = fine.buckets().iter().map(|c| c.retries as u64).sum();
        let coarse: u64 = stats.series.buckets().iter().map(|s| s.retries as u64).sum();
        assert_eq!(calls, stats.calls, "every call is counted once");
        assert_eq!(retries, coarse, "the same retries as the coarse series");
        let end = stats.last_finish.as_micros();
        let width = fine.width().as_micros();
        assert!(width >= 10_000 && fine.buckets().len() as u64 * width > end / 2);
    }
    // B (full jitter) ends in ~4 s: slices of at most 20 ms; A's 32 s widen.
    assert!(b.model().stats().fine_calls.width() <= SimDuration::from_ms(20));
    assert!(a.model().stats().fine_calls.width() > b.model().stats().fine_calls.width());
}

/// The tenacity demo read mid-wait: a retry's wait joins the stats when it
/// is scheduled, but the metrics count only the part already waited. At
/// 3.1 s the table said "waited 4 s" (two whole 2 s waits, the second still
/// under way); it now says what the clock allows, and ends where it did.
#[test]
fn mid_run_waits_count_only_what_was_waited() {
    let p = preset("tenacity");
    let mut run = RetryRun::new(&p.config, p.seed).unwrap();
    let mut saw_partial = false;
    let mut t = 0;
    while !run.a.is_finished() {
        t += 100;
        run.a.run_until(SimTime::from_ms(t), EVENT_CAP);
        let now = run.a.now();
        let m = run.a.model().metrics_at(now);
        let scheduled = run.a.model().stats().metrics().retry_wait_ms;
        // One request, arrived at 0: it cannot have waited longer than the run.
        assert!(
            m.retry_wait_ms <= now.as_micros() as f64 / 1000.0 + 1e-9,
            "{m:?} at {now:?}"
        );
        assert!(m.retry_wait_ms <= scheduled);
        assert_eq!(m.retry_wait_per_request_ms, m.retry_wait_ms);
        saw_partial |= m.retry_wait_ms < scheduled;
    }
    assert!(saw_partial, "the run had a wait under way at some step");
    let end = run.a.now();
    assert_eq!(run.a.model().metrics_at(end), run.a.model().stats().metrics());
    assert!(run.a.model().metrics_at(end).retry_wait_ms >= 2_000.0);
}

/// The last point of side `side`'s stage-card chart line `key`: where the
/// line the student sees ends now.
fn chart_end(run: &RetryRun, side: usize, key: &str) -> f64 {
    use crate::labs::run::LabRun;
    let v = run.verdict(side);
    let line = v.lines.iter().find(|l| l.label_key == key).unwrap();
    line.points.last().unwrap().1
}

/// The arrival rate of a Poisson workload (requests per second, all clients).
fn arrival_rate(config: &RetryConfig) -> f64 {
    let Workload::Poisson {
        clients,
        rate_per_client,
        ..
    } = config.workload
    else {
        panic!("a Poisson workload");
    };
    f64::from(clients) * rate_per_client
}

/// What storm_breaker's captions point at is drawn on the stage cards' chart
/// at their moments: at 15.3 s both charts still ended at 15 s, identical,
/// under "B stops calling — its dashed line drops to zero"; at 27.7 s B's
/// solid line was still at 0 under "back at the arrival rate".
#[test]
fn storm_breakers_moments_show_what_their_captions_name() {
    let p = preset("storm_breaker");
    let mut run = RetryRun::new(&p.config, p.seed).unwrap();
    let (calls, ok) = ("retry.charts.load_calls", "retry.charts.load_succeeded");
    // Moment 2: B's calls are down to zero, A's are not.
    run.run_until(SimTime::from_ms(p.moments[1].at_ms), u64::MAX);
    assert_eq!(chart_end(&run, 1, calls), 0.0);
    assert!(chart_end(&run, 0, calls) > 100.0);
    // Moment 4: B succeeds at about the arrival rate again; A does not.
    run.run_until(SimTime::from_ms(p.moments[3].at_ms), u64::MAX);
    let rate_per_s = arrival_rate(&p.config);
    assert!(chart_end(&run, 1, ok) >= 0.7 * rate_per_s, "{}", chart_end(&run, 1, ok));
    assert!(chart_end(&run, 0, ok) < 0.1 * rate_per_s);
}

/// storm_budget's moments, on the stage cards: at the second, B's budget
/// at its threshold (retries paused); at the third, B's solid line back at
/// the arrival rate and A's at zero — drawn (at 25.0 s, when the outage
/// ended, B's solid line was still at 0 under "jumps straight back").
#[test]
fn storm_budgets_moments_show_what_their_captions_name() {
    let p = preset("storm_budget");
    let mut run = RetryRun::new(&p.config, p.seed).unwrap();
    run.run_until(SimTime::from_ms(p.moments[1].at_ms), u64::MAX);
    let b = run.b.as_ref().unwrap().model();
    let budget = b.budget().expect("B has a budget");
    let (level, threshold) = (budget.milli_tokens(), budget.threshold_milli_tokens());
    assert!(level <= threshold, "run dry: {level} of {threshold}");
    run.run_until(SimTime::from_ms(p.moments[2].at_ms), u64::MAX);
    let ok = "retry.charts.load_succeeded";
    let rate_per_s = arrival_rate(&p.config);
    assert!(
        chart_end(&run, 1, ok) >= 0.8 * rate_per_s,
        "B {}",
        chart_end(&run, 1, ok)
    );
    assert_eq!(chart_end(&run, 0, ok), 0.0, "A");
}

/// The herd's second moment says jitter has already let more of B's writes
/// through (it used to claim "small steps" on B's line, which the chart's
/// buckets did not show at 800 ms: B's line climbed in the same steps).
#[test]
fn the_herds_second_moment_has_more_writes_done_on_b() {
    let p = preset("herd");
    let mut run = RetryRun::new(&p.config, p.seed).unwrap();
    run.run_until(SimTime::from_ms(p.moments[1].at_ms), u64::MAX);
    let done = |sim: &RetrySim| sim.model().stats().succeeded;
    let (a, b) = (done(&run.a), done(run.b.as_ref().unwrap()));
    assert!(b > a, "B {b} vs A {a}");
    // The embed's caption gives the numbers (its "done" line is under the
    // stage, out of the frame): 14 against 6, and calls 151 against 116.
    assert_eq!((b, a), (14, 6));
    let calls = |sim: &RetrySim| sim.model().stats().calls;
    assert_eq!((calls(run.b.as_ref().unwrap()), calls(&run.a)), (151, 116));
    let text = crate::i18n::t(crate::i18n::Lang::En, "preset.retry.herd.moment.2.compact");
    for said in ["14 writes done against A's 6", "151 against 116"] {
        assert!(text.contains(said), "{said:?} in {text:?}");
    }
}

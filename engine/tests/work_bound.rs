//! The validator's bound on a run's work holds, counted, never timed: over
//! generated configs (every workload, shape, cure, timeout and deadline),
//! a run never sends more calls than `WorkBound::calls`, never has more
//! calls in the service (queued completions, abandoned ones included) than
//! `in_flight`, and unfinished requests never hold more attempt records
//! than `records`. And the corner configs the issue found — links that
//! needed gigabytes — are refused, naming the fields to lower.

mod support;

use engine::labs::retry::config::*;
use engine::labs::retry::RetryModel;
use engine::patterns::backoff::WaitKind;
use engine::sim::Simulation;
use engine::validate::Problem;
use proptest::prelude::{any, prop_assert, proptest, ProptestConfig};
use support::{retry_configs, Scale};

/// The most a run reached of each bounded quantity, side by side.
#[derive(Debug, Default)]
struct Peak {
    calls: u64,
    in_flight: u64,
    records: u64,
    /// Events queued at once.
    pending: u64,
}

fn peaks(config: &RetryConfig, seed: u64) -> Peak {
    let mut peak = Peak::default();
    let scenarios = std::iter::once(config.scenario().unwrap()).chain(config.compare_scenario().unwrap());
    for scenario in scenarios {
        let mut sim = Simulation::new(RetryModel::new(scenario, seed));
        let (mut in_flight, mut records, mut pending) = (0u64, 0u64, 0u64);
        while sim.step() {
            let m = sim.model();
            in_flight = in_flight.max(m.in_flight().iter().map(|n| *n as u64).sum());
            records = records.max(m.active().map(|r| r.spans.len() as u64).sum());
            pending = pending.max(sim.pending() as u64);
        }
        peak.calls += sim.model().stats().calls;
        peak.in_flight += in_flight;
        peak.records += records;
        peak.pending += pending;
    }
    peak
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_run_stays_within_its_work_bound(config in retry_configs(Scale::Runnable), seed in any::<u64>()) {
        let bound = config.work_bound();
        let peak = peaks(&config, seed);
        prop_assert!(peak.calls as f64 <= bound.calls, "calls {peak:?} vs {bound:?}");
        prop_assert!(peak.in_flight as f64 <= bound.in_flight, "in flight {peak:?} vs {bound:?}");
        prop_assert!(peak.records as f64 <= bound.records, "records {peak:?} vs {bound:?}");
        // The queue holds a completion per call in the service, a timeout and an
        // attempt per unfinished request, an arrival or a start per client and a
        // breaker timer: linear in what the bound limits, so it is bounded too.
        let clients = config.scenario().unwrap().clients() as f64;
        let queue = 2.0 * bound.in_flight + 2.0 * (bound.records + 1.0) + clients + 8.0;
        prop_assert!(peak.pending as f64 <= queue, "pending {peak:?} vs {bound:?}");
    }
}

fn refused(config: &RetryConfig) -> Vec<String> {
    config
        .validate()
        .expect_err("refused")
        .iter()
        .map(|e| {
            assert!(matches!(e.problem, Problem::TooMuchWork { .. }), "{e}");
            e.to_string()
        })
        .collect()
}

/// The issue's example: 1,000,000 requests, each making 50 attempts that
/// time out after 1 ms while the service works 600 s on each — 50 million
/// abandoned calls queued at once.
#[test]
fn the_issues_abandoned_calls_link_is_refused() {
    let config: RetryConfig = serde_json::from_str(
        r#"{"workload":{"kind":"poisson","clients":5000,"rate_per_client":100,"duration_ms":2000},"service":{"transient_failure_rate":0.0,"latency_ms":600000,"latency_shape":"fixed"},"strategy":{"max_attempts":50,"wait":"immediate","attempt_timeout_ms":1}}"#,
    )
    .unwrap();
    let why = refused(&config);
    assert!(
        why.iter()
            .any(|w| w.contains("calls at once") && w.contains("service.latency_ms")),
        "{why:?}"
    );
    assert!(why.iter().any(|w| w.contains("strategy.max_attempts")));
    // The same workload with 2 attempts and a short latency is accepted.
    let mut cheaper = config.clone();
    cheaper.strategy.max_attempts = 2;
    cheaper.service.latency_ms = 100;
    assert_eq!(cheaper.validate(), Ok(()));
}

/// A million long-lived requests each holding up to 50 attempt records.
#[test]
fn a_million_long_lived_requests_are_refused() {
    let config = RetryConfig {
        workload: Workload::Poisson {
            clients: 5000,
            rate_per_client: 0.2,
            duration_ms: 1_000_000,
        },
        service: ServiceConfig {
            latency_ms: 600_000,
            ..ServiceConfig::default()
        },
        strategy: Strategy {
            max_attempts: 50,
            deadline_ms: 3_600_000,
            wait: WaitKind::Fixed,
            ..Strategy::default()
        },
        ..RetryConfig::default()
    };
    let why = refused(&config);
    assert!(
        why.iter()
            .any(|w| w.contains("attempt records") && w.contains("strategy.deadline_ms")),
        "{why:?}"
    );
}

/// Every preset runs within the bound (so none is refused), with room.
#[test]
fn presets_are_well_within_the_bound() {
    for p in engine::labs::retry::presets::all() {
        let w = p.config.work_bound();
        assert!(w.calls <= limits::MAX_CALLS / 2.0, "{}: {w:?}", p.id);
        assert!(w.in_flight <= limits::MAX_IN_FLIGHT, "{}: {w:?}", p.id);
        assert!(w.records <= limits::MAX_RECORDS, "{}: {w:?}", p.id);
    }
}

/// A million requests of 20 quick attempts: 20 million calls, too many for a
/// link but little memory — the command line's limits take it, a link's do not.
#[test]
fn the_command_line_allows_more_calls_not_more_memory() {
    use engine::codec::{decode, decode_within, encode_fragment, LabState, Page};
    use engine::validate::WorkLimits;
    use engine::{LabConfig, Lang};
    let config = RetryConfig {
        workload: Workload::Poisson {
            clients: 5000,
            rate_per_client: 1.0,
            duration_ms: 200_000,
        },
        service: ServiceConfig {
            latency_ms: 1,
            latency_shape: LatencyShape::Fixed,
            ..ServiceConfig::default()
        },
        strategy: Strategy {
            max_attempts: 20,
            wait: WaitKind::Immediate,
            ..Strategy::default()
        },
        ..RetryConfig::default()
    };
    let why = refused(&config);
    assert_eq!(why.len(), 1, "{why:?}");
    assert!(why[0].contains("calls,"), "{why:?}");
    assert_eq!(config.validate_within(WorkLimits::CLI), Ok(()));
    // The link says so, and the command line decodes it.
    let state = LabState {
        seed: 1,
        config: LabConfig::Retry(config.clone()),
    };
    let link = encode_fragment(Lang::En, &state);
    let text = decode(&link).problem.expect("refused").describe(Lang::En);
    assert!(text.contains("playground run"), "{text}");
    assert_eq!(decode_within(&link, WorkLimits::CLI).page, Page::Lab(state));
    // Memory is not traded: the abandoned-calls link is refused on the command line too.
    let mut heavy = config;
    heavy.service.latency_ms = 600_000;
    heavy.strategy.attempt_timeout_ms = 1;
    assert!(heavy.validate_within(WorkLimits::CLI).is_err());
    let text = decode(&encode_fragment(
        Lang::En,
        &LabState {
            seed: 1,
            config: LabConfig::Retry(heavy),
        },
    ))
    .problem
    .unwrap()
    .describe(Lang::En);
    assert!(!text.contains("playground run"), "{text}");
}

fn preset(id: &str) -> RetryConfig {
    engine::labs::retry::presets::all()
        .into_iter()
        .find(|p| p.id == id)
        .expect("preset")
        .config
}

fn with_clients(mut config: RetryConfig, n: u32) -> RetryConfig {
    match &mut config.workload {
        Workload::Poisson { clients, .. } | Workload::Herd { clients, .. } => *clients = n,
        Workload::Single => {}
    }
    config
}

/// The retry storms ran with up to 5,000 clients (the most a workload has)
/// before the work bound came in; they run again: a request's backoff waits
/// are summed from its schedule (100 ms, 200 ms, … not the 10 s cap every
/// time), and the limit on calls in the service at once reflects what an
/// abandoned call costs (16 bytes: 2.5 million of them are 40 MB).
#[test]
fn storms_of_5000_clients_are_accepted() {
    for id in ["storm_jitter", "storm_budget", "storm_breaker"] {
        let config = with_clients(preset(id), limits::MAX_CLIENTS as u32);
        assert_eq!(config.validate(), Ok(()), "{id}");
        // Still refused beyond: twice the rate is too many calls at once.
        let mut busier = config.clone();
        if let Workload::Poisson { rate_per_client, .. } = &mut busier.workload {
            *rate_per_client *= 2.0;
        }
        let why = refused(&busier);
        assert!(why.iter().any(|w| w.contains("calls at once")), "{id}: {why:?}");
    }
}

/// Where the bound is tightest — overload that stretches latencies,
/// abandoned calls piling up behind 1 ms timeouts, long backoff schedules —
/// real runs stay under it, counted at every event.
#[test]
fn the_bound_holds_where_it_is_tight() {
    let mut configs: Vec<RetryConfig> = ["storm_jitter", "storm_budget", "storm_breaker", "herd", "bigfs"]
        .into_iter()
        .map(|id| with_clients(preset(id), 100))
        .collect();
    for json in [
        // Every attempt abandoned: 20 attempts 1 ms apart on a service that takes a minute.
        r#"{"workload":{"kind":"poisson","clients":20,"rate_per_client":50,"duration_ms":300},"service":{"latency_ms":60000,"latency_shape":"fixed"},"strategy":{"max_attempts":20,"wait":"immediate","attempt_timeout_ms":1}}"#,
        // Overload: a small capacity, timeouts shorter than the stretched latency.
        r#"{"workload":{"kind":"poisson","clients":40,"rate_per_client":20,"duration_ms":3000},"service":{"transient_failure_rate":0.3,"latency_ms":50,"latency_shape":"exponential","capacity":5},"strategy":{"max_attempts":6,"wait":"exponential","base_ms":10,"multiplier":3.0,"cap_ms":400,"jitter":"decorrelated","attempt_timeout_ms":80}}"#,
        // No timeout: one call per request at most, however slow the service.
        r#"{"workload":{"kind":"poisson","clients":30,"rate_per_client":5,"duration_ms":4000},"service":{"transient_failure_rate":0.8,"latency_ms":400,"latency_shape":"log_normal","capacity":10},"strategy":{"max_attempts":10,"wait":"fixed","base_ms":50}}"#,
    ] {
        configs.push(serde_json::from_str(json).unwrap());
    }
    for config in &configs {
        assert_eq!(config.validate(), Ok(()));
        let bound = config.work_bound();
        for seed in [1, 2, 3] {
            let peak = peaks(config, seed);
            assert!(peak.calls as f64 <= bound.calls, "{peak:?} vs {bound:?}");
            assert!(peak.in_flight as f64 <= bound.in_flight, "{peak:?} vs {bound:?}");
            assert!(peak.records as f64 <= bound.records, "{peak:?} vs {bound:?}");
        }
    }
}

/// Without a timeout a client waits for each call, so a request has at most
/// one call in the service: the bound on calls at once is one per request
/// alive, not one per attempt.
#[test]
fn without_a_timeout_a_request_has_one_call_at_once() {
    let config: RetryConfig = serde_json::from_str(
        r#"{"workload":{"kind":"herd","clients":1000},"service":{"latency_ms":600000,"latency_shape":"fixed"},"strategy":{"max_attempts":50,"wait":"immediate"}}"#,
    )
    .unwrap();
    let bound = config.work_bound();
    assert_eq!(bound.calls, 50_000.0);
    assert_eq!(bound.in_flight, 1000.0);
    // With a 1 s timeout, the attempts of 50 s overlap: all 50 of them.
    let mut abandoning = config.clone();
    abandoning.strategy.attempt_timeout_ms = 1000;
    assert_eq!(abandoning.work_bound().in_flight, 50_000.0);
    // With a 100 s timeout, a call's 600 s hold at most 7 attempts.
    abandoning.strategy.attempt_timeout_ms = 100_000;
    assert_eq!(abandoning.work_bound().in_flight, 7_000.0);
}

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

//! Abandoned calls (issue 7 §3): a call whose client timed out keeps its node
//! busy until the service finishes it, but its completion waits in the queue
//! as a 16-byte tag, not a full event. Counted, never timed: the same runs
//! (digest, events, metrics, calls in the service after every event) with
//! tags and with full events, and the queue space each takes.

use engine::labs::retry::config::RetryConfig;
use engine::labs::retry::RetryModel;
use engine::sim::Simulation;

fn config(json: &str) -> RetryConfig {
    let config: RetryConfig = serde_json::from_str(json).unwrap();
    config.validate().unwrap();
    config
}

/// Configs where clients abandon calls: ties at fixed latencies, overload
/// (the load decides latencies and verdicts, so a release out of order
/// would show), several nodes, a breaker, a deadline, a compare side.
fn abandoning() -> Vec<RetryConfig> {
    let mut configs = vec![
        // The issue's link, scaled to a test: every attempt abandoned.
        config(
            r#"{"workload":{"kind":"poisson","clients":20,"rate_per_client":100,"duration_ms":200},"service":{"transient_failure_rate":0.0,"latency_ms":600000,"latency_shape":"fixed"},"strategy":{"max_attempts":50,"wait":"immediate","attempt_timeout_ms":1}}"#,
        ),
        config(
            r#"{"workload":{"kind":"poisson","clients":30,"rate_per_client":20,"duration_ms":5000},"service":{"transient_failure_rate":0.2,"latency_ms":40,"latency_shape":"fixed","capacity":20,"nodes":3},"strategy":{"max_attempts":5,"wait":"fixed","base_ms":10,"attempt_timeout_ms":60,"target":"next_replica"}}"#,
        ),
        config(
            r#"{"workload":{"kind":"poisson","clients":50,"rate_per_client":10,"duration_ms":10000},"service":{"transient_failure_rate":0.3,"latency_ms":80,"latency_shape":"exponential","capacity":30},"strategy":{"max_attempts":0,"deadline_ms":2000,"wait":"exponential","base_ms":5,"cap_ms":200,"jitter":"full","attempt_timeout_ms":100,"breaker":{"window":20,"failure_ratio":0.5,"min_calls":10,"open_ms":500,"half_open_probes":2}}}"#,
        ),
    ];
    configs.extend(engine::labs::retry::presets::all().into_iter().map(|p| p.config));
    configs
}

/// Runs both ways in lockstep; returns the peak queue bytes (tags, events)
/// and the most tags queued at once.
fn lockstep(config: &RetryConfig, seed: u64) -> (usize, usize, usize) {
    let (mut peak_tagged, mut peak_full, mut peak_tags) = (0, 0, 0);
    let scenarios = std::iter::once(config.scenario().unwrap()).chain(config.compare_scenario().unwrap());
    for scenario in scenarios {
        let mut tagged = Simulation::new(RetryModel::new(scenario.clone(), seed));
        let mut full = Simulation::new(RetryModel::new(scenario, seed).with_abandoned_as_events());
        loop {
            let (a, b) = (tagged.step(), full.step());
            assert_eq!(a, b);
            assert_eq!(tagged.now(), full.now());
            assert_eq!(tagged.pending(), full.pending());
            assert_eq!(tagged.model().in_flight(), full.model().in_flight());
            assert_eq!(full.pending_tags(), 0);
            peak_tagged = peak_tagged.max(tagged.pending_bytes());
            peak_full = peak_full.max(full.pending_bytes());
            peak_tags = peak_tags.max(tagged.pending_tags());
            if !a {
                break;
            }
        }
        assert_eq!(tagged.events(), full.events());
        assert_eq!(tagged.trace().digest(), full.trace().digest());
        assert_eq!(tagged.trace().total(), full.trace().total());
        assert_eq!(tagged.model().stats().metrics(), full.model().stats().metrics());
    }
    (peak_tagged, peak_full, peak_tags)
}

#[test]
fn tags_change_nothing_but_queue_space() {
    for (i, config) in abandoning().iter().enumerate() {
        for seed in [1, 7] {
            let (tagged, full, tags) = lockstep(config, seed);
            assert!(tagged <= full, "config {i}: {tagged} > {full}");
            // The hand-written configs do abandon calls.
            assert!(i > 2 || tags > 0, "config {i}: no call abandoned");
        }
    }
}

#[test]
fn an_abandoned_call_takes_half_the_queue_space() {
    let config = &abandoning()[0];
    let (tagged, full, tags) = lockstep(config, 3);
    // Hundreds of requests, each abandoning up to 50 calls of 600 s: almost
    // everything queued is an abandoned call.
    assert!(tags > 10_000, "{tags}");
    let event = full / tags; // ≈ bytes of one full entry
    assert!(event >= 32, "{event}");
    assert!(tagged * 100 <= full * 55, "tagged {tagged} B vs full {full} B");
    // 16 bytes per tag, plus the few full events (arrivals, timeouts, attempts).
    assert!(tagged <= tags * 16 + 200 * event, "{tagged} vs {tags} tags");
}

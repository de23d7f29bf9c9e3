//! The workloads both benchmarks measure, so `throughput` (criterion, for
//! comparing changes) and `rate` (plain numbers to quote) time the same runs.

#![allow(dead_code)] // Each bench uses part of this module.

use engine::labs::retry::config::{LatencyShape, RetryConfig, ServiceConfig, Strategy, Workload};
use engine::labs::retry::{presets, RetryRun};
use engine::patterns::backoff::{Jitter, WaitKind};

/// A named run: a config and its seed.
pub struct Workbench {
    pub name: String,
    pub config: RetryConfig,
    pub seed: u64,
}

/// A large Poisson workload: 1,000 clients for 100 s (about 200,000
/// requests) against a service failing 20 % of calls, retried with
/// exponential backoff and full jitter. No compare side.
pub fn large_poisson() -> Workbench {
    let config = RetryConfig {
        workload: Workload::Poisson {
            clients: 1_000,
            rate_per_client: 2.0,
            duration_ms: 100_000,
        },
        service: ServiceConfig {
            transient_failure_rate: 0.2,
            latency_ms: 80,
            latency_shape: LatencyShape::LogNormal,
            ..ServiceConfig::default()
        },
        strategy: Strategy {
            max_attempts: 4,
            wait: WaitKind::Exponential,
            base_ms: 100,
            cap_ms: 5_000,
            jitter: Jitter::Full,
            ..Strategy::default()
        },
        compare: None,
        script: vec![],
    };
    Workbench {
        name: "large_poisson".into(),
        config,
        seed: 1,
    }
}

/// A retry preset, by id.
pub fn preset(id: &str) -> Option<Workbench> {
    presets::find(id).map(|p| Workbench {
        name: p.id.to_string(),
        config: p.config,
        seed: p.seed,
    })
}

/// Every preset, then the large Poisson workload.
pub fn all() -> Vec<Workbench> {
    let mut out: Vec<Workbench> = presets::all().into_iter().filter_map(|p| preset(p.id)).collect();
    out.push(large_poisson());
    out
}

/// What one run to the end did: events handled and requests made (both sides).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Work {
    pub events: u64,
    pub requests: u64,
}

/// Runs `w` to the end, as the browser's "skip to the end" does (default trace capacity).
pub fn run(w: &Workbench) -> Work {
    let mut run = RetryRun::new(&w.config, w.seed).expect("bench configs are valid");
    run.run_to_end(u64::MAX);
    Work {
        events: run.sides().map(|s| s.events()).sum(),
        requests: run.sides().map(|s| s.model().stats().requests).sum(),
    }
}

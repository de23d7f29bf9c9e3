//! The retry lab's presets: each is a share link students can open, and each
//! has a short "try this" guide in the catalogue (`preset.retry.<id>.*`) and
//! guided moments: instants, picked by running the preset, where the player
//! pauses and a caption (`preset.retry.<id>.moment.<n>`) says what to look at.

use super::config::*;
use crate::labs::run::Moment;
use crate::patterns::backoff::{Jitter, WaitKind};
use crate::patterns::budget::Refill;

/// A named, seeded configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPreset {
    pub id: &'static str,
    pub seed: u64,
    pub config: RetryConfig,
    /// Where the guide pauses, in time order, each before the run ends.
    pub moments: Vec<Moment>,
}

fn moments(id: &str, at_ms: &[u64]) -> Vec<Moment> {
    Moment::at(crate::labs::LabId::Retry, id, at_ms)
}

impl RetryPreset {
    pub fn title_key(&self) -> String {
        format!("preset.retry.{}.title", self.id)
    }
    pub fn guide_key(&self) -> String {
        format!("preset.retry.{}.guide", self.id)
    }
}

fn single(rate: f64) -> RetryConfig {
    RetryConfig {
        workload: Workload::Single,
        service: ServiceConfig {
            transient_failure_rate: rate,
            ..ServiceConfig::default()
        },
        ..RetryConfig::default()
    }
}

fn exponential(base_ms: u64, cap_ms: u64, max_attempts: u32, jitter: Jitter) -> Strategy {
    Strategy {
        wait: WaitKind::Exponential,
        base_ms,
        cap_ms,
        multiplier: 2.0,
        max_attempts,
        jitter,
        ..Strategy::default()
    }
}

/// A crowd of clients during an outage of a service with limited capacity.
fn storm(b: Strategy) -> RetryConfig {
    let a = Strategy {
        attempt_timeout_ms: 1_000,
        ..exponential(100, 10_000, 8, Jitter::None)
    };
    RetryConfig {
        workload: Workload::Poisson {
            clients: 200,
            rate_per_client: 0.5,
            duration_ms: 60_000,
        },
        service: ServiceConfig {
            transient_failure_rate: 0.02,
            latency_ms: 80,
            latency_shape: LatencyShape::LogNormal,
            capacity: 30,
            outages: vec![Outage {
                from_ms: 15_000,
                to_ms: 25_000,
                node: None,
            }],
            ..ServiceConfig::default()
        },
        compare: Some(Strategy {
            attempt_timeout_ms: 1_000,
            ..b
        }),
        strategy: a,
        script: vec![],
    }
}

/// Every preset, in the order the lab lists them.
pub fn all() -> Vec<RetryPreset> {
    let storm_base = || Strategy {
        attempt_timeout_ms: 1_000,
        ..exponential(100, 10_000, 8, Jitter::None)
    };
    vec![
        RetryPreset {
            id: "tenacity",
            moments: moments("tenacity", &[150, 2_300, 4_300]),
            seed: 3,
            config: single(0.5),
        },
        RetryPreset {
            id: "exponential",
            moments: moments("exponential", &[100, 2_210, 6_210]),
            seed: 10,
            config: RetryConfig {
                strategy: exponential(2_000, 10_000, 3, Jitter::None),
                ..single(0.5)
            },
        },
        RetryPreset {
            id: "scripted",
            moments: moments("scripted", &[80, 2_150, 4_150]),
            seed: 1,
            config: RetryConfig {
                script: vec![Scripted::Fail, Scripted::Fail, Scripted::Succeed],
                ..single(0.5)
            },
        },
        RetryPreset {
            id: "bigfs",
            moments: moments("bigfs", &[4_300, 5_350, 12_000]),
            seed: 2024,
            config: RetryConfig {
                workload: Workload::Poisson {
                    clients: 4,
                    rate_per_client: 2.0,
                    duration_ms: 20_000,
                },
                service: ServiceConfig {
                    nodes: 3,
                    transient_failure_rate: 0.15,
                    latency_ms: 200,
                    outages: vec![Outage {
                        from_ms: 4_000,
                        to_ms: 12_000,
                        node: Some(2),
                    }],
                    ..ServiceConfig::default()
                },
                strategy: Strategy {
                    attempt_timeout_ms: 30_000,
                    target: Target::NextReplica,
                    ..exponential(1_000, 10_000, 3, Jitter::None)
                },
                compare: None,
                script: vec![],
            },
        },
        RetryPreset {
            id: "permanent",
            moments: moments("permanent", &[150, 2_300, 4_300]),
            seed: 3,
            config: RetryConfig {
                service: ServiceConfig {
                    transient_failure_rate: 0.0,
                    permanent_failure_rate: 1.0,
                    ..ServiceConfig::default()
                },
                compare: Some(Strategy {
                    cancel_on_permanent: false,
                    ..Strategy::default()
                }),
                ..single(0.0)
            },
        },
        RetryPreset {
            id: "herd",
            moments: moments("herd", &[30, 800, 4_300, 30_000]),
            seed: 5,
            config: RetryConfig {
                workload: Workload::Herd {
                    clients: 40,
                    read_write: false,
                },
                service: ServiceConfig {
                    transient_failure_rate: 0.0,
                    latency_ms: 50,
                    latency_shape: LatencyShape::Uniform,
                    ..ServiceConfig::default()
                },
                strategy: exponential(100, 2_000, 20, Jitter::None),
                compare: Some(exponential(100, 2_000, 20, Jitter::Full)),
                script: vec![],
            },
        },
        RetryPreset {
            id: "storm_jitter",
            moments: moments("storm_jitter", &[15_000, 25_000, 45_000, 60_000]),
            seed: 42,
            config: storm(exponential(100, 10_000, 8, Jitter::Full)),
        },
        RetryPreset {
            id: "storm_budget",
            moments: moments("storm_budget", &[15_000, 15_200, 26_000, 59_500]),
            seed: 42,
            config: storm(Strategy {
                budget: Some(BudgetConfig {
                    max_tokens: 20,
                    token_ratio: 0.1,
                    threshold: 0.5,
                    refill: Refill::OnSuccess,
                }),
                ..storm_base()
            }),
        },
        RetryPreset {
            id: "storm_breaker",
            moments: moments("storm_breaker", &[15_000, 16_000, 18_300, 28_600]),
            seed: 42,
            config: storm(Strategy {
                breaker: Some(BreakerConfig {
                    kind: Default::default(),
                    window: 50,
                    failure_ratio: 0.5,
                    min_calls: 20,
                    open_ms: 3_000,
                    half_open_probes: 5,
                }),
                ..storm_base()
            }),
        },
    ]
}

/// The preset called `id`.
pub fn find(id: &str) -> Option<RetryPreset> {
    all().into_iter().find(|p| p.id == id)
}

//! The availability lab's configuration: a JMeter-like load through an API
//! gateway to a registration service (commands, with a primary and a
//! passive backup) and a user-queries service fed by a projector; their
//! crashes; the monitor that watches the registration service; and, per
//! side, the tactics compared.

use crate::patterns::projector::ProjectorConfig;
use crate::patterns::service::LatencyShape;
use crate::validate::{Checker, ConfigError, Problem, WorkLimits};
use serde::{Deserialize, Serialize};

/// The load, as JMeter describes one: threads ramping up to a rate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Load {
    /// Requests per second at full load (Poisson), reached after `ramp_up_ms`.
    pub requests_per_s: f64,
    pub ramp_up_ms: u64,
    pub duration_ms: u64,
    /// The share of requests that are commands (registrations); the rest are queries.
    pub command_share: f64,
}

impl Default for Load {
    fn default() -> Self {
        Load {
            requests_per_s: 20.0,
            ramp_up_ms: 5_000,
            duration_ms: 120_000,
            command_share: 0.3,
        }
    }
}

/// A crash of a service instance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crash {
    pub at_ms: u64,
    /// How long the instance takes to come back (restart).
    pub restart_ms: u64,
    /// It hangs instead of dying: it answers, `hang_ms` late (pings too).
    #[serde(default, skip_serializing_if = "is_false")]
    pub hang: bool,
}

fn is_false(v: &bool) -> bool {
    !*v
}

/// When a service crashes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Crashes {
    /// At these times.
    Fixed { crashes: Vec<Crash> },
    /// At random: up for an exponential time of mean `mttf_ms`, then down
    /// for an exponential time of mean `mttr_ms` (its restart).
    Random { mttf_ms: u64, mttr_ms: u64 },
}

impl Default for Crashes {
    fn default() -> Self {
        Crashes::Fixed { crashes: vec![] }
    }
}

/// A service: its time per request and how many it serves at once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Service {
    pub latency_ms: u64,
    pub latency_shape: LatencyShape,
    /// The spread of the normal shape (ms); 0 for the others.
    #[serde(skip_serializing_if = "crate::patterns::service::is_zero")]
    pub latency_sd_ms: u64,
    /// Requests served at once (0 = no limit); the others queue.
    pub capacity: u32,
    pub crashes: Crashes,
    /// How late a hung instance answers.
    pub hang_ms: u64,
}

impl Default for Service {
    fn default() -> Self {
        Service {
            latency_ms: 30,
            latency_shape: LatencyShape::LogNormal,
            latency_sd_ms: 0,
            capacity: 0,
            crashes: Crashes::default(),
            hang_ms: 10_000,
        }
    }
}

/// How the monitor decides the registration service is down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DetectorKind {
    /// `k` pings in a row without an echo within the timeout.
    #[default]
    PingEcho,
    /// φ-accrual over the echoes' arrival times.
    PhiAccrual,
}

/// The network between the monitor and the service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Network {
    /// One way, mean; and the jitter (uniform ± this).
    pub latency_ms: u64,
    pub jitter_ms: u64,
    /// Chance a ping or an echo is lost.
    pub loss_rate: f64,
}

impl Default for Network {
    fn default() -> Self {
        Network {
            latency_ms: 2,
            jitter_ms: 1,
            loss_rate: 0.0,
        }
    }
}

/// What happens when the monitor declares the primary down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Redundancy {
    /// No backup: commands fail until the primary restarts.
    None,
    /// A backup is started (`spin_up_ms`) and takes the calls.
    #[default]
    Cold,
    /// A backup is already running and takes the calls at once.
    Warm,
}

/// The tactics a side uses: everything A | B compares.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tactics {
    pub detector: DetectorKind,
    pub interval_ms: u64,
    /// Ping-echo: an echo later than this is a miss; `k` misses in a row declare it down.
    pub timeout_ms: u64,
    pub k: u32,
    /// φ-accrual: the window, the minimum standard deviation, the acceptable pause, the threshold.
    pub phi_window: u32,
    pub phi_min_sd_ms: u64,
    pub phi_pause_ms: u64,
    pub phi_threshold: f64,
    pub redundancy: Redundancy,
    pub spin_up_ms: u64,
    /// When the primary is back: copy the backup's writes to it first (at
    /// `resync_per_s`), then serve; or serve at once (the backup's writes
    /// are missing on it).
    pub resync: bool,
    pub resync_per_s: f64,
    /// Fence the primary at a failover: a hung primary's late writes are refused.
    pub fencing: bool,
}

impl Default for Tactics {
    fn default() -> Self {
        Tactics {
            detector: DetectorKind::PingEcho,
            interval_ms: 1_000,
            timeout_ms: 500,
            k: 3,
            phi_window: 100,
            phi_min_sd_ms: 100,
            phi_pause_ms: 0,
            phi_threshold: 8.0,
            redundancy: Redundancy::Cold,
            spin_up_ms: 5_000,
            resync: true,
            resync_per_s: 50.0,
            fencing: true,
        }
    }
}

/// An availability-lab configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AvailabilityConfig {
    pub load: Load,
    /// The gateway's timeouts: `/api-commands/users` and `/api-queries/users`.
    pub command_timeout_ms: u64,
    pub query_timeout_ms: u64,
    pub registration: Service,
    pub queries: Service,
    /// How registrations reach the queries service's copy (and the backup's).
    pub projector: ProjectorConfig,
    pub network: Network,
    pub tactics: Tactics,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compare: Option<Tactics>,
    /// The availability the service promises (0.999: "three nines").
    pub slo: f64,
}

impl Default for AvailabilityConfig {
    fn default() -> Self {
        AvailabilityConfig {
            load: Load::default(),
            command_timeout_ms: 2_000,
            query_timeout_ms: 2_000,
            registration: Service {
                crashes: Crashes::Fixed {
                    crashes: vec![Crash {
                        at_ms: 30_000,
                        restart_ms: 40_000,
                        hang: false,
                    }],
                },
                ..Service::default()
            },
            queries: Service::default(),
            projector: ProjectorConfig {
                delay_ms: 500,
                ..ProjectorConfig::default()
            },
            network: Network::default(),
            tactics: Tactics::default(),
            compare: None,
            slo: 0.999,
        }
    }
}

pub mod limits {
    /// 31 days: a month of crashes.
    pub const MAX_MS: u64 = 31 * 24 * 3_600_000;
    pub const MAX_RATE: f64 = 10_000.0;
    /// Requests and pings a link's run may simulate, both sides.
    pub const MAX_WORK: f64 = 4_000_000.0;
    /// The command line's: a month at 100 requests/s (memory stays flat).
    pub const MAX_WORK_CLI: f64 = 600_000_000.0;
    pub const MAX_CRASHES: u64 = 100;
    /// Random crashes a run may draw per service, on average (each is a
    /// window drawn before the run starts, and two events): a month at one
    /// crash a minute is 44,640.
    pub const MAX_RANDOM_CRASHES: f64 = 100_000.0;
}

/// The most a Poisson count of mean `mean` reaches in practice: its mean
/// plus five standard deviations.
fn poisson_most(mean: f64) -> f64 {
    mean + 5.0 * libm::sqrt(mean) + 5.0
}

impl AvailabilityConfig {
    pub fn sides(&self) -> Vec<Tactics> {
        std::iter::once(self.tactics.clone())
            .chain(self.compare.clone())
            .collect()
    }

    pub fn validate_within(&self, allowed: WorkLimits) -> Result<(), Vec<ConfigError>> {
        let mut c = Checker::default();
        let l = &self.load;
        c.real("load.requests_per_s", l.requests_per_s, 0.0, limits::MAX_RATE);
        c.int("load.ramp_up_ms", l.ramp_up_ms, 0, limits::MAX_MS);
        c.int("load.duration_ms", l.duration_ms, 1, limits::MAX_MS);
        c.real("load.command_share", l.command_share, 0.0, 1.0);
        c.int("command_timeout_ms", self.command_timeout_ms, 1, 600_000);
        c.int("query_timeout_ms", self.query_timeout_ms, 1, 600_000);
        for (name, s) in [("registration", &self.registration), ("queries", &self.queries)] {
            c.int(&format!("{name}.latency_ms"), s.latency_ms, 0, 600_000);
            c.int(&format!("{name}.latency_sd_ms"), s.latency_sd_ms, 0, 600_000);
            c.require(
                s.latency_sd_ms == 0 || s.latency_shape == LatencyShape::Normal,
                &format!("{name}.latency_sd_ms"),
                "error.sd_needs_normal",
            );
            c.int(&format!("{name}.capacity"), s.capacity as u64, 0, 100_000);
            c.int(&format!("{name}.hang_ms"), s.hang_ms, 0, 600_000);
            match &s.crashes {
                Crashes::Fixed { crashes } => {
                    c.int(
                        &format!("{name}.crashes.crashes.length"),
                        crashes.len() as u64,
                        0,
                        limits::MAX_CRASHES,
                    );
                    for (i, k) in crashes.iter().enumerate() {
                        let f = format!("{name}.crashes.crashes[{i}]");
                        c.int(&format!("{f}.at_ms"), k.at_ms, 0, limits::MAX_MS);
                        c.int(&format!("{f}.restart_ms"), k.restart_ms, 1, limits::MAX_MS);
                        if i > 0 {
                            let prev = &crashes[i - 1];
                            c.require(
                                k.at_ms >= prev.at_ms + prev.restart_ms,
                                &format!("{f}.at_ms"),
                                "error.crash_overlaps",
                            );
                        }
                    }
                }
                Crashes::Random { mttf_ms, mttr_ms } => {
                    // A crash and its restart take mttf + mttr on average: at
                    // most MAX_RANDOM_CRASHES of them over the run (every
                    // window is drawn up front: a crash a millisecond for a
                    // month needed gigabytes before the first frame).
                    let cycles = libm::ceil(l.duration_ms as f64 / limits::MAX_RANDOM_CRASHES) as u64;
                    let shortest = cycles.saturating_sub(*mttr_ms).max(1);
                    let field = format!("{name}.crashes.mttf_ms");
                    if (1..shortest).contains(mttf_ms) && *mttr_ms >= 1 {
                        // In range, but too many crashes for this run: say so,
                        // and what brings it down (the range alone read
                        // "between 863 and …" with no reason).
                        c.push(
                            &field,
                            Problem::TooMuchWork {
                                key: "error.work_crashes",
                                got: libm::ceil(l.duration_ms as f64 / (*mttf_ms + *mttr_ms) as f64),
                                max: limits::MAX_RANDOM_CRASHES,
                                lower: vec!["load.duration_ms".into()],
                            },
                        );
                    } else {
                        c.int(&field, *mttf_ms, shortest, limits::MAX_MS);
                    }
                    c.int(&format!("{name}.crashes.mttr_ms"), *mttr_ms, 1, limits::MAX_MS);
                }
            }
        }
        self.projector.check(&mut c, "projector");
        c.int("network.latency_ms", self.network.latency_ms, 0, 60_000);
        c.int("network.jitter_ms", self.network.jitter_ms, 0, 60_000);
        c.real("network.loss_rate", self.network.loss_rate, 0.0, 1.0);
        c.real("slo", self.slo, 0.0, 0.999_999);
        for (side, t) in [("tactics", Some(&self.tactics)), ("compare", self.compare.as_ref())] {
            let Some(t) = t else { continue };
            c.int(&format!("{side}.interval_ms"), t.interval_ms, 10, 600_000);
            c.int(&format!("{side}.timeout_ms"), t.timeout_ms, 1, 600_000);
            c.int(&format!("{side}.k"), t.k as u64, 1, 100);
            c.int(&format!("{side}.phi_window"), t.phi_window as u64, 2, 10_000);
            c.int(&format!("{side}.phi_min_sd_ms"), t.phi_min_sd_ms, 1, 600_000);
            c.int(&format!("{side}.phi_pause_ms"), t.phi_pause_ms, 0, 600_000);
            c.real(&format!("{side}.phi_threshold"), t.phi_threshold, 0.1, 100.0);
            c.int(&format!("{side}.spin_up_ms"), t.spin_up_ms, 0, 3_600_000);
            c.real(&format!("{side}.resync_per_s"), t.resync_per_s, 0.001, 1_000_000.0);
        }
        c.finish()?;
        let mut c = Checker::default();
        let secs = self.load.duration_ms as f64 / 1000.0;
        // A ping every interval from 0 while the run lasts, on each side.
        let pings = self
            .sides()
            .iter()
            .map(|t| libm::ceil(self.load.duration_ms as f64 / t.interval_ms.max(1) as f64))
            .sum::<f64>();
        // Requests arrive at random (Poisson): as many as they may in
        // practice, not their mean (which a run exceeds half the time).
        let requests = poisson_most(self.load.requests_per_s * secs);
        let work = requests * self.sides().len() as f64 + pings;
        let max = if allowed.calls > WorkLimits::LINK.calls {
            limits::MAX_WORK_CLI
        } else {
            limits::MAX_WORK * allowed.calls / WorkLimits::LINK.calls
        };
        if work.is_nan() || work > max {
            // The pings come down by raising their interval (the side that
            // pings more often): "lower “Ping every”" read as the opposite.
            let often = match &self.compare {
                Some(b) if b.interval_ms < self.tactics.interval_ms => "compare.interval_ms",
                _ => "tactics.interval_ms",
            };
            c.push(
                often,
                Problem::TooMuchWork {
                    key: "error.work_requests",
                    got: work,
                    max,
                    lower: vec!["load.requests_per_s".into(), "load.duration_ms".into()],
                },
            );
        }
        c.finish()
    }
}

//! The retry lab's configuration, as a user writes it (JSON, a share link, the
//! controls panel), and its validation into a [`RetryScenario`] with typed
//! durations that the model can trust.

use crate::patterns::backoff::{Backoff, Jitter, WaitKind};
use crate::patterns::breaker::BreakerKind;
use crate::patterns::budget::Refill;
use crate::patterns::quota::QuotaScope;
pub use crate::patterns::service::{LatencyShape, Outage, ServiceConfig};
use crate::time::{SimDuration, SimTime};
use crate::validate::{json_kind, Checker, ConfigError, Problem, WorkLimits};
use serde::{Deserialize, Serialize};

/// Everything that defines a retry-lab run, except the seed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryConfig {
    pub workload: Workload,
    pub service: ServiceConfig,
    /// The client's strategy (side A).
    pub strategy: Strategy,
    /// A second strategy to run side by side on the same seed (side B).
    pub compare: Option<Strategy>,
    /// Fixed results for the first attempts of every request, for teaching
    /// ("fail, fail, succeed"); later attempts are random.
    pub script: Vec<Scripted>,
}

/// Who calls the service, and when.
///
/// Written as `{"kind": "poisson", "clients": …}`. It is read by
/// [`Workload::from_json`], not by serde's internally tagged enums: those
/// let a unit variant (`single`) accept any other field without a word, and
/// lose the field's name in errors (`workload` instead of `workload.clients`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Workload {
    /// One client making one request: the classic demo, step by step.
    #[default]
    Single,
    /// `clients` clients, each sending requests at random (Poisson) with
    /// `rate_per_client` requests a second, for `duration_ms`.
    Poisson {
        clients: u32,
        rate_per_client: f64,
        duration_ms: u64,
    },
    /// `clients` clients at t = 0 updating one record with optimistic
    /// concurrency: read the version, write only if it did not change.
    ///
    /// With `read_write`, each attempt is two calls, a read and then a write
    /// (a conflict costs the next attempt's read before its write), and the
    /// clients start within one network hop (the service's latency) of each
    /// other, at instants drawn from the world's stream, instead of all at 0.
    Herd {
        clients: u32,
        #[serde(skip_serializing_if = "is_false")]
        read_write: bool,
    },
}

fn is_false(v: &bool) -> bool {
    !*v
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// The fields of a Poisson workload, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PoissonFields {
    clients: u32,
    rate_per_client: f64,
    duration_ms: u64,
}

/// The fields of a herd, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HerdFields {
    clients: u32,
    #[serde(default)]
    read_write: bool,
}

impl Workload {
    /// The workload kinds, as `kind` names them, and the fields each has
    /// besides `kind`: `(name, required)`.
    const KINDS: [(&'static str, &'static [(&'static str, bool)]); 3] = [
        ("single", &[]),
        (
            "poisson",
            &[("clients", true), ("rate_per_client", true), ("duration_ms", true)],
        ),
        ("herd", &[("clients", true), ("read_write", false)]),
    ];

    /// Reads a workload from JSON. Every problem names its field under
    /// `workload` (`workload.kind`, `workload.clients`): a missing `kind` or
    /// field, a field the kind does not have (refused, never ignored), a
    /// wrong type and a number out of the type's range.
    pub fn from_json(value: serde_json::Value) -> Result<Workload, ConfigError> {
        let bad = |field: &str, detail: String| ConfigError {
            field: if field.is_empty() {
                "workload".to_string()
            } else {
                format!("workload.{field}")
            },
            problem: Problem::Unreadable { detail },
        };
        let serde_json::Value::Object(mut fields) = value else {
            return Err(bad("", format!("expected an object {{…}}, got {}", json_kind(&value))));
        };
        let kinds = || {
            Workload::KINDS
                .iter()
                .map(|(k, _)| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let kind = match fields.remove("kind") {
            None => return Err(bad("kind", format!("missing field `kind` (one of {})", kinds()))),
            Some(serde_json::Value::String(k)) => k,
            Some(other) => {
                return Err(bad(
                    "kind",
                    format!("expected one of {}, got {}", kinds(), json_kind(&other)),
                ))
            }
        };
        let Some((kind, allowed)) = Workload::KINDS.iter().find(|(k, _)| *k == kind) else {
            return Err(bad(
                "kind",
                format!("unknown variant `{kind}`, expected one of {}", kinds()),
            ));
        };
        if let Some(extra) = fields.keys().find(|k| !allowed.iter().any(|(a, _)| a == k)) {
            let has = if allowed.is_empty() {
                "no other field".to_string()
            } else {
                allowed
                    .iter()
                    .map(|(a, _)| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return Err(bad(
                extra,
                format!("unknown field: a `{kind}` workload has {has} besides `kind`"),
            ));
        }
        if let Some((missing, _)) = allowed
            .iter()
            .find(|(a, required)| *required && !fields.contains_key(*a))
        {
            return Err(bad(
                missing,
                format!("missing field `{missing}` (a `{kind}` workload needs it)"),
            ));
        }
        let rest = serde_json::Value::Object(fields);
        fn read<T: serde::de::DeserializeOwned>(
            rest: &serde_json::Value,
            bad: impl Fn(&str, String) -> ConfigError,
        ) -> Result<T, ConfigError> {
            serde_path_to_error::deserialize(rest).map_err(|e| {
                let path = e.path().to_string();
                bad(if path == "." { "" } else { &path }, e.into_inner().to_string())
            })
        }
        Ok(match *kind {
            "single" => Workload::Single,
            "poisson" => {
                let f: PoissonFields = read(&rest, bad)?;
                Workload::Poisson {
                    clients: f.clients,
                    rate_per_client: f.rate_per_client,
                    duration_ms: f.duration_ms,
                }
            }
            _ => {
                let f: HerdFields = read(&rest, bad)?;
                Workload::Herd {
                    clients: f.clients,
                    read_write: f.read_write,
                }
            }
        })
    }
}

/// Read through [`Workload::from_json`]; an error's text starts with the field.
impl<'de> Deserialize<'de> for Workload {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        Workload::from_json(value).map_err(|e| {
            let detail = match &e.problem {
                Problem::Unreadable { detail } => detail.clone(),
                _ => e.to_string(),
            };
            serde::de::Error::custom(format!("{}: {detail}", e.field))
        })
    }
}

/// A client's retry strategy and the optional cures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Strategy {
    /// All attempts, the first included (tenacity's `stop_after_attempt`);
    /// 0 = unlimited (only with a deadline, see [`limits::MAX_ATTEMPTS`]).
    pub max_attempts: u32,
    /// Give up when a request is this old (0 = no deadline).
    pub deadline_ms: u64,
    /// Abandon an attempt after this long (0 = wait forever).
    pub attempt_timeout_ms: u64,
    pub wait: WaitKind,
    pub base_ms: u64,
    pub multiplier: f64,
    pub cap_ms: u64,
    pub jitter: Jitter,
    /// Cancel at once on a permanent error (the classifier). Turning this off
    /// shows the anti-pattern: retrying what can never succeed.
    pub cancel_on_permanent: bool,
    /// Which node each attempt goes to.
    pub target: Target,
    /// gRPC's retry throttling: failed calls spend tokens.
    pub budget: Option<BudgetConfig>,
    /// The AWS SDKs' retry quota: retries spend tokens (the other kind of
    /// retry budget; one kind at a time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_quota: Option<RetryQuotaConfig>,
    pub breaker: Option<BreakerConfig>,
}

/// The AWS SDKs' retry quota (standard retry mode), see
/// [`crate::patterns::quota`]. Defaults are the SDKs'.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryQuotaConfig {
    /// Tokens in a full bucket (the SDKs: 500).
    pub capacity: f64,
    /// What a retry costs (5).
    pub retry_cost: f64,
    /// What a retry after a timeout costs (10).
    pub timeout_cost: f64,
    /// What a first-try success puts back (1). A successful retry gets its cost back.
    pub success_deposit: f64,
    /// One bucket per client, or one for all.
    pub scope: QuotaScope,
}

impl Default for RetryQuotaConfig {
    fn default() -> Self {
        RetryQuotaConfig {
            capacity: 500.0,
            retry_cost: 5.0,
            timeout_cost: 10.0,
            success_deposit: 1.0,
            scope: QuotaScope::PerClient,
        }
    }
}

/// Which node an attempt is sent to (the hook the failover lab builds on).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Every attempt goes to the request's primary node.
    #[default]
    Same,
    /// Each retry goes to the next replica.
    NextReplica,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BudgetConfig {
    pub max_tokens: u32,
    pub token_ratio: f64,
    /// Retries stop when the bucket holds this share of `max_tokens` or less.
    pub threshold: f64,
    pub refill: Refill,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BreakerConfig {
    /// The full breaker (every call) or the retries-only one.
    #[serde(skip_serializing_if = "is_default")]
    pub kind: BreakerKind,
    /// Calls in the sliding window.
    pub window: u32,
    pub failure_ratio: f64,
    pub min_calls: u32,
    pub open_ms: u64,
    pub half_open_probes: u32,
}

/// A fixed result for one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scripted {
    Succeed,
    Fail,
    Permanent,
    Slow,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            workload: Workload::Single,
            service: ServiceConfig::default(),
            strategy: Strategy::default(),
            compare: None,
            script: vec![],
        }
    }
}

impl Default for Strategy {
    /// tenacity's `wait_fixed(2)` + `stop_after_attempt(3)`.
    fn default() -> Self {
        Strategy {
            max_attempts: 3,
            deadline_ms: 0,
            attempt_timeout_ms: 0,
            wait: WaitKind::Fixed,
            base_ms: 2_000,
            multiplier: 2.0,
            cap_ms: 10_000,
            jitter: Jitter::None,
            cancel_on_permanent: true,
            target: Target::Same,
            budget: None,
            retry_quota: None,
            breaker: None,
        }
    }
}

impl Default for BudgetConfig {
    fn default() -> Self {
        BudgetConfig {
            max_tokens: 10,
            token_ratio: 0.1,
            threshold: 0.5,
            refill: Refill::OnSuccess,
        }
    }
}

impl Default for BreakerConfig {
    fn default() -> Self {
        BreakerConfig {
            kind: BreakerKind::Full,
            window: 20,
            failure_ratio: 0.5,
            min_calls: 10,
            open_ms: 5_000,
            half_open_probes: 3,
        }
    }
}

/// Upper bounds that keep any run finite and small enough for a browser tab.
pub mod limits {
    pub const MAX_CLIENTS: u64 = 5_000;
    pub const MAX_RATE_PER_CLIENT: f64 = 100.0;
    pub const MAX_DURATION_MS: u64 = 3_600_000;
    /// Expected requests of a Poisson workload (clients × rate × duration).
    pub const MAX_EXPECTED_REQUESTS: f64 = 1_000_000.0;
    /// Attempts per request (0 = unlimited, which needs a deadline and a
    /// run that advances: latency or a wait above 0).
    pub const MAX_ATTEMPTS: u64 = 10_000;
    pub const MAX_WAIT_MS: u64 = 3_600_000;
    pub use crate::patterns::service::limits::{MAX_LATENCY_MS, MAX_NODES, MAX_OUTAGES};
    pub const MAX_SCRIPT: u64 = 50;
    /// Calls a link's run may send, both sides together (bounds its CPU
    /// time; the command line allows more, see [`crate::validate::WorkLimits`]).
    pub const MAX_CALLS: f64 = crate::validate::WorkLimits::LINK.calls;
    /// Calls the service may be working on at once, both sides together:
    /// each is a queued completion, abandoned or not (bounds memory).
    pub const MAX_IN_FLIGHT: f64 = crate::validate::WorkLimits::LINK.in_flight;
    /// Attempt records that unfinished requests may hold at once, both sides
    /// together (bounds memory).
    pub const MAX_RECORDS: f64 = crate::validate::WorkLimits::LINK.records;
}

/// An upper bound on the work a run of a config may do: what the validator
/// compares with [`limits::MAX_CALLS`], [`limits::MAX_IN_FLIGHT`] and
/// [`limits::MAX_RECORDS`], so every config it accepts runs in bounded time
/// and memory (in a tab too). Worst cases: every attempt fails and is
/// retried, a Poisson workload brings five standard deviations more
/// requests than its mean, every call takes the service's long latency (the
/// slow latency when there are slow calls).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WorkBound {
    /// Calls sent (attempts; a read-write herd's attempt is two calls).
    pub calls: f64,
    /// Calls the service may be working on at once.
    pub in_flight: f64,
    /// Attempt records unfinished requests may hold at once.
    pub records: f64,
}

/// A checked retry-lab configuration, with typed durations.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryScenario {
    pub workload: Workload,
    pub service: ServiceConfig,
    pub strategy: StrategyPlan,
    pub script: Vec<Scripted>,
}

/// A checked strategy.
#[derive(Clone, Debug, PartialEq)]
pub struct StrategyPlan {
    pub max_attempts: u32,
    pub deadline: Option<SimDuration>,
    pub attempt_timeout: Option<SimDuration>,
    pub backoff: Backoff,
    pub cancel_on_permanent: bool,
    pub target: Target,
    pub budget: Option<BudgetConfig>,
    pub retry_quota: Option<RetryQuotaConfig>,
    pub breaker: Option<BreakerConfig>,
}

impl StrategyPlan {
    /// Whether a request may send attempt number `attempt` (from 1).
    pub fn allows_attempt(&self, attempt: u32) -> bool {
        self.max_attempts == 0 || attempt <= self.max_attempts
    }
}

impl RetryConfig {
    /// Reads a configuration from a JSON object (values not yet checked);
    /// an error names its field, inside `workload` too (`workload.clients`).
    pub fn from_json(value: serde_json::Value) -> Result<RetryConfig, ConfigError> {
        let mut value = value;
        let workload = value.as_object_mut().and_then(|o| o.remove("workload"));
        let mut config: RetryConfig = serde_path_to_error::deserialize(&value).map_err(|e| {
            let path = e.path().to_string();
            ConfigError {
                field: if path.is_empty() || path == "." {
                    "config".into()
                } else {
                    path
                },
                problem: Problem::Unreadable {
                    detail: e.into_inner().to_string(),
                },
            }
        })?;
        if let Some(w) = workload {
            config.workload = Workload::from_json(w)?;
        }
        Ok(config)
    }

    /// Checks every field and the run's work against a link's limits.
    pub fn validate(&self) -> Result<(), Vec<ConfigError>> {
        self.validate_within(WorkLimits::LINK)
    }

    /// Checks every field and the run's work against `allowed`.
    pub fn validate_within(&self, allowed: WorkLimits) -> Result<(), Vec<ConfigError>> {
        let mut c = Checker::default();
        check_workload(&mut c, &self.workload);
        self.service.check(&mut c, "service");
        check_strategy(&mut c, "strategy", &self.strategy, &self.service);
        if let Some(b) = &self.compare {
            check_strategy(&mut c, "compare", b, &self.service);
        }
        c.int("script.length", self.script.len() as u64, 0, limits::MAX_SCRIPT);
        // The work bound only means something once every value is in range.
        c.finish()?;
        let mut c = Checker::default();
        self.check_work(&mut c, allowed);
        c.finish()
    }

    /// The work bound of both sides together.
    pub fn work_bound(&self) -> WorkBound {
        let a = self.side_work(&self.strategy);
        match &self.compare {
            None => a,
            Some(b) => {
                let b = self.side_work(b);
                WorkBound {
                    calls: a.calls + b.calls,
                    in_flight: a.in_flight + b.in_flight,
                    records: a.records + b.records,
                }
            }
        }
    }

    fn check_work(&self, c: &mut Checker, allowed: WorkLimits) {
        let bound = self.work_bound();
        let sides: Vec<&str> = std::iter::once("strategy")
            .chain(self.compare.as_ref().map(|_| "compare"))
            .collect();
        let workload: &[&str] = match self.workload {
            Workload::Single => &[],
            Workload::Poisson { .. } => &["workload.clients", "workload.rate_per_client", "workload.duration_ms"],
            Workload::Herd { .. } => &["workload.clients"],
        };
        let per_side = |fields: &[&str]| -> Vec<String> {
            sides
                .iter()
                .flat_map(|side| fields.iter().map(move |f| format!("{side}.{f}")))
                .collect()
        };
        let attempts = per_side(&["max_attempts"]);
        let mut lower_calls: Vec<String> = workload.iter().map(|f| f.to_string()).collect();
        lower_calls.extend(attempts.iter().cloned());
        if self.strategy.max_attempts == 0 || self.compare.as_ref().is_some_and(|b| b.max_attempts == 0) {
            lower_calls.extend(per_side(&["deadline_ms"]));
        }
        let mut lower_in_flight = lower_calls.clone();
        lower_in_flight.push("service.latency_ms".to_string());
        if self.service.slow_rate > 0.0 || self.script.contains(&Scripted::Slow) {
            lower_in_flight.push("service.slow_ms".to_string());
        }
        let mut lower_records = lower_calls.clone();
        if !lower_records.iter().any(|f| f.ends_with("deadline_ms")) {
            lower_records.extend(per_side(&["deadline_ms"]));
        }
        let checks = [
            ("error.work_calls", bound.calls, allowed.calls, lower_calls),
            (
                "error.work_in_flight",
                bound.in_flight,
                allowed.in_flight,
                lower_in_flight,
            ),
            ("error.work_records", bound.records, allowed.records, lower_records),
        ];
        for (key, got, max, lower) in checks {
            if got.is_nan() || got > max {
                c.push("config", Problem::TooMuchWork { key, got, max, lower });
            }
        }
    }

    /// The work bound of one side (strategy `s`).
    fn side_work(&self, s: &Strategy) -> WorkBound {
        let svc = &self.service;
        // Requests: all at once (single, herd) or spread over the window.
        let (requests, window_ms) = match &self.workload {
            Workload::Single => (1.0, 0.0),
            Workload::Herd { clients, .. } => (*clients as f64, 0.0),
            Workload::Poisson {
                clients,
                rate_per_client,
                duration_ms,
            } => {
                let mean = *clients as f64 * rate_per_client * (*duration_ms as f64 / 1000.0);
                (mean + 5.0 * libm::sqrt(mean) + 5.0, *duration_ms as f64)
            }
        };
        let calls_per_attempt = match self.workload {
            Workload::Herd { read_write: true, .. } => 2.0,
            _ => 1.0,
        };
        // The longest a call takes (ms), and how long the client waits for it.
        let m = svc.latency_ms as f64;
        let mut long = svc.latency_shape.longest(m, svc.latency_sd_ms as f64);
        // Slow calls (at random, or scripted) take the slow latency.
        if svc.slow_rate > 0.0 || self.script.contains(&Scripted::Slow) {
            long = long.max(svc.slow_ms as f64);
        }
        // Attempts per request: the limit, or what fits in the deadline.
        let attempts = if s.max_attempts > 0 {
            s.max_attempts as f64
        } else {
            // Unlimited: each attempt takes at least its wait and, on
            // average, the mean latency (or the timeout, if shorter).
            let mean = match svc.latency_shape {
                LatencyShape::LogNormal => m * libm::exp(0.125),
                LatencyShape::Normal => crate::patterns::service::truncated_normal_mean(m, svc.latency_sd_ms as f64),
                _ => m,
            } * calls_per_attempt;
            let mean = if s.attempt_timeout_ms > 0 {
                mean.min(s.attempt_timeout_ms as f64)
            } else {
                mean
            };
            let shortest_wait = match (s.wait, s.jitter) {
                (WaitKind::Immediate, _) | (_, Jitter::Full) => 0.0,
                (_, Jitter::Equal) => s.base_ms as f64 / 2.0,
                _ => s.base_ms as f64,
            };
            let step = mean + shortest_wait;
            if step > 0.0 {
                libm::floor(s.deadline_ms as f64 / step) + 1.0
            } else {
                f64::INFINITY
            }
        };
        let calls = requests * attempts * calls_per_attempt;
        // The waits a request may sit through, all at their longest: the sum of
        // the backoff schedule's ceilings (a jittered wait is at most its
        // ceiling; a decorrelated one at most 3× the last, under the cap).
        let waits_ms = {
            let retries = (attempts - 1.0).max(0.0);
            let (base, cap) = (s.base_ms as f64, s.cap_ms.max(s.base_ms) as f64);
            let (growth, first) = match (s.wait, s.jitter) {
                (WaitKind::Immediate, _) => (1.0, 0.0),
                (_, Jitter::Decorrelated) => (3.0, (3.0 * base).min(cap)),
                (WaitKind::Fixed, _) => (1.0, base.min(cap)),
                (WaitKind::Exponential, _) => (s.multiplier.max(1.0), base.min(cap)),
            };
            // Geometric until the cap, then the cap for every retry left.
            let (mut sum, mut wait, mut k) = (0.0, first, 0.0);
            while k < retries && wait < cap && wait > 0.0 && growth > 1.0 {
                sum += wait;
                wait = (wait * growth).min(cap);
                k += 1.0;
            }
            sum + (retries - k) * wait
        };
        // Requests alive at once: all of them, or those arriving within one
        // lifetime (a Poisson count: its mean plus five standard deviations).
        let alive = |lasts_ms: f64| {
            if window_ms <= 0.0 {
                return requests;
            }
            let mean = requests * lasts_ms / window_ms;
            (mean + 5.0 * libm::sqrt(mean) + 5.0).min(requests)
        };
        // One request's calls in the service at once: one, unless its client
        // abandons attempts (a timeout) and retries while the service still
        // works on them — then the attempts of the last `call_ms`, started at
        // least a timeout (and the shortest wait) apart.
        let shortest_wait = match (s.wait, s.jitter) {
            (WaitKind::Immediate, _) | (_, Jitter::Full) => 0.0,
            (_, Jitter::Equal) => s.base_ms as f64 / 2.0,
            _ => s.base_ms as f64,
        };
        let per_request = |call_ms: f64| {
            if s.attempt_timeout_ms > 0 {
                let spacing = s.attempt_timeout_ms as f64 + shortest_wait;
                (libm::floor(call_ms / spacing) + 1.0).min(attempts)
            } else {
                1.0
            }
        };
        // The bound at a given peak load: a call's latency grows with the
        // overload (load ÷ capacity), so the longest call, the lifetimes and
        // the calls at once all follow from the load.
        let at_load = |load: f64| {
            let overload = if svc.capacity > 0 {
                (load / svc.capacity as f64).max(1.0)
            } else {
                1.0
            };
            let call_ms = long * overload * calls_per_attempt;
            let waited_ms = if s.attempt_timeout_ms > 0 {
                call_ms.min(s.attempt_timeout_ms as f64)
            } else {
                call_ms
            };
            // A request lives at most through all its attempts and waits (or its deadline).
            let mut life_ms = attempts * waited_ms + waits_ms;
            if s.deadline_ms > 0 {
                life_ms = life_ms.min(s.deadline_ms as f64);
            }
            // A call stays with the service for its whole latency, abandoned or not.
            let in_flight = (alive(call_ms + life_ms) * per_request(call_ms) * calls_per_attempt).min(calls);
            let records = alive(life_ms) * attempts;
            (in_flight, records)
        };
        // The peak load is at most every call at once; and at most what the
        // bound gives at that load (the load can only be reached by calls it
        // lets in). From the first, each step gives a smaller bound that still
        // holds, down to the largest load that explains itself.
        let (mut in_flight, mut records) = at_load(calls);
        for _ in 0..64 {
            let (next, r) = at_load(in_flight);
            if next.is_nan() || next >= in_flight {
                break;
            }
            (in_flight, records) = (next, r);
        }
        WorkBound {
            calls,
            in_flight,
            records,
        }
    }

    /// The scenario of side A (checked against a link's limits).
    pub fn scenario(&self) -> Result<RetryScenario, Vec<ConfigError>> {
        self.scenario_within(WorkLimits::LINK)
    }

    /// The scenario of side B, if there is one (checked against a link's limits).
    pub fn compare_scenario(&self) -> Result<Option<RetryScenario>, Vec<ConfigError>> {
        self.compare_scenario_within(WorkLimits::LINK)
    }

    /// The scenario of side A, checked against `allowed`.
    pub fn scenario_within(&self, allowed: WorkLimits) -> Result<RetryScenario, Vec<ConfigError>> {
        self.validate_within(allowed)?;
        Ok(self.plan(&self.strategy))
    }

    /// The scenario of side B, if there is one, checked against `allowed`.
    pub fn compare_scenario_within(&self, allowed: WorkLimits) -> Result<Option<RetryScenario>, Vec<ConfigError>> {
        self.validate_within(allowed)?;
        Ok(self.compare.as_ref().map(|s| self.plan(s)))
    }

    fn plan(&self, s: &Strategy) -> RetryScenario {
        let nonzero = |ms: u64| (ms > 0).then(|| SimDuration::from_ms(ms));
        RetryScenario {
            workload: self.workload.clone(),
            service: self.service.clone(),
            strategy: StrategyPlan {
                max_attempts: s.max_attempts,
                deadline: nonzero(s.deadline_ms),
                attempt_timeout: nonzero(s.attempt_timeout_ms),
                backoff: Backoff {
                    kind: s.wait,
                    base: SimDuration::from_ms(s.base_ms),
                    multiplier: s.multiplier,
                    cap: SimDuration::from_ms(s.cap_ms.max(s.base_ms)),
                    jitter: s.jitter,
                },
                cancel_on_permanent: s.cancel_on_permanent,
                target: s.target,
                budget: s.budget.clone(),
                retry_quota: s.retry_quota.clone(),
                breaker: s.breaker.clone(),
            },
            script: self.script.clone(),
        }
    }
}

impl RetryScenario {
    /// When arrivals stop (the end of the Poisson window), for charts.
    pub fn arrival_window(&self) -> SimTime {
        match &self.workload {
            Workload::Poisson { duration_ms, .. } => SimTime::from_ms(*duration_ms),
            _ => SimTime::ZERO,
        }
    }

    pub fn clients(&self) -> u32 {
        match &self.workload {
            Workload::Single => 1,
            Workload::Poisson { clients, .. } | Workload::Herd { clients, .. } => *clients,
        }
    }
}

fn check_workload(c: &mut Checker, w: &Workload) {
    match w {
        Workload::Single => {}
        Workload::Poisson {
            clients,
            rate_per_client,
            duration_ms,
        } => {
            c.int("workload.clients", *clients as u64, 1, limits::MAX_CLIENTS);
            c.real(
                "workload.rate_per_client",
                *rate_per_client,
                0.001,
                limits::MAX_RATE_PER_CLIENT,
            );
            c.int("workload.duration_ms", *duration_ms, 1, limits::MAX_DURATION_MS);
            let expected = *clients as f64 * rate_per_client * (*duration_ms as f64 / 1000.0);
            c.require(
                !(expected.is_finite() && expected > limits::MAX_EXPECTED_REQUESTS),
                "workload",
                "error.too_many_requests",
            );
        }
        Workload::Herd { clients, .. } => c.int("workload.clients", *clients as u64, 1, limits::MAX_CLIENTS),
    }
}

fn check_strategy(c: &mut Checker, at: &str, s: &Strategy, service: &ServiceConfig) {
    let nodes = service.nodes;
    c.int(
        &format!("{at}.max_attempts"),
        s.max_attempts as u64,
        0,
        limits::MAX_ATTEMPTS,
    );
    if s.max_attempts == 0 {
        // Unlimited attempts end only at the deadline, and only if time moves on.
        c.require(
            s.deadline_ms > 0,
            &format!("{at}.max_attempts"),
            "error.unlimited_needs_deadline",
        );
        let waits = s.wait != WaitKind::Immediate && s.base_ms > 0;
        c.require(
            service.latency_ms > 0 || waits,
            &format!("{at}.max_attempts"),
            "error.unlimited_needs_time",
        );
    }
    c.int(&format!("{at}.deadline_ms"), s.deadline_ms, 0, limits::MAX_WAIT_MS);
    c.int(
        &format!("{at}.attempt_timeout_ms"),
        s.attempt_timeout_ms,
        0,
        limits::MAX_LATENCY_MS,
    );
    c.int(&format!("{at}.base_ms"), s.base_ms, 0, limits::MAX_WAIT_MS);
    c.int(&format!("{at}.cap_ms"), s.cap_ms, 0, limits::MAX_WAIT_MS);
    c.real(&format!("{at}.multiplier"), s.multiplier, 1.0, 10.0);
    if s.jitter == Jitter::Decorrelated {
        c.require(s.base_ms > 0, &format!("{at}.base_ms"), "error.decorrelated_needs_base");
    }
    if s.target == Target::NextReplica {
        c.require(nodes > 1, &format!("{at}.target"), "error.replica_needs_nodes");
    }
    if let Some(b) = &s.budget {
        c.int(&format!("{at}.budget.max_tokens"), b.max_tokens as u64, 1, 1000);
        c.real(&format!("{at}.budget.token_ratio"), b.token_ratio, 0.0, 10.0);
        c.real(&format!("{at}.budget.threshold"), b.threshold, 0.0, 0.99);
    }
    if let Some(q) = &s.retry_quota {
        c.require(
            s.budget.is_none(),
            &format!("{at}.retry_quota"),
            "error.one_budget_kind",
        );
        c.real(&format!("{at}.retry_quota.capacity"), q.capacity, 1.0, 100_000.0);
        c.real(&format!("{at}.retry_quota.retry_cost"), q.retry_cost, 0.0, 100_000.0);
        c.real(
            &format!("{at}.retry_quota.timeout_cost"),
            q.timeout_cost,
            0.0,
            100_000.0,
        );
        c.real(
            &format!("{at}.retry_quota.success_deposit"),
            q.success_deposit,
            0.0,
            100_000.0,
        );
    }
    if let Some(b) = &s.breaker {
        c.int(&format!("{at}.breaker.window"), b.window as u64, 1, 1000);
        c.real(&format!("{at}.breaker.failure_ratio"), b.failure_ratio, 0.01, 1.0);
        c.int(
            &format!("{at}.breaker.min_calls"),
            b.min_calls as u64,
            1,
            b.window.max(1) as u64,
        );
        c.int(&format!("{at}.breaker.open_ms"), b.open_ms, 1, limits::MAX_WAIT_MS);
        c.int(
            &format!("{at}.breaker.half_open_probes"),
            b.half_open_probes as u64,
            1,
            100,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_is_the_tenacity_demo() {
        let cfg = RetryConfig::default();
        assert!(cfg.validate().is_ok());
        assert_eq!(cfg.strategy.max_attempts, 3);
        assert_eq!(cfg.strategy.base_ms, 2000);
    }

    #[test]
    fn hostile_values_are_named() {
        let mut cfg = RetryConfig::default();
        cfg.service.transient_failure_rate = 5.0;
        cfg.strategy.max_attempts = 1_000_000;
        let errors = cfg.validate().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"service.transient_failure_rate"));
        assert!(fields.contains(&"strategy.max_attempts"));
        let text = errors[0].to_string();
        assert!(
            text.contains("service.transient_failure_rate") && text.contains('5'),
            "{text}"
        );
    }

    #[test]
    fn nan_is_rejected() {
        let mut cfg = RetryConfig::default();
        cfg.service.slow_rate = f64::NAN;
        assert!(cfg.validate().is_err());
    }

    #[test]
    fn huge_poisson_workloads_are_rejected() {
        let cfg = RetryConfig {
            workload: Workload::Poisson {
                clients: 5000,
                rate_per_client: 100.0,
                duration_ms: 3_600_000,
            },
            ..RetryConfig::default()
        };
        assert!(cfg.validate().is_err());
    }

    /// The field a JSON config is refused at, and the message.
    fn refused(json: serde_json::Value) -> (String, String) {
        let e = RetryConfig::from_json(json).expect_err("refused");
        (e.field.clone(), e.to_string())
    }

    #[test]
    fn unknown_fields_are_refused_everywhere_and_named() {
        use serde_json::json;
        let cases = [
            (
                json!({"workload": {"kind": "single", "clients": 100}}),
                "workload.clients",
            ),
            (
                json!({"workload": {"kind": "poisson", "clients": 5000, "rate_per_client": 1, "duration_ms": 10, "colour": "red"}}),
                "workload.colour",
            ),
            (
                json!({"workload": {"kind": "herd", "clients": 5, "rate_per_client": 1}}),
                "workload.rate_per_client",
            ),
            (json!({"colour": 1}), "colour"),
            (json!({"service": {"colour": 1}}), "service.colour"),
            (json!({"strategy": {"budget": {"colour": 1}}}), "strategy.budget.colour"),
            (json!({"compare": {"colour": 1}}), "compare.colour"),
            (
                json!({"service": {"outages": [{"from_ms": 1, "to_ms": 2, "colour": 1}]}}),
                "service.outages[0].colour",
            ),
        ];
        for (json, field) in cases {
            let (got, text) = refused(json.clone());
            assert_eq!(got, field, "{json}: {text}");
            assert!(text.contains("unknown field"), "{json}: {text}");
            // serde alone (not through `from_json`) refuses them too.
            assert!(serde_json::from_value::<RetryConfig>(json).is_err());
        }
        let e =
            serde_json::from_value::<RetryConfig>(json!({"workload": {"kind": "single", "clients": 1}})).unwrap_err();
        assert!(e.to_string().contains("workload.clients"), "{e}");
    }

    #[test]
    fn problems_inside_the_workload_name_the_field() {
        use serde_json::json;
        let poisson = |clients: serde_json::Value| json!({"workload": {"kind": "poisson", "clients": clients, "rate_per_client": 1.0, "duration_ms": 1000}});
        let cases = [
            (poisson(json!("many")), "workload.clients", "invalid type: text"),
            (poisson(json!(-1)), "workload.clients", "invalid value"),
            (poisson(json!(5_000_000_000u64)), "workload.clients", "invalid value"),
            (poisson(json!(1.5)), "workload.clients", "invalid type"),
            (
                json!({"workload": {"kind": "poisson", "clients": 1, "duration_ms": 1000}}),
                "workload.rate_per_client",
                "missing field",
            ),
            (
                json!({"workload": {"kind": "herd"}}),
                "workload.clients",
                "missing field",
            ),
            (
                json!({"workload": {"clients": 100}}),
                "workload.kind",
                "missing field `kind`",
            ),
            (
                json!({"workload": {"kind": "storm"}}),
                "workload.kind",
                "unknown variant `storm`",
            ),
            (json!({"workload": {"kind": 3}}), "workload.kind", "got a number"),
            (json!({"workload": [1, 2]}), "workload", "expected an object"),
        ];
        for (json, field, says) in cases {
            let (got, text) = refused(json.clone());
            assert_eq!(got, field, "{json}: {text}");
            assert!(text.contains(says), "{json}: {text}");
        }
    }

    #[test]
    fn every_workload_reads_back_from_its_own_json() {
        for w in [
            Workload::Single,
            Workload::Poisson {
                clients: 3,
                rate_per_client: 0.5,
                duration_ms: 10,
            },
            Workload::Herd {
                clients: 7,
                read_write: true,
            },
        ] {
            let json = serde_json::to_value(&w).unwrap();
            assert_eq!(Workload::from_json(json.clone()), Ok(w.clone()));
            assert_eq!(serde_json::from_value::<Workload>(json).unwrap(), w);
        }
    }
}

//! The labs of the playground. Each lab is a scenario: a serde config,
//! validated into a typed scenario, run as a [`crate::sim::Simulation`] that
//! yields a trace and metrics. This module names the labs and gives the
//! CLI (and tests) one way to run any of them to the end.

pub mod retry;
pub mod rewind;
pub mod run;
pub mod seed_sweep;
pub mod trace_lines;

pub use run::LabRun;

use crate::i18n::Lang;
use crate::validate::{json_kind, ConfigError};
use serde::{Deserialize, Serialize};

/// Every lab the playground has or will have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum LabId {
    Retry,
    Replica,
    Choreography,
    Cqrs,
    Availability,
}

impl LabId {
    pub const ALL: [LabId; 5] = [
        LabId::Retry,
        LabId::Replica,
        LabId::Choreography,
        LabId::Cqrs,
        LabId::Availability,
    ];

    /// The lab's name in URLs.
    pub fn slug(self) -> &'static str {
        match self {
            LabId::Retry => "retry",
            LabId::Replica => "replica",
            LabId::Choreography => "choreography",
            LabId::Cqrs => "cqrs",
            LabId::Availability => "availability",
        }
    }

    pub fn from_slug(s: &str) -> Option<LabId> {
        LabId::ALL.into_iter().find(|l| l.slug() == s)
    }

    /// Whether the lab can be opened yet (the others show as "coming").
    pub fn is_built(self) -> bool {
        matches!(self, LabId::Retry)
    }

    pub fn title_key(self) -> String {
        format!("lab.{}.title", self.slug())
    }

    pub fn summary_key(self) -> String {
        format!("lab.{}.summary", self.slug())
    }
}

/// A lab's configuration.
#[derive(Clone, Debug, PartialEq)]
pub enum LabConfig {
    Retry(retry::RetryConfig),
}

impl LabConfig {
    pub fn lab(&self) -> LabId {
        match self {
            LabConfig::Retry(_) => LabId::Retry,
        }
    }

    /// The default configuration of `lab`, if it is built.
    pub fn default_for(lab: LabId) -> Option<LabConfig> {
        match lab {
            LabId::Retry => Some(LabConfig::Retry(retry::RetryConfig::default())),
            _ => None,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        match self {
            LabConfig::Retry(c) => serde_json::to_value(c).expect("configs serialise"),
        }
    }

    /// Reads `lab`'s configuration from JSON (without validating values).
    ///
    /// A configuration and each part of it (`service`, `strategy`, an outage…)
    /// must be a JSON object: serde would also read a struct from a list of
    /// its fields in order (`[1, 0.5, …]`), a form no one writes on purpose.
    pub fn from_json(lab: LabId, value: serde_json::Value) -> Result<LabConfig, ConfigError> {
        let unreadable = |field: String, detail: String| ConfigError {
            field: if field.is_empty() || field == "." {
                "config".into()
            } else {
                field
            },
            problem: crate::validate::Problem::Unreadable { detail },
        };
        let not_an_object = |field: String, got: &serde_json::Value| {
            unreadable(field, format!("expected an object {{…}}, got {}", json_kind(got)))
        };
        if !value.is_object() {
            return Err(not_an_object(String::new(), &value));
        }
        let config = match lab {
            // The error names the field it failed on (`strategy.max_attempts`), not only the problem.
            LabId::Retry => serde_path_to_error::deserialize(&value)
                .map(LabConfig::Retry)
                .map_err(|e| unreadable(e.path().to_string(), e.into_inner().to_string()))?,
            other => {
                return Err(unreadable(
                    String::new(),
                    format!("the {} lab is not built yet", other.slug()),
                ))
            }
        };
        // Where the config, written back, has an object, the input must have had one too.
        if let Some((field, got)) = list_read_as_object(&value, &config.to_json(), String::new()) {
            return Err(not_an_object(field, got));
        }
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), Vec<ConfigError>> {
        match self {
            LabConfig::Retry(c) => c.validate(),
        }
    }

    /// Runs to the end and reports, as the CLI prints it.
    pub fn run(&self, seed: u64) -> Result<RunReport, Vec<ConfigError>> {
        match self {
            LabConfig::Retry(c) => {
                let mut run = retry::RetryRun::new(c, seed)?;
                run.run_to_end(u64::MAX);
                let side = |s: &retry::RetrySim| SideReport {
                    metrics: serde_json::to_value(s.model().stats().metrics()).expect("metrics serialise"),
                    trace_hash: s.trace().digest_hex(),
                    events: s.events(),
                };
                Ok(RunReport {
                    lab: LabId::Retry,
                    seed,
                    a: side(&run.a),
                    b: run.b.as_ref().map(side),
                })
            }
        }
    }
}

/// The outcome of one side of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SideReport {
    pub metrics: serde_json::Value,
    pub trace_hash: String,
    pub events: u64,
}

/// The outcome of a run, as the CLI prints it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunReport {
    pub lab: LabId,
    pub seed: u64,
    #[serde(flatten)]
    pub a: SideReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b: Option<SideReport>,
}

/// A preset of any lab.
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    pub lab: LabId,
    pub id: &'static str,
    pub seed: u64,
    pub config: LabConfig,
    /// Where the guide pauses and what its caption says, in time order.
    pub moments: Vec<run::Moment>,
}

impl Preset {
    pub fn title(&self, lang: Lang) -> String {
        crate::i18n::t(lang, &format!("preset.{}.{}.title", self.lab.slug(), self.id)).to_string()
    }
}

/// Every preset of every built lab.
pub fn presets() -> Vec<Preset> {
    retry::presets::all()
        .into_iter()
        .map(|p| Preset {
            lab: LabId::Retry,
            id: p.id,
            seed: p.seed,
            config: LabConfig::Retry(p.config),
            moments: p.moments,
        })
        .collect()
}

/// The first place (path, value) where `input` has a list and `read`, the
/// same config as it was read and written back, has an object there.
fn list_read_as_object<'a>(
    input: &'a serde_json::Value,
    read: &serde_json::Value,
    path: String,
) -> Option<(String, &'a serde_json::Value)> {
    use serde_json::Value;
    match (input, read) {
        (Value::Array(_), Value::Object(_)) => Some((path, input)),
        (Value::Object(input), Value::Object(read)) => input.iter().find_map(|(key, value)| {
            let path = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            read.get(key).and_then(|read| list_read_as_object(value, read, path))
        }),
        (Value::Array(input), Value::Array(read)) => input
            .iter()
            .zip(read)
            .enumerate()
            .find_map(|(i, (value, read))| list_read_as_object(value, read, format!("{path}[{i}]"))),
        _ => None,
    }
}

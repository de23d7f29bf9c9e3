//! The labs of the playground. Each lab is a scenario: a serde config,
//! validated into a typed scenario, run as a [`crate::sim::Simulation`] that
//! yields a trace and metrics. This module names the labs, registers the
//! built ones (the [`Lab`] trait and one line in the `labs!` registry) and
//! gives the CLI (and tests) one way to run any of them to the end.

pub mod availability;
pub mod choreography;
pub mod cqrs;
pub mod replica;
pub mod retry;
pub mod rewind;
pub mod run;
pub mod seed_sweep;
pub mod sides;
pub mod trace_lines;

pub use run::LabRun;
pub use trace_lines::TraceExport;

use crate::i18n::Lang;
use crate::validate::{json_kind, ConfigError, WorkLimits};
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

    /// The catalogue key of what the lab's trace export writes (each lab
    /// writes its own lines; see [`trace_lines`]).
    pub fn trace_help_key(self) -> &'static str {
        match self {
            LabId::Retry => "retry.trace_help",
            LabId::Replica => "replica.trace_help",
            LabId::Choreography => "choreo.trace_help",
            LabId::Cqrs => "cqrs.trace_help",
            LabId::Availability => "availability.trace_help",
        }
    }

    pub fn from_slug(s: &str) -> Option<LabId> {
        LabId::ALL.into_iter().find(|l| l.slug() == s)
    }

    /// Whether the lab can be opened yet (the others show as "coming").
    pub fn is_built(self) -> bool {
        BUILT.contains(&self)
    }

    pub fn title_key(self) -> String {
        format!("lab.{}.title", self.slug())
    }

    pub fn summary_key(self) -> String {
        format!("lab.{}.summary", self.slug())
    }
}

/// What a lab gives the engine: its id, its configuration type, and how to
/// read, check and run a configuration, export its trace and list its
/// presets. Adding a lab is one `impl Lab` in `labs/<name>/` and one line in
/// the `labs!` registry below; every `match` over labs ([`LabConfig`]'s methods,
/// [`presets`], [`LabId::is_built`]) is written by the macro.
pub trait Lab {
    const ID: LabId;
    /// Top-level config keys no other lab's config has: a link opened on
    /// the wrong lab's page is told which lab it is for ([`lab_of_keys`]).
    const OWN_KEYS: &'static [&'static str];
    /// Everything that defines a run except the seed, as a link carries it.
    type Config: Clone + std::fmt::Debug + PartialEq + Default + Serialize + serde::de::DeserializeOwned;

    /// Reads a configuration from JSON (an object; values not yet checked).
    /// An error names the field it failed on (`strategy.max_attempts`).
    fn read(value: serde_json::Value) -> Result<Self::Config, ConfigError> {
        serde_path_to_error::deserialize(&value)
            .map_err(|e| unreadable(e.path().to_string(), e.into_inner().to_string()))
    }

    /// Checks every value, and the run's work against `limits`; every
    /// problem names its field.
    fn validate(config: &Self::Config, limits: WorkLimits) -> Result<(), Vec<ConfigError>>;

    /// Runs to the end: side A, and side B when the config compares two.
    fn run(
        config: &Self::Config,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<(SideReport, Option<SideReport>), Vec<ConfigError>>;

    /// A fresh re-run of this config and seed for the trace export.
    fn trace_export(
        config: &Self::Config,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<Box<dyn TraceExport>, Vec<ConfigError>>;

    /// The lab's presets, with their guided moments.
    fn presets() -> Vec<LabPreset<Self::Config>>;
}

/// A preset of one lab, before [`presets`] wraps its config in [`LabConfig`].
#[derive(Clone, Debug, PartialEq)]
pub struct LabPreset<C> {
    pub id: &'static str,
    pub seed: u64,
    pub config: C,
    pub moments: Vec<run::Moment>,
}

/// The lab a config's JSON is for, when it is not `this`: it has a key of
/// that lab's own and none of `this` lab's (a CQRS link opened on the retry
/// page read "compare.architecture could not be read: unknown field").
pub fn lab_of_keys(this: LabId, json: &serde_json::Value) -> Option<LabId> {
    let object = json.as_object()?;
    let has = |keys: &[&str]| object.keys().any(|k| keys.contains(&k.as_str()));
    let own = OWN_KEYS.iter().find(|(l, _)| *l == this).map_or(&[][..], |(_, k)| *k);
    if has(own) {
        return None;
    }
    OWN_KEYS
        .iter()
        .find(|(l, keys)| *l != this && has(keys))
        .map(|(l, _)| *l)
}

/// A problem reading a configuration, at `field` (the whole config when empty).
fn unreadable(field: String, detail: String) -> ConfigError {
    ConfigError {
        field: if field.is_empty() || field == "." {
            "config".into()
        } else {
            field
        },
        problem: crate::validate::Problem::Unreadable { detail },
    }
}

/// The registry of built labs: `Variant => the type implementing [`Lab`]`.
/// It writes [`LabConfig`] (one variant per lab), its methods, the list of
/// built labs and [`presets`].
macro_rules! labs {
    ($($variant:ident => $lab:ty),+ $(,)?) => {
        /// A lab's configuration. (Configs differ in size; one is made per
        /// link or preset, never in bulk, so none is boxed.)
        #[derive(Clone, Debug, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum LabConfig {
            $($variant(<$lab as Lab>::Config),)+
        }

        /// The labs that are built, in the registry's order.
        const BUILT: &[LabId] = &[$(<$lab as Lab>::ID),+];

        /// Each built lab's own top-level config keys.
        const OWN_KEYS: &[(LabId, &[&str])] = &[$((<$lab as Lab>::ID, <$lab as Lab>::OWN_KEYS)),+];

        impl LabConfig {
            pub fn lab(&self) -> LabId {
                match self {
                    $(LabConfig::$variant(_) => <$lab as Lab>::ID,)+
                }
            }

            /// The default configuration of `lab`, if it is built.
            pub fn default_for(lab: LabId) -> Option<LabConfig> {
                $(if lab == <$lab as Lab>::ID {
                    return Some(LabConfig::$variant(Default::default()));
                })+
                None
            }

            /// `lab`'s reader, if it is built.
            fn read(lab: LabId, value: serde_json::Value) -> Option<Result<LabConfig, ConfigError>> {
                $(if lab == <$lab as Lab>::ID {
                    return Some(read_config::<$lab>(value).map(LabConfig::$variant));
                })+
                None
            }

            /// Checks every value and the run's work, within a link's limits.
            pub fn validate(&self) -> Result<(), Vec<ConfigError>> {
                self.validate_within(WorkLimits::LINK)
            }

            /// Checks every value and the run's work, within `limits`.
            pub fn validate_within(&self, limits: WorkLimits) -> Result<(), Vec<ConfigError>> {
                match self {
                    $(LabConfig::$variant(c) => <$lab as Lab>::validate(c, limits),)+
                }
            }

            /// Runs to the end and reports, as the CLI prints it (within a link's limits).
            pub fn run(&self, seed: u64) -> Result<RunReport, Vec<ConfigError>> {
                self.run_within(seed, WorkLimits::LINK)
            }

            /// Runs to the end and reports, within `limits`.
            pub fn run_within(&self, seed: u64, limits: WorkLimits) -> Result<RunReport, Vec<ConfigError>> {
                let (a, b) = match self {
                    $(LabConfig::$variant(c) => <$lab as Lab>::run(c, seed, limits)?,)+
                };
                Ok(RunReport { lab: self.lab(), seed, a, b })
            }

            /// A fresh re-run of this config and seed for the trace export
            /// (within a link's limits).
            pub fn trace_export(&self, seed: u64) -> Result<Box<dyn TraceExport>, Vec<ConfigError>> {
                self.trace_export_within(seed, WorkLimits::LINK)
            }

            /// A fresh re-run for the trace export, within `limits`.
            pub fn trace_export_within(
                &self,
                seed: u64,
                limits: WorkLimits,
            ) -> Result<Box<dyn TraceExport>, Vec<ConfigError>> {
                match self {
                    $(LabConfig::$variant(c) => <$lab as Lab>::trace_export(c, seed, limits),)+
                }
            }
        }

        $(impl From<<$lab as Lab>::Config> for LabConfig {
            fn from(config: <$lab as Lab>::Config) -> LabConfig {
                LabConfig::$variant(config)
            }
        })+

        /// A configuration serialises as the lab's own config.
        impl Serialize for LabConfig {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(LabConfig::$variant(c) => c.serialize(s),)+
                }
            }
        }

        /// Every preset of every built lab.
        pub fn presets() -> Vec<Preset> {
            let mut out = Vec::new();
            $(out.extend(<$lab as Lab>::presets().into_iter().map(|p| Preset {
                lab: <$lab as Lab>::ID,
                id: p.id,
                seed: p.seed,
                config: LabConfig::$variant(p.config),
                moments: p.moments,
            }));)+
            out
        }
    };
}

labs! {
    Retry => retry::RetryLab,
    Choreography => choreography::ChoreographyLab,
    Cqrs => cqrs::CqrsLab,
    Replica => replica::ReplicaLab,
    Availability => availability::AvailabilityLab,
}

/// Reads lab `L`'s configuration from JSON (without validating values): the
/// whole of [`LabConfig::from_json`] for one lab, so a page that reads only
/// its own lab's links links only that lab's reader.
///
/// A configuration and each part of it (`service`, `strategy`, an outage…)
/// must be a JSON object: serde would also read a struct from a list of its
/// fields in order (`[1, 0.5, …]`), a form no one writes on purpose.
pub fn read_config<L: Lab>(value: serde_json::Value) -> Result<L::Config, ConfigError> {
    let not_an_object = |field: String, got: &serde_json::Value| {
        unreadable(field, format!("expected an object {{…}}, got {}", json_kind(got)))
    };
    if !value.is_object() {
        return Err(not_an_object(String::new(), &value));
    }
    let config = L::read(value.clone())?;
    // Where the config, written back, has an object, the input must have had one too.
    let written = serde_json::to_value(&config).expect("configs serialise");
    if let Some((field, got)) = list_read_as_object(&value, &written, String::new()) {
        return Err(not_an_object(field, got));
    }
    Ok(config)
}

impl LabConfig {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("configs serialise")
    }

    /// Reads `lab`'s configuration from JSON (without validating values),
    /// as [`read_config`] does for one lab.
    pub fn from_json(lab: LabId, value: serde_json::Value) -> Result<LabConfig, ConfigError> {
        if !value.is_object() {
            return Err(unreadable(
                String::new(),
                format!("expected an object {{…}}, got {}", json_kind(&value)),
            ));
        }
        LabConfig::read(lab, value).unwrap_or_else(|| {
            Err(unreadable(
                String::new(),
                format!("the {} lab is not built yet", lab.slug()),
            ))
        })
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
    /// The preset's name across labs (`retry/tenacity`): ids are unique within a lab.
    pub fn key(&self) -> String {
        format!("{}/{}", self.lab.slug(), self.id)
    }

    pub fn title(&self, lang: Lang) -> String {
        crate::i18n::t(lang, &format!("preset.{}.{}.title", self.lab.slug(), self.id)).to_string()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What the registry writes holds for every built lab: defaults that are
    /// valid and read back from their own JSON, presets that belong to it.
    #[test]
    fn every_registered_lab_is_whole() {
        assert!(!BUILT.is_empty());
        for &lab in BUILT {
            assert!(lab.is_built());
            let config = LabConfig::default_for(lab).expect("a built lab has defaults");
            assert_eq!(config.lab(), lab);
            assert_eq!(config.validate(), Ok(()));
            assert_eq!(LabConfig::from_json(lab, config.to_json()), Ok(config.clone()));
            let report = config.run(3).expect("defaults run");
            assert_eq!(report.lab, lab);
            assert!(config.trace_export(3).is_ok());
            assert!(presets().iter().any(|p| p.lab == lab && p.config.lab() == lab));
        }
        for lab in LabId::ALL.into_iter().filter(|l| !BUILT.contains(l)) {
            assert!(!lab.is_built() && LabConfig::default_for(lab).is_none());
            let err = LabConfig::from_json(lab, serde_json::json!({})).unwrap_err();
            assert!(err.to_string().contains("not built"), "{err}");
        }
    }
}

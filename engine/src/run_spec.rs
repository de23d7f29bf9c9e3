//! A run as a person writes it — a JSON file, a share link, `--set` overrides on
//! the command line — before it is checked. This is the CLI's "low" layer in
//! ripgrep's sense: [`RunSpec`] holds the lab, the seed and the configuration
//! as loose JSON, overrides are applied to that JSON by dotted path, and only
//! then does [`RunSpec::check`] turn it into a validated [`LabState`], so an
//! override gets exactly the same validation as a file or a link.
//!
//! The file format is one of:
//!
//! ```text
//! {"lab": "retry", "seed": 7, "config": { …retry config… }}   an envelope (lab and seed optional)
//! { …retry config… }                                           a bare retry config (default seed)
//! ```
//!
//! An object with a `lab`, `seed` or `config` key is an envelope; anything else
//! is a bare retry config. The seed defaults to [`DEFAULT_SEED`], as in a link
//! without one; missing config fields take their defaults.

use crate::codec::{LabState, DEFAULT_SEED};
use crate::labs::{LabConfig, LabId};
use crate::validate::{ConfigError, Problem, WorkLimits};
use serde::Serialize;
use serde_json::Value;

/// A run before it is checked.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSpec {
    pub lab: LabId,
    pub seed: u64,
    /// The lab's configuration as JSON; fields left out take their defaults.
    pub config: Value,
}

/// One `--set path=value` override.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    /// A dotted path into the configuration, e.g. `service.outages[0].to_ms`.
    pub path: String,
    pub value: Value,
}

/// One step of a dotted path.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

fn unreadable(field: &str, detail: impl Into<String>) -> ConfigError {
    ConfigError {
        field: field.to_string(),
        problem: Problem::Unreadable { detail: detail.into() },
    }
}

/// The envelope as it is printed: lab, seed, then config, in that order.
#[derive(Serialize)]
struct Envelope<'a, C: Serialize> {
    lab: LabId,
    seed: u64,
    config: &'a C,
}

impl RunSpec {
    /// The default configuration of the retry lab, with the default seed.
    pub fn retry_defaults() -> RunSpec {
        RunSpec {
            lab: LabId::Retry,
            seed: DEFAULT_SEED,
            config: Value::Object(Default::default()),
        }
    }

    /// Reads a config file's text (either form described in the module doc).
    pub fn from_json_text(text: &str) -> Result<RunSpec, ConfigError> {
        let value: Value = serde_json::from_str(text).map_err(|e| unreadable("file", e.to_string()))?;
        RunSpec::from_json(value)
    }

    /// Reads either form from parsed JSON.
    pub fn from_json(value: Value) -> Result<RunSpec, ConfigError> {
        let Value::Object(mut object) = value else {
            return Err(unreadable("file", "expected a JSON object"));
        };
        let is_envelope = ["lab", "seed", "config"].iter().any(|k| object.contains_key(*k));
        if !is_envelope {
            return Ok(RunSpec {
                config: Value::Object(object),
                ..RunSpec::retry_defaults()
            });
        }
        let lab = match object.remove("lab") {
            None => LabId::Retry,
            Some(Value::String(slug)) => {
                LabId::from_slug(&slug).ok_or_else(|| unreadable("lab", format!("there is no lab called `{slug}`")))?
            }
            Some(other) => return Err(unreadable("lab", format!("expected a lab name, got {other}"))),
        };
        if !lab.is_built() {
            return Err(unreadable("lab", format!("the {} lab is not built yet", lab.slug())));
        }
        let seed = match object.remove("seed") {
            None => DEFAULT_SEED,
            Some(v) => v
                .as_u64()
                .ok_or_else(|| unreadable("seed", format!("expected a whole number ≥ 0, got {v}")))?,
        };
        let config = object.remove("config").unwrap_or(Value::Object(Default::default()));
        if let Some(extra) = object.keys().next() {
            return Err(unreadable(
                extra,
                "unknown field (a run file has `lab`, `seed` and `config`)",
            ));
        }
        Ok(RunSpec { lab, seed, config })
    }

    /// The spec of an already checked state (a decoded link), to override further.
    pub fn from_state(state: &LabState) -> RunSpec {
        RunSpec {
            lab: state.lab(),
            seed: state.seed,
            config: state.config.to_json(),
        }
    }

    /// Applies one override to the configuration.
    pub fn apply(&mut self, o: &Override) -> Result<(), ConfigError> {
        set_path(&mut self.config, &o.path, o.value.clone())
    }

    /// Reads and validates the configuration, within a link's limits.
    pub fn check(&self) -> Result<LabState, Vec<ConfigError>> {
        self.check_within(WorkLimits::LINK)
    }

    /// Reads and validates the configuration, within `limits`.
    pub fn check_within(&self, limits: WorkLimits) -> Result<LabState, Vec<ConfigError>> {
        let config = LabConfig::from_json(self.lab, self.config.clone()).map_err(|e| vec![e])?;
        config.validate_within(limits)?;
        Ok(LabState {
            seed: self.seed,
            config,
        })
    }
}

/// The JSON of a checked state, in the envelope form a config file takes
/// (`{"lab": …, "seed": …, "config": …}`), fields in a readable order.
pub fn state_to_json_pretty(state: &LabState) -> String {
    serde_json::to_string_pretty(&Envelope {
        lab: state.lab(),
        seed: state.seed,
        config: &state.config,
    })
    .expect("configs serialise")
}

impl Override {
    /// Parses `path=value`. The value is read as JSON (`0.3`, `true`, `null`,
    /// `[…]`, `{…}`, `"text"`) and, failing that, taken as a plain string, so
    /// `strategy.jitter=full` needs no quotes.
    pub fn parse(arg: &str) -> Result<Override, ConfigError> {
        let Some((path, raw)) = arg.split_once('=') else {
            return Err(unreadable(
                arg,
                "expected path=value, e.g. service.transient_failure_rate=0.3",
            ));
        };
        let path = path.trim();
        if path.is_empty() {
            return Err(unreadable(
                &format!("--set {arg}"),
                "the field is missing before `=`: expected path=value, e.g. service.transient_failure_rate=0.3",
            ));
        }
        parse_path(path)?;
        let value = serde_json::from_str(raw.trim()).unwrap_or_else(|_| Value::String(raw.to_string()));
        Ok(Override {
            path: path.to_string(),
            value,
        })
    }
}

/// Splits `a.b[0].c` (or `a.b.0.c`) into steps. A number after a dot is an
/// index when the value there is an array, and a key otherwise.
fn parse_path(path: &str) -> Result<Vec<Step>, ConfigError> {
    let bad = |why: &str| unreadable(path, format!("not a valid path: {why}"));
    if path.is_empty() {
        return Err(bad("it is empty"));
    }
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() && (rest.is_empty() || steps.is_empty()) {
            return Err(bad("a name is missing"));
        }
        if !key.is_empty() {
            steps.push(Step::Key(key.to_string()));
        }
        while !rest.is_empty() {
            let close = rest.find(']').ok_or_else(|| bad("a `[` is not closed"))?;
            let index = rest[1..close]
                .parse()
                .map_err(|_| bad("an index must be a whole number"))?;
            steps.push(Step::Index(index));
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return Err(bad("unexpected text after `]`"));
            }
        }
    }
    Ok(steps)
}

/// Sets the value at `path` inside `root`, creating missing objects on the
/// way (so `strategy.budget.max_tokens=20` turns a budget on with its other
/// fields at their defaults). An index may point into an array or one past
/// its end (to append).
pub fn set_path(root: &mut Value, path: &str, value: Value) -> Result<(), ConfigError> {
    let steps = parse_path(path)?;
    let mut here = root;
    let mut walked = String::new();
    for step in &steps {
        let step = match (step, &*here) {
            // `outages.0` on an array means index 0.
            (Step::Key(k), Value::Array(_)) => match k.parse::<usize>() {
                Ok(i) => Step::Index(i),
                Err(_) => Step::Key(k.clone()),
            },
            (s, _) => s.clone(),
        };
        if here.is_null() {
            *here = match step {
                Step::Key(_) => Value::Object(Default::default()),
                Step::Index(_) => Value::Array(Vec::new()),
            };
        }
        let name = if walked.is_empty() {
            "the configuration".to_string()
        } else {
            format!("`{walked}`")
        };
        here = match (step, here) {
            (Step::Key(k), Value::Object(map)) => {
                walked = if walked.is_empty() {
                    k.clone()
                } else {
                    format!("{walked}.{k}")
                };
                map.entry(k).or_insert(Value::Null)
            }
            (Step::Index(i), Value::Array(items)) => {
                walked = format!("{walked}[{i}]");
                if i == items.len() {
                    items.push(Value::Null);
                } else if i > items.len() {
                    let len = items.len();
                    return Err(unreadable(
                        path,
                        format!("{name} has {len} items, so index {i} is out of range"),
                    ));
                }
                &mut items[i]
            }
            (Step::Key(k), other) => {
                return Err(unreadable(
                    path,
                    format!("{name} is {}, so it has no field `{k}`", kind(other)),
                ));
            }
            (Step::Index(i), other) => {
                return Err(unreadable(
                    path,
                    format!("{name} is {}, so it has no item {i}", kind(other)),
                ));
            }
        };
    }
    *here = value;
    Ok(())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::retry::RetryConfig;
    use serde_json::json;

    fn set(mut root: Value, arg: &str) -> Result<Value, String> {
        let o = Override::parse(arg).map_err(|e| e.to_string())?;
        set_path(&mut root, &o.path, o.value).map_err(|e| e.to_string())?;
        Ok(root)
    }

    #[test]
    fn values_are_json_or_else_strings() {
        let cases = [
            ("a=0.3", json!(0.3)),
            ("a=true", json!(true)),
            ("a=null", json!(null)),
            ("a=full", json!("full")),
            ("a=\"full\"", json!("full")),
            ("a=[1, 2]", json!([1, 2])),
            ("a=x=y", json!("x=y")),
            ("a=", json!("")),
        ];
        for (arg, want) in cases {
            assert_eq!(set(json!({}), arg).unwrap(), json!({ "a": want }), "{arg}");
        }
    }

    #[test]
    fn paths_walk_objects_and_arrays_and_create_objects() {
        let root = json!({"service": {"outages": [{"from_ms": 1}]}});
        let want = json!({"service": {"outages": [{"from_ms": 5}]}});
        assert_eq!(set(root.clone(), "service.outages[0].from_ms=5").unwrap(), want);
        assert_eq!(set(root.clone(), "service.outages.0.from_ms=5").unwrap(), want);
        let appended = set(root.clone(), "service.outages[1]={\"from_ms\": 2, \"to_ms\": 3}").unwrap();
        assert_eq!(appended["service"]["outages"][1]["to_ms"], json!(3));
        assert_eq!(
            set(json!({}), "strategy.budget.max_tokens=20").unwrap(),
            json!({"strategy": {"budget": {"max_tokens": 20}}})
        );
        assert_eq!(
            set(json!({"compare": null}), "compare.jitter=full").unwrap(),
            json!({"compare": {"jitter": "full"}})
        );
    }

    #[test]
    fn impossible_paths_say_why() {
        let root = json!({"service": {"latency_ms": 5, "outages": []}});
        let cases = [
            ("service.latency_ms.x=1", "is a number"),
            ("service.outages[3]=1", "index 3 is out of range"),
            ("=1", "the field is missing before `=`"),
            (" =1", "--set  =1"),
            ("a..b=1", "missing"),
            ("a[x]=1", "whole number"),
            ("a[1=1", "not closed"),
            ("no_equals_sign", "path=value"),
        ];
        for (arg, why) in cases {
            let err = set(root.clone(), arg).unwrap_err();
            assert!(err.contains(why), "{arg}: {err}");
        }
    }

    #[test]
    fn both_file_forms_read_the_same() {
        let bare = RunSpec::from_json_text(r#"{"service": {"transient_failure_rate": 0.2}}"#).unwrap();
        let wrapped = RunSpec::from_json_text(r#"{"config": {"service": {"transient_failure_rate": 0.2}}}"#).unwrap();
        assert_eq!(bare, wrapped);
        assert_eq!(bare.seed, DEFAULT_SEED);
        let seeded = RunSpec::from_json_text(r#"{"lab": "retry", "seed": 9}"#).unwrap();
        assert_eq!(seeded.seed, 9);
        let state = seeded.check().unwrap();
        assert_eq!(state.config, LabConfig::Retry(RetryConfig::default()));
    }

    #[test]
    fn bad_files_are_described() {
        let cases = [
            ("[1]", "object"),
            ("{", "EOF"),
            (r#"{"lab": "nope"}"#, "no lab"),
            (r#"{"seed": -1}"#, "whole number"),
            (r#"{"seed": 1, "colour": 1}"#, "unknown field"),
        ];
        for (text, why) in cases {
            let err = RunSpec::from_json_text(text).unwrap_err().to_string();
            assert!(err.contains(why), "{text}: {err}");
        }
    }

    #[test]
    fn overrides_are_validated_like_everything_else() {
        let mut spec = RunSpec::retry_defaults();
        spec.apply(&Override::parse("service.transient_failure_rate=5").unwrap())
            .unwrap();
        let errors = spec.check().unwrap_err();
        assert_eq!(errors[0].field, "service.transient_failure_rate");
        let mut spec = RunSpec::retry_defaults();
        spec.apply(&Override::parse("strategy.max_attempts=1000000000000").unwrap())
            .unwrap();
        assert!(spec.check().unwrap_err()[0].to_string().contains("1000000000000"));
    }

    #[test]
    fn pretty_json_reads_back_to_the_same_state() {
        let mut spec = RunSpec::retry_defaults();
        spec.seed = 42;
        spec.apply(&Override::parse("strategy.jitter=full").unwrap()).unwrap();
        let state = spec.check().unwrap();
        let text = state_to_json_pretty(&state);
        assert!(text.find("\"lab\"").unwrap() < text.find("\"config\"").unwrap());
        assert_eq!(RunSpec::from_json_text(&text).unwrap().check().unwrap(), state);
    }
}

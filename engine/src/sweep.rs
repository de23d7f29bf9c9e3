//! A parameter sweep: one config (file, link or `--set` overrides), some of
//! its fields varied over lists of values, every combination run over seeds
//! `0…N−1`, on all cores, and one CSV row per run in grid order — how a course
//! builds a chart of "success vs attempts" or checks a claim over many seeds.
//!
//! ```text
//! playground sweep config.json --vary strategy.max_attempts=1,2,3 --vary strategy.jitter=none,full --seeds 10
//! ```
//!
//! The grid is the product of the `--vary` lists in the order given, the
//! first one outermost, seeds innermost. Each row has the varied values (a
//! column per path), the seed, then every metric of side A under its dotted
//! name (`success_rate`, `gave_up.attempts`) and, when the config compares
//! two strategies, side B's under `b.` (`b.success_rate`). Every point is
//! validated before anything runs: a bad value is reported with its field
//! and the point it came from, and nothing is printed.

use crate::labs::RunReport;
use crate::run_spec::{Override, RunSpec};
use crate::validate::{ConfigError, Problem, WorkLimits};
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// One `--vary path=a,b,c`: a field and the values it takes, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Vary {
    pub path: String,
    pub values: Vec<Value>,
}

/// Largest grid a sweep runs (points × seeds).
pub const MAX_RUNS: usize = 100_000;

fn unreadable(field: &str, detail: impl Into<String>) -> ConfigError {
    ConfigError {
        field: field.to_string(),
        problem: Problem::Unreadable { detail: detail.into() },
    }
}

impl Vary {
    /// Parses `path=a,b,c`. Each value is read like a `--set` value (JSON, or
    /// else a plain string); commas inside `[…]`, `{…}` or quotes belong to
    /// the value (`--vary service.outages=[],[{"from_ms":0,"to_ms":5}]`).
    pub fn parse(arg: &str) -> Result<Vary, ConfigError> {
        let Some((path, list)) = arg.split_once('=') else {
            return Err(unreadable(
                &format!("--vary {arg}"),
                "expected path=a,b,c, e.g. strategy.max_attempts=1,2,3",
            ));
        };
        if path.trim().is_empty() {
            return Err(unreadable(
                &format!("--vary {arg}"),
                "the field is missing before `=`: expected path=a,b,c, e.g. strategy.max_attempts=1,2,3",
            ));
        }
        // The path is checked the way `--set` checks it.
        let path = Override::parse(&format!("{path}=0"))?.path;
        let values: Vec<Value> = split_top_level(list)
            .into_iter()
            .map(|raw| {
                let raw = raw.trim();
                serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()))
            })
            .collect();
        if list.trim().is_empty() {
            return Err(unreadable(&format!("--vary {arg}"), "no values after `=`"));
        }
        Ok(Vary { path, values })
    }
}

/// Splits at commas that are not inside brackets, braces or a string.
fn split_top_level(list: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut start) = (0i32, false, false, 0);
    for (i, ch) in list.char_indices() {
        if in_string {
            match ch {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match ch {
            '"' => in_string = true,
            '[' | '{' => depth += 1,
            ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&list[start..]);
    out
}

/// A sweep, checked: every point's spec, in grid order.
#[derive(Clone, Debug)]
pub struct Sweep {
    vary: Vec<Vary>,
    /// Seeds of every point, in order.
    seeds: Vec<u64>,
    /// One checked state per point (combination of varied values).
    points: Vec<(Vec<Value>, crate::codec::LabState)>,
    /// What the points were checked against (and run within).
    limits: WorkLimits,
}

/// What a sweep printed: a header and rows, as CSV text.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepTable {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Sweep {
    /// Builds and validates the grid of `base` with `vary`; `seeds` is the
    /// number of seeds (`0…N−1`), or `None` for the base's own seed.
    /// Every point is checked against `limits`.
    pub fn new(
        base: &RunSpec,
        vary: Vec<Vary>,
        seeds: Option<u64>,
        limits: WorkLimits,
    ) -> Result<Sweep, Vec<ConfigError>> {
        let seeds: Vec<u64> = match seeds {
            Some(n) => (0..n).collect(),
            None => vec![base.seed],
        };
        if seeds.is_empty() {
            return Err(vec![unreadable("--seeds", "must be at least 1")]);
        }
        let points_count = vary
            .iter()
            .map(|v| v.values.len())
            .try_fold(1usize, |a, n| a.checked_mul(n));
        let runs = points_count.and_then(|p| p.checked_mul(seeds.len()));
        if runs.is_none_or(|r| r > MAX_RUNS) {
            return Err(vec![unreadable(
                "--vary",
                format!(
                    "the grid has more than {MAX_RUNS} runs (points × seeds): vary fewer values or use fewer seeds"
                ),
            )]);
        }
        let mut points = Vec::new();
        let mut errors = Vec::new();
        for combo in product(&vary) {
            let mut spec = base.clone();
            let mut at = Vec::new();
            for (v, value) in vary.iter().zip(&combo) {
                at.push(format!("{}={}", v.path, value));
                if let Err(e) = spec.apply(&Override {
                    path: v.path.clone(),
                    value: value.clone(),
                }) {
                    errors.push(e);
                }
            }
            match spec.check_within(limits) {
                Ok(state) => points.push((combo, state)),
                Err(es) => errors.extend(es.into_iter().map(|mut e| {
                    e.field = format!("{} (at {})", e.field, at.join(" "));
                    e
                })),
            }
            if errors.len() > 20 {
                break;
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Sweep {
            vary,
            seeds,
            points,
            limits,
        })
    }

    /// How many runs the sweep makes.
    pub fn runs(&self) -> usize {
        self.points.len() * self.seeds.len()
    }

    /// Runs every point and seed on `threads` threads and returns the table
    /// in grid order (the same table whatever the number of threads).
    pub fn run(&self, threads: usize) -> SweepTable {
        let n = self.runs();
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<RunReport>>> = Mutex::new(vec![None; n]);
        std::thread::scope(|scope| {
            for _ in 0..threads.clamp(1, n.max(1)) {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let (_, state) = &self.points[i / self.seeds.len()];
                    let seed = self.seeds[i % self.seeds.len()];
                    // Every point was validated when the sweep was built.
                    let report = state
                        .config
                        .run_within(seed, self.limits)
                        .expect("a checked config runs");
                    results.lock().expect("no worker panics while holding the lock")[i] = Some(report);
                });
            }
        });
        let reports: Vec<RunReport> = results
            .into_inner()
            .expect("workers are done")
            .into_iter()
            .map(|r| r.expect("every run finished"))
            .collect();
        self.table(&reports)
    }

    fn table(&self, reports: &[RunReport]) -> SweepTable {
        let flat: Vec<(Cells, Option<Cells>)> = reports
            .iter()
            .map(|r| {
                let mut a = Vec::new();
                flatten("", &r.a.metrics, &mut a);
                let b = r.b.as_ref().map(|b| {
                    let mut out = Vec::new();
                    flatten("b.", &b.metrics, &mut out);
                    out
                });
                (a, b)
            })
            .collect();
        // Columns: every metric any run has, in the order they first appear.
        let mut metric_columns: Vec<String> = Vec::new();
        for (a, b) in &flat {
            for (k, _) in a.iter().chain(b.iter().flatten()) {
                if !metric_columns.contains(k) {
                    metric_columns.push(k.clone());
                }
            }
        }
        // Side B's columns after all of A's.
        metric_columns.sort_by_key(|k| k.starts_with("b."));
        let mut header: Vec<String> = self.vary.iter().map(|v| v.path.clone()).collect();
        header.push("seed".into());
        header.extend(metric_columns.iter().cloned());
        let rows = flat
            .iter()
            .enumerate()
            .map(|(i, (a, b))| {
                let (combo, _) = &self.points[i / self.seeds.len()];
                let mut row: Vec<String> = combo.iter().map(cell).collect();
                row.push(self.seeds[i % self.seeds.len()].to_string());
                for col in &metric_columns {
                    let value = a
                        .iter()
                        .chain(b.iter().flatten())
                        .find(|(k, _)| k == col)
                        .map(|(_, v)| v.clone());
                    row.push(value.unwrap_or_default());
                }
                row
            })
            .collect();
        SweepTable { header, rows }
    }
}

/// A run's metrics as (dotted name, CSV cell), in order.
type Cells = Vec<(String, String)>;

/// Every combination of the varied values, the first list outermost.
fn product(vary: &[Vary]) -> Vec<Vec<Value>> {
    let mut out: Vec<Vec<Value>> = vec![vec![]];
    for v in vary {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                v.values.iter().map(move |value| {
                    let mut p = prefix.clone();
                    p.push(value.clone());
                    p
                })
            })
            .collect();
    }
    out
}

/// `{"a": 1, "g": {"x": 2}}` → `a`, `g.x`, in the object's order.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::Object(_) => flatten(&format!("{prefix}{k}."), v, out),
                    _ => out.push((format!("{prefix}{k}"), cell(v))),
                }
            }
        }
        other => out.push((prefix.trim_end_matches('.').to_string(), cell(other))),
    }
}

/// A JSON value as a CSV cell: strings bare, `null` empty, the rest as JSON.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl SweepTable {
    /// The table as CSV (RFC 4180: a cell with a comma, a quote or a line
    /// break is quoted, its quotes doubled), lines ending in `\n`.
    pub fn to_csv(&self) -> String {
        let line = |cells: &[String]| {
            cells
                .iter()
                .map(|c| {
                    if c.contains([',', '"', '\n', '\r']) {
                        format!("\"{}\"", c.replace('"', "\"\""))
                    } else {
                        c.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(",")
        };
        let mut out = line(&self.header);
        out.push('\n');
        for row in &self.rows {
            out.push_str(&line(row));
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_split_at_top_level_commas_only() {
        let v = Vary::parse(r#"service.outages=[],[{"from_ms":0,"to_ms":5}]"#).unwrap();
        assert_eq!(v.values, vec![json!([]), json!([{"from_ms": 0, "to_ms": 5}])]);
        let v = Vary::parse("strategy.jitter=none, full ,\"a,b\"").unwrap();
        assert_eq!(v.values, vec![json!("none"), json!("full"), json!("a,b")]);
        assert!(Vary::parse("=1,2").unwrap_err().to_string().contains("--vary =1,2"));
        assert!(Vary::parse("strategy.max_attempts")
            .unwrap_err()
            .to_string()
            .contains("path=a,b,c"));
        assert!(Vary::parse("strategy.max_attempts=")
            .unwrap_err()
            .to_string()
            .contains("no values"));
    }

    fn sweep(vary: &[&str], seeds: Option<u64>) -> Result<Sweep, Vec<ConfigError>> {
        let vary = vary.iter().map(|v| Vary::parse(v).unwrap()).collect();
        Sweep::new(&RunSpec::retry_defaults(), vary, seeds, WorkLimits::LINK)
    }

    #[test]
    fn the_grid_is_in_order_and_the_same_on_any_number_of_threads() {
        let s = sweep(&["strategy.max_attempts=1,2,3", "strategy.jitter=none,full"], Some(3)).unwrap();
        assert_eq!(s.runs(), 18);
        let one = s.run(1);
        let many = s.run(4);
        assert_eq!(one, many);
        assert_eq!(one.header[..3], ["strategy.max_attempts", "strategy.jitter", "seed"]);
        let keys: Vec<(&str, &str, &str)> = one
            .rows
            .iter()
            .map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str()))
            .collect();
        assert_eq!(keys[0], ("1", "none", "0"));
        assert_eq!(keys[2], ("1", "none", "2"));
        assert_eq!(keys[3], ("1", "full", "0"));
        assert_eq!(keys[17], ("3", "full", "2"));
        // Each row is the report of that point and seed.
        let col = |name: &str| one.header.iter().position(|h| h == name).unwrap();
        let mut spec = RunSpec::retry_defaults();
        spec.apply(&Override::parse("strategy.max_attempts=2").unwrap())
            .unwrap();
        let report = spec.check().unwrap().config.run(1).unwrap();
        let row = &one.rows[2 * 3 + 1];
        assert_eq!(row[col("calls")], report.a.metrics["calls"].to_string());
        assert_eq!(
            row[col("gave_up.attempts")],
            report.a.metrics["gave_up"]["attempts"].to_string()
        );
    }

    #[test]
    fn side_b_has_its_own_prefixed_columns() {
        let s = sweep(&["compare.jitter=full"], None).unwrap();
        let t = s.run(2);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0][1], crate::codec::DEFAULT_SEED.to_string());
        let first_b = t.header.iter().position(|h| h.starts_with("b.")).unwrap();
        assert!(t.header[first_b..].iter().all(|h| h.starts_with("b.")));
        assert!(t.header.contains(&"b.gave_up.budget".to_string()));
    }

    #[test]
    fn a_bad_point_is_named_and_nothing_runs() {
        let errors = sweep(&["strategy.max_attempts=3,100000"], Some(2)).unwrap_err();
        let text = errors[0].to_string();
        assert!(
            text.contains("strategy.max_attempts") && text.contains("100000"),
            "{text}"
        );
        assert!(text.contains("at strategy.max_attempts=100000"), "{text}");
        assert!(sweep(&["strategy.max_attempts=1"], Some(0)).is_err());
        let many: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
        let arg = format!("strategy.base_ms={}", many.join(","));
        assert!(sweep(&[&arg], Some(1000)).unwrap_err()[0]
            .to_string()
            .contains("more than"));
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let t = SweepTable {
            header: vec!["a".into(), "b".into()],
            rows: vec![vec!["x,y".into(), "say \"hi\"".into()]],
        };
        assert_eq!(t.to_csv(), "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n");
    }
}

//! The `playground` binary, run as a user runs it: arguments in, JSON or a
//! link out, reasons on standard error and exit status 2 when the input is
//! wrong. The library behind it has its own tests; these check the glue —
//! that each command reaches the engine with the right config and seed, and
//! that the CLI and the browser agree (same link, same trace hash).

use engine::codec::{self, LabState, Page};
use engine::labs::presets;
use engine::Lang;
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// What one run of the binary gave.
struct Ran {
    status: i32,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn ok(self) -> String {
        assert_eq!(self.status, 0, "expected success; stderr: {}", self.stderr);
        assert!(self.stderr.is_empty(), "unexpected stderr: {}", self.stderr);
        self.stdout
    }
    fn json(self) -> Value {
        let out = self.ok();
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
    }
    /// Asserts a usage/input failure that mentions `says`, and returns stderr.
    fn fails_with(self, says: &str) -> String {
        assert_eq!(
            self.status, 2,
            "expected exit 2; stdout: {} stderr: {}",
            self.stdout, self.stderr
        );
        assert!(self.stdout.is_empty(), "nothing is printed on failure: {}", self.stdout);
        assert!(
            self.stderr.contains(says),
            "stderr should mention {says:?}: {}",
            self.stderr
        );
        self.stderr
    }
}

fn from_output(out: Output) -> Ran {
    Ran {
        status: out.status.code().expect("exited normally"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

fn playground(args: &[&str]) -> Ran {
    from_output(
        Command::new(env!("CARGO_BIN_EXE_playground"))
            .args(args)
            .output()
            .expect("run playground"),
    )
}

fn playground_with_stdin(args: &[&str], stdin: &str) -> Ran {
    let mut child = Command::new(env!("CARGO_BIN_EXE_playground"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run playground");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    from_output(child.wait_with_output().unwrap())
}

/// A config file in the temp directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(text: &str) -> TempFile {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "playground-cli-{}-{}.json",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, text).unwrap();
        TempFile(path)
    }
    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// `prefix` followed by the version links are written in today, e.g. `…/retry/2.`.
fn current(prefix: &str) -> String {
    format!("{prefix}{}.", codec::CURRENT_VERSION)
}

fn preset_link(id: &str) -> (String, LabState) {
    let p = presets().into_iter().find(|p| p.id == id).unwrap();
    let state = LabState {
        seed: p.seed,
        config: p.config,
    };
    (codec::share_url("http://127.0.0.1:8080/", Lang::En, &state), state)
}

/// The report the library gives for `state`, as JSON.
fn library_report(state: &LabState) -> Value {
    serde_json::to_value(state.config.run(state.seed).unwrap()).unwrap()
}

#[test]
fn help_explains_the_commands_and_the_file_format() {
    for args in [&["--help"][..], &["-h"], &[], &["run", "--help"]] {
        let out = playground(args).ok();
        for word in [
            "run",
            "url",
            "decode",
            "presets",
            "--set",
            "--seed",
            "CONFIG FILES",
            "EXIT STATUS",
        ] {
            assert!(out.contains(word), "help lacks {word}");
        }
        assert!(out.contains(&format!("seed to {}", codec::DEFAULT_SEED)));
    }
}

#[test]
fn presets_lists_every_preset_with_a_working_link() {
    let out = playground(&["presets"]).ok();
    let lines: Vec<&str> = out.lines().collect();
    let all = presets();
    assert_eq!(lines.len(), all.len());
    for (line, p) in lines.iter().zip(&all) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "id, title, link: {line}");
        assert_eq!(cols[0], p.id);
        assert_eq!(cols[1], p.title(Lang::En));
        assert!(
            cols[2].starts_with(&current(&format!("http://127.0.0.1:8080/#/en/{}/", p.lab.slug()))),
            "{line}"
        );
        let d = codec::decode(cols[2]);
        assert_eq!(d.problem, None);
        assert_eq!(
            d.page,
            Page::Lab(LabState {
                seed: p.seed,
                config: p.config.clone()
            })
        );
    }
    let es = playground(&["presets", "--lang", "es", "--base", "https://x.test/p/"]).ok();
    assert!(es.lines().all(|l| l.contains("\thttps://x.test/p/#/es/")));
    assert_eq!(
        es.lines().next().unwrap().split('\t').nth(1).unwrap(),
        all[0].title(Lang::Es)
    );
}

#[test]
fn run_of_a_preset_link_gives_the_library_report_and_the_golden_hash() {
    let golden: Value = serde_json::from_str(include_str!("golden/trace_hashes.json")).expect("golden file is JSON");
    for id in ["tenacity", "storm_breaker"] {
        let (link, state) = preset_link(id);
        let report = playground(&["run", &link]).json();
        assert_eq!(report, library_report(&state), "{id}");
        assert_eq!(
            report,
            golden[format!("retry/{id}")],
            "{id}: the CLI disagrees with the golden file"
        );
    }
    // A compare preset reports side B too.
    let (link, _) = preset_link("storm_breaker");
    let report = playground(&["run", &link]).json();
    for key in ["metrics", "trace_hash", "events"] {
        assert!(report["b"].get(key).is_some(), "b lacks {key}");
    }
}

#[test]
fn run_reads_both_file_forms_and_stdin() {
    let body = r#"{"service": {"transient_failure_rate": 0.3}, "strategy": {"max_attempts": 4}}"#;
    let envelope = TempFile::new(&format!(r#"{{"lab": "retry", "seed": 9, "config": {body}}}"#));
    let bare = TempFile::new(body);
    let from_envelope = playground(&["run", envelope.path()]).json();
    assert_eq!(from_envelope["seed"], 9);
    assert_eq!(from_envelope["lab"], "retry");
    // A bare config takes the default seed; --seed makes it the same run.
    let from_bare = playground(&["run", bare.path()]).json();
    assert_eq!(from_bare["seed"], codec::DEFAULT_SEED);
    assert_eq!(playground(&["run", bare.path(), "--seed", "9"]).json(), from_envelope);
    assert_eq!(
        playground_with_stdin(&["run", "-", "--seed=9"], body).json(),
        from_envelope
    );
    assert!(from_envelope.get("b").is_none(), "no compare, no side B");
}

#[test]
fn set_overrides_change_the_run_like_an_edited_file() {
    let base = TempFile::new("{}");
    let edited = TempFile::new(
        r#"{"workload": {"kind": "poisson", "clients": 100, "rate_per_client": 0.5, "duration_ms": 10000},
            "service": {"transient_failure_rate": 0.3}, "strategy": {"jitter": "full", "wait": "exponential"}}"#,
    );
    let overridden = playground(&[
        "run",
        base.path(),
        "--set",
        r#"workload={"kind": "poisson", "clients": 5, "rate_per_client": 0.5, "duration_ms": 10000}"#,
        "--set",
        "service.transient_failure_rate=0.3",
        "--set=strategy.jitter=full",
        "--set",
        "strategy.wait=\"exponential\"",
        "--set",
        "workload.clients=100",
    ])
    .json();
    assert_eq!(overridden, playground(&["run", edited.path()]).json());
    assert!(overridden["metrics"]["requests"].as_u64().unwrap() > 100);
    // An override turns a cure on, with its other fields at their defaults.
    let with_budget = playground(&["decode", base.path(), "--set", "strategy.budget.max_tokens=20"]).json();
    assert_eq!(with_budget["config"]["strategy"]["budget"]["max_tokens"], 20);
    assert_eq!(with_budget["config"]["strategy"]["budget"]["refill"], "on_success");
}

#[test]
fn url_and_decode_are_inverse() {
    let (link, state) = preset_link("bigfs");
    let decoded = playground(&["decode", &link]).ok();
    let json: Value = serde_json::from_str(&decoded).unwrap();
    assert_eq!(json["lab"], "retry");
    assert_eq!(json["seed"], state.seed);
    assert!(
        decoded.find("\"lab\"").unwrap() < decoded.find("\"config\"").unwrap(),
        "lab, seed, then config"
    );
    let file = TempFile::new(&decoded);
    assert_eq!(playground(&["url", file.path()]).ok().trim(), link);
    let es = playground(&["url", file.path(), "--lang", "es", "--base", "https://x.test/app/#old"]).ok();
    assert!(es.starts_with(&current("https://x.test/app/#/es/retry/")), "{es}");
    assert_eq!(codec::decode(es.trim()).page, Page::Lab(state));
}

/// A link given as the source keeps its site: `url` (with `--set`, say)
/// writes the new link on the same host, port and folder, the lab page's file
/// dropped (the site's root sends it there) and its query kept; `--base`
/// still wins, and a file's link goes to the default site.
#[test]
fn url_of_a_link_stays_on_that_links_site() {
    let (link, _) = preset_link("tenacity");
    let fragment = &link[link.find('#').unwrap()..];
    for (from, to) in [
        (
            format!("http://127.0.0.1:8870/{fragment}"),
            "http://127.0.0.1:8870/#/en/retry/",
        ),
        (
            format!("http://127.0.0.1:8870/retry.html{fragment}"),
            "http://127.0.0.1:8870/#/en/retry/",
        ),
        (
            format!("https://course.test/unit-3/retry.html?embed=1{fragment}"),
            "https://course.test/unit-3/?embed=1#/en/retry/",
        ),
        (
            format!("https://course.test{fragment}"),
            "https://course.test/#/en/retry/",
        ),
    ] {
        let out = playground(&["url", &from, "--set", "strategy.max_attempts=4"]).ok();
        assert!(out.starts_with(&current(to)), "{from} → {out}");
    }
    let out = playground(&[
        "url",
        &format!("http://127.0.0.1:8870/{fragment}"),
        "--base",
        "https://x.test/",
    ])
    .ok();
    assert!(out.starts_with(&current("https://x.test/#/en/retry/")), "{out}");
    let bare = playground(&["url", fragment]).ok();
    assert!(
        bare.starts_with(&current("http://127.0.0.1:8080/#/en/retry/")),
        "{bare}"
    );
}

#[test]
fn broken_links_are_refused_not_replaced_by_defaults() {
    let (link, _) = preset_link("storm_budget");
    let cut = &link[..link.len() - 40];
    for command in ["run", "url", "decode"] {
        playground(&[command, cut]).fails_with("damaged");
    }
    playground(&["run", "#/en/retry/7.abc"]).fails_with("version");
    playground(&["run", "#/en/nope/1.abc"]).fails_with("no lab");
    playground(&["run", "#/en"]).fails_with("home page");
    // The problem is described in the language asked for.
    playground(&["run", cut, "--lang", "es"]).fails_with("dañado");
}

#[test]
fn invalid_values_are_refused_with_the_validators_words() {
    let file = TempFile::new("{}");
    let stderr = playground(&[
        "run",
        file.path(),
        "--set",
        "service.transient_failure_rate=5",
        "--set",
        "strategy.max_attempts=10001",
    ])
    .fails_with("service.transient_failure_rate must be between 0 and 1, got 5");
    assert!(
        stderr.contains("strategy.max_attempts must be between 0 and 10,000, got 10,001"),
        "{stderr}"
    );
    playground(&["run", file.path(), "--set", "strategy.max_attempts=1000000000000"]).fails_with("1000000000000");
    playground(&["run", file.path(), "--set", "strategy.jitter=sideways"]).fails_with("sideways");
    playground(&["run", file.path(), "--set", "service.colour=red"]).fails_with("colour");
    playground(&["run", file.path(), "--set", "service.latency_ms.x=1"]).fails_with("expected a whole number ≥ 0");
    let explicit = TempFile::new(r#"{"service": {"latency_ms": 80}}"#);
    playground(&["run", explicit.path(), "--set", "service.latency_ms.x=1"]).fails_with("is a number");
    playground(&["run", file.path(), "--set", "noequals"]).fails_with("path=value");
    // Each part of a config is an object, not a list of its fields.
    playground(&["run", file.path(), "--set", "strategy=[5]"])
        .fails_with("strategy could not be read: expected an object {…}, got a list […]");
    let list = TempFile::new(r#"{"seed": 1, "config": []}"#);
    playground(&["run", list.path()]).fails_with("config could not be read: expected an object");
    let bad = TempFile::new(r#"{"seed": -3}"#);
    playground(&["run", bad.path()]).fails_with("seed");
    let not_json = TempFile::new("{ this is not json");
    playground(&["run", not_json.path()]).fails_with("could not be read");
}

#[test]
fn usage_mistakes_exit_2_with_a_hint() {
    let cases: &[(&[&str], &str)] = &[
        (&["fly"], "unknown command"),
        (&["run"], "needs a config file or a link"),
        (&["run", "a.json", "b.json"], "unexpected argument"),
        (&["run", "/no/such/file.json"], "no such file"),
        (&["run", "x.json", "--seed"], "--seed needs a value"),
        (&["run", "x.json", "--seed", "-1"], "whole number"),
        (&["run", "x.json", "--lang", "fr"], "en, es or pt"),
        (&["run", "x.json", "--verbose"], "unknown option"),
        (&["presets", "--seed", "3"], "no --set or --seed"),
    ];
    for (args, says) in cases {
        let stderr = playground(args).fails_with(says);
        assert!(stderr.starts_with("playground: "), "{stderr}");
    }
}

/// `#/en/retry/2.<data>` for the JSON text of a payload, as version 2 packs it.
fn link_with_json(json_text: &str) -> String {
    use base64::Engine;
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(json_text.as_bytes(), 9);
    format!(
        "http://127.0.0.1:8080/#/en/retry/2.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)
    )
}

#[test]
fn bad_sources_and_overrides_are_named() {
    // A directory is not "no such file".
    let dir = std::env::temp_dir();
    let dir = dir.to_str().unwrap();
    playground(&["run", dir]).fails_with("is a directory");
    playground(&["url", dir]).fails_with("is a directory");
    // `--set =1` names the argument and the problem, not an empty field.
    let stderr = playground(&["run", "#/en/retry", "--set", "=1"]).fails_with("--set =1");
    assert!(stderr.contains("the field is missing before `=`"), "{stderr}");
    // A field the workload does not have is refused, not ignored.
    playground(&["run", "#/en/retry", "--set", "workload.clients=100"])
        .fails_with("workload.clients could not be read: unknown field: a `single` workload has no other field");
    playground(&["run", "#/en/retry", "--set", "workload={\"clients\": 100}"]).fails_with("workload.kind");
    playground(&[
        "run",
        "#/en/retry",
        "--set",
        "workload={\"kind\": \"poisson\", \"clients\": \"many\", \"rate_per_client\": 1, \"duration_ms\": 10}",
    ])
    .fails_with("workload.clients could not be read: invalid type: text");
    playground(&["run", "#/en/retry", "--set", "workload={\"kind\": \"herd\"}"])
        .fails_with("workload.clients could not be read: missing field");
}

#[test]
fn old_links_with_unknown_fields_are_refused_with_the_field_named() {
    // Such a link used to open silently without its `colour`; now it says why it cannot.
    let link = link_with_json(
        r#"{"seed": 1, "config": {"workload": {"kind": "poisson", "clients": 50, "rate_per_client": 1, "duration_ms": 1000, "colour": "red"}}}"#,
    );
    playground(&["run", &link]).fails_with("workload.colour");
    let link = link_with_json(r#"{"seed": 1, "config": {"workload": {"kind": "single", "clients": 5000}}}"#);
    playground(&["decode", &link]).fails_with("workload.clients");
}

#[test]
fn a_lost_output_is_an_error_but_a_closed_pipe_is_not() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // no /dev/full on this system
    };
    let out = Command::new(env!("CARGO_BIN_EXE_playground"))
        .args(["presets"])
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .expect("run playground");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("cannot write to standard output"), "{stderr}");
    // A reader that stops early (`| head -1`) is not a failure.
    let mut child = Command::new(env!("CARGO_BIN_EXE_playground"))
        .args(["presets"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run playground");
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

/// A path in the temp directory for an output file, removed when dropped.
fn temp_out(name: &str) -> TempFile {
    let file = TempFile::new("");
    let path = file.0.with_extension(name);
    let _ = std::fs::remove_file(&file.0);
    TempFile(path)
}

#[test]
fn run_trace_writes_one_json_line_per_call() {
    for id in ["tenacity", "storm_breaker"] {
        let (link, state) = preset_link(id);
        let out = temp_out("jsonl");
        let report = playground(&["run", &link, "--trace", out.path()]).json();
        // The report is unchanged by --trace.
        assert_eq!(report, library_report(&state), "{id}");
        let text = std::fs::read_to_string(out.path()).expect("the trace file is written");
        let mut per_side = [0u64, 0];
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{id}: not JSON ({e}): {line}"));
            let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            assert_eq!(
                sorted,
                [
                    "attempt",
                    "end_ms",
                    "node",
                    "request",
                    "result",
                    "side",
                    "start_ms",
                    "wait_before_ms"
                ],
                "{id}: {line}"
            );
            assert!(v["node"].as_str().unwrap().starts_with("node_"), "{line}");
            assert!(
                v["end_ms"].as_f64().unwrap() >= v["start_ms"].as_f64().unwrap(),
                "{line}"
            );
            match v["side"].as_str().unwrap() {
                "a" => per_side[0] += 1,
                "b" => per_side[1] += 1,
                other => panic!("side {other}"),
            }
        }
        assert_eq!(
            per_side[0],
            report["metrics"]["calls"].as_u64().unwrap(),
            "{id}: lines of A vs calls"
        );
        let calls_b = report.get("b").map_or(0, |b| b["metrics"]["calls"].as_u64().unwrap());
        assert_eq!(per_side[1], calls_b, "{id}: lines of B vs calls");
        assert_eq!(text.lines().count() as u64, per_side[0] + per_side[1]);
        // The same link writes the same file, byte for byte.
        playground(&["run", &link, "--trace", out.path()]).ok();
        assert_eq!(std::fs::read_to_string(out.path()).unwrap(), text, "{id}");
    }
}

#[test]
fn trace_is_explained_and_refused_where_it_makes_no_sense() {
    let help = playground(&["--help"]).ok();
    for word in ["--trace FILE", "TRACE FILES", "wait_before_ms", "JSON lines"] {
        assert!(help.contains(word), "help lacks {word}");
    }
    let (link, _) = preset_link("tenacity");
    let out = temp_out("jsonl");
    playground(&["url", &link, "--trace", out.path()]).fails_with("only `run` takes --trace");
    playground(&["run", &link, "--trace"]).fails_with("--trace needs a value");
    let missing_dir = std::env::temp_dir().join("playground-no-such-dir").join("t.jsonl");
    playground(&["run", &link, "--trace", missing_dir.to_str().unwrap()]).fails_with("cannot write the trace");
}

/// Parses the sweep's CSV (no quoted cells in these tests) into a header and rows.
fn csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = text
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>());
    let header = lines.next().expect("a header");
    let rows: Vec<Vec<String>> = lines.collect();
    assert!(rows.iter().all(|r| r.len() == header.len()), "ragged CSV: {text}");
    (header, rows)
}

#[test]
fn sweep_prints_one_row_per_run_in_grid_order_with_the_run_reports() {
    let out = playground(&[
        "sweep",
        "#/en/retry",
        "--set",
        "service.transient_failure_rate=0.7",
        "--vary",
        "strategy.max_attempts=1,4",
        "--vary",
        "strategy.wait=immediate,fixed",
        "--seeds",
        "3",
    ])
    .ok();
    let (header, rows) = csv(&out);
    assert_eq!(header[..3], ["strategy.max_attempts", "strategy.wait", "seed"]);
    assert!(header.contains(&"gave_up.attempts".to_string()));
    assert_eq!(rows.len(), 2 * 2 * 3);
    let keys: Vec<String> = rows.iter().map(|r| r[..3].join(" ")).collect();
    assert_eq!(keys[0], "1 immediate 0");
    assert_eq!(keys[4], "1 fixed 1");
    assert_eq!(keys[11], "4 fixed 2");
    // A row is exactly what `run` reports for that point and seed.
    let report = playground(&[
        "run",
        "#/en/retry",
        "--set",
        "service.transient_failure_rate=0.7",
        "--set",
        "strategy.max_attempts=4",
        "--set",
        "strategy.wait=immediate",
        "--seed",
        "2",
    ])
    .json();
    let row = &rows[2 * 3 + 2];
    for (name, value) in [
        ("calls", &report["metrics"]["calls"]),
        ("success_rate", &report["metrics"]["success_rate"]),
    ] {
        let col = header.iter().position(|h| h == name).unwrap();
        assert_eq!(row[col], value.to_string(), "{name}");
    }
}

#[test]
fn sweep_names_side_b_and_refuses_what_it_cannot_run() {
    let (header, rows) =
        csv(&playground(&["sweep", "#/en/retry", "--set", "compare.jitter=full", "--seeds", "2"]).ok());
    assert_eq!(rows.len(), 2);
    assert!(header.contains(&"b.success_rate".to_string()) && header.contains(&"success_rate".to_string()));
    let first_b = header.iter().position(|h| h.starts_with("b.")).unwrap();
    assert!(header[first_b..].iter().all(|h| h.starts_with("b.")));
    // A bad point is named and nothing is printed.
    playground(&["sweep", "#/en/retry", "--vary", "strategy.max_attempts=2,20000"])
        .fails_with("strategy.max_attempts (at strategy.max_attempts=20000) must be between 0 and 10,000");
    playground(&["sweep", "#/en/retry"]).fails_with("needs --vary");
    playground(&["sweep", "#/en/retry", "--seeds", "0"]).fails_with("--seeds needs a whole number ≥ 1");
    playground(&["run", "#/en/retry", "--vary", "strategy.max_attempts=1,2"]).fails_with("only `sweep`");
    playground(&["sweep", "#/en/retry", "--vary", "=1,2"])
        .fails_with("--vary =1,2 could not be read: the field is missing");
}

#[test]
fn the_command_line_takes_links_too_long_for_a_tab() {
    // 20 million quick calls: refused as a link, decoded and accepted here; `url` keeps to a link's limits.
    let file = TempFile::new(
        r#"{"workload": {"kind": "poisson", "clients": 5000, "rate_per_client": 1, "duration_ms": 200000},
            "service": {"latency_ms": 1, "latency_shape": "fixed"},
            "strategy": {"max_attempts": 20, "wait": "immediate"}}"#,
    );
    let decoded = playground(&["decode", file.path()]).ok();
    assert!(decoded.contains("\"max_attempts\": 20"), "{decoded}");
    playground(&["url", file.path()]).fails_with("more than the 10,000,000 a run may");
    assert!(playground(&["--help"]).ok().contains("100,000,000"));
}

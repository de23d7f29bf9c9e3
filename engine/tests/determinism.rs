//! Determinism: the same config and seed give the same run, byte for byte —
//! twice in a row, however the run is driven (to the end, in chunks, record
//! by record), and on every platform.
//!
//! The cross-platform half rests on a golden file,
//! `engine/tests/golden/trace_hashes.json`, which this test recomputes
//! natively and the web app's wasm-bindgen-test recomputes in headless
//! Chromium. Its format is deliberately plain:
//!
//! ```text
//! {
//!   "<preset id>": <the preset's RunReport>,
//!   …
//! }
//! ```
//!
//! one entry per preset of [`engine::labs::presets`], where each entry is
//! exactly `serde_json::to_value(preset.config.run(preset.seed).unwrap())` —
//! the JSON `playground run` prints: `lab`, `seed`, `metrics`, `trace_hash`
//! (16 hex digits of the trace digest), `events`, and `b` (with `metrics`,
//! `trace_hash`, `events`) for presets that compare two strategies. A checker
//! on any platform parses the file, runs each preset and compares the JSON
//! values for equality.
//!
//! When the engine changes on purpose, regenerate it with
//! `UPDATE_GOLDEN=1 cargo test -p playground-engine --test determinism`
//! and commit the diff with the change that caused it.

mod support;

use engine::labs::retry::{RetryModel, RetryRun};
use engine::labs::{presets, LabConfig};
use engine::sim::{Progress, Simulation};
use engine::time::SimTime;
use proptest::prelude::*;
use serde_json::{Map, Value};
use std::path::PathBuf;
use support::{retry_configs, Scale};

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/trace_hashes.json")
}

/// Every preset's report, as the golden file holds it.
fn reports() -> Map<String, Value> {
    let mut out = Map::new();
    for p in presets() {
        let report = p
            .config
            .run(p.seed)
            .unwrap_or_else(|e| panic!("preset {} is invalid: {e:?}", p.id));
        let previous = out.insert(p.key(), serde_json::to_value(report).expect("reports serialise"));
        assert!(
            previous.is_none(),
            "two presets are called {}: the golden file needs unique ids",
            p.key()
        );
    }
    out
}

/// What differs between two reports, in a line a person can act on.
fn differences(want: &Value, got: &Value) -> String {
    let fields = ["seed", "trace_hash", "events", "metrics", "b"];
    let mut out = Vec::new();
    for f in fields {
        if want.get(f) != got.get(f) {
            let show = |v: Option<&Value>| match v {
                Some(Value::Object(_)) => "{…}".to_string(),
                Some(v) => v.to_string(),
                None => "absent".to_string(),
            };
            out.push(format!("{f}: golden {} now {}", show(want.get(f)), show(got.get(f))));
        }
    }
    out.join("; ")
}

#[test]
fn presets_match_the_golden_trace_hashes() {
    let now = reports();
    let path = golden_path();
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        let text = serde_json::to_string_pretty(&Value::Object(now)).unwrap() + "\n";
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        eprintln!("rewrote {}", path.display());
        return;
    }
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {} ({e}); create it with UPDATE_GOLDEN=1", path.display()));
    let golden: Map<String, Value> = serde_json::from_str(&text).expect("the golden file is a JSON object");
    let mut problems = Vec::new();
    for p in presets() {
        let got = &now[&p.key()];
        match golden.get(&p.key()) {
            None => problems.push(format!("preset {} (seed {}) is missing from the golden file", p.id, p.seed)),
            Some(want) if want != got => problems.push(format!(
                "preset {} (seed {}) no longer matches: {}\n  reproduce: cargo run -p playground-engine --bin playground -- run '{}'",
                p.id,
                p.seed,
                differences(want, got),
                engine::codec::share_url("", engine::Lang::En, &engine::codec::LabState { seed: p.seed, config: p.config.clone() }),
            )),
            Some(_) => {}
        }
    }
    for id in golden.keys().filter(|id| !now.contains_key(*id)) {
        problems.push(format!("the golden file has {id}, which is no longer a preset"));
    }
    assert!(
        problems.is_empty(),
        "{}\n\nIf the change is intended, run UPDATE_GOLDEN=1 cargo test -p playground-engine --test determinism \
         and commit {} with it.",
        problems.join("\n"),
        path.display()
    );
}

#[test]
fn the_golden_file_is_plain_run_reports() {
    // The format the wasm checker relies on: every entry has these keys.
    let text = std::fs::read_to_string(golden_path()).expect("golden file");
    let golden: Map<String, Value> = serde_json::from_str(&text).unwrap();
    for (id, entry) in &golden {
        for key in ["lab", "seed", "metrics", "trace_hash", "events"] {
            assert!(entry.get(key).is_some(), "{id} lacks {key}");
        }
        let hash = entry["trace_hash"].as_str().unwrap();
        assert!(
            hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()),
            "{id}: {hash}"
        );
    }
}

/// A digest of a whole retry run (both sides), for comparing runs.
fn fingerprint(run: &RetryRun) -> Vec<(String, u64, u64, String)> {
    run.sides()
        .map(|s| {
            let metrics = serde_json::to_string(&s.model().stats().metrics()).unwrap();
            (s.trace().digest_hex(), s.events(), s.now().as_micros(), metrics)
        })
        .collect()
}

/// How the browser drives a run: frames of `run_until` with a small event
/// cap, with "step" presses in between.
fn drive_in_chunks(run: &mut RetryRun, frame_ms: u64, cap: u64, step_every: u32) {
    let mut until = SimTime::ZERO;
    let mut frame = 0;
    while !run.is_finished() {
        frame += 1;
        if step_every > 0 && frame % step_every == 0 {
            run.step_record(cap);
        } else if run.run_until(until, cap) != Progress::Paused {
            // Skip frames with nothing to show, or a long idle wait takes forever.
            let next = run.sides().filter_map(|s| s.next_event_at()).min().unwrap_or(until);
            until = SimTime(until.as_micros() + frame_ms * 1000).max(next);
        }
        assert!(frame < 50_000_000, "the run does not end");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Any valid config and seed, run twice, gives the same trace digest and
    /// metrics — also when the second run is driven in small chunks.
    #[test]
    fn any_config_and_seed_run_twice_give_the_same_trace(
        config in retry_configs(Scale::Runnable),
        seed in any::<u64>(),
        frame_ms in 1u64..5_000,
        cap in 1u64..500,
        step_every in 0u32..5,
    ) {
        let mut first = RetryRun::new(&config, seed).unwrap();
        prop_assert_eq!(first.run_to_end(u64::MAX), Progress::Finished);
        let mut second = RetryRun::new(&config, seed).unwrap();
        drive_in_chunks(&mut second, frame_ms, cap, step_every);
        prop_assert_eq!(fingerprint(&first), fingerprint(&second), "seed {}", seed);
        // The CLI's report is the same run.
        let report = LabConfig::Retry(config.clone()).run(seed).unwrap();
        prop_assert_eq!(&report.a.trace_hash, &first.a.trace().digest_hex());
    }
}

#[test]
fn the_trace_capacity_changes_what_is_kept_not_the_digest() {
    for p in engine::labs::retry::presets::all() {
        let scenario = p.config.scenario().unwrap();
        let mut small = Simulation::with_trace_capacity(RetryModel::new(scenario.clone(), p.seed), 1);
        let mut large = Simulation::with_trace_capacity(RetryModel::new(scenario, p.seed), 1 << 20);
        small.run_to_end(u64::MAX);
        large.run_to_end(u64::MAX);
        assert_eq!(
            small.trace().digest(),
            large.trace().digest(),
            "preset {} (seed {})",
            p.id,
            p.seed
        );
        assert_eq!(small.trace().total(), large.trace().total());
    }
}

#[test]
fn different_seeds_give_different_traces() {
    // A digest that ignored the seed would pass every test above.
    for p in presets() {
        let a = p.config.run(p.seed).unwrap();
        let b = p.config.run(p.seed + 1).unwrap();
        if p.id != "scripted" && p.id != "permanent" {
            assert_ne!(a.a.trace_hash, b.a.trace_hash, "preset {}", p.id);
        }
    }
}

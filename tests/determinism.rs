//! Determinism across platforms: every preset, run to the end inside headless
//! Chromium's WebAssembly engine, must give exactly the report that the native
//! build recorded in `engine/tests/golden/trace_hashes.json` — the same
//! metrics, event count and trace hash. The native half of the check is
//! `engine/tests/determinism.rs`; both compare against the same file, so a
//! pass on both means native and WASM agree byte for byte.
#![cfg(target_arch = "wasm32")]

use engine::labs::presets;
use serde_json::Value;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const GOLDEN: &str = include_str!("../engine/tests/golden/trace_hashes.json");

#[wasm_bindgen_test]
fn every_preset_matches_the_native_golden_run() {
    let golden: Value = serde_json::from_str(GOLDEN).expect("the golden file is JSON");
    let all = presets();
    assert!(!all.is_empty());
    for preset in all {
        let expected = golden
            .get(preset.key())
            .unwrap_or_else(|| panic!("no golden entry for preset {}", preset.key()));
        let report = preset.config.run(preset.seed).expect("presets are valid");
        let actual = serde_json::to_value(&report).expect("reports serialise");
        assert_eq!(
            &actual, expected,
            "preset {} (seed {}) runs differently in WASM than natively",
            preset.id, preset.seed
        );
    }
}

#[wasm_bindgen_test]
fn the_same_run_driven_in_frame_sized_chunks_gives_the_same_trace() {
    // The browser drives runs in chunks per animation frame; that must not change the outcome.
    let preset = presets()
        .into_iter()
        .find(|p| p.id == "storm_breaker")
        .expect("preset exists");
    let engine::LabConfig::Retry(cfg) = &preset.config else {
        unreachable!("storm_breaker is a retry preset")
    };
    let mut chunked = engine::labs::retry::RetryRun::new(cfg, preset.seed).unwrap();
    let mut t = 0u64;
    while chunked.run_until(engine::SimTime(t), 20_000) != engine::Progress::Finished {
        t += 16_667 * 6; // ~6 simulated ms per 16.7 ms frame at ×6
    }
    let whole = preset.config.run(preset.seed).unwrap();
    assert_eq!(chunked.a.trace().digest_hex(), whole.a.trace_hash);
    assert_eq!(
        chunked.b.as_ref().unwrap().trace().digest_hex(),
        whole.b.unwrap().trace_hash
    );
}

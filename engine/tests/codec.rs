//! The share codec under pressure. Links travel through chat apps, e-mail and
//! hand edits, and some are made by people who want to break things, so:
//!
//! - every valid configuration survives encode → decode exactly (proptest
//!   over the whole validated space);
//! - nothing a user can paste — random text, random bytes behind a valid
//!   prefix, valid base64 of random deflate data, real links cut short or
//!   with characters flipped, hostile JSON — makes decoding panic, and a link
//!   that cannot be used as it is always comes with a problem to show;
//! - a damaged link of the current version (a bit flipped, a character
//!   changed) never opens another config: zlib's checksum catches it. Version 1
//!   (raw DEFLATE, no checksum) rarely lets one through, and always will;
//! - links made by every version keep decoding to the same configuration
//!   forever (`tests/fixtures/links_v{1,2}.txt`), and presets fit in a URL.

mod support;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use engine::codec::{
    decode, encode_fragment, share_url, Decoded, LabState, LinkError, Page, CURRENT_VERSION, MAX_FRAGMENT,
};
use engine::labs::{presets, LabConfig, LabId};
use engine::run_spec::RunSpec;
use engine::Lang;
use proptest::prelude::*;
use serde_json::{json, Value};
use support::links::{
    check_bits_flipped, check_characters_changed, check_cut_short, data_start, decode_checked_by, json_values,
    replace_nth_node, replacements, silently_different, the_state,
};
use support::{retry_configs, Scale};

fn langs() -> impl Strategy<Value = Lang> {
    prop_oneof![Just(Lang::En), Just(Lang::Es), Just(Lang::Pt)]
}

/// The versions a link can have, each with how it packs the JSON text.
const VERSIONS: [u32; 2] = [1, 2];

fn pack(version: u32, bytes: &[u8], level: u8) -> Vec<u8> {
    match version {
        1 => miniz_oxide::deflate::compress_to_vec(bytes, level),
        _ => miniz_oxide::deflate::compress_to_vec_zlib(bytes, level),
    }
}

/// `#/en/retry/2.<data>`, as this version writes it, for the JSON text of a payload.
fn link_with_json(json_text: &str) -> String {
    link_with_json_as(CURRENT_VERSION, json_text)
}

/// `#/en/retry/<version>.<data>`, packed as `version` packs it.
fn link_with_json_as(version: u32, json_text: &str) -> String {
    link_with_compressed(version, &pack(version, json_text.as_bytes(), 9))
}

fn link_with_compressed(version: u32, bytes: &[u8]) -> String {
    format!("#/en/retry/{version}.{}", URL_SAFE_NO_PAD.encode(bytes))
}

fn defaults() -> LabState {
    LabState::default_for(LabId::Retry).unwrap()
}

/// Decodes `input`, checking what every decode must satisfy and that the
/// retry page reads only retry links, exactly as decode does (another built
/// lab's link it sends on, reading nothing).
fn decode_checked(input: &str) -> Decoded {
    decode_checked_by::<engine::labs::retry::RetryLab>(input)
}

#[test]
fn the_generator_only_makes_valid_configs() {
    let mut runner = proptest::test_runner::TestRunner::default();
    for scale in [Scale::Full, Scale::Runnable] {
        runner
            .run(&retry_configs(scale), |config| {
                prop_assert!(config.validate().is_ok(), "{:?}", config.validate());
                Ok(())
            })
            .unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any valid config, seed and language survive encode → decode exactly.
    #[test]
    fn any_valid_config_round_trips_exactly(config in retry_configs(Scale::Full), seed in any::<u64>(), lang in langs()) {
        let state = LabState { seed, config: LabConfig::Retry(config) };
        let url = share_url("https://example.org/playground/?x=1", lang, &state);
        let d = decode(&url);
        prop_assert_eq!(d.problem, None);
        prop_assert_eq!(d.lang, Some(lang));
        prop_assert_eq!(&d.page, &Page::Lab(state.clone()));
        // Encoding is a function of the state: the same link every time.
        prop_assert_eq!(encode_fragment(lang, &state), url.split_once('#').unwrap().1);
        prop_assert!(url.len() <= MAX_FRAGMENT, "a valid config makes a link the codec accepts");
    }

    /// Random text never panics.
    #[test]
    fn random_text_never_panics(s in any::<String>()) {
        decode_checked(&s);
        for version in VERSIONS {
            decode_checked(&format!("#/en/retry/{version}.{s}"));
        }
    }

    /// Text that looks like a link, nearly.
    #[test]
    fn link_shaped_text_never_panics(
        s in "(https?://[a-z.]{1,12}/)?#?/{0,3}(en|es|pt|fr|)/{0,2}(retry|choreography|cqrs|replica|nope|)/{0,2}[0-9+-]{0,3}\\.?[A-Za-z0-9_=-]{0,400}",
    ) {
        decode_checked(&s);
    }

    /// Random bytes behind a valid prefix, as text and as base64.
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2_000)) {
        decode_checked(&String::from_utf8_lossy(&bytes));
        for version in VERSIONS {
            decode_checked(&link_with_compressed(version, &bytes));
        }
    }

    /// Valid base64 of valid deflate (or zlib) data of random bytes: it inflates, then fails as JSON.
    #[test]
    fn random_deflate_data_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..4_000)) {
        for version in VERSIONS {
            let d = decode_checked(&link_with_compressed(version, &pack(version, &bytes, 6)));
            prop_assert!(d.problem.is_some(), "random bytes are not a config");
        }
    }

    /// A valid config's JSON with one node replaced by anything: the reader
    /// and the validator see every kind of wrong value in every place.
    #[test]
    fn configs_with_a_wrong_value_anywhere_never_panic(
        config in retry_configs(Scale::Full),
        target in any::<usize>(),
        replacement in json_values(),
    ) {
        let mut envelope = json!({ "seed": 1, "config": serde_json::to_value(&config).unwrap() });
        replace_nth_node(&mut envelope, target, replacement);
        let d = decode_checked(&link_with_json(&envelope.to_string()));
        if let Some(state) = the_state(&d) {
            prop_assert!(state.config.validate().is_ok());
        }
    }
}

/// The links of `tests/fixtures/links_v<version>.txt` with their expected runs.
fn fixtures(version: u32) -> Vec<(String, Value)> {
    let path = format!("{}/tests/fixtures/links_v{version}.txt", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (link, expected) = l
                .split_once('\t')
                .unwrap_or_else(|| panic!("fixture line without a tab: {l:.60}"));
            (
                link.to_string(),
                serde_json::from_str(expected).unwrap_or_else(|e| panic!("{link:.60}: {e}")),
            )
        })
        .collect()
}

/// Every fixture link decodes, without a problem, to its expected run.
fn check_fixtures(version: u32) {
    let fixtures = fixtures(version);
    // Every preset of the labs that had links in this version, and edge configs.
    let labs_then: &[engine::LabId] = if version == 1 {
        &[engine::LabId::Retry]
    } else {
        &engine::LabId::ALL
    };
    let presets_then = presets().iter().filter(|p| labs_then.contains(&p.lab)).count();
    assert!(fixtures.len() >= presets_then + 4);
    for (link, expected) in fixtures {
        assert!(
            link.contains(&format!("/{version}.")),
            "{link:.80}: not a version {version} link"
        );
        let d = decode(&link);
        if let Some(says) = expected.get("refused") {
            // Refused by a later limit (never mended: which setting to lower
            // is the teacher's choice): the defaults, and a message that says why.
            let says = says.as_str().expect("refused: a text");
            let text = d.problem.as_ref().map(|p| p.describe(Lang::En)).unwrap_or_default();
            assert!(text.contains(says), "{link}: {text}");
            assert_eq!(d.page, Page::Lab(defaults()), "{link}");
            // What it was is still a config that reads (only the work bound refuses it).
            let was = RunSpec::from_json(expected["was"].clone()).unwrap();
            let errors = was.check().unwrap_err();
            assert!(errors
                .iter()
                .all(|e| matches!(e.problem, engine::validate::Problem::TooMuchWork { .. })));
            continue;
        }
        assert_eq!(d.problem, None, "{link}");
        let want = RunSpec::from_json(expected)
            .unwrap()
            .check()
            .unwrap_or_else(|e| panic!("{link}: {e:?}"));
        assert_eq!(d.page, Page::Lab(want), "{link}");
    }
}

#[test]
fn links_made_by_version_1_still_decode_to_the_same_config() {
    check_fixtures(1);
}

#[test]
fn links_made_by_version_2_still_decode_to_the_same_config() {
    check_fixtures(2);
}

/// The links of `links_v2.txt` are what this build writes (until version 3,
/// when they become frozen history like `links_v1.txt`).
#[test]
fn version_2_fixtures_are_what_the_encoder_writes() {
    if CURRENT_VERSION != 2 {
        return;
    }
    for (link, expected) in fixtures(2) {
        if expected.get("refused").is_some() {
            continue;
        }
        let d = decode(&link);
        let Page::Lab(state) = &d.page else {
            panic!("{link}: not a lab")
        };
        let (base, fragment) = link.split_once('#').unwrap();
        assert_eq!(share_url(base, d.lang.unwrap(), state), link);
        assert!(fragment.contains("/2."));
    }
}

#[test]
fn every_preset_link_fits_in_a_url() {
    for p in presets() {
        let state = LabState {
            seed: p.seed,
            config: p.config,
        };
        // A long real-world base, as a deployment under a project path would have.
        let url = share_url(
            "https://some-organisation.github.io/cloud-patterns-playground/",
            Lang::Pt,
            &state,
        );
        assert!(url.len() < 2_000, "preset {}: {} characters", p.id, url.len());
        let decoded = decode(&url);
        assert_eq!(decoded.page, Page::Lab(state), "preset {}", p.id);
    }
}

#[test]
fn real_links_cut_short_never_panic_and_never_change_meaning() {
    for (link, _) in VERSIONS.into_iter().flat_map(fixtures) {
        check_cut_short(&link, &decode_checked);
    }
}

#[test]
fn version_1_links_with_a_character_changed_never_panic() {
    let mut silently = 0;
    let mut tried = 0;
    for (link, _) in fixtures(1).into_iter().take(6) {
        let whole = decode(&link);
        for i in (data_start(&link)..link.len()).step_by(3) {
            for c in ['A', 'z', '-', '_', '0', '.', '#', '%', 'é'] {
                let mut changed = link.clone();
                changed.replace_range(i..i + 1, &c.to_string());
                if changed == link {
                    continue;
                }
                tried += 1;
                silently += usize::from(silently_different(&changed, &whole, &decode_checked));
            }
        }
    }
    // Raw DEFLATE has no checksum, so a changed character can, rarely, still
    // inflate to another valid config. That is how version 1 links behave,
    // forever; say so if it stops being rare.
    assert!(
        silently * 20 < tried,
        "{silently} of {tried} damaged links decoded as valid"
    );
}

#[test]
fn version_1_links_with_a_bit_flipped_never_panic() {
    for (link, _) in fixtures(1) {
        let (prefix, data) = link.split_at(data_start(&link));
        let bytes = URL_SAFE_NO_PAD.decode(data).unwrap();
        for bit in 0..bytes.len() * 8 {
            let mut flipped = bytes.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            decode_checked(&format!("{prefix}{}", URL_SAFE_NO_PAD.encode(&flipped)));
        }
    }
}

/// Every character of every version 2 payload, replaced by every other one:
/// the link is reported damaged (or, where the change does not alter the
/// bytes that matter, opens the very same state). Never another config.
#[test]
fn version_2_links_with_a_character_changed_never_open_another_config() {
    let every: Vec<char> = replacements().collect();
    let tried: usize = fixtures(2)
        .iter()
        .map(|(link, _)| check_characters_changed(link, &decode_checked, &|_| every.clone()))
        .sum();
    assert!(tried > 100_000, "{tried}");
}

/// Every single bit of every version 2 payload, flipped: damaged, or the
/// very same state (a flip in the padding bits after the last block), never
/// another config.
#[test]
fn version_2_links_with_a_bit_flipped_never_open_another_config() {
    let (mut same, mut tried) = (0, 0);
    for (link, _) in fixtures(2) {
        let (s, t) = check_bits_flipped(&link, &decode_checked, &|_| true);
        same += s;
        tried += t;
    }
    // Only the few padding bits at the end of each DEFLATE stream are free.
    assert!(same * 100 < tried, "{same} of {tried} flips changed nothing");
}

/// A hostile payload and what must come back, in a link of every version.
fn check(json_text: &str, want: ProblemTest, says: &str) {
    for version in VERSIONS {
        let link = link_with_json_as(version, json_text);
        let d = decode_checked(&link);
        let problem = d
            .problem
            .unwrap_or_else(|| panic!("v{version} {json_text:.80}: accepted"));
        let text = problem.describe(Lang::En);
        assert!(
            want(&problem),
            "v{version} {json_text:.80}: unexpected problem {problem:?}"
        );
        assert!(
            text.contains(says),
            "v{version} {json_text:.80}: {text:?} should mention {says:?}"
        );
        match problem {
            // The wrong fields put back, the rest of the link kept: a run
            // that is valid, with the link's seed.
            LinkError::Reset(_) => {
                let Page::Lab(state) = &d.page else {
                    panic!("v{version} {json_text:.80}: {:?}", d.page)
                };
                assert!(state.config.validate().is_ok(), "v{version} {json_text:.80}");
                assert_eq!(state.seed, 1, "v{version} {json_text:.80}");
            }
            _ => assert_eq!(d.page, Page::Lab(defaults())),
        }
    }
}

/// Whether a problem is the expected one.
type ProblemTest = fn(&LinkError) -> bool;

/// Refused: mended field by field, or (nothing to keep) the defaults.
fn invalid(p: &LinkError) -> bool {
    matches!(p, LinkError::Invalid(_) | LinkError::Reset(_))
}
fn bad_json(p: &LinkError) -> bool {
    matches!(p, LinkError::BadJson(_))
}

#[test]
fn hostile_values_get_clear_messages() {
    let cfg = |c: &str| format!(r#"{{"seed": 1, "config": {c}}}"#);
    check(
        &cfg(r#"{"service": {"transient_failure_rate": 5}}"#),
        invalid,
        "transient_failure_rate must be between 0 and 1, got 5",
    );
    check(
        &cfg(r#"{"strategy": {"max_attempts": 1000000000000}}"#),
        invalid,
        "1000000000000",
    );
    check(
        &cfg(r#"{"strategy": {"max_attempts": 10001}}"#),
        invalid,
        "strategy.max_attempts must be between 0 and 10,000, got 10,001",
    );
    check(&cfg(r#"{"service": {"latency_ms": -5}}"#), invalid, "-5");
    check(&cfg(r#"{"service": {"slow_rate": -0.5}}"#), invalid, "slow_rate");
    check(
        &cfg(r#"{"service": {"transient_failure_rate": "NaN"}}"#),
        invalid,
        "NaN",
    );
    check(
        &cfg(r#"{"service": {"transient_failure_rate": "Infinity"}}"#),
        invalid,
        "Infinity",
    );
    check(
        &cfg(r#"{"service": {"transient_failure_rate": NaN}}"#),
        bad_json,
        "could not be read",
    );
    check(
        &cfg(r#"{"service": {"transient_failure_rate": 1e999}}"#),
        bad_json,
        "out of range",
    );
    check(
        &cfg(r#"{"service": {"transient_failure_rate": 0.7, "permanent_failure_rate": 0.7}}"#),
        invalid,
        "add up to more than 1",
    );
    check(
        &cfg(r#"{"workload": {"kind": "poisson", "clients": 5000, "rate_per_client": 100, "duration_ms": 3600000}}"#),
        invalid,
        "million",
    );
    check(&cfg(r#"{"workload": {"kind": "stampede"}}"#), invalid, "stampede");
    check(&cfg(r#"{"colour": "red"}"#), invalid, "colour");
    check(&cfg("5"), invalid, "config");
    check(r#"{"seed": -1}"#, bad_json, "seed");
    check(r#"{"seed": 1.5}"#, bad_json, "seed");
    check(r#"{"seed": "7"}"#, bad_json, "seed");
    check(r#"{"seed": 18446744073709551616}"#, bad_json, "seed");
    check(r#"{"seed": 1, "extra": true}"#, bad_json, "extra");
    check("[1, 2, 3]", bad_json, "object");
    check(
        r#"[1, {"strategy": {}}]"#,
        bad_json,
        "expected an object {\"seed\": …, \"config\": …}, got a list",
    );
    check("7", bad_json, "got a number");
    check("", bad_json, "could not be read");
    check("\u{feff}{}", bad_json, "could not be read");
    // Huge arrays: over the validator's limits, or over the inflated-size guard.
    let script = format!("[{}]", vec!["\"fail\""; 60].join(","));
    check(
        &cfg(&format!(r#"{{"script": {script}}}"#)),
        invalid,
        "script.length must be between 0 and 50, got 60",
    );
    let outages = format!("[{}]", vec![r#"{"from_ms":0,"to_ms":1}"#; 1_000].join(","));
    check(
        &cfg(&format!(r#"{{"service": {{"outages": {outages}}}}}"#)),
        invalid,
        "outages.length",
    );
    let numbers = format!("[{}]", vec!["1"; 20_000].join(","));
    check(
        &cfg(&format!(r#"{{"script": {numbers}}}"#)),
        invalid,
        "invalid type: the whole number",
    );
    let big = format!("[{}]", vec!["1"; 100_000].join(","));
    check(&cfg(&big), |p| *p == LinkError::TooLarge, "too much data");
    // Deep nesting: serde_json's recursion limit, not a stack overflow.
    check(&"[".repeat(50_000), bad_json, "recursion");
    let deep = format!(
        r#"{{"seed": 1, "config": {{"workload": {}1{}}}}}"#,
        "{\"a\":".repeat(5_000),
        "}".repeat(5_000)
    );
    check(&deep, bad_json, "recursion");
}

/// serde reads a struct from a list of its fields in order, and a tagged
/// enum from a list that starts with the tag; a config is made of objects, so
/// these are refused, wherever they are, naming the place.
#[test]
fn configs_and_their_parts_must_be_objects() {
    let cfg = |c: &str| format!(r#"{{"seed": 1, "config": {c}}}"#);
    let cases = [
        ("[]", "config"),
        (r#"[{"kind": "herd", "clients": 40}]"#, "config"),
        ("null", "config"),
        (r#""retry""#, "config"),
        (r#"{"service": []}"#, "service"),
        (r#"{"service": [3, 0.5]}"#, "service"),
        (r#"{"strategy": [5]}"#, "strategy"),
        (r#"{"strategy": {"budget": [20]}}"#, "strategy.budget"),
        (r#"{"strategy": {"breaker": []}}"#, "strategy.breaker"),
        (r#"{"compare": [3]}"#, "compare"),
        (r#"{"workload": ["herd", 40]}"#, "workload"),
        (
            r#"{"service": {"outages": [{"from_ms": 0, "to_ms": 5}, [0, 1000]]}}"#,
            "service.outages[1]",
        ),
    ];
    for (config, field) in cases {
        check(&cfg(config), invalid, &format!("{field} could not be read"));
        check(&cfg(config), invalid, "expected an object");
    }
    // The same parts written as objects are fine.
    let fine = cfg(
        r#"{"workload": {"kind": "herd", "clients": 40}, "strategy": {"max_attempts": 5, "budget": {}, "breaker": {}},
            "compare": {}, "service": {"outages": [{"from_ms": 0, "to_ms": 1000}]}}"#,
    );
    for version in VERSIONS {
        assert_eq!(decode_checked(&link_with_json_as(version, &fine)).problem, None);
    }
}

#[test]
fn malformed_links_get_the_right_problem() {
    let cases: &[(&str, ProblemTest)] = &[
        (
            "#/en/retry/9.abc",
            |p| matches!(p, LinkError::UnknownVersion(v) if v == "9"),
        ),
        ("#/en/retry/0.abc", |p| matches!(p, LinkError::UnknownVersion(_))),
        ("#/en/retry/-1.abc", |p| *p == LinkError::BadEncoding),
        ("#/en/retry/１.abc", |p| *p == LinkError::BadEncoding),
        ("#/en/retry/99999999999999999999.abc", |p| {
            matches!(p, LinkError::UnknownVersion(_))
        }),
        ("#/en/retry/nodot", |p| *p == LinkError::BadEncoding),
        ("#/en/retry/hello-world", |p| *p == LinkError::BadEncoding),
        ("#/en/retry/99999999999999999999999", |p| *p == LinkError::BadEncoding),
        ("#/fr", |p| matches!(p, LinkError::UnknownLang(l) if l == "fr")),
        ("#/fr/", |p| matches!(p, LinkError::UnknownLang(l) if l == "fr")),
        ("#/en/retry/1.", |p| *p == LinkError::BadEncoding),
        ("#/en/retry/1.A", |p| *p == LinkError::BadEncoding),
        ("#/en/retry/1.%20%20", |p| *p == LinkError::BadEncoding),
        ("#/en/retry/1.ab+/", |p| *p == LinkError::BadEncoding),
        ("#/en/retry/2.", |p| *p == LinkError::BadEncoding),
        ("#/en/retry/2.A", |p| *p == LinkError::BadEncoding),
        ("#/en/retry/2.eJyrVkrOzy0", |p| *p == LinkError::BadEncoding),
        ("#/en/ретро", |p| matches!(p, LinkError::UnknownLab(_))),
        ("#/xx/retry", |p| matches!(p, LinkError::UnknownLang(l) if l == "xx")),
        ("#/fr/nolab", |p| matches!(p, LinkError::UnknownLab(l) if l == "fr")),
    ];
    for (link, want) in cases {
        let d = decode_checked(link);
        let problem = d.problem.clone().unwrap_or_else(|| panic!("{link}: no problem"));
        assert!(want(&problem), "{link}: {problem:?}");
    }
    // A version from the future, however well packed, is not guessed at.
    let next = CURRENT_VERSION + 1;
    assert_eq!(
        decode_checked(&link_with_json_as(next, "{}")).problem,
        Some(LinkError::UnknownVersion(next.to_string()))
    );
    // Long input is refused before any work, however long.
    let huge = format!("#/en/retry/1.{}", "A".repeat(1 << 20));
    let started = std::time::Instant::now();
    assert!(matches!(decode_checked(&huge).problem, Some(LinkError::TooLong { .. })));
    assert!(matches!(
        decode_checked(&"é".repeat(1 << 20)).problem,
        Some(LinkError::TooLong { .. })
    ));
    assert!(started.elapsed().as_secs() < 2);
    // An unknown lab's name is cut short in the message.
    let long_lab = decode_checked(&format!("#/en/{}", "x".repeat(10_000)));
    assert!(long_lab.problem.unwrap().describe(Lang::En).chars().count() < 200);
}

#[test]
fn links_without_a_payload_open_pages_not_problems() {
    assert_eq!(decode_checked("").page, Page::Home);
    assert_eq!(decode_checked("#").page, Page::Home);
    assert_eq!(decode_checked("#/").page, Page::Home);
    assert_eq!(decode_checked("#/pt").lang, Some(Lang::Pt));
    assert_eq!(decode_checked("#/es/retry").page, Page::Lab(defaults()));
    assert!(matches!(decode_checked("#/availability").page, Page::Lab(ref s) if s.lab() == LabId::Availability));
    assert_eq!(decode_checked("https://x.test/#/en/retry/").page, Page::Lab(defaults()));
    let empty_object = decode_checked(&link_with_json("{}"));
    assert_eq!(
        empty_object.page,
        Page::Lab(defaults()),
        "an empty payload means the defaults, seed 1"
    );
    assert_eq!(empty_object.problem, None);
    assert_eq!(
        empty_object.page,
        Page::Lab(LabState::default_for(LabId::Retry).unwrap())
    );
}

/// A language this site does not have, before a lab, opens that lab as
/// linked, in the reader's language, and says why (it read "there is no lab
/// called “fr”" and showed the home page).
#[test]
fn a_language_it_lacks_opens_the_lab_and_says_so() {
    let mut state = defaults();
    state.seed = 42;
    let en = encode_fragment(Lang::En, &state);
    let fr = en.replacen("/en/", "/fr/", 1);
    assert_ne!(en, fr);
    let d = decode_checked(&fr);
    assert_eq!(d.page, Page::Lab(state.clone()));
    assert_eq!(d.lang, None, "the reader's language, not a guess");
    assert_eq!(d.problem, Some(LinkError::UnknownLang("fr".into())));
    let said = d.problem.unwrap().describe(Lang::En);
    assert!(said.contains("“fr”") && said.contains("opens as linked"), "{said}");
    for tag in ["fr-FR", "de", "zh_Hans"] {
        let d = decode_checked(&format!("#/{tag}/cqrs"));
        assert!(matches!(d.page, Page::Lab(ref s) if s.lab() == LabId::Cqrs), "{tag}");
        assert_eq!(d.problem, Some(LinkError::UnknownLang(tag.into())));
    }
    // A bad payload still says what is wrong with it.
    let d = decode_checked("#/fr/retry/9.abc");
    assert!(matches!(d.problem, Some(LinkError::UnknownVersion(_))));
    // Not a language: the lab's name is what is unknown.
    assert!(matches!(
        decode_checked("#/francais/retry").problem,
        Some(LinkError::UnknownLab(_))
    ));
}

/// A lab's link opened on another lab's page says whose it is, in the
/// reader's language, instead of a JSON reader's "unknown field
/// `architecture`" (a teacher pasted a CQRS link's data after `/retry/`).
#[test]
fn a_link_opened_on_another_labs_page_names_its_lab() {
    for p in presets() {
        let payload = engine::codec::encode_payload(&LabState {
            seed: p.seed,
            config: p.config.clone(),
        });
        for other in LabId::ALL.into_iter().filter(|l| *l != p.lab) {
            let d = decode(&format!("#/es/{}/{CURRENT_VERSION}.{payload}", other.slug()));
            assert_eq!(
                d.problem,
                Some(LinkError::OtherLab(p.lab)),
                "{:?} preset {} opened as {other:?}",
                p.lab,
                p.id
            );
            let text = d.problem.unwrap().describe(Lang::Es);
            assert!(text.contains("laboratorio «"), "{text}");
        }
    }
}

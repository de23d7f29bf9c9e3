//! Hostile links, for every lab: decoding anything as the codec and a lab's
//! page do (and checking what every decode must satisfy), real links cut
//! short, with a character changed or a bit flipped, and JSON with a wrong
//! value anywhere. `tests/codec.rs` runs them on the links of every released
//! version; `tests/labs_props.rs` on each lab's presets as its page reads them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use engine::codec::{decode, decode_only, Decoded, LabState, LinkError, Page};
use engine::labs::{Lab, LabConfig, LabId};
use engine::Lang;
use proptest::prelude::{any, prop, prop_oneof, Just, Strategy};
use serde_json::Value;

/// Where a link's payload data starts: after the `.` of `/<version>.`.
pub fn data_start(link: &str) -> usize {
    let last_segment = link.rfind('/').expect("a link with a payload");
    last_segment + link[last_segment..].find('.').expect("a versioned payload") + 1
}

/// The state a link opened, if it opened one without a problem.
pub fn the_state(d: &Decoded) -> Option<&LabState> {
    match (&d.page, &d.problem) {
        (Page::Lab(state), None) => Some(state),
        _ => None,
    }
}

/// What every decode must satisfy, whatever the input: a page to show, a
/// readable problem when there is one, and a valid lab state when there is not.
pub fn check_invariants(input: &str, d: &Decoded) {
    if let Some(problem) = &d.problem {
        for lang in Lang::ALL {
            let text = problem.describe(lang);
            assert!(!text.trim().is_empty(), "{input:.80}: empty description");
            assert!(
                text.chars().count() < 2_000,
                "{input:.80}: description too long to show"
            );
        }
        match (&d.page, problem) {
            // Only the language is unknown: the lab opens as linked.
            (Page::Lab(state), LinkError::UnknownLang(_)) => assert!(
                state.config.validate().is_ok(),
                "{input:.80}: an invalid config under an unknown language"
            ),
            // A few fields put back to their defaults, named; the rest kept.
            (Page::Lab(state), LinkError::Reset(errors)) => {
                assert!(!errors.is_empty(), "{input:.80}: put back, but nothing named");
                assert!(
                    state.config.validate().is_ok(),
                    "{input:.80}: mended into an invalid config"
                );
            }
            (Page::Lab(state), _) => assert_eq!(
                state,
                &LabState::default_for(state.lab()).unwrap(),
                "a broken link shows the defaults"
            ),
            _ => {}
        }
    } else if let Page::Lab(state) = &d.page {
        assert!(
            state.config.validate().is_ok(),
            "{input:.80}: decoded an invalid config without a problem"
        );
    }
}

/// Decodes `input` (checking the invariants), and checks that `page` — lab
/// `lab`'s page reading links ([`decode_only`]) — reads it exactly as decode
/// does when it is a link to `lab`, and sends any other built lab's link on,
/// reading nothing.
pub fn decode_checked_with(input: &str, lab: LabId, page: fn(&str) -> Decoded) -> Decoded {
    let d = decode(input);
    check_invariants(input, &d);
    let only = page(input);
    match &d.page {
        Page::Lab(state) if state.lab() != lab => {
            assert_eq!(only.page, Page::Elsewhere(state.lab()), "{input:.80}");
            assert_eq!((only.lang, &only.problem), (d.lang, &None));
        }
        _ => assert_eq!(only, d, "{input:.80}"),
    }
    d
}

/// [`decode_checked_with`] lab `L`'s page.
pub fn decode_checked_by<L: Lab>(input: &str) -> Decoded
where
    LabConfig: From<L::Config>,
{
    decode_checked_with(input, L::ID, decode_only::<L>)
}

/// Decodes `damaged` and says whether it opened a valid state other than
/// the undamaged link's.
pub fn silently_different(damaged: &str, whole: &Decoded, decode: &dyn Fn(&str) -> Decoded) -> bool {
    let d = decode(damaged);
    the_state(&d).is_some() && d.page != whole.page
}

/// Every prefix of a real link: a cut link either still says the same
/// thing, or says it is damaged, or (cut before its payload) opens the
/// lab's defaults — never another config.
pub fn check_cut_short(link: &str, decode: &dyn Fn(&str) -> Decoded) {
    let whole = decode(link);
    let start = data_start(link);
    for end in (0..link.len()).filter(|i| link.is_char_boundary(*i)) {
        let cut = &link[..end];
        let d = decode(cut);
        if end > start && the_state(&d).is_some() {
            assert_eq!(d.page, whole.page, "cut at {end} silently changed the config: {cut}");
        }
    }
}

/// The characters tried in place of each payload character: the whole
/// base64url alphabet, and some that do not belong in a payload.
pub fn replacements() -> impl Iterator<Item = char> {
    ('A'..='Z')
        .chain('a'..='z')
        .chain('0'..='9')
        .chain(['-', '_', '.', '#', '%', '/', 'é'])
}

/// Each payload character `i` of a (current version) link replaced by each
/// character `with(i)` gives: the link reported damaged, or (where the
/// change does not alter the bytes that matter) the very same state. Never
/// another config. Returns how many damaged links were tried.
pub fn check_characters_changed(
    link: &str,
    decode: &dyn Fn(&str) -> Decoded,
    with: &dyn Fn(usize) -> Vec<char>,
) -> usize {
    let whole = decode(link);
    let mut tried = 0;
    for i in data_start(link)..link.len() {
        for c in with(i) {
            let mut changed = link.to_string();
            changed.replace_range(i..i + 1, c.encode_utf8(&mut [0; 4]));
            if changed == link {
                continue;
            }
            tried += 1;
            assert!(
                !silently_different(&changed, &whole, decode),
                "character {i} changed to {c:?} opened another config: {changed}"
            );
        }
    }
    tried
}

/// Each bit `flip(bit)` picks of a (current version) link's payload,
/// flipped: the link is damaged (or, refused as a whole, refused the same
/// way), or opens the very same state (a flip in the padding bits after the
/// last block), never another config. Returns (flips that changed nothing,
/// flips tried).
pub fn check_bits_flipped(
    link: &str,
    decode: &dyn Fn(&str) -> Decoded,
    flip: &dyn Fn(usize) -> bool,
) -> (usize, usize) {
    let whole = decode(link);
    let (prefix, data) = link.split_at(data_start(link));
    let bytes = URL_SAFE_NO_PAD.decode(data).unwrap();
    let (mut same, mut tried) = (0, 0);
    for bit in (0..bytes.len() * 8).filter(|&b| flip(b)) {
        let mut flipped = bytes.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        let damaged = format!("{prefix}{}", URL_SAFE_NO_PAD.encode(&flipped));
        tried += 1;
        let d = decode(&damaged);
        match &d.problem {
            None => {
                assert_eq!(d.page, whole.page, "bit {bit} flipped opened another config: {damaged}");
                same += 1;
            }
            Some(problem) => assert!(
                problem == &LinkError::BadEncoding || Some(problem) == whole.problem.as_ref(),
                "bit {bit}: {damaged}"
            ),
        }
    }
    (same, tried)
}

/// Any JSON value, a few levels deep, with numbers at the edges.
pub fn json_values() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from), // NaN and ±∞ become null, as in JSON.
        prop_oneof![Just(-1.0), Just(0.0), Just(1.0), Just(1e300), Just(-1e-300), Just(0.5)].prop_map(Value::from),
        prop_oneof![
            Just("NaN"),
            Just("Infinity"),
            Just("-1"),
            Just("full"),
            Just(""),
            Just("1e999")
        ]
        .prop_map(Value::from),
        "\\PC{0,20}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,10}|kind|clients|nodes|from_ms", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the `n`-th node (pre-order, modulo the count) of `value`.
pub fn replace_nth_node(value: &mut Value, n: usize, replacement: Value) {
    fn count(v: &Value) -> usize {
        1 + match v {
            Value::Array(items) => items.iter().map(count).sum(),
            Value::Object(map) => map.values().map(count).sum(),
            _ => 0,
        }
    }
    fn walk(v: &mut Value, n: &mut usize, replacement: &mut Option<Value>) {
        if *n == 0 {
            *v = replacement.take().unwrap_or(Value::Null);
            return;
        }
        *n -= 1;
        let children: Vec<&mut Value> = match v {
            Value::Array(items) => items.iter_mut().collect(),
            Value::Object(map) => map.values_mut().collect(),
            _ => vec![],
        };
        for child in children {
            if replacement.is_none() {
                return;
            }
            walk(child, n, replacement);
        }
    }
    let mut n = n % count(value);
    walk(value, &mut n, &mut Some(replacement));
}

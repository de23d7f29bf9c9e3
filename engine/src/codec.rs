//! The share codec: lab + config + seed + language ⇄ a URL fragment.
//!
//! ```text
//! #/en                      the home page, in English
//! #/es/retry                the retry lab with its defaults, in Spanish
//! #/pt/retry/2.<payload>    a configured run; 2 = codec version
//! ```
//!
//! The payload is `{"seed": …, "config": …}` as JSON, compressed, in unpadded
//! base64url. It lives in the fragment, so it never reaches a server. How the
//! JSON is compressed depends on the version:
//!
//! - **2** (written today): the zlib format — DEFLATE with a header and an
//!   Adler-32 checksum — so a damaged link (a flipped bit, a character changed
//!   when copied) is reported as damaged instead of opening another config.
//! - **1**: raw DEFLATE, with no checksum. Still decoded, exactly as before;
//!   a damaged version-1 link can, rarely, inflate to another valid config.
//!
//! Every version ever issued keeps decoding: its payload is unpacked the way
//! that version packed it, then its JSON is migrated step by step to the
//! current shape (see [`migrate`]), and fixtures of old links are tested.
//!
//! Decoding never fails and never panics: a broken or hostile link gives the
//! lab's defaults plus a [`LinkError`] that says, in the user's language, what
//! was wrong with it.

use crate::i18n::{t, tf, Lang};
use crate::labs::{read_config, Lab, LabConfig, LabId};
use crate::validate::{json_kind, ConfigError, Problem, WorkLimits};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// The version this build writes.
pub const CURRENT_VERSION: u32 = 2;
/// Longest fragment accepted (characters).
pub const MAX_FRAGMENT: usize = 16_384;
/// Largest inflated payload accepted (bytes), in every version: a guard
/// against zip bombs.
pub const MAX_PAYLOAD: usize = 64 * 1024;
/// The seed a lab starts with when the link does not say (with the default
/// config it tells the classic story: fail, fail, succeed).
pub const DEFAULT_SEED: u64 = 3;

/// A lab, configured and seeded.
#[derive(Clone, Debug, PartialEq)]
pub struct LabState {
    pub seed: u64,
    pub config: LabConfig,
}

impl LabState {
    pub fn lab(&self) -> LabId {
        self.config.lab()
    }

    /// What a link to `lab` without a payload (`#/en/cqrs`, the home
    /// page's cards) opens: the lab's first preset, its demo, with its guide
    /// and moments; or `None` if the lab is not built yet.
    pub fn default_for(lab: LabId) -> Option<LabState> {
        let config = LabConfig::default_for(lab)?;
        Some(crate::labs::presets().into_iter().find(|p| p.lab == lab).map_or(
            LabState {
                seed: DEFAULT_SEED,
                config,
            },
            |p| LabState {
                seed: p.seed,
                config: p.config,
            },
        ))
    }

    /// [`LabState::default_for`] lab `L`, linking only `L`'s presets.
    pub fn opening<L: Lab>() -> LabState
    where
        LabConfig: From<L::Config>,
    {
        L::presets().into_iter().next().map_or(
            LabState {
                seed: DEFAULT_SEED,
                config: LabConfig::from(L::Config::default()),
            },
            |p| LabState {
                seed: p.seed,
                config: LabConfig::from(p.config),
            },
        )
    }
}

/// Which page a link opens.
// A page is made once per navigation, so the size of `Lab` costs nothing;
// boxing it would only add noise to every match on a page.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Page {
    Home,
    Lab(LabState),
    /// A lab that exists in the catalogue but is not built yet.
    Coming(LabId),
    /// A built lab this page does not read ([`decode_only`]): its own page
    /// reads the link.
    Elsewhere(LabId),
}

/// What a link decodes to. `problem` is set when the link was not fully
/// usable; `page` is then the safest thing to show instead.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    pub lang: Option<Lang>,
    pub page: Page,
    pub problem: Option<LinkError>,
}

/// Why a link could not be used as it is.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkError {
    TooLong {
        len: usize,
    },
    UnknownLab(String),
    /// A language this site does not have (`/fr/retry/…`): the lab opens,
    /// in the reader's language, and this says why.
    UnknownLang(String),
    UnknownVersion(String),
    BadEncoding,
    TooLarge,
    BadJson(String),
    Invalid(Vec<ConfigError>),
    /// Some settings were wrong: those are back to their defaults, and the
    /// rest of the link is kept (the page shows the link's run, mended).
    Reset(Vec<ConfigError>),
    /// The settings are another lab's.
    OtherLab(LabId),
}

impl LinkError {
    /// One or more sentences for the user.
    pub fn describe(&self, lang: Lang) -> String {
        self.describe_with(lang, &|e: &ConfigError| e.describe(lang))
    }

    /// The same, each setting's problem said by `line` (the page names a
    /// setting by its field's label where it has one, not by its config path).
    pub fn describe_with(&self, lang: Lang, line: &dyn Fn(&ConfigError) -> String) -> String {
        match self {
            LinkError::TooLong { len } => tf(lang, "link.too_long", &[("len", len), ("max", &MAX_FRAGMENT)]),
            LinkError::UnknownLab(s) => tf(lang, "link.unknown_lab", &[("lab", &truncate(s, 40))]),
            LinkError::UnknownLang(s) => tf(lang, "link.unknown_lang", &[("lang", &truncate(s, 12))]),
            LinkError::UnknownVersion(v) => tf(lang, "link.unknown_version", &[("version", &truncate(v, 20))]),
            LinkError::BadEncoding => t(lang, "link.bad_encoding").to_string(),
            LinkError::OtherLab(lab) => tf(lang, "link.other_lab", &[("lab", &t(lang, &lab.title_key()))]),
            LinkError::TooLarge => t(lang, "link.too_large").to_string(),
            LinkError::BadJson(d) => tf(
                lang,
                "link.bad_json",
                &[("detail", &crate::validate::reader_detail(lang, &truncate(d, 160)))],
            ),
            LinkError::Invalid(errors) | LinkError::Reset(errors) => {
                let intro = match self {
                    LinkError::Reset(_) => "link.reset",
                    _ => "link.invalid",
                };
                let mut s = t(lang, intro).to_string();
                // (A field serde could not read says at most 200 characters:
                // a mended link can name several unknown keys, each with every
                // field it could have been. Other lines are said whole: the
                // fields to lower a run's work were cut mid-name.)
                for e in errors.iter().take(8) {
                    s.push_str("\n• ");
                    match e.problem {
                        Problem::Unreadable { .. } => s.push_str(&truncate(&line(e), 200)),
                        _ => s.push_str(&line(e)),
                    }
                }
                if errors.len() > 8 {
                    s.push_str(&format!("\n• … (+{})", errors.len() - 8));
                }
                // Too many calls for a tab may still be fine on the command line
                // (which allows more calls, not more memory).
                let cli_runs_it = errors.iter().all(|e| match &e.problem {
                    Problem::TooMuchWork { key, got, .. } => {
                        *key == "error.work_calls" && *got <= WorkLimits::CLI.calls
                    }
                    _ => false,
                });
                if cli_runs_it {
                    s.push('\n');
                    s.push_str(t(lang, "link.too_much_work_cli"));
                }
                s
            }
        }
    }
}

fn truncate(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

/// The fragment (without `#`) for a lab state.
pub fn encode_fragment(lang: Lang, state: &LabState) -> String {
    fragment_from_json(lang, state.lab(), state.seed, state.config.to_json())
}

/// The fragment (without `#`) for `lab` with `seed` and a config already
/// written as JSON (what a page that knows only its own lab's config type
/// calls: `serde_json::to_value(&config)`).
pub fn fragment_from_json(lang: Lang, lab: LabId, seed: u64, config: serde_json::Value) -> String {
    format!(
        "/{}/{}/{}.{}",
        lang.code(),
        lab.slug(),
        CURRENT_VERSION,
        payload_from_json(seed, config)
    )
}

/// The fragment of the home page.
pub fn home_fragment(lang: Lang) -> String {
    format!("/{}", lang.code())
}

/// A whole link: `base` (without fragment) + `#` + fragment.
pub fn share_url(base: &str, lang: Lang, state: &LabState) -> String {
    let base = base.split('#').next().unwrap_or(base);
    format!("{base}#{}", encode_fragment(lang, state))
}

/// The payload part of a fragment.
pub fn encode_payload(state: &LabState) -> String {
    payload_from_json(state.seed, state.config.to_json())
}

fn payload_from_json(seed: u64, config: serde_json::Value) -> String {
    let json = serde_json::json!({ "seed": seed, "config": config });
    let bytes = serde_json::to_vec(&json).expect("JSON serialises");
    URL_SAFE_NO_PAD.encode(Packing::of(CURRENT_VERSION).pack(&bytes))
}

/// How a version packs the payload's JSON into bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Packing {
    /// Version 1: raw DEFLATE. No checksum, so damage can go unnoticed.
    RawDeflate,
    /// Version 2 on: zlib (DEFLATE with a header and an Adler-32 checksum).
    Zlib,
}

impl Packing {
    /// The packing of a known version (`1..=CURRENT_VERSION`).
    fn of(version: u32) -> Packing {
        match version {
            1 => Packing::RawDeflate,
            _ => Packing::Zlib,
        }
    }

    fn pack(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            Packing::RawDeflate => miniz_oxide::deflate::compress_to_vec(bytes, 9),
            Packing::Zlib => miniz_oxide::deflate::compress_to_vec_zlib(bytes, 9),
        }
    }

    /// Unpacks at most [`MAX_PAYLOAD`] bytes. Data that is not in this
    /// packing, or (zlib) whose header or checksum does not match, is damaged.
    fn unpack(self, bytes: &[u8]) -> Result<Vec<u8>, LinkError> {
        let unpacked = match self {
            Packing::RawDeflate => miniz_oxide::inflate::decompress_to_vec_with_limit(bytes, MAX_PAYLOAD),
            Packing::Zlib => miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(bytes, MAX_PAYLOAD),
        };
        unpacked.map_err(|e| {
            if matches!(e.status, miniz_oxide::inflate::TINFLStatus::HasMoreOutput) {
                LinkError::TooLarge
            } else {
                LinkError::BadEncoding
            }
        })
    }
}

/// Decodes a fragment, a whole URL, or anything else a user pastes,
/// refusing runs beyond a link's limits.
pub fn decode(input: &str) -> Decoded {
    decode_within(input, WorkLimits::LINK)
}

/// [`decode`], with the run's work checked against `limits` (the command
/// line runs links the browser refuses as too large).
pub fn decode_within(input: &str, limits: WorkLimits) -> Decoded {
    decode_with(input, &|lab| LabState::default_for(lab), &|lab, payload| {
        decode_payload_kept(lab, payload, limits)
    })
}

/// Decodes a link as lab `L`'s page does: a link to `L` in full (payload
/// included, within a link's limits), a link to another built lab only as
/// far as [`Page::Elsewhere`] — so the page links only `L`'s reader, checks
/// and defaults, not every lab's.
pub fn decode_only<L: Lab>(input: &str) -> Decoded
where
    LabConfig: From<L::Config>,
{
    decode_with(
        input,
        &|lab| (lab == L::ID).then(LabState::opening::<L>),
        &|_, payload| {
            let (seed, config) = read_payload(L::ID, payload)?;
            let defaults = serde_json::to_value(L::Config::default()).expect("configs serialise");
            let (config, problem) = read_kept(L::ID, config, &defaults, read_config::<L>, |c| {
                L::validate(c, WorkLimits::LINK)
            })?;
            Ok((
                LabState {
                    seed,
                    config: LabConfig::from(config),
                },
                problem,
            ))
        },
    )
}

/// A route that starts with a language this site does not have, then a lab
/// (`/fr/retry/2.…`): the tag, and the rest from the lab on. (It read "there
/// is no lab called “fr”", on the home page.)
pub fn unknown_lang(fragment: &str) -> Option<(&str, &str)> {
    let route = fragment.trim_start_matches('/');
    // A tag alone (`#/fr`) is the home page in that language, not a lab
    // called "fr".
    let (tag, rest) = route.split_once('/').unwrap_or((route, ""));
    let slug = rest.split('/').next().unwrap_or_default();
    let (primary, region) = match tag.split_once(['-', '_']) {
        Some((p, r)) => (p, Some(r)),
        None => (tag, None),
    };
    let looks_like_one = (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && region.is_none_or(|r| (2..=4).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_alphanumeric()));
    (looks_like_one
        && Lang::from_tag(tag).is_none()
        && LabId::from_slug(tag).is_none()
        && (LabId::from_slug(slug).is_some() || rest.trim_matches('/').is_empty()))
    .then_some((tag, rest))
}

/// A payload read: the state to show and, when some fields were put back,
/// the problem that names them; or why nothing of it could be used.
type Read = Result<(LabState, Option<LinkError>), LinkError>;

/// The route of a link (language, lab), with `defaults` for the labs the
/// caller reads (`None`: a lab it does not read — not built, or built
/// elsewhere) and `payload` to read a configured run.
fn decode_with(
    input: &str,
    defaults: &dyn Fn(LabId) -> Option<LabState>,
    payload: &dyn Fn(LabId, &str) -> Read,
) -> Decoded {
    let fragment = match input.find('#') {
        Some(i) => &input[i + 1..],
        None => input,
    };
    if fragment.len() > MAX_FRAGMENT {
        return Decoded {
            lang: None,
            page: Page::Home,
            problem: Some(LinkError::TooLong { len: fragment.len() }),
        };
    }
    // A query pasted inside the fragment (`#/en/retry?embed=1`) belongs to the
    // page, not to the lab state: it is ignored here rather than misread.
    let fragment = fragment.split('?').next().unwrap_or_default();
    if let Some((tag, rest)) = unknown_lang(fragment) {
        let mut d = decode_with(rest, defaults, payload);
        // (A link for another page: that page says it.)
        if !matches!(d.page, Page::Elsewhere(_)) {
            d.problem.get_or_insert(LinkError::UnknownLang(tag.to_string()));
        }
        return d;
    }
    let mut parts = fragment.trim_start_matches('/').split('/').filter(|p| !p.is_empty());
    let mut first = parts.next();
    let lang = first.and_then(Lang::from_tag);
    if lang.is_some() {
        first = parts.next();
    }
    let Some(slug) = first else {
        return Decoded {
            lang,
            page: Page::Home,
            problem: None,
        };
    };
    let Some(lab) = LabId::from_slug(slug) else {
        return Decoded {
            lang,
            page: Page::Home,
            problem: Some(LinkError::UnknownLab(slug.to_string())),
        };
    };
    let Some(defaults) = defaults(lab) else {
        return Decoded {
            lang,
            page: if lab.is_built() {
                Page::Elsewhere(lab)
            } else {
                Page::Coming(lab)
            },
            problem: None,
        };
    };
    let Some(payload_text) = parts.next() else {
        return Decoded {
            lang,
            page: Page::Lab(defaults),
            problem: None,
        };
    };
    match payload(lab, payload_text) {
        Ok((state, problem)) => Decoded {
            lang,
            page: Page::Lab(state),
            problem,
        },
        Err(problem) => Decoded {
            lang,
            page: Page::Lab(defaults),
            problem: Some(problem),
        },
    }
}

/// Decodes `<version>.<data>` for `lab`, within a link's limits.
pub fn decode_payload(lab: LabId, payload: &str) -> Result<LabState, LinkError> {
    decode_payload_within(lab, payload, WorkLimits::LINK)
}

/// Decodes `<version>.<data>` for `lab`, within `limits`.
/// Every problem is an error here (the command line runs a link exactly as
/// written, or not at all); [`decode`] mends what it can instead.
pub fn decode_payload_within(lab: LabId, payload: &str, limits: WorkLimits) -> Result<LabState, LinkError> {
    match decode_payload_kept(lab, payload, limits)? {
        (state, None) => Ok(state),
        (_, Some(LinkError::Reset(errors))) => Err(LinkError::Invalid(errors)),
        (_, Some(problem)) => Err(problem),
    }
}

/// `<version>.<data>` for `lab`, within `limits`, with the fields that are
/// wrong put back to their defaults and the rest kept ([`LinkError::Reset`]
/// says which), when that mends it.
fn decode_payload_kept(lab: LabId, payload: &str, limits: WorkLimits) -> Read {
    let (seed, config_json) = read_payload(lab, payload)?;
    let defaults = LabConfig::default_for(lab).map(|c| c.to_json()).unwrap_or_default();
    let (config, problem) = read_kept(
        lab,
        config_json,
        &defaults,
        |c| LabConfig::from_json(lab, c),
        |c| c.validate_within(limits),
    )?;
    Ok((LabState { seed, config }, problem))
}

/// `lab`'s config from a link's JSON, read by `read` and checked by
/// `validate`, mended by [`keep_the_rest`] — or another lab's settings
/// (keys of that lab's own, unreadable as this one's), said so.
fn read_kept<C>(
    lab: LabId,
    config: serde_json::Value,
    defaults: &serde_json::Value,
    read: impl Fn(serde_json::Value) -> Result<C, ConfigError>,
    validate: impl Fn(&C) -> Result<(), Vec<ConfigError>>,
) -> Result<(C, Option<LinkError>), LinkError> {
    if let Some(other) = crate::labs::lab_of_keys(lab, &config) {
        if read(config.clone()).is_err() {
            return Err(LinkError::OtherLab(other));
        }
    }
    keep_the_rest(config, defaults, |c| {
        let c = read(c).map_err(|e| vec![e])?;
        validate(&c)?;
        Ok(c)
    })
}

/// At most this many rounds of [`keep_the_rest`]: serde names one field it
/// cannot read at a time, and a round that mends nothing ends it anyway.
const MEND_ROUNDS: usize = 24;

/// A link's config read and checked by `check`; where that fails, each
/// setting a problem names is put back to its default (its value in
/// `defaults`, the lab's default config) or, for a key the config does not
/// have, left out, and the config is checked again — so a teacher's link
/// with one bad value keeps its other settings. Only a single setting is
/// ever put back: a problem that names a whole part of the config (a list,
/// an item of a list, an object serde could not read inside), a setting with
/// no default of its own, or a run too large for a tab, cannot be mended
/// without changing more than it says, and the link is refused as a whole
/// ([`LinkError::Invalid`]: the caller shows the lab's demo). Returns the
/// config and, if anything was put back, every problem found
/// ([`LinkError::Reset`]).
fn keep_the_rest<C>(
    mut config: serde_json::Value,
    defaults: &serde_json::Value,
    check: impl Fn(serde_json::Value) -> Result<C, Vec<ConfigError>>,
) -> Result<(C, Option<LinkError>), LinkError> {
    let mut found: Vec<ConfigError> = Vec::new();
    let mut touched: Vec<String> = Vec::new();
    for _ in 0..MEND_ROUNDS {
        let errors = match check(config.clone()) {
            Ok(c) => return Ok((c, (!found.is_empty()).then_some(LinkError::Reset(found)))),
            Err(errors) => errors,
        };
        let mut mended = false;
        let mut mendable = true;
        let mut handled: Vec<String> = Vec::new();
        for e in &errors {
            // (A field named twice — out of range, and inconsistent with
            // another — is put back once.)
            if handled.contains(&e.field) {
                continue;
            }
            handled.push(e.field.clone());
            match (&e.problem, put_back(&mut config, defaults, &e.field)) {
                (Problem::TooMuchWork { .. }, _) => mendable = false,
                (_, Mend::Done) => mended = true,
                (_, Mend::Same) => {}
                (_, Mend::Not) => mendable = false,
            }
        }
        // Once a setting is put back, what it says after (a missing field,
        // where the wrong one was left out) is not the link's doing.
        let fresh: Vec<ConfigError> = errors
            .into_iter()
            .filter(|e| !found.contains(e) && !touched.contains(&e.field))
            .collect();
        touched.extend(handled);
        found.extend(fresh);
        if !mendable || !mended {
            break;
        }
    }
    Err(LinkError::Invalid(found))
}

/// What [`put_back`] did.
enum Mend {
    /// Put back to its default, or left out.
    Done,
    /// It already has its default (another setting is at fault).
    Same,
    /// Not one setting the link has and the defaults can replace alone.
    Not,
}

/// Puts the setting at `path` (`service.latency_ms`, `strategy.colour`) back
/// to its value in `defaults`, or leaves it out where `defaults` has no such
/// key; never inside a list (its items have no defaults of their own: taking
/// the demo's item at the same place mixed two scenarios), never a whole
/// object or list the link has (which part of it is wrong is not known).
fn put_back(config: &mut serde_json::Value, defaults: &serde_json::Value, path: &str) -> Mend {
    use serde_json::Value;
    let steps: Vec<&str> = path.split(['.', '[', ']']).filter(|s| !s.is_empty()).collect();
    let Some((last, parents)) = steps.split_last() else {
        return Mend::Not;
    };
    let default = steps
        .iter()
        .try_fold(defaults, |v, s| v.as_object().and_then(|m| m.get(*s)));
    let mut parent = config;
    for s in parents {
        parent = match parent.as_object_mut().and_then(|m| m.get_mut(*s)) {
            Some(v) => v,
            None => return Mend::Not,
        };
    }
    let Value::Object(m) = parent else {
        return Mend::Not;
    };
    let same_kind = |a: &Value, b: &Value| (a.is_object() && b.is_object()) || (a.is_array() && b.is_array());
    match (m.get(*last), default) {
        (Some(now), Some(d)) if same_kind(now, d) => Mend::Not,
        (Some(now), Some(d)) if now == d => Mend::Same,
        (_, Some(d)) => {
            m.insert(last.to_string(), d.clone());
            Mend::Done
        }
        (Some(_), None) => {
            m.remove(*last);
            Mend::Done
        }
        (None, None) => Mend::Not,
    }
}

/// The seed and the config's JSON (migrated to the current shape) of
/// `<version>.<data>`, not yet read as `lab`'s config.
fn read_payload(lab: LabId, payload: &str) -> Result<(u64, serde_json::Value), LinkError> {
    // Only `<digits>.<data>` names a version: "hello-world" or a bare
    // number is a damaged link, not one from a version this one lacks (a
    // teacher read that as the site being out of date).
    let (version, data) = payload
        .split_once('.')
        .filter(|(v, _)| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .ok_or(LinkError::BadEncoding)?;
    let version: u32 = version
        .parse()
        .ok()
        .filter(|v| (1..=CURRENT_VERSION).contains(v))
        .ok_or_else(|| LinkError::UnknownVersion(version.to_string()))?;
    let compressed = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|_| LinkError::BadEncoding)?;
    let bytes = Packing::of(version).unpack(&compressed)?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| LinkError::BadJson(e.to_string()))?;
    let value = migrate(lab, version, value)?;
    let serde_json::Value::Object(mut envelope) = value else {
        return Err(LinkError::BadJson(format!(
            "expected an object {{\"seed\": …, \"config\": …}}, got {}",
            json_kind(&value)
        )));
    };
    let seed = match envelope.remove("seed") {
        None => DEFAULT_SEED,
        Some(v) => v
            .as_u64()
            .ok_or_else(|| LinkError::BadJson("seed must be a whole number ≥ 0".into()))?,
    };
    let config_json = envelope
        .remove("config")
        .unwrap_or(serde_json::Value::Object(Default::default()));
    if let Some(extra) = envelope.keys().next() {
        return Err(LinkError::BadJson(format!("unknown field `{extra}`")));
    }
    Ok((seed, config_json))
}

/// Brings a payload of an older version up to the current shape, one step
/// at a time (`1 → 2`, then `2 → 3`, …). Each new version adds its step here
/// and no step is ever removed, so links of every version keep opening.
pub fn migrate(lab: LabId, version: u32, value: serde_json::Value) -> Result<serde_json::Value, LinkError> {
    if !(1..=CURRENT_VERSION).contains(&version) {
        return Err(LinkError::UnknownVersion(version.to_string()));
    }
    let mut value = value;
    for from in version..CURRENT_VERSION {
        value = match from {
            1 => migrate_1_to_2(lab, value),
            v => return Err(LinkError::UnknownVersion(v.to_string())),
        };
    }
    Ok(value)
}

/// Version 2 changed only the packing (raw DEFLATE → zlib, see [`Packing`]);
/// the JSON inside is the same, for every lab.
fn migrate_1_to_2(_lab: LabId, value: serde_json::Value) -> serde_json::Value {
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::retry::RetryConfig;

    fn state() -> LabState {
        LabState {
            seed: 99,
            config: LabConfig::Retry(RetryConfig::default()),
        }
    }

    #[test]
    fn round_trip() {
        let frag = encode_fragment(Lang::Es, &state());
        let d = decode(&frag);
        assert_eq!(d.lang, Some(Lang::Es));
        assert_eq!(d.page, Page::Lab(state()));
        assert_eq!(d.problem, None);
    }

    #[test]
    fn whole_urls_and_bare_paths() {
        let url = share_url("https://x.test/app/?embed=1", Lang::Pt, &state());
        assert!(url.starts_with(&format!("https://x.test/app/?embed=1#/pt/retry/{CURRENT_VERSION}.")));
        assert_eq!(decode(&url).page, Page::Lab(state()));
        assert_eq!(decode("#/es").page, Page::Home);
        assert_eq!(decode("").page, Page::Home);
        assert_eq!(decode("#/retry").lang, None);
        // Every lab is built: a bare route opens its defaults.
        assert!(matches!(decode("#/en/availability").page, Page::Lab(ref s) if s.lab() == LabId::Availability));
    }

    #[test]
    fn broken_links_fall_back_with_a_reason() {
        let cases = [
            ("#/en/retry/9.abc", "version"),
            ("#/en/retry/1.!!!", "encoding"),
            ("#/en/retry/1.eJyrVkrOzy0", "encoding"),
            ("#/en/retry/2.!!!", "encoding"),
            ("#/en/retry/2.eJyrVkrOzy0", "encoding"),
            ("#/en/retry/2.q64FAA", "encoding"), // `{}` in raw DEFLATE: fine as version 1, not zlib
            ("#/en/nope", "lab"),
            ("#/en/retry/abc", "version"),
        ];
        for (link, what) in cases {
            let d = decode(link);
            assert!(d.problem.is_some(), "{link} should report a {what} problem");
            let text = d.problem.unwrap().describe(Lang::En);
            assert!(!text.is_empty());
        }
    }

    #[test]
    fn out_of_range_values_name_the_field() {
        let mut cfg = RetryConfig::default();
        cfg.service.transient_failure_rate = 5.0;
        let bad = LabState {
            seed: 1,
            config: LabConfig::Retry(cfg),
        };
        let d = decode(&encode_fragment(Lang::En, &bad));
        // The field is put back to its default; the rest (the seed) is kept.
        let mended = LabState {
            seed: 1,
            config: LabConfig::Retry(RetryConfig::default()),
        };
        assert_eq!(d.page, Page::Lab(mended));
        assert!(matches!(d.problem, Some(LinkError::Reset(_))), "{:?}", d.problem);
        let text = d.problem.unwrap().describe(Lang::En);
        assert!(text.contains("transient_failure_rate"), "{text}");
        assert!(text.contains("the rest of the link is kept"), "{text}");
    }

    /// A link to a lab with no payload (the home page's cards, `#/es/cqrs`)
    /// opens the lab's first preset, its demo (with its guide and moments),
    /// on the lab's own page as in the CLI: it opened the lab's defaults with
    /// seed 3, which matched no preset in four labs, so they opened with no
    /// lesson at all. A broken link falls back to it too, saying what was wrong.
    #[test]
    fn a_bare_lab_link_opens_the_labs_demo() {
        use crate::labs::{availability::AvailabilityLab, cqrs::CqrsLab, replica::ReplicaLab};
        type Reader = fn(&str) -> Decoded;
        let decoders: [(LabId, Reader); 5] = [
            (LabId::Retry, decode_only::<crate::labs::retry::RetryLab>),
            (
                LabId::Choreography,
                decode_only::<crate::labs::choreography::ChoreographyLab>,
            ),
            (LabId::Cqrs, decode_only::<CqrsLab>),
            (LabId::Replica, decode_only::<ReplicaLab>),
            (LabId::Availability, decode_only::<AvailabilityLab>),
        ];
        assert_eq!(decoders.len(), LabId::ALL.iter().filter(|l| l.is_built()).count());
        for (lab, only) in decoders {
            let first = crate::labs::presets().into_iter().find(|p| p.lab == lab).unwrap();
            let demo = LabState {
                seed: first.seed,
                config: first.config,
            };
            for link in [format!("#/es/{}", lab.slug()), format!("#/pt/{}/", lab.slug())] {
                let d = decode(&link);
                assert_eq!(d.page, Page::Lab(demo.clone()), "{link}");
                assert_eq!(d.problem, None, "{link}");
                assert_eq!(only(&link), d, "{link}");
            }
            let broken = only(&format!("#/en/{}/2.AAAA", lab.slug()));
            assert_eq!(broken.page, Page::Lab(demo.clone()));
            assert!(broken.problem.is_some());
        }
    }

    #[test]
    fn zip_bombs_are_refused_in_every_version() {
        let bomb = vec![b' '; 10 * 1024 * 1024];
        for version in 1..=CURRENT_VERSION {
            let data = URL_SAFE_NO_PAD.encode(Packing::of(version).pack(&bomb));
            assert!(data.len() < MAX_FRAGMENT);
            let d = decode(&format!("#/en/retry/{version}.{data}"));
            assert_eq!(d.problem, Some(LinkError::TooLarge), "version {version}");
        }
    }

    #[test]
    fn new_links_are_version_2_zlib() {
        assert_eq!(CURRENT_VERSION, 2);
        let frag = encode_fragment(Lang::En, &state());
        let data = frag.strip_prefix("/en/retry/2.").expect(&frag);
        let bytes = URL_SAFE_NO_PAD.decode(data).unwrap();
        let json = miniz_oxide::inflate::decompress_to_vec_zlib(&bytes).expect("zlib");
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(value["seed"], 99);
    }

    #[test]
    fn version_1_payloads_decode_as_before() {
        let json = serde_json::json!({ "seed": 99, "config": state().config.to_json() }).to_string();
        let v1 = URL_SAFE_NO_PAD.encode(Packing::RawDeflate.pack(json.as_bytes()));
        let d = decode(&format!("#/es/retry/1.{v1}"));
        assert_eq!((d.page, d.problem), (Page::Lab(state()), None));
        // Each version is unpacked its own way: the same bytes under the other number are damaged.
        let v2 = URL_SAFE_NO_PAD.encode(Packing::Zlib.pack(json.as_bytes()));
        assert_eq!(
            decode(&format!("#/es/retry/2.{v1}")).problem,
            Some(LinkError::BadEncoding)
        );
        assert_eq!(
            decode(&format!("#/es/retry/1.{v2}")).problem,
            Some(LinkError::BadEncoding)
        );
    }

    #[test]
    fn a_damaged_checksum_is_caught() {
        let frag = encode_fragment(Lang::En, &state());
        let (prefix, data) = frag.split_at(frag.find('.').unwrap() + 1);
        let mut bytes = URL_SAFE_NO_PAD.decode(data).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        let d = decode(&format!("{prefix}{}", URL_SAFE_NO_PAD.encode(&bytes)));
        assert_eq!(d.problem, Some(LinkError::BadEncoding));
        assert!(d.problem.unwrap().describe(Lang::En).contains("damaged"));
    }

    #[test]
    fn migration_is_a_chain_from_every_version() {
        let value = serde_json::json!({ "seed": 1, "config": { "strategy": { "max_attempts": 4 } } });
        for version in 1..=CURRENT_VERSION {
            assert_eq!(migrate(LabId::Retry, version, value.clone()), Ok(value.clone()));
        }
        for version in [0, CURRENT_VERSION + 1] {
            assert!(matches!(
                migrate(LabId::Retry, version, value.clone()),
                Err(LinkError::UnknownVersion(_))
            ));
        }
    }

    /// Hostile links read in Spanish and Portuguese keep no English phrase
    /// of the JSON reader ("unknown field `colour`" read in English inside a
    /// Spanish sentence).
    #[test]
    fn hostile_links_are_explained_in_the_links_language() {
        let bad = [
            r#"{"seed": 1, "colour": 2}"#,
            r#"{"seed": "x"}"#,
            r#"{"config": {"workload": {"kind": "nope"}}}"#,
            r#"{"config": {"strategy": {"max_attempts": "three"}}}"#,
            r#"{"config": {"colour": 1}}"#,
            r#"[1, 2]"#,
            r#"{"seed": 1"#,
            r#"{"seed": 1} x"#,
            r#"{"seed": "#,
            r#"{1: 2}"#,
        ];
        for json in bad {
            let data = URL_SAFE_NO_PAD.encode(Packing::Zlib.pack(json.as_bytes()));
            let d = decode(&format!("#/es/retry/2.{data}"));
            let problem = d.problem.unwrap_or_else(|| panic!("{json}: read"));
            for lang in [Lang::Es, Lang::Pt] {
                let text = problem.describe(lang);
                for phrase in [
                    "unknown field",
                    "expected",
                    "invalid type",
                    "unknown variant",
                    "must be",
                    " at line",
                    "EOF",
                    "trailing",
                ] {
                    assert!(!text.contains(phrase), "{lang:?}: {text}");
                }
            }
            assert!(!problem.describe(Lang::En).is_empty());
        }
    }

    #[test]
    fn a_payload_that_is_not_an_object_is_refused() {
        let json = "[99, {}]";
        let data = URL_SAFE_NO_PAD.encode(Packing::Zlib.pack(json.as_bytes()));
        let problem = decode(&format!("#/en/retry/2.{data}")).problem.unwrap();
        assert!(
            matches!(problem, LinkError::BadJson(ref d) if d.contains("got a list")),
            "{problem:?}"
        );
    }

    #[test]
    fn overlong_fragments_are_refused_early() {
        let d = decode(&format!("#/en/retry/1.{}", "A".repeat(MAX_FRAGMENT)));
        assert!(matches!(d.problem, Some(LinkError::TooLong { .. })));
    }
}

/// A page that reads only its own lab's links reads them exactly as
/// [`decode`] does, and sends the others on.
#[cfg(test)]
mod decode_only_tests {
    use super::*;
    use crate::labs::choreography::{ChoreographyConfig, ChoreographyLab};
    use crate::labs::retry::{RetryConfig, RetryLab};

    #[test]
    fn one_labs_page_reads_its_links_as_decode_does_and_sends_others_on() {
        let retry = LabState {
            seed: 5,
            config: LabConfig::Retry(RetryConfig::default()),
        };
        let choreo = LabState {
            seed: 6,
            config: LabConfig::Choreography(ChoreographyConfig::default()),
        };
        for state in [&retry, &choreo] {
            let link = encode_fragment(Lang::Pt, state);
            let full = decode(&link);
            let (mine, other) = if state.lab() == LabId::Retry {
                (decode_only::<RetryLab>(&link), decode_only::<ChoreographyLab>(&link))
            } else {
                (decode_only::<ChoreographyLab>(&link), decode_only::<RetryLab>(&link))
            };
            assert_eq!(mine, full);
            assert_eq!(other.page, Page::Elsewhere(state.lab()));
            assert_eq!((other.lang, other.problem), (Some(Lang::Pt), None));
        }
        // Bare routes and broken payloads, the same way too.
        for link in ["#/es/retry", "#/es/retry/2.AAAA", "#/retry/9.x", "#/en", "#/en/nope"] {
            assert_eq!(decode_only::<RetryLab>(link), decode(link), "{link}");
        }
        // A bad value is refused naming its field, as decode does.
        let mut bad = RetryConfig::default();
        bad.service.transient_failure_rate = 2.0;
        let link = encode_fragment(
            Lang::En,
            &LabState {
                seed: 1,
                config: LabConfig::Retry(bad),
            },
        );
        assert_eq!(decode_only::<RetryLab>(&link), decode(&link));
        assert!(decode(&link).problem.is_some());
        // fragment_from_json writes what encode_fragment writes.
        assert_eq!(
            fragment_from_json(
                Lang::Pt,
                LabId::Retry,
                5,
                serde_json::to_value(RetryConfig::default()).unwrap()
            ),
            encode_fragment(Lang::Pt, &retry)
        );
    }
}

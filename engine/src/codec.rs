//! The share codec: lab + config + seed + language ⇄ a URL fragment.
//!
//! ```text
//! #/en                      the home page, in English
//! #/es/retry                the retry lab with its defaults, in Spanish
//! #/pt/retry/1.<payload>    a configured run; 1 = codec version
//! ```
//!
//! The payload is `{"seed": …, "config": …}` as JSON, deflated, in unpadded
//! base64url. It lives in the fragment, so it never reaches a server. Every
//! version ever issued keeps decoding: an old payload is migrated step by step
//! to the current shape (see [`migrate`]), and fixtures of old links are tested.
//!
//! Decoding never fails and never panics: a broken or hostile link gives the
//! lab's defaults plus a [`LinkError`] that says, in the user's language, what
//! was wrong with it.

use crate::i18n::{t, tf, Lang};
use crate::labs::{LabConfig, LabId};
use crate::validate::{json_kind, ConfigError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// The version this build writes.
pub const CURRENT_VERSION: u32 = 1;
/// Longest fragment accepted (characters).
pub const MAX_FRAGMENT: usize = 16_384;
/// Largest inflated payload accepted (bytes): a guard against zip bombs.
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

    /// The lab's defaults, or `None` if the lab is not built yet.
    pub fn default_for(lab: LabId) -> Option<LabState> {
        LabConfig::default_for(lab).map(|config| LabState {
            seed: DEFAULT_SEED,
            config,
        })
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
    TooLong { len: usize },
    UnknownLab(String),
    UnknownVersion(String),
    BadEncoding,
    TooLarge,
    BadJson(String),
    Invalid(Vec<ConfigError>),
}

impl LinkError {
    /// One or more sentences for the user.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            LinkError::TooLong { len } => tf(lang, "link.too_long", &[("len", len), ("max", &MAX_FRAGMENT)]),
            LinkError::UnknownLab(s) => tf(lang, "link.unknown_lab", &[("lab", &truncate(s, 40))]),
            LinkError::UnknownVersion(v) => tf(lang, "link.unknown_version", &[("version", &truncate(v, 20))]),
            LinkError::BadEncoding => t(lang, "link.bad_encoding").to_string(),
            LinkError::TooLarge => t(lang, "link.too_large").to_string(),
            LinkError::BadJson(d) => tf(lang, "link.bad_json", &[("detail", &truncate(d, 160))]),
            LinkError::Invalid(errors) => {
                let mut s = t(lang, "link.invalid").to_string();
                for e in errors.iter().take(8) {
                    s.push_str("\n• ");
                    s.push_str(&e.describe(lang));
                }
                if errors.len() > 8 {
                    s.push_str(&format!("\n• … (+{})", errors.len() - 8));
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
    format!(
        "/{}/{}/{}.{}",
        lang.code(),
        state.lab().slug(),
        CURRENT_VERSION,
        encode_payload(state)
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
    let json = serde_json::json!({ "seed": state.seed, "config": state.config.to_json() });
    let bytes = serde_json::to_vec(&json).expect("JSON serialises");
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&bytes, 9))
}

/// Decodes a fragment, a whole URL, or anything else a user pastes.
pub fn decode(input: &str) -> Decoded {
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
    let Some(defaults) = LabState::default_for(lab) else {
        return Decoded {
            lang,
            page: Page::Coming(lab),
            problem: None,
        };
    };
    let Some(payload) = parts.next() else {
        return Decoded {
            lang,
            page: Page::Lab(defaults),
            problem: None,
        };
    };
    match decode_payload(lab, payload) {
        Ok(state) => Decoded {
            lang,
            page: Page::Lab(state),
            problem: None,
        },
        Err(problem) => Decoded {
            lang,
            page: Page::Lab(defaults),
            problem: Some(problem),
        },
    }
}

/// Decodes `<version>.<data>` for `lab`.
pub fn decode_payload(lab: LabId, payload: &str) -> Result<LabState, LinkError> {
    let (version, data) = payload
        .split_once('.')
        .ok_or_else(|| LinkError::UnknownVersion(payload.to_string()))?;
    let version: u32 = version
        .parse()
        .ok()
        .filter(|v| (1..=CURRENT_VERSION).contains(v))
        .ok_or_else(|| LinkError::UnknownVersion(version.to_string()))?;
    let compressed = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|_| LinkError::BadEncoding)?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_PAYLOAD).map_err(|e| {
        if matches!(e.status, miniz_oxide::inflate::TINFLStatus::HasMoreOutput) {
            LinkError::TooLarge
        } else {
            LinkError::BadEncoding
        }
    })?;
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
    let config = LabConfig::from_json(lab, config_json).map_err(|e| LinkError::Invalid(vec![e]))?;
    config.validate().map_err(LinkError::Invalid)?;
    Ok(LabState { seed, config })
}

/// Brings a payload of an older version up to the current shape. Each future
/// version adds one step here (`1 → 2`, `2 → 3`, …) and never removes one.
pub fn migrate(_lab: LabId, version: u32, value: serde_json::Value) -> Result<serde_json::Value, LinkError> {
    match version {
        1 => Ok(value),
        v => Err(LinkError::UnknownVersion(v.to_string())),
    }
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
        assert!(url.starts_with("https://x.test/app/?embed=1#/pt/retry/1."));
        assert_eq!(decode(&url).page, Page::Lab(state()));
        assert_eq!(decode("#/es").page, Page::Home);
        assert_eq!(decode("").page, Page::Home);
        assert_eq!(decode("#/retry").lang, None);
        assert_eq!(decode("#/en/cqrs").page, Page::Coming(LabId::Cqrs));
    }

    #[test]
    fn broken_links_fall_back_with_a_reason() {
        let cases = [
            ("#/en/retry/9.abc", "version"),
            ("#/en/retry/1.!!!", "encoding"),
            ("#/en/retry/1.eJyrVkrOzy0", "encoding"),
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
        assert_eq!(d.page, Page::Lab(state_default()));
        let text = d.problem.unwrap().describe(Lang::En);
        assert!(text.contains("transient_failure_rate"), "{text}");
    }

    fn state_default() -> LabState {
        LabState::default_for(LabId::Retry).unwrap()
    }

    #[test]
    fn zip_bombs_are_refused() {
        let bomb = vec![b' '; 10 * 1024 * 1024];
        let data = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&bomb, 9));
        assert!(data.len() < MAX_FRAGMENT);
        let d = decode(&format!("#/en/retry/1.{data}"));
        assert_eq!(d.problem, Some(LinkError::TooLarge));
    }

    #[test]
    fn overlong_fragments_are_refused_early() {
        let d = decode(&format!("#/en/retry/1.{}", "A".repeat(MAX_FRAGMENT)));
        assert!(matches!(d.problem, Some(LinkError::TooLong { .. })));
    }
}

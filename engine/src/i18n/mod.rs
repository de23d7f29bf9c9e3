//! The one string catalogue of the playground, in English, Spanish and
//! Portuguese. The engine narrates its traces through it, and the UI takes
//! every label, help line and message from it, so a language switch reaches
//! every string and a missing translation is caught by a test, not a user.

mod catalogue;
pub mod format;

use crate::labs::LabId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A language of the playground.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    En,
    Es,
    Pt,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Es, Lang::Pt];

    /// The short code used in URLs and `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Pt => "pt",
        }
    }

    /// The language's own name, for the language picker.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
            Lang::Pt => "Português",
        }
    }

    /// Parses `en`, `es-PE`, `pt_BR`, … (case-insensitive); `None` otherwise.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            "pt" => Some(Lang::Pt),
            _ => None,
        }
    }

    /// The first supported language of a browser's preference list.
    pub fn pick<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        preferred.into_iter().find_map(Lang::from_tag).unwrap_or_default()
    }

    fn column(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::Es => 1,
            Lang::Pt => 2,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The text of `key` in `lang`. An unknown key comes back as itself, so a
/// mistake shows on screen instead of crashing. Without compiled-in texts (the
/// browser build), a language not loaded yet falls back to one that is.
pub fn t(lang: Lang, key: &str) -> &str {
    match catalogue::KEYS.binary_search(&key) {
        Ok(i) => text(lang, i).unwrap_or(key),
        Err(_) => key,
    }
}

#[cfg(any(feature = "texts", not(target_arch = "wasm32")))]
fn text(lang: Lang, i: usize) -> Option<&'static str> {
    Some(catalogue::ENTRIES[i].1[lang.column()])
}

#[cfg(not(any(feature = "texts", not(target_arch = "wasm32"))))]
fn text(lang: Lang, i: usize) -> Option<&'static str> {
    std::iter::once(lang)
        .chain(Lang::ALL)
        .find_map(|l| LOADED[l.column()].get())
        .map(|texts| texts[i])
}

/// Whether the catalogue has `key`.
pub fn has(key: &str) -> bool {
    catalogue::KEYS.binary_search(&key).is_ok()
}

/// The texts loaded at run time, per language (browser build).
#[cfg(not(any(feature = "texts", not(target_arch = "wasm32"))))]
static LOADED: [std::sync::OnceLock<Vec<&'static str>>; 3] = [
    std::sync::OnceLock::new(),
    std::sync::OnceLock::new(),
    std::sync::OnceLock::new(),
];

/// Whether `lang`'s texts are there (always, where they are compiled in).
pub fn is_loaded(lang: Lang) -> bool {
    #[cfg(any(feature = "texts", not(target_arch = "wasm32")))]
    {
        let _ = lang;
        true
    }
    #[cfg(not(any(feature = "texts", not(target_arch = "wasm32"))))]
    {
        LOADED[lang.column()].get().is_some()
    }
}

/// The lab whose page alone shows `key` (by the catalogue's `#lab` prefixes), if any.
pub fn key_lab(key: &str) -> Option<LabId> {
    catalogue::LAB_PREFIXES
        .iter()
        .find(|(_, prefixes)| prefixes.iter().any(|p| key.starts_with(p)))
        .and_then(|(slug, _)| LabId::from_slug(slug))
}

/// Whether the page of `page` (`None`: the home page) shows `key`: every key but
/// those only another lab's page shows.
pub fn page_shows(page: Option<LabId>, key: &str) -> bool {
    key_lab(key).is_none_or(|lab| Some(lab) == page)
}

/// Where the browser build finds `lang`'s texts for the page of `page` (`None`: the
/// home page), relative to the page: named by the catalogue's id, so a cached file
/// never meets another build's keys.
pub fn texts_file(lang: Lang, page: Option<LabId>) -> String {
    format!(
        "i18n/{}-{}-{}.txt",
        lang.code(),
        page.map_or("home", LabId::slug),
        catalogue::ID
    )
}

/// Reads a texts file (written by `cargo xtask` from the catalogue: the catalogue's
/// id on the first line, then one text per key in key order, `\n` for a line break,
/// an empty line for a text the page of `page` does not show) and makes it `lang`'s
/// texts. Where texts are compiled in, it only checks the file.
pub fn load(lang: Lang, page: Option<LabId>, file: &str) -> Result<(), String> {
    let mut lines = file.lines();
    let id = lines.next().unwrap_or_default().trim();
    if id != catalogue::ID {
        return Err(format!(
            "{}: catalogue {id:?}, expected {:?}",
            texts_file(lang, page),
            catalogue::ID
        ));
    }
    let texts: Vec<String> = lines.map(|l| l.replace("\\n", "\n")).collect();
    if texts.len() != catalogue::KEYS.len() {
        return Err(format!(
            "{}: {} texts for {} keys",
            texts_file(lang, page),
            texts.len(),
            catalogue::KEYS.len()
        ));
    }
    #[cfg(not(any(feature = "texts", not(target_arch = "wasm32"))))]
    {
        let texts: Vec<&'static str> = texts.into_iter().map(|s| &*Box::leak(s.into_boxed_str())).collect();
        let _ = LOADED[lang.column()].set(texts);
    }
    Ok(())
}

/// `lang`'s texts file for the page of `page`, as [`load`] reads it (natively: what
/// `cargo xtask` writes).
#[cfg(any(feature = "texts", not(target_arch = "wasm32")))]
pub fn texts_file_contents(lang: Lang, page: Option<LabId>) -> String {
    let mut out = format!("{}\n", catalogue::ID);
    for (key, texts) in catalogue::ENTRIES {
        if page_shows(page, key) {
            out.push_str(&texts[lang.column()].replace('\n', "\\n"));
        }
        out.push('\n');
    }
    out
}

/// `t` with `{name}` placeholders filled in.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &dyn fmt::Display)]) -> String {
    fill(t(lang, key), args)
}

/// `tf` for a phrase that counts something: the text of `{key}.one` when
/// `n` is 1 and that key exists, else of `key` ("1 attempt", "3 attempts").
/// English, Spanish and Portuguese all put exactly one in the singular.
pub fn tn(lang: Lang, key: &str, n: u64, args: &[(&str, &dyn fmt::Display)]) -> String {
    let one = format!("{key}.one");
    if n == 1 && has(&one) {
        tf(lang, &one, args)
    } else {
        tf(lang, key, args)
    }
}

/// Replaces each `{name}` in `template` by its value.
pub fn fill(template: &str, args: &[(&str, &dyn fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, v)) => out.push_str(&v.to_string()),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every key, for tests and tools.
pub fn keys() -> impl Iterator<Item = &'static str> {
    catalogue::KEYS.iter().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_sorted_unique_and_complete() {
        let entries = catalogue::ENTRIES;
        for pair in entries.windows(2) {
            assert!(
                pair[0].0 < pair[1].0,
                "catalogue out of order or duplicated near {:?}",
                pair[1].0
            );
        }
        for (key, texts) in entries {
            for (lang, text) in Lang::ALL.iter().zip(texts.iter()) {
                assert!(!text.trim().is_empty(), "{key} has no {lang} text");
            }
            // Every language uses the same placeholders.
            let holes = |s: &str| {
                let mut v: Vec<String> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                    .collect();
                v.sort();
                v
            };
            assert_eq!(holes(texts[0]), holes(texts[1]), "{key}: es placeholders differ");
            assert_eq!(holes(texts[0]), holes(texts[2]), "{key}: pt placeholders differ");
        }
    }

    #[test]
    fn picks_from_browser_preferences() {
        assert_eq!(Lang::pick(["fr-FR", "pt-BR", "en"]), Lang::Pt);
        assert_eq!(Lang::pick(["de"]), Lang::En);
        assert_eq!(Lang::from_tag("ES_pe"), Some(Lang::Es));
    }

    #[test]
    fn fill_replaces_known_and_keeps_unknown() {
        assert_eq!(fill("a {x} b {y} {", &[("x", &1)]), "a 1 b {y} {");
    }

    #[test]
    fn texts_files_load_and_stale_ones_are_refused() {
        for lang in Lang::ALL {
            for page in [None, Some(LabId::Retry), Some(LabId::Choreography)] {
                let file = texts_file_contents(lang, page);
                assert_eq!(load(lang, page, &file), Ok(()));
            }
            assert!(texts_file(lang, None).starts_with(&format!("i18n/{}-home-", lang.code())));
            assert!(texts_file(lang, Some(LabId::Retry)).starts_with(&format!("i18n/{}-retry-", lang.code())));
        }
        let keys: Vec<&str> = keys().collect();
        let entries: Vec<&str> = catalogue::ENTRIES.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, entries);
        let stale = texts_file_contents(Lang::Es, None).replacen(catalogue::ID, "0123456789abcdef", 1);
        assert!(load(Lang::Es, None, &stale).unwrap_err().contains("expected"));
        let short: String = texts_file_contents(Lang::Pt, None)
            .lines()
            .take(3)
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(load(Lang::Pt, None, &short).unwrap_err().contains("texts for"));
        // A line break survives the file.
        let multi = catalogue::ENTRIES.iter().position(|(_, t)| t[0].contains('\n'));
        if let Some(i) = multi {
            let line = texts_file_contents(Lang::En, None)
                .lines()
                .nth(i + 1)
                .unwrap()
                .to_string();
            assert_eq!(line.replace("\\n", "\n"), catalogue::ENTRIES[i].1[0]);
        }
    }

    #[test]
    fn each_page_has_its_own_texts_and_the_shared_ones() {
        // Every `#lab` line names a lab, and owns keys.
        for (slug, _) in catalogue::LAB_PREFIXES {
            let lab = LabId::from_slug(slug).expect("a #lab line names a lab");
            assert!(keys().any(|k| key_lab(k) == Some(lab)), "{slug} owns no key");
        }
        let pages = [None, Some(LabId::Retry), Some(LabId::Choreography)];
        for page in pages {
            let file = texts_file_contents(Lang::En, page);
            for (i, (key, texts)) in catalogue::ENTRIES.iter().enumerate() {
                let line = file.lines().nth(i + 1).unwrap().replace("\\n", "\n");
                let shown = key_lab(key).is_none_or(|lab| Some(lab) == page);
                assert_eq!(line, if shown { texts[0] } else { "" }, "{key} on {page:?}");
            }
        }
        assert_eq!(key_lab("preset.retry.storm.title"), Some(LabId::Retry));
        assert_eq!(key_lab("log.choreo.placed"), Some(LabId::Choreography));
        assert_eq!(key_lab("lab.retry.title"), None);
    }

    #[test]
    fn unknown_key_comes_back() {
        assert_eq!(t(Lang::Es, "no.such.key"), "no.such.key");
    }
}

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
#[cfg(any(feature = "texts", not(target_arch = "wasm32")))]
pub fn t(lang: Lang, key: &str) -> &str {
    match catalogue::KEYS.binary_search(&key) {
        Ok(i) => catalogue::ENTRIES[i].1[lang.column()],
        Err(_) => key,
    }
}

/// The text of `key` in `lang` (browser build: from the page's loaded texts,
/// which hold the keys too — a page carries only the keys it shows).
#[cfg(not(any(feature = "texts", not(target_arch = "wasm32"))))]
pub fn t(lang: Lang, key: &str) -> &str {
    // A language not loaded yet falls back to one that is.
    let Some(texts) = std::iter::once(lang)
        .chain(Lang::ALL)
        .find_map(|l| LOADED[l.column()].get())
    else {
        return key;
    };
    match texts.binary_search_by(|(k, _)| (*k).cmp(key)) {
        Ok(i) => texts[i].1,
        Err(_) => key,
    }
}

/// Whether the catalogue has `key` (browser build: the page's texts have it).
pub fn has(key: &str) -> bool {
    #[cfg(any(feature = "texts", not(target_arch = "wasm32")))]
    {
        catalogue::KEYS.binary_search(&key).is_ok()
    }
    #[cfg(not(any(feature = "texts", not(target_arch = "wasm32"))))]
    {
        t(Lang::En, key) != key
    }
}

/// The texts loaded at run time, per language (browser build): (key, text),
/// in key order.
#[cfg(not(any(feature = "texts", not(target_arch = "wasm32"))))]
type Loaded = Vec<(&'static str, &'static str)>;
#[cfg(not(any(feature = "texts", not(target_arch = "wasm32"))))]
static LOADED: [std::sync::OnceLock<Loaded>; 3] = [
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
/// id on the first line, then `key<TAB>text` for every key the page of `page`
/// shows, in key order, `\n` for a line break — another lab's keys are not in it)
/// and makes it `lang`'s texts. Where texts are compiled in, it only checks the file.
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
    let mut texts: Vec<(String, String)> = Vec::new();
    for (n, line) in lines.enumerate() {
        let Some((key, text)) = line.split_once('\t') else {
            return Err(format!("{}: line {} has no key", texts_file(lang, page), n + 2));
        };
        if texts.last().is_some_and(|(last, _)| last.as_str() >= key) {
            return Err(format!(
                "{}: line {} is out of key order",
                texts_file(lang, page),
                n + 2
            ));
        }
        texts.push((key.to_string(), text.replace("\\n", "\n")));
    }
    #[cfg(any(feature = "texts", not(target_arch = "wasm32")))]
    {
        if let Some((key, _)) = texts.iter().find(|(k, _)| !has(k)) {
            return Err(format!("{}: unknown key {key}", texts_file(lang, page)));
        }
    }
    #[cfg(not(any(feature = "texts", not(target_arch = "wasm32"))))]
    {
        let leak = |s: String| &*Box::leak(s.into_boxed_str());
        let texts: Loaded = texts.into_iter().map(|(k, t)| (leak(k), leak(t))).collect();
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
            out.push_str(key);
            out.push('\t');
            out.push_str(&texts[lang.column()].replace('\n', "\\n"));
            out.push('\n');
        }
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
#[cfg(any(feature = "texts", not(target_arch = "wasm32")))]
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

    /// No emoji and no rare symbols: on a machine without a colour-emoji
    /// font (many school and lab ones) "📨", "⏳" or "⏸" show as empty boxes.
    /// Texts use glyphs that common text fonts (DejaVu, Arial, Segoe UI) have.
    #[test]
    fn texts_use_glyphs_every_font_has() {
        let missing_often = [
            '⏳', '⌛', '⏸', '⏭', '⏮', '⏰', '⛔', '✋', '❓', '✅', '❌', '\u{fe0f}',
        ];
        for (key, texts) in catalogue::ENTRIES {
            for text in texts.iter() {
                for ch in text.chars() {
                    assert!(
                        (ch as u32) < 0x1F000 && !missing_often.contains(&ch),
                        "{key}: {ch:?} (U+{:04X}) shows as a box without an emoji font",
                        ch as u32
                    );
                }
            }
        }
    }

    /// One style of quotation marks per language, opened and closed in pairs:
    /// English “…”, Spanish «…», Brazilian Portuguese “…” (the course texts' own).
    /// A straight `"` or another language's marks read as a slip (the pt column
    /// had mixed «», “” and "" in the same lab).
    #[test]
    fn each_language_quotes_one_way() {
        let marks = [('“', '”'), ('«', '»'), ('“', '”')];
        for (key, texts) in catalogue::ENTRIES {
            for ((lang, text), (open, close)) in Lang::ALL.iter().zip(texts.iter()).zip(marks) {
                let mut depth = 0i32;
                for ch in text.chars() {
                    assert!(
                        !matches!(ch, '"' | '«' | '»' | '“' | '”' | '„') || ch == open || ch == close,
                        "{key} ({lang}): {ch:?} — quote with {open}…{close}"
                    );
                    depth += i32::from(ch == open) - i32::from(ch == close && ch != open);
                    assert!(depth >= 0, "{key} ({lang}): {close} before its {open}");
                }
                assert_eq!(depth, 0, "{key} ({lang}): a quotation left open");
            }
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
        // A line without its key, or out of order, is refused.
        let mut lines: Vec<String> = texts_file_contents(Lang::Pt, None)
            .lines()
            .map(str::to_string)
            .collect();
        lines[1] = lines[1].split_once('\t').unwrap().1.to_string();
        assert!(load(Lang::Pt, None, &lines.join("\n")).unwrap_err().contains("no key"));
        let mut lines: Vec<String> = texts_file_contents(Lang::Pt, None)
            .lines()
            .map(str::to_string)
            .collect();
        lines.swap(1, 2);
        assert!(load(Lang::Pt, None, &lines.join("\n")).unwrap_err().contains("order"));
        // A line break survives the file.
        let multi = catalogue::ENTRIES.iter().find(|(_, t)| t[0].contains('\n'));
        if let Some((key, texts)) = multi {
            let file = texts_file_contents(Lang::En, None);
            let line = file.lines().find(|l| l.starts_with(&format!("{key}\t"))).unwrap();
            assert_eq!(line.split_once('\t').unwrap().1.replace("\\n", "\n"), texts[0]);
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
            let lines: Vec<(&str, &str)> = file.lines().skip(1).map(|l| l.split_once('\t').unwrap()).collect();
            // Exactly the keys the page shows, in key order, each with its text.
            let shown: Vec<&(&str, [&str; 3])> = catalogue::ENTRIES
                .iter()
                .filter(|(key, _)| key_lab(key).is_none_or(|lab| Some(lab) == page))
                .collect();
            assert_eq!(lines.len(), shown.len(), "{page:?}");
            for ((key, text), (want_key, texts)) in lines.iter().zip(shown) {
                assert_eq!(key, want_key);
                assert_eq!(text.replace("\\n", "\n"), texts[0], "{key} on {page:?}");
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

//! Turning raw configuration into a scenario the engine can trust. Raw input
//! (a URL, a JSON file, a `--set` override) is checked field by field; every
//! problem becomes a [`ConfigError`] that names the field and says, in the
//! user's language, what is wrong and what would be right.

use crate::i18n::{tf, Lang};
use std::fmt;

/// One problem with one field of a configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    /// The field's path, e.g. `service.transient_failure_rate`.
    pub field: String,
    pub problem: Problem,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// A number outside its allowed range.
    OutOfRange { min: f64, max: f64, got: f64 },
    /// Two fields that do not fit together; the text key explains.
    Inconsistent { key: &'static str },
    /// The input could not be read at all (bad JSON, wrong type, …).
    Unreadable { detail: String },
    /// The run could do more work than any run may (`key` says which kind:
    /// calls, calls in flight, attempt records), up to `got` where `max` is
    /// allowed; `lower` names the fields that would bring it down.
    TooMuchWork {
        key: &'static str,
        got: f64,
        max: f64,
        lower: Vec<String>,
    },
}

impl ConfigError {
    pub fn describe(&self, lang: Lang) -> String {
        self.describe_as(lang, &self.field)
    }

    /// As [`describe`](Self::describe), with `field` naming the setting in
    /// place of its config path (a page names it by its field's label).
    pub fn describe_as(&self, lang: Lang, field: &str) -> String {
        match &self.problem {
            Problem::OutOfRange { min, max, got } => {
                // As the language writes it (10,000 / 10.000; 0.001 / 0,001).
                let num = |v: f64| crate::i18n::format::number(lang, v);
                tf(
                    lang,
                    "error.out_of_range",
                    &[
                        ("field", &field),
                        ("min", &num(*min)),
                        ("max", &num(*max)),
                        ("got", &num(*got)),
                    ],
                )
            }
            Problem::Inconsistent { key } => tf(
                lang,
                "error.inconsistent",
                &[("field", &field), ("why", &crate::i18n::t(lang, key))],
            ),
            Problem::Unreadable { detail } => tf(
                lang,
                "error.unreadable",
                &[("field", &field), ("detail", &reader_detail(lang, detail))],
            ),
            Problem::TooMuchWork { key, got, max, lower } => {
                let whole = |v: f64| match (0.0..1e15).contains(&v) {
                    true => crate::i18n::format::grouped(lang, libm::round(v) as u64),
                    false => crate::i18n::format::number(lang, v),
                };
                let or = crate::i18n::t(lang, "error.work_or");
                let lower = match lower.split_last() {
                    Some((last, [])) => last.clone(),
                    Some((last, rest)) => format!("{} {or} {last}", rest.join(", ")),
                    None => String::new(),
                };
                tf(
                    lang,
                    key,
                    &[
                        ("field", &field),
                        ("got", &whole(*got)),
                        ("max", &whole(*max)),
                        ("lower", &lower),
                    ],
                )
            }
        }
    }
}

/// What kind of JSON value this is, for messages ("got a list").
pub fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "true or false",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list […]",
        serde_json::Value::Object(_) => "an object {…}",
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Lang::En))
    }
}

impl std::error::Error for ConfigError {}

/// How much work a run may do. Links (what the browser opens) get
/// [`WorkLimits::LINK`]; the command line, whose memory stays as flat,
/// allows ten times the calls ([`WorkLimits::CLI`]): more CPU time, the same
/// memory. Each lab checks its own bound on a run's work against these.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WorkLimits {
    /// Calls a run may send (its CPU time).
    pub calls: f64,
    /// Calls the service may be working on at once (memory).
    pub in_flight: f64,
    /// Attempt records unfinished requests may hold at once (memory).
    pub records: f64,
}

impl WorkLimits {
    /// A link, a file or the controls: fits a browser tab (and 256 MB natively).
    pub const LINK: WorkLimits = WorkLimits {
        calls: 10_000_000.0,
        in_flight: 2_500_000.0,
        records: 1_000_000.0,
    };
    /// `playground run` and `sweep`: ten times the calls, the same memory.
    pub const CLI: WorkLimits = WorkLimits {
        calls: 100_000_000.0,
        ..WorkLimits::LINK
    };
}

/// Collects the problems of a configuration as it is checked.
#[derive(Default)]
pub struct Checker {
    errors: Vec<ConfigError>,
}

impl Checker {
    pub fn int(&mut self, field: &str, got: u64, min: u64, max: u64) {
        if got < min || got > max {
            self.push(
                field,
                Problem::OutOfRange {
                    min: min as f64,
                    max: max as f64,
                    got: got as f64,
                },
            );
        }
    }

    pub fn real(&mut self, field: &str, got: f64, min: f64, max: f64) {
        if !(got.is_finite() && got >= min && got <= max) {
            self.push(field, Problem::OutOfRange { min, max, got });
        }
    }

    pub fn require(&mut self, ok: bool, field: &str, key: &'static str) {
        if !ok {
            self.push(field, Problem::Inconsistent { key });
        }
    }

    pub fn push(&mut self, field: &str, problem: Problem) {
        self.errors.push(ConfigError {
            field: field.to_string(),
            problem,
        });
    }

    pub fn finish(self) -> Result<(), Vec<ConfigError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

/// A JSON reader's message (serde's, in English) in `lang`: its phrases
/// translated ("unknown field `colour`, expected one of …" read in English
/// inside a Spanish or Portuguese sentence); names and values as written,
/// since they are what the link holds. Rust's type names become the reader's
/// words in every language, English too: "expected u32" says "expected a whole
/// number from 0 to 4,294,967,295", "struct ServiceConfig" says "an object". The phrases and their
/// translations are one catalogue text, `error.reader_phrases`
/// (`english=translation|…`, longest first, so "expected one of" is not read
/// as "expected"): the wasm holds none of them.
pub fn reader_detail(lang: crate::Lang, detail: &str) -> String {
    let table = crate::i18n::t(lang, "error.reader_phrases");
    // `english _=…`: the phrase names a Rust type after it (serde's "struct
    // ServiceConfig", "internally tagged enum CqrsWorkload"): the name goes too.
    let phrases: Vec<(&str, bool, &str)> = table
        .split('|')
        .filter_map(|p| p.split_once('='))
        .map(|(en, there)| match en.strip_suffix(" _") {
            Some(en) => (en, true, there),
            None => (en, false, there),
        })
        .collect();
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(detail.len() + 16);
    let mut rest = detail;
    'outer: while !rest.is_empty() {
        // A phrase only where a word starts, never inside a name in backticks.
        if rest.starts_with('`') {
            if let Some(end) = rest[1..].find('`') {
                out.push_str(&rest[..end + 2]);
                rest = &rest[end + 2..];
                continue;
            }
        }
        if !out.chars().next_back().is_some_and(word) {
            for &(en, named, there) in &phrases {
                if let Some(after) = rest.strip_prefix(en) {
                    let after = match after.strip_prefix(' ') {
                        Some(name) if named && name.starts_with(|c: char| c.is_ascii_uppercase()) => {
                            name.trim_start_matches(word)
                        }
                        _ if named => continue,
                        _ => after,
                    };
                    if !after.chars().next().is_some_and(word) {
                        out.push_str(there);
                        rest = after;
                        continue 'outer;
                    }
                }
            }
        }
        let c = rest.chars().next().expect("not empty");
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod reader_detail_tests {
    use super::reader_detail;
    use crate::Lang;

    /// Every language's table translates the same English phrases, in the same
    /// order, longest first where one starts another.
    #[test]
    fn the_phrase_tables_match() {
        let sides = |lang| -> Vec<String> {
            crate::i18n::t(lang, "error.reader_phrases")
                .split('|')
                .map(|p| {
                    p.split_once('=')
                        .expect("english=translation")
                        .0
                        .trim_end_matches(" _")
                        .to_string()
                })
                .collect()
        };
        let en = sides(Lang::En);
        assert!(en.len() >= 20);
        assert_eq!(sides(Lang::Es), en);
        assert_eq!(sides(Lang::Pt), en);
        for (i, a) in en.iter().enumerate() {
            for b in &en[i + 1..] {
                assert!(!b.starts_with(a.as_str()), "{b:?} after {a:?}: never matched");
            }
        }
    }

    /// The reader's phrases in the reader's language; names in backticks,
    /// values and types as the link has them.
    #[test]
    fn a_readers_message_speaks_the_links_language() {
        let unknown = "unknown field `colour`, expected one of `workload`, `mode`";
        let cases = [
            (Lang::En, unknown, unknown),
            // Rust's types are never shown, in any language.
            (
                Lang::En,
                "invalid value: integer `-1`, expected u32",
                "invalid value: the whole number `-1`, expected a whole number from 0 to 4,294,967,295",
            ),
            (
                Lang::Es,
                "invalid type: integer `5`, expected struct ServiceConfig",
                "tipo no válido: el número entero `5`, se esperaba un objeto",
            ),
            (
                Lang::Pt,
                "invalid type: floating point `1.5`, expected string or map",
                "tipo inválido: o número `1.5`, esperava-se um nome ou um objeto",
            ),
            (
                Lang::En,
                "invalid type: integer `5`, expected internally tagged enum CqrsWorkload",
                "invalid type: the whole number `5`, expected an object",
            ),
            (
                Lang::Pt,
                "invalid type: string \"x\", expected enum Jitter",
                "tipo inválido: texto \"x\", esperava-se um nome ou um objeto",
            ),
            // Without a type's name after it, "enum" is an ordinary word.
            (Lang::En, "an enum value", "an enum value"),
            (
                Lang::Es,
                "invalid type: sequence, expected f64",
                "tipo no válido: una lista, se esperaba un número",
            ),
            (
                Lang::Es,
                unknown,
                "campo desconocido `colour`, se esperaba uno de `workload`, `mode`",
            ),
            (
                Lang::Pt,
                "invalid type: string \"a\", expected u64 at line 1 column 9",
                "tipo inválido: texto \"a\", esperava-se um número inteiro ≥ 0 na linha 1 coluna 9",
            ),
            // A name is never translated, nor a word that only starts like a phrase.
            (
                Lang::Es,
                "unknown field `expected`, there are no fields",
                "campo desconocido `expected`, no hay campos",
            ),
            (Lang::Es, "gotten expectedly", "gotten expectedly"),
            // serde's "`a` or `b`": no English word left mid-sentence.
            (
                Lang::Es,
                "unknown variant `x`, expected `ping_echo` or `phi_accrual`",
                "valor desconocido `x`, se esperaba `ping_echo` o `phi_accrual`",
            ),
            (
                Lang::Pt,
                "unknown variant `x`, expected `ping_echo` or `phi_accrual`",
                "valor desconhecido `x`, esperava-se `ping_echo` ou `phi_accrual`",
            ),
            (Lang::Es, "order", "order"),
            (
                Lang::Es,
                "seed must be a whole number ≥ 0",
                "seed debe ser un número entero ≥ 0",
            ),
        ];
        for (lang, detail, read) in cases {
            assert_eq!(reader_detail(lang, detail), read, "{lang:?}: {detail}");
        }
    }
}

//! Numbers as each language writes them: `4.43 s` in English, `4,43 s` in
//! Spanish and Portuguese. Narration and formulas format through here, so a
//! log line never mixes the two marks with the page around it.

use super::Lang;

/// Swaps the decimal point of `text` for the mark of `lang`. Only for text
/// with no thousands separators in it (durations, small numbers).
pub fn decimal_mark(lang: Lang, text: &str) -> String {
    match lang {
        Lang::En => text.to_string(),
        Lang::Es | Lang::Pt => text.replace('.', ","),
    }
}

/// `v` with at most `decimals` decimals, trailing zeros dropped (`0.5`,
/// `0.125`, `2`), in the decimal mark of `lang`. Not finite: `—`.
pub fn decimal(lang: Lang, v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let mut text = crate::num::fixed(v, decimals);
    if text.contains('.') {
        text = text.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    if text == "-0" {
        text = "0".into();
    }
    decimal_mark(lang, &text)
}

/// A whole number with the thousands separator of `lang`: `3,201` in
/// English, `3.201` in Spanish and Portuguese.
pub fn grouped(lang: Lang, n: u64) -> String {
    let sep = match lang {
        Lang::En => ',',
        Lang::Es | Lang::Pt => '.',
    };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A number in a message: whole ones grouped (`10,000,000`), others as
/// [`crate::num::Short`] writes them, in the decimal mark of `lang`.
pub fn number(lang: Lang, v: f64) -> String {
    if v.is_finite() && libm::fabs(v - libm::round(v)) < 1e-9 && libm::fabs(v) < 1e15 {
        let sign = if v < 0.0 { "-" } else { "" };
        format!("{sign}{}", grouped(lang, libm::fabs(libm::round(v)) as u64))
    } else if v.is_finite() && libm::fabs(v) >= 1e15 {
        // A link's 1e300 was written out in 300 digits, and pushed a phone's
        // page 2,700 px wide: a mantissa and a power of ten instead.
        // (Tens counted off by hand: `log10` would be one more maths
        // function in every page.)
        let (mut m, mut exp) = (libm::fabs(v), 0);
        while m >= 10.0 {
            m /= 10.0;
            exp += 1;
        }
        let m = libm::round(m * 100.0) / 100.0 * if v < 0.0 { -1.0 } else { 1.0 };
        format!("{}e{exp}", decimal_mark(lang, &crate::num::Short(m).to_string()))
    } else if v.is_finite() {
        decimal_mark(lang, &crate::num::Short(v).to_string())
    } else {
        "∞".to_string()
    }
}

/// What a reader typed in a number box, in Rust's float grammar (`1.5`,
/// `1500`), or `None` when its separators cannot be read. Both marks are
/// accepted in every language, as people type them: `1,5` is 1.5 in a
/// Spanish page *and* an English one (a comma is never dropped, turning it
/// into 15), `1.5` is 1.5 in Spanish too. A mark is a thousands separator
/// only where it can be nothing else: used twice (`1.000.000`), before the
/// other mark (`1,234.5`, `1.234,5`), or, once, as `lang` groups (`,` in
/// English, `.` in Spanish and Portuguese) with exactly three digits after
/// it and one to three before, not a lone 0 (`2,500` in English, `1.500` in
/// Spanish; `0.125` is a decimal everywhere). A space groups too, with
/// three digits after it (`10 000`; `1 5` is no number).
pub fn typed_number(lang: Lang, text: &str) -> Option<String> {
    let s = text.trim();
    let count = |c: char| s.matches(c).count();
    let (commas, dots) = (count(','), count('.'));
    let group = match lang {
        Lang::En => ',',
        Lang::Es | Lang::Pt => '.',
    };
    // The decimal mark: the last of two kinds, or the only one used once.
    let mark = match (commas, dots) {
        (0, 0) => None,
        (_, 0) | (0, _) => {
            let only = if commas > 0 { ',' } else { '.' };
            let groups = only == group && one_group(s, only);
            (commas + dots == 1 && !groups).then_some(only)
        }
        _ => {
            let last = s.rfind([',', '.'])?;
            let mark = s[last..].chars().next()?;
            // The other mark only before it, and this one used once.
            (s.matches(mark).count() == 1).then_some(())?;
            Some(mark)
        }
    };
    let mut out = String::with_capacity(s.len());
    for (at, c) in s.char_indices() {
        match c {
            ',' | '.' if Some(c) == mark => out.push('.'),
            // A thousands separator has three digits after it ("1,2,5" is no number).
            ',' | '.' | ' ' | '\u{a0}' | '\u{202f}' => {
                let run = s[at + c.len_utf8()..].bytes().take_while(u8::is_ascii_digit).count();
                if run != 3 {
                    return None;
                }
            }
            c => out.push(c),
        }
    }
    Some(out)
}

/// Whether `s` is one to three digits (not a lone 0), `mark`, then three
/// digits: "1,000", "1.500" — a thousand, or a decimal, by the language.
fn one_group(s: &str, mark: char) -> bool {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let Some((int, frac)) = s.split_once(mark) else {
        return false;
    };
    let body = int.strip_prefix(['-', '+']).unwrap_or(int);
    frac.len() == 3 && digits(frac) && digits(body) && body.len() <= 3 && body != "0"
}

/// Typed text that [`typed_number`] read as a decimal but a reader of another
/// language would read as thousands: "1,000" in Spanish (1) or "1.000" in
/// English (1). The box says how it was read. `Some` holds the digits
/// without the mark ("1000"), for the message to say what to type instead.
pub fn read_as_decimal(lang: Lang, text: &str) -> Option<String> {
    let s = text.trim();
    let mark = match lang {
        Lang::En => '.',
        Lang::Es | Lang::Pt => ',',
    };
    let other = if mark == '.' { ',' } else { '.' };
    (s.matches(mark).count() == 1 && !s.contains(other) && one_group(s, mark)).then(|| s.replace(mark, ""))
}

/// `n` in superscript digits, for exponents in formulas (`3` → `³`).
pub fn superscript(n: u32) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    n.to_string()
        .chars()
        .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_follow_the_language() {
        assert_eq!(decimal(Lang::En, 0.5, 4), "0.5");
        assert_eq!(decimal(Lang::Es, 0.125, 4), "0,125");
        assert_eq!(decimal(Lang::Pt, 2.0, 2), "2");
        assert_eq!(decimal(Lang::En, 1.0 / 3.0, 4), "0.3333");
        assert_eq!(decimal(Lang::En, -0.0001, 2), "0");
        assert_eq!(decimal(Lang::En, f64::NAN, 2), "—");
        assert_eq!(decimal_mark(Lang::Pt, "4.43 s"), "4,43 s");
    }

    #[test]
    fn messages_group_whole_numbers() {
        assert_eq!(grouped(Lang::En, 10_000_000), "10,000,000");
        assert_eq!(grouped(Lang::Es, 1000), "1.000");
        assert_eq!(grouped(Lang::Pt, 999), "999");
        assert_eq!(number(Lang::En, -2500.0), "-2,500");
        assert_eq!(number(Lang::Pt, 0.001), "0,001");
        assert_eq!(number(Lang::En, f64::INFINITY), "∞");
        // Huge values as a power of ten, never hundreds of digits.
        assert_eq!(number(Lang::En, 1e300), "1e300");
        assert_eq!(number(Lang::Es, 1.5e20), "1,5e20");
        assert_eq!(number(Lang::En, -2e15), "-2e15");
        assert_eq!(number(Lang::En, 999_999_999_999_999.0), "999,999,999,999,999");
    }

    #[test]
    fn typed_numbers_keep_their_decimal_comma() {
        let read = |lang, t: &str| typed_number(lang, t);
        for lang in [Lang::En, Lang::Es, Lang::Pt] {
            assert_eq!(read(lang, "1,5").as_deref(), Some("1.5"), "{lang:?}");
            assert_eq!(read(lang, "1.5").as_deref(), Some("1.5"), "{lang:?}");
            assert_eq!(read(lang, " 0,125 ").as_deref(), Some("0.125"), "{lang:?}");
            assert_eq!(read(lang, "0.125").as_deref(), Some("0.125"), "{lang:?}");
            assert_eq!(read(lang, "1.000.000").as_deref(), Some("1000000"));
            assert_eq!(read(lang, "1,000,000").as_deref(), Some("1000000"));
            assert_eq!(read(lang, "1,234.5").as_deref(), Some("1234.5"));
            assert_eq!(read(lang, "1.234,5").as_deref(), Some("1234.5"));
            assert_eq!(read(lang, "10 000").as_deref(), Some("10000"));
            assert_eq!(read(lang, "250").as_deref(), Some("250"));
            assert_eq!(read(lang, "-2,5").as_deref(), Some("-2.5"));
            // Marks that cannot be read: the field says so.
            assert_eq!(read(lang, "1,2,5.3.4"), None);
            assert_eq!(read(lang, "1.234,5,6"), None);
            assert_eq!(read(lang, "1,2,5"), None);
            assert_eq!(read(lang, "12.34,5"), None);
            assert_eq!(read(lang, "1 5"), None);
            assert_eq!(read(lang, "4 0"), None);
            assert_eq!(read(lang, "1\u{a0}000\u{a0}000").as_deref(), Some("1000000"));
        }
        // Once, with three digits after it: the language's own separator groups.
        assert_eq!(read(Lang::En, "2,500").as_deref(), Some("2500"));
        assert_eq!(read(Lang::En, "2.500").as_deref(), Some("2.500"));
        assert_eq!(read(Lang::Es, "1.500").as_deref(), Some("1500"));
        assert_eq!(read(Lang::Pt, "1,500").as_deref(), Some("1.500"));
        assert_eq!(read(Lang::Es, "0.500").as_deref(), Some("0.500"));
        assert_eq!(read(Lang::En, "1234,567").as_deref(), Some("1234.567"));
        // Read as a decimal where another language groups: said by the box.
        assert_eq!(read_as_decimal(Lang::Es, "1,000").as_deref(), Some("1000"));
        assert_eq!(read_as_decimal(Lang::En, "1.000").as_deref(), Some("1000"));
        assert_eq!(read_as_decimal(Lang::En, "1,000"), None);
        assert_eq!(read_as_decimal(Lang::Es, "1,5"), None);
        assert_eq!(read_as_decimal(Lang::Pt, "0,125"), None);
        assert_eq!(read_as_decimal(Lang::Es, "1.000"), None);
        // Text without marks is passed on as typed, for the caller's parser.
        assert_eq!(read(Lang::En, "abc").as_deref(), Some("abc"));
    }

    proptest::proptest! {
        /// Anything typed, in any language: an answer, never a panic, and a
        /// number that Rust's grammar reads whenever one comes back from digits.
        #[test]
        fn typed_text_never_panics(
            text in "([0-9]{0,4}[,. \u{a0}\u{202f}é+-]?){0,4}|\\PC{0,12}",
            l in 0..3usize,
        ) {
            let lang = [Lang::En, Lang::Es, Lang::Pt][l];
            if let Some(n) = typed_number(lang, &text) {
                let digits_only = text.chars().all(|c| c.is_ascii_digit() || ",. \u{a0}\u{202f}".contains(c));
                if digits_only && n.bytes().any(|b| b.is_ascii_digit()) {
                    proptest::prop_assert!(n.parse::<f64>().is_ok(), "{text:?} -> {n:?}");
                }
            }
            let _ = read_as_decimal(lang, &text);
        }
    }

    #[test]
    fn exponents_are_superscript() {
        assert_eq!(superscript(3), "³");
        assert_eq!(superscript(10), "¹⁰");
        assert_eq!(superscript(0), "⁰");
    }
}

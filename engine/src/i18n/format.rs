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
    } else if v.is_finite() {
        decimal_mark(lang, &crate::num::Short(v).to_string())
    } else {
        "∞".to_string()
    }
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
    }

    #[test]
    fn exponents_are_superscript() {
        assert_eq!(superscript(3), "³");
        assert_eq!(superscript(10), "¹⁰");
        assert_eq!(superscript(0), "⁰");
    }
}

//! Floats as text, byte for byte as `std::fmt` writes them, without `std::fmt`'s
//! float printer (Grisu and Dragon with their bignum and tables, ~6 KB of a page's
//! gzipped wasm): [`Fixed`] is `{:.N}` (exact, ties to even) and [`Short`] is `{}`
//! (the shortest digits that read back the same, through `zmij`, which `serde_json`
//! links anyway). Tested against `format!` over random and edge values. Code that
//! reaches the browser formats floats only through these (and `{:?}` of an `f64`,
//! which `f64::clamp`'s message uses, is avoided: [`clamp`]).

use std::fmt;

/// `v` with exactly `N` decimals (the second field), as `format!("{:.prec$}", v)` writes it (no width
/// or fill: those are written as `std` would for a string).
#[derive(Clone, Copy, Debug)]
pub struct Fixed(pub f64, pub usize);

/// `v` as `format!("{v}")` writes it: the shortest decimal that reads back as `v`,
/// never in exponent form.
#[derive(Clone, Copy, Debug)]
pub struct Short(pub f64);

/// `v.clamp(lo, hi)` for `lo <= hi` (NaN stays NaN), without `clamp`'s panic message.
pub fn clamp(v: f64, lo: f64, hi: f64) -> f64 {
    if v < lo {
        lo
    } else if v > hi {
        hi
    } else {
        v
    }
}

/// `v` with `prec` decimals (see [`Fixed`]).
pub fn fixed(v: f64, prec: usize) -> String {
    let mut s = String::new();
    write_fixed(&mut s, v, prec);
    s
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        write_fixed(&mut s, self.0, self.1);
        if f.width().is_none() {
            f.write_str(&s)
        } else {
            f.pad(&s)
        }
    }
}

impl fmt::Display for Short {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        write_short(&mut s, self.0);
        f.pad(&s)
    }
}

fn non_finite(out: &mut String, v: f64) -> bool {
    if v.is_nan() {
        out.push_str("NaN");
    } else if v.is_infinite() {
        out.push_str(if v < 0.0 { "-inf" } else { "inf" });
    } else {
        return false;
    }
    true
}

/// Appends `v` rounded to `prec` decimals: the exact binary value, ties to even.
pub fn write_fixed(out: &mut String, v: f64, prec: usize) {
    if non_finite(out, v) {
        return;
    }
    if v.is_sign_negative() {
        out.push('-');
    }
    let bits = v.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    // |v| = mant · 2^exp
    let (mant, exp) = if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), biased - 1075)
    };
    // The digits of round(|v| · 10^prec), right-aligned in `buf` (every |v| < 2^52 at
    // up to 19 decimals: no allocation, shifts and u64 arithmetic only).
    let mut buf = [b'0'; 40];
    let mut start = buf.len();
    let big;
    let digits: &[u8] = if prec <= 19 && exp < 0 {
        // mant · 10^prec < 2^53 · 2^64 fits a u128.
        let n = mant as u128 * 10u64.pow(prec as u32) as u128;
        let s = (-exp) as u32;
        // half = 2^(s-1); n < 2^117, so with s ≥ 118 the quotient is 0 and the
        // remainder below half.
        let q = if s >= 118 {
            0
        } else {
            let q = n >> s;
            let r = n - (q << s);
            let half = 1u128 << (s - 1);
            q + (r > half || (r == half && q & 1 == 1)) as u128
        };
        let push = |buf: &mut [u8; 40], start: &mut usize, d: u8| {
            *start -= 1;
            buf[*start] = b'0' + d;
        };
        if let Ok(mut q) = u64::try_from(q) {
            loop {
                push(&mut buf, &mut start, (q % 10) as u8);
                q /= 10;
                if q == 0 {
                    break;
                }
            }
        } else {
            let mut q = q;
            while q > 0 {
                push(&mut buf, &mut start, (q % 10) as u8);
                q /= 10;
            }
        }
        &buf[start..]
    } else {
        big = big_fixed(mant, exp, prec);
        big.as_bytes()
    };
    // At least one digit before the point.
    let zeros = (prec + 1).saturating_sub(digits.len());
    let int_len = digits.len() + zeros - prec;
    for i in 0..digits.len() + zeros {
        if i == int_len {
            out.push('.');
        }
        out.push(if i < zeros { '0' } else { digits[i - zeros] as char });
    }
}

/// round_half_even(mant · 2^exp · 10^prec) in decimal, for any exponent and precision.
fn big_fixed(mant: u64, exp: i32, prec: usize) -> String {
    // Little-endian base-2^32 limbs.
    let mut n: Vec<u32> = vec![mant as u32, (mant >> 32) as u32];
    let mul = |n: &mut Vec<u32>, m: u32| {
        let mut carry = 0u64;
        for d in n.iter_mut() {
            let x = *d as u64 * m as u64 + carry;
            *d = x as u32;
            carry = x >> 32;
        }
        if carry > 0 {
            n.push(carry as u32);
        }
    };
    for _ in 0..prec {
        mul(&mut n, 10);
    }
    if exp >= 0 {
        for _ in 0..exp {
            mul(&mut n, 2);
        }
    } else {
        let s = (-exp) as usize;
        let bit = |n: &[u32], i: usize| n.get(i / 32).is_some_and(|d| d >> (i % 32) & 1 == 1);
        // The dropped part against half: its top bit, then whether anything below it is set.
        let top = bit(&n, s - 1);
        let below = (0..s - 1).any(|i| bit(&n, i));
        // n >>= s
        let (words, bits) = (s / 32, s % 32);
        let mut q: Vec<u32> = Vec::new();
        for i in words..n.len() {
            let lo = n[i] >> bits;
            let hi = if bits > 0 {
                n.get(i + 1).map_or(0, |d| d << (32 - bits))
            } else {
                0
            };
            q.push(lo | hi);
        }
        if q.is_empty() {
            q.push(0);
        }
        let odd = q[0] & 1 == 1;
        if top && (below || odd) {
            // q += 1
            let mut i = 0;
            loop {
                if i == q.len() {
                    q.push(1);
                    break;
                }
                let (x, c) = q[i].overflowing_add(1);
                q[i] = x;
                if !c {
                    break;
                }
                i += 1;
            }
        }
        n = q;
    }
    // To decimal, nine digits at a time.
    let mut chunks = Vec::new();
    loop {
        let mut rem = 0u64;
        for d in n.iter_mut().rev() {
            let x = (rem << 32) | *d as u64;
            *d = (x / 1_000_000_000) as u32;
            rem = x % 1_000_000_000;
        }
        chunks.push(rem as u32);
        while n.last() == Some(&0) {
            n.pop();
        }
        if n.is_empty() {
            break;
        }
    }
    let mut s = chunks.pop().unwrap_or(0).to_string();
    for c in chunks.iter().rev() {
        let c = c.to_string();
        for _ in c.len()..9 {
            s.push('0');
        }
        s.push_str(&c);
    }
    s
}

/// Appends `v` as `{}` writes it: shortest round-trip digits, positional.
pub fn write_short(out: &mut String, v: f64) {
    if non_finite(out, v) {
        return;
    }
    if v.is_sign_negative() {
        out.push('-');
    }
    let mut buf = zmij::Buffer::new();
    let text = buf.format_finite(v.abs());
    let (mantissa, e) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.trim_start_matches('+').parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // digits · 10^(point − len): the value is 0.digits × 10^point.
    let mut digits: String = int.chars().chain(frac.chars()).collect();
    let mut point = int.len() as i32 + e;
    let lead = digits.len() - digits.trim_start_matches('0').len();
    digits.drain(..lead);
    point -= lead as i32;
    let kept = digits.trim_end_matches('0').len();
    digits.truncate(kept);
    if digits.is_empty() {
        out.push('0');
        return;
    }
    if exact_tie(v.abs(), &digits, point) {
        // Halfway between two shortest candidates, `std` takes the upper one
        // (zmij the even one): digits + 1 in the last place.
        let mut bytes = digits.into_bytes();
        let mut i = bytes.len();
        loop {
            if i == 0 {
                bytes.insert(0, b'1');
                point += 1;
                break;
            }
            i -= 1;
            if bytes[i] == b'9' {
                bytes[i] = b'0';
            } else {
                bytes[i] += 1;
                break;
            }
        }
        digits = String::from_utf8(bytes).unwrap_or_default();
        let kept = digits.trim_end_matches('0').len();
        digits.truncate(kept);
    }
    let len = digits.len() as i32;
    if point <= 0 {
        out.push_str("0.");
        for _ in 0..-point {
            out.push('0');
        }
        out.push_str(&digits);
    } else if point >= len {
        out.push_str(&digits);
        for _ in 0..point - len {
            out.push('0');
        }
    } else {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    }
}

/// Whether `v` (positive, finite) is exactly halfway between `0.digits × 10^point`
/// and the next number with as many digits.
fn exact_tie(v: f64, digits: &str, point: i32) -> bool {
    // The candidate is D·10^p; the midpoint has q = max(0, 1 − p) decimals.
    let p = point - digits.len() as i32;
    let q = (1 - p).max(0) as u32;
    let bits = v.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    let (mant, exp) = if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), biased - 1075)
    };
    // v · 10^q must be an integer: 2^-exp divides mant · 2^q · 5^q.
    if mant == 0 || (exp < 0 && mant.trailing_zeros() as i64 + (q as i64) < -(exp as i64)) {
        return false;
    }
    let exact = fixed(v, q as usize).replace('.', "");
    let mut want = String::from(digits);
    want.push('5');
    for _ in 1..p.max(1) {
        want.push('0');
    }
    exact.trim_start_matches('0') == want
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Vec<f64> {
        let mut v = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            -0.5,
            0.25,
            0.125,
            0.375,
            0.05,
            0.15,
            0.35,
            1.0 / 3.0,
            2.0 / 3.0,
            9.95,
            9.995,
            99.5,
            0.045,
            -0.04,
            1e21,
            1e22,
            1e23,
            1.5e300,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            1e-7,
            123456789.125,
            4503599627370495.5,
            9007199254740993.0,
            18446744073709551616.0,
            0.1 + 0.2,
            100.0,
            1e15,
            1e16,
            1e17,
        ];
        // A deterministic spread: random bit patterns, and random values at the
        // scales a page draws (coordinates, percentages, milliseconds).
        let mut x = 0x9e3779b97f4a7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..4_000 {
            v.push(f64::from_bits(next()));
        }
        // Shortest-digit ties: large values with a binary fraction, small powers of two.
        for _ in 0..4_000 {
            let big = ((next() % (1 << 53)) | (1 << 49)) as f64;
            v.push(big + [0.25, 0.5, 0.75, 0.125][(next() % 4) as usize]);
            v.push(big * 2f64.powi((next() % 80) as i32));
            v.push(2f64.powi(-((next() % 1074) as i32)));
            v.push(f64::from_bits(next() % (1 << 20)));
        }
        for scale in [1.0, 10.0, 100.0, 1000.0, 1e6] {
            for _ in 0..4_000 {
                let r = (next() >> 11) as f64 / (1u64 << 53) as f64;
                v.push((r - 0.3) * scale);
                // Ties and near-ties at 1–3 decimals.
                let k = (next() % 200_000) as f64;
                v.push(k / 8.0);
                v.push(k / 1000.0 + 0.0005);
                v.push(k / 100.0 + 0.005);
            }
        }
        v
    }

    #[test]
    fn fixed_is_std_fixed() {
        assert_eq!(fixed(0.04, 1), "0.0");
        assert_eq!(fixed(-0.04, 1), "-0.0");
        assert_eq!(fixed(12.345, 0), "12");
        assert_eq!(fixed(0.001, 3), "0.001");
        for v in values() {
            for prec in [0, 1, 2, 3, 4, 6, 19, 20, 25] {
                let want = format!("{v:.prec$}");
                assert_eq!(fixed(v, prec), want, "{v:e} .{prec}");
            }
        }
        assert_eq!(format!("[{:>6}]", Fixed(1.25, 1)), "[   1.2]");
    }

    #[test]
    fn short_is_std_display() {
        for v in values() {
            assert_eq!(Short(v).to_string(), format!("{v}"), "{v:e}");
        }
        assert_eq!(Short(f64::NAN).to_string(), "NaN");
        assert_eq!(Short(f64::NEG_INFINITY).to_string(), "-inf");
        assert_eq!(Fixed(f64::INFINITY, 2).to_string(), "inf");
    }

    #[test]
    fn clamp_is_std_clamp() {
        for v in [f64::NAN, -1.0, 0.0, 0.5, 1.0, 2.0, f64::INFINITY] {
            let (a, b) = (clamp(v, 0.0, 1.0), v.clamp(0.0, 1.0));
            assert!(a == b || (a.is_nan() && b.is_nan()));
        }
    }
}

//! What probability theory predicts for a retry run, from the run's own
//! parameters — and, when the run breaks theory's assumptions, which one.
//!
//! The textbook model: every attempt, independently of every other, succeeds
//! with chance `s`, fails with an error worth retrying with chance `p`
//! (transient) or with one no retry can fix with chance `q` (permanent), and
//! a request makes at most `n` attempts. An attempt is retried with chance
//! `r`: `r = p` when permanent errors cancel the request, `r = p + q` when
//! they are retried anyway. Then a request reaches attempt `k + 1` with
//! chance `rᵏ`, and
//!
//! - **success** = `s · (1 + r + … + rⁿ⁻¹)`: `1 − pⁿ` without permanent
//!   errors, `1 − (p + q)ⁿ` when they are retried;
//! - **first-try success** = `s = 1 − p − q`;
//! - **calls per request** (load amplification, mean attempts) =
//!   `1 + r + … + rⁿ⁻¹`;
//! - **retry wait per request** = `Σₖ₌₁ⁿ⁻¹ rᵏ · E[wₖ]`, with `wₖ` the wait
//!   before retry `k`: the capped schedule `min(cap, base · multiplierᵏ⁻¹)`
//!   itself without jitter, half of it on average with full jitter, ¾ with
//!   equal jitter (AWS's schemes, `patterns::backoff`), and for decorrelated
//!   jitter `E[wₖ] = 2b · 1.5ᵏ − b` while the cap cannot bind (each wait is
//!   uniform between `b` and three times the previous), computed step by
//!   step over the distribution of the previous wait when it can.
//!
//! Outages, a saturated service, timeouts, deadlines, budgets, breakers, a
//! herd's conflicts and scripted outcomes all break the independence or the
//! "always `n` attempts" assumption: [`caveat`] names the first that applies,
//! so the page shows *why* a measurement is off its prediction.

use super::config::{LatencyShape, RetryScenario, Workload};
use crate::labs::run::{FormulaArg, MetricValue, Theory};
use crate::patterns::backoff::{Backoff, Jitter, WaitKind};
use crate::patterns::service;

/// Below this chance per attempt, timeouts are too rare to matter.
const NEGLIGIBLE: f64 = 1e-3;

/// What theory predicts for one side of a retry run.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// Chance an attempt fails with a transient error.
    pub p: f64,
    /// Chance an attempt fails with a permanent error.
    pub q: f64,
    /// Most attempts per request.
    pub n: u32,
    /// Whether a permanent error ends the request at once.
    pub cancel_on_permanent: bool,
    pub success_rate: f64,
    pub first_try_success_rate: f64,
    /// Expected calls per request: load amplification and mean attempts.
    pub calls_per_request: f64,
    /// Expected total wait between attempts per request, in ms.
    pub retry_wait_per_request_ms: f64,
    /// Catalogue key of the first assumption the run breaks, if any.
    pub caveat: Option<&'static str>,
    /// How the retry wait was predicted (a catalogue key).
    wait_key: &'static str,
    backoff: Backoff,
}

impl Prediction {
    pub fn of(sc: &RetryScenario) -> Prediction {
        let p = sc.service.transient_failure_rate;
        let q = sc.service.permanent_failure_rate;
        let n = theory_attempts(sc.strategy.max_attempts);
        let cancel = sc.strategy.cancel_on_permanent;
        let r = retried(p, q, cancel);
        let reach = geometric_sum(r, n);
        let backoff = sc.strategy.backoff;
        let waits = expected_waits_ms(&backoff, n.saturating_sub(1));
        let wait: f64 = waits
            .iter()
            .enumerate()
            .map(|(i, w)| libm::pow(r, (i + 1) as f64) * w)
            .sum();
        let wait_key = if n <= 1 {
            "theory.wait_one_attempt"
        } else {
            match (backoff.kind, backoff.jitter) {
                (WaitKind::Immediate, _) => "theory.wait_immediate",
                (_, Jitter::None) => "theory.wait_none",
                (_, Jitter::Full) => "theory.wait_full",
                (_, Jitter::Equal) => "theory.wait_equal",
                (_, Jitter::Decorrelated) => "theory.wait_decorrelated",
            }
        };
        Prediction {
            p,
            q,
            n,
            cancel_on_permanent: cancel,
            success_rate: (1.0 - p - q).max(0.0) * reach,
            first_try_success_rate: (1.0 - p - q).max(0.0),
            calls_per_request: reach,
            retry_wait_per_request_ms: wait,
            caveat: caveat(sc),
            wait_key,
            backoff,
        }
    }

    /// Chance an attempt is retried (`p`, or `p + q` when permanent errors are retried too).
    pub fn retried(&self) -> f64 {
        retried(self.p, self.q, self.cancel_on_permanent)
    }

    fn theory(&self, value: MetricValue, key: &'static str, args: Vec<(&'static str, FormulaArg)>) -> Theory {
        Theory {
            value,
            formula_key: key,
            formula_args: args,
            caveat_key: self.caveat,
        }
    }

    /// Success rate: `1 − pⁿ`, or the formula for the run's mix of errors.
    pub fn success_theory(&self) -> Theory {
        let (p, q, n) = (self.p, self.q, self.n);
        let v = MetricValue::Ratio(self.success_rate);
        if q == 0.0 {
            self.theory(
                v,
                "theory.one_minus_p_n",
                vec![("p", FormulaArg::Number(p)), ("n", FormulaArg::Exponent(n))],
            )
        } else if self.cancel_on_permanent {
            self.theory(
                v,
                "theory.success_cancel",
                vec![
                    ("p", FormulaArg::Number(p)),
                    ("q", FormulaArg::Number(q)),
                    ("n", FormulaArg::Count(n as u64)),
                ],
            )
        } else {
            self.theory(
                v,
                "theory.one_minus_pq_n",
                vec![
                    ("p", FormulaArg::Number(p)),
                    ("q", FormulaArg::Number(q)),
                    ("n", FormulaArg::Exponent(n)),
                ],
            )
        }
    }

    /// First-try success: `1 − p` (`1 − p − q` with permanent errors).
    pub fn first_try_theory(&self) -> Theory {
        let v = MetricValue::Ratio(self.first_try_success_rate);
        if self.q == 0.0 {
            self.theory(v, "theory.one_minus_p", vec![("p", FormulaArg::Number(self.p))])
        } else {
            self.theory(
                v,
                "theory.one_minus_p_q",
                vec![("p", FormulaArg::Number(self.p)), ("q", FormulaArg::Number(self.q))],
            )
        }
    }

    /// Calls per request, written as `value` (a factor or a plain number).
    pub fn calls_theory(&self, value: fn(f64) -> MetricValue) -> Theory {
        let v = value(self.calls_per_request);
        let n = ("n", FormulaArg::Count(self.n as u64));
        if self.q == 0.0 || self.cancel_on_permanent {
            self.theory(v, "theory.sum_p_k", vec![("p", FormulaArg::Number(self.p)), n])
        } else {
            self.theory(
                v,
                "theory.sum_pq_k",
                vec![("p", FormulaArg::Number(self.p)), ("q", FormulaArg::Number(self.q)), n],
            )
        }
    }

    /// Expected retry wait per request.
    pub fn wait_theory(&self) -> Theory {
        self.theory(
            MetricValue::Ms(self.retry_wait_per_request_ms),
            self.wait_key,
            vec![
                ("p", FormulaArg::Number(self.retried())),
                ("last", FormulaArg::Count(self.n.saturating_sub(1) as u64)),
                ("base", FormulaArg::Ms(self.backoff.base.as_ms_f64())),
            ],
        )
    }
}

fn retried(p: f64, q: f64, cancel_on_permanent: bool) -> f64 {
    if cancel_on_permanent {
        p
    } else {
        (p + q).min(1.0)
    }
}

/// The attempts theory counts with: the limit, or for an unlimited (0) or
/// very high one, [`THEORY_ATTEMPTS`] — beyond it rᵏ is negligible unless r
/// is close to 1, and then the deadline (which unlimited attempts need)
/// ends requests first, a caveat the table shows.
pub fn theory_attempts(max_attempts: u32) -> u32 {
    match max_attempts {
        0 => THEORY_ATTEMPTS,
        n => n.min(THEORY_ATTEMPTS),
    }
}

/// See [`theory_attempts`].
pub const THEORY_ATTEMPTS: u32 = 10_000;

/// `1 + r + … + rⁿ⁻¹`: the expected number of attempts when each is retried
/// with chance `r`, at most `n` of them.
pub fn geometric_sum(r: f64, n: u32) -> f64 {
    (0..n).map(|k| libm::pow(r, k as f64)).sum()
}

/// The expected wait before retries `1..=retries`, in ms, as
/// [`Backoff::wait`] draws them (in whole microseconds).
pub fn expected_waits_ms(b: &Backoff, retries: u32) -> Vec<f64> {
    if b.kind == WaitKind::Immediate {
        return vec![0.0; retries as usize];
    }
    if b.jitter == Jitter::Decorrelated {
        return decorrelated_means_cached(b.base.as_micros(), b.cap.as_micros(), retries)
            .into_iter()
            .map(|us| us / 1000.0)
            .collect();
    }
    (1..=retries)
        .map(|k| {
            let c = b.ceiling(k).as_micros();
            let us = match b.jitter {
                Jitter::None => c as f64,
                // Uniform on the whole microseconds 0..=c.
                Jitter::Full => c as f64 / 2.0,
                // c/2 (rounded down) plus uniform on 0..=c − c/2.
                Jitter::Equal => (c / 2) as f64 + (c - c / 2) as f64 / 2.0,
                Jitter::Decorrelated => unreachable!("handled above"),
            };
            us / 1000.0
        })
        .collect()
}

/// [`decorrelated_means_us`], remembered for the last few schedules: the
/// page asks for the metric rows of both sides several times a second, and
/// the step-by-step computation is the one costly part of a prediction.
fn decorrelated_means_cached(base_us: u64, cap_us: u64, retries: u32) -> Vec<f64> {
    type Entry = ((u64, u64, u32), Vec<f64>);
    thread_local! {
        static RECENT: std::cell::RefCell<Vec<Entry>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let key = (base_us, cap_us, retries);
    RECENT.with(|recent| {
        let mut recent = recent.borrow_mut();
        if let Some((_, means)) = recent.iter().find(|(k, _)| *k == key) {
            return means.clone();
        }
        let means = decorrelated_means_us(base_us as f64, cap_us as f64, retries);
        if recent.len() == 4 {
            recent.remove(0);
        }
        recent.push((key, means.clone()));
        means
    })
}

/// The mean of decorrelated jitter's waits `w₁ … w_retries` (µs), where
/// `wₖ = min(cap, uniform(base, 3·wₖ₋₁))` and `w₀ = base`.
///
/// While the cap cannot bind (`base · 3ᵏ ≤ cap`) the mean follows
/// `E[wₖ] = (base + 3·E[wₖ₋₁]) / 2`, i.e. `2·base·1.5ᵏ − base`, exactly. Once
/// it can, the mean of the capped draw depends on the whole distribution of
/// the previous wait, so it is carried step by step: on log-spaced cells
/// between base and cap (mass and mean in each, exact for the uncapped part)
/// plus the mass sitting at the cap.
pub fn decorrelated_means_us(base: f64, cap: f64, retries: u32) -> Vec<f64> {
    if base <= 0.0 || cap <= base {
        return vec![base.max(0.0).min(cap.max(base)); retries as usize];
    }
    const CELLS: usize = 128;
    let ratio = cap / base;
    let edges: Vec<f64> = (0..=CELLS)
        .map(|i| base * libm::pow(ratio, i as f64 / CELLS as f64))
        .collect();
    // The previous wait's distribution: (mass, mean) pairs.
    let mut sources: Vec<(f64, f64)> = vec![(1.0, base)];
    let mut out = Vec::with_capacity(retries as usize);
    for _ in 0..retries {
        let mut mass = [0.0f64; CELLS];
        let mut moment = [0.0f64; CELLS];
        let mut at_cap = 0.0;
        for &(m, w) in &sources {
            if m <= 0.0 {
                continue;
            }
            let hi = 3.0 * w;
            let width = hi - base;
            if width <= 0.0 {
                // Only when w = base = 0, excluded above.
                continue;
            }
            let top = hi.min(cap);
            for j in 0..CELLS {
                let lo = edges[j];
                let up = edges[j + 1].min(top);
                if up <= lo {
                    break;
                }
                let share = m * (up - lo) / width;
                mass[j] += share;
                moment[j] += share * (lo + up) / 2.0;
            }
            if hi > cap {
                at_cap += m * (hi - cap) / width;
            }
        }
        let mean = moment.iter().sum::<f64>() + at_cap * cap;
        // Once capped, the waits settle to a steady distribution: when the
        // mean stops moving, every later wait has that mean (this keeps 10,000
        // retries as cheap as a few hundred).
        if out
            .last()
            .is_some_and(|last: &f64| libm::fabs(mean - last) <= 1e-12 * mean)
        {
            out.resize(retries as usize, mean);
            break;
        }
        out.push(mean);
        sources = mass
            .iter()
            .zip(moment.iter())
            .filter(|(m, _)| **m > 0.0)
            .map(|(m, mo)| (*m, mo / m))
            .chain((at_cap > 0.0).then_some((at_cap, cap)))
            .collect();
    }
    out
}

/// Chance that one call takes longer than `t_ms` (before any overload).
pub fn p_slower_than(sc: &RetryScenario, t_ms: f64) -> f64 {
    let svc = &sc.service;
    let m = svc.latency_ms as f64;
    let base = match svc.latency_shape {
        // An idealised service that answers at once is never slower than t ≥ 0.
        _ if m == 0.0 && svc.latency_shape != LatencyShape::Normal => 0.0,
        LatencyShape::Normal => service::truncated_normal_above(m, svc.latency_sd_ms as f64, t_ms),
        LatencyShape::Fixed => f64::from(u8::from(m > t_ms)),
        LatencyShape::Uniform => ((1.5 * m - t_ms) / m).clamp(0.0, 1.0),
        LatencyShape::Exponential => libm::exp(-t_ms / m),
        // median · e^(0.5·Z): above t when Z > ln(t/m)/0.5.
        LatencyShape::LogNormal => {
            if t_ms <= 0.0 {
                1.0
            } else {
                0.5 * libm::erfc(libm::log(t_ms / m) / (0.5 * core::f64::consts::SQRT_2))
            }
        }
    };
    let slow = f64::from(u8::from(svc.slow_ms as f64 > t_ms));
    (1.0 - svc.slow_rate) * base + svc.slow_rate * slow
}

/// Mean time the service works on a call, in ms (before any overload).
fn mean_latency_ms(sc: &RetryScenario) -> f64 {
    let svc = &sc.service;
    let m = svc.latency_ms as f64;
    let base = match svc.latency_shape {
        LatencyShape::LogNormal => m * libm::exp(0.125),
        LatencyShape::Normal => service::truncated_normal_mean(m, svc.latency_sd_ms as f64),
        _ => m,
    };
    (1.0 - svc.slow_rate) * base + svc.slow_rate * svc.slow_ms as f64
}

/// A call time that is rarely exceeded (about one call in a thousand), in ms.
fn long_latency_ms(sc: &RetryScenario) -> f64 {
    let svc = &sc.service;
    let m = svc.latency_ms as f64;
    let mut long = match svc.latency_shape {
        LatencyShape::Fixed => m,
        LatencyShape::Uniform => 1.5 * m,
        LatencyShape::Exponential => m * libm::log(1000.0),
        LatencyShape::LogNormal => m * libm::exp(0.5 * 3.09),
        LatencyShape::Normal => m + 3.09 * svc.latency_sd_ms as f64,
    };
    if svc.slow_rate > NEGLIGIBLE {
        long = long.max(svc.slow_ms as f64);
    }
    match sc.strategy.attempt_timeout {
        Some(t) => long.min(t.as_ms_f64()),
        None => long,
    }
}

/// The catalogue key of the first assumption of the textbook model that
/// `sc` breaks, or `None` when they all hold.
pub fn caveat(sc: &RetryScenario) -> Option<&'static str> {
    let plan = &sc.strategy;
    let n = theory_attempts(plan.max_attempts);
    if !sc.script.is_empty() {
        return Some("theory.caveat.scripted");
    }
    if matches!(sc.workload, Workload::Herd { .. }) {
        return Some("theory.caveat.herd");
    }
    // An outage before a service that can saturate: the retries it sets off
    // overload it. Most requests fail of the overload (24.6 % succeeded;
    // 99.9 % with the same outage and no limit), and the outage alone read
    // as the reason.
    if sc.service.capacity > 0 && !sc.service.outages.is_empty() {
        return Some("theory.caveat.storm");
    }
    if !sc.service.outages.is_empty() {
        return Some("theory.caveat.outage");
    }
    if sc.service.capacity > 0 && may_overload(sc) {
        return Some("theory.caveat.capacity");
    }
    if plan.breaker.is_some() {
        return Some("theory.caveat.breaker");
    }
    if (plan.budget.is_some() || plan.retry_quota.is_some()) && n > 1 {
        return Some("theory.caveat.budget");
    }
    if let Some(timeout) = plan.attempt_timeout {
        if p_slower_than(sc, timeout.as_ms_f64()) > NEGLIGIBLE {
            return Some("theory.caveat.timeout");
        }
    }
    // Unlimited attempts end only at the deadline.
    if plan.max_attempts == 0 {
        return Some("theory.caveat.deadline");
    }
    if let Some(deadline) = plan.deadline {
        let waits: f64 = (1..n).map(|k| longest_wait_ms(&plan.backoff, k)).sum();
        if waits + n as f64 * long_latency_ms(sc) >= deadline.as_ms_f64() {
            return Some("theory.caveat.deadline");
        }
    }
    None
}

/// The longest wait the backoff can draw before retry `k`, in ms.
fn longest_wait_ms(b: &Backoff, k: u32) -> f64 {
    match (b.kind, b.jitter) {
        (WaitKind::Immediate, _) => 0.0,
        (_, Jitter::Decorrelated) => (b.base.as_ms_f64() * libm::pow(3.0, k as f64)).min(b.cap.as_ms_f64()),
        _ => b.ceiling(k).as_ms_f64(),
    }
}

/// Whether the service may ever hold more calls than its capacity: by
/// Little's law, calls in service = calls per second × mean call time; with
/// Poisson arrivals that count rarely exceeds its mean by four of its
/// standard deviations.
fn may_overload(sc: &RetryScenario) -> bool {
    let capacity = sc.service.capacity as f64;
    let pred_calls = geometric_sum(
        retried(
            sc.service.transient_failure_rate,
            sc.service.permanent_failure_rate,
            sc.strategy.cancel_on_permanent,
        ),
        theory_attempts(sc.strategy.max_attempts),
    );
    match sc.workload {
        // One request: its calls follow each other, unless timed-out ones pile up.
        Workload::Single => {
            let most = if sc.strategy.attempt_timeout.is_some() {
                theory_attempts(sc.strategy.max_attempts) as f64
            } else {
                1.0
            };
            most > capacity
        }
        Workload::Herd { clients, .. } => clients as f64 > capacity,
        Workload::Poisson {
            clients,
            rate_per_client,
            ..
        } => {
            let mean = clients as f64 * rate_per_client * pred_calls * mean_latency_ms(sc) / 1000.0;
            mean + 4.0 * libm::sqrt(mean) + 1.0 > capacity
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::retry::config::{BudgetConfig, Outage, RetryConfig, Scripted, ServiceConfig};
    use crate::labs::retry::presets;
    use crate::rng::SimRng;
    use crate::time::SimDuration;

    fn scenario(config: &RetryConfig) -> RetryScenario {
        config.scenario().expect("valid test config")
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * (1.0 + b.abs())
    }

    #[test]
    fn the_tenacity_demo_by_hand() {
        // p = 0.5, 3 attempts, fixed 2 s: success 1 − 0.5³ = 0.875; first try 0.5;
        // calls 1 + 0.5 + 0.25 = 1.75; wait 0.5 · 2 s + 0.25 · 2 s = 1.5 s.
        let pred = Prediction::of(&scenario(&presets::find("tenacity").unwrap().config));
        assert!(close(pred.success_rate, 0.875));
        assert!(close(pred.first_try_success_rate, 0.5));
        assert!(close(pred.calls_per_request, 1.75));
        assert!(close(pred.retry_wait_per_request_ms, 1500.0));
        assert_eq!(pred.caveat, None);
        let t = pred.success_theory();
        assert_eq!(t.formula(crate::Lang::En), "1 − pⁿ = 1 − 0.5³");
        assert_eq!(t.formula(crate::Lang::Es), "1 − pⁿ = 1 − 0,5³");
    }

    #[test]
    fn exponential_and_jitter_waits_by_hand() {
        // Exponential 2 s → 4 s, p = 0.5, 3 attempts: 0.5 · 2 s + 0.25 · 4 s = 2 s.
        let mut config = presets::find("exponential").unwrap().config;
        let pred = Prediction::of(&scenario(&config));
        assert!(close(pred.retry_wait_per_request_ms, 2000.0));
        // Full jitter waits half on average: 1 s; equal jitter ¾: 1.5 s.
        config.strategy.jitter = Jitter::Full;
        assert!(close(
            Prediction::of(&scenario(&config)).retry_wait_per_request_ms,
            1000.0
        ));
        config.strategy.jitter = Jitter::Equal;
        assert!(close(
            Prediction::of(&scenario(&config)).retry_wait_per_request_ms,
            1500.0
        ));
        // A cap of 3 s: waits 2 s then 3 s → 0.5 · 2 + 0.25 · 3 = 1.75 s.
        config.strategy.jitter = Jitter::None;
        config.strategy.cap_ms = 3_000;
        assert!(close(
            Prediction::of(&scenario(&config)).retry_wait_per_request_ms,
            1750.0
        ));
        // Immediate retries never wait.
        config.strategy.wait = WaitKind::Immediate;
        assert_eq!(Prediction::of(&scenario(&config)).retry_wait_per_request_ms, 0.0);
    }

    #[test]
    fn decorrelated_waits_below_the_cap_by_hand() {
        // base 1 s: E[w₁] = 2 s, E[w₂] = (1 + 3·2)/2 = 3.5 s, E[w₃] = (1 + 3·3.5)/2 = 5.75 s.
        let means = decorrelated_means_us(1e6, 1e9, 3);
        for (got, want) in means.iter().zip([2e6, 3.5e6, 5.75e6]) {
            assert!((got - want).abs() < 1e-3, "{means:?}");
        }
        // With p = 0.5 and 4 attempts: 0.5·2 + 0.25·3.5 + 0.125·5.75 = 2.59375 s.
        let mut config = presets::find("tenacity").unwrap().config;
        config.strategy.max_attempts = 4;
        config.strategy.base_ms = 1_000;
        config.strategy.cap_ms = 1_000_000;
        config.strategy.jitter = Jitter::Decorrelated;
        let pred = Prediction::of(&scenario(&config));
        assert!((pred.retry_wait_per_request_ms - 2593.75).abs() < 1e-6);
    }

    #[test]
    fn decorrelated_waits_under_a_cap_match_the_backoff_itself() {
        // The cap binds from the second retry on: check the step-by-step means
        // against the backoff's own draws (200,000 sequences; the standard error
        // of each mean is under 0.2 % of the cap).
        let b = Backoff {
            kind: WaitKind::Exponential,
            base: SimDuration::from_ms(100),
            multiplier: 2.0,
            cap: SimDuration::from_ms(1_000),
            jitter: Jitter::Decorrelated,
        };
        let retries = 6;
        let predicted = expected_waits_ms(&b, retries);
        let runs = 200_000;
        let mut sums = vec![0.0; retries as usize];
        let mut rng = SimRng::new(7);
        for _ in 0..runs {
            let mut previous = SimDuration::ZERO;
            for k in 1..=retries {
                let w = b.wait(k, previous, &mut rng);
                sums[k as usize - 1] += w.as_ms_f64();
                previous = w;
            }
        }
        for (k, (sum, want)) in sums.iter().zip(&predicted).enumerate() {
            let got = sum / runs as f64;
            assert!(
                (got - want).abs() < 3.0,
                "retry {}: measured {got:.2} ms, predicted {want:.2} ms",
                k + 1
            );
        }
        // The first retry never reaches the cap: exactly 2 · base.
        assert!((predicted[0] - 200.0).abs() < 1e-9);
    }

    #[test]
    fn permanent_errors_by_hand() {
        // p = 0.3, q = 0.2, 3 attempts.
        let mut config = RetryConfig::default();
        config.service.transient_failure_rate = 0.3;
        config.service.permanent_failure_rate = 0.2;
        // Cancel: success 0.5 · (1 + 0.3 + 0.09) = 0.695; calls 1.39; first try 0.5.
        let pred = Prediction::of(&scenario(&config));
        assert!(close(pred.success_rate, 0.695));
        assert!(close(pred.calls_per_request, 1.39));
        assert!(close(pred.first_try_success_rate, 0.5));
        assert_eq!(pred.success_theory().formula_key, "theory.success_cancel");
        // Retried anyway: success 1 − 0.5³ = 0.875; calls 1 + 0.5 + 0.25 = 1.75;
        // wait 0.5 · 2 s + 0.25 · 2 s = 1.5 s.
        config.strategy.cancel_on_permanent = false;
        let pred = Prediction::of(&scenario(&config));
        assert!(close(pred.success_rate, 0.875));
        assert!(close(pred.calls_per_request, 1.75));
        assert!(close(pred.retry_wait_per_request_ms, 1500.0));
        assert_eq!(
            pred.success_theory().formula(crate::Lang::Pt),
            "1 − (p + q)ⁿ = 1 − (0,3 + 0,2)³"
        );
        // Every attempt permanent, cancelled: success 0, one call.
        let pred = Prediction::of(&scenario(&presets::find("permanent").unwrap().config));
        assert_eq!((pred.success_rate, pred.calls_per_request), (0.0, 1.0));
    }

    #[test]
    fn each_broken_assumption_is_named() {
        let base = || RetryConfig {
            workload: Workload::Poisson {
                clients: 10,
                rate_per_client: 1.0,
                duration_ms: 10_000,
            },
            service: ServiceConfig {
                latency_shape: LatencyShape::Fixed,
                ..ServiceConfig::default()
            },
            ..RetryConfig::default()
        };
        let of = |c: &RetryConfig| caveat(&scenario(c));
        assert_eq!(of(&base()), None);
        let mut c = base();
        c.script = vec![Scripted::Fail];
        assert_eq!(of(&c), Some("theory.caveat.scripted"));
        let mut c = base();
        c.workload = Workload::Herd {
            clients: 5,
            read_write: false,
        };
        assert_eq!(of(&c), Some("theory.caveat.herd"));
        let mut c = base();
        c.service.outages = vec![Outage {
            from_ms: 1_000,
            to_ms: 2_000,
            node: None,
        }];
        assert_eq!(of(&c), Some("theory.caveat.outage"));
        // The same outage before a service that can saturate: a storm.
        c.service.capacity = 100;
        assert_eq!(of(&c), Some("theory.caveat.storm"));
        // ~10 requests/s × 1.75 calls × 0.12 s ≈ 2 calls in service: 100 is plenty, 3 is not.
        let mut c = base();
        c.service.capacity = 100;
        assert_eq!(of(&c), None);
        c.service.capacity = 3;
        assert_eq!(of(&c), Some("theory.caveat.capacity"));
        let mut c = base();
        c.strategy.budget = Some(BudgetConfig::default());
        assert_eq!(of(&c), Some("theory.caveat.budget"));
        let mut c = base();
        c.strategy.breaker = Some(Default::default());
        assert_eq!(of(&c), Some("theory.caveat.breaker"));
        // A timeout above every call time changes nothing; below the median it does.
        let mut c = base();
        c.strategy.attempt_timeout_ms = 1_000;
        assert_eq!(of(&c), None);
        c.strategy.attempt_timeout_ms = 100;
        assert_eq!(of(&c), Some("theory.caveat.timeout"));
        // Two waits of 2 s and three calls of 120 ms fit in 10 s, not in 3 s.
        let mut c = base();
        c.strategy.deadline_ms = 10_000;
        assert_eq!(of(&c), None);
        c.strategy.deadline_ms = 3_000;
        assert_eq!(of(&c), Some("theory.caveat.deadline"));
        // Every retry preset that is not the textbook case says why.
        for p in presets::all() {
            let sc = scenario(&p.config);
            let textbook = matches!(p.id, "tenacity" | "exponential" | "permanent");
            assert_eq!(caveat(&sc).is_none(), textbook, "preset {}", p.id);
        }
    }

    #[test]
    fn latency_tails_by_hand() {
        let mut c = RetryConfig::default();
        c.service.latency_ms = 100;
        c.service.latency_shape = LatencyShape::Exponential;
        assert!(close(p_slower_than(&scenario(&c), 100.0), libm::exp(-1.0)));
        c.service.latency_shape = LatencyShape::LogNormal;
        assert!(close(p_slower_than(&scenario(&c), 100.0), 0.5), "the median");
        c.service.latency_shape = LatencyShape::Uniform;
        assert!(close(p_slower_than(&scenario(&c), 125.0), 0.25));
        c.service.latency_shape = LatencyShape::Fixed;
        c.service.slow_rate = 0.1;
        assert!(close(p_slower_than(&scenario(&c), 1_000.0), 0.1));
    }
}

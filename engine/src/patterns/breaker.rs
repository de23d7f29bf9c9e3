//! A circuit breaker: stop calling a dependency that is failing, give it time,
//! then probe it carefully.
//!
//! - **Closed**: calls flow; outcomes go into a sliding window of the last
//!   `window` calls. Once the window holds at least `min_calls` outcomes and the
//!   share of failures reaches `failure_ratio`, the breaker opens.
//! - **Open**: calls are rejected at once (fail fast) until `open_for` has passed.
//! - **Half-open**: up to `probes` trial calls go through. One failure re-opens
//!   the breaker; `probes` successes close it with a fresh window. A probe
//!   whose outcome says nothing about the service's health (a permanent
//!   error) gives its slot back ([`CircuitBreaker::release_probe`]).

use crate::time::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Which calls a breaker may stop. Both kinds share the window, the
/// threshold, the cool-down and the probes; they differ in what an open
/// breaker refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BreakerKind {
    /// The classic breaker (Nygard's *Release It!*, resilience4j, Polly):
    /// while open, every call fails fast, first attempts included.
    #[default]
    Full,
    /// The breaker many retry guides mean (and the AWS SDKs' retry quota
    /// approximates): while the failure rate is over the threshold only
    /// *retries* stop; first attempts always go, and still count in the window.
    RetriesOnly,
}

impl BreakerKind {
    pub fn is_full(&self) -> bool {
        *self == BreakerKind::Full
    }
}

/// The three states, as shown in the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerState {
    Closed,
    Open,
    HalfOpen,
}

/// What the breaker says about a call that is about to be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    Allowed,
    /// Allowed as one of the half-open trial calls.
    Probe,
    Rejected,
}

/// A state change, returned so the caller can trace it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    pub from: BreakerState,
    pub to: BreakerState,
}

#[derive(Clone, Debug)]
pub struct CircuitBreaker {
    window: usize,
    failure_ratio: f64,
    min_calls: usize,
    open_for: SimDuration,
    probes: u32,
    state: BreakerState,
    outcomes: VecDeque<bool>,
    failures_in_window: usize,
    open_until: SimTime,
    probes_sent: u32,
    probes_ok: u32,
    /// How many times the breaker has gone half-open: names a round of probes.
    round: u64,
}

impl CircuitBreaker {
    pub fn new(window: u32, failure_ratio: f64, min_calls: u32, open_for: SimDuration, probes: u32) -> Self {
        CircuitBreaker {
            window: window.max(1) as usize,
            failure_ratio,
            min_calls: min_calls.max(1) as usize,
            open_for,
            probes: probes.max(1),
            state: BreakerState::Closed,
            outcomes: VecDeque::new(),
            failures_in_window: 0,
            open_until: SimTime::ZERO,
            probes_sent: 0,
            probes_ok: 0,
            round: 0,
        }
    }

    pub fn state(&self) -> BreakerState {
        self.state
    }

    /// When an open breaker will let probes through.
    pub fn open_until(&self) -> SimTime {
        self.open_until
    }

    /// The current (or last) half-open round. A caller keeps it with each
    /// [`Admission::Probe`] to tell that probe's outcome from a stale one.
    pub fn round(&self) -> u64 {
        self.round
    }

    /// Failures and calls currently in the sliding window.
    pub fn window_counts(&self) -> (usize, usize) {
        (self.failures_in_window, self.outcomes.len())
    }

    /// Moves an open breaker to half-open once its time is up. The model calls
    /// this from a timer at `open_until`, so the change is traced on time.
    pub fn tick(&mut self, now: SimTime) -> Option<Transition> {
        if self.state == BreakerState::Open && now >= self.open_until {
            self.state = BreakerState::HalfOpen;
            self.probes_sent = 0;
            self.probes_ok = 0;
            self.round += 1;
            return Some(Transition {
                from: BreakerState::Open,
                to: BreakerState::HalfOpen,
            });
        }
        None
    }

    /// Asks to make a call now.
    pub fn admit(&mut self, now: SimTime) -> (Admission, Option<Transition>) {
        let transition = self.tick(now);
        let admission = match self.state {
            BreakerState::Closed => Admission::Allowed,
            BreakerState::Open => Admission::Rejected,
            BreakerState::HalfOpen => {
                if self.probes_sent < self.probes {
                    self.probes_sent += 1;
                    Admission::Probe
                } else {
                    Admission::Rejected
                }
            }
        };
        (admission, transition)
    }

    /// Reports the outcome of an admitted call.
    pub fn record(&mut self, now: SimTime, success: bool) -> Option<Transition> {
        match self.state {
            BreakerState::Closed => {
                self.outcomes.push_back(success);
                if !success {
                    self.failures_in_window += 1;
                }
                if self.outcomes.len() > self.window && !self.outcomes.pop_front().unwrap_or(true) {
                    self.failures_in_window -= 1;
                }
                let calls = self.outcomes.len();
                if calls >= self.min_calls && self.failures_in_window as f64 >= self.failure_ratio * calls as f64 {
                    return Some(self.open(now, BreakerState::Closed));
                }
                None
            }
            BreakerState::HalfOpen => {
                if !success {
                    Some(self.open(now, BreakerState::HalfOpen))
                } else {
                    self.probes_ok += 1;
                    if self.probes_ok >= self.probes {
                        self.state = BreakerState::Closed;
                        self.outcomes.clear();
                        self.failures_in_window = 0;
                        Some(Transition {
                            from: BreakerState::HalfOpen,
                            to: BreakerState::Closed,
                        })
                    } else {
                        None
                    }
                }
            }
            // A call admitted before the breaker opened may still report back.
            BreakerState::Open => None,
        }
    }

    /// Gives back the slot of a probe admitted in `round` whose outcome is
    /// neither a success nor a failure of the service (it answered, but with a
    /// permanent error or a conflict), so another call can probe instead.
    /// Without this, such probes would use up the slots for good and leave the
    /// breaker half-open, rejecting every call, for the rest of the run.
    pub fn release_probe(&mut self, round: u64) {
        if self.state == BreakerState::HalfOpen && round == self.round {
            self.probes_sent = self.probes_sent.saturating_sub(1);
        }
    }

    fn open(&mut self, now: SimTime, from: BreakerState) -> Transition {
        self.state = BreakerState::Open;
        self.open_until = now + self.open_for;
        Transition {
            from,
            to: BreakerState::Open,
        }
    }
}

/// The simplest breaker, for a client choosing among replicas (GFS and HDFS
/// clients skip a node that keeps failing): `threshold` failures in a row
/// open it for `open_for`, during which the caller goes elsewhere; then calls
/// go through again, with no half-open probing (the next failures in a row
/// open it again). A success ends the streak. A threshold of 0: never opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreakBreaker {
    threshold: u32,
    open_for: SimDuration,
    streak: u32,
    open_until: SimTime,
}

impl StreakBreaker {
    pub fn new(threshold: u32, open_for: SimDuration) -> Self {
        StreakBreaker {
            threshold,
            open_for,
            streak: 0,
            open_until: SimTime::ZERO,
        }
    }

    /// Whether calls should go elsewhere at `now`.
    pub fn is_open(&self, now: SimTime) -> bool {
        now < self.open_until
    }

    pub fn success(&mut self) {
        self.streak = 0;
    }

    /// A failure at `now`; true when it opens the breaker.
    pub fn failure(&mut self, now: SimTime) -> bool {
        self.streak += 1;
        if self.threshold > 0 && self.streak >= self.threshold {
            self.open_until = now + self.open_for;
            self.streak = 0;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_streak_breaker_opens_after_failures_in_a_row_and_lets_calls_through_after() {
        use super::StreakBreaker;
        use crate::time::{SimDuration, SimTime};
        let ms = SimTime::from_ms;
        let mut b = StreakBreaker::new(3, SimDuration::from_ms(1_000));
        assert!(!b.failure(ms(0)) && !b.failure(ms(1)));
        b.success();
        assert!(!b.failure(ms(2)) && !b.failure(ms(3)), "a success ends the streak");
        assert!(b.failure(ms(4)), "the third in a row opens it");
        assert!(b.is_open(ms(4)) && b.is_open(ms(1_003)));
        assert!(!b.is_open(ms(1_004)), "open for exactly its time");
        assert!(!b.failure(ms(1_005)), "a fresh streak after it opened");
        let mut never = StreakBreaker::new(0, SimDuration::from_ms(1_000));
        assert!((0..100).all(|i| !never.failure(ms(i))));
        assert!(!never.is_open(ms(100)));
    }

    use super::*;
    use BreakerState::*;

    fn breaker() -> CircuitBreaker {
        CircuitBreaker::new(4, 0.5, 4, SimDuration::from_ms(1000), 2)
    }

    /// Feeds a script of `(time_ms, success)` and returns the transitions.
    fn run(b: &mut CircuitBreaker, script: &[(u64, bool)]) -> Vec<(BreakerState, BreakerState)> {
        let mut out = vec![];
        for &(t, ok) in script {
            let now = SimTime::from_ms(t);
            let (adm, tr) = b.admit(now);
            out.extend(tr.map(|t| (t.from, t.to)));
            if adm != Admission::Rejected {
                out.extend(b.record(now, ok).map(|t| (t.from, t.to)));
            }
        }
        out
    }

    #[test]
    fn does_not_open_before_min_calls() {
        let mut b = breaker();
        assert!(run(&mut b, &[(0, false), (1, false), (2, false)]).is_empty());
        assert_eq!(b.state(), Closed);
    }

    #[test]
    fn opens_rejects_probes_and_closes() {
        let mut b = breaker();
        let t = run(&mut b, &[(0, true), (1, false), (2, true), (3, false)]);
        assert_eq!(t, [(Closed, Open)]);
        assert_eq!(b.admit(SimTime::from_ms(500)).0, Admission::Rejected);
        let t = run(&mut b, &[(1003, true), (1004, true)]);
        assert_eq!(t, [(Open, HalfOpen), (HalfOpen, Closed)]);
    }

    #[test]
    fn a_failed_probe_reopens() {
        let mut b = breaker();
        run(&mut b, &[(0, false), (1, false), (2, false), (3, false)]);
        let t = run(&mut b, &[(2000, false)]);
        assert_eq!(t, [(Open, HalfOpen), (HalfOpen, Open)]);
        assert_eq!(b.open_until(), SimTime::from_ms(3000));
    }

    #[test]
    fn half_open_admits_only_the_probes() {
        let mut b = breaker();
        run(&mut b, &[(0, false), (1, false), (2, false), (3, false)]);
        let now = SimTime::from_ms(1500);
        assert_eq!(b.admit(now).0, Admission::Probe);
        assert_eq!(b.admit(now).0, Admission::Probe);
        assert_eq!(b.admit(now).0, Admission::Rejected);
    }

    #[test]
    fn a_released_probe_slot_can_be_used_again_in_the_same_round_only() {
        let mut b = breaker();
        run(&mut b, &[(0, false), (1, false), (2, false), (3, false)]);
        let now = SimTime::from_ms(1500);
        assert_eq!(b.admit(now).0, Admission::Probe);
        let round = b.round();
        assert_eq!(b.admit(now).0, Admission::Probe);
        assert_eq!(b.admit(now).0, Admission::Rejected);
        b.release_probe(round);
        assert_eq!(b.admit(now).0, Admission::Probe);
        assert_eq!(b.admit(now).0, Admission::Rejected);
        // A probe of an earlier round frees nothing in this one.
        b.record(now, false);
        b.tick(SimTime::from_ms(5000));
        assert_eq!(b.round(), round + 1);
        b.admit(SimTime::from_ms(5000));
        b.admit(SimTime::from_ms(5000));
        b.release_probe(round);
        assert_eq!(b.admit(SimTime::from_ms(5000)).0, Admission::Rejected);
    }

    #[test]
    fn window_slides() {
        let mut b = CircuitBreaker::new(4, 0.75, 4, SimDuration::from_ms(1000), 1);
        // Failures spread out never reach 3 of the last 4.
        let script: Vec<(u64, bool)> = (0..40).map(|i| (i, i % 2 == 0)).collect();
        assert!(run(&mut b, &script).is_empty());
        assert_eq!(b.window_counts(), (2, 4));
    }
}

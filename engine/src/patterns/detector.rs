//! A failure detector: what a metadata server (or a monitor) concludes from
//! heartbeats. Each watched member sends a heartbeat every `interval_ms`
//! while it is up; a member not heard from for `suspect_after_ms` is
//! *suspect*, for `dead_after_ms` *dead*; a heartbeat from a suspect or dead
//! member makes it *alive* again. Suspicion is cheap and reversible (stop
//! sending it new work); death is what starts repairs. The lab schedules the
//! heartbeats and asks [`Detector::check_at`] when to look next.

use crate::time::{SimDuration, SimTime};
use crate::validate::Checker;
use serde::{Deserialize, Serialize};

/// A failure detector as a user configures it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DetectorConfig {
    pub interval_ms: u64,
    pub suspect_after_ms: u64,
    pub dead_after_ms: u64,
}

impl Default for DetectorConfig {
    fn default() -> Self {
        DetectorConfig {
            interval_ms: 1_000,
            suspect_after_ms: 3_000,
            dead_after_ms: 10_000,
        }
    }
}

impl DetectorConfig {
    pub fn check(&self, c: &mut Checker, at: &str) {
        c.int(&format!("{at}.interval_ms"), self.interval_ms, 10, 600_000);
        c.int(&format!("{at}.suspect_after_ms"), self.suspect_after_ms, 1, 3_600_000);
        c.int(&format!("{at}.dead_after_ms"), self.dead_after_ms, 1, 3_600_000);
        c.require(
            self.suspect_after_ms > self.interval_ms,
            &format!("{at}.suspect_after_ms"),
            "error.suspect_after_interval",
        );
        c.require(
            self.dead_after_ms > self.suspect_after_ms,
            &format!("{at}.dead_after_ms"),
            "error.dead_after_suspect",
        );
    }
}

/// What the detector thinks of a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Health {
    Alive,
    Suspect,
    Dead,
}

/// A change of mind about a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub member: usize,
    pub from: Health,
    pub to: Health,
}

#[derive(Clone, Debug)]
pub struct Detector {
    config: DetectorConfig,
    last_heard: Vec<SimTime>,
    health: Vec<Health>,
    pub suspicions: u64,
    pub deaths: u64,
}

impl Detector {
    /// Watches `members`, all heard from at time 0.
    pub fn new(config: DetectorConfig, members: usize) -> Detector {
        Detector {
            config,
            last_heard: vec![SimTime::ZERO; members],
            health: vec![Health::Alive; members],
            suspicions: 0,
            deaths: 0,
        }
    }

    pub fn config(&self) -> &DetectorConfig {
        &self.config
    }

    pub fn health(&self, member: usize) -> Health {
        self.health[member]
    }

    pub fn last_heard(&self, member: usize) -> SimTime {
        self.last_heard[member]
    }

    /// How long since `member` was last heard from.
    pub fn silence(&self, member: usize, now: SimTime) -> SimDuration {
        now.since(self.last_heard[member])
    }

    /// A heartbeat from `member` at `now`: a change of mind if it was not alive.
    pub fn heard(&mut self, member: usize, now: SimTime) -> Option<Verdict> {
        self.last_heard[member] = now;
        let from = self.health[member];
        (from != Health::Alive).then(|| {
            self.health[member] = Health::Alive;
            Verdict {
                member,
                from,
                to: Health::Alive,
            }
        })
    }

    /// The watcher itself was deaf until `at` (down, restarted): `member`'s
    /// silence counts from then, as a restarted watcher's would. Its health
    /// stays what it was (only a heartbeat brings a member back).
    pub fn deaf_until(&mut self, member: usize, at: SimTime) {
        if at > self.last_heard[member] {
            self.last_heard[member] = at;
        }
    }

    /// When to look at `member` next: when its silence would cross the
    /// next threshold (None once it is dead).
    pub fn check_at(&self, member: usize) -> Option<SimTime> {
        let after = match self.health[member] {
            Health::Alive => self.config.suspect_after_ms,
            Health::Suspect => self.config.dead_after_ms,
            Health::Dead => return None,
        };
        Some(self.last_heard[member] + SimDuration::from_ms(after))
    }

    /// Looks at `member` at `now`: a change of mind if its silence crossed a threshold.
    pub fn check(&mut self, member: usize, now: SimTime) -> Option<Verdict> {
        let silence = self.silence(member, now).as_micros();
        let from = self.health[member];
        let to = if silence >= self.config.dead_after_ms * 1000 {
            Health::Dead
        } else if silence >= self.config.suspect_after_ms * 1000 {
            Health::Suspect
        } else {
            Health::Alive
        };
        // Only a heartbeat brings a member back.
        if to == from || (to == Health::Alive) || (from == Health::Dead) {
            return None;
        }
        if to == Health::Suspect {
            self.suspicions += 1;
        } else {
            self.deaths += 1;
        }
        self.health[member] = to;
        Some(Verdict { member, from, to })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_makes_a_member_suspect_then_dead_and_a_heartbeat_brings_it_back() {
        let mut d = Detector::new(DetectorConfig::default(), 2);
        d.heard(0, SimTime::from_ms(1_000));
        assert_eq!(d.check_at(0), Some(SimTime::from_ms(4_000)));
        assert_eq!(d.check(0, SimTime::from_ms(3_999)), None);
        let v = d.check(0, SimTime::from_ms(4_000)).unwrap();
        assert_eq!((v.from, v.to), (Health::Alive, Health::Suspect));
        assert_eq!(d.check_at(0), Some(SimTime::from_ms(11_000)));
        let v = d.check(0, SimTime::from_ms(11_000)).unwrap();
        assert_eq!(v.to, Health::Dead);
        assert_eq!(d.check_at(0), None);
        let v = d.heard(0, SimTime::from_ms(20_000)).unwrap();
        assert_eq!((v.from, v.to), (Health::Dead, Health::Alive));
        assert_eq!((d.suspicions, d.deaths), (1, 1));
        // The other member was never heard from after 0: its own clock.
        assert_eq!(d.check(1, SimTime::from_ms(3_000)).unwrap().to, Health::Suspect);
    }

    #[test]
    fn thresholds_must_be_in_order() {
        let mut c = Checker::default();
        DetectorConfig {
            interval_ms: 1_000,
            suspect_after_ms: 500,
            dead_after_ms: 400,
        }
        .check(&mut c, "metadata.heartbeat");
        let errs = c.finish().unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"metadata.heartbeat.suspect_after_ms"));
        assert!(fields.contains(&"metadata.heartbeat.dead_after_ms"));
    }
}

/// Ping-echo, as a monitor does it: a ping every interval, an echo expected
/// within `timeout`; `k` pings in a row without their echo make the member
/// *down* (one makes it *suspect*); an echo makes it *up* again.
#[derive(Clone, Debug)]
pub struct PingEcho {
    pub k: u32,
    misses: u32,
    health: Health,
}

impl PingEcho {
    pub fn new(k: u32) -> PingEcho {
        PingEcho {
            k: k.max(1),
            misses: 0,
            health: Health::Alive,
        }
    }

    pub fn health(&self) -> Health {
        self.health
    }

    pub fn misses(&self) -> u32 {
        self.misses
    }

    /// A ping's deadline passed: `answered` says whether its echo came in
    /// time. A change of mind, if any (member 0).
    pub fn deadline(&mut self, answered: bool) -> Option<Verdict> {
        let from = self.health;
        if answered {
            self.misses = 0;
            self.health = Health::Alive;
        } else {
            self.misses += 1;
            self.health = if self.misses >= self.k {
                Health::Dead
            } else {
                Health::Suspect
            };
        }
        (self.health != from).then_some(Verdict {
            member: 0,
            from,
            to: self.health,
        })
    }
}

/// The φ-accrual failure detector (Hayashibara et al.): from a window of
/// heartbeat inter-arrival times, how unlikely the current silence is,
/// φ = −log10 P(a gap this long), with a normal law of the window's mean
/// and standard deviation (at least `min_sd_ms`) plus an acceptable pause.
#[derive(Clone, Debug)]
pub struct PhiAccrual {
    window: std::collections::VecDeque<f64>,
    size: usize,
    min_sd_ms: f64,
    pause_ms: f64,
    last: Option<SimTime>,
}

impl PhiAccrual {
    /// `first_gap_ms` seeds the window (the heartbeat interval).
    pub fn new(size: usize, min_sd_ms: f64, pause_ms: f64, first_gap_ms: f64) -> PhiAccrual {
        let mut window = std::collections::VecDeque::new();
        window.push_back(first_gap_ms);
        PhiAccrual {
            window,
            size: size.max(2),
            min_sd_ms,
            pause_ms,
            last: None,
        }
    }

    pub fn heard(&mut self, now: SimTime) {
        if let Some(last) = self.last {
            if self.window.len() == self.size {
                self.window.pop_front();
            }
            self.window.push_back(now.since(last).as_micros() as f64 / 1000.0);
        }
        self.last = Some(now);
    }

    /// φ at `now` (0 before the first heartbeat).
    pub fn phi(&self, now: SimTime) -> f64 {
        let Some(last) = self.last else {
            return 0.0;
        };
        let n = self.window.len() as f64;
        let mean = self.window.iter().sum::<f64>() / n;
        let var = self.window.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
        let sd = libm::sqrt(var).max(self.min_sd_ms);
        let t = now.since(last).as_micros() as f64 / 1000.0;
        let y = (t - mean - self.pause_ms) / sd;
        // P(X > t) for a normal law, through the logistic approximation
        // Akka uses (error below 1e-3 everywhere that matters).
        let e = libm::exp(-y * (1.5976 + 0.070566 * y * y));
        let p = if t > mean + self.pause_ms {
            e / (1.0 + e)
        } else {
            1.0 - 1.0 / (1.0 + e)
        };
        -libm::log10(p.max(1e-300))
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn ping_echo_counts_misses_in_a_row() {
        let mut p = PingEcho::new(3);
        assert_eq!(p.deadline(false).unwrap().to, Health::Suspect);
        assert_eq!(p.deadline(false), None);
        assert_eq!(p.deadline(false).unwrap().to, Health::Dead);
        assert_eq!(p.deadline(true).unwrap().to, Health::Alive);
        // A miss, an echo: the count starts again.
        p.deadline(false);
        p.deadline(true);
        assert_eq!(p.misses(), 0);
    }

    #[test]
    fn phi_grows_with_silence_and_steady_heartbeats_keep_it_low() {
        let mut d = PhiAccrual::new(100, 50.0, 0.0, 1_000.0);
        for i in 0..50 {
            d.heard(SimTime::from_ms(1_000 * i));
        }
        let last = SimTime::from_ms(49_000);
        let at = |ms: u64| d.phi(last + SimDuration::from_ms(ms));
        assert!(at(500) < 0.5, "{}", at(500));
        assert!(at(1_100) < at(1_300) && at(1_300) < at(2_000));
        assert!(at(2_000) > 8.0, "{}", at(2_000));
    }
}

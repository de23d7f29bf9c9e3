//! What the availability page draws, read-only: the requests of the last
//! moments (who they went to, when they were answered and how), the
//! monitor's pings and echoes, its suspicion level (missed echoes, or φ)
//! against its threshold, the state band (up, suspected, down, promoted,
//! resyncing), what each instance is doing, availability over time per
//! operation class and the error budget. The model keeps short rings of
//! requests, pings, suspicion levels and bands ([`Recorder`]), so the drawing
//! costs the same whatever the run's length. Nothing here changes a run's
//! outcome or its trace.

use super::config::{DetectorKind, Redundancy};
use super::model::{Active, AvailabilityModel};
use super::record::{Backend, Code};
use crate::patterns::detector::Health;
use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;

/// Requests kept for the stage's dots.
pub const RECENT_REQUESTS: usize = 128;
/// Pings kept for the seismograph.
pub const RECENT_PINGS: usize = 96;
/// Suspicion samples kept.
pub const RECENT_LEVELS: usize = 192;
/// State-band changes kept.
pub const RECENT_BANDS: usize = 128;

/// One request as the gateway routed it: when, where, and how it ended
/// (known when it is sent: the model decides its fate then).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sent {
    pub id: u64,
    pub command: bool,
    pub sent: SimTime,
    /// When the gateway answers (the backend's answer, or the route's timeout).
    pub done: SimTime,
    pub code: Option<Code>,
    pub backend: Backend,
}

/// A ping and its echo, if one came back (late ones included).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PingMark {
    pub n: u64,
    pub sent: SimTime,
    pub echo: Option<SimTime>,
    /// When the monitor stops waiting for it (ping-echo's timeout).
    pub deadline: SimTime,
}

/// The monitor's view of the registration service, with what the gateway does about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Band {
    /// Echoes arrive; the primary serves.
    Up,
    /// An echo missed (fewer than `k`): not yet declared.
    Suspected,
    /// Declared down: no command backend routed (the backup starting, or none).
    Down,
    /// The backup serves the commands.
    Promoted,
    /// The primary is back and copies the backup's writes; the backup still serves.
    Resyncing,
}

impl Band {
    pub const ALL: [Band; 5] = [Band::Up, Band::Suspected, Band::Down, Band::Promoted, Band::Resyncing];

    pub fn key(self) -> &'static str {
        match self {
            Band::Up => "up",
            Band::Suspected => "suspected",
            Band::Down => "down",
            Band::Promoted => "promoted",
            Band::Resyncing => "resyncing",
        }
    }
}

/// The short rings the page draws from, kept by the model as it runs.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    pub requests: VecDeque<Sent>,
    pub pings: VecDeque<PingMark>,
    /// (when, missed echoes in a row or φ).
    pub levels: VecDeque<(SimTime, f64)>,
    /// (since when, band); the first is the band at time 0.
    pub bands: VecDeque<(SimTime, Band)>,
}

fn push<T>(ring: &mut VecDeque<T>, cap: usize, v: T) {
    if ring.len() == cap {
        ring.pop_front();
    }
    ring.push_back(v);
}

impl Recorder {
    /// What a copy of the rings takes.
    pub fn approx_bytes(&self) -> usize {
        self.requests.len() * std::mem::size_of::<Sent>()
            + self.pings.len() * std::mem::size_of::<PingMark>()
            + (self.levels.len() + self.bands.len()) * 24
    }
    pub(super) fn sent(&mut self, s: Sent) {
        push(&mut self.requests, RECENT_REQUESTS, s);
    }
    pub(super) fn ping(&mut self, n: u64, sent: SimTime, deadline: SimTime) {
        push(
            &mut self.pings,
            RECENT_PINGS,
            PingMark {
                n,
                sent,
                echo: None,
                deadline,
            },
        );
    }
    pub(super) fn echo(&mut self, n: u64, at: SimTime) {
        if let Some(p) = self.pings.iter_mut().rev().find(|p| p.n == n) {
            p.echo = Some(at);
        }
    }
    pub(super) fn level(&mut self, at: SimTime, level: f64) {
        push(&mut self.levels, RECENT_LEVELS, (at, level));
    }
    pub(super) fn band(&mut self, at: SimTime, band: Band) {
        if self.bands.back().is_none_or(|b| b.1 != band) {
            push(&mut self.bands, RECENT_BANDS, (at, band));
        }
    }
}

/// The band for the monitor's verdict and who takes the commands.
pub fn band_of(active: Active, health: Health) -> Band {
    match active {
        Active::FailingOver => Band::Down,
        Active::Backup => Band::Promoted,
        Active::Resyncing => Band::Resyncing,
        Active::Primary => match health {
            Health::Alive => Band::Up,
            Health::Suspect => Band::Suspected,
            Health::Dead => Band::Down,
        },
    }
}

/// What an instance is doing, as the stage labels it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InstanceState {
    /// Up and routed.
    Serving,
    /// Up, not routed (a warm backup, or a primary copying writes).
    Standby,
    /// Not running (a cold backup before a failover).
    Off,
    /// A cold backup starting up.
    Starting,
    /// The primary copying the backup's writes.
    Resyncing,
    Crashed,
    /// Hung: answers, very late.
    Hung,
    /// No backup configured.
    Absent,
}

impl InstanceState {
    pub fn key(self) -> &'static str {
        match self {
            InstanceState::Serving => "serving",
            InstanceState::Standby => "standby",
            InstanceState::Off => "off",
            InstanceState::Starting => "starting",
            InstanceState::Resyncing => "resyncing",
            InstanceState::Crashed => "crashed",
            InstanceState::Hung => "hung",
            InstanceState::Absent => "absent",
        }
    }

    /// Whether it is in trouble (drawn in the failure colour).
    pub fn is_down(self) -> bool {
        matches!(self, InstanceState::Crashed | InstanceState::Hung)
    }
}

/// Which way the gateway's command route points now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommandRoute {
    Primary,
    Backup,
    /// No backend routed: commands get 503.
    Nowhere,
}

/// The suspicion level's threshold and what it counts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Threshold {
    pub value: f64,
    /// `true`: φ; `false`: missed echoes in a row.
    pub phi: bool,
}

impl AvailabilityModel {
    /// The rings the page draws from.
    pub fn recent(&self) -> &Recorder {
        &self.recorder
    }

    /// Where the gateway sends commands now.
    pub fn command_route(&self) -> CommandRoute {
        match self.active {
            Active::Primary => CommandRoute::Primary,
            Active::FailingOver => CommandRoute::Nowhere,
            Active::Backup | Active::Resyncing => CommandRoute::Backup,
        }
    }

    /// The registration primary's state at `now`.
    pub fn primary_instance(&self, now: SimTime) -> InstanceState {
        match self.primary_state(now) {
            Some(d) if d.hang => InstanceState::Hung,
            Some(_) => InstanceState::Crashed,
            None => match self.active {
                Active::Primary => InstanceState::Serving,
                Active::Resyncing => InstanceState::Resyncing,
                Active::FailingOver | Active::Backup => InstanceState::Standby,
            },
        }
    }

    /// The backup's state.
    pub fn backup_instance(&self) -> InstanceState {
        match (self.tactics().redundancy, self.active) {
            (Redundancy::None, _) => InstanceState::Absent,
            (_, Active::FailingOver) => InstanceState::Starting,
            (_, Active::Backup | Active::Resyncing) => InstanceState::Serving,
            (Redundancy::Warm, Active::Primary) => InstanceState::Standby,
            (_, Active::Primary) => InstanceState::Off,
        }
    }

    /// The user-queries service's state at `now`.
    pub fn queries_instance(&self, now: SimTime) -> InstanceState {
        let us = now.as_micros();
        let i = self.queries_down.partition_point(|w| w.from <= us);
        match i.checked_sub(1).map(|i| self.queries_down[i]).filter(|w| us < w.to) {
            Some(d) if d.hang => InstanceState::Hung,
            Some(_) => InstanceState::Crashed,
            None => InstanceState::Serving,
        }
    }

    /// The suspicion level's threshold: `k` misses, or φ's threshold.
    pub fn threshold(&self) -> Threshold {
        let t = self.tactics();
        match t.detector {
            DetectorKind::PingEcho => Threshold {
                value: t.k as f64,
                phi: false,
            },
            DetectorKind::PhiAccrual => Threshold {
                value: t.phi_threshold,
                phi: true,
            },
        }
    }

    /// The suspicion level last measured (0 before any).
    pub fn level_now(&self) -> f64 {
        self.recorder.levels.back().map_or(0.0, |l| l.1)
    }

    /// The band now.
    pub fn band_now(&self) -> Band {
        self.recorder.bands.back().map_or(Band::Up, |b| b.1)
    }

    /// The bands over `[from, to]`: (start, end, band), clipped to the window
    /// (what the ring no longer holds starts the window in its oldest band).
    pub fn bands_between(&self, from: SimTime, to: SimTime) -> Vec<(SimTime, SimTime, Band)> {
        let b = &self.recorder.bands;
        let mut out = vec![];
        for (i, &(at, band)) in b.iter().enumerate() {
            let end = b.get(i + 1).map_or(to, |n| n.0);
            if end <= from || at >= to {
                continue;
            }
            out.push((at.max(from), end.min(to), band));
        }
        out
    }

    /// The primary's crash (or hang) windows overlapping `[from, to]`, clipped: (start, end, hung).
    pub fn crashes_between(&self, from: SimTime, to: SimTime) -> Vec<(SimTime, SimTime, bool)> {
        let (f, t) = (from.as_micros(), to.as_micros());
        self.primary_down
            .iter()
            .filter(|d| d.to > f && d.from < t)
            .map(|d| {
                (
                    SimTime::ZERO + SimDuration::from_micros(d.from.max(f)),
                    SimTime::ZERO + SimDuration::from_micros(d.to.min(t)),
                    d.hang,
                )
            })
            .collect()
    }

    /// Availability per slice of the run so far: (slice end in ms, commands
    /// that worked ÷ sent, queries that worked ÷ sent; `None` for a slice
    /// with none), at most `max` points (slices merged).
    pub fn availability_over_time(&self, now: SimTime, max: usize) -> Vec<(f64, Option<f64>, Option<f64>)> {
        let s = &self.stats.series;
        let width = s.width().as_micros() as f64 / 1000.0;
        let now_ms = now.as_micros() as f64 / 1000.0;
        let buckets = s.buckets();
        let shown = buckets
            .iter()
            .enumerate()
            .take_while(|(i, _)| *i as f64 * width < now_ms)
            .count();
        let per = shown.div_ceil(max.max(1)).max(1);
        let ratio = |ok: u64, all: u64| (all > 0).then(|| ok as f64 / all as f64);
        buckets[..shown]
            .chunks(per)
            .enumerate()
            .map(|(i, c)| {
                let (mut cm, mut co, mut qm, mut qo) = (0u64, 0u64, 0u64, 0u64);
                for b in c {
                    cm += u64::from(b.commands);
                    co += u64::from(b.commands_ok);
                    qm += u64::from(b.queries);
                    qo += u64::from(b.queries_ok);
                }
                let end = (((i * per + c.len()) as f64) * width).min(now_ms.max(width * (i * per + 1) as f64));
                (end, ratio(co, cm), ratio(qo, qm))
            })
            .collect()
    }

    /// Throughput and errors per second over the run so far, JMeter's
    /// "results over time": (slice end in ms, answered per s, errors per s),
    /// at most `max` points.
    pub fn throughput_over_time(&self, now: SimTime, max: usize) -> Vec<(f64, f64, f64)> {
        let s = &self.stats.series;
        let width = s.width().as_micros() as f64 / 1000.0;
        let now_ms = now.as_micros() as f64 / 1000.0;
        let buckets = s.buckets();
        let shown = buckets
            .iter()
            .enumerate()
            .take_while(|(i, _)| *i as f64 * width < now_ms)
            .count();
        let per = shown.div_ceil(max.max(1)).max(1);
        buckets[..shown]
            .chunks(per)
            .enumerate()
            .map(|(i, c)| {
                let (mut all, mut ok) = (0u64, 0u64);
                for b in c {
                    all += u64::from(b.commands) + u64::from(b.queries);
                    ok += u64::from(b.commands_ok) + u64::from(b.queries_ok);
                }
                let secs = c.len() as f64 * width / 1000.0;
                let end = ((i * per + c.len()) as f64) * width;
                (end, all as f64 / secs, (all - ok) as f64 / secs)
            })
            .collect()
    }

    /// The error budget: failures so far and failures the SLO allows for
    /// the requests answered so far.
    pub fn error_budget(&self) -> (u64, f64) {
        let s = &self.stats;
        let requests = s.commands + s.queries;
        let failed = requests - s.commands_ok - s.queries_ok;
        (failed, requests as f64 * (1.0 - self.config().slo))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::availability::presets;
    use crate::labs::availability::AvailabilityRun;

    fn run(id: &str, until_ms: u64) -> AvailabilityRun {
        let p = presets::all().into_iter().find(|p| p.id == id).expect("preset");
        let mut r = AvailabilityRun::new(&p.config, p.seed).expect("valid");
        r.run_until(SimTime::from_ms(until_ms), u64::MAX);
        r
    }

    #[test]
    fn the_experiment_moves_through_every_band_and_ends_up() {
        let r = run("experiment", 120_000);
        let m = r.sides[0].model();
        let seen: Vec<Band> = m.recent().bands.iter().map(|b| b.1).collect();
        for b in [Band::Up, Band::Suspected, Band::Down, Band::Promoted, Band::Resyncing] {
            assert!(seen.contains(&b), "{b:?} in {seen:?}");
        }
        assert_eq!(m.band_now(), Band::Up);
        assert_eq!(m.command_route(), CommandRoute::Primary);
    }

    #[test]
    fn during_the_cold_start_no_backend_is_routed_and_the_primary_is_crashed() {
        let r = run("experiment", 34_000);
        let m = r.sides[0].model();
        let now = r.sides[0].now();
        assert_eq!(m.command_route(), CommandRoute::Nowhere);
        assert_eq!(m.backup_instance(), InstanceState::Starting);
        assert_eq!(m.primary_instance(now), InstanceState::Crashed);
        assert_eq!(m.band_now(), Band::Down);
    }

    #[test]
    fn rings_stay_bounded_and_requests_are_the_newest() {
        let r = run("experiment", 120_000);
        let rec = r.sides[0].model().recent();
        assert_eq!(rec.requests.len(), RECENT_REQUESTS);
        assert!(rec.pings.len() <= RECENT_PINGS);
        assert!(rec.levels.len() <= RECENT_LEVELS);
        assert!(rec
            .requests
            .iter()
            .zip(rec.requests.iter().skip(1))
            .all(|(a, b)| a.sent <= b.sent));
        assert!(rec.requests.iter().all(|s| s.done >= s.sent));
    }

    #[test]
    fn missed_echoes_reach_k_when_the_primary_is_declared_down() {
        let r = run("experiment", 36_000);
        let m = r.sides[0].model();
        let k = m.threshold().value;
        let peak = m.recent().levels.iter().map(|l| l.1).fold(0.0, f64::max);
        assert!(peak >= k, "{peak} < {k}");
        // Pings sent during the crash got no echo.
        let lost = m
            .recent()
            .pings
            .iter()
            .filter(|p| p.sent >= SimTime::from_ms(30_000) && p.echo.is_none())
            .count();
        assert!(lost >= 3, "{lost}");
    }

    #[test]
    fn availability_over_time_dips_for_commands_not_queries() {
        let r = run("experiment", 120_000);
        let m = r.sides[0].model();
        let pts = m.availability_over_time(r.sides[0].now(), 60);
        assert!(pts.len() <= 60 && !pts.is_empty());
        let worst_cmd = pts.iter().filter_map(|p| p.1).fold(1.0, f64::min);
        let worst_query = pts.iter().filter_map(|p| p.2).fold(1.0, f64::min);
        assert!(worst_cmd < 0.5, "{worst_cmd}");
        assert!(worst_query > 0.9, "{worst_query}");
        let (failed, allowed) = m.error_budget();
        assert!(failed > 0 && allowed > 0.0);
        let thr = m.throughput_over_time(r.sides[0].now(), 60);
        assert!(thr.iter().any(|p| p.2 > 0.0));
    }

    #[test]
    fn phi_accrual_levels_are_phi_against_its_threshold() {
        let r = run("phi_accrual", 40_000);
        let m = r.sides[1].model();
        let th = m.threshold();
        assert!(th.phi);
        assert_eq!(th.value, 8.0);
        assert!(m.recent().levels.iter().all(|l| l.1 >= 0.0));
    }
}

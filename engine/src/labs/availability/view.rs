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

/// The pings of a stretch of time, summed: for a seismograph whose window
/// holds more pings than it can draw one by one.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PingSlice {
    pub pings: u32,
    /// Echoes back by their ping's deadline.
    pub on_time: u32,
    /// Pings with no echo by their deadline (late echoes included).
    pub missed: u32,
    /// The highest suspicion level measured in it.
    pub max_level: f64,
}

impl crate::stats::Bucket for PingSlice {
    fn merge(&mut self, o: &Self) {
        self.pings += o.pings;
        self.on_time += o.on_time;
        self.missed += o.missed;
        self.max_level = self.max_level.max(o.max_level);
    }
}

/// A seismograph mark standing for the pings sent in `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PingBucket {
    pub from: SimTime,
    pub to: SimTime,
    pub slice: PingSlice,
}

/// Ping intervals the seismograph shows at least.
pub const SEISMO_INTERVALS: u64 = 24;
/// Pings the seismograph draws one by one at most; more are summed per mark.
pub const SEISMO_FIT: usize = 48;

/// The seismograph's window at `now`: the last 24 ping intervals or the
/// last tenth of the run, whichever is longer (a month shows its last
/// three days, not four minutes); before it has passed, its first stretch.
pub fn seismo_window(now: SimTime, interval_ms: u64, duration_ms: u64) -> (SimTime, SimTime) {
    let span = SimDuration::from_ms((interval_ms * SEISMO_INTERVALS).max(duration_ms / 10));
    if now.as_micros() < span.as_micros() {
        (SimTime::ZERO, SimTime::ZERO + span)
    } else {
        (
            SimTime::ZERO + SimDuration::from_micros(now.as_micros() - span.as_micros()),
            now,
        )
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
    /// Every ping of the run, summed per slice of time (at most
    /// `stats::MAX_BUCKETS` slices: they widen as the run goes on).
    pub ping_series: Option<crate::stats::Series<PingSlice>>,
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
            + self
                .ping_series
                .as_ref()
                .map_or(0, |s| std::mem::size_of_val(s.buckets()))
    }
    fn slice(&mut self, at: SimTime, interval: SimDuration) -> &mut PingSlice {
        self.ping_series
            .get_or_insert_with(|| crate::stats::Series::new(interval))
            .at(at)
    }
    /// Ping sent at `sent` (every `interval`): counted in its slice.
    pub(super) fn ping_counted(&mut self, sent: SimTime, interval: SimDuration) {
        self.slice(sent, interval).pings += 1;
    }
    /// The deadline of the ping sent at `sent`: echoed in time or missed.
    pub(super) fn ping_judged(&mut self, sent: SimTime, interval: SimDuration, echoed: bool) {
        let s = self.slice(sent, interval);
        if echoed {
            s.on_time += 1;
        } else {
            s.missed += 1;
        }
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
        if let Some(series) = self.ping_series.as_mut() {
            let s = series.at(at);
            s.max_level = s.max_level.max(level);
        }
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

/// The queries service's copy: how many committed registrations it still
/// lacks, and whether the projector feeding it is rebuilding or paused.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CopyState {
    pub behind: u64,
    /// How long the oldest registration the copy lacks has waited (ms).
    pub oldest_ms: Option<f64>,
    pub rebuilding: bool,
    pub paused: bool,
}

/// The suspicion level's threshold and what it counts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Threshold {
    pub value: f64,
    /// `true`: φ; `false`: missed echoes in a row.
    pub phi: bool,
}

/// The primary is down but the monitor has not declared it yet: the gap
/// between a crash and its detection, as the stage names it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unnoticed {
    /// Since the crash (or the hang), ms.
    pub for_ms: f64,
    pub hang: bool,
    /// The suspicion level now (missed echoes in a row, or φ) against its threshold.
    pub level: f64,
    pub threshold: Threshold,
}

impl AvailabilityModel {
    /// The primary crashed (or hung) and the monitor has not declared it
    /// down yet: for how long, and how close the monitor is to noticing.
    pub fn unnoticed(&self, now: SimTime) -> Option<Unnoticed> {
        let d = self.primary_state(now)?;
        if self.monitor_health() == Health::Dead {
            return None;
        }
        Some(Unnoticed {
            for_ms: now.as_micros().saturating_sub(d.from) as f64 / 1000.0,
            hang: d.hang,
            level: self.level_now(),
            threshold: self.threshold(),
        })
    }

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

    /// The queries service's copy at `now`, as the projector keeps it.
    pub fn copy_state(&self, now: SimTime) -> CopyState {
        let p = self.projector();
        let behind = self.committed() - p.applied_up_to();
        CopyState {
            behind,
            // How long the oldest missing registration has waited (the lag a
            // query pays now; the lag metric only counts those applied).
            oldest_ms: self
                .oldest_pending()
                .filter(|_| behind > 0)
                .map(|at| now.since(at).as_micros() as f64 / 1000.0),
            rebuilding: p.is_rebuilding(),
            paused: p.config().pauses.iter().any(|w| w.contains(now)),
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

    /// The pings sent in `[from, to)`, summed into at most `max` marks of
    /// equal length (each a whole number of the series' slices); empty
    /// before the first ping.
    pub fn ping_buckets(&self, from: SimTime, to: SimTime, max: usize) -> Vec<PingBucket> {
        let Some(series) = self.recorder.ping_series.as_ref() else {
            return vec![];
        };
        let w = series.width().as_micros();
        let first = (from.as_micros() / w) as usize;
        let last = (to.as_micros().div_ceil(w) as usize).max(first + 1);
        let per = (last - first).div_ceil(max.max(1)).max(1);
        let b = series.buckets();
        (first..last)
            .step_by(per)
            .map(|i| {
                let mut slice = PingSlice::default();
                for s in b.iter().take((i + per).min(last)).skip(i) {
                    crate::stats::Bucket::merge(&mut slice, s);
                }
                PingBucket {
                    from: series.start_of(i),
                    to: series.start_of(i + per),
                    slice,
                }
            })
            .collect()
    }

    /// Pings sent in `[from, to)` (all of the run's, not only the ring's).
    pub fn pings_between(&self, from: SimTime, to: SimTime) -> u64 {
        let i = self.tactics().interval_ms.max(1) * 1000;
        let (f, t) = (from.as_micros(), to.as_micros());
        // Pings go out at 0, i, 2i, … before the run's end.
        let end = (self.config().load.duration_ms * 1000).min(t);
        if end <= f {
            return 0;
        }
        (end - 1) / i + 1 - f.div_ceil(i)
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
                // The last slice is cut at now: a rate over the time that has
                // passed of it, not its whole width (which read as a collapse).
                let start = (i * per) as f64 * width;
                let end = (((i * per + c.len()) as f64) * width).min(now_ms.max(start + 1.0));
                let secs = (end - start) / 1000.0;
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

    /// The last slice ends at now: its rate is over the time that has passed
    /// of it, so a steady load does not seem to collapse at the right edge.
    #[test]
    fn throughput_s_last_slice_is_a_rate_over_its_elapsed_time() {
        let now_ms = 10 * 86_400_000 + 7 * 3_600_000 + 123_457;
        let r = run("month", now_ms);
        let m = r.sides[0].model();
        let thr = m.throughput_over_time(r.sides[0].now(), 60);
        let (last, rest) = thr.split_last().expect("points");
        assert_eq!(last.0, now_ms as f64, "the last point is at now");
        let mut rates: Vec<f64> = rest.iter().map(|p| p.1).collect();
        rates.sort_by(f64::total_cmp);
        let median = rates[rates.len() / 2];
        assert!(
            last.1 > 0.6 * median && last.1 < 1.6 * median,
            "last {} vs median {median}",
            last.1
        );
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

    #[test]
    fn the_gap_between_the_crash_and_its_detection_is_named() {
        // The experiment: crash at 30 s, ping-echo 1 s apart, 3 misses.
        let r = run("experiment", 29_000);
        assert_eq!(r.sides[0].model().unnoticed(r.sides[0].now()), None);
        let r = run("experiment", 31_700);
        let now = r.sides[0].now();
        let u = r.sides[0].model().unnoticed(now).expect("crashed, not yet declared");
        assert!(
            (u.for_ms - ((now.as_micros() as f64 / 1000.0) - 30_000.0)).abs() < 1e-6,
            "{u:?}"
        );
        assert!(!u.hang && !u.threshold.phi);
        assert_eq!(u.threshold.value, 3.0);
        assert!(u.level >= 1.0 && u.level < 3.0, "{u:?}");
        // Declared down: no gap any more.
        let r = run("experiment", 34_000);
        assert_eq!(r.sides[0].model().unnoticed(r.sides[0].now()), None);
        // A hang is named as one.
        let r = run("split_brain", 31_000);
        let u = r.sides[0]
            .model()
            .unnoticed(r.sides[0].now())
            .expect("hung, not yet declared");
        assert!(u.hang);
    }

    #[test]
    fn the_verdict_shades_a_crash_only_up_to_now() {
        use crate::labs::sides::SidesView;
        let r = run("experiment", 45_000);
        let v = <AvailabilityModel as SidesView>::verdict(&r, 0);
        let now = r.sides[0].now().as_micros() as f64 / 1000.0;
        assert_eq!(v.bands.len(), 1);
        assert_eq!(v.bands[0].from_ms, 30_000.0);
        assert!(
            v.bands[0].to_ms <= now && v.bands[0].to_ms > 44_000.0,
            "{:?}",
            v.bands[0].to_ms
        );
        // Before the crash, none; after the run, the whole window (70 s).
        let r = run("experiment", 20_000);
        assert!(<AvailabilityModel as SidesView>::verdict(&r, 0).bands.is_empty());
        let r = run("experiment", 200_000);
        let v = <AvailabilityModel as SidesView>::verdict(&r, 0);
        assert_eq!(v.bands[0].to_ms, 70_000.0);
    }

    #[test]
    fn the_seismograph_window_fits_the_run() {
        // The experiment: 24 pings (1 s apart) in a 120 s run.
        let (f, t) = seismo_window(SimTime::from_ms(60_000), 1_000, 120_000);
        assert_eq!((f, t), (SimTime::from_ms(36_000), SimTime::from_ms(60_000)));
        assert_eq!(
            seismo_window(SimTime::from_ms(5_000), 1_000, 120_000).1,
            SimTime::from_ms(24_000)
        );
        // A month with a ping every 10 s: the last 3 days, not 4 minutes.
        let day = 24 * 3_600_000;
        let (f, t) = seismo_window(SimTime::from_ms(10 * day), 10_000, 30 * day);
        assert_eq!(t.since(f).as_micros(), 3 * day * 1000);
    }

    #[test]
    fn ping_buckets_sum_every_ping_in_the_window() {
        let r = run("experiment", 60_000);
        let m = r.sides[0].model();
        let (from, to) = (SimTime::from_ms(20_000), SimTime::from_ms(50_000));
        let b = m.ping_buckets(from, to, 10);
        assert!(!b.is_empty() && b.len() <= 10, "{}", b.len());
        let pings: u32 = b.iter().map(|b| b.slice.pings).sum();
        assert_eq!(u64::from(pings), m.pings_between(from, to));
        assert_eq!(pings, 30);
        // The crash at 30 s: pings went unanswered, and the level reached k.
        let missed: u32 = b.iter().map(|b| b.slice.missed).sum();
        assert!(missed >= 3, "{missed}");
        assert!(b.iter().any(|b| b.slice.max_level >= 3.0));
        assert!(b.windows(2).all(|w| w[0].to == w[1].from));
        // The month: far more pings than fit, summed into at most 48 marks.
        let r = run("month", 10 * 24 * 3_600_000);
        let m = r.sides[0].model();
        let now = r.sides[0].now();
        let (from, to) = seismo_window(now, 10_000, 30 * 24 * 3_600_000);
        assert!(m.pings_between(from, to) > SEISMO_FIT as u64 * 100);
        let b = m.ping_buckets(from, to, SEISMO_FIT);
        assert!(b.len() <= SEISMO_FIT && b.len() >= SEISMO_FIT / 2, "{}", b.len());
        let pings: u64 = b.iter().map(|b| u64::from(b.slice.pings)).sum();
        // The marks cover the window (their edges may stick out by one slice).
        assert!(pings >= m.pings_between(from, to), "{pings}");
        assert!(m.recent().ping_series.as_ref().unwrap().buckets().len() <= crate::stats::MAX_BUCKETS);
    }
}

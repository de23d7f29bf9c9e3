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
    /// Judged at its deadline: echoed in time (`true`) or missed.
    pub judged: Option<bool>,
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

/// What the seismographs of a run show: one window for every side, so that
/// A and B read on one time scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeismoWindow {
    pub from: SimTime,
    pub to: SimTime,
    /// The live window — the last 24 ping intervals of the side that pings
    /// least often, or the last tenth of the run — whatever is shown.
    pub live: (SimTime, SimTime),
    /// Up close on the latest crash (when it began): the live window holds
    /// too many pings to draw on every side, and a crash falls in it.
    pub crash: Option<SimTime>,
}

impl SeismoWindow {
    /// Whether it is still open at its right edge (a crash under way, or the live window).
    pub fn open_ended(&self, now: SimTime) -> bool {
        self.to >= now
    }
}

/// The seismographs' window for a run whose sides are `sides`, at `now`:
/// the live window, the same span on every side (that of the side with the
/// longest ping interval). When even that side's pings are too many to draw
/// one by one (a month: its verdicts, half a minute against three days,
/// would be slivers) and a crash falls in the live window, the latest crash
/// up close instead: every side's record of it, from a few pings before it
/// until all are up again (or now).
pub fn seismo_window_of(sides: &[&AvailabilityModel], now: SimTime) -> SeismoWindow {
    let interval = sides.iter().map(|m| m.tactics().interval_ms).max().unwrap_or(1_000);
    let duration = sides.first().map_or(0, |m| m.config().load.duration_ms);
    let (from, to) = seismo_window(now, interval, duration);
    let live = SeismoWindow {
        from,
        to,
        live: (from, to),
        crash: None,
    };
    let summed = sides.iter().all(|m| m.pings_between(from, to) > SEISMO_FIT as u64);
    if !summed {
        return live;
    }
    let episodes = || sides.iter().filter_map(|m| m.crash_episode());
    let Some(latest) = episodes()
        .filter(|e| e.overlaps(from, now, now))
        .max_by_key(|e| e.crash)
    else {
        return live;
    };
    let (a, b) = (latest.from, latest.end(now));
    let mut close = SeismoWindow {
        from: a,
        to: b,
        live: (from, to),
        crash: Some(latest.crash),
    };
    for e in episodes().filter(|e| e.overlaps(a, b, now)) {
        close.from = close.from.min(e.from);
        close.to = close.to.max(e.end(now));
    }
    close
}

/// What one side's seismograph draws in a window: its pings one by one (or
/// summed), its suspicion levels, its bands and verdicts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SeismoTrack {
    /// More pings in the window than fit one by one: `buckets` sum them.
    pub summed: bool,
    /// Pings sent in the window up to now (empty when summed).
    pub pings: Vec<PingMark>,
    pub buckets: Vec<PingBucket>,
    /// (when, level) in the window up to now, and the level at its start.
    pub levels: Vec<(SimTime, f64)>,
    pub level_before: f64,
    /// (start, end, band), clipped to the window and now.
    pub bands: Vec<(SimTime, SimTime, Band)>,
    /// When the monitor declared the primary down, in the window.
    pub verdicts: Vec<SimTime>,
}

/// `(start, end, band)` from band changes (oldest first), clipped to
/// `[from, to]`; the last band lasts until `to`.
fn clip_bands(changes: &[(SimTime, Band)], from: SimTime, to: SimTime) -> Vec<(SimTime, SimTime, Band)> {
    let mut out = vec![];
    for (i, &(at, band)) in changes.iter().enumerate() {
        let end = changes.get(i + 1).map_or(to, |n| n.0);
        if end <= from || at >= to {
            continue;
        }
        out.push((at.max(from), end.min(to), band));
    }
    out
}

/// The declarations in band changes: each entry into "declared down".
fn verdicts_in(changes: &[(SimTime, Band)], from: SimTime, to: SimTime) -> Vec<SimTime> {
    changes
        .iter()
        .enumerate()
        .filter(|&(i, &(at, b))| {
            b == Band::Down && at >= from && at <= to && (i == 0 || changes[i - 1].1 != Band::Down)
        })
        .map(|(_, &(at, _))| at)
        .collect()
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
    /// How episodes are kept.
    pub rules: EpisodeRules,
    /// The crash being recorded, from its lead-in on.
    pub open: Option<Episode>,
    /// The last crash recorded whole.
    pub last: Option<Episode>,
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
            + self.open.as_ref().map_or(0, Episode::approx_bytes)
            + self.last.as_ref().map_or(0, Episode::approx_bytes)
    }
    /// A recorder for a side with these episode rules.
    pub fn new(rules: EpisodeRules) -> Self {
        Recorder {
            rules,
            ..Recorder::default()
        }
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
        if let Some(p) = self.pings.iter_mut().rev().find(|p| p.sent == sent) {
            p.judged = Some(echoed);
        }
        if let Some(e) = self.open.as_mut() {
            e.judged(sent, echoed);
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
                judged: None,
            },
        );
        if let Some(e) = self.open.as_mut() {
            e.ping(n, sent, deadline);
        }
    }
    pub(super) fn echo(&mut self, n: u64, at: SimTime) {
        if let Some(p) = self.pings.iter_mut().rev().find(|p| p.n == n) {
            p.echo = Some(at);
        }
        if let Some(e) = self.open.as_mut() {
            if let Some(p) = e.pings.iter_mut().rev().find(|p| p.n == n) {
                p.echo = Some(at);
            }
        }
    }
    pub(super) fn level(&mut self, at: SimTime, level: f64) {
        push(&mut self.levels, RECENT_LEVELS, (at, level));
        if let Some(series) = self.ping_series.as_mut() {
            let s = series.at(at);
            s.max_level = s.max_level.max(level);
        }
        if let Some(e) = self.open.as_mut() {
            e.level(at, level);
        }
    }
    /// The band after an event at `at`; `primary_down`: the primary is
    /// really down (crashed or hung) at `at`.
    pub(super) fn band(&mut self, at: SimTime, band: Band, primary_down: bool) {
        if self.bands.back().is_none_or(|b| b.1 != band) {
            push(&mut self.bands, RECENT_BANDS, (at, band));
            if let Some(e) = self.open.as_mut() {
                e.band(at, band);
            }
        }
        let Some(e) = self.open.as_mut() else {
            return;
        };
        let tail = self.rules.tail;
        // Closed once everything has been up again for the tail, or when it
        // is as long as an episode may be.
        let quiet = band == Band::Up && !primary_down;
        let done = if quiet {
            at.since(*e.up_since.get_or_insert(at)) >= tail
        } else {
            e.up_since = None;
            false
        };
        if done || at.since(e.from) >= self.rules.longest || e.full() {
            e.cut = !quiet;
            e.to = Some(at);
            // A ping not judged yet will never be, here: not drawn as a miss.
            e.pings.retain(|p| p.judged.is_some());
            self.last = self.open.take();
        }
    }
    /// The primary crashed (or hung) at `at`: an episode opens, with the
    /// lead-in the rings still hold, unless one is open already.
    pub(super) fn crashed(&mut self, at: SimTime) {
        if self.open.is_some() {
            return;
        }
        let EpisodeRules { interval, lead, .. } = self.rules;
        let i = interval.as_micros().max(1);
        // The first ping of the lead-in (pings go out at 0, i, 2i, …).
        let from = SimTime(at.as_micros().saturating_sub(lead.as_micros()) / i * i);
        let mut e = Episode {
            from,
            to: None,
            crash: at,
            cut: false,
            pings: vec![],
            levels: vec![],
            level_before: self.levels.iter().rev().find(|l| l.0 < from).map_or(0.0, |l| l.1),
            bands: vec![],
            slices: crate::stats::Series::new(interval),
            up_since: None,
        };
        let before = self.bands.iter().rev().find(|b| b.0 <= from).map_or(Band::Up, |b| b.1);
        e.bands.push((from, before));
        for &(t, b) in self.bands.iter().filter(|b| b.0 > from) {
            e.band(t, b);
        }
        for p in self.pings.iter().filter(|p| p.sent >= from) {
            e.ping(p.n, p.sent, p.deadline);
            if let Some(last) = e.pings.last_mut() {
                last.echo = p.echo;
            }
            if let Some(on_time) = p.judged {
                e.judged(p.sent, on_time);
            }
        }
        for &(t, v) in self.levels.iter().filter(|l| l.0 >= from) {
            e.level(t, v);
        }
        self.open = Some(e);
    }
}

/// How a side keeps its episodes: its ping interval, and the lead-in, the
/// tail and the longest episode, measured in the longest ping interval of
/// the run's sides so that both sides keep the same stretch of a crash.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EpisodeRules {
    pub interval: SimDuration,
    pub lead: SimDuration,
    pub tail: SimDuration,
    pub longest: SimDuration,
}

impl EpisodeRules {
    /// For a side pinging every `interval_ms`, in a run whose slowest side
    /// pings every `longest_interval_ms`.
    pub fn new(interval_ms: u64, longest_interval_ms: u64) -> Self {
        let l = longest_interval_ms.max(interval_ms).max(1);
        EpisodeRules {
            interval: SimDuration::from_ms(interval_ms.max(1)),
            lead: SimDuration::from_ms(l * EPISODE_LEAD),
            tail: SimDuration::from_ms(l * EPISODE_TAIL),
            longest: SimDuration::from_ms(l * EPISODE_INTERVALS),
        }
    }
}

/// Longest ping intervals an episode keeps before the crash.
pub const EPISODE_LEAD: u64 = 6;
/// … and after everything is up again.
pub const EPISODE_TAIL: u64 = 6;
/// … at most in all (then it is closed where it is: `cut`).
pub const EPISODE_INTERVALS: u64 = 240;
/// Pings an episode keeps one by one (more are only summed): as many as a
/// window drawn one by one holds.
pub const EPISODE_PINGS: usize = SEISMO_FIT + 2;
/// Suspicion samples an episode keeps (a ping's deadline, and with φ its echo).
pub const EPISODE_LEVELS: usize = 3 * EPISODE_PINGS;
/// Band changes an episode keeps (then it is closed where it is).
pub const EPISODE_BANDS: usize = 64;

/// A crash as one side's monitor saw it, kept after the rings have
/// forgotten it: from a few pings before the crash until the primary is up,
/// the band back to "up" and a few pings more. Its pings one by one (as
/// many as a seismograph draws so), all of them summed per ping interval,
/// its suspicion levels and its bands. A long run's seismograph shows the
/// latest one up close (a month's verdicts are slivers at three days).
#[derive(Clone, Debug)]
pub struct Episode {
    /// The first ping of the lead-in.
    pub from: SimTime,
    /// When it closed (`None`: still open).
    pub to: Option<SimTime>,
    /// When the (first) crash in it began.
    pub crash: SimTime,
    /// Closed before everything was up again (too long, or too many changes).
    pub cut: bool,
    pub pings: Vec<PingMark>,
    pub levels: Vec<(SimTime, f64)>,
    /// The suspicion level at `from`.
    pub level_before: f64,
    /// (since when, band); the first is the band at `from`.
    pub bands: Vec<(SimTime, Band)>,
    /// Every ping in it, summed per slice of time from `from`.
    slices: crate::stats::Series<PingSlice>,
    up_since: Option<SimTime>,
}

impl Episode {
    fn slice(&mut self, at: SimTime) -> &mut PingSlice {
        self.slices.at(SimTime(at.since(self.from).as_micros()))
    }
    fn ping(&mut self, n: u64, sent: SimTime, deadline: SimTime) {
        if self.pings.len() < EPISODE_PINGS {
            self.pings.push(PingMark {
                n,
                sent,
                echo: None,
                deadline,
                judged: None,
            });
        }
        self.slice(sent).pings += 1;
    }
    fn judged(&mut self, sent: SimTime, on_time: bool) {
        if sent < self.from {
            return;
        }
        if let Some(p) = self.pings.iter_mut().rev().find(|p| p.sent == sent) {
            p.judged = Some(on_time);
        }
        let s = self.slice(sent);
        if on_time {
            s.on_time += 1;
        } else {
            s.missed += 1;
        }
    }
    fn level(&mut self, at: SimTime, level: f64) {
        if self.levels.len() < EPISODE_LEVELS {
            self.levels.push((at, level));
        }
        let s = self.slice(at);
        s.max_level = s.max_level.max(level);
    }
    fn band(&mut self, at: SimTime, band: Band) {
        if self.bands.len() < EPISODE_BANDS {
            self.bands.push((at, band));
        }
    }
    fn full(&self) -> bool {
        self.bands.len() >= EPISODE_BANDS
    }
    /// Its end at `now`.
    pub fn end(&self, now: SimTime) -> SimTime {
        self.to.unwrap_or(now).min(now)
    }
    /// Whether it overlaps `[from, to]` (at `now`).
    pub fn overlaps(&self, from: SimTime, to: SimTime, now: SimTime) -> bool {
        self.from <= to && self.end(now) >= from
    }
    /// Its pings in `[from, to)`, summed into at most `max` marks.
    pub fn buckets(&self, from: SimTime, to: SimTime, max: usize) -> Vec<PingBucket> {
        sum_slices(&self.slices, self.from, from.max(self.from), to, max)
    }
    fn approx_bytes(&self) -> usize {
        std::mem::size_of::<Episode>()
            + self.pings.len() * std::mem::size_of::<PingMark>()
            + (self.levels.len() + self.bands.len()) * 24
            + std::mem::size_of_val(self.slices.buckets())
    }
}

/// The slices of `series` (whose time 0 is `origin`) in `[from, to)`, summed
/// into at most `max` marks of equal length (each a whole number of slices).
fn sum_slices(
    series: &crate::stats::Series<PingSlice>,
    origin: SimTime,
    from: SimTime,
    to: SimTime,
    max: usize,
) -> Vec<PingBucket> {
    let w = series.width().as_micros();
    let (f, t) = (from.since(origin).as_micros(), to.since(origin).as_micros());
    let first = (f / w) as usize;
    let last = (t.div_ceil(w) as usize).max(first + 1);
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
                from: origin + SimDuration::from_micros(series.start_of(i).as_micros()),
                to: origin + SimDuration::from_micros(series.start_of(i + per).as_micros()),
                slice,
            }
        })
        .collect()
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

/// The queries service's workers: busy, of how many, and the wait a query
/// arriving now would have (ms).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WorkersState {
    pub busy: u32,
    pub capacity: u32,
    pub wait_ms: f64,
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

    /// The queries service's workers at `now`, when it has a limit: how many
    /// are busy, of how many, and how long a query arriving now would wait
    /// for one (ms). `None` without a limit or while the service is down.
    pub fn queries_workers(&self, now: SimTime) -> Option<WorkersState> {
        let capacity = self.config().queries.capacity;
        if capacity == 0 || self.queries_instance(now).is_down() {
            return None;
        }
        let w = &self.workers[2];
        let us = now.as_micros();
        Some(WorkersState {
            busy: (w.busy(us) as u32).min(capacity),
            capacity,
            wait_ms: w.queue_wait(capacity, us) as f64 / 1000.0,
        })
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
        sum_slices(series, SimTime::ZERO, from, to, max)
    }

    /// The crash this side is recording, or else the last it recorded.
    pub fn crash_episode(&self) -> Option<&Episode> {
        self.recorder.open.as_ref().or(self.recorder.last.as_ref())
    }

    /// What this side's seismograph draws in `w` at `now`, where `fit` pings
    /// fit one by one (at most [`SEISMO_FIT`]; fewer in a narrow drawing):
    /// from its record of the crash up close, or from the rings.
    pub fn seismo_track(&self, w: &SeismoWindow, now: SimTime, fit: usize) -> SeismoTrack {
        let (from, to) = (w.from, w.to);
        let end = to.min(now);
        let fit = fit.clamp(1, SEISMO_FIT);
        let summed = self.pings_between(from, to) > fit as u64;
        let episode = self
            .crash_episode()
            .filter(|e| w.crash.is_some() && e.overlaps(from, to, now));
        // Where it draws from, as slices (a ring is two): one code path for both.
        let rec = &self.recorder;
        let (pings, levels, bands, level0) = match episode {
            Some(e) => (
                (&e.pings[..], &[][..]),
                (&e.levels[..], &[][..]),
                (&e.bands[..], &[][..]),
                e.level_before,
            ),
            None => (
                rec.pings.as_slices(),
                rec.levels.as_slices(),
                rec.bands.as_slices(),
                0.0,
            ),
        };
        let pings: Vec<PingMark> = pings
            .0
            .iter()
            .chain(pings.1)
            .filter(|p| !summed && p.sent >= from && p.sent <= end)
            .copied()
            .collect();
        let level_before = levels
            .0
            .iter()
            .chain(levels.1)
            .rev()
            .find(|l| l.0 < from)
            .map_or(level0, |l| l.1);
        let levels: Vec<(SimTime, f64)> = levels
            .0
            .iter()
            .chain(levels.1)
            .filter(|l| l.0 >= from && l.0 <= end)
            .copied()
            .collect();
        let changes: Vec<(SimTime, Band)> = bands.0.iter().chain(bands.1).copied().collect();
        SeismoTrack {
            summed,
            pings,
            buckets: match (summed, episode) {
                (false, _) => vec![],
                (true, Some(e)) => e.buckets(from, end, fit),
                (true, None) => self.ping_buckets(from, end, fit),
            },
            levels,
            level_before,
            bands: clip_bands(&changes, from, end),
            verdicts: verdicts_in(&changes, from, end),
        }
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
        let b: Vec<(SimTime, Band)> = self.recorder.bands.iter().copied().collect();
        clip_bands(&b, from, to)
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

    fn window_at(r: &AvailabilityRun) -> SeismoWindow {
        let models: Vec<&AvailabilityModel> = r.sides.iter().map(|s| s.model()).collect();
        seismo_window_of(&models, r.now())
    }

    /// A pings every 0.5 s, B every second: both seismographs show the same
    /// 24 s (B's 24 intervals), A's 48 pings still one by one.
    #[test]
    fn both_sides_share_one_window_when_their_ping_intervals_differ() {
        let r = run("aggressive_timeout", 67_000);
        let (a, b) = (r.sides[0].model(), r.sides[1].model());
        assert_ne!(a.tactics().interval_ms, b.tactics().interval_ms);
        let w = window_at(&r);
        assert_eq!(w.crash, None);
        assert_eq!((w.from, w.to), (SimTime::from_ms(43_000), SimTime::from_ms(67_000)));
        let now = r.now();
        let (ta, tb) = (a.seismo_track(&w, now, SEISMO_FIT), b.seismo_track(&w, now, SEISMO_FIT));
        assert!(!ta.summed && !tb.summed);
        assert!(
            ta.pings.len() >= 48 && tb.pings.len() >= 24,
            "{} {}",
            ta.pings.len(),
            tb.pings.len()
        );
        // Both tracks cover the window: their bands start and end at its edges.
        for t in [&ta, &tb] {
            assert_eq!(t.bands.first().map(|b| b.0), Some(w.from));
            assert_eq!(t.bands.last().map(|b| b.1), Some(w.to));
        }
        // A far faster side is summed on its own; the window stays shared.
        let p = presets::all()
            .into_iter()
            .find(|p| p.id == "aggressive_timeout")
            .unwrap();
        let mut c = p.config.clone();
        c.tactics.interval_ms = 100;
        let mut r = AvailabilityRun::new(&c, p.seed).expect("valid");
        r.run_until(SimTime::from_ms(67_000), u64::MAX);
        let w = window_at(&r);
        assert_eq!(w.to.since(w.from), SimDuration::from_ms(24_000));
        assert!(r.sides[0].model().seismo_track(&w, r.now(), SEISMO_FIT).summed);
        assert!(!r.sides[1].model().seismo_track(&w, r.now(), SEISMO_FIT).summed);
    }

    /// A month: three days hold 25,920 pings and a verdict is half a minute,
    /// so the seismographs show the latest crash up close, the same stretch
    /// on both sides, from the episode each side kept after its rings forgot it.
    #[test]
    fn a_month_s_seismographs_show_the_latest_crash_up_close() {
        let r = run("month", 3 * 24 * 3_600_000);
        let now = r.now();
        let w = window_at(&r);
        let crash = w.crash.expect("a crash up close");
        let crashes = r.sides[0].model().crashes_between(SimTime::ZERO, now);
        assert_eq!(crashes.len(), 2);
        assert_eq!(crash, crashes[1].0, "the latest");
        assert!(w.from < crash && w.to > crashes[1].1, "{w:?}");
        assert!(w.to.since(w.from) < SimDuration::from_ms(3_600_000), "{w:?}");
        // The rings have long forgotten it.
        let oldest = r.sides[0].model().recent().pings.front().unwrap().sent;
        assert!(oldest > w.to, "the ring still holds it");
        let (a, b) = (r.sides[0].model(), r.sides[1].model());
        let (ta, tb) = (a.seismo_track(&w, now, SEISMO_FIT), b.seismo_track(&w, now, SEISMO_FIT));
        assert!(!ta.summed && !tb.summed, "{} pings", ta.pings.len());
        // The same monitor: the same pings missed, the same verdict.
        let missed = |t: &SeismoTrack| t.pings.iter().filter(|p| p.echo.is_none()).count();
        assert!(missed(&ta) >= 3, "{}", missed(&ta));
        assert_eq!(missed(&ta), missed(&tb));
        assert_eq!(ta.verdicts.len(), 1);
        assert_eq!(ta.verdicts, tb.verdicts);
        assert!(ta.levels.iter().any(|l| l.1 >= 3.0));
        // Then A stays declared down until the restart; B's backup serves.
        let long = |t: &SeismoTrack, band: Band| {
            t.bands
                .iter()
                .filter(|b| b.2 == band)
                .map(|b| b.1.since(b.0))
                .max()
                .unwrap_or_default()
        };
        let verdict = ta.verdicts[0];
        let outage = crashes[1].1.since(verdict);
        assert!(long(&ta, Band::Down) >= outage, "{:?}", ta.bands);
        assert!(long(&tb, Band::Down) < SimDuration::from_ms(1_000), "{:?}", tb.bands);
        assert!(long(&tb, Band::Promoted) >= outage, "{:?}", tb.bands);
        // Ten days in, no crash in the last three: the live window, summed.
        let r = run("month", 10 * 24 * 3_600_000);
        let w = window_at(&r);
        assert_eq!(w.crash, None);
        assert_eq!(w.to.since(w.from), SimDuration::from_ms(3 * 24 * 3_600_000));
        assert!(r.sides[0].model().seismo_track(&w, r.now(), SEISMO_FIT).summed);
        // The month's end: its last crash, 19 minutes, too many pings to
        // draw one by one: summed from the episode, every miss counted.
        let r = run("month", 31 * 24 * 3_600_000);
        let now = r.now();
        let w = window_at(&r);
        let last = *r.sides[0].model().crashes_between(SimTime::ZERO, now).last().unwrap();
        assert_eq!(w.crash, Some(last.0));
        for s in &r.sides {
            let t = s.model().seismo_track(&w, now, SEISMO_FIT);
            assert!(t.summed && !t.buckets.is_empty() && t.buckets.len() <= SEISMO_FIT);
            let missed: u32 = t.buckets.iter().map(|b| b.slice.missed).sum();
            let lost = last.1.since(last.0).as_micros() / 10_000_000;
            assert!(u64::from(missed) + 1 >= lost, "{missed} of {lost}");
            assert!(t.buckets.iter().any(|b| b.slice.max_level >= 3.0));
            assert_eq!(t.verdicts.len(), 1);
        }
    }

    /// An episode stays bounded however long the crash: closed where it is
    /// after 240 ping intervals (cut), its lists capped.
    #[test]
    fn an_episode_is_bounded_and_cut_when_too_long() {
        let p = presets::all().into_iter().find(|p| p.id == "experiment").unwrap();
        let mut c = p.config.clone();
        c.tactics.interval_ms = 100;
        c.tactics.redundancy = crate::labs::availability::config::Redundancy::None;
        let mut r = AvailabilityRun::new(&c, p.seed).expect("valid");
        r.run_until(SimTime::from_ms(120_000), u64::MAX);
        let rec = r.sides[0].model().recent();
        let e = rec.last.as_ref().expect("the crash was recorded");
        assert!(e.cut, "a 40 s crash is longer than 240 pings of 100 ms");
        assert_eq!(e.to.unwrap().since(e.from), SimDuration::from_ms(24_000));
        assert!(e.pings.len() <= EPISODE_PINGS && e.levels.len() <= EPISODE_LEVELS);
        assert!(e.bands.len() <= EPISODE_BANDS);
        assert!(e.slices.buckets().len() <= crate::stats::MAX_BUCKETS);
        assert!(rec.open.is_none());
    }
}

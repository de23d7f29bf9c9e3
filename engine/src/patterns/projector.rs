//! A projector: what copies each change of a write store into a read store
//! (CQRS's query side, a service's own copy of another's data). Changes are
//! numbered in commit order (sequence numbers from 1); the projector sees
//! them through a [`Bus`] channel and applies them in batches, one batch at
//! a time, each taking a service time of the configured shape.
//!
//! Three ways to sync, as course texts write them:
//! - **inline**: the command itself writes the read store before it returns
//!   (after `delay_ms`, the text's `sleep` inside the command): nothing
//!   travels, the command is slower;
//! - **delay**: every change is applied exactly `delay_ms` after its commit
//!   (the text's intent: an asynchronous copy after a while);
//! - **queue**: changes wait in the projector's queue and are applied in
//!   batches of up to `batch`, each batch in a service time around
//!   `service_ms` — a queue with a service rate, whose backlog grows without
//!   end when changes come faster than it serves them.
//!
//! Pause windows stop the projector (changes pile up; it catches up after);
//! a crash at `crash_at_ms` makes it rebuild its copy by replaying every
//! change from sequence 1 into a fresh copy, while the old copy keeps
//! serving, frozen, until the fresh one has caught up and is swapped in.
//!
//! The projector keeps its own measures: the lag of every change (commit to
//! applied), the backlog (committed, not yet applied) as a time-weighted
//! mean and a peak, and how long it took to catch up after each pause.

use crate::patterns::bus::{Bus, BusConfig, Window};
use crate::patterns::service::LatencyShape;
use crate::rng::SimRng;
use crate::stats::Histogram;
use crate::time::{SimDuration, SimTime};
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// How changes reach the read store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SyncMode {
    /// Inside the command, after `delay_ms` (the command waits for it).
    Inline,
    /// Exactly `delay_ms` after each commit.
    #[default]
    Delay,
    /// Through a queue served in batches.
    Queue,
}

/// A projector as a user configures it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProjectorConfig {
    pub mode: SyncMode,
    /// Inline and delay: how long after the commit the read store has it.
    pub delay_ms: u64,
    /// Queue: the median (the mean for exponential) time to apply one batch.
    pub service_ms: u64,
    pub service_shape: LatencyShape,
    /// Queue: the most changes applied in one go.
    pub batch: u32,
    /// Queue: how long a change takes to reach the projector's queue.
    pub transport_ms: u64,
    /// Windows when the projector is down (queue mode).
    pub pauses: Vec<Window>,
    /// When the projector crashes and rebuilds its copy from sequence 1
    /// (queue mode; 0 = never).
    pub crash_at_ms: u64,
}

impl Default for ProjectorConfig {
    fn default() -> Self {
        ProjectorConfig {
            mode: SyncMode::Delay,
            delay_ms: 2_000,
            service_ms: 10,
            service_shape: LatencyShape::Exponential,
            batch: 1,
            transport_ms: 0,
            pauses: vec![],
            crash_at_ms: 0,
        }
    }
}

pub mod limits {
    pub const MAX_DELAY_MS: u64 = 600_000;
    pub const MAX_SERVICE_MS: u64 = 60_000;
    pub const MAX_BATCH: u64 = 10_000;
}

impl ProjectorConfig {
    /// Checks every field; `at` is where the projector sits in the lab's config.
    pub fn check(&self, c: &mut Checker, at: &str) {
        c.int(&format!("{at}.delay_ms"), self.delay_ms, 0, limits::MAX_DELAY_MS);
        c.int(&format!("{at}.service_ms"), self.service_ms, 0, limits::MAX_SERVICE_MS);
        c.int(&format!("{at}.batch"), self.batch as u64, 1, limits::MAX_BATCH);
        c.int(
            &format!("{at}.transport_ms"),
            self.transport_ms,
            0,
            limits::MAX_DELAY_MS,
        );
        c.require(
            self.service_shape != LatencyShape::Normal,
            &format!("{at}.service_shape"),
            "error.sd_needs_normal",
        );
        Window::check_all(&self.pauses, c, &format!("{at}.pauses"));
        c.int(&format!("{at}.crash_at_ms"), self.crash_at_ms, 0, 3_600_000);
        let queue_only = self.mode == SyncMode::Queue || (self.pauses.is_empty() && self.crash_at_ms == 0);
        c.require(queue_only, &format!("{at}.mode"), "error.projector_queue_only");
    }

    /// The bus the changes travel on to reach the projector.
    fn transport(&self) -> BusConfig {
        BusConfig {
            latency_ms: match self.mode {
                SyncMode::Inline => 0,
                SyncMode::Delay => self.delay_ms,
                SyncMode::Queue => self.transport_ms,
            },
            latency_shape: LatencyShape::Fixed,
            ..BusConfig::default()
        }
    }
}

/// What the lab does next after telling the projector something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Nothing to schedule.
    Idle,
    /// A batch is being applied: call [`Projector::finish`] at this instant.
    FinishAt(SimTime),
    /// The projector is paused: call [`Projector::resume`] at this instant.
    ResumeAt(SimTime),
}

/// A projector's running state.
#[derive(Clone, Debug)]
pub struct Projector {
    config: ProjectorConfig,
    bus: Bus,
    /// Changes delivered, waiting to be applied (sequence numbers).
    queue: VecDeque<u64>,
    /// The batch being applied.
    batch: Vec<u64>,
    busy: bool,
    /// The batch being applied is a rebuild's.
    batch_rebuilds: bool,
    /// Rebuilding: the next sequence the replay applies.
    rebuild: Option<u64>,
    /// Sequence numbers applied in order (the cursor "applied up to").
    applied_up_to: u64,
    /// Changes applied so far (the live copy's count).
    applied: u64,
    committed: u64,
    // Measures.
    pub lag: Histogram,
    lag_sum_us: f64,
    backlog_area_us: f64,
    last_change: SimTime,
    /// When the latest change was committed (the end of the arrivals so far).
    last_commit: SimTime,
    pub backlog_peak: u64,
    /// When the current pause ended with a backlog still to apply.
    pause_ended: Option<SimTime>,
    pub catch_up: Histogram,
    pub rebuilds: u64,
    pub rebuild_ms: Option<f64>,
}

impl Projector {
    pub fn new(config: ProjectorConfig) -> Projector {
        Projector {
            bus: Bus::new(config.transport(), 1),
            config,
            queue: VecDeque::new(),
            batch: Vec::new(),
            busy: false,
            batch_rebuilds: false,
            rebuild: None,
            applied_up_to: 0,
            applied: 0,
            committed: 0,
            lag: Histogram::default(),
            lag_sum_us: 0.0,
            backlog_area_us: 0.0,
            last_change: SimTime::ZERO,
            last_commit: SimTime::ZERO,
            backlog_peak: 0,
            pause_ended: None,
            catch_up: Histogram::default(),
            rebuilds: 0,
            rebuild_ms: None,
        }
    }

    pub fn config(&self) -> &ProjectorConfig {
        &self.config
    }

    /// Changes committed and not yet applied.
    pub fn backlog(&self) -> u64 {
        self.committed - self.applied
    }

    /// The read copy has every change up to this sequence number.
    pub fn applied_up_to(&self) -> u64 {
        self.applied_up_to
    }

    pub fn committed(&self) -> u64 {
        self.committed
    }

    /// Changes committed per second while they were arriving: over the time
    /// up to the latest commit, so the drain after the writes stop (or a
    /// side's idle end) does not dilute it. 0 before any commit.
    pub fn offered_per_s(&self) -> f64 {
        let secs = self.last_commit.as_secs_f64();
        if secs > 0.0 {
            self.committed as f64 / secs
        } else {
            0.0
        }
    }

    /// Whether the projector is rebuilding its copy.
    pub fn is_rebuilding(&self) -> bool {
        self.rebuild.is_some()
    }

    fn account(&mut self, now: SimTime) {
        let dt = now.since(self.last_change).as_micros() as f64;
        self.backlog_area_us += dt * self.backlog() as f64;
        self.last_change = now;
    }

    /// The time-weighted mean backlog from 0 to `now`.
    pub fn backlog_mean(&self, now: SimTime) -> f64 {
        let dt = now.since(self.last_change).as_micros() as f64;
        let area = self.backlog_area_us + dt * self.backlog() as f64;
        let t = now.as_micros() as f64;
        if t > 0.0 {
            area / t
        } else {
            0.0
        }
    }

    /// How many applied changes [`Self::lag_mean_ms`] is over.
    pub fn lag_samples(&self) -> u64 {
        self.lag.count()
    }

    /// The mean lag of the changes applied so far (ms).
    pub fn lag_mean_ms(&self) -> Option<f64> {
        let n = self.lag.count();
        (n > 0).then(|| self.lag_sum_us / n as f64 / 1000.0)
    }

    /// Change `seq` was committed at `now`: it leaves on the bus (drawing
    /// from `rng`). Returns when it reaches the projector (None in inline
    /// mode, where the command applies it itself).
    pub fn commit(&mut self, seq: u64, now: SimTime, rng: &mut SimRng) -> Option<SimTime> {
        self.account(now);
        self.committed = self.committed.max(seq);
        self.last_commit = now;
        self.backlog_peak = self.backlog_peak.max(self.backlog());
        if self.config.mode == SyncMode::Inline {
            return None;
        }
        let mut out = Vec::with_capacity(1);
        self.bus.publish_into(now, &[0], rng, &mut out);
        out.first().map(|&(_, at)| at)
    }

    /// Applies `seq` at once (inline mode, and delay mode on arrival),
    /// committed at `committed_at`.
    pub fn apply_now(&mut self, seq: u64, committed_at: SimTime, now: SimTime) {
        self.account(now);
        self.applied += 1;
        self.applied_up_to = self.applied_up_to.max(seq);
        let lag = now.since(committed_at);
        self.lag.record(lag);
        self.lag_sum_us += lag.as_micros() as f64;
    }

    fn paused_until(&self, now: SimTime) -> Option<SimTime> {
        let up = Window::after_all(&self.config.pauses, now);
        (up > now).then_some(up)
    }

    /// Change `seq` reached the queue (queue mode).
    pub fn arrive(&mut self, seq: u64, now: SimTime, rng: &mut SimRng) -> Next {
        // Changes arrive in order, so one the copy already has was read from
        // the log by a rebuild that caught up while it was on its way: it is
        // applied already. (Applied twice, it counted twice: more applied
        // than committed, and the backlog went below zero.)
        if self.rebuild.is_none() && seq <= self.applied_up_to {
            return Next::Idle;
        }
        self.queue.push_back(seq);
        if self.busy {
            return Next::Idle;
        }
        self.start(now, rng)
    }

    /// Starts the next batch if there is one and the projector is up.
    fn start(&mut self, now: SimTime, rng: &mut SimRng) -> Next {
        if let Some(up) = self.paused_until(now) {
            return if self.queue.is_empty() && self.rebuild.is_none() {
                Next::Idle
            } else {
                Next::ResumeAt(up)
            };
        }
        self.batch.clear();
        let max = self.config.batch as usize;
        match self.rebuild {
            // A replay reads the log itself: the next `batch` sequences.
            Some(next) => {
                let last = (next + max as u64 - 1).min(self.committed);
                self.batch.extend(next..=last);
            }
            None => {
                let n = max.min(self.queue.len());
                self.batch.extend(self.queue.drain(..n));
            }
        }
        if self.batch.is_empty() {
            return Next::Idle;
        }
        self.batch_rebuilds = self.rebuild.is_some();
        self.busy = true;
        let c = &self.config;
        let ms = c.service_shape.draw(rng, c.service_ms as f64, 0.0);
        Next::FinishAt(now + SimDuration::from_ms_f64(ms.max(0.0)))
    }

    /// The projector comes back after a pause.
    pub fn resume(&mut self, now: SimTime, rng: &mut SimRng) -> Next {
        if self.busy {
            return Next::Idle;
        }
        if self.pause_ended.is_none() && self.backlog() > 0 {
            self.pause_ended = Some(now);
        }
        self.start(now, rng)
    }

    /// The batch is applied: its sequence numbers go to `out`, for the lab
    /// to copy into the read store — or, when this returns `true`, into the
    /// fresh copy a rebuild is filling. Then call [`Projector::proceed`].
    pub fn finish(&mut self, now: SimTime, out: &mut Vec<u64>) -> bool {
        self.busy = false;
        out.clear();
        out.extend_from_slice(&self.batch);
        if !self.batch_rebuilds {
            return false;
        }
        let next = self.rebuild.expect("a rebuild batch") + self.batch.len() as u64;
        if next > self.committed {
            // Caught up: the fresh copy replaces the old one, and what the
            // queue held is in it already.
            self.rebuild = None;
            self.queue.clear();
            self.account(now);
            self.applied = self.committed;
            self.applied_up_to = self.committed;
            let crashed = SimTime::ZERO + SimDuration::from_ms(self.config.crash_at_ms);
            self.rebuild_ms = Some(now.since(crashed).as_micros() as f64 / 1000.0);
        } else {
            self.rebuild = Some(next);
        }
        true
    }

    /// After a batch: starts the next one, and notes a catch-up after a pause.
    pub fn proceed(&mut self, now: SimTime, rng: &mut SimRng) -> Next {
        if self.backlog() == 0 {
            if let Some(ended) = self.pause_ended.take() {
                self.catch_up.record(now.since(ended));
            }
        }
        self.start(now, rng)
    }

    /// Records the lag of a change a rebuild's swap made visible, committed
    /// at `committed_at` ([`Projector::finish`] counted it applied already).
    pub fn swapped_in(&mut self, committed_at: SimTime, now: SimTime) {
        let lag = now.since(committed_at);
        self.lag.record(lag);
        self.lag_sum_us += lag.as_micros() as f64;
    }

    /// Records that the lab applied a live change `seq` committed at `committed_at`.
    pub fn applied_live(&mut self, seq: u64, committed_at: SimTime, now: SimTime) {
        self.apply_now(seq, committed_at, now);
    }

    /// The projector crashes: it will rebuild from sequence 1. Returns what to do next.
    pub fn crash(&mut self, now: SimTime, rng: &mut SimRng) -> Next {
        self.rebuilds += 1;
        self.rebuild = Some(1);
        if self.busy || self.committed == 0 {
            if self.committed == 0 {
                self.rebuild = None;
            }
            return Next::Idle;
        }
        self.start(now, rng)
    }
}

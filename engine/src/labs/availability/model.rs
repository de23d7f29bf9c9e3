//! One side of the availability lab on the shared clock.
//!
//! Requests (a JMeter-like load: Poisson, ramping up) reach the API gateway,
//! which routes commands (`/api-commands/users`) to the registration
//! service's active instance and queries (`/api-queries/users`) to the
//! user-queries service, answering 502 when the backend refuses or has
//! crashed, 503 when no backend is routed (a failover under way) and 504
//! when the backend does not answer within the route's timeout.
//!
//! A monitor pings the registration primary (ping-echo, or φ-accrual over
//! the echoes; `patterns::detector`) over a network with latency, jitter and
//! loss. When it declares the primary down, the gateway stops routing
//! commands to it and a passive backup takes over (after a cold start, or
//! at once when warm), logging the writes it takes; when the primary is back
//! it resyncs those writes (or rejoins at once, missing them) and the
//! gateway fails back. Without fencing, a primary that was only hung keeps
//! committing the writes it had been sent after the failover: split brain.
//!
//! Draws are keyed by what they are about (the n-th request, the n-th
//! ping, the n-th crash), so both sides meet the same load and crashes.

use super::config::{AvailabilityConfig, Crashes, DetectorKind, Redundancy, Tactics};
use super::record::{AvailabilityRecord, Backend, Code};
use super::view::{band_of, EpisodeRules, Recorder, Sent};
use crate::patterns::detector::{Health, PhiAccrual, PingEcho};
use crate::patterns::projector::{Next, Projector, SyncMode};
use crate::rng::SimRng;
use crate::sim::{Ctx, Model};
use crate::stats::{Bucket, Histogram, Series};
use crate::time::{SimDuration, SimTime};

/// A stretch when an instance is down (or hung), in µs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Down {
    pub from: u64,
    pub to: u64,
    pub hang: bool,
}

/// The crash windows of a service over `horizon_us`.
pub fn crash_windows(crashes: &Crashes, world: &SimRng, name: &str, horizon_us: u64) -> Vec<Down> {
    match crashes {
        Crashes::Fixed { crashes } => crashes
            .iter()
            .map(|c| Down {
                from: c.at_ms * 1000,
                to: (c.at_ms + c.restart_ms) * 1000,
                hang: c.hang,
            })
            .collect(),
        Crashes::Random { mttf_ms, mttr_ms } => {
            let mut out = Vec::new();
            let mut t = 0.0;
            let mut i = 0u64;
            loop {
                let mut rng = world.derive_indexed(name, i);
                let up = rng.exponential(*mttf_ms as f64 * 1000.0);
                let down = rng.exponential(*mttr_ms as f64 * 1000.0).max(1.0);
                let from = t + up;
                if from >= horizon_us as f64 {
                    return out;
                }
                out.push(Down {
                    from: from as u64,
                    to: (from + down) as u64,
                    hang: false,
                });
                t = from + down;
                i += 1;
            }
        }
    }
}

/// A service instance's workers: at most `capacity` requests in service
/// at once, the others wait their turn (first come, first served). The
/// backend does not know when the gateway has given up on a request, so a
/// request that waited past the route's timeout is still served: a queue
/// that grows faster than it drains times out everything behind it.
#[derive(Clone, Debug, Default)]
pub struct Workers {
    /// When each busy worker is free again (µs), soonest first.
    free_at: std::collections::BinaryHeap<std::cmp::Reverse<u64>>,
    /// The crash windows begun when they were last used: a crash empties the queue.
    crashes_seen: usize,
    /// Service time given to workers so far (µs), the queued turns included.
    assigned_us: u64,
}

impl Workers {
    /// Request arriving at `now_us` needing `service_us` with `capacity`
    /// workers (0: no limit): how long it waits before a worker takes it.
    pub fn wait(&mut self, capacity: u32, crashes_seen: usize, now_us: u64, service_us: u64) -> u64 {
        if capacity == 0 {
            return 0;
        }
        if crashes_seen != self.crashes_seen {
            // The emptied queue's turns are never served.
            self.assigned_us -= self.ahead_us(now_us);
            self.free_at.clear();
            self.crashes_seen = crashes_seen;
        }
        // Workers done by now are free.
        while self.free_at.peek().is_some_and(|f| f.0 <= now_us) {
            self.free_at.pop();
        }
        let start = if self.free_at.len() < capacity as usize {
            now_us
        } else {
            self.free_at.pop().map_or(now_us, |f| f.0.max(now_us))
        };
        self.free_at.push(std::cmp::Reverse(start + service_us));
        self.assigned_us += service_us;
        start - now_us
    }

    /// Work given to the workers that is still ahead of `now_us` (µs). Each
    /// worker is busy without a break from now until it is free: a queued
    /// request starts the moment the worker before it is done.
    fn ahead_us(&self, now_us: u64) -> u64 {
        self.free_at.iter().map(|f| f.0.saturating_sub(now_us)).sum()
    }

    /// Worker time spent serving up to `now_us` (µs), all workers together.
    pub fn busy_us(&self, now_us: u64) -> u64 {
        self.assigned_us.saturating_sub(self.ahead_us(now_us))
    }

    /// Workers busy at `now_us` (serving, or holding a queued request's turn).
    pub fn busy(&self, now_us: u64) -> usize {
        self.free_at.iter().filter(|f| f.0 > now_us).count()
    }

    /// How long a request arriving at `now_us` would wait for a worker (µs).
    pub fn queue_wait(&self, capacity: u32, now_us: u64) -> u64 {
        if capacity == 0 || self.busy(now_us) < capacity as usize {
            return 0;
        }
        self.free_at
            .iter()
            .map(|f| f.0)
            .filter(|&f| f > now_us)
            .min()
            .map_or(0, |f| f - now_us)
    }
}

/// How many of `windows` have begun by `t`.
fn begun(windows: &[Down], t: SimTime) -> usize {
    let us = t.as_micros();
    windows.partition_point(|w| w.from <= us)
}

fn state_at(windows: &[Down], t: SimTime) -> Option<Down> {
    let us = t.as_micros();
    // Windows are in time order: the last one starting at or before t.
    let i = windows.partition_point(|w| w.from <= us);
    i.checked_sub(1).map(|i| windows[i]).filter(|w| us < w.to)
}

/// Who takes commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Active {
    Primary,
    /// Declared down; the backup is starting (no backend routed).
    FailingOver,
    Backup,
    /// The primary is back and copying the backup's writes; the backup still serves.
    Resyncing,
}

/// A request's answer, as the gateway gets it.
#[derive(Clone, Copy, Debug)]
pub struct Reply {
    pub id: u64,
    pub command: bool,
    pub code: Option<Code>,
    pub sent: SimTime,
    pub backend: Backend,
    /// A query answered from a copy missing a committed registration.
    pub stale: bool,
}

#[derive(Clone, Debug)]
pub enum AvailabilityEvent {
    NextRequest,
    /// A request's answer reaches the gateway (or its timeout does first).
    Answer(Reply),
    /// A late write lands on the primary after the client gave up (a hung primary).
    LateWrite {
        at_failover_epoch: u32,
    },
    Ping {
        n: u64,
    },
    Echo {
        n: u64,
    },
    PingDeadline {
        n: u64,
    },
    BackupReady {
        epoch: u32,
    },
    ResyncDone {
        epoch: u32,
    },
    /// Registration `seq` reaches the projector (or, inline, the copy).
    Deliver {
        seq: u64,
    },
    /// The projector has applied its batch (queue mode).
    ProjectorFinish,
    /// The projector is back after a pause (queue mode).
    ProjectorResume,
    /// The projector crashes and rebuilds its copy from registration 1.
    ProjectorCrash,
    /// The primary crashes, hangs or comes back (a crash window's edge).
    PrimaryEdge {
        up: bool,
    },
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Slice {
    pub commands: u32,
    pub commands_ok: u32,
    pub queries: u32,
    pub queries_ok: u32,
    /// Registrations the backup took (only it has them, until a resync
    /// copies them back or a rejoin at once loses them)…
    pub backup_in: u32,
    /// …and those it stopped holding alone: copied back, or lost.
    pub backup_out: u32,
    /// Registrations lost by a rejoin without a resync.
    pub lost: u32,
    /// A hung primary's late writes after the failover: kept (diverged)…
    pub diverged: u32,
    /// …or refused by the fence.
    pub fenced: u32,
}

impl Bucket for Slice {
    fn merge(&mut self, o: &Self) {
        self.commands += o.commands;
        self.commands_ok += o.commands_ok;
        self.queries += o.queries;
        self.queries_ok += o.queries_ok;
        self.backup_in += o.backup_in;
        self.backup_out += o.backup_out;
        self.lost += o.lost;
        self.diverged += o.diverged;
        self.fenced += o.fenced;
    }
}

#[derive(Clone, Debug)]
pub struct AvailabilityStats {
    pub commands: u64,
    pub commands_ok: u64,
    pub queries: u64,
    pub queries_ok: u64,
    pub e502: u64,
    pub e503: u64,
    pub e504: u64,
    pub failovers: u64,
    pub false_suspicions: u64,
    pub flaps: u64,
    pub writes_lost: u64,
    pub writes_diverged: u64,
    /// Late writes of a hung primary that the fence refused.
    pub writes_fenced: u64,
    /// Queries answered from a copy that lacked a registration already committed.
    pub stale_queries: u64,
    pub response: Histogram,
    pub detection: Histogram,
    pub failover: Histogram,
    /// Every resync started, each counted whole when it starts…
    pub resync_us: u64,
    /// …and when the latest one ends: until then its part still ahead is
    /// left out of the metric, which grows with the clock (it read its final
    /// 8.46 s the moment the resync began).
    pub resync_until: Option<SimTime>,
    /// Time (µs) with no command backend serving.
    pub downtime_us: u64,
    /// Those stretches, closed ones in order (the open one is `down_since`).
    pub down_spans: Vec<(SimTime, SimTime)>,
    pub series: Series<Slice>,
}

#[derive(Clone, Debug)]
pub struct AvailabilityModel {
    config: AvailabilityConfig,
    tactics: Tactics,
    world: SimRng,
    pub primary_down: Vec<Down>,
    pub queries_down: Vec<Down>,
    pub active: Active,
    /// Counts failovers, so a stale timer is recognised.
    epoch: u32,
    declared_at: Option<SimTime>,
    last_failback: Option<SimTime>,
    /// Writes the backup took since the failover (to resync).
    backup_writes: u64,
    ping: PingEcho,
    phi: PhiAccrual,
    /// Pings answered (by number), for their deadlines.
    answered: std::collections::BTreeSet<u64>,
    requests: u64,
    end: SimTime,
    projector: Projector,
    /// Registrations committed (the projector's sequence numbers).
    seq: u64,
    /// Committed registrations not yet in the copy, with their commit times
    /// (for the projector's lag), oldest first.
    pending: std::collections::VecDeque<(u64, SimTime)>,
    /// When a `ProjectorResume` is already scheduled (one per pause).
    resume_at: Option<SimTime>,
    scratch: Vec<u64>,
    /// Since when no backend serves commands.
    down_since: Option<SimTime>,
    /// The primary's, the backup's and the queries service's workers.
    pub(super) workers: [Workers; 3],
    pub stats: AvailabilityStats,
    /// Short rings of what happened last, for the page (`view.rs`).
    pub(super) recorder: Recorder,
}

impl AvailabilityModel {
    pub fn new(config: AvailabilityConfig, tactics: Tactics, seed: u64) -> Self {
        let world = SimRng::new(seed);
        let horizon = config.load.duration_ms * 1000;
        let primary_down = crash_windows(&config.registration.crashes, &world, "registration_crash", horizon);
        let queries_down = crash_windows(&config.queries.crashes, &world, "queries_crash", horizon);
        AvailabilityModel {
            ping: PingEcho::new(tactics.k),
            phi: PhiAccrual::new(
                tactics.phi_window as usize,
                tactics.phi_min_sd_ms as f64,
                tactics.phi_pause_ms as f64,
                tactics.interval_ms as f64,
            ),
            projector: Projector::new(config.projector.clone()),
            end: SimTime::from_ms(config.load.duration_ms),
            primary_down,
            queries_down,
            active: Active::Primary,
            epoch: 0,
            declared_at: None,
            last_failback: None,
            backup_writes: 0,
            answered: Default::default(),
            requests: 0,
            seq: 0,
            pending: Default::default(),
            resume_at: None,
            scratch: Vec::new(),
            down_since: None,
            workers: Default::default(),
            recorder: Recorder::new(EpisodeRules::new(
                tactics.interval_ms,
                config
                    .sides()
                    .iter()
                    .map(|t| t.interval_ms)
                    .max()
                    .unwrap_or(tactics.interval_ms),
            )),
            stats: AvailabilityStats {
                commands: 0,
                commands_ok: 0,
                queries: 0,
                queries_ok: 0,
                e502: 0,
                e503: 0,
                e504: 0,
                failovers: 0,
                false_suspicions: 0,
                flaps: 0,
                writes_lost: 0,
                writes_diverged: 0,
                writes_fenced: 0,
                stale_queries: 0,
                response: Histogram::default(),
                detection: Histogram::default(),
                failover: Histogram::default(),
                resync_us: 0,
                resync_until: None,
                downtime_us: 0,
                down_spans: Vec::new(),
                series: Series::new(SimDuration::from_ms(1_000)),
            },
            world,
            tactics,
            config,
        }
    }

    pub fn config(&self) -> &AvailabilityConfig {
        &self.config
    }
    pub fn tactics(&self) -> &Tactics {
        &self.tactics
    }

    /// The monitor's verdict on the primary now.
    pub fn monitor_health(&self) -> Health {
        self.ping.health()
    }

    /// The primary's state at `t`: None when it is up.
    pub fn primary_state(&self, t: SimTime) -> Option<Down> {
        state_at(&self.primary_down, t)
    }

    /// Whether the monitor holds the primary down now (declared, not yet
    /// seen answering again).
    pub fn declared_down(&self) -> bool {
        self.ping.health() == Health::Dead
    }

    /// Whether a command backend serves now.
    fn serving(&self) -> bool {
        match self.active {
            Active::FailingOver => false,
            Active::Backup | Active::Resyncing => true,
            // Without a failover, the primary serves when it is up (not hung).
            Active::Primary => true,
        }
    }

    /// Updates the downtime clock: no backend serving commands, or the
    /// routed primary crashed or hung.
    fn account(&mut self, now: SimTime) {
        let primary_ok = self.primary_state(now).is_none();
        let up = self.serving() && (self.active != Active::Primary || primary_ok);
        match (up, self.down_since) {
            (false, None) => self.down_since = Some(now),
            (true, Some(since)) => {
                self.stats.downtime_us += now.since(since).as_micros();
                self.stats.down_spans.push((since, now));
                self.down_since = None;
            }
            _ => {}
        }
    }

    fn keyed(&self, what: &str, n: u64) -> SimRng {
        self.world.derive_indexed(what, n)
    }

    fn service_ms(&self, command: bool, id: u64) -> f64 {
        let s = if command {
            &self.config.registration
        } else {
            &self.config.queries
        };
        let mut rng = self.keyed("service_time", id);
        s.latency_shape
            .draw(&mut rng, s.latency_ms as f64, s.latency_sd_ms as f64)
    }

    // ------------------------------------------------------------ requests

    fn next_request(&mut self, ctx: &mut Ctx<'_, AvailabilityEvent, AvailabilityRecord>) {
        let now = ctx.now();
        let l = &self.config.load;
        let n = self.requests;
        self.requests += 1;
        let mut rng = self.keyed("request", n);
        let u_ramp = rng.unit();
        let u_kind = rng.unit();
        let gap = rng.exponential(1000.0 / l.requests_per_s.max(1e-9));
        // Thinning: the rate ramps up linearly to full over the ramp-up.
        let ramp = if l.ramp_up_ms == 0 {
            1.0
        } else {
            (now.as_micros() as f64 / (l.ramp_up_ms as f64 * 1000.0)).min(1.0)
        };
        if u_ramp < ramp {
            self.request(n, u_kind < l.command_share, ctx);
        }
        let next = now + SimDuration::from_ms_f64(gap);
        if next < self.end {
            ctx.schedule_at(next, AvailabilityEvent::NextRequest);
        }
    }

    /// The gateway routes request `id`.
    fn request(&mut self, id: u64, command: bool, ctx: &mut Ctx<'_, AvailabilityEvent, AvailabilityRecord>) {
        let now = ctx.now();
        let timeout_ms = if command {
            self.config.command_timeout_ms
        } else {
            self.config.query_timeout_ms
        } as f64;
        let (backend, down) = if command {
            match self.active {
                Active::FailingOver => {
                    self.recorder.sent(Sent {
                        id,
                        command,
                        sent: now,
                        done: now,
                        code: Some(Code::NoBackend),
                        backend: Backend::None,
                    });
                    let reply = Reply {
                        id,
                        command: true,
                        code: Some(Code::NoBackend),
                        sent: now,
                        backend: Backend::None,
                        stale: false,
                    };
                    return self.answer(reply, ctx);
                }
                Active::Primary => (Backend::Primary, self.primary_state(now)),
                Active::Backup | Active::Resyncing => (Backend::Backup, None),
            }
        } else {
            (Backend::Queries, state_at(&self.queries_down, now))
        };
        let mut ms = self.service_ms(command, id);
        if command && self.projector.config().mode == SyncMode::Inline {
            // Inline sync: the command writes the copy itself before it
            // answers, holding its worker meanwhile (the text's `sleep`).
            ms += self.projector.config().delay_ms as f64;
        }
        // A query reads the queries service's copy as it is now.
        let stale = !command && self.projector.applied_up_to() < self.seq;
        if down.is_none() {
            // At most `capacity` at once: the rest wait their turn.
            let (capacity, slot, begun) = match backend {
                Backend::Primary => (self.config.registration.capacity, 0, begun(&self.primary_down, now)),
                Backend::Backup => (self.config.registration.capacity, 1, 0),
                _ => (self.config.queries.capacity, 2, begun(&self.queries_down, now)),
            };
            if capacity > 0 {
                let service = SimDuration::from_ms_f64(ms).as_micros();
                let wait = self.workers[slot].wait(capacity, begun, now.as_micros(), service);
                ms = (wait + service) as f64 / 1000.0;
            }
        }
        let (after, code) = match down {
            // Crashed: the connection is refused at once.
            Some(d) if !d.hang => (1.0, Some(Code::Refused)),
            Some(_) => {
                let hang = self.config.registration.hang_ms as f64 + ms;
                if command && backend == Backend::Primary {
                    // The hung primary still commits it, late.
                    ctx.schedule_in(
                        SimDuration::from_ms_f64(hang),
                        AvailabilityEvent::LateWrite {
                            at_failover_epoch: self.epoch,
                        },
                    );
                }
                (hang.min(timeout_ms), (hang > timeout_ms).then_some(Code::TimedOut))
            }
            None if ms > timeout_ms => (timeout_ms, Some(Code::TimedOut)),
            None => (ms, None),
        };
        if command && code.is_none() {
            self.write(backend, ctx);
        }
        self.recorder.sent(Sent {
            id,
            command,
            sent: now,
            done: now + SimDuration::from_ms_f64(after),
            code,
            backend,
        });
        ctx.schedule_in(
            SimDuration::from_ms_f64(after),
            AvailabilityEvent::Answer(Reply {
                id,
                command,
                code,
                sent: now,
                backend,
                stale,
            }),
        );
    }

    /// A registration is written by `backend`.
    fn write(&mut self, backend: Backend, ctx: &mut Ctx<'_, AvailabilityEvent, AvailabilityRecord>) {
        // The queries service's copy follows through the projector.
        let now = ctx.now();
        if backend == Backend::Backup {
            self.backup_writes += 1;
            self.stats.series.at(now).backup_in += 1;
        }
        self.seq += 1;
        self.pending.push_back((self.seq, now));
        let mut rng = self.keyed("projector", self.seq);
        let at = self.projector.commit(self.seq, now, &mut rng).unwrap_or_else(|| {
            // Inline: the command itself writes the copy before it answers.
            now + SimDuration::from_ms(self.projector.config().delay_ms)
        });
        ctx.schedule_at(at, AvailabilityEvent::Deliver { seq: self.seq });
    }

    // ------------------------------------------------------------ the projector

    /// Registration `seq` reaches the projector: applied at once (inline and
    /// delay modes) or queued (queue mode: batches, pauses, a rebuild).
    fn deliver(&mut self, seq: u64, ctx: &mut Ctx<'_, AvailabilityEvent, AvailabilityRecord>) {
        let now = ctx.now();
        if self.projector.config().mode != SyncMode::Queue {
            return self.applied(seq, now);
        }
        let mut rng = self.keyed("projector_arrive", seq);
        let next = self.projector.arrive(seq, now, &mut rng);
        self.follow(next, ctx);
    }

    /// The copy has registration `seq`: its lag is recorded.
    fn applied(&mut self, seq: u64, now: SimTime) {
        while let Some(&(s, at)) = self.pending.front() {
            if s > seq {
                break;
            }
            self.pending.pop_front();
            if s == seq {
                self.projector.applied_live(seq, at, now);
            }
        }
    }

    fn follow(&mut self, next: Next, ctx: &mut Ctx<'_, AvailabilityEvent, AvailabilityRecord>) {
        match next {
            Next::Idle => {}
            Next::FinishAt(t) => ctx.schedule_at(t, AvailabilityEvent::ProjectorFinish),
            Next::ResumeAt(t) => {
                if self.resume_at != Some(t) {
                    self.resume_at = Some(t);
                    ctx.schedule_at(t, AvailabilityEvent::ProjectorResume);
                }
            }
        }
    }

    fn projector_finish(&mut self, ctx: &mut Ctx<'_, AvailabilityEvent, AvailabilityRecord>) {
        let now = ctx.now();
        let mut seqs = std::mem::take(&mut self.scratch);
        let was_rebuilding = self.projector.is_rebuilding();
        let fresh = self.projector.finish(now, &mut seqs);
        if !fresh {
            for &seq in &seqs {
                self.applied(seq, now);
            }
        } else if was_rebuilding && !self.projector.is_rebuilding() {
            // The rebuilt copy has caught up and replaces the old one: it
            // holds every registration committed so far.
            let up_to = self.projector.applied_up_to();
            while self.pending.front().is_some_and(|&(s, _)| s <= up_to) {
                self.pending.pop_front();
            }
        }
        let n = seqs.len() as u64;
        self.scratch = seqs;
        let mut rng = self.keyed("projector_next", now.as_micros() * 2 + n);
        let next = self.projector.proceed(now, &mut rng);
        self.follow(next, ctx);
    }

    fn answer(&mut self, reply: Reply, ctx: &mut Ctx<'_, AvailabilityEvent, AvailabilityRecord>) {
        let Reply {
            id,
            command,
            code,
            sent,
            backend,
            stale,
        } = reply;
        let now = ctx.now();
        if stale && code.is_none() {
            self.stats.stale_queries += 1;
        }
        let s = self.stats.series.at(sent);
        if command {
            s.commands += 1;
            s.commands_ok += code.is_none() as u32;
        } else {
            s.queries += 1;
            s.queries_ok += code.is_none() as u32;
        }
        let st = &mut self.stats;
        if command {
            st.commands += 1;
            st.commands_ok += code.is_none() as u64;
        } else {
            st.queries += 1;
            st.queries_ok += code.is_none() as u64;
        }
        match code {
            Some(Code::Refused) => st.e502 += 1,
            Some(Code::NoBackend) => st.e503 += 1,
            Some(Code::TimedOut) => st.e504 += 1,
            None => {}
        }
        st.response.record(now.since(sent));
        if let Some(code) = code {
            ctx.record(AvailabilityRecord::Error {
                request: id,
                command,
                code,
                backend,
            });
        }
    }

    // ------------------------------------------------------------ the monitor

    fn ping(&mut self, n: u64, ctx: &mut Ctx<'_, AvailabilityEvent, AvailabilityRecord>) {
        let now = ctx.now();
        let interval = SimDuration::from_ms(self.tactics.interval_ms);
        if now + interval < self.end {
            ctx.schedule_in(interval, AvailabilityEvent::Ping { n: n + 1 });
        }
        ctx.schedule_in(
            SimDuration::from_ms(self.tactics.timeout_ms),
            AvailabilityEvent::PingDeadline { n },
        );
        self.recorder
            .ping(n, now, now + SimDuration::from_ms(self.tactics.timeout_ms));
        self.recorder.ping_counted(now, interval);
        if self.tactics.detector == DetectorKind::PhiAccrual {
            self.judge_phi(ctx);
        }
        let net = &self.config.network;
        let mut rng = self.keyed("ping", n);
        let lost = rng.chance(net.loss_rate) || rng.chance(net.loss_rate);
        let mut hop = || net.latency_ms as f64 + (rng.unit() * 2.0 - 1.0) * net.jitter_ms as f64;
        let rtt = (hop() + hop()).max(0.0);
        let state = self.primary_state(now);
        let echo_ms = match state {
            Some(d) if !d.hang => return,
            Some(_) => rtt + self.config.registration.hang_ms as f64,
            None => rtt,
        };
        if !lost {
            ctx.schedule_in(SimDuration::from_ms_f64(echo_ms), AvailabilityEvent::Echo { n });
        }
    }

    fn echo(&mut self, n: u64, ctx: &mut Ctx<'_, AvailabilityEvent, AvailabilityRecord>) {
        let now = ctx.now();
        self.answered.insert(n);
        self.phi.heard(now);
        self.recorder.echo(n, now);
        if self.tactics.detector == DetectorKind::PhiAccrual {
            self.recorder.level(now, self.phi.phi(now));
        }
        // An echo from a primary declared down: it is back.
        if self.tactics.detector == DetectorKind::PhiAccrual && self.ping.health() != Health::Alive {
            self.ping.deadline(true);
            self.primary_back(ctx);
        }
    }

    fn deadline(&mut self, n: u64, ctx: &mut Ctx<'_, AvailabilityEvent, AvailabilityRecord>) {
        let answered = self.answered.remove(&n);
        let interval = SimDuration::from_ms(self.tactics.interval_ms);
        let sent = SimTime::ZERO
            + SimDuration::from_micros(ctx.now().as_micros().saturating_sub(self.tactics.timeout_ms * 1000));
        self.recorder.ping_judged(sent, interval, answered);
        if self.tactics.detector != DetectorKind::PingEcho {
            return;
        }
        let verdict = self.ping.deadline(answered);
        self.recorder.level(ctx.now(), self.ping.misses() as f64);
        let Some(v) = verdict else {
            return;
        };
        match v.to {
            Health::Dead => self.declare_down(ctx),
            Health::Alive if v.from == Health::Dead => self.primary_back(ctx),
            Health::Suspect => ctx.record(AvailabilityRecord::Suspect),
            _ => {}
        }
    }

    fn judge_phi(&mut self, ctx: &mut Ctx<'_, AvailabilityEvent, AvailabilityRecord>) {
        let phi = self.phi.phi(ctx.now());
        self.recorder.level(ctx.now(), phi);
        if phi > self.tactics.phi_threshold && self.ping.health() != Health::Dead {
            // Record the verdict in the same place ping-echo keeps it.
            while self.ping.health() != Health::Dead {
                self.ping.deadline(false);
            }
            self.declare_down(ctx);
        }
    }

    /// The monitor declares the primary down: fail over.
    fn declare_down(&mut self, ctx: &mut Ctx<'_, AvailabilityEvent, AvailabilityRecord>) {
        let now = ctx.now();
        ctx.record(AvailabilityRecord::DeclaredDown);
        match self.primary_state(now) {
            None => self.stats.false_suspicions += 1,
            Some(d) => self
                .stats
                .detection
                .record(now.since(SimTime::ZERO + SimDuration::from_micros(d.from))),
        }
        if self.active != Active::Primary || self.tactics.redundancy == Redundancy::None {
            return;
        }
        self.account(now);
        self.epoch += 1;
        self.stats.failovers += 1;
        if let Some(back) = self.last_failback {
            if now.since(back) < SimDuration::from_ms(60_000) {
                self.stats.flaps += 1;
            }
        }
        self.declared_at = Some(now);
        self.stats.series.at(now).backup_out += self.backup_writes as u32;
        self.backup_writes = 0;
        self.active = Active::FailingOver;
        self.account(now);
        let spin = match self.tactics.redundancy {
            Redundancy::Warm => 0,
            _ => self.tactics.spin_up_ms,
        };
        ctx.schedule_in(
            SimDuration::from_ms(spin),
            AvailabilityEvent::BackupReady { epoch: self.epoch },
        );
    }

    fn backup_ready(&mut self, epoch: u32, ctx: &mut Ctx<'_, AvailabilityEvent, AvailabilityRecord>) {
        let now = ctx.now();
        if epoch != self.epoch || self.active != Active::FailingOver {
            return;
        }
        self.active = Active::Backup;
        self.account(now);
        if let Some(at) = self.declared_at {
            self.stats.failover.record(now.since(at));
        }
        ctx.record(AvailabilityRecord::BackupServing);
        // The primary may have come back while the backup started.
        if self.ping.health() == Health::Alive {
            self.primary_back(ctx);
        }
    }

    /// The monitor hears the primary again.
    fn primary_back(&mut self, ctx: &mut Ctx<'_, AvailabilityEvent, AvailabilityRecord>) {
        let now = ctx.now();
        ctx.record(AvailabilityRecord::PrimaryBack);
        if self.active != Active::Backup {
            return;
        }
        if self.tactics.resync {
            self.active = Active::Resyncing;
            let ms = self.backup_writes as f64 / self.tactics.resync_per_s * 1000.0;
            self.stats.resync_us += (ms * 1000.0) as u64;
            self.stats.resync_until = Some(now + SimDuration::from_micros((ms * 1000.0) as u64));
            ctx.schedule_in(
                SimDuration::from_ms_f64(ms),
                AvailabilityEvent::ResyncDone { epoch: self.epoch },
            );
        } else {
            // Rejoins at once: what the backup took is missing on it.
            self.stats.writes_lost += self.backup_writes;
            self.stats.series.at(now).lost += self.backup_writes as u32;
            self.failback(now, ctx);
        }
    }

    fn failback(&mut self, now: SimTime, ctx: &mut Ctx<'_, AvailabilityEvent, AvailabilityRecord>) {
        self.active = Active::Primary;
        self.stats.series.at(now).backup_out += self.backup_writes as u32;
        self.backup_writes = 0;
        self.last_failback = Some(now);
        self.account(now);
        ctx.record(AvailabilityRecord::FailedBack);
    }
}

impl Model for AvailabilityModel {
    type Event = AvailabilityEvent;
    type Record = AvailabilityRecord;

    fn start(&mut self, ctx: &mut Ctx<'_, AvailabilityEvent, AvailabilityRecord>) {
        if self.config.load.requests_per_s > 0.0 {
            ctx.schedule_at(SimTime::ZERO, AvailabilityEvent::NextRequest);
        }
        ctx.schedule_at(SimTime::ZERO, AvailabilityEvent::Ping { n: 0 });
        let crash = self.projector.config().crash_at_ms;
        if crash > 0 && SimTime::from_ms(crash) < self.end {
            ctx.schedule_at(SimTime::from_ms(crash), AvailabilityEvent::ProjectorCrash);
        }
        for w in &self.primary_down {
            ctx.schedule_at(
                SimTime::ZERO + SimDuration::from_micros(w.from),
                AvailabilityEvent::PrimaryEdge { up: false },
            );
            ctx.schedule_at(
                SimTime::ZERO + SimDuration::from_micros(w.to),
                AvailabilityEvent::PrimaryEdge { up: true },
            );
        }
    }

    fn handle(&mut self, event: AvailabilityEvent, ctx: &mut Ctx<'_, AvailabilityEvent, AvailabilityRecord>) {
        let now = ctx.now();
        self.account(now);
        match event {
            AvailabilityEvent::NextRequest => self.next_request(ctx),
            AvailabilityEvent::Answer(reply) => self.answer(reply, ctx),
            AvailabilityEvent::LateWrite { at_failover_epoch } => {
                // A hung primary commits a write it was sent: after a
                // failover, unless fenced, it diverges from the backup.
                if self.epoch > at_failover_epoch || self.active != Active::Primary {
                    let slice = self.stats.series.at(now);
                    if self.tactics.fencing {
                        slice.fenced += 1;
                        self.stats.writes_fenced += 1;
                        ctx.record(AvailabilityRecord::Fenced);
                    } else {
                        slice.diverged += 1;
                        self.stats.writes_diverged += 1;
                        ctx.record(AvailabilityRecord::Diverged);
                    }
                }
            }
            AvailabilityEvent::Ping { n } => self.ping(n, ctx),
            AvailabilityEvent::Echo { n } => self.echo(n, ctx),
            AvailabilityEvent::PingDeadline { n } => self.deadline(n, ctx),
            AvailabilityEvent::BackupReady { epoch } => self.backup_ready(epoch, ctx),
            AvailabilityEvent::ResyncDone { epoch } => {
                if epoch == self.epoch && self.active == Active::Resyncing {
                    self.failback(now, ctx);
                }
            }
            AvailabilityEvent::Deliver { seq } => self.deliver(seq, ctx),
            AvailabilityEvent::ProjectorFinish => self.projector_finish(ctx),
            AvailabilityEvent::ProjectorResume => {
                self.resume_at = None;
                let mut rng = self.keyed("projector_resume", now.as_micros());
                let next = self.projector.resume(now, &mut rng);
                self.follow(next, ctx);
            }
            AvailabilityEvent::ProjectorCrash => {
                let mut rng = self.keyed("projector_crash", now.as_micros());
                let next = self.projector.crash(now, &mut rng);
                self.follow(next, ctx);
            }
            AvailabilityEvent::PrimaryEdge { up } => {
                if !up {
                    self.recorder.crashed(now);
                }
                ctx.record(match self.primary_state(now) {
                    _ if up => AvailabilityRecord::Restarted,
                    Some(d) if d.hang => AvailabilityRecord::Hung,
                    _ => AvailabilityRecord::Crashed,
                })
            }
        }
        self.account(now);
        // Whether the primary is really down matters only to a crash being recorded.
        let down = self.recorder.open.is_some() && self.primary_state(now).is_some();
        self.recorder.band(now, band_of(self.active, self.ping.health()), down);
    }

    fn approx_bytes(&self) -> usize {
        (self.primary_down.len() + self.queries_down.len()) * std::mem::size_of::<Down>()
            + self.workers.iter().map(|w| w.free_at.len() * 8).sum::<usize>()
            + self.recorder.approx_bytes()
            + self.pending.len() * std::mem::size_of::<(u64, SimTime)>()
            + self.stats.down_spans.len() * std::mem::size_of::<(SimTime, SimTime)>()
            + self.projector.backlog() as usize * 8
    }
}

impl AvailabilityModel {
    /// The projector feeding the queries service's copy.
    pub fn projector(&self) -> &Projector {
        &self.projector
    }

    /// Registrations committed so far.
    pub fn committed(&self) -> u64 {
        self.seq
    }

    /// When the oldest registration not yet in the queries' copy was committed.
    pub fn oldest_pending(&self) -> Option<SimTime> {
        self.pending.front().map(|&(_, at)| at)
    }

    /// Downtime at each of `times` (ascending, none past now), the stretch
    /// still open included (µs): one sweep over the down stretches.
    pub fn downtime_at(&self, times: &[SimTime]) -> Vec<u64> {
        let spans = self
            .stats
            .down_spans
            .iter()
            .copied()
            .chain(self.down_since.map(|s| (s, SimTime(u64::MAX))));
        let mut spans = spans.peekable();
        let (mut closed, mut out) = (0u64, Vec::with_capacity(times.len()));
        for &t in times {
            // Stretches wholly before t are summed once.
            while let Some(&(from, to)) = spans.peek() {
                if to > t {
                    break;
                }
                closed += to.since(from).as_micros();
                spans.next();
            }
            let partial = spans
                .peek()
                .map_or(0, |&(from, _)| if from < t { t.since(from).as_micros() } else { 0 });
            out.push(closed + partial);
        }
        out
    }

    /// When the stretch without a registration backend now under way began.
    pub fn down_since(&self) -> Option<SimTime> {
        self.down_since
    }

    /// Downtime so far, the stretch still open included (µs).
    pub fn downtime_us(&self, now: SimTime) -> u64 {
        self.stats.downtime_us + self.down_since.map_or(0, |s| now.since(s).as_micros())
    }
}

//! One side of the replica-failover lab on the shared clock.
//!
//! A client moves a file in chunks with W workers. **Upload**: for each
//! chunk a worker asks the metadata server where it goes (the server picks
//! `replication` nodes by its placement rule, skipping nodes it suspects
//! or was told about), sends it to a node, and — with the primary ack —
//! counts it stored when that node has it; the node copies it to the other
//! replicas in the background (the risk window: the chunk is
//! under-replicated until they have it). **Download**: the client fetched
//! the chunk map at the start and reads each chunk from a replica,
//! verifying its checksum. A failed attempt (node down, an error, the
//! attempt's timeout) is reported to the metadata server, waited out with
//! the retry policy's backoff, and tried again on the same node or the next
//! replica; after `max_attempts` the chunk fails.
//!
//! The **metadata server** hears every node's heartbeat (a failure
//! detector: suspect, then dead), re-replicates the chunks of a dead node
//! (most-missing first, a few clones at a time at a clone rate) and
//! replaces replicas found corrupt. It can itself be down: lookups and
//! reports wait for it.
//!
//! Every draw is keyed by what it is about (chunk, attempt, node), so both
//! sides of an A | B meet the same failures.

use super::config::{Ack, ClientSide, Placement, ReplicaConfig, Route, Transfer};
use super::record::{Failure, ReplicaRecord};
use crate::patterns::backoff::Backoff;
use crate::patterns::breaker::StreakBreaker;
use crate::patterns::bus::Window;
use crate::patterns::detector::{Detector, Health};
use crate::rng::SimRng;
use crate::sim::{Ctx, Model};
use crate::stats::{Bucket, Histogram, Series};
use crate::time::{SimDuration, SimTime};
use std::collections::{BTreeSet, VecDeque};

/// A replica of a chunk on a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Copy {
    Healthy,
    /// Its bytes are wrong; only a checksum tells.
    Corrupt,
}

/// Where a chunk stands for the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChunkStatus {
    Waiting,
    Working,
    Ok,
    Failed,
    /// Never tried: the transfer was aborted first.
    Skipped,
}

#[derive(Clone, Debug)]
pub struct Chunk {
    /// The nodes the metadata server placed it on, in order (primary first).
    pub placement: Vec<u32>,
    /// The replicas that exist, by node.
    pub replicas: Vec<(u32, Copy)>,
    pub status: ChunkStatus,
    pub attempts: u32,
    /// Since the first attempt started.
    pub started: Option<SimTime>,
    /// Clones on their way to nodes.
    pub cloning: Vec<u32>,
    pub lost: bool,
    /// Every node that ever held a replica.
    pub held: Vec<u32>,
    /// The node an attempt of it is on its way to (or being read from) now.
    pub sending: Option<u32>,
    /// Nodes whose corrupt replica of it a client reported and the metadata
    /// server dropped (the row keeps showing where the bad copies were).
    pub dropped: Vec<u32>,
}

impl Chunk {
    pub fn healthy(&self) -> usize {
        self.replicas.iter().filter(|r| r.1 == Copy::Healthy).count()
    }
    fn add(&mut self, node: u32, copy: Copy) {
        self.replicas.push((node, copy));
        if !self.held.contains(&node) {
            self.held.push(node);
        }
    }
    fn has(&self, node: u32) -> bool {
        self.replicas.iter().any(|r| r.0 == node) || self.cloning.contains(&node)
    }
}

/// Where a worker's time went.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WorkerTime {
    pub transfer_us: u64,
    pub backoff_us: u64,
    pub metadata_us: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Idle,
    Metadata,
    Transfer,
    Backoff,
}

#[derive(Clone, Debug)]
pub struct Worker {
    pub chunk: Option<u32>,
    pub phase: Phase,
    pub since: SimTime,
    pub time: WorkerTime,
}

#[derive(Clone, Debug)]
pub enum ReplicaEvent {
    FileStart {
        file: u32,
    },
    /// A lookup reaches the metadata server (or the chunk map, for a download).
    Lookup {
        worker: u32,
        chunk: u32,
    },
    LookupDone {
        worker: u32,
        chunk: u32,
    },
    /// An attempt of a chunk ends.
    AttemptDone {
        worker: u32,
        chunk: u32,
        attempt: u32,
        node: u32,
        failure: Option<Failure>,
    },
    Retry {
        worker: u32,
        chunk: u32,
    },
    /// A node finished copying a chunk to another replica.
    CopyDone {
        chunk: u32,
        node: u32,
    },
    Heartbeat {
        node: u32,
    },
    Check {
        node: u32,
    },
    /// A client's failure report (or corrupt-replica report) reaches the metadata server.
    Report {
        node: u32,
        chunk: Option<u32>,
    },
    CloneDone {
        chunk: u32,
        node: u32,
    },
    /// The metadata server is back: the repairs queued while it was down go on.
    ResumeRepairs,
}

/// One slice of time, for the charts.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Slice {
    pub chunks_ok: u32,
    /// Of those, chunks read without a checksum whose bytes were corrupt:
    /// done as far as the client knows.
    pub corrupt_ok: u32,
    /// MB of the chunks completed in the slice.
    pub mb: f64,
    /// MB that crossed the wire in the slice: every transfer's bytes spread
    /// over the time they flowed, whether the attempt then succeeded or not.
    pub mb_moved: f64,
    /// The most chunks under-replicated at once in the slice (fewer healthy
    /// replicas than asked, of those the metadata server keeps).
    pub under_replicated: u32,
    /// The most chunks at risk at once (fewer good replicas on nodes that are
    /// up than asked: the truth, known or not) and the most the metadata
    /// server knows short of replicas; `noted` says the slice saw a change,
    /// and `*_end` are the levels at its last change (a slice with no change
    /// carries the level before it on).
    pub at_risk: u32,
    pub known: u32,
    pub at_risk_end: u32,
    pub known_end: u32,
    pub noted: bool,
}

impl Bucket for Slice {
    fn merge(&mut self, o: &Self) {
        self.chunks_ok += o.chunks_ok;
        self.corrupt_ok += o.corrupt_ok;
        self.mb += o.mb;
        self.mb_moved += o.mb_moved;
        self.under_replicated = self.under_replicated.max(o.under_replicated);
        self.at_risk = self.at_risk.max(o.at_risk);
        self.known = self.known.max(o.known);
        if o.noted {
            self.at_risk_end = o.at_risk_end;
            self.known_end = o.known_end;
            self.noted = true;
        }
    }
}

#[derive(Clone, Debug)]
pub struct ReplicaStats {
    pub attempts: u64,
    pub first_try_ok: u64,
    pub reports_sent: u64,
    pub corrupt_reads_caught: u64,
    pub corrupt_delivered: u64,
    pub retry_us: u64,
    pub node_failures: Vec<u64>,
    pub under_replicated_peak: u64,
    pub clones: u64,
    pub detection: Histogram,
    pub repair: Histogram,
    pub first_start: Option<SimTime>,
    pub last_done: Option<SimTime>,
    pub aborted: bool,
    pub series: Series<Slice>,
}

#[derive(Clone, Debug)]
pub struct ReplicaModel {
    config: ReplicaConfig,
    side: ClientSide,
    backoff: Backoff,
    world: SimRng,
    pub chunks: Vec<Chunk>,
    pub workers: Vec<Worker>,
    queue: VecDeque<u32>,
    pub detector: Detector,
    /// Nodes a client reported since they were last heard from.
    reported: Vec<bool>,
    /// Chunks waiting for a clone, and clones under way.
    repair_queue: BTreeSet<(usize, u32)>,
    clones_running: u32,
    /// The repairs wait for the metadata server's return (a
    /// [`ReplicaEvent::ResumeRepairs`] is on its way).
    repairs_wait: bool,
    /// Since when some chunk has been under-replicated after a node died.
    repair_since: Option<SimTime>,
    /// Per node: the client's breaker (failures in a row open it for a while).
    breaker: Vec<StreakBreaker>,
    pub stats: ReplicaStats,
    /// Copies and clones under way.
    copies_running: u32,
    /// Which chunks are under-replicated, and how many.
    under: Vec<bool>,
    under_count: u64,
    /// When the run stopped simulating a node's heartbeats (it is winding
    /// down): from then on its silence means nothing.
    stopped: Vec<Option<SimTime>>,
    /// The last time anything changed (a chunk, a replica, a verdict).
    last_change: SimTime,
    /// The risk count's view of the world: each node up or down as of the
    /// last outage boundary applied, and the next boundary to apply.
    risk_up: Vec<bool>,
    risk_next: Option<SimTime>,
    /// Which chunks are at risk (the truth) and known short (the metadata
    /// server's map), and how many of each: kept as replicas change and
    /// nodes go down or come back, never recounted per frame.
    at_risk: Vec<bool>,
    at_risk_count: u64,
    known: Vec<bool>,
    known_count: u64,
    /// Per node, the metadata server's changes of mind (when, to what), the
    /// newest [`HEALTH_LOG`] kept: the node strip's timeline.
    pub health_log: Vec<VecDeque<(SimTime, Health)>>,
    /// Kept as the run goes, so the page never counts chunks per frame:
    /// chunks by status (waiting, working, ok, failed, skipped), chunks tried,
    /// chunks no good replica on a node that is up can serve, and good
    /// replicas per node (with each chunk's share, to take it back).
    by_status: [u64; 5],
    tried: u64,
    lost: Vec<bool>,
    lost_count: u64,
    node_replicas: Vec<u64>,
    counted_on: Vec<Vec<u32>>,
}

/// Changes of mind kept per node for the node strip's timeline.
pub const HEALTH_LOG: usize = 64;

/// Whether the chunk was stored (or lost: stored once).
fn stored(ch: &Chunk) -> bool {
    !ch.replicas.is_empty() || ch.lost
}

/// Its good replicas on nodes up as in `up`.
fn healthy_up(ch: &Chunk, up: &[bool]) -> usize {
    ch.replicas
        .iter()
        .filter(|r| r.1 == Copy::Healthy && up[r.0 as usize])
        .count()
}

fn status_index(s: ChunkStatus) -> usize {
    match s {
        ChunkStatus::Waiting => 0,
        ChunkStatus::Working => 1,
        ChunkStatus::Ok => 2,
        ChunkStatus::Failed => 3,
        ChunkStatus::Skipped => 4,
    }
}

/// Sets a chunk's flag and keeps its count.
fn flip(flag: &mut bool, count: &mut u64, to: bool) {
    if *flag != to {
        *flag = to;
        if to {
            *count += 1;
        } else {
            *count -= 1;
        }
    }
}

#[cfg(test)]
pub(crate) fn up_in(windows: &[(u64, u64)], t: SimTime) -> bool {
    let ms = t.as_micros() / 1000;
    !windows.iter().any(|&(a, b)| ms >= a && ms < b)
}

impl ReplicaModel {
    pub fn new(config: ReplicaConfig, side: ClientSide, seed: u64) -> Self {
        let n = config.nodes.count as usize;
        let chunks = config.chunks() as usize;
        ReplicaModel {
            backoff: side.retry.backoff(),
            world: SimRng::new(seed),
            chunks: vec![
                Chunk {
                    placement: vec![],
                    replicas: vec![],
                    status: ChunkStatus::Waiting,
                    attempts: 0,
                    started: None,
                    cloning: vec![],
                    lost: false,
                    held: vec![],
                    sending: None,
                    dropped: vec![],
                };
                chunks
            ],
            workers: vec![
                Worker {
                    chunk: None,
                    phase: Phase::Idle,
                    since: SimTime::ZERO,
                    time: WorkerTime::default(),
                };
                side.workers as usize
            ],
            queue: VecDeque::new(),
            detector: Detector::new(config.metadata.heartbeat.clone(), n),
            reported: vec![false; n],
            repair_queue: BTreeSet::new(),
            clones_running: 0,
            repairs_wait: false,
            repair_since: None,
            breaker: vec![StreakBreaker::new(side.breaker_failures, SimDuration::from_ms(side.breaker_open_ms)); n],
            stats: ReplicaStats {
                attempts: 0,
                first_try_ok: 0,
                reports_sent: 0,
                corrupt_reads_caught: 0,
                corrupt_delivered: 0,
                retry_us: 0,
                node_failures: vec![0; n],
                under_replicated_peak: 0,
                clones: 0,
                detection: Histogram::default(),
                repair: Histogram::default(),
                first_start: None,
                last_done: None,
                aborted: false,
                series: Series::new(SimDuration::from_ms(250)),
            },
            copies_running: 0,
            under: vec![false; chunks],
            under_count: 0,
            stopped: vec![None; n],
            last_change: SimTime::ZERO,
            risk_up: vec![true; n],
            risk_next: Some(SimTime::ZERO),
            at_risk: vec![false; chunks],
            at_risk_count: 0,
            known: vec![false; chunks],
            known_count: 0,
            health_log: vec![VecDeque::new(); n],
            by_status: [chunks as u64, 0, 0, 0, 0],
            tried: 0,
            lost: vec![false; chunks],
            lost_count: 0,
            node_replicas: vec![0; n],
            counted_on: vec![Vec::new(); chunks],
            side,
            config,
        }
    }

    pub fn config(&self) -> &ReplicaConfig {
        &self.config
    }
    pub fn side(&self) -> &ClientSide {
        &self.side
    }

    /// The windows when node `n` (0-based) is down, its rack's included.
    pub fn node_windows(&self, n: u32) -> Vec<(u64, u64)> {
        let rack = self.config.rack_of(n) + 1;
        self.config
            .nodes
            .outages
            .iter()
            .filter(|o| o.node == n + 1)
            .map(|o| (o.from_ms, o.to_ms))
            .chain(
                self.config
                    .nodes
                    .rack_outages
                    .iter()
                    .filter(|o| o.rack == rack)
                    .map(|o| (o.from_ms, o.to_ms)),
            )
            .collect()
    }

    /// A client reported `n` failing since the metadata server last heard
    /// from it: it routes new work around the node, though its verdict (from
    /// heartbeats alone) may still be alive.
    pub fn reported(&self, n: u32) -> bool {
        self.reported.get(n as usize).copied().unwrap_or(false)
    }

    /// This side's client has its breaker open on `n` at `now`: it sends the
    /// node nothing until it closes.
    pub fn breaker_open(&self, n: u32, now: SimTime) -> bool {
        self.breaker.get(n as usize).is_some_and(|b| b.is_open(now))
    }

    pub fn node_up(&self, n: u32, t: SimTime) -> bool {
        // As `up_in(&self.node_windows(n), t)`, without building the list.
        let ms = t.as_micros() / 1000;
        let rack = self.config.rack_of(n) + 1;
        let nodes = &self.config.nodes;
        !nodes
            .outages
            .iter()
            .any(|o| o.node == n + 1 && ms >= o.from_ms && ms < o.to_ms)
            && !nodes
                .rack_outages
                .iter()
                .any(|o| o.rack == rack && ms >= o.from_ms && ms < o.to_ms)
    }

    /// The next instant after `t` when a node or the metadata server goes down or comes back.
    fn next_outage_after(&self, t: SimTime) -> Option<SimTime> {
        let ms = t.as_micros() / 1000;
        let n = &self.config.nodes;
        n.outages
            .iter()
            .flat_map(|o| [o.from_ms, o.to_ms])
            .chain(n.rack_outages.iter().flat_map(|o| [o.from_ms, o.to_ms]))
            .chain(self.config.metadata.outages.iter().flat_map(|o| [o.from_ms, o.to_ms]))
            .filter(|&x| x > ms)
            .min()
            .map(SimTime::from_ms)
    }

    fn metadata_up_at(&self, t: SimTime) -> SimTime {
        Window::after_all(&self.config.metadata.outages, t)
    }

    /// Chunks with fewer healthy replicas than the replication asks (of those stored).
    pub fn under_replicated(&self) -> u64 {
        self.under_count
    }

    /// Chunks at risk: stored, with fewer good replicas on nodes that are up
    /// than the replication asks — whether the metadata server knows yet or
    /// not (as of the last event; `view::risk` answers for any instant).
    pub fn at_risk(&self) -> u64 {
        self.at_risk_count
    }

    /// Chunks the metadata server knows short of replicas: stored, with
    /// fewer replicas in its map than the replication asks (a dead node's
    /// are dropped when it is declared dead, a corrupt one when reported).
    pub fn known_short(&self) -> u64 {
        self.known_count
    }

    /// The next outage boundary the risk count has not applied yet, if any.
    pub fn risk_pending(&self) -> Option<SimTime> {
        self.risk_next
    }

    /// Whether chunk `ch` is at risk with nodes up as in `up`.
    pub fn risky(&self, ch: &Chunk, up: &[bool]) -> bool {
        let want = self.config.metadata.replication as usize;
        stored(ch) && healthy_up(ch, up) < want
    }

    /// Chunks by status: waiting, working, ok, failed, skipped.
    pub fn status_counts(&self) -> [u64; 5] {
        self.by_status
    }

    /// Chunks tried at least once.
    pub fn tried(&self) -> u64 {
        self.tried
    }

    /// Good replicas per node (0-based).
    pub fn node_replicas(&self) -> &[u64] {
        &self.node_replicas
    }

    /// Copies and clones on their way.
    pub fn copies_under_way(&self) -> u64 {
        u64::from(self.copies_running) + u64::from(self.clones_running)
    }

    fn set_status(&mut self, c: u32, st: ChunkStatus) {
        let ch = &mut self.chunks[c as usize];
        self.by_status[status_index(ch.status)] -= 1;
        self.by_status[status_index(st)] += 1;
        ch.status = st;
    }

    /// Notes whether chunk `c` is under-replicated now (after its replicas changed).
    fn refresh(&mut self, c: u32) {
        let want = self.config.metadata.replication as usize;
        let ch = &self.chunks[c as usize];
        let stored = !ch.replicas.is_empty() || ch.lost;
        let under = stored && ch.healthy() < want;
        let known = stored && ch.replicas.len() < want;
        let good = healthy_up(ch, &self.risk_up);
        let (risky, lost) = (stored && good < want, stored && good == 0);
        flip(&mut self.under[c as usize], &mut self.under_count, under);
        flip(&mut self.known[c as usize], &mut self.known_count, known);
        flip(&mut self.at_risk[c as usize], &mut self.at_risk_count, risky);
        flip(&mut self.lost[c as usize], &mut self.lost_count, lost);
        // Its good replicas per node: take back what it counted, count it again.
        let counted = &mut self.counted_on[c as usize];
        for &n in counted.iter() {
            self.node_replicas[n as usize] -= 1;
        }
        counted.clear();
        for r in self.chunks[c as usize].replicas.iter().filter(|r| r.1 == Copy::Healthy) {
            counted.push(r.0);
            self.node_replicas[r.0 as usize] += 1;
        }
    }

    /// Applies every node outage boundary up to `now` to the risk count (each
    /// one a pass over the chunks, but there are at most a few hundred), its
    /// level written into the series at the boundary itself.
    fn sync_risk(&mut self, now: SimTime) {
        while let Some(at) = self.risk_next.filter(|&b| b <= now) {
            let up: Vec<bool> = (0..self.config.nodes.count).map(|n| self.node_up(n, at)).collect();
            if up != self.risk_up {
                self.risk_up = up;
                let want = self.config.metadata.replication as usize;
                for (c, ch) in self.chunks.iter().enumerate() {
                    let good = healthy_up(ch, &self.risk_up);
                    let (risky, lost) = (stored(ch) && good < want, stored(ch) && good == 0);
                    flip(&mut self.at_risk[c], &mut self.at_risk_count, risky);
                    flip(&mut self.lost[c], &mut self.lost_count, lost);
                }
                self.note_risk(at);
            }
            self.risk_next = self.next_outage_after(at);
        }
    }

    fn log_health(&mut self, node: u32, now: SimTime, to: Health) {
        let log = &mut self.health_log[node as usize];
        if log.len() >= HEALTH_LOG {
            log.pop_front();
        }
        log.push_back((now, to));
    }

    /// Writes the risk levels into the series slice of `now`.
    fn note_risk(&mut self, now: SimTime) {
        let (risk, known) = (self.at_risk_count as u32, self.known_count as u32);
        let s = self.stats.series.at(now);
        if !s.noted || s.at_risk_end != risk || s.known_end != known {
            s.at_risk = s.at_risk.max(risk);
            s.known = s.known.max(known);
            s.at_risk_end = risk;
            s.known_end = known;
            s.noted = true;
        }
    }

    /// Spreads `mb` evenly over `from`..`to` in the series (bytes on the wire).
    fn moved(&mut self, from: SimTime, to: SimTime, mb: f64) {
        if mb <= 0.0 {
            return;
        }
        let (a, b) = (from.as_micros(), to.as_micros());
        if b <= a {
            self.stats.series.at(from).mb_moved += mb;
            return;
        }
        let per_us = mb / (b - a) as f64;
        let mut t = a;
        while t < b {
            let width = self.stats.series.width().as_micros();
            let end = ((t / width + 1) * width).min(b);
            self.stats.series.at(SimTime(t)).mb_moved += per_us * (end - t) as f64;
            t = end;
        }
    }

    fn note_replication(&mut self, now: SimTime) {
        self.last_change = self.last_change.max(now);
        let under = self.under_replicated();
        self.stats.under_replicated_peak = self.stats.under_replicated_peak.max(under);
        let s = self.stats.series.at(now);
        s.under_replicated = s.under_replicated.max(under as u32);
        if under == 0 {
            if let Some(since) = self.repair_since.take() {
                self.stats.repair.record(now.since(since));
            }
        } else {
            // Short since now, unless a node's death already dated it (from
            // its going down): a failed write or a corrupt copy starts a
            // repair too (variants read "—" after peaks of 7 and 14).
            self.repair_since.get_or_insert(now);
        }
    }

    fn keyed(&self, what: &str, a: u64, b: u64) -> SimRng {
        self.world.derive_indexed(what, (a << 24) ^ b)
    }

    /// Whether the metadata server would send new work to node `n`.
    fn usable(&self, n: u32) -> bool {
        self.detector.health(n as usize) == Health::Alive && !self.reported[n as usize]
    }

    /// The metadata server's placement of chunk `c`.
    fn place(&self, c: u32) -> Vec<u32> {
        let count = self.config.nodes.count;
        let want = self.config.metadata.replication as usize;
        let start = c % count;
        let order: Vec<u32> = (0..count).map(|i| (start + i) % count).collect();
        let mut pick: Vec<u32> = Vec::new();
        let candidates: Vec<u32> = order.iter().copied().filter(|&n| self.usable(n)).collect();
        // With too few usable nodes, the suspected ones still serve.
        let pool = if candidates.len() >= want { candidates } else { order };
        match self.config.metadata.placement {
            Placement::Spread => pick.extend(pool.iter().take(want)),
            Placement::RackAware => {
                // One replica in the first node's rack, the others together in another rack.
                let first = pool[0];
                pick.push(first);
                let rack = self.config.rack_of(first);
                let other = pool.iter().map(|&n| self.config.rack_of(n)).find(|&r| r != rack);
                for &n in &pool {
                    if pick.len() >= want {
                        break;
                    }
                    if Some(self.config.rack_of(n)) == other && !pick.contains(&n) {
                        pick.push(n);
                    }
                }
                for &n in &pool {
                    if pick.len() >= want {
                        break;
                    }
                    if !pick.contains(&n) {
                        pick.push(n);
                    }
                }
            }
        }
        pick
    }

    fn transfer_ms(&self, chunk: u32, attempt: u32, node: u32) -> f64 {
        let n = &self.config.nodes;
        let mut rng = self.keyed("latency", chunk as u64 * 64 + attempt as u64, node as u64);
        let start = n
            .latency_shape
            .draw(&mut rng, n.latency_ms as f64, n.latency_sd_ms as f64);
        let slow = if n.slow.contains(&(node + 1)) {
            n.slow_ms as f64
        } else {
            0.0
        };
        start + self.config.workload.chunk_mb / n.mb_per_s * 1000.0 + slow
    }

    fn set_phase(&mut self, w: u32, phase: Phase, now: SimTime) {
        let worker = &mut self.workers[w as usize];
        let spent = now.since(worker.since).as_micros();
        match worker.phase {
            Phase::Transfer => worker.time.transfer_us += spent,
            Phase::Backoff => worker.time.backoff_us += spent,
            Phase::Metadata => worker.time.metadata_us += spent,
            Phase::Idle => {}
        }
        worker.phase = phase;
        worker.since = now;
    }

    // ------------------------------------------------------------ the client

    fn next_chunk(&mut self, w: u32, ctx: &mut Ctx<'_, ReplicaEvent, ReplicaRecord>) {
        let now = ctx.now();
        let Some(c) = self.queue.pop_front() else {
            self.workers[w as usize].chunk = None;
            self.set_phase(w, Phase::Idle, now);
            return;
        };
        self.workers[w as usize].chunk = Some(c);
        self.set_status(c, ChunkStatus::Working);
        self.chunks[c as usize].started = Some(now);
        self.stats.first_start.get_or_insert(now);
        match self.config.workload.transfer {
            Transfer::Upload => {
                self.set_phase(w, Phase::Metadata, now);
                ctx.schedule_in(SimDuration::ZERO, ReplicaEvent::Lookup { worker: w, chunk: c });
            }
            // The chunk map came with the download's start.
            Transfer::Download => {
                self.set_phase(w, Phase::Transfer, now);
                self.attempt(w, c, ctx);
            }
        }
    }

    fn wake_workers(&mut self, ctx: &mut Ctx<'_, ReplicaEvent, ReplicaRecord>) {
        for w in 0..self.workers.len() as u32 {
            if self.workers[w as usize].chunk.is_none() && !self.queue.is_empty() && !self.stats.aborted {
                self.next_chunk(w, ctx);
            }
        }
    }

    /// The node attempt `attempt` of chunk `c` goes to, skipping nodes whose breaker is open.
    fn target(&self, c: u32, attempt: u32, now: SimTime) -> u32 {
        let chunk = &self.chunks[c as usize];
        let list: Vec<u32> = match self.config.workload.transfer {
            Transfer::Upload => chunk.placement.clone(),
            Transfer::Download => chunk.placement.clone(),
        };
        let k = match self.side.route {
            Route::SameNode => 0,
            Route::NextReplica => (attempt as usize - 1) % list.len(),
        };
        for i in 0..list.len() {
            let n = list[(k + i) % list.len()];
            if !self.breaker[n as usize].is_open(now) {
                return n;
            }
        }
        list[k]
    }

    fn attempt(&mut self, w: u32, c: u32, ctx: &mut Ctx<'_, ReplicaEvent, ReplicaRecord>) {
        let now = ctx.now();
        let chunk = &mut self.chunks[c as usize];
        chunk.attempts += 1;
        let attempt = chunk.attempts;
        if attempt == 1 {
            self.tried += 1;
        }
        self.stats.attempts += 1;
        let node = self.target(c, attempt, now);
        let timeout = self.side.attempt_timeout_ms as f64;
        let nodes: Vec<u32> = match (self.config.workload.transfer, self.side.ack) {
            (Transfer::Upload, Ack::AllReplicas) => {
                let p = &self.chunks[c as usize].placement;
                let i = p.iter().position(|&n| n == node).unwrap_or(0);
                p[i..].iter().chain(&p[..i]).copied().collect()
            }
            _ => vec![node],
        };
        // A pipeline passes the chunk node to node: its time is the sum, and any failure fails it.
        let mut ms = 0.0;
        let mut failure = None;
        // When the chunk's bytes flow on each hop (ms after now): the end of its transfer.
        let data_ms = self.config.workload.chunk_mb / self.config.nodes.mb_per_s * 1000.0;
        let mut flows: Vec<(f64, f64)> = Vec::new();
        for (hop, &n) in nodes.iter().enumerate() {
            let mut rng = self.keyed("attempt", c as u64 * 64 + attempt as u64, n as u64 + 1000 * hop as u64);
            let fails = rng.chance(self.config.nodes.failure_rate);
            if !self.node_up(n, now + SimDuration::from_ms_f64(ms)) {
                ms += self.config.nodes.latency_ms as f64;
                failure = Some((n, Failure::Unavailable));
                break;
            }
            let t = self.transfer_ms(c, attempt, n);
            // The node going down during the transfer fails it then.
            let at = now.as_micros() as f64 / 1000.0 + ms;
            let down = self
                .node_windows(n)
                .iter()
                .map(|w| w.0 as f64)
                .filter(|&from| from > at && from < at + t)
                .fold(f64::INFINITY, f64::min);
            let flow_from = ms + t - data_ms;
            if down.is_finite() && down - at + ms <= timeout {
                flows.push((flow_from, ms + down - at));
                ms += down - at;
                failure = Some((n, Failure::Unavailable));
                break;
            }
            if ms + t > timeout {
                flows.push((flow_from, timeout));
                ms = timeout;
                failure = Some((n, Failure::TimedOut));
                break;
            }
            flows.push((flow_from, ms + t));
            ms += t;
            if fails {
                failure = Some((n, Failure::Error));
                break;
            }
        }
        let rate = self.config.nodes.mb_per_s / 1000.0;
        for (from, to) in flows {
            let from = from.max(0.0);
            if to > from {
                let at = |x: f64| now + SimDuration::from_ms_f64(x);
                self.moved(at(from), at(to), (to - from) * rate);
            }
        }
        let (node, failure) = match failure {
            Some((n, f)) => (n, Some(f)),
            None => (node, None),
        };
        self.chunks[c as usize].sending = Some(node);
        ctx.record(ReplicaRecord::Attempt {
            chunk: c,
            attempt,
            node,
        });
        ctx.schedule_in(
            SimDuration::from_ms_f64(ms.min(timeout)),
            ReplicaEvent::AttemptDone {
                worker: w,
                chunk: c,
                attempt,
                node,
                failure,
            },
        );
    }

    fn attempt_done(
        &mut self,
        w: u32,
        c: u32,
        attempt: u32,
        node: u32,
        mut failure: Option<Failure>,
        ctx: &mut Ctx<'_, ReplicaEvent, ReplicaRecord>,
    ) {
        let now = ctx.now();
        self.chunks[c as usize].sending = None;
        let mut corrupt_read = false;
        if self.config.workload.transfer == Transfer::Download && failure.is_none() {
            // Read the replica: is it there, and is it right?
            match self.chunks[c as usize]
                .replicas
                .iter()
                .find(|r| r.0 == node)
                .map(|r| r.1)
            {
                None => failure = Some(Failure::Missing),
                Some(Copy::Corrupt) if self.side.verify_checksum => {
                    self.stats.corrupt_reads_caught += 1;
                    failure = Some(Failure::Checksum);
                }
                Some(Copy::Corrupt) => {
                    self.stats.corrupt_delivered += 1;
                    corrupt_read = true;
                }
                Some(Copy::Healthy) => {}
            }
        }
        // Time in attempts after the first is time spent retrying.
        if attempt > 1 {
            self.stats.retry_us += now.since(self.workers[w as usize].since).as_micros();
        }
        match failure {
            None => {
                self.breaker[node as usize].success();
                if attempt == 1 {
                    self.stats.first_try_ok += 1;
                }
                ctx.record(ReplicaRecord::ChunkOk {
                    chunk: c,
                    node,
                    attempt,
                });
                if self.config.workload.transfer == Transfer::Upload {
                    self.stored(c, node, now, ctx);
                }
                self.set_status(c, ChunkStatus::Ok);
                let s = self.stats.series.at(now);
                s.chunks_ok += 1;
                s.corrupt_ok += u32::from(corrupt_read);
                s.mb += self.config.workload.chunk_mb;
                self.stats.last_done = Some(now);
                self.last_change = now;
                self.set_phase(w, Phase::Idle, now);
                self.next_chunk(w, ctx);
            }
            Some(f) => {
                self.stats.node_failures[node as usize] += 1;
                ctx.record(ReplicaRecord::AttemptFailed {
                    chunk: c,
                    attempt,
                    node,
                    why: f,
                });
                if self.breaker[node as usize].failure(now) {
                    ctx.record(ReplicaRecord::BreakerOpen { node });
                }
                if self.side.report_failures {
                    self.stats.reports_sent += 1;
                    let corrupt = (f == Failure::Checksum).then_some(c);
                    let at = self.metadata_up_at(now) + SimDuration::from_ms(self.config.metadata.latency_ms);
                    ctx.schedule_at(at, ReplicaEvent::Report { node, chunk: corrupt });
                }
                if attempt >= self.side.retry.max_attempts {
                    self.set_status(c, ChunkStatus::Failed);
                    self.stats.last_done = Some(now);
                    self.last_change = now;
                    ctx.record(ReplicaRecord::ChunkFailed {
                        chunk: c,
                        attempts: attempt,
                    });
                    if self.side.abort_on_failure {
                        self.stats.aborted = true;
                        for q in std::mem::take(&mut self.queue) {
                            self.set_status(q, ChunkStatus::Skipped);
                        }
                        ctx.record(ReplicaRecord::Aborted { chunk: c });
                    }
                    self.set_phase(w, Phase::Idle, now);
                    self.next_chunk(w, ctx);
                    return;
                }
                let mut rng = self.keyed("backoff", c as u64, attempt as u64);
                let wait = self.backoff.wait(attempt, SimDuration::ZERO, &mut rng);
                self.set_phase(w, Phase::Backoff, now);
                ctx.schedule_in(wait, ReplicaEvent::Retry { worker: w, chunk: c });
            }
        }
    }

    /// Chunk `c` is on `node` (the upload's first replica): the node copies
    /// it to the other placed replicas in the background (or, with a
    /// pipeline, they have it already).
    fn stored(&mut self, c: u32, node: u32, now: SimTime, ctx: &mut Ctx<'_, ReplicaEvent, ReplicaRecord>) {
        let placement = self.chunks[c as usize].placement.clone();
        let pipeline = self.side.ack == Ack::AllReplicas;
        let copy = self.copy_kind(c, node);
        self.chunks[c as usize].add(node, copy);
        for &n in placement.iter().filter(|&&n| n != node) {
            if pipeline {
                let copy = self.copy_kind(c, n);
                self.chunks[c as usize].add(n, copy);
            } else {
                let ms = self.transfer_ms(c, 0, n);
                self.chunks[c as usize].cloning.push(n);
                self.copies_running += 1;
                ctx.schedule_in(
                    SimDuration::from_ms_f64(ms),
                    ReplicaEvent::CopyDone { chunk: c, node: n },
                );
            }
        }
        self.refresh(c);
        self.note_replication(now);
    }

    /// Whether the replica of `c` on `node` is written right.
    pub fn copy_kind(&self, c: u32, node: u32) -> Copy {
        let per_file = self.config.workload.chunks_per_file;
        if c < per_file && self.config.nodes.corrupt_chunks.contains(&(c + 1)) {
            return Copy::Corrupt;
        }
        let mut rng = self.keyed("corrupt", c as u64, node as u64);
        if rng.chance(self.config.nodes.corrupt_rate) {
            Copy::Corrupt
        } else {
            Copy::Healthy
        }
    }

    // ------------------------------------------------------------ the metadata server

    fn report(&mut self, node: u32, chunk: Option<u32>, ctx: &mut Ctx<'_, ReplicaEvent, ReplicaRecord>) {
        let now = ctx.now();
        ctx.record(ReplicaRecord::Reported { node, chunk });
        match chunk {
            // A corrupt replica: drop it, and clone a good one in its place.
            Some(c) => {
                let ch = &mut self.chunks[c as usize];
                let before = ch.replicas.len();
                ch.replicas.retain(|r| !(r.0 == node && r.1 == Copy::Corrupt));
                if ch.replicas.len() < before && !ch.dropped.contains(&node) {
                    ch.dropped.push(node);
                }
                self.refresh(c);
                if self.config.metadata.repair {
                    self.enqueue_repair(c);
                    self.repair_since.get_or_insert(now);
                }
                self.note_replication(now);
                self.run_repairs(ctx);
            }
            None => self.reported[node as usize] = true,
        }
    }

    /// The last time anything changed (a chunk, a replica, a verdict).
    pub fn last_change(&self) -> SimTime {
        self.last_change
    }

    /// When the run stopped simulating `node`'s heartbeats, if it has.
    pub fn heartbeats_stopped(&self, node: usize) -> Option<SimTime> {
        self.stopped.get(node).copied().flatten()
    }

    fn heartbeat(&mut self, node: u32, ctx: &mut Ctx<'_, ReplicaEvent, ReplicaRecord>) {
        let now = ctx.now();
        let interval = SimDuration::from_ms(self.config.metadata.heartbeat.interval_ms);
        // Heartbeats go on while anything is happening, and `settle_ms` after.
        let active = !self.queue.is_empty()
            || self.workers.iter().any(|w| w.chunk.is_some())
            || !self.repair_queue.is_empty()
            || self.copies_running > 0
            || self.clones_running > 0;
        let settle = SimDuration::from_ms(self.config.settle_ms);
        let pending_outage = self
            .next_outage_after(now)
            .is_some_and(|t| t < self.last_change + settle);
        if active || now + interval <= self.last_change + settle || pending_outage {
            ctx.schedule_in(interval, ReplicaEvent::Heartbeat { node });
        } else {
            // The run is over for this node: its silence from now on means nothing.
            self.stopped[node as usize] = Some(now);
        }
        // A heartbeat needs the node and the metadata server up.
        if !self.node_up(node, now) || self.metadata_up_at(now) > now {
            return;
        }
        self.reported[node as usize] = false;
        if let Some(v) = self.detector.heard(node as usize, now) {
            self.log_health(node, now, v.to);
            self.last_change = now;
            ctx.record(ReplicaRecord::Health { node, health: v.to });
        }
        if let Some(at) = self.detector.check_at(node as usize) {
            ctx.schedule_at(at, ReplicaEvent::Check { node });
        }
    }

    fn check(&mut self, node: u32, ctx: &mut Ctx<'_, ReplicaEvent, ReplicaRecord>) {
        let now = ctx.now();
        if self.stopped[node as usize].is_some() {
            return;
        }
        // A metadata server that is down judges nothing; back, it counts a
        // node's silence from its return: the nodes were not silent, it was
        // deaf (it had suspected every node while down, then "the nodes are
        // all fine" read next to six "?").
        let up = self.metadata_up_at(now);
        if up > now {
            ctx.schedule_at(up, ReplicaEvent::Check { node });
            return;
        }
        let back = self
            .config
            .metadata
            .outages
            .iter()
            .map(|o| SimTime::from_ms(o.to_ms))
            .filter(|&t| t <= now)
            .max();
        if let Some(back) = back.filter(|&b| b > self.detector.last_heard(node as usize)) {
            self.detector.deaf_until(node as usize, back);
            if let Some(at) = self.detector.check_at(node as usize) {
                ctx.schedule_at(at.max(now), ReplicaEvent::Check { node });
            }
            return;
        }
        // A stale check (the node was heard from since) changes nothing.
        let Some(v) = self.detector.check(node as usize, now) else {
            return;
        };
        self.last_change = now;
        self.log_health(node, now, v.to);
        ctx.record(ReplicaRecord::Health { node, health: v.to });
        if v.to == Health::Suspect {
            if let Some(at) = self.detector.check_at(node as usize) {
                ctx.schedule_at(at, ReplicaEvent::Check { node });
            }
            return;
        }
        // Dead: when did it really go down?
        let ms = now.as_micros() / 1000;
        let went_down = self
            .node_windows(node)
            .iter()
            .filter(|w| w.0 <= ms)
            .max_by_key(|w| w.0)
            .map(|w| w.0);
        if let Some(from) = went_down {
            self.stats.detection.record(now.since(SimTime::from_ms(from)));
        }
        // Its replicas are gone for the metadata server: re-replicate.
        for c in 0..self.chunks.len() as u32 {
            let ch = &mut self.chunks[c as usize];
            if ch.replicas.iter().any(|r| r.0 == node) {
                ch.replicas.retain(|r| r.0 != node);
                self.refresh(c);
                if self.config.metadata.repair {
                    self.enqueue_repair(c);
                }
            }
        }
        // A repair runs from the node going down only if dropping it left a
        // chunk short. (When none was — its chunks had already gone to other
        // replicas — the demo read a repair as long as the detection, with
        // nothing copied, while its chart had no chunk at risk since 4 s.)
        if let Some(from) = went_down.filter(|_| self.under_replicated() > 0) {
            self.repair_since.get_or_insert(SimTime::from_ms(from));
        }
        self.note_replication(now);
        self.run_repairs(ctx);
    }

    fn enqueue_repair(&mut self, c: u32) {
        let missing = self.config.metadata.replication as usize
            - self.chunks[c as usize]
                .healthy()
                .min(self.config.metadata.replication as usize);
        self.repair_queue.retain(|&(_, x)| x != c);
        if missing > 0 {
            // Most missing first: the set is ordered by (replication − missing, chunk).
            self.repair_queue
                .insert((self.config.metadata.replication as usize - missing, c));
        }
    }

    fn run_repairs(&mut self, ctx: &mut Ctx<'_, ReplicaEvent, ReplicaRecord>) {
        let now = ctx.now();
        let up = self.metadata_up_at(now);
        if up > now {
            // Nothing else may come to start them (a copy to a node that was
            // down, or a clone, ending while the server was down, queued its
            // chunk and no more): they go on when it is back. (They waited
            // for ever, and the heartbeats with them: a run that never ended.)
            if !self.repair_queue.is_empty() && !self.repairs_wait {
                self.repairs_wait = true;
                ctx.schedule_at(up, ReplicaEvent::ResumeRepairs);
            }
            return;
        }
        while self.clones_running < self.config.metadata.max_clones {
            let Some(&(have, c)) = self.repair_queue.iter().next() else {
                return;
            };
            self.repair_queue.remove(&(have, c));
            let chunk = &self.chunks[c as usize];
            let source = chunk
                .replicas
                .iter()
                .find(|r| r.1 == Copy::Healthy && self.node_up(r.0, now))
                .map(|r| r.0);
            let Some(_source) = source else {
                if chunk.healthy() == 0 && !chunk.lost {
                    self.chunks[c as usize].lost = true;
                    self.refresh(c);
                    self.last_change = now;
                    ctx.record(ReplicaRecord::Lost { chunk: c });
                }
                continue;
            };
            let count = self.config.nodes.count;
            let target = (0..count)
                .map(|i| (c + 1 + i) % count)
                .find(|&n| self.usable(n) && self.node_up(n, now) && !chunk.has(n));
            let Some(target) = target else {
                continue;
            };
            self.clones_running += 1;
            self.chunks[c as usize].cloning.push(target);
            let ms = self.config.workload.chunk_mb / self.config.metadata.clone_mb_per_s * 1000.0;
            ctx.schedule_in(
                SimDuration::from_ms_f64(ms),
                ReplicaEvent::CloneDone { chunk: c, node: target },
            );
        }
    }

    fn clone_done(&mut self, c: u32, node: u32, ctx: &mut Ctx<'_, ReplicaEvent, ReplicaRecord>) {
        let now = ctx.now();
        self.clones_running -= 1;
        self.stats.clones += 1;
        let up = self.node_up(node, now);
        let ch = &mut self.chunks[c as usize];
        ch.cloning.retain(|&n| n != node);
        if up {
            ch.add(node, Copy::Healthy);
            ctx.record(ReplicaRecord::Cloned { chunk: c, node });
        }
        self.refresh(c);
        self.enqueue_repair(c);
        self.note_replication(now);
        self.run_repairs(ctx);
    }

    /// Places every chunk with full replication (a download's file, stored before the run).
    fn store_all(&mut self) {
        for c in 0..self.chunks.len() as u32 {
            let p = self.place(c);
            let replicas = p.iter().map(|&n| (n, self.copy_kind(c, n))).collect();
            let ch = &mut self.chunks[c as usize];
            ch.held = p.clone();
            ch.placement = p;
            ch.replicas = replicas;
            self.refresh(c);
        }
        // The file starts with its corrupt replicas: short from the start,
        // so the peak counts them (it read 0 while "now" read 9).
        self.note_replication(SimTime::ZERO);
    }

    /// The chunks no healthy replica on a node that is up can serve, now: the
    /// count kept as the run goes, recounted only when a node went down or came
    /// back since the last event.
    pub fn lost_chunks(&self, now: SimTime) -> u64 {
        if self.risk_next.is_none_or(|b| b > now) {
            return self.lost_count;
        }
        self.lost_recount(now)
    }

    /// [`ReplicaModel::lost_chunks`] counted from scratch.
    pub fn lost_recount(&self, now: SimTime) -> u64 {
        self.chunks
            .iter()
            .filter(|c| !c.replicas.is_empty() || c.lost)
            .filter(|c| {
                !c.replicas
                    .iter()
                    .any(|r| r.1 == Copy::Healthy && self.node_up(r.0, now))
            })
            .count() as u64
    }
}

impl Model for ReplicaModel {
    type Event = ReplicaEvent;
    type Record = ReplicaRecord;

    fn start(&mut self, ctx: &mut Ctx<'_, ReplicaEvent, ReplicaRecord>) {
        self.sync_risk(SimTime::ZERO);
        if self.config.workload.transfer == Transfer::Download {
            self.store_all();
        }
        self.note_risk(SimTime::ZERO);
        for f in 0..self.config.workload.files {
            ctx.schedule_at(
                SimTime::from_ms(self.config.workload.every_ms * f as u64),
                ReplicaEvent::FileStart { file: f },
            );
        }
        let interval = self.config.metadata.heartbeat.interval_ms;
        for n in 0..self.config.nodes.count {
            // Spread the first heartbeats over one interval, the same on every side.
            let mut rng = self.keyed("heartbeat_phase", n as u64, 0);
            let phase = rng.below(interval.max(1) * 1000);
            ctx.schedule_at(
                SimTime::ZERO + SimDuration::from_micros(phase),
                ReplicaEvent::Heartbeat { node: n },
            );
            // A node that never sends a heartbeat is still looked at.
            if let Some(at) = self.detector.check_at(n as usize) {
                ctx.schedule_at(at, ReplicaEvent::Check { node: n });
            }
        }
    }

    fn handle(&mut self, event: ReplicaEvent, ctx: &mut Ctx<'_, ReplicaEvent, ReplicaRecord>) {
        let now = ctx.now();
        self.sync_risk(now);
        self.handle_event(event, ctx);
        self.note_risk(now);
    }

    fn approx_bytes(&self) -> usize {
        // Each chunk: its record and replica lists, its risk flags and the nodes it counted on.
        self.chunks.len() * (std::mem::size_of::<Chunk>() + 64 + 4 + std::mem::size_of::<Vec<u32>>() + 12)
    }
}

impl ReplicaModel {
    fn handle_event(&mut self, event: ReplicaEvent, ctx: &mut Ctx<'_, ReplicaEvent, ReplicaRecord>) {
        let now = ctx.now();
        match event {
            ReplicaEvent::FileStart { file } => {
                let per = self.config.workload.chunks_per_file;
                if !self.stats.aborted {
                    self.queue.extend(file * per..(file + 1) * per);
                }
                self.wake_workers(ctx);
            }
            ReplicaEvent::Lookup { worker, chunk } => {
                let up = self.metadata_up_at(now);
                if up > now {
                    ctx.record(ReplicaRecord::MetadataWait { chunk });
                    ctx.schedule_at(up, ReplicaEvent::Lookup { worker, chunk });
                    return;
                }
                ctx.schedule_in(
                    SimDuration::from_ms(self.config.metadata.latency_ms),
                    ReplicaEvent::LookupDone { worker, chunk },
                );
            }
            ReplicaEvent::LookupDone { worker, chunk } => {
                if self.chunks[chunk as usize].placement.is_empty() {
                    self.chunks[chunk as usize].placement = self.place(chunk);
                }
                self.set_phase(worker, Phase::Transfer, now);
                self.attempt(worker, chunk, ctx);
            }
            ReplicaEvent::AttemptDone {
                worker,
                chunk,
                attempt,
                node,
                failure,
            } => self.attempt_done(worker, chunk, attempt, node, failure, ctx),
            ReplicaEvent::Retry { worker, chunk } => {
                let spent = self.workers[worker as usize].since;
                self.stats.retry_us += now.since(spent).as_micros();
                // An upload asks the metadata server again (it may place the chunk elsewhere).
                self.set_phase(worker, Phase::Transfer, now);
                self.attempt(worker, chunk, ctx);
            }
            ReplicaEvent::CopyDone { chunk, node } => {
                self.copies_running -= 1;
                let ch = &mut self.chunks[chunk as usize];
                ch.cloning.retain(|&n| n != node);
                if self.node_up(node, now) {
                    let copy = self.copy_kind(chunk, node);
                    self.chunks[chunk as usize].add(node, copy);
                    self.refresh(chunk);
                } else if self.config.metadata.repair {
                    self.enqueue_repair(chunk);
                    self.repair_since.get_or_insert(now);
                    self.run_repairs(ctx);
                }
                self.note_replication(now);
            }
            ReplicaEvent::Heartbeat { node } => self.heartbeat(node, ctx),
            ReplicaEvent::Check { node } => self.check(node, ctx),
            ReplicaEvent::Report { node, chunk } => {
                let up = self.metadata_up_at(now);
                if up > now {
                    ctx.schedule_at(up, ReplicaEvent::Report { node, chunk });
                    return;
                }
                self.report(node, chunk, ctx);
            }
            ReplicaEvent::CloneDone { chunk, node } => self.clone_done(chunk, node, ctx),
            ReplicaEvent::ResumeRepairs => {
                self.repairs_wait = false;
                self.run_repairs(ctx);
            }
        }
    }
}

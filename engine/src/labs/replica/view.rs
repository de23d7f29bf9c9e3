//! What the replica lab's page draws, read-only: each cell of the replica
//! matrix (chunk × node), each chunk's attempt marks, the window of rows that
//! follows the workers, the node strip (up or down, the metadata server's
//! verdict, the suspicion timer), each worker's time split so far, the chunks
//! by status, the problem nodes, and the charts' series. Pure functions of a
//! side's model: the page decides nothing.

use super::config::ReplicaConfig;
use super::model::{ChunkStatus, Copy, Phase, ReplicaModel, Worker};
use crate::patterns::bus::Window;
use crate::patterns::detector::Health;
use crate::time::SimTime;

/// One cell of the replica matrix: what node `n` holds of chunk `c`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Not placed there.
    Empty,
    /// A good replica on a node that is up.
    Healthy,
    /// A replica whose bytes are wrong (only a checksum tells).
    Corrupt,
    /// A corrupt replica a client's checksum caught and reported: the
    /// metadata server dropped it.
    Dropped,
    /// Placed there and stored, but gone (dropped, or the node is down). A chunk
    /// still being uploaded has no cell yet where it has not arrived.
    Missing,
    /// A copy or a clone on its way.
    Cloning,
    /// The client's attempt on its way to the node now (an upload that has
    /// not arrived: a slow node holds it here for its whole timeout).
    Sending,
}

impl Cell {
    pub const ALL: [Cell; 6] = [
        Cell::Healthy,
        Cell::Corrupt,
        Cell::Dropped,
        Cell::Missing,
        Cell::Cloning,
        Cell::Sending,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Cell::Empty => "empty",
            Cell::Healthy => "healthy",
            Cell::Corrupt => "corrupt",
            Cell::Dropped => "dropped",
            Cell::Missing => "missing",
            Cell::Cloning => "cloning",
            Cell::Sending => "sending",
        }
    }
}

/// What node `n` holds of chunk `c` at `now`.
pub fn cell(m: &ReplicaModel, c: usize, n: u32, now: SimTime) -> Cell {
    cell_on(m, c, n, m.node_up(n, now))
}

fn cell_on(m: &ReplicaModel, c: usize, n: u32, up: bool) -> Cell {
    let ch = &m.chunks[c];
    if let Some(&(_, copy)) = ch.replicas.iter().find(|r| r.0 == n) {
        if !up {
            return Cell::Missing;
        }
        return match copy {
            Copy::Healthy => Cell::Healthy,
            Copy::Corrupt => Cell::Corrupt,
        };
    }
    // A copy to a node that is down will not arrive: the row showed one on
    // its way to node_2 after the client had reported node_2 down.
    let on_its_way = ch.cloning.contains(&n);
    if on_its_way && up {
        Cell::Cloning
    } else if !on_its_way && ch.dropped.contains(&n) {
        Cell::Dropped
    } else if on_its_way || ch.held.contains(&n) || (ch.status == ChunkStatus::Ok && ch.placement.contains(&n)) {
        Cell::Missing
    } else if ch.sending == Some(n) {
        Cell::Sending
    } else {
        Cell::Empty
    }
}

/// Which nodes are up at `now` (for [`row`]).
pub fn nodes_up(m: &ReplicaModel, now: SimTime) -> Vec<bool> {
    (0..m.config().nodes.count).map(|n| m.node_up(n, now)).collect()
}

/// A chunk's row: the cell of every node (`up` from [`nodes_up`]).
pub fn row(m: &ReplicaModel, c: usize, up: &[bool]) -> Vec<Cell> {
    up.iter()
        .enumerate()
        .map(|(n, &u)| cell_on(m, c, n as u32, u))
        .collect()
}

/// One attempt of a chunk as its row shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// Failed; the chunk went on.
    Failed,
    /// Under way (or the worker is backing off before the next one).
    Working,
    /// The attempt that stored or read the chunk.
    Ok,
    /// The last attempt failed: the chunk is given up.
    GaveUp,
}

impl Mark {
    pub fn key(self) -> &'static str {
        match self {
            Mark::Failed => "failed",
            Mark::Working => "working",
            Mark::Ok => "ok",
            Mark::GaveUp => "gave_up",
        }
    }
}

/// Chunk `c`'s attempts so far, first try first: every attempt before the
/// last failed; the last is as the chunk stands.
pub fn marks(m: &ReplicaModel, c: usize) -> Vec<Mark> {
    let ch = &m.chunks[c];
    let backing_off = m
        .workers
        .iter()
        .any(|w| w.chunk == Some(c as u32) && w.phase == Phase::Backoff);
    let mut out = vec![Mark::Failed; ch.attempts as usize];
    if let Some(last) = out.last_mut() {
        *last = match ch.status {
            ChunkStatus::Ok => Mark::Ok,
            ChunkStatus::Failed => Mark::GaveUp,
            _ if backing_off => Mark::Failed,
            _ => Mark::Working,
        };
    }
    out
}

/// The first of `rows` chunk rows to draw: they follow the workers (the
/// lowest chunk in progress near the top), then the chunks still short of
/// replicas once the client is done.
pub fn window_start(m: &ReplicaModel, rows: usize) -> usize {
    let total = m.chunks.len();
    if total <= rows {
        return 0;
    }
    let working = m.workers.iter().filter_map(|w| w.chunk).min().map(|c| c as usize);
    let focus = working
        .or_else(|| {
            // Nobody working: the first chunk a repair is still about.
            m.chunks.iter().position(|ch| {
                !ch.cloning.is_empty()
                    || (ch.status == ChunkStatus::Ok && ch.healthy() < m.config().metadata.replication as usize)
            })
        })
        .or_else(|| m.chunks.iter().position(|ch| ch.status == ChunkStatus::Waiting))
        .unwrap_or(total);
    focus.saturating_sub(2).min(total - rows)
}

/// Chunks by where they stand for the client: waiting, working, done, failed,
/// never tried (kept by the model as it runs: no pass over the chunks).
pub fn status_counts(m: &ReplicaModel) -> [u64; 5] {
    m.status_counts()
}

pub const STATUS_KEYS: [&str; 5] = ["waiting", "working", "ok", "failed", "skipped"];

/// A storage node as the strip shows it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeView {
    /// The node really is up (the world's truth).
    pub up: bool,
    /// What the metadata server thinks.
    pub health: Health,
    /// Since its last heartbeat reached the metadata server (ms).
    pub silence_ms: f64,
    /// Healthy replicas it holds.
    pub replicas: u64,
    /// Failed attempts on it.
    pub failures: u64,
    /// A client reported it failing since it was last heard from (the
    /// metadata server routes around it before any verdict).
    pub reported: bool,
    /// This side's breaker on it is open: the client sends it nothing.
    pub breaker_open: bool,
    /// A slow ("grey") node.
    pub slow: bool,
    pub rack: u32,
}

/// Every node at `now`.
pub fn nodes(m: &ReplicaModel, now: SimTime) -> Vec<NodeView> {
    let c = m.config();
    let count = c.nodes.count as usize;
    let replicas = m.node_replicas();
    (0..count)
        .map(|n| NodeView {
            up: m.node_up(n as u32, now),
            health: m.detector.health(n),
            // Once the run stops simulating its heartbeats (winding down),
            // a node's silence stops growing: it would cross the suspect
            // line on a healthy node and mean nothing.
            silence_ms: m
                .detector
                .silence(n, m.heartbeats_stopped(n).map_or(now, |at| at.min(now)))
                .as_micros() as f64
                / 1000.0,
            replicas: replicas[n],
            failures: m.stats.node_failures[n],
            reported: m.reported(n as u32),
            breaker_open: m.breaker_open(n as u32, now),
            slow: c.nodes.slow.contains(&(n as u32 + 1)),
            rack: c.rack_of(n as u32),
        })
        .collect()
}

/// The metadata server at `now`: up or not, what it is repairing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetadataView {
    pub up: bool,
    pub suspect: u64,
    pub dead: u64,
    /// Chunks short of replicas.
    pub under_replicated: u64,
    /// Copies and clones under way.
    pub copying: u64,
    /// Chunks no good replica on a node that is up can serve.
    pub lost: u64,
}

pub fn metadata(m: &ReplicaModel, now: SimTime) -> MetadataView {
    let c = m.config();
    let n = c.nodes.count as usize;
    let lost = m.lost_chunks(now);
    let health = |h: Health| (0..n).filter(|&i| m.detector.health(i) == h).count() as u64;
    MetadataView {
        up: Window::after_all(&c.metadata.outages, now) <= now,
        suspect: health(Health::Suspect),
        dead: health(Health::Dead),
        under_replicated: m.under_replicated(),
        copying: m.copies_under_way(),
        lost,
    }
}

/// A worker's time so far (ms): transferring, backing off, waiting for the
/// metadata server — the phase it is in counted up to `now`.
pub fn worker_split(w: &Worker, now: SimTime) -> [f64; 3] {
    let spent = now.since(w.since).as_micros();
    let mut t = [w.time.transfer_us, w.time.backoff_us, w.time.metadata_us];
    match w.phase {
        Phase::Transfer => t[0] += spent,
        Phase::Backoff => t[1] += spent,
        Phase::Metadata => t[2] += spent,
        Phase::Idle => {}
    }
    t.map(|us| us as f64 / 1000.0)
}

pub fn phase_key(p: Phase) -> &'static str {
    match p {
        Phase::Idle => "idle",
        Phase::Metadata => "metadata",
        Phase::Transfer => "transfer",
        Phase::Backoff => "backoff",
    }
}

/// Failed attempts per node, the most first (ties: the lower node first), nodes with none left out.
pub fn problem_nodes(m: &ReplicaModel) -> Vec<(u32, u64)> {
    let mut out: Vec<(u32, u64)> = m
        .stats
        .node_failures
        .iter()
        .enumerate()
        .filter(|(_, f)| **f > 0)
        .map(|(n, f)| (n as u32, *f))
        .collect();
    crate::order::sort_by(&mut out, |a, b| b.1.cmp(&a.1));
    out
}

/// Chunks at risk and chunks the metadata server knows short, at `now`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Risk {
    /// Stored chunks with fewer good replicas on nodes that are up than the
    /// replication asks: a node down (declared dead or not), a copy corrupt
    /// or missing, a background copy not there yet.
    pub at_risk: u64,
    /// Of those, the ones the metadata server knows about (its map is short).
    pub known: u64,
}

impl Risk {
    /// At risk but not known yet: the detection delay's cost, now.
    pub fn unknown(&self) -> u64 {
        self.at_risk.saturating_sub(self.known)
    }
}

/// The risk at `now`: the model's counts, kept as it runs; recounted only
/// when a node went down or came back since the last event (a pass over the
/// chunks, rare: at an outage's edges).
pub fn risk(m: &ReplicaModel, now: SimTime) -> Risk {
    let at_risk = if m.risk_pending().is_some_and(|b| b <= now) {
        let up = nodes_up(m, now);
        m.chunks.iter().filter(|ch| m.risky(ch, &up)).count() as u64
    } else {
        m.at_risk()
    };
    Risk {
        at_risk,
        known: m.known_short(),
    }
}

/// One point of the charts' series: a slice's end (ms), the most chunks at
/// risk and known short in it, and the MB/s that crossed the wire in it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    pub end_ms: f64,
    pub at_risk: f64,
    pub known: f64,
    pub mb_s: f64,
}

/// The charts' series so far, one point per slice up to `now` (every slice,
/// a quiet one carrying the level before it on), the last one at `now`
/// itself while the run goes on — so the chart's last point agrees with
/// what the stage says at the same instant.
pub fn series(m: &ReplicaModel, now: SimTime, finished: bool) -> Vec<Point> {
    let s = &m.stats.series;
    let width = s.width().as_micros();
    let now_us = now.as_micros();
    let slices = if finished {
        s.buckets().len().max(now_us.div_ceil(width) as usize)
    } else {
        now_us.div_ceil(width) as usize
    };
    let mut out = Vec::with_capacity(slices);
    let (mut level_risk, mut level_known) = (0u32, 0u32);
    for i in 0..slices {
        let b = s.buckets().get(i).copied().unwrap_or_default();
        let from = i as u64 * width;
        let end = if finished {
            from + width
        } else {
            (from + width).min(now_us)
        };
        let (mut r, mut k) = (level_risk, level_known);
        if b.noted {
            r = r.max(b.at_risk);
            k = k.max(b.known);
            level_risk = b.at_risk_end;
            level_known = b.known_end;
        }
        let span_s = (end - from) as f64 / 1e6;
        // The slice's share of bytes that flowed up to its end (a slice cut at now holds only those).
        let mb = if end < from + width {
            b.mb_moved * (end - from) as f64 / width as f64
        } else {
            b.mb_moved
        };
        out.push(Point {
            end_ms: end as f64 / 1000.0,
            at_risk: f64::from(r),
            known: f64::from(k),
            mb_s: if span_s > 0.0 { mb / span_s } else { 0.0 },
        });
    }
    // The last point ends at now: it holds at least what the stage says now.
    if let (false, Some(last)) = (finished, out.last_mut()) {
        let r = risk(m, now);
        last.at_risk = last.at_risk.max(r.at_risk as f64);
        last.known = last.known.max(r.known as f64);
    }
    out
}

/// The at-risk and known lines: [`series`] (each slice's most at once) and,
/// where the count has come down since the slice's peak, one more point at
/// the same instant with the count now — so the line ends on what the stage
/// says (it ended on the slice's 6 while the stage said 4). Not for the
/// throughput line: the extra point would count the slice's bytes twice.
pub fn risk_series(m: &ReplicaModel, now: SimTime, finished: bool) -> Vec<Point> {
    let mut out = series(m, now, finished);
    let r = risk(m, now);
    if let Some(&last) = out.last() {
        let (at_risk, known) = (r.at_risk as f64, r.known as f64);
        if at_risk < last.at_risk || known < last.known {
            out.push(Point { at_risk, known, ..last });
        }
    }
    out
}

/// Whether anything can go wrong in this config: an outage (node, rack or
/// metadata server), failures, slow or corrupt replicas. Without any, the
/// page says so at once rather than let a student wait for a lesson.
pub fn has_faults(c: &ReplicaConfig) -> bool {
    let n = &c.nodes;
    !n.outages.is_empty()
        || !n.rack_outages.is_empty()
        || !c.metadata.outages.is_empty()
        || n.failure_rate > 0.0
        || !n.slow.is_empty()
        || n.corrupt_rate > 0.0
        || !n.corrupt_chunks.is_empty()
}

/// What a stretch of a node's timeline shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpanKind {
    /// The node really was down (the world's truth).
    Down,
    /// The metadata server suspected it.
    Suspect,
    /// The metadata server had declared it dead.
    Dead,
}

impl SpanKind {
    pub fn key(self) -> &'static str {
        match self {
            SpanKind::Down => "down",
            SpanKind::Suspect => "suspect",
            SpanKind::Dead => "dead",
        }
    }
}

/// One stretch of a node's timeline, in ms, never past now.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    pub from_ms: f64,
    pub to_ms: f64,
    pub kind: SpanKind,
}

/// Node `n`'s timeline up to `now`: its outages (the truth) and the metadata
/// server's suspect and dead verdicts, each clipped to now — the future is
/// never drawn. At most a node's outages plus [`HEALTH_LOG`] verdicts.
///
/// [`HEALTH_LOG`]: super::model::HEALTH_LOG
pub fn node_timeline(m: &ReplicaModel, n: u32, now: SimTime) -> Vec<Span> {
    let now_ms = now.as_micros() as f64 / 1000.0;
    let mut out: Vec<Span> = m
        .node_windows(n)
        .into_iter()
        .filter(|w| (w.0 as f64) < now_ms)
        .map(|(a, b)| Span {
            from_ms: a as f64,
            to_ms: (b as f64).min(now_ms),
            kind: SpanKind::Down,
        })
        .collect();
    let log = &m.health_log[n as usize];
    for (i, &(at, h)) in log.iter().enumerate() {
        let kind = match h {
            Health::Alive => continue,
            Health::Suspect => SpanKind::Suspect,
            Health::Dead => SpanKind::Dead,
        };
        let until = log.get(i + 1).map_or(now, |x| x.0).min(now);
        let from_ms = at.as_micros() as f64 / 1000.0;
        if from_ms <= now_ms {
            out.push(Span {
                from_ms,
                to_ms: until.as_micros() as f64 / 1000.0,
                kind,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::replica::{presets, ReplicaRun};

    fn preset(id: &str) -> ReplicaRun {
        let p = presets::all().into_iter().find(|p| p.id == id).unwrap();
        ReplicaRun::new(&p.config, p.seed).unwrap()
    }

    #[test]
    fn the_demo_rows_show_the_retry_and_the_healthy_replicas() {
        let mut run = preset("demo");
        run.run_to_end(u64::MAX);
        let sim = &run.sides[0];
        let m = sim.model();
        // Every chunk is done; one needed a second attempt after node_2 went down.
        let counts = status_counts(m);
        assert_eq!(counts[2], m.chunks.len() as u64);
        let retried: Vec<Vec<Mark>> = (0..m.chunks.len())
            .map(|c| marks(m, c))
            .filter(|v| v.len() > 1)
            .collect();
        assert!(!retried.is_empty());
        for v in &retried {
            assert_eq!(v.last(), Some(&Mark::Ok));
            assert!(v[..v.len() - 1].iter().all(|m| *m == Mark::Failed));
        }
        // node_2 (index 1) is down at the end: no cell shows a healthy replica there.
        for c in 0..m.chunks.len() {
            assert_ne!(cell(m, c, 1, sim.now()), Cell::Healthy);
            let healthy = row(m, c, &nodes_up(m, sim.now()))
                .iter()
                .filter(|c| **c == Cell::Healthy)
                .count();
            assert_eq!(
                healthy,
                m.chunks[c]
                    .replicas
                    .iter()
                    .filter(|r| r.0 != 1 && r.1 == Copy::Healthy)
                    .count()
            );
        }
        assert_eq!(problem_nodes(m)[0].0, 1);
    }

    /// The demo's first moment: node_2 is down and the client's report has
    /// reached the metadata server, which routes around it ("!") though its
    /// heartbeats still say alive and it knows of no chunk at risk yet.
    #[test]
    fn the_demos_first_moment_shows_a_reported_node_still_alive() {
        let p = presets::all().into_iter().find(|p| p.id == "demo").unwrap();
        let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
        let at = SimTime::from_ms(p.moments[0].at_ms);
        run.run_to(at, u64::MAX);
        let m = run.sides[0].model();
        let v = nodes(m, at);
        assert!(!v[1].up);
        assert_eq!(v[1].health, Health::Alive);
        assert!(v[1].reported, "node_2 reported by {at}");
        assert!(v.iter().enumerate().all(|(n, v)| n == 1 || !v.reported));
        assert_eq!(risk(m, at).known, 0);
    }

    /// An upload on its way is drawn where it is going: on the slow node,
    /// chunk 2 sits in node_3's column for the whole 5 s timeout (its row
    /// was empty), and leaves it when the attempt ends.
    #[test]
    fn an_attempt_on_its_way_is_drawn_on_its_node() {
        let mut run = preset("slow_node");
        run.run_to(SimTime::from_ms(3_000), u64::MAX);
        let m = run.sides[0].model();
        let up = nodes_up(m, SimTime::from_ms(3_000));
        assert_eq!(m.chunks[2].sending, Some(2));
        assert_eq!(row(m, 2, &up)[2], Cell::Sending);
        assert_eq!(row(m, 2, &up).iter().filter(|c| **c == Cell::Sending).count(), 1);
        // Every chunk a worker holds in transfer shows one; no other does.
        for (c, ch) in m.chunks.iter().enumerate() {
            let sending = row(m, c, &up).iter().filter(|c| **c == Cell::Sending).count();
            let in_transfer = m
                .workers
                .iter()
                .any(|w| w.chunk == Some(c as u32) && w.phase == Phase::Transfer);
            assert_eq!(sending, usize::from(in_transfer && ch.sending.is_some()), "chunk {c}");
            assert_eq!(ch.sending.is_some(), in_transfer, "chunk {c}");
        }
        run.run_to_end(u64::MAX);
        let m = run.sides[0].model();
        assert!(m.chunks.iter().all(|c| c.sending.is_none()));
    }

    #[test]
    fn the_window_follows_the_workers_and_stays_in_range() {
        let mut run = preset("rack_down");
        let rows = 24;
        let mut last = 0;
        for t in (0..40).map(|i| i * 250) {
            run.run_to(SimTime::from_ms(t), u64::MAX);
            let m = run.sides[0].model();
            let start = window_start(m, rows);
            assert!(start + rows <= m.chunks.len());
            if let Some(low) = m.workers.iter().filter_map(|w| w.chunk).min() {
                assert!(
                    (start..start + rows).contains(&(low as usize)),
                    "t={t}: {low} not in {start}.."
                );
            }
            last = last.max(start);
        }
        assert!(last > 0, "the window moved");
    }

    #[test]
    fn the_node_strip_sees_suspicion_then_death() {
        let mut run = preset("rack_down");
        run.run_to(SimTime::from_ms(5_000), u64::MAX);
        let m = run.sides[0].model();
        let v = nodes(m, SimTime::from_ms(5_000));
        let down: Vec<_> = v.iter().filter(|n| !n.up).collect();
        assert_eq!(down.len(), 4);
        assert!(down.iter().all(|n| n.health == Health::Suspect));
        run.run_to(SimTime::from_ms(12_000), u64::MAX);
        let m = run.sides[0].model();
        let v = nodes(m, SimTime::from_ms(12_000));
        assert!(v
            .iter()
            .filter(|n| !n.up)
            .all(|n| n.health == Health::Dead && n.silence_ms >= 10_000.0));
        assert_eq!(metadata(m, SimTime::from_ms(12_000)).dead, 4);
        assert_eq!(
            metadata(m, SimTime::from_ms(12_000)).lost,
            m.lost_chunks(SimTime::from_ms(12_000))
        );
    }

    #[test]
    fn worker_time_adds_up_to_the_time_worked() {
        let mut run = preset("metadata_down");
        run.run_to(SimTime::from_ms(5_000), u64::MAX);
        let m = run.sides[0].model();
        for w in &m.workers {
            let t = worker_split(w, SimTime::from_ms(5_000));
            assert!(t.iter().all(|x| *x >= 0.0));
            assert!(t.iter().sum::<f64>() <= 5_000.0 + 1e-6);
        }
        // The metadata server is down: workers wait for it.
        assert!(m.workers.iter().any(|w| w.phase == Phase::Metadata));
        assert!(!metadata(m, SimTime::from_ms(5_000)).up);
    }

    /// Every chunk counted from scratch: at risk at `now`.
    fn recount(m: &ReplicaModel, now: SimTime) -> u64 {
        let want = m.config().metadata.replication as usize;
        m.chunks
            .iter()
            .filter(|ch| !ch.replicas.is_empty() || ch.lost)
            .filter(|ch| {
                ch.replicas
                    .iter()
                    .filter(|r| r.1 == Copy::Healthy && m.node_up(r.0, now))
                    .count()
                    < want
            })
            .count() as u64
    }

    #[test]
    fn the_risk_counts_agree_with_a_recount_and_known_never_exceeds_at_risk() {
        for p in presets::all() {
            let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
            for t in (0..120).map(|i| SimTime::from_ms(i * 150)) {
                run.run_to(t, u64::MAX);
                for sim in &run.sides {
                    let m = sim.model();
                    let r = risk(m, t);
                    assert_eq!(r.at_risk, recount(m, t), "{} at {t:?}", p.id);
                    assert!(r.known <= r.at_risk, "{} at {t:?}: {r:?}", p.id);
                }
            }
        }
    }

    #[test]
    fn a_rack_down_is_at_risk_at_once_and_known_only_once_declared_dead() {
        let mut run = preset("rack_down");
        // The rack goes down at 1 s; the metadata server declares its nodes dead ~10 s later.
        run.run_to(SimTime::from_ms(3_000), u64::MAX);
        let r = risk(run.sides[0].model(), SimTime::from_ms(3_000));
        assert!(r.at_risk > 0, "{r:?}");
        assert_eq!(r.known, 0, "nothing declared yet: {r:?}");
        assert_eq!(r.unknown(), r.at_risk);
        run.run_to(SimTime::from_ms(12_000), u64::MAX);
        let r = risk(run.sides[0].model(), SimTime::from_ms(12_000));
        assert!(r.known > 0 && r.known <= r.at_risk, "{r:?}");
    }

    #[test]
    fn the_series_agrees_with_the_state_at_every_slice_end() {
        for id in ["demo", "rack_down", "metadata_down", "corruption"] {
            let mut run = preset(id);
            let width = run.sides[0].model().stats.series.width().as_micros();
            let mut seen = vec![];
            let mut drops = 0;
            // The state at each slice's last instant, as the stage shows it then.
            for i in 1..=60u64 {
                let t = SimTime(i * width - 1);
                run.run_to(t, u64::MAX);
                let sim = &run.sides[0];
                if sim.is_finished() && sim.now() < t {
                    break;
                }
                let m = sim.model();
                let r = risk(m, t);
                seen.push(r);
                let pts = series(m, t, false);
                // The live chart's last point is now, and holds what the stage says.
                let last = pts.last().unwrap();
                assert_eq!(last.end_ms, t.as_micros() as f64 / 1000.0, "{id}");
                assert!(
                    last.at_risk >= r.at_risk as f64 && last.known >= r.known as f64,
                    "{id} at {t:?}"
                );
                // The risk lines end on exactly what the stage says, the slice's peak just before.
                let lines = risk_series(m, t, false);
                let end = lines.last().unwrap();
                assert_eq!(
                    (end.at_risk, end.known),
                    (r.at_risk as f64, r.known as f64),
                    "{id} at {t:?}"
                );
                assert_eq!(end.end_ms, last.end_ms, "{id}");
                assert!(lines.len() <= pts.len() + 1);
                drops += usize::from(lines.len() > pts.len());
            }
            let sim = &run.sides[0];
            assert_eq!(sim.model().stats.series.width().as_micros(), width, "{id}: not widened");
            let pts = series(sim.model(), sim.now(), false);
            for (i, r) in seen.iter().enumerate() {
                // Every slice, quiet or not, shows at least the level at its end.
                assert!(
                    pts[i].at_risk >= r.at_risk as f64,
                    "{id}: slice {i}: {} < {r:?}",
                    pts[i].at_risk
                );
                assert!(pts[i].known >= r.known as f64, "{id}: slice {i}");
            }
            assert!(seen.iter().any(|r| r.at_risk > 0), "{id}: something is at risk");
            if id == "demo" {
                assert!(drops > 0, "demo: the count comes down inside some slice");
            }
        }
    }

    /// As the run winds down it stops simulating heartbeats; a healthy node's
    /// silence must not go on growing past the suspect line (the demo's
    /// healthy nodes read as about to be suspected at its end).
    #[test]
    fn a_healthy_node_never_looks_silent_at_the_end() {
        for p in presets::all() {
            let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
            run.run_to_end(u64::MAX);
            for sim in &run.sides {
                let m = sim.model();
                let suspect_after = m.config().metadata.heartbeat.suspect_after_ms as f64;
                for (n, v) in nodes(m, sim.now()).iter().enumerate() {
                    if v.up && v.health == Health::Alive {
                        assert!(v.silence_ms < suspect_after, "{}: node {n}: {v:?}", p.id);
                    }
                }
                assert!(
                    (0..nodes(m, sim.now()).len()).all(|n| m.heartbeats_stopped(n).is_some_and(|at| at <= sim.now())),
                    "{}: every node's heartbeats stop before the end",
                    p.id
                );
            }
        }
        // The demo ends a few seconds after node_2's chunks are copied, not half a minute later.
        let mut run = preset("demo");
        run.run_to_end(u64::MAX);
        let end_ms = run.sides[0].now().as_micros() as f64 / 1000.0;
        assert!(end_ms < 25_000.0, "the demo ends at {end_ms} ms");
    }

    #[test]
    fn throughput_shows_the_bytes_while_they_flow() {
        let mut run = preset("demo");
        // 64 MB chunks at 100 MB/s: the first four take ~660 ms, all in flight at 500 ms.
        let t = SimTime::from_ms(500);
        run.run_to(t, u64::MAX);
        let m = run.sides[0].model();
        assert_eq!(status_counts(m)[2], 0, "nothing done yet");
        assert!(m.workers.iter().any(|w| w.phase == Phase::Transfer));
        let pts = series(m, t, false);
        let last = pts.last().unwrap();
        let cap = m.workers.len() as f64 * m.config().nodes.mb_per_s;
        assert!(last.mb_s > 0.0 && last.mb_s <= cap + 1e-6, "{last:?}");
        // At the end, the bytes that crossed the wire cover every chunk stored.
        run.run_to_end(u64::MAX);
        let sim = &run.sides[0];
        let m = sim.model();
        let width_s = m.stats.series.width().as_micros() as f64 / 1e6;
        let moved: f64 = series(m, sim.now(), true).iter().map(|p| p.mb_s * width_s).sum();
        let stored = status_counts(m)[2] as f64 * m.config().workload.chunk_mb;
        assert!(moved >= stored - 1e-6, "{moved} < {stored}");
        for p in series(m, sim.now(), true) {
            assert!(p.mb_s <= cap + 1e-6, "{p:?}");
        }
    }

    #[test]
    fn a_node_timeline_shows_down_then_suspect_then_dead_and_never_the_future() {
        let mut run = preset("demo");
        // node_2 (index 1) is down from 300 ms to 60 s; suspected ~3 s after its last heartbeat.
        let t = SimTime::from_ms(5_000);
        run.run_to(t, u64::MAX);
        let m = run.sides[0].model();
        let spans = node_timeline(m, 1, t);
        let down: Vec<_> = spans.iter().filter(|s| s.kind == SpanKind::Down).collect();
        assert_eq!(down.len(), 1);
        assert_eq!((down[0].from_ms, down[0].to_ms), (300.0, 5_000.0), "clipped to now");
        let suspect = spans
            .iter()
            .find(|s| s.kind == SpanKind::Suspect)
            .expect("suspected by 5 s");
        assert!(suspect.from_ms > 300.0 && suspect.to_ms == 5_000.0);
        assert!(spans.iter().all(|s| s.kind != SpanKind::Dead));
        assert!(node_timeline(m, 0, t).is_empty(), "node_1 never went down");
        let t = SimTime::from_ms(15_000);
        run.run_to(t, u64::MAX);
        let m = run.sides[0].model();
        let spans = node_timeline(m, 1, t);
        let dead = spans.iter().find(|s| s.kind == SpanKind::Dead).expect("dead by 15 s");
        let suspect = spans.iter().find(|s| s.kind == SpanKind::Suspect).unwrap();
        assert_eq!(suspect.to_ms, dead.from_ms, "suspect until declared dead");
        assert!(spans.iter().all(|s| s.from_ms <= s.to_ms && s.to_ms <= 15_000.0));
    }

    #[test]
    fn the_kept_counts_agree_with_a_pass_over_the_chunks() {
        use crate::labs::replica::model::up_in;
        for p in presets::all() {
            let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
            for t in (0..80).map(|i| SimTime::from_ms(i * 250)) {
                run.run_to(t, u64::MAX);
                for sim in &run.sides {
                    let m = sim.model();
                    let mut by = [0u64; 5];
                    for ch in &m.chunks {
                        let i = STATUS_KEYS
                            .iter()
                            .position(|k| *k == format!("{:?}", ch.status).to_lowercase())
                            .unwrap();
                        by[i] += 1;
                    }
                    assert_eq!(status_counts(m), by, "{} at {t:?}", p.id);
                    assert_eq!(m.tried(), m.chunks.iter().filter(|c| c.attempts > 0).count() as u64);
                    assert_eq!(m.lost_chunks(t), m.lost_recount(t), "{} at {t:?}", p.id);
                    let mut per_node = vec![0u64; m.config().nodes.count as usize];
                    for ch in &m.chunks {
                        for r in ch.replicas.iter().filter(|r| r.1 == Copy::Healthy) {
                            per_node[r.0 as usize] += 1;
                        }
                    }
                    assert_eq!(m.node_replicas(), &per_node[..], "{} at {t:?}", p.id);
                    let cloning: u64 = m.chunks.iter().map(|c| c.cloning.len() as u64).sum();
                    assert_eq!(m.copies_under_way(), cloning, "{} at {t:?}", p.id);
                    for n in 0..m.config().nodes.count {
                        assert_eq!(m.node_up(n, t), up_in(&m.node_windows(n), t));
                    }
                }
            }
        }
    }

    #[test]
    fn only_the_quiet_default_has_no_faults() {
        assert!(!has_faults(&ReplicaConfig::default()));
        for p in presets::all() {
            assert!(has_faults(&p.config), "{}", p.id);
        }
    }
}

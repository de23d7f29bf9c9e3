//! What the replica lab's page draws, read-only: each cell of the replica
//! matrix (chunk × node), each chunk's attempt marks, the window of rows that
//! follows the workers, the node strip (up or down, the metadata server's
//! verdict, the suspicion timer), each worker's time split so far, the chunks
//! by status, the problem nodes, and the charts' series. Pure functions of a
//! side's model: the page decides nothing.

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
    /// Placed there and stored, but gone (dropped, or the node is down). A chunk
    /// still being uploaded has no cell yet where it has not arrived.
    Missing,
    /// A copy or a clone on its way.
    Cloning,
}

impl Cell {
    pub const ALL: [Cell; 4] = [Cell::Healthy, Cell::Corrupt, Cell::Missing, Cell::Cloning];
    pub fn key(self) -> &'static str {
        match self {
            Cell::Empty => "empty",
            Cell::Healthy => "healthy",
            Cell::Corrupt => "corrupt",
            Cell::Missing => "missing",
            Cell::Cloning => "cloning",
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
    if ch.cloning.contains(&n) {
        Cell::Cloning
    } else if ch.held.contains(&n) || (ch.status == ChunkStatus::Ok && ch.placement.contains(&n)) {
        Cell::Missing
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

/// Chunks by where they stand for the client: waiting, working, done, failed, never tried.
pub fn status_counts(m: &ReplicaModel) -> [u64; 5] {
    let mut out = [0u64; 5];
    for ch in &m.chunks {
        out[status_index(ch.status)] += 1;
    }
    out
}

pub const STATUS_KEYS: [&str; 5] = ["waiting", "working", "ok", "failed", "skipped"];

fn status_index(s: ChunkStatus) -> usize {
    match s {
        ChunkStatus::Waiting => 0,
        ChunkStatus::Working => 1,
        ChunkStatus::Ok => 2,
        ChunkStatus::Failed => 3,
        ChunkStatus::Skipped => 4,
    }
}

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
    /// A slow ("grey") node.
    pub slow: bool,
    pub rack: u32,
}

/// Every node at `now`.
pub fn nodes(m: &ReplicaModel, now: SimTime) -> Vec<NodeView> {
    let c = m.config();
    let count = c.nodes.count as usize;
    let mut replicas = vec![0u64; count];
    for ch in &m.chunks {
        for r in &ch.replicas {
            if r.1 == Copy::Healthy {
                replicas[r.0 as usize] += 1;
            }
        }
    }
    (0..count)
        .map(|n| NodeView {
            up: m.node_up(n as u32, now),
            health: m.detector.health(n),
            silence_ms: m.detector.silence(n, now).as_micros() as f64 / 1000.0,
            replicas: replicas[n],
            failures: m.stats.node_failures[n],
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
    // As `ReplicaModel::lost_chunks`, with each node's state looked up once, not per replica.
    let up = nodes_up(m, now);
    let lost = m
        .chunks
        .iter()
        .filter(|ch| !ch.replicas.is_empty() || ch.lost)
        .filter(|ch| !ch.replicas.iter().any(|r| r.1 == Copy::Healthy && up[r.0 as usize]))
        .count() as u64;
    let health = |h: Health| (0..n).filter(|&i| m.detector.health(i) == h).count() as u64;
    MetadataView {
        up: Window::after_all(&c.metadata.outages, now) <= now,
        suspect: health(Health::Suspect),
        dead: health(Health::Dead),
        under_replicated: m.under_replicated(),
        copying: m.chunks.iter().map(|ch| ch.cloning.len() as u64).sum(),
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

/// The charts' series so far: per slice end (ms), chunks under-replicated
/// (the slice's most) and throughput (MB/s over the slice).
pub fn series(m: &ReplicaModel, now: SimTime, finished: bool) -> Vec<(f64, f64, f64)> {
    let s = &m.stats.series;
    let width_ms = s.width().as_micros() as f64 / 1000.0;
    let now_ms = now.as_micros() as f64 / 1000.0;
    let mut out = vec![];
    for (i, b) in s.buckets().iter().enumerate() {
        let from = i as f64 * width_ms;
        if !finished && from + width_ms > now_ms + 1e-9 {
            break;
        }
        out.push((
            from + width_ms,
            f64::from(b.under_replicated),
            b.mb / (width_ms / 1000.0).max(1e-9),
        ));
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
}

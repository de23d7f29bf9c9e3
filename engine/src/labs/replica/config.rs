//! The replica-failover lab's configuration: a file in chunks, storage
//! nodes with their faults, the metadata server (placement, heartbeats,
//! repair), and the client's way of retrying — per side, for A | B.

use crate::patterns::backoff::{Jitter, RetryPolicy, WaitKind};
use crate::patterns::bus::Window;
use crate::patterns::detector::DetectorConfig;
use crate::patterns::service::LatencyShape;
use crate::validate::{Checker, ConfigError, Problem, WorkLimits};
use serde::{Deserialize, Serialize};

/// What the client does with the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Transfer {
    #[default]
    Upload,
    /// The file is stored (every chunk fully replicated) before the run starts.
    Download,
}

/// The files moved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileWorkload {
    pub transfer: Transfer,
    pub files: u32,
    pub chunks_per_file: u32,
    pub chunk_mb: f64,
    /// A new file starts this long after the previous one (0: all at once).
    pub every_ms: u64,
}

impl Default for FileWorkload {
    fn default() -> Self {
        FileWorkload {
            transfer: Transfer::Upload,
            files: 1,
            chunks_per_file: 8,
            chunk_mb: 64.0,
            every_ms: 0,
        }
    }
}

/// A node down (1-based `node`) for a window; `to_ms` may be past the run's end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeOutage {
    pub node: u32,
    pub from_ms: u64,
    pub to_ms: u64,
}

/// Every node of a rack (1-based) down for a window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RackOutage {
    pub rack: u32,
    pub from_ms: u64,
    pub to_ms: u64,
}

/// The storage nodes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Nodes {
    pub count: u32,
    /// Racks (node i is in rack i mod racks); 1 = no racks.
    pub racks: u32,
    /// Time to start a transfer (median), and the transfer rate per transfer.
    pub latency_ms: u64,
    pub latency_shape: LatencyShape,
    /// The spread of the normal shape (ms); 0 for the others.
    #[serde(skip_serializing_if = "crate::patterns::service::is_zero")]
    pub latency_sd_ms: u64,
    pub mb_per_s: f64,
    /// Chance a transfer to or from a node fails (the node answers an error).
    pub failure_rate: f64,
    pub outages: Vec<NodeOutage>,
    pub rack_outages: Vec<RackOutage>,
    /// Grey nodes (1-based): they answer, `slow_ms` late.
    pub slow: Vec<u32>,
    pub slow_ms: u64,
    /// Chance a stored replica is silently corrupt (its checksum fails on read).
    pub corrupt_rate: f64,
    /// Chunks (1-based, of the first file) whose every replica is corrupt.
    pub corrupt_chunks: Vec<u32>,
}

impl Default for Nodes {
    fn default() -> Self {
        Nodes {
            count: 6,
            racks: 1,
            latency_ms: 20,
            latency_shape: LatencyShape::LogNormal,
            latency_sd_ms: 0,
            mb_per_s: 100.0,
            failure_rate: 0.0,
            outages: vec![],
            rack_outages: vec![],
            slow: vec![],
            slow_ms: 20_000,
            corrupt_rate: 0.0,
            corrupt_chunks: vec![],
        }
    }
}

/// Where a chunk's replicas go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// Spread over the nodes, one after the other.
    #[default]
    Spread,
    /// The common rule: one replica in one rack, the other two together in another rack.
    RackAware,
}

/// The metadata server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Metadata {
    pub replication: u32,
    pub placement: Placement,
    /// Time to answer a lookup or take a report.
    pub latency_ms: u64,
    /// Windows when the metadata server is down.
    pub outages: Vec<Window>,
    pub heartbeat: DetectorConfig,
    /// Re-replicate the chunks of a dead node (and corrupt replicas).
    pub repair: bool,
    /// Clones at once, and the rate of each.
    pub max_clones: u32,
    pub clone_mb_per_s: f64,
}

impl Default for Metadata {
    fn default() -> Self {
        Metadata {
            replication: 3,
            placement: Placement::Spread,
            latency_ms: 5,
            outages: vec![],
            heartbeat: DetectorConfig::default(),
            repair: true,
            max_clones: 2,
            clone_mb_per_s: 50.0,
        }
    }
}

/// Where the next attempt of a chunk goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// The same node again.
    SameNode,
    /// The chunk's next replica (the text's "intelligent retry").
    #[default]
    NextReplica,
}

/// When an upload counts as done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Ack {
    /// When the first node has it; it copies to the others in the background.
    #[default]
    Primary,
    /// When every replica has it (a write pipeline).
    AllReplicas,
}

/// The client's way of working: everything A | B can compare.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientSide {
    pub workers: u32,
    /// `max_attempts` is the text's `max_retries`: attempts in all.
    pub retry: RetryPolicy,
    /// The text's `timeout_per_attempt`.
    pub attempt_timeout_ms: u64,
    pub route: Route,
    /// Tell the metadata server about a failed node.
    pub report_failures: bool,
    pub verify_checksum: bool,
    pub ack: Ack,
    /// One chunk given up fails the whole transfer (the rest is not tried).
    pub abort_on_failure: bool,
    /// A per-node circuit breaker: after this many failures in a row a
    /// node is skipped for `breaker_open_ms` (0: no breaker).
    pub breaker_failures: u32,
    pub breaker_open_ms: u64,
}

/// The text's `RetryConfig`: 3 attempts, 1 s, ×2, capped at 10 s.
pub fn text_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        wait: WaitKind::Exponential,
        base_ms: 1_000,
        multiplier: 2.0,
        cap_ms: 10_000,
        jitter: Jitter::None,
    }
}

impl Default for ClientSide {
    fn default() -> Self {
        ClientSide {
            workers: 4,
            retry: text_retry(),
            attempt_timeout_ms: 30_000,
            route: Route::NextReplica,
            report_failures: true,
            verify_checksum: true,
            ack: Ack::Primary,
            abort_on_failure: false,
            breaker_failures: 0,
            breaker_open_ms: 10_000,
        }
    }
}

/// A replica-failover-lab configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReplicaConfig {
    pub workload: FileWorkload,
    pub nodes: Nodes,
    pub metadata: Metadata,
    pub client: ClientSide,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compare: Option<ClientSide>,
    /// The run goes on this long after the last file (repairs, recoveries).
    pub settle_ms: u64,
}

impl Default for ReplicaConfig {
    fn default() -> Self {
        ReplicaConfig {
            workload: FileWorkload::default(),
            nodes: Nodes::default(),
            metadata: Metadata::default(),
            client: ClientSide::default(),
            compare: None,
            // Past the last change: long enough for a node that fell silent
            // to go from suspect to dead (10 s − 3 s of silence) and be
            // repaired, short of a long quiet tail after the lesson.
            settle_ms: 10_000,
        }
    }
}

pub mod limits {
    pub const MAX_NODES: u64 = 200;
    pub const MAX_RACKS: u64 = 50;
    pub const MAX_CHUNKS: f64 = 100_000.0;
    pub const MAX_WORKERS: u64 = 256;
    pub const MAX_MS: u64 = 3_600_000;
    pub const MAX_ATTEMPTS: u64 = 20;
    pub const MAX_REPLICATION: u64 = 5;
    /// Node-time a link's run may simulate (heartbeats: nodes × run ÷ interval).
    pub const MAX_HEARTBEATS: f64 = 5_000_000.0;
}

impl ReplicaConfig {
    pub fn sides(&self) -> Vec<ClientSide> {
        std::iter::once(self.client.clone())
            .chain(self.compare.clone())
            .collect()
    }

    pub fn chunks(&self) -> u64 {
        self.workload.files as u64 * self.workload.chunks_per_file as u64
    }

    /// The rack of node `n` (0-based).
    pub fn rack_of(&self, n: u32) -> u32 {
        n % self.nodes.racks.max(1)
    }

    /// The longest a node's heartbeats go on (ms), in practice: until the
    /// last file starts, every chunk's tries and backoff waits spread over
    /// the workers, whatever the outages delayed (it ends when they do), the
    /// background copies, the repairs, the verdict on a node back from an
    /// outage — then the settling time. Latencies at their one-in-a-million
    /// longest; every chunk tried to the last attempt.
    ///
    /// Each part is an upper bound. (It was not: the backoff cap without
    /// the base it is raised to, fewer than one round of chunks when the
    /// workers outnumber them, no lookups, copies or repairs, and no more
    /// than four hours whatever the config: a 47-day clone at 0.001 MB/s
    /// was accepted for an hour of heartbeats.)
    pub fn horizon_ms(&self) -> f64 {
        let (w, n, m) = (&self.workload, &self.nodes, &self.metadata);
        let data_ms = w.chunk_mb / n.mb_per_s.max(1e-9) * 1000.0;
        let transfer =
            n.latency_shape.longest(n.latency_ms as f64, n.latency_sd_ms as f64) + data_ms + n.slow_ms as f64;
        let chunks = self.chunks() as f64;
        let side_max = self
            .sides()
            .iter()
            .map(|s| {
                let tries = s.retry.max_attempts.max(1) as f64;
                // A pipeline passes the chunk through every replica.
                let hops = match s.ack {
                    Ack::AllReplicas => m.replication.max(1) as f64,
                    Ack::Primary => 1.0,
                };
                let attempt = (transfer * hops).min(s.attempt_timeout_ms as f64);
                let wait = s.retry.cap_ms.max(s.retry.base_ms) as f64;
                let per_chunk = m.latency_ms as f64 + tries * attempt + (tries - 1.0) * wait;
                // The chunks under way when the last file starts, then rounds of the rest.
                (libm::ceil(chunks / s.workers.max(1) as f64) + 1.0) * per_chunk
            })
            .fold(0.0, f64::max);
        let outages = n
            .outages
            .iter()
            .map(|o| o.to_ms)
            .chain(n.rack_outages.iter().map(|o| o.to_ms))
            .chain(m.outages.iter().map(|o| o.to_ms))
            .max()
            .unwrap_or(0) as f64;
        // Clones: a replica of every chunk for each node that can die (an
        // outage each; a rack's takes its nodes), and for each placed
        // replica found corrupt or copied to a node that was down.
        let deaths = n.outages.len() as f64 + (n.rack_outages.len() * n.count as usize) as f64;
        let clones = chunks * (2.0 * m.replication as f64 + deaths);
        let repairs = if m.repair {
            libm::ceil(clones / m.max_clones.max(1) as f64) * w.chunk_mb / m.clone_mb_per_s.max(1e-9) * 1000.0
        } else {
            0.0
        };
        w.every_ms as f64 * w.files as f64
            + side_max
            + outages
            + transfer
            + m.latency_ms as f64
            + repairs
            + 2.0 * m.heartbeat.interval_ms as f64
            + self.settle_ms as f64
    }

    pub fn validate_within(&self, allowed: WorkLimits) -> Result<(), Vec<ConfigError>> {
        let mut c = Checker::default();
        let w = &self.workload;
        c.int("workload.files", w.files as u64, 1, 10_000);
        c.int("workload.chunks_per_file", w.chunks_per_file as u64, 1, 100_000);
        c.real("workload.chunk_mb", w.chunk_mb, 0.001, 4_096.0);
        c.int("workload.every_ms", w.every_ms, 0, limits::MAX_MS);
        let n = &self.nodes;
        c.int("nodes.count", n.count as u64, 1, limits::MAX_NODES);
        c.int(
            "nodes.racks",
            n.racks as u64,
            1,
            limits::MAX_RACKS.min(n.count.max(1) as u64),
        );
        c.int("nodes.latency_ms", n.latency_ms, 0, 600_000);
        c.int("nodes.latency_sd_ms", n.latency_sd_ms, 0, 600_000);
        c.require(
            n.latency_sd_ms == 0 || n.latency_shape == LatencyShape::Normal,
            "nodes.latency_sd_ms",
            "error.sd_needs_normal",
        );
        c.real("nodes.mb_per_s", n.mb_per_s, 0.001, 100_000.0);
        c.real("nodes.failure_rate", n.failure_rate, 0.0, 1.0);
        c.real("nodes.corrupt_rate", n.corrupt_rate, 0.0, 1.0);
        c.int("nodes.slow_ms", n.slow_ms, 0, limits::MAX_MS);
        c.int("nodes.outages.length", n.outages.len() as u64, 0, 100);
        for (i, o) in n.outages.iter().enumerate() {
            let f = format!("nodes.outages[{i}]");
            c.int(&format!("{f}.node"), o.node as u64, 1, n.count.max(1) as u64);
            c.int(&format!("{f}.from_ms"), o.from_ms, 0, limits::MAX_MS);
            c.int(&format!("{f}.to_ms"), o.to_ms, 0, limits::MAX_MS);
            c.require(o.to_ms > o.from_ms, &f, "error.outage_order");
        }
        c.int("nodes.rack_outages.length", n.rack_outages.len() as u64, 0, 20);
        for (i, o) in n.rack_outages.iter().enumerate() {
            let f = format!("nodes.rack_outages[{i}]");
            c.int(&format!("{f}.rack"), o.rack as u64, 1, n.racks.max(1) as u64);
            c.int(&format!("{f}.from_ms"), o.from_ms, 0, limits::MAX_MS);
            c.int(&format!("{f}.to_ms"), o.to_ms, 0, limits::MAX_MS);
            c.require(o.to_ms > o.from_ms, &f, "error.outage_order");
        }
        for (i, s) in n.slow.iter().enumerate() {
            c.int(&format!("nodes.slow[{i}]"), *s as u64, 1, n.count.max(1) as u64);
        }
        for (i, s) in n.corrupt_chunks.iter().enumerate() {
            c.int(
                &format!("nodes.corrupt_chunks[{i}]"),
                *s as u64,
                1,
                w.chunks_per_file.max(1) as u64,
            );
        }
        let m = &self.metadata;
        c.int(
            "metadata.replication",
            m.replication as u64,
            1,
            limits::MAX_REPLICATION.min(n.count.max(1) as u64),
        );
        if m.placement == Placement::RackAware {
            c.require(n.racks >= 2, "metadata.placement", "error.rack_aware_needs_racks");
        }
        c.int("metadata.latency_ms", m.latency_ms, 0, 600_000);
        Window::check_all(&m.outages, &mut c, "metadata.outages");
        m.heartbeat.check(&mut c, "metadata.heartbeat");
        c.int("metadata.max_clones", m.max_clones as u64, 1, 1_000);
        c.real("metadata.clone_mb_per_s", m.clone_mb_per_s, 0.001, 100_000.0);
        c.int("settle_ms", self.settle_ms, 0, limits::MAX_MS);
        for (side, s) in [("client", Some(&self.client)), ("compare", self.compare.as_ref())] {
            let Some(s) = s else { continue };
            c.int(&format!("{side}.workers"), s.workers as u64, 1, limits::MAX_WORKERS);
            c.int(
                &format!("{side}.retry.max_attempts"),
                s.retry.max_attempts as u64,
                1,
                limits::MAX_ATTEMPTS,
            );
            c.int(&format!("{side}.retry.base_ms"), s.retry.base_ms, 0, 600_000);
            c.int(&format!("{side}.retry.cap_ms"), s.retry.cap_ms, 0, 600_000);
            c.real(&format!("{side}.retry.multiplier"), s.retry.multiplier, 1.0, 10.0);
            c.int(
                &format!("{side}.attempt_timeout_ms"),
                s.attempt_timeout_ms,
                1,
                limits::MAX_MS,
            );
            c.int(&format!("{side}.breaker_failures"), s.breaker_failures as u64, 0, 100);
            c.int(&format!("{side}.breaker_open_ms"), s.breaker_open_ms, 1, limits::MAX_MS);
        }
        c.finish()?;
        // The work: chunks × tries, and heartbeats over the run.
        let mut c = Checker::default();
        let chunks = self.chunks() as f64;
        let scale = allowed.calls / WorkLimits::LINK.calls;
        if chunks > limits::MAX_CHUNKS * scale {
            c.push(
                "workload",
                Problem::TooMuchWork {
                    key: "error.work_chunks",
                    got: chunks,
                    max: limits::MAX_CHUNKS * scale,
                    lower: vec!["workload.files".into(), "workload.chunks_per_file".into()],
                },
            );
        }
        let beats = self.nodes.count as f64 * self.horizon_ms() / self.metadata.heartbeat.interval_ms.max(1) as f64
            * self.sides().len() as f64;
        if beats.is_nan() || beats > limits::MAX_HEARTBEATS * scale {
            c.push(
                "config",
                Problem::TooMuchWork {
                    key: "error.work_heartbeats",
                    got: beats,
                    max: limits::MAX_HEARTBEATS * scale,
                    lower: vec![
                        "nodes.count".into(),
                        "settle_ms".into(),
                        "metadata.heartbeat.interval_ms".into(),
                    ],
                },
            );
        }
        c.finish()
    }
}

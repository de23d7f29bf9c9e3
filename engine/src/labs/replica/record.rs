//! What the replica-failover lab traces, and how each record reads in the
//! log — in the style of the course text's: "chunk 0 sent to node_1
//! (attempt 1)", "attempt 1 failed for chunk 1: node node_2 unavailable",
//! "final failure uploading chunk 2 after 3 attempts".

use crate::i18n::{t, tf, Lang};
use crate::patterns::detector::Health;
use crate::trace::Narrate;

/// Why an attempt failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Failure {
    /// The node is down.
    Unavailable,
    /// The node answered an error.
    Error,
    /// No answer within the attempt's timeout (a slow node).
    TimedOut,
    /// The replica's checksum did not match (download).
    Checksum,
    /// The node no longer has the replica (download).
    Missing,
}

impl Failure {
    pub fn key(self) -> &'static str {
        match self {
            Failure::Unavailable => "unavailable",
            Failure::Error => "error",
            Failure::TimedOut => "timed_out",
            Failure::Checksum => "checksum",
            Failure::Missing => "missing",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReplicaRecord {
    /// An attempt of a chunk starts on a node (0-based numbers).
    Attempt {
        chunk: u32,
        attempt: u32,
        node: u32,
    },
    AttemptFailed {
        chunk: u32,
        attempt: u32,
        node: u32,
        why: Failure,
    },
    ChunkOk {
        chunk: u32,
        node: u32,
        attempt: u32,
    },
    ChunkFailed {
        chunk: u32,
        attempts: u32,
    },
    /// The transfer stops: one chunk failed and nothing more is tried.
    Aborted {
        chunk: u32,
    },
    /// A report reached the metadata server (about a node, or a corrupt replica of `chunk`).
    Reported {
        node: u32,
        chunk: Option<u32>,
    },
    /// The metadata server changed its mind about a node.
    Health {
        node: u32,
        health: Health,
    },
    Cloned {
        chunk: u32,
        node: u32,
    },
    Lost {
        chunk: u32,
    },
    MetadataWait {
        chunk: u32,
    },
    BreakerOpen {
        node: u32,
    },
}

impl Narrate for ReplicaRecord {
    fn narrate(&self, lang: Lang) -> String {
        use ReplicaRecord::*;
        let node = |n: u32| format!("node_{}", n + 1);
        match *self {
            Attempt {
                chunk,
                attempt,
                node: n,
            } => tf(
                lang,
                "log.replica.attempt",
                &[("chunk", &chunk), ("node", &node(n)), ("attempt", &attempt)],
            ),
            AttemptFailed {
                chunk,
                attempt,
                node: n,
                why,
            } => tf(
                lang,
                "log.replica.attempt_failed",
                &[
                    ("chunk", &chunk),
                    ("node", &node(n)),
                    ("attempt", &attempt),
                    ("why", &t(lang, &format!("replica.failure.{}", why.key()))),
                ],
            ),
            ChunkOk {
                chunk,
                node: n,
                attempt,
            } => tf(
                lang,
                "log.replica.chunk_ok",
                &[("chunk", &chunk), ("node", &node(n)), ("attempt", &attempt)],
            ),
            ChunkFailed { chunk, attempts } => tf(
                lang,
                "log.replica.chunk_failed",
                &[("chunk", &chunk), ("attempts", &attempts)],
            ),
            Aborted { chunk } => tf(lang, "log.replica.aborted", &[("chunk", &chunk)]),
            Reported { node: n, chunk: None } => tf(lang, "log.replica.reported", &[("node", &node(n))]),
            Reported {
                node: n,
                chunk: Some(c),
            } => tf(
                lang,
                "log.replica.reported_corrupt",
                &[("node", &node(n)), ("chunk", &c)],
            ),
            Health { node: n, health } => tf(
                lang,
                match health {
                    crate::patterns::detector::Health::Alive => "log.replica.alive",
                    crate::patterns::detector::Health::Suspect => "log.replica.suspect",
                    crate::patterns::detector::Health::Dead => "log.replica.dead",
                },
                &[("node", &node(n))],
            ),
            Cloned { chunk, node: n } => tf(lang, "log.replica.cloned", &[("chunk", &chunk), ("node", &node(n))]),
            Lost { chunk } => tf(lang, "log.replica.lost", &[("chunk", &chunk)]),
            MetadataWait { chunk } => tf(lang, "log.replica.metadata_wait", &[("chunk", &chunk)]),
            BreakerOpen { node: n } => tf(lang, "log.replica.breaker_open", &[("node", &node(n))]),
        }
    }
}

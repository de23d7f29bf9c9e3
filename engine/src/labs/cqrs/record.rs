//! What the CQRS lab traces, and how each record reads in the log (in the
//! style of the course text's console: "order created", "query database
//! updated", "order not found", "status: Pending").

use super::config::Status;
use crate::i18n::{t, tf, Lang};
use crate::trace::Narrate;

/// How a query's answer compares with the write side when it is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReadOutcome {
    /// The latest committed version.
    Fresh,
    /// An older version than the latest committed.
    Stale,
    /// The write side has the order; the read side does not yet.
    NotFound,
    /// No side has it yet (the create has not committed).
    Absent,
    /// Read-your-writes gave up and answered an error.
    Error,
}

impl ReadOutcome {
    pub fn key(self) -> &'static str {
        match self {
            ReadOutcome::Fresh => "fresh",
            ReadOutcome::Stale => "stale",
            ReadOutcome::NotFound => "not_found",
            ReadOutcome::Absent => "absent",
            ReadOutcome::Error => "error",
        }
    }
}

/// Why a command was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rejection {
    Unknown,
    Cancelled,
    OutOfStock,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CqrsRecord {
    /// The write store committed a version of an order (0-based order).
    Committed {
        order: u32,
        version: u32,
        status: Status,
    },
    /// A command was rejected (`order` u32::MAX for a create).
    Rejected {
        order: u32,
        why: Rejection,
    },
    /// The details projection (the query database) has this version.
    Applied {
        order: u32,
        version: u32,
        status: Status,
    },
    /// A query was answered.
    Read {
        user: u32,
        order: u32,
        outcome: ReadOutcome,
        version: u32,
        status: Status,
        /// The history projection on the same screen showed another version.
        mixed: bool,
        /// From asking to this answer (waits and polls included).
        took_us: u64,
        /// The copy that answered: 0 the read model (or the one store), `r`
        /// read replica R`r` (the load balancer's pick).
        copy: u8,
        /// Older than a version this reader had already seen of the order:
        /// time went backwards for them (a slower replica answered).
        back: bool,
    },
    /// A query waits for the read side to have a version.
    Waiting {
        user: u32,
        order: u32,
        version: u32,
    },
    WaitTimedOut {
        user: u32,
        order: u32,
    },
    /// A projector crashed and rebuilds its copy from the log.
    Crashed {
        projection: u8,
    },
    Rebuilt {
        projection: u8,
    },
    /// The products service applied a stock update (`duplicate`: a second copy of one).
    StockApplied {
        sale: u64,
        units: i64,
        duplicate: bool,
    },
    StockDuplicateIgnored {
        sale: u64,
    },
    /// The history projection (a second read copy, on the same screen as
    /// the details) has this version. Last, so the other records keep their
    /// place in the trace's digest.
    HistoryApplied {
        order: u32,
        version: u32,
    },
    /// Read replica `replica` (0-based; "R1" is 0) has this version of the
    /// details. After the others, so they keep their place in the digest.
    ReplicaApplied {
        replica: u8,
        order: u32,
        version: u32,
    },
}

fn status(lang: Lang, s: Status) -> String {
    t(lang, &format!("cqrs.status.{}", s.key())).to_string()
}

impl Narrate for CqrsRecord {
    fn narrate(&self, lang: Lang) -> String {
        use CqrsRecord::*;
        match *self {
            Committed {
                order,
                version,
                status: s,
            } => {
                let key = if version == 1 {
                    "log.cqrs.created"
                } else if s == Status::Cancelled {
                    "log.cqrs.cancelled"
                } else {
                    "log.cqrs.updated"
                };
                tf(lang, key, &[("order", &(order + 1)), ("status", &status(lang, s))])
            }
            Rejected { order, why } => match why {
                Rejection::OutOfStock => t(lang, "log.cqrs.rejected_stock").to_string(),
                Rejection::Unknown => tf(lang, "log.cqrs.rejected_unknown", &[("order", &(order + 1))]),
                Rejection::Cancelled => tf(lang, "log.cqrs.rejected_cancelled", &[("order", &(order + 1))]),
            },
            Applied {
                order,
                version,
                status: s,
            } => tf(
                lang,
                "log.cqrs.applied",
                &[
                    ("order", &(order + 1)),
                    ("version", &version),
                    ("status", &status(lang, s)),
                ],
            ),
            Read {
                user,
                order,
                outcome,
                version,
                status: s,
                mixed,
                ..
            } => {
                let key = match outcome {
                    ReadOutcome::Fresh => "log.cqrs.read_fresh",
                    ReadOutcome::Stale => "log.cqrs.read_stale",
                    ReadOutcome::NotFound | ReadOutcome::Absent => "log.cqrs.read_not_found",
                    ReadOutcome::Error => "log.cqrs.read_error",
                };
                let mut line = tf(
                    lang,
                    key,
                    &[
                        ("user", &user),
                        ("order", &(order + 1)),
                        ("version", &version),
                        ("status", &status(lang, s)),
                    ],
                );
                if mixed {
                    line.push(' ');
                    line.push_str(t(lang, "log.cqrs.mixed"));
                }
                line
            }
            Waiting { user, order, version } => tf(
                lang,
                "log.cqrs.waiting",
                &[("user", &user), ("order", &(order + 1)), ("version", &version)],
            ),
            WaitTimedOut { user, order } => tf(
                lang,
                "log.cqrs.wait_timed_out",
                &[("user", &user), ("order", &(order + 1))],
            ),
            Crashed { .. } => t(lang, "log.cqrs.crashed").to_string(),
            Rebuilt { .. } => t(lang, "log.cqrs.rebuilt").to_string(),
            StockApplied { sale, units, duplicate } => tf(
                lang,
                if duplicate {
                    "log.cqrs.stock_duplicate"
                } else {
                    "log.cqrs.stock_applied"
                },
                &[("sale", &(sale + 1)), ("units", &units)],
            ),
            HistoryApplied { order, version } => tf(
                lang,
                "log.cqrs.history_applied",
                &[("order", &(order + 1)), ("version", &version)],
            ),
            StockDuplicateIgnored { sale } => tf(lang, "log.cqrs.stock_ignored", &[("sale", &(sale + 1))]),
            ReplicaApplied {
                replica,
                order,
                version,
            } => tf(
                lang,
                "log.cqrs.replica_applied",
                &[("n", &(replica + 1)), ("order", &(order + 1)), ("version", &version)],
            ),
        }
    }
}

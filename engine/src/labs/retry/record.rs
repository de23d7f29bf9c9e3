//! What the retry lab writes into its trace, and how each record reads in
//! plain language (the log lines of the course text, in glyphs every font has: ✔ ⚠ ✘).

use crate::i18n::{t, tf, tn, Lang};
use crate::patterns::breaker::BreakerState;
use crate::time::human_ms_in;
use crate::trace::Narrate;
use serde::Serialize;

pub use crate::patterns::service::CallError;

/// Why a request stopped trying.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GiveUpReason {
    Attempts,
    Deadline,
    Permanent,
    Budget,
    BreakerOpen,
}

impl GiveUpReason {
    pub const ALL: [GiveUpReason; 5] = [
        GiveUpReason::Attempts,
        GiveUpReason::Deadline,
        GiveUpReason::Permanent,
        GiveUpReason::Budget,
        GiveUpReason::BreakerOpen,
    ];

    pub fn key(self) -> &'static str {
        match self {
            GiveUpReason::Attempts => "give_up.attempts",
            GiveUpReason::Deadline => "give_up.deadline",
            GiveUpReason::Permanent => "give_up.permanent",
            GiveUpReason::Budget => "give_up.budget",
            GiveUpReason::BreakerOpen => "give_up.breaker_open",
        }
    }

    /// The stable metric key.
    pub fn metric(self) -> &'static str {
        match self {
            GiveUpReason::Attempts => "attempts",
            GiveUpReason::Deadline => "deadline",
            GiveUpReason::Permanent => "permanent",
            GiveUpReason::Budget => "budget",
            GiveUpReason::BreakerOpen => "breaker_open",
        }
    }
}

/// The catalogue key of a breaker state's name.
pub fn breaker_state_key(s: BreakerState) -> &'static str {
    match s {
        BreakerState::Closed => "breaker.closed",
        BreakerState::Open => "breaker.open",
        BreakerState::HalfOpen => "breaker.half_open",
    }
}

/// One line of the retry lab's trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RetryRecord {
    Arrived {
        req: u32,
        client: u32,
    },
    AttemptStarted {
        req: u32,
        attempt: u32,
        node: u32,
    },
    AttemptSucceeded {
        req: u32,
        attempt: u32,
        node: u32,
        latency_us: u64,
    },
    AttemptFailed {
        req: u32,
        attempt: u32,
        node: u32,
        error: CallError,
    },
    RetryScheduled {
        req: u32,
        attempt: u32,
        wait_us: u64,
    },
    GaveUp {
        req: u32,
        attempts: u32,
        reason: GiveUpReason,
    },
    Breaker {
        from: BreakerState,
        to: BreakerState,
    },
}

/// `node_1`, `node_2`, … (1-based, as in the course text).
pub fn node_name(node: u32) -> String {
    format!("node_{}", node + 1)
}

impl RetryRecord {
    /// The request this record is about, if any.
    pub fn request(&self) -> Option<u32> {
        match *self {
            RetryRecord::Arrived { req, .. }
            | RetryRecord::AttemptStarted { req, .. }
            | RetryRecord::AttemptSucceeded { req, .. }
            | RetryRecord::AttemptFailed { req, .. }
            | RetryRecord::RetryScheduled { req, .. }
            | RetryRecord::GaveUp { req, .. } => Some(req),
            RetryRecord::Breaker { .. } => None,
        }
    }

    /// A short tag for styling and filtering: `ok`, `fail`, `wait`, `give-up`, …
    pub fn tone(&self) -> &'static str {
        match self {
            RetryRecord::Arrived { .. } | RetryRecord::AttemptStarted { .. } => "info",
            RetryRecord::AttemptSucceeded { .. } => "ok",
            RetryRecord::AttemptFailed { .. } => "fail",
            RetryRecord::RetryScheduled { .. } => "wait",
            RetryRecord::GaveUp { .. } => "give-up",
            RetryRecord::Breaker { .. } => "breaker",
        }
    }
}

impl Narrate for RetryRecord {
    fn narrate(&self, lang: Lang) -> String {
        match *self {
            RetryRecord::Arrived { req, client } => {
                tf(lang, "log.arrived", &[("req", &req), ("client", &(client + 1))])
            }
            RetryRecord::AttemptStarted { req, attempt, node } => tf(
                lang,
                "log.attempt_started",
                &[("req", &req), ("attempt", &attempt), ("node", &node_name(node))],
            ),
            RetryRecord::AttemptSucceeded {
                req,
                attempt,
                node,
                latency_us,
            } => tf(
                lang,
                "log.attempt_ok",
                &[
                    ("req", &req),
                    ("attempt", &attempt),
                    ("node", &node_name(node)),
                    ("latency", &human_ms_in(lang, latency_us as f64 / 1000.0)),
                ],
            ),
            RetryRecord::AttemptFailed {
                req,
                attempt,
                node,
                error,
            } => tf(
                lang,
                "log.attempt_failed",
                &[
                    ("req", &req),
                    ("attempt", &attempt),
                    ("node", &node_name(node)),
                    ("error", &t(lang, error.key())),
                ],
            ),
            RetryRecord::RetryScheduled { req, attempt, wait_us } => {
                if wait_us == 0 {
                    tf(lang, "log.retry_now", &[("req", &req), ("attempt", &attempt)])
                } else {
                    tf(
                        lang,
                        "log.retry_later",
                        &[
                            ("req", &req),
                            ("attempt", &attempt),
                            ("wait", &human_ms_in(lang, wait_us as f64 / 1000.0)),
                        ],
                    )
                }
            }
            // "after 1 attempt", "after 3 attempts"; none when the breaker
            // turned the request away before its first call.
            RetryRecord::GaveUp {
                req,
                attempts: 0,
                reason,
            } => tf(
                lang,
                "log.gave_up_unsent",
                &[("req", &req), ("reason", &t(lang, reason.key()))],
            ),
            RetryRecord::GaveUp { req, attempts, reason } => tn(
                lang,
                "log.gave_up",
                attempts as u64,
                &[
                    ("req", &req),
                    ("attempts", &attempts),
                    ("reason", &t(lang, reason.key())),
                ],
            ),
            RetryRecord::Breaker { from, to } => tf(
                lang,
                "log.breaker",
                &[
                    ("from", &t(lang, breaker_state_key(from))),
                    ("to", &t(lang, breaker_state_key(to))),
                ],
            ),
        }
    }
}

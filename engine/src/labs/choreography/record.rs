//! What the choreography lab traces, and how each record reads in the log
//! (in the style of the course text's console: "inventory reserved",
//! "payment rejected", "delivery scheduled", "order cancelled").

use super::config::{Step, Topic};
use crate::i18n::{t, tf, Lang};
use crate::trace::Narrate;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChoreoRecord {
    Placed {
        order: u32,
    },
    /// A service (or the order API) published an event.
    Published {
        order: u32,
        topic: Topic,
    },
    /// The bus dropped a message: no one will receive it.
    Lost {
        order: u32,
        kind: u8,
    },
    /// A service did its step.
    /// A service did its step (attempt `attempt`, handling it took `took_us`).
    StepDone {
        order: u32,
        step: Step,
        attempt: u32,
        took_us: u64,
    },
    StepFailed {
        order: u32,
        step: Step,
        attempt: u32,
        permanent: bool,
        took_us: u64,
    },
    /// Redelivery gave up: the message is parked, the order goes no further.
    DeadLetter {
        order: u32,
        step: Step,
    },
    /// A service ignored a message (a copy it had handled, or an order it knows is over).
    Ignored {
        order: u32,
        step: Step,
    },
    Completed {
        order: u32,
    },
    CustomerCancels {
        order: u32,
    },
    CancelRefused {
        order: u32,
    },
    Shipped {
        order: u32,
    },
    /// The orchestrator sent a command.
    Command {
        order: u32,
        step: Step,
        /// The try of `step`; for a notification (never retried), which of
        /// the order's notices it is.
        attempt: u32,
    },
    TimedOut {
        order: u32,
        step: Step,
        attempt: u32,
    },
    GaveUp {
        order: u32,
        step: Step,
    },
    /// The timeout watcher flagged an order that made no progress.
    Flagged {
        order: u32,
    },
    /// A service said no: the charge was declined, or the item is out of
    /// stock. Its answer (payment_rejected, out_of_stock) goes on from here.
    /// Last, so the other records keep their place in the trace's digest.
    Declined {
        order: u32,
        step: Step,
    },
    /// The parcel left for an order the customer had cancelled: a delivery
    /// booking was still in place (a duplicate booked twice by a service that
    /// is not idempotent, or a cancellation that had not reached delivery).
    ShippedCancelled {
        order: u32,
    },
}

impl ChoreoRecord {
    pub fn order(&self) -> u32 {
        use ChoreoRecord::*;
        match *self {
            Placed { order }
            | Published { order, .. }
            | Lost { order, .. }
            | StepDone { order, .. }
            | StepFailed { order, .. }
            | DeadLetter { order, .. }
            | Ignored { order, .. }
            | Completed { order }
            | CustomerCancels { order }
            | CancelRefused { order }
            | Shipped { order }
            | ShippedCancelled { order }
            | Command { order, .. }
            | TimedOut { order, .. }
            | GaveUp { order, .. }
            | Flagged { order }
            | Declined { order, .. } => order,
        }
    }
}

fn step(lang: Lang, s: Step) -> String {
    t(lang, &format!("choreo.step.{}", s.key())).to_string()
}

impl Narrate for ChoreoRecord {
    fn narrate(&self, lang: Lang) -> String {
        use ChoreoRecord::*;
        let o = self.order() + 1;
        match *self {
            Placed { .. } => tf(lang, "log.choreo.placed", &[("order", &o)]),
            Published { topic, .. } => tf(lang, "log.choreo.published", &[("order", &o), ("topic", &topic.key())]),
            Lost { .. } => tf(lang, "log.choreo.lost", &[("order", &o)]),
            StepDone { step: s, .. } => tf(lang, "log.choreo.step_done", &[("order", &o), ("step", &step(lang, s))]),
            StepFailed {
                step: s,
                attempt,
                permanent,
                ..
            } => tf(
                lang,
                if permanent {
                    "log.choreo.step_failed_permanent"
                } else {
                    "log.choreo.step_failed"
                },
                &[("order", &o), ("step", &step(lang, s)), ("attempt", &attempt)],
            ),
            DeadLetter { step: s, .. } => tf(
                lang,
                "log.choreo.dead_letter",
                &[("order", &o), ("step", &step(lang, s))],
            ),
            Ignored { step: s, .. } => tf(lang, "log.choreo.ignored", &[("order", &o), ("step", &step(lang, s))]),
            Completed { .. } => tf(lang, "log.choreo.completed", &[("order", &o)]),
            CustomerCancels { .. } => tf(lang, "log.choreo.customer_cancels", &[("order", &o)]),
            CancelRefused { .. } => tf(lang, "log.choreo.cancel_refused", &[("order", &o)]),
            Shipped { .. } => tf(lang, "log.choreo.shipped", &[("order", &o)]),
            ShippedCancelled { .. } => tf(lang, "log.choreo.shipped_cancelled", &[("order", &o)]),
            // A notification is never retried: its number counts the
            // order's notices ("attempt 2, 3, 4" read as failures).
            Command { step: s, attempt, .. } => tf(
                lang,
                if matches!(s, Step::Notify | Step::Record) {
                    "log.choreo.notice"
                } else {
                    "log.choreo.command"
                },
                &[("order", &o), ("step", &step(lang, s)), ("attempt", &attempt)],
            ),
            TimedOut { step: s, attempt, .. } => tf(
                lang,
                "log.choreo.timed_out",
                &[("order", &o), ("step", &step(lang, s)), ("attempt", &attempt)],
            ),
            GaveUp { step: s, .. } => tf(lang, "log.choreo.gave_up", &[("order", &o), ("step", &step(lang, s))]),
            Flagged { .. } => tf(lang, "log.choreo.flagged", &[("order", &o)]),
            Declined { step: s, .. } => tf(
                lang,
                if s == Step::Reserve {
                    "log.choreo.out_of_stock"
                } else {
                    "log.choreo.declined"
                },
                &[("order", &o), ("step", &step(lang, s))],
            ),
        }
    }
}

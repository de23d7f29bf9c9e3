//! The choreography lab's counters and its metrics (stable JSON keys).

use super::model::{ChoreoModel, Standing, ORCHESTRATOR};
use crate::stats::{Bucket, Histogram, Series};
use crate::time::{SimDuration, SimTime};
use serde::Serialize;
use std::collections::BTreeMap;

/// One slice of time: what happened to orders in it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Slice {
    pub placed: u32,
    /// Orders that became completed in the slice…
    pub completed: u32,
    /// …and completed orders that stopped being so (a cancellation after
    /// the delivery was scheduled).
    pub uncompleted: u32,
    /// Steps undone (release, refund, cancel delivery) that undid something.
    pub compensations: u32,
    pub messages: u32,
}

impl Bucket for Slice {
    fn merge(&mut self, o: &Self) {
        self.placed += o.placed;
        self.completed += o.completed;
        self.uncompleted += o.uncompleted;
        self.compensations += o.compensations;
        self.messages += o.messages;
    }
}

/// Counters a run keeps as it goes.
#[derive(Clone, Debug)]
pub struct ChoreoStats {
    pub orders: u64,
    pub messages: u64,
    pub lost: u64,
    pub dead_letters: u64,
    pub duplicate_effects: u64,
    pub compensations: u64,
    pub notifications: u64,
    pub cancel_requests: u64,
    /// Messages delivered to each service for the first time (attempt 1),
    /// by consumer index: what the dead-letter prediction multiplies.
    pub first_deliveries: [u64; 9],
    /// From an order's last progress to someone noticing it stalled.
    pub detection: Histogram,
    /// Over time (widening as the run goes on), for the charts.
    pub series: Series<Slice>,
}

impl Default for ChoreoStats {
    fn default() -> Self {
        ChoreoStats {
            orders: 0,
            messages: 0,
            lost: 0,
            dead_letters: 0,
            duplicate_effects: 0,
            compensations: 0,
            notifications: 0,
            cancel_requests: 0,
            first_deliveries: [0; 9],
            detection: Histogram::default(),
            series: Series::new(SimDuration::from_ms(100)),
        }
    }
}

impl ChoreoStats {
    pub fn slice(&mut self, t: SimTime) -> &mut Slice {
        self.series.at(t)
    }
    pub fn on_detect(&mut self, d: SimDuration) {
        self.detection.record(d);
    }
}

/// One service's counters.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceMetrics {
    pub processed: u64,
    pub failed: u64,
    pub queue_peak: u64,
}

/// What `playground run` prints for one side (keys documented in the README).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChoreoMetrics {
    pub orders: u64,
    pub completed: u64,
    pub compensated: u64,
    pub cancelled_by_customer: u64,
    pub out_of_stock: u64,
    pub in_progress: u64,
    pub stuck: u64,
    pub inconsistent: u64,
    pub messages: u64,
    pub messages_per_order: f64,
    pub lost_messages: u64,
    pub dead_letters: u64,
    pub compensations: u64,
    pub duplicate_effects: u64,
    pub notifications: u64,
    pub detected: u64,
    pub detection_p50_ms: Option<f64>,
    pub detection_p95_ms: Option<f64>,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub stock_left: u64,
    /// Rows of "who listens to what" the flow needs: the wiring's in
    /// choreography, none in orchestration (the flow is the orchestrator's).
    pub subscriptions: u64,
    pub services: BTreeMap<&'static str, ServiceMetrics>,
}

fn round1(v: f64) -> f64 {
    libm::round(v * 10.0) / 10.0
}

impl ChoreoModel {
    pub fn metrics(&self) -> ChoreoMetrics {
        let s = self.stats();
        let mut count = BTreeMap::new();
        for o in self.orders() {
            *count.entry(standing_key(o.standing())).or_insert(0u64) += 1;
        }
        let n = |k: &str| count.get(k).copied().unwrap_or(0);
        // Times to complete, of the orders counted completed: "Completed 0"
        // stood beside "Time to complete, p50 248 ms" when every customer
        // cancelled after the delivery was scheduled.
        let mut completion = Histogram::default();
        for o in self.orders().iter().filter(|o| o.standing() == Standing::Completed) {
            if let Some(at) = o.completed_at {
                completion.record(at.since(o.placed));
            }
        }
        let ms = |h: &Histogram, q: f64| h.quantile(q).map(|d| round1(d.as_ms_f64()));
        let mut services = BTreeMap::new();
        for sid in self.config().services.in_flow() {
            let c = self.consumer(sid.index());
            services.insert(
                sid.key(),
                ServiceMetrics {
                    processed: c.processed,
                    failed: c.failed,
                    queue_peak: c.queue_peak as u64,
                },
            );
        }
        if self.mode() == super::config::Mode::Orchestration {
            let c = self.consumer(ORCHESTRATOR);
            services.insert(
                "orchestrator",
                ServiceMetrics {
                    processed: c.processed,
                    failed: c.failed,
                    queue_peak: c.queue_peak as u64,
                },
            );
        }
        ChoreoMetrics {
            orders: s.orders,
            completed: n("completed"),
            compensated: n("compensated"),
            cancelled_by_customer: n("cancelled_by_customer"),
            out_of_stock: n("out_of_stock"),
            in_progress: n("in_progress"),
            stuck: n("stuck"),
            inconsistent: self.orders().iter().filter(|o| o.is_inconsistent()).count() as u64,
            messages: s.messages,
            messages_per_order: if s.orders == 0 {
                0.0
            } else {
                libm::round(s.messages as f64 / s.orders as f64 * 100.0) / 100.0
            },
            lost_messages: s.lost,
            dead_letters: s.dead_letters,
            compensations: s.compensations,
            duplicate_effects: s.duplicate_effects,
            notifications: s.notifications,
            detected: s.detection.count(),
            detection_p50_ms: ms(&s.detection, 0.5),
            detection_p95_ms: ms(&s.detection, 0.95),
            p50_ms: ms(&completion, 0.5),
            p95_ms: ms(&completion, 0.95),
            p99_ms: ms(&completion, 0.99),
            stock_left: self.stock() as u64,
            subscriptions: match self.mode() {
                super::config::Mode::Choreography => self.config().wiring.len() as u64,
                super::config::Mode::Orchestration => 0,
            },
            services,
        }
    }
}

/// The metric key of a standing.
pub fn standing_key(s: Standing) -> &'static str {
    match s {
        Standing::Completed => "completed",
        Standing::CancelledByCustomer => "cancelled_by_customer",
        Standing::Compensated => "compensated",
        Standing::OutOfStock => "out_of_stock",
        Standing::InProgress => "in_progress",
        Standing::Stuck => "stuck",
    }
}

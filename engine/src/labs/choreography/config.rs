//! The choreography lab's configuration: orders, the world they meet (stock,
//! rejected payments, customers who cancel, a bus and four services with
//! their faults), who listens to what, and how the flow is coordinated.

use crate::patterns::bus::BusConfig;
use crate::patterns::service::{LatencyShape, ServiceConfig};
use crate::validate::{Checker, ConfigError, Problem, WorkLimits};
use serde::{Deserialize, Serialize};

/// The events of the order flow, as the services publish them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    OrderPlaced,
    InventoryReserved,
    OutOfStock,
    PaymentProcessed,
    PaymentRejected,
    DeliveryScheduled,
    OrderCancelled,
    DeliveryCancelled,
    PaymentRefunded,
    InventoryReleased,
    // The larger flow's events (a fraud check, loyalty points, invoices).
    FraudCleared,
    PointsAwarded,
    PointsRevoked,
    InvoiceIssued,
    InvoiceVoided,
}

impl Topic {
    pub const ALL: [Topic; 10] = [
        Topic::OrderPlaced,
        Topic::InventoryReserved,
        Topic::OutOfStock,
        Topic::PaymentProcessed,
        Topic::PaymentRejected,
        Topic::DeliveryScheduled,
        Topic::OrderCancelled,
        Topic::DeliveryCancelled,
        Topic::PaymentRefunded,
        Topic::InventoryReleased,
    ];
    /// The larger flow's events, published only by its extra services.
    pub const EXTRA: [Topic; 5] = [
        Topic::FraudCleared,
        Topic::PointsAwarded,
        Topic::PointsRevoked,
        Topic::InvoiceIssued,
        Topic::InvoiceVoided,
    ];
    /// How many topics there are (the order flow's and the larger flow's).
    pub const COUNT: usize = 15;

    /// Every topic: the order flow's, then the larger flow's.
    pub fn every() -> impl Iterator<Item = Topic> {
        Topic::ALL.into_iter().chain(Topic::EXTRA)
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn key(self) -> &'static str {
        match self {
            Topic::OrderPlaced => "order_placed",
            Topic::InventoryReserved => "inventory_reserved",
            Topic::OutOfStock => "out_of_stock",
            Topic::PaymentProcessed => "payment_processed",
            Topic::PaymentRejected => "payment_rejected",
            Topic::DeliveryScheduled => "delivery_scheduled",
            Topic::OrderCancelled => "order_cancelled",
            Topic::DeliveryCancelled => "delivery_cancelled",
            Topic::PaymentRefunded => "payment_refunded",
            Topic::InventoryReleased => "inventory_released",
            Topic::FraudCleared => "fraud_cleared",
            Topic::PointsAwarded => "points_awarded",
            Topic::PointsRevoked => "points_revoked",
            Topic::InvoiceIssued => "invoice_issued",
            Topic::InvoiceVoided => "invoice_voided",
        }
    }
}

/// The services of the flow: the text's four, and the four a larger flow
/// adds (each only when its config is set: `services.fraud`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceId {
    Inventory,
    Payment,
    Delivery,
    Notification,
    /// Checks an order for fraud between stock and payment.
    Fraud,
    /// Awards loyalty points for a paid order (revokes them on a refund).
    Loyalty,
    /// Issues the invoice for a paid order (voids it on a refund).
    Invoicing,
    /// Records every event, like notifications.
    Analytics,
}

impl ServiceId {
    /// The text's four services.
    pub const ALL: [ServiceId; 4] = [
        ServiceId::Inventory,
        ServiceId::Payment,
        ServiceId::Delivery,
        ServiceId::Notification,
    ];
    /// The larger flow's services, in the order they join it.
    pub const EXTRA: [ServiceId; 4] = [
        ServiceId::Fraud,
        ServiceId::Loyalty,
        ServiceId::Invoicing,
        ServiceId::Analytics,
    ];

    /// The service's consumer on the bus: the text's four are 0–3, the
    /// orchestrator is 4, the larger flow's services 5–8.
    pub fn index(self) -> usize {
        match self {
            ServiceId::Inventory => 0,
            ServiceId::Payment => 1,
            ServiceId::Delivery => 2,
            ServiceId::Notification => 3,
            ServiceId::Fraud => 5,
            ServiceId::Loyalty => 6,
            ServiceId::Invoicing => 7,
            ServiceId::Analytics => 8,
        }
    }

    /// The service of consumer `i` (None: the orchestrator, or no one).
    pub fn of_consumer(i: usize) -> Option<ServiceId> {
        Self::ALL.into_iter().chain(Self::EXTRA).find(|s| s.index() == i)
    }

    pub fn key(self) -> &'static str {
        match self {
            ServiceId::Inventory => "inventory",
            ServiceId::Payment => "payment",
            ServiceId::Delivery => "delivery",
            ServiceId::Notification => "notification",
            ServiceId::Fraud => "fraud",
            ServiceId::Loyalty => "loyalty",
            ServiceId::Invoicing => "invoicing",
            ServiceId::Analytics => "analytics",
        }
    }

    /// What this service does when it hears `topic` (None: it has nothing
    /// to do with it, so it cannot listen to it).
    pub fn reaction(self, topic: Topic) -> Option<Step> {
        use ServiceId::*;
        use Topic::*;
        match (self, topic) {
            (Notification, _) => Some(Step::Notify),
            (Analytics, _) => Some(Step::Record),
            (Inventory, OrderPlaced) => Some(Step::Reserve),
            (Inventory, PaymentRejected | PaymentRefunded | OrderCancelled) => Some(Step::Release),
            (Fraud, InventoryReserved | OrderPlaced) => Some(Step::Screen),
            (Payment, InventoryReserved | OrderPlaced | FraudCleared) => Some(Step::Charge),
            (Loyalty, PaymentProcessed) => Some(Step::Award),
            (Loyalty, PaymentRefunded | OrderCancelled) => Some(Step::Revoke),
            (Invoicing, PaymentProcessed) => Some(Step::Invoice),
            (Invoicing, PaymentRefunded | OrderCancelled) => Some(Step::Void),
            (Payment, DeliveryCancelled | OrderCancelled) => Some(Step::Refund),
            (Delivery, PaymentProcessed | OrderPlaced) => Some(Step::Schedule),
            (Delivery, OrderCancelled) => Some(Step::CancelDelivery),
            _ => None,
        }
    }
}

/// One piece of work a service does for an order: the saga's steps, their
/// compensations, and notifying. The same step of the same order draws the
/// same faults whichever way the flow is coordinated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Reserve,
    Charge,
    Schedule,
    Release,
    Refund,
    CancelDelivery,
    Notify,
    // The larger flow's steps.
    /// Check the order for fraud (nothing to undo).
    Screen,
    Award,
    Invoice,
    Revoke,
    Void,
    /// Record an event (analytics).
    Record,
}

impl Step {
    pub fn index(self) -> u64 {
        self as u64
    }

    pub fn service(self) -> ServiceId {
        match self {
            Step::Reserve | Step::Release => ServiceId::Inventory,
            Step::Charge | Step::Refund => ServiceId::Payment,
            Step::Schedule | Step::CancelDelivery => ServiceId::Delivery,
            Step::Notify => ServiceId::Notification,
            Step::Screen => ServiceId::Fraud,
            Step::Award | Step::Revoke => ServiceId::Loyalty,
            Step::Invoice | Step::Void => ServiceId::Invoicing,
            Step::Record => ServiceId::Analytics,
        }
    }

    /// The step that undoes this one, for the saga's forward steps.
    pub fn compensation(self) -> Option<Step> {
        match self {
            Step::Reserve => Some(Step::Release),
            Step::Charge => Some(Step::Refund),
            Step::Schedule => Some(Step::CancelDelivery),
            Step::Award => Some(Step::Revoke),
            Step::Invoice => Some(Step::Void),
            _ => None,
        }
    }

    pub fn is_compensation(self) -> bool {
        matches!(
            self,
            Step::Release | Step::Refund | Step::CancelDelivery | Step::Revoke | Step::Void
        )
    }

    /// A step that only tells (notifications, analytics): no business state.
    pub fn is_side_note(self) -> bool {
        matches!(self, Step::Notify | Step::Record)
    }

    /// A forward step after the pivot (the payment): retried, never compensated.
    pub fn after_pivot(self) -> bool {
        matches!(self, Step::Schedule | Step::Award | Step::Invoice)
    }

    pub fn key(self) -> &'static str {
        match self {
            Step::Reserve => "reserve",
            Step::Charge => "charge",
            Step::Schedule => "schedule",
            Step::Release => "release",
            Step::Refund => "refund",
            Step::CancelDelivery => "cancel_delivery",
            Step::Notify => "notify",
            Step::Screen => "screen",
            Step::Award => "award",
            Step::Invoice => "invoice",
            Step::Revoke => "revoke",
            Step::Void => "void",
            Step::Record => "record",
        }
    }
}

/// How the services are coordinated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Each service reacts to events on the bus; no one owns the flow.
    #[default]
    Choreography,
    /// An orchestrator sends each service a command and waits for its reply.
    Orchestration,
}

/// When orders arrive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum OrderWorkload {
    /// One order at t = 0 (the text's demo).
    #[default]
    Single,
    /// Orders at random (Poisson) at `rate_per_s` for `duration_ms`.
    Poisson { rate_per_s: f64, duration_ms: u64 },
    /// `orders` orders spread evenly over `within_ms` (0: all at once).
    Burst { orders: u32, within_ms: u64 },
}

/// One row of "who listens to what".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listen {
    pub service: ServiceId,
    pub on: Topic,
}

/// The services, each a [`ServiceConfig`]: its latency is the time it takes
/// to handle one message, its failure rates and outages are its faults, its
/// `capacity` the messages it handles at once (0 = no limit; the others wait
/// in its queue). One node each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Services {
    pub inventory: ServiceConfig,
    pub payment: ServiceConfig,
    pub delivery: ServiceConfig,
    pub notification: ServiceConfig,
    /// The orchestrator (orchestration only).
    pub orchestrator: ServiceConfig,
    /// The larger flow's services: each takes part only when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fraud: Option<ServiceConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loyalty: Option<ServiceConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoicing: Option<ServiceConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analytics: Option<ServiceConfig>,
}

/// A service that handles a message in `ms` (log-normal) and never fails.
pub fn reliable(ms: u64) -> ServiceConfig {
    ServiceConfig {
        transient_failure_rate: 0.0,
        latency_ms: ms,
        latency_shape: LatencyShape::LogNormal,
        ..ServiceConfig::default()
    }
}

impl Default for Services {
    fn default() -> Self {
        Services {
            inventory: reliable(40),
            payment: reliable(80),
            delivery: reliable(60),
            notification: reliable(10),
            orchestrator: reliable(5),
            fraud: None,
            loyalty: None,
            invoicing: None,
            analytics: None,
        }
    }
}

impl Services {
    /// Service `s`'s config, if it takes part in the flow.
    pub fn get(&self, s: ServiceId) -> Option<&ServiceConfig> {
        match s {
            ServiceId::Inventory => Some(&self.inventory),
            ServiceId::Payment => Some(&self.payment),
            ServiceId::Delivery => Some(&self.delivery),
            ServiceId::Notification => Some(&self.notification),
            ServiceId::Fraud => self.fraud.as_ref(),
            ServiceId::Loyalty => self.loyalty.as_ref(),
            ServiceId::Invoicing => self.invoicing.as_ref(),
            ServiceId::Analytics => self.analytics.as_ref(),
        }
    }

    /// Service `s`'s config; the larger flow's services must be in the flow.
    pub fn of(&self, s: ServiceId) -> &ServiceConfig {
        self.get(s).expect("the service takes part in the flow")
    }

    /// The services taking part, the text's four first.
    pub fn in_flow(&self) -> Vec<ServiceId> {
        ServiceId::ALL
            .into_iter()
            .chain(ServiceId::EXTRA.into_iter().filter(|&s| self.get(s).is_some()))
            .collect()
    }

    /// The forward steps an orchestrator runs, in order: stock, the fraud
    /// check, the payment (the pivot), points, the invoice, the delivery.
    pub fn forward_steps(&self) -> Vec<Step> {
        [
            Step::Reserve,
            Step::Screen,
            Step::Charge,
            Step::Award,
            Step::Invoice,
            Step::Schedule,
        ]
        .into_iter()
        .filter(|s| self.get(s.service()).is_some())
        .collect()
    }

    /// Who is told of every state change: notifications, and analytics when it takes part.
    pub fn side_notes(&self) -> Vec<Step> {
        let mut out = vec![Step::Notify];
        if self.analytics.is_some() {
            out.push(Step::Record);
        }
        out
    }
}

/// How a failed step is tried again (redelivery or the orchestrator): the
/// shared retry policy.
pub use crate::patterns::backoff::RetryPolicy;

/// A choreography-lab configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChoreographyConfig {
    pub workload: OrderWorkload,
    /// How side A coordinates the flow.
    pub mode: Mode,
    /// Side B, the same world coordinated the other way (or the same way).
    /// Written `null` when there is none: absent, it reads as the default's
    /// orchestration (a link to side A alone opened both sides).
    pub compare: Option<Mode>,
    /// Units in stock; an order takes one.
    pub stock: u32,
    /// Chance a payment is rejected (the card is declined).
    pub reject_rate: f64,
    /// Chance a customer cancels an order, `cancel_after_ms` after placing it.
    pub cancel_rate: f64,
    pub cancel_after_ms: u64,
    /// An order ships this long after its delivery is scheduled; it can be
    /// cancelled until then.
    pub ship_after_ms: u64,
    pub bus: BusConfig,
    pub services: Services,
    /// Who listens to what (choreography).
    pub wiring: Vec<Listen>,
    /// Services remember the messages they handled and ignore a second copy.
    pub idempotent: bool,
    pub retry: RetryPolicy,
    /// How long the orchestrator waits for a reply before trying again.
    pub step_timeout_ms: u64,
    /// Choreography's timeout watcher: an order with no progress for this
    /// long is flagged and cancelled (0 = no watcher).
    pub watcher_ms: u64,
}

/// Rows of "who listens to what", then `every` listening to every event of the text's flow.
fn wiring(rows: &[(ServiceId, Topic)], every: &[ServiceId], topics: &[Topic]) -> Vec<Listen> {
    let mut w: Vec<Listen> = rows.iter().map(|&(service, on)| Listen { service, on }).collect();
    for &service in every {
        w.extend(topics.iter().map(|&on| Listen { service, on }));
    }
    w
}

/// The text's flow: each step listens to the one before it, compensations
/// run backwards, notifications hear everything.
pub fn chained_wiring() -> Vec<Listen> {
    use ServiceId::*;
    use Topic::*;
    wiring(
        &[
            (Inventory, OrderPlaced),
            (Payment, InventoryReserved),
            (Delivery, PaymentProcessed),
            (Inventory, PaymentRejected),
            (Delivery, OrderCancelled),
            (Payment, DeliveryCancelled),
            (Inventory, PaymentRefunded),
        ],
        &[Notification],
        &Topic::ALL,
    )
}

/// The course text's own wiring: every service listens to `order_placed`
/// and works in parallel; each undoes its part on `order_cancelled`, and
/// inventory on `payment_rejected`.
pub fn text_wiring() -> Vec<Listen> {
    use ServiceId::*;
    use Topic::*;
    wiring(
        &[
            (Inventory, OrderPlaced),
            (Payment, OrderPlaced),
            (Delivery, OrderPlaced),
            (Inventory, PaymentRejected),
            (Inventory, OrderCancelled),
            (Payment, OrderCancelled),
            (Delivery, OrderCancelled),
        ],
        &[Notification],
        &Topic::ALL,
    )
}

/// The larger flow's wiring (eight services): a fraud check between stock
/// and payment, loyalty points and an invoice for every paid order (undone
/// on a refund), and analytics beside notifications on every event.
pub fn eight_service_wiring() -> Vec<Listen> {
    use ServiceId::*;
    use Topic::*;
    let every: Vec<Topic> = Topic::every().collect();
    wiring(
        &[
            (Inventory, OrderPlaced),
            (Fraud, InventoryReserved),
            (Payment, FraudCleared),
            (Delivery, PaymentProcessed),
            (Loyalty, PaymentProcessed),
            (Invoicing, PaymentProcessed),
            (Inventory, PaymentRejected),
            (Delivery, OrderCancelled),
            (Payment, DeliveryCancelled),
            (Inventory, PaymentRefunded),
            (Loyalty, PaymentRefunded),
            (Invoicing, PaymentRefunded),
        ],
        &[Notification, Analytics],
        &every,
    )
}

impl Default for ChoreographyConfig {
    fn default() -> Self {
        ChoreographyConfig {
            workload: OrderWorkload::Single,
            mode: Mode::Choreography,
            compare: Some(Mode::Orchestration),
            stock: 100,
            reject_rate: 0.0,
            cancel_rate: 0.0,
            cancel_after_ms: 300,
            ship_after_ms: 2_000,
            bus: BusConfig::default(),
            services: Services::default(),
            wiring: chained_wiring(),
            idempotent: true,
            retry: RetryPolicy::default(),
            step_timeout_ms: 1_000,
            watcher_ms: 0,
        }
    }
}

pub mod limits {
    pub const MAX_ORDERS: f64 = 100_000.0;
    pub const MAX_RATE_PER_S: f64 = 10_000.0;
    pub const MAX_DURATION_MS: u64 = 3_600_000;
    pub const MAX_STOCK: u64 = 10_000_000;
    pub const MAX_ATTEMPTS: u64 = 20;
    pub const MAX_WAIT_MS: u64 = 600_000;
    pub const MAX_WIRING: u64 = 60;
    /// Messages a link's run may send, both sides together (bounds its CPU time).
    pub const MAX_MESSAGES: f64 = 10_000_000.0;
}

impl ChoreographyConfig {
    /// The sides: A, and B when comparing.
    pub fn modes(&self) -> Vec<Mode> {
        std::iter::once(self.mode).chain(self.compare).collect()
    }

    /// Orders the workload brings at most (a Poisson count: its mean plus
    /// five standard deviations).
    pub fn max_orders(&self) -> f64 {
        match &self.workload {
            OrderWorkload::Single => 1.0,
            OrderWorkload::Burst { orders, .. } => *orders as f64,
            OrderWorkload::Poisson {
                rate_per_s,
                duration_ms,
            } => {
                let mean = rate_per_s * *duration_ms as f64 / 1000.0;
                mean + 5.0 * libm::sqrt(mean) + 5.0
            }
        }
    }

    /// The most messages one order can cause on a side: every step tried
    /// every time, each try a delivery (twice when duplicated) and, with an
    /// orchestrator, a reply; plus a notification per event.
    pub fn max_messages_per_order(&self) -> f64 {
        let attempts = self.retry.max_attempts.max(1) as f64;
        let copies = if self.bus.duplicate_rate > 0.0 { 2.0 } else { 1.0 };
        // 6 steps (3 forward, 3 back) and a customer's cancellation; each
        // service of the larger flow adds at most two steps and a listener.
        let extra = (self.services.in_flow().len() - ServiceId::ALL.len()) as f64;
        let choreo = (self.wiring.len() as f64 + 1.0) * attempts * copies * 2.0;
        let orch = (7.0 + 2.0 * extra) * attempts * copies * 3.0 * 2.0 * (1.0 + extra);
        choreo.max(orch)
    }

    pub fn validate_within(&self, allowed: WorkLimits) -> Result<(), Vec<ConfigError>> {
        let mut c = Checker::default();
        match &self.workload {
            OrderWorkload::Single => {}
            OrderWorkload::Poisson {
                rate_per_s,
                duration_ms,
            } => {
                c.real("workload.rate_per_s", *rate_per_s, 0.0, limits::MAX_RATE_PER_S);
                c.int("workload.duration_ms", *duration_ms, 1, limits::MAX_DURATION_MS);
            }
            OrderWorkload::Burst { orders, within_ms } => {
                c.int("workload.orders", *orders as u64, 1, limits::MAX_ORDERS as u64);
                c.int("workload.within_ms", *within_ms, 0, limits::MAX_DURATION_MS);
            }
        }
        c.int("stock", self.stock as u64, 0, limits::MAX_STOCK);
        c.real("reject_rate", self.reject_rate, 0.0, 1.0);
        c.real("cancel_rate", self.cancel_rate, 0.0, 1.0);
        c.int("cancel_after_ms", self.cancel_after_ms, 0, limits::MAX_DURATION_MS);
        c.int("ship_after_ms", self.ship_after_ms, 0, limits::MAX_DURATION_MS);
        self.bus.check(&mut c, "bus");
        for (name, s) in [
            ("inventory", &self.services.inventory),
            ("payment", &self.services.payment),
            ("delivery", &self.services.delivery),
            ("notification", &self.services.notification),
            ("orchestrator", &self.services.orchestrator),
        ] {
            let at = format!("services.{name}");
            s.check(&mut c, &at);
            // One node: a second would be ignored, and nothing is ignored.
            c.require(s.nodes == 1, &format!("{at}.nodes"), "error.one_node");
        }
        for sid in ServiceId::EXTRA {
            if let Some(s) = self.services.get(sid) {
                let at = format!("services.{}", sid.key());
                s.check(&mut c, &at);
                c.require(s.nodes == 1, &format!("{at}.nodes"), "error.one_node");
            }
        }
        c.int("wiring.length", self.wiring.len() as u64, 0, limits::MAX_WIRING);
        for (i, l) in self.wiring.iter().enumerate() {
            c.require(
                self.services.get(l.service).is_some(),
                &format!("wiring[{i}].service"),
                "error.not_in_flow",
            );
            c.require(
                l.service.reaction(l.on).is_some(),
                &format!("wiring[{i}].on"),
                "error.cannot_react",
            );
            c.require(
                !self.wiring[..i].contains(l),
                &format!("wiring[{i}]"),
                "error.listens_twice",
            );
        }
        let r = &self.retry;
        c.int("retry.max_attempts", r.max_attempts as u64, 1, limits::MAX_ATTEMPTS);
        c.int("retry.base_ms", r.base_ms, 0, limits::MAX_WAIT_MS);
        c.int("retry.cap_ms", r.cap_ms, 0, limits::MAX_WAIT_MS);
        c.real("retry.multiplier", r.multiplier, 1.0, 10.0);
        c.int("step_timeout_ms", self.step_timeout_ms, 1, limits::MAX_WAIT_MS);
        c.int("watcher_ms", self.watcher_ms, 0, limits::MAX_WAIT_MS);
        c.finish()?;
        // The work: orders × the most messages each can cause, both sides.
        let mut c = Checker::default();
        let messages = self.max_orders() * self.max_messages_per_order() * self.modes().len() as f64;
        let max = allowed
            .calls
            .min(limits::MAX_MESSAGES * allowed.calls / WorkLimits::LINK.calls);
        if messages.is_nan() || messages > max {
            let mut lower: Vec<String> = match self.workload {
                OrderWorkload::Single => vec![],
                OrderWorkload::Poisson { .. } => vec!["workload.rate_per_s".into(), "workload.duration_ms".into()],
                OrderWorkload::Burst { .. } => vec!["workload.orders".into()],
            };
            lower.push("retry.max_attempts".into());
            c.push(
                "config",
                Problem::TooMuchWork {
                    key: "error.work_messages",
                    got: messages,
                    max,
                    lower,
                },
            );
        }
        c.finish()
    }
}

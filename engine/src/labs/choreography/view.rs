//! What the choreography page draws, read from a side's model and trace:
//! the lanes (who takes part), the hops messages make between them (from the
//! trace records: who published an event and who listens to it, a command
//! and its reply), each order's status, one order's whole story (replayed
//! when the trace ring no longer holds it) and "where is order #N?" — in
//! choreography assembled from each service's own log lines by correlation
//! id, with the hop that never happened; in orchestration, the
//! orchestrator's state for it. Read-only: nothing here changes a run.

use super::config::{ChoreographyConfig, Mode, ServiceId, Step, Topic};
use super::model::{ChoreoModel, Order, Phase, Standing, ORCHESTRATOR};
use super::record::ChoreoRecord;
use super::ChoreoSim;
use crate::sim::Simulation;
use crate::time::SimTime;

/// Who takes part in an order's flow: a lane on the stage and in the
/// sequence diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lane {
    /// The customer and the order API (places and cancels orders).
    Customer,
    /// The orchestrator (orchestration only).
    Orchestrator,
    /// The timeout watcher (choreography, when on).
    Watcher,
    Service(ServiceId),
}

impl Lane {
    /// A catalogue key for the lane's short name (a narrow drawing).
    pub fn short_key(self) -> &'static str {
        match self {
            Lane::Customer => "choreo.lane.customer_short",
            Lane::Watcher => "choreo.lane.watcher_short",
            other => other.name_key(),
        }
    }

    /// A catalogue key for the lane's name.
    pub fn name_key(self) -> &'static str {
        match self {
            Lane::Customer => "choreo.lane.customer",
            Lane::Orchestrator => "choreo.lane.orchestrator",
            Lane::Watcher => "choreo.lane.watcher",
            Lane::Service(s) => match s {
                ServiceId::Inventory => "choreo.lane.inventory",
                ServiceId::Payment => "choreo.lane.payment",
                ServiceId::Delivery => "choreo.lane.delivery",
                ServiceId::Notification => "choreo.lane.notification",
                ServiceId::Fraud => "choreo.lane.fraud",
                ServiceId::Loyalty => "choreo.lane.loyalty",
                ServiceId::Invoicing => "choreo.lane.invoicing",
                ServiceId::Analytics => "choreo.lane.analytics",
            },
        }
    }
}

/// The services of a side, in lane order (the run's own list).
pub fn services(model: &ChoreoModel) -> Vec<ServiceId> {
    model.config().services.in_flow()
}

/// The lanes of a side: the customer, the orchestrator or the watcher when
/// there is one, then every service.
pub fn lanes(model: &ChoreoModel) -> Vec<Lane> {
    let mut out = vec![Lane::Customer];
    match model.mode() {
        Mode::Orchestration => out.push(Lane::Orchestrator),
        Mode::Choreography if model.config().watcher_ms > 0 => out.push(Lane::Watcher),
        Mode::Choreography => {}
    }
    out.extend(services(model).into_iter().map(Lane::Service));
    out
}

/// Who publishes `topic` in choreography (order_cancelled: the customer;
/// the watcher's own cancellations are told apart by the record before).
pub fn publisher(topic: Topic) -> Lane {
    use Topic::*;
    match topic {
        OrderPlaced | OrderCancelled => Lane::Customer,
        InventoryReserved | OutOfStock | InventoryReleased => Lane::Service(ServiceId::Inventory),
        PaymentProcessed | PaymentRejected | PaymentRefunded => Lane::Service(ServiceId::Payment),
        DeliveryScheduled | DeliveryCancelled => Lane::Service(ServiceId::Delivery),
        FraudCleared => Lane::Service(ServiceId::Fraud),
        PointsAwarded | PointsRevoked => Lane::Service(ServiceId::Loyalty),
        InvoiceIssued | InvoiceVoided => Lane::Service(ServiceId::Invoicing),
    }
}

/// The services listening to `topic` in this config's wiring, in wiring order.
pub fn listeners(config: &ChoreographyConfig, topic: Topic) -> Vec<ServiceId> {
    let mut out: Vec<ServiceId> = Vec::new();
    for l in config.wiring.iter().filter(|l| l.on == topic) {
        if !out.contains(&l.service) {
            out.push(l.service);
        }
    }
    out
}

/// Whether an event carries the flow backwards (undoing, or ending it badly).
pub fn is_backward_topic(topic: Topic) -> bool {
    use Topic::*;
    matches!(
        topic,
        OutOfStock | PaymentRejected | OrderCancelled | DeliveryCancelled | PaymentRefunded | InventoryReleased
    )
}

/// What a hop carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HopLabel {
    /// An event on the bus (choreography).
    Event(Topic),
    /// A command from the orchestrator.
    Command(Step),
    /// A service's reply to the orchestrator (`ok` false: it failed).
    Reply { step: Step, ok: bool },
    /// The order API calls the orchestrator (a new order, a cancellation).
    Call { cancel: bool },
}

/// One row of an order's story: a message from one lane to others, or
/// something that happened on one lane.
#[derive(Clone, Debug, PartialEq)]
pub enum RowKind {
    Hop {
        from: Lane,
        to: Vec<Lane>,
        label: HopLabel,
        /// Compensation, rejection or cancellation: the flow going back.
        backward: bool,
        /// The bus dropped it: no one in `to` will get it.
        lost: bool,
    },
    Mark {
        lane: Lane,
        record: ChoreoRecord,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub at: SimTime,
    pub order: u32,
    pub kind: RowKind,
}

/// The lane a record happens on.
pub fn lane_of(record: &ChoreoRecord, mode: Mode) -> Lane {
    use ChoreoRecord::*;
    match *record {
        StepDone { step, .. }
        | StepFailed { step, .. }
        | DeadLetter { step, .. }
        | Ignored { step, .. }
        | Declined { step, .. } => Lane::Service(step.service()),
        Completed { .. } | Shipped { .. } | ShippedCancelled { .. } => Lane::Service(ServiceId::Delivery),
        Command { .. } | TimedOut { .. } | GaveUp { .. } => Lane::Orchestrator,
        Flagged { .. } => Lane::Watcher,
        CancelRefused { .. } if mode == Mode::Orchestration => Lane::Orchestrator,
        Placed { .. } | CustomerCancels { .. } | CancelRefused { .. } | Published { .. } | Lost { .. } => {
            Lane::Customer
        }
    }
}

/// Turns trace records (oldest first) into story rows: a publish becomes a
/// hop to its listeners (lost when the bus dropped it), a command a hop from
/// the orchestrator, a step done or failed in orchestration a reply back;
/// the rest are marks on their lane.
pub fn rows<'a>(
    config: &ChoreographyConfig,
    mode: Mode,
    records: impl IntoIterator<Item = (SimTime, &'a ChoreoRecord)>,
) -> Vec<Row> {
    let records: Vec<(SimTime, &ChoreoRecord)> = records.into_iter().collect();
    let mut out = Vec::with_capacity(records.len());
    let orch = Lane::Orchestrator;
    for (i, &(at, r)) in records.iter().enumerate() {
        let order = r.order();
        // A message the bus dropped is recorded right after its publish, at the
        // same instant (a call to the orchestrator is not on the bus).
        let lost = !matches!(r, ChoreoRecord::Placed { .. } | ChoreoRecord::CustomerCancels { .. })
            && records
                .get(i + 1)
                .is_some_and(|(t, n)| *t == at && matches!(n, ChoreoRecord::Lost { order: o, .. } if *o == order));
        let hop = |from, to: Vec<Lane>, label, backward| RowKind::Hop {
            from,
            to,
            label,
            backward,
            lost,
        };
        let kind = match (*r, mode) {
            (ChoreoRecord::Lost { .. }, _) => continue,
            (ChoreoRecord::Published { topic, .. }, _) => {
                let to: Vec<Lane> = listeners(config, topic).into_iter().map(Lane::Service).collect();
                if to.is_empty() {
                    continue;
                }
                let after_flag = i > 0 && matches!(records[i - 1].1, ChoreoRecord::Flagged { order: o } if *o == order);
                let from = if topic == Topic::OrderCancelled && after_flag {
                    Lane::Watcher
                } else {
                    publisher(topic)
                };
                hop(from, to, HopLabel::Event(topic), is_backward_topic(topic))
            }
            (ChoreoRecord::Placed { .. }, Mode::Orchestration) => {
                hop(Lane::Customer, vec![orch], HopLabel::Call { cancel: false }, false)
            }
            (ChoreoRecord::CustomerCancels { .. }, Mode::Orchestration) => {
                hop(Lane::Customer, vec![orch], HopLabel::Call { cancel: true }, true)
            }
            (ChoreoRecord::Command { step, .. }, _) => hop(
                orch,
                vec![Lane::Service(step.service())],
                HopLabel::Command(step),
                step.is_compensation(),
            ),
            // A service's answer in orchestration: a mark on its lane and a
            // reply to the orchestrator, "done", "failed" or "no" (the charge
            // declined, no stock).
            (
                ChoreoRecord::StepDone { step, .. }
                | ChoreoRecord::StepFailed { step, .. }
                | ChoreoRecord::Declined { step, .. },
                Mode::Orchestration,
            ) if step != Step::Notify => {
                out.push(Row {
                    at,
                    order,
                    kind: RowKind::Mark {
                        lane: Lane::Service(step.service()),
                        record: *r,
                    },
                });
                hop(
                    Lane::Service(step.service()),
                    vec![orch],
                    HopLabel::Reply {
                        step,
                        ok: matches!(r, ChoreoRecord::StepDone { .. }),
                    },
                    step.is_compensation(),
                )
            }
            _ => RowKind::Mark {
                lane: lane_of(r, mode),
                record: *r,
            },
        };
        out.push(Row { at, order, kind });
    }
    out
}

/// The hops of a side's most recent records, newest last: what the stage
/// animates. At most `max` rows, from records no older than `since`.
pub fn recent_rows(sim: &ChoreoSim, since: SimTime, max: usize) -> Vec<Row> {
    let trace = sim.trace();
    let n = trace.entries().rev().take_while(|e| e.at >= since).take(max).count();
    // One record before the window, so a hop's "lost" mark and a watcher's
    // cancellation read right.
    let skip = trace.entries().len().saturating_sub(n + 1);
    let model = sim.model();
    let mut rows = rows(
        model.config(),
        model.mode(),
        trace.entries().skip(skip).map(|e| (e.at, &e.record)),
    );
    rows.retain(|r| r.at >= since);
    rows
}

/// An order's status, as the status bars show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Placed, nothing done for it yet.
    Pending,
    /// Steps being done.
    Completing,
    /// Being undone (a rejection, a cancellation, a step given up on).
    Compensating,
    Completed,
    /// Ended undone: compensated, cancelled, out of stock.
    Compensated,
    /// Nothing will move it and no one ended it.
    Stuck,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Pending,
        Status::Completing,
        Status::Compensating,
        Status::Completed,
        Status::Compensated,
        Status::Stuck,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn key(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Completing => "completing",
            Status::Compensating => "compensating",
            Status::Completed => "completed",
            Status::Compensated => "compensated",
            Status::Stuck => "stuck",
        }
    }
}

/// Where `order` stands now.
pub fn status(o: &Order) -> Status {
    match o.standing() {
        Standing::Completed => Status::Completed,
        Standing::CancelledByCustomer | Standing::Compensated | Standing::OutOfStock => Status::Compensated,
        Standing::Stuck => Status::Stuck,
        Standing::InProgress => {
            let undoing = o.cancelled
                || o.rejected
                || o.flagged
                || o.out_of_stock
                || o.failed
                || o.released + o.refunded + o.delivery_cancelled > 0
                || matches!(o.phase, Phase::Compensating { .. });
            if undoing {
                Status::Compensating
            } else if o.reserved + o.charged + o.scheduled > 0 || !o.done.is_empty() {
                Status::Completing
            } else {
                Status::Pending
            }
        }
    }
}

/// How many orders are in each status now (indexed by [`Status::index`]).
pub fn status_counts(model: &ChoreoModel) -> [u64; 6] {
    let mut out = [0u64; 6];
    for o in model.orders() {
        out[status(o).index()] += 1;
    }
    out
}

/// Orders by state over time, as far as the run has gone: for each of
/// `buckets` equal slices of `[0, now]`, how many placed orders were still
/// moving, completed, ended undone, or stuck (by the time each order reached
/// its present state: its completion, its last compensation, its last
/// progress). Returns (slice width in ms, rows of [moving, completed, undone, stuck]).
pub fn states_over_time(model: &ChoreoModel, now: SimTime, buckets: usize) -> (f64, Vec<[u64; 4]>) {
    let buckets = buckets.max(1);
    let now_ms = now.as_micros() as f64 / 1000.0;
    let width = (now_ms / buckets as f64).max(1e-9);
    let slot = |t: SimTime| -> usize {
        let ms = t.as_micros() as f64 / 1000.0;
        ((ms / width) as usize).min(buckets)
    };
    // Difference arrays: +1 where an order enters a state, −1 where it leaves.
    let mut diff = vec![[0i64; 4]; buckets + 1];
    for o in model.orders() {
        let placed = slot(o.placed);
        let (state, since) = match status(o) {
            Status::Completed => (1, o.completed_at),
            Status::Compensated => (2, o.compensated_at.or(Some(o.last_progress))),
            Status::Stuck => (3, Some(o.last_progress)),
            _ => (0, None),
        };
        diff[placed][0] += 1;
        if let Some(t) = since {
            let s = slot(t).max(placed);
            diff[s][0] -= 1;
            diff[s][state] += 1;
        }
    }
    let mut running = [0i64; 4];
    let rows = diff
        .iter()
        .take(buckets)
        .map(|d| {
            for k in 0..4 {
                running[k] += d[k];
            }
            running.map(|v| v.max(0) as u64)
        })
        .collect();
    (width, rows)
}

/// An order to show when none is picked: the first stuck one, else the first
/// left inconsistent (the watcher's preset showed an order it cured, never
/// one its lost undo left holding money), else the first being undone or
/// undone, else the newest placed.
pub fn notable_order(model: &ChoreoModel) -> Option<u32> {
    let orders = model.orders();
    let find = |want: &[Status]| orders.iter().position(|o| want.contains(&status(o))).map(|i| i as u32);
    find(&[Status::Stuck])
        .or_else(|| orders.iter().position(|o| o.is_inconsistent()).map(|i| i as u32))
        .or_else(|| find(&[Status::Compensating, Status::Compensated]))
        .or_else(|| orders.len().checked_sub(1).map(|i| i as u32))
}

/// Queue depth of a lane now: messages waiting plus being handled.
pub fn queue_depth(model: &ChoreoModel, lane: Lane) -> (usize, u32) {
    let i = match lane {
        Lane::Service(s) => s.index(),
        Lane::Orchestrator => ORCHESTRATOR,
        _ => return (0, 0),
    };
    let c = model.consumer(i);
    (c.queued(), c.busy())
}

/// Whether a lane is down at `t` (a service's outage, the orchestrator's).
pub fn is_down(model: &ChoreoModel, lane: Lane, t: SimTime) -> bool {
    let ms = t.as_micros() / 1000;
    let svc = match lane {
        Lane::Service(s) => model.config().services.of(s),
        Lane::Orchestrator => &model.config().services.orchestrator,
        _ => return false,
    };
    svc.outages.iter().any(|o| ms >= o.from_ms && ms < o.to_ms)
}

/// Messages handled by a lane so far.
pub fn processed(model: &ChoreoModel, lane: Lane) -> u64 {
    match lane {
        Lane::Service(s) => model.consumer(s.index()).processed,
        Lane::Orchestrator => model.consumer(ORCHESTRATOR).processed,
        _ => 0,
    }
}

// ------------------------------------------------------------------ one order's story

/// The most records kept for one order (a runaway order's story is cut).
pub const STORY_MAX_RECORDS: usize = 600;

/// One order's whole story on one side: its trace records, read from the
/// side's trace while that still holds everything, else from a replay of the
/// side (same config, mode and seed: the same run) that follows the live one
/// to the same event count.
#[derive(Clone)]
pub struct OrderStory {
    pub order: u32,
    replay: Option<ChoreoSim>,
    /// Records of the replay already read.
    seen: u64,
    records: Vec<(SimTime, ChoreoRecord)>,
    /// More records than [`STORY_MAX_RECORDS`] were left out.
    pub truncated: bool,
    /// The replay has not caught up with the live side yet.
    pub behind: bool,
}

impl OrderStory {
    pub fn new(order: u32) -> OrderStory {
        OrderStory {
            order,
            replay: None,
            seen: 0,
            records: Vec::new(),
            truncated: false,
            behind: false,
        }
    }

    pub fn records(&self) -> &[(SimTime, ChoreoRecord)] {
        &self.records
    }

    fn keep(&mut self, at: SimTime, r: ChoreoRecord) {
        if r.order() != self.order {
            return;
        }
        if self.records.len() < STORY_MAX_RECORDS {
            self.records.push((at, r));
        } else {
            self.truncated = true;
        }
    }

    /// Brings the story up to `live` (one side of the run): at most `budget`
    /// replayed events per call.
    pub fn follow(&mut self, live: &ChoreoSim, seed: u64, budget: u64) {
        let trace = live.trace();
        if trace.dropped() == 0 && self.replay.is_none() {
            self.records.clear();
            self.truncated = false;
            self.behind = false;
            let order = self.order;
            for e in trace.entries().filter(|e| e.record.order() == order) {
                self.keep(e.at, e.record);
            }
            return;
        }
        let target = live.events();
        let model = live.model();
        let stale = self.replay.as_ref().is_none_or(|r| r.events() > target);
        if stale {
            self.replay = Some(Simulation::new(ChoreoModel::new(
                model.config().clone(),
                model.mode(),
                seed,
            )));
            self.seen = 0;
            self.records.clear();
            self.truncated = false;
        }
        let replay = self.replay.as_mut().expect("just made");
        let mut fresh: Vec<(SimTime, ChoreoRecord)> = Vec::new();
        let mut spent = 0;
        while replay.events() < target && spent < budget {
            if !replay.step() {
                break;
            }
            spent += 1;
            let total = replay.trace().total();
            let new = (total - self.seen) as usize;
            self.seen = total;
            let order = self.order;
            let start = fresh.len();
            fresh.extend(
                replay
                    .trace()
                    .entries()
                    .rev()
                    .take(new)
                    .filter(|e| e.record.order() == order)
                    .map(|e| (e.at, e.record)),
            );
            fresh[start..].reverse();
        }
        self.behind = replay.events() < target;
        for (at, r) in fresh {
            self.keep(at, r);
        }
    }
}

/// Why a hop a listener should have made is not in its log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// The bus dropped the event: the listener never heard of it.
    Lost,
    /// The listener kept failing and parked the message (a dead letter).
    GaveUp,
    /// Still on its way (or waiting in the listener's queue).
    NotYet,
}

/// A hop that should be in a service's log and is not.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MissingHop {
    pub at: SimTime,
    pub topic: Topic,
    pub to: ServiceId,
    pub why: Missing,
}

/// "Where is order #N?" for one side.
#[derive(Clone, Debug, PartialEq)]
pub struct WhereIs {
    pub order: u32,
    pub mode: Mode,
    /// `None`: the order has not been placed yet.
    pub status: Option<Status>,
    /// Choreography: each service's own log lines about the order (its
    /// fragment, found by the order's correlation id), in lane order.
    pub fragments: Vec<(ServiceId, Vec<(SimTime, ChoreoRecord)>)>,
    /// Choreography: events published for the order that a listener never handled.
    pub missing: Vec<MissingHop>,
    /// Orchestration: the orchestrator's state for the order and the steps
    /// it has seen done, in order.
    pub phase: Option<Phase>,
    pub done: Vec<Step>,
    /// The last time anything happened for the order.
    pub last_progress: Option<SimTime>,
    /// Its business state breaks a rule (stock still held for an order
    /// undone, a double refund…): its status alone ("undone") would hide it.
    pub inconsistent: bool,
    /// The timeout watcher noticed it stalled (and had it cancelled): a lost
    /// hop is then known, not silent.
    pub flagged: bool,
}

/// Assembles "where is order #N?" from its story (its records) and the
/// side's model: what each service logged, and which expected hop is missing.
pub fn where_is(model: &ChoreoModel, story: &OrderStory) -> WhereIs {
    let order = story.order;
    let o = model.orders().get(order as usize);
    let mode = model.mode();
    let records = story.records();
    let mut fragments: Vec<(ServiceId, Vec<(SimTime, ChoreoRecord)>)> =
        services(model).into_iter().map(|s| (s, Vec::new())).collect();
    for &(at, r) in records {
        if let Lane::Service(s) = lane_of(&r, mode) {
            if let Some(f) = fragments.iter_mut().find(|(id, _)| *id == s) {
                f.1.push((at, r));
            }
        }
    }
    let mut missing = Vec::new();
    if mode == Mode::Choreography {
        let in_progress = o.is_some_and(|o| o.standing() == Standing::InProgress);
        for (i, &(at, r)) in records.iter().enumerate() {
            let ChoreoRecord::Published { topic, .. } = r else {
                continue;
            };
            let lost = matches!(records.get(i + 1), Some((t, ChoreoRecord::Lost { .. })) if *t == at);
            for s in listeners(model.config(), topic) {
                if s == ServiceId::Notification {
                    continue;
                }
                let Some(step) = s.reaction(topic) else { continue };
                let heard = records[i + 1..].iter().any(|(_, n)| match *n {
                    ChoreoRecord::StepDone { step: x, .. }
                    | ChoreoRecord::StepFailed { step: x, .. }
                    | ChoreoRecord::Ignored { step: x, .. }
                    | ChoreoRecord::Declined { step: x, .. } => x == step,
                    _ => false,
                });
                let parked = records[i + 1..]
                    .iter()
                    .any(|(_, n)| matches!(*n, ChoreoRecord::DeadLetter { step: x, .. } if x == step));
                let why = if parked {
                    Some(Missing::GaveUp)
                } else if heard {
                    None
                } else if lost {
                    Some(Missing::Lost)
                } else if in_progress {
                    Some(Missing::NotYet)
                } else {
                    // Nothing on its way, nothing in the log: it never came.
                    Some(Missing::Lost)
                };
                if let Some(why) = why {
                    missing.push(MissingHop { at, topic, to: s, why });
                }
            }
        }
    }
    WhereIs {
        order,
        mode,
        status: o.map(status),
        fragments,
        missing,
        phase: (mode == Mode::Orchestration)
            .then(|| o.map(|o| o.phase.clone()))
            .flatten(),
        done: o.map(|o| o.done.clone()).unwrap_or_default(),
        last_progress: o.map(|o| o.last_progress),
        inconsistent: o.is_some_and(|o| o.is_inconsistent()),
        flagged: o.is_some_and(|o| o.flagged),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::choreography::presets;
    use crate::labs::choreography::ChoreoRun;

    fn run_preset(id: &str) -> (ChoreoRun, u64) {
        let p = presets::all().into_iter().find(|p| p.id == id).unwrap();
        let mut run = ChoreoRun::new(&p.config, p.seed).unwrap();
        run.run_to_end(u64::MAX);
        (run, p.seed)
    }

    #[test]
    fn a_lost_event_leaves_a_missing_hop_in_choreography_and_a_state_in_orchestration() {
        let (run, seed) = run_preset("event_lost");
        let a = &run.sides[0];
        let stuck = a
            .model()
            .orders()
            .iter()
            .position(|o| status(o) == Status::Stuck)
            .expect("the lossy preset leaves a stuck order") as u32;
        assert_eq!(notable_order(a.model()), Some(stuck));
        let mut story = OrderStory::new(stuck);
        story.follow(a, seed, u64::MAX);
        assert!(!story.behind);
        let w = where_is(a.model(), &story);
        assert_eq!(w.status, Some(Status::Stuck));
        assert!(w.missing.iter().any(|m| m.why == Missing::Lost), "{:?}", w.missing);
        // Orchestration: the orchestrator holds the same order's state.
        let b = &run.sides[1];
        let mut story_b = OrderStory::new(stuck);
        story_b.follow(b, seed, u64::MAX);
        let wb = where_is(b.model(), &story_b);
        assert!(wb.phase.is_some());
        assert!(wb.missing.is_empty());
    }

    /// A declined charge is the payment service's own answer, not a lost
    /// event: its fragment says so, nothing is "never arrived", and the
    /// orchestrator gets a "no" reply before it releases the stock (the story
    /// read "inventory_reserved → Payment: never arrived — the bus lost it"
    /// with no message lost, and B's reply was missing).
    #[test]
    fn a_declined_charge_is_an_answer_not_a_loss() {
        let (run, seed) = run_preset("payment_rejected");
        for (side, sim) in run.sides.iter().enumerate() {
            assert_eq!(sim.model().stats().lost, 0);
            let declined: Vec<u32> = sim
                .trace()
                .entries()
                .filter(|e| matches!(e.record, ChoreoRecord::Declined { step: Step::Charge, .. }))
                .map(|e| e.record.order())
                .collect();
            assert!(!declined.is_empty(), "side {side}");
            for &order in &declined {
                assert!(sim.model().orders()[order as usize].rejected);
                let mut story = OrderStory::new(order);
                story.follow(sim, seed, u64::MAX);
                let w = where_is(sim.model(), &story);
                assert!(w.missing.is_empty(), "side {side}, order {order}: {:?}", w.missing);
                let rows = rows(
                    sim.model().config(),
                    sim.model().mode(),
                    story.records().iter().map(|(t, r)| (*t, r)),
                );
                if sim.model().mode() == Mode::Choreography {
                    let payment = &w.fragments.iter().find(|f| f.0 == ServiceId::Payment).unwrap().1;
                    assert!(
                        payment.iter().any(|(_, r)| matches!(r, ChoreoRecord::Declined { .. })),
                        "{payment:?}"
                    );
                } else {
                    let no = rows
                        .iter()
                        .position(|r| {
                            matches!(
                                r.kind,
                                RowKind::Hop {
                                    label: HopLabel::Reply {
                                        step: Step::Charge,
                                        ok: false
                                    },
                                    ..
                                }
                            )
                        })
                        .expect("the charge's 'no' reply");
                    let release = rows
                        .iter()
                        .position(|r| {
                            matches!(
                                r.kind,
                                RowKind::Hop {
                                    label: HopLabel::Command(Step::Release),
                                    ..
                                }
                            )
                        })
                        .expect("the release");
                    assert!(no < release);
                }
            }
        }
    }

    /// An order undone with a compensation lost on the way (the watcher
    /// preset: stock still held) says "inconsistent" beside its "undone":
    /// the badge alone backed the guide's "detected and undone" too well.
    #[test]
    fn where_is_says_when_an_undone_order_is_inconsistent() {
        let (run, seed) = run_preset("watcher");
        let a = &run.sides[0];
        let bad: Vec<u32> = (0..a.model().orders().len() as u32)
            .filter(|&i| a.model().orders()[i as usize].is_inconsistent())
            .collect();
        assert_eq!(bad.len() as u64, a.model().metrics().inconsistent);
        assert!(!bad.is_empty());
        for order in 0..a.model().orders().len() as u32 {
            let mut story = OrderStory::new(order);
            story.follow(a, seed, u64::MAX);
            let w = where_is(a.model(), &story);
            assert_eq!(w.inconsistent, bad.contains(&order), "order {order}");
        }
    }

    #[test]
    fn a_replayed_story_matches_the_live_trace() {
        // A run long enough that the trace ring drops records: the replay
        // must find the same records for an order the ring still holds whole.
        let (run, seed) = run_preset("orchestrator_down");
        let a = &run.sides[0];
        assert!(a.trace().dropped() > 0);
        let last = a.model().orders().len() as u32 - 1;
        let mut story = OrderStory::new(last);
        story.follow(a, seed, u64::MAX);
        let live: Vec<(SimTime, ChoreoRecord)> = a
            .trace()
            .entries()
            .filter(|e| e.record.order() == last)
            .map(|e| (e.at, e.record))
            .collect();
        assert!(!live.is_empty());
        assert_eq!(story.records(), &live[..]);
    }

    #[test]
    fn rows_turn_publishes_into_hops_to_the_listeners() {
        let (run, _) = run_preset("demo");
        let a = &run.sides[0];
        let m = a.model();
        let rows_a = rows(m.config(), m.mode(), a.trace().entries().map(|e| (e.at, &e.record)));
        let first = rows_a.iter().find(|r| matches!(r.kind, RowKind::Hop { .. })).unwrap();
        match &first.kind {
            RowKind::Hop { from, to, label, .. } => {
                assert_eq!(*from, Lane::Customer);
                assert_eq!(*label, HopLabel::Event(Topic::OrderPlaced));
                assert!(to.contains(&Lane::Service(ServiceId::Inventory)));
            }
            _ => unreachable!(),
        }
        let b = &run.sides[1];
        let mb = b.model();
        let rows_b = rows(mb.config(), mb.mode(), b.trace().entries().map(|e| (e.at, &e.record)));
        assert!(rows_b.iter().any(|r| matches!(
            r.kind,
            RowKind::Hop {
                label: HopLabel::Reply { ok: true, .. },
                ..
            }
        )));
        // The orchestrator's fire-and-forget notifications are arrows too:
        // each "notify" done on B follows an arrow into its service.
        let notify = Lane::Service(Step::Notify.service());
        let arrows = rows_b
            .iter()
            .filter(|r| matches!(&r.kind, RowKind::Hop { from: Lane::Orchestrator, to, label: HopLabel::Command(Step::Notify), .. } if to == &vec![notify]))
            .count();
        let done = rows_b
            .iter()
            .filter(|r| {
                matches!(
                    r.kind,
                    RowKind::Mark {
                        record: ChoreoRecord::StepDone { step: Step::Notify, .. },
                        ..
                    }
                )
            })
            .count();
        assert!(done > 0 && arrows >= done, "{arrows} arrows for {done} notifications");
        assert_eq!(status_counts(m)[Status::Completed.index()], 1);
        let (_, over_time) = states_over_time(m, a.now(), 10);
        assert_eq!(over_time.last().unwrap()[1], 1);
    }

    /// Every preset has guided moments, in time order, within its run, with
    /// captions in every language; and the moments that point at one event
    /// land just after it (the record is there, on the side the caption names).
    #[test]
    fn moments_land_where_things_happen() {
        use crate::i18n::{t, Lang};
        for p in presets::all() {
            assert!(!p.moments.is_empty(), "{} has no guided moment", p.id);
            let mut run = ChoreoRun::new(&p.config, p.seed).unwrap();
            run.run_to_end(u64::MAX);
            let end = run.now().as_micros() / 1000;
            let mut last = 0;
            for m in &p.moments {
                assert!(m.at_ms >= last && m.at_ms <= end + 1, "{}: {} ms", p.id, m.at_ms);
                last = m.at_ms;
                for lang in [Lang::En, Lang::Es, Lang::Pt] {
                    assert_ne!(
                        t(lang, &m.caption_key),
                        m.caption_key.as_str(),
                        "{lang:?} {}",
                        m.caption_key
                    );
                }
            }
            let key = format!("preset.choreography.{}.guide", p.id);
            assert_ne!(t(Lang::En, &key), key.as_str());
        }
        // The moments that point at one record: it happened in the 250 ms before.
        let happened = |id: &str, n: usize, side: usize, want: &dyn Fn(&ChoreoRecord) -> bool| {
            let p = presets::all().into_iter().find(|p| p.id == id).unwrap();
            let at = p.moments[n].at_ms;
            let mut run = ChoreoRun::new(&p.config, p.seed).unwrap();
            run.run_to(SimTime::from_ms(at), u64::MAX);
            let hit = run.sides[side]
                .trace()
                .entries()
                .any(|e| e.at.as_micros() / 1000 + 250 >= at && want(&e.record));
            assert!(hit, "{id} moment {}", n + 1);
        };
        happened("event_lost", 0, 0, &|r| matches!(r, ChoreoRecord::Lost { .. }));
        // The demo's last moment says the run goes on 2 s until the orders
        // ship ("Ships after"): each side's last record is its Shipped, 2 s
        // after the order completed, with nothing traced in between but the
        // completion's own notice (within 100 ms).
        let p = presets::all().into_iter().find(|p| p.id == "demo").unwrap();
        let mut run = ChoreoRun::new(&p.config, p.seed).unwrap();
        run.run_to_end(u64::MAX);
        for (side, sim) in run.sides.iter().enumerate() {
            let done = sim.model().orders()[0].completed_at.unwrap();
            assert!(
                done.as_micros() / 1000 <= p.moments[2].at_ms + 30,
                "side {side}: {done}"
            );
            let last = sim.trace().entries().next_back().unwrap();
            assert!(matches!(last.record, ChoreoRecord::Shipped { .. }), "side {side}");
            assert_eq!(last.at.as_micros(), done.as_micros() + p.config.ship_after_ms * 1000);
            let quiet = sim
                .trace()
                .entries()
                .filter(|e| e.at.as_micros() > done.as_micros() + 100_000 && e.at < last.at)
                .count();
            assert_eq!(quiet, 0, "side {side}: records while waiting to ship");
        }
        happened("watcher", 1, 0, &|r| matches!(r, ChoreoRecord::Flagged { .. }));
        // The demo's first moment: A published inventory_reserved while B's
        // orchestrator still waits for the reservation's reply (the caption
        // said it had the reply and was about to charge).
        let p = presets::all().into_iter().find(|p| p.id == "demo").unwrap();
        let mut run = ChoreoRun::new(&p.config, p.seed).unwrap();
        run.run_to(SimTime::from_ms(p.moments[0].at_ms), u64::MAX);
        assert!(matches!(
            run.sides[1].model().orders()[0].phase,
            Phase::Running {
                step: Step::Reserve,
                ..
            }
        ));
        // The watcher's last moment sends the reader to A's inconsistent
        // orders: the run has some, and the most telling order is one.
        let p = presets::all().into_iter().find(|p| p.id == "watcher").unwrap();
        let mut run = ChoreoRun::new(&p.config, p.seed).unwrap();
        run.run_to_end(u64::MAX);
        let a = run.sides[0].model();
        assert!(a.orders().iter().any(|o| o.is_inconsistent()));
        let telling = notable_order(a).unwrap();
        assert!(a.orders()[telling as usize].is_inconsistent());
        happened("inventory_down", 1, 0, &|r| {
            matches!(r, ChoreoRecord::DeadLetter { .. })
        });
        happened("inventory_down", 2, 1, &|r| matches!(r, ChoreoRecord::GaveUp { .. }));
        happened("payment_rejected", 0, 0, &|r| {
            matches!(
                r,
                ChoreoRecord::Published {
                    topic: Topic::PaymentRejected,
                    ..
                }
            )
        });
        happened("customer_cancels", 0, 0, &|r| {
            matches!(r, ChoreoRecord::CustomerCancels { .. })
        });
        // event_lost 3: A's 7 stuck, 5 of them inconsistent, none detected;
        // B completed all 60 (the caption said "money charged for them" of
        // every stuck order, beside A's card showing 7 stuck, 5 inconsistent).
        let p = presets::all().into_iter().find(|p| p.id == "event_lost").unwrap();
        let mut run = ChoreoRun::new(&p.config, p.seed).unwrap();
        run.run_to(SimTime::from_ms(p.moments[2].at_ms), u64::MAX);
        let (a, b) = (run.sides[0].model().metrics(), run.sides[1].model().metrics());
        assert_eq!((a.stuck, a.inconsistent, a.detected), (7, 5, 0));
        assert_eq!((b.completed, b.orders), (60, 60));
        for lang in crate::i18n::Lang::ALL {
            let text = crate::i18n::t(lang, "preset.choreography.event_lost.moment.3");
            assert!(
                text.contains(" 7 ") && text.contains(" 5 ") && text.contains(" 60"),
                "{lang:?}: {text}"
            );
        }
        // customer_cancels 2: A's delivery has scheduled nothing, yet has
        // published delivery_cancelled; payment has not refunded yet, and
        // does later (the caption said "payment refunds" while the stage
        // showed delivery_cancelled leaving delivery and no refund).
        let p = presets::all().into_iter().find(|p| p.id == "customer_cancels").unwrap();
        let mut run = ChoreoRun::new(&p.config, p.seed).unwrap();
        run.run_to(SimTime::from_ms(p.moments[1].at_ms), u64::MAX);
        let o = &run.sides[0].model().orders()[0];
        assert_eq!((o.scheduled, o.charged, o.refunded), (0, 1, 0));
        assert!(run.sides[0].trace().entries().any(|e| matches!(
            e.record,
            ChoreoRecord::Published {
                topic: Topic::DeliveryCancelled,
                ..
            }
        )));
        run.run_to_end(u64::MAX);
        assert_eq!(run.sides[0].model().orders()[0].refunded, 1);
        happened("delivery_retried", 0, 0, &|r| {
            matches!(
                r,
                ChoreoRecord::StepFailed {
                    step: Step::Schedule,
                    ..
                }
            )
        });
        happened("parallel_steps", 1, 0, &|r| {
            matches!(
                r,
                ChoreoRecord::Published {
                    topic: Topic::PaymentRejected,
                    ..
                }
            )
        });
        happened("bus_down", 1, 1, &|r| matches!(r, ChoreoRecord::TimedOut { .. }));
        // "Both sides completed / undid / refunded": B's orchestrator has had
        // its last reply (its order is finished) and no message is still to
        // come on either side — the demo's count of messages is the final
        // one. (At 290 ms B's delivery had completed, but the orchestrator
        // still waited for its reply: 9 messages of 10.)
        for id in ["demo", "payment_rejected", "customer_cancels"] {
            let p = presets::all().into_iter().find(|p| p.id == id).unwrap();
            let at = p.moments.last().unwrap().at_ms;
            let mut run = ChoreoRun::new(&p.config, p.seed).unwrap();
            run.run_to(SimTime::from_ms(at), u64::MAX);
            let then: Vec<u64> = run.sides.iter().map(|s| s.model().metrics().messages).collect();
            for (side, s) in run.sides.iter().enumerate() {
                let o = &s.model().orders()[0];
                if s.model().mode() == Mode::Orchestration {
                    // Its last reply in (every message sent: checked below).
                    assert!(matches!(o.phase, Phase::Finished), "{id} side {side}: {:?}", o.phase);
                } else {
                    let standing = o.standing();
                    assert!(
                        !matches!(standing, Standing::InProgress | Standing::Stuck),
                        "{id} side {side}: {standing:?}"
                    );
                }
            }
            run.run_to_end(u64::MAX);
            let end: Vec<u64> = run.sides.iter().map(|s| s.model().metrics().messages).collect();
            assert_eq!(then, end, "{id}: messages at {at} ms and at the end");
        }
        // The watcher's last moment points at A's inconsistent orders: there
        // are some by then.
        let p = presets::all().into_iter().find(|p| p.id == "watcher").unwrap();
        let mut run = ChoreoRun::new(&p.config, p.seed).unwrap();
        run.run_to(SimTime::from_ms(p.moments.last().unwrap().at_ms), u64::MAX);
        assert!(run.sides[0].model().metrics().inconsistent > 0);
    }
}

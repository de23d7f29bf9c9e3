//! The order flow on the shared clock, coordinated one of two ways.
//!
//! **Choreography**: the order API publishes `order_placed`; each service
//! reacts to the topics it listens to (the wiring), does its step and
//! publishes what happened. A handler that fails is redelivered after a
//! backoff wait (at-least-once), up to the retry policy's attempts; then the
//! message is dead-lettered and, unless a timeout watcher notices, the order
//! silently stops where it was. No one holds the order's state: the model
//! keeps a god's-eye view only to report and to check invariants.
//!
//! **Orchestration**: an orchestrator (itself a service with a latency, a
//! capacity and outages) sends each service a command and waits for the
//! reply, with a per-step timeout and the same retry policy; a rejection or
//! a step that cannot be done before the pivot (payment) compensates the
//! completed steps in reverse order; after the pivot, delivery is retried
//! and never compensated.
//!
//! Both sides meet the same world: the same orders at the same times, the
//! same rejected payments and cancellations (drawn per order), and the same
//! fault for the same step of the same order on the same attempt (drawn from
//! a stream keyed by order, step and attempt), whatever else happened.

use super::config::{ChoreographyConfig, Mode, OrderWorkload, ServiceId, Step, Topic};

// The numbering above depends on these counts.
const _: () = assert!(Topic::ALL.len() == 10 && Topic::COUNT == 15);
use super::record::ChoreoRecord;
use super::stats::ChoreoStats;
use crate::patterns::backoff::Backoff;
use crate::patterns::bus::{Bus, Consumer, Window};
use crate::rng::SimRng;
use crate::sim::{Ctx, Model};
use crate::time::{SimDuration, SimTime};

/// Consumers: the text's four services, the orchestrator, then the larger
/// flow's four (see [`ServiceId::index`]).
pub const ORCHESTRATOR: usize = 4;
pub const CONSUMERS: usize = 9;

/// What travels on the bus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An event (choreography).
    Event(Topic),
    /// A command from the orchestrator.
    Command(Step),
    /// A service's answer to a command.
    Reply(Step, Answer),
    /// The customer's cancellation, to the orchestrator.
    CancelRequest,
}

/// A service's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Answer {
    Done,
    OutOfStock,
    Rejected,
    /// The step failed: `permanent` when no retry can fix it.
    Failed {
        permanent: bool,
    },
}

impl Kind {
    /// A number per kind, for channels and stream keys. The text's flow
    /// keeps its first numbers (0–24, so its runs draw what they always
    /// drew); the larger flow's kinds come after.
    pub fn index(self) -> usize {
        let (t, s) = (Topic::ALL.len(), 7);
        match self {
            Kind::Event(topic) if topic.index() < t => topic.index(),
            Kind::Command(step) if (step.index() as usize) < s => t + step.index() as usize,
            Kind::Reply(step, _) if (step.index() as usize) < s => t + s + step.index() as usize,
            Kind::CancelRequest => 24,
            Kind::Event(topic) => 25 + topic.index() - t,
            Kind::Command(step) => 30 + step.index() as usize - s,
            Kind::Reply(step, _) => 36 + step.index() as usize - s,
        }
    }
}
const KINDS: usize = 42;

/// One message: `id` is its identity for deduplication (a redelivery or a
/// duplicate keeps it), `attempt` counts the tries of its step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Msg {
    pub id: u64,
    pub order: u32,
    pub kind: Kind,
    pub to: u8,
    pub attempt: u32,
}

/// The events of the world.
#[derive(Clone, Debug)]
pub enum ChoreoEvent {
    Place {
        order: u32,
    },
    Arrive(Msg),
    Handled {
        msg: Msg,
        answer: Answer,
        started: SimTime,
    },
    Redeliver(Msg),
    CustomerCancels {
        order: u32,
    },
    Ship {
        order: u32,
    },
    /// The orchestrator's timer for `attempt` of the order's current step.
    StepTimeout {
        order: u32,
        step: Step,
        attempt: u32,
    },
    /// The orchestrator tries the order's current step again.
    Retry {
        order: u32,
    },
    /// The choreography's timeout watcher looks at an order.
    Watch {
        order: u32,
    },
}

/// The orchestrator's view of one order.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Running {
        step: Step,
        attempt: u32,
    },
    /// Undoing `done` from the top, in reverse order.
    Compensating {
        step: Step,
        attempt: u32,
    },
    Finished,
}

/// How an order stands at the end (or now).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Standing {
    Completed,
    CancelledByCustomer,
    Compensated,
    OutOfStock,
    InProgress,
    Stuck,
}

/// One order: its business state as the services hold it (counts of what
/// each did, so a double refund shows), and what the model knows about it.
#[derive(Clone, Debug)]
pub struct Order {
    pub placed: SimTime,
    pub reserved: u32,
    pub released: u32,
    pub charged: u32,
    pub refunded: u32,
    pub scheduled: u32,
    pub delivery_cancelled: u32,
    /// The larger flow's business state: loyalty points and the invoice.
    pub awarded: u32,
    pub revoked: u32,
    pub invoiced: u32,
    pub voided: u32,
    /// Which of the larger flow's holdings a completed order must have
    /// (points, invoice): set when the order is placed, from the flow.
    pub expects: (bool, bool),
    pub out_of_stock: bool,
    pub rejected: bool,
    /// The customer asked to cancel (and the order had not shipped).
    pub cancelled: bool,
    pub shipped: bool,
    /// Some service or the orchestrator gave the order up (a dead letter, a
    /// permanent failure): it will not complete.
    pub failed: bool,
    /// The timeout watcher flagged it and had it cancelled.
    pub flagged: bool,
    /// Per service: it knows the order is over (cancelled, rejected) and
    /// ignores late triggers.
    pub closed: [bool; CONSUMERS],
    /// Messages and timers still to come for this order.
    pub outstanding: u32,
    /// The orchestrator's step timeouts still to go off. They keep an order
    /// in progress only while the orchestrator still works on it: the
    /// timer of a step already answered is spent (payment_rejected's B read
    /// "compensating" for 850 ms after its last reply).
    pub timers: u32,
    pub last_progress: SimTime,
    /// When the order first completed (delivery scheduled).
    pub completed_at: Option<SimTime>,
    /// When its last compensation was done.
    pub compensated_at: Option<SimTime>,
    /// When someone (the orchestrator, the watcher) first noticed it stalled,
    /// and how long after its last progress.
    pub noticed: Option<SimDuration>,
    /// Orchestration: the orchestrator's state, and the steps it has done.
    pub phase: Phase,
    pub done: Vec<Step>,
    /// How many times each topic was published for this order (stream keys).
    publishes: [u16; KINDS],
    /// Counted as completed in the series (see [`ChoreoModel::handle`]).
    counted_completed: bool,
}

impl Order {
    fn new(placed: SimTime, expects: (bool, bool)) -> Order {
        Order {
            placed,
            reserved: 0,
            released: 0,
            charged: 0,
            refunded: 0,
            scheduled: 0,
            delivery_cancelled: 0,
            awarded: 0,
            revoked: 0,
            invoiced: 0,
            voided: 0,
            expects,
            out_of_stock: false,
            rejected: false,
            cancelled: false,
            shipped: false,
            failed: false,
            flagged: false,
            closed: [false; CONSUMERS],
            outstanding: 0,
            timers: 0,
            last_progress: placed,
            completed_at: None,
            compensated_at: None,
            noticed: None,
            phase: Phase::Running {
                step: Step::Reserve,
                attempt: 1,
            },
            done: Vec::new(),
            publishes: [0; KINDS],
            counted_completed: false,
        }
    }

    /// What is held for the order: (stock reserved, money charged, delivery booked).
    pub fn net(&self) -> (i64, i64, i64) {
        (
            self.reserved as i64 - self.released as i64,
            self.charged as i64 - self.refunded as i64,
            self.scheduled as i64 - self.delivery_cancelled as i64,
        )
    }

    /// What the larger flow holds for the order: (loyalty points, invoices).
    pub fn net_extras(&self) -> (i64, i64) {
        (
            self.awarded as i64 - self.revoked as i64,
            self.invoiced as i64 - self.voided as i64,
        )
    }

    /// How the order ended, by what happened to it (whether what it holds
    /// is right is [`Order::is_inconsistent`]'s question): completed; else
    /// still moving while something is on its way for it; else ended by a
    /// cancellation, the watcher, missing stock, a rejected payment or (with
    /// an orchestrator) a step given up on; else stuck: nothing will move it
    /// and no one decided its end.
    pub fn standing(&self) -> Standing {
        let ended_badly = self.cancelled || self.flagged || self.out_of_stock || self.rejected;
        if self.completed_at.is_some() && !ended_badly {
            return Standing::Completed;
        }
        if self.outstanding > 0 || (self.timers > 0 && self.phase != Phase::Finished) {
            return Standing::InProgress;
        }
        // What the business decided first outranks a cancellation racing it.
        if self.out_of_stock {
            Standing::OutOfStock
        } else if self.flagged || self.rejected {
            Standing::Compensated
        } else if self.cancelled {
            Standing::CancelledByCustomer
        } else if self.failed && self.phase == Phase::Finished {
            Standing::Compensated
        } else {
            Standing::Stuck
        }
    }

    /// Business state that breaks an invariant once nothing more will
    /// happen: something held for an order that did not complete (stock
    /// reserved for a cancelled order), or done twice or undone twice (a
    /// double charge, a double refund).
    pub fn is_inconsistent(&self) -> bool {
        let (a, b, c) = self.net();
        let (d, e) = self.net_extras();
        let bad = |v: i64| !(0..=1).contains(&v);
        if bad(a) || bad(b) || bad(c) || bad(d) || bad(e) {
            return true;
        }
        if self.released > self.reserved
            || self.refunded > self.charged
            || self.revoked > self.awarded
            || self.voided > self.invoiced
        {
            return true;
        }
        match self.standing() {
            // A completed order holds stock, money and a delivery, and in the
            // larger flow its points and its invoice.
            Standing::Completed => (a, b, c) != (1, 1, 1) || (d, e) != (self.expects.0 as i64, self.expects.1 as i64),
            Standing::InProgress => false,
            _ => (a, b, c, d, e) != (0, 0, 0, 0, 0),
        }
    }
}

/// Undoes one of what was `done` (counting it in `undone`) if anything is
/// left to undo — or, for a service that is not idempotent, whenever it is
/// told to. Whether it undid something.
fn undo(done: u32, undone: &mut u32, idempotent: bool) -> bool {
    let undo = done > 0 && (*undone < done || !idempotent);
    if undo {
        *undone += 1;
    }
    undo
}

/// The choreography lab's world, one side.
#[derive(Clone, Debug)]
pub struct ChoreoModel {
    config: ChoreographyConfig,
    mode: Mode,
    backoff: Backoff,
    world: SimRng,
    bus: Bus,
    consumers: Vec<Consumer<Msg>>,
    /// Per topic, the consumers listening (choreography).
    listeners: Vec<Vec<u8>>,
    /// The orchestrator's forward steps, in order.
    forward: Vec<Step>,
    orders: Vec<Order>,
    stock: u32,
    stats: ChoreoStats,
    next_id: u64,
    /// Step timeouts still to go off, and those of them whose order the
    /// orchestrator still works on. When every pending event is a timer of
    /// a finished order, nothing more can happen: the run ends at its last
    /// real event (payment_rejected's B ran on to 1.35 s, 0.85 s after its
    /// last reply).
    timers_pending: usize,
    live_timers: usize,
    /// Buffers reused by every publish (empty between events).
    scratch_channels: Vec<usize>,
    scratch_deliveries: Vec<(usize, SimTime)>,
}

fn channel(kind: Kind, to: u8) -> usize {
    kind.index() * CONSUMERS + to as usize
}

impl ChoreoModel {
    pub fn new(config: ChoreographyConfig, mode: Mode, seed: u64) -> Self {
        let world = SimRng::new(seed);
        let mut listeners = vec![Vec::new(); Topic::COUNT];
        for l in &config.wiring {
            listeners[l.on.index()].push(l.service.index() as u8);
        }
        // One consumer per number; a service not in the flow gets none of the messages.
        let consumers: Vec<Consumer<Msg>> = (0..CONSUMERS)
            .map(|i| {
                let svc = match ServiceId::of_consumer(i) {
                    Some(s) => config.services.get(s),
                    None if i == ORCHESTRATOR => Some(&config.services.orchestrator),
                    None => None,
                };
                Consumer::new(svc.map_or(0, |s| s.capacity))
            })
            .collect();
        ChoreoModel {
            backoff: config.retry.backoff(),
            bus: Bus::new(config.bus.clone(), KINDS * CONSUMERS),
            stock: config.stock,
            timers_pending: 0,
            live_timers: 0,
            stats: ChoreoStats::default(),
            mode,
            world,
            consumers,
            listeners,
            forward: config.services.forward_steps(),
            orders: Vec::new(),
            next_id: 1,
            scratch_channels: Vec::new(),
            scratch_deliveries: Vec::new(),
            config,
        }
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }
    pub fn config(&self) -> &ChoreographyConfig {
        &self.config
    }
    pub fn orders(&self) -> &[Order] {
        &self.orders
    }
    pub fn stock(&self) -> u32 {
        self.stock
    }
    pub fn bus(&self) -> &Bus {
        &self.bus
    }
    pub fn consumer(&self, i: usize) -> &Consumer<Msg> {
        &self.consumers[i]
    }
    pub fn stats(&self) -> &ChoreoStats {
        &self.stats
    }

    /// The stream for a draw about `what` of `order`, keyed by what it is.
    fn keyed(&self, name: &str, order: u32, what: u64, attempt: u32) -> SimRng {
        self.world.derive_indexed(
            name,
            ((order as u64) << 32) | ((what & 0xff_ffff) << 8) | (attempt as u64 & 0xff),
        )
    }

    fn progress(&mut self, order: u32, now: SimTime) {
        self.orders[order as usize].last_progress = now;
    }

    /// Publishes `kind` for `order` to `to` (one or several consumers).
    fn publish(
        &mut self,
        order: u32,
        kind: Kind,
        to: &[u8],
        attempt: u32,
        id: Option<u64>,
        ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>,
    ) {
        let o = &mut self.orders[order as usize];
        let n = o.publishes[kind.index()];
        o.publishes[kind.index()] = n.saturating_add(1);
        let id = id.unwrap_or_else(|| {
            self.next_id += 1;
            self.next_id
        });
        let mut rng = self.keyed("bus", order, kind.index() as u64 * 64 + n as u64 % 64, attempt);
        let mut channels = std::mem::take(&mut self.scratch_channels);
        let mut deliveries = std::mem::take(&mut self.scratch_deliveries);
        channels.clear();
        channels.extend(to.iter().map(|&t| channel(kind, t)));
        self.stats.messages += channels.len() as u64;
        self.stats.slice(ctx.now()).messages += channels.len() as u32;
        if self.bus.publish_into(ctx.now(), &channels, &mut rng, &mut deliveries) {
            for &(ch, at) in &deliveries {
                let msg = Msg {
                    id,
                    order,
                    kind,
                    to: (ch % CONSUMERS) as u8,
                    attempt,
                };
                self.orders[order as usize].outstanding += 1;
                ctx.schedule_at(at, ChoreoEvent::Arrive(msg));
            }
        } else {
            // Every listener's copy is lost, counted as `messages` counts
            // them: one per event read as 7 lost of 401 (1.7 %) beside
            // orchestration's 36 of 629, at the same 5 % loss.
            self.stats.lost += channels.len() as u64;
            ctx.record(ChoreoRecord::Lost {
                order,
                kind: kind.index() as u8,
            });
        }
        deliveries.clear();
        (self.scratch_channels, self.scratch_deliveries) = (channels, deliveries);
    }

    /// Publishes an event to its listeners (choreography).
    fn emit(&mut self, order: u32, topic: Topic, ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>) {
        ctx.record(ChoreoRecord::Published { order, topic });
        let to = std::mem::take(&mut self.listeners[topic.index()]);
        if !to.is_empty() {
            self.publish(order, Kind::Event(topic), &to, 1, None, ctx);
        }
        self.listeners[topic.index()] = to;
    }

    /// A message reaches its consumer: it starts now or waits in the queue.
    fn arrive(&mut self, msg: Msg, ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>) {
        if let Some(m) = self.consumers[msg.to as usize].arrive(msg) {
            self.start(m, ctx);
        }
    }

    /// The step a service's message asks of it.
    fn step_of(&self, msg: Msg) -> Step {
        let service = ServiceId::of_consumer(msg.to as usize).expect("a service's message");
        match msg.kind {
            Kind::Event(t) => service.reaction(t).expect("listeners react"),
            Kind::Command(s) => s,
            _ => unreachable!("services receive events and commands"),
        }
    }

    /// A consumer starts handling `msg`: draws its time and fault.
    fn start(&mut self, msg: Msg, ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>) {
        let now = ctx.now();
        if msg.to as usize == ORCHESTRATOR {
            // The orchestrator is not faulty, only slow or down: a message
            // waits for it to come back.
            let svc = &self.config.services.orchestrator;
            let mut rng = self.keyed("orchestrator", msg.order, msg.kind.index() as u64, msg.attempt);
            let ms = svc
                .latency_shape
                .draw(&mut rng, svc.latency_ms as f64, svc.latency_sd_ms as f64);
            let begin = self.orchestrator_up(now);
            let at = begin + SimDuration::from_ms_f64(ms);
            ctx.schedule_at(
                at,
                ChoreoEvent::Handled {
                    msg,
                    answer: Answer::Done,
                    started: begin,
                },
            );
            return;
        }
        let step = self.step_of(msg);
        if msg.attempt == 1 {
            self.stats.first_deliveries[step.service().index()] += 1;
        }
        let svc = self.config.services.of(step.service());
        let mut rng = self.keyed("handle", msg.order, step.index(), msg.attempt);
        let u_outcome = rng.unit();
        let u_slow = rng.unit();
        let mut ms = svc
            .latency_shape
            .draw(&mut rng, svc.latency_ms as f64, svc.latency_sd_ms as f64);
        if u_slow < svc.slow_rate {
            ms = svc.slow_ms as f64;
        }
        let down = svc.outages.iter().any(|o| {
            let t = now.as_micros() / 1000;
            t >= o.from_ms && t < o.to_ms
        });
        let answer = if down || u_outcome < svc.transient_failure_rate {
            Answer::Failed { permanent: false }
        } else if u_outcome < svc.transient_failure_rate + svc.permanent_failure_rate {
            Answer::Failed { permanent: true }
        } else {
            Answer::Done
        };
        ctx.schedule_in(
            SimDuration::from_ms_f64(ms),
            ChoreoEvent::Handled {
                msg,
                answer,
                started: now,
            },
        );
    }

    /// A consumer finished `msg`.
    fn handled(&mut self, msg: Msg, answer: Answer, started: SimTime, ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>) {
        let order = msg.order;
        let took_us = ctx.now().since(started).as_micros();
        self.orders[order as usize].outstanding -= 1;
        let ok = !matches!(answer, Answer::Failed { .. });
        if let Some(next) = self.consumers[msg.to as usize].finish(ok) {
            self.start(next, ctx);
        }
        if msg.to as usize == ORCHESTRATOR {
            return self.orchestrate(msg, ctx);
        }
        let step = self.step_of(msg);
        if let Answer::Failed { permanent } = answer {
            ctx.record(ChoreoRecord::StepFailed {
                order,
                step,
                attempt: msg.attempt,
                permanent,
                took_us,
            });
            match self.mode {
                Mode::Choreography => {
                    if !permanent && msg.attempt < self.config.retry.max_attempts {
                        let wait = self.wait(order, step, msg.attempt);
                        self.orders[order as usize].outstanding += 1;
                        ctx.schedule_in(
                            wait,
                            ChoreoEvent::Redeliver(Msg {
                                attempt: msg.attempt + 1,
                                ..msg
                            }),
                        );
                    } else {
                        self.stats.dead_letters += 1;
                        if !step.is_side_note() {
                            self.orders[order as usize].failed = true;
                        }
                        ctx.record(ChoreoRecord::DeadLetter { order, step });
                    }
                }
                Mode::Orchestration => self.answer(order, step, answer, msg.attempt, ctx),
            }
            return;
        }
        // Idempotent services ignore a message they have handled.
        let first = self.consumers[msg.to as usize].first_time(msg.id);
        if !first && self.config.idempotent {
            ctx.record(ChoreoRecord::Ignored { order, step });
            if let (Mode::Orchestration, Some(a)) = (self.mode, self.repeat_answer(order, step)) {
                self.answer(order, step, a, msg.attempt, ctx);
            }
            return;
        }
        if !first && !step.is_side_note() {
            self.stats.duplicate_effects += 1;
        }
        let answer = self.apply(order, step, msg.attempt, took_us, ctx);
        match self.mode {
            Mode::Choreography => {
                if let Some(topic) = answer {
                    self.emit(order, topic, ctx);
                }
            }
            Mode::Orchestration => {
                if !step.is_side_note() {
                    let a = match answer {
                        Some(Topic::OutOfStock) => Answer::OutOfStock,
                        Some(Topic::PaymentRejected) => Answer::Rejected,
                        _ => Answer::Done,
                    };
                    self.answer(order, step, a, msg.attempt, ctx);
                }
            }
        }
    }

    /// A service answers the orchestrator's command for `step`.
    fn answer(
        &mut self,
        order: u32,
        step: Step,
        answer: Answer,
        attempt: u32,
        ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>,
    ) {
        self.publish(
            order,
            Kind::Reply(step, answer),
            &[ORCHESTRATOR as u8],
            attempt,
            None,
            ctx,
        );
    }

    /// What an idempotent service answers a repeated command (what it did the first time).
    fn repeat_answer(&self, order: u32, step: Step) -> Option<Answer> {
        let o = &self.orders[order as usize];
        match step {
            Step::Notify | Step::Record => None,
            Step::Reserve if o.out_of_stock => Some(Answer::OutOfStock),
            Step::Charge if o.rejected => Some(Answer::Rejected),
            _ => Some(Answer::Done),
        }
    }

    fn wait(&mut self, order: u32, step: Step, attempt: u32) -> SimDuration {
        let mut rng = self.keyed("backoff", order, step.index(), attempt);
        self.backoff.wait(attempt, SimDuration::ZERO, &mut rng)
    }

    /// A service does `step` for `order`; returns the event that tells what happened.
    fn apply(
        &mut self,
        order: u32,
        step: Step,
        attempt: u32,
        took_us: u64,
        ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>,
    ) -> Option<Topic> {
        let now = ctx.now();
        let choreo = self.mode == Mode::Choreography;
        let svc = step.service().index();
        let o = &mut self.orders[order as usize];
        // In choreography a service that knows the order is over ignores late triggers.
        if choreo && o.closed[svc] && !step.is_compensation() && !step.is_side_note() {
            ctx.record(ChoreoRecord::Ignored { order, step });
            return None;
        }
        o.last_progress = now;
        let idempotent = self.config.idempotent;
        // Whether the step changed anything, and what to tell the others.
        let (effect, topic) = match step {
            Step::Notify => {
                self.stats.notifications += 1;
                (true, None)
            }
            Step::Record => (true, None),
            Step::Screen => (true, Some(Topic::FraudCleared)),
            Step::Award => {
                o.awarded += 1;
                (true, Some(Topic::PointsAwarded))
            }
            Step::Invoice => {
                o.invoiced += 1;
                (true, Some(Topic::InvoiceIssued))
            }
            Step::Revoke => {
                o.closed[svc] = true;
                let undone = undo(o.awarded, &mut o.revoked, idempotent);
                (undone, undone.then_some(Topic::PointsRevoked))
            }
            Step::Void => {
                o.closed[svc] = true;
                let undone = undo(o.invoiced, &mut o.voided, idempotent);
                (undone, undone.then_some(Topic::InvoiceVoided))
            }
            Step::Reserve => {
                if self.stock > 0 {
                    self.stock -= 1;
                    o.reserved += 1;
                    (true, Some(Topic::InventoryReserved))
                } else {
                    o.out_of_stock = true;
                    o.closed[svc] = true;
                    (false, Some(Topic::OutOfStock))
                }
            }
            Step::Charge => {
                let rejected = self.world.derive_indexed("reject", order as u64).unit() < self.config.reject_rate;
                if rejected {
                    o.rejected = true;
                    o.closed[svc] = true;
                    (false, Some(Topic::PaymentRejected))
                } else {
                    o.charged += 1;
                    (true, Some(Topic::PaymentProcessed))
                }
            }
            Step::Schedule => {
                o.scheduled += 1;
                (true, Some(Topic::DeliveryScheduled))
            }
            // A compensation undoes what its service did for the order, if
            // anything (a non-idempotent one whenever it is told to), and
            // passes the word on either way: the next service back may have
            // something to undo.
            Step::Release => {
                o.closed[svc] = true;
                let undone = undo(o.reserved, &mut o.released, idempotent);
                if undone {
                    self.stock += 1;
                }
                (undone, undone.then_some(Topic::InventoryReleased))
            }
            Step::Refund => {
                o.closed[svc] = true;
                (
                    undo(o.charged, &mut o.refunded, idempotent),
                    Some(Topic::PaymentRefunded),
                )
            }
            Step::CancelDelivery => {
                if o.shipped {
                    // Too late: the parcel has left.
                    ctx.record(ChoreoRecord::CancelRefused { order });
                    return None;
                }
                o.closed[svc] = true;
                let undone = undo(o.scheduled, &mut o.delivery_cancelled, idempotent);
                (undone, Some(Topic::DeliveryCancelled))
            }
        };
        if effect {
            ctx.record(ChoreoRecord::StepDone {
                order,
                step,
                attempt,
                took_us,
            });
        } else if matches!(step, Step::Reserve | Step::Charge) {
            // The service said no: it heard, and answers so.
            ctx.record(ChoreoRecord::Declined { order, step });
        } else {
            // A compensation with nothing to undo.
            ctx.record(ChoreoRecord::Ignored { order, step });
        }
        if effect && step.is_compensation() {
            self.stats.compensations += 1;
            self.stats.slice(now).compensations += 1;
            o.compensated_at = Some(now);
        }
        if step == Step::Schedule {
            if o.completed_at.is_none() {
                o.completed_at = Some(now);
                ctx.record(ChoreoRecord::Completed { order });
            }
            o.outstanding += 1;
            ctx.schedule_in(
                SimDuration::from_ms(self.config.ship_after_ms),
                ChoreoEvent::Ship { order },
            );
        }
        topic
    }

    // ---------------------------------------------------------------- orchestration

    /// The order API hands the orchestrator a request directly (a call, not
    /// a message on the bus: it is not lost or duplicated).
    fn call_orchestrator(&mut self, order: u32, kind: Kind, ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>) {
        self.next_id += 1;
        let msg = Msg {
            id: self.next_id,
            order,
            kind,
            to: ORCHESTRATOR as u8,
            attempt: 1,
        };
        self.orders[order as usize].outstanding += 1;
        self.arrive(msg, ctx);
    }

    /// When the orchestrator is next up, from `t` (its own timers wait for it too).
    fn orchestrator_up(&self, t: SimTime) -> SimTime {
        let windows: Vec<Window> = self
            .config
            .services
            .orchestrator
            .outages
            .iter()
            .map(|o| Window {
                from_ms: o.from_ms,
                to_ms: o.to_ms,
            })
            .collect();
        Window::after_all(&windows, t)
    }

    /// Sends the command for the order's current step.
    fn command(&mut self, order: u32, step: Step, attempt: u32, ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>) {
        ctx.record(ChoreoRecord::Command { order, step, attempt });
        // Retries of a command keep its identity: an idempotent service
        // recognises the second copy.
        let id = (1 << 62) | ((order as u64) << 8) | step.index();
        self.publish(
            order,
            Kind::Command(step),
            &[step.service().index() as u8],
            attempt,
            Some(id),
            ctx,
        );
        self.orders[order as usize].timers += 1;
        self.timers_pending += 1;
        self.live_timers += 1;
        ctx.schedule_in(
            SimDuration::from_ms(self.config.step_timeout_ms),
            ChoreoEvent::StepTimeout { order, step, attempt },
        );
    }

    /// The orchestrator tells the notification service (fire and forget),
    /// and analytics when it takes part.
    fn notify(&mut self, order: u32, ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>) {
        let with_analytics = self.config.services.analytics.is_some();
        for step in [Step::Notify, Step::Record] {
            if step == Step::Record && !with_analytics {
                break;
            }
            let n = self.orders[order as usize].publishes[Kind::Command(step).index()] as u64;
            // Recorded like every command, so the sequence diagram draws the
            // orchestrator's arrow to the notification service (its "notify
            // the customer" rows had no arrow coming in).
            ctx.record(ChoreoRecord::Command {
                order,
                step,
                attempt: n as u32 + 1,
            });
            let id = (1 << 63) | ((order as u64) << 20) | n;
            self.publish(
                order,
                Kind::Command(step),
                &[step.service().index() as u8],
                1,
                Some(id),
                ctx,
            );
        }
    }

    /// The orchestrator handles a message (a new order, a reply, a cancellation).
    fn orchestrate(&mut self, msg: Msg, ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>) {
        let order = msg.order;
        match msg.kind {
            Kind::CancelRequest => self.cancel_orchestrated(order, ctx),
            Kind::Reply(step, answer) => self.reply(order, step, msg.attempt, answer, ctx),
            Kind::Event(Topic::OrderPlaced) => {
                self.notify(order, ctx);
                self.command(order, Step::Reserve, 1, ctx);
            }
            _ => {}
        }
    }

    fn reply(
        &mut self,
        order: u32,
        step: Step,
        attempt: u32,
        answer: Answer,
        ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>,
    ) {
        let now = ctx.now();
        let (current, current_attempt, compensating) = match self.orders[order as usize].phase {
            Phase::Running { step, attempt } => (step, attempt, false),
            Phase::Compensating { step, attempt } => (step, attempt, true),
            Phase::Finished => return,
        };
        // A late reply to an attempt already given up on changes nothing.
        if step != current || attempt != current_attempt {
            return;
        }
        self.progress(order, now);
        match answer {
            Answer::Done => {
                self.orders[order as usize].done.push(step);
                self.notify(order, ctx);
                if compensating {
                    return self.next_compensation(order, ctx);
                }
                if self.orders[order as usize].cancelled {
                    return self.start_compensating(order, ctx);
                }
                let next = self.next_forward(step);
                match next {
                    Some(n) => {
                        self.set_phase(order, Phase::Running { step: n, attempt: 1 });
                        self.command(order, n, 1, ctx);
                    }
                    None => {
                        // Completed: the delivery is booked (shipping is the delivery's business).
                        self.finish(order);
                    }
                }
            }
            Answer::OutOfStock | Answer::Rejected => {
                self.notify(order, ctx);
                self.start_compensating(order, ctx);
            }
            Answer::Failed { permanent } => self.step_failed(order, step, attempt, permanent, compensating, ctx),
        }
    }

    /// The current step failed (a failure reply, or its timeout).
    fn step_failed(
        &mut self,
        order: u32,
        step: Step,
        attempt: u32,
        permanent: bool,
        compensating: bool,
        ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>,
    ) {
        if !permanent && attempt < self.config.retry.max_attempts {
            let wait = self.wait(order, step, attempt);
            self.set_phase(
                order,
                if compensating {
                    Phase::Compensating {
                        step,
                        attempt: attempt + 1,
                    }
                } else {
                    Phase::Running {
                        step,
                        attempt: attempt + 1,
                    }
                },
            );
            let o = &mut self.orders[order as usize];
            o.outstanding += 1;
            ctx.schedule_in(wait, ChoreoEvent::Retry { order });
            return;
        }
        ctx.record(ChoreoRecord::GaveUp { order, step });
        let pivot_passed = step.after_pivot();
        if compensating || pivot_passed {
            // A compensation that cannot be done, or a delivery that cannot be
            // booked after the payment: left for a human (the order is stuck,
            // but the orchestrator knows it).
            self.finish(order);
            self.orders[order as usize].failed = true;
            return;
        }
        self.orders[order as usize].failed = true;
        self.start_compensating(order, ctx);
    }

    /// The forward step after `step` in the orchestrator's sequence.
    fn next_forward(&self, step: Step) -> Option<Step> {
        let steps = &self.forward;
        let i = steps.iter().position(|&s| s == step)?;
        steps.get(i + 1).copied()
    }

    fn start_compensating(&mut self, order: u32, ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>) {
        self.next_compensation(order, ctx);
    }

    /// Undoes the last step done that is not undone yet, or finishes.
    fn next_compensation(&mut self, order: u32, ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>) {
        let o = &mut self.orders[order as usize];
        // The most recent step done whose compensation is not done yet.
        let pending = o
            .done
            .iter()
            .rev()
            .filter_map(|s| s.compensation())
            .find(|c| !o.done.contains(c));
        match pending {
            Some(c) => {
                self.set_phase(order, Phase::Compensating { step: c, attempt: 1 });
                self.command(order, c, 1, ctx);
            }
            None => self.finish(order),
        }
    }

    fn cancel_orchestrated(&mut self, order: u32, ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>) {
        let o = &mut self.orders[order as usize];
        if o.shipped || o.cancelled {
            ctx.record(ChoreoRecord::CancelRefused { order });
            return;
        }
        if matches!(o.phase, Phase::Compensating { .. }) {
            return;
        }
        o.cancelled = true;
        if o.phase == Phase::Finished {
            if o.failed || o.out_of_stock || o.rejected {
                return;
            }
            self.start_compensating(order, ctx);
        }
        // Otherwise the step in flight finishes first; its reply starts the compensation.
    }

    /// The orchestrator is done with the order: its timers still pending
    /// are spent.
    fn finish(&mut self, order: u32) {
        self.set_phase(order, Phase::Finished);
    }

    /// Every change of an order's phase: an order the orchestrator finished
    /// has its pending timers counted spent, and live again if a late
    /// cancellation reopens it.
    fn set_phase(&mut self, order: u32, phase: Phase) {
        let o = &mut self.orders[order as usize];
        let (was, is) = (o.phase == Phase::Finished, phase == Phase::Finished);
        o.phase = phase;
        match (was, is) {
            (false, true) => self.live_timers -= o.timers as usize,
            (true, false) => self.live_timers += o.timers as usize,
            _ => {}
        }
    }

    // ---------------------------------------------------------------- the watcher

    fn watch(&mut self, order: u32, ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>) {
        let now = ctx.now();
        let limit = SimDuration::from_ms(self.config.watcher_ms);
        let o = &mut self.orders[order as usize];
        let over = o.completed_at.is_some()
            || matches!(
                o.standing(),
                Standing::OutOfStock | Standing::Compensated | Standing::CancelledByCustomer
            );
        if over || o.cancelled {
            return;
        }
        let quiet = now.since(o.last_progress);
        if quiet < limit {
            o.outstanding += 1;
            ctx.schedule_at(o.last_progress + limit, ChoreoEvent::Watch { order });
            return;
        }
        // No progress for the limit: flag it and cancel it, so every
        // service undoes what it did.
        if o.noticed.is_none() {
            o.noticed = Some(quiet);
            self.stats.on_detect(quiet);
        }
        o.cancelled = true;
        o.flagged = true;
        ctx.record(ChoreoRecord::Flagged { order });
        self.emit(order, Topic::OrderCancelled, ctx);
    }

    /// How many orders this run places, all told (its world draws their
    /// arrival times up front): the highest order number a reader can follow.
    pub fn order_count(&self) -> usize {
        self.arrival_times().len()
    }

    fn arrival_times(&self) -> Vec<SimTime> {
        match &self.config.workload {
            OrderWorkload::Single => vec![SimTime::ZERO],
            OrderWorkload::Burst { orders, within_ms } => (0..*orders)
                .map(|i| {
                    SimTime::ZERO + SimDuration::from_micros(*within_ms * 1000 * i as u64 / (*orders).max(1) as u64)
                })
                .collect(),
            OrderWorkload::Poisson {
                rate_per_s,
                duration_ms,
            } => {
                let mut rng = self.world.derive("arrivals");
                let mut out = Vec::new();
                if *rate_per_s <= 0.0 {
                    return out;
                }
                let mut t = 0.0;
                loop {
                    t += rng.exponential(1000.0 / rate_per_s);
                    if t >= *duration_ms as f64 {
                        return out;
                    }
                    out.push(SimTime::ZERO + SimDuration::from_micros((t * 1000.0) as u64));
                }
            }
        }
    }
}

impl Model for ChoreoModel {
    type Event = ChoreoEvent;
    type Record = ChoreoRecord;

    fn only_no_ops_pending(&self, pending: usize) -> bool {
        pending > 0 && pending == self.timers_pending && self.live_timers == 0
    }

    fn start(&mut self, ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>) {
        for (i, at) in self.arrival_times().into_iter().enumerate() {
            ctx.schedule_at(at, ChoreoEvent::Place { order: i as u32 });
        }
    }

    /// Handles the event, then counts its order in or out of the completed
    /// ones in the series as its standing changed, so the stage cards' chart
    /// of completed orders is the metrics' "completed" at every instant (it
    /// counted every delivery scheduled: 19 completed beside a table's 0 when
    /// every customer cancelled).
    fn handle(&mut self, event: ChoreoEvent, ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>) {
        let order = match &event {
            ChoreoEvent::Place { order }
            | ChoreoEvent::CustomerCancels { order }
            | ChoreoEvent::Ship { order }
            | ChoreoEvent::StepTimeout { order, .. }
            | ChoreoEvent::Retry { order }
            | ChoreoEvent::Watch { order } => *order,
            ChoreoEvent::Arrive(msg) | ChoreoEvent::Redeliver(msg) | ChoreoEvent::Handled { msg, .. } => msg.order,
        };
        let now = ctx.now();
        self.handle_event(event, ctx);
        if let Some(o) = self.orders.get_mut(order as usize) {
            let completed = o.standing() == Standing::Completed;
            if completed != o.counted_completed {
                o.counted_completed = completed;
                let slice = self.stats.slice(now);
                if completed {
                    slice.completed += 1;
                } else {
                    slice.uncompleted += 1;
                }
            }
        }
    }

    fn approx_bytes(&self) -> usize {
        self.orders.len() * std::mem::size_of::<Order>()
            + self
                .consumers
                .iter()
                .map(|c| c.queued() * std::mem::size_of::<Msg>())
                .sum::<usize>()
    }
}

impl ChoreoModel {
    fn handle_event(&mut self, event: ChoreoEvent, ctx: &mut Ctx<'_, ChoreoEvent, ChoreoRecord>) {
        let now = ctx.now();
        match event {
            ChoreoEvent::Place { order } => {
                debug_assert_eq!(order as usize, self.orders.len());
                let s = &self.config.services;
                self.orders
                    .push(Order::new(now, (s.loyalty.is_some(), s.invoicing.is_some())));
                self.stats.orders += 1;
                self.stats.slice(now).placed += 1;
                ctx.record(ChoreoRecord::Placed { order });
                let mut rng = self.world.derive_indexed("cancel", order as u64);
                if rng.unit() < self.config.cancel_rate {
                    self.orders[order as usize].outstanding += 1;
                    ctx.schedule_in(
                        SimDuration::from_ms(self.config.cancel_after_ms),
                        ChoreoEvent::CustomerCancels { order },
                    );
                }
                match self.mode {
                    Mode::Choreography => {
                        self.emit(order, Topic::OrderPlaced, ctx);
                        if self.config.watcher_ms > 0 {
                            self.orders[order as usize].outstanding += 1;
                            ctx.schedule_in(
                                SimDuration::from_ms(self.config.watcher_ms),
                                ChoreoEvent::Watch { order },
                            );
                        }
                    }
                    // The order API calls the orchestrator (placeOrder()), not the bus.
                    Mode::Orchestration => self.call_orchestrator(order, Kind::Event(Topic::OrderPlaced), ctx),
                }
            }
            ChoreoEvent::Arrive(msg) => self.arrive(msg, ctx),
            ChoreoEvent::Handled { msg, answer, started } => self.handled(msg, answer, started, ctx),
            ChoreoEvent::Redeliver(msg) => {
                // A redelivery is a message on the bus too, as orchestration's
                // retried commands are (A's 7.00 per order beside B's 12.1,
                // with the same 59 failures, left A's retries out).
                self.stats.messages += 1;
                self.stats.slice(ctx.now()).messages += 1;
                self.orders[msg.order as usize].outstanding -= 1;
                // The broker hands the same message back to the same consumer.
                self.orders[msg.order as usize].outstanding += 1;
                self.arrive(msg, ctx);
            }
            ChoreoEvent::CustomerCancels { order } => {
                self.orders[order as usize].outstanding -= 1;
                ctx.record(ChoreoRecord::CustomerCancels { order });
                self.stats.cancel_requests += 1;
                if self.orders[order as usize].shipped {
                    ctx.record(ChoreoRecord::CancelRefused { order });
                    return;
                }
                match self.mode {
                    Mode::Choreography => {
                        self.orders[order as usize].cancelled = true;
                        self.emit(order, Topic::OrderCancelled, ctx);
                    }
                    Mode::Orchestration => self.call_orchestrator(order, Kind::CancelRequest, ctx),
                }
            }
            ChoreoEvent::Ship { order } => {
                let o = &mut self.orders[order as usize];
                o.outstanding -= 1;
                // One parcel per order: a duplicate booking's timer finds it
                // gone (the trace read "shipped ×4" for one order).
                if !o.shipped && o.net().2 > 0 {
                    o.shipped = true;
                    ctx.record(if o.cancelled {
                        ChoreoRecord::ShippedCancelled { order }
                    } else {
                        ChoreoRecord::Shipped { order }
                    });
                }
            }
            ChoreoEvent::StepTimeout { order, step, attempt } => {
                // A timer of an orchestrator that is down goes off when it is back.
                let up = self.orchestrator_up(now);
                if up > now {
                    ctx.schedule_at(up, ChoreoEvent::StepTimeout { order, step, attempt });
                    return;
                }
                self.orders[order as usize].timers -= 1;
                self.timers_pending -= 1;
                let o = &self.orders[order as usize];
                if o.phase != Phase::Finished {
                    self.live_timers -= 1;
                }
                let (current, a, compensating) = match o.phase {
                    Phase::Running { step, attempt } => (step, attempt, false),
                    Phase::Compensating { step, attempt } => (step, attempt, true),
                    Phase::Finished => return,
                };
                let answered = o.done.contains(&step);
                if current != step || a != attempt || answered {
                    return;
                }
                let quiet = now.since(o.last_progress);
                if o.noticed.is_none() {
                    self.orders[order as usize].noticed = Some(quiet);
                    self.stats.on_detect(quiet);
                }
                ctx.record(ChoreoRecord::TimedOut { order, step, attempt });
                self.step_failed(order, step, attempt, false, compensating, ctx);
            }
            ChoreoEvent::Retry { order } => {
                let up = self.orchestrator_up(now);
                if up > now {
                    ctx.schedule_at(up, ChoreoEvent::Retry { order });
                    return;
                }
                self.orders[order as usize].outstanding -= 1;
                match self.orders[order as usize].phase {
                    Phase::Running { step, attempt } | Phase::Compensating { step, attempt } => {
                        self.command(order, step, attempt, ctx)
                    }
                    Phase::Finished => {}
                }
            }
            ChoreoEvent::Watch { order } => {
                self.orders[order as usize].outstanding -= 1;
                self.watch(order, ctx);
            }
        }
    }
}

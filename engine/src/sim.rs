//! The simulation loop. A [`Model`] reacts to events; a [`Simulation`] owns the
//! clock, the queue and the trace, and jumps the clock to the next event.
//! The UI and the CLI drive a run only through this API: one event at a time,
//! up to an instant, or to the end — always with a cap on how much work one
//! call may do, so a caller (an animation frame) is never blocked for long.

use crate::queue::{EventQueue, Popped};
use crate::time::{SimDuration, SimTime};
use crate::trace::{Trace, DEFAULT_TRACE_CAPACITY};
use std::hash::Hash;

/// What a model may do while it handles an event.
pub struct Ctx<'a, E, R> {
    now: SimTime,
    queue: &'a mut EventQueue<E>,
    trace: &'a mut Trace<R>,
}

impl<E, R: Hash> Ctx<'_, E, R> {
    pub fn now(&self) -> SimTime {
        self.now
    }
    /// Schedules `event` after `delay`.
    pub fn schedule_in(&mut self, delay: SimDuration, event: E) {
        self.queue.push(self.now + delay, event);
    }
    /// Schedules `event` at `at` (never in the past).
    pub fn schedule_at(&mut self, at: SimTime, event: E) {
        self.queue.push(at.max(self.now), event);
    }
    /// Schedules a tag — an event that is only a small number, handed to
    /// [`Model::handle_tag`] — after `delay`, in the place an event scheduled
    /// now would take, in half the queue space. Returns `false` (nothing
    /// scheduled) when the tag does not fit: schedule a full event instead.
    pub fn schedule_tag_in(&mut self, delay: SimDuration, tag: u32) -> bool {
        self.queue.push_tag(self.now + delay, tag)
    }
    /// Adds a record to the trace, stamped now.
    pub fn record(&mut self, record: R) {
        self.trace.push(self.now, record);
    }
}

/// A scenario's world: its state and how it reacts to events.
pub trait Model {
    type Event;
    type Record: Hash + Clone;

    /// Schedules the first events.
    fn start(&mut self, ctx: &mut Ctx<'_, Self::Event, Self::Record>);
    /// Reacts to one event.
    fn handle(&mut self, event: Self::Event, ctx: &mut Ctx<'_, Self::Event, Self::Record>);

    /// Reacts to a tag scheduled with [`Ctx::schedule_tag_in`] (only models
    /// that schedule tags get any).
    fn handle_tag(&mut self, tag: u32, ctx: &mut Ctx<'_, Self::Event, Self::Record>) {
        let _ = (tag, ctx);
    }

    /// Whether nothing that is still pending can change what the run reports
    /// (e.g. every request has finished and no more will arrive). The
    /// simulation then drops the remaining events and the run is over, instead
    /// of ticking on through work nobody waits for.
    fn is_settled(&self) -> bool {
        false
    }

    /// Whether the `pending` events left are all ones the model knows change
    /// nothing (timers for waits that already ended): the run then ends at
    /// its last real event instead of ticking on to them — an idle tail made
    /// one side of an A | B seconds longer and its rates over time lower.
    fn only_no_ops_pending(&self, pending: usize) -> bool {
        let _ = pending;
        false
    }

    /// Roughly how many bytes a copy of the model's heap data takes (what a
    /// snapshot costs); 0 if unknown. Only an estimate, to bound memory.
    fn approx_bytes(&self) -> usize {
        0
    }
}

/// Why a bounded call returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// The requested point was reached.
    Reached,
    /// The event cap of this call was used up first; call again to go on.
    Paused,
    /// No event is left: the run is over.
    Finished,
}

/// A run of a model on the virtual clock.
pub struct Simulation<M: Model> {
    model: M,
    queue: EventQueue<M::Event>,
    trace: Trace<M::Record>,
    now: SimTime,
    events: u64,
}

/// A copy of a run as it stands — model, pending events, trace (digest
/// included) and clock — that goes on exactly as the original would: the
/// scrubber keeps such snapshots to seek back without replaying from zero.
impl<M> Clone for Simulation<M>
where
    M: Model + Clone,
    M::Event: Clone,
{
    fn clone(&self) -> Self {
        Simulation {
            model: self.model.clone(),
            queue: self.queue.clone(),
            trace: self.trace.clone(),
            now: self.now,
            events: self.events,
        }
    }
}

impl<M: Model> Simulation<M> {
    pub fn new(model: M) -> Self {
        Self::with_trace_capacity(model, DEFAULT_TRACE_CAPACITY)
    }

    pub fn with_trace_capacity(mut model: M, capacity: usize) -> Self {
        let mut queue = EventQueue::default();
        let mut trace = Trace::with_capacity(capacity);
        let mut ctx = Ctx {
            now: SimTime::ZERO,
            queue: &mut queue,
            trace: &mut trace,
        };
        model.start(&mut ctx);
        Simulation {
            model,
            queue,
            trace,
            now: SimTime::ZERO,
            events: 0,
        }
    }

    pub fn model(&self) -> &M {
        &self.model
    }
    pub fn trace(&self) -> &Trace<M::Record> {
        &self.trace
    }
    pub fn now(&self) -> SimTime {
        self.now
    }
    /// Events (tags included) scheduled and not yet handled (the queue's length).
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
    /// Of the pending events, the tags (see [`Ctx::schedule_tag_in`]).
    pub fn pending_tags(&self) -> usize {
        self.queue.tags()
    }
    /// Bytes the pending events and tags take in the queue.
    pub fn pending_bytes(&self) -> usize {
        self.queue.bytes()
    }
    /// Events handled so far (tags included).
    pub fn events(&self) -> u64 {
        self.events
    }
    pub fn is_finished(&self) -> bool {
        self.queue.is_empty()
    }
    /// Roughly how many bytes a copy of this run takes: the model's own
    /// estimate, the pending events and the kept trace.
    pub fn approx_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.model.approx_bytes()
            + self.queue.bytes()
            + self.trace.entries().len() * std::mem::size_of::<crate::trace::Entry<M::Record>>()
    }

    /// The instant of the next pending event.
    pub fn next_event_at(&self) -> Option<SimTime> {
        self.queue.peek_time()
    }

    /// Handles the next event. Returns `false` when none is left.
    pub fn step(&mut self) -> bool {
        let Some((at, popped)) = self.queue.pop() else {
            return false;
        };
        self.now = self.now.max(at);
        self.events += 1;
        let mut ctx = Ctx {
            now: self.now,
            queue: &mut self.queue,
            trace: &mut self.trace,
        };
        match popped {
            Popped::Event(event) => self.model.handle(event, &mut ctx),
            Popped::Tag(tag) => self.model.handle_tag(tag, &mut ctx),
        }
        if self.model.is_settled() || self.model.only_no_ops_pending(self.queue.len()) {
            self.queue.clear();
        }
        true
    }

    /// Handles events until the trace has grown by one record (the "step"
    /// button), at most `max_events` of them.
    pub fn step_record(&mut self, max_events: u64) -> Progress {
        let before = self.trace.total();
        for _ in 0..max_events {
            if !self.step() {
                return Progress::Finished;
            }
            if self.trace.total() > before {
                return Progress::Reached;
            }
        }
        Progress::Paused
    }

    /// Handles every event up to and including `until`, at most `max_events`
    /// of them. When it gets there, the clock reads `until` even if nothing
    /// happened at that instant (so an animation can show time passing).
    pub fn run_until(&mut self, until: SimTime, max_events: u64) -> Progress {
        let mut budget = max_events;
        loop {
            match self.queue.peek_time() {
                None => {
                    return Progress::Finished;
                }
                Some(t) if t > until => {
                    self.now = self.now.max(until);
                    return Progress::Reached;
                }
                Some(_) => {
                    if budget == 0 {
                        return Progress::Paused;
                    }
                    budget -= 1;
                    self.step();
                }
            }
        }
    }

    /// Runs to the end, at most `max_events` events.
    pub fn run_to_end(&mut self, max_events: u64) -> Progress {
        for _ in 0..max_events {
            if !self.step() {
                return Progress::Finished;
            }
        }
        if self.is_finished() {
            Progress::Finished
        } else {
            Progress::Paused
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ping-pong model: each event schedules the next one 10 ms later.
    struct Ticker {
        left: u32,
    }
    impl Model for Ticker {
        type Event = u32;
        type Record = u32;
        fn start(&mut self, ctx: &mut Ctx<'_, u32, u32>) {
            ctx.schedule_in(SimDuration::from_ms(10), 0);
        }
        fn handle(&mut self, n: u32, ctx: &mut Ctx<'_, u32, u32>) {
            ctx.record(n);
            if self.left > 0 {
                self.left -= 1;
                ctx.schedule_in(SimDuration::from_ms(10), n + 1);
            }
        }
    }

    #[test]
    fn clock_jumps_from_event_to_event() {
        let mut sim = Simulation::new(Ticker { left: 4 });
        assert!(sim.step());
        assert_eq!(sim.now(), SimTime::from_ms(10));
        assert_eq!(sim.run_to_end(100), Progress::Finished);
        assert_eq!(sim.now(), SimTime::from_ms(50));
        assert_eq!(sim.trace().total(), 5);
    }

    #[test]
    fn run_until_stops_at_the_instant_and_respects_the_cap() {
        let mut sim = Simulation::new(Ticker { left: 100 });
        assert_eq!(sim.run_until(SimTime::from_ms(35), 1000), Progress::Reached);
        assert_eq!(sim.now(), SimTime::from_ms(35));
        assert_eq!(sim.trace().total(), 3);
        assert_eq!(sim.run_until(SimTime::from_ms(10_000), 2), Progress::Paused);
        assert_eq!(sim.trace().total(), 5);
    }

    /// A ticker that is settled after its third tick: the rest of its queue is dropped.
    struct Settling {
        ticks: u32,
    }
    impl Model for Settling {
        type Event = u32;
        type Record = u32;
        fn start(&mut self, ctx: &mut Ctx<'_, u32, u32>) {
            for n in 0..10 {
                ctx.schedule_in(SimDuration::from_ms(10 * (n as u64 + 1)), n);
            }
        }
        fn handle(&mut self, n: u32, ctx: &mut Ctx<'_, u32, u32>) {
            self.ticks += 1;
            ctx.record(n);
        }
        fn is_settled(&self) -> bool {
            self.ticks >= 3
        }
    }

    #[test]
    fn a_settled_model_ends_the_run() {
        let mut sim = Simulation::new(Settling { ticks: 0 });
        assert_eq!(sim.run_to_end(100), Progress::Finished);
        assert_eq!(sim.events(), 3);
        assert_eq!(sim.now(), SimTime::from_ms(30));
    }

    #[test]
    fn step_record_moves_one_record() {
        let mut sim = Simulation::new(Ticker { left: 3 });
        assert_eq!(sim.step_record(10), Progress::Reached);
        assert_eq!(sim.trace().total(), 1);
    }
}

//! The retry lab's world: clients that call a flaky service and retry by a
//! strategy, with an optional retry budget and circuit breaker shared by all
//! of them (one client application serving many callers).
//!
//! The service keeps working on an attempt its client has abandoned (timed
//! out): that is how retries feed overload, and why storms happen. Such a
//! call's completion is only "the node lets go of a call": it is queued as a
//! tag (the node's number, 16 bytes) rather than a full event, at the same
//! time and in the same order, so results are the same and a storm's
//! abandoned calls take half the queue space.

use super::active::ActiveRequests;
use super::config::{RetryScenario, Scripted, Target, Workload};
use super::record::{CallError, GiveUpReason, RetryRecord};
use super::stats::RetryStats;
use crate::patterns::breaker::{Admission, BreakerKind, BreakerState, CircuitBreaker, Transition};
use crate::patterns::budget::RetryBudget;
use crate::patterns::quota::{QuotaScope, RetryQuota};
use crate::patterns::routing::{NextReplica, RouteQuery, Router, SameNode};
use crate::patterns::service::{Forced, Service};
use crate::rng::SimRng;
use crate::sim::{Ctx, Model};
use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;

/// The events of the retry world.
#[derive(Clone, Debug)]
pub enum RetryEvent {
    /// A Poisson client sends its next request.
    Arrival { client: u32 },
    /// A request sends an attempt (its first or a retry).
    Attempt { req: u32 },
    /// The client stops waiting for an attempt.
    Timeout { req: u32, attempt: u32 },
    /// A read-write herd client starts (its first read).
    HerdStart { client: u32 },
    /// The service finishes the read of a read-write attempt.
    ReadDone {
        req: u32,
        attempt: u32,
        node: u32,
        result: Result<(), CallError>,
    },
    /// The service finishes the work of an attempt (the write, in a read-write herd).
    ServiceDone {
        req: u32,
        attempt: u32,
        node: u32,
        result: Result<(), CallError>,
    },
    /// An open breaker's time is up.
    BreakerTimer,
}

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// An attempt is on its way or being served; the client hears back at `reply_at`.
    InFlight {
        attempt: u32,
        node: u32,
        since: SimTime,
        reply_at: SimTime,
    },
    /// Waiting before the next attempt.
    Waiting {
        next_attempt: u32,
        since: SimTime,
        until: SimTime,
    },
}

/// How one attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpanResult {
    Ok,
    Failed(CallError),
}

/// One attempt on a request's timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub attempt: u32,
    pub node: u32,
    pub start: SimTime,
    /// `None` while in flight.
    pub end: Option<SimTime>,
    pub result: Option<SpanResult>,
}

/// How a request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Final {
    Succeeded,
    GaveUp(GiveUpReason),
}

/// A request and its attempts so far.
#[derive(Clone, Debug)]
pub struct Request {
    pub id: u32,
    pub client: u32,
    pub arrived: SimTime,
    pub primary: u32,
    pub spans: Vec<Span>,
    pub phase: Phase,
    pub outcome: Option<(Final, SimTime)>,
    previous_wait: SimDuration,
    read_version: u64,
    /// The breaker's half-open round, when the attempt in flight is a probe.
    probe_round: Option<u64>,
    /// What the request's last retry took from the retry quota (refunded if it succeeds).
    quota_cost: Option<u64>,
}

impl Request {
    /// A request that just arrived, before its first attempt.
    pub fn new(id: u32, client: u32, now: SimTime, primary: u32) -> Request {
        Request {
            id,
            client,
            arrived: now,
            primary,
            spans: Vec::new(),
            phase: Phase::Waiting {
                next_attempt: 1,
                since: now,
                until: now,
            },
            outcome: None,
            previous_wait: SimDuration::ZERO,
            read_version: 0,
            probe_round: None,
            quota_cost: None,
        }
    }
}

/// How many finished requests are kept for the timeline view.
pub const KEPT_TIMELINES: usize = 200;

/// How many let-go request boxes are kept for reuse.
const SPARE_REQUESTS: usize = 32;

/// Clonable (a snapshot of a run copies it), router included.
#[derive(Clone)]
pub struct RetryModel {
    scenario: RetryScenario,
    arrivals: Vec<SimRng>,
    service: Service,
    backoff_rng: SimRng,
    budget: Option<RetryBudget>,
    /// The AWS retry quota: one bucket per client, or one shared (empty: none).
    quotas: Vec<RetryQuota>,
    breaker: Option<CircuitBreaker>,
    /// Which calls the breaker may stop.
    breaker_kind: BreakerKind,
    /// The world's own stream (a read-write herd's start times).
    world_rng: SimRng,
    router: Box<dyn Router>,
    /// Scratch space for the nodes a request already failed on.
    route_scratch: Vec<u32>,
    active: ActiveRequests,
    /// Boxed as they were while active: finishing moves a pointer, not a request.
    finished: VecDeque<Box<Request>>,
    /// Boxes of timelines let go, reused by the next requests (at most
    /// [`SPARE_REQUESTS`]: finishes and arrivals come in bursts, and one
    /// spare was dropped and reallocated for every other request).
    // Boxed on purpose: a box moves between `active`, `finished` and here as a pointer.
    #[allow(clippy::vec_box)]
    spare: Vec<Box<Request>>,
    next_id: u32,
    /// The herd's shared record version.
    version: u64,
    /// Poisson arrivals scheduled but not yet happened.
    pending_arrivals: u32,
    /// Whether an abandoned call's completion is queued as a tag (always,
    /// except to test that it changes nothing).
    tag_abandoned: bool,
    stats: RetryStats,
}

impl RetryModel {
    pub fn new(scenario: RetryScenario, seed: u64) -> Self {
        let root = SimRng::new(seed);
        let clients = match &scenario.workload {
            Workload::Poisson { clients, .. } => *clients,
            _ => 0,
        };
        let plan = &scenario.strategy;
        RetryModel {
            arrivals: (0..clients)
                .map(|c| root.derive_indexed("arrivals", c as u64))
                .collect(),
            service: Service::new(scenario.service.clone(), root.derive("service")),
            backoff_rng: root.derive("backoff"),
            budget: plan
                .budget
                .as_ref()
                .map(|b| RetryBudget::new(b.max_tokens, b.token_ratio, b.threshold, b.refill)),
            quotas: match &plan.retry_quota {
                None => vec![],
                Some(q) => {
                    let buckets = match q.scope {
                        QuotaScope::Shared => 1,
                        QuotaScope::PerClient => scenario.clients().max(1),
                    };
                    let bucket = RetryQuota::new(q.capacity, q.retry_cost, q.timeout_cost, q.success_deposit);
                    vec![bucket; buckets as usize]
                }
            },
            breaker_kind: plan.breaker.as_ref().map(|b| b.kind).unwrap_or_default(),
            world_rng: root.derive("world"),
            breaker: plan.breaker.as_ref().map(|b| {
                CircuitBreaker::new(
                    b.window,
                    b.failure_ratio,
                    b.min_calls,
                    SimDuration::from_ms(b.open_ms),
                    b.half_open_probes,
                )
            }),
            route_scratch: Vec::new(),
            router: match plan.target {
                Target::Same => Box::new(SameNode),
                Target::NextReplica => Box::new(NextReplica),
            },
            active: ActiveRequests::default(),
            finished: VecDeque::new(),
            spare: Vec::new(),
            next_id: 0,
            version: 0,
            pending_arrivals: 0,
            tag_abandoned: true,
            stats: RetryStats::new(&scenario),
            scenario,
        }
    }

    /// Replaces how attempts pick their node (the replica-failover lab's hook).
    pub fn with_router(mut self, router: Box<dyn Router>) -> Self {
        self.router = router;
        self
    }

    /// Queues abandoned calls' completions as full events, as before they
    /// were tags: the same run, in more queue space (for tests).
    #[doc(hidden)]
    pub fn with_abandoned_as_events(mut self) -> Self {
        self.tag_abandoned = false;
        self
    }

    pub fn scenario(&self) -> &RetryScenario {
        &self.scenario
    }
    pub fn stats(&self) -> &RetryStats {
        &self.stats
    }
    /// The metrics at `now`. A retry's wait joins the total when it is
    /// scheduled; here a wait still under way counts only the part already
    /// waited, so a total read mid-run never runs ahead of the clock. Once
    /// the run is over nothing is waiting: these are the stats' metrics.
    pub fn metrics_at(&self, now: SimTime) -> super::stats::RetryMetrics {
        let mut m = self.stats.metrics();
        let ahead_us: u64 = self
            .active
            .values()
            .filter_map(|r| match r.phase {
                Phase::Waiting {
                    next_attempt, until, ..
                } if next_attempt > 1 && until > now => Some(until.since(now).as_micros()),
                _ => None,
            })
            .sum();
        if ahead_us > 0 {
            let waited_ms = self.stats.retry_wait.as_micros().saturating_sub(ahead_us) as f64 / 1000.0;
            m.retry_wait_ms = crate::stats::round_to(waited_ms, 1);
            m.retry_wait_per_request_ms = crate::stats::round_to(waited_ms / self.stats.requests.max(1) as f64, 1);
        }
        m
    }
    /// Requests still going, by id.
    pub fn active(&self) -> impl Iterator<Item = &Request> {
        self.active.values()
    }
    /// The most recently finished requests, oldest first.
    pub fn finished(&self) -> impl DoubleEndedIterator<Item = &Request> {
        self.finished.iter().map(|r| &**r)
    }
    /// Calls the service is working on, per node.
    pub fn in_flight(&self) -> &[u32] {
        self.service.in_flight()
    }
    pub fn breaker(&self) -> Option<&CircuitBreaker> {
        self.breaker.as_ref()
    }
    pub fn budget(&self) -> Option<&RetryBudget> {
        self.budget.as_ref()
    }
    /// The retry quota's buckets, read only: one per client, or one shared
    /// (empty: no quota). Client `c` spends from bucket `c % len`.
    pub fn retry_quotas(&self) -> &[RetryQuota] {
        &self.quotas
    }

    fn new_request(&mut self, client: u32, now: SimTime) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        let nodes = self.service.nodes();
        let fresh = Request::new(id, client, now, id % nodes);
        let request = match self.spare.pop() {
            Some(mut boxed) => {
                let mut spans = std::mem::take(&mut boxed.spans);
                spans.clear();
                *boxed = Request { spans, ..fresh };
                boxed
            }
            None => Box::new(fresh),
        };
        self.active.insert(id, request);
        self.stats.on_arrival(now);
        id
    }

    /// The retry quota bucket of `client` (the shared one, with one bucket).
    fn quota_of(&mut self, client: u32) -> Option<&mut RetryQuota> {
        let n = self.quotas.len();
        match n {
            0 => None,
            1 => self.quotas.first_mut(),
            _ => self.quotas.get_mut(client as usize % n),
        }
    }

    /// Whether a request in a read-write herd makes each attempt a read then a write.
    fn read_write(&self) -> bool {
        matches!(self.scenario.workload, Workload::Herd { read_write: true, .. })
    }

    fn trace_breaker(&mut self, t: Option<Transition>, ctx: &mut Ctx<'_, RetryEvent, RetryRecord>) {
        if let Some(t) = t {
            ctx.record(RetryRecord::Breaker { from: t.from, to: t.to });
            self.stats.on_breaker(ctx.now(), t.to);
            if t.to == BreakerState::Open {
                let until = self.breaker.as_ref().map(|b| b.open_until()).unwrap_or(ctx.now());
                ctx.schedule_at(until, RetryEvent::BreakerTimer);
            }
        }
    }

    /// Tells the breaker how a call went: `Some(success)`, or `None` when the
    /// outcome says nothing about the service's health. While half-open only
    /// the round's own probes count: a slow call sent before the breaker opened
    /// says nothing about whether the service has recovered since.
    fn breaker_outcome(
        &mut self,
        probe_round: Option<u64>,
        success: Option<bool>,
        ctx: &mut Ctx<'_, RetryEvent, RetryRecord>,
    ) {
        let Some(breaker) = self.breaker.as_mut() else { return };
        let current_probe = probe_round == Some(breaker.round());
        if breaker.state() == BreakerState::HalfOpen && !current_probe {
            return;
        }
        let transition = match (success, probe_round) {
            (Some(ok), _) => breaker.record(ctx.now(), ok),
            // The service answered, so this probe proved nothing either way.
            (None, Some(round)) => {
                breaker.release_probe(round);
                None
            }
            (None, None) => None,
        };
        self.trace_breaker(transition, ctx);
    }

    fn attempt(&mut self, id: u32, ctx: &mut Ctx<'_, RetryEvent, RetryRecord>) {
        let now = ctx.now();
        let Some(req) = self.active.get(&id) else { return };
        let attempt = req.spans.len() as u32 + 1;
        let arrived = req.arrived;
        let primary = req.primary;

        let mut probe_round = None;
        // A retries-only breaker lets every first attempt through.
        let gated = self.breaker_kind == BreakerKind::Full || attempt > 1;
        if let Some(breaker) = self.breaker.as_mut().filter(|_| gated) {
            let (admission, transition) = breaker.admit(now);
            if admission == Admission::Probe {
                probe_round = Some(breaker.round());
            }
            self.trace_breaker(transition, ctx);
            if admission == Admission::Rejected {
                self.give_up(id, attempt - 1, GiveUpReason::BreakerOpen, ctx);
                return;
            }
        }
        if let Some(b) = self.budget.as_mut() {
            b.on_call();
        }
        let nodes = self.service.nodes();
        // With one node every router picks it: no need to ask.
        let node = if nodes == 1 {
            0
        } else {
            self.route(id, primary, attempt, nodes)
        };
        let forced = self.scenario.script.get(attempt as usize - 1).map(|s| match s {
            Scripted::Succeed => Forced::Succeed,
            Scripted::Fail => Forced::Fail,
            Scripted::Permanent => Forced::Permanent,
            Scripted::Slow => Forced::Slow,
        });
        let (latency, result) = self.service.call(node, now, forced);
        self.stats.on_call(now, node, self.service.load(), self.budget.as_ref());
        if attempt > 1 {
            self.stats.on_retry_call(now);
        } else {
            self.stats.first_attempts += 1;
        }

        // The client waits at most the attempt timeout, and never past the deadline.
        let plan = &self.scenario.strategy;
        let mut patience = plan.attempt_timeout;
        if let Some(d) = plan.deadline {
            let left = (arrived + d).since(now);
            patience = Some(patience.map_or(left, |p| p.min(left)));
        }
        let read_write = self.read_write();
        let abandoned = matches!(patience, Some(p) if p < latency);
        let reply_in = match patience {
            Some(p) if p < latency => {
                ctx.schedule_in(p, RetryEvent::Timeout { req: id, attempt });
                p
            }
            // A read-write attempt's length is known only after its read.
            Some(p) if read_write => {
                ctx.schedule_in(p, RetryEvent::Timeout { req: id, attempt });
                latency
            }
            _ => latency,
        };
        let done = if read_write {
            RetryEvent::ReadDone {
                req: id,
                attempt,
                node,
                result,
            }
        } else {
            RetryEvent::ServiceDone {
                req: id,
                attempt,
                node,
                result,
            }
        };
        // A call the client will abandon (its timeout comes first) ends, for
        // the model, with the node letting go of it: outside a herd (where a
        // late write still lands) that is all its completion does, so it is
        // queued as a tag, in the place the full event would take.
        let herd = matches!(self.scenario.workload, Workload::Herd { .. });
        let tagged = abandoned && !herd && self.tag_abandoned && ctx.schedule_tag_in(latency, node);
        if !tagged {
            ctx.schedule_in(latency, done);
        }

        let version = self.version;
        let req = self.active.get_mut(&id).expect("request is active");
        req.read_version = version;
        req.probe_round = probe_round;
        req.spans.push(Span {
            attempt,
            node,
            start: now,
            end: None,
            result: None,
        });
        req.phase = Phase::InFlight {
            attempt,
            node,
            since: now,
            reply_at: now + reply_in,
        };
        ctx.record(RetryRecord::AttemptStarted { req: id, attempt, node });
    }

    /// The read of a read-write attempt is back: a failed read fails the
    /// attempt; otherwise the client notes the version it read and writes.
    fn read_done(
        &mut self,
        id: u32,
        attempt: u32,
        node: u32,
        result: Result<(), CallError>,
        ctx: &mut Ctx<'_, RetryEvent, RetryRecord>,
    ) {
        self.service.done(node);
        let Some(req) = self.active.get(&id) else { return };
        let Phase::InFlight { attempt: a, since, .. } = req.phase else {
            return;
        };
        if a != attempt {
            return;
        }
        if result.is_err() {
            return self.reply(id, attempt, node, result, ctx);
        }
        let now = ctx.now();
        let forced = self.scenario.script.get(attempt as usize - 1).map(|s| match s {
            // The read took the slow time; the write is an ordinary success.
            Scripted::Succeed | Scripted::Slow => Forced::Succeed,
            Scripted::Fail => Forced::Fail,
            Scripted::Permanent => Forced::Permanent,
        });
        let (latency, result) = self.service.call(node, now, forced);
        ctx.schedule_in(
            latency,
            RetryEvent::ServiceDone {
                req: id,
                attempt,
                node,
                result,
            },
        );
        let version = self.version;
        let req = self.active.get_mut(&id).expect("request is active");
        req.read_version = version;
        // The client hears back at the write's end, or at its timeout or deadline if sooner.
        let plan = &self.scenario.strategy;
        let mut reply_at = now + latency;
        if let Some(p) = plan.attempt_timeout {
            reply_at = reply_at.min(since + p);
        }
        if let Some(d) = plan.deadline {
            reply_at = reply_at.min(req.arrived + d);
        }
        req.phase = Phase::InFlight {
            attempt,
            node,
            since,
            reply_at,
        };
    }

    /// Where attempt `attempt` of request `id` goes, by the router.
    fn route(&mut self, id: u32, primary: u32, attempt: u32, nodes: u32) -> u32 {
        // A reused buffer: attempts are the hot path, so no allocation per call.
        let mut failed = std::mem::take(&mut self.route_scratch);
        failed.clear();
        failed.extend(
            self.active[&id]
                .spans
                .iter()
                .filter(|s| matches!(s.result, Some(SpanResult::Failed(_))))
                .map(|s| s.node),
        );
        let node = self.router.pick(RouteQuery {
            primary,
            attempt,
            nodes,
            failed: &failed,
        }) % nodes;
        self.route_scratch = failed;
        node
    }

    fn service_done(
        &mut self,
        id: u32,
        attempt: u32,
        node: u32,
        mut result: Result<(), CallError>,
        ctx: &mut Ctx<'_, RetryEvent, RetryRecord>,
    ) {
        self.service.done(node);
        let herd = matches!(self.scenario.workload, Workload::Herd { .. });
        let read_version = self.active.get(&id).map(|r| r.read_version);
        if herd && result.is_ok() {
            // The write lands even if the client stopped waiting for it.
            match read_version {
                Some(v) if v != self.version => result = Err(CallError::Conflict),
                _ => self.version += 1,
            }
        }
        let waiting = self
            .active
            .get(&id)
            .is_some_and(|r| matches!(r.phase, Phase::InFlight { attempt: a, .. } if a == attempt));
        if waiting {
            self.reply(id, attempt, node, result, ctx);
        }
    }

    fn reply(
        &mut self,
        id: u32,
        attempt: u32,
        node: u32,
        result: Result<(), CallError>,
        ctx: &mut Ctx<'_, RetryEvent, RetryRecord>,
    ) {
        let now = ctx.now();
        let Some(req) = self.active.get_mut(&id) else { return };
        let started = req.spans.last().map(|s| s.start).unwrap_or(now);
        if let Some(span) = req.spans.last_mut() {
            span.end = Some(now);
            span.result = Some(match result {
                Ok(()) => SpanResult::Ok,
                Err(e) => SpanResult::Failed(e),
            });
        }
        let arrived = req.arrived;
        let previous_wait = req.previous_wait;
        let probe_round = req.probe_round;
        let error = match result {
            Ok(()) => {
                ctx.record(RetryRecord::AttemptSucceeded {
                    req: id,
                    attempt,
                    node,
                    latency_us: (now - started).as_micros(),
                });
                self.breaker_outcome(probe_round, Some(true), ctx);
                if let Some(b) = self.budget.as_mut() {
                    b.on_success();
                }
                let (client, quota_cost) = self.active.get(&id).map_or((0, None), |r| (r.client, r.quota_cost));
                if let Some(q) = self.quota_of(client) {
                    q.on_success(quota_cost);
                }
                self.finish(id, Final::Succeeded, attempt, now);
                return;
            }
            Err(e) => e,
        };
        ctx.record(RetryRecord::AttemptFailed {
            req: id,
            attempt,
            node,
            error,
        });
        self.stats.on_failed_call(now, node);
        if error.is_retryable() {
            if let Some(b) = self.budget.as_mut() {
                b.on_failure();
            }
        }
        // Errors that say nothing about the service's health are neither.
        self.breaker_outcome(probe_round, error.counts_against_service().then_some(false), ctx);

        let plan = &self.scenario.strategy;
        let deadline_passed = plan.deadline.is_some_and(|d| now >= arrived + d);
        if error == CallError::Permanent && plan.cancel_on_permanent {
            return self.give_up(id, attempt, GiveUpReason::Permanent, ctx);
        }
        if deadline_passed {
            return self.give_up(id, attempt, GiveUpReason::Deadline, ctx);
        }
        if !plan.allows_attempt(attempt + 1) {
            return self.give_up(id, attempt, GiveUpReason::Attempts, ctx);
        }
        let wait = plan.backoff.wait(attempt, previous_wait, &mut self.backoff_rng);
        if plan.deadline.is_some_and(|d| now + wait >= arrived + d) {
            return self.give_up(id, attempt, GiveUpReason::Deadline, ctx);
        }
        if self.budget.as_ref().is_some_and(|b| !b.allows_retry()) {
            return self.give_up(id, attempt, GiveUpReason::Budget, ctx);
        }
        let client = self.active.get(&id).map_or(0, |r| r.client);
        let mut quota_cost = None;
        if let Some(q) = self.quota_of(client) {
            match q.acquire(error == CallError::Timeout) {
                None => return self.give_up(id, attempt, GiveUpReason::Budget, ctx),
                cost => quota_cost = cost,
            }
        }
        let req = self.active.get_mut(&id).expect("request is active");
        if quota_cost.is_some() {
            req.quota_cost = quota_cost;
        }
        req.previous_wait = wait;
        req.phase = Phase::Waiting {
            next_attempt: attempt + 1,
            since: now,
            until: now + wait,
        };
        self.stats.on_retry_wait(wait);
        ctx.record(RetryRecord::RetryScheduled {
            req: id,
            attempt: attempt + 1,
            wait_us: wait.as_micros(),
        });
        ctx.schedule_in(wait, RetryEvent::Attempt { req: id });
    }

    fn give_up(&mut self, id: u32, attempts: u32, reason: GiveUpReason, ctx: &mut Ctx<'_, RetryEvent, RetryRecord>) {
        if matches!(reason, GiveUpReason::Budget | GiveUpReason::BreakerOpen) {
            self.stats.refused += 1;
        }
        ctx.record(RetryRecord::GaveUp {
            req: id,
            attempts,
            reason,
        });
        self.finish(id, Final::GaveUp(reason), attempts, ctx.now());
    }

    fn finish(&mut self, id: u32, outcome: Final, attempts: u32, now: SimTime) {
        if let Some(mut req) = self.active.remove(&id) {
            req.outcome = Some((outcome, now));
            self.stats.on_finish(&req, outcome, attempts, now);
            if self.finished.len() == KEPT_TIMELINES {
                // Its box and its spans' buffer serve a next request.
                if let Some(old) = self.finished.pop_front() {
                    if self.spare.len() < SPARE_REQUESTS {
                        self.spare.push(old);
                    }
                }
            }
            self.finished.push_back(req);
        }
    }

    fn schedule_arrival(&mut self, client: u32, ctx: &mut Ctx<'_, RetryEvent, RetryRecord>) {
        if let Workload::Poisson {
            rate_per_client,
            duration_ms,
            ..
        } = self.scenario.workload
        {
            let gap_ms = self.arrivals[client as usize].exponential(1000.0 / rate_per_client);
            let at = ctx.now() + SimDuration::from_ms_f64(gap_ms);
            if at < SimTime::from_ms(duration_ms) {
                self.pending_arrivals += 1;
                ctx.schedule_at(at, RetryEvent::Arrival { client });
            }
        }
    }
}

impl Model for RetryModel {
    type Event = RetryEvent;
    type Record = RetryRecord;

    /// Every request has finished and none will arrive: calls the service is
    /// still working on were abandoned by their clients and change no result.
    fn is_settled(&self) -> bool {
        self.active.is_empty() && self.pending_arrivals == 0
    }

    /// Requests (with their attempt spans) dominate: a storm holds tens of thousands.
    fn approx_bytes(&self) -> usize {
        use std::mem::size_of;
        // A copy's vectors hold exactly their length; an active request also has its slot.
        let request = |r: &Request| size_of::<Request>() + r.spans.len() * size_of::<Span>();
        self.active.values().map(request).sum::<usize>()
            + self.active.slots() * 8
            + self.finished.iter().map(|r| request(r)).sum::<usize>()
            + self.arrivals.len() * size_of::<SimRng>()
            + std::mem::size_of_val(self.stats.series.buckets())
            + self.stats.breaker_changes.len() * size_of::<(SimTime, BreakerState)>()
            + 16 * 1024
    }

    fn start(&mut self, ctx: &mut Ctx<'_, RetryEvent, RetryRecord>) {
        match self.scenario.workload.clone() {
            Workload::Single => {
                let id = self.new_request(0, ctx.now());
                ctx.record(RetryRecord::Arrived { req: id, client: 0 });
                self.attempt(id, ctx);
            }
            Workload::Herd {
                clients,
                read_write: true,
            } => {
                // Each client starts within one network hop (the service's latency).
                let hop_ms = self.scenario.service.latency_ms as f64;
                for client in 0..clients {
                    let at = SimDuration::from_ms_f64(self.world_rng.unit() * hop_ms);
                    self.pending_arrivals += 1;
                    ctx.schedule_in(at, RetryEvent::HerdStart { client });
                }
            }
            Workload::Herd { clients, .. } => {
                for client in 0..clients {
                    let id = self.new_request(client, ctx.now());
                    ctx.record(RetryRecord::Arrived { req: id, client });
                    self.attempt(id, ctx);
                }
            }
            Workload::Poisson { clients, .. } => {
                for client in 0..clients {
                    self.schedule_arrival(client, ctx);
                }
            }
        }
    }

    fn handle(&mut self, event: RetryEvent, ctx: &mut Ctx<'_, RetryEvent, RetryRecord>) {
        match event {
            RetryEvent::Arrival { client } => {
                self.pending_arrivals -= 1;
                let id = self.new_request(client, ctx.now());
                ctx.record(RetryRecord::Arrived { req: id, client });
                self.attempt(id, ctx);
                self.schedule_arrival(client, ctx);
            }
            RetryEvent::HerdStart { client } => {
                self.pending_arrivals -= 1;
                let id = self.new_request(client, ctx.now());
                ctx.record(RetryRecord::Arrived { req: id, client });
                self.attempt(id, ctx);
            }
            RetryEvent::Attempt { req } => self.attempt(req, ctx),
            RetryEvent::ReadDone {
                req,
                attempt,
                node,
                result,
            } => self.read_done(req, attempt, node, result, ctx),
            RetryEvent::Timeout { req, attempt } => {
                let node = match self.active.get(&req).map(|r| r.phase) {
                    Some(Phase::InFlight { attempt: a, node, .. }) if a == attempt => node,
                    _ => return,
                };
                self.reply(req, attempt, node, Err(CallError::Timeout), ctx);
            }
            RetryEvent::ServiceDone {
                req,
                attempt,
                node,
                result,
            } => self.service_done(req, attempt, node, result, ctx),
            RetryEvent::BreakerTimer => {
                let t = self.breaker.as_mut().and_then(|b| b.tick(ctx.now()));
                self.trace_breaker(t, ctx);
            }
        }
    }

    /// An abandoned call's completion: its node lets go of it (what
    /// [`RetryEvent::ServiceDone`] does for a call nobody waits for).
    fn handle_tag(&mut self, node: u32, _ctx: &mut Ctx<'_, RetryEvent, RetryRecord>) {
        self.service.done(node);
    }
}

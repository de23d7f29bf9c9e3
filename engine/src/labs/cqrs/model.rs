//! One side of the CQRS lab on the shared clock.
//!
//! **Write side**: commands (create, change status, cancel) queue at the
//! write store, take its time, and commit — or are rejected (an unknown or
//! cancelled order, no stock). Each commit is a new version of its order and
//! the next entry of the command log (sequence numbers from 1).
//!
//! **Read side**: the projector (`patterns::projector`) copies each log
//! entry into the order-details projection: inline, after a fixed delay, or
//! through a queue with a service rate; optionally a second projection (a
//! user's order history) with its own projector, and read replicas of the
//! details, each some time behind it. With a CRUD architecture there is no
//! read side: one store serves both, and reads and writes queue behind each other.
//!
//! **Queries** ask for an order and are judged against the write side at
//! the instant they are answered: *fresh*, *stale* (an older version than
//! the latest committed) or *not found* (created, not yet copied). Read-your-
//! writes waits for the reader's own version (then falls back to the write
//! store, or answers an error); monotonic reads wait for a replica to reach
//! what the reader saw before.
//!
//! **Stock** (the text's queue between services): the orders service sells
//! from its copy of the stock and sends each sale to the products service
//! through a queue that may deliver twice.
//!
//! Every draw is keyed by what it is about (the n-th command, the n-th read,
//! the sequence number), so both sides of an A | B meet the same traffic.

use super::config::{Architecture, Consistency, CqrsConfig, CqrsSide, CqrsWorkload, Fallback, Scripted, Status};
use super::record::{CqrsRecord, ReadOutcome, Rejection};
use super::stats::CqrsStats;
use crate::patterns::bus::Consumer;
use crate::patterns::projector::{Next, Projector, SyncMode};
use crate::rng::SimRng;
use crate::sim::{Ctx, Model};
use crate::time::{SimDuration, SimTime};
use std::collections::BTreeMap;

/// A read is repeated (polling) at most this many times.
pub const MAX_POLLS: u32 = 20;

/// What a command does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmd {
    Create { user: u32 },
    Update { order: u32, status: Option<Status> },
    Cancel { order: u32 },
}

/// A query in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Query {
    pub id: u64,
    pub user: u32,
    pub order: u32,
    /// When it was first asked (polls keep it).
    pub asked: SimTime,
    /// The version the reader must see (their own write, or what they saw).
    pub at_least: u32,
    pub tries: u32,
    /// Which copy answers: 0 the details projection, 1 + r replica r.
    pub copy: u8,
    /// The version the reader just wrote (a read of their own write; 0: none).
    pub own: u32,
}

/// Work queued at a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Command {
        n: u64,
        cmd: Cmd,
        issued: SimTime,
    },
    Read(Query),
    /// A read-your-writes fallback, read from the write store.
    Fallback(Query),
}

#[derive(Clone, Debug)]
pub enum CqrsEvent {
    /// The next scripted step.
    Script {
        step: usize,
    },
    /// The next Poisson command / read.
    NextWrite,
    NextRead,
    /// An operation reaches its store.
    Arrive {
        store: u8,
        op: Op,
    },
    /// A store finished an operation.
    Done {
        store: u8,
        op: Op,
    },
    /// An inline sync finished: the command returns.
    InlineApplied {
        seq: u64,
        n: u64,
        issued: SimTime,
    },
    /// A log entry reaches projector `p` (0 details, 1 history).
    Deliver {
        p: u8,
        seq: u64,
    },
    ProjectorFinish {
        p: u8,
    },
    ProjectorResume {
        p: u8,
    },
    ProjectorCrash {
        p: u8,
    },
    /// A replica applies a change of the details projection.
    ReplicaApply {
        replica: u8,
        order: u32,
        version: u32,
        status: Status,
        /// When the change was committed (for the replica's lag).
        committed: SimTime,
    },
    /// A read-your-writes / monotonic wait gives up.
    WaitTimeout {
        id: u64,
    },
    /// A poll repeats a read.
    Poll(Query),
    /// A writer reads their order after their command returned.
    ReadOwn {
        user: u32,
        order: u32,
        version: u32,
    },
    /// A stock update reaches the products service.
    StockArrive {
        sale: u64,
    },
    StockDone {
        sale: u64,
    },
    /// The orders service's copy of the stock shows `units`.
    StockCopy {
        units: i64,
    },
}

/// A row of the write store.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WriteRow {
    pub user: u32,
    pub status: Status,
    pub version: u32,
    /// The log entry of its latest version.
    pub latest: u64,
}

/// A command log entry (sequence number = index + 1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogEntry {
    pub order: u32,
    pub version: u32,
    pub status: Status,
    pub at: SimTime,
    /// The entry of the order's previous version (0: none).
    pub prev: u64,
}

/// A row of a read copy (version 0: not there).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct ReadRow {
    pub version: u32,
    pub status: Status,
}

/// A projection: its projector and its copy (and the fresh copy a rebuild fills).
#[derive(Clone, Debug)]
pub struct Projection {
    pub projector: Projector,
    pub rows: Vec<ReadRow>,
    pub fresh: Vec<ReadRow>,
}

const WRITE: u8 = 0;
const READ: u8 = 1;

#[derive(Clone, Debug)]
pub struct CqrsModel {
    config: CqrsConfig,
    side: CqrsSide,
    sync: SyncMode,
    world: SimRng,
    pub orders: Vec<WriteRow>,
    pub log: Vec<LogEntry>,
    pub projections: Vec<Projection>,
    pub replicas: Vec<Vec<ReadRow>>,
    stores: [Consumer<Op>; 2],
    /// Queries waiting for a version: by id, and their ids by order.
    waiters: BTreeMap<u64, Query>,
    /// Wait timeouts scheduled and not yet fired (live or for a wait that ended).
    timeouts_pending: usize,
    waiting: BTreeMap<u32, Vec<u64>>,
    /// What each reader has seen of each order (monotonic reads).
    seen: BTreeMap<(u32, u32), u32>,
    writes: u64,
    reads: u64,
    next_query: u64,
    poisson_end: SimTime,
    // Stock.
    pub sold: u64,
    pub stock_copy: i64,
    pub products_stock: i64,
    /// Stock updates the products service applied a second time (a
    /// duplicate it did not ignore): the units its count lost.
    pub stock_duplicates_applied: u64,
    stock_consumer: Consumer<u64>,
    stock_seen: Vec<bool>,
    stats: CqrsStats,
    scratch: Vec<u64>,
}

impl CqrsModel {
    pub fn new(config: CqrsConfig, side: CqrsSide, seed: u64) -> Self {
        let sync = side.sync.unwrap_or(config.projector.mode);
        let mut projector = config.projector.clone();
        projector.mode = sync;
        // Pauses and a crash are a queue's (the validator holds the projector
        // to it): a side that syncs another way has neither. (Its rebuild
        // caught up with changes still on their delay, which were then
        // applied twice: more applied than committed, the backlog below zero.)
        if sync != SyncMode::Queue {
            projector.pauses.clear();
            projector.crash_at_ms = 0;
        }
        let mut projections = vec![Projection {
            projector: Projector::new(projector),
            rows: Vec::new(),
            fresh: Vec::new(),
        }];
        if let Some(h) = &config.history {
            projections.push(Projection {
                projector: Projector::new(h.clone()),
                rows: Vec::new(),
                fresh: Vec::new(),
            });
        }
        let units = config.stock.as_ref().map_or(0, |s| s.units as i64);
        let capacity = config.store.capacity;
        let poisson_end = match &config.workload {
            CqrsWorkload::Poisson { duration_ms, .. } => SimTime::from_ms(*duration_ms),
            CqrsWorkload::Script { .. } => SimTime::ZERO,
        };
        CqrsModel {
            world: SimRng::new(seed),
            replicas: vec![Vec::new(); config.replicas_lag_ms.len()],
            stores: [Consumer::new(capacity), Consumer::new(capacity)],
            waiters: BTreeMap::new(),
            timeouts_pending: 0,
            waiting: BTreeMap::new(),
            seen: BTreeMap::new(),
            orders: Vec::new(),
            log: Vec::new(),
            projections,
            writes: 0,
            reads: 0,
            next_query: 0,
            poisson_end,
            sold: 0,
            stock_copy: units,
            products_stock: units,
            stock_duplicates_applied: 0,
            stock_consumer: Consumer::new(1),
            stock_seen: Vec::new(),
            stats: CqrsStats::default(),
            scratch: Vec::new(),
            sync,
            side,
            config,
        }
    }

    pub fn config(&self) -> &CqrsConfig {
        &self.config
    }
    pub fn side(&self) -> &CqrsSide {
        &self.side
    }
    pub fn stats(&self) -> &CqrsStats {
        &self.stats
    }
    pub fn is_crud(&self) -> bool {
        self.side.architecture == Architecture::Crud
    }
    /// The store that serves reads: the read store, or the one store of CRUD.
    fn read_store(&self) -> u8 {
        if self.is_crud() {
            WRITE
        } else {
            READ
        }
    }

    /// The stream for a draw about `what`'s `n`-th case.
    fn keyed(&self, what: &str, n: u64) -> SimRng {
        self.world.derive_indexed(what, n)
    }

    fn store_ms(&self, store: u8, op: &Op, n: u64) -> SimDuration {
        let mean = match op {
            Op::Command { .. } => self.config.store.write_ms,
            Op::Read(_) | Op::Fallback(_) => self.config.store.read_ms,
        };
        let key = match op {
            Op::Command { .. } => "write_time",
            _ => "read_time",
        };
        let mut rng = self.keyed(key, n * 2 + store as u64);
        SimDuration::from_ms_f64(rng.exponential(mean as f64))
    }

    fn arrive(&mut self, store: u8, op: Op, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        if let Some(op) = self.stores[store as usize].arrive(op) {
            self.start_op(store, op, ctx);
        }
    }

    fn start_op(&mut self, store: u8, op: Op, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        let n = match op {
            Op::Command { n, .. } => n,
            Op::Read(q) | Op::Fallback(q) => q.id * 32 + q.tries as u64,
        };
        let d = self.store_ms(store, &op, n);
        ctx.schedule_in(d, CqrsEvent::Done { store, op });
    }

    fn done(&mut self, store: u8, op: Op, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        if let Some(next) = self.stores[store as usize].finish(true) {
            self.start_op(store, next, ctx);
        }
        match op {
            Op::Command { n, cmd, issued } => self.execute(n, cmd, issued, ctx),
            Op::Read(q) => self.answer(q, ctx),
            Op::Fallback(q) => {
                self.stats.write_store_reads += 1;
                let row = self.write_row(q.order);
                self.finish_read(q, row, ReadOutcome::Fresh, ctx);
            }
        }
    }

    // ------------------------------------------------------------ commands

    fn issue_command(&mut self, cmd: Cmd, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        let n = self.writes;
        self.writes += 1;
        self.stats.commands += 1;
        let op = Op::Command {
            n,
            cmd,
            issued: ctx.now(),
        };
        self.arrive(WRITE, op, ctx);
    }

    /// The write store runs command `cmd`: commits it or rejects it.
    fn execute(&mut self, n: u64, cmd: Cmd, issued: SimTime, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        let now = ctx.now();
        let (order, status, user) = match cmd {
            Cmd::Create { user } => {
                if let Some(why) = self.sell(ctx) {
                    self.reject(None, why, ctx);
                    return;
                }
                self.orders.push(WriteRow {
                    user,
                    status: Status::Pending,
                    version: 0,
                    latest: 0,
                });
                ((self.orders.len() - 1) as u32, Status::Pending, user)
            }
            Cmd::Update { order, .. } | Cmd::Cancel { order } if (order as usize) >= self.orders.len() => {
                self.reject(Some(order), Rejection::Unknown, ctx);
                return;
            }
            Cmd::Update { order, status } => {
                let row = self.orders[order as usize];
                if row.status == Status::Cancelled {
                    self.reject(Some(order), Rejection::Cancelled, ctx);
                    return;
                }
                (order, status.unwrap_or(row.status.next()), row.user)
            }
            Cmd::Cancel { order } => {
                let row = self.orders[order as usize];
                if row.status == Status::Cancelled {
                    self.reject(Some(order), Rejection::Cancelled, ctx);
                    return;
                }
                (order, Status::Cancelled, row.user)
            }
        };
        let row = &mut self.orders[order as usize];
        row.version += 1;
        row.status = status;
        let prev = row.latest;
        self.log.push(LogEntry {
            order,
            version: row.version,
            status,
            at: now,
            prev,
        });
        let seq = self.log.len() as u64;
        row.latest = seq;
        let version = row.version;
        ctx.record(CqrsRecord::Committed { order, version, status });
        self.stats.slice(now).commits += 1;
        if self.is_crud() {
            self.returned(n, issued, user, order, version, ctx);
            return;
        }
        for p in 0..self.projections.len() {
            let mut rng = self.keyed("transport", seq * 2 + p as u64);
            let arrival = self.projections[p].projector.commit(seq, now, &mut rng);
            match arrival {
                Some(at) => ctx.schedule_at(at, CqrsEvent::Deliver { p: p as u8, seq }),
                None if p == 0 => {
                    // Inline: the command copies the change itself, then returns.
                    let d = SimDuration::from_ms(self.projections[0].projector.config().delay_ms);
                    ctx.schedule_in(d, CqrsEvent::InlineApplied { seq, n, issued });
                }
                None => {
                    let d = SimDuration::from_ms(self.projections[p].projector.config().delay_ms);
                    ctx.schedule_in(d, CqrsEvent::Deliver { p: p as u8, seq });
                }
            }
        }
        if self.sync != SyncMode::Inline {
            self.returned(n, issued, user, order, version, ctx);
        }
    }

    /// A command returned to its writer.
    fn returned(
        &mut self,
        n: u64,
        issued: SimTime,
        user: u32,
        order: u32,
        version: u32,
        ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>,
    ) {
        let _ = n;
        self.stats.command_time.record(ctx.now().since(issued));
        if let (Some(ms), CqrsWorkload::Poisson { .. }) = (self.config.read_after_write_ms, &self.config.workload) {
            ctx.schedule_in(SimDuration::from_ms(ms), CqrsEvent::ReadOwn { user, order, version });
        }
    }

    fn reject(&mut self, order: Option<u32>, why: Rejection, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        self.stats.rejected_commands += 1;
        ctx.record(CqrsRecord::Rejected {
            order: order.unwrap_or(u32::MAX),
            why,
        });
    }

    // ------------------------------------------------------------ stock

    /// A sale: None when it may go ahead (and the stock update leaves),
    /// else why not.
    fn sell(&mut self, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) -> Option<Rejection> {
        let stock = self.config.stock.clone()?;
        let left = if self.side.reserve_stock {
            // The write side holds the truth: what was there minus what was sold.
            stock.units as i64 - self.sold as i64
        } else {
            self.stock_copy
        };
        if left <= 0 {
            return Some(Rejection::OutOfStock);
        }
        let sale = self.sold;
        self.sold += 1;
        if self.sold > u64::from(stock.units) {
            self.stats.slice(ctx.now()).oversold += 1;
        }
        self.stock_copy -= 1;
        self.stock_seen.push(false);
        let mut rng = self.keyed("stock", sale);
        let copies = if rng.chance(stock.duplicate_rate) { 2 } else { 1 };
        for _ in 0..copies {
            let ms = rng.exponential(stock.latency_ms as f64);
            ctx.schedule_in(SimDuration::from_ms_f64(ms), CqrsEvent::StockArrive { sale });
        }
        None
    }

    fn stock_start(&mut self, sale: u64, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        let ms = self.config.stock.as_ref().map_or(0, |s| s.consumer_ms);
        ctx.schedule_in(SimDuration::from_ms(ms), CqrsEvent::StockDone { sale });
    }

    fn stock_done(&mut self, sale: u64, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        if let Some(next) = self.stock_consumer.finish(true) {
            self.stock_start(next, ctx);
        }
        let dup = self.stock_seen[sale as usize];
        if dup && self.side.idempotent_stock {
            ctx.record(CqrsRecord::StockDuplicateIgnored { sale });
            return;
        }
        self.stock_seen[sale as usize] = true;
        self.products_stock -= 1;
        self.stock_duplicates_applied += u64::from(dup);
        self.stats.slice(ctx.now()).dup_applied += u32::from(dup);
        ctx.record(CqrsRecord::StockApplied {
            sale,
            units: self.products_stock,
            duplicate: dup,
        });
        let lag = self.config.stock.as_ref().map_or(0, |s| s.copy_lag_ms);
        ctx.schedule_in(
            SimDuration::from_ms(lag),
            CqrsEvent::StockCopy {
                units: self.products_stock,
            },
        );
    }

    // ------------------------------------------------------------ projections

    fn write_row(&self, order: u32) -> ReadRow {
        self.orders.get(order as usize).map_or(ReadRow::default(), |r| ReadRow {
            version: r.version,
            status: r.status,
        })
    }

    /// Copies log entry `seq` into projection `p`'s rows (or its fresh copy).
    fn copy_entry(&mut self, p: usize, seq: u64, fresh: bool, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        let e = self.log[seq as usize - 1];
        let proj = &mut self.projections[p];
        let rows = if fresh { &mut proj.fresh } else { &mut proj.rows };
        if rows.len() <= e.order as usize {
            rows.resize(e.order as usize + 1, ReadRow::default());
        }
        // A copy keeps the newest version it has seen.
        if rows[e.order as usize].version < e.version {
            rows[e.order as usize] = ReadRow {
                version: e.version,
                status: e.status,
            };
        }
        if fresh {
            return;
        }
        proj.projector.applied_live(seq, e.at, ctx.now());
        if p == 1 {
            ctx.record(CqrsRecord::HistoryApplied {
                order: e.order,
                version: e.version,
            });
        }
        if p == 0 {
            ctx.record(CqrsRecord::Applied {
                order: e.order,
                version: e.version,
                status: e.status,
            });
            self.stats.slice(ctx.now()).applied += 1;
            self.copy_to_replicas(e, ctx);
            if self.replicas.is_empty() {
                self.wake(e.order, 0, ctx);
            }
        }
    }

    /// Each replica copies a change of the read model after its own lag.
    fn copy_to_replicas(&mut self, e: LogEntry, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        for (r, lag) in self.config.replicas_lag_ms.iter().enumerate() {
            ctx.schedule_in(
                SimDuration::from_ms(*lag),
                CqrsEvent::ReplicaApply {
                    replica: r as u8,
                    order: e.order,
                    version: e.version,
                    status: e.status,
                    committed: e.at,
                },
            );
        }
    }

    fn deliver(&mut self, p: u8, seq: u64, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        let mode = self.projections[p as usize].projector.config().mode;
        if mode != SyncMode::Queue {
            self.copy_entry(p as usize, seq, false, ctx);
            return;
        }
        let mut rng = self.keyed("projector", seq * 2 + p as u64);
        let next = self.projections[p as usize].projector.arrive(seq, ctx.now(), &mut rng);
        self.follow(p, next, ctx);
    }

    fn follow(&mut self, p: u8, next: Next, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        match next {
            Next::Idle => {}
            Next::FinishAt(t) => ctx.schedule_at(t, CqrsEvent::ProjectorFinish { p }),
            Next::ResumeAt(t) => ctx.schedule_at(t, CqrsEvent::ProjectorResume { p }),
        }
    }

    fn projector_finish(&mut self, p: u8, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        let now = ctx.now();
        let mut seqs = std::mem::take(&mut self.scratch);
        let proj = &mut self.projections[p as usize];
        let was_rebuilding = proj.projector.is_rebuilding();
        let before = proj.projector.applied_up_to();
        let fresh = proj.projector.finish(now, &mut seqs);
        for &seq in &seqs {
            self.copy_entry(p as usize, seq, fresh, ctx);
        }
        if was_rebuilding && !self.projections[p as usize].projector.is_rebuilding() {
            // The fresh copy has caught up: it replaces the old one.
            let proj = &mut self.projections[p as usize];
            proj.rows = std::mem::take(&mut proj.fresh);
            ctx.record(CqrsRecord::Rebuilt { projection: p });
            // What the old copy lacked reaches the read side now: its lag is
            // the whole rebuild (it read "lag, longest 56 ms" beside a 3.4 s
            // rebuild), and the replicas copy it as any applied change.
            for seq in before + 1..=self.projections[p as usize].projector.applied_up_to() {
                let e = self.log[seq as usize - 1];
                self.projections[p as usize].projector.swapped_in(e.at, now);
                if p == 0 {
                    self.copy_to_replicas(e, ctx);
                }
            }
            if p == 0 {
                let orders: Vec<u32> = self.waiting.keys().copied().collect();
                for o in orders {
                    self.wake(o, 0, ctx);
                }
            }
        }
        let n = seqs.len();
        self.scratch = seqs;
        let mut rng = self.keyed("projector_next", now.as_micros() * 2 + p as u64 + n as u64);
        let next = self.projections[p as usize].projector.proceed(now, &mut rng);
        self.follow(p, next, ctx);
    }

    // ------------------------------------------------------------ queries

    fn issue_read(&mut self, user: u32, order: u32, own: Option<u32>, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        let id = self.next_query;
        self.next_query += 1;
        self.stats.queries += 1;
        let ryw = self.side.consistency == Consistency::ReadYourWrites;
        let mut at_least = if ryw { own.unwrap_or(0) } else { 0 };
        if self.side.consistency == Consistency::Monotonic {
            at_least = at_least.max(self.seen.get(&(user, order)).copied().unwrap_or(0));
        }
        let copy = if self.replicas.is_empty() || self.is_crud() {
            0
        } else {
            1 + self.keyed("balancer", id).below(self.replicas.len() as u64) as u8
        };
        let q = Query {
            id,
            user,
            order,
            asked: ctx.now(),
            at_least,
            tries: 0,
            copy,
            own: own.unwrap_or(0),
        };
        let store = self.read_store();
        self.arrive(store, Op::Read(q), ctx);
    }

    /// What copy `copy` holds of `order`.
    fn read_row(&self, copy: u8, order: u32) -> ReadRow {
        if self.is_crud() {
            return self.write_row(order);
        }
        let rows = match copy {
            0 => &self.projections[0].rows,
            r => &self.replicas[r as usize - 1],
        };
        rows.get(order as usize).copied().unwrap_or_default()
    }

    /// Whether queries of this side wait for a version.
    fn waits(&self) -> bool {
        !self.is_crud()
            && matches!(
                self.side.consistency,
                Consistency::ReadYourWrites | Consistency::Monotonic
            )
    }

    /// The version `q` must see now: its own write's, and for monotonic
    /// reads whatever its reader has seen of the order by now (another of
    /// their reads may have answered meanwhile).
    fn need(&self, q: &Query) -> u32 {
        match self.side.consistency {
            Consistency::Monotonic => q.at_least.max(self.seen.get(&(q.user, q.order)).copied().unwrap_or(0)),
            _ => q.at_least,
        }
    }

    /// The read store answers `q` from its copy (or makes it wait).
    fn answer(&mut self, q: Query, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        let row = self.read_row(q.copy, q.order);
        let need = self.need(&q);
        if self.waits() && need > 0 && row.version < need {
            let q = Query { at_least: need, ..q };
            self.stats.ryw_waits += 1;
            ctx.record(CqrsRecord::Waiting {
                user: q.user,
                order: q.order,
                version: q.at_least,
            });
            self.waiting.entry(q.order).or_default().push(q.id);
            self.waiters.insert(q.id, q);
            self.timeouts_pending += 1;
            ctx.schedule_in(
                SimDuration::from_ms(self.config.ryw_timeout_ms),
                CqrsEvent::WaitTimeout { id: q.id },
            );
            return;
        }
        let outcome = self.judge(q.order, row, ctx.now());
        self.finish_read(q, row, outcome, ctx);
    }

    /// How `row` compares with the write side now.
    fn judge(&self, order: u32, row: ReadRow, now: SimTime) -> ReadOutcome {
        let latest = self.write_row(order).version;
        let _ = now;
        if latest == 0 || row.version >= latest {
            if row.version == 0 {
                ReadOutcome::NotFound
            } else {
                ReadOutcome::Fresh
            }
        } else if row.version == 0 {
            ReadOutcome::NotFound
        } else {
            ReadOutcome::Stale
        }
    }

    /// When the version after `version` of `order` was committed (how long
    /// the answer had been out of date).
    fn superseded_at(&self, order: u32, version: u32) -> Option<SimTime> {
        let mut seq = self.orders.get(order as usize)?.latest;
        let mut at = None;
        while seq > 0 {
            let e = &self.log[seq as usize - 1];
            if e.version <= version {
                break;
            }
            at = Some(e.at);
            seq = e.prev;
        }
        at
    }

    fn finish_read(&mut self, q: Query, row: ReadRow, outcome: ReadOutcome, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        let now = ctx.now();
        let exists = self.write_row(q.order).version > 0;
        // A read of an order that does not exist anywhere yet is "not found"
        // and right; only one the write side has counts against the read side.
        let outcome = match outcome {
            ReadOutcome::NotFound if !exists => ReadOutcome::Absent,
            o => o,
        };
        match outcome {
            ReadOutcome::Stale => {
                self.stats.stale_reads += 1;
                self.stats.slice(now).stale += 1;
                if let Some(at) = self.superseded_at(q.order, row.version) {
                    self.stats.staleness.record(now.since(at));
                }
            }
            ReadOutcome::NotFound => {
                self.stats.not_found_reads += 1;
                self.stats.slice(now).stale += 1;
            }
            _ => {}
        }
        self.stats.slice(now).reads += 1;
        self.stats.answers += 1;
        if q.own > 0 {
            self.stats.own_reads += 1;
            self.stats.slice(now).own_reads += 1;
            // Older than what the reader wrote (or missing): their own write is gone.
            if outcome != ReadOutcome::Error && row.version < q.own {
                self.stats.own_stale_reads += 1;
                self.stats.slice(now).own_stale += 1;
            }
        }
        let mut back = false;
        if self.side.consistency == Consistency::Monotonic || self.config.replicas_lag_ms.len() > 1 {
            let seen = self.seen.entry((q.user, q.order)).or_insert(0);
            if row.version < *seen && outcome != ReadOutcome::Error {
                self.stats.monotonic_violations += 1;
                back = true;
            }
            *seen = (*seen).max(row.version);
        }
        // A second projection on the same screen: does it agree?
        let mixed = self.projections.len() > 1 && outcome != ReadOutcome::Error && {
            let h = self.projections[1]
                .rows
                .get(q.order as usize)
                .copied()
                .unwrap_or_default();
            h.version != row.version
        };
        if mixed {
            self.stats.mixed_screens += 1;
            self.stats.slice(now).mixed += 1;
        }
        ctx.record(CqrsRecord::Read {
            user: q.user,
            order: q.order,
            outcome,
            version: row.version,
            status: row.status,
            mixed,
            took_us: now.since(q.asked).as_micros(),
            copy: if self.is_crud() { 0 } else { q.copy },
            back,
        });
        let repeat = matches!(outcome, ReadOutcome::Stale | ReadOutcome::NotFound)
            && self.config.poll_ms > 0
            && q.tries < MAX_POLLS;
        if repeat {
            self.stats.polls += 1;
            ctx.schedule_in(
                SimDuration::from_ms(self.config.poll_ms),
                CqrsEvent::Poll(Query {
                    tries: q.tries + 1,
                    ..q
                }),
            );
            return;
        }
        self.stats.query_time.record(now.since(q.asked));
        if matches!(outcome, ReadOutcome::Fresh | ReadOutcome::Absent) {
            self.stats.final_fresh += 1;
        } else {
            self.stats.final_out_of_date += 1;
        }
    }

    /// Copy `copy` has a new version of `order`: queries waiting for it go on.
    fn wake(&mut self, order: u32, copy: u8, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        let Some(ids) = self.waiting.remove(&order) else {
            return;
        };
        let have = {
            let rows = match copy {
                0 => &self.projections[0].rows,
                r => &self.replicas[r as usize - 1],
            };
            rows.get(order as usize).copied().unwrap_or_default()
        };
        let mut rest = Vec::new();
        for id in ids {
            // A query that timed out is no longer waiting.
            let Some(&q) = self.waiters.get(&id) else {
                continue;
            };
            if q.copy == copy && have.version >= self.need(&q) {
                self.waiters.remove(&id);
                let outcome = self.judge(order, have, ctx.now());
                self.finish_read(q, have, outcome, ctx);
            } else {
                rest.push(id);
            }
        }
        if !rest.is_empty() {
            self.waiting.insert(order, rest);
        }
    }

    fn wait_timeout(&mut self, id: u64, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        let Some(q) = self.waiters.remove(&id) else {
            return;
        };
        self.stats.ryw_timeouts += 1;
        ctx.record(CqrsRecord::WaitTimedOut {
            user: q.user,
            order: q.order,
        });
        match self.config.ryw_fallback {
            Fallback::WriteStore => self.arrive(WRITE, Op::Fallback(q), ctx),
            Fallback::Error => {
                self.stats.read_errors += 1;
                self.finish_read(q, ReadRow::default(), ReadOutcome::Error, ctx);
            }
        }
    }

    // ------------------------------------------------------------ traffic

    fn poisson_params(&self) -> Option<(f64, f64, u32, f64, f64)> {
        match &self.config.workload {
            CqrsWorkload::Poisson {
                writes_per_s,
                reads_per_s,
                users,
                update_share,
                cancel_share,
                ..
            } => Some((*writes_per_s, *reads_per_s, *users, *update_share, *cancel_share)),
            CqrsWorkload::Script { .. } => None,
        }
    }

    fn next_write(&mut self, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        let Some((rate, _, users, update, cancel)) = self.poisson_params() else {
            return;
        };
        let n = self.writes;
        let mut rng = self.keyed("command", n);
        let u = rng.unit();
        let existing = self.orders.len() as u64;
        let cmd = if existing == 0 || u >= update + cancel {
            Cmd::Create {
                user: 1 + rng.below(users as u64) as u32,
            }
        } else {
            let order = rng.below(existing) as u32;
            if u < update {
                Cmd::Update { order, status: None }
            } else {
                Cmd::Cancel { order }
            }
        };
        self.issue_command(cmd, ctx);
        self.schedule_next(true, rate, ctx);
    }

    fn next_read(&mut self, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        let Some((_, rate, users, _, _)) = self.poisson_params() else {
            return;
        };
        let n = self.reads;
        self.reads += 1;
        let mut rng = self.keyed("read", n);
        let existing = self.orders.len() as u64;
        if existing > 0 {
            let order = rng.below(existing) as u32;
            let user = 1 + rng.below(users as u64) as u32;
            self.issue_read(user, order, None, ctx);
        }
        self.schedule_next(false, rate, ctx);
    }

    /// Schedules the next Poisson command or read, if before the end.
    fn schedule_next(&mut self, write: bool, rate: f64, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        if rate <= 0.0 {
            return;
        }
        let n = if write { self.writes } else { self.reads };
        let mut rng = self.keyed(if write { "write_gap" } else { "read_gap" }, n);
        let gap = SimDuration::from_ms_f64(rng.exponential(1000.0 / rate));
        if ctx.now() + gap < self.poisson_end {
            ctx.schedule_in(
                gap,
                if write {
                    CqrsEvent::NextWrite
                } else {
                    CqrsEvent::NextRead
                },
            );
        }
    }

    fn script(&mut self, step: usize, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        let CqrsWorkload::Script { steps } = &self.config.workload else {
            return;
        };
        let s = steps[step].clone();
        if let Some(next) = steps.get(step + 1) {
            ctx.schedule_at(SimTime::from_ms(next.at_ms()), CqrsEvent::Script { step: step + 1 });
        }
        // Orders in a script are 1-based; the model counts from 0.
        match s {
            Scripted::Create { user, .. } => self.issue_command(Cmd::Create { user }, ctx),
            Scripted::Update { order, status, .. } => self.issue_command(
                Cmd::Update {
                    order: order - 1,
                    status: Some(status),
                },
                ctx,
            ),
            Scripted::Cancel { order, .. } => self.issue_command(Cmd::Cancel { order: order - 1 }, ctx),
            Scripted::Read { user, order, .. } => self.issue_read(user, order - 1, None, ctx),
        }
    }

    /// The time-weighted mean backlog of the details projection until `now`.
    pub fn backlog_mean(&self, now: SimTime) -> f64 {
        self.projections[0].projector.backlog_mean(now)
    }
}

impl Model for CqrsModel {
    type Event = CqrsEvent;
    type Record = CqrsRecord;

    /// Only the timeouts of waits that already ended are left (every read
    /// that waited has its answer): they would change nothing.
    fn only_no_ops_pending(&self, pending: usize) -> bool {
        pending > 0 && self.waiters.is_empty() && pending == self.timeouts_pending
    }

    fn start(&mut self, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        match &self.config.workload {
            CqrsWorkload::Script { steps } => {
                if let Some(first) = steps.first() {
                    ctx.schedule_at(SimTime::from_ms(first.at_ms()), CqrsEvent::Script { step: 0 });
                }
            }
            CqrsWorkload::Poisson {
                writes_per_s,
                reads_per_s,
                ..
            } => {
                let (w, r) = (*writes_per_s, *reads_per_s);
                self.schedule_next(true, w, ctx);
                self.schedule_next(false, r, ctx);
            }
        }
        for p in 0..self.projections.len() {
            let crash = self.projections[p].projector.config().crash_at_ms;
            if crash > 0 && !self.is_crud() {
                ctx.schedule_at(SimTime::from_ms(crash), CqrsEvent::ProjectorCrash { p: p as u8 });
            }
        }
    }

    fn handle(&mut self, event: CqrsEvent, ctx: &mut Ctx<'_, CqrsEvent, CqrsRecord>) {
        let now = ctx.now();
        match event {
            CqrsEvent::Script { step } => self.script(step, ctx),
            CqrsEvent::NextWrite => self.next_write(ctx),
            CqrsEvent::NextRead => self.next_read(ctx),
            CqrsEvent::Arrive { store, op } => self.arrive(store, op, ctx),
            CqrsEvent::Done { store, op } => self.done(store, op, ctx),
            CqrsEvent::InlineApplied { seq, n, issued } => {
                self.copy_entry(0, seq, false, ctx);
                let e = self.log[seq as usize - 1];
                let user = self.orders[e.order as usize].user;
                self.returned(n, issued, user, e.order, e.version, ctx);
            }
            CqrsEvent::Deliver { p, seq } => self.deliver(p, seq, ctx),
            CqrsEvent::ProjectorFinish { p } => self.projector_finish(p, ctx),
            CqrsEvent::ProjectorResume { p } => {
                let mut rng = self.keyed("projector_resume", now.as_micros() * 2 + p as u64);
                let next = self.projections[p as usize].projector.resume(now, &mut rng);
                self.follow(p, next, ctx);
            }
            CqrsEvent::ProjectorCrash { p } => {
                ctx.record(CqrsRecord::Crashed { projection: p });
                let proj = &mut self.projections[p as usize];
                proj.fresh.clear();
                let mut rng = self.world.derive_indexed("projector_crash", p as u64);
                let next = proj.projector.crash(now, &mut rng);
                self.follow(p, next, ctx);
            }
            CqrsEvent::ReplicaApply {
                replica,
                order,
                version,
                status,
                committed,
            } => {
                self.stats.replica_lag.record(now.since(committed));
                let rows = &mut self.replicas[replica as usize];
                if rows.len() <= order as usize {
                    rows.resize(order as usize + 1, ReadRow::default());
                }
                if rows[order as usize].version < version {
                    rows[order as usize] = ReadRow { version, status };
                    ctx.record(CqrsRecord::ReplicaApplied {
                        replica,
                        order,
                        version,
                    });
                }
                self.wake(order, replica + 1, ctx);
            }
            CqrsEvent::WaitTimeout { id } => {
                self.timeouts_pending -= 1;
                self.wait_timeout(id, ctx)
            }
            CqrsEvent::Poll(q) => {
                let store = self.read_store();
                self.arrive(store, Op::Read(q), ctx);
            }
            CqrsEvent::ReadOwn { user, order, version } => self.issue_read(user, order, Some(version), ctx),
            CqrsEvent::StockArrive { sale } => {
                if let Some(s) = self.stock_consumer.arrive(sale) {
                    self.stock_start(s, ctx);
                }
            }
            CqrsEvent::StockDone { sale } => self.stock_done(sale, ctx),
            // The orders service's copy now shows what the products service
            // counted then — not the sales made since: a stale stock read.
            CqrsEvent::StockCopy { units } => self.stock_copy = units,
        }
    }

    fn approx_bytes(&self) -> usize {
        self.orders.len() * std::mem::size_of::<WriteRow>()
            + self.log.len() * std::mem::size_of::<LogEntry>()
            + self
                .projections
                .iter()
                .map(|p| (p.rows.len() + p.fresh.len()) * std::mem::size_of::<ReadRow>())
                .sum::<usize>()
            + self
                .replicas
                .iter()
                .map(|r| r.len() * std::mem::size_of::<ReadRow>())
                .sum::<usize>()
    }
}

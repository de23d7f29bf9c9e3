//! The CQRS lab's configuration: who writes and reads (a script, or Poisson
//! traffic), the stores, the projector that copies changes to the read side,
//! a second projection and read replicas, how queries are answered, the
//! stock queue between two services — and, per side, the pattern compared.

use crate::patterns::projector::ProjectorConfig;
use crate::validate::{Checker, ConfigError, Problem, WorkLimits};
use serde::{Deserialize, Serialize};

/// One step of a scripted demo, at `at_ms`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Scripted {
    /// A user creates an order.
    Create {
        at_ms: u64,
        user: u32,
    },
    /// The status of order `order` (1-based) changes.
    Update {
        at_ms: u64,
        order: u32,
        status: Status,
    },
    Cancel {
        at_ms: u64,
        order: u32,
    },
    /// User `user` reads order `order`.
    Read {
        at_ms: u64,
        user: u32,
        order: u32,
    },
}

impl Scripted {
    pub fn at_ms(&self) -> u64 {
        match *self {
            Scripted::Create { at_ms, .. }
            | Scripted::Update { at_ms, .. }
            | Scripted::Cancel { at_ms, .. }
            | Scripted::Read { at_ms, .. } => at_ms,
        }
    }
}

/// An order's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Pending,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Paid => "paid",
            Status::Shipped => "shipped",
            Status::Delivered => "delivered",
            Status::Cancelled => "cancelled",
        }
    }

    /// The status an update moves an order to next.
    pub fn next(self) -> Status {
        match self {
            Status::Pending => Status::Paid,
            Status::Paid => Status::Shipped,
            _ => Status::Delivered,
        }
    }
}

/// Who writes and reads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CqrsWorkload {
    /// A fixed list of commands and reads.
    Script { steps: Vec<Scripted> },
    /// Commands and reads at random (Poisson) for `duration_ms`: a command
    /// creates an order, or (`update_share`, `cancel_share`) changes an
    /// existing one; a read asks for an existing order.
    Poisson {
        writes_per_s: f64,
        reads_per_s: f64,
        duration_ms: u64,
        users: u32,
        update_share: f64,
        cancel_share: f64,
    },
}

impl Default for CqrsWorkload {
    fn default() -> Self {
        CqrsWorkload::Script { steps: text_demo() }
    }
}

/// The course text's demo, as it means it: create, read at once, read 3 s
/// later; set the status to Shipped, read at once, read 3 s later.
pub fn text_demo() -> Vec<Scripted> {
    vec![
        Scripted::Create { at_ms: 0, user: 1 },
        Scripted::Read {
            at_ms: 100,
            user: 1,
            order: 1,
        },
        Scripted::Read {
            at_ms: 3_100,
            user: 1,
            order: 1,
        },
        Scripted::Update {
            at_ms: 4_000,
            order: 1,
            status: Status::Shipped,
        },
        Scripted::Read {
            at_ms: 4_100,
            user: 1,
            order: 1,
        },
        Scripted::Read {
            at_ms: 7_100,
            user: 1,
            order: 1,
        },
    ]
}

/// Where data lives: one store for both (CRUD) or a write store and a read
/// store fed by the projector (CQRS).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    #[default]
    Cqrs,
    Crud,
}

/// How a query is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Consistency {
    /// Whatever the read store has.
    #[default]
    Eventual,
    /// A reader who wrote waits until the read side has their write (up to
    /// `ryw_timeout_ms`, then `ryw_fallback`).
    ReadYourWrites,
    /// A reader never sees an older version than one they saw (they wait
    /// for a replica to catch up to it).
    Monotonic,
}

/// What a read-your-writes query does when its wait times out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Fallback {
    /// Reads the write store (fresh, but load where the writes are).
    #[default]
    WriteStore,
    /// Answers an error ("try again"): never stale data.
    Error,
}

/// The pattern a side runs: everything A | B can compare.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CqrsSide {
    pub architecture: Architecture,
    /// Overrides the projector's way to sync on this side (inline, delay, queue).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync: Option<crate::patterns::projector::SyncMode>,
    pub consistency: Consistency,
    /// Stock updates are applied once per update id (a duplicate is ignored).
    pub idempotent_stock: bool,
    /// A sale reserves stock on the write side (instead of trusting the copy).
    pub reserve_stock: bool,
}

impl Default for CqrsSide {
    fn default() -> Self {
        CqrsSide {
            architecture: Architecture::Cqrs,
            sync: None,
            consistency: Consistency::Eventual,
            idempotent_stock: false,
            reserve_stock: false,
        }
    }
}

/// A store: its time per operation and how many it serves at once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// Time for a command (write) or a query (read), each exponential around this mean.
    pub write_ms: u64,
    pub read_ms: u64,
    /// Operations served at once (0 = no limit); the others queue.
    pub capacity: u32,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            write_ms: 10,
            read_ms: 5,
            capacity: 0,
        }
    }
}

/// Text 004's queue: the orders service sells from its copy of the stock
/// and sends each sale to the products service through a queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StockQueue {
    /// Units in stock at the start.
    pub units: u32,
    /// How long a stock update takes through the queue.
    pub latency_ms: u64,
    /// Chance the queue delivers an update twice.
    pub duplicate_rate: f64,
    /// How long the products service takes per update.
    pub consumer_ms: u64,
    /// How long after the products service changes its stock the orders
    /// service's copy shows it.
    pub copy_lag_ms: u64,
}

impl Default for StockQueue {
    fn default() -> Self {
        StockQueue {
            units: 50,
            latency_ms: 200,
            duplicate_rate: 0.0,
            consumer_ms: 20,
            copy_lag_ms: 500,
        }
    }
}

/// A CQRS-lab configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CqrsConfig {
    pub workload: CqrsWorkload,
    /// Side A's pattern.
    pub side: CqrsSide,
    /// Side B, the same traffic with another pattern.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compare: Option<CqrsSide>,
    pub store: StoreConfig,
    /// The order-details projection's projector.
    pub projector: ProjectorConfig,
    /// A second projection (a user's order history) with its own projector;
    /// a read shows both, so one screen can mix old and new.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<ProjectorConfig>,
    /// Read replicas of the details projection, each this much behind it
    /// (ms); reads are spread over the replicas.
    pub replicas_lag_ms: Vec<u64>,
    /// Read-your-writes: how long a query waits for the read side.
    pub ryw_timeout_ms: u64,
    pub ryw_fallback: Fallback,
    /// A writer reads their order this long after their command returns
    /// (Poisson traffic; negative never: absent = no such read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_after_write_ms: Option<u64>,
    /// A read that is stale or finds nothing is repeated after this long
    /// until it is fresh (0 = never).
    pub poll_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock: Option<StockQueue>,
}

impl Default for CqrsConfig {
    fn default() -> Self {
        CqrsConfig {
            workload: CqrsWorkload::default(),
            side: CqrsSide::default(),
            compare: None,
            store: StoreConfig::default(),
            projector: ProjectorConfig::default(),
            history: None,
            replicas_lag_ms: vec![],
            ryw_timeout_ms: 5_000,
            ryw_fallback: Fallback::WriteStore,
            read_after_write_ms: None,
            poll_ms: 0,
            stock: None,
        }
    }
}

pub mod limits {
    pub const MAX_RATE_PER_S: f64 = 100_000.0;
    pub const MAX_DURATION_MS: u64 = 3_600_000;
    pub const MAX_USERS: u64 = 1_000_000;
    pub const MAX_STEPS: u64 = 1_000;
    pub const MAX_STORE_MS: u64 = 60_000;
    pub const MAX_CAPACITY: u64 = 100_000;
    pub const MAX_REPLICAS: u64 = 8;
    pub const MAX_WAIT_MS: u64 = 600_000;
    pub const MAX_UNITS: u64 = 10_000_000;
    /// Operations (commands, reads, polls) a link's run may do, both sides together.
    pub const MAX_OPERATIONS: f64 = 4_000_000.0;
}

impl CqrsConfig {
    /// The sides: A, and B when comparing.
    pub fn sides(&self) -> Vec<CqrsSide> {
        std::iter::once(self.side.clone()).chain(self.compare.clone()).collect()
    }

    /// Commands and reads the workload brings at most (a Poisson count: its
    /// mean plus five standard deviations).
    pub fn max_operations(&self) -> f64 {
        let poisson = |mean: f64| mean + 5.0 * libm::sqrt(mean) + 5.0;
        match &self.workload {
            CqrsWorkload::Script { steps } => steps.len() as f64,
            CqrsWorkload::Poisson {
                writes_per_s,
                reads_per_s,
                duration_ms,
                ..
            } => {
                let secs = *duration_ms as f64 / 1000.0;
                let writes = poisson(writes_per_s * secs);
                let after = if self.read_after_write_ms.is_some() {
                    writes
                } else {
                    0.0
                };
                writes + poisson(reads_per_s * secs) + after
            }
        }
    }

    pub fn validate_within(&self, allowed: WorkLimits) -> Result<(), Vec<ConfigError>> {
        let mut c = Checker::default();
        match &self.workload {
            CqrsWorkload::Script { steps } => {
                c.int("workload.steps.length", steps.len() as u64, 1, limits::MAX_STEPS);
                let mut created = 0u32;
                for (i, s) in steps.iter().enumerate() {
                    c.int(
                        &format!("workload.steps[{i}].at_ms"),
                        s.at_ms(),
                        0,
                        limits::MAX_DURATION_MS,
                    );
                    match *s {
                        Scripted::Create { user, .. } => {
                            created += 1;
                            c.int(&format!("workload.steps[{i}].user"), user as u64, 1, limits::MAX_USERS);
                        }
                        Scripted::Update { order, .. } | Scripted::Cancel { order, .. } => {
                            c.int(
                                &format!("workload.steps[{i}].order"),
                                order as u64,
                                1,
                                created.max(1) as u64,
                            );
                        }
                        Scripted::Read { user, order, .. } => {
                            c.int(&format!("workload.steps[{i}].user"), user as u64, 1, limits::MAX_USERS);
                            c.int(
                                &format!("workload.steps[{i}].order"),
                                order as u64,
                                1,
                                created.max(1) as u64,
                            );
                        }
                    }
                    if i > 0 {
                        c.require(
                            s.at_ms() >= steps[i - 1].at_ms(),
                            &format!("workload.steps[{i}].at_ms"),
                            "error.script_order",
                        );
                    }
                }
            }
            CqrsWorkload::Poisson {
                writes_per_s,
                reads_per_s,
                duration_ms,
                users,
                update_share,
                cancel_share,
            } => {
                c.real("workload.writes_per_s", *writes_per_s, 0.0, limits::MAX_RATE_PER_S);
                c.real("workload.reads_per_s", *reads_per_s, 0.0, limits::MAX_RATE_PER_S);
                c.int("workload.duration_ms", *duration_ms, 1, limits::MAX_DURATION_MS);
                c.int("workload.users", *users as u64, 1, limits::MAX_USERS);
                c.real("workload.update_share", *update_share, 0.0, 1.0);
                c.real("workload.cancel_share", *cancel_share, 0.0, 1.0);
                c.require(
                    update_share + cancel_share <= 1.0,
                    "workload.cancel_share",
                    "error.shares_over_one",
                );
            }
        }
        c.int("store.write_ms", self.store.write_ms, 0, limits::MAX_STORE_MS);
        c.int("store.read_ms", self.store.read_ms, 0, limits::MAX_STORE_MS);
        c.int("store.capacity", self.store.capacity as u64, 0, limits::MAX_CAPACITY);
        self.projector.check(&mut c, "projector");
        if let Some(h) = &self.history {
            h.check(&mut c, "history");
        }
        c.int(
            "replicas_lag_ms.length",
            self.replicas_lag_ms.len() as u64,
            0,
            limits::MAX_REPLICAS,
        );
        for (i, lag) in self.replicas_lag_ms.iter().enumerate() {
            c.int(&format!("replicas_lag_ms[{i}]"), *lag, 0, limits::MAX_WAIT_MS);
        }
        c.int("ryw_timeout_ms", self.ryw_timeout_ms, 1, limits::MAX_WAIT_MS);
        if let Some(ms) = self.read_after_write_ms {
            c.int("read_after_write_ms", ms, 0, limits::MAX_WAIT_MS);
        }
        c.int("poll_ms", self.poll_ms, 0, limits::MAX_WAIT_MS);
        if let Some(s) = &self.stock {
            c.int("stock.units", s.units as u64, 0, limits::MAX_UNITS);
            c.int("stock.latency_ms", s.latency_ms, 0, limits::MAX_WAIT_MS);
            c.real("stock.duplicate_rate", s.duplicate_rate, 0.0, 1.0);
            c.int("stock.consumer_ms", s.consumer_ms, 0, limits::MAX_STORE_MS);
            c.int("stock.copy_lag_ms", s.copy_lag_ms, 0, limits::MAX_WAIT_MS);
        }
        c.finish()?;
        // The work: operations, both sides. A read is one, or more: a poll
        // repeats it at most every poll_ms for as long as the read side can
        // lag, a read and up to MAX_POLLS repeats of it (counting 20 for the
        // 21 let a script of reads do 5 % more than its bound); a read that
        // waits for its version and times out reads the write store too.
        let mut c = Checker::default();
        let waits = self.ryw_fallback == Fallback::WriteStore
            && self.sides().iter().any(|s| {
                s.architecture == Architecture::Cqrs
                    && matches!(s.consistency, Consistency::ReadYourWrites | Consistency::Monotonic)
            });
        let reads = if self.poll_ms > 0 {
            f64::from(super::model::MAX_POLLS + 1)
        } else if waits {
            2.0
        } else {
            1.0
        };
        let ops = self.max_operations() * reads * self.sides().len() as f64;
        let max = limits::MAX_OPERATIONS * allowed.calls / WorkLimits::LINK.calls;
        if ops.is_nan() || ops > max {
            let mut lower: Vec<String> = match self.workload {
                CqrsWorkload::Script { .. } => vec!["workload.steps".into()],
                CqrsWorkload::Poisson { .. } => vec![
                    "workload.writes_per_s".into(),
                    "workload.reads_per_s".into(),
                    "workload.duration_ms".into(),
                ],
            };
            if self.poll_ms > 0 {
                lower.push("poll_ms".into());
            }
            c.push(
                "config",
                Problem::TooMuchWork {
                    key: "error.work_operations",
                    got: ops,
                    max,
                    lower,
                },
            );
        }
        c.finish()
    }
}

//! Generators of *valid* configurations of the labs on [`Sides`] — the
//! choreography, CQRS, replica-failover and availability labs — reaching every
//! option each config has: every enum variant, optional sections present and
//! absent, an A | B `compare` side or not, windows and outages, fault rates
//! from 0 to 1. As for the retry lab ([`super::retry_configs`]),
//! [`Scale::Full`] is anything the validator accepts (for tests that only
//! encode, decode and check), and [`Scale::Runnable`] keeps the work small
//! enough to run each case to the end in a debug build.
//!
//! A generated config that would do more work than a link's run may is made
//! smaller, field by field and in turn (a shorter workload, fewer attempts, a
//! slower heartbeat…), until the validator's bound holds — so the large
//! values are reached wherever the bound lets them be.

use super::{int, jitters, real, shapes, waits, Scale};
use engine::codec::{decode_only, Decoded};
use engine::labs::availability::config::{
    self as avail, AvailabilityConfig, Crash, Crashes, DetectorKind, Load, Network, Redundancy, Tactics,
};
use engine::labs::availability::{AvailabilityLab, AvailabilityModel};
use engine::labs::choreography::config::{
    self as choreo, chained_wiring, eight_service_wiring, text_wiring, ChoreographyConfig, Listen, Mode, OrderWorkload,
    ServiceId, Services, Topic,
};
use engine::labs::choreography::{ChoreoModel, ChoreographyLab};
use engine::labs::cqrs::config::{
    self as cqrs, Architecture, Consistency, CqrsConfig, CqrsSide, CqrsWorkload, Fallback, Scripted, Status,
    StockQueue, StoreConfig,
};
use engine::labs::cqrs::{CqrsLab, CqrsModel};
use engine::labs::replica::config::{
    self as replica, Ack, ClientSide, FileWorkload, Metadata, NodeOutage, Nodes, Placement, RackOutage, ReplicaConfig,
    Route, Transfer,
};
use engine::labs::replica::{ReplicaLab, ReplicaModel};
use engine::labs::sides::{Sides, SidesView};
use engine::labs::Lab;
use engine::patterns::backoff::RetryPolicy;
use engine::patterns::bus::{BusConfig, Window};
use engine::patterns::detector::DetectorConfig;
use engine::patterns::projector::{ProjectorConfig, SyncMode};
use engine::patterns::service::{self, LatencyShape, Outage, ServiceConfig};
use engine::validate::WorkLimits;
use engine::LabConfig;
use proptest::prelude::{any, prop, prop_oneof, BoxedStrategy, Just};
use proptest::strategy::Strategy as Gen;

/// A lab on [`Sides`] with a generator of its valid configurations.
pub trait LabGen: Lab + 'static {
    /// Its model, whose `Sides` is the lab's run.
    type Model: SidesView<Config = Self::Config> + 'static;
    /// Valid configurations, up to `scale`.
    fn configs(scale: Scale) -> BoxedStrategy<Self::Config>;
    /// The configuration as the registry holds it.
    fn wrap(config: Self::Config) -> LabConfig;
    /// A link read as the lab's page reads it ([`decode_only`]).
    fn page_decode(input: &str) -> Decoded;
}

macro_rules! lab_gen {
    ($($lab:ty => $model:ty, $configs:ident;)+) => {$(
        impl LabGen for $lab {
            type Model = $model;
            fn configs(scale: Scale) -> BoxedStrategy<Self::Config> {
                $configs(scale)
            }
            fn wrap(config: Self::Config) -> LabConfig {
                LabConfig::from(config)
            }
            fn page_decode(input: &str) -> Decoded {
                decode_only::<$lab>(input)
            }
        }
    )+};
}

lab_gen! {
    ChoreographyLab => ChoreoModel, choreography_configs;
    CqrsLab => CqrsModel, cqrs_configs;
    ReplicaLab => ReplicaModel, replica_configs;
    AvailabilityLab => AvailabilityModel, availability_configs;
}

/// A lab's run of `config` (validated within a link's limits).
pub fn run_of<L: LabGen>(config: &L::Config, seed: u64) -> Sides<L::Model> {
    Sides::<L::Model>::new(config, seed).unwrap_or_else(|e| panic!("{e:?}: {config:?}"))
}

/// `config`, made smaller by `shrinks` — tried in turn, each halving one
/// thing — until it validates within a link's limits (only its work can be
/// too much: every value is drawn within range). Each shrink says whether it
/// changed anything; when none can, the config is returned as it is (and the
/// generator's test says so).
fn within_bound<L: Lab>(mut config: L::Config, shrinks: &[fn(&mut L::Config) -> bool]) -> L::Config {
    let mut next = 0;
    for _ in 0..2_000 {
        if L::validate(&config, WorkLimits::LINK).is_ok() {
            break;
        }
        let start = next;
        let changed = (0..shrinks.len()).any(|i| {
            next = (start + i + 1) % shrinks.len();
            shrinks[(start + i) % shrinks.len()](&mut config)
        });
        if !changed {
            break;
        }
    }
    config
}

/// Halves `v` down to `floor`; whether it changed.
fn halve<T: Copy + PartialOrd + std::ops::Div<Output = T> + From<u8>>(v: &mut T, floor: T) -> bool {
    if *v > floor {
        let half = *v / T::from(2);
        *v = if half > floor { half } else { floor };
        return true;
    }
    false
}

/// How long times may be at each scale (ms): at full scale `full`, and a
/// few seconds in a runnable config.
fn ms(scale: Scale, full: u64, runnable: u64) -> u64 {
    match scale {
        Scale::Full => full,
        Scale::Runnable => runnable.min(full),
    }
}

/// Up to `most` windows within `[0, max_ms]`, each at least 1 ms long.
fn windows(most: usize, max_ms: u64) -> BoxedStrategy<Vec<Window>> {
    let window = (int(0, max_ms - 1), int(1, max_ms)).prop_map(move |(from_ms, length)| Window {
        from_ms,
        to_ms: (from_ms + length).min(max_ms),
    });
    prop::collection::vec(window, 0..=most).boxed()
}

/// A `[from, to)` pair within `[0, max_ms]`.
fn span(max_ms: u64) -> impl Gen<Value = (u64, u64)> {
    (int(0, max_ms - 1), int(1, max_ms)).prop_map(move |(from, length)| (from, (from + length).min(max_ms)))
}

/// The retry policies labs configure (the choreography lab's redelivery and
/// orchestrator, a replica client's transfers).
fn policies(max_attempts: u64, max_wait_ms: u64) -> BoxedStrategy<RetryPolicy> {
    (
        int(1, max_attempts),
        waits(),
        int(0, max_wait_ms),
        real(1.0, 10.0),
        int(0, max_wait_ms),
        jitters(),
    )
        .prop_map(
            |(max_attempts, wait, base_ms, multiplier, cap_ms, jitter)| RetryPolicy {
                max_attempts: max_attempts as u32,
                wait,
                base_ms,
                multiplier,
                cap_ms,
                jitter,
            },
        )
        .boxed()
}

/// 0 (no limit) or a limit up to `max`.
fn capacity(max: u64) -> impl Gen<Value = u32> {
    prop_oneof![Just(0u32), int(1, max).prop_map(|c| c as u32)]
}

/// Every latency shape but the normal one (a projector has no standard
/// deviation, and its validator refuses it).
fn shapes_without_sd() -> impl Gen<Value = LatencyShape> {
    shapes().prop_filter("no standard deviation here", |s| *s != LatencyShape::Normal)
}

// ------------------------------------------------------------------ choreography

/// A one-node service as the choreography lab has five (and four optional ones).
fn one_node_services(scale: Scale) -> BoxedStrategy<ServiceConfig> {
    let most = ms(scale, service::limits::MAX_LATENCY_MS, 300);
    let outage_end = ms(scale, service::limits::MAX_OUTAGE_MS, 5_000);
    let outages = move || {
        let outage = (span(outage_end), any::<bool>()).prop_map(|((from_ms, to_ms), whole)| Outage {
            from_ms,
            to_ms,
            node: if whole { None } else { Some(1) },
        });
        prop::collection::vec(outage, 0..=service::limits::MAX_OUTAGES as usize)
    };
    real(0.0, 1.0)
        .prop_flat_map(move |transient| {
            (
                (Just(transient), real(0.0, 1.0 - transient)),
                (int(0, most), shapes(), int(0, most)),
                (real(0.0, 1.0), int(1, most)),
                outages(),
                capacity(service::limits::MAX_CAPACITY),
            )
        })
        .prop_map(|(rates, latency, slow, outages, capacity)| {
            super::service_config(1, rates, latency, slow, outages, capacity)
        })
        .boxed()
}

fn buses(scale: Scale) -> BoxedStrategy<BusConfig> {
    let most = ms(scale, service::limits::MAX_LATENCY_MS, 300);
    (
        (int(0, most), shapes(), int(0, most)),
        (real(0.0, 1.0), real(0.0, 1.0), any::<bool>()),
        windows(
            service::limits::MAX_OUTAGES as usize,
            ms(scale, service::limits::MAX_OUTAGE_MS, 5_000),
        ),
    )
        .prop_map(
            |((latency_ms, latency_shape, sd), (loss_rate, duplicate_rate, keep_order), outages)| BusConfig {
                latency_ms,
                latency_shape,
                latency_sd_ms: if latency_shape == LatencyShape::Normal { sd } else { 0 },
                loss_rate,
                duplicate_rate,
                keep_order,
                outages,
            },
        )
        .boxed()
}

/// Who listens to what: one of the lab's own wirings when it fits the
/// services in the flow, or any rows a service can react to, in any order.
fn wirings(services: &Services) -> BoxedStrategy<Vec<Listen>> {
    let rows: Vec<Listen> = services
        .in_flow()
        .into_iter()
        .flat_map(|service| {
            Topic::every()
                .filter(move |&on| service.reaction(on).is_some())
                .map(move |on| Listen { service, on })
        })
        .collect();
    let most = rows.len().min(choreo::limits::MAX_WIRING as usize);
    let any_rows = prop::sample::subsequence(rows, 0..=most).prop_shuffle();
    let full = ServiceId::EXTRA.into_iter().all(|s| services.get(s).is_some());
    let ours = if full {
        prop_oneof![
            Just(chained_wiring()),
            Just(text_wiring()),
            Just(eight_service_wiring())
        ]
        .boxed()
    } else {
        prop_oneof![Just(chained_wiring()), Just(text_wiring())].boxed()
    };
    prop_oneof![1 => ours, 2 => any_rows].boxed()
}

fn order_workloads(scale: Scale) -> BoxedStrategy<OrderWorkload> {
    let (rate, orders) = match scale {
        Scale::Full => (choreo::limits::MAX_RATE_PER_S, choreo::limits::MAX_ORDERS as u64),
        Scale::Runnable => (10.0, 12),
    };
    let duration = ms(scale, choreo::limits::MAX_DURATION_MS, 1_500);
    prop_oneof![
        Just(OrderWorkload::Single),
        (real(0.0, rate), int(1, duration)).prop_map(|(rate_per_s, duration_ms)| OrderWorkload::Poisson {
            rate_per_s,
            duration_ms
        }),
        (
            int(1, orders),
            int(0, ms(scale, choreo::limits::MAX_DURATION_MS, 3_000))
        )
            .prop_map(|(orders, within_ms)| OrderWorkload::Burst {
                orders: orders as u32,
                within_ms
            }),
    ]
    .boxed()
}

fn modes() -> impl Gen<Value = Mode> {
    prop_oneof![Just(Mode::Choreography), Just(Mode::Orchestration)]
}

/// Any choreography-lab configuration the validator accepts, up to `scale`.
pub fn choreography_configs(scale: Scale) -> BoxedStrategy<ChoreographyConfig> {
    let svc = move || one_node_services(scale);
    let extras = (
        prop::option::of(svc()),
        prop::option::of(svc()),
        prop::option::of(svc()),
        prop::option::of(svc()),
    );
    let services = (svc(), svc(), svc(), svc(), svc(), extras).prop_map(
        |(inventory, payment, delivery, notification, orchestrator, (fraud, loyalty, invoicing, analytics))| Services {
            inventory,
            payment,
            delivery,
            notification,
            orchestrator,
            fraud,
            loyalty,
            invoicing,
            analytics,
        },
    );
    let attempts = ms(scale, choreo::limits::MAX_ATTEMPTS, 4);
    let wait = ms(scale, choreo::limits::MAX_WAIT_MS, 2_000);
    let time = ms(scale, choreo::limits::MAX_DURATION_MS, 3_000);
    services
        .prop_flat_map(move |services| {
            let wiring = wirings(&services);
            (
                (
                    Just(services),
                    wiring,
                    order_workloads(scale),
                    modes(),
                    prop::option::of(modes()),
                ),
                (
                    int(0, ms(scale, choreo::limits::MAX_STOCK, 30)),
                    real(0.0, 1.0),
                    real(0.0, 1.0),
                    int(0, time),
                    int(0, time),
                ),
                (buses(scale), any::<bool>(), policies(attempts, wait)),
                (int(1, wait), prop_oneof![Just(0), int(1, wait)]),
            )
        })
        .prop_map(
            |(
                (services, wiring, workload, mode, compare),
                (stock, reject_rate, cancel_rate, cancel_after_ms, ship_after_ms),
                (bus, idempotent, retry),
                (step_timeout_ms, watcher_ms),
            )| {
                let config = ChoreographyConfig {
                    workload,
                    mode,
                    compare,
                    stock: stock as u32,
                    reject_rate,
                    cancel_rate,
                    cancel_after_ms,
                    ship_after_ms,
                    bus,
                    services,
                    wiring,
                    idempotent,
                    retry,
                    step_timeout_ms,
                    watcher_ms,
                };
                within_bound::<ChoreographyLab>(
                    config,
                    &[
                        |c| match &mut c.workload {
                            OrderWorkload::Single => false,
                            OrderWorkload::Burst { orders, .. } => halve(orders, 1),
                            OrderWorkload::Poisson {
                                duration_ms,
                                rate_per_s,
                            } => halve(duration_ms, 1) || halve(rate_per_s, 0.001),
                        },
                        |c| halve(&mut c.retry.max_attempts, 1),
                    ],
                )
            },
        )
        .boxed()
}

// ------------------------------------------------------------------------- CQRS

/// A script: its steps in time order, each update, cancel or read about an
/// order created before it (or order 1 before any is: the validator allows it).
fn scripts(scale: Scale) -> BoxedStrategy<Vec<Scripted>> {
    let (most, gap, users) = match scale {
        Scale::Full => (cqrs::limits::MAX_STEPS as usize, 20_000, cqrs::limits::MAX_USERS),
        Scale::Runnable => (25, 1_000, 5),
    };
    let statuses = prop_oneof![
        Just(Status::Pending),
        Just(Status::Paid),
        Just(Status::Shipped),
        Just(Status::Delivered),
        Just(Status::Cancelled),
    ];
    let step = (0u8..4, int(0, gap), int(1, users), any::<u32>(), statuses);
    let random = prop::collection::vec(step, 1..=most).prop_map(move |steps| {
        let mut at_ms = 0u64;
        let mut created = 0u32;
        steps
            .into_iter()
            .map(|(kind, gap, user, pick, status)| {
                at_ms = (at_ms + gap).min(cqrs::limits::MAX_DURATION_MS);
                let user = user as u32;
                let order = 1 + pick % created.max(1);
                match kind {
                    0 => {
                        created += 1;
                        Scripted::Create { at_ms, user }
                    }
                    1 => Scripted::Update { at_ms, order, status },
                    2 => Scripted::Cancel { at_ms, order },
                    _ => Scripted::Read { at_ms, user, order },
                }
            })
            .collect()
    });
    prop_oneof![1 => Just(cqrs::text_demo()), 4 => random].boxed()
}

fn cqrs_workloads(scale: Scale) -> BoxedStrategy<CqrsWorkload> {
    let rate = match scale {
        Scale::Full => cqrs::limits::MAX_RATE_PER_S,
        Scale::Runnable => 15.0,
    };
    let poisson = (
        (real(0.0, rate), real(0.0, rate)),
        int(1, ms(scale, cqrs::limits::MAX_DURATION_MS, 3_000)),
        int(1, ms(scale, cqrs::limits::MAX_USERS, 6)),
        real(0.0, 1.0),
    )
        .prop_flat_map(|(rates, duration, users, update)| {
            (Just((rates, duration, users, update)), real(0.0, 1.0 - update))
        })
        .prop_map(
            |(((writes_per_s, reads_per_s), duration_ms, users, update_share), cancel)| {
                // (1 − u) + u may round above 1; the validator wants ≤ 1.
                let cancel_share = if update_share + cancel > 1.0 {
                    (1.0 - update_share - f64::EPSILON).max(0.0)
                } else {
                    cancel
                };
                CqrsWorkload::Poisson {
                    writes_per_s,
                    reads_per_s,
                    duration_ms,
                    users: users as u32,
                    update_share,
                    cancel_share,
                }
            },
        );
    prop_oneof![scripts(scale).prop_map(|steps| CqrsWorkload::Script { steps }), poisson].boxed()
}

fn sync_modes() -> impl Gen<Value = SyncMode> {
    prop_oneof![Just(SyncMode::Inline), Just(SyncMode::Delay), Just(SyncMode::Queue)]
}

/// A projector: inline, after a delay, or a queue (only a queue pauses or crashes).
fn projectors(scale: Scale) -> BoxedStrategy<ProjectorConfig> {
    use engine::patterns::projector::limits as p;
    let delay = ms(scale, p::MAX_DELAY_MS, 2_000);
    let service = ms(scale, p::MAX_SERVICE_MS, 200);
    let end = ms(scale, 3_600_000, 5_000);
    (
        sync_modes(),
        (int(0, delay), int(0, service), shapes_without_sd()),
        (int(1, ms(scale, p::MAX_BATCH, 20)), int(0, delay)),
        (
            windows(service::limits::MAX_OUTAGES as usize, end),
            prop_oneof![Just(0), int(1, end)],
        ),
    )
        .prop_map(
            move |(mode, (delay_ms, service_ms, service_shape), (batch, transport_ms), (pauses, crash_at_ms))| {
                let queue = mode == SyncMode::Queue;
                ProjectorConfig {
                    mode,
                    delay_ms,
                    service_ms,
                    service_shape,
                    batch: batch as u32,
                    transport_ms,
                    pauses: if queue { pauses } else { vec![] },
                    crash_at_ms: if queue { crash_at_ms } else { 0 },
                }
            },
        )
        .boxed()
}

fn cqrs_sides() -> BoxedStrategy<CqrsSide> {
    (
        prop_oneof![Just(Architecture::Cqrs), Just(Architecture::Crud)],
        prop::option::of(sync_modes()),
        prop_oneof![
            Just(Consistency::Eventual),
            Just(Consistency::ReadYourWrites),
            Just(Consistency::Monotonic)
        ],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(architecture, sync, consistency, idempotent_stock, reserve_stock)| CqrsSide {
                architecture,
                sync,
                consistency,
                idempotent_stock,
                reserve_stock,
            },
        )
        .boxed()
}

/// Any CQRS-lab configuration the validator accepts, up to `scale`.
pub fn cqrs_configs(scale: Scale) -> BoxedStrategy<CqrsConfig> {
    let wait = ms(scale, cqrs::limits::MAX_WAIT_MS, 3_000);
    let store_ms = ms(scale, cqrs::limits::MAX_STORE_MS, 200);
    let store = (int(0, store_ms), int(0, store_ms), capacity(cqrs::limits::MAX_CAPACITY)).prop_map(
        |(write_ms, read_ms, capacity)| StoreConfig {
            write_ms,
            read_ms,
            capacity,
        },
    );
    let stock = (
        int(0, ms(scale, cqrs::limits::MAX_UNITS, 30)),
        int(0, wait),
        real(0.0, 1.0),
        int(0, store_ms),
        int(0, wait),
    )
        .prop_map(
            |(units, latency_ms, duplicate_rate, consumer_ms, copy_lag_ms)| StockQueue {
                units: units as u32,
                latency_ms,
                duplicate_rate,
                consumer_ms,
                copy_lag_ms,
            },
        );
    (
        (
            cqrs_workloads(scale),
            cqrs_sides(),
            prop::option::of(cqrs_sides()),
            store,
        ),
        (projectors(scale), prop::option::of(projectors(scale))),
        (
            prop::collection::vec(int(0, wait), 0..=cqrs::limits::MAX_REPLICAS as usize),
            int(1, wait),
            prop_oneof![Just(Fallback::WriteStore), Just(Fallback::Error)],
            prop::option::of(int(0, wait)),
            prop_oneof![Just(0), int(1, ms(scale, cqrs::limits::MAX_WAIT_MS, 500))],
            prop::option::of(stock),
        ),
    )
        .prop_map(
            |(
                (workload, side, compare, store),
                (projector, history),
                (replicas_lag_ms, ryw_timeout_ms, ryw_fallback, read_after_write_ms, poll_ms, stock),
            )| {
                let config = CqrsConfig {
                    workload,
                    side,
                    compare,
                    store,
                    projector,
                    history,
                    replicas_lag_ms,
                    ryw_timeout_ms,
                    ryw_fallback,
                    read_after_write_ms,
                    poll_ms,
                    stock,
                };
                within_bound::<CqrsLab>(
                    config,
                    &[|c| match &mut c.workload {
                        CqrsWorkload::Script { steps } => {
                            let half = steps.len().div_ceil(2);
                            let changed = half < steps.len();
                            steps.truncate(half);
                            changed
                        }
                        CqrsWorkload::Poisson {
                            writes_per_s,
                            reads_per_s,
                            duration_ms,
                            ..
                        } => halve(duration_ms, 1) || (halve(writes_per_s, 0.0) | halve(reads_per_s, 0.0)),
                    }],
                )
            },
        )
        .boxed()
}

// ---------------------------------------------------------------------- replica

fn node_outages(count: u32, most: usize, end: u64) -> BoxedStrategy<Vec<NodeOutage>> {
    let outage = (int(1, count as u64), span(end)).prop_map(|(node, (from_ms, to_ms))| NodeOutage {
        node: node as u32,
        from_ms,
        to_ms,
    });
    prop::collection::vec(outage, 0..=most).boxed()
}

fn rack_outages(racks: u32, most: usize, end: u64) -> BoxedStrategy<Vec<RackOutage>> {
    let outage = (int(1, racks as u64), span(end)).prop_map(|(rack, (from_ms, to_ms))| RackOutage {
        rack: rack as u32,
        from_ms,
        to_ms,
    });
    prop::collection::vec(outage, 0..=most).boxed()
}

/// The storage nodes, for a file of `chunks_per_file` chunks.
fn nodes(scale: Scale, chunks_per_file: u32) -> BoxedStrategy<Nodes> {
    let (most_nodes, most_outages, most_rack_outages) = match scale {
        Scale::Full => (replica::limits::MAX_NODES, 100, 20),
        Scale::Runnable => (10, 4, 2),
    };
    let end = ms(scale, replica::limits::MAX_MS, 8_000);
    let latency = ms(scale, 600_000, 300);
    let rate = match scale {
        Scale::Full => (0.001, 100_000.0),
        Scale::Runnable => (50.0, 2_000.0),
    };
    int(1, most_nodes)
        .prop_flat_map(move |count| (Just(count as u32), int(1, replica::limits::MAX_RACKS.min(count))))
        .prop_flat_map(move |(count, racks)| {
            let racks = racks as u32;
            (
                (Just(count), Just(racks), int(0, latency), shapes(), int(0, latency)),
                (real(rate.0, rate.1), real(0.0, 1.0), real(0.0, 1.0)),
                (
                    node_outages(count, most_outages, end),
                    rack_outages(racks, most_rack_outages, end),
                ),
                (
                    prop::collection::vec(int(1, count as u64).prop_map(|n| n as u32), 0..=count.min(6) as usize),
                    int(0, ms(scale, replica::limits::MAX_MS, 2_000)),
                ),
                prop::collection::vec(int(1, chunks_per_file as u64).prop_map(|c| c as u32), 0..=3),
            )
        })
        .prop_map(
            |(
                (count, racks, latency_ms, latency_shape, sd),
                (mb_per_s, failure_rate, corrupt_rate),
                (outages, rack_outages),
                (slow, slow_ms),
                corrupt_chunks,
            )| Nodes {
                count,
                racks,
                latency_ms,
                latency_shape,
                latency_sd_ms: if latency_shape == LatencyShape::Normal { sd } else { 0 },
                mb_per_s,
                failure_rate,
                outages,
                rack_outages,
                slow,
                slow_ms,
                corrupt_rate,
                corrupt_chunks,
            },
        )
        .boxed()
}

/// The failure detector's settings: an interval, then suspect and dead after longer silences.
fn detectors(scale: Scale) -> BoxedStrategy<DetectorConfig> {
    let (lo, hi) = match scale {
        Scale::Full => (10, 600_000),
        Scale::Runnable => (100, 3_000),
    };
    let most = ms(scale, 3_600_000, 20_000);
    int(lo, hi)
        .prop_flat_map(move |interval_ms| (Just(interval_ms), int(interval_ms + 1, most.max(interval_ms + 2) - 1)))
        .prop_flat_map(move |(interval_ms, suspect_after_ms)| {
            (
                Just(interval_ms),
                Just(suspect_after_ms),
                int(suspect_after_ms + 1, most.max(suspect_after_ms + 1)),
            )
        })
        .prop_map(|(interval_ms, suspect_after_ms, dead_after_ms)| DetectorConfig {
            interval_ms,
            suspect_after_ms,
            dead_after_ms,
        })
        .boxed()
}

fn metadata(scale: Scale, count: u32, racks: u32) -> BoxedStrategy<Metadata> {
    let placements = if racks >= 2 {
        prop_oneof![Just(Placement::Spread), Just(Placement::RackAware)].boxed()
    } else {
        Just(Placement::Spread).boxed()
    };
    let clone_rate = match scale {
        Scale::Full => (0.001, 100_000.0),
        Scale::Runnable => (50.0, 2_000.0),
    };
    (
        (int(1, replica::limits::MAX_REPLICATION.min(count as u64)), placements),
        (
            int(0, ms(scale, 600_000, 200)),
            windows(
                service::limits::MAX_OUTAGES as usize,
                ms(scale, service::limits::MAX_OUTAGE_MS, 5_000),
            ),
        ),
        detectors(scale),
        (any::<bool>(), int(1, 1_000), real(clone_rate.0, clone_rate.1)),
    )
        .prop_map(
            |((replication, placement), (latency_ms, outages), heartbeat, (repair, max_clones, clone_mb_per_s))| {
                Metadata {
                    replication: replication as u32,
                    placement,
                    latency_ms,
                    outages,
                    heartbeat,
                    repair,
                    max_clones: max_clones as u32,
                    clone_mb_per_s,
                }
            },
        )
        .boxed()
}

fn client_sides(scale: Scale) -> BoxedStrategy<ClientSide> {
    let time = ms(scale, replica::limits::MAX_MS, 5_000);
    (
        (
            int(1, ms(scale, replica::limits::MAX_WORKERS, 6)),
            policies(ms(scale, replica::limits::MAX_ATTEMPTS, 4), ms(scale, 600_000, 1_000)),
            int(1, time),
        ),
        (
            prop_oneof![Just(Route::SameNode), Just(Route::NextReplica)],
            any::<bool>(),
            any::<bool>(),
            prop_oneof![Just(Ack::Primary), Just(Ack::AllReplicas)],
            any::<bool>(),
        ),
        (prop_oneof![Just(0), int(1, 100)], int(1, time)),
    )
        .prop_map(
            |(
                (workers, retry, attempt_timeout_ms),
                (route, report_failures, verify_checksum, ack, abort_on_failure),
                (breaker_failures, breaker_open_ms),
            )| ClientSide {
                workers: workers as u32,
                retry,
                attempt_timeout_ms,
                route,
                report_failures,
                verify_checksum,
                ack,
                abort_on_failure,
                breaker_failures: breaker_failures as u32,
                breaker_open_ms,
            },
        )
        .boxed()
}

/// Any replica-lab configuration the validator accepts, up to `scale`.
pub fn replica_configs(scale: Scale) -> BoxedStrategy<ReplicaConfig> {
    let (files, chunks_per_file, chunk_mb) = match scale {
        Scale::Full => (10_000, 100_000, 4_096.0),
        Scale::Runnable => (3, 4, 64.0),
    };
    let workload = (
        prop_oneof![Just(Transfer::Upload), Just(Transfer::Download)],
        int(1, files),
        int(1, chunks_per_file),
        real(0.001, chunk_mb),
        int(0, ms(scale, replica::limits::MAX_MS, 2_000)),
    )
        .prop_map(|(transfer, files, chunks_per_file, chunk_mb, every_ms)| FileWorkload {
            transfer,
            files: files as u32,
            chunks_per_file: chunks_per_file as u32,
            chunk_mb,
            every_ms,
        });
    workload
        .prop_flat_map(move |workload| {
            let cpf = workload.chunks_per_file;
            (Just(workload), nodes(scale, cpf))
        })
        .prop_flat_map(move |(workload, nodes)| {
            let (count, racks) = (nodes.count, nodes.racks);
            (
                (Just(workload), Just(nodes), metadata(scale, count, racks)),
                (client_sides(scale), prop::option::of(client_sides(scale))),
                int(0, ms(scale, replica::limits::MAX_MS, 3_000)),
            )
        })
        .prop_map(|((workload, nodes, metadata), (client, compare), settle_ms)| {
            let config = ReplicaConfig {
                workload,
                nodes,
                metadata,
                client,
                compare,
                settle_ms,
            };
            within_bound::<ReplicaLab>(config, REPLICA_SHRINKS)
        })
        .boxed()
}

/// The ways a replica config's work comes down: fewer chunks, a slower
/// heartbeat, a shorter settle, fewer nodes, quicker tries, faster clones.
const REPLICA_SHRINKS: &[fn(&mut ReplicaConfig) -> bool] = &[
    |c| halve(&mut c.workload.files, 1),
    |c| {
        let changed = halve(&mut c.workload.chunks_per_file, 1);
        let most = c.workload.chunks_per_file;
        c.nodes.corrupt_chunks.retain(|&k| k <= most);
        changed
    },
    |c| {
        let h = &mut c.metadata.heartbeat;
        if h.interval_ms >= 600_000 {
            return false;
        }
        h.interval_ms = (h.interval_ms * 2).min(600_000);
        h.suspect_after_ms = h.suspect_after_ms.max(h.interval_ms + 1);
        h.dead_after_ms = h.dead_after_ms.max(h.suspect_after_ms + 1);
        true
    },
    |c| halve(&mut c.settle_ms, 0),
    |c| halve(&mut c.workload.every_ms, 0),
    |c| {
        let mut changed = false;
        for s in std::iter::once(&mut c.client).chain(c.compare.as_mut()) {
            changed |= halve(&mut s.attempt_timeout_ms, 1);
            changed |= halve(&mut s.retry.cap_ms, 0);
            changed |= halve(&mut s.retry.max_attempts, 1);
        }
        changed
    },
    |c| {
        let n = &mut c.nodes;
        let changed = halve(&mut n.slow_ms, 0);
        let mut latency = n.latency_ms;
        halve(&mut latency, 0);
        n.latency_ms = latency;
        changed
    },
    |c| {
        // Fewer nodes: every reference to a node or a rack kept within them.
        if !halve(&mut c.nodes.count, 1) {
            return false;
        }
        let n = &mut c.nodes;
        n.racks = n.racks.min(n.count);
        let (count, racks) = (n.count, n.racks);
        n.outages.retain(|o| o.node <= count);
        n.rack_outages.retain(|o| o.rack <= racks);
        n.slow.retain(|&s| s <= count);
        let m = &mut c.metadata;
        m.replication = m.replication.min(count);
        if racks < 2 {
            m.placement = Placement::Spread;
        }
        true
    },
    |c| {
        let m = &mut c.metadata;
        if m.clone_mb_per_s >= 100_000.0 {
            return false;
        }
        m.clone_mb_per_s = (m.clone_mb_per_s * 4.0).min(100_000.0);
        true
    },
];

// ----------------------------------------------------------------- availability

/// Crashes at fixed times: each after the one before has restarted.
fn fixed_crashes(scale: Scale) -> BoxedStrategy<Vec<Crash>> {
    let (gap, restart) = match scale {
        Scale::Full => (avail::limits::MAX_MS / 50, avail::limits::MAX_MS / 50),
        Scale::Runnable => (6_000, 4_000),
    };
    let most = ms(scale, avail::limits::MAX_CRASHES, 4) as usize;
    prop::collection::vec((int(0, gap), int(1, restart), any::<bool>()), 0..=most)
        .prop_map(|crashes| {
            let mut at = 0u64;
            crashes
                .into_iter()
                .map(|(gap, restart_ms, hang)| {
                    let at_ms = at + gap;
                    at = at_ms + restart_ms;
                    Crash {
                        at_ms,
                        restart_ms,
                        hang,
                    }
                })
                .take_while(|c| c.at_ms <= avail::limits::MAX_MS)
                .collect()
        })
        .boxed()
}

fn crashes(scale: Scale) -> BoxedStrategy<Crashes> {
    let (mttf, mttr) = match scale {
        Scale::Full => ((1, avail::limits::MAX_MS), (1, avail::limits::MAX_MS)),
        Scale::Runnable => ((300, 20_000), (1, 5_000)),
    };
    prop_oneof![
        fixed_crashes(scale).prop_map(|crashes| Crashes::Fixed { crashes }),
        (int(mttf.0, mttf.1), int(mttr.0, mttr.1)).prop_map(|(mttf_ms, mttr_ms)| Crashes::Random { mttf_ms, mttr_ms }),
    ]
    .boxed()
}

fn services_of_availability(scale: Scale) -> BoxedStrategy<avail::Service> {
    let most = ms(scale, 600_000, 400);
    (
        (int(0, most), shapes(), int(0, most)),
        capacity(ms(scale, 100_000, 8)),
        crashes(scale),
        int(0, ms(scale, 600_000, 3_000)),
    )
        .prop_map(
            |((latency_ms, latency_shape, sd), capacity, crashes, hang_ms)| avail::Service {
                latency_ms,
                latency_shape,
                latency_sd_ms: if latency_shape == LatencyShape::Normal { sd } else { 0 },
                capacity,
                crashes,
                hang_ms,
            },
        )
        .boxed()
}

fn tactics(scale: Scale) -> BoxedStrategy<Tactics> {
    let wait = ms(scale, 600_000, 3_000);
    let shortest = match scale {
        Scale::Full => 10,
        Scale::Runnable => 50,
    };
    (
        (
            prop_oneof![Just(DetectorKind::PingEcho), Just(DetectorKind::PhiAccrual)],
            int(shortest, wait),
            int(1, wait),
            int(1, ms(scale, 100, 5)),
        ),
        (
            int(2, ms(scale, 10_000, 50)),
            int(1, wait),
            int(0, wait),
            real(0.1, 100.0),
        ),
        (
            prop_oneof![Just(Redundancy::None), Just(Redundancy::Cold), Just(Redundancy::Warm)],
            int(0, ms(scale, 3_600_000, 5_000)),
            any::<bool>(),
            real(0.001, 1_000_000.0),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (detector, interval_ms, timeout_ms, k),
                (phi_window, phi_min_sd_ms, phi_pause_ms, phi_threshold),
                (redundancy, spin_up_ms, resync, resync_per_s, fencing),
            )| Tactics {
                detector,
                interval_ms,
                timeout_ms,
                k: k as u32,
                phi_window: phi_window as u32,
                phi_min_sd_ms,
                phi_pause_ms,
                phi_threshold,
                redundancy,
                spin_up_ms,
                resync,
                resync_per_s,
                fencing,
            },
        )
        .boxed()
}

/// Any availability-lab configuration the validator accepts, up to `scale`.
pub fn availability_configs(scale: Scale) -> BoxedStrategy<AvailabilityConfig> {
    let rate = match scale {
        Scale::Full => avail::limits::MAX_RATE,
        Scale::Runnable => 15.0,
    };
    let duration = ms(scale, avail::limits::MAX_MS, 12_000);
    let load = (real(0.0, rate), int(0, duration), int(1, duration), real(0.0, 1.0)).prop_map(
        |(requests_per_s, ramp_up_ms, duration_ms, command_share)| Load {
            requests_per_s,
            ramp_up_ms,
            duration_ms,
            command_share,
        },
    );
    let network = (
        int(0, ms(scale, 60_000, 100)),
        int(0, ms(scale, 60_000, 100)),
        real(0.0, 1.0),
    )
        .prop_map(|(latency_ms, jitter_ms, loss_rate)| Network {
            latency_ms,
            jitter_ms,
            loss_rate,
        });
    let timeout = ms(scale, 600_000, 3_000);
    (
        (load, int(1, timeout), int(1, timeout)),
        (services_of_availability(scale), services_of_availability(scale)),
        (projectors(scale), network),
        (tactics(scale), prop::option::of(tactics(scale)), real(0.0, 0.999_999)),
    )
        .prop_map(
            |(
                (load, command_timeout_ms, query_timeout_ms),
                (registration, queries),
                (projector, network),
                (tactics, compare, slo),
            )| {
                let config = AvailabilityConfig {
                    load,
                    command_timeout_ms,
                    query_timeout_ms,
                    registration,
                    queries,
                    projector,
                    network,
                    tactics,
                    compare,
                    slo,
                };
                within_bound::<AvailabilityLab>(config, AVAILABILITY_SHRINKS)
            },
        )
        .boxed()
}

/// The ways an availability config's work comes down: a shorter or lighter
/// load, a slower monitor, rarer random crashes.
const AVAILABILITY_SHRINKS: &[fn(&mut AvailabilityConfig) -> bool] = &[
    |c| halve(&mut c.load.duration_ms, 1),
    |c| halve(&mut c.load.requests_per_s, 0.0),
    |c| {
        let mut changed = false;
        for t in std::iter::once(&mut c.tactics).chain(c.compare.as_mut()) {
            if t.interval_ms < 600_000 {
                t.interval_ms = (t.interval_ms * 2).min(600_000);
                changed = true;
            }
        }
        changed
    },
    |c| {
        let mut changed = false;
        for s in [&mut c.registration, &mut c.queries] {
            if let Crashes::Random { mttf_ms, .. } = &mut s.crashes {
                if *mttf_ms < avail::limits::MAX_MS {
                    *mttf_ms = (*mttf_ms * 2).min(avail::limits::MAX_MS);
                    changed = true;
                }
            }
        }
        changed
    },
];

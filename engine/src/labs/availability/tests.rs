//! The availability lab against theory and its promises: detection time
//! within ping-echo's bounds; time-based availability at MTTF ÷ (MTTF +
//! MTTR) over many random crashes; with fencing no write lost or diverged;
//! a resynced primary never serves without the backup's writes.

use super::config::*;
use super::model::AvailabilityModel;
use super::record::AvailabilityRecord;
use super::AvailabilityRun;
use crate::sim::Simulation;
use crate::time::{SimDuration, SimTime};
use crate::validate::WorkLimits;
use proptest::prelude::*;

fn run_side(config: &AvailabilityConfig, tactics: Tactics, seed: u64) -> Simulation<AvailabilityModel> {
    config.validate_within(WorkLimits::CLI).unwrap();
    let mut sim = Simulation::with_trace_capacity(AvailabilityModel::new(config.clone(), tactics, seed), 500_000);
    sim.run_to_end(u64::MAX);
    sim
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// With no loss and a timeout shorter than the interval, a crash is
    /// declared within [(k − 1)·interval + timeout − rtt, k·interval + timeout].
    #[test]
    fn detection_stays_within_ping_echos_bounds(
        at in 5_000u64..50_000,
        k in 1u32..5,
        interval in 200u64..2_000,
        timeout_share in 0.1f64..0.9,
        seed in any::<u64>(),
    ) {
        let timeout = ((interval as f64 * timeout_share) as u64).max(10);
        let mut c = AvailabilityConfig::default();
        c.load.requests_per_s = 0.0;
        c.load.duration_ms = at + 60_000;
        c.registration.crashes = Crashes::Fixed { crashes: vec![Crash { at_ms: at, restart_ms: 1_000_000, hang: false }] };
        c.network = Network { latency_ms: 2, jitter_ms: 1, loss_rate: 0.0 };
        let t = Tactics { interval_ms: interval, timeout_ms: timeout, k, ..Tactics::default() };
        let sim = run_side(&c, t, seed);
        let m = sim.model().metrics(sim.now());
        let d = m.detection_ms.unwrap();
        let rtt = 6.0;
        let (lo, hi) = ((k - 1) as f64 * interval as f64 + timeout as f64 - rtt, k as f64 * interval as f64 + timeout as f64);
        prop_assert!(d >= lo - 0.1 && d <= hi + 0.1, "detection {} not in [{}, {}]", d, lo, hi);
        prop_assert_eq!(m.false_suspicions, 0);
    }
}

/// Over thousands of random crashes without load, the time-based
/// availability is MTTF ÷ (MTTF + MTTR): with no redundancy MTTR is the
/// restart; with a warm backup it is the detection time.
#[test]
fn availability_matches_mttf_over_mttf_plus_mttr() {
    let mut c = AvailabilityConfig::default();
    c.load.requests_per_s = 0.0;
    c.load.duration_ms = 31 * 24 * 3_600_000;
    let (mttf, mttr) = (200_000.0, 20_000.0);
    c.registration.crashes = Crashes::Random {
        mttf_ms: mttf as u64,
        mttr_ms: mttr as u64,
    };
    let t = Tactics {
        interval_ms: 10_000,
        timeout_ms: 5_000,
        k: 1,
        redundancy: Redundancy::None,
        ..Tactics::default()
    };
    let sim = run_side(&c, t.clone(), 11);
    let crashes = sim.model().primary_down.len();
    assert!(crashes >= 10_000, "{crashes} crashes");
    let m = sim.model().metrics(sim.now());
    let want = 1.0 - mttf / (mttf + mttr);
    let got = 1.0 - m.uptime_ratio;
    assert!((got - want).abs() < want * 0.03, "unavailability {got} vs {want}");
    // A warm backup: down only until the crash is detected, or until the
    // primary is back if that comes first: E[min(D, R)] with D uniform over
    // [timeout, interval + timeout] (k = 1) and R exponential.
    let sim = run_side(
        &c,
        Tactics {
            redundancy: Redundancy::Warm,
            ..t.clone()
        },
        11,
    );
    let m = sim.model().metrics(sim.now());
    let outage = super::page::mean_outage(&t, Redundancy::Warm, mttr);
    // The cycle is still MTTF + MTTR long; only part of the restart is down.
    let want = outage / (mttf + mttr);
    let got = 1.0 - m.uptime_ratio;
    assert!(
        (got - want).abs() < want * 0.05,
        "unavailability with a backup {got} vs {want}"
    );
}

/// With fencing, no write is lost or diverged — whatever crashes, hangs or
/// false suspicions happen; without it, a hung primary diverges.
#[test]
fn fencing_keeps_every_write() {
    let split = super::presets::all()
        .into_iter()
        .find(|p| p.id == "split_brain")
        .unwrap();
    let mut run = AvailabilityRun::new(&split.config, split.seed).unwrap();
    run.run_to_end(u64::MAX);
    let (a, b) = (
        run.sides[0].model().metrics(run.now()),
        run.sides[1].model().metrics(run.now()),
    );
    assert!(a.writes_diverged > 0);
    assert_eq!((b.writes_diverged, b.writes_lost), (0, 0));
    // What B's fence refused is counted, as A's diverged writes are: the
    // same late writes, the other fate (B's card showed only zeros).
    assert_eq!(a.writes_fenced, 0);
    assert_eq!(b.writes_fenced, a.writes_diverged);
    for seed in 0..20 {
        let mut c = AvailabilityConfig::default();
        c.load.command_share = 0.7;
        c.registration.crashes = Crashes::Fixed {
            crashes: vec![
                Crash {
                    at_ms: 10_000 + seed * 500,
                    restart_ms: 15_000,
                    hang: seed % 2 == 0,
                },
                Crash {
                    at_ms: 60_000,
                    restart_ms: 20_000,
                    hang: seed % 3 == 0,
                },
            ],
        };
        c.network = Network {
            latency_ms: 50,
            jitter_ms: 100,
            loss_rate: 0.05,
        };
        let t = Tactics {
            fencing: true,
            resync: true,
            redundancy: Redundancy::Warm,
            timeout_ms: 300,
            k: 2,
            ..Tactics::default()
        };
        let sim = run_side(&c, t, seed);
        let m = sim.model().metrics(sim.now());
        assert_eq!((m.writes_diverged, m.writes_lost), (0, 0), "seed {seed}");
    }
}

/// A primary that resyncs serves again only after the copy is done (never
/// without the backup's writes); one that rejoins at once misses them.
#[test]
fn a_resynced_primary_never_serves_stale_state() {
    let run = finished("rejoin");
    let a = run.sides[0].model().metrics(run.now());
    let b = run.sides[1].model().metrics(run.now());
    assert_eq!(a.writes_lost, 0);
    assert!(a.resync_ms > 0.0);
    assert!(b.writes_lost > 100);
    // In A's log the primary is back before it serves, with the resync between.
    let records: Vec<AvailabilityRecord> = run.sides[0].trace().entries().map(|e| e.record).collect();
    let back = records
        .iter()
        .position(|r| *r == AvailabilityRecord::PrimaryBack)
        .unwrap();
    let failback = records
        .iter()
        .position(|r| *r == AvailabilityRecord::FailedBack)
        .unwrap();
    assert!(back < failback);
}

/// The text's experiment: the primary crashes under load; queries never notice.
#[test]
fn the_text_experiment_fails_over_and_queries_never_notice() {
    let p = super::presets::all()
        .into_iter()
        .find(|p| p.id == "experiment")
        .unwrap();
    let sim = run_side(&p.config, p.config.tactics.clone(), p.seed);
    let m = sim.model().metrics(sim.now());
    assert_eq!(m.query_availability, Some(1.0));
    assert_eq!(m.failovers, 1);
    assert!(m.command_availability.unwrap() < 1.0 && m.command_availability.unwrap() > 0.9);
    // Down from the crash to the backup serving: detection + the cold start.
    let t = &p.config.tactics;
    assert!((m.downtime_ms - (m.detection_ms.unwrap() + t.spin_up_ms as f64)).abs() < 1.0);
    let none = super::presets::all()
        .into_iter()
        .find(|p| p.id == "no_redundancy")
        .unwrap();
    let sim = run_side(&none.config, none.config.tactics.clone(), none.seed);
    assert_eq!(sim.model().metrics(sim.now()).downtime_ms, 40_000.0);
}

/// What the shared page reads agrees with the run, for every preset.
#[test]
fn the_page_reads_the_run_consistently() {
    use crate::labs::sides::checks::{page_reads_every_preset, PageCheck};
    page_reads_every_preset::<super::AvailabilityModel>(
        super::presets::all(),
        PageCheck {
            step_ms: 3_000_000,
            step_events: 9_973,
            units: &|sim| sim.model().metrics(sim.now()).requests,
            all_decided: false,
            // The errors by code are rows of one metric (`errors`).
            derived_row: &|key| key.starts_with("errors_"),
            raw_keys: &["log.availability", "availability.backend"],
            side: &|_, _, _| {},
        },
    );
}

/// Every bad value names its field.
#[test]
fn bad_configs_name_their_field() {
    type Break = Box<dyn Fn(&mut AvailabilityConfig)>;
    let cases: Vec<(&str, Break)> = vec![
        ("load.command_share", Box::new(|c| c.load.command_share = 1.5)),
        // A spread only the normal shape has (it was silently unused).
        ("queries.latency_sd_ms", Box::new(|c| c.queries.latency_sd_ms = 10)),
        ("tactics.k", Box::new(|c| c.tactics.k = 0)),
        (
            "compare.interval_ms",
            Box::new(|c| {
                c.compare = Some(Tactics {
                    interval_ms: 1,
                    ..Tactics::default()
                })
            }),
        ),
        ("network.loss_rate", Box::new(|c| c.network.loss_rate = -0.1)),
        (
            "registration.crashes.crashes[1].at_ms",
            Box::new(|c| {
                c.registration.crashes = Crashes::Fixed {
                    crashes: vec![
                        Crash {
                            at_ms: 1_000,
                            restart_ms: 5_000,
                            hang: false,
                        },
                        Crash {
                            at_ms: 2_000,
                            restart_ms: 5_000,
                            hang: false,
                        },
                    ],
                }
            }),
        ),
        ("queries.capacity", Box::new(|c| c.queries.capacity = 100_001)),
        (
            "projector.pauses[1].to_ms",
            Box::new(|c| {
                c.projector.mode = crate::patterns::projector::SyncMode::Queue;
                c.projector.pauses = vec![
                    crate::patterns::bus::Window {
                        from_ms: 1_000,
                        to_ms: 2_000,
                    },
                    crate::patterns::bus::Window {
                        from_ms: 5_000,
                        to_ms: u64::MAX / 4,
                    },
                ];
            }),
        ),
        (
            "tactics.interval_ms",
            Box::new(|c| {
                c.load.requests_per_s = 10_000.0;
                c.load.duration_ms = 3_600_000;
            }),
        ),
    ];
    for (field, f) in cases {
        let mut c = AvailabilityConfig::default();
        f(&mut c);
        let errs = c.validate_within(WorkLimits::LINK).unwrap_err();
        assert!(errs.iter().any(|e| e.field == field), "{field}: {errs:?}");
    }
}

/// Workers: at most `capacity` at once, first come first served; a crash
/// (a new crash window begun) empties the queue; 0 is no limit.
#[test]
fn workers_serve_at_most_capacity_at_once() {
    use super::model::Workers;
    let mut w = Workers::default();
    // Two workers, each request 100 µs: the third waits for the first.
    assert_eq!(w.wait(2, 0, 0, 100), 0);
    assert_eq!(w.wait(2, 0, 10, 100), 0);
    assert_eq!(w.wait(2, 0, 20, 100), 80);
    assert_eq!(w.busy(50), 2);
    // A request arriving now would wait for the first worker free (at 110).
    assert_eq!(w.queue_wait(2, 50), 60);
    // The fourth waits for the second (free at 110).
    assert_eq!(w.wait(2, 0, 30, 100), 80);
    // Worker time served by 150: 100 + 100 + 50 + 40 (the queued turns from 100 and 110).
    assert_eq!(w.busy_us(150), 290);
    // After the backlog drains, no wait.
    assert_eq!(w.wait(2, 0, 1_000, 100), 0);
    // A crash began: the queue is gone.
    let mut w = Workers::default();
    for _ in 0..5 {
        w.wait(1, 0, 0, 1_000);
    }
    assert_eq!(w.wait(1, 0, 10, 1_000), 4_990);
    assert_eq!(w.queue_wait(1, 10), 5_990);
    assert_eq!(w.wait(1, 1, 20, 1_000), 0);
    // The emptied queue's turns were never served: 20 µs of the first, then the new one's.
    assert_eq!(w.busy_us(1_020), 1_020);
    // No limit: never a wait.
    assert_eq!(Workers::default().wait(0, 0, 0, 5), 0);
}

/// The normal shape spreads the service's time by its standard deviation
/// (the lab offered "Normal (mean ± sd)" with no sd, and ran it fixed):
/// without one the answers are level, with 30 ms the 95th percentile sits
/// about 1.645 sd above the median.
#[test]
fn the_normal_shape_spreads_by_its_standard_deviation() {
    use crate::patterns::service::LatencyShape;
    let mut c = AvailabilityConfig::default();
    c.registration.crashes = Crashes::default();
    c.load.requests_per_s = 200.0;
    c.load.duration_ms = 60_000;
    c.network.jitter_ms = 0;
    c.network.loss_rate = 0.0;
    for s in [&mut c.registration, &mut c.queries] {
        s.latency_ms = 100;
        s.latency_shape = LatencyShape::Normal;
    }
    let spread = |c: &AvailabilityConfig| {
        let sim = run_side(c, c.tactics.clone(), 5);
        let m = sim.model().metrics(sim.now());
        (m.p50_ms.unwrap(), m.p95_ms.unwrap() - m.p50_ms.unwrap())
    };
    let (median, level) = spread(&c);
    assert!(level < 3.0, "no spread without an sd: {level}");
    for s in [&mut c.registration, &mut c.queries] {
        s.latency_sd_ms = 30;
    }
    let (median_sd, wide) = spread(&c);
    assert!((median_sd - median).abs() < 5.0, "{median} → {median_sd}");
    assert!((40.0..60.0).contains(&wide), "1.645 × 30 ms ≈ 49 ms: {wide}");
}

/// A service slower than its load needs: with few workers a queue builds
/// and the gateway answers 504; without a limit everything is answered.
#[test]
fn a_small_capacity_queues_and_times_out() {
    let mut c = AvailabilityConfig::default();
    c.registration.crashes = Crashes::default();
    c.load.requests_per_s = 40.0;
    c.load.duration_ms = 60_000;
    c.queries.latency_ms = 100;
    c.queries.latency_shape = crate::patterns::service::LatencyShape::Fixed;
    let unlimited = run_side(&c, c.tactics.clone(), 3);
    let unlimited = unlimited.model().metrics(unlimited.now());
    assert_eq!(unlimited.query_availability, Some(1.0));
    assert_eq!(unlimited.errors.e504, 0);
    // 28 queries/s × 0.1 s = 2.8 busy on average: 2 workers fall behind.
    c.queries.capacity = 2;
    let two = run_side(&c, c.tactics.clone(), 3);
    let m = two.model().metrics(two.now());
    assert!(m.query_availability.unwrap() < 0.7, "{m:?}");
    assert!(m.errors.e504 > 100, "{m:?}");
    assert!(m.p95_ms.unwrap() >= c.query_timeout_ms as f64 - 1.0, "{m:?}");
    // Commands (unlimited) are untouched.
    assert_eq!(m.command_availability, unlimited.command_availability);
    // 4 workers keep up: a short wait now and then, no timeouts.
    c.queries.capacity = 4;
    let four = run_side(&c, c.tactics.clone(), 3);
    let m = four.model().metrics(four.now());
    assert_eq!(m.errors.e504, 0, "{m:?}");
    assert!(m.p95_ms.unwrap() >= 100.0, "{m:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// Under the same seed, fewer workers never raise availability (per
    /// operation class): each request waits at least as long.
    #[test]
    fn lowering_capacity_never_raises_availability(
        rate in 5.0f64..120.0,
        latency in 10u64..400,
        timeout in 50u64..3_000,
        high in 0u32..8,
        lower_by in 1u32..8,
        crash_at in 5_000u64..25_000,
        hang in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let mut c = AvailabilityConfig::default();
        c.load.requests_per_s = rate;
        c.load.duration_ms = 30_000;
        c.command_timeout_ms = timeout;
        c.query_timeout_ms = timeout;
        c.registration.latency_ms = latency;
        c.queries.latency_ms = latency;
        c.registration.crashes = Crashes::Fixed { crashes: vec![Crash { at_ms: crash_at, restart_ms: 4_000, hang }] };
        c.queries.crashes = Crashes::Fixed { crashes: vec![Crash { at_ms: crash_at + 2_000, restart_ms: 3_000, hang: false }] };
        // `high` 0 is no limit, above any number.
        let low = if high == 0 { lower_by } else { high.saturating_sub(lower_by).max(1) };
        prop_assume!(high == 0 || low < high);
        let run = |cap: u32| {
            let mut c = c.clone();
            c.registration.capacity = cap;
            c.queries.capacity = cap;
            let sim = run_side(&c, Tactics { redundancy: Redundancy::Warm, ..Tactics::default() }, seed);
            sim.model().metrics(sim.now())
        };
        let (h, l) = (run(high), run(low));
        prop_assert_eq!(h.requests, l.requests);
        prop_assert!(l.command_availability <= h.command_availability, "commands {:?} > {:?}", l.command_availability, h.command_availability);
        prop_assert!(l.query_availability <= h.query_availability, "queries {:?} > {:?}", l.query_availability, h.query_availability);
    }
}

/// The queries service's copy follows the projector as configured, the
/// CQRS lab's shared piece: a delay is the lag; a queue's pause holds
/// registrations back (queries answered meanwhile are stale) and it
/// catches up after; a crash rebuilds the copy from registration 1 while
/// the old one serves, frozen; inline sync makes the command slower.
#[test]
fn the_queries_copy_follows_the_projector() {
    use crate::patterns::bus::Window;
    use crate::patterns::projector::SyncMode;
    let mut base = AvailabilityConfig::default();
    base.registration.crashes = Crashes::default();
    base.load.duration_ms = 60_000;
    let run = |c: &AvailabilityConfig| {
        let sim = run_side(c, c.tactics.clone(), 7);
        let m = sim.model().metrics(sim.now());
        let p = sim.model().projector();
        (
            m,
            p.backlog(),
            p.applied_up_to(),
            sim.model().committed(),
            p.catch_up.count(),
            p.rebuilds,
        )
    };

    // Delay: every registration reaches the copy exactly `delay_ms` later.
    let (m, backlog, up_to, committed, _, _) = run(&base);
    assert_eq!(m.projector_lag_p95_ms, Some(500.0));
    assert!(committed > 100, "{committed} registrations");
    assert_eq!((backlog, up_to), (0, committed), "everything applied by the end");
    let delay_stale = m.stale_queries;
    assert!(delay_stale > 0, "some queries land within 500 ms of a registration");
    base.projector.delay_ms = 0;
    assert_eq!(run(&base).0.stale_queries, 0, "no delay: never stale");
    assert_eq!(run(&base).0.projector_lag_p95_ms, Some(0.0));

    // Queue with a 20 s pause: registrations pile up, queries are stale,
    // it catches up after the pause (the backlog is empty at the end).
    let mut q = base.clone();
    q.projector.mode = SyncMode::Queue;
    q.projector.service_ms = 5;
    let (calm, ..) = run(&q);
    q.projector.pauses = vec![Window {
        from_ms: 20_000,
        to_ms: 40_000,
    }];
    let (m, backlog, up_to, committed, catch_ups, _) = run(&q);
    assert!(
        m.stale_queries > calm.stale_queries + 100,
        "{} vs {}",
        m.stale_queries,
        calm.stale_queries
    );
    assert!(
        m.projector_lag_p95_ms.unwrap() > 10_000.0,
        "{:?}",
        m.projector_lag_p95_ms
    );
    assert_eq!((backlog, up_to), (0, committed));
    assert_eq!(catch_ups, 1);
    // Queries still answer during the pause: the copy is old, not gone.
    assert_eq!(m.query_availability, Some(1.0));

    // A crash at 30 s rebuilds the copy from registration 1.
    let mut r = base.clone();
    r.projector.mode = SyncMode::Queue;
    r.projector.service_ms = 20;
    r.projector.crash_at_ms = 30_000;
    let (m, backlog, up_to, committed, _, rebuilds) = run(&r);
    assert_eq!(rebuilds, 1);
    assert_eq!((backlog, up_to), (0, committed));
    let mut no_crash = r.clone();
    no_crash.projector.crash_at_ms = 0;
    assert!(m.stale_queries > run(&no_crash).0.stale_queries);

    // Inline: the command writes the copy itself, `delay_ms` slower.
    let mut i = base.clone();
    i.load.command_share = 1.0;
    i.projector.mode = SyncMode::Inline;
    let fast = run(&i).0.p50_ms.unwrap();
    i.projector.delay_ms = 300;
    let (m, backlog, up_to, committed, _, _) = run(&i);
    // At least the delay (a little more: workers held longer queue a few).
    let slower = m.p50_ms.unwrap() - fast;
    assert!((299.0..320.0).contains(&slower), "{:?} vs {fast}", m.p50_ms);
    assert_eq!((backlog, up_to), (0, committed));
}

/// Theory bounds the detection time rather than fixing it (a crash lands
/// anywhere in a ping interval), so the table's prediction is the span, and a
/// measurement at its low end is inside it, not a miss.
#[test]
fn the_detection_theory_is_the_ping_echo_span_and_the_measurement_is_in_it() {
    use crate::labs::run::{LabRun, MetricValue};
    let (mut spans, mut inside) = (0, 0);
    for p in super::presets::all() {
        let mut run = AvailabilityRun::new(&p.config, p.seed).unwrap();
        run.run_to_end(u64::MAX);
        for side in 0..run.side_count() {
            let rows = run.metric_rows(side);
            let row = rows.iter().find(|r| r.key == "detection_ms").unwrap();
            let (Some(th), MetricValue::Ms(d)) = (&row.theory, row.value) else {
                continue;
            };
            let MetricValue::MsRange(lo, hi) = th.value else {
                panic!("{}: detection theory is a span: {:?}", p.id, th.value)
            };
            assert!(lo < hi, "{}: {lo} {hi}", p.id);
            spans += 1;
            if th.caveat_key.is_none() {
                inside += 1;
                // The measured detection (the longest) is within the span, less
                // the network's round trip at the low end.
                let rtt = 2.0 * (p.config.network.latency_ms + p.config.network.jitter_ms) as f64;
                assert!(
                    d >= lo - rtt - 0.1 && d <= hi + 0.1,
                    "{}: {d} not in [{lo}, {hi}]",
                    p.id
                );
            }
        }
    }
    assert!(
        spans >= 2 && inside >= 1,
        "presets checked: {spans} spans, {inside} measured inside"
    );
}

/// The scrubber's crash marks: random crashes only once they have happened
/// (a mark never tells the student when the next one comes), crashes the
/// config schedules from the start, as the retry lab's outages.
#[test]
fn random_crashes_are_marked_only_up_to_now_scheduled_ones_ahead() {
    use crate::labs::run::LabRun;
    use crate::time::SimTime;
    let p = super::presets::all().into_iter().find(|p| p.id == "month").unwrap();
    assert!(matches!(p.config.registration.crashes, Crashes::Random { .. }));
    let mut run = AvailabilityRun::new(&p.config, p.seed).unwrap();
    let day = 24.0 * 3_600_000.0;
    run.run_until(SimTime::from_ms(5 * 24 * 3_600_000), u64::MAX);
    let marks = run.marks();
    assert!(!marks.is_empty(), "crashes in five days");
    for m in &marks {
        assert!(m.at_ms <= 5.0 * day && m.until_ms.unwrap() <= 5.0 * day, "{m:?}");
    }
    run.run_to_end(u64::MAX);
    assert!(run.marks().len() > marks.len(), "more crashes in the month");

    let p = super::presets::all()
        .into_iter()
        .find(|p| p.id == "experiment")
        .unwrap();
    let run = AvailabilityRun::new(&p.config, p.seed).unwrap();
    let ahead = run.marks();
    assert!(
        !ahead.is_empty() && ahead.iter().all(|m| m.at_ms > 0.0),
        "the scheduled crash, before it happens: {ahead:?}"
    );
}

/// The scrubber names a crash mark as the primary's stretch (crashed, or
/// hung in the split-brain preset), never "service down": with a backup the
/// service is back long before the primary is.
#[test]
fn crash_marks_are_named_after_the_primary() {
    use crate::labs::run::LabRun;
    for (id, key) in [
        ("experiment", "availability.mark.crashed"),
        ("split_brain", "availability.mark.hung"),
    ] {
        let p = super::presets::all().into_iter().find(|p| p.id == id).unwrap();
        let run = AvailabilityRun::new(&p.config, p.seed).unwrap();
        let marks = run.marks();
        assert!(!marks.is_empty(), "{id}");
        for m in &marks {
            assert_eq!(run.outage_key(m), key, "{id}");
        }
        let _ = crate::i18n::tf(crate::i18n::Lang::Es, key, &[("from", &"1 s"), ("to", &"2 s")]);
    }
}

/// The detector presets teach the trade the right way round: the jumpy side
/// (A) raises false alarms, and each one costs the text's cold start, so its
/// availability ends below the calmer side's even though it detects the real
/// crash sooner. (With a free takeover the headline favoured A.)
#[test]
fn false_alarms_cost_availability_in_the_detector_presets() {
    for id in ["aggressive_timeout", "phi_accrual"] {
        let p = super::presets::all().into_iter().find(|p| p.id == id).unwrap();
        let b_tactics = p.config.compare.clone().unwrap();
        assert_eq!(p.config.tactics.redundancy, Redundancy::Cold, "{id}");
        assert_eq!(b_tactics.redundancy, Redundancy::Cold, "{id}");
        let a = run_side(&p.config, p.config.tactics.clone(), p.seed);
        let b = run_side(&p.config, b_tactics, p.seed);
        let (a, b) = (a.model().metrics(a.now()), b.model().metrics(b.now()));
        assert!(a.false_suspicions > b.false_suspicions, "{id}: {a:?} {b:?}");
        assert!(
            a.command_availability.unwrap() + 0.05 < b.command_availability.unwrap(),
            "{id}: A {:?} vs B {:?}",
            a.command_availability,
            b.command_availability
        );
        assert!(a.downtime_ms > b.downtime_ms, "{id}");
    }
}

/// A month at a light load: the per-second chart looked the same on both
/// sides; the verdict is now each side's downtime so far against what the
/// 99.9 % target allows, and the lesson reads off it (A, no backup, ends far
/// over; B, a warm backup, well under). The sweep agrees with the downtime
/// clock at every point, mid-run too.
#[test]
fn a_long_run_verdict_is_downtime_against_the_targets_allowance() {
    use crate::labs::run::LabRun;
    let p = super::presets::all().into_iter().find(|p| p.id == "month").unwrap();
    let mut run = AvailabilityRun::new(&p.config, p.seed).unwrap();
    run.run_until(crate::time::SimTime::from_ms(10 * 24 * 3_600_000), u64::MAX);
    for side in 0..2 {
        let sim = &run.sides[side];
        let v = run.verdict(side);
        assert_eq!(v.title_key, "availability.verdict.budget_title");
        let (allowed, down) = (&v.lines[0].points, &v.lines[1].points);
        assert_eq!(allowed.len(), down.len());
        let last = *down.last().unwrap();
        assert_eq!(last.0, sim.now().as_micros() as f64 / 1000.0, "the last point is now");
        let clock = sim.model().downtime_us(sim.now()) as f64 / 60e6;
        assert!((last.1 - clock).abs() < 1e-9, "{} vs {clock}", last.1);
        assert!(
            down.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1 + 1e-12),
            "rising in time"
        );
    }
    run.run_to_end(u64::MAX);
    let ends: Vec<(f64, f64, f64)> = (0..2)
        .map(|side| {
            let v = run.verdict(side);
            let m = run.sides[side].model().metrics(run.sides[side].now());
            let (allowed, down) = (v.lines[0].points.last().unwrap().1, v.lines[1].points.last().unwrap().1);
            assert!((allowed - 43.2).abs() < 0.1, "30 days at 99.9 %: {allowed} min");
            assert!((down * 60_000.0 - m.downtime_ms).abs() < 1.0);
            (allowed, down, m.downtime_budget_used.unwrap())
        })
        .collect();
    let (a, b) = (ends[0], ends[1]);
    assert!(a.1 > a.0 && a.2 > 1.0, "A (no backup) blows the allowance: {a:?}");
    assert!(b.1 < b.0 && b.2 < 1.0, "B (warm backup) stays within it: {b:?}");
    assert!((a.2 - a.1 / a.0).abs() < 0.01, "the metric is the chart's ratio: {a:?}");
    // A short run keeps the per-second chart.
    let p = super::presets::all()
        .into_iter()
        .find(|p| p.id == "experiment")
        .unwrap();
    let run = AvailabilityRun::new(&p.config, p.seed).unwrap();
    assert_eq!(run.verdict(0).title_key, "availability.verdict.title");
}

/// Resync and fencing presets serve alike on both sides (their per-second
/// charts looked the same: 97.9 % and 97.9 %). Their mini-chart is where the
/// registrations end up, as running totals that end at the key figures:
/// rejoin — only on the backup, then copied back (A) or lost (B); split
/// brain — the hung primary's late writes kept (A, diverged) or fenced (B).
#[test]
fn resync_and_fencing_charts_show_where_registrations_end_up() {
    use crate::labs::run::LabRun;
    let last = |v: &crate::labs::run::Verdict, key: &str| {
        let line = v.lines.iter().find(|l| l.label_key == key).expect(key);
        line.points.last().unwrap().1
    };
    let peak = |v: &crate::labs::run::Verdict, key: &str| {
        let line = v.lines.iter().find(|l| l.label_key == key).expect(key);
        line.points.iter().map(|p| p.1).fold(0.0, f64::max)
    };
    let p = super::presets::all().into_iter().find(|p| p.id == "rejoin").unwrap();
    let mut run = AvailabilityRun::new(&p.config, p.seed).unwrap();
    run.run_to_end(u64::MAX);
    let m: Vec<_> = run.sides.iter().map(|s| s.model().metrics(s.now())).collect();
    let (a, b) = (run.verdict(0), run.verdict(1));
    assert_eq!(a.title_key, "availability.verdict.lost_title");
    assert!(a.whole);
    assert_eq!(last(&a, "availability.verdict.lost"), 0.0);
    assert_eq!(last(&b, "availability.verdict.lost"), m[1].writes_lost as f64);
    assert!(m[1].writes_lost > 100);
    for v in [&a, &b] {
        // Both held registrations alone during the outage, none at the end.
        assert!(peak(v, "availability.verdict.backup_only") > 100.0);
        assert_eq!(last(v, "availability.verdict.backup_only"), 0.0);
    }
    // Mid-outage the lines stop at now.
    let mut mid = AvailabilityRun::new(&p.config, p.seed).unwrap();
    mid.run_to(crate::time::SimTime::from_ms(40_000), u64::MAX);
    let v = mid.verdict(1);
    let end = v.lines[0].points.last().unwrap().0;
    assert!((end - 40_000.0).abs() < 1.0, "{end}");

    let run = finished("split_brain");
    let m: Vec<_> = run.sides.iter().map(|s| s.model().metrics(s.now())).collect();
    let (a, b) = (run.verdict(0), run.verdict(1));
    assert_eq!(a.title_key, "availability.verdict.late_title");
    assert_eq!(last(&a, "availability.verdict.diverged"), m[0].writes_diverged as f64);
    assert!(m[0].writes_diverged > 0);
    assert_eq!(last(&a, "availability.verdict.fenced"), 0.0);
    assert_eq!(last(&b, "availability.verdict.diverged"), 0.0);
    assert_eq!(last(&b, "availability.verdict.fenced"), m[1].writes_fenced as f64);
    assert!(m[1].writes_fenced > 0);
    assert_eq!(
        run.key_metrics(),
        vec!["writes_diverged", "writes_fenced", "command_availability"]
    );
}

/// Where nothing crashes (too few query workers), the card is about the
/// queries: key figures the workers' utilisation, p95, 504s and query
/// availability, and a mini-chart of
/// queries sent and answered, which parts as the queue outgrows the workers.
/// It read "Registrations that worked 100 %" above 20.7 % of queries.
#[test]
fn a_run_without_crashes_is_about_its_queries() {
    use crate::labs::run::LabRun;
    let p = super::presets::all().into_iter().find(|p| p.id == "capacity").unwrap();
    assert!(super::page::about_queries(&p.config));
    let mut run = AvailabilityRun::new(&p.config, p.seed).unwrap();
    assert_eq!(
        run.key_metrics(),
        vec!["queries_busy", "p95_ms", "errors_504", "query_availability"]
    );
    run.run_to_end(u64::MAX);
    let v = run.verdict(0);
    assert_eq!(v.title_key, "availability.verdict.queries_title");
    let total = |i: usize| v.lines[i].points.iter().map(|p| p.1).sum::<f64>();
    let m = run.sides[0].model().metrics(run.sides[0].now());
    let share = total(1) / total(0);
    assert!(share < 0.5, "most queries fail: {share}");
    let measured = m.query_availability.expect("queries answered or not");
    assert!((share - measured).abs() < 0.02, "chart {share} vs metric {measured}");
    for id in ["experiment", "no_redundancy", "split_brain", "month"] {
        let p = super::presets::all().into_iter().find(|p| p.id == id).unwrap();
        assert!(!super::page::about_queries(&p.config), "{id}");
        let run = AvailabilityRun::new(&p.config, p.seed).unwrap();
        assert_ne!(run.verdict(0).title_key, "availability.verdict.queries_title", "{id}");
    }
}

/// The jumpy side's chart says where its registrations drop to zero with
/// nothing crashed: each false alarm's failover is a band of its own, and a
/// calm side has none.
#[test]
fn false_alarms_are_bands_on_the_verdict_chart() {
    use crate::labs::run::LabRun;
    let run = finished("aggressive_timeout");
    let count = |side: usize| {
        run.verdict(side)
            .bands
            .iter()
            .filter(|b| b.label_key == "availability.band.false_alarm")
            .count() as u64
    };
    let a = run.sides[0].model().metrics(run.sides[0].now());
    assert!(
        count(0) >= 5 && count(0) <= a.failovers,
        "{} of {}",
        count(0),
        a.failovers
    );
    assert_eq!(count(1), 0, "B raised no false alarm");
    for b in run
        .verdict(0)
        .bands
        .iter()
        .filter(|b| b.label_key == "availability.band.false_alarm")
    {
        assert!(b.to_ms > b.from_ms, "{b:?}");
    }
}

/// Both sides of an A | B meet the same world: the same requests at the same
/// times and the same crashes (primary and queries), whatever the tactics —
/// only what the monitor and the backup make of them differs.
#[test]
fn both_sides_meet_the_same_world() {
    let mut compared = 0;
    for p in super::presets::all() {
        let Some(b_tactics) = p.config.compare.clone() else {
            continue;
        };
        let a = run_side(&p.config, p.config.tactics.clone(), p.seed);
        let b = run_side(&p.config, b_tactics, p.seed);
        let (ma, mb) = (a.model(), b.model());
        assert_eq!(ma.primary_down, mb.primary_down, "{}: the primary's crashes", p.id);
        assert_eq!(ma.queries_down, mb.queries_down, "{}: the queries' crashes", p.id);
        assert_eq!(
            ma.metrics(a.now()).requests,
            mb.metrics(b.now()).requests,
            "{}: the requests",
            p.id
        );
        compared += 1;
    }
    assert!(compared >= 5, "presets compared: {compared}");
}

/// The aggressive timeout's second guided moment sits where the one thing a
/// quick verdict buys shows: A (jumpy) is serving registrations again after
/// the real crash at 60 s while B (calm) is still down.
#[test]
fn the_real_crash_moment_shows_a_back_before_b() {
    {
        let id = "aggressive_timeout";
        let p = super::presets::all().into_iter().find(|p| p.id == id).unwrap();
        let a = run_side(&p.config, p.config.tactics.clone(), p.seed);
        let b = run_side(&p.config, p.config.compare.clone().unwrap(), p.seed);
        let crash = SimTime::from_ms(60_000);
        let back = |sim: &Simulation<AvailabilityModel>| {
            let s = &sim.model().stats.down_spans;
            s.iter()
                .find(|(from, to)| *from <= crash + SimDuration::from_ms(5_000) && *to > crash)
                .map(|x| x.1)
                .unwrap()
        };
        let (a_back, b_back) = (back(&a), back(&b));
        let moment = SimTime::from_ms(p.moments[1].at_ms);
        assert!(
            a_back < moment && moment < b_back,
            "{id}: A back at {:?}, B at {:?}, moment {moment}",
            a_back.as_micros(),
            b_back.as_micros()
        );
        // What the caption says of it: A did not detect the crash — a false
        // alarm 0.3 s before had its backup starting already (its figure
        // stays "—") — and B took four missed echoes, 3.8 s.
        let a_span = a
            .model()
            .stats
            .down_spans
            .iter()
            .find(|(from, to)| *from <= crash && *to > crash)
            .copied();
        assert_eq!(
            a_span.map(|(from, _)| crash.since(from).as_micros()),
            Some(300_000),
            "{id}: A's false alarm 0.3 s before the crash"
        );
        assert_eq!(a.model().metrics(a.now()).detection_ms, None, "{id}: A's “—”");
        assert_eq!(
            b.model().metrics(b.now()).detection_ms,
            Some(3_800.0),
            "{id}: B's 3.8 s"
        );
    }
}

/// The outcomes bar tells the gateway's errors apart: its split by code adds
/// up to every failed answer, for every preset, on both sides.
#[test]
fn the_outcomes_split_by_code_adds_up_to_the_errors() {
    use crate::labs::run::LabRun;
    let mut kinds = [0u64; 3];
    for p in super::presets::all() {
        let mut run = AvailabilityRun::new(&p.config, p.seed).unwrap();
        run.run_until(SimTime::from_ms(120_000), u64::MAX);
        for side in 0..run.sides.len() {
            let o = run.outcomes(side).unwrap();
            let split = o.bad_split.expect("split by code");
            assert_eq!(split.iter().sum::<u64>(), o.bad, "{} side {side}: {split:?}", p.id);
            for (k, n) in kinds.iter_mut().zip(split) {
                *k += n;
            }
        }
    }
    assert!(
        kinds.iter().all(|k| *k > 0),
        "the presets answer 502, 503 and 504: {kinds:?}"
    );
}

/// Each guided moment's caption holds when it shows (a student review found
/// "count the false alarms" at 0 and 0, "detected" half a second early, "A's
/// old primary is still committing writes" with none diverged yet, and a
/// resync's full time shown the instant it began).
#[test]
fn the_guided_moments_say_what_the_run_shows() {
    let at = |id: &str, moment: usize| {
        let p = super::presets::all().into_iter().find(|p| p.id == id).unwrap();
        let mut run = AvailabilityRun::new(&p.config, p.seed).unwrap();
        run.run_until(SimTime::from_ms(p.moments[moment].at_ms), u64::MAX);
        run.sides.iter().map(|s| s.model().metrics(s.now())).collect::<Vec<_>>()
    };
    // phi_accrual 1: the crash, detected sooner by the fixed timeout.
    let m = at("phi_accrual", 0);
    let (a, b) = (m[0].detection_ms.unwrap(), m[1].detection_ms.unwrap());
    assert!(a < b, "A {a} ms, B {b} ms");
    // …on the card, as key figures (the caption said "compare the detection
    // times" over false alarms, failovers and registrations only).
    let phi = super::presets::all()
        .into_iter()
        .find(|p| p.id == "phi_accrual")
        .unwrap();
    let keys = super::page::key_metrics(&phi.config);
    assert_eq!(keys[..2], ["detection_ms", "false_suspicions"]);
    // phi_accrual 2: A's false alarms, none on B.
    let m = at("phi_accrual", 1);
    assert!(
        m[0].false_suspicions >= 2 && m[1].false_suspicions == 0,
        "{} vs {}",
        m[0].false_suspicions,
        m[1].false_suspicions
    );
    // experiment 2: "declared down a moment ago" — declared, and the misses
    // counted past the three that declared it (the caption said "now").
    let m = at("experiment", 1);
    assert!(m[0].detection_ms.is_some(), "declared by the second moment");
    // no_redundancy 1: detected.
    assert!(at("no_redundancy", 0)[0].detection_ms.is_some());
    // split_brain 1: A's old primary has written what the backup lacks; B's not.
    let m = at("split_brain", 0);
    assert!(m[0].writes_diverged > 0 && m[1].writes_diverged == 0);
    // split_brain 2: the same 22 timeouts on both sides; A's 22 late writes
    // diverged, B's 22 fenced off (the caption's numbers, in every language).
    let p = super::presets::all()
        .into_iter()
        .find(|p| p.id == "split_brain")
        .unwrap();
    let mut run = AvailabilityRun::new(&p.config, p.seed).unwrap();
    run.run_until(SimTime::from_ms(p.moments[1].at_ms), u64::MAX);
    let (a, b) = (&run.sides[0].model().stats, &run.sides[1].model().stats);
    assert_eq!((a.e504, b.e504), (22, 22));
    assert_eq!((a.writes_diverged, a.writes_fenced), (22, 0));
    assert_eq!((b.writes_diverged, b.writes_fenced), (0, 22));
    for lang in crate::i18n::Lang::ALL {
        let text = crate::i18n::t(lang, "preset.availability.split_brain.moment.2");
        assert!(text.contains("504 ×22"), "{lang:?}");
        for key in [
            "availability.metric.writes_diverged",
            "availability.metric.writes_fenced",
        ] {
            let said = format!("{} 22", crate::i18n::t(lang, key));
            assert!(text.contains(&said), "{lang:?}: {said:?} in {text:?}");
        }
    }
    // rejoin 2: A is resyncing (its time so far, short of the whole), B lost writes.
    let m = at("rejoin", 1);
    let p = super::presets::all().into_iter().find(|p| p.id == "rejoin").unwrap();
    let mut run = AvailabilityRun::new(&p.config, p.seed).unwrap();
    run.run_to_end(u64::MAX);
    let whole = run.sides[0].model().metrics(run.sides[0].now()).resync_ms;
    assert!(
        m[0].resync_ms > 0.0 && m[0].resync_ms < whole,
        "{} of {whole}",
        m[0].resync_ms
    );
    assert!(m[1].writes_lost > 0);
    // …and B's jump in lost registrations is drawn left of the playhead, not
    // hidden under it (the moment came 1 s after the primary's return).
    use crate::labs::run::LabRun;
    let mut run = AvailabilityRun::new(&p.config, p.seed).unwrap();
    let at = p.moments[1].at_ms as f64;
    run.run_until(SimTime::from_ms(p.moments[1].at_ms), u64::MAX);
    let v = run.verdict(1);
    let lost = v
        .lines
        .iter()
        .find(|l| l.label_key == "availability.verdict.lost")
        .unwrap();
    let jump = lost.points.iter().find(|p| p.1 > 0.0).unwrap().0;
    assert!(jump <= at - 1_500.0, "the jump at {jump} ms, the moment at {at} ms");
}

/// The month's moments say what its cards, stage and table show: three days
/// in, two crashes, each costing A its restart and B only the detection; in
/// the middle of day 12's long restart, A's gateway answering 502 and B's
/// backup serving; after it, the restart lifting A's downtime to 32 min 6 s, over what 99.9 %
/// allows so far (99.82 % served) while B's stays a minute and a half
/// (99.99 %); day 29, after the last of 14 crashes, A three times over the
/// month's 43 minutes, B a sixth of them.
#[test]
fn the_months_moments_say_what_the_run_shows() {
    use super::view::{CommandRoute, InstanceState};
    use crate::labs::run::LabRun;
    use crate::time::human_ms;
    let p = super::presets::all().into_iter().find(|p| p.id == "month").unwrap();
    assert_eq!(p.moments.len(), 4);
    // The English captions give the numbers checked below.
    for (i, said) in [
        (0, &["two crashes"][..]),
        (
            1,
            &[
                "long restart",
                "down 12 minutes",
                "16 more",
                "502",
                "three missed echoes",
                "half a minute in",
                "warm backup has been serving",
            ],
        ),
        (
            2,
            &[
                "long restart",
                "32 min 6 s",
                "above what the target allows",
                "99.82 %",
                "1 min 29 s",
                "99.99 %",
            ],
        ),
        (3, &["14 crashes", "2 h 5 min", "43 minutes", "6 min 49 s", "30 s"]),
    ] {
        let text = crate::i18n::t(crate::i18n::Lang::En, &p.moments[i].caption_key);
        for s in said {
            assert!(text.contains(s), "month {}: {s:?} in {text:?}", i + 1);
        }
    }
    let minutes = |us: u64| us as f64 / 60e6;
    let at = |i: usize| {
        let mut run = AvailabilityRun::new(&p.config, p.seed).unwrap();
        run.run_until(SimTime::from_ms(p.moments[i].at_ms), u64::MAX);
        run
    };
    // Each side's downtime (min), its chart's allowance so far (min), and
    // the crashes so far (from, back).
    let read = |run: &AvailabilityRun, side: usize| {
        let sim = &run.sides[side];
        let v = run.verdict(side);
        let allowed = v.lines[0].points.last().unwrap().1;
        let down = v.lines[1].points.last().unwrap().1;
        assert!((down - minutes(sim.model().downtime_us(sim.now()))).abs() < 1e-6);
        (down, allowed, sim.model().crashes_between(SimTime::ZERO, sim.now()))
    };
    let shown = |run: &AvailabilityRun, side: usize| {
        let sim = &run.sides[side];
        human_ms(sim.model().metrics(sim.now()).downtime_ms)
    };
    // The longest of B's down stretches so far: a detection, at most k
    // intervals plus the timeout (35 s).
    let b_longest = |run: &AvailabilityRun| {
        run.sides[1]
            .model()
            .stats
            .down_spans
            .iter()
            .map(|(from, to)| to.since(*from).as_micros())
            .max()
            .unwrap()
    };

    // 1 (3 days): two crashes; A was down for each whole restart, B only
    // for each detection.
    let run = at(0);
    let (a, _, crashes) = read(&run, 0);
    let (b, _, _) = read(&run, 1);
    assert_eq!(crashes.len(), 2);
    let restarts: f64 = crashes.iter().map(|c| minutes(c.1.since(c.0).as_micros())).sum();
    assert!((a - restarts).abs() < 0.2, "A {a} min, restarts {restarts} min");
    assert!(b_longest(&run) <= 35_000_000 && b < a / 3.0, "B {b} min");
    assert_eq!(run.sides[1].model().metrics(run.now()).failovers, 2);

    // 2 (day 12, mid-crash): the long restart's primary down 12 minutes,
    // 16 to go; A's gateway answering registrations 502 since it crashed;
    // B's monitor declared it down half a minute in, its warm backup serving.
    let run = at(1);
    let (a_sim, b_sim) = (&run.sides[0], &run.sides[1]);
    let mut whole = AvailabilityRun::new(&p.config, p.seed).unwrap();
    whole.run_to_end(u64::MAX);
    let crash = *whole.sides[0]
        .model()
        .crashes_between(SimTime::ZERO, whole.now())
        .iter()
        .find(|c| c.0 < run.now() && run.now() < c.1)
        .expect("mid-crash");
    assert!(crash.0 < run.now() && run.now() < crash.1, "mid-crash: {crash:?}");
    let whole_minutes = |us: u64| (us as f64 / 60e6).round();
    assert_eq!(whole_minutes(run.now().since(crash.0).as_micros()), 12.0);
    assert_eq!(whole_minutes(crash.1.since(run.now()).as_micros()), 16.0);
    assert_eq!(a_sim.model().primary_instance(run.now()), InstanceState::Crashed);
    assert_eq!(a_sim.model().backup_instance(), InstanceState::Absent);
    assert_eq!(b_sim.model().primary_instance(run.now()), InstanceState::Crashed);
    assert_eq!(b_sim.model().backup_instance(), InstanceState::Serving);
    assert_eq!(b_sim.model().command_route(), CommandRoute::Backup);
    let b_span = *b_sim.model().stats.down_spans.last().unwrap();
    assert_eq!(b_span.0, crash.0, "B's downtime began with the crash");
    let detected_s = b_span.1.since(b_span.0).as_micros() as f64 / 1e6;
    assert!((25.0..=35.0).contains(&detected_s), "half a minute in: {detected_s} s");
    let mut at_crash = AvailabilityRun::new(&p.config, p.seed).unwrap();
    at_crash.run_until(crash.0, u64::MAX);
    let a502 = |run: &AvailabilityRun| run.outcomes(0).unwrap().bad_split.unwrap()[0];
    assert!(
        a502(&run) > a502(&at_crash),
        "A's gateway answered 502 during the crash"
    );

    // 3 (day 12, 293 h): a crash with a long restart (28 min, against ~10 on
    // average); A's downtime jumped to 32 min 6 s, its line over the
    // allowance so far, 99.82 % served; B's 1 min 29 s, 99.99 %.
    let mut before = AvailabilityRun::new(&p.config, p.seed).unwrap();
    before.run_until(SimTime::from_ms(292 * 3_600_000), u64::MAX);
    let (a_before, _, _) = read(&before, 0);
    assert!(a_before < 5.0, "A's downtime before: {a_before} min");
    let run = at(2);
    let (a, allowed, crashes) = read(&run, 0);
    let (b, _, _) = read(&run, 1);
    let last = crashes.last().unwrap();
    assert_eq!(crashes.len(), 3);
    assert!(
        minutes(last.1.since(last.0).as_micros()) > 20.0,
        "a long restart: {last:?}"
    );
    assert!(last.1 < run.now(), "the primary is back");
    assert_eq!(shown(&run, 0), "32 min 6 s", "A {a} min");
    assert!(a > allowed, "A {a} min, allowed {allowed}");
    assert_eq!(shown(&run, 1), "1 min 29 s", "B {b} min");
    assert!(b < allowed);
    // "Time a registration backend served", as the cards show it.
    let served = |side: usize| {
        let sim = &run.sides[side];
        sim.model().metrics(sim.now()).uptime_ratio
    };
    assert_eq!(
        (
            crate::num::fixed(served(0) * 100.0, 2),
            crate::num::fixed(served(1) * 100.0, 2)
        ),
        ("99.82".into(), "99.99".into())
    );
    assert!(served(0) < 0.999, "under the target");

    // 4 (day 29): after the last of 14 crashes, A down 2 h 5 min — almost
    // three times the month's 43 minutes; B 6 min 49 s, about 30 s a crash.
    let run = at(3);
    let (a, _, crashes) = read(&run, 0);
    let (b, _, _) = read(&run, 1);
    assert_eq!(crashes.len(), 14);
    let mut end = AvailabilityRun::new(&p.config, p.seed).unwrap();
    end.run_to_end(u64::MAX);
    assert_eq!(
        end.sides[0].model().crashes_between(SimTime::ZERO, end.now()).len(),
        14,
        "the last crash"
    );
    assert_eq!(
        (shown(&run, 0), shown(&run, 1)),
        ("2 h 5 min".into(), "6 min 49 s".into())
    );
    let month = 43.2;
    assert!(a / month > 2.8 && a / month < 3.0, "almost three times: {a}");
    assert!(b / month < 1.0 / 6.0 + 0.01 && b / month > 0.14, "a sixth: {b}");
    let per_crash = b * 60.0 / 14.0;
    assert!((27.0..=33.0).contains(&per_crash), "about 30 s a crash: {per_crash}");
    assert!(b_longest(&run) <= 35_000_000);
}

/// The query workers' utilisation against queueing theory: busy
/// min(ρ, 1) of the time, ρ = λ·S ÷ c, with the load ramping up or not,
/// under and over capacity, for every latency shape (S is the shape's mean,
/// not its median); the capacity preset's prediction too. A crash of the
/// queries service is said, as theory does not count it.
#[test]
fn query_workers_are_busy_as_queueing_theory_predicts() {
    use crate::labs::run::{LabRun, MetricValue};
    use crate::patterns::service::LatencyShape;
    let busy = |c: &AvailabilityConfig, seed: u64| {
        let mut run = AvailabilityRun::new(c, seed).unwrap();
        run.run_to_end(u64::MAX);
        let rows = run.metric_rows(0);
        let row = rows
            .iter()
            .find(|r| r.key == "queries_busy")
            .expect("a row with workers");
        let th = row.theory.clone().expect("a prediction");
        let (MetricValue::Ratio(measured), MetricValue::Ratio(theory)) = (row.value, th.value) else {
            panic!("ratios: {row:?}")
        };
        (measured, theory, th.caveat_key)
    };
    let mut c = AvailabilityConfig::default();
    c.registration.crashes = Crashes::default();
    c.load.duration_ms = 300_000;
    c.queries.latency_ms = 100;
    c.queries.capacity = 2;
    let shapes = [
        LatencyShape::Fixed,
        LatencyShape::Uniform,
        LatencyShape::Exponential,
        LatencyShape::LogNormal,
        LatencyShape::Normal,
    ];
    for (i, shape) in shapes.into_iter().enumerate() {
        c.queries.latency_shape = shape;
        c.queries.latency_sd_ms = if shape == LatencyShape::Normal { 60 } else { 0 };
        // ρ from 0.35 to 1.4, with and without a ramp-up.
        for rate in [10.0, 20.0, 40.0] {
            for ramp in [0, 60_000] {
                c.load.requests_per_s = rate;
                c.load.ramp_up_ms = ramp;
                let (measured, theory, caveat) = busy(&c, 11 + i as u64);
                assert_eq!(caveat, None);
                assert!(
                    (measured - theory).abs() < 0.04,
                    "{shape:?} {rate}/s ramp {ramp}: measured {measured}, theory {theory}"
                );
            }
        }
    }
    // No workers limit: no row.
    c.queries.capacity = 0;
    let mut run = AvailabilityRun::new(&c, 1).unwrap();
    run.run_to_end(u64::MAX);
    assert!(run.metric_rows(0).iter().all(|r| r.key != "queries_busy"));
    // The preset that teaches it.
    let p = super::presets::all().into_iter().find(|p| p.id == "capacity").unwrap();
    let (measured, theory, caveat) = busy(&p.config, p.seed);
    assert_eq!(caveat, None);
    assert!(
        (measured - theory).abs() < 0.04,
        "capacity preset: {measured} vs {theory}"
    );
    assert!(theory > 0.7 && theory < 1.0, "{theory}");
    // A crash of the queries service: said.
    let mut c = p.config.clone();
    c.queries.crashes = Crashes::Fixed {
        crashes: vec![Crash {
            at_ms: 50_000,
            restart_ms: 10_000,
            hang: false,
        }],
    };
    assert_eq!(busy(&c, 1).2, Some("availability.caveat.queries_down"));
}

/// A "—" that would mislead says why: in the aggressive timeout preset a
/// false alarm declares A's primary down 0.3 s before it really crashes, so
/// there is no crash left to detect (the card read "—", as if instant or
/// missing). B, which detects it, has no note.
#[test]
fn a_detection_a_false_alarm_preempted_says_so() {
    use crate::labs::run::LabRun;
    let p = super::presets::all()
        .into_iter()
        .find(|p| p.id == "aggressive_timeout")
        .unwrap();
    let mut run = AvailabilityRun::new(&p.config, p.seed).unwrap();
    run.run_to_end(u64::MAX);
    let note = |side: usize| {
        let rows = run.metric_rows(side);
        let r = rows.iter().find(|r| r.key == "detection_ms").unwrap().clone();
        (r.value, r.note_key)
    };
    assert_eq!(
        note(0),
        (
            crate::labs::run::MetricValue::Missing,
            Some("availability.note.declared_before")
        )
    );
    assert_eq!(note(1).1, None);
    // Where nothing crashes, "—" needs no note.
    let run = finished("capacity");
    assert!(run.metric_rows(0).iter().all(|r| r.note_key.is_none()));
}

/// Preset `id` run to its end, on its own seed.
fn finished(id: &str) -> AvailabilityRun {
    let p = super::presets::all().into_iter().find(|p| p.id == id).unwrap();
    let mut run = AvailabilityRun::new(&p.config, p.seed).unwrap();
    run.run_to_end(u64::MAX);
    run
}

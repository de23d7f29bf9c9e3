//! Snapshots and seeking: a copy of a run goes on exactly as the original
//! would, and a seek — from whatever snapshot is nearest, in capped chunks —
//! lands on the very state a straight run passes through (same trace digest,
//! events, records, metrics and clock). "Step back" undoes "step".

mod support;

use engine::labs::retry::{presets, RetryConfig, RetryRun};
use engine::labs::rewind::{Goal, Rewind};
use engine::labs::{LabConfig, LabRun, RunReport};
use engine::sim::Progress;
use engine::time::SimTime;
use proptest::prelude::*;
use support::{retry_configs, Scale};

/// Everything that says which state a run is in.
#[derive(Debug, PartialEq)]
struct State {
    report: RunReport,
    events: u64,
    records: u64,
    now: SimTime,
    finished: bool,
}

fn state(run: &RetryRun) -> State {
    State {
        report: run.report(0),
        events: LabRun::events(run),
        records: LabRun::records(run),
        now: LabRun::now(run),
        finished: LabRun::is_finished(run),
    }
}

fn new_run(config: &RetryConfig, seed: u64) -> RetryRun {
    RetryRun::new(config, seed).expect("valid config")
}

/// The run straight to `t` in one call.
fn straight_to(config: &RetryConfig, seed: u64, t: SimTime) -> RetryRun {
    let mut run = new_run(config, seed);
    run.run_to(t, u64::MAX);
    run
}

/// Plays a run as the browser does: frames of simulated time with an event
/// cap, offering every state to `rewind`, up to `until`.
fn play(run: &mut RetryRun, rewind: &mut Rewind<RetryRun>, until: SimTime, frame: SimTime, cap: u64) {
    let mut t = SimTime::ZERO;
    loop {
        let p = run.run_to(t.min(until), LabRun::events(run) + cap);
        rewind.offer(run);
        if p == Progress::Finished || (p == Progress::Reached && t >= until) {
            return;
        }
        if p == Progress::Reached {
            t = SimTime(t.as_micros() + frame.as_micros());
        }
    }
}

/// The report `playground run` prints for this config (seed left at 0, as `state` has it).
fn straight_report(config: &RetryConfig, seed: u64) -> RunReport {
    let mut report = LabConfig::Retry(config.clone()).run(seed).expect("valid");
    report.seed = 0;
    report
}

fn end_report(mut run: RetryRun) -> RunReport {
    run.run_to(SimTime(u64::MAX), u64::MAX);
    run.report(0)
}

fn preset(id: &str) -> (RetryConfig, u64) {
    let p = presets::find(id).expect("preset exists");
    (p.config, p.seed)
}

#[test]
fn a_clone_taken_mid_run_ends_exactly_like_the_original() {
    for p in presets::all() {
        let mut run = new_run(&p.config, p.seed);
        let half = SimTime::from_ms((run.time_domain_ms() / 2.0) as u64);
        run.run_to(half, u64::MAX);
        let copy = run.clone();
        assert_eq!(state(&copy), state(&run), "{}: the copy differs at once", p.id);
        let (a, b) = (end_report(run), end_report(copy));
        assert_eq!(a, b, "{}: the copy ended differently", p.id);
        assert_eq!(
            a,
            straight_report(&p.config, p.seed),
            "{}: a run that was copied is not the straight run",
            p.id
        );
    }
}

#[test]
fn run_to_reaches_the_same_state_as_run_until() {
    let (config, seed) = preset("storm_breaker");
    for ms in [0, 14_000, 15_000, 27_500, 61_000] {
        let t = SimTime::from_ms(ms);
        let merged = straight_to(&config, seed, t);
        let mut per_side = new_run(&config, seed);
        per_side.run_until(t, u64::MAX);
        assert_eq!(state(&merged), state(&per_side), "at {ms} ms");
    }
}

#[test]
fn seeking_back_and_forth_lands_on_the_straight_runs_states() {
    for id in [
        "storm_breaker",
        "storm_budget",
        "herd",
        "bigfs",
        "tenacity",
        "permanent",
    ] {
        let (config, seed) = preset(id);
        let mut run = new_run(&config, seed);
        let mut rewind = Rewind::with_limits(&run, 2_000, 8);
        play(&mut run, &mut rewind, SimTime(u64::MAX), SimTime::from_ms(250), 20_000);
        assert!(rewind.len() <= 8, "{id}: {} snapshots", rewind.len());
        let end = LabRun::now(&run).as_ms();
        for frac in [0.9, 0.1, 0.5, 0.0, 0.25, 1.0, 0.75, 0.3] {
            let t = SimTime::from_ms((end as f64 * frac) as u64);
            let mut seek = rewind.seek(Goal::Time(t), &run);
            let mut chunks = 0;
            while !seek.advance(&mut rewind, 5_000) {
                chunks += 1;
                assert!(chunks < 10_000, "{id}: the seek does not end");
            }
            run = seek.into_run();
            assert_eq!(
                state(&run),
                state(&straight_to(&config, seed, t)),
                "{id}: seek to {} ms",
                t.as_ms()
            );
        }
        // From a seek, on to the end: the straight run's report.
        assert_eq!(end_report(run), straight_report(&config, seed), "{id}");
    }
}

#[test]
fn a_seek_can_be_pointed_elsewhere_while_it_runs() {
    let (config, seed) = preset("storm_jitter");
    let mut run = new_run(&config, seed);
    let mut rewind = Rewind::new(&run);
    play(
        &mut run,
        &mut rewind,
        SimTime::from_ms(40_000),
        SimTime::from_ms(100),
        20_000,
    );
    let mut seek = rewind.seek(Goal::Time(SimTime::from_ms(5_000)), &run);
    seek.advance(&mut rewind, 1_000);
    // Dragged on: forward past where the run was, then back.
    for ms in [50_000, 20_000, 20_500] {
        seek = rewind.retarget(seek, Goal::Time(SimTime::from_ms(ms)), &run);
        seek.advance(&mut rewind, 3_000);
    }
    let landed = seek.finish(&mut rewind);
    assert_eq!(
        state(&landed),
        state(&straight_to(&config, seed, SimTime::from_ms(20_500)))
    );
}

#[test]
fn step_back_undoes_step() {
    for id in ["herd", "bigfs", "storm_breaker", "exponential", "scripted"] {
        let (config, seed) = preset(id);
        let mut run = new_run(&config, seed);
        let mut rewind = Rewind::with_limits(&run, 50, 6);
        // Into the run, then a few steps.
        run.run_to(SimTime::from_ms(1_500), u64::MAX);
        rewind.offer(&run);
        let mut states = vec![];
        for _ in 0..12 {
            let before = state(&run);
            run.step_record(u64::MAX);
            if state(&run) == before {
                break; // The run is over.
            }
            states.push(before);
            rewind.offer(&run);
        }
        assert!(!states.is_empty(), "{id}: nothing to step");
        // Now ← and → alternate, then ← all the way back over the steps.
        for _ in 0..3 {
            let here = state(&run);
            let back = rewind
                .seek(Goal::RecordBefore { records: here.records }, &run)
                .finish(&mut rewind);
            assert!(LabRun::records(&back) < here.records, "{id}: ← traced nothing less");
            let mut forth = back.clone();
            forth.step_record(u64::MAX);
            assert_eq!(state(&forth), here, "{id}: ← then → is not where we were");
            run = forth;
        }
        for (i, before) in states.iter().enumerate().rev() {
            let here = state(&run);
            run = rewind
                .seek(Goal::RecordBefore { records: here.records }, &run)
                .finish(&mut rewind);
            assert_eq!(LabRun::records(&run), before.records, "{id}: stepped back too far");
            // Just after the record before (the first state had run on past it).
            if i > 0 {
                assert_eq!(state(&run), *before, "{id}: ← lands where → had");
            } else {
                assert!(LabRun::events(&run) <= before.events, "{id}");
            }
            assert!(LabRun::records(&run) < here.records, "{id}");
            // → from here traces that record again (skipping events that trace nothing).
            let mut again = run.clone();
            again.step_record(u64::MAX);
            assert_eq!(LabRun::records(&again), here.records, "{id}");
            assert!(LabRun::events(&again) <= here.events, "{id}");
        }
    }
}

#[test]
fn step_back_at_the_start_stays_at_the_start() {
    let (config, seed) = preset("tenacity");
    let run = new_run(&config, seed);
    let mut rewind = Rewind::new(&run);
    let back = rewind
        .seek(
            Goal::RecordBefore {
                records: LabRun::records(&run),
            },
            &run,
        )
        .finish(&mut rewind);
    assert_eq!(state(&back), state(&run));
}

#[test]
fn snapshots_stay_few_and_spread_over_the_run() {
    let (config, seed) = preset("storm_jitter");
    let mut run = new_run(&config, seed);
    let mut rewind = Rewind::with_limits(&run, 500, 5);
    play(&mut run, &mut rewind, SimTime(u64::MAX), SimTime::from_ms(50), 5_000);
    let kept = rewind.kept_events();
    assert!(kept.len() <= 5 && kept.len() >= 3, "{kept:?}");
    assert_eq!(kept[0], 0, "the start is always kept");
    assert!(kept.windows(2).all(|w| w[1] - w[0] >= rewind.spacing()), "{kept:?}");
    let total = LabRun::events(&run);
    // Thinned evenly: the newest copy is within two spacings of the end.
    assert!(
        total - kept[kept.len() - 1] <= 2 * rewind.spacing(),
        "{kept:?} of {total}"
    );
}

#[test]
fn snapshots_stay_within_their_memory_budget() {
    let (config, seed) = preset("storm_breaker");
    let mut peak = new_run(&config, seed);
    peak.run_to(SimTime::from_ms(25_000), u64::MAX);
    let heavy = peak.approx_bytes();
    let mut run = new_run(&config, seed);
    assert!(
        heavy > 2 * run.approx_bytes(),
        "a storm at its height weighs more than at the start"
    );
    let budget = 4 * heavy;
    let mut rewind = Rewind::with_limits(&run, 500, 32).with_budget(budget);
    play(&mut run, &mut rewind, SimTime(u64::MAX), SimTime::from_ms(50), 5_000);
    assert!(rewind.bytes() <= budget, "{} > {budget}", rewind.bytes());
    // Thinned far below the count limit, but a copy besides the start is kept.
    assert!(rewind.len() >= 2 && rewind.len() < 32, "{:?}", rewind.kept_events());
    // Fewer copies, but seeks still land where a straight run does.
    let t = SimTime::from_ms(21_000);
    let landed = rewind.seek(Goal::Time(t), &run).finish(&mut rewind);
    assert_eq!(state(&landed), state(&straight_to(&config, seed, t)));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any config and seed: a copy taken anywhere ends like the original, and
    /// a seek back from the end lands where a straight run does.
    #[test]
    fn any_run_copies_and_seeks_exactly(
        config in retry_configs(Scale::Runnable),
        seed in any::<u64>(),
        at in 0.0f64..1.1,
        back in 0.0f64..1.0,
    ) {
        let mut run = new_run(&config, seed);
        let domain = run.time_domain_ms();
        let mut rewind = Rewind::with_limits(&run, 64, 6);
        play(&mut run, &mut rewind, SimTime::from_ms((domain * at) as u64), SimTime::from_ms(37), 97);
        let copy = run.clone();
        prop_assert_eq!(state(&copy), state(&run));
        let t = SimTime::from_ms((LabRun::now(&run).as_ms() as f64 * back) as u64);
        let landed = rewind.seek(Goal::Time(t), &run).finish(&mut rewind);
        prop_assert_eq!(state(&landed), state(&straight_to(&config, seed, t)));
        let straight = straight_report(&config, seed);
        prop_assert_eq!(end_report(copy), straight.clone());
        prop_assert_eq!(end_report(landed), straight);
    }
}

/// Every lab: ← lands just after the record before, where → had landed, so
/// the clock reads a time the log shows (it read an untraced ping's or
/// heartbeat's time: 300 → 249 ms in the replica lab), and → from there
/// comes back.
#[test]
fn step_back_lands_on_a_traced_time_in_every_lab() {
    use engine::labs::{availability, choreography, cqrs, replica};
    fn check<R: LabRun + Clone>(id: &str, mut run: R, into_ms: u64) {
        let at = |r: &R| (LabRun::events(r), LabRun::records(r), r.now());
        let mut rewind = Rewind::with_limits(&run, 50, 6);
        run.run_to(SimTime::from_ms(into_ms), u64::MAX);
        run.step_record(u64::MAX);
        rewind.offer(&run);
        let mut states = vec![];
        for _ in 0..10 {
            let before = at(&run);
            run.step_record(u64::MAX);
            if at(&run) == before {
                break;
            }
            states.push(before);
            rewind.offer(&run);
        }
        assert!(states.len() >= 3, "{id}: steps {}", states.len());
        for before in states.iter().rev() {
            let here = at(&run);
            let back = rewind
                .seek(Goal::RecordBefore { records: here.1 }, &run)
                .finish(&mut rewind);
            assert_eq!(at(&back), *before, "{id}: ← lands where → had");
            let mut forth = back.clone();
            forth.step_record(u64::MAX);
            assert_eq!(at(&forth), here, "{id}: → comes back");
            run = back;
        }
    }
    let c = choreography::presets::all()
        .into_iter()
        .find(|p| p.id == "demo")
        .unwrap();
    check(
        "choreography",
        choreography::ChoreoRun::new(&c.config, c.seed).unwrap(),
        50,
    );
    let q = cqrs::presets::all().into_iter().find(|p| p.id == "demo").unwrap();
    check("cqrs", cqrs::CqrsRun::new(&q.config, q.seed).unwrap(), 50);
    let r = replica::presets::all().into_iter().find(|p| p.id == "demo").unwrap();
    check("replica", replica::ReplicaRun::new(&r.config, r.seed).unwrap(), 200);
    let a = availability::presets::all()
        .into_iter()
        .find(|p| p.id == "experiment")
        .unwrap();
    check(
        "availability",
        availability::AvailabilityRun::new(&a.config, a.seed).unwrap(),
        29_000,
    );
}

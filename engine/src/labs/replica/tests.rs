//! The replica-failover lab against theory and its promises: attempts per
//! chunk follow the geometric law under independent failures; repairs never
//! run faster than the clones and their rate allow; no chunk is ever
//! reported good with a bad checksum; a chunk is lost only when every
//! replica it had is gone, and nothing the client was told is uploaded is
//! lost while one replica survives; the text's demo reads like the text.

use super::config::*;
use super::model::{ChunkStatus, Copy, ReplicaModel};
use super::record::{Failure, ReplicaRecord};
use super::ReplicaRun;
use crate::labs::run::LabRun;
use crate::sim::Simulation;
use crate::validate::WorkLimits;
use proptest::prelude::*;

fn run_side(config: &ReplicaConfig, side: ClientSide, seed: u64) -> Simulation<ReplicaModel> {
    config.validate_within(WorkLimits::CLI).unwrap();
    let mut sim = Simulation::with_trace_capacity(ReplicaModel::new(config.clone(), side, seed), 2_000_000);
    sim.run_to_end(u64::MAX);
    assert!(sim.is_finished());
    sim
}

/// With independent failures p and n tries, a chunk needs k tries with
/// probability pᵏ⁻¹(1 − p): first-try rate 1 − p, mean (1 − pⁿ)/(1 − p),
/// failed share pⁿ.
#[test]
fn attempts_follow_the_geometric_law() {
    let mut c = ReplicaConfig::default();
    c.workload.transfer = Transfer::Download;
    c.workload.chunks_per_file = 20_000;
    c.workload.chunk_mb = 1.0;
    c.nodes.failure_rate = 0.4;
    c.client.workers = 64;
    c.client.retry.max_attempts = 4;
    c.client.retry.base_ms = 10;
    c.client.report_failures = false;
    c.settle_ms = 0;
    let sim = run_side(&c, c.client.clone(), 3);
    let m = sim.model().metrics(sim.now());
    let p: f64 = 0.4;
    let within = |got: f64, want: f64, what: &str| {
        assert!((got - want).abs() < want * 0.03, "{what}: {got} vs {want}");
    };
    within(m.first_try_success_rate, 1.0 - p, "first try");
    within(m.mean_attempts, (1.0 - p.powi(4)) / (1.0 - p), "mean attempts");
    // A rarer event: within four binomial standard deviations.
    let (n, q) = (m.chunks as f64, p.powi(4));
    let failed = m.chunks_failed as f64;
    assert!(
        (failed - n * q).abs() < 4.0 * (n * q * (1.0 - q)).sqrt(),
        "failed {failed} vs {}",
        n * q
    );
    // The page shows the same predictions beside the measurements, without a caveat.
    let mut run = ReplicaRun::new_within(&c, 3, WorkLimits::CLI).unwrap();
    run.run_to_end(u64::MAX);
    let rows = run.metric_rows(0);
    let theory = rows
        .iter()
        .find(|r| r.key == "mean_attempts")
        .and_then(|r| r.theory.clone())
        .unwrap();
    within(
        theory.value.as_f64().unwrap(),
        (1.0 - p.powi(4)) / (1.0 - p),
        "theory row",
    );
    assert_eq!(theory.caveat_key, None);
}

/// A repair never runs faster than `max_clones` clones at `clone_mb_per_s`
/// each allow, and every chunk is back to full replication after it.
#[test]
fn repairs_never_beat_the_clone_bandwidth() {
    let preset = super::presets::all().into_iter().find(|p| p.id == "rack_down").unwrap();
    let c = &preset.config;
    let sim = run_side(c, c.client.clone(), preset.seed);
    let m = sim.model().metrics(sim.now());
    let per_clone_ms = c.workload.chunk_mb / c.metadata.clone_mb_per_s * 1000.0;
    let fastest = m.clones as f64 * per_clone_ms / c.metadata.max_clones as f64;
    let repair = m.repair_ms.unwrap();
    // Clones start when the first node is declared dead (the rack failed at 1 s).
    let first_dead = sim
        .trace()
        .entries()
        .find(|e| {
            matches!(
                e.record,
                ReplicaRecord::Health {
                    health: crate::patterns::detector::Health::Dead,
                    ..
                }
            )
        })
        .map(|e| e.at.as_micros() as f64 / 1000.0 - 1_000.0)
        .unwrap();
    assert!(
        repair >= first_dead + fastest - 1.0,
        "repair {repair} < {first_dead} + {fastest}"
    );
    assert!(m.detection_ms.unwrap() <= c.metadata.heartbeat.dead_after_ms as f64);
    assert_eq!((m.under_replicated_end, m.data_lost_chunks), (0, 0));
    assert!(m.clones >= 40);
}

/// Whatever is corrupt, a chunk is never reported good from a corrupt
/// replica while checksums are verified.
#[test]
fn no_chunk_is_ok_with_a_bad_checksum() {
    for seed in 0..5 {
        let mut c = ReplicaConfig::default();
        c.workload.transfer = Transfer::Download;
        c.workload.chunks_per_file = 200;
        c.nodes.corrupt_rate = 0.3;
        let sim = run_side(&c, c.client.clone(), seed);
        let model = sim.model();
        let mut caught = 0;
        for e in sim.trace().entries() {
            match e.record {
                ReplicaRecord::ChunkOk { chunk, node, .. } => {
                    assert_eq!(
                        model.copy_kind(chunk, node),
                        Copy::Healthy,
                        "chunk {chunk} from node {node}"
                    );
                }
                ReplicaRecord::AttemptFailed {
                    why: Failure::Checksum, ..
                } => caught += 1,
                _ => {}
            }
        }
        let m = model.metrics(sim.now());
        assert_eq!(m.corrupt_delivered, 0);
        assert!(caught > 10 && m.corrupt_reads_caught == caught);
    }
}

/// The text's demo, read like the text: chunk 1 fails on node_2, is
/// reported, and goes to node_3 on attempt 2; every chunk is uploaded; its
/// "before" fails the file instead.
#[test]
fn the_text_demo_fails_over_and_its_before_does_not() {
    let all = super::presets::all();
    let demo = all.iter().find(|p| p.id == "demo").unwrap();
    let sim = run_side(&demo.config, demo.config.client.clone(), demo.seed);
    let records: Vec<ReplicaRecord> = sim.trace().entries().map(|e| e.record).collect();
    assert!(records.contains(&ReplicaRecord::AttemptFailed {
        chunk: 1,
        attempt: 1,
        node: 1,
        why: Failure::Unavailable
    }));
    assert!(records.contains(&ReplicaRecord::ChunkOk {
        chunk: 1,
        node: 2,
        attempt: 2
    }));
    let m = sim.model().metrics(sim.now());
    assert_eq!((m.chunks_ok, m.chunks_failed, m.reports_sent), (8, 0, 1));
    assert_eq!(m.problem_nodes, vec![("node_2".to_string(), 1)]);
    use crate::trace::Narrate;
    let line = ReplicaRecord::ChunkOk {
        chunk: 1,
        node: 2,
        attempt: 2,
    }
    .narrate(crate::i18n::Lang::Pt);
    assert!(
        line.contains("chunk 1") && line.contains("node_3") && line.contains("tentativa 2"),
        "{line}"
    );
    let before = all.iter().find(|p| p.id == "before").unwrap();
    let sim = run_side(&before.config, before.config.client.clone(), before.seed);
    let m = sim.model().metrics(sim.now());
    assert_eq!(m.chunks_failed, 1);
    assert!(m.chunks_skipped > 0 && m.chunks_ok + m.chunks_failed + m.chunks_skipped == 8);
}

/// Every replica of a chunk corrupt: its tries are spent on checksums, it
/// fails and is lost; no other chunk is.
#[test]
fn a_chunk_corrupt_everywhere_is_lost_alone() {
    let p = super::presets::all()
        .into_iter()
        .find(|p| p.id == "all_corrupt")
        .unwrap();
    let sim = run_side(&p.config, p.config.client.clone(), p.seed);
    let model = sim.model();
    let m = model.metrics(sim.now());
    assert_eq!((m.chunks_failed, m.data_lost_chunks), (1, 1));
    assert_eq!(model.chunks[3].status, ChunkStatus::Failed);
    assert_eq!(m.corrupt_reads_caught, 3);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Nodes die for good at random times during an upload: a chunk is
    /// lost only when every node that ever held it is down; a chunk the
    /// client was told is uploaded and that still has a replica up is not.
    #[test]
    fn a_chunk_is_lost_only_when_every_replica_is_gone(
        deaths in proptest::collection::vec((1u32..=8, 0u64..6_000), 1..5),
        seed in any::<u64>(),
        repair in any::<bool>(),
    ) {
        let mut c = ReplicaConfig::default();
        c.nodes.count = 8;
        c.workload.chunks_per_file = 40;
        c.workload.chunk_mb = 16.0;
        c.metadata.repair = repair;
        c.nodes.outages = deaths.iter().map(|&(node, from_ms)| NodeOutage { node, from_ms, to_ms: 600_000 }).collect();
        let sim = run_side(&c, c.client.clone(), seed);
        let model = sim.model();
        let now = sim.now();
        for (i, ch) in model.chunks.iter().enumerate() {
            let up_replica = ch.replicas.iter().any(|r| r.1 == Copy::Healthy && model.node_up(r.0, now));
            let lost = !up_replica && (!ch.replicas.is_empty() || ch.lost);
            if lost {
                prop_assert!(ch.held.iter().all(|&n| !model.node_up(n, now)), "chunk {i} lost with {:?} held", ch.held);
            }
            if ch.status == ChunkStatus::Ok && ch.held.iter().any(|&n| model.node_up(n, now)) && repair {
                prop_assert!(!lost, "chunk {i}");
            }
        }
        prop_assert_eq!(model.metrics(now).data_lost_chunks, model.chunks.iter().filter(|ch| {
            (!ch.replicas.is_empty() || ch.lost) && !ch.replicas.iter().any(|r| r.1 == Copy::Healthy && model.node_up(r.0, now))
        }).count() as u64);
    }
}

/// What the shared page reads agrees with the run, for every preset:
/// chunked like the player, the same report; outcomes add up; every row is
/// a metric key with texts in every language; moments inside the run.
#[test]
fn the_page_reads_the_run_consistently() {
    use crate::labs::sides::checks::{page_reads_every_preset, PageCheck};
    page_reads_every_preset::<super::ReplicaModel>(
        super::presets::all(),
        PageCheck {
            step_ms: 100,
            step_events: 97,
            units: &|sim| sim.model().metrics(sim.now()).chunks,
            all_decided: true,
            derived_row: &|_| false,
            raw_keys: &["log.replica", "replica.failure"],
            side: &|_, _, _| {},
        },
    );
}

/// The normal shape spreads a transfer's start by its standard deviation
/// (the lab offered "Normal (mean ± sd)" with no sd, and ran it fixed):
/// with none it is the fixed shape, with one the run's time changes.
#[test]
fn the_normal_shape_spreads_by_its_standard_deviation() {
    use crate::patterns::service::LatencyShape;
    let mut c = ReplicaConfig::default();
    c.nodes.latency_ms = 200;
    let time = |c: &ReplicaConfig| {
        let sim = run_side(c, c.client.clone(), 2);
        sim.model().metrics(sim.now()).transfer_ms.unwrap()
    };
    c.nodes.latency_shape = LatencyShape::Fixed;
    let fixed = time(&c);
    c.nodes.latency_shape = LatencyShape::Normal;
    assert_eq!(time(&c), fixed, "sd 0: every start is the mean");
    c.nodes.latency_sd_ms = 100;
    assert_ne!(time(&c), fixed);
}

/// Both sides of an A | B meet the same cluster: the same placements.
#[test]
fn both_sides_meet_the_same_cluster() {
    for p in super::presets::all().into_iter().filter(|p| p.config.compare.is_some()) {
        let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
        run.run_to_end(u64::MAX);
        let (a, b) = (run.sides[0].model(), run.sides[1].model());
        assert_eq!(a.chunks.len(), b.chunks.len(), "{}", p.id);
        if p.config.workload.transfer == Transfer::Download {
            for (x, y) in a.chunks.iter().zip(&b.chunks) {
                assert_eq!(x.placement, y.placement, "{}", p.id);
            }
        }
    }
}

/// Every bad value names its field.
#[test]
fn bad_configs_name_their_field() {
    type Break = Box<dyn Fn(&mut ReplicaConfig)>;
    let cases: Vec<(&str, Break)> = vec![
        // A spread only the normal shape has (it was silently unused).
        ("nodes.latency_sd_ms", Box::new(|c| c.nodes.latency_sd_ms = 10)),
        (
            "nodes.outages[0].node",
            Box::new(|c| {
                c.nodes.outages = vec![NodeOutage {
                    node: 99,
                    from_ms: 0,
                    to_ms: 1,
                }]
            }),
        ),
        ("metadata.replication", Box::new(|c| c.metadata.replication = 9)),
        (
            "metadata.placement",
            Box::new(|c| c.metadata.placement = Placement::RackAware),
        ),
        (
            "metadata.heartbeat.dead_after_ms",
            Box::new(|c| c.metadata.heartbeat.dead_after_ms = 1),
        ),
        (
            "client.retry.max_attempts",
            Box::new(|c| c.client.retry.max_attempts = 0),
        ),
        (
            "compare.workers",
            Box::new(|c| {
                c.compare = Some(ClientSide {
                    workers: 0,
                    ..ClientSide::default()
                })
            }),
        ),
        (
            "nodes.corrupt_chunks[0]",
            Box::new(|c| c.nodes.corrupt_chunks = vec![100]),
        ),
        (
            "workload",
            Box::new(|c| {
                c.workload.files = 100;
                c.workload.chunks_per_file = 10_000;
            }),
        ),
    ];
    for (field, f) in cases {
        let mut c = ReplicaConfig::default();
        f(&mut c);
        let errs = c.validate_within(WorkLimits::LINK).unwrap_err();
        assert!(errs.iter().any(|e| e.field == field), "{field}: {errs:?}");
    }
}

/// The player's starting speed reads a preset's length from a dry run: every
/// preset's fits in the dry run's budget, its action ends before the run does,
/// and a slow node's timeouts make its run far longer than its transfers alone.
#[test]
fn every_preset_action_end_comes_from_a_short_dry_run() {
    for p in super::presets::all() {
        let end = super::action_end_ms(&p.config, p.seed, 100_000).unwrap_or_else(|| panic!("{}", p.id));
        let mut run = super::ReplicaRun::new(&p.config, p.seed).unwrap();
        run.run_to_end(u64::MAX);
        let run_end = run
            .sides
            .iter()
            .map(|s| s.now().as_micros() as f64 / 1000.0)
            .fold(0.0, f64::max);
        println!("{}: action {end} ms, run {run_end} ms", p.id);
        assert!(end > 0.0 && end <= run_end, "{}: {end} vs {run_end}", p.id);
    }
    let slow = super::presets::all().into_iter().find(|p| p.id == "slow_node").unwrap();
    let end = super::action_end_ms(&slow.config, slow.seed, 100_000).unwrap();
    assert!(end > 10_000.0, "the slow node's timeouts stretch the run: {end} ms");
    let mut bad = slow.config.clone();
    bad.workload.chunks_per_file = 0;
    assert_eq!(
        super::action_end_ms(&bad, 1, 100_000),
        None,
        "an invalid config has no length"
    );
}

/// The demo's chunks that missed node_2 were copied elsewhere within seconds,
/// long before node_2 was declared dead: the repair time says so, instead of
/// reading as long as the detection with nothing copied at the death.
#[test]
fn a_repair_is_not_as_long_as_a_detection_that_found_nothing_to_copy() {
    let p = super::presets::all().into_iter().find(|p| p.id == "demo").unwrap();
    let mut run = super::ReplicaRun::new(&p.config, p.seed).unwrap();
    run.run_to_end(u64::MAX);
    let sim = &run.sides[0];
    let m = sim.model().metrics(sim.now());
    let (repair, detection) = (m.repair_ms.unwrap(), m.detection_ms.unwrap());
    assert!(
        repair > 0.0 && repair < detection / 2.0,
        "repair {repair} vs detection {detection}"
    );
    assert_eq!(m.under_replicated_end, 0);
}

/// Each guided moment says what the run shows at that instant: the demo's
/// second, that chunk 1 is in on attempt 2, the upload done, and the chunks
/// whose copy to node_2 failed being cloned elsewhere already, long before
/// node_2 is declared dead; the variants', that B has just given up on slow
/// node_4 while A still waits, then that B is done with chunks failed while
/// A is still at it.
#[test]
fn the_guided_moments_say_what_the_run_shows() {
    use crate::patterns::detector::Health;
    use crate::time::SimTime;
    let presets = super::presets::all();
    let get = |id: &str| presets.iter().find(|p| p.id == id).unwrap();
    let at = |p: &crate::labs::LabPreset<ReplicaConfig>, i: usize| p.moments[i].at_ms;

    let demo = get("demo");
    let mut run = ReplicaRun::new(&demo.config, demo.seed).unwrap();
    run.run_until(SimTime::from_ms(at(demo, 0)), u64::MAX);
    let records =
        |run: &ReplicaRun| -> Vec<ReplicaRecord> { run.sides[0].trace().entries().map(|e| e.record).collect() };
    // 1: node_2 just failed chunk 1's first attempt.
    assert!(records(&run).contains(&ReplicaRecord::AttemptFailed {
        chunk: 1,
        attempt: 1,
        node: 1,
        why: Failure::Unavailable
    }));
    run.run_until(SimTime::from_ms(at(demo, 1)), u64::MAX);
    let r = records(&run);
    let m = run.sides[0].model();
    assert!(r.contains(&ReplicaRecord::ChunkOk {
        chunk: 1,
        node: 2,
        attempt: 2
    }));
    assert_eq!(m.status_counts()[2], 8, "the upload is done");
    let cloning = m.copies_under_way() > 0 || r.iter().any(|x| matches!(x, ReplicaRecord::Cloned { .. }));
    assert!(cloning, "repair under way");
    assert!(m.at_risk() > 0, "chunks still short of a replica");
    assert!(
        !r.iter().any(|x| matches!(
            x,
            ReplicaRecord::Health {
                node: 1,
                health: Health::Dead
            }
        )),
        "node_2 not declared dead yet"
    );

    let variants = get("variants");
    let mut run = ReplicaRun::new(&variants.config, variants.seed).unwrap();
    run.run_until(SimTime::from_ms(at(variants, 0)), u64::MAX);
    let timed_out_on_4 = |run: &ReplicaRun, side: usize| {
        run.sides[side].trace().entries().any(|e| {
            matches!(
                e.record,
                ReplicaRecord::AttemptFailed {
                    node: 3,
                    why: Failure::TimedOut,
                    ..
                }
            )
        })
    };
    assert!(timed_out_on_4(&run, 1), "B gave up on node_4");
    assert!(!timed_out_on_4(&run, 0), "A still waits for node_4");
    run.run_until(SimTime::from_ms(at(variants, 1)), u64::MAX);
    let (a, b) = (run.sides[0].model(), run.sides[1].model());
    let undecided = |m: &ReplicaModel| m.status_counts()[0] + m.status_counts()[1];
    assert_eq!(undecided(b), 0, "B is done");
    assert!(undecided(a) > 0, "A is still at it");
    assert!(b.status_counts()[3] > 0, "some of B's chunks failed");
    assert_eq!(a.status_counts()[3], 0, "none of A's");

    // The moments a student review found ahead of the run (the captions
    // told of checksums caught, timeouts, a lost chunk and a draining queue
    // while the stage still showed none of it).
    let at_moment = |id: &str, i: usize| {
        let p = get(id);
        let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
        run.run_until(SimTime::from_ms(at(p, i)), u64::MAX);
        run
    };
    let metrics = |run: &ReplicaRun, side: usize| run.sides[side].model().metrics(run.sides[side].now());
    // corruption: A caught corrupt replicas, B delivered them.
    let run = at_moment("corruption", 1);
    let (a, b) = (metrics(&run, 0), metrics(&run, 1));
    assert!(a.corrupt_reads_caught > 0 && a.corrupt_delivered == 0, "{a:?}");
    assert!(b.corrupt_delivered > 0 && b.corrupt_reads_caught == 0, "{b:?}");
    // metadata_down: 1 — nothing moves, and no node is suspected (the
    // server is down, not the nodes); 2 — the queue drains.
    let p = get("metadata_down");
    let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
    let outage = p.config.metadata.outages[0].clone();
    run.run_until(SimTime::from_ms(outage.from_ms + 500), u64::MAX);
    let done_early = run.sides[0].model().status_counts()[2];
    run.run_until(SimTime::from_ms(at(p, 0)), u64::MAX);
    assert!(at(p, 0) > outage.from_ms + 1_000 && at(p, 0) < outage.to_ms);
    assert_eq!(run.sides[0].model().status_counts()[2], done_early, "nothing moves");
    run.run_until(SimTime::from_ms(at(p, 1)), u64::MAX);
    assert!(at(p, 1) > outage.to_ms);
    let m = run.sides[0].model();
    assert!(m.status_counts()[2] > done_early, "the queue drains");
    assert!(m.status_counts()[0] > 0, "still draining");
    run.run_to_end(u64::MAX);
    assert!(
        !records(&run).iter().any(|r| matches!(r, ReplicaRecord::Health { .. })),
        "no node suspected because the server was deaf"
    );
    // all_corrupt: chunk 3 failed on every replica by then.
    let run = at_moment("all_corrupt", 2);
    assert!(records(&run)
        .iter()
        .any(|r| matches!(r, ReplicaRecord::ChunkFailed { chunk: 3, .. })));
    // breaker: B's breaker on node_2 is open, and A has failed there more.
    let run = at_moment("breaker", 1);
    let failures = |side: usize| {
        run.sides[side]
            .trace()
            .entries()
            .filter(|e| matches!(e.record, ReplicaRecord::AttemptFailed { node: 1, .. }))
            .count()
    };
    assert!(run.sides[1]
        .trace()
        .entries()
        .any(|e| matches!(e.record, ReplicaRecord::BreakerOpen { node: 1 })));
    assert!(failures(0) > failures(1), "{} vs {}", failures(0), failures(1));
    let undecided = |side: usize| {
        let c = run.sides[side].model().status_counts();
        c[0] + c[1]
    };
    assert!(undecided(0) > 0 && undecided(1) > 0, "both still uploading");
}

/// A peak is never below "now": in every preset, on both sides, the
/// under-replicated peak is at least its value at the end (a download that
/// starts with corrupt replicas is short from the first instant: its peak
/// read 0 while the end read 9).
#[test]
fn the_under_replicated_peak_is_never_below_the_end() {
    at_every_end(|id, i, _, m| {
        assert!(
            m.under_replicated_peak >= m.under_replicated_end,
            "{id} side {i}: peak {} < end {}",
            m.under_replicated_peak,
            m.under_replicated_end
        );
    });
}

/// `check` on every side of every preset, run to its end, with its metrics.
fn at_every_end(mut check: impl FnMut(&str, usize, &super::ReplicaSim, &super::stats::ReplicaMetrics)) {
    for p in super::presets::all() {
        let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
        run.run_to_end(u64::MAX);
        for (i, sim) in run.sides.iter().enumerate() {
            check(p.id, i, sim, &sim.model().metrics(sim.now()));
        }
    }
}

/// Every shortfall that healed has a repair time, whatever made it: a node's
/// death, a failed write or a corrupt copy (variants and slow_node read "—"
/// after under-replicated peaks of 7 to 14 that came back to 0).
#[test]
fn every_healed_shortfall_has_a_repair_time() {
    let mut seen = 0;
    at_every_end(|id, i, sim, m| {
        if m.under_replicated_peak > 0 && m.under_replicated_end == 0 {
            let repair = m.repair_ms.unwrap_or_else(|| panic!("{id} side {i}: no repair time"));
            assert!(
                repair > 0.0 && repair <= sim.now().as_micros() as f64 / 1000.0,
                "{id} side {i}: {repair}"
            );
            seen += 1;
        }
    });
    assert!(seen >= 5, "{seen}");
}

/// The table's "at risk now" is the stage's "at risk" at the same instant, and
/// never below "under-replicated now": a node that is down only takes copies
/// away (the `variants` preset ends with B's stage at 13 at risk while the
/// table read 0 under-replicated, and had no row for what the stage said).
#[test]
fn the_table_says_what_the_stage_says_at_risk() {
    let mut seen_gap = false;
    at_every_end(|id, i, sim, m| {
        let stage = super::view::risk(sim.model(), sim.now()).at_risk;
        assert_eq!(m.at_risk_end, stage, "{id} side {i}");
        assert!(
            m.at_risk_end >= m.under_replicated_end,
            "{id} side {i}: at risk {} < under-replicated {}",
            m.at_risk_end,
            m.under_replicated_end
        );
        seen_gap |= m.at_risk_end > m.under_replicated_end;
    });
    assert!(seen_gap, "some preset ends with a node down holding copies");
}

/// The stage's mini-chart counts the chunks done up to now, from 0: it
/// stopped at the last whole slice (3 done at 1.4 s while the stage said 6).
#[test]
fn the_verdict_counts_chunks_done_up_to_now() {
    use crate::labs::sides::SidesView;
    use crate::time::SimTime;
    let p = super::presets::all().into_iter().find(|p| p.id == "demo").unwrap();
    let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
    for at in [700u64, 1_400, 1_980] {
        run.run_until(SimTime::from_ms(at), u64::MAX);
        let v = ReplicaModel::verdict(&run, 0);
        let done = &v.lines[0].points;
        assert_eq!(done.first(), Some(&(0.0, 0.0)));
        let now_ms = run.sides[0].now().as_micros() as f64 / 1000.0;
        let last = *done.last().unwrap();
        assert!(
            (last.0 - now_ms).abs() < 1e-6,
            "{at}: ends at {} not now {now_ms}",
            last.0
        );
        assert_eq!(
            last.1,
            run.sides[0].model().status_counts()[2] as f64,
            "{at}: the stage's count"
        );
    }
}

/// Done on the chart means done intact, as on the stage's bar: without a
/// checksum, corruption's B delivered 2 corrupt chunks, drawn on their own
/// line (its "done" climbed to 32 while the bar said 30 done, 2 corrupt).
#[test]
fn the_verdict_keeps_corrupt_deliveries_apart_from_done() {
    use crate::labs::sides::SidesView;
    let p = super::presets::all()
        .into_iter()
        .find(|p| p.id == "corruption")
        .unwrap();
    let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
    run.run_to_end(u64::MAX);
    let mut corrupt_seen = 0;
    for side in 0..2 {
        let v = ReplicaModel::verdict(&run, side);
        let m = run.sides[side].model();
        let stats = m.metrics(run.sides[side].now());
        assert_eq!(v.lines.len(), 3, "side {side}: done, at risk, corrupt");
        assert_eq!(v.lines[2].label_key, "replica.verdict.corrupt");
        let last = |i: usize| v.lines[i].points.last().unwrap().1;
        assert_eq!(last(2), stats.corrupt_delivered as f64, "side {side}");
        assert_eq!(
            last(0),
            (stats.chunks_ok - stats.corrupt_delivered) as f64,
            "side {side}"
        );
        assert_eq!(
            last(0) + last(2),
            m.status_counts()[2] as f64,
            "side {side}: the bar's done"
        );
        corrupt_seen += stats.corrupt_delivered;
    }
    assert!(corrupt_seen > 0, "some side delivers corrupt chunks");
    // No corruption configured: no such line.
    let p = super::presets::all().into_iter().find(|p| p.id == "demo").unwrap();
    let run = ReplicaRun::new(&p.config, p.seed).unwrap();
    assert_eq!(ReplicaModel::verdict(&run, 0).lines.len(), 2);
}

/// The scrubber names what was down — a node, a rack, the metadata server —
/// not "Service down" as if the whole store were.
#[test]
fn outage_marks_name_the_part_that_was_down() {
    use crate::labs::run::LabRun;
    for (id, key) in [
        ("demo", "replica.mark.node_down"),
        ("rack_down", "replica.mark.rack_down"),
        ("metadata_down", "replica.mark.metadata_down"),
    ] {
        let p = super::presets::all().into_iter().find(|p| p.id == id).unwrap();
        let run = ReplicaRun::new(&p.config, p.seed).unwrap();
        let marks = run.marks();
        assert!(!marks.is_empty(), "{id}");
        assert!(marks.iter().all(|m| run.outage_key(m) == key), "{id}");
    }
}

/// The "before" preset's upload gives up at its first failure: its bar says
/// "failed or never tried" (it read "5 failed" beside "Chunks failed 1"),
/// and its time is the time until it gave up, not a transfer time that read
/// faster than the demo's success.
#[test]
fn a_transfer_that_gave_up_says_so() {
    use crate::labs::run::LabRun;
    let p = super::presets::all().into_iter().find(|p| p.id == "before").unwrap();
    let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
    run.run_to_end(u64::MAX);
    let o = run.outcomes(0).unwrap();
    assert!(o.bad > 1);
    assert_eq!(o.bad_key, "replica.outcome.failed_or_skipped");
    let rows = run.metric_rows(0);
    let t = rows.iter().find(|r| r.key == "transfer_ms").unwrap();
    assert_eq!(t.label_key, "replica.metric.transfer_ms_stopped");
    let p = super::presets::all().into_iter().find(|p| p.id == "demo").unwrap();
    let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
    run.run_to_end(u64::MAX);
    assert_eq!(run.outcomes(0).unwrap().bad_key, "replica.outcome.failed");
    let rows = run.metric_rows(0);
    assert_eq!(
        rows.iter().find(|r| r.key == "transfer_ms").unwrap().label_key,
        "replica.metric.transfer_ms"
    );
}

/// Mid-transfer, "transfer time so far" is the time since the transfer began:
/// at 17 s (the slow node's moment once) A, three chunks stuck retrying node_3,
/// read 4.01 s (its last finished chunk) beside B's finished 9.98 s, so the
/// wrong tactic looked twice as fast (student review). At the end it is the
/// transfer's time, as the CLI gives it.
#[test]
fn a_transfer_under_way_counts_its_time_so_far() {
    use crate::labs::run::{LabRun, MetricValue};
    use crate::time::SimTime;
    let p = super::presets::all().into_iter().find(|p| p.id == "slow_node").unwrap();
    let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
    run.run_until(SimTime::from_ms(17_000), u64::MAX);
    let time = |run: &ReplicaRun, side| {
        let r = run
            .metric_rows(side)
            .into_iter()
            .find(|r| r.key == "transfer_ms")
            .unwrap();
        (r.value, r.provisional)
    };
    let (a, provisional) = time(&run, 0);
    assert!(provisional);
    let MetricValue::Ms(a) = a else { panic!("{a:?}") };
    assert!(a >= 16_900.0, "A, still going at 17 s: {a} ms");
    let MetricValue::Ms(b) = time(&run, 1).0 else { panic!() };
    assert!(b < a, "B, its chunks all done: {b} ms");
    run.run_to_end(u64::MAX);
    let end = run.sides[0].model().metrics(run.sides[0].now()).transfer_ms.unwrap();
    assert_eq!(time(&run, 0).0, MetricValue::Ms(end));
}

/// The table's "at risk, peak" is the most the stage ever said at once:
/// rack_down's stage read "80 at risk" while the table's only peak was 78
/// under-replicated (copies on a node that is down count there).
#[test]
fn the_table_has_the_stages_peak_at_risk() {
    use crate::time::SimTime;
    let mut above = false;
    for p in super::presets::all() {
        let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
        let mut seen = vec![0u64; run.sides.len()];
        let mut t = 0;
        while !run.sides.iter().all(|s| s.is_finished()) {
            t += 50;
            run.run_to(SimTime::from_ms(t), u64::MAX);
            for (i, sim) in run.sides.iter().enumerate() {
                seen[i] = seen[i].max(super::view::risk(sim.model(), sim.now()).at_risk);
            }
        }
        for (i, sim) in run.sides.iter().enumerate() {
            let m = sim.model().metrics(sim.now());
            assert!(
                m.at_risk_peak >= seen[i],
                "{} side {i}: {} < {}",
                p.id,
                m.at_risk_peak,
                seen[i]
            );
            assert!(
                m.at_risk_peak >= m.at_risk_end && m.at_risk_peak >= m.under_replicated_peak,
                "{}",
                p.id
            );
            above |= p.id == "rack_down" && m.at_risk_peak > m.under_replicated_peak;
        }
    }
    assert!(above, "rack_down's stage peak is above its under-replicated peak");
}

/// No copy is drawn on its way to a node that is down: it will not arrive
/// (the demo's row showed one on its way to node_2 after node_2 was reported).
#[test]
fn no_copy_is_on_its_way_to_a_node_that_is_down() {
    use super::view::{cell, Cell};
    use crate::time::SimTime;
    let (mut checked, mut missing) = (0, 0);
    for p in super::presets::all() {
        let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
        let mut t = 0;
        while !run.sides.iter().all(|s| s.is_finished()) && t < 120_000 {
            t += 100;
            run.run_to(SimTime::from_ms(t), u64::MAX);
            for sim in &run.sides {
                let m = sim.model();
                for (c, ch) in m.chunks.iter().enumerate() {
                    for &n in &ch.cloning {
                        let got = cell(m, c, n, sim.now());
                        if m.node_up(n, sim.now()) {
                            assert_eq!(got, Cell::Cloning, "{} chunk {c} node {n}", p.id);
                        } else {
                            assert_eq!(got, Cell::Missing, "{} chunk {c} node {n} is down", p.id);
                            missing += 1;
                        }
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 0 && missing > 0, "{checked} {missing}");
}

/// The moments of the presets that had one (before, corruption, slow_node,
/// all_corrupt, breaker): each caption's numbers and events at its pause.
#[test]
fn the_moments_of_the_failure_presets_say_what_the_run_shows() {
    use super::view::risk;
    use crate::labs::run::{LabRun, MetricValue};
    use crate::time::{human_ms, SimTime};
    let presets = super::presets::all();
    let get = |id: &str| presets.iter().find(|p| p.id == id).unwrap();
    let at = |id: &str, i: usize| {
        let p = get(id);
        let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
        run.run_until(SimTime::from_ms(p.moments[i].at_ms), u64::MAX);
        run
    };
    let records = |run: &ReplicaRun, side: usize| -> Vec<ReplicaRecord> {
        run.sides[side].trace().entries().map(|e| e.record).collect()
    };
    let metrics = |run: &ReplicaRun, side: usize| run.sides[side].model().metrics(run.sides[side].now());
    let count = |run: &ReplicaRun, side: usize| run.sides[side].model().status_counts();
    // The transfer time as the table shows it.
    let transfer = |run: &ReplicaRun, side: usize| {
        let row = run
            .metric_rows(side)
            .into_iter()
            .find(|r| r.key == "transfer_ms")
            .unwrap();
        let MetricValue::Ms(ms) = row.value else {
            panic!("{:?}", row.value)
        };
        (human_ms(ms), row.label_key)
    };
    let failures_on = |run: &ReplicaRun, side: usize, node: u32| {
        records(run, side)
            .iter()
            .filter(|r| matches!(r, ReplicaRecord::AttemptFailed { node: n, .. } if *n == node))
            .count()
    };
    let corrupt_chunks = |run: &ReplicaRun, side: usize| {
        run.sides[side]
            .model()
            .chunks
            .iter()
            .filter(|c| c.replicas.iter().any(|r| r.1 == Copy::Corrupt))
            .count()
    };
    // How long after `first` (the first record matching it) `then` comes, on
    // side `side` of a whole run of `id`.
    let gap = |id: &str, side: usize, first: &dyn Fn(&ReplicaRecord) -> bool, then: &dyn Fn(&ReplicaRecord) -> bool| {
        let p = get(id);
        let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
        run.run_to_end(u64::MAX);
        let t = run.sides[side].trace();
        let from = t.entries().find(|e| first(&e.record)).unwrap().at;
        let to = t.entries().find(|e| then(&e.record)).unwrap().at;
        to.since(from).as_micros() as f64 / 1e6
    };
    for (id, n) in [
        ("before", 2),
        ("corruption", 3),
        ("slow_node", 3),
        ("all_corrupt", 3),
        ("breaker", 3),
    ] {
        assert_eq!(get(id).moments.len(), n, "{id}");
    }
    // The English captions give the numbers checked below.
    for (id, i, said) in [
        ("before", 0, &["chunk 1", "Chunks 4 to 7"][..]),
        ("before", 1, &["3 of 8", "5 failed or never tried", "671 ms", "all 8"]),
        ("corruption", 0, &["9 of the 32", "9 chunks at risk; it knows of 0"]),
        (
            "corruption",
            1,
            &[
                "Corrupt reads caught” 2",
                "chunk 20",
                "knows of 2",
                "1 s",
                "“2 corrupt, not caught”",
            ],
        ),
        (
            "corruption",
            2,
            &["no corrupt chunk", "7 chunks at risk", "B's still 9"],
        ),
        (
            "slow_node",
            0,
            &["5 s", "20 s", "“slow”", "13 of the 16", "3 in progress"],
        ),
        (
            "slow_node",
            1,
            &["16 chunks", "9.98 s", "next replica, node_4", "1 s", "5 s"],
        ),
        (
            "slow_node",
            2,
            &["three node_3 chunks", "chunk 2's row", "21.31 s", "9.98 s"],
        ),
        ("all_corrupt", 0, &["node_4", "1 s", "node_5"]),
        ("all_corrupt", 1, &["node_5", "2 s", "7 chunks"]),
        ("all_corrupt", 2, &["3 attempts", "7 chunks"]),
        ("breaker", 0, &["chunk 13", "twice", "⚡ by node_2 on B", "5 s"]),
        (
            "breaker",
            1,
            &["chunk 13", "three times", "⚡ by node_2", "26 chunks done", "A's 22"],
        ),
        (
            "breaker",
            2,
            &[
                "40 chunks",
                "2.10 s",
                "1.05",
                "2.51 s",
                "1.15",
                "failure on the flapping node_2",
            ],
        ),
    ] {
        let text = crate::i18n::t(crate::i18n::Lang::En, &get(id).moments[i].caption_key);
        for s in said {
            assert!(text.contains(s), "{id} {}: {s:?} in {text:?}", i + 1);
        }
    }

    // before 1 (0.32 s): node_2 failed chunk 1's one try; the upload is
    // aborted and chunks 4 to 7 are never tried.
    let run = at("before", 0);
    let r = records(&run, 0);
    assert!(r.contains(&ReplicaRecord::ChunkFailed { chunk: 1, attempts: 1 }));
    assert!(r.contains(&ReplicaRecord::Aborted { chunk: 1 }));
    let m = run.sides[0].model();
    assert!((4..8).all(|c| m.chunks[c].status == ChunkStatus::Skipped));
    assert_eq!(metrics(&run, 0).chunks_skipped, 4);
    // before 2 (0.7 s): chunks 0, 2 and 3 landed; 3 done, 5 failed or never
    // tried, the transfer given up after 671 ms; the demo stored all 8.
    let run = at("before", 1);
    assert_eq!(count(&run, 0)[2], 3);
    assert!([0, 2, 3]
        .iter()
        .all(|&c| run.sides[0].model().chunks[c].status == ChunkStatus::Ok));
    let o = run.outcomes(0).unwrap();
    assert_eq!((o.ok, o.bad, o.open), (3, 5, 0));
    assert_eq!(o.bad_key, "replica.outcome.failed_or_skipped");
    assert_eq!(
        transfer(&run, 0),
        ("671 ms".into(), "replica.metric.transfer_ms_stopped")
    );
    let demo = get("demo");
    let mut d = ReplicaRun::new(&demo.config, demo.seed).unwrap();
    d.run_to_end(u64::MAX);
    assert_eq!(metrics(&d, 0).chunks_ok, 8, "the demo stores all 8");

    // corruption 1 (0.5 s): 9 of 32 chunks have a corrupt replica, "9 chunks
    // at risk; it knows of 0", and no node is suspected.
    let run = at("corruption", 0);
    for side in 0..2 {
        let m = run.sides[side].model();
        assert_eq!(m.chunks.len(), 32);
        assert_eq!(corrupt_chunks(&run, side), 9);
        assert_eq!(count(&run, side)[2], 0, "no chunk has arrived yet");
        let k = risk(m, run.sides[side].now());
        assert_eq!((k.at_risk, k.known), (9, 0));
        assert!(!records(&run, side)
            .iter()
            .any(|r| matches!(r, ReplicaRecord::Health { .. })));
    }
    // corruption 2 (4.1 s): A caught two corrupt replicas, chunk 20's (and
    // 23's), reported both ("knows of 2"), and waits before the next replica;
    // B delivered both, reported nothing ("2 corrupt, not caught").
    let run = at("corruption", 1);
    let k = risk(run.sides[0].model(), run.sides[0].now());
    assert_eq!(k.known, 2, "the metadata server knows of 2");
    let start = super::view::window_start(run.sides[0].model(), 16);
    assert!(
        (16..=20).contains(&start),
        "chunk 20's row among the first five: from {start}"
    );
    let r = records(&run, 0);
    for chunk in [20, 23] {
        assert!(r.iter().any(|x| matches!(x, ReplicaRecord::AttemptFailed { chunk: c, attempt: 1, why: Failure::Checksum, .. } if *c == chunk)));
        assert!(r
            .iter()
            .any(|x| matches!(x, ReplicaRecord::Reported { chunk: Some(c), .. } if *c == chunk)));
        assert!(!r
            .iter()
            .any(|x| matches!(x, ReplicaRecord::Attempt { chunk: c, attempt: 2, .. } if *c == chunk)));
        assert!(records(&run, 1)
            .iter()
            .any(|x| matches!(x, ReplicaRecord::ChunkOk { chunk: c, attempt: 1, .. } if *c == chunk)));
    }
    let (a, b) = (metrics(&run, 0), metrics(&run, 1));
    assert_eq!((a.corrupt_reads_caught, a.reports_sent, a.corrupt_delivered), (2, 2, 0));
    for chunk in [20, 23] {
        let failed = move |r: &ReplicaRecord| matches!(r, ReplicaRecord::AttemptFailed { chunk: c, .. } if *c == chunk);
        let retried =
            move |r: &ReplicaRecord| matches!(r, ReplicaRecord::Attempt { chunk: c, attempt: 2, .. } if *c == chunk);
        assert_eq!(gap("corruption", 0, &failed, &retried), 1.0, "a 1 s wait");
    }
    assert_eq!((b.corrupt_delivered, b.reports_sent), (2, 0));
    // The bar's "2 corrupt, not caught": B's done chunks delivered corrupt.
    assert_eq!(b.corrupt_delivered.min(count(&run, 1)[2]), 2);
    // corruption 3 (6.4 s): both done; A read 20 and 23 from their next
    // replicas, good copies were cloned in: 7 chunks at risk on A, 9 on B,
    // each of them a corrupt replica nobody read.
    let run = at("corruption", 2);
    let r = records(&run, 0);
    for chunk in [20, 23] {
        assert!(r
            .iter()
            .any(|x| matches!(x, ReplicaRecord::ChunkOk { chunk: c, attempt: 2, .. } if *c == chunk)));
        assert!(r
            .iter()
            .any(|x| matches!(x, ReplicaRecord::Cloned { chunk: c, .. } if *c == chunk)));
    }
    assert_eq!((count(&run, 0)[2], count(&run, 1)[2]), (32, 32));
    assert_eq!(
        (metrics(&run, 0).corrupt_delivered, metrics(&run, 1).corrupt_delivered),
        (0, 2)
    );
    assert_eq!((corrupt_chunks(&run, 0), corrupt_chunks(&run, 1)), (7, 9));
    for (side, n) in [(0, 7), (1, 9)] {
        let k = risk(run.sides[side].model(), run.sides[side].now());
        assert_eq!((k.at_risk, k.known), (n, 0), "side {side}");
    }
    for chunk in [20usize, 23] {
        let c = &run.sides[0].model().chunks[chunk];
        assert!(
            c.replicas.iter().all(|r| r.1 == Copy::Healthy) && c.replicas.len() == 3,
            "{chunk}: {:?}",
            c.replicas
        );
    }

    // slow_node 1 (5.1 s): chunk 2's first try on node_3 (its row in view)
    // timed out on both sides; 13 of 16 done, the 3 in progress (2, 8, 14)
    // all started on node_3, the slow one.
    assert_eq!(get("slow_node").config.nodes.slow, vec![3]);
    let run = at("slow_node", 0);
    for side in 0..2 {
        let r = records(&run, side);
        assert!(r.contains(&ReplicaRecord::AttemptFailed {
            chunk: 2,
            attempt: 1,
            node: 2,
            why: Failure::TimedOut
        }));
        let started = |r: &ReplicaRecord| {
            *r == ReplicaRecord::Attempt {
                chunk: 2,
                attempt: 1,
                node: 2,
            }
        };
        let timed_out = |r: &ReplicaRecord| {
            matches!(
                r,
                ReplicaRecord::AttemptFailed {
                    chunk: 2,
                    attempt: 1,
                    ..
                }
            )
        };
        assert_eq!(gap("slow_node", side, &started, &timed_out), 5.0, "after 5 s");
        assert_eq!((count(&run, side)[2], count(&run, side)[1]), (13, 3));
        let m = run.sides[side].model();
        assert_eq!(super::view::window_start(m, 16), 0, "chunk 2's row the third");
        for chunk in [2, 8, 14] {
            assert!(r.contains(&ReplicaRecord::Attempt {
                chunk,
                attempt: 1,
                node: 2
            }));
            assert_ne!(run.sides[side].model().chunks[chunk as usize].status, ChunkStatus::Ok);
        }
    }
    // slow_node 2 (10 s): B is done, 16 of 16 in 9.98 s, each of the three
    // sent to the next replica, node_4, on attempt 2; A is asking node_3
    // again for all three.
    let run = at("slow_node", 1);
    assert_eq!(count(&run, 1)[2], 16);
    assert_eq!(transfer(&run, 1).0, "9.98 s");
    let (ra, rb) = (records(&run, 0), records(&run, 1));
    for chunk in [2, 8, 14] {
        assert!(rb.contains(&ReplicaRecord::ChunkOk {
            chunk,
            node: 3,
            attempt: 2
        }));
        assert!(ra.contains(&ReplicaRecord::Attempt {
            chunk,
            attempt: 2,
            node: 2
        }));
        let failed = move |r: &ReplicaRecord| matches!(r, ReplicaRecord::AttemptFailed { chunk: c, attempt: 1, .. } if *c == chunk);
        let again = move |r: &ReplicaRecord| {
            *r == ReplicaRecord::Attempt {
                chunk,
                attempt: 2,
                node: 2,
            }
        };
        assert_eq!(gap("slow_node", 0, &failed, &again), 1.0, "A backs off 1 s");
    }
    assert_eq!((count(&run, 0)[2], count(&run, 0)[1]), (13, 3));
    // slow_node 3 (21.4 s): A gave up on its three node_3 chunks (2, 8 and
    // 14; chunk 2's row in view) after three timeouts each: 3 failed, 21.31 s,
    // against B's 0 and 9.98 s.
    let run = at("slow_node", 2);
    let r = records(&run, 0);
    for chunk in [2, 8, 14] {
        assert!(r.contains(&ReplicaRecord::ChunkFailed { chunk, attempts: 3 }));
        for attempt in 1..=3 {
            assert!(r.contains(&ReplicaRecord::Attempt {
                chunk,
                attempt,
                node: 2
            }));
        }
    }
    assert_eq!((metrics(&run, 0).chunks_failed, metrics(&run, 1).chunks_failed), (3, 0));
    assert_eq!(
        super::view::window_start(run.sides[0].model(), 16),
        0,
        "chunk 2's row in view"
    );
    assert_eq!(transfer(&run, 0).0, "21.31 s");
    assert_eq!(transfer(&run, 1).0, "9.98 s");

    // all_corrupt 1 (0.7 s): chunk 3's replica on node_4 failed its checksum,
    // was reported, the metadata server finds no good copy (lost); the
    // client tries node_5 only after a 1 s wait.
    let run = at("all_corrupt", 0);
    let r = records(&run, 0);
    assert!(r.contains(&ReplicaRecord::AttemptFailed {
        chunk: 3,
        attempt: 1,
        node: 3,
        why: Failure::Checksum
    }));
    assert!(r.contains(&ReplicaRecord::Reported {
        node: 3,
        chunk: Some(3)
    }));
    assert!(r.contains(&ReplicaRecord::Lost { chunk: 3 }));
    assert!(!r.iter().any(|x| matches!(
        x,
        ReplicaRecord::Attempt {
            chunk: 3,
            attempt: 2,
            ..
        }
    )));
    let p = get("all_corrupt");
    let mut later = ReplicaRun::new(&p.config, p.seed).unwrap();
    later.run_until(SimTime::from_ms(1_700), u64::MAX);
    let failed_at = later.sides[0]
        .trace()
        .entries()
        .find(|e| matches!(e.record, ReplicaRecord::AttemptFailed { chunk: 3, .. }))
        .unwrap()
        .at;
    let retried = later.sides[0]
        .trace()
        .entries()
        .find(|e| {
            e.record
                == ReplicaRecord::Attempt {
                    chunk: 3,
                    attempt: 2,
                    node: 4,
                }
        })
        .unwrap()
        .at;
    assert_eq!(retried.since(failed_at).as_micros(), 1_000_000, "1 s, then node_5");
    // all_corrupt 2 (2.4 s): node_5's replica failed its checksum too; the
    // other 7 chunks are all done.
    let run = at("all_corrupt", 1);
    let r = records(&run, 0);
    assert!(r.contains(&ReplicaRecord::AttemptFailed {
        chunk: 3,
        attempt: 2,
        node: 4,
        why: Failure::Checksum
    }));
    assert!(!r.iter().any(|x| matches!(
        x,
        ReplicaRecord::Attempt {
            chunk: 3,
            attempt: 3,
            ..
        }
    )));
    assert_eq!((count(&run, 0)[2], run.sides[0].model().chunks.len()), (7, 8));
    let failed = |r: &ReplicaRecord| {
        matches!(
            r,
            ReplicaRecord::AttemptFailed {
                chunk: 3,
                attempt: 2,
                ..
            }
        )
    };
    let third = |r: &ReplicaRecord| {
        *r == ReplicaRecord::Attempt {
            chunk: 3,
            attempt: 3,
            node: 5,
        }
    };
    assert_eq!(gap("all_corrupt", 0, &failed, &third), 2.0, "the next wait, 2 s");
    // all_corrupt 3 (5.2 s): node_6's too: chunk 3 failed after 3 attempts.
    let run = at("all_corrupt", 2);
    let r = records(&run, 0);
    assert!(r.contains(&ReplicaRecord::AttemptFailed {
        chunk: 3,
        attempt: 3,
        node: 5,
        why: Failure::Checksum
    }));
    assert!(r.contains(&ReplicaRecord::ChunkFailed { chunk: 3, attempts: 3 }));
    assert_eq!((count(&run, 0)[2], count(&run, 0)[3]), (7, 1));
    let c = &run.sides[0].model().chunks[3];
    assert_eq!(c.placement, [3, 4, 5], "its three replicas, each failed above");
    assert!(c.lost && c.replicas.is_empty(), "{:?}", c.replicas);

    // breaker 1 (0.85 s): node_2 is down; chunk 13 failed there twice on both
    // sides; B's breaker just opened (the ⚡ by node_2 on B), for 5 s; A has
    // none.
    let run = at("breaker", 0);
    let breakers = |run: &ReplicaRun, side: usize| -> Vec<bool> {
        super::view::nodes(run.sides[side].model(), run.sides[side].now())
            .iter()
            .map(|n| n.breaker_open)
            .collect()
    };
    let only_node_2 = vec![false, true, false, false, false, false];
    for side in 0..2 {
        let start = super::view::window_start(run.sides[side].model(), 16);
        assert_eq!(start, 11, "side {side}: #13 the third row");
    }
    assert_eq!(breakers(&run, 1), only_node_2);
    assert!(!breakers(&run, 0).contains(&true));
    assert_eq!(get("breaker").config.compare.as_ref().unwrap().breaker_open_ms, 5_000);
    assert!(!run.sides[0].model().node_up(1, run.sides[0].now()));
    assert_eq!((failures_on(&run, 0, 1), failures_on(&run, 1, 1)), (2, 2));
    for side in 0..2 {
        let r = records(&run, side);
        assert!(r.contains(&ReplicaRecord::AttemptFailed {
            chunk: 13,
            attempt: 2,
            node: 1,
            why: Failure::Unavailable
        }));
    }
    assert!(records(&run, 1).contains(&ReplicaRecord::BreakerOpen { node: 1 }));
    assert!(!records(&run, 0)
        .iter()
        .any(|r| matches!(r, ReplicaRecord::BreakerOpen { .. })));
    // breaker 2 (1.5 s): A's chunk 13 (its row in view) has failed three
    // times on node_2; B's breaker is still open and B has sent node_2
    // nothing since it opened; 26 chunks done on B, 22 on A.
    let run = at("breaker", 1);
    use super::view::Mark;
    assert_eq!(super::view::marks(run.sides[0].model(), 13), vec![Mark::Failed; 3]);
    let a13 = records(&run, 0)
        .iter()
        .filter(|r| matches!(r, ReplicaRecord::AttemptFailed { chunk: 13, node: 1, .. }))
        .count();
    assert_eq!(a13, 3);
    assert_eq!(
        super::view::window_start(run.sides[0].model(), 16),
        11,
        "#13 the third row"
    );
    assert_eq!(breakers(&run, 1), only_node_2);
    assert_eq!((count(&run, 0)[2], count(&run, 1)[2]), (22, 26));
    let b = records(&run, 1);
    let opened = b
        .iter()
        .position(|r| *r == ReplicaRecord::BreakerOpen { node: 1 })
        .unwrap();
    assert!(!b[opened..]
        .iter()
        .any(|r| matches!(r, ReplicaRecord::Attempt { node: 1, .. })));
    // breaker 3 (2.52 s): both done, all 40 chunks: B in 2.10 s with 1.05
    // attempts a chunk, A in 2.51 s with 1.15; every attempt beyond one a
    // chunk was a failure on node_2, and B had most of A's spared.
    let run = at("breaker", 2);
    assert_eq!((count(&run, 0)[2], count(&run, 1)[2]), (40, 40));
    assert_eq!(
        (transfer(&run, 0).0, transfer(&run, 1).0),
        ("2.51 s".into(), "2.10 s".into())
    );
    let (a, b) = (metrics(&run, 0), metrics(&run, 1));
    assert_eq!(
        (format!("{:.2}", a.mean_attempts), format!("{:.2}", b.mean_attempts)),
        ("1.15".into(), "1.05".into())
    );
    for side in 0..2 {
        let r = records(&run, side);
        let attempts = r.iter().filter(|x| matches!(x, ReplicaRecord::Attempt { .. })).count();
        let failed = r
            .iter()
            .filter(|x| matches!(x, ReplicaRecord::AttemptFailed { .. }))
            .count();
        assert_eq!(
            attempts - 40,
            failed,
            "side {side}: the extra attempts are the failures"
        );
        assert_eq!(failures_on(&run, side, 1), failed, "side {side}: all on node_2");
    }
    let (fa, fb) = (failures_on(&run, 0, 1), failures_on(&run, 1, 1));
    assert!(fa - fb > fa / 2, "most spared: {fa} against {fb}");
}

/// A corrupt copy a checksum caught keeps its place in the row, drawn as
/// dropped: all_corrupt's chunk 3 showed three "missing (node down)" cells
/// on six live nodes, its corruption gone from the screen.
#[test]
fn a_reported_corrupt_copy_is_drawn_dropped_not_missing() {
    use super::view::{cell, Cell};
    use crate::time::SimTime;
    let p = super::presets::all()
        .into_iter()
        .find(|p| p.id == "all_corrupt")
        .unwrap();
    let run_at = |ms: u64| {
        let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
        run.run_until(SimTime::from_ms(ms), u64::MAX);
        run
    };
    let cells = |run: &ReplicaRun| {
        let sim = &run.sides[0];
        let m = sim.model();
        m.chunks[3]
            .placement
            .iter()
            .map(|&n| cell(m, 3, n, sim.now()))
            .collect::<Vec<_>>()
    };
    assert_eq!(cells(&run_at(0)), vec![Cell::Corrupt; 3], "before any read");
    // Moment 1: node_4's copy caught and dropped; the others still corrupt.
    let run = run_at(p.moments[0].at_ms);
    let placement = run.sides[0].model().chunks[3].placement.clone();
    assert_eq!(placement[0], 3, "node_4 first");
    assert_eq!(cells(&run), vec![Cell::Dropped, Cell::Corrupt, Cell::Corrupt]);
    // Moment 3: all three caught; every node is up, so none is "missing".
    let run = run_at(p.moments[2].at_ms);
    assert_eq!(cells(&run), vec![Cell::Dropped; 3]);
    let m = run.sides[0].model();
    assert!((0..m.config().nodes.count).all(|n| m.node_up(n, run.sides[0].now())));
    // No other chunk has a dropped cell.
    for c in (0..m.chunks.len()).filter(|&c| c != 3) {
        for n in 0..m.config().nodes.count {
            assert_ne!(cell(m, c, n, run.sides[0].now()), Cell::Dropped, "chunk {c} node {n}");
        }
    }
}

/// Over, "at risk" is counted at each side's own last moment, and the row
/// says so: breaker's B ends while the flapping node_2 is down (13 at risk),
/// A a second later with it up (0); "at risk now" read as the breaker's doing.
#[test]
fn at_risk_at_the_end_says_when_it_was_counted() {
    let p = super::presets::all().into_iter().find(|p| p.id == "breaker").unwrap();
    let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
    let row = |run: &ReplicaRun, side| {
        run.metric_rows(side)
            .into_iter()
            .find(|r| r.key == "at_risk_end")
            .unwrap()
    };
    run.run_to(crate::SimTime::from_ms(1_000), u64::MAX);
    assert_eq!(row(&run, 0).label_key, "replica.metric.at_risk_end");
    run.run_to_end(u64::MAX);
    let ends: Vec<u64> = run.sides.iter().map(|s| s.now().as_micros() / 1000).collect();
    assert!(ends[0] != ends[1], "the sides end apart: {ends:?}");
    for side in 0..2 {
        let r = row(&run, side);
        assert_eq!(r.label_key, "replica.metric.at_risk_end_over");
        assert_eq!(r.help_key, "replica.help.at_risk_end_over");
        let under = run
            .metric_rows(side)
            .into_iter()
            .find(|r| r.key == "under_replicated_end")
            .unwrap();
        assert_eq!(under.label_key, "replica.metric.under_replicated_end_over");
        assert!(crate::i18n::t(crate::Lang::En, under.help_key).contains("“at risk when it ended”"));
    }
    let down = |side: usize| super::view::risk(run.sides[side].model(), run.sides[side].now());
    assert_eq!(
        (row(&run, 0).value, row(&run, 1).value),
        (
            crate::labs::run::MetricValue::Count(0),
            crate::labs::run::MetricValue::Count(13)
        )
    );
    assert!(down(1).at_risk > 0 && down(0).at_risk == 0);
}

/// "Repair time —" while chunks are still short read as "nothing to
/// repair": it says the repair has not finished (silent corruption, A).
/// Every preset: the note only where the repair is unfinished.
#[test]
fn an_unfinished_repair_says_so() {
    let mut noted = 0;
    for p in super::presets::all() {
        let mut run = ReplicaRun::new(&p.config, p.seed).unwrap();
        run.run_to_end(u64::MAX);
        for side in 0..run.side_count() {
            let m = run.sides[side].model().metrics(run.sides[side].now());
            let rows = run.metric_rows(side);
            let row = rows.iter().find(|r| r.key == "repair_ms").unwrap();
            let unfinished = m.repair_ms.is_none() && m.under_replicated_end > 0;
            assert_eq!(row.note_key.is_some(), unfinished, "{} side {side}", p.id);
            noted += usize::from(unfinished);
        }
    }
    assert!(noted >= 1, "the corruption preset's A repairs nothing to the end");
}

//! The saga's promises, checked over random seeds and fault settings, in
//! both modes: every order ends all done, or a prefix done and exactly those
//! steps undone in reverse; a rejection at the pivot undoes exactly what came
//! before it; failures after the pivot are retried, never compensated; with
//! no loss and idempotent consumers both modes end every order in the same
//! business state; stock is conserved; with loss, choreography leaves stuck
//! orders that the orchestrator's timeouts detect.

use super::config::*;
use super::model::{ChoreoModel, Order, Standing};
use super::record::ChoreoRecord;
use super::ChoreoRun;
use crate::patterns::bus::BusConfig;
use crate::patterns::service::{LatencyShape, Outage};
use crate::sim::Simulation;
use proptest::prelude::*;

/// Runs one side to the end, keeping every record; returns the model and,
/// per order, the steps that changed something, in order.
fn run_side(config: &ChoreographyConfig, mode: Mode, seed: u64) -> (ChoreoModel, Vec<Vec<Step>>) {
    config.validate_within(crate::validate::WorkLimits::LINK).unwrap();
    let mut sim = Simulation::with_trace_capacity(ChoreoModel::new(config.clone(), mode, seed), 2_000_000);
    sim.run_to_end(u64::MAX);
    assert!(sim.is_finished());
    let mut steps = vec![Vec::new(); sim.model().orders().len()];
    for e in sim.trace().entries() {
        if let ChoreoRecord::StepDone { order, step, .. } = e.record {
            if !step.is_side_note() {
                steps[order as usize].push(step);
            }
        }
    }
    assert_eq!(sim.trace().dropped(), 0);
    (sim.model().clone(), steps)
}

/// Preset `id`.
fn preset(id: &str) -> crate::labs::LabPreset<ChoreographyConfig> {
    super::presets::all()
        .into_iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("no preset {id}"))
}

/// Preset `id` run to its end, both sides.
fn ended(id: &str) -> ChoreoRun {
    let p = preset(id);
    let mut run = ChoreoRun::new(&p.config, p.seed).unwrap();
    run.run_to_end(u64::MAX);
    run
}

/// The saga's shape: forward steps a prefix of reserve, charge, schedule,
/// then (unless completed) exactly their compensations, most recent first.
fn saga_shape_holds(order: &Order, steps: &[Step]) -> Result<(), String> {
    let forward: Vec<Step> = steps.iter().copied().filter(|s| !s.is_compensation()).collect();
    let back: Vec<Step> = steps.iter().copied().filter(|s| s.is_compensation()).collect();
    let all = [Step::Reserve, Step::Charge, Step::Schedule];
    if forward.as_slice() != &all[..forward.len().min(3)] || forward.len() > 3 {
        return Err(format!("forward steps {forward:?} are not a prefix"));
    }
    // Every compensation comes after every forward step.
    let first_back = steps.iter().position(|s| s.is_compensation()).unwrap_or(steps.len());
    if steps[first_back..].iter().any(|s| !s.is_compensation()) {
        return Err(format!("a forward step after a compensation: {steps:?}"));
    }
    match order.standing() {
        Standing::Completed => {
            if forward.len() != 3 || !back.is_empty() {
                return Err(format!("completed with {steps:?}"));
            }
        }
        _ => {
            let want: Vec<Step> = forward.iter().rev().filter_map(|s| s.compensation()).collect();
            if back != want {
                return Err(format!("{:?}: undid {back:?}, wanted {want:?}", order.standing()));
            }
        }
    }
    Ok(())
}

fn world(seed_faults: (f64, f64, f64, f64), orders: u32) -> ChoreographyConfig {
    let (reject, cancel, inventory_fail, delivery_fail) = seed_faults;
    let mut c = ChoreographyConfig {
        workload: OrderWorkload::Burst {
            orders,
            within_ms: 3_000,
        },
        reject_rate: reject,
        cancel_rate: cancel,
        cancel_after_ms: 200,
        // Cancellations always come before shipping.
        ship_after_ms: 600_000,
        stock: orders,
        bus: BusConfig {
            latency_ms: 20,
            latency_shape: LatencyShape::Exponential,
            keep_order: true,
            ..BusConfig::default()
        },
        ..ChoreographyConfig::default()
    };
    c.services.inventory.transient_failure_rate = inventory_fail;
    c.services.delivery.transient_failure_rate = delivery_fail;
    // Enough tries that no step runs out of them (0.3^20 is negligible).
    c.retry.max_attempts = 20;
    c.retry.cap_ms = 1_000;
    c.step_timeout_ms = 60_000;
    c
}

fn faults() -> impl Strategy<Value = (f64, f64, f64, f64)> {
    (0.0..=1.0f64, 0.0..=0.6f64, 0.0..=0.3f64, 0.0..=0.3f64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Every order, in both modes: all steps done, or a prefix done and
    /// exactly those steps undone in reverse order; nothing held by an order
    /// that did not complete; no order left stuck.
    #[test]
    fn every_order_completes_or_is_undone_in_reverse(f in faults(), seed in any::<u64>()) {
        let config = world(f, 40);
        for mode in [Mode::Choreography, Mode::Orchestration] {
            let (model, steps) = run_side(&config, mode, seed);
            for (i, o) in model.orders().iter().enumerate() {
                prop_assert!(saga_shape_holds(o, &steps[i]).is_ok(), "{mode:?} order {i}: {:?}", saga_shape_holds(o, &steps[i]));
                prop_assert!(!o.is_inconsistent(), "{mode:?} order {i}: {:?} net {:?}", o.standing(), o.net());
                prop_assert!(!matches!(o.standing(), Standing::Stuck | Standing::InProgress), "{mode:?} order {i}: {:?}", o.standing());
            }
            // Stock is conserved: what is left plus what orders hold is what there was.
            let held: i64 = model.orders().iter().map(|o| o.net().0).sum();
            prop_assert_eq!(model.stock() as i64 + held, config.stock as i64);
        }
    }

    /// With no loss and idempotent services, both modes end every order in
    /// the same business state — only the coordination differs.
    #[test]
    fn both_modes_reach_the_same_business_state(f in faults(), dup in 0.0..=0.5f64, seed in any::<u64>()) {
        let mut config = world(f, 30);
        config.bus.duplicate_rate = dup;
        let (a, _) = run_side(&config, Mode::Choreography, seed);
        let (b, _) = run_side(&config, Mode::Orchestration, seed);
        // The business state: what each order holds, and whether it completed.
        // (Why an order that did not complete ended can differ: a customer's
        // cancellation may reach the orchestrator before it asks for the
        // payment, and the payment service after it has declined the card.)
        for (i, (x, y)) in a.orders().iter().zip(b.orders()).enumerate() {
            prop_assert_eq!(x.net(), y.net(), "order {}", i);
            prop_assert_eq!(x.standing() == Standing::Completed, y.standing() == Standing::Completed, "order {}", i);
        }
        prop_assert_eq!(a.metrics().duplicate_effects, 0);
    }
}

/// The same world with the larger flow's four services in it (a fraud check
/// before the payment; points and an invoice beside the delivery; analytics
/// hearing everything), wired as [`eight_service_wiring`].
fn larger(mut c: ChoreographyConfig) -> ChoreographyConfig {
    c.services.fraud = Some(reliable(30));
    c.services.loyalty = Some(reliable(20));
    c.services.invoicing = Some(reliable(25));
    c.services.analytics = Some(reliable(5));
    c.wiring = eight_service_wiring();
    c
}

/// The larger flow's saga, whose steps are partly parallel: the forward
/// steps done follow the orchestrator's order where it is a chain (stock,
/// fraud check, payment), each undo comes after what it undoes, and an
/// order that did not complete has undone exactly what it did.
fn larger_saga_holds(order: &Order, steps: &[Step]) -> Result<(), String> {
    let forward: Vec<Step> = steps.iter().copied().filter(|s| !s.is_compensation()).collect();
    let chain: Vec<Step> = forward.iter().copied().filter(|s| !s.after_pivot()).collect();
    let want_chain = [Step::Reserve, Step::Screen, Step::Charge];
    if chain.as_slice() != &want_chain[..chain.len().min(3)] {
        return Err(format!("the chain {chain:?} is not a prefix of {want_chain:?}"));
    }
    if forward.iter().any(|s| s.after_pivot()) && chain.len() < 3 {
        return Err(format!("a step after the pivot without the payment: {steps:?}"));
    }
    // Each undo comes after what it undoes. (Not every undo after every
    // step: in choreography a points award already on its way when the
    // refund goes out still happens, and is then revoked — a race the
    // services settle, and the end state is checked below.)
    for (j, c) in steps.iter().enumerate().filter(|(_, s)| s.is_compensation()) {
        if !steps[..j].iter().any(|s| s.compensation() == Some(*c)) {
            return Err(format!("{c:?} before what it undoes: {steps:?}"));
        }
    }
    let mut back: Vec<Step> = steps.iter().copied().filter(|s| s.is_compensation()).collect();
    let mut want: Vec<Step> = forward.iter().filter_map(|s| s.compensation()).collect();
    match order.standing() {
        Standing::Completed if forward.len() != 6 || !back.is_empty() => Err(format!("completed with {steps:?}")),
        Standing::Completed => Ok(()),
        _ => {
            back.sort();
            want.sort();
            if back == want {
                Ok(())
            } else {
                Err(format!("{:?}: undid {back:?}, wanted {want:?}", order.standing()))
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// The larger flow keeps the saga's promises in both modes, and with no
    /// loss and idempotent services both modes end every order in the same
    /// business state (points and invoices included).
    #[test]
    fn the_larger_flow_keeps_the_saga(f in faults(), seed in any::<u64>()) {
        let config = larger(world(f, 30));
        let (a, steps_a) = run_side(&config, Mode::Choreography, seed);
        let (b, steps_b) = run_side(&config, Mode::Orchestration, seed);
        for (model, steps, mode) in [(&a, &steps_a, "choreography"), (&b, &steps_b, "orchestration")] {
            for (i, o) in model.orders().iter().enumerate() {
                prop_assert!(larger_saga_holds(o, &steps[i]).is_ok(), "{mode} order {i}: {:?}", larger_saga_holds(o, &steps[i]));
                prop_assert!(!o.is_inconsistent(), "{mode} order {i}: {:?} {:?} {:?}", o.standing(), o.net(), o.net_extras());
                prop_assert!(!matches!(o.standing(), Standing::Stuck | Standing::InProgress), "{mode} order {i}");
            }
        }
        for (i, (x, y)) in a.orders().iter().zip(b.orders()).enumerate() {
            prop_assert_eq!((x.net(), x.net_extras()), (y.net(), y.net_extras()), "order {}", i);
        }
    }
}

/// With nothing to disturb it, the larger flow costs exactly the messages
/// the page's theory row says: 7 events to 20 listeners' copies in
/// choreography; 6 commands, 6 replies and 14 notifications (7 each to
/// notifications and analytics) with an orchestrator. The wiring has 42
/// rows of who listens to what; the orchestrator needs none.
#[test]
fn the_larger_flow_costs_what_its_wiring_says() {
    use super::page::flow_messages;
    let mut config = larger(ChoreographyConfig::default());
    config.workload = OrderWorkload::Burst {
        orders: 50,
        within_ms: 5_000,
    };
    assert_eq!(flow_messages(&config, Mode::Choreography), (7, 20, 0));
    assert_eq!(flow_messages(&config, Mode::Orchestration), (6, 26, 14));
    let base = ChoreographyConfig::default();
    assert_eq!(flow_messages(&base, Mode::Choreography), (4, 7, 0));
    assert_eq!(flow_messages(&base, Mode::Orchestration), (3, 10, 4));
    for (mode, per_order, rows) in [(Mode::Choreography, 20.0, 42), (Mode::Orchestration, 26.0, 0)] {
        let (model, steps) = run_side(&config, mode, 5);
        let m = model.metrics();
        assert_eq!(m.completed, 50, "{mode:?}");
        assert_eq!(m.messages_per_order, per_order, "{mode:?}");
        assert_eq!(m.subscriptions, rows, "{mode:?}");
        assert_eq!(m.services.len(), 8 + (mode == Mode::Orchestration) as usize);
        assert_eq!(m.services["analytics"].processed, m.services["notification"].processed);
        for (i, o) in model.orders().iter().enumerate() {
            assert_eq!((o.net(), o.net_extras()), ((1, 1, 1), (1, 1)), "order {i}");
            assert_eq!(steps[i].len(), 6);
        }
    }
}

/// A customer who cancels a completed order in the larger flow gets every
/// holding undone: delivery, payment, points, invoice, stock.
#[test]
fn a_cancellation_in_the_larger_flow_undoes_points_and_invoice_too() {
    let mut config = larger(world((0.0, 1.0, 0.0, 0.0), 10));
    config.cancel_after_ms = 5_000;
    for mode in [Mode::Choreography, Mode::Orchestration] {
        let (model, steps) = run_side(&config, mode, 3);
        for (i, o) in model.orders().iter().enumerate() {
            assert_eq!(o.standing(), Standing::CancelledByCustomer, "{mode:?} order {i}");
            assert_eq!((o.net(), o.net_extras()), ((0, 0, 0), (0, 0)), "{mode:?} order {i}");
            assert_eq!((o.awarded, o.revoked, o.invoiced, o.voided), (1, 1, 1, 1));
            assert_eq!(
                steps[i].iter().filter(|s| s.is_compensation()).count(),
                5,
                "{mode:?} {:?}",
                steps[i]
            );
        }
        if mode == Mode::Orchestration {
            // The orchestrator undoes in exactly the reverse of its order.
            assert_eq!(
                &steps[0][6..],
                [
                    Step::CancelDelivery,
                    Step::Void,
                    Step::Revoke,
                    Step::Refund,
                    Step::Release
                ]
            );
        }
    }
}

/// A service of the larger flow cannot be wired in until its config is set:
/// the error names the wiring row, and old links (without these services)
/// read and run exactly as before.
#[test]
fn the_larger_flows_services_must_be_in_the_flow() {
    let mut c = ChoreographyConfig::default();
    c.wiring.push(Listen {
        service: ServiceId::Loyalty,
        on: Topic::PaymentProcessed,
    });
    let errs = c.validate_within(crate::validate::WorkLimits::LINK).unwrap_err();
    assert!(errs.iter().any(|e| e.field == "wiring[17].service"), "{errs:?}");
    c.services.loyalty = Some(reliable(20));
    c.validate_within(crate::validate::WorkLimits::LINK).unwrap();
    c.services.loyalty.as_mut().unwrap().latency_ms = u64::MAX;
    let errs = c.validate_within(crate::validate::WorkLimits::LINK).unwrap_err();
    assert!(
        errs.iter().any(|e| e.field.starts_with("services.loyalty.")),
        "{errs:?}"
    );
    // The text's config says nothing of the new services.
    let json = serde_json::to_string(&ChoreographyConfig::default()).unwrap();
    for key in ["fraud", "loyalty", "invoicing", "analytics"] {
        assert!(!json.contains(key), "{json}");
    }
}

/// A rejection at the pivot undoes exactly what came before it: the stock.
#[test]
fn a_rejected_payment_undoes_exactly_the_reservation() {
    let config = world((1.0, 0.0, 0.0, 0.0), 20);
    for mode in [Mode::Choreography, Mode::Orchestration] {
        let (model, steps) = run_side(&config, mode, 7);
        for (i, o) in model.orders().iter().enumerate() {
            assert_eq!(steps[i], [Step::Reserve, Step::Release], "{mode:?} order {i}");
            assert_eq!(o.standing(), Standing::Compensated);
            assert_eq!((o.charged, o.scheduled), (0, 0));
        }
        assert_eq!(model.stock(), 20);
    }
}

/// Delivery, after the pivot, fails half the time: it is retried until it
/// works and nothing is ever compensated.
#[test]
fn failures_after_the_pivot_are_retried_never_compensated() {
    let mut config = world((0.0, 0.0, 0.0, 0.5), 40);
    config.retry.max_attempts = 20;
    for mode in [Mode::Choreography, Mode::Orchestration] {
        let (model, steps) = run_side(&config, mode, 11);
        let m = model.metrics();
        assert_eq!(m.completed, 40, "{mode:?}");
        assert_eq!(m.compensations, 0, "{mode:?}");
        assert!(model.consumer(ServiceId::Delivery.index()).failed > 10, "{mode:?}");
        assert!(steps
            .iter()
            .all(|s| s == &[Step::Reserve, Step::Charge, Step::Schedule]));
    }
}

/// A customer's cancellation before shipping undoes every completed step,
/// in reverse order: cancel the delivery, refund, release.
#[test]
fn a_cancellation_after_completion_undoes_everything_in_reverse() {
    let mut config = world((0.0, 1.0, 0.0, 0.0), 10);
    config.cancel_after_ms = 5_000;
    for mode in [Mode::Choreography, Mode::Orchestration] {
        let (model, steps) = run_side(&config, mode, 3);
        for (i, o) in model.orders().iter().enumerate() {
            assert_eq!(
                steps[i],
                [
                    Step::Reserve,
                    Step::Charge,
                    Step::Schedule,
                    Step::CancelDelivery,
                    Step::Refund,
                    Step::Release
                ],
                "{mode:?} order {i}"
            );
            assert_eq!(o.standing(), Standing::CancelledByCustomer);
        }
    }
}

/// Finite stock: orders beyond it are refused cleanly (nothing charged),
/// and stock never goes below zero.
#[test]
fn orders_beyond_the_stock_are_refused_cleanly() {
    let mut config = world((0.0, 0.0, 0.0, 0.0), 30);
    config.stock = 10;
    for mode in [Mode::Choreography, Mode::Orchestration] {
        let (model, _) = run_side(&config, mode, 5);
        let m = model.metrics();
        assert_eq!((m.completed, m.out_of_stock, m.inconsistent), (10, 20, 0), "{mode:?}");
        assert_eq!(model.stock(), 0);
        assert!(model.orders().iter().filter(|o| o.out_of_stock).all(|o| o.charged == 0));
    }
}

/// With lost events, choreography leaves orders stuck with no one the
/// wiser; the orchestrator's timeouts notice every loss and retry, so none
/// is stuck. The timeout watcher notices choreography's stalls too.
#[test]
fn with_loss_choreography_stalls_silently_and_orchestration_detects() {
    let mut config = world((0.0, 0.0, 0.0, 0.0), 200);
    config.bus.loss_rate = 0.1;
    config.step_timeout_ms = 1_000;
    let (chor, _) = run_side(&config, Mode::Choreography, 9);
    let (orch, _) = run_side(&config, Mode::Orchestration, 9);
    let (c, o) = (chor.metrics(), orch.metrics());
    assert!(c.stuck > 10, "{c:?}");
    assert_eq!(c.detected, 0);
    assert_eq!(o.stuck, 0, "{o:?}");
    assert!(o.detected > 10, "{o:?}");
    config.watcher_ms = 2_000;
    let (watched, _) = run_side(&config, Mode::Choreography, 9);
    let w = watched.metrics();
    assert!(w.detected > 10 && w.stuck < c.stuck, "{w:?}");
}

/// Duplicates with a non-idempotent refund refund twice; idempotent
/// services ignore the second copy.
#[test]
fn duplicates_double_refund_unless_idempotent() {
    let mut config = world((0.0, 1.0, 0.0, 0.0), 30);
    config.cancel_after_ms = 5_000;
    config.bus.duplicate_rate = 0.5;
    config.idempotent = false;
    let (model, _) = run_side(&config, Mode::Choreography, 4);
    assert!(model.orders().iter().any(|o| o.refunded > o.charged), "a double refund");
    assert!(model.metrics().duplicate_effects > 0 && model.metrics().inconsistent > 0);
    config.idempotent = true;
    let (model, _) = run_side(&config, Mode::Choreography, 4);
    assert_eq!(model.metrics().duplicate_effects, 0);
    assert_eq!(model.metrics().inconsistent, 0);
}

/// A service down for a window: choreography redelivers until it gives up
/// (the orders stall, silently); the orchestrator gives up too, but
/// compensates what it did.
#[test]
fn a_service_outage_stalls_choreography_and_the_orchestrator_compensates() {
    let mut config = world((0.0, 0.0, 0.0, 0.0), 50);
    config.retry.max_attempts = 3;
    config.retry.cap_ms = 200;
    config.step_timeout_ms = 1_000;
    config.services.payment.outages = vec![Outage {
        from_ms: 0,
        to_ms: 60_000,
        node: None,
    }];
    let (chor, _) = run_side(&config, Mode::Choreography, 2);
    let (orch, _) = run_side(&config, Mode::Orchestration, 2);
    assert_eq!(chor.metrics().stuck, 50);
    assert_eq!(chor.metrics().dead_letters, 50);
    assert_eq!(orch.metrics().compensated, 50);
    assert_eq!(orch.metrics().inconsistent, 0);
    assert_eq!(orch.stock(), 50);
}

/// The world is the same on both sides of a run: orders at the same times,
/// the same payments rejected.
#[test]
fn both_sides_meet_the_same_world() {
    let config = ChoreographyConfig {
        workload: OrderWorkload::Poisson {
            rate_per_s: 20.0,
            duration_ms: 2_000,
        },
        reject_rate: 0.3,
        ..ChoreographyConfig::default()
    };
    let mut run = ChoreoRun::new(&config, 8).unwrap();
    run.run_to_end(u64::MAX);
    let (a, b) = (run.sides[0].model(), run.sides[1].model());
    assert_eq!(a.orders().len(), b.orders().len());
    for (x, y) in a.orders().iter().zip(b.orders()) {
        assert_eq!(x.placed, y.placed);
        assert_eq!(x.rejected, y.rejected);
    }
}

/// Bad configurations name the field.
#[test]
fn bad_configs_name_their_field() {
    let bad = |c: ChoreographyConfig| -> Vec<String> {
        c.validate_within(crate::validate::WorkLimits::LINK)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect()
    };
    let mut c = ChoreographyConfig::default();
    c.wiring.push(Listen {
        service: ServiceId::Delivery,
        on: Topic::InventoryReserved,
    });
    assert_eq!(bad(c), [format!("wiring[{}].on", chained_wiring().len())]);
    let mut c = ChoreographyConfig::default();
    c.services.payment.nodes = 2;
    assert_eq!(bad(c), ["services.payment.nodes"]);
    let c = ChoreographyConfig {
        reject_rate: 1.5,
        ..ChoreographyConfig::default()
    };
    assert_eq!(bad(c), ["reject_rate"]);
    let c = ChoreographyConfig {
        workload: OrderWorkload::Burst {
            orders: 100_000,
            within_ms: 0,
        },
        ..ChoreographyConfig::default()
    };
    assert_eq!(bad(c), ["config"]);
    // Unknown fields are refused when reading.
    let err = crate::labs::LabConfig::from_json(
        crate::labs::LabId::Choreography,
        serde_json::json!({"stock": 5, "colour": "red"}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("colour"), "{err}");
}

/// Theory, exactly: with fixed times and no faults, an order's messages and
/// its time to complete follow from the flow's shape. Choreography: four
/// events, each to its listeners (order_placed, inventory_reserved and
/// payment_processed to their step and to notifications, delivery_scheduled
/// to notifications): 7 messages; done after 3 hops and the three steps.
/// Orchestration: a command and a reply per step (6) and a notification at
/// the start and after each step (4): 10 messages; each step costs a hop
/// there, a hop back and the orchestrator's turn: 5 hops and 3 turns more.
#[test]
fn messages_and_completion_time_follow_the_flow() {
    let (hop, inv, pay, del, orch) = (20.0, 40.0, 80.0, 60.0, 5.0);
    let mut c = ChoreographyConfig {
        workload: OrderWorkload::Burst {
            orders: 50,
            within_ms: 50_000,
        },
        ..ChoreographyConfig::default()
    };
    c.bus.latency_shape = LatencyShape::Fixed;
    c.bus.latency_ms = hop as u64;
    for (s, ms) in [
        (&mut c.services.inventory, inv),
        (&mut c.services.payment, pay),
        (&mut c.services.delivery, del),
        (&mut c.services.orchestrator, orch),
    ] {
        s.latency_shape = LatencyShape::Fixed;
        s.latency_ms = ms as u64;
    }
    let chor = run_side(&c, Mode::Choreography, 1).0.metrics();
    let orch_m = run_side(&c, Mode::Orchestration, 1).0.metrics();
    assert_eq!(chor.messages_per_order, 7.0);
    assert_eq!(orch_m.messages_per_order, 10.0);
    let chor_ms = 3.0 * hop + inv + pay + del;
    let orch_ms = orch + 5.0 * hop + inv + pay + del + 2.0 * orch;
    // The histogram's buckets are within 1 % of the value.
    assert!((chor.p50_ms.unwrap() - chor_ms).abs() <= chor_ms * 0.01, "{chor:?}");
    assert!((orch_m.p50_ms.unwrap() - orch_ms).abs() <= orch_ms * 0.01, "{orch_m:?}");
    assert_eq!(chor.p50_ms, chor.p99_ms);
}

/// Theory: with independent failures at rate p per handling and n tries,
/// a step runs out of tries with chance pⁿ, so over many orders the dead
/// letters of choreography's first step match N·pⁿ (two standard
/// deviations).
#[test]
fn dead_letters_match_p_to_the_n() {
    let (p, n, orders) = (0.5, 3u32, 4_000u32);
    let mut c = world((0.0, 0.0, p, 0.0), orders);
    c.retry.max_attempts = n;
    let m = run_side(&c, Mode::Choreography, 21).0.metrics();
    let expect = orders as f64 * libm::pow(p, n as f64);
    let sd = libm::sqrt(orders as f64 * libm::pow(p, n as f64) * (1.0 - libm::pow(p, n as f64)));
    assert!(
        (m.dead_letters as f64 - expect).abs() <= 2.0 * sd,
        "{} dead letters, expected {expect:.0} ± {:.0}",
        m.dead_letters,
        2.0 * sd
    );
    assert_eq!(m.stuck, m.dead_letters);
    // The metrics table's prediction is that N·pⁿ, over the deliveries the
    // run made (here one per order), with its formula.
    let (sim, _) = run_side(&c, Mode::Choreography, 21);
    let theory = super::page::dead_letter_theory(&sim).expect("a faulty service");
    assert_eq!(
        sim.stats().first_deliveries[ServiceId::Inventory.index()],
        orders as u64
    );
    assert_eq!(theory.value.as_f64(), Some(expect));
    assert_eq!(theory.caveat_key, None);
    assert_eq!(theory.formula(crate::i18n::Lang::En), "4000 first deliveries × 0.5³");
    assert_eq!(theory.formula(crate::i18n::Lang::Es), "4000 primeras entregas × 0,5³");
}

/// Theory, in general: several faulty services, failing for now (retried)
/// and for good (not), compensations included. The prediction sums each
/// service's first deliveries × (pⁿ + q·(1 + p + … + pⁿ⁻¹)); over ten
/// seeds, the measured dead letters stay within three standard deviations
/// of it. In orchestration there is no prediction (nothing is
/// dead-lettered); with an outage it says its failures are not independent.
/// (Notifications stay reliable here: an order's notifications share one
/// draw, so their failures come in clusters — the mean holds, the spread
/// is wider than a binomial's.)
#[test]
fn dead_letters_match_their_prediction_with_several_faulty_services() {
    let mut c = world((0.2, 0.0, 0.3, 0.25), 3_000);
    c.retry.max_attempts = 2;
    c.services.payment.transient_failure_rate = 0.2;
    c.services.payment.permanent_failure_rate = 0.05;
    c.services.delivery.permanent_failure_rate = 0.05;
    let (mut measured, mut predicted) = (0.0, 0.0);
    for seed in 1..=10 {
        let (sim, _) = run_side(&c, Mode::Choreography, seed);
        let t = super::page::dead_letter_theory(&sim).expect("faulty services");
        assert_eq!(t.formula_key, "choreo.theory.dead_letters");
        assert_eq!(t.caveat_key, None);
        measured += sim.metrics().dead_letters as f64;
        predicted += t.value.as_f64().unwrap();
        let (orch, _) = run_side(&c, Mode::Orchestration, seed);
        assert!(super::page::dead_letter_theory(&orch).is_none());
    }
    assert!(predicted > 5_000.0, "{predicted}");
    // Each delivery a Bernoulli trial: the variance is at most the mean.
    assert!(
        (measured - predicted).abs() <= 3.0 * libm::sqrt(predicted),
        "{measured} dead letters, predicted {predicted:.1}"
    );
    let mut c = world((0.0, 0.0, 0.0, 0.0), 50);
    assert!(super::page::dead_letter_theory(&run_side(&c, Mode::Choreography, 1).0).is_none());
    c.services.delivery.outages = vec![Outage {
        from_ms: 100,
        to_ms: 900,
        node: None,
    }];
    // An outage alone: nothing random for theory to predict.
    let (sim, _) = run_side(&c, Mode::Choreography, 1);
    assert!(super::page::dead_letter_theory(&sim).is_none());
    // With random failures too, the outage is said.
    c.services.payment.transient_failure_rate = 0.2;
    let (sim, _) = run_side(&c, Mode::Choreography, 1);
    let t = super::page::dead_letter_theory(&sim).expect("random failures and an outage");
    assert_eq!(t.caveat_key, Some("choreo.caveat.dead_letters_outages"));
}

/// The run as the shared page reads it: chunked runs name states by event
/// count; the verdict's totals, the outcomes and the table agree with the
/// metrics; every text the page will show exists in every language; the
/// flow's exact message count sits beside the measured one, with a caveat
/// when the run can disturb it.
#[test]
fn the_page_reads_the_run_consistently() {
    use crate::labs::run::LabRun;
    use crate::labs::sides::checks::{page_reads_every_preset, PageCheck};
    page_reads_every_preset::<super::ChoreoModel>(
        super::presets::all(),
        PageCheck {
            step_ms: 50,
            step_events: 97,
            units: &|sim| sim.model().metrics().orders,
            all_decided: true,
            derived_row: &|_| false,
            raw_keys: &["log.choreo", "choreo.step"],
            side: &|p, run, side| {
                let m = run.sides[side].model().metrics();
                let v = run.verdict(side);
                let last = |i: usize| v.lines[i].points.last().map_or(0.0, |p| p.1);
                assert_eq!(last(0), m.orders as f64, "{}", p.id);
                // The orders completed now, as the table counts them: a later
                // cancellation takes one back (counting every completion ever,
                // the chart read 19 beside the table's 0 when everyone cancelled).
                assert_eq!(last(1), m.completed as f64, "{}", p.id);
            },
        },
    );
    // The calm demo: the flow's count, measured and predicted, without a caveat.
    let demo = super::presets::all().into_iter().find(|p| p.id == "demo").unwrap();
    let mut run = ChoreoRun::new(&demo.config, demo.seed).unwrap();
    run.run_to_end(u64::MAX);
    for (side, want) in [(0, 7.0), (1, 10.0)] {
        let row = run
            .metric_rows(side)
            .into_iter()
            .find(|r| r.key == "messages_per_order")
            .unwrap();
        let theory = row.theory.unwrap();
        assert_eq!(row.value.as_f64(), Some(want));
        assert_eq!(theory.value.as_f64(), Some(want));
        assert_eq!(theory.caveat_key, None);
    }
    // An outage is marked once for the world, the orchestrator's on its side.
    let down = super::presets::all()
        .into_iter()
        .find(|p| p.id == "orchestrator_down")
        .unwrap();
    let run = ChoreoRun::new(&down.config, down.seed).unwrap();
    let marks = run.marks();
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].side, Some(1));
}

/// The stage cards' chart of completed orders is the metrics' "completed" at
/// the end of every preset, and never below 0 on the way: an order a customer
/// cancels after its delivery was scheduled leaves it (the chart counted every
/// delivery scheduled, 19 beside the table's 0 when everyone cancelled).
#[test]
fn the_chart_of_completed_orders_is_the_metric() {
    use crate::labs::LabRun;
    for p in super::presets::all() {
        let mut run = ChoreoRun::new(&p.config, p.seed).unwrap();
        let mut at = 0;
        loop {
            let progress = run.run_to(crate::time::SimTime::from_ms(at), u64::MAX);
            for side in 0..run.side_count() {
                let v = run.verdict(side);
                assert!(v.lines[1].points.iter().all(|pt| pt.1 >= 0.0), "{}", p.id);
                // Mid-run both lines reach now with the counts so far (they
                // stopped a slice short: the demo's line was empty at 46 ms).
                let sim = &run.sides[side];
                if !sim.is_finished() && at > 0 {
                    let m = sim.model().metrics();
                    let now = sim.now().as_micros() as f64 / 1000.0;
                    for (line, want) in [(0, m.orders as f64), (1, m.completed as f64)] {
                        let last = *v.lines[line].points.last().unwrap();
                        assert_eq!(last, (now, want), "{} side {side} at {at} ms, line {line}", p.id);
                    }
                }
            }
            if progress == crate::sim::Progress::Finished {
                break;
            }
            at += 250;
        }
        for side in 0..run.side_count() {
            let sim = &run.sides[side];
            let completed = sim.model().metrics().completed;
            let line = &run.verdict(side).lines[1];
            assert_eq!(line.label_key, "choreo.verdict.completed");
            assert_eq!(line.points.last().unwrap().1, completed as f64, "{} side {side}", p.id);
        }
    }
    // The one-order demo: its order is placed at 0 and the line says so at
    // once, a step, not a ramp across the first slice.
    let p = super::presets::all().into_iter().find(|p| p.id == "demo").unwrap();
    let mut run = ChoreoRun::new(&p.config, p.seed).unwrap();
    run.run_to(crate::time::SimTime::from_ms(46), u64::MAX);
    let placed = &run.verdict(0).lines[0].points;
    assert!(placed.contains(&(0.0, 1.0)), "{placed:?}");
    assert_eq!(*placed.last().unwrap(), (46.0, 1.0));
    // The preset where it mattered: every customer cancels.
    let run = ended("double_refund");
    assert_eq!(run.verdict(0).lines[1].points.last().unwrap().1, 0.0);
}

/// One parcel per order, and a cancelled order that ships anyway says so:
/// with duplicated, non-idempotent bookings the trace read "shipped ×4" for
/// an order the customer had cancelled, with nothing to say why.
#[test]
fn an_order_ships_once_and_a_cancelled_one_that_ships_says_so() {
    use super::record::ChoreoRecord;
    let run = ended("double_refund");
    let mut anyway = 0;
    for sim in &run.sides {
        let mut shipped = std::collections::BTreeMap::<u32, u32>::new();
        for e in sim.trace().entries() {
            match e.record {
                ChoreoRecord::Shipped { order } => *shipped.entry(order).or_default() += 1,
                ChoreoRecord::ShippedCancelled { order } => {
                    *shipped.entry(order).or_default() += 1;
                    let o = &sim.model().orders()[order as usize];
                    assert!(o.cancelled && o.net().2 > 0, "order {order}");
                    anyway += 1;
                }
                _ => {}
            }
        }
        assert!(shipped.values().all(|&n| n == 1), "{shipped:?}");
    }
    // Every customer cancels and bookings are duplicated: some parcels leave anyway.
    assert!(anyway > 0);
}

/// Times to complete are of the orders counted completed: double_refund read
/// "Completed 0" beside "Time to complete, p50 248 ms" (every customer
/// cancelled after the delivery was scheduled).
#[test]
fn times_to_complete_are_of_the_completed_orders() {
    let mut none = 0;
    for p in super::presets::all() {
        let run = ended(p.id);
        for sim in &run.sides {
            let m = sim.model().metrics();
            assert_eq!(m.completed == 0, m.p50_ms.is_none(), "{}: {m:?}", p.id);
            none += usize::from(m.completed == 0);
        }
    }
    assert!(none > 0, "some preset completes nothing");
}

/// Lost messages are counted as messages are, a copy per listener: at the
/// same loss rate both coordinations lose the same share (event_lost read
/// 7 lost of 401 in choreography beside 36 of 629 in orchestration).
#[test]
fn both_modes_lose_the_bus_loss_rate_of_their_messages() {
    let mut p = preset("event_lost");
    let rate = p.config.bus.loss_rate;
    assert_eq!(rate, 0.05);
    p.config.workload = OrderWorkload::Poisson {
        rate_per_s: 20.0,
        duration_ms: 60_000,
    };
    p.config.stock = 100_000;
    let mut run = ChoreoRun::new(&p.config, p.seed).unwrap();
    run.run_to_end(u64::MAX);
    for sim in &run.sides {
        let m = sim.model().metrics();
        let share = m.lost_messages as f64 / m.messages as f64;
        assert!(
            (share - rate).abs() < 0.01,
            "{:?}: {} of {}",
            sim.model().mode(),
            m.lost_messages,
            m.messages
        );
    }
}

/// The orchestrator's timer for a step already answered changes nothing: a
/// run ends at its last real record, and an order whose orchestrator is done
/// is no longer "in progress" while such a timer waits. Payment_rejected's B
/// ran on to 1.35 s and read "1 compensating" for 850 ms after its last
/// reply; a late cancellation that reopens a finished order counts its
/// timers again (no underflow: every preset runs in the other tests).
#[test]
fn a_spent_step_timer_neither_prolongs_the_run_nor_keeps_an_order_in_progress() {
    for id in ["payment_rejected", "customer_cancels"] {
        // The orchestrated side (B): the one with step timers.
        let run = ended(id);
        let sim = &run.sides[1];
        let last = sim.trace().entries().next_back().unwrap().at;
        assert_eq!(sim.now(), last, "{id}: B ends at its last record");
    }
    let p = preset("payment_rejected");
    let mut run = ChoreoRun::new(&p.config, p.seed).unwrap();
    run.run_to_end(u64::MAX);
    let end = run.sides[1].now();
    assert!(end < crate::time::SimTime::from_ms(600), "B ends at {end:?}");
    let o = &run.sides[1].model().orders()[0];
    assert_eq!(o.standing(), Standing::Compensated);
}

/// double_refund's captions give what duplicates did: by 1.5 s order 1 was
/// charged twice and refunded 3 times on A; at the end A charged 38 times
/// and refunded 43 for 19 orders, and released stock 63 times for 26
/// reservations: 137 units left of 100 ("Stock left").
#[test]
fn double_refunds_captions_count_what_duplicates_did() {
    let p = preset("double_refund");
    let mut run = ChoreoRun::new(&p.config, p.seed).unwrap();
    run.run_to(crate::time::SimTime::from_ms(p.moments[1].at_ms), u64::MAX);
    let o = &run.sides[0].model().orders()[0];
    assert_eq!((o.charged, o.refunded), (2, 3));
    run.run_to_end(u64::MAX);
    let model = run.sides[0].model();
    let m = model.metrics();
    let sum = |f: fn(&super::model::Order) -> u32| model.orders().iter().map(f).sum::<u32>();
    assert_eq!(
        (
            m.orders,
            sum(|o| o.charged),
            sum(|o| o.refunded),
            sum(|o| o.reserved),
            sum(|o| o.released)
        ),
        (19, 38, 43, 26, 63)
    );
    assert_eq!(m.stock_left, 137);
    assert_eq!(p.config.stock, 100);
    use crate::labs::run::LabRun;
    let row = run
        .metric_rows(0)
        .into_iter()
        .find(|r| r.key == "stock_left")
        .expect("a Stock left row");
    assert_eq!(row.value, crate::labs::run::MetricValue::Count(137));
    for (i, said) in [
        &["charged twice", "refunded 3 times"][..],
        &[
            "38 times for 19 orders",
            "refunded 43 times",
            "63 times for 26",
            "137 of 100",
        ],
    ]
    .into_iter()
    .enumerate()
    {
        let key = p.moments[i + 1].caption_key.clone();
        let text = crate::i18n::t(crate::i18n::Lang::En, &key);
        for s in said {
            assert!(text.contains(s), "{}: {s:?} in {text:?}", i + 2);
        }
    }
    // The embed's shorter end caption gives the same numbers.
    let text = crate::i18n::t(
        crate::i18n::Lang::En,
        "preset.choreography.double_refund.moment.3.compact",
    );
    for s in ["38 times", "refunded 43 for 19 orders", "137 of 100"] {
        assert!(text.contains(s), "compact: {s:?} in {text:?}");
    }
}

/// The orchestrator's notices are numbered as notices, never as attempts:
/// in the demo, where nothing fails, the log read "notify the customer
/// (attempt 2)", "(attempt 3)", "(attempt 4)", as if it had failed three times.
#[test]
fn the_log_numbers_notices_not_attempts() {
    use crate::trace::Narrate;
    let run = ended("demo");
    let orchestrated = run
        .sides
        .iter()
        .find(|s| s.model().mode() == Mode::Orchestration)
        .expect("an orchestrated side");
    let mut notices = 0;
    for e in orchestrated.trace().entries() {
        if let ChoreoRecord::Command { step, attempt, .. } = e.record {
            let line = e.record.narrate(crate::Lang::En);
            if step == Step::Notify {
                notices += 1;
                assert!(line.contains(&format!("(notice {attempt})")), "{line}");
            } else {
                assert!(line.contains("(attempt 1)"), "nothing fails in the demo: {line}");
            }
        }
    }
    assert!(notices >= 4, "an order has several notices: {notices}");
}

/// event_lost's captions: in B every lost command or reply is noticed and
/// sent again, so all 60 orders complete, while a lost notice to the
/// customer is not (nobody waits for an answer to one): 16 of the 240
/// notices (4 an order, as every order of the loss-free demo gets) never
/// arrive. The caption said "each lost message was … sent again".
#[test]
fn event_lost_b_resends_steps_never_notices() {
    let demo = ended("demo");
    let calm = &demo.sides[1];
    let m = calm.model().metrics();
    assert_eq!(m.notifications, 4 * m.orders, "4 notices an order with nothing lost");
    let run = ended("event_lost");
    let b = run.sides[1].model();
    assert_eq!(b.mode(), Mode::Orchestration);
    let m = b.metrics();
    assert_eq!((m.orders, m.completed, m.stuck), (60, 60, 0));
    assert_eq!(4 * m.orders - m.notifications, 16, "notices lost");
    assert_eq!(m.lost_messages, 36);
    let a = run.sides[0].model().metrics();
    assert_eq!((a.stuck, a.inconsistent), (7, 5));
}

/// Every message on the bus counts: choreography's redeliveries as
/// orchestration's retried commands (A read exactly theory's 7.00 per order
/// beside B's 12.1 with the same 59 failures on each side); a run that
/// disturbs the flow, the orchestrator down included, says so beside
/// theory's count.
#[test]
fn redeliveries_and_retries_are_messages_and_disturb_theory() {
    use crate::labs::run::{LabRun, MetricValue};
    let finished = |id: &str| {
        let p = super::presets::all().into_iter().find(|p| p.id == id).unwrap();
        let mut run = super::ChoreoRun::new(&p.config, p.seed).unwrap();
        run.run_to_end(u64::MAX);
        run
    };
    let row = |run: &super::ChoreoRun, side: usize| {
        let rows = run.metric_rows(side);
        let r = rows.iter().find(|r| r.key == "messages_per_order").unwrap().clone();
        let MetricValue::Number(v) = r.value else {
            panic!("{r:?}")
        };
        (v, r.theory.unwrap())
    };
    let run = finished("delivery_retried");
    let (a, theory) = row(&run, 0);
    let MetricValue::Number(flow) = theory.value else {
        panic!()
    };
    assert!(a > flow + 0.5, "A's redeliveries counted: {a} vs {flow}");
    assert_eq!(theory.caveat_key, Some("choreo.caveat.disturbed"));
    let run = finished("orchestrator_down");
    // Choreography has no orchestrator to lose: its flow is undisturbed.
    assert_eq!(row(&run, 0).1.caveat_key, None);
    assert_eq!(row(&run, 1).1.caveat_key, Some("choreo.caveat.disturbed"));
}

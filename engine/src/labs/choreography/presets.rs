//! The choreography lab's presets: the course text's demo first, then the
//! scenarios that teach what the text only warns about. Each compares
//! choreography (A) with orchestration (B) in the same world.

use super::config::*;
use crate::labs::run::Moment;
use crate::labs::LabPreset;
use crate::patterns::bus::{BusConfig, Window};
use crate::patterns::service::{LatencyShape, Outage};

fn preset(id: &'static str, seed: u64, config: ChoreographyConfig) -> LabPreset<ChoreographyConfig> {
    LabPreset {
        id,
        seed,
        moments: moments(id, moment_times(id)),
        config,
    }
}

fn moments(id: &str, at_ms: &[u64]) -> Vec<Moment> {
    Moment::at(crate::labs::LabId::Choreography, id, at_ms)
}

/// When each preset's guided moments come, picked by running the preset (its
/// seed) so each lands just after the thing it points at happens (the
/// `moments_land_where_things_happen` test checks the records are there).
fn moment_times(id: &str) -> &'static [u64] {
    match id {
        // inventory_reserved (A 45.5 ms), payment processed (A 137.6), both completed and
        // B's orchestrator has its last reply (320.9).
        // (Its orders then ship 2 s after delivery is scheduled, at A 2245.4 and
        // B 2288.1 ms, the run's end: the third moment says so.)
        "demo" => &[46, 138, 322],
        "notifications" => &[330, 6_000],
        // payment_rejected published (A 271.1); released (A 351.3) and B's orchestrator
        // has the rejection and has sent its release command (which reaches inventory at
        // 404.3: at 352 it still waited for the payment's reply, while the caption said
        // it commands the release); B's last reply (500.x), its notice to the customer
        // about to arrive (the run ends at 544.2).
        "payment_rejected" => &[272, 385, 544],
        // the cancellation (150), delivery cancelled with nothing to undo (A 190.7), both done:
        // B's last reply in, its notice to the customer about to arrive (the run ends at 464.1).
        "customer_cancels" => &[150, 191, 464],
        // A loses order 22's payment_processed (3267.9; its token reaches its ✕ on the
        // bus a quarter of the way through its 250 ms crossing); it is stuck; the end.
        "event_lost" => &[3_400, 4_700, 13_286],
        // the same loss; the watcher flags it (6267.9); released (6673.1); the end, with
        // A's orders the watcher's undo never fully reached.
        "watcher" => &[3_400, 6_268, 6_674, 13_286],
        // first failure (5190.8), A's dead letter (6501.5), B gives up (6775.3).
        "inventory_down" => &[5_191, 6_502, 6_776],
        "delivery_retried" => &[605, 5_000],
        // first cancellation (1225.3), refund (1495.7), the end.
        "double_refund" => &[1_226, 1_496, 12_136],
        // cancellation before the reservation (126.9), reserved after it (227.0), released (378.9).
        "reordered" => &[127, 228, 379],
        "orchestrator_down" => &[500, 2_000, 4_000],
        // delivery scheduled first (217.3), a rejection (1982.0), out of stock (3764.7).
        "parallel_steps" => &[218, 1_982, 3_765],
        // the bus goes down (3000), B times out (4174.7), the bus is back (6000).
        "bus_down" => &[3_000, 4_175, 6_000],
        // the first order half-way through eight services; most orders done.
        "larger_flow" => &[700, 9_000],
        _ => &[],
    }
}

fn poisson(rate_per_s: f64, duration_ms: u64) -> OrderWorkload {
    OrderWorkload::Poisson {
        rate_per_s,
        duration_ms,
    }
}

/// A service (its one node) down from `from_ms` to `to_ms`.
fn down(from_ms: u64, to_ms: u64) -> Outage {
    Outage {
        from_ms,
        to_ms,
        node: None,
    }
}

pub fn all() -> Vec<LabPreset<ChoreographyConfig>> {
    let base = ChoreographyConfig::default;
    let mut flaky_delivery = base();
    flaky_delivery.workload = poisson(5.0, 10_000);
    flaky_delivery.services.delivery.transient_failure_rate = 0.5;
    flaky_delivery.retry.max_attempts = 12;
    let mut lossy = base();
    lossy.workload = poisson(5.0, 10_000);
    lossy.bus.loss_rate = 0.05;
    let mut watched = lossy.clone();
    watched.watcher_ms = 3_000;
    let mut inventory_down = base();
    inventory_down.workload = poisson(5.0, 20_000);
    inventory_down.services.inventory.outages = vec![down(5_000, 15_000)];
    let mut double_refund = base();
    double_refund.workload = poisson(2.0, 10_000);
    double_refund.cancel_rate = 1.0;
    double_refund.cancel_after_ms = 1_000;
    double_refund.bus.duplicate_rate = 0.5;
    double_refund.idempotent = false;
    let mut reordered = base();
    reordered.workload = poisson(5.0, 10_000);
    reordered.cancel_rate = 0.5;
    reordered.cancel_after_ms = 30;
    reordered.bus = BusConfig {
        latency_ms: 60,
        latency_shape: LatencyShape::Exponential,
        keep_order: false,
        ..BusConfig::default()
    };
    let mut orchestrator_down = base();
    orchestrator_down.workload = OrderWorkload::Burst {
        orders: 200,
        within_ms: 2_000,
    };
    orchestrator_down.stock = 1_000;
    orchestrator_down.services.orchestrator.outages = vec![down(500, 4_000)];
    let mut parallel = base();
    parallel.workload = poisson(5.0, 10_000);
    parallel.wiring = text_wiring();
    parallel.stock = 20;
    parallel.reject_rate = 0.1;
    let mut bus_down = base();
    bus_down.workload = poisson(5.0, 10_000);
    bus_down.bus.outages = vec![Window {
        from_ms: 3_000,
        to_ms: 6_000,
    }];
    // The larger flow: eight services, the same order.
    let mut larger = base();
    larger.workload = poisson(2.0, 10_000);
    larger.services.fraud = Some(reliable(50));
    larger.services.loyalty = Some(reliable(20));
    larger.services.invoicing = Some(reliable(30));
    larger.services.analytics = Some(reliable(5));
    larger.wiring = eight_service_wiring();
    vec![
        // The text's demo: one order, the same console story both ways.
        preset("demo", 1, base()),
        // Notifications hear every event: added without touching any other service.
        preset(
            "notifications",
            2,
            ChoreographyConfig {
                workload: poisson(2.0, 10_000),
                ..base()
            },
        ),
        preset(
            "payment_rejected",
            3,
            ChoreographyConfig {
                reject_rate: 1.0,
                ..base()
            },
        ),
        preset(
            "customer_cancels",
            4,
            ChoreographyConfig {
                cancel_rate: 1.0,
                cancel_after_ms: 150,
                ..base()
            },
        ),
        preset("event_lost", 5, lossy),
        preset("watcher", 5, watched),
        preset("inventory_down", 6, inventory_down),
        preset("delivery_retried", 7, flaky_delivery),
        preset("double_refund", 8, double_refund),
        preset("reordered", 9, reordered),
        preset("orchestrator_down", 10, orchestrator_down),
        preset("parallel_steps", 11, parallel),
        preset("bus_down", 12, bus_down),
        // Eight services: count who listens to what, and the messages per order.
        preset("larger_flow", 13, larger),
    ]
}

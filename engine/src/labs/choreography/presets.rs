//! The choreography lab's presets: the course text's demo first, then the
//! scenarios that teach what the text only warns about. Each compares
//! choreography (A) with orchestration (B) in the same world.

use super::config::*;
use crate::labs::LabPreset;
use crate::patterns::bus::{BusConfig, Window};
use crate::patterns::service::{LatencyShape, Outage};

fn preset(id: &'static str, seed: u64, config: ChoreographyConfig) -> LabPreset<ChoreographyConfig> {
    LabPreset {
        id,
        seed,
        config,
        moments: vec![],
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

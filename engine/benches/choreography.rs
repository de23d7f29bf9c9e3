//! The choreography lab's speed: a 10,000-order run (Poisson, 100 orders/s
//! for 100 s, 2 % of payments rejected, 10 % of orders cancelled, the
//! bus losing 1 % and duplicating 2 %), each coordination mode on its own,
//! run to the end. Criterion reports orders per second; the line printed
//! before it gives the events.
//!
//! ```text
//! cargo bench -p playground-engine --bench choreography
//! ```

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use engine::labs::choreography::config::{ChoreographyConfig, Mode, OrderWorkload};
use engine::labs::choreography::ChoreoModel;
use engine::sim::Simulation;
use std::time::Duration;

fn ten_thousand_orders() -> ChoreographyConfig {
    let mut c = ChoreographyConfig {
        workload: OrderWorkload::Poisson {
            rate_per_s: 100.0,
            duration_ms: 100_000,
        },
        stock: 1_000_000,
        reject_rate: 0.02,
        cancel_rate: 0.1,
        compare: None,
        ..ChoreographyConfig::default()
    };
    c.bus.loss_rate = 0.01;
    c.bus.duplicate_rate = 0.02;
    c.watcher_ms = 5_000;
    c
}

fn run(config: &ChoreographyConfig, mode: Mode) -> (u64, u64) {
    let mut sim = Simulation::new(ChoreoModel::new(config.clone(), mode, 42));
    sim.run_to_end(u64::MAX);
    (sim.model().orders().len() as u64, sim.events())
}

fn choreography(c: &mut Criterion) {
    let config = ten_thousand_orders();
    let mut group = c.benchmark_group("choreography_10k_orders");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6));
    for mode in [Mode::Choreography, Mode::Orchestration] {
        let (orders, events) = run(&config, mode);
        println!("{mode:?}: {orders} orders, {events} events per run");
        group.throughput(Throughput::Elements(orders));
        group.bench_function(format!("{mode:?}"), |b| {
            b.iter(|| black_box(run(black_box(&config), mode)))
        });
    }
    group.finish();
}

criterion_group!(benches, choreography);
criterion_main!(benches);

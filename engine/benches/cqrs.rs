//! The CQRS lab's speed: a million commands (Poisson, 10,000 commands/s for
//! 100 s, 30 % status changes, 5 % cancellations) and as many reads, through
//! a queue projector that applies each change as it arrives (every change
//! still an event of its own), run to the end. Criterion reports
//! commands per second; the line printed before it gives the events.
//!
//! ```text
//! cargo bench -p playground-engine --bench cqrs
//! ```

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use engine::labs::cqrs::config::{CqrsConfig, CqrsSide, CqrsWorkload};
use engine::labs::cqrs::CqrsModel;
use engine::patterns::projector::{ProjectorConfig, SyncMode};
use engine::patterns::service::LatencyShape;
use engine::sim::Simulation;
use std::time::Duration;

fn a_million_commands() -> CqrsConfig {
    CqrsConfig {
        workload: CqrsWorkload::Poisson {
            writes_per_s: 10_000.0,
            reads_per_s: 10_000.0,
            duration_ms: 100_000,
            users: 10_000,
            update_share: 0.3,
            cancel_share: 0.05,
        },
        projector: ProjectorConfig {
            mode: SyncMode::Queue,
            service_ms: 0,
            service_shape: LatencyShape::Exponential,
            ..ProjectorConfig::default()
        },
        ..CqrsConfig::default()
    }
}

fn run(config: &CqrsConfig) -> (u64, u64) {
    let mut sim = Simulation::new(CqrsModel::new(config.clone(), CqrsSide::default(), 42));
    sim.run_to_end(u64::MAX);
    (sim.model().stats().commands, sim.events())
}

fn cqrs(c: &mut Criterion) {
    let config = a_million_commands();
    let mut group = c.benchmark_group("cqrs_1m_commands");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));
    let (commands, events) = run(&config);
    println!("{commands} commands, {events} events per run");
    group.throughput(Throughput::Elements(commands));
    group.bench_function("queue_projector", |b| b.iter(|| black_box(run(black_box(&config)))));
    group.finish();
}

criterion_group!(benches, cqrs);
criterion_main!(benches);

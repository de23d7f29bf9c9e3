//! The replica-failover lab's speed: a 10,000-chunk upload over 50 nodes
//! (16 MB chunks, 32 workers, 5 % of transfers failing, two nodes dying
//! and being repaired, heartbeats every second), run to the end. Criterion
//! reports chunks per second; the line printed before it gives the events.
//!
//! ```text
//! cargo bench -p playground-engine --bench replica
//! ```

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use engine::labs::replica::config::{NodeOutage, ReplicaConfig};
use engine::labs::replica::ReplicaModel;
use engine::sim::Simulation;
use std::time::Duration;

fn ten_thousand_chunks() -> ReplicaConfig {
    let mut c = ReplicaConfig::default();
    c.workload.chunks_per_file = 10_000;
    c.workload.chunk_mb = 16.0;
    c.nodes.count = 50;
    c.nodes.failure_rate = 0.05;
    c.nodes.outages = vec![
        NodeOutage {
            node: 7,
            from_ms: 5_000,
            to_ms: 600_000,
        },
        NodeOutage {
            node: 31,
            from_ms: 20_000,
            to_ms: 600_000,
        },
    ];
    c.client.workers = 32;
    c.settle_ms = 10_000;
    c
}

fn run(config: &ReplicaConfig) -> (u64, u64) {
    let mut sim = Simulation::new(ReplicaModel::new(config.clone(), config.client.clone(), 42));
    sim.run_to_end(u64::MAX);
    (sim.model().chunks.len() as u64, sim.events())
}

fn replica(c: &mut Criterion) {
    let config = ten_thousand_chunks();
    let mut group = c.benchmark_group("replica_10k_chunks_50_nodes");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    let (chunks, events) = run(&config);
    println!("{chunks} chunks, {events} events per run");
    group.throughput(Throughput::Elements(chunks));
    group.bench_function("upload", |b| b.iter(|| black_box(run(black_box(&config)))));
    group.finish();
}

criterion_group!(benches, replica);
criterion_main!(benches);

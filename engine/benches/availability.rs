//! The availability lab's speed: a simulated day at 100 requests/s (30 %
//! registrations), the primary crashing every ~6 h for ~10 min, a cold
//! backup, ping-echo every second, run to the end. Criterion reports
//! requests per second; the line printed before it gives the events.
//!
//! ```text
//! cargo bench -p playground-engine --bench availability
//! ```

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use engine::labs::availability::config::{AvailabilityConfig, Crashes, Load};
use engine::labs::availability::AvailabilityModel;
use engine::sim::Simulation;
use std::time::Duration;

fn a_day_at_100_per_second() -> AvailabilityConfig {
    let mut c = AvailabilityConfig {
        load: Load {
            requests_per_s: 100.0,
            ramp_up_ms: 0,
            duration_ms: 24 * 3_600_000,
            command_share: 0.3,
        },
        ..AvailabilityConfig::default()
    };
    c.registration.crashes = Crashes::Random {
        mttf_ms: 6 * 3_600_000,
        mttr_ms: 600_000,
    };
    c
}

fn run(config: &AvailabilityConfig) -> (u64, u64) {
    let mut sim = Simulation::new(AvailabilityModel::new(config.clone(), config.tactics.clone(), 42));
    sim.run_to_end(u64::MAX);
    let s = &sim.model().stats;
    (s.commands + s.queries, sim.events())
}

fn availability(c: &mut Criterion) {
    let config = a_day_at_100_per_second();
    let mut group = c.benchmark_group("availability_day_100_rps");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));
    let (requests, events) = run(&config);
    println!("{requests} requests, {events} events per run");
    group.throughput(Throughput::Elements(requests));
    group.bench_function("ping_echo_cold_backup", |b| {
        b.iter(|| black_box(run(black_box(&config))))
    });
    group.finish();
}

criterion_group!(benches, availability);
criterion_main!(benches);

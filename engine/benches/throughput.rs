//! How fast the engine simulates, in events per second, for comparing one
//! change with the next: (a) a storm preset run to the end, both sides, as
//! the browser runs it; (b) a large Poisson workload of ~200,000 requests.
//! Criterion reports throughput in elements, where an element is one event.
//!
//! ```text
//! cargo bench -p playground-engine --bench throughput            # full
//! cargo bench -p playground-engine --bench throughput -- --quick # a few seconds
//! ```
//!
//! For plain events/s and requests/s to quote, use the `rate` bench.

mod support;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use std::time::Duration;
use support::{large_poisson, preset, run, Workbench};

fn bench_run(c: &mut Criterion, w: &Workbench, sample_size: usize) {
    let work = run(w);
    let mut group = c.benchmark_group("run_to_end");
    group
        .sample_size(sample_size)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    group.throughput(Throughput::Elements(work.events));
    group.bench_function(&w.name, |b| b.iter(|| black_box(run(black_box(w)))));
    group.finish();
}

fn throughput(c: &mut Criterion) {
    bench_run(c, &preset("storm_breaker").expect("the storm_breaker preset"), 20);
    bench_run(c, &large_poisson(), 10);
}

criterion_group!(benches, throughput);
criterion_main!(benches);

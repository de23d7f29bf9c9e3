//! The engine against a bare retry loop on the same workload — issue 7's
//! yardstick: 100 clients sending 10 requests a second each for 100 s
//! (about 100,000 requests), calls failing with p = 0.5 after an
//! exponential latency (mean 50 ms), at most 4 attempts, exponential
//! backoff from 10 ms capped at 1 s with full jitter.
//!
//! The bare loop is what a hand-written simulation of that workload is: one
//! binary heap of (time, sequence, event), the same seeded random numbers,
//! and nothing else — no trace, no digest, no series, no timelines, no
//! breaker or budget hooks. The engine does all of that on top, so the ratio
//! (engine time ÷ bare time) says what the playground's features cost.
//!
//! ```text
//! cargo bench -p playground-engine --bench bare_loop               # criterion, then the ratio
//! cargo bench -p playground-engine --bench bare_loop -- --quick
//! ```

use criterion::{black_box, Criterion, Throughput};
use engine::labs::retry::config::{LatencyShape, RetryConfig, ServiceConfig, Strategy, Workload};
use engine::labs::retry::RetryRun;
use engine::patterns::backoff::{Jitter, WaitKind};
use engine::rng::SimRng;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::{Duration, Instant};

const CLIENTS: u32 = 100;
const RATE_PER_CLIENT: f64 = 10.0;
const DURATION_MS: u64 = 100_000;
const P_FAIL: f64 = 0.5;
const MAX_ATTEMPTS: u32 = 4;
const LATENCY_MS: u64 = 50;
const BASE_MS: u64 = 10;
const CAP_MS: u64 = 1_000;
const SEED: u64 = 7;

/// The workload as a retry-lab config.
fn config() -> RetryConfig {
    RetryConfig {
        workload: Workload::Poisson {
            clients: CLIENTS,
            rate_per_client: RATE_PER_CLIENT,
            duration_ms: DURATION_MS,
        },
        service: ServiceConfig {
            transient_failure_rate: P_FAIL,
            latency_ms: LATENCY_MS,
            latency_shape: LatencyShape::Exponential,
            ..ServiceConfig::default()
        },
        strategy: Strategy {
            max_attempts: MAX_ATTEMPTS,
            wait: WaitKind::Exponential,
            base_ms: BASE_MS,
            multiplier: 2.0,
            cap_ms: CAP_MS,
            jitter: Jitter::Full,
            ..Strategy::default()
        },
        ..RetryConfig::default()
    }
}

/// The engine: requests and succeeded requests.
fn engine_run(config: &RetryConfig) -> (u64, u64) {
    let mut run = RetryRun::new(config, SEED).expect("valid");
    run.run_to_end(u64::MAX);
    let stats = run.a.model().stats();
    (stats.requests, stats.succeeded)
}

/// Events of the bare loop, packed in a u64 so the heap entry stays small:
/// kind in the top 2 bits, attempt in the next 6, the id below.
const ARRIVE: u64 = 0;
const DONE_OK: u64 = 1;
const DONE_FAIL: u64 = 2;
const RETRY: u64 = 3;

fn pack(kind: u64, attempt: u32, id: u32) -> u64 {
    (kind << 62) | ((attempt as u64) << 56) | id as u64
}

/// A min-heap of (time µs, sequence, packed event): ties in scheduling order.
#[derive(Default)]
struct Queue {
    heap: BinaryHeap<Reverse<(u64, u64, u64)>>,
    seq: u64,
}

impl Queue {
    fn push(&mut self, at: u64, ev: u64) {
        self.heap.push(Reverse((at, self.seq, ev)));
        self.seq += 1;
    }
    fn pop(&mut self) -> Option<(u64, u64)> {
        self.heap.pop().map(|Reverse((at, _, ev))| (at, ev))
    }
}

/// The bare loop: requests and succeeded requests.
fn bare_run() -> (u64, u64) {
    let root = SimRng::new(SEED);
    let mut arrivals: Vec<SimRng> = (0..CLIENTS)
        .map(|c| root.derive_indexed("arrivals", c as u64))
        .collect();
    let mut service = root.derive("service");
    let mut backoff = root.derive("backoff");
    let mut queue = Queue::default();
    let end_us = DURATION_MS * 1000;
    let gap_us = |rng: &mut SimRng| (rng.exponential(1000.0 / RATE_PER_CLIENT) * 1000.0) as u64;
    for c in 0..CLIENTS {
        let at = gap_us(&mut arrivals[c as usize]);
        if at < end_us {
            queue.push(at, pack(ARRIVE, 0, c));
        }
    }
    // A call: its verdict and latency, and its completion on the queue.
    let call = |queue: &mut Queue, now: u64, id: u32, attempt: u32, svc: &mut SimRng| {
        let ok = svc.unit() >= P_FAIL;
        let latency = (svc.exponential(LATENCY_MS as f64) * 1000.0) as u64;
        let kind = if ok { DONE_OK } else { DONE_FAIL };
        queue.push(now + latency.max(1), pack(kind, attempt, id));
    };
    let (mut requests, mut succeeded, mut next_id) = (0u64, 0u64, 0u32);
    while let Some((now, ev)) = queue.pop() {
        let (kind, attempt, id) = (ev >> 62, ((ev >> 56) & 0x3f) as u32, (ev & 0xffff_ffff) as u32);
        match kind {
            ARRIVE => {
                requests += 1;
                let req = next_id;
                next_id += 1;
                call(&mut queue, now, req, 1, &mut service);
                let at = now + gap_us(&mut arrivals[id as usize]);
                if at < end_us {
                    queue.push(at, pack(ARRIVE, 0, id));
                }
            }
            DONE_OK => succeeded += 1,
            DONE_FAIL if attempt < MAX_ATTEMPTS => {
                // Full jitter: uniform on 0..=min(cap, base · 2^(attempt−1)).
                let ceiling = (BASE_MS * 1000 * (1 << (attempt - 1))).min(CAP_MS * 1000);
                let wait = backoff.below(ceiling + 1);
                queue.push(now + wait, pack(RETRY, attempt + 1, id));
            }
            DONE_FAIL => {}
            _ => call(&mut queue, now, id, attempt, &mut service),
        }
    }
    (requests, succeeded)
}

/// The best of `n` timings of `f`.
fn best_of(n: usize, mut f: impl FnMut()) -> Duration {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .expect("n > 0")
}

fn main() {
    let config = config();
    let (requests, succeeded) = engine_run(&config);
    let (bare_requests, bare_succeeded) = bare_run();
    // Both simulate the same workload: about 100,000 requests, 1 − 0.5⁴ of them succeeding.
    assert!((95_000..105_000).contains(&requests) && (95_000..105_000).contains(&bare_requests));
    for (r, s) in [(requests, succeeded), (bare_requests, bare_succeeded)] {
        let rate = s as f64 / r as f64;
        assert!((rate - 0.9375).abs() < 0.01, "success rate {rate}");
    }

    let mut c = Criterion::default().configure_from_args();
    {
        let mut group = c.benchmark_group("issue7_workload");
        group
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(5));
        group.throughput(Throughput::Elements(requests));
        group.bench_function("engine", |b| b.iter(|| black_box(engine_run(black_box(&config)))));
        group.throughput(Throughput::Elements(bare_requests));
        group.bench_function("bare_heap_loop", |b| b.iter(|| black_box(bare_run())));
        group.finish();
    }
    c.final_summary();

    // The figure to quote: the two alternate (so a busy machine slows both
    // alike), best of 15 each.
    let (mut engine, mut bare) = (Duration::MAX, Duration::MAX);
    for _ in 0..15 {
        engine = engine.min(best_of(1, || {
            black_box(engine_run(black_box(&config)));
        }));
        bare = bare.min(best_of(1, || {
            black_box(bare_run());
        }));
    }
    let per_s = |n: u64, d: Duration| n as f64 / d.as_secs_f64();
    println!(
        "issue 7 workload: engine {:.0} requests/s ({:.1} ms), bare heap loop {:.0} requests/s ({:.1} ms): engine at {:.2}× the bare loop's speed",
        per_s(requests, engine),
        engine.as_secs_f64() * 1e3,
        per_s(bare_requests, bare),
        bare.as_secs_f64() * 1e3,
        bare.as_secs_f64() / engine.as_secs_f64()
    );
}

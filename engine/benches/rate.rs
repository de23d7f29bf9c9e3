//! Events per second and requests per second for a preset, in plain numbers
//! to quote (criterion's `throughput` bench is for comparing changes):
//!
//! ```text
//! cargo bench -p playground-engine --bench rate                     # every preset + large_poisson
//! cargo bench -p playground-engine --bench rate -- storm_budget herd
//! ```
//!
//! Each run goes to the end (both sides of a compare preset) and is repeated
//! for about a second. The rates come from the best repetition, the least
//! disturbed by whatever else the machine is doing; the median is shown too,
//! and a large gap between the two means the machine was busy.

mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};
use support::Workbench;

/// The work of one run, and the best and median time of its repetitions.
fn measure(w: &Workbench) -> (support::Work, Duration, Duration) {
    let work = support::run(w);
    let mut times = Vec::new();
    let started = Instant::now();
    while times.len() < 3 || (started.elapsed() < Duration::from_secs(1) && times.len() < 1_000) {
        let t = Instant::now();
        black_box(support::run(black_box(w)));
        times.push(t.elapsed());
    }
    times.sort();
    (work, times[0], times[times.len() / 2])
}

fn main() {
    // `cargo bench` passes `--bench`; anything else not starting with `-` is a preset id.
    let ids: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let benches: Vec<Workbench> = if ids.is_empty() {
        support::all()
    } else {
        ids.iter()
            .map(|id| {
                let found = if id == "large_poisson" {
                    Some(support::large_poisson())
                } else {
                    support::preset(id)
                };
                found.unwrap_or_else(|| {
                    eprintln!(
                        "no preset called {id}; try one of: {}",
                        support::all()
                            .iter()
                            .map(|w| w.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    std::process::exit(2)
                })
            })
            .collect()
    };
    println!(
        "{:<16} {:>10} {:>10} {:>10} {:>10} {:>14} {:>14}",
        "run", "events", "requests", "best", "median", "events/s", "requests/s"
    );
    for w in &benches {
        let (work, best, median) = measure(w);
        let secs = best.as_secs_f64();
        println!(
            "{:<16} {:>10} {:>10} {:>8.2}ms {:>8.2}ms {:>14.0} {:>14.0}",
            w.name,
            work.events,
            work.requests,
            secs * 1000.0,
            median.as_secs_f64() * 1000.0,
            work.events as f64 / secs,
            work.requests as f64 / secs
        );
    }
}

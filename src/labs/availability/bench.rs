//! `?bench=1` on the availability page: the engine's throughput inside the
//! browser's WebAssembly runtime — the criterion bench's workload (a
//! simulated day at 100 requests/s, 30 % registrations, the primary crashing
//! every ~6 h for ~10 min, a cold backup, ping-echo every second) and the
//! month-long preset (both sides), each run to the end and timed with the
//! page's clock (requests/s and events/s). The month is also run in
//! frame-sized chunks (the player's 20,000-event cap), and the slowest chunk
//! is reported: no long task when it plays in a tab.

use crate::browser;
use engine::labs::availability::config::{AvailabilityConfig, Crashes, Load};
use engine::labs::availability::{presets, AvailabilityModel, AvailabilityRun};
use engine::sim::{Progress, Simulation};
use leptos::prelude::*;

/// One measured run.
#[derive(Clone, Debug)]
pub struct BenchRow {
    pub name: &'static str,
    pub requests: u64,
    pub events: u64,
    pub ms: f64,
    /// The slowest chunk of at most `CHUNK` events (0 when run in one go).
    pub worst_chunk_ms: f64,
    /// The same on a second run, the code warm.
    pub warm_worst_ms: f64,
    /// The 90th percentile chunk of the warm run (a busy machine's pauses
    /// land on single chunks; this is what playing feels like).
    pub warm_p90_ms: f64,
}

impl BenchRow {
    pub fn per_s(&self, n: u64) -> f64 {
        n as f64 / (self.ms / 1000.0).max(1e-9)
    }
}

/// The player's cap of events per frame.
pub const CHUNK: u64 = 20_000;

/// The criterion bench's workload: a simulated day at `rate` requests/s.
pub fn day_config(rate: f64) -> AvailabilityConfig {
    let mut c = AvailabilityConfig {
        load: Load {
            requests_per_s: rate,
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

/// A day at `rate` requests/s, side A only, in one go (as the native bench:
/// no link limits).
pub fn measure_day(rate: f64) -> BenchRow {
    let config = day_config(rate);
    let start = browser::now_ms();
    let mut sim = Simulation::new(AvailabilityModel::new(
        config.clone(),
        config.tactics.clone(),
        42,
    ));
    sim.run_to_end(u64::MAX);
    let ms = browser::now_ms() - start;
    let s = &sim.model().stats;
    BenchRow {
        name: "day_100_rps",
        requests: s.commands + s.queries,
        events: sim.events(),
        ms,
        worst_chunk_ms: 0.0,
        warm_worst_ms: 0.0,
        warm_p90_ms: 0.0,
    }
}

/// The month preset (A and B), in chunks of [`CHUNK`] events as the player
/// runs it, twice: the second run's slowest chunk is the warm figure.
pub fn measure_month() -> BenchRow {
    let (first, _) = month_once();
    let (warm, mut chunks) = month_once();
    engine::order::sort_by(&mut chunks, |a, b| a.total_cmp(b));
    let p90 = chunks.get(chunks.len() * 9 / 10).copied().unwrap_or(0.0);
    BenchRow {
        warm_worst_ms: warm.worst_chunk_ms,
        warm_p90_ms: p90,
        ..first
    }
}

fn month_once() -> (BenchRow, Vec<f64>) {
    let p = presets::all()
        .into_iter()
        .find(|p| p.id == "month")
        .expect("the month preset");
    let start = browser::now_ms();
    let mut run = AvailabilityRun::new(&p.config, p.seed).expect("the preset is valid");
    let mut worst: f64 = 0.0;
    let mut chunks = vec![];
    loop {
        let t0 = browser::now_ms();
        let progress = run.run_to_end(CHUNK);
        let took = browser::now_ms() - t0;
        chunks.push(took);
        worst = worst.max(took);
        if progress == Progress::Finished {
            break;
        }
    }
    let ms = browser::now_ms() - start;
    let requests = run
        .sides
        .iter()
        .map(|s| s.model().stats.commands + s.model().stats.queries)
        .sum();
    (
        BenchRow {
            name: "month_preset",
            requests,
            events: run.events(),
            ms,
            worst_chunk_ms: worst,
            warm_worst_ms: 0.0,
            warm_p90_ms: 0.0,
        },
        chunks,
    )
}

#[component]
pub fn AvailBenchPage() -> impl IntoView {
    let rows = RwSignal::new(None::<Vec<BenchRow>>);
    set_timeout(
        move || rows.set(Some(vec![measure_day(100.0), measure_month()])),
        std::time::Duration::from_millis(50),
    );
    view! {
        <main id="main" class="home">
            <h1>"Availability engine throughput in this browser (WebAssembly)"</h1>
            {move || match rows.get() {
                None => view! { <p data-testid="bench-running">"Measuring…"</p> }.into_any(),
                Some(rows) => view! {
                    <table class="metrics-table" data-testid="bench">
                        <thead><tr><th>"run"</th><th>"requests"</th><th>"events"</th><th>"ms"</th><th>"requests/s"</th><th>"events/s"</th><th>"slowest 20k-event chunk (ms)"</th><th>"same, warm (ms)"</th><th>"warm p90 chunk (ms)"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! {
                                <tr data-run=r.name data-requests=r.requests data-events=r.events data-ms=engine::num::fixed(r.ms, 1) data-worst=engine::num::fixed(r.worst_chunk_ms, 1) data-warm-worst=engine::num::fixed(r.warm_worst_ms, 1) data-warm-p90=engine::num::fixed(r.warm_p90_ms, 1)>
                                    <th scope="row">{r.name}</th>
                                    <td>{r.requests}</td>
                                    <td>{r.events}</td>
                                    <td>{engine::num::fixed(r.ms, 1)}</td>
                                    <td data-testid="requests-per-s">{engine::num::fixed(r.per_s(r.requests), 0)}</td>
                                    <td data-testid="events-per-s">{engine::num::fixed(r.per_s(r.events), 0)}</td>
                                    <td>{engine::num::fixed(r.worst_chunk_ms, 1)}</td>
                                    <td>{engine::num::fixed(r.warm_worst_ms, 1)}</td>
                                    <td>{engine::num::fixed(r.warm_p90_ms, 1)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p data-testid="bench-total">"done"</p>
                }.into_any(),
            }}
        </main>
    }
}

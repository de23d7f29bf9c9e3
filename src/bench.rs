//! `?bench=1`: measures the engine's raw throughput inside the browser's
//! WebAssembly runtime — every preset run to the end, timed with the page's
//! clock — so the WASM numbers can be compared with the native criterion
//! benchmark. The end-to-end suite opens this page and records the table.

use crate::browser;
use engine::labs::retry::RetryRun;
use leptos::prelude::*;

/// One measured preset.
#[derive(Clone, Debug)]
pub struct BenchRow {
    pub preset: &'static str,
    pub events: u64,
    pub requests: u64,
    pub ms: f64,
}

impl BenchRow {
    pub fn events_per_s(&self) -> f64 {
        self.events as f64 / (self.ms / 1000.0).max(1e-9)
    }
    pub fn requests_per_s(&self) -> f64 {
        self.requests as f64 / (self.ms / 1000.0).max(1e-9)
    }
}

/// Runs every retry preset to the end `repeat` times and keeps the fastest run.
pub fn measure(repeat: u32) -> Vec<BenchRow> {
    engine::labs::retry::presets::all()
        .into_iter()
        .map(|p| {
            let cfg = &p.config;
            let mut best: Option<BenchRow> = None;
            for _ in 0..repeat.max(1) {
                let start = browser::now_ms();
                let mut run =
                    RetryRun::new(cfg, p.seed).unwrap_or_else(|_| panic!("presets are valid"));
                run.run_to_end(u64::MAX);
                let ms = browser::now_ms() - start;
                let events = run.sides().map(|s| s.events()).sum();
                let requests = run.sides().map(|s| s.model().stats().requests).sum();
                let row = BenchRow {
                    preset: p.id,
                    events,
                    requests,
                    ms,
                };
                if best.as_ref().is_none_or(|b| row.ms < b.ms) {
                    best = Some(row);
                }
            }
            best.expect("at least one run")
        })
        .collect()
}

#[component]
pub fn BenchPage() -> impl IntoView {
    let rows = RwSignal::new(None::<Vec<BenchRow>>);
    // Let the page paint first, then measure.
    set_timeout(
        move || rows.set(Some(measure(3))),
        std::time::Duration::from_millis(50),
    );
    view! {
        <main id="main" class="home">
            <h1>"Engine throughput in this browser (WebAssembly)"</h1>
            {move || match rows.get() {
                None => view! { <p data-testid="bench-running">"Measuring…"</p> }.into_any(),
                Some(rows) => {
                    let total_events: u64 = rows.iter().map(|r| r.events).sum();
                    let total_requests: u64 = rows.iter().map(|r| r.requests).sum();
                    let total_ms: f64 = rows.iter().map(|r| r.ms).sum();
                    view! {
                        <table class="metrics-table" data-testid="bench">
                            <thead><tr><th>"preset"</th><th>"events"</th><th>"requests"</th><th>"ms"</th><th>"events/s"</th><th>"requests/s"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| view! {
                                    <tr data-preset=r.preset>
                                        <th scope="row">{r.preset}</th>
                                        <td>{r.events}</td>
                                        <td>{r.requests}</td>
                                        <td>{engine::num::fixed(r.ms, 1)}</td>
                                        <td data-testid="eps">{engine::num::fixed(r.events_per_s(), 0)}</td>
                                        <td>{engine::num::fixed(r.requests_per_s(), 0)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <p data-testid="bench-total"
                            data-events=total_events
                            data-requests=total_requests
                            data-ms=engine::num::fixed(total_ms, 1)>
                            {format!("total: {total_events} events, {total_requests} requests in {} ms → {} events/s, {} requests/s", engine::num::Fixed(total_ms, 0), engine::num::Fixed(total_events as f64 / (total_ms / 1000.0), 0), engine::num::Fixed(total_requests as f64 / (total_ms / 1000.0), 0))}
                        </p>
                    }.into_any()
                }
            }}
        </main>
    }
}

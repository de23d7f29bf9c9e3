//! `?bench=1` on the CQRS page: the engine's throughput inside the browser's
//! WebAssembly runtime — a run of a million commands (Poisson, 10,000
//! commands/s and as many reads for 100 s, a queue projector), run to the end
//! and timed with the page's clock (commands/s and events/s), beside the
//! native criterion numbers (`engine/benches/cqrs.rs`, the same config). The
//! end-to-end suite opens this page and records the table.

use crate::browser;
use engine::labs::cqrs::config::{CqrsConfig, CqrsWorkload};
use engine::labs::cqrs::CqrsRun;
use engine::patterns::projector::{ProjectorConfig, SyncMode};
use engine::patterns::service::LatencyShape;
use leptos::prelude::*;

/// One measured run.
#[derive(Clone, Debug)]
pub struct BenchRow {
    pub name: &'static str,
    pub commands: u64,
    pub queries: u64,
    pub events: u64,
    pub ms: f64,
}

impl BenchRow {
    pub fn per_s(&self, n: u64) -> f64 {
        n as f64 / (self.ms / 1000.0).max(1e-9)
    }
}

/// The measured config: `seconds` of 10,000 commands/s and 10,000 reads/s
/// through a queue projector (100 s: a million commands), as the native bench.
pub fn bench_config(seconds: u64) -> CqrsConfig {
    CqrsConfig {
        workload: CqrsWorkload::Poisson {
            writes_per_s: 10_000.0,
            reads_per_s: 10_000.0,
            duration_ms: seconds * 1000,
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

/// Runs the config once (a million commands take seconds: once is enough).
pub fn measure(seconds: u64) -> Vec<BenchRow> {
    let cfg = bench_config(seconds);
    let start = browser::now_ms();
    let mut run = CqrsRun::new(&cfg, 42).expect("the bench config is valid");
    run.run_to_end(u64::MAX);
    let ms = browser::now_ms() - start;
    let s = run.sides[0].model().stats();
    vec![BenchRow {
        name: "cqrs_1m_commands",
        commands: s.commands,
        queries: s.queries,
        events: run.events(),
        ms,
    }]
}

fn fixed(v: f64, n: usize) -> String {
    engine::num::fixed(v, n)
}

#[component]
pub fn CqrsBenchPage() -> impl IntoView {
    let rows = RwSignal::new(None::<Vec<BenchRow>>);
    set_timeout(
        move || rows.set(Some(measure(100))),
        std::time::Duration::from_millis(50),
    );
    view! {
        <main id="main" class="home">
            <h1>"CQRS engine throughput in this browser (WebAssembly)"</h1>
            {move || match rows.get() {
                None => view! { <p data-testid="bench-running">"Measuring…"</p> }.into_any(),
                Some(rows) => view! {
                    <table class="metrics-table" data-testid="bench">
                        <thead><tr><th>"run"</th><th>"commands"</th><th>"queries"</th><th>"events"</th><th>"ms"</th><th>"commands/s"</th><th>"events/s"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! {
                                <tr data-run=r.name data-commands=r.commands data-events=r.events data-ms=fixed(r.ms, 1)>
                                    <th scope="row">{r.name}</th>
                                    <td>{r.commands}</td>
                                    <td>{r.queries}</td>
                                    <td>{r.events}</td>
                                    <td>{fixed(r.ms, 1)}</td>
                                    <td data-testid="commands-per-s">{fixed(r.per_s(r.commands), 0)}</td>
                                    <td data-testid="events-per-s">{fixed(r.per_s(r.events), 0)}</td>
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

//! Live metrics of the retry lab: a table with one column per side (A | B),
//! and the same numbers as JSON — exactly what `playground run` prints for
//! the same link, so a student can check the browser against the CLI.

use super::RetryView;
use crate::i18n::tr;
use engine::i18n::t;
use engine::labs::retry::{RetryMetrics, RetrySim};
use engine::labs::{LabId, RunReport, SideReport};
use engine::time::human_ms;
use leptos::prelude::*;

/// "no attempts left" → "No attempts left" (reasons double as row labels).
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn pct(v: f64) -> String {
    format!("{:.1} %", v * 100.0)
}

fn opt_ms(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), human_ms)
}

/// The rows of the table: label key, help key, value. A give-up reason gets a
/// row when either side has it (`shown`), so A | B always line up.
fn rows(m: &RetryMetrics, shown: &[&'static str]) -> Vec<(&'static str, &'static str, String)> {
    let gave_up: u64 = m.gave_up.values().sum();
    let finished = m.requests > 0 && (m.succeeded + gave_up) > 0;
    let rate = |v: f64| if finished { pct(v) } else { "—".to_string() };
    let mut rows = vec![
        (
            "metric.requests",
            "metric_help.requests",
            fmt_int(m.requests),
        ),
        (
            "metric.succeeded",
            "metric_help.succeeded",
            fmt_int(m.succeeded),
        ),
        (
            "metric.success_rate",
            "metric_help.success_rate",
            rate(m.success_rate),
        ),
        (
            "metric.first_try",
            "metric_help.first_try",
            rate(m.first_try_success_rate),
        ),
        ("metric.calls", "metric_help.calls", fmt_int(m.calls)),
        (
            "metric.load",
            "metric_help.load",
            if m.requests > 0 {
                format!("×{:.2}", m.load_amplification)
            } else {
                "—".to_string()
            },
        ),
        (
            "metric.mean_attempts",
            "metric_help.mean_attempts",
            if finished {
                format!("{:.2}", m.mean_attempts)
            } else {
                "—".to_string()
            },
        ),
        ("metric.p50", "metric_help.p50", opt_ms(m.p50_ms)),
        ("metric.p95", "metric_help.p95", opt_ms(m.p95_ms)),
        ("metric.p99", "metric_help.p99", opt_ms(m.p99_ms)),
        (
            "metric.completion",
            "metric_help.completion",
            human_ms(m.completion_ms),
        ),
        (
            "metric.retry_wait",
            "metric_help.retry_wait",
            human_ms(m.retry_wait_ms),
        ),
        ("metric.gave_up", "metric_help.gave_up", fmt_int(gave_up)),
    ];
    for reason in shown {
        let n = m.gave_up.get(reason).copied().unwrap_or(0);
        rows.push((reason_key(reason), "metric_help.gave_up_reason", fmt_int(n)));
    }
    rows
}

/// 12345 → "12 345" (a thin space groups thousands in every language).
fn fmt_int(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

const REASONS: [&str; 5] = [
    "attempts",
    "deadline",
    "permanent",
    "budget",
    "breaker_open",
];

fn reason_key(reason: &str) -> &'static str {
    match reason {
        "attempts" => "give_up.attempts",
        "deadline" => "give_up.deadline",
        "permanent" => "give_up.permanent",
        "budget" => "give_up.budget",
        _ => "give_up.breaker_open",
    }
}

/// The give-up reasons that either side has.
fn reasons_shown(a: &RetryMetrics, b: Option<&RetryMetrics>) -> Vec<&'static str> {
    REASONS
        .into_iter()
        .filter(|r| {
            std::iter::once(a)
                .chain(b)
                .any(|m| m.gave_up.get(*r).copied().unwrap_or(0) > 0)
        })
        .collect()
}

fn side_report(sim: &RetrySim) -> SideReport {
    SideReport {
        metrics: serde_json::to_value(sim.model().stats().metrics()).unwrap_or_default(),
        trace_hash: sim.trace().digest_hex(),
        events: sim.events(),
    }
}

/// The run as the CLI reports it.
pub fn report(view: &RetryView) -> RunReport {
    let seed = view.seed.get_untracked();
    view.run.with_value(|run| RunReport {
        lab: LabId::Retry,
        seed,
        a: side_report(&run.a),
        b: run.b.as_ref().map(side_report),
    })
}

#[component]
pub fn RetryMetricsTable(view: RetryView) -> impl IntoView {
    let lang = view.lang;
    let table = move || {
        let (a, b, nodes) = view.with(|run| {
            let a = run.a.model().stats().metrics();
            let b = run.b.as_ref().map(|b| b.model().stats().metrics());
            let nodes: Vec<(String, u64, Option<u64>)> = a
                .node_failures
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        *v,
                        b.as_ref().and_then(|b| b.node_failures.get(k).copied()),
                    )
                })
                .collect();
            (a, b, nodes)
        });
        let lang = lang.get();
        let shown = reasons_shown(&a, b.as_ref());
        let rows_a = rows(&a, &shown);
        let rows_b = b.as_ref().map(|b| rows(b, &shown));
        let has_b = rows_b.is_some();
        view! {
            <table class="metrics-table" data-testid="metrics">
                <caption class="small-title">{t(lang, "ui.metrics").to_string()}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t(lang, "ui.metric").to_string()}</th>
                        <th scope="col">{t(lang, if has_b { "ui.side_a" } else { "ui.value" }).to_string()}</th>
                        {has_b.then(|| view! { <th scope="col">{t(lang, "ui.side_b").to_string()}</th> })}
                    </tr>
                </thead>
                <tbody>
                    {rows_a
                        .into_iter()
                        .enumerate()
                        .map(|(i, (label, help, value))| {
                            let other = rows_b.as_ref().map(|r| r.iter().find(|x| x.0 == label).map_or("0".to_string(), |x| x.2.clone()));
                            view! {
                                <tr data-metric=label>
                                    <th scope="row" title=t(lang, help).to_string()>{capitalised(t(lang, label))}</th>
                                    <td class="mono" data-testid=format!("metric-a-{i}")>{value}</td>
                                    {other.map(|v| view! { <td class="mono">{v}</td> })}
                                </tr>
                            }
                        })
                        .collect_view()}
                    {nodes
                        .into_iter()
                        .map(|(node, a, b)| {
                            view! {
                                <tr>
                                    <th scope="row">{engine::i18n::tf(lang, "metric.node_failures", &[("node", &node)])}</th>
                                    <td class="mono">{fmt_int(a)}</td>
                                    {has_b.then(|| view! { <td class="mono">{fmt_int(b.unwrap_or(0))}</td> })}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
    };
    // Only built while the section is open: it is the most expensive view.
    let open = RwSignal::new(false);
    let json = move || {
        if !open.get() {
            return String::new();
        }
        view.tick.track();
        serde_json::to_string_pretty(&report(&view)).unwrap_or_default()
    };
    view! {
        <div class="metrics">
            {table}
            <details class="metrics-json" prop:open=move || open.get() on:toggle=move |ev| {
                let el: web_sys::HtmlDetailsElement = wasm_bindgen::JsCast::unchecked_into(event_target::<web_sys::EventTarget>(&ev));
                open.set(el.open());
            }>
                <summary>{tr("ui.metrics_json")}</summary>
                <p class="help">{tr("ui.metrics_json_help")}</p>
                <pre data-testid="metrics-json">{json}</pre>
            </details>
        </div>
    }
}

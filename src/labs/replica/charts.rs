//! The replica lab's full charts: chunks under-replicated over time (the risk
//! window, with node and metadata outages shaded) and throughput over time,
//! each side a line; and the problem-nodes table (the text's "most
//! problematic nodes"). Every chart has a one-sentence summary and a hidden
//! table (`src/charts.rs`).

use super::ReplicaView;
use crate::charts::{
    fmt_count, fmt_number, Band, DataTable, LineChart, LineChartData, LineSeries, Stroke, Tone,
    Unit,
};
use crate::i18n::tr;
use engine::i18n::{t, tf};
use engine::labs::replica::view as rv;
use engine::labs::replica::ReplicaRun;
use engine::Lang;
use leptos::prelude::*;

/// Problem nodes listed at most per side.
pub const MAX_PROBLEM_ROWS: usize = 10;

fn side_name(lang: Lang, side: usize) -> String {
    t(lang, if side == 0 { "ui.side_a" } else { "ui.side_b" }).to_string()
}

/// Which of the series' columns a chart plots.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Which {
    UnderReplicated,
    Throughput,
}

/// One chart over time, a line per side (chunks at risk: two per side, at
/// risk and known to the metadata server). The y axis fits the data of
/// every side (one scale for A | B), in nice ticks.
pub fn over_time(run: &ReplicaRun, which: Which, lang: Lang) -> LineChartData {
    let mut series = vec![];
    let mut summary = vec![];
    let mut head = vec![t(lang, "ui.time_axis").to_string()];
    let mut columns: Vec<Vec<(f64, f64)>> = vec![];
    let mut x_max: f64 = 0.001;
    let two = run.sides.len() > 1;
    for (side, sim) in run.sides.iter().enumerate() {
        let pts = match which {
            Which::UnderReplicated => rv::risk_series(sim.model(), sim.now(), sim.is_finished()),
            Which::Throughput => rv::series(sim.model(), sim.now(), sim.is_finished()),
        };
        x_max = x_max.max(sim.now().as_micros() as f64 / 1e6);
        let name = side_name(lang, side);
        let stroke = if side == 0 {
            Stroke::Solid
        } else {
            Stroke::Dashed
        };
        let line = |pick: fn(&rv::Point) -> f64| -> Vec<(f64, f64)> {
            pts.iter().map(|p| (p.end_ms / 1000.0, pick(p))).collect()
        };
        let peak = |v: &[(f64, f64)]| v.iter().map(|p| p.1).fold(0.0, f64::max);
        let label = |key: &str| {
            if two {
                format!("{name} · {}", t(lang, key))
            } else {
                t(lang, key).to_string()
            }
        };
        match which {
            Which::UnderReplicated => {
                let (risk, known) = (line(|p| p.at_risk), line(|p| p.known));
                summary.push(tf(
                    lang,
                    "replica.charts.under_side",
                    &[
                        ("side", &name),
                        ("risk", &fmt_count(lang, peak(&risk) as u64)),
                        ("known", &fmt_count(lang, peak(&known) as u64)),
                    ],
                ));
                // "Known" is never above "at risk" and often equal to it: it
                // is drawn on top, dotted, so the line under it still shows
                // between the dots; A's blue, B's sky blue (both dotted).
                let known_tone = if side == 0 { Tone::Info } else { Tone::Breaker };
                for (key, tone, stroke, pts, area) in [
                    (
                        "replica.charts.at_risk",
                        Tone::Fail,
                        stroke,
                        risk,
                        side == 0,
                    ),
                    (
                        "replica.charts.known",
                        known_tone,
                        Stroke::Dotted,
                        known,
                        false,
                    ),
                ] {
                    head.push(label(key));
                    series.push(LineSeries {
                        label: label(key),
                        tone,
                        stroke,
                        area,
                        points: pts.clone(),
                    });
                    columns.push(pts);
                }
            }
            Which::Throughput => {
                let pts = line(|p| p.mb_s);
                summary.push(format!(
                    "{name}: {}",
                    fmt_number(lang, (peak(&pts) * 10.0).round() / 10.0)
                ));
                head.push(name.clone());
                series.push(LineSeries {
                    label: name,
                    tone: Tone::Ok,
                    stroke,
                    area: side == 0,
                    points: pts.clone(),
                });
                columns.push(pts);
            }
        }
    }
    let len = columns.iter().map(Vec::len).max().unwrap_or(0);
    let step = (len / 12).max(1);
    let rows = (0..len)
        .step_by(step)
        .map(|i| {
            let x = columns.iter().find_map(|c| c.get(i)).map_or(0.0, |p| p.0);
            std::iter::once(format!("{} s", fmt_number(lang, x)))
                .chain(
                    columns
                        .iter()
                        .map(|c| c.get(i).map_or(String::new(), |p| fmt_number(lang, p.1))),
                )
                .collect()
        })
        .collect();
    let bands = run
        .sides
        .first()
        .map(|sim| {
            let c = sim.model().config();
            c.nodes
                .outages
                .iter()
                .map(|o| (o.from_ms, o.to_ms, format!("node_{}", o.node)))
                .chain(
                    c.nodes
                        .rack_outages
                        .iter()
                        .map(|o| (o.from_ms, o.to_ms, format!("rack {}", o.rack))),
                )
                .chain(c.metadata.outages.iter().map(|o| {
                    (
                        o.from_ms,
                        o.to_ms,
                        t(lang, "replica.stage.metadata").to_string(),
                    )
                }))
                .map(|(from, to, label)| Band {
                    from: from as f64 / 1000.0,
                    to: (to as f64 / 1000.0).min(x_max),
                    label: tf(lang, "replica.charts.down", &[("what", &label)]),
                })
                .filter(|b| b.from < x_max)
                .collect()
        })
        .unwrap_or_default();
    let (title, axis, sum) = match which {
        Which::UnderReplicated => (
            "replica.charts.under_title",
            "replica.verdict.chunks",
            "replica.charts.under_summary",
        ),
        Which::Throughput => (
            "replica.charts.throughput_title",
            "replica.charts.throughput_axis",
            "replica.charts.throughput_summary",
        ),
    };
    let empty = series.iter().all(|s| s.points.is_empty());
    LineChartData {
        title: t(lang, title).into(),
        x_label: t(lang, "ui.time_axis").into(),
        y_label: t(lang, axis).into(),
        x_max,
        // Counts reach at least 1; throughput fits its data.
        y_min_top: if which == Which::UnderReplicated {
            1.0
        } else {
            0.0
        },
        series,
        bands,
        now: None,
        x_unit: Unit::Seconds,
        y_unit: if which == Which::UnderReplicated {
            Unit::Count
        } else {
            Unit::Number
        },
        summary: tf(lang, sum, &[("sides", &summary.join("; "))]),
        table: DataTable {
            caption: t(lang, title).into(),
            head,
            rows,
        },
        empty: empty.then(|| t(lang, "chart.no_data").into()),
        lang,
    }
}

/// The problem-nodes table of every side, as HTML text.
pub fn problem_markup(run: &ReplicaRun, lang: Lang) -> String {
    use crate::markup::Markup;
    let mut m = Markup::new();
    for (side, sim) in run.sides.iter().enumerate() {
        let rows = rv::problem_nodes(sim.model());
        let total: u64 = rows.iter().map(|r| r.1).sum();
        m.open(
            "table",
            &[
                ("class", "metrics-table replica-problems"),
                ("data-side", &side.to_string()),
            ],
        );
        m.elem(
            "caption",
            &[],
            &tf(
                lang,
                "replica.problems.caption",
                &[("side", &side_name(lang, side))],
            ),
        );
        m.open("thead", &[]).open("tr", &[]);
        for k in [
            "replica.problems.node",
            "replica.problems.failures",
            "replica.problems.share",
        ] {
            m.elem("th", &[("scope", "col")], t(lang, k));
        }
        m.close("tr").close("thead").open("tbody", &[]);
        if rows.is_empty() {
            m.open("tr", &[]);
            m.elem("td", &[("colspan", "3")], t(lang, "replica.problems.none"));
            m.close("tr");
        }
        for (node, failures) in rows.iter().take(MAX_PROBLEM_ROWS) {
            m.open("tr", &[("data-node", &(node + 1).to_string())]);
            m.elem("th", &[("scope", "row")], &format!("node_{}", node + 1));
            m.elem(
                "td",
                &[("data-failures", &failures.to_string())],
                &fmt_count(lang, *failures),
            );
            m.elem(
                "td",
                &[],
                &crate::charts::fmt_percent(lang, *failures as f64 / total.max(1) as f64),
            );
            m.close("tr");
        }
        m.close("tbody").close("table");
    }
    m.finish()
}

#[component]
pub fn ReplicaCharts(view: ReplicaView) -> impl IntoView {
    let chart = move |which: Which| {
        Memo::new(move |_| {
            let lang = view.lang.get();
            view.with(|run| over_time(run, which, lang))
        })
    };
    let (under, through) = (chart(Which::UnderReplicated), chart(Which::Throughput));
    let problems = move || {
        let lang = view.lang.get();
        view.with(|run| problem_markup(run, lang))
    };
    view! {
        <div class="replica-charts" data-testid="replica-charts">
            <h2 class="small-title">{tr("replica.charts.title")}</h2>
            <LineChart data=under testid="chart-under" />
            <LineChart data=through testid="chart-throughput" />
            <h3 class="small-title">{tr("replica.problems.title")}</h3>
            <p class="help">{tr("replica.problems.help")}</p>
            <div class="replica-problems-wrap" data-testid="problem-nodes" inner_html=problems></div>
        </div>
    }
}

//! The choreography lab's full charts: orders by state over time on each
//! side (moving, completed, undone, stuck), and messages per order over time
//! on both sides together (the price of each way of coordinating). Every
//! chart has a one-sentence summary and a hidden table (`src/charts.rs`).

use super::ChoreoView;
use crate::charts::{
    fmt_number, DataTable, LineChart, LineChartData, LineSeries, Stroke, Tone, Unit,
};
use crate::i18n::tr;
use engine::i18n::{t, tf};
use engine::labs::choreography::view as cv;
use engine::labs::choreography::{ChoreoRun, ChoreoSim};
use engine::Lang;
use leptos::prelude::*;

/// Slices a chart over time is cut into.
const SLICES: usize = 60;

fn side_name(lang: Lang, side: usize) -> String {
    t(lang, if side == 0 { "ui.side_a" } else { "ui.side_b" }).to_string()
}

/// Orders by state over time on one side.
/// `x_max_s`: the axis' end, the same for A and B (the later side's clock),
/// so a time is at the same place in both (A's read 0–12.2 s beside B's
/// 0–13.3 s, unsaid).
pub fn states_chart(sim: &ChoreoSim, side: usize, x_max_s: f64, lang: Lang) -> LineChartData {
    let now = sim.now();
    let (width_ms, rows) = cv::states_over_time(sim.model(), now, SLICES);
    let x = |i: usize| (i as f64 + 1.0) * width_ms / 1000.0;
    let line = |k: usize| {
        rows.iter()
            .enumerate()
            .map(|(i, r)| (x(i), r[k] as f64))
            .collect::<Vec<_>>()
    };
    let names = [
        t(lang, "choreo.charts.moving"),
        t(lang, "choreo.status.completed"),
        t(lang, "choreo.charts.undone"),
        t(lang, "choreo.status.stuck"),
    ];
    let last = rows.last().copied().unwrap_or_default();
    let series = vec![
        LineSeries {
            label: names[0].into(),
            tone: Tone::Info,
            stroke: Stroke::Dashed,
            area: false,
            points: line(0),
        },
        LineSeries {
            label: names[1].into(),
            tone: Tone::Ok,
            stroke: Stroke::Solid,
            area: true,
            points: line(1),
        },
        LineSeries {
            label: names[2].into(),
            tone: Tone::Wait,
            stroke: Stroke::Dotted,
            area: false,
            points: line(2),
        },
        LineSeries {
            label: names[3].into(),
            tone: Tone::Fail,
            stroke: Stroke::Solid,
            area: false,
            points: line(3),
        },
    ];
    let table_rows = rows
        .iter()
        .enumerate()
        .step_by((rows.len() / 12).max(1))
        .map(|(i, r)| {
            let mut row = vec![crate::charts::seconds_cell(lang, x(i))];
            row.extend(r.iter().map(|v| v.to_string()));
            row
        })
        .collect();
    LineChartData {
        title: tf(
            lang,
            "choreo.charts.states_title",
            &[("side", &side_name(lang, side))],
        ),
        x_label: t(lang, "ui.time_axis").into(),
        y_label: t(lang, "choreo.verdict.orders").into(),
        x_max: (now.as_micros() as f64 / 1e6).max(x_max_s).max(0.001),
        y_min_top: 1.0,
        series,
        bands: vec![],
        now: None,
        x_unit: Unit::Seconds,
        y_unit: Unit::Count,
        summary: tf(
            lang,
            "choreo.charts.states_summary",
            &[
                ("moving", &last[0]),
                ("completed", &last[1]),
                ("undone", &last[2]),
                ("stuck", &last[3]),
            ],
        ),
        table: DataTable {
            caption: t(lang, "choreo.charts.states_table").into(),
            head: std::iter::once(t(lang, "ui.time_axis").to_string())
                .chain(names.iter().map(|s| s.to_string()))
                .collect(),
            rows: table_rows,
        },
        empty: (sim.model().orders().is_empty()).then(|| t(lang, "chart.no_data").into()),
        lang,
    }
}

/// Messages per order so far, over time, on every side: cumulative messages
/// over cumulative orders placed.
pub fn messages_chart(run: &ChoreoRun, lang: Lang) -> LineChartData {
    let mut series = vec![];
    let mut summary = vec![];
    let mut head = vec![t(lang, "ui.time_axis").to_string()];
    let mut table: Vec<Vec<String>> = vec![];
    let mut x_max: f64 = 0.001;
    for (side, sim) in run.sides.iter().enumerate() {
        let s = sim.model().stats();
        let width = s.series.width().as_micros() as f64 / 1e6;
        let (mut msgs, mut orders) = (0u64, 0u64);
        let mut points = vec![];
        for (i, b) in s.series.buckets().iter().enumerate() {
            msgs += u64::from(b.messages);
            orders += u64::from(b.placed);
            if orders > 0 {
                points.push(((i as f64 + 1.0) * width, msgs as f64 / orders as f64));
            }
        }
        x_max = x_max.max(sim.now().as_micros() as f64 / 1e6);
        let mode = t(
            lang,
            match sim.model().mode() {
                engine::labs::choreography::Mode::Choreography => "choreo.opt.choreography",
                engine::labs::choreography::Mode::Orchestration => "choreo.opt.orchestration",
            },
        );
        let label = format!("{} · {}", side_name(lang, side), mode);
        let last = points.last().map_or(0.0, |p| p.1);
        summary.push(format!(
            "{label}: {}",
            fmt_number(lang, (last * 10.0).round() / 10.0)
        ));
        head.push(label.clone());
        for (k, (x, y)) in points
            .iter()
            .enumerate()
            .step_by((points.len() / 12).max(1))
        {
            if side == 0 {
                table.push(vec![
                    crate::charts::seconds_cell(lang, *x),
                    fmt_number(lang, *y),
                ]);
            } else if let Some(row) = table.get_mut(k / (points.len() / 12).max(1)) {
                row.push(fmt_number(lang, *y));
            }
        }
        series.push(LineSeries {
            label,
            tone: if side == 0 { Tone::Info } else { Tone::Breaker },
            stroke: if side == 0 {
                Stroke::Solid
            } else {
                Stroke::Dashed
            },
            area: false,
            points,
        });
    }
    let empty = series.iter().all(|s| s.points.is_empty());
    LineChartData {
        title: t(lang, "choreo.charts.messages_title").into(),
        x_label: t(lang, "ui.time_axis").into(),
        y_label: t(lang, "choreo.charts.messages_axis").into(),
        x_max,
        y_min_top: 1.0,
        series,
        bands: vec![],
        now: None,
        x_unit: Unit::Seconds,
        y_unit: Unit::Number,
        summary: tf(
            lang,
            "choreo.charts.messages_summary",
            &[("sides", &summary.join("; "))],
        ),
        table: DataTable {
            caption: t(lang, "choreo.charts.messages_title").into(),
            head,
            rows: table,
        },
        empty: empty.then(|| t(lang, "chart.no_data").into()),
        lang,
    }
}

#[component]
pub fn ChoreoCharts(view: ChoreoView) -> impl IntoView {
    let sides = Memo::new(move |_| view.with(|r| r.sides.len()));
    let messages = Memo::new(move |_| {
        let lang = view.lang.get();
        view.with(|run| messages_chart(run, lang))
    });
    let states = move |side: usize| {
        Memo::new(move |_| {
            let lang = view.lang.get();
            view.with(|run| {
                let x_max_s = run
                    .sides
                    .iter()
                    .map(|s| s.now().as_micros() as f64 / 1e6)
                    .fold(0.0, f64::max);
                run.sides
                    .get(side)
                    .map(|s| states_chart(s, side, x_max_s, lang))
                    .unwrap_or_default()
            })
        })
    };
    let (a, b) = (states(0), states(1));
    view! {
        <div class="choreo-charts" data-testid="choreo-charts">
            <h2 class="small-title">{tr("choreo.charts.title")}</h2>
            <div class="sides" class:compare={move || sides.get() > 1}>
                <section class="side"><LineChart data=a testid="chart-states-a" /></section>
                {crate::show::show(move || sides.get() > 1, move || view! {
                    <section class="side"><LineChart data=b testid="chart-states-b" /></section>
                }.into_any())}
            </div>
            <LineChart data=messages testid="chart-messages" />
        </div>
    }
}

//! The CQRS lab's full charts: the backlog and the lag over time (both
//! sides, projector pauses and rebuilds shaded, on the run's one time axis)
//! and how out of date the stale answers were (a histogram of their ages,
//! both sides). Every chart has a one-sentence
//! summary and a hidden table (`src/charts.rs`).

use super::CqrsView;
use crate::charts::{
    fmt_count, fmt_ms, line_chart_left, Band, BarChart, BarChartData, BarSeries, DataTable, Fill,
    LineChart, LineChartData, LineSeries, Stroke, Tone, Unit,
};
use crate::i18n::tr;
use engine::i18n::{t, tf};
use engine::labs::cqrs::view as cv;
use engine::labs::cqrs::CqrsRun;
use engine::labs::run::LabRun;
use engine::Lang;
use leptos::prelude::*;

/// Rows of a chart's hidden table at most.
const TABLE_ROWS: usize = 12;

/// The backlog and lag charts' height (CSS px).
const HEIGHT: f64 = 220.0;

fn side_name(lang: Lang, side: usize) -> String {
    t(lang, if side == 0 { "ui.side_a" } else { "ui.side_b" }).to_string()
}

fn bands(run: &CqrsRun, lang: Lang) -> Vec<Band> {
    let mut out: Vec<Band> = vec![];
    for sim in &run.sides {
        for (a, b) in cv::bands(sim) {
            if !out
                .iter()
                .any(|x| x.from == a / 1000.0 && x.to == b / 1000.0)
            {
                out.push(Band {
                    from: a / 1000.0,
                    to: b / 1000.0,
                    label: t(lang, "cqrs.band.paused_short").into(),
                });
            }
        }
    }
    out
}

/// Backlog (`lag == false`) or lag (`lag == true`) over time, every side.
pub fn flow_chart(run: &CqrsRun, lang: Lang, lag: bool) -> LineChartData {
    let mut series = vec![];
    let mut summary = vec![];
    let mut head = vec![t(lang, "cqrs.charts.time_axis").to_string()];
    let mut columns: Vec<Vec<(f64, f64)>> = vec![];
    // The run's one time domain (as the stage cards and the lanes): a moment
    // sits at the same place on every time axis of the page.
    let x_max = (run.time_domain_ms() / 1000.0).max(0.001);
    for (side, sim) in run.sides.iter().enumerate() {
        let label = side_name(lang, side);
        if sim.model().is_crud() {
            summary.push(tf(lang, "cqrs.charts.side_crud", &[("side", &label)]));
            continue;
        }
        let f = cv::flow(sim);
        let points: Vec<(f64, f64)> = f
            .points
            .iter()
            .map(|&(t_ms, b, l)| (t_ms / 1000.0, if lag { l } else { b as f64 }))
            .collect();
        let peak = points.iter().map(|p| p.1).fold(0.0, f64::max);
        let last = points.last().map_or(0.0, |p| p.1);
        summary.push(if lag {
            tf(
                lang,
                "cqrs.charts.lag_side",
                &[
                    ("side", &label),
                    ("now", &fmt_ms(lang, last)),
                    ("peak", &fmt_ms(lang, peak)),
                ],
            )
        } else {
            tf(
                lang,
                "cqrs.charts.backlog_side",
                &[
                    ("side", &label),
                    ("now", &fmt_count(lang, last as u64)),
                    ("peak", &fmt_count(lang, peak as u64)),
                ],
            )
        });
        head.push(label.clone());
        columns.push(points.clone());
        series.push(LineSeries {
            label,
            tone: if side == 0 { Tone::Wait } else { Tone::Info },
            stroke: if side == 0 {
                Stroke::Solid
            } else {
                Stroke::Dashed
            },
            area: side == 0,
            points,
        });
    }
    let rows_n = columns.iter().map(Vec::len).max().unwrap_or(0);
    let step = rows_n.div_ceil(TABLE_ROWS).max(1);
    let table_rows = (0..rows_n)
        .step_by(step)
        .map(|i| {
            let x = columns.iter().find_map(|c| c.get(i)).map_or(0.0, |p| p.0);
            let mut row = vec![crate::charts::seconds_cell(lang, x)];
            for c in &columns {
                row.push(c.get(i).map_or(String::new(), |p| {
                    if lag {
                        fmt_ms(lang, p.1)
                    } else {
                        fmt_count(lang, p.1 as u64)
                    }
                }));
            }
            row
        })
        .collect();
    let empty = series.iter().all(|s| s.points.is_empty());
    let (title, axis, key) = if lag {
        (
            "cqrs.charts.lag_title",
            "cqrs.charts.lag_axis",
            "cqrs.charts.lag_summary",
        )
    } else {
        (
            "cqrs.charts.backlog_title",
            "cqrs.charts.backlog_axis",
            "cqrs.charts.backlog_summary",
        )
    };
    LineChartData {
        title: t(lang, title).into(),
        x_label: t(lang, "cqrs.charts.time_axis").into(),
        y_label: t(lang, axis).into(),
        x_max,
        y_min_top: if lag { 100.0 } else { 1.0 },
        series,
        bands: bands(run, lang),
        // The clock, where the stage cards' charts and the lanes put it.
        now: Some(run.now().as_micros() as f64 / 1e6),
        x_unit: Unit::Seconds,
        y_unit: if lag { Unit::Millis } else { Unit::Count },
        summary: tf(lang, key, &[("sides", &summary.join("; "))]),
        table: DataTable {
            caption: t(lang, title).into(),
            head,
            rows: table_rows,
        },
        empty: empty.then(|| t(lang, "chart.no_data").into()),
        lang,
    }
}

/// A staleness bin's label: "100 ms–200 ms", or "2 s or more" for the last
/// when it holds everything beyond.
fn bin_label(lang: Lang, b: &cv::StalenessBins, i: usize) -> String {
    let from = fmt_ms(lang, b.width_ms * i as f64);
    if i + 1 == b.counts.len() && b.max_ms >= b.width_ms * b.counts.len() as f64 {
        return tf(lang, "cqrs.charts.bin_last", &[("from", &from)]);
    }
    let to = fmt_ms(lang, b.width_ms * (i + 1) as f64);
    tf(lang, "cqrs.charts.bin", &[("from", &from), ("to", &to)])
}

/// How out of date side `side`'s stale answers were ("not found" answers are counted apart),
/// as a histogram: how many answers per bin of age.
pub fn staleness_chart(run: &CqrsRun, side: usize, lang: Lang) -> BarChartData {
    let Some(sim) = run.sides.get(side) else {
        return BarChartData::default();
    };
    let label = side_name(lang, side);
    // One scale for A | B: the same bins (wide enough for the older side's
    // oldest answer) and the same height (the fuller side's fullest bin).
    let shared = cv::staleness_bins_shared(run.sides.iter().map(|s| s.model()));
    let tallest = shared
        .iter()
        .flatten()
        .flat_map(|b| b.counts.iter().copied())
        .max()
        .unwrap_or(0);
    let bins = shared.into_iter().nth(side).flatten();
    let q = cv::staleness(sim.model());
    let title = tf(lang, "cqrs.charts.staleness_title", &[("side", &label)]);
    let categories: Vec<String> = bins
        .as_ref()
        .map(|b| (0..b.counts.len()).map(|i| bin_label(lang, b, i)).collect())
        .unwrap_or_default();
    let values: Vec<f64> = bins
        .as_ref()
        .map(|b| b.counts.iter().map(|c| *c as f64).collect())
        .unwrap_or_default();
    let summary = match (&bins, q) {
        (Some(b), Some(q)) => {
            // The fullest bin (the first of equals).
            let most =
                (0..b.counts.len()).fold(0, |m, i| if b.counts[i] > b.counts[m] { i } else { m });
            tf(
                lang,
                "cqrs.charts.staleness_side",
                &[
                    ("side", &label),
                    ("n", &fmt_count(lang, b.total)),
                    ("p50", &fmt_ms(lang, q[0])),
                    ("max", &fmt_ms(lang, q[5])),
                    ("most", &fmt_count(lang, b.counts[most])),
                    ("bin", &categories[most]),
                ],
            )
        }
        // A side that has finished will give no stale answer: no "so far".
        _ => tf(
            lang,
            if sim.is_finished() {
                "cqrs.charts.staleness_none_done"
            } else {
                "cqrs.charts.staleness_none"
            },
            &[("side", &label)],
        ),
    };
    BarChartData {
        title: title.clone(),
        x_label: t(lang, "cqrs.charts.quantile").into(),
        y_label: t(lang, "cqrs.charts.staleness_axis").into(),
        categories: categories.clone(),
        bar_labels: bins
            .as_ref()
            .map(|b| b.counts.iter().map(|c| fmt_count(lang, *c)).collect())
            .unwrap_or_default(),
        series: if values.is_empty() {
            vec![]
        } else {
            vec![BarSeries {
                label: label.clone(),
                tone: if side == 0 { Tone::Wait } else { Tone::Info },
                fill: if side == 0 {
                    Fill::Solid
                } else {
                    Fill::Hatched
                },
                values: values.clone(),
            }]
        },
        y_min_top: (tallest as f64).max(1.0),
        y_unit: Unit::Count,
        summary,
        table: DataTable {
            caption: title,
            head: vec![t(lang, "cqrs.charts.quantile").to_string(), label],
            rows: categories
                .iter()
                .zip(&values)
                .map(|(n, v)| vec![n.clone(), fmt_count(lang, *v as u64)])
                .collect(),
        },
        empty: values.is_empty().then(|| {
            t(
                lang,
                if sim.is_finished() {
                    "cqrs.charts.no_stale_done"
                } else {
                    "cqrs.charts.no_stale"
                },
            )
            .into()
        }),
        lang,
    }
}

#[component]
pub fn CqrsCharts(view: CqrsView) -> impl IntoView {
    let sides = Memo::new(move |_| view.with(|r| r.sides.len()));
    let backlog = Memo::new(move |_| {
        let lang = view.lang.get();
        view.with(|run| flow_chart(run, lang, false))
    });
    let lag = Memo::new(move |_| {
        let lang = view.lang.get();
        view.with(|run| flow_chart(run, lang, true))
    });
    // One left edge for both plots (the wider of their y labels' needs), so
    // a moment, the now line and a pause sit at the same x on each.
    let gutter = Memo::new(move |_| {
        backlog.with(|b| lag.with(|l| line_chart_left(b, HEIGHT).max(line_chart_left(l, HEIGHT))))
    });
    let stale = move |side: usize| {
        Memo::new(move |_| {
            let lang = view.lang.get();
            view.with(|run| staleness_chart(run, side, lang))
        })
    };
    let (a, b) = (stale(0), stale(1));
    view! {
        <div class="cqrs-charts" data-testid="cqrs-charts">
            <h2 class="small-title">{tr("cqrs.charts.title")}</h2>
            <LineChart data=backlog height=HEIGHT y_gutter=gutter testid="chart-backlog" />
            <LineChart data=lag height=HEIGHT y_gutter=gutter testid="chart-lag" />
            <div class="sides" class:compare={move || sides.get() > 1}>
                <section class="side"><BarChart data=a testid="chart-staleness-a" /></section>
                {crate::show::show(move || sides.get() > 1, move || view! {
                    <section class="side"><BarChart data=b testid="chart-staleness-b" /></section>
                }.into_any())}
            </div>
        </div>
    }
}

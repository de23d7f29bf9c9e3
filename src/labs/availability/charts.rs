//! The availability lab's full charts: availability over time per operation
//! class on each side (registrations and queries, the primary's crashes
//! shaded), the error budget against the SLO as a gauge, and JMeter-style
//! results — throughput and errors per second over time, and the response
//! time percentiles (what the tactics cost). Every chart has a one-sentence
//! summary and a hidden table (`src/charts.rs`).

use super::AvailView;
use crate::charts::{
    fmt_count, fmt_ms, fmt_number, fmt_percent, BarChart, BarChartData, BarSeries, DataTable, Fill,
    LineChart, LineChartData, LineSeries, Stroke, Tone, Unit,
};
use crate::i18n::tr;
use crate::markup::Markup;
use engine::i18n::{t, tf};
use engine::labs::availability::{AvailabilityRun, AvailabilitySim};
use engine::time::SimTime;
use engine::Lang;
use leptos::prelude::*;

/// Points a chart over time is cut into, at most.
const SLICES: usize = 120;

fn side_name(lang: Lang, side: usize) -> &'static str {
    t(lang, if side == 0 { "ui.side_a" } else { "ui.side_b" })
}

fn ms(t: SimTime) -> f64 {
    t.as_micros() as f64 / 1000.0
}

/// Registrations and queries that worked, per slice of time, on one side.
pub fn availability_chart(sim: &AvailabilitySim, side: usize, lang: Lang) -> LineChartData {
    let model = sim.model();
    let now = sim.now();
    let pts = model.availability_over_time(now, SLICES);
    let line = |k: usize| {
        pts.iter()
            .filter_map(|p| if k == 0 { p.1 } else { p.2 }.map(|v| (p.0, v * 100.0)))
            .collect::<Vec<_>>()
    };
    let names = [
        t(lang, "availability.charts.commands"),
        t(lang, "availability.charts.queries"),
    ];
    let series = vec![
        LineSeries {
            label: names[0].into(),
            tone: Tone::Info,
            stroke: Stroke::Solid,
            area: false,
            points: line(0),
        },
        LineSeries {
            label: names[1].into(),
            tone: Tone::Ok,
            stroke: Stroke::Dashed,
            area: false,
            points: line(1),
        },
    ];
    let bands = model
        .crashes_between(SimTime::ZERO, now)
        .into_iter()
        .take(200)
        .map(|(a, b, hung)| crate::charts::Band {
            from: ms(a),
            to: ms(b),
            label: t(
                lang,
                if hung {
                    "availability.band.hung"
                } else {
                    "availability.band.crashed"
                },
            )
            .into(),
        })
        .collect();
    let m = model.metrics(now);
    let pct = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| fmt_percent(lang, v));
    let rows = pts
        .iter()
        .step_by((pts.len() / 12).max(1))
        .map(|p| vec![fmt_ms(lang, p.0), pct(p.1), pct(p.2)])
        .collect();
    LineChartData {
        title: tf(
            lang,
            "availability.charts.avail_title",
            &[("side", &side_name(lang, side))],
        ),
        x_label: t(lang, "availability.charts.time_axis").into(),
        y_label: t(lang, "availability.charts.avail_axis").into(),
        x_max: ms(now).max(1.0),
        y_min_top: 100.0,
        series,
        bands,
        now: None,
        x_unit: Unit::Millis,
        y_unit: Unit::Number,
        summary: tf(
            lang,
            "availability.charts.avail_summary",
            &[
                ("side", &side_name(lang, side)),
                ("commands", &pct(m.command_availability)),
                ("queries", &pct(m.query_availability)),
            ],
        ),
        table: DataTable {
            caption: t(lang, "availability.charts.avail_axis").into(),
            head: vec![
                t(lang, "availability.charts.time_axis").to_string(),
                names[0].to_string(),
                names[1].to_string(),
            ],
            rows,
        },
        empty: pts.is_empty().then(|| t(lang, "chart.no_data").into()),
        lang,
    }
}

/// JMeter's "results over time": answered and failed requests per second, both sides.
pub fn throughput_chart(run: &AvailabilityRun, lang: Lang) -> LineChartData {
    let mut series = vec![];
    let mut summary = vec![];
    let mut head = vec![t(lang, "availability.charts.time_axis").to_string()];
    let mut rows: Vec<Vec<String>> = vec![];
    let mut x_max: f64 = 1.0;
    for (side, sim) in run.sides.iter().enumerate() {
        let pts = sim.model().throughput_over_time(sim.now(), SLICES);
        x_max = x_max.max(ms(sim.now()));
        let name = side_name(lang, side);
        let thr = tf(lang, "availability.charts.throughput", &[("side", &name)]);
        let err = tf(lang, "availability.charts.errors", &[("side", &name)]);
        let (n, e) = pts.iter().fold((0.0, 0.0), |a, p| (a.0 + p.1, a.1 + p.2));
        let k = pts.len().max(1) as f64;
        summary.push(tf(
            lang,
            "availability.charts.throughput_side",
            &[
                ("side", &name),
                ("rate", &fmt_number(lang, n / k)),
                ("errors", &fmt_number(lang, e / k)),
            ],
        ));
        head.push(thr.clone());
        head.push(err.clone());
        let step = (pts.len() / 12).max(1);
        for (i, p) in pts.iter().enumerate().step_by(step) {
            if side == 0 {
                rows.push(vec![
                    fmt_ms(lang, p.0),
                    fmt_number(lang, p.1),
                    fmt_number(lang, p.2),
                ]);
            } else if let Some(r) = rows.get_mut(i / step) {
                r.push(fmt_number(lang, p.1));
                r.push(fmt_number(lang, p.2));
            }
        }
        series.push(LineSeries {
            label: thr,
            tone: if side == 0 { Tone::Info } else { Tone::Breaker },
            stroke: if side == 0 {
                Stroke::Solid
            } else {
                Stroke::Dashed
            },
            area: false,
            points: pts.iter().map(|p| (p.0, p.1)).collect(),
        });
        series.push(LineSeries {
            label: err,
            tone: if side == 0 { Tone::Fail } else { Tone::GiveUp },
            stroke: if side == 0 {
                Stroke::Solid
            } else {
                Stroke::Dotted
            },
            area: side == 0,
            points: pts.iter().map(|p| (p.0, p.2)).collect(),
        });
    }
    let empty = series.iter().all(|s| s.points.is_empty());
    LineChartData {
        title: t(lang, "availability.charts.throughput_title").into(),
        x_label: t(lang, "availability.charts.time_axis").into(),
        y_label: t(lang, "availability.charts.throughput_axis").into(),
        x_max,
        // Fitted to the data: a month at 0.05 requests/s would otherwise lie
        // flat along the bottom of a 0–1 axis.
        y_min_top: 0.0,
        series,
        bands: vec![],
        now: None,
        x_unit: Unit::Millis,
        y_unit: Unit::Number,
        summary: summary.join(" "),
        table: DataTable {
            caption: t(lang, "availability.charts.throughput_title").into(),
            head,
            rows,
        },
        empty: empty.then(|| t(lang, "chart.no_data").into()),
        lang,
    }
}

/// Response-time percentiles (p50, p95, p99) of every answer, per side.
pub fn percentiles_chart(run: &AvailabilityRun, lang: Lang) -> BarChartData {
    let mut categories = vec![];
    let mut values = vec![];
    let mut labels = vec![];
    let mut rows = vec![];
    for (side, sim) in run.sides.iter().enumerate() {
        let m = sim.model().metrics(sim.now());
        let name = side_name(lang, side);
        let ps = [("p50", m.p50_ms), ("p95", m.p95_ms), ("p99", m.p99_ms)];
        let mut row = vec![name.to_string()];
        for (p, v) in ps {
            categories.push(if run.sides.len() > 1 {
                format!("{name} {p}")
            } else {
                p.to_string()
            });
            values.push(v.unwrap_or(0.0));
            let text = v.map_or_else(|| "—".to_string(), |v| fmt_ms(lang, v));
            labels.push(text.clone());
            row.push(text);
        }
        rows.push(row);
    }
    let summary = rows
        .iter()
        .map(|r| format!("{}: p50 {}, p95 {}, p99 {}", r[0], r[1], r[2], r[3]))
        .collect::<Vec<_>>()
        .join("; ");
    let empty = values.iter().all(|v| *v == 0.0);
    BarChartData {
        title: t(lang, "availability.charts.pct_title").into(),
        x_label: String::new(),
        y_label: t(lang, "availability.charts.pct_axis").into(),
        categories,
        series: vec![BarSeries {
            label: t(lang, "availability.charts.pct_axis").into(),
            tone: Tone::Info,
            fill: Fill::Solid,
            values,
        }],
        bar_labels: labels,
        y_min_top: 1.0,
        y_unit: Unit::Millis,
        summary: tf(
            lang,
            "availability.charts.pct_summary",
            &[("sides", &summary)],
        ),
        table: DataTable {
            caption: t(lang, "availability.charts.pct_title").into(),
            head: vec![String::new(), "p50".into(), "p95".into(), "p99".into()],
            rows,
        },
        empty: empty.then(|| t(lang, "chart.no_data").into()),
        lang,
    }
}

/// The error-budget gauges, one per side, as HTML: failures so far against
/// the failures the SLO allows for this many requests.
pub fn budget_markup(run: &AvailabilityRun, lang: Lang) -> String {
    let mut m = Markup::new();
    let slo = run.sides[0].model().config().slo;
    m.elem(
        "h3",
        &[("class", "small-title")],
        &tf(
            lang,
            "availability.budget.title",
            &[("slo", &engine::i18n::format::decimal(lang, slo * 100.0, 3))],
        ),
    );
    let used_of = |sim: &AvailabilitySim| {
        let (failed, allowed) = sim.model().error_budget();
        if allowed > 0.0 {
            failed as f64 / allowed
        } else {
            0.0
        }
    };
    // One scale for both sides (A at ×49.9 is three times B at ×16.9), in
    // steps, so it moves only when an overrun outgrows it.
    let top = gauge_top(run.sides.iter().map(used_of).fold(0.0, f64::max));
    for (side, sim) in run.sides.iter().enumerate() {
        let (failed, allowed) = sim.model().error_budget();
        let used = used_of(sim);
        let over = used > 1.0;
        let sentence = tf(
            lang,
            if over {
                "availability.budget.over"
            } else {
                "availability.budget.line"
            },
            &[
                ("side", &side_name(lang, side)),
                ("failed", &fmt_count(lang, failed)),
                (
                    "allowed",
                    &fmt_number(lang, (allowed * 10.0).round() / 10.0),
                ),
                (
                    "used",
                    &if over {
                        format!("×{}", fmt_number(lang, (used * 10.0).round() / 10.0))
                    } else {
                        fmt_percent(lang, used)
                    },
                ),
            ],
        );
        m.open(
            "div",
            &[
                ("class", if over { "av-gauge over" } else { "av-gauge" }),
                ("data-side", if side == 0 { "A" } else { "B" }),
                ("data-used", &engine::num::fixed(used, 3)),
            ],
        );
        m.open(
            "div",
            &[
                ("class", "av-gauge-track"),
                ("role", "meter"),
                ("aria-valuemin", "0"),
                ("aria-valuemax", "100"),
                (
                    "aria-valuenow",
                    &engine::num::fixed((used * 100.0).min(100.0), 1),
                ),
                ("aria-label", &sentence),
            ],
        );
        m.elem(
            "span",
            &[
                ("class", "av-gauge-fill"),
                (
                    "style",
                    &format!(
                        "width:{}%",
                        engine::num::fixed(used.min(top) / top * 100.0, 2)
                    ),
                ),
            ],
            "",
        );
        m.elem(
            "span",
            &[
                ("class", "av-gauge-limit"),
                (
                    "style",
                    &format!("left:{}%", engine::num::fixed(1.0 / top * 100.0, 2)),
                ),
            ],
            "",
        );
        m.close("div");
        // The scale under the track: the budget's mark named, and the end.
        let limit_at = 100.0 / top;
        let limit = engine::num::fixed(limit_at, 2);
        m.open(
            "div",
            &[("class", "av-gauge-scale"), ("aria-hidden", "true")],
        );
        m.elem(
            "span",
            &[
                (
                    "class",
                    // Near the left end the name starts at the mark.
                    if limit_at < 10.0 {
                        "av-gauge-limit-label start"
                    } else {
                        "av-gauge-limit-label"
                    },
                ),
                ("style", &format!("left:{limit}%")),
            ],
            &tf(lang, "availability.budget.limit", &[]),
        );
        m.elem(
            "span",
            &[("class", "av-gauge-end")],
            &format!("×{}", fmt_number(lang, top)),
        );
        m.close("div");
        m.elem("p", &[("class", "av-gauge-text")], &sentence);
        m.close("div");
    }
    m.finish()
}

/// The gauges' scale end, as a multiple of the budget: 1.25 while no side
/// has overrun it (the budget's mark near the right end), then the first of
/// 2, 5, 10, 20, 50, … that holds the larger overrun.
pub fn gauge_top(used: f64) -> f64 {
    if used <= 1.0 || !used.is_finite() {
        return 1.25;
    }
    let mut top = 2.0;
    let mut steps = [2.5, 2.0, 2.0].into_iter().cycle();
    while top < used {
        top *= steps.next().unwrap_or(2.0);
    }
    top
}

#[component]
pub fn AvailCharts(view: AvailView) -> impl IntoView {
    let sides = Memo::new(move |_| view.with(|r| r.sides.len()));
    let avail = move |side: usize| {
        Memo::new(move |_| {
            let lang = view.lang.get();
            view.with(|run| {
                run.sides
                    .get(side)
                    .map(|s| availability_chart(s, side, lang))
                    .unwrap_or_default()
            })
        })
    };
    let (a, b) = (avail(0), avail(1));
    let throughput = Memo::new(move |_| {
        let lang = view.lang.get();
        view.with(|run| throughput_chart(run, lang))
    });
    let pct = Memo::new(move |_| {
        let lang = view.lang.get();
        view.with(|run| percentiles_chart(run, lang))
    });
    let budget = move || {
        let lang = view.lang.get();
        view.with(|run| budget_markup(run, lang))
    };
    view! {
        <div class="av-charts" data-testid="av-charts">
            <h2 class="small-title">{tr("availability.charts.title")}</h2>
            <div class="sides" class:compare={move || sides.get() > 1}>
                <section class="side"><LineChart data=a testid="chart-avail-a" /></section>
                {crate::show::show(move || sides.get() > 1, move || view! {
                    <section class="side"><LineChart data=b testid="chart-avail-b" /></section>
                }.into_any())}
            </div>
            <section class="av-budget" data-testid="av-budget" inner_html=budget></section>
            <p class="help">{tr("availability.budget.help")}</p>
            <LineChart data=throughput testid="chart-throughput" />
            <BarChart data=pct testid="chart-percentiles" />
        </div>
    }
}

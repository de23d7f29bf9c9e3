//! The retry lab's charts, for one side of a run:
//!
//! 1. **Offered load vs useful work** over time: calls sent per second (first
//!    attempts and retries), requests succeeding per second, and requests
//!    arriving per second for reference, with outages shaded. A retry storm
//!    is the moment the dashed line shoots up while the solid one falls.
//! 2. **Attempts per finished request**: a histogram, succeeded and gave up
//!    stacked.
//! 3. **Time to success**: the p50, p95 and p99 of the time from arrival to
//!    success, retries and waits included.
//!
//! When two strategies are compared, both sides' charts share their y scales,
//! so A and B can be compared by eye. This file turns engine statistics into
//! chart data; the drawing is `crate::charts`.
//!
//! Charts that a run is too small to have are not drawn: a single request
//! has no rates over time (its attempts are on the request timeline), and
//! percentiles need at least [`MIN_FOR_PERCENTILES`] successes. A thundering
//! herd gets, instead of rates per second, **calls per slice of a few
//! milliseconds** on a window that fits each side's run (Marc Brooker's
//! picture of jitter): without jitter the calls come in waves, with jitter
//! they spread out. Both sides use the same slice width and y scale.

use super::stage::Side;
use super::RetryView;
use crate::charts::{
    fmt_count, fmt_ms, fmt_number, Band, BarChart, BarChartData, BarSeries, DataTable, Fill,
    LineChart, LineChartData, LineSeries, Stroke, Tone, Unit,
};
use engine::i18n::{t, tf};
use engine::labs::retry::config::Workload;
use engine::labs::retry::record::node_name;
use engine::labs::retry::stats::CallCount;
use engine::labs::retry::stats::Slice;
use engine::labs::retry::{RetryRun, RetrySim};
use engine::labs::LabRun;
use engine::Lang;
use leptos::prelude::*;

/// How many rows the hidden table of the load chart has at most.
const LOAD_TABLE_ROWS: usize = 20;

/// Percentiles are drawn from this many successes on (fewer make a p99 of
/// a handful of samples).
pub const MIN_FOR_PERCENTILES: u64 = 20;

/// The span of simulated time the charts and strips cover, in seconds: the
/// run's shared time axis (`LabRun::time_domain_ms`: the arrival window, or
/// as far as either side has got), the same for A and B.
pub fn time_domain_s(run: &RetryRun) -> f64 {
    run.time_domain_ms() / 1000.0
}

/// Whether the run is a single request (no rates over time to chart).
fn single_request(run: &RetryRun) -> bool {
    matches!(run.a.model().scenario().workload, Workload::Single)
}

fn is_herd(run: &RetryRun) -> bool {
    matches!(run.a.model().scenario().workload, Workload::Herd { .. })
}

/// The herd chart's slice width in ms: the finest width both sides have
/// (each side's fine series widens as its run grows), so both sides count
/// calls over slices of the same length.
pub fn herd_slice_ms(run: &RetryRun) -> f64 {
    run.sides()
        .map(|s| s.model().stats().fine_calls.width().as_micros() as f64 / 1000.0)
        .fold(0.0, f64::max)
}

/// One side's calls per slice of `width_ms`, from its fine series.
fn herd_slices(sim: &RetrySim, width_ms: f64) -> Vec<CallCount> {
    let fine = &sim.model().stats().fine_calls;
    let own = fine.width().as_micros() as f64 / 1000.0;
    let group = ((width_ms / own).round() as usize).max(1);
    fine.buckets()
        .chunks(group)
        .map(|chunk| {
            chunk.iter().fold(CallCount::default(), |mut acc, c| {
                acc.calls += c.calls;
                acc.retries += c.retries;
                acc
            })
        })
        .collect()
}

fn herd_chart(run: &RetryRun, side: Side, lang: Lang) -> LineChartData {
    let width_ms = herd_slice_ms(run);
    let slice = fmt_ms(lang, width_ms);
    let index = match side {
        Side::A => 0,
        Side::B => 1,
    };
    let end_s = (run.side_end_ms(index) / 1000.0).max(width_ms / 1000.0);
    let base = LineChartData {
        title: tf(lang, "retry.charts.herd_title", &[("slice", &slice)]),
        x_label: tf(
            lang,
            "retry.charts.herd_axis",
            &[("end", &fmt_ms(lang, end_s * 1000.0))],
        ),
        y_label: tf(lang, "retry.charts.herd_per_slice", &[("slice", &slice)]),
        x_max: end_s,
        x_unit: Unit::Seconds,
        y_unit: Unit::Count,
        now: Some(now_s(run)),
        lang,
        ..LineChartData::default()
    };
    let Some(sim) = side.sim(run) else {
        return LineChartData {
            empty: Some(t(lang, "chart.no_data").into()),
            ..base
        };
    };
    let slices = herd_slices(sim, width_ms);
    if slices.iter().all(|c| c.calls == 0) {
        return LineChartData {
            empty: Some(t(lang, "retry.charts.load_quiet").into()),
            ..base
        };
    }
    let w = width_ms / 1000.0;
    // A step outline: each slice is a flat top over its own width.
    let steps = |f: fn(&CallCount) -> u32| -> Vec<(f64, f64)> {
        let mut points = Vec::with_capacity(slices.len() * 2);
        for (i, c) in slices.iter().enumerate() {
            let v = f(c) as f64;
            points.push((i as f64 * w, v));
            points.push(((i + 1) as f64 * w, v));
        }
        points
    };
    let series = vec![LineSeries {
        label: tf(lang, "retry.charts.herd_calls", &[("slice", &slice)]),
        tone: Tone::Info,
        stroke: Stroke::Solid,
        area: true,
        points: steps(|c| c.calls),
    }];
    let (busiest_at, busiest) =
        slices.iter().enumerate().fold(
            (0, 0),
            |best, (i, c)| if c.calls > best.1 { (i, c.calls) } else { best },
        );
    let busy = slices.iter().filter(|c| c.calls > 0).count();
    let summary = tf(
        lang,
        "retry.charts.herd_summary",
        &[
            ("slice", &slice),
            ("peak", &fmt_count(lang, busiest as u64)),
            (
                "at",
                &format!("{} s", fmt_number(lang, busiest_at as f64 * w)),
            ),
            ("busy", &fmt_count(lang, busy as u64)),
            ("slices", &fmt_count(lang, slices.len() as u64)),
            ("calls", &fmt_count(lang, sim.model().stats().calls)),
        ],
    );
    let group = slices.len().div_ceil(LOAD_TABLE_ROWS).max(1);
    let rows = slices
        .chunks(group)
        .enumerate()
        .map(|(k, chunk)| {
            let from = (k * group) as f64 * w;
            let to = from + chunk.len() as f64 * w;
            vec![
                format!("{}–{} s", fmt_number(lang, from), fmt_number(lang, to)),
                fmt_count(lang, chunk.iter().map(|c| c.calls as u64).sum()),
                fmt_count(
                    lang,
                    chunk.iter().map(|c| c.calls as u64).max().unwrap_or(0),
                ),
            ]
        })
        .collect();
    let table = DataTable {
        caption: base.title.clone(),
        head: vec![
            t(lang, "retry.charts.col_time").into(),
            t(lang, "retry.charts.col_herd_calls").into(),
            tf(lang, "retry.charts.col_herd_peak", &[("slice", &slice)]),
        ],
        rows,
    };
    // Both sides on one y scale (the same slice width, so counts compare).
    let y_min_top = run
        .sides()
        .flat_map(|s| herd_slices(s, width_ms).into_iter().map(|c| c.calls as f64))
        .fold(0.0, f64::max);
    LineChartData {
        series,
        summary,
        table,
        y_min_top,
        ..base
    }
}

/// One slice of the series with its time span, in seconds.
struct Rates<'a> {
    from: f64,
    width: f64,
    slice: &'a Slice,
}

/// The slices that are complete (the one the clock is in is still filling,
/// and would make every line dive at the right edge) — all of them once the
/// run is over.
fn complete_slices(sim: &RetrySim) -> Vec<Rates<'_>> {
    let series = &sim.model().stats().series;
    let width = series.width().as_micros() as f64 / 1e6;
    let now = sim.now().as_micros() as f64 / 1e6;
    let finished = sim.is_finished();
    series
        .buckets()
        .iter()
        .enumerate()
        .map(|(i, slice)| Rates {
            from: i as f64 * width,
            width,
            slice,
        })
        .filter(|r| finished || r.from + r.width <= now + 1e-9)
        .collect()
}

fn peak_call_rate(sim: &RetrySim) -> f64 {
    complete_slices(sim)
        .iter()
        .map(|r| r.slice.calls as f64 / r.width)
        .fold(0.0, f64::max)
}

/// The player's clock in seconds: the full charts span the run's whole time
/// domain, so a "now" line shows how far the run has got.
fn now_s(run: &RetryRun) -> f64 {
    run.now().as_micros() as f64 / 1e6
}

fn load_chart(run: &RetryRun, side: Side, lang: Lang) -> LineChartData {
    let base = LineChartData {
        title: t(lang, "retry.charts.load_title").to_string(),
        x_label: t(lang, "retry.charts.time_axis").to_string(),
        y_label: t(lang, "retry.charts.per_second").to_string(),
        x_max: time_domain_s(run),
        x_unit: Unit::Seconds,
        y_unit: Unit::Number,
        now: Some(now_s(run)),
        lang,
        ..LineChartData::default()
    };
    let Some(sim) = side.sim(run) else {
        return LineChartData {
            empty: Some(t(lang, "chart.no_data").into()),
            ..base
        };
    };
    let slices = complete_slices(sim);
    let stats = sim.model().stats();
    let outages = &sim.model().scenario().service.outages;
    let bands = outages
        .iter()
        .map(|o| Band {
            from: o.from_ms as f64 / 1000.0,
            to: o.to_ms as f64 / 1000.0,
            label: match o.node {
                None => t(lang, "retry.charts.outage").to_string(),
                Some(n) => tf(
                    lang,
                    "retry.charts.node_outage",
                    &[("node", &node_name(n - 1))],
                ),
            },
        })
        .collect();
    if slices.is_empty() {
        return LineChartData {
            bands,
            empty: Some(t(lang, "chart.no_data").into()),
            ..base
        };
    }

    let line = |f: fn(&Slice) -> u32| -> Vec<(f64, f64)> {
        slices
            .iter()
            .map(|r| (r.from + r.width / 2.0, f(r.slice) as f64 / r.width))
            .collect()
    };
    let series = vec![
        LineSeries {
            label: t(lang, "retry.charts.load_succeeded").into(),
            tone: Tone::Ok,
            stroke: Stroke::Solid,
            area: true,
            points: line(|s| s.succeeded),
        },
        LineSeries {
            label: t(lang, "retry.charts.load_calls").into(),
            tone: Tone::Info,
            stroke: Stroke::Dashed,
            area: false,
            points: line(|s| s.calls),
        },
        LineSeries {
            label: t(lang, "retry.charts.load_arrivals").into(),
            tone: Tone::Muted,
            stroke: Stroke::Dotted,
            area: false,
            points: line(|s| s.arrivals),
        },
    ];

    // The storm in one sentence: the busiest moment, and what got through then.
    let (peak_at, peak) = slices
        .iter()
        .map(|r| (r, r.slice.calls as f64 / r.width))
        .fold((None, 0.0), |(best, max), (r, v)| {
            if v > max {
                (Some(r), v)
            } else {
                (best, max)
            }
        });
    let summary = match peak_at {
        Some(r) => tf(
            lang,
            "retry.charts.load_summary",
            &[
                ("peak", &fmt_number(lang, peak)),
                ("at", &format!("{} s", fmt_number(lang, r.from))),
                ("ok", &fmt_number(lang, r.slice.succeeded as f64 / r.width)),
                ("calls", &fmt_count(lang, stats.calls)),
                ("requests", &fmt_count(lang, stats.requests)),
                (
                    "amp",
                    &fmt_number(
                        lang,
                        if stats.requests > 0 {
                            stats.calls as f64 / stats.requests as f64
                        } else {
                            0.0
                        },
                    ),
                ),
            ],
        ),
        None => t(lang, "retry.charts.load_quiet").to_string(),
    };

    // The hidden table: the slices grouped into at most LOAD_TABLE_ROWS rows.
    let group = slices.len().div_ceil(LOAD_TABLE_ROWS).max(1);
    let rows = slices
        .chunks(group)
        .map(|chunk| {
            let from = chunk[0].from;
            let span: f64 = chunk.iter().map(|r| r.width).sum();
            let sum =
                |f: fn(&Slice) -> u32| chunk.iter().map(|r| f(r.slice) as f64).sum::<f64>() / span;
            vec![
                format!(
                    "{}–{} s",
                    fmt_number(lang, from),
                    fmt_number(lang, from + span)
                ),
                fmt_number(lang, sum(|s| s.arrivals)),
                fmt_number(lang, sum(|s| s.calls)),
                fmt_number(lang, sum(|s| s.succeeded)),
            ]
        })
        .collect();
    let table = DataTable {
        caption: t(lang, "retry.charts.load_title").into(),
        head: [
            "retry.charts.col_time",
            "retry.charts.col_arrivals",
            "retry.charts.col_calls",
            "retry.charts.col_succeeded",
        ]
        .iter()
        .map(|k| t(lang, k).to_string())
        .collect(),
        rows,
    };
    // Both sides on one scale.
    let y_min_top = run.sides().map(peak_call_rate).fold(0.0, f64::max);
    LineChartData {
        series,
        bands,
        summary,
        table,
        y_min_top,
        ..base
    }
}

fn attempts_chart(run: &RetryRun, side: Side, lang: Lang) -> BarChartData {
    let base = BarChartData {
        title: t(lang, "retry.charts.attempts_title").to_string(),
        x_label: t(lang, "retry.charts.attempts_axis").to_string(),
        y_label: t(lang, "retry.charts.requests_axis").to_string(),
        y_unit: Unit::Count,
        lang,
        ..BarChartData::default()
    };
    let Some(sim) = side.sim(run) else {
        return BarChartData {
            empty: Some(t(lang, "chart.no_data").into()),
            ..base
        };
    };
    let stats = sim.model().stats();
    if stats.finished == 0 {
        return BarChartData {
            empty: Some(t(lang, "retry.charts.attempts_empty").into()),
            ..base
        };
    }
    // Row 0 (gave up before any attempt: the breaker said no) only if used.
    let first_row = if stats.attempts.first().is_some_and(|r| r[0] + r[1] > 0) {
        0
    } else {
        1
    };
    let rows: Vec<(usize, [u64; 2])> = stats
        .attempts
        .iter()
        .copied()
        .enumerate()
        .skip(first_row)
        .collect();
    let categories = rows.iter().map(|(n, _)| n.to_string()).collect();
    let succeeded_label = t(lang, "retry.charts.succeeded").to_string();
    let gave_up_label = t(lang, "retry.charts.gave_up").to_string();
    let series = vec![
        BarSeries {
            label: succeeded_label.clone(),
            tone: Tone::Ok,
            fill: Fill::Solid,
            values: rows.iter().map(|(_, r)| r[0] as f64).collect(),
        },
        BarSeries {
            label: gave_up_label.clone(),
            tone: Tone::GiveUp,
            fill: Fill::Hatched,
            values: rows.iter().map(|(_, r)| r[1] as f64).collect(),
        },
    ];
    let bar_labels = rows
        .iter()
        .map(|(_, r)| {
            if r[0] + r[1] > 0 {
                fmt_count(lang, r[0] + r[1])
            } else {
                String::new()
            }
        })
        .collect();
    let first = stats.attempts.get(1).map_or(0, |r| r[0]);
    let summary = tf(
        lang,
        "retry.charts.attempts_summary",
        &[
            ("finished", &fmt_count(lang, stats.finished)),
            ("first", &fmt_count(lang, first)),
            ("later", &fmt_count(lang, stats.succeeded - first)),
            (
                "gave_up",
                &fmt_count(lang, stats.finished - stats.succeeded),
            ),
        ],
    );
    let table = DataTable {
        caption: t(lang, "retry.charts.attempts_title").into(),
        head: vec![
            t(lang, "retry.charts.col_attempts").into(),
            succeeded_label,
            gave_up_label,
        ],
        rows: rows
            .iter()
            .map(|(n, r)| vec![n.to_string(), fmt_count(lang, r[0]), fmt_count(lang, r[1])])
            .collect(),
    };
    let y_min_top = run
        .sides()
        .flat_map(|s| {
            s.model()
                .stats()
                .attempts
                .iter()
                .map(|r| (r[0] + r[1]) as f64)
                .collect::<Vec<_>>()
        })
        .fold(0.0, f64::max);
    BarChartData {
        categories,
        series,
        bar_labels,
        summary,
        table,
        y_min_top,
        ..base
    }
}

fn latency_chart(run: &RetryRun, side: Side, lang: Lang) -> BarChartData {
    let base = BarChartData {
        title: t(lang, "retry.charts.latency_title").to_string(),
        x_label: t(lang, "retry.charts.percentile_axis").to_string(),
        y_label: t(lang, "retry.charts.latency_axis").to_string(),
        y_unit: Unit::Millis,
        lang,
        ..BarChartData::default()
    };
    let Some(sim) = side.sim(run) else {
        return BarChartData {
            empty: Some(t(lang, "chart.no_data").into()),
            ..base
        };
    };
    let stats = sim.model().stats();
    let m = stats.metrics();
    if stats.succeeded > 0 && stats.succeeded < MIN_FOR_PERCENTILES {
        let empty = if stats.requests == 1 {
            tf(
                lang,
                "retry.charts.latency_one",
                &[("took", &fmt_ms(lang, m.p50_ms.unwrap_or(0.0)))],
            )
        } else {
            tf(
                lang,
                "retry.charts.latency_few",
                &[
                    ("min", &MIN_FOR_PERCENTILES),
                    ("n", &fmt_count(lang, stats.succeeded)),
                ],
            )
        };
        return BarChartData {
            empty: Some(empty),
            ..base
        };
    }
    let (Some(p50), Some(p95), Some(p99)) = (m.p50_ms, m.p95_ms, m.p99_ms) else {
        return BarChartData {
            empty: Some(t(lang, "retry.charts.latency_empty").into()),
            ..base
        };
    };
    let values = vec![p50, p95, p99];
    let names = ["retry.charts.p50", "retry.charts.p95", "retry.charts.p99"];
    let summary = tf(
        lang,
        "retry.charts.latency_summary",
        &[
            ("p50", &fmt_ms(lang, p50)),
            ("p95", &fmt_ms(lang, p95)),
            ("p99", &fmt_ms(lang, p99)),
        ],
    );
    let table = DataTable {
        caption: t(lang, "retry.charts.latency_title").into(),
        head: vec![
            t(lang, "retry.charts.col_percentile").into(),
            t(lang, "retry.charts.col_time_to_success").into(),
        ],
        rows: names
            .iter()
            .zip(&values)
            .map(|(k, v)| vec![t(lang, k).to_string(), fmt_ms(lang, *v)])
            .collect(),
    };
    let y_min_top = run
        .sides()
        .filter(|s| s.model().stats().succeeded >= MIN_FOR_PERCENTILES)
        .filter_map(|s| s.model().stats().metrics().p99_ms)
        .fold(0.0, f64::max);
    BarChartData {
        categories: vec!["p50".into(), "p95".into(), "p99".into()],
        bar_labels: values.iter().map(|v| fmt_ms(lang, *v)).collect(),
        series: vec![BarSeries {
            label: t(lang, "retry.charts.latency_title").into(),
            tone: Tone::Info,
            fill: Fill::Solid,
            values,
        }],
        summary,
        table,
        y_min_top,
        ..base
    }
}

/// Which chart of calls over time a run gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OverTime {
    /// Calls and successes per second (many requests over a window).
    Rates,
    /// Calls per few-ms slice, on a window that fits the run (a herd).
    Herd,
    /// Nothing: a single request has no rates (its timeline tells it all).
    None,
}

fn over_time(run: &RetryRun) -> OverTime {
    if single_request(run) {
        OverTime::None
    } else if is_herd(run) {
        OverTime::Herd
    } else {
        OverTime::Rates
    }
}

/// The charts of one side: load over time (or the herd's calls per slice;
/// nothing for a single request), attempts histogram, percentiles.
#[component]
pub fn RetryCharts(view: RetryView, side: Side) -> impl IntoView {
    let kind = Memo::new(move |_| view.with(over_time));
    let load = Memo::new(move |_| {
        let lang = view.lang.get();
        view.with(|run| match over_time(run) {
            OverTime::Herd => herd_chart(run, side, lang),
            _ => load_chart(run, side, lang),
        })
    });
    let attempts = Memo::new(move |_| {
        let lang = view.lang.get();
        view.with(|run| attempts_chart(run, side, lang))
    });
    let latency = Memo::new(move |_| {
        let lang = view.lang.get();
        view.with(|run| latency_chart(run, side, lang))
    });
    view! {
        <div class="retry-charts" data-testid="retry-charts" data-side=side.letter()>
            {move || match kind.get() {
                OverTime::Rates => view! { <LineChart data=load testid="chart-load" /> }.into_any(),
                OverTime::Herd => view! { <LineChart data=load testid="chart-herd" /> }.into_any(),
                OverTime::None => view! {
                    <p class="chart-skipped" data-testid="chart-load-skipped">
                        {move || t(view.lang.get(), "retry.charts.no_rates_single").to_string()}
                    </p>
                }
                .into_any(),
            }}
            <div class="retry-charts-pair">
                <BarChart data=attempts testid="chart-attempts" />
                <BarChart data=latency testid="chart-latency" />
            </div>
        </div>
    }
}

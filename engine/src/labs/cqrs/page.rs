//! The CQRS run as the shared lab page sees it ([`LabRun`]): each side's
//! verdict (reads per second, and how many of them answered out of date —
//! the price of a read side that lags), the metrics table's rows (with the
//! lag theory predicts beside the measured one, and Little's law beside the
//! backlog), the outcomes bar and the scrubber's marks (projector pauses and
//! rebuilds).

use super::config::{Architecture, Consistency, CqrsConfig, CqrsSide, CqrsWorkload};
use super::stats::Slice;
use super::{CqrsModel, CqrsRun, CqrsSim};
use crate::labs::run::{
    FormulaArg, Mark, MarkKind, MetricRow, MetricValue, Outcomes, Theory, Tone, Verdict, VerdictBand, VerdictLine,
};
use crate::labs::sides::SidesView;
use crate::patterns::projector::SyncMode;
use crate::patterns::service::LatencyShape;
use crate::time::SimTime;

fn ms(t: SimTime) -> f64 {
    t.as_micros() as f64 / 1000.0
}

/// The projector's pauses and its rebuild (from the crash until the fresh
/// copy is in), with their labels.
fn bands(sim: &CqrsSim) -> Vec<(f64, f64, &'static str)> {
    let m = sim.model();
    if m.is_crud() {
        return vec![];
    }
    let p = &m.projections[0].projector;
    let mut out: Vec<(f64, f64, &'static str)> = p
        .config()
        .pauses
        .iter()
        .map(|w| (w.from_ms as f64, w.to_ms as f64, "cqrs.band.paused"))
        .collect();
    let crash = p.config().crash_at_ms as f64;
    if crash > 0.0 && ms(sim.now()) >= crash {
        let until = p.rebuild_ms.map_or(ms(sim.now()), |r| crash + r);
        out.push((crash, until, "cqrs.band.rebuilding"));
    }
    out
}

/// When a Poisson run's reads and writes stop arriving (a script has no such end).
fn traffic_end_ms(config: &super::CqrsConfig) -> Option<f64> {
    match &config.workload {
        CqrsWorkload::Poisson { duration_ms, .. } => Some(*duration_ms as f64),
        CqrsWorkload::Script { .. } => None,
    }
}

/// A rate as a formula shows it: at most 2 decimals (77.31/s, not 77.3069/s).
fn rate(per_s: f64) -> f64 {
    libm::round(per_s * 100.0) / 100.0
}

/// What M/M/1 (or the fixed delay) predicts for the mean lag, when the
/// run is one theory covers.
/// The catch-up after one pause of a queue projector: the pause leaves
/// λ·P changes waiting, drained at μ − λ while the traffic goes on, then at
/// μ. λ is the commit rate measured while the traffic runs (rejected
/// commands commit nothing), μ the batch over the mean service time.
fn catch_up_theory(sim: &CqrsSim) -> Option<Theory> {
    let m = sim.model();
    let p = m.projections[0].projector.config();
    let mode = m.side().sync.unwrap_or(p.mode);
    let [ref pause] = p.pauses[..] else {
        return None;
    };
    let end = traffic_end_ms(m.config())?;
    if mode != SyncMode::Queue || p.service_ms == 0 || m.is_crud() {
        return None;
    }
    let secs = ms(sim.now()).min(end) / 1000.0;
    let lambda = m.projections[0].projector.committed() as f64 / secs.max(1e-9);
    let mu = f64::from(p.batch.max(1)) * 1000.0 / p.service_shape.mean(p.service_ms as f64, 0.0);
    if lambda >= mu || pause.to_ms <= pause.from_ms {
        return None;
    }
    let (lambda, mu) = (rate(lambda), rate(mu));
    let span = (pause.to_ms - pause.from_ms) as f64 / 1000.0;
    let waiting = lambda * span;
    let left = (end - pause.to_ms as f64).max(0.0) / 1000.0;
    let net = mu - lambda;
    let (value, formula_key, mut args) = if waiting / net <= left {
        (waiting / net, "cqrs.theory.catch_up", vec![])
    } else {
        (
            left + (waiting - net * left) / mu,
            "cqrs.theory.catch_up_ends",
            vec![
                ("waiting", FormulaArg::Count(libm::round(waiting) as u64)),
                ("net", FormulaArg::Number(rate(net))),
            ],
        )
    };
    args.extend([
        ("pause", FormulaArg::Ms(span * 1000.0)),
        ("lambda", FormulaArg::Number(lambda)),
        ("mu", FormulaArg::Number(mu)),
    ]);
    Some(Theory {
        value: MetricValue::Ms(value * 1000.0),
        formula_key,
        formula_args: args,
        caveat_key: (p.crash_at_ms > 0).then_some("cqrs.caveat.paused"),
    })
}

fn lag_theory(sim: &CqrsSim) -> Option<Theory> {
    let m = sim.model();
    let c = m.config();
    let p = m.projections[0].projector.config();
    let mode = m.side().sync.unwrap_or(p.mode);
    if m.is_crud() {
        return None;
    }
    // Both predictions assume a projector that is always up: a pause or a
    // crash piles changes up, and they wait longer than either says.
    let down = (!p.pauses.is_empty() || p.crash_at_ms > 0).then_some("cqrs.caveat.paused");
    match mode {
        SyncMode::Delay | SyncMode::Inline => Some(Theory {
            value: MetricValue::Ms(p.delay_ms as f64),
            formula_key: "cqrs.theory.lag_delay",
            formula_args: vec![("d", FormulaArg::Ms(p.delay_ms as f64))],
            caveat_key: down,
        }),
        SyncMode::Queue => {
            let CqrsWorkload::Poisson { writes_per_s, .. } = &c.workload else {
                return None;
            };
            let mu = if p.service_ms == 0 {
                return None;
            } else {
                1000.0 / p.service_ms as f64
            };
            // Commits arrive at most at the command rate.
            let lambda = *writes_per_s;
            if lambda >= mu {
                return None;
            }
            let fits = p.service_shape == LatencyShape::Exponential && p.batch == 1 && p.transport_ms == 0;
            Some(Theory {
                value: MetricValue::Ms(1000.0 / (mu - lambda)),
                formula_key: "cqrs.theory.lag_mm1",
                formula_args: vec![
                    ("mu", FormulaArg::Number(rate(mu))),
                    ("lambda", FormulaArg::Number(rate(lambda))),
                ],
                caveat_key: down.or((!fits).then_some("cqrs.caveat.mm1")),
            })
        }
    }
}

/// How the stage cards' chart counts reads: as running totals (`slices`
/// `None`: a script, or Poisson traffic with fewer than [`MIN_READS_FOR_RATE`]
/// reads expected, has too few reads for a rate — one read in a 0.1 s slice
/// is no "10 per second"), or as rates per second averaged over `slices`
/// series slices (whole seconds: 1 s while slices are 0.1 or 0.2 s, then 5
/// slices as they widen), with the unit saying how long each average is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VerdictPlan {
    pub slices: Option<usize>,
    pub title_key: &'static str,
    pub unit_key: &'static str,
}

/// Reads a Poisson run must expect for its chart to show rates.
pub const MIN_READS_FOR_RATE: f64 = 50.0;

/// Averaging spans (s) that have a unit text, and those texts.
const RATE_UNITS: [(f64, &str); 8] = [
    (1.0, "cqrs.verdict.per_second_1"),
    (2.0, "cqrs.verdict.per_second_2"),
    (4.0, "cqrs.verdict.per_second_4"),
    (8.0, "cqrs.verdict.per_second_8"),
    (16.0, "cqrs.verdict.per_second_16"),
    (32.0, "cqrs.verdict.per_second_32"),
    (64.0, "cqrs.verdict.per_second_64"),
    (128.0, "cqrs.verdict.per_second_128"),
];

pub fn verdict_plan(config: &super::CqrsConfig, width_ms: f64) -> VerdictPlan {
    let totals = VerdictPlan {
        slices: None,
        title_key: "cqrs.verdict.title_totals",
        unit_key: "cqrs.verdict.so_far",
    };
    let CqrsWorkload::Poisson {
        reads_per_s,
        duration_ms,
        ..
    } = &config.workload
    else {
        return totals;
    };
    if reads_per_s * (*duration_ms as f64) / 1000.0 < MIN_READS_FOR_RATE {
        return totals;
    }
    let k = if width_ms < 150.0 {
        libm::round(1000.0 / width_ms.max(1.0)).max(1.0) as usize
    } else {
        5
    };
    let span_s = width_ms * k as f64 / 1000.0;
    let unit_key = RATE_UNITS
        .iter()
        .find(|(s, _)| (s - span_s).abs() < 1e-6)
        .map_or("cqrs.verdict.per_second_long", |u| u.1);
    VerdictPlan {
        slices: Some(k),
        title_key: "cqrs.verdict.title",
        unit_key,
    }
}

/// A line of the stage cards' chart: its name, tone, dash, and what it
/// counts in a time slice.
type CountLine = (&'static str, Tone, bool, fn(&Slice) -> u32);

impl SidesView for CqrsModel {
    fn verdict(run: &CqrsRun, side: usize) -> Verdict {
        let Some(sim) = run.sides.get(side) else {
            return Verdict::default();
        };
        let series = &sim.model().stats().series;
        let width_ms = series.width().as_micros() as f64 / 1000.0;
        let now = ms(sim.now());
        let done = sim.is_finished();
        let plan = verdict_plan(sim.model().config(), width_ms);
        let mut verdict = Verdict {
            title_key: plan.title_key,
            unit_key: plan.unit_key,
            whole: plan.slices.is_none(),
            lines: vec![],
            bands: vec![],
            end_note: None,
        };
        // What the lines count: reads and those out of date; a writer's own
        // reads and those without their write (read-your-writes: the chart
        // showed everyone's stale reads beside "own reads without their
        // write 0"); with a second projection, also the screens that mixed
        // old and new (258 of them, drawn nowhere).
        let lines: Vec<CountLine> = match key_metrics(sim.model().config()).first().copied() {
            Some("own_stale_reads") => {
                verdict.title_key = if plan.slices.is_some() {
                    "cqrs.verdict.own_title"
                } else {
                    "cqrs.verdict.own_title_totals"
                };
                vec![
                    ("cqrs.verdict.own_reads", Tone::Neutral, true, |s| s.own_reads),
                    ("cqrs.verdict.own_stale", Tone::Bad, false, |s| s.own_stale),
                ]
            }
            // The stock queue has no reads: what it sold beyond the stock,
            // and what duplicates took off the products' count (the chart
            // lay flat at 0 reads under its lesson).
            Some("oversold") => {
                verdict.title_key = "cqrs.verdict.stock_title";
                vec![
                    ("cqrs.verdict.oversold", Tone::Bad, false, |s| s.oversold),
                    ("cqrs.verdict.dup_applied", Tone::Wait, true, |s| s.dup_applied),
                ]
            }
            Some("mixed_screens") => vec![
                ("cqrs.verdict.reads", Tone::Neutral, true, |s| s.reads),
                ("cqrs.verdict.stale", Tone::Bad, false, |s| s.stale),
                ("cqrs.verdict.mixed", Tone::Wait, false, |s| s.mixed),
            ],
            _ => vec![
                ("cqrs.verdict.reads", Tone::Neutral, true, |s| s.reads),
                ("cqrs.verdict.stale", Tone::Bad, false, |s| s.stale),
            ],
        };
        let mut points: Vec<Vec<(f64, f64)>> = vec![Vec::new(); lines.len()];
        let slices = series.buckets();
        match plan.slices {
            // Too few reads for a rate: running totals, as steps.
            None => {
                let mut totals = vec![0u64; lines.len()];
                for p in points.iter_mut() {
                    p.push((0.0, 0.0));
                }
                for (i, slice) in slices.iter().enumerate() {
                    let from = i as f64 * width_ms;
                    if from > now {
                        break;
                    }
                    if lines.iter().any(|l| (l.3)(slice) > 0) {
                        // A step at the slice's start, level until the next.
                        for (l, line) in lines.iter().enumerate() {
                            points[l].push((from, totals[l] as f64));
                            totals[l] += u64::from((line.3)(slice));
                            points[l].push((from, totals[l] as f64));
                        }
                    }
                }
                for (p, total) in points.iter_mut().zip(&totals) {
                    p.push((now, *total as f64));
                }
            }
            // Rates per second, each averaged over whole seconds of slices.
            Some(k) => {
                let bucket_ms = width_ms * k as f64;
                // The lines end with the traffic: past it they fell to 0, and B's
                // stale reads dropping to 0 read as "caught up" while the
                // projector still worked through its backlog.
                // Reads answered after it (a read-your-writes read waiting for its
                // write) still count, up to the last of them.
                let load_end = traffic_end_ms(sim.model().config()).unwrap_or(f64::INFINITY);
                let counts = |g: &[Slice]| lines.iter().any(|l| g.iter().any(|s| (l.3)(s) > 0));
                let last = slices.chunks(k).rposition(counts).unwrap_or(0);
                for (j, group) in slices.chunks(k).enumerate() {
                    let from = j as f64 * bucket_ms;
                    // The bucket the clock is in is still filling: it would make every line dive.
                    if (!done && from + bucket_ms > now + 1e-9) || (from >= load_end - 1e-9 && j > last) {
                        break;
                    }
                    // The traffic's last bucket, cut by its end, averages over what it covers.
                    let span = if from < load_end && load_end < from + bucket_ms {
                        load_end - from
                    } else {
                        bucket_ms
                    };
                    let mid = from + span / 2.0;
                    for (l, line) in lines.iter().enumerate() {
                        let n: u64 = group.iter().map(|s| u64::from((line.3)(s))).sum();
                        points[l].push((mid, n as f64 * 1000.0 / span));
                    }
                }
            }
        }
        verdict.lines = lines
            .iter()
            .zip(points)
            .map(|(&(label_key, tone, dashed, _), points)| VerdictLine {
                label_key,
                tone,
                dashed,
                points,
            })
            .collect();
        let mut bands = bands(sim);
        // After the traffic: named, so the lines' end reads as the load's end.
        if let Some(end) = traffic_end_ms(sim.model().config()).filter(|&e| now > e) {
            bands.push((end, now, "cqrs.band.traffic_over"));
        }
        verdict.bands = VerdictBand::all_of(bands);
        verdict
    }

    fn metric_rows(run: &CqrsRun, side: usize) -> Vec<MetricRow> {
        let Some(sim) = run.sides.get(side) else {
            return vec![];
        };
        let model = sim.model();
        let m = model.metrics(sim.now());
        let over = sim.is_finished();
        let opt_ms = |v: Option<f64>| v.map_or(MetricValue::Missing, MetricValue::Ms);
        let count = |key: &'static str, v: u64| {
            let (label, help) = keys(key);
            MetricRow::new(key, label, help, MetricValue::Count(v))
        };
        let row = |key: &'static str, v: MetricValue| {
            let (label, help) = keys(key);
            MetricRow::new(key, label, help, v)
        };
        // Little's law: the mean backlog is the commit rate times the mean lag.
        let secs = ms(sim.now()) / 1000.0;
        let committed = model.projections[0].projector.committed() as f64;
        let little = m
            .lag_mean_ms
            .filter(|_| secs > 0.0 && !model.is_crud())
            .map(|lag| Theory {
                value: MetricValue::Number(committed / secs * lag / 1000.0),
                formula_key: "cqrs.theory.little",
                formula_args: vec![
                    ("lambda", FormulaArg::Number(rate(committed / secs))),
                    ("lag", FormulaArg::Ms(lag)),
                ],
                caveat_key: (!over).then_some("cqrs.caveat.little_running"),
            });
        let mut rows = vec![
            count("commands", m.commands),
            count("rejected_commands", m.rejected_commands),
            count("queries", m.queries),
            count("stale_reads", m.stale_reads),
            row(
                "stale_read_rate",
                if m.answers == 0 {
                    MetricValue::Missing
                } else {
                    MetricValue::Ratio(m.stale_read_rate)
                },
            )
            .provisional(!over),
            count("not_found_reads", m.not_found_reads),
            row("staleness_p95_ms", opt_ms(m.staleness_p95_ms)).provisional(!over),
            row("lag_mean_ms", opt_ms(m.lag_mean_ms))
                .provisional(!over)
                .with_theory(lag_theory(sim)),
            row("lag_max_ms", opt_ms(m.lag_max_ms)).provisional(!over),
            // One store has no projector and no queue: "—" as for its lag,
            // not a mean backlog of 0.00 beside it.
            row(
                "backlog_mean",
                if model.is_crud() {
                    MetricValue::Missing
                } else {
                    MetricValue::Number(m.backlog_mean)
                },
            )
            .provisional(!over)
            .with_theory(little),
            if model.is_crud() {
                row("backlog_peak", MetricValue::Missing)
            } else {
                count("backlog_peak", m.backlog_peak)
            },
            row("query_p95_ms", opt_ms(m.query_p95_ms)).provisional(!over),
            row("command_p95_ms", opt_ms(m.command_p95_ms)).provisional(!over),
        ];
        let c = model.config();
        // The copies a reader may be sent to besides the read model: their
        // own longest lag (a replica's "Lag, longest" read 200 ms, the read
        // model's, beside stale reads 2 s old from the slower replica).
        let mut copies = Vec::new();
        if let Some(&slowest) = c.replicas_lag_ms.iter().max() {
            let theory = m.lag_max_ms.map(|lag| Theory {
                value: MetricValue::Ms(lag + slowest as f64),
                formula_key: "cqrs.theory.replica_lag",
                formula_args: vec![
                    ("lag", FormulaArg::Ms(lag)),
                    ("replica", FormulaArg::Ms(slowest as f64)),
                ],
                caveat_key: None,
            });
            copies.push(
                row("replica_lag_max_ms", opt_ms(m.replica_lag_max_ms))
                    .provisional(!over)
                    .with_theory(theory),
            );
        }
        if c.history.is_some() {
            copies.push(row("history_lag_max_ms", opt_ms(m.history_lag_max_ms)).provisional(!over));
        }
        let at = rows
            .iter()
            .position(|r| r.key == "lag_max_ms")
            .map_or(rows.len(), |i| i + 1);
        rows.splice(at..at, copies);
        if c.read_after_write_ms.is_some() {
            rows.push(count("own_reads", m.own_reads));
            rows.push(count("own_stale_reads", m.own_stale_reads));
        }
        // On both sides when either waits for the reader's writes (the table
        // lists side A's rows: B's waits and write-store reads were left out
        // when A read eventually).
        if any_side(c, |s| {
            s.architecture == Architecture::Cqrs && s.consistency == Consistency::ReadYourWrites
        }) {
            rows.push(count("ryw_waits", m.ryw_waits));
            rows.push(count("ryw_timeouts", m.ryw_timeouts));
            rows.push(count("write_store_reads", m.write_store_reads));
        }
        if !c.replicas_lag_ms.is_empty() {
            rows.push(count("monotonic_violations", m.monotonic_violations));
        }
        if c.history.is_some() {
            rows.push(count("mixed_screens", m.mixed_screens));
        }
        if !model.projections[0].projector.config().pauses.is_empty() {
            rows.push(
                row("catch_up_ms", opt_ms(m.catch_up_ms))
                    .provisional(!over)
                    .with_theory(m.catch_up_ms.and(catch_up_theory(sim))),
            );
        }
        if model.projections[0].projector.config().crash_at_ms > 0 {
            rows.push(row("rebuild_ms", opt_ms(m.rebuild_ms)).provisional(!over));
        }
        if c.stock.is_some() {
            rows.push(count("oversold", m.oversold));
            rows.push(count("stock_drift", m.stock_drift));
        }
        rows
    }

    fn key_metrics(run: &CqrsRun) -> Vec<&'static str> {
        run.sides
            .first()
            .map_or(vec![], |sim| key_metrics(sim.model().config()))
    }

    fn marks(run: &CqrsRun) -> Vec<Mark> {
        let mut out = Vec::new();
        for (i, sim) in run.sides.iter().enumerate() {
            for (from, to, _) in bands(sim) {
                out.push(Mark {
                    at_ms: from,
                    until_ms: Some(to),
                    kind: MarkKind::Outage,
                    side: Some(i),
                });
            }
        }
        out.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
        out
    }

    fn time_domain_ms(run: &CqrsRun) -> f64 {
        let furthest = run.sides.iter().map(|s| ms(s.now())).fold(0.0, f64::max);
        super::view::writes_until_ms(run.sides[0].model()).max(furthest)
    }

    fn side_end_ms(run: &CqrsRun, side: usize) -> f64 {
        run.sides.get(side).map_or(0.0, |s| ms(s.now()))
    }

    fn outcomes(run: &CqrsRun, side: usize) -> Option<Outcomes> {
        let sim = run.sides.get(side)?;
        let s = sim.model().stats();
        let answered = s.final_fresh + s.final_out_of_date;
        Some(Outcomes {
            ok: s.final_fresh,
            bad: s.final_out_of_date,
            bad_split: None,
            open: s.queries.saturating_sub(answered),
            ok_key: "cqrs.outcome.fresh",
            bad_key: "cqrs.outcome.out_of_date",
            open_key: "cqrs.outcome.waiting",
        })
    }
}

/// Whether side A or side B (when compared) is so.
fn any_side(c: &CqrsConfig, f: impl Fn(&CqrsSide) -> bool) -> bool {
    f(&c.side) || c.compare.as_ref().is_some_and(f)
}

/// The metric rows that decide a run of `c`, as its guide names them: what
/// the comparison is about, told by what the config sets up (the most
/// particular thing first: a stock queue, one store against two, a writer's
/// own reads, replicas, a second projection, a rebuild, a pause).
pub fn key_metrics(c: &CqrsConfig) -> Vec<&'static str> {
    if c.stock.is_some() {
        return vec!["oversold", "stock_drift"];
    }
    if any_side(c, |s| s.architecture == Architecture::Crud) {
        // What the split buys (command and query times) and what it costs.
        return vec!["command_p95_ms", "query_p95_ms", "stale_reads", "not_found_reads"];
    }
    if c.read_after_write_ms.is_some() {
        // The sync inside the command (text 003's code) costs command time;
        // waiting for one's own write costs query time.
        let inline = |s: &CqrsSide| s.sync.unwrap_or(c.projector.mode) == SyncMode::Inline;
        let cost = if any_side(c, inline) {
            "command_p95_ms"
        } else {
            "query_p95_ms"
        };
        return vec!["own_stale_reads", cost];
    }
    if !c.replicas_lag_ms.is_empty() {
        return vec!["monotonic_violations", "query_p95_ms"];
    }
    if c.history.is_some() {
        // The captions count the out-of-date answers as stale plus "not found".
        return vec!["mixed_screens", "stale_reads", "not_found_reads"];
    }
    if c.projector.crash_at_ms > 0 {
        return vec!["rebuild_ms", "staleness_p95_ms"];
    }
    if !c.projector.pauses.is_empty() {
        return vec!["backlog_peak", "catch_up_ms", "staleness_p95_ms"];
    }
    if c.projector.mode == SyncMode::Queue {
        return vec!["backlog_peak", "lag_max_ms", "staleness_p95_ms"];
    }
    vec!["stale_reads", "not_found_reads", "lag_max_ms"]
}

/// A metric's label and help keys.
fn keys(key: &'static str) -> (&'static str, &'static str) {
    macro_rules! k {
        ($($name:literal),+ $(,)?) => {
            match key {
                $($name => (concat!("cqrs.metric.", $name), concat!("cqrs.help.", $name)),)+
                _ => unreachable!("every metric row has texts"),
            }
        };
    }
    k!(
        "commands",
        "rejected_commands",
        "queries",
        "stale_reads",
        "stale_read_rate",
        "not_found_reads",
        "staleness_p95_ms",
        "lag_mean_ms",
        "lag_max_ms",
        "replica_lag_max_ms",
        "history_lag_max_ms",
        "backlog_mean",
        "backlog_peak",
        "query_p95_ms",
        "command_p95_ms",
        "own_reads",
        "own_stale_reads",
        "ryw_waits",
        "ryw_timeouts",
        "write_store_reads",
        "monotonic_violations",
        "mixed_screens",
        "catch_up_ms",
        "rebuild_ms",
        "oversold",
        "stock_drift",
    )
}

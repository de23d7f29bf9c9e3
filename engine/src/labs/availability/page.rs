//! The availability run as the shared lab page sees it ([`LabRun`]): each
//! side's verdict (commands per second, and how many succeeded, with the
//! primary's crashes shaded), the metrics table's rows (availability beside
//! MTTF ÷ (MTTF + MTTR), the detector's bounds beside the detection time,
//! the nines as downtime per month), outcomes and scrubber marks.

use super::config::{Crashes, DetectorKind, Redundancy};
use super::model::Slice;
use super::AvailabilityModel;
use super::{AvailabilityRun, AvailabilitySim};
use crate::labs::run::{
    FormulaArg, Mark, MarkKind, MetricRow, MetricValue, Outcomes, Theory, Tone, Verdict, VerdictBand, VerdictLine,
};
use crate::labs::sides::SidesView;

use crate::time::SimTime;

/// From this long on (a day), a side's verdict chart is its downtime so far
/// against what the target allows, not the registrations per second.
const LONG_RUN_MS: u64 = 86_400_000;

fn ms(t: SimTime) -> f64 {
    t.as_micros() as f64 / 1000.0
}

/// The mean time commands are down per crash of mean restart `mttr_ms`:
/// with no backup the restart; with one, detection D (ping-echo: uniform
/// over [(k − 1)·interval + timeout, k·interval + timeout], the crash
/// falling anywhere in a ping cycle) or the restart if it comes first, plus
/// a cold start once the failover has begun: E[min(D, R)] + spin·P(R ≥ D),
/// with E[e^(−D/m)] = m ÷ (b − a) · (e^(−a/m) − e^(−b/m)).
pub fn mean_outage(t: &super::config::Tactics, redundancy: Redundancy, mttr_ms: f64) -> f64 {
    if redundancy == Redundancy::None {
        return mttr_ms;
    }
    let i = t.interval_ms as f64;
    let a = (t.k as f64 - 1.0) * i + t.timeout_ms as f64;
    let b = a + i;
    let m = mttr_ms;
    let e = m / (b - a) * (libm::exp(-a / m) - libm::exp(-b / m));
    let spin = if redundancy == Redundancy::Cold {
        t.spin_up_ms as f64
    } else {
        0.0
    };
    m * (1.0 - e) + spin * e
}

/// The primary's crash windows (ms) begun by `until`, clipped to it (the
/// chart shows no more of a crash than has happened), with their labels.
pub fn crashes(sim: &AvailabilitySim, until: f64) -> Vec<(f64, f64, &'static str)> {
    sim.model()
        .primary_down
        .iter()
        .map(|d| (d.from as f64 / 1000.0, d.to as f64 / 1000.0, d.hang))
        .filter(|w| w.0 <= until)
        .map(|(a, b, hang)| {
            (
                a,
                b.min(until),
                if hang {
                    "availability.band.hung"
                } else {
                    "availability.band.crashed"
                },
            )
        })
        .collect()
}

/// The stretches without a registration backend that began while the
/// primary was up: a false alarm's failover (ms), up to now. They are where
/// a jumpy detector's registrations drop to zero with nothing crashed.
pub fn false_alarms(sim: &AvailabilitySim) -> Vec<(f64, f64, &'static str)> {
    let m = sim.model();
    m.stats
        .down_spans
        .iter()
        .copied()
        .chain(m.down_since().map(|s| (s, sim.now())))
        .filter(|&(from, _)| m.primary_state(from).is_none())
        .map(|(from, to)| (ms(from), ms(to), "availability.band.false_alarm"))
        .collect()
}

/// The metric rows that decide a run of `c`, as its guide names them: what
/// the compared tactic changes (resync, fencing, the detector), a long run's
/// time-based availability, an overload's response time, else how many
/// registrations worked and how long they were down.
pub fn key_metrics(c: &super::AvailabilityConfig) -> Vec<&'static str> {
    let a = &c.tactics;
    let b = c.compare.as_ref();
    let differ = |f: &dyn Fn(&super::config::Tactics) -> bool| b.is_some_and(|b| f(a) != f(b));
    if differ(&|t| t.resync) {
        // ("Registrations that worked" counts the lost ones as answered.)
        return vec!["writes_lost", "resync_ms"];
    }
    if differ(&|t| t.fencing) {
        return vec!["writes_diverged", "writes_fenced", "command_availability"];
    }
    let detector_differs = b.is_some_and(|b| b.detector != a.detector || b.timeout_ms != a.timeout_ms || b.k != a.k);
    if detector_differs {
        // The guide's two moments: how soon the real crash is declared,
        // then how many healthy primaries were declared down.
        return vec!["detection_ms", "false_suspicions", "failovers", "command_availability"];
    }
    if matches!(c.registration.crashes, Crashes::Random { .. }) {
        return vec!["uptime_ratio", "downtime_ms"];
    }
    if about_queries(c) && c.queries.capacity > 0 {
        // The workers' utilisation is the cause the other three show.
        return vec!["queries_busy", "p95_ms", "errors_504", "query_availability"];
    }
    if about_queries(c) {
        return vec!["p95_ms", "errors_504", "query_availability"];
    }
    vec!["command_availability", "downtime_ms", "detection_ms"]
}

/// A run where the registration primary never crashes (nor hangs: a hang is
/// a kind of crash; `hang_ms` is only how late a hung one answers) is about
/// the queries (too few workers): its key figures and mini-chart are theirs.
/// It read "Registrations that worked 100 %" above a 20.7 % query availability.
pub fn about_queries(c: &super::AvailabilityConfig) -> bool {
    match &c.registration.crashes {
        Crashes::Fixed { crashes } => crashes.is_empty(),
        Crashes::Random { .. } => false,
    }
}

/// A running-total line of the mini-chart: its name, tone, dash, and what
/// each time slice adds to it.
type TotalLine = (&'static str, Tone, bool, fn(&Slice) -> i64);

impl SidesView for AvailabilityModel {
    fn verdict(run: &AvailabilityRun, side: usize) -> Verdict {
        let mut verdict = Verdict {
            title_key: "availability.verdict.title",
            unit_key: "availability.verdict.per_second",
            whole: false,
            lines: vec![],
            bands: vec![],
            end_note: None,
        };
        let Some(sim) = run.sides.get(side) else {
            return verdict;
        };
        let series = &sim.model().stats.series;
        let width_ms = series.width().as_micros() as f64 / 1000.0;
        let per_s = 1000.0 / width_ms;
        let now = ms(sim.now());
        let done = sim.is_finished();
        let bands = VerdictBand::all_of(
            crashes(sim, if done { f64::INFINITY } else { now })
                .into_iter()
                .chain(false_alarms(sim)),
        );
        // A day or more at a light load: a second's registrations are a few
        // at most, and a ten-minute crash is a sliver of the month, so both
        // sides' rates look alike. What decides is the downtime so far
        // against what the target allows for the time so far.
        let c = sim.model().config();
        if c.load.duration_ms >= LONG_RUN_MS && c.slo < 1.0 {
            let mut times: Vec<SimTime> = (1..=series.buckets().len())
                .map(|i| SimTime::from_ms((i as f64 * width_ms) as u64))
                .filter(|&t| t < sim.now())
                .collect();
            times.push(sim.now());
            let down = sim.model().downtime_at(&times);
            let minutes = |us: f64| us / 60e6;
            let points = |f: &dyn Fn(usize, SimTime) -> f64| {
                std::iter::once((0.0, 0.0))
                    .chain(times.iter().enumerate().map(|(i, &t)| (ms(t), f(i, t))))
                    .collect::<Vec<_>>()
            };
            return Verdict {
                title_key: "availability.verdict.budget_title",
                unit_key: "availability.verdict.minutes",
                whole: false,
                lines: vec![
                    VerdictLine {
                        label_key: "availability.verdict.allowed",
                        tone: Tone::Neutral,
                        dashed: true,
                        points: points(&|_, t| minutes(t.as_micros() as f64 * (1.0 - c.slo))),
                    },
                    VerdictLine {
                        label_key: "availability.verdict.downtime",
                        tone: Tone::Bad,
                        dashed: false,
                        points: points(&|i, _| minutes(down[i] as f64)),
                    },
                ],
                bands,
                end_note: None,
            };
        }
        // Resync or fencing compared: both sides serve alike, and what
        // differs is where the backup's registrations end up (copied back,
        // or lost at a rejoin) or whether a hung primary's late writes are
        // kept (diverged) or refused (fenced). Running totals of those.
        let totals: Option<[TotalLine; 2]> = match key_metrics(c).first().copied() {
            Some("writes_lost") => Some([
                ("availability.verdict.backup_only", Tone::Wait, true, |s| {
                    s.backup_in as i64 - s.backup_out as i64
                }),
                ("availability.verdict.lost", Tone::Bad, false, |s| s.lost as i64),
            ]),
            Some("writes_diverged") => Some([
                ("availability.verdict.fenced", Tone::Ok, true, |s| s.fenced as i64),
                ("availability.verdict.diverged", Tone::Bad, false, |s| s.diverged as i64),
            ]),
            _ => None,
        };
        if let Some(totals) = totals {
            verdict.title_key = "availability.verdict.late_title";
            verdict.unit_key = if totals[1].0 == "availability.verdict.lost" {
                "availability.verdict.registrations"
            } else {
                "availability.verdict.late_writes"
            };
            verdict.whole = true;
            if totals[1].0 == "availability.verdict.lost" {
                verdict.title_key = "availability.verdict.lost_title";
            }
            verdict.lines = totals
                .iter()
                .map(|&(label_key, tone, dashed, of)| {
                    let mut sum = 0;
                    let mut points = vec![(0.0, 0.0)];
                    for (i, slice) in series.buckets().iter().enumerate() {
                        let to = ((i + 1) as f64 * width_ms).min(now);
                        sum += of(slice);
                        points.push((to, sum as f64));
                        if to >= now {
                            break;
                        }
                    }
                    VerdictLine {
                        label_key,
                        tone,
                        dashed,
                        points,
                    }
                })
                .collect();
            verdict.bands = bands;
            return verdict;
        }
        let queries = about_queries(sim.model().config());
        let (mut sent, mut ok) = (Vec::new(), Vec::new());
        for (i, slice) in series.buckets().iter().enumerate() {
            let from = i as f64 * width_ms;
            if !done && from + width_ms > now + 1e-9 {
                break;
            }
            let mid = from + width_ms / 2.0;
            let (n, good) = if queries {
                (slice.queries, slice.queries_ok)
            } else {
                (slice.commands, slice.commands_ok)
            };
            sent.push((mid, n as f64 * per_s));
            ok.push((mid, good as f64 * per_s));
        }
        if queries {
            verdict.title_key = "availability.verdict.queries_title";
        }
        verdict.lines = vec![
            VerdictLine {
                label_key: if queries {
                    "availability.verdict.queries"
                } else {
                    "availability.verdict.commands"
                },
                tone: Tone::Neutral,
                dashed: true,
                points: sent,
            },
            VerdictLine {
                label_key: if queries {
                    "availability.verdict.queries_ok"
                } else {
                    "availability.verdict.ok"
                },
                tone: Tone::Ok,
                dashed: false,
                points: ok,
            },
        ];
        verdict.bands = bands;
        verdict
    }

    fn key_metrics(run: &AvailabilityRun) -> Vec<&'static str> {
        run.sides
            .first()
            .map_or(vec![], |sim| key_metrics(sim.model().config()))
    }

    fn metric_rows(run: &AvailabilityRun, side: usize) -> Vec<MetricRow> {
        let Some(sim) = run.sides.get(side) else {
            return vec![];
        };
        let model = sim.model();
        let c = model.config();
        let t = model.tactics();
        let m = model.metrics(sim.now());
        let over = sim.is_finished();
        let row = |key: &'static str, v: MetricValue| {
            let (label, help) = keys(key);
            MetricRow::new(key, label, help, v)
        };
        let count = |key: &'static str, v: u64| row(key, MetricValue::Count(v));
        let opt_ms = |v: Option<f64>| v.map_or(MetricValue::Missing, MetricValue::Ms);
        let ratio = |v: Option<f64>| v.map_or(MetricValue::Missing, MetricValue::Ratio);
        // Ping-echo: detection within [(k − 1)·interval + timeout, k·interval + timeout].
        let detection = (t.detector == DetectorKind::PingEcho).then(|| Theory {
            // A crash lands anywhere in a ping interval, so theory gives the span.
            value: MetricValue::MsRange(
                (t.k - 1) as f64 * t.interval_ms as f64 + t.timeout_ms as f64,
                t.k as f64 * t.interval_ms as f64 + t.timeout_ms as f64,
            ),
            formula_key: "availability.theory.detection",
            formula_args: vec![
                (
                    "low",
                    FormulaArg::Ms((t.k - 1) as f64 * t.interval_ms as f64 + t.timeout_ms as f64),
                ),
                (
                    "high",
                    FormulaArg::Ms(t.k as f64 * t.interval_ms as f64 + t.timeout_ms as f64),
                ),
            ],
            caveat_key: (c.network.loss_rate > 0.0
                || c.network.jitter_ms * 2 + c.network.latency_ms * 2 > t.timeout_ms)
                .then_some("availability.caveat.network"),
        });
        // Random crashes: availability = MTTF ÷ (MTTF + MTTR).
        let uptime = match &c.registration.crashes {
            Crashes::Random { mttf_ms, mttr_ms } => {
                let outage = mean_outage(t, t.redundancy, *mttr_ms as f64);
                let a = 1.0 - outage / (*mttf_ms as f64 + *mttr_ms as f64);
                Some(Theory {
                    value: MetricValue::Ratio(a),
                    formula_key: "availability.theory.uptime",
                    formula_args: vec![
                        ("mttf", FormulaArg::Ms(*mttf_ms as f64)),
                        ("mttr", FormulaArg::Ms(*mttr_ms as f64)),
                        ("outage", FormulaArg::Ms(outage)),
                        ("month", FormulaArg::Ms((1.0 - a) * 30.0 * 24.0 * 3_600_000.0)),
                    ],
                    caveat_key: Some("availability.caveat.random"),
                })
            }
            Crashes::Fixed { .. } => None,
        };
        // The queries service's workers: utilisation ρ = λ·S ÷ c at full load
        // (S the mean service time). As a fluid, the workers are busy
        // min(ρ(t), 1) of the time while the rate ramps up: what arrives
        // beyond what they can do queues, and a ramp never drains it.
        let busy = (c.queries.capacity > 0).then(|| {
            let (l, q) = (&c.load, &c.queries);
            let lambda = l.requests_per_s * (1.0 - l.command_share);
            let service = q.latency_shape.mean(q.latency_ms as f64, q.latency_sd_ms as f64);
            let rho = lambda * service / 1000.0 / f64::from(q.capacity);
            let (t, ramp) = (ms(sim.now()).max(1e-9), l.ramp_up_ms as f64);
            // ∫₀ᵗ min(1, ρ·min(1, s/R)) ds: ρ(s) reaches 1 at s₁ = R/ρ.
            let full = if ramp == 0.0 {
                0.0
            } else {
                (ramp / rho.max(1e-12)).min(ramp)
            };
            let rising = t.min(full);
            let area = rho * rising * rising / (2.0 * ramp.max(1e-12)) + (t - rising).max(0.0) * rho.min(1.0);
            let mut args = vec![
                ("lambda", FormulaArg::Number(libm::round(lambda * 10.0) / 10.0)),
                ("service", FormulaArg::Ms(libm::round(service))),
                ("c", FormulaArg::Count(u64::from(q.capacity))),
                ("rho", FormulaArg::Number(libm::round(rho * 100.0) / 100.0)),
            ];
            if ramp > 0.0 {
                args.push(("ramp", FormulaArg::Ms(ramp)));
            }
            Theory {
                value: MetricValue::Ratio((area / t).min(1.0)),
                formula_key: if ramp > 0.0 {
                    "availability.theory.queries_busy_ramp"
                } else {
                    "availability.theory.queries_busy"
                },
                formula_args: args,
                caveat_key: begun_before(&model.queries_down, sim.now()).then_some("availability.caveat.queries_down"),
            }
        });
        let mut rows = vec![
            count("requests", m.requests),
            row("command_availability", ratio(m.command_availability)).provisional(!over),
            row("query_availability", ratio(m.query_availability)).provisional(!over),
            row("uptime_ratio", MetricValue::Ratio(m.uptime_ratio))
                .provisional(!over)
                .with_theory(uptime),
            row("downtime_ms", MetricValue::Ms(m.downtime_ms)).provisional(!over),
            row(
                "downtime_budget_used",
                m.downtime_budget_used.map_or(MetricValue::Missing, MetricValue::Factor),
            )
            .provisional(!over)
            .with_arg(
                "slo",
                crate::i18n::format::decimal(crate::i18n::Lang::En, c.slo * 100.0, 3),
            ),
            row("detection_ms", opt_ms(m.detection_ms))
                .with_theory(m.detection_ms.and(detection))
                // A false alarm had declared the primary down before it
                // crashed: "—" read as instant, or as data missing.
                .with_note(
                    (m.detection_ms.is_none() && begun_before(&model.primary_down, sim.now()) && model.declared_down())
                        .then_some("availability.note.declared_before"),
                ),
            row("failover_ms", opt_ms(m.failover_ms)),
            count("errors_502", m.errors.e502),
            count("errors_503", m.errors.e503),
            count("errors_504", m.errors.e504),
            count("false_suspicions", m.false_suspicions),
            count("failovers", m.failovers),
            count("flaps", m.flaps),
            row("resync_ms", MetricValue::Ms(m.resync_ms)),
            count("writes_lost", m.writes_lost),
            count("writes_diverged", m.writes_diverged),
            count("writes_fenced", m.writes_fenced),
            count("stale_queries", m.stale_queries),
            row("projector_lag_p95_ms", opt_ms(m.projector_lag_p95_ms)).provisional(!over),
            row(
                "error_budget_used",
                m.error_budget_used.map_or(MetricValue::Missing, MetricValue::Factor),
            )
            .provisional(!over)
            .with_arg(
                "slo",
                crate::i18n::format::decimal(crate::i18n::Lang::En, c.slo * 100.0, 3),
            ),
            row("p95_ms", opt_ms(m.p95_ms)).provisional(!over),
        ];
        if busy.is_some() {
            rows.push(
                row("queries_busy", ratio(m.queries_busy))
                    .provisional(!over)
                    .with_theory(busy),
            );
        }
        rows
    }

    fn marks(run: &AvailabilityRun) -> Vec<Mark> {
        let Some(sim) = run.sides.first() else {
            return vec![];
        };
        // Crashes the config schedules are the teacher's, shown ahead like the
        // retry lab's outages; random ones only once they have happened (up to
        // now), or the scrubber would tell the student when the next one comes.
        let until = match sim.model().config().registration.crashes {
            Crashes::Fixed { .. } => f64::INFINITY,
            Crashes::Random { .. } => ms(sim.now()),
        };
        crashes(sim, until)
            .into_iter()
            .take(200)
            .map(|(from, to, _)| Mark {
                at_ms: from,
                until_ms: Some(to),
                kind: MarkKind::Outage,
                side: None,
            })
            .collect()
    }

    fn outage_key(run: &AvailabilityRun, mark: &Mark) -> &'static str {
        // A mark is a stretch of the primary's: crashed, or hung (alive but
        // silent); the service itself may be back sooner, through the backup.
        let hung = run.sides.first().is_some_and(|sim| {
            crashes(sim, f64::INFINITY)
                .iter()
                .any(|&(from, _, key)| from == mark.at_ms && key == "availability.band.hung")
        });
        if hung {
            "availability.mark.hung"
        } else {
            "availability.mark.crashed"
        }
    }

    fn time_domain_ms(run: &AvailabilityRun) -> f64 {
        let furthest = run.sides.iter().map(|s| ms(s.now())).fold(0.0, f64::max);
        (run.sides[0].model().config().load.duration_ms as f64).max(furthest)
    }

    /// The run stops at the load's duration.
    fn end_known(_run: &AvailabilityRun) -> bool {
        true
    }

    fn side_end_ms(run: &AvailabilityRun, side: usize) -> f64 {
        run.sides.get(side).map_or(0.0, |s| ms(s.now()))
    }

    fn outcomes(run: &AvailabilityRun, side: usize) -> Option<Outcomes> {
        let s = &run.sides.get(side)?.model().stats;
        let answered = s.commands + s.queries;
        let ok = s.commands_ok + s.queries_ok;
        Some(Outcomes {
            ok,
            bad: answered - ok,
            bad_split: Some([s.e502, s.e503, s.e504]),
            open: 0,
            ok_key: "availability.outcome.ok",
            bad_key: "availability.outcome.error",
            open_key: "availability.outcome.waiting",
        })
    }
}

/// A metric's label and help keys.
fn keys(key: &'static str) -> (&'static str, &'static str) {
    macro_rules! k {
        ($($name:literal),+ $(,)?) => {
            match key {
                $($name => (concat!("availability.metric.", $name), concat!("availability.help.", $name)),)+
                _ => unreachable!("every metric row has texts"),
            }
        };
    }
    k!(
        "requests",
        "command_availability",
        "query_availability",
        "uptime_ratio",
        "downtime_ms",
        "downtime_budget_used",
        "detection_ms",
        "failover_ms",
        "errors_502",
        "errors_503",
        "errors_504",
        "false_suspicions",
        "failovers",
        "flaps",
        "resync_ms",
        "writes_lost",
        "writes_diverged",
        "writes_fenced",
        "stale_queries",
        "projector_lag_p95_ms",
        "error_budget_used",
        "p95_ms",
        "queries_busy",
    )
}

/// Whether a crash window of `windows` has begun by `t`.
fn begun_before(windows: &[super::model::Down], t: SimTime) -> bool {
    windows.first().is_some_and(|w| w.from <= t.as_micros())
}

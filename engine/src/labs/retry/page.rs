//! The retry run as the shared lab page sees it ([`LabRun`]): the verdict
//! series of each side (calls sent vs requests succeeding per second, the
//! outages shaded), the metrics table's rows (with what theory predicts
//! beside them, [`super::theory`]), and the scrubber's marks.

use super::config::Workload;
use super::theory::Prediction;
use super::{RetryRun, RetrySim};
use crate::labs::run::{
    LabRun, Mark, MarkKind, MetricRow, MetricValue, Outcomes, Tone, Verdict, VerdictBand, VerdictLine,
};
use crate::labs::{LabId, RunReport, SideReport};
use crate::patterns::breaker::BreakerState;
use crate::sim::Progress;
use crate::time::SimTime;

/// Give-up reasons in the order the table lists them.
const REASONS: [(&str, &str); 5] = [
    ("attempts", "give_up.attempts"),
    ("deadline", "give_up.deadline"),
    ("permanent", "give_up.permanent"),
    ("budget", "give_up.budget"),
    ("breaker_open", "give_up.breaker_open"),
];

fn ms(t: SimTime) -> f64 {
    t.as_micros() as f64 / 1000.0
}

fn side_report(sim: &RetrySim) -> SideReport {
    SideReport {
        metrics: serde_json::to_value(sim.model().metrics_at(sim.now())).expect("metrics serialise"),
        trace_hash: sim.trace().digest_hex(),
        events: sim.events(),
    }
}

impl RetryRun {
    /// Side 0 (A) or 1 (B), if the run has it.
    pub fn side(&self, side: usize) -> Option<&RetrySim> {
        match side {
            0 => Some(&self.a),
            1 => self.b.as_ref(),
            _ => None,
        }
    }
}

impl LabRun for RetryRun {
    fn lab(&self) -> LabId {
        LabId::Retry
    }
    fn now(&self) -> SimTime {
        RetryRun::now(self)
    }
    fn run_until(&mut self, until: SimTime, max_events: u64) -> Progress {
        RetryRun::run_until(self, until, max_events)
    }
    fn run_to(&mut self, until: SimTime, until_events: u64) -> Progress {
        RetryRun::run_to(self, until, until_events)
    }
    fn step_record(&mut self, max_events: u64) -> Progress {
        RetryRun::step_record(self, max_events)
    }
    fn is_finished(&self) -> bool {
        RetryRun::is_finished(self)
    }
    fn side_count(&self) -> usize {
        1 + usize::from(self.b.is_some())
    }
    fn events(&self) -> u64 {
        RetryRun::events(self)
    }
    fn records(&self) -> u64 {
        RetryRun::records(self)
    }
    fn approx_bytes(&self) -> usize {
        self.sides().map(|s| s.approx_bytes()).sum()
    }

    fn report(&self, seed: u64) -> RunReport {
        RunReport {
            lab: LabId::Retry,
            seed,
            a: side_report(&self.a),
            b: self.b.as_ref().map(side_report),
        }
    }

    fn verdict(&self, side: usize) -> Verdict {
        let mut verdict = Verdict {
            title_key: "retry.verdict.title",
            unit_key: "retry.charts.per_second",
            whole: false,
            lines: vec![],
            bands: vec![],
            end_note: None,
        };
        let Some(sim) = self.side(side) else {
            return verdict;
        };
        let series = &sim.model().stats().series;
        let width_ms = series.width().as_micros() as f64 / 1000.0;
        let now = ms(sim.now());
        let done = sim.is_finished();
        // Many clients: rates per second (a storm is the dashed line shooting
        // up while the solid one falls). A single request or a herd has too
        // few calls for a rate: running totals, as steps, say it better
        // ("3 calls for 1 success", the herd's waves).
        let rates = matches!(sim.model().scenario().workload, Workload::Poisson { .. });
        let per_s = 1000.0 / width_ms;
        let (mut calls, mut succeeded) = (Vec::new(), Vec::new());
        let (mut total_calls, mut total_ok) = (0u64, 0u64);
        for (i, slice) in series.buckets().iter().enumerate() {
            let from = i as f64 * width_ms;
            // The slice the clock is in is still filling: as a rate it would
            // make every line dive; a running total counts it up to now, so
            // the lines reach the clock (they stopped a slice short of it).
            let filling = !done && from + width_ms > now + 1e-9;
            if filling && (rates || from > now) {
                break;
            }
            if rates {
                let mid = from + width_ms / 2.0;
                calls.push((mid, slice.calls as f64 * per_s));
                succeeded.push((mid, slice.succeeded as f64 * per_s));
            } else {
                // A step at the slice's start, level to its end.
                calls.push((from, total_calls as f64));
                succeeded.push((from, total_ok as f64));
                total_calls += u64::from(slice.calls);
                total_ok += u64::from(slice.succeeded);
                calls.push((from, total_calls as f64));
                succeeded.push((from, total_ok as f64));
                let to = if filling { now } else { from + width_ms };
                calls.push((to, total_calls as f64));
                succeeded.push((to, total_ok as f64));
                if filling {
                    break;
                }
            }
        }
        // Past the last slice with anything in it, the totals hold to now.
        if !rates && !done && calls.last().is_some_and(|p| p.0 < now) {
            calls.push((now, total_calls as f64));
            succeeded.push((now, total_ok as f64));
        }
        if !rates {
            verdict.title_key = "retry.verdict.title_totals";
            verdict.unit_key = "retry.verdict.so_far";
            verdict.whole = true;
        }
        verdict.lines = vec![
            VerdictLine {
                label_key: if rates {
                    "retry.charts.load_calls"
                } else {
                    "retry.verdict.calls_total"
                },
                tone: Tone::Info,
                dashed: true,
                points: calls,
            },
            VerdictLine {
                label_key: if rates {
                    "retry.charts.load_succeeded"
                } else {
                    "retry.verdict.succeeded_total"
                },
                tone: Tone::Ok,
                dashed: false,
                points: succeeded,
            },
        ];
        verdict.bands = sim
            .model()
            .scenario()
            .service
            .outages
            .iter()
            .map(|o| VerdictBand {
                from_ms: o.from_ms as f64,
                to_ms: o.to_ms as f64,
                label_key: if o.node.is_some() {
                    "retry.charts.node_outage"
                } else {
                    "retry.charts.outage"
                },
                label_args: o
                    .node
                    .map(|n| vec![("node", super::record::node_name(n - 1))])
                    .unwrap_or_default(),
            })
            .collect();
        verdict
    }

    /// What the guides compare: for a storm, whether requests succeed and
    /// what the retries cost the service; for a herd, calls and time; for
    /// one request, its fate, calls, waits and time.
    fn key_metrics(&self) -> Vec<&'static str> {
        match self.a.model().scenario().workload {
            Workload::Poisson { .. } => vec!["success_rate", "load_amplification", "retries"],
            Workload::Herd { .. } => vec!["calls", "completion_ms"],
            Workload::Single => vec!["success_rate", "calls", "retry_wait_ms", "completion_ms"],
        }
    }

    fn metric_rows(&self, side: usize) -> Vec<MetricRow> {
        let Some(sim) = self.side(side) else {
            return vec![];
        };
        let stats = sim.model().stats();
        let m = sim.model().metrics_at(sim.now());
        let gave_up: u64 = m.gave_up.values().sum();
        let arrived = m.requests > 0;
        let finished = stats.finished > 0;
        let over = sim.is_finished();
        let theory = Prediction::of(sim.model().scenario());
        // Over the requests that arrived: defined as soon as one has.
        let of_arrived = |v: MetricValue| if arrived { v } else { MetricValue::Missing };
        let opt_ms = |v: Option<f64>| v.map_or(MetricValue::Missing, MetricValue::Ms);
        let mut rows = vec![
            MetricRow::new(
                "requests",
                "metric.requests",
                "metric_help.requests",
                MetricValue::Count(m.requests),
            ),
            MetricRow::new(
                "succeeded",
                "metric.succeeded",
                "metric_help.succeeded",
                MetricValue::Count(m.succeeded),
            ),
            MetricRow::new(
                "in_progress",
                "metric.in_progress",
                "metric_help.in_progress",
                MetricValue::Count(m.in_progress),
            ),
            MetricRow::new(
                "success_rate",
                "metric.success_rate",
                "metric_help.success_rate",
                of_arrived(MetricValue::Ratio(m.success_rate)),
            )
            .provisional(!over)
            .with_theory(Some(theory.success_theory()))
            // One request is one draw: theory's 87.5 % stood beside its 100 %
            // with no word, in the first preset a student opens.
            .with_note(
                matches!(
                    sim.model().scenario().workload,
                    crate::labs::retry::config::Workload::Single
                )
                .then_some("retry.note.one_request"),
            ),
            MetricRow::new(
                "first_try_success_rate",
                "metric.first_try",
                "metric_help.first_try",
                of_arrived(MetricValue::Ratio(m.first_try_success_rate)),
            )
            .provisional(!over)
            .with_theory(Some(theory.first_try_theory())),
            MetricRow::new(
                "calls",
                "metric.calls",
                "metric_help.calls",
                MetricValue::Count(m.calls),
            ),
            MetricRow::new(
                "first_attempts",
                "metric.first_attempts",
                "metric_help.first_attempts",
                MetricValue::Count(m.first_attempts),
            ),
            MetricRow::new(
                "retries",
                "metric.retries",
                "metric_help.retries",
                MetricValue::Count(m.retries),
            ),
            MetricRow::new(
                "refused",
                "metric.refused",
                "metric_help.refused",
                MetricValue::Count(m.refused),
            ),
            MetricRow::new(
                "load_amplification",
                "metric.load",
                "metric_help.load",
                of_arrived(MetricValue::Factor(m.load_amplification)),
            )
            .provisional(!over)
            .with_theory(Some(theory.calls_theory(MetricValue::Factor))),
            MetricRow::new(
                "calls_per_first_attempt",
                "metric.calls_per_first_attempt",
                "metric_help.calls_per_first_attempt",
                if m.first_attempts > 0 {
                    MetricValue::Factor(m.calls_per_first_attempt)
                } else {
                    MetricValue::Missing
                },
            )
            .provisional(!over),
            MetricRow::new(
                "mean_attempts",
                "metric.mean_attempts",
                "metric_help.mean_attempts",
                if finished {
                    MetricValue::Number(m.mean_attempts)
                } else {
                    MetricValue::Missing
                },
            )
            .provisional(!over)
            .with_theory(Some(theory.calls_theory(MetricValue::Number))),
            MetricRow::new("p50_ms", "metric.p50", "metric_help.p50", opt_ms(m.p50_ms)).provisional(!over),
            MetricRow::new("p95_ms", "metric.p95", "metric_help.p95", opt_ms(m.p95_ms)).provisional(!over),
            MetricRow::new("p99_ms", "metric.p99", "metric_help.p99", opt_ms(m.p99_ms)).provisional(!over),
            MetricRow::new(
                "completion_ms",
                "metric.completion",
                "metric_help.completion",
                // No request has finished yet: no time to show (not "0 ms").
                if finished {
                    MetricValue::Ms(m.completion_ms)
                } else {
                    MetricValue::Missing
                },
            )
            .provisional(!over),
            MetricRow::new(
                "retry_wait_ms",
                "metric.retry_wait",
                "metric_help.retry_wait",
                MetricValue::Ms(m.retry_wait_ms),
            ),
            MetricRow::new(
                "retry_wait_per_request_ms",
                "metric.retry_wait_per_request",
                "metric_help.retry_wait_per_request",
                of_arrived(MetricValue::Ms(m.retry_wait_per_request_ms)),
            )
            .provisional(!over)
            .with_theory(Some(theory.wait_theory())),
            MetricRow::new(
                "gave_up",
                "metric.gave_up",
                "metric_help.gave_up",
                MetricValue::Count(gave_up),
            ),
        ];
        // A give-up reason gets a row when either side has it, so A | B line up.
        for (reason, key) in REASONS {
            let any = self
                .sides()
                .any(|s| s.model().stats().gave_up.get(reason).copied().unwrap_or(0) > 0);
            if any {
                let n = m.gave_up.get(reason).copied().unwrap_or(0);
                rows.push(MetricRow::new(
                    reason,
                    key,
                    "metric_help.gave_up_reason",
                    MetricValue::Count(n),
                ));
            }
        }
        for (node, n) in &m.node_failures {
            rows.push(
                MetricRow::new(
                    "node_failures",
                    "metric.node_failures",
                    "metric_help.node_failures",
                    MetricValue::Count(*n),
                )
                .with_arg("node", node.clone()),
            );
        }
        rows
    }

    fn marks(&self) -> Vec<Mark> {
        let mut marks: Vec<Mark> = self
            .a
            .model()
            .scenario()
            .service
            .outages
            .iter()
            .map(|o| Mark {
                at_ms: o.from_ms as f64,
                until_ms: Some(o.to_ms as f64),
                kind: MarkKind::Outage,
                side: None,
            })
            .collect();
        for (i, sim) in self.sides().enumerate() {
            for (at, state) in &sim.model().stats().breaker_changes {
                if *state == BreakerState::Open {
                    marks.push(Mark {
                        at_ms: ms(*at),
                        until_ms: None,
                        kind: MarkKind::BreakerOpen,
                        side: Some(i),
                    });
                }
            }
        }
        crate::order::sort_by(&mut marks, |a, b| a.at_ms.total_cmp(&b.at_ms));
        marks
    }

    fn time_domain_ms(&self) -> f64 {
        (0..self.side_count())
            .map(|s| self.side_end_ms(s))
            .fold(1000.0, f64::max)
    }

    fn outcomes(&self, side: usize) -> Option<Outcomes> {
        let stats = self.side(side)?.model().stats();
        Some(Outcomes {
            ok: stats.succeeded,
            bad: stats.finished - stats.succeeded,
            bad_split: None,
            open: stats.requests - stats.finished,
            ok_key: "retry.outcome.succeeded",
            bad_key: "retry.outcome.gave_up",
            open_key: "retry.outcome.in_progress",
        })
    }

    fn side_end_ms(&self, side: usize) -> f64 {
        self.side(side).map_or(0.0, |s| {
            let window = s.model().scenario().arrival_window();
            let last = s.model().stats().last_finish;
            ms(window.max(last).max(if s.is_finished() { last } else { s.now() }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::retry::presets;

    fn run_of(id: &str) -> RetryRun {
        let p = presets::find(id).unwrap();
        let mut run = RetryRun::new(&p.config, p.seed).unwrap();
        run.run_to_end(u64::MAX);
        run
    }

    #[test]
    fn a_single_request_shows_running_totals_that_end_at_the_metrics() {
        let run = run_of("tenacity");
        let v = LabRun::verdict(&run, 0);
        assert_eq!(v.unit_key, "retry.verdict.so_far");
        let m = run.a.model().stats().metrics();
        let last = |i: usize| v.lines[i].points.last().unwrap().1;
        assert_eq!(last(0), m.calls as f64);
        assert_eq!(last(1), m.succeeded as f64);
        for line in &v.lines {
            assert!(
                line.points.windows(2).all(|w| w[1].1 >= w[0].1 && w[1].0 >= w[0].0),
                "totals never go down"
            );
        }
    }

    /// Mid-run the running totals reach the clock, the calls made so far
    /// included (they stopped a slice short of it: at 3.1 s, at 2.5 s).
    #[test]
    fn running_totals_reach_the_clock_mid_run() {
        let p = presets::find("tenacity").unwrap();
        let mut run = RetryRun::new(&p.config, p.seed).unwrap();
        run.run_until(SimTime::from_ms(3_100), u64::MAX);
        assert!(!LabRun::is_finished(&run));
        let v = LabRun::verdict(&run, 0);
        let m = run.a.model().stats().metrics();
        for (line, total) in v.lines.iter().zip([m.calls, m.succeeded]) {
            let last = *line.points.last().unwrap();
            assert_eq!(last, (3_100.0, total as f64));
        }
    }

    #[test]
    fn many_clients_show_rates_and_the_outage() {
        let run = run_of("storm_jitter");
        for side in 0..2 {
            let v = LabRun::verdict(&run, side);
            assert_eq!(v.unit_key, "retry.charts.per_second");
            assert_eq!(v.bands.len(), 1);
            let width_s = run.a.model().stats().series.width().as_ms_f64() / 1000.0;
            let calls: f64 = v.lines[0].points.iter().map(|p| p.1 * width_s).sum();
            let m = run.side(side).unwrap().model().stats().metrics();
            assert!(
                (calls - m.calls as f64).abs() < 0.5,
                "rates integrate to the calls metric"
            );
        }
    }

    #[test]
    fn both_sides_have_the_same_rows_and_the_outcomes_add_up() {
        let p = presets::find("storm_budget").unwrap();
        let mut run = RetryRun::new(&p.config, p.seed).unwrap();
        run.run_until(SimTime::from_ms(30_000), u64::MAX);
        let keys = |s| LabRun::metric_rows(&run, s).iter().map(|r| r.key).collect::<Vec<_>>();
        assert_eq!(keys(0), keys(1));
        for side in 0..2 {
            let o = LabRun::outcomes(&run, side).unwrap();
            let stats = run.side(side).unwrap().model().stats();
            assert_eq!(o.ok + o.bad + o.open, stats.requests);
            assert!(LabRun::metric_rows(&run, side).iter().any(|r| r.provisional));
        }
        run.run_to_end(u64::MAX);
        assert!(LabRun::metric_rows(&run, 0).iter().all(|r| !r.provisional));
        assert_eq!(LabRun::outcomes(&run, 0).unwrap().open, 0);
    }

    #[test]
    fn marks_name_the_outage_and_every_breaker_opening() {
        let run = run_of("storm_breaker");
        let marks = LabRun::marks(&run);
        assert!(marks
            .iter()
            .any(|m| m.kind == MarkKind::Outage && m.until_ms == Some(25_000.0)));
        let opens = run
            .b
            .as_ref()
            .unwrap()
            .model()
            .stats()
            .breaker_changes
            .iter()
            .filter(|c| c.1 == BreakerState::Open)
            .count();
        assert!(opens > 0);
        assert_eq!(marks.iter().filter(|m| m.kind == MarkKind::BreakerOpen).count(), opens);
        assert!(marks.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
    }
}

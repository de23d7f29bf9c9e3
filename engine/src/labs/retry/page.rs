//! The retry run as the shared lab page sees it ([`LabRun`]): the verdict
//! series of each side (calls sent vs requests succeeding per second, the
//! outages shaded), the metrics table's rows, and the scrubber's marks.

use super::{RetryRun, RetrySim};
use crate::labs::run::{LabRun, Mark, MarkKind, MetricRow, MetricValue, Tone, Verdict, VerdictBand, VerdictLine};
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
        metrics: serde_json::to_value(sim.model().stats().metrics()).expect("metrics serialise"),
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
            lines: vec![],
            bands: vec![],
        };
        let Some(sim) = self.side(side) else {
            return verdict;
        };
        let series = &sim.model().stats().series;
        let width_ms = series.width().as_micros() as f64 / 1000.0;
        let now = ms(sim.now());
        let done = sim.is_finished();
        let per_s = 1000.0 / width_ms;
        let mut calls = Vec::new();
        let mut succeeded = Vec::new();
        for (i, slice) in series.buckets().iter().enumerate() {
            let from = i as f64 * width_ms;
            // The slice the clock is in is still filling: it would make every line dive.
            if !done && from + width_ms > now + 1e-9 {
                break;
            }
            let mid = from + width_ms / 2.0;
            calls.push((mid, slice.calls as f64 * per_s));
            succeeded.push((mid, slice.succeeded as f64 * per_s));
        }
        verdict.lines = vec![
            VerdictLine {
                label_key: "retry.charts.load_calls",
                tone: Tone::Info,
                dashed: true,
                points: calls,
            },
            VerdictLine {
                label_key: "retry.charts.load_succeeded",
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

    fn metric_rows(&self, side: usize) -> Vec<MetricRow> {
        let Some(sim) = self.side(side) else {
            return vec![];
        };
        let m = sim.model().stats().metrics();
        let gave_up: u64 = m.gave_up.values().sum();
        let finished = m.succeeded + gave_up > 0;
        let over = sim.is_finished();
        let rate = |v: f64| {
            if finished {
                MetricValue::Ratio(v)
            } else {
                MetricValue::Missing
            }
        };
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
                "success_rate",
                "metric.success_rate",
                "metric_help.success_rate",
                rate(m.success_rate),
            )
            .provisional(!over),
            MetricRow::new(
                "first_try_success_rate",
                "metric.first_try",
                "metric_help.first_try",
                rate(m.first_try_success_rate),
            )
            .provisional(!over),
            MetricRow::new(
                "calls",
                "metric.calls",
                "metric_help.calls",
                MetricValue::Count(m.calls),
            ),
            MetricRow::new(
                "load_amplification",
                "metric.load",
                "metric_help.load",
                if m.requests > 0 {
                    MetricValue::Factor(m.load_amplification)
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
            .provisional(!over),
            MetricRow::new("p50_ms", "metric.p50", "metric_help.p50", opt_ms(m.p50_ms)).provisional(!over),
            MetricRow::new("p95_ms", "metric.p95", "metric_help.p95", opt_ms(m.p95_ms)).provisional(!over),
            MetricRow::new("p99_ms", "metric.p99", "metric_help.p99", opt_ms(m.p99_ms)).provisional(!over),
            MetricRow::new(
                "completion_ms",
                "metric.completion",
                "metric_help.completion",
                MetricValue::Ms(m.completion_ms),
            ),
            MetricRow::new(
                "retry_wait_ms",
                "metric.retry_wait",
                "metric_help.retry_wait",
                MetricValue::Ms(m.retry_wait_ms),
            ),
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
        marks.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
        marks
    }

    fn time_domain_ms(&self) -> f64 {
        (0..self.side_count())
            .map(|s| self.side_end_ms(s))
            .fold(1000.0, f64::max)
    }

    fn side_end_ms(&self, side: usize) -> f64 {
        self.side(side).map_or(0.0, |s| {
            let window = s.model().scenario().arrival_window();
            let last = s.model().stats().last_finish;
            ms(window.max(last).max(if s.is_finished() { last } else { s.now() }))
        })
    }
}

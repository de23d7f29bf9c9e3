//! The replica-failover run as the shared lab page sees it ([`LabRun`]):
//! each side's verdict (chunks done so far, and chunks under-replicated —
//! the risk window — with node and metadata outages shaded), the metrics
//! table's rows (the geometric law's first-try rate and mean attempts
//! beside the measured ones, the detector's window beside the detection
//! time), outcomes and scrubber marks.

use super::ReplicaModel;
use super::{ReplicaRun, ReplicaSim};
use crate::labs::run::{
    EndNote, FormulaArg, Mark, MarkKind, MetricRow, MetricValue, Outcomes, Theory, Tone, Verdict, VerdictBand,
    VerdictLine,
};
use crate::labs::sides::SidesView;

use crate::time::SimTime;

fn ms(t: SimTime) -> f64 {
    t.as_micros() as f64 / 1000.0
}

/// A shaded stretch: from, to (ms), its label's key and the label's values.
type Band = (f64, f64, &'static str, Vec<(&'static str, String)>);

/// Outages on a side: every node's (and rack's) and the metadata server's.
fn outages(sim: &ReplicaSim) -> Vec<Band> {
    let m = sim.model();
    let c = m.config();
    let mut out = Vec::new();
    for o in &c.nodes.outages {
        out.push((
            o.from_ms as f64,
            o.to_ms as f64,
            "replica.band.node_down",
            vec![("node", format!("node_{}", o.node))],
        ));
    }
    for o in &c.nodes.rack_outages {
        out.push((
            o.from_ms as f64,
            o.to_ms as f64,
            "replica.band.rack_down",
            vec![("rack", o.rack.to_string())],
        ));
    }
    for w in &c.metadata.outages {
        out.push((w.from_ms as f64, w.to_ms as f64, "replica.band.metadata_down", vec![]));
    }
    out
}

/// The metric rows that decide a run of `c`, as its guide names them:
/// corrupt copies caught or delivered; else chunks failed against the time
/// the transfer took and the attempts a chunk needed.
pub fn key_metrics(c: &super::ReplicaConfig) -> Vec<&'static str> {
    if c.nodes.corrupt_rate > 0.0 || !c.nodes.corrupt_chunks.is_empty() {
        return vec!["corrupt_reads_caught", "corrupt_delivered", "chunks_failed"];
    }
    // (Not the time spent retrying: summed over the workers, it outgrew the
    // transfer time beside it.)
    vec!["chunks_failed", "transfer_ms", "mean_attempts"]
}

impl SidesView for ReplicaModel {
    fn verdict(run: &ReplicaRun, side: usize) -> Verdict {
        let mut verdict = Verdict {
            title_key: "replica.verdict.title",
            unit_key: "replica.verdict.chunks",
            whole: true,
            lines: vec![],
            bands: vec![],
            end_note: None,
        };
        let Some(sim) = run.sides.get(side) else {
            return verdict;
        };
        let series = &sim.model().stats.series;
        let width_ms = series.width().as_micros() as f64 / 1000.0;
        let now = ms(sim.now());
        let done = sim.is_finished();
        // Chunks done from 0 to now: every slice, and the one under way up to
        // now (the line stopped at the last whole slice, 3 done while the
        // stage said 6).
        // Done means done intact, as on the stage's bar: a chunk read
        // without a checksum from a corrupt copy is its own line (B's "done"
        // climbed to 32 while its bar said 30 done and 2 corrupt).
        let mut ok = vec![(0.0, 0.0)];
        let mut bad = vec![(0.0, 0.0)];
        let (mut total, mut corrupt) = (0u64, 0u64);
        for (i, slice) in series.buckets().iter().enumerate() {
            let from = i as f64 * width_ms;
            total += u64::from(slice.chunks_ok - slice.corrupt_ok);
            corrupt += u64::from(slice.corrupt_ok);
            let end = if !done && from + width_ms > now + 1e-9 {
                now
            } else {
                from + width_ms
            };
            ok.push((end, total as f64));
            bad.push((end, corrupt as f64));
            if end == now && !done {
                break;
            }
        }
        // Chunks at risk (known to the metadata server or not), every slice up to now.
        let under = super::view::risk_series(sim.model(), sim.now(), done)
            .into_iter()
            .map(|p| (p.end_ms, p.at_risk))
            .collect();
        verdict.lines = vec![
            VerdictLine {
                label_key: "replica.verdict.done",
                tone: Tone::Ok,
                dashed: false,
                points: ok,
            },
            VerdictLine {
                label_key: "replica.verdict.under_replicated",
                tone: Tone::Bad,
                dashed: true,
                points: under,
            },
        ];
        let c = sim.model().config();
        if c.nodes.corrupt_rate > 0.0 || !c.nodes.corrupt_chunks.is_empty() {
            verdict.lines.push(VerdictLine {
                label_key: "replica.verdict.corrupt",
                tone: Tone::Wait,
                dashed: false,
                points: bad,
            });
        }
        // It keeps running after the files (repair, the "keep running"
        // setting): say when the files were done, beside the run's end.
        if done {
            if let Some(last) = sim.model().stats.last_done {
                verdict.end_note = Some(EndNote {
                    done_ms: ms(last),
                    key: "replica.verdict.ended",
                    short_key: "replica.verdict.ended_short",
                });
            }
        }
        verdict.bands = outages(sim)
            .into_iter()
            .map(|(from_ms, to_ms, label_key, label_args)| VerdictBand {
                from_ms,
                to_ms,
                label_key,
                label_args,
            })
            .collect();
        verdict
    }

    fn key_metrics(run: &ReplicaRun) -> Vec<&'static str> {
        run.sides
            .first()
            .map_or(vec![], |sim| key_metrics(sim.model().config()))
    }

    fn metric_rows(run: &ReplicaRun, side: usize) -> Vec<MetricRow> {
        let Some(sim) = run.sides.get(side) else {
            return vec![];
        };
        let model = sim.model();
        let m = model.metrics(sim.now());
        let c = model.config();
        let over = sim.is_finished();
        let opt_ms = |v: Option<f64>| v.map_or(MetricValue::Missing, MetricValue::Ms);
        let row = |key: &'static str, v: MetricValue| {
            let (label, help) = keys(key);
            MetricRow::new(key, label, help, v)
        };
        let count = |key: &'static str, v: u64| row(key, MetricValue::Count(v));
        // Independent failures only (no outages, slow or corrupt nodes): the geometric law.
        let p = c.nodes.failure_rate;
        let n = model.side().retry.max_attempts;
        let independent = c.nodes.outages.is_empty()
            && c.nodes.rack_outages.is_empty()
            && c.nodes.slow.is_empty()
            && c.nodes.corrupt_rate == 0.0
            && c.nodes.corrupt_chunks.is_empty();
        let caveat = (!independent).then_some("replica.caveat.independent");
        let first_try = Theory {
            value: MetricValue::Ratio(1.0 - p),
            formula_key: "replica.theory.first_try",
            formula_args: vec![("p", FormulaArg::Number(p))],
            caveat_key: caveat,
        };
        // E[attempts] of a geometric law cut at n tries: (1 − pⁿ) ÷ (1 − p).
        let mean = if p >= 1.0 {
            n as f64
        } else {
            (1.0 - libm::pow(p, n as f64)) / (1.0 - p)
        };
        let mean_attempts = Theory {
            value: MetricValue::Number(mean),
            formula_key: "replica.theory.mean_attempts",
            formula_args: vec![("p", FormulaArg::Number(p)), ("n", FormulaArg::Exponent(n))],
            caveat_key: caveat,
        };
        let hb = &c.metadata.heartbeat;
        let detection = Theory {
            // The last heartbeat came up to one interval before the crash.
            value: MetricValue::MsRange(
                hb.dead_after_ms.saturating_sub(hb.interval_ms) as f64,
                hb.dead_after_ms as f64,
            ),
            formula_key: "replica.theory.detection",
            formula_args: vec![
                (
                    "low",
                    FormulaArg::Ms(hb.dead_after_ms.saturating_sub(hb.interval_ms) as f64),
                ),
                ("high", FormulaArg::Ms(hb.dead_after_ms as f64)),
            ],
            caveat_key: None,
        };
        let mut rows = vec![
            count("chunks_ok", m.chunks_ok),
            count("chunks_failed", m.chunks_failed),
            row(
                "first_try_success_rate",
                if m.chunks_ok + m.chunks_failed == 0 {
                    MetricValue::Missing
                } else {
                    MetricValue::Ratio(m.first_try_success_rate)
                },
            )
            .provisional(!over)
            .with_theory(Some(first_try)),
            row("mean_attempts", MetricValue::Number(m.mean_attempts))
                .provisional(!over)
                .with_theory(Some(mean_attempts)),
            row("retry_time_ms", MetricValue::Ms(m.retry_time_ms)).provisional(!over),
            {
                // A transfer that gave up (chunks never tried) is not a
                // fast one: "Transfer time 671 ms" read as better than the
                // demo's 1.97 s success.
                // Mid-transfer, the time so far is the time since it began,
                // not until its last finished chunk: A's slow node read 4.01 s
                // beside B's 9.98 s at 17 s, A's three stuck chunks uncounted.
                let [pending, running, ..] = model.status_counts();
                let going = (!over && pending + running > 0)
                    .then_some(model.stats.first_start)
                    .flatten()
                    .map(|t0| (sim.now().as_micros().saturating_sub(t0.as_micros())) as f64 / 1000.0);
                let mut r = row("transfer_ms", opt_ms(going.or(m.transfer_ms))).provisional(!over);
                if m.chunks_skipped > 0 {
                    r.label_key = "replica.metric.transfer_ms_stopped";
                }
                r
            },
            count("reports_sent", m.reports_sent),
            count("under_replicated_peak", m.under_replicated_peak),
            {
                // Counted, like "at risk" below, at each side's last moment.
                let mut r = count("under_replicated_end", m.under_replicated_end).provisional(!over);
                if over {
                    r.label_key = "replica.metric.under_replicated_end_over";
                    r.help_key = "replica.help.under_replicated_end_over";
                }
                r
            },
            count("at_risk_peak", m.at_risk_peak),
            {
                // Over, "now" is each side's own last moment, and a side
                // ends when its work is done: breaker's B ended while the
                // flapping node_2 was down (13 at risk) and A a second
                // later, with it up (0), and "now" read as the breaker's
                // fault. The label and help say when it was counted.
                let mut r = count("at_risk_end", m.at_risk_end).provisional(!over);
                if over {
                    r.label_key = "replica.metric.at_risk_end_over";
                    r.help_key = "replica.help.at_risk_end_over";
                }
                r
            },
            row("detection_ms", opt_ms(m.detection_ms)).with_theory(m.detection_ms.map(|_| detection)),
            // "—" while chunks are still short read as "nothing to repair".
            row("repair_ms", opt_ms(m.repair_ms)).provisional(!over).with_note(
                (m.repair_ms.is_none() && m.under_replicated_end > 0).then_some("replica.note.repair_unfinished"),
            ),
            count("data_lost_chunks", m.data_lost_chunks).provisional(!over),
        ];
        if m.chunks_skipped > 0 {
            rows.insert(2, count("chunks_skipped", m.chunks_skipped));
        }
        if c.nodes.corrupt_rate > 0.0 || !c.nodes.corrupt_chunks.is_empty() {
            rows.push(count("corrupt_reads_caught", m.corrupt_reads_caught));
            rows.push(count("corrupt_delivered", m.corrupt_delivered));
        }
        // The most failures per node are not a row: each side's top node is
        // its own ("node_6: A 5, B 0" while B had 9 on node_4); the problem
        // nodes table beside the charts lists every side's nodes.
        rows
    }

    fn marks(run: &ReplicaRun) -> Vec<Mark> {
        let Some(sim) = run.sides.first() else {
            return vec![];
        };
        let mut out: Vec<Mark> = outages(sim)
            .into_iter()
            .map(|(from, to, _, _)| Mark {
                at_ms: from,
                until_ms: Some(to),
                kind: MarkKind::Outage,
                side: None,
            })
            .collect();
        out.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
        out
    }

    /// Which part was down: a node, a rack or the metadata server (the
    /// scrubber read "Service down", as if the whole store was).
    fn outage_key(run: &ReplicaRun, mark: &Mark) -> &'static str {
        let key = run.sides.first().and_then(|sim| {
            outages(sim)
                .into_iter()
                .find(|o| o.0 == mark.at_ms && Some(o.1) == mark.until_ms)
                .map(|o| o.2)
        });
        match key {
            Some("replica.band.rack_down") => "replica.mark.rack_down",
            Some("replica.band.metadata_down") => "replica.mark.metadata_down",
            _ => "replica.mark.node_down",
        }
    }

    fn time_domain_ms(run: &ReplicaRun) -> f64 {
        let furthest = run.sides.iter().map(|s| ms(s.now())).fold(0.0, f64::max);
        let w = &run.sides[0].model().config().workload;
        (w.every_ms as f64 * w.files.saturating_sub(1) as f64).max(furthest)
    }

    fn side_end_ms(run: &ReplicaRun, side: usize) -> f64 {
        run.sides.get(side).map_or(0.0, |s| ms(s.now()))
    }

    fn outcomes(run: &ReplicaRun, side: usize) -> Option<Outcomes> {
        let model = run.sides.get(side)?.model();
        let [_, _, ok, failed, skipped] = model.status_counts();
        let bad = failed + skipped;
        Some(Outcomes {
            ok,
            bad,
            bad_split: None,
            open: model.chunks.len() as u64 - ok - bad,
            ok_key: "replica.outcome.done",
            // "5 failed" read beside "Chunks failed 1": four were never tried.
            bad_key: if skipped > 0 {
                "replica.outcome.failed_or_skipped"
            } else {
                "replica.outcome.failed"
            },
            open_key: "replica.outcome.open",
        })
    }
}

/// A metric's label and help keys.
fn keys(key: &'static str) -> (&'static str, &'static str) {
    macro_rules! k {
        ($($name:literal),+ $(,)?) => {
            match key {
                $($name => (concat!("replica.metric.", $name), concat!("replica.help.", $name)),)+
                _ => unreachable!("every metric row has texts"),
            }
        };
    }
    k!(
        "chunks_ok",
        "chunks_failed",
        "chunks_skipped",
        "first_try_success_rate",
        "mean_attempts",
        "retry_time_ms",
        "transfer_ms",
        "reports_sent",
        "under_replicated_peak",
        "under_replicated_end",
        "at_risk_peak",
        "at_risk_end",
        "detection_ms",
        "repair_ms",
        "data_lost_chunks",
        "corrupt_reads_caught",
        "corrupt_delivered",
    )
}

//! A run's attempts as JSON lines: one line per attempt, written as the
//! attempt ends, for checking or plotting a run outside the playground.
//!
//! The browser keeps only the newest records of a trace (a ring), so an
//! export does not read the trace: it **re-runs** the same config and seed
//! from the start and streams every attempt into any [`std::io::Write`] as it
//! completes. `playground run SOURCE --trace FILE` writes the whole run; the
//! page's export writes up to a cap of lines and gives the CLI command
//! beyond it. Both use [`TraceWriter`], so the layout is defined once, here:
//!
//! ```text
//! {"side":"a","request":0,"attempt":1,"node":"node_1","start_ms":0.0,"end_ms":100.0,"result":"transient","wait_before_ms":0.0}
//! ```
//!
//! - `side`: `a`, or `b` when the run compares two strategies (lines of the
//!   two sides are interleaved in simulated time, as they happen);
//! - `request` (from 0) and `attempt` (from 1) say which call it was;
//! - `node`: where it went (`node_1`, …);
//! - `start_ms`, `end_ms`: when it was sent and when the client heard back
//!   (or stopped waiting), in simulated milliseconds;
//! - `result`: `ok` or why it failed (`transient`, `timeout`, `unavailable`,
//!   `overloaded`, `permanent`, `conflict`…);
//! - `wait_before_ms`: the backoff the client waited before sending it (0 for
//!   a first attempt).
//!
//! A lab offers its lines by implementing [`TraceExport`] for a fresh re-run
//! of its config, returned by its [`super::Lab::trace_export`]. The other
//! labs use the same fields for their own events (a chunk's attempts; an
//! order's steps, lost messages and dead letters; commands, applied versions
//! and reads; failed requests), `start_ms` = `end_ms` for an instant one:
//! [`super::LabId::trace_help_key`] names the text that says which.

use crate::sim::Progress;
use serde::{Deserialize, Serialize};
use std::io::{self, Write};

/// Which side of an A | B run a line comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    A,
    B,
}

impl Side {
    /// Side 0 is A, anything else B.
    pub fn from_index(i: usize) -> Side {
        if i == 0 {
            Side::A
        } else {
            Side::B
        }
    }
}

/// One attempt: one line of the export.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptLine {
    pub side: Side,
    pub request: u64,
    pub attempt: u32,
    pub node: String,
    pub start_ms: f64,
    pub end_ms: f64,
    pub result: String,
    pub wait_before_ms: f64,
}

/// A fresh re-run of a lab's config and seed that yields its attempts as
/// they end.
pub trait TraceExport {
    /// Handles at most `max_events` more events (all sides together), giving
    /// `emit` each attempt that ended, in the order they ended. `Finished`
    /// once the run is over.
    fn next_attempts(&mut self, max_events: u64, emit: &mut dyn FnMut(AttemptLine)) -> Progress;
}

/// What a finished export wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceSummary {
    pub lines: u64,
    /// The cap was reached before the run ended: later attempts are missing.
    pub truncated: bool,
}

/// Streams a [`TraceExport`] into `out` as JSON lines, at most `max_lines`
/// of them (`None`: every line), a bounded number of events per call.
pub struct TraceWriter<W: Write> {
    source: Box<dyn TraceExport>,
    out: W,
    max_lines: Option<u64>,
    lines: u64,
    truncated: bool,
    done: bool,
}

impl<W: Write> TraceWriter<W> {
    pub fn new(source: Box<dyn TraceExport>, out: W, max_lines: Option<u64>) -> Self {
        TraceWriter {
            source,
            out,
            max_lines,
            lines: 0,
            truncated: false,
            done: false,
        }
    }

    /// Re-runs at most `max_events` more events, writing the attempts that
    /// end. Returns whether the export is done (the run ended or the cap was
    /// reached).
    pub fn pump(&mut self, max_events: u64) -> io::Result<bool> {
        if self.done {
            return Ok(true);
        }
        let mut failure = None;
        let (out, lines, truncated, cap) = (&mut self.out, &mut self.lines, &mut self.truncated, self.max_lines);
        let progress = self.source.next_attempts(max_events, &mut |line| {
            if failure.is_some() || *truncated {
                return;
            }
            if cap.is_some_and(|cap| *lines >= cap) {
                *truncated = true;
                return;
            }
            let written = serde_json::to_writer(&mut *out, &line)
                .map_err(io::Error::from)
                .and_then(|_| out.write_all(b"\n"));
            match written {
                Ok(()) => *lines += 1,
                Err(e) => failure = Some(e),
            }
        });
        if let Some(e) = failure {
            self.done = true;
            return Err(e);
        }
        self.done = self.truncated || progress == Progress::Finished;
        if self.done {
            self.out.flush()?;
        }
        Ok(self.done)
    }

    /// Lines written so far.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    pub fn truncated(&self) -> bool {
        self.truncated
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    pub fn summary(&self) -> TraceSummary {
        TraceSummary {
            lines: self.lines,
            truncated: self.truncated,
        }
    }

    /// The writer, with everything written so far.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Writes a whole export in one call (the CLI's way): every line, or up to
/// `max_lines`.
pub fn write_trace(
    source: Box<dyn TraceExport>,
    out: &mut dyn Write,
    max_lines: Option<u64>,
) -> io::Result<TraceSummary> {
    let mut writer = TraceWriter::new(source, out, max_lines);
    while !writer.pump(100_000)? {}
    Ok(writer.summary())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::retry::presets;
    use crate::labs::LabConfig;

    fn config(id: &str) -> (LabConfig, u64) {
        let p = presets::find(id).expect("preset exists");
        (LabConfig::Retry(p.config), p.seed)
    }

    fn export(id: &str, max_lines: Option<u64>) -> (Vec<AttemptLine>, TraceSummary, String) {
        let (c, seed) = config(id);
        let mut out = Vec::new();
        let summary = write_trace(c.trace_export(seed).unwrap(), &mut out, max_lines).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        (lines, summary, text)
    }

    fn calls(c: &LabConfig, seed: u64) -> Vec<u64> {
        let report = c.run(seed).unwrap();
        std::iter::once(&report.a)
            .chain(report.b.as_ref())
            .map(|s| s.metrics["calls"].as_u64().unwrap())
            .collect()
    }

    #[test]
    fn one_line_per_call_on_every_preset() {
        for p in presets::all() {
            let (lines, summary, _) = export(p.id, None);
            let (c, seed) = config(p.id);
            let calls = calls(&c, seed);
            assert!(!summary.truncated);
            assert_eq!(summary.lines, lines.len() as u64);
            let a = lines.iter().filter(|l| l.side == Side::A).count() as u64;
            let b = lines.iter().filter(|l| l.side == Side::B).count() as u64;
            assert_eq!(a, calls[0], "{}: side A lines vs calls", p.id);
            assert_eq!(b, calls.get(1).copied().unwrap_or(0), "{}: side B lines vs calls", p.id);
        }
    }

    #[test]
    fn the_tenacity_demo_reads_like_the_course_text() {
        // wait_fixed(2), stop_after_attempt(3), 50 % failures: attempts 1, 2,
        // 3 of request 0, two seconds apart after each failure.
        let (lines, _, text) = export("tenacity", None);
        let first = text.lines().next().unwrap();
        for field in [
            "\"side\":\"a\"",
            "\"request\":0",
            "\"attempt\":1",
            "\"node\":\"node_1\"",
            "\"start_ms\":0.0",
            "\"end_ms\":",
            "\"result\":",
            "\"wait_before_ms\":0.0",
        ] {
            assert!(first.contains(field), "{field} missing from {first}");
        }
        for (i, l) in lines.iter().enumerate() {
            assert_eq!(l.request, 0);
            assert_eq!(l.attempt, i as u32 + 1);
            assert!(l.end_ms >= l.start_ms);
            if i > 0 {
                assert_eq!(l.wait_before_ms, 2000.0);
                assert_eq!(l.start_ms, lines[i - 1].end_ms + 2000.0);
                assert_eq!(lines[i - 1].result, "transient");
            }
        }
        assert!(lines.len() <= 3);
    }

    #[test]
    fn a_compare_run_interleaves_both_sides_in_time() {
        let (lines, _, _) = export("storm_breaker", None);
        assert!(lines.iter().any(|l| l.side == Side::B));
        // Each side's lines come in the order their attempts ended.
        for side in [Side::A, Side::B] {
            let ends: Vec<f64> = lines.iter().filter(|l| l.side == side).map(|l| l.end_ms).collect();
            assert!(ends.windows(2).all(|w| w[0] <= w[1]), "{side:?} out of order");
        }
        let results: std::collections::BTreeSet<&str> = lines.iter().map(|l| l.result.as_str()).collect();
        assert!(results.contains("ok") && results.contains("unavailable"), "{results:?}");
    }

    #[test]
    fn the_cap_truncates_and_says_so_and_runs_repeat() {
        let (all, _, text) = export("herd", None);
        assert!(all.len() > 10);
        let (some, summary, _) = export("herd", Some(10));
        assert_eq!(
            summary,
            TraceSummary {
                lines: 10,
                truncated: true
            }
        );
        assert_eq!(some[..], all[..10]);
        // A cap of exactly the line count is not a truncation.
        let (_, exact, _) = export("herd", Some(all.len() as u64));
        assert!(!exact.truncated);
        // Same config and seed, same bytes.
        assert_eq!(export("herd", None).2, text);
    }

    #[test]
    fn a_herd_larger_than_the_ring_loses_no_attempt() {
        let (c, seed) = config("herd");
        let LabConfig::Retry(mut rc) = c else {
            unreachable!("herd is a retry preset")
        };
        // Its start alone traces 2 × 1,200 records, more than the ring keeps.
        rc.workload = crate::labs::retry::config::Workload::Herd {
            clients: 1_200,
            read_write: false,
        };
        let c = LabConfig::Retry(rc);
        let mut out = Vec::new();
        let summary = write_trace(c.trace_export(seed).unwrap(), &mut out, None).unwrap();
        assert_eq!(summary.lines, calls(&c, seed).iter().sum::<u64>());
    }

    #[test]
    fn pumping_in_small_chunks_gives_the_same_lines() {
        let (_, _, whole) = export("storm_budget", None);
        let (c, seed) = config("storm_budget");
        let mut w = TraceWriter::new(c.trace_export(seed).unwrap(), Vec::new(), None);
        let mut calls = 0;
        while !w.pump(500).unwrap() {
            calls += 1;
        }
        assert!(calls > 10);
        assert_eq!(String::from_utf8(w.into_inner()).unwrap(), whole);
    }

    /// Every line of `c`'s trace, and each side's metrics.
    fn lab_lines(c: &LabConfig, seed: u64) -> (Vec<AttemptLine>, Vec<(Side, serde_json::Value)>) {
        let mut out = Vec::new();
        write_trace(c.trace_export(seed).unwrap(), &mut out, None).unwrap();
        let lines = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        let report = c.run(seed).unwrap();
        let sides = std::iter::once((Side::A, report.a.metrics))
            .chain(report.b.map(|b| (Side::B, b.metrics)))
            .collect();
        (lines, sides)
    }

    /// The newer labs' traces hold what they teach, not only retry-like
    /// attempts: CQRS's commands and applied versions beside its reads, the
    /// choreography's lost messages, dead letters and timed-out commands.
    #[test]
    fn every_lab_traces_what_it_teaches() {
        use crate::labs::{choreography, cqrs};
        let count = |lines: &[AttemptLine], side: Side, node: &str, result: &str| {
            lines
                .iter()
                .filter(|l| l.side == side && (node.is_empty() || l.node == node) && l.result == result)
                .count() as u64
        };
        let mut applied = 0;
        for p in cqrs::presets::all() {
            let (lines, sides) = lab_lines(&LabConfig::Cqrs(p.config.clone()), p.seed);
            for (side, m) in sides {
                let n = |node: &str, result: &str| count(&lines, side, node, result);
                let reads = lines
                    .iter()
                    .filter(|l| l.side == side && l.node == "read_side" && l.result != "applied")
                    .count() as u64;
                assert_eq!(
                    n("write_side", "committed") + n("write_side", "rejected"),
                    m["commands"].as_u64().unwrap(),
                    "{}: commands",
                    p.id
                );
                assert_eq!(
                    n("write_side", "rejected"),
                    m["rejected_commands"].as_u64().unwrap(),
                    "{}",
                    p.id
                );
                assert_eq!(reads, m["answers"].as_u64().unwrap(), "{}: reads", p.id);
                applied += n("read_side", "applied");
            }
        }
        assert!(applied > 0, "versions applied by a projector");
        let mut lost = 0;
        for p in choreography::presets::all() {
            let (lines, sides) = lab_lines(&LabConfig::Choreography(p.config.clone()), p.seed);
            for (side, m) in sides {
                let n = |result: &str| count(&lines, side, "", result);
                // A line per message lost; the metric counts its listeners' copies.
                let copies = m["lost_messages"].as_u64().unwrap();
                assert!(n("lost") <= copies && (n("lost") > 0) == (copies > 0), "{}: lost", p.id);
                assert_eq!(
                    n("dead_letter"),
                    m["dead_letters"].as_u64().unwrap(),
                    "{}: dead letters",
                    p.id
                );
                lost += n("lost");
            }
        }
        assert!(lost > 0, "a preset loses messages");
    }
}

//! The sides of an A | B run on one clock, whatever the lab: moving them
//! together, or event by event in one time order (the earliest next event
//! of any side, A first on a tie), so that every state a run passes through
//! is named by its event count alone — what the scrubber and the rewind
//! snapshots rely on. A lab's run hands its sides over as a slice (of
//! simulations, or of references to them).

use crate::sim::{Model, Progress, Simulation};
use crate::time::SimTime;
use std::borrow::{Borrow, BorrowMut};

/// The later of the clocks.
pub fn now<M: Model, S: Borrow<Simulation<M>>>(sides: &[S]) -> SimTime {
    sides.iter().map(|s| s.borrow().now()).max().unwrap_or_default()
}

pub fn is_finished<M: Model, S: Borrow<Simulation<M>>>(sides: &[S]) -> bool {
    sides.iter().all(|s| s.borrow().is_finished())
}

/// Events handled so far, all sides together.
pub fn events<M: Model, S: Borrow<Simulation<M>>>(sides: &[S]) -> u64 {
    sides.iter().map(|s| s.borrow().events()).sum()
}

/// Traced records so far, all sides together.
pub fn records<M: Model, S: Borrow<Simulation<M>>>(sides: &[S]) -> u64 {
    sides.iter().map(|s| s.borrow().trace().total()).sum()
}

/// What the sides' progress adds up to: paused if any is, finished if all are.
fn combine(all: impl Iterator<Item = Progress>) -> Progress {
    all.fold(Progress::Finished, |acc, p| match (acc, p) {
        (Progress::Paused, _) | (_, Progress::Paused) => Progress::Paused,
        (Progress::Finished, Progress::Finished) => Progress::Finished,
        _ => Progress::Reached,
    })
}

/// Moves every side up to `until`, each handling at most `max_events`.
pub fn run_until<M: Model, S: BorrowMut<Simulation<M>>>(sides: &mut [S], until: SimTime, max_events: u64) -> Progress {
    combine(sides.iter_mut().map(|s| s.borrow_mut().run_until(until, max_events)))
}

/// Runs every side to the end (each at most `max_events` events).
pub fn run_to_end<M: Model, S: BorrowMut<Simulation<M>>>(sides: &mut [S], max_events: u64) -> Progress {
    combine(sides.iter_mut().map(|s| s.borrow_mut().run_to_end(max_events)))
}

/// Handles the earliest next event of any side (A first on a tie); which
/// side it was, or None when no side has one left.
pub fn step_merged<M: Model, S: BorrowMut<Simulation<M>>>(sides: &mut [S]) -> Option<usize> {
    let (_, i) = sides
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.borrow().next_event_at().map(|t| (t, i)))
        .min()?;
    sides[i].borrow_mut().step();
    Some(i)
}

/// Handles events in time order over all sides while the next is at or
/// before `until` and fewer than `until_events` have been handled in all;
/// on reaching `until`, every clock reads `until`.
pub fn run_to<M: Model, S: BorrowMut<Simulation<M>>>(sides: &mut [S], until: SimTime, until_events: u64) -> Progress {
    let mut handled: u64 = sides.iter().map(|s| s.borrow().events()).sum();
    loop {
        match sides.iter().filter_map(|s| s.borrow().next_event_at()).min() {
            None => return Progress::Finished,
            Some(t) if t > until => {
                for s in sides.iter_mut() {
                    s.borrow_mut().run_until(until, 0);
                }
                return Progress::Reached;
            }
            Some(_) if handled >= until_events => return Progress::Paused,
            Some(_) => {
                step_merged(sides);
                handled += 1;
            }
        }
    }
}

/// Steps to the next traced record of any side, in the same order as
/// [`run_to`], handling at most `max_events`.
pub fn step_record<M: Model, S: BorrowMut<Simulation<M>>>(sides: &mut [S], max_events: u64) -> Progress {
    let before: u64 = sides.iter().map(|s| s.borrow().trace().total()).sum();
    for _ in 0..max_events {
        if step_merged(sides).is_none() {
            return Progress::Finished;
        }
        if sides.iter().map(|s| s.borrow().trace().total()).sum::<u64>() > before {
            return Progress::Reached;
        }
    }
    if sides.iter().all(|s| s.borrow().is_finished()) {
        Progress::Finished
    } else {
        Progress::Paused
    }
}

use crate::labs::run::{LabRun, Mark, MetricRow, Outcomes, Verdict};
use crate::labs::trace_lines::AttemptLine;
use crate::labs::{LabId, RunReport, SideReport, TraceExport};
use crate::validate::{ConfigError, WorkLimits};

/// What a lab's model tells the shared A | B run ([`Sides`]): how a config
/// becomes its sides, the metrics a side reports, the trace export's lines.
pub trait SideModel: Model + Clone + Sized {
    const LAB: LabId;
    type Config: Clone;
    /// What tells one side from the other (a mode, a pattern, tactics).
    type Side;
    fn validate(config: &Self::Config, limits: WorkLimits) -> Result<(), Vec<ConfigError>>;
    /// Side A, and side B when the config compares two.
    fn sides(config: &Self::Config) -> Vec<Self::Side>;
    fn new(config: Self::Config, side: Self::Side, seed: u64) -> Self;
    /// The side's metrics at `now`, under their stable keys.
    fn metrics_json(&self, now: SimTime) -> serde_json::Value;
    /// What the trace export remembers between records (when attempts started, say).
    type TraceState: Default;
    /// The trace export's line for a record of side `side` (0: A), if that record has one.
    fn attempt_line(
        state: &mut Self::TraceState,
        side: usize,
        at: SimTime,
        record: &Self::Record,
    ) -> Option<AttemptLine>;
}

/// What the shared lab page reads of a run that only a lab knows how to draw
/// (the rest of [`LabRun`] is the same for every lab run on [`Sides`]).
pub trait SidesView: SideModel {
    fn verdict(run: &Sides<Self>, side: usize) -> Verdict;
    fn metric_rows(run: &Sides<Self>, side: usize) -> Vec<MetricRow>;
    /// See [`LabRun::key_metrics`].
    fn key_metrics(_run: &Sides<Self>) -> Vec<&'static str> {
        vec![]
    }
    fn marks(run: &Sides<Self>) -> Vec<Mark>;
    /// See [`LabRun::outage_key`].
    fn outage_key(_run: &Sides<Self>, _mark: &Mark) -> &'static str {
        "scrub.mark_outage"
    }
    fn time_domain_ms(run: &Sides<Self>) -> f64;
    /// See [`LabRun::end_known`].
    fn end_known(_run: &Sides<Self>) -> bool {
        false
    }
    fn side_end_ms(run: &Sides<Self>, side: usize) -> f64;
    fn outcomes(run: &Sides<Self>, side: usize) -> Option<Outcomes>;
}

/// A lab's run: side A, and side B when the config compares two patterns.
/// The sides share the seed (the same world) and one clock.
pub struct Sides<M: Model> {
    pub sides: Vec<Simulation<M>>,
}

impl<M: Model> Clone for Sides<M>
where
    Simulation<M>: Clone,
{
    fn clone(&self) -> Self {
        Sides {
            sides: self.sides.clone(),
        }
    }
}

impl<M: SideModel> Sides<M> {
    pub fn new(config: &M::Config, seed: u64) -> Result<Self, Vec<ConfigError>> {
        Self::new_within(config, seed, WorkLimits::LINK)
    }

    pub fn new_within(config: &M::Config, seed: u64, limits: WorkLimits) -> Result<Self, Vec<ConfigError>> {
        M::validate(config, limits)?;
        let sides = M::sides(config)
            .into_iter()
            .map(|side| Simulation::new(M::new(config.clone(), side, seed)))
            .collect();
        Ok(Sides { sides })
    }

    pub fn now(&self) -> SimTime {
        now(&self.sides)
    }
    pub fn is_finished(&self) -> bool {
        is_finished(&self.sides)
    }
    pub fn events(&self) -> u64 {
        events(&self.sides)
    }
    pub fn records(&self) -> u64 {
        records(&self.sides)
    }
    pub fn run_to_end(&mut self, max_events: u64) -> Progress {
        run_to_end(&mut self.sides, max_events)
    }
    pub fn run_until(&mut self, until: SimTime, max_events: u64) -> Progress {
        run_until(&mut self.sides, until, max_events)
    }
    pub fn run_to(&mut self, until: SimTime, until_events: u64) -> Progress {
        run_to(&mut self.sides, until, until_events)
    }
    pub fn step_record(&mut self, max_events: u64) -> Progress {
        step_record(&mut self.sides, max_events)
    }

    /// One side as `playground run` prints it.
    pub fn side_report(sim: &Simulation<M>) -> SideReport {
        SideReport {
            metrics: sim.model().metrics_json(sim.now()),
            trace_hash: sim.trace().digest_hex(),
            events: sim.events(),
        }
    }

    /// [`crate::labs::Lab::run`]: the whole run, to the end.
    pub fn run_reports(
        config: &M::Config,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<(SideReport, Option<SideReport>), Vec<ConfigError>> {
        let mut run = Self::new_within(config, seed, limits)?;
        run.run_to_end(u64::MAX);
        Ok((
            Self::side_report(&run.sides[0]),
            run.sides.get(1).map(Self::side_report),
        ))
    }

    /// [`crate::labs::Lab::trace_export`]: a fresh re-run, written as it goes.
    pub fn trace_export(
        config: &M::Config,
        seed: u64,
        limits: WorkLimits,
    ) -> Result<Box<dyn TraceExport>, Vec<ConfigError>>
    where
        M: 'static,
    {
        let run = Self::new_within(config, seed, limits)?;
        let seen = vec![0; run.sides.len()];
        Ok(Box::new(SidesTrace {
            run,
            seen,
            state: M::TraceState::default(),
        }))
    }
}

/// The trace export of a [`Sides`] run: events in the run's one time order,
/// each side's new records turned into lines by the lab's model.
struct SidesTrace<M: SideModel> {
    run: Sides<M>,
    /// Records of each side already read.
    seen: Vec<u64>,
    state: M::TraceState,
}

impl<M: SideModel> TraceExport for SidesTrace<M> {
    fn next_attempts(&mut self, max_events: u64, emit: &mut dyn FnMut(AttemptLine)) -> Progress {
        for _ in 0..max_events {
            let Some(side) = step_merged(&mut self.run.sides) else {
                return Progress::Finished;
            };
            let trace = self.run.sides[side].trace();
            let total = trace.total();
            let new = (total - self.seen[side]) as usize;
            self.seen[side] = total;
            // One event adds a handful of records, far fewer than the trace keeps.
            let mut fresh: Vec<_> = trace.entries().rev().take(new).collect();
            fresh.reverse();
            for e in fresh {
                if let Some(line) = M::attempt_line(&mut self.state, side, e.at, &e.record) {
                    emit(line);
                }
            }
        }
        if self.run.is_finished() {
            Progress::Finished
        } else {
            Progress::Paused
        }
    }
}

impl<M: SidesView> LabRun for Sides<M> {
    fn lab(&self) -> LabId {
        M::LAB
    }
    fn now(&self) -> SimTime {
        Sides::now(self)
    }
    fn run_until(&mut self, until: SimTime, max_events: u64) -> Progress {
        Sides::run_until(self, until, max_events)
    }
    fn run_to(&mut self, until: SimTime, until_events: u64) -> Progress {
        Sides::run_to(self, until, until_events)
    }
    fn step_record(&mut self, max_events: u64) -> Progress {
        Sides::step_record(self, max_events)
    }
    fn is_finished(&self) -> bool {
        Sides::is_finished(self)
    }
    fn side_count(&self) -> usize {
        self.sides.len()
    }
    fn events(&self) -> u64 {
        Sides::events(self)
    }
    fn records(&self) -> u64 {
        Sides::records(self)
    }
    fn approx_bytes(&self) -> usize {
        self.sides.iter().map(|s| s.approx_bytes()).sum()
    }
    fn report(&self, seed: u64) -> RunReport {
        RunReport {
            lab: M::LAB,
            seed,
            a: Self::side_report(&self.sides[0]),
            b: self.sides.get(1).map(Self::side_report),
        }
    }
    fn verdict(&self, side: usize) -> Verdict {
        M::verdict(self, side)
    }
    fn metric_rows(&self, side: usize) -> Vec<MetricRow> {
        M::metric_rows(self, side)
    }
    fn key_metrics(&self) -> Vec<&'static str> {
        M::key_metrics(self)
    }
    fn marks(&self) -> Vec<Mark> {
        M::marks(self)
    }
    fn outage_key(&self, mark: &Mark) -> &'static str {
        M::outage_key(self, mark)
    }
    fn time_domain_ms(&self) -> f64 {
        M::time_domain_ms(self)
    }
    fn end_known(&self) -> bool {
        M::end_known(self)
    }
    fn side_end_ms(&self, side: usize) -> f64 {
        M::side_end_ms(self, side)
    }
    fn outcomes(&self, side: usize) -> Option<Outcomes> {
        M::outcomes(self, side)
    }
}

/// What every lab's tests check of the page's reading of its presets.
#[cfg(test)]
pub mod checks {
    use super::*;
    use crate::i18n::{t, Lang};
    use crate::labs::run::MetricValue;
    use crate::labs::LabPreset;
    use crate::trace::Narrate;

    /// More checks of one side (its index) of one preset's finished run.
    pub type SideCheck<'a, M> = &'a dyn Fn(&LabPreset<<M as SideModel>::Config>, &Sides<M>, usize);

    /// How a lab's presets are checked by [`page_reads_every_preset`].
    pub struct PageCheck<'a, M: SideModel> {
        /// The chunked run's steps: simulated ms and events per call.
        pub step_ms: u64,
        pub step_events: u64,
        /// The units of work a side's outcomes add up to (requests, orders…).
        pub units: &'a dyn Fn(&Simulation<M>) -> u64,
        /// Whether every unit is decided once the run is over.
        pub all_decided: bool,
        /// Metric rows whose key is not itself a metric key (a breakdown, say).
        pub derived_row: &'a dyn Fn(&str) -> bool,
        /// Parts of a catalogue key that must never show in a narrated line.
        pub raw_keys: &'a [&'a str],
        pub side: SideCheck<'a, M>,
    }

    /// The phrases a text quotes ("…" or “…”), in order.
    pub fn quoted(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(i) = rest.find(['"', '“']) {
            let open = rest[i..].chars().next().unwrap();
            let after = &rest[i + open.len_utf8()..];
            let close = if open == '“' { '”' } else { '"' };
            let Some(j) = after.find(close) else { break };
            out.push(after[..j].to_string());
            rest = &after[j + close.len_utf8()..];
        }
        out
    }

    /// Every metric a preset's guide tells the reader to compare ("compare
    /// "stale answers"…") is among the run's key metrics, which the stage
    /// cards show under their mini-charts: the guide never sends the reader
    /// to a number that is only in the table below.
    pub fn guide_quotes_are_key_metrics(lab: &str, id: &str, run: &dyn crate::LabRun) {
        let key = format!("preset.{lab}.{id}.guide");
        let guide = t(Lang::En, &key);
        let keys = run.key_metrics();
        for q in quoted(guide) {
            let q = q.to_lowercase();
            if q.chars().count() < 5 {
                continue;
            }
            for row in run.metric_rows(0) {
                let label = t(Lang::En, row.label_key).to_lowercase();
                if label.starts_with(&q) {
                    assert!(
                        keys.contains(&row.key),
                        "{lab}/{id}: the guide quotes \"{q}\" ({}), not among the key metrics {keys:?}",
                        row.key
                    );
                }
            }
        }
    }

    #[test]
    fn quoted_finds_straight_and_curly_quotes() {
        assert_eq!(
            quoted("Compare \"command time, p95\" with “stale answers”; \"open"),
            vec!["command time, p95".to_string(), "stale answers".to_string()]
        );
        assert!(quoted("no quotes").is_empty());
    }

    fn texts_exist(keys: &[&str], langs: &[Lang]) {
        for key in keys {
            for &lang in langs {
                assert_ne!(t(lang, key), *key, "{key} in {lang:?}");
            }
        }
    }

    /// For every preset: a run chunked by time and events as the player and
    /// the scrubber move it reports what a straight run does; the outcomes
    /// add up; each metric row is a metric (final once the run is over) with
    /// its texts in every language, as are the verdict's and the outcomes'
    /// words, the narrated records, the preset's title, guide and moments;
    /// the moments come in time order within the run.
    pub fn page_reads_every_preset<M>(presets: Vec<LabPreset<M::Config>>, check: PageCheck<'_, M>)
    where
        M: SidesView,
        M::Record: Narrate,
    {
        let all = [Lang::En, Lang::Es, Lang::Pt];
        let lab = M::LAB.slug();
        // Counts in italics mid-run ("can still go up or down") must be ones
        // that fall in some preset; a count that only grows stays upright
        // (the note under the table: "the counts go on growing").
        let mut italic_counts = std::collections::BTreeSet::new();
        let mut falling_counts = std::collections::BTreeSet::new();
        for p in &presets {
            let mut straight = Sides::<M>::new(&p.config, p.seed).unwrap();
            straight.run_to_end(u64::MAX);
            let mut chunked = Sides::<M>::new(&p.config, p.seed).unwrap();
            let mut at = 0;
            let mut last = std::collections::BTreeMap::new();
            loop {
                let progress = chunked.run_to(SimTime::from_ms(at), chunked.events() + check.step_events);
                for side in 0..chunked.side_count() {
                    for row in chunked.metric_rows(side) {
                        if let MetricValue::Count(n) = row.value {
                            if row.provisional {
                                italic_counts.insert(row.key);
                            }
                            if let Some(before) = last.insert((side, row.key), n) {
                                if n < before {
                                    falling_counts.insert(row.key);
                                }
                            }
                        }
                    }
                }
                if progress == Progress::Finished {
                    break;
                }
                at += check.step_ms;
            }
            assert_eq!(chunked.report(p.seed), straight.report(p.seed), "{}", p.id);
            // The table lists A's rows with B's beside them: a row only B had
            // would not be shown.
            let row_keys = |side: usize| -> Vec<_> {
                straight
                    .metric_rows(side)
                    .iter()
                    .map(|r| (r.key, r.label_args.clone()))
                    .collect()
            };
            for side in 1..straight.side_count() {
                assert_eq!(row_keys(side), row_keys(0), "{}: side {side} has A's rows", p.id);
            }
            guide_quotes_are_key_metrics(lab, p.id, &straight);
            // The cards' key figures are rows of the table, on every side.
            for key in straight.key_metrics() {
                for side in 0..straight.side_count() {
                    assert!(
                        straight.metric_rows(side).iter().any(|r| r.key == key),
                        "{}: key metric {key} is a row of side {side}",
                        p.id
                    );
                }
            }
            for side in 0..straight.side_count() {
                let sim = &straight.sides[side];
                let o = straight.outcomes(side).unwrap();
                assert_eq!(o.ok + o.bad + o.open, (check.units)(sim), "{}", p.id);
                if check.all_decided {
                    assert_eq!(o.open, 0, "{}: the run is over", p.id);
                }
                let json = sim.model().metrics_json(sim.now());
                for row in straight.metric_rows(side) {
                    assert!(
                        json.get(row.key).is_some() || (check.derived_row)(row.key),
                        "{}: {} is a metric key",
                        p.id,
                        row.key
                    );
                    assert!(!row.provisional, "{}: {} is final at the end", p.id, row.key);
                    let mut keys = vec![row.label_key, row.help_key];
                    if let Some(th) = &row.theory {
                        keys.push(th.formula_key);
                        keys.extend(th.caveat_key);
                        let _ = th.formula(Lang::Es);
                    }
                    texts_exist(&keys, &all);
                }
                let v = straight.verdict(side);
                let words: Vec<&str> = [o.ok_key, o.bad_key, o.open_key, v.title_key, v.unit_key]
                    .into_iter()
                    .chain(v.lines.iter().map(|l| l.label_key))
                    .chain(v.bands.iter().map(|b| b.label_key))
                    .collect();
                texts_exist(&words, &all);
                for e in sim.trace().entries().take(200) {
                    for lang in all {
                        let line = e.record.narrate(lang);
                        assert!(!check.raw_keys.iter().any(|k| line.contains(k)), "{line}");
                    }
                }
                (check.side)(p, &straight, side);
            }
            let (title, guide) = (
                format!("preset.{lab}.{}.title", p.id),
                format!("preset.{lab}.{}.guide", p.id),
            );
            let mut keys = vec![title.as_str(), guide.as_str()];
            keys.extend(p.moments.iter().map(|m| m.caption_key.as_str()));
            texts_exist(&keys, &all);
            let end = straight.now().as_micros();
            assert!(p.moments.windows(2).all(|w| w[0].at_ms < w[1].at_ms), "{}", p.id);
            // The last event may come a fraction of a millisecond after a
            // moment's whole millisecond (the CQRS demo's answering read): a
            // moment in the millisecond after the last event is shown as the
            // run ends; one later would never show.
            assert!(
                p.moments.iter().all(|m| m.at_ms * 1000 < end + 1000),
                "{}: moments within the run (it ends at {end} µs; the player shows a moment at most 1 ms after the last event, at the end)",
                p.id
            );
            // A caption about the end comes once the run is over (double_refund's
            // "The end" came 0.5 ms before B's last event: B read "1 compensating",
            // its counts "so far", and the caption "▶ Play on").
            for m in &p.moments {
                if crate::i18n::t(Lang::En, &m.caption_key).starts_with("The end") {
                    assert!(
                        m.at_ms * 1000 >= end,
                        "{}: “The end” at {} ms, before the last event ({end} µs)",
                        p.id,
                        m.at_ms
                    );
                }
            }
        }
        // …and a count that falls in some preset is in italics while the run
        // goes on ("completed" fell as customers cancelled, and read as final).
        let falling: Vec<_> = falling_counts.difference(&italic_counts).collect();
        assert!(
            falling.is_empty(),
            "{lab}: counts that can fall are provisional mid-run: {falling:?}"
        );
        let growing: Vec<_> = italic_counts.difference(&falling_counts).collect();
        assert!(
            growing.is_empty(),
            "{lab}: counts that only grow are upright, not provisional: {growing:?}"
        );
    }
}

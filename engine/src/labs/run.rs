//! What every lab's run offers the page around it, whatever the lab.
//!
//! The lab page is one template for five labs: its player, scrubber, compact
//! embed, verdict mini-charts, metrics table (with theory beside measurement),
//! guided moments and exports never look inside a lab. They read a run through
//! [`LabRun`] and the plain data types here, which say *what* to show (a
//! number, its kind, whether it can still change, what theory predicts) and
//! leave *how* (language, decimal mark, layout) to the page.
//!
//! A lab implements [`LabRun`] for its run type (side A, and side B when it
//! compares); nothing else in the page needs to know the lab.

use super::{LabId, RunReport};
use crate::i18n::Lang;
use crate::sim::Progress;
use crate::time::SimTime;

/// A run of any lab, as the page sees it. Side 0 is A, side 1 is B.
pub trait LabRun {
    fn lab(&self) -> LabId;
    /// The later of the sides' clocks.
    fn now(&self) -> SimTime;
    /// Moves every side up to `until`, each handling at most `max_events`.
    fn run_until(&mut self, until: SimTime, max_events: u64) -> Progress;
    /// Handles events in time order over all sides (side A first on a tie)
    /// while the next is at or before `until` and `events()` is below
    /// `until_events`; on reaching `until` every clock reads `until`. Every
    /// state it leaves is one a straight run passes through, so a state is
    /// named by its event count alone: the scrubber seeks with this.
    fn run_to(&mut self, until: SimTime, until_events: u64) -> Progress;
    /// Moves to the next traced record, handling events in the same time
    /// order as [`LabRun::run_to`].
    fn step_record(&mut self, max_events: u64) -> Progress;
    fn is_finished(&self) -> bool;
    /// 1, or 2 when the run compares A with B.
    fn side_count(&self) -> usize;
    /// Events handled so far, all sides together.
    fn events(&self) -> u64;
    /// Records traced so far, all sides together (what "step" counts).
    fn records(&self) -> u64;
    /// Roughly how many bytes a copy of the run takes (0: unknown), so the
    /// scrubber's snapshots stay within a memory budget.
    fn approx_bytes(&self) -> usize {
        0
    }
    /// The run as `playground run` prints it.
    fn report(&self, seed: u64) -> RunReport;
    /// The quantity that decides the comparison, over time, for one side.
    fn verdict(&self, side: usize) -> Verdict;
    /// The metrics table's rows for one side (the same keys on every side).
    fn metric_rows(&self, side: usize) -> Vec<MetricRow>;
    /// The few metric rows (by key, in order) that decide this run's
    /// comparison — the ones its guide tells the reader to compare. Each stage
    /// card shows them under its mini-chart, so the verdict's numbers are on
    /// the first screen and not only in the table below. None by default.
    fn key_metrics(&self) -> Vec<&'static str> {
        vec![]
    }
    /// Instants worth marking on the scrubber (outages, a breaker opening…).
    fn marks(&self) -> Vec<Mark>;
    /// Catalogue key of the sentence naming an outage mark, with `{from}` and
    /// `{to}`: "Service down from … to …" unless the lab knows better (the
    /// availability lab's stretches are its primary's, not the service's).
    fn outage_key(&self, _mark: &Mark) -> &'static str {
        "scrub.mark_outage"
    }
    /// Where the time axis of the run ends, in ms: the arrival window or as
    /// far as any side has got, whichever is later. Sides share this axis.
    fn time_domain_ms(&self) -> f64;
    /// Whether the run ends where its time axis does (a run of fixed length).
    /// Otherwise (the default) the axis is only how far the run is known to
    /// reach: while it plays on past that, the scrubber leaves room ahead of
    /// it rather than reading as full.
    fn end_known(&self) -> bool {
        false
    }
    /// Where one side's own activity ends (for "zoom to the shorter run").
    fn side_end_ms(&self, side: usize) -> f64;
    /// How much of one side is decided: the units of work (requests, orders,
    /// chunks…) that ended well, ended badly, and are still open.
    fn outcomes(&self, side: usize) -> Option<Outcomes>;
}

/// How much of a side is decided, for the "still in progress" bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcomes {
    pub ok: u64,
    pub bad: u64,
    /// The bad ones by kind, when the lab tells them apart (the gateway's
    /// 502, 503 and 504): drawn in the failure, wait and give-up tones that
    /// the lab's stage uses for them, rather than all in one.
    pub bad_split: Option<[u64; 3]>,
    pub open: u64,
    /// Catalogue keys of the three words ("succeeded", "gave up", "in progress").
    pub ok_key: &'static str,
    pub bad_key: &'static str,
    pub open_key: &'static str,
}

/// How a metric's value is written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MetricValue {
    /// Not defined yet (nothing has finished, say): written "—".
    Missing,
    Count(u64),
    /// A share in 0‥1, written as a percentage.
    Ratio(f64),
    /// A duration, in ms.
    Ms(f64),
    /// A multiplier (×1.75).
    Factor(f64),
    /// A plain number with two decimals (mean attempts).
    Number(f64),
    /// A span of durations, in ms, from–to: theory's answer when it bounds a
    /// time rather than fixing it (a detector notices a crash between its
    /// best and worst case). As a single number, its midpoint (the mean
    /// when every point of the span is as likely).
    MsRange(f64, f64),
}

impl MetricValue {
    /// The value as a plain number (for CSV and for "how far from theory").
    pub fn as_f64(self) -> Option<f64> {
        match self {
            MetricValue::Missing => None,
            MetricValue::Count(n) => Some(n as f64),
            MetricValue::Ratio(v) | MetricValue::Ms(v) | MetricValue::Factor(v) | MetricValue::Number(v) => Some(v),
            MetricValue::MsRange(from, to) => Some((from + to) / 2.0),
        }
    }
}

/// A value written into a formula's text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FormulaArg {
    /// A probability or a plain number (`0.5`, `0,5`).
    Number(f64),
    /// A whole number (`3`).
    Count(u64),
    /// An exponent, in superscript digits (`³`).
    Exponent(u32),
    /// A duration, in ms (`2 s`, `1,50 s`).
    Ms(f64),
}

impl FormulaArg {
    /// The value as `lang` writes it.
    pub fn text(self, lang: Lang) -> String {
        match self {
            FormulaArg::Number(v) => crate::i18n::format::decimal(lang, v, 4),
            FormulaArg::Count(n) => n.to_string(),
            FormulaArg::Exponent(n) => crate::i18n::format::superscript(n),
            FormulaArg::Ms(ms) => crate::time::human_ms_in(lang, ms),
        }
    }
}

/// What theory predicts for a metric under the run's own parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Theory {
    pub value: MetricValue,
    /// Catalogue key of the formula, as a student would write it, with the
    /// run's values in placeholders (`1 − pⁿ = 1 − {p}{n}`): see [`Theory::formula`].
    pub formula_key: &'static str,
    /// The values of the formula's placeholders.
    pub formula_args: Vec<(&'static str, FormulaArg)>,
    /// `None` when the model's assumptions hold for this run; otherwise the
    /// catalogue key saying which does not (outages, capacity, correlation…),
    /// so the difference is explained, not hidden.
    pub caveat_key: Option<&'static str>,
}

impl Theory {
    /// The formula with the run's values, in `lang` (`1 − pⁿ = 1 − 0.5³`).
    pub fn formula(&self, lang: Lang) -> String {
        let texts: Vec<(&str, String)> = self.formula_args.iter().map(|(k, v)| (*k, v.text(lang))).collect();
        let args: Vec<(&str, &dyn std::fmt::Display)> =
            texts.iter().map(|(k, v)| (*k, v as &dyn std::fmt::Display)).collect();
        crate::i18n::tf(lang, self.formula_key, &args)
    }
}

/// One row of the metrics table.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricRow {
    /// The stable metric key (the JSON key of `playground run`), or a row id.
    pub key: &'static str,
    /// Catalogue key of the row label.
    pub label_key: &'static str,
    /// Catalogue key of the help line (the formula in words).
    pub help_key: &'static str,
    /// Placeholders of the label (`{node}`), if any.
    pub label_args: Vec<(&'static str, String)>,
    pub value: MetricValue,
    /// The value can still change: the run is not over and it depends on
    /// requests (orders, chunks…) that have not finished.
    pub provisional: bool,
    pub theory: Option<Theory>,
    /// Catalogue key of a short note under the value, saying why it reads
    /// as it does when the number alone would mislead ("—" for a detection
    /// when a false alarm had already failed over). Its placeholders are
    /// the label's (`label_args`).
    pub note_key: Option<&'static str>,
}

impl MetricRow {
    pub fn new(key: &'static str, label_key: &'static str, help_key: &'static str, value: MetricValue) -> Self {
        MetricRow {
            key,
            label_key,
            help_key,
            label_args: Vec::new(),
            value,
            provisional: false,
            theory: None,
            note_key: None,
        }
    }

    pub fn with_note(mut self, key: Option<&'static str>) -> Self {
        self.note_key = key;
        self
    }

    pub fn provisional(mut self, yes: bool) -> Self {
        self.provisional = yes;
        self
    }

    pub fn with_theory(mut self, theory: Option<Theory>) -> Self {
        self.theory = theory;
        self
    }

    pub fn with_arg(mut self, name: &'static str, value: String) -> Self {
        self.label_args.push((name, value));
        self
    }
}

/// The colour family of a line (mapped to the Okabe–Ito palette by the page).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Good outcomes (succeeded).
    Ok,
    /// Work sent (calls, messages).
    Info,
    /// Waiting, retries.
    Wait,
    /// Failures, giving up.
    Bad,
    /// Reference lines (arrivals).
    Neutral,
}

/// One line of a verdict chart.
#[derive(Clone, Debug, PartialEq)]
pub struct VerdictLine {
    /// Catalogue key of the line's name.
    pub label_key: &'static str,
    pub tone: Tone,
    /// Drawn dashed (a shape, not only a colour, tells lines apart).
    pub dashed: bool,
    /// `(time in ms, value)`, in time order; only complete time slices.
    pub points: Vec<(f64, f64)>,
}

/// A shaded stretch of time (an outage), with its label's catalogue key.
#[derive(Clone, Debug, PartialEq)]
pub struct VerdictBand {
    pub from_ms: f64,
    pub to_ms: f64,
    pub label_key: &'static str,
    pub label_args: Vec<(&'static str, String)>,
}

impl VerdictBand {
    /// Bands from `(from_ms, to_ms, label_key)` stretches, named without arguments.
    pub fn all_of(spans: impl IntoIterator<Item = (f64, f64, &'static str)>) -> Vec<VerdictBand> {
        spans
            .into_iter()
            .map(|(from_ms, to_ms, label_key)| VerdictBand {
                from_ms,
                to_ms,
                label_key,
                label_args: vec![],
            })
            .collect()
    }
}

/// The one quantity that decides a comparison, over time, for one side:
/// what each stage card's mini chart draws.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Verdict {
    /// Catalogue key of the chart's title ("calls sent vs requests succeeding").
    pub title_key: &'static str,
    /// Catalogue key of the y unit ("per second").
    pub unit_key: &'static str,
    /// The lines count things (chunks, orders, reads so far): the axis
    /// ticks in whole numbers (it read "0, 0.5, 1" chunks at the start).
    pub whole: bool,
    pub lines: Vec<VerdictLine>,
    pub bands: Vec<VerdictBand>,
    /// When the side's work was done, if before its run ended, for the
    /// card's "ended at" label (the replica lab keeps running after its
    /// files, for repair: "ended at 1 min 28 s" read as the transfer's
    /// 55 s).
    pub end_note: Option<EndNote>,
}

/// The text of a card's end label when the work was done before the run
/// ended: `key` with `{done}` and `{end}`, and `short_key`'s with `{done}`
/// where it has no room.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EndNote {
    pub done_ms: f64,
    pub key: &'static str,
    pub short_key: &'static str,
}

impl Verdict {
    /// The highest value of any line (to share a y scale between sides).
    pub fn peak(&self) -> f64 {
        self.lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.1))
            .fold(0.0, f64::max)
    }
}

/// What a scrubber mark stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// An outage starts (and runs to `until_ms`).
    Outage,
    /// A circuit breaker opens.
    BreakerOpen,
}

/// An instant worth marking on the scrubber.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub at_ms: f64,
    /// The end of a stretch (an outage), if the mark has one.
    pub until_ms: Option<f64>,
    pub kind: MarkKind,
    /// Which side it happened on (`None`: the world, both sides).
    pub side: Option<usize>,
}

/// A guided moment of a preset: at `at_ms` of simulated time, with the guide
/// on, the player pauses and shows the caption on the stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moment {
    pub at_ms: u64,
    /// Catalogue key of the caption.
    pub caption_key: String,
}

impl Moment {
    /// The moments of `lab`'s preset `id` at these simulated times (ms):
    /// captions `preset.<lab>.<id>.moment.1`, `.2`, …
    pub fn at(lab: crate::labs::LabId, id: &str, at_ms: &[u64]) -> Vec<Moment> {
        at_ms
            .iter()
            .enumerate()
            .map(|(i, &at_ms)| Moment {
                at_ms,
                caption_key: format!("preset.{}.{id}.moment.{}", lab.slug(), i + 1),
            })
            .collect()
    }
}

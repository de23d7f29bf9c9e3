//! Seeking in a run: the scrubber's jump to any simulated time, and "step
//! back". A simulation only runs forward, so going back means replaying —
//! deterministically, from a copy of the run kept on the way ([`Rewind`]'s
//! snapshots), never from zero when a nearer copy exists.
//!
//! Why this is exact: every state the page shows is left by
//! [`LabRun::run_to`] or [`LabRun::step_record`], which handle events in one
//! order (time, then side A before B). A state is therefore named by its
//! event count alone, and replaying from any earlier snapshot reaches the very
//! same state — same trace digest, same metrics — as the straight run did.
//!
//! Why it never blocks: a [`Seek`] does at most `max_events` of work per call
//! ([`Seek::advance`]), so the page spreads a long seek over animation frames.
//! Memory is bounded too: at most [`MAX_SNAPSHOTS`] copies, thinned (the
//! spacing doubled, copies closer than that dropped) when full, so a long run
//! keeps copies spread evenly over its whole length; and at most
//! [`SNAPSHOT_BUDGET_BYTES`] together (by [`LabRun::approx_bytes`]): a state
//! heavier than its share of the budget is copied only that many spacings
//! from the others, and when the budget is full a heavier copy makes room for
//! a lighter one. So a heavy run (the 5,000-client storm holds ~50,000
//! requests in flight at its height: ~30 MB a copy) keeps few copies where it
//! is heavy, its seeks there take more frames, and it never copies 30 MB on
//! every frame.

use super::run::LabRun;
use crate::sim::Progress;
use crate::time::SimTime;

/// Events between two snapshots at first (doubles each time the store fills).
pub const SNAPSHOT_SPACING: u64 = 10_000;
/// Most snapshots kept (the start of the run included).
pub const MAX_SNAPSHOTS: usize = 32;
/// Most memory the snapshots may take together (estimated), beyond the start.
pub const SNAPSHOT_BUDGET_BYTES: usize = 48 << 20;

struct Snapshot<R> {
    events: u64,
    records: u64,
    now: SimTime,
    bytes: usize,
    run: R,
}

impl<R: LabRun> Snapshot<R> {
    fn of(run: R) -> Self {
        Snapshot {
            events: run.events(),
            records: run.records(),
            now: run.now(),
            bytes: run.approx_bytes(),
            run,
        }
    }
}

/// Where a seek goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// Simulated time `t`: every event at or before it handled, the clock at
    /// `t` (or the end of the run, if it ends sooner).
    Time(SimTime),
    /// Exactly this many events handled (or the end of the run).
    Events(u64),
    /// One traced record back from a state that has `records` records: just
    /// after the event that traced the record before the newest (the start
    /// if there is none), so the clock reads a time the log shows and "step"
    /// from there traces the newest again: ← undoes →. (Just before the
    /// newest's own event, the clock read an untraced event's time: a ping,
    /// a heartbeat — 300 → 249 ms in the replica lab.)
    RecordBefore { records: u64 },
    /// The first state with at least this many records: just after the event
    /// that traced the last of them (where [`Goal::RecordBefore`] lands).
    RecordAfter { records: u64 },
}

/// Whether a state at (`events`, `records`, `now`) lies at or before `goal`.
fn fits(goal: Goal, events: u64, records: u64, now: SimTime) -> bool {
    match goal {
        Goal::Time(t) => now <= t,
        Goal::Events(n) => events <= n,
        Goal::RecordBefore { records: r } | Goal::RecordAfter { records: r } => records < r,
    }
}

/// Copies of one run at points along it, for seeking.
pub struct Rewind<R> {
    snaps: Vec<Snapshot<R>>,
    spacing: u64,
    limit: usize,
    budget: usize,
}

impl<R: LabRun + Clone> Rewind<R> {
    /// A store for `start`, a run that has not moved yet.
    pub fn new(start: &R) -> Self {
        Self::with_limits(start, SNAPSHOT_SPACING, MAX_SNAPSHOTS)
    }

    /// A store keeping a copy at least every `spacing` events, at most `limit` copies.
    pub fn with_limits(start: &R, spacing: u64, limit: usize) -> Self {
        Rewind {
            snaps: vec![Snapshot::of(start.clone())],
            spacing: spacing.max(1),
            limit: limit.max(2),
            budget: SNAPSHOT_BUDGET_BYTES,
        }
    }

    /// The same, with a memory budget for the copies other than the start.
    pub fn with_budget(mut self, bytes: usize) -> Self {
        self.budget = bytes;
        self
    }

    /// The estimated memory the copies take (the start excluded).
    pub fn bytes(&self) -> usize {
        self.snaps.iter().skip(1).map(|s| s.bytes).sum()
    }

    /// Copies kept.
    pub fn len(&self) -> usize {
        self.snaps.len()
    }

    /// Always false: the start of the run is always kept.
    pub fn is_empty(&self) -> bool {
        self.snaps.is_empty()
    }

    /// Events between copies now.
    pub fn spacing(&self) -> u64 {
        self.spacing
    }

    /// The event counts of the copies kept, in order.
    pub fn kept_events(&self) -> Vec<u64> {
        self.snaps.iter().map(|s| s.events).collect()
    }

    /// Offers a state of the run: it is copied if no kept copy is within
    /// `spacing` events of it — or, for a heavy state (more than its share of
    /// the memory budget), within that many spacings: copies are dense where
    /// the run is light and sparse where it is heavy. Cheap when refused.
    pub fn offer(&mut self, run: &R) {
        let events = run.events();
        let at = self.snaps.partition_point(|s| s.events <= events);
        let gap_before = if at == 0 {
            u64::MAX
        } else {
            events - self.snaps[at - 1].events
        };
        let gap_after = self.snaps.get(at).map_or(u64::MAX, |s| s.events - events);
        let gap = gap_before.min(gap_after);
        if gap < self.spacing {
            return;
        }
        let bytes = run.approx_bytes();
        let share = (self.budget / self.limit).max(1);
        let weight = (bytes / share).max(1) as u64;
        if gap < self.spacing.saturating_mul(weight) {
            return;
        }
        // Over budget: heavier copies make room, or this one is not kept.
        while self.bytes() + bytes > self.budget {
            let heaviest = (1..self.snaps.len()).max_by_key(|&i| self.snaps[i].bytes);
            match heaviest {
                Some(i) if self.snaps[i].bytes > bytes => {
                    self.snaps.remove(i);
                }
                _ => return,
            }
        }
        let at = self.snaps.partition_point(|s| s.events <= events);
        self.snaps.insert(
            at,
            Snapshot {
                events,
                records: run.records(),
                now: run.now(),
                bytes,
                run: run.clone(),
            },
        );
        while self.snaps.len() > self.limit {
            self.thin();
        }
    }

    /// Doubles the spacing and drops the copies it makes too close.
    fn thin(&mut self) {
        self.spacing = self.spacing.saturating_mul(2);
        let spacing = self.spacing;
        let mut last: Option<u64> = None;
        self.snaps.retain(|s| {
            let keep = last.is_none_or(|l| s.events - l >= spacing);
            if keep {
                last = Some(s.events);
            }
            keep
        });
    }

    /// A copy of the best place to start towards `goal`: the furthest kept
    /// copy, or one of `others` (the run on screen, a seek under way), that
    /// does not lie beyond it. The start of the run when none qualifies.
    fn start_for(&self, goal: Goal, others: &[&R]) -> R {
        let kept = self
            .snaps
            .iter()
            .rev()
            .find(|s| fits(goal, s.events, s.records, s.now))
            .unwrap_or(&self.snaps[0]);
        let other = others
            .iter()
            .filter(|r| fits(goal, r.events(), r.records(), r.now()))
            .max_by_key(|r| r.events());
        match other {
            Some(r) if r.events() >= kept.events => (*r).clone(),
            _ => kept.run.clone(),
        }
    }

    /// Starts a seek towards `goal`, from the nearest copy at or before it
    /// (`current`, the run on screen, counts as one: seeking forward just runs on).
    pub fn seek(&self, goal: Goal, current: &R) -> Seek<R> {
        Seek {
            work: self.start_for(goal, &[current]),
            goal,
        }
    }

    /// Points a seek under way at a new goal (a scrubber being dragged),
    /// going on from where it got if that is nearer than any copy.
    pub fn retarget(&self, seek: Seek<R>, goal: Goal, current: &R) -> Seek<R> {
        // Going on from the copy under way costs nothing; anything else is a copy.
        let w = &seek.work;
        if fits(goal, w.events(), w.records(), w.now()) {
            let furthest_kept = self
                .snaps
                .iter()
                .rev()
                .find(|s| fits(goal, s.events, s.records, s.now))
                .map_or(0, |s| s.events);
            let current_fits = fits(goal, current.events(), current.records(), current.now());
            if w.events() >= furthest_kept && (!current_fits || w.events() >= current.events()) {
                return Seek { work: seek.work, goal };
            }
        }
        Seek {
            work: self.start_for(goal, &[current]),
            goal,
        }
    }
}

/// A seek under way: a copy of the run being moved towards a goal, a bounded
/// amount of work per call.
pub struct Seek<R> {
    work: R,
    goal: Goal,
}

impl<R: LabRun + Clone> Seek<R> {
    pub fn goal(&self) -> Goal {
        self.goal
    }

    /// Where the copy being moved has got to.
    pub fn run(&self) -> &R {
        &self.work
    }

    /// The run at the goal (call once [`Seek::advance`] has returned true).
    pub fn into_run(self) -> R {
        self.work
    }

    /// Does at most about `max_events` events of work towards the goal,
    /// offering the states it passes to `rewind`. True when the goal is reached.
    pub fn advance(&mut self, rewind: &mut Rewind<R>, max_events: u64) -> bool {
        let max_events = max_events.max(1);
        match self.goal {
            Goal::Time(t) => {
                let p = self.work.run_to(t, self.work.events().saturating_add(max_events));
                rewind.offer(&self.work);
                p != Progress::Paused
            }
            Goal::Events(n) => {
                let stop = n.min(self.work.events().saturating_add(max_events));
                let p = self.work.run_to(SimTime(u64::MAX), stop);
                rewind.offer(&self.work);
                p == Progress::Finished || self.work.events() >= n
            }
            Goal::RecordBefore { records } => {
                // First find the event that traced the newest record, one event at a time…
                if self.work.records() >= records {
                    // Nothing earlier has fewer records (the run's start traced them).
                    self.goal = Goal::Events(self.work.events());
                    return true;
                }
                for _ in 0..max_events {
                    let (before, had) = (self.work.events(), self.work.records());
                    self.work.run_to(SimTime(u64::MAX), before + 1);
                    if self.work.events() == before {
                        // The run ended without tracing that many records: stay at its end.
                        return true;
                    }
                    if self.work.records() >= records {
                        // …then replay to just after the record before it.
                        let target = if had == 0 {
                            Goal::Events(0)
                        } else {
                            Goal::RecordAfter { records: had }
                        };
                        self.work = rewind.start_for(target, &[]);
                        self.goal = target;
                        return false;
                    }
                }
                false
            }
            Goal::RecordAfter { records } => {
                for _ in 0..max_events {
                    if self.work.records() >= records {
                        return true;
                    }
                    let before = self.work.events();
                    self.work.run_to(SimTime(u64::MAX), before + 1);
                    if self.work.events() == before {
                        return true;
                    }
                }
                self.work.records() >= records
            }
        }
    }

    /// Runs the seek to its goal in one go (tests, the CLI).
    pub fn finish(mut self, rewind: &mut Rewind<R>) -> R {
        while !self.advance(rewind, u64::MAX / 4) {}
        self.work
    }
}

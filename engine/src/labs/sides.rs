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

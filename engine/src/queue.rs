//! The event queue: a min-heap on (time, sequence number). Two events at the
//! same instant run in the order they were scheduled, so a run never depends
//! on heap internals.
//!
//! Besides full events it holds *tags*: an event that is only a small number
//! (a model's "the service lets go of a call on node n"), kept in a second heap
//! at 16 bytes instead of a full entry. A tag takes its sequence number from
//! the same counter, and the queue pops whichever of the two heaps holds the
//! earlier (time, sequence): the order is exactly the one a full event would
//! have had.

use crate::time::SimTime;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

#[derive(Clone)]
struct Scheduled<E> {
    at: SimTime,
    seq: u64,
    event: E,
}

impl<E> Scheduled<E> {
    /// (time, sequence) as one number: the heap compares one integer, with
    /// no branch on equal times, and the order is exactly the pair's.
    #[inline(always)]
    fn key(&self) -> u128 {
        ((self.at.0 as u128) << 64) | self.seq as u128
    }
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl<E> Eq for Scheduled<E> {}
impl<E> PartialOrd for Scheduled<E> {
    #[inline(always)]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
    // Reversed (see `cmp`); spelled out so the heap's comparisons are one
    // integer comparison each.
    #[inline(always)]
    fn lt(&self, other: &Self) -> bool {
        other.key() < self.key()
    }
    #[inline(always)]
    fn le(&self, other: &Self) -> bool {
        other.key() <= self.key()
    }
    #[inline(always)]
    fn gt(&self, other: &Self) -> bool {
        other.key() > self.key()
    }
    #[inline(always)]
    fn ge(&self, other: &Self) -> bool {
        other.key() >= self.key()
    }
}
impl<E> Ord for Scheduled<E> {
    #[inline(always)]
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the earliest first.
        other.key().cmp(&self.key())
    }
}

/// A tag on the queue: its time, then its sequence number (high bits) and the
/// tag (low [`TAG_BITS`]). Sequence numbers are unique, so ordering on
/// `(at, seq_tag)` is ordering on `(at, seq)`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Tagged {
    at: u64,
    seq_tag: u64,
}

/// Bits of a tag: tags below `1 << TAG_BITS` fit.
pub const TAG_BITS: u32 = 24;

/// What [`EventQueue::pop`] hands back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Popped<E> {
    Event(E),
    Tag(u32),
}

/// Pending events, earliest first, ties broken by scheduling order. A clone
/// is an independent copy (the scrubber's snapshots): same events, same
/// sequence numbers, so it pops in exactly the same order.
#[derive(Clone)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Scheduled<E>>,
    tags: BinaryHeap<Reverse<Tagged>>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            tags: BinaryHeap::new(),
            next_seq: 0,
        }
    }
}

impl<E> EventQueue<E> {
    pub fn push(&mut self, at: SimTime, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Scheduled { at, seq, event });
    }

    /// Schedules tag `tag` at `at`, as [`push`](Self::push) would schedule an
    /// event (same sequence counter, so the same place in the order). Returns
    /// `false`, scheduling nothing and using no sequence number, when the tag
    /// or the sequence number does not fit: the caller then pushes a full event.
    pub fn push_tag(&mut self, at: SimTime, tag: u32) -> bool {
        let seq = self.next_seq;
        if u64::from(tag) >> TAG_BITS != 0 || seq >> (64 - TAG_BITS) != 0 {
            return false;
        }
        self.next_seq += 1;
        self.tags.push(Reverse(Tagged {
            at: at.0,
            seq_tag: (seq << TAG_BITS) | u64::from(tag),
        }));
        true
    }

    /// Whether the earliest tag comes before the earliest event.
    #[inline]
    fn tag_first(&self) -> bool {
        match (self.tags.peek(), self.heap.peek()) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(Reverse(t)), Some(e)) => (t.at, t.seq_tag >> TAG_BITS) < (e.at.0, e.seq),
        }
    }

    /// The instant of the earliest pending event or tag.
    pub fn peek_time(&self) -> Option<SimTime> {
        if self.tag_first() {
            self.tags.peek().map(|Reverse(t)| SimTime(t.at))
        } else {
            self.heap.peek().map(|s| s.at)
        }
    }

    /// The earliest pending event or tag.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, Popped<E>)> {
        if !self.tags.is_empty() && self.tag_first() {
            let Reverse(t) = self.tags.pop()?;
            return Some((SimTime(t.at), Popped::Tag((t.seq_tag & ((1 << TAG_BITS) - 1)) as u32)));
        }
        self.heap.pop().map(|s| (s.at, Popped::Event(s.event)))
    }

    /// Drops every pending event and tag.
    pub fn clear(&mut self) {
        self.heap.clear();
        self.tags.clear();
    }

    /// Events and tags pending.
    pub fn len(&self) -> usize {
        self.heap.len() + self.tags.len()
    }

    /// Tags pending.
    pub fn tags(&self) -> usize {
        self.tags.len()
    }

    /// Bytes the pending entries take (not counting spare capacity).
    pub fn bytes(&self) -> usize {
        self.heap.len() * std::mem::size_of::<Scheduled<E>>() + self.tags.len() * std::mem::size_of::<Tagged>()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty() && self.tags.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_and_fifo_on_ties() {
        let mut q = EventQueue::default();
        q.push(SimTime(5), "b");
        q.push(SimTime(1), "a");
        q.push(SimTime(5), "c");
        q.push(SimTime(5), "d");
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ["a", "b", "c", "d"].map(Popped::Event));
    }

    #[test]
    fn tags_take_their_place_in_the_same_order_and_half_the_bytes() {
        let mut q = EventQueue::default();
        q.push(SimTime(5), "b");
        assert!(q.push_tag(SimTime(5), 7));
        q.push(SimTime(1), "a");
        assert!(q.push_tag(SimTime(1), 3));
        q.push(SimTime(5), "c");
        assert!(q.push_tag(SimTime(9), (1 << TAG_BITS) - 1));
        assert!(!q.push_tag(SimTime(9), 1 << TAG_BITS), "too wide a tag is refused");
        assert_eq!((q.len(), q.tags()), (6, 3));
        assert_eq!(q.bytes(), 3 * 16 + 3 * std::mem::size_of::<Scheduled<&str>>());
        assert!(std::mem::size_of::<Scheduled<&str>>() >= 32);
        assert_eq!(q.peek_time(), Some(SimTime(1)));
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        use Popped::*;
        assert_eq!(
            order,
            [
                (SimTime(1), Event("a")),
                (SimTime(1), Tag(3)),
                (SimTime(5), Event("b")),
                (SimTime(5), Tag(7)),
                (SimTime(5), Event("c")),
                (SimTime(9), Tag((1 << TAG_BITS) - 1)),
            ]
        );
        assert!(q.is_empty());
    }
}

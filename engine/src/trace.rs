//! The trace of a run: timestamped, typed records, each of which can narrate
//! itself in plain language. What is kept for display is capped (a ring
//! buffer, with a count of what was dropped); the digest covers every record
//! ever pushed, so two runs can be compared however long they were.

use crate::i18n::Lang;
use crate::time::SimTime;
use std::hash::{Hash, Hasher};

/// A record that can say what happened in a sentence.
pub trait Narrate {
    fn narrate(&self, lang: Lang) -> String;
}

/// The digest's hash: one 64-bit word at a time (FxHash's step: rotate,
/// xor the word, multiply), finished with splitmix64's avalanche. Every
/// integer is one word whatever its width — `usize`/`isize` included, so a
/// 32-bit WebAssembly build hashes exactly like a 64-bit native one — and
/// bytes go in 8 at a time, then their count.
///
/// It replaced byte-by-byte FNV-1a (issue 7): a record is a handful of
/// integers, so this is a few multiplications per record instead of one per
/// byte, which made the digest a fifth of a run's time. The digest of every
/// run changed with it, once (the golden hashes were regenerated then).
#[derive(Clone, Debug)]
pub struct StableHasher(u64);

const SEED: u64 = 0xcbf2_9ce4_8422_2325;
const K: u64 = 0x517c_c1b7_2722_0a95;

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher(SEED)
    }
}

impl StableHasher {
    #[inline]
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for StableHasher {
    fn finish(&self) -> u64 {
        crate::rng::splitmix64(self.0)
    }
    fn write(&mut self, bytes: &[u8]) {
        let (words, rest) = bytes.as_chunks::<8>();
        for w in words {
            self.mix(u64::from_le_bytes(*w));
        }
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(word));
        }
        self.mix(bytes.len() as u64);
    }
    fn write_u8(&mut self, i: u8) {
        self.mix(i as u64);
    }
    fn write_u16(&mut self, i: u16) {
        self.mix(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.mix(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }
    fn write_i8(&mut self, i: i8) {
        self.mix(i as i64 as u64);
    }
    fn write_i16(&mut self, i: i16) {
        self.mix(i as i64 as u64);
    }
    fn write_i32(&mut self, i: i32) {
        self.mix(i as i64 as u64);
    }
    fn write_i64(&mut self, i: i64) {
        self.mix(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.mix(i as i64 as u64);
    }
}

/// One entry of the trace.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry<R> {
    /// Position in the whole run (0 = first record ever pushed).
    pub index: u64,
    pub at: SimTime,
    pub record: R,
}

/// The bounded trace of a run.
#[derive(Clone, Debug)]
pub struct Trace<R> {
    /// A ring: until it holds `capacity` entries it only grows; then a new
    /// entry overwrites the oldest, at `head` (one write, where a deque
    /// popped the front and pushed the back).
    kept: Vec<Entry<R>>,
    /// The oldest entry once the ring is full (0 until then).
    head: usize,
    capacity: usize,
    total: u64,
    digest: StableHasher,
}

/// The kept entries, oldest first: the ring's two halves in turn.
pub struct Entries<'a, R> {
    older: std::slice::Iter<'a, Entry<R>>,
    newer: std::slice::Iter<'a, Entry<R>>,
}

impl<'a, R> Iterator for Entries<'a, R> {
    type Item = &'a Entry<R>;
    fn next(&mut self) -> Option<Self::Item> {
        self.older.next().or_else(|| self.newer.next())
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.older.len() + self.newer.len();
        (n, Some(n))
    }
}

impl<R> DoubleEndedIterator for Entries<'_, R> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.newer.next_back().or_else(|| self.older.next_back())
    }
}

impl<R> ExactSizeIterator for Entries<'_, R> {}

/// How many records a trace keeps for display unless told otherwise.
pub const DEFAULT_TRACE_CAPACITY: usize = 2_000;

impl<R: Hash> Trace<R> {
    pub fn with_capacity(capacity: usize) -> Self {
        Trace {
            kept: Vec::new(),
            head: 0,
            capacity: capacity.max(1),
            total: 0,
            digest: StableHasher::default(),
        }
    }

    pub fn push(&mut self, at: SimTime, record: R) {
        at.hash(&mut self.digest);
        record.hash(&mut self.digest);
        let entry = Entry {
            index: self.total,
            at,
            record,
        };
        if self.kept.len() < self.capacity {
            self.kept.push(entry);
        } else {
            self.kept[self.head] = entry;
            self.head += 1;
            if self.head == self.capacity {
                self.head = 0;
            }
        }
        self.total += 1;
    }

    /// The records still kept, oldest first.
    pub fn entries(&self) -> Entries<'_, R> {
        let (newer, older) = self.kept.split_at(self.head);
        Entries {
            older: older.iter(),
            newer: newer.iter(),
        }
    }

    /// Records pushed since the run began (kept or not).
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Records no longer kept because of the cap.
    pub fn dropped(&self) -> u64 {
        self.total - self.kept.len() as u64
    }

    /// A hash of every record pushed so far, in order.
    pub fn digest(&self) -> u64 {
        self.digest.finish()
    }

    /// The digest as 16 hex digits.
    pub fn digest_hex(&self) -> String {
        format!("{:016x}", self.digest())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_keeps_the_newest_and_counts_the_dropped() {
        let mut t = Trace::with_capacity(3);
        for i in 0..10u32 {
            t.push(SimTime(i as u64), i);
        }
        assert_eq!(t.total(), 10);
        assert_eq!(t.dropped(), 7);
        let kept: Vec<u32> = t.entries().map(|e| e.record).collect();
        assert_eq!(kept, [7, 8, 9]);
        assert_eq!(t.entries().next().unwrap().index, 7);
    }

    #[test]
    fn the_ring_reads_oldest_first_both_ways_wherever_it_wrapped() {
        for pushed in 0..12u32 {
            let mut t = Trace::with_capacity(4);
            for i in 0..pushed {
                t.push(SimTime(i as u64), i);
            }
            let want: Vec<u32> = (pushed.saturating_sub(4)..pushed).collect();
            let kept: Vec<u32> = t.entries().map(|e| e.record).collect();
            assert_eq!(kept, want);
            let mut back: Vec<u32> = t.entries().rev().map(|e| e.record).collect();
            back.reverse();
            assert_eq!(back, want);
            assert_eq!(t.entries().len(), want.len());
            assert!(t.entries().zip(&want).all(|(e, w)| e.index == *w as u64));
        }
    }

    #[test]
    fn digest_covers_dropped_records() {
        let mut a = Trace::with_capacity(2);
        let mut b = Trace::with_capacity(2);
        for i in 0..5u32 {
            a.push(SimTime(0), i);
            b.push(SimTime(0), if i == 0 { 99 } else { i });
        }
        assert_ne!(a.digest(), b.digest());
    }

    #[test]
    fn usize_hashes_like_u64() {
        let mut a = StableHasher::default();
        let mut b = StableHasher::default();
        a.write_usize(5);
        b.write_u64(5);
        assert_eq!(a.finish(), b.finish());
    }

    #[test]
    fn every_width_and_every_byte_counts() {
        let hash = |f: &dyn Fn(&mut StableHasher)| {
            let mut h = StableHasher::default();
            f(&mut h);
            h.finish()
        };
        // An integer is one word whatever its width; isize like i64.
        assert_eq!(hash(&|h| h.write_u32(7)), hash(&|h| h.write_u64(7)));
        assert_eq!(hash(&|h| h.write_isize(-3)), hash(&|h| h.write_i64(-3)));
        // Order, the high bits and trailing zero bytes all change the digest.
        assert_ne!(
            hash(&|h| {
                h.write_u64(1);
                h.write_u64(2)
            }),
            hash(&|h| {
                h.write_u64(2);
                h.write_u64(1)
            })
        );
        assert_ne!(hash(&|h| h.write_u64(1 << 63)), hash(&|h| h.write_u64(0)));
        assert_ne!(hash(&|h| h.write(b"ab")), hash(&|h| h.write(b"ab\0")));
    }
}

//! The requests still going, by id. Ids are handed out in order (0, 1, 2, …)
//! and most requests finish soon after they start, so a ring indexed by
//! `id − oldest` replaces an ordered map: finding a request is an index, not
//! a tree walk, and iterating still goes in id order. Slots of finished
//! requests in the middle stay empty (a boxed request is 8 bytes of slot)
//! until the oldest ones before them finish.

use super::model::Request;
use std::collections::VecDeque;

#[derive(Clone, Debug, Default)]
pub struct ActiveRequests {
    /// Slot `i` holds request `oldest + i`, or `None` once it finished.
    slots: VecDeque<Option<Box<Request>>>,
    /// The id of the first slot.
    oldest: u32,
    len: usize,
}

impl ActiveRequests {
    /// Adds request `id`, which must be the next id after every one added so far.
    pub fn insert(&mut self, id: u32, request: Box<Request>) {
        if self.slots.is_empty() {
            self.oldest = id;
        }
        debug_assert_eq!(
            id as usize,
            self.oldest as usize + self.slots.len(),
            "ids come in order"
        );
        self.slots.push_back(Some(request));
        self.len += 1;
    }

    fn slot(&self, id: u32) -> Option<usize> {
        id.checked_sub(self.oldest)
            .map(|i| i as usize)
            .filter(|i| *i < self.slots.len())
    }

    pub fn get(&self, id: &u32) -> Option<&Request> {
        self.slot(*id).and_then(|i| self.slots[i].as_deref())
    }

    pub fn get_mut(&mut self, id: &u32) -> Option<&mut Request> {
        self.slot(*id).and_then(|i| self.slots[i].as_deref_mut())
    }

    /// Takes request `id` out (still boxed); the oldest empty slots are let go.
    pub fn remove(&mut self, id: &u32) -> Option<Box<Request>> {
        let i = self.slot(*id)?;
        let request = self.slots[i].take()?;
        self.len -= 1;
        while let Some(None) = self.slots.front() {
            self.slots.pop_front();
            self.oldest += 1;
        }
        Some(request)
    }

    /// The requests in id order.
    pub fn values(&self) -> impl Iterator<Item = &Request> {
        self.slots.iter().filter_map(|s| s.as_deref())
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Slots held, empty ones included (for the memory estimate).
    pub fn slots(&self) -> usize {
        self.slots.len()
    }
}

impl std::ops::Index<&u32> for ActiveRequests {
    type Output = Request;
    fn index(&self, id: &u32) -> &Request {
        self.get(id).expect("request is active")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::retry::model::Phase;
    use crate::time::{SimDuration, SimTime};

    fn request(id: u32) -> Box<Request> {
        Box::new(Request::new(id, 0, SimTime::ZERO, 0))
    }

    #[test]
    fn behaves_like_an_ordered_map_of_sequential_ids() {
        let mut a = ActiveRequests::default();
        for id in 5..10 {
            a.insert(id, request(id));
        }
        assert_eq!(a.values().count(), 5);
        assert!(a.get(&4).is_none() && a.get(&10).is_none());
        assert_eq!(a.remove(&7).map(|r| r.id), Some(7));
        assert!(a.remove(&7).is_none());
        assert_eq!(a.values().map(|r| r.id).collect::<Vec<_>>(), [5, 6, 8, 9]);
        // Removing the oldest lets go of the empty slots behind it.
        a.remove(&5);
        a.remove(&6);
        assert_eq!(a.slots(), 2);
        assert_eq!(a[&8].id, 8);
        a.get_mut(&9).unwrap().phase = Phase::Waiting {
            next_attempt: 2,
            since: SimTime::ZERO,
            until: SimTime::ZERO + SimDuration::from_ms(1),
        };
        a.insert(10, request(10));
        a.remove(&8);
        a.remove(&9);
        a.remove(&10);
        assert!(a.is_empty() && a.slots() == 0);
        // After emptying, ids go on from wherever they are.
        a.insert(42, request(42));
        assert_eq!(a[&42].id, 42);
    }
}

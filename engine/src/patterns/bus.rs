//! A message bus and its consumers: what the choreography lab's services talk
//! through, and what the CQRS lab's projector and the availability lab's
//! monitor will read from.
//!
//! A lab numbers its *channels* — one per (topic, subscriber) pair, or per
//! point-to-point route — and publishes on a set of them at once (`emit` with
//! several `on` listeners is a publish on several channels). The bus decides,
//! for each publish:
//! - **loss**: the message is dropped at publish and reaches no one;
//! - **delay**: each delivery takes a latency of the configured shape, and a
//!   bus outage holds everything published during it until it ends;
//! - **duplicates**: a delivery may arrive twice (at-least-once brokers do this);
//! - **order**: with `keep_order`, deliveries on one channel arrive in publish
//!   order (a later one waits for the earlier); without it they may overtake.
//!
//! Every draw comes from the stream the lab passes in. A lab keys that stream
//! by *what* the message is (order, step, attempt), not by when it is sent, so
//! two runs that send different messages (choreography and orchestration)
//! still see the same fault for the same message.
//!
//! A [`Consumer`] is one subscriber's side: a queue, a number of messages it
//! handles at once, counters, and (when idempotent) the ids it has handled.

use crate::patterns::service::LatencyShape;
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, VecDeque};

/// A time window (ms since the start).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub from_ms: u64,
    pub to_ms: u64,
}

impl Window {
    pub fn contains(&self, t: SimTime) -> bool {
        let ms = t.as_micros() / 1000;
        ms >= self.from_ms && ms < self.to_ms
    }

    /// Checks a list of windows at `at` (`bus.outages`).
    pub fn check_all(windows: &[Window], c: &mut Checker, at: &str) {
        c.int(&format!("{at}.length"), windows.len() as u64, 0, limits::MAX_OUTAGES);
        for (i, w) in windows.iter().enumerate() {
            let f = format!("{at}[{i}]");
            c.int(&format!("{f}.from_ms"), w.from_ms, 0, limits::MAX_OUTAGE_MS);
            c.int(&format!("{f}.to_ms"), w.to_ms, 0, limits::MAX_OUTAGE_MS);
            c.require(w.to_ms > w.from_ms, &f, "error.outage_order");
        }
    }

    /// When something that starts at `t` can start, given these windows
    /// (the end of the window `t` falls in, and of any window that ends
    /// inside it, chained).
    pub fn after_all(windows: &[Window], t: SimTime) -> SimTime {
        let mut t = t;
        loop {
            match windows.iter().find(|w| w.contains(t)) {
                Some(w) => t = SimTime::from_ms(w.to_ms),
                None => return t,
            }
        }
    }
}

/// A bus as a user configures it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BusConfig {
    /// Median delivery time of one hop (the mean for the exponential and normal shapes).
    pub latency_ms: u64,
    pub latency_shape: LatencyShape,
    /// The standard deviation of the normal shape.
    #[serde(skip_serializing_if = "is_zero")]
    pub latency_sd_ms: u64,
    /// Chance a published message is dropped and reaches no subscriber.
    pub loss_rate: f64,
    /// Chance a delivery arrives twice.
    pub duplicate_rate: f64,
    /// Deliveries on one channel arrive in the order they were published.
    pub keep_order: bool,
    /// Windows when the bus is down: what is published then waits for the end.
    pub outages: Vec<Window>,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

impl Default for BusConfig {
    fn default() -> Self {
        BusConfig {
            latency_ms: 20,
            latency_shape: LatencyShape::LogNormal,
            latency_sd_ms: 0,
            loss_rate: 0.0,
            duplicate_rate: 0.0,
            keep_order: true,
            outages: vec![],
        }
    }
}

/// Upper bounds of a bus's settings.
pub mod limits {
    pub use crate::patterns::service::limits::{MAX_LATENCY_MS, MAX_OUTAGES, MAX_OUTAGE_MS};
}

impl BusConfig {
    /// Checks every field; `at` is where the bus sits in the lab's config.
    pub fn check(&self, c: &mut Checker, at: &str) {
        c.int(&format!("{at}.latency_ms"), self.latency_ms, 0, limits::MAX_LATENCY_MS);
        c.int(
            &format!("{at}.latency_sd_ms"),
            self.latency_sd_ms,
            0,
            limits::MAX_LATENCY_MS,
        );
        c.require(
            self.latency_sd_ms == 0 || self.latency_shape == LatencyShape::Normal,
            &format!("{at}.latency_sd_ms"),
            "error.sd_needs_normal",
        );
        c.real(&format!("{at}.loss_rate"), self.loss_rate, 0.0, 1.0);
        c.real(&format!("{at}.duplicate_rate"), self.duplicate_rate, 0.0, 1.0);
        Window::check_all(&self.outages, c, &format!("{at}.outages"));
    }

    /// The longest one delivery can take in practice (ms): its latency, after
    /// the longest wait for an outage to end.
    pub fn longest_ms(&self) -> f64 {
        let outage = self.outages.iter().map(|w| (w.to_ms - w.from_ms) as f64).sum::<f64>();
        self.latency_shape
            .longest(self.latency_ms as f64, self.latency_sd_ms as f64)
            + outage
    }
}

/// What became of one publish.
#[derive(Clone, Debug, PartialEq)]
pub enum Published {
    /// Dropped at publish: no one will receive it.
    Lost,
    /// Delivered: for each channel, when (twice when duplicated).
    Delivered(Vec<(usize, SimTime)>),
}

/// A bus's running state: the last delivery per channel (for order) and counters.
#[derive(Clone, Debug)]
pub struct Bus {
    config: BusConfig,
    last: Vec<SimTime>,
    pub published: u64,
    pub lost: u64,
    pub delivered: u64,
    pub duplicated: u64,
}

impl Bus {
    /// A bus with `channels` channels, numbered 0‥channels by the lab.
    pub fn new(config: BusConfig, channels: usize) -> Bus {
        Bus {
            config,
            last: vec![SimTime::ZERO; channels],
            published: 0,
            lost: 0,
            delivered: 0,
            duplicated: 0,
        }
    }

    pub fn config(&self) -> &BusConfig {
        &self.config
    }

    /// Whether the bus is down at `t`.
    pub fn is_down(&self, t: SimTime) -> bool {
        self.config.outages.iter().any(|w| w.contains(t))
    }

    /// Publishes one message at `now` on `channels`, drawing from `rng`: one
    /// draw for loss, then per channel a latency and a duplicate chance (and
    /// a second latency for a duplicate).
    pub fn publish(&mut self, now: SimTime, channels: &[usize], rng: &mut SimRng) -> Published {
        let mut out = Vec::with_capacity(channels.len());
        if self.publish_into(now, channels, rng, &mut out) {
            Published::Delivered(out)
        } else {
            Published::Lost
        }
    }

    /// [`Bus::publish`] into a buffer the caller reuses (cleared first):
    /// `false` when the message was lost. The same draws, the same deliveries.
    pub fn publish_into(
        &mut self,
        now: SimTime,
        channels: &[usize],
        rng: &mut SimRng,
        out: &mut Vec<(usize, SimTime)>,
    ) -> bool {
        out.clear();
        self.published += 1;
        if rng.chance(self.config.loss_rate) {
            self.lost += 1;
            return false;
        }
        let start = Window::after_all(&self.config.outages, now);
        for &ch in channels {
            let copies = if rng.chance(self.config.duplicate_rate) { 2 } else { 1 };
            if copies == 2 {
                self.duplicated += 1;
            }
            for _ in 0..copies {
                let c = &self.config;
                let ms = c.latency_shape.draw(rng, c.latency_ms as f64, c.latency_sd_ms as f64);
                let mut at = start + SimDuration::from_ms_f64(ms.max(0.0));
                if c.keep_order {
                    at = at.max(self.last[ch]);
                    self.last[ch] = at;
                }
                out.push((ch, at));
                self.delivered += 1;
            }
        }
        true
    }
}

/// One subscriber's side of the bus: messages wait in its queue until one
/// of its `concurrency` slots is free (0 = no limit).
#[derive(Clone, Debug)]
pub struct Consumer<M> {
    concurrency: u32,
    busy: u32,
    queue: VecDeque<M>,
    seen: BTreeSet<u64>,
    pub queue_peak: usize,
    pub processed: u64,
    pub failed: u64,
}

impl<M> Consumer<M> {
    pub fn new(concurrency: u32) -> Self {
        Consumer {
            concurrency,
            busy: 0,
            queue: VecDeque::new(),
            seen: BTreeSet::new(),
            queue_peak: 0,
            processed: 0,
            failed: 0,
        }
    }

    /// A message arrives: it starts now (returned) if a slot is free, else it queues.
    pub fn arrive(&mut self, msg: M) -> Option<M> {
        if self.concurrency == 0 || self.busy < self.concurrency {
            self.busy += 1;
            Some(msg)
        } else {
            self.queue.push_back(msg);
            self.queue_peak = self.queue_peak.max(self.queue.len());
            None
        }
    }

    /// A handler finished (`ok` or not): its slot goes to the next message
    /// in the queue, returned to be started now.
    pub fn finish(&mut self, ok: bool) -> Option<M> {
        if ok {
            self.processed += 1;
        } else {
            self.failed += 1;
        }
        match self.queue.pop_front() {
            Some(next) => Some(next),
            None => {
                self.busy = self.busy.saturating_sub(1);
                None
            }
        }
    }

    /// Whether message `id` is handled here for the first time (and note it).
    pub fn first_time(&mut self, id: u64) -> bool {
        self.seen.insert(id)
    }

    /// Messages waiting (not being handled).
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Messages being handled.
    pub fn busy(&self) -> u32 {
        self.busy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bus(config: BusConfig) -> Bus {
        Bus::new(config, 4)
    }

    fn fixed(ms: u64) -> BusConfig {
        BusConfig {
            latency_ms: ms,
            latency_shape: LatencyShape::Fixed,
            ..BusConfig::default()
        }
    }

    #[test]
    fn a_publish_reaches_every_channel_after_its_latency() {
        let mut b = bus(fixed(20));
        let mut rng = SimRng::new(1);
        let got = b.publish(SimTime::from_ms(100), &[0, 2, 3], &mut rng);
        let t = SimTime::from_ms(120);
        assert_eq!(got, Published::Delivered(vec![(0, t), (2, t), (3, t)]));
        assert_eq!((b.published, b.delivered, b.lost), (1, 3, 0));
    }

    #[test]
    fn a_lost_message_reaches_no_one_and_loss_is_per_publish() {
        let mut b = bus(BusConfig {
            loss_rate: 0.3,
            ..fixed(5)
        });
        let mut rng = SimRng::new(9);
        let (mut lost, n) = (0, 20_000);
        for _ in 0..n {
            match b.publish(SimTime::ZERO, &[0, 1, 2], &mut rng) {
                Published::Lost => lost += 1,
                Published::Delivered(d) => assert_eq!(d.len(), 3),
            }
        }
        let share = lost as f64 / n as f64;
        assert!((share - 0.3).abs() < 0.015, "{share}");
        assert_eq!(b.lost, lost);
    }

    #[test]
    fn duplicates_arrive_twice_at_the_rate_set() {
        let mut b = bus(BusConfig {
            duplicate_rate: 0.2,
            ..fixed(5)
        });
        let mut rng = SimRng::new(3);
        let n = 20_000;
        let delivered: usize = (0..n)
            .map(|_| match b.publish(SimTime::ZERO, &[1], &mut rng) {
                Published::Delivered(d) => d.len(),
                Published::Lost => 0,
            })
            .sum();
        let share = (delivered - n) as f64 / n as f64;
        assert!((share - 0.2).abs() < 0.015, "{share}");
    }

    #[test]
    fn with_order_kept_no_delivery_overtakes_and_without_some_do() {
        for keep_order in [true, false] {
            let mut b = bus(BusConfig {
                latency_shape: LatencyShape::Exponential,
                latency_ms: 50,
                keep_order,
                ..BusConfig::default()
            });
            let mut rng = SimRng::new(5);
            let mut last = SimTime::ZERO;
            let mut overtaken = 0;
            for i in 0..1000 {
                if let Published::Delivered(d) = b.publish(SimTime::from_ms(i), &[0], &mut rng) {
                    if d[0].1 < last {
                        overtaken += 1;
                    }
                    last = last.max(d[0].1);
                }
            }
            assert_eq!(overtaken == 0, keep_order, "keep_order {keep_order}: {overtaken}");
        }
    }

    #[test]
    fn an_outage_holds_what_is_published_until_it_ends() {
        let mut b = bus(BusConfig {
            outages: vec![
                Window {
                    from_ms: 1000,
                    to_ms: 2000,
                },
                Window {
                    from_ms: 1500,
                    to_ms: 2500,
                },
            ],
            ..fixed(10)
        });
        let mut rng = SimRng::new(1);
        assert!(b.is_down(SimTime::from_ms(1200)));
        let got = b.publish(SimTime::from_ms(1200), &[0], &mut rng);
        assert_eq!(got, Published::Delivered(vec![(0, SimTime::from_ms(2510))]));
    }

    #[test]
    fn a_consumer_queues_beyond_its_concurrency_and_dedupes_ids() {
        let mut c: Consumer<u32> = Consumer::new(2);
        assert_eq!(c.arrive(1), Some(1));
        assert_eq!(c.arrive(2), Some(2));
        assert_eq!(c.arrive(3), None);
        assert_eq!(c.arrive(4), None);
        assert_eq!((c.queued(), c.queue_peak, c.busy()), (2, 2, 2));
        assert_eq!(c.finish(true), Some(3));
        assert_eq!(c.finish(false), Some(4));
        assert_eq!(c.finish(true), None);
        assert_eq!(c.finish(true), None);
        assert_eq!((c.busy(), c.processed, c.failed), (0, 3, 1));
        assert!(c.first_time(7) && !c.first_time(7));
        let mut unlimited: Consumer<u32> = Consumer::new(0);
        assert!((0..100).all(|i| unlimited.arrive(i).is_some()));
    }
}

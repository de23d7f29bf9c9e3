//! Component tests of the player in headless Chromium: the scrubber, step
//! back, guided moments and fresh seeds, on real retry runs driven by the
//! real animation-frame loop. Every seek must land on the state a straight
//! run passes through (same trace digest, events and metrics as
//! `playground run`), whichever snapshot it replays from.
//!
//! wasm32 only: `cargo test --target wasm32-unknown-unknown -p
//! cloud-patterns-playground --test player` (`CHROMEDRIVER=/usr/bin/chromedriver`).
#![cfg(target_arch = "wasm32")]

use cloud_patterns_playground::i18n::I18n;
use cloud_patterns_playground::player::{self, Clock, Playback, PlayerBar};
use cloud_patterns_playground::scrub::{self, Scrubber};
use engine::labs::retry::config::Workload;
use engine::labs::retry::{presets, RetryConfig, RetryRun};
use engine::labs::rewind::{Goal, Rewind};
use engine::labs::run::{MarkKind, Moment};
use engine::labs::{LabConfig, LabRun, RunReport};
use engine::{Lang, SimTime};
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::container;

fn now_ms() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

/// Waits for the next animation frame (the player's own cadence).
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .request_animation_frame(&resolve)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    leptos::task::tick().await;
}

/// Waits frame by frame until `done` holds; panics after `max_frames`.
async fn until(what: &str, max_frames: u32, done: impl Fn() -> bool) -> u32 {
    for n in 0..max_frames {
        if done() {
            return n;
        }
        next_frame().await;
    }
    panic!("{what}: not after {max_frames} frames");
}

/// A lab page in miniature: the player bar with step back, the scrubber, and
/// the run driven by the player loop, as a lab page wires them.
struct Page {
    root: HtmlElement,
    pb: Playback<RetryRun>,
    seed: u64,
    config: RetryConfig,
    _handle: Box<dyn std::any::Any>,
}

fn page_for(config: &RetryConfig, seed: u64) -> Page {
    let root = container();
    let slot: Rc<Cell<Option<Playback<RetryRun>>>> = Rc::new(Cell::new(None));
    let out = slot.clone();
    let cfg = config.clone();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(I18n {
            lang: RwSignal::new(Lang::En),
        });
        let clock = Clock::new(seed, 0.0);
        let run = StoredValue::new_local(RetryRun::new(&cfg, seed).expect("valid config"));
        let pb = player::drive(clock, run);
        player::keyboard_shortcuts_with_back(
            move || clock.toggle(),
            move || pb.step(),
            move || pb.step_back(),
        );
        out.set(Some(pb));
        view! {
            <PlayerBar
                clock=clock
                on_step=move |_| pb.step()
                on_back=move |_| pb.step_back()
                on_reset=move |_| pb.replace(RetryRun::new(&cfg, seed).unwrap())
                on_seed=move |_| {}
            >
                <Scrubber playback=pb />
            </PlayerBar>
        }
    });
    Page {
        root,
        pb: slot.take().expect("mounted"),
        seed,
        config: config.clone(),
        _handle: Box::new(handle),
    }
}

fn page(preset: &str) -> Page {
    let p = presets::find(preset).expect("preset exists");
    page_for(&p.config, p.seed)
}

/// What says which state a run is in.
#[derive(Debug, PartialEq)]
struct State {
    report: RunReport,
    events: u64,
    records: u64,
    now: SimTime,
}

fn state_of(run: &RetryRun) -> State {
    State {
        report: run.report(0),
        events: run.events(),
        records: run.records(),
        now: LabRun::now(run),
    }
}

impl Page {
    fn state(&self) -> State {
        self.pb.run.with_value(state_of)
    }

    /// The straight run to `ms` of simulated time, in one call.
    fn straight_to(&self, ms: f64) -> State {
        let mut run = RetryRun::new(&self.config, self.seed).unwrap();
        run.run_to(player::time_of(ms), u64::MAX);
        state_of(&run)
    }

    /// The report `playground run` prints for this run.
    fn straight_report(&self) -> RunReport {
        let mut r = LabConfig::Retry(self.config.clone())
            .run(self.seed)
            .unwrap();
        r.seed = 0;
        r
    }

    fn clock(&self) -> Clock {
        self.pb.clock
    }

    async fn seek(&self, ms: f64) -> u32 {
        self.pb.seek_ms(ms);
        assert!(self.clock().seeking.get_untracked(), "a seek is under way");
        until("seek", 2_000, || !self.clock().seeking.get_untracked()).await
    }

    /// Plays at ×100 until the player stops (the end, or a moment).
    async fn play_until_paused(&self) {
        self.clock().speed_log.set(2.0);
        self.clock().playing.set(true);
        next_frame().await;
        until("play", 20_000, || !self.clock().playing.get_untracked()).await;
    }

    fn find(&self, selector: &str) -> Option<Element> {
        self.root.query_selector(selector).unwrap()
    }

    fn count(&self, selector: &str) -> u32 {
        self.root.query_selector_all(selector).unwrap().length()
    }
}

fn key(key: &str, target: &web_sys::EventTarget) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&ev).unwrap();
}

// ------------------------------------------------------------------ seeking

#[wasm_bindgen_test]
async fn scrub_to_a_time_then_play_to_the_end_is_the_straight_run() {
    let page = page("storm_breaker");
    page.seek(20_000.0).await;
    assert_eq!(page.state(), page.straight_to(20_000.0));
    assert_eq!(page.clock().sim_ms.get_untracked(), 20_000.0);
    page.play_until_paused().await;
    assert!(page.clock().finished.get_untracked());
    let report = page.pb.run.with_value(|r| r.report(0));
    assert_eq!(
        report,
        page.straight_report(),
        "same trace hash, events and metrics"
    );
}

#[wasm_bindgen_test]
async fn scrubbing_back_and_forth_gives_the_same_state() {
    let page = page("storm_budget");
    // Play a while first, so snapshots exist along the way.
    page.clock().speed_log.set(2.0);
    page.clock().playing.set(true);
    until("play to 40 s", 20_000, || {
        page.clock().sim_ms.get_untracked() >= 40_000.0
    })
    .await;
    page.clock().playing.set(false);
    next_frame().await;
    let played_to = page.clock().sim_ms.get_untracked();
    // (A frame that hit its event cap stops mid-instant: finish that instant.)
    page.seek(played_to).await;
    let there = page.state();
    assert_eq!(there, page.straight_to(played_to));
    for ms in [5_000.0, 33_000.0, 0.0, 16_500.0, played_to] {
        page.seek(ms).await;
        assert_eq!(page.state(), page.straight_to(ms), "at {ms} ms");
    }
    assert_eq!(page.state(), there, "back where playing had got to");
    // Past the end: the end.
    page.seek(1.0e9).await;
    assert!(page.clock().finished.get_untracked());
    assert_eq!(
        page.pb.run.with_value(|r| r.report(0)),
        page.straight_report()
    );
    // And back from the end: no longer finished, play is enabled again.
    page.seek(10_000.0).await;
    assert!(!page.clock().finished.get_untracked());
    assert_eq!(page.state(), page.straight_to(10_000.0));
}

/// A short run of unknown length shows its true end from the start: a copy
/// plays to it first (the text's one-order demo read as 80 % done at 46 ms of
/// 2.29 s). A run too long for that probe never reads as full until it ends.
#[wasm_bindgen_test]
async fn a_short_run_shows_its_end_from_the_start_and_a_long_one_never_reads_as_full() {
    // One request, fail, fail, succeed: five events.
    let short = page("scripted");
    let range: HtmlInputElement = short.find("[data-testid=scrub]").unwrap().unchecked_into();
    let max = || range.max().parse::<f64>().unwrap();
    let end = {
        let mut r = RetryRun::new(&short.config, short.seed).unwrap();
        r.run_to_end(u64::MAX);
        r.time_domain_ms()
    };
    next_frame().await;
    assert_eq!(max(), end.ceil(), "before it plays");
    short.clock().speed_log.set(1.0);
    short.clock().playing.set(true);
    let seen = Cell::new(0);
    until("play to the end", 20_000, || {
        let now = range.value().parse::<f64>().unwrap();
        if !short.clock().finished.get_untracked() && now > 0.0 {
            assert_eq!(max(), end.ceil(), "at {now} ms");
            seen.set(seen.get() + 1);
        }
        short.clock().finished.get_untracked()
    })
    .await;
    next_frame().await;
    assert!(seen.get() > 0, "it was seen playing");
    assert_eq!(max(), end.ceil());
    assert_eq!(
        range.value().parse::<f64>().unwrap(),
        short.clock().sim_ms.get_untracked()
    );
    // Seeking back keeps the axis.
    short.seek(1_000.0).await;
    assert_eq!(max(), end.ceil());
    drop(short);

    // 94,000 events a side: past the probe, the end stays open.
    let storm = page("storm_jitter");
    assert!(scrub::probe_end(&RetryRun::new(&storm.config, storm.seed).unwrap()).is_none());
    let range: HtmlInputElement = storm.find("[data-testid=scrub]").unwrap().unchecked_into();
    let max = || range.max().parse::<f64>().unwrap();
    storm.clock().speed_log.set(2.0);
    storm.clock().playing.set(true);
    until("play past its window's start", 20_000, || {
        range.value().parse::<f64>().unwrap() > 1_000.0
    })
    .await;
    storm.clock().playing.set(false);
    next_frame().await;
    let now = range.value().parse::<f64>().unwrap();
    assert!(!storm.clock().finished.get_untracked());
    // Room ahead of the frontier: the thumb stops short of the end.
    assert!(
        max() >= (now * scrub::OPEN_END).floor(),
        "max {} at {now} ms",
        max()
    );
}

#[wasm_bindgen_test]
fn the_axis_never_shrinks_while_a_run_plays_on_and_is_the_run_once_ended() {
    use scrub::axis_end;
    // A 32 s window: the window, until the clock nears it.
    assert_eq!(axis_end(None, 32_000.0, 0.0, false), 32_000.0);
    assert_eq!(
        axis_end(Some((32_000.0, false)), 32_000.0, 20_000.0, false),
        32_000.0
    );
    // Playing on: a quarter past the clock.
    assert_eq!(
        axis_end(Some((32_000.0, false)), 32_000.0, 30_000.0, false),
        37_500.0
    );
    // Seeking back: unchanged.
    assert_eq!(
        axis_end(Some((37_500.0, false)), 32_000.0, 5_000.0, false),
        37_500.0
    );
    // It ends at 33 s: the axis is the run.
    assert_eq!(
        axis_end(Some((41_250.0, false)), 33_000.0, 33_000.0, true),
        33_000.0
    );
    // Back from the end: still the run.
    assert_eq!(
        axis_end(Some((33_000.0, true)), 10_000.0, 10_000.0, false),
        33_000.0
    );
    // A run of fixed length: its length from the start.
    assert_eq!(axis_end(None, 120_000.0, 100_000.0, true), 120_000.0);
}

#[wasm_bindgen_test]
async fn the_scrubber_input_seeks_and_says_so() {
    let page = page("storm_jitter");
    let range: HtmlInputElement = page.find("[data-testid=scrub]").unwrap().unchecked_into();
    assert_eq!(range.min(), "0");
    assert!(range.max().parse::<f64>().unwrap() >= 1000.0);
    assert!(range
        .get_attribute("aria-valuetext")
        .unwrap()
        .contains(" of "));
    range.set_value("1500");
    range
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    leptos::task::tick().await;
    assert!(page.clock().seeking.get_untracked());
    assert_eq!(
        page.find("[data-testid=seeking]")
            .unwrap()
            .text_content()
            .unwrap(),
        "seeking…"
    );
    until("seek", 500, || !page.clock().seeking.get_untracked()).await;
    leptos::task::tick().await;
    assert_eq!(page.state(), page.straight_to(1_500.0));
    assert_eq!(
        page.find("[data-testid=seeking]")
            .unwrap()
            .text_content()
            .unwrap(),
        ""
    );
    assert_eq!(range.value().parse::<f64>().unwrap(), 1500.0);
    // ← on the range moves the thumb back 1 % of the axis (it is not "step back").
    let max = range.max().parse::<f64>().unwrap();
    key("ArrowLeft", &range);
    assert_eq!(
        page.pb.seek_target_ms.get_untracked(),
        Some(1500.0 - (max / 100.0).round())
    );
    until("seek", 500, || !page.clock().seeking.get_untracked()).await;
    assert_eq!(
        page.state(),
        page.straight_to(1500.0 - (max / 100.0).round())
    );
    key("Home", &range);
    until("seek", 500, || !page.clock().seeking.get_untracked()).await;
    assert_eq!(page.clock().sim_ms.get_untracked(), 0.0);
    // A drag: many input events before a frame; the seek lands on the last.
    for v in ["5000", "30000", "12000", "2750"] {
        range.set_value(v);
        range
            .dispatch_event(&web_sys::Event::new("input").unwrap())
            .unwrap();
    }
    until("drag", 500, || !page.clock().seeking.get_untracked()).await;
    assert_eq!(page.state(), page.straight_to(2_750.0));
}

// ------------------------------------------------------------------ stepping

#[wasm_bindgen_test]
async fn back_then_step_returns_to_the_same_event() {
    let page = page("bigfs");
    page.seek(3_000.0).await;
    for _ in 0..5 {
        page.pb.step();
    }
    let here = page.state();
    let (events, records) = page.pb.position();
    // ← by the button…
    let back: HtmlElement = page
        .find("[data-testid=step-back]")
        .unwrap()
        .unchecked_into();
    back.click();
    until("step back", 500, || !page.clock().seeking.get_untracked()).await;
    let (e1, r1) = page.pb.position();
    assert!(
        r1 < records && e1 < events,
        "one record back: {e1}/{r1} from {events}/{records}"
    );
    // …then → by the button: exactly where we were.
    let step: HtmlElement = page.find("[data-testid=step]").unwrap().unchecked_into();
    step.click();
    leptos::task::tick().await;
    assert_eq!(page.state(), here);
    // ← ← by the keyboard (on the page, not in a field), then → →.
    let body: web_sys::EventTarget = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .body()
        .unwrap()
        .into();
    key("ArrowLeft", &body);
    until("step back", 500, || !page.clock().seeking.get_untracked()).await;
    key("ArrowLeft", &body);
    until("step back", 500, || !page.clock().seeking.get_untracked()).await;
    assert!(page.pb.position().1 < r1);
    key("ArrowRight", &body);
    key("ArrowRight", &body);
    leptos::task::tick().await;
    assert_eq!(page.state(), here);
}

// ------------------------------------------------------------------ guided moments

fn moment(at_ms: u64, caption_key: &str) -> Moment {
    Moment {
        at_ms,
        caption_key: caption_key.to_string(),
    }
}

#[wasm_bindgen_test]
async fn moments_pause_the_player_at_their_time_with_their_caption() {
    let page = page("storm_jitter");
    let guide = page.clock().guide;
    guide.set_moments(vec![
        moment(25_000, "test.outage_ends"),
        moment(15_000, "test.outage_starts"),
    ]);
    guide.on.set(true);
    page.play_until_paused().await;
    assert_eq!(
        page.clock().sim_ms.get_untracked(),
        15_000.0,
        "stopped exactly at the moment"
    );
    assert_eq!(
        guide.current.get_untracked(),
        Some(moment(15_000, "test.outage_starts"))
    );
    assert_eq!(page.state(), page.straight_to(15_000.0));
    // Play goes on to the next, clearing the caption meanwhile.
    page.clock().playing.set(true);
    next_frame().await;
    assert_eq!(guide.current.get_untracked(), None);
    until("next moment", 20_000, || {
        !page.clock().playing.get_untracked()
    })
    .await;
    assert_eq!(page.clock().sim_ms.get_untracked(), 25_000.0);
    assert_eq!(
        guide.current.get_untracked(),
        Some(moment(25_000, "test.outage_ends"))
    );
    // Scrubbing back before the first re-arms it.
    page.seek(10_000.0).await;
    assert_eq!(guide.current.get_untracked(), None);
    page.play_until_paused().await;
    assert_eq!(page.clock().sim_ms.get_untracked(), 15_000.0);
    assert_eq!(guide.current.get_untracked().map(|m| m.at_ms), Some(15_000));
    // With the guide off, play runs to the end.
    guide.on.set(false);
    page.play_until_paused().await;
    assert!(page.clock().finished.get_untracked());
    assert_eq!(
        page.pb.run.with_value(|r| r.report(0)),
        page.straight_report()
    );
    // The moments are drawn on the scrubber.
    assert_eq!(page.count("[data-testid=scrub-moment]"), 2);
}

// ------------------------------------------------------------------ marks

#[wasm_bindgen_test]
async fn a_storm_shows_its_outage_and_breaker_openings() {
    let page = page("storm_breaker");
    // The outage is known from the start.
    next_frame().await;
    assert_eq!(page.count("[data-testid=scrub-outage]"), 1);
    assert_eq!(page.count("[data-testid=scrub-breaker]"), 0);
    page.seek(1.0e9).await;
    next_frame().await;
    let marks = page.pb.run.with_value(|r| r.marks());
    let openings = marks
        .iter()
        .filter(|m| m.kind == MarkKind::BreakerOpen)
        .count();
    assert!(openings > 0, "the storm opens the breaker");
    assert_eq!(page.count("[data-testid=scrub-breaker]") as usize, openings);
    assert!(page.count("[data-testid=scrub-breaker][data-side=B]") > 0);
    // Placed on the axis: the outage runs 15 s → 25 s.
    let domain = page.pb.run.with_value(|r| r.time_domain_ms());
    let outage: HtmlElement = page
        .find("[data-testid=scrub-outage]")
        .unwrap()
        .unchecked_into();
    let left = outage.style().get_property_value("left").unwrap();
    let left: f64 = left.trim_end_matches('%').parse().unwrap();
    assert!(
        (left - 15_000.0 / domain * 100.0).abs() < 0.01,
        "{left}% of {domain} ms"
    );
    // Read out for screen readers, and the range points at that text.
    let text = page
        .find("[data-testid=scrub-marks]")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(text.contains("Service down from 15 s to 25 s"), "{text}");
    assert!(
        text.contains(&format!("Circuit breaker on B opens {openings}×")),
        "{text}"
    );
    let range = page.find("[data-testid=scrub]").unwrap();
    assert_eq!(
        range.get_attribute("aria-describedby").as_deref(),
        Some("scrub-marks")
    );
    // Seeking back keeps the openings already seen on the axis.
    page.seek(1_000.0).await;
    next_frame().await;
    assert_eq!(page.count("[data-testid=scrub-breaker]") as usize, openings);
}

// ------------------------------------------------------------------ seeds

#[wasm_bindgen_test]
fn fresh_seeds_come_from_the_crypto_source() {
    let seeds: Vec<u64> = (0..20).map(|_| player::fresh_seed()).collect();
    assert!(seeds.iter().all(|s| (1..=1_000_000).contains(s)));
    let mut distinct = seeds.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert!(distinct.len() >= 18, "{seeds:?}");
}

// ------------------------------------------------------------------ the largest storm

fn wasm_memory_bytes() -> u64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buffer: js_sys::ArrayBuffer = memory.buffer().unchecked_into();
    buffer.byte_length() as u64
}

/// A storm as large as a debug build can play in this test's time: the most
/// clients the validator allows, in steps of 250, up to 2,500 (the work bound
/// allows 5,000 now; the release build's e2e plays that one, in a real page).
fn largest_storm() -> RetryConfig {
    let base = presets::find("storm_breaker").unwrap().config;
    (1..=10)
        .rev()
        .map(|k| {
            let mut config = base.clone();
            if let Workload::Poisson { clients, .. } = &mut config.workload {
                *clients = k * 250;
            }
            config
        })
        .find(|c| RetryRun::new(c, 0).is_ok())
        .expect("the storm preset itself is valid")
}

#[wasm_bindgen_test]
async fn the_largest_storm_seeks_in_capped_chunks() {
    let config = largest_storm();
    let seed = presets::find("storm_breaker").unwrap().seed;
    // Engine level, timed: play to the end as the player does, keeping snapshots…
    let mut run = RetryRun::new(&config, seed).unwrap();
    let mut rewind = Rewind::new(&run);
    let t0 = now_ms();
    let mut t = 0u64;
    loop {
        // Hand the browser every frame, as the player does: a debug build of
        // the whole storm in one go starves the renderer (and the test runner).
        next_frame().await;
        let p = run.run_to(SimTime::from_ms(t), run.events() + player::EVENTS_PER_FRAME);
        rewind.offer(&run);
        if p == engine::Progress::Finished {
            break;
        }
        if p == engine::Progress::Reached {
            t += 1_000;
        }
    }
    let played_ms = now_ms() - t0;
    let total = run.events();
    // What one snapshot weighs at the height of the storm (wasm memory only grows:
    // hold a few copies and see by how much).
    let mut peak = RetryRun::new(&config, seed).unwrap();
    while peak.run_to(SimTime::from_ms(25_000), peak.events() + 50_000) == engine::Progress::Paused
    {
        next_frame().await;
    }
    let before = wasm_memory_bytes();
    let copies: Vec<RetryRun> = (0..4).map(|_| peak.clone()).collect();
    let per_copy_kb = (wasm_memory_bytes() - before) as f64 / copies.len() as f64 / 1024.0;
    let estimate_kb = peak.approx_bytes() as f64 / 1024.0;
    drop(copies);
    assert!(rewind.len() <= engine::labs::rewind::MAX_SNAPSHOTS);
    assert!(rewind.bytes() <= engine::labs::rewind::SNAPSHOT_BUDGET_BYTES);
    // …then seek back to many times, as the page does: chunks of
    // SEEK_CHUNK_EVENTS while the frame's SEEK_FRAME_MS last; time every frame.
    let mut worst_frame = 0.0f64;
    let mut worst_seek = 0.0f64;
    let mut most_frames = 0;
    let mut most_chunks = 0;
    for ms in [1_000, 24_900, 45_000, 59_000] {
        let start = now_ms();
        let mut seek = rewind.seek(Goal::Time(SimTime::from_ms(ms)), &run);
        let (mut frames, mut chunks) = (0, 0);
        let mut done = false;
        while !done {
            let f = now_ms();
            frames += 1;
            loop {
                chunks += 1;
                done = seek.advance(&mut rewind, player::SEEK_CHUNK_EVENTS);
                if done || now_ms() - f >= player::SEEK_FRAME_MS {
                    break;
                }
            }
            worst_frame = worst_frame.max(now_ms() - f);
            next_frame().await;
        }
        worst_seek = worst_seek.max(now_ms() - start);
        most_frames = most_frames.max(frames);
        most_chunks = most_chunks.max(chunks);
        let landed = seek.into_run();
        assert!(LabRun::now(&landed) <= SimTime::from_ms(ms));
    }
    // The longest replay a seek can need: the widest gap between copies, or after the last.
    let kept = rewind.kept_events();
    let widest = kept
        .windows(2)
        .map(|w| w[1] - w[0])
        .chain(std::iter::once(total - kept[kept.len() - 1]))
        .max()
        .unwrap();
    web_sys::console::log_1(
        &format!(
            "largest storm: {total} events, played in {played_ms:.0} ms; {} snapshots, spacing {} events; \
             widest gap {widest} events; worst seek {worst_seek:.0} ms over {most_frames} frames \
             ({most_chunks} chunks), worst frame {worst_frame:.1} ms; \
             a snapshot at 25 s ≈ {per_copy_kb:.0} KB (estimated {estimate_kb:.0} KB); kept ≈ {} KB",
            rewind.len(),
            rewind.spacing(),
            rewind.bytes() / 1024
        )
        .into(),
    );
    // A seek never replays more than the widest gap (plus the chunk it stops in).
    assert!(
        most_chunks as u64 <= widest / player::SEEK_CHUNK_EVENTS + 2,
        "{most_chunks} chunks for a widest gap of {widest}"
    );
}

/// While playing, the ~10 Hz refresh of the heavy views is spread over
/// three frames (metrics, then charts, then log), so no frame redraws them
/// all; pausing, and the end of the run, bring every group up to date.
#[wasm_bindgen_test]
async fn heavy_views_refresh_on_successive_frames_and_catch_up_on_pause() {
    let page = page("storm_jitter");
    let clock = page.clock();
    let read = || {
        (
            clock.tick.get_untracked(),
            clock.tick_later[0].get_untracked(),
            clock.tick_later[1].get_untracked(),
        )
    };
    clock.speed_log.set(0.0);
    clock.playing.set(true);
    let mut prev = read();
    let (mut frames, mut refreshes) = (0, 0);
    while frames < 240 && refreshes < 6 {
        next_frame().await;
        frames += 1;
        let now = read();
        let bumped = [now.0 != prev.0, now.1 != prev.1, now.2 != prev.2];
        assert!(
            bumped.iter().filter(|b| **b).count() <= 1,
            "frame {frames}: more than one heavy group refreshed at once ({bumped:?})"
        );
        refreshes += bumped.iter().filter(|b| **b).count();
        prev = now;
    }
    assert!(
        refreshes >= 6,
        "the heavy views refreshed while playing ({refreshes} in {frames} frames)"
    );
    clock.playing.set(false);
    next_frame().await;
    let (a, b, c) = read();
    assert!(
        b >= prev.1 && c >= prev.2 && a > prev.0,
        "pausing bumps every group"
    );
    // Every group has seen at least as many refreshes as the first had.
    assert!(
        b + 1 >= a && c + 1 >= a,
        "no group is left behind: {a} {b} {c}"
    );
    page.root.remove();
}

/// The scrubber keeps every mark seen in a run; a stretch shown only up to
/// now (a random crash) is one mark whose end moves on, never two.
#[wasm_bindgen_test]
fn a_growing_stretch_is_one_mark_whose_end_moves_on() {
    use cloud_patterns_playground::scrub::merge_marks;
    use engine::labs::run::Mark;
    let crash = |until: f64| Mark {
        at_ms: 1_000.0,
        until_ms: Some(until),
        kind: MarkKind::Outage,
        side: None,
    };
    let breaker = Mark {
        at_ms: 500.0,
        until_ms: None,
        kind: MarkKind::BreakerOpen,
        side: Some(1),
    };
    let known = merge_marks(vec![], vec![crash(1_200.0)]);
    let known = merge_marks(known, vec![breaker.clone(), crash(1_800.0)]);
    assert_eq!(known, vec![breaker.clone(), crash(1_800.0)]);
    // A seek back shows less of it: what was seen stays.
    assert_eq!(merge_marks(known.clone(), vec![crash(1_300.0)]), known);
}

/// The speed reads in two significant digits, grouped, past a thousand: the
/// month preset's starting speed read "×199526". Past ten thousand, in
/// thousands (the phone's one-line bar cut "×220,000" to "×220"), read out
/// in full.
#[wasm_bindgen_test]
async fn the_speed_reads_rounded_and_grouped_past_a_thousand() {
    let p = page("tenacity");
    let out = || {
        p.root
            .query_selector(".player output")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap_or_default()
    };
    for (log, want) in [
        (0.0, "×1.0"),
        (1.0, "×10"),
        (3.0, "×1,000"),
        (4.0, "×10k"),
        (5.3, "×200k"),
        (6.1, "×1.3M"),
    ] {
        p.pb.clock.max_speed_log.set(7.0);
        p.pb.clock.speed_log.set(log);
        leptos::task::tick().await;
        assert_eq!(out(), want, "10^{log}");
    }
    let spoken = p
        .root
        .query_selector("[data-testid=speed]")
        .unwrap()
        .unwrap()
        .get_attribute("aria-valuetext")
        .unwrap_or_default();
    assert_eq!(spoken, "×1,300,000");
}

/// A guided moment's caption has "▶ Play on", a button that plays, only while
/// the run can go on: at a moment the run ends on, nothing does.
#[wasm_bindgen_test]
async fn a_moment_at_the_end_does_not_say_play_goes_on() {
    use cloud_patterns_playground::lab_page::guide::MomentCaption;
    let root = container();
    let clock_slot: Rc<Cell<Option<Clock>>> = Rc::new(Cell::new(None));
    let out = clock_slot.clone();
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(I18n {
            lang: RwSignal::new(Lang::En),
        });
        let clock = Clock::new(1, 0.0);
        out.set(Some(clock));
        view! { <MomentCaption clock=clock /> }
    });
    let clock = clock_slot.take().expect("mounted");
    clock.guide.current.set(Some(Moment {
        at_ms: 1_000,
        caption_key: "preset.retry.tenacity.moment.1".into(),
    }));
    leptos::task::tick().await;
    let hint = || root.query_selector(".moment-hint").unwrap().is_some();
    assert!(root
        .query_selector("[data-testid=moment-caption]")
        .unwrap()
        .is_some());
    assert!(hint(), "mid-run, play goes on");
    // The hint is the player's play, for a reader who scrolled away from the bar.
    root.query_selector("[data-testid=moment-play]")
        .unwrap()
        .expect("a button")
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    assert!(clock.playing.get_untracked(), "the button plays on");
    clock.playing.set(false);
    clock.finished.set(true);
    leptos::task::tick().await;
    assert!(!hint(), "at the end, nothing goes on");
    assert!(root
        .query_selector("[data-testid=moment-caption]")
        .unwrap()
        .is_some());
}

/// Play's scroll (`layout::bring_stage_into_view`): the stage's top up under
/// the sticky player bar; nothing when it shows whole already, the reader is
/// past its top, or for a few pixels.
#[wasm_bindgen_test]
fn play_scrolls_the_stage_up_under_the_bar() {
    use cloud_patterns_playground::layout::{stage_scroll, MIN_SCROLL_PX};
    // Stage 455..1286 in an 800 px window, bar 92 px: its top meets the bar.
    assert_eq!(stage_scroll(455.0, 1286.0, 92.0, 800.0), 455.0 - 92.0 - 8.0);
    // A short stage (one card, 600..900) too: it grows as the run starts.
    assert_eq!(stage_scroll(600.0, 900.0, 92.0, 800.0), 600.0 - 92.0 - 8.0);
    // Already whole in the window: nothing.
    assert_eq!(stage_scroll(300.0, 780.0, 92.0, 800.0), 0.0);
    // The reader is past its top (in the metrics, or at the stage's lower rows): nothing.
    assert_eq!(stage_scroll(50.0, 1400.0, 92.0, 800.0), 0.0);
    assert_eq!(stage_scroll(-600.0, 400.0, 92.0, 800.0), 0.0);
    // Just under the bar already (Play on, at a moment whose caption just went): nothing.
    assert_eq!(
        stage_scroll(92.0 + 8.0 + MIN_SCROLL_PX - 1.0, 1400.0, 92.0, 800.0),
        0.0
    );
}

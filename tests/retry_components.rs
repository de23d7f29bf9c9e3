//! Component tests of the retry lab's views (stage, timeline, charts, live
//! strips), in a real browser: each test builds a run from an engine preset,
//! mounts one component into its own `<div>`, moves the run on, bumps the
//! tick as the player would, waits a tick for effects, and checks the DOM
//! against the engine's own numbers.
//!
//! wasm32 only: `cargo test --target wasm32-unknown-unknown -p
//! cloud-patterns-playground --test retry_components` (headless Chromium via
//! wasm-bindgen-test-runner; `CHROMEDRIVER=/usr/bin/chromedriver`).
#![cfg(target_arch = "wasm32")]

use cloud_patterns_playground::charts::{fmt_count, fmt_ms};
use cloud_patterns_playground::labs::retry::charts::{
    herd_slice_ms, RetryCharts, MIN_FOR_PERCENTILES,
};
use cloud_patterns_playground::labs::retry::stage::{
    lane_fraction, lane_horizon_ms, DotKind, RetryStage, Side, LANE_STEPS, MAX_DOTS, MAX_FLASHES,
};
use cloud_patterns_playground::labs::retry::strips::{BreakerStrip, BudgetStrip};
use cloud_patterns_playground::labs::retry::timeline::RequestTimeline;
use cloud_patterns_playground::labs::retry::RetryView;
use engine::i18n::t;
use engine::labs::retry::config::Workload;
use engine::labs::retry::model::Phase;
use engine::labs::retry::{presets, RetryConfig, RetryRun};
use engine::patterns::breaker::BreakerState;
use engine::{Lang, SimTime};
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

mod common;

wasm_bindgen_test_configure!(run_in_browser);

/// A run of a preset, as the lab page holds it, with its language.
struct Lab {
    view: RetryView,
    lang: RwSignal<Lang>,
}

fn lab_from(config: &RetryConfig, seed: u64) -> Lab {
    let run = RetryRun::new(config, seed).expect("preset configs are valid");
    let lang = RwSignal::new(Lang::En);
    let view = RetryView {
        run: StoredValue::new_local(run),
        tick: RwSignal::new(0),
        lang: lang.into(),
        seed: Signal::stored(seed),
    };
    Lab { view, lang }
}

fn lab(preset: &str) -> Lab {
    let p = presets::find(preset).expect("preset exists");
    lab_from(&p.config, p.seed)
}

impl Lab {
    /// Moves the run to `ms` and bumps the tick, as the player does.
    fn advance_to(&self, ms: u64) {
        self.view.run.update_value(|r| {
            r.run_until(SimTime::from_ms(ms), u64::MAX);
        });
        self.view.tick.update(|t| *t += 1);
    }

    fn run_to_end(&self) {
        self.view.run.update_value(|r| {
            r.run_to_end(u64::MAX);
        });
        self.view.tick.update(|t| *t += 1);
    }
}

/// A fresh container in the page.
fn container() -> HtmlElement {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let div = document.create_element("div").expect("create div");
    document
        .body()
        .expect("body")
        .append_child(&div)
        .expect("append");
    div.unchecked_into()
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).expect("valid selector")
}

fn text(root: &Element, selector: &str) -> String {
    find(root, selector)
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// The texts of `parent`'s element children.
fn child_texts(parent: &Element) -> Vec<String> {
    let children = parent.children();
    (0..children.length())
        .filter_map(|i| children.item(i))
        .map(|c| c.text_content().unwrap_or_default())
        .collect()
}

/// The dots the stage's canvas drew, per kind (its `data-counts`).
fn drawn_counts(root: &Element) -> BTreeMap<String, u32> {
    let canvas = find(root, "[data-testid=stage-canvas]").expect("the dots' canvas");
    canvas
        .get_attribute("data-counts")
        .expect("the canvas says what it drew")
        .split_whitespace()
        .map(|pair| {
            let (k, v) = pair.split_once('=').expect("kind=count");
            (k.to_string(), v.parse().expect("a count"))
        })
        .collect()
}

fn drawn_total(root: &Element) -> u32 {
    drawn_counts(root).values().sum()
}

/// The dots the canvas drew: (kind, x, y, r), kinds numbered as `DotKind`.
fn drawn_dots(root: &Element) -> Vec<(DotKind, f64, f64, f64)> {
    let canvas = find(root, "[data-testid=stage-canvas]").expect("the dots' canvas");
    let array: js_sys::Float64Array = js_sys::Reflect::get(&canvas, &"stageDots".into())
        .expect("the stageDots hook")
        .dyn_into()
        .expect("a Float64Array");
    array
        .to_vec()
        .chunks(4)
        .map(|d| (DotKind::ALL[d[0] as usize], d[1], d[2], d[3]))
        .collect()
}

fn mount_stage(lab: &Lab, reduced_motion: Option<bool>) -> (HtmlElement, impl Drop) {
    let view = lab.view;
    let root = container();
    let mounted = mount_to(root.clone(), move || match reduced_motion {
        Some(r) => view! { <RetryStage view=view side=Side::A reduced_motion=r /> }.into_any(),
        None => view! { <RetryStage view=view side=Side::A /> }.into_any(),
    });
    (root, UnmountOnDrop(Some(mounted)))
}

struct UnmountOnDrop<T>(Option<T>);
impl<T> Drop for UnmountOnDrop<T> {
    fn drop(&mut self) {
        self.0.take();
    }
}

/// Engine counts of side A's active requests: (first attempts in flight,
/// retries in flight, waiting).
fn engine_kinds(view: RetryView) -> (u32, u32, u32) {
    view.run.with_value(|r| {
        let mut k = (0, 0, 0);
        for q in r.a.model().active() {
            match q.phase {
                Phase::InFlight { attempt: 1, .. } => k.0 += 1,
                Phase::InFlight { .. } => k.1 += 1,
                Phase::Waiting { .. } => k.2 += 1,
            }
        }
        k
    })
}

// ------------------------------------------------------------------ stage

/// In a storm the service works on calls whose clients gave up on them: the
/// strip counts them beside "in flight", so "working on 7,295" on the node
/// over "765 in flight" is not a contradiction (student review). The two add
/// up to what the node works on; none before the storm, none at the end.
#[wasm_bindgen_test]
async fn the_strip_counts_the_calls_no_client_waits_for() {
    let lab = lab("storm_jitter");
    let (root, _m) = mount_stage(&lab, None);
    let view = lab.view;
    lab.advance_to(5_000);
    tick().await;
    assert_eq!(text(&root, "[data-testid=count-abandoned]"), "");
    lab.advance_to(45_000);
    tick().await;
    let (first, retries, _) = engine_kinds(view);
    let service: u64 = view
        .run
        .with_value(|r| r.a.model().in_flight().iter().map(|&n| n as u64).sum());
    let abandoned = service - (first + retries) as u64;
    assert!(abandoned > 100, "{abandoned}");
    assert_eq!(
        text(&root, "[data-testid=count-abandoned]"),
        format!(
            "(and {} timed-out calls still in the service, no one waiting for them)",
            fmt_count(Lang::En, abandoned)
        )
    );
}

#[wasm_bindgen_test]
async fn stage_counts_match_the_engine_and_dots_are_drawn() {
    let lab = lab("storm_breaker");
    let (root, _m) = mount_stage(&lab, None);
    let view = lab.view;
    lab.advance_to(5_000);
    tick().await;

    let (first, retries, waiting) = engine_kinds(view);
    let in_flight = (first + retries) as u64;
    let done = view.run.with_value(|r| r.a.model().stats().finished);
    assert!(
        in_flight > 0,
        "at 5 s a 100 requests/s workload has calls in flight"
    );
    assert_eq!(
        text(&root, "[data-testid=count-in-flight]"),
        format!("{} in flight", fmt_count(Lang::En, in_flight))
    );
    assert_eq!(
        text(&root, "[data-testid=count-waiting]"),
        format!("{} waiting", fmt_count(Lang::En, waiting as u64))
    );
    assert!(text(&root, "[data-testid=count-done]")
        .starts_with(&format!("{} done", fmt_count(Lang::En, done))));

    let drawn = drawn_counts(&root);
    // Fewer than MAX_DOTS active: every one of them is drawn, as what it is.
    assert_eq!(drawn["first"], first, "{drawn:?}");
    assert_eq!(drawn["retry"], retries, "{drawn:?}");
    assert_eq!(drawn["waiting"], waiting, "{drawn:?}");
    assert!(drawn["ok"] + drawn["giveup"] <= MAX_FLASHES as u32);
    assert_eq!(drawn_dots(&root).len() as u32, drawn_total(&root));
}

#[wasm_bindgen_test]
async fn stage_dom_size_does_not_grow_with_clients() {
    let p = presets::find("herd").unwrap();
    let mut sizes = Vec::new();
    for clients in [10, 5_000] {
        let config = RetryConfig {
            workload: Workload::Herd {
                clients,
                read_write: false,
            },
            ..p.config.clone()
        };
        let lab = lab_from(&config, p.seed);
        let (root, _m) = mount_stage(&lab, None);
        for at in [10, 400] {
            lab.advance_to(at);
            tick().await;
            sizes.push((
                clients,
                at,
                root.query_selector_all_len("*"),
                drawn_total(&root),
            ));
        }
    }
    let elements: Vec<u32> = sizes.iter().map(|s| s.2).collect();
    assert!(
        elements.iter().all(|&n| n == elements[0]),
        "the same elements for 10 and 5,000 clients: {sizes:?}"
    );
    // ...while the canvas draws many more dots for the big herd (a sample).
    assert_eq!(sizes[0].3, 10, "{sizes:?}");
    assert!(sizes[2].3 as usize >= MAX_DOTS / 2, "{sizes:?}");
    assert!(sizes[2].3 as usize <= MAX_DOTS + MAX_FLASHES, "{sizes:?}");
}

#[wasm_bindgen_test]
async fn stage_marks_nodes_down_during_the_outage_only() {
    let lab = lab("storm_breaker"); // outage of the whole service from 15 s to 25 s
    let (root, _m) = mount_stage(&lab, None);

    lab.advance_to(10_000);
    tick().await;
    let node = find(&root, "[data-testid=stage-node]").expect("a node box");
    assert_eq!(node.get_attribute("data-down").as_deref(), Some("false"));
    let label = node.text_content().unwrap_or_default();
    assert!(!label.contains("DOWN"));
    let working = text(&node, "[data-testid=stage-node-working]");
    assert!(
        working.starts_with("working on "),
        "the count says what it counts: {working}"
    );
    assert!(label.contains("calls received"), "{label}");

    lab.advance_to(18_000);
    tick().await;
    let node = find(&root, "[data-testid=stage-node]").expect("a node box");
    assert_eq!(node.get_attribute("data-down").as_deref(), Some("true"));
    let label = node.text_content().unwrap_or_default();
    assert!(label.contains("DOWN"), "{label}");
    assert!(
        label.contains("back in 7 s"),
        "the outage ends at 25 s: {label}"
    );
    assert!(
        !label.contains("working on"),
        "a node that is down is not working on anything: {label}"
    );

    lab.advance_to(30_000);
    tick().await;
    let node = find(&root, "[data-testid=stage-node]").expect("a node box");
    assert_eq!(node.get_attribute("data-down").as_deref(), Some("false"));
}

/// Past its capacity the node says by how much, beside "working on N": in
/// the storm, "working on 1,833" next to "capacity: 30 at once" read as a
/// contradiction. Its hover says why the number is so large (calls whose
/// clients gave up are still worked on).
#[wasm_bindgen_test]
async fn an_overloaded_node_says_how_far_past_its_capacity_it_is() {
    let lab = lab("storm_budget"); // side A: no budget; capacity 30, outage 15–25 s
    let (root, _m) = mount_stage(&lab, None);
    lab.advance_to(10_000);
    tick().await;
    let node = find(&root, "[data-testid=stage-node]").expect("a node box");
    assert!(text(&node, ".stage-node-received").contains("calls received"));

    lab.advance_to(30_000);
    tick().await;
    let node = find(&root, "[data-testid=stage-node]").expect("a node box");
    let class = node.get_attribute("class").unwrap_or_default();
    assert!(class.contains("stage-node--over"), "{class}");
    let working = text(&node, "[data-testid=stage-node-working]");
    let n: u64 = working
        .trim_start_matches("working on ")
        .replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("{working}"));
    assert!(n > 30, "{working}");
    let over = text(&node, ".stage-node-received");
    assert!(over.ends_with("× its capacity of 30"), "{over}");
    let x: f64 = over.split('×').next().unwrap().parse().unwrap();
    assert!((x - n as f64 / 30.0).abs() < 0.51, "{over} vs {working}");
    let hover = text(&node, "title");
    assert!(
        hover.contains("slower") && hover.contains("already gave up"),
        "{hover}"
    );
}

#[wasm_bindgen_test]
async fn tapping_a_node_says_what_its_numbers_count() {
    let lab = lab("storm_breaker");
    let (root, _m) = mount_stage(&lab, None);
    lab.advance_to(5_000);
    tick().await;
    assert!(text(&root, "[data-testid=stage-detail]").starts_with("Tap or point"));
    let node = find(&root, ".stage-node-box").expect("a node box");
    let rect = node.get_bounding_client_rect();
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    init.set_client_x((rect.left() + rect.width() / 2.0) as i32);
    init.set_client_y((rect.top() + rect.height() / 2.0) as i32);
    let click = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    node.dispatch_event(&click).unwrap();
    tick().await;
    let calls = lab
        .view
        .run
        .with_value(|r| r.a.model().stats().node_calls[0]);
    let detail = text(&root, "[data-testid=stage-detail]");
    assert!(detail.starts_with("node_1: working on "), "{detail}");
    assert!(
        detail.contains(&format!("{} calls received", fmt_count(Lang::En, calls))),
        "{detail}"
    );

    // A tap on empty space clears it; focusing the node (Tab) shows it again.
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    // (The clients' box: no dot is ever drawn there.)
    let clients = find(&root, ".stage-client-box").unwrap();
    let at = clients.get_bounding_client_rect();
    init.set_client_x((at.left() + 6.0) as i32);
    init.set_client_y((at.top() + 6.0) as i32);
    let click = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    clients.dispatch_event(&click).unwrap();
    tick().await;
    assert!(text(&root, "[data-testid=stage-detail]").starts_with("Tap or point"));
    let group = find(&root, "[data-testid=stage-node]").unwrap();
    let focus: js_sys::Function = js_sys::Reflect::get(&group, &"focus".into())
        .unwrap()
        .dyn_into()
        .unwrap();
    focus.call0(&group).unwrap();
    tick().await;
    assert!(text(&root, "[data-testid=stage-detail]").starts_with("node_1: "));
}

#[wasm_bindgen_test]
async fn a_narrow_stage_sets_its_text_larger_and_gives_the_number_its_own_line() {
    // A phone's two-up card: the stage is drawn in about 170 px.
    let lab = lab("storm_breaker");
    let root = container();
    root.style().set_property("width", "170px").unwrap();
    let view = lab.view;
    let _m = UnmountOnDrop(Some(mount_to(root.clone(), move || {
        view! { <RetryStage view=view side=Side::A /> }
    })));
    lab.advance_to(5_000);
    tick().await;
    // Give the width observer a moment to report the element's size.
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 50)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(wait).await.unwrap();
    lab.advance_to(5_100);
    tick().await;
    let svg = find(&root, ".stage-svg").expect("the stage's drawing");
    let style = svg.get_attribute("style").unwrap_or_default();
    let k: f64 = style
        .strip_prefix("--k:")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("a narrow stage sets --k: {style:?}"));
    let view_w: f64 = svg
        .get_attribute("viewBox")
        .and_then(|v| v.split(' ').nth(2).and_then(|w| w.parse().ok()))
        .expect("a viewBox");
    // Text k times larger makes up for the drawing being scaled down.
    assert!(
        (k - view_w / 170.0).abs() < 0.05,
        "k {k} for {view_w} units in 170 px"
    );
    let node = find(&root, "[data-testid=stage-node]").expect("a node box");
    assert_eq!(
        text(&node, "[data-testid=stage-node-working]"),
        "working on"
    );
    let in_flight = lab.view.run.with_value(|r| r.a.model().in_flight()[0]);
    assert_eq!(
        text(&node, "[data-testid=stage-node-count]"),
        fmt_count(Lang::En, in_flight as u64),
        "the number on its own line, under what it counts"
    );

    // A wide stage is drawn as before: no --k, the count in its sentence.
    let (wide, _w) = mount_stage(&lab, None);
    tick().await;
    let svg = find(&wide, ".stage-svg").expect("the stage's drawing");
    assert_eq!(svg.get_attribute("style"), None);
    assert!(find(&wide, "[data-testid=stage-node-count]").is_none());
    assert!(text(&wide, "[data-testid=stage-node-working]").starts_with("working on "));
}

/// A phone's one card, in Portuguese: the longest words stay inside the
/// drawing — "FORA DO AR" inside its node (it was cut to "FORA DO") and the
/// waiting lane's name inside the stage (its long form ran off the edge:
/// "… pelo temp").
#[wasm_bindgen_test]
async fn on_a_phone_the_node_and_lane_names_stay_inside_the_drawing() {
    let lab = lab("storm_breaker"); // down from 15 s to 25 s
    let root = container();
    root.style().set_property("width", "340px").unwrap();
    common::style_in(&root, include_str!("../style/components.css"));
    lab.lang.set(Lang::Pt);
    let view = lab.view;
    let _m = UnmountOnDrop(Some(mount_to(root.clone(), move || {
        view! { <RetryStage view=view side=Side::A /> }
    })));
    lab.advance_to(17_000);
    common::settle(10).await;
    lab.advance_to(18_000);
    common::settle(4).await;
    let svg = find(&root, ".stage-svg").expect("the stage's drawing");
    let edge = svg.get_bounding_client_rect().right();
    let node = find(&root, "[data-testid=stage-node] rect")
        .expect("a node box")
        .get_bounding_client_rect();
    let down = find(&root, ".stage-node-down").unwrap();
    assert_eq!(down.text_content().as_deref(), Some("FORA DO AR"));
    let d = down.get_bounding_client_rect();
    assert!(
        d.width() > 10.0 && d.right() <= node.right() + 0.5,
        "{} > {}",
        d.right(),
        node.right()
    );
    let lane = find(&root, ".stage-lane-label").unwrap();
    let l = lane.get_bounding_client_rect();
    assert!(
        l.right() <= edge + 0.5,
        "{:?} ends at {} past {edge}",
        lane.text_content(),
        l.right()
    );
}

#[wasm_bindgen_test]
async fn stage_samples_dots_when_thousands_of_clients_call() {
    let p = presets::find("herd").unwrap();
    let config = RetryConfig {
        workload: Workload::Herd {
            clients: 5_000,
            read_write: false,
        },
        ..p.config
    };
    let lab = lab_from(&config, p.seed);
    let (root, _m) = mount_stage(&lab, None);
    lab.advance_to(10);
    tick().await;

    let active = lab.view.run.with_value(|r| r.a.model().active().count());
    assert!(active > MAX_DOTS * 10, "{active} requests are active");
    let drawn = drawn_total(&root) as usize;
    assert!(
        drawn <= MAX_DOTS + MAX_FLASHES && drawn > 0,
        "drew {drawn} dots for {active} requests"
    );
    let counts = text(&root, "[data-testid=stage-counts]");
    assert!(
        counts.contains(&format!(
            "of {} active requests",
            fmt_count(Lang::En, active as u64)
        )),
        "{counts}"
    );
}

#[wasm_bindgen_test]
async fn an_attempt_travels_from_client_to_service() {
    let lab = lab("tenacity"); // one request; its first attempt takes ~120 ms
    let (root, _m) = mount_stage(&lab, Some(false));
    let view = lab.view;
    lab.advance_to(0);
    tick().await;
    let reply_ms = view
        .run
        .with_value(|r| match r.a.model().active().next().map(|q| q.phase) {
            Some(Phase::InFlight { reply_at, .. }) => reply_at.as_micros() as f64 / 1000.0,
            other => panic!("the first attempt is in flight at t=0, found {other:?}"),
        });
    assert!(reply_ms > 4.0, "the attempt takes time ({reply_ms} ms)");

    let dots = drawn_dots(&root);
    assert_eq!(dots.len(), 1, "{dots:?}");
    assert_eq!(
        dots[0].0,
        DotKind::FirstAttempt,
        "a first attempt is a circle"
    );
    let x_start = dots[0].1;
    lab.advance_to((reply_ms * 0.75) as u64);
    tick().await;
    let dots = drawn_dots(&root);
    assert_eq!(dots[0].0, DotKind::FirstAttempt, "still in flight");
    let x_later = dots[0].1;
    assert!(
        x_later > x_start + 20.0,
        "the dot moved right: {x_start} → {x_later}"
    );
}

#[wasm_bindgen_test]
async fn reduced_motion_places_waiting_requests_by_time_left_in_steps() {
    let lab = lab("herd"); // side A: 40 clients, no jitter, waits 100 ms → 2 s
    let (root, _m) = mount_stage(&lab, Some(true));
    let view = lab.view;
    let horizon = view
        .run
        .with_value(|r| lane_horizon_ms(&r.a.model().scenario().strategy));
    assert_eq!(
        horizon, 2_000.0,
        "the longest wait of 100 ms × 2ⁿ capped at 2 s"
    );

    let mut checked = 0;
    for at in [150, 420, 1_300, 3_100, 6_000] {
        lab.advance_to(at);
        tick().await;
        let now = view
            .run
            .with_value(|r| r.a.now().as_micros() as f64 / 1000.0);
        let mut expected: Vec<f64> = view.run.with_value(|r| {
            r.a.model()
                .active()
                .filter_map(|q| match q.phase {
                    Phase::Waiting { until, .. } => Some(until.as_micros() as f64 / 1000.0 - now),
                    _ => None,
                })
                .collect()
        });
        let dots = drawn_dots(&root);
        let mut waiting: Vec<f64> = dots
            .iter()
            .filter(|d| d.0 == DotKind::Waiting)
            .map(|d| d.1)
            .collect();
        assert_eq!(
            waiting.len(),
            expected.len(),
            "every waiting request is drawn at {at} ms"
        );
        let Some(r) = dots.first().map(|d| d.3) else {
            continue;
        };
        // (Read now: the stage redraws its SVG when its width is measured.)
        let lane = find(&root, ".stage-lane").expect("the waiting lane");
        let attr = |name: &str| -> f64 { lane.get_attribute(name).unwrap().parse().unwrap() };
        let (lane_x, lane_w) = (attr("x"), attr("width"));
        let (from, to) = (lane_x + r + 2.0, lane_x + lane_w - r - 2.0);
        // Each ring sits where its time left says, in steps of an eighth.
        let mut want: Vec<f64> = expected
            .drain(..)
            .map(|left| {
                let f = lane_fraction(left, horizon, true);
                assert_eq!((f * LANE_STEPS as f64).fract(), 0.0, "a whole step");
                from + (to - from) * f
            })
            .collect();
        want.sort_by(f64::total_cmp);
        waiting.sort_by(f64::total_cmp);
        for (got, want) in waiting.iter().zip(&want) {
            assert!(
                (got - want).abs() < 0.01,
                "at {at} ms: {waiting:?} vs {want:?}"
            );
        }
        checked += waiting.len();
    }
    assert!(checked > 20, "the herd had requests waiting ({checked})");
    assert_eq!(text(&root, "[data-testid=lane-far]"), "retry in 2 s");
}

// ------------------------------------------------------------------ timeline

/// Side A's request timeline, mounted in a container of its own.
fn timeline_a(view: RetryView) -> (HtmlElement, impl Drop) {
    let root = container();
    let mounted = mount_to(
        root.clone(),
        move || view! { <RequestTimeline view=view side=Side::A /> },
    );
    (root, UnmountOnDrop(Some(mounted)))
}

#[wasm_bindgen_test]
async fn timeline_shows_attempts_waits_and_the_outcome() {
    let lab = lab("scripted"); // fail, fail, succeed; 2 s between attempts
    let view = lab.view;
    let (root, _mounted) = timeline_a(view);
    lab.run_to_end();
    tick().await;

    let rows = find(&root, ".tl-rows").expect("the rows");
    assert_eq!(rows.child_element_count(), 1, "one request");
    // One configuration: its axis speaks of no B.
    let axis = text(&root, "[data-testid=timeline-x-label]");
    assert!(!axis.contains(" B") && axis.ends_with('→'), "{axis}");
    let row = rows.first_element_child().unwrap();
    assert_eq!(text(&row, ".tl-status"), "✔ after 3 attempts");
    let track = find(&row, ".tl-track").unwrap();
    let bars: Vec<String> = child_texts(&track)
        .into_iter()
        .filter(|t| t.contains("Attempt"))
        .collect();
    assert_eq!(bars.len(), 3, "{bars:?}");
    assert!(
        bars[0].contains("Attempt 1 on node_1: transient error"),
        "{}",
        bars[0]
    );
    assert!(
        bars[2].contains("Attempt 3 on node_1: succeeded"),
        "{}",
        bars[2]
    );
    let waits: Vec<String> = child_texts(&track)
        .into_iter()
        .filter(|t| t.starts_with("Waited"))
        .collect();
    assert_eq!(
        waits.len(),
        2,
        "two waits between three attempts: {waits:?}"
    );
    assert!(waits.iter().all(|w| w.contains("Waited 2 s")), "{waits:?}");
    let scroll = find(&root, ".tl-scroll").unwrap();
    assert_eq!(
        scroll.get_attribute("tabindex").as_deref(),
        Some("0"),
        "the list can be focused and scrolled"
    );
}

/// `left:12.5%;width:3%` → (12.5, 3.0); `left:40%` → (40.0, 0.0).
fn box_of(el: &Element) -> (f64, f64) {
    let style = el.get_attribute("style").unwrap_or_default();
    let num = |key: &str| {
        style
            .split(';')
            .find_map(|p| p.strip_prefix(key))
            .and_then(|v| v.trim_end_matches('%').parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (num("left:"), num("width:"))
}

/// Mid-run, the wait under way is drawn whole (the axis reaches its end,
/// not just the clock), and a "now" line shows how much of it is left.
#[wasm_bindgen_test]
async fn timeline_shows_the_clock_and_the_whole_wait_under_way() {
    with_stylesheet();
    let lab = lab("scripted"); // fail, fail, succeed; 2 s between attempts
    let view = lab.view;
    let (root, _mounted) = timeline_a(view);
    // The first attempt has failed; the 2 s wait is under way.
    let first_end = view.run.with_value(|r| {
        let mut probe = r.a.clone();
        while !probe
            .model()
            .active()
            .any(|q| q.spans.first().is_some_and(|s| s.end.is_some()))
        {
            assert!(probe.step(), "the first attempt ends");
        }
        probe.now().as_micros() / 1000
    });
    lab.advance_to(first_end + 500);
    tick().await;
    let row = find(&root, ".tl-rows .tl-row").expect("one row");
    let now = find(&row, "[data-testid=timeline-now]").expect("the clock on the track");
    let (now_at, _) = box_of(&now);
    let wait = find(&row, ".tl-gap--current").expect("the wait under way");
    let (left, width) = box_of(&wait);
    assert!(
        left < now_at && now_at < left + width,
        "the clock inside the wait: {left}+{width} vs {now_at}"
    );
    assert!(
        left + width <= 100.0 + 1e-9,
        "the wait ends on the axis: {left}+{width}"
    );
    let ahead = (left + width - now_at) / width;
    assert!(
        (ahead - 0.75).abs() < 0.05,
        "1.5 s of the 2 s wait ahead: {ahead}"
    );
    // Waited is filled, still to wait is open: the fill stops at the clock.
    let style = web_sys::window()
        .unwrap()
        .get_computed_style(&wait)
        .unwrap()
        .unwrap();
    let done: f64 = style
        .get_property_value("--done")
        .unwrap()
        .trim()
        .trim_end_matches('%')
        .parse()
        .expect("--done in %");
    assert!((done - 25.0).abs() < 5.0, "0.5 s of 2 s waited: {done}%");
    assert!(
        style
            .get_property_value("background-image")
            .unwrap()
            .starts_with("linear-gradient"),
        "filled up to --done, open after it"
    );
    // Its label ("◷ 1.5 s", what is left) sits in the part ahead, after the line.
    let label = find(&wait, ".tl-gap-text").unwrap();
    assert!(label.text_content().unwrap_or_default().starts_with('◷'));
    assert!(
        label.get_bounding_client_rect().left() >= now.get_bounding_client_rect().left() - 0.5,
        "the label after the clock"
    );
    lab.run_to_end();
    tick().await;
    assert!(
        find(&root, "[data-testid=timeline-now]").is_none(),
        "no clock once the run ended"
    );
    // The finished waits: filled whole, their labels where they start.
    let gaps = root.query_selector_all(".tl-gap").unwrap();
    assert_eq!(gaps.length(), 2, "fail, wait, fail, wait, succeed");
    for i in 0..gaps.length() {
        let gap: Element = gaps.item(i).unwrap().dyn_into().unwrap();
        assert!(!gap.class_list().contains("tl-gap--current"));
        let label = find(&gap, ".tl-gap-text").unwrap();
        assert!(label.get_attribute("style").is_none(), "no margin to give");
    }
    // The timeline's key paints what its bars and waits paint (not the stage's dots).
    let css = |el: &Element, prop: &str| {
        web_sys::window()
            .unwrap()
            .get_computed_style(el)
            .unwrap()
            .unwrap()
            .get_property_value(prop)
            .unwrap()
    };
    let legend = find(&root, "[data-testid=timeline-legend]").expect("the timeline's key");
    for (bar, key, prop) in [
        (".tl-bar.tone-ok", ".tl-key.tone-ok", "background-color"),
        (".tl-bar.tone-fail", ".tl-key--failed", "background-image"),
        (".tl-gap", ".tl-key--waited", "background-color"),
        (".tl-gap", ".tl-key--waited", "border-top-style"),
    ] {
        let (bar, key) = (find(&root, bar).unwrap(), find(&legend, key).unwrap());
        assert_eq!(css(&bar, prop), css(&key, prop), "{prop} of {key:?}");
    }
    assert_eq!(legend.query_selector_all("li").unwrap().length(), 5);
}

#[wasm_bindgen_test]
async fn timeline_gives_the_reason_for_giving_up() {
    let lab = lab("permanent"); // a permanent error: side A cancels at once
    let view = lab.view;
    let (root, _mounted) = timeline_a(view);
    lab.run_to_end();
    tick().await;
    let status = text(&root, ".tl-row .tl-status");
    assert_eq!(
        status,
        format!(
            "✘ gave up after 1 attempt: {}",
            t(Lang::En, "give_up.permanent")
        )
    );
}

// ------------------------------------------------------------------ strips

#[wasm_bindgen_test]
async fn breaker_strip_shows_the_breaker_opening_in_the_outage() {
    let lab = lab("storm_breaker"); // side B has the breaker
    let view = lab.view;
    let root = container();
    let _mounted = mount_to(
        root.clone(),
        move || view! { <BreakerStrip view=view side=Side::B /> },
    );
    lab.advance_to(10_000);
    tick().await;
    assert!(
        find(&root, "[data-testid=breaker-strip]").is_some(),
        "the strategy has a breaker"
    );
    assert_eq!(
        text(&root, "[data-testid=breaker-now]").trim(),
        "● now: closed"
    );
    assert!(
        find(&root, ".strip-seg--open").is_none(),
        "healthy before the outage"
    );

    lab.advance_to(30_000);
    tick().await;
    let opened = view.run.with_value(|r| {
        let b = r.b.as_ref().expect("side B");
        b.model()
            .stats()
            .breaker_changes
            .iter()
            .filter(|(_, s)| *s == BreakerState::Open)
            .count()
    });
    assert!(opened > 0, "the engine opened the breaker");
    let open = find(&root, ".strip-seg--open").expect("an open stretch on the strip");
    let title = open.get_attribute("title").unwrap_or_default();
    assert!(
        title.starts_with("open from 1"),
        "opened during the outage (15–25 s): {title}"
    );
    let summary = text(&root, ".strip--breaker .visually-hidden");
    assert!(
        summary.contains(&format!("Times the breaker opened: {opened}.")),
        "{summary}"
    );
}

#[wasm_bindgen_test]
async fn strips_are_hidden_when_the_strategy_lacks_the_pattern() {
    let lab = lab("storm_breaker"); // side A: plain backoff; side B: a breaker, no budget
    let view = lab.view;
    let root = container();
    let _mounted = mount_to(root.clone(), move || {
        view! {
            <div class="side-a">
                <BreakerStrip view=view side=Side::A />
                <BudgetStrip view=view side=Side::A />
            </div>
            <div class="side-b">
                <BreakerStrip view=view side=Side::B />
                <BudgetStrip view=view side=Side::B />
            </div>
        }
    });
    lab.advance_to(5_000);
    tick().await;
    assert!(find(&root, ".side-a [data-testid=breaker-strip]").is_none());
    assert!(find(&root, ".side-a [data-testid=budget-strip]").is_none());
    assert!(find(&root, ".side-b [data-testid=breaker-strip]").is_some());
    assert!(find(&root, ".side-b [data-testid=budget-strip]").is_none());
}

#[wasm_bindgen_test]
async fn budget_strip_shows_the_level_against_the_threshold() {
    let lab = lab("storm_budget"); // side B: 20 tokens, retries stop at half
    let view = lab.view;
    let root = container();
    let _mounted = mount_to(
        root.clone(),
        move || view! { <BudgetStrip view=view side=Side::B /> },
    );
    lab.advance_to(20_000);
    tick().await;
    let (level, allows) = view.run.with_value(|r| {
        let b =
            r.b.as_ref()
                .expect("side B")
                .model()
                .budget()
                .expect("a budget");
        (b.milli_tokens() as f64 / 1000.0, b.allows_retry())
    });
    let now = text(&root, "[data-testid=budget-now]");
    let verdict = if allows {
        "retries allowed"
    } else {
        "retries paused"
    };
    assert!(now.contains(&format!("of 20 tokens · {verdict}")), "{now}");
    assert!(
        now.contains(&cloud_patterns_playground::charts::fmt_number(
            Lang::En,
            level
        )),
        "level {level}: {now}"
    );
    // The threshold line says what it means, in words.
    assert_eq!(
        text(&root, ".strip-budget-threshold-label"),
        "10 tokens or fewer: retries refused"
    );
    let path = find(&root, ".strip-budget-level")
        .unwrap()
        .get_attribute("d")
        .unwrap_or_default();
    assert!(
        path.starts_with('M') && path.contains('L'),
        "the level is drawn: {path}"
    );
}

#[wasm_bindgen_test]
async fn budget_strip_at_the_end_says_how_low_it_went_and_what_it_refused() {
    let lab = lab("storm_budget");
    let view = lab.view;
    let root = container();
    let _mounted = mount_to(
        root.clone(),
        move || view! { <BudgetStrip view=view side=Side::B /> },
    );
    lab.run_to_end();
    tick().await;
    let refused = view.run.with_value(|r| {
        let b = r.b.as_ref().expect("side B");
        b.model()
            .stats()
            .gave_up
            .get("budget")
            .copied()
            .unwrap_or(0)
    });
    assert!(refused > 0, "the budget refused retries in the outage");
    let now = text(&root, "[data-testid=budget-now]");
    // Refilled by the end: not a bare "20 of 20 tokens", but what happened.
    assert!(now.contains("run over: refilled to 20 of 20"), "{now}");
    assert!(now.contains("it fell to "), "{now}");
    assert!(
        now.contains(&format!("{} retries refused", fmt_count(Lang::En, refused))),
        "{now}"
    );
}

#[wasm_bindgen_test]
async fn quota_strip_shows_the_aws_quota_level_and_the_cost_of_a_retry() {
    let mut config = presets::find("storm_budget").expect("preset").config;
    let b = config.compare.as_mut().expect("side B");
    b.budget = None;
    b.retry_quota = Some(
        serde_json::from_str(
            r#"{"capacity":500,"retry_cost":5,"timeout_cost":10,"success_deposit":1,"scope":"shared"}"#,
        )
        .expect("a quota"),
    );
    let lab = lab_from(&config, 42);
    let view = lab.view;
    let root = container();
    let _mounted = mount_to(
        root.clone(),
        move || view! { <BudgetStrip view=view side=Side::B /> },
    );
    lab.advance_to(20_000);
    tick().await;
    let level = view.run.with_value(|r| {
        let q = r.b.as_ref().expect("side B").model().retry_quotas();
        assert_eq!(q.len(), 1, "one shared bucket");
        q[0].milli_tokens() as f64 / 1000.0
    });
    assert!(level < 500.0, "the outage drained the quota: {level}");
    assert_eq!(text(&root, ".strip-title"), "Retry quota (AWS SDKs)");
    let now = text(&root, "[data-testid=budget-now]");
    assert!(
        now.contains(&format!(
            "{} of 500 tokens",
            cloud_patterns_playground::charts::fmt_number(Lang::En, level)
        )),
        "{now}"
    );
    assert!(text(&root, "[data-testid=quota-cost]")
        .starts_with("a retry costs 5 tokens (10 after a timeout)"));
    let width = find(&root, "[data-testid=quota-level]")
        .and_then(|e| e.get_attribute("style"))
        .unwrap_or_default();
    assert_eq!(
        width,
        format!("width:{:.2}%", level / 5.0),
        "the bar is the level"
    );
}

#[wasm_bindgen_test]
async fn breaker_stretches_tell_what_they_are_by_click_and_by_keyboard() {
    let lab = lab("storm_breaker");
    let view = lab.view;
    let root = container();
    let _mounted = mount_to(
        root.clone(),
        move || view! { <BreakerStrip view=view side=Side::B /> },
    );
    lab.advance_to(30_000);
    tick().await;
    let hint = text(&root, "[data-testid=strip-tip]");
    assert!(hint.contains("← →"), "how to read a stretch: {hint}");
    // A click (or a tap) on a stretch writes its text under the strip.
    let open = find(&root, ".strip-seg--open").expect("an open stretch");
    open.unchecked_ref::<HtmlElement>().click();
    tick().await;
    assert_eq!(
        text(&root, "[data-testid=strip-tip]"),
        open.get_attribute("data-tip").unwrap_or_default()
    );
    assert!(open.class_list().contains("tip-picked"));
    // The keyboard: Home, then → goes to the next stretch, in time order.
    let body = find(&root, "[data-testid=breaker-body]").expect("the strip's body");
    assert_eq!(body.get_attribute("tabindex").as_deref(), Some("0"));
    let key = |k: &str| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(k);
        init.set_bubbles(true);
        let ev =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        body.dispatch_event(&ev).unwrap();
    };
    let tips: Vec<String> = root
        .query_selector_all("[data-testid=breaker-seg]")
        .map(|list| {
            (0..list.length())
                .filter_map(|i| list.item(i))
                .filter_map(|n| n.dyn_into::<Element>().ok())
                .filter_map(|e| e.get_attribute("data-tip"))
                .collect()
        })
        .unwrap_or_default();
    assert!(tips.len() >= 2, "closed, then open: {tips:?}");
    key("Home");
    tick().await;
    assert_eq!(text(&root, "[data-testid=strip-tip]"), tips[0]);
    assert!(tips[0].starts_with("closed from 0 s"), "{}", tips[0]);
    key("ArrowRight");
    tick().await;
    assert_eq!(text(&root, "[data-testid=strip-tip]"), tips[1]);
}

// ------------------------------------------------------------------ charts

/// One request's histogram counts requests in whole numbers: its axis read
/// 0, 0.25, 0.5, 0.75, 1 requests.
#[wasm_bindgen_test]
async fn one_request_s_histogram_ticks_in_whole_requests() {
    let lab = lab("tenacity");
    let view = lab.view;
    let root = container();
    let _mounted = mount_to(
        root.clone(),
        move || view! { <RetryCharts view=view side=Side::A /> },
    );
    lab.run_to_end();
    tick().await;
    let ticks = root
        .query_selector_all("[data-testid=chart-attempts] .chart-grid text")
        .unwrap();
    assert!(ticks.length() >= 2);
    for i in 0..ticks.length() {
        let t = ticks.item(i).unwrap().text_content().unwrap_or_default();
        assert!(!t.contains('.'), "a tick of {t:?} requests");
    }
}

#[wasm_bindgen_test]
async fn histogram_table_matches_the_engine_counts() {
    let lab = lab("herd"); // 40 clients, up to 20 attempts each
    let view = lab.view;
    let root = container();
    let _mounted = mount_to(
        root.clone(),
        move || view! { <RetryCharts view=view side=Side::A /> },
    );
    lab.run_to_end();
    tick().await;

    let attempts = view
        .run
        .with_value(|r| r.a.model().stats().attempts.clone());
    let finished: u64 = attempts.iter().map(|r| r[0] + r[1]).sum();
    assert_eq!(finished, 40, "every client finished");
    let body =
        find(&root, "[data-testid=chart-attempts] table tbody").expect("the histogram's table");
    let rows = body.children();
    let mut seen = 0;
    for i in 0..rows.length() {
        let cells = child_texts(&rows.item(i).unwrap());
        let n: usize = cells[0].parse().expect("attempts count");
        assert_eq!(
            cells[1],
            attempts[n][0].to_string(),
            "succeeded after {n} attempts"
        );
        assert_eq!(
            cells[2],
            attempts[n][1].to_string(),
            "gave up after {n} attempts"
        );
        seen += attempts[n][0] + attempts[n][1];
    }
    assert_eq!(
        seen, finished,
        "the table accounts for every finished request"
    );
    let summary = text(&root, "[data-testid=chart-attempts] .chart-summary");
    assert!(summary.starts_with("Finished requests: 40"), "{summary}");
}

#[wasm_bindgen_test]
async fn load_chart_shades_the_outage_and_latency_chart_reports_percentiles() {
    let lab = lab("storm_breaker");
    let view = lab.view;
    let root = container();
    let _mounted = mount_to(
        root.clone(),
        move || view! { <RetryCharts view=view side=Side::B /> },
    );

    // Before anything happened, the charts say so instead of drawing nothing.
    tick().await;
    assert_eq!(
        text(&root, "[data-testid=chart-load] .chart-empty"),
        t(Lang::En, "chart.no_data")
    );

    lab.advance_to(40_000);
    tick().await;
    let load = find(&root, "[data-testid=chart-load]").unwrap();
    assert_eq!(
        load.query_selector_all_len(".chart-band"),
        1,
        "one outage window"
    );
    assert!(text(&load, ".chart-legend").contains("service down"));
    assert!(text(&load, ".chart-legend").contains("calls sent /s (offered load)"));
    let polylines = load.query_selector_all_len("polyline");
    assert_eq!(polylines, 3, "succeeded, calls, new requests");

    let m = view
        .run
        .with_value(|r| r.b.as_ref().unwrap().model().stats().metrics());
    let summary = text(&root, "[data-testid=chart-latency] .chart-summary");
    assert!(
        summary.contains(&fmt_ms(Lang::En, m.p50_ms.unwrap())),
        "{summary}"
    );
    assert!(
        summary.contains(&fmt_ms(Lang::En, m.p99_ms.unwrap())),
        "{summary}"
    );
}

#[wasm_bindgen_test]
async fn switching_language_relabels_every_view() {
    let lab = lab("storm_budget");
    let view = lab.view;
    let root = container();
    let _mounted = mount_to(root.clone(), move || {
        view! {
            <RetryStage view=view side=Side::A />
            <BudgetStrip view=view side=Side::B />
            <RequestTimeline view=view side=Side::A />
            <RetryCharts view=view side=Side::A />
        }
    });
    lab.advance_to(20_000);
    tick().await;
    let english = (
        text(&root, "[data-testid=chart-load] .chart-title"),
        text(&root, "[data-testid=count-in-flight]"),
        text(&root, ".strip--budget .strip-title"),
        text(&root, ".tl-title"),
    );
    assert_eq!(english.0, "Offered load vs useful work");
    assert!(english.1.ends_with("in flight"));

    lab.lang.set(Lang::Es);
    tick().await;
    assert_eq!(
        text(&root, "[data-testid=chart-load] .chart-title"),
        t(Lang::Es, "retry.charts.load_title")
    );
    assert!(text(&root, "[data-testid=count-in-flight]").ends_with("en curso"));
    assert_eq!(
        text(&root, ".strip--budget .strip-title"),
        "Presupuesto de reintentos"
    );
    assert_eq!(text(&root, ".tl-title"), "Solicitudes recientes");

    lab.lang.set(Lang::Pt);
    tick().await;
    assert_eq!(text(&root, ".tl-title"), "Requisições recentes");
    assert!(text(&root, "[data-testid=count-in-flight]").ends_with("em andamento"));
    assert_ne!(
        text(&root, "[data-testid=chart-load] .chart-title"),
        english.0
    );
}

/// Counting matches without `NodeList` (not among the enabled web-sys features).
trait CountMatches {
    fn query_selector_all_len(&self, selector: &str) -> u32;
}

impl CountMatches for Element {
    fn query_selector_all_len(&self, selector: &str) -> u32 {
        let mut count = 0;
        let mut stack = vec![self.clone()];
        while let Some(el) = stack.pop() {
            let children = el.children();
            for i in 0..children.length() {
                let child = children.item(i).unwrap();
                if child.matches(selector).unwrap_or(false) {
                    count += 1;
                }
                stack.push(child);
            }
        }
        count
    }
}

// ------------------------------------------------------------------ issue 6: scales and small runs

/// Adds the app's component stylesheet to the test page (once), so layout
/// rules such as minimum widths can be measured.
fn with_stylesheet() {
    common::style_once("components-css", include_str!("../style/components.css"));
}

#[wasm_bindgen_test]
async fn a_and_b_timelines_share_one_time_axis() {
    let lab = lab("herd"); // A (no jitter) runs ~32 s, B (full jitter) ~4 s
    let view = lab.view;
    let root = container();
    let _mounted = mount_to(root.clone(), move || {
        view! {
            <div class="side-a"><RequestTimeline view=view side=Side::A /></div>
            <div class="side-b"><RequestTimeline view=view side=Side::B /></div>
        }
    });
    lab.run_to_end();
    tick().await;
    let ticks = |side: &str| {
        child_texts(
            &find(
                &root,
                &format!(".side-{side} [data-testid=timeline-axis] .tl-track"),
            )
            .unwrap(),
        )
    };
    let (a, b) = (ticks("a"), ticks("b"));
    assert_eq!(a, b, "the same ticks on both sides");
    let end_s = view
        .run
        .with_value(|r| r.a.model().stats().last_finish.as_micros() as f64 / 1e6);
    assert!(end_s > 30.0, "A's herd takes over 30 s ({end_s})");
    let last = a.last().unwrap().clone();
    let last_s: f64 = last
        .trim_end_matches(" s")
        .parse()
        .expect("ticks in whole seconds");
    assert!(
        last_s >= end_s,
        "the axis reaches A's end: {last} vs {end_s} s"
    );
    assert!(
        text(&root, ".side-b [data-testid=timeline-x-label]").contains("one axis for A and B"),
        "the label says so"
    );
    // B's requests all end within its ~4 s: their bars sit in the first sixth.
    let track = find(&root, ".side-b .tl-rows .tl-row .tl-track").unwrap();
    let children = track.children();
    for i in 0..children.length() {
        let style = children
            .item(i)
            .unwrap()
            .get_attribute("style")
            .unwrap_or_default();
        let left: f64 = style
            .trim_start_matches("left:")
            .split('%')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            left < 100.0 / 6.0,
            "B's bars start early on the shared axis: {style}"
        );
    }
}

#[wasm_bindgen_test]
async fn a_single_request_gets_no_rates_or_percentiles() {
    let lab = lab("tenacity"); // one request
    let view = lab.view;
    let root = container();
    let _mounted = mount_to(
        root.clone(),
        move || view! { <RetryCharts view=view side=Side::A /> },
    );
    lab.run_to_end();
    tick().await;
    assert!(
        find(&root, "[data-testid=chart-load]").is_none(),
        "no rate chart"
    );
    assert!(find(&root, "[data-testid=chart-load-skipped]").is_some());
    let latency = find(&root, "[data-testid=chart-latency]").expect("the latency figure");
    assert!(
        find(&latency, "svg.chart-svg").is_none(),
        "no p99 of one sample"
    );
    let took = view
        .run
        .with_value(|r| r.a.model().stats().metrics().p50_ms.unwrap());
    let empty = text(&latency, ".chart-empty");
    assert!(empty.starts_with("One request: it took"), "{empty}");
    assert!(empty.contains(&fmt_ms(Lang::En, took)), "{empty}");
}

#[wasm_bindgen_test]
async fn percentiles_wait_for_enough_successes() {
    let lab = lab("storm_jitter");
    let view = lab.view;
    let root = container();
    let _mounted = mount_to(
        root.clone(),
        move || view! { <RetryCharts view=view side=Side::A /> },
    );
    // Step until a few requests (but fewer than 20) have succeeded.
    let mut at = 0;
    loop {
        at += 20;
        lab.advance_to(at);
        let ok = view.run.with_value(|r| r.a.model().stats().succeeded);
        if ok >= 3 || at > 5_000 {
            assert!(ok < MIN_FOR_PERCENTILES, "{ok} successes at {at} ms");
            break;
        }
    }
    tick().await;
    let latency = find(&root, "[data-testid=chart-latency]").unwrap();
    assert!(find(&latency, "svg.chart-svg").is_none());
    assert!(text(&latency, ".chart-empty").contains("from 20 successful requests on"));
    lab.advance_to(10_000);
    tick().await;
    let latency = find(&root, "[data-testid=chart-latency]").unwrap();
    assert!(
        find(&latency, "svg.chart-svg").is_some(),
        "drawn once there are enough"
    );
}

#[wasm_bindgen_test]
async fn the_herd_chart_counts_calls_in_slices_that_fit_the_run() {
    let lab = lab("herd");
    let view = lab.view;
    let root = container();
    let _mounted = mount_to(root.clone(), move || {
        view! {
            <div class="side-a"><RetryCharts view=view side=Side::A /></div>
            <div class="side-b"><RetryCharts view=view side=Side::B /></div>
        }
    });
    // Early on: 10-ms slices (a herd's waves are a latency wide).
    lab.advance_to(2_000);
    tick().await;
    let slice = view.run.with_value(herd_slice_ms);
    assert_eq!(slice, 10.0, "the first 2 s fit 10-ms slices");
    assert_eq!(
        text(&root, ".side-b [data-testid=chart-herd] .chart-title"),
        "Calls sent per 10 ms"
    );
    assert!(
        find(&root, "[data-testid=chart-load]").is_none(),
        "no per-second rates for a herd"
    );

    lab.run_to_end();
    tick().await;
    let slice = view.run.with_value(herd_slice_ms);
    let (end_a, end_b, calls_a) = view.run.with_value(|r| {
        let s = |sim: &engine::labs::retry::RetrySim| {
            sim.model().stats().last_finish.as_micros() as f64 / 1000.0
        };
        (s(&r.a), s(r.b.as_ref().unwrap()), r.a.model().stats().calls)
    });
    // The slice fits the longer run in at most 240 slices, and is no wider than needed.
    assert!(
        end_a / slice <= 241.0 && end_a / (slice / 2.0) > 240.0,
        "{slice} ms for {end_a} ms"
    );
    // Each side's x axis fits its own run: B's axis ends near 4 s, not at A's 32 s.
    let b_label = text(&root, ".side-b [data-testid=chart-herd] .chart-axis-label");
    assert!(
        b_label.contains(&format!("0 to {}", fmt_ms(Lang::En, end_b))) && end_b < 5_000.0,
        "{b_label} (B ends at {end_b} ms)"
    );
    // The hidden table accounts for every call.
    let rows = find(&root, ".side-a [data-testid=chart-herd] table tbody")
        .unwrap()
        .children();
    let total: u64 = (0..rows.length())
        .map(|i| {
            child_texts(&rows.item(i).unwrap())[1]
                .replace(',', "")
                .parse::<u64>()
                .unwrap()
        })
        .sum();
    assert_eq!(total, calls_a);
}

#[wasm_bindgen_test]
async fn half_open_stretches_are_at_least_three_pixels_with_marks_and_counts() {
    with_stylesheet();
    let lab = lab("storm_breaker"); // B: opens in the outage, probes every 3 s
    let view = lab.view;
    let root = container();
    root.set_attribute("style", "width: 640px").unwrap();
    let _mounted = mount_to(
        root.clone(),
        move || view! { <BreakerStrip view=view side=Side::B /> },
    );
    lab.run_to_end();
    tick().await;
    let (opened, half) = view.run.with_value(|r| {
        let changes = &r.b.as_ref().unwrap().model().stats().breaker_changes;
        let n = |s: BreakerState| changes.iter().filter(|(_, x)| *x == s).count();
        (n(BreakerState::Open), n(BreakerState::HalfOpen))
    });
    assert!(half > 0, "the breaker probed");
    assert_eq!(
        text(&root, "[data-testid=breaker-counts]"),
        format!("opened {opened}×, half-open {half}×")
    );
    let track = find(&root, ".strip-track").unwrap();
    let children = track.children();
    let mut seen = 0;
    for i in 0..children.length() {
        let seg = children.item(i).unwrap();
        if seg.class_list().contains("strip-seg--half-open") {
            let w = seg.get_bounding_client_rect().width();
            assert!(w >= 2.99, "a half-open stretch {w} px wide");
            seen += 1;
        }
    }
    assert_eq!(seen, half, "every half-open stretch is drawn");
    let marks = root.query_selector_all_len("[data-testid=half-open-mark]");
    assert!(
        marks >= 1 && marks as usize <= half,
        "{marks} marks for {half} half-open stretches"
    );
}

#[wasm_bindgen_test]
async fn the_log_shows_fewer_lines_while_playing() {
    use cloud_patterns_playground::labs::retry::log::{RetryLog, SHOWN, SHOWN_PLAYING};
    let lab = lab("storm_jitter");
    let view = lab.view;
    let playing = RwSignal::new(true);
    let root = container();
    let _mounted = mount_to(
        root.clone(),
        move || view! { <RetryLog view=view playing=playing /> },
    );
    lab.advance_to(20_000);
    tick().await;
    let lines = |root: &Element| {
        find(root, "[data-testid=log-a]")
            .unwrap()
            .query_selector_all_len("[data-testid=log-entry]") as usize
    };
    assert_eq!(lines(&root), SHOWN_PLAYING, "a short log while playing");
    playing.set(false);
    tick().await;
    assert_eq!(lines(&root), SHOWN, "the full log when paused");
}

/// The x of the chart's "now" line and its share of the x axis.
fn now_share(chart: &Element) -> Option<f64> {
    let now = chart.query_selector("line.chart-now").unwrap()?;
    let axis = chart.query_selector("line.chart-axis").unwrap()?;
    let f = |e: &Element, a: &str| -> f64 { e.get_attribute(a).unwrap().parse().unwrap() };
    let (x0, x1) = (f(&axis, "x1"), f(&axis, "x2"));
    Some((f(&now, "x1") - x0) / (x1 - x0))
}

/// The full charts span the run's whole time window, so mid-run a "now" line
/// says how far the run has got: on the load chart at the clock's share of
/// the time domain, moving with it; on the herd's chart (whose axis fits the
/// run so far) at its end.
#[wasm_bindgen_test]
async fn the_full_charts_mark_now_and_it_moves_with_the_clock() {
    use cloud_patterns_playground::labs::retry::charts::time_domain_s;
    let storm = lab("storm_breaker");
    let view = storm.view;
    let root = container();
    let _mounted = mount_to(
        root.clone(),
        move || view! { <RetryCharts view=view side=Side::A /> },
    );
    let mut shares = vec![];
    for ms in [10_000, 20_000, 40_000] {
        storm.advance_to(ms);
        tick().await;
        let chart = find(&root, "[data-testid=chart-load]").unwrap();
        let share = now_share(&chart).expect("a now line on the load chart");
        assert_eq!(text(&chart, ".chart-now-label"), "now", "the line is named");
        let domain_s = view.run.with_value(time_domain_s);
        assert!(
            (share - ms as f64 / 1000.0 / domain_s).abs() < 0.003,
            "{ms} ms: {share} vs {}",
            ms as f64 / 1000.0 / domain_s
        );
        shares.push(share);
    }
    assert!(
        (shares[2] - shares[1] - 2.0 * (shares[1] - shares[0])).abs() < 0.005,
        "{shares:?}"
    );

    let herd = lab("herd");
    let hv = herd.view;
    let root = container();
    let _mounted = mount_to(
        root.clone(),
        move || view! { <RetryCharts view=hv side=Side::A /> },
    );
    herd.advance_to(1_000);
    tick().await;
    let chart = find(&root, "[data-testid=chart-herd]").expect("the herd's chart");
    // The herd's axis fits the side's run so far, so mid-run now is its end.
    let share = now_share(&chart).expect("a now line on the herd's chart");
    assert!((share - 1.0).abs() < 0.003, "{share}");
}

/// The waiting lane's "retry in …" notes never go over each other (herd's A
/// at 30 s: two notes printed over each other), and a dot on a numbered one
/// keeps its number to itself (two "19"s).
#[wasm_bindgen_test]
fn lane_notes_and_attempt_numbers_never_overprint() {
    use cloud_patterns_playground::labs::retry::stage::{note_spot, numbered, NoteRoom};
    let room = NoteRoom {
        r: 6.0,
        px: 11.0,
        right: 400.0,
        left: 4.0,
        lane_y: 100.0,
    };
    let spots = |rings: &[(f64, f64)]| {
        let mut taken = Vec::new();
        rings
            .iter()
            .map(|&at| note_spot(&mut taken, at, 80.0, room))
            .collect::<Vec<_>>()
    };
    // Two rings at one spot, a third far off.
    let got = spots(&[(200.0, 120.0), (201.0, 121.0), (60.0, 120.0)]);
    let (a, b, c) = (got[0].unwrap(), got[1].unwrap(), got[2].unwrap());
    assert_eq!(a, (210.0, 113.0));
    assert!(
        (b.1 - a.1).abs() >= 12.0,
        "the second a line lower: {a:?} {b:?}"
    );
    assert_eq!(c, (70.0, 113.0), "a far note keeps its spot");
    // A third at the same spot has no room left: left out.
    let got = spots(&[(200.0, 120.0), (200.0, 120.0), (200.0, 120.0)]);
    assert_eq!(got.iter().filter(|s| s.is_some()).count(), 2);
    // Near the stage's right edge the note goes left of its ring.
    assert_eq!(spots(&[(380.0, 120.0)])[0], Some((290.0, 113.0)));
    let mut kept = Vec::new();
    let got: Vec<bool> = [(10.0, 10.0), (12.0, 11.0), (40.0, 10.0)]
        .into_iter()
        .map(|at| numbered(&mut kept, at, 6.0))
        .collect();
    assert_eq!(got, [true, false, true]);
}

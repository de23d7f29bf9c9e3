//! Component tests of the choreography lab's views, in a real browser: each test
//! builds a run from an engine preset, mounts one view into its own `<div>`, moves
//! the run on, bumps the tick as the player would, waits a tick for effects, and
//! checks the DOM against the engine's own state.
//!
//! wasm32 only: `cargo test --target wasm32-unknown-unknown -p
//! cloud-patterns-playground --test choreography_components` (headless Chromium via
//! wasm-bindgen-test-runner; `CHROMEDRIVER=/usr/bin/chromedriver`).
#![cfg(target_arch = "wasm32")]

use cloud_patterns_playground::labs::choreography::controls::ChoreoControls;
use cloud_patterns_playground::labs::choreography::stage::{ChoreoStage, MAX_CELLS, MAX_TOKENS};
use cloud_patterns_playground::labs::choreography::story::OrderViews;
use cloud_patterns_playground::labs::choreography::{ChoreoView, Picked};
use engine::labs::choreography::config::ServiceId;
use engine::labs::choreography::view::{self as cv, Status};
use engine::labs::choreography::{presets, ChoreoRun, ChoreographyConfig};
use engine::validate::ConfigError;
use engine::{Lang, SimTime};
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

mod common;

wasm_bindgen_test_configure!(run_in_browser);

fn view_of(config: &ChoreographyConfig, seed: u64) -> ChoreoView {
    ChoreoView {
        run: StoredValue::new_local(ChoreoRun::new(config, seed).expect("valid config")),
        tick: RwSignal::new(0),
        lang: Signal::stored(Lang::En),
        seed: Signal::stored(seed),
    }
}

fn preset(id: &str) -> ChoreoView {
    let p = presets::all()
        .into_iter()
        .find(|p| p.id == id)
        .expect("preset exists");
    view_of(&p.config, p.seed)
}

fn advance_to(view: ChoreoView, ms: u64) {
    view.run.update_value(|r| {
        r.run_to(SimTime::from_ms(ms), u64::MAX);
    });
    view.tick.update(|t| *t += 1);
}

fn run_to_end(view: ChoreoView) {
    view.run.update_value(|r| {
        r.run_to_end(u64::MAX);
    });
    view.tick.update(|t| *t += 1);
}

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

/// Whether two boxes do not overlap (touching within `slack` px is apart).
fn apart(a: &web_sys::DomRect, b: &web_sys::DomRect, slack: f64) -> bool {
    a.right() <= b.left() + slack
        || b.right() <= a.left() + slack
        || a.bottom() <= b.top() + slack
        || b.bottom() <= a.top() + slack
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).expect("valid selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into())
        .collect()
}

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .expect("valid selector")
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// Both sides' stages of `view`, with the page's own stylesheets: its fonts,
/// at the sizes it draws them.
fn both_stages_styled(view: ChoreoView) -> (HtmlElement, impl Drop) {
    let (root, _, keep) = mount(move || {
        view! { <ChoreoStage view=view side=0 /><ChoreoStage view=view side=1 /> }.into_any()
    });
    common::style_in(
        &root,
        concat!(
            include_str!("../style/main.css"),
            include_str!("../style/components.css"),
            include_str!("../style/lab-choreography.css")
        ),
    );
    (root, keep)
}

/// Sets the stages' width and starts `view` again on preset `p` (a run cannot
/// go back in time); the stage measures its new width before it draws at it.
async fn restart_at_width(
    root: &HtmlElement,
    view: ChoreoView,
    p: &engine::labs::LabPreset<ChoreographyConfig>,
    width: u32,
) {
    root.set_attribute("style", &format!("width: {width}px"))
        .unwrap();
    view.run
        .set_value(ChoreoRun::new(&p.config, p.seed).unwrap());
    view.tick.update(|t| *t += 1);
    settle().await;
}

/// Mounts `f` with a shared picked order, as the page provides it.
fn mount(f: impl FnOnce() -> AnyView + 'static) -> (HtmlElement, RwSignal<Option<u32>>, impl Drop) {
    let root = container();
    let picked = RwSignal::new(None);
    let handle = mount_to(root.clone(), move || {
        provide_context(Picked(picked));
        f()
    });
    (root, picked, Unmount(Some(handle)))
}

struct Unmount<T>(Option<T>);
impl<T> Drop for Unmount<T> {
    fn drop(&mut self) {
        self.0.take();
    }
}

#[wasm_bindgen_test]
async fn the_stage_draws_a_lane_per_service_of_the_run_on_both_sides() {
    let view = preset("demo");
    let (root, _, _keep) = mount(move || {
        view! { <ChoreoStage view=view side=0 /><ChoreoStage view=view side=1 /> }.into_any()
    });
    tick().await;
    let services = view.run.with_value(|r| cv::services(r.sides[0].model()));
    assert_eq!(services.len(), ServiceId::ALL.len());
    for side in 0..2 {
        let stage = root
            .query_selector(&format!("[data-testid=choreo-stage-{side}]"))
            .unwrap()
            .expect("the stage");
        for s in &services {
            assert_eq!(
                all(&stage, &format!("[data-lane={}]", s.key())).len(),
                1,
                "side {side}: lane {}",
                s.key()
            );
        }
        // The customer on both; the orchestrator only where it runs.
        assert_eq!(all(&stage, "[data-lane=customer]").len(), 1);
        assert_eq!(all(&stage, "[data-lane=orchestrator]").len(), side);
    }
    // Once the order is placed, its first event travels as a token numbered 1.
    advance_to(view, 10);
    tick().await;
    let a = root
        .query_selector("[data-testid=choreo-stage-0]")
        .unwrap()
        .unwrap();
    let tokens = all(&a, "[data-testid=token]");
    assert!(!tokens.is_empty(), "a token is on its way");
    assert!(tokens
        .iter()
        .all(|t| t.get_attribute("data-order").as_deref() == Some("0")));
    assert!(a.text_content().unwrap().contains("order_placed"));
}

#[wasm_bindgen_test]
async fn the_stage_and_status_strip_stay_bounded_with_many_orders() {
    let p = presets::all()
        .into_iter()
        .find(|p| p.id == "orchestrator_down")
        .unwrap();
    let view = view_of(&p.config, p.seed);
    let (root, _, _keep) = mount(move || view! { <ChoreoStage view=view side=0 /> }.into_any());
    advance_to(view, 1_500);
    tick().await;
    let orders = view.run.with_value(|r| r.sides[0].model().orders().len());
    assert!(orders > 100, "{orders} orders placed");
    assert!(all(&root, "[data-testid=token]").len() <= MAX_TOKENS);
    assert!(all(&root, ".choreo-cell").len() <= MAX_CELLS);
    // The status bar's counts are the engine's.
    let counts = view
        .run
        .with_value(|r| cv::status_counts(r.sides[0].model()));
    for s in Status::ALL {
        let seg = text(&root, &format!("[data-status={}]", s.key()));
        if counts[s.index()] > 0 {
            assert!(
                seg.starts_with(&counts[s.index()].to_string()),
                "{}: {seg}",
                s.key()
            );
        } else {
            assert!(seg.is_empty());
        }
    }
}

#[wasm_bindgen_test]
async fn where_is_shows_the_missing_hop_of_a_lost_event_and_the_orchestrators_state() {
    let view = preset("event_lost");
    let (root, picked, _keep) = mount(move || {
        view! { <OrderViews view=view side=0 /><OrderViews view=view side=1 /> }.into_any()
    });
    run_to_end(view);
    tick().await;
    // No order picked: the most telling one, side A's first stuck order.
    let stuck = view
        .run
        .with_value(|r| cv::notable_order(r.sides[0].model()))
        .unwrap();
    let status = view
        .run
        .with_value(|r| cv::status(&r.sides[0].model().orders()[stuck as usize]));
    assert_eq!(status, Status::Stuck);
    let a = root
        .query_selector("[data-testid=story-0]")
        .unwrap()
        .unwrap();
    assert!(text(&a, ".choreo-where h3").contains(&format!("#{}", stuck + 1)));
    assert_eq!(text(&a, "[data-testid=where-status]"), "stuck");
    let missing = all(&a, "[data-testid=missing-hop]");
    assert!(!missing.is_empty());
    assert_eq!(
        missing[0].get_attribute("data-why").as_deref(),
        Some("lost")
    );
    // The sequence diagram draws it as the hop that never happened.
    assert!(!all(&a, "[data-testid=seq-missing]").is_empty());
    // Each service's own fragment is listed.
    assert_eq!(all(&a, ".choreo-fragments li").len(), ServiceId::ALL.len());
    // Orchestration: the orchestrator's state for the same order; no missing hop.
    let b = root
        .query_selector("[data-testid=story-1]")
        .unwrap()
        .unwrap();
    assert!(text(&b, ".choreo-where h3").contains(&format!("#{}", stuck + 1)));
    assert!(!text(&b, "[data-testid=orchestrator-state]").is_empty());
    assert!(all(&b, "[data-testid=missing-hop]").is_empty());
    // Picking another order shows it on both sides.
    picked.set(Some(0));
    tick().await;
    assert!(text(&a, ".choreo-where h3").contains("#1"));
    assert!(text(&b, ".choreo-where h3").contains("#1"));
    // A new world (another preset) forgets the picked order.
    let p = presets::all()
        .into_iter()
        .find(|p| p.id == "watcher")
        .unwrap();
    view.run
        .set_value(ChoreoRun::new(&p.config, p.seed).unwrap());
    view.tick.update(|t| *t += 1);
    tick().await;
    assert_eq!(picked.get_untracked(), None);
}

/// A token leaves the bus once its listener has acted on it: tokens cross
/// slower than messages do (to be seen), and paused at payment_rejected's
/// last moment A's payment_rejected and inventory_released still travelled,
/// long after the story showed them handled. A message still in flight is drawn.
#[wasm_bindgen_test]
async fn a_token_leaves_the_bus_once_its_listener_has_acted() {
    use engine::labs::choreography::config::Topic;
    use engine::labs::choreography::ChoreoRecord;
    let view = preset("payment_rejected");
    let (root, _, _keep) = mount(move || view! { <ChoreoStage view=view side=0 /> }.into_any());
    let labels = |root: &Element| -> Vec<String> {
        all(root, ".choreo-token-label")
            .iter()
            .map(|e| e.text_content().unwrap_or_default())
            .collect()
    };
    // Just after payment_rejected is published: on its way.
    let p = presets::all()
        .into_iter()
        .find(|p| p.id == "payment_rejected")
        .unwrap();
    let mut straight = ChoreoRun::new(&p.config, p.seed).unwrap();
    straight.run_to_end(u64::MAX);
    let published = straight.sides[0]
        .trace()
        .entries()
        .find_map(|e| match e.record {
            ChoreoRecord::Published {
                topic: Topic::PaymentRejected,
                ..
            } => Some(e.at),
            _ => None,
        })
        .expect("published")
        .as_micros()
        / 1000;
    advance_to(view, published + 1);
    tick().await;
    assert!(
        labels(&root).iter().any(|l| l == "payment_rejected"),
        "{:?}",
        labels(&root)
    );
    // At the last moment both have been handled: neither is on the bus.
    advance_to(view, p.moments.last().unwrap().at_ms);
    tick().await;
    let now = labels(&root);
    assert!(
        !now.iter()
            .any(|l| l == "payment_rejected" || l == "inventory_released"),
        "{now:?}"
    );
}

/// Every service's name inside its box, in the language with the longest
/// names (Portuguese: "Pagamento" ran past its box on a phone), from half a
/// phone to a desktop card, both modes.
#[wasm_bindgen_test]
async fn every_lane_name_stays_inside_its_box() {
    let p = presets::all()
        .into_iter()
        .find(|p| p.id == "payment_rejected")
        .unwrap();
    let view = ChoreoView {
        lang: Signal::stored(Lang::Pt),
        ..view_of(&p.config, p.seed)
    };
    let (root, _keep) = both_stages_styled(view);
    advance_to(view, 300);
    let mut checked = 0;
    for width in [170, 340, 600] {
        root.set_attribute("style", &format!("width: {width}px"))
            .unwrap();
        settle().await;
        view.tick.update(|t| *t += 1);
        settle().await;
        for name in all(&root, ".choreo-lane-name") {
            let g = name.parent_element().unwrap();
            let Some(rect) = g.query_selector("rect").unwrap() else {
                continue;
            };
            let (b, n) = (
                rect.get_bounding_client_rect(),
                name.get_bounding_client_rect(),
            );
            let what = format!("{width} px: {:?}", name.text_content());
            assert!(
                n.left() >= b.left() - 0.5 && n.right() <= b.right() + 0.5,
                "{what}: {} in {}",
                at(&n),
                at(&b)
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked}");
}

/// The guided moment "the bus just lost A's payment_processed" comes when
/// A's stage shows it: the lost token has reached its ✕ on the bus (at the
/// loss itself the token still sat on the payment box, and only B's
/// stage showed "✕ lost").
#[wasm_bindgen_test]
async fn the_moment_of_a_lost_event_shows_its_cross_on_as_stage() {
    for id in ["event_lost", "watcher"] {
        let view = preset(id);
        let (root, _, _keep) = mount(move || view! { <ChoreoStage view=view side=0 /> }.into_any());
        let p = presets::all().into_iter().find(|p| p.id == id).unwrap();
        advance_to(view, p.moments[0].at_ms);
        tick().await;
        let lost: Vec<String> = all(&root, ".choreo-lost")
            .iter()
            .map(|e| e.text_content().unwrap_or_default())
            .collect();
        assert!(lost.iter().any(|l| l.starts_with('✕')), "{id}: {lost:?}");
    }
}

/// "✕ lost" covers no service's name and no other mark: drawn at its
/// token's foot, it ran over the box the message was heading for (B's
/// "Pa✕perdida" over "Pagamento" in a 365 px compact embed, Portuguese).
#[wasm_bindgen_test]
async fn a_lost_mark_keeps_off_the_boxes_names_and_other_marks() {
    let p = presets::all()
        .into_iter()
        .find(|p| p.id == "event_lost")
        .unwrap();
    let view = ChoreoView {
        lang: Signal::stored(Lang::Pt),
        ..view_of(&p.config, p.seed)
    };
    let (root, _keep) = both_stages_styled(view);
    let mut checked = 0;
    for width in [365, 600] {
        restart_at_width(&root, view, &p, width).await;
        for ms in (2_000..6_000).step_by(20) {
            advance_to(view, ms);
            tick().await;
            let lost: Vec<_> = all(&root, ".choreo-lost")
                .iter()
                .map(|e| e.get_bounding_client_rect())
                .collect();
            let names: Vec<_> = all(&root, ".choreo-lane-name")
                .iter()
                .map(|e| e.get_bounding_client_rect())
                .collect();
            let labels: Vec<_> = all(&root, ".choreo-token-label")
                .iter()
                .map(|e| e.get_bounding_client_rect())
                .collect();
            for (i, l) in lost.iter().enumerate() {
                for n in &names {
                    assert!(
                        apart(l, n, 1.0),
                        "{width} px, {ms} ms: ✕ lost {} over a name {}",
                        at(l),
                        at(n)
                    );
                }
                for o in lost[i + 1..].iter().chain(&labels) {
                    assert!(
                        apart(l, o, 1.0),
                        "{width} px, {ms} ms: ✕ lost {} over {}",
                        at(l),
                        at(o)
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "lost marks checked: {checked}");
}

/// Where a story had it wrong: a declined charge read as a lost event
/// ("never arrived — the bus lost it", Payment "nothing about this order");
/// an undone order with stock still held showed only "undone"; a service's
/// line kept its last three entries, hiding the duplicated steps.
#[wasm_bindgen_test]
async fn stories_tell_a_decline_an_inconsistency_and_every_duplicate() {
    let view = preset("payment_rejected");
    let (root, picked, _keep) = mount(move || {
        view! { <OrderViews view=view side=0 /><OrderViews view=view side=1 /> }.into_any()
    });
    run_to_end(view);
    let rejected = view
        .run
        .with_value(|r| r.sides[0].model().orders().iter().position(|o| o.rejected))
        .expect("a declined order") as u32;
    picked.set(Some(rejected));
    tick().await;
    let a = root
        .query_selector("[data-testid=story-0]")
        .unwrap()
        .unwrap();
    assert!(all(&a, "[data-testid=missing-hop]").is_empty());
    let payment = a
        .query_selector(".choreo-fragments li[data-service=payment]")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap_or_default();
    assert!(payment.contains("✗ payment declined"), "{payment}");
    let b = root
        .query_selector("[data-testid=story-1]")
        .unwrap()
        .unwrap();
    let seq = b.text_content().unwrap_or_default();
    assert!(seq.contains("✗ payment declined"), "{seq}");
    drop(_keep);

    let view = preset("watcher");
    let (root, picked, _keep) = mount(move || view! { <OrderViews view=view side=0 /> }.into_any());
    run_to_end(view);
    let bad = view
        .run
        .with_value(|r| {
            r.sides[0]
                .model()
                .orders()
                .iter()
                .position(|o| o.is_inconsistent())
        })
        .expect("an inconsistent order") as u32;
    picked.set(Some(bad));
    tick().await;
    let a = root
        .query_selector("[data-testid=story-0]")
        .unwrap()
        .unwrap();
    assert_eq!(text(&a, "[data-testid=where-status]"), "undone");
    assert!(text(&a, "[data-testid=where-inconsistent]").contains("inconsistent"));
    picked.set(Some(
        view.run
            .with_value(|r| {
                r.sides[0]
                    .model()
                    .orders()
                    .iter()
                    .position(|o| !o.is_inconsistent())
            })
            .unwrap() as u32,
    ));
    tick().await;
    assert!(a
        .query_selector("[data-testid=where-inconsistent]")
        .unwrap()
        .is_none());
    drop(_keep);

    // double_refund: every step a duplicate repeated is in its service's line.
    let view = preset("double_refund");
    let (root, picked, _keep) = mount(move || view! { <OrderViews view=view side=0 /> }.into_any());
    run_to_end(view);
    picked.set(Some(0));
    tick().await;
    let a = root
        .query_selector("[data-testid=story-0]")
        .unwrap()
        .unwrap();
    let inventory = a
        .query_selector(".choreo-fragments li[data-service=inventory]")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap_or_default();
    assert!(inventory.contains("reserve"), "{inventory}");
    assert!(inventory.contains("release"), "{inventory}");
    assert!(inventory.contains('×'), "{inventory}");
}

#[wasm_bindgen_test]
async fn the_sequence_diagram_of_a_chosen_order_has_a_lane_per_participant() {
    let view = preset("payment_rejected");
    let (root, picked, _keep) = mount(move || {
        view! { <OrderViews view=view side=0 /><OrderViews view=view side=1 /> }.into_any()
    });
    picked.set(Some(0));
    run_to_end(view);
    tick().await;
    for side in 0..2 {
        let story = root
            .query_selector(&format!("[data-testid=story-{side}]"))
            .unwrap()
            .unwrap();
        let heads: Vec<String> = all(&story, ".choreo-seq-head")
            .iter()
            .map(|e| e.text_content().unwrap_or_default())
            .collect();
        let lanes = view.run.with_value(|r| cv::lanes(r.sides[side].model()));
        assert_eq!(heads.len(), lanes.len(), "side {side}: {heads:?}");
        assert!(heads.contains(&"Inventory".to_string()));
        assert_eq!(heads.contains(&"Orchestrator".to_string()), side == 1);
        // The rejection and the release that undoes the reservation, drawn going back.
        let svg = story
            .query_selector("[data-testid=sequence] .choreo-seq-body")
            .unwrap()
            .unwrap();
        let labels = svg.text_content().unwrap();
        assert!(
            labels.contains("release the stock"),
            "side {side}: {labels}"
        );
        assert!(!all(&svg, ".choreo-seq-hop.back").is_empty(), "side {side}");
    }
    let a = root
        .query_selector("[data-testid=story-0]")
        .unwrap()
        .unwrap();
    assert!(text(&a, "[data-testid=sequence]").contains("payment_rejected"));
}

/// The orchestrator's step timeout and its own service settings show only
/// where a side is orchestrated: with choreography alone they changed nothing.
#[wasm_bindgen_test]
async fn orchestrator_settings_show_only_with_an_orchestrated_side() {
    use engine::labs::choreography::config::Mode;
    let config = RwSignal::new(ChoreographyConfig::default());
    config.update(|c| {
        c.mode = Mode::Choreography;
        c.compare = None;
    });
    let errors = RwSignal::new(Vec::<ConfigError>::new());
    let (root, _, _keep) =
        mount(move || view! { <ChoreoControls config=config errors=errors /> }.into_any());
    tick().await;
    let shown = |sel: &str| !all(&root, sel).is_empty();
    assert!(!shown("[data-testid=step-timeout]"));
    assert!(!shown("[data-testid=service-orchestrator]"));
    assert!(shown("[data-testid=service-payment]"));
    config.update(|c| c.compare = Some(Mode::Orchestration));
    tick().await;
    assert!(shown("[data-testid=step-timeout]"));
    assert!(shown("[data-testid=service-orchestrator]"));
}

#[wasm_bindgen_test]
async fn controls_show_the_engines_errors_naming_the_field() {
    let config = RwSignal::new(ChoreographyConfig::default());
    let errors = RwSignal::new(Vec::<ConfigError>::new());
    let (root, _, _keep) =
        mount(move || view! { <ChoreoControls config=config errors=errors /> }.into_any());
    tick().await;
    assert!(all(&root, "[data-testid=config-errors]").is_empty());
    // Every field has a help line.
    for field in all(&root, ".field") {
        assert!(
            field.query_selector(".help").unwrap().is_some(),
            "{:?}",
            field.outer_html()
        );
    }
    // What the page does with a config the engine refuses: its errors, by field.
    let mut bad = ChoreographyConfig::default();
    bad.retry.max_attempts = 0;
    bad.services.payment.latency_sd_ms = 30;
    let e = ChoreoRun::new(&bad, 1).err().expect("refused");
    errors.set(e);
    tick().await;
    let shown = text(&root, "[data-testid=config-errors]");
    assert!(shown.contains("retry.max_attempts"), "{shown}");
    assert!(shown.contains("services.payment.latency_sd_ms"), "{shown}");
    // A knob edits the config: the stock field, and a box of the wiring table.
    let stock: web_sys::HtmlInputElement = root
        .query_selector("[data-testid=stock] input.num")
        .unwrap()
        .unwrap()
        .unchecked_into();
    stock.set_value("7");
    stock
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick().await;
    assert_eq!(config.with_untracked(|c| c.stock), 7);
    let wire: web_sys::HtmlInputElement = root
        .query_selector("[data-testid=wire-payment-inventory_reserved]")
        .unwrap()
        .expect("payment listens to inventory_reserved by default")
        .unchecked_into();
    assert!(wire.checked());
    wire.click();
    tick().await;
    assert!(
        config.with_untracked(|c| !c.wiring.iter().any(|l| l.service == ServiceId::Payment
            && l.on == engine::labs::choreography::config::Topic::InventoryReserved))
    );
}

#[wasm_bindgen_test]
async fn the_larger_flows_services_join_from_the_controls_and_get_lanes() {
    let config = RwSignal::new(ChoreographyConfig::default());
    let errors = RwSignal::new(Vec::<ConfigError>::new());
    let (root, _, _keep) =
        mount(move || view! { <ChoreoControls config=config errors=errors /> }.into_any());
    tick().await;
    // Out of the flow: no knobs beyond the switch, its wiring row hidden and off.
    assert!(all(&root, "[data-testid=fraud-latency]").is_empty());
    let wire = |id: &str| -> web_sys::HtmlInputElement {
        root.query_selector(&format!("[data-testid={id}]"))
            .unwrap()
            .unwrap_or_else(|| panic!("{id}"))
            .unchecked_into()
    };
    assert!(wire("wire-fraud-inventory_reserved").disabled());
    // The switch puts it in the flow with its knobs; its row can be wired.
    let switch = root
        .query_selector("[data-testid=fraud-in-flow] input")
        .unwrap()
        .expect("the switch");
    switch.unchecked_ref::<web_sys::HtmlElement>().click();
    tick().await;
    assert!(config.with_untracked(|c| c.services.fraud.is_some()));
    assert_eq!(all(&root, "[data-testid=fraud-latency]").len(), 1);
    assert!(!wire("wire-fraud-inventory_reserved").disabled());
    // "The larger flow" wires all eight, a config the engine runs.
    root.query_selector("[data-testid=wiring-eight]")
        .unwrap()
        .unwrap()
        .unchecked_ref::<web_sys::HtmlElement>()
        .click();
    tick().await;
    let c = config.get_untracked();
    assert_eq!(c.services.in_flow().len(), 8);
    assert_eq!(
        c.wiring,
        engine::labs::choreography::config::eight_service_wiring()
    );
    let run = ChoreoRun::new(&c, 1).expect("the larger flow runs");
    assert_eq!(cv::services(run.sides[0].model()).len(), 8);
    // Out again: its wiring rows go with it, and the config stays valid.
    let switch = root
        .query_selector("[data-testid=analytics-in-flow] input")
        .unwrap()
        .expect("the switch");
    switch.unchecked_ref::<web_sys::HtmlElement>().click();
    tick().await;
    let c = config.get_untracked();
    assert!(c.services.analytics.is_none());
    assert!(!c.wiring.iter().any(|l| l.service == ServiceId::Analytics));
    ChoreoRun::new(&c, 1).expect("still valid");
}

/// One order is in the singular: "1 completado", not "1 completados"
/// (and "2 atascados" stays plural).
#[wasm_bindgen_test]
fn counts_of_one_are_singular() {
    use cloud_patterns_playground::labs::choreography::stage::status_sentence;
    let mut counts = [0u64; 6];
    counts[Status::Completed.index()] = 1;
    counts[Status::Stuck.index()] = 2;
    let es = status_sentence(&counts, Lang::Es);
    assert!(
        es.contains("1 completado") && !es.contains("1 completados"),
        "{es}"
    );
    assert!(es.contains("2 atascados"), "{es}");
    let pt = status_sentence(&counts, Lang::Pt);
    assert!(
        pt.contains("1 concluído") && pt.contains("2 travados"),
        "{pt}"
    );
}

/// Six lanes in a narrow card (the orchestrated side, 480 px): the heads
/// alternate between two lines instead of running into each other
/// ("OrquestadorInventario", "EntregasNotificaciones" at 1440 px).
#[wasm_bindgen_test]
async fn the_sequence_heads_never_run_into_each_other() {
    let view = preset("demo");
    for width in [480, 900] {
        let (root, picked, _keep) =
            mount(move || view! { <OrderViews view=view side=1 /> }.into_any());
        root.set_attribute("style", &format!("width: {width}px"))
            .unwrap();
        common::style_in(&root, include_str!("../style/lab-choreography.css"));
        picked.set(Some(0));
        run_to_end(view);
        // The width reaches the diagram through a resize observer.
        common::settle(20).await;
        let heads: Vec<web_sys::DomRect> = all(&root, ".choreo-seq-head")
            .iter()
            .map(|e| e.get_bounding_client_rect())
            .collect();
        assert_eq!(heads.len(), 6, "client, orchestrator and four services");
        for (i, a) in heads.iter().enumerate() {
            for b in &heads[i + 1..] {
                let apart = apart(a, b, 0.5);
                assert!(apart, "{width} px: heads overlap: {a:?} {b:?}");
            }
        }
        let ys: std::collections::BTreeSet<i64> = heads.iter().map(|r| r.top() as i64).collect();
        assert_eq!(
            ys.len(),
            if width < 600 { 2 } else { 1 },
            "{width} px: {ys:?}"
        );
    }
}

/// In half a phone (180 px) the diagram is a list that fits the card: no
/// sideways scrolling, every item inside the box, each hop saying who sent it
/// to whom — and it says what the drawn diagram says (a wide card's): the
/// same times, hop and mark names, jumps and missing hops, in the same order.
#[wasm_bindgen_test]
async fn in_half_a_phone_the_sequence_is_a_list_saying_what_the_diagram_says() {
    let mut hops = 0;
    for id in [
        "payment_rejected",
        "event_lost",
        "double_refund",
        "larger_flow",
    ] {
        let view = preset(id);
        let (root, picked, _keep) = mount(move || {
            view! { <OrderViews view=view side=0 /><OrderViews view=view side=1 /> }.into_any()
        });
        common::style_in(&root, CHOREO_CSS);
        run_to_end(view);
        for order in [Some(0), Some(1), None] {
            picked.set(order);
            let texts = |sel: &str, story: &Element| -> Vec<String> {
                all(story, sel)
                    .iter()
                    .map(|e| e.text_content().unwrap_or_default())
                    .filter(|t| !t.is_empty())
                    .collect()
            };
            let mut drawn = Vec::new();
            let mut spoken = Vec::new();
            root.set_attribute("style", "width: 900px").unwrap();
            settle().await;
            for side in 0..2 {
                let story = root
                    .query_selector(&format!("[data-testid=story-{side}]"))
                    .unwrap()
                    .unwrap();
                assert!(all(&story, "[data-testid=seq-list]").is_empty());
                // The drawing's text alternative: the same list, hidden, and
                // the drawing hidden from a screen reader.
                let alt = story
                    .query_selector("[data-testid=seq-text]")
                    .unwrap()
                    .expect("the drawn diagram's text alternative");
                assert!(alt.class_list().contains("visually-hidden"));
                assert!(alt
                    .get_attribute("aria-label")
                    .is_some_and(|l| !l.is_empty()));
                let body = story.query_selector(".choreo-seq-body").unwrap().unwrap();
                assert_eq!(body.get_attribute("aria-hidden").as_deref(), Some("true"));
                spoken.push(texts("li", &alt));
                drawn.push((
                    texts("[data-testid=seq-times] .choreo-seq-time", &story),
                    texts(".choreo-seq-body .choreo-seq-label", &story),
                    texts("[data-testid=seq-jump] text", &story),
                    all(&story, "[data-testid=seq-missing]").len(),
                ));
            }
            root.set_attribute("style", "width: 180px").unwrap();
            settle().await;
            for (side, (times, names, jumps, missing)) in drawn.iter().enumerate() {
                let what = format!("{id} order {order:?} side {side}");
                let story = root
                    .query_selector(&format!("[data-testid=story-{side}]"))
                    .unwrap()
                    .unwrap();
                assert!(all(&story, "[data-testid=seq-heads]").is_empty(), "{what}");
                let list = story
                    .query_selector("[data-testid=seq-list]")
                    .unwrap()
                    .unwrap_or_else(|| panic!("{what}: a list"));
                let plot = story.query_selector(".choreo-seq-plot").unwrap().unwrap();
                assert!(
                    plot.scroll_width() <= plot.client_width(),
                    "{what}: scrolls sideways ({} in {})",
                    plot.scroll_width(),
                    plot.client_width()
                );
                let bx = plot.get_bounding_client_rect();
                for e in all(&list, "li span") {
                    let r = e.get_bounding_client_rect();
                    assert!(
                        r.left() >= bx.left() - 0.5 && r.right() <= bx.right() + 0.5,
                        "{what}: {:?} out of the box: {} in {}",
                        e.text_content(),
                        at(&r),
                        at(&bx)
                    );
                }
                assert_eq!(&texts(".choreo-seq-at", &list), times, "{what}: times");
                assert_eq!(
                    texts("li", &list),
                    spoken[side],
                    "{what}: the drawing's text alternative"
                );
                let listed = texts(
                    ".choreo-seq-item.hop .choreo-seq-name, .choreo-seq-item.mark .choreo-seq-name",
                    &list,
                );
                assert_eq!(&listed, names, "{what}: names");
                let listed_jumps: Vec<String> = texts(".choreo-seq-item.jump", &list)
                    .into_iter()
                    .filter(|t| jumps.contains(t))
                    .collect();
                assert_eq!(&listed_jumps, jumps, "{what}: jumps");
                assert_eq!(
                    all(&list, "[data-testid=seq-missing]").len(),
                    *missing,
                    "{what}: missing hops"
                );
                // A hop names its sender and its listeners.
                for h in all(&list, ".choreo-seq-item.hop .choreo-seq-who") {
                    let who = h.text_content().unwrap_or_default();
                    assert!(who.contains(" → "), "{what}: {who}");
                    hops += 1;
                }
            }
        }
    }
    assert!(hops > 20, "{hops} hops listed");
}

/// A time label of the diagram in milliseconds ("263 ms", "2.25 s"); None for
/// the other texts in the time column.
fn label_ms(text: &str) -> Option<f64> {
    let text = text.replace('\u{a0}', " ");
    let (value, unit) = text.trim().split_once(' ')?;
    let value: f64 = value.parse().ok()?;
    match unit {
        "ms" => Some(value),
        "s" => Some(value * 1000.0),
        _ => None,
    }
}

/// Rows are evenly spaced whatever the time between them, so a long quiet
/// stretch gets a row of its own saying how long it was: every jump of 2 s
/// or more between two rows is marked, and nothing under half a second is.
#[wasm_bindgen_test]
async fn the_sequence_diagram_marks_its_time_jumps() {
    let mut marked = 0;
    for p in presets::all() {
        let view = view_of(&p.config, p.seed);
        let (root, picked, _keep) = mount(move || {
            view! { <OrderViews view=view side=0 /><OrderViews view=view side=1 /> }.into_any()
        });
        picked.set(Some(0));
        run_to_end(view);
        tick().await;
        for svg in all(&root, "[data-testid=sequence]") {
            // The time column and the jump rows, top to bottom.
            let mut rows: Vec<(f64, Option<String>)> = Vec::new();
            for e in all(&svg, ".choreo-seq-time, [data-testid=seq-jump]") {
                let y = e.get_bounding_client_rect().top();
                if e.get_attribute("data-testid").as_deref() == Some("seq-jump") {
                    rows.push((y, Some(e.text_content().unwrap_or_default())));
                } else if let Some(ms) = label_ms(&e.text_content().unwrap_or_default()) {
                    rows.push((y, Some(format!("@{ms}"))));
                }
            }
            rows.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut last: Option<f64> = None;
            let mut jump: Option<String> = None;
            for (_, r) in rows.into_iter().filter_map(|(y, r)| r.map(|r| (y, r))) {
                if let Some(at) = r.strip_prefix('@') {
                    let at: f64 = at.parse().unwrap();
                    if let Some(before) = last {
                        let gap = at - before;
                        match &jump {
                            Some(j) => assert!(gap >= 490.0, "{}: {j} marks {gap} ms", p.id),
                            None => assert!(gap < 2000.0, "{}: {gap} ms unmarked", p.id),
                        }
                    }
                    last = Some(at);
                    jump = None;
                } else {
                    assert!(r.contains("later"), "{}: {r}", p.id);
                    marked += 1;
                    jump = Some(r);
                }
            }
        }
    }
    assert!(
        marked > 0,
        "some preset's first order waits long enough to be marked"
    );
}

/// A lost message's arrow stops between two lifelines, never on another
/// service's line (half way to a far target used to land on one), and a
/// faint line goes on to where it was going.
#[wasm_bindgen_test]
async fn a_lost_message_stops_between_lifelines() {
    let mut checked = 0;
    for id in ["event_lost", "watcher"] {
        let view = preset(id);
        let (root, picked, _keep) = mount(move || {
            view! { <OrderViews view=view side=0 /><OrderViews view=view side=1 /> }.into_any()
        });
        run_to_end(view);
        for order in 0..20 {
            picked.set(Some(order));
            tick().await;
            for svg in all(&root, "[data-testid=sequence]") {
                let attr =
                    |e: &Element, a: &str| -> f64 { e.get_attribute(a).unwrap().parse().unwrap() };
                let lives: Vec<f64> = all(&svg, ".choreo-seq-life")
                    .iter()
                    .map(|l| attr(l, "x1"))
                    .collect();
                let lost = all(&svg, ".choreo-seq-hop.lost");
                let rest = all(&svg, ".choreo-seq-hop.lost-rest");
                assert_eq!(
                    lost.len(),
                    rest.len(),
                    "{id}: each lost arrow goes on faintly"
                );
                for (l, r) in lost.iter().zip(&rest) {
                    let end = attr(l, "x2");
                    assert!(
                        lives.iter().all(|x| (x - end).abs() > 3.0),
                        "{id}: × at {end} on a lifeline {lives:?}"
                    );
                    assert_eq!(attr(r, "x1"), end);
                    assert!(
                        lives.iter().any(|x| (x - attr(r, "x2")).abs() < 0.5),
                        "{id}: goes on to a lifeline"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(
        checked > 0,
        "the presets lose a message in their first orders"
    );
}

const CHOREO_CSS: &str = include_str!("../style/lab-choreography.css");

/// A box as "x left–right, y top–bottom" (a `DomRect` debug-prints as nothing).
fn at(r: &web_sys::DomRect) -> String {
    format!(
        "x {:.1}–{:.1}, y {:.1}–{:.1}",
        r.left(),
        r.right(),
        r.top(),
        r.bottom()
    )
}

/// Effects run and the resize observer has passed the box's width on to the
/// diagram.
async fn settle() {
    common::settle(10).await;
}

/// A time jump's row ("⋯ 563 ms later ⋯") is a line of its own: its label
/// used to sit half a row up, on the line of the time printed for the row
/// before, so the two collided or read as one. No text of the diagram shares
/// its line, and the time above ends clear of it — over every preset's first
/// orders, both sides, in a box that scrolls sideways (360 px) and a wide one.
#[wasm_bindgen_test]
async fn a_time_jumps_label_has_a_line_of_its_own() {
    let mut checked = 0;
    for p in presets::all() {
        let view = view_of(&p.config, p.seed);
        let (root, picked, _keep) = mount(move || {
            view! { <OrderViews view=view side=0 /><OrderViews view=view side=1 /> }.into_any()
        });
        common::style_in(&root, CHOREO_CSS);
        run_to_end(view);
        for width in [360, 900] {
            root.set_attribute("style", &format!("width: {width}px"))
                .unwrap();
            for order in [None, Some(0), Some(1), Some(2), Some(3)] {
                picked.set(order);
                settle().await;
                for svg in all(&root, "[data-testid=sequence]") {
                    let texts = all(&svg, "text");
                    let mut time_above: Option<Element> = None;
                    // Top to bottom (the time column comes after the body).
                    let mut rows = all(&svg, ".choreo-seq-time, [data-testid=seq-jump] text");
                    rows.sort_by(|a, b| {
                        a.get_bounding_client_rect()
                            .top()
                            .total_cmp(&b.get_bounding_client_rect().top())
                    });
                    for e in rows {
                        if e.class_list().contains("choreo-seq-time") {
                            time_above = Some(e);
                            continue;
                        }
                        let label = e.text_content().unwrap_or_default();
                        let j = e.get_bounding_client_rect();
                        let what = format!("{} order {order:?} at {width} px: {label:?}", p.id);
                        let above = time_above
                            .as_ref()
                            .unwrap_or_else(|| panic!("{what}: a jump has a row above"));
                        let a = above.get_bounding_client_rect();
                        assert!(
                            a.bottom() + 2.0 <= j.top(),
                            "{what} overlaps the time above ({:?}): {} {}",
                            above.text_content(),
                            at(&a),
                            at(&j)
                        );
                        for other in &texts {
                            if other == &e {
                                continue;
                            }
                            let o = other.get_bounding_client_rect();
                            assert!(
                                o.bottom() <= j.top() + 0.5 || o.top() >= j.bottom() - 0.5,
                                "{what} shares its line with {:?}: {} {}",
                                other.text_content(),
                                at(&o),
                                at(&j)
                            );
                        }
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 0, "some preset's first orders have a time jump");
}

/// In a long story (both sides of "double_refund", the larger flow's
/// orchestration) the lanes' names stay in view when the plot scrolls down,
/// on top of the rows that go under them, and stay over their lifelines when
/// the plot scrolls sideways (a phone held sideways gives a card 360 px,
/// narrower than the diagram). At the top, nothing of the diagram is hidden
/// under them.
#[wasm_bindgen_test]
async fn the_sequence_heads_stay_in_view_when_the_plot_scrolls() {
    let mut sideways = 0;
    for id in ["double_refund", "larger_flow"] {
        let view = preset(id);
        let (root, _, _keep) = mount(move || {
            view! { <OrderViews view=view side=0 /><OrderViews view=view side=1 /> }.into_any()
        });
        common::style_in(&root, CHOREO_CSS);
        run_to_end(view);
        for width in [360, 900] {
            root.set_attribute("style", &format!("width: {width}px; --panel: rgb(1, 2, 3)"))
                .unwrap();
            settle().await;
            for side in 0..2 {
                let what = format!("{id} side {side} at {width} px");
                let story = root
                    .query_selector(&format!("[data-testid=story-{side}]"))
                    .unwrap()
                    .unwrap();
                let plot = story.query_selector(".choreo-seq-plot").unwrap().unwrap();
                let lanes = view.run.with_value(|r| cv::lanes(r.sides[side].model()));
                let heads = || all(&story, ".choreo-seq-head");
                assert_eq!(heads().len(), lanes.len(), "{what}");
                let under_heads = || {
                    heads()
                        .iter()
                        .map(|h| h.get_bounding_client_rect().bottom())
                        .fold(f64::MIN, f64::max)
                };
                // At the top every row is below the heads.
                plot.set_scroll_top(0);
                plot.set_scroll_left(0);
                let band = under_heads();
                for e in all(&story, ".choreo-seq-body text") {
                    let r = e.get_bounding_client_rect();
                    assert!(
                        r.top() >= band,
                        "{what}: {:?} under the heads",
                        e.text_content()
                    );
                }
                let (sh, ch) = (plot.scroll_height(), plot.client_height());
                if side == 1 || id == "double_refund" {
                    assert!(sh > ch + 200, "{what}: a long story ({sh} in {ch} px)");
                }
                if sh <= ch {
                    continue;
                }
                // Down (to the end, or a part of the way) and sideways to the end.
                for down in [sh - ch, 300.min(sh - ch)] {
                    plot.set_scroll_top(down);
                    let across = plot.scroll_width() - plot.client_width();
                    plot.set_scroll_left(across);
                    assert_eq!(plot.scroll_top(), down, "{what}: the plot scrolled");
                    plot.scroll_into_view();
                    let p = plot.get_bounding_client_rect();
                    let (top, bottom) = (
                        p.top() + plot.client_top() as f64,
                        p.top() + (plot.client_top() + plot.client_height()) as f64,
                    );
                    let (left, right) = (
                        p.left() + plot.client_left() as f64,
                        p.left() + (plot.client_left() + plot.client_width()) as f64,
                    );
                    // The body's lifelines: those that cross the box's middle.
                    let mid = (top + bottom) / 2.0;
                    let mut lives: Vec<f64> = all(&story, ".choreo-seq-life")
                        .iter()
                        .map(|l| l.get_bounding_client_rect())
                        .filter(|r| r.top() < mid && r.bottom() > mid)
                        .map(|r| (r.left() + r.right()) / 2.0)
                        .collect();
                    lives.sort_by(f64::total_cmp);
                    assert_eq!(lives.len(), lanes.len(), "{what}: lifelines");
                    let mut seen = 0;
                    for h in heads() {
                        let r = h.get_bounding_client_rect();
                        let name = h.text_content().unwrap_or_default();
                        assert!(
                            r.top() >= top - 0.5 && r.bottom() <= bottom + 0.5,
                            "{what}, {down} px down: {name} out of view: {} in y {top}–{bottom}",
                            at(&r)
                        );
                        let x = (r.left() + r.right()) / 2.0;
                        assert!(
                            lives.iter().any(|l| (l - x).abs() < 1.0),
                            "{what}, {across} px across: {name} at {x} off its lifeline {lives:?}"
                        );
                        // On top of the rows that scrolled under it.
                        let inner = web_sys::window().unwrap().inner_width().unwrap();
                        let inner = inner.as_f64().unwrap();
                        if x > left + 4.0 && x < right.min(inner) - 4.0 {
                            seen += 1;
                            let y = (r.top() + r.bottom()) / 2.0;
                            let hit = web_sys::window()
                                .unwrap()
                                .document()
                                .unwrap()
                                .element_from_point(x as f32, y as f32)
                                .expect("an element at the head");
                            assert!(
                                hit.closest("[data-testid=seq-heads]").unwrap().is_some(),
                                "{what}: {name} is covered by {:?}",
                                hit.outer_html()
                            );
                        }
                    }
                    assert!(seen > 0, "{what}: some head is in the box's width");
                    // The time column stays at the box's left edge, over the
                    // rows scrolled under it, and below the heads.
                    let column = story
                        .query_selector("[data-testid=seq-times]")
                        .unwrap()
                        .expect("a time column")
                        .get_bounding_client_rect();
                    assert!(
                        (column.left() - left).abs() < 1.0,
                        "{what}, {across} px across: the time column at {} not {left}",
                        column.left()
                    );
                    let heads_bottom = story
                        .query_selector("[data-testid=seq-heads]")
                        .unwrap()
                        .unwrap()
                        .get_bounding_client_rect()
                        .bottom();
                    let mut times_seen = 0;
                    for e in all(&story, "[data-testid=seq-times] .choreo-seq-time") {
                        let r = e.get_bounding_client_rect();
                        let (x, y) = ((r.left() + r.right()) / 2.0, (r.top() + r.bottom()) / 2.0);
                        // The viewport without its scroll bars.
                        let window_h = web_sys::window()
                            .unwrap()
                            .document()
                            .unwrap()
                            .document_element()
                            .unwrap()
                            .client_height() as f64;
                        if y <= heads_bottom + 2.0 || y >= bottom.min(window_h) - 2.0 {
                            continue;
                        }
                        assert!(
                            r.left() >= left - 0.5 && r.right() <= column.right() + 0.5,
                            "{what}: {:?} out of its column: {}",
                            e.text_content(),
                            at(&r)
                        );
                        let hit = web_sys::window()
                            .unwrap()
                            .document()
                            .unwrap()
                            .element_from_point(x as f32, y as f32)
                            .unwrap_or_else(|| {
                                panic!("{what}: nothing at ({x}, {y}); window {window_h}, plot {top}–{bottom}, heads end {heads_bottom}")
                            });
                        assert!(
                            hit.closest("[data-testid=seq-times]").unwrap().is_some(),
                            "{what}, {across} px across: {:?} is covered by {:?}",
                            e.text_content(),
                            hit.outer_html()
                        );
                        times_seen += 1;
                    }
                    assert!(times_seen > 0, "{what}: some time is in view");
                    if across > 0 {
                        sideways += 1;
                    }
                }
                // Opaque: the rows under the heads do not show through.
                let band = story
                    .query_selector("[data-testid=seq-heads]")
                    .unwrap()
                    .unwrap();
                let bg = web_sys::window()
                    .unwrap()
                    .get_computed_style(&band)
                    .unwrap()
                    .unwrap()
                    .get_property_value("background-color")
                    .unwrap();
                assert_eq!(bg, "rgb(1, 2, 3)", "{what}: the heads' background");
            }
        }
    }
    assert!(sideways > 0, "a phone's half-card scrolls sideways");
}

/// Two labels never overlap: two commands leaving the orchestrator at once
/// read "notify the customerge the payment" over its box (double_refund, B,
/// 1.5 s). Each label goes where it is clear, or is left out.
#[wasm_bindgen_test]
async fn token_labels_never_overlap() {
    let view = preset("double_refund");
    let (root, _, _keep) = mount(move || view! { <ChoreoStage view=view side=1 /> }.into_any());
    common::style_in(&root, include_str!("../style/lab-choreography.css"));
    let mut most = 0;
    for ms in (1_000..3_000).step_by(25) {
        advance_to(view, ms);
        tick().await;
        let rects: Vec<web_sys::DomRect> = all(&root, ".choreo-token-label")
            .iter()
            .map(|e| e.get_bounding_client_rect())
            .collect();
        most = most.max(rects.len());
        for (i, a) in rects.iter().enumerate() {
            for b in &rects[i + 1..] {
                let apart = apart(a, b, 1.0);
                assert!(apart, "at {ms} ms: {a:?} and {b:?}");
            }
        }
    }
    assert!(most >= 2, "labels drawn together: {most}");
}

/// A token's label keeps off the bus's name: event_lost's "order_placed"
/// was printed over "bus de eventos" (student review, 4.7 s).
#[wasm_bindgen_test]
async fn token_labels_keep_off_the_bus_name() {
    let view = preset("event_lost");
    let (root, _, _keep) = mount(move || view! { <ChoreoStage view=view side=0 /> }.into_any());
    common::style_in(&root, include_str!("../style/lab-choreography.css"));
    let mut beside = 0;
    for ms in (0..8_000).step_by(50) {
        advance_to(view, ms);
        tick().await;
        let bus = all(&root, ".choreo-bus-label");
        assert_eq!(bus.len(), 1);
        let b = bus[0].get_bounding_client_rect();
        for label in all(&root, ".choreo-token-label") {
            let l = label.get_bounding_client_rect();
            assert!(
                apart(&l, &b, 0.5),
                "at {ms} ms: {:?} at {} over the bus name at {}; {:?} {:?} {:?} / {:?} {:?}",
                label.text_content(),
                at(&l),
                at(&b),
                label.get_attribute("x"),
                label.get_attribute("y"),
                label.get_attribute("text-anchor"),
                bus[0].get_attribute("x"),
                bus[0].get_attribute("y"),
            );
            beside += usize::from((l.y() - b.y()).abs() < 20.0);
        }
    }
    assert!(beside > 0, "some label ran along the bus, near its name");
}

/// Every token's number can be read: discs on one spot (an event to several
/// listeners, two orders on one hop) are fanned out. In a wide card and in an
/// embed's A | B card none covers another; in half a phone (180 px) the bus
/// runs between two boxes and is sometimes fuller than it has room for (the
/// watcher's A had 26 over 24): there, rarely.
#[wasm_bindgen_test]
async fn token_discs_never_cover_each_others_numbers() {
    for (id, side) in [("watcher", 0), ("larger_flow", 1), ("double_refund", 1)] {
        for width in [900, 365, 180] {
            let view = preset(id);
            let (root, _, _keep) =
                mount(move || view! { <ChoreoStage view=view side=side /> }.into_any());
            common::style_in(&root, include_str!("../style/lab-choreography.css"));
            root.set_attribute("style", &format!("width: {width}px"))
                .unwrap();
            let (mut together, mut frames, mut covered) = (0, 0, 0);
            for ms in (0..6_000).step_by(50) {
                advance_to(view, ms);
                tick().await;
                let centres: Vec<(f64, f64)> = all(
                    &root,
                    "[data-testid=token] circle, [data-testid=token] rect",
                )
                .iter()
                .map(|e| {
                    let r = e.get_bounding_client_rect();
                    (r.x() + r.width() / 2.0, r.y() + r.height() / 2.0)
                })
                .collect();
                together = together.max(centres.len());
                if centres.len() < 2 {
                    continue;
                }
                frames += 1;
                let closest = centres
                    .iter()
                    .enumerate()
                    .flat_map(|(i, a)| {
                        centres[i + 1..]
                            .iter()
                            .map(move |b| (a.0 - b.0).hypot(a.1 - b.1))
                    })
                    .fold(f64::INFINITY, f64::min);
                if closest < 14.0 {
                    assert!(
                        width == 180,
                        "{id} {width} px at {ms} ms: discs {closest:.1} px apart: {centres:?}"
                    );
                    covered += 1;
                }
            }
            assert!(
                together >= 2,
                "{id} {width} px: tokens seen together: {together}"
            );
            assert!(
                covered * 10 <= frames,
                "{id} {width} px: discs covered each other in {covered} of {frames} frames"
            );
        }
    }
}

/// A token's label stays inside the drawing: above a token at the top of the
/// stage, "inventory_reserved" was cut off (the demo at 46 ms, in an embed).
#[wasm_bindgen_test]
async fn token_labels_stay_inside_the_drawing() {
    let mut seen = 0;
    for id in ["demo", "payment_rejected"] {
        let view = preset(id);
        let (root, _keep) = both_stages_styled(view);
        let p = presets::all().into_iter().find(|p| p.id == id).unwrap();
        for width in [365, 760] {
            restart_at_width(&root, view, &p, width).await;
            for ms in (0..800).step_by(4) {
                advance_to(view, ms);
                tick().await;
                for label in all(&root, ".choreo-token-label") {
                    let svg = label
                        .closest("svg")
                        .unwrap()
                        .unwrap()
                        .get_bounding_client_rect();
                    let r = label.get_bounding_client_rect();
                    assert!(
                        r.top() >= svg.top() - 0.5 && r.bottom() <= svg.bottom() + 0.5,
                        "{id}, {width} px, {ms} ms: {:?} at {}–{} outside {}–{}",
                        label.text_content(),
                        r.top(),
                        r.bottom(),
                        svg.top(),
                        svg.bottom()
                    );
                    seen += 1;
                }
            }
        }
    }
    assert!(seen > 50, "labels checked: {seen}");
}

/// A label never covers another order's token: at 1.5 s in double_refund's
/// B, "charge the payment" ran over token 1 while a spot beside it was free.
#[wasm_bindgen_test]
async fn token_labels_keep_off_other_tokens() {
    let view = preset("double_refund");
    let (root, _, _keep) = mount(move || view! { <ChoreoStage view=view side=1 /> }.into_any());
    common::style_in(&root, include_str!("../style/lab-choreography.css"));
    let mut checked = 0;
    for ms in (1_000..3_000).step_by(25) {
        advance_to(view, ms);
        tick().await;
        for token in all(&root, "[data-testid=token]") {
            let Some(label) = token.query_selector(".choreo-token-label").unwrap() else {
                continue;
            };
            let l = label.get_bounding_client_rect();
            for other in all(&root, "[data-testid=token]") {
                if other == token {
                    continue;
                }
                let disc = other.query_selector("circle, rect").unwrap().unwrap();
                let d = disc.get_bounding_client_rect();
                let apart = apart(&l, &d, 1.0);
                assert!(
                    apart,
                    "at {ms} ms: {:?} over token {:?}",
                    label.text_content(),
                    other.get_attribute("data-order")
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "labels checked against tokens: {checked}");
}

/// The trace of an order the watcher flagged says it noticed (it read "the
/// bus lost it, and no one knows" under "⚑ flagged, cancelled"), and a hop
/// still on its way has the clock's mark, not a failure's ✗.
#[wasm_bindgen_test]
async fn the_trace_says_who_noticed_and_what_is_only_late() {
    let view = preset("watcher");
    let (root, picked, _keep) = mount(move || view! { <OrderViews view=view side=0 /> }.into_any());
    run_to_end(view);
    let flagged: Vec<u32> = view.run.with_value(|r| {
        let orders = r.sides[0].model().orders();
        (0..orders.len() as u32)
            .filter(|&i| orders[i as usize].flagged)
            .collect()
    });
    let mut lost_seen = 0;
    for order in flagged {
        picked.set(Some(order));
        tick().await;
        for hop in all(&root, "[data-testid=missing-hop][data-why=lost]") {
            let said = hop.text_content().unwrap_or_default();
            assert!(
                said.starts_with('✗') && said.contains("the timeout watcher noticed"),
                "{said}"
            );
            assert!(!said.contains("no one knows"), "{said}");
            lost_seen += 1;
        }
    }
    assert!(lost_seen > 0, "a flagged order with a lost hop");
    // customer_cancels at 191 ms: delivery_cancelled is still on its way.
    let view = preset("customer_cancels");
    let (root, _, _keep) = mount(move || view! { <OrderViews view=view side=0 /> }.into_any());
    advance_to(view, 191);
    tick().await;
    let late = all(&root, "[data-testid=missing-hop][data-why=not_yet]");
    assert!(!late.is_empty());
    for hop in late {
        let said = hop.text_content().unwrap_or_default();
        assert!(said.starts_with('◷'), "{said}");
    }
}

/// In half a phone (a stage 180 px wide) a label never covers a service's
/// box unless it is the followed order's, and one message's copies to two
/// listeners are named once (customer_cancels at 191 ms read
/// "delivery_cancelled" twice, and "cobrar el pago" over the Pagos box).
/// Where there is no room, only the followed order's labels show; a wider
/// stage still names the others' messages (over a box's edge, on a halo).
#[wasm_bindgen_test]
async fn in_half_a_phone_labels_keep_off_the_boxes_and_name_a_message_once() {
    use cloud_patterns_playground::labs::choreography::stage::stage_svg;
    let root = container();
    let mut seen = std::collections::BTreeMap::<(u32, bool), u32>::new();
    for (width, followed) in [(180u32, None), (560, None), (180, Some(0))] {
        // A fresh run for each: a run cannot go back in time.
        let view = preset("customer_cancels");
        root.set_attribute("style", &format!("width: {width}px"))
            .unwrap();
        for ms in (100..900).step_by(10) {
            advance_to(view, ms);
            for side in 0..2 {
                let svg = view.run.with_value(|r| {
                    stage_svg(&r.sides[side], Lang::Es, followed, f64::from(width), false)
                });
                root.set_inner_html(&svg);
                let boxes: Vec<web_sys::DomRect> = all(&root, ".choreo-box")
                    .iter()
                    .map(|e| e.get_bounding_client_rect())
                    .collect();
                let mut said: Vec<(String, String)> = vec![];
                for token in all(&root, "[data-testid=token]") {
                    let Some(label) = token.query_selector(".choreo-token-label").unwrap() else {
                        continue;
                    };
                    let text = label.text_content().unwrap_or_default();
                    let order = token.get_attribute("data-order").unwrap_or_default();
                    *seen.entry((width, followed.is_some())).or_default() += 1;
                    if followed.is_some() {
                        continue;
                    }
                    assert!(
                        !said.contains(&(order.clone(), text.clone())),
                        "{width} px, {ms} ms, side {side}: {text:?} twice for order {order}"
                    );
                    let l = label.get_bounding_client_rect();
                    for b in boxes.iter().filter(|_| width < 300) {
                        let apart = apart(&l, b, 1.0);
                        assert!(
                            apart,
                            "{width} px, {ms} ms, side {side}: {text:?} over a box"
                        );
                    }
                    said.push((order, text));
                }
            }
        }
    }
    // Labels where there is room, and the followed order's in half a phone.
    assert!(
        seen.get(&(560, false)).copied().unwrap_or(0) > 5,
        "{seen:?}"
    );
    assert!(seen.get(&(180, true)).copied().unwrap_or(0) > 5, "{seen:?}");
}

/// A token leaves its box and reaches the next one whole: its disc never
/// covers a box (a command leaving the orchestrator covered its counts).
#[wasm_bindgen_test]
async fn tokens_keep_off_the_boxes() {
    for id in ["demo", "payment_rejected"] {
        let view = preset(id);
        let (root, _keep) = both_stages_styled(view);
        let mut checked = 0;
        let p = presets::all().into_iter().find(|p| p.id == id).unwrap();
        for width in [365, 760] {
            restart_at_width(&root, view, &p, width).await;
            for ms in (0..1_500).step_by(4) {
                advance_to(view, ms);
                tick().await;
                let boxes: Vec<_> = all(&root, ".choreo-lane > rect")
                    .iter()
                    .map(|e| e.get_bounding_client_rect())
                    .collect();
                assert!(boxes.len() >= 11, "{id}: {} boxes", boxes.len());
                for t in all(
                    &root,
                    "[data-testid=token] > circle, [data-testid=token] > rect",
                ) {
                    let d = t.get_bounding_client_rect();
                    for b in &boxes {
                        assert!(
                            apart(&d, b, 0.5),
                            "{id}, {width} px, {ms} ms: a token {} over a box {}",
                            at(&d),
                            at(b)
                        );
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked >= 50, "{id}: tokens checked: {checked}");
    }
}

/// Reduced motion: a token is at its start, half way or at its end — a few
/// places per message, in steps — where it otherwise glides through many.
#[wasm_bindgen_test]
fn with_reduced_motion_tokens_move_in_steps() {
    use cloud_patterns_playground::labs::choreography::stage::stage_svg;
    let places = |still: bool| {
        let view = preset("demo");
        let mut seen = std::collections::BTreeSet::<String>::new();
        let mut drawn = 0;
        for ms in 0..400 {
            advance_to(view, ms);
            let svg = view
                .run
                .with_value(|r| stage_svg(&r.sides[1], Lang::En, None, 600.0, still));
            for token in svg.split("data-testid=\"token\"").skip(1) {
                let at = token.split("<text").next().unwrap_or_default();
                let mark = at
                    .split(['"'])
                    .filter(|v| v.parse::<f64>().is_ok())
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(",");
                seen.insert(mark);
                drawn += 1;
            }
        }
        (seen.len(), drawn)
    };
    let (gliding, drawn_g) = places(false);
    let (still, drawn_s) = places(true);
    assert!(
        drawn_g > 100 && drawn_s > 100,
        "tokens drawn: {drawn_g}, {drawn_s}"
    );
    // B's demo sends 5 messages an order: at most three places each.
    assert!(still <= 3 * 10, "reduced motion: {still} places");
    assert!(gliding >= 4 * still, "gliding {gliding} vs {still} places");
}

/// The embed's one-line key under each drawing says what a token is, and,
/// once the run has drawn any, what a diamond (a compensation) and a ✕ (a
/// lost message) are: double_refund's lesson is in its diamonds, event_lost's
/// in its ✕.
#[wasm_bindgen_test]
async fn the_compact_key_names_the_diamonds_and_crosses_the_run_has() {
    for (id, back, lost) in [
        ("demo", false, false),
        ("double_refund", true, false),
        ("event_lost", false, true),
    ] {
        let view = preset(id);
        let (root, _picked, _keep) =
            mount(move || view! { <ChoreoStage view=view side=0 /> }.into_any());
        tick().await;
        let key = text(&root, "[data-testid=choreo-stage-key]");
        assert!(key.starts_with("Token: one message"), "{id}: {key}");
        assert!(
            !key.contains('◆') && !key.contains('✕'),
            "{id} before the run: {key}"
        );
        run_to_end(view);
        tick().await;
        let key = text(&root, "[data-testid=choreo-stage-key]");
        let stats = view.run.with_value(|r| {
            (
                r.sides[0].model().stats().compensations,
                r.sides[0].model().stats().lost,
            )
        });
        assert_eq!((stats.0 > 0, stats.1 > 0), (back, lost), "{id}: {stats:?}");
        assert_eq!(key.contains("◆ on a dashed trail"), back, "{id}: {key}");
        assert_eq!(
            key.contains("✕: a message the bus lost"),
            lost,
            "{id}: {key}"
        );
    }
}

/// A and B's "orders by state" charts share one time axis, to the later
/// side's end: event_lost's A ran 0–12.2 s beside B's 0–13.3 s, unsaid, so
/// the same x was not the same time.
#[wasm_bindgen_test]
async fn both_state_charts_share_the_later_sides_time_axis() {
    use cloud_patterns_playground::labs::choreography::charts::ChoreoCharts;
    let view = preset("event_lost");
    run_to_end(view);
    let ends: Vec<f64> = view.run.with_value(|r| {
        r.sides
            .iter()
            .map(|s| s.now().as_micros() as f64 / 1e6)
            .collect()
    });
    assert!(
        (ends[0] - ends[1]).abs() > 0.5,
        "the sides end apart: {ends:?}"
    );
    let (root, _t, _m) = mount(move || view! { <ChoreoCharts view=view /> }.into_any());
    tick().await;
    // The charts as drawn: every time axis (their last tick) alike.
    let last_ticks: Vec<String> = all(&root, "[data-testid=choreo-charts] svg")
        .iter()
        .filter_map(|svg| {
            let ticks = svg.query_selector_all("text").unwrap();
            (0..ticks.length())
                .rev()
                .filter_map(|i| ticks.item(i))
                .filter_map(|n| n.text_content())
                .find(|t| t.ends_with(" s"))
        })
        .collect();
    assert!(last_ticks.len() >= 3, "messages, A and B: {last_ticks:?}");
    assert!(
        last_ticks.windows(2).all(|w| w[0] == w[1]),
        "{last_ticks:?}"
    );
    // And as data: both axes end at the later side's end.
    use cloud_patterns_playground::labs::choreography::charts::states_chart;
    let later = ends[0].max(ends[1]);
    view.run.with_value(|r| {
        for (side, sim) in r.sides.iter().enumerate() {
            let d = states_chart(sim, side, later, Lang::En);
            assert!(
                (d.x_max - later).abs() < 1e-9,
                "side {side}: axis to {} of {later}",
                d.x_max
            );
        }
    });
}

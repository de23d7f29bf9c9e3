//! Component tests of the availability lab's views, in a real browser: each test
//! builds a run from an engine preset, mounts one view into its own `<div>`, moves
//! the run on, bumps the tick as the player would, waits a tick for effects, and
//! checks the DOM against the engine's own state.
//!
//! wasm32 only: `cargo test --target wasm32-unknown-unknown -p
//! cloud-patterns-playground --test availability_components` (headless Chromium via
//! wasm-bindgen-test-runner; `CHROMEDRIVER=/usr/bin/chromedriver`).
#![cfg(target_arch = "wasm32")]

use cloud_patterns_playground::labs::availability::charts::AvailCharts;
use cloud_patterns_playground::labs::availability::controls::AvailControls;
use cloud_patterns_playground::labs::availability::log::AvailLog;
use cloud_patterns_playground::labs::availability::seismo::Seismograph;
use cloud_patterns_playground::labs::availability::stage::{AvailStage, MAX_DOTS};
use cloud_patterns_playground::labs::availability::{side_summary, AvailView};
use engine::labs::availability::config::Redundancy;
use engine::labs::availability::view::{Band, CommandRoute};
use engine::labs::availability::{presets, AvailabilityConfig, AvailabilityRun};
use engine::validate::ConfigError;
use engine::{Lang, SimTime};
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn view_of(config: &AvailabilityConfig, seed: u64) -> AvailView {
    AvailView {
        run: StoredValue::new_local(AvailabilityRun::new(config, seed).expect("valid config")),
        tick: RwSignal::new(0),
        lang: Signal::stored(Lang::En),
        seed: Signal::stored(seed),
    }
}

fn preset_config(id: &str) -> (AvailabilityConfig, u64) {
    let p = presets::all()
        .into_iter()
        .find(|p| p.id == id)
        .expect("preset exists");
    (p.config, p.seed)
}

fn preset(id: &str) -> AvailView {
    let (c, s) = preset_config(id);
    view_of(&c, s)
}

fn advance_to(view: AvailView, ms: u64) {
    view.run.update_value(|r| {
        r.run_to(SimTime::from_ms(ms), u64::MAX);
    });
    view.tick.update(|t| *t += 1);
}

fn run_to_end(view: AvailView) {
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

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).expect("valid selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into())
        .collect()
}

fn one(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .expect("valid selector")
        .unwrap_or_else(|| panic!("{selector} is there"))
}

fn mount(f: impl FnOnce() -> AnyView + 'static) -> (HtmlElement, impl Drop) {
    let root = container();
    let handle = mount_to(root.clone(), f);
    (root, Unmount(Some(handle)))
}

struct Unmount<T>(Option<T>);
impl<T> Drop for Unmount<T> {
    fn drop(&mut self) {
        self.0.take();
    }
}

#[wasm_bindgen_test]
async fn the_stage_draws_every_lane_and_switches_the_command_route_on_failover() {
    let view = preset("experiment");
    let (root, _keep) = mount(move || view! { <AvailStage view=view side=0 /> }.into_any());
    tick().await;
    let stage = one(&root, "[data-testid=av-stage-0]");
    for lane in [
        "clients", "gateway", "monitor", "primary", "backup", "queries",
    ] {
        assert_eq!(
            all(&stage, &format!("[data-lane={lane}]")).len(),
            1,
            "{lane}"
        );
    }
    let on = |route: &str| {
        one(&stage, &format!("[data-route={route}]"))
            .get_attribute("data-on")
            .unwrap_or_default()
    };
    assert_eq!(on("primary"), "1");
    assert_eq!(on("backup"), "0");
    // 34 s: the primary crashed at 30 s, declared down, the cold backup starting: no route, 503s.
    advance_to(view, 34_000);
    tick().await;
    let route = view.run.with_value(|r| r.sides[0].model().command_route());
    assert_eq!(route, CommandRoute::Nowhere);
    assert_eq!((on("primary"), on("backup")), ("0".into(), "0".into()));
    let primary = one(&stage, "[data-lane=primary]");
    assert!(
        primary.text_content().unwrap().contains("CRASHED"),
        "{:?}",
        primary.text_content()
    );
    let gateway = one(&stage, "[data-lane=gateway]").text_content().unwrap();
    assert!(gateway.contains("nowhere (503)"), "{gateway}");
    // The gateway counts its error answers as the engine does.
    let s = view.run.with_value(|r| {
        let st = &r.sides[0].model().stats;
        (st.e502, st.e503, st.e504)
    });
    assert!(s.0 > 0, "502s while crashed and undetected");
    assert!(
        gateway.contains(&format!("502 ×{} · 503 ×{} · 504 ×{}", s.0, s.1, s.2)),
        "{gateway}"
    );
    // 45 s: the backup serves; the route points at it.
    advance_to(view, 45_000);
    tick().await;
    assert_eq!((on("primary"), on("backup")), ("0".into(), "1".into()));
    let backup = one(&stage, "[data-lane=backup]").text_content().unwrap();
    assert!(backup.contains("serving"), "{backup}");
    // The text alternative says where commands go.
    let label = one(&stage, "svg").get_attribute("aria-label").unwrap();
    assert!(label.starts_with("Commands go to the backup."), "{label}");
}

#[wasm_bindgen_test]
async fn dots_are_coloured_by_outcome_and_stay_bounded_under_heavy_load() {
    let (mut c, seed) = preset_config("experiment");
    c.load.requests_per_s = 200.0;
    c.load.duration_ms = 40_000;
    let view = view_of(&c, seed);
    let (root, _keep) = mount(move || view! { <AvailStage view=view side=0 /> }.into_any());
    advance_to(view, 31_000);
    tick().await;
    let dots = all(&root, "svg.av-svg circle.av-dot");
    assert!(!dots.is_empty());
    assert!(dots.len() <= MAX_DOTS, "{} dots", dots.len());
    // Just after the crash, registrations come back as 502s.
    let codes: Vec<String> = dots
        .iter()
        .filter_map(|d| d.get_attribute("data-code"))
        .collect();
    assert!(codes.iter().any(|c| c == "e502"), "{codes:?}");
    assert!(
        codes.iter().any(|c| c == "ok"),
        "queries still answered: {codes:?}"
    );
}

#[wasm_bindgen_test]
async fn the_seismograph_shows_misses_the_threshold_and_the_bands() {
    let view = preset("experiment");
    let (root, _keep) = mount(move || view! { <Seismograph view=view side=0 /> }.into_any());
    advance_to(view, 20_000);
    tick().await;
    let s = one(&root, "[data-testid=av-seismo-0]");
    assert!(!all(&s, ".av-tick.echo").is_empty(), "echoes while up");
    assert!(all(&s, ".av-miss").is_empty(), "no miss while up");
    assert_eq!(all(&s, "[data-band]").len(), 1);
    assert_eq!(all(&s, "[data-band=up]").len(), 1);
    assert!(one(&s, ".av-threshold-label")
        .text_content()
        .unwrap()
        .contains("k = 3"));
    // 36 s: the crash, missed echoes, the declaration, the backup starting.
    advance_to(view, 36_000);
    tick().await;
    assert!(all(&s, ".av-miss").len() >= 3, "missed echoes are crossed");
    for band in ["up", "suspected", "down"] {
        assert!(
            !all(&s, &format!("[data-band={band}]")).is_empty(),
            "{band}"
        );
    }
    assert!(!all(&s, ".av-truth").is_empty(), "the crash is shaded");
    let label = one(&s, "svg").get_attribute("aria-label").unwrap();
    let band = view.run.with_value(|r| r.sides[0].model().band_now());
    assert_eq!(band, Band::Down);
    assert!(
        label.starts_with("The monitor says: declared down."),
        "{label}"
    );
}

#[wasm_bindgen_test]
async fn phi_accrual_shows_phi_against_its_threshold() {
    let view = preset("phi_accrual");
    let (root, _keep) = mount(move || view! { <Seismograph view=view side=1 /> }.into_any());
    advance_to(view, 20_000);
    tick().await;
    let s = one(&root, "[data-testid=av-seismo-1]");
    assert!(one(&s, ".av-threshold-label")
        .text_content()
        .unwrap()
        .contains("φ = 8"));
    assert!(one(&s, ".av-level-label")
        .text_content()
        .unwrap()
        .contains("φ"));
    let summary = view.run.with_value(|r| side_summary(r, 1, Lang::En));
    assert!(summary.starts_with("φ-accrual"), "{summary}");
}

#[wasm_bindgen_test]
async fn the_charts_show_availability_per_class_the_budget_and_percentiles() {
    let view = preset("experiment");
    let (root, _keep) = mount(move || view! { <AvailCharts view=view /> }.into_any());
    run_to_end(view);
    tick().await;
    for id in ["chart-avail-a", "chart-throughput", "chart-percentiles"] {
        let chart = one(&root, &format!("[data-testid={id}]"));
        assert!(!all(&chart, "svg").is_empty(), "{id} draws");
        assert!(!all(&chart, "table").is_empty(), "{id} has a table");
    }
    // One side: no B chart.
    assert!(all(&root, "[data-testid=chart-avail-b]").is_empty());
    // The budget gauge says what the engine says.
    let (failed, allowed) = view.run.with_value(|r| r.sides[0].model().error_budget());
    let gauge = one(&root, ".av-gauge[data-side=A]");
    let used: f64 = gauge.get_attribute("data-used").unwrap().parse().unwrap();
    assert!((used - failed as f64 / allowed).abs() < 1e-3, "{used}");
    assert!(
        gauge.class_list().contains("over"),
        "a 10 s outage blows a 99.9 % budget"
    );
    assert!(gauge.text_content().unwrap().contains(&failed.to_string()));
}

#[wasm_bindgen_test]
async fn a_comparison_draws_both_sides_charts() {
    let view = preset("rejoin");
    let (root, _keep) = mount(move || view! { <AvailCharts view=view /> }.into_any());
    run_to_end(view);
    tick().await;
    assert_eq!(all(&root, ".av-gauge").len(), 2);
    assert!(!all(&root, "[data-testid=chart-avail-b] svg").is_empty());
}

#[wasm_bindgen_test]
async fn the_log_narrates_and_can_hide_error_answers() {
    let view = preset("experiment");
    let playing = RwSignal::new(false);
    let (root, _keep) = mount(move || view! { <AvailLog view=view playing=playing /> }.into_any());
    advance_to(view, 45_000);
    tick().await;
    let lines = |root: &Element| -> Vec<String> {
        all(root, "[data-testid=log-a] [data-testid=log-entry]")
            .iter()
            .map(|e| e.text_content().unwrap_or_default())
            .collect()
    };
    let before = lines(&root);
    assert!(
        before.iter().any(|l| l.contains("/api-commands/users")),
        "error answers are narrated"
    );
    let filter: HtmlInputElement = one(&root, "[data-testid=log-only-monitor]").unchecked_into();
    filter.click();
    tick().await;
    let after = lines(&root);
    assert!(!after.iter().any(|l| l.contains("/api-commands/users")));
    for needle in ["crashed", "declared down", "backup takes the registrations"] {
        assert!(
            after.iter().any(|l| l.contains(needle)),
            "{needle}: {after:?}"
        );
    }
}

#[wasm_bindgen_test]
async fn controls_edit_the_config_and_show_the_engines_errors() {
    let config = RwSignal::new(AvailabilityConfig::default());
    let errors = RwSignal::new(Vec::<ConfigError>::new());
    let (root, _keep) =
        mount(move || view! { <AvailControls config=config errors=errors /> }.into_any());
    tick().await;
    let input = |id: &str| -> HtmlInputElement {
        one(&root, &format!("[data-testid={id}] input[type=number]")).unchecked_into()
    };
    let set = |id: &str, v: &str| {
        let i = input(id);
        i.set_value(v);
        i.dispatch_event(&web_sys::Event::new("change").unwrap())
            .unwrap();
    };
    set("a-k", "5");
    set("rate", "7");
    set("command-share", "60");
    set("duration", "90");
    tick().await;
    config.with_untracked(|c| {
        assert_eq!(c.tactics.k, 5);
        assert_eq!(c.load.requests_per_s, 7.0);
        assert!((c.load.command_share - 0.6).abs() < 1e-9);
        assert_eq!(c.load.duration_ms, 90_000);
    });
    // Every field shows a help line.
    for field in all(&root, ".field") {
        assert!(!field
            .query_selector(".help")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
            .is_empty());
    }
    // The backup's fields follow the redundancy; side B appears when comparing.
    assert!(root
        .query_selector("[data-testid=b-fields]")
        .unwrap()
        .is_none());
    config.update(|c| c.compare = Some(c.tactics.clone()));
    tick().await;
    assert!(root
        .query_selector("[data-testid=b-fields]")
        .unwrap()
        .is_some());
    config.update(|c| c.tactics.redundancy = Redundancy::None);
    tick().await;
    assert!(root
        .query_selector("[data-testid=a-spin-up]")
        .unwrap()
        .is_none());
    assert!(root
        .query_selector("[data-testid=a-fencing]")
        .unwrap()
        .is_none());
    // A fixed crash can be added and removed.
    let before = config.with_untracked(|c| match &c.registration.crashes {
        engine::labs::availability::config::Crashes::Fixed { crashes } => crashes.len(),
        _ => 0,
    });
    let add: HtmlElement = one(&root, "[data-testid=registration-crash-add]").unchecked_into();
    add.click();
    tick().await;
    assert_eq!(all(&root, ".av-crash-row").len(), before + 1);
    // The engine's errors are listed by field.
    errors.set(
        AvailabilityRun::new(
            &AvailabilityConfig {
                slo: 2.0,
                ..AvailabilityConfig::default()
            },
            1,
        )
        .err()
        .expect("refused"),
    );
    tick().await;
    assert!(one(&root, "[data-testid=config-errors]")
        .text_content()
        .unwrap()
        .contains("slo"));
}

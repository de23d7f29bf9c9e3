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

mod common;

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
    // The text alternative says where registrations go.
    let label = one(&stage, "svg").get_attribute("aria-label").unwrap();
    assert!(
        label.starts_with("Registrations (commands) are routed to: backup."),
        "{label}"
    );
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
    // The limit mark is placed on the track, not inside the fill.
    assert_eq!(all(&gauge, ".av-gauge-track > .av-gauge-limit").len(), 1);
    assert_eq!(all(&gauge, ".av-gauge-track > .av-gauge-fill").len(), 1);
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
        one(&root, &format!("[data-testid={id}] input.num")).unchecked_into()
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

#[wasm_bindgen_test]
async fn the_stage_names_the_gap_between_a_crash_and_its_detection() {
    let view = preset("experiment");
    let (root, _keep) = mount(move || view! { <AvailStage view=view side=0 /> }.into_any());
    advance_to(view, 20_000);
    tick().await;
    let gap = one(&root, "[data-testid=av-gap-0]");
    assert!(
        gap.class_list().contains("quiet"),
        "nothing to say while up"
    );
    assert_eq!(gap.text_content().unwrap(), "");
    // 31.7 s: crashed at 30 s; ping-echo needs 3 missed echoes.
    advance_to(view, 31_700);
    tick().await;
    let (for_ms, level) = view.run.with_value(|r| {
        let u = r.sides[0]
            .model()
            .unnoticed(r.sides[0].now())
            .expect("unnoticed");
        (u.for_ms, u.level)
    });
    assert!(for_ms > 1_000.0 && for_ms < 2_000.0, "{for_ms}");
    let text = gap.text_content().unwrap();
    assert!(!gap.class_list().contains("quiet"));
    assert!(
        text.starts_with("The primary crashed 1.7 s ago — the monitor has not noticed yet"),
        "{text}"
    );
    assert!(
        text.contains(&format!("({} of 3 pings missed)", level as u64)),
        "{text}"
    );
    // Declared down: the gap is closed, the line quiet again.
    advance_to(view, 34_000);
    tick().await;
    assert!(gap.class_list().contains("quiet"));
}

#[wasm_bindgen_test]
async fn the_gap_is_named_in_spanish_and_portuguese() {
    for (lang, start) in [
        (
            Lang::Es,
            "El primario se cayó hace 1,7 s — el monitor aún no lo nota (",
        ),
        (
            Lang::Pt,
            "O primário caiu há 1,7 s — o monitor ainda não percebeu (",
        ),
    ] {
        let (c, seed) = preset_config("experiment");
        let view = AvailView {
            lang: Signal::stored(lang),
            ..view_of(&c, seed)
        };
        let (root, _keep) = mount(move || view! { <AvailStage view=view side=0 /> }.into_any());
        advance_to(view, 31_700);
        tick().await;
        let text = one(&root, "[data-testid=av-gap-0]").text_content().unwrap();
        assert!(text.starts_with(start), "{text}");
        assert!(
            text.contains(" de 3 pings sin eco)") || text.contains(" de 3 pings sem eco)"),
            "{text}"
        );
    }
}

#[wasm_bindgen_test]
async fn the_availability_chart_shades_a_crash_only_up_to_now() {
    let view = preset("experiment");
    let (root, _keep) = mount(move || view! { <AvailCharts view=view /> }.into_any());
    common::style_in(&root, include_str!("../style/components.css"));
    advance_to(view, 40_000);
    tick().await;
    // The crash (30 s to 70 s) is shaded from 30 s to now, not to 70 s.
    assert!(!all(&root, "[data-testid=chart-avail-a] svg").is_empty());
    // Its name, near the chart's right end, stays inside the drawing.
    for svg in all(&root, "[data-testid=chart-avail-a] svg") {
        let edge = svg.get_bounding_client_rect().right();
        for label in all(&svg, ".chart-band-label") {
            let r = label.get_bounding_client_rect();
            assert!(
                r.right() <= edge + 0.5,
                "{:?} runs to {} of {edge}",
                label.text_content(),
                r.right()
            );
        }
    }
    let data = view.run.with_value(|r| {
        cloud_patterns_playground::labs::availability::charts::availability_chart(
            &r.sides[0],
            0,
            Lang::En,
        )
    });
    assert_eq!(data.bands.len(), 1);
    assert_eq!(data.bands[0].from, 30_000.0);
    assert!(data.bands[0].to <= 40_000.0 + 1e-6, "{}", data.bands[0].to);
    assert!(data.x_max <= 40_000.0 + 1e-6);
    // The shared verdict chart too.
    let v = view.run.with_value(|r| {
        <engine::labs::availability::AvailabilityModel as engine::labs::sides::SidesView>::verdict(
            r, 0,
        )
    });
    assert_eq!(v.bands.len(), 1);
    assert!(v.bands[0].to_ms <= 40_000.0 + 1e-6, "{}", v.bands[0].to_ms);
}

#[wasm_bindgen_test]
async fn the_seismograph_sums_pings_when_the_window_holds_too_many() {
    // The experiment's window: 24 pings drawn one by one.
    let view = preset("experiment");
    let (root, _keep) = mount(move || view! { <Seismograph view=view side=0 /> }.into_any());
    advance_to(view, 28_000);
    tick().await;
    let scale = one(&root, "[data-testid=av-seismo-scale-0]");
    assert_eq!(scale.get_attribute("data-summed").unwrap(), "false");
    assert!(
        scale
            .text_content()
            .unwrap()
            .starts_with("Last 24 s: one tick per ping"),
        "{:?}",
        scale.text_content()
    );
    assert!(!all(&root, ".av-tick.echo").is_empty());
    assert!(all(&root, ".av-agg").is_empty());
    // A month: the window is the last 3 days, each mark sums many pings.
    let view = preset("month");
    let (root, _keep) = mount(move || view! { <Seismograph view=view side=0 /> }.into_any());
    advance_to(view, 10 * 24 * 3_600_000);
    tick().await;
    let scale = one(&root, "[data-testid=av-seismo-scale-0]");
    assert_eq!(scale.get_attribute("data-summed").unwrap(), "true");
    let text = scale.text_content().unwrap();
    assert!(
        text.starts_with("Last 3 d: 25,920 pings, too many to draw one by one. Each mark sums"),
        "{text}"
    );
    let marks = all(&root, ".av-agg");
    assert!(
        !marks.is_empty() && marks.len() <= 48,
        "{} marks",
        marks.len()
    );
    assert!(
        all(&root, ".av-tick.echo").is_empty(),
        "no single ticks when summed"
    );
    // Every crash in the window shows as missed pings.
    let crashed = view.run.with_value(|r| {
        let m = r.sides[0].model();
        let now = r.sides[0].now();
        let (from, _) =
            engine::labs::availability::view::seismo_window(now, 10_000, 30 * 24 * 3_600_000);
        !m.crashes_between(from, now).is_empty()
    });
    assert_eq!(crashed, !all(&root, ".av-miss").is_empty());
    // The monitor's verdicts show on the strip, over the "up" around them,
    // however short against three days.
    let bands = all(&root, "[data-band]");
    let first_other = bands
        .iter()
        .position(|b| b.get_attribute("data-band").as_deref() != Some("up"));
    if crashed {
        let first_other = first_other.expect("a verdict in the window");
        for b in &bands[first_other..] {
            assert_ne!(
                b.get_attribute("data-band").as_deref(),
                Some("up"),
                "drawn after every up"
            );
            let w: f64 = one(b, "rect")
                .get_attribute("width")
                .unwrap()
                .parse()
                .unwrap();
            assert!(w >= 2.0, "{w}");
        }
    }
    // A count of missed pings is drawn inside the drawing, never above its top.
    for n in all(&root, ".av-miss-n") {
        let y: f64 = n.get_attribute("y").unwrap().parse().unwrap();
        assert!(y >= 9.0, "{y}");
    }
    // At the month's end, up close on the latest crash: marks too narrow for
    // a count each get one count per run of misses (it was a row of bare
    // crosses under a caption promising numbers), adding up to the misses.
    // (A stage card's width, where a mark is about 11 px.)
    let view = preset("month");
    let root = container();
    root.set_attribute("style", "width: 470px").unwrap();
    let _m = mount_to(root.clone(), move || {
        view! { <Seismograph view=view side=0 /> }
    });
    run_to_end(view);
    tick().await;
    let attr_sum = |sel: &str, attr: &str| -> u64 {
        all(&root, sel)
            .iter()
            .map(|e| e.get_attribute(attr).unwrap().parse::<u64>().unwrap())
            .sum()
    };
    let missed = attr_sum(".av-miss[data-missed]", "data-missed");
    assert!(missed > 50, "{missed}");
    assert_eq!(attr_sum("[data-missed-run]", "data-missed-run"), missed);
    // The level's name is never struck through by the line: the crash's
    // saturated line runs along the top, so the name sits at the foot.
    let label = one(&root, ".av-level-label");
    let ly: f64 = label.get_attribute("y").unwrap().parse().unwrap();
    let lx: f64 = label.get_attribute("x").unwrap().parse().unwrap();
    let lw = label.get_bounding_client_rect().width();
    let d = one(&root, ".av-level").get_attribute("d").unwrap();
    let pts: Vec<(f64, f64)> = d
        .split(['M', 'L'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (a, b) = p.split_once(',').unwrap();
            (a.parse().unwrap(), b.parse().unwrap())
        })
        .collect();
    assert!(pts.len() > 4);
    for seg in pts.windows(2) {
        let (a, b) = (seg[0], seg[1]);
        let crosses = a.0.min(b.0) <= lx + lw
            && a.0.max(b.0) >= lx
            && a.1.min(b.1) <= ly + 2.0
            && a.1.max(b.1) >= ly - 9.0;
        assert!(
            !crosses,
            "{seg:?} crosses the label at y {ly}, {lw} px wide"
        );
    }
}

/// A service's normal shape comes with its spread, in a field of its own
/// (it was offered with none, and ran with none); the projector, which has
/// no spread, does not offer the normal shape (the engine refused it).
#[wasm_bindgen_test]
async fn the_normal_latency_shape_has_its_spread_field() {
    let config = RwSignal::new(AvailabilityConfig::default());
    config.update(|c| c.projector.mode = engine::patterns::projector::SyncMode::Queue);
    let errors = RwSignal::new(Vec::<ConfigError>::new());
    let (root, _keep) =
        mount(move || view! { <AvailControls config=config errors=errors /> }.into_any());
    tick().await;
    let sd = || {
        root.query_selector("[data-testid=queries-latency-sd] input.num")
            .unwrap()
    };
    assert!(sd().is_none());
    let shape: web_sys::HtmlSelectElement =
        one(&root, "[data-testid=queries-shape] select").unchecked_into();
    shape.set_value("normal");
    shape
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick().await;
    let input: HtmlInputElement = sd().expect("the spread's field").unchecked_into();
    input.set_value("12");
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick().await;
    assert_eq!(config.with_untracked(|c| c.queries.latency_sd_ms), 12);
    assert!(AvailabilityRun::new(&config.get_untracked(), 1).is_ok());
    let projector = all(&root, "[data-testid=projector-shape] option");
    assert!(!projector.is_empty());
    assert!(projector
        .iter()
        .all(|o| o.get_attribute("value").as_deref() != Some("normal")));
}

#[wasm_bindgen_test]
async fn every_projector_pause_can_be_added_edited_and_removed() {
    let config = RwSignal::new(AvailabilityConfig::default());
    config.update(|c| c.projector.mode = engine::patterns::projector::SyncMode::Queue);
    let errors = RwSignal::new(Vec::<ConfigError>::new());
    let (root, _keep) =
        mount(move || view! { <AvailControls config=config errors=errors /> }.into_any());
    tick().await;
    let add: HtmlElement = one(&root, "[data-testid=pause-add]").unchecked_into();
    add.click();
    tick().await;
    add.click();
    tick().await;
    assert_eq!(all(&root, ".av-pauses .av-crash-row").len(), 2);
    assert_eq!(config.with_untracked(|c| c.projector.pauses.len()), 2);
    // The second window's own fields edit the second window.
    let input: HtmlInputElement = one(
        &root,
        "[data-testid=pause-1] [data-testid=pause-to] input.num",
    )
    .unchecked_into();
    input.set_value("90");
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick().await;
    config.with_untracked(|c| {
        assert_eq!(c.projector.pauses[1].to_ms, 90_000);
        assert_eq!(
            c.projector.pauses[0].to_ms, 30_000,
            "the first is untouched"
        );
    });
    // A bad second window is named with its index.
    config.update(|c| c.projector.pauses[1].to_ms = 1);
    let errs = config.with_untracked(|c| AvailabilityRun::new(c, 1).err().expect("refused"));
    assert!(
        errs.iter().any(|e| e.field == "projector.pauses[1]"),
        "{errs:?}"
    );
    // Removing the first leaves the second.
    let remove: HtmlElement =
        one(&root, "[data-testid=pause-0] [data-testid=pause-remove]").unchecked_into();
    remove.click();
    tick().await;
    config.with_untracked(|c| {
        assert_eq!(c.projector.pauses.len(), 1);
        assert_eq!(c.projector.pauses[0].to_ms, 1);
    });
    assert!(root
        .query_selector("[data-testid=pause-1]")
        .unwrap()
        .is_none());
}

/// The queries box says how far its copy is behind, as the projector
/// keeps it: paused with registrations piling up, then caught up.
#[wasm_bindgen_test]
async fn the_queries_box_shows_how_far_its_copy_is_behind() {
    use engine::patterns::bus::Window;
    use engine::patterns::projector::SyncMode;
    let (mut c, seed) = preset_config("experiment");
    c.projector.mode = SyncMode::Queue;
    c.projector.service_ms = 5;
    c.projector.pauses = vec![Window {
        from_ms: 10_000,
        to_ms: 25_000,
    }];
    let view = view_of(&c, seed);
    let (root, _keep) = mount(move || view! { <AvailStage view=view side=0 /> }.into_any());
    tick().await;
    let copy = || {
        one(
            &root,
            "[data-testid=av-stage-0] [data-lane=queries] .av-copy",
        )
        .text_content()
        .unwrap()
    };
    assert_eq!(copy(), "copy up to date");
    advance_to(view, 20_000);
    tick().await;
    let behind = view
        .run
        .with_value(|r| r.sides[0].model().copy_state(SimTime::from_ms(20_000)));
    assert!(behind.paused && behind.behind > 10, "{behind:?}");
    // "paused: 62 behind", with the oldest one's wait where the box has room.
    let text = copy();
    assert!(
        text.starts_with(&format!("paused: {} behind", behind.behind)),
        "{text}"
    );
    assert!(behind.oldest_ms.unwrap() > 9_000.0, "{behind:?}");
    let queries = one(&root, "[data-testid=av-stage-0] [data-lane=queries]");
    assert!(
        queries.class_list().contains("av-warn"),
        "the box warns while paused"
    );
    // After the pause the projector catches up.
    advance_to(view, 29_000);
    tick().await;
    let late = view
        .run
        .with_value(|r| r.sides[0].model().copy_state(SimTime::from_ms(29_000)));
    assert!(!late.paused && late.behind < 5, "{late:?}");
    assert!(
        copy() == "copy up to date" || copy().starts_with(&format!("copy {} behind", late.behind)),
        "{}",
        copy()
    );
    let queries = one(&root, "[data-testid=av-stage-0] [data-lane=queries]");
    assert!(
        !queries.class_list().contains("av-warn"),
        "no warning once the pause is over"
    );
    // The metrics count what queries read meanwhile.
    run_to_end(view);
    let m = view
        .run
        .with_value(|r| r.sides[0].model().metrics(r.sides[0].now()));
    assert!(
        m.stale_queries > 0 && m.projector_lag_p95_ms.unwrap() > 1_000.0,
        "{m:?}"
    );
}

/// A line longer than its box is squeezed into it, not spilled over the border:
/// the gateway's "/api-commands → ningún lado (503)" during a failover, in Spanish.
#[wasm_bindgen_test]
async fn a_long_line_is_fitted_to_its_box() {
    use cloud_patterns_playground::labs::availability::stage::stage_svg;
    let view = preset("experiment");
    advance_to(view, 34_000);
    let svg = view
        .run
        .with_value(|r| stage_svg(&r.sides[0], Lang::Es, 1000.0, false));
    let root = container();
    root.set_inner_html(&svg);
    let line = all(&root, "[data-lane=gateway] text")
        .into_iter()
        .find(|t| t.text_content().unwrap_or_default().contains("ningún lado"))
        .expect("the route line");
    let room: f64 = one(&root, "[data-lane=gateway] rect")
        .get_attribute("width")
        .unwrap()
        .parse()
        .unwrap();
    let fitted: f64 = line
        .get_attribute("textLength")
        .expect("squeezed")
        .parse()
        .unwrap();
    assert!(fitted < room, "{fitted} in {room}");
    // A short line is left as it is.
    let short = all(&root, "[data-lane=gateway] text")
        .into_iter()
        .find(|t| {
            t.text_content()
                .unwrap_or_default()
                .contains("/api-queries")
        })
        .expect("the queries route");
    assert!(short.get_attribute("textLength").is_none());
    root.remove();
}

/// In an embed's A | B card (about 350 px) the monitor's count is read at its
/// size: the box takes the clients' column too, so "perdidos 15: caído" is not
/// squeezed into the gateway's width (it read as 7 px type), and the box
/// stays clear of the clients' box below it.
#[wasm_bindgen_test]
async fn the_monitors_count_is_not_squeezed_in_a_narrow_card() {
    use cloud_patterns_playground::labs::availability::stage::stage_svg;
    let view = preset("aggressive_timeout");
    advance_to(view, 67_000);
    for w in [340.0, 360.0, 500.0] {
        let svg = view
            .run
            .with_value(|r| stage_svg(&r.sides[0], Lang::Es, w, false));
        let root = container();
        root.set_inner_html(&svg);
        for t in all(&root, "[data-lane=monitor] text") {
            assert!(
                t.get_attribute("textLength").is_none(),
                "{w} px: {:?} squeezed",
                t.text_content()
            );
        }
        let rect = |lane: &str| {
            let r = one(&root, &format!("[data-lane={lane}] rect"));
            let n = |a: &str| r.get_attribute(a).unwrap().parse::<f64>().unwrap();
            (n("x"), n("y"), n("x") + n("width"), n("y") + n("height"))
        };
        let (m, c, p) = (rect("monitor"), rect("clients"), rect("primary"));
        assert!(
            m.3 <= c.1,
            "{w} px: the monitor {m:?} over the clients {c:?}"
        );
        assert!(
            m.2 < p.0,
            "{w} px: the monitor {m:?} into the primary {p:?}"
        );
        root.remove();
    }
}

/// In Spanish the metrics table writes the target as the text beside it
/// does, "99,9 %" (the engine hands the number over as English writes it),
/// and theory's detection time is the ping-echo span, not its upper end.
#[wasm_bindgen_test]
async fn the_metrics_table_speaks_the_readers_decimals_and_gives_detection_as_a_span() {
    use cloud_patterns_playground::lab_page::metrics::MetricsTable;
    let (c, seed) = preset_config("experiment");
    let view = AvailView {
        lang: Signal::stored(Lang::Es),
        ..view_of(&c, seed)
    };
    let root = container();
    let _m = mount_to(root.clone(), move || view! { <MetricsTable view=view /> });
    run_to_end(view);
    tick().await;
    let label = root
        .query_selector("tr[data-metric=error_budget_used] th")
        .unwrap()
        .expect("the budget row")
        .text_content()
        .unwrap();
    assert!(label.contains("99,9 %"), "{label}");
    assert!(!label.contains("99.9"), "{label}");
    let theory = root
        .query_selector("tr[data-metric=detection_ms] .theory .mono")
        .unwrap()
        .expect("detection has a theory")
        .text_content()
        .unwrap();
    assert!(
        theory.contains("\u{a0}–\u{a0}"),
        "a span, on one line: {theory}"
    );
    assert!(theory.contains(','), "Spanish decimals: {theory}");
}

/// The error-budget gauges share one scale in steps: a side three times
/// over the budget fills three times as much as one once over, the budget's
/// mark is named on the scale, and the scale does not grow while the
/// overrun still fits in it.
#[wasm_bindgen_test]
async fn the_budget_gauges_share_one_stepped_scale_with_the_budget_named() {
    use cloud_patterns_playground::labs::availability::charts::gauge_top;
    assert_eq!(gauge_top(0.3), 1.25);
    assert_eq!(gauge_top(1.0), 1.25);
    assert_eq!(gauge_top(1.5), 2.0);
    assert_eq!(gauge_top(16.9), 20.0);
    assert_eq!(gauge_top(49.9), 50.0);
    assert_eq!(gauge_top(50.1), 100.0);
    let view = preset("rejoin");
    let (root, _keep) = mount(move || view! { <AvailCharts view=view /> }.into_any());
    run_to_end(view);
    tick().await;
    let gauges = all(&root, ".av-gauge");
    assert_eq!(gauges.len(), 2);
    let width = |g: &Element, sel: &str, prop: &str| -> f64 {
        let style = g
            .query_selector(sel)
            .unwrap()
            .unwrap()
            .get_attribute("style")
            .unwrap();
        style
            .trim_start_matches(&format!("{prop}:"))
            .trim_end_matches('%')
            .parse()
            .unwrap()
    };
    let used: Vec<f64> = gauges
        .iter()
        .map(|g| g.get_attribute("data-used").unwrap().parse().unwrap())
        .collect();
    let top = gauge_top(used[0].max(used[1]));
    for (g, u) in gauges.iter().zip(&used) {
        // Each fill is its share of the one scale, and the marks agree.
        assert!((width(g, ".av-gauge-fill", "width") - u.min(top) / top * 100.0).abs() < 0.02);
        assert!((width(g, ".av-gauge-limit", "left") - 100.0 / top).abs() < 0.02);
        assert!((width(g, ".av-gauge-limit-label", "left") - 100.0 / top).abs() < 0.02);
        let text = |sel: &str| one(g, sel).text_content().unwrap_or_default();
        assert_eq!(text(".av-gauge-limit-label"), "budget");
        assert!(text(".av-gauge-end").starts_with('×'));
    }
}

/// A month at ~0.05 requests/s: the throughput chart fits its axis to the
/// data (its top tick below 1, the lines up the plot), where a 0–1 axis laid
/// them flat along the bottom; its ticks keep their digits ("0.025", never
/// "0.03") and its time axis reads in days from "0".
#[wasm_bindgen_test]
fn a_months_throughput_fills_its_chart() {
    use cloud_patterns_playground::charts::line_chart_svg;
    use cloud_patterns_playground::labs::availability::charts::throughput_chart;
    let view = preset("month");
    advance_to(view, 10 * 24 * 3_600_000);
    let d = view.run.with_value(|r| throughput_chart(r, Lang::En));
    let peak = d
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    assert!(peak > 0.0 && peak < 0.5, "a quiet month: {peak}/s");
    let host = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .create_element("div")
        .unwrap();
    host.set_inner_html(&line_chart_svg(&d, 600.0, 300.0, "h", 0.0));
    let grid: Vec<String> = all(&host, ".chart-grid text")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    let top: f64 = grid.last().unwrap().parse().unwrap();
    assert!(
        top < 1.0 && top >= peak,
        "top tick {top} fits the peak {peak}: {grid:?}"
    );
    assert!(top <= peak * 2.5, "{grid:?} for a peak of {peak}");
    for label in &grid {
        let v: f64 = label.parse().unwrap();
        assert!(
            grid.iter()
                .all(|l| l == label || l.parse::<f64>().unwrap() != v),
            "{grid:?}"
        );
    }
    let x: Vec<String> = all(&host, ".chart-tick text")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    assert_eq!(x[0], "0", "{x:?}");
    assert!(x[1..].iter().all(|l| l.ends_with(" d")), "{x:?}");
}

/// A primary copying the backup's writes says so in a word in half a phone
/// ("copiando as escritas da reserva" was squeezed unreadable), in full on
/// a wide card.
#[wasm_bindgen_test]
async fn a_resync_is_one_word_in_half_a_phone() {
    use cloud_patterns_playground::labs::availability::stage::stage_svg;
    let view = preset("rejoin");
    let mut at = 60_000;
    let resyncing = |view: AvailView| {
        view.run.with_value(|r| {
            let s = &r.sides[0];
            s.model().primary_instance(s.now()).key() == "resyncing"
        })
    };
    while !resyncing(view) {
        at += 250;
        assert!(at < 120_000, "A's primary resyncs after it returns");
        advance_to(view, at);
    }
    let svg = |w: f64| {
        view.run
            .with_value(|r| stage_svg(&r.sides[0], Lang::Pt, w, false))
    };
    assert!(svg(180.0).contains(">ressincronizando<"), "{}", svg(180.0));
    assert!(svg(1000.0).contains(">copiando as escritas da reserva<"));
}

/// In half a phone (an A | B card ~180 px wide) the stage is drawn at its
/// own width in one column, so its text keeps its size: not a 300 px
/// drawing scaled down to 60 %.
#[wasm_bindgen_test]
async fn half_a_phone_stacks_the_stage_at_its_own_width() {
    use cloud_patterns_playground::labs::availability::stage::stage_svg;
    let view = preset("rejoin");
    advance_to(view, 34_000);
    let root = container();
    root.set_attribute("style", "width: 180px").unwrap();
    // The page's own stylesheets: text at the sizes the page draws it.
    common::style_in(
        &root,
        concat!(
            include_str!("../style/components.css"),
            include_str!("../style/lab-availability.css")
        ),
    );
    let svg = view
        .run
        .with_value(|r| stage_svg(&r.sides[0], Lang::Es, 180.0, false));
    let holder = container();
    root.append_child(&holder).unwrap();
    holder.set_inner_html(&svg);
    let svg_el = one(&root, "svg");
    let view_box = svg_el.get_attribute("viewBox").unwrap();
    let drawn: f64 = view_box.split(' ').nth(2).unwrap().parse().unwrap();
    assert_eq!(drawn, 180.0, "{view_box}");
    let rect = |lane: &str| {
        let r = one(&root, &format!("[data-lane={lane}] rect"));
        let f = |a: &str| r.get_attribute(a).unwrap().parse::<f64>().unwrap();
        (f("x"), f("y"), f("width"), f("height"))
    };
    // One column, top to bottom.
    let order = [
        "clients", "gateway", "monitor", "primary", "backup", "queries",
    ];
    for pair in order.windows(2) {
        let (a, b) = (rect(pair[0]), rect(pair[1]));
        assert!(b.1 >= a.1 + a.3, "{} below {}", pair[1], pair[0]);
    }
    // Every box's text inside its box, at its own size (drawn at scale 1).
    let scale = svg_el.get_bounding_client_rect().width() / 180.0;
    assert!((scale - 1.0).abs() < 0.01, "scale {scale}");
    texts_inside_their_boxes(&root, 180.0);
    // The monitor's short line says what it counts ("× 0/3" did not).
    let monitor = one(&root, "[data-lane=monitor]")
        .text_content()
        .unwrap_or_default();
    // Past the limit (4 missed of 3) it says the verdict, not a fraction
    // ("perdidos 11/3" read as eleven thirds).
    assert!(
        monitor.contains("sin eco 4: caído") && !monitor.contains('×'),
        "{monitor}"
    );
    // The routes run down the left: each backend's starts at the gateway's
    // bottom and ends at its box's left side.
    let gw = rect("gateway");
    let mut rails = vec![];
    for lane in ["primary", "backup", "queries"] {
        let points = one(&root, &format!("[data-route={lane}] polyline"))
            .get_attribute("points")
            .unwrap();
        let xy: Vec<(f64, f64)> = points
            .split(' ')
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect();
        let b = rect(lane);
        assert_eq!(
            xy.first().unwrap().1,
            gw.1 + gw.3,
            "{lane} from the gateway"
        );
        assert_eq!(
            *xy.last().unwrap(),
            (b.0, b.1 + b.3 / 2.0),
            "{lane} into its box"
        );
        rails.push(xy[0].0);
    }
    // Each backend on its own rail, left of the boxes.
    assert!(rails[0] < rails[1] && rails[1] < rails[2], "{rails:?}");
    assert!(
        rails.iter().all(|&x| x > 0.0 && x < rect("primary").0),
        "{rails:?}"
    );
    // Dots are on stage, inside the drawing.
    let dots = all(&root, "circle.av-dot");
    assert!(!dots.is_empty());
    for d in dots {
        let cx: f64 = d.get_attribute("cx").unwrap().parse().unwrap();
        assert!((0.0..=180.0).contains(&cx), "{cx}");
    }
    // Side by side too, narrow and wide: every line inside its box.
    for w in [340.0, 600.0, 1000.0] {
        let svg = view
            .run
            .with_value(|r| stage_svg(&r.sides[0], Lang::Es, w, false));
        holder
            .set_attribute("style", &format!("width: {w}px"))
            .unwrap();
        holder.set_inner_html(&svg);
        texts_inside_their_boxes(&holder, w);
    }
    // Under the limit, the count towards it: "perdidos 1/3" (crash at 30 s,
    // a ping a second).
    let early = preset("rejoin");
    advance_to(early, 31_500);
    let svg = early
        .run
        .with_value(|r| stage_svg(&r.sides[0], Lang::Es, 180.0, false));
    holder.set_attribute("style", "width: 180px").unwrap();
    holder.set_inner_html(&svg);
    texts_inside_their_boxes(&holder, 180.0);
    let monitor = one(&holder, "[data-lane=monitor]")
        .text_content()
        .unwrap_or_default();
    assert!(
        monitor.contains("sin eco ") && monitor.contains("/3") && !monitor.contains("caído"),
        "{monitor}"
    );
    root.remove();
}

fn texts_inside_their_boxes(root: &Element, width: f64) {
    for lane in [
        "clients", "gateway", "monitor", "primary", "backup", "queries",
    ] {
        let b = one(root, &format!("[data-lane={lane}] rect")).get_bounding_client_rect();
        for t in all(root, &format!("[data-lane={lane}] text")) {
            let r = t.get_bounding_client_rect();
            let what = t.text_content().unwrap_or_default();
            assert!(
                r.left() >= b.left() - 0.5 && r.right() <= b.right() + 0.5,
                "{width} px, {lane}: {what:?} across the box's side"
            );
            assert!(
                r.top() >= b.top() - 0.5 && r.bottom() <= b.bottom() + 0.5,
                "{width} px, {lane}: {what:?} over the box's top or bottom ({} < {} or {} > {})",
                r.top(),
                b.top(),
                r.bottom(),
                b.bottom()
            );
        }
    }
}

/// In half a phone the seismograph is drawn at its own width, so its text
/// keeps the page's size (a 240 px drawing shrunk into 170 px read at 6-8 px),
/// and every label stays inside the drawing and clear of the others.
#[wasm_bindgen_test]
async fn the_seismograph_keeps_its_text_size_in_half_a_phone() {
    use cloud_patterns_playground::labs::availability::seismo::seismo_svg;
    let view = preset("aggressive_timeout");
    advance_to(view, 40_000);
    for width in [170.0, 600.0] {
        let root = container();
        root.set_attribute("style", &format!("width: {width}px"))
            .unwrap();
        common::style_in(
            &root,
            concat!(
                include_str!("../style/components.css"),
                include_str!("../style/lab-availability.css")
            ),
        );
        let holder = container();
        root.append_child(&holder).unwrap();
        holder.set_inner_html(&view.run.with_value(|r| seismo_svg(r, 0, Lang::Es, width)));
        let svg = one(&root, "svg").get_bounding_client_rect();
        assert!(
            (svg.width() - width).abs() < 1.0,
            "{width}: drawn {}",
            svg.width()
        );
        let labels: Vec<web_sys::DomRect> = all(&root, ".av-threshold-label, .av-level-label")
            .iter()
            .map(|e| e.get_bounding_client_rect())
            .collect();
        assert!(!labels.is_empty());
        for r in &labels {
            assert!(r.height() >= 10.0, "{width}: text {} px tall", r.height());
            assert!(
                r.left() >= svg.left() - 0.5 && r.right() <= svg.right() + 0.5,
                "{width}: {r:?} out of {svg:?}"
            );
        }
        for (i, a) in labels.iter().enumerate() {
            for b in &labels[i + 1..] {
                let apart = a.right() <= b.left()
                    || b.right() <= a.left()
                    || a.bottom() <= b.top()
                    || b.bottom() <= a.top();
                assert!(apart, "{width}: labels overlap");
            }
        }
        root.remove();
    }
}

/// Mid-run, the outcomes bar tells the gateway's errors apart in the stage's
/// tones: a cold backup's spin-up answers 503 (orange), and it is drawn so,
/// not in the 504 colour every error used to get.
#[wasm_bindgen_test]
async fn the_outcomes_bar_draws_each_error_code_in_its_own_tone() {
    use cloud_patterns_playground::lab_page::metrics::MetricsTable;
    let view = preset("aggressive_timeout");
    let root = container();
    common::style_in(
        &root,
        concat!(
            include_str!("../style/main.css"),
            include_str!("../style/components.css"),
            include_str!("../style/lab-page.css")
        ),
    );
    let _m = mount_to(root.clone(), move || view! { <MetricsTable view=view /> });
    advance_to(view, 70_000);
    tick().await;
    let bar = one(&root, "[data-testid=outcomes-a]");
    let parts = all(&bar, ".outcomes-bad");
    assert_eq!(parts.len(), 3, "502, 503 and 504");
    let split = view.run.with_value(|r| {
        [
            r.sides[0].model().stats.e502,
            r.sides[0].model().stats.e503,
            r.sides[0].model().stats.e504,
        ]
    });
    assert!(split[1] > 0, "the cold starts answered 503: {split:?}");
    let colour = |e: &Element| {
        web_sys::window()
            .unwrap()
            .get_computed_style(e)
            .unwrap()
            .unwrap()
            .get_property_value("background-color")
            .unwrap()
    };
    let colours: Vec<String> = parts.iter().map(colour).collect();
    assert_ne!(colours[0], colours[1], "{colours:?}");
    assert_ne!(colours[1], colours[2], "{colours:?}");
    assert_ne!(colours[0], colours[2], "{colours:?}");
    for (part, n) in parts.iter().zip(split) {
        let style = part.get_attribute("style").unwrap_or_default();
        let share: f64 = style
            .trim_start_matches("width:")
            .trim_end_matches('%')
            .parse()
            .unwrap();
        let wide = share > 0.0;
        assert_eq!(wide, n > 0, "{:?} for {n}", part.get_attribute("style"));
    }
}

/// A pings every 0.5 s, B every second. Both seismographs show the same span
/// — B's 24 intervals, 24 s — so A | B read on one time scale (A showed 12 s
/// beside B's 24 s); A still draws its 48 pings one by one.
#[wasm_bindgen_test]
async fn both_seismographs_show_one_span_when_the_ping_intervals_differ() {
    let view = preset("aggressive_timeout");
    let (root, _keep) = mount(move || {
        view! {
            <Seismograph view=view side=0 />
            <Seismograph view=view side=1 />
        }
        .into_any()
    });
    advance_to(view, 67_000);
    tick().await;
    let intervals = view.run.with_value(|r| {
        (
            r.sides[0].model().tactics().interval_ms,
            r.sides[1].model().tactics().interval_ms,
        )
    });
    assert_eq!(intervals, (500, 1_000));
    for side in 0..2 {
        let scale = one(&root, &format!("[data-testid=av-seismo-scale-{side}]"));
        assert_eq!(
            scale.text_content().unwrap(),
            "Last 24 s: one tick per ping.",
            "side {side}"
        );
        assert_eq!(scale.get_attribute("data-summed").unwrap(), "false");
    }
    let span = |side: usize| {
        let svg = one(&root, &format!("[data-testid=av-seismo-{side}] svg"));
        (
            svg.get_attribute("data-from").unwrap_or_default(),
            svg.get_attribute("data-to").unwrap_or_default(),
        )
    };
    assert_eq!(span(0), span(1));
    assert_eq!(span(0), ("43000".to_string(), "67000".to_string()));
    let pings = |side: usize| {
        all(
            &root,
            &format!("[data-testid=av-seismo-{side}] .av-tick.ping"),
        )
        .len()
    };
    assert!(
        pings(0) >= 48 && pings(1) >= 24,
        "{} {}",
        pings(0),
        pings(1)
    );
}

/// The suspicion line was drawn in the blue of "backup promoted". Now its
/// computed colour is none of the colours the seismograph or its key paint
/// (bands, keys, ticks, threshold, verdicts), in the light and the dark
/// theme, and it stands out from the panel (≥ 4.5:1).
#[wasm_bindgen_test]
async fn the_level_line_has_a_colour_of_its_own_in_both_themes() {
    let view = preset("aggressive_timeout");
    advance_to(view, 67_000);
    for dark in [false, true] {
        let root = container();
        root.set_attribute("style", "width: 600px; background: var(--panel)")
            .unwrap();
        let main = include_str!("../style/main.css");
        let main = if dark {
            main.replace("@media (prefers-color-scheme: dark)", "@media all")
        } else {
            main.to_string()
        };
        common::style_in(
            &root,
            &format!(
                "{main}{}{}",
                include_str!("../style/components.css"),
                include_str!("../style/lab-availability.css")
            ),
        );
        let handle = mount_to(root.clone(), move || {
            view! { <Seismograph view=view side=0 /> }
        });
        tick().await;
        let style = |e: &Element, prop: &str| {
            web_sys::window()
                .unwrap()
                .get_computed_style(e)
                .unwrap()
                .unwrap()
                .get_property_value(prop)
                .unwrap()
        };
        let level = style(&one(&root, ".av-level"), "stroke");
        let promoted = one(&root, "[data-band=promoted] rect");
        assert_ne!(style(&promoted, "fill"), level, "dark {dark}");
        let label = one(&root, ".av-level-label");
        assert_eq!(style(&label, "fill"), level, "its name is in its colour");
        // Both names are painted over the line, on their halo, not struck through.
        let path = one(&root, ".av-level");
        for name in [".av-threshold-label", ".av-level-label"] {
            let after = path.compare_document_position(&one(&root, name));
            assert!(
                after & web_sys::Node::DOCUMENT_POSITION_FOLLOWING != 0,
                "{name} is drawn after the line"
            );
        }
        let mut painted: Vec<(String, String)> = vec![];
        for e in all(&root, "rect, .av-verdict") {
            painted.push((
                e.get_attribute("class").unwrap_or_default(),
                style(&e, "fill"),
            ));
        }
        for e in all(&root, ".av-tick, .av-threshold") {
            painted.push((
                e.get_attribute("class").unwrap_or_default(),
                style(&e, "stroke"),
            ));
        }
        for e in all(&root, ".av-band-key") {
            let before = web_sys::window()
                .unwrap()
                .get_computed_style_with_pseudo_elt(&e, "::before")
                .unwrap()
                .unwrap()
                .get_property_value("background-color")
                .unwrap();
            painted.push((e.get_attribute("class").unwrap_or_default(), before));
        }
        assert!(painted.len() >= 12, "{painted:?}");
        let (l, p) = (
            common::rgb(&level),
            common::rgb(&style(&root, "background-color")),
        );
        for (what, colour) in &painted {
            let c = common::rgb(colour);
            let apart = (l.0 - c.0).abs() + (l.1 - c.1).abs() + (l.2 - c.2).abs();
            assert!(
                apart > 90.0,
                "dark {dark}: the level {level} is close to {what}'s {colour}"
            );
        }
        let ratio = common::contrast(l, p);
        assert!(ratio >= 4.5, "dark {dark}: {level} on the panel: {ratio}");
        drop(handle);
        root.remove();
    }
}

/// A month: three days hold 25,920 pings and a verdict lasts half a minute,
/// so the verdicts were under a pixel wide. Now both seismographs show the
/// latest crash up close, the same stretch on both sides, and say so: A's
/// "declared down" spans a third of the drawing and more, B's backup takes
/// over at its verdict, which is marked on both.
#[wasm_bindgen_test]
async fn a_month_s_seismographs_show_the_latest_crash_up_close() {
    let view = preset("month");
    let root = container();
    root.set_attribute("style", "width: 600px").unwrap();
    common::style_in(
        &root,
        concat!(
            include_str!("../style/components.css"),
            include_str!("../style/lab-availability.css")
        ),
    );
    let _m = mount_to(root.clone(), move || {
        view! {
            <Seismograph view=view side=0 />
            <Seismograph view=view side=1 />
        }
    });
    advance_to(view, 3 * 24 * 3_600_000);
    tick().await;
    let side = |s: usize| one(&root, &format!("[data-testid=av-seismo-{s}]"));
    let width = |e: &Element| e.get_bounding_client_rect().width();
    let svg_w = width(&one(&side(0), "svg"));
    assert!(svg_w > 500.0, "{svg_w}");
    // A: declared down until the primary restarts — a third of the drawing.
    let down = width(&one(&side(0), "[data-band=down] rect"));
    assert!(down >= svg_w / 3.0, "A's verdict is {down} px of {svg_w}");
    let window = |s: usize| {
        let svg = one(&side(s), "svg");
        let at = |a: &str| -> u64 { svg.get_attribute(a).unwrap().parse().unwrap() };
        (at("data-from"), at("data-to"))
    };
    assert_eq!(window(0), window(1));
    let (from, to) = window(0);
    assert!(to - from < 3_600_000, "up close: {from}..{to}");
    for s in 0..2 {
        let text = one(&root, &format!("[data-testid=av-seismo-scale-{s}]"))
            .text_content()
            .unwrap();
        assert!(
            text.starts_with("Last 3 d: 2 crashes; the latest up close (1 d ")
                && text.contains(" ago), in a ")
                && text.ends_with(", one tick per ping."),
            "{text}"
        );
        assert!(
            all(&side(s), ".av-tick.echo").len() >= 10,
            "echoes one by one"
        );
        assert!(all(&side(s), ".av-miss").len() >= 3, "the missed echoes");
        assert!(!all(&side(s), ".av-truth").is_empty(), "the crash shaded");
    }
    // B: declared down for an instant, then the backup promoted.
    let promoted = width(&one(&side(1), "[data-band=promoted] rect"));
    assert!(promoted >= svg_w / 3.0, "{promoted} px");
    assert!(width(&one(&side(1), "[data-band=down] rect")) >= 2.0);
    // The verdict is marked on both, at the same instant, visibly.
    let marks: Vec<Element> = (0..2).map(|s| one(&side(s), ".av-verdict")).collect();
    assert_eq!(
        marks[0].get_attribute("data-at"),
        marks[1].get_attribute("data-at")
    );
    assert!(width(&marks[0]) >= 7.0, "{}", width(&marks[0]));
    // The month's end: its last crash (19 min) up close, pings summed.
    run_to_end(view);
    tick().await;
    assert_eq!(window(0), window(1));
    let text = one(&root, "[data-testid=av-seismo-scale-0]")
        .text_content()
        .unwrap();
    assert!(
        text.starts_with("Last 3 d: 2 crashes; the latest up close (")
            && text.contains(" pings. Each mark sums "),
        "{text}"
    );
    let marks = all(&side(0), ".av-agg");
    assert!(!marks.is_empty() && marks.len() <= 48, "{}", marks.len());
    let down = width(&one(&side(0), "[data-band=down] rect"));
    assert!(down >= svg_w / 3.0, "{down} px");
    root.remove();
}

/// In half a phone (170 px) 48 ticks 3 px apart, and their crosses, ran
/// together: there the side pinging every 0.5 s sums its pings two to a
/// mark, and says so, while the side pinging every second, in the same 24 s,
/// still draws one tick per ping. In a card (600 px) both draw every ping.
#[wasm_bindgen_test]
async fn in_half_a_phone_the_side_that_pings_more_often_sums_its_pings() {
    use cloud_patterns_playground::labs::availability::seismo::{scale_text, seismo_svg};
    let view = preset("aggressive_timeout");
    advance_to(view, 67_000);
    let draw = |side: usize, width: f64| {
        let holder = container();
        holder.set_inner_html(
            &view
                .run
                .with_value(|r| seismo_svg(r, side, Lang::En, width)),
        );
        let text = view
            .run
            .with_value(|r| scale_text(r, side, Lang::En, width));
        (holder, text)
    };
    let (a, text) = draw(0, 170.0);
    // Half a phone's short sentence (the long one ran to seven lines there).
    assert_eq!(
        text,
        "Last 24 s: each mark sums 2 pings (height: the share echoed in time; ×, N above: missed)."
    );
    assert!(all(&a, ".av-tick.ping").is_empty());
    let xs: Vec<f64> = all(&a, ".av-agg")
        .iter()
        .map(|m| m.get_attribute("x").unwrap().parse().unwrap())
        .collect();
    assert!(xs.len() >= 20 && xs.len() <= 24, "{} marks", xs.len());
    assert!(xs.windows(2).all(|w| w[1] - w[0] >= 5.0), "{xs:?}");
    a.remove();
    let (b, text) = draw(1, 170.0);
    assert_eq!(text, "Last 24 s: one tick per ping.");
    assert!(all(&b, ".av-tick.ping").len() >= 24);
    b.remove();
    for side in 0..2 {
        let (card, text) = draw(side, 600.0);
        assert_eq!(text, "Last 24 s: one tick per ping.", "side {side}");
        assert!(all(&card, ".av-agg").is_empty());
        card.remove();
    }
}

/// The shading behind the drawing has a key of the same tint (the key's was
/// twice as strong), and a hang (the primary alive but not answering: split
/// brain) is shaded in its own colour and named in the key — only when one
/// is drawn. In half a phone the scale sentence is the short one (it ran to
/// seven lines over the drawing), still saying what a mark is.
#[wasm_bindgen_test]
async fn the_seismograph_keys_its_shading_and_keeps_its_scale_short_in_half_a_phone() {
    let css = concat!(
        include_str!("../style/main.css"),
        include_str!("../style/components.css"),
        include_str!("../style/lab-availability.css")
    );
    // Split brain: the primary hangs at 30 s.
    let view = preset("split_brain");
    let root = container();
    root.set_attribute("style", "width: 600px").unwrap();
    common::style_in(&root, css);
    let _m = mount_to(root.clone(), move || {
        view! { <Seismograph view=view side=0 /> }
    });
    advance_to(view, 20_000);
    tick().await;
    assert!(
        all(&root, "[data-testid=av-key-hung-0]").is_empty(),
        "no hang drawn yet"
    );
    advance_to(view, 36_000);
    tick().await;
    let hung = one(&root, ".av-truth.hung");
    let key = one(&root, "[data-testid=av-key-hung-0]");
    assert_eq!(key.text_content().unwrap(), "primary hung");
    // The key's swatch and the shading are the same colour at the same strength.
    let rgba = |c: String| -> Vec<f64> {
        c.trim_start_matches("rgba(")
            .trim_start_matches("rgb(")
            .trim_start_matches("color(srgb ")
            .trim_end_matches(')')
            .split([',', ' ', '/'])
            .filter(|s| !s.is_empty())
            .map(|s| s.trim().parse::<f64>().unwrap())
            .collect()
    };
    let w = web_sys::window().unwrap();
    let style = |e: &Element, pseudo: Option<&str>| {
        match pseudo {
            Some(p) => w.get_computed_style_with_pseudo_elt(e, p),
            None => w.get_computed_style(e),
        }
        .unwrap()
        .unwrap()
    };
    let shade = style(&hung, None);
    let fill = rgba(shade.get_property_value("fill").unwrap());
    let opacity: f64 = shade
        .get_property_value("fill-opacity")
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        fill.iter().any(|c| *c > 50.0),
        "the hang is shaded in a colour: {fill:?}"
    );
    let swatch = rgba(
        style(&key, Some("::before"))
            .get_property_value("background-color")
            .unwrap(),
    );
    assert_eq!(swatch.len(), 4, "{swatch:?}");
    // color-mix gives 0-1 channels (color(srgb …)); rgb() gives 0-255.
    let scale = if swatch[..3].iter().all(|c| *c <= 1.0) {
        255.0
    } else {
        1.0
    };
    for c in 0..3 {
        assert!(
            (swatch[c] * scale - fill[c]).abs() < 2.0,
            "swatch {swatch:?} vs shading {fill:?}"
        );
    }
    assert!(
        (swatch[3] - opacity).abs() < 0.01,
        "swatch {swatch:?}, shading opacity {opacity}"
    );
    let truth = one(&root, ".av-band-key.truth:not(.hung)");
    let truth_swatch = rgba(
        style(&truth, Some("::before"))
            .get_property_value("background-color")
            .unwrap(),
    );
    assert!((truth_swatch[3] - opacity).abs() < 0.01, "{truth_swatch:?}");
    // Outlined in the full colour: the tint alone all but vanished in dark mode.
    for k in [&key, &truth] {
        let ring = style(k, Some("::before"))
            .get_property_value("box-shadow")
            .unwrap();
        assert!(ring.contains("inset") && ring.contains("rgb"), "{ring}");
    }
    root.remove();

    // Half a phone: the month's close-up, summed, in a short sentence.
    let view = preset("month");
    let root = container();
    root.set_attribute("style", "width: 185px; font-size: 13px; line-height: 1.4")
        .unwrap();
    common::style_in(&root, css);
    let _m = mount_to(root.clone(), move || {
        view! { <Seismograph view=view side=0 /> }
    });
    run_to_end(view);
    tick().await;
    let scale = one(&root, "[data-testid=av-seismo-scale-0]");
    let text = scale.text_content().unwrap();
    assert!(
        text.starts_with("The latest of 2 crashes up close (")
            && text.contains("; each mark sums ")
            && text.contains("×, N above: missed"),
        "{text}"
    );
    let lines = scale.get_bounding_client_rect().height() / (13.0 * 1.4);
    assert!(lines <= 5.5, "{lines} lines: {text}");
    root.remove();
}

/// A run about the queries names them first in its card's summary (the
/// capacity card listed the monitor and the backup, never its 2 workers).
#[wasm_bindgen_test]
fn a_queries_run_names_its_workers_in_the_summary() {
    let summary = |id: &str, lang: Lang| {
        let p = presets::all().into_iter().find(|p| p.id == id).unwrap();
        let run = AvailabilityRun::new(&p.config, p.seed).unwrap();
        side_summary(&run, 0, lang)
    };
    let text = summary("capacity", Lang::En);
    assert!(
        text.starts_with("queries: 2 workers, about 100 ms each · "),
        "{text}"
    );
    assert!(summary("capacity", Lang::Es)
        .starts_with("consultas: 2 trabajadores, unos 100 ms cada una · "));
    assert!(!summary("experiment", Lang::En).contains("queries:"));
}

/// A ping whose echo came back late keeps its ×: the monitor counted the
/// miss at its deadline. (split_brain's hung primary answers 8 s late: each
/// × vanished as its late echo arrived, and the suspicion line climbed to
/// "declared down" over pings with no miss drawn — student review.)
#[wasm_bindgen_test]
fn a_late_echo_keeps_its_miss() {
    use cloud_patterns_playground::labs::availability::seismo::{fit, seismo_svg, window};
    let p = presets::all()
        .into_iter()
        .find(|p| p.id == "split_brain")
        .unwrap();
    let mut run = AvailabilityRun::new(&p.config, p.seed).unwrap();
    run.run_until(SimTime::from_ms(p.moments[1].at_ms), u64::MAX);
    let width = 640.0;
    for side in 0..2 {
        let sim = &run.sides[side];
        let now = sim.now();
        let tr = sim.model().seismo_track(&window(&run), now, fit(width));
        assert!(!tr.summed, "one tick per ping");
        let missed = tr
            .pings
            .iter()
            .filter(|p| p.deadline <= now && p.echo.is_none_or(|e| e > p.deadline))
            .count();
        let late = tr
            .pings
            .iter()
            .filter(|p| p.echo.is_some_and(|e| e > p.deadline && e <= now))
            .count();
        assert!(late >= 3, "side {side}: late echoes came back: {late}");
        let svg = seismo_svg(&run, side, Lang::En, width);
        assert_eq!(
            svg.matches("class=\"av-miss\"").count(),
            missed,
            "side {side}"
        );
        assert_eq!(
            svg.matches("av-tick echo late").count(),
            late,
            "side {side}"
        );
    }
}

/// The monitor's ping line is in the failure colour only while it pings and
/// hears nothing: before the first ping and after the run it is idle (a
/// healthy primary's line was orange at the start and at the end).
#[wasm_bindgen_test]
async fn the_ping_line_is_silent_only_while_pings_go_unanswered() {
    let (c, seed) = preset_config("capacity");
    let view = view_of(&c, seed);
    let (root, _keep) = mount(move || view! { <AvailStage view=view side=0 /> }.into_any());
    tick().await;
    let class = |root: &Element| {
        one(root, "line.av-ping")
            .get_attribute("class")
            .unwrap_or_default()
    };
    assert_eq!(class(&root), "av-ping idle", "before the first ping");
    advance_to(view, 5_000);
    tick().await;
    assert_eq!(class(&root), "av-ping fresh", "a healthy primary answering");
    run_to_end(view);
    tick().await;
    assert_eq!(class(&root), "av-ping idle", "the run is over");
}

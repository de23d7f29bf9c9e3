//! Component tests of the CQRS lab's views, in a real browser: each test builds
//! a run from an engine preset, mounts one view into its own `<div>`, moves the
//! run on, bumps the tick as the player would, waits a tick for effects, and
//! checks the DOM against the engine's own state.
//!
//! wasm32 only: `cargo test --target wasm32-unknown-unknown -p
//! cloud-patterns-playground --test cqrs_components` (headless Chromium via
//! wasm-bindgen-test-runner; `CHROMEDRIVER=/usr/bin/chromedriver`).
#![cfg(target_arch = "wasm32")]

use cloud_patterns_playground::charts::{fmt_count, fmt_ms};
use cloud_patterns_playground::labs::cqrs::charts::CqrsCharts;
use cloud_patterns_playground::labs::cqrs::controls::CqrsControls;
use cloud_patterns_playground::labs::cqrs::log::CqrsLog;
use cloud_patterns_playground::labs::cqrs::stage::{CqrsStage, MAX_PROBES, MAX_ROWS, MAX_TICKS};
use cloud_patterns_playground::labs::cqrs::CqrsView;
use engine::labs::cqrs::config::{CqrsWorkload, Scripted, Status};
use engine::labs::cqrs::view as cv;
use engine::labs::cqrs::{presets, CqrsConfig, CqrsRun};
use engine::labs::run::LabRun;
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

fn view_of(config: &CqrsConfig, seed: u64) -> CqrsView {
    CqrsView {
        run: StoredValue::new_local(CqrsRun::new(config, seed).expect("valid config")),
        tick: RwSignal::new(0),
        lang: Signal::stored(Lang::En),
        seed: Signal::stored(seed),
    }
}

fn preset(id: &str) -> CqrsView {
    let p = presets::all()
        .into_iter()
        .find(|p| p.id == id)
        .expect("preset exists");
    view_of(&p.config, p.seed)
}

fn advance_to(view: CqrsView, ms: u64) {
    view.run.update_value(|r| {
        r.run_to(SimTime::from_ms(ms), u64::MAX);
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

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .expect("valid selector")
        .and_then(|e| e.text_content())
        .unwrap_or_default()
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

fn stage(view: CqrsView, side: usize) -> (HtmlElement, impl Drop) {
    mount(move || view! { <CqrsStage view=view frame_view=view side=side /> }.into_any())
}

#[wasm_bindgen_test]
async fn the_demo_shows_not_found_then_found_then_a_stale_pending() {
    let view = preset("demo");
    let (root, _keep) = stage(view, 0);
    // Just after the first read: the order is in the write log, not on the read side.
    advance_to(view, 150);
    tick().await;
    let probes = all(&root, ".cqrs-probe");
    assert_eq!(probes.len(), 1);
    assert_eq!(
        probes[0].get_attribute("data-outcome").as_deref(),
        Some("not_found")
    );
    assert!(text(&root, "[data-testid=telling-0]").contains("not found"));
    assert_eq!(all(&root, ".cqrs-tick--commit").len(), 1);
    assert_eq!(all(&root, ".cqrs-tick--apply").len(), 0);
    let missing = all(&root, "[data-testid=stores-0] td[data-state=missing]");
    assert_eq!(missing.len(), 1, "the read side has no row yet");
    // After the update to Shipped and the read right after it: a stale Pending.
    advance_to(view, 4_200);
    tick().await;
    let outcomes: Vec<String> = all(&root, ".cqrs-probe")
        .iter()
        .filter_map(|p| p.get_attribute("data-outcome"))
        .collect();
    assert_eq!(outcomes, ["not_found", "fresh", "stale"]);
    let stale = all(&root, "[data-testid=stores-0] td[data-state=stale]");
    assert_eq!(stale.len(), 1);
    assert!(stale[0]
        .text_content()
        .unwrap_or_default()
        .contains("Pending"));
    assert!(text(&root, "[data-testid=stores-0] tbody tr").contains("v2 Shipped"));
    // The applied cursor and the backlog say what the engine says.
    let (head, cursor, backlog) = view.run.with_value(|r| {
        let t = cv::timelines(&r.sides[0], r.time_domain_ms());
        (t.head, t.cursor, t.backlog)
    });
    assert_eq!((head, cursor, backlog), (2, 1, 1));
    let svg = text(&root, "[data-testid=timelines-0]");
    assert!(
        svg.contains("up to #2") && svg.contains("applied up to #1"),
        "{svg}"
    );
    assert!(svg.contains("backlog: 1 not yet copied"), "{svg}");
    // One change behind, in the singular, in Portuguese; and on a narrow
    // card the short form (the long one was squeezed to 6 px in half a phone).
    use cloud_patterns_playground::labs::cqrs::stage::timelines_svg;
    let (wide, narrow) = view.run.with_value(|r| {
        let d = r.time_domain_ms();
        (
            timelines_svg(&r.sides[0], Lang::Pt, 700.0, d),
            timelines_svg(&r.sides[0], Lang::Pt, 170.0, d),
        )
    });
    assert!(
        wide.contains("fila pendente: 1 ainda não copiada<"),
        "{wide}"
    );
    assert!(narrow.contains(">fila pendente: 1<"), "{narrow}");
}

#[wasm_bindgen_test]
async fn the_stage_stays_bounded_and_the_tank_checks_littles_law() {
    let view = preset("slow_projector");
    let (root, _keep) = stage(view, 0);
    advance_to(view, 25_000);
    tick().await;
    assert!(all(&root, ".cqrs-tick--commit").len() <= MAX_TICKS);
    assert!(all(&root, ".cqrs-tick--apply").len() <= MAX_TICKS);
    let probes = all(&root, ".cqrs-probe").len();
    assert!(probes > 0 && probes <= MAX_PROBES, "{probes}");
    assert!(all(&root, "[data-testid=stores-0] tbody tr").len() <= MAX_ROWS);
    let nodes = root.query_selector_all("*").unwrap().length();
    // Later, many more commands: the drawing does not grow.
    advance_to(view, 30_000);
    tick().await;
    let later = root.query_selector_all("*").unwrap().length();
    assert!(later <= nodes + 40, "{nodes} → {later}");
    // The tank shows the engine's backlog, the load over 1, and Little's law holding.
    let backlog = view.run.with_value(|r| cv::tank(&r.sides[0]).backlog);
    assert!(backlog > 300, "{backlog}");
    assert_eq!(
        text(&root, "[data-testid=tank-backlog]").replace(',', ""),
        backlog.to_string()
    );
    assert!(text(&root, "[data-testid=tank-0]").contains("grows without end"));
    let little = root
        .query_selector("[data-testid=little]")
        .unwrap()
        .expect("the law");
    assert_eq!(little.get_attribute("data-holds").as_deref(), Some("yes"));
}

/// The projector queue's "in: N changes so far →" and "→ out: …" read on
/// the panel in both themes (≥ 4.5:1): the "in" was the light theme's blue
/// in the dark one too, 3.2:1 on its near-black (student review).
#[wasm_bindgen_test]
async fn the_queues_flow_labels_read_in_both_themes() {
    let view = preset("slow_projector");
    advance_to(view, 5_000);
    for dark in [false, true] {
        let main = include_str!("../style/main.css");
        let main = if dark {
            main.replace("@media (prefers-color-scheme: dark)", "@media all")
        } else {
            main.to_string()
        };
        let (root, keep) = stage(view, 0);
        root.set_attribute("style", "width: 600px; background: var(--panel)")
            .unwrap();
        common::style_in(
            &root,
            &format!(
                "{main}{}{}",
                include_str!("../style/components.css"),
                include_str!("../style/lab-cqrs.css")
            ),
        );
        tick().await;
        let colour = |e: &Element, prop: &str| {
            let style = web_sys::window()
                .unwrap()
                .get_computed_style(e)
                .unwrap()
                .unwrap();
            common::rgb(&style.get_property_value(prop).unwrap())
        };
        let panel = colour(&root, "background-color");
        let flows = all(&root, ".cqrs-flow");
        assert_eq!(flows.len(), 2, "in and out");
        for flow in flows {
            let ratio = common::contrast(colour(&flow, "color"), panel);
            assert!(
                ratio >= 4.5,
                "dark {dark}: {:?} at {ratio:.2}:1",
                flow.text_content()
            );
        }
        drop(keep);
        root.remove();
    }
}

/// Every colour a read is drawn in has its key in the legend (the orange of
/// a read 0.5–2 s out of date had none: the legend went from "< 0.5 s" to
/// "≥ 2 s"; embed review).
#[wasm_bindgen_test]
async fn every_read_colour_drawn_has_a_key() {
    let view = preset("slow_projector");
    let (root, _keep) = stage(view, 0);
    let kinds_drawn = |root: &HtmlElement| -> std::collections::BTreeSet<String> {
        all(root, ".cqrs-probe")
            .iter()
            .filter_map(|g| {
                g.get_attribute("class")?
                    .split(' ')
                    .find(|c| c.starts_with("cqrs-probe--") && *c != "cqrs-probe--dense")
                    .map(str::to_string)
            })
            .collect()
    };
    // The run until a read 0.5–2 s behind is drawn.
    let mut kinds = Default::default();
    for s in 1..=30 {
        advance_to(view, s * 1_000);
        tick().await;
        kinds = kinds_drawn(&root);
        if kinds.contains("cqrs-probe--stale-2") {
            break;
        }
    }
    assert!(kinds.contains("cqrs-probe--stale-2"), "{kinds:?}");
    for kind in &kinds {
        assert!(
            root.query_selector(&format!(".cqrs-legend .cqrs-key.{kind}"))
                .unwrap()
                .is_some(),
            "{kind} has no key"
        );
    }
    for class in ["stale-1", "stale-2", "stale-3"] {
        let key = root
            .query_selector(&format!(".cqrs-legend .cqrs-probe--{class}"))
            .unwrap()
            .unwrap();
        assert!(!key
            .parent_element()
            .unwrap()
            .text_content()
            .unwrap()
            .is_empty());
    }
    assert!(text(&root, ".cqrs-legend").contains("stale 0.5–2 s"));
}

/// The first multiple of `step_ms` (up to 200 of them) at which preset
/// `id`'s run satisfies `holds`: where a test finds the instant it shows.
fn first_instant(id: &str, step_ms: u64, holds: impl Fn(&CqrsRun) -> bool) -> u64 {
    let p = presets::all().into_iter().find(|p| p.id == id).unwrap();
    (1..200u64)
        .map(|i| i * step_ms)
        .find(|&ms| {
            let mut r = CqrsRun::new(&p.config, p.seed).unwrap();
            r.run_to(SimTime::from_ms(ms), u64::MAX);
            holds(&r)
        })
        .unwrap_or_else(|| panic!("{id}: no such instant"))
}

/// A read whose screen mixed two versions is told as such, not as a green
/// "up to date" (two_projections' first moment said Shipped at the top and
/// Pending in the list while the caption said "up to date").
#[wasm_bindgen_test]
async fn a_mixed_screen_is_not_told_as_up_to_date() {
    let at = first_instant("two_projections", 100, |r| {
        cv::latest_read(&r.sides[0]).is_some_and(|p| p.mixed)
    });
    let view = preset("two_projections");
    let (root, _keep) = stage(view, 0);
    advance_to(view, at);
    tick().await;
    let telling = root
        .query_selector("[data-testid=telling-0]")
        .unwrap()
        .expect("the caption");
    let said = telling.text_content().unwrap_or_default();
    assert!(
        said.contains("does not agree: it shows another version of this order, or none yet"),
        "{said}"
    );
    assert!(
        telling
            .query_selector(".cqrs-probe--mixed")
            .unwrap()
            .is_some(),
        "{}",
        telling.inner_html()
    );
    assert!(telling
        .query_selector(".cqrs-probe--fresh")
        .unwrap()
        .is_none());
    // The card's summary names both lags: the mixed screen's two halves.
    let summary = view
        .run
        .with_value(|r| cloud_patterns_playground::labs::cqrs::side_summary(r, 0, Lang::En));
    assert!(summary.contains("copy after 300 ms"), "{summary}");
    assert!(summary.contains("history after 3 s"), "{summary}");
}

/// The history projection has a lane of its own, under the details': its
/// cursor is its projector's, its ticks trail, and every screen that mixed
/// two versions is drawn as one (with its key), as many as the engine's
/// probes say. A preset without a history has neither lane nor key.
#[wasm_bindgen_test]
async fn the_history_lags_on_its_own_lane_and_mixed_screens_show() {
    let view = preset("two_projections");
    let (root, _keep) = stage(view, 0);
    advance_to(view, 12_000);
    tick().await;
    let (cursor, details, mixed, ticks) = view.run.with_value(|r| {
        let t = cv::timelines(&r.sides[0], r.time_domain_ms());
        let h = t.history.expect("a history lane");
        (
            h.cursor,
            t.cursor,
            t.probes.iter().filter(|p| p.mixed).count(),
            h.applies.len(),
        )
    });
    assert!(
        cursor < details,
        "the history trails: {cursor} vs {details}"
    );
    let svg = root
        .query_selector("[data-testid=timelines-0] svg")
        .unwrap()
        .expect("the lanes");
    let labels: Vec<String> = all(&svg, ".cqrs-lane-label")
        .iter()
        .map(|l| l.text_content().unwrap_or_default())
        .collect();
    let want = format!("User's history (second projection) · applied up to #{cursor}");
    assert!(labels.contains(&want), "{labels:?}");
    assert_eq!(all(&svg, ".cqrs-tick--history").len(), ticks);
    assert!(ticks > 0);
    assert!(mixed > 0);
    assert_eq!(all(&svg, ".cqrs-probe--mixed").len(), mixed);
    let label = svg.get_attribute("aria-label").unwrap_or_default();
    assert!(
        label.contains(&format!("history has applied up to #{cursor}")),
        "{label}"
    );
    assert!(root
        .query_selector("[data-testid=mixed-key-0]")
        .unwrap()
        .is_some());
    // The preset's own mark leads the legend (last, a Spanish legend's second
    // row left it below the embed's frame).
    let first = root
        .query_selector(".cqrs-legend > span")
        .unwrap()
        .and_then(|e| e.get_attribute("data-testid"));
    assert_eq!(first.as_deref(), Some("mixed-key-0"));
    // The lane sits under the details' lane, inside the drawing.
    let boxes: Vec<(String, f64)> = all(&svg, ".cqrs-lane-label")
        .iter()
        .map(|l| {
            (
                l.text_content().unwrap_or_default(),
                l.get_bounding_client_rect().top(),
            )
        })
        .collect();
    let top = |prefix: &str| {
        boxes
            .iter()
            .find(|b| b.0.starts_with(prefix))
            .map(|b| b.1)
            .unwrap()
    };
    assert!(top("Read model") < top("User's history"));
    assert!(top("User's history") < svg.get_bounding_client_rect().bottom());
    drop(_keep);

    let view = preset("demo");
    let (root, _keep) = stage(view, 0);
    advance_to(view, 6_000);
    tick().await;
    assert!(all(&root, ".cqrs-tick--history").is_empty());
    assert!(root
        .query_selector("[data-testid=mixed-key-0]")
        .unwrap()
        .is_none());
}

/// Where the law's two sides differ on a handful of applied changes, it is
/// shown, not judged: no ✓, no "differs".
#[wasm_bindgen_test]
async fn little_s_law_is_not_judged_on_a_handful_of_changes() {
    let at = first_instant("slow_projector", 20, |r| {
        let k = cv::tank(&r.sides[0]);
        k.little.is_some() && k.little_holds().is_none()
    });
    let view = preset("slow_projector");
    let (root, _keep) = stage(view, 0);
    advance_to(view, at);
    tick().await;
    let little = root
        .query_selector("[data-testid=little]")
        .unwrap()
        .expect("the law");
    assert_eq!(
        little.get_attribute("data-holds").as_deref(),
        Some("unjudged")
    );
    let said = little.text_content().unwrap_or_default();
    assert!(
        said.contains("too few to judge the law (it takes 20)"),
        "{said}"
    );
    assert!(!said.contains('✓'), "{said}");
}

#[wasm_bindgen_test]
async fn crud_has_one_store_and_cqrs_a_copy_side_by_side() {
    let view = preset("crud_vs_cqrs");
    let (root, _keep) = mount(move || {
        view! { <CqrsStage view=view frame_view=view side=0 /><CqrsStage view=view frame_view=view side=1 /> }
            .into_any()
    });
    advance_to(view, 1_000);
    tick().await;
    let a = root
        .query_selector("[data-testid=cqrs-stage-0]")
        .unwrap()
        .unwrap();
    let b = root
        .query_selector("[data-testid=cqrs-stage-1]")
        .unwrap()
        .unwrap();
    assert!(text(&a, "[data-testid=timelines-0]").contains("One store"));
    assert_eq!(all(&a, ".cqrs-tick--apply").len(), 0);
    assert_eq!(all(&a, "[data-testid=stores-0] thead th").len(), 2);
    assert_eq!(all(&b, "[data-testid=stores-1] thead th").len(), 3);
    // CRUD answers are never stale; the CQRS side's copy lags a second.
    assert!(all(&a, ".cqrs-probe")
        .iter()
        .all(|p| p.get_attribute("data-outcome").as_deref() == Some("fresh")));
    assert!(text(&a, "[data-testid=tank-0]").contains("no projector"));
}

#[wasm_bindgen_test]
async fn the_stock_panel_counts_oversold_and_drift_as_the_metrics_do() {
    let view = preset("stock_queue");
    let (root, _keep) = mount(move || {
        view! { <CqrsStage view=view frame_view=view side=0 /><CqrsStage view=view frame_view=view side=1 /> }
            .into_any()
    });
    view.run.update_value(|r| {
        r.run_to_end(u64::MAX);
    });
    view.tick.update(|t| *t += 1);
    tick().await;
    let (a, b) = view.run.with_value(|r| {
        (
            r.sides[0].model().metrics(r.sides[0].now()),
            r.sides[1].model().metrics(r.sides[1].now()),
        )
    });
    assert!(a.oversold > 0 && b.oversold == 0);
    let panels = all(&root, "[data-testid=stock]");
    assert_eq!(panels.len(), 2);
    let bad: Vec<String> = all(&panels[0], "dd.cqrs-bad")
        .iter()
        .filter_map(|d| d.text_content())
        .collect();
    assert_eq!(bad, [a.oversold.to_string(), a.stock_drift.to_string()]);
    assert!(all(&panels[1], "dd.cqrs-bad").is_empty());
    // The same counts on one line at the top of each side (the panel is under
    // the stores, out of the embed's view): sold, really left, and each
    // service's count, as the model has them.
    let lines = all(&root, "[data-testid=stock-line]");
    assert_eq!(lines.len(), 2);
    view.run.with_value(|r| {
        for (side, line) in lines.iter().enumerate() {
            let m = r.sides[side].model();
            let units = 100i64;
            let text = line.text_content().unwrap_or_default();
            for part in [
                format!("{} of {units} sold", m.sold),
                format!("{} really left", units - m.sold as i64),
                format!("counts {}", m.products_stock),
                format!("shows {}", m.stock_copy),
            ] {
                assert!(text.contains(&part), "side {side}: {part:?} in {text:?}");
            }
        }
    });
    // A lab without a stock has no such line.
    let plain = preset("demo");
    let (root, _keep) =
        mount(move || view! { <CqrsStage view=plain frame_view=plain side=0 /> }.into_any());
    tick().await;
    assert!(all(&root, "[data-testid=stock-line]").is_empty());
}

#[wasm_bindgen_test]
async fn charts_have_text_alternatives_and_shade_the_pause() {
    let view = preset("paused");
    let (root, _keep) = mount(move || view! { <CqrsCharts view=view /> }.into_any());
    advance_to(view, 25_000);
    tick().await;
    tick().await;
    for id in ["chart-backlog", "chart-lag", "chart-staleness-a"] {
        let fig = root
            .query_selector(&format!("[data-testid={id}]"))
            .unwrap()
            .unwrap_or_else(|| panic!("{id}"));
        assert!(!text(&fig, ".chart-summary").is_empty(), "{id}");
        assert!(
            fig.query_selector("table").unwrap().is_some(),
            "{id}: a hidden table"
        );
    }
    let summary = text(&root, "[data-testid=chart-backlog] .chart-summary");
    assert!(
        summary.contains("A: ") && summary.contains("waiting now"),
        "{summary}"
    );
    // The pause band is in the backlog chart's legend.
    assert!(text(&root, "[data-testid=chart-backlog] .chart-legend").contains("projector paused"));
}

#[wasm_bindgen_test]
async fn the_log_narrates_in_the_texts_words() {
    let view = preset("demo");
    let playing = RwSignal::new(false);
    let (root, _keep) = mount(move || view! { <CqrsLog view=view playing=playing /> }.into_any());
    advance_to(view, 4_200);
    tick().await;
    let log = text(&root, "[data-testid=log-a]");
    for words in [
        "order 1 created",
        "order not found",
        "query database updated",
        "status Pending",
    ] {
        assert!(log.contains(words), "{words}: {log}");
    }
    // "Not found" is marked in the stage's colour for it (the legend's pink),
    // not in the failure colour the legend gives nothing on this page.
    common::style_in(
        &root,
        concat!(
            include_str!("../style/main.css"),
            include_str!("../style/components.css")
        ),
    );
    let w = web_sys::window().unwrap();
    let colour = |e: &web_sys::Element, prop: &str| {
        w.get_computed_style(e)
            .unwrap()
            .unwrap()
            .get_property_value(prop)
            .unwrap()
    };
    let not_found = all(&root, "[data-testid=log-entry]")
        .into_iter()
        .find(|e| {
            e.text_content()
                .unwrap_or_default()
                .contains("order not found")
        })
        .expect("a not-found line");
    let doc = w.document().unwrap();
    let probe = doc.create_element("i").unwrap();
    probe
        .set_attribute("style", "color: var(--c-giveup)")
        .unwrap();
    root.append_child(&probe).unwrap();
    assert_eq!(
        colour(&not_found, "border-left-color"),
        colour(&probe, "color"),
        "the not-found line's mark"
    );
    // The page's styles leave with it (a <style> applies to the whole document).
    root.remove();
}

#[wasm_bindgen_test]
async fn controls_edit_every_group_and_show_the_engines_errors() {
    let config = RwSignal::new(CqrsConfig::default());
    let errors = RwSignal::new(Vec::<ConfigError>::new());
    let (root, _keep) =
        mount(move || view! { <CqrsControls config=config errors=errors /> }.into_any());
    tick().await;
    // Every field has a help line.
    for field in all(&root, ".field") {
        assert!(
            field.query_selector(".help").unwrap().is_some(),
            "{:?}",
            field.outer_html()
        );
    }
    // The script's steps are listed with their times.
    assert_eq!(all(&root, "[data-testid=script-steps] li").len(), 6);
    // Switching to random traffic shows its knobs; a knob edits the config.
    let workload = root
        .query_selector("[data-testid=workload] select")
        .unwrap()
        .unwrap();
    js_sys::Reflect::set(&workload, &"value".into(), &"poisson".into()).unwrap();
    workload
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick().await;
    let writes: web_sys::HtmlInputElement = root
        .query_selector("[data-testid=writes-per-s] input.num")
        .unwrap()
        .expect("the Poisson knobs")
        .unchecked_into();
    writes.set_value("55");
    writes
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick().await;
    assert!(matches!(
        config.with_untracked(|c| c.workload.clone()),
        CqrsWorkload::Poisson { writes_per_s, .. } if writes_per_s == 55.0
    ));
    // Compare on: side B's fields appear.
    let compare: web_sys::HtmlInputElement = root
        .query_selector("[data-testid=compare] input")
        .unwrap()
        .unwrap()
        .unchecked_into();
    compare.click();
    tick().await;
    assert!(config.with_untracked(|c| c.compare.is_some()));
    assert!(root
        .query_selector("[data-testid=b-consistency]")
        .unwrap()
        .is_some());
    // What the page does with a config the engine refuses: its errors, by field.
    let mut bad = config.get_untracked();
    bad.projector.batch = 0;
    bad.replicas_lag_ms = vec![100; 9];
    let e = CqrsRun::new(&bad, 1).err().expect("refused");
    errors.set(e);
    tick().await;
    let shown = text(&root, "[data-testid=config-errors]");
    assert!(shown.contains("projector.batch"), "{shown}");
    assert!(shown.contains("replicas_lag_ms.length"), "{shown}");
}

fn set_number(root: &Element, testid: &str, value: &str) {
    let input: web_sys::HtmlInputElement = root
        .query_selector(&format!("[data-testid={testid}] input.num"))
        .unwrap()
        .unwrap_or_else(|| panic!("{testid}"))
        .unchecked_into();
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

fn choose(root: &Element, testid: &str, value: &str) {
    let select = root
        .query_selector(&format!("[data-testid={testid}] select"))
        .unwrap()
        .unwrap_or_else(|| panic!("{testid}"));
    js_sys::Reflect::set(&select, &"value".into(), &value.into()).unwrap();
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

fn click(root: &Element, testid: &str) {
    let b: HtmlElement = root
        .query_selector(&format!("[data-testid={testid}]"))
        .unwrap()
        .unwrap_or_else(|| panic!("{testid}"))
        .unchecked_into();
    b.click();
}

fn attr_f64(e: &Element, name: &str) -> f64 {
    e.get_attribute(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

#[wasm_bindgen_test]
async fn the_lanes_share_the_runs_time_domain_and_its_now() {
    let view = preset("demo");
    let (root, _keep) = stage(view, 0);
    advance_to(view, 3_550);
    tick().await;
    let domain = view.run.with_value(|r| r.time_domain_ms());
    // The demo's domain is its script: 0 to the last read at 7.1 s (not 9.1 s).
    assert_eq!(domain, 7_100.0);
    let svg = root
        .query_selector("[data-testid=timelines-0] svg")
        .unwrap()
        .expect("the lanes");
    let w: f64 = svg
        .get_attribute("viewBox")
        .and_then(|v| v.split(' ').nth(2).and_then(|x| x.parse().ok()))
        .expect("a width");
    let axis: Vec<String> = all(&svg, ".cqrs-axis")
        .iter()
        .filter_map(|e| e.text_content())
        .collect();
    assert_eq!(axis.last().map(String::as_str), Some("7.10 s"), "{axis:?}");
    // The now line sits where the stage card's chart puts it: half way along
    // the axis between its margins (30 px left, 6 px right).
    let now = svg.query_selector(".cqrs-now").unwrap().expect("now");
    let x = attr_f64(&now, "x1");
    let want = 30.0 + (w - 36.0) * 3_550.0 / domain;
    assert!((x - want).abs() < 0.6, "{x} vs {want}");
}

#[wasm_bindgen_test]
async fn the_backlog_label_stays_clear_of_the_shading() {
    let view = preset("demo");
    let (root, _keep) = stage(view, 0);
    advance_to(view, 4_200);
    tick().await;
    let svg = root
        .query_selector("[data-testid=timelines-0] svg")
        .unwrap()
        .expect("the lanes");
    let label = svg
        .query_selector(".cqrs-gap-label")
        .unwrap()
        .expect("label");
    let shade = svg
        .query_selector(".cqrs-backlog")
        .unwrap()
        .expect("a backlog of 1");
    let (l, b) = (
        label.get_bounding_client_rect(),
        shade.get_bounding_client_rect(),
    );
    let apart = l.y() + l.height() <= b.y() + 0.5
        || b.y() + b.height() <= l.y() + 0.5
        || l.x() + l.width() <= b.x() + 0.5
        || b.x() + b.width() <= l.x() + 0.5;
    assert!(
        apart,
        "label {} {} {} {} over shading {} {} {} {}",
        l.x(),
        l.y(),
        l.width(),
        l.height(),
        b.x(),
        b.y(),
        b.width(),
        b.height()
    );
}

#[wasm_bindgen_test]
async fn the_staleness_chart_is_a_histogram_of_every_stale_answer() {
    let view = preset("paused");
    let (root, _keep) = mount(move || view! { <CqrsCharts view=view /> }.into_any());
    view.run.update_value(|r| {
        r.run_to_end(u64::MAX);
    });
    view.tick.update(|t| *t += 1);
    tick().await;
    tick().await;
    // A | B on one scale: the bins both sides share.
    let bins = view.run.with_value(|r| {
        cv::staleness_bins_shared(r.sides.iter().map(|s| s.model()))[0]
            .clone()
            .expect("stale answers")
    });
    let stale = view
        .run
        .with_value(|r| r.sides[0].model().stats().stale_reads);
    assert_eq!(bins.total, stale);
    let fig = root
        .query_selector("[data-testid=chart-staleness-a]")
        .unwrap()
        .expect("the chart");
    // One table row per bin, its count the engine's.
    let rows = all(&fig, "table tbody tr");
    assert_eq!(rows.len(), bins.counts.len());
    let counts: Vec<u64> = rows
        .iter()
        .map(|r| {
            text(r, "td:last-child")
                .replace(',', "")
                .trim()
                .parse()
                .unwrap_or(u64::MAX)
        })
        .collect();
    assert_eq!(counts, bins.counts);
    let summary = text(&fig, ".chart-summary");
    assert!(
        summary.contains("not found” answers counted apart"),
        "{summary}"
    );
    assert!(
        text(&fig, "table tbody tr").contains("–"),
        "bins are ranges of age"
    );
}

/// A's and B's histograms are read against each other: the same bins (the
/// same ages per bar) and the same height, and a count's axis has whole
/// ticks only (it read 0, 0.5, 1, 1.5, 2 answers).
#[wasm_bindgen_test]
async fn both_histograms_share_bins_and_scale_and_count_in_whole_ticks() {
    let p = presets::all()
        .into_iter()
        .find(|p| {
            let mut r = CqrsRun::new(&p.config, p.seed).unwrap();
            r.run_to_end(u64::MAX);
            r.sides.len() == 2
                && r.sides.iter().all(|s| s.model().stats().stale_reads > 0)
                && cv::staleness_bins(r.sides[0].model()).map(|b| b.width_ms)
                    != cv::staleness_bins(r.sides[1].model()).map(|b| b.width_ms)
        })
        .expect("a preset whose sides' own bins differ");
    let view = view_of(&p.config, p.seed);
    let (root, _keep) = mount(move || view! { <CqrsCharts view=view /> }.into_any());
    view.run.update_value(|r| {
        r.run_to_end(u64::MAX);
    });
    view.tick.update(|t| *t += 1);
    tick().await;
    tick().await;
    let fig = |id: &str| {
        root.query_selector(&format!("[data-testid={id}]"))
            .unwrap()
            .unwrap_or_else(|| panic!("{id}"))
    };
    let (a, b) = (fig("chart-staleness-a"), fig("chart-staleness-b"));
    let bins_of = |f: &Element| {
        all(f, "table tbody tr")
            .iter()
            .map(|r| text(r, "th, td:first-child"))
            .collect::<Vec<_>>()
    };
    assert_eq!(bins_of(&a), bins_of(&b), "{}: the same bins", p.id);
    let ticks = |f: &Element| {
        all(f, ".chart-grid text")
            .iter()
            .map(|t| t.text_content().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    assert_eq!(ticks(&a), ticks(&b), "{}: the same scale", p.id);
    for f in [&a, &b, &fig("chart-backlog")] {
        for t in ticks(f) {
            assert!(!t.contains('.'), "{}: a count's tick {t:?}", p.id);
        }
    }
    assert!(ticks(&a).len() >= 2, "{:?}", ticks(&a));
}

#[wasm_bindgen_test]
async fn every_field_of_a_script_step_is_editable_and_steps_come_and_go() {
    let config = RwSignal::new(CqrsConfig::default());
    let errors = RwSignal::new(Vec::<ConfigError>::new());
    let (root, _keep) =
        mount(move || view! { <CqrsControls config=config errors=errors /> }.into_any());
    tick().await;
    let steps = |c: &CqrsConfig| match &c.workload {
        CqrsWorkload::Script { steps } => steps.clone(),
        _ => vec![],
    };
    // Step 4 (an update to Shipped): its order, status and time.
    assert!(root
        .query_selector("[data-testid=step-3-user]")
        .unwrap()
        .is_none());
    choose(&root, "step-3-status", "delivered");
    set_number(&root, "step-3-at", "3900");
    tick().await;
    assert_eq!(
        steps(&config.get_untracked())[3],
        Scripted::Update {
            at_ms: 3_900,
            order: 1,
            status: Status::Delivered
        }
    );
    // Step 2 (a read) becomes a create by user 7: the order field goes, a user stays.
    choose(&root, "step-1-kind", "create");
    tick().await;
    set_number(&root, "step-1-user", "7");
    tick().await;
    assert_eq!(
        steps(&config.get_untracked())[1],
        Scripted::Create {
            at_ms: 100,
            user: 7
        }
    );
    assert!(root
        .query_selector("[data-testid=step-1-order]")
        .unwrap()
        .is_none());
    // Add a step (a read a second after the last), then edit its order.
    click(&root, "step-add");
    tick().await;
    assert_eq!(all(&root, "[data-testid=script-steps] > li").len(), 7);
    set_number(&root, "step-6-order", "2");
    tick().await;
    assert_eq!(
        steps(&config.get_untracked())[6],
        Scripted::Read {
            at_ms: 8_100,
            user: 1,
            order: 2
        }
    );
    // An order no step above created is refused by the field, by its label
    // and with the orders there are (it was the engine's, naming a config
    // path); the config keeps order 2.
    set_number(&root, "step-6-order", "3");
    tick().await;
    let shown = text(
        &root,
        "[data-testid=step-6-order] [data-testid=field-error]",
    );
    assert_eq!(
        shown,
        "“Order (no. 7)” goes from 1 to 2: 3 is not applied; it stays at 2."
    );
    assert!(CqrsRun::new(&config.get_untracked(), 1).is_ok());
    // Remove the first step: six again, the rest moved up.
    click(&root, "step-0-remove");
    tick().await;
    let now = steps(&config.get_untracked());
    assert_eq!(now.len(), 6);
    assert_eq!(
        now[0],
        Scripted::Create {
            at_ms: 100,
            user: 7
        }
    );
    assert_eq!(all(&root, "[data-testid=script-steps] > li").len(), 6);
}

#[wasm_bindgen_test]
async fn every_projector_pause_is_editable_and_pauses_come_and_go() {
    let mut start = CqrsConfig::default();
    start.projector.mode = engine::patterns::projector::SyncMode::Queue;
    let config = RwSignal::new(start);
    let errors = RwSignal::new(Vec::<ConfigError>::new());
    let (root, _keep) =
        mount(move || view! { <CqrsControls config=config errors=errors /> }.into_any());
    tick().await;
    let pauses = |c: &CqrsConfig| {
        c.projector
            .pauses
            .iter()
            .map(|w| (w.from_ms, w.to_ms))
            .collect::<Vec<_>>()
    };
    assert!(pauses(&config.get_untracked()).is_empty());
    click(&root, "p0-pauses-add");
    tick().await;
    click(&root, "p0-pauses-add");
    tick().await;
    assert_eq!(
        pauses(&config.get_untracked()),
        [(5_000, 10_000), (15_000, 20_000)]
    );
    // The second window, not only the first.
    set_number(&root, "p0-pauses-1-from", "12");
    set_number(&root, "p0-pauses-1-to", "14");
    tick().await;
    assert_eq!(
        pauses(&config.get_untracked()),
        [(5_000, 10_000), (12_000, 14_000)]
    );
    // A window that ends before it starts is refused, named.
    set_number(&root, "p0-pauses-1-to", "11");
    tick().await;
    let e = CqrsRun::new(&config.get_untracked(), 1)
        .err()
        .expect("refused");
    assert!(
        e.iter()
            .any(|e| e.describe(Lang::En).contains("projector.pauses[1]")),
        "{:?}",
        e.iter().map(|e| e.describe(Lang::En)).collect::<Vec<_>>()
    );
    click(&root, "p0-pauses-0-remove");
    tick().await;
    assert_eq!(pauses(&config.get_untracked()), [(12_000, 11_000)]);
    assert_eq!(all(&root, "[data-testid=p0-pauses] li").len(), 1);
}

// ------------------------------------------------------------------ the time axis: now and zoom

/// The x of each `<line>` matching `selector` under `root`.
fn xs(root: &Element, selector: &str) -> Vec<f64> {
    all(root, selector)
        .iter()
        .map(|e| attr_f64(e, "x1"))
        .collect()
}

#[wasm_bindgen_test]
async fn the_full_charts_mark_now_and_it_moves_with_the_clock() {
    let view = preset("paused"); // 60 s of traffic, the projector stopped 10–20 s
    let (root, _keep) = mount(move || view! { <CqrsCharts view=view /> }.into_any());
    let (mut at, mut on_a_tick) = (vec![], 0);
    for ms in [5_000, 10_000, 20_000] {
        advance_to(view, ms);
        tick().await;
        tick().await;
        let now_ms = view.run.with_value(|r| r.now().as_micros() as f64 / 1000.0);
        assert_eq!(now_ms, ms as f64, "the clock is where the player put it");
        let mut per_chart = vec![];
        for id in ["chart-backlog", "chart-lag"] {
            let chart = root
                .query_selector(&format!("[data-testid={id}]"))
                .unwrap()
                .expect(id);
            let now = xs(&chart, "line.chart-now");
            assert_eq!(now.len(), 1, "{id}: one now line at {ms} ms");
            // It is where the x axis puts this time: on the "10 s" tick at 10 s
            // (and "20 s" at 20 s, when the axis has such a tick).
            let label = format!("{} s", ms / 1_000);
            let tick_x = all(&chart, ".chart-tick")
                .iter()
                .find(|g| g.text_content().as_deref() == Some(label.as_str()))
                .and_then(|g| g.query_selector("line").unwrap())
                .map(|l| attr_f64(&l, "x1"));
            if let Some(tick_x) = tick_x {
                on_a_tick += 1;
                assert!(
                    (now[0] - tick_x).abs() < 0.2,
                    "{id}: {} vs {tick_x}",
                    now[0]
                );
            }
            // As far along the x axis as the clock is along the run's time domain
            // (each chart has its own left margin, so compare shares of the axis).
            let axis = chart
                .query_selector("line.chart-axis")
                .unwrap()
                .expect("an x axis");
            let (x0, x1) = (attr_f64(&axis, "x1"), attr_f64(&axis, "x2"));
            let domain = view.run.with_value(|r| r.time_domain_ms());
            let share = (now[0] - x0) / (x1 - x0);
            assert!(
                (share - now_ms / domain).abs() < 0.002,
                "{id}: {share} vs {}",
                now_ms / domain
            );
            per_chart.push(share);
        }
        // Both charts share the time axis: the line is as far along on each.
        assert!((per_chart[0] - per_chart[1]).abs() < 0.002, "{per_chart:?}");
        at.push(per_chart[0]);
    }
    assert!(
        on_a_tick >= 2,
        "the now line was checked against the axis' ticks"
    );
    // It moves right with the clock, in proportion: 5 → 10 s is half of 10 → 20 s.
    assert!(at[0] < at[1] && at[1] < at[2], "{at:?}");
    let ratio = (at[2] - at[1]) / (at[1] - at[0]);
    assert!((ratio - 2.0).abs() < 0.02, "{at:?}");
}

/// Side A's projector cannot keep up (its backlog drains long after the
/// traffic stops); side B copies inside the command and ends with the traffic.
fn uneven_sides() -> CqrsView {
    use engine::labs::cqrs::config::CqrsSide;
    use engine::patterns::projector::{ProjectorConfig, SyncMode};
    let config = CqrsConfig {
        workload: CqrsWorkload::Poisson {
            writes_per_s: 30.0,
            reads_per_s: 10.0,
            duration_ms: 4_000,
            users: 20,
            update_share: 0.3,
            cancel_share: 0.0,
        },
        projector: ProjectorConfig {
            mode: SyncMode::Queue,
            service_ms: 60,
            ..ProjectorConfig::default()
        },
        compare: Some(CqrsSide {
            sync: Some(SyncMode::Inline),
            ..CqrsSide::default()
        }),
        ..CqrsConfig::default()
    };
    view_of(&config, 11)
}

#[wasm_bindgen_test]
async fn the_lanes_follow_the_zoom_to_the_shorter_run() {
    use cloud_patterns_playground::lab_page::verdict::window_ms;
    use cloud_patterns_playground::lab_page::TimeAxis;
    let view = uneven_sides();
    let zoom = RwSignal::new(false);
    let axis = TimeAxis { zoom: zoom.into() };
    let (root, _keep) = mount(move || {
        view! { <CqrsStage view=view frame_view=view side=0 axis=axis /> }.into_any()
    });
    view.run.update_value(|r| {
        r.run_to_end(u64::MAX);
    });
    view.tick.update(|t| *t += 1);
    tick().await;
    let (full, shorter) = view
        .run
        .with_value(|r| (window_ms(r, false), window_ms(r, true)));
    let (end_a, end_b) = view
        .run
        .with_value(|r| (r.side_end_ms(0), r.side_end_ms(1)));
    assert!(
        end_b < end_a - 1_000.0,
        "B ends well before A: {end_a} {end_b}"
    );
    assert_eq!(
        (full, shorter),
        (view.run.with_value(|r| r.time_domain_ms()), end_b)
    );
    let svg = || {
        root.query_selector("[data-testid=timelines-0] svg")
            .unwrap()
            .expect("the lanes")
    };
    let width = |svg: &Element| -> f64 {
        svg.get_attribute("viewBox")
            .and_then(|v| v.split(' ').nth(2).and_then(|x| x.parse().ok()))
            .expect("a width")
    };
    // Where a commit at `t` ms sits on a window ending at `end` (the stage
    // card's chart margins: 30 px left, 6 px right).
    let x_at = |w: f64, t: f64, end: f64| 30.0 + (w - 36.0) * t / end;
    // The first commit each window draws (the engine's sample of them).
    let first_commit = |end: f64| {
        view.run
            .with_value(|r| cv::timelines(&r.sides[0], end).commits[0].at_ms)
    };
    let axis_end = |svg: &Element| {
        all(svg, ".cqrs-axis")
            .last()
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    };

    // Not zoomed: the run's whole domain, A's every commit.
    let s = svg();
    let w = width(&s);
    let before = xs(&s, ".cqrs-tick--commit");
    assert_eq!(axis_end(&s), fmt_ms(Lang::En, full));
    assert!(
        (before[0] - x_at(w, first_commit(full), full)).abs() < 0.6,
        "{} vs {}",
        before[0],
        x_at(w, first_commit(full), full)
    );

    // Zoomed to B's shorter run: the lanes' window ends where B's run does,
    // the same ticks sit further right, and nothing is drawn past the end.
    zoom.set(true);
    tick().await;
    let s = svg();
    let after = xs(&s, ".cqrs-tick--commit");
    assert_eq!(axis_end(&s), fmt_ms(Lang::En, shorter));
    assert!(
        (after[0] - x_at(w, first_commit(shorter), shorter)).abs() < 0.6,
        "{} vs {}",
        after[0],
        x_at(w, first_commit(shorter), shorter)
    );
    // The last commit (the same one on both windows) moves right.
    assert!(
        after.last().unwrap() > &(before.last().unwrap() + 10.0),
        "{before:?} → {after:?}"
    );
    assert!(after.iter().all(|&x| x <= w - 6.0 + 0.01), "{after:?}");
    // The probes are the window's (answered by B's end), each where its time is.
    let probes = view
        .run
        .with_value(|r| cv::timelines(&r.sides[0], shorter).probes);
    assert!(probes.iter().all(|p| p.at_ms <= shorter));
    let drawn = xs(&s, ".cqrs-probe line");
    assert_eq!(drawn.len(), probes.len());
    for (x, p) in drawn.iter().zip(&probes) {
        assert!(
            (x - x_at(w, p.at_ms, shorter)).abs() < 0.6,
            "{x} vs {}",
            p.at_ms
        );
    }
    // A's clock is past the window: no now line on its lanes.
    assert!(s.query_selector(".cqrs-now").unwrap().is_none());

    // And back.
    zoom.set(false);
    tick().await;
    let s = svg();
    assert_eq!(axis_end(&s), fmt_ms(Lang::En, full));
    assert_eq!(xs(&s, ".cqrs-tick--commit"), before);
}

// ------------------------------------------------------------------ the tank's count

/// Adds the app's stylesheets and the lab's to the test page (once), so the
/// tank is laid out as on the page.
fn with_stylesheets() {
    common::style_once(
        "cqrs-css",
        concat!(
            include_str!("../style/main.css"),
            include_str!("../style/components.css"),
            include_str!("../style/lab-cqrs.css")
        ),
    );
}

#[wasm_bindgen_test]
async fn the_tanks_count_is_always_inside_the_tank() {
    with_stylesheets();
    // A wide card and half a phone's (two-up at 390 px).
    for width in [900, 170] {
        let view = preset("paused"); // the backlog climbs from 0 to hundreds, then drains
        let (root, _keep) = stage(view, 0);
        root.set_attribute("style", &format!("width: {width}px"))
            .unwrap();
        let mut seen = vec![];
        for ms in [0, 5_000, 19_000, 40_000, 60_000] {
            advance_to(view, ms);
            tick().await;
            let tank = root.query_selector(".cqrs-tank").unwrap().expect("a tank");
            let count = tank
                .query_selector(".cqrs-tank-count")
                .unwrap()
                .expect("its count");
            // The count is the tank's own child, not inside the fill.
            assert_eq!(
                count.parent_element().map(|p| p.class_name()).as_deref(),
                Some(tank.class_name().as_str()),
                "{width} px, {ms} ms"
            );
            let backlog = view.run.with_value(|r| cv::tank(&r.sides[0]).backlog);
            assert_eq!(
                count.text_content().unwrap_or_default(),
                fmt_count(Lang::En, backlog)
            );
            // The text's box (the count is a flex item as wide and high as its
            // text) lies inside the tank's inner box (its borders off), whole.
            assert!(
                count.scroll_width() <= count.client_width() + 1,
                "{width} px, {ms} ms"
            );
            let t = count.get_bounding_client_rect();
            let b = tank.get_bounding_client_rect();
            let (inner_left, inner_right) = (b.x() + 2.0, b.x() + b.width() - 2.0);
            let (inner_top, inner_bottom) = (b.y(), b.y() + b.height() - 2.0);
            assert!(
                t.width() > 0.0 && t.height() > 0.0,
                "{width} px, {ms} ms: drawn"
            );
            assert!(
                t.x() >= inner_left - 0.5
                    && t.x() + t.width() <= inner_right + 0.5
                    && t.y() >= inner_top - 0.5
                    && t.y() + t.height() <= inner_bottom + 0.5,
                "{width} px, {ms} ms: text {} {} {} {} outside the tank {} {} {} {}",
                t.x(),
                t.y(),
                t.width(),
                t.height(),
                b.x(),
                b.y(),
                b.width(),
                b.height()
            );
            // And in its middle, whatever the fill's level.
            let mid = t.y() + t.height() / 2.0 - (b.y() + b.height() / 2.0);
            assert!(mid.abs() < 3.0, "{width} px, {ms} ms: {mid} px off centre");
            seen.push(backlog);
        }
        assert!(
            seen.contains(&0) && seen.iter().any(|&b| b >= 100),
            "{seen:?}"
        );
    }
}

/// `mount` into a `<div>` `width` CSS px wide (a phone's card, one of an A | B pair).
fn mount_width(width: f64, f: impl FnOnce() -> AnyView + 'static) -> (HtmlElement, impl Drop) {
    let root = container();
    root.style()
        .set_property("width", &format!("{width}px"))
        .expect("width");
    let handle = mount_to(root.clone(), f);
    (root, Unmount(Some(handle)))
}

fn rect(e: &Element) -> (f64, f64, f64, f64) {
    let r = e.get_bounding_client_rect();
    (r.left(), r.top(), r.right(), r.bottom())
}

/// The staleness histogram labels every k-th bin, as many as fit: at a phone's
/// width and a half-width card no two labels touch, and none leaves the chart.
#[wasm_bindgen_test]
async fn the_staleness_histogram_s_labels_never_overlap() {
    with_stylesheets();
    for width in [240.0, 300.0, 374.0, 480.0, 700.0] {
        let view = preset("paused");
        let (root, _keep) =
            mount_width(width, move || view! { <CqrsCharts view=view /> }.into_any());
        view.run.update_value(|r| {
            r.run_to_end(u64::MAX);
        });
        view.tick.update(|t| *t += 1);
        tick().await;
        tick().await;
        let fig = root
            .query_selector("[data-testid=chart-staleness-a]")
            .unwrap()
            .expect("the chart");
        let svg = fig.query_selector("svg").unwrap().expect("a plot");
        let (sl, _, sr, _) = rect(&svg);
        let labels: Vec<(f64, f64, f64, f64)> = all(&fig, ".chart-category")
            .iter()
            .filter(|e| !e.text_content().unwrap_or_default().is_empty())
            .map(rect)
            .collect();
        assert!(labels.len() >= 2, "{width}: {} labels", labels.len());
        for w in labels.windows(2) {
            assert!(
                w[0].2 + 2.0 <= w[1].0,
                "{width}: {:?} runs into {:?}",
                w[0],
                w[1]
            );
        }
        for l in &labels {
            assert!(
                l.0 >= sl - 0.5 && l.2 <= sr + 0.5,
                "{width}: {l:?} outside {sl}–{sr}"
            );
        }
    }
}

/// The backlog and lag charts share one plot left edge: the x axis, the now
/// line and the pause sit at the same x on both; and each line reaches now.
#[wasm_bindgen_test]
async fn the_backlog_and_lag_plots_line_up_and_reach_now() {
    with_stylesheets();
    let view = preset("paused");
    let (root, _keep) = mount_width(700.0, move || view! { <CqrsCharts view=view /> }.into_any());
    for ms in [4_321, 15_000, 26_789] {
        advance_to(view, ms);
        tick().await;
        tick().await;
        let mut seen = vec![];
        for id in ["chart-backlog", "chart-lag"] {
            let chart = root
                .query_selector(&format!("[data-testid={id}]"))
                .unwrap()
                .expect(id);
            let axis = chart
                .query_selector("line.chart-axis")
                .unwrap()
                .expect("axis");
            let now = xs(&chart, "line.chart-now");
            assert_eq!(now.len(), 1, "{id} at {ms}");
            let band: Vec<f64> = all(&chart, ".chart-band-tint")
                .iter()
                .map(|b| attr_f64(b, "x"))
                .collect();
            // The line ends at now while the run is live.
            let points = chart
                .query_selector(".chart-line")
                .unwrap()
                .and_then(|l| l.get_attribute("points"))
                .unwrap_or_default();
            let last_x: f64 = points
                .split_whitespace()
                .last()
                .and_then(|p| p.split(',').next())
                .and_then(|x| x.parse().ok())
                .unwrap_or(f64::NAN);
            assert!(
                (last_x - now[0]).abs() < 0.11,
                "{id} at {ms}: line ends at {last_x}, now at {}",
                now[0]
            );
            seen.push((attr_f64(&axis, "x1"), attr_f64(&axis, "x2"), now[0], band));
        }
        assert_eq!(seen[0], seen[1], "at {ms} ms: backlog vs lag");
    }
}

/// The CRUD side's line under its one store is a sentence: wrapped to the
/// drawing's width, never cut at its right edge (an A | B card at 1440 px is
/// ~500 px wide).
#[wasm_bindgen_test]
async fn the_crud_side_s_sentence_wraps_inside_its_lanes() {
    with_stylesheets();
    for width in [300.0, 500.0, 640.0] {
        let view = preset("crud_vs_cqrs");
        let (root, _keep) = mount_width(width, move || {
            view! { <CqrsStage view=view frame_view=view side=0 /> }.into_any()
        });
        advance_to(view, 3_000);
        tick().await;
        let svg = root
            .query_selector("[data-testid=timelines-0] svg")
            .unwrap()
            .expect("the lanes");
        let (_, _, right, _) = rect(&svg);
        let label = svg
            .query_selector(".cqrs-gap-label")
            .unwrap()
            .expect("its line");
        let text = label.text_content().unwrap_or_default();
        assert!(text.starts_with("No copy"), "{text}");
        let (_, _, r, _) = rect(&label);
        assert!(
            r <= right + 0.5,
            "{width}: {text:?} ends at {r}, past {right}"
        );
        let (_, top, _, bottom) = rect(&label);
        let (_, svg_top, _, svg_bottom) = rect(&svg);
        assert!(
            top >= svg_top && bottom <= svg_bottom,
            "{width}: the sentence fits in height"
        );
    }
}

/// Side A's lanes drawing.
fn lanes_svg(root: &Element) -> Element {
    root.query_selector("[data-testid=timelines-0] svg")
        .unwrap()
        .expect("the lanes")
}

/// `name` is drawn after every probe, tick, link and the now line of `svg`,
/// right after a backdrop (`.cqrs-label-bg`) that covers it.
fn assert_over_lines_on_backdrop(svg: &Element, name: &Element, what: &str) {
    let order = all(svg, "*");
    let at = |e: &Element| order.iter().position(|x| x == e).expect("in the drawing");
    let lines = all(svg, ".cqrs-probe, .cqrs-tick, .cqrs-link, .cqrs-now");
    assert!(!lines.is_empty());
    let last_line = lines.iter().map(at).max().unwrap_or(0);
    let text = name.text_content().unwrap_or_default();
    assert!(
        at(name) > last_line,
        "{what}: {text:?} is drawn under a line"
    );
    let bg = name.previous_element_sibling().expect("a backdrop");
    assert_eq!(
        bg.get_attribute("class").as_deref(),
        Some("cqrs-label-bg"),
        "{what}: {text:?}"
    );
    let (l, t, r, b) = rect(name);
    let (bl, bt, br, bb) = rect(&bg);
    assert!(
        bl <= l + 0.5 && bt <= t + 0.5 && br >= r - 0.5 && bb >= b - 0.5,
        "{what}: {text:?} {:?} outside its backdrop {:?}",
        (l, t, r, b),
        (bl, bt, br, bb)
    );
}

/// A lane's name is drawn after the probes, ticks and links that cross its
/// row, on a backdrop that covers it: on a phone in Spanish (long names, lines
/// through them) every name stays readable.
#[wasm_bindgen_test]
async fn lane_names_sit_on_their_backdrop_above_every_line() {
    with_stylesheets();
    let p = presets::all()
        .into_iter()
        .find(|p| p.id == "demo")
        .expect("preset");
    let view = CqrsView {
        lang: Signal::stored(Lang::Es),
        ..view_of(&p.config, p.seed)
    };
    let (root, _keep) = mount_width(374.0, move || {
        view! { <CqrsStage view=view frame_view=view side=0 /> }.into_any()
    });
    advance_to(view, 60_000);
    tick().await;
    let svg = lanes_svg(&root);
    let names = all(&svg, ".cqrs-lane-label, .cqrs-gap-label");
    assert_eq!(names.len(), 3, "write log, backlog, read model");
    for name in &names {
        assert_over_lines_on_backdrop(&svg, name, "lane name");
    }
    // The caption names the last read, as the lanes end with it: a fresh "Enviado".
    let caption = text(&root, "[data-testid=telling-0]");
    assert!(caption.contains("Enviado, al día"), "{caption}");
}

/// Side `side` of `view` in a card whose content is `width` CSS px wide, in
/// an A | B pair as on the page (`.sides.compare`), with the page's stylesheets.
fn pair_card(view: CqrsView, side: usize, width: f64) -> (HtmlElement, impl Drop) {
    with_stylesheets();
    mount_width(width, move || {
        view! {
            <div class="sides compare">
                <CqrsStage view=view frame_view=view side=side />
            </div>
        }
        .into_any()
    })
}

/// "crud_vs_cqrs" on a phone in Spanish, two-up (each card ~169 px wide): side
/// B's stores table fits its card with the columns' short names whole, and the
/// caption wraps outside the scroll box, never cut; the same in English and at
/// a wide card, with the full names.
#[wasm_bindgen_test]
async fn the_stores_fit_a_half_phone_card_at_169px() {
    for (lang, width, write, read) in [
        (Lang::Es, 169.0, "Escritura", "Lectura"),
        (Lang::En, 169.0, "Write", "Read"),
        (Lang::Pt, 169.0, "Escrita", "Leitura"),
        (Lang::Es, 520.0, "Almacén de escritura", "Base de consultas"),
    ] {
        let p = presets::all()
            .into_iter()
            .find(|p| p.id == "crud_vs_cqrs")
            .expect("preset");
        let view = CqrsView {
            lang: Signal::stored(lang),
            ..view_of(&p.config, p.seed)
        };
        let (root, _keep) = pair_card(view, 1, width);
        advance_to(view, 6_000);
        tick().await;
        tick().await;
        let what = format!("{lang:?} at {width} px");
        let box_ = root
            .query_selector("[data-testid=stores-1]")
            .unwrap()
            .expect("the stores");
        let heads: Vec<String> = all(&box_, "thead th")
            .iter()
            .map(|h| h.text_content().unwrap_or_default())
            .collect();
        assert_eq!(heads[1..], [write.to_string(), read.to_string()], "{what}");
        let (card_l, _, card_r, _) = rect(&root);
        let scroll: HtmlElement = box_
            .query_selector(".cqrs-stores-scroll")
            .unwrap()
            .expect("its scroll box")
            .unchecked_into();
        assert!(
            scroll.scroll_width() <= scroll.client_width() + 1,
            "{what}: the table is {} px wide in {} px: {:?}",
            scroll.scroll_width(),
            scroll.client_width(),
            all(&box_, "tr > *")
                .iter()
                .map(|c| (c.text_content().unwrap_or_default(), rect(c).2 - rect(c).0))
                .collect::<Vec<_>>()
        );
        let table = box_.query_selector("table").unwrap().expect("a table");
        let (l, _, r, _) = rect(&table);
        assert!(
            l >= card_l - 0.5 && r <= card_r + 0.5,
            "{what}: table {l}–{r} outside the card {card_l}–{card_r}"
        );
        for th in all(&box_, "thead th") {
            assert!(
                th.scroll_width() <= th.client_width() + 1,
                "{what}: {:?} cut",
                th.text_content()
            );
        }
        // The caption: outside the scroll box, whole, within the card.
        let caption: HtmlElement = box_
            .query_selector(".cqrs-stores-caption")
            .unwrap()
            .expect("a caption")
            .unchecked_into();
        assert!(
            !scroll.contains(Some(&caption)),
            "{what}: the caption scrolls"
        );
        assert!(
            caption.scroll_width() <= caption.client_width() + 1,
            "{what}: the caption is cut"
        );
        let (l, _, r, _) = rect(&caption);
        assert!(l >= card_l - 0.5 && r <= card_r + 0.5, "{what}: caption");
        let text = caption.text_content().unwrap_or_default();
        assert!(
            text.starts_with(match lang {
                Lang::Es => "Los dos almacenes",
                Lang::Pt => "Os dois armazenamentos",
                _ => "The two stores",
            }),
            "{what}: {text}"
        );
    }
}

/// The CRUD side has one store: its caption says so, not "the two stores".
#[wasm_bindgen_test]
async fn the_one_store_has_its_own_caption() {
    for (lang, width, starts) in [
        (Lang::En, 700.0, "The one store: "),
        (Lang::Es, 700.0, "El único almacén: "),
        (Lang::Pt, 169.0, "O único armazenamento: "),
    ] {
        let p = presets::all()
            .into_iter()
            .find(|p| p.id == "crud_vs_cqrs")
            .expect("preset");
        let view = CqrsView {
            lang: Signal::stored(lang),
            ..view_of(&p.config, p.seed)
        };
        let (root, _keep) = pair_card(view, 0, width);
        advance_to(view, 6_000);
        tick().await;
        let caption = text(&root, "[data-testid=stores-0] .cqrs-stores-caption");
        assert!(caption.starts_with(starts), "{lang:?}: {caption}");
        let heads = all(&root, "[data-testid=stores-0] thead th");
        assert_eq!(heads.len(), 2, "{lang:?}: order and the one store");
    }
}

/// "paused" at 18 s on a phone in Spanish: the pause band's name is drawn
/// after every probe, tick and the now line, on a backdrop that covers it,
/// inside the drawing, as the lanes' names are.
#[wasm_bindgen_test]
async fn the_pause_band_s_name_sits_on_its_backdrop_above_every_line() {
    with_stylesheets();
    for width in [169.0, 374.0, 700.0] {
        let p = presets::all()
            .into_iter()
            .find(|p| p.id == "paused")
            .expect("preset");
        let view = CqrsView {
            lang: Signal::stored(Lang::Es),
            ..view_of(&p.config, p.seed)
        };
        let (root, _keep) = mount_width(width, move || {
            view! { <CqrsStage view=view frame_view=view side=0 /> }.into_any()
        });
        advance_to(view, 18_000);
        tick().await;
        let svg = lanes_svg(&root);
        let bands = all(&svg, ".cqrs-band-label");
        assert_eq!(bands.len(), 1, "{width}: one pause");
        let name = &bands[0];
        assert_eq!(
            name.text_content().unwrap_or_default(),
            "proyector en pausa"
        );
        assert_over_lines_on_backdrop(&svg, name, &format!("{width} px"));
        let (l, _, r, _) = rect(name);
        let (sl, _, sr, _) = rect(&svg);
        assert!(
            l >= sl - 0.5 && r <= sr + 0.5,
            "{width}: {l}–{r} outside {sl}–{sr}"
        );
    }
}

/// A configured pause is drawn whole on the stage, as the charts below draw
/// it: what has passed of it shaded, what is still ahead of the clock
/// lighter, meeting at the now line. Before it starts it is all ahead; once
/// over, none of it is.
#[wasm_bindgen_test]
async fn the_stage_draws_the_whole_pause_the_part_ahead_lighter() {
    with_stylesheets();
    let p = presets::all()
        .into_iter()
        .find(|p| p.id == "paused")
        .expect("preset"); // paused 10 s – 20 s
    let view = view_of(&p.config, p.seed);
    let (root, _keep) = mount_width(700.0, move || {
        view! { <CqrsStage view=view frame_view=view side=0 /> }.into_any()
    });
    let parts = || {
        let svg = lanes_svg(&root);
        let past: Vec<_> = all(&svg, "rect.cqrs-band:not(.cqrs-band-ahead)")
            .iter()
            .map(rect)
            .collect();
        let ahead: Vec<_> = all(&svg, "rect.cqrs-band-ahead").iter().map(rect).collect();
        (past, ahead)
    };
    advance_to(view, 5_000);
    tick().await;
    let (past, ahead) = parts();
    assert!(past.is_empty(), "nothing of it has passed: {past:?}");
    assert_eq!(ahead.len(), 1, "the whole pause is ahead");
    let whole = ahead[0];
    advance_to(view, 15_000);
    tick().await;
    let (past, ahead) = parts();
    assert_eq!((past.len(), ahead.len()), (1, 1), "half passed, half ahead");
    assert!((past[0].0 - whole.0).abs() < 0.5, "it starts where it did");
    assert!((past[0].2 - ahead[0].0).abs() < 0.5, "the parts meet");
    assert!((ahead[0].2 - whole.2).abs() < 0.5, "it ends where it did");
    let mid = (whole.0 + whole.2) / 2.0;
    assert!(
        (past[0].2 - mid).abs() < 2.0,
        "they meet at 15 s, the now line: {} vs {mid}",
        past[0].2
    );
    let fill = |sel: &str| {
        let e = all(&lanes_svg(&root), sel).remove(0);
        web_sys::window()
            .unwrap()
            .get_computed_style(&e)
            .unwrap()
            .unwrap()
            .get_property_value("fill")
            .unwrap()
    };
    assert_ne!(
        fill("rect.cqrs-band:not(.cqrs-band-ahead)"),
        fill("rect.cqrs-band-ahead"),
        "the part ahead is lighter"
    );
    advance_to(view, 25_000);
    tick().await;
    let (past, ahead) = parts();
    assert_eq!(
        (past.len(), ahead.len()),
        (1, 0),
        "over: all of it has passed"
    );
    assert!((past[0].2 - whole.2).abs() < 0.5);
}

/// A side with no stale answer says "(yet)" only while it runs.
#[wasm_bindgen_test]
async fn no_stale_answer_drops_yet_once_the_run_is_finished() {
    with_stylesheets();
    let view = preset("crud_vs_cqrs"); // side A: one store, never stale
    let (root, _keep) = mount_width(700.0, move || view! { <CqrsCharts view=view /> }.into_any());
    advance_to(view, 2_000);
    tick().await;
    tick().await;
    let chart = || text(&root, "[data-testid=chart-staleness-a]");
    assert!(
        chart().contains("No stale answer on this side (yet)."),
        "{}",
        chart()
    );
    view.run.update_value(|r| {
        r.run_to_end(u64::MAX);
    });
    view.tick.update(|t| *t += 1);
    tick().await;
    tick().await;
    assert!(view.run.with_value(|r| r.is_finished()));
    let done = chart();
    assert!(done.contains("No stale answer on this side."), "{done}");
    assert!(!done.contains("(yet)"), "{done}");
}

/// A mini-chart of running totals starts with its point at 0: before the run
/// it still says "Press ▶ Play to draw the run" (it showed an empty 0–1
/// axis), and its scale then fits the totals, however small.
#[wasm_bindgen_test]
fn running_totals_before_the_run_still_say_press_play() {
    use cloud_patterns_playground::lab_page::verdict::{verdict_svg, Axis};
    for id in ["demo", "code_as_written", "stock_queue"] {
        let view = preset(id);
        let d = view.run.with_value(|r| r.verdict(0));
        let ax = Axis {
            x_max_ms: view.run.with_value(|r| r.time_domain_ms()),
            y_max: 0.0,
            now_ms: 0.0,
            runs_on_ms: None,
        };
        let svg = verdict_svg(Lang::En, &d, ax, 440.0, 100.0);
        assert!(svg.contains("verdict-press-play"), "{id}: {svg}");
        advance_to(view, 5_000);
        let d = view.run.with_value(|r| r.verdict(0));
        let svg = verdict_svg(
            Lang::En,
            &d,
            Axis {
                now_ms: 5_000.0,
                ..ax
            },
            440.0,
            100.0,
        );
        assert!(!svg.contains("verdict-press-play"), "{id}: {svg}");
    }
}

/// On a handful of changes the tank says how many came in, not a rate: the
/// demo's one change at 120 ms read "in: 8.33/s". With enough, a rate.
#[wasm_bindgen_test]
async fn the_tank_counts_a_handful_of_changes_and_rates_many() {
    let view = preset("demo");
    let (root, _keep) = stage(view, 0);
    advance_to(view, 120);
    tick().await;
    let said = text(&root, "[data-testid=tank-0] .cqrs-flow--in");
    assert_eq!(said, "in: 1 change so far");
    let view = preset("slow_projector");
    let (root, _keep) = stage(view, 0);
    advance_to(view, 5_000);
    tick().await;
    let said = text(&root, "[data-testid=tank-0] .cqrs-flow--in");
    assert!(said.starts_with("in: ") && said.ends_with("/s"), "{said}");
}

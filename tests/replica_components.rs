//! Component tests of the replica lab's views, in a real browser: each test
//! builds a run from an engine preset (or the bench's large cluster), mounts
//! one view into its own `<div>`, moves the run on, bumps the tick as the
//! player would, waits a tick for effects, and checks the DOM against the
//! engine's own state (`engine::labs::replica::view`).
//!
//! wasm32 only: `cargo test --target wasm32-unknown-unknown -p
//! cloud-patterns-playground --test replica_components` (headless Chromium via
//! wasm-bindgen-test-runner; `CHROMEDRIVER=/usr/bin/chromedriver`).
#![cfg(target_arch = "wasm32")]

use cloud_patterns_playground::labs::replica::bench::bench_config;
use cloud_patterns_playground::labs::replica::charts::ReplicaCharts;
use cloud_patterns_playground::labs::replica::controls::{parse_list, ReplicaControls};
use cloud_patterns_playground::labs::replica::log::ReplicaLog;
use cloud_patterns_playground::labs::replica::stage::{
    matrix_svg, nodes_svg, status_markup, NodeCols, ReplicaStage, CANVAS_ROWS, MAX_LANES, SVG_ROWS,
};
use cloud_patterns_playground::labs::replica::ReplicaView;
use engine::labs::replica::view::{self as rv, Cell};
use engine::labs::replica::{presets, ReplicaConfig, ReplicaRun};
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

fn view_of(config: &ReplicaConfig, seed: u64) -> ReplicaView {
    ReplicaView {
        run: StoredValue::new_local(ReplicaRun::new(config, seed).expect("valid config")),
        tick: RwSignal::new(0),
        lang: Signal::stored(Lang::En),
        seed: Signal::stored(seed),
    }
}

fn preset(id: &str) -> ReplicaView {
    let p = presets::all()
        .into_iter()
        .find(|p| p.id == id)
        .expect("preset exists");
    view_of(&p.config, p.seed)
}

fn advance_to(view: ReplicaView, ms: u64) {
    view.run.update_value(|r| {
        r.run_to(SimTime::from_ms(ms), u64::MAX);
    });
    view.tick.update(|t| *t += 1);
}

fn run_to_end(view: ReplicaView) {
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

fn stage(view: ReplicaView, side: usize) -> AnyView {
    view! { <ReplicaStage view=view side=side /> }.into_any()
}

#[wasm_bindgen_test]
async fn the_matrix_shows_every_node_and_each_cell_as_the_engine_has_it() {
    let view = preset("demo");
    let (root, _keep) = mount(move || stage(view, 0));
    advance_to(view, 1_400);
    tick().await;
    let nodes = view
        .run
        .with_value(|r| r.sides[0].model().config().nodes.count) as usize;
    assert_eq!(
        all(&root, "[data-testid=matrix] [data-node]:not(rect)").len(),
        nodes,
        "a column head per node"
    );
    assert_eq!(
        all(&root, "[data-testid=nodes] .replica-nrow").len(),
        nodes,
        "a row per node in the node panel"
    );
    // node_2 went down at 0.3 s: its head says so, and its column is hatched.
    let n2 = root
        .query_selector("g.replica-node[data-node='2']")
        .unwrap()
        .expect("node_2");
    assert_eq!(n2.get_attribute("data-up").as_deref(), Some("0"));
    assert_eq!(all(&root, ".replica-col-down").len(), 1);
    // Each row's cells are the engine's, node by node.
    let (rows, cells) = view.run.with_value(|r| {
        let sim = &r.sides[0];
        let m = sim.model();
        let up = rv::nodes_up(m, sim.now());
        let rows = SVG_ROWS.min(m.chunks.len());
        let start = rv::window_start(m, rows);
        (
            rows,
            (start..start + rows)
                .map(|c| (c, rv::row(m, c, &up)))
                .collect::<Vec<_>>(),
        )
    });
    assert_eq!(all(&root, ".replica-row").len(), rows);
    for (chunk, row) in cells {
        let g = root
            .query_selector(&format!(".replica-row[data-chunk='{chunk}']"))
            .unwrap()
            .expect("the chunk's row");
        for (n, cell) in row.iter().enumerate() {
            let drawn = g
                .query_selector(&format!("[data-cell][data-node='{}']", n + 1))
                .unwrap()
                .and_then(|e| e.get_attribute("data-cell"));
            match cell {
                Cell::Empty => assert!(drawn.is_none(), "chunk {chunk} node {}", n + 1),
                c => assert_eq!(
                    drawn.as_deref(),
                    Some(c.key()),
                    "chunk {chunk} node {}",
                    n + 1
                ),
            }
        }
    }
    // Chunk 1 needed a second attempt: a failed first try, then a retry.
    let marks: Vec<String> = all(&root, ".replica-row[data-chunk='1'] [data-mark]")
        .iter()
        .filter_map(|e| e.get_attribute("data-mark"))
        .collect();
    let engine_marks: Vec<&str> = view.run.with_value(|r| {
        rv::marks(r.sides[0].model(), 1)
            .iter()
            .map(|m| m.key())
            .collect()
    });
    assert_eq!(marks, engine_marks);
    assert_eq!(marks.first().map(String::as_str), Some("failed"));
    // The progress bar counts what the engine counts.
    let counts = view
        .run
        .with_value(|r| rv::status_counts(r.sides[0].model()));
    let ok = text(&root, "[data-testid=progress] [data-status=ok]");
    assert!(ok.starts_with(&counts[2].to_string()), "{ok}");
}

/// Chunks read corrupt without a checksum are done as far as the client
/// knows, and drawn apart on the progress bar: B's bar read a green
/// "32 done" with two corrupt chunks among them.
#[wasm_bindgen_test]
async fn the_progress_bar_sets_corrupt_chunks_apart() {
    let view = preset("corruption");
    let (root, _keep) = mount(move || {
        view! {
            <div class="a">{stage(view, 0)}</div>
            <div class="b">{stage(view, 1)}</div>
        }
        .into_any()
    });
    run_to_end(view);
    tick().await;
    let (delivered, done) = view.run.with_value(|r| {
        let m = r.sides[1].model();
        (m.stats.corrupt_delivered, rv::status_counts(m)[2])
    });
    assert!(delivered > 0);
    let corrupt = text(&root, ".b [data-testid=progress] [data-status=corrupt]");
    assert_eq!(corrupt, format!("{delivered} corrupt, not caught"));
    let ok = text(&root, ".b [data-testid=progress] [data-status=ok]");
    assert_eq!(ok, format!("{} done", done - delivered));
    let label = root
        .query_selector(".b [data-testid=progress]")
        .unwrap()
        .unwrap()
        .get_attribute("aria-label")
        .unwrap();
    assert!(label.contains("are corrupt"), "{label}");
    // A checks: nothing corrupt among its done chunks.
    assert!(root
        .query_selector(".a [data-testid=progress] [data-status=corrupt]")
        .unwrap()
        .is_none());
}

/// A node a client reported is drawn so (⚑) while its heartbeats still say
/// alive: at the demo's first moment node_2 is down, reported and routed
/// around, and the metadata server knows of no chunk at risk.
#[wasm_bindgen_test]
async fn a_reported_node_is_marked_before_any_verdict() {
    let view = preset("demo");
    let (root, _keep) = mount(move || stage(view, 0));
    advance_to(view, 100);
    tick().await;
    assert!(
        all(&root, ".replica-reported").is_empty(),
        "nothing reported yet"
    );
    let at = presets::all()
        .into_iter()
        .find(|p| p.id == "demo")
        .unwrap()
        .moments[0]
        .at_ms;
    advance_to(view, at);
    tick().await;
    let reported = all(&root, "[data-testid=matrix] .replica-reported");
    assert_eq!(reported.len(), 1);
    let node = reported[0].closest("g.replica-node").unwrap().unwrap();
    assert_eq!(node.get_attribute("data-node").as_deref(), Some("2"));
    assert_eq!(node.get_attribute("data-health").as_deref(), Some("alive"));
    assert_eq!(node.get_attribute("data-up").as_deref(), Some("0"));
    assert_eq!(text(&node, ".replica-reported-mark"), "⚑");
    assert!(text(&node, "title").contains("reported failing by a client"));
    assert!(text(&root, "[data-testid=metadata]").contains("it knows of 0"));
}

/// The breaker preset's lesson on the grid: while B's breaker on node_2 is
/// open, a ⚡ stands beside node_2's number on B (and its sentence says
/// so); A has no breaker and never shows one.
#[wasm_bindgen_test]
async fn an_open_breaker_is_marked_beside_its_node() {
    let view = preset("breaker");
    let (a, _keep_a) = mount(move || stage(view, 0));
    let (b, _keep_b) = mount(move || stage(view, 1));
    let mut shown = 0;
    for ms in (0..3_000).step_by(50) {
        advance_to(view, ms);
        tick().await;
        assert!(
            all(&a, ".replica-breaker-mark").is_empty(),
            "{ms} ms: A has no breaker"
        );
        let open = view.run.with_value(|r| {
            let sim = &r.sides[1];
            sim.model().breaker_open(1, sim.now())
        });
        let marks = all(&b, ".replica-breaker-mark");
        assert_eq!(
            marks.len(),
            usize::from(open),
            "{ms} ms: B's breaker open: {open}"
        );
        for mark in &marks {
            let node = mark.closest("g.replica-node").unwrap().unwrap();
            assert_eq!(
                node.get_attribute("data-node").as_deref(),
                Some("2"),
                "{ms} ms"
            );
            assert!(text(&node, "title").contains("breaker is open"), "{ms} ms");
        }
        shown += marks.len();
    }
    assert!(shown > 0, "B's breaker was never shown open");
}

/// One of a status is in the singular, in every language ("1 fallidos",
/// "1 falhos", "1 chunks em risco" read as typos).
#[wasm_bindgen_test]
fn one_chunk_of_a_status_is_in_the_singular() {
    let view = preset("before");
    run_to_end(view);
    let failed = view
        .run
        .with_value(|r| rv::status_counts(r.sides[0].model())[3]);
    let html = |lang| view.run.with_value(|r| status_markup(&r.sides[0], lang));
    let (es, pt, en) = (html(Lang::Es), html(Lang::Pt), html(Lang::En));
    if failed == 1 {
        assert!(
            es.contains("1 fallido<") && pt.contains("1 falho<"),
            "{es}\n{pt}"
        );
    }
    assert!(
        !es.contains(">1 fallidos") && !pt.contains(">1 falhos"),
        "{es}\n{pt}"
    );
    for (lang, one) in [
        (Lang::En, "1 chunk at risk"),
        (Lang::Es, "1 fragmento en riesgo"),
        (Lang::Pt, "1 chunk em risco"),
    ] {
        let text = engine::i18n::tn(lang, "replica.stage.risk", 1, &[("n", &1), ("known", &0)]);
        assert!(text.starts_with(one), "{text}");
    }
    assert!(en.contains("failed"), "{en}");
}

/// The slow node holds the upload: chunk 2's attempt on node_3 is drawn in
/// node_3's column (an outline) while it waits out its timeout, and the
/// legend and the matrix's sentence say what it is.
#[wasm_bindgen_test]
async fn an_attempt_on_its_way_shows_in_its_nodes_column() {
    let view = preset("slow_node");
    let (root, _keep) = mount(move || stage(view, 0));
    advance_to(view, 3_000);
    tick().await;
    let sending = all(&root, "[data-testid=matrix] rect[data-cell=sending]");
    // Each in the column the engine says, chunk 2's in node_3's.
    for r in &sending {
        let row = r.closest("[data-chunk]").unwrap().unwrap();
        let chunk: usize = row.get_attribute("data-chunk").unwrap().parse().unwrap();
        let node: u32 = r.get_attribute("data-node").unwrap().parse().unwrap();
        let engine = view
            .run
            .with_value(|run| run.sides[0].model().chunks[chunk].sending);
        assert_eq!(engine, Some(node - 1), "chunk {chunk}");
    }
    assert!(sending.iter().any(|r| {
        r.closest("[data-chunk]")
            .unwrap()
            .unwrap()
            .get_attribute("data-chunk")
            .as_deref()
            == Some("2")
            && r.get_attribute("data-node").as_deref() == Some("3")
    }));
    let svg = root
        .query_selector("[data-testid=matrix] svg.replica-svg")
        .unwrap()
        .expect("the matrix");
    assert!(
        svg.get_attribute("aria-label")
            .unwrap_or_default()
            .contains("on their way from the client"),
        "{:?}",
        svg.get_attribute("aria-label")
    );
    assert!(text(&root, ".replica-legend").contains("the client's attempt, on its way"));
    run_to_end(view);
    tick().await;
    assert!(all(&root, "[data-testid=matrix] rect[data-cell=sending]").is_empty());
}

#[wasm_bindgen_test]
async fn suspect_and_dead_are_drawn_differently() {
    let view = preset("rack_down");
    let (root, _keep) = mount(move || stage(view, 0));
    advance_to(view, 5_000);
    tick().await;
    let suspects = all(&root, "g.replica-node[data-health=suspect]");
    assert_eq!(suspects.len(), 4, "rack 2's four nodes are suspect");
    assert!(suspects
        .iter()
        .all(|g| g.query_selector(".replica-suspect").unwrap().is_some()));
    assert!(all(&root, ".replica-dead").is_empty());
    advance_to(view, 12_000);
    tick().await;
    let dead = all(&root, "g.replica-node[data-health=dead]");
    assert_eq!(dead.len(), 4);
    assert!(dead
        .iter()
        .all(|g| g.query_selector(".replica-dead").unwrap().is_some()
            && g.query_selector(".replica-suspect").unwrap().is_none()));
    // Their timers are past the dead line, in the matrix's head and in the node panel.
    assert_eq!(
        all(&root, "[data-testid=matrix] .replica-timer.t-dead").len(),
        4
    );
    assert_eq!(
        all(&root, "[data-testid=nodes] .replica-timer.t-dead").len(),
        4
    );
    assert!(text(&root, "[data-testid=metadata]").contains("4 declared dead"));
    // 120 chunks: a window of rows, and a line that says which.
    assert_eq!(all(&root, ".replica-row").len(), SVG_ROWS);
    assert!(text(&root, "[data-testid=window]").contains("of 120 chunks"));
}

#[wasm_bindgen_test]
async fn workers_wait_for_the_metadata_server_while_it_is_down() {
    let view = preset("metadata_down");
    let (root, _keep) = mount(move || stage(view, 0));
    advance_to(view, 5_000);
    tick().await;
    let meta = root
        .query_selector("[data-testid=metadata]")
        .unwrap()
        .unwrap();
    assert_eq!(meta.get_attribute("data-up").as_deref(), Some("0"));
    let lanes = all(&root, ".replica-lane");
    let workers = view.run.with_value(|r| r.sides[0].model().workers.len());
    assert_eq!(lanes.len(), workers.min(MAX_LANES));
    assert!(lanes
        .iter()
        .any(|l| l.get_attribute("data-phase").as_deref() == Some("metadata")));
    // Each lane's bar holds the waiting segment.
    assert!(!all(&root, ".replica-lane-seg.s-metadata").is_empty());
    // Segments are the bar's own children, side by side (never one inside another,
    // which would make each width a share of the one before).
    assert_eq!(
        all(&root, ".replica-lane-seg .replica-lane-seg").len(),
        0,
        "segments nested"
    );
    assert_eq!(
        all(&root, ".replica-lane-bar > .replica-lane-seg").len(),
        all(&root, ".replica-lane-bar .replica-lane-seg").len()
    );
    advance_to(view, 9_000);
    tick().await;
    let meta = root
        .query_selector("[data-testid=metadata]")
        .unwrap()
        .unwrap();
    assert_eq!(meta.get_attribute("data-up").as_deref(), Some("1"));
}

#[wasm_bindgen_test]
async fn a_large_cluster_is_drawn_on_a_canvas_and_the_dom_does_not_grow() {
    let view = view_of(&bench_config(10_000, 50), 1);
    let (root, _keep) = mount(move || stage(view, 0));
    advance_to(view, 30_000);
    tick().await;
    let before = all(&root, "*").len();
    assert!(before < 200, "{before} elements for 10,000 chunks");
    advance_to(view, 120_000);
    tick().await;
    let canvas = root
        .query_selector("[data-testid=matrix-canvas]")
        .unwrap()
        .expect("a canvas");
    assert!(
        canvas
            .get_attribute("height")
            .and_then(|h| h.parse::<u32>().ok())
            .unwrap_or(0)
            > 0
    );
    assert!(all(&root, ".replica-cell").is_empty(), "no SVG cells");
    let after = all(&root, "*").len();
    assert!(after <= before + 8, "{before} → {after} elements");
    let start = view
        .run
        .with_value(|r| rv::window_start(r.sides[0].model(), CANVAS_ROWS));
    assert!(start > 0, "the window followed the workers");
    assert!(text(&root, "[data-testid=window]").contains(&format!("Rows {start}–")));
    assert!(canvas
        .get_attribute("aria-label")
        .unwrap_or_default()
        .contains("of 10000"));
}

#[wasm_bindgen_test]
async fn the_problem_nodes_table_and_the_charts_follow_the_run() {
    let view = preset("breaker");
    let (root, _keep) = mount(move || view! { <ReplicaCharts view=view /> }.into_any());
    run_to_end(view);
    tick().await;
    for side in 0..2 {
        let top = view
            .run
            .with_value(|r| rv::problem_nodes(r.sides[side].model())[0]);
        let table = root
            .query_selector(&format!(".replica-problems[data-side='{side}']"))
            .unwrap()
            .expect("a table per side");
        let first = table.query_selector("tbody tr").unwrap().unwrap();
        assert_eq!(
            first.get_attribute("data-node"),
            Some((top.0 + 1).to_string())
        );
        assert_eq!(text(&first, "[data-failures]"), top.1.to_string());
    }
    // The breaker kept B off node_2: fewer failures there than A.
    let f = |side: usize| {
        view.run
            .with_value(|r| r.sides[side].model().stats.node_failures[1])
    };
    assert!(f(1) < f(0), "A {} vs B {}", f(0), f(1));
    // Both charts have a plot and a text alternative.
    for id in ["chart-under", "chart-throughput"] {
        let chart = root
            .query_selector(&format!("[data-testid={id}]"))
            .unwrap()
            .expect(id);
        assert!(chart.query_selector("svg").unwrap().is_some(), "{id}");
        assert!(
            chart.query_selector("table").unwrap().is_some(),
            "{id}: its table"
        );
    }
}

#[wasm_bindgen_test]
async fn the_log_reads_like_the_text() {
    let view = preset("before");
    let playing = RwSignal::new(false);
    let (root, _keep) =
        mount(move || view! { <ReplicaLog view=view playing=playing /> }.into_any());
    run_to_end(view);
    tick().await;
    let log = text(&root, "[data-testid=log-a]");
    assert!(log.contains("(attempt 1)"), "{log}");
    assert!(log.contains("node unavailable"), "{log}");
    assert!(log.contains("final failure for chunk"), "{log}");
    assert!(log.contains("the whole transfer stops"), "{log}");
}

/// The normal shape comes with its spread, set in a field of its own (it
/// was offered with none, and ran with none); another shape drops it.
#[wasm_bindgen_test]
async fn the_normal_latency_shape_has_its_spread_field() {
    let config = RwSignal::new(ReplicaConfig::default());
    let errors = RwSignal::new(Vec::<ConfigError>::new());
    let (root, _keep) =
        mount(move || view! { <ReplicaControls config=config errors=errors /> }.into_any());
    tick().await;
    let sd = || {
        root.query_selector("[data-testid=latency-sd] input.num")
            .unwrap()
    };
    assert!(sd().is_none(), "log-normal has no spread to set");
    let shape: web_sys::HtmlSelectElement = root
        .query_selector("[data-testid=latency-shape] select")
        .unwrap()
        .unwrap()
        .unchecked_into();
    let choose = |v: &str| {
        shape.set_value(v);
        shape
            .dispatch_event(&web_sys::Event::new("change").unwrap())
            .unwrap();
    };
    choose("normal");
    tick().await;
    // A quarter of the 20 ms mean to start with, shown and editable.
    let input: web_sys::HtmlInputElement = sd().expect("the spread's field").unchecked_into();
    assert_eq!(input.value(), "5");
    input.set_value("8");
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick().await;
    assert_eq!(config.with_untracked(|c| c.nodes.latency_sd_ms), 8);
    assert!(
        ReplicaRun::new(&config.get_untracked(), 1).is_ok(),
        "the engine takes it"
    );
    choose("fixed");
    tick().await;
    assert_eq!(config.with_untracked(|c| c.nodes.latency_sd_ms), 0);
    assert!(sd().is_none());
}

#[wasm_bindgen_test]
async fn the_controls_edit_every_part_of_the_config_and_show_the_engines_errors() {
    let config = RwSignal::new(ReplicaConfig::default());
    let errors = RwSignal::new(Vec::<ConfigError>::new());
    let (root, _keep) =
        mount(move || view! { <ReplicaControls config=config errors=errors /> }.into_any());
    tick().await;
    for field in all(&root, ".field") {
        assert!(
            field.query_selector(".help").unwrap().is_some(),
            "{:?}",
            field.outer_html()
        );
    }
    let set = |sel: &str, v: &str| {
        let input: web_sys::HtmlInputElement = root
            .query_selector(sel)
            .unwrap()
            .expect(sel)
            .unchecked_into();
        input.set_value(v);
        input
            .dispatch_event(&web_sys::Event::new("change").unwrap())
            .unwrap();
    };
    set("[data-testid=chunks-per-file] input.num", "12");
    set("[data-testid=slow] input", "2, 4");
    set("[data-testid=failure-rate] input.num", "10");
    tick().await;
    config.with_untracked(|c| {
        assert_eq!(c.workload.chunks_per_file, 12);
        assert_eq!(c.nodes.slow, vec![2, 4]);
        assert!((c.nodes.failure_rate - 0.1).abs() < 1e-9);
    });
    // An outage window added, then edited.
    let add: HtmlElement = root
        .query_selector("[data-testid=node-outages] [data-testid=window-add]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    add.click();
    tick().await;
    set(
        "[data-testid=node-outages] [data-testid=window-row] input",
        "3",
    );
    tick().await;
    assert_eq!(config.with_untracked(|c| c.nodes.outages[0].node), 3);
    // An empty cell is said as such (it read 'there is no node “”'), marked,
    // and the row keeps node 3; node 0 does not exist.
    let said = || {
        text(
            &root,
            "[data-testid=node-outages] [data-testid=field-error]",
        )
    };
    set(
        "[data-testid=node-outages] [data-testid=window-row] input",
        "",
    );
    tick().await;
    assert!(said().contains("type a number"), "{}", said());
    assert!(said().ends_with("it stays at 3."), "{}", said());
    let cell = root
        .query_selector("[data-testid=node-outages] [data-testid=window-row] input")
        .unwrap()
        .unwrap();
    assert_eq!(cell.get_attribute("aria-invalid").as_deref(), Some("true"));
    set(
        "[data-testid=node-outages] [data-testid=window-row] input",
        "0",
    );
    tick().await;
    assert!(said().contains("there is no node “0”"), "{}", said());
    assert_eq!(config.with_untracked(|c| c.nodes.outages[0].node), 3);
    set(
        "[data-testid=node-outages] [data-testid=window-row] input",
        "3",
    );
    tick().await;
    assert_eq!(cell.get_attribute("aria-invalid"), None);
    // A | B: the second client appears and edits `compare`.
    assert!(root
        .query_selector("[data-testid=b-workers]")
        .unwrap()
        .is_none());
    set("[data-testid=compare] input", "");
    let toggle: HtmlElement = root
        .query_selector("[data-testid=compare] input")
        .unwrap()
        .unwrap()
        .unchecked_into();
    toggle.click();
    tick().await;
    assert!(config.with_untracked(|c| c.compare.is_some()));
    set("[data-testid=b-workers] input.num", "9");
    tick().await;
    assert_eq!(
        config.with_untracked(|c| c.compare.as_ref().unwrap().workers),
        9
    );
    assert_eq!(config.with_untracked(|c| c.client.workers), 4);
    // What the page does with a config the engine refuses: its errors, by field.
    let mut bad = ReplicaConfig::default();
    bad.client.retry.max_attempts = 0;
    bad.nodes.count = 0;
    errors.set(ReplicaRun::new(&bad, 1).err().expect("refused"));
    tick().await;
    let shown = text(&root, "[data-testid=config-errors]");
    assert!(shown.contains("client.retry.max_attempts"), "{shown}");
    assert!(shown.contains("nodes.count"), "{shown}");
    assert_eq!(parse_list("3, x"), None);
}

/// The largest number among a chart's y tick labels.
fn top_tick(chart: &Element) -> f64 {
    all(chart, ".chart-grid text")
        .iter()
        .filter_map(|e| e.text_content())
        .filter_map(|s| s.replace([',', ' ', '\u{a0}'], "").parse::<f64>().ok())
        .fold(0.0, f64::max)
}

#[wasm_bindgen_test]
async fn a_rack_down_is_at_risk_before_the_metadata_server_knows_and_the_chart_agrees() {
    let view = preset("rack_down");
    let (root, _keep) = mount(move || {
        view! { <ReplicaStage view=view side=0 /><ReplicaCharts view=view /> }.into_any()
    });
    // The rack went down at 1 s; nobody is declared dead before ~11 s.
    advance_to(view, 3_000);
    tick().await;
    let risk = root
        .query_selector("[data-testid=risk]")
        .unwrap()
        .expect("the risk fact");
    let engine = view
        .run
        .with_value(|r| rv::risk(r.sides[0].model(), SimTime::from_ms(3_000)));
    assert!(engine.at_risk > 0 && engine.known == 0, "{engine:?}");
    assert_eq!(
        risk.get_attribute("data-at-risk"),
        Some(engine.at_risk.to_string())
    );
    assert_eq!(risk.get_attribute("data-known"), Some("0".into()));
    assert!(
        risk.text_content()
            .unwrap_or_default()
            .contains(&format!("{} chunks at risk; it knows of 0", engine.at_risk)),
        "{:?}",
        risk.text_content()
    );
    // The chart is not flat: its axis reaches the stage's count, in nice ticks.
    let chart = root
        .query_selector("[data-testid=chart-under]")
        .unwrap()
        .expect("the chart");
    let top = top_tick(&chart);
    assert!(
        top >= engine.at_risk as f64 && top < engine.at_risk as f64 * 2.5,
        "axis top {top} for {}",
        engine.at_risk
    );
    // Later the metadata server knows: the gap closes.
    advance_to(view, 12_000);
    tick().await;
    let known: u64 = root
        .query_selector("[data-testid=risk]")
        .unwrap()
        .unwrap()
        .get_attribute("data-known")
        .unwrap()
        .parse()
        .unwrap();
    assert!(known > 0);
}

#[wasm_bindgen_test]
async fn throughput_is_drawn_while_the_first_chunks_are_still_on_the_wire() {
    let view = preset("demo");
    let (root, _keep) = mount(move || view! { <ReplicaCharts view=view /> }.into_any());
    advance_to(view, 500);
    tick().await;
    assert_eq!(
        view.run
            .with_value(|r| rv::status_counts(r.sides[0].model())[2]),
        0,
        "no chunk done yet"
    );
    let chart = root
        .query_selector("[data-testid=chart-throughput]")
        .unwrap()
        .expect("the chart");
    // Four workers at 100 MB/s each: the axis fits bytes moving (not 0–1), at most 400 MB/s.
    let top = top_tick(&chart);
    assert!(top > 1.0 && top <= 500.0, "axis top {top}");
}

/// "Known to the metadata server" is never above "at risk" and often equal:
/// it is drawn after it, dotted, so the line under it still shows (it hid
/// the at-risk line wherever the two agreed); A's and B's differ in tone.
#[wasm_bindgen_test]
fn the_known_line_never_hides_the_at_risk_line() {
    use cloud_patterns_playground::charts::{Stroke, Tone};
    use cloud_patterns_playground::labs::replica::charts::{over_time, Which};
    let mut agreed = false;
    for id in ["rack_down", "breaker"] {
        let view = preset(id);
        run_to_end(view);
        let data = view
            .run
            .with_value(|r| over_time(r, Which::UnderReplicated, Lang::En));
        let sides = view.run.with_value(|r| r.sides.len());
        assert_eq!(data.series.len(), 2 * sides, "{id}");
        let mut known_tones = vec![];
        for pair in data.series.chunks(2) {
            let (risk, known) = (&pair[0], &pair[1]);
            assert!(risk.label.ends_with("at risk"), "{}", risk.label);
            assert!(known.label.contains("known"), "{}", known.label);
            assert_eq!(known.stroke, Stroke::Dotted);
            assert_ne!(risk.stroke, Stroke::Dotted);
            assert_eq!(risk.tone, Tone::Fail);
            for (a, b) in risk.points.iter().zip(&known.points) {
                assert!(b.1 <= a.1, "{id}: known {} above at risk {}", b.1, a.1);
                agreed |= a.1 > 0.0 && a.1 == b.1;
            }
            known_tones.push(known.tone);
        }
        known_tones.dedup();
        assert_eq!(known_tones.len(), sides, "{id}: {known_tones:?}");
    }
    assert!(
        agreed,
        "the two lines agree somewhere (where one hid the other)"
    );
}

/// With racks, the matrix groups the node columns by rack under a bracket
/// and its name (node i in rack i mod racks): rack_down's failed rack is one
/// block of down columns, and every chunk's healthy replicas sit in other
/// blocks. Without racks, no brackets and columns in node order.
#[wasm_bindgen_test]
async fn the_matrix_groups_nodes_by_rack() {
    let view = preset("rack_down");
    let (root, _keep) = mount(move || stage(view, 0));
    advance_to(view, 8_000);
    tick().await;
    let svg = root
        .query_selector("svg.replica-svg")
        .unwrap()
        .expect("the matrix");
    let racks = all(&svg, ".replica-rack");
    assert_eq!(racks.len(), 3);
    let span = |r: &Element| {
        let b = r
            .query_selector(".replica-rack-bracket")
            .unwrap()
            .unwrap()
            .get_bounding_client_rect();
        (b.left(), b.right())
    };
    let column = |n: u32| {
        let e = svg
            .query_selector(&format!(
                "g.replica-node[data-node=\"{n}\"] .replica-node-name"
            ))
            .unwrap()
            .unwrap_or_else(|| panic!("node {n}"));
        let b = e.get_bounding_client_rect();
        (b.left() + b.right()) / 2.0
    };
    for (r, rack) in racks.iter().enumerate() {
        let (a, b) = span(rack);
        assert!(rack
            .text_content()
            .unwrap_or_default()
            .contains(&format!("rack {}", r + 1)));
        let members: Vec<u32> = (1..=12).filter(|n| (n - 1) % 3 == r as u32).collect();
        let xs: Vec<f64> = members.iter().map(|&n| column(n)).collect();
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "rack {}: {xs:?}", r + 1);
        assert!(
            xs.iter().all(|&x| a < x && x < b),
            "rack {}: {xs:?} outside {a}–{b}",
            r + 1
        );
    }
    let help = root
        .query_selector("figcaption.help")
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default();
    assert!(
        help.contains("grouped by rack (3 racks, taking turns: rack 1 holds nodes 1, 4, …)"),
        "{help}"
    );
    // Rack 2 (nodes 2, 5, 8, 11) is down: one block of down columns.
    let down: Vec<u32> = all(&svg, "g.replica-node[data-up=\"0\"]")
        .iter()
        .map(|g| g.get_attribute("data-node").unwrap().parse().unwrap())
        .collect();
    assert_eq!(down, vec![2, 5, 8, 11]);
    let (a, b) = span(&racks[1]);
    for n in [1, 3, 4, 6, 7, 9, 10, 12] {
        let x = column(n);
        assert!(x < a || x > b, "node {n} inside the down rack's block");
    }
    drop(_keep);

    let view = preset("demo");
    let (root, _keep) = mount(move || stage(view, 0));
    advance_to(view, 1_000);
    tick().await;
    assert!(all(&root, ".replica-rack").is_empty());
    let nodes = view
        .run
        .with_value(|r| r.sides[0].model().config().nodes.count);
    let xs: Vec<f64> = (1..=nodes)
        .map(|n| {
            let e = root
                .query_selector(&format!(
                    "g.replica-node[data-node=\"{n}\"] .replica-node-name"
                ))
                .unwrap()
                .unwrap();
            e.get_bounding_client_rect().left()
        })
        .collect();
    assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
}

/// A full chart's band labels never run into each other: a flapping node's
/// outages read "node_2 downnode_2 down" on a phone. Crowded ones are left
/// out (the bands stay shaded); with room, every band is named.
#[wasm_bindgen_test]
fn band_labels_never_run_into_each_other() {
    use cloud_patterns_playground::charts::line_chart_svg;
    use cloud_patterns_playground::labs::replica::charts::{over_time, Which};
    let view = preset("breaker");
    run_to_end(view);
    let data = view
        .run
        .with_value(|r| over_time(r, Which::UnderReplicated, Lang::En));
    assert!(data.bands.len() >= 4, "{}", data.bands.len());
    for (width, all_named) in [(170.0, false), (340.0, false), (2_400.0, true)] {
        let div = container();
        div.set_inner_html(&line_chart_svg(&data, width, 200.0, "t", 0.0));
        let labels = all(&div, ".chart-band-label");
        assert!(!labels.is_empty(), "{width}");
        if all_named {
            assert_eq!(labels.len(), data.bands.len(), "{width}");
        }
        let boxes: Vec<(f64, f64)> = labels
            .iter()
            .map(|l| {
                let r = l.get_bounding_client_rect();
                (r.left(), r.right())
            })
            .collect();
        for w in boxes.windows(2) {
            assert!(w[1].0 >= w[0].1, "{width}: {boxes:?}");
        }
        div.remove();
    }
}

/// In half a phone both sides' matrices keep their node numbers: a client
/// that may try five times gave its attempts so much room that A's node
/// columns lost their numbers while B (three tries) kept its own.
#[wasm_bindgen_test]
fn both_matrices_keep_their_node_numbers_in_half_a_phone() {
    let view = preset("variants");
    advance_to(view, 15_100);
    for side in 0..2 {
        for width in [170.0, 180.0, 240.0] {
            let svg = view
                .run
                .with_value(|r| matrix_svg(&r.sides[side], Lang::En, width));
            let numbers = svg.matches("class=\"replica-node-name\"").count();
            assert_eq!(numbers, 6, "side {side} at {width} px");
        }
    }
    // The latest attempts are the ones drawn when a row has more than room.
    let attempts = view
        .run
        .with_value(|r| r.sides[0].model().side().retry.max_attempts);
    assert!(attempts >= 5, "A may try {attempts} times");
}

/// A side that ended while a node was down says which of its chunks are at
/// risk only until that node returns (the breaker preset's B ended at "13 at
/// risk" beside 0 under-replicated, and a student blamed the breaker).
#[wasm_bindgen_test]
async fn at_risk_only_while_a_node_is_down_is_said_so() {
    let view = preset("breaker");
    let (root, _keep) = mount(move || {
        view! { <div>{stage(view, 0)}<div class="b">{stage(view, 1)}</div></div> }.into_any()
    });
    run_to_end(view);
    tick().await;
    let (at_risk, under) = view.run.with_value(|r| {
        let sim = &r.sides[1];
        (
            rv::risk(sim.model(), sim.now()).at_risk,
            sim.model().under_replicated(),
        )
    });
    assert!(
        at_risk > under,
        "B ends with a node down: {at_risk} vs {under}"
    );
    let b = root.query_selector(".b").unwrap().unwrap();
    let said = text(&b, "[data-testid=risk-down]");
    assert!(
        said.contains(&format!(
            "({} of them on a node that is down: their copies come back only if it does)",
            at_risk - under
        )),
        "{said}"
    );
    // A ended with every node up: nothing to qualify.
    let a_down = view.run.with_value(|r| {
        let sim = &r.sides[0];
        rv::risk(sim.model(), sim.now()).at_risk - sim.model().under_replicated()
    });
    assert_eq!(a_down, 0);
    assert_eq!(all(&root, "[data-testid=risk-down]").len(), 1);
}

/// A count's mini-chart ticks in whole numbers: at the first chunks its axis
/// read "0, 0.5, 1" chunks.
#[wasm_bindgen_test]
fn the_mini_chart_of_chunks_ticks_in_whole_numbers() {
    use cloud_patterns_playground::lab_page::verdict::{verdict_svg, Axis};
    use engine::labs::run::LabRun;
    let mut checked = 0;
    for p in presets::all() {
        let view = view_of(&p.config, p.seed);
        for ms in [300u64, 1_000, 2_500, 5_000] {
            advance_to(view, ms);
            let d = view.run.with_value(|r| r.verdict(0));
            assert!(d.whole, "{}", p.id);
            let ax = Axis {
                x_max_ms: view.run.with_value(|r| r.time_domain_ms()),
                y_max: d.peak(),
                now_ms: ms as f64,
                runs_on_ms: None,
            };
            let svg = verdict_svg(Lang::En, &d, ax, 440.0, 100.0);
            let ticks: Vec<&str> = svg
                .split("class=\"verdict-tick\"")
                .skip(1)
                .filter_map(|t| t.split('>').nth(1)?.split('<').next())
                // The y axis' numbers (the time axis' ends say "2.50 s").
                .filter(|t| t.replace(',', "").parse::<f64>().is_ok())
                .collect();
            assert!(!ticks.is_empty(), "{}: {svg}", p.id);
            for t in &ticks {
                assert!(!t.contains('.'), "{} at {ms}: tick {t:?}", p.id);
            }
            checked += usize::from(d.peak() > 0.0 && d.peak() <= 2.0);
        }
    }
    assert!(
        checked > 0,
        "some preset's chart reached only 1 or 2 chunks"
    );
}

/// Winding down, the run stops simulating heartbeats: the panel says so,
/// and a finished side's timeline ends "ended at", not "now" (the breaker
/// preset's B stood at 15.43 s under a clock at 16.43 s, node_2 down with
/// its silence at 0 ms and nothing to say why).
#[wasm_bindgen_test]
async fn the_node_panel_says_when_the_heartbeats_stopped_and_where_a_side_ended() {
    let view = preset("breaker");
    let (root, _keep) = mount(move || stage(view, 1));
    advance_to(view, 5_000);
    tick().await;
    let captions = |root: &Element| {
        all(root, "figcaption")
            .iter()
            .filter_map(|e| e.text_content())
            .collect::<Vec<_>>()
            .join(" | ")
    };
    assert!(captions(&root).contains("The metadata server only hears heartbeats"));
    assert!(!captions(&root).contains("stopped simulating heartbeats"));
    let heads = |root: &Element| {
        all(root, ".replica-nodes-th")
            .iter()
            .filter_map(|e| e.text_content())
            .collect::<Vec<_>>()
    };
    assert!(
        heads(&root).iter().any(|h| h.starts_with("now ")),
        "{:?}",
        heads(&root)
    );
    run_to_end(view);
    tick().await;
    let said = captions(&root);
    assert!(said.contains("stopped simulating heartbeats"), "{said}");
    assert!(
        heads(&root).iter().any(|h| h.starts_with("ended at ")),
        "{:?}",
        heads(&root)
    );
    assert!(
        !heads(&root).iter().any(|h| h.starts_with("now ")),
        "{:?}",
        heads(&root)
    );
}

#[wasm_bindgen_test]
async fn the_node_panel_shows_silence_against_its_thresholds_and_the_timeline_up_to_now() {
    let view = preset("demo");
    let (root, _keep) = mount(move || stage(view, 0));
    advance_to(view, 5_000);
    tick().await;
    let panel = root
        .query_selector("[data-testid=nodes]")
        .unwrap()
        .expect("the node panel (SVG)");
    let rows = all(&panel, ".replica-nrow");
    assert_eq!(rows.len(), 6, "a row per node");
    // Both thresholds labelled, with their times.
    let heads: Vec<String> = all(&panel, ".replica-nodes-th")
        .iter()
        .filter_map(|e| e.text_content())
        .collect();
    assert!(heads.iter().any(|h| h == "suspect 3 s"), "{heads:?}");
    assert!(heads.iter().any(|h| h == "dead 10 s"), "{heads:?}");
    // node_2 is down since 300 ms: its silence is past suspect, and its timeline has
    // a down span and a suspect span, none past now.
    let n2 = &rows[1];
    let silence: f64 = n2.get_attribute("data-silence").unwrap().parse().unwrap();
    assert!(silence > 3_000.0, "{silence}");
    assert!(all(n2, "[data-span=down]").len() == 1);
    assert!(all(n2, "[data-span=suspect]").len() == 1);
    assert!(all(n2, "[data-span=dead]").is_empty());
    assert!(
        all(&rows[0], "[data-span]").is_empty(),
        "node_1 never went down"
    );
    let bg = n2.query_selector(".replica-tl-bg").unwrap().unwrap();
    let end = |e: &Element, a: &str| e.get_attribute(a).unwrap().parse::<f64>().unwrap();
    let right = end(&bg, "x") + end(&bg, "width");
    for span in all(n2, "[data-span]") {
        assert!(end(&span, "x") + end(&span, "width") <= right + 0.6);
    }
    advance_to(view, 15_000);
    tick().await;
    let rows = all(&root, "[data-testid=nodes] .replica-nrow");
    assert_eq!(
        all(&rows[1], "[data-span=dead]").len(),
        1,
        "declared dead by 15 s"
    );
}

#[wasm_bindgen_test]
async fn a_large_cluster_draws_its_node_panel_on_a_canvas() {
    let view = view_of(&bench_config(2_000, 50), 1);
    let (root, _keep) = mount(move || stage(view, 0));
    advance_to(view, 70_000);
    tick().await;
    assert!(root
        .query_selector("[data-testid=nodes-canvas]")
        .unwrap()
        .is_some());
    assert!(
        all(&root, ".replica-nrow").is_empty(),
        "no SVG rows above 16 nodes"
    );
}

#[wasm_bindgen_test]
async fn a_setup_where_nothing_can_fail_says_so_at_once() {
    let quiet = view_of(&ReplicaConfig::default(), 1);
    let (root, _keep) = mount(move || stage(quiet, 0));
    tick().await;
    let hint = text(&root, "[data-testid=no-faults]");
    assert!(hint.contains("Nothing fails in this setup"), "{hint:?}");
    let demo = preset("demo");
    let (root, _keep2) = mount(move || stage(demo, 0));
    tick().await;
    assert!(root
        .query_selector("[data-testid=no-faults]")
        .unwrap()
        .is_none());
}

/// In half a phone the node panel shows the names, the gauges and the
/// silences, and the timelines under them, all within the card: nothing
/// scrolls (the timelines lay past the card's edge, their "now" out of
/// sight). The thresholds' labels stay inside the gauge column and apart:
/// "dead 10 s" used to start at its line and be cut to "de" at the card's
/// edge. The heads never run past the drawing.
#[wasm_bindgen_test]
async fn the_threshold_labels_fit_the_gauges_in_half_a_phone() {
    let view = preset("demo");
    advance_to(view, 12_000);
    for width in [170.0, 240.0, 366.0, 700.0] {
        let root = container();
        let svg = view
            .run
            .with_value(|r| nodes_svg(&r.sides[0], Lang::Es, width));
        root.set_inner_html(&svg);
        // With the page's text sizes.
        common::style_in(&root, include_str!("../style/lab-replica.css"));
        let th = all(&root, ".th-suspect, .th-dead");
        assert_eq!(th.len(), 2, "{width}");
        let (suspect, dead) = (
            th[0].get_bounding_client_rect(),
            th[1].get_bounding_client_rect(),
        );
        let left = root.get_bounding_client_rect().left();
        let c = NodeCols::fit(width, width);
        assert!(
            suspect.right() <= dead.left() + 0.5,
            "{width}: the labels overlap"
        );
        if width < 300.0 {
            // Both inside the gauge column, the only part shown without scrolling.
            assert!(
                dead.right() - left <= c.gauge_x + c.gauge_w + 4.0,
                "{width}: {}",
                dead.right() - left
            );
            assert_eq!(th[1].text_content().unwrap_or_default(), "10 s");
            // The drawing is the card's width; the timelines, under the
            // gauges' rows, end inside it, and so does the clock's label.
            let svg_w: f64 = all(&root, "svg")[0]
                .get_attribute("width")
                .unwrap()
                .parse()
                .unwrap();
            assert!(svg_w <= width, "{width}: drawn {svg_w} wide");
            let lowest_gauge = all(&root, ".replica-timer-bg")
                .iter()
                .map(|g| g.get_bounding_client_rect().bottom())
                .fold(0.0, f64::max);
            let lines = all(&root, ".replica-tl-bg");
            assert_eq!(lines.len(), 6, "{width}: a timeline per node");
            for l in &lines {
                let r = l.get_bounding_client_rect();
                assert!(
                    r.right() - left <= width,
                    "{width}: a timeline to {}",
                    r.right() - left
                );
                assert!(
                    r.top() >= lowest_gauge,
                    "{width}: the timelines are under the gauges"
                );
            }
            let names = all(&root, ".replica-nrow-name");
            assert_eq!(names.len(), 12, "{width}: each timeline named again");
            let now = all(&root, ".replica-nodes-th");
            let clock = now.last().unwrap().get_bounding_client_rect();
            assert!(
                clock.right() - left <= width + 0.5,
                "{width}: the clock's label at {}",
                clock.right() - left
            );
            assert!(clock.left() - left >= 0.0);
            // The timelines' axis is under them (above, it read as the gauges' scale).
            let lowest_line = lines
                .iter()
                .map(|l| l.get_bounding_client_rect().bottom())
                .fold(0.0, f64::max);
            assert!(
                clock.top() >= lowest_line - 0.5,
                "{width}: the clock's label under the timelines"
            );
            let heads = all(&root, ".replica-nodes-head");
            let axis = heads.last().unwrap().get_bounding_client_rect();
            assert!(
                axis.top() >= lowest_line - 0.5,
                "{width}: '0 → now' under the timelines"
            );
            assert!(
                axis.bottom() <= clock.top() + 0.5,
                "{width}: '0 → now' and the clock apart"
            );
            // Every node's silence is in view too.
            let values = all(&root, ".replica-nrow-value");
            assert!(!values.is_empty());
            for v in values {
                let r = v.get_bounding_client_rect();
                assert!(
                    r.right() - left <= width,
                    "{width}: a silence at {}",
                    r.right() - left
                );
            }
        } else {
            assert!(th[1]
                .text_content()
                .unwrap_or_default()
                .starts_with("muerto"));
        }
        let drawn: f64 = all(&root, "svg")[0]
            .get_attribute("width")
            .unwrap()
            .parse()
            .unwrap();
        for head in all(&root, ".replica-nodes-head, .replica-nodes-th") {
            let r = head.get_bounding_client_rect();
            assert!(
                r.right() - left <= drawn + 0.5,
                "{width}: {:?} runs to {}",
                head.text_content(),
                r.right() - left
            );
        }
        root.remove();
    }
}

/// A slow ("grey") node answers, so its silence gauge looks the healthiest:
/// the panel says "slow" beside its name, and only there.
#[wasm_bindgen_test]
async fn the_node_panel_marks_the_slow_node() {
    let view = preset("slow_node");
    advance_to(view, 5_000);
    let root = container();
    let svg = view
        .run
        .with_value(|r| nodes_svg(&r.sides[0], Lang::En, 700.0));
    root.set_inner_html(&svg);
    let marks = all(&root, ".replica-node-slow");
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].text_content().unwrap_or_default(), "slow");
    let row = marks[0].parent_element().unwrap();
    assert_eq!(row.get_attribute("data-node").as_deref(), Some("3"));
    // Under its name, never over it (with the page's sizes: a bold name
    // ran into a tag beside it).
    common::style_in(&root, include_str!("../style/lab-replica.css"));
    let name = all(&row, ".replica-nrow-name")[0].get_bounding_client_rect();
    let tag = marks[0].get_bounding_client_rect();
    assert!(
        name.bottom() <= tag.top() + 3.0 || name.right() <= tag.left(),
        "name {name:?} tag {tag:?}"
    );
    assert!(
        tag.right() <= root.get_bounding_client_rect().left() + 72.0,
        "inside the names' column"
    );
    let px: f64 = web_sys::window()
        .unwrap()
        .get_computed_style(&marks[0])
        .unwrap()
        .unwrap()
        .get_property_value("font-size")
        .unwrap()
        .trim_end_matches("px")
        .parse()
        .unwrap();
    assert!(px >= 10.0, "readable on a phone: {px} px");
    root.remove();
}

/// In half a phone (a 185 px column, A | B on 390 px) the node panel's heading
/// is a heading, not a paragraph in capitals: two lines at most, with what
/// it shows in plain case under it.
#[wasm_bindgen_test]
async fn the_node_panels_heading_stays_short_in_half_a_phone() {
    let view = preset("slow_node");
    let (root, _keep) = mount(move || {
        cloud_patterns_playground::i18n::I18n::provide(Lang::Es);
        stage(view, 0)
    });
    root.style().set_property("width", "185px").unwrap();
    common::style_in(&root, include_str!("../style/main.css"));
    common::style_in(&root, include_str!("../style/lab-replica.css"));
    advance_to(view, 5_000);
    tick().await;
    let panel = root
        .query_selector("[data-testid=node-panel]")
        .unwrap()
        .expect("the node panel");
    let h = panel.query_selector("h3").unwrap().unwrap();
    let line: f64 = 13.0 * 1.6;
    let height = h.get_bounding_client_rect().height();
    assert!(
        height <= 2.0 * line,
        "heading {height} px high: {:?} in {} px",
        h.text_content(),
        h.get_bounding_client_rect().width()
    );
    assert!(
        !text(&panel, ".replica-nodes-sub").is_empty(),
        "what it shows"
    );
    root.remove();
}

/// One attempt is "1 attempt" (the "before" preset's card read "1 attempts").
#[wasm_bindgen_test]
fn the_side_summary_counts_in_the_singular_too() {
    use cloud_patterns_playground::labs::replica::side_summary;
    let p = presets::all()
        .into_iter()
        .find(|p| p.id == "before")
        .unwrap();
    let run = ReplicaRun::new(&p.config, p.seed).unwrap();
    let text = side_summary(&run, 0, Lang::En);
    assert!(text.contains(" · 1 attempt · "), "{text}");
    let p = presets::all().into_iter().find(|p| p.id == "demo").unwrap();
    let run = ReplicaRun::new(&p.config, p.seed).unwrap();
    assert!(side_summary(&run, 0, Lang::Es).contains(" · 3 intentos · "));
}

/// The card names the direction first: a failed upload leaves its chunk's
/// row empty (no replica was ever written), a failed download does not, and
/// a student reading slow_node's empty rows must know which one it is.
#[wasm_bindgen_test]
fn the_side_summary_says_upload_or_download() {
    use cloud_patterns_playground::labs::replica::side_summary;
    for (id, en, pt) in [
        ("slow_node", "Upload · ", "Upload · "),
        ("all_corrupt", "Download · ", "Download · "),
    ] {
        let p = presets::all().into_iter().find(|p| p.id == id).unwrap();
        let run = ReplicaRun::new(&p.config, p.seed).unwrap();
        for side in 0..run.sides.len() {
            let text = side_summary(&run, side, Lang::En);
            assert!(text.starts_with(en), "{id} {side}: {text}");
            assert!(
                side_summary(&run, side, Lang::Pt).starts_with(pt),
                "{id} {side}"
            );
        }
        assert!(
            side_summary(&run, 0, Lang::Es).starts_with(if en == "Upload · " {
                "Subida · "
            } else {
                "Descarga · "
            })
        );
    }
}

/// The slow node is named over its matrix column too (nothing told which
/// column was the "grey" node but the guide's text), and no other column.
#[wasm_bindgen_test]
async fn the_matrix_marks_the_slow_nodes_column() {
    let view = preset("slow_node");
    let (root, _keep) = mount(move || stage(view, 0));
    advance_to(view, 3_000);
    tick().await;
    let marks = all(&root, "g.replica-node .replica-node-slow");
    assert_eq!(marks.len(), 1);
    let column = marks[0].parent_element().unwrap();
    assert_eq!(column.get_attribute("data-node").as_deref(), Some("3"));
    assert_eq!(marks[0].text_content().unwrap_or_default(), "slow");
}

/// A side that finished first says when its files were done beside where its
/// run ended (it keeps running after them, for repair): variants' B read
/// "ended at 1 min 28 s" beside "Transfer time 55 s".
#[wasm_bindgen_test]
fn the_ended_label_says_when_the_files_were_done() {
    use cloud_patterns_playground::lab_page::verdict::{verdict_svg, Axis};
    use engine::labs::run::LabRun;
    let view = preset("variants");
    run_to_end(view);
    let (d, end_b, end_a, done) = view.run.with_value(|r| {
        let m = r.sides[1].model();
        (
            r.verdict(1),
            r.side_end_ms(1),
            r.side_end_ms(0),
            m.stats.last_done.unwrap().as_micros() as f64 / 1000.0,
        )
    });
    assert!(done < end_b && end_b < end_a, "{done} {end_b} {end_a}");
    let note = d
        .end_note
        .expect("B's files were done before its run ended");
    assert_eq!(note.done_ms, done);
    let ax = Axis {
        x_max_ms: end_a,
        y_max: d.peak(),
        now_ms: end_a,
        runs_on_ms: Some(end_b),
    };
    let said = |w: f64| {
        let svg = verdict_svg(Lang::En, &d, ax, w, 100.0);
        let at = svg
            .find("data-testid=\"verdict-ended\"")
            .expect("the label");
        let text = &svg[at..];
        text[text.find('>').unwrap() + 1..text.find("</text>").unwrap()].to_string()
    };
    let done_text = cloud_patterns_playground::charts::fmt_ms(Lang::En, done);
    let end_text = cloud_patterns_playground::charts::fmt_ms(Lang::En, end_b);
    assert_eq!(
        said(440.0),
        format!("files done at {done_text}; ended at {end_text}")
    );
    // Where the whole text has no room, the files' time is what stays.
    assert_eq!(said(150.0), format!("files done {done_text}"));
}

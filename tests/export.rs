//! Component tests of the export menu and the seed sweep, in a real browser:
//! the CSV has a row per metric and parses, the JSON is the CLI's report, a
//! chart's SVG carries no CSS variable and has its title, the PNG is made,
//! the trace has one line per call (or the CLI command past the cap), and
//! 100 seeds of the tenacity demo put its theoretical give-up rate (12.5 %)
//! inside the 95 % interval, spread over frames that never exceed the cap.
//!
//! wasm32 only: `cargo test --target wasm32-unknown-unknown -p
//! cloud-patterns-playground --test export` (`CHROMEDRIVER=/usr/bin/chromedriver`).
#![cfg(target_arch = "wasm32")]

use cloud_patterns_playground::charts::{LineChart, LineChartData};
use cloud_patterns_playground::export::{
    find_charts, last_download, metrics_csv, standalone_svg, trace_command, ExportMenu,
};
use cloud_patterns_playground::seeds::SeedSweep;
use engine::labs::retry::{presets, RetryRun};
use engine::labs::run::{LabRun, MetricRow};
use engine::labs::LabConfig;
use engine::Lang;
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

mod common;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// A fresh container in the page.
fn container() -> HtmlElement {
    let div = document().create_element("div").expect("create div");
    document()
        .body()
        .expect("body")
        .append_child(&div)
        .expect("append");
    div.unchecked_into()
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).expect("valid selector")
}

fn click(root: &Element, selector: &str) {
    find(root, selector)
        .unwrap_or_else(|| panic!("{selector} is on the page"))
        .unchecked_into::<HtmlElement>()
        .click();
}

use common::sleep;

/// Waits (up to ~20 s) until `ready` holds.
async fn until(what: &str, ready: impl Fn() -> bool) {
    for _ in 0..400 {
        if ready() {
            return;
        }
        sleep(50).await;
    }
    panic!("timed out waiting for {what}");
}

/// The app's stylesheets, so colours come from CSS variables as on the page.
fn load_app_styles() {
    common::style_once(
        "app-styles",
        concat!(
            include_str!("../style/main.css"),
            "\n",
            include_str!("../style/components.css")
        ),
    );
}

/// A finished run of a preset and its seed.
fn finished(id: &str) -> (RetryRun, u64, LabConfig) {
    let p = presets::find(id).unwrap();
    let mut run = RetryRun::new(&p.config, p.seed).unwrap();
    run.run_to_end(u64::MAX);
    (run, p.seed, LabConfig::Retry(p.config))
}

fn rows_of(run: &RetryRun) -> Vec<Vec<MetricRow>> {
    (0..LabRun::side_count(run))
        .map(|s| run.metric_rows(s))
        .collect()
}

/// Splits one CSV line (quotes honoured).
fn csv_cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(String::new()),
            (c, _) => cells.last_mut().unwrap().push(c),
        }
    }
    assert!(!quoted, "unbalanced quotes: {line}");
    cells
}

/// Mounts an export menu for a finished preset run; returns its root.
fn mount_menu(id: &str, charts: &str, trace_cap: u64) -> (HtmlElement, Rc<RetryRun>, u64) {
    let (run, seed, config) = finished(id);
    let run = Rc::new(run);
    let root = container();
    let (r1, r2) = (run.clone(), run.clone());
    let charts = charts.to_string();
    let link = format!("http://127.0.0.1:8080/#/en/retry/test-{id}");
    let mounted = mount_to(root.clone(), move || {
        let (r1, r2, config) = (r1.clone(), r2.clone(), config.clone());
        view! {
            <ExportMenu
                slug="retry"
                link=Signal::stored(link.clone())
                report=move || serde_json::to_string_pretty(&r1.report(seed)).unwrap()
                rows=move || rows_of(&r2)
                charts=charts.clone()
                trace=move || config.trace_export(seed).ok()
                trace_cap=trace_cap
                trace_events_per_frame=500
            />
        }
    });
    std::mem::forget(mounted);
    (root, run, seed)
}

// ------------------------------------------------------------------ metrics

#[wasm_bindgen_test]
async fn csv_has_a_row_per_metric_and_parses() {
    let (run, _, _) = finished("storm_breaker");
    let rows = rows_of(&run);
    let csv = metrics_csv(Lang::En, &rows);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "key,label,A,B");
    assert_eq!(lines.len(), rows[0].len() + 1, "a row per metric");
    for (line, row) in lines[1..].iter().zip(&rows[0]) {
        let cells = csv_cells(line);
        assert_eq!(cells.len(), 4, "{line}");
        assert_eq!(cells[0], row.key);
        assert!(!cells[1].is_empty(), "a label: {line}");
        for (cell, side) in cells[2..].iter().zip(&rows) {
            let twin = side
                .iter()
                .find(|r| r.key == row.key && r.label_args == row.label_args);
            match twin.and_then(|r| r.value.as_f64()) {
                Some(v) => assert_eq!(cell.parse::<f64>().expect("a plain number"), v, "{line}"),
                None => assert!(cell.is_empty(), "{line}"),
            }
        }
    }
    let success = lines
        .iter()
        .find(|l| l.starts_with("success_rate,"))
        .unwrap();
    let a: f64 = csv_cells(success)[2].parse().unwrap();
    assert!((0.0..=1.0).contains(&a), "a rate is a share: {success}");

    // The button offers the same text.
    let (root, _, _) = mount_menu("storm_breaker", "nothing-here", 1_000);
    tick().await;
    click(&root, "[data-testid=export-csv]");
    let d = last_download().expect("a download");
    assert_eq!(d.name, "retry-metrics.csv");
    assert!(d.mime.starts_with("text/csv"));
    assert_eq!(d.text.as_deref(), Some(csv.as_str()));
    tick().await;
    assert!(find(&root, "[data-testid=export-status]")
        .unwrap()
        .text_content()
        .unwrap()
        .contains("retry-metrics.csv"));
}

#[wasm_bindgen_test]
async fn json_is_the_clis_report() {
    let (root, run, seed) = mount_menu("herd", "nothing-here", 1_000);
    tick().await;
    click(&root, "[data-testid=export-json]");
    let d = last_download().expect("a download");
    assert_eq!(d.name, "retry-metrics.json");
    let v: serde_json::Value = serde_json::from_str(d.text.as_deref().unwrap()).expect("JSON");
    assert_eq!(v, serde_json::to_value(run.report(seed)).unwrap());
    assert!(v["b"]["metrics"]["calls"].as_u64().unwrap() > 0);
}

// ------------------------------------------------------------------ charts

/// A real line chart of the app, marked for export, inside `#id`.
fn mount_chart(id: &str) -> HtmlElement {
    load_app_styles();
    let root = container();
    root.set_id(id);
    let data = LineChartData {
        title: "Calls per second".into(),
        summary: "Calls rise to 40 per second during the outage.".into(),
        ..sample_chart_data()
    };
    let mounted = mount_to(
        root.clone(),
        move || view! { <LineChart data=Signal::stored(data.clone()) /> },
    );
    std::mem::forget(mounted);
    root
}

fn sample_chart_data() -> LineChartData {
    use cloud_patterns_playground::charts::{Band, LineSeries, Stroke, Tone, Unit};
    LineChartData {
        x_max: 10_000.0,
        x_unit: Unit::Millis,
        y_unit: Unit::Number,
        series: vec![
            LineSeries {
                label: "calls".into(),
                tone: Tone::Info,
                stroke: Stroke::Dashed,
                area: false,
                points: (0..10)
                    .map(|i| (i as f64 * 1000.0, (i * 4) as f64))
                    .collect(),
            },
            LineSeries {
                label: "succeeded".into(),
                tone: Tone::Ok,
                stroke: Stroke::Solid,
                area: true,
                points: (0..10)
                    .map(|i| (i as f64 * 1000.0, (10 - i) as f64))
                    .collect(),
            },
        ],
        bands: vec![Band {
            from: 3000.0,
            to: 5000.0,
            label: "outage".into(),
        }],
        ..Default::default()
    }
}

#[wasm_bindgen_test]
async fn svg_export_inlines_colours_and_carries_the_text_alternative() {
    let root = mount_chart("export-charts-svg");
    tick().await;
    let svg = find(&root, "svg.chart-svg").expect("the chart is drawn");
    svg.set_attribute("data-export", "load").unwrap();
    assert_eq!(find_charts("export-charts-svg").len(), 1);
    assert_eq!(
        find_charts("export-charts-svg")[0].title,
        "Calls per second"
    );
    let text = standalone_svg(&svg).unwrap();
    assert!(!text.contains("var(--"), "a CSS variable is left: {text}");
    assert!(text.contains("<title>Calls per second</title>"), "{text}");
    assert!(
        text.contains("<desc>Calls rise to 40 per second during the outage.</desc>"),
        "{text}"
    );
    assert!(text.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(!text.contains("class="), "classes do not travel: {text}");
    // The Okabe-Ito blue of `--c-info` (#0072B2), resolved, on the calls line.
    assert!(text.contains("rgb(0, 114, 178)"), "{text}");
    // The page is untouched.
    assert!(svg.has_attribute("class") && svg.query_selector("title").unwrap().is_none());
    // It parses as XML.
    let parsed = web_sys::DomParser::new()
        .unwrap()
        .parse_from_string(&text, web_sys::SupportedType::ImageSvgXml)
        .unwrap();
    assert!(
        parsed.get_elements_by_tag_name("parsererror").length() == 0,
        "{text}"
    );
}

#[wasm_bindgen_test]
async fn the_menu_lists_marked_charts_and_makes_svg_and_png() {
    let charts = mount_chart("export-charts-menu");
    tick().await;
    // Every chart names itself for export after its title.
    let name = find(&charts, "svg.chart-svg")
        .unwrap()
        .get_attribute("data-export")
        .expect("charts carry data-export");
    assert!(
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
        "{name}"
    );
    let (root, _, _) = mount_menu("tenacity", "export-charts-menu", 1_000);
    tick().await;
    let details = find(&root, "[data-testid=export-menu]").unwrap();
    details.set_attribute("open", "").unwrap();
    let svg_button = format!("[data-testid=export-svg-{name}]");
    until("the chart list", || find(&root, &svg_button).is_some()).await;
    click(&root, &svg_button);
    let svg_file = format!("retry-{name}.svg");
    until("the SVG", || {
        last_download().is_some_and(|d| d.name == svg_file)
    })
    .await;
    let d = last_download().unwrap();
    assert!(d.mime.starts_with("image/svg+xml"));
    assert!(!d.text.unwrap().contains("var(--"));
    click(&root, &format!("[data-testid=export-png-{name}]"));
    let png_file = format!("retry-{name}.png");
    until("the PNG", || {
        last_download().is_some_and(|d| d.name == png_file)
    })
    .await;
    let d = last_download().unwrap();
    assert_eq!(d.mime, "image/png");
    assert!(d.size > 1_000.0, "a PNG at 2×: {} bytes", d.size);
}

// ------------------------------------------------------------------ trace

#[wasm_bindgen_test]
async fn trace_has_a_line_per_call() {
    let (root, run, _) = mount_menu("herd", "nothing-here", 1_000_000);
    tick().await;
    click(&root, "[data-testid=export-trace]");
    until("the trace", || {
        last_download().is_some_and(|d| d.name == "retry-trace.jsonl")
    })
    .await;
    let d = last_download().unwrap();
    let text = d.text.expect("small enough to keep");
    let calls: u64 = [run.metric_rows(0), run.metric_rows(1)]
        .iter()
        .map(|rows| {
            rows.iter()
                .find(|r| r.key == "calls")
                .unwrap()
                .value
                .as_f64()
                .unwrap() as u64
        })
        .sum();
    assert_eq!(text.lines().count() as u64, calls);
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        assert!(
            v["request"].is_u64() && v["attempt"].is_u64() && v["wait_before_ms"].is_f64(),
            "{line}"
        );
    }
    let status = find(&root, "[data-testid=export-trace-status]")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(status.contains("written"), "{status}");
    assert!(find(&root, "[data-testid=export-trace-command]").is_none());
}

#[wasm_bindgen_test]
async fn past_the_cap_the_trace_gives_the_cli_command() {
    let before = last_download();
    let (root, _, _) = mount_menu("storm_jitter", "nothing-here", 100);
    tick().await;
    click(&root, "[data-testid=export-trace]");
    until("the command", || {
        find(&root, "[data-testid=export-trace-command]").is_some()
    })
    .await;
    let command = find(&root, "[data-testid=export-trace-command]")
        .unwrap()
        .text_content()
        .unwrap();
    assert_eq!(
        command,
        trace_command("http://127.0.0.1:8080/#/en/retry/test-storm_jitter")
    );
    assert_eq!(
        command,
        "playground run 'http://127.0.0.1:8080/#/en/retry/test-storm_jitter' --trace trace.jsonl"
    );
    assert_eq!(
        last_download(),
        before,
        "nothing is downloaded past the cap"
    );
}

#[wasm_bindgen_test]
async fn a_new_link_drops_a_trace_being_written() {
    let (_, seed, config) = finished("storm_jitter");
    let before = last_download();
    let link = RwSignal::new("first".to_string());
    let root = container();
    let mounted = mount_to(root.clone(), move || {
        let config = config.clone();
        view! {
            <ExportMenu
                slug="retry"
                link=link
                report=|| String::new()
                rows=Vec::new
                charts="nothing-here"
                trace=move || config.trace_export(seed).ok()
                trace_events_per_frame=200
            />
        }
    });
    std::mem::forget(mounted);
    tick().await;
    click(&root, "[data-testid=export-trace]");
    until("writing", || {
        find(&root, "[data-testid=export-trace-status]")
            .and_then(|s| s.text_content())
            .is_some_and(|t| t.starts_with("Writing the trace"))
    })
    .await;
    link.set("second".into());
    tick().await;
    sleep(300).await;
    let status = find(&root, "[data-testid=export-trace-status]")
        .unwrap()
        .text_content()
        .unwrap();
    assert_eq!(status, "", "the old run's trace is dropped");
    assert_eq!(last_download(), before, "and never downloaded");
    assert!(!find(&root, "[data-testid=export-trace]")
        .unwrap()
        .has_attribute("disabled"));
}

// ------------------------------------------------------------------ seeds

/// Mounts a sweep of preset `id` with a per-frame cap; returns the root, the
/// events each frame ran, and the link signal.
fn mount_sweep(
    id: &str,
    seeds: u64,
    cap: u64,
) -> (HtmlElement, Rc<RefCell<Vec<u64>>>, RwSignal<String>) {
    let config = presets::find(id).unwrap().config;
    let frames = Rc::new(RefCell::new(Vec::new()));
    let link = RwSignal::new(format!("link-{id}"));
    let root = container();
    let seen = frames.clone();
    let mounted = mount_to(root.clone(), move || {
        let (config, seen) = (config.clone(), seen.clone());
        view! {
            <SeedSweep
                make=move |seed| RetryRun::new(&config, seed).unwrap()
                link=link
                seeds=seeds
                events_per_frame=cap
                on_frame=move |used: u64| seen.borrow_mut().push(used)
            />
        }
    });
    std::mem::forget(mounted);
    (root, frames, link)
}

fn cell_number(root: &Element, key: &str, side: &str, attr: &str) -> f64 {
    find(root, &format!("tr[data-key={key}] td[data-side={side}]"))
        .unwrap_or_else(|| panic!("a {key} cell for side {side}"))
        .get_attribute(attr)
        .unwrap_or_else(|| panic!("{attr} on {key}"))
        .parse()
        .unwrap()
}

#[wasm_bindgen_test]
async fn hundred_seeds_of_the_tenacity_demo_agree_with_theory() {
    let (root, frames, _) = mount_sweep("tenacity", 100, 40);
    tick().await;
    click(&root, "[data-testid=seed-sweep-run]");
    until("100 seeds", || {
        find(&root, "[data-testid=seed-sweep-status]")
            .and_then(|s| s.text_content())
            .is_some_and(|t| t == "100 of 100 seeds")
    })
    .await;
    let frames = frames.borrow().clone();
    assert!(frames.len() > 5, "spread over frames: {frames:?}");
    assert!(
        frames.iter().all(|&n| n <= 40),
        "a frame ran more than the cap: {frames:?}"
    );
    assert!(frames.iter().sum::<u64>() > 100);
    // Give-up rate = 1 − success rate; theory: 0.5³ = 12.5 %.
    let low = cell_number(&root, "success_rate", "a", "data-low");
    let high = cell_number(&root, "success_rate", "a", "data-high");
    let mean = cell_number(&root, "success_rate", "a", "data-mean");
    assert_eq!(cell_number(&root, "success_rate", "a", "data-n"), 100.0);
    let (give_up_low, give_up_high) = (1.0 - high, 1.0 - low);
    assert!(
        give_up_low <= 0.125 && 0.125 <= give_up_high,
        "give-up rate {:.3} ({give_up_low:.3} – {give_up_high:.3}) misses 12.5 %",
        1.0 - mean
    );
    // The default rows, and the text a reader sees.
    for key in ["success_rate", "load_amplification", "p95_ms"] {
        assert!(
            find(&root, &format!("tr[data-key={key}]")).is_some(),
            "{key} shown"
        );
    }
    let text = find(&root, "tr[data-key=success_rate] td[data-side=a]")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(text.contains('%') && text.contains('–'), "{text}");
    assert!(find(&root, "td[data-side=b]").is_none(), "one side");
    // Another metric can be picked.
    assert!(find(&root, "tr[data-key=mean_attempts]").is_none());
    click(&root, "[data-testid=seed-sweep-pick-mean_attempts]");
    tick().await;
    assert!(find(&root, "tr[data-key=mean_attempts]").is_some());
}

#[wasm_bindgen_test]
async fn a_sweep_can_be_cancelled_and_a_new_link_clears_it() {
    let (root, frames, link) = mount_sweep("storm_budget", 50, 2_000);
    tick().await;
    click(&root, "[data-testid=seed-sweep-run]");
    until("a few frames", || frames.borrow().len() >= 3).await;
    click(&root, "[data-testid=seed-sweep-cancel]");
    tick().await;
    let ran = frames.borrow().len();
    sleep(300).await;
    assert_eq!(frames.borrow().len(), ran, "no frame runs after Cancel");
    assert!(frames.borrow().iter().all(|&n| n <= 2_000));
    let status = find(&root, "[data-testid=seed-sweep-status]")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(status.starts_with("Cancelled after"), "{status}");
    assert!(find(&root, "[data-testid=seed-sweep-cancel]").is_none());
    // A compare run has both sides.
    let (root2, _, link2) = mount_sweep("herd", 3, 20_000);
    tick().await;
    click(&root2, "[data-testid=seed-sweep-run]");
    until("3 seeds", || {
        find(&root2, "td[data-side=b]").is_some()
            && find(&root2, "[data-testid=seed-sweep-cancel]").is_none()
    })
    .await;
    assert!(find(&root2, "tr[data-key=p95_ms] td[data-side=b]").is_some());
    // Results belong to their link.
    assert!(find(&root2, "[data-testid=seed-sweep-table]").is_some());
    link2.set("another".into());
    tick().await;
    assert!(find(&root2, "[data-testid=seed-sweep-table]").is_none());
    assert!(find(&root2, "[data-testid=seed-sweep-progress]").is_none());
    link.set("another".into());
}

/// Each lab's export says what its trace lines hold: the newer labs write
/// their own events (steps, lost messages, commands, reads, failed requests)
/// in the attempt fields, and the retry lab's "one line per attempt" was
/// shown on every page.
#[wasm_bindgen_test]
async fn each_lab_says_what_its_trace_holds() {
    use engine::labs::LabId;
    let mut texts = std::collections::BTreeSet::new();
    for lab in LabId::ALL {
        let (_, seed, config) = finished("tenacity");
        let root = container();
        let mounted = mount_to(root.clone(), move || {
            let config = config.clone();
            view! {
                <ExportMenu
                    slug=lab.slug()
                    link=Signal::stored(String::new())
                    report=move || String::new()
                    rows=move || vec![]
                    charts="none"
                    trace=move || config.trace_export(seed).ok()
                />
            }
        });
        tick().await;
        let help = find(&root, "[data-testid=export-trace-help]")
            .expect("the trace's note")
            .text_content()
            .unwrap_or_default();
        let want = engine::i18n::t(Lang::En, lab.trace_help_key());
        assert_eq!(help, want, "{}", lab.slug());
        assert!(help.starts_with("One line per"), "{}: {help}", lab.slug());
        texts.insert(help);
        drop(mounted);
    }
    assert_eq!(
        texts.len(),
        LabId::ALL.len(),
        "a text of its own for each lab"
    );
}

//! Export for slides and reports, for any lab: the metrics as CSV and as the
//! CLI's JSON, each chart as a standalone SVG (colours inlined, so it renders
//! outside the page) and as a PNG at twice its size, and the run's trace as
//! JSON lines.
//!
//! The menu never looks inside a lab. It is handed the report and the metric
//! rows ([`engine::labs::run::LabRun`]'s plain data), finds the charts in the
//! page by an attribute (`svg[data-export="name"]` inside a container), and
//! for the trace re-runs the config into the engine's streaming writer
//! ([`engine::labs::trace_lines`]) a capped number of events per animation
//! frame, up to [`TRACE_LINE_CAP`] lines — beyond which it gives the exact
//! `playground run … --trace` command instead, which writes the same layout.
//!
//! A chart's SVG carries its text alternative as `<title>` and `<desc>`:
//! `data-export-title` / `data-export-desc` on the `<svg>` if set, else the
//! `.chart-title` and `.chart-summary` of the `<figure>` around it.

use crate::i18n::use_i18n;
use engine::i18n::{t, tf, Lang};
use engine::labs::run::MetricRow;
use engine::labs::trace_lines::{TraceExport, TraceWriter};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::fmt::Display;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, Element};

/// Trace lines the page writes at most; beyond, it gives the CLI command.
pub const TRACE_LINE_CAP: u64 = 200_000;
/// Events the trace export re-runs per animation frame.
pub const TRACE_EVENTS_PER_FRAME: u64 = 20_000;
/// PNGs are drawn at this multiple of the chart's size (sharp on slides).
pub const PNG_SCALE: f64 = 2.0;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// The presentation properties written into an exported SVG, resolved from
/// the page's stylesheet (custom properties and classes do not travel).
const INLINED: [&str; 18] = [
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "paint-order",
    "visibility",
    "display",
];

// ------------------------------------------------------------------ metrics

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A row's label in `lang`, its placeholders filled (`Failures on node_2`).
/// The engine writes a number among them as English does (`99.9`, the same
/// for every reader, as the CLI prints it); here it takes the reader's decimal
/// mark (`99,9` in es and pt).
pub fn row_label(lang: Lang, row: &MetricRow) -> String {
    let args: Vec<(&str, String)> = row
        .label_args
        .iter()
        .map(|(k, v)| {
            let number = v.split_once('.').is_some_and(|(int, frac)| {
                !int.is_empty()
                    && !frac.is_empty()
                    && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
            });
            let v = if number {
                engine::i18n::format::decimal_mark(lang, v)
            } else {
                v.clone()
            };
            (*k, v)
        })
        .collect();
    let args: Vec<(&str, &dyn Display)> =
        args.iter().map(|(k, v)| (*k, v as &dyn Display)).collect();
    tf(lang, row.label_key, &args)
}

/// The metrics as CSV: `key,label,A[,B]`, one row per metric of side A (B's
/// value matched by key and label), values as plain numbers (rates as
/// shares in 0‥1, durations in ms), empty when not defined yet.
pub fn metrics_csv(lang: Lang, sides: &[Vec<MetricRow>]) -> String {
    let mut out = String::from("key,label,A");
    if sides.len() > 1 {
        out.push_str(",B");
    }
    out.push('\n');
    let value = |row: Option<&MetricRow>| {
        row.and_then(|r| r.value.as_f64())
            .map_or_else(String::new, |v| engine::num::Short(v).to_string())
    };
    for row in sides.first().map(Vec::as_slice).unwrap_or_default() {
        out.push_str(&csv_field(row.key));
        out.push(',');
        out.push_str(&csv_field(&row_label(lang, row)));
        out.push(',');
        out.push_str(&value(Some(row)));
        if let Some(b) = sides.get(1) {
            let twin = b
                .iter()
                .find(|r| r.key == row.key && r.label_args == row.label_args);
            out.push(',');
            out.push_str(&value(twin));
        }
        out.push('\n');
    }
    out
}

/// The shell command that writes the whole trace of `link`.
pub fn trace_command(link: &str) -> String {
    format!(
        "playground run '{}' --trace trace.jsonl",
        link.replace('\'', "'\\''")
    )
}

// ------------------------------------------------------------------ charts

/// A chart found on the page.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartRef {
    /// The file name stem: `data-export`, with `-2`, `-3`… when several
    /// charts share one (side A and side B, say).
    pub name: String,
    pub title: String,
    /// Its place among the marked charts, in page order.
    pub index: usize,
}

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

fn svgs_in(container_id: &str) -> Vec<Element> {
    let Some(root) = document().get_element_by_id(container_id) else {
        return Vec::new();
    };
    let Ok(list) = root.query_selector_all("svg[data-export]") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

fn text_of(el: Option<Element>) -> Option<String> {
    el.and_then(|e| e.text_content())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The text alternative of a chart: (title, description).
fn alternative(svg: &Element) -> (String, String) {
    let figure = svg.closest("figure").ok().flatten();
    let inside = |sel: &str| {
        figure
            .as_ref()
            .and_then(|f| f.query_selector(sel).ok().flatten())
    };
    let name = svg.get_attribute("data-export").unwrap_or_default();
    let title = svg
        .get_attribute("data-export-title")
        .filter(|s| !s.is_empty())
        .or_else(|| text_of(inside(".chart-title")))
        .or_else(|| text_of(inside("figcaption")))
        .unwrap_or(name);
    let desc = svg
        .get_attribute("data-export-desc")
        .filter(|s| !s.is_empty())
        .or_else(|| text_of(inside(".chart-summary")))
        .unwrap_or_else(|| title.clone());
    (title, desc)
}

/// The charts marked for export inside the element with id `container_id`.
pub fn find_charts(container_id: &str) -> Vec<ChartRef> {
    let mut seen: Vec<String> = Vec::new();
    svgs_in(container_id)
        .iter()
        .enumerate()
        .map(|(index, svg)| {
            let base = svg.get_attribute("data-export").unwrap_or_default();
            let base = if base.is_empty() {
                "chart".to_string()
            } else {
                base
            };
            let n = seen.iter().filter(|s| **s == base).count();
            seen.push(base.clone());
            ChartRef {
                name: if n == 0 {
                    base
                } else {
                    format!("{base}-{}", n + 1)
                },
                title: alternative(svg).0,
                index,
            }
        })
        .collect()
}

fn chart_svg(container_id: &str, chart: &ChartRef) -> Option<Element> {
    svgs_in(container_id).into_iter().nth(chart.index)
}

/// The size a chart is drawn at, in CSS pixels.
fn svg_size(svg: &Element) -> (f64, f64) {
    let attr = |n: &str| {
        svg.get_attribute(n)
            .and_then(|v| crate::browser::parse_f64(v.trim()))
    };
    let rect = svg.get_bounding_client_rect();
    let w = attr("width").filter(|v| *v > 0.0).unwrap_or(rect.width());
    let h = attr("height").filter(|v| *v > 0.0).unwrap_or(rect.height());
    (w.max(1.0), h.max(1.0))
}

/// The background the chart is seen on: the nearest ancestor's that is not
/// transparent, else white.
fn backdrop(svg: &Element) -> String {
    let window = web_sys::window().expect("a window");
    let mut node = svg.parent_element();
    while let Some(el) = node {
        if let Ok(Some(style)) = window.get_computed_style(&el) {
            let bg = style
                .get_property_value("background-color")
                .unwrap_or_default();
            let clear =
                bg.is_empty() || bg == "transparent" || bg.replace(' ', "").ends_with(",0)");
            if !clear {
                return bg;
            }
        }
        node = el.parent_element();
    }
    "#ffffff".into()
}

/// Copies the computed presentation of `from` onto `to` as attributes and
/// an inline style, and drops what would not resolve outside the page.
///
/// Below the root, a property is written only where it says something: an
/// inherited one when it differs from the parent's, `opacity` when not 1,
/// `display` when `none`.
fn inline_style(
    window: &web_sys::Window,
    from: &Element,
    to: &Element,
    root: bool,
) -> Result<(), JsValue> {
    let Some(computed) = window.get_computed_style(from)? else {
        return Ok(());
    };
    let parent = match (root, from.parent_element()) {
        (false, Some(p)) => window.get_computed_style(&p)?,
        _ => None,
    };
    let mut style = String::new();
    for prop in INLINED {
        let v = computed.get_property_value(prop)?;
        if v.is_empty() || v.contains("var(") {
            continue;
        }
        if let Some(attr) = to.get_attribute(prop) {
            if attr != v {
                to.set_attribute(prop, &v)?;
            }
        }
        let said = match (prop, &parent) {
            (_, None) => true,
            ("opacity", _) => v != "1",
            ("display", _) => v == "none",
            (_, Some(parent)) => parent.get_property_value(prop)? != v,
        };
        if !said {
            continue;
        }
        style.push_str(prop);
        style.push(':');
        style.push_str(&v);
        style.push(';');
    }
    // Any attribute still naming a custom property cannot resolve elsewhere.
    let names = to.get_attribute_names();
    for name in names.iter().filter_map(|n| n.as_string()) {
        if to.get_attribute(&name).is_some_and(|v| v.contains("var(")) {
            to.remove_attribute(&name)?;
        }
    }
    to.remove_attribute("class")?;
    if style.is_empty() {
        to.remove_attribute("style")
    } else {
        to.set_attribute("style", &style)
    }
}

/// A chart's `<svg>` as a standalone SVG document: every colour and font
/// resolved from the page's styles into the elements, a background, and the
/// chart's text alternative as `<title>` and `<desc>`.
pub fn standalone_svg(svg: &Element) -> Result<String, JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let copy: Element = svg.clone_node_with_deep(true)?.dyn_into()?;
    let originals = svg.query_selector_all("*")?;
    let copies = copy.query_selector_all("*")?;
    inline_style(&window, svg, &copy, true)?;
    for i in 0..originals.length().min(copies.length()) {
        let (Some(a), Some(b)) = (originals.item(i), copies.item(i)) else {
            continue;
        };
        if let (Ok(a), Ok(b)) = (a.dyn_into::<Element>(), b.dyn_into::<Element>()) {
            inline_style(&window, &a, &b, false)?;
        }
    }
    let (w, h) = svg_size(svg);
    let (w, h) = (engine::num::Short(w), engine::num::Short(h));
    copy.set_attribute("xmlns", SVG_NS)?;
    copy.set_attribute("width", &format!("{w}"))?;
    copy.set_attribute("height", &format!("{h}"))?;
    if !copy.has_attribute("viewBox") {
        copy.set_attribute("viewBox", &format!("0 0 {w} {h}"))?;
    }
    for attr in [
        "aria-hidden",
        "focusable",
        "data-export",
        "data-export-title",
        "data-export-desc",
    ] {
        copy.remove_attribute(attr)?;
    }
    copy.set_attribute("role", "img")?;
    let doc = document();
    let (title, desc) = alternative(svg);
    let bg = doc.create_element_ns(Some(SVG_NS), "rect")?;
    for (k, v) in [
        ("x", "0"),
        ("y", "0"),
        ("width", "100%"),
        ("height", "100%"),
    ] {
        bg.set_attribute(k, v)?;
    }
    bg.set_attribute("fill", &backdrop(svg))?;
    let desc_el = doc.create_element_ns(Some(SVG_NS), "desc")?;
    desc_el.set_text_content(Some(&desc));
    let title_el = doc.create_element_ns(Some(SVG_NS), "title")?;
    title_el.set_text_content(Some(&title));
    copy.prepend_with_node_3(&title_el, &desc_el, &bg)?;
    let xml = web_sys::XmlSerializer::new()?.serialize_to_string(&copy)?;
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{xml}\n"
    ))
}

// ------------------------------------------------------------------ downloads

/// What the page last offered for download (for tests and the status line).
#[derive(Clone, Debug, PartialEq)]
pub struct Download {
    pub name: String,
    pub mime: String,
    pub size: f64,
    /// The text, for text files under 1 MB.
    pub text: Option<String>,
}

thread_local! {
    static LAST_DOWNLOAD: RefCell<Option<Download>> = const { RefCell::new(None) };
}

/// The last file offered for download, if any.
pub fn last_download() -> Option<Download> {
    LAST_DOWNLOAD.with(|d| d.borrow().clone())
}

fn blob_of(parts: &js_sys::Array, mime: &str) -> Result<Blob, JsValue> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    Blob::new_with_u8_array_sequence_and_options(parts, &options)
}

/// Offers `blob` as a file named `name` (Blob → object URL → `<a download>`).
fn offer(name: &str, blob: &Blob, text: Option<String>) -> Result<(), JsValue> {
    let url = web_sys::Url::create_object_url_with_blob(blob)?;
    let doc = document();
    let a: web_sys::HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.set_hidden(true);
    let body = doc.body().ok_or("no body")?;
    body.append_child(&a)?;
    a.click();
    a.remove();
    LAST_DOWNLOAD.with(|d| {
        *d.borrow_mut() = Some(Download {
            name: name.to_string(),
            mime: blob.type_(),
            size: blob.size(),
            text,
        })
    });
    // The browser reads the URL after this task; free it a while later.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    web_sys::window()
        .ok_or("no window")?
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 30_000)?;
    Ok(())
}

/// Offers a text file.
pub fn download_text(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    offer(
        name,
        &blob,
        (text.len() < 1_000_000).then(|| text.to_string()),
    )
}

/// Offers bytes (a long trace) as a file.
pub fn download_bytes(name: &str, mime: &str, bytes: &[u8]) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = blob_of(&parts, mime)?;
    let text = (bytes.len() < 1_000_000)
        .then(|| String::from_utf8(bytes.to_vec()).ok())
        .flatten();
    offer(name, &blob, text)
}

/// Draws an SVG document onto a canvas at `scale` × its size and gives the PNG.
pub async fn svg_to_png(svg: &str, width: f64, height: f64, scale: f64) -> Result<Blob, JsValue> {
    let options = BlobPropertyBag::new();
    options.set_type("image/svg+xml;charset=utf-8");
    let source = Blob::new_with_str_sequence_and_options(
        &js_sys::Array::of1(&JsValue::from_str(svg)),
        &options,
    )?;
    let url = web_sys::Url::create_object_url_with_blob(&source)?;
    let img = web_sys::HtmlImageElement::new()?;
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        img.set_onload(Some(&resolve));
        img.set_onerror(Some(&reject));
    });
    img.set_src(&url);
    let drawn = JsFuture::from(loaded).await;
    let _ = web_sys::Url::revoke_object_url(&url);
    drawn?;
    let canvas: web_sys::HtmlCanvasElement = document().create_element("canvas")?.dyn_into()?;
    let (w, h) = ((width * scale).round(), (height * scale).round());
    canvas.set_width(w as u32);
    canvas.set_height(h as u32);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or("no 2d context")?
        .dyn_into()?;
    ctx.draw_image_with_html_image_element_and_dw_and_dh(&img, 0.0, 0.0, w, h)?;
    let png = js_sys::Promise::new(&mut |resolve, reject| {
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = if blob.is_null() {
                reject.call1(&JsValue::NULL, &JsValue::from_str("toBlob gave nothing"))
            } else {
                resolve.call1(&JsValue::NULL, &blob)
            };
        });
        if let Err(e) = canvas.to_blob_with_type(done.unchecked_ref(), "image/png") {
            web_sys::console::error_1(&e);
        }
    });
    JsFuture::from(png).await?.dyn_into()
}

/// Exports one chart as SVG (`png: false`) or PNG.
pub async fn export_chart(
    container_id: &str,
    chart: &ChartRef,
    file_stem: &str,
    png: bool,
) -> Result<(), JsValue> {
    let svg = chart_svg(container_id, chart).ok_or("no such chart")?;
    let text = standalone_svg(&svg)?;
    if png {
        let (w, h) = svg_size(&svg);
        let blob = svg_to_png(&text, w, h, PNG_SCALE).await?;
        offer(&format!("{file_stem}.png"), &blob, None)
    } else {
        download_text(&format!("{file_stem}.svg"), "image/svg+xml", &text)
    }
}

// ------------------------------------------------------------------ the menu

/// Where the trace export stands.
#[derive(Clone, Debug, PartialEq)]
enum TraceState {
    Idle,
    Writing {
        lines: u64,
    },
    Written {
        lines: u64,
    },
    /// More lines than the cap: the page gives the CLI command.
    TooLong,
    Failed,
}

/// Runs `step` once per animation frame until it returns `false`.
pub(crate) fn each_frame(step: impl FnMut() -> bool + 'static) {
    fn go(mut step: Box<dyn FnMut() -> bool>) {
        request_animation_frame(move || {
            if step() {
                go(step);
            }
        });
    }
    go(Box::new(step));
}

/// The export menu of a lab page.
///
/// - `slug` names the files (`retry-metrics.csv`, `retry-trace.jsonl`…);
/// - `link` is the run's share link (for the CLI command);
/// - `report` gives the run's report as JSON text (what `playground run` prints);
/// - `rows` gives the metric rows of each side (A, then B);
/// - `charts` is the id of the element holding the charts; each chart's
///   `<svg>` carries `data-export="name"` (the file name);
/// - `trace` gives a fresh re-run for the trace export (`None`: no trace).
#[component]
pub fn ExportMenu(
    #[prop(into)] slug: String,
    #[prop(into)] link: Signal<String>,
    #[prop(into)] report: UnsyncCallback<(), String>,
    #[prop(into)] rows: UnsyncCallback<(), Vec<Vec<MetricRow>>>,
    #[prop(into)] charts: String,
    #[prop(optional, into)] trace: Option<UnsyncCallback<(), Option<Box<dyn TraceExport>>>>,
    #[prop(default = TRACE_LINE_CAP)] trace_cap: u64,
    #[prop(default = TRACE_EVENTS_PER_FRAME)] trace_events_per_frame: u64,
) -> impl IntoView {
    let lang = use_i18n().lang;
    let tr = move |key: &'static str| move || t(lang.get(), key).to_string();
    // What this lab's trace holds (each lab writes its own lines).
    let trace_help =
        engine::labs::LabId::from_slug(&slug).map_or("retry.trace_help", |l| l.trace_help_key());
    let found = RwSignal::new(Vec::<ChartRef>::new());
    let status = RwSignal::new(String::new());
    let trace_state = RwSignal::new(TraceState::Idle);
    let writer: StoredValue<Option<TraceWriter<Vec<u8>>>, LocalStorage> =
        StoredValue::new_local(None);
    let generation = StoredValue::new(0u64);
    // A new run (a new link) makes an old "too long" or "written" stale, and
    // a trace still being written is for the old run: drop it.
    Effect::new(move |prev: Option<()>| {
        link.track();
        if prev.is_some() {
            generation.update_value(|g| *g += 1);
            writer.set_value(None);
            trace_state.set(TraceState::Idle);
        }
    });
    on_cleanup(move || generation.update_value(|g| *g += 1));

    let report_failure = move |e: JsValue| {
        web_sys::console::error_1(&e);
        status.set(t(lang.get_untracked(), "export.failed").to_string());
    };
    let saved = move |name: String| {
        status.set(tf(lang.get_untracked(), "export.saved", &[("file", &name)]));
    };

    let slug = StoredValue::new(slug);
    let csv = move |_| {
        let name = format!("{}-metrics.csv", slug.get_value());
        match download_text(
            &name,
            "text/csv",
            &metrics_csv(lang.get_untracked(), &rows.run(())),
        ) {
            Ok(()) => saved(name),
            Err(e) => report_failure(e),
        }
    };
    let json = move |_| {
        let name = format!("{}-metrics.json", slug.get_value());
        match download_text(&name, "application/json", &report.run(())) {
            Ok(()) => saved(name),
            Err(e) => report_failure(e),
        }
    };
    let charts_id = StoredValue::new(charts);
    let refresh = move || found.set(find_charts(&charts_id.get_value()));
    let chart_button = move |chart: ChartRef, png: bool| {
        let stem = format!("{}-{}", slug.get_value(), chart.name);
        let file = format!("{stem}.{}", if png { "png" } else { "svg" });
        let testid = format!("export-{}-{}", if png { "png" } else { "svg" }, chart.name);
        let click = move |_| {
            let (chart, stem, file) = (chart.clone(), stem.clone(), file.clone());
            spawn_local(async move {
                match export_chart(&charts_id.get_value(), &chart, &stem, png).await {
                    Ok(()) => saved(file),
                    Err(e) => report_failure(e),
                }
            });
        };
        view! {
            <button class="btn export-btn" data-testid=testid on:click=click>
                {if png { "PNG" } else { "SVG" }}
            </button>
        }
    };

    let start_trace = move |_| {
        let Some(make) = trace else { return };
        let Some(source) = make.run(()) else {
            trace_state.set(TraceState::Failed);
            return;
        };
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        writer.set_value(Some(TraceWriter::new(source, Vec::new(), Some(trace_cap))));
        trace_state.set(TraceState::Writing { lines: 0 });
        let name = format!("{}-trace.jsonl", slug.get_value());
        each_frame(move || {
            if generation.try_get_value() != Some(mine) {
                return false;
            }
            let step = writer
                .try_update_value(|w| {
                    w.as_mut()
                        .map(|w| (w.pump(trace_events_per_frame), w.lines(), w.truncated()))
                })
                .flatten();
            let Some((result, lines, truncated)) = step else {
                return false;
            };
            match result {
                Ok(false) => {
                    trace_state.set(TraceState::Writing { lines });
                    true
                }
                Ok(true) if truncated => {
                    writer.set_value(None);
                    trace_state.set(TraceState::TooLong);
                    false
                }
                Ok(true) => {
                    let bytes = writer
                        .try_update_value(|w| w.take().map(TraceWriter::into_inner))
                        .flatten()
                        .unwrap_or_default();
                    match download_bytes(&name, "application/x-ndjson", &bytes) {
                        Ok(()) => {
                            trace_state.set(TraceState::Written { lines });
                            saved(name.clone());
                        }
                        Err(e) => {
                            trace_state.set(TraceState::Failed);
                            report_failure(e);
                        }
                    }
                    false
                }
                Err(_) => {
                    writer.set_value(None);
                    trace_state.set(TraceState::Failed);
                    false
                }
            }
        });
    };
    let trace_busy = move || matches!(trace_state.get(), TraceState::Writing { .. });
    let trace_line = move || {
        let l = lang.get();
        match trace_state.get() {
            TraceState::Idle => String::new(),
            TraceState::Writing { lines } => tf(
                l,
                "export.trace_writing",
                &[("lines", &crate::charts::fmt_count(l, lines))],
            ),
            TraceState::Written { lines } => tf(
                l,
                "export.trace_written",
                &[("lines", &crate::charts::fmt_count(l, lines))],
            ),
            TraceState::TooLong => tf(
                l,
                "export.trace_too_long",
                &[("cap", &crate::charts::fmt_count(l, trace_cap))],
            ),
            TraceState::Failed => t(l, "export.failed").to_string(),
        }
    };
    let command = move || trace_command(&link.get());

    view! {
        <details
            class="export"
            data-testid="export-menu"
            on:toggle=move |_| refresh()
        >
            <summary class="btn" data-testid="export-toggle">
                <span aria-hidden="true">"⤓"</span>
                " "
                {tr("export.title")}
            </summary>
            <div class="export-panel">
                <section class="export-group">
                    <h3>{tr("export.metrics")}</h3>
                    <button class="btn export-btn" data-testid="export-csv" on:click=csv>"CSV"</button>
                    <button class="btn export-btn" data-testid="export-json" on:click=json>"JSON"</button>
                </section>
                <section class="export-group">
                    <h3>{tr("export.charts")}</h3>
                    {crate::show::show_or(
                        move || found.with(|f| !f.is_empty()),
                        move || view! {
                        <ul class="export-charts">
                            {move || {
                                found
                                    .get()
                                    .into_iter()
                                    .map(|chart| {
                                        view! {
                                            <li>
                                                <span class="export-chart-title">{chart.title.clone()}</span>
                                                {chart_button(chart.clone(), false)}
                                                {chart_button(chart, true)}
                                            </li>
                                        }
                                    })
                                    .collect::<Vec<_>>()
                            }}
                        </ul>
                        }.into_any(),
                        move || view! { <p class="export-note">{tr("export.no_charts")}</p> }.into_any(),
                    )}
                </section>
                {crate::show::show(move || trace.is_some(), move || view! {
                    <section class="export-group">
                        <h3>{tr("export.trace")}</h3>
                        <button
                            class="btn export-btn"
                            data-testid="export-trace"
                            disabled=trace_busy
                            on:click=start_trace
                        >
                            {tr("export.trace_button")}
                        </button>
                        <p class="export-note" data-testid="export-trace-help">{tr(trace_help)}</p>
                        <p class="export-note" role="status" data-testid="export-trace-status">{trace_line}</p>
                        {crate::show::show(
                            move || trace_state.get() == TraceState::TooLong,
                            move || view! { <pre class="export-command" data-testid="export-trace-command"><code>{command}</code></pre> }.into_any(),
                        )}
                    </section>
                }.into_any())}
                <p class="export-status" role="status" data-testid="export-status">{move || status.get()}</p>
            </div>
        </details>
    }
}

//! Component tests of embedding: the snippet that survives a learning
//! platform's sanitiser, the messages a framed lab posts, the share panel's
//! two codes with their Copy buttons, and the compact layout's panels.
#![cfg(target_arch = "wasm32")]

use cloud_patterns_playground::embed::{self, COMPACT_HEIGHT, HEIGHT_MESSAGE};
use cloud_patterns_playground::i18n::I18n;
use cloud_patterns_playground::layout::LabLayout;
use cloud_patterns_playground::share::{embed_frame, embed_resize_script, ShareButtons};
use engine::Lang;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> web_sys::HtmlElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let div = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

async fn next_tick() {
    leptos::task::tick().await;
}

fn click(root: &web_sys::HtmlElement, selector: &str) {
    let el: web_sys::HtmlElement = root
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("{selector} is there"))
        .unchecked_into();
    el.click();
}

fn attr(root: &web_sys::HtmlElement, selector: &str, name: &str) -> Option<String> {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("{selector} is there"))
        .get_attribute(name)
}

#[wasm_bindgen_test]
fn the_frame_needs_no_script_and_escapes_what_it_quotes() {
    let frame = embed_frame(
        "https://labs.example/play/",
        "/es/retry/2.abc",
        "Retry \"storm\" & <friends>",
    );
    assert!(frame.starts_with("<iframe ") && frame.ends_with("></iframe>"));
    assert!(!frame.contains("<script"), "{frame}");
    assert!(frame.contains(&format!("height=\"{COMPACT_HEIGHT}\"")));
    assert!(frame.contains("src=\"https://labs.example/play/?embed=1#/es/retry/2.abc\""));
    assert!(frame.contains("title=\"Retry &quot;storm&quot; &amp; &lt;friends&gt;\""));
    assert!(frame.contains("allow=\"clipboard-write\""));
    assert!(frame.contains("loading=\"lazy\""));
    // Parsed by the browser, it is one iframe with the title as given.
    let doc = web_sys::window().unwrap().document().unwrap();
    let holder = doc.create_element("div").unwrap();
    holder.set_inner_html(&frame);
    assert_eq!(holder.child_element_count(), 1);
    let iframe = holder.first_element_child().unwrap();
    assert_eq!(
        iframe.get_attribute("title").as_deref(),
        Some("Retry \"storm\" & <friends>")
    );
}

#[wasm_bindgen_test]
fn the_optional_script_listens_only_to_the_app_origin() {
    let script = embed_resize_script("http://127.0.0.1:8080/labs/");
    assert!(script.starts_with("<script>") && script.ends_with("</script>"));
    assert!(script.contains(HEIGHT_MESSAGE));
    assert!(script.contains("\"http://127.0.0.1:8080\""), "{script}");
    assert!(!script.contains("/labs/\""));
    // Without an absolute address there is no origin to check against.
    assert!(!embed_resize_script("/labs/").contains("e.origin"));
}

#[wasm_bindgen_test]
fn canvas_resize_request_is_json_canvas_parses() {
    let msg = embed::lti_frame_resize(720);
    let parsed: serde_json::Value = serde_json::from_str(&msg).unwrap();
    assert_eq!(parsed["subject"], "lti.frameResize");
    assert_eq!(parsed["height"], 720);
    // A compact lab reports its fixed height however tall its document is.
    assert_eq!(embed::height_to_report(true, 5_000), COMPACT_HEIGHT);
    assert_eq!(embed::height_to_report(false, 5_000), 5_000);
}

#[wasm_bindgen_test]
async fn share_panel_offers_the_frame_and_the_script_each_with_copy() {
    let root = container();
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(I18n {
            lang: RwSignal::new(Lang::Pt),
        });
        view! { <ShareButtons fragment="/pt/retry/2.xyz".to_string() title="Retentativas".to_string() /> }
    });
    next_tick().await;
    assert!(root
        .query_selector("[data-testid=embed-panel]")
        .unwrap()
        .is_none());
    click(&root, "[data-testid=embed]");
    next_tick().await;
    next_tick().await;
    let frame: web_sys::HtmlTextAreaElement = root
        .query_selector("[data-testid=embed-snippet]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    let script: web_sys::HtmlTextAreaElement = root
        .query_selector("[data-testid=embed-script]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert!(frame.value().starts_with("<iframe"));
    assert!(frame.value().contains("#/pt/retry/2.xyz"));
    assert!(!frame.value().contains("<script"));
    assert!(script.value().starts_with("<script>"));
    // Each code has its own Copy button and a label that names it.
    assert!(root
        .query_selector("[data-testid=copy-embed-snippet]")
        .unwrap()
        .is_some());
    assert!(root
        .query_selector("[data-testid=copy-embed-script]")
        .unwrap()
        .is_some());
    let text = root.text_content().unwrap();
    assert!(text.contains("Opcional"), "{text}");
    assert!(text.contains("Copiar"));
}

fn slot(text: &'static str, testid: &'static str) -> AnyView {
    view! { <p data-testid=testid>{text}</p> }.into_any()
}

fn mount_layout(root: &web_sys::HtmlElement, compact: bool) -> impl Drop {
    leptos::mount::mount_to(root.clone(), move || {
        provide_context(I18n {
            lang: RwSignal::new(Lang::Es),
        });
        view! {
            <LabLayout
                header=slot("header", "s-header")
                guide=slot("guide", "s-guide")
                controls=slot("controls", "s-controls")
                player=slot("player", "s-player")
                stage=slot("stage", "s-stage")
                metrics=slot("metrics", "s-metrics")
                charts=slot("charts", "s-charts")
                log=slot("log", "s-log")
                compact=compact
            />
        }
    })
}

#[wasm_bindgen_test]
async fn compact_layout_keeps_settings_and_results_behind_buttons() {
    let root = container();
    let _handle = mount_layout(&root, true);
    next_tick().await;
    assert!(root.query_selector("main.lab.compact").unwrap().is_some());
    // Every slot is in the page; the run's parts first, in reading order.
    let order: Vec<String> = (0..root
        .query_selector_all("[data-testid^=s-]")
        .unwrap()
        .length())
        .map(|i| {
            root.query_selector_all("[data-testid^=s-]")
                .unwrap()
                .item(i)
                .unwrap()
                .unchecked_into::<web_sys::Element>()
                .get_attribute("data-testid")
                .unwrap()
        })
        .collect();
    assert_eq!(
        order,
        [
            "s-header",
            "s-player",
            "s-stage",
            "s-guide",
            "s-controls",
            "s-metrics",
            "s-charts",
            "s-log"
        ]
    );
    let settings = "[data-testid=compact-settings-panel]";
    let results = "[data-testid=compact-results-panel]";
    assert!(attr(&root, settings, "hidden").is_some());
    assert!(attr(&root, results, "hidden").is_some());
    assert_eq!(
        attr(&root, "[data-testid=compact-settings]", "aria-expanded").as_deref(),
        Some("false")
    );
    assert!(root.text_content().unwrap().contains("Parámetros"));

    click(&root, "[data-testid=compact-settings]");
    next_tick().await;
    assert!(attr(&root, settings, "hidden").is_none());
    assert!(attr(&root, results, "hidden").is_some());
    assert_eq!(
        attr(&root, "[data-testid=compact-settings]", "aria-expanded").as_deref(),
        Some("true")
    );
    // The other button swaps panels; a second press closes.
    click(&root, "[data-testid=compact-results]");
    next_tick().await;
    assert!(attr(&root, settings, "hidden").is_some());
    assert!(attr(&root, results, "hidden").is_none());
    click(&root, "[data-testid=compact-results]");
    next_tick().await;
    assert!(attr(&root, results, "hidden").is_some());
    // Escape closes an open panel; the close button too.
    click(&root, "[data-testid=compact-settings]");
    next_tick().await;
    let esc: web_sys::Event = js_sys::Function::new_no_args(
        "return new KeyboardEvent('keydown', {key: 'Escape', bubbles: true})",
    )
    .call0(&wasm_bindgen::JsValue::NULL)
    .unwrap()
    .unchecked_into();
    root.query_selector(settings)
        .unwrap()
        .unwrap()
        .dispatch_event(&esc)
        .unwrap();
    next_tick().await;
    assert!(attr(&root, settings, "hidden").is_some());
    click(&root, "[data-testid=compact-settings]");
    next_tick().await;
    click(&root, &format!("{settings} [data-testid=compact-close]"));
    next_tick().await;
    assert!(attr(&root, settings, "hidden").is_some());
}

#[wasm_bindgen_test]
async fn full_layout_has_no_compact_panels() {
    let root = container();
    let _handle = mount_layout(&root, false);
    next_tick().await;
    assert!(root.query_selector("main.lab").unwrap().is_some());
    assert!(root.query_selector(".compact").unwrap().is_none());
    assert!(root
        .query_selector("[data-testid=compact-settings]")
        .unwrap()
        .is_none());
    assert!(root
        .query_selector(".lab-controls [data-testid=s-controls]")
        .unwrap()
        .is_some());
    assert!(root
        .query_selector(".lab-guide [data-testid=s-guide]")
        .unwrap()
        .is_some());
}

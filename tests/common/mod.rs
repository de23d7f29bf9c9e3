//! What the component tests share (each file in tests/ is a crate of its own,
//! and takes this with `mod common;`).
#![allow(dead_code)]

use web_sys::Element;

/// A fresh `<div>` at the end of the page's body, to mount a view in.
pub fn container() -> web_sys::HtmlElement {
    use wasm_bindgen::JsCast;
    let div = document().create_element("div").expect("a div");
    document()
        .body()
        .expect("a body")
        .append_child(&div)
        .expect("append the div");
    div.unchecked_into()
}

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// Puts the page's stylesheets `css` inside `root`, so what `root` holds is
/// laid out at the sizes the page draws it (and goes when `root` does).
pub fn style_in(root: &Element, css: &str) {
    let style = document().create_element("style").expect("a style element");
    style.set_text_content(Some(css));
    root.append_child(&style).expect("append the style");
}

/// Puts `css` in the document's head once for the whole test binary, under `id`.
pub fn style_once(id: &str, css: &str) {
    let document = document();
    if document.get_element_by_id(id).is_some() {
        return;
    }
    let style = document.create_element("style").expect("a style element");
    style.set_id(id);
    style.set_text_content(Some(css));
    document
        .head()
        .expect("a head")
        .append_child(&style)
        .expect("append the style");
}

/// Waits `ms` milliseconds of real time (for resize observers and timers).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Lets effects run and resize observers report, `rounds` times 20 ms.
pub async fn settle(rounds: u32) {
    for _ in 0..rounds {
        leptos::task::tick().await;
        sleep(20).await;
    }
}

/// A computed colour, `rgb(…)`, `rgba(…)` or `color(srgb …)` (what
/// `color-mix` computes to), as 0-255 channels.
pub fn rgb(css: &str) -> (f64, f64, f64) {
    let css = css.trim();
    let (inner, scale) = match css.strip_prefix("color(srgb") {
        Some(rest) => (rest, 255.0),
        None => (
            css.trim_start_matches("rgba(").trim_start_matches("rgb("),
            1.0,
        ),
    };
    let v: Vec<f64> = inner
        .trim_end_matches(')')
        .split(|c: char| c == ',' || c == '/' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<f64>().unwrap_or(0.0) * scale)
        .collect();
    assert!(v.len() >= 3, "{css}");
    (v[0], v[1], v[2])
}

/// WCAG's contrast ratio between two colours.
pub fn contrast(a: (f64, f64, f64), b: (f64, f64, f64)) -> f64 {
    let lum = |c: (f64, f64, f64)| {
        let ch = |v: f64| {
            let s = v / 255.0;
            if s <= 0.039_28 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(c.0) + 0.7152 * ch(c.1) + 0.0722 * ch(c.2)
    };
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

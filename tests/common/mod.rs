//! What the component tests share (each file in tests/ is a crate of its own,
//! and takes this with `mod common;`).
#![allow(dead_code)]

use web_sys::Element;

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

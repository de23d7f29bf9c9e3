//! Component tests: compiled to wasm32 and run in headless Chromium by
//! wasm-bindgen-test-runner (`cargo xtask test`, level "component").
//! Placeholder proving the runner works; the app engineers replace it with real tests.
//!
//! wasm32 only: a native `cargo test --workspace` skips this file.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn runs_in_a_real_browser_dom() {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a browser document");
    let p = document.create_element("p").expect("create <p>");
    p.set_text_content(Some("hello from wasm-bindgen-test"));
    let body = document.body().expect("<body>");
    body.append_child(&p).expect("append");
    assert!(body.contains(Some(&p)));
    assert_eq!(
        p.text_content().as_deref(),
        Some("hello from wasm-bindgen-test")
    );
}

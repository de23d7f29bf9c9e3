//! If the app ever panics, say so on the page (not only in the console), with
//! a way out: reload, or go back to a link that works.

use wasm_bindgen::JsCast;

/// Installs the hook: console first, then a visible message. (The message
/// alone: the release wasm keeps no function names, so a JS stack trace, as
/// `console_error_panic_hook` adds, said nothing more.)
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let detail = info.to_string();
        web_sys::console::error_1(&detail.as_str().into());
        show_message(&detail);
    }));
}

/// Puts the message on the page (once), with `detail` as plain text.
pub fn show_message(detail: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else { return };
    if doc.get_element_by_id("panic-message").is_some() {
        return;
    }
    let Ok(el) = doc.create_element("div") else {
        return;
    };
    el.set_id("panic-message");
    let _ = el.set_attribute("role", "alert");
    let _ = el.set_attribute("class", "panic-message");
    // Plain text nodes only: the detail is never interpreted as HTML.
    let lines = [
        "Something went wrong inside the playground. / Algo salió mal. / Algo deu errado.",
        "Reload the page, or go back to the home page. If a link brought you here, it may be damaged.",
        detail,
    ];
    for (i, line) in lines.iter().enumerate() {
        if let Ok(p) = doc.create_element(if i == 2 { "pre" } else { "p" }) {
            p.set_text_content(Some(line));
            let _ = el.append_child(&p);
        }
    }
    if let Ok(a) = doc.create_element("a") {
        let _ = a.set_attribute("href", "./");
        a.set_text_content(Some("↻ Reload / Recargar / Recarregar"));
        let _ = el.append_child(&a);
    }
    if let Some(h) = el.dyn_ref::<web_sys::HtmlElement>() {
        let _ = h.focus();
    }
    let _ = body.prepend_with_node_1(&el);
}

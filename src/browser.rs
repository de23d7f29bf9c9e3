//! The few facts the app reads from the browser, and the URL it writes back:
//! the fragment (share state), the query (`embed`, `autoplay`), preferred
//! languages, media preferences and the clock for animation frames.

fn window() -> web_sys::Window {
    web_sys::window().expect("a browser window")
}

/// The current fragment, without `#`.
pub fn fragment() -> String {
    window()
        .location()
        .hash()
        .unwrap_or_default()
        .trim_start_matches('#')
        .to_string()
}

/// Replaces the fragment without adding a history entry (for knobs).
pub fn replace_fragment(fragment: &str) {
    if self::fragment() == fragment {
        return;
    }
    let url = format!("{}#{}", base_url(), fragment);
    let _ = window()
        .history()
        .and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url)));
}

/// The page's URL without its fragment (query kept).
pub fn base_url() -> String {
    let href = window().location().href().unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_string()
}

/// The page's URL without query or fragment.
pub fn clean_base_url() -> String {
    let base = base_url();
    base.split('?').next().unwrap_or_default().to_string()
}

/// A query parameter's value (`?embed=1` → `Some("1")`).
pub fn query_param(name: &str) -> Option<String> {
    let search = window().location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get(name)
}

/// Whether a query flag is on (`1`, `true`, or present and empty).
pub fn query_flag(name: &str) -> bool {
    matches!(
        query_param(name).as_deref(),
        Some("1") | Some("true") | Some("")
    )
}

/// The browser's preferred languages, best first.
pub fn preferred_languages() -> Vec<String> {
    let nav = window().navigator();
    let list: Vec<String> = nav
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    if list.is_empty() {
        nav.language().into_iter().collect()
    } else {
        list
    }
}

/// Milliseconds from the page's high-resolution clock (for frame deltas only:
/// it never reaches the engine, which runs on simulated time).
pub fn now_ms() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

/// Sets `<html lang>` so screen readers pronounce the page right.
pub fn set_document_lang(code: &str) {
    if let Some(el) = window().document().and_then(|d| d.document_element()) {
        let _ = el.set_attribute("lang", code);
    }
}

/// Copies text to the clipboard; `false` if the browser refused.
pub async fn copy_text(text: String) -> bool {
    let clipboard = window().navigator().clipboard();
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text))
        .await
        .is_ok()
}

/// The home page's address in `lang` (the "All labs" link).
pub fn home_href(lang: engine::Lang) -> String {
    format!("{}#/{}", crate::pages::page_href(None), lang.code())
}

/// `s` as a number, exactly as `s.parse::<f64>()` reads it — the same
/// grammar (`-1.5e3`, `.5`, `2.`, `inf`, `NaN`; no spaces, no `_`) and the same
/// value — with the conversion done by the browser's `parseFloat`, which rounds
/// a decimal to the nearest `f64` as Rust does. Rust's own parser brings about
/// 10 KB of tables into the wasm, for four number fields.
pub fn parse_f64(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let negative = s.starts_with('-');
    let special = match body.to_ascii_lowercase().as_str() {
        "inf" | "infinity" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    };
    if let Some(v) = special {
        return Some(if negative { -v } else { v });
    }
    let b = body.as_bytes();
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let int = digits(0);
    let mut i = int;
    let mut frac = 0;
    if b.get(i) == Some(&b'.') {
        frac = digits(i + 1);
        i += 1 + frac;
    }
    if int + frac == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp = digits(i);
        if exp == 0 {
            return None;
        }
        i += exp;
    }
    (i == b.len()).then(|| js_sys::Number::parse_float(s))
}

/// Reads `el`'s CSS custom properties (`"--c-info"`), each with a fallback for
/// when it is unset: how canvas drawings take the page's colours.
pub fn css_vars(el: &web_sys::Element) -> impl Fn(&str, &str) -> String {
    let style = web_sys::window().and_then(|w| w.get_computed_style(el).ok().flatten());
    move |name: &str, fallback: &str| {
        style
            .as_ref()
            .and_then(|s| s.get_property_value(name).ok())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| fallback.to_string())
    }
}

/// Whether `node`'s element is on screen (or within `margin`, CSS units, of
/// it), as an IntersectionObserver reports it. `true` until the first report,
/// so a view never waits on it to draw.
pub fn use_on_screen(
    node: leptos::prelude::NodeRef<leptos::html::Div>,
    margin: &'static str,
) -> leptos::prelude::ReadSignal<bool> {
    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let (on_screen, set_on_screen) = signal(true);
    Effect::new(move |_| {
        let Some(el) = node.get() else { return };
        let el: web_sys::Element = el.into();
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            // The last entry is the newest state of the one element observed.
            if let Some(e) = entries
                .iter()
                .filter_map(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
                .next_back()
            {
                set_on_screen.try_set(e.is_intersecting());
            }
        });
        let options = web_sys::IntersectionObserverInit::new();
        options.set_root_margin(margin);
        if let Ok(observer) = web_sys::IntersectionObserver::new_with_options(
            callback.as_ref().unchecked_ref(),
            &options,
        ) {
            observer.observe(&el);
            let kept = send_wrapper::SendWrapper::new((observer, callback));
            on_cleanup(move || {
                let (observer, _callback) = kept.take();
                observer.disconnect();
            });
        }
    });
    on_screen
}

/// While the page prints, the settings' closed groups (a choreography
/// service's knobs, say) are opened, so the handout says what ran; they close
/// again after. Listens while the calling view lives.
pub fn open_settings_for_print() {
    use leptos::prelude::on_cleanup;
    use wasm_bindgen::JsCast;
    let each = |selector: &str, f: &dyn Fn(&web_sys::HtmlDetailsElement)| {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Ok(list) = doc.query_selector_all(selector) else {
            return;
        };
        for i in 0..list.length() {
            if let Some(d) = list
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::HtmlDetailsElement>().ok())
            {
                f(&d);
            }
        }
    };
    let before = leptos::prelude::window_event_listener_untyped("beforeprint", move |_| {
        each(".lab-controls details:not([open])", &|d| {
            d.set_open(true);
            let _ = d.set_attribute("data-print-opened", "");
        });
    });
    let after = leptos::prelude::window_event_listener_untyped("afterprint", move |_| {
        each("details[data-print-opened]", &|d| {
            d.set_open(false);
            let _ = d.remove_attribute("data-print-opened");
        });
    });
    let kept = send_wrapper::SendWrapper::new((before, after));
    on_cleanup(move || {
        let (before, after) = kept.take();
        before.remove();
        after.remove();
    });
}

//! The language of the page, shared through context. Every string comes from
//! the engine's catalogue (`engine::i18n`), so a switch reaches everything.

use engine::i18n::{t, tf, Lang};
use leptos::prelude::*;
use std::fmt::Display;

/// The page language, provided by the app root.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    pub fn provide(lang: Lang) -> I18n {
        let i18n = I18n {
            lang: RwSignal::new(lang),
        };
        provide_context(i18n);
        i18n
    }

    pub fn signal(self) -> Signal<Lang> {
        self.lang.into()
    }
}

/// The page language (panics outside the app, which is a programming error).
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n {
        lang: RwSignal::new(Lang::En),
    })
}

/// A reactive translation of `key`.
pub fn tr(key: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let lang = use_i18n().lang;
    move || t(lang.get(), key).to_string()
}

/// `tr`, but in the compact embed the key's `.compact` variant where the
/// catalogue has one (a shorter label where the frame is narrow).
pub fn tr_fit(key: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let lang = use_i18n().lang;
    let compact = crate::embed::EmbedMode::from_url().compact();
    move || {
        let lang = lang.get();
        if compact {
            let short = format!("{key}.compact");
            if engine::i18n::has(&short) {
                return t(lang, &short).to_string();
            }
        }
        t(lang, key).to_string()
    }
}

/// A reactive translation of a key built at run time.
pub fn tr_owned(key: String) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let lang = use_i18n().lang;
    move || t(lang.get(), &key).to_string()
}

/// Translation with placeholders, for the current language (not reactive by itself:
/// call it inside a reactive closure).
pub fn trf(lang: Lang, key: &str, args: &[(&str, &dyn Display)]) -> String {
    tf(lang, key, args)
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The global `fetch(url)` (declared here, so web-sys needs no `Response` feature).
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_url(url: &str) -> js_sys::Promise;
    type FetchResponse;
    #[wasm_bindgen(method, getter)]
    fn ok(this: &FetchResponse) -> bool;
    #[wasm_bindgen(method, getter)]
    fn status(this: &FetchResponse) -> u16;
    #[wasm_bindgen(method)]
    fn text(this: &FetchResponse) -> js_sys::Promise;
}

thread_local! {
    /// This page's lab (`None`: the home page): which texts file [`load`] fetches.
    static PAGE: std::cell::Cell<Option<engine::LabId>> = const { std::cell::Cell::new(None) };
}

/// Tells [`load`] which page this is, so it fetches that page's texts (its own
/// lab's and the shared ones): `pages::mount` calls it first.
pub fn set_page(lab: Option<engine::LabId>) {
    PAGE.with(|p| p.set(lab));
}

/// Makes sure `lang`'s texts are there: the browser build carries only the catalogue's
/// keys and fetches the reader's language for this page (`i18n/<lang>-<page>-<id>.txt`, written by `cargo
/// xtask` beside the pages); elsewhere the texts are compiled in and this returns at
/// once. The error says which file and why, for the page to show.
pub async fn load(lang: Lang) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    if engine::i18n::is_loaded(lang) {
        return Ok(());
    }
    let page = PAGE.with(std::cell::Cell::get);
    let file = engine::i18n::texts_file(lang, page);
    let why = |e: wasm_bindgen::JsValue| {
        format!(
            "{file}: {}",
            e.as_string()
                .or_else(|| e
                    .dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message())))
                .unwrap_or_default()
        )
    };
    let response: FetchResponse = JsFuture::from(fetch_url(&file))
        .await
        .map_err(why)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("{file}: HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text()).await.map_err(why)?;
    engine::i18n::load(lang, page, &text.as_string().unwrap_or_default())
}

/// Switches the page to `lang`, once its texts are there (at once when they are). If
/// they cannot be loaded, the page stays in its language and says why.
pub fn switch(i18n: I18n, lang: Lang) {
    if engine::i18n::is_loaded(lang) {
        i18n.lang.set(lang);
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        match load(lang).await {
            Ok(()) => i18n.lang.set(lang),
            Err(e) => {
                // Put the picker back on the language shown.
                i18n.lang.update(|_| {});
                let now = i18n.lang.get_untracked();
                let message = format!("{}\n\n{e}", t(now, "ui.lang_load_failed"));
                leptos::logging::error!("{message}");
                if let Some(w) = web_sys::window() {
                    let _ = w.alert_with_message(&message);
                }
            }
        }
    });
}

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

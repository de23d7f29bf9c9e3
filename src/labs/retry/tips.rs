//! What a bar of the request timeline or a stretch of a strip says, by
//! pointer, tap or keyboard — not only by hover. The views are markup redrawn
//! whole (see `markup.rs`); each part with something to say carries it in a
//! `data-tip` attribute (and a hover `title`). Tapping or clicking a part, or
//! stepping through the parts with ← → (Home, End) while the view has focus,
//! writes its text in a line under the view, a polite live region, as tapping
//! a stage node does (`stage.rs`): readable on a phone, by keyboard and by a
//! screen reader.

use engine::i18n::t;
use engine::Lang;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The picked part of one view: its text, and its place among the view's
/// `[data-tip]` parts (for the keyboard's next and previous).
#[derive(Clone, Copy)]
pub struct Tips {
    text: RwSignal<Option<String>>,
    index: StoredValue<Option<usize>>,
}

const PICKED: &str = "tip-picked";

fn parts(container: &web_sys::Element) -> Vec<web_sys::Element> {
    let Ok(list) = container.query_selector_all("[data-tip]") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .collect()
}

impl Tips {
    pub fn new() -> Self {
        Tips {
            text: RwSignal::new(None),
            index: StoredValue::new(None),
        }
    }

    fn pick(self, all: &[web_sys::Element], i: usize) {
        for el in all {
            let _ = el.class_list().remove_1(PICKED);
        }
        if let Some(el) = all.get(i) {
            let _ = el.class_list().add_1(PICKED);
            self.index.set_value(Some(i));
            self.text.set(el.get_attribute("data-tip"));
        }
    }

    /// A click or tap inside `container`: the part under it, if any.
    pub fn click(self, container: Option<web_sys::Element>, ev: &web_sys::MouseEvent) {
        let Some(container) = container else { return };
        let Some(target) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let Ok(Some(part)) = target.closest("[data-tip]") else {
            return;
        };
        let all = parts(&container);
        if let Some(i) = all.iter().position(|el| *el == part) {
            self.pick(&all, i);
        }
    }

    /// ← → Home End while `container` has focus: the previous, next, first or
    /// last part. The key goes no further (the player's ← → would step the run).
    pub fn key(self, container: Option<web_sys::Element>, ev: &web_sys::KeyboardEvent) {
        let Some(container) = container else { return };
        if ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
            return;
        }
        let all = parts(&container);
        if all.is_empty() {
            return;
        }
        let last = all.len() - 1;
        let now = self.index.get_value().map(|i| i.min(last));
        let next = match ev.key().as_str() {
            "ArrowRight" => now.map_or(0, |i| (i + 1).min(last)),
            "ArrowLeft" => now.map_or(last, |i| i.saturating_sub(1)),
            "Home" => 0,
            "End" => last,
            _ => return,
        };
        ev.prevent_default();
        ev.stop_propagation();
        self.pick(&all, next);
    }

    /// The line under the view: the picked part's text, or how to pick one.
    pub fn line(self, lang: Signal<Lang>, testid: &'static str) -> impl IntoView {
        let text = self.text;
        view! {
            <p class="tip-detail" data-testid=testid aria-live="polite">
                {move || text.get().unwrap_or_else(|| t(lang.get(), "retry.tip_hint").to_string())}
            </p>
        }
    }
}

//! Embed mode (`?embed=1`): the lab without site chrome, paused unless
//! `autoplay=1`, paused while scrolled out of view, and telling the parent
//! page its height so the iframe can fit it.

use crate::player::Clock;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// How the page was opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmbedMode {
    pub embedded: bool,
    pub autoplay: bool,
}

impl EmbedMode {
    pub fn from_url() -> Self {
        EmbedMode {
            embedded: crate::browser::query_flag("embed"),
            autoplay: crate::browser::query_flag("autoplay"),
        }
    }
}

/// The message posted to the parent page: `{type: "cloud-patterns-playground:height", height}`.
pub const HEIGHT_MESSAGE: &str = "cloud-patterns-playground:height";

/// Posts the document's height to the parent whenever it changes.
pub fn report_height() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(body) = window.document().and_then(|d| d.body()) else {
        return;
    };
    let post = move || {
        let Some(w) = web_sys::window() else { return };
        let Some(doc) = w.document().and_then(|d| d.document_element()) else {
            return;
        };
        let height = doc.scroll_height();
        let msg = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&msg, &"type".into(), &HEIGHT_MESSAGE.into());
        let _ = js_sys::Reflect::set(&msg, &"height".into(), &height.into());
        if let Ok(Some(parent)) = w.parent() {
            let _ = parent.post_message(&msg, "*");
        }
    };
    post();
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries: js_sys::Array| post());
    if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(&body);
        // The observer lives as long as the page.
        std::mem::forget(observer);
    }
    callback.forget();
}

/// Pauses the clock while `element_id` is out of view; resumes if it paused it.
/// Call it from the component that renders the element: the observer is attached
/// on the next animation frame (once the element is in the DOM) and detached when
/// that component goes away.
pub fn pause_when_hidden(clock: Clock, element_id: &'static str) {
    let owner = Owner::current();
    request_animation_frame(move || {
        let paused_by_us = std::rc::Rc::new(std::cell::Cell::new(false));
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let visible = entries
                .iter()
                .filter_map(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
                .any(|e| e.is_intersecting());
            let Some(playing) = clock.playing.try_get_untracked() else {
                return;
            };
            if !visible && playing {
                paused_by_us.set(true);
                clock.playing.try_set(false);
            } else if visible && paused_by_us.get() {
                paused_by_us.set(false);
                if clock.finished.try_get_untracked() == Some(false) {
                    clock.playing.try_set(true);
                }
            }
        });
        let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(element_id))
        else {
            return;
        };
        if let Ok(observer) = web_sys::IntersectionObserver::new(callback.as_ref().unchecked_ref())
        {
            observer.observe(&el);
            let observer = send_wrapper::SendWrapper::new(observer);
            match owner {
                Some(owner) => owner.with(|| on_cleanup(move || observer.disconnect())),
                None => std::mem::forget(observer),
            }
        }
        callback.forget();
    });
}

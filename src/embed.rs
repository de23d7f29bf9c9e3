//! Embed mode (`?embed=1`): the lab without site chrome, in its compact
//! layout, paused unless `autoplay=1`, paused while scrolled out of view, and
//! telling the parent page its height so the iframe can fit it — in our own
//! message (for the optional script in the snippet) and as Canvas's
//! `lti.frameResize`. The snippet itself needs no script: its frame is
//! `COMPACT_HEIGHT` tall, which is what a compact lab fills.

use crate::player::Clock;
use leptos::prelude::*;
use std::cell::Cell;
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

    /// Whether a lab shows its compact layout (`LabLayout`'s `compact`):
    /// every embed does, since a course page frames it at a fixed height.
    pub fn compact(&self) -> bool {
        self.embedded
    }
}

/// The message posted to the parent page: `{type: "cloud-patterns-playground:height", height}`.
pub const HEIGHT_MESSAGE: &str = "cloud-patterns-playground:height";

/// The height, in CSS pixels, that a compact embed reports and that the
/// snippet gives its frame. The compact layout fills its frame and never
/// grows, so this is all the parent needs.
pub const COMPACT_HEIGHT: i32 = 720;

thread_local! {
    /// How many compact labs are mounted (a count, not a flag: on a
    /// navigation the new page may mount before the old one is cleaned up).
    static COMPACT_PAGES: Cell<u32> = const { Cell::new(0) };
    /// The height last posted, so an unchanged height is not posted again.
    static LAST_POSTED: Cell<i32> = const { Cell::new(-1) };
}

/// Tells the height reporter that a compact lab was mounted (`true`) or
/// cleaned up (`false`), and reports the height.
pub fn set_compact_page(mounted: bool) {
    COMPACT_PAGES.with(|c| {
        c.set(if mounted {
            c.get() + 1
        } else {
            c.get().saturating_sub(1)
        })
    });
    if EmbedMode::from_url().embedded {
        // After this render, once the layout is in the DOM.
        request_animation_frame(post_height);
    }
}

/// The height to report: a compact lab's fixed height, or the document's.
pub fn height_to_report(compact: bool, scroll_height: i32) -> i32 {
    if compact {
        COMPACT_HEIGHT
    } else {
        scroll_height.max(0)
    }
}

/// Canvas's resize request, `{"subject":"lti.frameResize","height":720}`, as a
/// JSON string: Canvas parses strings and takes objects (since 2018), older
/// Canvas and Sakai/Tsugi parse strings only, so a string works everywhere.
pub fn lti_frame_resize(height: i32) -> String {
    format!("{{\"subject\":\"lti.frameResize\",\"height\":{height}}}")
}

/// Posts the height to the parent, in our own message and as Canvas's
/// `lti.frameResize`, unless it was the height posted last.
fn post_height() {
    let Some(w) = web_sys::window() else { return };
    let Some(doc) = w.document().and_then(|d| d.document_element()) else {
        return;
    };
    let height = height_to_report(COMPACT_PAGES.with(Cell::get) > 0, doc.scroll_height());
    if LAST_POSTED.with(|l| l.replace(height)) == height {
        return;
    }
    let Ok(Some(parent)) = w.parent() else { return };
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &"type".into(), &HEIGHT_MESSAGE.into());
    let _ = js_sys::Reflect::set(&msg, &"height".into(), &height.into());
    let _ = parent.post_message(&msg, "*");
    let _ = parent.post_message(&lti_frame_resize(height).into(), "*");
}

/// Posts the page's height to the parent now and whenever it changes.
pub fn report_height() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(body) = window.document().and_then(|d| d.body()) else {
        return;
    };
    // The first report waits for the first frame, when the page is mounted:
    // an empty document's height would shrink the frame for a moment.
    request_animation_frame(post_height);
    let callback =
        Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries: js_sys::Array| post_height());
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

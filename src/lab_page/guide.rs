//! Presets and their guides, for any lab: the preset picker (chips on wide
//! screens, a select on phones), the "try this" guide — which stays visible,
//! marked *modified*, when a setting or the seed changes, with a way back —
//! and the caption of the guided moment the player stopped at.

use crate::i18n::tr;
use crate::player::Clock;
use engine::i18n::t;
use engine::LabId;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

fn preset_key(lab: LabId, id: &str, what: &str) -> String {
    format!("preset.{}.{}.{}", lab.slug(), id, what)
}

/// The presets as chips (wide screens) and as a select (phones): the same
/// choice, two presentations, so the first screen of a phone shows the stage.
#[component]
pub fn PresetPicker(
    lab: LabId,
    ids: Vec<&'static str>,
    current: Signal<Option<&'static str>>,
    origin: Signal<Option<&'static str>>,
    pick: Callback<&'static str>,
) -> impl IntoView {
    let lang = crate::i18n::use_i18n().lang;
    let chips = ids
        .iter()
        .map(|&id| {
            let key = preset_key(lab, id, "title");
            view! {
                <li>
                    <button
                        class="chip"
                        data-testid=format!("preset-{id}")
                        aria-pressed=move || (current.get() == Some(id)).to_string()
                        on:click=move |_| pick.run(id)
                    >
                        {move || t(lang.get(), &key).to_string()}
                    </button>
                </li>
            }
        })
        .collect_view();
    let options = ids
        .iter()
        .map(|&id| {
            let key = preset_key(lab, id, "title");
            view! {
                <option value=id selected=move || origin.get() == Some(id)>
                    {move || t(lang.get(), &key).to_string()}
                </option>
            }
        })
        .collect_view();
    let ids_for_select = ids.clone();
    // What the select shows, whole and wrapping (a select cuts a long preset
    // name at a phone's width): a face under the invisible native select, so
    // a tap still opens the phone's own picker.
    let face = move || {
        let l = lang.get();
        match origin.get() {
            Some(id) => t(l, &preset_key(lab, id, "title")).to_string(),
            None => t(l, "ui.pick_preset").to_string(),
        }
    };
    view! {
        <nav class="presets" aria-labelledby="presets-title">
            <h2 id="presets-title" class="small-title">{tr("ui.presets")}</h2>
            <ul class="preset-chips">{chips}</ul>
            <label class="preset-select">
                <span class="visually-hidden">{tr("ui.presets")}</span>
                <span class="preset-select-face" aria-hidden="true" data-testid="preset-select-face">{face}</span>
                <select
                    data-testid="preset-select"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(id) = ids_for_select.iter().find(|id| **id == v) {
                            pick.run(id);
                        }
                    }
                >
                    <option value="" disabled=true selected=move || origin.get().is_none()>
                        {tr("ui.pick_preset")}
                    </option>
                    {options}
                </select>
            </label>
        </nav>
    }
}

/// Calls `measure` now, whenever `el` changes size, and on `el`'s scroll
/// events, until the owner is cleaned up.
fn watch(el: &web_sys::Element, measure: impl Fn() + 'static) {
    let measure = std::rc::Rc::new(measure);
    measure();
    let on_resize = {
        let m = measure.clone();
        Closure::<dyn FnMut()>::new(move || m())
    };
    let on_scroll = {
        let m = measure.clone();
        Closure::<dyn FnMut()>::new(move || m())
    };
    let _ = el.add_event_listener_with_callback("scroll", on_scroll.as_ref().unchecked_ref());
    if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
        observer.observe(el);
        let kept = send_wrapper::SendWrapper::new((observer, on_resize, on_scroll, el.clone()));
        on_cleanup(move || {
            let (observer, _resize, scroll, el) = kept.take();
            observer.disconnect();
            let _ =
                el.remove_event_listener_with_callback("scroll", scroll.as_ref().unchecked_ref());
        });
    }
}

/// The guide's text, in a box that may be shorter than the text (a phone,
/// the compact embed): while more of it lies below what is shown, a fade and
/// a "more ↓" button say so, and the button scrolls the rest into view — so
/// the guide's conclusion, its last lines, is never silently out of sight.
/// The same watch tells whether the preset's name in the title is `cut`
/// (the compact embed keeps it to one line, with an ellipsis).
#[component]
fn GuideText(text: String, cut: RwSignal<bool>) -> impl IntoView {
    let lang = crate::i18n::use_i18n().lang;
    let node = NodeRef::<leptos::html::P>::new();
    let more = RwSignal::new(false);
    Effect::new(move |_| {
        let Some(p) = node.get() else { return };
        let el: web_sys::Element = p.into();
        let measure = {
            let el = el.clone();
            move || {
                let below = el.scroll_height() - el.client_height() - el.scroll_top();
                let now = below > 2;
                if more.get_untracked() != now {
                    more.set(now);
                }
                // Unfolded while it has focus, so it counts as cut then too.
                let name = el
                    .parent_element()
                    .and_then(|g| g.parent_element())
                    .and_then(|g| g.query_selector(".guide-preset").ok().flatten());
                if let Some(name) = name {
                    let focused = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.active_element())
                        .is_some_and(|a| a == name);
                    let now = focused || name.scroll_width() > name.client_width() + 1;
                    if cut.get_untracked() != now {
                        cut.set(now);
                    }
                }
            }
        };
        watch(&el, measure);
    });
    let scroll_on = move |_| {
        if let Some(p) = node.get_untracked() {
            let el: web_sys::Element = p.into();
            // Most of a box's height at a time, so a line stays for context
            // (smoothly, by the box's `scroll-behavior`, unless motion is reduced).
            let step = (el.client_height() as f64 * 0.8).max(16.0);
            el.set_scroll_top(el.scroll_top() + step as i32);
        }
    };
    view! {
        <div class="guide-text" class:has-more=move || more.get()>
            <p node_ref=node data-testid="guide-text">{text}</p>
            {move || more.get().then(|| view! {
                <button
                    class="guide-more"
                    data-testid="guide-more"
                    aria-label=move || t(lang.get(), "ui.guide_more_label").to_string()
                    on:click=scroll_on
                >
                    {tr("ui.guide_more")}
                </button>
            })}
        </div>
    }
}

/// The "try this" guide of the preset the user started from. After an edit
/// it stays, marked modified, with a button back to the preset as it was.
#[component]
pub fn GuidePanel(
    lab: LabId,
    current: Signal<Option<&'static str>>,
    origin: Signal<Option<&'static str>>,
    guide_on: RwSignal<bool>,
    has_moments: Signal<bool>,
    back: Callback<&'static str>,
) -> impl IntoView {
    let lang = crate::i18n::use_i18n().lang;
    move || {
        let id = origin.get()?;
        let modified = current.get() != Some(id);
        let lang_now = lang.get();
        let title = t(lang_now, &preset_key(lab, id, "title")).to_string();
        let text = guide_text(lang_now, &preset_key(lab, id, "guide"));
        let cut = RwSignal::new(false);
        let full = title.clone();
        Some(view! {
            <div class="guide" class:modified=modified data-testid="guide" data-preset=id>
                <h3 class="small-title">
                    <span class="guide-try">{tr("ui.try_this")}</span>
                    // On a phone the preset select just above names the preset.
                    // Cut to one line in the compact embed: then whole on hover
                    // (a title) and on focus (it unfolds; focusable only while cut).
                    <span
                        class="guide-preset"
                        data-testid="guide-preset"
                        title=move || cut.get().then(|| full.clone())
                        tabindex=move || cut.get().then_some("0")
                    >
                        <span aria-hidden="true">" — "</span>
                        {title}
                    </span>
                    {modified.then(|| view! {
                        <span class="badge warn" data-testid="guide-modified">{tr("ui.modified")}</span>
                    })}
                </h3>
                <GuideText text=text cut=cut />
                <div class="guide-actions">
                    {modified.then(|| view! {
                        <button class="btn" data-testid="guide-back" on:click=move |_| back.run(id)>
                            <span aria-hidden="true">"↩"</span>
                            " "
                            {tr("ui.back_to_preset")}
                        </button>
                    })}
                    <Show when=move || has_moments.get()>
                        <label class="guide-toggle">
                            <input
                                type="checkbox"
                                data-testid="guide-on"
                                prop:checked=move || guide_on.get()
                                on:change=move |ev| guide_on.set(event_target_checked(&ev))
                            />
                            " "
                            // Short beside a cut title at a moment in the compact
                            // embed ("Tormenta de…": the long label took the line).
                            <span class="toggle-long">{tr("ui.guide_moments")}</span>
                            <span class="toggle-short" aria-hidden="true">{tr("ui.guide_moments_short")}</span>
                        </label>
                    </Show>
                </div>
            </div>
        })
    }
}

/// A moment's caption whose top is lower than this share of the window is
/// scrolled up to [`MOMENT_MARGIN_PX`] under the player bar.
pub const MOMENT_LOW: f64 = 0.4;
pub const MOMENT_MARGIN_PX: f64 = 8.0;
/// A caption hidden under the player bar, or above the window by less than
/// this share of it (the reader watches the stage just below it), is brought
/// down to the same place; one further up is left where it is (the reader is
/// below, in the metrics).
pub const MOMENT_ABOVE: f64 = 0.5;

/// The caption of the guided moment the player paused on (with the guide
/// on), shown over the stage cards until play is pressed again.
#[component]
pub fn MomentCaption(clock: Clock) -> impl IntoView {
    let lang = crate::i18n::use_i18n().lang;
    let guide = clock.guide;
    // Paused at a moment with its caption low on the screen or below it (at
    // 1440×900 the stage starts near the fold): the page scrolls the caption
    // to the top, with the stage under it, as a guided tour points. Hidden
    // under the player bar or just above the window (the reader scrolled down
    // to the stage's lower rows), it comes down under the bar. Not in the
    // compact embed (it fits its frame), nor when the reader has scrolled
    // far past it (reading the metrics below).
    let node = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if guide.current.get().is_none() {
            return;
        }
        let Some(el) = node.get() else { return };
        let Some(window) = web_sys::window() else {
            return;
        };
        let compact = window
            .document()
            .and_then(|d| d.query_selector(".lab.compact").ok().flatten())
            .is_some();
        let vh = window
            .inner_height()
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        let rect = el.get_bounding_client_rect();
        let top = rect.top();
        // Under the player bar, which stays at the top of the window.
        let bar = window
            .document()
            .and_then(|d| d.query_selector(".lab-player").ok().flatten())
            .map_or(0.0, |p| p.get_bounding_client_rect().height());
        let low = top > vh * MOMENT_LOW;
        let hidden = top < bar && rect.bottom() > -vh * MOMENT_ABOVE;
        if !compact && vh > 0.0 && (low || hidden) {
            window.scroll_by_with_x_and_y(0.0, top - bar - MOMENT_MARGIN_PX);
        }
    });
    move || {
        let moment = guide.current.get()?;
        let lang = lang.get();
        let (n, of) = guide.moments.with(|ms| {
            (
                ms.iter().position(|m| *m == moment).map_or(0, |i| i + 1),
                ms.len(),
            )
        });
        Some(view! {
            <div class="moment-caption" role="status" data-testid="moment-caption" data-at=moment.at_ms node_ref=node>
                <span class="moment-step">{format!("{n}/{of}")}</span>
                " "
                <span class="moment-time">{crate::charts::fmt_ms(lang, moment.at_ms as f64)}</span>
                " — "
                {guide_text(lang, &moment.caption_key)}
                " "
                // Not at a moment the run ends on: nothing goes on. A button,
                // not a hint: on a phone the caption is scrolled into view and
                // the player bar, which does not stick there, is out of it.
                {move || (!clock.finished.get()).then(|| view! {
                    <button type="button" class="moment-hint" data-testid="moment-play" on:click=move |_| clock.toggle()>
                        {t(lang, "ui.moment_continue").to_string()}
                    </button>
                })}
            </div>
        })
    }
}

/// A guide's or a moment's text; in the compact embed its `.compact`
/// variant where the catalogue has one. The embed leaves out some of the
/// page (the choreography lab's "Where is order #N?" and sequence diagram),
/// and a caption sending the reader there pointed at nothing.
pub fn guide_text(lang: engine::Lang, key: &str) -> String {
    if crate::embed::EmbedMode::from_url().compact() {
        let compact = format!("{key}.compact");
        if engine::i18n::has(&compact) {
            return t(lang, &compact).to_string();
        }
    }
    t(lang, key).to_string()
}

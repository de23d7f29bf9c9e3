//! Presets and their guides, for any lab: the preset picker (chips on wide
//! screens, a select on phones), the "try this" guide — which stays visible,
//! marked *modified*, when a setting or the seed changes, with a way back —
//! and the caption of the guided moment the player stopped at.

use crate::i18n::tr;
use crate::player::Clock;
use engine::i18n::t;
use engine::LabId;
use leptos::prelude::*;

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
    view! {
        <nav class="presets" aria-labelledby="presets-title">
            <h2 id="presets-title" class="small-title">{tr("ui.presets")}</h2>
            <ul class="preset-chips">{chips}</ul>
            <label class="preset-select">
                <span class="visually-hidden">{tr("ui.presets")}</span>
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
        let text = t(lang_now, &preset_key(lab, id, "guide")).to_string();
        Some(view! {
            <div class="guide" class:modified=modified data-testid="guide" data-preset=id>
                <h3 class="small-title">
                    {tr("ui.try_this")}
                    // On a phone the preset select just above names the preset.
                    <span class="guide-preset">" — " {title}</span>
                    {modified.then(|| view! {
                        <span class="badge warn" data-testid="guide-modified">{tr("ui.modified")}</span>
                    })}
                </h3>
                <p>{text}</p>
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
                            {tr("ui.guide_moments")}
                        </label>
                    </Show>
                </div>
            </div>
        })
    }
}

/// The caption of the guided moment the player paused on (with the guide
/// on), shown over the stage cards until play is pressed again.
#[component]
pub fn MomentCaption(clock: Clock) -> impl IntoView {
    let lang = crate::i18n::use_i18n().lang;
    let guide = clock.guide;
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
            <div class="moment-caption" role="status" data-testid="moment-caption" data-at=moment.at_ms>
                <span class="moment-step">{format!("{n}/{of}")}</span>
                " "
                <span class="moment-time">{crate::charts::fmt_ms(lang, moment.at_ms as f64)}</span>
                " — "
                {t(lang, &moment.caption_key).to_string()}
                " "
                <span class="moment-hint">{t(lang, "ui.moment_continue").to_string()}</span>
            </div>
        })
    }
}

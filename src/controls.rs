//! Generic controls for a lab's config: every parameter shows its label, its
//! value with units, and a one-line explanation. A field edits one value of a
//! config through a getter and a setter, so a lab's panel is a list of fields
//! and no field knows about patterns.

use crate::i18n::{tr, use_i18n};
use engine::i18n::t;
use engine::patterns::service::LatencyShape;
use leptos::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering};

static NEXT_ID: AtomicU32 = AtomicU32::new(0);

/// A numeric binding into a lab's config: a reactive value and a setter, for
/// a [`NumberField`]. The getter and setter are boxed, so the binding's body is
/// compiled once per config type, not once per field.
pub fn bind<C: Send + Sync + 'static>(
    config: RwSignal<C>,
    get: impl Fn(&C) -> f64 + Send + Sync + 'static,
    set: impl Fn(&mut C, f64) + Send + Sync + 'static,
) -> (Signal<f64>, Callback<f64>) {
    bind_boxed(config, Box::new(get), Box::new(set))
}

/// A yes/no binding into a lab's config, for a [`ToggleField`].
pub fn bind_bool<C: Send + Sync + 'static>(
    config: RwSignal<C>,
    get: impl Fn(&C) -> bool + Send + Sync + 'static,
    set: impl Fn(&mut C, bool) + Send + Sync + 'static,
) -> (Signal<bool>, Callback<bool>) {
    bind_boxed(config, Box::new(get), Box::new(set))
}

/// A choice binding into a lab's config (the option's value as text), for a
/// [`ChoiceField`].
pub fn bind_choice<C: Send + Sync + 'static>(
    config: RwSignal<C>,
    get: impl Fn(&C) -> &'static str + Send + Sync + 'static,
    set: impl Fn(&mut C, &str) + Send + Sync + 'static,
) -> (Signal<String>, Callback<String>) {
    (
        Signal::derive(move || config.with(|c| get(c).to_string())),
        Callback::new(move |v: String| config.update(|c| set(c, &v))),
    )
}

#[allow(clippy::type_complexity)]
fn bind_boxed<C: Send + Sync + 'static, T: Clone + Send + Sync + 'static>(
    config: RwSignal<C>,
    get: Box<dyn Fn(&C) -> T + Send + Sync>,
    set: Box<dyn Fn(&mut C, T) + Send + Sync>,
) -> (Signal<T>, Callback<T>) {
    (
        Signal::derive(move || config.with(|c| get(c))),
        Callback::new(move |v| config.update(|c| set(c, v))),
    )
}

/// A latency shape as a [`ChoiceField`] value.
pub fn latency_shape_str(s: LatencyShape) -> &'static str {
    match s {
        LatencyShape::Fixed => "fixed",
        LatencyShape::Uniform => "uniform",
        LatencyShape::Exponential => "exponential",
        LatencyShape::LogNormal => "log_normal",
        LatencyShape::Normal => "normal",
    }
}

/// The latency shape a [`ChoiceField`] value names (log-normal, the default,
/// for anything else).
pub fn latency_shape_from(s: &str) -> LatencyShape {
    match s {
        "fixed" => LatencyShape::Fixed,
        "uniform" => LatencyShape::Uniform,
        "exponential" => LatencyShape::Exponential,
        "normal" => LatencyShape::Normal,
        _ => LatencyShape::LogNormal,
    }
}

/// Every latency shape, as (value, label key) options.
pub const LATENCY_SHAPES: [(&str, &str); 5] = [
    ("fixed", "opt.fixed_latency"),
    ("uniform", "opt.uniform"),
    ("exponential", "opt.exponential_latency"),
    ("log_normal", "opt.log_normal"),
    ("normal", "opt.normal_latency"),
];

/// A unique DOM id for a label/input pair.
pub fn field_id(prefix: &str) -> String {
    format!("{prefix}-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed))
}

/// A numeric field: a number box (and a slider when `slider` is on), clamped
/// to `[min, max]`. `scale` turns the stored value into the shown one (e.g.
/// 100 to show a 0–1 rate as %, 0.001 to show ms as seconds).
#[component]
pub fn NumberField(
    /// Catalogue key of the label.
    label: &'static str,
    /// Catalogue key of the one-line help.
    help: &'static str,
    /// Catalogue key of the unit ("ms", "%", …), if any.
    #[prop(optional)]
    unit: Option<&'static str>,
    #[prop(into)] value: Signal<f64>,
    #[prop(into)] on_change: Callback<f64>,
    min: f64,
    max: f64,
    #[prop(default = 1.0)] step: f64,
    #[prop(default = 1.0)] scale: f64,
    #[prop(optional)] slider: bool,
    /// A stable test id.
    #[prop(optional)]
    testid: &'static str,
) -> impl IntoView {
    let id = field_id("f");
    let help_id = format!("{id}-help");
    let shown = move || {
        let v = value.get() * scale;
        let r = (v * 1000.0).round() / 1000.0;
        engine::num::Short(r).to_string()
    };
    let commit = move |raw: String| {
        let Some(v) = crate::browser::parse_f64(&raw.trim().replace(',', ".")) else {
            return;
        };
        if !v.is_finite() {
            return;
        }
        let v = engine::num::clamp(v / scale, min, max);
        on_change.run(v);
    };
    // As text: an f64 attribute would format through std's float printer.
    let lo = engine::num::Short(min * scale).to_string();
    let hi = engine::num::Short(max * scale).to_string();
    let st = engine::num::Short(step * scale).to_string();
    let help_id2 = help_id.clone();
    view! {
        <div class="field" data-testid=testid>
            <label for=id.clone()>{tr(label)}</label>
            <div class="field-input">
                {slider.then(|| {
                    view! {
                        <input
                            type="range"
                            min=lo.clone()
                            max=hi.clone()
                            step=st.clone()
                            tabindex="-1"
                            aria-hidden="true"
                            prop:value=shown
                            on:input=move |ev| commit(event_target_value(&ev))
                        />
                    }
                })}
                <input
                    id=id
                    type="number"
                    min=lo
                    max=hi
                    step=st
                    aria-describedby=help_id2
                    prop:value=shown
                    on:change=move |ev| commit(event_target_value(&ev))
                />
                {unit.map(|u| view! { <span class="unit">{tr(u)}</span> })}
            </div>
            <small id=help_id class="help">{tr(help)}</small>
        </div>
    }
}

/// A choice among a few options (a `<select>`). Options are `(value, label key)`.
#[component]
pub fn ChoiceField(
    label: &'static str,
    help: &'static str,
    options: Vec<(&'static str, &'static str)>,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_change: Callback<String>,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let id = field_id("c");
    let help_id = format!("{id}-help");
    let lang = use_i18n().lang;
    view! {
        <div class="field" data-testid=testid>
            <label for=id.clone()>{tr(label)}</label>
            <div class="field-input">
                <select
                    id=id
                    aria-describedby=help_id.clone()
                    on:change=move |ev| on_change.run(event_target_value(&ev))
                    prop:value=move || value.get()
                >
                    {options
                        .into_iter()
                        .map(|(v, key)| {
                            view! {
                                <option value=v selected=move || value.get() == v>
                                    {move || t(lang.get(), key).to_string()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <small id=help_id class="help">{tr(help)}</small>
        </div>
    }
}

/// An on/off switch (a checkbox).
#[component]
pub fn ToggleField(
    label: &'static str,
    help: &'static str,
    #[prop(into)] value: Signal<bool>,
    #[prop(into)] on_change: Callback<bool>,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let id = field_id("t");
    let help_id = format!("{id}-help");
    view! {
        <div class="field toggle" data-testid=testid>
            <input
                id=id.clone()
                type="checkbox"
                aria-describedby=help_id.clone()
                prop:checked=move || value.get()
                on:change=move |ev| on_change.run(event_target_checked(&ev))
            />
            <label for=id>{tr(label)}</label>
            <small id=help_id class="help">{tr(help)}</small>
        </div>
    }
}

/// A titled group of fields.
#[component]
pub fn FieldGroup(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <fieldset class="field-group">
            <legend>{tr(title)}</legend>
            {children()}
        </fieldset>
    }
}

//! Generic controls for a lab's config: every parameter shows its label, its
//! value with units, and a one-line explanation. A field edits one value of a
//! config through a getter and a setter, so a lab's panel is a list of fields
//! and no field knows about patterns.

use crate::i18n::{tr, use_i18n};
use engine::i18n::{t, tf};
use engine::patterns::service::LatencyShape;
use engine::validate::ConfigError;
use leptos::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering};

static NEXT_ID: AtomicU32 = AtomicU32::new(0);

/// What the settings panel says beside a field: the engine's errors for the
/// config as it now stands (the lab page provides it), each under the field
/// whose change brought it. The panel's own list sits at its top, thousands
/// of pixels from a field on a phone; the change that caused an error is
/// where the reader is looking.
#[derive(Clone, Copy)]
pub struct FieldFeedback {
    pub errors: RwSignal<Vec<ConfigError>>,
    /// The field changed last (its number from [`NEXT_ID`]).
    pub last: RwSignal<Option<u32>>,
    /// Each error still standing, with the field changed when it appeared:
    /// it stays there while other fields change (it moved to whichever
    /// field was edited next, and piled up there).
    owners: RwSignal<Vec<(ConfigError, u32)>>,
    /// Config paths the panel's fields set, each with its field's label key
    /// (`[]` for any index): the engine's errors name a path
    /// (`metadata.replication`), the reader sees a label.
    names: StoredValue<Vec<(String, &'static str)>>,
}

/// A config path with each `[n]` as `[]`, and the first `n` (a row, a step).
fn path_shape(path: &str) -> (String, Option<usize>) {
    let mut shape = String::with_capacity(path.len());
    let mut first = None;
    let mut rest = path;
    while let Some(open) = rest.find('[') {
        shape.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        let close = rest.find(']').unwrap_or(rest.len());
        if first.is_none() {
            first = rest[..close].parse::<usize>().ok();
        }
        rest = &rest[close..];
    }
    shape.push_str(rest);
    (shape, first)
}

impl FieldFeedback {
    pub fn new(errors: RwSignal<Vec<ConfigError>>) -> Self {
        let last = RwSignal::new(None::<u32>);
        let owners = RwSignal::new(Vec::<(ConfigError, u32)>::new());
        Effect::new(move |_| {
            let now = errors.get();
            let by = last.get_untracked();
            owners.update(|o| {
                o.retain(|(e, _)| now.contains(e));
                for e in &now {
                    if let (Some(by), false) = (by, o.iter().any(|(x, _)| x == e)) {
                        o.push((e.clone(), by));
                    }
                }
            });
        });
        Self {
            errors,
            last,
            owners,
            names: StoredValue::new(Vec::new()),
        }
    }

    /// The errors that field `me`'s changes brought, still standing.
    fn of(&self, me: u32) -> Vec<ConfigError> {
        self.owners.with(|o| {
            o.iter()
                .filter(|(_, by)| *by == me)
                .map(|(e, _)| e.clone())
                .collect()
        })
    }

    /// Says that config `path` is set by the field labelled `label`: `[]`
    /// for any row or step (then said with its number), `[0]` for that one.
    pub fn name(&self, path: &str, label: &'static str) {
        self.names.update_value(|n| {
            if !n.iter().any(|(p, _)| p == path) {
                n.push((path.to_string(), label));
            }
        });
    }

    /// An engine error as the reader sees it: the setting named by its
    /// field's label (and its row or step, counted from 1) where a field
    /// said it sets that path, else by the path.
    pub fn describe(&self, e: &ConfigError, lang: engine::Lang) -> String {
        // The settings a run's size names, to lower, likewise.
        let mut e = e.clone();
        if let engine::validate::Problem::TooMuchWork { lower, .. } = &mut e.problem {
            for path in lower.iter_mut() {
                if let Some(name) = self.named(path, lang) {
                    *path = name;
                }
            }
        }
        match self.named(&e.field, lang) {
            Some(name) => e.describe_as(lang, &name),
            None => e.describe(lang),
        }
    }

    /// Config `path` by its field's label, quoted, with its row or step.
    fn named(&self, path: &str, lang: engine::Lang) -> Option<String> {
        // (try_: the link's message may ask while its lab page is going away.)
        let find = |p: &str| {
            self.names
                .try_with_value(|n| n.iter().find(|(x, _)| x == p).map(|(_, l)| *l))
                .flatten()
        };
        let (label, nth) = match find(path) {
            Some(label) => (label, None),
            None => {
                let (shape, nth) = path_shape(path);
                (find(&shape)?, nth)
            }
        };
        let field = match nth {
            Some(_) if label_says_row(lang, label) => tf(
                lang,
                "ui.field_named",
                &[("field", &label_text(lang, label, nth))],
            ),
            Some(i) => tf(
                lang,
                "ui.field_nth",
                &[
                    (
                        "field",
                        &tf(lang, "ui.field_named", &[("field", &t(lang, label))]),
                    ),
                    ("n", &(i + 1)),
                ],
            ),
            None => tf(lang, "ui.field_named", &[("field", &t(lang, label))]),
        };
        // A label many groups share ("Max attempts" in A and in B, "Permanent
        // failure rate" in every service) is said with its group's.
        let group = self
            .names
            .try_with_value(|n| {
                n.iter()
                    .filter(|(p, _)| p.ends_with('.') && path.starts_with(p.as_str()))
                    .max_by_key(|(p, _)| p.len())
                    .map(|(_, l)| *l)
            })
            .flatten();
        Some(match group {
            Some(g) => tf(
                lang,
                "ui.field_in_group",
                &[("group", &t(lang, g)), ("field", &field)],
            ),
            None => field,
        })
    }
}

/// The field labelled `label` sets config `path`, for the engine's errors to
/// name it so: a no-op without a path, or outside a lab page. (Not through a
/// context a group provides: a component shares its parent's owner, so such a
/// context reached the group's later siblings too.)
pub fn name_path(path: Option<String>, label: &'static str) {
    if let (Some(path), Some(fb)) = (path, use_context::<FieldFeedback>()) {
        fb.name(&path, label);
    }
}

/// The fields under config `prefix` (`compare`, `services.payment`) are a
/// group labelled `label`: their errors name it too ("Payment › “Permanent
/// failure rate”"), where the same label is in several groups.
pub fn name_group(prefix: &str, label: &'static str) {
    if let Some(fb) = use_context::<FieldFeedback>() {
        fb.name(&format!("{prefix}."), label);
    }
}

/// The engine's errors for the whole config, at the top of a lab's panel,
/// each setting named by its field's label where a field gives one.
#[component]
pub fn ConfigErrors(errors: RwSignal<Vec<ConfigError>>) -> impl IntoView {
    let fb = use_context::<FieldFeedback>();
    let lang = use_i18n().lang;
    move || {
        let list = errors.get();
        let lang = lang.get();
        (!list.is_empty()).then(|| {
            let items = list
                .iter()
                .map(|e| fb.map_or_else(|| e.describe(lang), |fb| fb.describe(e, lang)))
                .map(|text| view! { <li>{text}</li> })
                .collect_view();
            view! {
                <div class="config-errors" role="alert" data-testid="config-errors">
                    <strong>{tr("ui.config_errors")}</strong>
                    <ul>{items}</ul>
                </div>
            }
        })
    }
}

/// A field's number, and a callback that marks it as the one changed last.
pub fn feedback_slot() -> (u32, impl Fn() + Copy + Send + Sync + 'static) {
    let me = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let fb = use_context::<FieldFeedback>();
    (me, move || {
        if let Some(fb) = fb {
            fb.last.set(Some(me));
        }
    })
}

/// Under a field: what it could not take as typed (`said`), and the engine's
/// errors that this field's change brought, while they stand (the run keeps
/// its last valid settings until they are fixed). One component for every
/// kind of field, written as markup: its view is compiled once.
#[component]
pub fn FieldNotes(
    me: u32,
    #[prop(optional, into)] said: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let fb = use_context::<FieldFeedback>();
    let lang = use_i18n().lang;
    let html = move || {
        let own = said.and_then(|s| s.get());
        let lang = lang.get();
        let errors = fb.map(|fb| fb.of(me)).unwrap_or_default();
        let mut m = crate::markup::Markup::new();
        let alert = |testid| {
            [
                ("class", "field-error"),
                ("role", "alert"),
                ("data-testid", testid),
            ]
        };
        if let Some(text) = own {
            m.elem("small", &alert("field-error"), &text);
        }
        if !errors.is_empty() {
            m.open("div", &alert("field-not-applied"))
                .elem("strong", &[], t(lang, "ui.field_not_applied"))
                .open("ul", &[]);
            for e in &errors {
                let text = fb.map_or_else(|| e.describe(lang), |fb| fb.describe(e, lang));
                m.elem("li", &[], &text);
            }
            m.close("ul").close("div");
        }
        m.finish()
    };
    view! { <div class="field-notes" inner_html=html></div> }
}

/// What a number field could not take as typed.
#[derive(Clone, Debug, PartialEq)]
enum Refused {
    Empty,
    NotNumber(String),
    /// The text, and the number it was read as when typed (said so in
    /// another language too: "1.000" typed in Spanish is 1000 in English).
    OutOfRange(String, f64),
    /// Taken, but the setting holds another value than the number typed.
    Adjusted(f64),
    /// Taken as the whole number below it (2.5 attempts as 2).
    Whole(f64),
    /// Taken, read as a decimal ("1,000" in Spanish is 1): with the digits
    /// to type for the thousand another language meant ("1000"), and the
    /// language it was read in (another one re-writes the box: the note goes).
    ReadAs(String, String, engine::Lang),
}

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

/// Sets a latency shape from a [`ChoiceField`] value, with its standard
/// deviation: only the normal shape has one (the engine refuses one
/// elsewhere, so leaving it would refuse the switch), and a switch to normal
/// starts at a quarter of the mean. One rule for every lab's latency.
pub fn set_latency_shape(shape: &mut LatencyShape, sd_ms: &mut u64, latency_ms: u64, v: &str) {
    *shape = latency_shape_from(v);
    *sd_ms = match *shape {
        LatencyShape::Normal if *sd_ms == 0 => latency_ms / 4,
        LatencyShape::Normal => *sd_ms,
        _ => 0,
    };
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

/// Whether a field's label says its own row ("Replica R{n} behind by"):
/// then its messages need no "(no. 2)" after it.
fn label_says_row(lang: engine::Lang, label: &str) -> bool {
    t(lang, label).contains("{n}")
}

/// A field's label, with its row (`nth`, 0-based) where the label says it.
fn label_text(lang: engine::Lang, label: &str, nth: Option<usize>) -> String {
    match nth {
        Some(n) if label_says_row(lang, label) => tf(lang, label, &[("n", &(n + 1))]),
        _ => t(lang, label).to_string(),
    }
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
    /// A maximum that follows other settings (racks up to the nodes, a
    /// crash up to the run's end), below `max`: refused in the field, by its
    /// label, rather than by the engine under a config path.
    #[prop(optional, into)]
    max_now: Option<Signal<f64>>,
    /// The config path this field sets, for the engine's errors to name it
    /// by this field's label (`[0]` for that row, `[]` for any).
    #[prop(optional, into)]
    path: Option<String>,
    #[prop(default = 1.0)] step: f64,
    #[prop(default = 1.0)] scale: f64,
    #[prop(optional)] slider: bool,
    /// The row this field is in (0-based), for lists of rows (a script's
    /// steps, crashes, pauses): its messages name it, as the engine's do
    /// ("“At” (no. 2)": a step's own message did not say which step).
    #[prop(optional)]
    nth: Option<usize>,
    /// A stable test id.
    #[prop(optional)]
    testid: &'static str,
) -> impl IntoView {
    let id = field_id("f");
    let help_id = format!("{id}-help");
    let (me, mark) = feedback_slot();
    name_path(path, label);
    let lang = use_i18n().lang;
    // Only a real change re-sets the box: another field's change re-ran the
    // derived value and wrote over what was typed here (a refused "100"
    // turned back into 99.9 under its message).
    let value = Memo::new(move |_| value.get());
    // (To a millionth: an availability target of 99.9999 % read "100".)
    let shown_of = move |v: f64| {
        let v = v * scale;
        let r = (v * 1e6).round() / 1e6;
        engine::num::Short(r).to_string()
    };
    let shown = move || shown_of(value.get());
    // What the field could not take, said under it: typed text is never
    // dropped without a word, nor a number silently clamped.
    let refused = RwSignal::new(None::<Refused>);
    // The value the field was left at; a change from elsewhere (a preset)
    // makes a message about the typed text stale.
    let left_at = StoredValue::new(f64::NAN);
    Effect::new(move |_| {
        let v = value.get();
        let was = left_at.get_value();
        if v != was && !(v.is_nan() && was.is_nan()) {
            refused.set(None);
        }
    });
    let max_of = move || max_now.map_or(max, |m| m.get_untracked().min(max));
    let input = NodeRef::<leptos::html::Input>::new();
    // Typed text as a number, with either decimal mark ("1,5" is 1.5, never 15).
    let read = move |text: &str| {
        engine::i18n::format::typed_number(lang.get_untracked(), text)
            .and_then(|t| crate::browser::parse_f64(&t))
            .filter(|v| v.is_finite())
    };
    // `typed`: the number in `raw` (as shown, e.g. in %), read by the caller.
    // `quiet`: an arrow key's step, kept as the setting holds it (3 from a
    // typed 2,5 and ArrowUp, not "3,5 is set to 3").
    let commit = move |raw: String, typed: Option<f64>, quiet: bool| {
        mark();
        let before = value.get_untracked();
        left_at.set_value(before);
        let text = raw.trim().to_string();
        if text.is_empty() {
            refused.set(Some(Refused::Empty));
            return;
        }
        let Some(typed) = typed else {
            refused.set(Some(Refused::NotNumber(text)));
            return;
        };
        let v = typed / scale;
        let slack = 1e-9 * v.abs().max(1.0);
        let max = max_of();
        if v < min - slack || v > max + slack {
            refused.set(Some(Refused::OutOfRange(text, typed)));
            return;
        }
        let v = engine::num::clamp(v, min, max);
        on_change.run(v);
        let now = value.get_untracked();
        left_at.set_value(now);
        let lang = lang.get_untracked();
        refused.set(if quiet {
            None
        } else if (now - v).abs() > slack {
            // Shown as a whole number (not seconds held to the ms): say so.
            Some(if scale == 1.0 && now.fract() == 0.0 {
                Refused::Whole(typed)
            } else {
                Refused::Adjusted(typed)
            })
        } else {
            engine::i18n::format::read_as_decimal(lang, &text)
                .map(|w| Refused::ReadAs(text, w, lang))
        });
        // The box shows what the setting now holds (typed "1,5 racks" where
        // it holds 1, it went on showing "1,5").
        if let Some(el) = input.get_untracked() {
            el.set_value(&engine::i18n::format::decimal_mark(lang, &shown_of(now)));
        }
    };
    // Typed back to the value the field holds, the box fires no change
    // event (it held that text when last changed): a message about other
    // text ("2.5 is not possible here", after typing 2) would stay.
    let settle = move |raw: String| {
        let typed = read(&raw);
        if typed.is_some_and(|v| shown_of(v / scale) == shown_of(value.get_untracked())) {
            refused.set(None);
        }
    };
    // As text: an f64 attribute would format through std's float printer.
    let lo = engine::num::Short(min * scale).to_string();
    let hi =
        move || engine::num::Short(max_now.map_or(max, |m| m.get().min(max)) * scale).to_string();
    let help_id2 = help_id.clone();
    // A value another setting has since put beyond this field's bound (the
    // run shortened below a crash's time, the nodes below the racks): said
    // here too, where the value is, not only where the change was.
    let beyond = move || {
        let m = max_now?.get().min(max);
        let v = value.get();
        (v > m + 1e-9 * m.abs().max(1.0)).then_some(m)
    };
    let said = Signal::derive(move || {
        let lang = lang.get();
        // A value with its unit, grouped ("1,000 files", "1 file").
        let with_unit = |text: String| {
            let n = said_number(lang, &text);
            match unit {
                Some(u) => format!("{n} {}", unit_for(lang, u, &text)),
                None => n,
            }
        };
        let now = with_unit(shown_of(value.get()));
        // What was typed, as the bounds are written ("99999999" reads
        // "99,999,999", "2.5" reads "2,5" in Spanish).
        let typed = |v: f64| said_number(lang, &engine::num::Short(v).to_string());
        let field = match nth {
            Some(_) if label_says_row(lang, label) => label_text(lang, label, nth),
            Some(n) => tf(
                lang,
                "ui.field_nth",
                &[("field", &t(lang, label)), ("n", &(n + 1))],
            ),
            None => t(lang, label).to_string(),
        };
        let Some(problem) = refused.get() else {
            let m = with_unit(lo_of(beyond()?, scale));
            return Some(tf(
                lang,
                "ui.field_beyond",
                &[("field", &field), ("now", &now), ("max", &m)],
            ));
        };
        let text = match problem {
            Refused::Empty => tf(lang, "ui.field_empty", &[("field", &field), ("now", &now)]),
            Refused::NotNumber(got) => tf(
                lang,
                "ui.field_nan",
                &[("field", &field), ("got", &got), ("now", &now)],
            ),
            Refused::OutOfRange(got, v) => {
                // "1,000" refused as 1 in Spanish: say how it was read.
                let read_as = engine::i18n::format::read_as_decimal(lang, &got);
                tf(
                    lang,
                    if read_as.is_some() {
                        "ui.field_range_read_as"
                    } else {
                        "ui.field_range"
                    },
                    &[
                        ("field", &field),
                        ("got", &typed(v)),
                        ("typed", &got),
                        ("whole", &read_as.unwrap_or_default()),
                        ("min", &said_number(lang, &lo_of(min, scale))),
                        ("max", &with_unit(lo_of(max_of(), scale))),
                        ("now", &now),
                    ],
                )
            }
            Refused::Adjusted(v) => tf(
                lang,
                "ui.field_adjusted",
                &[("field", &field), ("got", &typed(v)), ("now", &now)],
            ),
            Refused::Whole(v) => tf(
                lang,
                "ui.field_whole",
                &[("field", &field), ("got", &typed(v)), ("now", &now)],
            ),
            Refused::ReadAs(_, _, at) if at != lang => return None,
            Refused::ReadAs(got, whole, _) => tf(
                lang,
                "ui.field_read_as",
                &[
                    ("field", &field),
                    ("got", &got),
                    ("now", &now),
                    ("whole", &whole),
                ],
            ),
        };
        Some(text)
    });
    view! {
        <div class="field" data-testid=testid>
            <label for=id.clone()>{move || label_text(lang.get(), label, nth)}</label>
            <div class="field-input">
                {slider.then(|| {
                    let st = engine::num::Short(step * scale).to_string();
                    view! {
                        <input
                            type="range"
                            min=lo.clone()
                            max=hi
                            step=st
                            tabindex="-1"
                            aria-hidden="true"
                            prop:value=shown
                            on:input=move |ev| {
                                let raw = event_target_value(&ev);
                                let v = crate::browser::parse_f64(&raw);
                                commit(raw, v, true)
                            }
                        />
                    }
                })}
                // Text, not `type=number`: Chromium drops a comma as it is
                // typed ("1,5" became 15), whatever the page's language.
                // The arrow keys step by `step`, from the value.
                <input
                    id=id
                    node_ref=input
                    type="text"
                    class="num"
                    inputmode="decimal"
                    autocomplete="off"
                    role="spinbutton"
                    aria-valuemin=lo
                    aria-valuemax=hi
                    aria-valuenow=shown
                    aria-describedby=help_id2
                    aria-invalid=move || {
                        (refused.with(|r| matches!(r, Some(Refused::Empty | Refused::NotNumber(_) | Refused::OutOfRange(..))))
                            || (refused.with(Option::is_none) && beyond().is_some()))
                        .then_some("true")
                    }
                    prop:value=move || {
                        let text = engine::i18n::format::decimal_mark(lang.get(), &shown());
                        // Another language keeps the refused text its message is
                        // about (it showed "12.5" under a message about "1,2,5").
                        let typed = refused.with_untracked(|r| {
                            matches!(r, Some(Refused::Empty | Refused::NotNumber(_) | Refused::OutOfRange(..)))
                        }) && value.get_untracked() == left_at.get_value();
                        match input.get_untracked() {
                            Some(el) if typed => el.value(),
                            _ => text,
                        }
                    }
                    on:input=move |ev| settle(event_target_value(&ev))
                    on:change=move |ev| {
                        let raw = event_target_value(&ev);
                        let v = read(&raw);
                        commit(raw, v, false)
                    }
                    on:keydown=move |ev| {
                        let up = match ev.key().as_str() {
                            "ArrowUp" => 1.0,
                            "ArrowDown" => -1.0,
                            _ => return,
                        };
                        ev.prevent_default();
                        // From what the box holds, typed or not (a typed 7
                        // then ArrowUp is 8, not the old value's next).
                        let raw = event_target_value(&ev);
                        let from = read(&raw);
                        // Not a number, or "1,000" read as 1 in Spanish: said, not stepped.
                        let lang = lang.get_untracked();
                        if from.is_none() || engine::i18n::format::read_as_decimal(lang, &raw).is_some() {
                            return commit(raw, from, false);
                        }
                        let from = from.unwrap_or_default();
                        let v = engine::num::clamp(from / scale + up * step, min, max_of()) * scale;
                        let v = (v * 1e6).round() / 1e6;
                        commit(engine::num::Short(v).to_string(), Some(v), true)
                    }
                />
                {unit
                    .map(|u| {
                        view! {
                            <span class="unit">
                                {move || unit_for(lang.get(), u, &shown())}
                            </span>
                        }
                    })}
            </div>
            <small id=help_id class="help">{tr(help)}</small>
            <FieldNotes me=me said=said />
        </div>
    }
}

/// A whole number from `min` to `max` typed in a small box outside the
/// settings (the seeds to run, an order to follow), read as a number box
/// reads it ("1.000" is 1000 in Spanish). What it cannot take is said in the
/// box's own bubble, naming it, and the box goes back to `now` (empty for
/// none): never
/// dropped or clamped without a word.
pub fn take_whole(
    ev: &leptos::ev::Event,
    label: &'static str,
    min: u64,
    max: u64,
    now: Option<u64>,
) -> Option<u64> {
    let el: web_sys::HtmlInputElement = event_target(ev);
    let lang = use_i18n().lang.get_untracked();
    let raw = el.value();
    let got = raw.trim();
    let read =
        engine::i18n::format::typed_number(lang, got).and_then(|t| crate::browser::parse_f64(&t));
    // "1,000" in Spanish would be 1: refused, saying how it reads.
    let read_as = engine::i18n::format::read_as_decimal(lang, got);
    let n = read
        .filter(|v| read_as.is_none() && v.fract() == 0.0 && *v >= min as f64 && *v <= max as f64);
    let field = t(lang, label);
    let said = match (n, read, read_as) {
        (Some(_), ..) => String::new(),
        (None, Some(v), Some(whole)) => tf(
            lang,
            "ui.whole_read_as",
            &[
                ("field", &field),
                ("got", &got),
                (
                    "read",
                    &said_number(lang, &engine::num::Short(v).to_string()),
                ),
                ("whole", &whole),
            ],
        ),
        _ => {
            let n = |v: u64| crate::charts::fmt_count(lang, v);
            tf(
                lang,
                "ui.whole_range",
                &[
                    ("field", &field),
                    ("got", &got),
                    ("min", &n(min)),
                    ("max", &n(max)),
                ],
            )
        }
    };
    if n.is_none() {
        el.set_value(&now.map(|n| n.to_string()).unwrap_or_default());
    }
    el.set_custom_validity(&said);
    if n.is_none() {
        el.report_validity();
    }
    n.map(|v| v as u64)
}

/// A box that [`take_whole`] refused is valid again once typed in or left
/// (it shows the kept value; its bubble's message would stay, in the
/// language it was said in, after a switch of language).
pub fn typing_again(ev: leptos::ev::Event) {
    let el: web_sys::HtmlInputElement = event_target(&ev);
    el.set_custom_validity("");
}

/// [`typing_again`], as the box is left.
pub fn left_again(ev: leptos::ev::FocusEvent) {
    let el: web_sys::HtmlInputElement = event_target(&ev);
    el.set_custom_validity("");
}

/// A number as a field's message says it (`text` as [`engine::num::Short`]
/// writes it): thousands grouped and the decimal mark of `lang`, so
/// "100000" reads "100,000" in English and "100.000" in Spanish, as the
/// results do, and "2.5" reads "2,5".
fn said_number(lang: engine::i18n::Lang, text: &str) -> String {
    let (sign, rest) = text.strip_prefix('-').map_or(("", text), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let int = match int.parse::<u64>() {
        Ok(n) => crate::charts::fmt_count(lang, n),
        Err(_) => int.to_string(),
    };
    match frac {
        Some(f) => {
            let point = if lang == engine::i18n::Lang::En {
                '.'
            } else {
                ','
            };
            format!("{sign}{int}{point}{f}")
        }
        None => format!("{sign}{int}"),
    }
}

/// A unit beside a number: `{unit}.one` when the number is exactly 1 and
/// the catalogue has it ("1 file", "2 files").
fn unit_for(lang: engine::i18n::Lang, unit: &'static str, number: &str) -> String {
    if number == "1" {
        let one = format!("{unit}.one");
        if engine::i18n::has(&one) {
            return t(lang, &one).to_string();
        }
    }
    t(lang, unit).to_string()
}

/// A bound as shown in a message, to a millionth (a rate's 1 as 100; the
/// attributes' `lo`/`hi` keep the exact value for the browser's own check).
fn lo_of(v: f64, scale: f64) -> String {
    engine::num::Short((v * scale * 1e6).round() / 1e6).to_string()
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
    /// The config path this field sets (see [`NumberField`]).
    #[prop(optional, into)]
    path: Option<String>,
) -> impl IntoView {
    let id = field_id("c");
    let help_id = format!("{id}-help");
    let lang = use_i18n().lang;
    let (me, mark) = feedback_slot();
    name_path(path, label);
    view! {
        <div class="field" data-testid=testid>
            <label for=id.clone()>{tr(label)}</label>
            <div class="field-input">
                <select
                    id=id
                    aria-describedby=help_id.clone()
                    on:change=move |ev| {
                        mark();
                        on_change.run(event_target_value(&ev))
                    }
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
            <FieldNotes me=me />
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
    /// The config path this field sets (see [`NumberField`]).
    #[prop(optional, into)]
    path: Option<String>,
) -> impl IntoView {
    let id = field_id("t");
    let help_id = format!("{id}-help");
    let (me, mark) = feedback_slot();
    name_path(path, label);
    view! {
        <div class="field toggle" data-testid=testid>
            <input
                id=id.clone()
                type="checkbox"
                aria-describedby=help_id.clone()
                prop:checked=move || value.get()
                on:change=move |ev| {
                    mark();
                    on_change.run(event_target_checked(&ev))
                }
            />
            <label for=id>{tr(label)}</label>
            <small id=help_id class="help">{tr(help)}</small>
            <FieldNotes me=me />
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

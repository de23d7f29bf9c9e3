//! The metrics table of any lab, one column per side (A | B): what was
//! measured, what theory predicts beside it (and why they may differ), and —
//! while the run is still going — which numbers are provisional and how much
//! is still undecided. Below it, the same numbers as JSON, exactly what
//! `playground run` prints for the same link.

use super::RunView;
use crate::charts::{fmt_count, fmt_ms, fmt_percent, fmt_percent_to, percent_decimals};
use crate::i18n::tr;
use crate::markup::Markup;
use engine::i18n::{t, tf, tn};
use engine::labs::run::{MetricRow, MetricValue, Outcomes};
use engine::{LabRun, Lang};
use leptos::prelude::*;

/// "no attempts left" → "No attempts left" (reasons double as row labels).
/// Beyond ASCII the browser upper-cases the letter (the same Unicode mapping as
/// `char::to_uppercase`, whose table would cost the wasm about 10 KB).
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    let first = match chars.next() {
        None => return String::new(),
        Some(c) if c.is_ascii() => c.to_ascii_uppercase().to_string(),
        Some(c) => String::from(js_sys::JsString::from(c.to_string().as_str()).to_upper_case()),
    };
    first + chars.as_str()
}

/// A metric value as the reader's language writes it.
pub fn fmt_value(lang: Lang, v: MetricValue) -> String {
    fmt_value_to(lang, v, 0)
}

/// [`fmt_value`], a share with at least `pct_decimals` decimals: the most
/// any number of its row needs ([`row_decimals`]).
pub fn fmt_value_to(lang: Lang, v: MetricValue, pct_decimals: usize) -> String {
    match v {
        MetricValue::Ratio(r) if pct_decimals > 0 => {
            fmt_percent_to(lang, r, pct_decimals.max(percent_decimals(r)))
        }
        MetricValue::Missing => "—".to_string(),
        MetricValue::Count(n) => fmt_count(lang, n),
        MetricValue::Ratio(r) => fmt_percent(lang, r),
        MetricValue::Ms(ms) => fmt_ms(lang, ms),
        MetricValue::Factor(f) => format!("×{}", fmt_three_digits(lang, f)),
        MetricValue::Number(x) => fmt_three_digits(lang, x),
        // Kept on one line (no-break spaces): "2,50 s – 3,50 s" never splits.
        MetricValue::MsRange(from, to) => {
            format!("{} – {}", fmt_ms(lang, from), fmt_ms(lang, to)).replace(' ', "\u{a0}")
        }
    }
}

/// About three significant digits, with the language's decimal mark: "1.45",
/// "20.7", "207", "1,234" — a factor of ×207 needs no hundredths ("×207.44" read
/// as more precise than any one run is).
fn fmt_three_digits(lang: Lang, v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let (a, sign) = (v.abs(), if v < 0.0 { "−" } else { "" });
    // Nothing is exactly nothing: "×0", not "×0.00" (a budget untouched).
    if a == 0.0 {
        return "0".into();
    }
    if a >= 99.95 {
        return format!("{sign}{}", fmt_count(lang, a.round() as u64));
    }
    let s = engine::num::fixed(a, if a >= 9.995 { 1 } else { 2 });
    match lang {
        Lang::En => format!("{sign}{s}"),
        _ => format!("{sign}{}", s.replace('.', ",")),
    }
}

/// The decimals a row's shares take, the most any of them needs (A's, B's
/// and theory's, when `theory` shows it): mid-run a month's A read "99.5 %"
/// beside theory's "99.93 %", as if less precise. 0 for a row of anything
/// else. A theory not shown adds none (the key figures read "24.5500 %"
/// for a 99.9999 % they leave out).
pub fn row_decimals<'a>(
    rows: impl IntoIterator<Item = Option<&'a MetricRow>>,
    theory_shown: impl Fn(&engine::labs::run::Theory) -> bool,
) -> usize {
    let mut most = 0;
    for row in rows.into_iter().flatten() {
        let theory = row
            .theory
            .as_ref()
            .filter(|th| theory_shown(th))
            .map(|th| th.value);
        for v in std::iter::once(row.value).chain(theory) {
            // At most two for the row: a measured share is kept to four
            // decimals of a fraction (0.2455), and a theory of 99.9999 %
            // padded it to "24.5500 %". A value that needs more (theory's
            // 99.9961 %) still gets them, itself (`fmt_value_to`).
            if let MetricValue::Ratio(r) = v {
                most = most.max(percent_decimals(r).min(2));
            }
        }
    }
    most
}

/// The row's note, with the label's placeholders ("no crash left to detect").
fn note(lang: Lang, row: &MetricRow) -> Option<String> {
    let key = row.note_key?;
    let args: Vec<(&str, &dyn std::fmt::Display)> = row
        .label_args
        .iter()
        .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
        .collect();
    Some(tf(lang, key, &args))
}

fn label(lang: Lang, row: &MetricRow) -> String {
    capitalised(&crate::export::row_label(lang, row))
}

/// One side's column: measured value, and theory's prediction under it.
fn cell(
    m: &mut Markup,
    lang: Lang,
    row: Option<&MetricRow>,
    side: &'static str,
    i: usize,
    decimals: usize,
    notes: &mut Vec<String>,
) {
    let value = row.map_or(MetricValue::Count(0), |r| r.value);
    let provisional = row.is_some_and(|r| r.provisional);
    m.open(
        "td",
        &[
            (
                "class",
                if provisional {
                    "mono provisional"
                } else {
                    "mono"
                },
            ),
            ("data-testid", &format!("metric-{side}-{i}")),
        ],
    );
    m.elem(
        "span",
        &[("class", "measured")],
        &fmt_value_to(lang, value, decimals),
    );
    if provisional {
        m.elem(
            "span",
            &[("class", "visually-hidden")],
            &format!(" ({})", t(lang, "ui.provisional")),
        );
    }
    if let Some(text) = row.and_then(|r| note(lang, r)) {
        m.elem("span", &[("class", "metric-note")], &text);
    }
    if let Some(th) = row.and_then(|r| r.theory.as_ref()) {
        let off = th.caveat_key.is_some();
        m.open(
            "span",
            &[
                ("class", if off { "theory theory-off" } else { "theory" }),
                ("data-testid", &format!("theory-{side}-{i}")),
            ],
        );
        // When the run breaks theory's assumptions, say whose number it is.
        m.text(t(
            lang,
            if off {
                "ui.theory_independent"
            } else {
                "ui.theory"
            },
        ))
        .text(" ");
        m.elem(
            "span",
            &[("class", "mono")],
            &fmt_value_to(lang, th.value, decimals),
        );
        m.elem(
            "span",
            &[("class", "theory-formula")],
            &format!(" ({})", th.formula(lang)),
        );
        if let Some(key) = th.caveat_key {
            let text = t(lang, key).to_string();
            let n = match notes.iter().position(|x| *x == text) {
                Some(n) => n + 1,
                None => {
                    notes.push(text);
                    notes.len()
                }
            };
            m.elem("sup", &[("class", "theory-caveat")], &format!(" [{n}]"));
        }
        m.close("span");
    }
    m.close("td");
}

/// How much of the run is decided: a bar of done-well, done-badly and still
/// open, with the open count in words.
fn outcomes_bar(m: &mut Markup, lang: Lang, side: &'static str, o: &Outcomes) {
    let total = (o.ok + o.bad + o.open).max(1) as f64;
    let w = |n: u64| format!("width:{}%", engine::num::Fixed(n as f64 * 100.0 / total, 2));
    let text = tf(
        lang,
        "ui.outcomes_line",
        &[
            ("ok", &fmt_count(lang, o.ok)),
            ("ok_word", &tn(lang, o.ok_key, o.ok, &[])),
            ("bad", &fmt_count(lang, o.bad)),
            ("bad_word", &tn(lang, o.bad_key, o.bad, &[])),
            ("open", &fmt_count(lang, o.open)),
            ("open_word", &tn(lang, o.open_key, o.open, &[])),
        ],
    );
    m.open(
        "div",
        &[
            ("class", "outcomes"),
            ("data-testid", &format!("outcomes-{side}")),
        ],
    );
    m.elem(
        "span",
        &[("class", "outcomes-side")],
        &side.to_ascii_uppercase(),
    );
    m.open("div", &[("class", "outcomes-bar"), ("aria-hidden", "true")]);
    m.elem(
        "span",
        &[("class", "outcomes-ok tone-ok"), ("style", &w(o.ok))],
        "",
    );
    match o.bad_split {
        Some(parts) => {
            for (n, tone) in parts
                .into_iter()
                .zip(["tone-fail", "tone-wait", "tone-giveup"])
            {
                m.elem(
                    "span",
                    &[("class", &format!("outcomes-bad {tone}")), ("style", &w(n))],
                    "",
                );
            }
        }
        None => {
            m.elem(
                "span",
                &[("class", "outcomes-bad tone-giveup"), ("style", &w(o.bad))],
                "",
            );
        }
    }
    m.elem(
        "span",
        &[("class", "outcomes-open"), ("style", &w(o.open))],
        "",
    );
    m.close("div");
    m.elem("span", &[("class", "outcomes-text")], &text);
    m.close("div");
}

/// The table, the outcomes bars while running, and theory's footnotes, as
/// markup: rebuilt whole at every redraw, so written as text (one parse in
/// the browser instead of hundreds of calls across the wasm boundary).
pub fn metrics_markup<R: LabRun>(run: &R, lang: Lang) -> String {
    let rows_a = run.metric_rows(0);
    let rows_b = (run.side_count() > 1).then(|| run.metric_rows(1));
    let finished = run.is_finished();
    let outcomes: Vec<Outcomes> = (0..run.side_count())
        .filter_map(|s| run.outcomes(s))
        .collect();
    let has_b = rows_b.is_some();
    let any_provisional = !finished
        && rows_a
            .iter()
            .chain(rows_b.iter().flatten())
            .any(|r| r.provisional);
    let mut notes = Vec::new();
    let mut m = Markup::new();
    m.open(
        "table",
        &[
            (
                "class",
                if finished {
                    "metrics-table"
                } else {
                    "metrics-table running"
                },
            ),
            ("data-testid", "metrics"),
        ],
    );
    m.open("caption", &[("class", "small-title")])
        .text(t(lang, "ui.metrics"));
    if any_provisional {
        m.elem(
            "span",
            &[
                ("class", "provisional-note"),
                ("data-testid", "provisional-note"),
            ],
            t(lang, "ui.provisional_note"),
        );
    }
    m.close("caption").open("thead", &[]).open("tr", &[]);
    m.elem("th", &[("scope", "col")], t(lang, "ui.metric"));
    m.elem(
        "th",
        &[("scope", "col")],
        t(lang, if has_b { "ui.side_a" } else { "ui.value" }),
    );
    if has_b {
        m.elem("th", &[("scope", "col")], t(lang, "ui.side_b"));
    }
    m.close("tr").close("thead").open("tbody", &[]);
    for (i, row) in rows_a.iter().enumerate() {
        m.open("tr", &[("data-metric", row.key)]);
        m.open("th", &[("scope", "row")]).text(&label(lang, row));
        m.elem("span", &[("class", "metric-help")], t(lang, row.help_key));
        m.close("th");
        // The same key (and label arguments) on the other side; a row
        // missing there counts as zero (a give-up reason B never had).
        let other = rows_b.as_ref().and_then(|rs| {
            rs.iter()
                .find(|x| x.key == row.key && x.label_args == row.label_args)
        });
        let decimals = row_decimals([Some(row), other], |_| true);
        cell(&mut m, lang, Some(row), "a", i, decimals, &mut notes);
        if rows_b.is_some() {
            cell(&mut m, lang, other, "b", i, decimals, &mut notes);
        }
        m.close("tr");
    }
    m.close("tbody").close("table");
    if !finished {
        for (o, s) in outcomes.iter().zip(["a", "b"]) {
            outcomes_bar(&mut m, lang, s, o);
        }
    }
    if !notes.is_empty() {
        m.open(
            "ol",
            &[("class", "theory-notes"), ("data-testid", "theory-notes")],
        );
        for n in &notes {
            m.elem("li", &[], n);
        }
        m.close("ol");
    }
    m.finish()
}

/// The run's key figures for one side (the metric rows its guide names, see
/// [`LabRun::key_metrics`]), as markup: label over value, provisional values
/// in italics as in the table. Empty when the lab names none.
pub fn key_figures_markup<R: LabRun>(run: &R, side: usize, lang: Lang) -> String {
    let keys = run.key_metrics();
    if keys.is_empty() {
        return String::new();
    }
    let rows = run.metric_rows(side);
    // The other side's rows, for shares written alike on both cards.
    let others = (run.side_count() > 1).then(|| run.metric_rows(1 - side.min(1)));
    let letter = if side == 0 { "A" } else { "B" };
    // Before the run starts every figure is "–": a phone, short of room,
    // leaves them out until there is something to read (they pushed the
    // lab's drawing out of the first screen).
    let started = run.now().as_micros() > 0;
    let mut m = Markup::new();
    m.open(
        "dl",
        &[
            (
                "class",
                if started {
                    "key-figures"
                } else {
                    "key-figures not-started"
                },
            ),
            ("data-testid", &format!("key-figures-{letter}")),
        ],
    );
    for key in keys {
        let Some(row) = rows.iter().find(|r| r.key == key) else {
            continue;
        };
        let other = others.as_ref().and_then(|o| {
            o.iter()
                .find(|x| x.key == row.key && x.label_args == row.label_args)
        });
        // Theory shows under a key figure only when its assumptions hold.
        let decimals = row_decimals([Some(row), other], |th| th.caveat_key.is_none());
        m.open(
            "div",
            &[("data-metric", key), ("title", t(lang, row.help_key))],
        );
        m.elem("dt", &[], &label(lang, row));
        m.open(
            "dd",
            &[(
                "class",
                if row.provisional {
                    "mono provisional"
                } else {
                    "mono"
                },
            )],
        )
        .text(&fmt_value_to(lang, row.value, decimals));
        // Said, not only slanted: a phone has no tooltip to explain the
        // italics, and the table's note is far below. (Not under "–": there
        // is nothing yet to change.)
        if row.provisional && started && row.value != MetricValue::Missing {
            m.text(" ")
                .elem("span", &[("class", "key-so-far")], t(lang, "ui.so_far"));
        }
        m.close("dd");
        if let Some(text) = note(lang, row) {
            m.elem("dd", &[("class", "key-note")], &text);
        }
        // Theory's value under it, when the table has one (a month's
        // availability against MTTF ÷ (MTTF + MTTR)); the formula is the table's.
        // Not when the run breaks its assumptions: the table says why.
        if let Some(th) = row.theory.as_ref().filter(|th| th.caveat_key.is_none()) {
            m.elem(
                "dd",
                &[("class", "key-theory")],
                &format!(
                    "{} {}",
                    t(lang, "ui.theory"),
                    fmt_value_to(lang, th.value, decimals)
                ),
            );
        }
        m.close("div");
    }
    m.close("dl");
    m.finish()
}

/// While the run plays and the table is off screen, it is rebuilt on only
/// one redraw in this many (about once a second instead of ten times): it is
/// the page's largest piece of markup, and nobody is reading it.
pub const OFF_SCREEN_EVERY: u32 = 10;

#[component]
pub fn MetricsTable<R: LabRun + 'static>(
    view: RunView<R>,
    /// The player is playing (the page's clock). Without it (a table mounted
    /// on its own) every redraw rebuilds the table.
    #[prop(optional, into)]
    playing: Option<Signal<bool>>,
) -> impl IntoView {
    let lang = view.lang;
    let node = NodeRef::<leptos::html::Div>::new();
    let on_screen = crate::browser::use_on_screen(node, "200px");
    // Skipped redraws so far, and the markup last built.
    let last = StoredValue::new((0u32, String::new()));
    // Off screen while playing, most redraws hand back the last markup (the
    // page sets innerHTML only when the text changed). Paused, finished, or
    // back in view, the table is exact again at once.
    let table = move || {
        let lang = lang.get();
        let unread = playing.is_some_and(|p| p.get()) && !on_screen.get();
        view.with(|run| {
            let skip = unread && !run.is_finished();
            last.update_value(|(skipped, markup)| {
                if skip && !markup.is_empty() && *skipped + 1 < OFF_SCREEN_EVERY {
                    *skipped += 1;
                } else {
                    *skipped = 0;
                    *markup = metrics_markup(run, lang);
                }
            });
            last.with_value(|(_, markup)| markup.clone())
        })
    };
    // Only built while the section is open: it is the most expensive view.
    let open = RwSignal::new(false);
    let json = move || {
        if !open.get() {
            return String::new();
        }
        let seed = view.seed.get_untracked();
        view.with(|run| serde_json::to_string_pretty(&run.report(seed)).unwrap_or_default())
    };
    view! {
        <div class="metrics">
            <div class="metrics-body" node_ref=node inner_html=table></div>
            <details class="metrics-json" prop:open=move || open.get() on:toggle=move |ev| {
                let el: web_sys::HtmlDetailsElement = wasm_bindgen::JsCast::unchecked_into(event_target::<web_sys::EventTarget>(&ev));
                open.set(el.open());
            }>
                <summary>{tr("ui.metrics_json")}</summary>
                <p class="help">{tr("ui.metrics_json_help")}</p>
                <pre data-testid="metrics-json">{json}</pre>
            </details>
        </div>
    }
}

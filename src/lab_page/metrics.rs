//! The metrics table of any lab, one column per side (A | B): what was
//! measured, what theory predicts beside it (and why they may differ), and —
//! while the run is still going — which numbers are provisional and how much
//! is still undecided. Below it, the same numbers as JSON, exactly what
//! `playground run` prints for the same link.

use super::RunView;
use crate::charts::{fmt_count, fmt_ms, fmt_percent};
use crate::i18n::tr;
use engine::i18n::{t, tf};
use engine::labs::run::{MetricRow, MetricValue, Outcomes, Theory};
use engine::{LabRun, Lang};
use leptos::prelude::*;

/// "no attempts left" → "No attempts left" (reasons double as row labels).
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// A metric value as the reader's language writes it.
pub fn fmt_value(lang: Lang, v: MetricValue) -> String {
    match v {
        MetricValue::Missing => "—".to_string(),
        MetricValue::Count(n) => fmt_count(lang, n),
        MetricValue::Ratio(r) => fmt_percent(lang, r),
        MetricValue::Ms(ms) => fmt_ms(lang, ms),
        MetricValue::Factor(f) => format!("×{}", fmt_fixed2(lang, f)),
        MetricValue::Number(x) => fmt_fixed2(lang, x),
    }
}

/// Two decimals, with the language's decimal mark.
fn fmt_fixed2(lang: Lang, v: f64) -> String {
    let s = format!("{v:.2}");
    match lang {
        Lang::En => s,
        _ => s.replace('.', ","),
    }
}

fn label(lang: Lang, row: &MetricRow) -> String {
    let args: Vec<(&str, &dyn std::fmt::Display)> = row
        .label_args
        .iter()
        .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
        .collect();
    capitalised(&tf(lang, row.label_key, &args))
}

/// One side's column: measured value, and theory's prediction under it.
fn cell(
    lang: Lang,
    row: Option<&MetricRow>,
    side: &'static str,
    i: usize,
    notes: &mut Vec<String>,
) -> impl IntoView {
    let value = row.map_or(MetricValue::Count(0), |r| r.value);
    let provisional = row.is_some_and(|r| r.provisional);
    let theory = row.and_then(|r| r.theory.clone()).map(|th: Theory| {
        let mark = th.caveat_key.map(|key| {
            let text = t(lang, key).to_string();
            let n = match notes.iter().position(|x| *x == text) {
                Some(n) => n + 1,
                None => {
                    notes.push(text);
                    notes.len()
                }
            };
            format!(" [{n}]")
        });
        view! {
            <span class="theory" class:theory-off=th.caveat_key.is_some() data-testid=format!("theory-{side}-{i}")>
                // When the run breaks theory's assumptions, say whose number it is.
                {t(lang, if th.caveat_key.is_some() { "ui.theory_independent" } else { "ui.theory" }).to_string()}
                " "
                <span class="mono">{fmt_value(lang, th.value)}</span>
                <span class="theory-formula">{format!(" ({})", th.formula(lang))}</span>
                {mark.map(|m| view! { <sup class="theory-caveat">{m}</sup> })}
            </span>
        }
    });
    view! {
        <td class="mono" class:provisional=provisional data-testid=format!("metric-{side}-{i}")>
            <span class="measured">{fmt_value(lang, value)}</span>
            {provisional.then(|| view! { <span class="visually-hidden">{format!(" ({})", t(lang, "ui.provisional"))}</span> })}
            {theory}
        </td>
    }
}

/// How much of the run is decided: a bar of done-well, done-badly and still
/// open, with the open count in words.
fn outcomes_bar(lang: Lang, side: &'static str, o: &Outcomes) -> impl IntoView {
    let total = (o.ok + o.bad + o.open).max(1) as f64;
    let w = |n: u64| format!("width:{:.2}%", n as f64 * 100.0 / total);
    let text = tf(
        lang,
        "ui.outcomes_line",
        &[
            ("ok", &fmt_count(lang, o.ok)),
            ("ok_word", &t(lang, o.ok_key)),
            ("bad", &fmt_count(lang, o.bad)),
            ("bad_word", &t(lang, o.bad_key)),
            ("open", &fmt_count(lang, o.open)),
            ("open_word", &t(lang, o.open_key)),
        ],
    );
    view! {
        <div class="outcomes" data-testid=format!("outcomes-{side}")>
            <span class="outcomes-side">{side.to_uppercase()}</span>
            <div class="outcomes-bar" aria-hidden="true">
                <span class="outcomes-ok tone-ok" style=w(o.ok)></span>
                <span class="outcomes-bad tone-giveup" style=w(o.bad)></span>
                <span class="outcomes-open" style=w(o.open)></span>
            </div>
            <span class="outcomes-text">{text}</span>
        </div>
    }
}

#[component]
pub fn MetricsTable<R: LabRun + 'static>(view: RunView<R>) -> impl IntoView {
    let lang = view.lang;
    let table = move || {
        let (rows_a, rows_b, finished, outcomes) = view.with(|run| {
            let b = (run.side_count() > 1).then(|| run.metric_rows(1));
            let outcomes: Vec<Outcomes> = (0..run.side_count())
                .filter_map(|s| run.outcomes(s))
                .collect();
            (run.metric_rows(0), b, run.is_finished(), outcomes)
        });
        let lang = lang.get();
        let has_b = rows_b.is_some();
        let any_provisional = !finished
            && rows_a
                .iter()
                .chain(rows_b.iter().flatten())
                .any(|r| r.provisional);
        let mut notes = Vec::new();
        let body = rows_a
            .iter()
            .enumerate()
            .map(|(i, row)| {
                // The same key (and label arguments) on the other side; a row
                // missing there counts as zero (a give-up reason B never had).
                let other = rows_b.as_ref().map(|rs| {
                    rs.iter()
                        .find(|x| x.key == row.key && x.label_args == row.label_args)
                });
                let a = cell(lang, Some(row), "a", i, &mut notes);
                let b = other.map(|o| cell(lang, o, "b", i, &mut notes));
                view! {
                    <tr data-metric=row.key>
                        <th scope="row">
                            {label(lang, row)}
                            <span class="metric-help">{t(lang, row.help_key).to_string()}</span>
                        </th>
                        {a}
                        {b}
                    </tr>
                }
            })
            .collect_view();
        let bars = (!finished && !outcomes.is_empty()).then(|| {
            let letters = ["a", "b"];
            outcomes
                .iter()
                .zip(letters)
                .map(|(o, s)| outcomes_bar(lang, s, o))
                .collect_view()
        });
        view! {
            <table class="metrics-table" class:running=!finished data-testid="metrics">
                <caption class="small-title">
                    {t(lang, "ui.metrics").to_string()}
                    {any_provisional.then(|| view! {
                        <span class="provisional-note" data-testid="provisional-note">{t(lang, "ui.provisional_note").to_string()}</span>
                    })}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">{t(lang, "ui.metric").to_string()}</th>
                        <th scope="col">{t(lang, if has_b { "ui.side_a" } else { "ui.value" }).to_string()}</th>
                        {has_b.then(|| view! { <th scope="col">{t(lang, "ui.side_b").to_string()}</th> })}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
            {bars}
            {(!notes.is_empty()).then(|| view! {
                <ol class="theory-notes" data-testid="theory-notes">
                    {notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
                </ol>
            })}
        }
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
            {table}
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

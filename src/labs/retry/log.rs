//! The narrated event log: the newest records of the trace in plain language,
//! in the page language. It is also the screen reader's text alternative to
//! the stage: a `role="log"` region that announces new lines while stepping.

use super::RetryView;
use crate::i18n::tr;
use engine::trace::Narrate;
use leptos::prelude::*;

/// Lines shown per side.
pub const SHOWN: usize = 120;
/// Lines shown per side while playing: the log is rebuilt at every tick and
/// too fast to read then; pausing (or stepping) shows [`SHOWN`].
pub const SHOWN_PLAYING: usize = 30;

#[component]
pub fn RetryLog(view: RetryView, playing: RwSignal<bool>) -> impl IntoView {
    let lines = move |side_b: bool| {
        let lang = view.lang.get();
        let shown = if playing.get() { SHOWN_PLAYING } else { SHOWN };
        view.with(|run| {
            let sim = if side_b { run.b.as_ref() } else { Some(&run.a) };
            sim.map(|sim| {
                let trace = sim.trace();
                let dropped = trace.dropped();
                let rows: Vec<(u64, String, String, &'static str)> = trace
                    .entries()
                    .rev()
                    .take(shown)
                    .map(|e| {
                        (
                            e.index,
                            engine::time::human_ms_in(lang, e.at.as_micros() as f64 / 1000.0),
                            e.record.narrate(lang),
                            e.record.tone(),
                        )
                    })
                    .collect();
                (rows, dropped, trace.total())
            })
        })
    };
    let side = move |side_b: bool| {
        move || {
            lines(side_b).map(|(rows, _dropped, total)| {
                let shown = rows.len();
                let lang = view.lang.get();
                view! {
                    <div class="log-side">
                        <h3 class="small-title">
                            {engine::i18n::t(lang, if side_b { "ui.side_b" } else { "ui.side_a" }).to_string()}
                            " · "
                            {engine::i18n::tf(lang, "ui.log_count", &[("total", &total), ("shown", &shown)])}
                        </h3>
                        <ol
                            class="log-lines"
                            role="log"
                            aria-live=move || if playing.get() { "off" } else { "polite" }
                            data-testid=if side_b { "log-b" } else { "log-a" }
                        >
                            {rows
                                .into_iter()
                                .map(|(i, at, text, tone)| {
                                    view! {
                                        <li class=format!("log-line tone-{tone}") value=i + 1 data-testid="log-entry">
                                            <span class="log-time mono">{at}</span>
                                            <span class="log-text">{text}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                    </div>
                }
            })
        }
    };
    view! {
        <section class="log" aria-labelledby="log-title">
            <h2 id="log-title" class="small-title">{tr("ui.log")}</h2>
            <p class="help">{tr("ui.log_help")}</p>
            <div class="log-sides">
                {side(false)}
                {side(true)}
            </div>
        </section>
    }
}

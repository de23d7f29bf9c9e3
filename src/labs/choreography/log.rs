//! The narrated log, in the course text's console style ("inventory
//! reserved", "payment rejected", "delivery scheduled", "order cancelled"):
//! the newest records of each side's trace in the page language. It is also
//! the screen reader's text alternative to the stage: a `role="log"` region
//! that announces new lines while stepping.

use super::ChoreoView;
use crate::i18n::tr;
use engine::trace::Narrate;
use leptos::prelude::*;

/// Lines shown per side (fewer while playing: too fast to read then).
pub const SHOWN: usize = 120;
pub const SHOWN_PLAYING: usize = 30;

/// The tone of a line (its colour class).
fn tone(r: &engine::labs::choreography::ChoreoRecord) -> &'static str {
    use engine::labs::choreography::ChoreoRecord::*;
    match r {
        Completed { .. } | StepDone { .. } | Shipped { .. } => "ok",
        StepFailed { .. } | TimedOut { .. } | Declined { .. } => "wait",
        Lost { .. }
        | DeadLetter { .. }
        | GaveUp { .. }
        | Flagged { .. }
        | ShippedCancelled { .. } => "fail",
        _ => "info",
    }
}

#[component]
pub fn ChoreoLog(view: ChoreoView, playing: RwSignal<bool>) -> impl IntoView {
    let side = move |side: usize| {
        move || {
            let lang = view.lang.get();
            let shown = if playing.get() { SHOWN_PLAYING } else { SHOWN };
            view.with(|run| {
                let sim = run.sides.get(side)?;
                let trace = sim.trace();
                let rows: Vec<(u64, String, String, &'static str)> = trace
                    .entries()
                    .rev()
                    .take(shown)
                    .map(|e| {
                        (
                            e.index,
                            engine::time::human_ms_in(lang, e.at.as_micros() as f64 / 1000.0),
                            e.record.narrate(lang),
                            tone(&e.record),
                        )
                    })
                    .collect();
                let total = trace.total();
                let n = rows.len();
                Some(view! {
                    <div class="log-side">
                        <h3 class="small-title">
                            {engine::i18n::t(lang, if side == 1 { "ui.side_b" } else { "ui.side_a" }).to_string()}
                            " · "
                            {engine::i18n::tf(lang, "ui.log_count", &[("total", &total), ("shown", &n)])}
                        </h3>
                        <ol
                            class="log-lines"
                            role="log"
                            aria-live=move || if playing.get() { "off" } else { "polite" }
                            data-testid=if side == 1 { "log-b" } else { "log-a" }
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
                })
            })
        }
    };
    view! {
        <section class="log" aria-labelledby="log-title">
            <h2 id="log-title" class="small-title">{tr("ui.log")}</h2>
            <p class="help">{tr("choreo.log_help")}</p>
            <div class="log-sides">
                {side(0)}
                {side(1)}
            </div>
        </section>
    }
}

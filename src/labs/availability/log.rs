//! The narrated log, in the style of the course text's experiment ("the
//! registration primary crashed", "monitor: declared down — failing over",
//! "request 412 to /api-commands/users: 503"): the newest records of each
//! side's trace in the page language. Error answers can be many; a switch
//! keeps only what the monitor and the failover did. It is also the screen
//! reader's text alternative to the stage (`role="log"`).

use super::AvailView;
use crate::i18n::tr;
use engine::labs::availability::AvailabilityRecord;
use engine::trace::Narrate;
use leptos::prelude::*;

/// Lines shown per side (fewer while playing: too fast to read then).
pub const SHOWN: usize = 120;
pub const SHOWN_PLAYING: usize = 30;

/// The tone of a line (its colour class).
pub fn tone(r: &AvailabilityRecord) -> &'static str {
    use AvailabilityRecord::*;
    match r {
        BackupServing | FailedBack | Restarted | PrimaryBack => "ok",
        Suspect | Fenced => "wait",
        Crashed | Hung | Error { .. } | DeclaredDown | Diverged => "fail",
    }
}

#[component]
pub fn AvailLog(view: AvailView, playing: RwSignal<bool>) -> impl IntoView {
    let only_monitor = RwSignal::new(false);
    let side = move |side: usize| {
        move || {
            let lang = view.lang.get();
            let shown = if playing.get() { SHOWN_PLAYING } else { SHOWN };
            let only = only_monitor.get();
            view.with(|run| {
                let sim = run.sides.get(side)?;
                let trace = sim.trace();
                let rows: Vec<(u64, String, String, &'static str)> = trace
                    .entries()
                    .rev()
                    .filter(|e| !only || !matches!(e.record, AvailabilityRecord::Error { .. }))
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
            <p class="help">{tr("availability.log_help")}</p>
            <label class="av-log-filter">
                <input type="checkbox" data-testid="log-only-monitor" prop:checked=move || only_monitor.get()
                    on:change=move |ev| only_monitor.set(event_target_checked(&ev)) />
                " "
                {tr("availability.log_only_monitor")}
            </label>
            <div class="log-sides">
                {side(0)}
                {side(1)}
            </div>
        </section>
    }
}

//! "Run 100 seeds": the current config on seeds 1…N, each run to its end,
//! and the chosen metrics summarised across seeds — mean and 95 % interval,
//! per side (A | B) — so a student sees how much of a result is luck.
//!
//! The work is the engine's ([`engine::labs::seed_sweep::SeedSweep`], which
//! also does the statistics); this component only spreads it over animation
//! frames, at most `events_per_frame` events each (so the page never
//! freezes), shows progress with a Cancel button, and renders the table.
//! Results belong to the link they were made for: a new link clears them.

use crate::charts::{fmt_ms, fmt_number, fmt_percent};
use crate::export::{each_frame, row_label};
use crate::i18n::use_i18n;
use crate::markup::Markup;
use engine::i18n::{t, tf, Lang};
use engine::labs::run::{LabRun, MetricRow, MetricValue};
use engine::labs::seed_sweep::{Estimate, SampleKind, SeedSweep as Sweep, SweepMetric};
use leptos::prelude::*;

/// Events one animation frame may run (the player's cap too).
pub const SWEEP_EVENTS_PER_FRAME: u64 = 20_000;
/// The most seeds a sweep may run from the page.
pub const MAX_SEEDS: u64 = 1_000;
/// The metrics shown unless the reader picks others.
pub const DEFAULT_KEYS: [&str; 3] = ["success_rate", "load_amplification", "p95_ms"];

/// One metric of the summary, ready to render.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    pub key: &'static str,
    /// The key plus label arguments: unique per row.
    pub id: String,
    pub label_key: &'static str,
    pub label_args: Vec<(&'static str, String)>,
    pub kind: SampleKind,
    pub sides: Vec<Option<Estimate>>,
    pub theory: Vec<Option<f64>>,
}

impl SummaryRow {
    pub fn label(&self, lang: Lang) -> String {
        let row = MetricRow {
            label_args: self.label_args.clone(),
            ..MetricRow::new(self.key, self.label_key, "", MetricValue::Missing)
        };
        row_label(lang, &row)
    }
}

fn summary_rows(metrics: &[SweepMetric], sides: usize) -> Vec<SummaryRow> {
    metrics
        .iter()
        .map(|m| {
            let id = std::iter::once(m.key.to_string())
                .chain(m.label_args.iter().map(|(_, v)| v.clone()))
                .collect::<Vec<_>>()
                .join(":");
            SummaryRow {
                key: m.key,
                id,
                label_key: m.label_key,
                label_args: m.label_args.clone(),
                kind: m.kind,
                sides: (0..sides).map(|s| m.estimate(s)).collect(),
                theory: (0..sides).map(|s| m.theory[s]).collect(),
            }
        })
        .collect()
}

/// A value of a metric of `kind`, as the metrics table writes it.
pub fn fmt_value(lang: Lang, kind: SampleKind, v: f64) -> String {
    match kind {
        SampleKind::Rate => fmt_percent(lang, v),
        SampleKind::Ms => fmt_ms(lang, v),
        SampleKind::Factor => format!("×{}", fmt_number(lang, v)),
        SampleKind::Number => fmt_number(lang, v),
    }
}

/// Where a sweep stands.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Progress {
    done: u64,
    total: u64,
    running: bool,
}

/// The "run N seeds" panel. `make` gives a fresh run of the current config
/// for a seed; `link` identifies the config (results are cleared when it
/// changes); `on_frame`, if given, hears how many events each frame ran.
#[component]
pub fn SeedSweep<R, F>(
    make: F,
    #[prop(into)] link: Signal<String>,
    #[prop(default = 100)] seeds: u64,
    #[prop(default = SWEEP_EVENTS_PER_FRAME)] events_per_frame: u64,
    #[prop(optional)] default_keys: Option<Vec<&'static str>>,
    #[prop(optional, into)] on_frame: Option<UnsyncCallback<u64>>,
) -> impl IntoView
where
    R: LabRun + 'static,
    F: Fn(u64) -> R + Clone + 'static,
{
    let lang = use_i18n().lang;
    let tr = move |key: &'static str| move || t(lang.get(), key).to_string();
    let count = RwSignal::new(seeds.clamp(1, MAX_SEEDS));
    let progress = RwSignal::new(Progress {
        done: 0,
        total: 0,
        running: false,
    });
    let results = RwSignal::new(Vec::<SummaryRow>::new());
    let sides = RwSignal::new(1usize);
    let chosen = RwSignal::new(
        default_keys
            .unwrap_or_else(|| DEFAULT_KEYS.to_vec())
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>(),
    );
    type Running<R> = Sweep<R, Box<dyn FnMut(u64) -> R>>;
    let sweep: StoredValue<Option<Running<R>>, LocalStorage> = StoredValue::new_local(None);
    let generation = StoredValue::new(0u64);
    let make = StoredValue::new_local(make);

    let stop = move || {
        generation.update_value(|g| *g += 1);
        sweep.set_value(None);
        progress.update(|p| p.running = false);
    };
    on_cleanup(move || generation.update_value(|g| *g += 1));
    // Results are for the config they were made with.
    Effect::new(move |prev: Option<()>| {
        link.track();
        if prev.is_some() {
            stop();
            results.set(Vec::new());
            progress.set(Progress {
                done: 0,
                total: 0,
                running: false,
            });
        }
    });

    let publish = move |s: &Running<R>| {
        sides.set(s.side_count());
        results.set(summary_rows(s.metrics(), s.side_count()));
        progress.set(Progress {
            done: s.seeds_done(),
            total: s.total(),
            running: !s.is_done(),
        });
    };

    let start = move |_| {
        stop();
        let mine = generation.get_value();
        let n = count.get_untracked().clamp(1, MAX_SEEDS);
        let make = make.get_value();
        let boxed: Box<dyn FnMut(u64) -> R> = Box::new(make);
        sweep.set_value(Some(Sweep::new(boxed, 1..=n)));
        results.set(Vec::new());
        progress.set(Progress {
            done: 0,
            total: n,
            running: true,
        });
        each_frame(move || {
            if generation.try_get_value() != Some(mine) {
                return false;
            }
            let Some(Some(used)) =
                sweep.try_update_value(|s| s.as_mut().map(|s| s.advance(events_per_frame)))
            else {
                return false;
            };
            if let Some(hook) = on_frame {
                hook.run(used);
            }
            let done = sweep.with_value(|s| {
                s.as_ref().is_none_or(|s| {
                    publish(s);
                    s.is_done()
                })
            });
            if done {
                sweep.set_value(None);
            }
            !done
        });
    };
    let cancel = move |_| stop();

    let shown = move || {
        let chosen = chosen.get();
        results
            .get()
            .into_iter()
            .filter(|r| chosen.iter().any(|c| *c == r.key || *c == r.id))
            .collect::<Vec<_>>()
    };
    // The table's rows as markup, written whole on each change (the sweep
    // publishes every frame while it runs).
    let cell = move |m: &mut Markup, l: Lang, row: &SummaryRow, side: usize| {
        let side_name = if side == 0 { "a" } else { "b" };
        let est = row.sides.get(side).copied().flatten();
        let text = est.map_or_else(
            || "—".to_string(),
            |e| {
                tf(
                    l,
                    "seeds.estimate",
                    &[
                        ("mean", &fmt_value(l, row.kind, e.mean)),
                        ("low", &fmt_value(l, row.kind, e.interval.low)),
                        ("high", &fmt_value(l, row.kind, e.interval.high)),
                    ],
                )
            },
        );
        let data = est.map(|e| {
            [
                engine::num::Short(e.mean).to_string(),
                engine::num::Short(e.interval.low).to_string(),
                engine::num::Short(e.interval.high).to_string(),
                e.n.to_string(),
            ]
        });
        let mut attrs = vec![("data-side", side_name)];
        if let Some([mean, low, high, n]) = &data {
            attrs.extend([
                ("data-mean", mean.as_str()),
                ("data-low", low.as_str()),
                ("data-high", high.as_str()),
                ("data-n", n.as_str()),
            ]);
        }
        m.open("td", &attrs).text(&text);
        if let Some(v) = row.theory.get(side).copied().flatten() {
            m.elem(
                "span",
                &[("class", "seeds-theory")],
                &tf(l, "seeds.theory", &[("value", &fmt_value(l, row.kind, v))]),
            );
        }
        m.close("td");
    };
    let body = move || {
        let l = lang.get();
        let both = sides.get() > 1;
        let mut m = Markup::new();
        for row in shown() {
            m.open("tr", &[("data-key", &row.id)]);
            m.elem("th", &[("scope", "row")], &row.label(l));
            cell(&mut m, l, &row, 0);
            if both {
                cell(&mut m, l, &row, 1);
            }
            m.close("tr");
        }
        m.finish()
    };
    let picker = move || {
        results
            .get()
            .into_iter()
            .map(|r| {
                let id = r.id.clone();
                let key = r.key;
                let checked = {
                    let id = id.clone();
                    move || chosen.with(|c| c.iter().any(|c| *c == key || *c == id))
                };
                let toggle = {
                    let id = id.clone();
                    move |_| {
                        chosen.update(|c| {
                            if c.iter().any(|c| *c == key || *c == id) {
                                c.retain(|c| *c != key && *c != id);
                            } else {
                                c.push(id.clone());
                            }
                        })
                    }
                };
                view! {
                    <label class="seeds-pick">
                        <input type="checkbox" data-testid=format!("seed-sweep-pick-{id}") prop:checked=checked on:change=toggle />
                        {move || r.label(lang.get())}
                    </label>
                }
            })
            .collect::<Vec<_>>()
    };
    let running = move || progress.get().running;
    let has_results = move || results.with(|r| !r.is_empty());

    view! {
        <section class="seeds" data-testid="seed-sweep">
            <div class="seeds-bar">
                <label class="seeds-count">
                    {tr("seeds.count")}
                    " "
                    <input
                        type="text"
                        inputmode="numeric"
                        class="num"
                        data-testid="seed-sweep-count"
                        on:input=crate::controls::typing_again
                        on:blur=crate::controls::left_again
                        prop:value=move || count.get().to_string()
                        on:change=move |ev| {
                            let now = count.get_untracked();
                            if let Some(n) = crate::controls::take_whole(&ev, "seeds.count", 1, MAX_SEEDS, Some(now)) {
                                count.set(n);
                            }
                        }
                    />
                </label>
                <button class="btn primary" data-testid="seed-sweep-run" disabled=running on:click=start>
                    {move || {
                        let (lang, n) = (lang.get(), count.get());
                        let key = if n == 1 { "seeds.run.one" } else { "seeds.run" };
                        tf(lang, key, &[("n", &crate::charts::fmt_count(lang, n))])
                    }}
                </button>
                {crate::show::show(running, move || view! {
                    <button class="btn" data-testid="seed-sweep-cancel" on:click=cancel>
                        {tr("seeds.cancel")}
                    </button>
                }.into_any())}
                {crate::show::show(move || { progress.get().total > 0 }, move || view! {
                    <progress
                        data-testid="seed-sweep-progress"
                        max=move || progress.get().total.to_string()
                        prop:value=move || progress.get().done as f64
                        aria-label=tr("seeds.progress_label")
                    ></progress>
                    <span class="seeds-status" role="status" data-testid="seed-sweep-status">
                        {move || {
                            let p = progress.get();
                            let key = if p.running || p.done == p.total { "seeds.progress" } else { "seeds.cancelled" };
                            tf(lang.get(), key, &[("done", &p.done), ("total", &p.total)])
                        }}
                    </span>
                }.into_any())}
            </div>
            <p class="seeds-help">{tr("seeds.help")}</p>
            {crate::show::show(has_results, move || view! {
                <table class="seeds-table" data-testid="seed-sweep-table">
                    <thead>
                        <tr>
                            <th scope="col">{tr("seeds.metric")}</th>
                            <th scope="col">"A"</th>
                            {crate::show::show(
                                move || { sides.get() > 1 },
                                || view! { <th scope="col">"B"</th> }.into_any(),
                            )}
                        </tr>
                    </thead>
                    <tbody inner_html=body></tbody>
                </table>
                <details class="seeds-more">
                    <summary>{tr("seeds.more")}</summary>
                    <div class="seeds-picks">{picker}</div>
                </details>
            }.into_any())}
        </section>
    }
}

//! One order's story, on each side: "Where is order #N?" and its sequence
//! diagram. In choreography no one holds an order's state, so "where is it"
//! is assembled from each service's own log lines by the order's correlation
//! id, and the hop that never happened is marked; in orchestration it is the
//! orchestrator's state for the order. The sequence diagram has one lane per
//! participant (the customer, the orchestrator or the watcher, each service),
//! time going down. The order is picked by clicking a token or a status cell,
//! or by typing its number; until then the most telling one is shown (the
//! first stuck order, else the first undone one). The engine assembles both
//! (`view::where_is`, `view::rows`, replaying the side when its trace ring no
//! longer holds the whole story); this module only draws them.

use super::stage::order_colour;
use super::{picked, ChoreoView};
use crate::i18n::{tr, use_i18n};
use crate::markup::{num, Markup};
use engine::i18n::{t, tf, tn};
use engine::labs::choreography::config::{Mode, Step};
use engine::labs::choreography::model::Phase;
use engine::labs::choreography::record::ChoreoRecord;
use engine::labs::choreography::view::{
    self as cv, HopLabel, Lane, Missing, OrderStory, Row, RowKind, WhereIs,
};
use engine::time::{human_ms_in, SimTime};
use engine::Lang;
use leptos::prelude::*;

/// Replayed events per refresh when a story has to be rebuilt (a long run).
const REPLAY_BUDGET: u64 = 60_000;
/// Rows the sequence diagram draws at most (the first ones: the story's start).
pub const MAX_ROWS: usize = 48;

fn ms(t: SimTime) -> f64 {
    t.as_micros() as f64 / 1000.0
}

/// What both story views of a side show.
#[derive(Clone, Debug, PartialEq)]
pub struct StoryData {
    pub order: u32,
    pub mode: Mode,
    pub lanes: Vec<Lane>,
    pub rows: Vec<Row>,
    pub where_is: WhereIs,
    pub behind: bool,
    pub truncated: bool,
}

/// The order both sides follow: the picked one, else side A's most telling one.
fn followed(view: ChoreoView, picked: RwSignal<Option<u32>>) -> Option<u32> {
    picked
        .get()
        .or_else(|| view.with(|run| run.sides.first().and_then(|s| cv::notable_order(s.model()))))
}

/// "Where is order #N?" and the order's sequence diagram, for one side.
#[component]
pub fn OrderViews(view: ChoreoView, side: usize) -> impl IntoView {
    let picked = picked();
    let story = StoredValue::new_local(None::<OrderStory>);
    let data = Memo::new(move |_| {
        let order = followed(view, picked)?;
        let seed = view.seed.get();
        view.with(|run| {
            let sim = run.sides.get(side)?;
            story.update_value(|s| {
                if s.as_ref().is_none_or(|s| s.order != order) {
                    *s = Some(OrderStory::new(order));
                }
                if let Some(s) = s {
                    s.follow(sim, seed, REPLAY_BUDGET);
                }
            });
            story.with_value(|s| {
                let s = s.as_ref()?;
                let model = sim.model();
                Some(StoryData {
                    order,
                    mode: model.mode(),
                    lanes: cv::lanes(model),
                    rows: cv::rows(
                        model.config(),
                        model.mode(),
                        s.records().iter().map(|(at, r)| (*at, r)),
                    ),
                    where_is: cv::where_is(model, s),
                    behind: s.behind,
                    truncated: s.truncated,
                })
            })
        })
    });
    view! {
        <div class="choreo-story" data-testid=format!("story-{side}")>
            {(side == 0).then(|| view! { <OrderPicker view=view /> })}
            <WhereIsOrder data=data />
            <SequenceDiagram data=data />
        </div>
    }
}

/// Type an order number, or go back to the most telling order.
#[component]
fn OrderPicker(view: ChoreoView) -> impl IntoView {
    let picked = picked();
    // A new config or seed (a preset picked, a knob moved) is a new world: its
    // order #N is another order, so the views go back to the most telling one.
    let world = StoredValue::new(None::<(engine::labs::choreography::ChoreographyConfig, u64)>);
    Effect::new(move |_| {
        let seed = view.seed.get();
        let now = view.with(|run| {
            run.sides
                .first()
                .map(|s| (s.model().config().clone(), seed))
        });
        let changed = world.with_value(|w| w.is_some() && *w != now);
        world.set_value(now);
        if changed {
            picked.set(None);
        }
    });
    let id = crate::controls::field_id("order");
    let shown = move || {
        followed(view, picked)
            .map(|o| (o + 1).to_string())
            .unwrap_or_default()
    };
    view! {
        <div class="choreo-picker">
            <label for=id.clone()>{tr("choreo.story.pick")}</label>
            <input
                id=id
                type="text"
                inputmode="numeric"
                class="num"
                data-testid="order-input"
                on:input=crate::controls::typing_again
                        on:blur=crate::controls::left_again
                prop:value=shown
                on:change=move |ev| {
                    let now = followed(view, picked).map(|o| u64::from(o) + 1);
                    // The orders this run places (its world draws them up
                    // front): 1 to 90 let a reader follow order 61 of 60, "not
                    // made yet" after the run had ended.
                    let most = view.with(|run| run.sides.first().map_or(1, |s| s.model().order_count()));
                    if let Some(n) = crate::controls::take_whole(&ev, "choreo.story.pick", 1, (most as u64).max(1), now) {
                        picked.set(Some(n as u32 - 1));
                    }
                }
            />
            <button class="btn" data-testid="order-auto" on:click=move |_| picked.set(None)>
                {tr("choreo.story.auto")}
            </button>
        </div>
    }
}

fn step_name(lang: Lang, s: Step) -> String {
    t(lang, &format!("choreo.step.{}", s.key())).to_string()
}

/// A short line for a mark in a lane (the log says it in full).
fn mark_text(lang: Lang, r: &ChoreoRecord) -> String {
    use ChoreoRecord::*;
    match *r {
        Placed { .. } => t(lang, "choreo.mark.placed").to_string(),
        StepDone { step, .. } => format!("✓ {}", step_name(lang, step)),
        StepFailed { step, attempt, .. } => format!("✗ {} (#{attempt})", step_name(lang, step)),
        DeadLetter { step, .. } => tf(
            lang,
            "choreo.mark.dead_letter",
            &[("step", &step_name(lang, step))],
        ),
        Ignored { step, .. } => tf(
            lang,
            "choreo.mark.ignored",
            &[("step", &step_name(lang, step))],
        ),
        Completed { .. } => t(lang, "choreo.mark.completed").to_string(),
        CustomerCancels { .. } => t(lang, "choreo.mark.cancels").to_string(),
        CancelRefused { .. } => t(lang, "choreo.mark.cancel_refused").to_string(),
        Shipped { .. } => t(lang, "choreo.mark.shipped").to_string(),
        ShippedCancelled { .. } => t(lang, "choreo.mark.shipped_cancelled").to_string(),
        Command { step, .. } => step_name(lang, step),
        TimedOut { step, .. } => tf(
            lang,
            "choreo.mark.timed_out",
            &[("step", &step_name(lang, step))],
        ),
        GaveUp { step, .. } => tf(
            lang,
            "choreo.mark.gave_up",
            &[("step", &step_name(lang, step))],
        ),
        Flagged { .. } => t(lang, "choreo.mark.flagged").to_string(),
        Published { topic, .. } => topic.key().to_string(),
        Lost { .. } => t(lang, "choreo.stage.lost").to_string(),
        Declined { step, .. } => t(
            lang,
            if step == Step::Reserve {
                "choreo.mark.out_of_stock"
            } else {
                "choreo.mark.declined"
            },
        )
        .to_string(),
    }
}

fn hop_text(lang: Lang, label: HopLabel) -> String {
    match label {
        HopLabel::Event(topic) => topic.key().to_string(),
        HopLabel::Command(step) => format!("→ {}", step_name(lang, step)),
        HopLabel::Reply { step, ok } => format!(
            "{} {}",
            if ok { "✓" } else { "✗" },
            tf(
                lang,
                "choreo.hop.reply",
                &[("step", &step_name(lang, step))]
            )
        ),
        HopLabel::Call { cancel: false } => "placeOrder()".to_string(),
        HopLabel::Call { cancel: true } => "cancelOrder()".to_string(),
    }
}

/// Why a hop is missing, and its mark: ✗ for one that will never come, ◷
/// for one still on its way (it read "✗ … not yet", a failure's mark). A
/// lost hop of an order the watcher flagged is no longer unknown.
fn missing_text(lang: Lang, why: Missing, flagged: bool) -> (&'static str, &'static str) {
    match why {
        Missing::Lost if flagged => ("✗", t(lang, "choreo.where.lost_flagged")),
        Missing::Lost => ("✗", t(lang, "choreo.where.lost")),
        Missing::GaveUp => ("✗", t(lang, "choreo.where.gave_up")),
        Missing::NotYet => ("◷", t(lang, "choreo.where.not_yet")),
    }
}

/// Entries of a service's fragment shown at most (the first and the latest
/// ones, the rest counted between them).
const FRAGMENT_SHOWN: usize = 6;

/// A service's fragment in one line: its entries oldest first, the same
/// thing done again in a row counted ("✓ refund ×3", at its first time), so
/// a duplicate is never hidden; past [`FRAGMENT_SHOWN`] entries, the first
/// two and the latest three with how many between ("… 4 more …").
pub fn fragment_text(lang: Lang, lines: &[(SimTime, ChoreoRecord)]) -> String {
    let mut groups: Vec<(SimTime, String, usize)> = vec![];
    for (at, r) in lines {
        let text = mark_text(lang, r);
        match groups.last_mut() {
            Some(g) if g.1 == text => g.2 += 1,
            _ => groups.push((*at, text, 1)),
        }
    }
    let show = |g: &(SimTime, String, usize)| {
        // A time never breaks between its number and unit ("2,25 | s").
        let at = human_ms_in(lang, ms(g.0)).replace(' ', "\u{a0}");
        if g.2 > 1 {
            format!("{at} {} ×{}", g.1, g.2)
        } else {
            format!("{at} {}", g.1)
        }
    };
    let mut parts: Vec<String> = vec![];
    if groups.len() <= FRAGMENT_SHOWN {
        parts.extend(groups.iter().map(show));
    } else {
        let between = groups.len() - 5;
        parts.extend(groups[..2].iter().map(show));
        parts.push(tf(lang, "choreo.where.more", &[("n", &between)]));
        parts.extend(groups[groups.len() - 3..].iter().map(show));
    }
    parts.join(" · ")
}

/// "Where is order #N?" for one side.
#[component]
fn WhereIsOrder(data: Memo<Option<StoryData>>) -> impl IntoView {
    let lang = use_i18n().lang;
    let html = move || {
        let lang = lang.get();
        data.with(|d| {
            d.as_ref()
                .map(|d| where_markup(d, lang))
                .unwrap_or_default()
        })
    };
    view! { <section class="choreo-where" data-testid="where-is" aria-live="polite" inner_html=html></section> }
}

fn where_markup(d: &StoryData, lang: Lang) -> String {
    let w = &d.where_is;
    let n = d.order + 1;
    let mut m = Markup::new();
    m.open("h3", &[("class", "small-title")]);
    m.text(&tf(lang, "choreo.where.title", &[("order", &n)]));
    m.raw(" ");
    match w.status {
        Some(s) => {
            m.elem(
                "span",
                &[
                    ("class", &format!("badge st-{}", s.key())),
                    ("data-testid", "where-status"),
                ],
                // One order's status: the singular.
                &tn(lang, &format!("choreo.status.{}", s.key()), 1, &[]),
            );
        }
        None => {
            m.elem(
                "span",
                &[("class", "badge")],
                t(lang, "choreo.where.not_placed"),
            );
        }
    }
    if w.inconsistent {
        m.raw(" ");
        m.elem(
            "span",
            &[
                ("class", "badge st-stuck"),
                ("data-testid", "where-inconsistent"),
                ("title", t(lang, "choreo.help.inconsistent")),
            ],
            t(lang, "choreo.where.inconsistent"),
        );
    }
    m.close("h3");
    if w.status.is_none() {
        return m.finish();
    }
    match w.mode {
        Mode::Choreography => {
            m.elem(
                "p",
                &[("class", "help")],
                &tf(lang, "choreo.where.assembled", &[("order", &n)]),
            );
            m.open("ul", &[("class", "choreo-fragments")]);
            for (service, lines) in &w.fragments {
                m.open("li", &[("data-service", service.key())]);
                m.elem("strong", &[], t(lang, Lane::Service(*service).name_key()));
                m.raw(": ");
                if lines.is_empty() {
                    m.elem(
                        "span",
                        &[("class", "muted")],
                        t(lang, "choreo.where.nothing"),
                    );
                } else {
                    m.text(&fragment_text(lang, lines));
                }
                m.close("li");
            }
            m.close("ul");
            for hop in &w.missing {
                m.open(
                    "p",
                    &[
                        (
                            "class",
                            if hop.why == Missing::NotYet {
                                "choreo-missing not-yet"
                            } else {
                                "choreo-missing"
                            },
                        ),
                        ("data-testid", "missing-hop"),
                        (
                            "data-why",
                            match hop.why {
                                Missing::Lost => "lost",
                                Missing::GaveUp => "gave_up",
                                Missing::NotYet => "not_yet",
                            },
                        ),
                    ],
                );
                let (mark, why) = missing_text(lang, hop.why, w.flagged);
                m.text(&tf(
                    lang,
                    "choreo.where.missing",
                    &[
                        ("mark", &mark),
                        ("topic", &hop.topic.key()),
                        ("service", &t(lang, Lane::Service(hop.to).name_key())),
                        ("at", &human_ms_in(lang, ms(hop.at))),
                        ("why", &why),
                    ],
                ));
                m.close("p");
            }
            if w.missing.iter().all(|h| h.why == Missing::NotYet)
                && w.status == Some(cv::Status::Stuck)
            {
                m.elem(
                    "p",
                    &[("class", "choreo-missing")],
                    t(lang, "choreo.where.stuck_unknown"),
                );
            }
        }
        Mode::Orchestration => {
            let state = match &w.phase {
                Some(Phase::Running { step, attempt }) => tf(
                    lang,
                    "choreo.where.running",
                    &[("step", &step_name(lang, *step)), ("attempt", attempt)],
                ),
                Some(Phase::Compensating { step, attempt }) => tf(
                    lang,
                    "choreo.where.compensating",
                    &[("step", &step_name(lang, *step)), ("attempt", attempt)],
                ),
                Some(Phase::Finished) | None => t(lang, "choreo.where.finished").to_string(),
            };
            m.open(
                "p",
                &[
                    ("class", "choreo-orch-state"),
                    ("data-testid", "orchestrator-state"),
                ],
            );
            m.elem("strong", &[], t(lang, "choreo.where.orchestrator_holds"));
            m.raw(" ");
            m.text(&state);
            m.close("p");
            let done: Vec<String> = w.done.iter().map(|s| step_name(lang, *s)).collect();
            m.elem(
                "p",
                &[("class", "help")],
                &tf(
                    lang,
                    "choreo.where.done",
                    &[(
                        "steps",
                        &if done.is_empty() {
                            "—".to_string()
                        } else {
                            done.join(" → ")
                        },
                    )],
                ),
            );
        }
    }
    m.finish()
}

/// The sequence diagram of the followed order on one side.
#[component]
fn SequenceDiagram(data: Memo<Option<StoryData>>) -> impl IntoView {
    let lang = use_i18n().lang;
    let node = NodeRef::<leptos::html::Div>::new();
    let width = crate::charts::use_element_width(node, 560.0);
    let html = move || {
        let lang = lang.get();
        let w = width.get();
        data.with(|d| {
            d.as_ref()
                .map(|d| {
                    if w < LIST_BELOW {
                        sequence_list(d, lang)
                    } else {
                        sequence_svg(d, lang, w)
                    }
                })
                .unwrap_or_default()
        })
    };
    view! {
        <figure class="choreo-sequence" data-testid="sequence">
            <figcaption class="small-title">{tr("choreo.seq.title")}</figcaption>
            <div class="choreo-seq-plot" node_ref=node inner_html=html></div>
        </figure>
    }
}

/// The narrowest column a lane gets (CSS px); a narrower box scrolls sideways.
const MIN_COL: f64 = 72.0;
/// Below this width (CSS px: half a phone's A | B) the diagram is a list, a
/// line or two per row. Drawn, its 44 px time column left about two lanes in
/// view: every hop's name ran out of the box, and reading a row meant
/// scrolling sideways and back.
pub const LIST_BELOW: f64 = 300.0;
const ROW_H: f64 = 22.0;
/// A time jump's row is a little taller than a step's: its label has a line of
/// its own, clear of the time of the row above and of the next hop's name.
const JUMP_H: f64 = 28.0;
/// The heads' band (CSS px) with one line of heads: its own SVG, kept at the
/// top of the plot while the rows scroll under it (`.choreo-seq-heads`).
const HEADS_H: f64 = 24.0;
/// From the heads' band to the first row (a hop's name sits above its arrow).
const FIRST_ROW: f64 = 18.0;
/// The heads' size (CSS px, as `.choreo-seq-head` sets it) and how far the
/// second line of staggered heads sits below the first.
const HEAD_PX: f64 = 11.0;
const HEAD_STEP: f64 = 12.0;

/// Before each shown row, the quiet time since the row above when it is a jump
/// worth marking: at least half a second, and five times the story's median step.
fn time_jumps(rows: &[&Row]) -> Vec<Option<f64>> {
    let gaps: Vec<f64> = rows.windows(2).map(|w| ms(w[1].at) - ms(w[0].at)).collect();
    let mut sorted = gaps.clone();
    engine::order::sort_by(&mut sorted, f64::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    let least = (5.0 * median).max(500.0);
    std::iter::once(None)
        .chain(gaps.into_iter().map(|g| (g >= least).then_some(g)))
        .collect()
}

/// A mark of something gone wrong (drawn red in both forms of the diagram).
fn is_bad(record: &ChoreoRecord) -> bool {
    matches!(
        record,
        ChoreoRecord::StepFailed { .. }
            | ChoreoRecord::DeadLetter { .. }
            | ChoreoRecord::TimedOut { .. }
            | ChoreoRecord::GaveUp { .. }
            | ChoreoRecord::Flagged { .. }
            | ChoreoRecord::Declined { .. }
    )
}

/// A hop's name, with "— lost" when the bus lost it.
fn hop_line(lang: Lang, label: HopLabel, lost: bool) -> String {
    let mut text = hop_text(lang, label);
    if lost {
        text.push_str(" — ");
        text.push_str(t(lang, "choreo.stage.lost"));
    }
    text
}

/// "… N more": the rows past [`MAX_ROWS`].
fn more_text(lang: Lang, d: &StoryData) -> String {
    tf(
        lang,
        "choreo.seq.more",
        &[("n", &d.rows.len().saturating_sub(MAX_ROWS))],
    )
}

/// The hops that should have happened and never will (not those on their way).
fn never_came(d: &StoryData) -> impl Iterator<Item = &cv::MissingHop> {
    d.where_is
        .missing
        .iter()
        .filter(|h| h.why != Missing::NotYet)
}

/// The diagram as a list, for a box too narrow to draw its lanes: one item
/// per row, oldest first, its time on the left and, for a hop, who sent it to
/// whom above its name; the same jumps, the same "… more" line, the hops that
/// never happened and "catching up" as the drawn diagram.
pub fn sequence_list(d: &StoryData, lang: Lang) -> String {
    sequence_items(d, lang, false)
}

/// The rows as a list: shown in half a phone, and otherwise (`hidden`) the
/// drawn diagram's text alternative, row for row, for a screen reader.
fn sequence_items(d: &StoryData, lang: Lang, hidden: bool) -> String {
    let shown: Vec<&Row> = d.rows.iter().take(MAX_ROWS).collect();
    let jumps = time_jumps(&shown);
    let lane = |l: Lane| t(lang, l.short_key());
    let mut m = Markup::new();
    m.open(
        "ol",
        &[
            (
                "class",
                if hidden {
                    "choreo-seq-list visually-hidden"
                } else {
                    "choreo-seq-list"
                },
            ),
            ("data-testid", if hidden { "seq-text" } else { "seq-list" }),
            (
                "aria-label",
                &tf(
                    lang,
                    "choreo.seq.label",
                    &[("order", &(d.order + 1)), ("n", &d.rows.len())],
                ),
            ),
            ("style", &format!("--order:{}", order_colour(d.order))),
        ],
    );
    let item = |m: &mut Markup, class: &str, at: &str, who: Option<&str>, what: &str| {
        // A missing hop keeps the drawn diagram's test id (shown, not hidden).
        if class.ends_with(" missing") && !hidden {
            m.open("li", &[("class", class), ("data-testid", "seq-missing")]);
        } else {
            m.open("li", &[("class", class)]);
        }
        m.elem("span", &[("class", "choreo-seq-at")], at);
        m.open("span", &[("class", "choreo-seq-what")]);
        if let Some(who) = who {
            m.elem("span", &[("class", "choreo-seq-who")], who);
        }
        m.elem("span", &[("class", "choreo-seq-name")], what);
        m.close("span");
        m.close("li");
    };
    for (row, jump) in shown.iter().zip(&jumps) {
        if let Some(gap) = jump {
            let later = tf(
                lang,
                "choreo.seq.later",
                &[("gap", &human_ms_in(lang, *gap))],
            );
            item(&mut m, "choreo-seq-item jump", "", None, &later);
        }
        let at = human_ms_in(lang, ms(row.at));
        match &row.kind {
            RowKind::Hop {
                from,
                to,
                label,
                backward,
                lost,
            } => {
                let to: Vec<&str> = to.iter().map(|l| lane(*l)).collect();
                let who = format!("{} → {}", lane(*from), to.join(", "));
                let text = hop_line(lang, *label, *lost);
                let class = match (backward, lost) {
                    (_, true) => "choreo-seq-item hop lost",
                    (true, false) => "choreo-seq-item hop back",
                    (false, false) => "choreo-seq-item hop",
                };
                item(&mut m, class, &at, Some(&who), &text);
            }
            RowKind::Mark { lane: l, record } => {
                let bad = is_bad(record);
                let class = if bad {
                    "choreo-seq-item mark bad"
                } else {
                    "choreo-seq-item mark"
                };
                item(&mut m, class, &at, Some(lane(*l)), &mark_text(lang, record));
            }
        }
    }
    if d.rows.len() > MAX_ROWS || d.truncated {
        item(
            &mut m,
            "choreo-seq-item jump",
            "",
            None,
            &more_text(lang, d),
        );
    }
    for hop in never_came(d) {
        let who = format!(
            "{} → {}",
            lane(cv::publisher(hop.topic)),
            lane(Lane::Service(hop.to))
        );
        let what = format!("✗ {} — {}", hop.topic.key(), t(lang, "choreo.seq.never"));
        item(&mut m, "choreo-seq-item missing", "", Some(&who), &what);
    }
    if d.behind {
        item(
            &mut m,
            "choreo-seq-item jump",
            "",
            None,
            t(lang, "choreo.seq.catching_up"),
        );
    }
    m.close("ol");
    m.finish()
}

/// The diagram as two SVGs of one width: the heads (the lanes' names), which
/// stay at the top of the plot while it scrolls down — and go sideways with
/// the rows, since both scroll in the same box —, and the body: one column per
/// lane, one row per hop or mark, and a red dashed arrow for each hop that
/// should have happened and did not. Both are drawn in one coordinate system;
/// the body's viewBox starts where the heads' band ends.
pub fn sequence_svg(d: &StoryData, lang: Lang, width: f64) -> String {
    let lanes = &d.lanes;
    let left = 44.0;
    #[allow(non_snake_case)]
    let SEQ_W = width.max(left + 8.0 + MIN_COL * lanes.len() as f64);
    let col = (SEQ_W - left - 8.0) / lanes.len().max(1) as f64;
    let x_of = |l: Lane| {
        let i = lanes.iter().position(|x| *x == l).unwrap_or(0);
        left + col * (i as f64 + 0.5)
    };
    let shown: Vec<&Row> = d.rows.iter().take(MAX_ROWS).collect();
    let missing: Vec<_> = never_came(d).collect();
    let jumps = time_jumps(&shown);
    let n_jumps = jumps.iter().filter(|j| j.is_some()).count();
    let n_rows = shown.len() + missing.len() + usize::from(d.rows.len() > MAX_ROWS || d.truncated);
    // Six lanes in a narrow card leave a column narrower than "Notificaciones":
    // the heads then alternate between two lines instead of running into
    // each other ("OrquestadorInventario"), and the rows start lower.
    let stagger = lanes
        .iter()
        .any(|l| crate::markup::text_width(t(lang, l.short_key()), HEAD_PX) > col - 4.0);
    let heads_h = HEADS_H + if stagger { HEAD_STEP } else { 0.0 };
    let top = heads_h + FIRST_ROW;
    let h = top + ROW_H * (n_rows.max(1) as f64) + JUMP_H * n_jumps as f64 + 16.0;
    let colour = order_colour(d.order);
    let mut m = Markup::new();
    // What a screen reader reads: the rows as a list (labelled with the
    // order and its count of rows); the drawing below is hidden from it.
    m.raw(&sequence_items(d, lang, true));
    // The heads: what the list already says, so hidden from assistive
    // technology as the body is.
    m.open(
        "svg",
        &[
            ("class", "choreo-seq-svg choreo-seq-heads"),
            ("data-testid", "seq-heads"),
            ("viewBox", &format!("0 0 {SEQ_W:.0} {heads_h:.0}")),
            ("width", &format!("{SEQ_W:.0}")),
            ("height", &format!("{heads_h:.0}")),
            ("aria-hidden", "true"),
        ],
    );
    for (i, l) in lanes.iter().enumerate() {
        let x = x_of(*l);
        let lower = stagger && i % 2 == 1;
        m.elem(
            "text",
            &[
                ("class", "choreo-seq-head"),
                ("x", &num(x)),
                ("y", &num(16.0 + if lower { HEAD_STEP } else { 0.0 })),
                ("text-anchor", "middle"),
            ],
            t(lang, l.short_key()),
        );
        // The lifeline begins under both lines of heads (a wide head
        // overhangs its neighbours' columns) and goes on in the body.
        m.empty(
            "line",
            &[
                ("class", "choreo-seq-life"),
                ("x1", &num(x)),
                ("x2", &num(x)),
                ("y1", &num(heads_h - 4.0)),
                ("y2", &num(heads_h)),
            ],
        );
    }
    m.close("svg");
    // The rows: the body, and over its left edge the time column, which stays
    // there when the plot scrolls sideways (in half a phone six lanes are three
    // times as wide as the card, and the far lanes' rows had no time).
    m.open("div", &[("class", "choreo-seq-rows")]);
    let mut times: Vec<(f64, String)> = Vec::new();
    m.open(
        "svg",
        &[
            ("class", "choreo-seq-svg choreo-seq-body"),
            (
                "viewBox",
                &format!("0 {heads_h:.0} {SEQ_W:.0} {:.0}", h - heads_h),
            ),
            ("width", &format!("{SEQ_W:.0}")),
            ("height", &format!("{:.0}", h - heads_h)),
            // Its text alternative is the list of the same rows, before it.
            ("aria-hidden", "true"),
            ("style", &format!("--order:{colour}")),
        ],
    );
    for l in lanes {
        let x = x_of(*l);
        m.empty(
            "line",
            &[
                ("class", "choreo-seq-life"),
                ("x1", &num(x)),
                ("x2", &num(x)),
                ("y1", &num(heads_h)),
                ("y2", &num(h - 6.0)),
            ],
        );
    }
    let mut y = top;
    for (row, jump) in shown.iter().zip(&jumps) {
        // Rows are evenly spaced whatever the time between them: a long quiet
        // stretch (a retry's wait, a customer's cancel) gets its own row, so
        // "263 ms" followed by "2.25 s" does not read as the next moment. The
        // row is a line of its own, a little taller than a step's, its label
        // starting after the time column: it read as one with the time above
        // when it sat half a row up, on that time's line.
        if let Some(gap) = jump {
            m.open(
                "g",
                &[("class", "choreo-seq-jump"), ("data-testid", "seq-jump")],
            );
            m.empty(
                "line",
                &[
                    ("x1", &num(left)),
                    ("y1", &num(y - 3.0)),
                    ("x2", &num(SEQ_W - 4.0)),
                    ("y2", &num(y - 3.0)),
                ],
            );
            m.elem(
                "text",
                &[("x", &num(left + 4.0)), ("y", &num(y + 1.0))],
                &tf(
                    lang,
                    "choreo.seq.later",
                    &[("gap", &human_ms_in(lang, *gap))],
                ),
            );
            m.close("g");
            y += JUMP_H;
        }
        times.push((y + 4.0, human_ms_in(lang, ms(row.at))));
        match &row.kind {
            RowKind::Hop {
                from,
                to,
                label,
                backward,
                lost,
            } => {
                let x1 = x_of(*from);
                let class = match (backward, lost) {
                    (_, true) => "choreo-seq-hop lost",
                    (true, false) => "choreo-seq-hop back",
                    (false, false) => "choreo-seq-hop",
                };
                for target in to {
                    let x2 = x_of(*target);
                    // A lost message stops half a column out, between two
                    // lifelines (half way to a far target sat on another
                    // service's line), and a faint line goes on to where it
                    // was going.
                    let end = if *lost {
                        x1 + (x2 - x1).signum() * (col / 2.0).min((x2 - x1).abs() / 2.0)
                    } else {
                        x2
                    };
                    if *lost {
                        m.empty(
                            "line",
                            &[
                                ("class", "choreo-seq-hop lost-rest"),
                                ("x1", &num(end)),
                                ("y1", &num(y)),
                                ("x2", &num(x2)),
                                ("y2", &num(y)),
                            ],
                        );
                    }
                    m.empty(
                        "line",
                        &[
                            ("class", class),
                            ("x1", &num(x1)),
                            ("y1", &num(y)),
                            ("x2", &num(end)),
                            ("y2", &num(y)),
                            ("marker-end", if *lost { "" } else { "url(#arrow)" }),
                        ],
                    );
                    if *lost {
                        m.elem(
                            "text",
                            &[
                                ("class", "choreo-lost"),
                                ("x", &num(end)),
                                ("y", &num(y + 4.0)),
                                ("text-anchor", "middle"),
                            ],
                            "✕",
                        );
                    } else {
                        m.empty(
                            "circle",
                            &[
                                ("class", "choreo-seq-head-dot"),
                                ("cx", &num(x2)),
                                ("cy", &num(y)),
                                ("r", "3"),
                            ],
                        );
                    }
                }
                let text = hop_line(lang, *label, *lost);
                // After the arrowhead when the arrow points left (a reply
                // to the orchestrator): its "✓" sat under the head.
                let left = to.iter().map(|l| x_of(*l)).fold(x1, f64::min);
                let tx = left + if left < x1 && !*lost { 10.0 } else { 4.0 };
                m.elem(
                    "text",
                    &[
                        (
                            "class",
                            if *backward {
                                "choreo-seq-label back"
                            } else {
                                "choreo-seq-label"
                            },
                        ),
                        ("x", &num(tx)),
                        // Clear of the arrowheads on the line (an event that
                        // reaches a listener mid-way has one under its name).
                        ("y", &num(y - 7.0)),
                    ],
                    &text,
                );
            }
            RowKind::Mark { lane, record } => {
                let x = x_of(*lane);
                let bad = is_bad(record);
                m.empty(
                    "circle",
                    &[
                        (
                            "class",
                            if bad {
                                "choreo-seq-mark bad"
                            } else {
                                "choreo-seq-mark"
                            },
                        ),
                        ("cx", &num(x)),
                        ("cy", &num(y)),
                        ("r", "5"),
                    ],
                );
                let right = x < SEQ_W - 150.0;
                m.elem(
                    "text",
                    &[
                        (
                            "class",
                            if bad {
                                "choreo-seq-label bad"
                            } else {
                                "choreo-seq-label"
                            },
                        ),
                        ("x", &num(if right { x + 8.0 } else { x - 8.0 })),
                        ("y", &num(y + 4.0)),
                        ("text-anchor", if right { "start" } else { "end" }),
                    ],
                    &mark_text(lang, record),
                );
            }
        }
        y += ROW_H;
    }
    if d.rows.len() > MAX_ROWS || d.truncated {
        m.elem(
            "text",
            &[
                ("class", "choreo-seq-time"),
                ("x", &num(left)),
                ("y", &num(y + 4.0)),
            ],
            &more_text(lang, d),
        );
        y += ROW_H;
    }
    // The hops that never happened: where the story should have gone on.
    for hop in missing {
        let x1 = x_of(cv::publisher(hop.topic));
        let x2 = x_of(Lane::Service(hop.to));
        m.open(
            "g",
            &[
                ("class", "choreo-seq-missing"),
                ("data-testid", "seq-missing"),
            ],
        );
        m.empty(
            "line",
            &[
                ("x1", &num(x1)),
                ("y1", &num(y)),
                ("x2", &num(x2)),
                ("y2", &num(y)),
            ],
        );
        m.elem(
            "text",
            &[("x", &num(left)), ("y", &num(y - 5.0))],
            &format!(
                "✗ {} → {} — {}",
                hop.topic.key(),
                t(lang, Lane::Service(hop.to).short_key()),
                t(lang, "choreo.seq.never")
            ),
        );
        m.close("g");
        y += ROW_H;
    }
    m.raw(r#"<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="choreo-arrow"/></marker></defs>"#);
    if d.behind {
        m.elem(
            "text",
            &[
                ("class", "choreo-seq-time"),
                ("x", &num(left)),
                ("y", &num(h - 2.0)),
            ],
            t(lang, "choreo.seq.catching_up"),
        );
    }
    m.close("svg");
    // The time column: its own SVG on the body's first 44 px, on the panel's
    // colour so the rows scrolled sideways pass under it. What it says is in
    // the body's label, so hidden from assistive technology.
    let body_h = h - heads_h;
    m.open(
        "svg",
        &[
            ("class", "choreo-seq-svg choreo-seq-times"),
            ("data-testid", "seq-times"),
            ("viewBox", &format!("0 {heads_h:.0} {left:.0} {body_h:.0}")),
            ("width", &format!("{left:.0}")),
            ("height", &format!("{body_h:.0}")),
            ("aria-hidden", "true"),
        ],
    );
    m.empty(
        "rect",
        &[
            ("class", "choreo-seq-times-bg"),
            ("x", "0"),
            ("y", &num(heads_h)),
            ("width", &num(left)),
            ("height", &num(body_h)),
        ],
    );
    for (ty, text) in &times {
        m.elem(
            "text",
            &[("class", "choreo-seq-time"), ("x", "4"), ("y", &num(*ty))],
            text,
        );
    }
    m.close("svg");
    m.close("div");
    m.finish()
}

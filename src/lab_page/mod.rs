//! The lab page every lab shares: presets with their guides and guided
//! moments, the player, the A | B stage cards with their verdict mini-charts,
//! the metrics table (theory beside measurement), share, embed and export.
//!
//! What is special to a lab sits behind [`LabUi`]: its config type, how to
//! start a run, its presets, and the few views only it can draw (the stage
//! under each mini-chart, the controls, the full charts, the log). Everything
//! else reads the run through the engine's [`LabRun`], so a new lab gets the
//! whole page by implementing `LabUi` once.

pub mod guide;
pub mod metrics;
pub mod verdict;

pub use verdict::TimeAxis;

use crate::embed::{self, EmbedMode};
use crate::i18n::{tr, use_i18n};
use crate::layout::LabLayout;
use crate::player::{self, Clock, PlayerBar};
use crate::share::ShareButtons;
use engine::codec;
use engine::i18n::{t, tf};
use engine::labs::run::Moment;
use engine::validate::ConfigError;
use engine::{LabId, LabRun, Lang};
use leptos::prelude::*;

/// A preset as the page shows it: its link state, and its guided moments.
#[derive(Clone, Debug, PartialEq)]
pub struct PagePreset<C> {
    pub id: &'static str,
    pub seed: u64,
    pub config: C,
    pub moments: Vec<Moment>,
}

/// What a lab tells the shared page. Implemented once per lab (a unit type).
pub trait LabUi: 'static {
    type Config: Clone + PartialEq + Send + Sync + serde::Serialize + 'static;
    type Run: LabRun + Clone + 'static;
    /// The lab as the engine knows it (its reader, checks, trace export): the
    /// page uses this lab's alone, so its wasm links no other lab's.
    type Lab: engine::labs::Lab<Config = Self::Config>;
    const ID: LabId;

    fn default_config() -> Self::Config;
    fn new_run(config: &Self::Config, seed: u64) -> Result<Self::Run, Vec<ConfigError>>;
    fn presets() -> Vec<PagePreset<Self::Config>>;
    /// log10 of the starting speed (simulated seconds per real second).
    fn initial_speed_log(config: &Self::Config) -> f64;
    /// What side `side` runs, in a few words ("Exponential backoff · 8 attempts").
    fn side_summary(run: &Self::Run, side: usize, lang: Lang) -> String;
    /// The lab's own drawing of one side, under that side's mini-chart.
    /// `axis` is the cards' shared time window (zoomed to the shorter run or
    /// not): a drawing over time of its own should show the same window.
    fn stage(
        view: RunView<Self::Run>,
        frame_view: RunView<Self::Run>,
        side: usize,
        axis: TimeAxis,
    ) -> AnyView;
    fn controls(config: RwSignal<Self::Config>, errors: RwSignal<Vec<ConfigError>>) -> AnyView;
    /// The full charts, below the metrics.
    fn charts(view: RunView<Self::Run>) -> AnyView;
    fn log(view: RunView<Self::Run>, playing: RwSignal<bool>) -> AnyView;
}

/// What every view of a run needs: the run, a tick that bumps when it
/// changes, the language and the seed. Read `tick` first in a reactive
/// closure (`with` does), then the run.
pub struct RunView<R: 'static> {
    pub run: StoredValue<R, LocalStorage>,
    pub tick: RwSignal<u64>,
    pub lang: Signal<Lang>,
    pub seed: Signal<u64>,
}

impl<R: 'static> Clone for RunView<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R: 'static> Copy for RunView<R> {}

impl<R: 'static> RunView<R> {
    /// Reads the run reactively.
    pub fn with<T>(&self, f: impl FnOnce(&R) -> T) -> T {
        self.tick.track();
        self.run.with_value(f)
    }
}

/// The default config failed its own checks: a bug. The panic names the fields
/// (not `{:?}` of the errors, which would link `std`'s float printer).
fn invalid_default(errors: &[ConfigError]) -> ! {
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    panic!("the default config is valid (not: {})", fields.join(", "))
}

/// Puts `f` off until the next animation frame has passed: for work that must
/// see the page laid out (focus, measuring).
fn after_paint(f: impl FnOnce() + 'static) {
    request_animation_frame(f);
}

/// The page of lab `L`, opened with `config` and `seed`.
pub fn lab_page<L: LabUi>(config: L::Config, seed: u64) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang;
    let mode = use_context::<EmbedMode>().unwrap_or(EmbedMode {
        embedded: false,
        autoplay: false,
    });
    let clock = Clock::new(seed, L::initial_speed_log(&config));
    let presets = StoredValue::new(L::presets());
    let first = L::new_run(&config, seed)
        .or_else(|_| L::new_run(&L::default_config(), seed))
        .unwrap_or_else(|e| invalid_default(&e));
    let run = StoredValue::new_local(first);
    // The preset the user started from, if any: an exact match when the page
    // opens, or the one last picked. Its guide stays visible after edits.
    let origin = RwSignal::new(presets.with_value(|ps| {
        ps.iter()
            .find(|p| p.config == config && p.seed == seed)
            .map(|p| p.id)
    }));
    let config = RwSignal::new(config);
    let errors = RwSignal::new(Vec::<ConfigError>::new());
    let view_ctx = RunView {
        run,
        tick: clock.tick,
        lang: i18n.signal(),
        seed: clock.seed.into(),
    };
    let frame_ctx = RunView {
        tick: clock.frame,
        ..view_ctx
    };

    // The player owns the run from here on: snapshots for seeking, guided
    // moments, the rAF loop. A new run goes through it (`replace`).
    let pb = player::drive(clock, run);
    let restart = move |fresh: L::Run| pb.replace(fresh);
    // A new config or seed starts a new run (keeping play/pause as it was).
    Effect::new(move |prev: Option<()>| {
        let cfg = config.get();
        let seed = clock.seed.get();
        if prev.is_none() {
            return;
        }
        match L::new_run(&cfg, seed) {
            Ok(fresh) => {
                errors.set(vec![]);
                restart(fresh);
            }
            Err(e) => errors.set(e),
        }
    });

    // A memo: the link is deflated once per change, however many views read it.
    let fragment = Memo::new(move |_| {
        let json = config.with(|c| serde_json::to_value(c).expect("configs serialise"));
        codec::fragment_from_json(lang.get(), L::ID, clock.seed.get(), json)
    });
    // The URL always holds the current state (replaced, so knobs don't flood
    // history): at once when the page opens, then once the knobs rest for a
    // moment (a dragged slider writes once, not sixty times a second).
    let pending_write = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    Effect::new(move |prev: Option<()>| {
        let frag = fragment.get();
        if !errors.with(Vec::is_empty) {
            // A refused config never reaches the link, even when its write
            // was queued before the engine's check came back.
            pending_write.set_value(None);
            return;
        }
        if prev.is_none() {
            crate::browser::replace_fragment(&frag);
            return;
        }
        let write = gloo_timers::callback::Timeout::new(120, move || {
            crate::browser::replace_fragment(&frag)
        });
        // Dropping the previous timeout cancels it.
        pending_write.set_value(Some(write));
    });

    // Which preset this is, exactly: derived, never stored.
    let current_preset = Memo::new(move |_| {
        let cfg = config.get();
        let seed = clock.seed.get();
        presets.with_value(|ps| {
            ps.iter()
                .find(|p| p.config == cfg && p.seed == seed)
                .map(|p| p.id)
        })
    });
    Effect::new(move |_| {
        if let Some(id) = current_preset.get() {
            origin.set(Some(id));
        }
    });
    // The guide's moments are the exact preset's: an edited run has none.
    let guide_on = clock.guide.on;
    guide_on.set(true);
    let moments = Memo::new(move |_| {
        let id = current_preset.get()?;
        presets.with_value(|ps| ps.iter().find(|p| p.id == id).map(|p| p.moments.clone()))
    });
    Effect::new(move |_| clock.guide.set_moments(moments.get().unwrap_or_default()));

    let on_step = move || pb.step();
    player::keyboard_shortcuts_with_back(move || clock.toggle(), on_step, move || pb.step_back());
    let on_reset = move || {
        clock.playing.set(false);
        if let Ok(fresh) = L::new_run(&config.get_untracked(), clock.seed.get_untracked()) {
            restart(fresh);
        }
    };
    if mode.embedded {
        embed::pause_when_hidden(clock, "main");
    }
    if mode.autoplay {
        clock.playing.set(true);
    }
    // Arriving from another page of the app, focus the title, so Tab starts
    // at the top of the lab instead of where the previous page's focus was.
    // Never in an embed: focusing would scroll the course page to the frame.
    let navigated = use_context::<crate::app::Route>().is_some_and(|r| r.visit.get_untracked() > 0);
    (navigated && !mode.embedded).then(|| {
        after_paint(|| {
            if let Some(h1) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector("main.lab h1").ok().flatten())
            {
                if let Ok(h1) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(h1) {
                    let _ = h1.focus();
                }
            }
        })
    });

    let title_key = format!("lab.{}.title", L::ID.slug());
    let summary_key = format!("lab.{}.summary", L::ID.slug());
    // The embed's frame title: the lab and, for an exact preset, its title —
    // two frames of one lab on a course page are told apart ("Retry").
    let title = {
        let key = title_key.clone();
        Signal::derive(move || {
            let lang = lang.get();
            let lab = t(lang, &key);
            match current_preset.get() {
                Some(id) => {
                    let preset = format!("preset.{}.{id}.title", L::ID.slug());
                    format!("{lab} — {}", t(lang, &preset))
                }
                None => lab.to_string(),
            }
        })
    };
    let pick = Callback::new(move |id: &'static str| {
        let Some(p) = presets.with_value(|ps| ps.iter().find(|p| p.id == id).cloned()) else {
            return;
        };
        clock.playing.set(false);
        let speed = L::initial_speed_log(&p.config);
        clock.max_speed_log.update(|m| *m = m.max(speed));
        clock.speed_log.set(speed);
        origin.set(Some(id));
        clock.seed.set(p.seed);
        config.set(p.config);
    });
    let preset_ids = presets.with_value(|ps| ps.iter().map(|p| p.id).collect::<Vec<_>>());

    crate::browser::open_settings_for_print();
    let header = view! {
        <div class="lab-title">
            <p class="crumbs">
                <a href=move || crate::browser::home_href(lang.get())>{tr("ui.all_labs")}</a>
            </p>
            <h1 tabindex="-1">{move || t(lang.get(), &title_key).to_string()}</h1>
            {mode.embedded.then(|| {
                view! {
                    <p class="embed-open-full">
                        <a
                            href=move || format!("{}#{}", crate::browser::clean_base_url(), fragment.get())
                            target="_blank"
                            rel="noopener"
                            data-testid="embed-open-full"
                        >
                            {tr("ui.open_full_lab")}
                            " ↗"
                            <span class="visually-hidden">" " {tr("ui.new_tab")}</span>
                        </a>
                    </p>
                }
            })}
            <p class="lead">{move || t(lang.get(), &summary_key).to_string()}</p>
            // On paper, the run's link: the handout can be replayed.
            <p class="print-only print-link" data-testid="print-link">
                {move || tf(lang.get(), "ui.print_link", &[("seed", &clock.seed.get())])}
                " "
                <span class="mono">{move || format!("{}#{}", crate::browser::clean_base_url(), fragment.get())}</span>
            </p>
        </div>
        <guide::PresetPicker lab=L::ID ids=preset_ids current=current_preset.into() origin=origin.into() pick=pick />
        <ShareButtons fragment=fragment title=title />
    }
    .into_any();

    let guide_view = view! {
        <guide::GuidePanel
            lab=L::ID
            current=current_preset.into()
            origin=origin.into()
            guide_on=guide_on
            has_moments=Signal::derive(move || moments.with(|m| m.as_ref().is_some_and(|m| !m.is_empty())))
            back=pick
        />
    }
    .into_any();

    let fields = crate::controls::FieldFeedback::new(errors);
    provide_context(fields);
    // Once the settings have mounted (each field has said the path it sets),
    // a link's problems name them by their labels too.
    if let Some(route) = use_context::<crate::app::Route>() {
        Effect::new(move |_| route.fields.set(Some(fields)));
        on_cleanup(move || route.fields.set(None));
    }
    let controls = L::controls(config, errors);
    let player_view = view! {
        <PlayerBar
            clock=clock
            on_step=move |_| on_step()
            on_back=move |_| pb.step_back()
            on_reset=move |_| on_reset()
            on_seed=move |s| clock.seed.set(s)
        />
        // Beside the bar, not inside it: on phones the bar is one scrolling line.
        <crate::scrub::Scrubber playback=pb />
    }
    .into_any();

    let zoom = RwSignal::new(false);
    let stage = view! {
        <guide::MomentCaption clock=clock />
        {stage_cards::<L>(view_ctx, frame_ctx, zoom)}
    }
    .into_any();
    let share_link =
        Signal::derive(move || format!("{}#{}", crate::browser::clean_base_url(), fragment.get()));
    let metrics_view = view! {
        <metrics::MetricsTable view=view_ctx playing=clock.playing />
        <crate::export::ExportMenu
            slug=L::ID.slug()
            link=share_link
            report=move || {
                let seed = clock.seed.get_untracked();
                serde_json::to_string_pretty(&run.with_value(|r| r.report(seed))).unwrap_or_default()
            }
            rows=move || run.with_value(|r| (0..r.side_count()).map(|s| r.metric_rows(s)).collect::<Vec<_>>())
            charts="lab-charts"
            trace=move || {
                let (config, seed) = (config.get_untracked(), clock.seed.get_untracked());
                <L::Lab as engine::labs::Lab>::trace_export(&config, seed, engine::validate::WorkLimits::LINK).ok()
            }
        />
        <crate::seeds::SeedSweep
            make=move |s| {
                L::new_run(&config.get_untracked(), s)
                    .or_else(|_| L::new_run(&L::default_config(), s))
                    .unwrap_or_else(|e| invalid_default(&e))
            }
            link=share_link
        />
    }
    .into_any();
    // The heavier views below the stage refresh on the frames after the
    // metrics (see `Clock::tick_later`), so no frame redraws them all.
    let charts_ctx = RunView {
        tick: clock.tick_later[0],
        ..view_ctx
    };
    let log_ctx = RunView {
        tick: clock.tick_later[1],
        ..view_ctx
    };
    let charts = view! { <div id="lab-charts">{L::charts(charts_ctx)}</div> }.into_any();
    let log_view = L::log(log_ctx, clock.playing);

    view! {
        <LabLayout
            header=header
            guide=guide_view
            controls=controls
            player=player_view
            stage=stage
            metrics=metrics_view
            charts=charts
            log=log_view
            compact=mode.embedded
        />
    }
}

/// The stage cards, A | B side by side: each with what it runs, its verdict
/// mini-chart on the shared time axis, and the lab's own stage.
fn stage_cards<L: LabUi>(
    view: RunView<L::Run>,
    frame_view: RunView<L::Run>,
    zoom: RwSignal<bool>,
) -> impl IntoView {
    let sides = Memo::new(move |_| view.with(|r| r.side_count()));
    let has_b = move || sides.get() > 1;
    // Both cards share one time axis and one y scale, so A and B compare by eye.
    let time_axis = verdict::TimeAxis { zoom: zoom.into() };
    let axis = Memo::new(move |_| {
        view.with(|run| {
            let x_max = time_axis.x_max_ms(run);
            let y_max = (0..run.side_count())
                .map(|s| run.verdict(s).peak())
                .fold(0.0, f64::max);
            verdict::Axis {
                x_max_ms: x_max,
                y_max,
                now_ms: run.now().as_micros() as f64 / 1000.0,
                runs_on_ms: None,
            }
        })
    });
    // "Zoom to the shorter run" is offered on the card whose run ends early,
    // under its mini-chart's key, only while that is so.
    let offer = Memo::new(move |_| view.with(verdict::zoom_offer));
    let zoom_chip = move |side: usize| {
        move || {
            let o = offer.get().filter(|o| o.side == side)?;
            let lang = view.lang.get();
            let letter = if side == 0 { "A" } else { "B" };
            let end = crate::charts::fmt_ms(lang, o.end_ms);
            let text = tf(lang, "ui.zoom_to_run", &[("side", &letter), ("end", &end)]);
            Some(view! {
                <label class="zoom-toggle">
                    <input type="checkbox" data-testid="zoom-shorter" prop:checked=move || zoom.get()
                        on:change=move |ev| zoom.set(event_target_checked(&ev)) />
                    " "
                    {text}
                </label>
            })
        }
    };
    let card = move |side: usize| {
        let label = if side == 0 { "ui.side_a" } else { "ui.side_b" };
        let letter = if side == 0 { "A" } else { "B" };
        // With two sides, what sets this one apart in bold: on a phone the
        // only difference between A's and B's sat at the end of four lines.
        let summary = move || {
            let lang = view.lang.get();
            view.with(|run| {
                let other =
                    (run.side_count() > 1).then(|| L::side_summary(run, 1 - side.min(1), lang));
                summary_markup(&L::side_summary(run, side, lang), other.as_deref())
            })
        };
        let data = Memo::new(move |_| view.with(|run| run.verdict(side)));
        // The numbers the guide names, under the chart (the table is far
        // below), on a phone and in the compact embed too, a figure a line.
        let key_figures = move || {
            let lang = view.lang.get();
            view.with(|run| metrics::key_figures_markup(run, side, lang))
        };
        // This card's axis: the shared one, and where its own run ends when
        // the zoom cuts it short, or when it finished before the other side
        // (a side that is done stops its clock; the others share theirs).
        let card_axis = Signal::derive(move || {
            let mut a = axis.get();
            view.with(|run| {
                let own = run.side_end_ms(side);
                let latest = (0..run.side_count())
                    .map(|s| run.side_end_ms(s))
                    .fold(0.0, f64::max);
                if a.x_max_ms < run.time_domain_ms() || own + 0.5 < latest {
                    a.runs_on_ms = Some(own);
                }
            });
            a
        });
        view! {
            <section class="side" data-side=letter>
                <h2 class="side-title">{tr(label)}</h2>
                <span class="side-summary" data-testid=format!("summary-{letter}") inner_html=summary></span>
                <div class="verdict-wrap">
                    <verdict::VerdictChart data=data.into() axis=card_axis lang=view.lang side=letter />
                    {zoom_chip(side)}
                </div>
                // A row of its own, shared by both cards: level across them
                // even when one card's chart title wraps around the zoom toggle.
                <div class="key-figures-wrap key-figures-top" inner_html=key_figures></div>
                {L::stage(view, frame_view, side, time_axis)}
            </section>
        }
    };
    view! {
        <div class="sides" class:compare=has_b>
            {card(0)}
            {crate::show::show(has_b, move || card(1).into_any())}
        </div>
    }
}

/// A stage card's summary (its parts joined by " · ") as markup: beside
/// another side's, the parts the other has not in bold — unless none is
/// shared, when bold would single nothing out.
pub fn summary_markup(own: &str, other: Option<&str>) -> String {
    let theirs: Vec<&str> = other.map_or_else(Vec::new, |o| o.split(" · ").collect());
    let parts: Vec<&str> = own.split(" · ").collect();
    let shared = parts.iter().any(|p| theirs.contains(p));
    let mut m = crate::markup::Markup::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            m.text(" · ");
        }
        if shared && !theirs.contains(part) {
            m.elem("strong", &[("class", "differs")], part);
        } else {
            m.text(part);
        }
    }
    m.finish()
}

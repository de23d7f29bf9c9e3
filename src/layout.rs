//! The lab page layout every lab reuses: a title, the try-this guide, a
//! controls panel, the stage, the player bar, live metrics, charts and the
//! narrated log. A lab fills the slots; the layout decides where they go at
//! 360 px and at 1440 px, and in the compact embed.
//!
//! The compact embed (`compact`, what a course page frames) is one fixed
//! screen: title, player, the A | B stage cards, the guide, and two buttons
//! that open the settings or the results over the stage. Its height is the
//! frame's and never changes while a run plays: the stage area and the guide
//! box have fixed shares of it and scroll inside themselves, and nothing below
//! them grows; a guided moment's caption shares the guide's row instead of
//! covering it (see `style/main.css`, "Compact embed").

use crate::i18n::tr;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The lab page skeleton. Each slot is a child view.
#[component]
pub fn LabLayout(
    /// Title, crumbs, share bar, preset picker (and, in an embed, the
    /// "Open full lab ↗" link, an `.embed-open-full` element).
    header: AnyView,
    /// The try-this guide and the guided-moment caption.
    #[prop(optional)]
    guide: Option<AnyView>,
    controls: AnyView,
    player: AnyView,
    /// The A | B stage cards, each with its mini chart.
    stage: AnyView,
    metrics: AnyView,
    charts: AnyView,
    log: AnyView,
    /// The compact embed: one fixed screen, settings and results behind
    /// buttons. When not given, it follows the page's embed mode.
    #[prop(optional)]
    compact: Option<bool>,
) -> impl IntoView {
    let compact = compact
        .unwrap_or_else(|| use_context::<crate::embed::EmbedMode>().is_some_and(|m| m.compact()));
    if compact {
        crate::embed::set_compact_page(true);
        on_cleanup(|| crate::embed::set_compact_page(false));
        compact_layout(header, guide, controls, player, stage, metrics, charts, log).into_any()
    } else {
        full_layout(header, guide, controls, player, stage, metrics, charts, log).into_any()
    }
}

/// Scrolls the page to the first element matching `selector` and focuses it
/// (made focusable for it: "Skip to content" jumps to `<main id="main">`).
pub fn jump(selector: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
    {
        if !el.has_attribute("tabindex") {
            let _ = el.set_attribute("tabindex", "-1");
        }
        el.scroll_into_view();
        // Keyboard and screen-reader users go there too (focus stayed on ⚙).
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}

/// Play pressed with the lab's own drawing partly below the window (a
/// laptop's 1280×800 or 1366×768: the cards start near the fold, under the
/// title, the player and the guide): the page scrolls the stage cards' top up
/// under the player bar, which sticks to the window's top — so the student
/// watches the run they started with Pause at hand, and a guided moment's
/// caption (over the cards) comes where they look without another jump. (Not
/// "just enough to show the cards": they grow as a run starts, and the
/// caption's scroll then moved the page a second time.) Not in the compact
/// embed (it fits its frame), nor where the bar does not stick (phones: the
/// stage is in their first screen), nor when the reader is already at or past
/// the cards (reading the metrics), nor for a few pixels.
pub fn bring_stage_into_view() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(doc) = window.document() else { return };
    let find = |s: &str| doc.query_selector(s).ok().flatten();
    let (Some(bar), Some(stage)) = (find(".lab:not(.compact) .lab-player"), find(".lab-stage"))
    else {
        return;
    };
    let sticks = window
        .get_computed_style(&bar)
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value("position").ok())
        .is_some_and(|p| p == "sticky");
    let vh = window
        .inner_height()
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    if !sticks || vh <= 0.0 {
        return;
    }
    let bar_height = bar.get_bounding_client_rect().height();
    let rect = stage.get_bounding_client_rect();
    let by = stage_scroll(rect.top(), rect.bottom(), bar_height, vh);
    if by > 0.0 {
        let options = web_sys::ScrollToOptions::new();
        options.set_top(by);
        let smooth = !crate::charts::prefers_reduced_motion();
        options.set_behavior(if smooth {
            web_sys::ScrollBehavior::Smooth
        } else {
            web_sys::ScrollBehavior::Instant
        });
        window.scroll_by_with_scroll_to_options(&options);
    }
}

/// How far [`bring_stage_into_view`] scrolls down: until the stage's top
/// meets the player bar (with a margin); nothing when the stage shows whole
/// already, when the reader is past its top, or for less than [`MIN_SCROLL_PX`]
/// (pressing Play on at a moment, the caption just went away).
pub fn stage_scroll(top: f64, bottom: f64, bar_height: f64, window_height: f64) -> f64 {
    const MARGIN: f64 = 8.0;
    let to_top = top - bar_height - MARGIN;
    if bottom + MARGIN <= window_height || to_top < MIN_SCROLL_PX {
        return 0.0;
    }
    to_top
}

/// Less than this, [`stage_scroll`] leaves the page where it is.
pub const MIN_SCROLL_PX: f64 = 40.0;

#[allow(clippy::too_many_arguments)]
fn full_layout(
    header: AnyView,
    guide: Option<AnyView>,
    controls: AnyView,
    player: AnyView,
    stage: AnyView,
    metrics: AnyView,
    charts: AnyView,
    log: AnyView,
) -> impl IntoView {
    view! {
        <main id="main" class="lab">
            <div class="lab-header">{header}</div>
            // The run comes first in the document (and so in the Tab order); on
            // wide screens the grid puts the settings in the left column.
            <div class="lab-grid">
                <section class="lab-main">
                    <div class="lab-player" tabindex="-1">{player}</div>
                    // The guide reads before the stage; on phones in a few
                    // lines, so the stage is in the first screen too.
                    <div class="lab-guide" data-testid="lab-guide">{guide}</div>
                    <div class="lab-stage" data-testid="lab-stage">{stage}</div>
                    <div class="lab-metrics">{metrics}</div>
                    <div class="lab-charts">{charts}</div>
                    <div class="lab-log">{log}</div>
                </section>
                <aside class="lab-controls" aria-labelledby="controls-title" tabindex="-1">
                    <button type="button" class="btn run-jump" data-testid="run-jump" on:click=|_| jump(".lab-player")>
                        <span aria-hidden="true">"↑ "</span>{tr("ui.back_to_run")}
                    </button>
                    {controls}
                </aside>
            </div>
        </main>
    }
}

/// Which panel the compact embed shows over its stage, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Panel {
    Settings,
    Results,
}

impl Panel {
    /// Its name in test ids and element ids (`compact-settings`, `compact-settings-panel`).
    fn slug(self) -> &'static str {
        match self {
            Panel::Settings => "settings",
            Panel::Results => "results",
        }
    }

    /// The catalogue key of its title.
    fn title(self) -> &'static str {
        match self {
            Panel::Settings => "ui.settings",
            Panel::Results => "ui.results",
        }
    }
}

/// The button that opens `panel` over the stage, or closes it when it is the
/// one open (pressing another button switches panels).
#[component]
fn PanelButton(panel: Panel, icon: &'static str, open: RwSignal<Option<Panel>>) -> impl IntoView {
    let shown = move || open.get() == Some(panel);
    view! {
        <button
            class="btn"
            data-testid=format!("compact-{}", panel.slug())
            aria-controls=format!("compact-{}-panel", panel.slug())
            aria-expanded=move || shown().to_string()
            on:click=move |_| open.update(|o| *o = if *o == Some(panel) { None } else { Some(panel) })
        >
            <span aria-hidden="true">{icon}</span>
            " "
            {tr(panel.title())}
        </button>
    }
}

#[allow(clippy::too_many_arguments)]
fn compact_layout(
    header: AnyView,
    guide: Option<AnyView>,
    controls: AnyView,
    player: AnyView,
    stage: AnyView,
    metrics: AnyView,
    charts: AnyView,
    log: AnyView,
) -> impl IntoView {
    let open = RwSignal::new(None::<Panel>);
    // Escape closes an open panel (and keeps the key for nobody else).
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked().is_some() {
            ev.prevent_default();
            open.set(None);
        }
    };
    view! {
        <main id="main" class="lab compact" data-testid="lab-compact" on:keydown=on_keydown>
            <div class="lab-header">{header}</div>
            <div class="lab-player">{player}</div>
            // Beside the title in a wide frame, beside the guide in a narrow one.
            <div class="compact-tools" role="group">
                <PanelButton panel=Panel::Settings icon="⚙" open=open />
                <PanelButton panel=Panel::Results icon="▦" open=open />
            </div>
            <div class="lab-stage" data-testid="lab-stage">{stage}</div>
            // The guide; while the player waits at a guided moment, its caption
            // takes the other half of this row (see style/main.css).
            <div class="compact-foot" data-testid="compact-foot">
                <div class="lab-guide" data-testid="lab-guide">{guide}</div>
            </div>
            // Both panels lie over the stage and the guide, in the same grid
            // cell, and scroll inside it: opening one never changes the height.
            <CompactPanel panel=Panel::Settings open=open>
                <aside class="lab-controls" aria-labelledby="controls-title">{controls}</aside>
            </CompactPanel>
            <CompactPanel panel=Panel::Results open=open>
                <div class="lab-metrics">{metrics}</div>
                <div class="lab-charts">{charts}</div>
                <div class="lab-log">{log}</div>
            </CompactPanel>
        </main>
    }
}

/// A panel over the stage: its title, a close button, and what it holds.
/// Hidden (not removed) while closed, so its state survives closing.
#[component]
fn CompactPanel(panel: Panel, open: RwSignal<Option<Panel>>, children: Children) -> impl IntoView {
    view! {
        <section
            id=format!("compact-{}-panel", panel.slug())
            class="compact-panel"
            data-testid=format!("compact-{}-panel", panel.slug())
            aria-label=tr(panel.title())
            hidden=move || open.get() != Some(panel)
        >
            <div class="compact-panel-head">
                <h2 class="small-title">{tr(panel.title())}</h2>
                <button class="btn" data-testid="compact-close" on:click=move |_| open.set(None)>
                    <span aria-hidden="true">"✕"</span>
                    " "
                    {tr("ui.close")}
                </button>
            </div>
            {children()}
        </section>
    }
}

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
//! them grows (see `style/main.css`, "Compact embed").

use crate::i18n::tr;
use leptos::prelude::*;

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
                    <div class="lab-player">{player}</div>
                    // The guide reads before the stage; on phones CSS shows it
                    // below the stage so the stage is in the first screen.
                    <div class="lab-guide" data-testid="lab-guide">{guide}</div>
                    <div class="lab-stage" data-testid="lab-stage">{stage}</div>
                    <div class="lab-metrics">{metrics}</div>
                    <div class="lab-charts">{charts}</div>
                    <div class="lab-log">{log}</div>
                </section>
                <aside class="lab-controls" aria-labelledby="controls-title">{controls}</aside>
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
    let toggle = move |p: Panel| open.update(|o| *o = if *o == Some(p) { None } else { Some(p) });
    let shown = move |p: Panel| move || open.get() == Some(p);
    let hidden = move |p: Panel| move || open.get() != Some(p);
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
            <div class="lab-stage" data-testid="lab-stage">{stage}</div>
            <div class="compact-foot">
                <div class="lab-guide" data-testid="lab-guide">{guide}</div>
                <div class="compact-tools" role="group">
                    <button
                        class="btn"
                        data-testid="compact-settings"
                        aria-controls="compact-settings-panel"
                        aria-expanded=move || shown(Panel::Settings)().to_string()
                        on:click=move |_| toggle(Panel::Settings)
                    >
                        <span aria-hidden="true">"⚙"</span>
                        " "
                        {tr("ui.settings")}
                    </button>
                    <button
                        class="btn"
                        data-testid="compact-results"
                        aria-controls="compact-results-panel"
                        aria-expanded=move || shown(Panel::Results)().to_string()
                        on:click=move |_| toggle(Panel::Results)
                    >
                        <span aria-hidden="true">"▦"</span>
                        " "
                        {tr("ui.results")}
                    </button>
                </div>
            </div>
            // Both panels lie over the stage and the guide, in the same grid
            // cell, and scroll inside it: opening one never changes the height.
            <section
                id="compact-settings-panel"
                class="compact-panel"
                data-testid="compact-settings-panel"
                aria-label=tr("ui.settings")
                hidden=hidden(Panel::Settings)
            >
                <PanelHead title="ui.settings" on_close=move || open.set(None) />
                <aside class="lab-controls" aria-labelledby="controls-title">{controls}</aside>
            </section>
            <section
                id="compact-results-panel"
                class="compact-panel"
                data-testid="compact-results-panel"
                aria-label=tr("ui.results")
                hidden=hidden(Panel::Results)
            >
                <PanelHead title="ui.results" on_close=move || open.set(None) />
                <div class="lab-metrics">{metrics}</div>
                <div class="lab-charts">{charts}</div>
                <div class="lab-log">{log}</div>
            </section>
        </main>
    }
}

/// A panel's title and its close button.
#[component]
fn PanelHead(title: &'static str, on_close: impl Fn() + 'static) -> impl IntoView {
    view! {
        <div class="compact-panel-head">
            <h2 class="small-title">{tr(title)}</h2>
            <button class="btn" data-testid="compact-close" on:click=move |_| on_close()>
                <span aria-hidden="true">"✕"</span>
                " "
                {tr("ui.close")}
            </button>
        </div>
    }
}

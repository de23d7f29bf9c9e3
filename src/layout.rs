//! The lab page layout every lab reuses: a title and guide, a controls panel,
//! the stage, the player bar, live metrics, charts and the narrated log. A lab
//! fills the slots; the layout decides where they go at 360 px and at 1440 px.

use leptos::prelude::*;

/// The lab page skeleton. Each slot is a child view.
#[component]
pub fn LabLayout(
    /// Heading, presets, guide.
    header: AnyView,
    /// The try-this guide of the preset, and its guided moments.
    guide: AnyView,
    controls: AnyView,
    player: AnyView,
    stage: AnyView,
    metrics: AnyView,
    charts: AnyView,
    log: AnyView,
    /// The compact embed (course pages): the run and the guide, settings tucked away.
    compact: bool,
) -> impl IntoView {
    view! {
        <main id="main" class="lab" class:compact=compact>
            <div class="lab-header">{header}</div>
            // The run comes first in the document (and so in the Tab order); on
            // wide screens the grid puts the settings in the left column.
            <div class="lab-grid">
                <section class="lab-main">
                    <div class="lab-player">{player}</div>
                    <div class="lab-guide">{guide}</div>
                    <div class="lab-stage">{stage}</div>
                    <div class="lab-metrics">{metrics}</div>
                    <div class="lab-charts">{charts}</div>
                    <div class="lab-log">{log}</div>
                </section>
                <aside class="lab-controls" aria-labelledby="controls-title">{controls}</aside>
            </div>
        </main>
    }
}

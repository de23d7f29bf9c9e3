//! The home page: what the playground is, and the labs — open ones as links,
//! the others shown as coming, never as dead links.

use crate::i18n::{tr, tr_owned, use_i18n};
use crate::pages::page_href;
use engine::LabId;
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    let lang = use_i18n().lang;
    view! {
        <main id="main" class="home">
            <section class="hero">
                <h1>{tr("ui.home_title")}</h1>
                <p class="lead">{tr("ui.home_lead")}</p>
            </section>
            <h2 class="visually-hidden">{tr("ui.labs")}</h2>
            <ul class="lab-cards" data-testid="lab-list">
                {LabId::ALL
                    .into_iter()
                    .enumerate()
                    .map(|(i, lab)| {
                        let title = tr_owned(lab.title_key());
                        let summary = tr_owned(lab.summary_key());
                        let number = i + 1;
                        if crate::pages::has_page(lab) {
                            // The lab's own page (its own wasm), under any sub-path.
                            let href = move || {
                                format!("{}#/{}/{}", page_href(Some(lab)), lang.get().code(), lab.slug())
                            };
                            view! {
                                <li class="lab-card open" data-lab=lab.slug()>
                                    <span class="lab-number" aria-hidden="true">{number}</span>
                                    <h3><a href=href data-testid=format!("open-{}", lab.slug())>{title}</a></h3>
                                    <p>{summary}</p>
                                    <span class="badge ok">{tr("ui.open_lab")}" →"</span>
                                </li>
                            }
                            .into_any()
                        } else {
                            view! {
                                <li class="lab-card coming" data-lab=lab.slug() aria-disabled="true">
                                    <span class="lab-number" aria-hidden="true">{number}</span>
                                    <h3>{title}</h3>
                                    <p>{summary}</p>
                                    <span class="badge">{tr("ui.coming_soon")}</span>
                                </li>
                            }
                            .into_any()
                        }
                    })
                    .collect_view()}
            </ul>
            <section class="home-notes">
                <p>{tr("ui.home_how")}</p>
            </section>
        </main>
    }
}

/// Shown when a link opens a lab that is not built yet.
#[component]
pub fn Coming(lab: LabId) -> impl IntoView {
    let lang = use_i18n().lang;
    view! {
        <main id="main" class="coming-page">
            <h1>{tr_owned(lab.title_key())}</h1>
            <p>{tr_owned(lab.summary_key())}</p>
            <p class="badge">{tr("ui.coming_soon")}</p>
            <p><a href=move || format!("#/{}", lang.get().code())>{tr("ui.back_home")}</a></p>
        </main>
    }
}

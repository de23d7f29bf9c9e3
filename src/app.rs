//! The app root: reads the link (language, page, config), shows a clear
//! message when the link was broken, switches pages when the fragment changes,
//! and frames everything in the site chrome (hidden in embed mode).
//! It renders only what its page (`crate::pages::Site`) shows and sends other
//! links to their page.

use crate::browser;
use crate::embed::{self, EmbedMode};
use crate::home::{Coming, Home};
use crate::i18n::{tr, I18n};
use crate::pages::{go_to_page, page_for, page_href, LabSite, Site};
use engine::codec::{self, LinkError, Page};
use engine::i18n::t;
use engine::Lang;
use leptos::prelude::*;

/// The routing state: which page, and what went wrong with the link, if anything.
#[derive(Clone, Copy)]
pub struct Route {
    pub page: RwSignal<Page>,
    pub problem: RwSignal<Option<LinkError>>,
    /// Bumps on every navigation so a lab page restarts even for an equal state.
    pub visit: RwSignal<u64>,
    /// The open lab page's settings, by their fields' labels: a link's
    /// problems name a setting as its field does ("“Latency”"), not by its
    /// config path (`service.latency_ms`).
    pub fields: RwSignal<Option<crate::controls::FieldFeedback>>,
}

fn read_link(site: Site, i18n: I18n, route: Route) {
    let decoded = site.decode(&browser::fragment());
    if let Some(lang) = decoded.lang {
        crate::i18n::switch(i18n, lang);
    }
    route.problem.set(decoded.problem);
    route.page.set(decoded.page);
    route.visit.update(|v| *v += 1);
}

#[component]
pub fn App(site: Site) -> impl IntoView {
    // A lab page opened without a fragment (`retry.html`) shows its lab.
    if let (Some(lab), "") = (site.lab(), browser::fragment().trim_matches('/')) {
        let lang = Lang::pick(browser::preferred_languages().iter().map(String::as_str));
        browser::replace_fragment(&format!("/{}/{}", lang.code(), lab.slug()));
    }
    let decoded = site.decode(&browser::fragment());
    let lang = decoded.lang.unwrap_or_else(|| {
        let prefs = browser::preferred_languages();
        Lang::pick(prefs.iter().map(String::as_str))
    });
    let i18n = I18n::provide(lang);
    let route = Route {
        page: RwSignal::new(decoded.page),
        problem: RwSignal::new(decoded.problem),
        visit: RwSignal::new(0),
        fields: RwSignal::new(None),
    };
    provide_context(route);
    let mode = EmbedMode::from_url();
    provide_context(mode);

    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        read_link(site, i18n, route)
    });
    on_cleanup(move || listener.remove());

    Effect::new(move |_| browser::set_document_lang(i18n.lang.get().code()));
    // The home page keeps its language in the URL too.
    Effect::new(move |_| {
        let lang = i18n.lang.get();
        if matches!(route.page.get(), Page::Home) {
            browser::replace_fragment(&codec::home_fragment(lang));
        }
    });
    if mode.embedded {
        embed::report_height();
    }

    let bench = crate::browser::query_flag("bench");
    let page = move || {
        route.visit.track();
        let page = route.page.get();
        // `?bench=1` on a page that has its own bench stays there.
        let own_bench = matches!(site, Site::Lab(LabSite { bench: Some(_), .. }));
        let wanted = if bench && own_bench {
            site.lab()
        } else {
            page_for(&page, bench)
        };
        if wanted != site.lab() {
            go_to_page(wanted);
            return ().into_any();
        }
        match (site, page) {
            (
                Site::Lab(LabSite {
                    bench: Some(bench_view),
                    ..
                }),
                _,
            ) if bench => bench_view(),
            (Site::Lab(lab_site), Page::Lab(state)) => (lab_site.view)(state),
            (_, Page::Coming(lab)) => view! { <Coming lab=lab /> }.into_any(),
            // A lab the engine runs but that has no page yet.
            (_, Page::Lab(state)) if !crate::pages::has_page(state.lab()) => {
                view! { <Coming lab=state.lab() /> }.into_any()
            }
            (_, Page::Elsewhere(lab)) => view! { <Coming lab=lab /> }.into_any(),
            _ => view! { <Home /> }.into_any(),
        }
    };

    view! {
        <div class="app" class:embedded=mode.embedded>
            // The fragment is the page's state (`#/es/cqrs/2.…`): following
            // `#main` would replace it, and the router would read "main" as a
            // lab's name. The link moves focus instead, and keeps the URL.
            <a class="skip-link" href="#main" data-testid="skip-link" on:click=|ev: leptos::ev::MouseEvent| {
                ev.prevent_default();
                crate::layout::jump("#main");
            }>{tr("ui.skip")}</a>
            {crate::show::show(move || !mode.embedded, || view! { <SiteHeader /> }.into_any())}
            <LinkProblem />
            {page}
            {crate::show::show(
                move || !mode.embedded,
                || view! {
                    <footer class="site-footer">
                        <p>{tr("ui.footer")}</p>
                    </footer>
                }
                .into_any(),
            )}
        </div>
    }
}

#[component]
fn SiteHeader() -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    view! {
        <header class="site-header">
            <a class="brand" href=move || format!("{}#/{}", page_href(None), i18n.lang.get().code())>
                <span class="brand-mark" aria-hidden="true">"⟳"</span>
                {tr("ui.brand")}
            </a>
            <LanguagePicker />
        </header>
    }
}

/// The language switch; the choice goes into the URL.
#[component]
pub fn LanguagePicker() -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    view! {
        <label class="lang-picker">
            <span class="visually-hidden">{tr("ui.language")}</span>
            <select
                data-testid="lang"
                prop:value=move || i18n.lang.get().code().to_string()
                on:change=move |ev| {
                    if let Some(l) = Lang::from_tag(&event_target_value(&ev)) {
                        crate::i18n::switch(i18n, l);
                    }
                }
            >
                {Lang::ALL
                    .into_iter()
                    .map(|l| view! { <option value=l.code() selected=move || i18n.lang.get() == l>{l.native_name()}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

/// The message shown when a link could not be used as it was.
#[component]
fn LinkProblem() -> impl IntoView {
    let route = expect_context::<Route>();
    let lang = crate::i18n::use_i18n().lang;
    view! {
        {move || {
            route.problem.get().map(|p| {
                let lang_now = lang.get();
                let text = match route.fields.get() {
                    Some(fb) => p.describe_with(lang_now, &|e| fb.describe(e, lang_now)),
                    None => p.describe(lang_now),
                };
                view! {
                    <div class="link-problem" role="alert" data-testid="link-problem">
                        <strong>{t(lang.get(), "ui.link_problem_title").to_string()}</strong>
                        <p class="pre">{text}</p>
                        // (A language it lacks opens the run as linked, and a link
                        // with a few fields put back says so itself: nothing to add.)
                        {(!matches!(p, LinkError::UnknownLang(_) | LinkError::Reset(_))).then(|| view! {
                            <p class="muted">
                                {t(
                                        lang.get(),
                                        if matches!(route.page.get(), Page::Home) {
                                            "ui.link_problem_home"
                                        } else {
                                            "ui.link_problem_defaults"
                                        },
                                    )
                                    .to_string()}
                            </p>
                        })}
                        <button class="btn" on:click=move |_| route.problem.set(None)>{t(lang.get(), "ui.dismiss").to_string()}</button>
                    </div>
                }
            })
        }}
    }
}

//! The app root: reads the link (language, page, config), shows a clear
//! message when the link was broken, switches pages when the fragment changes,
//! and frames everything in the site chrome (hidden in embed mode).
//!
//! The site is one HTML page and one wasm per lab plus a home page (see
//! `src/bin/`): each binary mounts [`App`] with its own [`Site`], so it links only
//! its own lab's code. A link meant for another page (an old `/#/en/retry/…`
//! link on the home page, the "All labs" crumb on a lab page) goes there with
//! `location.replace`, query and fragment kept; the pages' inline script does the
//! same before any wasm loads.

use crate::browser;
use crate::embed::{self, EmbedMode};
use crate::home::{Coming, Home};
use crate::i18n::{tr, I18n};
use engine::codec::{self, Decoded, LabState, LinkError, Page};
use engine::i18n::t;
use engine::{LabId, Lang};
use leptos::prelude::*;

/// What one page (one binary, one wasm) can show.
#[derive(Clone, Copy)]
pub enum Site {
    /// `index.html`: the home page and the "coming" pages; no lab code.
    Home,
    /// `<slug>.html`: one lab.
    Lab(LabSite),
}

/// A lab's page: which lab, how to render it, and (on one page) `?bench=1`.
#[derive(Clone, Copy)]
pub struct LabSite {
    pub lab: LabId,
    pub view: fn(LabState) -> AnyView,
    pub bench: Option<fn() -> AnyView>,
    /// Reads a link in full (payload included): `codec::decode`.
    pub decode: fn(&str) -> Decoded,
}

impl LabSite {
    pub fn new(lab: LabId, view: fn(LabState) -> AnyView) -> LabSite {
        LabSite {
            lab,
            view,
            bench: None,
            decode: codec::decode,
        }
    }
}

/// The lab whose page runs `?bench=1` (it measures that lab's presets).
pub const BENCH_LAB: LabId = LabId::Retry;

impl Site {
    /// The lab this page shows (`None`: the home page).
    pub fn lab(self) -> Option<LabId> {
        match self {
            Site::Home => None,
            Site::Lab(l) => Some(l.lab),
        }
    }

    /// Reads a link: in full on a lab page; on the home page only as far as
    /// [`decode_route`] needs, so no payload decoding (JSON, inflate) is linked there.
    pub fn decode(self, input: &str) -> Decoded {
        match self {
            Site::Home => decode_route(input),
            Site::Lab(l) => (l.decode)(input),
        }
    }
}

/// A link read as far as the home page needs: the language, and which page (home, a
/// lab — with its defaults: its own page reads the payload —, a coming lab, or an
/// unknown one). Agrees with `codec::decode` on everything but the payload.
pub fn decode_route(input: &str) -> Decoded {
    let fragment = input.split_once('#').map_or(input, |(_, f)| f);
    let home = |lang, problem| Decoded {
        lang,
        page: Page::Home,
        problem,
    };
    if fragment.len() > codec::MAX_FRAGMENT {
        return home(
            None,
            Some(LinkError::TooLong {
                len: fragment.len(),
            }),
        );
    }
    let fragment = fragment.split('?').next().unwrap_or_default();
    let mut parts = fragment
        .trim_start_matches('/')
        .split('/')
        .filter(|p| !p.is_empty());
    let mut first = parts.next();
    let lang = first.and_then(Lang::from_tag);
    if lang.is_some() {
        first = parts.next();
    }
    let Some(slug) = first else {
        return home(lang, None);
    };
    let Some(lab) = LabId::from_slug(slug) else {
        return home(lang, Some(LinkError::UnknownLab(slug.to_string())));
    };
    let page = match LabState::default_for(lab) {
        Some(state) => Page::Lab(state),
        None => Page::Coming(lab),
    };
    Decoded {
        lang,
        page,
        problem: None,
    }
}

/// The page (relative to the site's root, so it works under any sub-path) that
/// shows `lab`, or the home page for `None`.
pub fn page_href(lab: Option<LabId>) -> String {
    match lab {
        Some(lab) => format!("{}.html", lab.slug()),
        None => "./".to_string(),
    }
}

/// Which page should show `page`: its lab's page, or home (home, coming labs,
/// unknown labs). `?bench=1` belongs to [`BENCH_LAB`]'s page.
pub fn page_for(page: &Page, bench: bool) -> Option<LabId> {
    if bench {
        return Some(BENCH_LAB);
    }
    match page {
        Page::Lab(state) => Some(state.lab()),
        Page::Home | Page::Coming(_) => None,
    }
}

/// Goes to the page that shows `lab`, keeping query and fragment, without a new
/// history entry.
fn go_to_page(lab: Option<LabId>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let _ = location.replace(&format!("{}{search}{hash}", page_href(lab)));
}

/// Mounts the app for this page, replacing the loading message the HTML shows
/// until the wasm runs (`#boot`).
pub fn mount(site: Site) {
    crate::panic::install();
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
    leptos::mount::mount_to_body(move || view! { <App site=site /> });
}

/// The routing state: which page, and what went wrong with the link, if anything.
#[derive(Clone, Copy)]
pub struct Route {
    pub page: RwSignal<Page>,
    pub problem: RwSignal<Option<LinkError>>,
    /// Bumps on every navigation so a lab page restarts even for an equal state.
    pub visit: RwSignal<u64>,
}

fn read_link(site: Site, i18n: I18n, route: Route) {
    let decoded = site.decode(&browser::fragment());
    if let Some(lang) = decoded.lang {
        i18n.lang.set(lang);
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
        let wanted = page_for(&page, bench);
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
            _ => view! { <Home /> }.into_any(),
        }
    };

    view! {
        <div class="app" class:embedded=mode.embedded>
            <a class="skip-link" href="#main">{tr("ui.skip")}</a>
            <Show when=move || !mode.embedded>
                <SiteHeader />
            </Show>
            <LinkProblem />
            {page}
            <Show when=move || !mode.embedded>
                <footer class="site-footer">
                    <p>{tr("ui.footer")}</p>
                </footer>
            </Show>
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
                        i18n.lang.set(l);
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
                let text = p.describe(lang.get());
                view! {
                    <div class="link-problem" role="alert" data-testid="link-problem">
                        <strong>{t(lang.get(), "ui.link_problem_title").to_string()}</strong>
                        <p class="pre">{text}</p>
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
                        <button class="btn" on:click=move |_| route.problem.set(None)>{t(lang.get(), "ui.dismiss").to_string()}</button>
                    </div>
                }
            })
        }}
    }
}

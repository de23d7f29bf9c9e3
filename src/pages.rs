//! The site's pages: one HTML page and one wasm per lab, plus the home page. Each
//! binary in `src/bin/` mounts the app with its [`Site`], so it links only its own
//! lab's code. A link meant for another page (an old `/#/en/retry/…` link on the home
//! page, the "All labs" crumb on a lab page) goes there with `location.replace`, query
//! and fragment kept; the pages' inline script does the same before any wasm loads.

use crate::app::App;
use engine::codec::{self, Decoded, LabState, LinkError, Page};
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
    /// Reads a link: its own lab's in full (payload included), another
    /// lab's only as far as which page it is for (`codec::decode_only`).
    pub decode: fn(&str) -> Decoded,
}

impl LabSite {
    /// The page of engine lab `L`: it links `L`'s reader and checks only.
    pub fn new<L: engine::labs::Lab>(view: fn(LabState) -> AnyView) -> LabSite
    where
        engine::LabConfig: From<L::Config>,
    {
        LabSite {
            lab: L::ID,
            view,
            bench: None,
            decode: codec::decode_only::<L>,
        }
    }
}

/// The lab whose page runs `?bench=1` opened on the home page (it measures that lab's
/// presets); a lab page with its own bench (`LabSite::bench`) runs that one instead.
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
    if let Some((tag, rest)) = codec::unknown_lang(fragment) {
        let mut d = decode_route(rest);
        // (A link for a lab's page: that page says it.)
        if !matches!(d.page, Page::Elsewhere(_)) {
            d.problem
                .get_or_insert(LinkError::UnknownLang(tag.to_string()));
        }
        return d;
    }
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
    // The home page reads no lab's config: a built lab's link is for its page.
    let page = if lab.is_built() && has_page(lab) {
        Page::Elsewhere(lab)
    } else {
        Page::Coming(lab)
    };
    Decoded {
        lang,
        page,
        problem: None,
    }
}

/// The labs this app has a page for (one line each in `site/pages.tsv`, and a
/// binary in `src/bin/`). A lab the engine runs (the CLI has it) but that has
/// no page yet shows as coming.
pub const LAB_PAGES: &[LabId] = &[
    LabId::Retry,
    LabId::Choreography,
    LabId::Cqrs,
    LabId::Replica,
    LabId::Availability,
];

/// Whether `lab` has its own page in this app.
pub fn has_page(lab: LabId) -> bool {
    LAB_PAGES.contains(&lab)
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
/// unknown labs). `?bench=1` belongs to [`BENCH_LAB`]'s page, unless the page it is
/// opened on has its own (`App` keeps it there).
pub fn page_for(page: &Page, bench: bool) -> Option<LabId> {
    if bench {
        return Some(BENCH_LAB);
    }
    match page {
        Page::Lab(state) if has_page(state.lab()) => Some(state.lab()),
        Page::Elsewhere(lab) if has_page(*lab) => Some(*lab),
        Page::Lab(_) | Page::Elsewhere(_) | Page::Home | Page::Coming(_) => None,
    }
}

/// Goes to the page that shows `lab`, keeping query and fragment, without a new
/// history entry.
pub fn go_to_page(lab: Option<LabId>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let _ = location.replace(&format!("{}{search}{hash}", page_href(lab)));
}

/// Mounts the app for this page, replacing the loading message the HTML shows
/// until the wasm runs (`#boot`), once the reader's language is loaded (the browser
/// build fetches its texts first: `crate::i18n::load`). If they cannot be loaded, the
/// loading frame says so (its `[data-boot-error]` message) with the reason.
pub fn mount(site: Site) {
    crate::panic::install();
    crate::i18n::set_page(site.lab());
    // The language `App` will pick: the link's, else the browser's.
    let lang = decode_route(&crate::browser::fragment())
        .lang
        .unwrap_or_else(|| {
            let prefs = crate::browser::preferred_languages();
            Lang::pick(prefs.iter().map(String::as_str))
        });
    if engine::i18n::is_loaded(lang) {
        mount_now(site);
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        match crate::i18n::load(lang).await {
            Ok(()) => mount_now(site),
            Err(e) => show_boot_error(&e),
        }
    });
}

fn boot_element(selector: &str) -> Option<web_sys::Element> {
    web_sys::window()?
        .document()?
        .query_selector(selector)
        .ok()
        .flatten()
}

fn mount_now(site: Site) {
    if let Some(boot) = boot_element("#boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(move || view! { <App site=site /> });
}

/// Turns the loading message into the error message (both in the page's HTML, in the
/// three languages), with the technical reason below it.
fn show_boot_error(reason: &str) {
    leptos::logging::error!("{reason}");
    if let Some(status) = boot_element("#boot [role=status]") {
        let _ = status.set_attribute("hidden", "");
    }
    if let Some(main) = boot_element("#boot main") {
        let _ = main.set_attribute("aria-busy", "false");
    }
    if let Some(error) = boot_element("#boot [data-boot-error]") {
        error.remove_attribute("hidden").ok();
        if let Some(detail) = boot_element("#boot [data-boot-error] code") {
            detail.set_text_content(Some(reason));
        }
    }
}

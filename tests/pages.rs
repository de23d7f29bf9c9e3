//! One page per lab: which page shows which link, and the home page's light reading
//! of a link (no payload decoding linked into its wasm) agreeing with the codec.
#![cfg(target_arch = "wasm32")]

use cloud_patterns_playground::pages::{decode_route, has_page, page_for, page_href, LAB_PAGES};
use engine::codec::{self, Decoded, Page};
use engine::LabId;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_home_page_reads_links_as_the_codec_does() {
    let long = format!("#/en/retry/2.{}", "A".repeat(20_000));
    for link in [
        "",
        "#",
        "#/",
        "#/es",
        "#/pt-BR",
        "#/en/retry",
        "#/retry",
        "#/en/retry?embed=1",
        "#/en/replica",
        "#/cqrs",
        "#/es/choreography",
        "#/en/nowhere",
        "#/xx/retry",
        "#/fr/nowhere",
        "#/de-DE/cqrs",
        "http://host/sub/?embed=1#/es/retry",
        long.as_str(),
    ] {
        // The same, except that the home page reads no lab's config: a link to
        // a lab with a page is for that page (`Elsewhere`), one to a lab without
        // a page yet shows as coming.
        let full = codec::decode(link);
        let page = match full.page {
            Page::Lab(state) if has_page(state.lab()) => Page::Elsewhere(state.lab()),
            Page::Lab(state) => Page::Coming(state.lab()),
            other => other,
        };
        // A language the site lacks is said by the page that opens the lab.
        let problem = match (&page, full.problem) {
            (Page::Elsewhere(_), Some(codec::LinkError::UnknownLang(_))) => None,
            (_, p) => p,
        };
        let want = Decoded {
            page,
            problem,
            ..full
        };
        assert_eq!(decode_route(link), want, "{link:?}");
    }
    // With a payload, the home page only needs the language and the page's lab: the
    // lab's own page reads the payload.
    for link in [
        "#/es/retry/2.eJyrVkrOzy0",
        "#/pt/retry/9.x",
        "#/en/retry/1.%%%",
    ] {
        let (light, full) = (decode_route(link), codec::decode(link));
        assert_eq!(light.lang, full.lang, "{link}");
        assert_eq!(
            page_for(&light.page, false),
            page_for(&full.page, false),
            "{link}"
        );
        assert_eq!(light.problem, None, "{link}");
    }
}

#[wasm_bindgen_test]
fn every_link_has_one_page() {
    let page = |link: &str| page_for(&codec::decode(link).page, false);
    assert_eq!(page("#/en"), None);
    assert_eq!(page("#/en/retry/2.eJyrVkrOzy0"), Some(LabId::Retry));
    assert_eq!(
        page("#/en/availability"),
        Some(LabId::Availability),
        "a bare route opens its lab's page"
    );
    assert_eq!(page("#/en/nowhere"), None);
    assert_eq!(
        page_for(&Page::Home, true),
        Some(LabId::Retry),
        "?bench=1 is on the retry page"
    );
    assert_eq!(page_href(None), "./");
    assert_eq!(page_href(Some(LabId::Retry)), "retry.html");
    // The choreography lab has its own page, for its bare and its configured links.
    assert_eq!(page_href(Some(LabId::Choreography)), "choreography.html");
    assert_eq!(page("#/en/choreography"), Some(LabId::Choreography));
    assert_eq!(
        page("#/es/choreography/2.eJyrVkrOzy0"),
        Some(LabId::Choreography)
    );
}

/// The labs with a page are exactly the lab lines of site/pages.tsv (what the
/// xtask builds and the pages' inline redirect knows).
#[wasm_bindgen_test]
fn lab_pages_match_the_pages_built() {
    let built: Vec<&str> = include_str!("../site/pages.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').next().unwrap())
        .filter(|page| *page != "index")
        .collect();
    let pages: Vec<&str> = LAB_PAGES.iter().map(|l| l.slug()).collect();
    assert_eq!(pages, built);
}

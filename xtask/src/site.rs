//! The site: one HTML page and one wasm per lab, plus the home page (`index.html`).
//!
//! Trunk builds one page per run and cannot split a wasm, so every page is built by
//! its own `trunk build` into `target/pages/<page>/` and merged into `dist/` (file names
//! are hashed per binary, so pages never collide). The pages are not written by hand:
//! `site/pages.tsv` lists them (home, then one line per lab: its binary, title and
//! loading message) and [`generate`] writes `target/site/<page>.html` for each from the
//! one template, `site/page.html`, with every page's redirect script listing every lab
//! page — so adding a lab never means copying an HTML file, and the lists cannot
//! disagree. Then every text and wasm file gets precompressed `.gz` and `.br` siblings,
//! and each page's cold load (its HTML plus the wasm/js/css it references and the
//! largest of its texts files `i18n/<lang>-<page>-<id>.txt`, gzipped -9) is held to
//! [`BUDGET`].

use crate::proc::{run, Res};
use crate::tools::Project;
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The goal for what a cold load of one page fetches, gzipped -9 (issue 6).
pub const GOAL: u64 = 250 * 1000;

/// The enforced ceiling until the goal is met: just above today's retry page (about
/// 454 KB with the lab page template, scrubber, exports, seed sweep, the guide's "more"
/// cue, tap tips and the quota strip; 462 KB before floats went through `engine::num`
/// and each page got its own texts — and since then its own keys, so another lab's
/// keys and texts reach neither its wasm nor its file), so the bundle cannot grow
/// unnoticed. It is a ratchet, not the goal: lower it as the pages shrink; at [`GOAL`],
/// fold the two together. Raised once, from 456 to 462 KB (stop 19), knowingly: the
/// template's review fixes (the zoom offered on the shorter card and "runs on to …",
/// named now lines, clock-step time ticks, the off-screen metrics table, theory spans)
/// added about 5 KB to the retry page, which stood 0.9 KB under the old ceiling.
/// Raised again, from 462 to 464 KB (stop 20), knowingly: the scrubber's open end
/// for runs of unknown length and the player bar's "more to the right" cue (CSS,
/// on every page) took the retry page from ~462.0 to 462.5 KB.
/// Raised again, from 464 to 466 KB (stop 21), knowingly: the lessons a student
/// review found pointing the wrong way (mid-run waits, a node's overload, the
/// monitor's misses, the mini-chart's unit, staggered sequence heads, a long
/// run's downtime budget) took the retry page from 462.6 to 464.0 KB (its wasm
/// 427.3 → 428.6 KB).
/// Raised again, from 466 to 468 KB (stop 24), knowingly: stop 23's retry timeline
/// key and its waited / still-to-wait fill, and the metrics' three significant
/// digits, took the retry page to 466.2 KB in CI's clean build (465.6 here). A pass
/// for generic savings found none worth a rebuild: `opt-level = "s"` is 57 KB
/// larger, `wasm-opt --converge` 0.6 KB smaller, shorter panic paths
/// (`--remap-path-prefix`) 34 bytes, and server_fn's stream exports under 1 KB.
/// Raised again, from 468 to 470 KB (stop 26), knowingly: the key figures under
/// every stage card's mini-chart (the numbers each guide names, on the first
/// screen; `LabRun::key_metrics`) took the retry page from 466.8 to 468.2 KB;
/// building their markup with a plain closure instead of a memo won back 0.25 KB.
/// Raised again, from 470 to 472 KB (stop 27), knowingly: what two student
/// reviews found (row-wide decimals for shares, the scrubber's end found by a
/// probe for short runs, the moment caption scrolled into view, the speed in
/// thousands, the "ended at" label kept off the lines) took the retry page from
/// 467.9 to 469.9 KB in a clean clone, 0.1 KB under the old ceiling (CI has
/// measured up to 0.6 KB more). By owner (twiggy), what is not view code —
/// the engine, std, serde, rodata — is already about 185 KB gzipped: no view
/// layer alone reaches [`GOAL`].
/// Raised again, from 472 to 474 KB (stop 30), knowingly: what a Portuguese
/// student review and a course-page embed review found (the embed frame's title
/// naming the preset, the waiting lane's and a down node's names fitted on a
/// phone, "ended at" kept clear of the y axis, the timeline's axis for one
/// configuration, the caption brought out from under the player bar) took the
/// retry page from 471.3 to about 472.2 KB (its wasm 434.9 → 435.4 KB).
/// Raised again, from 474 to 476 KB (stop 33), knowingly: what a line-by-line
/// audit of LABS.md found (a link's reading errors in the link's language, a
/// step back that lands where a step had, each lab's own trace note, the
/// compact embed's shorter mini-charts) took the retry page from about 473.4
/// to 474.7 KB; dropping `console_error_panic_hook` (the release wasm keeps no
/// names, so its stack said nothing) won back 0.2 KB.
/// Raised again, from 476 to 477 KB (stop 36), knowingly: what three student
/// reviews found on the retry page and the shared chart (the waiting lane's
/// notes and attempt numbers never printed over each other, +0.4 KB of wasm
/// once `hypot` was dropped for squared distances; a card's "files done at"
/// end label, +0.1 KB; the herd's embed caption with its numbers) took the
/// retry page from 475.5 to 476.3 KB in a clean clone.
/// Raised again, from 477 to 483 KB (stop 37), knowingly: a settings review
/// found typed input dropped or clamped without a word, which LABS.md forbids
/// ("bad input always gets a clear error naming the field; nothing is lost or
/// silently ignored"). Every field now says what it could not take, under
/// itself, and the engine's errors after a change under the field changed:
/// about +4 KB of the retry page's wasm (its message 1 KB, the notes' one
/// component 0.9 KB, `aria-invalid` 0.3 KB, the checks the rest), measured by
/// removing each; the phone's way to the settings and back, a link in a
/// language the site lacks and a band's name fitted at its end about +1.3 KB.
/// The page went from about 476.3 to 482.3 KB in a clean clone. Then, from
/// a third review, to 485 KB: each engine error kept under the field that
/// brought it (it moved to whichever field changed next), a refused box's
/// text kept when another field changes (a memo of its value), and focus
/// moved with the phone's jumps: about +1.2 KB of wasm.
/// Raised from 485 to 489 KB (stop 38), knowingly. A review found the
/// engine's errors naming config paths (`metadata.replication must be
/// between 1 and 4`, `workload.steps[4].order`, counted from 0) where the
/// reader sees labels: each field now says which path it sets, and errors
/// name the setting by its label ("“Replicas per chunk”", "“Order” (no. 5)"),
/// about +2.5 KB of the retry page (the registry, its lookups and the fields'
/// paths); a printout that says what ran (its link and seed, closed settings
/// opened while it prints) about +1 KB. A second wasm-opt -Oz pass took 0.7 KB
/// back. From about 484.8 KB to 488 KB in a clean clone.
/// Raised from 489 to 494 KB (stop 39), knowingly. A review found that a
/// Spanish or Portuguese reader's "1,5" in a number box became 15 without a
/// word (Chromium's `type=number` drops the comma as it is typed). The boxes
/// are text now (`inputmode=decimal`, `role=spinbutton`): the engine's
/// `typed_number` reads either mark, the box shows the reader's, and the
/// arrow keys step from what the box holds. A second review of that found
/// more, fixed too: three other boxes still `type=number` (replica's outage
/// cells, the seeds to run, the order to follow; these now say what they
/// refuse in the box's own bubble), "1 5" taken as 15, "1,000" read as 1 in
/// Spanish without a word (now said, with what to type), a whole-number
/// field's "takes whole numbers only", and the box showing what a setting
/// kept; a third found arrows after typed text, a language switch re-reading
/// what was typed, "1,000" refused without saying how it read, the player's
/// seed and the seeds-to-run button. The retry page went from 488.6 to
/// 491.9 KB in a clean clone (`eff774b`), then to about 493.2 KB. The first try took
/// +10 KB: `f64::clamp` with bounds known only at run time keeps its panic
/// message, which formats floats (`engine::num::clamp` does not).
/// Raised from 494 to 496 KB (stop 40), knowingly. Four student and teacher
/// reviews found numbers that misled: a metric row now carries a note where
/// its "—" would mislead (`MetricRow::note_key`, shown in the table and
/// under the key figures), a storm's theory names the overload, a single
/// request's success rate says theory is an average, a row's shares stop at
/// two decimals; links say when they are another lab's (`Lab::OWN_KEYS`),
/// write huge numbers as powers of ten, and are damaged rather than "from a
/// version this one does not know". About +1.1 KB of the retry page's wasm
/// and +0.4 KB of its texts: about 493.5 KB here, within 0.5 KB of the old
/// ceiling, where clean clones have measured up to 0.6 KB more.
/// Raised again, from 496 to 498 KB (stop 40), knowingly: a student review of
/// the one-band header found "Skip to content" replacing the link's fragment
/// (the home page then said there is no lab called "main"), the share buttons
/// moving under the pointer and an embed panel with no way to close it but its
/// button; their fixes, and readers' words for serde's type names in every
/// language, took the retry page to about 495.0 KB here (wasm +1 KB), 0.2 KB
/// under the old ceiling once CI's usual 0.8 KB more is added.
/// Raised again, from 498 to 500 KB (stop 41), knowingly: a link with one
/// wrong value used to throw away every other setting a teacher had put in
/// it; the page now puts back only the fields named and keeps the rest
/// (`codec::keep_the_rest`). Narrowed to single settings (a review found
/// whole lists and objects replaced), it took the retry page to about
/// 496.6 KB here and 497.8 KB in a clean clone: too close to 498.
/// Raised again, from 500 to 502 KB (stop 42), knowingly: two student reviews
/// at laptop sizes led to Play bringing the stage cards up under the player
/// bar (`layout::bring_stage_into_view`), a player bar that keeps its shape,
/// link messages that name settings by their fields' labels
/// (`LinkError::describe_with`) and a one-point chart line drawn as a dot.
/// The retry page measured 499.6 KB in a clean clone before the dot (`af5663b`)
/// and about 498.8 KB here after it: within CI's usual margin of 500.
pub const BUDGET: u64 = 502 * 1000;

/// Files that get `.gz` and `.br` siblings in `dist/`.
const COMPRESSED: [&str; 7] = ["html", "js", "css", "wasm", "svg", "json", "txt"];

/// One page of the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// `index.html`, `retry.html`, …
    pub file: String,
    /// `index`, `retry`, …: its staging dir under `target/pages/`.
    pub stem: String,
}

/// One line of `site/pages.tsv`: what the template needs to write one page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageSpec {
    /// `index` (home) or the lab's slug: the page is `<stem>.html`.
    pub stem: String,
    /// Its binary, `src/bin/<bin>.rs`.
    pub bin: String,
    /// The document's `<title>`.
    pub title: String,
    /// The loading message shown until the wasm mounts, in en, es, pt.
    pub loading: [String; 3],
    /// The lab has its own stylesheet, `style/lab-<stem>.css`, linked after the lab
    /// page's (set by [`generate`] when the file exists), so one lab's styles are not
    /// in every page's download.
    pub own_css: bool,
}

impl PageSpec {
    fn page(&self) -> Page {
        Page {
            file: format!("{}.html", self.stem),
            stem: self.stem.clone(),
        }
    }
}

/// The template every page is written from, relative to the workspace root.
pub const TEMPLATE: &str = "site/page.html";
/// The list of pages, relative to the workspace root.
pub const PAGE_LIST: &str = "site/pages.tsv";

/// `target/site/`: where [`generate`] writes the pages that Trunk builds.
pub fn generated_dir(root: &Path) -> PathBuf {
    root.join("target").join("site")
}

/// Reads `site/pages.tsv`: home (`index`) first, then the labs, each once.
pub fn read_pages(tsv: &str) -> Res<Vec<PageSpec>> {
    let mut specs: Vec<PageSpec> = Vec::new();
    for (n, line) in tsv.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |e: &str| format!("{PAGE_LIST}:{}: {e}", n + 1);
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        let [stem, bin, title, en, es, pt] = cols[..] else {
            return Err(at(&format!(
                "expected 6 tab-separated columns (page, binary, title, loading en, es, pt), found {}",
                cols.len()
            )));
        };
        let slug = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        };
        if !slug(stem) || !slug(bin) {
            return Err(at(
                "page and binary names are lower-case letters, digits, - and _",
            ));
        }
        if [title, en, es, pt].iter().any(|s| s.is_empty()) {
            return Err(at(
                "every page needs a title and a loading message in en, es and pt",
            ));
        }
        if specs.iter().any(|s| s.stem == stem) {
            return Err(at(&format!("page {stem:?} is listed twice")));
        }
        specs.push(PageSpec {
            stem: stem.into(),
            bin: bin.into(),
            title: title.into(),
            loading: [en.into(), es.into(), pt.into()],
            own_css: false,
        });
    }
    if specs.first().is_none_or(|s| s.stem != "index") {
        return Err(format!(
            "{PAGE_LIST}: the first page must be the home page, `index`"
        ));
    }
    Ok(specs)
}

/// `&`, `<`, `>` and `"` as HTML entities: for text and attribute values.
fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One page from the template: `{{TITLE}}`, `{{HERE}}`, `{{LABS}}` (a JS array of every
/// lab page), `{{BIN}}`, `{{LOADING_EN}}`/`_ES`/`_PT`, `{{ROOT}}` (the way from the
/// generated file back to the workspace root, for Trunk's asset paths) and `{{LAB_CSS}}`
/// (a lab page's stylesheets; on the home page, its own, `style/home.css`). A placeholder
/// left unfilled is an error, so a typo in the template cannot ship.
pub fn render(template: &str, spec: &PageSpec, all: &[PageSpec], root: &str) -> Res<String> {
    let is_lab = spec.stem != "index";
    let labs = all
        .iter()
        .filter(|s| s.stem != "index")
        .map(|s| format!("\"{}\"", s.stem))
        .collect::<Vec<_>>()
        .join(", ");
    let lab_css = if is_lab {
        let mut links =
            format!("<link data-trunk rel=\"css\" href=\"{root}style/lab-page.css\" />");
        if spec.own_css {
            links.push_str(&format!(
                "<link data-trunk rel=\"css\" href=\"{root}style/lab-{}.css\" />",
                spec.stem
            ));
        }
        links
    } else {
        // The home page's cards: no lab page downloads them.
        format!("<link data-trunk rel=\"css\" href=\"{root}style/home.css\" />")
    };
    let values: [(&str, String); 9] = [
        ("TITLE", escape_html(&spec.title)),
        (
            "HERE",
            if is_lab {
                spec.stem.clone()
            } else {
                String::new()
            },
        ),
        ("LABS", format!("[{labs}]")),
        ("BIN", spec.bin.clone()),
        ("LOADING_EN", escape_html(&spec.loading[0])),
        ("LOADING_ES", escape_html(&spec.loading[1])),
        ("LOADING_PT", escape_html(&spec.loading[2])),
        ("ROOT", root.to_string()),
        ("LAB_CSS", lab_css),
    ];
    let mut out = String::with_capacity(template.len() + 256);
    for (i, raw) in template.lines().enumerate() {
        let mut line = raw.to_string();
        for (key, value) in &values {
            line = line.replace(&format!("{{{{{key}}}}}"), value);
        }
        if let Some(at) = line.find("{{") {
            let name: String = line[at..].chars().take_while(|c| *c != '}').collect();
            return Err(format!(
                "{TEMPLATE}:{}: unknown placeholder {name}}}}}",
                i + 1
            ));
        }
        // A placeholder alone on its line that came out empty leaves no blank line.
        if line.trim().is_empty() && !raw.trim().is_empty() {
            continue;
        }
        out.push_str(&line);
        out.push('\n');
        // Say where the page came from, right after the doctype.
        if i == 0 {
            out.push_str(&format!(
                "<!-- Written by `cargo xtask` from {TEMPLATE} and {PAGE_LIST}: edit those, not this file. -->\n"
            ));
        }
    }
    Ok(out)
}

/// The binaries under `src/bin/` (file stems), sorted.
fn binaries(root: &Path) -> Res<Vec<String>> {
    let dir = root.join("src").join("bin");
    let entries = fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut bins: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".rs").map(str::to_string)
        })
        .collect();
    bins.sort();
    Ok(bins)
}

/// Every page and every binary go together: a page's binary exists, and a binary
/// with no page is a lab someone forgot to list.
fn check_binaries(specs: &[PageSpec], bins: &[String]) -> Res {
    for spec in specs {
        if !bins.contains(&spec.bin) {
            return Err(format!(
                "{PAGE_LIST}: page {:?} is built from src/bin/{}.rs, which does not exist",
                spec.stem, spec.bin
            ));
        }
    }
    for bin in bins {
        if !specs.iter().any(|s| &s.bin == bin) {
            return Err(format!(
                "src/bin/{bin}.rs has no page: add a line for it to {PAGE_LIST}"
            ));
        }
    }
    Ok(())
}

/// Writes `target/site/<page>.html` for every page in `site/pages.tsv` (a file is only
/// rewritten when its text changes, so `trunk watch` rebuilds only on a real change)
/// and returns the pages, home first.
pub fn generate(root: &Path) -> Res<Vec<Page>> {
    let read = |rel: &str| {
        fs::read_to_string(root.join(rel)).map_err(|e| format!("cannot read {rel}: {e}"))
    };
    let (template, tsv) = (read(TEMPLATE)?, read(PAGE_LIST)?);
    let mut specs = read_pages(&tsv)?;
    for spec in &mut specs {
        spec.own_css =
            spec.stem != "index" && root.join(format!("style/lab-{}.css", spec.stem)).is_file();
    }
    check_binaries(&specs, &binaries(root)?)?;
    let dir = generated_dir(root);
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut pages = Vec::new();
    for spec in &specs {
        let page = spec.page();
        let html = render(&template, spec, &specs, "../../")?;
        let path = dir.join(&page.file);
        if fs::read_to_string(&path).ok().as_deref() != Some(html.as_str()) {
            fs::write(&path, html).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        pages.push(page);
    }
    // A page dropped from the list leaves no stale file behind.
    if let Ok(entries) = fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".html") && !pages.iter().any(|p| p.file == name) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
    Ok(pages)
}

/// The site's pages, home first: written from the template (see [`generate`]).
pub fn pages(root: &Path) -> Res<Vec<Page>> {
    generate(root)
}

/// `target/pages/<stem>/`: where Trunk builds one page.
pub fn staging(p: &Project, page: &Page) -> PathBuf {
    p.root.join("target").join("pages").join(&page.stem)
}

/// The catalogue's id, as engine/build.rs computes it (FNV-1a 64 over
/// `key\ten\tes\tpt\n` per entry in key order, then each `#lab` line), which names the
/// texts files.
pub fn catalogue_id(entries: &BTreeMap<String, Vec<String>>, labs: &[LabTexts]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let lines = entries
        .iter()
        .map(|(key, texts)| format!("{key}\t{}\n", texts.join("\t")))
        .chain(
            labs.iter()
                .map(|l| format!("#lab\t{}\t{}\n", l.slug, l.prefixes.join("\t"))),
        );
    for line in lines {
        for b in line.bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// A `#lab<TAB>slug<TAB>prefix…` line of the catalogue: the keys only that lab's page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabTexts {
    pub slug: String,
    pub prefixes: Vec<String>,
}

/// Reads engine/i18n/catalogue.tsv as engine/build.rs does: key → [en, es, pt].
pub fn read_catalogue(tsv: &str) -> Res<BTreeMap<String, Vec<String>>> {
    let mut entries = BTreeMap::new();
    for (n, line) in tsv.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 4 {
            return Err(format!("catalogue.tsv:{}: expected 4 columns", n + 1));
        }
        let texts = cols[1..].iter().map(|c| c.to_string()).collect();
        if entries.insert(cols[0].trim().to_string(), texts).is_some() {
            return Err(format!("catalogue.tsv:{}: duplicate key", n + 1));
        }
    }
    Ok(entries)
}

/// The catalogue's `#lab` lines, in order (as engine/build.rs reads them).
pub fn read_lab_texts(tsv: &str) -> Vec<LabTexts> {
    tsv.lines()
        .filter_map(|line| line.strip_prefix("#lab\t"))
        .map(|rest| {
            let mut cols = rest.split('\t').map(str::trim);
            LabTexts {
                slug: cols.next().unwrap_or_default().to_string(),
                prefixes: cols.map(str::to_string).collect(),
            }
        })
        .collect()
}

/// The name of a page's texts (`home` for `index`, else the page's lab slug), as
/// `engine::i18n::texts_file` writes it.
pub fn texts_page(stem: &str) -> &str {
    if stem == "index" {
        "home"
    } else {
        stem
    }
}

/// The texts files the browser build loads (`engine::i18n::load`), one per page and
/// language: `<lang>-<page>-<id>.txt` holds the catalogue's id, then `key<TAB>text`
/// in key order (`\n` escapes kept) for the keys the page shows — not another lab's
/// (the catalogue's `#lab` prefixes) — so each page downloads, and its wasm holds,
/// only its own lab's keys and texts and the shared ones. `pages` are page stems (`index`, `retry`, …). Returns (file
/// name, contents).
pub fn texts_files(tsv: &str, pages: &[&str]) -> Res<Vec<(String, String)>> {
    let entries = read_catalogue(tsv)?;
    let labs = read_lab_texts(tsv);
    let id = catalogue_id(&entries, &labs);
    let owner = |key: &str| {
        labs.iter()
            .find(|l| l.prefixes.iter().any(|p| key.starts_with(p.as_str())))
            .map(|l| l.slug.as_str())
    };
    let mut out = Vec::new();
    for stem in pages {
        let page = texts_page(stem);
        for (column, lang) in ["en", "es", "pt"].iter().enumerate() {
            let mut text = format!("{id}\n");
            for (key, texts) in &entries {
                if owner(key).is_none_or(|lab| lab == page) {
                    text.push_str(key);
                    text.push('\t');
                    text.push_str(&texts[column]);
                    text.push('\n');
                }
            }
            out.push((format!("{lang}-{page}-{id}.txt"), text));
        }
    }
    Ok(out)
}

/// Writes the texts files of every page of `site/pages.tsv` into `<dir>/i18n/`
/// (replacing what was there): `dist/` after a build, and a dir that `cargo xtask
/// serve` serves beside the pages.
pub fn write_texts(root: &Path, dir: &Path) -> Res {
    let read = |path: PathBuf| {
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let tsv = read(root.join("engine").join("i18n").join("catalogue.tsv"))?;
    let specs = read_pages(&read(root.join(PAGE_LIST))?)?;
    let stems: Vec<&str> = specs.iter().map(|s| s.stem.as_str()).collect();
    let dir = dir.join("i18n");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (name, text) in texts_files(&tsv, &stems)? {
        fs::write(dir.join(&name), text).map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    Ok(())
}

/// `target/pages/texts/`: the texts files for `cargo xtask serve` (in `i18n/`).
pub fn texts_staging(p: &Project) -> PathBuf {
    p.root.join("target").join("pages").join("texts")
}

/// A `trunk` command for `page` (`build` or `watch`), into its staging dir.
pub fn trunk(p: &Project, verb: &str, page: &Page, release: bool) -> std::process::Command {
    let mut cmd = p.cmd("trunk");
    cmd.arg(verb)
        .arg(generated_dir(&p.root).join(&page.file))
        .arg("--dist")
        .arg(staging(p, page))
        // Trunk names its output index.html unless told otherwise.
        .arg("--html-output")
        .arg(&page.file)
        .env("TRUNK_SKIP_VERSION_CHECK", "true")
        // Trunk reports errors through anyhow: no backtrace noise (panics keep theirs).
        .env("RUST_LIB_BACKTRACE", "0");
    if release {
        cmd.arg("--release");
    }
    cmd
}

/// Builds every page with Trunk, one after the other, and merges them into `dist/`.
pub fn build(p: &Project, release: bool) -> Res<Vec<Page>> {
    let pages = generate(&p.root)?;
    for page in &pages {
        run(&mut trunk(p, "build", page, release))?;
    }
    let dirs: Vec<PathBuf> = pages.iter().map(|page| staging(p, page)).collect();
    let dist = p.root.join("dist");
    merge(&dirs, &dist)?;
    write_texts(&p.root, &dist)?;
    Ok(pages)
}

/// Builds only the pages named in `names` (stems: `index`, `retry`, …; at least one),
/// then merges every page whose staging dir holds a build into `dist/`, with the texts
/// (today's, and the ones the pages not rebuilt were built with).
pub fn build_only(p: &Project, names: &[String]) -> Res {
    let pages = generate(&p.root)?;
    if names.is_empty() {
        return Err("name the pages to build, e.g. `cargo xtask build retry`".into());
    }
    for name in names {
        let page = pages
            .iter()
            .find(|page| &page.stem == name)
            .ok_or_else(|| {
                let known: Vec<&str> = pages.iter().map(|p| p.stem.as_str()).collect();
                format!("no page {name:?} (pages: {})", known.join(", "))
            })?;
        run(&mut trunk(p, "build", page, true))?;
    }
    let dirs: Vec<PathBuf> = pages
        .iter()
        .map(|page| staging(p, page))
        .filter(|dir| dir.is_dir())
        .collect();
    let dist = p.root.join("dist");
    // The pages not rebuilt still load the texts files their build named (the
    // catalogue's id may have changed since): keep the old files beside the new.
    let texts_dir = dist.join("i18n");
    let old: Vec<(std::ffi::OsString, Vec<u8>)> = fs::read_dir(&texts_dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name(), fs::read(e.path()).ok()?)))
        .collect();
    merge(&dirs, &dist)?;
    write_texts(&p.root, &dist)?;
    for (name, bytes) in old {
        let path = texts_dir.join(&name);
        if !path.exists() {
            fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Replaces `dist` with the union of `dirs`. The same file name in two dirs must have
/// the same bytes (shared CSS does; hashed wasm/js names never clash).
pub fn merge(dirs: &[PathBuf], dist: &Path) -> Res {
    let mut files: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    for dir in dirs {
        for file in walk(dir)? {
            let rel = file
                .strip_prefix(dir)
                .expect("walked under dir")
                .to_path_buf();
            if let Some(prev) = files.get(&rel) {
                if fs::read(prev).ok() != fs::read(&file).ok() {
                    return Err(format!(
                        "{} and {} differ: two pages made different files with one name",
                        prev.display(),
                        file.display()
                    ));
                }
                continue;
            }
            files.insert(rel, file);
        }
    }
    if dist.exists() {
        fs::remove_dir_all(dist).map_err(|e| format!("cannot clear {}: {e}", dist.display()))?;
    }
    for (rel, from) in &files {
        let to = dist.join(rel);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        fs::copy(from, &to)
            .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))?;
    }
    Ok(())
}

/// Every file under `dir` (sorted), skipping dot files and dirs (Trunk's `.stage`).
fn walk(dir: &Path) -> Res<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let entries = fs::read_dir(&d).map_err(|e| format!("cannot list {}: {e}", d.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                todo.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// gzip -9 of `bytes`.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory")
}

/// Brotli, quality 11 (what a server would send with `Content-Encoding: br`).
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        enc.write_all(bytes).expect("writing to memory");
    }
    out
}

/// Writes `<file>.gz` and `<file>.br` beside every html/js/css/wasm/svg/json file.
pub fn precompress(dist: &Path) -> Res<usize> {
    let mut n = 0;
    for file in walk(dist)? {
        let ext = file
            .extension()
            .and_then(|x| x.to_str())
            .unwrap_or_default();
        if !COMPRESSED.contains(&ext) {
            continue;
        }
        let bytes = fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        for (suffix, packed) in [("gz", gzip(&bytes)), ("br", brotli(&bytes))] {
            let mut name = file.clone().into_os_string();
            name.push(".");
            name.push(suffix);
            fs::write(&name, packed).map_err(|e| format!("cannot write {name:?}: {e}"))?;
        }
        n += 1;
    }
    Ok(n)
}

/// The files a page's HTML makes the browser fetch: every `./x.js`, `x_bg.wasm`, `x.css`
/// name in it, quoted or not (Trunk writes `./`-relative names — `href="./main-1a2b.css"`,
/// `from './retry-3c4d.js'`, `module_or_path: './retry-5e6f_bg.wasm'` — and its minifier
/// drops or changes the quotes: `href=./main-1a2b.css`, `` `./retry-5e6f_bg.wasm` ``).
pub fn referenced(html: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let is_name = |c: char| c.is_ascii_alphanumeric() || "-_./:".contains(c);
    for token in html.split(|c: char| !is_name(c)) {
        let name = token.trim_start_matches("./");
        let ok_ext = [".wasm", ".js", ".css"].iter().any(|x| name.ends_with(x));
        let local = !name.contains(':') && !name.contains("..") && !name.starts_with('/');
        if ok_ext && local && !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    out.sort();
    out
}

/// One file of a page's cold load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sized {
    pub name: String,
    pub raw: u64,
    pub gz: u64,
}

/// A page's cold load: its HTML and every file it references, with gzip -9 sizes.
pub fn cold_load(dist: &Path, page: &Page) -> Res<Vec<Sized>> {
    let html = fs::read(dist.join(&page.file))
        .map_err(|e| format!("cannot read dist/{}: {e}", page.file))?;
    let mut out = vec![Sized {
        name: page.file.clone(),
        raw: html.len() as u64,
        gz: gzip(&html).len() as u64,
    }];
    for name in referenced(&String::from_utf8_lossy(&html)) {
        let bytes = fs::read(dist.join(&name)).map_err(|e| {
            format!(
                "dist/{} references {name}, which is not in dist/: {e}",
                page.file
            )
        })?;
        out.push(Sized {
            raw: bytes.len() as u64,
            gz: gzip(&bytes).len() as u64,
            name,
        });
    }
    // The page's texts in one language, fetched by the wasm before it mounts: count
    // the largest of its own files (`<lang>-<page>-<id>.txt`).
    let texts_dir = dist.join("i18n");
    let own = format!("-{}-", texts_page(&page.stem));
    if let Ok(entries) = fs::read_dir(&texts_dir) {
        let mut texts: Vec<Sized> = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".txt") || name.get(2..2 + own.len()) != Some(own.as_str()) {
                continue;
            }
            let bytes = fs::read(entry.path()).map_err(|e| format!("cannot read {name}: {e}"))?;
            texts.push(Sized {
                raw: bytes.len() as u64,
                gz: gzip(&bytes).len() as u64,
                name: format!("i18n/{name}"),
            });
        }
        if let Some(largest) = texts.into_iter().max_by_key(|s| s.gz) {
            out.push(largest);
        }
    }
    if !out.iter().any(|s| s.name.ends_with(".wasm")) {
        return Err(format!(
            "dist/{} references no .wasm: is Trunk's script missing?",
            page.file
        ));
    }
    Ok(out)
}

/// Checks every page's cold load against `budget`; returns one summary line per page,
/// and an error naming the pages above it. Prints the per-file table.
pub fn check_budget(dist: &Path, pages: &[Page], budget: u64) -> Res<Vec<String>> {
    let mut summary = Vec::new();
    let mut over = Vec::new();
    for page in pages {
        let files = cold_load(dist, page)?;
        let total: u64 = files.iter().map(|f| f.gz).sum();
        let goal = if total > GOAL {
            format!("{} over the {} goal", kb(total - GOAL), kb(GOAL))
        } else {
            format!("within the {} goal", kb(GOAL))
        };
        println!(
            "  {} — cold load {} gzipped (limit {}; {goal})",
            page.file,
            kb(total),
            kb(budget)
        );
        for f in &files {
            println!(
                "      {:>10} gz {:>10} raw  {}",
                kb(f.gz),
                kb(f.raw),
                f.name
            );
        }
        let wasm: u64 = files
            .iter()
            .filter(|f| f.name.ends_with(".wasm"))
            .map(|f| f.gz)
            .sum();
        summary.push(format!(
            "{}: {} gz (wasm {})",
            page.file,
            kb(total),
            kb(wasm)
        ));
        if total > budget {
            over.push(format!("{} ({})", page.file, kb(total)));
        }
    }
    if over.is_empty() {
        Ok(summary)
    } else {
        Err(format!(
            "cold load above the {} budget (gzipped -9): {}",
            kb(budget),
            over.join(", ")
        ))
    }
}

/// Bytes as KB (1000 bytes), one decimal.
pub fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-site-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn texts_files_hold_the_id_then_each_key_and_its_text_in_key_order() {
        let tsv = "# c\nb.key\tB\tBe\tBê\n\na.key\tA\\nA\tAa\tAá\n";
        let files = texts_files(tsv, &["index", "retry"]).unwrap();
        let id = catalogue_id(&read_catalogue(tsv).unwrap(), &[]);
        assert_eq!(id.len(), 16);
        assert_eq!(
            files[0],
            (
                format!("en-home-{id}.txt"),
                format!("{id}\na.key\tA\\nA\nb.key\tB\n")
            )
        );
        assert_eq!(
            files[2],
            (
                format!("pt-home-{id}.txt"),
                format!("{id}\na.key\tAá\nb.key\tBê\n")
            )
        );
        assert_eq!(files[3].0, format!("en-retry-{id}.txt"));
        // Any change to a text changes the id, so a cached file is never reused.
        let other = read_catalogue(&tsv.replace("Be", "Bé")).unwrap();
        assert_ne!(catalogue_id(&other, &[]), id);
        assert!(read_catalogue("k\tonly two").is_err());
    }

    #[test]
    fn a_page_gets_its_own_labs_texts_and_the_shared_ones() {
        let tsv = "#lab\tretry\tretry.\tpreset.retry.\n#lab\tchoreography\tchoreo.\n\
                   choreo.x\tC\tC\tC\npreset.retry.y\tP\tP\tP\nretry.z\tR\tR\tR\nui.w\tU\tU\tU\n";
        let labs = read_lab_texts(tsv);
        assert_eq!(
            labs[1],
            LabTexts {
                slug: "choreography".into(),
                prefixes: vec!["choreo.".into()]
            }
        );
        let id = catalogue_id(&read_catalogue(tsv).unwrap(), &labs);
        // The prefixes are part of the id: they decide what each file holds.
        assert_ne!(id, catalogue_id(&read_catalogue(tsv).unwrap(), &[]));
        let files = texts_files(tsv, &["index", "retry", "choreography"]).unwrap();
        let file = |name: &str| {
            files
                .iter()
                .find(|(n, _)| n == &format!("en-{name}-{id}.txt"))
                .unwrap()
                .1
                .clone()
        };
        // Another lab's keys are not in a page's file at all.
        assert_eq!(file("home"), format!("{id}\nui.w\tU\n"));
        assert_eq!(
            file("retry"),
            format!("{id}\npreset.retry.y\tP\nretry.z\tR\nui.w\tU\n")
        );
        assert_eq!(
            file("choreography"),
            format!("{id}\nchoreo.x\tC\nui.w\tU\n")
        );
    }

    #[test]
    fn the_catalogue_names_its_labs_texts() {
        // (That this id is engine/build.rs's, which names the file a page fetches, the
        // e2e tests see: every page loads its texts.)
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let tsv = fs::read_to_string(root.join("engine/i18n/catalogue.tsv")).unwrap();
        let labs = read_lab_texts(&tsv);
        assert!(labs.iter().any(|l| l.slug == "retry"));
        assert_eq!(
            catalogue_id(&read_catalogue(&tsv).unwrap(), &labs).len(),
            16
        );
    }

    /// A lab's views never name another lab's texts: its page's texts file does not
    /// hold them, so the reader would see the raw key (the replica and choreography
    /// charts once showed "retry.charts.time_axis").
    #[test]
    fn a_labs_views_name_only_its_own_and_shared_texts() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let tsv = fs::read_to_string(root.join("engine/i18n/catalogue.tsv")).unwrap();
        let labs = read_lab_texts(&tsv);
        let keys = read_catalogue(&tsv).unwrap();
        // A quoted string naming texts: a key, or a key's start where a
        // `format!` fills the rest (not a config path such as choreography's
        // `retry.max_attempts`, which no text is called).
        let names_texts = |quoted: &str| {
            let fixed = quoted.split('{').next().unwrap_or(quoted);
            keys.keys().any(|k| k.starts_with(fixed))
        };
        let mut checked = 0;
        for lab in &labs {
            let dir = root.join("src/labs").join(&lab.slug);
            let Ok(files) = walk(&dir) else { continue };
            for file in files
                .iter()
                .filter(|f| f.extension().is_some_and(|e| e == "rs"))
            {
                let code = fs::read_to_string(file).unwrap();
                checked += 1;
                for other in labs.iter().filter(|o| o.slug != lab.slug) {
                    for prefix in &other.prefixes {
                        // Prefixes that one lab's prefix contains (`log.` in `log.cqrs.`) are
                        // not another lab's.
                        if lab
                            .prefixes
                            .iter()
                            .any(|mine| mine.starts_with(prefix.as_str()))
                        {
                            continue;
                        }
                        let named = code.split(&format!("\"{prefix}")).skip(1).any(|rest| {
                            let quoted = rest.split('"').next().unwrap_or("");
                            names_texts(&format!("{prefix}{quoted}"))
                        });
                        assert!(
                            !named,
                            "{} names {}'s texts (\"{prefix}…\"): its page does not load them",
                            file.display(),
                            other.slug
                        );
                    }
                }
            }
        }
        assert!(checked >= 5, "the labs' views were read ({checked} files)");
    }

    #[test]
    fn references_are_read_from_trunks_output() {
        let html = r#"<link rel="stylesheet" href="./main-1a.css" integrity="sha384-x"/>
            <link rel="modulepreload" href="./retry-3c.js" crossorigin="anonymous">
            <link rel="preload" href="./retry-5e_bg.wasm" as="fetch" type="application/wasm">
            <script type="module">import init, * as bindings from './retry-3c.js';
            const wasm = await init({ module_or_path: './retry-5e_bg.wasm' });</script>
            <a href="./">home</a> <a href="https://example.com/x.js">no</a> "../up.js" "/abs.css""#;
        assert_eq!(
            referenced(html),
            vec!["main-1a.css", "retry-3c.js", "retry-5e_bg.wasm"]
        );
        // Trunk's minifier: unquoted attributes, template literals.
        let min = "<link href=./main-1a.css integrity=sha384-x+y/z rel=stylesheet>\
            <script type=module>import init,*as b from\"./retry-3c.js\";\
            await init({module_or_path:`./retry-5e_bg.wasm`});</script>";
        assert_eq!(
            referenced(min),
            vec!["main-1a.css", "retry-3c.js", "retry-5e_bg.wasm"]
        );
    }

    #[test]
    fn merge_unions_pages_and_refuses_clashes() {
        let dir = temp("merge");
        let (a, b, dist) = (dir.join("a"), dir.join("b"), dir.join("dist"));
        write(&a.join("index.html"), "home");
        write(&a.join("main.css"), "css");
        write(&a.join(".stage/junk"), "x");
        write(&b.join("retry.html"), "lab");
        write(&b.join("main.css"), "css");
        write(&b.join("sub/x.js"), "js");
        write(&dist.join("stale.html"), "old");
        merge(&[a.clone(), b.clone()], &dist).unwrap();
        let names: Vec<String> = walk(&dist)
            .unwrap()
            .iter()
            .map(|p| {
                p.strip_prefix(&dist)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(
            names,
            vec!["index.html", "main.css", "retry.html", "sub/x.js"]
        );
        write(&b.join("main.css"), "other css");
        let err = merge(&[a, b], &dist).unwrap_err();
        assert!(err.contains("differ"), "{err}");
        let _ = fs::remove_dir_all(&dir);
    }

    const TSV: &str = "# comment\n\
        index\thome\tPlayground\tLoading…\tCargando…\tCarregando…\n\
        retry\tretry\tRetry · Playground\tLoading the retry lab…\tCargando reintentos…\tCarregando retentativas…\n";

    #[test]
    fn pages_are_read_home_first_and_checked() {
        let specs = read_pages(TSV).unwrap();
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[1].stem, "retry");
        assert_eq!(specs[1].loading[1], "Cargando reintentos…");
        assert_eq!(specs[1].page().file, "retry.html");
        // Home must come first; a page is listed once; every column is filled.
        let err = read_pages(&TSV.lines().skip(2).collect::<Vec<_>>().join("\n")).unwrap_err();
        assert!(err.contains("home page"), "{err}");
        let twice = format!("{TSV}retry\tretry\tR\ta\tb\tc\n");
        assert!(read_pages(&twice).unwrap_err().contains("twice"));
        let short = TSV.replace("\tCarregando…", "");
        assert!(read_pages(&short)
            .unwrap_err()
            .contains("6 tab-separated columns"));
        let bad = TSV.replace("retry\tretry", "Re try\tretry");
        assert!(read_pages(&bad).is_err());
        // A page's binary must exist, and a binary must have a page.
        let bins = |b: &[&str]| b.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        check_binaries(&specs, &bins(&["home", "retry"])).unwrap();
        let err = check_binaries(&specs, &bins(&["home"])).unwrap_err();
        assert!(err.contains("src/bin/retry.rs"), "{err}");
        let err = check_binaries(&specs, &bins(&["cqrs", "home", "retry"])).unwrap_err();
        assert!(err.contains("src/bin/cqrs.rs has no page"), "{err}");
    }

    #[test]
    fn the_template_writes_every_page_with_the_same_lab_list() {
        let template = "<!doctype html>\n<title>{{TITLE}}</title>\n\
            <script>var LABS = {{LABS}}, HERE = \"{{HERE}}\";</script>\n\
            <link href=\"{{ROOT}}style/main.css\">\n    {{LAB_CSS}}\n\
            <link data-trunk rel=\"rust\" href=\"{{ROOT}}Cargo.toml\" data-bin=\"{{BIN}}\">\n\
            <p>{{LOADING_EN}}|{{LOADING_ES}}|{{LOADING_PT}}</p>\n";
        let tsv = format!(
            "{TSV}cqrs\tcqrs\tCQRS & <you>\tLoading CQRS…\tCargando CQRS…\tCarregando CQRS…\n"
        );
        let mut specs = read_pages(&tsv).unwrap();
        specs[2].own_css = true;
        let home = render(template, &specs[0], &specs, "../../").unwrap();
        let retry = render(template, &specs[1], &specs, "../../").unwrap();
        let cqrs = render(template, &specs[2], &specs, "../../").unwrap();
        // A new lab line is listed by every page, old ones included.
        for html in [&home, &retry, &cqrs] {
            assert!(html.contains(r#"var LABS = ["retry", "cqrs"], "#), "{html}");
            assert!(html.contains(r#"href="../../style/main.css""#), "{html}");
            assert!(
                html.contains("Written by `cargo xtask` from site/page.html"),
                "{html}"
            );
            assert!(!html.contains("{{"), "{html}");
        }
        assert!(home.contains(r#"HERE = """#) && home.contains(r#"data-bin="home""#));
        assert!(retry.contains(r#"HERE = "retry""#) && retry.contains(r#"data-bin="retry""#));
        // Labs get the lab page's stylesheet; home gets its own instead, and
        // no lab page downloads the home page's cards.
        assert!(retry.contains(r#"href="../../style/lab-page.css""#));
        assert!(
            !home.contains("lab-page.css") && !home.contains("\n    \n"),
            "{home}"
        );
        assert!(home.contains(r#"href="../../style/home.css""#), "{home}");
        assert!(!retry.contains("home.css") && !cqrs.contains("home.css"));
        // A lab with its own stylesheet links it too; the others do not.
        assert!(
            cqrs.contains(r#"href="../../style/lab-cqrs.css""#),
            "{cqrs}"
        );
        assert!(!retry.contains("lab-retry.css") && !home.contains("lab-cqrs.css"));
        assert!(home.contains("<p>Loading…|Cargando…|Carregando…</p>"));
        assert!(
            cqrs.contains("<title>CQRS &amp; &lt;you&gt;</title>"),
            "{cqrs}"
        );
        // A placeholder the generator does not know fails loudly.
        let err = render("<x>{{TITEL}}</x>", &specs[0], &specs, "").unwrap_err();
        assert!(
            err.contains("{{TITEL}}") && err.contains("page.html:1"),
            "{err}"
        );
    }

    #[test]
    fn the_site_is_generated_into_target_site() {
        let dir = temp("generate");
        let template = "<!doctype html>\n<title>{{TITLE}}</title>\n{{LAB_CSS}}\n\
            <script>var LABS = {{LABS}}, HERE = \"{{HERE}}\";</script>\n\
            <i>{{BIN}} {{ROOT}} {{LOADING_EN}} {{LOADING_ES}} {{LOADING_PT}}</i>\n";
        write(&dir.join(TEMPLATE), template);
        write(&dir.join(PAGE_LIST), TSV);
        write(&dir.join("src/bin/home.rs"), "");
        write(&dir.join("src/bin/retry.rs"), "");
        write(
            &dir.join("target/site/gone.html"),
            "a page no longer listed",
        );
        let pages = generate(&dir).unwrap();
        let files: Vec<&str> = pages.iter().map(|p| p.file.as_str()).collect();
        assert_eq!(files, vec!["index.html", "retry.html"]);
        let out = generated_dir(&dir);
        let retry = fs::read_to_string(out.join("retry.html")).unwrap();
        assert!(
            retry.contains("<title>Retry · Playground</title>"),
            "{retry}"
        );
        assert!(!out.join("gone.html").exists());
        // A binary without a page is refused, naming the list to edit.
        write(&dir.join("src/bin/cqrs.rs"), "");
        let err = generate(&dir).unwrap_err();
        assert!(err.contains("site/pages.tsv"), "{err}");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn budget_counts_html_and_references_and_fails_above() {
        let dir = temp("budget");
        // Letters from a small LCG: incompressible enough to weigh something.
        let mut x: u64 = 7;
        let noise: String = (0..40_000)
            .map(|_| {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                char::from(b'a' + ((x >> 33) % 26) as u8)
            })
            .collect();
        write(
            &dir.join("retry.html"),
            "<link href=\"./main-1.css\"><script type=\"module\">import init from './retry-2.js';\
             await init({ module_or_path: './retry-3_bg.wasm' });</script>",
        );
        write(&dir.join("main-1.css"), "body{}");
        write(&dir.join("retry-2.js"), "export default 1");
        write(&dir.join("retry-3_bg.wasm"), &noise);
        let page = Page {
            file: "retry.html".into(),
            stem: "retry".into(),
        };
        let files = cold_load(&dir, &page).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["retry.html", "main-1.css", "retry-2.js", "retry-3_bg.wasm"]
        );
        let total: u64 = files.iter().map(|f| f.gz).sum();
        assert!(total > 20_000, "random letters compress to ~5/8: {total}");
        let ok = check_budget(&dir, std::slice::from_ref(&page), total).unwrap();
        assert!(ok[0].starts_with("retry.html: "), "{ok:?}");
        let err = check_budget(&dir, std::slice::from_ref(&page), total - 1).unwrap_err();
        assert!(err.contains("retry.html"), "{err}");
        // A reference to a missing file is an error, not a smaller number.
        fs::remove_file(dir.join("retry-2.js")).unwrap();
        assert!(cold_load(&dir, &page).is_err());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn precompressed_files_round_trip() {
        let dir = temp("compress");
        write(&dir.join("a.js"), &"let x = 1;\n".repeat(500));
        write(&dir.join("b.png"), "not text");
        assert_eq!(precompress(&dir).unwrap(), 1);
        let gz = fs::read(dir.join("a.js.gz")).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut text)
            .unwrap();
        assert_eq!(text, "let x = 1;\n".repeat(500));
        let br = fs::read(dir.join("a.js.br")).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut brotli::Decompressor::new(&br[..], 4096), &mut text)
            .unwrap();
        assert_eq!(text.len(), 5500);
        assert!(!dir.join("b.png.gz").exists());
        let _ = fs::remove_dir_all(&dir);
    }
}

//! Component tests of the shared lab page (`src/lab_page/`), in headless
//! Chromium: the metrics table (provisional values while running, final at
//! the end, A | B aligned), the verdict mini-charts (one line per series,
//! outage shaded, a text alternative), and the whole retry page's presets and
//! guide (a guide that survives an edit, marked modified, with a way back;
//! the phone select; A | B keeping B's settings).
#![cfg(target_arch = "wasm32")]

mod common;

use cloud_patterns_playground::i18n::I18n;
use cloud_patterns_playground::lab_page::metrics::MetricsTable;
use cloud_patterns_playground::lab_page::verdict::{Axis, VerdictChart};
use cloud_patterns_playground::lab_page::RunView;
use cloud_patterns_playground::labs::retry::RetryLab;
use engine::i18n::t;
use engine::labs::retry::{presets, RetryRun};
use engine::{LabRun, Lang, SimTime};
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

use common::container;

use common::sleep;

fn q(root: &Element, sel: &str) -> Option<Element> {
    root.query_selector(sel).unwrap()
}

/// The number in attribute `name` of the first tag in `markup` with it.
fn attr_num(markup: &str, name: &str) -> Option<f64> {
    let at = markup.find(&format!(" {name}=\""))? + name.len() + 3;
    markup[at..].split('"').next()?.parse().ok()
}

fn count(root: &Element, sel: &str) -> u32 {
    root.query_selector_all(sel).unwrap().length()
}

fn view_of(preset: &str) -> RunView<RetryRun> {
    let p = presets::find(preset).unwrap();
    RunView {
        run: StoredValue::new_local(RetryRun::new(&p.config, p.seed).unwrap()),
        tick: RwSignal::new(0),
        lang: Signal::stored(Lang::En),
        seed: Signal::stored(p.seed),
    }
}

fn availability_view(preset: &str) -> RunView<engine::labs::availability::AvailabilityRun> {
    let p = engine::labs::availability::presets::all()
        .into_iter()
        .find(|p| p.id == preset)
        .unwrap();
    RunView {
        run: StoredValue::new_local(
            engine::labs::availability::AvailabilityRun::new(&p.config, p.seed).unwrap(),
        ),
        tick: RwSignal::new(0),
        lang: Signal::stored(Lang::En),
        seed: Signal::stored(p.seed),
    }
}

fn advance(view: RunView<RetryRun>, ms: Option<u64>) {
    view.run.update_value(|r| {
        match ms {
            Some(ms) => r.run_until(SimTime::from_ms(ms), u64::MAX),
            None => r.run_to_end(u64::MAX),
        };
    });
    view.tick.update(|t| *t += 1);
}

#[wasm_bindgen_test]
async fn metrics_are_provisional_while_running_and_final_at_the_end() {
    let view = view_of("storm_budget");
    let root = container();
    let _m = leptos::mount::mount_to(root.clone(), move || view! { <MetricsTable view=view /> });
    advance(view, Some(30_000));
    tick().await;
    assert!(
        q(&root, "[data-testid=provisional-note]").is_some(),
        "mid-run: the note says values can change"
    );
    assert!(count(&root, "td.provisional") > 0);
    // The still-in-progress bar of each side counts what the engine counts.
    let open = view.run.with_value(|r| r.outcomes(0).unwrap().open);
    assert!(open > 0);
    let bar = q(&root, "[data-testid=outcomes-a]")
        .expect("a bar for side A")
        .text_content()
        .unwrap();
    assert!(bar.contains("in progress"), "{bar}");
    assert!(q(&root, "[data-testid=outcomes-b]").is_some());
    // A | B: one column each, rows aligned by key.
    let rows = view.run.with_value(|r| r.metric_rows(0).len()) as u32;
    assert_eq!(count(&root, "tbody tr"), rows);
    assert_eq!(count(&root, "tbody tr td"), rows * 2);

    advance(view, None);
    tick().await;
    assert!(
        q(&root, "[data-testid=provisional-note]").is_none(),
        "at the end nothing is provisional"
    );
    assert_eq!(count(&root, "td.provisional"), 0);
    assert!(q(&root, "[data-testid=outcomes-a]").is_none());
    // (The JSON block against the CLI's report is checked end to end, in e2e.)
}

#[wasm_bindgen_test]
async fn verdict_chart_draws_each_series_with_the_outage_shaded() {
    let view = view_of("storm_jitter");
    advance(view, Some(40_000));
    let data = view.run.with_value(|r| r.verdict(0));
    let axis = view.run.with_value(|r| Axis {
        x_max_ms: r.time_domain_ms(),
        y_max: r.verdict(0).peak().max(r.verdict(1).peak()),
        now_ms: 40_000.0,
        runs_on_ms: None,
    });
    assert_eq!(data.lines.len(), 2);
    assert!(data.lines.iter().all(|l| !l.points.is_empty()));
    let root = container();
    let d = data.clone();
    let _m = leptos::mount::mount_to(root.clone(), move || {
        view! { <VerdictChart data=Signal::stored(d.clone()) axis=Signal::stored(axis) lang=Signal::stored(Lang::En) side="A" /> }
    });
    tick().await;
    assert_eq!(
        count(&root, ".verdict-line"),
        2 + 2,
        "two lines, two legend swatches"
    );
    assert_eq!(
        count(&root, "path.verdict-line.dashed"),
        1,
        "calls sent are dashed: shape, not only colour"
    );
    assert_eq!(count(&root, ".verdict-band"), 1, "the outage is shaded");
    // Its name is drawn after the lines (on a backdrop), so no line hides it.
    let svg = q(&root, "svg.verdict-svg").unwrap();
    let groups: Vec<String> = (0..svg.children().length())
        .filter_map(|i| svg.children().item(i))
        .map(|g| g.get_attribute("class").unwrap_or_default())
        .collect();
    let at = |c: &str| groups.iter().position(|g| g == c).expect(c);
    assert!(
        at("verdict-band-labels") > at("verdict-lines"),
        "{groups:?}"
    );
    assert_eq!(count(&root, ".verdict-band-labels text"), 1);
    let label = q(&root, "svg.verdict-svg")
        .unwrap()
        .get_attribute("aria-label")
        .unwrap();
    assert!(label.starts_with("Side A"), "{label}");
    assert!(label.contains("calls sent"), "{label}");
    // The cursor sits at the clock's time on the shared axis.
    let x: f64 = q(&root, ".verdict-now")
        .unwrap()
        .get_attribute("x1")
        .unwrap()
        .parse()
        .unwrap();
    assert!(x > 30.0, "{x}");
}

/// A line of one point (the first second's average, one second in) draws
/// no stroke: it is a dot, in its line's tone; a line of two or more is not.
#[wasm_bindgen_test]
async fn a_line_of_one_point_is_a_dot() {
    let view = view_of("storm_jitter");
    advance(view, Some(40_000));
    let mut data = view.run.with_value(|r| r.verdict(0));
    data.lines[0].points.truncate(1);
    let (t0, _) = data.lines[0].points[0];
    assert!(data.lines[1].points.len() > 1);
    let axis = Axis {
        x_max_ms: 60_000.0,
        y_max: data.peak(),
        now_ms: t0,
        runs_on_ms: None,
    };
    let root = container();
    let d = data.clone();
    let _m = leptos::mount::mount_to(root.clone(), move || {
        view! { <VerdictChart data=Signal::stored(d.clone()) axis=Signal::stored(axis) lang=Signal::stored(Lang::En) side="A" /> }
    });
    tick().await;
    assert_eq!(count(&root, "circle.verdict-dot"), 1);
    let tone = super_tone(&data.lines[0]);
    assert!(
        q(&root, "circle.verdict-dot")
            .unwrap()
            .class_list()
            .contains(tone),
        "the dot takes its line's tone {tone}"
    );
}

fn super_tone(l: &engine::labs::run::VerdictLine) -> &'static str {
    cloud_patterns_playground::lab_page::verdict::tone_class(l.tone)
}

/// Presses End on the page's scrubber (seek to the run's end), then waits
/// (up to 6 s) until `sel` shows.
async fn seek_to_end_until(root: &Element, sel: &str) {
    let scrub = q(root, "[data-testid=scrub]").unwrap();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("End");
    init.set_bubbles(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    scrub.dispatch_event(&ev).unwrap();
    for _ in 0..300 {
        if q(root, sel).is_some() {
            break;
        }
        sleep(20).await;
    }
}

fn mount_page(preset: &str) -> (HtmlElement, impl Sized) {
    let p = presets::find(preset).unwrap();
    let root = container();
    let (config, seed) = (p.config.clone(), p.seed);
    let handle = leptos::mount::mount_to(root.clone(), move || {
        I18n::provide(Lang::En);
        view! { <RetryLab config=config.clone() seed=seed /> }
    });
    (root, handle)
}

#[wasm_bindgen_test]
async fn the_guide_survives_an_edit_marked_modified_with_a_way_back() {
    let (root, _h) = mount_page("tenacity");
    tick().await;
    let guide = q(&root, "[data-testid=guide]").expect("a preset opens with its guide");
    assert_eq!(
        guide.get_attribute("data-preset").as_deref(),
        Some("tenacity")
    );
    assert!(q(&root, "[data-testid=guide-modified]").is_none());
    // Change the seed: the guide stays, marked modified.
    let seed: HtmlInputElement = q(&root, "[data-testid=seed]").unwrap().unchecked_into();
    seed.set_value("99");
    seed.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    seed.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick().await;
    assert!(
        q(&root, "[data-testid=guide]").is_some(),
        "the guide is still there"
    );
    assert!(q(&root, "[data-testid=guide-modified]").is_some());
    // Back to the preset: same seed as the preset, not modified.
    q(&root, "[data-testid=guide-back]")
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    sleep(50).await;
    assert!(
        q(&root, "[data-testid=guide-modified]").is_none(),
        "back at the preset, seed included"
    );
}

#[wasm_bindgen_test]
async fn the_phone_select_picks_the_same_presets_as_the_chips() {
    let (root, _h) = mount_page("tenacity");
    tick().await;
    let select: HtmlSelectElement = q(&root, "[data-testid=preset-select]")
        .unwrap()
        .unchecked_into();
    // A placeholder plus one option per preset.
    assert_eq!(select.length() as usize, presets::all().len() + 1);
    select.set_value("storm_breaker");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick().await;
    let pressed = q(&root, "[data-testid=preset-storm_breaker]").unwrap();
    assert_eq!(
        pressed.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    assert_eq!(
        q(&root, "[data-testid=guide]")
            .unwrap()
            .get_attribute("data-preset")
            .as_deref(),
        Some("storm_breaker")
    );
    // Both stage cards carry a verdict chart.
    assert!(q(&root, "[data-testid=verdict-A]").is_some());
    assert!(q(&root, "[data-testid=verdict-B]").is_some());
    // On a 360 px phone the picked name shows whole, wrapping, under the
    // invisible select that still takes the tap.
    let face = q(&root, "[data-testid=preset-select-face]").unwrap();
    assert_eq!(
        face.text_content().unwrap_or_default(),
        t(Lang::En, "preset.retry.storm_breaker.title")
    );
    common::style_in(&root, include_str!("../style/main.css"));
    common::style_in(&root, include_str!("../style/lab-page.css"));
    let label: HtmlElement = select.parent_element().unwrap().unchecked_into();
    label.style().set_property("display", "block").unwrap();
    label.style().set_property("width", "344px").unwrap();
    let face: HtmlElement = face.unchecked_into();
    assert!(
        face.scroll_width() <= face.client_width(),
        "the name is not cut: {} > {}",
        face.scroll_width(),
        face.client_width()
    );
    assert!(face.offset_height() > 45, "it wraps to a second line");
    let (f, s) = (
        face.get_bounding_client_rect(),
        select.get_bounding_client_rect(),
    );
    assert!(
        (f.top() - s.top()).abs() < 1.0 && (f.bottom() - s.bottom()).abs() < 1.0,
        "the select covers the face: {f:?} {s:?}"
    );
}

#[wasm_bindgen_test]
async fn turning_a_b_off_and_on_keeps_b_settings() {
    let (root, _h) = mount_page("storm_breaker");
    tick().await;
    let summary_b = q(&root, "[data-testid=summary-B]")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(summary_b.contains("breaker"), "{summary_b}");
    let toggle: HtmlInputElement = q(&root, "[data-testid=compare] input")
        .unwrap()
        .unchecked_into();
    toggle.click();
    tick().await;
    assert!(q(&root, "[data-testid=summary-B]").is_none(), "B is gone");
    let toggle: HtmlInputElement = q(&root, "[data-testid=compare] input")
        .unwrap()
        .unchecked_into();
    toggle.click();
    tick().await;
    let again = q(&root, "[data-testid=summary-B]")
        .unwrap()
        .text_content()
        .unwrap();
    assert_eq!(
        again, summary_b,
        "B comes back as it was, not as a copy of A"
    );
}

/// Views written as markup (charts, strips, the metrics table) escape every
/// text and attribute: a label can never become markup.
#[wasm_bindgen_test]
fn markup_escapes_text_and_attributes() {
    use cloud_patterns_playground::markup::Markup;
    let mut m = Markup::new();
    m.elem("text", &[("x", "1"), ("class", "a\"b")], "<b> & co");
    assert_eq!(
        m.finish(),
        r#"<text x="1" class="a&quot;b">&lt;b&gt; &amp; co</text>"#
    );
    let root = container();
    let mut m = Markup::new();
    m.elem(
        "p",
        &[("title", "<img src=x onerror=alert(1)>")],
        "<script>1</script>",
    );
    root.set_inner_html(&m.finish());
    assert_eq!(root.query_selector_all("img, script").unwrap().length(), 0);
    assert_eq!(root.text_content().unwrap(), "<script>1</script>");
}

/// "Zoom to the shorter run" is offered only where it helps: two sides, one
/// ending well before the shared axis does. The herd's jittered B ends in
/// about 4 s, A in about 30: B's card offers the zoom once that is known; a
/// run not yet started, or one side alone, offers nothing.
#[wasm_bindgen_test]
fn the_zoom_is_offered_only_for_a_side_that_ends_early() {
    use cloud_patterns_playground::lab_page::verdict::{window_ms, zoom_offer, ZOOM_WORTH};
    let herd = view_of("herd");
    herd.run.with_value(|r| {
        assert_eq!(zoom_offer(r), None, "nothing has run: nothing to zoom to");
        assert_eq!(window_ms(r, true), window_ms(r, false));
    });
    advance(herd, None);
    herd.run.with_value(|r| {
        let o = zoom_offer(r).expect("B ends early");
        assert_eq!(o.side, 1);
        assert_eq!(o.end_ms, r.side_end_ms(1));
        assert_eq!(o.full_ms, r.time_domain_ms());
        assert!(o.end_ms <= ZOOM_WORTH * o.full_ms, "{o:?}");
        assert_eq!(window_ms(r, true), o.end_ms);
        assert_eq!(window_ms(r, false), o.full_ms);
    });
    // Two runs of the same length (availability: both sides play the load's
    // duration) offer nothing, mid-run either, where both reach only as far
    // as now on an axis that goes on to the end.
    let same = availability_view("rejoin");
    same.run.update_value(|r| {
        r.run_until(SimTime::from_ms(33_000), u64::MAX);
    });
    same.run.with_value(|r| {
        assert!(r.time_domain_ms() > 100_000.0 && r.side_end_ms(0) <= 33_000.0);
        assert_eq!(zoom_offer(r), None, "same length, mid-run");
    });
    // One side: no zoom, even when asked.
    let alone = view_of("tenacity");
    advance(alone, None);
    alone.run.with_value(|r| {
        assert_eq!(zoom_offer(r), None);
        assert_eq!(window_ms(r, true), window_ms(r, false));
    });
}

/// On the page, the offer is a toggle on the shorter side's card (never on
/// the other, never below both): it names the side and the window, and
/// checking it cuts both mini-charts' axis at B's end.
#[wasm_bindgen_test]
async fn the_zoom_toggle_sits_on_the_shorter_card_and_zooms_both_charts() {
    let (root, _h) = mount_page("herd");
    tick().await;
    assert!(
        q(&root, "[data-testid=zoom-shorter]").is_none(),
        "before the run, both sides end at 0: nothing to offer"
    );
    seek_to_end_until(&root, "[data-testid=zoom-shorter]").await;
    assert_eq!(count(&root, "[data-testid=zoom-shorter]"), 1);
    assert!(q(&root, "[data-side=B] [data-testid=zoom-shorter]").is_some());
    assert!(q(&root, "[data-side=A] [data-testid=zoom-shorter]").is_none());
    let label = q(&root, "[data-side=B] .zoom-toggle")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(label.contains("Zoom to B's run (0–"), "{label}");
    // The mini-chart's caption: its name, then its unit apart (two-up in half
    // a phone the name is hidden and the unit still says what is counted).
    let name = q(&root, "[data-testid=verdict-A] .verdict-name")
        .unwrap()
        .text_content()
        .unwrap();
    let unit = q(&root, "[data-testid=verdict-A] .verdict-unit")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(!name.is_empty() && !name.contains('('), "{name}");
    assert!(
        unit.starts_with('(') && unit.ends_with(')') && unit.len() > 2,
        "{unit}"
    );
    let axis_end = |side: &str| {
        let ticks = root
            .query_selector_all(&format!("[data-testid=verdict-{side}] .verdict-tick"))
            .unwrap();
        ticks
            .item(ticks.length() - 1)
            .and_then(|t| t.text_content())
            .unwrap_or_default()
    };
    let whole = axis_end("A");
    assert_eq!(axis_end("B"), whole);
    assert!(
        q(&root, "[data-testid=verdict-runs-on]").is_none(),
        "not zoomed: nothing runs past the axis"
    );
    // B finished first: its lines stop short of the shared axis, and it says
    // where it ended (they looked cut off); A, still the axis' end, does not.
    let ended = q(&root, "[data-testid=verdict-B] [data-testid=verdict-ended]")
        .expect("B says where it ended")
        .text_content()
        .unwrap();
    assert!(ended.starts_with("ended at "), "{ended}");
    // Just past the end of B's lines, where none of them goes (it sat at the
    // plot's left, struck through by the lines it named).
    let ended_el = q(&root, "[data-testid=verdict-B] [data-testid=verdict-ended]").unwrap();
    let lines = root
        .query_selector_all("[data-testid=verdict-B] .verdict-line")
        .unwrap();
    let lines_end = (0..lines.length())
        .filter_map(|i| lines.item(i))
        .map(|l| {
            l.unchecked_into::<Element>()
                .get_bounding_client_rect()
                .right()
        })
        .fold(0.0, f64::max);
    assert!(lines_end > 0.0);
    assert!(
        ended_el.get_bounding_client_rect().left() >= lines_end - 0.5,
        "label at {} vs lines to {lines_end}",
        ended_el.get_bounding_client_rect().left()
    );
    assert!(q(&root, "[data-testid=verdict-A] [data-testid=verdict-ended]").is_none());
    let input: HtmlInputElement = q(&root, "[data-testid=zoom-shorter]")
        .unwrap()
        .unchecked_into();
    input.click();
    tick().await;
    let zoomed = axis_end("A");
    assert_ne!(zoomed, whole, "the axis ends earlier");
    assert_eq!(axis_end("B"), zoomed);
    // A's chart is cut, and says it goes on: to the end its axis had.
    let runs_on = q(
        &root,
        "[data-testid=verdict-A] [data-testid=verdict-runs-on]",
    )
    .expect("A says it runs on")
    .text_content()
    .unwrap();
    assert!(runs_on.starts_with("runs on to "), "{runs_on}");
    assert!(q(
        &root,
        "[data-testid=verdict-B] [data-testid=verdict-runs-on]"
    )
    .is_none());
    // Zoomed to B's run, B's end is the axis' end: nothing to say.
    assert!(q(&root, "[data-testid=verdict-ended]").is_none());
    assert!(
        label.ends_with(&format!("0–{zoomed})")),
        "{label} vs {zoomed}"
    );
}

/// Off screen while the run plays, the metrics table is rebuilt on one
/// redraw in ten, not on each; paused, or back on screen, it is exact at once.
#[wasm_bindgen_test]
async fn off_screen_while_playing_the_metrics_table_is_rebuilt_less_often() {
    use cloud_patterns_playground::lab_page::metrics::OFF_SCREEN_EVERY;
    let view = view_of("storm_budget");
    let root = container();
    // Far below the viewport (beyond the observer's 200 px margin).
    root.style().set_property("margin-top", "6000px").unwrap();
    let playing = RwSignal::new(true);
    let _m = leptos::mount::mount_to(
        root.clone(),
        move || view! { <MetricsTable view=view playing=playing /> },
    );
    // The observer's first report arrives after a frame or two.
    sleep(100).await;
    let calls = || {
        q(&root, "tr[data-metric=calls] td .measured")
            .unwrap()
            .text_content()
            .unwrap()
    };
    let mut ms = 10_000;
    advance(view, Some(ms));
    tick().await;
    // Redraws until the table shows the run's numbers once: the counting
    // starts there.
    let mut shown = calls();
    let mut changes = vec![];
    for redraw in 1..=2 * OFF_SCREEN_EVERY {
        ms += 500;
        advance(view, Some(ms));
        tick().await;
        let now = calls();
        if now != shown {
            changes.push(redraw);
            shown = now;
        }
    }
    assert!(
        !changes.is_empty() && changes.len() <= 3,
        "rebuilt about once per {OFF_SCREEN_EVERY} redraws off screen: {changes:?}"
    );
    for pair in changes.windows(2) {
        assert_eq!(pair[1] - pair[0], OFF_SCREEN_EVERY, "{changes:?}");
    }
    let engine_calls = || {
        view.run.with_value(|r| {
            r.metric_rows(0)
                .into_iter()
                .find(|row| row.key == "calls")
                .map(|row| {
                    cloud_patterns_playground::lab_page::metrics::fmt_value(Lang::En, row.value)
                })
                .unwrap()
        })
    };
    // A redraw after which the table is behind the engine…
    loop {
        ms += 500;
        advance(view, Some(ms));
        tick().await;
        if calls() != engine_calls() {
            break;
        }
    }
    let engine = engine_calls();
    let stale = calls();
    // …and pausing makes it exact at once.
    playing.set(false);
    tick().await;
    assert_eq!(calls(), engine);
    assert_ne!(stale, engine, "it was behind before the pause");
    // Playing again, but on screen: every redraw.
    playing.set(true);
    root.style().set_property("margin-top", "0").unwrap();
    root.scroll_into_view();
    sleep(100).await;
    for _ in 0..3 {
        ms += 500;
        advance(view, Some(ms));
        tick().await;
        assert_eq!(calls(), engine_calls());
    }
}

/// A line chart's time axis: its origin reads "0"; a tick label at the
/// drawing's right end ends at its tick instead of being cut ("2 min" drawn as
/// "2 mi"), the others are centred; the "now" line is named, on whichever side
/// of it has room.
#[wasm_bindgen_test]
fn a_line_charts_last_tick_label_and_now_stay_inside_the_drawing() {
    use cloud_patterns_playground::charts::{line_chart_svg, LineChartData, Unit};
    let svg_of = |now: f64| {
        let d = LineChartData {
            x_max: 120_000.0,
            x_unit: Unit::Millis,
            now: Some(now),
            lang: Lang::En,
            ..LineChartData::default()
        };
        let markup = line_chart_svg(&d, 400.0, 200.0, "t", 0.0);
        let doc = web_sys::window().unwrap().document().unwrap();
        let host = doc.create_element("div").unwrap();
        host.set_inner_html(&markup);
        host
    };
    let host = svg_of(30_000.0);
    let ticks = host.query_selector_all(".chart-tick text").unwrap();
    let n = ticks.length();
    assert!(n >= 3, "{n} ticks");
    let anchor = |i: u32| {
        ticks
            .item(i)
            .unwrap()
            .unchecked_into::<Element>()
            .get_attribute("text-anchor")
            .unwrap()
    };
    let last = ticks.item(n - 1).unwrap().text_content().unwrap();
    assert_eq!(
        last,
        cloud_patterns_playground::charts::fmt_ms(Lang::En, 120_000.0)
    );
    assert_eq!(anchor(n - 1), "end", "the last label ends at its tick");
    assert_eq!(anchor(1), "middle");
    // The origin is "0", not "0 ms" beside "1 min": one unit on the axis.
    let first = ticks.item(0).unwrap().text_content().unwrap();
    assert_eq!(first, "0");
    let second = ticks.item(1).unwrap().text_content().unwrap();
    assert!(!second.contains("ms"), "{second}");
    let label = q(&host, ".chart-now-label").expect("the now line is named");
    assert_eq!(label.text_content().unwrap(), "now");
    assert_eq!(label.get_attribute("text-anchor").as_deref(), Some("start"));
    // At the plot's right end the name sits left of the line.
    let host = svg_of(119_000.0);
    let label = q(&host, ".chart-now-label").unwrap();
    assert_eq!(label.get_attribute("text-anchor").as_deref(), Some("end"));
}

/// A time axis ticks on the clock's steps: a month by 5 days, written "5 d"
/// (never "138 h 53 min" or "120 h"), two minutes by 15 or 20 s, under a second as numbers.
#[wasm_bindgen_test]
fn time_axes_tick_on_the_clocks_steps() {
    use cloud_patterns_playground::charts::time_ticks;
    let day = 86_400_000.0;
    let month = time_ticks(30.0 * day, 8);
    assert_eq!(month[1], 5.0 * day, "{month:?}");
    assert_eq!(*month.last().unwrap(), 30.0 * day);
    // And they read in days: "5 d", not "120 h".
    let fmt = cloud_patterns_playground::charts::fmt_ms;
    assert_eq!(fmt(Lang::Es, month[1]), "5 d");
    assert_eq!(fmt(Lang::En, 10.5 * day), "10 d 12 h");
    let two_min = time_ticks(120_000.0, 6);
    assert_eq!(two_min[1], 20_000.0, "{two_min:?}");
    assert!(two_min.iter().all(|&t| t <= 120_000.0));
    assert_eq!(time_ticks(800.0, 4), vec![0.0, 200.0, 400.0, 600.0, 800.0]);
}

/// The buttons' icons are drawings, not emoji or rare symbols ("🔗", "🎲",
/// "⏭", "⏮", "⏸"), which show as empty boxes on machines without an emoji
/// font; on a phone the share buttons show their icon alone. Play turns into
/// pause while playing.
#[wasm_bindgen_test]
async fn the_buttons_icons_are_svg_drawings() {
    let (root, _h) = mount_page("tenacity");
    tick().await;
    for id in ["play", "step-back", "step", "new-seed", "copy-link"] {
        let button = q(&root, &format!("[data-testid={id}]")).expect(id);
        let icon = q(&button, ".icon[aria-hidden=true] > svg[viewBox]")
            .unwrap_or_else(|| panic!("{id}: an SVG icon"));
        assert!(
            q(&icon, "path, rect, circle").is_some(),
            "{id}: the icon draws something"
        );
        let text = button.text_content().unwrap();
        assert!(
            text.chars().all(|c| (c as u32) < 0x2300),
            "{id}: no emoji in {text:?}"
        );
    }
    let play = q(&root, "[data-testid=play]").unwrap();
    let drawing = |b: &Element| q(b, ".icon path").unwrap().get_attribute("d").unwrap();
    let paused = drawing(&play);
    play.unchecked_ref::<HtmlElement>().click();
    tick().await;
    assert_ne!(drawing(&play), paused, "playing, the icon is pause");
    play.unchecked_ref::<HtmlElement>().click();
    tick().await;
    assert_eq!(drawing(&play), paused);
}

/// A band's name that has no room after the band's start ends where the
/// shading ends instead: in half a phone, B's "orchestrator down" from
/// 0.5 s went unnamed until 4 s. Never so for a sliver of a band, whose
/// name would read as starting well before it.
#[wasm_bindgen_test]
fn a_band_too_late_for_its_name_is_named_back_from_its_end() {
    use cloud_patterns_playground::lab_page::verdict::verdict_svg;
    use engine::labs::run::{Verdict, VerdictBand};
    let ax = Axis {
        x_max_ms: 2_000.0,
        y_max: 200.0,
        now_ms: 2_000.0,
        runs_on_ms: None,
    };
    let chart = |from_ms: f64, to_ms: f64| {
        let d = Verdict {
            title_key: "ui.verdict_ended",
            unit_key: "ui.verdict_ended",
            whole: true,
            lines: vec![],
            bands: VerdictBand::all_of([(from_ms, to_ms, "choreo.outage.orchestrator")]),
            end_note: None,
        };
        verdict_svg(Lang::En, &d, ax, 172.0, 64.0)
    };
    let name_x = |svg: &str| -> Option<f64> {
        let at = svg.find(">orchestrator down<")?;
        attr_num(&svg[svg[..at].rfind("<text").unwrap()..at], "x")
    };
    let band_x = |svg: &str| -> f64 {
        let at = svg.find("verdict-band").unwrap();
        let rect = &svg[at..];
        attr_num(&rect[rect.find("<rect").unwrap()..], "x").unwrap()
    };
    let wide = chart(500.0, 4_000.0);
    let x = name_x(&wide).expect("the band named at 2 s");
    let from = band_x(&wide);
    assert!(
        x < from + 2.0,
        "ends at the plot's edge, so starts before the band's start + 2: {x} vs {from}"
    );
    assert!(x > 0.0, "inside the drawing: {x}");
    // A sliver at the end: unnamed rather than named from far before it.
    assert_eq!(name_x(&chart(1_900.0, 1_950.0)), None);
}

/// "ended at …" placed before the side's end (no room after it) goes where
/// the lines under it leave room: high when they lie low (it sat on CQRS A's
/// line at 0 for the whole run), low when they keep off the bottom.
#[wasm_bindgen_test]
fn the_ended_label_keeps_off_the_lines() {
    use cloud_patterns_playground::lab_page::verdict::verdict_svg;
    use engine::labs::run::{Tone, Verdict, VerdictLine};
    let line = |v: f64| VerdictLine {
        label_key: "ui.verdict_ended",
        tone: Tone::Neutral,
        dashed: false,
        points: (0..=100).map(|i| (i as f64 * 9.9, v)).collect(),
    };
    let ax = Axis {
        x_max_ms: 1_000.0,
        y_max: 10.0,
        now_ms: 1_000.0,
        runs_on_ms: Some(990.0),
    };
    let y_of = |svg: &str| -> f64 {
        let at = svg
            .find("data-testid=\"verdict-ended\"")
            .expect("the label");
        let tag = &svg[svg[..at].rfind("<text").unwrap()..at];
        let y = tag.split("y=\"").nth(1).unwrap().split('"').next().unwrap();
        y.parse().unwrap()
    };
    let chart = |v: f64| {
        let d = Verdict {
            title_key: "ui.verdict_ended",
            unit_key: "ui.verdict_ended",
            whole: false,
            lines: vec![line(v)],
            bands: vec![],
            end_note: None,
        };
        verdict_svg(Lang::En, &d, ax, 300.0, 100.0)
    };
    let (low_line, high_line) = (y_of(&chart(0.0)), y_of(&chart(9.0)));
    assert!(low_line < 50.0, "a line at 0: the label high ({low_line})");
    assert!(
        high_line > 50.0,
        "a line up high: the label low ({high_line})"
    );
}

/// "ended at …" of a side that ended early in a narrow chart (no room after
/// its end, none before it either) stays inside the drawing: in half a phone
/// a run that ended at 146 ms of 4 s read "; 146 ms", cut at the left edge.
#[wasm_bindgen_test]
fn the_ended_label_never_runs_off_the_left_edge() {
    use cloud_patterns_playground::lab_page::verdict::verdict_svg;
    use engine::labs::run::{Tone, Verdict, VerdictLine};
    let d = Verdict {
        title_key: "ui.verdict_ended",
        unit_key: "ui.verdict_ended",
        whole: false,
        lines: vec![VerdictLine {
            label_key: "ui.verdict_ended",
            tone: Tone::Neutral,
            dashed: false,
            points: vec![(0.0, 0.0), (146.0, 1.0)],
        }],
        bands: vec![],
        end_note: None,
    };
    let ax = Axis {
        x_max_ms: 4_000.0,
        y_max: 1.0,
        now_ms: 4_000.0,
        runs_on_ms: Some(146.0),
    };
    let svg = verdict_svg(Lang::Pt, &d, ax, 120.0, 100.0);
    let at = svg
        .find("data-testid=\"verdict-ended\"")
        .expect("the label");
    let tag = &svg[svg[..at].rfind("<text").unwrap()..at];
    let attr = |name: &str| -> f64 { attr_num(tag, name).unwrap() };
    let text = &svg[at..];
    let text = &text[text.find('>').unwrap() + 1..text.find("</text>").unwrap()];
    let width = cloud_patterns_playground::markup::text_width(text, 10.0);
    let x = attr("x");
    if tag.contains("text-anchor=\"end\"") {
        // Clear of the y axis' numbers (the plot starts 30 px in).
        assert!(
            x - width >= 29.0 && x <= 120.0,
            "{text:?} from {} to {x}",
            x - width
        );
    } else {
        assert!(x >= 29.0 && x + width <= 120.0, "{text:?} at {x}");
    }
}

/// Before the run, a mini-chart's empty plot says what fills it: "Press ▶
/// Play to draw the run", or the button's name alone where the sentence does
/// not fit (half a phone). Once the run has points, it is gone.
#[wasm_bindgen_test]
fn before_the_run_the_mini_chart_says_press_play() {
    use cloud_patterns_playground::lab_page::verdict::verdict_svg;
    let view = view_of("storm_jitter");
    let ax = Axis {
        x_max_ms: 60_000.0,
        y_max: 0.0,
        now_ms: 0.0,
        runs_on_ms: None,
    };
    let d = view.run.with_value(|r| r.verdict(0));
    let wide = verdict_svg(Lang::En, &d, ax, 440.0, 100.0);
    assert!(
        wide.contains(">Press ▶ Play to draw the run</text>"),
        "{wide}"
    );
    let narrow = verdict_svg(Lang::Es, &d, ax, 160.0, 100.0);
    assert!(narrow.contains(">▶ Reproducir</text>"), "{narrow}");
    advance(view, Some(20_000));
    let d = view.run.with_value(|r| r.verdict(0));
    let drawn = verdict_svg(
        Lang::En,
        &d,
        Axis {
            now_ms: 20_000.0,
            ..ax
        },
        440.0,
        100.0,
    );
    assert!(!drawn.contains("verdict-press-play"), "{drawn}");
}

/// A share short of all never reads "100 %", nor a sliver "0 %": against a
/// 99.9 % target, a month with 7 minutes down read "100 %".
#[wasm_bindgen_test]
fn percentages_short_of_all_never_read_100() {
    use cloud_patterns_playground::charts::fmt_percent;
    assert_eq!(fmt_percent(Lang::En, 1.0), "100 %");
    assert_eq!(fmt_percent(Lang::En, 0.0), "0 %");
    assert_eq!(fmt_percent(Lang::En, 0.246), "24.6 %");
    assert_eq!(fmt_percent(Lang::En, 0.99), "99.0 %");
    assert_eq!(fmt_percent(Lang::Es, 0.999821), "99,98 %");
    assert_eq!(fmt_percent(Lang::En, 0.99999), "99.999 %");
    assert_eq!(fmt_percent(Lang::En, 0.0004), "0.04 %");
}

/// Tiny axis values keep two significant digits: at a month's start the
/// allowance axis read "0", "0", "0.001" (minutes), two ticks alike.
#[wasm_bindgen_test]
fn small_ticks_keep_two_significant_digits_and_never_repeat() {
    use cloud_patterns_playground::charts::{fmt_number, nice_ticks};
    assert_eq!(fmt_number(Lang::En, 0.0005), "0.0005");
    assert_eq!(fmt_number(Lang::En, 0.025), "0.025");
    assert_eq!(fmt_number(Lang::Es, 0.00025), "0,00025");
    assert_eq!(fmt_number(Lang::En, 0.5), "0.5");
    for max in [0.000_43, 0.000_9, 0.002, 0.03, 0.7, 7.0] {
        let (_, ticks) = nice_ticks(max, 2);
        let labels: Vec<String> = ticks.iter().map(|&v| fmt_number(Lang::En, v)).collect();
        for (i, a) in labels.iter().enumerate() {
            assert!(!labels[i + 1..].contains(a), "{max}: {labels:?}");
        }
    }
}

/// The stage cards' y axis sits close over the peak: a rejoin's 503
/// registrations drew on an axis to 1,000, the lines in its lower half.
#[wasm_bindgen_test]
fn the_verdict_axis_keeps_the_lines_in_its_upper_half() {
    use cloud_patterns_playground::lab_page::verdict::verdict_ticks;
    assert_eq!(
        verdict_ticks(503.0, true),
        (600.0, vec![0.0, 200.0, 400.0, 600.0])
    );
    assert_eq!(verdict_ticks(100.0, false).0, 100.0);
    assert_eq!(verdict_ticks(3.0, true), (3.0, vec![0.0, 1.0, 2.0, 3.0]));
    assert_eq!(verdict_ticks(0.0, false).0, 1.0);
    for peak in [
        0.7, 3.0, 17.0, 49.0, 51.0, 140.0, 503.0, 999.0, 1_234.0, 77_000.0,
    ] {
        for whole in [false, true] {
            let (top, ticks) = verdict_ticks(peak, whole);
            assert!(top >= peak && peak > top / 2.0 - 1e-9, "{peak}: {top}");
            assert!((2..=4).contains(&ticks.len()), "{peak}: {ticks:?}");
        }
    }
}

/// A provisional key figure says so in words beside its italics ("so far"):
/// a phone has no tooltip, and the table's note is far below the cards.
#[wasm_bindgen_test]
fn provisional_key_figures_say_so_far() {
    use cloud_patterns_playground::lab_page::metrics::key_figures_markup;
    let view = availability_view("month");
    let root = container();
    view.run.update_value(|r| {
        r.run_to(engine::SimTime::from_ms(5 * 86_400_000), u64::MAX);
    });
    for (lang, word) in [
        (Lang::En, "so far"),
        (Lang::Es, "hasta ahora"),
        (Lang::Pt, "até agora"),
    ] {
        root.set_inner_html(&view.run.with_value(|r| key_figures_markup(r, 0, lang)));
        let provisional = root.query_selector_all("dd.provisional").unwrap();
        assert!(
            provisional.length() > 0,
            "mid-month, some figure is provisional"
        );
        for i in 0..provisional.length() {
            let dd: Element = provisional.item(i).unwrap().unchecked_into();
            let said = q(&dd, ".key-so-far").and_then(|e| e.text_content());
            assert_eq!(said.as_deref(), Some(word), "{:?}", dd.text_content());
        }
        // Only the provisional ones.
        assert_eq!(count(&root, ".key-so-far"), provisional.length());
    }
    view.run.update_value(|r| {
        r.run_to_end(u64::MAX);
    });
    root.set_inner_html(&view.run.with_value(|r| key_figures_markup(r, 0, Lang::En)));
    assert_eq!(count(&root, ".key-so-far"), 0);
}

/// Beside another side, a card's summary sets what the other has not in
/// bold: on a phone the only difference between A's and B's summaries sat at
/// the end of four lines. Escaped like any text; nothing bold alone, or when
/// no part is shared.
#[wasm_bindgen_test]
fn a_cards_summary_bolds_what_the_other_side_has_not() {
    use cloud_patterns_playground::lab_page::summary_markup;
    assert_eq!(
        summary_markup(
            "Warm backup · resync before serving · fenced",
            Some("Warm backup · rejoins at once · fenced")
        ),
        "Warm backup · <strong class=\"differs\">resync before serving</strong> · fenced"
    );
    assert_eq!(summary_markup("a · b", None), "a · b");
    assert_eq!(summary_markup("a · b", Some("a · b")), "a · b");
    assert_eq!(
        summary_markup("CRUD · one store", Some("CQRS · a queue")),
        "CRUD · one store"
    );
    assert_eq!(
        summary_markup("a · x<y", Some("a · z")),
        "a · <strong class=\"differs\">x&lt;y</strong>"
    );
}

/// In the compact embed a guide text has its `.compact` variant where the
/// catalogue has one: the embed has no "Where is order #N?" (nor its "The most
/// telling order"), and event_lost's caption sent the reader there. Elsewhere,
/// and where there is none, the text.
#[wasm_bindgen_test]
fn the_compact_embed_takes_a_captions_compact_variant() {
    use cloud_patterns_playground::lab_page::guide::guide_text;
    let key = "preset.choreography.event_lost.moment.2";
    let window = web_sys::window().unwrap();
    let history = window.history().unwrap();
    let was = window.location().href().unwrap();
    let full = guide_text(Lang::En, key);
    assert!(full.contains("The most telling order"), "{full}");
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("?embed=1"))
        .unwrap();
    let compact = guide_text(Lang::En, key);
    let es = guide_text(Lang::Es, key);
    let plain = guide_text(Lang::En, "preset.choreography.event_lost.moment.1");
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&was))
        .unwrap();
    assert!(
        !compact.contains("most telling") && compact.contains("stuck"),
        "{compact}"
    );
    assert!(es.contains("atascado") && !es.contains("revelador"), "{es}");
    assert_eq!(
        plain,
        engine::i18n::t(Lang::En, "preset.choreography.event_lost.moment.1")
    );
}

/// "ended at …" sits at the height fewest lines cross under it (in half a
/// phone, a replica card's label lay low across an at-risk line that came
/// and went, where high only the done line's one climb crossed it).
#[wasm_bindgen_test]
fn the_ended_label_finds_a_height_no_line_crosses() {
    use cloud_patterns_playground::lab_page::verdict::verdict_svg;
    use engine::labs::run::{Tone, Verdict, VerdictLine};
    let line = |label_key: &'static str, points: Vec<(f64, f64)>| VerdictLine {
        label_key,
        tone: Tone::Neutral,
        dashed: false,
        points,
    };
    // Done at the top; at risk between 0 and a third of the axis; the end at 15.43 s of 16.43 s.
    let wavy: Vec<(f64, f64)> = (0..=154)
        .map(|i| (i as f64 * 100.0, if i % 4 < 2 { 0.0 } else { 13.0 }))
        .collect();
    let d = Verdict {
        title_key: "",
        unit_key: "",
        whole: true,
        lines: vec![
            line("a", vec![(0.0, 0.0), (1_000.0, 40.0), (15_430.0, 40.0)]),
            line("b", wavy),
        ],
        bands: vec![],
        end_note: None,
    };
    let ax = Axis {
        x_max_ms: 16_430.0,
        y_max: 40.0,
        now_ms: 16_430.0,
        runs_on_ms: Some(15_430.0),
    };
    let root = container();
    root.set_inner_html(&format!(
        "<svg xmlns='http://www.w3.org/2000/svg' width='180' height='100'>{}</svg>",
        verdict_svg(Lang::Es, &d, ax, 180.0, 100.0)
    ));
    let y: f64 = q(&root, "[data-testid=verdict-ended]")
        .unwrap()
        .get_attribute("y")
        .unwrap()
        .parse()
        .unwrap();
    // Plot from 8 to 84 px: 40 at 8, 13 at about 59, 0 at 84. Not low (across 0–13).
    assert!(y < 50.0, "ended label at y {y}");
}

/// In one row of the metrics table every share takes the same decimals
/// (A's, B's, theory's): mid-month A read "99.5 %" beside B's "99.98 %".
/// "0 %" and "100 %" stay whole: they are exact.
#[wasm_bindgen_test]
fn shares_in_one_row_take_the_same_decimals() {
    use cloud_patterns_playground::charts::{fmt_percent, fmt_percent_to};
    use cloud_patterns_playground::lab_page::metrics::metrics_markup;
    assert_eq!(fmt_percent_to(Lang::En, 0.995, 2), "99.50 %");
    assert_eq!(fmt_percent_to(Lang::Es, 0.995, 3), "99,500 %");
    assert_eq!(fmt_percent_to(Lang::En, 1.0, 2), "100 %");
    assert_eq!(fmt_percent(Lang::En, 0.995), "99.5 %");
    let view = availability_view("month");
    let root = container();
    let (mut rows_checked, mut widened) = (0, 0);
    for day in [2u64, 5, 9, 14, 21, 30] {
        view.run.update_value(|r| {
            r.run_to(engine::SimTime::from_ms(day * 86_400_000), u64::MAX);
        });
        root.set_inner_html(&view.run.with_value(|r| metrics_markup(r, Lang::En)));
        let rows = root.query_selector_all("tr[data-metric]").unwrap();
        for i in 0..rows.length() {
            let tr: Element = rows.item(i).unwrap().unchecked_into();
            let cells = tr.query_selector_all(".measured, .theory > .mono").unwrap();
            let texts: Vec<String> = (0..cells.length())
                .map(|j| cells.item(j).unwrap().text_content().unwrap_or_default())
                .filter(|t| t.ends_with('%') && t != "0 %" && t != "100 %")
                .collect();
            if texts.len() < 2 {
                continue;
            }
            rows_checked += 1;
            let decimals = |t: &String| {
                t.trim_end_matches(" %")
                    .split('.')
                    .nth(1)
                    .map_or(0, str::len)
            };
            let first = decimals(&texts[0]);
            assert!(
                texts.iter().all(|t| decimals(t) == first),
                "day {day}: {texts:?}"
            );
            // Some share got more decimals than it alone would have.
            widened += texts
                .iter()
                .filter(|t| {
                    let v: f64 = t.trim_end_matches(" %").parse().unwrap();
                    fmt_percent(Lang::En, v / 100.0).len() < t.len()
                })
                .count();
        }
    }
    assert!(
        rows_checked > 0 && widened > 0,
        "{rows_checked} rows, {widened} widened"
    );
}

/// Many bands, of two kinds (availability's jumpy side: a crash and a false
/// alarm every few seconds): the crash keeps its name, a false alarm is
/// named once where there is room, no name is repeated, no two overlap and
/// none runs past the plot's right edge.
#[wasm_bindgen_test]
async fn band_names_never_overlap_and_the_crash_keeps_its_name() {
    let run = availability_view("aggressive_timeout");
    run.run.update_value(|r| {
        r.run_to_end(u64::MAX);
    });
    let data = run.run.with_value(|r| r.verdict(0));
    assert!(data.bands.len() > 5, "{}", data.bands.len());
    let axis = run.run.with_value(|r| Axis {
        x_max_ms: r.time_domain_ms(),
        y_max: r.verdict(0).peak().max(r.verdict(1).peak()),
        now_ms: r.time_domain_ms(),
        runs_on_ms: None,
    });
    let (root, _m) = verdict_chart_at(data.clone(), axis, 460).await;
    let names: Vec<(String, web_sys::DomRect)> = {
        let list = root
            .query_selector_all(".verdict-band-labels text")
            .unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .map(|n| {
                let e: Element = n.unchecked_into();
                (
                    e.text_content().unwrap_or_default(),
                    e.get_bounding_client_rect(),
                )
            })
            .collect()
    };
    assert!(
        names.iter().any(|(t, _)| t == "primary crashed"),
        "{names:?}"
    );
    assert!(
        names.iter().any(|(t, _)| t == "false alarm"),
        "{:?}",
        names.iter().map(|n| &n.0).collect::<Vec<_>>()
    );
    // Each name once: the shading of the other bands says the rest.
    let mut texts: Vec<&String> = names.iter().map(|n| &n.0).collect();
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), names.len(), "a name repeated: {texts:?}");
    let plot = q(&root, "svg.verdict-svg")
        .unwrap()
        .get_bounding_client_rect();
    for (i, (t, a)) in names.iter().enumerate() {
        assert!(a.right() <= plot.right() + 0.5, "{t} runs past the edge");
        for (u, b) in &names[i + 1..] {
            assert!(
                a.right() <= b.left() + 0.5 || b.right() <= a.left() + 0.5,
                "{t} and {u} overlap"
            );
        }
    }
}

/// Side A's verdict chart of `data` on `axis`, `width` px wide, drawn and
/// settled; keep the handle while reading it.
async fn verdict_chart_at(
    data: engine::labs::run::Verdict,
    axis: Axis,
    width: u32,
) -> (HtmlElement, impl Drop) {
    let root = container();
    root.set_attribute("style", &format!("width: {width}px"))
        .unwrap();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <VerdictChart data=Signal::stored(data.clone()) axis=Signal::stored(axis) lang=Signal::stored(Lang::En) side="A" /> }
    });
    for _ in 0..10 {
        tick().await;
        sleep(20).await;
    }
    (root, handle)
}

/// A band's name sits on its latest stretch that has room: the month's
/// "primary crashed" sat on day 1 while, at the moment on day 12, the
/// primary was down by the clock and nothing named it there.
#[wasm_bindgen_test]
async fn a_band_is_named_on_its_latest_stretch() {
    let view = availability_view("month");
    let p = engine::labs::availability::presets::all()
        .into_iter()
        .find(|p| p.id == "month")
        .unwrap();
    let at = p.moments[1].at_ms;
    view.run.update_value(|r| {
        r.run_until(SimTime::from_ms(at), u64::MAX);
    });
    let data = view.run.with_value(|r| r.verdict(0));
    assert_eq!(data.bands.len(), 3, "three crashes by day 12");
    let axis = view.run.with_value(|r| Axis {
        x_max_ms: r.time_domain_ms(),
        y_max: r.verdict(0).peak().max(r.verdict(1).peak()),
        now_ms: at as f64,
        runs_on_ms: None,
    });
    let (root, _m) = verdict_chart_at(data.clone(), axis, 640).await;
    let names = root
        .query_selector_all(".verdict-band-labels text")
        .unwrap();
    assert_eq!(names.length(), 1);
    let name: Element = names.item(0).unwrap().unchecked_into();
    assert_eq!(name.text_content().as_deref(), Some("primary crashed"));
    // Its x is the latest crash's start (day 12), 2 px on.
    let x: f64 = name.get_attribute("x").unwrap().parse().unwrap();
    let rects = root.query_selector_all(".verdict-band rect").unwrap();
    let last: Element = rects.item(rects.length() - 1).unwrap().unchecked_into();
    let band_x: f64 = last.get_attribute("x").unwrap().parse().unwrap();
    assert!(
        (x - band_x - 2.0).abs() < 0.2,
        "name at {x}, latest crash at {band_x}"
    );
    let first: Element = rects.item(0).unwrap().unchecked_into();
    let first_x: f64 = first.get_attribute("x").unwrap().parse().unwrap();
    assert!(
        band_x > first_x + 100.0,
        "day 12 is far right of day 1: {band_x} vs {first_x}"
    );
    root.remove();
}

/// A factor or a plain number in the metrics table keeps about three significant
/// digits: "×207" rather than "×207,44", "×20,7", "×1,45"; thousands grouped.
#[wasm_bindgen_test]
fn metric_numbers_keep_three_significant_digits() {
    use cloud_patterns_playground::lab_page::metrics::fmt_value;
    use engine::labs::run::MetricValue::{Factor, Number};
    let cases = [
        (Lang::Es, Factor(207.44), "×207"),
        (Lang::Es, Factor(20.744), "×20,7"),
        (Lang::Es, Factor(1.4549), "×1,45"),
        (Lang::Es, Factor(9.996), "×10,0"),
        (Lang::Es, Factor(99.96), "×100"),
        (Lang::En, Factor(1234.4), "×1,234"),
        (Lang::En, Number(0.5), "0.50"),
        (Lang::Pt, Number(-12.34), "−12,3"),
        (Lang::En, Factor(0.0), "×0"),
        (Lang::Es, Number(0.0), "0"),
        (Lang::En, Number(-250.4), "−250"),
    ];
    for (lang, value, want) in cases {
        assert_eq!(fmt_value(lang, value), want, "{value:?} in {lang:?}");
    }
}

/// A row's shares take the decimals the most precise of them needs, theory
/// included only where it is shown (the key figures leave out a theory whose
/// assumptions do not hold), and at most two for the row: a theory of
/// "99.9999 %" padded a measured 0.2455 to "24.5500 %"; it keeps its own.
#[wasm_bindgen_test]
fn a_theory_not_shown_adds_no_decimals() {
    use cloud_patterns_playground::lab_page::metrics::row_decimals;
    use engine::labs::run::{MetricRow, MetricValue, Theory};
    let theory = |caveat| Theory {
        value: MetricValue::Ratio(0.999999),
        formula_key: "retry.theory.success",
        formula_args: vec![],
        caveat_key: caveat,
    };
    let row = |caveat| {
        MetricRow::new("success_rate", "x", "y", MetricValue::Ratio(0.2455))
            .with_theory(Some(theory(caveat)))
    };
    let (held, broken) = (row(None), row(Some("retry.theory.caveat_outage")));
    assert_eq!(row_decimals([Some(&held)], |_| true), 2);
    assert_eq!(
        row_decimals([Some(&broken)], |_| true),
        2,
        "the table shows it"
    );
    assert_eq!(
        row_decimals([Some(&broken)], |th| th.caveat_key.is_none()),
        1
    );
    assert_eq!(row_decimals([Some(&held)], |th| th.caveat_key.is_none()), 2);
    // Each value as the row says it, theory with the decimals it needs.
    use cloud_patterns_playground::lab_page::metrics::fmt_value_to;
    assert_eq!(
        fmt_value_to(Lang::En, MetricValue::Ratio(0.2455), 2),
        "24.55 %"
    );
    assert_eq!(
        fmt_value_to(Lang::En, MetricValue::Ratio(0.999999), 2),
        "99.9999 %"
    );
}

/// The numbers a preset's guide names sit under each card's mini-chart (the
/// metrics table is screens below): CRUD against CQRS shows what the split
/// buys (command and query times) beside what it costs (stale and "not
/// found" answers), with the table's labels and values, the same labels on
/// A and B.
#[wasm_bindgen_test]
async fn each_card_shows_the_key_figures_its_guide_names() {
    let p = engine::labs::cqrs::presets::all()
        .into_iter()
        .find(|p| p.id == "crud_vs_cqrs")
        .unwrap();
    let root = container();
    let (config, seed) = (p.config.clone(), p.seed);
    let _h = leptos::mount::mount_to(root.clone(), move || {
        I18n::provide(Lang::En);
        view! { <cloud_patterns_playground::labs::cqrs::CqrsLab config=config.clone() seed=seed /> }
    });
    tick().await;
    seek_to_end_until(&root, "[data-testid=finished]").await;
    assert!(
        q(&root, "[data-testid=finished]").is_some(),
        "the run reached its end"
    );
    tick().await;
    let figures = |side: &str| -> Vec<(String, String, String)> {
        let list = root
            .query_selector_all(&format!(
                ".key-figures-top [data-testid=key-figures-{side}] > div"
            ))
            .unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .map(|n| {
                let e: Element = n.unchecked_into();
                let text = |sel: &str| {
                    q(&e, sel)
                        .and_then(|x| x.text_content())
                        .unwrap_or_default()
                };
                (
                    e.get_attribute("data-metric").unwrap(),
                    text("dt"),
                    text("dd"),
                )
            })
            .collect()
    };
    let (a, b) = (figures("A"), figures("B"));
    let keys: Vec<&str> = a.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        keys,
        [
            "command_p95_ms",
            "query_p95_ms",
            "stale_reads",
            "not_found_reads"
        ]
    );
    assert_eq!(
        a.iter().map(|f| &f.1).collect::<Vec<_>>(),
        b.iter().map(|f| &f.1).collect::<Vec<_>>(),
        "the same labels on both cards"
    );
    assert_eq!(a[0].1, "Command time, p95");
    assert_eq!(a[2].1, "Stale answers");
    // Each value is the table's, on its side.
    for (side, figs) in [("a", &a), ("b", &b)] {
        for (key, _, value) in figs.iter() {
            let cell = q(
                &root,
                &format!("[data-testid=metrics] tr[data-metric={key}] [data-testid^=metric-{side}-] .measured"),
            )
            .and_then(|c| c.text_content())
            .unwrap_or_default();
            assert_eq!(value, &cell, "{side}: {key}");
        }
    }
    // The lesson reads off the cards: B's commands are faster, and B alone
    // answered stale.
    let ms = |s: &str| s.trim_end_matches(" ms").parse::<f64>().unwrap();
    assert!(ms(&b[0].2) < ms(&a[0].2), "{} vs {}", b[0].2, a[0].2);
    assert_eq!(a[2].2, "0");
    assert_ne!(b[2].2, "0");
    // A row of the card's own (shared by both cards, so level across them),
    // not inside the chart's box, once (a phone shows the same row).
    assert!(q(
        &root,
        "[data-side=A] > .key-figures-top [data-testid=key-figures-A]"
    )
    .is_some());
    assert_eq!(count(&root, "[data-testid=key-figures-B]"), 1);
    assert!(q(&root, ".verdict-wrap .key-figures").is_none());
    // Final at the end: none in italics.
    assert!(q(&root, ".key-figures dd.provisional").is_none());
}

/// Before the run starts every key figure is "–": they are marked so (a
/// phone leaves them out, for the lab's drawing), on both sides, even where
/// a side's own end lies ahead (the retry lab's arrival window), and no
/// longer once the clock has moved.
#[wasm_bindgen_test]
async fn key_figures_are_marked_not_started_until_the_clock_moves() {
    let (root, _h) = mount_page("storm_jitter");
    tick().await;
    assert_eq!(count(&root, ".key-figures"), 2);
    assert_eq!(count(&root, ".key-figures.not-started"), 2);
    seek_to_end_until(&root, "[data-testid=finished]").await;
    tick().await;
    assert_eq!(count(&root, ".key-figures"), 2);
    assert_eq!(count(&root, ".key-figures.not-started"), 0);
}

/// The compact embed's 40 px plot keeps its numbers apart: two steps, not
/// three ("15 10 5 0" read as one column), and still over the peak.
#[wasm_bindgen_test]
fn a_short_verdict_plot_keeps_its_numbers_apart() {
    use cloud_patterns_playground::lab_page::verdict::{verdict_ticks_in, H_COMPACT};
    let plot_h = H_COMPACT - 24.0;
    for peak in [0.7, 3.0, 14.0, 17.0, 49.0, 503.0, 77_000.0] {
        for whole in [false, true] {
            let (top, ticks) = verdict_ticks_in(peak, whole, plot_h);
            assert!(top >= peak, "{peak}: {top}");
            assert!(ticks.len() <= 3, "{peak}: {ticks:?}");
            let gap = plot_h / (ticks.len() - 1) as f64;
            assert!(gap >= 16.0, "{peak}: {ticks:?} {gap} px apart");
        }
    }
    // A full-size plot keeps its three steps where they sit closer over the peak.
    assert_eq!(verdict_ticks_in(14.0, true, 76.0).1.len(), 4);
}

/// In the embed the key figures run on one line with a thin rule between
/// them; a wrapped line no longer starts with a stray rule (availability's
/// "| Downtime 32 min 6 s"): every rule at a line's start is clipped off.
#[wasm_bindgen_test]
fn a_wrapped_line_of_key_figures_starts_without_a_rule() {
    let root = container();
    let figures: String = [
        "Time a registration backend served",
        "Downtime",
        "Time to detect a crash",
        "False alarms",
        "Failovers",
    ]
    .iter()
    .map(|dt| format!("<div><dt>{dt}</dt><dd>99.82 %</dd></div>"))
    .collect();
    root.set_inner_html(&format!(
        "<style>{}{}</style><div class=\"lab compact\" style=\"width: 330px\"><dl class=\"key-figures\">{figures}</dl></div>",
        include_str!("../style/main.css"),
        include_str!("../style/lab-page.css")
    ));
    let dl = q(&root, "dl").unwrap().get_bounding_client_rect();
    let items: Vec<web_sys::DomRect> = root
        .query_selector_all("dl > div")
        .unwrap()
        .values()
        .into_iter()
        .map(|n| {
            n.unwrap()
                .unchecked_into::<Element>()
                .get_bounding_client_rect()
        })
        .collect();
    let lines: std::collections::BTreeSet<i64> =
        items.iter().map(|r| r.top().round() as i64).collect();
    assert!(lines.len() >= 2, "the figures wrap at 330 px: {lines:?}");
    for (i, r) in items.iter().enumerate() {
        let first_on_its_line = !items[..i].iter().any(|o| (o.top() - r.top()).abs() < 1.0);
        if first_on_its_line {
            assert!(
                r.left() < dl.left(),
                "figure {i}: its rule at {} inside the list's edge {}",
                r.left(),
                dl.left()
            );
        } else {
            assert!(
                r.left() > dl.left(),
                "figure {i}: its rule is clipped mid-line"
            );
        }
    }
    root.remove();
}

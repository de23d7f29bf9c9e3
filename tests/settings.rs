//! Component test of every lab's settings, in headless Chromium: each number
//! field's own range is what the engine accepts. A field that lets through a
//! value the engine then refuses (workers 0, replication 0) gets the engine's
//! message, which names a config path (`client.workers must be between 1
//! and 256`), not the label the reader sees; a field narrower than the engine
//! refuses what a link may hold. Every preset of every lab is mounted, each
//! field set to its own minimum and maximum: neither the field nor the engine
//! may refuse it as out of range, and put back, nothing may be left said.
//! On each lab's first preset, the fields a choice or a tick box shows are
//! swept too, each option in turn.
#![cfg(target_arch = "wasm32")]

mod common;

use cloud_patterns_playground::i18n::I18n;
use cloud_patterns_playground::labs::{
    availability::AvailabilityLab, choreography::ChoreographyLab, cqrs::CqrsLab,
    replica::ReplicaLab, retry::RetryLab,
};
use engine::Lang;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

use common::container;

fn all(root: &Element, sel: &str) -> Vec<Element> {
    let list = root.query_selector_all(sel).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into())
        .collect()
}

/// What is said under any field (its own refusal or the engine's errors),
/// leaving out a run's size, which the other fields decide.
fn notes(root: &Element) -> Vec<String> {
    all(
        root,
        "[data-testid=field-error], [data-testid=field-not-applied] li",
    )
    .into_iter()
    .filter_map(|e| e.text_content())
    .filter(|t| {
        !t.contains("too much work")
            && !t.contains("more than the")
            && !t.contains("too many for one run")
    })
    .collect()
}

/// Whether a note says the engine refused the very number typed (`typed`,
/// shown in the field's unit: %, s or ms), as out of its range: the field's
/// range and the engine's then differ. Another field's range that this one
/// moves (a node number beyond the nodes left) is not this field's.
fn engine_refused(note: &str, typed: &str) -> bool {
    let (Some(_), Some(got)) = (note.find("must be between"), note.rsplit("got ").next()) else {
        return false;
    };
    let (Ok(got), Ok(typed)) = (
        got.trim().replace(',', "").parse::<f64>(),
        typed.parse::<f64>(),
    ) else {
        return false;
    };
    [1.0, 1000.0, 0.001, 0.01, 100.0]
        .iter()
        .any(|k| (got - typed * k).abs() <= 1e-9 * got.abs().max(1.0))
}

async fn set(input: &HtmlInputElement, v: &str) {
    input.set_value(v);
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    // The change, the run's errors, the notes' owners, the notes: an effect
    // each, one tick apart.
    for _ in 0..4 {
        tick().await;
    }
    // And back to the browser's loop now and then: the driver gives up on a
    // page that never yields for 30 s.
    common::sleep(0).await;
}

/// Sets each number field of the mounted lab to its minimum, then its
/// maximum, putting it back after each; returns what was said.
async fn try_bounds(lab: &str, preset: &str, root: &Element) -> Vec<String> {
    try_fields(lab, preset, root, all(root, ".field")).await
}

/// As [`try_bounds`], for the fields a choice or a tick shows: each option of
/// each choice, and each tick box flipped, one at a time, then the fields
/// that appeared (a normal shape's spread, random crashes' MTTF, a budget's
/// tokens) swept, and the choice put back. A choice the engine refuses in
/// this config (rack-aware placement on one rack) is left out.
async fn try_revealed(lab: &str, preset: &str, root: &Element) -> (Vec<String>, usize) {
    let mut found = Vec::new();
    let mut swept = 0;
    let same = |a: &Element, b: &Element| a.is_same_node(Some(b));
    let mut i = 0;
    loop {
        let controls = all(root, ".field select, .field input[type=checkbox]");
        let Some(control) = controls.get(i).cloned() else {
            break;
        };
        i += 1;
        let values: Vec<String> = if control.tag_name() == "SELECT" {
            all(&control, "option")
                .iter()
                .filter_map(|o| o.get_attribute("value"))
                .collect()
        } else {
            vec!["flip".into()]
        };
        let select: Option<web_sys::HtmlSelectElement> = control.clone().dyn_into().ok();
        let tick_box: Option<HtmlInputElement> = control.clone().dyn_into().ok();
        let was = select.as_ref().map(|s| s.value());
        let choose = |v: &str| {
            if let Some(s) = &select {
                s.set_value(v);
            } else if let Some(b) = &tick_box {
                b.set_checked(!b.checked());
            }
            control
                .dispatch_event(&web_sys::Event::new("change").unwrap())
                .unwrap();
        };
        for v in values.iter().filter(|v| Some(*v) != was.as_ref()) {
            let before = all(root, ".field");
            choose(v);
            for _ in 0..4 {
                tick().await;
            }
            if notes(root).is_empty() {
                let new: Vec<Element> = all(root, ".field")
                    .into_iter()
                    .filter(|f| !before.iter().any(|b| same(b, f)))
                    .collect();
                let at = format!("{preset} with {v}");
                swept += new.len();
                found.extend(try_fields(lab, &at, root, new).await);
            }
            choose(was.as_deref().unwrap_or("flip"));
            for _ in 0..4 {
                tick().await;
            }
            let left = notes(root);
            if !left.is_empty() {
                found.push(format!("{lab}/{preset}: {v} put back still says {left:?}"));
                return (found, swept);
            }
        }
    }
    web_sys::console::log_1(
        &format!("{lab}/{preset}: {i} choices, {swept} fields they show").into(),
    );
    (found, swept)
}

async fn try_fields(lab: &str, preset: &str, root: &Element, fields: Vec<Element>) -> Vec<String> {
    let mut found = Vec::new();
    for field in fields {
        let Some(input) = field.query_selector("input.num").unwrap() else {
            continue;
        };
        let input: HtmlInputElement = input.unchecked_into();
        let label = field
            .query_selector("label")
            .unwrap()
            .and_then(|l| l.text_content())
            .unwrap_or_default();
        let was = input.value();
        for bound in ["min", "max"] {
            let Some(v) = input.get_attribute(&format!("aria-value{bound}")) else {
                continue;
            };
            set(&input, &v).await;
            // The field's own refusal of its own bound, or the engine's of
            // the number typed. (A rule between fields, such as an outage
            // that must end after it starts, is said by the engine under the
            // field and is right to be.)
            let refused = all(&field, "[data-testid=field-error]")
                .into_iter()
                .filter_map(|e| e.text_content())
                .filter(|t| {
                    !t.contains("is not possible here") && !t.contains("takes whole numbers only")
                });
            for said in refused.chain(notes(root).into_iter().filter(|n| engine_refused(n, &v))) {
                found.push(format!(
                    "{lab}/{preset}: “{label}” at its {bound} {v}: {said}"
                ));
            }
            set(&input, &was).await;
            // Put back, the field leaves the config as it was: a setter that
            // moved another field on the way (and left it there) is found
            // here. The rest of this preset would then be judged wrongly.
            let left = notes(root);
            if !left.is_empty() {
                found.push(format!(
                    "{lab}/{preset}: “{label}” put back to {was} still says {left:?}"
                ));
                return found;
            }
        }
    }
    found
}

async fn check<F, V>(lab: &str, presets: Vec<(String, F)>) -> Vec<String>
where
    F: FnOnce() -> V + 'static,
    V: IntoView + 'static,
{
    let mut found = Vec::new();
    let mut first = true;
    for (id, mount) in presets {
        let root = container();
        let handle = leptos::mount::mount_to(root.clone(), move || {
            I18n::provide(Lang::En);
            mount()
        });
        tick().await;
        found.extend(try_bounds(lab, &id, &root).await);
        // The fields a choice shows, on the first preset (the lab's own).
        if first {
            let (said, swept) = try_revealed(lab, &id, &root).await;
            found.extend(said);
            // Every lab has choices that show fields of their own.
            assert!(swept > 0, "{lab}/{id}: no choice showed a field");
            first = false;
        }
        drop(handle);
        root.remove();
    }
    found
}

/// One test per lab: every preset mounted, each number field swept.
macro_rules! sweep {
    ($test:ident, $lab:ident, $view:ident) => {
        #[wasm_bindgen_test]
        async fn $test() {
            let found = check(
                stringify!($lab),
                engine::labs::$lab::presets::all()
                    .into_iter()
                    .map(|p| {
                        let (c, s) = (p.config.clone(), p.seed);
                        (
                            p.id.to_string(),
                            move || view! { <$view config=c seed=s /> },
                        )
                    })
                    .collect(),
            )
            .await;
            assert!(
                found.is_empty(),
                "{} problems:\n{}",
                found.len(),
                found.join("\n")
            );
        }
    };
}

sweep!(
    retry_number_fields_take_what_the_engine_takes,
    retry,
    RetryLab
);
sweep!(
    choreography_number_fields_take_what_the_engine_takes,
    choreography,
    ChoreographyLab
);
sweep!(cqrs_number_fields_take_what_the_engine_takes, cqrs, CqrsLab);
sweep!(
    replica_number_fields_take_what_the_engine_takes,
    replica,
    ReplicaLab
);
sweep!(
    availability_number_fields_take_what_the_engine_takes,
    availability,
    AvailabilityLab
);

/// A field changes its own setting only. Retry's nodes lowered to 1 under
/// "bigfs" (node 2 down, retries to the next replica) turned the outage into
/// the whole service's and the retries to the same node, unsaid; now both
/// stay, and the engine's errors say why the run keeps its last settings.
/// Likewise a breaker's window no longer lowers its minimum calls.
#[wasm_bindgen_test]
async fn a_field_never_changes_another_unsaid() {
    use cloud_patterns_playground::controls::FieldFeedback;
    use cloud_patterns_playground::labs::retry::controls::RetryControls;
    use engine::labs::retry::config::{BreakerConfig, Target};
    use engine::validate::ConfigError;
    let p = engine::labs::retry::presets::find("bigfs").unwrap();
    let config = RwSignal::new(p.config.clone());
    config.update(|c| {
        c.strategy.breaker = Some(BreakerConfig {
            min_calls: 20,
            ..BreakerConfig::default()
        })
    });
    let errors = RwSignal::new(Vec::<ConfigError>::new());
    let root = container();
    let _h = leptos::mount::mount_to(root.clone(), move || {
        I18n::provide(Lang::En);
        // The lab page's check, here by hand: the engine's errors for the config.
        Effect::new(move |_| {
            let e = config.with(|c| engine::labs::retry::RetryRun::new(c, 1).err());
            errors.set(e.unwrap_or_default());
        });
        provide_context(FieldFeedback::new(errors));
        view! { <RetryControls config=config errors=errors /> }
    });
    tick().await;
    let input = |tid: &str| -> HtmlInputElement {
        root.query_selector(&format!("[data-testid={tid}] input.num"))
            .unwrap()
            .unwrap_or_else(|| panic!("{tid}"))
            .unchecked_into()
    };
    set(&input("nodes"), "1").await;
    let c = config.get_untracked();
    assert_eq!(c.service.nodes, 1);
    assert_eq!(
        c.service.outages[0].node,
        Some(2),
        "node 2 is still the one down"
    );
    assert_eq!(c.strategy.target, Target::NextReplica);
    let said = all(
        &root,
        "[data-testid=nodes] [data-testid=field-not-applied] li",
    )
    .into_iter()
    .filter_map(|e| e.text_content())
    .collect::<Vec<_>>()
    .join(" | ");
    // Each setting named by its field's label, never by a config path
    // (`service.outages[0].node`), here and at the panel's top.
    assert!(
        said.contains("“Node down (0 = all)”: the service has fewer nodes than that"),
        "{said}"
    );
    assert!(
        said.contains("“Where retries go”: trying the next replica needs at least 2 nodes"),
        "{said}"
    );
    let top = all(&root, "[data-testid=config-errors] li")
        .into_iter()
        .filter_map(|e| e.text_content())
        .collect::<Vec<_>>()
        .join(" | ");
    assert!(top.contains("“Node down (0 = all)”"), "{top}");
    assert!(
        !top.contains("service.") && !top.contains("strategy."),
        "{top}"
    );
    set(&input("nodes"), "3").await;
    assert!(errors.get_untracked().is_empty());
    // The breaker's window below its minimum calls: the minimum stays 20.
    let window = all(&root, ".field")
        .into_iter()
        .find(|f| {
            f.text_content()
                .unwrap_or_default()
                .starts_with("Sliding window")
        })
        .and_then(|f| f.query_selector("input.num").unwrap())
        .expect("the breaker's window field")
        .unchecked_into::<HtmlInputElement>();
    set(&window, "10").await;
    let b = config.get_untracked().strategy.breaker.unwrap();
    assert_eq!((b.window, b.min_calls), (10, 20));
    assert!(!errors.get_untracked().is_empty(), "the engine refuses it");
}

/// A bound another setting moves below the value is said at the value too:
/// availability's run shortened to 20 s with a crash at 30 s (it passed
/// silently, and the run counted 40 s of downtime after a 20 s load).
#[wasm_bindgen_test]
async fn a_value_beyond_a_bound_another_setting_moved_is_said() {
    use cloud_patterns_playground::controls::FieldFeedback;
    use cloud_patterns_playground::labs::availability::controls::AvailControls;
    use engine::labs::availability::config::AvailabilityConfig;
    use engine::validate::ConfigError;
    let config = RwSignal::new(AvailabilityConfig::default());
    let crash_s = config.with_untracked(|c| match &c.registration.crashes {
        engine::labs::availability::config::Crashes::Fixed { crashes } => crashes[0].at_ms / 1000,
        _ => panic!("the default has a fixed crash"),
    });
    let errors = RwSignal::new(Vec::<ConfigError>::new());
    let root = container();
    let _h = leptos::mount::mount_to(root.clone(), move || {
        I18n::provide(Lang::En);
        provide_context(FieldFeedback::new(errors));
        view! { <AvailControls config=config errors=errors /> }
    });
    tick().await;
    let crash = || {
        root.query_selector("[data-testid=crash-at]")
            .unwrap()
            .expect("the crash's time")
    };
    let said = || {
        crash()
            .query_selector("[data-testid=field-error]")
            .unwrap()
            .and_then(|e| e.text_content())
    };
    assert_eq!(said(), None);
    let duration: HtmlInputElement = root
        .query_selector("[data-testid=duration] input.num")
        .unwrap()
        .unwrap()
        .unchecked_into();
    set(&duration, &(crash_s - 10).to_string()).await;
    assert_eq!(
        said().as_deref(),
        Some(
            format!(
                "“Crashes at (no. 1)” is {crash_s} s: the other settings now allow at most {} s.",
                crash_s - 10
            )
            .as_str()
        )
    );
    let input = crash().query_selector("input.num").unwrap().unwrap();
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    set(&duration, &(crash_s + 10).to_string()).await;
    assert_eq!(said(), None);
    assert_eq!(input.get_attribute("aria-invalid"), None);
}

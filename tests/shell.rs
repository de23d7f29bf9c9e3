//! Component tests of the app shell in headless Chromium: the home page, the
//! generic controls, the player bar and the link-problem banner, mounted for
//! real and checked through the DOM.
#![cfg(target_arch = "wasm32")]

use cloud_patterns_playground::controls::NumberField;
use cloud_patterns_playground::home::Home;
use cloud_patterns_playground::i18n::I18n;
use cloud_patterns_playground::player::{Clock, PlayerBar};
use engine::Lang;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> web_sys::HtmlElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let div = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

async fn next_tick() {
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
async fn home_lists_five_labs_and_only_built_ones_link() {
    let root = container();
    let lang = RwSignal::new(Lang::En);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(I18n { lang });
        view! { <Home /> }
    });
    next_tick().await;
    let cards = root
        .query_selector_all("[data-testid=lab-list] > li")
        .unwrap();
    assert_eq!(cards.length(), 5);
    // Every lab has its page: none is coming.
    assert_eq!(
        root.query_selector_all(".lab-card.coming")
            .unwrap()
            .length(),
        0
    );
    for lab in ["retry", "choreography", "cqrs", "replica", "availability"] {
        assert!(
            root.query_selector(&format!("[data-testid=open-{lab}]"))
                .unwrap()
                .is_some(),
            "{lab} is a link"
        );
    }
    assert_eq!(
        root.query_selector_all(".lab-card.coming a")
            .unwrap()
            .length(),
        0
    );
    let link = root
        .query_selector("[data-testid=open-retry]")
        .unwrap()
        .expect("the retry lab is a link");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("retry.html#/en/retry")
    );
    let choreography = root
        .query_selector("[data-testid=open-choreography]")
        .unwrap()
        .expect("the choreography lab is a link");
    assert_eq!(
        choreography.get_attribute("href").as_deref(),
        Some("choreography.html#/en/choreography")
    );
    // Switching language rewrites titles and links.
    lang.set(Lang::Pt);
    next_tick().await;
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("retry.html#/pt/retry")
    );
    let text = root.text_content().unwrap();
    assert!(
        text.contains("Retentativas (Retry)") && text.contains("Disponibilidade"),
        "{text}"
    );
}

#[wasm_bindgen_test]
async fn number_field_shows_scaled_values_and_refuses_out_of_range_input() {
    let root = container();
    let value = RwSignal::new(0.5);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(I18n {
            lang: RwSignal::new(Lang::Es),
        });
        view! {
            <NumberField
                label="ctl.transient"
                help="help.transient"
                unit="unit.percent"
                value=value
                on_change=Callback::new(move |v| value.set(v))
                min=0.0
                max=1.0
                step=0.01
                scale=100.0
                testid="rate"
            />
        }
    });
    next_tick().await;
    let input: web_sys::HtmlInputElement = root
        .query_selector("[data-testid=rate] input.num")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(input.value(), "50");
    assert!(
        root.text_content()
            .unwrap()
            .contains("Tasa de fallo transitorio"),
        "label in Spanish"
    );
    // The label points at the input, and the help is its description.
    let label = root.query_selector("label").unwrap().unwrap();
    assert_eq!(label.get_attribute("for"), Some(input.id()));
    assert!(input.get_attribute("aria-describedby").is_some());
    // 500 % is refused, said under the field, and the typed text stays:
    // nothing silently clamped (it read 100 and ran 100).
    let change = |v: &str| {
        input.set_value(v);
        input
            .dispatch_event(&web_sys::Event::new("change").unwrap())
            .unwrap();
    };
    let message = || {
        root.query_selector("[data-testid=field-error]")
            .unwrap()
            .map(|e| e.text_content().unwrap_or_default())
    };
    change("500");
    next_tick().await;
    assert_eq!(value.get_untracked(), 0.5, "not applied");
    assert_eq!(input.value(), "500", "what was typed stays in the box");
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        message().as_deref(),
        Some("«Tasa de fallo transitorio» va de 0 a 100 %: 500 no se aplica; sigue en 50 %.")
    );
    // An empty box (or one holding no number: a number input then reads "")
    // is said too, never ignored.
    change("");
    next_tick().await;
    assert_eq!(value.get_untracked(), 0.5);
    let said = message().unwrap();
    assert!(said.contains("escribe un número"), "{said}");
    // A value in range is taken, and the message goes.
    change("40");
    next_tick().await;
    assert!((value.get_untracked() - 0.4).abs() < 1e-12);
    assert_eq!(message(), None);
    assert_eq!(input.get_attribute("aria-invalid"), None);
}

/// A value the setting cannot hold as typed (2.5 attempts, kept as 2) is
/// said; and an error the engine finds in the config after a change is said
/// under the field that was changed, not only at the panel's top.
#[wasm_bindgen_test]
async fn number_field_says_what_it_adjusted_and_what_was_not_applied() {
    use cloud_patterns_playground::controls::FieldFeedback;
    use engine::validate::{ConfigError, Problem};
    let root = container();
    let value = RwSignal::new(3.0);
    let errors = RwSignal::new(Vec::<ConfigError>::new());
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(I18n {
            lang: RwSignal::new(Lang::En),
        });
        provide_context(FieldFeedback::new(errors));
        view! {
            <NumberField
                label="ctl.max_attempts"
                help="help.max_attempts"
                value=value
                on_change=Callback::new(move |v: f64| value.set(v.trunc()))
                min=0.0
                max=10.0
                testid="attempts"
            />
            <NumberField
                label="ctl.transient"
                help="help.transient"
                value=RwSignal::new(0.1)
                on_change=Callback::new(|_| {})
                min=0.0
                max=1.0
                testid="other"
            />
        }
    });
    next_tick().await;
    let input = |tid: &str| -> web_sys::HtmlInputElement {
        root.query_selector(&format!("[data-testid={tid}] input.num"))
            .unwrap()
            .unwrap()
            .unchecked_into()
    };
    let text_in = |tid: &str, sel: &str| {
        root.query_selector(&format!("[data-testid={tid}] {sel}"))
            .unwrap()
            .map(|e| e.text_content().unwrap_or_default())
    };
    let attempts = input("attempts");
    attempts.set_value("2.5");
    attempts
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    next_tick().await;
    assert_eq!(value.get_untracked(), 2.0);
    assert_eq!(
        text_in("attempts", "[data-testid=field-error]").as_deref(),
        Some("“Max attempts” takes whole numbers only: 2.5 is set to 2.")
    );
    // Typed back to 2, the box fires no change event (it held "2" when last
    // changed): the message about 2.5 goes as the 2 is typed.
    attempts.set_value("2");
    attempts
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    next_tick().await;
    assert_eq!(text_in("attempts", "[data-testid=field-error]"), None);
    // The engine then finds the config wrong: said under this field.
    errors.set(vec![ConfigError {
        field: "strategy.max_attempts".into(),
        problem: Problem::OutOfRange {
            min: 3.0,
            max: 10.0,
            got: 2.0,
        },
    }]);
    next_tick().await;
    let said =
        text_in("attempts", "[data-testid=field-not-applied]").expect("under the field changed");
    assert!(said.starts_with("Not applied"), "{said}");
    assert!(
        said.contains("strategy.max_attempts must be between 3 and 10, got 2"),
        "{said}"
    );
    assert_eq!(
        text_in("other", "[data-testid=field-not-applied]"),
        None,
        "only under the field changed"
    );
    // Another field changed next: the error stays where it came from (it
    // moved to whichever field was edited next, and piled up there).
    let other = input("other");
    other.set_value("0.5");
    other
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    next_tick().await;
    assert_eq!(text_in("other", "[data-testid=field-not-applied]"), None);
    assert!(text_in("attempts", "[data-testid=field-not-applied]").is_some());
    errors.set(vec![]);
    next_tick().await;
    assert_eq!(text_in("attempts", "[data-testid=field-not-applied]"), None);
}

/// A count's unit follows the number ("1 file", "2 files"), beside the box
/// and in its messages, and large numbers are grouped as the results group
/// them ("100,000"; "100.000" in Spanish).
#[wasm_bindgen_test]
async fn number_field_units_agree_with_one_and_numbers_are_grouped() {
    let root = container();
    let lang = RwSignal::new(Lang::En);
    let value = RwSignal::new(1.0);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(I18n { lang });
        view! {
            <NumberField
                label="replica.ctl.files"
                help="replica.help.files"
                unit="replica.unit.files"
                value=value
                on_change=Callback::new(move |v: f64| value.set(v))
                min=1.0
                max=100_000.0
            />
        }
    });
    next_tick().await;
    let text_of = |sel: &str| {
        root.query_selector(sel)
            .unwrap()
            .map(|e| e.text_content().unwrap_or_default())
    };
    assert_eq!(text_of(".unit").as_deref(), Some("file"));
    let input: web_sys::HtmlInputElement = root
        .query_selector("input.num")
        .unwrap()
        .unwrap()
        .unchecked_into();
    input.set_value("200000");
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    next_tick().await;
    let said = text_of("[data-testid=field-error]").unwrap_or_default();
    assert!(
        said.contains("goes from 1 to 100,000 files: 200,000 is not applied; it stays at 1 file."),
        "{said}"
    );
    lang.set(Lang::Es);
    next_tick().await;
    let said = text_of("[data-testid=field-error]").unwrap_or_default();
    assert!(said.contains("va de 1 a 100.000 archivos"), "{said}");
    assert!(said.ends_with("sigue en 1 archivo."), "{said}");
    value.set(2500.5);
    next_tick().await;
    assert_eq!(text_of(".unit").as_deref(), Some("archivos"));
}

/// A number box reads what a Spanish or Portuguese reader types: "1,5" is
/// 1.5 (Chromium's `type=number` dropped the comma and took 15 without a
/// word), "1.500" is 1500 as Spanish groups it, a mark it cannot read is
/// said, and the arrow keys step from the value, within the bounds.
#[wasm_bindgen_test]
async fn number_field_reads_a_decimal_comma_and_steps_with_the_arrows() {
    let root = container();
    let lang = RwSignal::new(Lang::Es);
    let value = RwSignal::new(2.0);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(I18n { lang });
        view! {
            <NumberField
                label="ctl.multiplier"
                help="help.multiplier"
                value=value
                on_change=Callback::new(move |v: f64| value.set(v))
                min=1.0
                max=2000.0
                step=0.5
            />
        }
    });
    next_tick().await;
    let input: web_sys::HtmlInputElement = root
        .query_selector("input.num")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(input.get_attribute("inputmode").as_deref(), Some("decimal"));
    assert_eq!(input.get_attribute("aria-valuemin").as_deref(), Some("1"));
    assert_eq!(
        input.get_attribute("aria-valuemax").as_deref(),
        Some("2000")
    );
    let said = || {
        root.query_selector("[data-testid=field-error]")
            .unwrap()
            .map(|e| e.text_content().unwrap_or_default())
    };
    let typed = |text: &str| {
        input.set_value(text);
        input
            .dispatch_event(&web_sys::Event::new("change").unwrap())
            .unwrap();
    };
    typed("1,5");
    next_tick().await;
    assert_eq!(value.get_untracked(), 1.5);
    // Shown with the reader's decimal mark, and nothing said.
    assert_eq!(input.value(), "1,5");
    assert_eq!(said(), None);
    typed("1.500");
    next_tick().await;
    assert_eq!(value.get_untracked(), 1500.0);
    typed("1,2,5");
    next_tick().await;
    assert_eq!(value.get_untracked(), 1500.0);
    let text = said().unwrap_or_default();
    assert!(text.contains("1,2,5"), "{text}");
    // The arrows: one step from the value, never beyond a bound.
    let key = |k: &str| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(k);
        init.set_cancelable(true);
        let ev =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        input.dispatch_event(&ev).unwrap();
    };
    value.set(4.0);
    next_tick().await;
    key("ArrowUp");
    next_tick().await;
    assert_eq!(value.get_untracked(), 4.5);
    key("ArrowDown");
    key("ArrowDown");
    next_tick().await;
    assert_eq!(value.get_untracked(), 3.5);
    assert_eq!(input.value(), "3,5");
    assert_eq!(input.get_attribute("aria-valuenow").as_deref(), Some("3.5"));
    value.set(1.0);
    next_tick().await;
    key("ArrowDown");
    next_tick().await;
    assert_eq!(value.get_untracked(), 1.0);
    assert_eq!(said(), None);
    // Typed, not confirmed, then an arrow: one step from what was typed.
    input.set_value("7");
    key("ArrowUp");
    next_tick().await;
    assert_eq!(value.get_untracked(), 7.5);
    assert_eq!(input.value(), "7,5");
    // A space groups three digits or nothing: "1 5" is no number.
    typed("1 5");
    next_tick().await;
    assert_eq!(value.get_untracked(), 7.5);
    assert!(said().unwrap_or_default().contains("«1 5» no es un número"));
    // Beyond the bound and then an arrow: the bound, shown in the box, and
    // the message about the typed text gone with it.
    typed("5000");
    next_tick().await;
    assert!(said().is_some());
    key("ArrowUp");
    next_tick().await;
    assert_eq!(value.get_untracked(), 2000.0);
    assert_eq!(input.value(), "2000");
    assert_eq!(said(), None);
    // Refused as read: "9.999,5" is 9999.5, beyond 2000, said in English as typed.
    typed("9.999,5");
    next_tick().await;
    let text = said().unwrap_or_default();
    assert!(text.contains("9.999,5 no se aplica"), "{text}");
    lang.set(Lang::En);
    next_tick().await;
    let text = said().unwrap_or_default();
    assert!(text.contains("9,999.5 is not applied"), "{text}");
    lang.set(Lang::Es);
    next_tick().await;
    value.set(2000.0);
    next_tick().await;
    // "1,000" is one here, and the box says how it read it.
    typed("1,000");
    next_tick().await;
    assert_eq!(value.get_untracked(), 1.0);
    let text = said().unwrap_or_default();
    assert!(text.contains("1,000 se lee como 1"), "{text}");
    assert!(text.contains("para 1000, escríbelo sin la coma"), "{text}");
    // Another language keeps the refused text, and says it again in its words.
    typed("1,2,5");
    next_tick().await;
    assert!(said().is_some());
    // In English, a comma followed by three digits groups; otherwise it is the decimal mark.
    lang.set(Lang::En);
    next_tick().await;
    assert_eq!(input.value(), "1,2,5");
    let text = said().unwrap_or_default();
    assert!(text.contains("“1,2,5” is not a number"), "{text}");
    next_tick().await;
    typed("1,250");
    next_tick().await;
    assert_eq!(value.get_untracked(), 1250.0);
    typed("2,5");
    next_tick().await;
    assert_eq!(value.get_untracked(), 2.5);
    assert_eq!(input.value(), "2.5");
}

/// A whole-number setting given a fraction says that it takes whole
/// numbers, and the box shows the number it kept ("1,5 racks" stayed in
/// the box while the setting held 1).
#[wasm_bindgen_test]
async fn a_whole_number_field_says_so_and_shows_what_it_kept() {
    let root = container();
    let lang = RwSignal::new(Lang::Pt);
    let value = RwSignal::new(1.0);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(I18n { lang });
        view! {
            <NumberField
                label="ctl.max_attempts"
                help="help.max_attempts"
                value=value
                on_change=Callback::new(move |v: f64| value.set(v.trunc()))
                min=1.0
                max=100.0
            />
        }
    });
    next_tick().await;
    let input: web_sys::HtmlInputElement = root
        .query_selector("input.num")
        .unwrap()
        .unwrap()
        .unchecked_into();
    input.set_value("1,5");
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    next_tick().await;
    assert_eq!(value.get_untracked(), 1.0);
    assert_eq!(input.value(), "1");
    let said = root
        .query_selector("[data-testid=field-error]")
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default();
    assert!(
        said.contains("só aceita números inteiros: 1,5 ficou em 1"),
        "{said}"
    );
    // An arrow from a typed fraction: the step as the setting keeps it, unsaid.
    input.set_value("2,5");
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("ArrowUp");
    init.set_cancelable(true);
    let up = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input.dispatch_event(&up).unwrap();
    next_tick().await;
    assert_eq!(value.get_untracked(), 3.0);
    assert_eq!(input.value(), "3");
    assert!(root
        .query_selector("[data-testid=field-error]")
        .unwrap()
        .is_none());
    // "1,000" and an arrow: read as 1 and said, not stepped to 2 unsaid.
    input.set_value("1,000");
    input.dispatch_event(&up).unwrap();
    next_tick().await;
    assert_eq!(value.get_untracked(), 1.0);
    let said = root
        .query_selector("[data-testid=field-error]")
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default();
    assert!(said.contains("1,000 é lido como 1"), "{said}");
    // Another language re-writes the box: the note about how it was read goes.
    lang.set(Lang::En);
    next_tick().await;
    assert!(root
        .query_selector("[data-testid=field-error]")
        .unwrap()
        .is_none());
}

/// A label several groups share is said with its group's: B's "Max
/// attempts" and A's read apart (both read "“Max attempts”").
#[wasm_bindgen_test]
async fn an_error_in_a_named_group_says_the_group() {
    use cloud_patterns_playground::controls::{name_group, ConfigErrors, FieldFeedback};
    use engine::validate::{ConfigError, Problem};
    let root = container();
    let errors = RwSignal::new(Vec::<ConfigError>::new());
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(I18n {
            lang: RwSignal::new(Lang::En),
        });
        provide_context(FieldFeedback::new(errors));
        name_group("compare", "ctl.group_strategy_b");
        let field = |path: &str| {
            view! {
                <NumberField
                    label="ctl.max_attempts"
                    help="help.max_attempts"
                    path=path.to_string()
                    value=RwSignal::new(3.0)
                    on_change=Callback::new(|_| {})
                    min=0.0
                    max=10.0
                />
            }
        };
        view! {
            <ConfigErrors errors=errors />
            {field("strategy.max_attempts")}
            {field("compare.max_attempts")}
        }
    });
    next_tick().await;
    let wrong = |field: &str| ConfigError {
        field: field.into(),
        problem: Problem::OutOfRange {
            min: 1.0,
            max: 10.0,
            got: 0.0,
        },
    };
    errors.set(vec![
        wrong("strategy.max_attempts"),
        wrong("compare.max_attempts"),
    ]);
    next_tick().await;
    let said = root
        .query_selector("[data-testid=config-errors]")
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default();
    assert!(
        said.contains("“Max attempts” must be between 1 and 10, got 0"),
        "{said}"
    );
    assert!(
        said.contains("Retry strategy (B) › “Max attempts” must be between 1 and 10, got 0"),
        "{said}"
    );
}

#[wasm_bindgen_test]
async fn player_bar_toggles_steps_resets_and_takes_seeds() {
    let root = container();
    let clock = Clock::new(7, 0.0);
    let steps = RwSignal::new(0);
    let resets = RwSignal::new(0);
    let seeds = RwSignal::new(Vec::<u64>::new());
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(I18n {
            lang: RwSignal::new(Lang::En),
        });
        view! {
            <PlayerBar
                clock=clock
                on_step=move |_| steps.update(|s| *s += 1)
                on_reset=move |_| resets.update(|s| *s += 1)
                on_seed=move |s| seeds.update(|v| v.push(s))
            />
        }
    });
    next_tick().await;
    let q = |sel: &str| -> web_sys::HtmlElement {
        root.query_selector(sel).unwrap().unwrap().unchecked_into()
    };
    let play = q("[data-testid=play]");
    assert!(play.text_content().unwrap().contains("Play"));
    play.click();
    next_tick().await;
    assert!(clock.playing.get_untracked());
    assert_eq!(play.get_attribute("aria-pressed").as_deref(), Some("true"));
    assert!(play.text_content().unwrap().contains("Pause"));
    q("[data-testid=step]").click();
    q("[data-testid=reset]").click();
    assert_eq!((steps.get_untracked(), resets.get_untracked()), (1, 1));
    let seed: web_sys::HtmlInputElement = q("[data-testid=seed]").unchecked_into();
    assert_eq!(seed.value(), "7");
    seed.set_value("12345");
    seed.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    seed.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    next_tick().await;
    assert_eq!(seeds.get_untracked(), vec![12345]);
    seed.set_value("-3");
    seed.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    seed.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    next_tick().await;
    assert_eq!(seeds.get_untracked().len(), 1, "a negative seed is refused");
    assert!(
        root.query_selector("[role=alert]").unwrap().is_some(),
        "and the refusal is said"
    );
    q("[data-testid=new-seed]").click();
    assert_eq!(seeds.get_untracked().len(), 2);
    // The page takes the new seed: a valid one, so the refusal goes with it.
    clock.seed.set(99);
    next_tick().await;
    next_tick().await;
    assert_eq!(seed.value(), "99", "seeds {:?}", seeds.get_untracked());
    assert!(root.query_selector("[role=alert]").unwrap().is_none());
    // Grouped as the reader groups it.
    seed.set_value("1,000");
    seed.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    seed.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    next_tick().await;
    assert_eq!(seeds.get_untracked().last(), Some(&1000));
    // A finished run cannot be played.
    clock.finished.set(true);
    next_tick().await;
    let play: web_sys::HtmlButtonElement = q("[data-testid=play]").unchecked_into();
    assert!(play.disabled());
}

#[wasm_bindgen_test]
fn a_broken_link_falls_back_with_a_message_in_wasm_too() {
    let decoded = engine::codec::decode("#/es/retry/1.%%%");
    assert_eq!(decoded.lang, Some(Lang::Es));
    assert!(matches!(decoded.page, engine::codec::Page::Lab(_)));
    let text = decoded.problem.expect("a problem").describe(Lang::Es);
    assert!(text.contains("dañado"), "{text}");
}

#[wasm_bindgen_test]
fn a_panic_message_appears_in_the_page_as_plain_text() {
    cloud_patterns_playground::panic::show_message("boom <b>not bold</b>");
    let doc = web_sys::window().unwrap().document().unwrap();
    let el = doc
        .get_element_by_id("panic-message")
        .expect("the message is in the page");
    assert_eq!(el.get_attribute("role").as_deref(), Some("alert"));
    let text = el.text_content().unwrap();
    assert!(text.contains("Something went wrong"), "{text}");
    assert!(
        text.contains("boom <b>not bold</b>"),
        "the detail is text, not HTML: {text}"
    );
    assert!(el.query_selector("b").unwrap().is_none());
    // A second panic does not stack a second message.
    cloud_patterns_playground::panic::show_message("again");
    assert_eq!(
        doc.query_selector_all("#panic-message").unwrap().length(),
        1
    );
}

#[wasm_bindgen_test]
fn number_fields_read_numbers_exactly_as_rust_does() {
    use cloud_patterns_playground::browser::parse_f64;
    let inputs = [
        "0",
        "-0",
        "+0",
        "1",
        "12",
        "-12",
        "+12",
        "1.5",
        ".5",
        "5.",
        "-.5",
        "1e3",
        "1E3",
        "1e+3",
        "1e-3",
        "2.5e-7",
        "0.1",
        "0.2",
        "0.30000000000000004",
        "123456789012345678901234567890",
        "1.7976931348623157e308",
        "1.8e308",
        "1e-400",
        "5e-324",
        "2.2250738585072014e-308",
        "9007199254740993",
        "0.000001",
        "3600000",
        "inf",
        "-inf",
        "Infinity",
        "INF",
        "nan",
        "NaN",
        "",
        " ",
        " 1",
        "1 ",
        "1,5",
        "1_000",
        ".",
        "-",
        "+",
        "e5",
        "1e",
        "1e+",
        "1.2.3",
        "0x10",
        "1d",
        "--1",
        "+-1",
        "١",
    ];
    for s in inputs {
        let ours = parse_f64(s);
        let rust = s.parse::<f64>().ok();
        match (ours, rust) {
            (Some(a), Some(b)) if a.is_nan() && b.is_nan() => {}
            (Some(a), Some(b)) => assert_eq!(a.to_bits(), b.to_bits(), "{s:?}: {a} vs {b}"),
            (a, b) => assert_eq!(a, b, "{s:?}"),
        }
    }
}

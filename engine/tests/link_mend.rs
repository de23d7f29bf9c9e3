//! A teacher's link with a bad value in it (typed by hand, cut by a chat
//! app, made by an older page): the page puts the fields that are wrong back
//! to their defaults, says which, and keeps every other setting of the link
//! — it used to throw the whole link away for one field. Only where one
//! setting cannot be put back alone (a list's item, a setting with no default
//! of its own, a run too large for a tab) is the link still refused whole. The command line
//! still refuses such a link: it runs a link as written or not at all.

use engine::codec::{decode, decode_payload, fragment_from_json, LinkError, Page};
use engine::labs::{presets, LabConfig};
use engine::validate::Problem;
use engine::Lang;
use serde_json::Value;

/// Every numeric leaf of `v`, as dotted paths (`service.outages.0.to_ms`).
fn number_paths(v: &Value, at: &str, out: &mut Vec<String>) {
    let join = |k: &str| {
        if at.is_empty() {
            k.to_string()
        } else {
            format!("{at}.{k}")
        }
    };
    match v {
        Value::Object(m) => m.iter().for_each(|(k, v)| number_paths(v, &join(k), out)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| number_paths(v, &join(&i.to_string()), out)),
        Value::Number(_) => out.push(at.to_string()),
        _ => {}
    }
}

fn set(v: &mut Value, path: &str, to: Value) {
    let mut at = v;
    for step in path.split('.') {
        at = match at {
            Value::Object(m) => m.get_mut(step).unwrap(),
            Value::Array(a) => a.get_mut(step.parse::<usize>().unwrap()).unwrap(),
            _ => unreachable!(),
        };
    }
    *at = to;
}

/// Where `a` and `b` differ, as dotted paths (a missing key or item differs).
fn differences(a: &Value, b: &Value, at: &str, out: &mut Vec<String>) {
    let join = |k: &str| {
        if at.is_empty() {
            k.to_string()
        } else {
            format!("{at}.{k}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                differences(
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                    &join(k),
                    out,
                );
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                differences(x, y, &join(&i.to_string()), out);
            }
        }
        // An item left out: the list, marked so (its named item covers it).
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() + 1 => out.push(format!("{at}[]")),
        _ if a != b => out.push(at.to_string()),
        _ => {}
    }
}

/// A field as a problem names it (`outages[0].to_ms`, `script.length`), dotted.
fn dotted(field: &str) -> String {
    let f = field.replace('[', ".").replace(']', "");
    f.strip_suffix(".length").unwrap_or(&f).trim_matches('.').to_string()
}

fn under(path: &str, field: &str) -> bool {
    field.is_empty() || path == field || path.starts_with(&format!("{field}."))
}

/// Every preset of every lab, every number in it made hostile in turn (a
/// negative number, a huge one): the link opens mended or as written, or is
/// refused whole only where one setting cannot be put back alone; what a
/// mended link changed is only what the message names, the hostile value
/// always among it; the seed is kept.
#[test]
fn a_bad_value_is_put_back_and_the_rest_of_the_link_is_kept() {
    let (mut mended, mut refused, mut tried) = (0, 0, 0);
    for p in presets() {
        let json = p.config.to_json();
        let defaults = LabConfig::default_for(p.lab).unwrap().to_json();
        let mut paths = Vec::new();
        number_paths(&json, "", &mut paths);
        for path in &paths {
            for hostile in [serde_json::json!(-7), serde_json::json!(1e15)] {
                tried += 1;
                let mut bad = json.clone();
                set(&mut bad, path, hostile.clone());
                let link = format!("#{}", fragment_from_json(Lang::En, p.lab, p.seed, bad.clone()));
                let d = decode(&link);
                let what = format!("{} {} {path}={hostile}", p.lab.slug(), p.id);
                let Page::Lab(state) = &d.page else {
                    panic!("{what}: {:?}", d.page)
                };
                assert!(state.config.validate().is_ok(), "{what}");
                // The link's seed, unless the link was refused whole.
                if !matches!(d.problem, Some(LinkError::Invalid(_))) {
                    assert_eq!(state.seed, p.seed, "{what}");
                }
                let got = state.config.to_json();
                match &d.problem {
                    // A value the field takes: the link opens as written.
                    None => assert_eq!(
                        got,
                        LabConfig::from_json(p.lab, bad.clone()).unwrap().to_json(),
                        "{what}"
                    ),
                    Some(LinkError::Reset(errors)) => {
                        mended += 1;
                        let named: Vec<String> = errors
                            .iter()
                            .flat_map(|e| match &e.problem {
                                Problem::TooMuchWork { lower, .. } => lower.clone(),
                                _ => vec![e.field.clone()],
                            })
                            .map(|f| dotted(&f))
                            .collect();
                        assert!(
                            named.iter().any(|f| under(path, f)),
                            "{what}: {named:?} does not name it"
                        );
                        let mut changed = Vec::new();
                        differences(&bad, &got, "", &mut changed);
                        for c in changed {
                            let covered = match c.strip_suffix("[]") {
                                Some(list) => named.iter().any(|f| f.starts_with(&format!("{list}."))),
                                None => named.iter().any(|f| under(&c, f)),
                            };
                            assert!(covered, "{what}: {c} changed, but only {named:?} are named");
                        }
                        // The message says so, in every language.
                        for lang in Lang::ALL {
                            assert!(
                                d.problem.as_ref().unwrap().describe(lang).contains(&errors[0].field),
                                "{what}"
                            );
                        }
                    }
                    // Refused as a whole (the demo opens, as for an unreadable
                    // link) only where one setting cannot be put back alone: an
                    // item of a list, a setting with no default of its own (a
                    // `poisson` workload's clients), a run too large for a tab.
                    Some(LinkError::Invalid(errors)) => {
                        let in_list = path.split('.').any(|s| s.parse::<usize>().is_ok());
                        let no_default = path
                            .split('.')
                            .try_fold(&defaults, |v, s| v.as_object().and_then(|m| m.get(s)))
                            .is_none();
                        let too_much = errors.iter().any(|e| matches!(e.problem, Problem::TooMuchWork { .. }));
                        // (Or the default put back makes an item of a list
                        // wrong: fewer nodes than an outage names.)
                        let list_item = errors.iter().any(|e| e.field.contains('['));
                        assert!(
                            in_list || no_default || too_much || list_item,
                            "{what}: thrown away: {errors:?}"
                        );
                        assert_eq!(
                            d.page,
                            Page::Lab(engine::codec::LabState::default_for(p.lab).unwrap()),
                            "{what}"
                        );
                        refused += 1;
                    }
                    Some(other) => panic!("{what}: {other:?}"),
                }
            }
        }
    }
    println!("{mended} mended, {refused} refused, of {tried}");
    assert!(mended * 3 > tried, "{mended} of {tried} mended ({refused} refused)");
}

/// The retry lab's text demo, with its latency typed wrong and a key that
/// does not exist: those two are named, the latency is back to its default,
/// the unknown key is left out, everything else is the demo's.
#[test]
fn one_wrong_field_of_the_demo() {
    let demo = presets().into_iter().find(|p| p.id == "tenacity").unwrap();
    let mut json = demo.config.to_json();
    json["service"]["latency_ms"] = serde_json::json!(99_999_999);
    json["strategy"]["colour"] = serde_json::json!("red");
    let d = decode(&format!("#{}", fragment_from_json(Lang::Es, demo.lab, demo.seed, json)));
    let Some(LinkError::Reset(errors)) = &d.problem else {
        panic!("{:?}", d.problem)
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["strategy.colour", "service.latency_ms"]);
    let mut want = demo.config.to_json();
    want["service"]["latency_ms"] =
        LabConfig::default_for(demo.lab).unwrap().to_json()["service"]["latency_ms"].clone();
    let Page::Lab(state) = &d.page else { panic!() };
    assert_eq!(state.config.to_json(), want);
    assert_eq!(state.seed, demo.seed);
    let text = d.problem.as_ref().unwrap().describe(Lang::Es);
    assert!(
        text.starts_with("Algunos valores de este enlace no se pudieron usar. Estos vuelven"),
        "{text}"
    );
    assert!(
        text.contains("service.latency_ms debe estar entre 0 y 600.000, se recibió 99.999.999"),
        "{text}"
    );
    // The command line refuses such a link (here with only the latency wrong).
    let mut latency_only = demo.config.to_json();
    latency_only["service"]["latency_ms"] = serde_json::json!(99_999_999);
    let link = fragment_from_json(Lang::En, demo.lab, demo.seed, latency_only);
    let payload = link.rsplit('/').next().unwrap();
    assert!(matches!(decode_payload(demo.lab, payload), Err(LinkError::Invalid(e)) if e.len() == 1));
}

/// A run too large for a tab is not mended (which setting to lower is the
/// teacher's call: putting them all back made a 200-client storm one
/// request): the link is refused whole, and its message names every setting
/// that would lower the run, none cut short.
#[test]
fn too_much_work_is_refused_whole_and_said_in_full() {
    let storm = presets().into_iter().find(|p| p.id == "storm_breaker").unwrap();
    let mut json = storm.config.to_json();
    json["strategy"]["max_attempts"] = serde_json::json!(999);
    let d = decode(&format!(
        "#{}",
        fragment_from_json(Lang::En, storm.lab, storm.seed, json)
    ));
    assert!(matches!(d.problem, Some(LinkError::Invalid(_))), "{:?}", d.problem);
    assert_eq!(
        d.page,
        Page::Lab(engine::codec::LabState::default_for(storm.lab).unwrap())
    );
    let text = d.problem.unwrap().describe(Lang::En);
    assert!(
        text.contains("compare.max_attempts, strategy.deadline_ms or compare.deadline_ms"),
        "{text}"
    );
}

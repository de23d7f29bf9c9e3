//! The choreography lab's controls: every field of `ChoreographyConfig`,
//! grouped as the course text tells the story (orders, how the flow is
//! coordinated, the business, the bus, each service, who listens to what,
//! retries and timeouts), each with its unit and a one-line explanation.
//! Bad input is the engine's to judge: its errors, naming the field, are
//! listed at the top of the panel.

use crate::controls::{
    bind, bind_bool, bind_choice, latency_shape_str, set_latency_shape, ChoiceField, FieldGroup,
    NumberField, ToggleField, LATENCY_SHAPES,
};
use crate::i18n::{tr, use_i18n};
use engine::i18n::t;
use engine::labs::choreography::config::*;
use engine::patterns::backoff::{Jitter, WaitKind};
use engine::patterns::bus::Window;
use engine::patterns::service::{Outage, ServiceConfig};
use engine::validate::ConfigError;
use leptos::prelude::*;

type Cfg = ChoreographyConfig;

/// Whether side A or side B is orchestrated (its step timeout and the
/// orchestrator's own settings do nothing otherwise).
fn orchestrated(config: RwSignal<Cfg>) -> bool {
    config.with(|c| c.mode == Mode::Orchestration || c.compare == Some(Mode::Orchestration))
}

pub fn mode_str(m: Mode) -> &'static str {
    match m {
        Mode::Choreography => "choreography",
        Mode::Orchestration => "orchestration",
    }
}

fn mode_from(s: &str) -> Mode {
    if s == "orchestration" {
        Mode::Orchestration
    } else {
        Mode::Choreography
    }
}

/// The services a panel edits: the flow's four, the orchestrator, then the
/// larger flow's four (each only in the flow when switched on).
const SERVICE_SLOTS: [(&str, &str); 9] = [
    ("inventory", "choreo.lane.inventory"),
    ("payment", "choreo.lane.payment"),
    ("delivery", "choreo.lane.delivery"),
    ("notification", "choreo.lane.notification"),
    ("orchestrator", "choreo.lane.orchestrator"),
    ("fraud", "choreo.lane.fraud"),
    ("loyalty", "choreo.lane.loyalty"),
    ("invoicing", "choreo.lane.invoicing"),
    ("analytics", "choreo.lane.analytics"),
];

/// The larger flow's service in slot `slot` (5 to 8).
fn extra(slot: usize) -> Option<ServiceId> {
    slot.checked_sub(5).map(|i| ServiceId::EXTRA[i])
}

/// What a service of the larger flow starts with when it joins the flow.
fn joining() -> ServiceConfig {
    engine::labs::choreography::config::reliable(20)
}

fn service(c: &Cfg, slot: usize) -> ServiceConfig {
    let s = &c.services;
    match slot {
        0 => s.inventory.clone(),
        1 => s.payment.clone(),
        2 => s.delivery.clone(),
        3 => s.notification.clone(),
        4 => s.orchestrator.clone(),
        _ => s
            .get(extra(slot).expect("a slot"))
            .cloned()
            .unwrap_or_else(joining),
    }
}

fn service_mut(c: &mut Cfg, slot: usize) -> &mut ServiceConfig {
    let s = &mut c.services;
    match slot {
        0 => &mut s.inventory,
        1 => &mut s.payment,
        2 => &mut s.delivery,
        3 => &mut s.notification,
        4 => &mut s.orchestrator,
        5 => s.fraud.get_or_insert_with(joining),
        6 => s.loyalty.get_or_insert_with(joining),
        7 => s.invoicing.get_or_insert_with(joining),
        _ => s.analytics.get_or_insert_with(joining),
    }
}

/// Puts the larger flow's service `id` in the flow or takes it out (and its
/// wiring rows with it: a row for a service not in the flow is an error).
fn set_in_flow(c: &mut Cfg, id: ServiceId, on: bool) {
    let s = &mut c.services;
    let slot = match id {
        ServiceId::Fraud => &mut s.fraud,
        ServiceId::Loyalty => &mut s.loyalty,
        ServiceId::Invoicing => &mut s.invoicing,
        _ => &mut s.analytics,
    };
    *slot = on.then(joining);
    if !on {
        c.wiring.retain(|l| l.service != id);
    }
}

#[component]
pub fn ChoreoControls(config: RwSignal<Cfg>, errors: RwSignal<Vec<ConfigError>>) -> impl IntoView {
    view! {
        <div class="controls-panel">
            <h2 id="controls-title" class="small-title">{tr("ui.controls")}</h2>
            <crate::controls::ConfigErrors errors=errors />
            <CoordinationFields config=config />
            <WorkloadFields config=config />
            <BusinessFields config=config />
            <BusFields config=config />
            <WiringTable config=config />
            <RetryFields config=config />
            {(0..SERVICE_SLOTS.len())
                .map(|slot| {
                    // The orchestrator's own settings only where a side has one.
                    if SERVICE_SLOTS[slot].0 == "orchestrator" {
                        crate::show::show(
                            move || orchestrated(config),
                            move || view! { <ServiceFields config=config which=slot /> }.into_any(),
                        )
                        .into_any()
                    } else {
                        view! { <ServiceFields config=config which=slot /> }.into_any()
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn CoordinationFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (mode, set_mode) = bind_choice(config, |c| mode_str(c.mode), |c, v| c.mode = mode_from(v));
    let (compare, set_compare) = bind_choice(
        config,
        |c| c.compare.map_or("none", mode_str),
        |c, v| c.compare = (v != "none").then(|| mode_from(v)),
    );
    let modes = || {
        vec![
            ("choreography", "choreo.opt.choreography"),
            ("orchestration", "choreo.opt.orchestration"),
        ]
    };
    let mut compare_opts = vec![("none", "choreo.opt.no_compare")];
    compare_opts.extend(modes());
    let (watcher, set_watcher) = bind(
        config,
        |c| c.watcher_ms as f64,
        |c, v| c.watcher_ms = v as u64,
    );
    let (timeout, set_timeout) = bind(
        config,
        |c| c.step_timeout_ms as f64,
        |c, v| c.step_timeout_ms = v as u64,
    );
    view! {
        <FieldGroup title="choreo.group.coordination">
            <ChoiceField label="choreo.ctl.mode" help="choreo.help.mode" options=modes() value=mode on_change=set_mode testid="mode" />
            <ChoiceField label="choreo.ctl.compare" help="choreo.help.compare" options=compare_opts value=compare on_change=set_compare testid="compare-mode" />
            {crate::show::show(move || orchestrated(config), move || view! {
                <NumberField label="choreo.ctl.step_timeout" path="step_timeout_ms" help="choreo.help.step_timeout" unit="unit.ms" value=timeout on_change=set_timeout min=1.0 max=600_000.0 step=100.0 testid="step-timeout" />
            }.into_any())}
            <NumberField label="choreo.ctl.watcher" path="watcher_ms" help="choreo.help.watcher" unit="unit.ms" value=watcher on_change=set_watcher min=0.0 max=600_000.0 step=500.0 testid="watcher" />
        </FieldGroup>
    }
}

#[component]
fn WorkloadFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (kind, set_kind) = bind_choice(
        config,
        |c| match c.workload {
            OrderWorkload::Single => "single",
            OrderWorkload::Poisson { .. } => "poisson",
            OrderWorkload::Burst { .. } => "burst",
        },
        |c, v| {
            c.workload = match v {
                "poisson" => OrderWorkload::Poisson {
                    rate_per_s: 5.0,
                    duration_ms: 10_000,
                },
                "burst" => OrderWorkload::Burst {
                    orders: 100,
                    within_ms: 1_000,
                },
                _ => OrderWorkload::Single,
            }
        },
    );
    let (rate, set_rate) = bind(
        config,
        |c| match c.workload {
            OrderWorkload::Poisson { rate_per_s, .. } => rate_per_s,
            _ => 0.0,
        },
        |c, v| {
            if let OrderWorkload::Poisson { rate_per_s, .. } = &mut c.workload {
                *rate_per_s = v;
            }
        },
    );
    let (duration, set_duration) = bind(
        config,
        |c| match c.workload {
            OrderWorkload::Poisson { duration_ms, .. } => duration_ms as f64,
            _ => 0.0,
        },
        |c, v| {
            if let OrderWorkload::Poisson { duration_ms, .. } = &mut c.workload {
                *duration_ms = v as u64;
            }
        },
    );
    let (orders, set_orders) = bind(
        config,
        |c| match c.workload {
            OrderWorkload::Burst { orders, .. } => orders as f64,
            _ => 0.0,
        },
        |c, v| {
            if let OrderWorkload::Burst { orders, .. } = &mut c.workload {
                *orders = v as u32;
            }
        },
    );
    let (within, set_within) = bind(
        config,
        |c| match c.workload {
            OrderWorkload::Burst { within_ms, .. } => within_ms as f64,
            _ => 0.0,
        },
        |c, v| {
            if let OrderWorkload::Burst { within_ms, .. } = &mut c.workload {
                *within_ms = v as u64;
            }
        },
    );
    let is = move |k: &'static str| move || kind.get() == k;
    view! {
        <FieldGroup title="choreo.group.orders">
            <ChoiceField
                label="ctl.workload"
                help="choreo.help.workload"
                options=vec![("single", "choreo.opt.single"), ("poisson", "choreo.opt.poisson"), ("burst", "choreo.opt.burst")]
                value=kind
                on_change=set_kind
                testid="workload"
            />
            {crate::show::show(is("poisson"), move || view! {
                <NumberField label="choreo.ctl.rate" path="workload.rate_per_s" help="choreo.help.rate" unit="unit.per_s" value=rate on_change=set_rate min=0.0 max=10_000.0 step=0.1 testid="rate" />
                <NumberField label="ctl.duration" path="workload.duration_ms" help="choreo.help.duration" unit="unit.s" value=duration on_change=set_duration min=1.0 max=3_600_000.0 step=1000.0 scale=0.001 testid="duration" />
            }.into_any())}
            {crate::show::show(is("burst"), move || view! {
                <NumberField label="choreo.ctl.orders" path="workload.orders" help="choreo.help.burst_orders" unit="choreo.unit.orders" value=orders on_change=set_orders min=1.0 max=100_000.0 testid="orders" />
                <NumberField label="choreo.ctl.within" path="workload.within_ms" help="choreo.help.within" unit="unit.ms" value=within on_change=set_within min=0.0 max=3_600_000.0 step=100.0 testid="within" />
            }.into_any())}
        </FieldGroup>
    }
}

#[component]
fn BusinessFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (stock, set_stock) = bind(config, |c| c.stock as f64, |c, v| c.stock = v as u32);
    let (reject, set_reject) = bind(config, |c| c.reject_rate, |c, v| c.reject_rate = v);
    let (cancel, set_cancel) = bind(config, |c| c.cancel_rate, |c, v| c.cancel_rate = v);
    let (cancel_after, set_cancel_after) = bind(
        config,
        |c| c.cancel_after_ms as f64,
        |c, v| c.cancel_after_ms = v as u64,
    );
    let (ship, set_ship) = bind(
        config,
        |c| c.ship_after_ms as f64,
        |c, v| c.ship_after_ms = v as u64,
    );
    let (idem, set_idem) = bind_bool(config, |c| c.idempotent, |c, v| c.idempotent = v);
    view! {
        <FieldGroup title="choreo.group.business">
            <NumberField label="choreo.ctl.stock" path="stock" help="choreo.help.stock" unit="choreo.unit.units" value=stock on_change=set_stock min=0.0 max=10_000_000.0 testid="stock" />
            <NumberField label="choreo.ctl.reject_rate" path="reject_rate" help="choreo.help.reject_rate" unit="unit.percent" value=reject on_change=set_reject min=0.0 max=1.0 step=0.01 scale=100.0 slider=true testid="reject-rate" />
            <NumberField label="choreo.ctl.cancel_rate" path="cancel_rate" help="choreo.help.cancel_rate" unit="unit.percent" value=cancel on_change=set_cancel min=0.0 max=1.0 step=0.01 scale=100.0 slider=true testid="cancel-rate" />
            <NumberField label="choreo.ctl.cancel_after" path="cancel_after_ms" help="choreo.help.cancel_after" unit="unit.ms" value=cancel_after on_change=set_cancel_after min=0.0 max=3_600_000.0 step=10.0 testid="cancel-after" />
            <NumberField label="choreo.ctl.ship_after" path="ship_after_ms" help="choreo.help.ship_after" unit="unit.ms" value=ship on_change=set_ship min=0.0 max=3_600_000.0 step=100.0 testid="ship-after" />
            <ToggleField label="choreo.ctl.idempotent" help="choreo.help.idempotent" value=idem on_change=set_idem testid="idempotent" />
        </FieldGroup>
    }
}

#[component]
fn BusFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (latency, set_latency) = bind(
        config,
        |c| c.bus.latency_ms as f64,
        |c, v| c.bus.latency_ms = v as u64,
    );
    let (shape, set_shape) = bind_choice(
        config,
        |c| latency_shape_str(c.bus.latency_shape),
        |c, v| {
            let b = &mut c.bus;
            set_latency_shape(&mut b.latency_shape, &mut b.latency_sd_ms, b.latency_ms, v)
        },
    );
    let (sd, set_sd) = bind(
        config,
        |c| c.bus.latency_sd_ms as f64,
        |c, v| c.bus.latency_sd_ms = v as u64,
    );
    let (loss, set_loss) = bind(config, |c| c.bus.loss_rate, |c, v| c.bus.loss_rate = v);
    let (dup, set_dup) = bind(
        config,
        |c| c.bus.duplicate_rate,
        |c, v| c.bus.duplicate_rate = v,
    );
    let (order, set_order) = bind_bool(config, |c| c.bus.keep_order, |c, v| c.bus.keep_order = v);
    let (down, set_down) = bind_bool(
        config,
        |c| !c.bus.outages.is_empty(),
        |c, on| {
            c.bus.outages = if on {
                vec![Window {
                    from_ms: 3_000,
                    to_ms: 6_000,
                }]
            } else {
                vec![]
            }
        },
    );
    let (from, set_from) = bind(
        config,
        |c| c.bus.outages.first().map_or(0.0, |w| w.from_ms as f64),
        |c, v| {
            if let Some(w) = c.bus.outages.first_mut() {
                w.from_ms = v as u64;
            }
        },
    );
    let (to, set_to) = bind(
        config,
        |c| c.bus.outages.first().map_or(0.0, |w| w.to_ms as f64),
        |c, v| {
            if let Some(w) = c.bus.outages.first_mut() {
                w.to_ms = v as u64;
            }
        },
    );
    view! {
        <FieldGroup title="choreo.group.bus">
            <NumberField label="choreo.ctl.bus_latency" path="bus.latency_ms" help="choreo.help.bus_latency" unit="unit.ms" value=latency on_change=set_latency min=0.0 max=600_000.0 testid="bus-latency" />
            <ChoiceField label="ctl.latency_shape" help="choreo.help.bus_shape" options=LATENCY_SHAPES.to_vec() value=shape on_change=set_shape testid="bus-shape" />
            {crate::show::show(move || shape.get() == "normal", move || view! {
                <NumberField label="ctl.latency_sd" path="bus.latency_sd_ms" help="help.latency_sd" unit="unit.ms" value=sd on_change=set_sd min=0.0 max=600_000.0 testid="bus-latency-sd" />
            }.into_any())}
            <NumberField label="choreo.ctl.loss_rate" path="bus.loss_rate" help="choreo.help.loss_rate" unit="unit.percent" value=loss on_change=set_loss min=0.0 max=1.0 step=0.01 scale=100.0 slider=true testid="loss-rate" />
            <NumberField label="choreo.ctl.duplicate_rate" path="bus.duplicate_rate" help="choreo.help.duplicate_rate" unit="unit.percent" value=dup on_change=set_dup min=0.0 max=1.0 step=0.01 scale=100.0 slider=true testid="duplicate-rate" />
            <ToggleField label="choreo.ctl.keep_order" help="choreo.help.keep_order" value=order on_change=set_order testid="keep-order" />
            <ToggleField label="choreo.ctl.bus_down" path="bus.outages[0]" help="choreo.help.bus_down" value=down on_change=set_down testid="bus-down" />
            {crate::show::show(move || down.get(), move || view! {
                <NumberField label="ctl.outage_from" path="bus.outages[0].from_ms" help="help.outage_from" unit="unit.s" value=from on_change=set_from min=0.0 max=3_600_000.0 step=1000.0 scale=0.001 testid="bus-down-from" />
                <NumberField label="ctl.outage_to" path="bus.outages[0].to_ms" help="help.outage_to" unit="unit.s" value=to on_change=set_to min=0.0 max=3_600_000.0 step=1000.0 scale=0.001 testid="bus-down-to" />
            }.into_any())}
        </FieldGroup>
    }
}

/// Who listens to what: a table of services × events, a box where the
/// service has something to do with the event.
#[component]
fn WiringTable(config: RwSignal<Cfg>) -> impl IntoView {
    let lang = use_i18n().lang;
    // The larger flow's topics and services show once one of its services is in the flow.
    let larger = move || config.with(|c| c.services.in_flow().len() > ServiceId::ALL.len());
    let head = Topic::every()
        .map(|t| {
            let extra = !Topic::ALL.contains(&t);
            view! { <th scope="col" class="wiring-topic" class:hidden=move || extra && !larger()><span>{t.key()}</span></th> }
        })
        .collect_view();
    let rows = ServiceId::ALL
        .iter()
        .chain(ServiceId::EXTRA.iter())
        .map(|&s| {
            let in_flow = move || config.with(|c| c.services.get(s).is_some());
            let cells = Topic::every()
                .map(|topic| {
                    let extra = !Topic::ALL.contains(&topic);
                    let can = s.reaction(topic).is_some();
                    let listen = Listen {
                        service: s,
                        on: topic,
                    };
                    let checked = move || config.with(|c| c.wiring.contains(&listen));
                    let label =
                        move || format!("{} ← {}", t(lang.get(), crate_lane_key(s)), topic.key());
                    view! {
                        <td class:hidden=move || extra && !larger()>
                            {can.then(|| view! {
                                <input
                                    type="checkbox"
                                    data-testid=format!("wire-{}-{}", s.key(), topic.key())
                                    aria-label=label
                                    prop:checked=checked
                                    prop:disabled=move || !in_flow()
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        config.update(|c| {
                                            c.wiring.retain(|l| *l != listen);
                                            if on {
                                                c.wiring.push(listen);
                                            }
                                        })
                                    }
                                />
                            })}
                        </td>
                    }
                })
                .collect_view();
            view! { <tr class:hidden=move || !in_flow()><th scope="row">{tr(crate_lane_key(s))}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <FieldGroup title="choreo.group.wiring">
            <p class="help">{tr("choreo.help.wiring")}</p>
            <div class="wiring-wrap">
                <table class="wiring-table" data-testid="wiring">
                    <thead><tr><th></th>{head}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <div class="wiring-actions">
                <button class="btn" data-testid="wiring-chained" on:click=move |_| config.update(|c| c.wiring = chained_wiring())>
                    {tr("choreo.ctl.wiring_chained")}
                </button>
                <button class="btn" data-testid="wiring-text" on:click=move |_| config.update(|c| c.wiring = text_wiring())>
                    {tr("choreo.ctl.wiring_text")}
                </button>
                <button class="btn" data-testid="wiring-eight" on:click=move |_| config.update(|c| {
                    for id in ServiceId::EXTRA {
                        if c.services.get(id).is_none() {
                            set_in_flow(c, id, true);
                        }
                    }
                    c.wiring = eight_service_wiring();
                })>
                    {tr("choreo.ctl.wiring_eight")}
                </button>
            </div>
        </FieldGroup>
    }
}

fn crate_lane_key(s: ServiceId) -> &'static str {
    engine::labs::choreography::view::Lane::Service(s).name_key()
}

#[component]
fn RetryFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (attempts, set_attempts) = bind(
        config,
        |c| c.retry.max_attempts as f64,
        |c, v| c.retry.max_attempts = v as u32,
    );
    let (wait, set_wait) = bind_choice(
        config,
        |c| match c.retry.wait {
            WaitKind::Immediate => "immediate",
            WaitKind::Fixed => "fixed",
            WaitKind::Exponential => "exponential",
        },
        |c, v| {
            c.retry.wait = match v {
                "immediate" => WaitKind::Immediate,
                "fixed" => WaitKind::Fixed,
                _ => WaitKind::Exponential,
            }
        },
    );
    let (base, set_base) = bind(
        config,
        |c| c.retry.base_ms as f64,
        |c, v| c.retry.base_ms = v as u64,
    );
    let (mult, set_mult) = bind(
        config,
        |c| c.retry.multiplier,
        |c, v| c.retry.multiplier = v,
    );
    let (cap, set_cap) = bind(
        config,
        |c| c.retry.cap_ms as f64,
        |c, v| c.retry.cap_ms = v as u64,
    );
    let (jitter, set_jitter) = bind_choice(
        config,
        |c| match c.retry.jitter {
            Jitter::None => "none",
            Jitter::Full => "full",
            Jitter::Equal => "equal",
            Jitter::Decorrelated => "decorrelated",
        },
        |c, v| {
            c.retry.jitter = match v {
                "none" => Jitter::None,
                "equal" => Jitter::Equal,
                "decorrelated" => Jitter::Decorrelated,
                _ => Jitter::Full,
            }
        },
    );
    view! {
        <FieldGroup title="choreo.group.retry">
            <NumberField label="ctl.max_attempts" path="retry.max_attempts" help="choreo.help.max_attempts" unit="choreo.unit.tries" value=attempts on_change=set_attempts min=1.0 max=20.0 testid="max-attempts" />
            <ChoiceField
                label="ctl.wait"
                help="choreo.help.wait"
                options=vec![("immediate", "opt.immediate"), ("fixed", "opt.fixed"), ("exponential", "opt.exponential")]
                value=wait
                on_change=set_wait
                testid="wait"
            />
            // Only what the chosen wait uses (a delay, its growth, its jitter):
            // retrying at once, the rest changed nothing.
            {crate::show::show(move || wait.get() != "immediate", move || view! {
                <NumberField label="ctl.base" path="retry.base_ms" help="help.base" unit="unit.ms" value=base on_change=set_base min=0.0 max=600_000.0 step=10.0 testid="base" />
                {crate::show::show(move || wait.get() == "exponential", move || view! {
                    <NumberField label="ctl.multiplier" path="retry.multiplier" help="help.multiplier" unit="unit.times" value=mult on_change=set_mult min=1.0 max=10.0 step=0.1 testid="multiplier" />
                    <NumberField label="ctl.cap" path="retry.cap_ms" help="help.cap" unit="unit.ms" value=cap on_change=set_cap min=0.0 max=600_000.0 step=100.0 testid="cap" />
                }.into_any())}
                <ChoiceField
                    label="ctl.jitter"
                    help="choreo.help.jitter"
                    options=vec![("none", "opt.jitter_none"), ("full", "opt.jitter_full"), ("equal", "opt.jitter_equal"), ("decorrelated", "opt.jitter_decorrelated")]
                    value=jitter
                    on_change=set_jitter
                    testid="jitter"
                />
            }.into_any())}
        </FieldGroup>
    }
}

/// One service's knobs (collapsed: five of them would fill the panel).
#[component]
fn ServiceFields(config: RwSignal<Cfg>, which: usize) -> impl IntoView {
    let slot = which;
    let (key, name) = SERVICE_SLOTS[slot];
    crate::controls::name_group(&format!("services.{key}"), name);
    let num = |get: fn(&ServiceConfig) -> f64, set: fn(&mut ServiceConfig, f64)| {
        bind(
            config,
            move |c| get(&service(c, slot)),
            move |c, v| set(service_mut(c, slot), v),
        )
    };
    let (latency, set_latency) = num(|s| s.latency_ms as f64, |s, v| s.latency_ms = v as u64);
    let (sd, set_sd) = num(
        |s| s.latency_sd_ms as f64,
        |s, v| s.latency_sd_ms = v as u64,
    );
    let (transient, set_transient) = num(
        |s| s.transient_failure_rate,
        |s, v| s.transient_failure_rate = v,
    );
    let (permanent, set_permanent) = num(
        |s| s.permanent_failure_rate,
        |s, v| s.permanent_failure_rate = v,
    );
    let (slow_rate, set_slow_rate) = num(|s| s.slow_rate, |s, v| s.slow_rate = v);
    let (slow_ms, set_slow_ms) = num(|s| s.slow_ms as f64, |s, v| s.slow_ms = v as u64);
    let (capacity, set_capacity) = num(|s| s.capacity as f64, |s, v| s.capacity = v as u32);
    let (from, set_from) = num(
        |s| s.outages.first().map_or(0.0, |o| o.from_ms as f64),
        |s, v| {
            if let Some(o) = s.outages.first_mut() {
                o.from_ms = v as u64;
            }
        },
    );
    let (to, set_to) = num(
        |s| s.outages.first().map_or(0.0, |o| o.to_ms as f64),
        |s, v| {
            if let Some(o) = s.outages.first_mut() {
                o.to_ms = v as u64;
            }
        },
    );
    let (shape, set_shape) = bind_choice(
        config,
        move |c| latency_shape_str(service(c, slot).latency_shape),
        move |c, v| {
            let s = service_mut(c, slot);
            set_latency_shape(&mut s.latency_shape, &mut s.latency_sd_ms, s.latency_ms, v)
        },
    );
    let (down, set_down) = bind_bool(
        config,
        move |c| !service(c, slot).outages.is_empty(),
        move |c, on| {
            service_mut(c, slot).outages = if on {
                vec![Outage {
                    from_ms: 3_000,
                    to_ms: 8_000,
                    node: None,
                }]
            } else {
                vec![]
            }
        },
    );
    let orchestrator = slot == 4;
    // The larger flow's services: a switch first, their knobs only when in the flow.
    let joins = extra(slot).map(|id| {
        let on = Signal::derive(move || config.with(|c| c.services.get(id).is_some()));
        let set_on = Callback::new(move |v: bool| config.update(|c| set_in_flow(c, id, v)));
        (on, set_on)
    });
    let in_flow = move || joins.is_none_or(|(on, _)| on.get());
    view! {
        <details class="service-fields" data-testid=format!("service-{key}")>
            <summary>{tr(name)}</summary>
            {joins.map(|(on, set_on)| view! {
                <ToggleField label="choreo.ctl.in_flow" help="choreo.help.in_flow" value=on on_change=set_on testid=tid(slot, "in-flow") />
            })}
            {crate::show::show(in_flow, move || view! {
            <NumberField label="choreo.ctl.handle_ms" path=format!("services.{key}.latency_ms") help="choreo.help.handle_ms" unit="unit.ms" value=latency on_change=set_latency min=0.0 max=600_000.0 testid=tid(slot, "latency") />
            <ChoiceField label="ctl.latency_shape" help="choreo.help.handle_shape" options=LATENCY_SHAPES.to_vec() value=shape on_change=set_shape testid=tid(slot, "shape") />
            {crate::show::show(move || shape.get() == "normal", move || view! {
                <NumberField label="ctl.latency_sd" path=format!("services.{key}.latency_sd_ms") help="help.latency_sd" unit="unit.ms" value=sd on_change=set_sd min=0.0 max=600_000.0 testid=tid(slot, "latency-sd") />
            }.into_any())}
            {(!orchestrator).then(|| view! {
                <NumberField label="ctl.transient" path=format!("services.{key}.transient_failure_rate") help="choreo.help.transient" unit="unit.percent" value=transient on_change=set_transient min=0.0 max=1.0 step=0.01 scale=100.0 testid=tid(slot, "transient") />
                <NumberField label="ctl.permanent" path=format!("services.{key}.permanent_failure_rate") help="choreo.help.permanent" unit="unit.percent" value=permanent on_change=set_permanent min=0.0 max=1.0 step=0.01 scale=100.0 testid=tid(slot, "permanent") />
                <NumberField label="ctl.slow_rate" path=format!("services.{key}.slow_rate") help="choreo.help.slow_rate" unit="unit.percent" value=slow_rate on_change=set_slow_rate min=0.0 max=1.0 step=0.01 scale=100.0 testid=tid(slot, "slow-rate") />
                <NumberField label="ctl.slow_ms" path=format!("services.{key}.slow_ms") help="choreo.help.slow_ms" unit="unit.ms" value=slow_ms on_change=set_slow_ms min=1.0 max=600_000.0 testid=tid(slot, "slow-ms") />
            })}
            <NumberField label="choreo.ctl.capacity" path=format!("services.{key}.capacity") help="choreo.help.capacity" unit="choreo.unit.messages" value=capacity on_change=set_capacity min=0.0 max=1_000_000.0 testid=tid(slot, "capacity") />
            <ToggleField label="ctl.outage" path=format!("services.{key}.outages[0]") help="choreo.help.outage" value=down on_change=set_down testid=tid(slot, "down") />
            {crate::show::show(move || down.get(), move || view! {
                <NumberField label="ctl.outage_from" path=format!("services.{key}.outages[0].from_ms") help="help.outage_from" unit="unit.s" value=from on_change=set_from min=0.0 max=3_600_000.0 step=1000.0 scale=0.001 testid=tid(slot, "down-from") />
                <NumberField label="ctl.outage_to" path=format!("services.{key}.outages[0].to_ms") help="help.outage_to" unit="unit.s" value=to on_change=set_to min=0.0 max=3_600_000.0 step=1000.0 scale=0.001 testid=tid(slot, "down-to") />
            }.into_any())}
            }.into_any())}
        </details>
    }
}

/// The per-service fields' test ids (`<service>-<field>`), one row per slot.
const FIELDS: [&str; 12] = [
    "latency",
    "shape",
    "latency-sd",
    "transient",
    "permanent",
    "slow-rate",
    "slow-ms",
    "capacity",
    "down",
    "down-from",
    "down-to",
    "in-flow",
];
static TEST_IDS: [[&str; 12]; 9] = [
    [
        "inventory-latency",
        "inventory-shape",
        "inventory-latency-sd",
        "inventory-transient",
        "inventory-permanent",
        "inventory-slow-rate",
        "inventory-slow-ms",
        "inventory-capacity",
        "inventory-down",
        "inventory-down-from",
        "inventory-down-to",
        "inventory-in-flow",
    ],
    [
        "payment-latency",
        "payment-shape",
        "payment-latency-sd",
        "payment-transient",
        "payment-permanent",
        "payment-slow-rate",
        "payment-slow-ms",
        "payment-capacity",
        "payment-down",
        "payment-down-from",
        "payment-down-to",
        "payment-in-flow",
    ],
    [
        "delivery-latency",
        "delivery-shape",
        "delivery-latency-sd",
        "delivery-transient",
        "delivery-permanent",
        "delivery-slow-rate",
        "delivery-slow-ms",
        "delivery-capacity",
        "delivery-down",
        "delivery-down-from",
        "delivery-down-to",
        "delivery-in-flow",
    ],
    [
        "notification-latency",
        "notification-shape",
        "notification-latency-sd",
        "notification-transient",
        "notification-permanent",
        "notification-slow-rate",
        "notification-slow-ms",
        "notification-capacity",
        "notification-down",
        "notification-down-from",
        "notification-down-to",
        "notification-in-flow",
    ],
    [
        "orchestrator-latency",
        "orchestrator-shape",
        "orchestrator-latency-sd",
        "orchestrator-transient",
        "orchestrator-permanent",
        "orchestrator-slow-rate",
        "orchestrator-slow-ms",
        "orchestrator-capacity",
        "orchestrator-down",
        "orchestrator-down-from",
        "orchestrator-down-to",
        "orchestrator-in-flow",
    ],
    [
        "fraud-latency",
        "fraud-shape",
        "fraud-latency-sd",
        "fraud-transient",
        "fraud-permanent",
        "fraud-slow-rate",
        "fraud-slow-ms",
        "fraud-capacity",
        "fraud-down",
        "fraud-down-from",
        "fraud-down-to",
        "fraud-in-flow",
    ],
    [
        "loyalty-latency",
        "loyalty-shape",
        "loyalty-latency-sd",
        "loyalty-transient",
        "loyalty-permanent",
        "loyalty-slow-rate",
        "loyalty-slow-ms",
        "loyalty-capacity",
        "loyalty-down",
        "loyalty-down-from",
        "loyalty-down-to",
        "loyalty-in-flow",
    ],
    [
        "invoicing-latency",
        "invoicing-shape",
        "invoicing-latency-sd",
        "invoicing-transient",
        "invoicing-permanent",
        "invoicing-slow-rate",
        "invoicing-slow-ms",
        "invoicing-capacity",
        "invoicing-down",
        "invoicing-down-from",
        "invoicing-down-to",
        "invoicing-in-flow",
    ],
    [
        "analytics-latency",
        "analytics-shape",
        "analytics-latency-sd",
        "analytics-transient",
        "analytics-permanent",
        "analytics-slow-rate",
        "analytics-slow-ms",
        "analytics-capacity",
        "analytics-down",
        "analytics-down-from",
        "analytics-down-to",
        "analytics-in-flow",
    ],
];

/// The test id of `field` in slot `slot`'s fields.
fn tid(slot: usize, field: &str) -> &'static str {
    let i = FIELDS
        .iter()
        .position(|f| *f == field)
        .expect("a known field");
    TEST_IDS[slot][i]
}

//! The availability lab's controls: every field of `AvailabilityConfig`,
//! grouped as the course text tells the story (the JMeter load, the
//! gateway's routes and the SLO, the registration and queries services and
//! their crashes, the projector feeding the read copy, the monitor's
//! network, and the tactics of side A and side B), each with its unit and a
//! one-line explanation. Bad input is the engine's to judge: its errors,
//! naming the field, are listed at the top of the panel.

use crate::controls::{
    bind, bind_bool, bind_choice, latency_shape_from, latency_shape_str, ChoiceField, FieldGroup,
    NumberField, ToggleField,
};
use crate::i18n::tr;
use engine::labs::availability::config::*;
use engine::patterns::bus::Window;
use engine::patterns::projector::SyncMode;
use engine::validate::ConfigError;
use leptos::prelude::*;

type Cfg = AvailabilityConfig;

/// The projector's shapes: every one but the normal, which needs a spread
/// the projector has no setting for (the engine refuses it).
fn shape_options() -> Vec<(&'static str, &'static str)> {
    crate::controls::LATENCY_SHAPES[..4].to_vec()
}

#[component]
pub fn AvailControls(config: RwSignal<Cfg>, errors: RwSignal<Vec<ConfigError>>) -> impl IntoView {
    view! {
        <div class="controls-panel">
            <h2 id="controls-title" class="small-title">{tr("ui.controls")}</h2>
            <crate::controls::ConfigErrors errors=errors />
            <TacticsFields config=config side=0 />
            <TacticsFields config=config side=1 />
            <LoadFields config=config />
            <GatewayFields config=config />
            <ServiceFields config=config queries=false />
            <ServiceFields config=config queries=true />
            <NetworkFields config=config />
            <ProjectorFields config=config />
        </div>
    }
}

#[component]
fn LoadFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (rate, set_rate) = bind(
        config,
        |c| c.load.requests_per_s,
        |c, v| c.load.requests_per_s = v,
    );
    let (ramp, set_ramp) = bind(
        config,
        |c| c.load.ramp_up_ms as f64,
        |c, v| c.load.ramp_up_ms = v as u64,
    );
    let (dur, set_dur) = bind(
        config,
        |c| c.load.duration_ms as f64,
        |c, v| c.load.duration_ms = v as u64,
    );
    let (share, set_share) = bind(
        config,
        |c| c.load.command_share,
        |c, v| c.load.command_share = v,
    );
    view! {
        <FieldGroup title="availability.group.load">
            <NumberField label="availability.ctl.rate" path="load.requests_per_s" help="availability.hint.rate" unit="unit.per_s" value=rate on_change=set_rate min=0.0 max=10_000.0 step=1.0 testid="rate" />
            <NumberField label="availability.ctl.ramp_up" path="load.ramp_up_ms" help="availability.hint.ramp_up" unit="unit.s" value=ramp on_change=set_ramp min=0.0 max=2_678_400_000.0 step=1000.0 scale=0.001 testid="ramp-up" />
            <NumberField label="availability.ctl.duration" path="load.duration_ms" help="availability.hint.duration" unit="unit.s" value=dur on_change=set_dur min=1.0 max=2_678_400_000.0 step=1000.0 scale=0.001 testid="duration" />
            <NumberField label="availability.ctl.command_share" path="load.command_share" help="availability.hint.command_share" unit="unit.percent" value=share on_change=set_share min=0.0 max=1.0 step=0.01 scale=100.0 testid="command-share" />
        </FieldGroup>
    }
}

#[component]
fn GatewayFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (ct, set_ct) = bind(
        config,
        |c| c.command_timeout_ms as f64,
        |c, v| c.command_timeout_ms = v as u64,
    );
    let (qt, set_qt) = bind(
        config,
        |c| c.query_timeout_ms as f64,
        |c, v| c.query_timeout_ms = v as u64,
    );
    let (slo, set_slo) = bind(config, |c| c.slo, |c, v| c.slo = v);
    view! {
        <FieldGroup title="availability.group.gateway">
            <NumberField label="availability.ctl.command_timeout" path="command_timeout_ms" help="availability.hint.command_timeout" unit="unit.ms" value=ct on_change=set_ct min=1.0 max=600_000.0 step=100.0 testid="command-timeout" />
            <NumberField label="availability.ctl.query_timeout" path="query_timeout_ms" help="availability.hint.query_timeout" unit="unit.ms" value=qt on_change=set_qt min=1.0 max=600_000.0 step=100.0 testid="query-timeout" />
            <NumberField label="availability.ctl.slo" path="slo" help="availability.hint.slo" unit="unit.percent" value=slo on_change=set_slo min=0.0 max=0.999_999 step=0.0001 scale=100.0 testid="slo" />
        </FieldGroup>
    }
}

fn svc(c: &Cfg, queries: bool) -> &Service {
    if queries {
        &c.queries
    } else {
        &c.registration
    }
}

fn svc_mut(c: &mut Cfg, queries: bool) -> &mut Service {
    if queries {
        &mut c.queries
    } else {
        &mut c.registration
    }
}

fn fixed(c: &Cfg, queries: bool) -> Vec<Crash> {
    match &svc(c, queries).crashes {
        Crashes::Fixed { crashes } => crashes.clone(),
        Crashes::Random { .. } => vec![],
    }
}

fn fixed_mut(c: &mut Cfg, queries: bool) -> Option<&mut Vec<Crash>> {
    match &mut svc_mut(c, queries).crashes {
        Crashes::Fixed { crashes } => Some(crashes),
        Crashes::Random { .. } => None,
    }
}

#[component]
fn ServiceFields(config: RwSignal<Cfg>, queries: bool) -> impl IntoView {
    let q = queries;
    let name = if q { "queries" } else { "registration" };
    let (lat, set_lat) = bind(
        config,
        move |c| svc(c, q).latency_ms as f64,
        move |c, v| svc_mut(c, q).latency_ms = v as u64,
    );
    let (shape, set_shape) = bind_choice(
        config,
        move |c| latency_shape_str(svc(c, q).latency_shape),
        move |c, v| {
            let s = svc_mut(c, q);
            crate::controls::set_latency_shape(
                &mut s.latency_shape,
                &mut s.latency_sd_ms,
                s.latency_ms,
                v,
            )
        },
    );
    let (sd, set_sd) = bind(
        config,
        move |c| svc(c, q).latency_sd_ms as f64,
        move |c, v| svc_mut(c, q).latency_sd_ms = v as u64,
    );
    let (cap, set_cap) = bind(
        config,
        move |c| svc(c, q).capacity as f64,
        move |c, v| svc_mut(c, q).capacity = v as u32,
    );
    let (hang, set_hang) = bind(
        config,
        move |c| svc(c, q).hang_ms as f64,
        move |c, v| svc_mut(c, q).hang_ms = v as u64,
    );
    let (kind, set_kind) = bind_choice(
        config,
        move |c| match svc(c, q).crashes {
            Crashes::Fixed { .. } => "fixed",
            Crashes::Random { .. } => "random",
        },
        move |c, v| {
            svc_mut(c, q).crashes = if v == "random" {
                Crashes::Random {
                    mttf_ms: 3_600_000,
                    mttr_ms: 60_000,
                }
            } else {
                Crashes::Fixed { crashes: vec![] }
            }
        },
    );
    let (mttf, set_mttf) = bind(
        config,
        move |c| match svc(c, q).crashes {
            Crashes::Random { mttf_ms, .. } => mttf_ms as f64,
            _ => 0.0,
        },
        move |c, v| {
            if let Crashes::Random { mttf_ms, .. } = &mut svc_mut(c, q).crashes {
                *mttf_ms = v as u64;
            }
        },
    );
    let (mttr, set_mttr) = bind(
        config,
        move |c| match svc(c, q).crashes {
            Crashes::Random { mttr_ms, .. } => mttr_ms as f64,
            _ => 0.0,
        },
        move |c, v| {
            if let Crashes::Random { mttr_ms, .. } = &mut svc_mut(c, q).crashes {
                *mttr_ms = v as u64;
            }
        },
    );
    let count = Memo::new(move |_| config.with(|c| fixed(c, q).len()));
    let is_random = move || kind.get() == "random";
    let p = if q { "queries-" } else { "registration-" };
    let tid = move |s: &'static str| -> &'static str {
        // Test ids as static strings: one per field and service.
        match (q, s) {
            (false, "latency") => "registration-latency",
            (false, "shape") => "registration-shape",
            (false, "capacity") => "registration-capacity",
            (false, "hang") => "registration-hang",
            (false, "crashes") => "registration-crashes",
            (false, "mttf") => "registration-mttf",
            (false, "mttr") => "registration-mttr",
            (false, "latency-sd") => "registration-latency-sd",
            (true, "latency-sd") => "queries-latency-sd",
            (true, "latency") => "queries-latency",
            (true, "shape") => "queries-shape",
            (true, "capacity") => "queries-capacity",
            (true, "hang") => "queries-hang",
            (true, "crashes") => "queries-crashes",
            (true, "mttf") => "queries-mttf",
            _ => "queries-mttr",
        }
    };
    let add = move |_| {
        config.update(|c| {
            if let Some(list) = fixed_mut(c, q) {
                let at = list
                    .last()
                    .map_or(30_000, |k| k.at_ms + k.restart_ms + 10_000);
                list.push(Crash {
                    at_ms: at,
                    restart_ms: 20_000,
                    hang: false,
                });
            }
        })
    };
    let row = move |i: usize| {
        let lang = crate::i18n::use_i18n().lang;
        let (at, set_at) = bind(
            config,
            move |c| fixed(c, q).get(i).map_or(0.0, |k| k.at_ms as f64),
            move |c, v| {
                if let Some(k) = fixed_mut(c, q).and_then(|l| l.get_mut(i)) {
                    k.at_ms = v as u64;
                }
            },
        );
        let (restart, set_restart) = bind(
            config,
            move |c| fixed(c, q).get(i).map_or(0.0, |k| k.restart_ms as f64),
            move |c, v| {
                if let Some(k) = fixed_mut(c, q).and_then(|l| l.get_mut(i)) {
                    k.restart_ms = v as u64;
                }
            },
        );
        let (hung, set_hung) = bind_bool(
            config,
            move |c| fixed(c, q).get(i).is_some_and(|k| k.hang),
            move |c, v| {
                if let Some(k) = fixed_mut(c, q).and_then(|l| l.get_mut(i)) {
                    k.hang = v;
                }
            },
        );
        let remove = move |_| {
            config.update(|c| {
                if let Some(l) = fixed_mut(c, q) {
                    if i < l.len() {
                        l.remove(i);
                    }
                }
            })
        };
        view! {
            <div class="av-crash-row" data-testid=format!("{p}crash-{i}")>
                <span class="av-row-no">{move || engine::i18n::tf(lang.get(), "ui.row_no", &[("n", &(i + 1))])}</span>
                <NumberField label="availability.ctl.crash_at" path=format!("{name}.crashes.crashes[].at_ms") nth=i help="availability.hint.crash_at" unit="unit.s" value=at on_change=set_at min=0.0 max=2_678_400_000.0 max_now=Signal::derive(move || config.with(|c| c.load.duration_ms as f64)) step=1000.0 scale=0.001 testid="crash-at" />
                <NumberField label="availability.ctl.restart" path=format!("{name}.crashes.crashes[].restart_ms") nth=i help="availability.hint.restart" unit="unit.s" value=restart on_change=set_restart min=1.0 max=2_678_400_000.0 step=1000.0 scale=0.001 testid="crash-restart" />
                <ToggleField label="availability.ctl.hang" path=format!("{name}.crashes.crashes[].hang") help="availability.hint.hang" value=hung on_change=set_hung testid="crash-hang" />
                <button type="button" class="btn small" on:click=remove data-testid="crash-remove">{tr("availability.ctl.remove_crash")}</button>
            </div>
        }
    };
    view! {
        <FieldGroup title=if q { "availability.group.queries" } else { "availability.group.registration" }>
            <NumberField label="availability.ctl.latency" path=format!("{name}.latency_ms") help="availability.hint.latency" unit="unit.ms" value=lat on_change=set_lat min=0.0 max=600_000.0 step=5.0 testid=tid("latency") />
            <ChoiceField label="ctl.latency_shape" path=format!("{name}.latency_shape") help="availability.hint.shape" options=crate::controls::LATENCY_SHAPES.to_vec() value=shape on_change=set_shape testid=tid("shape") />
            {crate::show::show(move || shape.get() == "normal", move || view! {
                <NumberField label="ctl.latency_sd" path=format!("{name}.latency_sd_ms") help="help.latency_sd" unit="unit.ms" value=sd on_change=set_sd min=0.0 max=600_000.0 testid=tid("latency-sd") />
            }.into_any())}
            <NumberField label="availability.ctl.capacity" path=format!("{name}.capacity") help="availability.hint.capacity" unit="availability.unit.at_once" value=cap on_change=set_cap min=0.0 max=100_000.0 testid=tid("capacity") />
            <NumberField label="availability.ctl.hang_ms" path=format!("{name}.hang_ms") help="availability.hint.hang_ms" unit="unit.ms" value=hang on_change=set_hang min=0.0 max=600_000.0 step=500.0 testid=tid("hang") />
            <ChoiceField
                label="availability.ctl.crashes"
                path=format!("{name}.crashes")
                help="availability.hint.crashes"
                options=vec![("fixed", "availability.opt.fixed_crashes"), ("random", "availability.opt.random_crashes")]
                value=kind
                on_change=set_kind
                testid=tid("crashes")
            />
            {crate::show::show_or(
                is_random,
                move || view! {
                    <NumberField label="availability.ctl.mttf" path=format!("{name}.crashes.mttf_ms") help="availability.hint.mttf" unit="unit.s" value=mttf on_change=set_mttf min=1.0 max=2_678_400_000.0 step=60_000.0 scale=0.001 testid=tid("mttf") />
                    <NumberField label="availability.ctl.mttr" path=format!("{name}.crashes.mttr_ms") help="availability.hint.mttr" unit="unit.s" value=mttr on_change=set_mttr min=1.0 max=2_678_400_000.0 step=1000.0 scale=0.001 testid=tid("mttr") />
                }.into_any(),
                move || view! {
                    <div class="av-crashes">
                        {move || (0..count.get()).map(row).collect_view()}
                        <button type="button" class="btn small" on:click=add data-testid=format!("{p}crash-add")>{tr("availability.ctl.add_crash")}</button>
                    </div>
                }.into_any(),
            )}
        </FieldGroup>
    }
}

#[component]
fn NetworkFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (lat, set_lat) = bind(
        config,
        |c| c.network.latency_ms as f64,
        |c, v| c.network.latency_ms = v as u64,
    );
    let (jit, set_jit) = bind(
        config,
        |c| c.network.jitter_ms as f64,
        |c, v| c.network.jitter_ms = v as u64,
    );
    let (loss, set_loss) = bind(
        config,
        |c| c.network.loss_rate,
        |c, v| c.network.loss_rate = v,
    );
    view! {
        <FieldGroup title="availability.group.network">
            <NumberField label="availability.ctl.net_latency" path="network.latency_ms" help="availability.hint.net_latency" unit="unit.ms" value=lat on_change=set_lat min=0.0 max=60_000.0 testid="net-latency" />
            <NumberField label="availability.ctl.jitter" path="network.jitter_ms" help="availability.hint.jitter" unit="unit.ms" value=jit on_change=set_jit min=0.0 max=60_000.0 testid="net-jitter" />
            <NumberField label="availability.ctl.loss" path="network.loss_rate" help="availability.hint.loss" unit="unit.percent" value=loss on_change=set_loss min=0.0 max=1.0 step=0.01 scale=100.0 testid="net-loss" />
        </FieldGroup>
    }
}

#[component]
fn ProjectorFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (mode, set_mode) = bind_choice(
        config,
        |c| match c.projector.mode {
            SyncMode::Inline => "inline",
            SyncMode::Delay => "delay",
            SyncMode::Queue => "queue",
        },
        |c, v| {
            c.projector.mode = match v {
                "inline" => SyncMode::Inline,
                "queue" => SyncMode::Queue,
                _ => SyncMode::Delay,
            }
        },
    );
    let (delay, set_delay) = bind(
        config,
        |c| c.projector.delay_ms as f64,
        |c, v| c.projector.delay_ms = v as u64,
    );
    let (service, set_service) = bind(
        config,
        |c| c.projector.service_ms as f64,
        |c, v| c.projector.service_ms = v as u64,
    );
    let (shape, set_shape) = bind_choice(
        config,
        |c| latency_shape_str(c.projector.service_shape),
        |c, v| c.projector.service_shape = latency_shape_from(v),
    );
    let (batch, set_batch) = bind(
        config,
        |c| c.projector.batch as f64,
        |c, v| c.projector.batch = v as u32,
    );
    let (transport, set_transport) = bind(
        config,
        |c| c.projector.transport_ms as f64,
        |c, v| c.projector.transport_ms = v as u64,
    );
    let (crash, set_crash) = bind(
        config,
        |c| c.projector.crash_at_ms as f64,
        |c, v| c.projector.crash_at_ms = v as u64,
    );
    // Every pause window: one row each, added and removed.
    let pauses = Memo::new(move |_| config.with(|c| c.projector.pauses.len()));
    let add_pause = move |_| {
        config.update(|c| {
            let from = c
                .projector
                .pauses
                .last()
                .map_or(20_000, |w| w.to_ms + 10_000);
            c.projector.pauses.push(Window {
                from_ms: from,
                to_ms: from + 10_000,
            });
        })
    };
    // A pause as a whole (it must end after it starts), by its own name.
    crate::controls::name_path(Some("projector.pauses[]".into()), "availability.ctl.pause");
    let pause_row = move |i: usize| {
        let lang = crate::i18n::use_i18n().lang;
        let (from, set_from) = bind(
            config,
            move |c| c.projector.pauses.get(i).map_or(0.0, |w| w.from_ms as f64),
            move |c, v| {
                if let Some(w) = c.projector.pauses.get_mut(i) {
                    w.from_ms = v as u64;
                }
            },
        );
        let (to, set_to) = bind(
            config,
            move |c| c.projector.pauses.get(i).map_or(0.0, |w| w.to_ms as f64),
            move |c, v| {
                if let Some(w) = c.projector.pauses.get_mut(i) {
                    w.to_ms = v as u64;
                }
            },
        );
        let remove = move |_| {
            config.update(|c| {
                if i < c.projector.pauses.len() {
                    c.projector.pauses.remove(i);
                }
            })
        };
        view! {
            <div class="av-crash-row" data-testid=format!("pause-{i}")>
                // Numbered, as the errors name them ("(no. 2)").
                <span class="av-row-no">{move || engine::i18n::tf(lang.get(), "ui.row_no", &[("n", &(i + 1))])}</span>
                <NumberField label="availability.ctl.pause_from" path="projector.pauses[].from_ms" nth=i help="availability.hint.pause_from" unit="unit.s" value=from on_change=set_from min=0.0 max=3_600_000.0 max_now=Signal::derive(move || config.with(|c| c.load.duration_ms as f64)) step=1000.0 scale=0.001 testid="pause-from" />
                <NumberField label="availability.ctl.pause_to" path="projector.pauses[].to_ms" nth=i help="availability.hint.pause_to" unit="unit.s" value=to on_change=set_to min=0.0 max=3_600_000.0 max_now=Signal::derive(move || config.with(|c| c.load.duration_ms as f64)) step=1000.0 scale=0.001 testid="pause-to" />
                <button type="button" class="btn small" on:click=remove data-testid="pause-remove">{tr("availability.ctl.remove_pause")}</button>
            </div>
        }
    };
    let is_queue = move || mode.get() == "queue";
    view! {
        <FieldGroup title="availability.group.projector">
            <ChoiceField
                label="availability.ctl.projector_mode"
                path="projector.mode"
                help="availability.hint.projector_mode"
                options=vec![("inline", "availability.opt.inline"), ("delay", "availability.opt.delay"), ("queue", "availability.opt.queue")]
                value=mode
                on_change=set_mode
                testid="projector-mode"
            />
            {crate::show::show_or(
                is_queue,
                move || view! {
                    <NumberField label="availability.ctl.projector_service" path="projector.service_ms" help="availability.hint.projector_service" unit="unit.ms" value=service on_change=set_service min=0.0 max=60_000.0 testid="projector-service" />
                    <ChoiceField label="ctl.latency_shape" path="projector.service_shape" help="availability.hint.shape" options=shape_options() value=shape on_change=set_shape testid="projector-shape" />
                    <NumberField label="availability.ctl.projector_batch" path="projector.batch" help="availability.hint.projector_batch" unit="availability.unit.changes" value=batch on_change=set_batch min=1.0 max=10_000.0 testid="projector-batch" />
                    <NumberField label="availability.ctl.projector_transport" path="projector.transport_ms" help="availability.hint.projector_transport" unit="unit.ms" value=transport on_change=set_transport min=0.0 max=600_000.0 testid="projector-transport" />
                    <NumberField label="availability.ctl.projector_crash" path="projector.crash_at_ms" help="availability.hint.projector_crash" unit="unit.s" value=crash on_change=set_crash min=0.0 max=3_600_000.0 max_now=Signal::derive(move || config.with(|c| c.load.duration_ms as f64)) step=1000.0 scale=0.001 testid="projector-crash" />
                    <div class="av-pauses">
                        {move || (0..pauses.get()).map(pause_row).collect_view()}
                        <button type="button" class="btn small" on:click=add_pause data-testid="pause-add">{tr("availability.ctl.add_pause")}</button>
                    </div>
                }.into_any(),
                move || view! {
                    <NumberField label="availability.ctl.projector_delay" path="projector.delay_ms" help="availability.hint.projector_delay" unit="unit.ms" value=delay on_change=set_delay min=0.0 max=600_000.0 step=100.0 testid="projector-delay" />
                }.into_any(),
            )}
        </FieldGroup>
    }
}

fn tac(c: &Cfg, side: usize) -> Tactics {
    if side == 0 {
        c.tactics.clone()
    } else {
        c.compare.clone().unwrap_or_default()
    }
}

fn tac_mut(c: &mut Cfg, side: usize) -> &mut Tactics {
    if side == 0 {
        &mut c.tactics
    } else {
        c.compare.get_or_insert_with(Tactics::default)
    }
}

/// A side's tactics (side B only when comparing).
#[component]
fn TacticsFields(config: RwSignal<Cfg>, side: usize) -> impl IntoView {
    let s = side;
    let at = if s == 0 { "tactics" } else { "compare" };
    if s == 1 {
        crate::controls::name_group(at, "availability.group.tactics_b");
    }
    let (compare, set_compare) = bind_bool(
        config,
        |c| c.compare.is_some(),
        |c, on| c.compare = on.then(|| c.compare.clone().unwrap_or_else(|| c.tactics.clone())),
    );
    let (det, set_det) = bind_choice(
        config,
        move |c| match tac(c, s).detector {
            DetectorKind::PingEcho => "ping_echo",
            DetectorKind::PhiAccrual => "phi_accrual",
        },
        move |c, v| {
            tac_mut(c, s).detector = if v == "phi_accrual" {
                DetectorKind::PhiAccrual
            } else {
                DetectorKind::PingEcho
            }
        },
    );
    macro_rules! num {
        ($field:ident) => {
            bind(
                config,
                move |c| tac(c, s).$field as f64,
                move |c, v| tac_mut(c, s).$field = v as _,
            )
        };
    }
    let (interval, set_interval) = num!(interval_ms);
    let (timeout, set_timeout) = num!(timeout_ms);
    let (k, set_k) = num!(k);
    let (window, set_window) = num!(phi_window);
    let (min_sd, set_min_sd) = num!(phi_min_sd_ms);
    let (pause, set_pause) = num!(phi_pause_ms);
    let (threshold, set_threshold) = bind(
        config,
        move |c| tac(c, s).phi_threshold,
        move |c, v| tac_mut(c, s).phi_threshold = v,
    );
    let (spin, set_spin) = num!(spin_up_ms);
    let (rate, set_rate) = bind(
        config,
        move |c| tac(c, s).resync_per_s,
        move |c, v| tac_mut(c, s).resync_per_s = v,
    );
    let (red, set_red) = bind_choice(
        config,
        move |c| match tac(c, s).redundancy {
            Redundancy::None => "none",
            Redundancy::Cold => "cold",
            Redundancy::Warm => "warm",
        },
        move |c, v| {
            tac_mut(c, s).redundancy = match v {
                "none" => Redundancy::None,
                "warm" => Redundancy::Warm,
                _ => Redundancy::Cold,
            }
        },
    );
    let (resync, set_resync) = bind_bool(
        config,
        move |c| tac(c, s).resync,
        move |c, v| tac_mut(c, s).resync = v,
    );
    let (fencing, set_fencing) = bind_bool(
        config,
        move |c| tac(c, s).fencing,
        move |c, v| tac_mut(c, s).fencing = v,
    );
    let ids: [&'static str; 15] = if s == 0 {
        [
            "a-detector",
            "a-interval",
            "a-timeout",
            "a-k",
            "a-phi-window",
            "a-phi-min-sd",
            "a-phi-pause",
            "a-phi-threshold",
            "a-redundancy",
            "a-spin-up",
            "a-resync",
            "a-resync-rate",
            "a-fencing",
            "a-group",
            "a-fields",
        ]
    } else {
        [
            "b-detector",
            "b-interval",
            "b-timeout",
            "b-k",
            "b-phi-window",
            "b-phi-min-sd",
            "b-phi-pause",
            "b-phi-threshold",
            "b-redundancy",
            "b-spin-up",
            "b-resync",
            "b-resync-rate",
            "b-fencing",
            "b-group",
            "b-fields",
        ]
    };
    let is_phi = move || det.get() == "phi_accrual";
    let is_cold = move || red.get() == "cold";
    let has_backup = move || red.get() != "none";
    let fields = move || {
        view! {
            <ChoiceField
                label="availability.ctl.detector"
                path=format!("{at}.detector")
                help="availability.hint.detector"
                options=vec![("ping_echo", "availability.opt.ping_echo"), ("phi_accrual", "availability.opt.phi_accrual")]
                value=det
                on_change=set_det
                testid=ids[0]
            />
            <NumberField label="availability.ctl.interval" path=format!("{at}.interval_ms") help="availability.hint.interval" unit="unit.ms" value=interval on_change=set_interval min=10.0 max=600_000.0 step=100.0 testid=ids[1] />
            {crate::show::show_or(
                is_phi,
                move || view! {
                    <NumberField label="availability.ctl.phi_window" path=format!("{at}.phi_window") help="availability.hint.phi_window" value=window on_change=set_window min=2.0 max=10_000.0 testid=ids[4] />
                    <NumberField label="availability.ctl.phi_min_sd" path=format!("{at}.phi_min_sd_ms") help="availability.hint.phi_min_sd" unit="unit.ms" value=min_sd on_change=set_min_sd min=1.0 max=600_000.0 step=10.0 testid=ids[5] />
                    <NumberField label="availability.ctl.phi_pause" path=format!("{at}.phi_pause_ms") help="availability.hint.phi_pause" unit="unit.ms" value=pause on_change=set_pause min=0.0 max=600_000.0 step=10.0 testid=ids[6] />
                    <NumberField label="availability.ctl.phi_threshold" path=format!("{at}.phi_threshold") help="availability.hint.phi_threshold" value=threshold on_change=set_threshold min=0.1 max=100.0 step=0.5 testid=ids[7] />
                }.into_any(),
                move || view! {
                    <NumberField label="availability.ctl.timeout" path=format!("{at}.timeout_ms") help="availability.hint.timeout" unit="unit.ms" value=timeout on_change=set_timeout min=1.0 max=600_000.0 step=50.0 testid=ids[2] />
                    <NumberField label="availability.ctl.k" path=format!("{at}.k") help="availability.hint.k" unit="availability.unit.misses" value=k on_change=set_k min=1.0 max=100.0 testid=ids[3] />
                }.into_any(),
            )}
            <ChoiceField
                label="availability.ctl.redundancy"
                path=format!("{at}.redundancy")
                help="availability.hint.redundancy"
                options=vec![("none", "availability.opt.no_backup"), ("cold", "availability.opt.cold"), ("warm", "availability.opt.warm")]
                value=red
                on_change=set_red
                testid=ids[8]
            />
            {crate::show::show(is_cold, move || view! {
                <NumberField label="availability.ctl.spin_up" path=format!("{at}.spin_up_ms") help="availability.hint.spin_up" unit="unit.ms" value=spin on_change=set_spin min=0.0 max=3_600_000.0 step=500.0 testid=ids[9] />
            }.into_any())}
            {crate::show::show(has_backup, move || view! {
                <ToggleField label="availability.ctl.resync" path=format!("{at}.resync") help="availability.hint.resync" value=resync on_change=set_resync testid=ids[10] />
                {crate::show::show(move || resync.get(), move || view! {
                    <NumberField label="availability.ctl.resync_rate" path=format!("{at}.resync_per_s") help="availability.hint.resync_rate" unit="availability.unit.writes_per_s" value=rate on_change=set_rate min=0.001 max=1_000_000.0 step=10.0 testid=ids[11] />
                }.into_any())}
                <ToggleField label="availability.ctl.fencing" path=format!("{at}.fencing") help="availability.hint.fencing" value=fencing on_change=set_fencing testid=ids[12] />
            }.into_any())}
        }
    };
    if s == 0 {
        view! {
            <FieldGroup title="availability.group.tactics_a">
                <div data-testid=ids[14]>{fields()}</div>
            </FieldGroup>
        }
        .into_any()
    } else {
        view! {
            <FieldGroup title="availability.group.tactics_b">
                <ToggleField label="availability.ctl.compare" help="availability.hint.compare" value=compare on_change=set_compare testid="compare" />
                {crate::show::show(move || compare.get(), move || view! { <div data-testid=ids[14]>{fields()}</div> }.into_any())}
            </FieldGroup>
        }
        .into_any()
    }
}

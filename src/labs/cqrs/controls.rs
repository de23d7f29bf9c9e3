//! The CQRS lab's controls: every field of `CqrsConfig`, grouped as the
//! course texts tell the story (what each side runs, who writes and reads,
//! the stores, the projector, a second projection, read replicas, how
//! queries wait, the stock queue between two services), each with its unit
//! and a one-line explanation. Bad input is the engine's to judge: its
//! errors, naming the field, are listed at the top of the panel.

use crate::controls::{ChoiceField, FieldGroup, NumberField, ToggleField};
use crate::i18n::{tr, use_i18n};
use engine::i18n::{t, tf};
use engine::labs::cqrs::config::*;
use engine::patterns::bus::Window;
use engine::patterns::projector::{ProjectorConfig, SyncMode};
use engine::patterns::service::LatencyShape;
use engine::validate::ConfigError;
use leptos::prelude::*;

type Cfg = CqrsConfig;

/// A numeric binding into the config: a reactive value and a setter.
fn bind(
    config: RwSignal<Cfg>,
    get: impl Fn(&Cfg) -> f64 + Send + Sync + 'static,
    set: impl Fn(&mut Cfg, f64) + Send + Sync + 'static,
) -> (Signal<f64>, Callback<f64>) {
    (
        Signal::derive(move || config.with(&get)),
        Callback::new(move |v| config.update(|c| set(c, v))),
    )
}

fn bind_bool(
    config: RwSignal<Cfg>,
    get: impl Fn(&Cfg) -> bool + Send + Sync + 'static,
    set: impl Fn(&mut Cfg, bool) + Send + Sync + 'static,
) -> (Signal<bool>, Callback<bool>) {
    (
        Signal::derive(move || config.with(&get)),
        Callback::new(move |v| config.update(|c| set(c, v))),
    )
}

fn bind_choice(
    config: RwSignal<Cfg>,
    get: impl Fn(&Cfg) -> &'static str + Send + Sync + 'static,
    set: impl Fn(&mut Cfg, &str) + Send + Sync + 'static,
) -> (Signal<String>, Callback<String>) {
    (
        Signal::derive(move || config.with(|c| get(c).to_string())),
        Callback::new(move |v: String| config.update(|c| set(c, &v))),
    )
}

pub fn sync_str(m: SyncMode) -> &'static str {
    match m {
        SyncMode::Inline => "inline",
        SyncMode::Delay => "delay",
        SyncMode::Queue => "queue",
    }
}

fn sync_from(s: &str) -> SyncMode {
    match s {
        "inline" => SyncMode::Inline,
        "queue" => SyncMode::Queue,
        _ => SyncMode::Delay,
    }
}

fn sync_options() -> Vec<(&'static str, &'static str)> {
    vec![
        ("inline", "cqrs.opt.inline"),
        ("delay", "cqrs.opt.delay"),
        ("queue", "cqrs.opt.queue"),
    ]
}

fn shape_str(s: LatencyShape) -> &'static str {
    match s {
        LatencyShape::Fixed => "fixed",
        LatencyShape::Uniform => "uniform",
        LatencyShape::Exponential => "exponential",
        LatencyShape::LogNormal => "log_normal",
        LatencyShape::Normal => "normal",
    }
}

fn shape_from(s: &str) -> LatencyShape {
    match s {
        "fixed" => LatencyShape::Fixed,
        "uniform" => LatencyShape::Uniform,
        "exponential" => LatencyShape::Exponential,
        "normal" => LatencyShape::Normal,
        _ => LatencyShape::LogNormal,
    }
}

fn shape_options() -> Vec<(&'static str, &'static str)> {
    vec![
        ("fixed", "opt.fixed_latency"),
        ("uniform", "opt.uniform"),
        ("exponential", "opt.exponential_latency"),
        ("log_normal", "opt.log_normal"),
    ]
}

#[component]
pub fn CqrsControls(config: RwSignal<Cfg>, errors: RwSignal<Vec<ConfigError>>) -> impl IntoView {
    let lang = use_i18n().lang;
    view! {
        <div class="controls-panel">
            <h2 id="controls-title" class="small-title">{tr("ui.controls")}</h2>
            {move || {
                let list = errors.get();
                (!list.is_empty()).then(|| {
                    view! {
                        <div class="config-errors" role="alert" data-testid="config-errors">
                            <strong>{tr("ui.config_errors")}</strong>
                            <ul>{list.iter().map(|e| view! { <li>{e.describe(lang.get())}</li> }).collect_view()}</ul>
                        </div>
                    }
                })
            }}
            <SideFields config=config which=0 />
            <CompareFields config=config />
            <WorkloadFields config=config />
            <QueryFields config=config />
            <StoreFields config=config />
            <ProjectorFields config=config which=0 />
            <HistoryFields config=config />
            <ReplicaFields config=config />
            <StockFields config=config />
        </div>
    }
}

fn side_of(c: &Cfg, which: usize) -> CqrsSide {
    if which == 0 {
        c.side.clone()
    } else {
        c.compare.clone().unwrap_or_default()
    }
}

fn side_mut(c: &mut Cfg, which: usize) -> &mut CqrsSide {
    if which == 0 {
        &mut c.side
    } else {
        c.compare.get_or_insert_with(CqrsSide::default)
    }
}

/// What one side runs: the pattern A | B compares.
#[component]
fn SideFields(config: RwSignal<Cfg>, which: usize) -> impl IntoView {
    let ids: [&'static str; 5] = if which == 0 {
        [
            "a-architecture",
            "a-sync",
            "a-consistency",
            "a-idempotent",
            "a-reserve",
        ]
    } else {
        [
            "b-architecture",
            "b-sync",
            "b-consistency",
            "b-idempotent",
            "b-reserve",
        ]
    };
    let (arch, set_arch) = bind_choice(
        config,
        move |c| match side_of(c, which).architecture {
            Architecture::Cqrs => "cqrs",
            Architecture::Crud => "crud",
        },
        move |c, v| {
            side_mut(c, which).architecture = if v == "crud" {
                Architecture::Crud
            } else {
                Architecture::Cqrs
            }
        },
    );
    let (sync, set_sync) = bind_choice(
        config,
        move |c| side_of(c, which).sync.map_or("same", sync_str),
        move |c, v| side_mut(c, which).sync = (v != "same").then(|| sync_from(v)),
    );
    let mut sync_opts = vec![("same", "cqrs.opt.same_sync")];
    sync_opts.extend(sync_options());
    let (cons, set_cons) = bind_choice(
        config,
        move |c| match side_of(c, which).consistency {
            Consistency::Eventual => "eventual",
            Consistency::ReadYourWrites => "read_your_writes",
            Consistency::Monotonic => "monotonic",
        },
        move |c, v| {
            side_mut(c, which).consistency = match v {
                "read_your_writes" => Consistency::ReadYourWrites,
                "monotonic" => Consistency::Monotonic,
                _ => Consistency::Eventual,
            }
        },
    );
    let (idem, set_idem) = bind_bool(
        config,
        move |c| side_of(c, which).idempotent_stock,
        move |c, v| side_mut(c, which).idempotent_stock = v,
    );
    let (reserve, set_reserve) = bind_bool(
        config,
        move |c| side_of(c, which).reserve_stock,
        move |c, v| side_mut(c, which).reserve_stock = v,
    );
    let title = if which == 0 {
        "cqrs.group.side_a"
    } else {
        "cqrs.group.side_b"
    };
    view! {
        <FieldGroup title=title>
            <ChoiceField label="cqrs.ctl.architecture" help="cqrs.help.architecture" options=vec![("cqrs", "cqrs.opt.cqrs"), ("crud", "cqrs.opt.crud")] value=arch on_change=set_arch testid=ids[0] />
            <ChoiceField label="cqrs.ctl.side_sync" help="cqrs.help.side_sync" options=sync_opts value=sync on_change=set_sync testid=ids[1] />
            <ChoiceField
                label="cqrs.ctl.consistency"
                help="cqrs.help.consistency"
                options=vec![("eventual", "cqrs.opt.eventual"), ("read_your_writes", "cqrs.opt.read_your_writes"), ("monotonic", "cqrs.opt.monotonic")]
                value=cons
                on_change=set_cons
                testid=ids[2]
            />
            <ToggleField label="cqrs.ctl.idempotent_stock" help="cqrs.help.idempotent_stock" value=idem on_change=set_idem testid=ids[3] />
            <ToggleField label="cqrs.ctl.reserve_stock" help="cqrs.help.reserve_stock" value=reserve on_change=set_reserve testid=ids[4] />
        </FieldGroup>
    }
}

#[component]
fn CompareFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (on, set_on) = bind_bool(
        config,
        |c| c.compare.is_some(),
        |c, v| c.compare = v.then(|| c.side.clone()),
    );
    view! {
        <ToggleField label="cqrs.ctl.compare" help="cqrs.help.compare" value=on on_change=set_on testid="compare" />
        {crate::show::show(move || on.get(), move || view! { <SideFields config=config which=1 /> }.into_any())}
    }
}

fn poisson_default() -> CqrsWorkload {
    CqrsWorkload::Poisson {
        writes_per_s: 20.0,
        reads_per_s: 20.0,
        duration_ms: 20_000,
        users: 100,
        update_share: 0.3,
        cancel_share: 0.05,
    }
}

/// A Poisson workload's number field: `get`/`set` on its fields.
fn poisson_bind(
    config: RwSignal<Cfg>,
    get: fn(&CqrsWorkload) -> f64,
    set: fn(&mut CqrsWorkload, f64),
) -> (Signal<f64>, Callback<f64>) {
    bind(
        config,
        move |c| {
            if matches!(c.workload, CqrsWorkload::Poisson { .. }) {
                get(&c.workload)
            } else {
                0.0
            }
        },
        move |c, v| {
            if matches!(c.workload, CqrsWorkload::Poisson { .. }) {
                set(&mut c.workload, v)
            }
        },
    )
}

macro_rules! field {
    ($name:ident) => {
        (
            |w: &CqrsWorkload| match w {
                CqrsWorkload::Poisson { $name, .. } => *$name as f64,
                _ => 0.0,
            },
            |w: &mut CqrsWorkload, v: f64| {
                if let CqrsWorkload::Poisson { $name, .. } = w {
                    *$name = v as _;
                }
            },
        )
    };
}

#[component]
fn WorkloadFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (kind, set_kind) = bind_choice(
        config,
        |c| match c.workload {
            CqrsWorkload::Script { .. } => "script",
            CqrsWorkload::Poisson { .. } => "poisson",
        },
        |c, v| {
            c.workload = if v == "poisson" {
                poisson_default()
            } else {
                CqrsWorkload::default()
            }
        },
    );
    let (g, s) = field!(writes_per_s);
    let (writes, set_writes) = poisson_bind(config, g, s);
    let (g, s) = field!(reads_per_s);
    let (reads, set_reads) = poisson_bind(config, g, s);
    let (g, s) = field!(duration_ms);
    let (duration, set_duration) = poisson_bind(config, g, s);
    let (g, s) = field!(users);
    let (users, set_users) = poisson_bind(config, g, s);
    let (g, s) = field!(update_share);
    let (update, set_update) = poisson_bind(config, g, s);
    let (g, s) = field!(cancel_share);
    let (cancel, set_cancel) = poisson_bind(config, g, s);
    let is = move |k: &'static str| move || kind.get() == k;
    view! {
        <FieldGroup title="cqrs.group.traffic">
            <ChoiceField
                label="ctl.workload"
                help="cqrs.help.workload"
                options=vec![("script", "cqrs.opt.script"), ("poisson", "cqrs.opt.poisson")]
                value=kind
                on_change=set_kind
                testid="workload"
            />
            {crate::show::show(is("poisson"), move || view! {
                <NumberField label="cqrs.ctl.writes_per_s" help="cqrs.help.writes_per_s" unit="unit.per_s" value=writes on_change=set_writes min=0.0 max=100_000.0 step=1.0 testid="writes-per-s" />
                <NumberField label="cqrs.ctl.reads_per_s" help="cqrs.help.reads_per_s" unit="unit.per_s" value=reads on_change=set_reads min=0.0 max=100_000.0 step=1.0 testid="reads-per-s" />
                <NumberField label="ctl.duration" help="cqrs.help.duration" unit="unit.s" value=duration on_change=set_duration min=1.0 max=3_600_000.0 step=1000.0 scale=0.001 testid="duration" />
                <NumberField label="cqrs.ctl.users" help="cqrs.help.users" value=users on_change=set_users min=1.0 max=1_000_000.0 testid="users" />
                <NumberField label="cqrs.ctl.update_share" help="cqrs.help.update_share" unit="unit.percent" value=update on_change=set_update min=0.0 max=1.0 step=0.01 scale=100.0 slider=true testid="update-share" />
                <NumberField label="cqrs.ctl.cancel_share" help="cqrs.help.cancel_share" unit="unit.percent" value=cancel on_change=set_cancel min=0.0 max=1.0 step=0.01 scale=100.0 slider=true testid="cancel-share" />
            }.into_any())}
            {crate::show::show(is("script"), move || view! { <ScriptSteps config=config /> }.into_any())}
        </FieldGroup>
    }
}

/// A script's steps: what each does, and when (editable).
#[component]
fn ScriptSteps(config: RwSignal<Cfg>) -> impl IntoView {
    let lang = use_i18n().lang;
    let count = Memo::new(move |_| {
        config.with(|c| match &c.workload {
            CqrsWorkload::Script { steps } => steps.len(),
            CqrsWorkload::Poisson { .. } => 0,
        })
    });
    let step_text = move |i: usize| {
        move || {
            let lang = lang.get();
            config.with(|c| {
                let CqrsWorkload::Script { steps } = &c.workload else {
                    return String::new();
                };
                match steps.get(i) {
                    Some(Scripted::Create { user, .. }) => {
                        tf(lang, "cqrs.step.create", &[("user", user)])
                    }
                    Some(Scripted::Update { order, status, .. }) => tf(
                        lang,
                        "cqrs.step.update",
                        &[
                            ("order", order),
                            ("status", &t(lang, &format!("cqrs.status.{}", status.key()))),
                        ],
                    ),
                    Some(Scripted::Cancel { order, .. }) => {
                        tf(lang, "cqrs.step.cancel", &[("order", order)])
                    }
                    Some(Scripted::Read { user, order, .. }) => {
                        tf(lang, "cqrs.step.read", &[("user", user), ("order", order)])
                    }
                    None => String::new(),
                }
            })
        }
    };
    view! {
        <p class="help">{tr("cqrs.help.script")}</p>
        <ol class="cqrs-steps" data-testid="script-steps">
            {move || (0..count.get()).map(|i| {
                let (at, set_at) = bind(
                    config,
                    move |c| match &c.workload {
                        CqrsWorkload::Script { steps } => steps.get(i).map_or(0.0, |s| s.at_ms() as f64),
                        CqrsWorkload::Poisson { .. } => 0.0,
                    },
                    move |c, v| {
                        if let CqrsWorkload::Script { steps } = &mut c.workload {
                            if let Some(s) = steps.get_mut(i) {
                                let v = v as u64;
                                match s {
                                    Scripted::Create { at_ms, .. }
                                    | Scripted::Update { at_ms, .. }
                                    | Scripted::Cancel { at_ms, .. }
                                    | Scripted::Read { at_ms, .. } => *at_ms = v,
                                }
                            }
                        }
                    },
                );
                view! {
                    <li data-testid=format!("step-{i}")>
                        <span class="cqrs-step-what">{step_text(i)}</span>
                        <NumberField label="cqrs.ctl.step_at" help="cqrs.help.step_at" unit="unit.ms" value=at on_change=set_at min=0.0 max=3_600_000.0 step=100.0 />
                    </li>
                }
            }).collect_view()}
        </ol>
        <button class="btn" data-testid="script-demo" on:click=move |_| config.update(|c| c.workload = CqrsWorkload::default())>
            {tr("cqrs.ctl.script_demo")}
        </button>
    }
}

#[component]
fn QueryFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (raw_on, set_raw_on) = bind_bool(
        config,
        |c| c.read_after_write_ms.is_some(),
        |c, v| c.read_after_write_ms = v.then_some(0),
    );
    let (raw, set_raw) = bind(
        config,
        |c| c.read_after_write_ms.unwrap_or(0) as f64,
        |c, v| {
            if c.read_after_write_ms.is_some() {
                c.read_after_write_ms = Some(v as u64)
            }
        },
    );
    let (poll, set_poll) = bind(config, |c| c.poll_ms as f64, |c, v| c.poll_ms = v as u64);
    let (timeout, set_timeout) = bind(
        config,
        |c| c.ryw_timeout_ms as f64,
        |c, v| c.ryw_timeout_ms = v as u64,
    );
    let (fallback, set_fallback) = bind_choice(
        config,
        |c| match c.ryw_fallback {
            Fallback::WriteStore => "write_store",
            Fallback::Error => "error",
        },
        |c, v| {
            c.ryw_fallback = if v == "error" {
                Fallback::Error
            } else {
                Fallback::WriteStore
            }
        },
    );
    view! {
        <FieldGroup title="cqrs.group.queries">
            <ToggleField label="cqrs.ctl.read_after_write" help="cqrs.help.read_after_write" value=raw_on on_change=set_raw_on testid="read-after-write" />
            {crate::show::show(move || raw_on.get(), move || view! {
                <NumberField label="cqrs.ctl.read_after_write_ms" help="cqrs.help.read_after_write_ms" unit="unit.ms" value=raw on_change=set_raw min=0.0 max=600_000.0 step=100.0 testid="read-after-write-ms" />
            }.into_any())}
            <NumberField label="cqrs.ctl.poll" help="cqrs.help.poll" unit="unit.ms" value=poll on_change=set_poll min=0.0 max=600_000.0 step=100.0 testid="poll" />
            <NumberField label="cqrs.ctl.ryw_timeout" help="cqrs.help.ryw_timeout" unit="unit.ms" value=timeout on_change=set_timeout min=1.0 max=600_000.0 step=100.0 testid="ryw-timeout" />
            <ChoiceField
                label="cqrs.ctl.ryw_fallback"
                help="cqrs.help.ryw_fallback"
                options=vec![("write_store", "cqrs.opt.fallback_write_store"), ("error", "cqrs.opt.fallback_error")]
                value=fallback
                on_change=set_fallback
                testid="ryw-fallback"
            />
        </FieldGroup>
    }
}

#[component]
fn StoreFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (w, set_w) = bind(
        config,
        |c| c.store.write_ms as f64,
        |c, v| c.store.write_ms = v as u64,
    );
    let (r, set_r) = bind(
        config,
        |c| c.store.read_ms as f64,
        |c, v| c.store.read_ms = v as u64,
    );
    let (cap, set_cap) = bind(
        config,
        |c| c.store.capacity as f64,
        |c, v| c.store.capacity = v as u32,
    );
    view! {
        <FieldGroup title="cqrs.group.stores">
            <NumberField label="cqrs.ctl.write_ms" help="cqrs.help.write_ms" unit="unit.ms" value=w on_change=set_w min=0.0 max=60_000.0 testid="write-ms" />
            <NumberField label="cqrs.ctl.read_ms" help="cqrs.help.read_ms" unit="unit.ms" value=r on_change=set_r min=0.0 max=60_000.0 testid="read-ms" />
            <NumberField label="cqrs.ctl.capacity" help="cqrs.help.capacity" value=cap on_change=set_cap min=0.0 max=100_000.0 testid="capacity" />
        </FieldGroup>
    }
}

fn projector(c: &Cfg, which: u8) -> ProjectorConfig {
    if which == 0 {
        c.projector.clone()
    } else {
        c.history.clone().unwrap_or_default()
    }
}

fn projector_mut(c: &mut Cfg, which: u8) -> &mut ProjectorConfig {
    if which == 0 {
        &mut c.projector
    } else {
        c.history.get_or_insert_with(history_default)
    }
}

fn history_default() -> ProjectorConfig {
    ProjectorConfig {
        delay_ms: 3_000,
        ..ProjectorConfig::default()
    }
}

/// A projector's fields (the details projection's, or the history's).
#[component]
fn ProjectorFields(config: RwSignal<Cfg>, which: u8) -> impl IntoView {
    let ids: [&'static str; 10] = if which == 0 {
        [
            "p0-mode",
            "p0-delay",
            "p0-service",
            "p0-shape",
            "p0-batch",
            "p0-transport",
            "p0-pause",
            "p0-pause-from",
            "p0-pause-to",
            "p0-crash",
        ]
    } else {
        [
            "p1-mode",
            "p1-delay",
            "p1-service",
            "p1-shape",
            "p1-batch",
            "p1-transport",
            "p1-pause",
            "p1-pause-from",
            "p1-pause-to",
            "p1-crash",
        ]
    };
    let (mode, set_mode) = bind_choice(
        config,
        move |c| sync_str(projector(c, which).mode),
        move |c, v| projector_mut(c, which).mode = sync_from(v),
    );
    let num = |get: fn(&ProjectorConfig) -> f64, set: fn(&mut ProjectorConfig, f64)| {
        bind(
            config,
            move |c| get(&projector(c, which)),
            move |c, v| set(projector_mut(c, which), v),
        )
    };
    let (delay, set_delay) = num(|p| p.delay_ms as f64, |p, v| p.delay_ms = v as u64);
    let (service, set_service) = num(|p| p.service_ms as f64, |p, v| p.service_ms = v as u64);
    let (batch, set_batch) = num(|p| p.batch as f64, |p, v| p.batch = v as u32);
    let (transport, set_transport) =
        num(|p| p.transport_ms as f64, |p, v| p.transport_ms = v as u64);
    let (crash, set_crash) = num(|p| p.crash_at_ms as f64, |p, v| p.crash_at_ms = v as u64);
    let (from, set_from) = num(
        |p| p.pauses.first().map_or(0.0, |w| w.from_ms as f64),
        |p, v| {
            if let Some(w) = p.pauses.first_mut() {
                w.from_ms = v as u64;
            }
        },
    );
    let (to, set_to) = num(
        |p| p.pauses.first().map_or(0.0, |w| w.to_ms as f64),
        |p, v| {
            if let Some(w) = p.pauses.first_mut() {
                w.to_ms = v as u64;
            }
        },
    );
    let (shape, set_shape) = bind_choice(
        config,
        move |c| shape_str(projector(c, which).service_shape),
        move |c, v| projector_mut(c, which).service_shape = shape_from(v),
    );
    let (paused, set_paused) = bind_bool(
        config,
        move |c| !projector(c, which).pauses.is_empty(),
        move |c, on| {
            projector_mut(c, which).pauses = if on {
                vec![Window {
                    from_ms: 5_000,
                    to_ms: 10_000,
                }]
            } else {
                vec![]
            }
        },
    );
    let queue = move || mode.get() == "queue";
    let title = if which == 0 {
        "cqrs.group.projector"
    } else {
        "cqrs.group.history_projector"
    };
    view! {
        <FieldGroup title=title>
            <ChoiceField label="cqrs.ctl.sync" help="cqrs.help.sync" options=sync_options() value=mode on_change=set_mode testid=ids[0] />
            {crate::show::show(move || !queue(), move || view! {
                <NumberField label="cqrs.ctl.delay" help="cqrs.help.delay" unit="unit.ms" value=delay on_change=set_delay min=0.0 max=600_000.0 step=100.0 testid=ids[1] />
            }.into_any())}
            {crate::show::show(queue, move || view! {
                <NumberField label="cqrs.ctl.service" help="cqrs.help.service" unit="unit.ms" value=service on_change=set_service min=0.0 max=60_000.0 testid=ids[2] />
                <ChoiceField label="ctl.latency_shape" help="cqrs.help.service_shape" options=shape_options() value=shape on_change=set_shape testid=ids[3] />
                <NumberField label="cqrs.ctl.batch" help="cqrs.help.batch" value=batch on_change=set_batch min=1.0 max=10_000.0 testid=ids[4] />
                <NumberField label="cqrs.ctl.transport" help="cqrs.help.transport" unit="unit.ms" value=transport on_change=set_transport min=0.0 max=600_000.0 testid=ids[5] />
                <ToggleField label="cqrs.ctl.pause" help="cqrs.help.pause" value=paused on_change=set_paused testid=ids[6] />
                {crate::show::show(move || paused.get(), move || view! {
                    <NumberField label="ctl.outage_from" help="cqrs.help.pause_from" unit="unit.s" value=from on_change=set_from min=0.0 max=3_600_000.0 step=1000.0 scale=0.001 testid=ids[7] />
                    <NumberField label="ctl.outage_to" help="cqrs.help.pause_to" unit="unit.s" value=to on_change=set_to min=0.0 max=3_600_000.0 step=1000.0 scale=0.001 testid=ids[8] />
                }.into_any())}
                <NumberField label="cqrs.ctl.crash" help="cqrs.help.crash" unit="unit.s" value=crash on_change=set_crash min=0.0 max=3_600_000.0 step=1000.0 scale=0.001 testid=ids[9] />
            }.into_any())}
        </FieldGroup>
    }
}

#[component]
fn HistoryFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (on, set_on) = bind_bool(
        config,
        |c| c.history.is_some(),
        |c, v| c.history = v.then(history_default),
    );
    view! {
        <FieldGroup title="cqrs.group.history">
            <ToggleField label="cqrs.ctl.history" help="cqrs.help.history" value=on on_change=set_on testid="history" />
        </FieldGroup>
        {crate::show::show(move || on.get(), move || view! { <ProjectorFields config=config which=1 /> }.into_any())}
    }
}

const REPLICA_IDS: [&str; 8] = [
    "replica-lag-0",
    "replica-lag-1",
    "replica-lag-2",
    "replica-lag-3",
    "replica-lag-4",
    "replica-lag-5",
    "replica-lag-6",
    "replica-lag-7",
];

#[component]
fn ReplicaFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (count, set_count) = bind(
        config,
        |c| c.replicas_lag_ms.len() as f64,
        |c, v| c.replicas_lag_ms.resize(v as usize, 500),
    );
    let lags = (0..REPLICA_IDS.len())
        .map(|i| {
            let (lag, set_lag) = bind(
                config,
                move |c| c.replicas_lag_ms.get(i).map_or(0.0, |v| *v as f64),
                move |c, v| {
                    if let Some(l) = c.replicas_lag_ms.get_mut(i) {
                        *l = v as u64;
                    }
                },
            );
            crate::show::show(
                move || (i as f64) < count.get(),
                move || {
                    view! {
                        <NumberField label="cqrs.ctl.replica_lag" help="cqrs.help.replica_lag" unit="unit.ms" value=lag on_change=set_lag min=0.0 max=600_000.0 step=100.0 testid=REPLICA_IDS[i] />
                    }
                    .into_any()
                },
            )
        })
        .collect_view();
    view! {
        <FieldGroup title="cqrs.group.replicas">
            <NumberField label="cqrs.ctl.replicas" help="cqrs.help.replicas" value=count on_change=set_count min=0.0 max=8.0 testid="replicas" />
            {lags}
        </FieldGroup>
    }
}

#[component]
fn StockFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (on, set_on) = bind_bool(
        config,
        |c| c.stock.is_some(),
        |c, v| c.stock = v.then(StockQueue::default),
    );
    let num = |get: fn(&StockQueue) -> f64, set: fn(&mut StockQueue, f64)| {
        bind(
            config,
            move |c| c.stock.as_ref().map_or(0.0, get),
            move |c, v| {
                if let Some(s) = c.stock.as_mut() {
                    set(s, v)
                }
            },
        )
    };
    let (units, set_units) = num(|s| s.units as f64, |s, v| s.units = v as u32);
    let (latency, set_latency) = num(|s| s.latency_ms as f64, |s, v| s.latency_ms = v as u64);
    let (dup, set_dup) = num(|s| s.duplicate_rate, |s, v| s.duplicate_rate = v);
    let (consumer, set_consumer) = num(|s| s.consumer_ms as f64, |s, v| s.consumer_ms = v as u64);
    let (copy, set_copy) = num(|s| s.copy_lag_ms as f64, |s, v| s.copy_lag_ms = v as u64);
    view! {
        <FieldGroup title="cqrs.group.stock">
            <ToggleField label="cqrs.ctl.stock" help="cqrs.help.stock" value=on on_change=set_on testid="stock" />
            {crate::show::show(move || on.get(), move || view! {
                <NumberField label="cqrs.ctl.units" help="cqrs.help.units" value=units on_change=set_units min=0.0 max=10_000_000.0 testid="stock-units" />
                <NumberField label="cqrs.ctl.stock_latency" help="cqrs.help.stock_latency" unit="unit.ms" value=latency on_change=set_latency min=0.0 max=600_000.0 testid="stock-latency" />
                <NumberField label="cqrs.ctl.duplicate_rate" help="cqrs.help.duplicate_rate" unit="unit.percent" value=dup on_change=set_dup min=0.0 max=1.0 step=0.01 scale=100.0 slider=true testid="stock-duplicates" />
                <NumberField label="cqrs.ctl.consumer_ms" help="cqrs.help.consumer_ms" unit="unit.ms" value=consumer on_change=set_consumer min=0.0 max=60_000.0 testid="stock-consumer" />
                <NumberField label="cqrs.ctl.copy_lag" help="cqrs.help.copy_lag" unit="unit.ms" value=copy on_change=set_copy min=0.0 max=600_000.0 step=100.0 testid="stock-copy-lag" />
            }.into_any())}
        </FieldGroup>
    }
}

//! The CQRS lab's controls: every field of `CqrsConfig`, grouped as the
//! course texts tell the story (what each side runs, who writes and reads,
//! the stores, the projector, a second projection, read replicas, how
//! queries wait, the stock queue between two services), each with its unit
//! and a one-line explanation. Bad input is the engine's to judge: its
//! errors, naming the field, are listed at the top of the panel.

use crate::controls::{
    bind, bind_bool, bind_choice, latency_shape_from, latency_shape_str, ChoiceField, FieldGroup,
    NumberField, ToggleField,
};
use crate::i18n::{tr, use_i18n};
use engine::i18n::tf;
use engine::labs::cqrs::config::*;
use engine::patterns::bus::Window;
use engine::patterns::projector::{ProjectorConfig, SyncMode};
use engine::validate::ConfigError;
use leptos::prelude::*;

type Cfg = CqrsConfig;

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
    view! {
        <div class="controls-panel">
            <h2 id="controls-title" class="small-title">{tr("ui.controls")}</h2>
            <crate::controls::ConfigErrors errors=errors />
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
                <NumberField label="cqrs.ctl.writes_per_s" path="workload.writes_per_s" help="cqrs.help.writes_per_s" unit="unit.per_s" value=writes on_change=set_writes min=0.0 max=100_000.0 step=1.0 testid="writes-per-s" />
                <NumberField label="cqrs.ctl.reads_per_s" path="workload.reads_per_s" help="cqrs.help.reads_per_s" unit="unit.per_s" value=reads on_change=set_reads min=0.0 max=100_000.0 step=1.0 testid="reads-per-s" />
                <NumberField label="ctl.duration" path="workload.duration_ms" help="cqrs.help.duration" unit="unit.s" value=duration on_change=set_duration min=1.0 max=3_600_000.0 step=1000.0 scale=0.001 testid="duration" />
                <NumberField label="cqrs.ctl.users" path="workload.users" help="cqrs.help.users" value=users on_change=set_users min=1.0 max=1_000_000.0 testid="users" />
                <NumberField label="cqrs.ctl.update_share" path="workload.update_share" help="cqrs.help.update_share" unit="unit.percent" value=update on_change=set_update min=0.0 max=1.0 step=0.01 scale=100.0 slider=true testid="update-share" />
                <NumberField label="cqrs.ctl.cancel_share" path="workload.cancel_share" help="cqrs.help.cancel_share" unit="unit.percent" value=cancel on_change=set_cancel min=0.0 max=1.0 step=0.01 scale=100.0 slider=true testid="cancel-share" />
            }.into_any())}
            {crate::show::show(is("script"), move || view! { <ScriptSteps config=config /> }.into_any())}
        </FieldGroup>
    }
}

fn step_kind(s: &Scripted) -> &'static str {
    match s {
        Scripted::Create { .. } => "create",
        Scripted::Update { .. } => "update",
        Scripted::Cancel { .. } => "cancel",
        Scripted::Read { .. } => "read",
    }
}

/// The step as another kind, at the same time, keeping the user, the order
/// and the status it has (else user 1, order 1, Shipped).
fn with_kind(s: &Scripted, kind: &str) -> Scripted {
    let at_ms = s.at_ms();
    let user = step_user(s).unwrap_or(1);
    let order = step_order(s).unwrap_or(1);
    let status = match s {
        Scripted::Update { status, .. } => *status,
        _ => Status::Shipped,
    };
    match kind {
        "create" => Scripted::Create { at_ms, user },
        "update" => Scripted::Update {
            at_ms,
            order,
            status,
        },
        "cancel" => Scripted::Cancel { at_ms, order },
        _ => Scripted::Read { at_ms, user, order },
    }
}

fn step_user(s: &Scripted) -> Option<u32> {
    match s {
        Scripted::Create { user, .. } | Scripted::Read { user, .. } => Some(*user),
        _ => None,
    }
}

fn step_order(s: &Scripted) -> Option<u32> {
    match s {
        Scripted::Update { order, .. }
        | Scripted::Cancel { order, .. }
        | Scripted::Read { order, .. } => Some(*order),
        Scripted::Create { .. } => None,
    }
}

fn status_str(s: Status) -> &'static str {
    s.key()
}

fn status_from(v: &str) -> Status {
    match v {
        "pending" => Status::Pending,
        "paid" => Status::Paid,
        "delivered" => Status::Delivered,
        "cancelled" => Status::Cancelled,
        _ => Status::Shipped,
    }
}

/// Reads and edits step `i` of a script (nothing when the workload is not one).
fn step_get<T: Default>(c: &Cfg, i: usize, f: impl Fn(&Scripted) -> T) -> T {
    match &c.workload {
        CqrsWorkload::Script { steps } => steps.get(i).map(f).unwrap_or_default(),
        CqrsWorkload::Poisson { .. } => T::default(),
    }
}

fn step_set(c: &mut Cfg, i: usize, f: impl FnOnce(&mut Scripted)) {
    if let CqrsWorkload::Script { steps } = &mut c.workload {
        if let Some(s) = steps.get_mut(i) {
            f(s);
        }
    }
}

/// The step added by "add a step": a read of order 1 by user 1, a second
/// after the last step.
fn next_step(steps: &[Scripted]) -> Scripted {
    Scripted::Read {
        at_ms: steps.last().map_or(0, |s| s.at_ms() + 1_000),
        user: 1,
        order: 1,
    }
}

/// One step of a script: every field of it (what it does, when, by whom, on
/// which order, to which status), and a button to remove it.
#[component]
fn ScriptStep(config: RwSignal<Cfg>, i: usize) -> impl IntoView {
    let (kind, set_kind) = bind_choice(
        config,
        move |c| step_get(c, i, |s| Some(step_kind(s))).unwrap_or("read"),
        move |c, v| step_set(c, i, |s| *s = with_kind(s, v)),
    );
    let (at, set_at) = bind(
        config,
        move |c| step_get(c, i, |s| s.at_ms() as f64),
        move |c, v| {
            step_set(c, i, |s| match s {
                Scripted::Create { at_ms, .. }
                | Scripted::Update { at_ms, .. }
                | Scripted::Cancel { at_ms, .. }
                | Scripted::Read { at_ms, .. } => *at_ms = v as u64,
            })
        },
    );
    let (user, set_user) = bind(
        config,
        move |c| step_get(c, i, |s| step_user(s).unwrap_or(0) as f64),
        move |c, v| {
            step_set(c, i, |s| {
                if let Scripted::Create { user, .. } | Scripted::Read { user, .. } = s {
                    *user = v as u32;
                }
            })
        },
    );
    let (order, set_order) = bind(
        config,
        move |c| step_get(c, i, |s| step_order(s).unwrap_or(0) as f64),
        move |c, v| {
            step_set(c, i, |s| {
                if let Scripted::Update { order, .. }
                | Scripted::Cancel { order, .. }
                | Scripted::Read { order, .. } = s
                {
                    *order = v as u32;
                }
            })
        },
    );
    // An order is one a step above created (the engine's rule, said here by
    // the field's label).
    let orders_before = Signal::derive(move || {
        config.with(|c| match &c.workload {
            CqrsWorkload::Script { steps } => steps
                .iter()
                .take(i)
                .filter(|s| matches!(s, Scripted::Create { .. }))
                .count()
                .max(1) as f64,
            _ => 1.0,
        })
    });
    let (status, set_status) = bind_choice(
        config,
        move |c| {
            step_get(c, i, |s| match s {
                Scripted::Update { status, .. } => Some(status_str(*status)),
                _ => None,
            })
            .unwrap_or("shipped")
        },
        move |c, v| {
            step_set(c, i, |s| {
                if let Scripted::Update { status, .. } = s {
                    *status = status_from(v);
                }
            })
        },
    );
    let has = move |f: fn(&str) -> bool| move || f(kind.get().as_str());
    let lang = use_i18n().lang;
    let remove_label = move || tf(lang.get(), "cqrs.ctl.step_remove", &[("n", &(i + 1))]);
    let statuses = vec![
        ("pending", "cqrs.status.pending"),
        ("paid", "cqrs.status.paid"),
        ("shipped", "cqrs.status.shipped"),
        ("delivered", "cqrs.status.delivered"),
        ("cancelled", "cqrs.status.cancelled"),
    ];
    view! {
        <li class="cqrs-step" data-testid=format!("step-{i}")>
            <div data-testid=format!("step-{i}-kind")>
                <ChoiceField
                    label="cqrs.ctl.step_kind"
                    help="cqrs.help.step_kind"
                    options=vec![("create", "cqrs.opt.step_create"), ("update", "cqrs.opt.step_update"), ("cancel", "cqrs.opt.step_cancel"), ("read", "cqrs.opt.step_read")]
                    value=kind
                    on_change=set_kind
                />
            </div>
            <div data-testid=format!("step-{i}-at")>
                <NumberField label="cqrs.ctl.step_at" path="workload.steps[].at_ms" nth=i help="cqrs.help.step_at" unit="unit.ms" value=at on_change=set_at min=0.0 max=3_600_000.0 step=100.0 />
            </div>
            {crate::show::show(has(|k| k == "create" || k == "read"), move || view! {
                <div data-testid=format!("step-{i}-user")>
                    <NumberField label="cqrs.ctl.step_user" path="workload.steps[].user" nth=i help="cqrs.help.step_user" value=user on_change=set_user min=1.0 max=1_000_000.0 />
                </div>
            }.into_any())}
            {crate::show::show(has(|k| k != "create"), move || view! {
                <div data-testid=format!("step-{i}-order")>
                    <NumberField label="cqrs.ctl.step_order" path="workload.steps[].order" nth=i help="cqrs.help.step_order" value=order on_change=set_order min=1.0 max=1_000.0 max_now=orders_before />
                </div>
            }.into_any())}
            {crate::show::show(has(|k| k == "update"), move || view! {
                <div data-testid=format!("step-{i}-status")>
                    <ChoiceField label="cqrs.ctl.step_status" help="cqrs.help.step_status" options=statuses.clone() value=status on_change=set_status />
                </div>
            }.into_any())}
            <button
                type="button"
                class="btn small"
                data-testid=format!("step-{i}-remove")
                aria-label=remove_label
                on:click=move |_| config.update(|c| {
                    if let CqrsWorkload::Script { steps } = &mut c.workload {
                        if i < steps.len() {
                            steps.remove(i);
                        }
                    }
                })
            >
                {tr("cqrs.ctl.remove")}
            </button>
        </li>
    }
}

/// A script's steps, every field editable; steps can be added (up to the
/// engine's cap) and removed. Bad values are the engine's to judge: its
/// errors name the step and the field (`workload.steps[2].order`).
#[component]
fn ScriptSteps(config: RwSignal<Cfg>) -> impl IntoView {
    let count = Memo::new(move |_| {
        config.with(|c| match &c.workload {
            CqrsWorkload::Script { steps } => steps.len(),
            CqrsWorkload::Poisson { .. } => 0,
        })
    });
    let full = move || count.get() as u64 >= limits::MAX_STEPS;
    view! {
        <p class="help">{tr("cqrs.help.script")}</p>
        <ol class="cqrs-steps" data-testid="script-steps">
            {move || (0..count.get()).map(|i| view! { <ScriptStep config=config i=i /> }).collect_view()}
        </ol>
        <div class="cqrs-list-buttons">
            <button
                type="button"
                class="btn small"
                data-testid="step-add"
                prop:disabled=full
                on:click=move |_| config.update(|c| {
                    if let CqrsWorkload::Script { steps } = &mut c.workload {
                        if (steps.len() as u64) < limits::MAX_STEPS {
                            let s = next_step(steps);
                            steps.push(s);
                        }
                    }
                })
            >
                {tr("cqrs.ctl.step_add")}
            </button>
            <button class="btn small" data-testid="script-demo" on:click=move |_| config.update(|c| c.workload = CqrsWorkload::default())>
                {tr("cqrs.ctl.script_demo")}
            </button>
        </div>
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
                <NumberField label="cqrs.ctl.read_after_write_ms" path="read_after_write_ms" help="cqrs.help.read_after_write_ms" unit="unit.ms" value=raw on_change=set_raw min=0.0 max=600_000.0 step=100.0 testid="read-after-write-ms" />
            }.into_any())}
            <NumberField label="cqrs.ctl.poll" path="poll_ms" help="cqrs.help.poll" unit="unit.ms" value=poll on_change=set_poll min=0.0 max=600_000.0 step=100.0 testid="poll" />
            <NumberField label="cqrs.ctl.ryw_timeout" path="ryw_timeout_ms" help="cqrs.help.ryw_timeout" unit="unit.ms" value=timeout on_change=set_timeout min=1.0 max=600_000.0 step=100.0 testid="ryw-timeout" />
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
            <NumberField label="cqrs.ctl.write_ms" path="store.write_ms" help="cqrs.help.write_ms" unit="unit.ms" value=w on_change=set_w min=0.0 max=60_000.0 testid="write-ms" />
            <NumberField label="cqrs.ctl.read_ms" path="store.read_ms" help="cqrs.help.read_ms" unit="unit.ms" value=r on_change=set_r min=0.0 max=60_000.0 testid="read-ms" />
            <NumberField label="cqrs.ctl.capacity" path="store.capacity" help="cqrs.help.capacity" value=cap on_change=set_cap min=0.0 max=100_000.0 testid="capacity" />
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
    let at = if which == 0 { "projector" } else { "history" };
    let ids: [&'static str; 8] = if which == 0 {
        [
            "p0-mode",
            "p0-delay",
            "p0-service",
            "p0-shape",
            "p0-batch",
            "p0-transport",
            "p0-pauses",
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
            "p1-pauses",
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
    let (shape, set_shape) = bind_choice(
        config,
        move |c| latency_shape_str(projector(c, which).service_shape),
        move |c, v| projector_mut(c, which).service_shape = latency_shape_from(v),
    );
    let queue = move || mode.get() == "queue";
    let title = if which == 0 {
        "cqrs.group.projector"
    } else {
        "cqrs.group.history_projector"
    };
    if which == 1 {
        crate::controls::name_group(at, title);
    }
    view! {
        <FieldGroup title=title>
            <ChoiceField label="cqrs.ctl.sync" path=format!("{at}.mode") help="cqrs.help.sync" options=sync_options() value=mode on_change=set_mode testid=ids[0] />
            {crate::show::show(move || !queue(), move || view! {
                <NumberField label="cqrs.ctl.delay" path=format!("{at}.delay_ms") help="cqrs.help.delay" unit="unit.ms" value=delay on_change=set_delay min=0.0 max=600_000.0 step=100.0 testid=ids[1] />
            }.into_any())}
            {crate::show::show(queue, move || view! {
                <NumberField label="cqrs.ctl.service" path=format!("{at}.service_ms") help="cqrs.help.service" unit="unit.ms" value=service on_change=set_service min=0.0 max=60_000.0 testid=ids[2] />
                <ChoiceField label="ctl.latency_shape" help="cqrs.help.service_shape" options=shape_options() value=shape on_change=set_shape testid=ids[3] />
                <NumberField label="cqrs.ctl.batch" path=format!("{at}.batch") help="cqrs.help.batch" value=batch on_change=set_batch min=1.0 max=10_000.0 testid=ids[4] />
                <NumberField label="cqrs.ctl.transport" path=format!("{at}.transport_ms") help="cqrs.help.transport" unit="unit.ms" value=transport on_change=set_transport min=0.0 max=600_000.0 testid=ids[5] />
                <PauseList config=config which=which testid=ids[6] />
                <NumberField label="cqrs.ctl.crash" path=format!("{at}.crash_at_ms") help="cqrs.help.crash" unit="unit.s" value=crash on_change=set_crash min=0.0 max=3_600_000.0 step=1000.0 scale=0.001 testid=ids[7] />
            }.into_any())}
        </FieldGroup>
    }
}

/// A projector's pause windows: every one editable (from, to), each
/// removable, and a button to add one (up to the engine's cap). A window
/// that ends before it starts is the engine's to refuse, naming it
/// (`projector.pauses[1]`).
#[component]
fn PauseList(config: RwSignal<Cfg>, which: u8, testid: &'static str) -> impl IntoView {
    let at = if which == 0 { "projector" } else { "history" };
    // A pause as a whole (it must end after it starts), by the list's label.
    crate::controls::name_path(Some(format!("{at}.pauses[]")), "cqrs.ctl.pause");
    let count = Memo::new(move |_| config.with(|c| projector(c, which).pauses.len()));
    let full = move || count.get() as u64 >= engine::patterns::bus::limits::MAX_OUTAGES;
    let lang = use_i18n().lang;
    let row = move |k: usize| {
        let edge = move |to: bool| {
            bind(
                config,
                move |c| {
                    projector(c, which)
                        .pauses
                        .get(k)
                        .map_or(0.0, |w| if to { w.to_ms } else { w.from_ms } as f64)
                },
                move |c, v| {
                    if let Some(w) = projector_mut(c, which).pauses.get_mut(k) {
                        if to {
                            w.to_ms = v as u64;
                        } else {
                            w.from_ms = v as u64;
                        }
                    }
                },
            )
        };
        let (from, set_from) = edge(false);
        let (to, set_to) = edge(true);
        let remove_label = move || tf(lang.get(), "cqrs.ctl.pause_remove", &[("n", &(k + 1))]);
        view! {
            <li class="cqrs-pause" data-testid=format!("{testid}-{k}")>
                <div data-testid=format!("{testid}-{k}-from")>
                    <NumberField label="ctl.outage_from" path=format!("{at}.pauses[].from_ms") nth=k help="cqrs.help.pause_from" unit="unit.s" value=from on_change=set_from min=0.0 max=3_600_000.0 step=1000.0 scale=0.001 />
                </div>
                <div data-testid=format!("{testid}-{k}-to")>
                    <NumberField label="ctl.outage_to" path=format!("{at}.pauses[].to_ms") nth=k help="cqrs.help.pause_to" unit="unit.s" value=to on_change=set_to min=0.0 max=3_600_000.0 step=1000.0 scale=0.001 />
                </div>
                <button
                    type="button"
                    class="btn small"
                    data-testid=format!("{testid}-{k}-remove")
                    aria-label=remove_label
                    on:click=move |_| config.update(|c| {
                        let p = projector_mut(c, which);
                        if k < p.pauses.len() {
                            p.pauses.remove(k);
                        }
                    })
                >
                    {tr("cqrs.ctl.remove")}
                </button>
            </li>
        }
    };
    view! {
        <div class="field cqrs-pauses" data-testid=testid role="group">
            <span class="field-label">{tr("cqrs.ctl.pause")}</span>
            <ol class="cqrs-steps">
                {move || (0..count.get()).map(row).collect_view()}
            </ol>
            <button
                type="button"
                class="btn small"
                data-testid=format!("{testid}-add")
                prop:disabled=full
                on:click=move |_| config.update(|c| {
                    let p = projector_mut(c, which);
                    if (p.pauses.len() as u64) < engine::patterns::bus::limits::MAX_OUTAGES {
                        // After the last window: 5 s on, 5 s long.
                        let from = p.pauses.iter().map(|w| w.to_ms).max().map_or(5_000, |t| t + 5_000);
                        p.pauses.push(Window { from_ms: from, to_ms: from + 5_000 });
                    }
                })
            >
                {tr("cqrs.ctl.pause_add")}
            </button>
            <small class="help">{tr("cqrs.help.pause")}</small>
        </div>
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
                        <NumberField label="cqrs.ctl.replica_lag" path="replicas_lag_ms[]" nth=i help="cqrs.help.replica_lag" unit="unit.ms" value=lag on_change=set_lag min=0.0 max=600_000.0 step=100.0 testid=REPLICA_IDS[i] />
                    }
                    .into_any()
                },
            )
        })
        .collect_view();
    view! {
        <FieldGroup title="cqrs.group.replicas">
            <NumberField label="cqrs.ctl.replicas" path="replicas_lag_ms.length" help="cqrs.help.replicas" value=count on_change=set_count min=0.0 max=8.0 testid="replicas" />
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
                <NumberField label="cqrs.ctl.units" path="stock.units" help="cqrs.help.units" value=units on_change=set_units min=0.0 max=10_000_000.0 testid="stock-units" />
                <NumberField label="cqrs.ctl.stock_latency" path="stock.latency_ms" help="cqrs.help.stock_latency" unit="unit.ms" value=latency on_change=set_latency min=0.0 max=600_000.0 testid="stock-latency" />
                <NumberField label="cqrs.ctl.duplicate_rate" path="stock.duplicate_rate" help="cqrs.help.duplicate_rate" unit="unit.percent" value=dup on_change=set_dup min=0.0 max=1.0 step=0.01 scale=100.0 slider=true testid="stock-duplicates" />
                <NumberField label="cqrs.ctl.consumer_ms" path="stock.consumer_ms" help="cqrs.help.consumer_ms" unit="unit.ms" value=consumer on_change=set_consumer min=0.0 max=60_000.0 testid="stock-consumer" />
                <NumberField label="cqrs.ctl.copy_lag" path="stock.copy_lag_ms" help="cqrs.help.copy_lag" unit="unit.ms" value=copy on_change=set_copy min=0.0 max=600_000.0 step=100.0 testid="stock-copy-lag" />
            }.into_any())}
        </FieldGroup>
    }
}

//! The replica lab's controls: every field of `ReplicaConfig`, grouped as the
//! course text tells the story (the file, the storage nodes and their faults,
//! the metadata server, the client — twice for A | B), each with its unit and
//! a one-line explanation. Bad input is the engine's to judge: its errors,
//! naming the field, are listed at the top of the panel.

use crate::controls::{
    bind, bind_bool, bind_choice, latency_shape_str, ChoiceField, FieldGroup, NumberField,
    ToggleField,
};
use crate::i18n::tr;
use crate::i18n::use_i18n;
use engine::i18n::{t, tf};
use engine::labs::replica::config::*;
use engine::patterns::backoff::{Jitter, WaitKind};
use engine::patterns::bus::Window;
use engine::validate::ConfigError;
use leptos::prelude::*;

type Cfg = ReplicaConfig;

/// A side's client (B is created from A's when first edited).
fn client(c: &Cfg, side: usize) -> ClientSide {
    if side == 0 {
        c.client.clone()
    } else {
        c.compare.clone().unwrap_or_else(|| c.client.clone())
    }
}

fn client_mut(c: &mut Cfg, side: usize) -> &mut ClientSide {
    if side == 0 {
        &mut c.client
    } else {
        let a = c.client.clone();
        c.compare.get_or_insert(a)
    }
}

/// Numbers separated by commas ("2, 5"), as a list field shows them.
pub fn list_text(v: &[u32]) -> String {
    v.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

/// Reads "2, 5" (or "2 5"); `None` if a piece is not a whole number.
pub fn parse_list(s: &str) -> Option<Vec<u32>> {
    s.split([',', ' ', ';'])
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim().parse::<u32>().ok())
        .collect()
}

#[component]
pub fn ReplicaControls(config: RwSignal<Cfg>, errors: RwSignal<Vec<ConfigError>>) -> impl IntoView {
    let (compare, set_compare) = bind_bool(
        config,
        |c| c.compare.is_some(),
        |c, on| c.compare = on.then(|| c.client.clone()),
    );
    view! {
        <div class="controls-panel">
            <h2 id="controls-title" class="small-title">{tr("ui.controls")}</h2>
            <crate::controls::ConfigErrors errors=errors />
            <WorkloadFields config=config />
            <ClientFields config=config side=0 />
            <ToggleField label="replica.ctl.compare" help="replica.help.compare" value=compare on_change=set_compare testid="compare" />
            {crate::show::show(move || compare.get(), move || view! { <ClientFields config=config side=1 /> }.into_any())}
            <NodeFields config=config />
            <MetadataFields config=config />
        </div>
    }
}

#[component]
fn WorkloadFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (transfer, set_transfer) = bind_choice(
        config,
        |c| match c.workload.transfer {
            Transfer::Upload => "upload",
            Transfer::Download => "download",
        },
        |c, v| {
            c.workload.transfer = if v == "download" {
                Transfer::Download
            } else {
                Transfer::Upload
            }
        },
    );
    let (files, set_files) = bind(
        config,
        |c| c.workload.files as f64,
        |c, v| c.workload.files = v as u32,
    );
    let (chunks, set_chunks) = bind(
        config,
        |c| c.workload.chunks_per_file as f64,
        |c, v| c.workload.chunks_per_file = v as u32,
    );
    let (mb, set_mb) = bind(
        config,
        |c| c.workload.chunk_mb,
        |c, v| c.workload.chunk_mb = v,
    );
    let (every, set_every) = bind(
        config,
        |c| c.workload.every_ms as f64,
        |c, v| c.workload.every_ms = v as u64,
    );
    let (settle, set_settle) = bind(
        config,
        |c| c.settle_ms as f64,
        |c, v| c.settle_ms = v as u64,
    );
    view! {
        <FieldGroup title="replica.group.workload">
            <ChoiceField
                label="replica.ctl.transfer"
                help="replica.help.transfer"
                options=vec![("upload", "replica.opt.upload"), ("download", "replica.opt.download")]
                value=transfer
                on_change=set_transfer
                testid="transfer"
            />
            <NumberField label="replica.ctl.files" path="workload.files" help="replica.help.files" unit="replica.unit.files" value=files on_change=set_files min=1.0 max=10_000.0 testid="files" />
            <NumberField label="replica.ctl.chunks_per_file" path="workload.chunks_per_file" help="replica.help.chunks_per_file" unit="replica.unit.chunks" value=chunks on_change=set_chunks min=1.0 max=100_000.0 testid="chunks-per-file" />
            <NumberField label="replica.ctl.chunk_mb" path="workload.chunk_mb" help="replica.help.chunk_mb" unit="replica.unit.mb" value=mb on_change=set_mb min=0.001 max=4_096.0 step=1.0 testid="chunk-mb" />
            <NumberField label="replica.ctl.every_ms" path="workload.every_ms" help="replica.help.every_ms" unit="unit.ms" value=every on_change=set_every min=0.0 max=3_600_000.0 step=100.0 testid="every-ms" />
            <NumberField label="replica.ctl.settle_ms" path="settle_ms" help="replica.help.settle_ms" unit="unit.ms" value=settle on_change=set_settle min=0.0 max=3_600_000.0 step=1_000.0 testid="settle-ms" />
        </FieldGroup>
    }
}

#[component]
fn ClientFields(config: RwSignal<Cfg>, side: usize) -> impl IntoView {
    // Where this side sits in the config (its fields' paths start there).
    let at = if side == 0 { "client" } else { "compare" };
    if side == 1 {
        crate::controls::name_group(at, "replica.group.client_b");
    }
    let num = move |get: fn(&ClientSide) -> f64, set: fn(&mut ClientSide, f64)| {
        bind(
            config,
            move |c| get(&client(c, side)),
            move |c, v| set(client_mut(c, side), v),
        )
    };
    let flag = move |get: fn(&ClientSide) -> bool, set: fn(&mut ClientSide, bool)| {
        bind_bool(
            config,
            move |c| get(&client(c, side)),
            move |c, v| set(client_mut(c, side), v),
        )
    };
    let choice = move |get: fn(&ClientSide) -> &'static str, set: fn(&mut ClientSide, &str)| {
        bind_choice(
            config,
            move |c| get(&client(c, side)),
            move |c, v| set(client_mut(c, side), v),
        )
    };
    let (workers, set_workers) = num(|s| s.workers as f64, |s, v| s.workers = v as u32);
    let (attempts, set_attempts) = num(
        |s| s.retry.max_attempts as f64,
        |s, v| s.retry.max_attempts = v as u32,
    );
    let (wait, set_wait) = choice(
        |s| match s.retry.wait {
            WaitKind::Immediate => "immediate",
            WaitKind::Fixed => "fixed",
            WaitKind::Exponential => "exponential",
        },
        |s, v| {
            s.retry.wait = match v {
                "immediate" => WaitKind::Immediate,
                "fixed" => WaitKind::Fixed,
                _ => WaitKind::Exponential,
            }
        },
    );
    let (base, set_base) = num(
        |s| s.retry.base_ms as f64,
        |s, v| s.retry.base_ms = v as u64,
    );
    let (mult, set_mult) = num(|s| s.retry.multiplier, |s, v| s.retry.multiplier = v);
    let (cap, set_cap) = num(|s| s.retry.cap_ms as f64, |s, v| s.retry.cap_ms = v as u64);
    let (jitter, set_jitter) = choice(
        |s| match s.retry.jitter {
            Jitter::None => "none",
            Jitter::Full => "full",
            Jitter::Equal => "equal",
            Jitter::Decorrelated => "decorrelated",
        },
        |s, v| {
            s.retry.jitter = match v {
                "full" => Jitter::Full,
                "equal" => Jitter::Equal,
                "decorrelated" => Jitter::Decorrelated,
                _ => Jitter::None,
            }
        },
    );
    let (timeout, set_timeout) = num(
        |s| s.attempt_timeout_ms as f64,
        |s, v| s.attempt_timeout_ms = v as u64,
    );
    let (route, set_route) = choice(
        |s| match s.route {
            Route::SameNode => "same_node",
            Route::NextReplica => "next_replica",
        },
        |s, v| {
            s.route = if v == "same_node" {
                Route::SameNode
            } else {
                Route::NextReplica
            }
        },
    );
    let (report, set_report) = flag(|s| s.report_failures, |s, v| s.report_failures = v);
    let (verify, set_verify) = flag(|s| s.verify_checksum, |s, v| s.verify_checksum = v);
    let (ack, set_ack) = choice(
        |s| match s.ack {
            Ack::Primary => "primary",
            Ack::AllReplicas => "all_replicas",
        },
        |s, v| {
            s.ack = if v == "all_replicas" {
                Ack::AllReplicas
            } else {
                Ack::Primary
            }
        },
    );
    let (abort, set_abort) = flag(|s| s.abort_on_failure, |s, v| s.abort_on_failure = v);
    let (bf, set_bf) = num(
        |s| s.breaker_failures as f64,
        |s, v| s.breaker_failures = v as u32,
    );
    let (bo, set_bo) = num(
        |s| s.breaker_open_ms as f64,
        |s, v| s.breaker_open_ms = v as u64,
    );
    let tid = move |f: &'static str| -> &'static str {
        if side == 0 {
            f
        } else {
            // B's test ids: "b-" and the field's.
            Box::leak(format!("b-{f}").into_boxed_str())
        }
    };
    view! {
        <FieldGroup title=if side == 0 { "replica.group.client_a" } else { "replica.group.client_b" }>
            <NumberField label="replica.ctl.workers" path=format!("{at}.workers") help="replica.help.workers" unit="replica.unit.workers" value=workers on_change=set_workers min=1.0 max=256.0 testid=tid("workers") />
            <NumberField label="ctl.max_attempts" path=format!("{at}.retry.max_attempts") help="replica.help.max_attempts" unit="replica.unit.attempts" value=attempts on_change=set_attempts min=1.0 max=20.0 testid=tid("max-attempts") />
            <ChoiceField
                label="ctl.wait"
                help="replica.help.wait"
                options=vec![("immediate", "opt.immediate"), ("fixed", "opt.fixed"), ("exponential", "opt.exponential")]
                value=wait
                on_change=set_wait
                testid=tid("wait")
            />
            <NumberField label="ctl.base" path=format!("{at}.retry.base_ms") help="help.base" unit="unit.ms" value=base on_change=set_base min=0.0 max=600_000.0 step=100.0 testid=tid("base") />
            <NumberField label="ctl.multiplier" path=format!("{at}.retry.multiplier") help="help.multiplier" unit="unit.times" value=mult on_change=set_mult min=1.0 max=10.0 step=0.1 testid=tid("multiplier") />
            <NumberField label="ctl.cap" path=format!("{at}.retry.cap_ms") help="help.cap" unit="unit.ms" value=cap on_change=set_cap min=0.0 max=600_000.0 step=1_000.0 testid=tid("cap") />
            <ChoiceField
                label="ctl.jitter"
                help="replica.help.jitter"
                options=vec![("none", "opt.jitter_none"), ("full", "opt.jitter_full"), ("equal", "opt.jitter_equal"), ("decorrelated", "opt.jitter_decorrelated")]
                value=jitter
                on_change=set_jitter
                testid=tid("jitter")
            />
            <NumberField label="replica.ctl.attempt_timeout" path=format!("{at}.attempt_timeout_ms") help="replica.help.attempt_timeout" unit="unit.ms" value=timeout on_change=set_timeout min=1.0 max=3_600_000.0 step=1_000.0 testid=tid("attempt-timeout") />
            <ChoiceField
                label="ctl.target"
                help="replica.help.route"
                options=vec![("next_replica", "opt.next_replica"), ("same_node", "opt.same_node")]
                value=route
                on_change=set_route
                testid=tid("route")
            />
            <ToggleField label="replica.ctl.report_failures" help="replica.help.report_failures" value=report on_change=set_report testid=tid("report-failures") />
            <ToggleField label="replica.ctl.verify_checksum" help="replica.help.verify_checksum" value=verify on_change=set_verify testid=tid("verify-checksum") />
            <ChoiceField
                label="replica.ctl.ack"
                help="replica.help.ack"
                options=vec![("primary", "replica.opt.ack_primary"), ("all_replicas", "replica.opt.ack_all")]
                value=ack
                on_change=set_ack
                testid=tid("ack")
            />
            <ToggleField label="replica.ctl.abort_on_failure" help="replica.help.abort_on_failure" value=abort on_change=set_abort testid=tid("abort") />
            <NumberField label="replica.ctl.breaker_failures" path=format!("{at}.breaker_failures") help="replica.help.breaker_failures" unit="replica.unit.failures" value=bf on_change=set_bf min=0.0 max=100.0 testid=tid("breaker-failures") />
            <NumberField label="replica.ctl.breaker_open" path=format!("{at}.breaker_open_ms") help="replica.help.breaker_open" unit="unit.ms" value=bo on_change=set_bo min=1.0 max=3_600_000.0 step=1_000.0 testid=tid("breaker-open") />
        </FieldGroup>
    }
}

#[component]
fn NodeFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (count, set_count) = bind(
        config,
        |c| c.nodes.count as f64,
        |c, v| c.nodes.count = v as u32,
    );
    let (racks, set_racks) = bind(
        config,
        |c| c.nodes.racks as f64,
        |c, v| c.nodes.racks = v as u32,
    );
    let (latency, set_latency) = bind(
        config,
        |c| c.nodes.latency_ms as f64,
        |c, v| c.nodes.latency_ms = v as u64,
    );
    let (shape, set_shape) = bind_choice(
        config,
        |c| latency_shape_str(c.nodes.latency_shape),
        |c, v| {
            let n = &mut c.nodes;
            crate::controls::set_latency_shape(
                &mut n.latency_shape,
                &mut n.latency_sd_ms,
                n.latency_ms,
                v,
            )
        },
    );
    let (sd, set_sd) = bind(
        config,
        |c| c.nodes.latency_sd_ms as f64,
        |c, v| c.nodes.latency_sd_ms = v as u64,
    );
    let (rate, set_rate) = bind(config, |c| c.nodes.mb_per_s, |c, v| c.nodes.mb_per_s = v);
    let (fail, set_fail) = bind(
        config,
        |c| c.nodes.failure_rate,
        |c, v| c.nodes.failure_rate = v,
    );
    let (slow_ms, set_slow_ms) = bind(
        config,
        |c| c.nodes.slow_ms as f64,
        |c, v| c.nodes.slow_ms = v as u64,
    );
    let (corrupt, set_corrupt) = bind(
        config,
        |c| c.nodes.corrupt_rate,
        |c, v| c.nodes.corrupt_rate = v,
    );
    view! {
        <FieldGroup title="replica.group.nodes">
            <NumberField label="replica.ctl.nodes" path="nodes.count" help="replica.help.nodes" unit="replica.unit.nodes" value=count on_change=set_count min=1.0 max=200.0 testid="nodes" />
            <NumberField label="replica.ctl.racks" path="nodes.racks" help="replica.help.racks" unit="replica.unit.racks" value=racks on_change=set_racks min=1.0 max=50.0 max_now=Signal::derive(move || config.with(|c| c.nodes.count.max(1) as f64)) testid="racks" />
            <NumberField label="ctl.latency" path="nodes.latency_ms" help="replica.help.latency" unit="unit.ms" value=latency on_change=set_latency min=0.0 max=600_000.0 testid="latency" />
            <ChoiceField
                label="ctl.latency_shape"
                help="help.latency_shape"
                path="nodes.latency_shape"
                options=crate::controls::LATENCY_SHAPES.to_vec()
                value=shape
                on_change=set_shape
                testid="latency-shape"
            />
            {crate::show::show(move || shape.get() == "normal", move || view! {
                <NumberField label="ctl.latency_sd" path="nodes.latency_sd_ms" help="help.latency_sd" unit="unit.ms" value=sd on_change=set_sd min=0.0 max=600_000.0 testid="latency-sd" />
            }.into_any())}
            <NumberField label="replica.ctl.mb_per_s" path="nodes.mb_per_s" help="replica.help.mb_per_s" unit="replica.unit.mb_per_s" value=rate on_change=set_rate min=0.001 max=100_000.0 step=10.0 testid="mb-per-s" />
            <NumberField label="replica.ctl.failure_rate" path="nodes.failure_rate" help="replica.help.failure_rate" unit="unit.percent" value=fail on_change=set_fail min=0.0 max=1.0 step=0.01 scale=100.0 slider=true testid="failure-rate" />
            <ListField config=config label="replica.ctl.slow" path="nodes.slow" help="replica.help.slow" get=|c| list_text(&c.nodes.slow) set=|c, v| c.nodes.slow = v testid="slow" />
            <NumberField label="ctl.slow_ms" path="nodes.slow_ms" help="replica.help.slow_ms" unit="unit.ms" value=slow_ms on_change=set_slow_ms min=0.0 max=3_600_000.0 step=1_000.0 testid="slow-ms" />
            <NumberField label="replica.ctl.corrupt_rate" path="nodes.corrupt_rate" help="replica.help.corrupt_rate" unit="unit.percent" value=corrupt on_change=set_corrupt min=0.0 max=1.0 step=0.01 scale=100.0 slider=true testid="corrupt-rate" />
            <ListField config=config label="replica.ctl.corrupt_chunks" path="nodes.corrupt_chunks" help="replica.help.corrupt_chunks" get=|c| list_text(&c.nodes.corrupt_chunks) set=|c, v| c.nodes.corrupt_chunks = v testid="corrupt-chunks" />
            <WindowsField
                config=config
                label="replica.ctl.node_outages" path="nodes.outages"
                help="replica.help.node_outages"
                target="replica.ctl.node"
                get=|c| c.nodes.outages.iter().map(|o| [o.node as u64, o.from_ms, o.to_ms]).collect()
                set=|c, v| c.nodes.outages = v.into_iter().map(|[n, from_ms, to_ms]| NodeOutage { node: n as u32, from_ms, to_ms }).collect()
                testid="node-outages"
            />
            <WindowsField
                config=config
                label="replica.ctl.rack_outages" path="nodes.rack_outages"
                help="replica.help.rack_outages"
                target="replica.ctl.rack"
                get=|c| c.nodes.rack_outages.iter().map(|o| [o.rack as u64, o.from_ms, o.to_ms]).collect()
                set=|c, v| c.nodes.rack_outages = v.into_iter().map(|[n, from_ms, to_ms]| RackOutage { rack: n as u32, from_ms, to_ms }).collect()
                testid="rack-outages"
            />
        </FieldGroup>
    }
}

#[component]
fn MetadataFields(config: RwSignal<Cfg>) -> impl IntoView {
    let (replication, set_replication) = bind(
        config,
        |c| c.metadata.replication as f64,
        |c, v| c.metadata.replication = v as u32,
    );
    let (placement, set_placement) = bind_choice(
        config,
        |c| match c.metadata.placement {
            Placement::Spread => "spread",
            Placement::RackAware => "rack_aware",
        },
        |c, v| {
            c.metadata.placement = if v == "rack_aware" {
                Placement::RackAware
            } else {
                Placement::Spread
            }
        },
    );
    let (latency, set_latency) = bind(
        config,
        |c| c.metadata.latency_ms as f64,
        |c, v| c.metadata.latency_ms = v as u64,
    );
    let (interval, set_interval) = bind(
        config,
        |c| c.metadata.heartbeat.interval_ms as f64,
        |c, v| c.metadata.heartbeat.interval_ms = v as u64,
    );
    let (suspect, set_suspect) = bind(
        config,
        |c| c.metadata.heartbeat.suspect_after_ms as f64,
        |c, v| c.metadata.heartbeat.suspect_after_ms = v as u64,
    );
    let (dead, set_dead) = bind(
        config,
        |c| c.metadata.heartbeat.dead_after_ms as f64,
        |c, v| c.metadata.heartbeat.dead_after_ms = v as u64,
    );
    let (repair, set_repair) =
        bind_bool(config, |c| c.metadata.repair, |c, v| c.metadata.repair = v);
    let (clones, set_clones) = bind(
        config,
        |c| c.metadata.max_clones as f64,
        |c, v| c.metadata.max_clones = v as u32,
    );
    let (clone_rate, set_clone_rate) = bind(
        config,
        |c| c.metadata.clone_mb_per_s,
        |c, v| c.metadata.clone_mb_per_s = v,
    );
    view! {
        <FieldGroup title="replica.group.metadata">
            <NumberField label="replica.ctl.replication" path="metadata.replication" help="replica.help.replication" unit="replica.unit.replicas" value=replication on_change=set_replication min=1.0 max=5.0 max_now=Signal::derive(move || config.with(|c| c.nodes.count.max(1) as f64)) testid="replication" />
            <ChoiceField
                label="replica.ctl.placement" path="metadata.placement"
                help="replica.help.placement"
                options=vec![("spread", "replica.opt.spread"), ("rack_aware", "replica.opt.rack_aware")]
                value=placement
                on_change=set_placement
                testid="placement"
            />
            <NumberField label="replica.ctl.metadata_latency" path="metadata.latency_ms" help="replica.help.metadata_latency" unit="unit.ms" value=latency on_change=set_latency min=0.0 max=600_000.0 testid="metadata-latency" />
            <NumberField label="replica.ctl.heartbeat" path="metadata.heartbeat.interval_ms" help="replica.help.heartbeat" unit="unit.ms" value=interval on_change=set_interval min=10.0 max=600_000.0 step=100.0 testid="heartbeat" />
            <NumberField label="replica.ctl.suspect_after" path="metadata.heartbeat.suspect_after_ms" help="replica.help.suspect_after" unit="unit.ms" value=suspect on_change=set_suspect min=1.0 max=3_600_000.0 step=500.0 testid="suspect-after" />
            <NumberField label="replica.ctl.dead_after" path="metadata.heartbeat.dead_after_ms" help="replica.help.dead_after" unit="unit.ms" value=dead on_change=set_dead min=1.0 max=3_600_000.0 step=500.0 testid="dead-after" />
            <ToggleField label="replica.ctl.repair" help="replica.help.repair" value=repair on_change=set_repair testid="repair" />
            <NumberField label="replica.ctl.max_clones" path="metadata.max_clones" help="replica.help.max_clones" unit="replica.unit.clones" value=clones on_change=set_clones min=1.0 max=1_000.0 testid="max-clones" />
            <NumberField label="replica.ctl.clone_mb_per_s" path="metadata.clone_mb_per_s" help="replica.help.clone_mb_per_s" unit="replica.unit.mb_per_s" value=clone_rate on_change=set_clone_rate min=0.001 max=100_000.0 step=10.0 testid="clone-mb-per-s" />
            <WindowsField
                config=config
                label="replica.ctl.metadata_outages" path="metadata.outages"
                help="replica.help.metadata_outages"
                target=""
                get=|c| c.metadata.outages.iter().map(|o| [0, o.from_ms, o.to_ms]).collect()
                set=|c, v| c.metadata.outages = v.into_iter().map(|[_, from_ms, to_ms]| Window { from_ms, to_ms }).collect()
                testid="metadata-outages"
            />
        </FieldGroup>
    }
}

/// A list of whole numbers typed as "2, 5" (nodes, chunks). A piece that is
/// not a whole number leaves the list as it was.
#[component]
fn ListField(
    config: RwSignal<Cfg>,
    label: &'static str,
    help: &'static str,
    get: fn(&Cfg) -> String,
    set: fn(&mut Cfg, Vec<u32>),
    testid: &'static str,
    /// The config list this field sets (`nodes.slow`).
    path: &'static str,
) -> impl IntoView {
    let id = crate::controls::field_id("l");
    let help_id = format!("{id}-help");
    let (me, mark) = crate::controls::feedback_slot();
    crate::controls::name_path(Some(format!("{path}[]")), label);
    let lang = use_i18n().lang;
    // Text that is not a list is said under the field, not dropped unseen
    // ("abc" stayed in the box while the run kept nodes 2 and 3).
    let bad = RwSignal::new(None::<String>);
    let shown = Memo::new(move |_| config.with(get));
    Effect::new(move |prev: Option<String>| {
        let now = shown.get();
        if prev.is_some_and(|p| p != now) {
            bad.set(None);
        }
        now
    });
    let said = Signal::derive(move || {
        bad.get().map(|got| {
            let lang = lang.get();
            let now = shown.get();
            let now = if now.is_empty() {
                "—".to_string()
            } else {
                now
            };
            tf(
                lang,
                "ui.list_bad",
                &[("field", &t(lang, label)), ("got", &got), ("now", &now)],
            )
        })
    });
    view! {
        <div class="field" data-testid=testid>
            <label for=id.clone()>{tr(label)}</label>
            <div class="field-input">
                <input
                    id=id
                    type="text"
                    inputmode="numeric"
                    aria-describedby=help_id.clone()
                    aria-invalid=move || bad.with(Option::is_some).then_some("true")
                    prop:value=move || shown.get()
                    on:change=move |ev| {
                        mark();
                        let raw = event_target_value(&ev);
                        match parse_list(&raw) {
                            Some(v) => {
                                bad.set(None);
                                config.update(|c| set(c, v));
                            }
                            None => bad.set(Some(raw.trim().to_string())),
                        }
                    }
                />
            </div>
            <small id=help_id class="help">{tr(help)}</small>
            <crate::controls::FieldNotes me=me said=said />
        </div>
    }
}

/// Windows of time (an outage: from, to), each for a node or a rack when
/// `target` names one: one row each, removable, and a button to add one.
#[component]
fn WindowsField(
    config: RwSignal<Cfg>,
    label: &'static str,
    help: &'static str,
    /// The label key of the first column (node or rack); "" for none.
    target: &'static str,
    get: fn(&Cfg) -> Vec<[u64; 3]>,
    set: fn(&mut Cfg, Vec<[u64; 3]>),
    testid: &'static str,
    /// The config list this field sets (`nodes.outages`).
    path: &'static str,
) -> impl IntoView {
    // Each row's paths, named by their columns (a row as a whole by the field).
    let name = |p: String, l| crate::controls::name_path(Some(p), l);
    name(format!("{path}[]"), label);
    name(format!("{path}[].from_ms"), "ctl.outage_from");
    name(format!("{path}[].to_ms"), "ctl.outage_to");
    if let Some(what) = target.strip_prefix("replica.ctl.") {
        name(format!("{path}[].{what}"), target);
    }
    let help_id = crate::controls::field_id("w");
    let help_ref = help_id.clone();
    let rows = Memo::new(move |_| config.with(get));
    let (me, mark) = crate::controls::feedback_slot();
    let lang = use_i18n().lang;
    // A time that is not one is said, not dropped unseen.
    // (With the column: a node or rack is numbered from 1, a time from 0.)
    let bad = RwSignal::new(None::<(String, usize, usize)>);
    let edit = move |i: usize, k: usize, raw: String| {
        mark();
        let least = if k == 0 && !target.is_empty() {
            1.0
        } else {
            0.0
        };
        // Read as a number box reads it ("1.000" is 1000 in Spanish; "2,5" is 2.5, refused).
        let lang = lang.get_untracked();
        let Some(v) = engine::i18n::format::typed_number(lang, &raw)
            .and_then(|t| crate::browser::parse_f64(&t))
            // "1,000" in Spanish would be 1 (ms, or node 1): said, not taken.
            .filter(|_| engine::i18n::format::read_as_decimal(lang, &raw).is_none())
            .filter(|v| v.is_finite() && *v >= least && v.fract() == 0.0)
        else {
            bad.set(Some((raw.trim().to_string(), i, k)));
            return;
        };
        // Only this cell's message goes: another cell may still hold text it refused.
        bad.update(|b| {
            if b.as_ref().is_some_and(|b| (b.1, b.2) == (i, k)) {
                *b = None;
            }
        });
        config.update(|c| {
            let mut list = get(c);
            if let Some(row) = list.get_mut(i) {
                row[k] = v as u64;
            }
            set(c, list);
        });
    };
    let add = move |_| {
        config.update(|c| {
            let mut list = get(c);
            list.push([1, 1_000, 10_000]);
            set(c, list);
        })
    };
    let said = Signal::derive(move || {
        bad.get().map(|(got, i, k)| {
            let lang = lang.get();
            let field = t(lang, label);
            if got.is_empty() {
                // An empty box: what the cell stays at (it read 'there is
                // no node “”').
                let v =
                    crate::charts::fmt_count(lang, rows.with(|r| r.get(i).map_or(0, |row| row[k])));
                let now = if k == 0 && !target.is_empty() {
                    v
                } else {
                    format!("{v} {}", t(lang, "unit.ms"))
                };
                return tf(lang, "ui.field_empty", &[("field", &field), ("now", &now)]);
            }
            if k == 0 && !target.is_empty() {
                let what = t(lang, target).to_lowercase();
                tf(
                    lang,
                    "replica.window_target_bad",
                    &[("field", &field), ("what", &what), ("got", &got)],
                )
            } else {
                tf(lang, "ui.window_bad", &[("field", &field), ("got", &got)])
            }
        })
    });
    let cols: Vec<(usize, &'static str)> = if target.is_empty() {
        vec![(1, "ctl.outage_from"), (2, "ctl.outage_to")]
    } else {
        vec![(0, target), (1, "ctl.outage_from"), (2, "ctl.outage_to")]
    };
    view! {
        <div class="field replica-windows" data-testid=testid role="group" aria-describedby=help_ref>
            <span class="field-label">{tr(label)}</span>
            {move || {
                let cols = cols.clone();
                rows.get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, row)| {
                        view! {
                            <div class="replica-window-row" data-testid="window-row">
                                {cols.iter().map(|&(k, key)| view! {
                                    <label class="replica-window-cell">
                                        <span>{tr(key)}</span>
                                        <input type="text" inputmode="numeric" class="num" value=row[k].to_string()
                                            aria-invalid=move || bad.with(|b| b.as_ref().is_some_and(|b| (b.1, b.2) == (i, k))).then_some("true")
                                            on:change=move |ev| edit(i, k, event_target_value(&ev)) />
                                    </label>
                                }).collect_view()}
                                <button type="button" class="btn small" data-testid="window-remove"
                                    on:click=move |_| config.update(|c| {
                                        // The rows below move up: a refused cell's message would name another.
                                        bad.set(None);
                                        let mut list = get(c);
                                        if i < list.len() {
                                            list.remove(i);
                                        }
                                        set(c, list);
                                    })>
                                    {tr("replica.ctl.remove")}
                                </button>
                            </div>
                        }
                    })
                    .collect_view()
            }}
            <button type="button" class="btn small" data-testid="window-add" on:click=add>{tr("replica.ctl.add_window")}</button>
            <small id=help_id class="help">{tr(help)}</small>
            <crate::controls::FieldNotes me=me said=said />
        </div>
    }
}

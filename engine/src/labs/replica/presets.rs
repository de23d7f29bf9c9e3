//! The replica-failover lab's presets: the course text's demo first (its
//! file system, its `RetryConfig`, its log), its "before", its two variants,
//! then the cases the text lists as not covered.

use super::config::*;
use crate::labs::run::Moment;
use crate::labs::LabPreset;
use crate::patterns::backoff::{Jitter, RetryPolicy, WaitKind};
use crate::patterns::bus::Window;

/// Preset `id` with its guided moments at these simulated times (ms).
fn preset(id: &'static str, seed: u64, config: ReplicaConfig, at_ms: &[u64]) -> LabPreset<ReplicaConfig> {
    LabPreset {
        id,
        seed,
        config,
        moments: Moment::at(crate::labs::LabId::Replica, id, at_ms),
    }
}

fn down(node: u32, from_ms: u64, to_ms: u64) -> NodeOutage {
    NodeOutage { node, from_ms, to_ms }
}

/// The text's two variants of its `RetryConfig`.
fn conservative() -> ClientSide {
    ClientSide {
        retry: RetryPolicy {
            max_attempts: 5,
            wait: WaitKind::Exponential,
            base_ms: 2_000,
            multiplier: 2.0,
            cap_ms: 30_000,
            jitter: Jitter::None,
        },
        attempt_timeout_ms: 60_000,
        ..ClientSide::default()
    }
}

fn aggressive() -> ClientSide {
    ClientSide {
        retry: RetryPolicy {
            max_attempts: 2,
            wait: WaitKind::Exponential,
            base_ms: 500,
            multiplier: 2.0,
            cap_ms: 5_000,
            jitter: Jitter::None,
        },
        attempt_timeout_ms: 15_000,
        ..ClientSide::default()
    }
}

pub fn all() -> Vec<LabPreset<ReplicaConfig>> {
    let base = ReplicaConfig::default;

    // The text's demo: node_2, chunk 1's primary, fails in the middle of the upload.
    let mut demo = base();
    demo.nodes.outages = vec![down(2, 300, 60_000)];

    // The text's "before": one try, on the same node, and the file fails with it.
    let mut before = demo.clone();
    before.client = ClientSide {
        retry: RetryPolicy {
            max_attempts: 1,
            ..text_retry()
        },
        route: Route::SameNode,
        report_failures: false,
        abort_on_failure: true,
        ..ClientSide::default()
    };
    // Its lesson is over in under a second: a short settle, so the cards'
    // time axis is not 22 s long with everything in its first 3 %.
    before.settle_ms = 1_000;

    let mut variants = base();
    variants.workload.files = 3;
    variants.workload.chunks_per_file = 16;
    variants.nodes.failure_rate = 0.25;
    variants.nodes.slow = vec![4];
    variants.client = conservative();
    variants.compare = Some(aggressive());

    let mut corruption = base();
    corruption.workload.transfer = Transfer::Download;
    corruption.workload.chunks_per_file = 32;
    corruption.nodes.corrupt_rate = 0.1;
    corruption.compare = Some(ClientSide {
        verify_checksum: false,
        ..ClientSide::default()
    });

    let mut slow = base();
    slow.workload.chunks_per_file = 16;
    slow.nodes.slow = vec![3];
    slow.client = ClientSide {
        route: Route::SameNode,
        attempt_timeout_ms: 5_000,
        ..ClientSide::default()
    };
    slow.compare = Some(ClientSide {
        attempt_timeout_ms: 5_000,
        ..ClientSide::default()
    });

    let mut rack = base();
    rack.workload = FileWorkload {
        transfer: Transfer::Download,
        chunks_per_file: 120,
        chunk_mb: 16.0,
        ..FileWorkload::default()
    };
    rack.nodes.count = 12;
    rack.nodes.racks = 3;
    rack.nodes.rack_outages = vec![RackOutage {
        rack: 2,
        from_ms: 1_000,
        to_ms: 600_000,
    }];
    rack.metadata.placement = Placement::RackAware;
    rack.metadata.max_clones = 4;
    rack.settle_ms = 20_000;

    let mut metadata_down = base();
    metadata_down.workload.files = 4;
    metadata_down.workload.every_ms = 1_500;
    metadata_down.metadata.outages = vec![Window {
        from_ms: 2_000,
        to_ms: 8_000,
    }];

    let mut all_corrupt = base();
    all_corrupt.workload.transfer = Transfer::Download;
    all_corrupt.nodes.corrupt_chunks = vec![4];

    let mut breaker = base();
    breaker.workload.chunks_per_file = 40;
    breaker.workload.chunk_mb = 16.0;
    // node_2 flaps: down half of every 2 s.
    breaker.nodes.outages = (0..10).map(|i| down(2, 2_000 * i + 500, 2_000 * i + 1_500)).collect();
    breaker.client.retry.base_ms = 200;
    breaker.client.retry.max_attempts = 5;
    // A client that does not tell the metadata server: only a breaker keeps it off the node.
    breaker.client.report_failures = false;
    breaker.client.route = Route::SameNode;
    breaker.compare = Some(ClientSide {
        breaker_failures: 2,
        breaker_open_ms: 5_000,
        ..breaker.client.clone()
    });

    vec![
        preset("demo", 1, demo, &[320, 2_000]),
        preset("before", 1, before, &[320, 700]),
        preset("variants", 3, variants, &[15_100, 56_000]),
        preset("corruption", 4, corruption, &[500, 4_100, 6_400]),
        preset("slow_node", 5, slow, &[5_100, 10_000, 21_400]),
        preset("rack_down", 6, rack, &[1_000, 5_000, 12_000]),
        preset("metadata_down", 7, metadata_down, &[4_000, 10_000]),
        preset("all_corrupt", 8, all_corrupt, &[700, 2_400, 5_200]),
        preset("breaker", 9, breaker, &[850, 1_500, 2_520]),
    ]
}

//! The CQRS lab's presets: the course text's demo first (as it means it,
//! then as its code does it), then what the texts only warn about.

use super::config::*;
use crate::labs::run::Moment;
use crate::labs::LabPreset;
use crate::patterns::bus::Window;
use crate::patterns::projector::{ProjectorConfig, SyncMode};
use crate::patterns::service::LatencyShape;

/// Preset `id` with its guided moments at these simulated times (ms).
fn preset(id: &'static str, seed: u64, config: CqrsConfig, at_ms: &[u64]) -> LabPreset<CqrsConfig> {
    LabPreset {
        id,
        seed,
        config,
        moments: Moment::at(crate::labs::LabId::Cqrs, id, at_ms),
    }
}

fn traffic(writes_per_s: f64, reads_per_s: f64, duration_ms: u64) -> CqrsWorkload {
    CqrsWorkload::Poisson {
        writes_per_s,
        reads_per_s,
        duration_ms,
        users: 100,
        update_share: 0.3,
        cancel_share: 0.05,
    }
}

/// A projector with a queue: one change at a time, exponential around `service_ms`.
fn queue(service_ms: u64) -> ProjectorConfig {
    ProjectorConfig {
        mode: SyncMode::Queue,
        service_ms,
        service_shape: LatencyShape::Exponential,
        ..ProjectorConfig::default()
    }
}

fn side(f: impl FnOnce(&mut CqrsSide)) -> CqrsSide {
    let mut s = CqrsSide::default();
    f(&mut s);
    s
}

pub fn all() -> Vec<LabPreset<CqrsConfig>> {
    let base = CqrsConfig::default;

    // The text's code: the copy is made inside the command (a 2 s sleep),
    // and the writer reads right after: A as the text means it, B as it does it.
    let mut code = base();
    code.workload = CqrsWorkload::Poisson {
        writes_per_s: 1.0,
        reads_per_s: 0.0,
        duration_ms: 20_000,
        users: 10,
        update_share: 0.3,
        cancel_share: 0.0,
    };
    code.read_after_write_ms = Some(0);
    code.compare = Some(side(|s| s.sync = Some(SyncMode::Inline)));

    let mut slow = base();
    slow.workload = traffic(100.0, 50.0, 30_000);
    slow.projector = queue(12);

    let mut paused = base();
    paused.workload = traffic(80.0, 40.0, 60_000);
    paused.projector = ProjectorConfig {
        pauses: vec![Window {
            from_ms: 10_000,
            to_ms: 20_000,
        }],
        ..queue(10)
    };

    let mut ryw = base();
    ryw.workload = traffic(20.0, 20.0, 20_000);
    ryw.projector.delay_ms = 1_000;
    ryw.read_after_write_ms = Some(0);
    ryw.compare = Some(side(|s| s.consistency = Consistency::ReadYourWrites));

    let mut two = base();
    two.workload = traffic(10.0, 30.0, 20_000);
    two.projector.delay_ms = 300;
    two.history = Some(ProjectorConfig {
        delay_ms: 3_000,
        ..ProjectorConfig::default()
    });

    let mut stock = base();
    stock.workload = CqrsWorkload::Poisson {
        writes_per_s: 50.0,
        reads_per_s: 0.0,
        duration_ms: 10_000,
        users: 100,
        update_share: 0.0,
        cancel_share: 0.0,
    };
    stock.stock = Some(StockQueue {
        units: 100,
        duplicate_rate: 0.1,
        copy_lag_ms: 2_000,
        ..StockQueue::default()
    });
    stock.compare = Some(side(|s| {
        s.idempotent_stock = true;
        s.reserve_stock = true;
    }));

    let mut crud = base();
    crud.workload = CqrsWorkload::Poisson {
        writes_per_s: 50.0,
        reads_per_s: 1_450.0,
        duration_ms: 10_000,
        users: 1_000,
        update_share: 0.3,
        cancel_share: 0.05,
    };
    crud.store.capacity = 8;
    crud.projector.delay_ms = 1_000;
    crud.side.architecture = Architecture::Crud;
    crud.compare = Some(CqrsSide::default());

    let mut replicas = base();
    replicas.workload = CqrsWorkload::Poisson {
        writes_per_s: 2.0,
        reads_per_s: 30.0,
        // 6 s, not 20: the moments at 1 s and 2.67 s sat in the first tenth of
        // a 20 s axis, the replicas' lanes a smear of ticks; the lesson is in
        // the first seconds.
        duration_ms: 6_000,
        users: 5,
        update_share: 0.6,
        cancel_share: 0.0,
    };
    replicas.projector.delay_ms = 200;
    replicas.replicas_lag_ms = vec![100, 2_000];
    replicas.compare = Some(side(|s| s.consistency = Consistency::Monotonic));

    let mut rebuild = base();
    rebuild.workload = traffic(50.0, 50.0, 30_000);
    rebuild.projector = ProjectorConfig {
        crash_at_ms: 10_000,
        batch: 1,
        ..queue(5)
    };

    vec![
        // The text's demo as it means it: a copy 2 s after each change.
        preset("demo", 1, base(), &[120, 3_120, 4_120, 7_101]),
        preset("code_as_written", 2, code, &[3_000, 15_000]),
        preset("slow_projector", 3, slow, &[5_000, 20_000, 30_000]),
        preset("paused", 4, paused, &[10_000, 20_000, 35_000]),
        preset("read_your_writes", 5, ryw, &[3_000, 15_000]),
        preset("two_projections", 6, two, &[2_000, 5_150, 20_000]),
        preset("stock_queue", 7, stock, &[2_500, 4_000]),
        preset("crud_vs_cqrs", 8, crud, &[1_000, 3_000, 10_000]),
        preset("replicas", 9, replicas, &[1_000, 2_670, 6_000]),
        preset("rebuild", 10, rebuild, &[10_000, 12_000]),
    ]
}

//! The availability lab's presets: the course text's experiment first, then
//! what its tactics trade and what they leave out.

use super::config::*;
use crate::labs::run::Moment;
use crate::labs::LabPreset;

/// Preset `id` with its guided moments at these simulated times (ms).
fn preset(id: &'static str, seed: u64, config: AvailabilityConfig, at_ms: &[u64]) -> LabPreset<AvailabilityConfig> {
    LabPreset {
        id,
        seed,
        config,
        moments: Moment::at(crate::labs::LabId::Availability, id, at_ms),
    }
}

fn crash(at_ms: u64, restart_ms: u64, hang: bool) -> Crashes {
    Crashes::Fixed {
        crashes: vec![Crash {
            at_ms,
            restart_ms,
            hang,
        }],
    }
}

pub fn all() -> Vec<LabPreset<AvailabilityConfig>> {
    let base = AvailabilityConfig::default;

    let mut none = base();
    none.tactics.redundancy = Redundancy::None;

    // A jittery, lossy network: an aggressive detector (A) vs a relaxed one (B).
    // Both keep the text's cold backup: every verdict, false or not, costs a
    // spin-up without commands. (A warm backup would take over at once and
    // hide what a false alarm costs.)
    let mut jittery = base();
    jittery.registration.crashes = crash(60_000, 20_000, false);
    jittery.network = Network {
        latency_ms: 80,
        jitter_ms: 150,
        loss_rate: 0.05,
    };
    jittery.tactics = Tactics {
        interval_ms: 500,
        timeout_ms: 200,
        k: 1,
        ..Tactics::default()
    };
    jittery.compare = Some(Tactics {
        interval_ms: 1_000,
        timeout_ms: 800,
        k: 4,
        ..Tactics::default()
    });

    let mut phi = jittery.clone();
    phi.tactics = Tactics {
        interval_ms: 500,
        timeout_ms: 400,
        k: 2,
        ..Tactics::default()
    };
    phi.compare = Some(Tactics {
        detector: DetectorKind::PhiAccrual,
        interval_ms: 500,
        phi_min_sd_ms: 100,
        phi_threshold: 8.0,
        ..Tactics::default()
    });

    let mut rejoin = base();
    rejoin.load.command_share = 0.6;
    rejoin.tactics.redundancy = Redundancy::Warm;
    rejoin.compare = Some(Tactics {
        resync: false,
        redundancy: Redundancy::Warm,
        ..Tactics::default()
    });

    let mut split = base();
    split.registration.crashes = crash(30_000, 40_000, true);
    split.registration.hang_ms = 8_000;
    split.load.command_share = 0.6;
    split.tactics.redundancy = Redundancy::Warm;
    split.tactics.fencing = false;
    split.compare = Some(Tactics {
        fencing: true,
        redundancy: Redundancy::Warm,
        ..Tactics::default()
    });

    // A month of random crashes at a light load.
    let mut month = base();
    month.load = Load {
        requests_per_s: 0.05,
        ramp_up_ms: 0,
        duration_ms: 30 * 24 * 3_600_000,
        command_share: 0.3,
    };
    month.registration.crashes = Crashes::Random {
        mttf_ms: 3 * 24 * 3_600_000,
        mttr_ms: 10 * 60_000,
    };
    month.tactics.interval_ms = 10_000;
    month.tactics.timeout_ms = 5_000;
    month.tactics.redundancy = Redundancy::None;
    month.compare = Some(Tactics {
        interval_ms: 10_000,
        timeout_ms: 5_000,
        redundancy: Redundancy::Warm,
        ..Tactics::default()
    });

    // Too few workers: as the load ramps up past what two can serve, a
    // queue builds and the queries time out (504); commands are untouched.
    let mut capacity = base();
    capacity.registration.crashes = Crashes::default();
    capacity.load.requests_per_s = 40.0;
    capacity.load.ramp_up_ms = 60_000;
    capacity.queries.latency_ms = 100;
    capacity.queries.capacity = 2;

    vec![
        preset("experiment", 1, base(), &[30_500, 34_000, 40_000, 72_000]),
        preset("no_redundancy", 1, none, &[33_000, 71_000]),
        preset("aggressive_timeout", 3, jittery, &[20_000, 67_000]),
        preset("phi_accrual", 4, phi, &[62_000, 115_000]),
        preset("rejoin", 5, rejoin, &[36_000, 73_000]),
        preset("split_brain", 6, split, &[41_000, 45_000]),
        preset(
            "month",
            7,
            month,
            &[3 * 24 * 3_600_000, 1_052_400_000, 293 * 3_600_000, 29 * 24 * 3_600_000],
        ),
        preset("capacity", 8, capacity, &[25_000, 70_000]),
    ]
}

//! `replica.html`: the replica-failover lab's page (and `?bench=1`, which
//! measures a 10,000-chunk upload over 50 nodes). Only this binary links the
//! replica lab's views.

use cloud_patterns_playground::home::Coming;
use cloud_patterns_playground::labs::replica::bench::ReplicaBenchPage;
use cloud_patterns_playground::labs::replica::ReplicaLab;
use cloud_patterns_playground::pages::{mount, LabSite, Site};
use engine::codec::LabState;
use engine::LabConfig;
use leptos::prelude::*;

fn lab(state: LabState) -> AnyView {
    match state.config {
        LabConfig::Replica(config) => {
            view! { <ReplicaLab config=config seed=state.seed /> }.into_any()
        }
        // Other labs' links are routed to their own pages before this.
        other => view! { <Coming lab=other.lab() /> }.into_any(),
    }
}

fn bench() -> AnyView {
    view! { <ReplicaBenchPage /> }.into_any()
}

fn main() {
    mount(Site::Lab(LabSite {
        bench: Some(bench),
        ..LabSite::new::<engine::labs::replica::ReplicaLab>(lab)
    }));
}

//! `cqrs.html`: the CQRS lab's page (and `?bench=1`, which measures a run of a
//! million commands). Only this binary links the CQRS lab's views.

use cloud_patterns_playground::home::Coming;
use cloud_patterns_playground::labs::cqrs::bench::CqrsBenchPage;
use cloud_patterns_playground::labs::cqrs::CqrsLab;
use cloud_patterns_playground::pages::{mount, LabSite, Site};
use engine::codec::LabState;
use engine::LabConfig;
use leptos::prelude::*;

fn lab(state: LabState) -> AnyView {
    match state.config {
        LabConfig::Cqrs(config) => view! { <CqrsLab config=config seed=state.seed /> }.into_any(),
        // Other labs' links are routed to their own pages before this.
        other => view! { <Coming lab=other.lab() /> }.into_any(),
    }
}

fn bench() -> AnyView {
    view! { <CqrsBenchPage /> }.into_any()
}

fn main() {
    mount(Site::Lab(LabSite {
        bench: Some(bench),
        ..LabSite::new::<engine::labs::cqrs::CqrsLab>(lab)
    }));
}

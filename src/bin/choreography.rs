//! `choreography.html`: the choreography lab's page (and `?bench=1`, which
//! measures a 10,000-order run each way). Only this binary links the
//! choreography lab's views.

use cloud_patterns_playground::home::Coming;
use cloud_patterns_playground::labs::choreography::bench::ChoreoBenchPage;
use cloud_patterns_playground::labs::choreography::ChoreographyLab;
use cloud_patterns_playground::pages::{mount, LabSite, Site};
use engine::codec::LabState;
use engine::LabConfig;
use leptos::prelude::*;

fn lab(state: LabState) -> AnyView {
    match state.config {
        LabConfig::Choreography(config) => {
            view! { <ChoreographyLab config=config seed=state.seed /> }.into_any()
        }
        // Other labs' links are routed to their own pages before this.
        other => view! { <Coming lab=other.lab() /> }.into_any(),
    }
}

fn bench() -> AnyView {
    view! { <ChoreoBenchPage /> }.into_any()
}

fn main() {
    mount(Site::Lab(LabSite {
        bench: Some(bench),
        ..LabSite::new::<engine::labs::choreography::ChoreographyLab>(lab)
    }));
}

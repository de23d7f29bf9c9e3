//! `availability.html`: the availability lab's page (and `?bench=1`, which
//! measures a simulated day at 100 requests/s and the month-long preset).
//! Only this binary links the availability lab's views.

use cloud_patterns_playground::home::Coming;
use cloud_patterns_playground::labs::availability::bench::AvailBenchPage;
use cloud_patterns_playground::labs::availability::AvailabilityLab;
use cloud_patterns_playground::pages::{mount, LabSite, Site};
use engine::codec::LabState;
use engine::LabConfig;
use leptos::prelude::*;

fn lab(state: LabState) -> AnyView {
    match state.config {
        LabConfig::Availability(config) => {
            view! { <AvailabilityLab config=config seed=state.seed /> }.into_any()
        }
        // Other labs' links are routed to their own pages before this.
        other => view! { <Coming lab=other.lab() /> }.into_any(),
    }
}

fn bench() -> AnyView {
    view! { <AvailBenchPage /> }.into_any()
}

fn main() {
    mount(Site::Lab(LabSite {
        bench: Some(bench),
        ..LabSite::new::<engine::labs::availability::AvailabilityLab>(lab)
    }));
}

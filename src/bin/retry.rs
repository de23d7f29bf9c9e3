//! `retry.html`: the retry lab's page (and `?bench=1`, which measures the retry
//! presets). Only this binary links the retry lab's views.

use cloud_patterns_playground::bench::BenchPage;
use cloud_patterns_playground::home::Coming;
use cloud_patterns_playground::labs::retry::RetryLab;
use cloud_patterns_playground::pages::{mount, LabSite, Site};
use engine::codec::LabState;
use engine::LabConfig;
use leptos::prelude::*;

fn lab(state: LabState) -> AnyView {
    match state.config {
        LabConfig::Retry(config) => view! { <RetryLab config=config seed=state.seed /> }.into_any(),
        // Other labs' links are routed to their own pages before this.
        other => view! { <Coming lab=other.lab() /> }.into_any(),
    }
}

fn bench() -> AnyView {
    view! { <BenchPage /> }.into_any()
}

fn main() {
    mount(Site::Lab(LabSite {
        bench: Some(bench),
        ..LabSite::new::<engine::labs::retry::RetryLab>(lab)
    }));
}

//! `index.html`: the home page (and the "coming" pages). It links no lab's code,
//! so it loads fast; each lab has its own page and wasm (see `retry.rs`).

use cloud_patterns_playground::pages::{mount, Site};

fn main() {
    mount(Site::Home);
}

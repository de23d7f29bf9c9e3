//! Entry point: install the panic hook and mount the app. Everything else
//! lives in the library so component tests can reach it.

fn main() {
    cloud_patterns_playground::panic::install();
    leptos::mount::mount_to_body(cloud_patterns_playground::app::App);
}

//! One module per lab: its page (wiring the shared layout, player and share
//! bar to the engine's run) and its lab-specific views.

pub mod availability;
pub mod choreography;
pub mod cqrs;
pub mod replica;
pub mod retry;

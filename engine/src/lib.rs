//! The engine of Cloud Patterns Playground: a deterministic discrete-event
//! simulator (virtual clock, seeded RNG, bounded trace), the resilience
//! patterns as small composable pieces, the labs built from them, the share
//! codec and the string catalogue. It has no web dependency: the browser app
//! and the `playground` CLI both drive it through the same API, and the same
//! config and seed give the same trace, byte for byte, on both.

pub mod codec;
pub mod i18n;
pub mod labs;
pub mod num;
pub mod order;
pub mod patterns;
pub mod queue;
pub mod rng;
pub mod run_spec;
pub mod sim;
pub mod stats;
pub mod sweep;
pub mod time;
pub mod trace;
pub mod validate;

pub use i18n::Lang;
pub use labs::{LabConfig, LabId, LabRun};
pub use sim::{Model, Progress, Simulation};
pub use time::{SimDuration, SimTime};

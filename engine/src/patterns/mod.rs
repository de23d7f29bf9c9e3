//! Resilience patterns as small, composable pieces. Each one is plain state
//! plus methods that take the current simulated time and return decisions or
//! simulated durations — never a sleep, never a global RNG. The labs wire them
//! into models; the UI only displays what they decide.

pub mod backoff;
pub mod breaker;
pub mod budget;
pub mod bus;
pub mod detector;
pub mod projector;
pub mod quota;
pub mod routing;
pub mod service;

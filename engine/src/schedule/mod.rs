//! Work that happens after a decision is committed: sending the outbox, firing timers.

mod dispatcher;
mod retention;
mod scheduler;
mod worker;

pub use dispatcher::{DispatchReport, Dispatcher, Flushed, RetryPolicy};
pub use retention::Pruner;
pub use scheduler::Scheduler;
pub use worker::{Intervals, Workers};

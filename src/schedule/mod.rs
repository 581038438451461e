//! Work that happens after a decision is committed: sending the outbox, firing timers.

mod dispatcher;

pub use dispatcher::{DispatchReport, Dispatcher, RetryPolicy};

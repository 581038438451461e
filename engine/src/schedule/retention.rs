//! Prunes what the engine keeps only for a while: handled events' ids past the platforms'
//! redelivery window, sent outbox actions past `retention.outbox`.

use crate::clock::Clock;
use crate::config::RetentionConfig;
use crate::domain::Timestamp;
use crate::store::{Pruned, Store, StoreError};
use std::sync::Arc;
use std::time::Duration;

/// Deletes what is older than its retention; safe to run on every replica at once.
pub struct Pruner {
    store: Store,
    clock: Arc<dyn Clock>,
    keep: RetentionConfig,
}

/// `now - by`, or the earliest time when that is out of range.
fn earlier(now: Timestamp, by: Duration) -> Timestamp {
    chrono::Duration::from_std(by)
        .ok()
        .and_then(|d| now.checked_sub_signed(d))
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC)
}

impl Pruner {
    /// A pruner keeping what `keep` says.
    pub fn new(store: Store, clock: Arc<dyn Clock>, keep: RetentionConfig) -> Self {
        Pruner { store, clock, keep }
    }

    /// How often it should run.
    pub fn every(&self) -> Duration {
        self.keep.every
    }

    /// Deletes everything past its retention now, in bounded batches.
    pub async fn run_once(&self) -> Result<Pruned, StoreError> {
        let now = self.clock.now();
        self.store
            .prune(
                earlier(now, self.keep.processed_events),
                earlier(now, self.keep.outbox),
            )
            .await
    }
}

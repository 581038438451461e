//! Retention: forgets what is no longer needed, in small batches so a large backlog never
//! holds the database for long. Idempotent, so every replica may run it.

use super::rows::to_ms;
use super::Db;
use super::{Store, StoreError};
use crate::domain::Timestamp;

/// Rows deleted per statement: each batch is its own short transaction.
pub const PRUNE_BATCH: i64 = 1_000;

/// Batches per table in one pass: a pass over a huge backlog ends (so a stop need not wait
/// for it) and the next pass goes on.
pub const PRUNE_BATCHES_PER_PASS: u32 = 100;

/// What one pruning pass removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    /// Processed-event ids older than the redelivery window.
    pub processed_events: u64,
    /// Sent outbox rows older than the outbox retention.
    pub sent_outbox: u64,
}

/// Deletes up to `limit` rows of `table` older than `before`.
async fn prune_batch(
    db: &mut Db<'_>,
    table: Kept,
    before: Timestamp,
    limit: i64,
) -> Result<u64, StoreError> {
    let sql = table.delete_older();
    on!(db, c => sqlx::query(sql)
        .bind(to_ms(before))
        .bind(limit)
        .execute(&mut **c)
        .await
        .map(|r| r.rows_affected()))
    .map_err(Into::into)
}

impl Store {
    /// Deletes processed-event ids recorded before `events_before` and outbox rows sent before
    /// `outbox_before`, [`PRUNE_BATCH`] rows per transaction, until none is left (or
    /// [`PRUNE_BATCHES_PER_PASS`] batches per table ran; the next pass goes on).
    pub async fn prune(
        &self,
        events_before: Timestamp,
        outbox_before: Timestamp,
    ) -> Result<Pruned, StoreError> {
        Ok(Pruned {
            processed_events: self
                .prune_table(Kept::ProcessedEvents, events_before)
                .await?,
            sent_outbox: self.prune_table(Kept::SentOutbox, outbox_before).await?,
        })
    }

    /// Prunes one table in batches of [`PRUNE_BATCH`] rows, each in its own transaction so a
    /// large backlog never holds the database for long.
    async fn prune_table(&self, table: Kept, before: Timestamp) -> Result<u64, StoreError> {
        let mut pruned = 0;
        for _ in 0..PRUNE_BATCHES_PER_PASS {
            let mut tx = self.begin().await?;
            let n = prune_batch(&mut tx.db(), table, before, PRUNE_BATCH).await?;
            tx.commit().await?;
            pruned += n;
            if n < PRUNE_BATCH as u64 {
                break;
            }
        }
        Ok(pruned)
    }
}

/// The tables whose old rows retention prunes.
#[derive(Debug, Clone, Copy)]
enum Kept {
    /// Handled event ids, kept for the platforms' redelivery window.
    ProcessedEvents,
    /// Sent chat actions, kept for `retention.outbox`.
    SentOutbox,
}

impl Kept {
    /// The statement deleting a batch: `$1` is the cut-off time, `$2` the batch size.
    fn delete_older(self) -> &'static str {
        match self {
            Kept::ProcessedEvents => {
                "DELETE FROM processed_events WHERE (platform, event_id) IN \
                 (SELECT platform, event_id FROM processed_events WHERE processed_at < $1 LIMIT $2)"
            }
            // Sent rows only: pending ones are still to go out, dead ones wait for an operator.
            Kept::SentOutbox => {
                "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox \
                 WHERE state = 'sent' AND sent_at < $1 ORDER BY id LIMIT $2)"
            }
        }
    }
}

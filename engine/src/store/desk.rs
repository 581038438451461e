//! Lookups the desk needs inside its transactions: the messages it posted, by place and by key.

use super::{Store, StoreError, StoreTx};
use crate::domain::TenantId;

impl StoreTx {
    /// The key of the message this desk posted at that place, if any (e.g. `card:17:C123`).
    pub async fn message_key_at(
        &mut self,
        tenant: TenantId,
        channel: &str,
        message_id: &str,
    ) -> Result<Option<String>, StoreError> {
        const SQL: &str = "SELECT message_key FROM message_refs WHERE channel = $1 \
            AND message_id = $2 AND tenant_id = $3 ORDER BY created_at DESC LIMIT 1";
        let db = &mut self.db();
        let key = on!(db, c => sqlx::query_scalar(SQL)
            .bind(channel)
            .bind(message_id)
            .bind(tenant.0)
            .fetch_optional(&mut **c)
            .await)?;
        Ok(key)
    }

    /// Whether a message with this key was posted or is on its way.
    pub async fn message_exists(&mut self, key: &str) -> Result<bool, StoreError> {
        // A post queued in this transaction answers without a round trip; the rows still
        // buffered can only add to "yes", so the query need not wait for them.
        if self.message_queued(key) {
            return Ok(true);
        }
        const SQL: &str = "SELECT (SELECT COUNT(*) FROM message_refs WHERE message_key = $1) + \
            (SELECT COUNT(*) FROM outbox WHERE posts_key = $1 AND state <> 'dead')";
        let db = &mut self.db();
        let n: i64 = on!(db, c => sqlx::query_scalar(SQL).bind(key).fetch_one(&mut **c).await)?;
        Ok(n > 0)
    }
}

impl Store {
    /// How many outbox items are pending and how many are dead (the metrics' gauges).
    pub async fn outbox_counts(&self) -> Result<(i64, i64), StoreError> {
        const SQL: &str = "SELECT \
            (SELECT COUNT(*) FROM outbox WHERE state = 'pending'), \
            (SELECT COUNT(*) FROM outbox WHERE state = 'dead')";
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let counts = on!(db, c => sqlx::query_as(SQL).fetch_one(&mut **c).await)?;
        Ok(counts)
    }
}

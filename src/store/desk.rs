//! Lookups and timer bookkeeping the desk needs inside its transactions.

use super::db::{timer_record, Db, TimerRecord};
use super::rows::{to_ms, TimerRow};
use super::{Store, StoreError, StoreTx};
use crate::domain::{TenantId, Timestamp};

impl Db<'_> {
    async fn message_key_at(
        &mut self,
        tenant: TenantId,
        channel: &str,
        message_id: &str,
    ) -> Result<Option<String>, StoreError> {
        const SQL: &str = "SELECT message_key FROM message_refs WHERE channel = $1 \
            AND message_id = $2 AND tenant_id = $3 ORDER BY created_at DESC LIMIT 1";
        let key = on!(self, c => sqlx::query_scalar(SQL)
            .bind(channel)
            .bind(message_id)
            .bind(tenant.0)
            .fetch_optional(&mut **c)
            .await)?;
        Ok(key)
    }

    async fn message_exists(&mut self, key: &str) -> Result<bool, StoreError> {
        const SQL: &str = "SELECT (SELECT COUNT(*) FROM message_refs WHERE message_key = $1) + \
            (SELECT COUNT(*) FROM outbox WHERE posts_key = $1 AND state <> 'dead')";
        let n: i64 = on!(self, c => sqlx::query_scalar(SQL).bind(key).fetch_one(&mut **c).await)?;
        Ok(n > 0)
    }

    async fn timer_due(&mut self, key: &str) -> Result<Option<Timestamp>, StoreError> {
        const SQL: &str = "SELECT due_at FROM timers WHERE timer_key = $1 AND state = 'pending'";
        let due: Option<i64> =
            on!(self, c => sqlx::query_scalar(SQL).bind(key).fetch_optional(&mut **c).await)?;
        due.map(super::rows::from_ms).transpose()
    }

    async fn due_timers(
        &mut self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<TimerRecord>, StoreError> {
        const SQL: &str = "SELECT id, tenant_id, ticket_id, timer_key, kind, due_at, payload, \
            state FROM timers WHERE state = 'pending' AND due_at <= $1 ORDER BY due_at, id LIMIT $2";
        let rows: Vec<TimerRow> = on!(self, c => sqlx::query_as(SQL)
            .bind(to_ms(now))
            .bind(limit)
            .fetch_all(&mut **c)
            .await)?;
        rows.into_iter().map(timer_record).collect()
    }

    async fn take_timer(
        &mut self,
        id: i64,
        now: Timestamp,
    ) -> Result<Option<TimerRecord>, StoreError> {
        // The conditional update is the claim: a second replica's update waits for the first
        // one's commit (PostgreSQL row lock; SQLite has one writer), then matches no row. The
        // row as claimed is returned, because it may have been re-armed since it was read.
        const SQL: &str = "UPDATE timers SET state = 'fired', fired_at = $2 \
            WHERE id = $1 AND state = 'pending' AND due_at <= $2 \
            RETURNING id, tenant_id, ticket_id, timer_key, kind, due_at, payload, state";
        let row: Option<TimerRow> = on!(self, c => sqlx::query_as(SQL)
            .bind(id)
            .bind(to_ms(now))
            .fetch_optional(&mut **c)
            .await)?;
        row.map(timer_record).transpose()
    }
}

impl Db<'_> {
    async fn timer_state(&mut self, key: &str) -> Result<Option<(String, i64)>, StoreError> {
        const SQL: &str = "SELECT state, due_at FROM timers WHERE timer_key = $1";
        let row = on!(self, c => sqlx::query_as(SQL).bind(key).fetch_optional(&mut **c).await)?;
        Ok(row)
    }

    async fn pause_timer(&mut self, key: &str, left_ms: i64) -> Result<bool, StoreError> {
        // While paused, due_at holds the time that was left (ms), not a point in time.
        const SQL: &str = "UPDATE timers SET state = 'paused', due_at = $2 \
            WHERE timer_key = $1 AND state = 'pending'";
        let n = on!(self, c => sqlx::query(SQL).bind(key).bind(left_ms)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    async fn resume_timer(&mut self, key: &str, due: Timestamp) -> Result<bool, StoreError> {
        const SQL: &str = "UPDATE timers SET state = 'pending', due_at = $2 \
            WHERE timer_key = $1 AND state = 'paused'";
        let n = on!(self, c => sqlx::query(SQL).bind(key).bind(to_ms(due))
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}

impl Store {
    /// Pending timers due at `now`, soonest first (not claimed: firing claims each one).
    pub async fn due_timers(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<TimerRecord>, StoreError> {
        self.conn().await?.db().due_timers(now, limit).await
    }
}

impl StoreTx {
    /// The key of the message this desk posted at that place, if any (e.g. `card:17:C123`).
    pub async fn message_key_at(
        &mut self,
        tenant: TenantId,
        channel: &str,
        message_id: &str,
    ) -> Result<Option<String>, StoreError> {
        self.db().message_key_at(tenant, channel, message_id).await
    }

    /// A timer's state (`pending`, `paused`, `fired`, `cancelled`) and due time in ms (for a
    /// paused timer: the time that was left).
    pub async fn timer_state(&mut self, key: &str) -> Result<Option<(String, i64)>, StoreError> {
        self.db().timer_state(key).await
    }

    /// Stops a pending timer's clock, keeping `left_ms` of time left; `false` if it was not
    /// pending.
    pub async fn pause_timer(&mut self, key: &str, left_ms: i64) -> Result<bool, StoreError> {
        self.db().pause_timer(key, left_ms).await
    }

    /// Restarts a paused timer, now due at `due`; `false` if it was not paused.
    pub async fn resume_timer(&mut self, key: &str, due: Timestamp) -> Result<bool, StoreError> {
        self.db().resume_timer(key, due).await
    }

    /// Whether a message with this key was posted or is on its way.
    pub async fn message_exists(&mut self, key: &str) -> Result<bool, StoreError> {
        self.db().message_exists(key).await
    }

    /// When the pending timer named `key` falls due, if it is armed.
    pub async fn timer_due(&mut self, key: &str) -> Result<Option<Timestamp>, StoreError> {
        self.db().timer_due(key).await
    }

    /// Claims a due timer for firing in this transaction and returns it as it is now; `None` if
    /// it fired, was cancelled or was re-armed for later since it was read.
    pub async fn take_timer(
        &mut self,
        id: i64,
        now: Timestamp,
    ) -> Result<Option<TimerRecord>, StoreError> {
        self.db().take_timer(id, now).await
    }
}

impl StoreTx {
    /// The newest ticket whose requester thread is this one (not locked: re-read to change).
    pub async fn ticket_by_thread(
        &mut self,
        tenant: TenantId,
        channel: &str,
        thread: &str,
    ) -> Result<Option<crate::domain::Ticket>, StoreError> {
        self.db().ticket_by_thread(tenant, channel, thread).await
    }
}

impl StoreTx {
    /// A ticket's whole log, in order, as this transaction sees it.
    pub async fn log(
        &mut self,
        ticket: crate::domain::TicketId,
    ) -> Result<Vec<super::LogRecord>, StoreError> {
        self.db().log(ticket).await
    }

    /// Tickets matching the filter, newest first, as this transaction sees them.
    pub async fn list_tickets(
        &mut self,
        filter: &super::TicketFilter,
    ) -> Result<Vec<crate::domain::Ticket>, StoreError> {
        self.db().list_tickets(filter).await
    }
}

impl Db<'_> {
    async fn outbox_counts(&mut self) -> Result<(i64, i64), StoreError> {
        const SQL: &str = "SELECT \
            (SELECT COUNT(*) FROM outbox WHERE state = 'pending'), \
            (SELECT COUNT(*) FROM outbox WHERE state = 'dead')";
        let counts = on!(self, c => sqlx::query_as(SQL).fetch_one(&mut **c).await)?;
        Ok(counts)
    }
}

impl Store {
    /// How many outbox items are pending and how many are dead (the metrics' gauges).
    pub async fn outbox_counts(&self) -> Result<(i64, i64), StoreError> {
        self.conn().await?.db().outbox_counts().await
    }
}

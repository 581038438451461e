//! Queuing chat actions in the desk's transaction: what the dispatcher later claims.

use super::rows::to_ms;
use super::{Lane, StoreError, StoreTx};
use crate::domain::{TenantId, TicketId, Timestamp};
use helpdesk_chat::ChatAction;

impl StoreTx {
    /// Queues a chat action to be sent after commit.
    pub async fn enqueue(
        &mut self,
        tenant: TenantId,
        ticket: Option<TicketId>,
        action: &ChatAction,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        const SQL: &str = "INSERT INTO outbox (tenant_id, ticket_id, ordering_key, payload, \
            state, attempts, next_attempt_at, created_at, posts_key, lane, needs_key) \
            VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5, $6, $7, $8) RETURNING id";
        let db = &mut self.db();
        let payload = serde_json::to_string(action)?;
        let id = on!(db, c => sqlx::query_scalar(SQL)
            .bind(tenant.0)
            .bind(ticket.map(|t| t.0))
            .bind(action.ordering_key())
            .bind(&payload)
            .bind(to_ms(now))
            .bind(action.posts_as())
            .bind(Lane::of(action).as_str())
            .bind(action.needs_message())
            .fetch_one(&mut **c)
            .await)?;
        Ok(id)
    }
}

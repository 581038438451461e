//! Queuing chat actions in the desk's transaction: what the dispatcher later claims.

use super::rows::to_ms;
use super::{values, Lane, StoreError, StoreTx, ROWS_PER_INSERT};
use crate::domain::{TenantId, TicketId, Timestamp};
use helpdesk_chat::ChatAction;

/// The outbox columns a queued action fills; the VALUES row below fills them in this order.
const COLUMNS: &str = "tenant_id, ticket_id, ordering_key, payload, state, attempts, \
    next_attempt_at, created_at, posts_key, lane, needs_key";
/// One row of [`COLUMNS`]: the state, the attempts and both times are fixed or repeated.
const ROW: &str = "($1, $2, $3, $4, 'pending', 0, $5, $5, $6, $7, $8)";
/// How many values [`ROW`] binds.
const WIDTH: usize = 8;

/// An action queued in this transaction and not written yet: its outbox row's values.
pub(super) struct Queued {
    tenant: i64,
    ticket: Option<i64>,
    ordering_key: String,
    payload: String,
    at: i64,
    posts_key: Option<String>,
    lane: &'static str,
    needs_key: Option<String>,
}

impl Queued {
    fn of(
        tenant: TenantId,
        ticket: Option<TicketId>,
        action: &ChatAction,
        now: Timestamp,
    ) -> Result<Queued, StoreError> {
        Ok(Queued {
            tenant: tenant.0,
            ticket: ticket.map(|t| t.0),
            ordering_key: action.ordering_key(),
            payload: serde_json::to_string(action)?,
            at: to_ms(now),
            posts_key: action.posts_as().map(str::to_string),
            lane: Lane::of(action).as_str(),
            needs_key: action.needs_message().map(str::to_string),
        })
    }
}

impl StoreTx {
    /// Queues a chat action to be sent after commit, and returns its outbox id (written now,
    /// after the actions buffered before it, so ids keep the order of queuing).
    pub async fn enqueue(
        &mut self,
        tenant: TenantId,
        ticket: Option<TicketId>,
        action: &ChatAction,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        self.enqueue_later(tenant, ticket, action, now)?;
        let ids = self.flush_outbox().await?;
        Ok(*ids.last().expect("the action just queued was written"))
    }

    /// Queues a chat action to be sent after commit, written with the transaction's other
    /// queued actions in one INSERT (at commit at the latest). Their ids ascend in the order
    /// they were queued, which is the order the dispatcher keeps within an ordering key.
    pub fn enqueue_later(
        &mut self,
        tenant: TenantId,
        ticket: Option<TicketId>,
        action: &ChatAction,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let row = Queued::of(tenant, ticket, action, now)?;
        self.buffered.outbox.push(row);
        Ok(())
    }

    /// Whether an action queued in this transaction and not written yet posts the message
    /// with this key (no round trip).
    pub fn message_queued(&self, key: &str) -> bool {
        self.buffered
            .outbox
            .iter()
            .any(|q| q.posts_key.as_deref() == Some(key))
    }

    /// Writes the buffered actions, in order, and returns their ids in that order.
    pub(super) async fn flush_outbox(&mut self) -> Result<Vec<i64>, StoreError> {
        let rows = std::mem::take(&mut self.buffered.outbox);
        let mut ids = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO outbox ({COLUMNS}) VALUES {} RETURNING id",
                values(chunk.len(), WIDTH, ROW)
            );
            let db = &mut self.db();
            let mut written: Vec<i64> = on!(db, c => {
                let mut q = sqlx::query_scalar(&sql);
                for r in chunk {
                    q = q
                        .bind(r.tenant)
                        .bind(r.ticket)
                        .bind(&r.ordering_key)
                        .bind(&r.payload)
                        .bind(r.at)
                        .bind(&r.posts_key)
                        .bind(r.lane)
                        .bind(&r.needs_key);
                }
                q.fetch_all(&mut **c).await
            })?;
            // Both databases number the rows of one VALUES list in its order; RETURNING's own
            // order is not promised, so the ids are put in order here.
            written.sort_unstable();
            ids.extend(written);
        }
        Ok(ids)
    }
}

//! Queuing chat actions in the desk's transaction: what the dispatcher later claims.

use super::outbox::{ClaimedItem, OutboxItem, OutboxState};
use super::rows::to_ms;
use super::{values, Lane, StoreError, StoreTx, ROWS_PER_INSERT};
use crate::domain::{TenantId, TicketId, Timestamp};
use helpdesk_chat::{ChatAction, Platform};

/// The outbox columns a queued action fills; the VALUES row below fills them in this order.
const COLUMNS: &str = "tenant_id, ticket_id, ordering_key, payload, state, attempts, \
    next_attempt_at, created_at, posts_key, lane, needs_key, locked_until";
/// One row of [`COLUMNS`]: the state, the attempts and both times are fixed or repeated.
const ROW: &str = "($1, $2, $3, $4, 'pending', 0, $5, $5, $6, $7, $8, $9)";
/// How many values [`ROW`] binds.
const WIDTH: usize = 9;

/// An answer to a person queued already claimed by the process that queued it: sent by it
/// right after the commit, with no claim; another process takes it over only if the claim
/// runs out (the process died).
#[derive(Debug, Clone)]
pub struct HeldAnswer {
    /// Its outbox id.
    pub id: i64,
    tenant: TenantId,
    ticket: Option<TicketId>,
    ordering_key: String,
    action: ChatAction,
    at: Timestamp,
    lease_until: Timestamp,
}

impl HeldAnswer {
    /// The claim the dispatcher sends it under, for the tenant's platform and workspace id.
    pub fn claimed(self, platform: Platform, tenant_external_id: &str) -> ClaimedItem {
        ClaimedItem {
            item: OutboxItem {
                id: self.id,
                tenant: self.tenant,
                ticket: self.ticket,
                action: self.action,
                state: OutboxState::Pending,
                attempts: 0,
                next_attempt_at: self.at,
                last_error: None,
            },
            platform,
            tenant_external_id: tenant_external_id.to_string(),
            lease_until: self.lease_until,
            tried_before: false,
            target: None,
            ordering_key: self.ordering_key,
        }
    }
}

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
    /// An answer claimed by this process as it is queued: the action, to send after commit.
    held: Option<ChatAction>,
}

impl Queued {
    fn of(
        tenant: TenantId,
        ticket: Option<TicketId>,
        action: &ChatAction,
        now: Timestamp,
        hold: bool,
    ) -> Result<Queued, StoreError> {
        let lane = Lane::of(action);
        Ok(Queued {
            held: (hold && lane == Lane::Answers).then(|| action.clone()),
            tenant: tenant.0,
            ticket: ticket.map(|t| t.0),
            ordering_key: action.ordering_key(),
            payload: serde_json::to_string(action)?,
            at: to_ms(now),
            posts_key: action.posts_as().map(str::to_string),
            lane: lane.as_str(),
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
        let row = Queued::of(tenant, ticket, action, now, self.hold_answers.is_some())?;
        self.buffered.outbox.push(row);
        Ok(())
    }

    /// Claims the answers this transaction queues (forms, private messages) for this process
    /// until `until`, so that [`StoreTx::commit_holding`] hands them over for sending at once.
    pub fn hold_answers(&mut self, until: Timestamp) {
        self.hold_answers = Some(until);
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
            let lock = self.hold_answers.map(to_ms);
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
                        .bind(&r.needs_key)
                        .bind(r.held.as_ref().and(lock));
                }
                q.fetch_all(&mut **c).await
            })?;
            // Both databases number the rows of one VALUES list in its order; RETURNING's own
            // order is not promised, so the ids are put in order here.
            written.sort_unstable();
            if let Some(lease_until) = self.hold_answers {
                for (row, id) in chunk.iter().zip(&written) {
                    if let Some(action) = &row.held {
                        self.held.push(HeldAnswer {
                            id: *id,
                            tenant: TenantId(row.tenant),
                            ticket: row.ticket.map(TicketId),
                            ordering_key: row.ordering_key.clone(),
                            action: action.clone(),
                            at: super::rows::from_ms(row.at)?,
                            lease_until,
                        });
                    }
                }
            }
            ids.extend(written);
        }
        Ok(ids)
    }
}

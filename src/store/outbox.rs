//! The outbox seen from the dispatcher: claim due items, record how sending went.

use super::db::{outbox_item, Db, OutboxItem, OutboxState};
use super::rows::{to_ms, OutboxRow};
use super::{Store, StoreError};
use crate::domain::Timestamp;
use helpdesk_chat::{ChatAction, MessageRef, Platform};

/// An outbox item claimed for sending, with the tenant it is sent for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedItem {
    /// The item.
    pub item: OutboxItem,
    /// The tenant's platform.
    pub platform: Platform,
    /// The workspace or guild id.
    pub tenant_external_id: String,
    /// The claim holds until then; only the holder may record the outcome.
    pub lease_until: Timestamp,
    /// An earlier try may have reached the platform (it failed, or its claim ran out).
    pub tried_before: bool,
}

#[derive(sqlx::FromRow)]
struct ClaimRow {
    #[sqlx(flatten)]
    row: OutboxRow,
    platform: String,
    external_id: String,
    /// Set while claimed: still set at the next claim when the last claim died unfinished.
    locked_until: Option<i64>,
}

impl Db<'_> {
    async fn claim_outbox(
        &mut self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: i64,
    ) -> Result<Vec<ClaimedItem>, StoreError> {
        // Only the oldest pending item of each ordering key is eligible, so a thread's messages
        // go out in order even with several dispatchers. SKIP LOCKED lets replicas share work.
        // Answers to a person go first: they are due within seconds, the rest is not.
        let lock = if matches!(self, Db::Postgres(_)) {
            " FOR UPDATE OF o SKIP LOCKED"
        } else {
            ""
        };
        let sql = format!(
            "SELECT o.id, o.tenant_id, o.ticket_id, o.payload, o.state, o.attempts, \
             o.next_attempt_at, o.last_error, t.platform, t.external_id, o.locked_until \
             FROM outbox o JOIN tenants t ON t.id = o.tenant_id \
             WHERE o.state = 'pending' AND o.next_attempt_at <= $1 \
             AND (o.locked_until IS NULL OR o.locked_until <= $1) \
             AND o.id = (SELECT MIN(h.id) FROM outbox h \
                         WHERE h.ordering_key = o.ordering_key AND h.state = 'pending') \
             ORDER BY CASE WHEN o.ordering_key LIKE '{answers}%' THEN 0 ELSE 1 END, o.id \
             LIMIT $2{lock}",
            answers = helpdesk_chat::ANSWER_LANE
        );
        let rows: Vec<ClaimRow> = on!(self, c => sqlx::query_as(&sql)
            .bind(to_ms(now))
            .bind(limit)
            .fetch_all(&mut **c)
            .await)?;
        let mut claimed = Vec::with_capacity(rows.len());
        for r in rows {
            on!(self, c => sqlx::query("UPDATE outbox SET locked_until = $1 WHERE id = $2")
                .bind(to_ms(lease_until))
                .bind(r.row.id)
                .execute(&mut **c)
                .await
                .map(|_| ()))?;
            let item = outbox_item(r.row)?;
            claimed.push(ClaimedItem {
                platform: super::rows::parse("platform", &r.platform)?,
                tenant_external_id: r.external_id,
                tried_before: item.attempts > 0 || r.locked_until.is_some(),
                item,
                lease_until,
            });
        }
        Ok(claimed)
    }

    /// Records the outcome of a claim; `false` if the claim's lease was lost to another worker.
    #[allow(clippy::too_many_arguments)]
    async fn finish_outbox(
        &mut self,
        claim: &ClaimedItem,
        state: OutboxState,
        attempts_delta: i64,
        next_attempt_at: Timestamp,
        error: Option<&str>,
        sent_at: Option<Timestamp>,
    ) -> Result<bool, StoreError> {
        const SQL: &str = "UPDATE outbox SET state = $1, attempts = attempts + $2, \
            next_attempt_at = $3, last_error = COALESCE($4, last_error), sent_at = $5, \
            locked_until = NULL WHERE id = $6 AND state = 'pending' AND locked_until = $7";
        let n = on!(self, c => sqlx::query(SQL)
            .bind(state.as_str())
            .bind(attempts_delta)
            .bind(to_ms(next_attempt_at))
            .bind(error)
            .bind(sent_at.map(to_ms))
            .bind(claim.item.id)
            .bind(to_ms(claim.lease_until))
            .execute(&mut **c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    async fn rewrite_payload(&mut self, id: i64, payload: &str) -> Result<(), StoreError> {
        const SQL: &str = "UPDATE outbox SET payload = $1 WHERE id = $2";
        on!(self, c => sqlx::query(SQL)
            .bind(payload)
            .bind(id)
            .execute(&mut **c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    async fn remember_message(
        &mut self,
        key: &str,
        tenant: i64,
        posted: &MessageRef,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO message_refs (message_key, tenant_id, channel, message_id, \
            created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (message_key) DO UPDATE SET \
            channel = excluded.channel, message_id = excluded.message_id";
        on!(self, c => sqlx::query(SQL)
            .bind(key)
            .bind(tenant)
            .bind(&posted.channel)
            .bind(&posted.message_id)
            .bind(to_ms(now))
            .execute(&mut **c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    async fn message_ref(&mut self, key: &str) -> Result<Option<MessageRef>, StoreError> {
        const SQL: &str = "SELECT channel, message_id FROM message_refs WHERE message_key = $1";
        let row: Option<(String, String)> =
            on!(self, c => sqlx::query_as(SQL).bind(key).fetch_optional(&mut **c).await)?;
        Ok(row.map(|(channel, message_id)| MessageRef {
            channel,
            message_id,
        }))
    }

    async fn post_is_pending(&mut self, key: &str) -> Result<bool, StoreError> {
        const SQL: &str = "SELECT COUNT(*) FROM outbox WHERE posts_key = $1 AND state = 'pending'";
        let n: i64 = on!(self, c => sqlx::query_scalar(SQL).bind(key).fetch_one(&mut **c).await)?;
        Ok(n > 0)
    }

    async fn next_pending_at(&mut self) -> Result<Option<Timestamp>, StoreError> {
        // Only the head of each ordering key can be sent; a claimed one comes back when its
        // lease runs out, not before.
        const SQL: &str = "SELECT MIN(CASE WHEN locked_until IS NOT NULL \
            AND locked_until > next_attempt_at THEN locked_until ELSE next_attempt_at END) \
            FROM outbox o WHERE state = 'pending' \
            AND id = (SELECT MIN(h.id) FROM outbox h \
                      WHERE h.ordering_key = o.ordering_key AND h.state = 'pending')";
        let at: Option<i64> = on!(self, c => sqlx::query_scalar(SQL).fetch_one(&mut **c).await)?;
        at.map(super::rows::from_ms).transpose()
    }

    async fn retry_dead(&mut self, id: Option<i64>, now: Timestamp) -> Result<u64, StoreError> {
        const SQL: &str = "UPDATE outbox SET state = 'pending', attempts = 0, \
            next_attempt_at = $1, locked_until = NULL WHERE state = 'dead' AND ($2 < 0 OR id = $2)";
        let n = on!(self, c => sqlx::query(SQL)
            .bind(to_ms(now))
            .bind(id.unwrap_or(-1))
            .execute(&mut **c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n)
    }
}

/// The action with its interaction tokens (Slack trigger ids, Discord interaction tokens)
/// erased, or `None` when it holds none.
fn without_interaction_tokens(action: &ChatAction) -> Option<ChatAction> {
    let mut erased = action.clone();
    match &mut erased {
        ChatAction::Ephemeral { trigger, .. } if trigger.is_some() => *trigger = None,
        ChatAction::OpenForm { trigger, .. } if !trigger.is_empty() => trigger.clear(),
        _ => return None,
    }
    Some(erased)
}

/// The dispatcher's side of the outbox. Each call is its own short transaction.
impl Store {
    /// Claims up to `limit` due items (the head of each ordering key) until `lease_until`.
    /// An item whose dispatcher dies is claimed again once the lease runs out.
    pub async fn claim_outbox(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: i64,
    ) -> Result<Vec<ClaimedItem>, StoreError> {
        let mut tx = self.begin().await?;
        let claimed = tx.db().claim_outbox(now, lease_until, limit).await?;
        tx.commit().await?;
        Ok(claimed)
    }

    /// Marks a claimed item sent; a post with a key remembers where it landed.
    /// Each of these returns `false`, changing nothing, if the claim's lease was lost.
    pub async fn mark_sent(
        &self,
        claim: &ClaimedItem,
        posted: Option<&MessageRef>,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let held = tx
            .db()
            .finish_outbox(claim, OutboxState::Sent, 0, now, None, Some(now))
            .await?;
        if !held {
            return Ok(false);
        }
        // An interaction token lets whoever holds it answer as the bot: once used, it goes.
        if let Some(erased) = without_interaction_tokens(&claim.item.action) {
            let payload = serde_json::to_string(&erased)?;
            tx.db().rewrite_payload(claim.item.id, &payload).await?;
        }
        if let (Some(key), Some(posted)) = (claim.item.action.posts_as(), posted) {
            tx.db()
                .remember_message(key, claim.item.tenant.0, posted, now)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Records a failed attempt: retried at `retry_at`, or parked as dead when `None`.
    pub async fn mark_failed(
        &self,
        claim: &ClaimedItem,
        error: &str,
        retry_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let (state, at) = match retry_at {
            Some(at) => (OutboxState::Pending, at),
            None => (OutboxState::Dead, now),
        };
        self.finish_alone(claim, state, 1, at, Some(error)).await
    }

    /// Puts a claimed item back without counting an attempt (it waits for something else).
    pub async fn postpone(
        &self,
        claim: &ClaimedItem,
        until: Timestamp,
    ) -> Result<bool, StoreError> {
        self.finish_alone(claim, OutboxState::Pending, 0, until, None)
            .await
    }

    async fn finish_alone(
        &self,
        claim: &ClaimedItem,
        state: OutboxState,
        attempts_delta: i64,
        at: Timestamp,
        error: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let held = tx
            .db()
            .finish_outbox(claim, state, attempts_delta, at, error, None)
            .await?;
        tx.commit().await?;
        Ok(held)
    }

    /// Where the message posted under `key` landed, once it has been sent.
    pub async fn message_ref(&self, key: &str) -> Result<Option<MessageRef>, StoreError> {
        self.conn().await?.db().message_ref(key).await
    }

    /// Whether a post that will be known as `key` is still waiting to be sent.
    pub async fn post_is_pending(&self, key: &str) -> Result<bool, StoreError> {
        self.conn().await?.db().post_is_pending(key).await
    }

    /// When the earliest pending item may next be tried (its retry time, or the end of its
    /// claim's lease); `None` when nothing is pending.
    pub async fn next_pending_at(&self) -> Result<Option<Timestamp>, StoreError> {
        self.conn().await?.db().next_pending_at().await
    }

    /// Returns dead items (one, or all with `None`) to the queue; how many were returned.
    pub async fn retry_dead(&self, id: Option<i64>, now: Timestamp) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let n = tx.db().retry_dead(id, now).await?;
        tx.commit().await?;
        Ok(n)
    }
}

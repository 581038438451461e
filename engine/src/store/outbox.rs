//! The outbox: chat actions queued in a transaction, then claimed, sent and recorded by the
//! dispatcher.

use super::rows::{from_ms, parse, to_ms, OutboxRow};
use super::{Conn, Db, Statements, Store, StoreError};
use crate::domain::{TenantId, TicketId, Timestamp};
use helpdesk_chat::{ChatAction, MessageRef, Platform, SendError};

/// The error recorded for an item whose parent post was never sent (it never was, or it is
/// parked): the item reached nobody.
pub fn never_posted(key: &str) -> String {
    format!("the message {key:?} was never posted")
}

/// Whether a parked item's recorded error says it reached nobody: its place took no message
/// from the bot, or the post it needed was never sent.
pub fn reached_nobody(error: &str) -> bool {
    SendError::is_unreachable_text(error)
        || (error.starts_with("the message ") && error.ends_with(" was never posted"))
}

/// Where an outgoing action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxState {
    /// Waiting to be sent (or retried).
    Pending,
    /// Delivered.
    Sent,
    /// Failed too often; parked until someone retries it.
    Dead,
}

impl OutboxState {
    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Sent => "sent",
            OutboxState::Dead => "dead",
        }
    }
}

impl std::str::FromStr for OutboxState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "pending" => Ok(OutboxState::Pending),
            "sent" => Ok(OutboxState::Sent),
            "dead" => Ok(OutboxState::Dead),
            other => Err(format!(
                "unknown outbox state {other:?}: expected pending, sent or dead"
            )),
        }
    }
}

/// An outgoing chat action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    /// Database id: send order within an ordering key.
    pub id: i64,
    /// The tenant whose platform sends it.
    pub tenant: TenantId,
    /// The ticket it is about, if any.
    pub ticket: Option<TicketId>,
    /// What to do.
    pub action: ChatAction,
    /// Where it stands.
    pub state: OutboxState,
    /// Failed sends so far.
    pub attempts: i64,
    /// Not before this time.
    pub next_attempt_at: Timestamp,
    /// The last failure, if any.
    pub last_error: Option<String>,
}

/// Which queue an outgoing action waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// An answer to a person (a private message, a form): platforms want it within seconds
    /// (Discord: 3 s), so the dispatcher claims these first.
    Answers,
    /// Everything else: cards, replies, updates, threads.
    Normal,
}

impl Lane {
    /// The lane an action is queued in.
    pub fn of(action: &ChatAction) -> Lane {
        // Every variant by name: a new action must choose its lane.
        match action {
            ChatAction::Ephemeral { .. } | ChatAction::OpenForm { .. } => Lane::Answers,
            ChatAction::Post { .. }
            | ChatAction::OpenThread { .. }
            | ChatAction::DirectMessage { .. }
            | ChatAction::AddToThread { .. }
            | ChatAction::RemoveFromThread { .. }
            | ChatAction::CloseThread { .. }
            | ChatAction::Reply { .. }
            | ChatAction::Update { .. }
            | ChatAction::PublishHome { .. }
            | ChatAction::CreateThread { .. }
            | ChatAction::React { .. } => Lane::Normal,
        }
    }

    /// The stable text form in the outbox's `lane` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Lane::Answers => "answers",
            Lane::Normal => "normal",
        }
    }
}

fn outbox_item(row: OutboxRow) -> Result<OutboxItem, StoreError> {
    Ok(OutboxItem {
        id: row.id,
        tenant: TenantId(row.tenant_id),
        ticket: row.ticket_id.map(TicketId),
        action: serde_json::from_str(&row.payload)
            .map_err(|e| StoreError::Corrupt(format!("outbox item {}: {e}", row.id)))?,
        state: parse("state", &row.state)?,
        attempts: row.attempts,
        next_attempt_at: from_ms(row.next_attempt_at)?,
        last_error: row.last_error,
    })
}

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
    /// Where the message the action needs landed, when it had been sent at the claim.
    pub target: Option<MessageRef>,
    /// The ordering key it was queued under: a key's items go out one after the other.
    pub ordering_key: String,
}

/// How many items of one ordering key a claim takes at most: they are sent one after the other
/// by one worker, so a card, its thread and its first replies go out in one round.
pub const CHAIN: i64 = 8;

#[derive(sqlx::FromRow)]
struct ClaimRow {
    #[sqlx(flatten)]
    row: OutboxRow,
    ordering_key: String,
    platform: String,
    external_id: String,
    /// Set while claimed: still set at the next claim when the last claim died unfinished.
    locked_until: Option<i64>,
    /// The item's place in its key's queue (1: the head).
    n: i64,
    target_channel: Option<String>,
    target_message_id: Option<String>,
}

/// The claim on SQLite, one lane at a time: the heads are each key's lowest pending id,
/// checked in the table (one lookup per key), materialized to drive the join (SQLite keeps
/// CROSS JOIN's order; the other way round it re-ran them for every pending row). Parameters:
/// $1 lane, $2 now, $3 keys, $4 chain; the lease is written after it ([`set_lease`]).
const CLAIM_SQLITE: &str = "WITH heads AS MATERIALIZED (SELECT h.ordering_key FROM outbox h \
       WHERE h.id IN (SELECT MIN(p.id) FROM outbox p WHERE p.state = 'pending' \
                      AND p.lane = $1 GROUP BY p.ordering_key) \
       AND h.next_attempt_at <= $2 AND (h.locked_until IS NULL OR h.locked_until <= $2) \
       ORDER BY h.id LIMIT $3), \
     queue AS (SELECT q.id, ROW_NUMBER() OVER (PARTITION BY q.ordering_key ORDER BY q.id) AS n \
       FROM heads CROSS JOIN outbox q \
       WHERE q.ordering_key = heads.ordering_key AND q.state = 'pending' AND q.lane = $1) \
     SELECT o.id, o.tenant_id, o.ticket_id, o.payload, o.state, o.attempts, \
       o.next_attempt_at, o.last_error, o.ordering_key, t.platform, t.external_id, \
       o.locked_until, queue.n, m.channel AS target_channel, \
       m.message_id AS target_message_id \
     FROM queue JOIN outbox o ON o.id = queue.id JOIN tenants t ON t.id = o.tenant_id \
     LEFT JOIN message_refs m ON m.message_key = o.needs_key \
     WHERE queue.n <= $4 AND (o.locked_until IS NULL OR o.locked_until <= $2) \
     ORDER BY o.id";

/// The claim on PostgreSQL: every lane and the lease in one statement, so a round is one
/// round trip. The heads are read from the pending rows alone: joined back to the table by id
/// with `ORDER BY id LIMIT`, the planner walked the whole table's primary key instead (100 ms
/// over 200,000 sent rows). Each head's chain is a LATERAL walk of its few rows in the index:
/// without statistics on the partial index's rows, a plain join scanned all the pending rows
/// once per head (6 ms for 1,000). SKIP LOCKED may skip a row in a chain; `kept` keeps each
/// chain's unbroken start (a place `n` equal to its rank among the locked rows). Parameters:
/// $1 the lanes in priority order, $2 now, $3 keys, $4 chain, $5 the lease.
const CLAIM_POSTGRES: &str = "WITH heads AS MATERIALIZED (SELECT k.lane, k.ordering_key FROM \
       (SELECT p.lane, p.ordering_key, p.id, p.next_attempt_at, p.locked_until, \
          ROW_NUMBER() OVER (PARTITION BY p.lane, p.ordering_key ORDER BY p.id) AS n \
        FROM outbox p WHERE p.state = 'pending' AND p.lane = ANY($1)) k \
       WHERE k.n = 1 AND k.next_attempt_at <= $2 \
       AND (k.locked_until IS NULL OR k.locked_until <= $2) \
       ORDER BY array_position($1, k.lane), k.id LIMIT $3), \
     queue AS (SELECT q.id, q.n FROM heads CROSS JOIN LATERAL \
       (SELECT i.id, ROW_NUMBER() OVER (ORDER BY i.id) AS n FROM outbox i \
        WHERE i.ordering_key = heads.ordering_key AND i.state = 'pending' \
        AND i.lane = heads.lane ORDER BY i.id LIMIT $4) q), \
     locked AS (SELECT o.id, o.lane, o.ordering_key, o.locked_until, queue.n \
       FROM queue JOIN outbox o ON o.id = queue.id \
       WHERE o.state = 'pending' AND (o.locked_until IS NULL OR o.locked_until <= $2) \
       FOR UPDATE OF o SKIP LOCKED), \
     kept AS (SELECT g.id, g.n, g.locked_until FROM \
       (SELECT l.id, l.n, l.locked_until, \
          ROW_NUMBER() OVER (PARTITION BY l.lane, l.ordering_key ORDER BY l.n) AS r \
        FROM locked l) g WHERE g.n = g.r), \
     leased AS (UPDATE outbox o SET locked_until = $5 FROM kept WHERE o.id = kept.id \
       RETURNING o.id, o.tenant_id, o.ticket_id, o.payload, o.state, o.attempts, \
         o.next_attempt_at, o.last_error, o.ordering_key, o.lane, o.needs_key, \
         kept.locked_until AS was_locked, kept.n) \
     SELECT l.id, l.tenant_id, l.ticket_id, l.payload, l.state, l.attempts, \
       l.next_attempt_at, l.last_error, l.ordering_key, t.platform, t.external_id, \
       l.was_locked AS locked_until, l.n, m.channel AS target_channel, \
       m.message_id AS target_message_id \
     FROM leased l JOIN tenants t ON t.id = l.tenant_id \
     LEFT JOIN message_refs m ON m.message_key = l.needs_key \
     ORDER BY array_position($1, l.lane), l.id";

/// Claims, lanes in priority order, the heads of up to `keys` ordering keys that are due and
/// not leased, each with up to `chain` items behind it, until `lease_until`.
async fn claim(
    db: &mut Db<'_>,
    lanes: &[Lane],
    now: Timestamp,
    lease_until: Timestamp,
    keys: i64,
    chain: i64,
) -> Result<Vec<ClaimedItem>, StoreError> {
    // The heads come from the partial index of pending rows, so the cost follows the pending
    // work, not the sent history; each backend's planner needs its own shape (see the SQL).
    // SKIP LOCKED lets replicas share work; a row it skips breaks its key's chain, and only
    // the unbroken start of a chain is kept, so a key's items never go out of order between
    // replicas.
    let rows: Vec<ClaimRow> = match &mut db.conn {
        Conn::Postgres(c) => {
            // A lease is a soft lock that runs out by itself: its commit need not wait for the
            // disk. A server crash can lose it only together with what was sent under it (the
            // sent mark commits durably and flushes the log before it), so the item is sent
            // again after a crash either way; and the claim stops paying a flush per round.
            // The generic plan of the claim is the right one whatever the parameters, and
            // planning it anew each round cost 1 to 2 ms.
            Statements::add(|s| s.queries += 2);
            sqlx::query(
                "SELECT set_config('synchronous_commit', 'off', true), \
                        set_config('plan_cache_mode', 'force_generic_plan', true)",
            )
            .execute(&mut **c)
            .await?;
            let lanes: Vec<&str> = lanes.iter().map(|l| l.as_str()).collect();
            sqlx::query_as(CLAIM_POSTGRES)
                .bind(lanes)
                .bind(to_ms(now))
                .bind(keys)
                .bind(chain)
                .bind(to_ms(lease_until))
                .fetch_all(&mut **c)
                .await?
        }
        Conn::Sqlite(c) => {
            let mut rows = Vec::new();
            let mut left = keys;
            for lane in lanes {
                if left <= 0 {
                    break;
                }
                Statements::add(|s| s.queries += 1);
                let found: Vec<ClaimRow> = sqlx::query_as(CLAIM_SQLITE)
                    .bind(lane.as_str())
                    .bind(to_ms(now))
                    .bind(left)
                    .bind(chain)
                    .fetch_all(&mut **c)
                    .await?;
                let found = unbroken(found);
                let heads: std::collections::HashSet<&str> =
                    found.iter().map(|r| r.ordering_key.as_str()).collect();
                left -= heads.len() as i64;
                rows.extend(found);
            }
            rows
        }
    };
    if !db.is_postgres() {
        let ids: Vec<i64> = rows.iter().map(|r| r.row.id).collect();
        set_lease(db, &ids, Some(lease_until), None).await?;
    }
    rows.into_iter()
        .map(|r| {
            let target = match (r.target_channel, r.target_message_id) {
                (Some(channel), Some(message_id)) => Some(MessageRef {
                    channel,
                    message_id,
                }),
                _ => None,
            };
            let item = outbox_item(r.row)?;
            Ok(ClaimedItem {
                platform: parse("platform", &r.platform)?,
                tenant_external_id: r.external_id,
                tried_before: item.attempts > 0 || r.locked_until.is_some(),
                item,
                lease_until,
                target,
                ordering_key: r.ordering_key,
            })
        })
        .collect()
}

/// One lane's claimed rows, each key's kept from its head on up to the first gap (a row
/// another worker holds).
fn unbroken(rows: Vec<ClaimRow>) -> Vec<ClaimRow> {
    let mut next: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    rows.into_iter()
        .filter(|r| {
            let expected = next.entry(r.ordering_key.clone()).or_insert(1);
            let keep = r.n == *expected;
            if keep {
                *expected += 1;
            }
            keep
        })
        .collect()
}

/// Outbox ids as a SQL list: our own integers, written as literals, so one statement takes any
/// number of them.
fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The ids of these claims, grouped by their lease (a round's claims share theirs), so each
/// group is one statement guarded by that lease.
fn by_lease<'a, T: 'a>(
    claims: impl IntoIterator<Item = &'a T>,
    claim: impl Fn(&T) -> &ClaimedItem,
) -> std::collections::BTreeMap<Timestamp, Vec<i64>> {
    let mut groups: std::collections::BTreeMap<Timestamp, Vec<i64>> = Default::default();
    for c in claims {
        let c = claim(c);
        groups.entry(c.lease_until).or_default().push(c.item.id);
    }
    groups
}

/// Sets (or, with `None`, clears) the lease of these items in one statement; with `held`, only
/// where that lease is still the one held.
async fn set_lease(
    db: &mut Db<'_>,
    ids: &[i64],
    until: Option<Timestamp>,
    held: Option<Timestamp>,
) -> Result<u64, StoreError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let list = id_list(ids);
    let sql = format!(
        "UPDATE outbox SET locked_until = $1 WHERE id IN ({list}) AND state = 'pending' \
         AND ($2 IS NULL OR locked_until = $2)"
    );
    let n = on!(db, c => sqlx::query(&sql)
        .persistent(false)
        .bind(until.map(to_ms))
        .bind(held.map(to_ms))
        .execute(&mut **c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n)
}

/// Records an outcome other than sent (see [`Store::mark_sent_many`]) of a claim; `false` if
/// the claim's lease was lost to another worker.
async fn finish(
    db: &mut Db<'_>,
    claim: &ClaimedItem,
    state: OutboxState,
    attempts_delta: i64,
    next_attempt_at: Timestamp,
    error: Option<&str>,
) -> Result<bool, StoreError> {
    const SQL: &str = "UPDATE outbox SET state = $1, attempts = attempts + $2, \
        next_attempt_at = $3, last_error = COALESCE($4, last_error), \
        locked_until = NULL WHERE id = $5 AND state = 'pending' AND locked_until = $6";
    let n = on!(db, c => sqlx::query(SQL)
        .bind(state.as_str())
        .bind(attempts_delta)
        .bind(to_ms(next_attempt_at))
        .bind(error)
        .bind(claim.item.id)
        .bind(to_ms(claim.lease_until))
        .execute(&mut **c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

async fn rewrite_payload(db: &mut Db<'_>, id: i64, payload: &str) -> Result<(), StoreError> {
    const SQL: &str = "UPDATE outbox SET payload = $1 WHERE id = $2";
    on!(db, c => sqlx::query(SQL)
        .bind(payload)
        .bind(id)
        .execute(&mut **c)
        .await
        .map(|_| ()))?;
    Ok(())
}

async fn remember_message(
    db: &mut Db<'_>,
    key: &str,
    tenant: i64,
    posted: &MessageRef,
    now: Timestamp,
) -> Result<(), StoreError> {
    const SQL: &str = "INSERT INTO message_refs (message_key, tenant_id, channel, message_id, \
        created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (message_key) DO UPDATE SET \
        channel = excluded.channel, message_id = excluded.message_id";
    on!(db, c => sqlx::query(SQL)
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

/// The dispatcher's side of the outbox. Each write is its own short transaction.
impl Store {
    /// Claims the due work of up to `keys` ordering keys (each key's head and up to [`CHAIN`]
    /// items behind it) until `lease_until`, answers to people first. An item whose dispatcher
    /// dies is claimed again once the lease runs out.
    pub async fn claim_outbox(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        keys: i64,
    ) -> Result<Vec<ClaimedItem>, StoreError> {
        let mut tx = self.begin_delivery().await?;
        let claimed = claim(
            &mut tx.db(),
            &[Lane::Answers, Lane::Normal],
            now,
            lease_until,
            keys,
            CHAIN,
        )
        .await?;
        tx.commit().await?;
        Ok(claimed)
    }

    /// Like [`Store::claim_outbox`], in one lane only, with up to `chain` items per key: the
    /// answers' own fast path claims through it without waiting behind a batch of cards.
    pub async fn claim_lane(
        &self,
        lane: Lane,
        now: Timestamp,
        lease_until: Timestamp,
        keys: i64,
        chain: i64,
    ) -> Result<Vec<ClaimedItem>, StoreError> {
        let mut tx = self.begin_delivery().await?;
        let claimed = claim(&mut tx.db(), &[lane], now, lease_until, keys, chain).await?;
        tx.commit().await?;
        Ok(claimed)
    }

    /// Gives claims back untried (their lease cleared, attempts and times untouched), in one
    /// statement; how many were still held.
    pub async fn release(&self, claims: &[ClaimedItem]) -> Result<u64, StoreError> {
        let mut released = 0;
        let mut tx = self.begin_delivery().await?;
        for (lease, ids) in by_lease(claims, |c| c) {
            released += set_lease(&mut tx.db(), &ids, None, Some(lease)).await?;
        }
        tx.commit().await?;
        Ok(released)
    }

    /// Marks a claimed item sent; a post with a key remembers where it landed.
    /// Each of these returns `false`, changing nothing, if the claim's lease was lost.
    pub async fn mark_sent(
        &self,
        claim: &ClaimedItem,
        posted: Option<&MessageRef>,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let one = [(claim.clone(), posted.cloned())];
        Ok(self.mark_sent_many(&one, now).await? == 1)
    }

    /// Marks many claimed items sent in one transaction, each post remembering where it
    /// landed; how many were still held (an item whose lease was lost changes nothing).
    pub async fn mark_sent_many(
        &self,
        sent: &[(ClaimedItem, Option<MessageRef>)],
        now: Timestamp,
    ) -> Result<usize, StoreError> {
        if sent.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin_delivery().await?;
        let db = &mut tx.db();
        // One statement per lease: the ones still held.
        let mut held = std::collections::HashSet::new();
        for (lease, ids) in by_lease(sent, |(c, _)| c) {
            let list = id_list(&ids);
            let sql = format!(
                "UPDATE outbox SET state = 'sent', next_attempt_at = $1, sent_at = $1, \
                 locked_until = NULL WHERE id IN ({list}) AND state = 'pending' \
                 AND locked_until = $2 RETURNING id"
            );
            let ids: Vec<i64> = on!(db, c => sqlx::query_scalar(&sql)
                .persistent(false)
                .bind(to_ms(now))
                .bind(to_ms(lease))
                .fetch_all(&mut **c)
                .await)?;
            held.extend(ids);
        }
        for (claim, posted) in sent.iter().filter(|(c, _)| held.contains(&c.item.id)) {
            // An interaction token lets whoever holds it answer as the bot: once used, it goes.
            if let Some(erased) = without_interaction_tokens(&claim.item.action) {
                let payload = serde_json::to_string(&erased)?;
                rewrite_payload(db, claim.item.id, &payload).await?;
            }
            if let (Some(key), Some(posted)) = (claim.item.action.posts_as(), posted) {
                remember_message(db, key, claim.item.tenant.0, posted, now).await?;
            }
        }
        tx.commit().await?;
        Ok(held.len())
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

    /// Parks an item that reached nobody (its place takes no messages from the bot, or the
    /// message it needed was never posted) and, in the same transaction, tells the desk: the
    /// ticket's `undelivered` timer fires now, and the desk finds another way.
    pub async fn mark_undelivered(
        &self,
        claim: &ClaimedItem,
        error: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_delivery().await?;
        let held = finish(&mut tx.db(), claim, OutboxState::Dead, 1, now, Some(error)).await?;
        if let (true, Some(ticket)) = (held, claim.item.ticket) {
            let kind = super::TimerKind::Undelivered;
            let (key, none) = (kind.key(ticket), serde_json::Value::Null);
            let tenant = claim.item.tenant;
            tx.set_timer(tenant, Some(ticket), &key, kind, now, &none, now)
                .await?;
        }
        tx.commit().await?;
        Ok(held)
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
        let mut tx = self.begin_delivery().await?;
        let held = finish(&mut tx.db(), claim, state, attempts_delta, at, error).await?;
        tx.commit().await?;
        Ok(held)
    }

    /// Where the message posted under `key` landed, once it has been sent.
    pub async fn message_ref(&self, key: &str) -> Result<Option<MessageRef>, StoreError> {
        const SQL: &str = "SELECT channel, message_id FROM message_refs WHERE message_key = $1";
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let row: Option<(String, String)> =
            on!(db, c => sqlx::query_as(SQL).bind(key).fetch_optional(&mut **c).await)?;
        Ok(row.map(|(channel, message_id)| MessageRef {
            channel,
            message_id,
        }))
    }

    /// Whether a post that will be known as `key` is still waiting to be sent.
    pub async fn post_is_pending(&self, key: &str) -> Result<bool, StoreError> {
        const SQL: &str = "SELECT COUNT(*) FROM outbox WHERE posts_key = $1 AND state = 'pending'";
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let n: i64 = on!(db, c => sqlx::query_scalar(SQL).bind(key).fetch_one(&mut **c).await)?;
        Ok(n > 0)
    }

    /// When the earliest pending item may next be tried (its retry time, or the end of its
    /// claim's lease); `None` when nothing is pending.
    pub async fn next_pending_at(&self) -> Result<Option<Timestamp>, StoreError> {
        // Only the head of each ordering key can be sent; a claimed one comes back when its
        // lease runs out, not before. The heads are numbered in one ordered pass over the
        // partial index of pending rows (a lookup per pending row cost 3 ms for 1,000 on
        // PostgreSQL).
        const SQL: &str = "SELECT MIN(CASE WHEN locked_until IS NOT NULL \
            AND locked_until > next_attempt_at THEN locked_until ELSE next_attempt_at END) \
            FROM (SELECT p.next_attempt_at, p.locked_until, ROW_NUMBER() OVER \
                    (PARTITION BY p.lane, p.ordering_key ORDER BY p.id) AS n \
                  FROM outbox p WHERE p.state = 'pending') heads WHERE heads.n = 1";
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let at: Option<i64> = on!(db, c => sqlx::query_scalar(SQL).fetch_one(&mut **c).await)?;
        at.map(from_ms).transpose()
    }

    /// Returns dead items (one, or all with `None`) to the queue; how many were returned.
    pub async fn retry_dead(&self, id: Option<i64>, now: Timestamp) -> Result<u64, StoreError> {
        const SQL: &str = "UPDATE outbox SET state = 'pending', attempts = 0, \
            next_attempt_at = $1, locked_until = NULL WHERE state = 'dead' AND ($2 < 0 OR id = $2)";
        let mut tx = self.begin().await?;
        let db = &mut tx.db();
        let n = on!(db, c => sqlx::query(SQL)
            .bind(to_ms(now))
            .bind(id.unwrap_or(-1))
            .execute(&mut **c)
            .await
            .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok(n)
    }

    /// Outbox items, oldest first, optionally only those in one state.
    pub async fn outbox(
        &self,
        state: Option<OutboxState>,
        limit: i64,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        const SQL: &str = "SELECT id, tenant_id, ticket_id, payload, state, attempts, \
            next_attempt_at, last_error FROM outbox WHERE ($1 = '' OR state = $1) \
            ORDER BY id LIMIT $2";
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let rows: Vec<OutboxRow> = on!(db, c => sqlx::query_as(SQL)
            .bind(state.map(|s| s.as_str()).unwrap_or(""))
            .bind(limit)
            .fetch_all(&mut **c)
            .await)?;
        rows.into_iter().map(outbox_item).collect()
    }
}

impl super::StoreTx {
    /// A ticket's parked items, oldest first.
    pub async fn dead_items_of(&mut self, ticket: TicketId) -> Result<Vec<OutboxItem>, StoreError> {
        const SQL: &str = "SELECT id, tenant_id, ticket_id, payload, state, attempts, \
            next_attempt_at, last_error FROM outbox WHERE ticket_id = $1 AND state = 'dead' \
            ORDER BY id";
        self.flush_outbox().await?;
        let db = &mut self.db();
        let rows: Vec<OutboxRow> = on!(db, c => sqlx::query_as(SQL)
            .bind(ticket.0)
            .fetch_all(&mut **c)
            .await)?;
        rows.into_iter().map(outbox_item).collect()
    }

    /// Removes parked items the desk has done otherwise (sent another way, or told the agents).
    pub async fn drop_dead_items(&mut self, ids: &[i64]) -> Result<(), StoreError> {
        const SQL: &str = "DELETE FROM outbox WHERE id = $1 AND state = 'dead'";
        for id in ids {
            let db = &mut self.db();
            on!(db, c => sqlx::query(SQL)
                .bind(*id)
                .execute(&mut **c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use helpdesk_chat::ANSWER_LANE;
    use serde_json::json;

    /// One action of every kind (written as stored, so the test follows the stored form).
    fn every_action() -> Vec<ChatAction> {
        let message = serde_json::to_value(helpdesk_chat::RichMessage::text("hi")).unwrap();
        let thread = json!({ "type": "id", "value": "t" });
        [
            json!({ "type": "post", "channel": "C", "message": message, "key": null }),
            json!({ "type": "open_thread", "channel": "C", "key": "k", "name": "n",
                    "members": [], "message": message }),
            json!({ "type": "add_to_thread", "channel": "C", "thread": thread, "user": "U" }),
            json!({ "type": "remove_from_thread", "channel": "C", "thread": thread, "user": "U" }),
            json!({ "type": "close_thread", "channel": "C", "thread": thread }),
            json!({ "type": "reply", "channel": "C", "thread": thread, "message": message }),
            json!({ "type": "update", "key": "k", "message": message }),
            json!({ "type": "ephemeral", "channel": "C", "thread": null, "user": "U",
                    "message": message }),
            json!({ "type": "open_form", "user": "U", "trigger": "x", "channel": "C",
                    "form": { "id": "f", "title": "t", "fields": [], "submit": "s" } }),
            json!({ "type": "publish_home", "user": "U", "sections": [] }),
            json!({ "type": "create_thread", "key": "k", "name": "n" }),
            json!({ "type": "react", "channel": "C", "message_id": "m", "emoji": "e" }),
            json!({ "type": "direct_message", "user": "U", "key": "k", "message": message }),
        ]
        .into_iter()
        .map(|v| serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{v}: {e}")))
        .collect()
    }

    #[test]
    fn the_answers_lane_holds_what_the_old_key_prefix_held() {
        // The migration filled the lane of queued rows from the ordering key's prefix; new
        // rows must land in the same lane.
        for action in every_action() {
            let by_prefix = action.ordering_key().starts_with(ANSWER_LANE);
            assert_eq!(Lane::of(&action) == Lane::Answers, by_prefix, "{action:?}");
        }
    }
}

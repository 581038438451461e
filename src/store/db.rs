//! Every query, written once for both backends (`$1` placeholders work in SQLite and PostgreSQL).

use super::rows::{
    from_ms, parse, to_ms, LogRow, OutboxRow, TenantRow, TicketRow, TimerRow, TICKET_COLUMNS,
};
use super::{Store, StoreError, StoreTx};
use crate::domain::{
    Author, LogEntry, LogKind, NewTicket, Person, Status, TenantId, Ticket, TicketId, TicketNumber,
    Timestamp,
};
use helpdesk_chat::{ChatAction, Platform};
use sqlx::{PgConnection, SqliteConnection};

/// A borrowed connection of either backend.
pub(crate) enum Db<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

/// A tenant: one Slack workspace or Discord guild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantRecord {
    /// Database id.
    pub id: TenantId,
    /// Its platform.
    pub platform: Platform,
    /// The workspace or guild id on the platform.
    pub external_id: String,
    /// Its name.
    pub name: String,
}

/// A stored log entry with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRecord {
    /// Database id: log order.
    pub id: i64,
    /// The ticket it belongs to.
    pub ticket: TicketId,
    /// The entry.
    pub entry: LogEntry,
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

/// A timer row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimerRecord {
    /// Database id.
    pub id: i64,
    /// The tenant.
    pub tenant: TenantId,
    /// The ticket, if any.
    pub ticket: Option<TicketId>,
    /// Unique name; setting a timer with the same key replaces it.
    pub key: String,
    /// What it does when it fires (e.g. `level_budget`).
    pub kind: String,
    /// When it is due.
    pub due_at: Timestamp,
    /// Details for the handler (JSON).
    pub payload: serde_json::Value,
    /// `pending`, `fired` or `cancelled`.
    pub state: String,
}

/// A privileged action, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The tenant, if the action belongs to one.
    pub tenant: Option<TenantId>,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: Person,
    /// What (e.g. `ticket.escalate`).
    pub action: String,
    /// On what (e.g. `#42`).
    pub target: String,
    /// Details (JSON).
    pub detail: serde_json::Value,
}

/// Which tickets to list.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    /// Only this tenant.
    pub tenant: Option<TenantId>,
    /// Only these statuses (empty: all).
    pub statuses: Vec<Status>,
    /// Only tickets asked by this user.
    pub requester: Option<String>,
    /// Only tickets held by this agent.
    pub assignee: Option<String>,
    /// At most this many, newest first.
    pub limit: Option<i64>,
}

fn platform(value: &str) -> Result<Platform, StoreError> {
    parse("platform", value)
}

pub(super) fn log_record(row: LogRow) -> Result<LogRecord, StoreError> {
    let kind: LogKind = serde_json::from_str(&row.data)
        .map_err(|e| StoreError::Corrupt(format!("log entry {}: {e}", row.id)))?;
    let author = if row.author_id == "system" {
        Author::System
    } else {
        Author::Person(Person::new(row.author_id, row.author_name))
    };
    Ok(LogRecord {
        id: row.id,
        ticket: TicketId(row.ticket_id),
        entry: LogEntry {
            at: from_ms(row.at)?,
            author,
            kind,
        },
    })
}

pub(crate) fn outbox_item(row: OutboxRow) -> Result<OutboxItem, StoreError> {
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

pub(super) fn timer_record(row: TimerRow) -> Result<TimerRecord, StoreError> {
    Ok(TimerRecord {
        id: row.id,
        tenant: TenantId(row.tenant_id),
        ticket: row.ticket_id.map(TicketId),
        key: row.timer_key,
        kind: row.kind,
        due_at: from_ms(row.due_at)?,
        payload: serde_json::from_str(&row.payload)?,
        state: row.state,
    })
}

impl Db<'_> {
    fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres(_))
    }

    pub(crate) async fn ping(&mut self) -> Result<(), StoreError> {
        on!(self, c => sqlx::query("SELECT 1").execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    async fn ensure_tenant(
        &mut self,
        platform: Platform,
        external_id: &str,
        name: &str,
        now: Timestamp,
    ) -> Result<TenantId, StoreError> {
        const SQL: &str = "INSERT INTO tenants (platform, external_id, name, created_at) \
            VALUES ($1, $2, $3, $4) \
            ON CONFLICT (platform, external_id) DO UPDATE SET name = excluded.name RETURNING id";
        let id: i64 = on!(self, c => sqlx::query_scalar(SQL)
            .bind(platform.as_str())
            .bind(external_id)
            .bind(name)
            .bind(to_ms(now))
            .fetch_one(&mut **c)
            .await)?;
        Ok(TenantId(id))
    }

    async fn tenants(&mut self) -> Result<Vec<TenantRecord>, StoreError> {
        const SQL: &str = "SELECT id, platform, external_id, name FROM tenants ORDER BY id";
        let rows: Vec<TenantRow> = on!(self, c => sqlx::query_as(SQL).fetch_all(&mut **c).await)?;
        rows.into_iter()
            .map(|r| {
                Ok(TenantRecord {
                    id: TenantId(r.id),
                    platform: platform(&r.platform)?,
                    external_id: r.external_id,
                    name: r.name,
                })
            })
            .collect()
    }

    async fn mark_event(
        &mut self,
        platform: Platform,
        event_id: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        const SQL: &str = "INSERT INTO processed_events (platform, event_id, processed_at) \
            VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
        let done = on!(self, c => sqlx::query(SQL)
            .bind(platform.as_str())
            .bind(event_id)
            .bind(to_ms(now))
            .execute(&mut **c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    async fn create_ticket(
        &mut self,
        new: NewTicket,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        // The counter row is locked by this update until commit: concurrent creators queue here,
        // and a rollback hands the number back, so numbers are unique and gap-free.
        const NEXT: &str = "INSERT INTO ticket_counters (tenant_id, last_number) VALUES ($1, 1) \
            ON CONFLICT (tenant_id) DO UPDATE SET last_number = ticket_counters.last_number + 1 \
            RETURNING last_number";
        const INSERT: &str = "INSERT INTO tickets (tenant_id, number, requester_id, \
            requester_name, requester_type, title, description, category, urgency, impact, \
            priority, level, specialty, assignee_id, assignee_name, status, source_channel, \
            source_thread, created_at, updated_at, version) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, NULL, NULL, $13, \
            $14, $15, $16, $16, 0) RETURNING id";
        let number: i64 = on!(self, c => sqlx::query_scalar(NEXT)
            .bind(new.tenant.0)
            .fetch_one(&mut **c)
            .await)?;
        let draft = Ticket::open(new, TicketId(0), TicketNumber(number), now);
        let id: i64 = on!(self, c => sqlx::query_scalar(INSERT)
            .bind(draft.tenant.0)
            .bind(number)
            .bind(&draft.requester.id)
            .bind(&draft.requester.name)
            .bind(draft.requester_type.as_str())
            .bind(draft.title.as_str())
            .bind(&draft.description)
            .bind(&draft.category)
            .bind(draft.urgency.as_str())
            .bind(draft.impact.as_str())
            .bind(draft.priority().as_str())
            .bind(draft.level.as_str())
            .bind(draft.status.as_str())
            .bind(&draft.source.channel)
            .bind(&draft.source.thread)
            .bind(to_ms(now))
            .fetch_one(&mut **c)
            .await)?;
        Ok(Ticket {
            id: TicketId(id),
            ..draft
        })
    }

    async fn ticket_where(
        &mut self,
        condition: &str,
        binds: (i64, Option<i64>),
        lock: bool,
    ) -> Result<Option<Ticket>, StoreError> {
        let lock = if lock && self.is_postgres() {
            " FOR UPDATE"
        } else {
            ""
        };
        let sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE {condition}{lock}");
        let row: Option<TicketRow> = on!(self, c => {
            let q = sqlx::query_as(&sql).bind(binds.0);
            let q = match binds.1 { Some(b) => q.bind(b), None => q };
            q.fetch_optional(&mut **c).await
        })?;
        row.map(Ticket::try_from).transpose()
    }

    async fn ticket(
        &mut self,
        tenant: TenantId,
        number: TicketNumber,
        lock: bool,
    ) -> Result<Option<Ticket>, StoreError> {
        self.ticket_where(
            "tenant_id = $1 AND number = $2",
            (tenant.0, Some(number.0)),
            lock,
        )
        .await
    }

    async fn ticket_by_id(
        &mut self,
        id: TicketId,
        lock: bool,
    ) -> Result<Option<Ticket>, StoreError> {
        self.ticket_where("id = $1", (id.0, None), lock).await
    }

    pub(super) async fn ticket_by_thread(
        &mut self,
        tenant: TenantId,
        channel: &str,
        thread: &str,
    ) -> Result<Option<Ticket>, StoreError> {
        let sql = format!(
            "SELECT {TICKET_COLUMNS} FROM tickets \
             WHERE tenant_id = $1 AND source_channel = $2 AND source_thread = $3 \
             ORDER BY id DESC LIMIT 1"
        );
        let row: Option<TicketRow> = on!(self, c => sqlx::query_as(&sql)
            .bind(tenant.0)
            .bind(channel)
            .bind(thread)
            .fetch_optional(&mut **c)
            .await)?;
        row.map(Ticket::try_from).transpose()
    }

    async fn update_ticket(&mut self, t: &Ticket) -> Result<Ticket, StoreError> {
        const SQL: &str = "UPDATE tickets SET title = $1, description = $2, category = $3, \
            urgency = $4, impact = $5, priority = $6, level = $7, specialty = $8, \
            assignee_id = $9, assignee_name = $10, status = $11, source_channel = $12, \
            source_thread = $13, updated_at = $14, first_response_at = $15, resolved_at = $16, \
            closed_at = $17, version = version + 1 WHERE id = $18 AND version = $19";
        let done = on!(self, c => sqlx::query(SQL)
            .bind(t.title.as_str())
            .bind(&t.description)
            .bind(&t.category)
            .bind(t.urgency.as_str())
            .bind(t.impact.as_str())
            .bind(t.priority().as_str())
            .bind(t.level.as_str())
            .bind(&t.specialty)
            .bind(t.assignee.as_ref().map(|p| p.id.as_str()))
            .bind(t.assignee.as_ref().map(|p| p.name.as_str()))
            .bind(t.status.as_str())
            .bind(&t.source.channel)
            .bind(&t.source.thread)
            .bind(to_ms(t.updated_at))
            .bind(t.first_response_at.map(to_ms))
            .bind(t.resolved_at.map(to_ms))
            .bind(t.closed_at.map(to_ms))
            .bind(t.id.0)
            .bind(t.version)
            .execute(&mut **c)
            .await
            .map(|r| r.rows_affected()))?;
        if done != 1 {
            return Err(StoreError::Conflict(t.id.0));
        }
        Ok(Ticket {
            version: t.version + 1,
            ..t.clone()
        })
    }

    pub(super) async fn list_tickets(
        &mut self,
        f: &TicketFilter,
    ) -> Result<Vec<Ticket>, StoreError> {
        // Built from fixed fragments only; every value is bound.
        let mut sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE 1 = 1");
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if f.tenant.is_some() {
            sql += &format!(" AND tenant_id = {}", next());
        }
        if !f.statuses.is_empty() {
            let marks: Vec<String> = f.statuses.iter().map(|_| next()).collect();
            sql += &format!(" AND status IN ({})", marks.join(", "));
        }
        if f.requester.is_some() {
            sql += &format!(" AND requester_id = {}", next());
        }
        if f.assignee.is_some() {
            sql += &format!(" AND assignee_id = {}", next());
        }
        sql += &format!(" ORDER BY id DESC LIMIT {}", next());
        let rows: Vec<TicketRow> = on!(self, c => {
            let mut q = sqlx::query_as(&sql);
            if let Some(t) = f.tenant { q = q.bind(t.0); }
            for s in &f.statuses { q = q.bind(s.as_str()); }
            if let Some(r) = &f.requester { q = q.bind(r.as_str()); }
            if let Some(a) = &f.assignee { q = q.bind(a.as_str()); }
            q.bind(f.limit.unwrap_or(i64::MAX)).fetch_all(&mut **c).await
        })?;
        rows.into_iter().map(Ticket::try_from).collect()
    }

    async fn append_log(&mut self, ticket: TicketId, entry: &LogEntry) -> Result<i64, StoreError> {
        const SQL: &str = "INSERT INTO ticket_log (ticket_id, at, author_id, author_name, kind, \
            internal, data) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
        let data = serde_json::to_string(&entry.kind)?;
        let id = on!(self, c => sqlx::query_scalar(SQL)
            .bind(ticket.0)
            .bind(to_ms(entry.at))
            .bind(entry.author.id())
            .bind(entry.author.name())
            .bind(entry.kind.name())
            .bind(i64::from(entry.kind.is_internal()))
            .bind(&data)
            .fetch_one(&mut **c)
            .await)?;
        Ok(id)
    }

    pub(super) async fn log(&mut self, ticket: TicketId) -> Result<Vec<LogRecord>, StoreError> {
        const SQL: &str = "SELECT id, ticket_id, at, author_id, author_name, data \
            FROM ticket_log WHERE ticket_id = $1 ORDER BY id";
        let rows: Vec<LogRow> =
            on!(self, c => sqlx::query_as(SQL).bind(ticket.0).fetch_all(&mut **c).await)?;
        rows.into_iter().map(log_record).collect()
    }

    async fn enqueue(
        &mut self,
        tenant: TenantId,
        ticket: Option<TicketId>,
        action: &ChatAction,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        const SQL: &str = "INSERT INTO outbox (tenant_id, ticket_id, ordering_key, payload, \
            state, attempts, next_attempt_at, created_at, posts_key) \
            VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5, $6) RETURNING id";
        let payload = serde_json::to_string(action)?;
        let id = on!(self, c => sqlx::query_scalar(SQL)
            .bind(tenant.0)
            .bind(ticket.map(|t| t.0))
            .bind(action.ordering_key())
            .bind(&payload)
            .bind(to_ms(now))
            .bind(action.posts_as())
            .fetch_one(&mut **c)
            .await)?;
        Ok(id)
    }

    async fn outbox(
        &mut self,
        state: Option<OutboxState>,
        limit: i64,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        const SQL: &str = "SELECT id, tenant_id, ticket_id, payload, state, attempts, \
            next_attempt_at, last_error FROM outbox WHERE ($1 = '' OR state = $1) \
            ORDER BY id LIMIT $2";
        let rows: Vec<OutboxRow> = on!(self, c => sqlx::query_as(SQL)
            .bind(state.map(|s| s.as_str()).unwrap_or(""))
            .bind(limit)
            .fetch_all(&mut **c)
            .await)?;
        rows.into_iter().map(outbox_item).collect()
    }

    #[allow(clippy::too_many_arguments)]
    async fn set_timer(
        &mut self,
        tenant: TenantId,
        ticket: Option<TicketId>,
        key: &str,
        kind: &str,
        due_at: Timestamp,
        payload: &serde_json::Value,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        const SQL: &str = "INSERT INTO timers (tenant_id, ticket_id, timer_key, kind, due_at, \
            payload, state, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) \
            ON CONFLICT (timer_key) DO UPDATE SET kind = excluded.kind, due_at = excluded.due_at, \
            payload = excluded.payload, state = 'pending', fired_at = NULL, locked_until = NULL \
            RETURNING id";
        let id = on!(self, c => sqlx::query_scalar(SQL)
            .bind(tenant.0)
            .bind(ticket.map(|t| t.0))
            .bind(key)
            .bind(kind)
            .bind(to_ms(due_at))
            .bind(payload.to_string())
            .bind(to_ms(now))
            .fetch_one(&mut **c)
            .await)?;
        Ok(id)
    }

    async fn cancel_timer(&mut self, key: &str) -> Result<bool, StoreError> {
        const SQL: &str = "UPDATE timers SET state = 'cancelled' WHERE timer_key = $1 \
             AND state IN ('pending', 'paused')";
        let done = on!(self, c => sqlx::query(SQL).bind(key).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    async fn pending_timers(&mut self) -> Result<Vec<TimerRecord>, StoreError> {
        const SQL: &str = "SELECT id, tenant_id, ticket_id, timer_key, kind, due_at, payload, \
            state FROM timers WHERE state = 'pending' ORDER BY due_at, id";
        let rows: Vec<TimerRow> = on!(self, c => sqlx::query_as(SQL).fetch_all(&mut **c).await)?;
        rows.into_iter().map(timer_record).collect()
    }

    async fn audit(&mut self, e: &AuditEntry) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO audit_log (tenant_id, at, actor_id, actor_name, action, \
            target, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        on!(self, c => sqlx::query(SQL)
            .bind(e.tenant.map(|t| t.0))
            .bind(to_ms(e.at))
            .bind(&e.actor.id)
            .bind(&e.actor.name)
            .bind(&e.action)
            .bind(&e.target)
            .bind(e.detail.to_string())
            .execute(&mut **c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}

/// Reads, each on a pooled connection.
impl Store {
    /// Every tenant, oldest first.
    pub async fn tenants(&self) -> Result<Vec<TenantRecord>, StoreError> {
        self.conn().await?.db().tenants().await
    }

    /// The tenant's ticket with that number.
    pub async fn ticket(
        &self,
        tenant: TenantId,
        number: TicketNumber,
    ) -> Result<Option<Ticket>, StoreError> {
        self.conn().await?.db().ticket(tenant, number, false).await
    }

    /// The ticket with that database id.
    pub async fn ticket_by_id(&self, id: TicketId) -> Result<Option<Ticket>, StoreError> {
        self.conn().await?.db().ticket_by_id(id, false).await
    }

    /// The newest ticket whose requester thread is this one.
    pub async fn ticket_by_thread(
        &self,
        tenant: TenantId,
        channel: &str,
        thread: &str,
    ) -> Result<Option<Ticket>, StoreError> {
        self.conn()
            .await?
            .db()
            .ticket_by_thread(tenant, channel, thread)
            .await
    }

    /// Tickets matching the filter, newest first.
    pub async fn list_tickets(&self, filter: &TicketFilter) -> Result<Vec<Ticket>, StoreError> {
        self.conn().await?.db().list_tickets(filter).await
    }

    /// A ticket's whole log, in order.
    pub async fn log(&self, ticket: TicketId) -> Result<Vec<LogRecord>, StoreError> {
        self.conn().await?.db().log(ticket).await
    }

    /// Outbox items, oldest first, optionally only those in one state.
    pub async fn outbox(
        &self,
        state: Option<OutboxState>,
        limit: i64,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        self.conn().await?.db().outbox(state, limit).await
    }

    /// Timers still waiting to fire, soonest first.
    pub async fn pending_timers(&self) -> Result<Vec<TimerRecord>, StoreError> {
        self.conn().await?.db().pending_timers().await
    }

    /// The newest audit entries first.
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let all = super::AuditFilter {
            limit,
            ..super::AuditFilter::default()
        };
        self.audit_entries(&all).await
    }
}

/// Writes, inside one transaction.
impl StoreTx {
    /// Finds or creates the tenant for a workspace or guild, keeping its name current.
    pub async fn ensure_tenant(
        &mut self,
        platform: Platform,
        external_id: &str,
        name: &str,
        now: Timestamp,
    ) -> Result<TenantId, StoreError> {
        self.db()
            .ensure_tenant(platform, external_id, name, now)
            .await
    }

    /// Records a platform event id; `false` if it was seen before (a redelivery: do nothing).
    pub async fn mark_event(
        &mut self,
        platform: Platform,
        event_id: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        self.db().mark_event(platform, event_id, now).await
    }

    /// Opens a ticket with the tenant's next number.
    pub async fn create_ticket(
        &mut self,
        new: NewTicket,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        self.db().create_ticket(new, now).await
    }

    /// Reads a ticket for change (locked until commit on PostgreSQL).
    pub async fn ticket(
        &mut self,
        tenant: TenantId,
        number: TicketNumber,
    ) -> Result<Option<Ticket>, StoreError> {
        self.db().ticket(tenant, number, true).await
    }

    /// Reads a ticket by database id for change.
    pub async fn ticket_by_id(&mut self, id: TicketId) -> Result<Option<Ticket>, StoreError> {
        self.db().ticket_by_id(id, true).await
    }

    /// Writes a changed ticket. Fails with [`StoreError::Conflict`] if it changed since read.
    pub async fn update_ticket(&mut self, ticket: &Ticket) -> Result<Ticket, StoreError> {
        self.db().update_ticket(ticket).await
    }

    /// Appends to a ticket's log; returns the entry's id.
    pub async fn append_log(
        &mut self,
        ticket: TicketId,
        entry: &LogEntry,
    ) -> Result<i64, StoreError> {
        self.db().append_log(ticket, entry).await
    }

    /// Queues a chat action to be sent after commit.
    pub async fn enqueue(
        &mut self,
        tenant: TenantId,
        ticket: Option<TicketId>,
        action: &ChatAction,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        self.db().enqueue(tenant, ticket, action, now).await
    }

    /// Arms (or re-arms) the timer named `key`.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_timer(
        &mut self,
        tenant: TenantId,
        ticket: Option<TicketId>,
        key: &str,
        kind: &str,
        due_at: Timestamp,
        payload: &serde_json::Value,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        self.db()
            .set_timer(tenant, ticket, key, kind, due_at, payload, now)
            .await
    }

    /// Cancels a pending timer; `false` if there was none.
    pub async fn cancel_timer(&mut self, key: &str) -> Result<bool, StoreError> {
        self.db().cancel_timer(key).await
    }

    /// Records a privileged action.
    pub async fn audit(&mut self, entry: &AuditEntry) -> Result<(), StoreError> {
        self.db().audit(entry).await
    }
}

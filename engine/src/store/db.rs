//! Tenants, processed events, tickets and their logs.

use super::rows::{from_ms, parse, to_ms, LogRow, TenantRow, TicketRow, TICKET_COLUMNS};
use super::{values, Db, Store, StoreError, StoreTx, ROWS_PER_INSERT};
use crate::domain::{
    Author, LogEntry, LogKind, NewTicket, Person, Status, TenantId, Ticket, TicketId, TicketNumber,
    Timestamp,
};
use helpdesk_chat::Platform;

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

/// The ticket matching `condition` (placeholders `$1`, `$2`), locked for change inside a
/// transaction on PostgreSQL.
async fn ticket_where(
    db: &mut Db<'_>,
    condition: &str,
    binds: (i64, Option<i64>),
) -> Result<Option<Ticket>, StoreError> {
    let lock = if db.in_tx && db.is_postgres() {
        " FOR UPDATE"
    } else {
        ""
    };
    let sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE {condition}{lock}");
    let row: Option<TicketRow> = on!(db, c => {
        let q = sqlx::query_as(&sql).bind(binds.0);
        let q = match binds.1 { Some(b) => q.bind(b), None => q };
        q.fetch_optional(&mut **c).await
    })?;
    row.map(Ticket::try_from).transpose()
}

/// The newest ticket whose requester thread is this one; `lock`: locked for change until
/// commit (PostgreSQL, inside a transaction).
async fn by_thread(
    db: &mut Db<'_>,
    tenant: TenantId,
    channel: &str,
    thread: &str,
    lock: bool,
) -> Result<Option<Ticket>, StoreError> {
    // A ticket's source never changes, so the lock cannot make the row stop matching.
    let lock = if lock && db.in_tx && db.is_postgres() {
        " FOR UPDATE"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {TICKET_COLUMNS} FROM tickets \
         WHERE tenant_id = $1 AND source_channel = $2 AND source_thread = $3 \
         ORDER BY id DESC LIMIT 1{lock}"
    );
    let row: Option<TicketRow> = on!(db, c => sqlx::query_as(&sql)
        .bind(tenant.0)
        .bind(channel)
        .bind(thread)
        .fetch_optional(&mut **c)
        .await)?;
    row.map(Ticket::try_from).transpose()
}

reads! {
    /// The tenant's ticket with that number; in a transaction, locked for change until commit
    /// (PostgreSQL).
    fn ticket(db, tenant: TenantId, number: TicketNumber) -> Option<Ticket> {
        ticket_where(db, "tenant_id = $1 AND number = $2", (tenant.0, Some(number.0))).await
    }

    /// The ticket with that database id; in a transaction, locked for change until commit.
    fn ticket_by_id(db, id: TicketId) -> Option<Ticket> {
        ticket_where(db, "id = $1", (id.0, None)).await
    }

    /// The newest ticket whose requester thread is this one (never locked: to change it, read
    /// it with [`StoreTx::ticket_in_thread`]).
    fn ticket_by_thread(db, tenant: TenantId, channel: &str, thread: &str) -> Option<Ticket> {
        by_thread(db, tenant, channel, thread, false).await
    }

    /// Tickets matching the filter, newest first.
    fn list_tickets(db, f: &TicketFilter) -> Vec<Ticket> {
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
        let rows: Vec<TicketRow> = on!(db, c => {
            let mut q = sqlx::query_as(&sql);
            if let Some(t) = f.tenant { q = q.bind(t.0); }
            for s in &f.statuses { q = q.bind(s.as_str()); }
            if let Some(r) = &f.requester { q = q.bind(r.as_str()); }
            if let Some(a) = &f.assignee { q = q.bind(a.as_str()); }
            q.bind(f.limit.unwrap_or(i64::MAX)).fetch_all(&mut **c).await
        })?;
        rows.into_iter().map(Ticket::try_from).collect()
    }

    /// A ticket's whole log, in order.
    fn log(db, ticket: TicketId) -> Vec<LogRecord> {
        const SQL: &str = "SELECT id, ticket_id, at, author_id, author_name, data \
            FROM ticket_log WHERE ticket_id = $1 ORDER BY id";
        let rows: Vec<LogRow> =
            on!(db, c => sqlx::query_as(SQL).bind(ticket.0).fetch_all(&mut **c).await)?;
        rows.into_iter().map(log_record).collect()
    }
}

impl Store {
    /// Every tenant, oldest first.
    pub async fn tenants(&self) -> Result<Vec<TenantRecord>, StoreError> {
        const SQL: &str = "SELECT id, platform, external_id, name FROM tenants ORDER BY id";
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let rows: Vec<TenantRow> = on!(db, c => sqlx::query_as(SQL).fetch_all(&mut **c).await)?;
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
}

/// A ticket row tagged with the part of a two-part read it answers.
#[derive(sqlx::FromRow)]
struct PartRow {
    part: i64,
    #[sqlx(flatten)]
    row: TicketRow,
}

/// Writes, inside one transaction.
impl StoreTx {
    /// What intake's limits need of a requester, in one round trip where two reads were: their
    /// newest `open` tickets in one of `statuses` (none: any), and their newest `latest`
    /// tickets of any status; each newest first.
    pub async fn requester_tickets(
        &mut self,
        tenant: TenantId,
        requester: &str,
        statuses: &[Status],
        open: i64,
        latest: i64,
    ) -> Result<(Vec<Ticket>, Vec<Ticket>), StoreError> {
        // Every value is bound; the status list has one placeholder per status.
        let marks: Vec<String> = (0..statuses.len()).map(|n| format!("${}", n + 3)).collect();
        let (open_limit, latest_limit) = (statuses.len() + 3, statuses.len() + 4);
        let of = "FROM tickets WHERE tenant_id = $1 AND requester_id = $2";
        let in_statuses = if statuses.is_empty() {
            // As in [`TicketFilter`]: no statuses, no filter.
            String::new()
        } else {
            format!("AND status IN ({})", marks.join(", "))
        };
        let sql = format!(
            "SELECT * FROM (SELECT CAST(0 AS BIGINT) AS part, {TICKET_COLUMNS} {of} {in_statuses} \
             ORDER BY id DESC LIMIT ${open_limit}) o \
             UNION ALL SELECT * FROM (SELECT CAST(1 AS BIGINT) AS part, {TICKET_COLUMNS} {of} \
             ORDER BY id DESC LIMIT ${latest_limit}) l"
        );
        let db = &mut self.db();
        let rows: Vec<PartRow> = on!(db, c => {
            let mut q = sqlx::query_as(&sql).bind(tenant.0).bind(requester);
            for s in statuses {
                q = q.bind(s.as_str());
            }
            q.bind(open).bind(latest).fetch_all(&mut **c).await
        })?;
        let (mut first, mut second) = (Vec::new(), Vec::new());
        for r in rows {
            let part = r.part;
            let ticket = Ticket::try_from(r.row)?;
            if part == 0 {
                first.push(ticket);
            } else {
                second.push(ticket);
            }
        }
        // A UNION promises no order: newest first, as each part read it.
        first.sort_unstable_by_key(|t| std::cmp::Reverse(t.id.0));
        second.sort_unstable_by_key(|t| std::cmp::Reverse(t.id.0));
        Ok((first, second))
    }

    /// The newest ticket whose requester thread is this one, locked for change until commit
    /// like [`StoreTx::ticket_by_id`]: one read where a lookup by thread and a re-read by id
    /// were two.
    pub async fn ticket_in_thread(
        &mut self,
        tenant: TenantId,
        channel: &str,
        thread: &str,
    ) -> Result<Option<Ticket>, StoreError> {
        by_thread(&mut self.db(), tenant, channel, thread, true).await
    }

    /// Finds or creates the tenant for a workspace or guild, keeping its name current.
    pub async fn ensure_tenant(
        &mut self,
        platform: Platform,
        external_id: &str,
        name: &str,
        now: Timestamp,
    ) -> Result<TenantId, StoreError> {
        const SQL: &str = "INSERT INTO tenants (platform, external_id, name, created_at) \
            VALUES ($1, $2, $3, $4) \
            ON CONFLICT (platform, external_id) DO UPDATE SET name = excluded.name RETURNING id";
        let db = &mut self.db();
        let id: i64 = on!(db, c => sqlx::query_scalar(SQL)
            .bind(platform.as_str())
            .bind(external_id)
            .bind(name)
            .bind(to_ms(now))
            .fetch_one(&mut **c)
            .await)?;
        Ok(TenantId(id))
    }

    /// Records a platform event id; `false` if it was seen before (a redelivery: do nothing).
    pub async fn mark_event(
        &mut self,
        platform: Platform,
        event_id: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        self.mark_event_as(platform, event_id, None, now).await
    }

    /// [`mark_event`](Self::mark_event) for an event that also carries what it is about under
    /// another identity (a message's channel and id, which a platform may send again under a
    /// new event id): new only if neither was seen, both marked in one statement.
    pub async fn mark_event_as(
        &mut self,
        platform: Platform,
        event_id: &str,
        identity: Option<&str>,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        const ONE: &str = "INSERT INTO processed_events (platform, event_id, processed_at) \
            VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
        const TWO: &str = "INSERT INTO processed_events (platform, event_id, processed_at) \
            VALUES ($1, $2, $3), ($1, $4, $3) ON CONFLICT DO NOTHING";
        let db = &mut self.db();
        let (sql, expected) = match identity {
            Some(_) => (TWO, 2),
            None => (ONE, 1),
        };
        let done = on!(db, c => {
            let q = sqlx::query(sql)
                .bind(platform.as_str())
                .bind(event_id)
                .bind(to_ms(now));
            let q = match identity {
                Some(identity) => q.bind(identity),
                None => q,
            };
            q.execute(&mut **c).await.map(|r| r.rows_affected())
        })?;
        Ok(done == expected)
    }

    /// Opens a ticket with the tenant's next number.
    pub async fn create_ticket(
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
        let db = &mut self.db();
        let number: i64 = on!(db, c => sqlx::query_scalar(NEXT)
            .bind(new.tenant.0)
            .fetch_one(&mut **c)
            .await)?;
        let draft = Ticket::open(new, TicketId(0), TicketNumber(number), now);
        let id: i64 = on!(db, c => sqlx::query_scalar(INSERT)
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
        self.created.push(TicketId(id));
        self.no_timers_yet(TicketId(id));
        Ok(Ticket {
            id: TicketId(id),
            ..draft
        })
    }

    /// Writes a changed ticket. Fails with [`StoreError::Conflict`] if it changed since read.
    pub async fn update_ticket(&mut self, t: &Ticket) -> Result<Ticket, StoreError> {
        const SQL: &str = "UPDATE tickets SET title = $1, description = $2, category = $3, \
            urgency = $4, impact = $5, priority = $6, level = $7, specialty = $8, \
            assignee_id = $9, assignee_name = $10, status = $11, source_channel = $12, \
            source_thread = $13, updated_at = $14, first_response_at = $15, resolved_at = $16, \
            closed_at = $17, requester_reach = $18, version = version + 1 \
            WHERE id = $19 AND version = $20";
        let db = &mut self.db();
        let done = on!(db, c => sqlx::query(SQL)
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
            .bind(t.reach.as_str())
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

    /// Appends to a ticket's log; returns the entry's id (written now, after the entries
    /// buffered before it).
    pub async fn append_log(
        &mut self,
        ticket: TicketId,
        entry: &LogEntry,
    ) -> Result<i64, StoreError> {
        self.append_log_later(ticket, entry)?;
        let ids = self.flush_log().await?;
        Ok(*ids.last().expect("the entry just appended was written"))
    }

    /// Appends to a ticket's log, written with the transaction's other entries in one INSERT
    /// (at commit, or before a read of the log). Their ids, the log's order, ascend in the
    /// order they were appended.
    pub fn append_log_later(
        &mut self,
        ticket: TicketId,
        entry: &LogEntry,
    ) -> Result<(), StoreError> {
        self.buffered.log.push(Logged {
            ticket: ticket.0,
            at: to_ms(entry.at),
            author_id: entry.author.id().to_string(),
            author_name: entry.author.name().to_string(),
            kind: entry.kind.name(),
            internal: i64::from(entry.kind.is_internal()),
            data: serde_json::to_string(&entry.kind)?,
        });
        Ok(())
    }

    /// Writes the buffered log entries, in order, and returns their ids in that order.
    pub(super) async fn flush_log(&mut self) -> Result<Vec<i64>, StoreError> {
        const COLUMNS: &str = "ticket_id, at, author_id, author_name, kind, internal, data";
        const ROW: &str = "($1, $2, $3, $4, $5, $6, $7)";
        let rows = std::mem::take(&mut self.buffered.log);
        let mut ids = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO ticket_log ({COLUMNS}) VALUES {} RETURNING id",
                values(chunk.len(), 7, ROW)
            );
            let db = &mut self.db();
            let mut written: Vec<i64> = on!(db, c => {
                let mut q = sqlx::query_scalar(&sql);
                for r in chunk {
                    q = q
                        .bind(r.ticket)
                        .bind(r.at)
                        .bind(&r.author_id)
                        .bind(&r.author_name)
                        .bind(r.kind)
                        .bind(r.internal)
                        .bind(&r.data);
                }
                q.fetch_all(&mut **c).await
            })?;
            // The rows are numbered in the VALUES order; RETURNING's order is not promised.
            written.sort_unstable();
            ids.extend(written);
        }
        Ok(ids)
    }
}

/// A log entry appended in this transaction and not written yet: its row's values.
pub(super) struct Logged {
    ticket: i64,
    at: i64,
    author_id: String,
    author_name: String,
    kind: &'static str,
    internal: i64,
    data: String,
}

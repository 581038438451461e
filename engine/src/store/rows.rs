//! Rows as the database holds them, and their checked conversion to domain types.

use super::StoreError;
use crate::domain::{
    Person, RequesterType, Source, TenantId, Ticket, TicketId, TicketNumber, Timestamp, Title,
};
use chrono::TimeZone;
use std::str::FromStr;

/// Milliseconds since the Unix epoch: the one time format in every table.
pub(crate) fn to_ms(t: Timestamp) -> i64 {
    t.timestamp_millis()
}

/// The inverse of [`to_ms`].
pub(crate) fn from_ms(ms: i64) -> Result<Timestamp, StoreError> {
    chrono::Utc
        .timestamp_millis_opt(ms)
        .single()
        .ok_or_else(|| StoreError::Corrupt(format!("time {ms} is out of range")))
}

pub(crate) fn parse<T: FromStr>(column: &str, value: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    value
        .parse()
        .map_err(|e| StoreError::Corrupt(format!("column {column}: {e}")))
}

/// The ticket columns, in the order [`TicketRow`] reads them.
pub(crate) const TICKET_COLUMNS: &str = "id, tenant_id, number, requester_id, requester_name, \
    requester_type, title, description, category, urgency, impact, level, specialty, \
    assignee_id, assignee_name, status, source_channel, source_thread, created_at, updated_at, \
    first_response_at, resolved_at, closed_at, requester_reach, version";

#[derive(sqlx::FromRow)]
pub(crate) struct TicketRow {
    id: i64,
    tenant_id: i64,
    number: i64,
    requester_id: String,
    requester_name: String,
    requester_type: String,
    title: String,
    description: String,
    category: Option<String>,
    urgency: String,
    impact: String,
    level: String,
    specialty: Option<String>,
    assignee_id: Option<String>,
    assignee_name: Option<String>,
    status: String,
    source_channel: String,
    source_thread: Option<String>,
    created_at: i64,
    updated_at: i64,
    first_response_at: Option<i64>,
    resolved_at: Option<i64>,
    closed_at: Option<i64>,
    requester_reach: String,
    version: i64,
}

impl TryFrom<TicketRow> for Ticket {
    type Error = StoreError;

    fn try_from(r: TicketRow) -> Result<Ticket, StoreError> {
        let optional_time = |ms: Option<i64>| ms.map(from_ms).transpose();
        Ok(Ticket {
            id: TicketId(r.id),
            tenant: TenantId(r.tenant_id),
            number: TicketNumber(r.number),
            requester: Person::new(r.requester_id, r.requester_name),
            requester_type: parse::<RequesterType>("requester_type", &r.requester_type)?,
            title: Title::parse(&r.title)
                .map_err(|e| StoreError::Corrupt(format!("column title: {e}")))?,
            description: r.description,
            category: r.category,
            urgency: parse("urgency", &r.urgency)?,
            impact: parse("impact", &r.impact)?,
            level: parse("level", &r.level)?,
            specialty: r.specialty,
            assignee: match (r.assignee_id, r.assignee_name) {
                (Some(id), name) => Some(Person::new(id, name.unwrap_or_default())),
                (None, _) => None,
            },
            status: parse("status", &r.status)?,
            source: Source {
                channel: r.source_channel,
                thread: r.source_thread,
            },
            created_at: from_ms(r.created_at)?,
            updated_at: from_ms(r.updated_at)?,
            first_response_at: optional_time(r.first_response_at)?,
            resolved_at: optional_time(r.resolved_at)?,
            closed_at: optional_time(r.closed_at)?,
            reach: parse("requester_reach", &r.requester_reach)?,
            version: r.version,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct LogRow {
    pub id: i64,
    pub ticket_id: i64,
    pub at: i64,
    pub author_id: String,
    pub author_name: String,
    pub data: String,
}

#[derive(sqlx::FromRow)]
pub(crate) struct TenantRow {
    pub id: i64,
    pub platform: String,
    pub external_id: String,
    pub name: String,
}

#[derive(sqlx::FromRow)]
pub(crate) struct OutboxRow {
    pub id: i64,
    pub tenant_id: i64,
    pub ticket_id: Option<i64>,
    pub payload: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct TimerRow {
    pub id: i64,
    pub tenant_id: i64,
    pub ticket_id: Option<i64>,
    pub timer_key: String,
    pub kind: String,
    pub due_at: i64,
    pub payload: String,
    pub state: String,
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    pub tenant_id: Option<i64>,
    pub at: i64,
    pub actor_id: String,
    pub actor_name: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

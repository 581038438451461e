//! What reports read: the tickets opened or closed in a period, their logs, and SLA breaches.

use super::db::log_record;
use super::rows::{to_ms, LogRow, TicketRow, TICKET_COLUMNS};
use crate::domain::{LogEntry, TenantId, Ticket, TicketId, Timestamp};
use std::collections::{HashMap, HashSet};

/// The raw material of a report.
#[derive(Debug, Clone, Default)]
pub struct ReportData {
    /// Tickets opened, closed or worked on in the period.
    pub tickets: Vec<Ticket>,
    /// Their logs, in order.
    pub logs: HashMap<TicketId, Vec<LogEntry>>,
    /// Tickets (tenant, `#N`) that breached an SLA target.
    pub breached: HashSet<(TenantId, String)>,
}

/// Tickets opened, closed or worked on in the period.
const IN_PERIOD: &str =
    "($1 < 0 OR t.tenant_id = $1) AND ((t.created_at >= $2 AND t.created_at < $3) \
    OR (t.closed_at >= $2 AND t.closed_at < $3) \
    OR t.id IN (SELECT w.ticket_id FROM ticket_log w WHERE w.at >= $2 AND w.at < $3))";

reads! {
    /// The tickets opened, closed or worked on in `[from, to)` (one tenant or all), with logs
    /// and breaches.
    fn report_data(
        db,
        tenant: Option<TenantId>,
        from: Timestamp,
        to: Timestamp,
    ) -> ReportData {
        let tenant = tenant.map_or(-1, |t| t.0);
        let (from, to) = (to_ms(from), to_ms(to));
        let columns: Vec<String> = TICKET_COLUMNS
            .split(',')
            .map(|c| format!("t.{}", c.trim()))
            .collect();
        let sql = format!(
            "SELECT {} FROM tickets t WHERE {IN_PERIOD} ORDER BY t.id",
            columns.join(", ")
        );
        let rows: Vec<TicketRow> = on!(db, c => sqlx::query_as(&sql)
            .bind(tenant).bind(from).bind(to).fetch_all(&mut **c).await)?;
        let tickets = rows
            .into_iter()
            .map(Ticket::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        let sql = format!(
            "SELECT l.id, l.ticket_id, l.at, l.author_id, l.author_name, l.data FROM ticket_log l \
             JOIN tickets t ON t.id = l.ticket_id WHERE {IN_PERIOD} ORDER BY l.id"
        );
        let rows: Vec<LogRow> = on!(db, c => sqlx::query_as(&sql)
            .bind(tenant).bind(from).bind(to).fetch_all(&mut **c).await)?;
        let mut logs: HashMap<TicketId, Vec<LogEntry>> = HashMap::new();
        for row in rows {
            let record = log_record(row)?;
            logs.entry(record.ticket).or_default().push(record.entry);
        }
        const BREACHES: &str = "SELECT tenant_id, target FROM audit_log \
            WHERE action = 'sla_breach' AND ($1 < 0 OR tenant_id = $1)";
        let rows: Vec<(Option<i64>, String)> =
            on!(db, c => sqlx::query_as(BREACHES).bind(tenant).fetch_all(&mut **c).await)?;
        let breached = rows
            .into_iter()
            .filter_map(|(t, target)| Some((TenantId(t?), target)))
            .collect();
        Ok(ReportData {
            tickets,
            logs,
            breached,
        })
    }
}

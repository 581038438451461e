//! What `/metrics` reads from the database at each scrape: open tickets, the outbox backlog and
//! timers due. Two grouped queries over indexed columns, so a scrape stays cheap at any size.

use super::rows::to_ms;
use super::{Store, StoreError};
use crate::domain::Timestamp;

/// Tickets not yet closed, in one tenant at one level and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenTickets {
    /// `slack`, `discord` or `memory`.
    pub platform: String,
    /// The workspace or guild id.
    pub tenant: String,
    /// `L1`, `L2` or `L3`.
    pub level: String,
    /// The status as stored (`new`, `open`, `pending`…).
    pub status: String,
    /// How many.
    pub count: i64,
}

/// The outbox of one platform.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutboxBacklog {
    /// `slack`, `discord` or `memory`.
    pub platform: String,
    /// Actions waiting to be sent.
    pub pending: i64,
    /// Actions parked as dead.
    pub dead: i64,
    /// How long the oldest pending action has waited, in seconds (0 with none).
    pub oldest_pending_seconds: f64,
}

/// Everything the scrape-time gauges show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gauges {
    /// Open tickets by tenant, level and status.
    pub open_tickets: Vec<OpenTickets>,
    /// The outbox by platform.
    pub outbox: Vec<OutboxBacklog>,
    /// Timers whose time has come and that have not fired yet.
    pub timers_due: i64,
}

impl Store {
    /// The scrape-time gauges, read in two grouped queries.
    pub async fn gauges(&self, now: Timestamp) -> Result<Gauges, StoreError> {
        // The partial index tickets_not_closed holds only these rows: closed history is skipped.
        const TICKETS: &str = "SELECT t.platform, t.external_id, k.level, k.status, COUNT(*) \
            FROM tickets k JOIN tenants t ON t.id = k.tenant_id WHERE k.status <> 'closed' \
            GROUP BY t.platform, t.external_id, k.level, k.status";
        // One statement for the outbox (by the (state, next_attempt_at) index) and the timers
        // due (by timers_due); the timers' row has no platform and a kind of 'timers'.
        const BACKLOG: &str = "SELECT t.platform, o.state, COUNT(*), MIN(o.created_at) \
            FROM outbox o JOIN tenants t ON t.id = o.tenant_id \
            WHERE o.state IN ('pending', 'dead') GROUP BY t.platform, o.state \
            UNION ALL SELECT '', 'timers', COUNT(*), NULL FROM timers \
            WHERE state = 'pending' AND due_at <= $1";
        type TicketRow = (String, String, String, String, i64);
        type BacklogRow = (String, String, i64, Option<i64>);
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let tickets: Vec<TicketRow> =
            on!(db, c => sqlx::query_as(TICKETS).fetch_all(&mut **c).await)?;
        let now_ms = to_ms(now);
        let backlog: Vec<BacklogRow> = on!(db, c => sqlx::query_as(BACKLOG)
            .bind(now_ms)
            .fetch_all(&mut **c)
            .await)?;
        let mut gauges = Gauges {
            open_tickets: tickets
                .into_iter()
                .map(|(platform, tenant, level, status, count)| OpenTickets {
                    platform,
                    tenant,
                    level,
                    status,
                    count,
                })
                .collect(),
            ..Gauges::default()
        };
        for (platform, state, count, oldest) in backlog {
            if state == "timers" {
                gauges.timers_due = count;
                continue;
            }
            let at = match gauges.outbox.iter().position(|b| b.platform == platform) {
                Some(i) => i,
                None => {
                    gauges.outbox.push(OutboxBacklog {
                        platform,
                        ..OutboxBacklog::default()
                    });
                    gauges.outbox.len() - 1
                }
            };
            let entry = &mut gauges.outbox[at];
            if state == "pending" {
                entry.pending = count;
                entry.oldest_pending_seconds =
                    oldest.map_or(0.0, |ms| (now_ms - ms).max(0) as f64 / 1000.0);
            } else {
                entry.dead = count;
            }
        }
        Ok(gauges)
    }
}

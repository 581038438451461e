//! Timers: a row per thing that must happen at a time, fired once. The row's text columns
//! (`kind`, `state`) and its one number (`due_at`: a time while pending or fired, the time left
//! while paused) are read and written here only, as [`TimerKind`] and [`TimerState`].

use super::rows::{from_ms, to_ms, TimerRow};
use super::{values, Store, StoreError, StoreTx, ROWS_PER_INSERT};
use crate::domain::{TenantId, TicketId, Timestamp};
use std::time::Duration;

/// What a timer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerKind {
    /// The level's time budget ran out: escalate or alert the managers.
    LevelBudget,
    /// The requester did not answer "did this solve it?": close.
    ConfirmTimeout,
    /// The requester did not answer while the ticket waited on them: close.
    PendingTimeout,
    /// Most of the first-response target is used: warn the level and the assignee.
    SlaResponseWarning,
    /// The first-response target is breached: alert the managers.
    SlaResponseBreach,
    /// Most of the resolution target is used.
    SlaResolutionWarning,
    /// The resolution target is breached.
    SlaResolutionBreach,
    /// The requester had their time with the suggested articles: page the level.
    KbGrace,
    /// A message for the ticket reached nobody: find the requester another way.
    Undelivered,
}

impl TimerKind {
    /// Every kind.
    pub const ALL: [TimerKind; 9] = [
        TimerKind::LevelBudget,
        TimerKind::ConfirmTimeout,
        TimerKind::PendingTimeout,
        TimerKind::SlaResponseWarning,
        TimerKind::SlaResponseBreach,
        TimerKind::SlaResolutionWarning,
        TimerKind::SlaResolutionBreach,
        TimerKind::KbGrace,
        TimerKind::Undelivered,
    ];

    /// The stable name stored in the timer row.
    pub fn as_str(self) -> &'static str {
        match self {
            TimerKind::LevelBudget => "level_budget",
            TimerKind::ConfirmTimeout => "confirm_timeout",
            TimerKind::PendingTimeout => "pending_timeout",
            TimerKind::SlaResponseWarning => "sla_response_warning",
            TimerKind::SlaResponseBreach => "sla_response_breach",
            TimerKind::SlaResolutionWarning => "sla_resolution_warning",
            TimerKind::SlaResolutionBreach => "sla_resolution_breach",
            TimerKind::KbGrace => "kb_grace",
            TimerKind::Undelivered => "undelivered",
        }
    }

    /// The one timer of this kind for a ticket.
    pub fn key(self, ticket: TicketId) -> String {
        format!("{}:{}", self.as_str(), ticket.0)
    }

    /// The kind stored as `name`.
    fn decode(name: &str) -> Result<TimerKind, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .ok_or_else(|| format!("unknown timer kind {name:?}"))
    }
}

/// Where a timer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerState {
    /// Armed: fires at `due`.
    Pending {
        /// When it falls due.
        due: Timestamp,
    },
    /// Its clock is stopped (an SLA timer while the ticket waits on the requester), with `left`
    /// to run once it goes on.
    Paused {
        /// The time left, counted as the timer counts (business time, if the tenant has it).
        left: Duration,
    },
    /// It fired.
    Fired {
        /// When it fell due (the card shows it for a breached target).
        due: Timestamp,
    },
    /// Disarmed before it fired.
    Cancelled,
}

impl TimerState {
    /// The `state` and `due_at` columns for this state: the one encoder.
    fn encode(self) -> (&'static str, i64) {
        match self {
            TimerState::Pending { due } => ("pending", to_ms(due)),
            TimerState::Paused { left } => ("paused", millis(left)),
            TimerState::Fired { due } => ("fired", to_ms(due)),
            // The number means nothing once cancelled; whatever was there is left alone.
            TimerState::Cancelled => ("cancelled", 0),
        }
    }

    /// The state a row's `state` and `due_at` columns hold: the one decoder.
    fn decode(state: &str, due_at: i64) -> Result<TimerState, StoreError> {
        Ok(match state {
            "pending" => TimerState::Pending {
                due: from_ms(due_at)?,
            },
            "paused" => TimerState::Paused {
                left: u64::try_from(due_at)
                    .map(Duration::from_millis)
                    .map_err(|_| {
                        StoreError::Corrupt(format!("a paused timer has {due_at} ms left"))
                    })?,
            },
            "fired" => TimerState::Fired {
                due: from_ms(due_at)?,
            },
            "cancelled" => TimerState::Cancelled,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "unknown timer state {other:?}: expected pending, paused, fired or cancelled"
                )))
            }
        })
    }
}

/// A duration as the whole milliseconds a row keeps (saturating: no timer waits 292 million
/// years).
fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
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
    /// What it does when it fires.
    pub kind: TimerKind,
    /// Where it stands, with when it is due.
    pub state: TimerState,
    /// Details for the handler (JSON).
    pub payload: serde_json::Value,
}

impl TryFrom<TimerRow> for TimerRecord {
    type Error = StoreError;

    fn try_from(row: TimerRow) -> Result<TimerRecord, StoreError> {
        let corrupt =
            |e: String| StoreError::Corrupt(format!("timer {} ({}): {e}", row.id, row.timer_key));
        Ok(TimerRecord {
            kind: TimerKind::decode(&row.kind).map_err(corrupt)?,
            state: TimerState::decode(&row.state, row.due_at)
                .map_err(|e| corrupt(e.to_string()))?,
            payload: serde_json::from_str(&row.payload).map_err(|e| corrupt(e.to_string()))?,
            id: row.id,
            tenant: TenantId(row.tenant_id),
            ticket: row.ticket_id.map(TicketId),
            key: row.timer_key,
        })
    }
}

/// The columns [`TimerRow`] reads.
const COLUMNS: &str = "id, tenant_id, ticket_id, timer_key, kind, due_at, payload, state";

impl Store {
    /// Timers still waiting to fire, soonest first.
    pub async fn pending_timers(&self) -> Result<Vec<TimerRecord>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM timers WHERE state = 'pending' ORDER BY due_at, id");
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let rows: Vec<TimerRow> = on!(db, c => sqlx::query_as(&sql).fetch_all(&mut **c).await)?;
        rows.into_iter().map(TimerRecord::try_from).collect()
    }

    /// Pending timers due at `now`, soonest first (not claimed: firing claims each one). A row
    /// that does not decode is logged and left out, so it never holds back the others.
    pub async fn due_timers(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<TimerRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM timers WHERE state = 'pending' AND due_at <= $1 \
             ORDER BY due_at, id LIMIT $2"
        );
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let rows: Vec<TimerRow> = on!(db, c => sqlx::query_as(&sql)
            .bind(to_ms(now))
            .bind(limit)
            .fetch_all(&mut **c)
            .await)?;
        Ok(rows
            .into_iter()
            .filter_map(|row| match TimerRecord::try_from(row) {
                Ok(timer) => Some(timer),
                Err(e) => {
                    tracing::error!(error = %e, "a due timer cannot be read: skipped");
                    None
                }
            })
            .collect())
    }
}

/// A timer set in this transaction and not written yet: the values its upsert writes.
pub(super) struct Armed {
    tenant: i64,
    ticket: Option<i64>,
    key: String,
    kind: TimerKind,
    state: &'static str,
    due_at: i64,
    payload: String,
    created_at: i64,
}

/// The upsert that arms a timer: re-arming a key replaces its row (and clears a past firing).
const UPSERT: &str = "INSERT INTO timers (tenant_id, ticket_id, timer_key, kind, due_at, \
    payload, state, created_at) VALUES {values} \
    ON CONFLICT (timer_key) DO UPDATE SET kind = excluded.kind, due_at = excluded.due_at, \
    payload = excluded.payload, state = excluded.state, fired_at = NULL, locked_until = NULL";
/// One row of [`UPSERT`]'s VALUES.
const ROW: &str = "($1, $2, $3, $4, $5, $6, $7, $8)";

impl StoreTx {
    /// Arms (or re-arms) the timer named `key`, due at `due`, now; returns its id.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_timer(
        &mut self,
        tenant: TenantId,
        ticket: Option<TicketId>,
        key: &str,
        kind: TimerKind,
        due: Timestamp,
        payload: &serde_json::Value,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        // Timers set earlier in this transaction go first, as they came; then this one alone.
        self.flush_timers().await?;
        self.set_timer_later(tenant, ticket, key, kind, due, payload, now);
        let ids = self.flush_timers().await?;
        Ok(*ids.first().expect("the timer just set was written"))
    }

    /// Arms (or re-arms) the timer named `key`, due at `due`: written with the transaction's
    /// other timers in one upsert at commit (or before a timer statement that needs it).
    /// Setting a key twice in one transaction keeps the last setting, as two upserts would.
    #[allow(clippy::too_many_arguments)]
    pub fn set_timer_later(
        &mut self,
        tenant: TenantId,
        ticket: Option<TicketId>,
        key: &str,
        kind: TimerKind,
        due: Timestamp,
        payload: &serde_json::Value,
        now: Timestamp,
    ) {
        let (state, due_at) = TimerState::Pending { due }.encode();
        let payload = payload.to_string();
        match self.buffered.timers.iter_mut().find(|a| a.key == key) {
            // One row per key in an upsert (PostgreSQL refuses a key twice); the upsert of an
            // existing row keeps its tenant, ticket and creation time, so the first one's stay.
            Some(armed) => {
                armed.kind = kind;
                armed.state = state;
                armed.due_at = due_at;
                armed.payload = payload;
            }
            None => self.buffered.timers.push(Armed {
                tenant: tenant.0,
                ticket: ticket.map(|t| t.0),
                key: key.to_string(),
                kind,
                state,
                due_at,
                payload,
                created_at: to_ms(now),
            }),
        }
        self.timers
            .insert(key.to_string(), Some(TimerState::Pending { due }));
    }

    /// Writes the buffered timers, in the order they were first set.
    /// Returns the written rows' ids.
    pub(super) async fn flush_timers(&mut self) -> Result<Vec<i64>, StoreError> {
        let rows = std::mem::take(&mut self.buffered.timers);
        let mut ids = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "{} RETURNING id",
                UPSERT.replace("{values}", &values(chunk.len(), 8, ROW))
            );
            let db = &mut self.db();
            let written: Vec<i64> = on!(db, c => {
                let mut q = sqlx::query_scalar(&sql);
                for a in chunk {
                    q = q
                        .bind(a.tenant)
                        .bind(a.ticket)
                        .bind(&a.key)
                        .bind(a.kind.as_str())
                        .bind(a.due_at)
                        .bind(&a.payload)
                        .bind(a.state)
                        .bind(a.created_at);
                }
                q.fetch_all(&mut **c).await
            })?;
            ids.extend(written);
        }
        Ok(ids)
    }

    /// A ticket created in this transaction has no timers yet: their lookups need no round trip.
    pub(super) fn no_timers_yet(&mut self, ticket: TicketId) {
        for kind in TimerKind::ALL {
            self.timers.entry(kind.key(ticket)).or_insert(None);
        }
    }

    /// Cancels a pending (or paused) timer; `false` if there was none.
    pub async fn cancel_timer(&mut self, key: &str) -> Result<bool, StoreError> {
        const SQL: &str = "UPDATE timers SET state = $2 WHERE timer_key = $1 \
             AND state IN ('pending', 'paused')";
        let (cancelled, _) = TimerState::Cancelled.encode();
        if let Some(armed) = self.buffered.timers.iter_mut().find(|a| a.key == key) {
            // Not written yet: the upsert will write it cancelled, as the update would leave it.
            let live = matches!(armed.state, "pending" | "paused");
            if live {
                armed.state = cancelled;
                self.timers
                    .insert(key.to_string(), Some(TimerState::Cancelled));
            }
            return Ok(live);
        }
        if let Some(None | Some(TimerState::Fired { .. } | TimerState::Cancelled)) =
            self.timers.get(key)
        {
            // Known to be absent or done with: the update would match nothing.
            return Ok(false);
        }
        let db = &mut self.db();
        let done = on!(db, c => sqlx::query(SQL)
            .bind(key)
            .bind(cancelled)
            .execute(&mut **c)
            .await
            .map(|r| r.rows_affected()))?;
        if done == 1 {
            self.timers
                .insert(key.to_string(), Some(TimerState::Cancelled));
        }
        Ok(done == 1)
    }

    /// Where the timer named `key` stands, if there is one.
    pub async fn timer_state(&mut self, key: &str) -> Result<Option<TimerState>, StoreError> {
        const SQL: &str = "SELECT state, due_at FROM timers WHERE timer_key = $1";
        if let Some(known) = self.timers.get(key) {
            return Ok(*known);
        }
        let db = &mut self.db();
        let row: Option<(String, i64)> =
            on!(db, c => sqlx::query_as(SQL).bind(key).fetch_optional(&mut **c).await)?;
        let state = row
            .map(|(state, due_at)| TimerState::decode(&state, due_at))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("timer {key}: {e}")))?;
        self.timers.insert(key.to_string(), state);
        Ok(state)
    }

    /// Where the ticket's timer of `kind` stands, if there is one. The first lookup of a
    /// ticket reads all of its timers in one round trip (a card shows several of them).
    pub async fn ticket_timer(
        &mut self,
        ticket: TicketId,
        kind: TimerKind,
    ) -> Result<Option<TimerState>, StoreError> {
        let key = kind.key(ticket);
        if let Some(known) = self.timers.get(&key) {
            return Ok(*known);
        }
        // Keys not known are not buffered either (setting one makes it known): the database
        // holds the whole truth of them.
        let keys: Vec<String> = TimerKind::ALL
            .into_iter()
            .map(|k| k.key(ticket))
            .filter(|k| !self.timers.contains_key(k))
            .collect();
        let marks: Vec<String> = (1..=keys.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT timer_key, state, due_at FROM timers WHERE timer_key IN ({})",
            marks.join(", ")
        );
        let db = &mut self.db();
        let rows: Vec<(String, String, i64)> = on!(db, c => {
            let mut q = sqlx::query_as(&sql);
            for k in &keys {
                q = q.bind(k);
            }
            q.fetch_all(&mut **c).await
        })?;
        for k in keys {
            self.timers.insert(k, None);
        }
        for (k, state, due_at) in rows {
            let state = TimerState::decode(&state, due_at)
                .map_err(|e| StoreError::Corrupt(format!("timer {k}: {e}")))?;
            self.timers.insert(k, Some(state));
        }
        Ok(self.timers.get(&key).copied().flatten())
    }

    /// When the pending timer named `key` falls due, if it is armed.
    pub async fn timer_due(&mut self, key: &str) -> Result<Option<Timestamp>, StoreError> {
        Ok(match self.timer_state(key).await? {
            Some(TimerState::Pending { due }) => Some(due),
            _ => None,
        })
    }

    /// Stops a pending timer's clock, keeping `left` of time left; `false` if it was not
    /// pending.
    pub async fn pause_timer(&mut self, key: &str, left: Duration) -> Result<bool, StoreError> {
        self.move_timer(key, "pending", TimerState::Paused { left })
            .await
    }

    /// Restarts a paused timer, now due at `due`; `false` if it was not paused.
    pub async fn resume_timer(&mut self, key: &str, due: Timestamp) -> Result<bool, StoreError> {
        self.move_timer(key, "paused", TimerState::Pending { due })
            .await
    }

    /// Puts the timer named `key` in state `to` if it is in state `from` now.
    async fn move_timer(
        &mut self,
        key: &str,
        from: &str,
        to: TimerState,
    ) -> Result<bool, StoreError> {
        const SQL: &str = "UPDATE timers SET state = $2, due_at = $3 \
            WHERE timer_key = $1 AND state = $4";
        let (state, due_at) = to.encode();
        if let Some(armed) = self.buffered.timers.iter_mut().find(|a| a.key == key) {
            // Not written yet: the upsert will write the new state, as the update would.
            let moves = armed.state == from;
            if moves {
                armed.state = state;
                armed.due_at = due_at;
                self.timers.insert(key.to_string(), Some(to));
            }
            return Ok(moves);
        }
        if let Some(known) = self.timers.get(key) {
            if known.map(|s| s.encode().0) != Some(from) {
                // Known not to be in `from`: the update would match nothing.
                return Ok(false);
            }
        }
        let db = &mut self.db();
        let n = on!(db, c => sqlx::query(SQL)
            .bind(key)
            .bind(state)
            .bind(due_at)
            .bind(from)
            .execute(&mut **c)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 1 {
            self.timers.insert(key.to_string(), Some(to));
        }
        Ok(n == 1)
    }

    /// Claims a due timer for firing in this transaction and returns it as it is now; `None` if
    /// it fired, was cancelled or was re-armed for later since it was read.
    pub async fn take_timer(
        &mut self,
        id: i64,
        now: Timestamp,
    ) -> Result<Option<TimerRecord>, StoreError> {
        // The claim must see every timer this transaction set.
        self.flush_timers().await?;
        // The conditional update is the claim: a second replica's update waits for the first
        // one's commit (PostgreSQL row lock; SQLite has one writer), then matches no row. The
        // row as claimed is returned, because it may have been re-armed since it was read.
        let sql = format!(
            "UPDATE timers SET state = 'fired', fired_at = $2 \
             WHERE id = $1 AND state = 'pending' AND due_at <= $2 RETURNING {COLUMNS}"
        );
        let db = &mut self.db();
        let row: Option<TimerRow> = on!(db, c => sqlx::query_as(&sql)
            .bind(id)
            .bind(to_ms(now))
            .fetch_optional(&mut **c)
            .await)?;
        let timer = row.map(TimerRecord::try_from).transpose()?;
        if let Some(t) = &timer {
            self.timers.insert(t.key.clone(), Some(t.state));
        }
        Ok(timer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_decodes_to_what_it_encodes() {
        let at = from_ms(1_765_000_000_000).unwrap();
        for state in [
            TimerState::Pending { due: at },
            TimerState::Paused {
                left: Duration::from_millis(90_000),
            },
            TimerState::Fired { due: at },
        ] {
            let (name, number) = state.encode();
            assert_eq!(TimerState::decode(name, number).unwrap(), state);
        }
        let (name, number) = TimerState::Cancelled.encode();
        assert_eq!(
            TimerState::decode(name, number).unwrap(),
            TimerState::Cancelled
        );
    }

    #[test]
    fn every_kind_decodes_from_its_name() {
        for kind in TimerKind::ALL {
            assert_eq!(TimerKind::decode(kind.as_str()), Ok(kind));
        }
    }

    #[test]
    fn a_row_that_does_not_decode_is_an_error_naming_it() {
        let row = |kind: &str, state: &str, due_at: i64| TimerRow {
            id: 7,
            tenant_id: 1,
            ticket_id: Some(3),
            timer_key: "level_budget:3".into(),
            kind: kind.into(),
            due_at,
            payload: "{}".into(),
            state: state.into(),
        };
        for bad in [
            row("coffee_break", "pending", 0),
            row("level_budget", "snoozed", 0),
            row("level_budget", "paused", -5),
            row("level_budget", "pending", i64::MAX),
        ] {
            match TimerRecord::try_from(bad) {
                Err(StoreError::Corrupt(why)) => assert!(why.contains("level_budget:3"), "{why}"),
                other => panic!("expected a corrupt-data error, got {other:?}"),
            }
        }
        let good = TimerRecord::try_from(row("sla_response_breach", "paused", 60_000)).unwrap();
        assert_eq!(good.kind, TimerKind::SlaResponseBreach);
        assert_eq!(
            good.state,
            TimerState::Paused {
                left: Duration::from_secs(60)
            }
        );
    }
}

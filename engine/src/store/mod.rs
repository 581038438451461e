//! Storage: the only module with SQL. SQLite (default) and PostgreSQL run the same queries.
//!
//! Reads go through [`Store`]; writes happen in a [`StoreTx`] so that a decision, its log
//! entries, its outgoing chat actions and its timers commit together or not at all.
//!
//! Each query is declared once, in the module of its table: a method of [`Store`] (a read on a
//! pooled connection, or a short transaction of its own), a method of [`StoreTx`] (inside the
//! caller's transaction), or, for a read both need, in a `reads!` block that makes it a method
//! of both. Rows become domain types in the same module, through one decoder per row.

/// Runs `$body` with `$c` bound to the concrete connection of `$db` (a `&mut Db`); the body is
/// written once and compiled for each backend. Every query runs here, so this is where
/// [`count_statements`] counts them.
macro_rules! on {
    ($db:expr, $c:ident => $body:expr) => {{
        $crate::store::Statements::add(|s| s.queries += 1);
        match &mut $db.conn {
            $crate::store::Conn::Sqlite($c) => $body,
            $crate::store::Conn::Postgres($c) => $body,
        }
    }};
}

/// Declares reads that the pool ([`Store`], on a pooled connection) and a transaction
/// ([`StoreTx`], seeing its own writes) both answer. Each is written once, against `db`; the
/// macro makes it a method of both.
macro_rules! reads {
    ($(
        $(#[$doc:meta])*
        fn $name:ident($db:ident $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty $body:block
    )*) => {
        $(
            async fn $name(
                $db: &mut $crate::store::Db<'_>,
                $($arg: $ty),*
            ) -> Result<$ret, $crate::store::StoreError> $body
        )*

        impl $crate::store::Store {
            $(
                $(#[$doc])*
                pub async fn $name(
                    &self,
                    $($arg: $ty),*
                ) -> Result<$ret, $crate::store::StoreError> {
                    $name(&mut self.conn().await?.db(), $($arg),*).await
                }
            )*
        }

        impl $crate::store::StoreTx {
            $(
                $(#[$doc])*
                pub async fn $name(
                    &mut self,
                    $($arg: $ty),*
                ) -> Result<$ret, $crate::store::StoreError> {
                    // A read may see the log and the audit log (the log, reports, the audit
                    // trail): what this transaction buffered for them goes in first.
                    self.flush_log_and_audit().await?;
                    $name(&mut self.db(), $($arg),*).await
                }
            )*
        }
    };
}

mod audit;
mod connect;
mod db;
mod desk;
mod enqueue;
mod error;
mod gauges;
mod health;
mod kb;
mod outbox;
mod people;
mod report;
mod retention;
mod rows;
mod timer;
mod web;
mod web_messages;

pub use audit::{AuditEntry, AuditFilter};
pub use connect::{mask_url, sqlite_file, Backend, ConnectOptions};
pub use db::{LogRecord, TenantRecord, TicketFilter};
pub use enqueue::HeldAnswer;
pub use error::StoreError;
pub use gauges::{Gauges, OpenTickets, OutboxBacklog};
pub use health::{is_corruption, SchemaState, Thoroughness};
pub use kb::{ArticleCounter, ChangeCounter, ResolutionChange, ResolvedTicket, Saved};
pub use outbox::{never_posted, reached_nobody, ClaimedItem, Lane, OutboxItem, OutboxState, CHAIN};
pub use report::ReportData;
pub use retention::{Pruned, PRUNE_BATCH};
pub use timer::{TimerKind, TimerRecord, TimerState};
pub use web::{AccountAdded, WebAccount, WebSession};
pub use web_messages::WebMessage;

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};
use std::cell::Cell;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// The statements some work sent to the database: its queries (each `on!`), and apart from
/// them the transactions it began and committed (BEGIN and COMMIT are not queries).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Statements {
    /// Queries: every SELECT, INSERT, UPDATE and DELETE.
    pub queries: u64,
    /// Transactions begun (BEGIN).
    pub begins: u64,
    /// Transactions committed (COMMIT); a rollback is a begin without one.
    pub commits: u64,
}

tokio::task_local! {
    /// The count of the task running inside [`count_statements`].
    static COUNTED: Cell<Statements>;
}

impl Statements {
    /// Adds to the count of the current task, if it is being counted. Task-local rather than
    /// process-wide, so that concurrent work (other tests, other events) never adds to it.
    pub(crate) fn add(f: impl FnOnce(&mut Statements)) {
        let _ = COUNTED.try_with(|c| {
            let mut s = c.get();
            f(&mut s);
            c.set(s);
        });
    }

    /// Queries, BEGINs and COMMITs together.
    pub fn total(&self) -> u64 {
        self.queries + self.begins + self.commits
    }
}

/// Runs `work` and counts the statements it sends on this task (tasks it spawns are not
/// counted): for the benchmarks and for tests that guard an event's round trips.
pub async fn count_statements<F: Future>(work: F) -> (F::Output, Statements) {
    COUNTED
        .scope(Cell::new(Statements::default()), async move {
            let out = work.await;
            (out, COUNTED.with(Cell::get))
        })
        .await
}

/// Handle to the database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    /// SQLite has one writer at a time: writers wait here, in tokio, not in SQLite's busy loop.
    sqlite_writer: Arc<WriterGate>,
}

/// SQLite's one writer, waited for in two classes. The dispatcher's short records (claims,
/// sent marks) go before the desk's queued events: in one fair queue each record waited behind
/// every event in hand, and under a burst delivery fell behind intake (1,112 actions/s sent
/// against 1,242 needed, the backlog growing, while it drained at 3,800/s once intake stopped).
#[derive(Default)]
pub(crate) struct WriterGate {
    /// Held by the writer.
    write: Arc<Mutex<()>>,
    /// The desk's writers line up here first, so at most one of them waits on `write` ahead
    /// of a record.
    queue: Mutex<()>,
}

impl WriterGate {
    async fn lock(&self, delivery: bool) -> OwnedMutexGuard<()> {
        if delivery {
            return self.write.clone().lock_owned().await;
        }
        let _in_line = self.queue.lock().await;
        self.write.clone().lock_owned().await
    }
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A connection taken from the pool for one read.
enum Pooled {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Pooled {
    fn db(&mut self) -> Db<'_> {
        let conn = match self {
            Pooled::Sqlite(c) => Conn::Sqlite(c),
            Pooled::Postgres(c) => Conn::Postgres(c),
        };
        Db { conn, in_tx: false }
    }
}

/// A borrowed connection of either backend: what every query runs on.
pub(crate) struct Db<'c> {
    conn: Conn<'c>,
    /// Inside a write transaction, where reads for change lock their rows (PostgreSQL).
    in_tx: bool,
}

impl Db<'_> {
    fn is_postgres(&self) -> bool {
        matches!(self.conn, Conn::Postgres(_))
    }
}

/// The concrete connection inside a [`Db`].
pub(crate) enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// A write transaction. Dropped without [`StoreTx::commit`], it rolls back.
///
/// Outbox rows, log entries, audit entries and timers written through the buffered methods
/// (`enqueue_later`, `append_log_later`, `audit`, `set_timer_later`) are kept here and written
/// one INSERT per table (in the order they came) at commit, or earlier when a read in this
/// transaction could see them: an event's writes cost a round trip per table, not per row.
pub struct StoreTx {
    tx: Tx,
    _writer: Option<OwnedMutexGuard<()>>,
    /// Rows not written yet.
    buffered: Buffered,
    /// What this transaction knows of timers, by key (`None`: there is none), from its own
    /// reads and writes: a timer read twice, or read after it was set, costs no round trip.
    /// Valid because a timer changes only under its ticket's lock (PostgreSQL) or the one
    /// writer (SQLite), both held until commit.
    timers: HashMap<String, Option<TimerState>>,
    /// Tickets created in this transaction: nothing of theirs was posted before it.
    created: Vec<crate::domain::TicketId>,
    /// Answers queued here are claimed by this process until then (see
    /// [`StoreTx::hold_answers`]).
    hold_answers: Option<crate::domain::Timestamp>,
    /// The answers written with that claim, for [`StoreTx::commit_holding`].
    held: Vec<enqueue::HeldAnswer>,
}

/// The rows a transaction has yet to write, one list per table, in the order they came.
#[derive(Default)]
struct Buffered {
    outbox: Vec<enqueue::Queued>,
    log: Vec<db::Logged>,
    audit: Vec<AuditEntry>,
    timers: Vec<timer::Armed>,
}

/// The most rows one multi-row INSERT carries: 100 rows of at most 8 values stay under
/// SQLite's oldest limit of 999 bound parameters.
const ROWS_PER_INSERT: usize = 100;

/// A multi-row VALUES list: `rows` copies of `template`, a row whose placeholders are `$1`…
/// `$width`, each copy numbered after the previous ones (`($1, $2), ($3, $4)`), so every row's
/// numbers first appear in increasing order as SQLite's numbering wants.
fn values(rows: usize, width: usize, template: &str) -> String {
    let mut out = String::new();
    for row in 0..rows {
        if row > 0 {
            out.push_str(", ");
        }
        let mut chars = template.chars().peekable();
        while let Some(ch) = chars.next() {
            out.push(ch);
            if ch != '$' {
                continue;
            }
            let mut n = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n.push(*d);
                chars.next();
            }
            let n: usize = n.parse().expect("a placeholder has a number");
            out.push_str(&(row * width + n).to_string());
        }
    }
    out
}

impl Store {
    /// Which database this is.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies every migration not yet applied. Safe to run at every start.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite(p) => self.migrator().run(p).await?,
            Pool::Postgres(p) => self.migrator().run(p).await?,
        }
        Ok(())
    }

    /// Answers whether the database takes queries (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        on!(db, c => sqlx::query("SELECT 1").execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// Closes every connection (at shutdown), after a WAL checkpoint on SQLite so the main
    /// file alone holds every committed write.
    pub async fn close(&self) {
        if let Err(e) = self.checkpoint().await {
            tracing::debug!(error = %e, "the WAL checkpoint at close did not finish");
        }
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }

    /// Closes every connection without a checkpoint (nothing was written).
    pub async fn close_without_checkpoint(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }

    async fn conn(&self) -> Result<Pooled, StoreError> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => Pooled::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Pooled::Postgres(p.acquire().await?),
        })
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> Result<StoreTx, StoreError> {
        self.begin_as(false).await
    }

    /// Starts one of the dispatcher's short write transactions, which on SQLite goes before
    /// the desk's waiting events (see [`WriterGate`]).
    pub(crate) async fn begin_delivery(&self) -> Result<StoreTx, StoreError> {
        self.begin_as(true).await
    }

    async fn begin_as(&self, delivery: bool) -> Result<StoreTx, StoreError> {
        Statements::add(|s| s.begins += 1);
        Ok(match &self.pool {
            Pool::Sqlite(p) => {
                let guard = self.sqlite_writer.lock(delivery).await;
                StoreTx::new(Tx::Sqlite(p.begin().await?), Some(guard))
            }
            Pool::Postgres(p) => StoreTx::new(Tx::Postgres(p.begin().await?), None),
        })
    }
}

impl StoreTx {
    fn new(tx: Tx, writer: Option<OwnedMutexGuard<()>>) -> StoreTx {
        StoreTx {
            tx,
            _writer: writer,
            buffered: Buffered::default(),
            timers: HashMap::new(),
            created: Vec::new(),
            hold_answers: None,
            held: Vec::new(),
        }
    }

    /// Whether the ticket was created in this transaction (so no message of it was posted and
    /// no timer of it armed before).
    pub fn created_here(&self, ticket: crate::domain::TicketId) -> bool {
        self.created.contains(&ticket)
    }

    /// Writes every buffered row now (commit does it too).
    pub async fn flush(&mut self) -> Result<(), StoreError> {
        self.flush_log_and_audit().await?;
        self.flush_outbox().await?;
        self.flush_timers().await.map(|_| ())
    }

    /// Writes the buffered log and audit entries (before a read that may see them).
    async fn flush_log_and_audit(&mut self) -> Result<(), StoreError> {
        self.flush_log().await?;
        self.flush_audit().await
    }

    /// The transaction's connection, for queries.
    fn db(&mut self) -> Db<'_> {
        let conn = match &mut self.tx {
            Tx::Sqlite(t) => Conn::Sqlite(t),
            Tx::Postgres(t) => Conn::Postgres(t),
        };
        Db { conn, in_tx: true }
    }

    /// Writes what is buffered and makes every write of this transaction durable.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.commit_holding().await.map(|_| ())
    }

    /// Commits, and returns the answers this transaction queued already claimed by this
    /// process (with [`StoreTx::hold_answers`]): the caller sends them at once, with no claim.
    pub async fn commit_holding(mut self) -> Result<Vec<HeldAnswer>, StoreError> {
        self.flush().await?;
        Statements::add(|s| s.commits += 1);
        let held = std::mem::take(&mut self.held);
        match self.tx {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(held)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Polls a future once, so it takes its place in a queue, and says whether it finished.
    async fn poll_once<F: Future + Unpin>(f: &mut F) -> bool {
        tokio::select! {
            biased;
            _ = f => true,
            _ = std::future::ready(()) => false,
        }
    }

    #[tokio::test]
    async fn a_delivery_record_goes_before_the_events_waiting_to_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gate.db");
        let store = Store::open(&ConnectOptions::new(path.to_string_lossy()))
            .await
            .unwrap();
        let held = store.begin().await.unwrap();
        let mut events: Vec<_> = (0..3).map(|_| Box::pin(store.begin())).collect();
        for e in &mut events {
            assert!(!poll_once(e).await, "the writer is held");
        }
        let mut record = Box::pin(store.begin_delivery());
        assert!(!poll_once(&mut record).await);
        drop(held);
        // The first event was already at the door; the record comes next, before the rest.
        let first = events.remove(0).await.unwrap();
        drop(first);
        let order = tokio::select! {
            biased;
            r = &mut events[0] => { r.unwrap(); "event" }
            r = &mut record => { r.unwrap(); "record" }
        };
        assert_eq!(order, "record");
    }
}

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
/// written once and compiled for each backend.
macro_rules! on {
    ($db:expr, $c:ident => $body:expr) => {
        match &mut $db.conn {
            $crate::store::Conn::Sqlite($c) => $body,
            $crate::store::Conn::Postgres($c) => $body,
        }
    };
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
mod report;
mod retention;
mod rows;
mod timer;

pub use audit::{AuditEntry, AuditFilter};
pub use connect::{mask_url, sqlite_file, Backend, ConnectOptions};
pub use db::{LogRecord, TenantRecord, TicketFilter};
pub use error::StoreError;
pub use gauges::{Gauges, OpenTickets, OutboxBacklog};
pub use health::{is_corruption, SchemaState, Thoroughness};
pub use kb::{ArticleCounter, ChangeCounter, ResolutionChange, ResolvedTicket, Saved};
pub use outbox::{ClaimedItem, Lane, OutboxItem, OutboxState, CHAIN};
pub use report::ReportData;
pub use retention::{Pruned, PRUNE_BATCH};
pub use timer::{TimerKind, TimerRecord, TimerState};

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// Handle to the database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    /// SQLite has one writer at a time: writers wait here, in tokio, not in SQLite's busy loop.
    sqlite_writer: Arc<Mutex<()>>,
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
pub struct StoreTx {
    tx: Tx,
    _writer: Option<OwnedMutexGuard<()>>,
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
        Ok(match &self.pool {
            Pool::Sqlite(p) => {
                let guard = self.sqlite_writer.clone().lock_owned().await;
                StoreTx {
                    tx: Tx::Sqlite(p.begin().await?),
                    _writer: Some(guard),
                }
            }
            Pool::Postgres(p) => StoreTx {
                tx: Tx::Postgres(p.begin().await?),
                _writer: None,
            },
        })
    }
}

impl StoreTx {
    /// The transaction's connection, for queries.
    fn db(&mut self) -> Db<'_> {
        let conn = match &mut self.tx {
            Tx::Sqlite(t) => Conn::Sqlite(t),
            Tx::Postgres(t) => Conn::Postgres(t),
        };
        Db { conn, in_tx: true }
    }

    /// Makes every write of this transaction durable.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.tx {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

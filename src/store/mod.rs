//! Storage: the only module with SQL. SQLite (default) and PostgreSQL run the same queries.
//!
//! Reads go through [`Store`]; writes happen in a [`StoreTx`] so that a decision, its log
//! entries, its outgoing chat actions and its timers commit together or not at all.

/// Runs `$body` with `$c` bound to the concrete connection; the body is written once and
/// compiled for each backend.
macro_rules! on {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            Db::Sqlite($c) => $body,
            Db::Postgres($c) => $body,
        }
    };
}

mod audit;
mod connect;
mod db;
mod desk;
mod error;
mod gauges;
mod health;
mod kb;
mod outbox;
mod report;
mod retention;
mod rows;
pub(crate) use rows::from_ms;

pub use audit::AuditFilter;
pub use connect::{mask_url, sqlite_file, Backend, ConnectOptions};
pub use db::{
    AuditEntry, LogRecord, OutboxItem, OutboxState, TenantRecord, TicketFilter, TimerRecord,
};
pub use error::StoreError;
pub use gauges::{Gauges, OpenTickets, OutboxBacklog};
pub use health::{is_corruption, SchemaState, Thoroughness};
pub use kb::{ArticleCounter, ChangeCounter, ResolutionChange, ResolvedTicket, Saved};
pub use outbox::ClaimedItem;
pub use report::ReportData;
pub use retention::{Pruned, PRUNE_BATCH};

use db::Db;
use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool};
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

enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Conn {
    fn db(&mut self) -> Db<'_> {
        match self {
            Conn::Sqlite(c) => Db::Sqlite(c),
            Conn::Postgres(c) => Db::Postgres(c),
        }
    }
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
        self.conn().await?.db().ping().await
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

    async fn conn(&self) -> Result<Conn, StoreError> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Conn::Postgres(p.acquire().await?),
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
        match &mut self.tx {
            Tx::Sqlite(t) => Db::Sqlite(t),
            Tx::Postgres(t) => Db::Postgres(t),
        }
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

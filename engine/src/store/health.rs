//! The database's own health: schema version, a write probe, integrity checks, the WAL
//! checkpoint and backups. Operators' commands and `/readyz` ask these.

use super::{Pool, Store, StoreError};
use sqlx::migrate::Migrator;
use std::path::Path;
use std::time::Duration;

/// The migrations this binary knows, per backend.
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// Where a database's schema stands against this binary's migrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaState {
    /// No helpdesk tables at all: not a helpdesk database (or never migrated).
    Empty,
    /// Some migrations this binary knows are not applied: `helpdesk migrate` applies them.
    Behind {
        /// Migrations applied.
        applied: usize,
        /// Migrations this binary knows.
        known: usize,
    },
    /// Every known migration is applied (a newer binary may have applied more).
    Current {
        /// Migrations applied.
        applied: usize,
    },
}

/// How thorough an integrity check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thoroughness {
    /// `PRAGMA quick_check`: every page and row, without comparing indexes to their tables.
    Quick,
    /// `PRAGMA integrity_check`: also every index against its table (slow on large files).
    Full,
}

/// How long a checkpoint at close may wait for readers of another process.
const CHECKPOINT_WAIT: Duration = Duration::from_secs(2);

impl Store {
    pub(super) fn migrator(&self) -> &'static Migrator {
        match self.pool {
            Pool::Sqlite(_) => &SQLITE_MIGRATIONS,
            Pool::Postgres(_) => &POSTGRES_MIGRATIONS,
        }
    }

    /// Compares the applied migrations with the ones this binary knows, writing nothing.
    pub async fn schema_state(&self) -> Result<SchemaState, StoreError> {
        let applied: Vec<i64> = match &self.pool {
            Pool::Sqlite(p) => {
                let (tables,): (i64,) = sqlx::query_as(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' \
                     AND name = '_sqlx_migrations'",
                )
                .fetch_one(p)
                .await?;
                if tables == 0 {
                    return Ok(SchemaState::Empty);
                }
                sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                    .fetch_all(p)
                    .await?
            }
            Pool::Postgres(p) => {
                let (exists,): (bool,) =
                    sqlx::query_as("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
                        .fetch_one(p)
                        .await?;
                if !exists {
                    return Ok(SchemaState::Empty);
                }
                sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                    .fetch_all(p)
                    .await?
            }
        };
        let known: Vec<i64> = self
            .migrator()
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .map(|m| m.version)
            .collect();
        if applied.is_empty() {
            return Ok(SchemaState::Empty);
        }
        if known.iter().all(|v| applied.contains(v)) {
            Ok(SchemaState::Current {
                applied: applied.len(),
            })
        } else {
            Ok(SchemaState::Behind {
                applied: known.iter().filter(|v| applied.contains(v)).count(),
                known: known.len(),
            })
        }
    }

    /// Takes a write lock and changes the schema in a transaction that is rolled back: fails
    /// when the database is read-only, full of locks or refuses writes for any other reason.
    pub async fn probe_write(&self) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        match &mut tx.tx {
            super::Tx::Sqlite(t) => {
                sqlx::query("CREATE TABLE _helpdesk_write_probe (x INTEGER)")
                    .execute(&mut **t)
                    .await?;
                sqlx::query("INSERT INTO _helpdesk_write_probe VALUES (1)")
                    .execute(&mut **t)
                    .await?;
            }
            super::Tx::Postgres(t) => {
                // A temporary table: replicas probing at once do not wait for each other, and
                // a standby or a read-only transaction still refuses it.
                sqlx::query(
                    "CREATE TEMPORARY TABLE _helpdesk_write_probe (x INTEGER) ON COMMIT DROP",
                )
                .execute(&mut **t)
                .await?;
                sqlx::query("INSERT INTO _helpdesk_write_probe VALUES (1)")
                    .execute(&mut **t)
                    .await?;
            }
        }
        // Dropped without commit: rolled back.
        drop(tx);
        Ok(())
    }

    /// SQLite's own check of every page; the problems found (empty: none). PostgreSQL checks
    /// its pages itself, so there it only asks that the server answers.
    pub async fn integrity_problems(
        &self,
        how: Thoroughness,
        limit: u32,
    ) -> Result<Vec<String>, StoreError> {
        match &self.pool {
            Pool::Sqlite(p) => {
                let pragma = match how {
                    Thoroughness::Quick => "quick_check",
                    Thoroughness::Full => "integrity_check",
                };
                let rows: Vec<String> =
                    sqlx::query_scalar(&format!("PRAGMA {pragma}({})", limit.max(1)))
                        .fetch_all(p)
                        .await?;
                Ok(rows.into_iter().filter(|r| r != "ok").collect())
            }
            Pool::Postgres(_) => {
                self.ping().await?;
                Ok(Vec::new())
            }
        }
    }

    /// Copies the whole database, consistent as of one moment, into a new SQLite file
    /// (`VACUUM INTO`: a read transaction, so the bot keeps writing meanwhile).
    /// `None` on PostgreSQL, which has `pg_dump` for this.
    pub async fn backup_into(&self, file: &Path) -> Result<Option<()>, StoreError> {
        let Pool::Sqlite(p) = &self.pool else {
            return Ok(None);
        };
        sqlx::query("VACUUM INTO ?")
            .bind(file.to_string_lossy().into_owned())
            .execute(p)
            .await?;
        Ok(Some(()))
    }

    /// Copies the WAL back into the main file and empties it, so the main file alone holds
    /// every committed write (a file copy is then a whole database). Waits for another
    /// process's readers at most a moment; no-op on PostgreSQL.
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        let Pool::Sqlite(p) = &self.pool else {
            return Ok(());
        };
        let mut c = p.acquire().await?;
        sqlx::query(&format!(
            "PRAGMA busy_timeout = {}",
            CHECKPOINT_WAIT.as_millis()
        ))
        .execute(&mut *c)
        .await?;
        let result = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut *c)
            .await;
        // The pool's other users keep the usual, longer wait.
        let _ = sqlx::query("PRAGMA busy_timeout = 10000")
            .execute(&mut *c)
            .await;
        result?;
        Ok(())
    }
}

/// Whether an error says the database file is damaged (SQLite: CORRUPT or NOTADB).
pub fn is_corruption(e: &StoreError) -> bool {
    match e {
        StoreError::Database(sqlx::Error::Database(db)) => {
            let code = db.code();
            let code = code.as_deref().unwrap_or("");
            // Extended result codes keep the primary code in the low byte.
            code.parse::<i64>()
                .is_ok_and(|c| matches!(c & 0xff, 11 | 26))
                || db.message().contains("malformed")
        }
        _ => e.to_string().contains("malformed"),
    }
}

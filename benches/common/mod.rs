//! What the benchmarks share: the environment settings and the raw insert limit.
#![allow(dead_code)]

use std::time::Duration;

/// The variable `name` parsed, or `default`.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The PostgreSQL server benchmarks use unless `HELPDESK_TEST_POSTGRES_URL` names another.
const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A fresh schema on the benchmark PostgreSQL server, dropped by [`PgScratch::drop`].
pub struct PgScratch {
    admin: sqlx::PgPool,
    schema: String,
    /// A URL whose connections use the schema.
    pub url: String,
}

impl PgScratch {
    /// A schema named after `name` and the process; `None` (reason printed) without a server.
    pub async fn create(name: &str) -> Option<PgScratch> {
        let pg = std::env::var("HELPDESK_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.into());
        let admin = match sqlx::PgPool::connect(&pg).await {
            Ok(admin) => admin,
            Err(e) => {
                println!("postgres  skipped: {pg} does not answer ({e})");
                return None;
            }
        };
        let schema = format!("hd_bench_{name}_{}", std::process::id());
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .expect("schema");
        let sep = if pg.contains('?') { '&' } else { '?' };
        let url = format!("{pg}{sep}options[search_path]={schema}");
        Some(PgScratch { admin, schema, url })
    }

    /// Drops the schema and everything in it.
    pub async fn drop(self) {
        let _ = sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.schema))
            .execute(&self.admin)
            .await;
    }
}

/// The raw limit: a one-column insert in its own transaction,
/// straight through sqlx, on the same database.
#[derive(Clone)]
pub enum RawInserts {
    /// SQLite, with writers queued as the store queues them.
    Sqlite(sqlx::SqlitePool, std::sync::Arc<tokio::sync::Mutex<()>>),
    /// PostgreSQL.
    Postgres(sqlx::PgPool),
}

impl RawInserts {
    /// Opens `url` and empties the scratch table.
    pub async fn open(url: &str) -> RawInserts {
        const TABLE: &str =
            "CREATE TABLE IF NOT EXISTS bench_raw (id BIGINT PRIMARY KEY, v TEXT NOT NULL)";
        if url.starts_with("postgres") {
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(8)
                .connect(url)
                .await
                .unwrap();
            sqlx::query(TABLE).execute(&pool).await.unwrap();
            sqlx::query("TRUNCATE bench_raw")
                .execute(&pool)
                .await
                .unwrap();
            RawInserts::Postgres(pool)
        } else {
            // The same settings as the store: WAL, synchronous NORMAL, and writers queued in
            // tokio (SQLite has one writer at a time).
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(url)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10));
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await
                .unwrap();
            sqlx::query(TABLE).execute(&pool).await.unwrap();
            sqlx::query("DELETE FROM bench_raw")
                .execute(&pool)
                .await
                .unwrap();
            RawInserts::Sqlite(pool, Default::default())
        }
    }

    /// Inserts row `i` in its own transaction.
    pub async fn insert(&self, i: usize) {
        const SQL: &str = "INSERT INTO bench_raw (id, v) VALUES ($1, $2)";
        match self {
            RawInserts::Sqlite(pool, writer) => {
                let _guard = writer.lock().await;
                let mut tx = pool.begin().await.unwrap();
                sqlx::query(SQL)
                    .bind(i as i64)
                    .bind("x")
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
            RawInserts::Postgres(pool) => {
                let mut tx = pool.begin().await.unwrap();
                sqlx::query(SQL)
                    .bind(i as i64)
                    .bind("x")
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        }
    }

    /// Tickets, claimed tickets, log entries, outbox rows, timers, processed events.
    pub async fn counts(&self) -> [i64; 6] {
        const TABLES: [&str; 6] = [
            "tickets",
            "tickets WHERE assignee_id IS NOT NULL",
            "ticket_log",
            "outbox",
            "timers",
            "processed_events",
        ];
        let mut counts = [0; 6];
        for (n, table) in counts.iter_mut().zip(TABLES) {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            *n = match self {
                RawInserts::Sqlite(pool, _) => sqlx::query_scalar(&sql).fetch_one(pool).await,
                RawInserts::Postgres(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await,
            }
            .expect("count rows");
        }
        counts
    }

    /// Closes the pool.
    pub async fn close(&self) {
        match self {
            RawInserts::Sqlite(pool, _) => pool.close().await,
            RawInserts::Postgres(pool) => pool.close().await,
        }
    }
}

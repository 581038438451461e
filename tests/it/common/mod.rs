//! Test databases: a fresh SQLite file, or a fresh PostgreSQL schema, per test.
#![allow(dead_code)]

use helpdesk::domain::{Grade, NewTicket, Person, RequesterType, Source, TenantId, Title};
use helpdesk::store::{ConnectOptions, Store};
use helpdesk_chat::Platform;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

pub mod bot;
pub mod chat;
pub mod cli;
pub mod fake_discord;
pub mod fake_slack;
pub mod web;

/// The PostgreSQL server the tests use unless `HELPDESK_TEST_POSTGRES_URL` names another.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A migrated store that cleans up after itself when [`TestDb::finish`] is called.
pub struct TestDb {
    pub store: Store,
    /// The database URL (SQLite path, or PostgreSQL URL naming the test's schema).
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(tempfile::TempDir),
    Postgres { admin: sqlx::PgPool, schema: String },
}

impl TestDb {
    /// A new SQLite file in a temporary folder.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("helpdesk.db");
        let store = Store::open(&ConnectOptions::new(path.to_string_lossy()))
            .await
            .expect("open SQLite");
        TestDb {
            store,
            url: path.to_string_lossy().into_owned(),
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// A new schema on the test PostgreSQL server. `None` (with the reason printed) when no
    /// server answers, except under `CI=true`, where that is a failure.
    pub async fn postgres() -> Option<TestDb> {
        TestDb::postgres_with(true).await
    }

    /// A new, empty schema on the test PostgreSQL server: connected, not migrated.
    pub async fn postgres_unmigrated() -> Option<TestDb> {
        TestDb::postgres_with(false).await
    }

    async fn postgres_with(migrate: bool) -> Option<TestDb> {
        let base = std::env::var("HELPDESK_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_string());
        let admin = match sqlx::postgres::PgPoolOptions::new()
            .max_connections(2)
            .acquire_timeout(Duration::from_secs(5))
            .connect(&base)
            .await
        {
            Ok(pool) => pool,
            Err(e) => {
                let reason = format!("PostgreSQL at {base} does not answer: {e}");
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("{reason} (CI=true: PostgreSQL tests must run)");
                }
                eprintln!("skipping PostgreSQL test: {reason}");
                return None;
            }
        };
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let schema = format!(
            "hd_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_micros() % 1_000_000
        );
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .expect("create schema");
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options[search_path]={schema}");
        let mut options = ConnectOptions::new(url.clone());
        options.max_connections = 16;
        let store = if migrate {
            Store::open(&options).await
        } else {
            Store::connect(&options).await
        }
        .expect("open PostgreSQL");
        Some(TestDb {
            store,
            url,
            cleanup: Cleanup::Postgres { admin, schema },
        })
    }

    /// How many tables the test's PostgreSQL schema holds (0 on SQLite).
    pub async fn tables(&self) -> i64 {
        let Cleanup::Postgres { admin, schema } = &self.cleanup else {
            return 0;
        };
        sqlx::query_scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema = $1")
            .bind(schema)
            .fetch_one(admin)
            .await
            .expect("count tables")
    }

    /// Closes the store and removes its data.
    pub async fn finish(self) {
        self.store.close().await;
        if let Cleanup::Postgres { admin, schema } = self.cleanup {
            let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&admin)
                .await;
        }
    }
}

/// Generates `mod name { sqlite, postgres }` tests that run `name(store)` on each backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let db = $crate::common::TestDb::sqlite().await;
                super::$name(db.store.clone()).await;
                db.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let Some(db) = $crate::common::TestDb::postgres().await else { return };
                super::$name(db.store.clone()).await;
                db.finish().await;
            }
        }
    )*};
}

/// The current time, at the millisecond precision the store keeps.
pub fn now() -> helpdesk::domain::Timestamp {
    use helpdesk::clock::Clock;
    helpdesk::clock::SystemClock.now()
}

/// A tenant committed in its own transaction.
pub async fn tenant(store: &Store, external_id: &str) -> TenantId {
    let mut tx = store.begin().await.expect("begin");
    let id = tx
        .ensure_tenant(Platform::MEMORY, external_id, "Test workspace", now())
        .await
        .expect("tenant");
    tx.commit().await.expect("commit");
    id
}

/// Intake data for a ticket.
pub fn new_ticket(tenant: TenantId, title: &str) -> NewTicket {
    NewTicket {
        tenant,
        requester: Person::new("U100", "Mario Rossi"),
        requester_type: RequesterType::Employee,
        title: Title::parse(title).expect("title"),
        description: format!("{title}: please help"),
        category: Some("network".into()),
        urgency: Grade::High,
        impact: Grade::Medium,
        source: Source {
            channel: "C-help".into(),
            thread: Some(format!("thread-{title}")),
        },
    }
}

//! Opening the database: SQLite file by default, PostgreSQL when the URL says so.

use super::{Pool, Store, StoreError};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::Connection;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The database kinds the store speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file: no server.
    Sqlite,
    /// A PostgreSQL server: required for several replicas.
    Postgres,
}

impl Backend {
    /// Which backend a database URL names: `postgres://…` or `postgresql://…` is PostgreSQL,
    /// anything else (`sqlite://file`, `sqlite:file`, a plain path) is a SQLite file.
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// The name people read.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// How to open the database.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// `helpdesk.db`, `sqlite://path/to.db` or `postgres://user@host/db`.
    pub url: String,
    /// Pool size.
    pub max_connections: u32,
    /// How long to keep retrying a database server that does not answer at start.
    pub retry_for: Duration,
}

impl ConnectOptions {
    /// Options with the defaults for everything but the URL.
    pub fn new(url: impl Into<String>) -> Self {
        ConnectOptions {
            url: url.into(),
            max_connections: 8,
            retry_for: Duration::from_secs(30),
        }
    }
}

/// The URL with every password replaced by `***`, safe to print and log: the one in the
/// userinfo (`user:pw@`) and any query parameter naming one (`?password=`, `&sslpassword=`).
pub fn mask_url(url: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((head, query)) => (head, Some(query)),
        None => (url, None),
    };
    let mut masked = mask_userinfo(head);
    if let Some(query) = query {
        masked.push('?');
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if names_a_password(key) => format!("{key}=***"),
                _ => pair.to_string(),
            })
            .collect();
        masked.push_str(&pairs.join("&"));
    }
    masked
}

/// Every password a URL holds, as written: what must never appear in a message about it.
fn passwords_in(url: &str) -> Vec<&str> {
    let (head, query) = url.split_once('?').unwrap_or((url, ""));
    let mut found: Vec<&str> = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(key, value)| names_a_password(key) && !value.is_empty())
        .map(|(_, value)| value)
        .collect();
    if let Some((_, rest)) = head.split_once("://") {
        let authority = rest.split('/').next().unwrap_or("");
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            if let Some((_, pw)) = userinfo.split_once(':').filter(|(_, pw)| !pw.is_empty()) {
                found.push(pw);
            }
        }
    }
    found
}

/// A message about `url` (a driver's error may quote it) with its passwords replaced.
pub(crate) fn scrub(text: &str, url: &str) -> String {
    let mut text = text.to_string();
    // The longest first, so a password that contains another is replaced whole.
    let mut secrets = passwords_in(url);
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for secret in secrets {
        text = text.replace(secret, "***");
    }
    text
}

/// The URL less password parameters the driver does not read (libpq's `sslpassword`): the
/// driver would log each one it ignores with its value.
fn without_unread_secrets(url: &str) -> String {
    let Some((head, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let key = pair.split_once('=').map_or(*pair, |(k, _)| k);
            let unread = names_a_password(key) && key != "password";
            if unread {
                tracing::warn!(
                    parameter = key,
                    "ignoring a connect parameter the driver does not read"
                );
            }
            !unread
        })
        .collect();
    if kept.is_empty() {
        head.to_string()
    } else {
        format!("{head}?{}", kept.join("&"))
    }
}

fn names_a_password(key: &str) -> bool {
    key.to_ascii_lowercase().contains("password")
}

fn mask_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            let masked = if userinfo.contains(':') {
                format!("{user}:***")
            } else {
                user.to_string()
            };
            format!("{scheme}://{masked}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

/// Whether opening may create a missing SQLite file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Create {
    IfMissing,
    Never,
}

impl Store {
    /// Opens (and for SQLite creates) the database, retrying a server that does not answer yet.
    /// Does not migrate: call [`Store::migrate`].
    pub async fn connect(options: &ConnectOptions) -> Result<Store, StoreError> {
        Store::connect_with(options, Create::IfMissing).await
    }

    async fn connect_with(options: &ConnectOptions, create: Create) -> Result<Store, StoreError> {
        let pool = match Backend::of_url(&options.url) {
            Backend::Sqlite => Pool::Sqlite(open_sqlite(options, create).await?),
            Backend::Postgres => Pool::Postgres(open_postgres(options).await?),
        };
        Ok(Store {
            pool,
            sqlite_writer: Arc::default(),
        })
    }

    /// Connects and migrates: what `run`, `migrate` and the commands that write need.
    pub async fn open(options: &ConnectOptions) -> Result<Store, StoreError> {
        let store = Store::connect(options).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects to a database that must already exist, creating and migrating nothing, and
    /// not looking at its schema (`check-db`, `backup`): a missing SQLite file is
    /// [`StoreError::NoDatabase`].
    pub async fn connect_existing(options: &ConnectOptions) -> Result<Store, StoreError> {
        Store::connect_with(options, Create::Never).await
    }

    /// Opens an existing helpdesk database for reading: nothing is created or migrated; a
    /// missing database or one without helpdesk tables is [`StoreError::NoDatabase`], one
    /// at an older schema is [`StoreError::SchemaBehind`].
    pub async fn open_existing(options: &ConnectOptions) -> Result<Store, StoreError> {
        let store = Store::connect_existing(options).await?;
        let target = mask_url(&options.url);
        match store.schema_state().await? {
            super::SchemaState::Current { .. } => Ok(store),
            super::SchemaState::Empty => {
                store.close_without_checkpoint().await;
                Err(StoreError::NoDatabase {
                    target,
                    hint: "; it has no helpdesk tables (run `helpdesk migrate` to create them)"
                        .into(),
                })
            }
            super::SchemaState::Behind { applied, known } => {
                store.close_without_checkpoint().await;
                Err(StoreError::SchemaBehind {
                    target,
                    applied,
                    known,
                })
            }
        }
    }
}

/// The SQLite file a URL names (`sqlite://x.db?mode=ro`, `sqlite:x.db`, `x.db` → `x.db`);
/// `None` for PostgreSQL.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    if Backend::of_url(url) != Backend::Sqlite {
        return None;
    }
    let path_and_query = sqlite_path(url);
    let path = path_and_query.split('?').next().unwrap_or(path_and_query);
    Some(std::path::PathBuf::from(path))
}

fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

async fn open_sqlite(
    options: &ConnectOptions,
    create: Create,
) -> Result<sqlx::SqlitePool, StoreError> {
    let path_and_query = sqlite_path(&options.url);
    let path = path_and_query.split('?').next().unwrap_or(path_and_query);
    let fail = |reason: String| StoreError::Connect {
        target: path.to_string(),
        reason,
    };
    if path.is_empty() {
        return Err(fail("the path is empty".into()));
    }
    if create == Create::Never && !Path::new(path).is_file() {
        return Err(StoreError::NoDatabase {
            target: path.to_string(),
            hint: String::new(),
        });
    }
    if let Some(parent) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        if !parent.is_dir() {
            return Err(fail(format!(
                "the folder {} does not exist; create it or choose another database.url",
                parent.display()
            )));
        }
    }
    let connect = SqliteConnectOptions::from_str(&format!("sqlite://{path_and_query}"))
        .map_err(|e| fail(e.to_string()))?
        .create_if_missing(create == Create::IfMissing)
        .journal_mode(SqliteJournalMode::Wal)
        // WAL with NORMAL is durable against process crashes, which is what the outbox needs.
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // An automatic checkpoint runs inside the commit that crosses the threshold, holding the
        // writer for milliseconds (the desk's p99); a background task checkpoints instead.
        .pragma("wal_autocheckpoint", "0")
        // Each connection's page cache is dropped whenever another one writes; SQLite's 2 MB
        // default is less than one outbox claim over a long history reads, so every claim
        // went back to the file (in sqlite3 over a million-row outbox: 3 ms cold against 1 ms
        // with 8 MB for a claim of 80 items).
        .pragma("cache_size", "-8192");
    let pool = SqlitePoolOptions::new()
        .max_connections(options.max_connections.max(1))
        .connect_with(connect)
        .await
        .map_err(|e| fail(describe_sqlite_error(&e)))?;
    spawn_checkpointer(pool.clone());
    Ok(pool)
}

/// How often the WAL is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Checkpoints the WAL in the background until the pool closes. PASSIVE never blocks writers.
fn spawn_checkpointer(pool: sqlx::SqlitePool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if pool.is_closed() {
                return;
            }
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await
            {
                if pool.is_closed() {
                    return;
                }
                tracing::warn!(error = %e, "WAL checkpoint failed; retrying");
            }
        }
    });
}

fn describe_sqlite_error(e: &sqlx::Error) -> String {
    let text = e.to_string();
    if text.contains("unable to open") || text.contains("readonly") || text.contains("code: 14") {
        format!("{text} (is the folder writable by this user?)")
    } else {
        text
    }
}

async fn open_postgres(options: &ConnectOptions) -> Result<sqlx::PgPool, StoreError> {
    let target = mask_url(&options.url);
    let connect =
        PgConnectOptions::from_str(&without_unread_secrets(&options.url)).map_err(|e| {
            StoreError::Connect {
                target: target.clone(),
                reason: scrub(&e.to_string(), &options.url),
            }
        })?;
    let started = Instant::now();
    let mut delay = Duration::from_millis(250);
    let mut attempt = 1u32;
    loop {
        // One plain connection per attempt, bounded by the time left: a pool would keep
        // retrying on its own until its acquire timeout and blow through `retry_for`.
        let left = options.retry_for.saturating_sub(started.elapsed());
        let limit = left.clamp(Duration::from_millis(250), Duration::from_secs(5));
        let result = match tokio::time::timeout(limit, PgConnection::connect_with(&connect)).await {
            Ok(Ok(probe)) => {
                let _ = probe.close().await;
                PgPoolOptions::new()
                    .max_connections(options.max_connections.max(1))
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(connect.clone())
                    .await
            }
            Ok(Err(e)) => Err(e),
            Err(_) => Err(sqlx::Error::PoolTimedOut),
        };
        match result {
            Ok(pool) => return Ok(pool),
            Err(e) if is_retryable(&e) && started.elapsed() + delay < options.retry_for => {
                tracing::warn!(
                    database = %target,
                    attempt,
                    retry_in_ms = delay.as_millis() as u64,
                    error = %scrub(&e.to_string(), &options.url),
                    "PostgreSQL does not answer yet; retrying"
                );
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
                attempt += 1;
            }
            Err(e) => {
                return Err(StoreError::Connect {
                    target,
                    reason: format!(
                        "{} (gave up after {attempt} attempt(s) in {:.1?})",
                        scrub(&e.to_string(), &options.url),
                        started.elapsed()
                    ),
                })
            }
        }
    }
}

/// Network trouble may pass; a wrong password or a missing database will not.
fn is_retryable(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut)
        || matches!(e, sqlx::Error::Database(db) if db.code().as_deref() == Some("57P03"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_passwords_only() {
        assert_eq!(
            mask_url("postgres://bot:s3cret@db:5432/helpdesk"),
            "postgres://bot:***@db:5432/helpdesk"
        );
        assert_eq!(
            mask_url("postgres://bot@db/helpdesk"),
            "postgres://bot@db/helpdesk"
        );
        assert_eq!(mask_url("helpdesk.db"), "helpdesk.db");
        assert_eq!(
            mask_url("postgres://a:b:c@h/d?x=@"),
            "postgres://a:***@h/d?x=@"
        );
        assert_eq!(
            mask_url("postgres://bot@db/h?sslmode=require&password=pw1&SSLPassword=pw2"),
            "postgres://bot@db/h?sslmode=require&password=***&SSLPassword=***"
        );
        assert_eq!(
            mask_url("postgres://db/h?password"),
            "postgres://db/h?password"
        );
    }

    #[test]
    fn password_parameters_the_driver_ignores_are_not_handed_to_it() {
        assert_eq!(
            without_unread_secrets("postgres://db/h?sslpassword=x&password=y&sslmode=disable"),
            "postgres://db/h?password=y&sslmode=disable"
        );
        assert_eq!(
            without_unread_secrets("postgres://db/h?sslpassword=x"),
            "postgres://db/h"
        );
    }

    #[test]
    fn messages_about_a_url_lose_its_passwords() {
        let url = "postgres://bot:pw1@db/h?password=pw12&sslpassword=x";
        assert_eq!(
            scrub("failed for pw12, pw1 and x at db", url),
            "failed for ***, *** and *** at db"
        );
        assert_eq!(scrub("no secret here", "helpdesk.db"), "no secret here");
    }

    #[test]
    fn backend_follows_the_scheme() {
        assert_eq!(Backend::of_url("postgresql://x/y"), Backend::Postgres);
        assert_eq!(Backend::of_url("sqlite://x.db"), Backend::Sqlite);
        assert_eq!(Backend::of_url("data/helpdesk.db"), Backend::Sqlite);
    }
}

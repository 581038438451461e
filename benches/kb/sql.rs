//! The SQL engines beside ours, on the same corpus and queries.
//!
//! - SQLite FTS5: `fts5(slug UNINDEXED, title, body, tokenize='porter unicode61
//!   remove_diacritics 2')` in a file of its own (one table for both languages: FTS5 has one
//!   tokenizer per table, so Polish goes through the English Porter stemmer too). The query is
//!   the text split into words, each quoted, joined with `OR` (raw user text breaks MATCH
//!   syntax; FTS5 has no stop words, so "how", "jak", "w" are terms too), ranked by
//!   `bm25(fts, 0, 2.0, 1.0)` (title × 2). Inserted [`BATCH`] rows per transaction, then
//!   `optimize`.
//! - PostgreSQL full text: `setweight(to_tsvector(cfg, title), 'A') ||
//!   setweight(to_tsvector(cfg, body), 'B')` in a stored generated column with a GIN index,
//!   `cfg` being `english` for English articles and `simple` (lower case, no stemming, no stop
//!   words: PostgreSQL has no Polish configuration) for Polish ones. The query is the OR of the
//!   lexemes of `plainto_tsquery('english', text)` and of `plainto_tsquery('simple', text)`
//!   (the query's language is not known, as for ours; their AND, like `websearch_to_tsquery`'s,
//!   finds almost nothing for a whole question), ranked by `ts_rank(tsv, q)` (A 1.0, B 0.4).
//!   Batched `INSERT … UNNEST` of [`BATCH`] rows, then `CREATE INDEX … USING gin`, `ANALYZE`.

use helpdesk::kb::{ArticleDraft, KbLanguage};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::path::Path;
use std::time::{Duration, Instant};

/// Rows per insert transaction (SQLite) or statement (PostgreSQL).
pub const BATCH: usize = 2_000;

/// Opens (creating) the FTS5 file.
pub async fn sqlite_open(path: &Path) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal);
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
}

/// Builds the FTS5 table of the articles; returns the time it took.
pub async fn sqlite_build(path: &Path, articles: &[ArticleDraft]) -> Result<Duration, sqlx::Error> {
    let pool = sqlite_open(path).await?;
    sqlx::query(
        "CREATE VIRTUAL TABLE fts USING fts5(slug UNINDEXED, title, body, \
         tokenize='porter unicode61 remove_diacritics 2')",
    )
    .execute(&pool)
    .await?;
    let started = Instant::now();
    for batch in articles.chunks(BATCH) {
        let mut tx = pool.begin().await?;
        for a in batch {
            sqlx::query("INSERT INTO fts (slug, title, body) VALUES (?1, ?2, ?3)")
                .bind(&a.slug)
                .bind(&a.title)
                .bind(&a.body)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
    sqlx::query("INSERT INTO fts (fts) VALUES ('optimize')")
        .execute(&pool)
        .await?;
    let took = started.elapsed();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await?;
    pool.close().await;
    Ok(took)
}

/// A safe FTS5 MATCH expression for user text: each word quoted, joined with OR (None without
/// words). Words are runs of letters and digits, so they hold no quote.
fn fts5_match(text: &str) -> Option<String> {
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.dedup();
    (!words.is_empty()).then(|| {
        words
            .iter()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(" OR ")
    })
}

/// The slugs of the best `limit` articles for the text.
pub async fn sqlite_search(pool: &SqlitePool, text: &str, limit: usize) -> Vec<String> {
    let Some(expr) = fts5_match(text) else {
        return Vec::new();
    };
    sqlx::query_scalar(
        "SELECT slug FROM fts WHERE fts MATCH ?1 ORDER BY bm25(fts, 0.0, 2.0, 1.0), rowid LIMIT ?2",
    )
    .bind(expr)
    .bind(limit as i64)
    .fetch_all(pool)
    .await
    .expect("FTS5 query")
}

/// Connects one connection to the bench schema.
pub async fn pg_connect(url: &str) -> PgPool {
    PgPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .expect("connect to the bench schema")
}

/// Creates and fills `table`; returns the time it took (inserts, GIN index, ANALYZE).
pub async fn pg_build(pool: &PgPool, table: &str, articles: &[ArticleDraft]) -> Duration {
    sqlx::query(&format!("DROP TABLE IF EXISTS {table}"))
        .execute(pool)
        .await
        .expect("drop an old table");
    sqlx::query(&format!(
        "CREATE TABLE {table} (id int4 PRIMARY KEY, slug text NOT NULL, cfg regconfig NOT NULL, \
         title text NOT NULL, body text NOT NULL, tsv tsvector GENERATED ALWAYS AS (\
         setweight(to_tsvector(cfg, title), 'A') || setweight(to_tsvector(cfg, body), 'B')) \
         STORED)"
    ))
    .execute(pool)
    .await
    .expect("create the table");
    let started = Instant::now();
    let insert = format!(
        "INSERT INTO {table} (id, slug, cfg, title, body) \
         SELECT id, slug, cfg::regconfig, title, body \
         FROM UNNEST($1::int4[], $2::text[], $3::text[], $4::text[], $5::text[]) \
         AS u(id, slug, cfg, title, body)"
    );
    for (b, batch) in articles.chunks(BATCH).enumerate() {
        let first = (b * BATCH) as i32;
        let ids: Vec<i32> = (first..first + batch.len() as i32).collect();
        let slugs: Vec<&str> = batch.iter().map(|a| a.slug.as_str()).collect();
        let cfgs: Vec<&str> = batch
            .iter()
            .map(|a| match a.language {
                KbLanguage::En => "english",
                KbLanguage::It => "italian",
                KbLanguage::Pl => "simple",
            })
            .collect();
        let titles: Vec<&str> = batch.iter().map(|a| a.title.as_str()).collect();
        let bodies: Vec<&str> = batch.iter().map(|a| a.body.as_str()).collect();
        sqlx::query(&insert)
            .bind(ids)
            .bind(slugs)
            .bind(cfgs)
            .bind(titles)
            .bind(bodies)
            .execute(pool)
            .await
            .expect("insert a batch");
    }
    sqlx::query(&format!(
        "CREATE INDEX {table}_tsv ON {table} USING gin (tsv)"
    ))
    .execute(pool)
    .await
    .expect("GIN index");
    sqlx::query(&format!("ANALYZE {table}"))
        .execute(pool)
        .await
        .expect("analyze");
    started.elapsed()
}

/// Table, TOAST and indexes, bytes.
pub async fn pg_size(pool: &PgPool, table: &str) -> u64 {
    let bytes: i64 = sqlx::query_scalar("SELECT pg_total_relation_size($1::regclass)")
        .bind(table)
        .fetch_one(pool)
        .await
        .expect("table size");
    bytes as u64
}

/// The slugs of the best `limit` articles for the text.
pub async fn pg_search(pool: &PgPool, table: &str, text: &str, limit: usize) -> Vec<String> {
    sqlx::query_scalar(&format!(
        "SELECT slug FROM {table}, (SELECT \
         replace(plainto_tsquery('english', $1)::text, '&', '|')::tsquery || \
         replace(plainto_tsquery('simple', $1)::text, '&', '|')::tsquery AS q) x \
         WHERE tsv @@ q ORDER BY ts_rank(tsv, q) DESC, id LIMIT $2"
    ))
    .bind(text)
    .bind(limit as i64)
    .fetch_all(pool)
    .await
    .expect("PostgreSQL query")
}

/// Drops the table.
pub async fn pg_drop(pool: &PgPool, table: &str) {
    let _ = sqlx::query(&format!("DROP TABLE IF EXISTS {table}"))
        .execute(pool)
        .await;
}

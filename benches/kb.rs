//! `cargo bench --bench kb`: knowledge-base suggestion speed and quality at 100,000 articles, our
//! in-memory BM25 index ([`SearchIndex`]) beside SQLite FTS5 `bm25()` and PostgreSQL `ts_rank`,
//! on the same corpus and the same queries.
//!
//! Corpus: the 125 StackFAQ articles (`../shared/data/kb/stackfaq/articles.jsonl`) plus filler
//! up to `HELPDESK_BENCH_KB_DOCS` documents, made from the real IT tickets of
//! `../shared/data/tickets/it-support-tickets.csv`: title = the ticket's first 8 words, body =
//! its whole text, key `filler-N`; once the 47,837 rows are used up they are repeated with a
//! suffix ` rN` on the title. Queries: the 625 StackFAQ dev queries, each with one right article.
//!
//! Measured per engine, on the 125 articles alone and on the whole corpus:
//! - build: the time to index the corpus (ours: `upsert` of every document; SQLite: the
//!   inserts in one transaction plus `optimize`; PostgreSQL: batched `INSERT … UNNEST` of 2,000
//!   rows, with the `tsvector` column generated on insert, then `CREATE INDEX … USING gin` and
//!   `ANALYZE`);
//! - size: ours the process RSS (VmRSS) before and after the build (the corpus' text is
//!   already in memory before); SQLite the database file; PostgreSQL `pg_total_relation_size`;
//! - latency of one suggestion (the top 3) per query, p50 / p99 / max over all queries repeated
//!   `HELPDESK_BENCH_KB_ROUNDS` times after a warm-up (ours: one round; SQL: the first 50
//!   queries); one query at a time, on the multi-thread runtime;
//! - quality from a separate top-10 pass: MRR@10, P@1 and Hit@3 against the right article
//!   (on the whole corpus the right article must still beat 100,000 filler documents).
//!
//! The engines' queries:
//! - ours: `SearchIndex::search(text, 3)`, i.e. the text analysed (stop words dropped, Snowball
//!   stems), BM25 per field, title × 2;
//! - SQLite: `fts5(title, body, tokenize='porter unicode61 remove_diacritics 2')`; the text is
//!   split into words, each quoted, joined with `OR` (raw user text breaks MATCH syntax; FTS5
//!   has no stop word list, so "how", "to", "the" are query terms too), ranked by
//!   `bm25(fts, 2.0, 1.0)`;
//! - PostgreSQL: `setweight(to_tsvector('english', title), 'A') ||
//!   setweight(to_tsvector('english', body), 'B')` in a stored generated column with a GIN
//!   index; the query is the OR of `plainto_tsquery('english', text)`'s lexemes (its AND, like
//!   `websearch_to_tsquery`'s, finds almost nothing for a whole question), ranked by
//!   `ts_rank(tsv, q)` (default weights: A 1.0, B 0.4).
//!
//! Finally a line says whether the goal is met: p99 < 5 ms for ours on the whole corpus.
//!
//! Environment:
//! - `HELPDESK_BENCH_KB_DOCS`: corpus size, articles included (default 100000);
//! - `HELPDESK_BENCH_KB_ROUNDS`: timed rounds over the 625 queries (default 5 for ours and 1 for
//!   SQLite and PostgreSQL, whose queries are slower: the whole run stays at a few minutes);
//! - `HELPDESK_TEST_POSTGRES_URL`: the PostgreSQL server (default
//!   `postgres://postgres@127.0.0.1:5432/test`); a fresh schema is created and dropped. When
//!   the server does not answer, PostgreSQL is skipped with a printed line.

mod common;

use common::env_or;
use helpdesk::kb::{
    evaluate, read_jsonl, EvalQuery, EvalReport, IndexDoc, KbLanguage, SearchIndex,
    DEFAULT_THRESHOLD,
};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::path::Path;
use std::time::{Duration, Instant};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data");
/// The goal: p99 of one suggestion under this, on the whole corpus.
const GOAL_P99: Duration = Duration::from_millis(5);
/// Words of a ticket that make a filler document's title.
const TITLE_WORDS: usize = 8;
/// Rows per PostgreSQL insert statement.
const PG_BATCH: usize = 2000;
/// Results per suggestion (what the desk shows) and for the quality pass.
const SUGGEST: usize = 3;
const TOP: usize = 10;
/// Queries run before timing SQLite and PostgreSQL (ours runs a whole round).
const SQL_WARMUP: usize = 50;

#[tokio::main]
async fn main() {
    let total: usize = env_or("HELPDESK_BENCH_KB_DOCS", 100_000usize);
    let rounds: Option<usize> = std::env::var("HELPDESK_BENCH_KB_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok());
    let ours_rounds = rounds.unwrap_or(5).max(1);
    let sql_rounds = rounds.unwrap_or(1).max(1);

    let rss_start = rss_kib();
    // The ticket texts stay alive until the end: freed, they would leave holes in the heap that
    // the index fills without growing the RSS.
    let (docs, queries, _tickets) = load(total);
    let small = &docs[..articles_count(&docs)];
    println!(
        "helpdesk kb benchmark: {} StackFAQ articles + {} filler documents = {} documents, \
         {} queries, {} cores",
        small.len(),
        docs.len() - small.len(),
        docs.len(),
        queries.len(),
        num_cpus()
    );
    println!(
        "latency: one query at a time, top {SUGGEST}, {ours_rounds} rounds (ours) / {sql_rounds} \
         (SQL) after a warm-up; quality: top {TOP}"
    );
    header();

    // Ours first, while no SQLite page cache is in the process: the RSS is the index's.
    let mut ours_p99 = None;
    let mut reports = Vec::new();
    for corpus in [small, &docs[..]] {
        let rss_before = rss_kib();
        let started = Instant::now();
        let mut index = SearchIndex::new();
        for d in corpus {
            index.upsert(d);
        }
        let build = started.elapsed();
        let rss_after = rss_kib();
        let engine = Engine::Ours(&index);
        let m = measure(&engine, &queries, queries.len(), ours_rounds).await;
        let size = format!("RSS {} → {} MiB", rss_before / 1024, rss_after / 1024);
        row("ours", corpus.len(), build, &size, &m);
        reports.push((corpus.len(), evaluate(&index, &queries, DEFAULT_THRESHOLD)));
        if corpus.len() == docs.len() {
            ours_p99 = Some(m.p99);
        }
        check_same_quality(&m, reports.last().map(|r| &r.1));
    }

    let dir = tempfile::tempdir().expect("temporary folder");
    for corpus in [small, &docs[..]] {
        let path = dir.path().join(format!("kb-{}.db", corpus.len()));
        match sqlite_build(&path, corpus).await {
            Ok((pool, build)) => {
                let size = format!("file {} MiB", file_mib(&path));
                let engine = Engine::Sqlite(&pool, corpus);
                let m = measure(&engine, &queries, SQL_WARMUP, sql_rounds).await;
                row("sqlite", corpus.len(), build, &size, &m);
                pool.close().await;
            }
            Err(e) => {
                println!("sqlite    skipped: FTS5 unavailable or failed ({e})");
                break;
            }
        }
    }

    if let Some(pg) = common::PgScratch::create("kb").await {
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect(&pg.url)
            .await
            .expect("connect to the bench schema");
        for corpus in [small, &docs[..]] {
            let table = format!("kb_{}", corpus.len());
            let build = pg_build(&pool, &table, corpus).await;
            let bytes: i64 = sqlx::query_scalar("SELECT pg_total_relation_size($1::regclass)")
                .bind(&table)
                .fetch_one(&pool)
                .await
                .expect("table size");
            let size = format!("table+index {} MiB", bytes / (1024 * 1024));
            let engine = Engine::Postgres(&pool, &table, corpus);
            let m = measure(&engine, &queries, SQL_WARMUP, sql_rounds).await;
            row("postgres", corpus.len(), build, &size, &m);
        }
        pool.close().await;
        pg.drop().await;
    }

    println!();
    for (n, r) in &reports {
        println!(
            "ours, {n} documents: nDCG@10 {:.3}; suggestions at coverage ≥ {DEFAULT_THRESHOLD}: \
             {:.1}% of queries get one, {:.1}% of those right",
            r.ndcg_at_10,
            r.suggested * 100.0,
            r.suggestion_precision * 100.0
        );
    }
    println!(
        "process RSS: {} MiB at start, {} MiB at the end",
        rss_start / 1024,
        rss_kib() / 1024
    );
    if let Some(p99) = ours_p99 {
        println!(
            "goal p99 < {} ms for ours at {} documents: {} (p99 {})",
            GOAL_P99.as_millis(),
            docs.len(),
            if p99 < GOAL_P99 { "met" } else { "NOT met" },
            ms(p99)
        );
    }
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

// ---------------------------------------------------------------------------------------------
// Data

/// The articles first, then the filler, truncated or filled up to `total`.
fn load(total: usize) -> (Vec<IndexDoc>, Vec<EvalQuery>, Vec<String>) {
    let data = Path::new(DATA);
    let articles = read_jsonl(&data.join("kb/stackfaq/articles.jsonl"), KbLanguage::En)
        .expect("StackFAQ articles");
    let mut docs: Vec<IndexDoc> = articles.iter().map(IndexDoc::from).collect();
    let queries: Vec<EvalQuery> =
        std::fs::read_to_string(data.join("kb/stackfaq/dev-queries.jsonl"))
            .expect("StackFAQ dev queries")
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).expect("a dev query"))
            .collect();

    let tickets = read_tickets(&data.join("tickets/it-support-tickets.csv"));
    assert!(!tickets.is_empty(), "no ticket rows");
    let filler = total.saturating_sub(docs.len());
    for n in 0..filler {
        let text = &tickets[n % tickets.len()];
        let copy = n / tickets.len();
        let mut title = text
            .split_whitespace()
            .take(TITLE_WORDS)
            .collect::<Vec<_>>()
            .join(" ");
        if copy > 0 {
            title.push_str(&format!(" r{copy}"));
        }
        docs.push(IndexDoc {
            key: format!("filler-{n}"),
            title,
            body: text.clone(),
            language: KbLanguage::En,
        });
    }
    (docs, queries, tickets)
}

/// The ticket texts of `Document,Topic_group` lines: the text is everything before the last
/// comma, in double quotes when it holds a comma itself (`""` for a quote).
fn read_tickets(path: &Path) -> Vec<String> {
    let csv = std::fs::read_to_string(path).expect("ticket CSV");
    csv.lines()
        .skip(1)
        .filter_map(|line| {
            let (text, _topic) = line.rsplit_once(',')?;
            let text = match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
                Some(quoted) => quoted.replace("\"\"", "\""),
                None => text.to_string(),
            };
            (!text.trim().is_empty()).then_some(text)
        })
        .collect()
}

fn articles_count(docs: &[IndexDoc]) -> usize {
    docs.iter()
        .position(|d| d.key.starts_with("filler-"))
        .unwrap_or(docs.len())
}

/// The resident set size of this process, in KiB (0 where /proc is missing).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn file_mib(path: &Path) -> u64 {
    let mut bytes = 0;
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        bytes += std::fs::metadata(&p).map_or(0, |m| m.len());
    }
    bytes / (1024 * 1024)
}

// ---------------------------------------------------------------------------------------------
// Engines

enum Engine<'a> {
    Ours(&'a SearchIndex),
    /// Rowid `i + 1` is `docs[i]`.
    Sqlite(&'a SqlitePool, &'a [IndexDoc]),
    /// Id `i` is `docs[i]`.
    Postgres(&'a PgPool, &'a str, &'a [IndexDoc]),
}

impl Engine<'_> {
    /// The keys of the best `limit` documents, best first.
    async fn search(&self, text: &str, limit: usize) -> Vec<String> {
        match self {
            Engine::Ours(index) => index
                .search(text, limit)
                .into_iter()
                .map(|h| h.key)
                .collect(),
            Engine::Sqlite(pool, docs) => {
                let Some(expr) = fts5_match(text) else {
                    return Vec::new();
                };
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT rowid FROM fts WHERE fts MATCH ?1 \
                     ORDER BY bm25(fts, 2.0, 1.0), rowid LIMIT ?2",
                )
                .bind(expr)
                .bind(limit as i64)
                .fetch_all(*pool)
                .await
                .expect("FTS5 query");
                ids.into_iter()
                    .map(|id| docs[id as usize - 1].key.clone())
                    .collect()
            }
            Engine::Postgres(pool, table, docs) => {
                let ids: Vec<i32> = sqlx::query_scalar(&format!(
                    "SELECT id FROM {table}, \
                     (SELECT replace(plainto_tsquery('english', $1)::text, '&', '|')::tsquery AS q) x \
                     WHERE tsv @@ q ORDER BY ts_rank(tsv, q) DESC, id LIMIT $2"
                ))
                .bind(text)
                .bind(limit as i64)
                .fetch_all(*pool)
                .await
                .expect("PostgreSQL query");
                ids.into_iter()
                    .map(|id| docs[id as usize].key.clone())
                    .collect()
            }
        }
    }
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

async fn sqlite_build(
    path: &Path,
    docs: &[IndexDoc],
) -> Result<(SqlitePool, Duration), sqlx::Error> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    sqlx::query(
        "CREATE VIRTUAL TABLE fts USING fts5(title, body, \
         tokenize='porter unicode61 remove_diacritics 2')",
    )
    .execute(&pool)
    .await?;
    let started = Instant::now();
    let mut tx = pool.begin().await?;
    for (i, d) in docs.iter().enumerate() {
        sqlx::query("INSERT INTO fts (rowid, title, body) VALUES (?1, ?2, ?3)")
            .bind(i as i64 + 1)
            .bind(&d.title)
            .bind(&d.body)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    sqlx::query("INSERT INTO fts (fts) VALUES ('optimize')")
        .execute(&pool)
        .await?;
    let build = started.elapsed();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await?;
    Ok((pool, build))
}

async fn pg_build(pool: &PgPool, table: &str, docs: &[IndexDoc]) -> Duration {
    sqlx::query(&format!(
        "CREATE TABLE {table} (id int4 PRIMARY KEY, title text NOT NULL, body text NOT NULL, \
         tsv tsvector GENERATED ALWAYS AS (\
         setweight(to_tsvector('english', title), 'A') || \
         setweight(to_tsvector('english', body), 'B')) STORED)"
    ))
    .execute(pool)
    .await
    .expect("create the table");
    let started = Instant::now();
    let insert = format!(
        "INSERT INTO {table} (id, title, body) \
         SELECT * FROM UNNEST($1::int4[], $2::text[], $3::text[])"
    );
    for (b, batch) in docs.chunks(PG_BATCH).enumerate() {
        let first = (b * PG_BATCH) as i32;
        let ids: Vec<i32> = (first..first + batch.len() as i32).collect();
        let titles: Vec<&str> = batch.iter().map(|d| d.title.as_str()).collect();
        let bodies: Vec<&str> = batch.iter().map(|d| d.body.as_str()).collect();
        sqlx::query(&insert)
            .bind(ids)
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

// ---------------------------------------------------------------------------------------------
// Measures

struct Measures {
    p50: Duration,
    p99: Duration,
    max: Duration,
    mrr_at_10: f64,
    p_at_1: f64,
    hit_at_3: f64,
}

async fn measure(
    engine: &Engine<'_>,
    queries: &[EvalQuery],
    warmup: usize,
    rounds: usize,
) -> Measures {
    for q in queries.iter().take(warmup) {
        std::hint::black_box(engine.search(&q.text, SUGGEST).await);
    }
    let mut times = Vec::with_capacity(queries.len() * rounds);
    for _ in 0..rounds {
        for q in queries {
            let started = Instant::now();
            let hits = engine.search(&q.text, SUGGEST).await;
            times.push(started.elapsed());
            std::hint::black_box(hits);
        }
    }
    times.sort_unstable();
    let (mut mrr, mut p1, mut hit3) = (0.0, 0.0, 0.0);
    for q in queries {
        let keys = engine.search(&q.text, TOP).await;
        if let Some(rank) = keys.iter().position(|k| *k == q.article).map(|p| p + 1) {
            mrr += 1.0 / rank as f64;
            p1 += f64::from(u8::from(rank == 1));
            hit3 += f64::from(u8::from(rank <= 3));
        }
    }
    let n = queries.len().max(1) as f64;
    Measures {
        p50: percentile(&times, 0.50),
        p99: percentile(&times, 0.99),
        max: times.last().copied().unwrap_or_default(),
        mrr_at_10: mrr / n,
        p_at_1: p1 / n,
        hit_at_3: hit3 / n,
    }
}

/// The nearest-rank percentile of sorted times.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Our own ranks must agree with `evaluate` (a guard on this file's arithmetic).
fn check_same_quality(m: &Measures, report: Option<&EvalReport>) {
    if let Some(r) = report {
        assert!(
            (m.mrr_at_10 - r.mrr_at_10).abs() < 1e-9 && (m.p_at_1 - r.p_at_1).abs() < 1e-9,
            "the bench's MRR/P@1 differ from kb::evaluate"
        );
    }
}

fn header() {
    println!(
        "{:<9} {:>7} {:>9} {:<24} {:>9} {:>9} {:>9} {:>7} {:>6} {:>6}",
        "engine", "docs", "build s", "size", "p50 ms", "p99 ms", "max ms", "MRR@10", "P@1", "Hit@3"
    );
}

fn row(engine: &str, docs: usize, build: Duration, size: &str, m: &Measures) {
    println!(
        "{:<9} {:>7} {:>9.2} {:<24} {:>9} {:>9} {:>9} {:>7.3} {:>6.3} {:>6.3}",
        engine,
        docs,
        build.as_secs_f64(),
        size,
        ms(m.p50),
        ms(m.p99),
        ms(m.max),
        m.mrr_at_10,
        m.p_at_1,
        m.hit_at_3
    );
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

//! `cargo bench --bench metrics`: how long one `/metrics` scrape takes (the database gauges read
//! and the exposition rendered) on a database of real size, on SQLite and PostgreSQL.
//!
//! HELPDESK_BENCH_TICKETS sets the tickets (default 1,000,000; 1 in 33 still open, the rest
//! closed history); the outbox holds as many sent actions plus a backlog, the timers 100,000
//! fired and one pending per open ticket. HELPDESK_TEST_POSTGRES_URL names the server.

mod common;

use helpdesk::store::{ConnectOptions, Store};
use std::time::{Duration, Instant};

/// Scrapes timed per backend.
const SCRAPES: usize = 30;

#[tokio::main]
async fn main() {
    let tickets: i64 = common::env_or("HELPDESK_BENCH_TICKETS", 1_000_000);
    println!(
        "helpdesk metrics scrape: {tickets} tickets, {tickets} sent outbox rows, {SCRAPES} scrapes"
    );
    println!(
        "{:<9} {:>10} {:>10} {:>10} {:>10}",
        "backend", "fill s", "p50 ms", "max ms", "bytes"
    );
    let dir = tempfile::tempdir().expect("temporary folder");
    let sqlite = dir.path().join("metrics.db").to_string_lossy().into_owned();
    bench("sqlite", &sqlite, tickets).await;
    if let Some(pg) = common::PgScratch::create("metrics").await {
        bench("postgres", &pg.url, tickets).await;
        if std::env::var_os("HELPDESK_BENCH_KEEP").is_some() {
            println!("kept: {}", pg.url);
        } else {
            pg.drop().await;
        }
    }
}

async fn bench(name: &str, url: &str, tickets: i64) {
    let store = Store::open(&ConnectOptions::new(url)).await.expect("open");
    let started = Instant::now();
    fill(url, tickets).await;
    let filled = started.elapsed();
    let now = chrono::Utc::now();
    let mut times = Vec::with_capacity(SCRAPES);
    let mut bytes = 0;
    for _ in 0..SCRAPES {
        let t = Instant::now();
        let gauges = store.gauges(now).await.expect("gauges");
        bytes = helpdesk::metrics::METRICS.render(Some(&gauges)).len();
        times.push(t.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{:<9} {:>10.1} {:>10.2} {:>10.2} {:>10}",
        name,
        filled.as_secs_f64(),
        ms(times[SCRAPES / 2]),
        ms(times[SCRAPES - 1]),
        bytes
    );
    store.close().await;
}

/// Two tenants, `n` tickets of real shape, `n` sent outbox rows and a backlog, and timers, in
/// a few set-based statements (the same SQL on both backends).
async fn fill(url: &str, n: i64) {
    let open_every = 33;
    let statements = [
        "INSERT INTO tenants (id, platform, external_id, name, created_at) VALUES \
         (1, 'slack', 'T0ACME', 'ACME', 0), (2, 'discord', '290926798626357999', 'Globex', 0)"
            .to_string(),
        format!(
            "INSERT INTO tickets (tenant_id, number, requester_id, requester_name, requester_type, \
             title, description, category, urgency, impact, priority, level, status, \
             source_channel, created_at, updated_at) \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
             SELECT 1 + i % 2, i, 'U0REQUESTER', 'Mario Rossi', 'employee', \
             'The VPN drops every few minutes since this morning', \
             'Since the update this morning the VPN client disconnects every five to ten \
             minutes, and reconnecting takes about a minute each time. Colleagues on the same \
             floor have the same problem; the office network itself works.', 'network', \
             'high', 'medium', 'P2', \
             CASE i % 3 WHEN 0 THEN 'L1' WHEN 1 THEN 'L2' ELSE 'L3' END, \
             CASE WHEN i % {open_every} = 0 THEN \
               CASE i % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'open' WHEN 2 THEN 'pending' \
               ELSE 'on_hold' END \
             ELSE 'closed' END, 'C0HELP', i * 1000, i * 1000 FROM n"
        ),
        format!(
            "INSERT INTO outbox (tenant_id, ordering_key, payload, state, next_attempt_at, \
             created_at, sent_at) \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
             SELECT 1 + i % 2, 'C0HELP', '{{\"post\":{{\"channel\":\"C0HELP\",\"text\":\"Ticket \
             opened: we will answer within the hour.\"}}}}', \
             CASE WHEN i % 5000 = 0 THEN 'dead' WHEN i % 2000 = 0 THEN 'pending' ELSE 'sent' END, \
             i * 1000, i * 1000, i * 1000 FROM n"
        ),
        format!(
            "INSERT INTO timers (tenant_id, timer_key, kind, due_at, payload, state, created_at) \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) \
             SELECT 1 + i % 2, 'budget:' || i, 'level_budget', i * 1000, '{{}}', \
             CASE WHEN i % 4 = 0 THEN 'pending' ELSE 'fired' END, i * 1000 FROM n",
            100_000 + 4 * n / open_every
        ),
    ];
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        for sql in &statements {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        // What autovacuum does to a live database after a while: the visibility map lets the
        // open-tickets count read the partial index alone (without it, one heap page a ticket).
        sqlx::query("VACUUM ANALYZE").execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{url}"))
            .await
            .unwrap();
        for sql in &statements {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        sqlx::query("ANALYZE").execute(&pool).await.unwrap();
        pool.close().await;
    }
}

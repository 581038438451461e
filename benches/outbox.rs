//! `cargo bench --bench outbox`: what the dispatcher's claim costs when the outbox holds a long
//! history, on SQLite and PostgreSQL.
//!
//! Data: one tenant; HELPDESK_BENCH_OUTBOX_SENT (default 1,000,000) rows already sent, spread
//! over the same 200 ordering keys as the pending work (a card's history shares its key: the
//! worst case for a claim that walks a key's rows); then 1,000 pending actions queued through
//! the store as the desk queues them, 5 per card over 200 cards (post, thread reply, update,
//! reply, update). The sent rows' payload is a real reply's JSON.
//!
//! Measured: `claim_outbox` (as many keys as the dispatcher claims per round,
//! `RetryPolicy::default().batch`, or HELPDESK_BENCH_OUTBOX_KEYS; answers first) and
//! `next_pending_at`, each HELPDESK_BENCH_OUTBOX_ROUNDS times (default 500, so p99 is not
//! just the slowest), every claim at a time past the previous one's lease so each finds the same work; p50, p99
//! and max in milliseconds, printed beside the row counts. Goal: claim ≤ 5 ms.

mod common;

use common::env_or;
use helpdesk::clock::{Clock, SystemClock};
use helpdesk::domain::TenantId;
use helpdesk::schedule::RetryPolicy;
use helpdesk::store::{ConnectOptions, Store};
use helpdesk_chat::{ChatAction, Platform, RichMessage, ThreadRef};
use std::time::{Duration, Instant};

const KEYS: i64 = 200;
const PER_KEY: i64 = 5;
const GOAL: Duration = Duration::from_millis(5);

#[tokio::main]
async fn main() {
    let sent: i64 = env_or("HELPDESK_BENCH_OUTBOX_SENT", 1_000_000);
    let batch: i64 = env_or("HELPDESK_BENCH_OUTBOX_KEYS", RetryPolicy::default().batch);
    let rounds: usize = env_or("HELPDESK_BENCH_OUTBOX_ROUNDS", 500usize).max(1);
    println!(
        "helpdesk outbox claim benchmark: {sent} sent rows and {} pending over {KEYS} keys, \
         {batch} keys per claim",
        KEYS * PER_KEY
    );
    println!(
        "{:<9} {:>9} {:>8} {:>6} {:<16} {:>8} {:>8} {:>8} {:>7}",
        "backend", "sent", "pending", "keys", "query", "p50 ms", "p99 ms", "max ms", "items"
    );
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = dir.path().join("outbox.db").to_string_lossy().into_owned();
    run("sqlite", &file, sent, batch, rounds).await;
    if let Some(pg) = common::PgScratch::create("outbox").await {
        run("postgres", &pg.url, sent, batch, rounds).await;
        pg.drop().await;
    }
}

async fn run(backend: &str, url: &str, sent: i64, batch: i64, rounds: usize) {
    let store = Store::open(&ConnectOptions::new(url)).await.expect("open");
    let now = SystemClock.now();
    let tenant = {
        let mut tx = store.begin().await.expect("begin");
        let t = tx
            .ensure_tenant(Platform::new("slack"), "T1", "Bench", now)
            .await
            .expect("tenant");
        tx.commit().await.expect("commit");
        t
    };
    let seeded = Instant::now();
    seed_history(url, tenant, sent, now.timestamp_millis()).await;
    queue_pending(&store, tenant, now).await;
    settle(url).await;
    let seed_s = seeded.elapsed().as_secs_f64();
    let (pending, _dead) = store.outbox_counts().await.expect("counts");

    let mut claims = Vec::with_capacity(rounds);
    let mut items = 0;
    for i in 0..rounds {
        let at = now + chrono::Duration::seconds(61 * i as i64);
        let t = Instant::now();
        let claimed = store
            .claim_outbox(at, at + chrono::Duration::seconds(60), batch)
            .await
            .expect("claim");
        claims.push(t.elapsed());
        items = claimed.len();
    }
    let mut next = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        store.next_pending_at().await.expect("next");
        next.push(t.elapsed());
    }
    for (query, mut times, n) in [
        ("claim_outbox", claims, items),
        ("next_pending_at", next, 1),
    ] {
        times.sort();
        let ms =
            |p: f64| times[((times.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1e3;
        println!(
            "{backend:<9} {sent:>9} {pending:>8} {KEYS:>6} {query:<16} {:>8.2} {:>8.2} {:>8.2} {n:>7}",
            ms(0.5),
            ms(0.99),
            ms(1.0)
        );
        if query == "claim_outbox" {
            let verdict = if Duration::from_secs_f64(ms(0.99) / 1e3) <= GOAL {
                "met"
            } else {
                "NOT met"
            };
            println!("{backend:<9} goal claim p99 <= 5 ms: {verdict} (seeded in {seed_s:.1} s)");
        }
    }
    store.close().await;
}

/// The sent history, written in one statement (a benchmark's seed, not the desk's path).
async fn seed_history(url: &str, tenant: TenantId, sent: i64, at: i64) {
    let payload = serde_json::to_string(&ChatAction::Reply {
        channel: "CL1".into(),
        thread: ThreadRef::Message("card:1:CL1".into()),
        message: RichMessage::text("Mario: the printer on the 3rd floor is jammed again"),
    })
    .expect("payload");
    if url.starts_with("postgres") {
        let db = sqlx::PgPool::connect(url).await.expect("connect");
        sqlx::query(
            "INSERT INTO outbox (tenant_id, ordering_key, payload, state, attempts, \
             next_attempt_at, created_at, sent_at, lane) \
             SELECT $1, 'key:card:' || (i % $2)::text || ':CL1', $3, 'sent', 0, $4, $4, $4, \
             'normal' FROM generate_series(1, $5) AS i",
        )
        .bind(tenant.0)
        .bind(KEYS)
        .bind(&payload)
        .bind(at)
        .bind(sent)
        .execute(&db)
        .await
        .expect("seed");
        sqlx::query("ANALYZE outbox")
            .execute(&db)
            .await
            .expect("analyze");
        db.close().await;
    } else {
        let db = sqlx::SqlitePool::connect(&format!("sqlite://{url}"))
            .await
            .expect("connect");
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $5) \
             INSERT INTO outbox (tenant_id, ordering_key, payload, state, attempts, \
             next_attempt_at, created_at, sent_at, lane) \
             SELECT $1, 'key:card:' || (i % $2) || ':CL1', $3, 'sent', 0, $4, $4, $4, 'normal' \
             FROM n",
        )
        .bind(tenant.0)
        .bind(KEYS)
        .bind(&payload)
        .bind(at)
        .bind(sent)
        .execute(&db)
        .await
        .expect("seed");
        sqlx::query("ANALYZE").execute(&db).await.expect("analyze");
        db.close().await;
    }
}

/// Lets the database finish with the seed before anything is timed, as a long-lived desk's
/// history is: vacuumed, analysed and checkpointed. Without it the claims were timed beside
/// autovacuum and the checkpoint of a million fresh rows (half the CPU time waiting on disk).
async fn settle(url: &str) {
    if url.starts_with("postgres") {
        let db = sqlx::PgPool::connect(url).await.expect("connect");
        sqlx::query("VACUUM ANALYZE outbox")
            .execute(&db)
            .await
            .expect("vacuum");
        // Needs a superuser or pg_checkpoint; without it the figures include the flush.
        if let Err(e) = sqlx::query("CHECKPOINT").execute(&db).await {
            println!("postgres  no CHECKPOINT before timing ({e})");
        }
        db.close().await;
    } else {
        let db = sqlx::SqlitePool::connect(&format!("sqlite://{url}"))
            .await
            .expect("connect");
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&db)
            .await
            .expect("checkpoint");
        db.close().await;
    }
}

/// The pending work, queued through the store as the desk queues it.
async fn queue_pending(store: &Store, tenant: TenantId, now: helpdesk::domain::Timestamp) {
    let mut tx = store.begin().await.expect("begin");
    for card in 0..KEYS {
        let key = format!("card:{card}:CL1");
        let reply = |n: i64| ChatAction::Reply {
            channel: "CL1".into(),
            thread: ThreadRef::Message(key.clone()),
            message: RichMessage::text(format!("Mario: detail {n}")),
        };
        let update = |n: i64| ChatAction::Update {
            key: key.clone(),
            message: RichMessage::text(format!("card #{card}, version {n}")),
        };
        let post = ChatAction::Post {
            channel: "CL1".into(),
            message: RichMessage::text(format!("card #{card}")),
            key: Some(key.clone()),
        };
        for action in [post, reply(1), update(1), reply(2), update(2)] {
            tx.enqueue(tenant, None, &action, now)
                .await
                .expect("enqueue");
        }
    }
    tx.commit().await.expect("commit");
}

//! `cargo bench --bench store`: tickets created per second (each with 3 log entries, one
//! transaction per ticket) against the raw limit, one-row insert transactions per second through
//! sqlx on the same database, on SQLite and PostgreSQL.
//!
//! HELPDESK_BENCH_TICKETS sets the count (default 2000); HELPDESK_TEST_POSTGRES_URL the server.

mod common;

use common::RawInserts;
use helpdesk::domain::{
    Author, Grade, LogEntry, LogKind, NewTicket, Person, RequesterType, Source, TenantId, Title,
};
use helpdesk::store::{ConnectOptions, Store};
use helpdesk_chat::Platform;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let count: usize = std::env::var("HELPDESK_BENCH_TICKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    println!(
        "helpdesk store benchmark: {count} items per run, {} cores",
        num_cpus()
    );
    println!(
        "{:<9} {:<44} {:>7} {:>9} {:>10}",
        "backend", "workload", "tasks", "seconds", "per second"
    );

    let dir = tempfile::tempdir().expect("temporary folder");
    let sqlite_url = dir.path().join("bench.db").to_string_lossy().into_owned();
    bench_backend("sqlite", &sqlite_url, count).await;

    if let Some(pg) = common::PgScratch::create("store").await {
        bench_backend("postgres", &pg.url, count).await;
        pg.drop().await;
    }
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

async fn bench_backend(name: &str, url: &str, count: usize) {
    let mut options = ConnectOptions::new(url);
    options.max_connections = 8;
    let store = Store::open(&options).await.expect("open the store");
    let mut tx = store.begin().await.unwrap();
    let tenant = tx
        .ensure_tenant(Platform::MEMORY, "bench", "Bench", chrono::Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let raw = RawInserts::open(url).await;

    for tasks in [1usize, 8] {
        let tickets = time_tasks(tasks, count, {
            let store = store.clone();
            move |i| {
                let store = store.clone();
                async move { create_ticket(&store, tenant, i).await }
            }
        })
        .await;
        let inserts = time_tasks(tasks, count, {
            let raw = raw.clone();
            move |i| {
                let raw = raw.clone();
                // Each round inserts fresh ids.
                async move { raw.insert(tasks * 10_000_000 + i).await }
            }
        })
        .await;
        let per_ticket = count as f64 / tickets.as_secs_f64();
        let per_insert = count as f64 / inserts.as_secs_f64();
        row(
            name,
            "tickets created (+3 log entries each)",
            tasks,
            tickets,
            per_ticket,
        );
        row(
            name,
            "raw one-row insert transactions (sqlx)",
            tasks,
            inserts,
            per_insert,
        );
        println!(
            "{:<9} {:<44} {:>7} {:>9} {:>10.2}",
            name,
            "ratio tickets / raw inserts",
            tasks,
            "",
            per_ticket / per_insert
        );
    }
    store.close().await;
}

fn row(backend: &str, workload: &str, tasks: usize, took: Duration, per_second: f64) {
    println!(
        "{:<9} {:<44} {:>7} {:>9.2} {:>10.0}",
        backend,
        workload,
        tasks,
        took.as_secs_f64(),
        per_second
    );
}

/// Runs `count` jobs spread over `tasks` concurrent tasks and returns the wall time.
async fn time_tasks<F, Fut>(tasks: usize, count: usize, job: F) -> Duration
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let started = Instant::now();
    let mut handles = Vec::new();
    for t in 0..tasks {
        let job = job.clone();
        handles.push(tokio::spawn(async move {
            for i in (t..count).step_by(tasks) {
                job(i).await;
            }
        }));
    }
    for h in handles {
        h.await.expect("bench task");
    }
    started.elapsed()
}

async fn create_ticket(store: &Store, tenant: TenantId, i: usize) {
    let now = chrono::Utc::now();
    let requester = Person::new(format!("U{i}"), "Bench User");
    let new = NewTicket {
        tenant,
        requester: requester.clone(),
        requester_type: RequesterType::Employee,
        title: Title::parse(&format!("Cannot reach the VPN from site {i}")).unwrap(),
        description: "Since this morning the VPN client times out.".into(),
        category: Some("network".into()),
        urgency: Grade::Medium,
        impact: Grade::Medium,
        source: Source {
            channel: "C-help".into(),
            thread: Some(format!("{i}.000")),
        },
    };
    let mut tx = store.begin().await.unwrap();
    let ticket = tx.create_ticket(new, now).await.unwrap();
    let entries = [
        LogKind::RequesterMessage {
            text: ticket.description.clone(),
        },
        LogKind::KbSuggestionShown {
            articles: vec!["vpn-timeouts".into()],
        },
        LogKind::RequesterMessage {
            text: "Still failing after a restart.".into(),
        },
    ];
    for kind in entries {
        let entry = LogEntry {
            at: now,
            author: Author::Person(requester.clone()),
            kind,
        };
        tx.append_log(ticket.id, &entry).await.unwrap();
    }
    tx.commit().await.unwrap();
}

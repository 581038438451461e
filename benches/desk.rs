//! `cargo bench --bench desk`: events per second through the whole desk on the in-memory
//! platform, with the latency from "event in" to "committed", on SQLite and PostgreSQL.
//!
//! The mix is fixed and deterministic (no randomness between runs): of every 10 events, 2 open
//! a new ticket (a top-level message in the intake channel `help`), 7 are requester replies in
//! the thread of an existing ticket, and 1 is a "Claim" click by an L1 agent on an existing
//! ticket (a second claim of the same ticket is answered with an ephemeral "already yours":
//! still a whole event, read, decided and committed). Before measuring, a warm-up opens the
//! tickets the replies and clicks go to.
//!
//! The desk is driven directly ([`Desk::handle`]), with the example tenant and the system
//! clock, and no dispatcher: the outbox rows (what the bot will say) are written in the same
//! transaction as the ticket change, so "committed" already includes them; sending them to the
//! platform happens afterwards and is not part of an event's latency.
//!
//! Measured per backend:
//! 1. open loop: event `i` is due at `start + i / rate` and handed to the desk in its own task
//!    at that moment, whether or not the earlier ones are done; its latency runs from when it
//!    was due to when its transaction committed, so any queueing counts. Achieved rate, p50,
//!    p90, p99 and max latency are printed, for all events and per kind, and how late the
//!    generator itself handed events in (tokio's timer ticks in whole milliseconds: up to
//!    ~1 ms of every latency is that, not the desk).
//! 2. closed loop: 1 and 8 tasks push events as fast as they can (maximum throughput; the
//!    latencies there are per event, without queueing for a task).
//! 3. the raw limit, as in `benches/store.rs`: one-row insert transactions per second through
//!    sqlx on the same database (1 and 8 tasks), and the ratio desk events / raw inserts with
//!    the same number of tasks, both measured in this run.
//!
//! 0. before all of them, the statements each kind of event sends: events of each kind handled
//!    one at a time, each counted with [`count_statements`] (queries apart from BEGIN and
//!    COMMIT): a new ticket (by a requester under the limits), a new ticket refused (the
//!    requester already has the most open tickets), a requester reply in the ticket's
//!    thread, a first claim click, and a claim click on a ticket already claimed by the clicker.
//!
//! Finally a line says whether the goal is met: p99 < 10 ms at 500 events/s on SQLite.
//!
//! Each event runs on its own task of the multi-thread runtime, as an adapter would run it.
//!
//! Environment:
//! - `HELPDESK_BENCH_RATE`: the open loop's offered rate in events/s (default 500);
//! - `HELPDESK_BENCH_EVENTS`: events per measurement (default 5000);
//! - `HELPDESK_BENCH_WARMUP`: tickets opened before measuring (default 200);
//! - `HELPDESK_BENCH_COUNT_ONLY`: `1` counts the statements per event (part 0) and stops
//!   there (a short run: a debug build does, e.g. `cargo test --bench desk`);
//! - `HELPDESK_TEST_POSTGRES_URL`: the PostgreSQL server (default
//!   `postgres://postgres@127.0.0.1:5432/test`); a fresh schema is created and dropped. When
//!   the server does not answer, PostgreSQL is skipped with a printed line.

mod common;

use common::{env_or, RawInserts};
use helpdesk::clock::SystemClock;
use helpdesk::desk::{Desk, Handled};
use helpdesk::domain::TenantId;
use helpdesk::sandbox::{example_tenant, person, TENANT};
use helpdesk::store::{count_statements, ConnectOptions, Statements, Store};
use helpdesk_chat::{ChatEvent, EventKind, Platform, Sender};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The goal: p99 under this at `GOAL_RATE` events/s on SQLite.
const GOAL_P99: Duration = Duration::from_millis(10);
const GOAL_RATE: f64 = 500.0;
/// The closed loop's task counts (the raw insert measure uses the same).
const TASKS: [usize; 2] = [1, 8];
/// How many different people open tickets.
const REQUESTERS: usize = 100;
/// How many events of each kind the statement count handles.
const COUNTED_EACH: usize = 10;

#[derive(Clone, Copy)]
struct Settings {
    rate: f64,
    events: usize,
    warmup: usize,
    /// Count the statements per event and measure nothing else.
    count_only: bool,
}

#[tokio::main]
async fn main() {
    let settings = Settings {
        rate: env_or("HELPDESK_BENCH_RATE", GOAL_RATE).max(1.0),
        events: env_or("HELPDESK_BENCH_EVENTS", 5000usize).max(1),
        warmup: env_or("HELPDESK_BENCH_WARMUP", 200usize).max(COUNTED_EACH),
        count_only: env_or("HELPDESK_BENCH_COUNT_ONLY", 0u8) == 1,
    };
    println!(
        "helpdesk desk benchmark: {} events per run, {} warm-up tickets, offered rate {:.0}/s, \
         {} cores",
        settings.events,
        settings.warmup,
        settings.rate,
        num_cpus()
    );
    println!("mix per 10 events: 2 new tickets, 7 requester replies in a thread, 1 claim click");
    println!("latency: from the event's due time to its transaction committed (outbox included)");

    let dir = tempfile::tempdir().expect("temporary folder");
    let sqlite_url = dir.path().join("bench.db").to_string_lossy().into_owned();
    let sqlite = bench_backend("sqlite", &sqlite_url, settings).await;

    if let Some(pg) = common::PgScratch::create("desk").await {
        bench_backend("postgres", &pg.url, settings).await;
        pg.drop().await;
    }

    println!();
    if settings.count_only {
        println!("HELPDESK_BENCH_COUNT_ONLY=1: statements counted, nothing timed");
        return;
    }
    let met = sqlite.p99 < GOAL_P99 && sqlite.errors == 0 && sqlite.kept_up(settings.rate);
    let at_goal_rate = (settings.rate - GOAL_RATE).abs() < 0.5;
    println!(
        "goal (SQLite p99 < {} ms at {GOAL_RATE:.0} events/s): {}: p99 {} ms at {:.0} offered, \
         {:.0} achieved events/s{}",
        GOAL_P99.as_millis(),
        match (met, at_goal_rate) {
            (true, true) => "MET",
            (false, true) => "NOT MET",
            (_, false) => "not measured (offered rate differs)",
        },
        ms(sqlite.p99),
        settings.rate,
        sqlite.per_second,
        if sqlite.errors > 0 {
            format!(", {} events failed", sqlite.errors)
        } else {
            String::new()
        }
    );
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs every measurement on one backend; returns the open loop's figures.
async fn bench_backend(name: &str, url: &str, settings: Settings) -> Stats {
    let mut options = ConnectOptions::new(url);
    options.max_connections = 8;
    let store = Store::open(&options).await.expect("open the store");
    let desk = Arc::new(Desk::new(
        store.clone(),
        vec![example_tenant()],
        Arc::new(SystemClock),
    ));
    let workload = Arc::new(Workload::warm_up(&desk, settings.warmup).await);
    count_per_kind(name, &desk, &workload).await;
    if settings.count_only {
        store.close().await;
        return Stats::default();
    }
    header();

    let OpenLoop { all, by_kind, late } = open_loop(&desk, &workload, settings).await;
    let open = all;
    row(
        name,
        &format!("desk, open loop at {:.0}/s", settings.rate),
        "-",
        &open,
    );
    for (label, stats) in ["new tickets", "thread replies", "claim clicks"]
        .iter()
        .zip(&by_kind)
    {
        row(name, &format!("  of which {label}"), "-", stats);
    }
    row(name, "  generator lateness (included above)", "-", &late);

    let mut desk_rates = Vec::new();
    for tasks in TASKS {
        let closed = closed_loop(&desk, &workload, tasks, settings.events).await;
        row(
            name,
            "desk, closed loop (max throughput)",
            &tasks.to_string(),
            &closed,
        );
        desk_rates.push(closed.per_second);
    }

    let raw = RawInserts::open(url).await;
    for (tasks, desk_rate) in TASKS.into_iter().zip(desk_rates) {
        let took = time_tasks(tasks, settings.events, {
            let raw = raw.clone();
            move |i| {
                let raw = raw.clone();
                // Each round inserts fresh ids.
                async move { raw.insert(tasks * 10_000_000 + i).await }
            }
        })
        .await;
        let per_insert = settings.events as f64 / took.as_secs_f64();
        let stats = Stats {
            count: settings.events,
            took,
            per_second: per_insert,
            ..Stats::default()
        };
        row(
            name,
            "raw one-row insert transactions (sqlx)",
            &tasks.to_string(),
            &stats,
        );
        println!(
            "{:<9} {:<40} {:>5} {:>6} {:>7} {:>9.3}",
            name,
            "ratio desk events / raw inserts",
            tasks,
            "",
            "",
            desk_rate / per_insert
        );
    }
    // What the events wrote: shows they did the desk's real work, not early refusals.
    let counted = raw.counts().await;
    println!(
        "{name:<9} written: {} tickets ({} claimed), {} log entries, {} outbox rows, {} timers, \
         {} events",
        counted[0], counted[1], counted[2], counted[3], counted[4], counted[5]
    );
    raw.close().await;
    store.close().await;
    open
}

/// Handles `events` one at a time and prints the statements each sent: the mean, least and
/// most queries, and the BEGINs and COMMITs per event.
async fn count_kind(backend: &str, label: &str, desk: &Desk, events: Vec<ChatEvent>) {
    let mut counts: Vec<Statements> = Vec::with_capacity(events.len());
    for e in &events {
        let (handled, n) = count_statements(desk.handle(e)).await;
        assert_eq!(handled.expect("counted event"), Handled::Done, "{label}");
        counts.push(n);
    }
    let per =
        |f: fn(&Statements) -> u64| counts.iter().map(f).sum::<u64>() as f64 / counts.len() as f64;
    let queries = counts.iter().map(|n| n.queries);
    println!(
        "{backend:<9} {label:<40} {:>6} {:>8.2} {:>5} {:>5} {:>7.2} {:>7.2}",
        counts.len(),
        per(|n| n.queries),
        queries.clone().min().unwrap_or(0),
        queries.max().unwrap_or(0),
        per(|n| n.begins),
        per(|n| n.commits),
    );
}

/// Part 0: the statements per event of each kind the mix drives, on fresh tickets and people
/// (so that a new ticket is not refused by the requester limits, and a first claim is one).
async fn count_per_kind(backend: &str, desk: &Desk, workload: &Workload) {
    println!(
        "{:<9} {:<40} {:>6} {:>8} {:>5} {:>5} {:>7} {:>7}",
        "backend", "statements per event", "events", "queries", "min", "max", "BEGIN", "COMMIT"
    );
    let fresh = |n: usize| person(&format!("U-count{n}"), &format!("Counted {n}"), &[]);
    let opened = (0..COUNTED_EACH)
        .map(|i| {
            new_ticket(
                format!("count-new-{i}"),
                format!("count-m{i}"),
                &fresh(i),
                i,
            )
        })
        .collect();
    count_kind(backend, "new ticket", desk, opened).await;
    // A requester at the most open tickets: each further message is refused and told why.
    let busy = fresh(COUNTED_EACH);
    let limit = example_tenant().limits.open_tickets_per_requester as usize;
    for i in 0..limit {
        let e = new_ticket(format!("count-busy-{i}"), format!("count-bm{i}"), &busy, i);
        desk.handle(&e).await.expect("a busy requester's ticket");
    }
    let refused = (0..COUNTED_EACH)
        .map(|i| {
            new_ticket(
                format!("count-refused-{i}"),
                format!("count-rm{i}"),
                &busy,
                i,
            )
        })
        .collect();
    count_kind(
        backend,
        "new ticket, refused (requester limit)",
        desk,
        refused,
    )
    .await;
    let targets = &workload.targets[..COUNTED_EACH];
    let replies = targets
        .iter()
        .enumerate()
        .map(|(i, t)| workload.reply(format!("count-reply-{i}"), format!("count-rp{i}"), t, i))
        .collect();
    count_kind(backend, "requester reply", desk, replies).await;
    for (label, run) in [
        ("claim click", "count-claim"),
        ("claim click, already claimed", "count-reclaim"),
    ] {
        let clicks = targets
            .iter()
            .enumerate()
            .map(|(i, t)| workload.claim(format!("{run}-{i}"), t))
            .collect();
        count_kind(backend, label, desk, clicks).await;
    }
}

/// The tickets the replies and clicks go to, and who may write in their threads.
struct Target {
    message_id: String,
    ticket: i64,
    requester: Sender,
}

struct Workload {
    targets: Vec<Target>,
    agent: Sender,
}

/// What the `i`th event of a run is: 2 in 10 new tickets, 1 in 10 claims, the rest replies,
/// spread out rather than in runs.
#[derive(Clone, Copy)]
enum Kind {
    NewTicket = 0,
    Reply = 1,
    Claim = 2,
}

fn kind(i: usize) -> Kind {
    match i % 10 {
        0 | 5 => Kind::NewTicket,
        7 => Kind::Claim,
        _ => Kind::Reply,
    }
}

/// A deterministic spread of the indices over the targets (splitmix64).
fn mix(i: usize) -> u64 {
    let mut z = (i as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn requester(i: usize) -> Sender {
    let n = i % REQUESTERS;
    person(&format!("U-req{n}"), &format!("Requester {n}"), &[])
}

fn event(
    event_id: String,
    sender: &Sender,
    channel: &str,
    thread: Option<&str>,
    kind: EventKind,
) -> ChatEvent {
    ChatEvent {
        platform: Platform::MEMORY,
        event_id,
        tenant: TENANT.into(),
        sender: sender.clone(),
        channel: channel.into(),
        thread: thread.map(String::from),
        kind,
    }
}

fn new_ticket(event_id: String, message_id: String, who: &Sender, i: usize) -> ChatEvent {
    let text = format!(
        "The printer on floor {} jams on every page since Monday",
        i % 40
    );
    event(
        event_id,
        who,
        "help",
        None,
        EventKind::Message {
            text,
            message_id,
            direct: false,
            mentions_bot: false,
            attachments: Vec::new(),
        },
    )
}

impl Workload {
    /// Opens `count` tickets one by one and remembers their threads and ids.
    async fn warm_up(desk: &Desk, count: usize) -> Workload {
        for i in 0..count {
            let e = new_ticket(format!("warm-{i}"), format!("warm-m{i}"), &requester(i), i);
            assert_eq!(desk.handle(&e).await.expect("warm-up"), Handled::Done);
        }
        let tenant: TenantId = desk.store().tenants().await.expect("tenants")[0].id;
        let mut targets = Vec::with_capacity(count);
        for i in 0..count {
            let message_id = format!("warm-m{i}");
            let ticket = desk
                .store()
                .ticket_by_thread(tenant, "help", &message_id)
                .await
                .expect("read the ticket")
                .expect("the warm-up ticket exists");
            targets.push(Target {
                message_id,
                ticket: ticket.id.0,
                requester: requester(i),
            });
        }
        Workload {
            targets,
            agent: person("U-agent", "Ada Agent", &["l1-agents"]),
        }
    }

    /// The `i`th event of the run named `run` (event and message ids are unique per run).
    fn event(&self, run: &str, i: usize) -> ChatEvent {
        let id = format!("{run}-{i}");
        let target = &self.targets[(mix(i) % self.targets.len() as u64) as usize];
        match kind(i) {
            Kind::NewTicket => new_ticket(id, format!("{run}-m{i}"), &requester(i), i),
            Kind::Reply => self.reply(id, format!("{run}-m{i}"), target, i),
            Kind::Claim => self.claim(id, target),
        }
    }

    /// The target's requester writes in its thread.
    fn reply(&self, event_id: String, message_id: String, target: &Target, i: usize) -> ChatEvent {
        event(
            event_id,
            &target.requester,
            "help",
            Some(&target.message_id),
            EventKind::Message {
                text: format!("Still jamming after a restart ({i})"),
                message_id,
                direct: false,
                mentions_bot: false,
                attachments: Vec::new(),
            },
        )
    }

    /// The L1 agent clicks "Claim" on the target's card.
    fn claim(&self, event_id: String, target: &Target) -> ChatEvent {
        event(
            event_id,
            &self.agent,
            "support-l1",
            None,
            EventKind::Action {
                id: "ticket.claim".into(),
                value: target.ticket.to_string(),
                message_id: None,
                trigger: None,
            },
        )
    }
}

/// One measurement's figures (latencies are zero where they were not measured).
#[derive(Default, Clone, Copy)]
struct Stats {
    count: usize,
    errors: usize,
    took: Duration,
    per_second: f64,
    p50: Duration,
    p90: Duration,
    p99: Duration,
    max: Duration,
}

impl Stats {
    fn of(mut latencies: Vec<Duration>, errors: usize, took: Duration) -> Stats {
        if latencies.is_empty() {
            return Stats {
                errors,
                took,
                ..Stats::default()
            };
        }
        latencies.sort_unstable();
        // Nearest rank.
        let at = |p: f64| {
            let rank = ((p * latencies.len() as f64).ceil() as usize).clamp(1, latencies.len());
            latencies[rank - 1]
        };
        let count = latencies.len();
        Stats {
            count,
            errors,
            took,
            per_second: count as f64 / took.as_secs_f64(),
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            max: at(1.0),
        }
    }

    /// The desk kept up with the offered rate (within 2 %).
    fn kept_up(&self, rate: f64) -> bool {
        self.per_second >= rate * 0.98
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn header() {
    println!(
        "{:<9} {:<40} {:>5} {:>6} {:>7} {:>9} {:>8} {:>8} {:>8} {:>8}",
        "backend",
        "workload",
        "tasks",
        "events",
        "seconds",
        "per sec",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms"
    );
}

fn row(backend: &str, workload: &str, tasks: &str, s: &Stats) {
    let lat = |d: Duration| if s.max.is_zero() { "-".into() } else { ms(d) };
    println!(
        "{:<9} {:<40} {:>5} {:>6} {:>7.2} {:>9.0} {:>8} {:>8} {:>8} {:>8}{}",
        backend,
        workload,
        tasks,
        s.count,
        s.took.as_secs_f64(),
        s.per_second,
        lat(s.p50),
        lat(s.p90),
        lat(s.p99),
        lat(s.max),
        if s.errors > 0 {
            format!("  ({} failed)", s.errors)
        } else {
            String::new()
        }
    );
}

/// The open loop's figures: all events, each kind, and how late the generator handed events
/// in (tokio's timer has a 1 ms resolution; this lateness is part of the latencies).
struct OpenLoop {
    all: Stats,
    by_kind: [Stats; 3],
    late: Stats,
}

/// Hands event `i` to the desk at `start + i / rate`, each in its own task, and measures from
/// that due time to commit. The run's duration ends when the last event committed.
async fn open_loop(desk: &Arc<Desk>, workload: &Arc<Workload>, settings: Settings) -> OpenLoop {
    let period = Duration::from_secs_f64(1.0 / settings.rate);
    // A short head start so that the first events are not late because of the set-up.
    let start = tokio::time::Instant::now() + Duration::from_millis(20);
    let mut handles = Vec::with_capacity(settings.events);
    for i in 0..settings.events {
        let due = start + period.mul_f64(i as f64);
        tokio::time::sleep_until(due).await;
        let desk = desk.clone();
        let workload = workload.clone();
        handles.push(tokio::spawn(async move {
            let began = tokio::time::Instant::now();
            let event = workload.event("open", i);
            let result = desk.handle(&event).await;
            let done = tokio::time::Instant::now();
            (began - due, done - due, done, result.is_ok())
        }));
    }
    let mut latencies = Vec::with_capacity(settings.events);
    let mut by_kind: [Vec<Duration>; 3] = Default::default();
    let mut lateness = Vec::with_capacity(settings.events);
    let mut errors = 0;
    let mut last = start;
    for (i, h) in handles.into_iter().enumerate() {
        let (late, latency, done, ok) = h.await.expect("event task");
        lateness.push(late);
        if ok {
            latencies.push(latency);
            by_kind[kind(i) as usize].push(latency);
        } else {
            errors += 1;
        }
        last = last.max(done);
    }
    let took = last - start;
    OpenLoop {
        all: Stats::of(latencies, errors, took),
        by_kind: by_kind.map(|l| Stats::of(l, 0, took)),
        late: Stats::of(lateness, 0, took),
    }
}

/// `tasks` tasks each take the next event and hand it to the desk, as fast as they can.
async fn closed_loop(
    desk: &Arc<Desk>,
    workload: &Arc<Workload>,
    tasks: usize,
    events: usize,
) -> Stats {
    let run = format!("closed{tasks}");
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let (desk, workload, next, run) =
            (desk.clone(), workload.clone(), next.clone(), run.clone());
        handles.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= events {
                    return (latencies, errors);
                }
                let event = workload.event(&run, i);
                let began = Instant::now();
                match desk.handle(&event).await {
                    Ok(_) => latencies.push(began.elapsed()),
                    Err(_) => errors += 1,
                }
            }
        }));
    }
    let mut latencies = Vec::with_capacity(events);
    let mut errors = 0;
    for h in handles {
        let (l, e) = h.await.expect("bench task");
        latencies.extend(l);
        errors += e;
    }
    Stats::of(latencies, errors, started.elapsed())
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

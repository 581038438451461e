//! Load benchmark: the `helpdesk` binary under signed Slack HTTP traffic from a fake Slack on
//! 127.0.0.1 — what an operator sizes a deployment with.
//!
//! Prints, for SQLite and PostgreSQL (1 and 3 replicas): acknowledgement latency p50/p99 at a
//! steady 200 requests/s (open loop, measured from each request's scheduled time), and the
//! sustained events/s with 16 concurrent senders (closed loop) with its p99; time from start
//! to ready and RSS, idle and with 100,000 tickets and 100,000 articles.
//!
//! Workload: 20 % new tickets in an intake channel, 80 % replies in their threads, every
//! request signed and verified. The Discord row: signed `/ticket new` and `/ticket list`
//! interactions in turn, latency until the interaction's answer (the deferral once the desk
//! has committed the ticket; the private list itself). Run: `cargo bench --bench load`. Knobs:
//! HELPDESK_BENCH_LOAD_SECONDS (10), HELPDESK_BENCH_LOAD_SEED (100000),
//! HELPDESK_BENCH_LOAD_ONLY (every scenario).
//!
//! Under each row, delivery: the chat actions the fake platform received during the closed
//! loop (writes only, not reads such as `users.info`) per second, against what the accepted
//! events need (events/s × actions per event, counted once the outbox drained); the backlog
//! left at the phase's end and how long it took to drain; and events per CPU-second of the bot
//! processes (user + system time from /proc over the closed loop).

// The tests' bot launcher and fake Slack, shared; the bench uses part of them.
#[allow(dead_code)]
#[path = "../tests/it/common/bot.rs"]
mod bot;
mod common;
#[allow(dead_code)]
#[path = "../tests/it/common/fake_discord.rs"]
mod fake_discord;
#[allow(dead_code)]
#[path = "../tests/it/common/fake_slack.rs"]
mod fake_slack;

use bot::Bot;
use common::{env_or, PgScratch};
use ed25519_dalek::{Signer, SigningKey};
use fake_discord::FakeDiscord;
use fake_slack::{try_post, FakeSlack};
use helpdesk::domain::{Grade, NewTicket, Person, RequesterType, Source, Title};
use helpdesk::kb::{ArticleDraft, ArticleSource, KbLanguage};
use helpdesk::store::{ConnectOptions, Store};
use helpdesk_chat::Platform;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SECRET: &str = "load-secret";
const TENANT: &str = "[[tenants]]\nplatform = \"slack\"\nid = \"T1\"\n\
    intake_channels = [\"CHELP\"]\n[tenants.levels.l1]\nchannel = \"CL1\"\n";

/// Which endpoint the load goes to.
#[derive(Clone, Copy, PartialEq)]
enum Endpoint {
    /// `/slack/events`: messages, signed with the signing secret.
    Slack,
    /// `/discord/interactions`: slash commands, signed with Ed25519.
    Discord,
}

/// Builds the next event: a new ticket one time in five, else a reply in an earlier thread
/// (Slack); `/ticket new` and `/ticket list` in turn (Discord: a ticket, and a private answer).
struct Workload {
    n: AtomicUsize,
    threads: Mutex<Vec<String>>,
    endpoint: Endpoint,
}

/// The key the Discord load is signed with (its public half configures the bot).
fn discord_key() -> SigningKey {
    SigningKey::from_bytes(&[5; 32])
}

const DISCORD_GUILD: &str = "1200000000000000001";
const DISCORD_CHANNELS: [&str; 2] = ["1200000000000000002", "1200000000000000003"];

impl Workload {
    fn new(endpoint: Endpoint) -> Self {
        Workload {
            n: AtomicUsize::new(0),
            threads: Mutex::new(Vec::new()),
            endpoint,
        }
    }

    /// A signed `/ticket` interaction: its body and headers.
    fn interaction(&self) -> (String, Vec<(&'static str, String)>) {
        let n = self.n.fetch_add(1, Ordering::SeqCst);
        let sub = if n % 2 == 0 {
            json!({ "type": 1, "name": "new", "options": [
                { "type": 3, "name": "title", "value": format!("load ticket {n}") }
            ] })
        } else {
            json!({ "type": 1, "name": "list", "options": [] })
        };
        let user = format!("{}", 1_300_000_000_000_000_000u64 + (n % 500) as u64);
        let body = json!({
            "id": format!("{}", 1_400_000_000_000_000_000u64 + n as u64), "application_id": "1",
            "type": 2, "token": format!("token-{n}"), "version": 1, "guild_id": DISCORD_GUILD,
            "channel_id": DISCORD_CHANNELS[0], "channel": { "id": DISCORD_CHANNELS[0], "type": 0 },
            "member": { "user": { "id": user, "username": "load" }, "roles": [] },
            "data": { "id": "1", "type": 1, "name": "ticket", "options": [sub] },
        })
        .to_string();
        let ts = chrono::Utc::now().timestamp().to_string();
        let signature: String = discord_key()
            .sign(&[ts.as_bytes(), body.as_bytes()].concat())
            .to_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let headers = vec![
            ("X-Signature-Ed25519", signature),
            ("X-Signature-Timestamp", ts),
        ];
        (body, headers)
    }

    /// Whether the next interaction is a `/ticket list` (answered privately, nothing else).
    fn next_is_list(&self) -> bool {
        self.n.load(Ordering::SeqCst) % 2 == 1
    }

    fn next(&self) -> (String, Option<String>) {
        let n = self.n.fetch_add(1, Ordering::SeqCst);
        let ts = format!("{}.{:06}", 1_800_000_000 + n / 1_000_000, n % 1_000_000);
        let thread = {
            let threads = self.threads.lock().unwrap();
            (n % 5 != 0 && !threads.is_empty()).then(|| threads[n % threads.len()].clone())
        };
        let mut event = json!({
            "type": "message", "channel": "CHELP", "user": format!("U{}", n % 500),
            "text": format!("load message {n}"), "ts": ts, "event_ts": ts, "channel_type": "channel",
        });
        if let Some(t) = &thread {
            event["thread_ts"] = json!(t);
        }
        let body = json!({
            "token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
            "event_id": format!("Ev-load-{n}"), "event_time": 1_800_000_000, "event": event,
        })
        .to_string();
        (body, thread.is_none().then_some(ts))
    }

    fn opened(&self, ts: String) {
        self.threads.lock().unwrap().push(ts);
    }
}

/// One signed delivery; its latency, or `None` when it was not acknowledged.
async fn deliver(addr: SocketAddr, work: &Workload) -> Option<Duration> {
    if work.endpoint == Endpoint::Discord {
        let (body, headers) = work.interaction();
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let started = Instant::now();
        let sent = try_post(
            addr,
            "/discord/interactions",
            "application/json",
            &headers,
            &body,
        )
        .await;
        return matches!(sent, Ok((200, _))).then(|| started.elapsed());
    }
    let (body, opens) = work.next();
    let now = chrono::Utc::now().timestamp().to_string();
    let signature = helpdesk_slack::signature::sign(SECRET, &now, body.as_bytes());
    let headers = [
        ("X-Slack-Request-Timestamp", now.as_str()),
        ("X-Slack-Signature", signature.as_str()),
    ];
    let started = Instant::now();
    let sent = try_post(addr, "/slack/events", "application/json", &headers, &body).await;
    let took = started.elapsed();
    match sent {
        Ok((200, _)) => {
            if let Some(ts) = opens {
                work.opened(ts);
            }
            Some(took)
        }
        _ => None,
    }
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// A steady rate for `seconds`: latency counted from each request's scheduled time.
async fn open_loop(
    addrs: &[SocketAddr],
    work: &Arc<Workload>,
    rate: u64,
    seconds: u64,
) -> (f64, f64, usize) {
    let start = tokio::time::Instant::now();
    let every = Duration::from_secs_f64(1.0 / rate as f64);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..rate * seconds {
        let due = start + every * i as u32;
        tokio::time::sleep_until(due).await;
        let (addr, work) = (addrs[i as usize % addrs.len()], work.clone());
        tasks.spawn(async move { deliver(addr, &work).await.map(|_| due.elapsed()) });
    }
    let mut lat = Vec::new();
    let mut failed = 0;
    while let Some(r) = tasks.join_next().await {
        match r.unwrap() {
            Some(d) => lat.push(d),
            None => failed += 1,
        }
    }
    lat.sort();
    (pct(&lat, 0.5), pct(&lat, 0.99), failed)
}

/// As fast as `senders` connections go for `seconds`: events/s and p99.
async fn closed_loop(
    addrs: &[SocketAddr],
    work: &Arc<Workload>,
    senders: usize,
    seconds: u64,
) -> (f64, f64, usize) {
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for s in 0..senders {
        let (addr, work) = (addrs[s % addrs.len()], work.clone());
        tasks.spawn(async move {
            let mut lat = Vec::new();
            while Instant::now() < until {
                if let Some(d) = deliver(addr, &work).await {
                    lat.push(d);
                }
            }
            lat
        });
    }
    let mut lat = Vec::new();
    while let Some(r) = tasks.join_next().await {
        lat.extend(r.unwrap());
    }
    lat.sort();
    (
        lat.len() as f64 / started.elapsed().as_secs_f64(),
        pct(&lat, 0.99),
        lat.len(),
    )
}

fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kib| kib.parse::<f64>().ok())
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn environment(fake: &FakeSlack) -> Vec<(&'static str, String)> {
    vec![
        ("HELPDESK_SLACK_API_URL", fake.api_url.clone()),
        ("HELPDESK_SLACK_BOT_TOKEN", "xoxb-load".to_string()),
        ("HELPDESK_SLACK_SIGNING_SECRET", SECRET.to_string()),
        ("HELPDESK_SLACK_MESSAGE_INTERVAL", "0s".to_string()),
        // Quiet, but the start-up line the launcher waits for is kept.
        ("RUST_LOG", "warn,helpdesk_engine::app=info".to_string()),
    ]
}

async fn start(database: &str, env: &[(&str, String)]) -> (Bot, Duration) {
    start_with(database, env, Endpoint::Slack).await
}

async fn start_with(database: &str, env: &[(&str, String)], endpoint: Endpoint) -> (Bot, Duration) {
    let tenant = match endpoint {
        Endpoint::Slack => TENANT.to_string(),
        Endpoint::Discord => format!(
            "[[tenants]]\nplatform = \"discord\"\nid = \"{DISCORD_GUILD}\"\n\
             [tenants.levels.l1]\nchannel = \"{}\"\n",
            DISCORD_CHANNELS[1]
        ),
    };
    let started = Instant::now();
    let bot = Bot::start(&tenant, Some(database), env).await;
    (bot, started.elapsed())
}

async fn scenario(name: &str, database: &str, replicas: usize, seconds: u64) {
    let fake = Arc::new(FakeSlack::start(&[], &[]).await);
    let env = environment(&fake);
    let counted = fake.clone();
    let delivered: Delivered = Arc::new(move || {
        counted
            .calls()
            .iter()
            .filter(|c| slack_writes(&c.method))
            .count()
    });
    run_scenario(
        name,
        database,
        replicas,
        seconds,
        &env,
        Endpoint::Slack,
        delivered,
    )
    .await;
}

/// Counts the chat actions a fake platform has received so far.
type Delivered = Arc<dyn Fn() -> usize + Send + Sync>;

/// A Web API method that performs a chat action (not a read such as `users.info`).
fn slack_writes(method: &str) -> bool {
    method.starts_with("chat.")
        || method.starts_with("views.")
        || method.starts_with("reactions.")
        || matches!(
            method,
            "conversations.invite" | "conversations.kick" | "conversations.archive"
        )
}

/// The Discord endpoint: the bot on SQLite against a fake Discord (REST and gateway).
async fn discord_scenario(database: &str, seconds: u64) {
    let mut channels = DISCORD_CHANNELS.to_vec();
    channels.push(DISCORD_GUILD);
    let fake = Arc::new(FakeDiscord::start("1", &channels).await);
    let public: String = discord_key()
        .verifying_key()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let env = vec![
        ("HELPDESK_DISCORD_API_URL", fake.api_url.clone()),
        ("HELPDESK_DISCORD_TOKEN", "MQ.load.token".to_string()),
        ("HELPDESK_DISCORD_PUBLIC_KEY", public),
        ("RUST_LOG", "warn,helpdesk_engine::app=info".to_string()),
    ];
    let counted = fake.clone();
    // Every REST call but a read is a chat action (interaction answers included).
    let delivered: Delivered =
        Arc::new(move || counted.calls().iter().filter(|c| c.method != "GET").count());
    run_scenario(
        "sqlite, discord",
        database,
        1,
        seconds,
        &env,
        Endpoint::Discord,
        delivered,
    )
    .await;
}

async fn run_scenario(
    name: &str,
    database: &str,
    replicas: usize,
    seconds: u64,
    env: &[(&str, String)],
    endpoint: Endpoint,
    delivered: Delivered,
) {
    let mut bots = Vec::new();
    let mut ready = Duration::ZERO;
    for _ in 0..replicas {
        let (bot, took) = start_with(database, env, endpoint).await;
        ready = ready.max(took);
        bots.push(bot);
    }
    let idle = rss_mib(bots[0].pid());
    let addrs: Vec<SocketAddr> = bots.iter().map(|b| b.addr).collect();
    let work = Arc::new(Workload::new(endpoint));
    if endpoint == Endpoint::Discord {
        answer_probe(addrs[0], &work).await;
    }
    let (p50, p99, failed) = open_loop(&addrs, &work, 200, seconds).await;
    let store = Store::open(&ConnectOptions::new(database)).await.unwrap();
    // Start the closed loop on an empty outbox, so its delivery is its own.
    let _ = drained(&store).await;
    let cpu_before: f64 = bots.iter().map(|b| cpu_seconds(b.pid())).sum();
    let sent_before = delivered();
    let (rate, closed_p99, events) = closed_loop(&addrs, &work, 16, seconds).await;
    let sent_in_phase = delivered() - sent_before;
    let cpu = bots.iter().map(|b| cpu_seconds(b.pid())).sum::<f64>() - cpu_before;
    let (backlog, _) = store.outbox_counts().await.unwrap();
    let drain = drained(&store).await;
    let actions = delivered() - sent_before;
    store.close().await;
    let busy = rss_mib(bots[0].pid());
    println!(
        "{name:<22} {replicas:>8} {:>9.0} {idle:>9.1} {p50:>9.2} {p99:>9.2} {failed:>6} {rate:>9.0} {closed_p99:>9.2} {busy:>9.1}",
        ready.as_secs_f64() * 1000.0
    );
    let per_event = actions as f64 / events.max(1) as f64;
    println!(
        "  delivery: {events} events took {actions} chat actions ({per_event:.2} each); \
         {:.0} actions/s delivered during the phase against {:.0} needed; backlog {backlog} \
         at its end, drained {drain}; {:.0} events per CPU-second ({cpu:.1} CPU-s over \
         {replicas} processes)",
        sent_in_phase as f64 / seconds as f64,
        rate * per_event,
        events as f64 / cpu.max(1e-9),
    );
    for bot in bots {
        bot.stop().await;
    }
}

/// On the idle desk: how long a `/ticket list` takes from request to its private answer (the
/// answer goes out through the outbox and comes back as the HTTP response, so this bounds the
/// time from commit to answer from above), over 20 such interactions, one at a time.
async fn answer_probe(addr: SocketAddr, work: &Workload) {
    let mut waits = Vec::new();
    while waits.len() < 20 {
        let list = work.next_is_list();
        let Some(took) = deliver(addr, work).await else {
            continue;
        };
        if list {
            waits.push(took);
        }
        // Let whatever else the interaction queued go first: the desk is idle for the next.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    waits.sort();
    println!(
        "  discord private answer on an idle desk, request to answer: p50 {:.1} ms, p99 {:.1} ms (goal <= 100 ms after the commit)",
        pct(&waits, 0.5),
        pct(&waits, 0.99)
    );
}

/// Whether HELPDESK_BENCH_LOAD_ONLY (a comma list of sqlite, discord, postgres, replicas,
/// seeded) names this scenario; all run when it is unset.
fn wanted(scenario: &str) -> bool {
    std::env::var("HELPDESK_BENCH_LOAD_ONLY")
        .map_or(true, |only| only.split(',').any(|s| s.trim() == scenario))
}

/// Waits until the outbox has nothing pending (up to a minute); says how long it took.
async fn drained(store: &Store) -> String {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if store.outbox_counts().await.unwrap().0 == 0 {
            return format!("in {:.1} s", started.elapsed().as_secs_f64());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    "NOT within 60 s".into()
}

/// The CPU time a process has used, user and system, in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command's closing parenthesis; utime and stime are the 14th and 15th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // Field 3 is the first after the parenthesis; `sysconf(_SC_CLK_TCK)` is 100 on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

/// Fills a SQLite file with `n` tickets (each with a log entry) and `n` articles.
async fn seed(path: &str, n: usize) {
    let store = Store::open(&ConnectOptions::new(path)).await.unwrap();
    let now = chrono::Utc::now();
    let mut tx = store.begin().await.unwrap();
    let tenant = tx
        .ensure_tenant(Platform::new("slack"), "T1", "T1", now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for chunk in (0..n).collect::<Vec<_>>().chunks(2_000) {
        let mut tx = store.begin().await.unwrap();
        for &i in chunk {
            let new = NewTicket {
                tenant,
                requester: Person::new(format!("U{i}"), format!("User {i}")),
                requester_type: RequesterType::Employee,
                title: Title::parse(&format!("seeded problem number {i} with the vpn")).unwrap(),
                description: format!("seeded problem number {i}"),
                category: None,
                urgency: Grade::Medium,
                impact: Grade::Low,
                source: Source {
                    channel: "CHELP".into(),
                    thread: Some(format!("1700000000.{i:06}")),
                },
            };
            tx.create_ticket(new, now).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    for chunk in (0..n).collect::<Vec<_>>().chunks(2_000) {
        let mut tx = store.begin().await.unwrap();
        for &i in chunk {
            let draft = ArticleDraft {
                slug: format!("seeded-{i}"),
                title: format!("How to fix problem {i} with the printer and the vpn"),
                body: format!("Step one for problem {i}: restart. Step two: call the desk."),
                tags: vec![],
                language: KbLanguage::En,
                source: ArticleSource::Imported,
                author: None,
            };
            tx.save_article(helpdesk::kb::KbOwner::Shared, &draft, now)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }
    store.close().await;
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let seconds: u64 = env_or("HELPDESK_BENCH_LOAD_SECONDS", 10);
    let seeded: usize = env_or("HELPDESK_BENCH_LOAD_SEED", 100_000);
    println!(
        "helpdesk load benchmark: the release binary, signed Slack HTTP events, {} cores, {seconds} s per phase",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:<22} {:>8} {:>9} {:>9} {:>9} {:>9} {:>6} {:>9} {:>9} {:>9}",
        "backend",
        "replicas",
        "ready ms",
        "idle MiB",
        "ack p50",
        "ack p99",
        "lost",
        "events/s",
        "p99 ms",
        "busy MiB"
    );
    let dir = tempfile::tempdir().unwrap();
    if wanted("sqlite") {
        let sqlite = dir.path().join("load.db").to_string_lossy().into_owned();
        scenario("sqlite", &sqlite, 1, seconds).await;
    }
    if wanted("discord") {
        let discord = dir.path().join("discord.db").to_string_lossy().into_owned();
        discord_scenario(&discord, seconds).await;
    }
    if wanted("postgres") {
        if let Some(pg) = PgScratch::create("load1").await {
            scenario("postgres", &pg.url, 1, seconds).await;
            pg.drop().await;
        }
    }
    if wanted("replicas") {
        if let Some(pg) = PgScratch::create("load3").await {
            scenario("postgres", &pg.url, 3, seconds).await;
            pg.drop().await;
        }
    }
    if !wanted("seeded") {
        return;
    }

    let big = dir.path().join("big.db").to_string_lossy().into_owned();
    let seeding = Instant::now();
    seed(&big, seeded).await;
    println!(
        "seeded {seeded} tickets and {seeded} articles in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    let fake = FakeSlack::start(&[], &[]).await;
    let (bot, ready) = start(&big, &environment(&fake)).await;
    println!(
        "with {seeded} tickets and {seeded} articles: ready in {:.0} ms (index built), RSS {:.1} MiB",
        ready.as_secs_f64() * 1000.0,
        rss_mib(bot.pid())
    );
    bot.stop().await;
}

//! Crashes lose nothing and repeat nothing.
//!
//! - Three `helpdesk` processes on one PostgreSQL database share one Slack workspace, and one
//!   of them is killed with SIGKILL under load.
//! - One process on SQLite is killed with SIGKILL under load and started again on its file.
//!
//! Either way: every ticket, log entry, chat message and timer firing exists exactly once. The
//! test plays Slack: 1,000 signed event deliveries (100 of them delivered a second time), and
//! each delivery nobody acknowledged delivered again, as Slack does.

use crate::common;

use common::bot::Bot;
use common::fake_slack::{try_post, Call, FakeSlack};
use common::TestDb;
use helpdesk::domain::LogKind;
use helpdesk::store::{Store, TicketFilter};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

const SECRET: &str = "replicas-signing-secret";
const TICKETS: usize = 150;
const REPLIES: usize = 5;
const DUPLICATES: usize = 100;
const KILL_AT: usize = 500;

const TENANT: &str = r#"
[[tenants]]
platform = "slack"
id = "T1"
intake_channels = ["CHELP"]
managers_channel = "CMANAGERS"

[tenants.levels.l1]
channel = "CL1"
group = "SL1"
budget = "3s"
on_budget = "alert"
"#;

fn event(id: &str, user: &str, text: &str, ts: &str, thread: Option<&str>) -> String {
    let mut event = json!({
        "type": "message", "channel": "CHELP", "user": user, "text": text, "ts": ts,
        "event_ts": ts, "channel_type": "channel",
    });
    if let Some(t) = thread {
        event["thread_ts"] = json!(t);
    }
    json!({
        "token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
        "event_id": id, "event_time": 1_800_000_000, "event": event,
    })
    .to_string()
}

/// The Slack timestamp of ticket `i`'s first message.
fn first_ts(i: usize) -> String {
    format!("1800000000.{:06}", i + 1)
}

/// Every delivery, with the replica it goes to first: each ticket's first message, then the
/// replies in its thread, then 100 deliveries made again to another replica.
fn deliveries() -> Vec<(usize, String)> {
    let mut deliveries = Vec::new();
    for i in 0..TICKETS {
        let text = format!("problem [p{i}] on my laptop");
        let body = event(
            &format!("Ev-open-{i}"),
            &format!("U{i}"),
            &text,
            &first_ts(i),
            None,
        );
        deliveries.push((i, body));
    }
    for r in 0..REPLIES {
        for i in 0..TICKETS {
            let ts = format!("1800000001.{:06}", i * REPLIES + r + 1);
            let text = format!("more detail [r{i}.{r}]");
            let id = format!("Ev-reply-{i}-{r}");
            let body = event(&id, &format!("U{i}"), &text, &ts, Some(&first_ts(i)));
            deliveries.push((i + r, body));
        }
    }
    let originals = deliveries.len();
    for k in 0..DUPLICATES {
        let (replica, body) = deliveries[(k * 7) % originals].clone();
        deliveries.push((replica + 1, body));
    }
    assert_eq!(deliveries.len(), 1_000);
    deliveries
}

/// The replicas as Slack sees them: addresses, some dead; deliveries wait while none lives.
#[derive(Default)]
struct Cluster {
    /// Each replica's address; `None` once killed.
    replicas: Mutex<Vec<Option<SocketAddr>>>,
    alive: Notify,
    redelivered: AtomicUsize,
    acknowledged: AtomicUsize,
    /// Woken when `acknowledged` reaches [`KILL_AT`].
    halfway: Notify,
}

impl Cluster {
    fn add(&self, addr: SocketAddr) {
        self.replicas.lock().unwrap().push(Some(addr));
        self.alive.notify_waiters();
    }

    fn kill(&self, i: usize) {
        self.replicas.lock().unwrap()[i] = None;
    }

    /// The live replica at or after `first`, waiting while there is none.
    async fn pick(&self, first: usize) -> SocketAddr {
        loop {
            let notified = self.alive.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let replicas = self.replicas.lock().unwrap();
                let n = replicas.len();
                if let Some(addr) = (0..n).find_map(|step| replicas[(first + step) % n]) {
                    return addr;
                }
            }
            common::fake_slack::patiently("a live replica", notified).await;
        }
    }

    /// Delivers until a replica acknowledges.
    async fn deliver(&self, first: usize, body: &str) {
        for attempt in 0..20 {
            let addr = self.pick(first + attempt).await;
            let now = chrono::Utc::now().timestamp().to_string();
            let signature = helpdesk_slack::signature::sign(SECRET, &now, body.as_bytes());
            let headers = [
                ("X-Slack-Request-Timestamp", now.as_str()),
                ("X-Slack-Signature", signature.as_str()),
            ];
            match try_post(addr, "/slack/events", "application/json", &headers, body).await {
                Ok((200, _)) => {
                    if self.acknowledged.fetch_add(1, Ordering::SeqCst) + 1 == KILL_AT {
                        self.halfway.notify_one();
                    }
                    return;
                }
                // Not acknowledged (refused, cut off, or failed): Slack delivers it again.
                _ => {
                    self.redelivered.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
        panic!("no replica acknowledged {body}");
    }

    /// Delivers a batch on eight concurrent connections.
    async fn deliver_all(self: &Arc<Self>, batch: &[(usize, String)]) {
        let mut tasks = tokio::task::JoinSet::new();
        for chunk in batch.chunks(batch.len().div_ceil(8)) {
            let chunk = chunk.to_vec();
            let cluster = self.clone();
            tasks.spawn(async move {
                for (replica, body) in chunk {
                    cluster.deliver(replica, &body).await;
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
    }
}

/// The bots' environment for the fake Slack (HTTP mode, short lease so takeovers happen).
fn environment(fake: &FakeSlack) -> Vec<(&'static str, String)> {
    vec![
        ("HELPDESK_SLACK_API_URL", fake.api_url.clone()),
        ("HELPDESK_SLACK_BOT_TOKEN", "xoxb-replicas".to_string()),
        ("HELPDESK_SLACK_SIGNING_SECRET", SECRET.to_string()),
        ("HELPDESK_SLACK_MESSAGE_INTERVAL", "0s".to_string()),
        ("HELPDESK_OUTBOX_LEASE", "3s".to_string()),
        ("HELPDESK_OUTBOX_SEND_TIMEOUT", "1s".to_string()),
        ("HELPDESK_DATABASE_MAX_CONNECTIONS", "4".to_string()),
        ("RUST_LOG", "info,sqlx=warn".to_string()),
    ]
}

/// What is not among `posts` yet, to say why a wait failed.
fn missing(posts: &[Value]) -> String {
    let text = |p: &Value| p["text"].as_str().unwrap_or_default().to_string();
    let count = |channel: &str, marker: &str| {
        posts
            .iter()
            .filter(|p| p["channel"] == channel && text(p).contains(marker))
            .count()
    };
    let mut absent = Vec::new();
    for i in 0..TICKETS {
        let marker = format!("[p{i}]");
        let answers = posts
            .iter()
            .filter(|p| p["thread_ts"] == first_ts(i).as_str());
        if answers.count() == 0 {
            absent.push(format!("answer to ticket {i}"));
        }
        if count("CL1", &marker) == 0 {
            absent.push(format!("card of ticket {i}"));
        }
        if count("CMANAGERS", &marker) == 0 {
            absent.push(format!("budget alert of ticket {i}"));
        }
        for r in 0..REPLIES {
            if count("CL1", &format!("[r{i}.{r}]")) == 0 {
                absent.push(format!("relay of reply {r} of ticket {i}"));
            }
        }
    }
    format!("{} posts; missing: {absent:?}", posts.len())
}

/// Each chat message exactly once, then each ticket and log entry exactly once.
async fn everything_exactly_once(fake: &FakeSlack, store: &Store, cluster: &Cluster) {
    // Per ticket: the requester's answer, the card, each reply relayed to the agents' thread,
    // and one budget alert to the managers.
    let expected = TICKETS * (3 + REPLIES);
    // A thousand deliveries leave a backlog that a loaded machine drains slowly: fail when
    // nothing new arrives for a while, not when the whole backlog takes long.
    let posts_of = |calls: &[Call]| -> Vec<Value> {
        calls
            .iter()
            .filter(|c| c.method == "chat.postMessage")
            .map(|c| c.body.clone())
            .collect()
    };
    let post_count = |calls: &[Call]| {
        calls
            .iter()
            .filter(|c| c.method == "chat.postMessage")
            .count()
    };
    let mut so_far = 0;
    while so_far < expected {
        so_far = fake
            .wait_for_explained(
                "the next chat message",
                |calls| Some(post_count(calls)).filter(|&n| n > so_far),
                |calls| missing(&posts_of(calls)),
            )
            .await;
    }
    let posts = posts_of(&fake.calls());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for p in &posts {
        let place = format!("{} {} {}", p["channel"], p["thread_ts"], p["text"]);
        *seen.entry(place).or_default() += 1;
    }
    let twice: Vec<&String> = seen
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(k, _)| k)
        .collect();
    assert!(twice.is_empty(), "sent twice: {twice:#?}");
    assert_eq!(posts.len(), expected, "nothing more than expected");
    let text = |p: &Value| p["text"].as_str().unwrap_or_default().to_string();
    for i in 0..TICKETS {
        let marker = format!("[p{i}]");
        let cards = posts
            .iter()
            .filter(|p| {
                p["channel"] == "CL1" && p["thread_ts"].is_null() && text(p).contains(&marker)
            })
            .count();
        assert_eq!(cards, 1, "ticket {i} has one card");
        for r in 0..REPLIES {
            let marker = format!("[r{i}.{r}]");
            let relayed = posts
                .iter()
                .filter(|p| p["channel"] == "CL1" && text(p).contains(&marker))
                .count();
            assert_eq!(
                relayed, 1,
                "reply {r} of ticket {i} reached the agents once"
            );
        }
    }
    let alerts = posts.iter().filter(|p| p["channel"] == "CMANAGERS").count();
    assert_eq!(alerts, TICKETS, "each budget timer fired once");

    let tenant = store.tenants().await.unwrap()[0].id;
    let filter = TicketFilter {
        tenant: Some(tenant),
        ..TicketFilter::default()
    };
    let tickets = store.list_tickets(&filter).await.unwrap();
    assert_eq!(tickets.len(), TICKETS);
    let mut numbers: Vec<i64> = tickets.iter().map(|t| t.number.0).collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=TICKETS as i64).collect::<Vec<_>>(),
        "gap-free"
    );
    for t in &tickets {
        let log = store.log(t.id).await.unwrap();
        let messages = log
            .iter()
            .filter(|r| matches!(r.entry.kind, LogKind::RequesterMessage { .. }))
            .count();
        assert_eq!(
            messages,
            1 + REPLIES,
            "ticket {} logged each message once",
            t.number.0
        );
    }
    let lookups = fake
        .calls()
        .iter()
        .filter(|c| c.method == "conversations.replies" || c.method == "conversations.history")
        .count();
    eprintln!(
        "1000 deliveries, {} delivered again unacknowledged, {lookups} sends checked for an \
         earlier try",
        cluster.redelivered.load(Ordering::SeqCst)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_lose_nothing_and_do_nothing_twice_when_one_is_killed() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let fake = FakeSlack::start(&[], &[]).await;
    let env = environment(&fake);
    let cluster = Arc::new(Cluster::default());
    let mut bots = Vec::new();
    for _ in 0..3 {
        let bot = Bot::start(TENANT, Some(&db.url), &env).await;
        cluster.add(bot.addr);
        bots.push(Some(bot));
    }
    let deliveries = deliveries();
    // Openings first (replies need their ticket); replica 1 dies with deliveries in flight.
    cluster.deliver_all(&deliveries[..TICKETS]).await;
    let sending = {
        let (cluster, rest) = (cluster.clone(), deliveries[TICKETS..].to_vec());
        tokio::spawn(async move { cluster.deliver_all(&rest).await })
    };
    cluster.halfway.notified().await;
    cluster.kill(1);
    bots[1].take().unwrap().kill();
    sending.await.unwrap();

    everything_exactly_once(&fake, &db.store, &cluster).await;
    for bot in bots.into_iter().flatten() {
        bot.stop().await;
    }
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_bot_killed_under_load_restarts_with_everything_it_acknowledged() {
    let fake = FakeSlack::start(&[], &[]).await;
    let env = environment(&fake);
    let cluster = Arc::new(Cluster::default());
    let folder = tempfile::tempdir().unwrap();
    let file = folder
        .path()
        .join("helpdesk.db")
        .to_string_lossy()
        .into_owned();
    let first = Bot::start(TENANT, Some(&file), &env).await;
    cluster.add(first.addr);
    let deliveries = deliveries();
    cluster.deliver_all(&deliveries[..TICKETS]).await;
    let sending = {
        let (cluster, rest) = (cluster.clone(), deliveries[TICKETS..].to_vec());
        tokio::spawn(async move { cluster.deliver_all(&rest).await })
    };
    cluster.halfway.notified().await;
    cluster.kill(0);
    first.kill();
    // Deliveries wait (as Slack retries) until the bot is back on the same file.
    let second = Bot::start(TENANT, Some(&file), &env).await;
    cluster.add(second.addr);
    sending.await.unwrap();

    let store = Store::open(&helpdesk::store::ConnectOptions::new(file.clone()))
        .await
        .unwrap();
    everything_exactly_once(&fake, &store, &cluster).await;
    second.stop().await;
}

//! Three `helpdesk` processes on one PostgreSQL database share the work of one Slack
//! workspace, and one of them is killed with SIGKILL halfway: nothing is lost and nothing is
//! done twice — tickets, log entries, chat messages, timer firings.
//!
//! The test plays Slack: 1,000 signed event deliveries spread over the replicas, 100 of them
//! delivered again to another replica, and every delivery a dead replica did not acknowledge
//! delivered again elsewhere, as Slack does.

mod common;

use common::bot::Bot;
use common::fake_slack::{try_post, FakeSlack};
use common::TestDb;
use helpdesk::domain::LogKind;
use helpdesk::store::TicketFilter;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const SECRET: &str = "replicas-signing-secret";
const TICKETS: usize = 150;
const REPLIES: usize = 5;
const DUPLICATES: usize = 100;
const REPLICAS: usize = 3;

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

/// Replicas by index; a killed one answers nothing.
struct Cluster {
    addrs: Vec<SocketAddr>,
    dead: Vec<std::sync::atomic::AtomicBool>,
    redelivered: AtomicUsize,
    acknowledged: AtomicUsize,
    /// Woken when `acknowledged` reaches the kill point.
    halfway: tokio::sync::Notify,
    kill_at: usize,
}

impl Cluster {
    /// Delivers to replica `first`, and on to the next live ones until one acknowledges.
    async fn deliver(&self, first: usize, body: &str) {
        for step in 0..REPLICAS * 4 {
            let i = (first + step) % REPLICAS;
            if self.dead[i].load(Ordering::SeqCst) {
                continue;
            }
            let now = chrono::Utc::now().timestamp().to_string();
            let signature = helpdesk_slack::signature::sign(SECRET, &now, body.as_bytes());
            let headers = [
                ("X-Slack-Request-Timestamp", now.as_str()),
                ("X-Slack-Signature", signature.as_str()),
            ];
            let sent = try_post(
                self.addrs[i],
                "/slack/events",
                "application/json",
                &headers,
                body,
            )
            .await;
            match sent {
                Ok((200, _)) => {
                    if self.acknowledged.fetch_add(1, Ordering::SeqCst) + 1 == self.kill_at {
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_lose_nothing_and_do_nothing_twice_when_one_is_killed() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let fake = FakeSlack::start(&[], &[]).await;
    let env = vec![
        ("HELPDESK_SLACK_API_URL", fake.api_url.clone()),
        ("HELPDESK_SLACK_BOT_TOKEN", "xoxb-replicas".to_string()),
        ("HELPDESK_SLACK_SIGNING_SECRET", SECRET.to_string()),
        ("HELPDESK_SLACK_MESSAGE_INTERVAL", "0s".to_string()),
        ("HELPDESK_OUTBOX_LEASE", "3s".to_string()),
        ("HELPDESK_OUTBOX_SEND_TIMEOUT", "1s".to_string()),
        ("HELPDESK_DATABASE_MAX_CONNECTIONS", "4".to_string()),
        ("RUST_LOG", "info,sqlx=warn".to_string()),
    ];
    let mut bots = Vec::new();
    for _ in 0..REPLICAS {
        bots.push(Some(Bot::start(TENANT, Some(&db.url), &env).await));
    }
    let cluster = Arc::new(Cluster {
        addrs: bots.iter().map(|b| b.as_ref().unwrap().addr).collect(),
        dead: (0..REPLICAS).map(|_| Default::default()).collect(),
        redelivered: AtomicUsize::new(0),
        acknowledged: AtomicUsize::new(0),
        halfway: tokio::sync::Notify::new(),
        kill_at: 500,
    });

    // Every delivery, in the order Slack would make them: each ticket's first message, then
    // its replies in its thread; some deliveries go again to a second replica.
    let first_ts = |i: usize| format!("1800000000.{:06}", i + 1);
    let mut deliveries: Vec<(usize, String)> = Vec::new();
    for i in 0..TICKETS {
        let body = event(
            &format!("Ev-open-{i}"),
            &format!("U{i}"),
            &format!("problem [p{i}] on my laptop"),
            &first_ts(i),
            None,
        );
        deliveries.push((i, body));
    }
    for r in 0..REPLIES {
        for i in 0..TICKETS {
            let ts = format!("1800000001.{:06}", i * REPLIES + r + 1);
            let body = event(
                &format!("Ev-reply-{i}-{r}"),
                &format!("U{i}"),
                &format!("more detail [r{i}.{r}]"),
                &ts,
                Some(&first_ts(i)),
            );
            deliveries.push((i + r, body));
        }
    }
    let originals = deliveries.len();
    for k in 0..DUPLICATES {
        let (replica, body) = deliveries[(k * 7) % originals].clone();
        deliveries.push((replica + 1, body));
    }
    assert_eq!(deliveries.len(), 1_000);

    // Openings first (replies need their ticket), then the rest, eight at a time; replica 1
    // is killed while deliveries are in flight, after 500 acknowledgements.
    let (openings, rest) = deliveries.split_at(TICKETS);
    let send_all = |batch: Vec<(usize, String)>| {
        let cluster = cluster.clone();
        async move {
            let mut tasks = tokio::task::JoinSet::new();
            for chunk in batch.chunks(batch.len().div_ceil(8)) {
                let chunk = chunk.to_vec();
                let cluster = cluster.clone();
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
    };
    send_all(openings.to_vec()).await;
    let sending = tokio::spawn(send_all(rest.to_vec()));
    cluster.halfway.notified().await;
    cluster.dead[1].store(true, Ordering::SeqCst);
    bots[1].take().unwrap().kill();
    sending.await.unwrap();

    // Every chat message arrives: per ticket the requester's answer, the card, each reply
    // relayed to the agents' thread, and one budget alert to the managers.
    let expected = TICKETS * (3 + REPLIES);
    let posts = fake
        .wait_for("every chat message", |calls| {
            let posts: Vec<Value> = calls
                .iter()
                .filter(|c| c.method == "chat.postMessage")
                .map(|c| c.body.clone())
                .collect();
            (posts.len() >= expected).then_some(posts)
        })
        .await;

    // Nothing twice: no message appears twice in the same place.
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
    for i in 0..TICKETS {
        let marker = format!("[p{i}]");
        let cards = posts
            .iter()
            .filter(|p| {
                p["channel"] == "CL1"
                    && p["thread_ts"].is_null()
                    && p["text"].as_str().unwrap().contains(&marker)
            })
            .count();
        assert_eq!(cards, 1, "ticket {i} has one card");
        for r in 0..REPLIES {
            let marker = format!("[r{i}.{r}]");
            let relayed = posts
                .iter()
                .filter(|p| p["channel"] == "CL1" && p["text"].as_str().unwrap().contains(&marker))
                .count();
            assert_eq!(
                relayed, 1,
                "reply {r} of ticket {i} reached the agents once"
            );
        }
    }
    let alerts = posts.iter().filter(|p| p["channel"] == "CMANAGERS").count();
    assert_eq!(alerts, TICKETS, "each budget timer fired once");

    // The database: gap-free numbers, one ticket per opening, every reply logged once.
    for bot in bots.into_iter().flatten() {
        bot.stop().await;
    }
    let tenant = db.store.tenants().await.unwrap()[0].id;
    let tickets = db
        .store
        .list_tickets(&TicketFilter {
            tenant: Some(tenant),
            ..TicketFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(tickets.len(), TICKETS);
    let mut numbers: Vec<i64> = tickets.iter().map(|t| t.number.0).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=TICKETS as i64).collect::<Vec<_>>());
    for t in &tickets {
        let log = db.store.log(t.id).await.unwrap();
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
        "{} deliveries, {} delivered again after a replica did not acknowledge, {} sends \
         checked for an earlier try",
        deliveries.len(),
        cluster.redelivered.load(Ordering::SeqCst),
        lookups
    );
    db.finish().await;
}

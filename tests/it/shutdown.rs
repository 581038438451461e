//! A stop (SIGTERM) takes no new events, finishes the ones in hand, sends what is waiting in the
//! outbox within its bound, and exits 0.

use crate::common;

use common::bot::Bot;
use common::fake_slack::{raw_post, FakeSlack};
use serde_json::json;
use std::time::Duration;

const SECRET: &str = "shutdown-secret";

fn environment(fake: &FakeSlack) -> Vec<(&'static str, String)> {
    vec![
        ("HELPDESK_SLACK_API_URL", fake.api_url.clone()),
        ("HELPDESK_SLACK_BOT_TOKEN", "xoxb-shutdown".to_string()),
        ("HELPDESK_SLACK_SIGNING_SECRET", SECRET.to_string()),
        ("HELPDESK_SLACK_MESSAGE_INTERVAL", "0s".to_string()),
    ]
}

const CONFIG: &str =
    "[[tenants]]\nplatform = \"slack\"\nid = \"T1\"\nintake_channels = [\"CHELP\"]\n\
                      [tenants.levels.l1]\nchannel = \"CL1\"\n";

/// Opens `n` tickets through signed events, each acknowledged.
async fn open_tickets(bot: &Bot, n: usize) {
    for i in 0..n {
        let body = json!({
            "token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
            "event_id": format!("Ev{i}"), "event_time": 1_800_000_000,
            "event": { "type": "message", "channel": "CHELP", "user": format!("U{i}"),
                       "text": format!("problem {i}"), "ts": format!("1800000000.{i:06}"),
                       "channel_type": "channel" },
        })
        .to_string();
        let now = chrono::Utc::now().timestamp().to_string();
        let signature = helpdesk_slack::signature::sign(SECRET, &now, body.as_bytes());
        let headers = [
            ("X-Slack-Request-Timestamp", now.as_str()),
            ("X-Slack-Signature", signature.as_str()),
        ];
        let (status, _) = raw_post(
            bot.addr,
            "/slack/events",
            "application/json",
            &headers,
            &body,
        )
        .await;
        assert_eq!(status, 200);
    }
}

fn posts(fake: &FakeSlack) -> Vec<String> {
    fake.calls()
        .iter()
        .filter(|c| c.method == "chat.postMessage")
        .map(|c| c.body["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_sends_what_is_waiting_and_exits_cleanly() {
    let fake = FakeSlack::start(&[], &[]).await;
    let bot = Bot::start(CONFIG, None, &environment(&fake)).await;
    // A slow Slack: each call takes 40 ms, so the outbox has a backlog when the stop comes.
    fake.slow_down(Duration::from_millis(40));
    const TICKETS: usize = 15;
    open_tickets(&bot, TICKETS).await;
    let addr = bot.addr;
    let (logs, _dir) = bot.stop().await;
    // Everything decided before the stop reached Slack before the process ended: per ticket
    // the requester's answer and the card.
    assert_eq!(posts(&fake).len(), TICKETS * 2, "{}", logs.join("\n"));
    assert!(logs.iter().any(|l| l.contains("outbox flushed")));
    // And it takes nothing more.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backlog_too_big_for_the_stop_bound_is_sent_at_the_next_start() {
    let fake = FakeSlack::start(&[], &[]).await;
    let folder = tempfile::tempdir().unwrap();
    let file = folder
        .path()
        .join("helpdesk.db")
        .to_string_lossy()
        .into_owned();
    let mut env = environment(&fake);
    env.push(("HELPDESK_OUTBOX_FLUSH_ON_STOP", "1s".to_string()));
    // The one message in flight at the stop keeps its claim until the lease runs out.
    env.push(("HELPDESK_OUTBOX_LEASE", "3s".to_string()));
    env.push(("HELPDESK_OUTBOX_SEND_TIMEOUT", "1s".to_string()));
    // 30 tickets, 60 messages in two channels, each channel paced to one message per 200 ms
    // (sends run side by side, but a channel's pace holds): far more than the one second the
    // stop may take.
    let mut paced = env.clone();
    paced.retain(|(name, _)| *name != "HELPDESK_SLACK_MESSAGE_INTERVAL");
    paced.push(("HELPDESK_SLACK_MESSAGE_INTERVAL", "200ms".to_string()));
    let bot = Bot::start(CONFIG, Some(&file), &paced).await;
    const TICKETS: usize = 30;
    open_tickets(&bot, TICKETS).await;
    let (logs, _dir) = bot.stop().await;
    assert!(
        logs.iter()
            .any(|l| l.contains("remain unsent") && l.contains("next start")),
        "the stop kept its bound and said what is left: {logs:#?}"
    );
    assert!(
        posts(&fake).len() < TICKETS * 2,
        "some were left for the next start"
    );
    // Nothing the stopped bot claimed but did not try keeps its lease: the next start may send
    // it at once. (At most the one send in flight at the bound keeps its claim.)
    let db = sqlx::SqlitePool::connect(&format!("sqlite://{file}"))
        .await
        .unwrap();
    let (pending, leased): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(locked_until) FROM outbox WHERE state = 'pending'")
            .fetch_one(&db)
            .await
            .unwrap();
    db.close().await;
    assert!(
        pending > 0 && leased <= 1,
        "{leased} of {pending} pending still leased"
    );

    let again = Bot::start(CONFIG, Some(&file), &env).await;
    let all = fake
        .wait_for("every message after the restart", |calls| {
            let n = calls
                .iter()
                .filter(|c| c.method == "chat.postMessage")
                .count();
            (n >= TICKETS * 2).then_some(n)
        })
        .await;
    again.stop().await;
    assert_eq!(all, TICKETS * 2);
    let mut texts = posts(&fake);
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), TICKETS * 2, "nothing sent twice");
}

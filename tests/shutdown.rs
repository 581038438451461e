//! A stop (SIGTERM) takes no new events, finishes the ones in hand, sends what is waiting in the
//! outbox within its bound, and exits 0.

mod common;

use common::bot::Bot;
use common::fake_slack::{raw_post, FakeSlack};
use serde_json::json;
use std::time::Duration;

const SECRET: &str = "shutdown-secret";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_sends_what_is_waiting_and_exits_cleanly() {
    let fake = FakeSlack::start(&[], &[]).await;
    let config = "[[tenants]]\nplatform = \"slack\"\nid = \"T1\"\nintake_channels = [\"CHELP\"]\n\
                  [tenants.levels.l1]\nchannel = \"CL1\"\n";
    let env = vec![
        ("HELPDESK_SLACK_API_URL", fake.api_url.clone()),
        ("HELPDESK_SLACK_BOT_TOKEN", "xoxb-shutdown".to_string()),
        ("HELPDESK_SLACK_SIGNING_SECRET", SECRET.to_string()),
        ("HELPDESK_SLACK_MESSAGE_INTERVAL", "0s".to_string()),
    ];
    let bot = Bot::start(config, None, &env).await;
    // A slow Slack: each call takes 40 ms, so the outbox has a backlog when the stop comes.
    fake.slow_down(Duration::from_millis(40));
    const TICKETS: usize = 15;
    for i in 0..TICKETS {
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
    let addr = bot.addr;
    let (logs, _dir) = bot.stop().await;
    // Everything decided before the stop reached Slack before the process ended: per ticket
    // the requester's answer and the card.
    let posts = fake
        .calls()
        .iter()
        .filter(|c| c.method == "chat.postMessage")
        .count();
    assert_eq!(posts, TICKETS * 2, "{}", logs.join("\n"));
    assert!(logs.iter().any(|l| l.contains("outbox flushed")));
    // And it takes nothing more.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

//! A stop is honest: it keeps sending paced and postponed actions within `flush_on_stop`, says
//! exactly how many remain for the next start, and ends within its bound on SIGTERM and SIGINT
//! even when a platform's connection never comes up.

use crate::common;

use common::bot::Bot;
use common::fake_slack::{raw_post, FakeSlack};
use serde_json::{json, Value};
use std::time::Duration;

const SECRET: &str = "honest-shutdown-secret";

const SLACK_TENANT: &str =
    "[[tenants]]\nplatform = \"slack\"\nid = \"T1\"\nintake_channels = [\"CHELP\"]\n\
     [tenants.levels.l1]\nchannel = \"CL1\"\n";

/// Opens `n` tickets through signed Slack events, each acknowledged.
async fn open_tickets(bot: &Bot, n: usize) {
    for i in 0..n {
        let body = json!({
            "token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
            "event_id": format!("EvHonest{i}"), "event_time": 1_800_000_000,
            "event": { "type": "message", "channel": "CHELP", "user": format!("U{i}"),
                       "text": format!("The VPN drops every few minutes since this morning ({i})"),
                       "ts": format!("1800000000.{i:06}"), "channel_type": "channel" },
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

fn posts(fake: &FakeSlack) -> usize {
    fake.calls()
        .iter()
        .filter(|c| c.method == "chat.postMessage")
        .count()
}

/// The pending rows of the outbox in the SQLite file, all of them and those that post a
/// message (the rest, like Slack's thread starts, make no call), read raw.
async fn pending_in(file: &std::path::Path) -> (u64, u64) {
    use sqlx::Connection;
    let url = format!("sqlite://{}", file.display());
    let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let payloads: Vec<String> =
        sqlx::query_scalar("SELECT payload FROM outbox WHERE state = 'pending'")
            .fetch_all(&mut db)
            .await
            .unwrap();
    let messages = payloads
        .iter()
        .filter(|p| {
            let kind = serde_json::from_str::<Value>(p).unwrap()["type"].clone();
            kind == "post" || kind == "reply"
        })
        .count();
    (payloads.len() as u64, messages as u64)
}

/// A log line as JSON, its fields merged in (the JSON format nests them under `fields`).
fn log_event(line: &str) -> Option<Value> {
    let mut v: Value = serde_json::from_str(line).ok()?;
    if let Some(Value::Object(fields)) = v.get("fields").cloned() {
        for (k, f) in fields {
            v[k] = f;
        }
    }
    Some(v)
}

/// The number of actions the stop said remain unsent, from its log line.
fn remaining_said(logs: &[String]) -> Option<u64> {
    logs.iter()
        .filter_map(|l| log_event(l))
        .find(|e| {
            e["message"]
                .as_str()
                .is_some_and(|m| m.contains("remain unsent"))
        })
        .and_then(|e| e["remaining"].as_u64())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_keeps_sending_paced_messages_and_says_exactly_how_many_remain() {
    let fake = FakeSlack::start(&[], &[]).await;
    let env = vec![
        ("HELPDESK_SLACK_API_URL", fake.api_url.clone()),
        ("HELPDESK_SLACK_BOT_TOKEN", "xoxb-honest".to_string()),
        ("HELPDESK_SLACK_SIGNING_SECRET", SECRET.to_string()),
        // The default pacing, one message per second per channel, said out loud.
        ("HELPDESK_SLACK_MESSAGE_INTERVAL", "1s".to_string()),
        ("HELPDESK_OUTBOX_FLUSH_ON_STOP", "3s".to_string()),
    ];
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("helpdesk.db");
    let mut bot = Bot::start(SLACK_TENANT, file.to_str(), &env).await;
    // 12 tickets, 24 messages in two channels: 12 seconds of pacing, far more than the stop's
    // 3 seconds, which still have room for a few per channel.
    const TICKETS: usize = 12;
    open_tickets(&bot, TICKETS).await;
    let before = posts(&fake);
    let (status, took, logs) = bot.signal_and_wait("TERM", Duration::from_secs(15));
    let after = posts(&fake);
    eprintln!("paced backlog: SIGTERM to exit took {took:?}");
    assert!(
        status.is_some_and(|s| s.success()),
        "exits cleanly: {status:?}\n{}",
        logs.join("\n")
    );
    let remaining = remaining_said(&logs)
        .unwrap_or_else(|| panic!("the stop says how many remain unsent:\n{}", logs.join("\n")));
    assert!(
        after > before,
        "paced messages went out during the stop ({before} before, {after} after)"
    );
    let (pending, pending_messages) = pending_in(&file).await;
    assert_eq!(remaining, pending, "the log says what the outbox holds");
    assert_eq!(
        after as u64 + pending_messages,
        (TICKETS * 2) as u64,
        "every message either reached Slack or is still in the outbox"
    );
    assert!(
        remaining > 0,
        "the test's backlog outlasts the stop's bound"
    );
    assert!(
        !logs.iter().any(|l| l.contains("outbox flushed")),
        "nothing claims the outbox is empty"
    );
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(10),
        "the stop used its bound and kept it: {took:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_with_nothing_left_says_the_outbox_is_flushed() {
    let fake = FakeSlack::start(&[], &[]).await;
    let env = vec![
        ("HELPDESK_SLACK_API_URL", fake.api_url.clone()),
        ("HELPDESK_SLACK_BOT_TOKEN", "xoxb-honest".to_string()),
        ("HELPDESK_SLACK_SIGNING_SECRET", SECRET.to_string()),
        ("HELPDESK_SLACK_MESSAGE_INTERVAL", "1s".to_string()),
        ("HELPDESK_OUTBOX_FLUSH_ON_STOP", "10s".to_string()),
    ];
    let mut bot = Bot::start(SLACK_TENANT, None, &env).await;
    // Two tickets, four messages, two per channel: one paced second, well within the bound.
    open_tickets(&bot, 2).await;
    let (status, _, logs) = bot.signal_and_wait("TERM", Duration::from_secs(20));
    assert!(status.is_some_and(|s| s.success()), "{}", logs.join("\n"));
    assert_eq!(posts(&fake), 4, "{}", logs.join("\n"));
    assert!(logs.iter().any(|l| l.contains("outbox flushed")));
}

/// A Discord REST API whose gateway is `gateway`: every other call answers an empty success.
async fn discord_rest(gateway: String) -> String {
    use axum::http::{Method, Uri};
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri| {
        let gateway = gateway.clone();
        async move {
            let path = uri.path().trim_start_matches("/api/v10");
            let body = match (method.as_str(), path) {
                ("GET", "/gateway") => json!({ "url": gateway }),
                ("GET", "/gateway/bot") => json!({
                    "url": gateway, "shards": 1,
                    "session_start_limit": { "total": 1000, "remaining": 999,
                                             "reset_after": 0, "max_concurrency": 1 },
                }),
                ("PUT", _) => json!([]),
                _ => json!({}),
            };
            axum::Json(body)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/v10", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// A port that accepts connections and never says a word (the connections are kept open).
async fn silent_port() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    format!("ws://{addr}")
}

/// A port nothing listens on: connections are refused.
fn refusing_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("ws://{addr}")
}

const DISCORD_TENANT: &str = "[[tenants]]\nplatform = \"discord\"\nid = \"290926798626357999\"\n\
     intake_channels = [\"290926798626357001\"]\n[tenants.levels.l1]\n\
     channel = \"290926798626357002\"\n";

/// How long a stop may take with nothing to flush, whatever the platforms do.
const STOP_BOUND: Duration = Duration::from_secs(8);

async fn discord_stops_within_the_bound(gateway: String, how: &str, signal: &str) {
    let api = discord_rest(gateway).await;
    let env = vec![
        ("HELPDESK_DISCORD_API_URL", api),
        (
            "HELPDESK_DISCORD_TOKEN",
            "MTIzNDU2Nzg5MDEyMzQ1Njc4.x.y".to_string(),
        ),
        (
            "HELPDESK_DISCORD_APPLICATION_ID",
            "123456789012345678".to_string(),
        ),
    ];
    let mut bot = Bot::start(DISCORD_TENANT, None, &env).await;
    let (status, took, logs) = bot.signal_and_wait(signal, STOP_BOUND);
    eprintln!("discord gateway that {how}: SIG{signal} to exit took {took:?}");
    assert!(
        status.is_some_and(|s| s.success()),
        "SIG{signal} ends the process cleanly within {STOP_BOUND:?}: {status:?} after {took:?}\n{}",
        logs.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_ends_the_process_while_the_discord_gateway_never_answers() {
    discord_stops_within_the_bound(silent_port().await, "never answers", "TERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_ends_the_process_while_the_discord_gateway_never_answers() {
    discord_stops_within_the_bound(silent_port().await, "never answers", "INT").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_ends_the_process_while_the_discord_gateway_refuses() {
    discord_stops_within_the_bound(refusing_port(), "refuses", "TERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_ends_the_process_while_the_discord_gateway_refuses() {
    discord_stops_within_the_bound(refusing_port(), "refuses", "INT").await;
}

/// A Slack Web API whose Socket Mode URL is `socket`: every other method answers `ok`.
async fn slack_api(socket: String) -> String {
    use axum::http::Uri;
    let app = axum::Router::new().fallback(move |uri: Uri| {
        let socket = socket.clone();
        async move {
            let body = match uri.path().trim_start_matches("/api/") {
                "auth.test" => {
                    json!({ "ok": true, "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT" })
                }
                "apps.connections.open" => json!({ "ok": true, "url": socket }),
                _ => json!({ "ok": true }),
            };
            axum::Json(body)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

async fn slack_socket_mode_stops_within_the_bound(socket: String, how: &str, signal: &str) {
    let env = vec![
        ("HELPDESK_SLACK_API_URL", slack_api(socket).await),
        ("HELPDESK_SLACK_BOT_TOKEN", "xoxb-honest".to_string()),
        ("HELPDESK_SLACK_APP_TOKEN", "xapp-honest".to_string()),
    ];
    let mut bot = Bot::start(SLACK_TENANT, None, &env).await;
    let (status, took, logs) = bot.signal_and_wait(signal, STOP_BOUND);
    eprintln!("slack socket mode that {how}: SIG{signal} to exit took {took:?}");
    assert!(
        status.is_some_and(|s| s.success()),
        "SIG{signal} ends the process cleanly within {STOP_BOUND:?}: {status:?} after {took:?}\n{}",
        logs.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_ends_the_process_while_slack_socket_mode_never_answers() {
    slack_socket_mode_stops_within_the_bound(silent_port().await, "never answers", "TERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_ends_the_process_while_slack_socket_mode_refuses() {
    slack_socket_mode_stops_within_the_bound(refusing_port(), "refuses", "INT").await;
}

/// A stop asked for while the start still waits on a platform that never answers (here
/// Discord's REST API, asked to register the commands) ends the process too.
async fn a_signal_during_a_hanging_start_ends_the_process(signal: &str) {
    let api = silent_port().await.replace("ws://", "http://") + "/api/v10";
    let env = vec![
        ("HELPDESK_DISCORD_API_URL", api),
        (
            "HELPDESK_DISCORD_TOKEN",
            "MTIzNDU2Nzg5MDEyMzQ1Njc4.x.y".to_string(),
        ),
        (
            "HELPDESK_DISCORD_APPLICATION_ID",
            "123456789012345678".to_string(),
        ),
    ];
    let mut bot = Bot::start_until(DISCORD_TENANT, None, &env, "chat platforms configured").await;
    let (status, took, logs) = bot.signal_and_wait(signal, STOP_BOUND);
    eprintln!(
        "discord REST that never answers, during the start: SIG{signal} to exit took {took:?}"
    );
    assert!(
        status.is_some_and(|s| s.success()),
        "SIG{signal} ends the process cleanly within {STOP_BOUND:?}: {status:?} after {took:?}\n{}",
        logs.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_a_hanging_start_ends_the_process() {
    a_signal_during_a_hanging_start_ends_the_process("TERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_during_a_hanging_start_ends_the_process() {
    a_signal_during_a_hanging_start_ends_the_process("INT").await;
}

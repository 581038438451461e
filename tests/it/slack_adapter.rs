//! The Slack adapter's edges on their own: the signed HTTP endpoints (signatures, limits,
//! acknowledgements whatever the desk does) and the Web API's failures as the dispatcher sees
//! them. A fake Slack on 127.0.0.1 answers the adapter's own calls.

use crate::common;

use common::fake_slack::{patiently, raw_post, FakeSlack};
use helpdesk_chat::{
    Attempt, ChatAction, ChatEvent, ChatPlatform, EventKind, EventSink, RichMessage, SendError,
    SinkError, SinkFuture, Taken, TenantText,
};
use helpdesk_slack::directory::Directory;
use helpdesk_slack::inbound::Inbound;
use helpdesk_slack::signature::sign;
use helpdesk_slack::web::{self, Web};
use helpdesk_slack::{http, Secret, SlackPlatform, SlackSettings};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SECRET: &str = "adapter-test-secret";
/// The endpoints' clock: fixed, so signatures can be made stale or early on purpose.
const NOW: i64 = 1_800_000_000;
/// What a person hears where the desk is not set up.
const NOT_SET_UP: &str = "The help desk is not set up in this workspace; ask your administrator.";
/// A workspace that installed the app but has no token of its own here.
const STRANGER: &str = "T9STRANGER";

/// What the desk does with an event.
#[derive(Clone, Copy)]
enum Desk {
    /// Takes it.
    Takes,
    /// Never finishes (a database that hangs).
    Hangs,
    /// Fails (a database that is down).
    Fails,
    /// Says the workspace has no `[[tenants]]` block (it writes nothing).
    Unserved,
}

struct Sink {
    desk: Desk,
    seen: Arc<Mutex<Vec<ChatEvent>>>,
}

impl EventSink for Sink {
    fn deliver(&self, event: ChatEvent) -> SinkFuture<'_> {
        Box::pin(async move {
            self.seen.lock().unwrap().push(event);
            match self.desk {
                Desk::Takes => Ok(Default::default()),
                Desk::Hangs => std::future::pending().await,
                Desk::Fails => Err(SinkError("database down".into())),
                Desk::Unserved => Ok(Taken {
                    answered: false,
                    unserved: true,
                }),
            }
        })
    }
}

fn settings(fake: &FakeSlack) -> Arc<SlackSettings> {
    let mut s = SlackSettings::new("The help desk is down, sorry.");
    s.api_url = fake.api_url.clone();
    s.bot_tokens.default = Some(Secret::new("xoxb-adapter"));
    s.message_interval = Duration::ZERO;
    s.ack_deadline = Duration::from_millis(200);
    s.unserved_text = TenantText::new(NOT_SET_UP);
    Arc::new(s)
}

struct Endpoint {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<ChatEvent>>>,
}

async fn endpoint(fake: &FakeSlack, desk: Desk) -> Endpoint {
    let settings = settings(fake);
    let web = Web::new(web::client(&settings).unwrap(), settings.clone());
    let directory = Arc::new(Directory::new(web, settings.directory_ttl));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::new(Sink {
        desk,
        seen: seen.clone(),
    });
    let inbound = Arc::new(Inbound::new(settings, directory, sink));
    let router = http::router(inbound, SECRET, Arc::new(|| NOW));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    Endpoint { addr, seen }
}

async fn post(
    ep: &Endpoint,
    path: &str,
    body: &str,
    ts: Option<i64>,
    signature: Option<String>,
) -> (u16, String) {
    let ts = ts.map(|t| t.to_string());
    let mut headers = Vec::new();
    if let Some(t) = ts.as_deref() {
        headers.push(("X-Slack-Request-Timestamp", t));
    }
    if let Some(s) = signature.as_deref() {
        headers.push(("X-Slack-Signature", s));
    }
    let content_type = if path == "/slack/events" {
        "application/json"
    } else {
        "application/x-www-form-urlencoded"
    };
    patiently(path, raw_post(ep.addr, path, content_type, &headers, body)).await
}

async fn signed(ep: &Endpoint, path: &str, body: &str) -> (u16, String) {
    let signature = sign(SECRET, &NOW.to_string(), body.as_bytes());
    post(ep, path, body, Some(NOW), Some(signature)).await
}

fn message_event(id: &str) -> String {
    message_event_in("T1", id)
}

fn message_event_in(team: &str, id: &str) -> String {
    json!({
        "token": "x", "team_id": team, "api_app_id": "A1", "type": "event_callback",
        "event_id": id, "event_time": NOW,
        "event": { "type": "message", "channel": "CHELP", "user": "UADA", "text": "printer on fire",
                   "ts": "1800000000.000100", "channel_type": "channel" },
    })
    .to_string()
}

fn command_body() -> String {
    command_body_in("T1")
}

fn command_body_in(team: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("team_id", team),
            ("channel_id", "CHELP"),
            ("user_id", "UADA"),
            ("command", "/ticket"),
            ("text", "list"),
            ("response_url", "https://hooks.example/x"),
            ("trigger_id", "trig-1"),
        ])
        .finish()
}

fn click_body() -> String {
    click_body_in("T1")
}

fn click_body_in(team: &str) -> String {
    let payload = json!({
        "type": "block_actions", "team": { "id": team }, "user": { "id": "UADA" },
        "api_app_id": "A1", "trigger_id": "trig-2",
        "container": { "type": "message", "message_ts": "1800000000.000200", "channel_id": "CL1" },
        "channel": { "id": "CL1" },
        "actions": [{ "type": "button", "action_id": "ticket.claim#0", "value": "7" }],
    });
    form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &payload.to_string())
        .finish()
}

#[tokio::test]
async fn only_requests_signed_by_slack_within_five_minutes_get_in() {
    let fake = FakeSlack::start(&[("SL1", &["UADA"])], &[("UADA", "Ada")]).await;
    let ep = endpoint(&fake, Desk::Takes).await;
    let body = message_event("Ev1");
    let good = sign(SECRET, &NOW.to_string(), body.as_bytes());

    let refused = [
        (
            "tampered body",
            body.replace("fire", "ice"),
            Some(NOW),
            Some(good.clone()),
        ),
        (
            "stale",
            body.clone(),
            Some(NOW - 301),
            Some(sign(SECRET, &(NOW - 301).to_string(), body.as_bytes())),
        ),
        (
            "from the future",
            body.clone(),
            Some(NOW + 301),
            Some(sign(SECRET, &(NOW + 301).to_string(), body.as_bytes())),
        ),
        ("no signature", body.clone(), Some(NOW), None),
        ("no timestamp", body.clone(), None, Some(good.clone())),
        (
            "another secret",
            body.clone(),
            Some(NOW),
            Some(sign("not-ours", &NOW.to_string(), body.as_bytes())),
        ),
    ];
    for (what, body, ts, signature) in refused {
        for path in ["/slack/events", "/slack/commands", "/slack/interactivity"] {
            let (status, _) = post(&ep, path, &body, ts, signature.clone()).await;
            assert_eq!(status, 401, "{what} on {path}");
        }
    }
    assert!(
        ep.seen.lock().unwrap().is_empty(),
        "nothing reached the desk"
    );

    // Slack's URL check is answered with its challenge.
    let check =
        json!({ "token": "x", "challenge": "c-123", "type": "url_verification" }).to_string();
    let (status, answer) = signed(&ep, "/slack/events", &check).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&answer).unwrap()["challenge"],
        "c-123"
    );

    // Oversized bodies are refused before anything reads them; signed garbage is a 400.
    let huge = "x".repeat(http::BODY_LIMIT + 1);
    assert_eq!(signed(&ep, "/slack/events", &huge).await.0, 413);
    assert_eq!(signed(&ep, "/slack/events", "{\"type\": 7}").await.0, 400);
    assert_eq!(
        signed(&ep, "/slack/interactivity", "payload=%7B").await.0,
        400
    );

    // The good one gets in, with the sender's name and user groups from the Web API.
    let (status, _) = signed(&ep, "/slack/events", &body).await;
    assert_eq!(status, 200);
    let seen = ep.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].sender.name, "Ada");
    assert_eq!(seen[0].sender.groups, ["SL1"]);
    assert!(matches!(&seen[0].kind, EventKind::Message { text, .. } if text == "printer on fire"));
}

#[tokio::test]
async fn slack_is_answered_in_time_even_when_the_desk_hangs() {
    let fake = FakeSlack::start(&[], &[]).await;
    let ep = endpoint(&fake, Desk::Hangs).await;
    // The desk never finishes: each answer can only come from the acknowledgement deadline.
    assert_eq!(
        signed(&ep, "/slack/events", &message_event("Ev2")).await.0,
        200
    );
    assert_eq!(signed(&ep, "/slack/commands", &command_body()).await.0, 200);
    assert_eq!(
        signed(&ep, "/slack/interactivity", &click_body()).await.0,
        200
    );
    assert_eq!(
        ep.seen.lock().unwrap().len(),
        3,
        "each was handed to the desk"
    );
}

#[tokio::test]
async fn what_a_failed_desk_could_not_take_is_not_acknowledged() {
    let fake = FakeSlack::start(&[], &[]).await;
    let ep = endpoint(&fake, Desk::Fails).await;
    // Events: Slack retries what was not acknowledged (the desk drops the duplicate later).
    assert_eq!(
        signed(&ep, "/slack/events", &message_event("Ev3")).await.0,
        500
    );
    // Commands are not retried: the person is told, in the command's answer.
    let (status, answer) = signed(&ep, "/slack/commands", &command_body()).await;
    assert_eq!(status, 200);
    let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["response_type"], "ephemeral");
    assert_eq!(answer["text"], "The help desk is down, sorry.");
    // Clicks: Slack shows the person it did not work.
    assert_eq!(
        signed(&ep, "/slack/interactivity", &click_body()).await.0,
        500
    );
}

#[tokio::test]
async fn the_default_token_serves_only_its_own_workspace() {
    let fake = FakeSlack::start(&[("SL1", &["UADA"])], &[("UADA", "Ada")]).await;
    fake.token_of("xoxb-adapter", "T1");
    let ep = endpoint(&fake, Desk::Takes).await;
    // A workspace that installed the app, with no token of its own: nothing gets in.
    let (status, _) = signed(&ep, "/slack/events", &message_event_in(STRANGER, "Ev9")).await;
    assert_eq!(status, 200, "acknowledged, so Slack does not send it again");
    let (status, answer) = signed(&ep, "/slack/commands", &command_body_in(STRANGER)).await;
    assert_eq!(status, 200);
    let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["response_type"], "ephemeral");
    assert_eq!(answer["text"], NOT_SET_UP);
    let (status, _) = signed(&ep, "/slack/interactivity", &click_body_in(STRANGER)).await;
    assert_eq!(status, 200);
    assert!(
        ep.seen.lock().unwrap().is_empty(),
        "nothing of the stranger reached the desk"
    );
    // Nothing was asked of Slack with the default token but which workspace it is for.
    let methods: Vec<String> = fake.calls().iter().map(|c| c.method.clone()).collect();
    assert_eq!(methods, ["auth.test"], "{methods:?}");
    // And nothing is sent there with it.
    let settings = settings(&fake);
    let platform = SlackPlatform::new(Web::new(web::client(&settings).unwrap(), settings));
    let post = ChatAction::Post {
        channel: "CHELP".into(),
        message: RichMessage::text("Your ticket #1 is open."),
        key: None,
    };
    let attempt = Attempt {
        key: "o-9",
        again: false,
    };
    assert!(matches!(
        platform.send(STRANGER, &post, None, attempt).await,
        Err(SendError::Permanent(e)) if e.contains("no bot token")
    ));
    assert!(fake.calls().iter().all(|c| c.method == "auth.test"));
    // Its own workspace is served as before.
    assert_eq!(
        signed(&ep, "/slack/events", &message_event("Ev10")).await.0,
        200
    );
    assert_eq!(ep.seen.lock().unwrap().len(), 1);
    platform.send("T1", &post, None, attempt).await.unwrap();
    assert_eq!(fake.calls().last().unwrap().token, "xoxb-adapter");
}

#[tokio::test]
async fn a_workspace_the_desk_does_not_serve_is_told_so_privately() {
    let fake = FakeSlack::start(&[], &[]).await;
    let ep = endpoint(&fake, Desk::Unserved).await;
    let (status, answer) = signed(&ep, "/slack/commands", &command_body()).await;
    assert_eq!(status, 200);
    let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["response_type"], "ephemeral");
    assert_eq!(answer["text"], NOT_SET_UP);
    // A click has no response to say it in: the person hears it in an ephemeral message.
    assert_eq!(
        signed(&ep, "/slack/interactivity", &click_body()).await.0,
        200
    );
    let said = fake
        .wait_for("the ephemeral answer", |calls| {
            calls
                .iter()
                .find(|c| c.method == "chat.postEphemeral")
                .map(|c| c.body.clone())
        })
        .await;
    assert_eq!(said["user"], "UADA");
    assert_eq!(said["channel"], "CL1");
    assert_eq!(said["text"], NOT_SET_UP);
    let ephemerals = fake
        .calls()
        .iter()
        .filter(|c| c.method == "chat.postEphemeral")
        .count();
    assert_eq!(ephemerals, 1, "once, for the click only");
}

#[tokio::test]
async fn the_web_api_failures_are_sorted_for_the_dispatcher() {
    let fake = FakeSlack::start(&[], &[]).await;
    let platform = {
        let settings = settings(&fake);
        SlackPlatform::new(Web::new(web::client(&settings).unwrap(), settings))
    };
    let post = ChatAction::Post {
        channel: "CL1".into(),
        message: RichMessage::text("hello"),
        key: None,
    };
    fake.fail("chat.postMessage", 429, 7, "ratelimited");
    fake.fail("chat.postMessage", 200, 0, "rate_limited");
    fake.fail("chat.postMessage", 200, 0, "channel_not_found");
    fake.fail("chat.postMessage", 200, 0, "invalid_blocks");
    fake.fail("chat.postMessage", 200, 0, "internal_error");
    let first = Attempt {
        key: "1",
        again: false,
    };
    let send = || platform.send("T1", &post, None, first);
    assert_eq!(
        send().await,
        Err(SendError::RateLimited {
            retry_after: Duration::from_secs(7)
        }),
        "429: Retry-After honoured"
    );
    assert!(matches!(send().await, Err(SendError::RateLimited { .. })));
    assert!(
        matches!(send().await, Err(SendError::Unreachable(e)) if e.contains("channel_not_found")),
        "a place that takes no messages: the desk looks for another way"
    );
    assert!(matches!(send().await, Err(SendError::Permanent(e)) if e.contains("invalid_blocks")));
    assert!(matches!(send().await, Err(SendError::Transient(_))));
    let delivered = send().await.expect("then it goes through");
    let posted = delivered.posted.expect("a post lands somewhere");
    assert_eq!(posted.channel, "CL1");

    // At most one message per channel per interval: the next one waits for its slot in the
    // outbox instead of holding the dispatcher.
    let mut paced = (*settings(&fake)).clone();
    paced.message_interval = Duration::from_secs(60);
    let paced = Arc::new(paced);
    let platform = SlackPlatform::new(Web::new(web::client(&paced).unwrap(), paced));
    platform.send("T1", &post, None, first).await.unwrap();
    assert!(matches!(
        platform.send("T1", &post, None, first).await,
        Err(SendError::Paced { retry_after }) if retry_after > Duration::from_secs(55)
    ));
    let elsewhere = ChatAction::Post {
        channel: "CL2".into(),
        message: RichMessage::text("hello"),
        key: None,
    };
    platform.send("T1", &elsewhere, None, first).await.unwrap();

    // With one token per workspace, each workspace is sent with its own; one without a token
    // is a permanent failure, not a retry loop.
    let mut per_team = (*settings(&fake)).clone();
    per_team.bot_tokens.default = None;
    per_team
        .bot_tokens
        .per_team
        .insert("T2".into(), Secret::new("xoxb-second"));
    let per_team = Arc::new(per_team);
    let platform = SlackPlatform::new(Web::new(web::client(&per_team).unwrap(), per_team));
    platform.send("T2", &post, None, first).await.unwrap();
    assert_eq!(fake.calls().last().unwrap().token, "xoxb-second");
    assert!(matches!(
        platform.send("T1", &post, None, first).await,
        Err(SendError::Permanent(e)) if e.contains("no bot token")
    ));
}

#[tokio::test]
async fn a_send_tried_again_finds_its_earlier_post_instead_of_posting_twice() {
    let fake = FakeSlack::start(&[], &[]).await;
    let settings = settings(&fake);
    let platform = SlackPlatform::new(Web::new(web::client(&settings).unwrap(), settings));
    let post = ChatAction::Post {
        channel: "CL1".into(),
        message: RichMessage::text("card"),
        key: Some(
            helpdesk::desk::keys::MessageKey::card(helpdesk::domain::TicketId(1), "CL1")
                .to_string(),
        ),
    };
    let try_ = |key, again| Attempt { key, again };
    let posts = || {
        fake.calls()
            .iter()
            .filter(|c| c.method == "chat.postMessage")
            .count()
    };

    // The worker that posted died before recording it: the next try finds the post by its tag.
    let first = platform
        .send("T1", &post, None, try_("41", false))
        .await
        .unwrap();
    let again = platform
        .send("T1", &post, None, try_("41", true))
        .await
        .unwrap();
    assert_eq!(again, first);
    assert_eq!(posts(), 1);

    // The same in a thread.
    let reply = ChatAction::Reply {
        channel: "CL1".into(),
        thread: helpdesk_chat::ThreadRef::Id(first.posted.clone().unwrap().message_id),
        message: RichMessage::text("an answer"),
    };
    let r1 = platform
        .send("T1", &reply, None, try_("42", false))
        .await
        .unwrap();
    let r2 = platform
        .send("T1", &reply, None, try_("42", true))
        .await
        .unwrap();
    assert_eq!(r1, r2);
    assert_eq!(posts(), 2);

    // A try again whose earlier try never reached Slack posts.
    platform
        .send("T1", &post, None, try_("43", true))
        .await
        .unwrap();
    assert_eq!(posts(), 3);
}

#[tokio::test]
async fn an_answer_where_the_bot_is_no_member_goes_to_the_direct_messages() {
    let fake = FakeSlack::start(&[], &[]).await;
    let settings = settings(&fake);
    let platform = SlackPlatform::new(Web::new(web::client(&settings).unwrap(), settings));
    fake.fail("chat.postEphemeral", 200, 0, "channel_not_found");
    let answer = ChatAction::Ephemeral {
        channel: "DOTHERS".into(),
        thread: None,
        user: "UADA".into(),
        message: RichMessage::text("3 tickets"),
        trigger: None,
    };
    let first = Attempt {
        key: "1",
        again: false,
    };
    platform.send("T1", &answer, None, first).await.unwrap();
    let dm = fake
        .calls()
        .into_iter()
        .find(|c| c.method == "chat.postMessage")
        .expect("answered in the DM");
    assert_eq!(dm.body["channel"], "DUADA");
    assert!(dm.body.to_string().contains("3 tickets"));
}

#[tokio::test]
async fn user_groups_are_read_once_for_many_events_and_kept_when_slack_fails() {
    let fake = FakeSlack::start(&[("SL1", &["UADA"])], &[]).await;
    let settings = settings(&fake);
    let web = Web::new(web::client(&settings).unwrap(), settings);
    let directory = Arc::new(Directory::new(web.clone(), Duration::from_secs(300)));
    let mut lookups = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let directory = directory.clone();
        lookups.spawn(async move { directory.groups_of("T1", "UADA").await.unwrap() });
    }
    while let Some(groups) = lookups.join_next().await {
        assert_eq!(groups.unwrap(), ["SL1"]);
    }
    let reads = |fake: &FakeSlack| {
        fake.calls()
            .iter()
            .filter(|c| c.method == "usergroups.list")
            .count()
    };
    assert_eq!(reads(&fake), 1, "ten events, one read");

    // Expired, and Slack fails: the agent stays an agent.
    let expiring = Directory::new(web, Duration::ZERO);
    assert_eq!(expiring.groups_of("T1", "UADA").await.unwrap(), ["SL1"]);
    fake.fail("usergroups.list", 200, 0, "paid_teams_only");
    assert_eq!(expiring.groups_of("T1", "UADA").await.unwrap(), ["SL1"]);
}

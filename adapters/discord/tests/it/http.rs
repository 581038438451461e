//! The HTTP interactions endpoint: 401 on any bad signature, PONG to PING, the desk's event
//! handed off with a deferral in time, a polite answer when the desk is down, a body limit.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use ed25519_dalek::{Signer, SigningKey};
use helpdesk_chat::{
    Attempt, ChatAction, ChatEvent, ChatPlatform, EventKind, EventSink, Form, SinkError,
    SinkFuture, Taken, TenantText,
};
use helpdesk_discord::http::{router, BODY_LIMIT};
use helpdesk_discord::members::Members;
use helpdesk_discord::rest::Rest;
use helpdesk_discord::signature::PublicKey;
use helpdesk_discord::{DiscordPlatform, DiscordSettings, Interactions};
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

const NOW: i64 = 1_700_000_000;

#[derive(Default)]
struct Sink {
    seen: Mutex<Vec<ChatEvent>>,
    down: bool,
    /// Answers commands with a form, through the platform, as the desk's dispatcher would.
    platform: Mutex<Option<Arc<DiscordPlatform>>>,
    /// Opens the form (else only records).
    opens_form: bool,
    /// Says the event came from a guild the desk does not serve.
    unserved: bool,
}

impl EventSink for Sink {
    fn deliver(&self, event: ChatEvent) -> SinkFuture<'_> {
        Box::pin(async move {
            if self.down {
                return Err(SinkError("database down".into()));
            }
            let platform = self
                .platform
                .lock()
                .unwrap()
                .clone()
                .filter(|_| self.opens_form);
            if let (
                Some(platform),
                EventKind::Command {
                    trigger: Some(t), ..
                },
            ) = (platform, &event.kind)
            {
                let form = ChatAction::OpenForm {
                    user: event.sender.id.clone(),
                    trigger: t.clone(),
                    form: Form {
                        id: "ticket.new".into(),
                        title: "New ticket".into(),
                        fields: vec![],
                        submit: "Open".into(),
                    },
                    channel: event.channel.clone(),
                    thread: None,
                };
                let attempt = Attempt {
                    key: "1",
                    again: false,
                };
                platform
                    .send(&event.tenant, &form, None, attempt)
                    .await
                    .unwrap();
            }
            let answered = matches!(&event.kind, EventKind::Command { .. }) && self.opens_form;
            self.seen.lock().unwrap().push(event);
            Ok(Taken {
                answered,
                unserved: self.unserved,
            })
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn signer() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

fn app(sink: Arc<Sink>) -> axum::Router {
    let key = PublicKey::parse(&hex(signer().verifying_key().as_bytes())).unwrap();
    // The example interactions come from this guild, which speaks Italian.
    let guild = "290926798626357999";
    let mut settings = DiscordSettings::new(
        TenantText::new("The help desk is down; try again in a minute.")
            .with(guild, "Il help desk non risponde."),
    );
    settings.received_text = TenantText::new("Received.").with(guild, "Ricevuto.");
    settings.unserved_text =
        TenantText::new("The help desk is not set up in this server; ask your administrator.");
    let rest = Rest::new(&settings);
    let interactions = Interactions::new(rest.clone(), None);
    let platform = Arc::new(DiscordPlatform::new(rest, interactions.clone()));
    sink.platform.lock().unwrap().get_or_insert(platform);
    let members = Members::new(Rest::new(&settings));
    router(
        Arc::new(settings),
        key,
        sink,
        interactions,
        members,
        Arc::new(|| NOW),
    )
}

/// A sink that only records (it opens no form).
fn recording() -> Arc<Sink> {
    Arc::new(Sink::default())
}

fn signed(key: &SigningKey, ts: i64, body: &[u8]) -> Request<Body> {
    let ts = ts.to_string();
    let sig = hex(&key.sign(&[ts.as_bytes(), body].concat()).to_bytes());
    Request::post("/discord/interactions")
        .header("x-signature-ed25519", sig)
        .header("x-signature-timestamp", ts)
        .header("content-type", "application/json")
        .body(Body::from(body.to_vec()))
        .unwrap()
}

async fn call(app: axum::Router, req: Request<Body>) -> (StatusCode, serde_json::Value) {
    let res = app.oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, json)
}

fn ticket_command() -> Vec<u8> {
    let mut payload = common::example("discord_interaction_slash_command.json");
    payload["data"]["name"] = "ticket".into();
    serde_json::to_vec(&payload).unwrap()
}

#[tokio::test]
async fn ping_gets_pong_only_when_signed() {
    let ping = br#"{"type":1,"id":"1","application_id":"2","token":"t","version":1}"#;
    let (status, body) = call(app(Default::default()), signed(&signer(), NOW, ping)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, serde_json::json!({"type": 1}));

    // Discord's own probes: a wrong key, a tampered body, stale and future times, no headers.
    let wrong = SigningKey::from_bytes(&[1; 32]);
    let mut tampered = signed(&signer(), NOW, ping);
    *tampered.body_mut() = Body::from(&br#"{"type":2}"#[..]);
    let bare = Request::post("/discord/interactions")
        .body(Body::from(&ping[..]))
        .unwrap();
    for req in [
        signed(&wrong, NOW, ping),
        tampered,
        signed(&signer(), NOW - 3600, ping),
        signed(&signer(), NOW + 3600, ping),
        bare,
    ] {
        let (status, _) = call(app(Default::default()), req).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn a_form_the_desk_opens_in_time_is_the_response() {
    let sink = Arc::new(Sink {
        opens_form: true,
        ..Sink::default()
    });
    let (status, body) = call(app(sink.clone()), signed(&signer(), NOW, &ticket_command())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["type"], 9, "{body}");
    assert_eq!(body["data"]["custom_id"], "ticket.new");
    assert_eq!(body["data"]["title"], "New ticket");
    assert_eq!(sink.seen.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_command_the_desk_does_not_answer_is_told_it_arrived_at_once_in_its_language() {
    let sink = recording();
    let started = tokio::time::Instant::now();
    let (status, body) = call(app(sink.clone()), signed(&signer(), NOW, &ticket_command())).await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "not held to the deadline: {:?}",
        started.elapsed()
    );
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        serde_json::json!({"type": 4, "data": {"content": "Ricevuto.", "flags": 64}})
    );
    let seen = sink.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert!(matches!(&seen[0].kind, EventKind::Command { name, .. } if name == "ticket"));
}

#[tokio::test(start_paused = true)]
async fn a_click_leaves_its_message_alone() {
    let sink = recording();
    let mut payload = common::example("discord_button_interaction_data.jsonc");
    payload["data"]["custom_id"] = "ticket.claim:3".into();
    payload["message"] = serde_json::json!({"id": "M1"});
    let body = serde_json::to_vec(&payload).unwrap();
    let (status, answer) = call(app(sink.clone()), signed(&signer(), NOW, &body)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer, serde_json::json!({"type": 6}));
    assert_eq!(sink.seen.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_guild_the_desk_does_not_serve_is_told_so_privately_once() {
    let sink = Arc::new(Sink {
        unserved: true,
        ..Sink::default()
    });
    let mut click = common::example("discord_button_interaction_data.jsonc");
    click["data"]["custom_id"] = "ticket.claim:3".into();
    click["message"] = serde_json::json!({"id": "M1"});
    let click = serde_json::to_vec(&click).unwrap();
    for payload in [ticket_command(), click] {
        let (status, body) = call(app(sink.clone()), signed(&signer(), NOW, &payload)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body,
            serde_json::json!({"type": 4, "data": {
                "content": "The help desk is not set up in this server; ask your administrator.",
                "flags": 64,
            }})
        );
    }
    assert_eq!(sink.seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_desk_that_is_down_is_explained_in_the_guilds_language() {
    let sink = Arc::new(Sink {
        down: true,
        ..Default::default()
    });
    let (status, body) = call(app(sink), signed(&signer(), NOW, &ticket_command())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["type"], 4);
    assert_eq!(body["data"]["flags"], 64);
    assert_eq!(body["data"]["content"], "Il help desk non risponde.");
}

#[tokio::test]
async fn malformed_and_oversized_bodies_are_refused() {
    let (status, _) = call(
        app(Default::default()),
        signed(&signer(), NOW, b"{not json"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = call(
        app(Default::default()),
        signed(&signer(), NOW, br#"{"type":"two"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let huge = vec![b' '; BODY_LIMIT + 1];
    let (status, _) = call(app(Default::default()), signed(&signer(), NOW, &huge)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

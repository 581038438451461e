//! Interactions the desk does not handle hear at once which commands the bot does handle (not
//! "try again in a minute"), and a click whose answer edits another message is acknowledged
//! when the desk has decided, not at the ack deadline — over the signed HTTP endpoint, with the
//! REST API a fake on 127.0.0.1.

use crate::common;

use axum::body::{Body, Bytes};
use axum::http::{Method, Request, StatusCode, Uri};
use ed25519_dalek::{Signer, SigningKey};
use helpdesk_chat::{
    Attempt, ChatAction, ChatEvent, ChatPlatform, EventKind, EventSink, MessageRef, RichMessage,
    SinkFuture, Taken, TenantText,
};
use helpdesk_discord::members::Members;
use helpdesk_discord::rest::Rest;
use helpdesk_discord::signature::PublicKey;
use helpdesk_discord::{DiscordPlatform, DiscordSettings, Interactions};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tower::ServiceExt;

const NOW: i64 = 1_700_000_000;
const GUILD: &str = "290926798626357999";
const HANDLED: &str = "This bot handles /ticket, /kb and /helpdesk.";
const DOWN: &str = "The help desk cannot take this right now; try again in a minute.";

type Calls = Arc<Mutex<Vec<(Instant, String, String, Value)>>>;

/// Discord's REST API: records each call with when it came, answers with a message.
async fn fake() -> (String, Calls) {
    let calls: Calls = Arc::default();
    let kept = calls.clone();
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri, body: Bytes| {
        let calls = kept.clone();
        async move {
            let path = uri.path().trim_start_matches("/api/v10").to_string();
            let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
            calls
                .lock()
                .unwrap()
                .push((Instant::now(), method.to_string(), path, body));
            axum::Json(json!({ "id": "777" }))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/v10", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, calls)
}

/// The desk as far as a click goes: it takes the event and edits the card `M2` (another
/// message than the clicked one) through the platform, as its dispatcher would, and says it
/// queued an answer.
struct EditsTheCard {
    platform: Arc<DiscordPlatform>,
    seen: Mutex<Vec<ChatEvent>>,
}

impl EventSink for EditsTheCard {
    fn deliver(&self, event: ChatEvent) -> SinkFuture<'_> {
        Box::pin(async move {
            let clicked = matches!(event.kind, EventKind::Action { .. });
            if clicked {
                let card = MessageRef {
                    channel: "645027906669510667".into(),
                    message_id: "1100000000000000099".into(),
                };
                let update = ChatAction::Update {
                    key: "card:7".into(),
                    message: RichMessage::text("#7 · claimed by Mason"),
                };
                let attempt = Attempt {
                    key: "1",
                    again: false,
                };
                self.platform
                    .send(&event.tenant, &update, Some(&card), attempt)
                    .await
                    .unwrap();
            }
            self.seen.lock().unwrap().push(event);
            Ok(Taken {
                answered: clicked,
                unserved: false,
            })
        })
    }
}

fn signer() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The endpoint with a 2 s ack deadline, so an answer at the deadline is told apart from one
/// at once; the texts are the desk's (the unhandled one in Italian for the example guild).
fn app(url: &str) -> (axum::Router, Arc<EditsTheCard>) {
    let mut settings = DiscordSettings::new(TenantText::new(DOWN));
    settings.api_url = url.to_string();
    settings.token = Some(helpdesk_chat::Secret::new("MQ.x.y"));
    settings.ack_deadline = Duration::from_secs(2);
    settings.unhandled_text =
        TenantText::new(HANDLED).with(GUILD, "Questo bot gestisce /ticket, /kb e /helpdesk.");
    let rest = Rest::new(&settings);
    let interactions = Interactions::new(rest.clone(), Some("1".into()));
    let platform = Arc::new(DiscordPlatform::new(rest.clone(), interactions.clone()));
    let sink = Arc::new(EditsTheCard {
        platform,
        seen: Mutex::default(),
    });
    let key = PublicKey::parse(&hex(signer().verifying_key().as_bytes())).unwrap();
    let router = helpdesk_discord::http::router(
        Arc::new(settings),
        key,
        sink.clone(),
        interactions,
        Members::new(rest),
        Arc::new(|| NOW),
    );
    (router, sink)
}

async fn call(app: &axum::Router, payload: &Value) -> (StatusCode, Value) {
    let body = serde_json::to_vec(payload).unwrap();
    let ts = NOW.to_string();
    let sig = hex(&signer().sign(&[ts.as_bytes(), &body].concat()).to_bytes());
    let req = Request::post("/discord/interactions")
        .header("x-signature-ed25519", sig)
        .header("x-signature-timestamp", ts)
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn private(text: &str) -> Value {
    json!({ "type": 4, "data": { "content": text, "flags": 64 } })
}

#[tokio::test]
async fn interactions_the_desk_does_not_handle_hear_which_commands_it_does() {
    let (url, calls) = fake().await;
    let (app, sink) = app(&url);

    // Discord's documented slash command: `/cardsearch` is not one of ours.
    let theirs = common::example("discord_interaction_slash_command.json");
    let (status, body) = call(&app, &theirs).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        private("Questo bot gestisce /ticket, /kb e /helpdesk."),
        "in the guild's language"
    );

    // A message command of another name.
    let mut other = theirs.clone();
    other["data"] = json!({ "id": "9", "type": 3, "name": "Translate", "target_id": "5" });
    assert_eq!(
        call(&app, &other).await.1,
        private("Questo bot gestisce /ticket, /kb e /helpdesk.")
    );

    // `/ticket list` in a DM, and no `dm_guild` is set: no guild to serve it for.
    let mut direct = theirs.clone();
    for key in ["guild_id", "member", "guild_locale"] {
        direct.as_object_mut().unwrap().remove(key);
    }
    direct["user"] = json!({ "id": "53908232506183680", "username": "Mason" });
    direct["data"] = json!({ "id": "9", "type": 1, "name": "ticket",
        "options": [{ "type": 1, "name": "list" }] });
    assert_eq!(call(&app, &direct).await.1, private(HANDLED));

    // An autocomplete for a command that is not ours: the one choice says it.
    let mut typing = theirs.clone();
    typing["type"] = json!(4);
    typing["data"]["options"] =
        json!([{ "type": 3, "name": "cardname", "value": "Gitr", "focused": true }]);
    let (_, body) = call(&app, &typing).await;
    let choice = "Questo bot gestisce /ticket, /kb e /helpdesk.";
    assert_eq!(
        body,
        json!({ "type": 8, "data": { "choices": [{ "name": choice, "value": choice }] } })
    );

    assert!(
        sink.seen.lock().unwrap().is_empty(),
        "nothing reached the desk"
    );
    assert!(calls.lock().unwrap().is_empty(), "answered in the response");
}

#[tokio::test]
async fn a_click_that_edits_another_message_is_acknowledged_at_once_not_at_the_deadline() {
    let (url, calls) = fake().await;
    let (app, sink) = app(&url);
    let mut click = common::example("discord_button_interaction_data.jsonc");
    click["data"]["custom_id"] = "ticket.claim:7".into();
    click["message"] = json!({ "id": "1100000000000000055" });

    let started = Instant::now();
    let (status, body) = call(&app, &click).await;
    let answered = started.elapsed();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({ "type": 6 }),
        "the clicked message stays as it is"
    );
    // The deadline is 2 s: an answer held to it cannot come in under one.
    assert!(
        answered < Duration::from_secs(1),
        "answered after {answered:?}"
    );
    assert_eq!(sink.seen.lock().unwrap().len(), 1);
    // The card was edited the usual way, and nothing else was sent.
    let calls = calls.lock().unwrap().clone();
    let edits: Vec<_> = calls
        .iter()
        .map(|(_, method, path, body)| (method.as_str(), path.as_str(), body["content"].clone()))
        .collect();
    assert_eq!(
        edits,
        [(
            "PATCH",
            "/channels/645027906669510667/messages/1100000000000000099",
            json!("#7 · claimed by Mason")
        )]
    );
}

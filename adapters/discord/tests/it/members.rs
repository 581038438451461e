//! Direct messages against a small fake REST API on 127.0.0.1: a DM is the DM guild's only when
//! its author is a member there, it then carries their roles from that guild, and a membership
//! is asked once per while, not per message.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, Uri};
use axum::response::IntoResponse;
use ed25519_dalek::{Signer, SigningKey};
use helpdesk_chat::{ChatEvent, EventKind, EventSink, Sender, SinkFuture, Taken, TenantText};
use helpdesk_discord::members::{Admission, Members};
use helpdesk_discord::rest::Rest;
use helpdesk_discord::signature::PublicKey;
use helpdesk_discord::{DiscordSettings, Interactions};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

const GUILD: &str = "1200000000000000002";
const ADA: &str = "1200000000000000032";
const LUISA: &str = "1200000000000000034";
const STRANGER: &str = "1200000000000000099";
const ROLE_L1: &str = "1200000000000000021";

type Calls = Arc<Mutex<Vec<String>>>;

/// Ada is an L1 agent of the guild, Luisa a plain member; anyone else is no member, and the
/// user `500` makes Discord fail.
async fn fake() -> (String, Calls) {
    let calls: Calls = Arc::default();
    let kept = calls.clone();
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri| {
        let calls = kept.clone();
        async move {
            let path = uri.path().trim_start_matches("/api/v10").to_string();
            calls.lock().unwrap().push(format!("{method} {path}"));
            let member = |user: &str, nick: Option<&str>, roles: &[&str]| {
                axum::Json(json!({
                    "user": { "id": user, "username": user }, "nick": nick, "roles": roles,
                    "joined_at": "2024-01-01T00:00:00+00:00", "deaf": false, "mute": false,
                }))
                .into_response()
            };
            match path.strip_prefix(&format!("/guilds/{GUILD}/members/")) {
                Some(ADA) => member(ADA, Some("Ada (IT)"), &[ROLE_L1]),
                Some(LUISA) => member(LUISA, None, &[]),
                Some("1200000000000000500") => (
                    StatusCode::BAD_GATEWAY,
                    axum::Json(json!({ "code": 0, "message": "upstream" })),
                )
                    .into_response(),
                _ => (
                    StatusCode::NOT_FOUND,
                    axum::Json(json!({ "code": 10007, "message": "Unknown Member" })),
                )
                    .into_response(),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/v10", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, calls)
}

fn settings(url: &str) -> DiscordSettings {
    let mut settings = DiscordSettings::new("down");
    settings.api_url = url.to_string();
    settings.token = Some(helpdesk_chat::Secret::new("MQ.x.y"));
    settings.dm_guild = Some(GUILD.into());
    settings.not_member_text = TenantText::new("Only members of our server can use this desk.");
    settings
}

fn members(url: &str) -> Members {
    Members::new(Rest::new(&settings(url)))
}

/// A DM to the bot, as the decoder makes it: the DM guild, no roles.
fn direct(user: &str) -> ChatEvent {
    ChatEvent {
        platform: helpdesk_discord::PLATFORM,
        event_id: format!("message:{user}"),
        tenant: GUILD.into(),
        sender: Sender {
            id: user.into(),
            name: "someone".into(),
            groups: vec![],
            is_bot: false,
            locale: None,
        },
        channel: "1200000000000000700".into(),
        thread: None,
        kind: EventKind::Message {
            text: "my badge does not open door 3".into(),
            message_id: "1200000000000000800".into(),
            direct: true,
            mentions_bot: false,
            attachments: vec![],
        },
    }
}

#[tokio::test]
async fn a_member_s_direct_message_carries_their_roles_from_the_dm_guild() {
    let (url, calls) = fake().await;
    let members = members(&url);
    let mut ada = direct(ADA);
    assert_eq!(members.admit(&mut ada).await, Admission::Member);
    assert_eq!(ada.sender.groups, [ROLE_L1]);
    assert_eq!(ada.sender.name, "Ada (IT)");
    let mut luisa = direct(LUISA);
    assert_eq!(members.admit(&mut luisa).await, Admission::Member);
    assert!(luisa.sender.groups.is_empty());
    assert_eq!(luisa.sender.name, "someone", "no nickname: the name stays");
    // Asked once per while, not once per message.
    let mut again = direct(ADA);
    assert_eq!(members.admit(&mut again).await, Admission::Member);
    assert_eq!(again.sender.groups, [ROLE_L1]);
    let asked = calls.lock().unwrap().clone();
    assert_eq!(
        asked,
        [
            format!("GET /guilds/{GUILD}/members/{ADA}"),
            format!("GET /guilds/{GUILD}/members/{LUISA}"),
        ]
    );
}

#[tokio::test]
async fn a_direct_message_from_a_non_member_or_when_discord_cannot_say_is_not_let_in() {
    let (url, calls) = fake().await;
    let members = members(&url);
    let mut stranger = direct(STRANGER);
    assert_eq!(members.admit(&mut stranger).await, Admission::NotMember);
    assert!(stranger.sender.groups.is_empty());
    // A stranger who claims roles in the payload gets none of them.
    let mut claiming = direct(STRANGER);
    claiming.sender.groups = vec![ROLE_L1.into()];
    assert_eq!(members.admit(&mut claiming).await, Admission::NotMember);
    let mut unknown = direct("1200000000000000500");
    assert!(matches!(
        members.admit(&mut unknown).await,
        Admission::Unknown(_)
    ));
    // The stranger is told once, however often they write.
    members
        .tell_not_member(STRANGER, "1200000000000000700", "Members only.")
        .await;
    members
        .tell_not_member(STRANGER, "1200000000000000700", "Members only.")
        .await;
    let told = calls
        .lock()
        .unwrap()
        .iter()
        .filter(|c| c.starts_with("POST /channels/1200000000000000700/messages"))
        .count();
    assert_eq!(told, 1);
}

#[derive(Default)]
struct Recording(Mutex<Vec<ChatEvent>>);

impl EventSink for Recording {
    fn deliver(&self, event: ChatEvent) -> SinkFuture<'_> {
        Box::pin(async move {
            self.0.lock().unwrap().push(event);
            Ok(Taken::default())
        })
    }
}

/// `/ticket list` typed in a DM with the bot (a DM interaction has a `user`, no guild).
fn direct_command(id: &str, user: &str) -> Vec<u8> {
    json!({
        "id": id, "application_id": "1", "type": 2, "token": format!("tok-{id}"), "version": 1,
        "channel_id": "1200000000000000700", "channel": { "id": "1200000000000000700", "type": 1 },
        "user": { "id": user, "username": user },
        "data": { "id": "9", "type": 1, "name": "ticket", "options": [{ "type": 1, "name": "list" }] },
    })
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn a_command_in_a_dm_reaches_the_desk_only_from_a_member_with_their_roles() {
    let (url, _calls) = fake().await;
    let signer = SigningKey::from_bytes(&[7; 32]);
    let hex: String = signer
        .verifying_key()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let settings = settings(&url);
    let rest = Rest::new(&settings);
    let interactions = Interactions::new(rest.clone(), Some("1".into()));
    let sink = Arc::new(Recording::default());
    let app = helpdesk_discord::http::router(
        Arc::new(settings),
        PublicKey::parse(&hex).unwrap(),
        sink.clone(),
        interactions,
        Members::new(rest),
        Arc::new(|| 1_700_000_000),
    );
    let call = |body: Vec<u8>| {
        let ts = "1700000000";
        let signature: String = signer
            .sign(&[ts.as_bytes(), &body].concat())
            .to_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let request = Request::post("/discord/interactions")
            .header("x-signature-ed25519", signature)
            .header("x-signature-timestamp", ts)
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap();
        let app = app.clone();
        async move {
            let response = app.oneshot(request).await.unwrap();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            serde_json::from_slice::<Value>(&bytes).unwrap()
        }
    };
    let refused = call(direct_command("1200000000000000901", STRANGER)).await;
    assert_eq!(
        refused,
        json!({ "type": 4, "data": {
            "content": "Only members of our server can use this desk.",
            "flags": 64, "allowed_mentions": { "parse": [] },
        } })
    );
    assert!(
        sink.0.lock().unwrap().is_empty(),
        "nothing reached the desk"
    );
    call(direct_command("1200000000000000902", ADA)).await;
    let seen = sink.0.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].tenant, GUILD);
    assert_eq!(seen[0].sender.id, ADA);
    assert_eq!(seen[0].sender.groups, [ROLE_L1]);
}

//! Direct messages against a small fake REST API on 127.0.0.1: a DM is the DM guild's only when
//! its author is a member there, it then carries their roles from that guild, and a membership
//! is asked once per while, not per message.

use axum::http::{Method, StatusCode, Uri};
use axum::response::IntoResponse;
use helpdesk_chat::{ChatEvent, EventKind, Platform, Sender};
use helpdesk_discord::members::{Admission, Members};
use helpdesk_discord::rest::Rest;
use helpdesk_discord::DiscordSettings;
use serde_json::json;
use std::sync::{Arc, Mutex};

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

fn members(url: &str) -> Members {
    let mut settings = DiscordSettings::new("down");
    settings.api_url = url.to_string();
    settings.token = Some(helpdesk_chat::Secret::new("MQ.x.y"));
    Members::new(Rest::new(&settings))
}

/// A DM to the bot, as the decoder makes it: the DM guild, no roles.
fn direct(user: &str) -> ChatEvent {
    ChatEvent {
        platform: Platform::Discord,
        event_id: format!("message:{user}"),
        tenant: GUILD.into(),
        sender: Sender {
            id: user.into(),
            name: "someone".into(),
            groups: vec![],
            is_bot: false,
        },
        channel: "1200000000000000700".into(),
        thread: None,
        kind: EventKind::Message {
            text: "my badge does not open door 3".into(),
            message_id: "1200000000000000800".into(),
            direct: true,
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

//! The platform against a small fake REST API on 127.0.0.1: answers that come after the
//! interaction was answered become follow-ups on its token, a retried private conversation
//! finds its thread instead of opening a second one, DMs take what threads cannot.

use axum::body::Bytes;
use axum::http::{Method, StatusCode, Uri};
use axum::response::IntoResponse;
use helpdesk_chat::{Attempt, ChatAction, ChatPlatform, RichMessage};
use helpdesk_discord::interactions::Received;
use helpdesk_discord::rest::Rest;
use helpdesk_discord::{DiscordPlatform, DiscordSettings, Interactions};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Calls = Arc<Mutex<Vec<(String, String, Value)>>>;

/// Records every call; knows one active private thread named "#7 printer".
async fn fake() -> (String, Calls) {
    let calls: Calls = Arc::default();
    let kept = calls.clone();
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri, body: Bytes| {
        let calls = kept.clone();
        async move {
            let path = uri.path().trim_start_matches("/api/v10").to_string();
            let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            calls
                .lock()
                .unwrap()
                .push((method.to_string(), path.clone(), body.clone()));
            match (method.as_str(), path.as_str()) {
                ("GET", "/guilds/2/threads/active") => axum::Json(json!({ "threads": [
                    { "id": "900", "type": 12, "parent_id": "3", "name": "#7 printer" }
                ] }))
                .into_response(),
                ("POST", "/channels/4/threads") => (
                    StatusCode::BAD_REQUEST,
                    axum::Json(json!({ "code": 50003, "message": "Cannot execute action on a DM channel" })),
                )
                    .into_response(),
                // Another replica answered interaction 300 already.
                ("POST", "/interactions/300/tok300/callback") => (
                    StatusCode::BAD_REQUEST,
                    axum::Json(json!({ "code": 40060, "message": "Interaction has already been acknowledged." })),
                )
                    .into_response(),
                ("POST", p) if p.ends_with("/callback") => StatusCode::NO_CONTENT.into_response(),
                // Someone who already left the thread.
                ("DELETE", "/channels/900/thread-members/32") => (
                    StatusCode::NOT_FOUND,
                    axum::Json(json!({ "code": 10007, "message": "Unknown Member" })),
                )
                    .into_response(),
                ("DELETE", _) => StatusCode::NO_CONTENT.into_response(),
                // The bot was taken out of channel 5; person 33 takes no DMs from it.
                ("POST", "/channels/5/messages") => (
                    StatusCode::FORBIDDEN,
                    axum::Json(json!({ "code": 50001, "message": "Missing Access" })),
                )
                    .into_response(),
                ("POST", "/channels/778/messages") => (
                    StatusCode::FORBIDDEN,
                    axum::Json(json!({ "code": 50007, "message": "Cannot send messages to this user" })),
                )
                    .into_response(),
                ("POST", "/users/@me/channels") if body["recipient_id"] == "33" => {
                    axum::Json(json!({ "id": "778", "type": 1 })).into_response()
                }
                // Person 32's DM is channel 776; 777 is a message in it, not a channel, and a
                // DM has no threads.
                ("POST", "/users/@me/channels") if body["recipient_id"] == "32" => {
                    axum::Json(json!({ "id": "776", "type": 1 })).into_response()
                }
                ("POST", "/channels/777/messages") => (
                    StatusCode::NOT_FOUND,
                    axum::Json(json!({ "code": 10003, "message": "Unknown Channel" })),
                )
                    .into_response(),
                ("POST", "/channels/776/messages/777/threads") => (
                    StatusCode::BAD_REQUEST,
                    axum::Json(json!({ "code": 50003, "message": "Cannot execute action on a DM channel" })),
                )
                    .into_response(),
                _ => axum::Json(json!({ "id": "777" })).into_response(),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/v10", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, calls)
}

fn platform(url: &str) -> (DiscordPlatform, Interactions) {
    let mut settings = DiscordSettings::new("down");
    settings.api_url = url.to_string();
    settings.token = Some(helpdesk_chat::Secret::new("MQ.x.y"));
    let rest = Rest::new(&settings);
    let interactions = Interactions::new(rest.clone(), Some("1".into()));
    (
        DiscordPlatform::new(rest, interactions.clone()),
        interactions,
    )
}

fn calls_to(calls: &Calls, method: &str, path: &str) -> Vec<Value> {
    calls
        .lock()
        .unwrap()
        .iter()
        .filter(|(m, p, _)| m == method && p == path)
        .map(|(_, _, b)| b.clone())
        .collect()
}

/// A command user 31 typed in channel 3.
fn command(id: &str, token: &str) -> Received {
    Received {
        id: id.into(),
        token: token.into(),
        user: "31".into(),
        channel: "3".into(),
        guild: "2".into(),
        click: false,
        message: None,
        received_text: "Got it".into(),
        inline: None,
    }
}

#[tokio::test]
async fn a_private_answer_after_the_deferral_is_a_follow_up() {
    let (url, calls) = fake().await;
    let (platform, interactions) = platform(&url);
    interactions.received(command("100", "tok"), Duration::from_secs(60));
    // The desk had nothing of its own: answered at once.
    interactions.defer_now("100").await;
    let deferral = calls_to(&calls, "POST", "/interactions/100/tok/callback");
    assert_eq!(deferral.len(), 1);
    assert_eq!(deferral[0]["data"]["content"], "Got it");
    // Then a private message for the same person in the same channel: a follow-up.
    let told = ChatAction::Ephemeral {
        channel: "3".into(),
        thread: None,
        user: "31".into(),
        message: RichMessage::text("Ticket #7 is yours"),
        trigger: None,
    };
    let attempt = Attempt {
        key: "9",
        again: false,
    };
    platform.send("2", &told, None, attempt).await.unwrap();
    let follow_ups = calls_to(&calls, "POST", "/webhooks/1/tok");
    assert_eq!(follow_ups.len(), 1, "{:?}", calls.lock().unwrap());
    assert_eq!(follow_ups[0]["content"], "Ticket #7 is yours");
    assert_eq!(follow_ups[0]["flags"], 64, "only they see it");
    // Someone with no interaction here gets a DM instead.
    let other = ChatAction::Ephemeral {
        channel: "3".into(),
        thread: None,
        user: "32".into(),
        message: RichMessage::text("hello"),
        trigger: None,
    };
    platform.send("2", &other, None, attempt).await.unwrap();
    assert_eq!(
        calls_to(&calls, "POST", "/users/@me/channels")[0]["recipient_id"],
        "32"
    );
}

/// One person, two commands in the same channel within milliseconds: each answer goes to the
/// command it answers, not to the latest; one received by another replica still gets its own.
#[tokio::test]
async fn a_private_answer_rides_on_the_interaction_it_answers() {
    let (url, calls) = fake().await;
    let (platform, interactions) = platform(&url);
    for id in ["200", "201"] {
        interactions.received(command(id, &format!("tok{id}")), Duration::from_secs(60));
    }
    let answer = |trigger: &str, text: &str| ChatAction::Ephemeral {
        channel: "3".into(),
        thread: None,
        user: "31".into(),
        message: RichMessage::text(text),
        trigger: Some(helpdesk_discord::decode::trigger(
            trigger,
            &format!("tok{trigger}"),
        )),
    };
    let attempt = Attempt {
        key: "9",
        again: false,
    };
    // Each command gets its own answer, whichever came last.
    for (id, text) in [("200", "first"), ("201", "second")] {
        platform
            .send("2", &answer(id, text), None, attempt)
            .await
            .unwrap();
        let path = format!("/interactions/{id}/tok{id}/callback");
        let answered = calls_to(&calls, "POST", &path);
        assert_eq!(answered.len(), 1, "{:?}", calls.lock().unwrap());
        assert_eq!(answered[0]["data"]["content"], text);
    }
    assert!(calls_to(&calls, "POST", "/webhooks/1/tok200").is_empty());
    assert!(calls_to(&calls, "POST", "/webhooks/1/tok201").is_empty());

    // Interaction 300 is another replica's, which answered it: a follow-up on its token.
    platform
        .send("2", &answer("300", "third"), None, attempt)
        .await
        .unwrap();
    let follow_ups = calls_to(&calls, "POST", "/webhooks/1/tok300");
    assert_eq!(follow_ups.len(), 1, "{:?}", calls.lock().unwrap());
    assert_eq!(follow_ups[0]["content"], "third");
    assert_eq!(follow_ups[0]["flags"], 64);
}

#[tokio::test]
async fn a_retried_private_conversation_finds_its_thread() {
    let (url, calls) = fake().await;
    let (platform, _) = platform(&url);
    let open = ChatAction::OpenThread {
        channel: "3".into(),
        key: "req:7".into(),
        name: "#7 printer".into(),
        members: vec!["31".into()],
        message: RichMessage::text("Ticket #7 is open"),
    };
    let again = Attempt {
        key: "5",
        again: true,
    };
    let delivered = platform.send("2", &open, None, again).await.unwrap();
    assert_eq!(delivered.posted.unwrap().message_id, "900");
    assert!(
        calls_to(&calls, "POST", "/channels/3/threads").is_empty(),
        "no second thread"
    );
    assert_eq!(
        calls_to(&calls, "PUT", "/channels/900/thread-members/31").len(),
        1
    );
    assert_eq!(calls_to(&calls, "POST", "/channels/900/messages").len(), 1);

    // In a DM there are no threads: the conversation is the DM.
    let in_dm = ChatAction::OpenThread {
        channel: "4".into(),
        key: "req:8".into(),
        name: "#8 badge".into(),
        members: vec!["31".into()],
        message: RichMessage::text("Ticket #8 is open"),
    };
    let first = Attempt {
        key: "6",
        again: false,
    };
    let delivered = platform.send("2", &in_dm, None, first).await.unwrap();
    assert_eq!(delivered.posted.unwrap().channel, "4");
    assert_eq!(calls_to(&calls, "POST", "/channels/4/messages").len(), 1);
}

#[tokio::test]
async fn a_former_agent_is_taken_out_of_the_requesters_private_thread() {
    let (url, calls) = fake().await;
    let (platform, _) = platform(&url);
    let attempt = Attempt {
        key: "9",
        again: false,
    };
    for user in ["31", "32"] {
        let out = ChatAction::RemoveFromThread {
            channel: "3".into(),
            thread: helpdesk_chat::ThreadRef::Id("900".into()),
            user: user.into(),
        };
        platform
            .send("2", &out, None, attempt)
            .await
            .expect("taken out, or already gone");
    }
    assert_eq!(
        calls_to(&calls, "DELETE", "/channels/900/thread-members/31").len(),
        1
    );
    assert_eq!(
        calls_to(&calls, "DELETE", "/channels/900/thread-members/32").len(),
        1
    );
}

#[tokio::test]
async fn a_place_closed_to_the_bot_is_unreachable_and_a_direct_message_opens_the_dm() {
    let (url, calls) = fake().await;
    let (platform, _) = platform(&url);
    let attempt = Attempt {
        key: "11",
        again: false,
    };
    let post = ChatAction::Post {
        channel: "5".into(),
        message: RichMessage::text("Ticket #7 is open"),
        key: None,
    };
    let refused = platform.send("2", &post, None, attempt).await;
    assert!(
        matches!(refused, Err(helpdesk_chat::SendError::Unreachable(_))),
        "{refused:?}"
    );
    // Direct messages are heard as guild 2's: another guild's ticket cannot go on there.
    let platform = platform.with_dm_guild(Some("2".into()));
    let elsewhere = ChatAction::DirectMessage {
        user: "32".into(),
        key: "dm:8".into(),
        message: RichMessage::text("Your ticket #8 goes on here"),
    };
    let refused = platform.send("9", &elsewhere, None, attempt).await;
    assert!(
        matches!(refused, Err(helpdesk_chat::SendError::Unreachable(_))),
        "{refused:?}"
    );
    assert!(calls_to(&calls, "POST", "/users/@me/channels").is_empty());
    // A direct message opens the person's DM and lands there, named for later replies.
    let direct = |user: &str| ChatAction::DirectMessage {
        user: user.into(),
        key: "dm:7".into(),
        message: RichMessage::text("Your ticket #7 goes on here"),
    };
    let delivered = platform
        .send("2", &direct("32"), None, attempt)
        .await
        .unwrap();
    let opened = calls_to(&calls, "POST", "/users/@me/channels");
    assert_eq!(opened[0]["recipient_id"], "32");
    let posted = delivered.posted.expect("where it landed");
    assert_eq!(posted.channel, "776");
    assert_eq!(
        calls_to(&calls, "POST", "/channels/776/messages")[0]["content"],
        "Your ticket #7 goes on here"
    );
    // A reply to it lands in that DM (the action names the person, the post names the DM).
    let reply = ChatAction::Reply {
        channel: "32".into(),
        thread: helpdesk_chat::ThreadRef::Message("dm:7".into()),
        message: RichMessage::text("Please restart the printer"),
    };
    platform
        .send("2", &reply, Some(&posted), attempt)
        .await
        .unwrap();
    let in_dm = calls_to(&calls, "POST", "/channels/776/messages");
    assert_eq!(
        in_dm.last().unwrap()["content"],
        "Please restart the printer",
        "{:?}",
        calls.lock().unwrap()
    );
    // Someone whose DMs are closed to the bot cannot be reached either.
    let refused = platform.send("2", &direct("33"), None, attempt).await;
    assert!(
        matches!(refused, Err(helpdesk_chat::SendError::Unreachable(_))),
        "{refused:?}"
    );
}

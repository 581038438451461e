//! The Socket Mode client against a fake Slack: Slack's `disconnect` in any state (mid-envelope,
//! several in a row, idle) loses no envelope and never opens more than one link too many;
//! envelopes are acknowledged on their own link, each by its own deadline, with a payload only
//! when there is an answer.

use crate::fake::{socket_mode, socket_mode_within, Desk, Fake, DESK_DOWN, INSTALLED, NOT_SET_UP};
use helpdesk_chat::{ChatEvent, EventKind};
use serde_json::{json, Value};
use std::time::Duration;

/// An Events API message in the installed workspace.
pub fn message(text: &str, ts: &str) -> Value {
    json!({
        "token": "x", "team_id": INSTALLED, "api_app_id": "A1", "type": "event_callback",
        "event_id": format!("Ev{ts}"), "event_time": 1_800_000_000,
        "authorizations": [{ "team_id": INSTALLED, "user_id": "UBOT", "is_bot": true }],
        "event": { "type": "message", "channel": "C0HELP", "user": "U0ADA", "text": text,
                   "ts": ts, "event_ts": ts, "channel_type": "channel" },
    })
}

/// The `/ticket` command.
pub fn command(text: &str, trigger: &str) -> Value {
    json!({
        "token": "x", "team_id": INSTALLED, "team_domain": "home", "channel_id": "C0HELP",
        "channel_name": "help", "user_id": "U0ADA", "user_name": "ada", "command": "/ticket",
        "text": text, "api_app_id": "A1", "response_url": "https://hooks.example/x",
        "trigger_id": trigger,
    })
}

fn text_of(event: &ChatEvent) -> &str {
    match &event.kind {
        EventKind::Message { text, .. } => text,
        _ => "",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_envelope_on_the_old_link_after_a_disconnect_is_acknowledged_and_taken() {
    let fake = Fake::start().await;
    // The first envelope is still with the desk when the disconnect comes.
    let desk = Desk::holding(|e| text_of(e) == "first");
    let socket = socket_mode(&fake, 1, desk.clone()).await;
    let old = fake.links(1).await[0];

    let first = fake.envelope(old, "events_api", message("first", "1800000000.000001"));
    // Slack's own timing: the disconnect follows the envelope 2 ms later.
    tokio::time::sleep(Duration::from_millis(2)).await;
    fake.disconnect(old, "refresh_requested");
    desk.event("the first envelope", |e| text_of(e) == "first")
        .await;
    // The replacement opens while the old link still has an envelope to acknowledge.
    let links = fake.links(2).await;
    assert_eq!(
        links[0], old,
        "the old link stays until its envelope is acknowledged"
    );

    // Slack still sends on the old link: it is read and acknowledged there.
    let second = fake.envelope(old, "events_api", message("second", "1800000000.000002"));
    assert_eq!(
        fake.ack(&second).await.0,
        old,
        "acknowledged on its own link"
    );
    desk.event("the second envelope", |e| text_of(e) == "second")
        .await;
    desk.release();
    let (link, ack) = fake.ack(&first).await;
    assert_eq!(link, old);
    assert_eq!(
        ack,
        json!({ "envelope_id": first }),
        "no payload for an event"
    );

    // Only then does the old link close; one link is left.
    fake.closed(old).await;
    let left = fake.links(1).await;
    assert_ne!(left[0], old);
    assert_eq!(fake.most_links(), 2, "never more than one link too many");
    assert_eq!(
        desk.events().len(),
        2,
        "each envelope reached the desk once"
    );
    socket.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_disconnects_in_a_row_keep_the_links_bounded() {
    let fake = Fake::start().await;
    let desk = Desk::new();
    let socket = socket_mode(&fake, 2, desk.clone()).await;
    let first = fake.links(2).await;
    for reason in ["warning", "refresh_requested", "refresh_requested"] {
        fake.disconnect(first[0], reason);
    }
    for reason in ["link_disabled", "refresh_requested"] {
        fake.disconnect(first[1], reason);
    }
    fake.closed(first[0]).await;
    fake.closed(first[1]).await;
    let now = fake.links(2).await;
    assert!(now.iter().all(|l| !first.contains(l)), "{now:?} {first:?}");
    assert!(
        fake.most_links() <= 3,
        "{} links at once",
        fake.most_links()
    );
    assert_eq!(
        fake.called("apps.connections.open"),
        4,
        "one replacement per link, however often Slack asked"
    );
    // The new links take envelopes.
    for (i, link) in now.iter().enumerate() {
        let ts = format!("1800000000.00000{i}");
        let envelope = fake.envelope(*link, "events_api", message("again", &ts));
        assert_eq!(fake.ack(&envelope).await.0, *link);
    }
    socket.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_disconnect_replaces_the_link() {
    let fake = Fake::start().await;
    let desk = Desk::new();
    let socket = socket_mode(&fake, 1, desk.clone()).await;
    let old = fake.links(1).await[0];
    fake.disconnect(old, "refresh_requested");
    fake.closed(old).await;
    let new = fake.links(1).await[0];
    assert_ne!(new, old);
    assert!(fake.most_links() <= 2);
    let envelope = fake.envelope(new, "events_api", message("hello", "1800000000.000001"));
    assert_eq!(fake.ack(&envelope).await.0, new);
    desk.event("the envelope on the new link", |e| text_of(e) == "hello")
        .await;
    socket.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_desk_holds_neither_the_next_envelope_nor_its_own_ack_past_the_deadline() {
    let fake = Fake::start().await;
    let desk = Desk::holding(|e| text_of(e) == "slow");
    let socket = socket_mode_within(&fake, 1, Duration::from_millis(1500), desk.clone()).await;
    let link = fake.links(1).await[0];
    let slow = fake.envelope(link, "events_api", message("slow", "1800000000.000001"));
    desk.event("the slow envelope", |e| text_of(e) == "slow")
        .await;
    let fast = fake.envelope(link, "events_api", message("fast", "1800000000.000002"));
    fake.ack(&fast).await;
    assert_eq!(
        fake.acked(&slow),
        None,
        "the next envelope is not kept waiting behind a slow one"
    );
    // The desk never finishes: the ack goes out at the deadline all the same.
    let (_, ack) = fake.ack(&slow).await;
    assert_eq!(ack, json!({ "envelope_id": slow }));
    desk.release();
    socket.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slash_command_is_acknowledged_with_a_payload_only_when_there_is_an_answer() {
    let fake = Fake::start().await;
    let desk = Desk::new();
    let socket = socket_mode(&fake, 1, desk.clone()).await;
    let link = fake.links(1).await[0];
    let envelope = fake.envelope(link, "slash_commands", command("list", "1.1.a"));
    let (_, ack) = fake.ack(&envelope).await;
    assert_eq!(
        ack,
        json!({ "envelope_id": envelope }),
        "an empty answer shows nothing"
    );
    socket.stop().await;

    // Where there is something to say, it is said in the acknowledgement.
    for (desk, said) in [(Desk::unserved(), NOT_SET_UP), (Desk::failing(), DESK_DOWN)] {
        let fake = Fake::start().await;
        let socket = socket_mode(&fake, 1, desk).await;
        let link = fake.links(1).await[0];
        let envelope = fake.envelope(link, "slash_commands", command("list", "1.1.b"));
        let (_, ack) = fake.ack(&envelope).await;
        assert_eq!(
            ack["payload"],
            json!({ "response_type": "ephemeral", "text": said }),
            "{ack}"
        );
        socket.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_event_is_left_for_slack_to_send_again_and_the_link_goes_on() {
    let fake = Fake::start().await;
    let desk = Desk::failing();
    let socket = socket_mode_within(&fake, 1, Duration::from_millis(300), desk.clone()).await;
    let link = fake.links(1).await[0];
    let failed = fake.envelope(link, "events_api", message("lost?", "1800000000.000001"));
    desk.event("the failed event", |e| text_of(e) == "lost?")
        .await;
    // A slash command after it on the same link is answered: the link still reads.
    let envelope = fake.envelope(link, "slash_commands", command("", "1.1.c"));
    fake.ack(&envelope).await;
    assert_eq!(
        fake.acked(&failed),
        None,
        "not acknowledged: Slack sends it again"
    );
    socket.stop().await;
}

//! What Slack's payloads mean at the edge, delivered through Socket Mode and signed HTTP to a
//! desk: entities decoded once, the installed team as the tenant (Slack Connect), an empty
//! modal state accepted, modal clicks answered where the form was opened, one message taken
//! once whichever event brings it.

use crate::fake::{self, socket_mode, Desk, Fake, INSTALLED};
use crate::socket::{command, message};
use helpdesk_chat::{ChatEvent, EventKind, RichMessage};
use helpdesk_slack::{decode, http, render};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::Duration;

/// Another organisation's workspace, in a Slack Connect channel with ours.
const GUEST: &str = "T0GUEST";

fn example(name: &str) -> Value {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/platform-examples/slack");
    serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap()
}

/// A modal the desk opened from `origin` (its `private_metadata`).
fn modal(origin: &str, state: Value) -> Value {
    json!({
        "id": "V0FORM", "team_id": GUEST, "type": "modal", "app_installed_team_id": INSTALLED,
        "title": { "type": "plain_text", "text": "New ticket" },
        "blocks": [], "private_metadata": origin, "callback_id": "ticket.new",
        "state": state, "hash": "1700000000.abc",
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_entities_are_decoded_once_and_rendered_escaped_once() {
    let fake = Fake::start().await;
    let desk = Desk::new();
    let socket = socket_mode(&fake, 1, desk.clone()).await;
    let link = fake.links(1).await[0];
    // As Slack sends "Room <3rd floor> & the &lt; I typed".
    let typed = "Room &lt;3rd floor&gt; &amp; the &amp;lt; I typed";
    fake.envelope(link, "events_api", message(typed, "1800000000.000001"));
    fake.envelope(
        link,
        "slash_commands",
        command("new printer &lt;3rd floor&gt;", "1.1"),
    );
    let said = desk
        .event("the message", |e| {
            matches!(e.kind, EventKind::Message { .. })
        })
        .await;
    let EventKind::Message { text, .. } = &said.kind else {
        unreachable!()
    };
    assert_eq!(text, "Room <3rd floor> & the &lt; I typed");
    let rendered = serde_json::to_string(&render::blocks(&RichMessage::text(text))).unwrap();
    assert!(
        rendered.contains("Room &lt;3rd floor&gt; &amp; the &amp;lt; I typed"),
        "{rendered}"
    );
    let asked = desk
        .event("the command", |e| {
            matches!(e.kind, EventKind::Command { .. })
        })
        .await;
    assert!(
        matches!(&asked.kind, EventKind::Command { args, .. } if args == "new printer <3rd floor>"),
        "{:?}",
        asked.kind
    );
    assert_eq!(decode::unescape("&amp;amp; &lt&gt; &"), "&amp; &lt> &");
    socket.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slack_connect_guest_belongs_to_the_installed_workspace() {
    let fake = Fake::start().await;
    let desk = Desk::new();
    let socket = socket_mode(&fake, 1, desk.clone()).await;
    let link = fake.links(1).await[0];

    // An event: the outer team is the guest's, the authorization the installed team's.
    let mut event = message("from the other org", "1800000000.000001");
    event["team_id"] = json!(GUEST);
    event["event"]["team"] = json!(GUEST);
    fake.envelope(link, "events_api", event);
    // A form submitted by the guest: the view names the installed team.
    let submitted = json!({
        "type": "view_submission", "team": { "id": GUEST, "domain": "guest" },
        "user": { "id": "U0GUEST", "team_id": GUEST }, "api_app_id": "A1",
        "trigger_id": "1.2.3", "view": modal(r#"{"c":"C0HELP"}"#, json!({ "values": {} })),
    });
    fake.envelope(link, "interactive", submitted);

    let said = desk
        .event("the guest's message", |e| {
            matches!(e.kind, EventKind::Message { .. })
        })
        .await;
    assert_eq!(said.tenant, INSTALLED);
    let form = desk
        .event("the guest's form", |e| {
            matches!(e.kind, EventKind::FormSubmitted { .. })
        })
        .await;
    assert_eq!(
        (form.tenant.as_str(), form.sender.id.as_str()),
        (INSTALLED, "U0GUEST")
    );
    socket.stop().await;

    // The order, for payloads that name several teams.
    let cases = [
        (
            json!({ "view": { "app_installed_team_id": "T1", "team_id": "T6" },
                 "authorizations": [{ "team_id": "T2" }], "team": { "id": "T3" } }),
            "T1",
        ),
        (
            json!({ "authorizations": [{ "team_id": "T2" }], "team_id": "T4" }),
            "T2",
        ),
        (
            json!({ "team": { "id": "T3" }, "user": { "team_id": "T5" } }),
            "T3",
        ),
        (
            json!({ "team_id": "T4", "user": { "team_id": "T5" } }),
            "T4",
        ),
        (
            json!({ "user": { "team_id": "T5" }, "view": { "team_id": "T6" } }),
            "T5",
        ),
        (json!({ "view": { "team_id": "T6" } }), "T6"),
    ];
    for (payload, team) in cases {
        assert_eq!(decode::tenant(&payload).as_deref(), Some(team), "{payload}");
    }
}

/// Serves the signed HTTP endpoints on 127.0.0.1 for `desk`.
async fn endpoints(fake: &Fake, desk: std::sync::Arc<Desk>) -> SocketAddr {
    let settings = fake::settings(fake, 1, Duration::from_secs(2));
    let (_, inbound) = fake::inbound(settings, desk);
    let router = http::router(
        inbound,
        "edge-secret",
        std::sync::Arc::new(|| 1_800_000_000),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// A signed form POST; the status.
async fn signed_form(addr: SocketAddr, path: &str, body: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let signature = helpdesk_slack::signature::sign("edge-secret", "1800000000", body.as_bytes());
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         X-Slack-Request-Timestamp: 1800000000\r\nX-Slack-Signature: {signature}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_submitted_with_an_empty_state_is_taken() {
    let fake = Fake::start().await;
    let desk = Desk::new();
    let addr = endpoints(&fake, desk.clone()).await;
    // Slack's own example, as a form without inputs sends it.
    let mut submitted = example("slack_view_submission.json");
    submitted["view"]["state"] = json!({});
    submitted["view"]["private_metadata"] = json!(r#"{"c":"C0HELP","t":"1800000000.000009"}"#);
    submitted["team"]["id"] = json!(INSTALLED);
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &submitted.to_string())
        .finish();
    assert_eq!(signed_form(addr, "/slack/interactivity", &body).await, 200);
    let form = desk
        .event("the form", |e| {
            matches!(e.kind, EventKind::FormSubmitted { .. })
        })
        .await;
    assert!(
        matches!(&form.kind, EventKind::FormSubmitted { form, fields, .. }
            if form == "modal-callback-id" && fields.is_empty()),
        "{:?}",
        form.kind
    );
    assert_eq!(
        (form.channel.as_str(), form.thread.as_deref()),
        ("C0HELP", Some("1800000000.000009"))
    );
}

/// A click on a button of `view` (a modal or the App Home tab).
fn click_in(view: Value) -> Value {
    json!({
        "type": "block_actions", "team": { "id": INSTALLED, "domain": "home" },
        "user": { "id": "U0ADA", "team_id": INSTALLED }, "api_app_id": "A1",
        "container": { "type": "view", "view_id": "V0FORM" },
        "trigger_id": "9.9.9", "view": view,
        "actions": [{ "type": "button", "action_id": "kb.search#0", "block_id": "b",
                      "value": "v", "action_ts": "1800000000.1" }],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_in_a_modal_is_answered_where_the_form_was_opened_and_a_home_click_in_the_dm() {
    let fake = Fake::start().await;
    let desk = Desk::new();
    let socket = socket_mode(&fake, 1, desk.clone()).await;
    let link = fake.links(1).await[0];
    let mut view = modal(
        r#"{"c":"C0HELP","t":"1800000000.000009"}"#,
        json!({ "values": {} }),
    );
    view["team_id"] = json!(INSTALLED);
    fake.envelope(link, "interactive", click_in(view));
    let click = desk
        .event("the modal click", |e| {
            matches!(e.kind, EventKind::Action { .. })
        })
        .await;
    assert_eq!(
        (click.channel.as_str(), click.thread.as_deref()),
        ("C0HELP", Some("1800000000.000009")),
        "in the form's origin, not the person's DM"
    );
    assert!(matches!(&click.kind, EventKind::Action { id, .. } if id == "kb.search"));

    let home = json!({ "id": "V0HOME", "team_id": INSTALLED, "type": "home", "blocks": [] });
    let mut clicked = click_in(home);
    clicked["trigger_id"] = json!("9.9.10");
    fake.envelope(link, "interactive", clicked);
    let click = desk
        .event("the home click", |e| e.event_id == "action:9.9.10")
        .await;
    assert_eq!(
        click.channel, "DU0ADA",
        "a Home tab click is answered in the DM"
    );
    assert_eq!(click.thread, None);
    socket.stop().await;
}

/// Every event the desk got for this message.
fn taken(desk: &Desk, ts: &str) -> Vec<ChatEvent> {
    desk.events()
        .into_iter()
        .filter(|e| matches!(&e.kind, EventKind::Message { message_id, .. } if message_id == ts))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_message_under_several_event_ids_is_one_event() {
    let fake = Fake::start().await;
    let desk = Desk::new();
    let socket = socket_mode(&fake, 1, desk.clone()).await;
    let link = fake.links(1).await[0];
    let ts = "1800000000.000042";
    let said = message("<@UBOT> the VPN is down", ts);
    // The same message as an app_mention, under its own event id.
    let mut mention = said.clone();
    mention["event_id"] = json!("EvMention");
    mention["event"] = json!({
        "type": "app_mention", "user": "U0ADA", "text": "<@UBOT> the VPN is down",
        "ts": ts, "channel": "C0HELP", "event_ts": ts,
    });
    // And Slack's redelivery under yet another id.
    let mut again = said.clone();
    again["event_id"] = json!("EvAgain");
    let acks: Vec<String> = [said, mention, again]
        .into_iter()
        .map(|payload| fake.envelope(link, "events_api", payload))
        .collect();
    for ack in &acks {
        fake.ack(ack).await;
    }
    // Each was acknowledged once the desk had it.
    let events = taken(&desk, ts);
    assert_eq!(events.len(), 3);
    let id = format!("message:C0HELP:{ts}");
    for event in &events {
        assert_eq!(event.event_id, id, "the desk drops the repeats by this id");
        assert_eq!(event, &events[0], "the mention is the message itself");
    }
    // Whichever comes first, the desk hears that it was named, without the mention.
    assert!(
        matches!(&events[0].kind, EventKind::Message { text, mentions_bot: true, .. }
            if text == "the VPN is down"),
        "{:?}",
        events[0].kind
    );
    socket.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_alone_reaches_the_desk() {
    let fake = Fake::start().await;
    let desk = Desk::new();
    let socket = socket_mode(&fake, 1, desk.clone()).await;
    let link = fake.links(1).await[0];
    let mut mention = message("", "1800000000.000043");
    mention["event"] = json!({
        "type": "app_mention", "user": "U0ADA", "text": "<@UBOT> help &amp; thanks",
        "ts": "1800000000.000043", "thread_ts": "1800000000.000001",
        "channel": "C0OTHER", "event_ts": "1800000000.000043",
    });
    fake.envelope(link, "events_api", mention);
    let event = desk.event("the mention", |_| true).await;
    assert_eq!(
        (event.channel.as_str(), event.thread.as_deref()),
        ("C0OTHER", Some("1800000000.000001"))
    );
    assert!(
        matches!(&event.kind, EventKind::Message { text, direct: false, mentions_bot: true, .. }
            if text == "help & thanks"),
        "{:?}",
        event.kind
    );
    // A bot's mention is not.
    let mut bot = message("", "1800000000.000044");
    bot["event"] = json!({
        "type": "app_mention", "user": "U0BOT", "bot_id": "B1", "text": "<@UBOT> ping",
        "ts": "1800000000.000044", "channel": "C0OTHER",
    });
    let envelope = fake.envelope(link, "events_api", bot);
    fake.ack(&envelope).await;
    assert_eq!(desk.events().len(), 1);
    // A message naming someone else names nobody the desk knows: kept as written.
    let other = message(
        "ask <@U0LUISA> about <@UBOT|helpdesk> please",
        "1800000000.000045",
    );
    let envelope = fake.envelope(link, "events_api", other);
    fake.ack(&envelope).await;
    let event = desk
        .event("the message", |e| e.event_id.ends_with("000045"))
        .await;
    assert!(
        matches!(&event.kind, EventKind::Message { text, mentions_bot: true, .. }
            if text == "ask <@U0LUISA> about please"),
        "{:?}",
        event.kind
    );
    let plain = message("ask <@U0LUISA>", "1800000000.000046");
    let envelope = fake.envelope(link, "events_api", plain);
    fake.ack(&envelope).await;
    let event = desk
        .event("the plain message", |e| e.event_id.ends_with("000046"))
        .await;
    assert!(
        matches!(&event.kind, EventKind::Message { text, mentions_bot: false, .. }
            if text == "ask <@U0LUISA>"),
        "{:?}",
        event.kind
    );
    socket.stop().await;
}

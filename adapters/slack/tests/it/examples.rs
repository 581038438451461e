//! Every payload example from Slack's documentation and SDK tests (../shared/data) decodes to the
//! right event, or is ignored for a stated reason; the signing example verifies.

use helpdesk_chat::{ChatEvent, EventKind};
use helpdesk_slack::decode::{self, Decoded};
use helpdesk_slack::signature::{sign, verify, SignatureError, WINDOW_SECONDS};
use helpdesk_slack::SlackSettings;
use slack_morphism::prelude::*;
use std::path::PathBuf;

fn example(name: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/platform-examples/slack");
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn settings() -> SlackSettings {
    let mut s = SlackSettings::new("unavailable");
    // The documentation's commands stand for ours.
    s.commands
        .insert("/webhook-collect".into(), "ticket".into());
    s.commands.insert("/hello-socket-mode".into(), "kb".into());
    s
}

fn event(decoded: Decoded) -> ChatEvent {
    match decoded {
        Decoded::Event(e) => *e,
        Decoded::Ignored(why) => panic!("ignored: {why}"),
    }
}

#[test]
fn a_direct_message_to_the_bot_is_a_direct_message() {
    let body: SlackEventCallbackBody =
        serde_json::from_str(&example("slack_message_event_basic.json")).unwrap();
    let e = event(decode::callback_event("T1", "Ev1", &body));
    // A message is taken under its own identity, whichever event brought it.
    assert_eq!(
        (e.tenant.as_str(), e.event_id.as_str()),
        ("T1", "message:D0PNCRP9N:1525215129.000001")
    );
    assert_eq!(
        (e.sender.id.as_str(), e.channel.as_str()),
        ("U061F7AUR", "D0PNCRP9N")
    );
    assert_eq!(e.thread, None);
    assert_eq!(
        e.kind,
        EventKind::Message {
            text: "How many cats did we herd yesterday?".into(),
            message_id: "1525215129.000001".into(),
            direct: true,
            mentions_bot: false,
            attachments: Vec::new(),
        }
    );
}

#[test]
fn shared_files_come_with_the_message() {
    // The documented `file_share` message: the basic example with a file attached.
    let mut body: serde_json::Value =
        serde_json::from_str(&example("slack_message_event_basic.json")).unwrap();
    body["subtype"] = "file_share".into();
    body["files"] = serde_json::json!([
        {"id": "F1", "name": "error.png", "title": "Screenshot",
         "url_private": "https://files.slack.com/files-pri/T1-F1/error.png",
         "permalink": "https://acme.slack.com/files/U061F7AUR/F1/error.png"},
        {"id": "F2", "title": "notes",
         "url_private": "https://files.slack.com/files-pri/T1-F2/notes"},
        {"id": "F3", "name": "hidden.bin"}
    ]);
    let body: SlackEventCallbackBody = serde_json::from_value(body).unwrap();
    let e = event(decode::callback_event("T1", "Ev1", &body));
    let EventKind::Message { attachments, .. } = e.kind else {
        panic!("not a message: {:?}", e.kind)
    };
    let files: Vec<(&str, &str)> = attachments
        .iter()
        .map(|a| (a.name.as_str(), a.url.as_str()))
        .collect();
    assert_eq!(
        files,
        [
            (
                "error.png",
                "https://acme.slack.com/files/U061F7AUR/F1/error.png"
            ),
            ("notes", "https://files.slack.com/files-pri/T1-F2/notes"),
        ],
        "the permalink when there is one, the name or else the title; no link, not listed"
    );
}

#[test]
fn shared_files_come_with_their_size_in_bytes() {
    let mut message: serde_json::Value =
        serde_json::from_str(&example("slack_message_event_basic.json")).unwrap();
    message["subtype"] = "file_share".into();
    message["files"] = serde_json::json!([
        {"id": "F1", "name": "error.png", "size": 1_258_291,
         "permalink": "https://acme.slack.com/files/U061F7AUR/F1/error.png"},
        {"id": "F2", "name": "notes", "url_private": "https://files.slack.com/files-pri/T1-F2/notes"}
    ]);
    let callback = serde_json::json!({
        "token": "x", "team_id": "T1", "api_app_id": "A1", "event": message,
        "type": "event_callback", "event_id": "Ev1", "event_time": 1800000000,
    });
    let e = event(decode::push(&callback).unwrap());
    let EventKind::Message { attachments, .. } = e.kind else {
        panic!("not a message: {:?}", e.kind)
    };
    let sizes: Vec<(&str, Option<u64>)> = attachments
        .iter()
        .map(|a| (a.name.as_str(), a.size))
        .collect();
    assert_eq!(sizes, [("error.png", Some(1_258_291)), ("notes", None)]);
}

#[test]
fn socket_mode_frames_decode_like_http_payloads() {
    let s = settings();
    let frame = |name| decode::socket_frame(&example(name), &s).expect(name);

    let e = event(frame("slack_socket_mode_events_api_message.json"));
    assert_eq!(
        (
            e.event_id.as_str(),
            e.tenant.as_str(),
            e.sender.id.as_str(),
            e.channel.as_str()
        ),
        ("message:C111:1610241741.000200", "T111", "U222", "C111")
    );
    assert_eq!(
        e.kind,
        EventKind::Message {
            text: "<@U111> Hi here!".into(),
            message_id: "1610241741.000200".into(),
            direct: false,
            mentions_bot: false,
            attachments: Vec::new(),
        }
    );

    let e = event(frame("slack_socket_mode_slash_commands.json"));
    assert_eq!((e.tenant.as_str(), e.channel.as_str()), ("T111", "C111"));
    assert_eq!(
        e.kind,
        EventKind::Command {
            name: "kb".into(),
            args: String::new(),
            options: Vec::new(),
            trigger: Some("111.222.xxx".into()),
        }
    );

    // A global shortcut that is not ours; ours opens the new-ticket form.
    assert!(matches!(
        frame("slack_socket_mode_interactive_shortcut.json"),
        Decoded::Ignored(_)
    ));
    let ours = example("slack_socket_mode_interactive_shortcut.json")
        .replace("do-something", decode::NEW_TICKET_SHORTCUT);
    let e = event(decode::socket_frame(&ours, &s).unwrap());
    assert!(
        matches!(&e.kind, EventKind::Action { id, trigger: Some(t), .. }
        if id == "ticket.new" && t == "111.222.xxx")
    );
    assert_eq!(e.channel, "", "the adapter opens the direct messages");

    for name in [
        "slack_socket_mode_hello.json",
        "slack_socket_mode_disconnect.json",
    ] {
        assert!(matches!(frame(name), Decoded::Ignored(_)), "{name}");
    }
}

#[test]
fn the_documented_slash_command_decodes_with_its_trigger() {
    let body = example("slack_slash_command_docs_example.form.txt");
    let c = decode::command_fields(body.trim().as_bytes());
    let e = event(decode::command(&c, &settings()).unwrap());
    assert_eq!(
        (e.tenant.as_str(), e.sender.id.as_str(), e.channel.as_str()),
        ("T1DC2JH3J", "U2CERLKJA", "G8PSS9T3V")
    );
    assert_eq!(
        e.event_id,
        "command:398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    );
    assert!(matches!(e.kind, EventKind::Command { ref name, .. } if name == "ticket"));
    // A command of another app, sent to our endpoint by mistake, is not the desk's.
    assert!(matches!(
        decode::command(&c, &SlackSettings::new("x")).unwrap(),
        Decoded::Ignored(_)
    ));
}

#[test]
fn a_button_click_names_the_action_the_message_and_the_trigger() {
    let i: serde_json::Value = serde_json::from_str(&example("slack_block_actions.json")).unwrap();
    let e = event(decode::interaction(&i).unwrap());
    assert_eq!(
        (e.tenant.as_str(), e.sender.id.as_str(), e.channel.as_str()),
        ("T9TK3CUKW", "UA8RXUSPL", "CBR2V3XEX")
    );
    assert_eq!(
        e.kind,
        EventKind::Action {
            id: "WaXA".into(),
            value: "click_me_123".into(),
            message_id: Some("1548261231.000200".into()),
            trigger: Some("12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3".into()),
        }
    );
}

#[test]
fn a_click_on_an_ephemeral_in_a_thread_is_answered_in_that_thread() {
    // Slack sends no `message` for an ephemeral one: the container alone names the thread.
    let mut i: serde_json::Value =
        serde_json::from_str(&example("slack_block_actions.json")).unwrap();
    i.as_object_mut().unwrap().remove("message");
    i["container"] = serde_json::json!({
        "type": "message", "message_ts": "1548261240.000300", "channel_id": "CBR2V3XEX",
        "is_ephemeral": true, "thread_ts": "1548261231.000200",
    });
    let e = event(decode::interaction(&i).unwrap());
    assert_eq!(e.thread.as_deref(), Some("1548261231.000200"));
    // A click on a thread's parent is at the top level.
    i["container"]["message_ts"] = "1548261231.000200".into();
    assert_eq!(event(decode::interaction(&i).unwrap()).thread, None);
}

#[test]
fn a_modal_submission_gives_each_field_by_its_block() {
    let i: serde_json::Value =
        serde_json::from_str(&example("slack_view_submission.json")).unwrap();
    let e = event(decode::interaction(&i).unwrap());
    assert_eq!(
        (e.tenant.as_str(), e.sender.id.as_str()),
        ("T12345678", "U12345678")
    );
    let EventKind::FormSubmitted { form, fields, .. } = &e.kind else {
        panic!("{:?}", e.kind)
    };
    assert_eq!(form, "modal-callback-id");
    let got: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("comment", "Just amazing!"),
            ("date-of-visit", "2019-09-23"),
            ("rating", "3")
        ]
    );
    assert_eq!(
        e.channel, "",
        "not opened by the desk: no origin to return to"
    );
}

#[test]
fn url_verification_is_not_an_event() {
    let push: SlackPushEvent =
        serde_json::from_str(&example("slack_url_verification.json")).unwrap();
    let SlackPushEvent::UrlVerification(v) = push else {
        panic!("{push:?}")
    };
    assert_eq!(
        v.challenge,
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
}

#[derive(serde::Deserialize)]
struct SigningExample {
    signing_secret: String,
    x_slack_request_timestamp: String,
    body: String,
    x_slack_signature: String,
}

#[test]
fn the_documented_signature_verifies_only_as_sent_and_in_time() {
    let ex: SigningExample = serde_json::from_str(&example("slack_signing_example.json")).unwrap();
    let at: i64 = ex.x_slack_request_timestamp.parse().unwrap();
    let check = |ts: Option<&str>, sig: Option<&str>, body: &str, now: i64| {
        verify(&ex.signing_secret, ts, sig, body.as_bytes(), now)
    };
    let ts = Some(ex.x_slack_request_timestamp.as_str());
    let sig = Some(ex.x_slack_signature.as_str());
    assert_eq!(
        sign(
            &ex.signing_secret,
            &ex.x_slack_request_timestamp,
            ex.body.as_bytes()
        ),
        ex.x_slack_signature
    );
    assert_eq!(check(ts, sig, &ex.body, at + 10), Ok(()));

    let tampered = ex.body.replace("roadrunner", "coyote");
    assert_eq!(check(ts, sig, &tampered, at), Err(SignatureError::Mismatch));
    let stale = at + WINDOW_SECONDS + 1;
    assert!(matches!(
        check(ts, sig, &ex.body, stale),
        Err(SignatureError::OutOfWindow(_))
    ));
    let future = at - WINDOW_SECONDS - 1;
    assert!(matches!(
        check(ts, sig, &ex.body, future),
        Err(SignatureError::OutOfWindow(_))
    ));
    assert!(matches!(
        check(None, sig, &ex.body, at),
        Err(SignatureError::Missing(_))
    ));
    assert!(matches!(
        check(ts, None, &ex.body, at),
        Err(SignatureError::Missing(_))
    ));
    assert_eq!(
        check(Some("soon"), sig, &ex.body, at),
        Err(SignatureError::BadTimestamp)
    );
    // A signature for another timestamp does not carry over to this one.
    let moved = (at + 1).to_string();
    assert_eq!(
        check(Some(&moved), sig, &ex.body, at),
        Err(SignatureError::Mismatch)
    );
}

//! Every example from Discord's documentation (../shared/data) decodes to the right event or is
//! ignored for a stated reason, and the RFC 8032 vectors check the signature primitive.

use crate::common;

use common::example;
use ed25519_dalek::{Signer, SigningKey};
use helpdesk_chat::{Attachment, ChatEvent, CommandOption, EventKind, OptionValue};
use helpdesk_discord::decode::{self, Decoded};
use helpdesk_discord::render;
use helpdesk_discord::signature::{PublicKey, SignatureError, WINDOW_SECONDS};
use helpdesk_discord::DiscordSettings;
use std::collections::BTreeMap;

fn settings() -> DiscordSettings {
    let mut s = DiscordSettings::new("unavailable");
    // The documentation's command stands for ours.
    s.commands.insert("cardsearch".into(), "kb".into());
    s
}

fn event(decoded: Decoded) -> ChatEvent {
    match decoded {
        Decoded::Event(e) => *e,
        other => panic!("not an event: {other:?}"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn the_rfc_8032_vectors_verify_and_any_change_fails() {
    let vectors = example("ed25519_rfc8032_7_1_tests_1_3.json");
    for v in vectors.as_array().unwrap() {
        let key = PublicKey::parse(v["public_key"].as_str().unwrap()).unwrap();
        let message = unhex(v["message_hex"].as_str().unwrap());
        let signature = v["signature"].as_str().unwrap();
        assert_eq!(key.check(b"", &message, signature), Ok(()), "{v}");
        let mut other = message.clone();
        other.push(0);
        assert_eq!(
            key.check(b"", &other, signature),
            Err(SignatureError::Mismatch)
        );
        // Our signer agrees with the vector, byte for byte.
        let secret: [u8; 32] = unhex(v["secret_key"].as_str().unwrap()).try_into().unwrap();
        let signed = SigningKey::from_bytes(&secret).sign(&message);
        assert_eq!(hex(&signed.to_bytes()), signature);
    }
    assert!(PublicKey::parse("not hex").is_err());
    assert!(PublicKey::parse(&"0".repeat(63)).is_err());
}

#[test]
fn a_request_verifies_only_with_its_key_body_and_a_fresh_timestamp() {
    let signer = SigningKey::from_bytes(&[7; 32]);
    let key = PublicKey::parse(&hex(signer.verifying_key().as_bytes())).unwrap();
    let other = SigningKey::from_bytes(&[8; 32]);
    let now = 1_700_000_000;
    let ts = now.to_string();
    let body = br#"{"type":1}"#;
    let sign =
        |k: &SigningKey, body: &[u8]| hex(&k.sign(&[ts.as_bytes(), body].concat()).to_bytes());
    let good = sign(&signer, body);
    assert_eq!(key.verify(Some(&ts), Some(&good), body, now), Ok(()));
    assert_eq!(
        key.verify(Some(&ts), Some(&good), br#"{"type":2}"#, now),
        Err(SignatureError::Mismatch),
        "tampered body"
    );
    assert_eq!(
        key.verify(Some(&ts), Some(&sign(&other, body)), body, now),
        Err(SignatureError::Mismatch),
        "wrong key"
    );
    assert_eq!(
        key.verify(None, Some(&good), body, now),
        Err(SignatureError::Missing("X-Signature-Timestamp"))
    );
    assert_eq!(
        key.verify(Some(&ts), None, body, now),
        Err(SignatureError::Missing("X-Signature-Ed25519"))
    );
    assert_eq!(
        key.verify(Some(&ts), Some("zz"), body, now),
        Err(SignatureError::Mismatch)
    );
    let late = now + WINDOW_SECONDS + 1;
    assert!(matches!(
        key.verify(Some(&ts), Some(&good), body, late),
        Err(SignatureError::OutOfWindow(_))
    ));
    let early = now - WINDOW_SECONDS - 1;
    assert!(matches!(
        key.verify(Some(&ts), Some(&good), body, early),
        Err(SignatureError::OutOfWindow(_))
    ));
}

#[test]
fn the_documented_slash_command_decodes_with_its_options_and_trigger() {
    let payload = example("discord_interaction_slash_command.json");
    let e = event(decode::interaction(&payload, &settings(), &()).unwrap());
    assert_eq!(e.platform, helpdesk_discord::PLATFORM);
    assert_eq!(e.event_id, "interaction:786008729715212338");
    assert_eq!(e.tenant, "290926798626357999");
    assert_eq!(e.channel, "645027906669510667");
    assert_eq!(e.thread, None);
    assert_eq!(e.sender.id, "53908232506183680");
    assert_eq!(e.sender.name, "Mason");
    assert_eq!(
        e.sender.groups,
        ["539082325061836999"],
        "roles are the groups"
    );
    assert_eq!(
        e.kind,
        EventKind::Command {
            name: "kb".into(),
            args: String::new(),
            options: vec![CommandOption {
                name: "cardname".into(),
                value: OptionValue::Text("The Gitrog Monster".into()),
            }],
            trigger: Some("786008729715212338:A_UNIQUE_TOKEN".into()),
        }
    );
    // The same command when it is not ours.
    let theirs = decode::interaction(&payload, &DiscordSettings::new("x"), &()).unwrap();
    assert!(matches!(theirs, Decoded::Ignored(_)));
}

#[test]
fn subcommands_are_the_arguments_and_options_stay_typed() {
    let mut payload = example("discord_interaction_slash_command.json");
    payload["data"] = serde_json::json!({
        "type": 1, "name": "ticket", "id": "1",
        "options": [{"type": 1, "name": "escalate", "options": [
            {"type": 3, "name": "level", "value": "L2"},
            {"type": 3, "name": "reason", "value": " printer on fire "},
            {"type": 4, "name": "count", "value": 3},
            {"type": 6, "name": "person", "value": "42"}
        ]}],
        "resolved": {"users": {"42": {"id": "42", "username": "ada"}}}
    });
    let e = event(decode::interaction(&payload, &settings(), &()).unwrap());
    let EventKind::Command {
        name,
        args,
        options,
        ..
    } = &e.kind
    else {
        panic!("{:?}", e.kind)
    };
    assert_eq!((name.as_str(), args.as_str()), ("ticket", "escalate"));
    let values: Vec<(&str, &OptionValue)> = options
        .iter()
        .map(|o| (o.name.as_str(), &o.value))
        .collect();
    assert_eq!(
        values,
        [
            ("level", &OptionValue::Text("L2".into())),
            ("reason", &OptionValue::Text(" printer on fire ".into())),
            ("count", &OptionValue::Integer(3)),
            (
                "person",
                &OptionValue::User {
                    id: "42".into(),
                    name: Some("ada".into())
                }
            ),
        ]
    );
}

#[test]
fn the_documented_button_click_is_a_desk_action() {
    let payload = example("discord_button_interaction_data.jsonc");
    let e = event(decode::interaction(&payload, &settings(), &()).unwrap());
    // The documentation's button id comes through as it is.
    assert_eq!(
        e.kind,
        EventKind::Action {
            id: "click_me".into(),
            value: String::new(),
            message_id: None,
            trigger: Some("786008729715212338:A_UNIQUE_TOKEN".into()),
        }
    );
    // One of ours, clicked on a card in a ticket's thread.
    let mut payload = payload;
    payload["data"]["custom_id"] = "ticket.claim:17".into();
    payload["message"] = serde_json::json!({"id": "999"});
    payload["channel"] = serde_json::json!({"id": "T1", "type": 11, "parent_id": "C1"});
    let e = event(decode::interaction(&payload, &settings(), &()).unwrap());
    assert_eq!(
        (e.channel.as_str(), e.thread.as_deref()),
        ("C1", Some("T1"))
    );
    assert!(
        matches!(&e.kind, EventKind::Action { id, value, message_id, .. }
        if id == "ticket.claim:17" && value.is_empty() && message_id.as_deref() == Some("999"))
    );
}

#[test]
fn the_documented_modal_submission_gives_its_fields() {
    let payload = example("discord_modal_submit_text_input.jsonc");
    let e = event(decode::interaction(&payload, &settings(), &()).unwrap());
    let mut fields = BTreeMap::new();
    fields.insert(
        "game_feedback".to_string(),
        "The recent changes to acceleration feel much better, but shadows still need help"
            .to_string(),
    );
    assert_eq!(
        e.kind,
        EventKind::FormSubmitted {
            form: "game_feedback_modal".into(),
            fields,
            // Its id and token: a private answer to the submission rides on them.
            trigger: Some("786008729715212338:A_UNIQUE_TOKEN".into()),
        }
    );
    // The older layout (action rows) and a select inside a label decode the same way.
    let mut payload = payload;
    payload["data"]["components"] = serde_json::json!([
        {"type": 1, "components": [{"type": 4, "custom_id": "title", "value": "VPN"}]},
        {"type": 18, "component": {"type": 3, "custom_id": "urgency", "values": ["high"]}}
    ]);
    let e = event(decode::interaction(&payload, &settings(), &()).unwrap());
    let EventKind::FormSubmitted { fields, .. } = e.kind else {
        panic!()
    };
    assert_eq!(fields["title"], "VPN");
    assert_eq!(fields["urgency"], "high");
}

#[test]
fn a_ping_is_a_ping() {
    let ping = serde_json::json!({"type": 1, "id": "1", "application_id": "2", "token": "t", "version": 1});
    assert_eq!(
        decode::interaction(&ping, &settings(), &()).unwrap(),
        Decoded::Ping
    );
}

#[test]
fn the_documented_message_decodes_and_threads_are_seen_as_threads() {
    let payload = example("discord_message_object.json");
    // The example is the bare message object: no guild, so a direct message.
    assert!(matches!(
        decode::message(&payload, &settings(), &()).unwrap(),
        Decoded::Ignored(_)
    ));
    let mut s = settings();
    s.dm_guild = Some("G1".into());
    let e = event(decode::message(&payload, &s, &()).unwrap());
    assert_eq!(e.event_id, "message:334385199974967042");
    assert_eq!(e.tenant, "G1");
    assert_eq!(e.sender.name, "Mason");
    assert_eq!(
        e.kind,
        EventKind::Message {
            text: "Supa Hot".into(),
            message_id: "334385199974967042".into(),
            direct: true,
            mentions_bot: false,
            attachments: Vec::new(),
        }
    );
    // In a guild, in a thread the adapter knows, with a file.
    let mut payload = payload;
    payload["guild_id"] = "G2".into();
    payload["attachments"] = serde_json::json!([
        {"id": "A1", "filename": "error.png", "url": "https://cdn.discordapp.com/attachments/1/2/error.png", "size": 10}
    ]);
    let threads: BTreeMap<String, String> =
        [("290926798999357250".to_string(), "C-support".to_string())].into();
    let e = event(decode::message(&payload, &s, &threads).unwrap());
    assert_eq!(e.tenant, "G2");
    assert_eq!(
        (e.channel.as_str(), e.thread.as_deref()),
        ("C-support", Some("290926798999357250"))
    );
    assert!(
        matches!(&e.kind, EventKind::Message { direct: false, attachments, .. }
        if attachments == &[Attachment { name: "error.png".into(), url: "https://cdn.discordapp.com/attachments/1/2/error.png".into(), size: Some(10) }]),
        "the file's name, link and size in bytes: {:?}",
        e.kind
    );
    // Bots and system notices are not messages for the desk.
    let mut bot = payload.clone();
    bot["author"]["bot"] = true.into();
    assert!(matches!(
        decode::message(&bot, &s, &()).unwrap(),
        Decoded::Ignored(_)
    ));
    let mut notice = payload.clone();
    notice["type"] = 7.into();
    assert!(matches!(
        decode::message(&notice, &s, &()).unwrap(),
        Decoded::Ignored(_)
    ));
}

#[test]
fn a_ticket_reaction_is_a_reaction_and_unused_gateway_events_are_ignored() {
    let envelope = example("discord_gateway_event_envelope.json");
    let got = decode::dispatch(
        envelope["t"].as_str().unwrap(),
        &envelope["d"],
        &settings(),
        &(),
    )
    .unwrap();
    assert!(matches!(got, Decoded::Ignored(_)));

    let reaction = serde_json::json!({
        "user_id": "U1", "channel_id": "C1", "message_id": "M1", "guild_id": "G1",
        "message_author_id": "U2",
        "member": {"user": {"id": "U1", "username": "ada"}, "roles": ["R1"]},
        "emoji": {"id": null, "name": "🎫"}
    });
    let e = event(decode::dispatch("MESSAGE_REACTION_ADD", &reaction, &settings(), &()).unwrap());
    assert_eq!(e.event_id, "reaction:M1:U1:🎫");
    assert_eq!(
        e.kind,
        EventKind::Reaction {
            emoji: "🎫".into(),
            on_message: "M1".into(),
            message_author: Some("U2".into()),
            message_text: None
        }
    );
}

#[test]
fn the_gateway_handshake_examples_are_what_serenity_reads_and_sends() {
    // HELLO and GET /gateway/bot are read by serenity itself.
    let hello: serenity::model::event::GatewayEvent =
        serde_json::from_value(example("discord_gateway_hello.json")).unwrap();
    assert!(matches!(
        hello,
        serenity::model::event::GatewayEvent::Hello(45000)
    ));
    let bot: serenity::model::gateway::BotGateway =
        serde_json::from_value(example("discord_get_gateway_bot_response.json")).unwrap();
    assert_eq!(bot.shards, 9);
    // IDENTIFY is what serenity sends; ours asks for the desk's intents, not the example's.
    let identify = example("discord_gateway_identify.jsonc");
    assert_eq!(identify["op"], 2);
    let ours = helpdesk_discord::intents();
    assert_ne!(ours.bits(), identify["d"]["intents"].as_u64().unwrap());
    assert!(ours.contains(serenity::model::gateway::GatewayIntents::MESSAGE_CONTENT));
}

#[test]
fn our_modals_have_the_documented_shape() {
    let documented = example("discord_modal_text_input_create.jsonc");
    let form = helpdesk_chat::Form {
        id: "game_feedback_modal".into(),
        title: "Game Feedback".into(),
        fields: vec![helpdesk_chat::FormField {
            id: "game_feedback".into(),
            label: "What did you find interesting about the game?".into(),
            kind: helpdesk_chat::FormFieldKind::LongText,
            required: true,
            initial: None,
        }],
        submit: "Send".into(),
    };
    let ours = render::modal(&form, render::ModalLayout::Labels);
    assert_eq!(ours["type"], documented["type"]);
    assert_eq!(ours["data"]["custom_id"], documented["data"]["custom_id"]);
    assert_eq!(ours["data"]["title"], documented["data"]["title"]);
    let (a, b) = (
        &ours["data"]["components"][0],
        &documented["data"]["components"][0],
    );
    assert_eq!(a["type"], b["type"]);
    assert_eq!(a["label"], b["label"]);
    for key in ["type", "custom_id", "style", "required"] {
        assert_eq!(a["component"][key], b["component"][key], "{key}");
    }
}

#[test]
fn the_persons_discord_language_is_read_at_the_edge() {
    use decode::Locale;
    // The documented interaction: an English client.
    let payload = example("discord_interaction_slash_command.json");
    assert_eq!(decode::locale(&payload), Some(Locale::En));
    let with = |code: &str| {
        let mut p = payload.clone();
        p["locale"] = code.into();
        decode::locale(&p)
    };
    assert_eq!(with("en-GB"), Some(Locale::En));
    assert_eq!(with("it"), Some(Locale::It));
    assert_eq!(with("pl"), Some(Locale::Pl));
    assert_eq!(with("pt-BR"), Some(Locale::Unknown("pt-BR".into())));
    assert_eq!(with(""), None);
    // Not text, or absent (a gateway message has none): no language, and no failure.
    let mut odd = payload.clone();
    odd["locale"] = serde_json::json!(7);
    assert_eq!(decode::locale(&odd), None);
    assert_eq!(
        decode::locale(&example("discord_message_object.json")),
        None
    );
    // The codes command localizations are registered under.
    assert_eq!(Locale::Pl.discord_code(), Some("pl"));
    assert_eq!(Locale::It.discord_code(), Some("it"));
    assert_eq!(Locale::En.discord_code(), None);
}

#[test]
fn an_interaction_says_its_persons_language_and_a_message_does_not() {
    let mut payload = example("discord_interaction_slash_command.json");
    payload["locale"] = "it".into();
    let e = event(decode::interaction(&payload, &settings(), &()).unwrap());
    assert_eq!(e.sender.locale.as_deref(), Some("it"));
    payload["locale"] = "".into();
    let e = event(decode::interaction(&payload, &settings(), &()).unwrap());
    assert_eq!(e.sender.locale, None, "an empty locale says nothing");

    let mut s = settings();
    s.dm_guild = Some("G1".into());
    let message = example("discord_message_object.json");
    let e = event(decode::message(&message, &s, &()).unwrap());
    assert_eq!(
        e.sender.locale, None,
        "the gateway gives no language with a message"
    );
}

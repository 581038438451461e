//! Bounded fuzzing in CI: Discord payloads of any shape, signatures of any shape and any text to
//! render are decoded, refused or rendered inert, never a panic.

use crate::common;

use helpdesk_chat::{Mention, RichMessage};
use helpdesk_discord::decode::{self, Decoded};
use helpdesk_discord::signature::PublicKey;
use helpdesk_discord::{render, DiscordSettings};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn nasty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[#@<>!&*:/\"'`\\\\ \t\n\r{}\\[\\]0-9a-zA-Zà€😀Ł\u{202e}\u{0}-]{0,80}",
        Just("@everyone <@&1> <@!2>".to_string()),
        Just("99999999999999999999999".to_string()),
        Just(
            "[Reset your SSO password](https://evil.example) <https://evil.example> `".to_string()
        ),
        Just("]]((::///HTTPS://x [a](<mailto:x@evil.example>)".to_string()),
    ]
}

/// JSON shaped like Discord's payloads: the right keys, values of any type.
fn discord_like_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (0u64..20).prop_map(|n| json!(n)),
        any::<i64>().prop_map(|n| json!(n)),
        nasty_text().prop_map(Value::String),
    ];
    let keys = prop::sample::select(vec![
        "type",
        "id",
        "token",
        "data",
        "guild_id",
        "channel_id",
        "channel",
        "member",
        "user",
        "message",
        "name",
        "options",
        "value",
        "custom_id",
        "values",
        "components",
        "component",
        "target_id",
        "resolved",
        "messages",
        "author",
        "content",
        "roles",
        "nick",
        "username",
        "bot",
        "parent_id",
        "attachments",
        "filename",
        "url",
        "emoji",
        "user_id",
        "message_id",
        "message_author_id",
        "webhook_id",
        "global_name",
    ]);
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..8).prop_map(|m| Value::Object(
                m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

/// Puts `value` at `path` (an array step takes its first item).
fn set(at: &mut Value, path: &[&str], value: Value) {
    let Some((key, rest)) = path.split_first() else {
        *at = value;
        return;
    };
    match at {
        Value::Array(items) if !items.is_empty() => set(&mut items[0], rest, value),
        Value::Object(map) => set(
            map.entry(key.to_string()).or_insert(Value::Null),
            rest,
            value,
        ),
        other => *other = value,
    }
}

fn every_decoder(payload: &Value) {
    let mut s = DiscordSettings::new("down");
    s.dm_guild = Some("G".into());
    let threads: BTreeMap<String, String> = [("T".to_string(), "C".to_string())].into();
    for name in [
        "INTERACTION_CREATE",
        "MESSAGE_CREATE",
        "MESSAGE_REACTION_ADD",
        "READY",
    ] {
        if let Ok(Decoded::Event(e)) = decode::dispatch(name, payload, &s, &threads) {
            assert!(!e.event_id.is_empty() && !e.tenant.is_empty());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn discord_payloads_decode_or_are_refused(payload in discord_like_json()) {
        every_decoder(&payload);
    }

    #[test]
    fn discord_examples_with_any_value_changed_decode_or_are_refused(
        which in 0usize..5,
        path in prop::collection::vec(prop::sample::select(vec!["data", "member", "user", "options", "components", "0", "author", "channel", "value", "custom_id", "type", "id"]), 1..4),
        value in discord_like_json(),
    ) {
        let names = [
            "discord_interaction_slash_command.json",
            "discord_button_interaction_data.jsonc",
            "discord_modal_submit_text_input.jsonc",
            "discord_message_object.json",
            "discord_gateway_event_envelope.json",
        ];
        let mut payload = common::example(names[which]);
        set(&mut payload, &path, value);
        every_decoder(&payload);
    }

    #[test]
    fn signatures_of_any_shape_are_refused_without_panic(sig in nasty_text(), ts in nasty_text(), body in any::<Vec<u8>>()) {
        let key = PublicKey::parse("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a").unwrap();
        prop_assert!(key.verify(Some(&ts), Some(&sig), &body, 0).is_err());
        let _ = PublicKey::parse(&sig);
    }

    #[test]
    fn any_text_renders_inert(text in nasty_text(), title in nasty_text()) {
        let m = RichMessage { title: Some(title), text, context: Some("x".into()), mentions: vec![Mention::UserGroup("77".into())], ..RichMessage::default() };
        let body = render::message(&m);
        let embed = body["embeds"][0].to_string();
        prop_assert!(!embed.contains("@everyone") && !embed.contains("<@"));
        prop_assert_eq!(&body["content"], "<@&77>");
        // No masked link, autolink or bare address can form.
        for shown in [&body["embeds"][0]["title"], &body["embeds"][0]["description"]] {
            let shown = shown.as_str().unwrap_or_default();
            prop_assert!(!shown.contains("](") && !shown.contains(":/"), "{}", shown);
        }
    }
}

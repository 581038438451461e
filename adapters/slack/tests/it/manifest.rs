//! The app manifest in deploy/ matches what the adapter does: its commands, shortcuts, events,
//! and a scope for every Web API method it calls.

use helpdesk_slack::{decode, SlackSettings};
use std::path::PathBuf;

fn manifest() -> String {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../deploy/slack-app-manifest.yaml");
    std::fs::read_to_string(path).expect("deploy/slack-app-manifest.yaml")
}

/// The uncommented lines, trimmed.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split(" #").next().unwrap_or_default().trim().to_string())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

#[test]
fn the_manifest_declares_what_the_adapter_uses() {
    let text = manifest();
    let lines = lines(&text);
    let has = |line: &str| lines.iter().any(|l| l == line);

    for slash in SlackSettings::new("").commands.keys() {
        assert!(has(&format!("- command: {slash}")), "command {slash}");
    }
    for callback in [decode::CREATE_TICKET_SHORTCUT, decode::NEW_TICKET_SHORTCUT] {
        assert!(
            has(&format!("callback_id: {callback}")),
            "shortcut {callback}"
        );
    }
    for event in [
        "app_home_opened",
        "message.channels",
        "message.groups",
        "message.im",
        "reaction_added",
    ] {
        assert!(has(&format!("- {event}")), "event {event}");
    }
    // Each Web API method the adapter calls, with the scope Slack requires for it.
    let needs = [
        ("chat.postMessage", "chat:write"),
        ("chat.update", "chat:write"),
        ("chat.postEphemeral", "chat:write"),
        ("conversations.open", "im:write"),
        ("conversations.history", "channels:history"),
        ("reactions.add", "reactions:write"),
        ("usergroups.list", "usergroups:read"),
        ("users.info", "users:read"),
    ];
    for (method, scope) in needs {
        assert!(has(&format!("- {scope}")), "{method} needs {scope}");
    }
    assert!(has("home_tab_enabled: true") && has("messages_tab_enabled: true"));
    assert!(has("socket_mode_enabled: true") && has("is_enabled: true"));
}

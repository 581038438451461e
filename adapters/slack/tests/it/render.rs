//! Block Kit rendering: user text is inert, only structured mentions ping, Slack's limits hold.

use helpdesk_chat::{
    Button, ButtonStyle, Field, Form, FormField, FormFieldKind, Link, Mention, RichMessage,
};
use helpdesk_slack::render::{self, blocks, desk_action, escape, fallback, home, modal, Origin};
use serde_json::Value;

fn all_text(blocks: &[Value]) -> String {
    serde_json::to_string(blocks).unwrap()
}

/// Every text Slack parses for markup (mrkdwn); plain_text is shown as typed.
fn parsed_text(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(o) => {
            if o.get("type").and_then(Value::as_str) == Some("mrkdwn") {
                out.push(o["text"].as_str().unwrap_or_default().to_string());
            }
            o.values().for_each(|v| parsed_text(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| parsed_text(v, out)),
        _ => {}
    }
}

fn button(id: &str) -> Button {
    Button {
        label: "Go".into(),
        id: id.into(),
        style: ButtonStyle::Normal,
    }
}

#[test]
fn user_text_cannot_ping_or_link_and_only_mentions_do() {
    let hostile = "<!channel> <!here> <@U123> <https://evil.example|your bank> & more";
    let message = RichMessage {
        title: Some(hostile.into()),
        text: hostile.into(),
        fields: vec![Field {
            label: "<!everyone>".into(),
            value: hostile.into(),
        }],
        context: Some(hostile.into()),
        mentions: vec![
            Mention::UserGroup("S0L2".into()),
            Mention::User("U777".into()),
        ],
        ..RichMessage::default()
    };
    let mut texts = vec![fallback(&message)];
    parsed_text(&Value::Array(blocks(&message)), &mut texts);
    let rendered = texts.join("\n");
    for markup in [
        "<!channel>",
        "<!here>",
        "<@U123>",
        "<https://",
        "<!everyone>",
    ] {
        assert!(!rendered.contains(markup), "{markup} survived: {rendered}");
    }
    assert!(rendered.contains("&lt;!channel&gt;") && rendered.contains("&amp; more"));
    // Slack is told not to find mentions or links in the text by itself.
    let json = serde_json::to_string(&blocks(&message)).unwrap();
    assert_eq!(
        json.matches("\"type\":\"mrkdwn\"").count(),
        json.matches("\"verbatim\":true").count()
    );
    // The header is plain_text: shown as typed, never parsed.
    assert_eq!(blocks(&message)[0]["text"]["type"], "plain_text");
    assert!(all_text(&blocks(&message)).contains("<!subteam^S0L2>"));
    assert!(rendered.contains("<!subteam^S0L2>") && rendered.contains("<@U777>"));
    // A mention id that is not a Slack id is not written out at all.
    assert_eq!(
        render::mention(&Mention::User("U1> <!channel".into())),
        None
    );
    assert_eq!(escape("a<b>&c"), "a&lt;b&gt;&amp;c");
}

#[test]
fn links_in_user_text_are_shown_as_text_and_never_hide_where_they_lead() {
    let phishing = "Hi team, IT here. Your SSO session expired: \
                    <https://evil.example/sso?u=mario|Reset your SSO password> before 17:00, \
                    or [Reset your SSO password](https://evil.example/reset), \
                    <HTTPS://EVIL.EXAMPLE/login> or just https://evil.example/now";
    let message = RichMessage {
        title: Some("Password expiring: https://evil.example/t".into()),
        text: phishing.into(),
        fields: vec![Field {
            label: "Requester".into(),
            value: "<https://evil.example/u|Mario Rossi>".into(),
        }],
        context: Some("see https://evil.example/ctx".into()),
        ..RichMessage::default()
    };
    let blocks = blocks(&message);
    let mut texts = vec![fallback(&message)];
    parsed_text(&Value::Array(blocks.clone()), &mut texts);
    texts.push(blocks[0]["text"]["text"].as_str().unwrap().to_string());
    for text in &texts {
        // A Slack link is `<url>` or `<url|label>`; a bare address needs `scheme://`.
        assert!(!text.contains('<') && !text.contains(":/"), "live: {text}");
    }
    // The words and every address are still there to read.
    let shown = texts.join("\n").replace('\u{200b}', "");
    for kept in [
        "&lt;https://evil.example/sso?u=mario|Reset your SSO password&gt;",
        "[Reset your SSO password](https://evil.example/reset)",
        "https://evil.example/now",
        "&lt;https://evil.example/u|Mario Rossi&gt;",
        "Password expiring: https://evil.example/t",
        "see https://evil.example/ctx",
    ] {
        assert!(shown.contains(kept), "{kept} lost in {shown}");
    }
}

#[test]
fn markdown_from_articles_renders_as_slack_markup_with_full_addresses_as_text() {
    let text = "# Reset your password\n**Open** the portal: [here](https://portal.example)";
    let out = render::mrkdwn(text);
    assert_eq!(
        out,
        "*Reset your password*\n*Open* the portal: [here](https:\u{200b}//portal.example)"
    );
}

#[test]
fn long_text_is_cut_to_slack_limits_without_breaking_escapes() {
    let message = RichMessage {
        title: Some("t".repeat(400)),
        text: "&".repeat(5000),
        fields: (0..23)
            .map(|i| Field {
                label: format!("f{i}"),
                value: "v".repeat(3000),
            })
            .collect(),
        buttons: (0..30).map(|i| button(&format!("x.y:{i}"))).collect(),
        ..RichMessage::default()
    };
    let blocks = blocks(&message);
    let header = blocks[0]["text"]["text"].as_str().unwrap();
    assert_eq!(header.chars().count(), 150);
    let section = blocks[1]["text"]["text"].as_str().unwrap();
    assert!(section.chars().count() <= 3000);
    assert!(
        section.trim_end_matches('…').ends_with("&amp;"),
        "no half entity"
    );
    let field_sections: Vec<&Value> = blocks.iter().filter(|b| b["fields"].is_array()).collect();
    assert_eq!(field_sections.len(), 3, "at most 10 fields per section");
    for s in &field_sections {
        for f in s["fields"].as_array().unwrap() {
            assert!(f["text"].as_str().unwrap().chars().count() <= 2000);
        }
    }
    let actions: Vec<&Value> = blocks.iter().filter(|b| b["type"] == "actions").collect();
    assert_eq!(actions.len(), 2, "at most 25 buttons per block");
}

#[test]
fn buttons_get_unique_action_ids_that_decode_back_to_the_desks() {
    let message = RichMessage {
        buttons: vec![button("ticket.rate:1:1"), button("ticket.rate:1:2")],
        ..RichMessage::default()
    };
    let blocks = blocks(&message);
    let ids: Vec<&str> = blocks[0]["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["action_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ticket.rate:1:1#0", "ticket.rate:1:2#1"]);
    let desk: Vec<&str> = ids.iter().map(|id| desk_action(id)).collect();
    assert_eq!(desk, ["ticket.rate:1:1", "ticket.rate:1:2"]);
    assert_eq!(
        desk_action("kb#show"),
        "kb#show",
        "only a trailing position is removed"
    );
}

#[test]
fn a_form_is_a_modal_that_remembers_where_it_was_opened() {
    let form = Form {
        id: "ticket.escalate:42".into(),
        title: "Escalate ticket #42 to the next level".into(),
        fields: vec![
            FormField {
                id: "level".into(),
                label: "Level".into(),
                kind: FormFieldKind::Choice {
                    options: vec![("L2".into(), "L2".into()), ("L3".into(), "L3".into())],
                },
                required: false,
                initial: Some("L2".into()),
            },
            FormField {
                id: "reason".into(),
                label: "Reason".into(),
                kind: FormFieldKind::LongText,
                required: true,
                initial: Some("<!here> pls".into()),
            },
        ],
        submit: "Send".into(),
    };
    let origin = Origin {
        channel: "CL1".into(),
        thread: Some("1.2".into()),
    };
    let view = modal(&form, &origin);
    assert_eq!(view["type"], "modal");
    assert_eq!(view["callback_id"], "ticket.escalate:42");
    assert!(view["title"]["text"].as_str().unwrap().chars().count() <= 24);
    let back: Origin = serde_json::from_str(view["private_metadata"].as_str().unwrap()).unwrap();
    assert_eq!(back, origin);
    let blocks = view["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["block_id"], "level");
    assert_eq!(blocks[0]["element"]["initial_option"]["value"], "L2");
    assert_eq!(blocks[0]["optional"], true);
    assert_eq!(blocks[1]["element"]["multiline"], true);
    assert_eq!(blocks[1]["optional"], false);
    // plain_text is never parsed by Slack, so the initial value keeps its characters.
    assert_eq!(blocks[1]["element"]["initial_value"], "<!here> pls");
    // Slack parses the modal back into its own model.
    let parsed: Result<slack_morphism::prelude::SlackView, _> =
        serde_json::from_value(view.clone());
    assert!(parsed.is_ok(), "{parsed:?}");
}

#[test]
fn the_home_tab_stacks_its_sections() {
    let sections = vec![
        RichMessage {
            title: Some("Your requests (1)".into()),
            text: "#1 · P4 · L1 · New · VPN".into(),
            ..RichMessage::default()
        },
        RichMessage::text("Nothing waiting."),
    ];
    let view = home(&sections);
    assert_eq!(view["type"], "home");
    let kinds: Vec<&str> = view["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["header", "section", "divider", "section"]);
    let parsed: Result<slack_morphism::prelude::SlackView, _> = serde_json::from_value(view);
    assert!(parsed.is_ok(), "{parsed:?}");
}

#[test]
fn the_desks_links_are_slack_links_with_their_labels_escaped() {
    let file = Link {
        label: "a|b <c> & d.png (1.2 MB)".into(),
        url: "https://acme.slack.com/files/U1/F1/a.png?x=1&y=2".into(),
    };
    assert_eq!(
        render::link(&file),
        "<https://acme.slack.com/files/U1/F1/a.png?x=1&amp;y=2|a\u{2223}b &lt;c&gt; &amp; d.png (1.2 MB)>"
    );
    // Only web addresses become links: anything else is its label, inert.
    let odd = Link {
        label: "run <me>".into(),
        url: "javascript:alert(1)".into(),
    };
    assert_eq!(render::link(&odd), "run &lt;me&gt;");
    let message = RichMessage {
        links: vec![file.clone(), odd],
        ..RichMessage::text("Mario shared 2 files")
    };
    let blocks = blocks(&message);
    let links = blocks.last().unwrap();
    assert_eq!(links["type"], "section");
    assert_eq!(
        links["text"]["text"],
        format!("{}\nrun &lt;me&gt;", render::link(&file)),
        "{links}"
    );
    assert_eq!(links["text"]["verbatim"], true);
    assert!(fallback(&message).contains("a|b &lt;c&gt; &amp; d.png (1.2 MB)"));
}

//! Rendering: user text pings nobody, only the desk's structured mentions may ping, buttons keep
//! their widget id, limits hold, and the invite asks for exactly the documented rights.

use helpdesk_chat::{Button, ButtonStyle, Field, Link, Mention, RichMessage};
use helpdesk_discord::{invite, render};

fn button(id: &str) -> Button {
    Button {
        label: "Claim".into(),
        id: id.into(),
        style: ButtonStyle::Primary,
    }
}

#[test]
fn user_text_pings_nobody_and_only_the_asked_role_may_ping() {
    let hostile = "@everyone @here <@123> <@&456> <#789> hi";
    let card = RichMessage {
        title: Some(hostile.into()),
        text: hostile.into(),
        fields: vec![Field {
            label: "Requester".into(),
            value: hostile.into(),
        }],
        context: Some(hostile.into()),
        mentions: vec![Mention::UserGroup("445566".into())],
        ..RichMessage::default()
    };
    let body = render::message(&card);
    assert_eq!(
        body["content"], "<@&445566>",
        "only the structured mention is in the content"
    );
    assert_eq!(
        body["allowed_mentions"],
        serde_json::json!({"parse": [], "roles": ["445566"], "users": [], "replied_user": false})
    );
    let embed = body["embeds"][0].to_string();
    for ping in ["@everyone", "@here", "<@123>", "<@&456>", "<#789>"] {
        assert!(!embed.contains(ping), "{ping} survived in {embed}");
    }
    // A configured id that is not a snowflake is never written out.
    let odd = RichMessage {
        mentions: vec![Mention::UserGroup("1> @everyone".into())],
        ..RichMessage::text("x")
    };
    let body = render::message(&odd);
    assert_eq!(body["content"], "x");
    assert_eq!(body["allowed_mentions"]["roles"], serde_json::json!([]));
    // A plain relayed message keeps the words, pings nobody.
    let plain = render::message(&RichMessage::text(hostile));
    let content = plain["content"].as_str().unwrap();
    assert!(content.contains("everyone") && !content.contains("@everyone"));
    assert_eq!(plain["allowed_mentions"]["parse"], serde_json::json!([]));
    assert_eq!(plain["allowed_mentions"]["roles"], serde_json::json!([]));
}

#[test]
fn buttons_carry_their_widget_id_whole_in_rows_of_five() {
    let buttons: Vec<Button> = (1..=7)
        .map(|i| button(&format!("ticket.rate:9:{i}")))
        .collect();
    let rows = render::components(&buttons);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["components"].as_array().unwrap().len(), 5);
    assert_eq!(rows[1]["components"][1]["custom_id"], "ticket.rate:9:7");
    // The desk's ids fit whole; one that does not is cut to what Discord takes.
    let longest = "k".repeat(helpdesk_chat::WIDGET_ID_MAX);
    assert_eq!(render::custom_id(&longest), longest);
    assert_eq!(render::custom_id(&"x".repeat(500)).chars().count(), 100);
}

#[test]
fn long_text_is_cut_to_discords_limits() {
    let m = RichMessage {
        title: Some("t".repeat(1000)),
        text: "d".repeat(10_000),
        fields: (0..40)
            .map(|i| Field {
                label: format!("f{i}"),
                value: "v".repeat(2000),
            })
            .collect(),
        ..RichMessage::default()
    };
    let body = render::message(&m);
    let embed = &body["embeds"][0];
    assert_eq!(embed["title"].as_str().unwrap().chars().count(), 256);
    assert_eq!(embed["description"].as_str().unwrap().chars().count(), 4096);
    assert_eq!(embed["fields"].as_array().unwrap().len(), 25);
    assert_eq!(
        embed["fields"][0]["value"]
            .as_str()
            .unwrap()
            .chars()
            .count(),
        1024
    );
    let plain = render::message(&RichMessage::text("é".repeat(5000)));
    assert_eq!(plain["content"].as_str().unwrap().chars().count(), 2000);
    assert_eq!(render::thread_name(&"n".repeat(300)).chars().count(), 100);
}

#[test]
fn the_invite_asks_for_exactly_the_documented_permissions() {
    // VIEW_CHANNEL, SEND_MESSAGES, SEND_MESSAGES_IN_THREADS, CREATE_PUBLIC_THREADS,
    // CREATE_PRIVATE_THREADS, MANAGE_THREADS, EMBED_LINKS, ATTACH_FILES, READ_MESSAGE_HISTORY,
    // ADD_REACTIONS: bits 10, 11, 38, 35, 36, 34, 14, 15, 16, 6.
    let expected: u64 = [10, 11, 38, 35, 36, 34, 14, 15, 16, 6]
        .iter()
        .map(|b| 1u64 << b)
        .sum();
    assert_eq!(invite::permission_bits(), expected);
    assert_eq!(expected, 395_137_109_056);
    let url = invite::url("1234", Some("G9"));
    assert_eq!(
        url,
        "https://discord.com/oauth2/authorize?client_id=1234&scope=bot%20applications.commands\
         &permissions=395137109056&guild_id=G9&disable_guild_select=true"
    );
    assert!(!invite::url("1234", None).contains("guild_id"));
}

#[test]
fn the_application_id_is_read_from_the_bot_token() {
    // "MTIzNDU2Nzg5MDEyMzQ1Njc4" is base64 for "123456789012345678"; the rest is not checked.
    assert_eq!(
        invite::application_id_from_token("MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.secret-part"),
        Some("123456789012345678".into())
    );
    assert_eq!(invite::application_id_from_token("not a token!"), None);
    assert_eq!(
        invite::application_id_from_token("aGVsbG8.x.y"),
        None,
        "not digits"
    );
}

/// The ways Discord makes text clickable: a masked link needs `](`, an autolink `<scheme:/…>`
/// and a bare URL `scheme://` written together.
fn live_links(text: &str) -> Vec<String> {
    ["](", ":/"]
        .into_iter()
        .filter(|syntax| text.contains(syntax))
        .map(|syntax| format!("{syntax} in {text}"))
        .collect()
}

/// Every text of a rendered message Discord shows with Markdown.
fn shown_texts(body: &serde_json::Value) -> Vec<String> {
    let embed = &body["embeds"][0];
    let mut texts = vec![
        body["content"].as_str().unwrap_or_default().to_string(),
        embed["title"].as_str().unwrap_or_default().to_string(),
        embed["description"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        embed["footer"]["text"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    ];
    for f in embed["fields"].as_array().into_iter().flatten() {
        texts.push(f["name"].as_str().unwrap_or_default().to_string());
        texts.push(f["value"].as_str().unwrap_or_default().to_string());
    }
    texts
}

#[test]
fn links_in_user_text_are_shown_as_text_and_never_hide_where_they_lead() {
    let phishing = "Hi team, IT here. Your SSO session expired: \
                    [Reset your SSO password](https://evil.example/sso?u=mario) before 17:00, \
                    or use <https://evil.example/reset> or HTTPS://EVIL.EXAMPLE/login. \
                    Backup: `https://evil.example/code` and `[docs](https://evil.example/d)`";
    let card = RichMessage {
        title: Some("[Password expiring](https://evil.example/t)".into()),
        text: phishing.into(),
        fields: vec![Field {
            label: "Requester".into(),
            value: "[Mario Rossi](https://evil.example/u)".into(),
        }],
        context: Some("see https://evil.example/ctx".into()),
        ..RichMessage::default()
    };
    let relayed = RichMessage::text(phishing);
    for body in [render::message(&card), render::message(&relayed)] {
        let texts = shown_texts(&body);
        let live: Vec<String> = texts.iter().flat_map(|t| live_links(t)).collect();
        assert!(live.is_empty(), "live links: {live:#?}");
        // The words and every address are still there to read, as typed.
        let shown = texts.join("\n").replace('\u{200b}', "");
        assert!(shown.contains(phishing), "{shown}");
    }
    let card = render::message(&card);
    let shown = shown_texts(&card).join("\n").replace('\u{200b}', "");
    for kept in [
        "[Password expiring](https://evil.example/t)",
        "[Mario Rossi](https://evil.example/u)",
        "see https://evil.example/ctx",
    ] {
        assert!(shown.contains(kept), "{kept} lost in {shown}");
    }
}

#[test]
fn article_markdown_keeps_its_formatting_shows_full_addresses_and_pings_nobody() {
    let body = "## Reset the VPN\n1. Open **Settings**\n2. See [the guide](https://intranet.example/vpn)\n\
                `sudo systemctl restart vpn`\nAsk @everyone or <@123> or <@&456> if stuck.";
    let article = RichMessage {
        title: Some("VPN: cannot connect".into()),
        text: body.into(),
        context: Some("kb-42".into()),
        ..RichMessage::default()
    };
    let rendered = render::message(&article);
    let text = rendered["embeds"][0]["description"].as_str().unwrap();
    for kept in [
        "## Reset the VPN",
        "**Settings**",
        "`sudo systemctl restart vpn`",
    ] {
        assert!(text.contains(kept), "{kept} lost in {text}");
    }
    // A link shows its whole address, and cannot be a masked one.
    assert!(live_links(text).is_empty(), "{text}");
    assert!(text
        .replace('\u{200b}', "")
        .contains("[the guide](https://intranet.example/vpn)"));
    for ping in ["@everyone", "<@123>", "<@&456>"] {
        assert!(!text.contains(ping), "{ping} survived in {text}");
    }
    assert_eq!(rendered["content"], "");
    assert_eq!(
        rendered["allowed_mentions"],
        serde_json::json!({"parse": [], "roles": [], "users": [], "replied_user": false})
    );
}

#[test]
fn the_desks_links_are_masked_links_with_their_labels_escaped() {
    let file = Link {
        label: "error [1]_final.png (1.2 MB)".into(),
        url: "https://cdn.discordapp.com/attachments/1/2/error_(1).png".into(),
    };
    let not_web = Link {
        label: "run me".into(),
        url: "javascript:alert(1)".into(),
    };
    let plain = RichMessage {
        links: vec![file.clone(), not_web],
        ..RichMessage::text("see the screenshot")
    };
    let body = render::message(&plain);
    assert_eq!(
        body["content"],
        "see the screenshot\n\
         [error \\[1\\]\\_final.png (1.2 MB)](https://cdn.discordapp.com/attachments/1/2/error_%281%29.png)\n\
         run me",
        "{body}"
    );
    // In an embed the links go under the description; a file alone is its links.
    let embed = RichMessage {
        context: Some("Ada, help desk".into()),
        links: vec![file],
        ..RichMessage::default()
    };
    let body = render::message(&embed);
    let description = body["embeds"][0]["description"].as_str().unwrap();
    assert!(
        description.starts_with("[error \\[1\\]") && description.ends_with("error_%281%29.png)"),
        "{body}"
    );
    // However long the text, the links are kept whole within Discord's limit.
    let long = RichMessage {
        links: vec![Link {
            label: "log.txt".into(),
            url: "https://cdn.discordapp.com/attachments/1/2/log.txt".into(),
        }],
        ..RichMessage::text("x".repeat(5000))
    };
    let content = render::message(&long)["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(content.chars().count() <= 2000);
    assert!(
        content.ends_with("[log.txt](https://cdn.discordapp.com/attachments/1/2/log.txt)"),
        "{content}"
    );
}

//! Files both ways (issue 18, point 3), on the in-memory platform: what the requester shares
//! reaches the agents' thread, what an agent shares for the requester reaches the requester's
//! thread, each as a link labelled with its name and size; what is kept among the agents stays
//! there, and the transcript lists every file with its size.

use crate::common;

use common::chat::*;
use common::now;
use helpdesk::desk::keys::MessageKey;
use helpdesk::domain::LogKind;
use helpdesk::i18n::Language;
use helpdesk::sandbox::{example_tenant, Sandbox};
use helpdesk::store::Store;
use helpdesk::transcript::{self, TranscriptFormat};
use helpdesk_chat::{Attachment, ChatAction, EventKind, Link};

on_both_backends!(
    files_reach_the_other_side_as_links_with_name_and_size,
    an_internal_agents_file_stays_inside_and_the_transcript_shows_sizes,
);

fn sandbox(store: Store) -> Sandbox {
    Sandbox::new(store, example_tenant(), now())
}

/// A message in a channel's thread with these files (`name`, bytes).
fn with_files(text: &str, id: &str, files: &[(&str, u64)]) -> EventKind {
    EventKind::Message {
        text: text.into(),
        message_id: id.into(),
        direct: false,
        mentions_bot: false,
        attachments: files
            .iter()
            .map(|(name, size)| Attachment {
                name: (*name).into(),
                url: format!("https://files.example/{name}"),
                size: Some(*size),
            })
            .collect(),
    }
}

fn link(label: &str, name: &str) -> Link {
    Link {
        label: label.into(),
        url: format!("https://files.example/{name}"),
    }
}

async fn files_reach_the_other_side_as_links_with_name_and_size(store: Store) {
    let sb = sandbox(store);
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("my VPN is down", "m-vpn"),
    )
    .await;
    let t = ticket(&sb, 1).await;
    let agents = card_thread(&sb, &MessageKey::card(t.id, "support-l1").to_string());

    // The requester's screenshot with words: the echo under the card carries its link.
    send(
        &sb,
        &mario(),
        "help",
        Some("m-vpn"),
        with_files("this is what I see", "m-1", &[("error.png", 1_258_291)]),
    )
    .await;
    let echo = messages_in(&sb, "support-l1", Some(&agents))
        .into_iter()
        .find(|m| m.text.contains("this is what I see"))
        .expect("the echo in the agents' thread");
    assert_eq!(echo.links, [link("error.png (1.2 MB)", "error.png")]);

    // Files without words: a line saying who shared how many, with the links.
    send(
        &sb,
        &mario(),
        "help",
        Some("m-vpn"),
        with_files(
            "",
            "m-2",
            &[("log.txt", 512), ("trace.zip", 3 * 1024 * 1024)],
        ),
    )
    .await;
    let alone = messages_in(&sb, "support-l1", Some(&agents)).pop().unwrap();
    assert_eq!(alone.text, "Mario shared 2 files");
    assert_eq!(
        alone.links,
        [
            link("log.txt (512 B)", "log.txt"),
            link("trace.zip (3 MB)", "trace.zip")
        ]
    );

    // An agent's file in the agents' thread, relayed like words: the requester gets it.
    send(
        &sb,
        &ada(),
        "support-l1",
        Some(&agents),
        with_files("", "m-3", &[("vpn-setup.pdf", 348_160)]),
    )
    .await;
    let to_requester = messages_in(&sb, "help", Some("m-vpn")).pop().unwrap();
    assert_eq!(to_requester.text, "Ada shared 1 file");
    assert_eq!(
        to_requester.links,
        [link("vpn-setup.pdf (340 KB)", "vpn-setup.pdf")]
    );
    assert!(
        to_requester
            .context
            .as_deref()
            .unwrap_or_default()
            .contains("Ada"),
        "{to_requester:?}"
    );
    assert!(
        ticket(&sb, 1).await.first_response_at.is_some(),
        "a file for the requester is a response"
    );

    // An agent answering in the requester's thread with a file: the agents see it too.
    send(
        &sb,
        &ada(),
        "help",
        Some("m-vpn"),
        with_files("try this profile", "m-4", &[("profile.ovpn", 2048)]),
    )
    .await;
    let answered = messages_in(&sb, "support-l1", Some(&agents)).pop().unwrap();
    assert!(answered.text.contains("try this profile"), "{answered:?}");
    assert_eq!(
        answered.links,
        [link("profile.ovpn (2 KB)", "profile.ovpn")]
    );

    let files: Vec<(String, Option<u64>, bool)> = log_kinds(&sb, &t)
        .await
        .into_iter()
        .filter_map(|k| match k {
            LogKind::Attachment {
                name,
                size,
                internal,
                ..
            } => Some((name, size, internal)),
            _ => None,
        })
        .collect();
    assert_eq!(
        files,
        [
            ("error.png".to_string(), Some(1_258_291), false),
            ("log.txt".to_string(), Some(512), false),
            ("trace.zip".to_string(), Some(3 * 1024 * 1024), false),
            ("vpn-setup.pdf".to_string(), Some(348_160), false),
            ("profile.ovpn".to_string(), Some(2048), false),
        ]
    );
}

async fn an_internal_agents_file_stays_inside_and_the_transcript_shows_sizes(store: Store) {
    let sb = sandbox(store);
    send(
        &sb,
        &mario(),
        "help",
        None,
        with_files("printer jams", "m-p", &[("jam.jpg", 2_202_009)]),
    )
    .await;
    let t = ticket(&sb, 1).await;
    let agents = card_thread(&sb, &MessageKey::card(t.id, "support-l1").to_string());
    // A ticket opened with a file: the agents find it under the card.
    let opened = messages_in(&sb, "support-l1", Some(&agents));
    assert!(
        opened
            .iter()
            .any(|m| m.links == [link("jam.jpg (2.1 MB)", "jam.jpg")]),
        "{opened:?}"
    );
    let before = messages_in(&sb, "help", Some("m-p")).len();

    // Marked internal: neither the words nor the file reach the requester.
    send(
        &sb,
        &ada(),
        "support-l1",
        Some(&agents),
        with_files(
            "// the fuser is worn, see the service sheet",
            "m-i",
            &[("service-sheet.pdf", 1_572_864)],
        ),
    )
    .await;
    let requester = messages_in(&sb, "help", Some("m-p"));
    assert_eq!(
        requester.len(),
        before,
        "nothing more for Mario: {requester:?}"
    );
    assert!(requester
        .iter()
        .all(|m| m.links.is_empty() && !m.text.contains("fuser")));
    assert!(
        sb.platform.sent().iter().any(|r| matches!(
            &r.action,
            ChatAction::React { message_id, emoji, .. } if message_id == "m-i" && emoji == "lock"
        )),
        "the message is marked as kept inside"
    );
    let kinds = log_kinds(&sb, &t).await;
    assert!(kinds.contains(&LogKind::Attachment {
        name: "service-sheet.pdf".into(),
        url: "https://files.example/service-sheet.pdf".into(),
        size: Some(1_572_864),
        internal: true,
    }));
    assert!(kinds.contains(&LogKind::InternalNote {
        text: "the fuser is worn, see the service sheet".into()
    }));

    // The transcript lists both files with their sizes, the agents' one marked internal.
    let log = sb.desk.store().log(t.id).await.unwrap();
    let md = transcript::render(&t, &log, TranscriptFormat::Md, Language::En);
    let listed = md.split("## Attachments").nth(1).unwrap();
    assert!(
        listed.contains("- jam.jpg (2.1 MB) <https://files.example/jam.jpg>\n"),
        "{md}"
    );
    assert!(
        listed.contains(
            "- service-sheet.pdf (1.5 MB) <https://files.example/service-sheet.pdf> *(internal)*"
        ),
        "{md}"
    );
    let html = transcript::render(&t, &log, TranscriptFormat::Html, Language::It);
    assert!(
        html.contains("<a href=\"https://files.example/jam.jpg\">jam.jpg (2,1 MB)</a>"),
        "{html}"
    );
}

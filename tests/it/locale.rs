//! Each person is answered in their own language when the platform says it, else in the
//! tenant's: private answers at once, and the requester's later messages from what the desk
//! remembered. Cards stay in the tenant's language.

use crate::common;

use common::chat::*;
use common::now;
use helpdesk::desk::keys::MessageKey;
use helpdesk::domain::Status;
use helpdesk::sandbox::{example_tenant, Sandbox};
use helpdesk::store::Store;
use helpdesk_chat::Sender;

on_both_backends!(a_requester_is_answered_in_their_language_now_and_later);

/// Mario, whose platform says he reads Polish.
fn polish_mario() -> Sender {
    Sender {
        locale: Some("pl-PL".into()),
        ..mario()
    }
}

async fn a_requester_is_answered_in_their_language_now_and_later(store: Store) {
    // An English tenant.
    let sb = Sandbox::new(store, example_tenant(), now());
    send(
        &sb,
        &polish_mario(),
        "help",
        None,
        message("my VPN is down since this morning", "m-vpn"),
    )
    .await;
    let first = messages_in(&sb, "help", Some("m-vpn")).remove(0);
    assert!(
        first.text.contains("Zgłoszenie #1 zostało otwarte"),
        "the first answer is Polish: {first:?}"
    );
    let t = ticket(&sb, 1).await;
    let key = MessageKey::card(t.id, "support-l1").to_string();
    let card = latest(&sb, &key);
    assert!(
        card.fields.iter().any(|f| f.label == "Requester"),
        "the card stays in the tenant's English: {card:?}"
    );

    // A later event of his carries no locale (a Discord gateway message does not): the desk
    // answers him in the language it remembered.
    send(&sb, &mario(), "help", None, command("help")).await;
    let help = told(&sb, &mario()).pop().expect("help is told");
    assert!(
        title_and_text(&help).contains("Polecenia help desku"),
        "{help:?}"
    );
    // An agent the platform said nothing of hears the tenant's language.
    send(&sb, &ada(), "support-l1", None, command("help")).await;
    let help = told(&sb, &ada()).pop().expect("help is told");
    assert!(
        title_and_text(&help).contains("Help desk commands"),
        "{help:?}"
    );

    // The agent's reply reaches him, and the confirm question after the resolve is Polish
    // though the agent who resolved reads English.
    let agents = sb
        .platform
        .posted(&key)
        .expect("the card was posted")
        .message_id;
    send(
        &sb,
        &ada(),
        "support-l1",
        Some(&agents),
        message("please restart the client", "m-ada"),
    )
    .await;
    assert!(messages_in(&sb, "help", Some("m-vpn"))
        .iter()
        .any(|m| m.text.contains("please restart the client")));
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("resolve #1 reinstalled the VPN profile"),
    )
    .await;
    assert_eq!(ticket(&sb, 1).await.status, Status::Resolved);
    let question = messages_in(&sb, "help", Some("m-vpn"))
        .into_iter()
        .rev()
        .find(|m| !m.buttons.is_empty())
        .expect("the requester is asked");
    assert_eq!(
        question.title.as_deref(),
        Some("Zgłoszenie #1 zostało rozwiązane"),
        "{question:?}"
    );
    assert_eq!(question.buttons[0].label, "Tak, rozwiązane");
    let card = latest(&sb, &key);
    assert!(
        card.fields.iter().any(|f| f.label == "Requester"),
        "{card:?}"
    );

    // Once the platform says he reads Italian, that is what he hears.
    let italian = Sender {
        locale: Some("it".into()),
        ..mario()
    };
    send(&sb, &italian, "help", None, command("help")).await;
    let help = told(&sb, &mario()).pop().expect("help is told");
    assert!(
        title_and_text(&help).contains("Comandi dell'help desk"),
        "{help:?}"
    );
}

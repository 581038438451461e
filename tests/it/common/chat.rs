//! People, events and lookups for the desk's scenario tests on the sandbox.

use helpdesk::desk::keys::Widget;
use helpdesk::desk::Handled;
use helpdesk::domain::{Ticket, TicketNumber};
use helpdesk::kb::{ArticleDraft, ArticleSource, KbLanguage, KbOwner};
use helpdesk::sandbox::{person, Sandbox};
use helpdesk::store::Store;
use helpdesk_chat::{ChatAction, EventKind, RichMessage, Sender};
use std::collections::BTreeMap;

/// An employee.
pub fn mario() -> Sender {
    person("U-mario", "Mario", &[])
}
/// Another employee.
pub fn luisa() -> Sender {
    person("U-luisa", "Luisa", &[])
}
/// An L1 agent.
pub fn ada() -> Sender {
    person("U-ada", "Ada", &["l1-agents"])
}
/// An L2 agent.
pub fn bruno() -> Sender {
    person("U-bruno", "Bruno", &["l2-agents"])
}
/// An L3 network specialist.
pub fn nina() -> Sender {
    person("U-nina", "Nina", &["network-team"])
}
/// A help desk manager.
pub fn boss() -> Sender {
    person("U-boss", "Grace", &["managers"])
}

/// The example tenant where every top-level line opens its own ticket (no join window): for
/// tests where one person brings several problems in a row.
pub fn one_ticket_per_line() -> helpdesk::config::TenantConfig {
    let mut tenant = helpdesk::sandbox::example_tenant();
    tenant.join_window = std::time::Duration::ZERO;
    tenant
}

/// A plain message with that platform id.
pub fn message(text: &str, id: &str) -> EventKind {
    EventKind::Message {
        text: text.into(),
        message_id: id.into(),
        direct: false,
        mentions_bot: false,
        attachments: Vec::new(),
    }
}

/// `/ticket args`, without a form trigger.
pub fn command(args: &str) -> EventKind {
    EventKind::Command {
        name: "ticket".into(),
        args: args.into(),
        options: Vec::new(),
        trigger: None,
    }
}

/// A click on one of the desk's widgets.
pub fn click(widget: Widget) -> EventKind {
    click_raw(&widget.to_string())
}

/// A click whose widget id is whatever a (forged or outdated) client sends.
pub fn click_raw(id: &str) -> EventKind {
    EventKind::Action {
        id: id.into(),
        value: String::new(),
        message_id: None,
        trigger: None,
    }
}

/// A form submitted with these fields (no interaction to answer on).
pub fn submitted(form: impl Into<String>, fields: BTreeMap<String, String>) -> EventKind {
    EventKind::FormSubmitted {
        form: form.into(),
        fields,
        trigger: None,
    }
}

/// Hands the event to the desk and sends what it queued; the event must be processed.
pub async fn send(
    sb: &Sandbox,
    who: &Sender,
    channel: &str,
    thread: Option<&str>,
    kind: EventKind,
) {
    let event = sb.event(who, channel, thread, kind);
    assert_eq!(
        sb.handle(&event).await.expect("the desk handles it"),
        Handled::Done
    );
}

/// What the ticket's log holds, oldest first.
pub async fn log_kinds(sb: &Sandbox, t: &Ticket) -> Vec<helpdesk::domain::LogKind> {
    sb.desk
        .store()
        .log(t.id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.entry.kind)
        .collect()
}

/// The sandbox tenant's ticket number `n`.
pub async fn ticket(sb: &Sandbox, n: i64) -> Ticket {
    let tenant = sb.desk.store().tenants().await.unwrap()[0].id;
    sb.desk
        .store()
        .ticket(tenant, TicketNumber(n))
        .await
        .unwrap()
        .expect("the ticket exists")
}

/// Saves a shared English article in its own transaction.
pub async fn save_article(store: &Store, slug: &str, title: &str, body: &str) {
    let draft = ArticleDraft {
        slug: slug.into(),
        title: title.into(),
        body: body.into(),
        tags: vec![],
        language: KbLanguage::En,
        source: ArticleSource::Imported,
        author: None,
    };
    let mut tx = store.begin().await.unwrap();
    tx.save_article(KbOwner::Shared, &draft, crate::common::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// The latest content of the message posted with `key` (post or update).
pub fn latest(sb: &Sandbox, key: &str) -> RichMessage {
    sb.platform
        .sent()
        .iter()
        .rev()
        .find_map(|r| match &r.action {
            ChatAction::Post {
                key: Some(k),
                message,
                ..
            } if k == key => Some(message.clone()),
            ChatAction::Update { key: k, message } if k == key => Some(message.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("nothing was posted as {key}"))
}

/// What one person was told privately, in order.
pub fn told(sb: &Sandbox, user: &Sender) -> Vec<RichMessage> {
    sb.platform
        .sent()
        .iter()
        .filter_map(|r| match &r.action {
            ChatAction::Ephemeral {
                user: u, message, ..
            } if *u == user.id => Some(message.clone()),
            _ => None,
        })
        .collect()
}

/// A message's title and text, as one string to search.
pub fn title_and_text(m: &RichMessage) -> String {
    format!("{}\n{}", m.title.clone().unwrap_or_default(), m.text)
}

/// The messages posted in a channel (`thread: None`: its top level) or one of its threads, in
/// order.
pub fn messages_in(sb: &Sandbox, channel: &str, thread: Option<&str>) -> Vec<RichMessage> {
    sb.platform
        .shown_in(channel, thread)
        .into_iter()
        .filter_map(|r| match r.action {
            ChatAction::Post { message, .. } | ChatAction::Reply { message, .. } => Some(message),
            _ => None,
        })
        .collect()
}

/// Where the card posted with `key` has its thread.
pub fn card_thread(sb: &Sandbox, key: &str) -> String {
    sb.platform
        .posted(key)
        .expect("the card was posted")
        .message_id
}

//! What a portal form becomes: the same [`ChatEvent`]s the chat platforms produce, so the desk
//! takes a ticket opened or a reply written on the web exactly as one from Slack or Discord.

use crate::ids::{groups, person_channel, PLATFORM, TENANT};
use crate::port::Account;
use crate::portal::Conversation;
use crate::token::Token;
use helpdesk_chat::{ChatEvent, EventKind, Sender};
use std::collections::BTreeMap;

/// The desk's id of the new-ticket form (its `FormId`'s text): the portal's intake form is
/// that form, filled in on a page instead of in a modal.
pub const NEW_TICKET_FORM: &str = "ticket.new";

/// A web person as the desk sees a sender: their name, their role's group, and the page's
/// language (so the desk answers in it).
pub fn sender(account: &Account, language: &str) -> Sender {
    Sender {
        id: account.name.to_string(),
        name: account.name.to_string(),
        groups: groups(account.role),
        is_bot: false,
        locale: Some(language.to_string()),
    }
}

/// The event id of one submission: the page's submission token, under the person's name, so
/// a form sent twice (a double click, a reload) is one event, and nobody can spend another
/// person's token.
fn event_id(account: &Account, submission: &Token) -> String {
    format!("web:{}:{}", account.name, submission.expose())
}

/// The intake form, submitted: the desk's new-ticket form with its title and description.
/// The conversation gets a thread of its own in the person's channel, named by the
/// submission, so each ticket talks apart from the others.
pub fn new_ticket(
    account: &Account,
    language: &str,
    submission: &Token,
    title: &str,
    description: &str,
) -> ChatEvent {
    let fields = BTreeMap::from([
        ("title".to_string(), title.to_string()),
        ("description".to_string(), description.to_string()),
    ]);
    ChatEvent {
        platform: PLATFORM,
        event_id: event_id(account, submission),
        tenant: TENANT.to_string(),
        sender: sender(account, language),
        channel: person_channel(&account.name),
        thread: Some(format!("t{}", submission.expose())),
        kind: EventKind::FormSubmitted {
            form: NEW_TICKET_FORM.to_string(),
            fields,
            trigger: None,
        },
    }
}

/// A reply from a ticket's page: a message in the ticket's conversation, as a requester's
/// message in its chat thread.
pub fn reply(
    account: &Account,
    language: &str,
    submission: &Token,
    conversation: &Conversation,
    text: &str,
) -> ChatEvent {
    ChatEvent {
        platform: PLATFORM,
        event_id: event_id(account, submission),
        tenant: TENANT.to_string(),
        sender: sender(account, language),
        channel: conversation.channel.clone(),
        thread: conversation.thread.clone(),
        kind: EventKind::Message {
            text: text.to_string(),
            message_id: format!("m{}", submission.expose()),
            direct: false,
            mentions_bot: false,
            attachments: Vec::new(),
        },
    }
}

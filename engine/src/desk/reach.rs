//! Nobody left unheard: when a message for the requester reaches nobody (the place they asked
//! in takes no more messages from the bot), the conversation moves to their direct messages;
//! when those take none either, the ticket is marked, the agents are told on the card, and
//! what did not reach the requester is shown to them. Nothing for a requester stays parked.

use super::card;
use super::context::Cx;
use super::keys::MessageKey;
use crate::domain::{Author, LogKind, Reach, Ticket};
use crate::i18n::{Arg, Msg};
use crate::store::{self, OutboxItem, StoreError};
use helpdesk_chat::{ChatAction, RichMessage, SendError};

/// The dispatcher parked items of `ticket` that reached nobody: finds the requester another way.
pub(crate) async fn undelivered(cx: &mut Cx<'_>, ticket: &mut Ticket) -> Result<(), StoreError> {
    let parked = cx.tx.dead_items_of(ticket.id).await?;
    // Only messages for the requester that reached nobody; anything parked for another
    // reason (a malformed message, retries used up) stays for `helpdesk outbox retry`.
    let lost: Vec<OutboxItem> = parked
        .into_iter()
        .filter(|item| card::is_to_requester(ticket, &item.action) && reached_nobody(item))
        .collect();
    let refused = lost.iter().any(|item| {
        item.last_error
            .as_deref()
            .is_some_and(SendError::is_unreachable_text)
    });
    // Replies behind a post that failed otherwise are not the place's fault.
    if lost.is_empty() || (ticket.reach == Reach::AsAsked && !refused) {
        return Ok(());
    }
    let direct = MessageKey::RequesterDirect(ticket.id).to_string();
    let in_direct = |item: &OutboxItem| {
        item.action.posts_as() == Some(direct.as_str())
            || item.action.needs_message() == Some(direct.as_str())
    };
    let reason = lost
        .iter()
        .rev()
        .find_map(|item| item.last_error.clone())
        .unwrap_or_default();
    let ids: Vec<i64> = lost.iter().map(|item| item.id).collect();
    let messages: Vec<RichMessage> = lost
        .iter()
        .filter_map(|item| item.action.message().cloned())
        .collect();
    tracing::warn!(ticket = %ticket.number, reach = ticket.reach.as_str(), lost = lost.len(),
        %reason, "messages for the requester reached nobody");
    // A conversation that was in their direct messages from the start has nowhere to move.
    let direct_failed = lost.iter().any(in_direct)
        || (ticket.reach == Reach::AsAsked && ticket.source.channel == ticket.requester.id);
    match ticket.reach {
        Reach::AsAsked if !direct_failed => move_to_direct(cx, ticket, messages, &reason).await?,
        // Late messages to the place they asked in: they go to the direct messages too.
        Reach::Direct if !direct_failed => {
            for message in messages {
                card::to_requester(cx, ticket, message).await?;
            }
        }
        Reach::AsAsked | Reach::Direct | Reach::Unreachable => {
            if ticket.reach != Reach::Unreachable {
                mark_unreachable(cx, ticket, &reason).await?;
            }
            for message in messages {
                let text = cx.t(
                    Msg::AgentsUndelivered,
                    &[("text", Arg::text(plain(&message)))],
                );
                card::to_agents(cx, ticket, RichMessage::text(text)).await?;
            }
        }
    }
    cx.tx.drop_dead_items(&ids).await
}

/// The conversation goes on in the requester's direct messages: a first message there says
/// why, then what did not reach them, in order.
async fn move_to_direct(
    cx: &mut Cx<'_>,
    ticket: &mut Ticket,
    messages: Vec<RichMessage>,
    reason: &str,
) -> Result<(), StoreError> {
    set_reach(cx, ticket, Reach::Direct, reason).await?;
    let number = Arg::text(ticket.number);
    let words = cx
        .t_requester(
            ticket,
            Msg::RequesterMovedToDirect,
            &[("number", number.clone())],
        )
        .await?;
    let opening = RichMessage {
        title: Some(format!("{} · {}", ticket.number, ticket.title)),
        ..RichMessage::text(words)
    };
    let action = ChatAction::DirectMessage {
        user: ticket.requester.id.clone(),
        key: MessageKey::RequesterDirect(ticket.id).to_string(),
        message: card::fit(cx, opening),
    };
    cx.send(Some(ticket), action).await?;
    for message in messages {
        card::to_requester(cx, ticket, message).await?;
    }
    let told = cx.t(Msg::AgentsRequesterMovedToDirect, &[("number", number)]);
    card::to_agents(cx, ticket, RichMessage::text(told)).await?;
    card::refresh_now(cx, ticket).await
}

/// No way left to the requester in chat: the ticket says so, and the agents are told.
async fn mark_unreachable(
    cx: &mut Cx<'_>,
    ticket: &mut Ticket,
    reason: &str,
) -> Result<(), StoreError> {
    set_reach(cx, ticket, Reach::Unreachable, reason).await?;
    let told = cx.t(
        Msg::AgentsRequesterUnreachable,
        &[
            ("number", Arg::text(ticket.number)),
            ("name", Arg::text(&ticket.requester.name)),
        ],
    );
    card::to_agents(cx, ticket, RichMessage::text(told)).await?;
    card::refresh_now(cx, ticket).await
}

/// A message that reached nobody, as the dispatcher parked it.
fn reached_nobody(item: &OutboxItem) -> bool {
    let error = item.last_error.as_deref().unwrap_or_default();
    item.action.message().is_some() && store::reached_nobody(error)
}

/// Saves how the desk reaches the requester now, and logs why.
async fn set_reach(
    cx: &mut Cx<'_>,
    ticket: &mut Ticket,
    reach: Reach,
    reason: &str,
) -> Result<(), StoreError> {
    ticket.reach = reach;
    cx.save(ticket).await?;
    let reason = reason.to_string();
    let change = LogKind::RequesterReach { reach, reason };
    cx.record(ticket, &Author::System, vec![change]).await
}

/// A message's words, for the agents' thread.
fn plain(message: &RichMessage) -> String {
    let parts = [message.title.as_deref(), Some(message.text.as_str())];
    let parts: Vec<&str> = parts
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .collect();
    parts.join("\n")
}

//! Finding the ticket an event is about, and refusing politely when it cannot be found or the
//! person may not act on it.

use super::card::{self, Side};
use super::context::{Cx, Ev};
use crate::domain::{Act, Refusal, Ticket, TicketError, TicketId, TicketNumber};
use crate::i18n::{Arg, Msg};
use crate::store::StoreError;

/// Which ticket's thread this is, and which side of it (requester or agents).
pub(crate) async fn locate(
    cx: &mut Cx<'_>,
    channel: &str,
    thread: &str,
) -> Result<Option<Side>, StoreError> {
    // The desk's own messages first: a card's thread is never a requester's thread.
    let key = cx.tx.message_key_at(cx.tenant, channel, thread).await?;
    if let Some(side) = key.as_deref().and_then(card::side_of_key) {
        return Ok(Some(side));
    }
    let ticket = cx.tx.ticket_by_thread(cx.tenant, channel, thread).await?;
    Ok(ticket.map(|t| Side::Requester(t.id)))
}

/// Which ticket's thread this is, which side of it, and the ticket itself, read for change
/// (`None` if a key of the desk names a ticket that is not there): the ticket is read once,
/// where [`locate`] and a re-read by id would read it twice.
pub(crate) async fn locate_ticket(
    cx: &mut Cx<'_>,
    channel: &str,
    thread: &str,
) -> Result<Option<(Side, Option<Ticket>)>, StoreError> {
    let key = cx.tx.message_key_at(cx.tenant, channel, thread).await?;
    if let Some(side) = key.as_deref().and_then(card::side_of_key) {
        let (Side::Requester(id) | Side::Agents(id, _)) = &side;
        let ticket = cx.tx.ticket_by_id(*id).await?;
        return Ok(Some((side, ticket)));
    }
    let ticket = cx.tx.ticket_in_thread(cx.tenant, channel, thread).await?;
    Ok(ticket.map(|t| (Side::Requester(t.id), Some(t))))
}

/// The thread a new ticket opened from this event may use: the event's own thread, unless that
/// thread already belongs to a ticket (then the bot starts a new one).
pub(crate) async fn free_thread(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
) -> Result<Option<String>, StoreError> {
    let Some(thread) = ev.event.thread.clone() else {
        return Ok(None);
    };
    let taken = locate(cx, &ev.event.channel.clone(), &thread)
        .await?
        .is_some();
    Ok((!taken).then_some(thread))
}

/// Where a ticket opened by command or form talks with its requester: its own thread (private
/// where the platform has private threads), or on a platform without them (Slack) the
/// requester's direct messages with the bot, never a thread of a public channel.
pub(crate) async fn private_source(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
) -> Result<crate::domain::Source, StoreError> {
    if !cx.private_threads {
        // A user id as the channel: the platform posts to the person's DM with the bot.
        return Ok(crate::domain::Source {
            channel: ev.person.id.clone(),
            thread: None,
        });
    }
    Ok(crate::domain::Source {
        channel: ev.event.channel.clone(),
        thread: free_thread(cx, ev).await?,
    })
}

/// The ticket named by `number`, or else the one whose thread the event is in; read for
/// change. Tells the person when there is none.
pub(crate) async fn target(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    number: Option<TicketNumber>,
) -> Result<Option<Ticket>, StoreError> {
    if let Some(number) = number {
        let found = cx.tx.ticket(cx.tenant, number).await?;
        if found.is_none() {
            tracing::info!(ticket = %number, "unknown ticket");
            cx.tell_msg(ev, Msg::NoSuchTicket, &[("number", Arg::text(number))])
                .await?;
        }
        return Ok(found);
    }
    let located = match ev.event.thread.clone() {
        Some(thread) => locate_ticket(cx, &ev.event.channel.clone(), &thread).await?,
        None => None,
    };
    match located {
        Some((_, ticket)) => Ok(ticket),
        None => {
            cx.tell_msg(ev, Msg::WhichTicket, &[]).await?;
            Ok(None)
        }
    }
}

/// The ticket by its database id (from a button or form), only if it is this tenant's.
pub(crate) async fn by_id(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    id: TicketId,
) -> Result<Option<Ticket>, StoreError> {
    match cx.tx.ticket_by_id(id).await? {
        Some(t) if t.tenant == cx.tenant => Ok(Some(t)),
        _ => {
            // Widget and form ids come from the platform's client: never trusted.
            tracing::warn!(
                ticket = id.0,
                "button or form names no ticket of this tenant"
            );
            cx.tell_msg(ev, Msg::StaleButton, &[]).await?;
            Ok(None)
        }
    }
}

/// The ticket by its database id (from a button or form), if it is this tenant's and the
/// person may do `act` on it; tells them why not.
pub(crate) async fn checked(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    id: TicketId,
    act: Act,
) -> Result<Option<Ticket>, StoreError> {
    let Some(ticket) = by_id(cx, ev, id).await? else {
        return Ok(None);
    };
    Ok(permitted(cx, ev, act, &ticket).await?.then_some(ticket))
}

/// Whether the person may do `act` on the ticket; tells them why not.
pub(crate) async fn permitted(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    act: Act,
    ticket: &Ticket,
) -> Result<bool, StoreError> {
    match ev.access.check(&ev.person.id, act, ticket) {
        Ok(()) => Ok(true),
        Err(refusal) => {
            tracing::info!(user = %ev.person.id, ticket = %ticket.number, ?act, %refusal, "refused");
            let msg = match refusal {
                Refusal::NotYours => Msg::RefusedNotYours,
                Refusal::AgentsOnly => Msg::RefusedAgentsOnly,
                Refusal::AboveLevel(_) => Msg::RefusedAboveLevel,
                Refusal::OtherTeam => Msg::RefusedOtherTeam,
                Refusal::ManagersOnly => Msg::RefusedManagersOnly,
            };
            cx.tell_msg(
                ev,
                msg,
                &[
                    ("number", Arg::text(ticket.number)),
                    ("level", Arg::text(ticket.level)),
                ],
            )
            .await?;
            Ok(false)
        }
    }
}

/// Tells the person why the ticket could not change.
pub(crate) async fn explain(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    ticket: &Ticket,
    error: TicketError,
) -> Result<(), StoreError> {
    tracing::info!(ticket = %ticket.number, %error, "change refused");
    let status = card::status_name(cx, ticket.status);
    match error {
        TicketError::Transition(_) | TicketError::NotActive => {
            cx.tell_msg(
                ev,
                Msg::NotNow,
                &[
                    ("number", Arg::text(ticket.number)),
                    ("status", Arg::text(&status)),
                ],
            )
            .await
        }
        TicketError::AlreadyClaimed(name) => {
            cx.tell_msg(
                ev,
                Msg::AlreadyClaimed,
                &[
                    ("number", Arg::text(ticket.number)),
                    ("name", Arg::text(&name)),
                ],
            )
            .await
        }
        TicketError::ReasonRequired => cx.tell_msg(ev, Msg::ReasonRequired, &[]).await,
        TicketError::BadLevel { to, .. } => {
            cx.tell_msg(
                ev,
                Msg::BadLevel,
                &[
                    ("number", Arg::text(ticket.number)),
                    ("level", Arg::text(ticket.level)),
                    ("to", Arg::text(to)),
                ],
            )
            .await
        }
        TicketError::NoFurtherLevel(level) => {
            cx.tell_msg(ev, Msg::NoFurtherLevel, &[("level", Arg::text(level))])
                .await
        }
    }
}

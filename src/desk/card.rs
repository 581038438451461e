//! The ticket's card in its level's channel, the agents' thread under it, and the requester's
//! thread: where each lives and what the card shows.

use super::context::Cx;
use super::timers::TimerKind;
use crate::config::Place;
use crate::domain::{truncate_chars, Author, LogKind, Status, Ticket, TicketId};
use crate::i18n::Msg;
use crate::store::StoreError;
use helpdesk_chat::{Button, ButtonStyle, ChatAction, Field, Mention, RichMessage, ThreadRef};

/// How many similar resolved tickets a card lists.
const SIMILAR_SHOWN: usize = 3;

/// Button and form ids; their values are ticket ids, re-checked on every click.
pub(crate) mod ids {
    pub const CLAIM: &str = "ticket.claim";
    pub const ESCALATE: &str = "ticket.escalate";
    pub const RESOLVE: &str = "ticket.resolve";
    pub const PRIORITY: &str = "ticket.priority";
    pub const NOTE: &str = "ticket.note";
    pub const CONFIRM: &str = "ticket.confirm";
    pub const NEW: &str = "ticket.new";
}

/// The key of a ticket's card in one channel: one card per ticket and place.
pub(crate) fn card_key(ticket: TicketId, channel: &str) -> String {
    format!("card:{}:{channel}", ticket.0)
}

/// The key of the message that starts the requester's thread when no message of theirs does.
pub(crate) fn requester_key(ticket: TicketId) -> String {
    format!("req:{}", ticket.0)
}

/// Which side of a ticket a message key belongs to.
pub(crate) enum Side {
    /// The requester's thread.
    Requester(TicketId),
    /// The agents' thread under the card in this channel.
    Agents(TicketId, String),
}

/// Reads a key written by [`card_key`] or [`requester_key`].
pub(crate) fn side_of_key(key: &str) -> Option<Side> {
    if let Some(rest) = key.strip_prefix("card:") {
        let (id, channel) = rest.split_once(':')?;
        return Some(Side::Agents(
            TicketId(id.parse().ok()?),
            channel.to_string(),
        ));
    }
    let id = key.strip_prefix("req:")?.parse().ok()?;
    Some(Side::Requester(TicketId(id)))
}

/// Where the requester talks: the thread of their first message, or of the bot's post.
pub(crate) fn requester_thread(ticket: &Ticket) -> (String, ThreadRef) {
    let thread = match &ticket.source.thread {
        Some(id) => ThreadRef::Id(id.clone()),
        None => ThreadRef::Message(requester_key(ticket.id)),
    };
    (ticket.source.channel.clone(), thread)
}

/// Lets the ticket's agent into the requester's thread (a private one on Discord).
pub(crate) async fn let_in(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<(), StoreError> {
    let Some(agent) = &ticket.assignee else {
        return Ok(());
    };
    let (channel, thread) = requester_thread(ticket);
    let action = ChatAction::AddToThread {
        channel,
        thread,
        user: agent.id.clone(),
    };
    cx.send(Some(ticket), action).await
}

/// Takes a former agent out of the requester's thread (a private one on Discord): who no
/// longer works the ticket no longer reads the requester.
pub(crate) async fn let_out(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    former: &crate::domain::Person,
) -> Result<(), StoreError> {
    if ticket.assignee.as_ref().is_some_and(|a| a.id == former.id) {
        return Ok(());
    }
    let (channel, thread) = requester_thread(ticket);
    let action = ChatAction::RemoveFromThread {
        channel,
        thread,
        user: former.id.clone(),
    };
    cx.send(Some(ticket), action).await
}

/// Archives the ticket's threads once it is closed: the requester's and the agents' under the
/// current card (a message in either opens them again).
pub(crate) async fn close_threads(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<(), StoreError> {
    let (channel, thread) = requester_thread(ticket);
    cx.send(Some(ticket), ChatAction::CloseThread { channel, thread })
        .await?;
    let Some(place) = place(cx, ticket) else {
        return Ok(());
    };
    let action = ChatAction::CloseThread {
        thread: ThreadRef::Message(card_key(ticket.id, &place.channel)),
        channel: place.channel,
    };
    cx.send(Some(ticket), action).await
}

/// Where the ticket is worked now, if its level has a channel.
pub(crate) fn place(cx: &Cx<'_>, ticket: &Ticket) -> Option<Place> {
    cx.settings.place(ticket.level, ticket.specialty.as_deref())
}

/// Cuts a message to the platform's limits ("…" marks the cut; the log keeps everything).
pub(crate) fn fit(cx: &Cx<'_>, mut message: RichMessage) -> RichMessage {
    let limits = cx.limits;
    message.title = message.title.map(|t| truncate_chars(&t, limits.title));
    message.text = truncate_chars(&message.text, limits.text);
    for f in &mut message.fields {
        f.value = truncate_chars(&f.value, limits.field);
    }
    message.context = message.context.map(|c| truncate_chars(&c, limits.field));
    message
}

/// Says something to the requester in their thread.
pub(crate) async fn to_requester(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    message: RichMessage,
) -> Result<(), StoreError> {
    let message = fit(cx, message);
    let (channel, thread) = requester_thread(ticket);
    let action = ChatAction::Reply {
        channel,
        thread,
        message,
    };
    cx.send(Some(ticket), action).await
}

/// Says something in the agents' thread under the current card (nothing if no channel).
pub(crate) async fn to_agents(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    message: RichMessage,
) -> Result<(), StoreError> {
    let Some(place) = place(cx, ticket) else {
        return Ok(());
    };
    let message = fit(cx, message);
    let action = ChatAction::Reply {
        thread: ThreadRef::Message(card_key(ticket.id, &place.channel)),
        channel: place.channel,
        message,
    };
    cx.send(Some(ticket), action).await
}

/// Logs a message or note and echoes it in the agents' thread as `msg` (with name and text).
pub(crate) async fn log_and_echo(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    author: &Author,
    entry: LogKind,
    msg: Msg,
) -> Result<(), StoreError> {
    let text = match &entry {
        LogKind::RequesterMessage { text } | LogKind::InternalNote { text } => text.clone(),
        other => other.name().to_string(),
    };
    let shown = cx.t(msg, &[("name", &author.name()), ("text", &text)]);
    cx.record(ticket, author, vec![entry]).await?;
    to_agents(cx, ticket, RichMessage::text(shown)).await
}

/// Shows the ticket at its current place: posts the card (pinging the level's group, with
/// `reason` in its thread) or, if a card is already there, updates it and pings in its thread.
pub(crate) async fn show(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    arrival: Option<Arrival<'_>>,
) -> Result<(), StoreError> {
    let Some(place) = place(cx, ticket) else {
        tracing::warn!(
            ticket = %ticket.number,
            level = %ticket.level,
            "no channel is configured for this level: the card is not posted \
             (set tenants.levels.{}.channel)",
            ticket.level.as_str().to_ascii_lowercase()
        );
        return Ok(());
    };
    let key = card_key(ticket.id, &place.channel);
    let mut card = render(cx, ticket).await?;
    let mut pings: Vec<Mention> = place.pings.clone();
    if cx.tx.message_exists(&key).await? {
        cx.send(
            Some(ticket),
            ChatAction::Update {
                key: key.clone(),
                message: card,
            },
        )
        .await?;
    } else {
        card.mentions = pings.clone();
        let name = truncate_chars(
            &format!("{} {}", ticket.number, ticket.title),
            cx.limits.title.min(100),
        );
        cx.send(
            Some(ticket),
            ChatAction::Post {
                channel: place.channel.clone(),
                message: card,
                key: Some(key.clone()),
            },
        )
        .await?;
        cx.send(
            Some(ticket),
            ChatAction::CreateThread {
                key: key.clone(),
                name,
            },
        )
        .await?;
        // The new card carries the ping; the reason below it need not ping again.
        pings.clear();
    }
    let Some(arrival) = arrival else {
        return Ok(());
    };
    let msg = if arrival.up {
        Msg::AgentsArrived
    } else {
        Msg::AgentsSentBack
    };
    let text = cx.t(
        msg,
        &[("level", &ticket.level), ("reason", &arrival.reason)],
    );
    let message = fit(
        cx,
        RichMessage {
            mentions: pings,
            ..RichMessage::text(text)
        },
    );
    let action = ChatAction::Reply {
        channel: place.channel,
        thread: ThreadRef::Message(key),
        message,
    };
    cx.send(Some(ticket), action).await
}

/// Why a ticket arrives at a level: escalated (`up`) or sent back, with the reason.
pub(crate) struct Arrival<'a> {
    /// Escalated rather than de-escalated.
    pub up: bool,
    /// The reason given.
    pub reason: &'a str,
}

/// Updates the card at the current place after a change.
pub(crate) async fn refresh(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<(), StoreError> {
    if let Some(place) = place(cx, ticket) {
        let key = card_key(ticket.id, &place.channel);
        let message = render(cx, ticket).await?;
        cx.send(Some(ticket), ChatAction::Update { key, message })
            .await?;
    }
    Ok(())
}

/// Marks the card at a place the ticket left: it shows where the ticket went, without buttons.
pub(crate) async fn retire(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    left: &Place,
) -> Result<(), StoreError> {
    let key = card_key(ticket.id, &left.channel);
    if !cx.tx.message_exists(&key).await? {
        return Ok(());
    }
    let mut message = render(cx, ticket).await?;
    message.buttons.clear();
    // The time budget shown belongs to the level the ticket went to.
    let due = cx.t(Msg::FieldDue, &[]);
    // Similar tickets were chosen for the level it went to, not for this channel's audience.
    let similar = cx.t(Msg::FieldSimilar, &[]);
    message
        .fields
        .retain(|f| f.label != due && f.label != similar);
    message.context = Some(cx.t(Msg::CardMoved, &[("level", &ticket.level)]));
    cx.send(Some(ticket), ChatAction::Update { key, message })
        .await
}

/// The card: number, title, requester, priority, category, level, status, assignee, due.
pub(crate) async fn render(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<RichMessage, StoreError> {
    let limits = cx.limits;
    let due = cx
        .tx
        .timer_due(&TimerKind::LevelBudget.key(ticket.id))
        .await?;
    let level = match &ticket.specialty {
        Some(s) => format!("{} · {s}", ticket.level),
        None => ticket.level.to_string(),
    };
    let nobody = cx.t(Msg::Nobody, &[]);
    let mut fields = vec![
        (Msg::FieldRequester, ticket.requester.name.clone()),
        (Msg::FieldPriority, ticket.priority().to_string()),
        (
            Msg::FieldCategory,
            ticket.category.clone().unwrap_or_else(|| "—".into()),
        ),
        (Msg::FieldLevel, level),
        (Msg::FieldStatus, status_name(cx, ticket.status)),
        (
            Msg::FieldAssignee,
            ticket.assignee.as_ref().map_or(nobody, |a| a.name.clone()),
        ),
    ];
    if let (Some(kb), true) = (cx.kb, ticket.status.is_active()) {
        let text = format!("{} {}", ticket.title, ticket.description);
        // Only what this card's audience may see: same tenant, level and specialty.
        let similar = kb.similar_tickets(ticket, &text, SIMILAR_SHOWN);
        if !similar.is_empty() {
            let lines: Vec<String> = similar
                .iter()
                .map(|s| {
                    let title = truncate_chars(&s.title, 60);
                    let fix = truncate_chars(&s.resolution, 120);
                    format!("{} {title} → {fix}", s.number)
                })
                .collect();
            fields.push((Msg::FieldSimilar, lines.join("\n")));
        }
    }
    if let Some(line) = super::sla::card_line(cx, ticket).await? {
        fields.push((Msg::FieldSla, line));
    }
    if let Some(due) = due {
        fields.push((Msg::FieldDue, due.format("%Y-%m-%d %H:%M UTC").to_string()));
    }
    let fields = fields
        .into_iter()
        .map(|(label, value)| Field {
            label: cx.t(label, &[]),
            value: truncate_chars(&value, limits.field),
        })
        .collect();
    let button = |cx: &Cx<'_>, label: Msg, action: &str, style: ButtonStyle| Button {
        label: cx.t(label, &[]),
        action: action.to_string(),
        value: ticket.id.0.to_string(),
        style,
    };
    let buttons = if ticket.status == Status::Closed {
        Vec::new()
    } else {
        let mut b = Vec::new();
        if ticket.assignee.is_none() {
            b.push(button(
                cx,
                Msg::ButtonClaim,
                ids::CLAIM,
                ButtonStyle::Primary,
            ));
        }
        if ticket.level.next().is_some() {
            b.push(button(
                cx,
                Msg::ButtonEscalate,
                ids::ESCALATE,
                ButtonStyle::Normal,
            ));
        }
        b.push(button(
            cx,
            Msg::ButtonResolve,
            ids::RESOLVE,
            ButtonStyle::Normal,
        ));
        b.push(button(
            cx,
            Msg::ButtonPriority,
            ids::PRIORITY,
            ButtonStyle::Normal,
        ));
        b.push(button(cx, Msg::ButtonNote, ids::NOTE, ButtonStyle::Normal));
        b
    };
    Ok(RichMessage {
        title: Some(truncate_chars(
            &format!("{} · {}", ticket.number, ticket.title),
            limits.title,
        )),
        text: truncate_chars(&ticket.description, limits.text),
        fields,
        buttons,
        context: None,
        mentions: Vec::new(),
    })
}

/// The status as people read it, in the tenant's language.
pub(crate) fn status_name(cx: &Cx<'_>, status: Status) -> String {
    let msg = match status {
        Status::New => Msg::StatusNew,
        Status::Open => Msg::StatusOpen,
        Status::Pending => Msg::StatusPending,
        Status::OnHold => Msg::StatusOnHold,
        Status::Resolved => Msg::StatusResolved,
        Status::Closed => Msg::StatusClosed,
    };
    cx.t(msg, &[])
}

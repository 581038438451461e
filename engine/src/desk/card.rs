//! The ticket's card in its level's channel, the agents' thread under it, and the requester's
//! thread: where each lives and what the card shows.

use super::context::Cx;
use super::keys::{MessageKey, TicketForm, Widget};
use crate::config::Place;
use crate::domain::{Author, LogKind, Reach, Status, Ticket, TicketId};
use crate::i18n::{Arg, Msg};
use crate::store::{StoreError, TimerKind, TimerState};
use helpdesk_chat::{
    truncate_chars, Button, ButtonStyle, ChatAction, Field, Mention, RichMessage, ThreadRef,
};

/// How many similar resolved tickets a card lists.
const SIMILAR_SHOWN: usize = 3;

/// The key of a ticket's card in one channel: one card per ticket and place.
fn card_key(ticket: TicketId, channel: &str) -> String {
    MessageKey::card(ticket, channel).to_string()
}

/// Which side of a ticket a message key belongs to.
pub(crate) enum Side {
    /// The requester's thread.
    Requester(TicketId),
    /// The agents' thread under the card in this channel.
    Agents(TicketId, String),
}

/// Reads a message key the desk wrote (`None` for any other message's key).
pub(crate) fn side_of_key(key: &str) -> Option<Side> {
    match key.parse().ok()? {
        MessageKey::Card { ticket, channel } => Some(Side::Agents(ticket, channel)),
        MessageKey::Requester(ticket) | MessageKey::RequesterDirect(ticket) => {
            Some(Side::Requester(ticket))
        }
    }
}

/// Where the requester talks: the thread of their first message, or of the bot's post; once
/// that place took no more messages from the bot, the desk's post in their direct messages.
pub(crate) fn requester_thread(ticket: &Ticket) -> (String, ThreadRef) {
    if ticket.reach != Reach::AsAsked {
        let key = MessageKey::RequesterDirect(ticket.id).to_string();
        return (ticket.requester.id.clone(), ThreadRef::Message(key));
    }
    let thread = match &ticket.source.thread {
        Some(id) => ThreadRef::Id(id.clone()),
        None => ThreadRef::Message(MessageKey::Requester(ticket.id).to_string()),
    };
    (ticket.source.channel.clone(), thread)
}

/// Whether `action` is addressed to the requester of `ticket` (where they asked, or in their
/// direct messages), and so reaches nobody if it cannot be delivered.
pub(crate) fn is_to_requester(ticket: &Ticket, action: &ChatAction) -> bool {
    let own_key = |key: &str| matches!(key.parse(), Ok(MessageKey::Requester(t) | MessageKey::RequesterDirect(t)) if t == ticket.id);
    if action.posts_as().is_some_and(own_key) || action.needs_message().is_some_and(own_key) {
        return true;
    }
    match action {
        ChatAction::Reply {
            channel,
            thread: ThreadRef::Id(id),
            ..
        } => *channel == ticket.source.channel && ticket.source.thread.as_ref() == Some(id),
        _ => false,
    }
}

/// Lets the ticket's agent into the requester's thread (a private one on Discord).
pub(crate) async fn let_in(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<(), StoreError> {
    let Some(agent) = &ticket.assignee else {
        return Ok(());
    };
    // Direct messages have no members to add.
    if ticket.reach != Reach::AsAsked {
        return Ok(());
    }
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
    if ticket.assignee.as_ref().is_some_and(|a| a.id == former.id) || ticket.reach != Reach::AsAsked
    {
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
    if ticket.reach == Reach::AsAsked {
        let (channel, thread) = requester_thread(ticket);
        cx.send(Some(ticket), ChatAction::CloseThread { channel, thread })
            .await?;
    }
    let Some(place) = place(cx, ticket) else {
        return Ok(());
    };
    let action = ChatAction::CloseThread {
        thread: ThreadRef::Message(card_key(ticket.id, &place.channel)),
        channel: place.channel,
    };
    cx.send(Some(ticket), action).await
}

/// Whether the ticket's message with this key was posted or is on its way. A ticket opened in
/// this transaction has nothing posted before it: only this transaction's own queue can say
/// yes, and the database is not asked.
async fn posted(cx: &mut Cx<'_>, ticket: &Ticket, key: &str) -> Result<bool, StoreError> {
    if cx.tx.created_here(ticket.id) {
        return Ok(cx.tx.message_queued(key));
    }
    cx.tx.message_exists(key).await
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

/// Says `msg` to the requester in their thread, in their language.
pub(crate) async fn say_to_requester(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    msg: Msg,
    args: &[(&str, Arg)],
) -> Result<(), StoreError> {
    let text = cx.t_requester(ticket, msg, args).await?;
    to_requester(cx, ticket, RichMessage::text(text)).await
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
    log_and_echo_with(cx, ticket, author, entry, msg, Vec::new()).await
}

/// [`log_and_echo`], the echo carrying `links` (the files shared with the message).
pub(crate) async fn log_and_echo_with(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    author: &Author,
    entry: LogKind,
    msg: Msg,
    links: Vec<helpdesk_chat::Link>,
) -> Result<(), StoreError> {
    let text = match &entry {
        LogKind::RequesterMessage { text } | LogKind::InternalNote { text } => text.clone(),
        other => other.name().to_string(),
    };
    let shown = cx.t(
        msg,
        &[
            ("name", Arg::text(author.name())),
            ("text", Arg::text(&text)),
        ],
    );
    cx.record(ticket, author, vec![entry]).await?;
    let message = RichMessage {
        links,
        ..RichMessage::text(shown)
    };
    to_agents(cx, ticket, message).await
}

/// Shows the ticket at its current place: posts the card (pinging the level's group, with
/// `reason` in its thread) or, if a card is already there, updates it and pings in its thread.
pub(crate) async fn show(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    sla: Option<String>,
    arrival: Option<Arrival<'_>>,
) -> Result<(), StoreError> {
    show_pinging(cx, ticket, sla, arrival, true).await
}

/// [`show`]; a new card pings its level only if `ping` (the knowledge base may have its
/// chance first: see [`ping_level`]).
pub(crate) async fn show_pinging(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    sla: Option<String>,
    arrival: Option<Arrival<'_>>,
    ping: bool,
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
    let mut card = render(cx, ticket, sla).await?;
    let mut pings: Vec<Mention> = if ping {
        place.pings.clone()
    } else {
        Vec::new()
    };
    if posted(cx, ticket, &key).await? {
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
        &[
            ("level", Arg::text(ticket.level)),
            ("reason", Arg::text(arrival.reason)),
        ],
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

/// Says `text` in the agents' thread under the current card, pinging the level (its group or
/// agents, as the card would have).
pub(crate) async fn ping_level(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    text: String,
) -> Result<(), StoreError> {
    let Some(place) = place(cx, ticket) else {
        return Ok(());
    };
    let message = fit(
        cx,
        RichMessage {
            mentions: place.pings.clone(),
            ..RichMessage::text(text)
        },
    );
    let action = ChatAction::Reply {
        thread: ThreadRef::Message(card_key(ticket.id, &place.channel)),
        channel: place.channel,
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
pub(crate) async fn refresh(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    sla: Option<String>,
) -> Result<(), StoreError> {
    if let Some(place) = place(cx, ticket) {
        let key = card_key(ticket.id, &place.channel);
        let message = render(cx, ticket, sla).await?;
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
    sla: Option<String>,
) -> Result<(), StoreError> {
    let key = card_key(ticket.id, &left.channel);
    if !posted(cx, ticket, &key).await? {
        return Ok(());
    }
    // The time budget shown belongs to the level the ticket went to, and similar tickets were
    // chosen for that level, not for this channel's audience.
    let mut message =
        render_without(cx, ticket, sla, &[CardField::Due, CardField::Similar]).await?;
    message.buttons.clear();
    message.context = Some(cx.t(Msg::CardMoved, &[("level", Arg::text(ticket.level))]));
    cx.send(Some(ticket), ChatAction::Update { key, message })
        .await
}

/// A field of the card, by what it is: callers leave fields out by kind, never by their
/// translated label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CardField {
    /// Who asked.
    Requester,
    /// P1–P5.
    Priority,
    /// The ticket's category.
    Category,
    /// The level, with the L3 specialty.
    Level,
    /// The status.
    Status,
    /// Who works it.
    Assignee,
    /// Similar resolved tickets.
    Similar,
    /// The SLA line.
    Sla,
    /// When the level's time budget runs out.
    Due,
}

impl CardField {
    /// The fields only those who may work the ticket see (who works on it and why it moves
    /// are the agents' business).
    pub(crate) const AGENTS_ONLY: [CardField; 4] = [
        CardField::Assignee,
        CardField::Similar,
        CardField::Sla,
        CardField::Due,
    ];

    /// The field's label in the catalogues.
    fn label(self) -> Msg {
        match self {
            CardField::Requester => Msg::FieldRequester,
            CardField::Priority => Msg::FieldPriority,
            CardField::Category => Msg::FieldCategory,
            CardField::Level => Msg::FieldLevel,
            CardField::Status => Msg::FieldStatus,
            CardField::Assignee => Msg::FieldAssignee,
            CardField::Similar => Msg::FieldSimilar,
            CardField::Sla => Msg::FieldSla,
            CardField::Due => Msg::FieldDue,
        }
    }
}

/// The requester's name, with how the desk reaches them when not where they asked.
fn requester_shown(cx: &Cx<'_>, ticket: &Ticket) -> String {
    let name = [("name", Arg::text(&ticket.requester.name))];
    match ticket.reach {
        Reach::AsAsked => ticket.requester.name.clone(),
        Reach::Direct => cx.t(Msg::CardRequesterDirect, &name),
        Reach::Unreachable => cx.t(Msg::CardRequesterUnreachable, &name),
    }
}

/// Updates the card at the current place with its SLA line as it stands.
pub(crate) async fn refresh_now(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<(), StoreError> {
    let line = super::sla::card_line(cx, ticket).await?;
    refresh(cx, ticket, line).await
}

/// The card: number, title, requester, priority, category, level, status, assignee, SLA, due.
/// The SLA line is the caller's to compute (the SLA's timers are not this module's business).
pub(crate) async fn render(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    sla: Option<String>,
) -> Result<RichMessage, StoreError> {
    render_without(cx, ticket, sla, &[]).await
}

/// The card without the `hidden` fields (nothing is looked up for a hidden field).
pub(crate) async fn render_without(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    sla: Option<String>,
    hidden: &[CardField],
) -> Result<RichMessage, StoreError> {
    let limits = cx.limits;
    let shown = |field: &CardField| !hidden.contains(field);
    let due = if shown(&CardField::Due) {
        match cx
            .tx
            .ticket_timer(ticket.id, TimerKind::LevelBudget)
            .await?
        {
            Some(TimerState::Pending { due }) => Some(due),
            _ => None,
        }
    } else {
        None
    };
    let level = match &ticket.specialty {
        Some(s) => format!("{} · {s}", ticket.level),
        None => ticket.level.to_string(),
    };
    let nobody = cx.t(Msg::Nobody, &[]);
    let mut fields = vec![
        (CardField::Requester, requester_shown(cx, ticket)),
        (CardField::Priority, ticket.priority().to_string()),
        (
            CardField::Category,
            ticket.category.clone().unwrap_or_else(|| "—".into()),
        ),
        (CardField::Level, level),
        (CardField::Status, status_name(cx, ticket.status)),
        (
            CardField::Assignee,
            ticket.assignee.as_ref().map_or(nobody, |a| a.name.clone()),
        ),
    ];
    let similar_shown = shown(&CardField::Similar) && ticket.status.is_active();
    if let (Some(kb), true) = (cx.kb, similar_shown) {
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
            fields.push((CardField::Similar, lines.join("\n")));
        }
    }
    if let Some(line) = sla {
        fields.push((CardField::Sla, line));
    }
    if let Some(due) = due {
        fields.push((CardField::Due, cx.date_time(&due, false)));
    }
    let fields = fields
        .into_iter()
        .filter(|(field, _)| shown(field))
        .map(|(field, value)| Field {
            label: cx.t(field.label(), &[]),
            value: truncate_chars(&value, limits.field),
        })
        .collect();
    let button = |cx: &Cx<'_>, label: Msg, widget: Widget, style: ButtonStyle| Button {
        label: cx.t(label, &[]),
        id: widget.to_string(),
        style,
    };
    let open = |form| Widget::Open(form, ticket.id);
    // Only what the ticket's status allows: work while active, reopen once resolved or closed,
    // and notes until it is closed.
    let reopen = || {
        button(
            cx,
            Msg::ButtonReopen,
            Widget::Reopen(ticket.id),
            ButtonStyle::Normal,
        )
    };
    let note = || {
        button(
            cx,
            Msg::ButtonNote,
            open(TicketForm::Note),
            ButtonStyle::Normal,
        )
    };
    let buttons = if ticket.status == Status::Closed {
        vec![reopen()]
    } else if ticket.status == Status::Resolved {
        vec![reopen(), note()]
    } else {
        let mut b = Vec::new();
        if ticket.assignee.is_none() {
            b.push(button(
                cx,
                Msg::ButtonClaim,
                Widget::Claim(ticket.id),
                ButtonStyle::Primary,
            ));
        }
        if ticket.level.next().is_some() {
            b.push(button(
                cx,
                Msg::ButtonEscalate,
                open(TicketForm::Escalate),
                ButtonStyle::Normal,
            ));
        }
        b.push(button(
            cx,
            Msg::ButtonResolve,
            open(TicketForm::Resolve),
            ButtonStyle::Normal,
        ));
        b.push(button(
            cx,
            Msg::ButtonPriority,
            open(TicketForm::Priority),
            ButtonStyle::Normal,
        ));
        b.push(note());
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
        links: Vec::new(),
    })
}

/// The status as people read it, in the language being written (the tenant's on cards).
pub(crate) fn status_name(cx: &Cx<'_>, status: Status) -> String {
    crate::i18n::status_name(cx.lang, status)
}

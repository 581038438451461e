//! Messages: a new top-level message in an intake channel or to the bot opens a ticket; a
//! message in a ticket's thread goes to its log and across to the other side (requester ↔
//! agents), unless it is internal.

use super::card::{self, Side};
use super::context::{Cx, Ev};
use super::intake::{self, Request};
use super::keys::Widget;
use super::timers::{self, TimerKind};
use super::{courtesy, find, sla};
use crate::config::L3Messages;
use crate::domain::{Grade, Level, LogKind, Source, Status, Ticket};
use crate::i18n::{self, Arg, Msg};
use crate::store::StoreError;
use helpdesk_chat::{Attachment, Button, ButtonStyle, ChatAction, Link, RichMessage};

/// A plain message.
pub(crate) async fn message(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    said: Said<'_>,
    message_id: &str,
    to: Addressed,
) -> Result<(), StoreError> {
    let channel = ev.event.channel.clone();
    let text = said.text;
    let direct = to.direct;
    match ev.event.thread.clone() {
        None => {
            let intake_channel = cx.settings.intake_channels.contains(&channel);
            if !(direct || intake_channel) || said.is_empty() {
                // Named where the desk takes no requests, or with nothing to say: the person
                // wants the desk, and hears how to reach it.
                if to.mentions_bot {
                    return offer_new_ticket(cx, ev, Msg::MentionHelp, &[]).await;
                }
                return Ok(());
            }
            let known = intake::RequesterTickets::read(cx, &ev.person).await?;
            let person = direct.then_some(ev.person.id.as_str());
            if let Some(ongoing) = known.listening_in(&channel, person) {
                // Direct messages are one conversation while a ticket listens (Discord's have
                // no threads); in an intake channel, a line soon after the last is more of it.
                let recent = cx.now - ongoing.updated_at
                    <= chrono::Duration::from_std(cx.settings.join_window)
                        .unwrap_or(chrono::Duration::zero());
                if direct || (recent && !cx.settings.join_window.is_zero()) {
                    let id = ongoing.id;
                    return continue_ticket(cx, ev, id, said, direct).await;
                }
            }
            if said.attachments.is_empty() && courtesy::is_courtesy(text) {
                tracing::debug!(user = %ev.person.id, "a courtesy line: no ticket");
                if direct {
                    return offer_new_ticket(cx, ev, Msg::CourtesyNoTicket, &[]).await;
                }
                return Ok(());
            }
            // A file alone still asks for help: its name stands in for the description.
            let description = if text.trim().is_empty() {
                said.file_names()
            } else {
                text.to_string()
            };
            let request = Request {
                requester: ev.person.clone(),
                title: None,
                description,
                category: None,
                urgency: Grade::Medium,
                impact: Grade::Low,
                source: Source {
                    channel,
                    thread: Some(message_id.to_string()),
                },
            };
            let known = (!ev.access.is_agent()).then_some(known);
            match intake::open_knowing(cx, ev, request, known).await? {
                Some(ticket) => {
                    // The agents see the files under the card, where the conversation goes on.
                    if !said.attachments.is_empty() {
                        let shown = files_alone(cx, &ev.person.name, said.attachments);
                        card::to_agents(cx, &ticket, shown).await?;
                    }
                    record_files(cx, ev, &ticket, said.attachments, false).await
                }
                None => Ok(()),
            }
        }
        Some(thread) => {
            // The ticket is read once, locked for change, and handed on.
            let Some((side, ticket)) = find::locate_ticket(cx, &channel, &thread).await? else {
                if to.mentions_bot {
                    return offer_new_ticket(cx, ev, Msg::MentionHelp, &[]).await;
                }
                return Ok(());
            };
            // The files are listed on the ticket after the text is handled; a closed ticket
            // takes none (the writer hears so, as for text).
            let closed = ticket.as_ref().is_some_and(|t| t.status == Status::Closed);
            let files_on = ticket
                .as_ref()
                .filter(|_| !said.attachments.is_empty() && !closed)
                .cloned();
            let files: &[Attachment] = if files_on.is_some() {
                said.attachments
            } else {
                &[]
            };
            let shared = Said {
                text,
                attachments: files,
            };
            let internal = match side {
                Side::Requester(_) => {
                    let file_only_to_closed = closed && !ev.access.is_agent() && !said.is_empty();
                    let shown = if !text.trim().is_empty() || file_only_to_closed {
                        from_requester_side(cx, ev, ticket, shared).await?
                    } else {
                        false
                    };
                    // Files the message's echo did not carry (files alone, a note kept
                    // inside) are still shown to the agents: the requester sees them already.
                    if let (false, Some(ticket)) = (shown, &files_on) {
                        let alone = files_alone(cx, &ev.person.name, files);
                        card::to_agents(cx, ticket, alone).await?;
                    }
                    false
                }
                Side::Agents(_, card_channel) => {
                    let Some(ticket) = ticket else {
                        return Ok(());
                    };
                    if !ev.access.is_agent() {
                        tracing::info!(
                            user = %ev.person.id,
                            ticket = %ticket.number,
                            "a non-agent wrote in an agents' thread: not recorded"
                        );
                        return cx
                            .tell_msg(
                                ev,
                                Msg::RelayNotAgent,
                                &[("number", Arg::text(ticket.number))],
                            )
                            .await;
                    }
                    if shared.is_empty() {
                        return Ok(());
                    }
                    // Files go to the requester with the text, by the same rules; kept, they
                    // stay among the agents.
                    let relayed =
                        from_agents_side(cx, ev, ticket, &card_channel, shared, message_id).await?;
                    !relayed
                }
            };
            match files_on {
                Some(ticket) => record_files(cx, ev, &ticket, said.attachments, internal).await,
                None => Ok(()),
            }
        }
    }
}

/// A top-level line from the requester of `id`, in their direct messages or an intake channel,
/// taken as a message in the ticket's thread. In an intake channel they are told privately
/// where it went, with a button for a ticket of its own.
async fn continue_ticket(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    id: crate::domain::TicketId,
    said: Said<'_>,
    direct: bool,
) -> Result<(), StoreError> {
    let Some(mut ticket) = cx.tx.ticket_by_id(id).await? else {
        return Ok(());
    };
    tracing::info!(ticket = %ticket.number, direct, "a top-level line joins the requester's ticket");
    // The window of an intake channel runs from the requester's latest line.
    ticket.updated_at = cx.now;
    cx.save(&mut ticket).await?;
    let number = ticket.number;
    let shown = if !said.text.trim().is_empty() {
        from_requester_side(cx, ev, Some(ticket.clone()), said).await?
    } else {
        false
    };
    if !shown && !said.attachments.is_empty() {
        let alone = files_alone(cx, &ev.person.name, said.attachments);
        card::to_agents(cx, &ticket, alone).await?;
    }
    record_files(cx, ev, &ticket, said.attachments, false).await?;
    if direct {
        return Ok(());
    }
    offer_new_ticket(
        cx,
        ev,
        Msg::JoinedOpenTicket,
        &[("number", Arg::text(number))],
    )
    .await
}

/// Tells the person `msg` privately, with a button that opens the new-ticket form.
async fn offer_new_ticket(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    msg: Msg,
    args: &[(&str, Arg)],
) -> Result<(), StoreError> {
    let lang = cx.sender_language(ev).await?;
    let message = cx.in_language(lang, |cx| RichMessage {
        buttons: vec![new_ticket_button(cx)],
        ..RichMessage::text(cx.t(msg, args))
    });
    cx.tell(ev, message).await
}

/// The button that opens the new-ticket form.
fn new_ticket_button(cx: &Cx<'_>) -> Button {
    Button {
        label: cx.t(Msg::FormNewTitle, &[]),
        id: Widget::NewTicket.to_string(),
        style: ButtonStyle::Normal,
    }
}

/// To whom a message was written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Addressed {
    /// A direct message to the bot.
    pub direct: bool,
    /// It names the bot.
    pub mentions_bot: bool,
}

/// What a message said: its text and the files attached to it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Said<'a> {
    /// The text, possibly empty when only files were shared.
    pub text: &'a str,
    /// The files shared with it.
    pub attachments: &'a [Attachment],
}

impl Said<'_> {
    fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.attachments.is_empty()
    }

    fn file_names(&self) -> String {
        let names: Vec<&str> = self.attachments.iter().map(|a| a.name.as_str()).collect();
        names.join(", ")
    }
}

/// The files as links for the other side, each labelled with its name and size in the tenant's
/// words ("error.png (1.2 MB)").
fn file_links(cx: &Cx<'_>, files: &[Attachment]) -> Vec<Link> {
    files
        .iter()
        .map(|f| {
            let label = match f.size {
                Some(bytes) => cx.t(
                    Msg::FileLabel,
                    &[
                        ("name", Arg::text(&f.name)),
                        ("size", Arg::Text(i18n::file_size(cx.lang, bytes))),
                    ],
                ),
                None => f.name.clone(),
            };
            Link {
                label,
                url: f.url.clone(),
            }
        })
        .collect()
}

/// Files shared without words: "Mario shared 2 files", with their links.
fn files_alone(cx: &Cx<'_>, name: &str, files: &[Attachment]) -> RichMessage {
    let line = cx.t(
        Msg::SharedFiles,
        &[("name", Arg::text(name)), ("count", Arg::num(files.len()))],
    );
    RichMessage {
        links: file_links(cx, files),
        ..RichMessage::text(line)
    }
}

/// Lists the shared files in the ticket's log (the files stay on the platform).
async fn record_files(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    ticket: &Ticket,
    files: &[Attachment],
    internal: bool,
) -> Result<(), StoreError> {
    if files.is_empty() {
        return Ok(());
    }
    let kinds = files
        .iter()
        .map(|f| LogKind::Attachment {
            name: f.name.clone(),
            url: f.url.clone(),
            size: f.size,
            internal,
        })
        .collect();
    cx.record(ticket, &ev.author(), kinds).await
}

/// A reaction: the intake emoji turns the message into a ticket for its author.
pub(crate) async fn reaction(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    emoji: &str,
    on_message: &str,
    author: Option<&str>,
    text: Option<&str>,
) -> Result<(), StoreError> {
    if !cx.settings.intake_emoji.iter().any(|e| e == emoji) {
        return Ok(());
    }
    from_message(cx, ev, on_message, author, text).await
}

/// "Create ticket" on a message, or the intake reaction: the message becomes a ticket for its
/// author, answered in the message's thread.
pub(crate) async fn from_message(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    on_message: &str,
    author: Option<&str>,
    text: Option<&str>,
) -> Result<(), StoreError> {
    let channel = ev.event.channel.clone();
    // A message that starts a ticket's thread, or one the desk posted (a card, an answer),
    // never becomes a ticket of its own.
    if let Some((_, Some(existing))) = find::locate_ticket(cx, &channel, on_message).await? {
        return cx
            .tell_msg(
                ev,
                Msg::AlreadyATicket,
                &[("number", Arg::text(existing.number))],
            )
            .await;
    }
    let requester = match author {
        Some(id) if id != ev.person.id => crate::domain::Person::new(id, id),
        _ => ev.person.clone(),
    };
    // A reply in a thread anchors the ticket on that thread, where its replies go on, unless
    // the thread is already a ticket's: then the new ticket starts a thread of its own, so the
    // old ticket keeps hearing its requester.
    let thread = match ev.event.thread.clone() {
        None => Some(on_message.to_string()),
        Some(thread) if find::locate(cx, &channel, &thread).await?.is_some() => None,
        Some(thread) => Some(thread),
    };
    let request = Request {
        requester,
        title: None,
        description: text.unwrap_or_default().to_string(),
        category: None,
        urgency: Grade::Medium,
        impact: Grade::Low,
        source: Source { channel, thread },
    };
    intake::open(cx, ev, request).await.map(|_| ())
}

/// A message in the requester's thread of `ticket` (as read for change; `None`: not there).
/// True when its echo in the agents' thread carried its files.
async fn from_requester_side(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    ticket: Option<Ticket>,
    said: Said<'_>,
) -> Result<bool, StoreError> {
    let Some(mut ticket) = ticket else {
        return Ok(false);
    };
    let text = said.text;
    let is_requester = ticket.requester.id == ev.person.id;
    if !is_requester && ev.access.is_agent() {
        // An agent answering in the requester's thread: a reply, shown to the agents too, from
        // someone who may work the ticket now. A former holder still in a private thread, or
        // anyone on a closed ticket, speaks for nobody: kept as a note, and told why.
        let refused = if ticket.status == Status::Closed {
            Some(Msg::RelayClosed)
        } else if ev.access.may_work(&ticket).is_err() {
            Some(Msg::RelayNotAllowed)
        } else {
            None
        };
        let Some(msg) = refused else {
            agent_reply(cx, ev, &mut ticket, said, false).await?;
            return Ok(true);
        };
        keep_inside(cx, ev, &ticket, text, msg).await?;
        return Ok(false);
    }
    if ticket.status == Status::Closed {
        // A closed ticket hears nobody: the writer learns so, privately, with the ways on.
        tracing::info!(user = %ev.person.id, ticket = %ticket.number,
            "a message in a closed ticket's thread: not relayed");
        let lang = cx.sender_language(ev).await?;
        let message = cx.in_language(lang, |cx| {
            let mut buttons = Vec::new();
            if is_requester {
                buttons.push(Button {
                    label: cx.t(Msg::ButtonReopen, &[]),
                    id: Widget::Reopen(ticket.id).to_string(),
                    style: ButtonStyle::Primary,
                });
            }
            buttons.push(new_ticket_button(cx));
            RichMessage {
                buttons,
                ..RichMessage::text(
                    cx.t(Msg::TicketIsClosed, &[("number", Arg::text(ticket.number))]),
                )
            }
        });
        cx.tell(ev, message).await?;
        return Ok(false);
    }
    let entry = LogKind::RequesterMessage {
        text: text.to_string(),
    };
    let links = file_links(cx, said.attachments);
    let author = ev.author();
    card::log_and_echo_with(cx, &ticket, &author, entry, Msg::AgentsFromRequester, links).await?;
    if let Status::Pending = ticket.status {
        if is_requester {
            // The requester answered: back to the agents, the waiting timer stops.
            let Ok(change) = ticket.move_to(Status::Open, cx.now) else {
                return Ok(true);
            };
            cx.save(&mut ticket).await?;
            cx.record(&ticket, &ev.author(), vec![change]).await?;
            timers::disarm(cx, &ticket, TimerKind::PendingTimeout).await?;
            sla::resume(cx, &ticket).await?;
            let line = sla::card_line(cx, &ticket).await?;
            card::refresh(cx, &ticket, line).await?;
        }
    }
    Ok(true)
}

/// Why a message in an agents' thread stays there instead of reaching the requester.
enum Kept {
    /// Marked internal by the writer, or written by L3 where L3 stays away from requesters.
    Internal,
    /// Kept, and the writer is told why (closed ticket, retired card, not theirs to work).
    Told(Msg),
}

/// A message (words, files or both) in an agents' thread: relayed to the requester, or kept
/// among the agents. True when it was relayed.
async fn from_agents_side(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    mut ticket: Ticket,
    card_channel: &str,
    said: Said<'_>,
    message_id: &str,
) -> Result<bool, StoreError> {
    let prefix = cx.settings.internal_prefix.clone();
    let (marked, text) = match said.text.trim_start().strip_prefix(prefix.as_str()) {
        Some(rest) => (true, rest.trim()),
        None => (false, said.text.trim()),
    };
    // Only the ticket's current card speaks for it: an old card's thread (the ticket moved on
    // to another level) stays among its agents.
    let current = card::place(cx, &ticket).is_some_and(|p| p.channel == card_channel);
    // L3 stays away from the requester (seed 001): what a specialist writes is internal, for
    // L1/L2 to relay, unless the tenant lets L3 talk to requesters.
    // An L3 agent stays inside wherever they write; anyone else only on an L3 ticket, where
    // besides managers only L3 agents and the specialty's members may work it.
    let l3_stays_inside = cx.settings.l3_messages == L3Messages::Internal
        && (ev.access.agent_level == Some(Level::L3) || ticket.level == Level::L3)
        && !ev.access.is_manager();
    let kept = if marked {
        Some(Kept::Internal)
    } else if ticket.status == Status::Closed {
        Some(Kept::Told(Msg::RelayClosed))
    } else if !current {
        Some(Kept::Told(Msg::RelayRetiredCard))
    } else if ev.access.may_work(&ticket).is_err() {
        Some(Kept::Told(Msg::RelayNotAllowed))
    } else if l3_stays_inside {
        Some(Kept::Internal)
    } else {
        None
    };
    let said = Said { text, ..said };
    let Some(kept) = kept else {
        agent_reply(cx, ev, &mut ticket, said, true).await?;
        return Ok(true);
    };
    if let Kept::Told(msg) = kept {
        keep_inside(cx, ev, &ticket, text, msg).await?;
        return Ok(false);
    }
    note(cx, ev, &ticket, text).await?;
    let action = ChatAction::React {
        channel: card_channel.to_string(),
        message_id: message_id.to_string(),
        emoji: "lock".into(),
    };
    cx.send(Some(&ticket), action).await?;
    Ok(false)
}

/// Keeps an agent's message as an internal note (files alone leave no note: they are listed).
async fn note(cx: &mut Cx<'_>, ev: &Ev<'_>, ticket: &Ticket, text: &str) -> Result<(), StoreError> {
    if text.trim().is_empty() {
        return Ok(());
    }
    let kinds = vec![LogKind::InternalNote {
        text: text.to_string(),
    }];
    cx.record(ticket, &ev.author(), kinds).await
}

/// Keeps the message as an internal note and tells the writer privately why it went nowhere.
async fn keep_inside(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    ticket: &Ticket,
    text: &str,
    why: Msg,
) -> Result<(), StoreError> {
    note(cx, ev, ticket, text).await?;
    tracing::info!(user = %ev.person.id, ticket = %ticket.number, why = why.key(),
        "an agent's message was kept internal");
    cx.tell_msg(
        ev,
        why,
        &[
            ("number", Arg::text(ticket.number)),
            ("level", Arg::text(ticket.level)),
        ],
    )
    .await
}

/// An agent's answer to the requester (words, files or both): logged, relayed with its files,
/// first response recorded.
async fn agent_reply(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    ticket: &mut Ticket,
    said: Said<'_>,
    from_agents_side: bool,
) -> Result<(), StoreError> {
    let text = said.text;
    let words = !text.trim().is_empty();
    if words {
        cx.record(
            ticket,
            &ev.author(),
            vec![LogKind::AgentReply {
                text: text.to_string(),
            }],
        )
        .await?;
    }
    if ticket.first_response_at.is_none() {
        ticket.record_response(cx.now);
        cx.save(ticket).await?;
        sla::responded(cx, ticket).await?;
        let line = sla::card_line(cx, ticket).await?;
        card::refresh(cx, ticket, line).await?;
    }
    let name = &ev.person.name;
    if from_agents_side {
        let from = cx
            .t_requester(
                ticket,
                Msg::RequesterFromAgent,
                &[("name", Arg::text(name))],
            )
            .await?;
        let lang = cx.requester_language(ticket).await?;
        let body = cx.in_language(lang, |cx| match words {
            true => RichMessage {
                links: file_links(cx, said.attachments),
                ..RichMessage::text(text)
            },
            false => files_alone(cx, name, said.attachments),
        });
        let message = RichMessage {
            context: Some(from),
            ..body
        };
        card::to_requester(cx, ticket, message).await
    } else {
        let shown = cx.t(
            Msg::AgentsAnsweredRequester,
            &[("name", Arg::text(name)), ("text", Arg::text(text))],
        );
        let message = RichMessage {
            links: file_links(cx, said.attachments),
            ..RichMessage::text(shown)
        };
        card::to_agents(cx, ticket, message).await
    }
}

//! The agents' work on a ticket: claim, unclaim, assign, escalate, de-escalate, priority,
//! pending, hold, resume, note. Each saves the ticket, logs, updates the card and audits.

use super::card;
use super::context::{Cx, Ev};
use super::find;
use super::forms;
use super::keys::TicketForm;
use super::sla;
use super::timers::{self, TimerKind};
use crate::config::L3Messages;
use crate::domain::{Author, Impact, Level, LogKind, Person, Status, Ticket, TicketError, Urgency};
use crate::i18n::{Arg, Msg};
use crate::store::StoreError;
use helpdesk_chat::{Mention, RichMessage};
use serde_json::json;

/// Whether the requester may hear who works on the ticket (L3 stays in the background).
fn requester_hears_agents(cx: &Cx<'_>, ticket: &Ticket) -> bool {
    ticket.level < Level::L3 || cx.settings.l3_messages == L3Messages::Relay
}

/// The agent takes the ticket.
pub(crate) async fn claim(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    mut ticket: Ticket,
) -> Result<(), StoreError> {
    let kinds = match ticket.claim(ev.person.clone(), cx.now) {
        Ok(kinds) => kinds,
        Err(e) => return find::explain(cx, ev, &ticket, e).await,
    };
    if kinds.is_empty() {
        return cx
            .tell_msg(
                ev,
                Msg::AlreadyYours,
                &[("number", Arg::text(ticket.number))],
            )
            .await;
    }
    cx.commit(&mut ticket, &ev.author(), kinds, "claim", json!({}))
        .await?;
    let line = sla::card_line(cx, &ticket).await?;
    card::refresh(cx, &ticket, line).await?;
    let text = cx.t(Msg::AgentsClaimed, &[("name", Arg::text(&ev.person.name))]);
    card::to_agents(cx, &ticket, RichMessage::text(text)).await?;
    if requester_hears_agents(cx, &ticket) {
        let lang = cx.requester_language(&ticket).await?;
        let text = cx.in_language(lang, |cx| {
            cx.t(
                Msg::RequesterClaimed,
                &[
                    ("number", Arg::text(ticket.number)),
                    ("name", Arg::text(&ev.person.name)),
                ],
            )
        });
        card::to_requester(cx, &ticket, RichMessage::text(text)).await?;
    }
    card::let_in(cx, &ticket).await
}

/// The ticket goes back to its level's queue.
pub(crate) async fn unclaim(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    mut ticket: Ticket,
) -> Result<(), StoreError> {
    if ticket.assignee.is_none() {
        return cx
            .tell_msg(ev, Msg::NotClaimed, &[("number", Arg::text(ticket.number))])
            .await;
    }
    let former = ticket.assignee.clone();
    let mut kinds = vec![ticket.assign(None, cx.now)];
    if ticket.status == Status::Open {
        match ticket.move_to(Status::New, cx.now) {
            Ok(k) => kinds.push(k),
            Err(e) => return find::explain(cx, ev, &ticket, e).await,
        }
    }
    cx.commit(&mut ticket, &ev.author(), kinds, "unclaim", json!({}))
        .await?;
    let line = sla::card_line(cx, &ticket).await?;
    card::refresh(cx, &ticket, line).await?;
    if let Some(former) = &former {
        card::let_out(cx, &ticket, former).await?;
    }
    let text = cx.t(
        Msg::AgentsUnclaimed,
        &[("name", Arg::text(&ev.person.name))],
    );
    // Back in the queue: the level hears it, or nobody might (the card's first ping may have
    // waited for the knowledge base and never come).
    card::ping_level(cx, &ticket, text).await
}

/// Gives the ticket to someone, who is pinged in the agents' thread.
pub(crate) async fn assign(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    mut ticket: Ticket,
    to: Person,
) -> Result<(), StoreError> {
    if !ticket.status.is_active() {
        return find::explain(cx, ev, &ticket, TicketError::NotActive).await;
    }
    if let Some(refusal) = assignee_refusal(cx, ev, &ticket, &to) {
        tracing::info!(user = %to.id, ticket = %ticket.number, why = refusal.key(), "assignment refused");
        return cx
            .tell_msg(
                ev,
                refusal,
                &[
                    ("name", Arg::text(&to.name)),
                    ("number", Arg::text(ticket.number)),
                    ("level", Arg::text(ticket.level)),
                ],
            )
            .await;
    }
    // Taking a ticket from its holder is unclaiming it: the holder or a manager only.
    let held_by_other = ticket.assignee.as_ref().is_some_and(|a| a.id != to.id);
    if held_by_other && !find::permitted(cx, ev, crate::domain::Act::Unclaim, &ticket).await? {
        return Ok(());
    }
    let mut kinds = Vec::new();
    if ticket.status == Status::New {
        match ticket.move_to(Status::Open, cx.now) {
            Ok(k) => kinds.push(k),
            Err(e) => return find::explain(cx, ev, &ticket, e).await,
        }
    }
    let former = ticket.assignee.clone();
    kinds.push(ticket.assign(Some(to.clone()), cx.now));
    cx.commit(
        &mut ticket,
        &ev.author(),
        kinds,
        "assign",
        json!({ "to": to.id }),
    )
    .await?;
    let line = sla::card_line(cx, &ticket).await?;
    card::refresh(cx, &ticket, line).await?;
    let text = cx.t(Msg::AgentsAssigned, &[("by", Arg::text(&ev.person.name))]);
    let message = RichMessage {
        mentions: vec![Mention::User(to.id)],
        ..RichMessage::text(text)
    };
    card::to_agents(cx, &ticket, message).await?;
    if let Some(former) = &former {
        card::let_out(cx, &ticket, former).await?;
    }
    card::let_in(cx, &ticket).await
}

/// Why `to` may not be given the ticket, if they may not: only an agent allowed to work it
/// where it is, by their roles as the platform says now (the sender's come with the event;
/// anyone else's from the directory, else from the people the configuration lists).
fn assignee_refusal(cx: &Cx<'_>, ev: &Ev<'_>, ticket: &Ticket, to: &Person) -> Option<Msg> {
    use super::context::Looked;
    use helpdesk_chat::Membership;
    let access = if to.id == ev.person.id {
        ev.access.clone()
    } else {
        let groups = match &ev.assignee {
            Some(Looked::Found(Membership::Member(groups))) => groups.clone(),
            Some(Looked::Found(Membership::Stranger)) => return Some(Msg::AssignNotAgent),
            Some(Looked::Failed) | None => Vec::new(),
        };
        let sender = helpdesk_chat::Sender {
            id: to.id.clone(),
            name: to.name.clone(),
            groups,
            is_bot: false,
            locale: None,
        };
        cx.settings.access(&sender)
    };
    match access.may_work(ticket) {
        Ok(()) => None,
        // Listed people are known without asking; group members need the directory.
        Err(_) if matches!(ev.assignee, Some(Looked::Failed)) => Some(Msg::AssignUnverified),
        Err(_) => Some(Msg::AssignNotAgent),
    }
}

/// Moves the ticket to another level: the old card is retired, the new level's card posted (its
/// group pinged with the reason), the level's time budget started, the requester told. The
/// domain's refusal (no reason, no such level, not active) comes back unchanged.
pub(crate) async fn move_level(
    cx: &mut Cx<'_>,
    ticket: &mut Ticket,
    author: &Author,
    to: Level,
    specialty: Option<String>,
    reason: &str,
) -> Result<Result<(), TicketError>, StoreError> {
    let left = card::place(cx, ticket);
    let former = ticket.assignee.clone();
    let up = to > ticket.level;
    let result = if up {
        ticket.escalate(Some(to), specialty, reason, cx.now)
    } else if Some(to) == ticket.level.previous() {
        ticket.deescalate(reason, cx.now)
    } else {
        Err(TicketError::BadLevel {
            from: ticket.level,
            to,
        })
    };
    let kinds = match result {
        Ok(kinds) => kinds,
        Err(e) => return Ok(Err(e)),
    };
    let reason = reason.trim();
    cx.save(ticket).await?;
    cx.record(ticket, author, kinds).await?;
    // A new level starts unheld: the former holder leaves the requester's thread.
    if let Some(former) = &former {
        card::let_out(cx, ticket, former).await?;
    }
    let now_at = card::place(cx, ticket);
    if let Some(left) = left.filter(|l| Some(&l.channel) != now_at.as_ref().map(|p| &p.channel)) {
        let line = sla::card_line(cx, ticket).await?;
        card::retire(cx, ticket, &left, line).await?;
    }
    timers::start_budget(cx, ticket).await?;
    let line = sla::card_line(cx, ticket).await?;
    card::show(cx, ticket, line, Some(card::Arrival { up, reason })).await?;
    let lang = cx.requester_language(ticket).await?;
    let text = cx.in_language(lang, |cx| {
        cx.t(
            Msg::RequesterMovedLevel,
            &[
                ("number", Arg::text(ticket.number)),
                ("level", Arg::text(ticket.level)),
            ],
        )
    });
    card::to_requester(cx, ticket, RichMessage::text(text)).await?;
    let detail =
        json!({ "to": ticket.level.as_str(), "specialty": ticket.specialty, "reason": reason });
    let action = if up { "escalate" } else { "deescalate" };
    cx.audit(author, action, ticket, detail).await?;
    Ok(Ok(()))
}

/// `/ticket escalate`: asks for a missing reason or specialty, then moves the ticket up.
pub(crate) async fn escalate(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    ticket: Ticket,
    level: Option<Level>,
    specialty: Option<String>,
    reason: &str,
) -> Result<(), StoreError> {
    if reason.trim().is_empty() {
        let number = ticket.number;
        return cx
            .tell_msg(
                ev,
                Msg::EscalateNeedsReason,
                &[("number", Arg::text(number))],
            )
            .await;
    }
    let to = level.or(ticket.level.next()).unwrap_or(ticket.level);
    let target = if to > ticket.level {
        Ok(to)
    } else if ticket.level == Level::L3 {
        Err(TicketError::NoFurtherLevel(Level::L3))
    } else {
        Err(TicketError::BadLevel {
            from: ticket.level,
            to,
        })
    };
    let no_general_l3 = cx.settings.levels.l3.channel.is_none();
    if target == Ok(Level::L3)
        && specialty.is_none()
        && no_general_l3
        && !cx.settings.specialties.is_empty()
    {
        let names: Vec<&str> = cx
            .settings
            .specialties
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        let names = names.join(", ");
        return cx
            .tell_msg(
                ev,
                Msg::WhichSpecialty,
                &[("specialties", Arg::text(&names))],
            )
            .await;
    }
    change_level(cx, ev, ticket, target, specialty, reason).await
}

/// `/ticket deescalate`: back down one level, with a reason.
pub(crate) async fn deescalate(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    ticket: Ticket,
    reason: &str,
) -> Result<(), StoreError> {
    let target = ticket
        .level
        .previous()
        .ok_or(TicketError::NoFurtherLevel(ticket.level));
    change_level(cx, ev, ticket, target, None, reason).await
}

async fn change_level(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    mut ticket: Ticket,
    target: Result<Level, TicketError>,
    specialty: Option<String>,
    reason: &str,
) -> Result<(), StoreError> {
    if let Ok(to) = target {
        if cx.settings.place(to, specialty.as_deref()).is_none() {
            // Nobody would see the card there: keep the ticket where people work on it.
            tracing::warn!(level = %to, "escalation refused: no channel is configured for it");
            return cx
                .tell_msg(ev, Msg::NoChannelForLevel, &[("level", Arg::text(to))])
                .await;
        }
    }
    let moved = match target {
        Ok(to) => move_level(cx, &mut ticket, &ev.author(), to, specialty, reason).await?,
        Err(e) => Err(e),
    };
    match moved {
        Ok(()) => Ok(()),
        Err(e) => find::explain(cx, ev, &ticket, e).await,
    }
}

/// New urgency and impact; the priority follows the matrix.
pub(crate) async fn reprioritise(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    mut ticket: Ticket,
    urgency: Urgency,
    impact: Impact,
) -> Result<(), StoreError> {
    let old = ticket.priority();
    let Some(change) = ticket.reprioritise(urgency, impact, cx.now) else {
        return cx
            .tell_msg(
                ev,
                Msg::NothingChanged,
                &[("number", Arg::text(ticket.number))],
            )
            .await;
    };
    sla::reprioritised(cx, &ticket, old).await?;
    let detail = json!({ "urgency": urgency.as_str(), "impact": impact.as_str() });
    cx.commit(&mut ticket, &ev.author(), vec![change], "priority", detail)
        .await?;
    let line = sla::card_line(cx, &ticket).await?;
    card::refresh(cx, &ticket, line).await?;
    let text = cx.t(
        Msg::AgentsPriority,
        &[
            ("name", Arg::text(&ev.person.name)),
            ("priority", Arg::text(ticket.priority())),
        ],
    );
    card::to_agents(cx, &ticket, RichMessage::text(text)).await
}

/// Waits on the requester: the requester is asked, and the ticket closes itself if they never
/// answer.
pub(crate) async fn pending(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    mut ticket: Ticket,
) -> Result<(), StoreError> {
    let kinds = match ticket.move_to(Status::Pending, cx.now) {
        Ok(k) => vec![k],
        Err(e) => return find::explain(cx, ev, &ticket, e).await,
    };
    let wait = cx.settings.pending_timeout;
    timers::arm(cx, &ticket, TimerKind::PendingTimeout, wait).await?;
    sla::pause(cx, &ticket).await?;
    cx.commit(&mut ticket, &ev.author(), kinds, "pending", json!({}))
        .await?;
    let line = sla::card_line(cx, &ticket).await?;
    card::refresh(cx, &ticket, line).await?;
    let lang = cx.requester_language(&ticket).await?;
    let text = cx.in_language(lang, |cx| {
        cx.t(
            Msg::RequesterPending,
            &[
                ("number", Arg::text(ticket.number)),
                ("when", Arg::Text(cx.duration_from_now(wait))),
            ],
        )
    });
    card::to_requester(cx, &ticket, RichMessage::text(text)).await
}

/// Waits on a supplier (seed 001: level 3 may hand over to suppliers).
pub(crate) async fn hold(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    mut ticket: Ticket,
    reason: &str,
) -> Result<(), StoreError> {
    if reason.trim().is_empty() {
        return find::explain(cx, ev, &ticket, TicketError::ReasonRequired).await;
    }
    let mut kinds = match ticket.move_to(Status::OnHold, cx.now) {
        Ok(k) => vec![k],
        Err(e) => return find::explain(cx, ev, &ticket, e).await,
    };
    if cx.settings.sla.pause_on_hold {
        sla::pause(cx, &ticket).await?;
    }
    kinds.push(LogKind::InternalNote {
        text: cx.t(Msg::HoldNote, &[("reason", Arg::text(reason.trim()))]),
    });
    cx.commit(
        &mut ticket,
        &ev.author(),
        kinds,
        "hold",
        json!({ "reason": reason.trim() }),
    )
    .await?;
    let line = sla::card_line(cx, &ticket).await?;
    card::refresh(cx, &ticket, line).await?;
    let lang = cx.requester_language(&ticket).await?;
    let text = cx.in_language(lang, |cx| {
        cx.t(
            Msg::RequesterOnHold,
            &[("number", Arg::text(ticket.number))],
        )
    });
    card::to_requester(cx, &ticket, RichMessage::text(text)).await
}

/// Back to work after pending or hold.
pub(crate) async fn resume(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    mut ticket: Ticket,
) -> Result<(), StoreError> {
    if !matches!(ticket.status, Status::Pending | Status::OnHold) {
        let status = card::status_name(cx, ticket.status);
        return cx
            .tell_msg(
                ev,
                Msg::NotNow,
                &[
                    ("number", Arg::text(ticket.number)),
                    ("status", Arg::text(&status)),
                ],
            )
            .await;
    }
    let kinds = match ticket.move_to(Status::Open, cx.now) {
        Ok(k) => vec![k],
        Err(e) => return find::explain(cx, ev, &ticket, e).await,
    };
    timers::disarm(cx, &ticket, TimerKind::PendingTimeout).await?;
    sla::resume(cx, &ticket).await?;
    cx.commit(&mut ticket, &ev.author(), kinds, "resume", json!({}))
        .await?;
    let line = sla::card_line(cx, &ticket).await?;
    card::refresh(cx, &ticket, line).await
}

/// An internal note: agents only, never shown to the requester.
pub(crate) async fn note(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    ticket: Ticket,
    text: &str,
) -> Result<(), StoreError> {
    let text = text.trim();
    if text.is_empty() {
        if ev.trigger().is_some() {
            return forms::open(cx, ev, |cx| forms::ticket(cx, TicketForm::Note, &ticket)).await;
        }
        return cx.tell_msg(ev, Msg::NoteNeedsText, &[]).await;
    }
    let note = LogKind::InternalNote {
        text: text.to_string(),
    };
    card::log_and_echo(cx, &ticket, &ev.author(), note, Msg::AgentsNote).await?;
    cx.audit(&ev.author(), "note", &ticket, json!({})).await
}

//! Resolve and confirm (seed 002): the agent resolves, the requester is asked "Did this solve
//! it?"; Yes closes, No reopens to the same agent, silence closes after the configured time.

use super::card;
use super::context::{Cx, Ev};
use super::find;
use super::forms;
use super::keys::{TicketForm, Widget};
use super::sla;
use super::timers::{self, TimerKind};
use crate::domain::{Author, LogKind, Status, Ticket};
use crate::i18n::{Arg, Msg};
use crate::store::StoreError;
use helpdesk_chat::{Button, ButtonStyle, RichMessage};
use serde_json::json;

/// The agent says it is fixed. A new ticket is claimed by the resolver on the way.
pub(crate) async fn resolve(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    mut ticket: Ticket,
    resolution: &str,
) -> Result<(), StoreError> {
    let resolution = resolution.trim();
    if resolution.is_empty() {
        if ev.trigger().is_some() {
            return forms::open(cx, ev, |cx| forms::ticket(cx, TicketForm::Resolve, &ticket)).await;
        }
        return cx.tell_msg(ev, Msg::ResolveNeedsText, &[]).await;
    }
    let mut kinds = Vec::new();
    if ticket.status == Status::New {
        match ticket.claim(ev.person.clone(), cx.now) {
            Ok(k) => kinds.extend(k),
            Err(e) => return find::explain(cx, ev, &ticket, e).await,
        }
    }
    match ticket.move_to(Status::Resolved, cx.now) {
        Ok(k) => kinds.push(k),
        Err(e) => return find::explain(cx, ev, &ticket, e).await,
    }
    kinds.push(LogKind::Resolution {
        text: resolution.to_string(),
    });
    ticket.record_response(cx.now);
    // Timers first: the card shown after commit reads them.
    sla::resolved(cx, &ticket).await?;
    timers::disarm(cx, &ticket, TimerKind::LevelBudget).await?;
    timers::disarm(cx, &ticket, TimerKind::PendingTimeout).await?;
    let wait = cx.settings.confirm_timeout;
    timers::arm(cx, &ticket, TimerKind::ConfirmTimeout, wait).await?;
    cx.commit(&mut ticket, &ev.author(), kinds, "resolve", json!({}))
        .await?;
    let line = sla::card_line(cx, &ticket).await?;
    card::refresh(cx, &ticket, line).await?;
    cx.resolved.push(crate::store::ResolvedTicket {
        id: ticket.id,
        tenant: ticket.tenant,
        number: ticket.number,
        title: ticket.title.to_string(),
        description: ticket.description.clone(),
        resolution: resolution.to_string(),
        level: ticket.level,
        specialty: ticket.specialty.clone(),
    });
    cx.tx.note_resolution_change(ticket.id).await?;
    let button = |cx: &Cx<'_>, label, solved, style| Button {
        label: cx.t(label, &[]),
        id: Widget::Confirm(ticket.id, solved).to_string(),
        style,
    };
    // The confirm question is the requester's: written in their language.
    let lang = cx.requester_language(&ticket).await?;
    let was = cx.speak(lang);
    let message = RichMessage {
        title: Some(cx.t(
            Msg::RequesterResolvedTitle,
            &[("number", Arg::text(ticket.number))],
        )),
        text: resolution.to_string(),
        buttons: vec![
            button(cx, Msg::ButtonSolved, true, ButtonStyle::Primary),
            button(cx, Msg::ButtonNotSolved, false, ButtonStyle::Normal),
        ],
        context: Some(cx.t(
            Msg::RequesterResolvedAsk,
            &[("when", Arg::Text(cx.duration_from_now(wait)))],
        )),
        ..RichMessage::default()
    };
    cx.speak(was);
    card::to_requester(cx, &ticket, message).await
}

/// The requester answers "Did this solve it?".
pub(crate) async fn confirm(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    mut ticket: Ticket,
    solved: bool,
) -> Result<(), StoreError> {
    if ticket.status != Status::Resolved {
        return cx
            .tell_msg(
                ev,
                Msg::AlreadyAnswered,
                &[("number", Arg::text(ticket.number))],
            )
            .await;
    }
    timers::disarm(cx, &ticket, TimerKind::ConfirmTimeout).await?;
    let target = if solved { Status::Closed } else { Status::Open };
    let kinds = match ticket.move_to(target, cx.now) {
        Ok(k) => vec![k],
        Err(e) => return find::explain(cx, ev, &ticket, e).await,
    };
    let audit = if solved {
        "confirm_solved"
    } else {
        "confirm_not_solved"
    };
    if !solved {
        timers::start_budget(cx, &ticket).await?;
        sla::reopened(cx, &ticket).await?;
    }
    cx.commit(&mut ticket, &ev.author(), kinds, audit, json!({}))
        .await?;
    let line = sla::card_line(cx, &ticket).await?;
    card::refresh(cx, &ticket, line).await?;
    if solved {
        card::say_to_requester(
            cx,
            &ticket,
            Msg::RequesterThanksClosed,
            &[("number", Arg::text(ticket.number))],
        )
        .await?;
        let text = cx.t(
            Msg::AgentsConfirmed,
            &[("name", Arg::text(&ev.person.name))],
        );
        card::to_agents(cx, &ticket, RichMessage::text(text)).await?;
        after_close(cx, &ticket).await
    } else {
        card::say_to_requester(
            cx,
            &ticket,
            Msg::RequesterReopened,
            &[("number", Arg::text(ticket.number))],
        )
        .await?;
        let text = cx.t(
            Msg::AgentsNotSolved,
            &[("name", Arg::text(&ev.person.name))],
        );
        let mentions = ticket
            .assignee
            .iter()
            .map(|a| helpdesk_chat::Mention::User(a.id.clone()))
            .collect();
        card::to_agents(
            cx,
            &ticket,
            RichMessage {
                mentions,
                ..RichMessage::text(text)
            },
        )
        .await
    }
}

/// Opens a resolved or closed ticket again: to its agent if it has one, else to the queue.
pub(crate) async fn reopen(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    mut ticket: Ticket,
) -> Result<(), StoreError> {
    let mut kinds = match ticket.move_to(Status::Open, cx.now) {
        Ok(k) => vec![k],
        Err(e) => return find::explain(cx, ev, &ticket, e).await,
    };
    if ticket.assignee.is_none() {
        if let Ok(k) = ticket.move_to(Status::New, cx.now) {
            kinds.push(k);
        }
    }
    timers::disarm(cx, &ticket, TimerKind::ConfirmTimeout).await?;
    timers::start_budget(cx, &ticket).await?;
    sla::reopened(cx, &ticket).await?;
    cx.commit(&mut ticket, &ev.author(), kinds, "reopen", json!({}))
        .await?;
    let line = sla::card_line(cx, &ticket).await?;
    card::refresh(cx, &ticket, line).await?;
    let text = cx.t(Msg::AgentsReopened, &[("name", Arg::text(&ev.person.name))]);
    if ticket.status == Status::New {
        // Nobody holds it: page the level (a ticket closed by an article was never paged).
        card::ping_level(cx, &ticket, text).await?;
    } else {
        card::to_agents(cx, &ticket, RichMessage::text(text)).await?;
    }
    let text = cx
        .t_requester(
            &ticket,
            Msg::RequesterReopened,
            &[("number", Arg::text(ticket.number))],
        )
        .await?;
    card::to_requester(cx, &ticket, RichMessage::text(text)).await
}

/// Closes for good (through Resolved when the life cycle requires it).
pub(crate) async fn close(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    mut ticket: Ticket,
) -> Result<(), StoreError> {
    let kinds = match close_steps(cx, &mut ticket) {
        Ok(kinds) => kinds,
        Err(e) => return find::explain(cx, ev, &ticket, e).await,
    };
    disarm_all(cx, &ticket).await?;
    cx.commit(&mut ticket, &ev.author(), kinds, "close", json!({}))
        .await?;
    let line = sla::card_line(cx, &ticket).await?;
    card::refresh(cx, &ticket, line).await?;
    let text = cx.t(
        Msg::Closed,
        &[
            ("number", Arg::text(ticket.number)),
            ("name", Arg::text(&ev.person.name)),
        ],
    );
    card::to_agents(cx, &ticket, RichMessage::text(text)).await?;
    card::say_to_requester(
        cx,
        &ticket,
        Msg::Closed,
        &[
            ("number", Arg::text(ticket.number)),
            ("name", Arg::text(&ev.person.name)),
        ],
    )
    .await?;
    after_close(cx, &ticket).await
}

/// Closes a ticket nobody answered for (a timer): the requester is told why.
pub(crate) async fn close_unanswered(
    cx: &mut Cx<'_>,
    ticket: &mut Ticket,
    why: Msg,
) -> Result<(), StoreError> {
    let Ok(kinds) = close_steps(cx, ticket) else {
        return Ok(());
    };
    disarm_all(cx, ticket).await?;
    cx.commit(ticket, &Author::System, kinds, "auto_close", json!({}))
        .await?;
    let line = sla::card_line(cx, ticket).await?;
    card::refresh(cx, ticket, line).await?;
    let lang = cx.requester_language(ticket).await?;
    let message = cx.in_language(lang, |cx| RichMessage {
        buttons: vec![Button {
            label: cx.t(Msg::ButtonReopen, &[]),
            id: Widget::Reopen(ticket.id).to_string(),
            style: ButtonStyle::Normal,
        }],
        ..RichMessage::text(cx.t(why, &[("number", Arg::text(ticket.number))]))
    });
    card::to_requester(cx, ticket, message).await?;
    after_close(cx, ticket).await
}

/// What follows every close: the satisfaction question, the transcript if wanted, and the
/// ticket's threads archived.
pub(crate) async fn after_close(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<(), StoreError> {
    ask_rating(cx, ticket).await?;
    post_transcript(cx, ticket).await?;
    card::close_threads(cx, ticket).await
}

/// Asks the requester of a closed ticket to rate the help.
async fn ask_rating(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<(), StoreError> {
    let buttons = (1..=5u8)
        .map(|n| Button {
            label: "★".repeat(n as usize),
            id: Widget::Rate(ticket.id, n).to_string(),
            style: ButtonStyle::Normal,
        })
        .collect();
    let text = cx
        .t_requester(
            ticket,
            Msg::FeedbackAsk,
            &[("number", Arg::text(ticket.number))],
        )
        .await?;
    let message = RichMessage {
        text,
        buttons,
        ..RichMessage::default()
    };
    card::to_requester(cx, ticket, message).await
}

fn close_steps(
    cx: &Cx<'_>,
    ticket: &mut Ticket,
) -> Result<Vec<LogKind>, crate::domain::TicketError> {
    let mut kinds = Vec::new();
    if !ticket.status.can_become(Status::Closed) {
        kinds.push(ticket.move_to(Status::Resolved, cx.now)?);
    }
    kinds.push(ticket.move_to(Status::Closed, cx.now)?);
    Ok(kinds)
}

pub(crate) async fn disarm_all(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<(), StoreError> {
    for kind in TimerKind::ALL {
        timers::disarm(cx, ticket, kind).await?;
    }
    Ok(())
}

/// Posts the transcript in the agents' thread when the tenant wants it (cut to the platform's
/// limits; `helpdesk ticket export` gives the whole of it).
pub(crate) async fn post_transcript(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<(), StoreError> {
    if !cx.settings.transcript_on_close {
        return Ok(());
    }
    let log = cx.tx.log(ticket.id).await?;
    let text = crate::transcript::render(
        ticket,
        &log,
        crate::transcript::TranscriptFormat::Md,
        cx.settings.language,
    );
    let message = RichMessage {
        title: Some(cx.t(
            Msg::TranscriptTitle,
            &[("number", Arg::text(ticket.number))],
        )),
        text,
        context: Some(cx.t(
            Msg::TranscriptHint,
            &[("number", Arg::text(ticket.number.0))],
        )),
        ..RichMessage::default()
    };
    card::to_agents(cx, ticket, message).await
}

//! Service levels: a first-response and a resolution target per priority. Each target has a
//! warning timer (at `warn_at` of the target) and a breach timer; both stop while the ticket
//! waits on the requester, and the card shows the next due time and whether it is on track,
//! at risk or breached.

use super::card;
use super::context::Cx;
use super::timers::{self, TimerKind, WorkTime};
use crate::domain::{Author, Priority, Status, Ticket, Timestamp};
use crate::i18n::{Arg, Msg};
use crate::store::{StoreError, TimerState};
use helpdesk_chat::{Mention, RichMessage};
use serde_json::json;
use std::time::Duration;

const RESPONSE: [TimerKind; 2] = [TimerKind::SlaResponseWarning, TimerKind::SlaResponseBreach];
const RESOLUTION: [TimerKind; 2] = [
    TimerKind::SlaResolutionWarning,
    TimerKind::SlaResolutionBreach,
];

/// The share of a target a timer of `kind` fires at.
fn share(cx: &Cx<'_>, kind: TimerKind) -> f64 {
    match kind {
        TimerKind::SlaResponseWarning | TimerKind::SlaResolutionWarning => cx.settings.sla.warn_at,
        _ => 1.0,
    }
}

fn target_of(cx: &Cx<'_>, ticket: &Ticket, kind: TimerKind) -> Duration {
    target_at(cx, ticket, ticket.priority(), kind)
}

/// The first-response target of the ticket's priority (and category): what the requester is
/// told to expect when the ticket opens.
pub(crate) fn first_response_target(cx: &Cx<'_>, ticket: &Ticket) -> Duration {
    target_of(cx, ticket, TimerKind::SlaResponseBreach)
}

/// The share of the target a timer of `kind` fires at, for a priority.
fn target_at(cx: &Cx<'_>, ticket: &Ticket, priority: Priority, kind: TimerKind) -> Duration {
    let target = cx.settings.sla.target(priority, ticket.category.as_deref());
    if RESPONSE.contains(&kind) {
        target.first_response
    } else {
        target.resolution
    }
}

/// Arms the targets' timers as if they started at `from`.
async fn arm_from(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    kinds: &[TimerKind],
    from: Timestamp,
) -> Result<(), StoreError> {
    for kind in kinds {
        let after = target_of(cx, ticket, *kind).mul_f64(share(cx, *kind));
        let due = WorkTime::sla(cx.settings).after(from, after);
        timers::arm_at(cx, ticket, *kind, due).await?;
    }
    Ok(())
}

/// A new ticket: both targets start now.
pub(crate) async fn start(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<(), StoreError> {
    let now = cx.now;
    arm_from(cx, ticket, &RESPONSE, now).await?;
    arm_from(cx, ticket, &RESOLUTION, now).await
}

/// The requester saw the first agent reply: the first-response target is met.
pub(crate) async fn responded(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<(), StoreError> {
    for kind in RESPONSE {
        timers::disarm(cx, ticket, kind).await?;
    }
    Ok(())
}

/// Resolved: both targets are done with.
pub(crate) async fn resolved(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<(), StoreError> {
    for kind in RESPONSE.into_iter().chain(RESOLUTION) {
        timers::disarm(cx, ticket, kind).await?;
    }
    Ok(())
}

/// Reopened: the resolution target starts again.
pub(crate) async fn reopened(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<(), StoreError> {
    // Its fix did not hold: it is no longer an example for similar tickets.
    cx.unresolved.push(ticket.id);
    cx.tx.note_resolution_change(ticket.id).await?;
    let now = cx.now;
    if ticket.first_response_at.is_none() {
        arm_from(cx, ticket, &RESPONSE, now).await?;
    }
    arm_from(cx, ticket, &RESOLUTION, now).await
}

/// Waiting on the requester: the clocks stop, keeping the (business) time left.
pub(crate) async fn pause(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<(), StoreError> {
    for kind in RESPONSE.into_iter().chain(RESOLUTION) {
        let key = kind.key(ticket.id);
        let Some(TimerState::Pending { due }) = cx.tx.ticket_timer(ticket.id, kind).await? else {
            continue;
        };
        let left = WorkTime::sla(cx.settings).between(cx.now, due);
        cx.tx.pause_timer(&key, left).await?;
    }
    Ok(())
}

/// The requester answered (or work resumed): the clocks go on from where they stopped.
pub(crate) async fn resume(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<(), StoreError> {
    for kind in RESPONSE.into_iter().chain(RESOLUTION) {
        let key = kind.key(ticket.id);
        let Some(TimerState::Paused { left }) = cx.tx.ticket_timer(ticket.id, kind).await? else {
            continue;
        };
        let due = WorkTime::sla(cx.settings).after(cx.now, left);
        cx.tx.resume_timer(&key, due).await?;
    }
    Ok(())
}

/// The priority changed from `old`: the time already used (business time, pauses excluded)
/// counts against the new targets.
pub(crate) async fn reprioritised(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    old: Priority,
) -> Result<(), StoreError> {
    for kind in RESPONSE.into_iter().chain(RESOLUTION) {
        let key = kind.key(ticket.id);
        let Some(state) = cx.tx.ticket_timer(ticket.id, kind).await? else {
            continue;
        };
        let old_after = target_at(cx, ticket, old, kind).mul_f64(share(cx, kind));
        let new_after = target_of(cx, ticket, kind).mul_f64(share(cx, kind));
        let left = match state {
            TimerState::Pending { due } => WorkTime::sla(cx.settings).between(cx.now, due),
            TimerState::Paused { left } => left,
            TimerState::Fired { .. } | TimerState::Cancelled => continue,
        };
        let used = old_after.saturating_sub(left);
        let new_left = new_after.saturating_sub(used);
        let due = WorkTime::sla(cx.settings).after(cx.now, new_left);
        timers::arm_at(cx, ticket, kind, due).await?;
        if matches!(state, TimerState::Paused { .. }) {
            cx.tx.pause_timer(&key, new_left).await?;
        }
    }
    Ok(())
}

/// A warning or breach timer fired.
pub(crate) async fn fire(
    cx: &mut Cx<'_>,
    ticket: &mut Ticket,
    kind: TimerKind,
) -> Result<(), StoreError> {
    if !ticket.status.is_active() || ticket.status == Status::Pending {
        return Ok(());
    }
    let response = RESPONSE.contains(&kind);
    if response && ticket.first_response_at.is_some() {
        return Ok(());
    }
    let target = target_of(cx, ticket, kind);
    let what = cx.t(
        if response {
            Msg::SlaFirstResponse
        } else {
            Msg::SlaResolution
        },
        &[],
    );
    let spent = cx.duration(target);
    let breach = matches!(
        kind,
        TimerKind::SlaResponseBreach | TimerKind::SlaResolutionBreach
    );
    cx.audit(
        &Author::System,
        if breach { "sla_breach" } else { "sla_warning" },
        ticket,
        json!({ "target": if response { "first_response" } else { "resolution" },
                "priority": ticket.priority().as_str() }),
    )
    .await?;
    if breach {
        cx.counts.sla_breaches += 1;
    } else {
        cx.counts.sla_warnings += 1;
    }
    if !breach {
        let line = card_line(cx, ticket).await?;
        card::refresh(cx, ticket, line).await?;
        let text = cx.t(
            Msg::SlaWarning,
            &[
                ("what", Arg::text(&what)),
                ("target", Arg::text(&spent)),
                ("number", Arg::text(ticket.number)),
            ],
        );
        let mentions = ticket
            .assignee
            .iter()
            .map(|a| Mention::User(a.id.clone()))
            .collect();
        return card::to_agents(
            cx,
            ticket,
            RichMessage {
                mentions,
                ..RichMessage::text(text)
            },
        )
        .await;
    }
    let reason = cx.t(
        Msg::SlaBreachReason,
        &[("what", Arg::text(&what)), ("target", Arg::text(&spent))],
    );
    let line = card_line(cx, ticket).await?;
    card::refresh(cx, ticket, line).await?;
    timers::alert_managers(cx, ticket, &reason).await?;
    let next = ticket
        .level
        .next()
        .filter(|n| cx.settings.place(*n, None).is_some());
    if let (true, Some(next)) = (cx.settings.sla.escalate_on_breach, next) {
        let moved =
            super::work::move_level(cx, ticket, &Author::System, next, None, &reason).await?;
        if let Err(e) = moved {
            tracing::warn!(ticket = %ticket.number, error = %e, "escalation on breach refused");
        }
    }
    Ok(())
}

/// The card's SLA line: the next target due, and on track / at risk / breached.
pub(crate) async fn card_line(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
) -> Result<Option<String>, StoreError> {
    if !ticket.status.is_active() {
        return Ok(None);
    }
    let (warn, breach, what) = if ticket.first_response_at.is_none() {
        (
            TimerKind::SlaResponseWarning,
            TimerKind::SlaResponseBreach,
            Msg::SlaFirstResponse,
        )
    } else {
        (
            TimerKind::SlaResolutionWarning,
            TimerKind::SlaResolutionBreach,
            Msg::SlaResolution,
        )
    };
    // The ticket's timers are read in one round trip, and not at all when this transaction
    // created or set them.
    let breach_state = match cx.tx.ticket_timer(ticket.id, breach).await? {
        None | Some(TimerState::Cancelled) => return Ok(None),
        Some(state) => state,
    };
    let warned = matches!(
        cx.tx.ticket_timer(ticket.id, warn).await?,
        Some(TimerState::Fired { .. })
    );
    let running = if warned {
        Msg::SlaAtRisk
    } else {
        Msg::SlaOnTrack
    };
    // The due time shown: when the target falls (or fell) due; none while the clock is stopped.
    let (state, due) = match breach_state {
        TimerState::Fired { due } => (Msg::SlaBreached, Some(due)),
        TimerState::Pending { due } => (running, Some(due)),
        TimerState::Paused { .. } => (running, None),
        TimerState::Cancelled => return Ok(None),
    };
    let what = cx.t(what, &[]);
    let state = cx.t(state, &[]);
    let due = match due {
        Some(due) => cx.date_time(&due, false),
        None => cx.t(Msg::SlaPaused, &[]),
    };
    Ok(Some(cx.t(
        Msg::SlaLine,
        &[
            ("what", Arg::text(&what)),
            ("due", Arg::text(&due)),
            ("state", Arg::text(&state)),
        ],
    )))
}

//! The desk's timers: a level's time budget, the wait for the requester's confirmation, and
//! the wait for a pending requester. Each is a row (one per ticket and kind) fired once.

use super::context::Cx;
use super::{card, resolve, work};
use crate::clock::later;
use crate::config::{BudgetAction, BudgetClock, TenantConfig};
use crate::domain::{Author, Calendar, Level, Status, Ticket, Timestamp};
use crate::i18n::{Arg, Msg};
use crate::store::{StoreError, TimerRecord};
use helpdesk_chat::{ChatAction, RichMessage};
use std::time::Duration;

pub use crate::store::TimerKind;

/// The hours a clock counts: the tenant's business hours, or every hour. The SLA clocks and
/// the level budgets both count time through this.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WorkTime<'a>(Option<&'a Calendar>);

impl<'a> WorkTime<'a> {
    /// The SLA clocks': business hours if the tenant has them.
    pub fn sla(settings: &'a TenantConfig) -> Self {
        WorkTime(settings.business_hours.as_ref().map(|h| h.calendar()))
    }

    /// A level's budget: business hours if the tenant has them, unless the level counts
    /// every hour.
    pub fn budget(settings: &'a TenantConfig, level: Level) -> Self {
        match settings.level(level).budget_clock {
            BudgetClock::Business => WorkTime::sla(settings),
            BudgetClock::Always => WorkTime(None),
        }
    }

    /// The instant `work` of counted time after `from`.
    pub fn after(self, from: Timestamp, work: Duration) -> Timestamp {
        match self.0 {
            Some(calendar) => calendar.add(from, work),
            None => later(from, work),
        }
    }

    /// The counted time from `from` until `due` (zero if `due` is not later).
    pub fn between(self, from: Timestamp, due: Timestamp) -> Duration {
        match self.0 {
            Some(calendar) => calendar.between(from, due),
            None => (due - from).to_std().unwrap_or(Duration::ZERO),
        }
    }
}

/// Arms the timer of `kind` for the ticket, `after` from now (an upsert on its key, written
/// with the event's other timers at commit: re-arming needs no lookup).
pub(crate) async fn arm(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    kind: TimerKind,
    after: Duration,
) -> Result<(), StoreError> {
    let due = later(cx.now, after);
    arm_at(cx, ticket, kind, due).await
}

/// Arms the timer of `kind` for the ticket, due at `due` (see [`arm`]).
pub(crate) async fn arm_at(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    kind: TimerKind,
    due: Timestamp,
) -> Result<(), StoreError> {
    let payload = serde_json::json!({ "level": ticket.level.as_str() });
    cx.tx.set_timer_later(
        cx.tenant,
        Some(ticket.id),
        &kind.key(ticket.id),
        kind,
        due.max(cx.now),
        &payload,
        cx.now,
    );
    Ok(())
}

/// Disarms the ticket's timer of `kind`, if armed.
pub(crate) async fn disarm(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    kind: TimerKind,
) -> Result<(), StoreError> {
    cx.tx.cancel_timer(&kind.key(ticket.id)).await.map(|_| ())
}

/// Starts the budget of the ticket's current level (or stops it: no budget at that level).
pub(crate) async fn start_budget(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<(), StoreError> {
    match cx.settings.level(ticket.level).budget {
        Some(budget) => arm_budget(cx, ticket, budget).await,
        None => disarm(cx, ticket, TimerKind::LevelBudget).await,
    }
}

/// Arms the level's budget: `budget` of the level's counted time from now (a ticket that comes
/// in while the desk is closed starts using it at the next opening).
async fn arm_budget(cx: &mut Cx<'_>, ticket: &Ticket, budget: Duration) -> Result<(), StoreError> {
    let due = WorkTime::budget(cx.settings, ticket.level).after(cx.now, budget);
    arm_at(cx, ticket, TimerKind::LevelBudget, due).await
}

/// Fires a due timer (already claimed by the caller's transaction) on its ticket, as the
/// caller read it for change (`None`: the timer has no ticket, or it is gone).
pub(crate) async fn fire(
    cx: &mut Cx<'_>,
    timer: &TimerRecord,
    ticket: Option<Ticket>,
) -> Result<(), StoreError> {
    let kind = timer.kind;
    if timer.ticket.is_none() {
        return Ok(());
    }
    let Some(mut ticket) = ticket else {
        tracing::warn!(timer = %timer.key, "the timer's ticket is gone: dropped");
        return Ok(());
    };
    match kind {
        TimerKind::LevelBudget => budget_ran_out(cx, &mut ticket, timer).await,
        TimerKind::ConfirmTimeout if ticket.status == Status::Resolved => {
            resolve::close_unanswered(cx, &mut ticket, Msg::RequesterClosedNoAnswer).await
        }
        TimerKind::PendingTimeout if ticket.status == Status::Pending => {
            resolve::close_unanswered(cx, &mut ticket, Msg::RequesterClosedPending).await
        }
        // The ticket moved on since the timer was armed.
        TimerKind::ConfirmTimeout | TimerKind::PendingTimeout => Ok(()),
        // Escalated since: the new level was paged when the ticket arrived.
        TimerKind::KbGrace if timer.payload["level"].as_str() != Some(ticket.level.as_str()) => {
            Ok(())
        }
        TimerKind::KbGrace => {
            let text = cx.t(
                Msg::AgentsKbGraceOver,
                &[("number", Arg::text(ticket.number))],
            );
            super::knowledge::grace_over(cx, &ticket, text).await
        }
        TimerKind::Undelivered => super::reach::undelivered(cx, &mut ticket).await,
        TimerKind::SlaResponseWarning
        | TimerKind::SlaResponseBreach
        | TimerKind::SlaResolutionWarning
        | TimerKind::SlaResolutionBreach => super::sla::fire(cx, &mut ticket, kind).await,
    }
}

async fn budget_ran_out(
    cx: &mut Cx<'_>,
    ticket: &mut Ticket,
    timer: &TimerRecord,
) -> Result<(), StoreError> {
    let armed_at: Option<Level> = timer.payload["level"].as_str().and_then(|l| l.parse().ok());
    if armed_at != Some(ticket.level) || !ticket.status.is_active() {
        return Ok(());
    }
    let level = cx.settings.level(ticket.level);
    let Some(budget) = level.budget else {
        return Ok(());
    };
    if matches!(ticket.status, Status::Pending | Status::OnHold) {
        // Waiting on the requester or a supplier is not the level's time: check again later.
        return arm_budget(cx, ticket, budget).await;
    }
    let spent = cx.duration(budget);
    let reason = cx.t(
        Msg::BudgetReason,
        &[
            ("level", Arg::text(ticket.level)),
            ("budget", Arg::text(&spent)),
        ],
    );
    let next = ticket
        .level
        .next()
        .filter(|next| cx.settings.place(*next, None).is_some());
    match (level.on_budget, next) {
        (BudgetAction::Escalate, Some(next)) => {
            let moved = work::move_level(cx, ticket, &Author::System, next, None, &reason).await?;
            if let Err(e) = moved {
                tracing::warn!(ticket = %ticket.number, error = %e, "automatic escalation refused");
            }
            Ok(())
        }
        _ => alert_managers(cx, ticket, &reason).await,
    }
}

/// Tells the managers' channel (or, without one, the agents' thread) about a ticket.
pub(crate) async fn alert_managers(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    reason: &str,
) -> Result<(), StoreError> {
    let text = cx.t(
        Msg::ManagersAlert,
        &[
            ("number", Arg::text(ticket.number)),
            ("title", Arg::text(&ticket.title)),
            ("reason", Arg::text(reason)),
        ],
    );
    let line = super::sla::card_line(cx, ticket).await?;
    let mut message = card::render(cx, ticket, line).await?;
    message.buttons.clear();
    message.context = Some(text.clone());
    message.mentions = cx.settings.manager_pings();
    let message = card::fit(cx, message);
    match cx.settings.managers_channel.clone() {
        Some(channel) => {
            let action = ChatAction::Post {
                channel,
                message,
                key: None,
            };
            cx.send(Some(ticket), action).await
        }
        None => card::to_agents(cx, ticket, RichMessage::text(text)).await,
    }
}

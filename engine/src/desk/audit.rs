//! `/helpdesk audit [#number] [@person] [7d]`: the tenant's audit log in chat, for managers.

use super::context::{Cx, Ev};
use crate::domain::{Person, TicketNumber};
use crate::i18n::{Arg, Msg};
use crate::store::{AuditFilter, StoreError};
use helpdesk_chat::{truncate_chars, RichMessage};

/// How many entries one answer lists.
const SHOWN: i64 = 20;

/// The longest look back, in days.
const MAX_DAYS: u64 = 366;

/// Answers `/helpdesk audit …` (managers only; the table read the options); the reading is
/// itself audited.
pub(crate) async fn command(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    ticket: Option<TicketNumber>,
    actor: Option<Person>,
    period: Option<&str>,
) -> Result<(), StoreError> {
    if !ev.access.is_manager() {
        return cx.tell_msg(ev, Msg::RefusedManagersOnly, &[]).await;
    }
    let Some(filter) = filter(cx, ticket, actor, period) else {
        return cx.tell_msg(ev, Msg::AuditUsage, &[]).await;
    };
    let entries = cx.tx.audit_entries(&filter).await?;
    cx.audit_act(
        &ev.author(),
        "audit.read",
        "audit",
        serde_json::json!({ "actor": filter.actor, "target": filter.target }),
    )
    .await?;
    if entries.is_empty() {
        return cx.tell_msg(ev, Msg::AuditEmpty, &[]).await;
    }
    let lines: Vec<String> = entries
        .iter()
        .map(|e| {
            cx.t(
                Msg::AuditLine,
                &[
                    ("at", Arg::text(cx.date_time(&e.at, false))),
                    ("actor", Arg::text(&e.actor.name)),
                    ("action", Arg::text(&e.action)),
                    ("target", Arg::text(&e.target)),
                ],
            )
        })
        .collect();
    let message = RichMessage {
        title: Some(cx.t(Msg::AuditTitle, &[("count", Arg::num(entries.len()))])),
        text: truncate_chars(&lines.join("\n"), cx.limits.text),
        ..RichMessage::default()
    };
    cx.tell(ev, message).await
}

/// The entries asked for; `None` when the period is not one the desk looks back over.
fn filter(
    cx: &Cx<'_>,
    ticket: Option<TicketNumber>,
    actor: Option<Person>,
    period: Option<&str>,
) -> Option<AuditFilter> {
    let since = match period {
        Some(period) => {
            let span = crate::config::parse_duration(period)
                .ok()
                .filter(|s| !s.is_zero() && s.as_secs() <= MAX_DAYS * 86400)?;
            Some(cx.now - chrono::Duration::from_std(span).ok()?)
        }
        None => None,
    };
    Some(AuditFilter {
        tenant: Some(cx.tenant),
        limit: SHOWN,
        target: ticket.map(|n| n.to_string()),
        actor: actor.map(|p| p.id),
        since,
        ..AuditFilter::default()
    })
}

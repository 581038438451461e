//! `/helpdesk audit [#number] [@person] [7d]`: the tenant's audit log in chat, for managers.

use super::command::user_mention;
use super::context::{Cx, Ev};
use crate::domain::{truncate_chars, TicketNumber};
use crate::i18n::Msg;
use crate::store::{AuditFilter, StoreError};
use helpdesk_chat::RichMessage;

/// How many entries one answer lists.
const SHOWN: i64 = 20;

/// The longest look back, in days.
const MAX_DAYS: u64 = 366;

/// Answers `/helpdesk audit …` (managers only); the reading is itself audited.
pub(crate) async fn command(cx: &mut Cx<'_>, ev: &Ev<'_>, args: &str) -> Result<(), StoreError> {
    if !ev.access.is_manager() {
        return cx.tell_msg(ev, Msg::RefusedManagersOnly, &[]).await;
    }
    let Some(filter) = parse(cx, args) else {
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
                    ("at", &e.at.format("%Y-%m-%d %H:%M")),
                    ("actor", &e.actor.name),
                    ("action", &e.action),
                    ("target", &e.target),
                ],
            )
        })
        .collect();
    let message = RichMessage {
        title: Some(cx.t(Msg::AuditTitle, &[("count", &entries.len())])),
        text: truncate_chars(&lines.join("\n"), cx.limits.text),
        ..RichMessage::default()
    };
    cx.tell(ev, message).await
}

/// `audit [#N] [<@U…>] [7d]` in any order; `None` when a word is none of these.
fn parse(cx: &Cx<'_>, args: &str) -> Option<AuditFilter> {
    let mut filter = AuditFilter {
        tenant: Some(cx.tenant),
        limit: SHOWN,
        ..AuditFilter::default()
    };
    for word in args.split_whitespace().skip(1) {
        if let Ok(number) = word.parse::<TicketNumber>() {
            filter.target = Some(number.to_string());
        } else if let Some(person) = user_mention(word) {
            filter.actor = Some(person.id);
        } else {
            let span = crate::config::parse_duration(word)
                .ok()
                .filter(|s| !s.is_zero() && s.as_secs() <= MAX_DAYS * 86400)?;
            filter.since = Some(cx.now - chrono::Duration::from_std(span).ok()?);
        }
    }
    Some(filter)
}

//! Plain-text and JSON views of tickets and the audit log for the operator's command line.

use crate::domain::Ticket;
use crate::i18n::{self, Language};
use crate::store::{AuditEntry, LogRecord, OutboxItem};
use serde_json::json;
use std::fmt::Write;

/// The language of the operator's views: the command line speaks English.
const OPERATOR: Language = Language::En;

/// A ticket as JSON, with its derived priority spelled out.
pub fn ticket_json(t: &Ticket) -> serde_json::Value {
    let mut v = serde_json::to_value(t).unwrap_or_default();
    v["priority"] = json!(t.priority());
    v
}

/// One row per ticket: number, status, priority, level, assignee, title.
pub fn ticket_table(tickets: &[Ticket]) -> String {
    let mut out = format!(
        "{:<6} {:<9} {:<4} {:<3} {:<18} {}\n",
        "#", "STATUS", "PRIO", "LVL", "ASSIGNEE", "TITLE"
    );
    for t in tickets {
        let assignee = t.assignee.as_ref().map_or("-", |p| p.name.as_str());
        let _ = writeln!(
            out,
            "{:<6} {:<9} {:<4} {:<3} {:<18} {}",
            t.number.0,
            t.status.as_str(),
            t.priority().as_str(),
            t.level.as_str(),
            helpdesk_chat::truncate_chars(assignee, 18),
            t.title
        );
    }
    out
}

/// The ticket's header and its whole log, internal notes marked.
pub fn ticket_detail(t: &Ticket, log: &[LogRecord]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Ticket {} — {}", t.number, t.title);
    let _ = writeln!(
        out,
        "status {} · priority {} (urgency {}, impact {}) · level {}{}",
        t.status,
        t.priority(),
        t.urgency,
        t.impact,
        t.level,
        t.specialty
            .as_ref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "requester {} ({}) · assignee {} · opened {}",
        t.requester.name,
        t.requester_type.as_str(),
        t.assignee.as_ref().map_or("nobody", |p| p.name.as_str()),
        i18n::date_time(OPERATOR, &t.created_at, false)
    );
    if let Some(category) = &t.category {
        let _ = writeln!(out, "category {category}");
    }
    let _ = writeln!(out, "\n{}\n\nLog:", t.description);
    for record in log {
        let e = &record.entry;
        let line = i18n::describe(OPERATOR, &e.kind);
        let _ = writeln!(
            out,
            "  {}  {:<16} {}",
            i18n::date_time(OPERATOR, &e.at, true),
            e.author.name(),
            line
        );
    }
    out
}

/// An outbox item as JSON. Interaction triggers are left out: on Discord they hold the
/// interaction's token, which lets anyone answer as the bot for 15 minutes.
pub fn outbox_json(item: &OutboxItem) -> serde_json::Value {
    let mut action = serde_json::to_value(&item.action).unwrap_or_default();
    if let Some(trigger) = action.get_mut("trigger").filter(|t| !t.is_null()) {
        *trigger = json!("(hidden)");
    }
    json!({
        "id": item.id,
        "tenant": item.tenant.0,
        "ticket": item.ticket.map(|t| t.0),
        "state": item.state.as_str(),
        "attempts": item.attempts,
        "next_attempt_at": item.next_attempt_at,
        "last_error": item.last_error,
        "action": action,
    })
}

/// One row per outbox item: id, state, attempts, what it does, the last error.
pub fn outbox_table(items: &[OutboxItem]) -> String {
    let mut out = format!(
        "{:<8} {:<8} {:<8} {:<12} {}\n",
        "ID", "STATE", "ATTEMPTS", "ACTION", "LAST ERROR"
    );
    for item in items {
        let action = serde_json::to_value(&item.action)
            .ok()
            .and_then(|v| v["type"].as_str().map(str::to_string))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:<8} {:<8} {:<8} {:<12} {}",
            item.id,
            item.state.as_str(),
            item.attempts,
            action,
            item.last_error.as_deref().unwrap_or("-")
        );
    }
    out
}

/// The audit entries as a table: time, tenant, actor, action, target, details.
pub fn audit_table(entries: &[AuditEntry]) -> String {
    let mut out = format!(
        "{:<23} {:<6} {:<24} {:<16} {:<10} {}\n",
        "AT", "TENANT", "ACTOR", "ACTION", "TARGET", "DETAIL"
    );
    for e in entries {
        let tenant = e.tenant.map_or("-".to_string(), |t| t.0.to_string());
        let actor = format!("{} ({})", e.actor.name, e.actor.id);
        let _ = writeln!(
            out,
            "{:<23} {:<6} {:<24} {:<16} {:<10} {}",
            i18n::date_time(OPERATOR, &e.at, true),
            tenant,
            helpdesk_chat::truncate_chars(&actor, 24),
            e.action,
            e.target,
            e.detail
        );
    }
    out
}

/// One audit entry as JSON.
pub fn audit_json(e: &AuditEntry) -> serde_json::Value {
    serde_json::json!({
        "at": e.at.to_rfc3339(),
        "tenant": e.tenant.map(|t| t.0),
        "actor": { "id": e.actor.id, "name": e.actor.name },
        "action": e.action,
        "target": e.target,
        "detail": e.detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TenantId;
    use crate::store::OutboxState;
    use helpdesk_chat::{ChatAction, RichMessage};

    #[test]
    fn an_outbox_listing_never_shows_an_interaction_token() {
        let item = OutboxItem {
            id: 1,
            tenant: TenantId(1),
            ticket: None,
            action: ChatAction::Ephemeral {
                channel: "3".into(),
                thread: None,
                user: "31".into(),
                message: RichMessage::text("your tickets"),
                trigger: Some("1234:secret-interaction-token".into()),
            },
            state: OutboxState::Pending,
            attempts: 0,
            next_attempt_at: chrono::Utc::now(),
            last_error: None,
        };
        let shown = outbox_json(&item).to_string();
        assert!(!shown.contains("secret-interaction-token"), "{shown}");
        assert!(
            shown.contains("your tickets") && shown.contains("(hidden)"),
            "{shown}"
        );
    }
}

//! Reading: `/ticket show`, `/ticket list`, `/ticket help`. Answers only the person who asked.

use super::card::{self, CardField};
use super::command::{self, ListScope};
use super::context::{Cx, Ev};
use crate::domain::{LogKind, Status, Ticket};
use crate::i18n::{self, Arg, Msg};
use crate::store::{StoreError, TicketFilter};
use helpdesk_chat::{truncate_chars, RichMessage};

/// How many log entries `show` prints.
const SHOWN_ENTRIES: usize = 10;
/// How many tickets `list` prints.
const LISTED: usize = 20;

/// The card and the latest log entries; internal ones only for agents.
pub(crate) async fn show(cx: &mut Cx<'_>, ev: &Ev<'_>, ticket: Ticket) -> Result<(), StoreError> {
    // Internal notes and the agents' fields are for those who may work the ticket where it
    // is: an agent who asked for help themselves sees their ticket as any requester does.
    let agent = ev.access.may_work(&ticket).is_ok();
    let hidden: &[CardField] = if agent { &[] } else { &CardField::AGENTS_ONLY };
    let line = super::sla::card_line(cx, &ticket).await?;
    let mut message = card::render_without(cx, &ticket, line, hidden).await?;
    message.buttons.clear();
    let log = cx.tx.log(ticket.id).await?;
    if ticket.requester.id != ev.person.id {
        // Reading someone else's ticket is a privileged act: it is in the audit log.
        cx.audit(&ev.author(), "show", &ticket, serde_json::json!({}))
            .await?;
    }
    let visible: Vec<_> = log
        .iter()
        .filter(|r| agent || requester_sees(&r.entry.kind))
        .collect();
    let lines: Vec<String> = visible[visible.len().saturating_sub(SHOWN_ENTRIES)..]
        .iter()
        .map(|r| {
            format!(
                "{} {}: {}",
                cx.date_time(&r.entry.at, false),
                r.entry.author.name(),
                truncate_chars(&i18n::describe(cx.lang, &r.entry.kind), 200)
            )
        })
        .collect();
    message.text = truncate_chars(&lines.join("\n"), cx.limits.text);
    cx.tell(ev, message).await
}

/// The log entries a requester may read about their own ticket.
fn requester_sees(kind: &LogKind) -> bool {
    matches!(
        kind,
        LogKind::RequesterMessage { .. }
            | LogKind::AgentReply { .. }
            | LogKind::StatusChange { .. }
            | LogKind::PriorityChange { .. }
            | LogKind::KbSuggestionShown { .. }
            | LogKind::Deflected { .. }
            | LogKind::Rated { .. }
            | LogKind::FeedbackComment { .. }
            | LogKind::Resolution { .. }
    )
}

/// A list of tickets for the person.
pub(crate) async fn list(cx: &mut Cx<'_>, ev: &Ev<'_>, scope: ListScope) -> Result<(), StoreError> {
    let needs_agent = !matches!(scope, ListScope::Mine);
    if needs_agent && !ev.access.is_agent() {
        return cx.tell_msg(ev, Msg::RefusedAgentsOnly, &[]).await;
    }
    if scope == ListScope::All && !ev.access.is_manager() {
        return cx.tell_msg(ev, Msg::RefusedManagersOnly, &[]).await;
    }
    let tickets = match scope {
        ListScope::Mine => {
            let mut tickets = active(cx, mine(&ev.person.id, false)).await?;
            tickets.extend(active(cx, mine(&ev.person.id, true)).await?);
            tickets.sort_by_key(|t| std::cmp::Reverse(t.id));
            tickets.dedup_by_key(|t| t.id);
            tickets
        }
        ListScope::Queue | ListScope::Level | ListScope::All => {
            at_level(cx, &ev.access, scope == ListScope::Queue).await?
        }
    };
    if scope != ListScope::Mine {
        // A list of other people's tickets is a read of them: it is in the audit log.
        let numbers: Vec<String> = tickets.iter().map(|t| t.number.to_string()).collect();
        let detail =
            serde_json::json!({ "scope": format!("{scope:?}").to_lowercase(), "tickets": numbers });
        cx.audit_act(&ev.author(), "list", "tickets", detail)
            .await?;
    }
    if tickets.is_empty() {
        return cx.tell_msg(ev, Msg::ListEmpty, &[]).await;
    }
    let message = RichMessage {
        title: Some(cx.t(Msg::ListTitle, &[("count", Arg::num(tickets.len()))])),
        text: lines(cx, &tickets),
        ..RichMessage::default()
    };
    cx.tell(ev, message).await
}

/// The tenant's active tickets that match `filter`, newest first, at most [`LISTED`].
pub(crate) async fn active(
    cx: &mut Cx<'_>,
    filter: TicketFilter,
) -> Result<Vec<Ticket>, StoreError> {
    let filter = TicketFilter {
        tenant: Some(cx.tenant),
        statuses: ACTIVE.to_vec(),
        limit: Some(LISTED as i64),
        ..filter
    };
    let mut tickets = cx.tx.list_tickets(&filter).await?;
    tickets.sort_by_key(|t| std::cmp::Reverse(t.id));
    Ok(tickets)
}

/// The tenant's active tickets the person may work (managers: all); only the unclaimed new
/// ones with `queue`.
pub(crate) async fn at_level(
    cx: &mut Cx<'_>,
    access: &crate::domain::Access,
    queue: bool,
) -> Result<Vec<Ticket>, StoreError> {
    let filter = TicketFilter {
        tenant: Some(cx.tenant),
        statuses: if queue {
            vec![Status::New]
        } else {
            ACTIVE.to_vec()
        },
        limit: Some(500),
        ..TicketFilter::default()
    };
    Ok(cx
        .tx
        .list_tickets(&filter)
        .await?
        .into_iter()
        .filter(|t| access.may_work(t).is_ok())
        .collect())
}

/// One line per ticket (number, priority, level, status, title, holder), at most [`LISTED`].
pub(crate) fn lines(cx: &Cx<'_>, tickets: &[Ticket]) -> String {
    let lines: Vec<String> = tickets
        .iter()
        .take(LISTED)
        .map(|t| {
            let who = t
                .assignee
                .as_ref()
                .map_or_else(|| cx.t(Msg::Nobody, &[]), |a| a.name.clone());
            format!(
                "{} · {} · {} · {} · {} · {}",
                t.number,
                t.priority(),
                t.level,
                card::status_name(cx, t.status),
                truncate_chars(t.title.as_str(), 80),
                who
            )
        })
        .collect();
    truncate_chars(&lines.join("\n"), cx.limits.text)
}

/// The filter for tickets a person asked for, or (`held`) holds.
pub(crate) fn mine(person: &str, held: bool) -> TicketFilter {
    let person = Some(person.to_string());
    if held {
        TicketFilter {
            assignee: person,
            ..TicketFilter::default()
        }
    } else {
        TicketFilter {
            requester: person,
            ..TicketFilter::default()
        }
    }
}

/// Statuses of tickets still being worked on.
const ACTIVE: [Status; 5] = [
    Status::New,
    Status::Open,
    Status::Pending,
    Status::OnHold,
    Status::Resolved,
];

/// Every subcommand with its usage.
pub(crate) async fn help(cx: &mut Cx<'_>, ev: &Ev<'_>) -> Result<(), StoreError> {
    let lines = command::ticket_help(&|msg| cx.t(msg, &[]));
    let message = RichMessage {
        title: Some(cx.t(Msg::HelpTitle, &[])),
        text: lines.join("\n"),
        context: Some(cx.t(Msg::HelpHint, &[])),
        ..RichMessage::default()
    };
    cx.tell(ev, message).await
}

/// One subcommand's usage line.
pub(crate) fn usage(cx: &Cx<'_>, name: &str) -> String {
    cx.t(command::usage(name), &[])
}

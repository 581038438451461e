//! Satisfaction: when a ticket closes, the requester may rate the help from 1 to 5 (the close
//! asks, see `resolve::after_close`) and leave a comment. One rating per ticket; a low one
//! alerts the managers.

use super::context::{Cx, Ev};
use super::{find, forms};
use crate::domain::{Act, LogKind, Status, TicketId};
use crate::i18n::{Arg, Msg};
use crate::store::StoreError;
use std::collections::BTreeMap;

/// Ratings at or below this alert the managers.
const LOW_RATING: u8 = 2;

/// A rating button (its score 1 to 5, as its widget id guarantees).
pub(crate) async fn rated(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    id: TicketId,
    score: u8,
) -> Result<(), StoreError> {
    let Some(ticket) = find::checked(cx, ev, id, Act::Confirm).await? else {
        return Ok(());
    };
    let log = cx.tx.log(ticket.id).await?;
    let already = log
        .iter()
        .any(|r| matches!(r.entry.kind, LogKind::Rated { .. }));
    if already || ticket.status != Status::Closed {
        return cx
            .tell_msg(
                ev,
                Msg::FeedbackAlready,
                &[("number", Arg::text(ticket.number))],
            )
            .await;
    }
    cx.record(&ticket, &ev.author(), vec![LogKind::Rated { score }])
        .await?;
    let alert = score <= LOW_RATING && !recently_alerted(cx, &ev.person.id).await?;
    cx.audit(
        &ev.author(),
        "rated",
        &ticket,
        serde_json::json!({ "score": score }),
    )
    .await?;
    if alert {
        let reason = cx.t(Msg::FeedbackLowReason, &[("score", Arg::num(score))]);
        super::timers::alert_managers(cx, &ticket, &reason).await?;
    }
    let lang = cx.sender_language(ev).await?;
    let form = cx.in_language(lang, |cx| forms::comment(cx, &ticket));
    match ev.form_action(form) {
        Some(action) => cx.send(Some(&ticket), action).await,
        None => cx.tell_msg(ev, Msg::FeedbackThanks, &[]).await,
    }
}

/// Whether this person's low rating alerted the managers within the tenant's window: their
/// further low ratings then stay on their tickets without paging anyone again.
async fn recently_alerted(cx: &mut Cx<'_>, person: &str) -> Result<bool, StoreError> {
    let window = cx.settings.limits.low_rating_alert_every;
    // A window longer than the calendar reaches back to its start, never past it.
    let since = chrono::Duration::from_std(window)
        .ok()
        .and_then(|w| cx.now.checked_sub_signed(w))
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
    let rated = cx
        .tx
        .audit_entries(&crate::store::AuditFilter {
            tenant: Some(cx.tenant),
            actor: Some(person.to_string()),
            action: Some("rated".into()),
            since: Some(since),
            limit: 100,
            ..Default::default()
        })
        .await?;
    let low = |e: &crate::store::AuditEntry| {
        e.detail["score"]
            .as_u64()
            .is_some_and(|s| s <= u64::from(LOW_RATING))
    };
    let alerted = rated.iter().any(low);
    if alerted {
        tracing::info!(
            person,
            "another low rating within the window: managers not paged again"
        );
    }
    Ok(alerted)
}

/// The optional comment after a rating.
pub(crate) async fn commented(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    id: TicketId,
    fields: &BTreeMap<String, String>,
) -> Result<(), StoreError> {
    let Some(ticket) = find::checked(cx, ev, id, Act::Confirm).await? else {
        return Ok(());
    };
    let text = fields.get("comment").map(|c| c.trim()).unwrap_or_default();
    let log = cx.tx.log(ticket.id).await?;
    let rated = log
        .iter()
        .any(|r| matches!(r.entry.kind, LogKind::Rated { .. }));
    let commented = log
        .iter()
        .any(|r| matches!(r.entry.kind, LogKind::FeedbackComment { .. }));
    if !text.is_empty() && rated && !commented {
        let text = helpdesk_chat::truncate_chars(text, crate::domain::TEXT_MAX_CHARS);
        cx.record(
            &ticket,
            &ev.author(),
            vec![LogKind::FeedbackComment { text }],
        )
        .await?;
    }
    cx.tell_msg(ev, Msg::FeedbackThanks, &[]).await
}

//! `/helpdesk stats [7d|30d|…]`: the manager's report for their tenant, in chat.

use super::context::{Cx, Ev};
use crate::i18n::Msg;
use crate::store::StoreError;
use helpdesk_chat::RichMessage;

/// The longest period a chat report covers.
const MAX_DAYS: u64 = 366;

/// Answers `/helpdesk …` (managers only).
pub(crate) async fn command(cx: &mut Cx<'_>, ev: &Ev<'_>, args: &str) -> Result<(), StoreError> {
    let mut words = args.split_whitespace();
    if words.next().map(str::to_ascii_lowercase).as_deref() != Some("stats") {
        return cx.tell_msg(ev, Msg::StatsUsage, &[]).await;
    }
    if !ev.access.is_manager() {
        return cx.tell_msg(ev, Msg::RefusedManagersOnly, &[]).await;
    }
    let period = words.next().unwrap_or("7d");
    let span = match crate::config::parse_duration(period) {
        Ok(span) if !span.is_zero() && span.as_secs() <= MAX_DAYS * 86400 => span,
        _ => return cx.tell_msg(ev, Msg::StatsUsage, &[]).await,
    };
    let from = cx.now - chrono::Duration::from_std(span).unwrap_or_default();
    // Read on its own connection: a year of tickets must not hold the event's write lock.
    let data = cx.store.report_data(Some(cx.tenant), from, cx.now).await?;
    let report = crate::report::compute(&data, from, cx.now);
    let message = RichMessage {
        title: Some(cx.t(Msg::StatsTitle, &[("period", &period)])),
        text: crate::domain::truncate_chars(&crate::report::table(&report), cx.limits.text),
        ..RichMessage::default()
    };
    cx.tell(ev, message).await
}

//! `/helpdesk stats [7d|30d|…]`: the manager's report for their tenant, in chat.

use super::context::{Cx, Ev};
use crate::i18n::{Arg, Msg};
use crate::store::StoreError;
use helpdesk_chat::RichMessage;

/// The longest period a chat report covers.
const MAX_DAYS: u64 = 366;

/// Answers `/helpdesk stats [period]` (managers only; the table read the period).
pub(crate) async fn command(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    period: Option<&str>,
) -> Result<(), StoreError> {
    if !ev.access.is_manager() {
        return cx.tell_msg(ev, Msg::RefusedManagersOnly, &[]).await;
    }
    let period = period.unwrap_or("7d");
    let span = match crate::config::parse_duration(period) {
        Ok(span) if !span.is_zero() && span.as_secs() <= MAX_DAYS * 86400 => span,
        _ => return cx.tell_msg(ev, Msg::StatsUsage, &[]).await,
    };
    let from = cx.now - chrono::Duration::from_std(span).unwrap_or_default();
    // Read on its own connection: a year of tickets must not hold the event's write lock.
    let data = cx.store.report_data(Some(cx.tenant), from, cx.now).await?;
    let r = crate::report::compute(&data, from, cx.now);
    use crate::report::pct;
    // Times in words, to the second.
    let minutes = |m: Option<f64>| {
        Arg::Text(m.map_or("-".into(), |m| {
            cx.duration(std::time::Duration::from_secs((m * 60.0).round() as u64))
        }))
    };
    let score = r.satisfaction.map_or("-".into(), |s| format!("{s:.2}"));
    let lines = [
        cx.t(
            Msg::StatsVolumes,
            &[
                ("opened", Arg::num(r.opened)),
                ("closed", Arg::num(r.closed)),
            ],
        ),
        cx.t(
            Msg::StatsTimes,
            &[
                ("fr50", minutes(r.first_response.p50_minutes)),
                ("fr90", minutes(r.first_response.p90_minutes)),
                ("r50", minutes(r.resolution.p50_minutes)),
                ("r90", minutes(r.resolution.p90_minutes)),
            ],
        ),
        cx.t(
            Msg::StatsRates,
            &[
                ("sla", Arg::text(pct(r.sla_compliance))),
                ("l2", Arg::text(pct(r.escalated_to_l2))),
                ("l3", Arg::text(pct(r.escalated_to_l3))),
                ("deflection", Arg::text(pct(r.deflection))),
            ],
        ),
        cx.t(
            Msg::StatsSatisfaction,
            &[("score", Arg::text(&score)), ("count", Arg::num(r.ratings))],
        ),
    ];
    let message = RichMessage {
        title: Some(cx.t(Msg::StatsTitle, &[("period", Arg::text(period))])),
        text: lines.join("\n"),
        ..RichMessage::default()
    };
    cx.tell(ev, message).await
}

//! The help desk manager's numbers for a period: volumes by status, priority, category, level
//! and channel; first-response and resolution times; SLA compliance; escalation and deflection
//! rates; and a per-agent table. Computed from the store's tickets and logs, printed as a
//! table, CSV or JSON.

use crate::domain::{Author, Level, LogKind, Ticket, Timestamp};
use crate::i18n::{self, Language};
use crate::store::ReportData;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

/// Median and 90th percentile of a set of durations, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Times {
    /// How many durations.
    pub count: usize,
    /// Median, minutes.
    pub p50_minutes: Option<f64>,
    /// 90th percentile, minutes.
    pub p90_minutes: Option<f64>,
}

/// One agent's work in the period, on any ticket.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct AgentRow {
    /// Platform user id: two agents with one name stay two rows.
    pub id: String,
    /// Display name (the latest seen).
    pub name: String,
    /// Tickets claimed or assigned to them.
    pub assigned: usize,
    /// Replies to requesters.
    pub replies: usize,
    /// Tickets they resolved.
    pub resolved: usize,
    /// Median minutes from opening to their resolution.
    pub median_resolution_minutes: Option<f64>,
}

/// The report.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Report {
    /// Start of the period (inclusive).
    pub from: Timestamp,
    /// End of the period (exclusive).
    pub to: Timestamp,
    /// Tickets opened in the period.
    pub opened: usize,
    /// Tickets closed in the period.
    pub closed: usize,
    /// Opened tickets by their status now.
    pub by_status: BTreeMap<String, usize>,
    /// Opened tickets by priority.
    pub by_priority: BTreeMap<String, usize>,
    /// Opened tickets by category.
    pub by_category: BTreeMap<String, usize>,
    /// Opened tickets by the level they are at now.
    pub by_level: BTreeMap<String, usize>,
    /// Opened tickets by the channel they came from.
    pub by_channel: BTreeMap<String, usize>,
    /// Closed tickets by priority.
    pub closed_by_priority: BTreeMap<String, usize>,
    /// Closed tickets by category.
    pub closed_by_category: BTreeMap<String, usize>,
    /// Closed tickets by the level they were closed at.
    pub closed_by_level: BTreeMap<String, usize>,
    /// Closed tickets by the channel they came from.
    pub closed_by_channel: BTreeMap<String, usize>,
    /// From opening to the first agent reply the requester saw.
    pub first_response: Times,
    /// From opening to resolution.
    pub resolution: Times,
    /// Of the opened tickets whose targets are decided (resolved, closed or breached), the
    /// share that breached none.
    pub sla_compliance: Option<f64>,
    /// Share of opened tickets escalated to L2 at some point.
    pub escalated_to_l2: Option<f64>,
    /// Share of opened tickets escalated to L3 at some point.
    pub escalated_to_l3: Option<f64>,
    /// Share of opened tickets closed by a knowledge-base article, without an agent.
    pub deflection: Option<f64>,
    /// Mean satisfaction rating (1–5) of the tickets in the period.
    pub satisfaction: Option<f64>,
    /// How many ratings.
    pub ratings: usize,
    /// Per agent (by id), the work done in the period.
    pub agents: Vec<AgentRow>,
}

fn minutes(from: Timestamp, to: Timestamp) -> f64 {
    (to - from).num_milliseconds() as f64 / 60_000.0
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

fn times(mut values: Vec<f64>) -> Times {
    values.sort_by(f64::total_cmp);
    Times {
        count: values.len(),
        p50_minutes: percentile(&values, 0.5),
        p90_minutes: percentile(&values, 0.9),
    }
}

/// What an agent's log entry counts as.
enum Work {
    Assigned,
    Replied,
    Resolved,
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Computes the report for `[from, to)`.
pub fn compute(data: &ReportData, from: Timestamp, to: Timestamp) -> Report {
    let in_period = |t: Timestamp| t >= from && t < to;
    let opened: Vec<&Ticket> = data
        .tickets
        .iter()
        .filter(|t| in_period(t.created_at))
        .collect();
    let mut r = Report {
        from,
        to,
        opened: opened.len(),
        closed: data
            .tickets
            .iter()
            .filter(|t| t.closed_at.is_some_and(in_period))
            .count(),
        ..Report::default()
    };
    let mut first_response = Vec::new();
    let mut resolution = Vec::new();
    let (mut breached, mut to_l2, mut to_l3, mut deflected, mut evaluated) = (0, 0, 0, 0, 0);
    let mut agents: BTreeMap<String, (AgentRow, Vec<f64>)> = BTreeMap::new();
    let mut ratings: Vec<f64> = Vec::new();
    let category = |t: &Ticket| t.category.clone().unwrap_or_else(|| "-".into());
    for t in data
        .tickets
        .iter()
        .filter(|t| t.closed_at.is_some_and(in_period))
    {
        *r.closed_by_priority
            .entry(t.priority().as_str().to_string())
            .or_default() += 1;
        *r.closed_by_category.entry(category(t)).or_default() += 1;
        *r.closed_by_level
            .entry(t.level.as_str().to_string())
            .or_default() += 1;
        *r.closed_by_channel
            .entry(t.source.channel.clone())
            .or_default() += 1;
    }
    // Agents' work: every log entry made in the period, whenever its ticket opened.
    for t in &data.tickets {
        let log = data.logs.get(&t.id).map(Vec::as_slice).unwrap_or_default();
        for e in log.iter().filter(|e| in_period(e.at)) {
            let (who, what) = match (&e.kind, &e.author) {
                (LogKind::Assignment { to: Some(p), .. }, _) => (p, Work::Assigned),
                (LogKind::AgentReply { .. }, Author::Person(p)) => (p, Work::Replied),
                (LogKind::Resolution { .. }, Author::Person(p)) => (p, Work::Resolved),
                _ => continue,
            };
            let row = agents.entry(who.id.clone()).or_default();
            row.0.id = who.id.clone();
            row.0.name = who.name.clone();
            match what {
                Work::Assigned => row.0.assigned += 1,
                Work::Replied => row.0.replies += 1,
                Work::Resolved => {
                    row.0.resolved += 1;
                    row.1.push(minutes(t.created_at, e.at));
                }
            }
        }
    }
    for t in &opened {
        *r.by_status
            .entry(t.status.as_str().to_string())
            .or_default() += 1;
        *r.by_priority
            .entry(t.priority().as_str().to_string())
            .or_default() += 1;
        *r.by_category.entry(category(t)).or_default() += 1;
        *r.by_level.entry(t.level.as_str().to_string()).or_default() += 1;
        *r.by_channel.entry(t.source.channel.clone()).or_default() += 1;
        if let Some(at) = t.first_response_at {
            first_response.push(minutes(t.created_at, at));
        }
        breached += usize::from(data.breached.contains(&(t.tenant, t.number.to_string())));

        let log = data.logs.get(&t.id).map(Vec::as_slice).unwrap_or_default();
        let mut levels = HashSet::new();
        let mut was_deflected = false;
        let mut resolved_at = None;
        for e in log {
            match &e.kind {
                LogKind::LevelChange { to, .. } => {
                    levels.insert(*to);
                }
                LogKind::Deflected { .. } => was_deflected = true,
                LogKind::Rated { score } => ratings.push(f64::from(*score)),
                LogKind::Resolution { .. } => resolved_at = Some(e.at),
                _ => {}
            }
        }
        if let Some(at) = resolved_at {
            resolution.push(minutes(t.created_at, at));
        }
        deflected += usize::from(was_deflected);
        let is_breached = data.breached.contains(&(t.tenant, t.number.to_string()));
        // Compliance counts tickets whose targets are decided: met (resolved or closed) or
        // breached; tickets still in flight are neither.
        evaluated += usize::from(is_breached || !t.status.is_active());
        to_l2 += usize::from(levels.contains(&Level::L2) || levels.contains(&Level::L3));
        to_l3 += usize::from(levels.contains(&Level::L3));
    }
    r.first_response = times(first_response);
    r.resolution = times(resolution);
    r.sla_compliance = share(evaluated - breached, evaluated);
    r.escalated_to_l2 = share(to_l2, r.opened);
    r.escalated_to_l3 = share(to_l3, r.opened);
    r.deflection = share(deflected, r.opened);
    r.ratings = ratings.len();
    r.satisfaction =
        (!ratings.is_empty()).then(|| ratings.iter().sum::<f64>() / ratings.len() as f64);
    r.agents = agents
        .into_values()
        .map(|(mut row, durations)| {
            row.median_resolution_minutes = times(durations).p50_minutes;
            row
        })
        .collect();
    r.agents
        .sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    r
}

/// A share as a percentage, or `-`.
pub fn pct(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{:.1} %", v * 100.0))
}

/// Minutes as minutes, hours or days, or `-`.
pub fn mins(v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(m) if m < 120.0 => format!("{m:.0} min"),
        Some(m) if m < 48.0 * 60.0 => format!("{:.1} h", m / 60.0),
        Some(m) => format!("{:.1} d", m / 1440.0),
    }
}

/// The report as text for a terminal.
pub fn table(r: &Report) -> String {
    let mut out = format!(
        "Help desk report {} → {}\n\nopened {} · closed {}\n",
        i18n::date_time(Language::En, &r.from, false),
        i18n::date_time(Language::En, &r.to, false),
        r.opened,
        r.closed
    );
    for (title, map) in [
        ("status", &r.by_status),
        ("priority", &r.by_priority),
        ("category", &r.by_category),
        ("level", &r.by_level),
        ("channel", &r.by_channel),
    ] {
        let parts: Vec<String> = map.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(out, "by {title:<9} {}", parts.join(" · "));
    }
    let _ = writeln!(out, "closed:");
    for (title, map) in [
        ("priority", &r.closed_by_priority),
        ("category", &r.closed_by_category),
        ("level", &r.closed_by_level),
        ("channel", &r.closed_by_channel),
    ] {
        let parts: Vec<String> = map.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(out, "by {title:<9} {}", parts.join(" · "));
    }
    let _ = writeln!(
        out,
        "\nfirst response  p50 {}  p90 {}  ({} tickets)",
        mins(r.first_response.p50_minutes),
        mins(r.first_response.p90_minutes),
        r.first_response.count
    );
    let _ = writeln!(
        out,
        "resolution      p50 {}  p90 {}  ({} tickets)",
        mins(r.resolution.p50_minutes),
        mins(r.resolution.p90_minutes),
        r.resolution.count
    );
    let _ = writeln!(out, "SLA compliance  {}", pct(r.sla_compliance));
    let _ = writeln!(
        out,
        "escalated       to L2 {} · to L3 {}",
        pct(r.escalated_to_l2),
        pct(r.escalated_to_l3)
    );
    let _ = writeln!(out, "KB deflection   {}", pct(r.deflection));
    let _ = writeln!(
        out,
        "satisfaction    {} ({} ratings)",
        r.satisfaction.map_or("-".into(), |s| format!("{s:.2} / 5")),
        r.ratings
    );
    let _ = writeln!(
        out,
        "\n{:<24} {:>8} {:>8} {:>8} {:>16}",
        "agent", "assigned", "replies", "resolved", "median resolve"
    );
    for a in &r.agents {
        let _ = writeln!(
            out,
            "{:<24} {:>8} {:>8} {:>8} {:>16}",
            helpdesk_chat::truncate_chars(&a.name, 24),
            a.assigned,
            a.replies,
            a.resolved,
            mins(a.median_resolution_minutes)
        );
    }
    out
}

/// The report as CSV: one `metric,key,value` row per number.
pub fn csv(r: &Report) -> String {
    let mut out = String::from("metric,key,value\n");
    let mut row = |metric: &str, key: &str, value: String| {
        let _ = writeln!(out, "{metric},{},{value}", csv_field(key));
    };
    row("opened", "", r.opened.to_string());
    row("closed", "", r.closed.to_string());
    for (metric, map) in [
        ("by_status", &r.by_status),
        ("by_priority", &r.by_priority),
        ("by_category", &r.by_category),
        ("by_level", &r.by_level),
        ("by_channel", &r.by_channel),
        ("closed_by_priority", &r.closed_by_priority),
        ("closed_by_category", &r.closed_by_category),
        ("closed_by_level", &r.closed_by_level),
        ("closed_by_channel", &r.closed_by_channel),
    ] {
        for (k, v) in map {
            row(metric, k, v.to_string());
        }
    }
    let opt = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.4}"));
    row(
        "first_response_minutes",
        "p50",
        opt(r.first_response.p50_minutes),
    );
    row(
        "first_response_minutes",
        "p90",
        opt(r.first_response.p90_minutes),
    );
    row("resolution_minutes", "p50", opt(r.resolution.p50_minutes));
    row("resolution_minutes", "p90", opt(r.resolution.p90_minutes));
    row("sla_compliance", "", opt(r.sla_compliance));
    row("escalated", "L2", opt(r.escalated_to_l2));
    row("escalated", "L3", opt(r.escalated_to_l3));
    row("deflection", "", opt(r.deflection));
    row("satisfaction", "", opt(r.satisfaction));
    row("ratings", "", r.ratings.to_string());
    for a in &r.agents {
        let agent = format!("{} ({})", a.name, a.id);
        row("agent_assigned", &agent, a.assigned.to_string());
        row("agent_replies", &agent, a.replies.to_string());
        row("agent_resolved", &agent, a.resolved.to_string());
    }
    out
}

/// Quotes a CSV field when it needs it.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

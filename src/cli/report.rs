//! `helpdesk report` (the manager's figures for a period) and `helpdesk audit` (the log of
//! privileged acts).

use super::open_existing;
use super::tenant::TenantArg;
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use clap::Args;
use helpdesk::config::Config;
use helpdesk::domain::TicketNumber;

#[derive(Args)]
pub struct ReportArgs {
    /// Start (inclusive): 2026-11-01 or an RFC 3339 time. Default: `--last` before `--to`.
    #[arg(long)]
    from: Option<String>,
    /// End (exclusive): 2026-12-01 or an RFC 3339 time. Default: now.
    #[arg(long)]
    to: Option<String>,
    /// The period when `--from` is not given: 7d, 30d, 24h…
    #[arg(long, default_value = "7d")]
    last: String,
    #[command(flatten)]
    tenant: TenantArg,
    /// table, csv or json.
    #[arg(long, default_value = "table")]
    format: ReportFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportFormat {
    Table,
    Csv,
    Json,
}

#[derive(Args)]
pub struct AuditArgs {
    #[command(flatten)]
    tenant: TenantArg,
    /// Only acts by this user id.
    #[arg(long)]
    actor: Option<String>,
    /// Only acts on this ticket number (needs `--tenant` when there are several).
    #[arg(long)]
    ticket: Option<TicketNumber>,
    /// Only acts since then: 2026-11-01, an RFC 3339 time, or a span back from now (7d, 24h).
    #[arg(long)]
    since: Option<String>,
    /// At most this many.
    #[arg(long, default_value_t = 100)]
    limit: i64,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// Computes and prints the report for the period the arguments name.
pub async fn report(config: &Config, args: ReportArgs) -> Result<()> {
    let (from, to) = period(&args)?;
    let store = open_existing(config).await?;
    let tenant = args.tenant.optional(&store).await?;
    let progress = helpdesk::progress::Progress::start("reading the period's tickets", None);
    let data = store.report_data(tenant, from, to).await?;
    progress.finish();
    let report = helpdesk::report::compute(&data, from, to);
    match args.format {
        ReportFormat::Table => print!("{}", helpdesk::report::table(&report)),
        ReportFormat::Csv => print!("{}", helpdesk::report::csv(&report)),
        ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(())
}

/// `--from`..`--to`, the start defaulting to `--last` before the end.
fn period(args: &ReportArgs) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let to = match &args.to {
        Some(t) => parse_time(t)?,
        None => Utc::now(),
    };
    let from = match &args.from {
        Some(f) => parse_time(f)?,
        None => {
            let span = helpdesk::config::parse_duration(&args.last)
                .map_err(|e| anyhow::anyhow!("--last: {e}"))?;
            chrono::Duration::from_std(span)
                .ok()
                .and_then(|span| to.checked_sub_signed(span))
                .context("--last is too long")?
        }
    };
    if from >= to {
        bail!("--from must be before --to");
    }
    Ok((from, to))
}

/// Prints the audit entries the arguments select.
pub async fn audit(config: &Config, args: AuditArgs) -> Result<()> {
    let store = open_existing(config).await?;
    // A ticket number means something only within one tenant.
    let tenant = match args.ticket {
        Some(_) => Some(args.tenant.required(&store).await?),
        None => args.tenant.optional(&store).await?,
    };
    let since = match args.since.as_deref() {
        None => None,
        Some(text) => Some(match helpdesk::config::parse_duration(text) {
            Ok(span) => Utc::now() - chrono::Duration::from_std(span)?,
            Err(_) => parse_time(text)?,
        }),
    };
    let filter = helpdesk::store::AuditFilter {
        tenant,
        actor: args.actor,
        target: args.ticket.map(|n| n.to_string()),
        action: None,
        since,
        limit: args.limit.max(1),
    };
    let entries = store.audit_entries(&filter).await?;
    super::print_list(
        &entries,
        args.json,
        "no audit entries match",
        helpdesk::view::audit_json,
        helpdesk::view::audit_table,
    )
}

/// A day (`2026-11-01`, midnight UTC) or an RFC 3339 time.
fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .with_context(|| format!("{text:?} is not a date (2026-11-01) or an RFC 3339 time"))?;
    Ok(day.and_time(chrono::NaiveTime::MIN).and_utc())
}

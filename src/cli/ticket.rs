//! `helpdesk ticket`: list, show and export tickets.

use super::tenant::TenantArg;
use super::{open_existing, print_list};
use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use helpdesk::config::Config;
use helpdesk::domain::{Status, TicketNumber};
use helpdesk::store::{LogRecord, Store, TicketFilter};

#[derive(Subcommand)]
pub enum TicketCommand {
    /// List tickets, newest first.
    List(ListArgs),
    /// Show one ticket and its whole log.
    Show(ShowArgs),
    /// Write a ticket's transcript (whole log, internal notes marked) to standard output.
    Export {
        /// The ticket's number (`42` or `#42`).
        number: TicketNumber,
        #[command(flatten)]
        tenant: TenantArg,
        /// md, html or json.
        #[arg(long, value_enum, default_value = "md")]
        format: helpdesk::transcript::TranscriptFormat,
    },
}

#[derive(Args)]
pub struct ListArgs {
    /// Only tickets in these statuses (repeat or separate with commas).
    #[arg(long, value_delimiter = ',')]
    status: Vec<Status>,
    /// At most this many.
    #[arg(long, default_value_t = 50)]
    limit: i64,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    tenant: TenantArg,
}

#[derive(Args)]
pub struct ShowArgs {
    /// The ticket number (42 or #42).
    number: TicketNumber,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    tenant: TenantArg,
}

/// Runs one `ticket` subcommand.
pub async fn run(config: &Config, command: TicketCommand) -> Result<()> {
    let store = open_existing(config).await?;
    match command {
        TicketCommand::List(args) => list(&store, args).await,
        TicketCommand::Show(args) => show(&store, args).await,
        TicketCommand::Export {
            number,
            tenant,
            format,
        } => {
            let (ticket, log) = ticket_and_log(&store, &tenant, number).await?;
            let tenants = store.tenants().await?;
            let language = helpdesk::transcript::language_of(config, &tenants, &ticket);
            print!(
                "{}",
                helpdesk::transcript::render(&ticket, &log, format, language)
            );
            Ok(())
        }
    }
}

async fn list(store: &Store, args: ListArgs) -> Result<()> {
    let filter = TicketFilter {
        tenant: args.tenant.optional(store).await?,
        statuses: args.status,
        limit: Some(args.limit.max(1)),
        ..TicketFilter::default()
    };
    let tickets = store.list_tickets(&filter).await?;
    print_list(
        &tickets,
        args.json,
        "no tickets",
        helpdesk::view::ticket_json,
        helpdesk::view::ticket_table,
    )
}

async fn show(store: &Store, args: ShowArgs) -> Result<()> {
    let (ticket, log) = ticket_and_log(store, &args.tenant, args.number).await?;
    if args.json {
        let mut v = helpdesk::view::ticket_json(&ticket);
        v["log"] = serde_json::to_value(log.iter().map(|r| &r.entry).collect::<Vec<_>>())?;
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print!("{}", helpdesk::view::ticket_detail(&ticket, &log));
    }
    Ok(())
}

/// The ticket `number` of the tenant `--tenant` names (or the only one), with its whole log.
async fn ticket_and_log(
    store: &Store,
    tenant: &TenantArg,
    number: TicketNumber,
) -> Result<(helpdesk::domain::Ticket, Vec<LogRecord>)> {
    let tenant = tenant.required(store).await?;
    let Some(ticket) = store.ticket(tenant, number).await? else {
        bail!("there is no ticket {number} in this tenant");
    };
    let log = store.log(ticket.id).await?;
    Ok((ticket, log))
}

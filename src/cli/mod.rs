//! The `helpdesk` command line: the clap types and the dispatch, one module per command family.

mod config;
mod discord;
mod kb;
mod ops;
mod outbox;
mod report;
mod run;
mod tenant;
mod ticket;
mod user;

pub use ops::http_get_status;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use helpdesk::config::{Config, Loader, LogFormat};
use helpdesk::store::Store;
use std::path::PathBuf;

/// A chat-ops help desk for Slack and Discord.
#[derive(Parser)]
#[command(name = "helpdesk", version, about, propagate_version = true)]
pub struct Cli {
    /// Configuration file (default: ./helpdesk.toml if it exists).
    #[arg(long, short, global = true, env = helpdesk::config::CONFIG_PATH_VAR)]
    config: Option<PathBuf>,
    /// Log format; overrides `log.format`.
    #[arg(long, global = true, value_enum)]
    log_format: Option<LogFormat>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the bot: database, HTTP server (/healthz, /readyz) and the configured chat platforms.
    Run,
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Ask a running bot whether it is ready (`/readyz` on `http.internal_listen`, or on
    /// `http.listen` without it); exit 0 if it is.
    /// For container health checks: the image needs no curl.
    Health(ops::HealthArgs),
    /// Check the database: SQLite's page check (`PRAGMA quick_check`, or `integrity_check`
    /// with `--full`) and the schema version; on PostgreSQL, that it answers and is migrated.
    CheckDb(ops::CheckDbArgs),
    /// Copy the SQLite database, consistent as of one moment, into a new file while the bot
    /// runs. For PostgreSQL use pg_dump.
    Backup(ops::BackupArgs),
    /// Put a backup in place of the SQLite database (`database.url`), then migrate it. Stop
    /// the bot first.
    Restore(ops::RestoreArgs),
    /// Look at tickets.
    #[command(subcommand)]
    Ticket(ticket::TicketCommand),
    /// Look at and retry the chat actions waiting to be sent.
    #[command(subcommand)]
    Outbox(outbox::OutboxCommand),
    /// Check the configuration.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// The manager's report for a period: volumes, response and resolution times, SLA
    /// compliance, escalation and deflection rates, per-agent work.
    Report(report::ReportArgs),
    /// Read the audit log: every privileged act, newest first.
    Audit(report::AuditArgs),
    /// The knowledge base: import, export, measure.
    #[command(subcommand)]
    Kb(kb::KbCommand),
    /// The web desk's local accounts: add, list, passwd, remove.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Discord setup helpers.
    #[command(subcommand)]
    Discord(discord::DiscordCommand),
    /// Play a scripted conversation through the real engine and print what chat would show.
    Demo {
        /// The language the bot speaks: en, it or pl.
        #[arg(long, default_value = "en")]
        language: helpdesk::i18n::Language,
    },
}

/// Loads the configuration, starts logging and runs the command.
pub async fn dispatch(cli: Cli) -> Result<()> {
    let settings = crate::platforms::load(&Loader::from_process(cli.config.as_deref()))
        .context("the configuration is not valid")?;
    let config = &settings.engine;
    let log_format = cli.log_format.unwrap_or(config.log.format);
    // The demo's output is the conversation: only warnings are logged beside it.
    let filter = match cli.command {
        Command::Demo { .. } => "warn",
        _ => config.log.filter.as_str(),
    };
    helpdesk::telemetry::init(log_format, filter);
    match cli.command {
        Command::Run => run::run(settings, log_format).await,
        Command::Migrate => ops::migrate(config).await,
        Command::Health(args) => ops::health(config, &args).await,
        Command::CheckDb(args) => crate::ops::check_db(config, args.full).await,
        Command::Backup(args) => crate::ops::backup(config, &args.file).await,
        Command::Restore(args) => crate::ops::restore(config, &args.file, args.force).await,
        Command::Ticket(command) => ticket::run(config, command).await,
        Command::Outbox(command) => outbox::run(config, command).await,
        Command::Config(command) => config::run(&settings, command),
        Command::Report(args) => report::report(config, args).await,
        Command::Audit(args) => report::audit(config, args).await,
        Command::Kb(command) => kb::run(config, command).await,
        Command::User(command) => user::run(config, command).await,
        Command::Discord(command) => discord::run(&settings.platforms.discord, command),
        Command::Demo { language } => {
            let mut out = std::io::stdout().lock();
            Ok(helpdesk::demo::run(&mut out, language).await?)
        }
    }
}

/// Opens and migrates: for `run`, `migrate` and the commands that write.
async fn open(config: &Config) -> Result<Store> {
    Ok(Store::open(&config.database.connect_options()).await?)
}

/// Opens a database that must exist at the current schema, creating and migrating nothing:
/// for the commands that only read.
async fn open_existing(config: &Config) -> Result<Store> {
    Ok(Store::open_existing(&config.database.connect_options()).await?)
}

/// `a, b, c`, or `none` for an empty list.
fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// Prints `items` as pretty JSON, or `empty` when there are none, or else the table.
fn print_list<T>(
    items: &[T],
    json: bool,
    empty: &str,
    to_json: impl Fn(&T) -> serde_json::Value,
    table: impl Fn(&[T]) -> String,
) -> Result<()> {
    if json {
        let list: Vec<_> = items.iter().map(to_json).collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
    } else if items.is_empty() {
        println!("{empty}");
    } else {
        print!("{}", table(items));
    }
    Ok(())
}

//! The `helpdesk` command line.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use helpdesk::config::{Config, Loader, LogFormat};
use helpdesk::domain::{Status, TenantId, TicketNumber};
use helpdesk::store::{OutboxState, Store, TicketFilter};
use std::path::PathBuf;

/// A chat-ops help desk for Slack and Discord.
#[derive(Parser)]
#[command(name = "helpdesk", version, about, propagate_version = true)]
struct Cli {
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
    Health {
        /// The path to ask: /readyz (the database answers) or /healthz (the process is alive).
        #[arg(long, default_value = "/readyz")]
        path: String,
    },
    /// Check the database: SQLite's page check (`PRAGMA quick_check`, or `integrity_check`
    /// with `--full`) and the schema version; on PostgreSQL, that it answers and is migrated.
    CheckDb {
        /// Also compare every index with its table (slow on large files).
        #[arg(long)]
        full: bool,
    },
    /// Copy the SQLite database, consistent as of one moment, into a new file while the bot
    /// runs. For PostgreSQL use pg_dump.
    Backup {
        /// The new file (must not exist yet).
        file: PathBuf,
    },
    /// Put a backup in place of the SQLite database (`database.url`), then migrate it. Stop
    /// the bot first.
    Restore {
        /// A file `helpdesk backup` wrote.
        file: PathBuf,
        /// Replace an existing database.
        #[arg(long)]
        force: bool,
    },
    /// Look at tickets.
    #[command(subcommand)]
    Ticket(TicketCommand),
    /// Look at and retry the chat actions waiting to be sent.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Check the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// The manager's report for a period: volumes, response and resolution times, SLA
    /// compliance, escalation and deflection rates, per-agent work.
    Report {
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
    },
    /// Read the audit log: every privileged act, newest first.
    Audit {
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
    },
    /// The knowledge base: import, export, measure.
    #[command(subcommand)]
    Kb(KbCommand),
    /// Discord setup helpers.
    #[command(subcommand)]
    Discord(DiscordCommand),
    /// Play a scripted conversation through the real engine and print what chat would show.
    Demo {
        /// The language the bot speaks: en, it or pl.
        #[arg(long, default_value = "en")]
        language: helpdesk::i18n::Language,
    },
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// List outbox items, oldest first.
    List {
        /// Only items in this state: pending, sent or dead.
        #[arg(long)]
        state: Option<OutboxState>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Put dead items back in the queue: one by id, or all of them.
    Retry {
        /// The item's id (see `outbox list --state dead`).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<i64>,
        /// Every dead item.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand)]
enum TicketCommand {
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
struct TenantArg {
    /// Tenant (workspace or guild): its database id or platform id; needed when there are several.
    #[arg(long)]
    tenant: Option<String>,
}

#[derive(Args)]
struct ListArgs {
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
struct ShowArgs {
    /// The ticket number (42 or #42).
    number: TicketNumber,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    tenant: TenantArg,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportFormat {
    Table,
    Csv,
    Json,
}

/// A day (`2026-11-01`, midnight UTC) or an RFC 3339 time.
fn parse_time(text: &str) -> Result<chrono::DateTime<chrono::Utc>> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    let day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .with_context(|| format!("{text:?} is not a date (2026-11-01) or an RFC 3339 time"))?;
    Ok(day.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// Whose articles a `kb` command works on: `--tenant PLATFORM:ID`, or the shared ones.
#[derive(Args)]
struct KbOwnerArg {
    /// The tenant whose articles these are, as platform:workspace-or-guild id (slack:T123,
    /// discord:80351110224678912). Without it: the shared articles every tenant reads.
    #[arg(long, value_name = "PLATFORM:ID", value_parser = parse_tenant_key)]
    tenant: Option<(helpdesk_chat::Platform, String)>,
}

/// `slack:T123` → (Slack, "T123").
fn parse_tenant_key(text: &str) -> Result<(helpdesk_chat::Platform, String), String> {
    let (platform, id) = text
        .split_once(':')
        .ok_or_else(|| format!("{text:?}: expected PLATFORM:ID, e.g. slack:T123"))?;
    let platform = platform.parse().map_err(|e| format!("{e}"))?;
    let id = id.trim();
    if id.is_empty() || id.contains(char::is_whitespace) {
        return Err(format!(
            "{text:?}: the id after ':' is missing or has spaces"
        ));
    }
    Ok((platform, id.to_string()))
}

#[derive(Subcommand)]
enum KbCommand {
    /// Import articles: a folder of Markdown files with front matter, or a JSONL file.
    /// Re-importing updates articles by id instead of duplicating them.
    Import {
        /// A folder of `*.md` files (front matter: title, tags, language; the file name is the id).
        #[arg(required_unless_present = "jsonl", conflicts_with = "jsonl")]
        dir: Option<PathBuf>,
        /// A file of `{"id","title","body"}` lines instead.
        #[arg(long)]
        jsonl: Option<PathBuf>,
        /// The language of articles that do not say: en, it or pl.
        #[arg(long, default_value = "en")]
        language: helpdesk::kb::KbLanguage,
        #[command(flatten)]
        owner: KbOwnerArg,
    },
    /// Write every article of the tenant (or the shared ones) as a Markdown file with front
    /// matter into a folder.
    Export {
        /// The folder (created if missing).
        dir: PathBuf,
        #[command(flatten)]
        owner: KbOwnerArg,
    },
    /// Search the articles a tenant sees (its own and the shared ones) as a suggestion would.
    Search {
        /// What a person would write.
        text: String,
        /// How many results.
        #[arg(long, default_value_t = 5)]
        limit: usize,
        #[command(flatten)]
        owner: KbOwnerArg,
    },
    /// Every revision of an article: who saved it, when, and what it said.
    History {
        /// The article's id (its slug, as in `kb search`).
        id: String,
        /// Print JSON, with each revision's whole text.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        owner: KbOwnerArg,
    },
    /// Measure search quality: P@1, Hit@3, MRR@10, nDCG@10 and the suggestion threshold's
    /// precision, on a query file (`{"id","text","article"}` lines) against an article file, or
    /// else against the stored articles a tenant sees.
    Eval {
        /// Articles, JSONL (default: the stored articles of `--tenant`, or the shared ones).
        #[arg(long, conflicts_with = "tenant")]
        articles: Option<PathBuf>,
        /// Queries, JSONL.
        #[arg(long)]
        queries: PathBuf,
        /// Coverage a suggestion needs (default: the built-in calibrated value).
        #[arg(long)]
        threshold: Option<f32>,
        /// The articles' language when they do not say.
        #[arg(long, default_value = "en")]
        language: helpdesk::kb::KbLanguage,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        owner: KbOwnerArg,
    },
}

#[derive(Subcommand)]
enum DiscordCommand {
    /// Print the URL that adds the bot to a server with exactly the permissions it uses.
    InviteUrl {
        /// The application id (default: read from the bot token, HELPDESK_DISCORD_TOKEN).
        #[arg(long)]
        application_id: Option<String>,
        /// Preselect this server (guild id).
        #[arg(long)]
        guild: Option<String>,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Validate the configuration and print the effective values, secrets masked.
    Check,
}

mod ops;
mod wiring;

/// The status code of `GET path` on the bot's own HTTP server (plain HTTP/1.1, no client crate).
async fn http_get_status(addr: std::net::SocketAddr, path: &str) -> std::io::Result<u16> {
    Ok(http_get(addr, path).await?.0)
}

/// The status code and body of `GET path` on the bot's own HTTP server.
async fn http_get(addr: std::net::SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("not an HTTP answer"))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.trim().to_string())
        .unwrap_or_default();
    Ok((status, body))
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn dispatch(cli: Cli) -> Result<()> {
    let config = Loader::from_process(cli.config.as_deref())
        .load()
        .context("the configuration is not valid")?;
    // The demo's output is the conversation: only warnings are logged beside it.
    let filter = match cli.command {
        Command::Demo { .. } => "warn",
        _ => config.log.filter.as_str(),
    };
    helpdesk::telemetry::init(cli.log_format.unwrap_or(config.log.format), filter);
    match cli.command {
        Command::Run => {
            let plugs = wiring::plugs(&config);
            let json = cli.log_format.unwrap_or(config.log.format) == LogFormat::Json;
            if let Err(e) = helpdesk::app::run(config, plugs).await {
                // Log collectors see it as JSON too; a text log would only say it twice.
                if json {
                    tracing::error!(error = %e, "helpdesk stopped with an error");
                }
                return Err(e.into());
            }
        }
        Command::Health { path } => {
            let mut addr = config.http.health_addr();
            if addr.ip().is_unspecified() {
                addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
            }
            let (status, body) =
                tokio::time::timeout(std::time::Duration::from_secs(5), http_get(addr, &path))
                    .await
                    .map_err(|_| anyhow::anyhow!("{addr}{path} did not answer within 5 s"))?
                    .with_context(|| format!("cannot reach {addr}{path}"))?;
            if status != 200 {
                // The bot's own words (e.g. "not ready: the database is read-only").
                bail!("{addr}{path} answered {status}: {body}");
            }
            println!("{addr}{path}: ok");
        }
        Command::Discord(DiscordCommand::InviteUrl {
            application_id,
            guild,
        }) => {
            use helpdesk_discord::invite;
            let from_token = || {
                config
                    .discord
                    .token
                    .as_ref()
                    .and_then(|t| invite::application_id_from_token(t.expose()))
            };
            let Some(id) = application_id.or_else(from_token) else {
                bail!(
                    "no application id: pass --application-id (Developer Portal → General \
                     Information) or set HELPDESK_DISCORD_TOKEN"
                );
            };
            println!("{}", invite::url(&id, guild.as_deref()));
            for (_, why) in invite::PERMISSIONS {
                eprintln!("  asks to {why}");
            }
        }
        Command::Migrate => {
            // Migrations report no steps: a spinner (or a log line) says it is still at work.
            let progress = helpdesk::progress::Progress::start("migrating the database", None);
            let store = open(&config).await?;
            progress.finish();
            println!("database {} is up to date", store.backend().as_str());
            store.close().await;
        }
        Command::CheckDb { full } => ops::check_db(&config, full).await?,
        Command::Backup { file } => ops::backup(&config, &file).await?,
        Command::Restore { file, force } => ops::restore(&config, &file, force).await?,
        Command::Outbox(OutboxCommand::List { state, limit, json }) => {
            let store = open_existing(&config).await?;
            let items = store.outbox(state, limit.max(1)).await?;
            if json {
                let list: Vec<_> = items.iter().map(helpdesk::view::outbox_json).collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if items.is_empty() {
                println!("the outbox is empty");
            } else {
                print!("{}", helpdesk::view::outbox_table(&items));
            }
        }
        Command::Outbox(OutboxCommand::Retry { id, all: _ }) => {
            let store = open(&config).await?;
            let returned = store.retry_dead(id, chrono::Utc::now()).await?;
            store.close().await;
            match (id, returned) {
                (Some(id), 0) => bail!("outbox item {id} does not exist or is not dead"),
                _ => println!("{returned} item(s) back in the queue"),
            }
        }
        Command::Kb(command) => kb(&config, command).await?,
        Command::Report {
            from,
            to,
            last,
            tenant,
            format,
        } => {
            let to = match to {
                Some(t) => parse_time(&t)?,
                None => chrono::Utc::now(),
            };
            let from = match from {
                Some(f) => parse_time(&f)?,
                None => {
                    let span = helpdesk::config::parse_duration(&last)
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
            let store = open_existing(&config).await?;
            let tenant = match &tenant.tenant {
                Some(t) => Some(find_tenant(&store, t).await?),
                None => None,
            };
            let progress =
                helpdesk::progress::Progress::start("reading the period's tickets", None);
            let data = store.report_data(tenant, from, to).await?;
            progress.finish();
            let report = helpdesk::report::compute(&data, from, to);
            match format {
                ReportFormat::Table => print!("{}", helpdesk::report::table(&report)),
                ReportFormat::Csv => print!("{}", helpdesk::report::csv(&report)),
                ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
            }
        }
        Command::Demo { language } => {
            let mut out = std::io::stdout().lock();
            helpdesk::demo::run(&mut out, language).await?;
        }
        Command::Audit {
            tenant,
            actor,
            ticket,
            since,
            limit,
            json,
        } => {
            let store = open_existing(&config).await?;
            let tenant = match (&tenant.tenant, ticket) {
                (Some(t), _) => Some(find_tenant(&store, t).await?),
                (None, Some(_)) => Some(only_tenant(&store).await?),
                (None, None) => None,
            };
            let since = match since.as_deref() {
                None => None,
                Some(text) => Some(match helpdesk::config::parse_duration(text) {
                    Ok(span) => chrono::Utc::now() - chrono::Duration::from_std(span)?,
                    Err(_) => parse_time(text)?,
                }),
            };
            let filter = helpdesk::store::AuditFilter {
                tenant,
                actor,
                target: ticket.map(|n| n.to_string()),
                action: None,
                since,
                limit: limit.max(1),
            };
            let entries = store.audit_entries(&filter).await?;
            if json {
                let list: Vec<_> = entries.iter().map(helpdesk::view::audit_json).collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if entries.is_empty() {
                println!("no audit entries match");
            } else {
                print!("{}", helpdesk::view::audit_table(&entries));
            }
        }
        Command::Config(ConfigCommand::Check) => {
            let report = config.check_report();
            println!("# configuration is valid");
            println!("# slack: {}", report.slack);
            println!("# discord: {}", report.discord);
            println!("# tenants: {} configured", config.tenants.len());
            for warning in &report.warnings {
                println!("# warning: {warning}");
                eprintln!("warning: {warning}");
            }
            println!("# effective values (secrets masked):");
            print!("{}", config.to_masked_toml());
        }
        Command::Ticket(TicketCommand::List(args)) => {
            let store = open_existing(&config).await?;
            let tenant = match &args.tenant.tenant {
                Some(t) => Some(find_tenant(&store, t).await?),
                None => None,
            };
            let filter = TicketFilter {
                tenant,
                statuses: args.status,
                limit: Some(args.limit.max(1)),
                ..TicketFilter::default()
            };
            let tickets = store.list_tickets(&filter).await?;
            if args.json {
                let list: Vec<_> = tickets.iter().map(helpdesk::view::ticket_json).collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if tickets.is_empty() {
                println!("no tickets");
            } else {
                print!("{}", helpdesk::view::ticket_table(&tickets));
            }
        }
        Command::Ticket(TicketCommand::Export {
            number,
            tenant,
            format,
        }) => {
            let store = open_existing(&config).await?;
            let tenant = match &tenant.tenant {
                Some(t) => find_tenant(&store, t).await?,
                None => only_tenant(&store).await?,
            };
            let Some(ticket) = store.ticket(tenant, number).await? else {
                bail!("there is no ticket {number} in this tenant");
            };
            let log = store.log(ticket.id).await?;
            print!("{}", helpdesk::transcript::render(&ticket, &log, format));
        }
        Command::Ticket(TicketCommand::Show(args)) => {
            let store = open_existing(&config).await?;
            let tenant = match &args.tenant.tenant {
                Some(t) => find_tenant(&store, t).await?,
                None => only_tenant(&store).await?,
            };
            let Some(ticket) = store.ticket(tenant, args.number).await? else {
                bail!("there is no ticket {} in this tenant", args.number);
            };
            let log = store.log(ticket.id).await?;
            if args.json {
                let mut v = helpdesk::view::ticket_json(&ticket);
                v["log"] = serde_json::to_value(log.iter().map(|r| &r.entry).collect::<Vec<_>>())?;
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                print!("{}", helpdesk::view::ticket_detail(&ticket, &log));
            }
        }
    }
    Ok(())
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

async fn find_tenant(store: &Store, wanted: &str) -> Result<TenantId> {
    let tenants = store.tenants().await?;
    tenants
        .iter()
        .find(|t| t.external_id == wanted || t.id.0.to_string() == wanted)
        .map(|t| t.id)
        .with_context(|| {
            let known: Vec<String> = tenants
                .iter()
                .map(|t| format!("{} ({} {})", t.id.0, t.platform, t.external_id))
                .collect();
            format!(
                "no tenant {wanted:?}; known tenants: {}",
                list_or_none(&known)
            )
        })
}

async fn only_tenant(store: &Store) -> Result<TenantId> {
    let tenants = store.tenants().await?;
    match tenants.as_slice() {
        [one] => Ok(one.id),
        [] => bail!("there are no tickets yet"),
        many => {
            let known: Vec<String> = many
                .iter()
                .map(|t| format!("{} ({} {})", t.id.0, t.platform, t.external_id))
                .collect();
            bail!(
                "there are several tenants; choose one with --tenant: {}",
                known.join(", ")
            )
        }
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// The owner `--tenant` names: a tenant the database knows, or (when `create`, for imports) one
/// configured in `[[tenants]]`; without `--tenant`, the shared articles.
async fn kb_owner(
    config: &Config,
    store: &Store,
    arg: &KbOwnerArg,
    create: bool,
) -> Result<helpdesk::kb::KbOwner> {
    use helpdesk::kb::KbOwner;
    let Some((platform, id)) = &arg.tenant else {
        return Ok(KbOwner::Shared);
    };
    let tenants = store.tenants().await?;
    if let Some(t) = tenants
        .iter()
        .find(|t| t.platform == *platform && t.external_id == *id)
    {
        return Ok(KbOwner::Tenant(t.id));
    }
    let configured = config
        .tenants
        .iter()
        .find(|t| t.platform == *platform && t.id == *id);
    match configured {
        Some(t) if create => {
            let mut tx = store.begin().await?;
            let name = t.name.as_deref().unwrap_or(id);
            let tenant = tx
                .ensure_tenant(*platform, id, name, chrono::Utc::now())
                .await?;
            tx.commit().await?;
            Ok(KbOwner::Tenant(tenant))
        }
        Some(_) => bail!("tenant {platform}:{id} has no articles yet"),
        None => {
            let known: Vec<String> = tenants
                .iter()
                .map(|t| format!("{}:{}", t.platform, t.external_id))
                .collect();
            bail!(
                "no tenant {platform}:{id}: it is neither in [[tenants]] nor in the database; \
                 known tenants: {}",
                list_or_none(&known)
            )
        }
    }
}

async fn kb(config: &Config, command: KbCommand) -> Result<()> {
    use helpdesk::kb;
    match command {
        KbCommand::Import {
            dir,
            jsonl,
            language,
            owner,
        } => {
            let drafts = match (dir, jsonl) {
                (_, Some(file)) => kb::read_jsonl(&file, language)?,
                (Some(dir), None) => kb::read_markdown_dir(&dir, language)?,
                (None, None) => bail!("name a folder or --jsonl FILE"),
            };
            let store = open(config).await?;
            let owner = kb_owner(config, &store, &owner, true).await?;
            let now = chrono::Utc::now();
            let mut tx = store.begin().await?;
            let (mut created, mut updated, mut unchanged) = (0, 0, 0);
            let mut progress = helpdesk::progress::Progress::start(
                "importing articles",
                Some(drafts.len() as u64),
            );
            for draft in &drafts {
                match tx.save_article(owner, draft, now).await?.1 {
                    helpdesk::store::Saved::Created => created += 1,
                    helpdesk::store::Saved::Updated => updated += 1,
                    helpdesk::store::Saved::Unchanged => unchanged += 1,
                }
                progress.advance(1);
            }
            tx.commit().await?;
            progress.finish();
            println!("{owner}: {created} created, {updated} updated, {unchanged} unchanged");
            // Index them now, so the bot's next start finds its index current (a running bot
            // holds the index and takes them in within seconds itself).
            let options = config.kb_options();
            let base = kb::KnowledgeBase::open(store.clone(), options).await?;
            println!("search index: {} articles", base.len());
            drop(base);
            store.close().await;
        }
        KbCommand::Export { dir, owner } => {
            let store = open_existing(config).await?;
            let owner = kb_owner(config, &store, &owner, false).await?;
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let articles = store.articles_of(owner).await?;
            for a in &articles {
                let path = dir.join(format!("{}.md", a.slug));
                std::fs::write(&path, kb::to_markdown(a))
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            println!(
                "{} articles ({owner}) written to {}",
                articles.len(),
                dir.display()
            );
        }
        KbCommand::Search { text, limit, owner } => {
            let store = open_existing(config).await?;
            let reader = kb_owner(config, &store, &owner, false).await?;
            let options = config.kb_options();
            // A read-only command still answers where it may not write the index folder.
            let base = kb::KnowledgeBase::open_or_in_memory(store, options).await?;
            let hits = base.search(reader, &text, limit.clamp(1, 100));
            if hits.is_empty() {
                println!("nothing found");
            }
            let suggested: Vec<i64> = base
                .suggest(reader, &text, kb::SUGGESTED_AT_INTAKE)
                .iter()
                .map(|s| s.id)
                .collect();
            for h in hits {
                let mark = if suggested.contains(&h.id) {
                    "suggested"
                } else {
                    ""
                };
                println!("{:<24} {:>5.2} {:<9} {}", h.slug, h.coverage, mark, h.title);
            }
        }
        KbCommand::History { id, json, owner } => {
            let store = open_existing(config).await?;
            let reader = kb_owner(config, &store, &owner, false).await?;
            let Some(article) = store.article(reader, &id).await? else {
                bail!("there is no article {id:?} for {reader}");
            };
            let history = store.article_history(article.id).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&history)?);
            } else {
                println!(
                    "{} ({}): {} revision(s), now r{}",
                    article.slug,
                    article.owner,
                    history.len(),
                    article.revision
                );
                for r in &history {
                    println!(
                        "r{:<4} {}  {:<24} {:>7} chars  {}",
                        r.revision,
                        r.edited_at.format("%Y-%m-%d %H:%M:%S"),
                        r.editor.as_deref().unwrap_or("-"),
                        r.body.chars().count(),
                        r.title
                    );
                }
            }
        }
        KbCommand::Eval {
            articles,
            queries,
            threshold,
            language,
            json,
            owner,
        } => {
            let drafts: Vec<kb::ArticleDraft> = match articles {
                Some(file) => kb::read_jsonl(&file, language)?,
                None => {
                    let store = open_existing(config).await?;
                    let reader = kb_owner(config, &store, &owner, false).await?;
                    let mut by_slug = std::collections::BTreeMap::new();
                    let mut after = 0;
                    loop {
                        let page = store.articles_changed_after(after, 2_000).await?;
                        let Some(last) = page.last() else { break };
                        after = last.change;
                        for a in page.into_iter().filter(|a| a.owner.readable_by(reader)) {
                            // The tenant's own article of a slug replaces the shared one.
                            let own = a.owner != kb::KbOwner::Shared;
                            let keep = by_slug.get(&a.slug).is_none_or(
                                |(was_own, _): &(bool, kb::ArticleDraft)| own || !was_own,
                            );
                            if keep {
                                by_slug.insert(a.slug.clone(), (own, kb::ArticleDraft::from(&a)));
                            }
                        }
                    }
                    by_slug.into_values().map(|(_, d)| d).collect()
                }
            };
            let text = std::fs::read_to_string(&queries)
                .with_context(|| format!("cannot read {}", queries.display()))?;
            let mut list = Vec::new();
            for (n, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                let q: kb::EvalQuery = serde_json::from_str(line)
                    .with_context(|| format!("{}:{}", queries.display(), n + 1))?;
                list.push(q);
            }
            let index = kb::drafts_index(&drafts)?;
            let thresholds =
                threshold.map_or(kb::Thresholds::CALIBRATED, kb::Thresholds::coverage_only);
            let r = kb::evaluate(&index, &list, thresholds);
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                println!(
                    "{} articles, {} queries, suggestion threshold {}",
                    index.len(),
                    r.queries,
                    threshold.map_or_else(|| format!("{thresholds:?}"), |t| t.to_string())
                );
                println!("P@1      {:.3}", r.p_at_1);
                println!("Hit@3    {:.3}", r.hit_at_3);
                println!("MRR@10   {:.3}", r.mrr_at_10);
                println!("nDCG@10  {:.3}", r.ndcg_at_10);
                println!(
                    "first suggestion passing the threshold: shown for {:.1} % of queries, right {:.1} % of the time",
                    100.0 * r.suggested,
                    100.0 * r.suggestion_precision
                );
            }
        }
    }
    Ok(())
}

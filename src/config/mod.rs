//! Configuration: `helpdesk.toml`, overridden by `HELPDESK_<SECTION>_<KEY>` environment variables.
//! Secrets never come from the file: only from the environment or from files named in it.

mod admin;
mod check;
mod retention;
mod secret;
mod sla;
mod tenant;

pub use admin::{is_installation_admin, InstallationAdmin};
pub use check::{CheckReport, PlatformState};
pub use retention::{RetentionConfig, REDELIVERY_WINDOW};
pub use secret::{EmptySecret, Secret, SecretSource};
pub use sla::{BusinessHours, SlaPolicy, SlaTarget};
pub use tenant::{
    format_duration, parse_duration, BudgetAction, Invalid, L3Messages, LevelConfig, Levels, Place,
    Specialty, TenantConfig,
};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The file read when none is named.
pub const DEFAULT_PATH: &str = "helpdesk.toml";
/// Prefix of every environment variable the configuration reads.
pub const ENV_PREFIX: &str = "HELPDESK_";

/// The whole configuration, validated.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// Serve workspaces and guilds that have no `[[tenants]]` block, on the defaults (off:
    /// anyone could add the bot to their own workspace and use the desk).
    pub accept_unconfigured_tenants: bool,
    /// Installation admins (`admins = ["slack:U0ADMIN"]`): they alone edit shared articles.
    pub admins: Vec<InstallationAdmin>,
    /// Storage.
    pub database: DatabaseConfig,
    /// The bot's HTTP server (health, readiness, later webhooks and metrics).
    pub http: HttpConfig,
    /// Logging.
    pub log: LogConfig,
    /// Sending the outbox.
    pub outbox: OutboxConfig,
    /// How long sent actions and handled events' ids are kept.
    pub retention: RetentionConfig,
    /// The knowledge base's search indexes.
    pub kb: KbConfig,
    /// Slack, when configured.
    pub slack: SlackConfig,
    /// Discord, when configured.
    pub discord: DiscordConfig,
    /// Each workspace's or guild's desk (`[[tenants]]`); others run on the defaults.
    pub tenants: Vec<TenantConfig>,
}

/// `[kb]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KbConfig {
    /// The folder of this process's search indexes (derived from the database, rebuilt when
    /// missing). Default: beside the SQLite file (`helpdesk.db` → `helpdesk.db.index`), or
    /// `helpdesk-index` in the working folder on PostgreSQL.
    pub index_dir: Option<PathBuf>,
}

impl Config {
    /// How this process keeps its knowledge base: indexes at [`Config::kb_index`], calibrated
    /// thresholds.
    pub fn kb_options(&self) -> crate::kb::KbOptions {
        crate::kb::KbOptions {
            index: self.kb_index(),
            thresholds: crate::kb::Thresholds::CALIBRATED,
        }
    }

    /// Where this process keeps its search indexes (in memory for an in-memory database).
    pub fn kb_index(&self) -> crate::kb::IndexPlace {
        use crate::kb::IndexPlace;
        if let Some(dir) = &self.kb.index_dir {
            return IndexPlace::Folder(dir.clone());
        }
        match crate::store::sqlite_file(&self.database.url) {
            Some(file)
                if file.as_os_str() == ":memory:" || self.database.url.contains("mode=memory") =>
            {
                IndexPlace::Memory
            }
            Some(file) => {
                let mut name = file.file_name().unwrap_or_default().to_os_string();
                name.push(".index");
                IndexPlace::Folder(file.with_file_name(name))
            }
            None => IndexPlace::Folder(PathBuf::from("helpdesk-index")),
        }
    }
}

/// `[database]`.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `helpdesk.db` (a SQLite file, created on first run) or `postgres://user@host/db`.
    pub url: String,
    /// Connection pool size.
    pub max_connections: u32,
    /// How long to keep retrying an unreachable database server at start, in seconds.
    pub connect_retry_seconds: u64,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: "helpdesk.db".into(),
            max_connections: 8,
            connect_retry_seconds: 30,
        }
    }
}

// The URL may hold a password: Debug shows it masked.
impl std::fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("url", &crate::store::mask_url(&self.url))
            .field("max_connections", &self.max_connections)
            .field("connect_retry_seconds", &self.connect_retry_seconds)
            .finish()
    }
}

impl DatabaseConfig {
    /// The store's connection options.
    pub fn connect_options(&self) -> crate::store::ConnectOptions {
        crate::store::ConnectOptions {
            url: self.url.clone(),
            max_connections: self.max_connections,
            retry_for: Duration::from_secs(self.connect_retry_seconds),
        }
    }
}

/// `[outbox]`: how chat actions are sent, shared by every replica on one database.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutboxConfig {
    /// How long a claimed action is reserved for one process; a process that dies leaves its
    /// actions to the others after this.
    #[serde(with = "crate::config::tenant::duration_text")]
    pub lease: Duration,
    /// A send taking longer counts as failed (kept under the lease, so no send outlives it).
    #[serde(with = "crate::config::tenant::duration_text")]
    pub send_timeout: Duration,
    /// At shutdown, keep sending what is waiting for at most this long.
    #[serde(with = "crate::config::tenant::duration_text")]
    pub flush_on_stop: Duration,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        OutboxConfig {
            lease: Duration::from_secs(60),
            send_timeout: Duration::from_secs(20),
            flush_on_stop: Duration::from_secs(10),
        }
    }
}

/// `[http]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Address and port of the public listener: the platforms' webhooks (and, without
    /// `internal_listen`, health and metrics too).
    pub listen: SocketAddr,
    /// Address and port for `/healthz`, `/readyz` and `/metrics` only, kept off the public one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_listen: Option<SocketAddr>,
    /// A client that has not sent a request's headers in this time is disconnected.
    #[serde(with = "crate::config::tenant::duration_text")]
    pub header_read_timeout: Duration,
    /// A request (its body and the answer) taking longer is answered 408.
    #[serde(with = "crate::config::tenant::duration_text")]
    pub request_timeout: Duration,
    /// Connections served at once per listener; more are answered 503 and closed.
    pub max_connections: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        let limits = crate::http::Limits::default();
        HttpConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            internal_listen: None,
            header_read_timeout: limits.header_read_timeout,
            request_timeout: limits.request_timeout,
            max_connections: limits.max_connections,
        }
    }
}

impl HttpConfig {
    /// What each listener allows a client.
    pub fn limits(&self) -> crate::http::Limits {
        crate::http::Limits {
            header_read_timeout: self.header_read_timeout,
            request_timeout: self.request_timeout,
            max_connections: self.max_connections,
        }
    }

    /// Where `/healthz`, `/readyz` and `/metrics` are served.
    pub fn health_addr(&self) -> SocketAddr {
        self.internal_listen.unwrap_or(self.listen)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let between = |key: &str, d: Duration, max: Duration| {
            if d.is_zero() || d > max {
                return Err(value_error(
                    key,
                    &format_duration(d),
                    &format!("more than 0 and at most {}", format_duration(max)),
                ));
            }
            Ok(())
        };
        between(
            "http.header_read_timeout",
            self.header_read_timeout,
            Duration::from_secs(300),
        )?;
        between(
            "http.request_timeout",
            self.request_timeout,
            Duration::from_secs(3600),
        )?;
        if !(1..=100_000).contains(&self.max_connections) {
            return Err(value_error(
                "http.max_connections",
                &self.max_connections.to_string(),
                "a number from 1 to 100000",
            ));
        }
        if let Some(internal) = self.internal_listen {
            if internal == self.listen && internal.port() != 0 {
                return Err(value_error(
                    "http.internal_listen",
                    &internal.to_string(),
                    "an address other than http.listen (or leave it out to serve everything \
                     on http.listen)",
                ));
            }
        }
        Ok(())
    }
}

/// How log lines look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// For people at a terminal.
    #[default]
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// `[log]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `pretty` or `json`.
    pub format: LogFormat,
    /// A tracing filter such as `info` or `helpdesk=debug,sqlx=warn` (`RUST_LOG` wins).
    pub filter: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Pretty,
            filter: "info,sqlx=warn".into(),
        }
    }
}

/// `[slack]`: enabled when a bot token is given.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SlackConfig {
    /// Bot token (`xoxb-…`): `HELPDESK_SLACK_BOT_TOKEN` or `slack.bot_token_file`.
    pub bot_token: Option<Secret>,
    /// App-level token for Socket Mode (`xapp-…`).
    pub app_token: Option<Secret>,
    /// Signing secret for the HTTP Events API.
    pub signing_secret: Option<Secret>,
    /// Slack Web API base URL (for proxies and tests).
    pub api_url: String,
    /// Bot tokens of further workspaces: team id → token (`HELPDESK_SLACK_BOT_TOKEN_<TEAM>`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub workspace_tokens: BTreeMap<String, Secret>,
    /// The desk's command (`ticket`, `kb`, `helpdesk`) → the slash command it is installed as.
    pub commands: BTreeMap<String, String>,
    /// At most one message per channel this often.
    #[serde(with = "crate::config::tenant::duration_text")]
    pub message_interval: Duration,
    /// How long an event may wait for the desk before Slack is acknowledged.
    #[serde(with = "crate::config::tenant::duration_text")]
    pub ack_deadline: Duration,
    /// How long user-group membership and names are cached.
    #[serde(with = "crate::config::tenant::duration_text")]
    pub directory_ttl: Duration,
    /// Socket Mode connections per process.
    pub socket_connections: u32,
}

impl SlackConfig {
    /// Whether any Slack workspace has a token.
    pub fn enabled(&self) -> bool {
        self.bot_token.is_some() || !self.workspace_tokens.is_empty()
    }
}

/// `[discord]`: enabled when a bot token is given.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DiscordConfig {
    /// Bot token: `HELPDESK_DISCORD_TOKEN` or `discord.token_file`.
    pub token: Option<Secret>,
    /// The application's public key, for HTTP interactions.
    pub public_key: Option<Secret>,
    /// Discord REST API base URL (for proxies and tests).
    pub api_url: String,
    /// The application id (default: read from the token).
    pub application_id: Option<String>,
    /// Guilds to register the commands in at once (default: globally, which takes up to an hour).
    pub command_guilds: Vec<String>,
    /// The guild whose desk direct messages to the bot go to.
    pub dm_guild: Option<String>,
    /// How long an interaction waits for the desk's answer before it is deferred.
    #[serde(with = "crate::config::tenant::duration_text")]
    pub ack_deadline: Duration,
    /// The bot's total number of shards.
    pub shards: u32,
    /// The shards this process runs: `first..=last`, written `"first-last"`.
    #[serde(serialize_with = "shard_range_text")]
    pub shard_ids: (u32, u32),
}

impl Config {
    /// The platforms with credentials, by name.
    pub fn configured_platforms(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        if self.slack.enabled() {
            names.push("slack");
        }
        if self.discord.token.is_some() {
            names.push("discord");
        }
        names
    }

    /// The effective configuration as TOML, secrets replaced by where they come from.
    pub fn to_masked_toml(&self) -> String {
        let mut shown = self.clone();
        shown.database.url = crate::store::mask_url(&shown.database.url);
        toml::to_string_pretty(&shown).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }
}

/// A configuration that cannot be used, with the key, the value and what is allowed.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The named file could not be read.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The file is not valid TOML.
    #[error("{path} is not valid TOML: {reason}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line and column.
        reason: String,
    },
    /// A key has a value it cannot take.
    #[error("configuration key `{key}`: {reason}")]
    Value {
        /// Dotted key, e.g. `log.format`.
        key: String,
        /// The value given and what is allowed.
        reason: String,
    },
}

/// The raw shape of the file, before secrets are resolved.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawConfig {
    accept_unconfigured_tenants: bool,
    admins: Vec<String>,
    database: DatabaseConfig,
    http: HttpConfig,
    log: LogConfig,
    outbox: OutboxConfig,
    retention: RetentionConfig,
    kb: KbConfig,
    slack: RawSlack,
    discord: RawDiscord,
    tenants: Vec<TenantConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawSlack {
    bot_token_file: Option<PathBuf>,
    app_token_file: Option<PathBuf>,
    signing_secret_file: Option<PathBuf>,
    api_url: Option<String>,
    commands: BTreeMap<String, String>,
    message_interval: Option<String>,
    ack_deadline: Option<String>,
    directory_ttl: Option<String>,
    socket_connections: Option<u32>,
}

/// Per-workspace bot tokens: `HELPDESK_SLACK_BOT_TOKEN_<TEAM ID>`.
const WORKSPACE_TOKEN_PREFIX: &str = "HELPDESK_SLACK_BOT_TOKEN_";

/// The desk's commands, each installed under its own name unless configured otherwise.
const DESK_COMMANDS: [&str; 3] = ["ticket", "kb", "helpdesk"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawDiscord {
    token_file: Option<PathBuf>,
    public_key_file: Option<PathBuf>,
    api_url: Option<String>,
    application_id: Option<IdText>,
    command_guilds: Vec<IdText>,
    dm_guild: Option<IdText>,
    ack_deadline: Option<String>,
    shards: Option<u32>,
    shard_ids: Option<IdText>,
}

/// A Discord id or range as written: TOML and environment variables give numbers or text.
#[derive(Debug)]
enum IdText {
    Number(u64),
    Text(String),
}

// By hand, not `untagged`: its error ("did not match any variant") names no expectation.
impl<'de> Deserialize<'de> for IdText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = IdText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a Discord id (digits, as a number or text)")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<IdText, E> {
                Ok(IdText::Number(n))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<IdText, E> {
                u64::try_from(n)
                    .map(IdText::Number)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(n), &self))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<IdText, E> {
                Ok(IdText::Text(s.to_string()))
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl IdText {
    fn text(self) -> String {
        match self {
            IdText::Number(n) => n.to_string(),
            IdText::Text(s) => s.trim().to_string(),
        }
    }
}

/// A snowflake id, checked.
fn snowflake(key: &str, id: IdText) -> Result<String, ConfigError> {
    let text = id.text();
    if !(17..=20).contains(&text.len()) || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(value_error(
            key,
            &format!("{text:?}"),
            "a Discord id (17 to 20 digits: with Developer Mode on, right-click → Copy ID)",
        ));
    }
    Ok(text)
}

fn shard_range_text<S: serde::Serializer>(ids: &(u32, u32), s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{}-{}", ids.0, ids.1))
}

/// `shards` and `shard_ids` ("0-3", "2" or 2; default all) checked against each other.
fn shard_ids(total: u32, ids: Option<IdText>) -> Result<(u32, u32), ConfigError> {
    let bad = |text: &str| {
        value_error(
            "discord.shard_ids",
            &format!("{text:?}"),
            &format!("a shard id or range such as \"0-1\", below discord.shards ({total})"),
        )
    };
    let Some(ids) = ids else {
        return Ok((0, total - 1));
    };
    let text = ids.text();
    let (first, last) = match text.split_once('-') {
        Some((a, b)) => (a.trim().parse::<u32>(), b.trim().parse::<u32>()),
        None => (text.parse::<u32>(), text.parse::<u32>()),
    };
    match (first, last) {
        (Ok(first), Ok(last)) if first <= last && last < total => Ok((first, last)),
        _ => Err(bad(&text)),
    }
}

/// Secret values: the environment variable, and the file key that may name a file instead.
const SECRETS: &[(&str, &str)] = &[
    ("slack.bot_token", "HELPDESK_SLACK_BOT_TOKEN"),
    ("slack.app_token", "HELPDESK_SLACK_APP_TOKEN"),
    ("slack.signing_secret", "HELPDESK_SLACK_SIGNING_SECRET"),
    ("discord.token", "HELPDESK_DISCORD_TOKEN"),
    ("discord.public_key", "HELPDESK_DISCORD_PUBLIC_KEY"),
];

/// The configuration file's path (read by the command line, not a setting).
pub const CONFIG_PATH_VAR: &str = "HELPDESK_CONFIG";

/// Keys outside any section that the environment may set: `HELPDESK_<KEY>`.
const TOP_LEVEL_KEYS: &[&str] = &["accept_unconfigured_tenants"];

/// Where the configuration comes from: a file (optional) and an environment.
pub struct Loader<'a> {
    /// The file; `None` reads `helpdesk.toml` if it exists.
    pub path: Option<&'a Path>,
    /// The environment, as `(name, value)` pairs (tests pass their own).
    pub env: Vec<(String, String)>,
}

impl Loader<'_> {
    /// Reads the process environment.
    pub fn from_process(path: Option<&Path>) -> Loader<'_> {
        Loader {
            path,
            env: std::env::vars()
                .filter(|(k, _)| k.starts_with(ENV_PREFIX))
                .collect(),
        }
    }

    /// Reads, overrides, parses and validates.
    pub fn load(&self) -> Result<Config, ConfigError> {
        let (path, required) = match self.path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from(DEFAULT_PATH), false),
        };
        let mut table = match read_bounded(&path) {
            Ok(text) => text
                .parse::<toml::Table>()
                .map_err(|e| ConfigError::Syntax {
                    path: path.clone(),
                    reason: e.to_string(),
                })?,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => toml::Table::new(),
            Err(e) => {
                return Err(ConfigError::Read {
                    path,
                    reason: e.to_string(),
                })
            }
        };
        refuse_inline_secrets(&table)?;
        self.apply_env(&mut table)?;
        let raw: RawConfig =
            serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
                ConfigError::Value {
                    key: e.path().to_string(),
                    reason: in_words(e.inner().message()),
                }
            })?;
        self.finish(raw)
    }

    fn apply_env(&self, table: &mut toml::Table) -> Result<(), ConfigError> {
        let mut vars: Vec<&(String, String)> = self.env.iter().collect();
        vars.sort();
        for (name, value) in vars {
            let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            if SECRETS.iter().any(|(_, var)| var == name)
                || workspace_of(name).is_some()
                || name == CONFIG_PATH_VAR
            {
                continue;
            }
            // `42`, `true` and quoted strings keep their TOML type; anything else is a string.
            let parsed = format!("v = {value}")
                .parse::<toml::Table>()
                .ok()
                .and_then(|mut t| t.remove("v"))
                .unwrap_or_else(|| toml::Value::String(value.clone()));
            let top = rest.to_ascii_lowercase();
            if TOP_LEVEL_KEYS.contains(&top.as_str()) {
                table.insert(top, parsed);
                continue;
            }
            let Some((section, key)) = rest.split_once('_') else {
                return Err(unknown_env(name));
            };
            let (section, key) = (section.to_ascii_lowercase(), key.to_ascii_lowercase());
            if !matches!(
                section.as_str(),
                "database" | "http" | "kb" | "log" | "outbox" | "retention" | "slack" | "discord"
            ) {
                return Err(unknown_env(name));
            }
            let section_table = table
                .entry(section.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            match section_table {
                toml::Value::Table(t) => {
                    t.insert(key, parsed);
                }
                _ => {
                    return Err(ConfigError::Value {
                        key: section,
                        reason: "must be a table ([section])".into(),
                    })
                }
            }
        }
        Ok(())
    }

    fn secret(&self, key: &str, file: Option<&PathBuf>) -> Result<Option<Secret>, ConfigError> {
        let var = SECRETS
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .unwrap_or_default();
        if let Some((_, value)) = self.env.iter().find(|(k, _)| k == var) {
            return Secret::read(value, SecretSource::Env(var.to_string()))
                .map(Some)
                .map_err(|_| empty_variable(var));
        }
        let file_key = format!("{key}_file");
        match file {
            None => Ok(None),
            Some(path) if path.to_string_lossy().trim().is_empty() => Err(value_error(
                &file_key,
                "\"\"",
                "the path of a file that holds the secret (or leave the key out)",
            )),
            Some(path) => {
                let value = std::fs::read_to_string(path).map_err(|e| ConfigError::Value {
                    key: file_key.clone(),
                    reason: format!("cannot read {}: {e}", path.display()),
                })?;
                Secret::read(&value, SecretSource::File(path.clone()))
                    .map(Some)
                    .map_err(|_| ConfigError::Value {
                        key: file_key.clone(),
                        reason: format!(
                            "{} is empty (or holds only whitespace); an empty secret is never \
                             used: put the secret in the file, or leave {file_key} out",
                            path.display()
                        ),
                    })
            }
        }
    }

    fn finish(&self, raw: RawConfig) -> Result<Config, ConfigError> {
        let db = &raw.database;
        if db.url.trim().is_empty() {
            return Err(value_error(
                "database.url",
                "\"\"",
                "a SQLite path or a postgres:// URL",
            ));
        }
        if !(1..=1000).contains(&db.max_connections) {
            return Err(value_error(
                "database.max_connections",
                &db.max_connections.to_string(),
                "a number from 1 to 1000",
            ));
        }
        if db.connect_retry_seconds > 3600 {
            return Err(value_error(
                "database.connect_retry_seconds",
                &db.connect_retry_seconds.to_string(),
                "at most 3600",
            ));
        }
        let api_url = |key: &str, value: Option<String>, default: &str| match value {
            None => Ok(default.to_string()),
            Some(v) if v.starts_with("http://") || v.starts_with("https://") => Ok(v),
            Some(v) => Err(value_error(
                key,
                &format!("{v:?}"),
                "an http:// or https:// URL",
            )),
        };
        raw.http.validate()?;
        raw.retention.validate()?;
        if raw.outbox.send_timeout.is_zero() || raw.outbox.send_timeout >= raw.outbox.lease {
            return Err(value_error(
                "outbox.send_timeout",
                &format_duration(raw.outbox.send_timeout),
                &format!(
                    "more than 0 and less than outbox.lease ({})",
                    format_duration(raw.outbox.lease)
                ),
            ));
        }
        for (i, tenant) in raw.tenants.iter().enumerate() {
            let at = format!("tenants[{i}]");
            tenant
                .validate(&at)
                .map_err(|Invalid { key, reason }| ConfigError::Value { key, reason })?;
            if raw.tenants[..i]
                .iter()
                .any(|o| o.platform == tenant.platform && o.id == tenant.id)
            {
                return Err(ConfigError::Value {
                    key: at,
                    reason: format!(
                        "{} tenant {:?} is configured twice",
                        tenant.platform, tenant.id
                    ),
                });
            }
        }
        let mut admins: Vec<InstallationAdmin> = Vec::new();
        for (i, text) in raw.admins.iter().enumerate() {
            let key = format!("admins[{i}]");
            let admin: InstallationAdmin = text.parse().map_err(|reason| ConfigError::Value {
                key: key.clone(),
                reason,
            })?;
            if admins.contains(&admin) {
                return Err(ConfigError::Value {
                    key,
                    reason: format!("{admin} is listed twice"),
                });
            }
            admins.push(admin);
        }
        Ok(Config {
            accept_unconfigured_tenants: raw.accept_unconfigured_tenants,
            admins,
            tenants: raw.tenants,
            slack: SlackConfig {
                bot_token: self.secret("slack.bot_token", raw.slack.bot_token_file.as_ref())?,
                app_token: self.secret("slack.app_token", raw.slack.app_token_file.as_ref())?,
                signing_secret: self.secret(
                    "slack.signing_secret",
                    raw.slack.signing_secret_file.as_ref(),
                )?,
                api_url: api_url("slack.api_url", raw.slack.api_url, "https://slack.com/api")?,
                workspace_tokens: self.workspace_tokens()?,
                commands: slack_commands(raw.slack.commands)?,
                message_interval: duration(
                    "slack.message_interval",
                    raw.slack.message_interval,
                    "1s",
                )?,
                ack_deadline: {
                    let d = duration("slack.ack_deadline", raw.slack.ack_deadline, "2s")?;
                    if d.is_zero() || d > Duration::from_millis(2500) {
                        return Err(value_error(
                            "slack.ack_deadline",
                            &format_duration(d),
                            "more than 0 and at most 2.5s (Slack wants an answer within 3 s)",
                        ));
                    }
                    d
                },
                directory_ttl: match duration("slack.directory_ttl", raw.slack.directory_ttl, "5m")?
                {
                    d if d < Duration::from_secs(10) => {
                        return Err(value_error(
                            "slack.directory_ttl",
                            &format_duration(d),
                            "at least 10s (user groups are read from a rate-limited Slack API)",
                        ))
                    }
                    d => d,
                },
                socket_connections: match raw.slack.socket_connections.unwrap_or(2) {
                    n @ 1..=10 => n,
                    n => {
                        return Err(value_error(
                            "slack.socket_connections",
                            &n.to_string(),
                            "a number from 1 to 10",
                        ))
                    }
                },
            },
            discord: DiscordConfig {
                token: self.secret("discord.token", raw.discord.token_file.as_ref())?,
                public_key: self
                    .secret("discord.public_key", raw.discord.public_key_file.as_ref())?,
                api_url: api_url(
                    "discord.api_url",
                    raw.discord.api_url,
                    "https://discord.com/api/v10",
                )?,
                application_id: raw
                    .discord
                    .application_id
                    .map(|id| snowflake("discord.application_id", id))
                    .transpose()?,
                command_guilds: raw
                    .discord
                    .command_guilds
                    .into_iter()
                    .map(|id| snowflake("discord.command_guilds", id))
                    .collect::<Result<_, _>>()?,
                dm_guild: raw
                    .discord
                    .dm_guild
                    .map(|id| snowflake("discord.dm_guild", id))
                    .transpose()?,
                ack_deadline: {
                    let d = duration("discord.ack_deadline", raw.discord.ack_deadline, "2s")?;
                    if d.is_zero() || d > Duration::from_millis(2500) {
                        return Err(value_error(
                            "discord.ack_deadline",
                            &format_duration(d),
                            "more than 0 and at most 2.5s (Discord wants an answer within 3 s)",
                        ));
                    }
                    d
                },
                shards: match raw.discord.shards.unwrap_or(1) {
                    0 => return Err(value_error("discord.shards", "0", "at least 1")),
                    n => n,
                },
                shard_ids: shard_ids(
                    raw.discord.shards.unwrap_or(1).max(1),
                    raw.discord.shard_ids,
                )?,
            },
            database: raw.database,
            http: raw.http,
            log: raw.log,
            outbox: raw.outbox,
            retention: raw.retention,
            kb: raw.kb,
        })
    }
}

impl Loader<'_> {
    fn workspace_tokens(&self) -> Result<BTreeMap<String, Secret>, ConfigError> {
        self.env
            .iter()
            .filter_map(|(name, value)| {
                let team = workspace_of(name)?;
                let token = Secret::read(value, SecretSource::Env(name.clone()))
                    .map_err(|_| empty_variable(name));
                Some(token.map(|t| (team.to_string(), t)))
            })
            .collect()
    }
}

/// The workspace a `HELPDESK_SLACK_BOT_TOKEN_<TEAM ID>` variable names: a Slack team (`T…`)
/// or Enterprise Grid (`E…`) id, so `HELPDESK_SLACK_BOT_TOKEN_FILE` stays the file key.
fn workspace_of(name: &str) -> Option<&str> {
    let team = name.strip_prefix(WORKSPACE_TOKEN_PREFIX)?;
    let mut chars = team.chars();
    let first = chars.next()?;
    (matches!(first, 'T' | 'E')
        && team.len() >= 2
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
    .then_some(team)
}

/// A duration setting such as `"1s"` or `"500ms"`.
fn duration(key: &str, value: Option<String>, default: &str) -> Result<Duration, ConfigError> {
    let text = value.unwrap_or_else(|| default.to_string());
    tenant::parse_duration(&text).map_err(|_| {
        value_error(
            key,
            &format!("{text:?}"),
            "a duration such as \"500ms\", \"2s\" or \"5m\"",
        )
    })
}

/// Every desk command with the slash command it is installed as (`/ticket` unless renamed).
fn slack_commands(
    given: BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, ConfigError> {
    let mut commands: BTreeMap<String, String> = DESK_COMMANDS
        .iter()
        .map(|c| (c.to_string(), format!("/{c}")))
        .collect();
    for (desk, slash) in given {
        let key = format!("slack.commands.{desk}");
        if !DESK_COMMANDS.contains(&desk.as_str()) {
            return Err(value_error(
                &key,
                &format!("{desk:?}"),
                "ticket, kb or helpdesk",
            ));
        }
        let name = slash.trim().trim_start_matches('/');
        if name.is_empty() || name.len() > 31 || name.chars().any(|c| c.is_whitespace()) {
            return Err(value_error(
                &key,
                &format!("{slash:?}"),
                "a slash command such as \"/ticket\"",
            ));
        }
        commands.insert(desk, format!("/{}", name.to_lowercase()));
    }
    let mut slashes: Vec<&String> = commands.values().collect();
    slashes.sort();
    if let Some(twice) = slashes.windows(2).find(|w| w[0] == w[1]) {
        return Err(value_error(
            "slack.commands",
            twice[0],
            "a different slash command for each of ticket, kb and helpdesk",
        ));
    }
    Ok(commands)
}

/// The most a configuration file may hold: a real one is a few kilobytes, so a larger file is
/// the wrong one (a log, a database) and reading it whole would only waste memory.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The file's text, refused past [`MAX_FILE_BYTES`] without reading the rest.
fn read_bounded(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::other(
            "the file is larger than 1 MB; a configuration file is a few kilobytes: is this \
             the right file?",
        ));
    }
    Ok(text)
}

/// A deserializer's message in the operator's words: serde says `invalid type: string "x",
/// expected u32`; the operator reads `got "x"; expected a whole number`.
fn in_words(message: &str) -> String {
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "));
    let Some((got, expected)) = rest.and_then(|r| r.rsplit_once(", expected ")) else {
        return message.to_string();
    };
    let got = match got.split_once(' ') {
        Some(("string", text)) => text.to_string(),
        Some((_, quoted)) if quoted.starts_with('`') => quoted.trim_matches('`').to_string(),
        _ => match got {
            "sequence" => "a list".into(),
            "map" => "a table".into(),
            other => other.to_string(),
        },
    };
    let expected = match expected {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number (0 or more)",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "a string" | "a borrowed string" | "a character" => "text (in quotes)",
        "a boolean" => "true or false",
        "a sequence" => "a list ([...])",
        "a map" => "a table",
        e if e.starts_with("struct ") => "a table",
        e => e,
    };
    format!("got {got}; expected {expected}")
}

fn value_error(key: &str, value: &str, allowed: &str) -> ConfigError {
    ConfigError::Value {
        key: key.to_string(),
        reason: format!("{value} is not allowed; expected {allowed}"),
    }
}

fn unknown_env(name: &str) -> ConfigError {
    ConfigError::Value {
        key: name.to_string(),
        reason: "unknown environment variable; expected HELPDESK_<SECTION>_<KEY> with a section \
                 of database, http, kb, log, outbox, retention, slack or discord, or \
                 HELPDESK_ACCEPT_UNCONFIGURED_TENANTS (see helpdesk.example.toml)"
            .into(),
    }
}

/// A secret's variable that is set but holds nothing.
fn empty_variable(name: &str) -> ConfigError {
    ConfigError::Value {
        key: name.to_string(),
        reason: "the variable is set but empty (or holds only whitespace); an empty secret is \
                 never used: set it to the secret, or unset it to leave the setting out"
            .into(),
    }
}

/// A secret written into the file would end up in backups and version control: refuse it.
fn refuse_inline_secrets(table: &toml::Table) -> Result<(), ConfigError> {
    for (key, var) in SECRETS {
        let (section, name) = key.split_once('.').unwrap_or(("", key));
        let present = table
            .get(section)
            .and_then(|s| s.as_table())
            .is_some_and(|s| s.contains_key(name));
        if present {
            return Err(ConfigError::Value {
                key: key.to_string(),
                reason: format!(
                    "secrets are not read from the configuration file; set {var} or \
                     {key}_file = \"/path/to/file\""
                ),
            });
        }
    }
    Ok(())
}

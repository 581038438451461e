//! Configuration: `helpdesk.toml`, overridden by `HELPDESK_<SECTION>_<KEY>` environment variables.
//! Secrets never come from the file: only from the environment or from files named in it.

mod admin;
mod check;
mod load;
mod retention;
mod sla;
mod tenant;

pub use admin::{is_installation_admin, InstallationAdmin};
pub use check::{CheckReport, PlatformCheck, PlatformState};
pub use helpdesk_chat::setting::{EmptySecret, Secret, SecretSource};
pub use retention::{RetentionConfig, REDELIVERY_WINDOW};
pub use sla::{BusinessHours, SlaPolicy, SlaTarget};
pub use tenant::{
    format_duration, parse_duration, BudgetAction, BudgetClock, Invalid, L3Messages, LevelConfig,
    Levels, Place, Specialty, TenantConfig,
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

/// The engine's configuration, validated, and the chat platforms' sections as written.
#[derive(Debug, Clone)]
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
    /// Each registered platform's section (`[slack]`, …) as the file and the environment give
    /// it, unchecked: the binary hands each to its adapter (see [`Config::section`]).
    pub platforms: BTreeMap<String, toml::Table>,
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
    /// Sends in flight at once to one platform, per process.
    pub per_platform: usize,
    /// Sends in flight at once to one channel, per process (the adapters also pace channels).
    pub per_channel: usize,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        OutboxConfig {
            lease: Duration::from_secs(60),
            send_timeout: Duration::from_secs(20),
            flush_on_stop: Duration::from_secs(10),
            per_platform: 16,
            per_channel: 4,
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

impl Config {
    /// The engine's effective configuration as TOML, secrets replaced by where they come from.
    pub fn to_masked_toml(&self) -> String {
        self.to_masked_toml_with(&NoPlatforms {})
    }

    /// The effective configuration as TOML with the platforms' checked sections (`platforms`
    /// serializes as one table per platform, secrets masked), in the file's order.
    pub fn to_masked_toml_with<P: Serialize>(&self, platforms: &P) -> String {
        let database = DatabaseConfig {
            url: crate::store::mask_url(&self.database.url),
            ..self.database.clone()
        };
        let shown = Shown {
            accept_unconfigured_tenants: self.accept_unconfigured_tenants,
            admins: &self.admins,
            database: &database,
            http: &self.http,
            log: &self.log,
            outbox: &self.outbox,
            retention: &self.retention,
            kb: &self.kb,
            platforms,
            tenants: &self.tenants,
        };
        toml::to_string_pretty(&shown).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }
}

/// What `config check` prints: the engine's sections, the platforms' between them and the
/// tenants, where a file has them.
#[derive(Serialize)]
struct Shown<'a, P> {
    accept_unconfigured_tenants: bool,
    admins: &'a [InstallationAdmin],
    database: &'a DatabaseConfig,
    http: &'a HttpConfig,
    log: &'a LogConfig,
    outbox: &'a OutboxConfig,
    retention: &'a RetentionConfig,
    kb: &'a KbConfig,
    #[serde(flatten)]
    platforms: &'a P,
    tenants: &'a [TenantConfig],
}

/// No platform sections to show.
#[derive(Serialize)]
struct NoPlatforms {}

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

// The adapters' sections say what is wrong the same way.
impl From<helpdesk_chat::setting::Invalid> for ConfigError {
    fn from(e: helpdesk_chat::setting::Invalid) -> Self {
        ConfigError::Value {
            key: e.key,
            reason: e.reason,
        }
    }
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
    tenants: Vec<TenantConfig>,
}

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
}

/// `value` is not allowed at `key`; `allowed` says what is.
fn value_error(key: &str, value: &str, allowed: &str) -> ConfigError {
    ConfigError::Value {
        key: key.to_string(),
        reason: format!("{value} is not allowed; expected {allowed}"),
    }
}

//! What the adapter needs to know: the token, the public key, the API address, command names;
//! and the `[discord]` section of the configuration they come from, read and checked here.

use crate::commands::CommandTexts;
use helpdesk_chat::setting::{
    self, duration_text, Invalid, PlatformCheck, PlatformState, Secrets, Section,
};
pub use helpdesk_chat::Secret;
use helpdesk_chat::{CommandTable, TenantText};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// `[discord]` as the loader must know it: its secrets.
pub const SECTION: Section = Section {
    name: crate::PLATFORM.as_str(),
    ids: crate::ids::IDS,
    secrets: &["token", "public_key"],
    secret_variable: |_| false,
};

/// `[discord]` as written in the file and the `HELPDESK_DISCORD_*` variables, before it is
/// checked.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiscordSection {
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

/// `[discord]`, checked: enabled when a bot token is given.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DiscordConfig {
    /// Bot token: `HELPDESK_DISCORD_TOKEN` or `discord.token_file`.
    pub token: Option<setting::Secret>,
    /// The application's public key, for HTTP interactions.
    pub public_key: Option<setting::Secret>,
    /// Discord REST API base URL (for proxies and tests).
    pub api_url: String,
    /// The application id (default: read from the token).
    pub application_id: Option<String>,
    /// Guilds to register the commands in at once (default: globally, which takes up to an hour).
    pub command_guilds: Vec<String>,
    /// The guild whose desk direct messages to the bot go to.
    pub dm_guild: Option<String>,
    /// How long an interaction waits for the desk's answer before it is deferred.
    #[serde(with = "duration_text")]
    pub ack_deadline: Duration,
    /// The bot's total number of shards.
    pub shards: u32,
    /// The shards this process runs: `first..=last`, written `"first-last"`.
    #[serde(serialize_with = "shard_range_text")]
    pub shard_ids: (u32, u32),
}

impl DiscordSection {
    /// Checks every value, naming the key of the first that cannot be used, and reads the
    /// secrets.
    pub fn check(self, secrets: &dyn Secrets) -> Result<DiscordConfig, Invalid> {
        let shards = match self.shards.unwrap_or(1) {
            0 => return Err(Invalid::value("discord.shards", "0", "at least 1")),
            n => n,
        };
        let snowflake_at = |key: &'static str| move |id: IdText| snowflake(key, id);
        Ok(DiscordConfig {
            token: secrets.secret("discord.token", self.token_file.as_deref())?,
            public_key: secrets.secret("discord.public_key", self.public_key_file.as_deref())?,
            api_url: setting::api_url("discord.api_url", self.api_url, DEFAULT_API_URL)?,
            application_id: self
                .application_id
                .map(snowflake_at("discord.application_id"))
                .transpose()?,
            command_guilds: self
                .command_guilds
                .into_iter()
                .map(snowflake_at("discord.command_guilds"))
                .collect::<Result<_, _>>()?,
            dm_guild: self
                .dm_guild
                .map(snowflake_at("discord.dm_guild"))
                .transpose()?,
            ack_deadline: setting::ack_deadline(
                "discord.ack_deadline",
                "Discord",
                self.ack_deadline.as_deref(),
            )?,
            shards,
            shard_ids: shard_ids(shards, self.shard_ids)?,
        })
    }
}

impl DiscordConfig {
    /// Whether the bot has a token.
    pub fn enabled(&self) -> bool {
        self.token.is_some()
    }

    /// Whether Discord is on and how it hears events, for `config check`.
    pub fn check_state(&self) -> PlatformCheck {
        let mut warnings = Vec::new();
        let state = if self.enabled() {
            PlatformState::On(self.ways_in())
        } else {
            if self.public_key.is_some() {
                warnings.push(
                    "HELPDESK_DISCORD_PUBLIC_KEY is set but HELPDESK_DISCORD_TOKEN is not: \
                     Discord stays off"
                        .to_string(),
                );
            }
            PlatformState::Off
        };
        PlatformCheck {
            name: SECTION.name,
            state,
            enabled_by: "HELPDESK_DISCORD_TOKEN",
            warnings,
        }
    }

    /// How events come in: the gateway always, HTTP interactions with a public key.
    pub fn ways_in(&self) -> Vec<&'static str> {
        let mut ways = vec!["gateway"];
        if self.public_key.is_some() {
            ways.push("HTTP interactions on /discord/interactions");
        }
        ways
    }
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
fn snowflake(key: &str, id: IdText) -> Result<String, Invalid> {
    let text = id.text();
    if !(17..=20).contains(&text.len()) || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Invalid::value(
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
fn shard_ids(total: u32, ids: Option<IdText>) -> Result<(u32, u32), Invalid> {
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
        _ => Err(Invalid::value(
            "discord.shard_ids",
            &format!("{text:?}"),
            &format!("a shard id or range such as \"0-1\", below discord.shards ({total})"),
        )),
    }
}

/// Discord's REST API (v10).
pub const DEFAULT_API_URL: &str = "https://discord.com/api/v10";

/// The message command (right-click → Apps) that turns a message into a ticket.
pub const CREATE_TICKET_COMMAND: &str = "Create ticket";

/// The commands registered until the wiring gives the desk's own.
const DEFAULT_COMMANDS: [&str; 3] = ["ticket", "kb", "helpdesk"];

/// "This bot handles /ticket, /kb and /helpdesk.": the commands named as Discord shows them,
/// in the order given.
pub fn handled_commands_text<S: AsRef<str>>(commands: impl IntoIterator<Item = S>) -> String {
    let named: Vec<String> = commands
        .into_iter()
        .map(|c| format!("/{}", c.as_ref()))
        .collect();
    let list = match named.as_slice() {
        [] => return "This bot handles no commands here.".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    format!("This bot handles {list}.")
}

/// Everything the Discord adapter is configured with.
#[derive(Debug, Clone)]
pub struct DiscordSettings {
    /// REST API base URL (`https://discord.com/api/v10`).
    pub api_url: String,
    /// The bot token.
    pub token: Option<Secret>,
    /// The application id (commands are registered under it); read from READY when unset.
    pub application_id: Option<String>,
    /// Register the commands in these guilds (instant) instead of globally (up to an hour).
    pub command_guilds: Vec<String>,
    /// Said to a person whose command got no answer in time (it was received), per guild id.
    pub received_text: TenantText,
    /// The application's public key (hex): the HTTP interactions endpoint is served when set.
    pub public_key: Option<String>,
    /// Slash command as Discord sends it (`ticket`) → the desk's command (`ticket`).
    pub commands: BTreeMap<String, String>,
    /// The guild direct messages to the bot belong to (Discord DMs have no guild); without
    /// one, direct messages are answered with nothing and logged.
    pub dm_guild: Option<String>,
    /// How long an interaction may wait for the desk before it is deferred (Discord wants an
    /// answer within 3 s).
    pub ack_deadline: Duration,
    /// Said to a person whose command the desk could not take (it is down), per guild id.
    pub unavailable_text: TenantText,
    /// Said to a person who used a command in a guild the desk does not serve.
    pub unserved_text: TenantText,
    /// Said to a person whose interaction the desk does not handle (another application's or
    /// an unknown command, a direct interaction with no `dm_guild`): which commands it does.
    pub unhandled_text: TenantText,
    /// Said once, in a DM, to a person who wrote to the bot but is no member of `dm_guild`.
    pub not_member_text: TenantText,
    /// The descriptions of the commands, in every language the desk speaks.
    pub command_texts: CommandTexts,
    /// The desk's commands, registered as Discord's slash commands (the wiring fills it in).
    pub command_table: CommandTable,
}

impl DiscordSettings {
    /// Discord's production API, the usual command names (the wiring sets the desk's own with
    /// [`DiscordSettings::with_commands`]), and no credentials.
    pub fn new(unavailable_text: impl Into<TenantText>) -> Self {
        let commands: BTreeMap<String, String> = DEFAULT_COMMANDS
            .into_iter()
            .map(|c| (c.to_string(), c.to_string()))
            .collect();
        DiscordSettings {
            api_url: DEFAULT_API_URL.to_string(),
            token: None,
            public_key: None,
            application_id: None,
            command_guilds: Vec::new(),
            received_text: TenantText::new("✓"),
            // In English until the wiring says it from the catalogues.
            unhandled_text: TenantText::new(handled_commands_text(DEFAULT_COMMANDS)),
            commands,
            dm_guild: None,
            ack_deadline: Duration::from_millis(2000),
            unavailable_text: unavailable_text.into(),
            // The wiring says these in words, from the catalogues.
            unserved_text: TenantText::new("✗"),
            not_member_text: TenantText::new("✗"),
            command_texts: CommandTexts::default(),
            command_table: CommandTable::default(),
        }
    }

    /// The settings `[discord]` gives, with what the adapter says when the desk is down; the
    /// application id is read from the token when not configured.
    pub fn from_config(config: &DiscordConfig, unavailable_text: impl Into<TenantText>) -> Self {
        let token = config.token.as_ref();
        DiscordSettings {
            api_url: config.api_url.clone(),
            token: token.map(|t| t.value().clone()),
            public_key: config.public_key.as_ref().map(|k| k.expose().to_string()),
            application_id: config.application_id.clone().or_else(|| {
                token.and_then(|t| crate::invite::application_id_from_token(t.expose()))
            }),
            command_guilds: config.command_guilds.clone(),
            dm_guild: config.dm_guild.clone(),
            ack_deadline: config.ack_deadline,
            ..DiscordSettings::new(unavailable_text)
        }
    }

    /// The desk's commands, registered and recognised each under its own name.
    pub fn with_commands(self, table: CommandTable) -> Self {
        // The English default names the commands registered; a text the wiring gave stays.
        let default = handled_commands_text(DEFAULT_COMMANDS);
        let unhandled_text = if self.unhandled_text == TenantText::new(default) {
            TenantText::new(handled_commands_text(table.names()))
        } else {
            self.unhandled_text
        };
        DiscordSettings {
            unhandled_text,
            commands: table
                .names()
                .into_iter()
                .map(|c| (c.to_string(), c.to_string()))
                .collect(),
            command_table: table,
            ..self
        }
    }

    /// What to say when the desk cannot take a command from this guild.
    pub fn unavailable(&self, guild: &str) -> &str {
        self.unavailable_text.get(guild)
    }

    /// What to say to a person whose interaction in this guild the desk does not handle.
    pub fn unhandled(&self, guild: &str) -> &str {
        self.unhandled_text.get(guild)
    }

    /// The desk's name for a slash command, if it is one of ours.
    pub fn desk_command(&self, name: &str) -> Option<&str> {
        self.commands.get(name).map(String::as_str)
    }
}

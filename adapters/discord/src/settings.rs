//! What the adapter needs to know: the token, the public key, the API address, command names.

use crate::commands::CommandTexts;
pub use helpdesk_chat::Secret;
use helpdesk_chat::TenantText;
use std::collections::BTreeMap;
use std::time::Duration;

/// Discord's REST API (v10).
pub const DEFAULT_API_URL: &str = "https://discord.com/api/v10";

/// The message command (right-click → Apps) that turns a message into a ticket.
pub const CREATE_TICKET_COMMAND: &str = "Create ticket";

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
    /// Said once, in a DM, to a person who wrote to the bot but is no member of `dm_guild`.
    pub not_member_text: TenantText,
    /// The descriptions of the commands, in every language the desk speaks.
    pub command_texts: CommandTexts,
}

impl DiscordSettings {
    /// Discord's production API, the default commands, and no credentials.
    pub fn new(unavailable_text: impl Into<TenantText>) -> Self {
        DiscordSettings {
            api_url: DEFAULT_API_URL.to_string(),
            token: None,
            public_key: None,
            application_id: None,
            command_guilds: Vec::new(),
            received_text: TenantText::new("✓"),
            commands: ["ticket", "kb", "helpdesk"]
                .into_iter()
                .map(|c| (c.to_string(), c.to_string()))
                .collect(),
            dm_guild: None,
            ack_deadline: Duration::from_millis(2000),
            unavailable_text: unavailable_text.into(),
            // The wiring says these in words, from the catalogues.
            unserved_text: TenantText::new("✗"),
            not_member_text: TenantText::new("✗"),
            command_texts: CommandTexts::default(),
        }
    }

    /// What to say when the desk cannot take a command from this guild.
    pub fn unavailable(&self, guild: &str) -> &str {
        self.unavailable_text.get(guild)
    }

    /// The desk's name for a slash command, if it is one of ours.
    pub fn desk_command(&self, name: &str) -> Option<&str> {
        self.commands.get(name).map(String::as_str)
    }
}

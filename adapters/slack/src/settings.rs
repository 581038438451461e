//! What the adapter needs to know: tokens, the API address, command names and pacing.

pub use helpdesk_chat::Secret;
use helpdesk_chat::TenantText;
use std::collections::BTreeMap;
use std::time::Duration;

/// The bot tokens: one per workspace, and the default one for the workspace it belongs to.
#[derive(Debug, Clone, Default)]
pub struct BotTokens {
    /// The token of one workspace, learnt with `auth.test` (see [`crate::web::Web`]): used for
    /// that workspace alone, never for another that installed the app.
    pub default: Option<Secret>,
    /// Workspace (team) id → its token.
    pub per_team: BTreeMap<String, Secret>,
}

impl BotTokens {
    /// The token for a workspace, given the workspace the default token belongs to (when known).
    pub fn for_team(&self, team: &str, default_team: Option<&str>) -> Option<&Secret> {
        self.per_team
            .get(team)
            .or(self.default.as_ref().filter(|_| default_team == Some(team)))
    }
}

/// Everything the Slack adapter is configured with.
#[derive(Debug, Clone)]
pub struct SlackSettings {
    /// Web API base URL (`https://slack.com/api`).
    pub api_url: String,
    /// Bot tokens (`xoxb-…`).
    pub bot_tokens: BotTokens,
    /// App-level token (`xapp-…`): Socket Mode runs when it is set.
    pub app_token: Option<Secret>,
    /// Signing secret: the HTTP endpoints are served when it is set.
    pub signing_secret: Option<Secret>,
    /// Slash command as Slack sends it (`/ticket`) → the desk's command (`ticket`).
    pub commands: BTreeMap<String, String>,
    /// At most one message per channel this often (Slack allows about one per second).
    pub message_interval: Duration,
    /// How long an event may wait for the desk before Slack gets its acknowledgement.
    pub ack_deadline: Duration,
    /// How long user-group membership and names are trusted before they are read again.
    pub directory_ttl: Duration,
    /// Socket Mode connections kept open (Slack spreads events over them).
    pub socket_connections: u32,
    /// Said to a person whose command the desk could not take (it is down), per team id.
    pub unavailable_text: TenantText,
    /// Said to a person who used a command or button in a workspace the desk does not serve.
    pub unserved_text: TenantText,
}

impl SlackSettings {
    /// Slack's production API, the default commands, and no credentials.
    pub fn new(unavailable_text: impl Into<TenantText>) -> Self {
        SlackSettings {
            api_url: DEFAULT_API_URL.to_string(),
            bot_tokens: BotTokens::default(),
            app_token: None,
            signing_secret: None,
            commands: ["ticket", "kb", "helpdesk"]
                .into_iter()
                .map(|c| (format!("/{c}"), c.to_string()))
                .collect(),
            message_interval: Duration::from_secs(1),
            ack_deadline: Duration::from_millis(2000),
            directory_ttl: Duration::from_secs(300),
            socket_connections: 2,
            unavailable_text: unavailable_text.into(),
            // The wiring says it in words, from the catalogues.
            unserved_text: TenantText::new("✗"),
        }
    }

    /// What to say when the desk cannot take a command from this workspace.
    pub fn unavailable(&self, team: &str) -> &str {
        self.unavailable_text.get(team)
    }

    /// The desk's name for a slash command, if it is one of ours.
    pub fn desk_command(&self, slash: &str) -> Option<&str> {
        self.commands.get(slash).map(String::as_str)
    }
}

/// Slack's Web API.
pub const DEFAULT_API_URL: &str = "https://slack.com/api";

//! What the adapter needs to know: tokens, the API address, command names and pacing; and
//! the `[slack]` section of the configuration they come from, read and checked here.

use helpdesk_chat::setting::{
    self, duration_text, Invalid, PlatformCheck, PlatformState, Secrets, Section,
};
pub use helpdesk_chat::Secret;
use helpdesk_chat::TenantText;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// `[slack]` as the loader must know it: its secrets and the per-workspace token variables.
pub const SECTION: Section = Section {
    name: crate::PLATFORM.as_str(),
    ids: crate::ids::IDS,
    secrets: &["bot_token", "app_token", "signing_secret"],
    secret_variable: |name| workspace_of(name).is_some(),
};

/// Per-workspace bot tokens: `HELPDESK_SLACK_BOT_TOKEN_<TEAM ID>`.
const WORKSPACE_TOKEN_PREFIX: &str = "HELPDESK_SLACK_BOT_TOKEN_";

/// The commands of settings made without a configuration ([`SlackSettings::new`], for tests
/// and tools); [`SlackSettings::from_config`] takes the desk's own list, which the wiring
/// passes to [`SlackSection::check`].
const DEFAULT_COMMANDS: [&str; 3] = ["ticket", "kb", "helpdesk"];

/// `[slack]` as written in the file and the `HELPDESK_SLACK_*` variables, before it is checked.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SlackSection {
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

/// `[slack]`, checked: enabled when a bot token is given.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SlackConfig {
    /// Bot token (`xoxb-…`): `HELPDESK_SLACK_BOT_TOKEN` or `slack.bot_token_file`.
    pub bot_token: Option<setting::Secret>,
    /// App-level token for Socket Mode (`xapp-…`).
    pub app_token: Option<setting::Secret>,
    /// Signing secret for the HTTP Events API.
    pub signing_secret: Option<setting::Secret>,
    /// Slack Web API base URL (for proxies and tests).
    pub api_url: String,
    /// Bot tokens of further workspaces: team id → token (`HELPDESK_SLACK_BOT_TOKEN_<TEAM>`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub workspace_tokens: BTreeMap<String, setting::Secret>,
    /// The desk's command (`ticket`, `kb`, `helpdesk`) → the slash command it is installed as.
    pub commands: BTreeMap<String, String>,
    /// At most one message per channel this often.
    #[serde(with = "duration_text")]
    pub message_interval: Duration,
    /// How long an event may wait for the desk before Slack is acknowledged.
    #[serde(with = "duration_text")]
    pub ack_deadline: Duration,
    /// How long user-group membership and names are cached.
    #[serde(with = "duration_text")]
    pub directory_ttl: Duration,
    /// Socket Mode connections per process.
    pub socket_connections: u32,
}

impl SlackSection {
    /// Checks every value, naming the key of the first that cannot be used, and reads the
    /// secrets; `desk_commands` are the commands that may be renamed.
    pub fn check(
        self,
        secrets: &dyn Secrets,
        desk_commands: &[&str],
    ) -> Result<SlackConfig, Invalid> {
        let token = |key: &str, file: &Option<PathBuf>| secrets.secret(key, file.as_deref());
        Ok(SlackConfig {
            bot_token: token("slack.bot_token", &self.bot_token_file)?,
            app_token: token("slack.app_token", &self.app_token_file)?,
            signing_secret: token("slack.signing_secret", &self.signing_secret_file)?,
            api_url: setting::api_url("slack.api_url", self.api_url, DEFAULT_API_URL)?,
            workspace_tokens: workspace_tokens(secrets)?,
            commands: slack_commands(self.commands, desk_commands)?,
            message_interval: setting::duration(
                "slack.message_interval",
                self.message_interval.as_deref(),
                "1s",
            )?,
            ack_deadline: setting::ack_deadline(
                "slack.ack_deadline",
                "Slack",
                self.ack_deadline.as_deref(),
            )?,
            directory_ttl: directory_ttl(self.directory_ttl.as_deref())?,
            socket_connections: match self.socket_connections.unwrap_or(2) {
                n @ 1..=10 => n,
                n => {
                    return Err(Invalid::value(
                        "slack.socket_connections",
                        &n.to_string(),
                        "a number from 1 to 10",
                    ))
                }
            },
        })
    }
}

impl SlackConfig {
    /// Whether any Slack workspace has a token.
    pub fn enabled(&self) -> bool {
        self.bot_token.is_some() || !self.workspace_tokens.is_empty()
    }

    /// Whether Slack is on and hears events, for `config check`.
    pub fn check_state(&self) -> PlatformCheck {
        let mut warnings = Vec::new();
        let state = match self.ways_in() {
            _ if !self.enabled() => PlatformState::Off,
            ways if ways.is_empty() => {
                warnings.push(
                    "Slack has a bot token but hears nothing: set HELPDESK_SLACK_APP_TOKEN \
                     (Socket Mode) or HELPDESK_SLACK_SIGNING_SECRET (HTTP Events API)"
                        .to_string(),
                );
                PlatformState::Deaf
            }
            ways => PlatformState::On(ways),
        };
        PlatformCheck {
            name: SECTION.name,
            state,
            enabled_by: "HELPDESK_SLACK_BOT_TOKEN",
            warnings,
        }
    }

    /// How events come in: Socket Mode, the HTTP Events API, or both (none: Slack is deaf).
    pub fn ways_in(&self) -> Vec<&'static str> {
        let mut ways = Vec::new();
        if self.app_token.is_some() {
            ways.push("Socket Mode");
        }
        if self.signing_secret.is_some() {
            ways.push("HTTP Events API on /slack/*");
        }
        ways
    }
}

/// The bot tokens of further workspaces, from their variables.
fn workspace_tokens(secrets: &dyn Secrets) -> Result<BTreeMap<String, setting::Secret>, Invalid> {
    let tokens = secrets.variables(&|name| workspace_of(name).is_some())?;
    Ok(tokens
        .into_iter()
        .filter_map(|(name, token)| Some((workspace_of(&name)?.to_string(), token)))
        .collect())
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

/// `slack.directory_ttl`: at least 10 s, as user groups come from a rate-limited API.
fn directory_ttl(value: Option<&str>) -> Result<Duration, Invalid> {
    match setting::duration("slack.directory_ttl", value, "5m")? {
        d if d < Duration::from_secs(10) => Err(Invalid::value(
            "slack.directory_ttl",
            &setting::format_duration(d),
            "at least 10s (user groups are read from a rate-limited Slack API)",
        )),
        d => Ok(d),
    }
}

/// Every desk command with the slash command it is installed as (`/ticket` unless renamed).
fn slack_commands(
    given: BTreeMap<String, String>,
    desk_commands: &[&str],
) -> Result<BTreeMap<String, String>, Invalid> {
    let mut commands: BTreeMap<String, String> = desk_commands
        .iter()
        .map(|c| (c.to_string(), format!("/{c}")))
        .collect();
    for (desk, slash) in given {
        let key = format!("slack.commands.{desk}");
        if !desk_commands.contains(&desk.as_str()) {
            return Err(Invalid::value(
                &key,
                &format!("{desk:?}"),
                &in_words(desk_commands, "or"),
            ));
        }
        let name = slash.trim().trim_start_matches('/');
        if name.is_empty() || name.len() > 31 || name.chars().any(|c| c.is_whitespace()) {
            return Err(Invalid::value(
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
        return Err(Invalid::value(
            "slack.commands",
            twice[0],
            &format!(
                "a different slash command for each of {}",
                in_words(desk_commands, "and")
            ),
        ));
    }
    Ok(commands)
}

/// `a, b or c` (`and` for `or`): the desk's commands as an error names them.
fn in_words(names: &[&str], last: &str) -> String {
    match names {
        [] => String::new(),
        [only] => only.to_string(),
        [init @ .., end] => format!("{} {last} {end}", init.join(", ")),
    }
}

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
            commands: DEFAULT_COMMANDS
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

    /// The settings `[slack]` gives, with what the adapter says when the desk is down.
    pub fn from_config(config: &SlackConfig, unavailable_text: impl Into<TenantText>) -> Self {
        let secret = |s: &setting::Secret| s.value().clone();
        SlackSettings {
            api_url: config.api_url.clone(),
            bot_tokens: BotTokens {
                default: config.bot_token.as_ref().map(secret),
                per_team: config
                    .workspace_tokens
                    .iter()
                    .map(|(team, token)| (team.clone(), secret(token)))
                    .collect(),
            },
            app_token: config.app_token.as_ref().map(secret),
            signing_secret: config.signing_secret.as_ref().map(secret),
            // Slack names the slash command; the desk wants its own name for it.
            commands: config
                .commands
                .iter()
                .map(|(desk, slash)| (slash.clone(), desk.clone()))
                .collect(),
            message_interval: config.message_interval,
            ack_deadline: config.ack_deadline,
            directory_ttl: config.directory_ttl,
            socket_connections: config.socket_connections,
            ..SlackSettings::new(unavailable_text)
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

#[cfg(test)]
mod tests {
    use super::*;
    use helpdesk_chat::setting::SecretSource;
    use std::path::Path;

    /// An environment with one bot token and one per-workspace token.
    struct Env;

    impl Secrets for Env {
        fn secret(&self, key: &str, _: Option<&Path>) -> Result<Option<setting::Secret>, Invalid> {
            let var = SECTION.variable(key.trim_start_matches("slack."));
            Ok((var == "HELPDESK_SLACK_BOT_TOKEN")
                .then(|| setting::Secret::new("xoxb-1", SecretSource::Env(var))))
        }

        fn variables(
            &self,
            accept: &dyn Fn(&str) -> bool,
        ) -> Result<Vec<(String, setting::Secret)>, Invalid> {
            let name = "HELPDESK_SLACK_BOT_TOKEN_T2".to_string();
            let token = setting::Secret::new("xoxb-2", SecretSource::Env(name.clone()));
            Ok(accept(&name).then_some((name, token)).into_iter().collect())
        }
    }

    #[test]
    fn the_section_becomes_the_adapters_settings() {
        let section = SlackSection {
            commands: [("ticket".to_string(), "/IT-Help".to_string())].into(),
            ..SlackSection::default()
        };
        let config = section.check(&Env, &DEFAULT_COMMANDS).unwrap();
        assert!(config.enabled());
        assert_eq!(
            config.ways_in(),
            Vec::<&str>::new(),
            "deaf without app token"
        );
        let settings = SlackSettings::from_config(&config, "down");
        assert_eq!(settings.desk_command("/it-help"), Some("ticket"));
        assert_eq!(settings.desk_command("/kb"), Some("kb"));
        assert_eq!(
            settings.bot_tokens.for_team("T2", None).unwrap().expose(),
            "xoxb-2"
        );
        assert_eq!(settings.ack_deadline, Duration::from_secs(2));
        assert_eq!(settings.api_url, DEFAULT_API_URL);
    }

    #[test]
    fn a_bad_value_names_its_key() {
        let section = SlackSection {
            ack_deadline: Some("3s".into()),
            ..SlackSection::default()
        };
        let e = section.check(&Env, &DEFAULT_COMMANDS).unwrap_err();
        assert_eq!(e.key, "slack.ack_deadline");
        assert!(e.reason.contains("Slack wants an answer within 3 s"), "{e}");
    }
}

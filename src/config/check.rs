//! What `helpdesk config check` tells the operator beside the values: which platforms are on,
//! and what in the configuration means nobody (or anybody) is served.

use super::Config;
use helpdesk_chat::Platform;
use std::fmt;

/// How one chat platform is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlatformState {
    /// No credentials: the platform is off.
    Off,
    /// On, hearing events the listed ways (e.g. "Socket Mode", "HTTP Events API").
    On(Vec<&'static str>),
    /// A token is set, but nothing brings events in: the desk can post but hears nothing.
    Deaf,
}

/// The findings of a configuration check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Slack.
    pub slack: PlatformState,
    /// Discord.
    pub discord: PlatformState,
    /// What the operator most likely did not mean, one sentence each.
    pub warnings: Vec<String>,
}

impl fmt::Display for PlatformState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlatformState::Off => f.write_str("not enabled"),
            PlatformState::On(ways) => write!(f, "enabled ({})", ways.join(" and ")),
            PlatformState::Deaf => f.write_str("enabled, but hears nothing"),
        }
    }
}

impl Config {
    /// Which platforms are enabled and how, and what looks wrong.
    pub fn check_report(&self) -> CheckReport {
        let mut warnings = Vec::new();
        let slack = if !self.slack.enabled() {
            PlatformState::Off
        } else {
            let mut ways = Vec::new();
            if self.slack.app_token.is_some() {
                ways.push("Socket Mode");
            }
            if self.slack.signing_secret.is_some() {
                ways.push("HTTP Events API on /slack/*");
            }
            if ways.is_empty() {
                warnings.push(
                    "Slack has a bot token but hears nothing: set HELPDESK_SLACK_APP_TOKEN \
                     (Socket Mode) or HELPDESK_SLACK_SIGNING_SECRET (HTTP Events API)"
                        .to_string(),
                );
                PlatformState::Deaf
            } else {
                PlatformState::On(ways)
            }
        };
        let discord = match &self.discord.token {
            None => {
                if self.discord.public_key.is_some() {
                    warnings.push(
                        "HELPDESK_DISCORD_PUBLIC_KEY is set but HELPDESK_DISCORD_TOKEN is not: \
                         Discord stays off"
                            .to_string(),
                    );
                }
                PlatformState::Off
            }
            Some(_) => {
                let mut ways = vec!["gateway"];
                if self.discord.public_key.is_some() {
                    ways.push("HTTP interactions on /discord/interactions");
                }
                PlatformState::On(ways)
            }
        };
        if slack == PlatformState::Off && discord == PlatformState::Off {
            warnings.push(
                "no chat platform is enabled: nobody can reach the desk (set \
                 HELPDESK_SLACK_BOT_TOKEN or HELPDESK_DISCORD_TOKEN)"
                    .to_string(),
            );
        }
        if self.tenants.is_empty() && !self.accept_unconfigured_tenants {
            warnings.push(
                "no [[tenants]] block is configured: events from every workspace and guild are \
                 dropped, so nothing will be served; add a [[tenants]] block for each"
                    .to_string(),
            );
        }
        if self.accept_unconfigured_tenants {
            warnings.push(
                "accept_unconfigured_tenants = true: any Slack workspace or Discord guild that \
                 adds the bot is served on the default settings; set it to false and list each \
                 one in [[tenants]]"
                    .to_string(),
            );
        }
        for (i, tenant) in self.tenants.iter().enumerate() {
            let off = match tenant.platform {
                Platform::Slack => slack == PlatformState::Off,
                Platform::Discord => discord == PlatformState::Off,
                Platform::Memory => false,
            };
            if off {
                warnings.push(format!(
                    "tenants[{i}] ({} {:?}) is for {}, which is not enabled",
                    tenant.platform, tenant.id, tenant.platform
                ));
            }
        }
        CheckReport {
            slack,
            discord,
            warnings,
        }
    }
}

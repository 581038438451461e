//! The whole configuration as the binary reads it: the engine's, and each chat platform's
//! section, read and checked by its own adapter. The engine knows the sections only by the
//! [`Section`] values registered here.

use helpdesk::config::{CheckReport, Config, ConfigError, Loader, PlatformCheck};
use helpdesk_chat::setting::Section;
use helpdesk_discord::{DiscordConfig, DiscordSection};
use helpdesk_slack::{SlackConfig, SlackSection};
use helpdesk_web::{WebConfig, WebSection};
use serde::Serialize;

/// The platform sections the engine's loader must know: their secrets and variables.
pub const SECTIONS: [&Section; 3] = [
    &helpdesk_slack::settings::SECTION,
    &helpdesk_discord::settings::SECTION,
    &helpdesk_web::settings::SECTION,
];

/// The configuration: the engine's, and every platform's section, checked.
#[derive(Debug, Clone)]
pub struct Settings {
    /// What the engine runs on.
    pub engine: Config,
    /// What the adapters run on.
    pub platforms: Platforms,
}

/// Each platform's checked section, shown by `config check` as `[slack]`, `[discord]`.
#[derive(Debug, Clone, Serialize)]
pub struct Platforms {
    /// Slack, when configured.
    pub slack: SlackConfig,
    /// Discord, when configured.
    pub discord: DiscordConfig,
    /// The web desk (on unless `web.enabled = false`).
    pub web: WebConfig,
}

/// Reads the file and the environment, then has each adapter check its section.
pub fn load(loader: &Loader<'_>) -> Result<Settings, ConfigError> {
    let engine = loader.load_with(&SECTIONS)?;
    let desk_commands = helpdesk::desk::command_table().names();
    let slack = engine
        .section::<SlackSection>(helpdesk_slack::settings::SECTION.name)?
        .check(loader, &desk_commands)?;
    let discord = engine
        .section::<DiscordSection>(helpdesk_discord::settings::SECTION.name)?
        .check(loader)?;
    let web = engine
        .section::<WebSection>(helpdesk_web::settings::SECTION.name)?
        .check()?;
    Ok(Settings {
        engine,
        platforms: Platforms {
            slack,
            discord,
            web,
        },
    })
}

impl Platforms {
    /// What each chat adapter says of its section (the web desk, always there, is not a chat
    /// platform to turn on).
    pub fn checks(&self) -> Vec<PlatformCheck> {
        vec![self.slack.check_state(), self.discord.check_state()]
    }
}

impl Settings {
    /// Which platforms are enabled and how, and what looks wrong.
    pub fn check_report(&self) -> CheckReport {
        self.engine.check_report(self.platforms.checks())
    }

    /// The effective configuration as TOML, secrets replaced by where they come from.
    pub fn to_masked_toml(&self) -> String {
        self.engine.to_masked_toml_with(&self.platforms)
    }
}

#[cfg(test)]
mod tests;

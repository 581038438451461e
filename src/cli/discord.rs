//! `helpdesk discord`: Discord setup helpers.

use anyhow::{bail, Result};
use clap::Subcommand;
use helpdesk_discord::{invite, DiscordConfig};

#[derive(Subcommand)]
pub enum DiscordCommand {
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

/// Runs one `discord` subcommand.
pub fn run(config: &DiscordConfig, command: DiscordCommand) -> Result<()> {
    let DiscordCommand::InviteUrl {
        application_id,
        guild,
    } = command;
    let from_token = || {
        config
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
    Ok(())
}

//! Which chat platforms `helpdesk run` plugs in, from the configuration. The only place that
//! knows the platform crates.

use helpdesk::app::{Plug, Plugged};
use helpdesk::config::{Config, SlackConfig};
use helpdesk::i18n::{self, Language, Msg};
use helpdesk_chat::{EventSink, Platform};
use helpdesk_discord::channels::Channels;
use helpdesk_discord::gateway::{Gateway, Shards};
use helpdesk_discord::http::router as discord_router;
use helpdesk_discord::rest::Rest;
use helpdesk_discord::signature::PublicKey;
use helpdesk_discord::Secret as DiscordSecret;
use helpdesk_discord::{commands, invite, DiscordPlatform, DiscordSettings, Interactions};
use helpdesk_slack::directory::Directory;
use helpdesk_slack::http::{router, system_now};
use helpdesk_slack::inbound::Inbound;
use helpdesk_slack::socket::SocketMode;
use helpdesk_slack::web::{self, Web};
use helpdesk_slack::{BotTokens, Secret, SlackPlatform, SlackSettings};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The plugs for every configured platform.
pub fn plugs(config: &Config) -> Vec<Plug> {
    let mut plugs = Vec::new();
    if config.slack.enabled() {
        plugs.push(slack(config));
    }
    if config.discord.token.is_some() {
        plugs.push(discord(config));
    }
    plugs
}

/// A catalogue message in the language of each tenant of `platform`, by tenant id.
fn per_tenant(config: &Config, platform: Platform, msg: Msg) -> BTreeMap<String, String> {
    config
        .tenants
        .iter()
        .filter(|t| t.platform == platform)
        .map(|t| (t.id.clone(), i18n::text(t.language, msg, &[])))
        .collect()
}

fn discord_settings(config: &Config) -> DiscordSettings {
    let c = &config.discord;
    let mut settings = DiscordSettings::new(i18n::text(Language::En, Msg::DeskUnavailable, &[]));
    settings.api_url = c.api_url.clone();
    settings.token = c.token.as_ref().map(|t| DiscordSecret::new(t.expose()));
    settings.public_key = c.public_key.as_ref().map(|k| k.expose().to_string());
    settings.application_id = c.application_id.clone().or_else(|| {
        c.token
            .as_ref()
            .and_then(|t| invite::application_id_from_token(t.expose()))
    });
    settings.command_guilds = c.command_guilds.clone();
    settings.dm_guild = c.dm_guild.clone();
    settings.ack_deadline = c.ack_deadline;
    settings.received_text = i18n::text(Language::En, Msg::InteractionReceived, &[]);
    settings.unavailable_per_guild = per_tenant(config, Platform::Discord, Msg::DeskUnavailable);
    settings
}

fn discord(config: &Config) -> Plug {
    let settings = Arc::new(discord_settings(config));
    let shards = Shards {
        first: config.discord.shard_ids.0,
        last: config.discord.shard_ids.1,
        total: config.discord.shards,
    };
    Box::new(move |sink: Arc<dyn EventSink>| {
        Box::pin(async move {
            let rest = Rest::new(&settings);
            let interactions = Interactions::new(
                rest.clone(),
                settings.application_id.clone(),
                &settings.received_text,
            );
            match settings.application_id.as_deref() {
                Some(app) => {
                    if let Err(e) = commands::register(&rest, &settings, app).await {
                        // The desk still hears messages and reactions; commands come back with
                        // the next start.
                        tracing::error!(error = %e, "discord: could not register the commands");
                    }
                }
                None => tracing::warn!(
                    "discord: no application id (set discord.application_id): commands not registered"
                ),
            }
            let routes = match settings.public_key.as_deref() {
                Some(hex) => {
                    let key = PublicKey::parse(hex).map_err(|e| e.to_string())?;
                    Some(discord_router(
                        settings.clone(),
                        key,
                        sink.clone(),
                        interactions.clone(),
                        helpdesk_discord::http::system_now(),
                    ))
                }
                None => None,
            };
            let gateway = Gateway::start(
                settings.clone(),
                rest.clone(),
                sink,
                interactions.clone(),
                Channels::default(),
                shards,
            )
            .await
            .map_err(|e| e.to_string())?;
            let stop = Box::pin(async move { gateway.stop().await }) as std::pin::Pin<Box<_>>;
            Ok(Plugged {
                platform: Arc::new(DiscordPlatform::new(rest, interactions)),
                routes,
                stop: Some(stop),
            })
        })
    })
}

fn slack_settings(config: &Config) -> SlackSettings {
    let c: &SlackConfig = &config.slack;
    let secret = |s: &helpdesk::config::Secret| Secret::new(s.expose());
    let mut settings = SlackSettings::new(i18n::text(Language::En, Msg::DeskUnavailable, &[]));
    settings.api_url = c.api_url.clone();
    settings.bot_tokens = BotTokens {
        default: c.bot_token.as_ref().map(secret),
        per_team: c
            .workspace_tokens
            .iter()
            .map(|(team, token)| (team.clone(), secret(token)))
            .collect(),
    };
    settings.app_token = c.app_token.as_ref().map(secret);
    settings.signing_secret = c.signing_secret.as_ref().map(secret);
    settings.commands = c
        .commands
        .iter()
        .map(|(desk, slash)| (slash.clone(), desk.clone()))
        .collect();
    settings.message_interval = c.message_interval;
    settings.ack_deadline = c.ack_deadline;
    settings.directory_ttl = c.directory_ttl;
    settings.socket_connections = c.socket_connections;
    settings.unavailable_per_team = per_tenant(config, Platform::Slack, Msg::DeskUnavailable);
    settings
}

fn slack(config: &Config) -> Plug {
    let settings = Arc::new(slack_settings(config));
    Box::new(move |sink: Arc<dyn EventSink>| {
        Box::pin(async move {
            let client = web::client(&settings).map_err(|e| format!("slack client: {e}"))?;
            let web = Web::new(client.clone(), settings.clone());
            let directory = Arc::new(Directory::new(web.clone(), settings.directory_ttl));
            let inbound = Arc::new(Inbound::new(settings.clone(), directory, sink));
            let routes = settings
                .signing_secret
                .as_ref()
                .map(|secret| router(inbound.clone(), secret.expose(), system_now()));
            let socket = match &settings.app_token {
                Some(token) => Some(
                    SocketMode::start(client, inbound, token.expose())
                        .await
                        .map_err(|e| format!("slack socket mode: {e}"))?,
                ),
                None => None,
            };
            if routes.is_none() && socket.is_none() {
                tracing::warn!(
                    "slack can send but hears nothing: set HELPDESK_SLACK_APP_TOKEN (Socket \
                     Mode) or HELPDESK_SLACK_SIGNING_SECRET (HTTP endpoints)"
                );
            }
            let stop =
                socket.map(|s| Box::pin(async move { s.stop().await }) as std::pin::Pin<Box<_>>);
            Ok(Plugged {
                platform: Arc::new(SlackPlatform::new(web)),
                routes,
                stop,
            })
        })
    })
}

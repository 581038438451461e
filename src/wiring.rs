//! Which chat platforms `helpdesk run` plugs in, from the configuration. The only place that
//! knows the platform crates.

use helpdesk::app::{Plug, Plugged};
use helpdesk::config::{Config, SlackConfig};
use helpdesk::i18n::{self, Language, Msg};
use helpdesk_chat::{EventSink, Platform};
use helpdesk_slack::directory::Directory;
use helpdesk_slack::http::{router, system_now};
use helpdesk_slack::inbound::Inbound;
use helpdesk_slack::socket::SocketMode;
use helpdesk_slack::web::{self, Web};
use helpdesk_slack::{BotTokens, Secret, SlackPlatform, SlackSettings};
use std::sync::Arc;

/// The plugs for every configured platform.
pub fn plugs(config: &Config) -> Vec<Plug> {
    let mut plugs = Vec::new();
    if config.slack.enabled() {
        plugs.push(slack(config));
    }
    plugs
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
    settings.unavailable_per_team = config
        .tenants
        .iter()
        .filter(|t| t.platform == Platform::Slack)
        .map(|t| {
            (
                t.id.clone(),
                i18n::text(t.language, Msg::DeskUnavailable, &[]),
            )
        })
        .collect();
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

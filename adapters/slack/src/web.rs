//! Slack's Web API through slack-morphism's client: one token per workspace, errors sorted into
//! what the dispatcher retries and what it parks.

use crate::settings::SlackSettings;
use helpdesk_chat::SendError;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use serde::de::DeserializeOwned;
use serde_json::Value;
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;

/// slack-morphism's hyper connector, speaking HTTPS and (for a local proxy or test) plain HTTP.
pub type Connector = SlackClientHyperConnector<HttpsConnector<HttpConnector>>;

/// The real client.
pub type Client = SlackClient<Connector>;

/// Builds the client for the configured API address.
pub fn client(settings: &SlackSettings) -> std::io::Result<Arc<Client>> {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()?
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .build();
    let connector = SlackClientHyperConnector::with_connector(https)
        .with_slack_api_url(settings.api_url.trim_end_matches('/'));
    Ok(Arc::new(SlackClient::new(connector)))
}

/// The Web API for the workspaces the settings hold tokens for.
#[derive(Clone)]
pub struct Web {
    client: Arc<Client>,
    settings: Arc<SlackSettings>,
    /// The workspace the default token belongs to, asked of `auth.test` once.
    default_team: Arc<OnceCell<String>>,
}

#[derive(serde::Deserialize)]
struct AuthTest {
    team_id: String,
}

impl Web {
    /// Over this client.
    pub fn new(client: Arc<Client>, settings: Arc<SlackSettings>) -> Self {
        Web {
            client,
            settings,
            default_team: Arc::new(OnceCell::new()),
        }
    }

    /// The workspace the default token belongs to (`None` without a default token), asked of
    /// `auth.test` the first time and then known: the default token is used for it alone.
    pub async fn default_team(&self) -> Result<Option<&str>, SendError> {
        let Some(secret) = self.settings.bot_tokens.default.as_ref() else {
            return Ok(None);
        };
        let team = self
            .default_team
            .get_or_try_init(|| async {
                let token = SlackApiToken::new(SlackApiTokenValue(secret.expose().to_string()));
                let session = self.client.open_session(&token);
                let auth: AuthTest = session
                    .http_session_api
                    .http_post("auth.test", &serde_json::json!({}), None)
                    .await
                    .map_err(|e| sorted("auth.test", e))?;
                tracing::info!(team = %auth.team_id, "slack: the default bot token belongs to this workspace");
                Ok::<_, SendError>(auth.team_id)
            })
            .await?;
        Ok(Some(team.as_str()))
    }

    /// Whether the adapter holds a token for `team`: its own, or the default one when `team` is
    /// the workspace the default token belongs to.
    pub async fn serves(&self, team: &str) -> Result<bool, SendError> {
        if self.settings.bot_tokens.per_team.contains_key(team) {
            return Ok(true);
        }
        Ok(self.default_team().await? == Some(team))
    }

    /// The client (Socket Mode runs on it too).
    pub fn client(&self) -> &Arc<Client> {
        &self.client
    }

    /// The settings.
    pub fn settings(&self) -> &Arc<SlackSettings> {
        &self.settings
    }

    async fn token(&self, team: &str) -> Result<SlackApiToken, SendError> {
        let default_team = match self.settings.bot_tokens.per_team.contains_key(team) {
            true => None,
            false => self.default_team().await?,
        };
        let tokens = &self.settings.bot_tokens;
        let secret = tokens.for_team(team, default_team).ok_or_else(|| {
            SendError::Permanent(format!("no bot token for the Slack workspace {team}"))
        })?;
        Ok(
            SlackApiToken::new(SlackApiTokenValue(secret.expose().to_string()))
                .with_team_id(SlackTeamId(team.to_string())),
        )
    }

    /// Calls a method with a JSON body (`chat.postMessage`, `views.open`, …).
    pub async fn post<T: DeserializeOwned + Send>(
        &self,
        team: &str,
        method: &str,
        body: &Value,
    ) -> Result<T, SendError> {
        let token = self.token(team).await?;
        let session = self.client.open_session(&token);
        session
            .http_session_api
            .http_post(method, body, None)
            .await
            .map_err(|e| sorted(method, e))
    }

    /// Calls a read method with query parameters (`users.info`, `usergroups.list`, …).
    pub async fn get<T: DeserializeOwned + Send>(
        &self,
        team: &str,
        method: &str,
        params: &[(&str, &str)],
    ) -> Result<T, SendError> {
        let token = self.token(team).await?;
        let session = self.client.open_session(&token);
        let params: Vec<(&str, Option<&str>)> =
            params.iter().map(|(k, v)| (*k, Some(*v))).collect();
        session
            .http_session_api
            .http_get(method, &params, None)
            .await
            .map_err(|e| sorted(method, e))
    }
}

/// Slack's errors that pass by themselves; every other error code is a request that will keep
/// failing as sent (unknown channel, missing scope, expired trigger, invalid blocks).
/// Slack's answers for a place that takes no messages from the bot: it is not in the channel,
/// the channel is gone or archived, posting there is restricted, or the person cannot get
/// direct messages from the app.
pub const UNREACHABLE_CODES: &[&str] = &[
    "channel_not_found",
    "not_in_channel",
    "user_not_in_channel",
    "is_archived",
    "restricted_action",
    "restricted_action_read_only_channel",
    "restricted_action_thread_only_channel",
    "restricted_action_non_threadable_channel",
    "team_access_not_granted",
    "messages_tab_disabled",
    "cannot_dm_bot",
    "user_disabled",
];

const TRANSIENT_CODES: &[&str] = &[
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "team_added_to_org",
];

/// Sorts a client error into the dispatcher's three kinds.
pub fn sorted(method: &str, error: SlackClientError) -> SendError {
    match error {
        SlackClientError::RateLimitError(e) => SendError::RateLimited {
            retry_after: e.retry_after.unwrap_or(Duration::from_secs(1)),
        },
        SlackClientError::ApiError(e) if e.code == "ratelimited" || e.code == "rate_limited" => {
            SendError::RateLimited {
                retry_after: Duration::from_secs(1),
            }
        }
        SlackClientError::ApiError(e) if TRANSIENT_CODES.contains(&e.code.as_str()) => {
            SendError::Transient(format!("{method}: {}", e.code))
        }
        SlackClientError::ApiError(e) if UNREACHABLE_CODES.contains(&e.code.as_str()) => {
            SendError::Unreachable(format!("{method}: {}", e.code))
        }
        SlackClientError::ApiError(e) => SendError::Permanent(format!("{method}: {}", e.code)),
        SlackClientError::HttpError(e) if e.status_code.is_client_error() => {
            SendError::Permanent(format!("{method}: HTTP {}", e.status_code))
        }
        other => SendError::Transient(format!("{method}: {other}")),
    }
}

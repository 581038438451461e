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
}

impl Web {
    /// Over this client.
    pub fn new(client: Arc<Client>, settings: Arc<SlackSettings>) -> Self {
        Web { client, settings }
    }

    /// The client (Socket Mode runs on it too).
    pub fn client(&self) -> &Arc<Client> {
        &self.client
    }

    /// The settings.
    pub fn settings(&self) -> &Arc<SlackSettings> {
        &self.settings
    }

    fn token(&self, team: &str) -> Result<SlackApiToken, SendError> {
        let secret = self.settings.bot_tokens.for_team(team).ok_or_else(|| {
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
        let token = self.token(team)?;
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
        let token = self.token(team)?;
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
        SlackClientError::ApiError(e) => SendError::Permanent(format!("{method}: {}", e.code)),
        SlackClientError::HttpError(e) if e.status_code.is_client_error() => {
            SendError::Permanent(format!("{method}: HTTP {}", e.status_code))
        }
        other => SendError::Transient(format!("{method}: {other}")),
    }
}

//! Socket Mode: slack-morphism's WebSocket client, authenticated with the app-level token.
//!
//! The listener acknowledges an envelope when its callback returns: the callbacks hand the
//! event off and return by the acknowledgement deadline; a failed desk returns an error, so the
//! envelope is not acknowledged and Slack delivers it again.

use crate::decode;
use crate::inbound::Inbound;
use crate::web::{Client, Connector};
use helpdesk_chat::{Handoff, SinkError};
use slack_morphism::prelude::*;
use std::sync::Arc;

/// How long [`SocketMode::stop`] waits for the connections to close.
pub const STOP_BOUND: std::time::Duration = std::time::Duration::from_secs(2);

/// The running Socket Mode connections.
pub struct SocketMode {
    listener: SlackClientSocketModeListener<Connector>,
}

async fn inbound(state: &SlackClientEventsUserState) -> Option<Arc<Inbound>> {
    state.read().await.get_user_state::<Arc<Inbound>>().cloned()
}

fn outcome(handoff: Handoff) -> Result<(), SinkError> {
    match handoff {
        Handoff::Failed(e) => Err(e),
        Handoff::Done(_) | Handoff::Running => Ok(()),
    }
}

async fn on_push(
    event: SlackPushEventCallback,
    _client: Arc<Client>,
    state: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    let Some(inbound) = inbound(&state).await else {
        return Ok(());
    };
    outcome(inbound.receive_queued(decode::push(&event)).await).map_err(|e| e.into())
}

async fn on_command(
    event: SlackCommandEvent,
    _client: Arc<Client>,
    state: SlackClientEventsUserState,
) -> UserCallbackResult<SlackCommandEventResponse> {
    let Some(inbound) = inbound(&state).await else {
        return Ok(SlackCommandEventResponse::new(SlackMessageContent::new()));
    };
    let decoded = decode::command(&event, inbound.settings());
    let content = match inbound.receive_queued(decoded).await {
        // Slack does not retry commands: tell the person, in the command's own answer.
        Handoff::Failed(_) => SlackMessageContent::new()
            .with_text(inbound.settings().unavailable(&event.team_id.0).to_string()),
        // A workspace the desk does not serve: the person hears so, privately.
        Handoff::Done(taken) if taken.unserved => SlackMessageContent::new().with_text(
            inbound
                .settings()
                .unserved_text
                .get(&event.team_id.0)
                .to_string(),
        ),
        Handoff::Done(_) | Handoff::Running => SlackMessageContent::new(),
    };
    Ok(SlackCommandEventResponse::new(content)
        .with_response_type(SlackMessageResponseType::Ephemeral))
}

async fn on_interaction(
    event: SlackInteractionEvent,
    _client: Arc<Client>,
    state: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    let Some(inbound) = inbound(&state).await else {
        return Ok(());
    };
    if let SlackInteractionEvent::BlockSuggestion(_) = event {
        return Ok(());
    }
    outcome(inbound.receive_queued(decode::interaction(&event)).await).map_err(|e| e.into())
}

fn on_error(
    error: Box<dyn std::error::Error + Send + Sync>,
    _client: Arc<Client>,
    _state: SlackClientEventsUserState,
) -> HttpStatusCode {
    use slack_morphism::errors::SlackClientError;
    // Protocol errors carry the whole frame (user text, Slack's verification token): name
    // the kind only.
    match error.downcast_ref::<SlackClientError>() {
        Some(SlackClientError::ProtocolError(_)) => {
            tracing::warn!("slack socket mode: a frame could not be read (acknowledged, dropped)")
        }
        Some(other) => tracing::warn!(
            kind = other_kind(other),
            "slack socket mode: client error; the envelope is not acknowledged"
        ),
        None => tracing::warn!(
            %error,
            "slack socket mode: the desk could not take an event; not acknowledged, Slack resends it"
        ),
    }
    HttpStatusCode::INTERNAL_SERVER_ERROR
}

fn other_kind(error: &slack_morphism::errors::SlackClientError) -> &'static str {
    use slack_morphism::errors::SlackClientError as E;
    match error {
        E::ApiError(_) => "api",
        E::HttpError(_) => "http",
        E::HttpProtocolError(_) => "http protocol",
        E::EndOfStream(_) => "end of stream",
        E::SystemError(_) => "system",
        E::ProtocolError(_) => "protocol",
        E::SocketModeProtocolError(_) => "socket mode protocol",
        E::RateLimitError(_) => "rate limit",
    }
}

impl SocketMode {
    /// Opens the connections (`apps.connections.open`, then the WebSocket) for the app token.
    pub async fn start(
        client: Arc<Client>,
        inbound: Arc<Inbound>,
        app_token: &str,
    ) -> Result<SocketMode, slack_morphism::errors::SlackClientError> {
        let connections = inbound.settings().socket_connections.max(1);
        let environment = Arc::new(
            SlackClientEventsListenerEnvironment::new(client)
                .with_error_handler(on_error)
                .with_user_state(inbound),
        );
        let callbacks = SlackSocketModeListenerCallbacks::new()
            .with_push_events(on_push)
            .with_command_events(on_command)
            .with_interaction_events(on_interaction);
        let config = SlackClientSocketModeConfig::new().with_max_connections_count(connections);
        let listener = SlackClientSocketModeListener::new(&config, environment, callbacks);
        let token = SlackApiToken::new(SlackApiTokenValue(app_token.to_string()));
        listener.listen_for(&token).await?;
        listener.start().await;
        Ok(SocketMode { listener })
    }

    /// Closes the connections, waiting at most [`STOP_BOUND`] for Slack to take the close.
    pub async fn stop(self) {
        if tokio::time::timeout(STOP_BOUND, self.listener.shutdown())
            .await
            .is_err()
        {
            tracing::warn!(bound = ?STOP_BOUND, "slack socket mode: the connections did not close in time; dropped");
        }
    }
}

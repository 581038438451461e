//! Signed HTTP: the Events API, slash commands and interactivity on the bot's own HTTP server.
//!
//! Every request must carry a valid `X-Slack-Signature` for its exact body, made within five
//! minutes (401 otherwise); bodies are limited in size (413).

use crate::decode;
use crate::inbound::Inbound;
use crate::signature;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use helpdesk_chat::Handoff;
use serde_json::Value;
use std::sync::Arc;

/// The largest request body taken (Slack's payloads are a few kilobytes).
pub const BODY_LIMIT: usize = 256 * 1024;

pub use helpdesk_chat::signed::{system_now, Now};

#[derive(Clone)]
struct Endpoint {
    inbound: Arc<Inbound>,
    secret: Arc<str>,
    now: Now,
}

/// `/slack/events`, `/slack/commands` and `/slack/interactivity`, checked with `secret`.
pub fn router(inbound: Arc<Inbound>, secret: &str, now: Now) -> Router {
    let endpoint = Endpoint {
        inbound,
        secret: secret.into(),
        now,
    };
    Router::new()
        .route("/slack/events", post(events))
        .route("/slack/commands", post(commands))
        .route("/slack/interactivity", post(interactivity))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(endpoint)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

impl Endpoint {
    /// The body, when the request is signed by Slack.
    fn verified<'a>(&self, headers: &HeaderMap, body: &'a Bytes) -> Option<&'a [u8]> {
        let checked = signature::verify(
            &self.secret,
            header(headers, "x-slack-request-timestamp"),
            header(headers, "x-slack-signature"),
            body,
            (self.now)(),
        );
        match checked {
            Ok(()) => Some(body),
            Err(e) => {
                tracing::warn!(error = %e, "slack request refused: bad signature");
                None
            }
        }
    }
}

fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, "invalid signature").into_response()
}

fn malformed(what: &str, e: impl std::fmt::Display) -> Response {
    tracing::warn!(error = %e, "malformed slack {what}");
    (StatusCode::BAD_REQUEST, "malformed payload").into_response()
}

async fn events(State(ep): State<Endpoint>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(body) = ep.verified(&headers, &body) else {
        return unauthorized();
    };
    let push: Value = match serde_json::from_slice(body) {
        Ok(p) => p,
        Err(e) => return malformed("event", e),
    };
    match push["type"].as_str() {
        Some("url_verification") => match push["challenge"].as_str() {
            Some(challenge) => Json(serde_json::json!({ "challenge": challenge })).into_response(),
            None => malformed("event", "a url_verification without its challenge"),
        },
        Some("event_callback") => {
            let decoded = match decode::push(&push) {
                Ok(decoded) => decoded,
                Err(e) => return malformed("event", e),
            };
            match ep.inbound.receive(decoded).await {
                // Not acknowledged: Slack delivers it again, and the desk drops the duplicate.
                Handoff::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                Handoff::Done(_) | Handoff::Running => StatusCode::OK.into_response(),
            }
        }
        Some("app_rate_limited") => {
            tracing::warn!(
                minute = %push["minute_rate_limited"],
                "slack is dropping events: the app exceeded its rate limit"
            );
            StatusCode::OK.into_response()
        }
        _ => malformed("event", "an unknown type"),
    }
}

async fn commands(State(ep): State<Endpoint>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(body) = ep.verified(&headers, &body) else {
        return unauthorized();
    };
    let fields = decode::command_fields(body);
    let decoded = match decode::command(&fields, ep.inbound.settings()) {
        Ok(decoded) => decoded,
        Err(e) => return malformed("command", e),
    };
    let team = decode::tenant(&fields).unwrap_or_default();
    match ep.inbound.receive(decoded).await {
        // Slack does not retry commands: tell the person, in the command's own answer.
        Handoff::Failed(_) => Json(serde_json::json!({
            "response_type": "ephemeral",
            "text": ep.inbound.settings().unavailable(&team),
        }))
        .into_response(),
        // A workspace the desk does not serve: the person hears so, privately.
        Handoff::Done(taken) if taken.unserved => Json(serde_json::json!({
            "response_type": "ephemeral",
            "text": ep.inbound.settings().unserved_text.get(&team),
        }))
        .into_response(),
        Handoff::Done(_) | Handoff::Running => StatusCode::OK.into_response(),
    }
}

async fn interactivity(State(ep): State<Endpoint>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(body) = ep.verified(&headers, &body) else {
        return unauthorized();
    };
    let Some(payload) = form_urlencoded::parse(body)
        .find(|(k, _)| k == "payload")
        .map(|(_, v)| v.into_owned())
    else {
        return malformed("interaction", "no payload field");
    };
    let decoded = match serde_json::from_str(&payload).map(|p: Value| decode::interaction(&p)) {
        Ok(Ok(decoded)) => decoded,
        Ok(Err(e)) | Err(e) => return malformed("interaction", e),
    };
    match ep.inbound.receive(decoded).await {
        // Slack shows the person that it did not work (a modal keeps what they typed).
        Handoff::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Handoff::Done(_) | Handoff::Running => StatusCode::OK.into_response(),
    }
}

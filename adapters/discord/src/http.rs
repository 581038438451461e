//! The HTTP interactions endpoint, `/discord/interactions`, on the bot's own HTTP server.
//!
//! Every request must carry a valid Ed25519 signature of its timestamp and exact body, made
//! within five minutes (401 otherwise: Discord probes with bad signatures); bodies are limited
//! in size. PING gets PONG; everything else goes to the desk, and Discord gets its answer
//! within its 3 s whether the desk is done or not.

use crate::decode::{self, Decoded};
use crate::settings::DiscordSettings;
use crate::signature::PublicKey;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use helpdesk_chat::{hand_off, EventKind, EventSink, Handoff};
use serde_json::{json, Value};
use std::sync::Arc;

/// The largest request body taken (interactions are a few kilobytes).
pub const BODY_LIMIT: usize = 256 * 1024;

/// Interaction response types.
mod answer {
    pub const PONG: u8 = 1;
    pub const MESSAGE: u8 = 4;
    pub const DEFERRED_MESSAGE: u8 = 5;
    pub const DEFERRED_UPDATE: u8 = 6;
}

/// Only the person who acted sees the answer.
const EPHEMERAL: u32 = 1 << 6;

pub use helpdesk_chat::signed::{system_now, Now};

#[derive(Clone)]
struct Endpoint {
    settings: Arc<DiscordSettings>,
    key: PublicKey,
    sink: Arc<dyn EventSink>,
    now: Now,
}

/// `/discord/interactions`, checked with the application's public key.
pub fn router(
    settings: Arc<DiscordSettings>,
    key: PublicKey,
    sink: Arc<dyn EventSink>,
    now: Now,
) -> Router {
    Router::new()
        .route("/discord/interactions", post(interactions))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(Endpoint {
            settings,
            key,
            sink,
            now,
        })
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn interactions(State(ep): State<Endpoint>, headers: HeaderMap, body: Bytes) -> Response {
    let checked = ep.key.verify(
        header(&headers, "x-signature-timestamp"),
        header(&headers, "x-signature-ed25519"),
        &body,
        (ep.now)(),
    );
    if let Err(e) = checked {
        tracing::warn!(error = %e, "discord interaction refused: bad signature");
        return (StatusCode::UNAUTHORIZED, "invalid request signature").into_response();
    }
    let payload: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return malformed(e),
    };
    let decoded = match decode::interaction(&payload, &ep.settings, &()) {
        Ok(d) => d,
        Err(e) => return malformed(e),
    };
    let event = match decoded {
        Decoded::Ping => return Json(json!({ "type": answer::PONG })).into_response(),
        Decoded::Ignored(why) => {
            tracing::debug!(why, "discord interaction ignored");
            // Answered all the same, so the person sees no "interaction failed".
            return Json(json!({ "type": answer::DEFERRED_UPDATE })).into_response();
        }
        Decoded::Event(event) => *event,
    };
    let guild = event.tenant.clone();
    let deferred = deferral(&event.kind, payload.get("message").is_some());
    match hand_off(ep.sink.clone(), event, ep.settings.ack_deadline).await {
        Handoff::Failed(_) => Json(json!({
            "type": answer::MESSAGE,
            "data": { "content": ep.settings.unavailable(&guild), "flags": EPHEMERAL },
        }))
        .into_response(),
        Handoff::Done | Handoff::Running => Json(deferred).into_response(),
    }
}

/// The answer that tells Discord the desk took it: a click or a form sent from a message
/// leaves that message as it is (the desk updates cards itself); a command shows the person a
/// private "thinking…" the desk's answer replaces.
fn deferral(kind: &EventKind, on_message: bool) -> Value {
    match kind {
        EventKind::Action { .. } => json!({ "type": answer::DEFERRED_UPDATE }),
        EventKind::FormSubmitted { .. } if on_message => json!({ "type": answer::DEFERRED_UPDATE }),
        _ => json!({ "type": answer::DEFERRED_MESSAGE, "data": { "flags": EPHEMERAL } }),
    }
}

fn malformed(e: impl std::fmt::Display) -> Response {
    tracing::warn!(error = %e, "malformed discord interaction");
    (StatusCode::BAD_REQUEST, "malformed payload").into_response()
}

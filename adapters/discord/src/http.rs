//! The HTTP interactions endpoint, `/discord/interactions`, on the bot's own HTTP server.
//!
//! Every request must carry a valid Ed25519 signature of its timestamp and exact body, made
//! within five minutes (401 otherwise: Discord probes with bad signatures); bodies are limited
//! in size. PING gets PONG; everything else goes to the desk, and the response is the desk's
//! first answer (a modal, a private message, the clicked card edited) or, when the desk has
//! none within the deadline, the deferral: Discord gets it within its 3 s either way.

use crate::decode::{self, Decoded};
use crate::gateway::remember;
use crate::interactions::{fallback_answer, guild_of, unhandled_answer, Interactions, EPHEMERAL};
use crate::members::Members;
use crate::settings::DiscordSettings;
use crate::signature::PublicKey;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use helpdesk_chat::{hand_off, EventSink, Handoff};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

/// The largest request body taken (interactions are a few kilobytes).
pub const BODY_LIMIT: usize = 256 * 1024;

/// Interaction response types.
mod answer {
    pub const PONG: u8 = 1;
    pub use crate::interactions::callback::MESSAGE;
}

/// How long past the deadline the response waits for the deferral itself.
const ANSWER_MARGIN: Duration = Duration::from_millis(300);

/// The latest the response leaves, whatever the deadline: Discord gives up at 3 s.
const ANSWER_BY: Duration = Duration::from_millis(2700);

pub use helpdesk_chat::signed::{system_now, Now};

#[derive(Clone)]
struct Endpoint {
    settings: Arc<DiscordSettings>,
    key: PublicKey,
    sink: Arc<dyn EventSink>,
    interactions: Interactions,
    members: Members,
    now: Now,
}

/// `/discord/interactions`, checked with the application's public key.
pub fn router(
    settings: Arc<DiscordSettings>,
    key: PublicKey,
    sink: Arc<dyn EventSink>,
    interactions: Interactions,
    members: Members,
    now: Now,
) -> Router {
    Router::new()
        .route("/discord/interactions", post(receive))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(Endpoint {
            settings,
            key,
            sink,
            interactions,
            members,
            now,
        })
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn receive(State(ep): State<Endpoint>, headers: HeaderMap, body: Bytes) -> Response {
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
            // Answered at once, and not with "try again": the person hears what the bot does.
            let text = ep.settings.unhandled(guild_of(&payload));
            return Json(unhandled_answer(&payload, text)).into_response();
        }
        Decoded::Event(event) => *event,
    };
    let mut event = event;
    // A DM is the DM guild's only when its author is a member there, with their roles.
    if guild_of(&payload).is_empty() {
        if let Some(answer) = ep.members.admit_interaction(&mut event, &ep.settings).await {
            return Json(answer).into_response();
        }
    }
    let guild = event.tenant.clone();
    // The desk's first answer (a modal, a private message, the edited card) or the deferral at
    // the deadline comes back here, and becomes this request's response.
    let (tx, rx) = oneshot::channel();
    let id = payload
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    remember(&ep.interactions, &payload, &event, &ep.settings, Some(tx));
    let deadline = ep.settings.ack_deadline;
    let handed = tokio::spawn(hand_off(ep.sink.clone(), event, deadline));
    // Discord gives up at 3 s: whatever happens, this request is answered before.
    let answered = tokio::time::timeout((deadline + ANSWER_MARGIN).min(ANSWER_BY), rx);
    tokio::pin!(answered);
    tokio::select! {
        biased;
        got = &mut answered => return answer_or_defer(got.ok().and_then(Result::ok), &payload, &guild, &ep),
        outcome = handed => match outcome {
            // Unless the desk's own answer won the race, the person hears it is down.
            Ok(Handoff::Failed(_)) if ep.interactions.answered(id) => {
                return Json(json!({
                    "type": answer::MESSAGE,
                    "data": { "content": ep.settings.unavailable(&guild), "flags": EPHEMERAL },
                }))
                .into_response();
            }
            // A guild the desk does not serve: the person hears so, once and privately.
            Ok(Handoff::Done(taken)) if taken.unserved && ep.interactions.answered(id) => {
                tracing::info!(guild, "an interaction from a guild the desk does not serve");
                return Json(json!({
                    "type": answer::MESSAGE,
                    "data": { "content": ep.settings.unserved_text.get(&guild), "flags": EPHEMERAL },
                }))
                .into_response();
            }
            // Nothing of the desk's own is coming: answer now, not at the deadline.
            Ok(Handoff::Done(taken)) if !taken.answered => ep.interactions.defer_now(id).await,
            // The desk's answer is on its way; a click answered by editing another message
            // is acknowledged as soon as that shows.
            Ok(Handoff::Done(_)) => ep.interactions.decided(id).await,
            _ => {}
        }
    }
    answer_or_defer(
        answered.await.ok().and_then(Result::ok),
        &payload,
        &guild,
        &ep,
    )
}

/// The answer the registry gave, or (should it give none in time) the fallback for its type.
fn answer_or_defer(answer: Option<Value>, payload: &Value, guild: &str, ep: &Endpoint) -> Response {
    let received = ep.settings.received_text.get(guild);
    Json(answer.unwrap_or_else(|| fallback_answer(payload, received))).into_response()
}

fn malformed(e: impl std::fmt::Display) -> Response {
    tracing::warn!(error = %e, "malformed discord interaction");
    (StatusCode::BAD_REQUEST, "malformed payload").into_response()
}

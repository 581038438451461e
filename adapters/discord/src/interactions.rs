//! Interactions waiting for their answer. Discord wants one answer within 3 s (a modal must be
//! that answer) and takes follow-ups for 15 minutes. The desk answers through the outbox, so
//! this registry remembers each interaction received here: whoever answers first (the desk's
//! form or private answer, or the deferral when the deadline comes) claims it, and later
//! answers become follow-ups.

use crate::rest::{self, Rest, RestError};
use serde_json::{json, Value};
use serenity::http::{LightMethod, Route};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;

/// How long an interaction token can be used (Discord: 15 minutes).
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// Only the person who acted sees it.
pub const EPHEMERAL: u32 = 1 << 6;

/// Interaction callback types.
pub mod callback {
    /// A message as the answer.
    pub const MESSAGE: u8 = 4;
    /// "Thinking…", the answer follows.
    pub const DEFERRED_MESSAGE: u8 = 5;
    /// Nothing visible: the message with the button stays as it is.
    pub const DEFERRED_UPDATE: u8 = 6;
    /// The clicked message, edited.
    pub const UPDATE_MESSAGE: u8 = 7;
    /// Autocomplete choices.
    pub const AUTOCOMPLETE: u8 = 8;
    /// A modal.
    pub const MODAL: u8 = 9;
}

/// How an interaction has been answered so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Not yet: the first answer may be a modal or a message.
    Open,
    /// Answered: anything more is a follow-up.
    Answered,
}

#[derive(Debug, Clone)]
struct Pending {
    token: String,
    user: String,
    channel: String,
    /// A click (answered by leaving the message alone) rather than a command or form.
    click: bool,
    /// The message that carried the clicked button (or the button that opened the form).
    message: Option<String>,
    /// Said if the desk's own answer does not come in time, in the guild's language.
    received_text: String,
    state: State,
    at: Instant,
    /// The HTTP request the interaction came in, still open: its response is the answer.
    inline: Option<Arc<Mutex<Option<oneshot::Sender<Value>>>>>,
}

/// The answer for an interaction nobody else answers, by its type: a click leaves its message
/// alone, an autocomplete offers nothing, anything else gets `text`, privately.
pub fn fallback_answer(payload: &Value, text: &str) -> Value {
    match payload.get("type").and_then(Value::as_u64) {
        Some(3) => json!({ "type": callback::DEFERRED_UPDATE }),
        Some(4) => json!({ "type": callback::AUTOCOMPLETE, "data": { "choices": [] } }),
        _ => json!({ "type": callback::MESSAGE, "data": { "content": text, "flags": EPHEMERAL } }),
    }
}

/// The guild an interaction payload came from ("" in a direct message).
pub fn guild_of(payload: &Value) -> &str {
    payload
        .get("guild_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// An interaction as it arrived.
#[derive(Debug)]
pub struct Received {
    /// Its id.
    pub id: String,
    /// Its token (answers and follow-ups for 15 minutes).
    pub token: String,
    /// Who acted.
    pub user: String,
    /// Where, as the desk names it (a thread's parent channel).
    pub channel: String,
    /// A click rather than a command or a form.
    pub click: bool,
    /// The message that carried the clicked button (or the button that opened the form).
    pub message: Option<String>,
    /// Said if the desk's own answer does not come in time.
    pub received_text: String,
    /// The HTTP request it came in, when still open: its response will be the answer.
    pub inline: Option<oneshot::Sender<Value>>,
}

/// The interactions received by this process, by id.
#[derive(Clone)]
pub struct Interactions {
    rest: Rest,
    application_id: Arc<Mutex<Option<String>>>,
    open: Arc<Mutex<HashMap<String, Pending>>>,
}

impl Interactions {
    /// An empty registry answering through `rest`.
    pub fn new(rest: Rest, application_id: Option<String>) -> Self {
        Interactions {
            rest,
            application_id: Arc::new(Mutex::new(application_id)),
            open: Arc::default(),
        }
    }

    /// Learns the application id (from READY) when it was not configured.
    pub fn set_application_id(&self, id: String) {
        let mut known = self
            .application_id
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        known.get_or_insert(id);
    }

    /// Remembers an interaction and, unless the desk answers first, answers it at `deadline`.
    pub fn received(&self, r: Received, deadline: Duration) {
        let now = Instant::now();
        let id = r.id.clone();
        {
            let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
            open.retain(|_, p| now.duration_since(p.at) < TOKEN_LIFETIME);
            open.insert(
                r.id,
                Pending {
                    token: r.token,
                    user: r.user,
                    channel: r.channel,
                    click: r.click,
                    message: r.message,
                    received_text: r.received_text,
                    state: State::Open,
                    at: now,
                    inline: r.inline.map(|tx| Arc::new(Mutex::new(Some(tx)))),
                },
            );
        }
        let me = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(deadline).await;
            if let Err(e) = me.defer(&id).await {
                tracing::warn!(interaction = %id, error = %e, "could not defer an interaction");
            }
        });
    }

    /// Claims an interaction for an answer given elsewhere (the HTTP endpoint's own response):
    /// false when something answered it already.
    pub fn answered(&self, id: &str) -> bool {
        self.claim(id)
    }

    /// Tells the person the desk could not take their interaction, unless it was answered.
    pub async fn fail(&self, id: &str, text: &str) {
        self.tell(id, text).await
    }

    /// Answers the interaction with `text` only its person sees, unless it was answered: the
    /// desk is down, or not set up in this guild.
    pub async fn tell(&self, id: &str, text: &str) {
        let Some(p) = self.get(id) else { return };
        if !self.claim(id) {
            return;
        }
        let body = json!({
            "type": callback::MESSAGE,
            "data": { "content": text, "flags": EPHEMERAL },
        });
        if let Err(e) = self.respond(id, &p.token, &body).await {
            tracing::warn!(interaction = %id, error = %e, "could not answer an interaction");
        }
    }

    /// Answers an interaction this registry does not keep (one the desk ignores).
    pub async fn answer_directly(
        &self,
        id: &str,
        token: &str,
        body: &Value,
    ) -> Result<(), RestError> {
        self.respond(id, token, body).await
    }

    /// Claims the first answer: true when nobody answered yet.
    fn claim(&self, id: &str) -> bool {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        match open.get_mut(id) {
            Some(p) if p.state == State::Open => {
                p.state = State::Answered;
                true
            }
            _ => false,
        }
    }

    /// Answers for the desk now: it took the event and queued no answer of its own.
    pub async fn defer_now(&self, id: &str) {
        if let Err(e) = self.defer(id).await {
            tracing::warn!(interaction = %id, error = %e, "could not defer an interaction");
        }
    }

    async fn defer(&self, id: &str) -> Result<(), RestError> {
        let Some(p) = self.get(id) else { return Ok(()) };
        if !self.claim(id) {
            return Ok(());
        }
        let body = if p.click {
            json!({ "type": callback::DEFERRED_UPDATE })
        } else {
            // A person who typed a command sees that it arrived, even if the desk's answer
            // went elsewhere (a card, a thread).
            json!({
                "type": callback::MESSAGE,
                "data": { "content": p.received_text, "flags": EPHEMERAL },
            })
        };
        self.respond(id, &p.token, &body).await
    }

    fn get(&self, id: &str) -> Option<Pending> {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.get(id).cloned()
    }

    async fn respond(&self, id: &str, token: &str, body: &Value) -> Result<(), RestError> {
        // An interaction that came over HTTP is answered in that request's response.
        let inline = self.get(id).and_then(|p| p.inline).and_then(|slot| {
            let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
            slot.take()
        });
        if let Some(tx) = inline {
            if tx.send(body.clone()).is_ok() {
                return Ok(());
            }
        }
        let route = Route::InteractionResponse {
            interaction_id: rest::interaction(id)?,
            token,
        };
        self.rest
            .call(LightMethod::Post, route, Some(body))
            .await
            .map(|_| ())
    }

    /// Whether interaction `id` came over HTTP and waits for its answer in that response.
    pub fn is_inline(&self, id: &str) -> bool {
        self.get(id).is_some_and(|p| p.inline.is_some())
    }

    /// Opens a modal in answer to the interaction `id` with `token`. Fails when it was already
    /// answered (a modal can only be the first answer).
    pub async fn open_form(&self, id: &str, token: &str, modal: &Value) -> Result<(), RestError> {
        // Unknown here (another replica received it): try, Discord refuses a second answer.
        if self.get(id).is_some() && !self.claim(id) {
            return Err(RestError {
                error: helpdesk_chat::SendError::Permanent(
                    "the interaction was answered before the form was ready".into(),
                ),
                code: Some(rest::code::ALREADY_ACKNOWLEDGED),
            });
        }
        self.respond(id, token, modal).await
    }

    /// Edits the message whose button was just clicked as the click's own answer (instant, no
    /// spinner); a form opened from that button answers the same way when submitted. `None`
    /// when no open interaction came from that message: the caller edits it the usual way.
    pub async fn update_answer(
        &self,
        message_id: &str,
        message: &Value,
    ) -> Option<Result<(), RestError>> {
        let (id, token) = {
            let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
            let (id, p) = open.iter_mut().find(|(_, p)| {
                p.state == State::Open && p.message.as_deref() == Some(message_id)
            })?;
            p.state = State::Answered;
            (id.clone(), p.token.clone())
        };
        let body = json!({ "type": callback::UPDATE_MESSAGE, "data": message });
        Some(self.respond(&id, &token, &body).await)
    }

    /// Says something only `user` sees, in answer to the interaction `trigger` (`(id, token)`)
    /// when the desk names the one it answers, else to their latest interaction in `channel`
    /// still within its token's life. `None` when there is none: the caller finds another way.
    pub async fn private_answer(
        &self,
        trigger: Option<(&str, &str)>,
        user: &str,
        channel: &str,
        message: &Value,
    ) -> Option<Result<(), RestError>> {
        let mut data = message.clone();
        data["flags"] = json!(EPHEMERAL);
        let body = json!({ "type": callback::MESSAGE, "data": data });
        let (id, token, first) = match trigger {
            // Received here: the registry knows whether it was answered, and how old it is.
            Some((id, token)) if let Some(p) = self.get(id) => {
                if p.at.elapsed() >= TOKEN_LIFETIME {
                    return None;
                }
                (id.to_string(), token.to_string(), self.claim(id))
            }
            // Received by another replica: try to be the answer; Discord says if it was one.
            Some((id, token)) => match self.respond(id, token, &body).await {
                Err(e) if e.code == Some(rest::code::ALREADY_ACKNOWLEDGED) => {
                    (id.to_string(), token.to_string(), false)
                }
                answered => return Some(answered),
            },
            None => {
                let (id, p) = self.latest(user, channel)?;
                let first = self.claim(&id);
                (id, p.token, first)
            }
        };
        if first {
            return Some(self.respond(&id, &token, &body).await);
        }
        Some(self.follow_up(&token, &data).await)
    }

    /// `user`'s latest interaction in `channel` still within its token's life.
    fn latest(&self, user: &str, channel: &str) -> Option<(String, Pending)> {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        open.iter()
            .filter(|(_, p)| p.user == user && p.channel == channel)
            .filter(|(_, p)| now.duration_since(p.at) < TOKEN_LIFETIME)
            .max_by_key(|(_, p)| p.at)
            .map(|(id, p)| (id.clone(), p.clone()))
    }

    /// A message after the interaction's first answer, on its 15-minute token.
    async fn follow_up(&self, token: &str, data: &Value) -> Result<(), RestError> {
        let application = self
            .application_id
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| RestError {
                error: helpdesk_chat::SendError::Transient(
                    "the application id is not known yet".into(),
                ),
                code: None,
            })?;
        let route = Route::WebhookFollowupMessages {
            application_id: rest::application(&application)?,
            token,
        };
        self.rest
            .call(LightMethod::Post, route, Some(data))
            .await
            .map(|_| ())
    }
}

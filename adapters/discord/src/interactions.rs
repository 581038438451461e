//! Interactions waiting for their answer. Discord wants one answer within 3 s (a modal must be
//! that answer) and takes follow-ups for 15 minutes. The desk answers through the outbox, so
//! this registry remembers each interaction received here: whoever answers first (the desk's
//! form or private answer, or the deferral when the deadline comes) claims it, and later
//! answers become follow-ups.

use crate::rest::{self, Rest, RestError};
use serde_json::{json, Value};
use serenity::http::{LightMethod, Route};
use std::collections::{HashMap, HashSet, VecDeque};
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
    /// The guild it came from (the DM guild for a direct one).
    guild: String,
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

/// The answer for an interaction the desk does not handle (another application's or an unknown
/// command, a direct one with no DM guild): `text` says which commands it does. A command or a
/// form hears it privately; an autocomplete offers it as its one choice where the option takes
/// text (a choice's name and value hold 100 characters), else none; a click stays as it is.
pub fn unhandled_answer(payload: &Value, text: &str) -> Value {
    if payload.get("type").and_then(Value::as_u64) != Some(4) {
        return fallback_answer(payload, text);
    }
    let choices = match focused_type(payload.pointer("/data/options")) {
        Some(STRING_OPTION) => {
            let text = helpdesk_chat::truncate_chars(text, CHOICE_MAX);
            vec![json!({ "name": text, "value": text })]
        }
        _ => Vec::new(),
    };
    json!({ "type": callback::AUTOCOMPLETE, "data": { "choices": choices } })
}

/// Discord's option type for text.
const STRING_OPTION: u64 = 3;

/// The longest name and value of an autocomplete choice.
const CHOICE_MAX: usize = 100;

/// The type of the option being typed in an autocomplete, however deep its subcommand.
fn focused_type(options: Option<&Value>) -> Option<u64> {
    options.and_then(Value::as_array)?.iter().find_map(|o| {
        if o.get("focused").and_then(Value::as_bool) == Some(true) {
            o.get("type").and_then(Value::as_u64)
        } else {
            focused_type(o.get("options"))
        }
    })
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
    /// The guild, as the desk names it (the DM guild for a direct interaction).
    pub guild: String,
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
    open: Arc<Mutex<Registry>>,
}

/// The interactions of the last 15 minutes, indexed for each question the answers ask, so
/// every lookup and every insert costs the same however many interactions came in (before,
/// each interaction scanned all of them).
#[derive(Default)]
struct Registry {
    by_id: HashMap<String, Pending>,
    /// Ids in arrival order, to forget them when their token runs out.
    arrivals: VecDeque<(Instant, String)>,
    /// Each person's latest interaction per channel.
    latest: HashMap<(String, String), String>,
    /// The interactions that came from a message's buttons and are still unanswered.
    from_message: HashMap<String, Vec<String>>,
    /// Clicks the desk took and queued an answer for, still unanswered: a few at a time, for
    /// the milliseconds until the answer goes out.
    decided: HashSet<String>,
    /// When the desk last edited, per guild, a message no open click came from.
    edited_elsewhere: HashMap<String, Instant>,
}

impl Registry {
    /// Forgets the interactions whose tokens ran out by `now`.
    fn forget_expired(&mut self, now: Instant) {
        while let Some((at, _)) = self.arrivals.front() {
            if now.duration_since(*at) < TOKEN_LIFETIME {
                break;
            }
            let Some((_, id)) = self.arrivals.pop_front() else {
                break;
            };
            let Some(p) = self.by_id.remove(&id) else {
                continue;
            };
            let who = (p.user, p.channel);
            if self.latest.get(&who) == Some(&id) {
                self.latest.remove(&who);
            }
            if let Some(message) = p.message {
                self.unlink(&message, &id);
            }
            self.decided.remove(&id);
        }
        self.edited_elsewhere
            .retain(|_, at| now.duration_since(*at) < TOKEN_LIFETIME);
    }

    fn insert(&mut self, id: String, p: Pending) {
        self.arrivals.push_back((p.at, id.clone()));
        self.latest
            .insert((p.user.clone(), p.channel.clone()), id.clone());
        if let Some(message) = &p.message {
            self.from_message
                .entry(message.clone())
                .or_default()
                .push(id.clone());
        }
        self.by_id.insert(id, p);
    }

    /// Marks `id` answered: true when it was open.
    fn claim(&mut self, id: &str) -> bool {
        let Some(p) = self.by_id.get_mut(id) else {
            return false;
        };
        if p.state != State::Open {
            return false;
        }
        p.state = State::Answered;
        if let Some(message) = p.message.clone() {
            self.unlink(&message, id);
        }
        self.decided.remove(id);
        true
    }

    fn unlink(&mut self, message: &str, id: &str) {
        if let Some(ids) = self.from_message.get_mut(message) {
            ids.retain(|i| i != id);
            if ids.is_empty() {
                self.from_message.remove(message);
            }
        }
    }

    /// The oldest unanswered interaction from `message`'s buttons, claimed.
    fn claim_from_message(&mut self, message: &str) -> Option<(String, String)> {
        let id = self.from_message.get(message)?.first()?.clone();
        let token = self.by_id.get(&id)?.token.clone();
        self.claim(&id).then_some((id, token))
    }
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
            open.forget_expired(now);
            open.insert(
                r.id,
                Pending {
                    token: r.token,
                    user: r.user,
                    channel: r.channel,
                    guild: r.guild,
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

    /// The desk took interaction `id` and queued an answer of its own. A form, a private answer
    /// or an edit of the clicked message claims the interaction when it goes out; an edit of
    /// another message (a card) cannot, so a click is acknowledged at once (it stays as it is)
    /// once the desk has edited a message no open click came from, before this decision or
    /// after it (see [`Interactions::edited_elsewhere`]), not at the deadline.
    pub async fn decided(&self, id: &str) {
        let edited = {
            let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
            let Some(p) = open.by_id.get(id) else { return };
            if !p.click || p.state != State::Open {
                return;
            }
            let edited = open
                .edited_elsewhere
                .get(&p.guild)
                .is_some_and(|at| *at >= p.at);
            if !edited {
                open.decided.insert(id.to_string());
            }
            edited
        };
        if edited {
            self.defer_now(id).await;
        }
    }

    /// The desk is editing, in `guild`, a message no open click came from: the answer of a
    /// click on another message. The clicks the desk has decided and that nothing answered are
    /// acknowledged now, before the edit goes out the usual way.
    pub async fn edited_elsewhere(&self, guild: &str) {
        let clicks: Vec<String> = {
            let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
            open.edited_elsewhere
                .insert(guild.to_string(), Instant::now());
            let Registry { by_id, decided, .. } = &*open;
            decided
                .iter()
                .filter(|id| by_id.get(*id).is_some_and(|p| p.guild == guild))
                .cloned()
                .collect()
        };
        for id in clicks {
            self.defer_now(&id).await;
        }
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
        open.claim(id)
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
        open.by_id.get(id).cloned()
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
            open.claim_from_message(message_id)?
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
        let id = open.latest.get(&(user.to_string(), channel.to_string()))?;
        let p = open.by_id.get(id)?;
        (p.at.elapsed() < TOKEN_LIFETIME).then(|| (id.clone(), p.clone()))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(user: &str, message: Option<&str>) -> Pending {
        Pending {
            token: format!("token-{user}"),
            user: user.into(),
            channel: "C1".into(),
            guild: "G1".into(),
            click: message.is_some(),
            message: message.map(str::to_string),
            received_text: String::new(),
            state: State::Open,
            at: Instant::now(),
            inline: None,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_registry_finds_and_forgets_by_every_index() {
        let mut r = Registry::default();
        r.insert("1".into(), pending("ann", Some("M1")));
        tokio::time::advance(Duration::from_secs(60)).await;
        r.insert("2".into(), pending("ann", None));
        r.insert("3".into(), pending("bob", Some("M1")));

        // The latest per person and channel, and the oldest open click per message.
        assert_eq!(r.latest[&("ann".into(), "C1".into())], "2");
        assert_eq!(
            r.claim_from_message("M1"),
            Some(("1".into(), "token-ann".into()))
        );
        assert!(!r.claim("1"), "answered once only");
        assert_eq!(
            r.claim_from_message("M1"),
            Some(("3".into(), "token-bob".into()))
        );
        assert_eq!(r.claim_from_message("M1"), None);

        // The first runs out of its token's life; the others stay, then go too.
        tokio::time::advance(TOKEN_LIFETIME - Duration::from_secs(30)).await;
        r.forget_expired(Instant::now());
        assert!(!r.by_id.contains_key("1"));
        assert!(r.by_id.contains_key("2") && r.by_id.contains_key("3"));
        assert_eq!(r.latest[&("ann".into(), "C1".into())], "2");
        tokio::time::advance(Duration::from_secs(60)).await;
        r.forget_expired(Instant::now());
        assert!(r.by_id.is_empty() && r.latest.is_empty() && r.from_message.is_empty());
        assert!(r.arrivals.is_empty());
    }
}

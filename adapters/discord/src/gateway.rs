//! The gateway: serenity's shard runners deliver every event to a raw handler, which decodes
//! the ones the desk uses with the adapter's lenient decoder (serenity's typed events are read
//! back as JSON; the ones serenity could not read arrive as `Event::Unknown` and are decoded
//! all the same, never dropped silently).

use crate::channels::Channels;
use crate::decode::{self, Decoded};
use crate::interactions::{fallback_answer, guild_of, unhandled_answer, Interactions, Received};
use crate::members::{Admission, Members};
use crate::rest::Rest;
use crate::settings::DiscordSettings;
use helpdesk_chat::{hand_off, EventSink, Handoff};
use serde_json::Value;
use serenity::all::{Context, Event, RawEventHandler};
use serenity::gateway::ShardManager;
use std::sync::Arc;

/// Which shards this process runs, out of how many: a guild's events all go to shard
/// `(guild_id >> 22) % total`, so processes with disjoint ranges split the guilds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shards {
    /// The first shard id this process runs.
    pub first: u32,
    /// The last shard id this process runs (inclusive).
    pub last: u32,
    /// The bot's total shard count.
    pub total: u32,
}

impl Default for Shards {
    fn default() -> Self {
        Shards {
            first: 0,
            last: 0,
            total: 1,
        }
    }
}

struct Handler {
    settings: Arc<DiscordSettings>,
    rest: Rest,
    sink: Arc<dyn EventSink>,
    interactions: Interactions,
    channels: Channels,
    members: Members,
    /// The bot's own user id, from READY: messages that mention it want the desk.
    bot_user: std::sync::OnceLock<String>,
}

/// The event as JSON, and its gateway name.
fn raw(event: &Event) -> Option<(String, Value)> {
    match event {
        Event::Unknown(u) => Some((u.kind.clone(), u.value.clone())),
        Event::InteractionCreate(e) => {
            // serenity writes the inner interaction without its type: put it back.
            let mut value = serde_json::to_value(&e.interaction).ok()?;
            value["type"] = serde_json::to_value(e.interaction.kind()).ok()?;
            Some(("INTERACTION_CREATE".into(), value))
        }
        Event::MessageCreate(e) => Some((
            "MESSAGE_CREATE".into(),
            serde_json::to_value(&e.message).ok()?,
        )),
        Event::ReactionAdd(e) => Some((
            "MESSAGE_REACTION_ADD".into(),
            serde_json::to_value(&e.reaction).ok()?,
        )),
        Event::ThreadCreate(e) => Some((
            "THREAD_CREATE".into(),
            serde_json::to_value(&e.thread).ok()?,
        )),
        Event::ThreadUpdate(e) => Some((
            "THREAD_UPDATE".into(),
            serde_json::to_value(&e.thread).ok()?,
        )),
        // Threads already open when the bot connects.
        Event::GuildCreate(e) => Some((
            "GUILD_CREATE".into(),
            serde_json::json!({ "threads": serde_json::to_value(&e.guild.threads).ok()? }),
        )),
        Event::ThreadListSync(e) => {
            Some(("THREAD_LIST_SYNC".into(), serde_json::to_value(e).ok()?))
        }
        Event::Ready(e) => Some(("READY".into(), serde_json::to_value(&e.ready).ok()?)),
        _ => None,
    }
}

#[serenity::async_trait]
impl RawEventHandler for Handler {
    async fn raw_event(&self, _ctx: Context, event: Event) {
        let Some((name, data)) = raw(&event) else {
            return;
        };
        if let Event::Unknown(_) = &event {
            tracing::debug!(event = %name, "a gateway event serenity could not read; decoding it ourselves");
        }
        self.handle(&name, &data).await;
    }
}

impl Handler {
    async fn handle(&self, name: &str, data: &Value) {
        match name {
            "READY" => {
                if let Some(id) = data.pointer("/application/id").and_then(id_text) {
                    self.interactions.set_application_id(id);
                }
                if let Some(id) = data.pointer("/user/id").and_then(id_text) {
                    let _ = self.bot_user.set(id);
                }
                tracing::info!("discord gateway ready");
                return;
            }
            "THREAD_CREATE" | "THREAD_UPDATE" => return self.channels.learn(data),
            "THREAD_LIST_SYNC" | "GUILD_CREATE" => {
                for thread in data
                    .get("threads")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    self.channels.learn(thread);
                }
                return;
            }
            "INTERACTION_CREATE" => return self.interaction(data).await,
            _ => {}
        }
        let channel = data.get("channel_id").and_then(Value::as_str);
        let parents = self.channels.resolve(&self.rest, channel.as_slice()).await;
        let mut data = std::borrow::Cow::Borrowed(data);
        if name == "MESSAGE_REACTION_ADD" && is_intake_emoji(&data) {
            // The reaction names the message, not its words: read them for the ticket.
            if let Some(message) = self.reacted_message(&data).await {
                let data = data.to_mut();
                data["message_text"] = message.get("content").cloned().unwrap_or_default();
                if data.get("message_author_id").is_none_or(Value::is_null) {
                    data["message_author_id"] =
                        message.pointer("/author/id").cloned().unwrap_or_default();
                }
            }
        }
        let data = data.as_ref();
        let decoded = match decode::dispatch(name, data, &self.settings, &parents) {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(event = name, error = %e, "an undecodable discord event");
                return;
            }
        };
        let mut event = match decoded {
            Decoded::Event(e) => *e,
            Decoded::Ignored(why) => {
                tracing::debug!(event = name, why, "discord event ignored");
                return;
            }
            Decoded::Ping => return,
        };
        // A DM is the DM guild's only when its author is a member there, with their roles.
        if guild_of(data).is_empty() {
            match self.members.admit(&mut event).await {
                Admission::Member => {}
                Admission::NotMember => {
                    let text = self.settings.not_member_text.get(&event.tenant);
                    let (user, channel) = (&event.sender.id, &event.channel);
                    return self.members.tell_not_member(user, channel, text).await;
                }
                Admission::Unknown(_) => return,
            }
        }
        if let Some(bot) = self.bot_user.get() {
            decode::mark_mention(&mut event, data, bot);
        }
        // Messages and reactions need no answer: the deadline only bounds how long this task
        // waits before the desk's work goes on by itself.
        let _ = hand_off(self.sink.clone(), event, self.settings.ack_deadline).await;
    }

    /// An interaction: its 3 s run from now, so nothing is looked up before it is remembered
    /// (the payload says itself whether its channel is a thread).
    async fn interaction(&self, data: &Value) {
        let (Some(id), Some(token)) = (
            data.get("id").and_then(Value::as_str),
            data.get("token").and_then(Value::as_str),
        ) else {
            tracing::warn!("a discord interaction without an id or token");
            return;
        };
        let guild = guild_of(data);
        let mut event = match decode::interaction(data, &self.settings, &self.channels) {
            Ok(Decoded::Event(e)) => *e,
            Ok(Decoded::Ping) => return,
            outcome => {
                let answer = match outcome {
                    Ok(Decoded::Ignored(why)) => {
                        tracing::debug!(why, "discord interaction ignored");
                        // Not "try again": the person hears what the bot does handle.
                        unhandled_answer(data, self.settings.unhandled(guild))
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "an undecodable discord interaction");
                        fallback_answer(data, self.settings.unavailable(guild))
                    }
                    _ => return,
                };
                // Answered at once, so the person sees no "interaction failed".
                if let Err(e) = self.interactions.answer_directly(id, token, &answer).await {
                    tracing::warn!(error = %e, "could not answer an ignored interaction");
                }
                return;
            }
        };
        if guild.is_empty() {
            let refused = self
                .members
                .admit_interaction(&mut event, &self.settings)
                .await;
            if let Some(answer) = refused {
                if let Err(e) = self.interactions.answer_directly(id, token, &answer).await {
                    tracing::warn!(error = %e, "could not answer a refused direct interaction");
                }
                return;
            }
        }
        remember(&self.interactions, data, &event, &self.settings, None);
        match hand_off(self.sink.clone(), event, self.settings.ack_deadline).await {
            // A guild the desk does not serve: the person hears so, once and privately.
            Handoff::Done(taken) if taken.unserved => {
                tracing::info!(guild, "an interaction from a guild the desk does not serve");
                let text = self.settings.unserved_text.get(guild).to_string();
                self.interactions.tell(id, &text).await;
            }
            // Nothing of the desk's own is coming: answer now, not at the deadline.
            Handoff::Done(taken) if !taken.answered => self.interactions.defer_now(id).await,
            // The desk's answer is on its way; a click answered by editing another message
            // is acknowledged as soon as that shows.
            Handoff::Done(_) => self.interactions.decided(id).await,
            // The person hears the desk could not take it (unless something answered already).
            Handoff::Failed(_) => {
                let text = self.settings.unavailable(guild).to_string();
                self.interactions.fail(id, &text).await;
            }
            _ => {}
        }
    }
}

/// The emoji that turns a message into a ticket (the desk's default; the desk decides).
const INTAKE_EMOJI: &str = "🎫";

fn is_intake_emoji(data: &Value) -> bool {
    data.pointer("/emoji/name").and_then(Value::as_str) == Some(INTAKE_EMOJI)
}

impl Handler {
    /// The message a reaction was added to, read through the REST API.
    async fn reacted_message(&self, data: &Value) -> Option<Value> {
        let channel = data.get("channel_id").and_then(Value::as_str)?;
        let message = data.get("message_id").and_then(Value::as_str)?;
        let route = serenity::http::Route::ChannelMessage {
            channel_id: crate::rest::channel(channel).ok()?,
            message_id: crate::rest::message(message).ok()?,
        };
        match self
            .rest
            .call(serenity::http::LightMethod::Get, route, None)
            .await
        {
            Ok(m) => Some(m),
            Err(e) => {
                tracing::warn!(error = %e, "could not read the reacted message");
                None
            }
        }
    }
}

/// Remembers an interaction so the desk's answer (or the deferral) reaches it in time.
pub fn remember(
    interactions: &Interactions,
    data: &Value,
    event: &helpdesk_chat::ChatEvent,
    settings: &DiscordSettings,
    inline: Option<tokio::sync::oneshot::Sender<Value>>,
) {
    let (Some(id), Some(token)) = (
        data.get("id").and_then(Value::as_str),
        data.get("token").and_then(Value::as_str),
    ) else {
        return;
    };
    let received = Received {
        id: id.to_string(),
        token: token.to_string(),
        user: event.sender.id.clone(),
        channel: event.channel.clone(),
        guild: event.tenant.clone(),
        click: data.get("type").and_then(Value::as_u64) == Some(3),
        message: data
            .pointer("/message/id")
            .and_then(Value::as_str)
            .map(str::to_string),
        received_text: settings.received_text.get(&event.tenant).to_string(),
        inline,
    };
    interactions.received(received, settings.ack_deadline);
}

fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// How long [`Gateway::stop`] waits for the shards to close.
pub const STOP_BOUND: std::time::Duration = std::time::Duration::from_secs(2);

/// The running gateway.
pub struct Gateway {
    shards: Arc<ShardManager>,
    task: tokio::task::JoinHandle<()>,
}

/// The gateway could not start.
#[derive(Debug, thiserror::Error)]
#[error("discord gateway: {0}")]
pub struct GatewayError(String);

impl Gateway {
    /// Connects this process's shards and delivers their events to `sink`.
    pub async fn start(
        settings: Arc<DiscordSettings>,
        rest: Rest,
        sink: Arc<dyn EventSink>,
        interactions: Interactions,
        channels: Channels,
        members: Members,
        shards: Shards,
    ) -> Result<Gateway, GatewayError> {
        let handler = Handler {
            settings: settings.clone(),
            rest,
            sink,
            interactions,
            channels,
            members,
            bot_user: Default::default(),
        };
        let mut client = serenity::all::ClientBuilder::new_with_http(
            crate::rest::build_http(&settings),
            crate::intents(),
        )
        .raw_event_handler(handler)
        .await
        .map_err(|e| GatewayError(e.to_string()))?;
        let manager = client.shard_manager.clone();
        let task = tokio::spawn(async move {
            // serenity reads the range's end as the last shard (inclusive).
            let range = shards.first..shards.last;
            if let Err(e) = client.start_shard_range(range, shards.total).await {
                tracing::error!(error = %e, "the discord gateway stopped");
            }
        });
        Ok(Gateway {
            shards: manager,
            task,
        })
    }

    /// Closes the shards: Discord stops sending this process events. Bounded: a shard still
    /// connecting to a gateway that never answers does not hear the shutdown, so after
    /// [`STOP_BOUND`] its task is dropped.
    pub async fn stop(mut self) {
        let closed = tokio::time::timeout(STOP_BOUND, async {
            self.shards.shutdown_all().await;
            let _ = (&mut self.task).await;
        })
        .await;
        if closed.is_err() {
            tracing::warn!(bound = ?STOP_BOUND, "discord: the gateway did not close in time; dropped");
            self.task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use helpdesk_chat::EventKind;
    use serde_json::json;

    fn member() -> Value {
        json!({
            "user": { "id": "31", "username": "mario", "discriminator": "0", "avatar": null },
            "roles": ["21"], "joined_at": "2024-01-01T00:00:00+00:00", "deaf": false,
            "mute": false, "flags": 0, "pending": false, "permissions": "0",
        })
    }

    /// An interaction as Discord sends it today, complete enough for serenity's own model.
    fn interaction(kind: u8, data: Value) -> Value {
        json!({
            "id": "1000", "application_id": "1", "type": kind, "token": "tok", "version": 1,
            "guild_id": "2", "channel_id": "3", "channel": { "id": "3", "type": 0 },
            "member": member(), "locale": "en-US", "guild_locale": "en-US",
            "app_permissions": "0", "entitlements": [], "attachment_size_limit": 10485760,
            "context": 0, "data": data,
        })
    }

    /// serenity's typed event, as the raw handler receives it, read back by the decoder.
    fn through_serenity(payload: Value) -> helpdesk_chat::ChatEvent {
        let event: Event =
            serde_json::from_value(json!({ "t": "INTERACTION_CREATE", "d": payload })).unwrap();
        assert!(
            matches!(event, Event::InteractionCreate(_)),
            "serenity read it itself: {event:?}"
        );
        let (name, data) = raw(&event).unwrap();
        let settings = DiscordSettings::new("down");
        match decode::dispatch(&name, &data, &settings, &()).unwrap() {
            Decoded::Event(e) => *e,
            other => panic!("{other:?} from {data}"),
        }
    }

    #[test]
    fn interactions_serenity_reads_itself_still_decode() {
        let command = interaction(
            2,
            json!({ "id": "9", "type": 1, "name": "ticket", "options": [
                { "type": 1, "name": "escalate", "options": [
                    { "type": 3, "name": "reason", "value": "printer on fire" },
                    { "type": 3, "name": "level", "value": "L2" },
                ] }
            ] }),
        );
        let e = through_serenity(command);
        assert_eq!(e.event_id, "interaction:1000");
        assert_eq!(e.sender.groups, ["21"]);
        assert!(
            matches!(&e.kind, EventKind::Command { name, args, options, trigger }
                if name == "ticket" && args == "escalate" && options.len() == 2
                    && trigger.as_deref() == Some("1000:tok")),
            "{:?}",
            e.kind
        );
    }

    #[test]
    fn forms_sent_over_the_gateway_come_back_whole() {
        // The layout the gateway path opens forms in: serenity keeps what action rows hold.
        let form = helpdesk_chat::Form {
            id: "ticket.escalate:1".into(),
            title: "Escalate".into(),
            fields: vec![
                helpdesk_chat::FormField {
                    id: "level".into(),
                    label: "Level".into(),
                    kind: helpdesk_chat::FormFieldKind::Choice {
                        options: vec![("L2".into(), "L2".into()), ("L3".into(), "L3".into())],
                    },
                    required: true,
                    initial: Some("L2".into()),
                },
                helpdesk_chat::FormField {
                    id: "reason".into(),
                    label: "Reason".into(),
                    kind: helpdesk_chat::FormFieldKind::LongText,
                    required: true,
                    initial: None,
                },
            ],
            submit: "Escalate".into(),
        };
        let modal = crate::render::modal(&form, crate::render::ModalLayout::Rows);
        assert_eq!(
            modal["data"]["components"][0]["components"][0]["placeholder"],
            "L2 / L3"
        );
        let submitted = json!([
            { "type": 1, "components": [{ "type": 4, "custom_id": "level", "value": "L3" }] },
            { "type": 1, "components": [{ "type": 4, "custom_id": "reason", "value": "network" }] },
        ]);
        let e = through_serenity(interaction(
            5,
            json!({ "custom_id": "ticket.escalate:1", "components": submitted }),
        ));
        let EventKind::FormSubmitted { form, fields, .. } = e.kind else {
            panic!("{:?}", e.kind)
        };
        assert_eq!(form, "ticket.escalate:1");
        assert_eq!(
            (fields["level"].as_str(), fields["reason"].as_str()),
            ("L3", "network")
        );
    }

    /// Records every REST call (method, path, body) and answers each with an empty success.
    async fn fake_rest() -> (String, Arc<std::sync::Mutex<Vec<(String, String, Value)>>>) {
        use axum::http::{Method, Uri};
        let calls: Arc<std::sync::Mutex<Vec<(String, String, Value)>>> = Arc::default();
        let kept = calls.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, body: axum::body::Bytes| {
                let calls = kept.clone();
                async move {
                    let path = uri.path().trim_start_matches("/api/v10").to_string();
                    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    calls.lock().unwrap().push((method.to_string(), path, body));
                    axum::http::StatusCode::NO_CONTENT
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/api/v10", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, calls)
    }

    /// Says every event came from a guild the desk does not serve.
    struct Unserved;

    impl EventSink for Unserved {
        fn deliver(&self, _event: helpdesk_chat::ChatEvent) -> helpdesk_chat::SinkFuture<'_> {
            Box::pin(async {
                Ok(helpdesk_chat::Taken {
                    answered: false,
                    unserved: true,
                })
            })
        }
    }

    #[tokio::test]
    async fn a_guild_the_desk_does_not_serve_hears_so_privately_over_the_gateway() {
        let (url, calls) = fake_rest().await;
        let mut settings = DiscordSettings::new("down");
        settings.api_url = url;
        settings.token = Some(helpdesk_chat::Secret::new("MQ.x.y"));
        settings.unserved_text = helpdesk_chat::TenantText::new("Not set up here.");
        let rest = Rest::new(&settings);
        let handler = Handler {
            settings: Arc::new(settings),
            rest: rest.clone(),
            sink: Arc::new(Unserved),
            interactions: Interactions::new(rest.clone(), Some("1".into())),
            channels: Channels::default(),
            members: Members::new(rest),
            bot_user: Default::default(),
        };
        let command = interaction(
            2,
            json!({ "id": "9", "type": 1, "name": "ticket", "options": [
                { "type": 1, "name": "list" }
            ] }),
        );
        handler.interaction(&command).await;
        let calls = calls.lock().unwrap().clone();
        assert_eq!(calls.len(), 1, "answered once: {calls:?}");
        let (method, path, body) = &calls[0];
        assert_eq!(
            (method.as_str(), path.as_str()),
            ("POST", "/interactions/1000/tok/callback")
        );
        assert_eq!(
            body,
            &json!({ "type": 4, "data": { "content": "Not set up here.", "flags": 64 } })
        );
    }

    /// Takes a click and edits card 99 (not the clicked message), as the desk's dispatcher
    /// would, saying it queued an answer.
    struct EditsTheCard(std::sync::Mutex<Option<Arc<crate::DiscordPlatform>>>);

    impl EventSink for EditsTheCard {
        fn deliver(&self, event: helpdesk_chat::ChatEvent) -> helpdesk_chat::SinkFuture<'_> {
            Box::pin(async move {
                let platform = self.0.lock().unwrap().clone().unwrap();
                let card = helpdesk_chat::MessageRef {
                    channel: "3".into(),
                    message_id: "99".into(),
                };
                let update = helpdesk_chat::ChatAction::Update {
                    key: "card:7".into(),
                    message: helpdesk_chat::RichMessage::text("claimed"),
                };
                let attempt = helpdesk_chat::Attempt {
                    key: "1",
                    again: false,
                };
                use helpdesk_chat::ChatPlatform;
                platform
                    .send(&event.tenant, &update, Some(&card), attempt)
                    .await
                    .unwrap();
                Ok(helpdesk_chat::Taken {
                    answered: true,
                    unserved: false,
                })
            })
        }
    }

    #[tokio::test]
    async fn over_the_gateway_an_unknown_command_hears_what_the_bot_handles_and_a_click_that_edits_a_card_is_acknowledged_at_once(
    ) {
        let (url, calls) = fake_rest().await;
        let mut settings = DiscordSettings::new("down, try again in a minute");
        settings.api_url = url;
        settings.token = Some(helpdesk_chat::Secret::new("MQ.x.y"));
        settings.ack_deadline = std::time::Duration::from_secs(2);
        let rest = Rest::new(&settings);
        let interactions = Interactions::new(rest.clone(), Some("1".into()));
        let sink = Arc::new(EditsTheCard(Default::default()));
        *sink.0.lock().unwrap() = Some(Arc::new(crate::DiscordPlatform::new(
            rest.clone(),
            interactions.clone(),
        )));
        let handler = Handler {
            settings: Arc::new(settings),
            rest: rest.clone(),
            sink,
            interactions,
            channels: Channels::default(),
            members: Members::new(rest),
            bot_user: Default::default(),
        };
        handler
            .interaction(&interaction(
                2,
                json!({ "id": "9", "type": 1, "name": "translate" }),
            ))
            .await;
        let mut click = interaction(
            3,
            json!({ "custom_id": "ticket.claim:7", "component_type": 2 }),
        );
        click["id"] = json!("1001");
        click["message"] = json!({ "id": "55" });
        let started = std::time::Instant::now();
        handler.interaction(&click).await;
        let elapsed = started.elapsed();
        let calls = calls.lock().unwrap().clone();
        assert_eq!(
            calls,
            [
                (
                    "POST".to_string(),
                    "/interactions/1000/tok/callback".to_string(),
                    json!({ "type": 4, "data": {
                        "content": "This bot handles /ticket, /kb and /helpdesk.", "flags": 64,
                    } })
                ),
                (
                    "PATCH".into(),
                    "/channels/3/messages/99".into(),
                    calls[1].2.clone()
                ),
                (
                    "POST".into(),
                    "/interactions/1001/tok/callback".into(),
                    json!({ "type": 6 })
                ),
            ]
        );
        // The deadline is 2 s: the click was acknowledged when the desk was done with it.
        assert!(elapsed < std::time::Duration::from_secs(1), "{elapsed:?}");
    }

    #[test]
    fn clicks_serenity_reads_itself_still_decode() {
        let mut payload = interaction(
            3,
            json!({ "custom_id": "ticket.claim:7", "component_type": 2 }),
        );
        payload["message"] = json!({
            "id": "55", "channel_id": "3", "author": { "id": "1", "username": "bot", "discriminator": "0", "avatar": null },
            "content": "", "timestamp": "2026-12-01T10:00:00+00:00", "edited_timestamp": null,
            "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": [], "pinned": false, "type": 0,
        });
        let e = through_serenity(payload);
        assert!(
            matches!(&e.kind, EventKind::Action { id, value, message_id, .. }
                if id == "ticket.claim:7" && value.is_empty() && message_id.as_deref() == Some("55")),
            "{:?}",
            e.kind
        );
    }
}

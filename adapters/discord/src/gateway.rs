//! The gateway: serenity's shard runners deliver every event to a raw handler, which decodes
//! the ones the desk uses with the adapter's lenient decoder (serenity's typed events are read
//! back as JSON; the ones serenity could not read arrive as `Event::Unknown` and are decoded
//! all the same, never dropped silently).

use crate::channels::Channels;
use crate::decode::{self, Decoded};
use crate::interactions::{Interactions, Received};
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
}

/// The event as JSON, and its gateway name.
fn raw(event: &Event) -> Option<(String, Value)> {
    match event {
        Event::Unknown(u) => Some((u.kind.clone(), u.value.clone())),
        Event::InteractionCreate(e) => Some((
            "INTERACTION_CREATE".into(),
            serde_json::to_value(&e.interaction).ok()?,
        )),
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
        let event = match decoded {
            Decoded::Event(e) => *e,
            Decoded::Ignored(why) => {
                tracing::debug!(event = name, why, "discord event ignored");
                return;
            }
            Decoded::Ping => return,
        };
        let interaction = (name == "INTERACTION_CREATE")
            .then(|| data.get("id").and_then(Value::as_str))
            .flatten();
        if interaction.is_some() {
            remember(&self.interactions, data, &event, &self.settings, None);
        }
        // The gateway needs no acknowledgement: the deadline only bounds how long this task
        // waits before the desk's work goes on by itself.
        let handed = hand_off(self.sink.clone(), event, self.settings.ack_deadline).await;
        if let (Some(id), Handoff::Done(taken)) = (interaction, handed) {
            if !taken.answered {
                // Nothing of the desk's own is coming: answer now, not at the deadline.
                self.interactions.defer_now(id).await;
            }
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
        click: data.get("type").and_then(Value::as_u64) == Some(3),
        message: data
            .pointer("/message/id")
            .and_then(Value::as_str)
            .map(str::to_string),
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
        shards: Shards,
    ) -> Result<Gateway, GatewayError> {
        let handler = Handler {
            settings: settings.clone(),
            rest,
            sink,
            interactions,
            channels,
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

    /// Closes the shards: Discord stops sending this process events.
    pub async fn stop(self) {
        self.shards.shutdown_all().await;
        let _ = self.task.await;
    }
}

//! The desk's actions, carried out on Slack: the [`ChatPlatform`] the dispatcher sends through.

use crate::pacing::Pacer;
use crate::render::{self, Origin};
use crate::web::Web;
use helpdesk_chat::{
    Attempt, ChatAction, ChatPlatform, Delivered, MessageRef, Platform, RichMessage, SendError,
    SendFuture, ThreadRef,
};
use serde::Deserialize;
use serde_json::{json, Value};

/// Sends through Slack's Web API.
pub struct SlackPlatform {
    web: Web,
    pacer: Pacer,
}

#[derive(Deserialize)]
struct Posted {
    channel: String,
    ts: String,
}

#[derive(Deserialize)]
struct Ignored {}

/// Slack's answers for a channel the bot cannot write to.
const NOT_THERE: &[&str] = &["channel_not_found", "not_in_channel", "user_not_in_channel"];

#[derive(Deserialize)]
struct Opened {
    channel: OpenedChannel,
}

#[derive(Deserialize)]
struct OpenedChannel {
    id: String,
}

/// The `event_type` of the metadata each post carries: it names the outbox item it sends.
pub const METADATA_EVENT: &str = "helpdesk_outbox";

#[derive(Deserialize)]
struct Found {
    #[serde(default)]
    messages: Vec<FoundMessage>,
}

#[derive(Deserialize)]
struct FoundMessage {
    ts: String,
    #[serde(default)]
    metadata: Option<serde_json::Value>,
}

impl SlackPlatform {
    /// Over this Web API.
    pub fn new(web: Web) -> Self {
        let pacer = Pacer::new(web.settings().message_interval);
        SlackPlatform { web, pacer }
    }

    fn message(channel: &str, message: &RichMessage) -> Value {
        json!({
            "channel": channel,
            "text": render::fallback(message),
            "blocks": render::blocks(message),
            // Links typed by people are not unfurled into previews in the desk's messages,
            // and the fallback text is shown as written (only our own `<…>` markup pings).
            "unfurl_links": false,
            "unfurl_media": false,
            "parse": "none",
            "link_names": false,
        })
    }

    /// Posts, tagged with the outbox item; a repeated try first looks for its own earlier post,
    /// so a worker that died after Slack took the message does not make it appear twice.
    async fn post(
        &self,
        team: &str,
        mut body: Value,
        attempt: Attempt<'_>,
    ) -> Result<Delivered, SendError> {
        let channel = body["channel"].as_str().unwrap_or_default().to_string();
        body["metadata"] = json!({
            "event_type": METADATA_EVENT,
            "event_payload": { "outbox": attempt.key },
        });
        if attempt.again {
            match self.find_posted(team, &body, attempt.key).await {
                Ok(Some(found)) => {
                    tracing::info!(outbox = attempt.key, "already posted by an earlier try");
                    return Ok(found);
                }
                Ok(None) => {}
                // Better a message twice than never: post when the history cannot be read.
                Err(e) => tracing::warn!(error = %e, "cannot look for an earlier try; posting"),
            }
        }
        self.pacer
            .take(&channel)
            .map_err(|retry_after| SendError::Paced { retry_after })?;
        let posted: Posted = self.web.post(team, "chat.postMessage", &body).await?;
        Ok(Delivered {
            posted: Some(MessageRef {
                channel: posted.channel,
                message_id: posted.ts,
            }),
        })
    }

    async fn find_posted(
        &self,
        team: &str,
        body: &Value,
        key: &str,
    ) -> Result<Option<Delivered>, SendError> {
        let channel = body["channel"].as_str().unwrap_or_default();
        let found: Found = match body["thread_ts"].as_str() {
            Some(thread) => {
                let params = [
                    ("channel", channel),
                    ("ts", thread),
                    ("limit", "200"),
                    ("include_all_metadata", "true"),
                ];
                self.web.get(team, "conversations.replies", &params).await?
            }
            None => {
                let params = [
                    ("channel", channel),
                    ("limit", "100"),
                    ("include_all_metadata", "true"),
                ];
                self.web.get(team, "conversations.history", &params).await?
            }
        };
        Ok(found
            .messages
            .into_iter()
            .find(|m| {
                m.metadata.as_ref().is_some_and(|meta| {
                    meta["event_type"] == METADATA_EVENT && meta["event_payload"]["outbox"] == key
                })
            })
            .map(|m| Delivered {
                posted: Some(MessageRef {
                    channel: channel.to_string(),
                    message_id: m.ts,
                }),
            }))
    }

    async fn call(&self, team: &str, method: &str, body: Value) -> Result<Delivered, SendError> {
        let _: Ignored = self.web.post(team, method, &body).await?;
        Ok(Delivered::default())
    }

    async fn carry_out(
        &self,
        team: &str,
        action: &ChatAction,
        target: Option<&MessageRef>,
        attempt: Attempt<'_>,
    ) -> Result<Delivered, SendError> {
        let needs_target = || {
            target.ok_or_else(|| SendError::Permanent("the message to act on is unknown".into()))
        };
        match action {
            // Slack has no private threads: the conversation is the post's thread.
            ChatAction::Post {
                channel, message, ..
            }
            | ChatAction::OpenThread {
                channel, message, ..
            } => {
                self.post(team, Self::message(channel, message), attempt)
                    .await
            }
            // The DM's own channel, so that a retry finds the post there instead of posting
            // it twice.
            ChatAction::DirectMessage { user, message, .. } => {
                let opened: Opened = self
                    .web
                    .post(team, "conversations.open", &json!({ "users": user }))
                    .await?;
                let channel = opened.channel.id;
                self.post(team, Self::message(&channel, message), attempt)
                    .await
            }
            // Anyone in the channel can read a thread, and threads never need closing.
            ChatAction::AddToThread { .. }
            | ChatAction::RemoveFromThread { .. }
            | ChatAction::CloseThread { .. } => Ok(Delivered::default()),
            ChatAction::Reply {
                channel,
                thread,
                message,
            } => {
                let (channel, ts) = match thread {
                    ThreadRef::Id(ts) => (channel.as_str(), ts.as_str()),
                    ThreadRef::Message(_) => {
                        let t = needs_target()?;
                        (t.channel.as_str(), t.message_id.as_str())
                    }
                };
                let mut body = Self::message(channel, message);
                body["thread_ts"] = json!(ts);
                self.post(team, body, attempt).await
            }
            ChatAction::Update { message, .. } => {
                let t = needs_target()?;
                let mut body = Self::message(&t.channel, message);
                body["ts"] = json!(t.message_id);
                self.call(team, "chat.update", body).await
            }
            // chat.postEphemeral needs no interaction: the trigger is of no use here.
            ChatAction::Ephemeral {
                channel,
                thread,
                user,
                message,
                ..
            } => {
                let mut body = Self::message(channel, message);
                body["user"] = json!(user);
                if let Some(ts) = thread {
                    body["thread_ts"] = json!(ts);
                }
                self.pacer
                    .take(channel)
                    .map_err(|retry_after| SendError::Paced { retry_after })?;
                match self.call(team, "chat.postEphemeral", body).await {
                    // Where the bot is no member (a DM between two people, a private channel
                    // it was not invited to) the answer goes to the person's DM with the bot.
                    Err(SendError::Unreachable(e)) if NOT_THERE.iter().any(|c| e.ends_with(c)) => {
                        tracing::info!(error = %e, "ephemeral not possible there: answering in the DM");
                        let opened: Opened = self
                            .web
                            .post(team, "conversations.open", &json!({ "users": user }))
                            .await?;
                        let _: Ignored = self
                            .web
                            .post(
                                team,
                                "chat.postMessage",
                                &Self::message(&opened.channel.id, message),
                            )
                            .await?;
                        Ok(Delivered::default())
                    }
                    other => other,
                }
            }
            ChatAction::OpenForm {
                trigger,
                form,
                channel,
                thread,
                ..
            } => {
                let origin = Origin {
                    channel: channel.clone(),
                    thread: thread.clone(),
                };
                let body = json!({ "trigger_id": trigger, "view": render::modal(form, &origin) });
                self.call(team, "views.open", body).await
            }
            ChatAction::PublishHome { user, sections } => {
                let body = json!({ "user_id": user, "view": render::home(sections) });
                self.call(team, "views.publish", body).await
            }
            // A Slack thread exists as soon as something is posted in it.
            ChatAction::CreateThread { .. } => Ok(Delivered::default()),
            ChatAction::React {
                channel,
                message_id,
                emoji,
            } => {
                let name = emoji.trim_matches(':');
                let body = json!({ "channel": channel, "timestamp": message_id, "name": name });
                match self.call(team, "reactions.add", body).await {
                    Err(SendError::Permanent(e)) if e.ends_with("already_reacted") => {
                        Ok(Delivered::default())
                    }
                    other => other,
                }
            }
        }
    }
}

impl ChatPlatform for SlackPlatform {
    fn platform(&self) -> Platform {
        crate::PLATFORM
    }

    fn send<'a>(
        &'a self,
        tenant: &'a str,
        action: &'a ChatAction,
        target: Option<&'a MessageRef>,
        attempt: Attempt<'a>,
    ) -> SendFuture<'a> {
        Box::pin(self.carry_out(tenant, action, target, attempt))
    }
}

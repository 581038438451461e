//! Discord's REST API through serenity's HTTP client (and its rate limiter in production):
//! JSON in, JSON out, failures sorted into what the dispatcher does next.

use crate::settings::{DiscordSettings, DEFAULT_API_URL};
use helpdesk_chat::SendError;
use serde_json::Value;
use serenity::http::{HttpBuilder, LightMethod, Request, Route};
use serenity::model::id::{ApplicationId, ChannelId, GuildId, InteractionId, MessageId, UserId};
use std::sync::Arc;
use std::time::Duration;

/// Discord's JSON error codes the adapter acts on.
pub mod code {
    /// The channel does not exist (or is a message with no thread yet).
    pub const UNKNOWN_CHANNEL: isize = 10003;
    /// The user is no member (of the guild, or of the thread).
    pub const UNKNOWN_MEMBER: isize = 10007;
    /// The interaction was already answered.
    pub const ALREADY_ACKNOWLEDGED: isize = 40060;
    /// The interaction token expired or is unknown.
    pub const UNKNOWN_INTERACTION: isize = 10062;
    /// The message already has a thread.
    pub const THREAD_EXISTS: isize = 160004;
    /// The action is not possible in a DM (threads, say).
    pub const NOT_IN_DM: isize = 50003;
    /// The channel is of the wrong type for the action (no threads in it, or not a thread).
    pub const WRONG_CHANNEL_TYPE: isize = 50024;
    /// The bot cannot see the channel.
    pub const MISSING_ACCESS: isize = 50001;
    /// The bot lacks a permission there (send messages, create private threads…).
    pub const MISSING_PERMISSIONS: isize = 50013;
    /// The person takes no direct messages from the bot.
    pub const CANNOT_MESSAGE_USER: isize = 50007;
    /// The thread is archived.
    pub const ARCHIVED_THREAD: isize = 50083;
    /// The thread is locked.
    pub const LOCKED_THREAD: isize = 160005;
    /// The codes of a place that takes no messages from the bot.
    pub const UNREACHABLE: [isize; 6] = [
        UNKNOWN_CHANNEL,
        MISSING_ACCESS,
        MISSING_PERMISSIONS,
        CANNOT_MESSAGE_USER,
        ARCHIVED_THREAD,
        LOCKED_THREAD,
    ];
}

/// A failed call: the sorted outcome, and Discord's own error code when it gave one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error} (discord code {code:?})")]
pub struct RestError {
    /// What the dispatcher does next.
    pub error: SendError,
    /// Discord's JSON error code.
    pub code: Option<isize>,
}

impl From<RestError> for SendError {
    fn from(e: RestError) -> Self {
        e.error
    }
}

/// A failure that will not pass by trying again.
pub fn permanent(why: impl Into<String>) -> RestError {
    RestError {
        error: SendError::Permanent(why.into()),
        code: None,
    }
}

/// Parses a snowflake id; 0 and non-numbers are not ids.
pub fn snowflake(id: &str) -> Result<u64, RestError> {
    id.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| *n != 0)
        .ok_or_else(|| permanent(format!("{id:?} is not a Discord id")))
}

/// `ChannelId` of text.
pub fn channel(id: &str) -> Result<ChannelId, RestError> {
    snowflake(id).map(ChannelId::new)
}

/// `MessageId` of text.
pub fn message(id: &str) -> Result<MessageId, RestError> {
    snowflake(id).map(MessageId::new)
}

/// `UserId` of text.
pub fn user(id: &str) -> Result<UserId, RestError> {
    snowflake(id).map(UserId::new)
}

/// `GuildId` of text.
pub fn guild(id: &str) -> Result<GuildId, RestError> {
    snowflake(id).map(GuildId::new)
}

/// `InteractionId` of text.
pub fn interaction(id: &str) -> Result<InteractionId, RestError> {
    snowflake(id).map(InteractionId::new)
}

/// `ApplicationId` of text.
pub fn application(id: &str) -> Result<ApplicationId, RestError> {
    snowflake(id).map(ApplicationId::new)
}

/// serenity's HTTP client for these settings. Against Discord itself serenity's rate limiter
/// runs; through another base URL (a proxy, a test) it is off, as serenity's proxy requires.
pub fn build_http(settings: &DiscordSettings) -> serenity::http::Http {
    let token = settings.token.as_ref().map_or("", |t| t.expose());
    let mut builder = HttpBuilder::new(token);
    if let Some(id) = settings
        .application_id
        .as_deref()
        .and_then(|id| application(id).ok())
    {
        builder = builder.application_id(id);
    }
    let base = settings.api_url.trim_end_matches('/');
    if base != DEFAULT_API_URL {
        // serenity replaces its "https://discord.com" with the proxy's origin.
        let origin = base.strip_suffix("/api/v10").unwrap_or(base);
        builder = builder.proxy(origin).ratelimiter_disabled(true);
    }
    builder.build()
}

/// The REST client.
#[derive(Clone)]
pub struct Rest {
    http: Arc<serenity::http::Http>,
}

impl Rest {
    /// A client with the bot token.
    pub fn new(settings: &DiscordSettings) -> Self {
        Rest {
            http: Arc::new(build_http(settings)),
        }
    }

    /// serenity's client, for the gateway.
    pub fn http(&self) -> Arc<serenity::http::Http> {
        self.http.clone()
    }

    /// One call; `Value::Null` when Discord answers with no body (204).
    pub async fn call(
        &self,
        method: LightMethod,
        route: Route<'_>,
        body: Option<&Value>,
    ) -> Result<Value, RestError> {
        let mut request = Request::new(route, method);
        if let Some(body) = body {
            request = request.body(Some(serde_json::to_vec(body).unwrap_or_default()));
        }
        let response = self.http.request(request).await.map_err(sort)?;
        let bytes = response.bytes().await.map_err(|e| RestError {
            error: SendError::Transient(format!("reading Discord's answer: {e}")),
            code: None,
        })?;
        if bytes.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(|e| RestError {
            error: SendError::Transient(format!("Discord's answer is not JSON: {e}")),
            code: None,
        })
    }
}

/// Sorts a serenity error: 429 waits, 5xx and network errors are retried, the rest parks.
fn sort(e: serenity::Error) -> RestError {
    use serenity::http::HttpError;
    match e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) => {
            let status = r.status_code.as_u16();
            let code = Some(r.error.code);
            let why = format!("{status} {}: {}", r.error.code, r.error.message);
            let error = match status {
                429 => SendError::RateLimited {
                    // serenity's limiter waits for Discord's own time; without it, a second.
                    retry_after: Duration::from_secs(1),
                },
                500..=599 => SendError::Transient(why),
                _ if code::UNREACHABLE.contains(&r.error.code) => SendError::Unreachable(why),
                _ => SendError::Permanent(why),
            };
            RestError { error, code }
        }
        // Without the URL: interaction and webhook routes carry the interaction's token.
        serenity::Error::Http(HttpError::Request(e)) => RestError {
            error: SendError::Transient(format!("network: {}", e.without_url())),
            code: None,
        },
        other => RestError {
            error: SendError::Transient(other.to_string()),
            code: None,
        },
    }
}

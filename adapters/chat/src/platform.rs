//! The trait every chat platform adapter implements.

use crate::action::{ChatAction, MessageRef};
use crate::event::{Platform, TextLimits};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// Why a send failed, and so what the dispatcher does next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The platform said slow down (HTTP 429): retry after this long.
    #[error("rate limited; retry after {retry_after:?}")]
    RateLimited {
        /// The platform's `Retry-After`.
        retry_after: Duration,
    },
    /// Not sent: the adapter's own pacing says not before this long (no attempt is counted,
    /// and the dispatcher moves on to other work instead of waiting).
    #[error("paced; not before {retry_after:?}")]
    Paced {
        /// How long until the adapter will send it.
        retry_after: Duration,
    },
    /// A failure that may pass (network, 5xx): retry with backoff.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// A failure that will not pass (unknown channel, missing scope): park it at once.
    #[error("permanent failure: {0}")]
    Permanent(String),
    /// The place takes no messages from the bot (not in the channel, the thread archived or
    /// locked, the person's direct messages closed): parked at once, and the desk is told so
    /// it can reach the person another way.
    #[error("unreachable: {0}")]
    Unreachable(String),
}

impl SendError {
    /// Whether `recorded`, the text of a send error as the outbox keeps it, is an
    /// [`SendError::Unreachable`]: the one decoder of its `Display`.
    pub fn is_unreachable_text(recorded: &str) -> bool {
        recorded.starts_with("unreachable: ")
    }
}

/// What a successful send produced.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Delivered {
    /// For a post: where the message landed (kept under the post's key).
    pub posted: Option<MessageRef>,
}

/// The future a send returns.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<Delivered, SendError>> + Send + 'a>>;

/// Which outbox item a send carries out, so a platform can avoid doing it twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt<'a> {
    /// The same for every try of one item (the outbox id): a platform can tag what it posts
    /// with it and look for the tag before posting again.
    pub key: &'a str,
    /// An earlier try may have reached the platform: it failed, timed out, or the worker that
    /// made it died before recording the outcome.
    pub again: bool,
}

/// What the desk must know of a platform to write for it; each adapter gives its own, and
/// the binary hands them to the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How much text each part of a message may hold.
    pub text: TextLimits,
    /// Whether a bot can open private threads in any channel (Discord's): a requester's ticket
    /// then talks in one; without them (Slack's threads are as public as their channel) it
    /// talks in the requester's direct messages.
    pub private_threads: bool,
}

impl Limits {
    /// The in-memory platform's: Discord's sizes and private threads, so tests and the demo
    /// see the roomier behaviour.
    pub const MEMORY: Limits = Limits {
        text: TextLimits {
            title: 256,
            text: 4096,
            field: 1024,
        },
        private_threads: true,
    };
}

impl Default for Limits {
    /// For a platform nobody described: the smallest sizes of the known platforms, and no
    /// private threads (nothing private is posted where others could read it).
    fn default() -> Self {
        Limits {
            text: TextLimits {
                title: 150,
                text: 3000,
                field: 1024,
            },
            private_threads: false,
        }
    }
}

/// A chat platform, as the desk's dispatcher sees it.
pub trait ChatPlatform: Send + Sync {
    /// Which platform this is.
    fn platform(&self) -> Platform;

    /// Performs one action for a tenant (workspace or guild id). `target` is the message named by
    /// [`ChatAction::needs_message`], already resolved by the dispatcher: it is `Some` whenever
    /// the action needs a message, so adapters never see an unresolved key.
    fn send<'a>(
        &'a self,
        tenant: &'a str,
        action: &'a ChatAction,
        target: Option<&'a MessageRef>,
        attempt: Attempt<'a>,
    ) -> SendFuture<'a>;
}

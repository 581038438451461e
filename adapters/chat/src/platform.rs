//! The trait every chat platform adapter implements.

use crate::action::{ChatAction, MessageRef};
use crate::event::Platform;
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

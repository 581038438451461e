//! Incoming: where adapters hand the events they decoded, and how they answer the platform in
//! time while the desk works.

use crate::event::ChatEvent;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// The desk could not take the event (its database is down, say).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the desk could not take the event: {0}")]
pub struct SinkError(pub String);

/// The future a delivery returns.
pub type SinkFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SinkError>> + Send + 'a>>;

/// Where an adapter delivers the events it received.
pub trait EventSink: Send + Sync {
    /// Handles one event; resolves once the outcome is committed (or the event is refused).
    fn deliver(&self, event: ChatEvent) -> SinkFuture<'_>;
}

/// How a hand-off stood when the adapter had to answer the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handoff {
    /// The desk committed the event: acknowledging it loses nothing.
    Done,
    /// The desk failed: better not to acknowledge, so the platform delivers it again.
    Failed(SinkError),
    /// Still at work when the deadline came; it goes on after the acknowledgement.
    Running,
}

/// Hands the event to the sink on a task of its own and waits for it at most `deadline`.
///
/// Platforms want an answer within 3 s: adapters acknowledge after this returns, so a fast
/// desk acknowledges only committed events, and a slow one never delays the acknowledgement.
pub async fn hand_off(sink: Arc<dyn EventSink>, event: ChatEvent, deadline: Duration) -> Handoff {
    let id = event.event_id.clone();
    let task = tokio::spawn(async move { sink.deliver(event).await });
    match tokio::time::timeout(deadline, task).await {
        Ok(Ok(Ok(()))) => Handoff::Done,
        Ok(Ok(Err(e))) => {
            tracing::error!(event = %id, error = %e, "the desk failed an event");
            Handoff::Failed(e)
        }
        Ok(Err(join)) => {
            tracing::error!(event = %id, error = %join, "the desk's task for an event died");
            Handoff::Failed(SinkError(join.to_string()))
        }
        Err(_) => {
            tracing::warn!(event = %id, ?deadline, "acknowledging before the desk finished");
            Handoff::Running
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EventKind, Platform, Sender};
    use tokio::sync::Notify;

    struct Gate {
        open: Arc<Notify>,
        outcome: Result<(), SinkError>,
        finished: Arc<Notify>,
    }

    impl EventSink for Gate {
        fn deliver(&self, _event: ChatEvent) -> SinkFuture<'_> {
            Box::pin(async move {
                self.open.notified().await;
                self.finished.notify_one();
                self.outcome.clone()
            })
        }
    }

    fn event() -> ChatEvent {
        ChatEvent {
            platform: Platform::Memory,
            event_id: "e1".into(),
            tenant: "T".into(),
            sender: Sender {
                id: "U".into(),
                name: "U".into(),
                groups: vec![],
                is_bot: false,
            },
            channel: "C".into(),
            thread: None,
            kind: EventKind::HomeOpened,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_desk_never_delays_the_answer_and_still_finishes() {
        let open = Arc::new(Notify::new());
        let finished = Arc::new(Notify::new());
        let sink = Arc::new(Gate {
            open: open.clone(),
            outcome: Ok(()),
            finished: finished.clone(),
        });
        let started = tokio::time::Instant::now();
        let outcome = hand_off(sink, event(), Duration::from_secs(2)).await;
        assert_eq!(outcome, Handoff::Running);
        assert_eq!(started.elapsed(), Duration::from_secs(2));
        // The work goes on after the answer.
        open.notify_one();
        finished.notified().await;
    }

    #[tokio::test]
    async fn a_fast_desk_reports_its_outcome() {
        for outcome in [Ok(()), Err(SinkError("db down".into()))] {
            let open = Arc::new(Notify::new());
            open.notify_one();
            let sink = Arc::new(Gate {
                open,
                outcome: outcome.clone(),
                finished: Arc::new(Notify::new()),
            });
            let got = hand_off(sink, event(), Duration::from_secs(60)).await;
            match outcome {
                Ok(()) => assert_eq!(got, Handoff::Done),
                Err(e) => assert_eq!(got, Handoff::Failed(e)),
            }
        }
    }
}

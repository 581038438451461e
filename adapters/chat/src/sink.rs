//! Incoming: where adapters hand the events they decoded, and how they answer the platform in
//! time while the desk works.

use crate::event::ChatEvent;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How often the desk is tried with an event the platform was already told about.
const AFTER_ACK_TRIES: u32 = 6;

/// The desk could not take the event (its database is down, say).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the desk could not take the event: {0}")]
pub struct SinkError(pub String);

/// The desk took the event (committed it, or knew it already).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Taken {
    /// It queued an answer for the person (a form, a private message, an edit): a platform that
    /// must answer every interaction can leave it to that answer instead of answering for it.
    pub answered: bool,
    /// The event came from a workspace or guild the installation does not serve: nothing was
    /// written, and an adapter answering an interaction says privately that the desk is not
    /// set up there.
    pub unserved: bool,
}

/// The future a delivery returns.
pub type SinkFuture<'a> = Pin<Box<dyn Future<Output = Result<Taken, SinkError>> + Send + 'a>>;

/// Where an adapter delivers the events it received.
pub trait EventSink: Send + Sync {
    /// Handles one event; resolves once the outcome is committed (or the event is refused).
    fn deliver(&self, event: ChatEvent) -> SinkFuture<'_>;
}

/// How a hand-off stood when the adapter had to answer the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handoff {
    /// The desk committed the event: acknowledging it loses nothing.
    Done(Taken),
    /// The desk failed: better not to acknowledge, so the platform delivers it again.
    Failed(SinkError),
    /// Still at work when the deadline came; it goes on after the acknowledgement.
    Running,
}

/// Hands the event to the sink on a task of its own and waits for it at most `deadline`.
///
/// Platforms want an answer within 3 s: adapters acknowledge after this returns, so a fast
/// desk acknowledges only committed events, and a slow one never delays the acknowledgement.
///
/// An event acknowledged before the desk finished cannot be delivered again by the platform,
/// so if the desk then fails it is tried again here, a few times over about half a minute.
pub async fn hand_off(sink: Arc<dyn EventSink>, event: ChatEvent, deadline: Duration) -> Handoff {
    let id = event.event_id.clone();
    let answered = Arc::new(AtomicBool::new(false));
    let task = {
        let answered = answered.clone();
        tokio::spawn(async move {
            let mut wait = Duration::from_millis(500);
            let mut tries = 1;
            loop {
                match sink.deliver(event.clone()).await {
                    Err(e) if answered.load(Ordering::SeqCst) && tries < AFTER_ACK_TRIES => {
                        tracing::warn!(event = %event.event_id, error = %e, tries,
                            "the desk failed an acknowledged event; trying again");
                        tokio::time::sleep(wait).await;
                        wait *= 2;
                        tries += 1;
                    }
                    Err(e) if answered.load(Ordering::SeqCst) => {
                        tracing::error!(event = %event.event_id, error = %e,
                            "the desk failed an acknowledged event for good: it is lost");
                        return Err(e);
                    }
                    outcome => return outcome,
                }
            }
        })
    };
    let outcome = tokio::time::timeout(deadline, task).await;
    if outcome.is_err() {
        answered.store(true, Ordering::SeqCst);
    }
    match outcome {
        Ok(Ok(Ok(taken))) => Handoff::Done(taken),
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
        outcome: Result<Taken, SinkError>,
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
            platform: Platform::MEMORY,
            event_id: "e1".into(),
            tenant: "T".into(),
            sender: Sender {
                id: "U".into(),
                name: "U".into(),
                groups: vec![],
                is_bot: false,
                locale: None,
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
            outcome: Ok(Taken::default()),
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

    /// Fails its first delivery after a delay, then takes the event.
    struct Flaky {
        calls: std::sync::atomic::AtomicUsize,
        done: Arc<Notify>,
    }

    impl EventSink for Flaky {
        fn deliver(&self, _event: ChatEvent) -> SinkFuture<'_> {
            Box::pin(async move {
                if self.calls.fetch_add(1, Ordering::SeqCst) == 0 {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    return Err(SinkError("database down".into()));
                }
                self.done.notify_one();
                Ok(Taken::default())
            })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn an_acknowledged_event_the_desk_failed_is_tried_again() {
        let done = Arc::new(Notify::new());
        let sink = Arc::new(Flaky {
            calls: Default::default(),
            done: done.clone(),
        });
        let outcome = hand_off(sink.clone(), event(), Duration::from_secs(2)).await;
        assert_eq!(outcome, Handoff::Running);
        done.notified().await;
        assert_eq!(sink.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_fast_desk_reports_its_outcome() {
        for outcome in [Ok(Taken::default()), Err(SinkError("db down".into()))] {
            let open = Arc::new(Notify::new());
            open.notify_one();
            let sink = Arc::new(Gate {
                open,
                outcome: outcome.clone(),
                finished: Arc::new(Notify::new()),
            });
            let got = hand_off(sink, event(), Duration::from_secs(60)).await;
            match outcome {
                Ok(taken) => assert_eq!(got, Handoff::Done(taken)),
                Err(e) => assert_eq!(got, Handoff::Failed(e)),
            }
        }
    }
}

//! The background loops of `helpdesk run`: the dispatcher and the scheduler, each polling
//! on its own interval until shutdown.

use super::{Dispatcher, Pruner, Scheduler};
use crate::kb::KnowledgeBase;
use crate::store::Lane;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch, Notify};
use tokio::task::JoinHandle;

/// How often each loop looks for work.
#[derive(Debug, Clone, Copy)]
pub struct Intervals {
    /// Outbox polling.
    pub dispatch: Duration,
    /// Timer polling.
    pub timers: Duration,
    /// How often the knowledge-base index looks for articles other replicas changed.
    pub knowledge: Duration,
}

impl Default for Intervals {
    fn default() -> Self {
        Intervals {
            dispatch: Duration::from_millis(200),
            timers: Duration::from_secs(1),
            knowledge: Duration::from_secs(2),
        }
    }
}

/// The running loops; [`Workers::stop`] ends them after their current round.
pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Starts the loops (the knowledge-base one only with a knowledge base, the retention one
    /// only with a pruner). `wake` starts a round of cards and replies at once (after an event
    /// is handled) instead of at the next tick; `held_answers` brings the answers the desk
    /// claimed as it queued them, sent as they come (a form must open within Slack's 3-second
    /// trigger lifetime).
    pub fn start(
        dispatcher: Arc<Dispatcher>,
        scheduler: Arc<Scheduler>,
        kb: Option<Arc<KnowledgeBase>>,
        pruner: Option<Pruner>,
        every: Intervals,
        wake: Arc<Notify>,
        held_answers: mpsc::UnboundedReceiver<Vec<crate::store::ClaimedItem>>,
    ) -> Self {
        let (stop, stopped) = watch::channel(false);
        // Two loops share the dispatcher: answers to people (forms, private messages) have
        // their own, fed by the desk right after each commit (and claiming at each tick what
        // came otherwise, e.g. from a timer), so they never wait behind a round of cards.
        let answers = dispatch_loop(
            dispatcher.clone(),
            Lane::Answers,
            every.dispatch,
            None,
            Some(held_answers),
            stopped.clone(),
        );
        let rest = dispatch_loop(
            dispatcher,
            Lane::Normal,
            every.dispatch,
            Some(wake),
            None,
            stopped.clone(),
        );
        let knowledge = kb.map(|kb| {
            let mut stopped = stopped.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(every.knowledge);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tokio::select! {
                        _ = tick.tick() => {}
                        _ = stopped.changed() => break,
                    }
                    match kb.refresh().await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(articles = n, "knowledge base index updated"),
                        Err(e) => tracing::error!(error = %e, "knowledge base refresh failed"),
                    }
                }
            })
        });
        let retention = pruner.map(|pruner| {
            let mut stopped = stopped.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(pruner.every());
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tokio::select! {
                        _ = tick.tick() => {}
                        _ = stopped.changed() => break,
                    }
                    match pruner.run_once().await {
                        Ok(p) if p.processed_events + p.sent_outbox > 0 => tracing::info!(
                            processed_events = p.processed_events,
                            sent_outbox = p.sent_outbox,
                            "retention: pruned what is past its keeping time"
                        ),
                        Ok(_) => {}
                        Err(e) => tracing::error!(error = %e, "retention: pruning failed"),
                    }
                }
            })
        });
        let timers = {
            let mut stopped = stopped;
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(every.timers);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tokio::select! {
                        _ = tick.tick() => {}
                        _ = stopped.changed() => break,
                    }
                    if let Err(e) = scheduler.run_once().await {
                        tracing::error!(error = %e, "scheduler round failed");
                    }
                }
            })
        };
        let mut tasks = vec![answers, rest, timers];
        tasks.extend(knowledge);
        tasks.extend(retention);
        Workers { stop, tasks }
    }

    /// Stops the loops and waits at most `bound` for their current round to finish; a round
    /// still running then (a send that hangs) is dropped, and its claim waits for its lease.
    pub async fn stop(self, bound: Duration) {
        let _ = self.stop.send(true);
        let deadline = tokio::time::Instant::now() + bound;
        for mut task in self.tasks {
            if tokio::time::timeout_at(deadline, &mut task).await.is_err() {
                tracing::warn!(?bound, "a background round did not finish in time; dropped");
                task.abort();
            }
        }
    }
}

/// A loop sending one lane of the outbox: at each tick or wake it keeps sending while rounds
/// find work, until asked to stop (the stop then flushes what it can within its own bound).
fn dispatch_loop(
    dispatcher: Arc<Dispatcher>,
    lane: Lane,
    every: Duration,
    wake: Option<Arc<Notify>>,
    mut held: Option<mpsc::UnboundedReceiver<Vec<crate::store::ClaimedItem>>>,
    mut stopped: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let next_held = async {
                match held.as_mut() {
                    Some(rx) => rx.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                biased;
                _ = stopped.changed() => break,
                // Answers the desk claimed as it queued them: sent now, no claim round.
                Some(mut answers) = next_held => {
                    // Whatever else came meanwhile goes in the same round, side by side.
                    if let Some(rx) = held.as_mut() {
                        while let Ok(more) = rx.try_recv() {
                            answers.extend(more);
                        }
                    }
                    if let Err(e) = dispatcher.send_held(answers).await {
                        tracing::error!(error = %e, "sending answers failed");
                    }
                    continue;
                }
                _ = tick.tick() => {}
                _ = woken(wake.as_deref()) => {}
            }
            while !*stopped.borrow() {
                // A stop cuts the round short between sends, not after a whole batch.
                match dispatcher.run_lane(lane, || !*stopped.borrow()).await {
                    Ok(r) if r.sent + r.retried + r.dead > 0 => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::error!(error = %e, ?lane, "dispatcher round failed");
                        break;
                    }
                }
            }
        }
        // Answers handed over just before the stop are due within seconds: send them now
        // rather than leave them claimed until their lease runs out.
        if let Some(rx) = held.as_mut() {
            while let Ok(answers) = rx.try_recv() {
                if let Err(e) = dispatcher.send_held(answers).await {
                    tracing::error!(error = %e, "sending answers failed");
                }
            }
        }
    })
}

/// Resolves when `wake` is notified; never without one.
async fn woken(wake: Option<&Notify>) {
    match wake {
        Some(wake) => wake.notified().await,
        None => std::future::pending().await,
    }
}

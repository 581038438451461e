//! Sends the outbox through the chat platforms: in order per thread, with retries, honouring
//! rate limits, parking what keeps failing.

use crate::clock::{later, Clock};
use crate::domain::Timestamp;
use crate::store::{ClaimedItem, Lane, Store, StoreError};
use helpdesk_chat::{Attempt, ChatAction, ChatPlatform, MessageRef, Platform, SendError};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tracing::Instrument;

/// How long an action for a platform without an adapter waits before it is looked at again.
const NO_ADAPTER_WAIT: Duration = Duration::from_secs(60);

/// How failed sends are retried.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// After this many failed attempts an item is parked as dead.
    pub max_attempts: i64,
    /// The first retry waits this long; each next one twice as long.
    pub base_delay: Duration,
    /// No retry waits longer than this (a platform's Retry-After may).
    pub max_delay: Duration,
    /// How long a claimed item is reserved for one dispatcher before another may take it.
    pub lease: Duration,
    /// A send taking longer counts as a failure; keep it well under `lease`.
    pub send_timeout: Duration,
    /// How long a reply waits before looking again for the message it belongs to.
    pub wait_for_parent: Duration,
    /// Ordering keys claimed per round (each with up to `chain` items); `run` makes it
    /// `per_platform`, what a round can send at once.
    pub batch: i64,
    /// Items of one ordering key claimed together and sent one after the other.
    pub chain: i64,
    /// Sends in flight at once to one platform.
    pub per_platform: usize,
    /// Sends in flight at once to one channel (the adapters pace each channel too).
    pub per_channel: usize,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(300),
            lease: Duration::from_secs(60),
            send_timeout: Duration::from_secs(20),
            wait_for_parent: Duration::from_secs(1),
            batch: 16,
            chain: crate::store::CHAIN,
            per_platform: 16,
            per_channel: 4,
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `attempts` (1-based).
    pub fn backoff(&self, attempts: i64) -> Duration {
        let exponent = attempts.clamp(1, 30) as u32 - 1;
        self.base_delay
            .saturating_mul(2u32.saturating_pow(exponent))
            .min(self.max_delay)
    }
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DispatchReport {
    /// Delivered.
    pub sent: usize,
    /// Failed, to be retried.
    pub retried: usize,
    /// Failed for good, parked.
    pub dead: usize,
    /// Waiting for the message they refer to.
    pub waiting: usize,
}

/// What a stop's flush left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flushed {
    /// Pending actions still in the outbox (of every process on this database): the next
    /// start sends them.
    pub remaining: u64,
}

/// The shortest wait of a flush between two looks at the outbox.
const FLUSH_POLL_FLOOR: Duration = Duration::from_millis(20);

/// Sends outbox items through the platform each tenant lives on.
pub struct Dispatcher {
    store: Store,
    platforms: HashMap<Platform, Arc<dyn ChatPlatform>>,
    clock: Arc<dyn Clock>,
    policy: RetryPolicy,
    /// Claimed but never tried when their round was cut short (a stop): given back, so they
    /// need not wait for their lease to run out.
    untried: Arc<Mutex<Vec<ClaimedItem>>>,
    /// Bounds on the sends in flight.
    gates: Gates,
    /// Until when a platform's workspace or guild said to send nothing more (Retry-After).
    paused: Mutex<HashMap<(Platform, String), Timestamp>>,
    /// Sends done but not recorded yet: written together, one transaction for many sends.
    sent: Mutex<Vec<(ClaimedItem, Option<MessageRef>)>>,
}

/// Sends recorded in one transaction at most; a round's rest is recorded when it ends.
const RECORD_BATCH: usize = 32;

/// The bounds on concurrent sends: per platform, and per channel of a platform.
struct Gates {
    platform: HashMap<Platform, Arc<Semaphore>>,
    channel: Mutex<HashMap<(Platform, String), Arc<Semaphore>>>,
    per_channel: usize,
}

impl Gates {
    /// Waits for a free place on the platform and in the channel, if the send has one.
    async fn enter(
        &self,
        platform: &Platform,
        channel: Option<&str>,
    ) -> (Option<OwnedSemaphorePermit>, Option<OwnedSemaphorePermit>) {
        let on_platform = match self.platform.get(platform) {
            Some(s) => s.clone().acquire_owned().await.ok(),
            None => None,
        };
        let in_channel = match channel {
            Some(channel) => {
                let gate = {
                    let mut map = self.channel.lock().unwrap_or_else(|e| e.into_inner());
                    map.entry((*platform, channel.to_string()))
                        .or_insert_with(|| Arc::new(Semaphore::new(self.per_channel.max(1))))
                        .clone()
                };
                gate.acquire_owned().await.ok()
            }
            None => None,
        };
        (on_platform, in_channel)
    }

    /// Forgets the gates of channels nobody is sending to, so the map follows the traffic.
    fn forget_idle(&self) {
        let mut map = self.channel.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, gate| Arc::strong_count(gate) > 1);
    }
}

/// The claims of a chain not tried yet; whatever is left when the round ends early (an error,
/// or its future dropped at a stop's deadline) goes to [`Dispatcher::release_untried`].
struct Untried {
    left: VecDeque<ClaimedItem>,
    into: Arc<Mutex<Vec<ClaimedItem>>>,
}

impl Drop for Untried {
    fn drop(&mut self) {
        if !self.left.is_empty() {
            let mut into = self.into.lock().unwrap_or_else(|e| e.into_inner());
            into.extend(self.left.drain(..));
        }
    }
}

impl Dispatcher {
    /// A dispatcher over these platforms.
    pub fn new(
        store: Store,
        platforms: Vec<Arc<dyn ChatPlatform>>,
        clock: Arc<dyn Clock>,
        policy: RetryPolicy,
    ) -> Self {
        let platforms: HashMap<Platform, Arc<dyn ChatPlatform>> =
            platforms.into_iter().map(|p| (p.platform(), p)).collect();
        let gates = Gates {
            platform: platforms
                .keys()
                .map(|p| (*p, Arc::new(Semaphore::new(policy.per_platform.max(1)))))
                .collect(),
            channel: Mutex::default(),
            per_channel: policy.per_channel,
        };
        Dispatcher {
            store,
            platforms,
            clock,
            policy,
            untried: Arc::default(),
            gates,
            paused: Mutex::default(),
            sent: Mutex::default(),
        }
    }

    /// Gives back the claims a cut-short round never tried: they go out at once from another
    /// process (or the next start) instead of after their lease. The claim being sent when
    /// the round was cut keeps its lease: whether it reached the platform is unknown.
    pub async fn release_untried(&self) -> Result<usize, StoreError> {
        // What was sent before the cut is recorded first: it must not go out again.
        self.record_sent(0).await?;
        let untried: Vec<ClaimedItem> = {
            let mut list = self.untried.lock().unwrap_or_else(|e| e.into_inner());
            std::mem::take(&mut *list)
        };
        if untried.is_empty() {
            return Ok(0);
        }
        Ok(self.store.release(&untried).await? as usize)
    }

    /// Claims the due items of both lanes (answers first) and sends each once. Call it in a
    /// loop (the runner) or by hand (tests, with a manual clock).
    pub async fn run_once(&self) -> Result<DispatchReport, StoreError> {
        self.run_while(|| true).await
    }

    /// Like [`Dispatcher::run_once`], but tries no further send once `go_on` says no (a
    /// stop): the sends in flight finish, the claims left are given back.
    pub async fn run_while(
        &self,
        go_on: impl Fn() -> bool + Sync,
    ) -> Result<DispatchReport, StoreError> {
        self.round(None, &go_on).await
    }

    /// One round of one lane: the runner gives answers to people a loop of their own, so they
    /// never wait behind a batch of cards.
    pub async fn run_lane(
        &self,
        lane: Lane,
        go_on: impl Fn() -> bool + Sync,
    ) -> Result<DispatchReport, StoreError> {
        self.round(Some(lane), &go_on).await
    }

    async fn round(
        &self,
        lane: Option<Lane>,
        go_on: &(dyn Fn() -> bool + Sync),
    ) -> Result<DispatchReport, StoreError> {
        self.release_untried().await?;
        let now = self.clock.now();
        let lease_until = later(now, self.policy.lease);
        let batch = self.policy.batch;
        let claimed = match lane {
            None => self.store.claim_outbox(now, lease_until, batch).await?,
            Some(lane) => {
                let chain = self.policy.chain;
                let store = &self.store;
                store
                    .claim_lane(lane, now, lease_until, batch, chain)
                    .await?
            }
        };
        self.send_claims(claimed, go_on).await
    }

    /// Sends answers the desk queued already claimed by this process (see
    /// [`crate::store::StoreTx::hold_answers`]) at once: their fast path, with no claim.
    pub async fn send_held(&self, held: Vec<ClaimedItem>) -> Result<DispatchReport, StoreError> {
        self.send_claims(held, &|| true).await
    }

    async fn send_claims(
        &self,
        claimed: Vec<ClaimedItem>,
        go_on: &(dyn Fn() -> bool + Sync),
    ) -> Result<DispatchReport, StoreError> {
        if claimed.is_empty() {
            return Ok(DispatchReport::default());
        }
        // Each ordering key's items go out one after the other; the keys side by side, within
        // the platform's and the channel's bounds.
        let chains = chains(claimed);
        let results =
            futures_util::future::join_all(chains.into_iter().map(|c| self.send_chain(c, go_on)))
                .await;
        self.gates.forget_idle();
        self.record_sent(0).await?;
        let mut report = DispatchReport::default();
        for r in results {
            let r = r?;
            report.sent += r.sent;
            report.retried += r.retried;
            report.dead += r.dead;
            report.waiting += r.waiting;
        }
        Ok(report)
    }

    /// Sends one key's claimed items in order. After one that must wait or be retried, the
    /// rest are given back at once: they stay behind it.
    async fn send_chain(
        &self,
        chain: Vec<ClaimedItem>,
        go_on: &(dyn Fn() -> bool + Sync),
    ) -> Result<DispatchReport, StoreError> {
        let mut report = DispatchReport::default();
        let mut chain = Untried {
            left: chain.into(),
            into: self.untried.clone(),
        };
        // Where the chain's own posts landed: their replies and updates need no lookup.
        let mut posted: HashMap<String, MessageRef> = HashMap::new();
        while go_on() {
            let Some(mut claim) = chain.left.pop_front() else {
                break;
            };
            // A send that could outlive the lease could be taken over and sent twice.
            if later(self.clock.now(), self.policy.send_timeout) >= claim.lease_until {
                chain.left.push_front(claim);
                break;
            }
            if claim.target.is_none() {
                if let Some(key) = claim.item.action.needs_message() {
                    claim.target = posted.get(key).cloned();
                }
            }
            // A thread opened on a post this chain just sent: the post is recorded first, so a
            // message written in the thread the moment it exists finds its ticket (recorded
            // at the round's end, it was taken for a stranger's in between).
            if matches!(claim.item.action, ChatAction::CreateThread { .. })
                && claim
                    .item
                    .action
                    .needs_message()
                    .is_some_and(|key| posted.contains_key(key))
            {
                self.record_sent(0).await?;
            }
            let span = tracing::debug_span!("dispatch", outbox_id = claim.item.id, platform = %claim.platform);
            let outcome = self.deliver(&claim, &mut report).instrument(span).await?;
            match outcome {
                Delivered::Sent(Some(at)) => {
                    if let Some(key) = claim.item.action.posts_as() {
                        posted.insert(key.to_string(), at);
                    }
                }
                Delivered::Sent(None) | Delivered::Dead => {}
                Delivered::Held => {
                    let rest: Vec<ClaimedItem> = chain.left.drain(..).collect();
                    report.waiting += rest.len();
                    self.store.release(&rest).await?;
                    break;
                }
            }
        }
        Ok(report)
    }

    /// Sends what is pending until nothing is or `within` has passed, waiting for paced,
    /// retried and postponed items as they come due (not only the ones due now); says how
    /// many remain unsent in the outbox.
    pub async fn flush(&self, within: Duration) -> Result<Flushed, StoreError> {
        let deadline = tokio::time::Instant::now() + within;
        let before = |d: tokio::time::Instant| tokio::time::Instant::now() < d;
        while before(deadline) {
            let round = self.run_while(|| before(deadline)).await?;
            if round.sent + round.retried + round.dead > 0 {
                continue;
            }
            let Some(at) = self.store.next_pending_at().await? else {
                break;
            };
            let wait = (at - self.clock.now()).to_std().unwrap_or_default();
            // Nothing can be due before then; a floor keeps an odd clock from spinning.
            let wake = tokio::time::Instant::now() + wait.max(FLUSH_POLL_FLOOR);
            if wake >= deadline {
                break;
            }
            tokio::time::sleep_until(wake).await;
        }
        let released = self.release_untried().await?;
        if released > 0 {
            tracing::info!(actions = released, "gave back the actions not tried yet");
        }
        let (remaining, _dead) = self.store.outbox_counts().await?;
        Ok(Flushed {
            remaining: remaining.max(0) as u64,
        })
    }

    async fn deliver(
        &self,
        claim: &ClaimedItem,
        report: &mut DispatchReport,
    ) -> Result<Delivered, StoreError> {
        let now = self.clock.now();
        let outcome = self.attempt(claim, now).await?;
        let counted = match &outcome {
            Outcome::Sent(_) => (1, 0, 0),
            Outcome::Wait(_) => (0, 0, 0),
            Outcome::Retry(..) => (0, 1, 0),
            Outcome::Dead(_) | Outcome::Undelivered(_) => (0, 0, 1),
        };
        let (sent, retried, dead) = counted;
        crate::metrics::METRICS.dispatched(claim.platform.as_str(), sent, retried, dead);
        let held = match &outcome {
            Outcome::Sent(posted) => {
                report.sent += 1;
                self.sent
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((claim.clone(), posted.clone()));
                self.record_sent(RECORD_BATCH).await?;
                true
            }
            Outcome::Wait(until) => {
                report.waiting += 1;
                self.store.postpone(claim, *until).await?
            }
            Outcome::Retry(at, error) => {
                tracing::warn!(attempts = claim.item.attempts + 1, %error, "send failed; will retry");
                report.retried += 1;
                self.store.mark_failed(claim, error, Some(*at), now).await?
            }
            Outcome::Dead(error) => {
                tracing::error!(attempts = claim.item.attempts + 1, %error,
                    "send failed for good; parked in the outbox (helpdesk outbox retry)");
                report.dead += 1;
                self.store.mark_failed(claim, error, None, now).await?
            }
            Outcome::Undelivered(error) => {
                tracing::warn!(ticket = ?claim.item.ticket, %error,
                    "reached nobody; parked, and the desk looks for another way");
                report.dead += 1;
                self.store.mark_undelivered(claim, error, now).await?
            }
        };
        if !held {
            tracing::warn!("the claim's lease ran out and another dispatcher took the item over");
        }
        Ok(match outcome {
            Outcome::Sent(posted) => Delivered::Sent(posted),
            Outcome::Dead(_) | Outcome::Undelivered(_) => Delivered::Dead,
            Outcome::Wait(_) | Outcome::Retry(..) => Delivered::Held,
        })
    }

    /// Records the sends done so far in one transaction, once at least `at_least` wait.
    async fn record_sent(&self, at_least: usize) -> Result<(), StoreError> {
        let sent = {
            let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
            if sent.is_empty() || sent.len() < at_least {
                return Ok(());
            }
            std::mem::take(&mut *sent)
        };
        let now = self.clock.now();
        let held = self.store.mark_sent_many(&sent, now).await?;
        if held < sent.len() {
            tracing::warn!(
                lost = sent.len() - held,
                "claims' leases ran out and another dispatcher took the items over"
            );
        }
        Ok(())
    }

    /// Tries to send a claimed item and says what should become of it.
    async fn attempt(&self, claim: &ClaimedItem, now: Timestamp) -> Result<Outcome, StoreError> {
        let action = &claim.item.action;
        let target = match action.needs_message() {
            None => None,
            // Found by the claim, or posted earlier in the same chain.
            Some(_) if claim.target.is_some() => claim.target.clone(),
            // Queued before the outbox named what an action needs, or its post is parked.
            Some(key) => match self.store.message_ref(key).await? {
                Some(found) => Some(found),
                // The card it replies to is not out yet: wait for it, attempts untouched.
                None if self.store.post_is_pending(key).await? => {
                    return Ok(Outcome::Wait(later(now, self.policy.wait_for_parent)));
                }
                // Never posted, or parked as dead: nothing to reply to or update. Parked too, so
                // retrying the dead post (helpdesk outbox retry) brings both back.
                None => {
                    let error = crate::store::never_posted(key);
                    // A message that reaches nobody is the desk's to route another way.
                    return Ok(match action.message() {
                        Some(_) => Outcome::Undelivered(error),
                        None => Outcome::Dead(error),
                    });
                }
            },
        };
        let Some(platform) = self.platforms.get(&claim.platform) else {
            // Kept, not parked: the adapter may be configured again at the next start.
            tracing::warn!(platform = %claim.platform, "no adapter for this platform: waiting");
            return Ok(Outcome::Wait(later(now, NO_ADAPTER_WAIT)));
        };
        // The workspace or guild asked for a pause (Retry-After): wait it out, no attempt counted.
        let tenant = (claim.platform, claim.tenant_external_id.clone());
        let paused = self
            .paused
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&tenant)
            .copied();
        if let Some(until) = paused.filter(|until| *until > now) {
            return Ok(Outcome::Wait(until));
        }
        let channel = channel_of(action, target.as_ref());
        let _permits = self.gates.enter(&claim.platform, channel).await;
        // A send that outlived the lease could be taken over and sent twice: cut it short first.
        let key = claim.item.id.to_string();
        let attempt = Attempt {
            key: &key,
            again: claim.tried_before,
        };
        let sent = tokio::time::timeout(
            self.policy.send_timeout,
            platform.send(&claim.tenant_external_id, action, target.as_ref(), attempt),
        )
        .await
        .unwrap_or_else(|_| {
            Err(SendError::Transient(
                "the platform did not answer in time".into(),
            ))
        });
        let error = match sent {
            Ok(delivered) => return Ok(Outcome::Sent(delivered.posted)),
            Err(SendError::Paced { retry_after }) => {
                return Ok(Outcome::Wait(later(now, retry_after)))
            }
            Err(error) => error,
        };
        if let (SendError::Unreachable(_), Some(_)) = (&error, action.message()) {
            return Ok(Outcome::Undelivered(error.to_string()));
        }
        let attempts = claim.item.attempts + 1;
        let retry_in = match &error {
            SendError::Permanent(_) | SendError::Unreachable(_) => None,
            _ if attempts >= self.policy.max_attempts => None,
            SendError::RateLimited { retry_after } => {
                let until = later(now, *retry_after);
                let mut paused = self.paused.lock().unwrap_or_else(|e| e.into_inner());
                let at = paused.entry(tenant).or_insert(until);
                *at = (*at).max(until);
                Some(*retry_after)
            }
            SendError::Paced { retry_after } => Some(*retry_after),
            SendError::Transient(_) => Some(self.policy.backoff(attempts)),
        };
        Ok(match retry_in {
            Some(wait) => Outcome::Retry(later(now, wait), error.to_string()),
            None => Outcome::Dead(error.to_string()),
        })
    }
}

/// Groups a claim's items by ordering key, each key's in queue order, the keys by their head.
fn chains(claimed: Vec<ClaimedItem>) -> Vec<Vec<ClaimedItem>> {
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut chains: Vec<Vec<ClaimedItem>> = Vec::new();
    for claim in claimed {
        match at.get(&claim.ordering_key) {
            Some(&i) => chains[i].push(claim),
            None => {
                at.insert(claim.ordering_key.clone(), chains.len());
                chains.push(vec![claim]);
            }
        }
    }
    chains
}

/// The channel a send lands in, for its channel's bound: named by the action, or where the
/// message it edits was posted.
fn channel_of<'a>(action: &'a ChatAction, target: Option<&'a MessageRef>) -> Option<&'a str> {
    action
        .channel()
        .or_else(|| target.map(|t| t.channel.as_str()))
}

/// What a chain learns of one of its items.
enum Delivered {
    /// Sent; for a post, where it landed.
    Sent(Option<MessageRef>),
    /// Parked: what follows may go on (it finds the post it needs missing, as it is).
    Dead,
    /// To be tried later: what follows in its key stays behind it.
    Held,
}

/// What becomes of a claimed item after one attempt.
enum Outcome {
    /// Delivered; for a post, where it landed.
    Sent(Option<MessageRef>),
    /// Waiting for the message it refers to, until then (no attempt counted).
    Wait(Timestamp),
    /// Failed; try again at that time.
    Retry(Timestamp, String),
    /// Failed for good; parked.
    Dead(String),
    /// Reached nobody (the place takes no messages from the bot, or the message it needs
    /// was never posted); parked, and the desk is told.
    Undelivered(String),
}

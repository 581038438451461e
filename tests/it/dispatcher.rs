//! The outbox dispatcher: exactly once, in order per thread, through failures and rate limits.

use crate::common;

use common::{now, tenant};
use helpdesk::clock::{Clock, ManualClock};
use helpdesk::desk::keys::MessageKey;
use helpdesk::domain::TicketId;
use helpdesk::schedule::{Dispatcher, RetryPolicy};
use helpdesk::store::{ConnectOptions, Lane, OutboxState, Store};
use helpdesk_chat::{
    Attempt, ChatAction, ChatPlatform, MemoryPlatform, MessageRef, RichMessage, SendError,
    SendFuture, ThreadRef,
};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Barrier, Notify, Semaphore};

on_both_backends!(
    every_action_is_delivered_once_in_order_despite_failures,
    a_rate_limit_is_honoured,
    what_keeps_failing_is_parked_and_can_be_retried,
    a_reply_waits_for_the_card_it_belongs_to,
    a_reply_to_a_message_never_posted_is_parked_until_its_post_returns,
    a_new_dispatcher_resumes_unsent_work,
    a_hung_send_is_cut_short_and_a_lost_lease_changes_nothing,
    a_worker_that_died_after_sending_is_not_sent_twice,
    a_paced_send_waits_for_its_slot_without_counting_an_attempt,
    answers_to_a_person_are_claimed_before_older_posts,
    unrelated_cards_in_one_channel_go_out_in_one_round,
    sends_to_different_channels_go_side_by_side,
    one_channel_takes_at_most_its_bound,
    answers_go_out_while_a_round_of_cards_is_stuck,
    a_rate_limit_pauses_the_workspace_without_counting_attempts_for_the_rest,
    a_desk_commit_goes_through_while_a_send_hangs,
    held_answers_go_out_without_a_claim_and_only_once,
);

/// A platform that never answers.
struct Hung;

impl ChatPlatform for Hung {
    fn platform(&self) -> helpdesk_chat::Platform {
        helpdesk_chat::Platform::MEMORY
    }

    fn send<'a>(
        &'a self,
        _: &'a str,
        _: &'a ChatAction,
        _: Option<&'a helpdesk_chat::MessageRef>,
        _: helpdesk_chat::Attempt<'a>,
    ) -> helpdesk_chat::SendFuture<'a> {
        Box::pin(std::future::pending())
    }
}

fn setup(store: &Store) -> (Arc<MemoryPlatform>, Arc<ManualClock>, Dispatcher) {
    let platform = Arc::new(MemoryPlatform::new());
    let clock = Arc::new(ManualClock::new(now()));
    let dispatcher = Dispatcher::new(
        store.clone(),
        vec![platform.clone() as Arc<dyn ChatPlatform>],
        clock.clone(),
        RetryPolicy {
            max_attempts: 5,
            ..RetryPolicy::default()
        },
    );
    (platform, clock, dispatcher)
}

fn reply(thread: &str, n: usize) -> ChatAction {
    ChatAction::Reply {
        channel: "C-help".into(),
        thread: ThreadRef::Id(thread.into()),
        message: RichMessage::text(format!("{thread} message {n}")),
    }
}

async fn enqueue(
    store: &Store,
    tenant: helpdesk::domain::TenantId,
    actions: &[ChatAction],
    at: helpdesk::domain::Timestamp,
) {
    let mut tx = store.begin().await.unwrap();
    for a in actions {
        tx.enqueue(tenant, None, a, at).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// Runs rounds, moving the clock past any backoff, until nothing is pending.
async fn drain(store: &Store, clock: &ManualClock, dispatcher: &Dispatcher) {
    for _ in 0..200 {
        if store
            .outbox(Some(OutboxState::Pending), 1)
            .await
            .unwrap()
            .is_empty()
        {
            return;
        }
        dispatcher.run_once().await.unwrap();
        clock.advance(Duration::from_secs(301));
    }
    panic!("the outbox did not drain");
}

async fn every_action_is_delivered_once_in_order_despite_failures(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let (platform, clock, dispatcher) = setup(&store);
    let mut expected: BTreeMap<String, Vec<ChatAction>> = BTreeMap::new();
    let mut actions = Vec::new();
    for n in 0..10 {
        for thread in ["t1", "t2", "t3"] {
            let a = reply(thread, n);
            expected
                .entry(a.ordering_key())
                .or_default()
                .push(a.clone());
            actions.push(a);
        }
    }
    enqueue(&store, acme, &actions, clock.now()).await;
    platform.fail_next((0..7).map(|i| SendError::Transient(format!("network blip {i}"))));
    drain(&store, &clock, &dispatcher).await;

    let sent = platform.sent();
    assert_eq!(sent.len(), 30, "each action exactly once");
    let mut got: BTreeMap<String, Vec<ChatAction>> = BTreeMap::new();
    for r in sent {
        assert_eq!(r.tenant, "T-acme");
        got.entry(r.action.ordering_key())
            .or_default()
            .push(r.action);
    }
    assert_eq!(got, expected, "in order within each thread");
    assert_eq!(
        store
            .outbox(Some(OutboxState::Sent), 100)
            .await
            .unwrap()
            .len(),
        30
    );
}

async fn a_rate_limit_is_honoured(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let (platform, clock, dispatcher) = setup(&store);
    enqueue(&store, acme, &[reply("t1", 1)], clock.now()).await;
    platform.fail_next([SendError::RateLimited {
        retry_after: Duration::from_secs(30),
    }]);
    assert_eq!(dispatcher.run_once().await.unwrap().retried, 1);
    clock.advance(Duration::from_secs(29));
    assert_eq!(
        dispatcher.run_once().await.unwrap().sent,
        0,
        "not before Retry-After"
    );
    clock.advance(Duration::from_secs(1));
    assert_eq!(dispatcher.run_once().await.unwrap().sent, 1);
    assert_eq!(platform.sent().len(), 1);
}

async fn what_keeps_failing_is_parked_and_can_be_retried(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let (platform, clock, dispatcher) = setup(&store);
    enqueue(&store, acme, &[reply("t1", 1), reply("t1", 2)], clock.now()).await;
    platform.fail_next((0..5).map(|_| SendError::Transient("down".into())));
    let mut dead = 0;
    for _ in 0..5 {
        dead += dispatcher.run_once().await.unwrap().dead;
        clock.advance(Duration::from_secs(301));
    }
    assert_eq!(dead, 1, "parked after max_attempts");
    let parked = store.outbox(Some(OutboxState::Dead), 10).await.unwrap();
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].attempts, 5);
    assert!(parked[0].last_error.as_deref().unwrap().contains("down"));
    // The thread's next message waits behind nothing dead: it goes out.
    drain(&store, &clock, &dispatcher).await;
    assert_eq!(platform.sent().len(), 1);

    // A permanent failure is parked at once.
    enqueue(&store, acme, &[reply("t9", 1)], clock.now()).await;
    platform.fail_next([SendError::Permanent("channel_not_found".into())]);
    assert_eq!(dispatcher.run_once().await.unwrap().dead, 1);

    assert_eq!(store.retry_dead(None, clock.now()).await.unwrap(), 2);
    drain(&store, &clock, &dispatcher).await;
    assert_eq!(platform.sent().len(), 3);
    assert!(store
        .outbox(Some(OutboxState::Dead), 10)
        .await
        .unwrap()
        .is_empty());
}

async fn a_reply_waits_for_the_card_it_belongs_to(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let (platform, clock, dispatcher) = setup(&store);
    let card = ChatAction::Post {
        channel: "C-l1".into(),
        message: RichMessage::text("card #1"),
        key: Some(card_key(1, "L1")),
    };
    let in_thread = ChatAction::Reply {
        channel: "C-l1".into(),
        thread: ThreadRef::Message(card_key(1, "L1")),
        message: RichMessage::text("discussion"),
    };
    let update = ChatAction::Update {
        key: card_key(1, "L1"),
        message: RichMessage::text("card #1, claimed"),
    };
    enqueue(&store, acme, &[card, in_thread, update], clock.now()).await;
    platform.fail_next([SendError::Transient("blip".into())]);
    let first = dispatcher.run_once().await.unwrap();
    assert_eq!(
        (first.sent, first.retried, first.waiting),
        (0, 1, 2),
        "{first:?}"
    );
    drain(&store, &clock, &dispatcher).await;

    let sent = platform.sent();
    assert_eq!(sent.len(), 3);
    let posted = sent[0].posted.clone().expect("the card was posted first");
    assert!(
        sent[1..].iter().all(|r| r.target.as_ref() == Some(&posted)),
        "{sent:?}"
    );
    assert_eq!(
        store.message_ref(&card_key(1, "L1")).await.unwrap(),
        Some(posted)
    );
}

async fn a_reply_to_a_message_never_posted_is_parked_until_its_post_returns(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let (platform, clock, dispatcher) = setup(&store);
    let card = ChatAction::Post {
        channel: "C-l1".into(),
        message: RichMessage::text("card #2"),
        key: Some(card_key(2, "L1")),
    };
    let orphan = ChatAction::Update {
        key: card_key(404, "L1"),
        message: RichMessage::text("?"),
    };
    let update = ChatAction::Update {
        key: card_key(2, "L1"),
        message: RichMessage::text("claimed"),
    };
    enqueue(&store, acme, &[orphan, card, update], clock.now()).await;
    // The card fails for good; its update, and the update of a card never queued, are parked
    // without reaching the platform.
    platform.fail_next([SendError::Permanent("channel_not_found".into())]);
    drain(&store, &clock, &dispatcher).await;
    assert!(platform.sent().is_empty(), "{:?}", platform.sent());
    let parked = store.outbox(Some(OutboxState::Dead), 10).await.unwrap();
    assert_eq!(parked.len(), 3);
    assert!(parked.iter().any(|i| i
        .last_error
        .as_deref()
        .is_some_and(|e| e.contains(&card_key(404, "L1")))));

    // Once the channel exists again, retrying everything sends the card first, then its update.
    assert_eq!(store.retry_dead(None, clock.now()).await.unwrap(), 3);
    drain(&store, &clock, &dispatcher).await;
    let sent = platform.sent();
    assert_eq!(sent.len(), 2, "the orphan is parked again: {sent:?}");
    assert!(matches!(sent[0].action, ChatAction::Post { .. }));
    assert_eq!(sent[1].target, sent[0].posted);
}

async fn a_new_dispatcher_resumes_unsent_work(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let (platform, clock, fresh) = setup(&store);
    enqueue(&store, acme, &[reply("t1", 1), reply("t2", 1)], clock.now()).await;
    // Another dispatcher claimed the items and died before sending: its lease is left behind.
    let claimed = store
        .claim_outbox(clock.now(), clock.now() + chrono::Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 2);
    assert_eq!(
        fresh.run_once().await.unwrap().sent,
        0,
        "leased items are not taken twice"
    );
    clock.advance(Duration::from_secs(61));
    assert_eq!(
        fresh.run_once().await.unwrap().sent,
        2,
        "an expired lease is taken over"
    );
    assert_eq!(platform.sent().len(), 2);
}

async fn a_hung_send_is_cut_short_and_a_lost_lease_changes_nothing(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let clock = Arc::new(ManualClock::new(now()));
    let policy = RetryPolicy {
        send_timeout: Duration::from_millis(50),
        ..RetryPolicy::default()
    };
    let hung = Dispatcher::new(
        store.clone(),
        vec![Arc::new(Hung) as Arc<dyn ChatPlatform>],
        clock.clone(),
        policy,
    );
    enqueue(&store, acme, &[reply("t1", 1)], clock.now()).await;
    let report = hung.run_once().await.unwrap();
    assert_eq!(report.retried, 1, "{report:?}");
    let item = &store.outbox(Some(OutboxState::Pending), 10).await.unwrap()[0];
    assert_eq!(item.attempts, 1);
    assert!(item
        .last_error
        .as_deref()
        .unwrap()
        .contains("did not answer in time"));

    // Worker A claims, stalls past its lease; worker B takes the item over and sends it.
    // A's late outcome must change nothing.
    clock.advance(Duration::from_secs(301));
    let t0 = clock.now();
    let a = store
        .claim_outbox(t0, t0 + chrono::Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(a.len(), 1);
    let t1 = t0 + chrono::Duration::seconds(61);
    let b = store
        .claim_outbox(t1, t1 + chrono::Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(b.len(), 1, "the expired lease is taken over");
    // A reports while B still holds the item: only the lease tells them apart.
    assert!(
        !store.mark_failed(&a[0], "late", None, t1).await.unwrap(),
        "A lost its lease"
    );
    assert!(store.mark_sent(&b[0], None, t1).await.unwrap());
    assert!(!store.mark_sent(&a[0], None, t1).await.unwrap());
    let items = store.outbox(None, 10).await.unwrap();
    assert_eq!(items[0].state, OutboxState::Sent);
    assert_eq!(items[0].attempts, 1, "A's late failure was not counted");
}

async fn a_worker_that_died_after_sending_is_not_sent_twice(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let (platform, clock, fresh) = setup(&store);
    let card = ChatAction::Post {
        channel: "C-l1".into(),
        message: RichMessage::text("card"),
        key: Some(card_key(1, "C-l1")),
    };
    enqueue(&store, acme, std::slice::from_ref(&card), clock.now()).await;
    // A worker claims the post, the platform takes it, and the worker dies before recording it.
    let claimed = store
        .claim_outbox(clock.now(), clock.now() + chrono::Duration::seconds(60), 10)
        .await
        .unwrap();
    assert!(!claimed[0].tried_before, "a first try");
    let key = claimed[0].item.id.to_string();
    let first = Attempt {
        key: &key,
        again: false,
    };
    let landed = platform.send("T-acme", &card, None, first).await.unwrap();
    clock.advance(Duration::from_secs(61));
    // The next worker knows the item was tried; the platform finds the post by the item's key.
    assert_eq!(fresh.run_once().await.unwrap().sent, 1);
    assert_eq!(platform.sent().len(), 1, "posted once");
    assert_eq!(
        store.message_ref(&card_key(1, "C-l1")).await.unwrap(),
        landed.posted,
        "the card's place is remembered from the first try"
    );
}

async fn a_paced_send_waits_for_its_slot_without_counting_an_attempt(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let (platform, clock, dispatcher) = setup(&store);
    enqueue(&store, acme, &[reply("t1", 1), reply("t2", 1)], clock.now()).await;
    // The adapter's pacing holds the first back; the dispatcher goes on with the second.
    platform.fail_next([SendError::Paced {
        retry_after: Duration::from_secs(1),
    }]);
    let round = dispatcher.run_once().await.unwrap();
    assert_eq!((round.sent, round.retried, round.waiting), (1, 0, 1));
    let held = &store.outbox(Some(OutboxState::Pending), 10).await.unwrap()[0];
    assert_eq!(held.attempts, 0, "pacing is not a failure");
    clock.advance(Duration::from_secs(1));
    assert_eq!(dispatcher.run_once().await.unwrap().sent, 1);
    assert_eq!(platform.sent().len(), 2);
}

async fn answers_to_a_person_are_claimed_before_older_posts(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let (_, clock, _) = setup(&store);
    // A backlog of cards in many channels, then a private answer queued last.
    let mut actions: Vec<ChatAction> = (0..5)
        .map(|i| ChatAction::Post {
            channel: format!("C-{i}"),
            message: RichMessage::text("card"),
            key: None,
        })
        .collect();
    actions.push(ChatAction::Ephemeral {
        channel: "C-0".into(),
        thread: None,
        user: "U-mario".into(),
        message: RichMessage::text("your tickets"),
        trigger: None,
    });
    enqueue(&store, acme, &actions, clock.now()).await;
    let first = store
        .claim_outbox(clock.now(), clock.now() + chrono::Duration::seconds(60), 1)
        .await
        .unwrap();
    assert!(
        matches!(first[0].item.action, ChatAction::Ephemeral { .. }),
        "the answer goes first: {:?}",
        first[0].item.action
    );
    let rest = store
        .claim_outbox(clock.now(), clock.now() + chrono::Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(rest.len(), 5, "then the posts, each in its own lane");
}

/// The key of ticket `id`'s card in `channel`, as the desk writes it.
fn card_key(id: i64, channel: &str) -> String {
    MessageKey::card(TicketId(id), channel).to_string()
}

/// A card posted with its key, its thread's first reply and an update, as the desk queues them.
fn card_with_thread(id: i64, channel: &str) -> Vec<ChatAction> {
    let key = card_key(id, channel);
    vec![
        ChatAction::Post {
            channel: channel.into(),
            message: RichMessage::text(format!("card #{id}")),
            key: Some(key.clone()),
        },
        ChatAction::Reply {
            channel: channel.into(),
            thread: ThreadRef::Message(key.clone()),
            message: RichMessage::text(format!("discussion #{id}")),
        },
        ChatAction::Update {
            key,
            message: RichMessage::text(format!("card #{id}, claimed")),
        },
    ]
}

async fn unrelated_cards_in_one_channel_go_out_in_one_round(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let (platform, clock, dispatcher) = setup(&store);
    // As many cards as a round claims conversations.
    let cards = helpdesk::schedule::RetryPolicy::default().batch;
    let actions: Vec<ChatAction> = (1..=cards)
        .flat_map(|i| card_with_thread(i, "C-l1"))
        .collect();
    enqueue(&store, acme, &actions, clock.now()).await;
    // One round: each card with its thread and update, the cards side by side (before, cards
    // of one channel shared a queue and went one per round, their threads a round later).
    let round = dispatcher.run_once().await.unwrap();
    assert_eq!(
        (round.sent, round.waiting, round.retried),
        (3 * cards as usize, 0, 0),
        "{round:?}"
    );
    let sent = platform.sent();
    for id in 1..=cards {
        let key = card_key(id, "C-l1");
        let posted = platform.posted(&key).expect("card posted");
        let mine: Vec<_> = sent
            .iter()
            .filter(|r| match &r.action {
                ChatAction::Post { key: Some(k), .. } | ChatAction::Update { key: k, .. } => {
                    *k == key
                }
                ChatAction::Reply {
                    thread: ThreadRef::Message(k),
                    ..
                } => *k == key,
                _ => false,
            })
            .collect();
        assert_eq!(mine.len(), 3, "{mine:?}");
        assert!(
            matches!(mine[0].action, ChatAction::Post { .. }),
            "the card first"
        );
        assert!(
            matches!(mine[1].action, ChatAction::Reply { .. }),
            "then its thread"
        );
        assert!(mine[1..].iter().all(|r| r.target.as_ref() == Some(&posted)));
    }
}

/// A platform that holds each send until `together` sends are in flight at once (serial
/// sends would never get there: they time out and count as failures), and keeps the most
/// sends it saw in flight per channel.
struct Together {
    inner: MemoryPlatform,
    together: Barrier,
    in_flight: Mutex<HashMap<String, usize>>,
    most: Mutex<HashMap<String, usize>>,
}

impl Together {
    fn new(together: usize) -> Self {
        Together {
            inner: MemoryPlatform::new(),
            together: Barrier::new(together),
            in_flight: Mutex::default(),
            most: Mutex::default(),
        }
    }

    fn most_in(&self, channel: &str) -> usize {
        self.most.lock().unwrap().get(channel).copied().unwrap_or(0)
    }
}

fn channel_of(action: &ChatAction, target: Option<&MessageRef>) -> String {
    action
        .channel()
        .map(str::to_string)
        .or_else(|| target.map(|t| t.channel.clone()))
        .unwrap_or_default()
}

impl ChatPlatform for Together {
    fn platform(&self) -> helpdesk_chat::Platform {
        helpdesk_chat::Platform::MEMORY
    }

    fn send<'a>(
        &'a self,
        tenant: &'a str,
        action: &'a ChatAction,
        target: Option<&'a MessageRef>,
        attempt: Attempt<'a>,
    ) -> SendFuture<'a> {
        Box::pin(async move {
            let channel = channel_of(action, target);
            {
                let mut in_flight = self.in_flight.lock().unwrap();
                let n = in_flight.entry(channel.clone()).or_default();
                *n += 1;
                let mut most = self.most.lock().unwrap();
                let m = most.entry(channel.clone()).or_default();
                *m = (*m).max(*n);
            }
            self.together.wait().await;
            *self.in_flight.lock().unwrap().get_mut(&channel).unwrap() -= 1;
            self.inner.send(tenant, action, target, attempt).await
        })
    }
}

fn dispatcher_over(
    store: &Store,
    platform: Arc<dyn ChatPlatform>,
    clock: Arc<ManualClock>,
    per_platform: usize,
    per_channel: usize,
) -> Dispatcher {
    Dispatcher::new(
        store.clone(),
        vec![platform],
        clock,
        RetryPolicy {
            per_platform,
            per_channel,
            send_timeout: Duration::from_secs(10),
            ..RetryPolicy::default()
        },
    )
}

async fn sends_to_different_channels_go_side_by_side(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let clock = Arc::new(ManualClock::new(now()));
    let platform = Arc::new(Together::new(4));
    let dispatcher = dispatcher_over(&store, platform.clone(), clock.clone(), 4, 1);
    let actions: Vec<ChatAction> = (0..8)
        .map(|i| ChatAction::Reply {
            channel: format!("C-{i}"),
            thread: ThreadRef::Id("t".into()),
            message: RichMessage::text(format!("reply {i}")),
        })
        .collect();
    enqueue(&store, acme, &actions, clock.now()).await;
    let round = dispatcher.run_once().await.unwrap();
    assert_eq!(
        (round.sent, round.retried),
        (8, 0),
        "four at a time: {round:?}"
    );
    assert!((0..8).all(|i| platform.most_in(&format!("C-{i}")) == 1));
}

async fn one_channel_takes_at_most_its_bound(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let clock = Arc::new(ManualClock::new(now()));
    let platform = Arc::new(Together::new(2));
    let dispatcher = dispatcher_over(&store, platform.clone(), clock.clone(), 16, 2);
    let actions: Vec<ChatAction> = (1..=8)
        .map(|i| ChatAction::Post {
            channel: "C-l1".into(),
            message: RichMessage::text(format!("card {i}")),
            key: Some(card_key(i, "C-l1")),
        })
        .collect();
    enqueue(&store, acme, &actions, clock.now()).await;
    let round = dispatcher.run_once().await.unwrap();
    assert_eq!((round.sent, round.retried), (8, 0), "{round:?}");
    assert_eq!(
        platform.most_in("C-l1"),
        2,
        "two at a time in the channel, never more"
    );
}

/// A platform on which posts hang until released, while anything else goes through.
struct StuckPosts {
    inner: MemoryPlatform,
    entered: Notify,
    release: Semaphore,
}

impl ChatPlatform for StuckPosts {
    fn platform(&self) -> helpdesk_chat::Platform {
        helpdesk_chat::Platform::MEMORY
    }

    fn send<'a>(
        &'a self,
        tenant: &'a str,
        action: &'a ChatAction,
        target: Option<&'a MessageRef>,
        attempt: Attempt<'a>,
    ) -> SendFuture<'a> {
        Box::pin(async move {
            if matches!(action, ChatAction::Post { .. }) {
                self.entered.notify_one();
                let _ = self.release.acquire().await.unwrap();
            }
            self.inner.send(tenant, action, target, attempt).await
        })
    }
}

async fn answers_go_out_while_a_round_of_cards_is_stuck(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let clock = Arc::new(ManualClock::new(now()));
    let platform = Arc::new(StuckPosts {
        inner: MemoryPlatform::new(),
        entered: Notify::new(),
        release: Semaphore::new(0),
    });
    let dispatcher = dispatcher_over(&store, platform.clone(), clock.clone(), 16, 4);
    let mut actions: Vec<ChatAction> = (1..=5).flat_map(|i| card_with_thread(i, "C-l1")).collect();
    enqueue(&store, acme, &actions, clock.now()).await;
    let normal = dispatcher.run_lane(Lane::Normal, || true);
    let answers = async {
        // Once a card is hanging, a person is answered.
        platform.entered.notified().await;
        actions = vec![ChatAction::Ephemeral {
            channel: "C-help".into(),
            thread: None,
            user: "U-mario".into(),
            message: RichMessage::text("your tickets"),
            trigger: None,
        }];
        enqueue(&store, acme, &actions, clock.now()).await;
        let round = dispatcher.run_lane(Lane::Answers, || true).await.unwrap();
        let delivered = platform.inner.sent();
        platform.release.add_permits(100);
        (round, delivered)
    };
    let (normal, (answered, delivered_meanwhile)) = tokio::join!(normal, answers);
    assert_eq!(answered.sent, 1, "{answered:?}");
    assert_eq!(
        delivered_meanwhile.len(),
        1,
        "only the answer, while the cards hang"
    );
    assert!(matches!(
        delivered_meanwhile[0].action,
        ChatAction::Ephemeral { .. }
    ));
    assert_eq!(normal.unwrap().sent, 15);
}

async fn a_rate_limit_pauses_the_workspace_without_counting_attempts_for_the_rest(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let (platform, clock, dispatcher) = setup(&store);
    enqueue(
        &store,
        acme,
        &[reply("t1", 1), reply("t2", 1), reply("t3", 1)],
        clock.now(),
    )
    .await;
    platform.fail_next([SendError::RateLimited {
        retry_after: Duration::from_secs(30),
    }]);
    let round = dispatcher.run_once().await.unwrap();
    assert_eq!(
        (round.sent, round.retried, round.waiting),
        (0, 1, 2),
        "{round:?}"
    );
    let pending = store.outbox(Some(OutboxState::Pending), 10).await.unwrap();
    let resume = clock.now() + chrono::Duration::seconds(30);
    assert!(
        pending.iter().all(|i| i.next_attempt_at == resume),
        "{pending:?}"
    );
    assert_eq!(
        pending.iter().map(|i| i.attempts).sum::<i64>(),
        1,
        "only the send that was refused counts"
    );
    clock.advance(Duration::from_secs(29));
    assert_eq!(
        dispatcher.run_once().await.unwrap().sent,
        0,
        "not before Retry-After"
    );
    clock.advance(Duration::from_secs(1));
    assert_eq!(dispatcher.run_once().await.unwrap().sent, 3);
}

mod three_dispatchers_share_one_channel_in_order_and_once {
    use super::*;

    /// Three replicas, each with its own connection pool on one PostgreSQL database.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        let Some(db) = common::TestDb::postgres().await else {
            return;
        };
        let mut stores = vec![db.store.clone()];
        for _ in 0..2 {
            let mut options = ConnectOptions::new(db.url.clone());
            options.max_connections = 8;
            stores.push(Store::open(&options).await.unwrap());
        }
        super::three_dispatchers_share_one_channel_in_order_and_once(&stores).await;
        for s in &stores[1..] {
            s.close().await;
        }
        db.finish().await;
    }

    /// Three dispatchers in one process on one SQLite file.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        let db = common::TestDb::sqlite().await;
        let stores = vec![db.store.clone(), db.store.clone(), db.store.clone()];
        super::three_dispatchers_share_one_channel_in_order_and_once(&stores).await;
        db.finish().await;
    }
}

async fn three_dispatchers_share_one_channel_in_order_and_once(stores: &[Store]) {
    let store = &stores[0];
    let acme = tenant(store, "T-acme").await;
    let platform = Arc::new(MemoryPlatform::new());
    let clock = Arc::new(ManualClock::new(now()));
    let dispatchers: Vec<Dispatcher> = stores
        .iter()
        .map(|s| dispatcher_over(s, platform.clone(), clock.clone(), 16, 4))
        .collect();
    // 40 cards in one channel, each with its thread and update, and one thread of 40 replies.
    let mut actions: Vec<ChatAction> = (1..=40).flat_map(|i| card_with_thread(i, "C-l1")).collect();
    actions.extend((0..40).map(|n| reply("busy", n)));
    enqueue(store, acme, &actions, clock.now()).await;
    for _ in 0..50 {
        let (a, b, c) = tokio::join!(
            dispatchers[0].run_once(),
            dispatchers[1].run_once(),
            dispatchers[2].run_once()
        );
        for r in [a, b, c] {
            r.unwrap();
        }
        if store
            .outbox(Some(OutboxState::Pending), 1)
            .await
            .unwrap()
            .is_empty()
        {
            break;
        }
    }
    let sent = platform.sent();
    assert_eq!(sent.len(), actions.len(), "each sent once");
    // In order within each ordering key, whoever sent it.
    let mut expected: BTreeMap<String, Vec<ChatAction>> = BTreeMap::new();
    for a in &actions {
        expected
            .entry(a.ordering_key())
            .or_default()
            .push(a.clone());
    }
    let mut got: BTreeMap<String, Vec<ChatAction>> = BTreeMap::new();
    for r in &sent {
        got.entry(r.action.ordering_key())
            .or_default()
            .push(r.action.clone());
    }
    assert_eq!(got, expected);
    for id in 1..=40 {
        let posted = platform.posted(&card_key(id, "C-l1"));
        assert!(posted.is_some());
        assert!(sent
            .iter()
            .filter(|r| r.action.needs_message() == Some(card_key(id, "C-l1").as_str()))
            .all(|r| r.target == posted));
    }
}

async fn a_desk_commit_goes_through_while_a_send_hangs(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let clock = Arc::new(ManualClock::new(now()));
    let platform = Arc::new(StuckPosts {
        inner: MemoryPlatform::new(),
        entered: Notify::new(),
        release: Semaphore::new(0),
    });
    let dispatcher = dispatcher_over(&store, platform.clone(), clock.clone(), 16, 4);
    enqueue(&store, acme, &card_with_thread(1, "C-l1"), clock.now()).await;
    let round_over = std::sync::atomic::AtomicBool::new(false);
    let round = async {
        let r = dispatcher.run_once().await;
        round_over.store(true, std::sync::atomic::Ordering::SeqCst);
        r
    };
    let desk = async {
        // While the card's send hangs, the desk writes and commits (on SQLite: takes the one
        // writer's lock). Were the lock held across the send, this would wait for its timeout.
        platform.entered.notified().await;
        enqueue(&store, acme, &[reply("t9", 1)], clock.now()).await;
        let during = !round_over.load(std::sync::atomic::Ordering::SeqCst);
        platform.release.add_permits(100);
        during
    };
    let (round, committed_during_the_send) = tokio::join!(round, desk);
    assert!(committed_during_the_send);
    assert_eq!(round.unwrap().sent, 3);
}

async fn held_answers_go_out_without_a_claim_and_only_once(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let (platform, clock, dispatcher) = setup(&store);
    let answer = ChatAction::Ephemeral {
        channel: "C-help".into(),
        thread: None,
        user: "U-mario".into(),
        message: RichMessage::text("your tickets"),
        trigger: Some("interaction-token".into()),
    };
    let card = ChatAction::Post {
        channel: "C-l1".into(),
        message: RichMessage::text("card"),
        key: Some(card_key(1, "C-l1")),
    };
    // The desk's transaction claims its answers for this process as it queues them.
    let mut tx = store.begin().await.unwrap();
    tx.hold_answers(clock.now() + chrono::Duration::seconds(60));
    tx.enqueue(acme, None, &answer, clock.now()).await.unwrap();
    tx.enqueue(acme, None, &card, clock.now()).await.unwrap();
    let held = tx.commit_holding().await.unwrap();
    assert_eq!(held.len(), 1, "only the answer is held");
    // Any other dispatcher's claim leaves the held answer alone: it takes the card only.
    let t = clock.now();
    let others = store
        .claim_outbox(t, t + chrono::Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(others.len(), 1);
    assert!(matches!(others[0].item.action, ChatAction::Post { .. }));
    store.release(&others).await.unwrap();
    let report = dispatcher
        .send_held(
            held.into_iter()
                .map(|h| h.claimed(helpdesk_chat::Platform::MEMORY, "T-acme"))
                .collect(),
        )
        .await
        .unwrap();
    assert_eq!(report.sent, 1);
    assert_eq!(platform.sent()[0].action, answer);
    // Recorded as sent (its token erased), so no round sends it again.
    assert_eq!(dispatcher.run_once().await.unwrap().sent, 1, "the card");
    clock.advance(Duration::from_secs(120));
    assert_eq!(dispatcher.run_once().await.unwrap().sent, 0);
    assert_eq!(platform.sent().len(), 2);
    let answered = &store.outbox(Some(OutboxState::Sent), 10).await.unwrap()[0];
    assert!(matches!(
        &answered.action,
        ChatAction::Ephemeral { trigger: None, .. }
    ));
}

/// On PostgreSQL replicas claim side by side with SKIP LOCKED: a row another replica holds
/// breaks its own chain only. The claim keeps that chain's start and every other key whole,
/// and sends nothing past the gap, so no key goes out of order.
#[tokio::test]
async fn a_row_held_by_another_replica_breaks_only_its_own_chain() {
    use sqlx::Connection;
    let Some(db) = common::TestDb::postgres().await else {
        return;
    };
    let store = &db.store;
    let acme = tenant(store, "T-acme").await;
    let clock = ManualClock::new(now());
    let actions = [
        reply("t1", 0),
        reply("t1", 1),
        reply("t1", 2),
        reply("t2", 0),
    ];
    enqueue(store, acme, &actions, clock.now()).await;
    let mut other = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM outbox ORDER BY id")
        .fetch_all(&mut other)
        .await
        .unwrap();
    let mut held = other.begin().await.unwrap();
    sqlx::query("SELECT id FROM outbox WHERE id = $1 FOR UPDATE")
        .bind(ids[1])
        .execute(&mut *held)
        .await
        .unwrap();

    let lease = clock.now() + chrono::Duration::seconds(60);
    let claimed = store.claim_outbox(clock.now(), lease, 10).await.unwrap();
    let got: Vec<i64> = claimed.iter().map(|c| c.item.id).collect();
    assert_eq!(
        got,
        vec![ids[0], ids[3]],
        "t1 stops at the held row; t2 is whole"
    );
    assert!(claimed
        .iter()
        .all(|c| !c.tried_before && c.lease_until == lease));
    held.rollback().await.unwrap();

    // Once t1's head is sent and the other replica has let go, the rest follows in order.
    assert!(store
        .mark_sent(&claimed[0], None, clock.now())
        .await
        .unwrap());
    let rest = store.claim_outbox(clock.now(), lease, 10).await.unwrap();
    let got: Vec<i64> = rest.iter().map(|c| c.item.id).collect();
    assert_eq!(got, vec![ids[1], ids[2]]);
    other.close().await.unwrap();
    db.finish().await;
}

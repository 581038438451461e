//! The store's behaviour, on SQLite and on PostgreSQL alike.

use crate::common;

use common::{new_ticket, now, tenant};
use helpdesk::domain::{Author, Grade, Level, LogEntry, LogKind, Person, Status, TicketNumber};
use helpdesk::store::{
    AuditEntry, OutboxState, Store, StoreError, TicketFilter, TimerKind, TimerState,
};
use helpdesk_chat::{ChatAction, Platform, RichMessage};
use std::collections::BTreeSet;

on_both_backends!(
    concurrent_creations_get_distinct_gap_free_numbers,
    a_rolled_back_ticket_gives_its_number_back,
    log_order_is_preserved,
    a_duplicate_platform_event_is_detected,
    a_stale_ticket_write_is_refused,
    a_ticket_round_trips_through_changes,
    tickets_are_listed_by_filter,
    outbox_timers_and_audit_are_kept,
    a_timer_pauses_resumes_fires_and_cancels,
    unknown_tickets_are_none,
);

async fn concurrent_creations_get_distinct_gap_free_numbers(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let other = tenant(&store, "T-other").await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = store.begin().await.expect("begin");
            let t = tx
                .create_ticket(new_ticket(acme, &format!("ticket {i}")), now())
                .await
                .expect("create");
            tx.commit().await.expect("commit");
            t.number.0
        }));
    }
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(task.await.expect("task"));
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=50).collect::<Vec<i64>>());

    // Numbers are per tenant: another workspace starts at #1.
    let mut tx = store.begin().await.unwrap();
    let first = tx
        .create_ticket(new_ticket(other, "elsewhere"), now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(first.number, TicketNumber(1));
    let stored = store
        .list_tickets(&TicketFilter {
            tenant: Some(acme),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(stored.len(), 50);
}

async fn a_rolled_back_ticket_gives_its_number_back(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    {
        let mut tx = store.begin().await.unwrap();
        let t = tx
            .create_ticket(new_ticket(acme, "lost"), now())
            .await
            .unwrap();
        assert_eq!(t.number, TicketNumber(1));
        // Dropped without commit: rolled back.
    }
    let mut tx = store.begin().await.unwrap();
    let t = tx
        .create_ticket(new_ticket(acme, "kept"), now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(t.number, TicketNumber(1));
    assert!(store.ticket(acme, TicketNumber(1)).await.unwrap().is_some());
    assert_eq!(
        store
            .ticket(acme, TicketNumber(1))
            .await
            .unwrap()
            .unwrap()
            .title
            .as_str(),
        "kept"
    );
}

async fn log_order_is_preserved(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let mut tx = store.begin().await.unwrap();
    let t = tx
        .create_ticket(new_ticket(acme, "order"), now())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mario = Person::new("U100", "Mario Rossi");
    let ada = Person::new("U200", "Ada");
    let mut written = Vec::new();
    // Several transactions, several entries each, mixed kinds and authors.
    for round in 0..10 {
        let mut tx = store.begin().await.unwrap();
        for (author, kind) in [
            (
                Author::Person(mario.clone()),
                LogKind::RequesterMessage {
                    text: format!("msg {round}"),
                },
            ),
            (
                Author::Person(ada.clone()),
                LogKind::InternalNote {
                    text: format!("note {round}"),
                },
            ),
            (
                Author::System,
                LogKind::StatusChange {
                    from: Status::New,
                    to: Status::Open,
                },
            ),
        ] {
            let entry = LogEntry {
                at: now(),
                author,
                kind,
            };
            tx.append_log(t.id, &entry).await.unwrap();
            written.push(entry);
        }
        tx.commit().await.unwrap();
    }
    let read = store.log(t.id).await.unwrap();
    let read_entries: Vec<LogEntry> = read.iter().map(|r| r.entry.clone()).collect();
    assert_eq!(read_entries, written);
    assert!(read.windows(2).all(|w| w[0].id < w[1].id));
}

async fn a_duplicate_platform_event_is_detected(store: Store) {
    let mut tx = store.begin().await.unwrap();
    assert!(tx
        .mark_event(Platform::new("slack"), "Ev123", now())
        .await
        .unwrap());
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(
        !tx.mark_event(Platform::new("slack"), "Ev123", now())
            .await
            .unwrap(),
        "seen before"
    );
    assert!(
        tx.mark_event(Platform::new("discord"), "Ev123", now())
            .await
            .unwrap(),
        "ids are per platform"
    );
    tx.commit().await.unwrap();

    // The same event delivered to several workers at once is taken by exactly one.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = store.begin().await.unwrap();
            let first = tx
                .mark_event(Platform::new("slack"), "Ev-race", now())
                .await
                .unwrap();
            tx.commit().await.unwrap();
            first
        }));
    }
    let mut firsts = 0;
    for task in tasks {
        firsts += usize::from(task.await.unwrap());
    }
    assert_eq!(firsts, 1);
}

async fn a_stale_ticket_write_is_refused(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let mut tx = store.begin().await.unwrap();
    let t = tx
        .create_ticket(new_ticket(acme, "race"), now())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut first = t.clone();
    let mut second = t.clone();
    first.claim(Person::new("U1", "Ada"), now()).unwrap();
    second.claim(Person::new("U2", "Bob"), now()).unwrap();
    let mut tx = store.begin().await.unwrap();
    let saved = tx.update_ticket(&first).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(saved.version, t.version + 1);
    let mut tx = store.begin().await.unwrap();
    let err = tx.update_ticket(&second).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(id) if id == t.id.0),
        "{err}"
    );
    drop(tx);
    let now_stored = store.ticket(acme, t.number).await.unwrap().unwrap();
    assert_eq!(now_stored.assignee.unwrap().name, "Ada");
}

async fn a_ticket_round_trips_through_changes(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let mut tx = store.begin().await.unwrap();
    let created = tx
        .create_ticket(new_ticket(acme, "VPN down"), now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(created.status, Status::New);
    assert_eq!(created.level, Level::L1);
    assert_eq!(
        store.ticket(acme, created.number).await.unwrap().as_ref(),
        Some(&created)
    );

    let mut tx = store.begin().await.unwrap();
    let mut t = tx.ticket(acme, created.number).await.unwrap().unwrap();
    t.claim(Person::new("U1", "Ada"), now()).unwrap();
    t.escalate(
        Some(Level::L3),
        Some("network".into()),
        "router firmware",
        now(),
    )
    .unwrap();
    t.reprioritise(Grade::High, Grade::High, now());
    t.record_response(now());
    let saved = tx.update_ticket(&t).await.unwrap();
    tx.commit().await.unwrap();

    let read = store.ticket_by_id(created.id).await.unwrap().unwrap();
    assert_eq!(read, saved);
    assert_eq!(read.level, Level::L3);
    assert_eq!(read.specialty.as_deref(), Some("network"));
    assert_eq!(read.priority(), helpdesk::domain::Priority::P1);
    let thread = created.source.thread.clone().unwrap();
    let by_thread = store
        .ticket_by_thread(acme, "C-help", &thread)
        .await
        .unwrap();
    assert_eq!(by_thread.map(|t| t.id), Some(created.id));
}

async fn tickets_are_listed_by_filter(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let mut tx = store.begin().await.unwrap();
    for i in 0..5 {
        let mut t = tx
            .create_ticket(new_ticket(acme, &format!("t{i}")), now())
            .await
            .unwrap();
        if i % 2 == 0 {
            t.claim(Person::new("U1", "Ada"), now()).unwrap();
            tx.update_ticket(&t).await.unwrap();
        }
    }
    tx.commit().await.unwrap();
    let open = store
        .list_tickets(&TicketFilter {
            statuses: vec![Status::Open],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        open.iter().map(|t| t.number.0).collect::<BTreeSet<_>>(),
        BTreeSet::from([1, 3, 5])
    );
    let new_or_open = store
        .list_tickets(&TicketFilter {
            statuses: vec![Status::New, Status::Open],
            limit: Some(2),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        new_or_open.iter().map(|t| t.number.0).collect::<Vec<_>>(),
        vec![5, 4],
        "newest first"
    );
    let held = store
        .list_tickets(&TicketFilter {
            assignee: Some("U1".into()),
            tenant: Some(acme),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(held.len(), 3);
    let asked = store
        .list_tickets(&TicketFilter {
            requester: Some("nobody".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(asked.is_empty());
}

async fn outbox_timers_and_audit_are_kept(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let later = now() + chrono::Duration::minutes(20);
    let mut tx = store.begin().await.unwrap();
    let t = tx
        .create_ticket(new_ticket(acme, "effects"), now())
        .await
        .unwrap();
    let post = ChatAction::Post {
        channel: "C-l1".into(),
        message: RichMessage::text("card"),
        key: Some(helpdesk::desk::keys::MessageKey::card(t.id, "C-l1").to_string()),
    };
    tx.enqueue(acme, Some(t.id), &post, now()).await.unwrap();
    let key = TimerKind::LevelBudget.key(t.id);
    tx.set_timer(
        acme,
        Some(t.id),
        &key,
        TimerKind::LevelBudget,
        later,
        &serde_json::json!({"level": "L1"}),
        now(),
    )
    .await
    .unwrap();
    // Re-arming the same key replaces the timer instead of adding one.
    tx.set_timer(
        acme,
        Some(t.id),
        &key,
        TimerKind::LevelBudget,
        later + chrono::Duration::minutes(5),
        &serde_json::json!({"level": "L1"}),
        now(),
    )
    .await
    .unwrap();
    tx.audit(&AuditEntry {
        tenant: Some(acme),
        at: now(),
        actor: Person::new("U1", "Ada"),
        action: "ticket.escalate".into(),
        target: t.number.to_string(),
        detail: serde_json::json!({"to": "L2"}),
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let pending = store.outbox(Some(OutboxState::Pending), 10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].action, post);
    assert_eq!(pending[0].ticket, Some(t.id));
    assert!(store
        .outbox(Some(OutboxState::Sent), 10)
        .await
        .unwrap()
        .is_empty());

    let timers = store.pending_timers().await.unwrap();
    assert_eq!(timers.len(), 1);
    assert_eq!(timers[0].kind, TimerKind::LevelBudget);
    assert_eq!(
        timers[0].state,
        TimerState::Pending {
            due: later + chrono::Duration::minutes(5)
        }
    );
    let mut tx = store.begin().await.unwrap();
    assert!(tx.cancel_timer(&key).await.unwrap());
    assert!(!tx.cancel_timer(&key).await.unwrap(), "already cancelled");
    tx.commit().await.unwrap();
    assert!(store.pending_timers().await.unwrap().is_empty());

    let audit = store.audit_log(10).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "ticket.escalate");
    assert_eq!(audit[0].target, "#1");
}

async fn a_timer_pauses_resumes_fires_and_cancels(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    let due = now() + chrono::Duration::minutes(30);
    let mut tx = store.begin().await.unwrap();
    let t = tx
        .create_ticket(new_ticket(acme, "sla"), now())
        .await
        .unwrap();
    let kind = TimerKind::SlaResponseBreach;
    let key = kind.key(t.id);
    let payload = serde_json::json!({});
    tx.set_timer(acme, Some(t.id), &key, kind, due, &payload, now())
        .await
        .unwrap();
    assert_eq!(
        tx.timer_state(&key).await.unwrap(),
        Some(TimerState::Pending { due })
    );
    assert_eq!(tx.timer_due(&key).await.unwrap(), Some(due));

    // Paused, the row keeps the time left, not a point in time.
    let left = std::time::Duration::from_secs(25 * 60);
    assert!(tx.pause_timer(&key, left).await.unwrap());
    assert!(!tx.pause_timer(&key, left).await.unwrap(), "already paused");
    assert_eq!(
        tx.timer_state(&key).await.unwrap(),
        Some(TimerState::Paused { left })
    );
    assert_eq!(
        tx.timer_due(&key).await.unwrap(),
        None,
        "a paused timer is not due"
    );
    let resumed = now() + chrono::Duration::minutes(40);
    assert!(tx.resume_timer(&key, resumed).await.unwrap());
    assert!(!tx.resume_timer(&key, resumed).await.unwrap(), "not paused");
    tx.commit().await.unwrap();
    assert!(store.due_timers(resumed, 10).await.unwrap().len() == 1);

    let mut tx = store.begin().await.unwrap();
    let id = store.pending_timers().await.unwrap()[0].id;
    let fired = tx.take_timer(id, resumed).await.unwrap().expect("claimed");
    assert_eq!(fired.kind, kind);
    assert_eq!(fired.state, TimerState::Fired { due: resumed });
    assert!(
        tx.take_timer(id, resumed).await.unwrap().is_none(),
        "fires once"
    );
    assert!(
        !tx.cancel_timer(&key).await.unwrap(),
        "a fired timer stays fired"
    );

    // Re-armed, then cancelled while paused.
    tx.set_timer(acme, Some(t.id), &key, kind, due, &payload, now())
        .await
        .unwrap();
    assert!(tx.pause_timer(&key, left).await.unwrap());
    assert!(tx.cancel_timer(&key).await.unwrap());
    assert_eq!(
        tx.timer_state(&key).await.unwrap(),
        Some(TimerState::Cancelled)
    );
    assert_eq!(tx.timer_state("no-such-timer").await.unwrap(), None);
    tx.commit().await.unwrap();
    assert!(store.pending_timers().await.unwrap().is_empty());
}

async fn unknown_tickets_are_none(store: Store) {
    let acme = tenant(&store, "T-acme").await;
    assert_eq!(store.ticket(acme, TicketNumber(999)).await.unwrap(), None);
    assert_eq!(
        store.ticket_by_thread(acme, "C", "nope").await.unwrap(),
        None
    );
    assert!(store
        .log(helpdesk::domain::TicketId(424242))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn an_unreachable_postgres_is_retried_then_reported() {
    // Port 1 on loopback refuses at once: the store must retry for the bound, then give up.
    let mut options = helpdesk::store::ConnectOptions::new("postgres://postgres@127.0.0.1:1/test");
    options.retry_for = std::time::Duration::from_millis(1500);
    let started = std::time::Instant::now();
    let err = Store::connect(&options).await.err().expect("must fail");
    let text = err.to_string();
    assert!(matches!(err, StoreError::Connect { .. }), "{text}");
    assert!(text.contains("gave up after"), "{text}");
    assert!(!text.contains("after 1 attempt"), "it retried: {text}");
    // The bound holds: give up within the retry window plus one capped attempt, not the pool's
    // own 10 s acquire timeout.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(700),
        "it retried"
    );
}

#[tokio::test]
async fn a_missing_sqlite_folder_is_reported_not_panicked() {
    let err = Store::open(&helpdesk::store::ConnectOptions::new(
        "/nonexistent/helpdesk/x.db",
    ))
    .await
    .err()
    .expect("must fail");
    assert!(err.to_string().contains("does not exist"), "{err}");
}

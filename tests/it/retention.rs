//! Retention: handled events' ids past the redelivery window and sent outbox actions past
//! `retention.outbox` are pruned, in bounded batches; pending and parked actions stay; an
//! interaction token leaves the outbox row once the row is sent.

use crate::common;

use common::{now, tenant, TestDb};
use helpdesk::clock::ManualClock;
use helpdesk::config::{ConfigError, Loader, RetentionConfig};
use helpdesk::domain::{TenantId, Timestamp};
use helpdesk::schedule::Pruner;
use helpdesk::store::{ClaimedItem, OutboxState, Store, PRUNE_BATCH};
use helpdesk_chat::{ChatAction, Form, FormField, FormFieldKind, Platform, RichMessage};
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

on_both_backends!(
    handled_event_ids_are_forgotten_after_the_redelivery_window_only,
    a_backlog_larger_than_a_batch_is_pruned_in_batches,
    sent_actions_are_pruned_after_their_retention_and_pending_or_parked_ones_stay,
);

const DAY: Duration = Duration::from_secs(86_400);

fn ago(now: Timestamp, by: Duration) -> Timestamp {
    now - chrono::Duration::from_std(by).unwrap()
}

fn pruner(store: &Store, at: Timestamp) -> Pruner {
    Pruner::new(
        store.clone(),
        Arc::new(ManualClock::new(at)),
        RetentionConfig::default(),
    )
}

/// Records event ids as handled at `at`, in one transaction.
async fn handled(store: &Store, ids: &[String], at: Timestamp) {
    let mut tx = store.begin().await.unwrap();
    for id in ids {
        assert!(tx.mark_event(Platform::new("slack"), id, at).await.unwrap());
    }
    tx.commit().await.unwrap();
}

/// Whether the store still knows `id` was handled (asking records it when it did not).
async fn still_known(store: &Store, id: &str) -> bool {
    let mut tx = store.begin().await.unwrap();
    let first_time = tx
        .mark_event(Platform::new("slack"), id, now())
        .await
        .unwrap();
    // Dropped without commit: rolled back, so asking changes nothing.
    drop(tx);
    !first_time
}

async fn handled_event_ids_are_forgotten_after_the_redelivery_window_only(store: Store) {
    let now = now();
    handled(&store, &["Ev-last-month".into()], ago(now, 30 * DAY)).await;
    handled(&store, &["Ev-eight-days".into()], ago(now, 8 * DAY)).await;
    // Slack may still retry this one, and a Discord resume replay that one.
    handled(
        &store,
        &["Ev-two-hours".into()],
        ago(now, Duration::from_secs(7200)),
    )
    .await;
    handled(&store, &["Ev-just-now".into()], now).await;

    let pruned = pruner(&store, now).run_once().await.unwrap();
    assert_eq!(pruned.processed_events, 2);
    assert!(!still_known(&store, "Ev-last-month").await);
    assert!(!still_known(&store, "Ev-eight-days").await);
    assert!(still_known(&store, "Ev-two-hours").await);
    assert!(still_known(&store, "Ev-just-now").await);
    // Idempotent: a second replica running the same pass finds nothing more.
    let again = pruner(&store, now).run_once().await.unwrap();
    assert_eq!(again.processed_events, 0);
}

async fn a_backlog_larger_than_a_batch_is_pruned_in_batches(store: Store) {
    let now = now();
    let old: Vec<String> = (0..PRUNE_BATCH * 2 + 17)
        .map(|i| format!("Ev-backlog-{i:05}"))
        .collect();
    handled(&store, &old, ago(now, 10 * DAY)).await;
    handled(&store, &["Ev-yesterday".into()], ago(now, DAY)).await;
    let pruned = pruner(&store, now).run_once().await.unwrap();
    assert_eq!(pruned.processed_events, old.len() as u64);
    assert!(!still_known(&store, "Ev-backlog-00000").await);
    assert!(still_known(&store, "Ev-yesterday").await);
}

fn post(channel: &str, text: &str) -> ChatAction {
    ChatAction::Post {
        channel: channel.into(),
        message: RichMessage::text(text),
        key: None,
    }
}

/// Enqueues `action` at `at` and claims it (each in its own channel, so each is a head).
async fn queued_and_claimed(
    store: &Store,
    tenant: TenantId,
    action: &ChatAction,
    at: Timestamp,
) -> ClaimedItem {
    let mut tx = store.begin().await.unwrap();
    let id = tx.enqueue(tenant, None, action, at).await.unwrap();
    tx.commit().await.unwrap();
    let claimed = store
        .claim_outbox(at, at + chrono::Duration::seconds(60), 100)
        .await
        .unwrap();
    claimed
        .into_iter()
        .find(|c| c.item.id == id)
        .expect("the action is claimed")
}

async fn sent_actions_are_pruned_after_their_retention_and_pending_or_parked_ones_stay(
    store: Store,
) {
    let now = now();
    let acme = tenant(&store, "T-acme").await;
    let globex = tenant(&store, "T-globex").await;
    let old = ago(now, 31 * DAY);
    let sent_long_ago =
        queued_and_claimed(&store, acme, &post("C-old", "Ticket #1 opened"), old).await;
    assert!(store.mark_sent(&sent_long_ago, None, old).await.unwrap());
    let week = ago(now, 7 * DAY);
    let sent_last_week =
        queued_and_claimed(&store, globex, &post("C-week", "Ticket #2 opened"), week).await;
    assert!(store.mark_sent(&sent_last_week, None, week).await.unwrap());
    let parked = queued_and_claimed(&store, acme, &post("C-dead", "Ticket #3 opened"), old).await;
    assert!(store
        .mark_failed(&parked, "channel_not_found", None, old)
        .await
        .unwrap());
    // Queued long ago and still not out (its platform was away): it must still go out.
    let mut tx = store.begin().await.unwrap();
    let waiting = tx
        .enqueue(globex, None, &post("C-wait", "Ticket #4 opened"), old)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let pruned = pruner(&store, now).run_once().await.unwrap();
    assert_eq!(pruned.sent_outbox, 1);
    let mut left: Vec<(i64, OutboxState)> = store
        .outbox(None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.id, i.state))
        .collect();
    left.sort_by_key(|(id, _)| *id);
    assert_eq!(
        left,
        vec![
            (sent_last_week.item.id, OutboxState::Sent),
            (parked.item.id, OutboxState::Dead),
            (waiting, OutboxState::Pending),
        ]
    );
}

const SLACK_TRIGGER: &str = "13345224609.738474920.8088930838d88f008e0";
const DISCORD_TOKEN: &str = "1000:aW50ZXJhY3Rpb246MTAwMDpzZWNyZXQtdG9rZW4tZm9yLXRoZS1kZXNr";

fn form_action() -> ChatAction {
    ChatAction::OpenForm {
        user: "U100".into(),
        trigger: SLACK_TRIGGER.into(),
        form: Form {
            id: "ticket.escalate:7".into(),
            title: "Escalate ticket #7".into(),
            fields: vec![FormField {
                id: "reason".into(),
                label: "Why does it need the next level?".into(),
                kind: FormFieldKind::LongText,
                required: true,
                initial: None,
            }],
            submit: "Escalate".into(),
        },
        channel: "C-help".into(),
        thread: None,
    }
}

fn private_answer(trigger: &str) -> ChatAction {
    ChatAction::Ephemeral {
        channel: "C-help".into(),
        thread: Some("1700000000.000100".into()),
        user: "U100".into(),
        message: RichMessage::text("You have 2 open tickets: #7 VPN drops, #9 printer offline"),
        trigger: Some(trigger.into()),
    }
}

/// Every outbox payload as stored, by id.
async fn raw_payloads(url: &str) -> Vec<(i64, String)> {
    use sqlx::Connection;
    const SQL: &str = "SELECT id, payload FROM outbox ORDER BY id";
    if url.starts_with("postgres") {
        let mut db = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_as(SQL).fetch_all(&mut db).await.unwrap()
    } else {
        let mut db = sqlx::SqliteConnection::connect(&format!("sqlite://{url}"))
            .await
            .unwrap();
        sqlx::query_as(SQL).fetch_all(&mut db).await.unwrap()
    }
}

async fn interaction_tokens_leave_a_row_once_it_is_sent(db: &TestDb) {
    let store = &db.store;
    let now = now();
    let acme = tenant(store, "T-acme").await;
    let form = queued_and_claimed(store, acme, &form_action(), now).await;
    assert!(store.mark_sent(&form, None, now).await.unwrap());
    let answer = queued_and_claimed(store, acme, &private_answer(DISCORD_TOKEN), now).await;
    assert!(store.mark_sent(&answer, None, now).await.unwrap());
    // Not sent yet: it needs its token to go out.
    let mut tx = store.begin().await.unwrap();
    let waiting = tx
        .enqueue(acme, None, &private_answer("1001:still-needed"), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let rows = raw_payloads(&db.url).await;
    assert_eq!(rows.len(), 3);
    for (id, payload) in &rows {
        if *id == waiting {
            assert!(payload.contains("1001:still-needed"), "{payload}");
        } else {
            assert!(
                !payload.contains(SLACK_TRIGGER) && !payload.contains(DISCORD_TOKEN),
                "a sent row keeps no token: {payload}"
            );
            // The rest of the row is still there to read.
            assert!(payload.contains("U100"), "{payload}");
        }
    }
    let sent = store.outbox(Some(OutboxState::Sent), 10).await.unwrap();
    assert_eq!(sent.len(), 2, "the rows still read back");
}

mod interaction_tokens_leave_a_row_once_it_is_sent {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        let db = super::TestDb::sqlite().await;
        super::interaction_tokens_leave_a_row_once_it_is_sent(&db).await;
        db.finish().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        let Some(db) = super::TestDb::postgres().await else {
            return;
        };
        super::interaction_tokens_leave_a_row_once_it_is_sent(&db).await;
        db.finish().await;
    }
}

fn load(text: &str, vars: &[(&str, &str)]) -> Result<helpdesk::config::Config, ConfigError> {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    Loader {
        path: Some(f.path()),
        env: vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
    .load()
}

#[test]
fn retention_is_configured_in_its_section_or_the_environment() {
    let defaults = load("", &[]).unwrap().retention;
    assert_eq!(
        (defaults.outbox, defaults.processed_events),
        (30 * DAY, 7 * DAY)
    );
    let set = load(
        "[retention]\noutbox = \"90d\"\nprocessed_events = \"2d\"\n",
        &[("HELPDESK_RETENTION_OUTBOX", "14d")],
    )
    .unwrap()
    .retention;
    assert_eq!((set.outbox, set.processed_events), (14 * DAY, 2 * DAY));
}

#[test]
fn a_processed_events_retention_shorter_than_the_redelivery_window_is_refused() {
    let e = load("[retention]\nprocessed_events = \"10m\"\n", &[])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("retention.processed_events") && e.contains("at least 1h"),
        "{e}"
    );
}

/// The running engine prunes by itself: old rows written before the start are gone once
/// the retention loop says so, recent ones stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_running_bot_prunes_on_its_timer() {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("helpdesk.db");
    let url = file.to_string_lossy().into_owned();
    let store = Store::open(&helpdesk::store::ConnectOptions::new(url.clone()))
        .await
        .unwrap();
    let now = now();
    handled(&store, &["Ev-old".into()], ago(now, 9 * DAY)).await;
    handled(&store, &["Ev-recent".into()], ago(now, DAY)).await;
    let acme = tenant(&store, "T-acme").await;
    let old = ago(now, 40 * DAY);
    let sent = queued_and_claimed(&store, acme, &post("C-old", "Ticket #1 opened"), old).await;
    assert!(store.mark_sent(&sent, None, old).await.unwrap());
    store.close().await;

    let env = vec![("HELPDESK_RETENTION_EVERY", "1s".to_string())];
    let bot = common::bot::Bot::start("", Some(&url), &env).await;
    let pruned_line = common::fake_slack::patiently("the retention loop prunes", async {
        loop {
            if let Some(line) = bot
                .logs()
                .into_iter()
                .find(|l| l.contains("retention: pruned"))
            {
                return line;
            }
            // Looking again shortly: the log is a list, with nothing to wake a waiter.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    let (_, _dir) = bot.stop().await;
    assert!(
        pruned_line.contains("\"processed_events\":1"),
        "{pruned_line}"
    );
    assert!(pruned_line.contains("\"sent_outbox\":1"), "{pruned_line}");
    let store = Store::open(&helpdesk::store::ConnectOptions::new(url))
        .await
        .unwrap();
    assert!(!still_known(&store, "Ev-old").await);
    assert!(still_known(&store, "Ev-recent").await);
    assert!(store.outbox(None, 10).await.unwrap().is_empty());
    store.close().await;
}

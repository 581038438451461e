//! Every call the benchmark makes into helpdesk's store and knowledge-base API, in one place,
//! so it can follow API changes. Spots that depend on the current API are marked `// API:`.
//!
//! The path is the binary's: articles go into a real SQLite store with the same per-article
//! call `helpdesk kb import` makes (`StoreTx::save_article`; the bench commits every
//! [`BATCH`] articles instead of once at the end, so 1M articles do not sit in one
//! transaction), then `KnowledgeBase::open` builds the index in its folder beside the database
//! (`helpdesk.db` → `helpdesk.db.index`, as `Config::kb_index` places it).
//!
//! Resolved tickets are written through the store's ticket API as the desk resolves one
//! (`create_ticket`, the domain's `claim` and `move_to(Resolved)`, `update_ticket`,
//! `append_log` of each change and of the `Resolution`, `note_resolution_change`), without the
//! desk's timers, outbox and audit rows, [`BATCH`] tickets per transaction.

use super::corpus::TicketText;
use helpdesk::domain::{
    Author, Grade, LogEntry, LogKind, NewTicket, Person, RequesterType, Source, Status, Ticket,
    TicketId, Title,
};
use helpdesk::kb::{ArticleDraft, KbOptions, KbOwner, KnowledgeBase};
use helpdesk::store::{ConnectOptions, Store};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Rows per write transaction.
pub const BATCH: usize = 2_000;

/// The index folder of the database at `db`.
// API: mirrors `Config::kb_index()` for a SQLite file without `[kb] index_dir`.
pub fn index_dir(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".index");
    db.with_file_name(name)
}

fn options(db: &Path) -> ConnectOptions {
    // API: the store takes a SQLite file path as its URL.
    ConnectOptions::new(db.display().to_string())
}

// API: how `run` and `kb search` open the knowledge base.
async fn open_kb(store: Store, db: &Path) -> KnowledgeBase {
    KnowledgeBase::open(store, KbOptions::in_folder(index_dir(db)))
        .await
        .expect("open the knowledge base")
}

/// Builds the index of what the store at `db` holds (the store took `store` to write), and
/// closes the store.
async fn index_what_was_written(store: Store, db: &Path, store_time: Duration) -> Imported {
    let started = Instant::now();
    let kb = open_kb(store.clone(), db).await;
    let index = started.elapsed();
    drop(kb);
    store.close().await;
    Imported {
        store: store_time,
        index,
    }
}

/// How long an import took: writing the store, then building the index.
#[derive(Debug, Clone, Copy)]
pub struct Imported {
    pub store: Duration,
    pub index: Duration,
}

/// Creates the store at `db` and imports the articles as shared ones, then builds the index.
pub async fn import(db: &Path, articles: &[ArticleDraft]) -> Imported {
    let started = Instant::now();
    // API: `Store::open` creates and migrates, as `kb import` does.
    let store = Store::open(&options(db)).await.expect("open the store");
    let now = chrono::Utc::now();
    for batch in articles.chunks(BATCH) {
        let mut tx = store.begin().await.expect("begin");
        for draft in batch {
            // API: the call `helpdesk kb import` makes per article.
            tx.save_article(KbOwner::Shared, draft, now)
                .await
                .expect("save an article");
        }
        tx.commit().await.expect("commit");
    }
    index_what_was_written(store, db, started.elapsed()).await
}

/// Writes the tickets, resolved, into the store at `db` (one tenant), then lets the
/// knowledge base take them into its similar-tickets index. Returns the times and the first
/// ticket's id.
pub async fn add_resolved_tickets(db: &Path, tickets: &[TicketText]) -> (Imported, i64) {
    let started = Instant::now();
    let store = Store::open(&options(db)).await.expect("open the store");
    let now = chrono::Utc::now();
    let mut tx = store.begin().await.expect("begin");
    // API: tenants are platform + external id.
    let tenant = tx
        .ensure_tenant(
            helpdesk_chat::Platform::new("slack"),
            "TBENCH",
            "bench",
            now,
        )
        .await
        .expect("tenant");
    tx.commit().await.expect("commit");
    let agent = Person::new("UAGENT", "Agent");
    let mut first = None;
    for (b, batch) in tickets.chunks(BATCH).enumerate() {
        let mut tx = store.begin().await.expect("begin");
        for (i, t) in batch.iter().enumerate() {
            let n = b * BATCH + i;
            // API: a new ticket as intake makes it.
            let new = NewTicket {
                tenant,
                requester: Person::new(format!("U{n}"), format!("Requester {n}")),
                requester_type: RequesterType::Employee,
                title: Title::parse(&t.title)
                    .unwrap_or_else(|_| Title::parse("ticket").expect("a title")),
                description: t.description.clone(),
                category: Some(t.category.clone()),
                urgency: Grade::Medium,
                impact: Grade::Low,
                source: Source {
                    channel: "CINTAKE".into(),
                    thread: Some(format!("{n}.000")),
                },
            };
            let mut ticket = tx.create_ticket(new, now).await.expect("create a ticket");
            first.get_or_insert(ticket.id.0);
            let mut kinds = ticket.claim(agent.clone(), now).expect("claim");
            kinds.push(ticket.move_to(Status::Resolved, now).expect("resolve"));
            kinds.push(LogKind::Resolution {
                text: t.resolution.clone(),
            });
            ticket.record_response(now);
            tx.update_ticket(&ticket).await.expect("update the ticket");
            for kind in kinds {
                let entry = LogEntry {
                    at: now,
                    author: Author::Person(agent.clone()),
                    kind,
                };
                tx.append_log(ticket.id, &entry).await.expect("log");
            }
            tx.note_resolution_change(ticket.id)
                .await
                .expect("resolution change");
        }
        tx.commit().await.expect("commit");
    }
    (
        index_what_was_written(store, db, started.elapsed()).await,
        first.unwrap_or(0),
    )
}

/// A started knowledge base, as `run` has it after start.
pub struct Opened {
    store: Store,
    kb: KnowledgeBase,
}

/// Opens the store at `db` and its knowledge base, as `run` does at start.
pub async fn open(db: &Path) -> Opened {
    let store = Store::open(&options(db)).await.expect("open the store");
    let kb = open_kb(store.clone(), db).await;
    Opened { store, kb }
}

/// The slugs of the best `limit` shared articles for the text, best first.
pub fn search(o: &Opened, text: &str, limit: usize) -> Vec<String> {
    // API: `/kb search` and suggestions read this way (suggestions filter by coverage after).
    o.kb.search(KbOwner::Shared, text, limit)
        .into_iter()
        .map(|s| s.slug)
        .collect()
}

/// How many articles are searchable.
pub fn len(o: &Opened) -> usize {
    o.kb.len()
}

/// The ticket with this id (for similar-ticket searches on its card).
pub async fn ticket(o: &Opened, id: i64) -> Option<Ticket> {
    o.store
        .ticket_by_id(TicketId(id))
        .await
        .expect("read a ticket")
}

/// How many similar resolved tickets the card of `ticket` shows for the text.
pub fn similar(o: &Opened, ticket: &Ticket, text: &str, limit: usize) -> usize {
    // API: what a card shows.
    o.kb.similar_tickets(ticket, text, limit).len()
}

/// Closes the store.
pub async fn close(o: Opened) {
    drop(o.kb);
    o.store.close().await;
}

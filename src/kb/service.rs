//! The knowledge base as the desk uses it: the database holds the articles, each process keeps
//! a search index caught up with it (at start, after its own writes, and on a timer, so
//! replicas see each other's changes).

use super::index::{IndexDoc, SearchIndex};
use super::{Article, KbOwner};
use crate::domain::{Ticket, TicketId, TicketNumber};
use crate::store::{ResolvedTicket, Store, StoreError};
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, RwLock};

/// The share of the query an article must cover to be suggested. Calibrated on the StackFAQ dev
/// queries against unrelated IT tickets as queries: at 0.5 about three queries in five get a
/// suggestion, five in six of them right, while unrelated tickets almost never get one.
pub const DEFAULT_THRESHOLD: f32 = 0.5;

/// A refresh with more changes than this shows its progress.
const PROGRESS_FROM: usize = 5_000;

/// Articles taken into the index between two progress reports.
const PROGRESS_CHUNK: usize = 1_000;

/// How far before its watermark a refresh looks again, in ms.
const OVERLAP_MS: i64 = 10_000;

fn overlap(mark: Option<(i64, i64)>) -> Option<(i64, i64)> {
    mark.map(|(at, _)| (at.saturating_sub(OVERLAP_MS), i64::MIN))
}

/// An article worth showing for a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The article's database id.
    pub id: i64,
    /// Whose it is.
    pub owner: KbOwner,
    /// The article's key.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// How much of the text it covers, 0–1.
    pub coverage: f32,
}

/// A past resolved ticket like the one at hand, with how it was fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimilarTicket {
    /// Its number.
    pub number: TicketNumber,
    /// Its title.
    pub title: String,
    /// How it was fixed.
    pub resolution: String,
}

/// What the index knows of an article beside its text.
struct Indexed {
    id: i64,
    owner: KbOwner,
    slug: String,
    title: String,
    revision: i64,
}

/// The indexed articles by index key (the article id), and which owner has which slug.
#[derive(Default)]
struct Catalog {
    by_key: HashMap<String, Indexed>,
    slugs: HashSet<(KbOwner, String)>,
}

impl Catalog {
    /// Whether `reader` may be offered the article: its own or shared, and not a shared one
    /// its own article of the same slug stands in for.
    fn offered_to(&self, key: &str, reader: KbOwner) -> bool {
        self.by_key.get(key).is_some_and(|a| {
            a.owner.readable_by(reader)
                && !(a.owner == KbOwner::Shared
                    && reader != KbOwner::Shared
                    && self.slugs.contains(&(reader, a.slug.clone())))
        })
    }
}

/// Articles, and past resolved tickets, searchable.
pub struct KnowledgeBase {
    store: Store,
    index: RwLock<SearchIndex>,
    catalog: RwLock<Catalog>,
    /// The number of the last article change taken in (0: none yet).
    seen: Mutex<i64>,
    tickets: RwLock<SearchIndex>,
    resolved: RwLock<HashMap<String, ResolvedTicket>>,
    tickets_seen: Mutex<Option<(i64, i64)>>,
    threshold: f32,
}

impl KnowledgeBase {
    /// Builds the index from every article in the database.
    pub async fn open(store: Store, threshold: f32) -> Result<KnowledgeBase, StoreError> {
        let kb = KnowledgeBase {
            store,
            index: RwLock::default(),
            catalog: RwLock::default(),
            seen: Mutex::new(0),
            tickets: RwLock::default(),
            resolved: RwLock::default(),
            tickets_seen: Mutex::new(None),
            threshold,
        };
        kb.refresh().await?;
        Ok(kb)
    }

    /// Takes in the articles and resolved tickets changed since the last look; returns how
    /// many.
    pub async fn refresh(&self) -> Result<usize, StoreError> {
        // Articles by change number: each change is read once, in commit order.
        let since = *self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let fetched = self.store.articles_changed_after(since).await?;
        let newest = fetched.last().map(|a| a.change);
        // The first read of a large knowledge base takes a while: say how far it got.
        let mut progress = (fetched.len() > PROGRESS_FROM).then(|| {
            crate::progress::Progress::start("indexing articles", Some(fetched.len() as u64))
        });
        let changed: Vec<Article> = {
            let catalog = self.catalog.read().unwrap_or_else(|e| e.into_inner());
            fetched
                .into_iter()
                .filter(|a| {
                    catalog.by_key.get(&a.id.to_string()).map(|i| i.revision) != Some(a.revision)
                })
                .collect()
        };
        for chunk in changed.chunks(PROGRESS_CHUNK) {
            self.take_in(chunk);
            if let Some(p) = progress.as_mut() {
                p.advance(chunk.len() as u64);
            }
        }
        if let Some(p) = progress {
            p.finish();
        }
        if let Some(newest) = newest {
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            *seen = (*seen).max(newest);
        }
        let since = overlap(*self.tickets_seen.lock().unwrap_or_else(|e| e.into_inner()));
        let fetched = self.store.resolved_tickets_after(since).await?;
        let resolved: Vec<ResolvedTicket> = {
            let known = self.resolved.read().unwrap_or_else(|e| e.into_inner());
            fetched
                .into_iter()
                .filter(|t| {
                    known.get(&t.id.0.to_string()).map(|k| k.resolved_at) != Some(t.resolved_at)
                })
                .collect()
        };
        if let Some(last) = resolved.last() {
            let mark = (last.resolved_at, last.id.0);
            self.take_in_resolved(&resolved);
            let mut seen = self.tickets_seen.lock().unwrap_or_else(|e| e.into_inner());
            *seen = Some(seen.map_or(mark, |s| s.max(mark)));
        }
        Ok(changed.len() + resolved.len())
    }

    /// Puts resolved tickets into the similar-tickets index.
    pub fn take_in_resolved(&self, tickets: &[ResolvedTicket]) {
        let mut index = self.tickets.write().unwrap_or_else(|e| e.into_inner());
        let mut resolved = self.resolved.write().unwrap_or_else(|e| e.into_inner());
        for t in tickets {
            let key = t.id.0.to_string();
            // Analysed as English: ticket texts carry no language of their own yet.
            index.upsert(&IndexDoc {
                key: key.clone(),
                title: t.title.clone(),
                body: format!("{}\n{}", t.description, t.resolution),
                language: super::KbLanguage::En,
            });
            resolved.insert(key, t.clone());
        }
    }

    /// Takes tickets that were reopened out of the similar-tickets index.
    pub fn forget_resolved(&self, tickets: &[TicketId]) {
        let mut index = self.tickets.write().unwrap_or_else(|e| e.into_inner());
        let mut resolved = self.resolved.write().unwrap_or_else(|e| e.into_inner());
        for id in tickets {
            let key = id.0.to_string();
            index.remove(&key);
            resolved.remove(&key);
        }
    }

    /// Up to `limit` past resolved tickets like this text that the audience of `ticket`'s card
    /// may see: the same tenant; on a specialty's card that specialty's tickets only (its
    /// members may see no other); elsewhere tickets of no specialty resolved at the card's
    /// level or below (never `ticket` itself).
    pub fn similar_tickets(&self, ticket: &Ticket, text: &str, limit: usize) -> Vec<SimilarTicket> {
        let resolved = self.resolved.read().unwrap_or_else(|e| e.into_inner());
        let visible = |t: &ResolvedTicket| {
            let audience = match &ticket.specialty {
                Some(own) => t.specialty.as_ref() == Some(own),
                None => t.specialty.is_none() && t.level <= ticket.level,
            };
            t.tenant == ticket.tenant && t.id != ticket.id && audience
        };
        let hits = self
            .tickets
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .search_where(text, limit, &|key| resolved.get(key).is_some_and(visible));
        hits.into_iter()
            .filter(|h| h.coverage >= self.threshold)
            .filter_map(|h| resolved.get(&h.key))
            .map(|t| SimilarTicket {
                number: t.number,
                title: t.title.clone(),
                resolution: t.resolution.clone(),
            })
            .collect()
    }

    /// Puts articles (new or changed) into the index.
    pub fn take_in(&self, articles: &[Article]) {
        let mut index = self.index.write().unwrap_or_else(|e| e.into_inner());
        let mut catalog = self.catalog.write().unwrap_or_else(|e| e.into_inner());
        for a in articles {
            // Keyed by id: slugs repeat across owners.
            let key = a.id.to_string();
            index.upsert(&IndexDoc {
                key: key.clone(),
                ..IndexDoc::from(a)
            });
            catalog.slugs.insert((a.owner, a.slug.clone()));
            catalog.by_key.insert(
                key,
                Indexed {
                    id: a.id,
                    owner: a.owner,
                    slug: a.slug.clone(),
                    title: a.title.clone(),
                    revision: a.revision,
                },
            );
        }
    }

    /// How many articles are searchable, of every owner.
    pub fn len(&self) -> usize {
        self.index.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// No article is searchable.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The best `limit` articles `reader` may see for the text, relevant or not (for
    /// `/kb search`): its own and shared ones, never another tenant's.
    pub fn search(&self, reader: KbOwner, text: &str, limit: usize) -> Vec<Suggestion> {
        let catalog = self.catalog.read().unwrap_or_else(|e| e.into_inner());
        let hits = self
            .index
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .search_where(text, limit, &|key| catalog.offered_to(key, reader));
        hits.into_iter()
            .filter_map(|h| {
                let a = catalog.by_key.get(&h.key)?;
                Some(Suggestion {
                    id: a.id,
                    owner: a.owner,
                    slug: a.slug.clone(),
                    title: a.title.clone(),
                    coverage: h.coverage,
                })
            })
            .collect()
    }

    /// Up to `limit` articles `reader` may see relevant enough to suggest for the text; none
    /// when nothing is.
    pub fn suggest(&self, reader: KbOwner, text: &str, limit: usize) -> Vec<Suggestion> {
        self.search(reader, text, limit)
            .into_iter()
            .filter(|s| s.coverage >= self.threshold)
            .collect()
    }

    /// The store the articles live in.
    pub fn store(&self) -> &Store {
        &self.store
    }
}

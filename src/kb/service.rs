//! The knowledge base as the desk uses it: the database holds the articles, each process keeps
//! a search index caught up with it (at start, after its own writes, and on a timer, so
//! replicas see each other's changes).

use super::index::{IndexDoc, SearchIndex};
use super::Article;
use crate::domain::{TenantId, TicketId, TicketNumber};
use crate::store::{watermark, ResolvedTicket, Store, StoreError};
use std::collections::HashMap;
use std::sync::{Mutex, RwLock};

/// The share of the query an article must cover to be suggested. Calibrated on the StackFAQ dev
/// queries against unrelated IT tickets as queries: at 0.5 about three queries in five get a
/// suggestion, five in six of them right, while unrelated tickets almost never get one.
pub const DEFAULT_THRESHOLD: f32 = 0.5;

/// How far before its watermark a refresh looks again, in ms.
const OVERLAP_MS: i64 = 10_000;

fn overlap(mark: Option<(i64, i64)>) -> Option<(i64, i64)> {
    mark.map(|(at, _)| (at.saturating_sub(OVERLAP_MS), i64::MIN))
}

/// An article worth showing for a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
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

/// Articles, and past resolved tickets, searchable.
pub struct KnowledgeBase {
    store: Store,
    index: RwLock<SearchIndex>,
    titles: RwLock<HashMap<String, String>>,
    revisions: RwLock<HashMap<String, i64>>,
    seen: Mutex<Option<(i64, i64)>>,
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
            titles: RwLock::default(),
            revisions: RwLock::default(),
            seen: Mutex::new(None),
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
        // Look back a little: a change committed late, or in the same millisecond as one
        // already seen, still has a timestamp near the watermark. Revisions skip repeats.
        let since = overlap(*self.seen.lock().unwrap_or_else(|e| e.into_inner()));
        let fetched = self.store.articles_changed_after(since).await?;
        let changed: Vec<Article> = {
            let revisions = self.revisions.read().unwrap_or_else(|e| e.into_inner());
            fetched
                .into_iter()
                .filter(|a| revisions.get(&a.slug) != Some(&a.revision))
                .collect()
        };
        if let Some(last) = changed.last() {
            self.take_in(&changed);
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            *seen = Some(seen.map_or(watermark(last), |s| s.max(watermark(last))));
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

    /// Up to `limit` past resolved tickets of the tenant like this text (never `except`).
    pub fn similar_tickets(
        &self,
        tenant: TenantId,
        text: &str,
        except: TicketId,
        limit: usize,
    ) -> Vec<SimilarTicket> {
        let hits = self
            .tickets
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .search(text, limit * 4 + 1);
        let resolved = self.resolved.read().unwrap_or_else(|e| e.into_inner());
        hits.into_iter()
            .filter(|h| h.coverage >= self.threshold)
            .filter_map(|h| resolved.get(&h.key))
            .filter(|t| t.tenant == tenant && t.id != except)
            .take(limit)
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
        let mut titles = self.titles.write().unwrap_or_else(|e| e.into_inner());
        let mut revisions = self.revisions.write().unwrap_or_else(|e| e.into_inner());
        for a in articles {
            index.upsert(&IndexDoc::from(a));
            titles.insert(a.slug.clone(), a.title.clone());
            revisions.insert(a.slug.clone(), a.revision);
        }
    }

    /// How many articles are searchable.
    pub fn len(&self) -> usize {
        self.index.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// No article is searchable.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The best `limit` articles for the text, relevant or not (for `/kb search`).
    pub fn search(&self, text: &str, limit: usize) -> Vec<Suggestion> {
        let hits = self
            .index
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .search(text, limit);
        let titles = self.titles.read().unwrap_or_else(|e| e.into_inner());
        hits.into_iter()
            .map(|h| Suggestion {
                title: titles.get(&h.key).cloned().unwrap_or_default(),
                slug: h.key,
                coverage: h.coverage,
            })
            .collect()
    }

    /// Up to `limit` articles relevant enough to suggest for the text; none when nothing is.
    pub fn suggest(&self, text: &str, limit: usize) -> Vec<Suggestion> {
        self.search(text, limit)
            .into_iter()
            .filter(|s| s.coverage >= self.threshold)
            .collect()
    }

    /// The store the articles live in.
    pub fn store(&self) -> &Store {
        &self.store
    }
}

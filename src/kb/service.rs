//! The knowledge base as the desk uses it: the database holds the articles, each process keeps
//! a search index caught up with it (at start, after its own writes, and on a timer, so
//! replicas see each other's changes).

use super::index::{IndexDoc, SearchIndex};
use super::Article;
use crate::store::{watermark, Store, StoreError};
use std::sync::{Mutex, RwLock};

/// The share of the query an article must cover to be suggested. Calibrated on the StackFAQ dev
/// queries against unrelated IT tickets as queries: at 0.5 about three queries in five get a
/// suggestion, five in six of them right, while unrelated tickets almost never get one.
pub const DEFAULT_THRESHOLD: f32 = 0.5;

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

/// Articles, searchable.
pub struct KnowledgeBase {
    store: Store,
    index: RwLock<SearchIndex>,
    titles: RwLock<std::collections::HashMap<String, String>>,
    seen: Mutex<Option<(i64, i64)>>,
    threshold: f32,
}

impl KnowledgeBase {
    /// Builds the index from every article in the database.
    pub async fn open(store: Store, threshold: f32) -> Result<KnowledgeBase, StoreError> {
        let kb = KnowledgeBase {
            store,
            index: RwLock::default(),
            titles: RwLock::default(),
            seen: Mutex::new(None),
            threshold,
        };
        kb.refresh().await?;
        Ok(kb)
    }

    /// Takes in the articles changed since the last look; returns how many.
    pub async fn refresh(&self) -> Result<usize, StoreError> {
        let since = *self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let changed = self.store.articles_changed_after(since).await?;
        if let Some(last) = changed.last() {
            self.take_in(&changed);
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            *seen = Some(seen.map_or(watermark(last), |s| s.max(watermark(last))));
        }
        Ok(changed.len())
    }

    /// Puts articles (new or changed) into the index.
    pub fn take_in(&self, articles: &[Article]) {
        let mut index = self.index.write().unwrap_or_else(|e| e.into_inner());
        let mut titles = self.titles.write().unwrap_or_else(|e| e.into_inner());
        for a in articles {
            index.upsert(&IndexDoc {
                key: a.slug.clone(),
                title: a.title.clone(),
                body: a.body.clone(),
                language: a.language,
            });
            titles.insert(a.slug.clone(), a.title.clone());
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

//! The search index: BM25 per field (title boosted over body), one index per language, kept in
//! memory and derived from the database. Updates are exact: a changed article's old postings
//! are removed before the new ones are added.

use super::analysis::{analyze, KbLanguage};
use std::collections::{BTreeMap, HashMap};

/// BM25 term-frequency saturation.
const K1: f32 = 1.2;
/// BM25 length normalisation.
const B: f32 = 0.75;
/// A title word counts this much more than a body word.
pub const TITLE_BOOST: f32 = 2.0;

/// What the index needs of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDoc {
    /// The article's key (its slug).
    pub key: String,
    /// The title.
    pub title: String,
    /// The body (Markdown as written; markup words are harmless terms).
    pub body: String,
    /// How to analyse it.
    pub language: KbLanguage,
}

impl From<&super::ArticleDraft> for IndexDoc {
    fn from(a: &super::ArticleDraft) -> Self {
        IndexDoc {
            key: a.slug.clone(),
            title: a.title.clone(),
            body: a.body.clone(),
            language: a.language,
        }
    }
}

impl From<&super::Article> for IndexDoc {
    fn from(a: &super::Article) -> Self {
        IndexDoc {
            key: a.slug.clone(),
            title: a.title.clone(),
            body: a.body.clone(),
            language: a.language,
        }
    }
}

/// A search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The article's key.
    pub key: String,
    /// The BM25 score (title × boost + body).
    pub score: f32,
    /// How much of the query the article covers: the idf-weighted share of the query's terms
    /// found in it, 0–1. Comparable across queries, so it is what the suggestion threshold uses.
    pub coverage: f32,
}

#[derive(Default)]
struct Field {
    /// term id → (doc slot, term frequency), unordered.
    postings: Vec<Vec<(u32, u32)>>,
    /// Sum of the live documents' lengths.
    total_len: u64,
}

struct Slot {
    key: String,
    alive: bool,
    title_len: u32,
    body_len: u32,
    /// The distinct term ids of title and body, for exact removal.
    terms: Vec<u32>,
}

#[derive(Default)]
struct LanguageIndex {
    dictionary: HashMap<String, u32>,
    title: Field,
    body: Field,
    slots: Vec<Slot>,
    free: Vec<u32>,
    live: u32,
}

/// The whole index.
#[derive(Default)]
pub struct SearchIndex {
    languages: BTreeMap<KbLanguage, LanguageIndex>,
    by_key: HashMap<String, (KbLanguage, u32)>,
}

impl SearchIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// An index of these documents.
    pub fn of<'a>(docs: impl IntoIterator<Item = &'a IndexDoc>) -> Self {
        let mut index = SearchIndex::new();
        for doc in docs {
            index.upsert(doc);
        }
        index
    }

    /// How many articles it holds.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Holds no article.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// Adds the article, replacing the one with the same key.
    pub fn upsert(&mut self, doc: &IndexDoc) {
        self.remove(&doc.key);
        let index = self.languages.entry(doc.language).or_default();
        let slot = index.add(doc);
        self.by_key.insert(doc.key.clone(), (doc.language, slot));
    }

    /// Removes the article with this key, if present.
    pub fn remove(&mut self, key: &str) {
        if let Some((lang, slot)) = self.by_key.remove(key) {
            if let Some(index) = self.languages.get_mut(&lang) {
                index.remove(slot);
            }
        }
    }

    /// The best `limit` articles for the query, best first. Every language's articles are
    /// searched with the query analysed in that language.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        self.search_where(query, limit, &|_| true)
    }

    /// The best `limit` articles for the query among those whose key `keep` accepts, best
    /// first. Scores are those of the whole index: what is left out never changes a ranking.
    pub fn search_where(&self, query: &str, limit: usize, keep: &dyn Fn(&str) -> bool) -> Vec<Hit> {
        let mut hits: Vec<Hit> = self
            .languages
            .iter()
            .flat_map(|(lang, index)| index.search(&analyze(query, *lang), limit, keep))
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.key.cmp(&b.key)));
        hits.truncate(limit);
        hits
    }
}

impl LanguageIndex {
    fn term_id(&mut self, term: &str) -> u32 {
        if let Some(id) = self.dictionary.get(term) {
            return *id;
        }
        let id = self.title.postings.len() as u32;
        self.dictionary.insert(term.to_string(), id);
        self.title.postings.push(Vec::new());
        self.body.postings.push(Vec::new());
        id
    }

    fn add(&mut self, doc: &IndexDoc) -> u32 {
        let title = analyze(&doc.title, doc.language);
        let body = analyze(&doc.body, doc.language);
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.slots.push(Slot {
                    key: String::new(),
                    alive: false,
                    title_len: 0,
                    body_len: 0,
                    terms: Vec::new(),
                });
                self.slots.len() as u32 - 1
            }
        };
        let mut terms = Vec::new();
        for (words, is_title) in [(&title, true), (&body, false)] {
            let mut counts: HashMap<u32, u32> = HashMap::new();
            for w in words {
                *counts.entry(self.term_id(w)).or_default() += 1;
            }
            let field = if is_title {
                &mut self.title
            } else {
                &mut self.body
            };
            for (term, tf) in counts {
                field.postings[term as usize].push((slot, tf));
                terms.push(term);
            }
            field.total_len += words.len() as u64;
        }
        terms.sort_unstable();
        terms.dedup();
        self.slots[slot as usize] = Slot {
            key: doc.key.clone(),
            alive: true,
            title_len: title.len() as u32,
            body_len: body.len() as u32,
            terms,
        };
        self.live += 1;
        slot
    }

    fn remove(&mut self, slot: u32) {
        let Some(s) = self.slots.get_mut(slot as usize) else {
            return;
        };
        if !s.alive {
            return;
        }
        s.alive = false;
        let terms = std::mem::take(&mut s.terms);
        self.title.total_len -= u64::from(s.title_len);
        self.body.total_len -= u64::from(s.body_len);
        for term in terms {
            for field in [&mut self.title, &mut self.body] {
                let list = &mut field.postings[term as usize];
                if let Some(i) = list.iter().position(|(d, _)| *d == slot) {
                    list.swap_remove(i);
                }
            }
        }
        self.live -= 1;
        self.free.push(slot);
    }

    fn idf(&self, df: usize) -> f32 {
        let n = self.live as f32;
        (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln()
    }

    fn search(&self, query: &[String], limit: usize, keep: &dyn Fn(&str) -> bool) -> Vec<Hit> {
        if self.live == 0 || query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut scores = vec![0f32; self.slots.len()];
        // The documents scored, so only they are looked at afterwards (not every slot).
        let mut touched: Vec<u32> = Vec::new();
        let mut distinct: Vec<(&str, Option<u32>, f32)> = Vec::new();
        // Each distinct word once, weighted by how often the query repeats it.
        let mut terms: Vec<(&String, f32)> = Vec::new();
        for term in query {
            match terms.iter_mut().find(|(t, _)| *t == term) {
                Some((_, n)) => *n += 1.0,
                None => terms.push((term, 1.0)),
            }
        }
        for (term, repeats) in terms {
            let id = self.dictionary.get(term).copied();
            let weight = match id {
                Some(id) => {
                    for (field, boost, len_of) in [
                        (
                            &self.title,
                            TITLE_BOOST,
                            (|s: &Slot| s.title_len) as fn(&Slot) -> u32,
                        ),
                        (&self.body, 1.0, |s: &Slot| s.body_len),
                    ] {
                        let list = &field.postings[id as usize];
                        if list.is_empty() {
                            continue;
                        }
                        let idf = self.idf(list.len());
                        let avg = (field.total_len as f32 / self.live as f32).max(1.0);
                        for &(doc, tf) in list {
                            let len = len_of(&self.slots[doc as usize]) as f32;
                            let tf = tf as f32;
                            let score = &mut scores[doc as usize];
                            if *score == 0.0 {
                                touched.push(doc);
                            }
                            *score += repeats * boost * idf * tf * (K1 + 1.0)
                                / (tf + K1 * (1.0 - B + B * len / avg));
                        }
                    }
                    let df = self.title.postings[id as usize]
                        .len()
                        .max(self.body.postings[id as usize].len());
                    self.idf(df)
                }
                // A word no article has counts like the rarest word an article has.
                None => self.idf(1),
            };
            if !distinct.iter().any(|(t, _, _)| *t == term.as_str()) {
                distinct.push((term.as_str(), id, weight));
            }
        }
        let mut best: Vec<(u32, f32)> = touched
            .into_iter()
            .filter(|&doc| keep(&self.slots[doc as usize].key))
            .map(|doc| (doc, scores[doc as usize]))
            .collect();
        // Only the first `limit` need an order: select them, then sort just those.
        let by_score = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if best.len() > limit {
            best.select_nth_unstable_by(limit - 1, by_score);
            best.truncate(limit);
        }
        best.sort_unstable_by(by_score);
        let total: f32 = distinct.iter().map(|(_, _, w)| w).sum();
        best.into_iter()
            .map(|(slot, score)| {
                let s = &self.slots[slot as usize];
                let covered: f32 = distinct
                    .iter()
                    .filter(|(_, id, _)| id.is_some_and(|id| s.terms.binary_search(&id).is_ok()))
                    .map(|(_, _, w)| w)
                    .sum();
                Hit {
                    key: s.key.clone(),
                    score,
                    coverage: if total > 0.0 { covered / total } else { 0.0 },
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(key: &str, title: &str, body: &str) -> IndexDoc {
        IndexDoc {
            key: key.into(),
            title: title.into(),
            body: body.into(),
            language: KbLanguage::En,
        }
    }

    #[test]
    fn titles_count_more_and_updates_replace() {
        let mut index = SearchIndex::new();
        index.upsert(&doc("vpn", "VPN error 809", "Restart the client."));
        index.upsert(&doc(
            "mail",
            "Outlook crashes",
            "Sometimes the VPN is the cause.",
        ));
        index.upsert(&doc("printer", "Printer jammed", "Open tray 2."));
        let hits = index.search("vpn error", 10);
        assert_eq!(hits[0].key, "vpn");
        assert!(hits[0].coverage > 0.99, "{hits:?}");
        let once = index.search("vpn error lost", 1)[0].coverage;
        let twice = index.search("vpn error lost vpn error lost", 1)[0].coverage;
        assert!(
            (once - twice).abs() < 1e-6,
            "repeating the text changes nothing"
        );
        assert!(hits.iter().all(|h| h.key != "printer"));

        index.upsert(&doc("vpn", "Printer offline", "Check the cable."));
        assert_eq!(index.len(), 3);
        let hits = index.search("vpn error", 10);
        assert_eq!(
            hits.first().map(|h| h.key.as_str()),
            Some("mail"),
            "the old text is gone"
        );
        index.remove("mail");
        assert!(index.search("vpn error", 10).is_empty());
        assert_eq!(index.len(), 2);
    }

    #[test]
    fn a_filtered_search_ranks_the_kept_ones_as_the_whole_index_does() {
        let index = SearchIndex::of(&[
            doc("a1", "VPN error 809", "Restart the client."),
            doc("b1", "VPN error 809 again", "Call the phishing number."),
            doc("a2", "VPN drops at night", "Check the router."),
        ]);
        let all = index.search("vpn error", 10);
        let only_a = index.search_where("vpn error", 10, &|k| k.starts_with('a'));
        let expected: Vec<&Hit> = all.iter().filter(|h| h.key.starts_with('a')).collect();
        assert_eq!(only_a.iter().collect::<Vec<_>>(), expected);
        assert_eq!(
            index.search_where("vpn error", 1, &|k| k.starts_with('a'))[0].key,
            "a1",
            "the limit counts only kept articles"
        );
    }

    #[test]
    fn nothing_matches_nothing() {
        let mut index = SearchIndex::new();
        assert!(index.search("anything", 3).is_empty());
        index.upsert(&doc("a", "Password reset", "Use the portal."));
        for q in ["", "🙂", "\"*:()-AND", "密码", "zzzz unknownword"] {
            assert!(index.search(q, 3).is_empty(), "{q:?}");
        }
        let long = "password ".repeat(10_000);
        assert_eq!(index.search(&long, 3)[0].key, "a");
    }
}

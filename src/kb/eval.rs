//! Retrieval quality: P@1, Hit@3, MRR@10, nDCG@10, and how often and how well the first
//! suggestion passing the threshold is right.

use super::index::{Filter, IndexDoc, IndexError, SearchIndex};
use super::service::Thresholds;
use super::ArticleDraft;

/// One test query and the one article that answers it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct EvalQuery {
    /// The query's id.
    pub id: String,
    /// What the person wrote.
    pub text: String,
    /// The key of the right article.
    pub article: String,
}

/// The measures over a query set.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct EvalReport {
    /// Queries measured.
    pub queries: usize,
    /// The right article first.
    pub p_at_1: f64,
    /// The right article in the first 3.
    pub hit_at_3: f64,
    /// Mean reciprocal rank, counting the first 10.
    pub mrr_at_10: f64,
    /// Normalised discounted cumulative gain over the first 10 (one relevant article).
    pub ndcg_at_10: f64,
    /// Share of queries whose best article passed the suggestion threshold.
    pub suggested: f64,
    /// Of those, the share where it was the right article.
    pub suggestion_precision: f64,
}

/// An in-memory index of the drafts, each hit's data its slug (what [`evaluate`] compares).
pub fn drafts_index(drafts: &[ArticleDraft]) -> Result<SearchIndex, IndexError> {
    let docs: Vec<IndexDoc> = drafts
        .iter()
        .enumerate()
        .map(|(i, d)| IndexDoc {
            key: i as u64,
            title: d.title.clone(),
            body: d.body.clone(),
            language: d.language,
            tags: Vec::new(),
            data: d.slug.clone(),
        })
        .collect();
    SearchIndex::of(&docs)
}

/// Measures an index of [`drafts_index`] on the queries, with suggestions shown from each
/// language's threshold.
pub fn evaluate(index: &SearchIndex, queries: &[EvalQuery], thresholds: Thresholds) -> EvalReport {
    let mut r = EvalReport {
        queries: queries.len(),
        ..EvalReport::default()
    };
    let mut suggested_right = 0usize;
    let mut suggested = 0usize;
    for q in queries {
        let hits = index.search(&q.text, 10, &Filter::default());
        if let Some(first) = hits
            .first()
            .filter(|h| h.coverage >= thresholds.of(h.language))
        {
            suggested += 1;
            suggested_right += usize::from(first.data == q.article);
        }
        if std::env::var("HD_DEBUG").is_ok() {
            let rank = hits.iter().position(|h| h.data == q.article).map_or(0, |p| p + 1);
            println!(
                "DBG\t{}\t{}\t{}\t{:.3}\t{:?}\t{}",
                q.id,
                rank,
                hits.first().map_or("", |h| h.data.as_str()),
                hits.first().map_or(0.0, |h| h.coverage),
                super::analyze(&q.text, hits.first().map_or(super::KbLanguage::En, |h| h.language)),
                q.text
            );
        }
        if let Some(rank) = hits.iter().position(|h| h.data == q.article).map(|p| p + 1) {
            r.p_at_1 += f64::from(u8::from(rank == 1));
            r.hit_at_3 += f64::from(u8::from(rank <= 3));
            r.mrr_at_10 += 1.0 / rank as f64;
            r.ndcg_at_10 += 1.0 / ((rank + 1) as f64).log2();
        }
    }
    let n = queries.len().max(1) as f64;
    r.p_at_1 /= n;
    r.hit_at_3 /= n;
    r.mrr_at_10 /= n;
    r.ndcg_at_10 /= n;
    r.suggested = suggested as f64 / n;
    r.suggestion_precision = suggested_right as f64 / suggested.max(1) as f64;
    r
}

//! Retrieval quality: P@1, Hit@3, MRR@10, nDCG@10, and how often and how well the first
//! suggestion passing the threshold is right; the calibration of that threshold.

use super::analysis::KbLanguage;
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

/// A question with every article that answers it (a query file may list one question on
/// several lines, one per right article).
struct Judged<'a> {
    text: &'a str,
    right: Vec<&'a str>,
}

impl Judged<'_> {
    fn is_right(&self, key: &str) -> bool {
        self.right.contains(&key)
    }
}

/// The queries grouped by their text, in the order of first appearance.
fn judged(queries: &[EvalQuery]) -> Vec<Judged<'_>> {
    let mut out: Vec<Judged<'_>> = Vec::new();
    for q in queries {
        match out.iter_mut().find(|j| j.text == q.text) {
            Some(j) => j.right.push(&q.article),
            None => out.push(Judged {
                text: &q.text,
                right: vec![&q.article],
            }),
        }
    }
    out
}

/// The first hit of a question: its language, coverage, lead and whether it is right.
struct First {
    language: super::KbLanguage,
    coverage: f32,
    lead: f32,
    right: bool,
}

fn first_of(hits: &[super::Hit], j: &Judged<'_>) -> Option<First> {
    let first = hits.first()?;
    Some(First {
        language: first.language,
        coverage: first.coverage,
        lead: super::service::lead(first.score, hits.get(1).map(|h| h.score)),
        right: j.is_right(&first.data),
    })
}

/// Measures an index of [`drafts_index`] on the queries, with suggestions shown as
/// `thresholds` decide. Lines with the same text are one question with several right articles.
pub fn evaluate(index: &SearchIndex, queries: &[EvalQuery], thresholds: Thresholds) -> EvalReport {
    let questions = judged(queries);
    let mut r = EvalReport {
        queries: questions.len(),
        ..EvalReport::default()
    };
    let mut suggested_right = 0usize;
    let mut suggested = 0usize;
    for q in &questions {
        let hits = index.search(q.text, 10, &Filter::default());
        if let Some(first) =
            first_of(&hits, q).filter(|f| thresholds.confident(f.language, f.coverage, f.lead))
        {
            suggested += 1;
            suggested_right += usize::from(first.right);
        }
        if let Some(rank) = hits.iter().position(|h| q.is_right(&h.data)).map(|p| p + 1) {
            r.p_at_1 += f64::from(u8::from(rank == 1));
            r.hit_at_3 += f64::from(u8::from(rank <= 3));
            r.mrr_at_10 += 1.0 / rank as f64;
            r.ndcg_at_10 += 1.0 / ((rank + 1) as f64).log2();
        }
    }
    let n = questions.len().max(1) as f64;
    r.p_at_1 /= n;
    r.hit_at_3 /= n;
    r.mrr_at_10 /= n;
    r.ndcg_at_10 /= n;
    r.suggested = suggested as f64 / n;
    r.suggestion_precision = suggested_right as f64 / suggested.max(1) as f64;
    r
}

/// The smallest lead, a multiple of 0.05, that a first hit in `language` covering at least
/// `coverage` of the question needs for a shown first suggestion to be right at least `target`
/// of the time (1.0 when none does). What [`Thresholds::CALIBRATED`] holds per language.
pub fn calibrate(
    index: &SearchIndex,
    queries: &[EvalQuery],
    language: KbLanguage,
    coverage: f32,
    target: f64,
) -> f32 {
    let firsts: Vec<First> = judged(queries)
        .iter()
        .filter_map(|q| first_of(&index.search(q.text, 2, &Filter::default()), q))
        .filter(|f| f.language == language && f.coverage >= coverage)
        .collect();
    (0..=20u8)
        // A division, not a product, so that 7 gives the same f32 as the literal 0.35.
        .map(|step| f32::from(step) / 20.0)
        .find(|&lead| {
            let shown: Vec<bool> = firsts
                .iter()
                .filter(|f| f.lead >= lead)
                .map(|f| f.right)
                .collect();
            !shown.is_empty()
                && shown.iter().filter(|&&r| r).count() as f64 >= target * shown.len() as f64
        })
        .unwrap_or(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// The dev set `name` of `../shared/data/kb`, `None` (the test skipped) when it is missing
    /// outside CI.
    fn dev_set(name: &str, lang: KbLanguage) -> Option<(SearchIndex, Vec<EvalQuery>)> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/data/kb")
            .join(name);
        if !dir.is_dir() {
            assert!(
                std::env::var("CI").map_or(true, |v| v != "true"),
                "CI=true: {} must exist",
                dir.display()
            );
            eprintln!("skipping: {} is missing", dir.display());
            return None;
        }
        let articles = super::super::read_jsonl(&dir.join("articles.jsonl"), lang).unwrap();
        // Allegro lists every right passage of a question in its all-pairs file.
        let file = if name == "allegro" {
            "dev-queries-allpairs.jsonl"
        } else {
            "dev-queries.jsonl"
        };
        let queries = std::fs::read_to_string(dir.join(file))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        Some((drafts_index(&articles).unwrap(), queries))
    }

    #[test]
    fn the_calibrated_thresholds_are_what_the_dev_sets_give_and_hold_on_held_out_halves() {
        let calibrated = Thresholds::CALIBRATED;
        assert_eq!(
            calibrated.lead.it, calibrated.lead.en,
            "Italian has no dev set: English's"
        );
        for (name, lang) in [("stackfaq", KbLanguage::En), ("allegro", KbLanguage::Pl)] {
            let Some((index, queries)) = dev_set(name, lang) else {
                return;
            };
            // Halves by question: every right passage of a question stays on its side.
            let texts: Vec<&str> = judged(&queries).iter().map(|j| j.text).collect();
            let half_of = |q: &EvalQuery| texts.iter().position(|t| *t == q.text).unwrap_or(0) % 2;
            let halves: [Vec<EvalQuery>; 2] = [0, 1].map(|h| {
                queries
                    .iter()
                    .filter(|q| half_of(q) == h)
                    .cloned()
                    .collect()
            });
            let coverage = calibrated.coverage;
            // Against over-fitting: the lead is the stricter of those picked on each half.
            let picks = halves
                .each_ref()
                .map(|h| calibrate(&index, h, lang, coverage, 0.8));
            let lead = picks[0].max(picks[1]);
            eprintln!("{name}: leads {picks:?} picked on the halves");
            assert_eq!(
                lead,
                calibrated.lead.of(lang),
                "{name}: calibration gives {lead}"
            );
            let with = |lead: f32| Thresholds {
                coverage,
                lead: super::super::ByLanguage {
                    en: lead,
                    it: lead,
                    pl: lead,
                },
            };
            for (pick, check) in [(0, 1), (1, 0)] {
                let r = evaluate(&index, &halves[check], with(picks[pick]));
                eprintln!(
                    "{name}: lead {} picked on half {pick}: on the other shown {:.3}, right {:.3}",
                    picks[pick], r.suggested, r.suggestion_precision
                );
            }
            for check in halves.iter().chain([&queries]) {
                let r = evaluate(&index, check, calibrated);
                eprintln!(
                    "{name}: calibrated on {} questions: shown {:.3}, right {:.3}",
                    r.queries, r.suggested, r.suggestion_precision
                );
                assert!(
                    r.suggestion_precision >= 0.8,
                    "{name}: right {:.3} on {} questions",
                    r.suggestion_precision,
                    r.queries
                );
            }
        }
    }
}

//! The benchmark's corpus: the real StackFAQ (English) and Allegro (Polish) articles repeated
//! to the wanted size with distinct slugs and a light, deterministic perturbation per copy; the
//! dev queries of both; resolved tickets made from the real IT support tickets.
//!
//! - Articles `0..1046` are the originals in file order (StackFAQ first), with their own slugs.
//!   Article `i` beyond them is a copy of original `i % 1046`, copy number `n = i / 1046`, slug
//!   `{slug}-c{n}`: every original is repeated equally often, so the corpus keeps the data's mix
//!   (125 English : 921 Polish articles; English bodies are ~5 times longer).
//! - A copy keeps its original's title and language; its body is the original's sentences with,
//!   seeded by (copy, original): one sentence dropped (when there are at least 4), two
//!   neighbouring sentences swapped (when there are at least 3), and two words replaced by words
//!   of the same language's vocabulary (every distinct word of 4+ letters of that language's
//!   articles, sorted). A small xorshift generator makes it the same on every run.
//! - Quality is counted per family: an article's family is its slug without the `-c{n}` suffix.
//!   A hit of the right family (the original or any copy of it) is right. Why: at 1M articles
//!   every article has ~950 near-identical copies, and which of them ranks first is decided by
//!   the perturbation, not by the search, so requiring the original itself measures noise (it
//!   falls towards 1/copies); a requester shown a copy gets the right answer. A copy of a
//!   *wrong* article takes a rank like any wrong article. The strict figure (only the original
//!   slug is right, a better-ranked copy of it counts as wrong) is printed beside it.

use helpdesk::kb::{read_jsonl, ArticleDraft, KbLanguage};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The shared data folder (`../shared/data` beside the workspace).
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
}

/// One dev query: its text, the right article's slug and the query's language.
#[derive(Debug, Clone)]
pub struct Query {
    pub text: String,
    pub article: String,
    pub language: KbLanguage,
}

#[derive(serde::Deserialize)]
struct QueryLine {
    text: String,
    article: String,
}

/// The real articles, StackFAQ then Allegro.
pub fn originals() -> Vec<ArticleDraft> {
    let data = data_dir();
    let mut all = read_jsonl(&data.join("kb/stackfaq/articles.jsonl"), KbLanguage::En)
        .expect("StackFAQ articles");
    all.extend(
        read_jsonl(&data.join("kb/allegro/articles.jsonl"), KbLanguage::Pl)
            .expect("Allegro articles"),
    );
    for a in &all {
        assert!(
            family(&a.slug) == a.slug,
            "an original slug looks like a copy's: {}",
            a.slug
        );
    }
    all
}

/// The dev queries: StackFAQ's (English) then Allegro's (Polish).
pub fn queries() -> Vec<Query> {
    let data = data_dir();
    let mut all = Vec::new();
    for (file, language) in [
        ("kb/stackfaq/dev-queries.jsonl", KbLanguage::En),
        ("kb/allegro/dev-queries.jsonl", KbLanguage::Pl),
    ] {
        let text = std::fs::read_to_string(data.join(file)).expect("dev queries");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let q: QueryLine = serde_json::from_str(line).expect("a dev query");
            all.push(Query {
                text: q.text,
                article: q.article,
                language,
            });
        }
    }
    all
}

/// The family of a slug: the original's slug (`sfaq0001-c17` → `sfaq0001`).
pub fn family(slug: &str) -> &str {
    match slug.rsplit_once("-c") {
        Some((head, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => slug,
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn new(copy: usize, original: usize) -> Rng {
        let mut s = (copy as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ (original as u64).wrapping_mul(0xD1B5_4A32_D192_ED03)
            ^ 0x2545_F491_4F6C_DD1D;
        if s == 0 {
            s = 1;
        }
        let mut r = Rng(s);
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Every distinct word of 4+ letters in the articles of `language`, sorted.
fn vocabulary(originals: &[ArticleDraft], language: KbLanguage) -> Vec<String> {
    let mut words = BTreeSet::new();
    for a in originals.iter().filter(|a| a.language == language) {
        for w in a.body.split(|c: char| !c.is_alphabetic()) {
            if w.chars().count() >= 4 {
                words.insert(w.to_lowercase());
            }
        }
    }
    words.into_iter().collect()
}

/// Sentences of a body: cut after `.`, `?`, `!` followed by white space, and at line breaks;
/// each keeps its end and the white space after it.
fn sentences(body: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let end = (matches!(b, b'.' | b'?' | b'!')
            && bytes.get(i + 1).is_some_and(|n| n.is_ascii_whitespace()))
            || b == b'\n';
        if end {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            out.push(&body[start..j]);
            start = j;
            i = j;
            continue;
        }
        i += 1;
    }
    if start < body.len() {
        out.push(&body[start..]);
    }
    out
}

/// The corpus generator.
pub struct Corpus {
    pub originals: Vec<ArticleDraft>,
    vocab_en: Vec<String>,
    vocab_pl: Vec<String>,
}

impl Corpus {
    pub fn load() -> Corpus {
        let originals = originals();
        let vocab_en = vocabulary(&originals, KbLanguage::En);
        let vocab_pl = vocabulary(&originals, KbLanguage::Pl);
        assert_eq!(
            sentences("One. Two? Three!\nFour"),
            ["One. ", "Two? ", "Three!\n", "Four"]
        );
        Corpus {
            originals,
            vocab_en,
            vocab_pl,
        }
    }

    /// Article `i` of the corpus (see the module comment).
    pub fn article(&self, i: usize) -> ArticleDraft {
        let n = self.originals.len();
        let (o, copy) = (i % n, i / n);
        let original = &self.originals[o];
        if copy == 0 {
            return original.clone();
        }
        let mut rng = Rng::new(copy, o);
        let mut parts: Vec<&str> = sentences(&original.body);
        if parts.len() >= 4 {
            let drop = rng.below(parts.len());
            parts.remove(drop);
        }
        if parts.len() >= 3 {
            let a = rng.below(parts.len() - 1);
            parts.swap(a, a + 1);
        }
        let mut body = parts.concat();
        let vocab = match original.language {
            KbLanguage::Pl => &self.vocab_pl,
            _ => &self.vocab_en,
        };
        for _ in 0..2 {
            body = replace_a_word(&body, &vocab[rng.below(vocab.len())], &mut rng);
        }
        ArticleDraft {
            slug: format!("{}-c{copy}", original.slug),
            body,
            ..original.clone()
        }
    }

    /// The first `size` articles.
    pub fn articles(&self, size: usize) -> Vec<ArticleDraft> {
        (0..size).map(|i| self.article(i)).collect()
    }
}

/// `body` with one word of 4+ letters (chosen by `rng`) replaced by `word`.
fn replace_a_word(body: &str, word: &str, rng: &mut Rng) -> String {
    let mut spans = Vec::new();
    let mut start = None;
    for (at, c) in body.char_indices() {
        match (c.is_alphabetic(), start) {
            (true, None) => start = Some(at),
            (false, Some(s)) => {
                spans.push((s, at));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, body.len()));
    }
    spans.retain(|(s, e)| body[*s..*e].chars().count() >= 4);
    if spans.is_empty() {
        return body.to_string();
    }
    let (s, e) = spans[rng.below(spans.len())];
    format!("{}{word}{}", &body[..s], &body[e..])
}

/// A resolved ticket to write into the store.
pub struct TicketText {
    pub title: String,
    pub description: String,
    pub category: String,
    pub resolution: String,
}

/// The texts and topics of `it-support-tickets.csv` (`Document,Topic_group`).
pub fn ticket_rows() -> Vec<(String, String)> {
    let csv = std::fs::read_to_string(data_dir().join("tickets/it-support-tickets.csv"))
        .expect("ticket CSV");
    csv.lines()
        .skip(1)
        .filter_map(|line| {
            let (text, topic) = line.rsplit_once(',')?;
            let text = match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
                Some(quoted) => quoted.replace("\"\"", "\""),
                None => text.to_string(),
            };
            (!text.trim().is_empty()).then(|| (text, topic.trim().to_string()))
        })
        .collect()
}

/// `count` resolved tickets: row `i % rows` of the CSV (title: its first 8 words, with ` r{n}`
/// from the second pass on; description: the whole text); the resolution is a line naming the
/// topic plus the first 12 words of the next row of the same topic (the data set has no
/// resolutions; this gives each a distinct, on-topic one).
pub fn tickets(rows: &[(String, String)], count: usize) -> Vec<TicketText> {
    (0..count)
        .map(|i| {
            let (text, topic) = &rows[i % rows.len()];
            let pass = i / rows.len();
            let mut title = text
                .split_whitespace()
                .take(8)
                .collect::<Vec<_>>()
                .join(" ");
            if pass > 0 {
                title.push_str(&format!(" r{pass}"));
            }
            let next = rows[i % rows.len() + 1..]
                .iter()
                .chain(rows.iter())
                .find(|(_, t)| t == topic)
                .map_or("", |(t, _)| t.as_str());
            let hint = next
                .split_whitespace()
                .take(12)
                .collect::<Vec<_>>()
                .join(" ");
            TicketText {
                title,
                description: text.clone(),
                category: topic.clone(),
                resolution: format!("{topic} team: fixed, see {hint}"),
            }
        })
        .collect()
}

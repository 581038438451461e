//! The search index, on tantivy: BM25 per field (title boosted over body), per language a field
//! pair of stems ([`analyzer`]) and a weighted pair of word prefixes ([`prefix_analyzer`]), a tag field that filters by owner, tenant or level before
//! anything is ranked, and a stored reference the caller decodes. It lives in a folder of its
//! own (memory-mapped, kept across restarts) or in memory (tests, `kb eval`).

use super::analysis::{
    analyze_query, analyze_query_prefixes, analyzer, first_words, prefix_analyzer, KbLanguage,
    MAX_WORDS,
};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tantivy::collector::TopDocs;
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    Bm25StatisticsProvider, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery,
    TermSetQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, Value, STORED,
};
use tantivy::{
    DocAddress, DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument,
    Term, TERMINATED,
};

/// A title word counts this much more than a body word (English and Italian; see
/// [`Weights::of`] for Polish).
pub const TITLE_BOOST: f32 = 1.5;

/// How the fields of one language count in the score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// A title match over a body match.
    pub title: f32,
    /// A prefix match over a stem match (title and body alike).
    pub prefix: f32,
    /// How many times its real average length BM25 takes the body fields' average length to
    /// be. tantivy's BM25 constants are fixed (k1 1.2, b 0.75), but its length normalisation
    /// reads the average from the statistics; a stretch `s` gives exactly BM25 with
    /// k1 = 1.2 (0.25 + 0.75 / s) and b = (0.75 / s) / (0.25 + 0.75 / s), times a constant
    /// (a field boost). 1 leaves BM25 as it is; Polish takes 2 (k1 0.75, b 0.6), picked from
    /// 1.5–16 on one half of the Allegro dev questions and holding on the other: a weaker
    /// length normalisation than BM25's default.
    pub body_stretch: f32,
}

impl Weights {
    /// The weights of `lang`, measured on the dev sets (StackFAQ for English, Allegro for
    /// Polish) over a small grid, never on single queries; Italian, which has none, takes
    /// English's. Polish leans more on prefixes (its stems miss many inflections) and less on
    /// the title (Allegro's titles are their passage's first sentence).
    pub fn of(lang: KbLanguage) -> Weights {
        match lang {
            KbLanguage::En | KbLanguage::It => Weights {
                title: TITLE_BOOST,
                prefix: 1.0,
                body_stretch: 1.0,
            },
            KbLanguage::Pl => Weights {
                title: 1.0,
                prefix: 1.5,
                body_stretch: 2.0,
            },
        }
    }
}

/// The index layout's version: a folder of another version is rebuilt, never read. Bump it when
/// the fields or the analysis change (2: prefix fields).
pub const SCHEMA_VERSION: u32 = 3;

/// The distinct terms of a query searched, per language and field kind.
const MAX_QUERY_TERMS: usize = 64;

/// The writer's memory budget: a bulk import flushes a segment each time it is full.
const WRITER_HEAP: usize = 32 * 1024 * 1024;

/// What the index holds of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDoc {
    /// Its key: the database id; an upsert replaces the document with the same key.
    pub key: u64,
    /// The title.
    pub title: String,
    /// The body (Markdown as written; markup words are harmless terms).
    pub body: String,
    /// How to analyse it.
    pub language: KbLanguage,
    /// What filters may ask of it (owner, tenant, level…).
    pub tags: Vec<Tag>,
    /// What a hit gives back, as the caller encoded it.
    pub data: String,
}

/// A filterable property of a document: a kind and a value, e.g. `owner` `shared`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag(String);

impl Tag {
    /// The tag `kind` = `value`.
    pub fn new(kind: &str, value: impl fmt::Display) -> Tag {
        Tag(format!("{kind}={value}"))
    }
}

/// Which documents a search may return: for every group, at least one of its tags; none of
/// `except`. A document carries at most one tag of a group (one owner, one tenant).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Each inner list is "any of these"; the groups all have to hold.
    pub all_of: Vec<Vec<Tag>>,
    /// Keys never returned.
    pub except: Vec<u64>,
}

/// A search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The document's key.
    pub key: u64,
    /// The BM25 score (title × boost + body).
    pub score: f32,
    /// How much of the query the document covers: the idf-weighted share of the query's terms
    /// found in it, 0–1. Comparable across queries, so it is what suggestion thresholds use.
    pub coverage: f32,
    /// The document's language.
    pub language: KbLanguage,
    /// What the caller stored with it.
    pub data: String,
}

/// Where an index lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexPlace {
    /// In memory, built anew by each process.
    Memory,
    /// In this folder (created when missing), kept across restarts.
    Folder(PathBuf),
}

/// The index could not be opened, written or read.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The folder could not be made or read.
    #[error("search index folder {path}: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// tantivy failed.
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

#[derive(Clone, Copy)]
struct LanguageFields {
    title: Field,
    body: Field,
    title_prefix: Field,
    body_prefix: Field,
}

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    tags: Field,
    language: Field,
    data: Field,
    text: [LanguageFields; 3],
}

impl Fields {
    fn text(&self, lang: KbLanguage) -> LanguageFields {
        self.text[lang_slot(lang)]
    }
}

fn lang_slot(lang: KbLanguage) -> usize {
    match lang {
        KbLanguage::En => 0,
        KbLanguage::It => 1,
        KbLanguage::Pl => 2,
    }
}

fn tokenizer_name(lang: KbLanguage) -> String {
    format!("helpdesk_{}", lang.code())
}

fn prefix_tokenizer_name(lang: KbLanguage) -> String {
    format!("helpdesk_{}_prefix", lang.code())
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let key = b.add_u64_field("key", NumericOptions::default().set_indexed().set_stored());
    let raw = TextFieldIndexing::default()
        .set_tokenizer("raw")
        .set_index_option(IndexRecordOption::Basic)
        .set_fieldnorms(false);
    let tags = b.add_text_field("tags", TextOptions::default().set_indexing_options(raw));
    let language = b.add_u64_field("language", STORED);
    let data = b.add_text_field("data", STORED);
    let text = KbLanguage::ALL.map(|lang| {
        let analysed = |tokenizer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqs),
            )
        };
        let stems = analysed(&tokenizer_name(lang));
        let prefixes = analysed(&prefix_tokenizer_name(lang));
        let code = lang.code();
        LanguageFields {
            title: b.add_text_field(&format!("title_{code}"), stems.clone()),
            body: b.add_text_field(&format!("body_{code}"), stems),
            title_prefix: b.add_text_field(&format!("title_{code}_prefix"), prefixes.clone()),
            body_prefix: b.add_text_field(&format!("body_{code}_prefix"), prefixes),
        }
    });
    let fields = Fields {
        key,
        tags,
        language,
        data,
        text,
    };
    (b.build(), fields)
}

/// A searchable set of documents.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    /// `None` when another process holds the folder's writer lock: this one only reads.
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    /// The caller's mark saved with the last commit (how far the database was read).
    mark: Mutex<Option<String>>,
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchIndex")
            .field("docs", &self.len())
            .finish()
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Payload {
    mark: Option<String>,
}

impl SearchIndex {
    /// An empty index in memory.
    pub fn in_memory() -> SearchIndex {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        Self::ready(index, fields, None).expect("an index in memory always opens")
    }

    /// An in-memory index of these documents.
    pub fn of<'a>(docs: impl IntoIterator<Item = &'a IndexDoc>) -> Result<Self, IndexError> {
        let index = SearchIndex::in_memory();
        for doc in docs {
            index.upsert(doc)?;
        }
        index.commit(None)?;
        Ok(index)
    }

    /// The index named `name` at `place`. In a folder: the one of this [`SCHEMA_VERSION`] if it
    /// is there and readable, else a new empty one (older versions' folders are removed).
    pub fn open(place: &IndexPlace, name: &str) -> Result<SearchIndex, IndexError> {
        let IndexPlace::Folder(root) = place else {
            return Ok(SearchIndex::in_memory());
        };
        let folder = root.join(format!("{name}-v{SCHEMA_VERSION}"));
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| IndexError::Folder { path, source }
        };
        std::fs::create_dir_all(&folder).map_err(io(&folder))?;
        remove_versions(root, name, Some(SCHEMA_VERSION));
        let (schema, fields) = schema();
        let open = || -> Result<Index, IndexError> {
            let dir = MmapDirectory::open(&folder).map_err(|e| IndexError::Folder {
                path: folder.clone(),
                source: std::io::Error::other(e.to_string()),
            })?;
            Ok(Index::open_or_create(dir, schema.clone())?)
        };
        let index = match open() {
            Ok(index) => index,
            Err(e) => {
                // Derived data, never fatal; and never deleted here: another process may hold it.
                tracing::warn!(
                    folder = %folder.display(),
                    error = %e,
                    "search index unreadable: searching an index in memory; stop every helpdesk \
                     process using the folder and remove it to have it rebuilt on disk"
                );
                return Ok(SearchIndex::in_memory());
            }
        };
        let mark = index
            .load_metas()?
            .payload
            .and_then(|p| serde_json::from_str::<Payload>(&p).ok())
            .and_then(|p| p.mark);
        Self::ready(index, fields, mark)
    }

    fn ready(index: Index, fields: Fields, mark: Option<String>) -> Result<Self, IndexError> {
        for lang in KbLanguage::ALL {
            index
                .tokenizers()
                .register(&tokenizer_name(lang), analyzer(lang));
            index
                .tokenizers()
                .register(&prefix_tokenizer_name(lang), prefix_analyzer(lang));
        }
        let writer = match index.writer_with_num_threads(1, WRITER_HEAP) {
            Ok(w) => Some(w),
            Err(tantivy::TantivyError::LockFailure(..)) => {
                tracing::warn!(
                    "another process writes this search index: reading its copy, not updating it"
                );
                None
            }
            Err(e) => return Err(e.into()),
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            mark: Mutex::new(mark),
        })
    }

    /// Whether this process may write the index: it holds the folder's writer lock, taking it
    /// now if the process that held it (a `kb` command, another bot) has let it go.
    pub fn writable(&self) -> bool {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if writer.is_none() {
            if let Ok(w) = self.index.writer_with_num_threads(1, WRITER_HEAP) {
                tracing::info!("took over writing the search index");
                *writer = Some(w);
            }
        }
        writer.is_some()
    }

    /// The mark saved with the last commit, if any.
    pub fn mark(&self) -> Option<String> {
        self.mark.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// How many documents a search sees.
    pub fn len(&self) -> usize {
        self.reader.searcher().num_docs() as usize
    }

    /// Holds no document.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds the document, replacing the one with its key; seen by searches after [`commit`].
    ///
    /// [`commit`]: SearchIndex::commit
    pub fn upsert(&self, doc: &IndexDoc) -> Result<(), IndexError> {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let Some(writer) = writer.as_ref() else {
            return Ok(());
        };
        let f = &self.fields;
        writer.delete_term(Term::from_field_u64(f.key, doc.key));
        let text = f.text(doc.language);
        let mut d = TantivyDocument::new();
        d.add_u64(f.key, doc.key);
        d.add_u64(f.language, lang_slot(doc.language) as u64);
        d.add_text(f.data, &doc.data);
        d.add_text(text.title, &doc.title);
        d.add_text(text.body, &doc.body);
        d.add_text(text.title_prefix, &doc.title);
        d.add_text(text.body_prefix, &doc.body);
        for tag in &doc.tags {
            d.add_text(f.tags, &tag.0);
        }
        writer.add_document(d)?;
        Ok(())
    }

    /// Removes the document with this key, if any; seen by searches after a commit.
    pub fn remove(&self, key: u64) {
        if let Some(writer) = self
            .writer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            writer.delete_term(Term::from_field_u64(self.fields.key, key));
        }
    }

    /// Removes every document and the mark, durably.
    pub fn clear(&self) -> Result<(), IndexError> {
        if let Some(writer) = self
            .writer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
        {
            writer.delete_all_documents()?;
        }
        *self.mark.lock().unwrap_or_else(|e| e.into_inner()) = None;
        self.commit(None)
    }

    /// Makes the changes durable and searchable, saving `mark` with them (`None` keeps the
    /// last one). A read-only index takes in the writer's latest commit instead.
    pub fn commit(&self, mark: Option<&str>) -> Result<(), IndexError> {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(writer) = writer.as_mut() {
            let mut saved = self.mark.lock().unwrap_or_else(|e| e.into_inner());
            let mark = mark.map(str::to_string).or_else(|| saved.clone());
            let mut prepared = writer.prepare_commit()?;
            let payload = Payload { mark: mark.clone() };
            prepared.set_payload(&serde_json::to_string(&payload).unwrap_or_default());
            prepared.commit()?;
            *saved = mark;
        }
        self.reader.reload()?;
        Ok(())
    }

    /// The best `limit` documents for the query among those `filter` lets through, best first.
    /// Every language's documents are searched with the query analysed in that language: the
    /// BM25 scores of its stems and of its word prefixes, weighted by [`Weights::of`].
    /// Scores are those of the whole index: what the filter leaves out never changes a ranking.
    pub fn search(&self, query: &str, limit: usize, filter: &Filter) -> Vec<Hit> {
        if limit == 0 {
            return Vec::new();
        }
        let query = first_words(query, MAX_WORDS);
        let terms = KbLanguage::ALL.map(|lang| distinct_terms(query, lang));
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for lang in KbLanguage::ALL {
            let f = self.fields.text(lang);
            let w = Weights::of(lang);
            let prefixes = distinct(analyze_query_prefixes(query, lang));
            let groups = [
                (&terms[lang_slot(lang)], [(f.title, w.title), (f.body, 1.0)]),
                (
                    &prefixes,
                    [
                        (f.title_prefix, w.title * w.prefix),
                        (f.body_prefix, w.prefix),
                    ],
                ),
            ];
            for (terms, fields) in groups {
                for (term, repeats) in terms {
                    for (field, boost) in fields {
                        let q = TermQuery::new(
                            Term::from_field_text(field, term),
                            IndexRecordOption::WithFreqs,
                        );
                        clauses.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(q), boost * *repeats as f32)),
                        ));
                    }
                }
            }
        }
        if clauses.is_empty() {
            return Vec::new();
        }
        let text: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
        let searcher = self.reader.searcher();
        let stats = Stretched {
            searcher: &searcher,
            stretch: KbLanguage::ALL
                .iter()
                .map(|&lang| self.fields.text(lang))
                .zip(KbLanguage::ALL.map(|lang| Weights::of(lang).body_stretch))
                .flat_map(|(f, s)| [(f.body, s), (f.body_prefix, s)])
                .filter(|&(_, s)| s != 1.0)
                .collect(),
        };
        let found = match self.filtered(text, filter, &searcher) {
            Some(q) => {
                searcher.search_with_statistics_provider(&q, &TopDocs::with_limit(limit), &stats)
            }
            None => return Vec::new(),
        };
        let found = match found {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!(error = %e, "search index: the search failed");
                return Vec::new();
            }
        };
        found
            .into_iter()
            .filter_map(|(score, at)| self.hit(&searcher, at, score, &terms))
            .collect()
    }

    /// Up to `limit` documents `filter` lets through, unranked.
    pub fn find(&self, filter: &Filter, limit: usize) -> Vec<Hit> {
        let searcher = self.reader.searcher();
        let everything: Box<dyn Query> = Box::new(tantivy::query::AllQuery);
        let Some(q) = self.filtered(everything, filter, &searcher) else {
            return Vec::new();
        };
        let no_terms: [Vec<(String, usize)>; 3] = Default::default();
        match searcher.search(&q, &TopDocs::with_limit(limit.max(1))) {
            Ok(found) => found
                .into_iter()
                .filter_map(|(score, at)| self.hit(&searcher, at, score, &no_terms))
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "search index: the lookup failed");
                Vec::new()
            }
        }
    }

    /// `query` restricted by `filter`; `None` when the filter lets nothing through.
    fn filtered(
        &self,
        query: Box<dyn Query>,
        filter: &Filter,
        searcher: &Searcher,
    ) -> Option<Box<dyn Query>> {
        if filter.all_of.iter().any(|g| g.is_empty()) {
            return None;
        }
        // A filter that lets every document through only costs time.
        let n = searcher.num_docs();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        for group in &filter.all_of {
            // Each tag once: a repeated one would be counted twice below.
            let distinct: std::collections::BTreeSet<&str> =
                group.iter().map(|t| t.0.as_str()).collect();
            let terms: Vec<Term> = distinct
                .into_iter()
                .map(|t| Term::from_field_text(self.fields.tags, t))
                .collect();
            let matching: u64 = terms
                .iter()
                .map(|t| searcher.doc_freq(t).unwrap_or(0))
                .sum();
            if matching >= n
                && n > 0
                && searcher
                    .segment_readers()
                    .iter()
                    .all(|s| s.num_deleted_docs() == 0)
            {
                continue;
            }
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(
                    Box::new(TermSetQuery::new(terms)),
                    0.0,
                )),
            ));
        }
        for key in &filter.except {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_u64(self.fields.key, *key),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if clauses.len() == 1 {
            return clauses.pop().map(|(_, q)| q);
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    fn hit(
        &self,
        searcher: &Searcher,
        at: DocAddress,
        score: f32,
        terms: &[Vec<(String, usize)>; 3],
    ) -> Option<Hit> {
        let f = &self.fields;
        let doc: TantivyDocument = searcher.doc(at).ok()?;
        let key = doc.get_first(f.key)?.as_u64()?;
        let slot = doc.get_first(f.language)?.as_u64()? as usize;
        let language = *KbLanguage::ALL.get(slot)?;
        let data = doc.get_first(f.data)?.as_str()?.to_string();
        let coverage = self.coverage(searcher, at, f.text(language), &terms[slot]);
        Some(Hit {
            key,
            score,
            coverage,
            language,
            data,
        })
    }

    /// The idf-weighted share of `terms` found in the document's title or body. A word no
    /// document has counts like the rarest word one has.
    fn coverage(
        &self,
        searcher: &Searcher,
        at: DocAddress,
        fields: LanguageFields,
        terms: &[(String, usize)],
    ) -> f32 {
        let n = searcher.num_docs() as f32;
        let idf = |df: u64| (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
        let segment = searcher.segment_reader(at.segment_ord);
        let (mut covered, mut total) = (0f32, 0f32);
        for (term, _) in terms {
            let mut df = 0;
            let mut found = false;
            for field in [fields.title, fields.body] {
                let t = Term::from_field_text(field, term);
                df = df.max(searcher.doc_freq(&t).unwrap_or(0));
                if !found {
                    found = segment
                        .inverted_index(field)
                        .ok()
                        .and_then(|inv| inv.read_postings(&t, IndexRecordOption::Basic).ok())
                        .flatten()
                        .is_some_and(|mut p| {
                            // `seek` may only move forward.
                            let first = p.doc();
                            first == at.doc_id
                                || (first < at.doc_id
                                    && first != TERMINATED
                                    && p.seek(at.doc_id) == at.doc_id)
                        });
                }
            }
            // Deleted copies still count in doc_freq until a merge: never more than the documents.
            let weight = idf(df.clamp(1, (n as u64).max(1))).max(0.0);
            total += weight;
            if found {
                covered += weight;
            }
        }
        if total > 0.0 {
            covered / total
        } else {
            0.0
        }
    }
}

/// The searcher's BM25 statistics, each field of `stretch` taken to be that many times as long
/// on average (see [`Weights::body_stretch`]).
struct Stretched<'a> {
    searcher: &'a Searcher,
    stretch: Vec<(Field, f32)>,
}

impl Bm25StatisticsProvider for Stretched<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let tokens = self.searcher.total_num_tokens(field)?;
        Ok(match self.stretch.iter().find(|(f, _)| *f == field) {
            Some(&(_, s)) => (tokens as f64 * f64::from(s)).round() as u64,
            None => tokens,
        })
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.searcher.doc_freq(term)
    }
}

/// The query's distinct terms in `lang` (see [`analyze_query`]), each with how often the query
/// repeats it.
fn distinct_terms(query: &str, lang: KbLanguage) -> Vec<(String, usize)> {
    distinct(analyze_query(query, lang))
}

/// The distinct terms, in order, each with how often it comes.
fn distinct(terms: Vec<String>) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut order = Vec::new();
    for term in terms {
        let n = counts.entry(term.clone()).or_insert(0);
        if *n == 0 {
            order.push(term);
        }
        *n += 1;
    }
    order
        .into_iter()
        // A pasted log adds nothing past its first words but clauses to score.
        .take(MAX_QUERY_TERMS)
        .map(|t| {
            let n = counts[&t];
            (t, n)
        })
        .collect()
}

/// Removes every version of index `name` at `place` (a restored database gets new indexes).
pub fn remove_index(place: &IndexPlace, name: &str) {
    if let IndexPlace::Folder(root) = place {
        remove_versions(root, name, None);
    }
}

/// Removes the folders of index `name` under `root` of versions older than `keep` (all with
/// `None`; only those folders: the root may hold other files).
fn remove_versions(root: &Path, name: &str, keep: Option<u32>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    let prefix = format!("{name}-v");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let version = file_name
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|v| v.parse::<u32>().ok());
        let Some(version) = version else { continue };
        // Only older layouts: a newer binary beside this one (a rolling update) keeps its own.
        if keep.is_none_or(|keep| version < keep) && entry.path().is_dir() {
            tracing::info!(folder = %entry.path().display(), "removing a search index");
            if let Err(e) = std::fs::remove_dir_all(entry.path()) {
                tracing::warn!(folder = %entry.path().display(), error = %e, "could not remove a search index");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(key: u64, title: &str, body: &str, tag: &str) -> IndexDoc {
        IndexDoc {
            key,
            title: title.into(),
            body: body.into(),
            language: KbLanguage::En,
            tags: vec![Tag::new("owner", tag)],
            data: format!("d{key}"),
        }
    }

    fn keys(hits: &[Hit]) -> Vec<u64> {
        hits.iter().map(|h| h.key).collect()
    }

    #[test]
    fn titles_count_more_and_updates_replace() {
        let index = SearchIndex::of(&[
            doc(1, "VPN error 809", "Restart the client.", "a"),
            doc(2, "Outlook crashes", "Sometimes the VPN is the cause.", "a"),
            doc(3, "Printer jammed", "Open tray 2.", "a"),
        ])
        .unwrap();
        let all = Filter::default();
        let hits = index.search("vpn error", 10, &all);
        assert_eq!(keys(&hits), [1, 2]);
        assert_eq!(hits[0].data, "d1");
        assert!(hits[0].coverage > 0.99, "{hits:?}");
        let once = index.search("vpn error lost", 1, &all)[0].coverage;
        let twice = index.search("vpn error lost vpn error lost", 1, &all)[0].coverage;
        assert!(
            (once - twice).abs() < 1e-6,
            "repeating the text changes nothing"
        );

        index
            .upsert(&doc(1, "Printer offline", "Check the cable.", "a"))
            .unwrap();
        index.commit(None).unwrap();
        assert_eq!(index.len(), 3);
        assert_eq!(
            keys(&index.search("vpn error", 10, &all)),
            [2],
            "the old text is gone"
        );
        index.remove(2);
        index.commit(None).unwrap();
        assert!(index.search("vpn error", 10, &all).is_empty());
        assert_eq!(index.len(), 2);
    }

    #[test]
    fn a_filtered_search_ranks_the_kept_ones_as_the_whole_index_does() {
        let index = SearchIndex::of(&[
            doc(1, "VPN error 809", "Restart the client.", "a"),
            doc(2, "VPN error 809 again", "Call the phishing number.", "b"),
            doc(3, "VPN drops at night", "Check the router.", "a"),
        ])
        .unwrap();
        let all = index.search("vpn error", 10, &Filter::default());
        let only_a = Filter {
            all_of: vec![vec![Tag::new("owner", "a")]],
            except: vec![],
        };
        let kept = index.search("vpn error", 10, &only_a);
        let expected: Vec<&Hit> = all.iter().filter(|h| h.key != 2).collect();
        assert_eq!(kept.iter().collect::<Vec<_>>(), expected);
        assert_eq!(
            keys(&index.search("vpn error", 1, &only_a)),
            [1],
            "the limit counts kept ones"
        );
        let not_one = Filter {
            except: vec![1],
            ..only_a.clone()
        };
        assert_eq!(keys(&index.search("vpn error", 10, &not_one)), [3]);
        let nobody = Filter {
            all_of: vec![vec![Tag::new("owner", "c")]],
            except: vec![],
        };
        assert!(index.search("vpn error", 10, &nobody).is_empty());
        assert_eq!(keys(&index.find(&only_a, 10)).len(), 2);
    }

    #[test]
    fn nothing_matches_nothing() {
        let index = SearchIndex::in_memory();
        let all = Filter::default();
        assert!(index.search("anything", 3, &all).is_empty());
        index
            .upsert(&doc(1, "Password reset", "Use the portal.", "a"))
            .unwrap();
        index.commit(None).unwrap();
        for q in ["", "🙂", "\"*:()-AND", "密码", "zzzz unknownword"] {
            assert!(index.search(q, 3, &all).is_empty(), "{q:?}");
        }
        let long = "password ".repeat(10_000);
        assert_eq!(keys(&index.search(&long, 3, &all)), [1]);
    }

    #[test]
    fn a_folder_index_keeps_its_documents_and_mark_and_drops_older_versions() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("articles-v0");
        std::fs::create_dir_all(&old).unwrap();
        let other = dir.path().join("helpdesk.db");
        std::fs::write(&other, b"not ours").unwrap();
        let place = IndexPlace::Folder(dir.path().to_path_buf());
        {
            let index = SearchIndex::open(&place, "articles").unwrap();
            assert!(index.writable());
            assert_eq!(index.mark(), None);
            index
                .upsert(&doc(7, "VPN error 809", "Restart.", "a"))
                .unwrap();
            index.commit(Some("42")).unwrap();
            let second = SearchIndex::open(&place, "articles").unwrap();
            assert!(!second.writable(), "one writer per folder");
            assert_eq!(keys(&second.search("vpn", 3, &Filter::default())), [7]);
            drop(index);
            assert!(
                second.writable(),
                "the reader takes over once the writer is gone"
            );
        }
        let again = SearchIndex::open(&place, "articles").unwrap();
        assert_eq!(again.mark().as_deref(), Some("42"));
        assert_eq!(keys(&again.search("vpn", 3, &Filter::default())), [7]);
        assert!(!old.exists(), "an older version's folder is removed");
        assert!(other.exists(), "nothing else in the folder is touched");
    }
}

//! The knowledge base: articles stored in the database, a search index derived from them, and
//! the quality measures used to keep suggestions honest.

mod analysis;
mod article;
mod eval;
mod index;
mod service;

pub use analysis::{
    analyze, analyzer, first_words, fold, KbLanguage, UnknownKbLanguage, WordFilter, MAX_WORDS,
};
pub use article::{
    check, parse_markdown, read_jsonl, read_markdown_dir, to_markdown, Article, ArticleDraft,
    ArticleRevision, ArticleSource, ImportError, KbOwner,
};
pub use eval::{calibrate, drafts_index, evaluate, EvalQuery, EvalReport};
pub use index::{
    Filter, Hit, IndexDoc, IndexError, IndexPlace, SearchIndex, Tag, SCHEMA_VERSION, TITLE_BOOST,
};
pub use service::{
    lead, remove_indexes, ByLanguage, KbError, KbOptions, KnowledgeBase, SimilarTicket, Suggestion,
    Thresholds, SUGGESTED_AT_INTAKE,
};

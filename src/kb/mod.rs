//! The knowledge base: articles stored in the database, a search index derived from them, and
//! the quality measures used to keep suggestions honest.

mod analysis;
mod article;
mod eval;
mod index;
mod service;

pub use analysis::{analyze, fold, KbLanguage, UnknownKbLanguage, MAX_WORDS};
pub use article::{
    check, parse_markdown, read_jsonl, read_markdown_dir, to_markdown, Article, ArticleDraft,
    ArticleRevision, ArticleSource, ImportError, KbOwner,
};
pub use eval::{evaluate, EvalQuery, EvalReport};
pub use index::{Hit, IndexDoc, SearchIndex, TITLE_BOOST};
pub use service::{KnowledgeBase, SimilarTicket, Suggestion, DEFAULT_THRESHOLD};

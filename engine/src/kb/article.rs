//! A knowledge-base article, and reading articles from the files people keep them in.

use super::analysis::KbLanguage;
use crate::domain::{TenantId, Timestamp};
use crate::i18n::{self, Arg, Language, Msg};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Who an article belongs to: one tenant, or the whole installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KbOwner {
    /// Installation-wide: every tenant reads it, only installation admins change it.
    Shared,
    /// One tenant's: only that tenant reads or changes it.
    Tenant(TenantId),
}

impl KbOwner {
    /// Whether someone reading as `reader` (a tenant, or the installation) may see an article
    /// of this owner: their own, and shared ones, never another tenant's.
    pub fn readable_by(self, reader: KbOwner) -> bool {
        self == KbOwner::Shared || self == reader
    }

    /// The tenant, unless shared.
    pub fn tenant(self) -> Option<TenantId> {
        match self {
            KbOwner::Shared => None,
            KbOwner::Tenant(t) => Some(t),
        }
    }

    /// The owner of a stored `tenant_id` (NULL is shared).
    pub fn of(tenant: Option<TenantId>) -> KbOwner {
        tenant.map_or(KbOwner::Shared, KbOwner::Tenant)
    }
}

impl std::fmt::Display for KbOwner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KbOwner::Shared => f.write_str("shared"),
            KbOwner::Tenant(t) => write!(f, "tenant {}", t.0),
        }
    }
}

/// Where an article came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ArticleSource {
    /// Written in chat or by hand.
    Written,
    /// Imported from a file or data set.
    Imported,
    /// Drafted from a resolved ticket.
    Ticket {
        /// The ticket's number.
        number: i64,
    },
}

/// What a new or changed article holds, before the store numbers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleDraft {
    /// Stable key people and imports use (`sfaq0001`, `vpn-error-809`).
    pub slug: String,
    /// One line.
    pub title: String,
    /// Markdown.
    pub body: String,
    /// Free tags.
    pub tags: Vec<String>,
    /// How it is analysed for search.
    pub language: KbLanguage,
    /// Where it came from.
    pub source: ArticleSource,
    /// Who wrote it (platform user id or `import`).
    pub author: Option<String>,
}

impl From<&Article> for ArticleDraft {
    fn from(a: &Article) -> Self {
        ArticleDraft {
            slug: a.slug.clone(),
            title: a.title.clone(),
            body: a.body.clone(),
            tags: a.tags.clone(),
            language: a.language,
            source: a.source.clone(),
            author: a.author.clone(),
        }
    }
}

/// An article as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    /// Database id.
    pub id: i64,
    /// Whose it is.
    pub owner: KbOwner,
    /// Stable key, unique per owner.
    pub slug: String,
    /// One line.
    pub title: String,
    /// Markdown.
    pub body: String,
    /// Free tags.
    pub tags: Vec<String>,
    /// Search language.
    pub language: KbLanguage,
    /// Where it came from.
    pub source: ArticleSource,
    /// Who last wrote it (its last editor).
    pub author: Option<String>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// Bumped on every change.
    pub revision: i64,
    /// The number of its latest change, in the order changes were committed: where an index
    /// that has seen it resumes.
    pub change: i64,
    /// Times suggested.
    pub shown: i64,
    /// Times a requester said it solved their problem.
    pub solved: i64,
    /// Times a requester said it did not help.
    pub unhelpful: i64,
}

/// One revision of an article as it was saved, kept so every edit can be seen and undone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleRevision {
    /// The article's database id.
    pub article: i64,
    /// Its revision number (1 is the first text).
    pub revision: i64,
    /// Title then.
    pub title: String,
    /// Body then.
    pub body: String,
    /// Tags then.
    pub tags: Vec<String>,
    /// Language then.
    pub language: KbLanguage,
    /// Who saved it (platform user id or `import`).
    pub editor: Option<String>,
    /// When.
    pub edited_at: Timestamp,
}

/// A file that could not be read as articles.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file or folder.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// What.
        path: String,
        /// Why.
        reason: String,
    },
    /// A line or file with bad content.
    #[error("{at}: {reason}")]
    Bad {
        /// File and line.
        at: String,
        /// What is wrong.
        reason: String,
    },
}

#[derive(Deserialize)]
struct JsonArticle {
    id: String,
    title: String,
    body: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    language: Option<String>,
}

/// Longest slug accepted.
const SLUG_MAX: usize = 100;
/// Longest title accepted.
const TITLE_MAX: usize = 300;
/// Longest body accepted.
const BODY_MAX: usize = 100_000;

/// Why a draft is refused; the desk says it in the tenant's language ([`Invalid::text`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    /// The id is empty, too long or has other characters.
    #[error("id {0:?} must be 1–{SLUG_MAX} letters, digits, '-', '_' or '.'")]
    Slug(String),
    /// The title is empty or too long.
    #[error("the title must be 1–{TITLE_MAX} characters")]
    Title,
    /// The body is too long.
    #[error("the body must be at most {BODY_MAX} characters")]
    Body,
}

impl Invalid {
    /// The reason in `language`, from the catalogues.
    pub fn text(&self, language: Language) -> String {
        match self {
            Invalid::Slug(slug) => i18n::text(
                language,
                Msg::KbInvalidSlug,
                &[
                    ("slug", Arg::Text(format!("{slug:?}"))),
                    ("max", Arg::num(SLUG_MAX)),
                ],
            ),
            Invalid::Title => i18n::text(
                language,
                Msg::KbInvalidTitle,
                &[("max", Arg::num(TITLE_MAX))],
            ),
            Invalid::Body => {
                i18n::text(language, Msg::KbInvalidBody, &[("max", Arg::num(BODY_MAX))])
            }
        }
    }
}

/// Checks a draft's fields: slug, title and body present and within bounds.
pub fn check(draft: &ArticleDraft) -> Result<(), Invalid> {
    let slug_ok = !draft.slug.is_empty()
        && draft.slug.chars().count() <= SLUG_MAX
        && draft
            .slug
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !slug_ok {
        return Err(Invalid::Slug(draft.slug.clone()));
    }
    if draft.title.trim().is_empty() || draft.title.chars().count() > TITLE_MAX {
        return Err(Invalid::Title);
    }
    if draft.body.chars().count() > BODY_MAX {
        return Err(Invalid::Body);
    }
    Ok(())
}

/// Reads `{"id","title","body"[, "tags", "language"]}` lines (the StackFAQ format).
pub fn read_jsonl(
    path: &Path,
    default_language: KbLanguage,
) -> Result<Vec<ArticleDraft>, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|e| ImportError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut drafts = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = || format!("{}:{}", path.display(), n + 1);
        let a: JsonArticle = serde_json::from_str(line).map_err(|e| ImportError::Bad {
            at: at(),
            reason: e.to_string(),
        })?;
        let language = match a.language {
            Some(l) => {
                l.parse()
                    .map_err(|e: super::analysis::UnknownKbLanguage| ImportError::Bad {
                        at: at(),
                        reason: e.to_string(),
                    })?
            }
            None => default_language,
        };
        let draft = ArticleDraft {
            slug: a.id,
            title: a.title.trim().to_string(),
            body: a.body,
            tags: a.tags,
            language,
            source: ArticleSource::Imported,
            author: Some("import".into()),
        };
        check(&draft).map_err(|reason| ImportError::Bad {
            at: at(),
            reason: reason.to_string(),
        })?;
        drafts.push(draft);
    }
    Ok(drafts)
}

/// Reads every `*.md` file of a folder: front matter (`title`, `tags`, `language`) between
/// `---` lines, then the body. The file name without `.md` is the id.
pub fn read_markdown_dir(
    dir: &Path,
    default_language: KbLanguage,
) -> Result<Vec<ArticleDraft>, ImportError> {
    let read_err = |e: std::io::Error| ImportError::Read {
        path: dir.display().to_string(),
        reason: e.to_string(),
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(read_err)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    paths.sort();
    let mut drafts = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| ImportError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let slug = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let draft =
            parse_markdown(&slug, &text, default_language).map_err(|reason| ImportError::Bad {
                at: path.display().to_string(),
                reason,
            })?;
        drafts.push(draft);
    }
    Ok(drafts)
}

/// One Markdown article with front matter.
pub fn parse_markdown(
    slug: &str,
    text: &str,
    default_language: KbLanguage,
) -> Result<ArticleDraft, String> {
    let text = text.trim_start_matches('\u{feff}');
    let (front, body) = match text.strip_prefix("---") {
        Some(rest) => match rest.split_once("\n---") {
            // The rest of the closing `---` line, then the body as written.
            Some((front, body)) => (front, body.split_once('\n').map_or("", |(_, b)| b)),
            None => return Err("the front matter has no closing ---".into()),
        },
        None => ("", text),
    };
    let mut title = None;
    let mut tags = Vec::new();
    let mut language = default_language;
    for line in front.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            // Quotes around a title are optional (older exports wrote them).
            "title" => title = Some(unquote(value)),
            "tags" => {
                let value = value.trim_matches('"');
                tags = value
                    .trim_matches(['[', ']'])
                    .split(',')
                    .map(|t| t.trim().trim_matches('"').to_string())
                    .filter(|t| !t.is_empty())
                    .collect()
            }
            "language" => {
                language = value
                    .trim_matches('"')
                    .parse()
                    .map_err(|e: super::analysis::UnknownKbLanguage| e.to_string())?
            }
            _ => {}
        }
    }
    let body = body.trim().to_string();
    let title = match title {
        Some(t) => t,
        // Without a title, the first heading or line is the title.
        None => body
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim_start_matches('#').trim().to_string())
            .ok_or("no title and no text")?,
    };
    let draft = ArticleDraft {
        slug: slug.to_string(),
        title,
        body,
        tags,
        language,
        source: ArticleSource::Imported,
        author: Some("import".into()),
    };
    check(&draft).map_err(|reason| reason.to_string())?;
    Ok(draft)
}

/// A front-matter value without surrounding double quotes (and their `\"` escapes).
fn unquote(value: &str) -> String {
    match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\""),
        None => value.to_string(),
    }
}

/// The article as a Markdown file with front matter (what `kb export` writes).
pub fn to_markdown(article: &Article) -> String {
    let tags: Vec<String> = article.tags.iter().map(|t| format!("{t:?}")).collect();
    format!(
        "---\ntitle: {}\ntags: [{}]\nlanguage: {}\n---\n\n{}\n",
        article.title.replace('\n', " "),
        tags.join(", "),
        article.language,
        article.body
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_round_trips_through_export() {
        let text = "---\ntitle: \"VPN error 809\"\ntags: [vpn, network]\nlanguage: it\n---\n\nRiavvia il client.\n";
        let d = parse_markdown("vpn-809", text, KbLanguage::En).unwrap();
        assert_eq!(
            (d.title.as_str(), d.language, d.tags.clone()),
            (
                "VPN error 809",
                KbLanguage::It,
                vec!["vpn".to_string(), "network".to_string()]
            )
        );
        assert_eq!(d.body, "Riavvia il client.");
        let article = Article {
            id: 1,
            owner: KbOwner::Shared,
            slug: d.slug.clone(),
            title: d.title.clone(),
            body: d.body.clone(),
            tags: d.tags.clone(),
            language: d.language,
            source: ArticleSource::Imported,
            author: None,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            revision: 1,
            change: 1,
            shown: 0,
            solved: 0,
            unhelpful: 0,
        };
        assert_eq!(
            parse_markdown("vpn-809", &to_markdown(&article), KbLanguage::En).unwrap(),
            d
        );
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        assert!(parse_markdown("x", "---\ntitle: a\n", KbLanguage::En)
            .unwrap_err()
            .contains("closing"));
        assert!(parse_markdown("bad slug!", "# Title\nbody", KbLanguage::En)
            .unwrap_err()
            .contains("id"));
        assert!(parse_markdown("x", "", KbLanguage::En).is_err());
        assert_eq!(
            parse_markdown("x", "# Printer jam\nOpen tray 2", KbLanguage::En)
                .unwrap()
                .title,
            "Printer jam"
        );
    }
}

//! Knowledge-base articles: the database is the source of truth; search indexes derive from it.

use super::db::Db;
use super::rows::{from_ms, to_ms};
use super::{Store, StoreError, StoreTx};
use crate::domain::Timestamp;
use crate::kb::{Article, ArticleDraft};

const COLUMNS: &str = "id, slug, title, body, tags, language, source, author, created_at, \
    updated_at, revision, shown_count, solved_count, unhelpful_count";

#[derive(sqlx::FromRow)]
struct ArticleRow {
    id: i64,
    slug: String,
    title: String,
    body: String,
    tags: String,
    language: String,
    source: String,
    author: Option<String>,
    created_at: i64,
    updated_at: i64,
    revision: i64,
    shown_count: i64,
    solved_count: i64,
    unhelpful_count: i64,
}

fn article(row: ArticleRow) -> Result<Article, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("article {}: {what}", row.id));
    Ok(Article {
        id: row.id,
        tags: serde_json::from_str(&row.tags).map_err(|_| corrupt("tags"))?,
        language: row.language.parse().map_err(|_| corrupt("language"))?,
        source: serde_json::from_str(&row.source).map_err(|_| corrupt("source"))?,
        created_at: from_ms(row.created_at)?,
        updated_at: from_ms(row.updated_at)?,
        slug: row.slug,
        title: row.title,
        body: row.body,
        author: row.author,
        revision: row.revision,
        shown: row.shown_count,
        solved: row.solved_count,
        unhelpful: row.unhelpful_count,
    })
}

/// What saving a draft did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// A new article.
    Created,
    /// An existing article changed (its revision went up).
    Updated,
    /// The same content was already there.
    Unchanged,
}

/// Which counter of an article to bump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleCounter {
    /// It was suggested.
    Shown,
    /// A requester said it solved their problem.
    Solved,
    /// A requester said it did not help.
    Unhelpful,
}

impl Db<'_> {
    async fn article_by_slug(&mut self, slug: &str) -> Result<Option<Article>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM kb_articles WHERE slug = $1");
        let row: Option<ArticleRow> =
            on!(self, c => sqlx::query_as(&sql).bind(slug).fetch_optional(&mut **c).await)?;
        row.map(article).transpose()
    }

    async fn save_article(
        &mut self,
        d: &ArticleDraft,
        now: Timestamp,
    ) -> Result<(Article, Saved), StoreError> {
        let tags = serde_json::to_string(&d.tags)?;
        let source = serde_json::to_string(&d.source)?;
        let existing = self.article_by_slug(&d.slug).await?;
        let saved = match &existing {
            Some(a)
                if a.title == d.title
                    && a.body == d.body
                    && a.tags == d.tags
                    && a.language == d.language =>
            {
                return Ok((a.clone(), Saved::Unchanged));
            }
            Some(_) => {
                const SQL: &str = "UPDATE kb_articles SET title = $2, body = $3, tags = $4, \
                    language = $5, updated_at = $6, revision = revision + 1 WHERE slug = $1";
                on!(self, c => sqlx::query(SQL)
                    .bind(&d.slug).bind(&d.title).bind(&d.body).bind(&tags)
                    .bind(d.language.code()).bind(to_ms(now))
                    .execute(&mut **c).await.map(|_| ()))?;
                Saved::Updated
            }
            None => {
                const SQL: &str = "INSERT INTO kb_articles (slug, title, body, tags, language, \
                    source, author, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)";
                on!(self, c => sqlx::query(SQL)
                    .bind(&d.slug).bind(&d.title).bind(&d.body).bind(&tags)
                    .bind(d.language.code()).bind(&source).bind(&d.author).bind(to_ms(now))
                    .execute(&mut **c).await.map(|_| ()))?;
                Saved::Created
            }
        };
        let stored = self
            .article_by_slug(&d.slug)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("article {} vanished", d.slug)))?;
        Ok((stored, saved))
    }

    async fn articles_changed_after(
        &mut self,
        after: Option<(i64, i64)>,
    ) -> Result<Vec<Article>, StoreError> {
        let (at, id) = after.unwrap_or((i64::MIN, i64::MIN));
        let sql = format!(
            "SELECT {COLUMNS} FROM kb_articles WHERE updated_at > $1 OR (updated_at = $1 AND id > $2) \
             ORDER BY updated_at, id"
        );
        let rows: Vec<ArticleRow> =
            on!(self, c => sqlx::query_as(&sql).bind(at).bind(id).fetch_all(&mut **c).await)?;
        rows.into_iter().map(article).collect()
    }

    async fn count_article(
        &mut self,
        slug: &str,
        counter: ArticleCounter,
    ) -> Result<(), StoreError> {
        let sql = match counter {
            ArticleCounter::Shown => {
                "UPDATE kb_articles SET shown_count = shown_count + 1 WHERE slug = $1"
            }
            ArticleCounter::Solved => {
                "UPDATE kb_articles SET solved_count = solved_count + 1 WHERE slug = $1"
            }
            ArticleCounter::Unhelpful => {
                "UPDATE kb_articles SET unhelpful_count = unhelpful_count + 1 WHERE slug = $1"
            }
        };
        on!(self, c => sqlx::query(sql).bind(slug).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }
}

impl Store {
    /// The article with this slug.
    pub async fn article(&self, slug: &str) -> Result<Option<Article>, StoreError> {
        self.conn().await?.db().article_by_slug(slug).await
    }

    /// Articles changed after the watermark `(updated_at ms, id)`, oldest change first; all of
    /// them without one. Indexes catch up with the database through this.
    pub async fn articles_changed_after(
        &self,
        after: Option<(i64, i64)>,
    ) -> Result<Vec<Article>, StoreError> {
        self.conn().await?.db().articles_changed_after(after).await
    }
}

impl StoreTx {
    /// Creates or updates the article with the draft's slug (re-imports update, never duplicate).
    pub async fn save_article(
        &mut self,
        draft: &ArticleDraft,
        now: Timestamp,
    ) -> Result<(Article, Saved), StoreError> {
        self.db().save_article(draft, now).await
    }

    /// The article with this slug, as this transaction sees it.
    pub async fn article(&mut self, slug: &str) -> Result<Option<Article>, StoreError> {
        self.db().article_by_slug(slug).await
    }

    /// Bumps one of the article's counters.
    pub async fn count_article(
        &mut self,
        slug: &str,
        counter: ArticleCounter,
    ) -> Result<(), StoreError> {
        self.db().count_article(slug, counter).await
    }
}

/// The watermark of an article: where an index that has seen it resumes.
pub fn watermark(article: &Article) -> (i64, i64) {
    (to_ms(article.updated_at), article.id)
}

/// A resolved ticket as the "similar tickets" index needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedTicket {
    /// Database id.
    pub id: crate::domain::TicketId,
    /// Its tenant.
    pub tenant: crate::domain::TenantId,
    /// Its number.
    pub number: crate::domain::TicketNumber,
    /// Title.
    pub title: String,
    /// The first message.
    pub description: String,
    /// The latest resolution written.
    pub resolution: String,
    /// When it was resolved (the watermark of the index).
    pub resolved_at: i64,
}

#[derive(sqlx::FromRow)]
struct ResolvedRow {
    id: i64,
    tenant_id: i64,
    number: i64,
    title: String,
    description: String,
    resolved_at: i64,
    data: Option<String>,
}

impl Db<'_> {
    async fn resolved_tickets_after(
        &mut self,
        after: Option<(i64, i64)>,
    ) -> Result<Vec<ResolvedTicket>, StoreError> {
        let (at, id) = after.unwrap_or((i64::MIN, i64::MIN));
        const SQL: &str = "SELECT t.id, t.tenant_id, t.number, t.title, t.description, \
            t.resolved_at, (SELECT l.data FROM ticket_log l WHERE l.ticket_id = t.id \
            AND l.kind = 'resolution' ORDER BY l.id DESC LIMIT 1) AS data FROM tickets t \
            WHERE t.resolved_at IS NOT NULL AND (t.resolved_at > $1 OR (t.resolved_at = $1 AND t.id > $2)) \
            ORDER BY t.resolved_at, t.id";
        let rows: Vec<ResolvedRow> =
            on!(self, c => sqlx::query_as(SQL).bind(at).bind(id).fetch_all(&mut **c).await)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let kind: crate::domain::LogKind = serde_json::from_str(r.data.as_deref()?).ok()?;
                let crate::domain::LogKind::Resolution { text } = kind else {
                    return None;
                };
                Some(ResolvedTicket {
                    id: crate::domain::TicketId(r.id),
                    tenant: crate::domain::TenantId(r.tenant_id),
                    number: crate::domain::TicketNumber(r.number),
                    title: r.title,
                    description: r.description,
                    resolution: text,
                    resolved_at: r.resolved_at,
                })
            })
            .collect())
    }
}

impl Store {
    /// Tickets resolved after the watermark `(resolved_at ms, id)` that have a resolution.
    pub async fn resolved_tickets_after(
        &self,
        after: Option<(i64, i64)>,
    ) -> Result<Vec<ResolvedTicket>, StoreError> {
        self.conn().await?.db().resolved_tickets_after(after).await
    }
}

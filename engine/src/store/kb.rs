//! Knowledge-base articles: the database is the source of truth; search indexes derive from it.

use super::rows::{from_ms, to_ms};
use super::Db;
use super::{Store, StoreError, StoreTx};
use crate::domain::{TenantId, Timestamp};
use crate::kb::{Article, ArticleDraft, ArticleRevision, KbOwner};

const COLUMNS: &str = "id, tenant_id, slug, title, body, tags, language, source, author, \
    created_at, updated_at, revision, shown_count, solved_count, unhelpful_count, change_seq";

#[derive(sqlx::FromRow)]
struct ArticleRow {
    id: i64,
    tenant_id: Option<i64>,
    slug: String,
    title: String,
    body: String,
    tags: String,
    language: String,
    source: String,
    author: Option<String>,
    created_at: i64,
    updated_at: i64,
    change_seq: i64,
    revision: i64,
    shown_count: i64,
    solved_count: i64,
    unhelpful_count: i64,
}

fn article_from(row: ArticleRow) -> Result<Article, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("article {}: {what}", row.id));
    Ok(Article {
        id: row.id,
        owner: KbOwner::of(row.tenant_id.map(TenantId)),
        tags: serde_json::from_str(&row.tags).map_err(|_| corrupt("tags"))?,
        language: row.language.parse().map_err(|_| corrupt("language"))?,
        source: serde_json::from_str(&row.source).map_err(|_| corrupt("source"))?,
        created_at: from_ms(row.created_at)?,
        updated_at: from_ms(row.updated_at)?,
        change: row.change_seq,
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

#[derive(sqlx::FromRow)]
struct RevisionRow {
    article_id: i64,
    revision: i64,
    title: String,
    body: String,
    tags: String,
    language: String,
    editor: Option<String>,
    edited_at: i64,
}

fn revision(row: RevisionRow) -> Result<ArticleRevision, StoreError> {
    let corrupt = |what: &str| {
        StoreError::Corrupt(format!(
            "article {} revision {}: {what}",
            row.article_id, row.revision
        ))
    };
    Ok(ArticleRevision {
        article: row.article_id,
        revision: row.revision,
        tags: serde_json::from_str(&row.tags).map_err(|_| corrupt("tags"))?,
        language: row.language.parse().map_err(|_| corrupt("language"))?,
        edited_at: from_ms(row.edited_at)?,
        title: row.title,
        body: row.body,
        editor: row.editor,
    })
}

/// The SQL condition "the article belongs to `owner`", on placeholder `$n` (unused when shared).
fn owned_by(owner: KbOwner, n: usize) -> String {
    match owner {
        KbOwner::Shared => "tenant_id IS NULL".into(),
        KbOwner::Tenant(_) => format!("tenant_id = ${n}"),
    }
}

/// The tenant id to bind for `owned_by` (NULL, never compared, when shared).
fn owner_id(owner: KbOwner) -> Option<i64> {
    owner.tenant().map(|t| t.0)
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

reads! {
    /// The article with this slug that belongs to exactly `owner`.
    fn article_owned(db, owner: KbOwner, slug: &str) -> Option<Article> {
        let sql = format!(
            "SELECT {COLUMNS} FROM kb_articles WHERE slug = $1 AND {}",
            owned_by(owner, 2)
        );
        let row: Option<ArticleRow> = on!(db, c => sqlx::query_as(&sql)
            .bind(slug).bind(owner_id(owner)).fetch_optional(&mut **c).await)?;
        row.map(article_from).transpose()
    }

    /// The article with this slug that `reader` may see: its own first, else a shared one.
    fn article(db, reader: KbOwner, slug: &str) -> Option<Article> {
        // The reader's own article first: it stands in for a shared one with the same slug.
        let sql = format!(
            "SELECT {COLUMNS} FROM kb_articles WHERE slug = $1 AND ({} OR tenant_id IS NULL) \
             ORDER BY CASE WHEN tenant_id IS NULL THEN 1 ELSE 0 END LIMIT 1",
            owned_by(reader, 2)
        );
        let row: Option<ArticleRow> = on!(db, c => sqlx::query_as(&sql)
            .bind(slug).bind(owner_id(reader)).fetch_optional(&mut **c).await)?;
        row.map(article_from).transpose()
    }

    /// The article with this id, if `reader` may see it (its own, or a shared one).
    fn article_by_id(db, reader: KbOwner, id: i64) -> Option<Article> {
        let sql = format!(
            "SELECT {COLUMNS} FROM kb_articles WHERE id = $1 AND ({} OR tenant_id IS NULL)",
            owned_by(reader, 2)
        );
        let row: Option<ArticleRow> = on!(db, c => sqlx::query_as(&sql)
            .bind(id).bind(owner_id(reader)).fetch_optional(&mut **c).await)?;
        row.map(article_from).transpose()
    }
}

async fn keep_revision(
    db: &mut Db<'_>,
    a: &Article,
    editor: Option<&str>,
    now: Timestamp,
) -> Result<(), StoreError> {
    const SQL: &str = "INSERT INTO kb_article_revisions (article_id, revision, title, body, \
        tags, language, editor, edited_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    let tags = serde_json::to_string(&a.tags)?;
    on!(db, c => sqlx::query(SQL)
        .bind(a.id).bind(a.revision).bind(&a.title).bind(&a.body).bind(&tags)
        .bind(a.language.code()).bind(editor).bind(to_ms(now))
        .execute(&mut **c).await.map(|_| ()))?;
    Ok(())
}

/// The next article change number. The counter row stays locked until this transaction
/// ends, so changes commit in the order of their numbers and a reader never skips one.
async fn next_change(db: &mut Db<'_>) -> Result<i64, StoreError> {
    const SQL: &str = "UPDATE change_counters SET value = value + 1 \
        WHERE name = 'kb_articles' RETURNING value";
    let value: i64 = on!(db, c => sqlx::query_scalar(SQL).fetch_one(&mut **c).await)?;
    Ok(value)
}

impl Store {
    /// Every article of exactly `owner`, by slug (what `kb export` writes).
    pub async fn articles_of(&self, owner: KbOwner) -> Result<Vec<Article>, StoreError> {
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let sql = format!(
            "SELECT {COLUMNS} FROM kb_articles WHERE {} ORDER BY slug",
            owned_by(owner, 1)
        );
        let rows: Vec<ArticleRow> = on!(db, c => sqlx::query_as(&sql)
            .bind(owner_id(owner)).fetch_all(&mut **c).await)?;
        rows.into_iter().map(article_from).collect()
    }

    /// Every saved revision of the article, oldest first.
    pub async fn article_history(&self, article: i64) -> Result<Vec<ArticleRevision>, StoreError> {
        const SQL: &str = "SELECT article_id, revision, title, body, tags, language, editor, \
            edited_at FROM kb_article_revisions WHERE article_id = $1 ORDER BY revision";
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let rows: Vec<RevisionRow> =
            on!(db, c => sqlx::query_as(SQL).bind(article).fetch_all(&mut **c).await)?;
        rows.into_iter().map(revision).collect()
    }

    /// Up to `limit` articles of every owner changed after change number `after` (0: from the
    /// first), in the order of their changes. Indexes catch up with the database through this,
    /// a page at a time.
    pub async fn articles_changed_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Article>, StoreError> {
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let sql = format!(
            "SELECT {COLUMNS} FROM kb_articles WHERE change_seq > $1 ORDER BY change_seq LIMIT $2"
        );
        let rows: Vec<ArticleRow> = on!(db, c => sqlx::query_as(&sql)
            .bind(after).bind(limit).fetch_all(&mut **c).await)?;
        rows.into_iter().map(article_from).collect()
    }
}

impl StoreTx {
    /// Creates or updates `owner`'s article with the draft's slug (re-imports update, never
    /// duplicate), keeping the new text as a revision; the draft's author is its editor.
    pub async fn save_article(
        &mut self,
        owner: KbOwner,
        d: &ArticleDraft,
        now: Timestamp,
    ) -> Result<(Article, Saved), StoreError> {
        let db = &mut self.db();
        let tags = serde_json::to_string(&d.tags)?;
        let source = serde_json::to_string(&d.source)?;
        let existing = article_owned(db, owner, &d.slug).await?;
        let saved = match &existing {
            Some(a)
                if a.title == d.title
                    && a.body == d.body
                    && a.tags == d.tags
                    && a.language == d.language =>
            {
                return Ok((a.clone(), Saved::Unchanged));
            }
            Some(a) => {
                let change = next_change(db).await?;
                // The author becomes the last editor; the revisions table keeps every one.
                const SQL: &str = "UPDATE kb_articles SET title = $2, body = $3, tags = $4, \
                    language = $5, updated_at = $6, author = $7, revision = revision + 1, \
                    change_seq = $8 WHERE id = $1";
                on!(db, c => sqlx::query(SQL)
                    .bind(a.id).bind(&d.title).bind(&d.body).bind(&tags)
                    .bind(d.language.code()).bind(to_ms(now)).bind(&d.author).bind(change)
                    .execute(&mut **c).await.map(|_| ()))?;
                Saved::Updated
            }
            None => {
                let change = next_change(db).await?;
                const SQL: &str = "INSERT INTO kb_articles (tenant_id, slug, title, body, tags, \
                    language, source, author, created_at, updated_at, change_seq) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)";
                on!(db, c => sqlx::query(SQL)
                    .bind(owner_id(owner)).bind(&d.slug).bind(&d.title).bind(&d.body).bind(&tags)
                    .bind(d.language.code()).bind(&source).bind(&d.author).bind(to_ms(now))
                    .bind(change)
                    .execute(&mut **c).await.map(|_| ()))?;
                Saved::Created
            }
        };
        let stored = article_owned(db, owner, &d.slug)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("article {} vanished", d.slug)))?;
        keep_revision(db, &stored, d.author.as_deref(), now).await?;
        Ok((stored, saved))
    }

    /// Bumps one of the article's counters.
    pub async fn count_article(
        &mut self,
        id: i64,
        counter: ArticleCounter,
    ) -> Result<(), StoreError> {
        let db = &mut self.db();
        let sql = match counter {
            ArticleCounter::Shown => {
                "UPDATE kb_articles SET shown_count = shown_count + 1 WHERE id = $1"
            }
            ArticleCounter::Solved => {
                "UPDATE kb_articles SET solved_count = solved_count + 1 WHERE id = $1"
            }
            ArticleCounter::Unhelpful => {
                "UPDATE kb_articles SET unhelpful_count = unhelpful_count + 1 WHERE id = $1"
            }
        };
        on!(db, c => sqlx::query(sql).bind(id).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }
}

/// A counter that numbers changes an index follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeCounter {
    /// Article saves.
    Articles,
    /// Resolves and reopens.
    Resolutions,
    /// Not a counter: a random number drawn once per database, which tells indexes built from
    /// another database (or a copy of one) apart.
    Identity,
}

impl ChangeCounter {
    fn name(self) -> &'static str {
        match self {
            ChangeCounter::Articles => "kb_articles",
            ChangeCounter::Resolutions => "ticket_resolutions",
            ChangeCounter::Identity => "database_identity",
        }
    }
}

impl Store {
    /// The last number `counter` gave out: an index marked past it follows another database
    /// (or one restored from an older backup) and is rebuilt.
    pub async fn change_counter(&self, counter: ChangeCounter) -> Result<i64, StoreError> {
        const SQL: &str = "SELECT value FROM change_counters WHERE name = $1";
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let value: Option<i64> = on!(db, c => sqlx::query_scalar(SQL)
            .bind(counter.name()).fetch_optional(&mut **c).await)?;
        Ok(value.unwrap_or(0))
    }
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
    /// The level that resolved it: only cards at this level or above may show it.
    pub level: crate::domain::Level,
    /// Its L3 specialty, if any: only cards of the same specialty may show it.
    pub specialty: Option<String>,
}

/// A ticket whose resolution changed: resolved (again), or reopened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolutionChange {
    /// The ticket.
    pub id: crate::domain::TicketId,
    /// The change number (the watermark of the similar-tickets index).
    pub change: i64,
    /// The ticket as resolved now; `None` when it is open again (or has no resolution text).
    pub resolved: Option<ResolvedTicket>,
}

#[derive(sqlx::FromRow)]
struct ResolutionRow {
    id: i64,
    tenant_id: i64,
    number: i64,
    title: String,
    description: String,
    level: String,
    specialty: Option<String>,
    resolved: bool,
    resolution_seq: i64,
    data: Option<String>,
}

impl Store {
    /// Up to `limit` tickets whose resolution changed after change number `after` (0: from
    /// the first), in the order of the changes: how the similar-tickets index catches up.
    pub async fn resolutions_changed_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<ResolutionChange>, StoreError> {
        const SQL: &str = "SELECT t.id, t.tenant_id, t.number, t.title, t.description, \
            t.level, t.specialty, (t.resolved_at IS NOT NULL) AS resolved, t.resolution_seq, \
            (SELECT l.data FROM ticket_log l WHERE l.ticket_id = t.id \
            AND l.kind = 'resolution' ORDER BY l.id DESC LIMIT 1) AS data FROM tickets t \
            WHERE t.resolution_seq > $1 ORDER BY t.resolution_seq LIMIT $2";
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let rows: Vec<ResolutionRow> = on!(db, c => sqlx::query_as(SQL)
            .bind(after).bind(limit).fetch_all(&mut **c).await)?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let resolution = r
                    .data
                    .as_deref()
                    .filter(|_| r.resolved)
                    .and_then(|d| serde_json::from_str::<crate::domain::LogKind>(d).ok())
                    .and_then(|kind| match kind {
                        crate::domain::LogKind::Resolution { text } => Some(text),
                        _ => None,
                    });
                ResolutionChange {
                    id: crate::domain::TicketId(r.id),
                    change: r.resolution_seq,
                    resolved: resolution.map(|resolution| ResolvedTicket {
                        id: crate::domain::TicketId(r.id),
                        tenant: crate::domain::TenantId(r.tenant_id),
                        number: crate::domain::TicketNumber(r.number),
                        title: r.title,
                        description: r.description,
                        resolution,
                        // An unreadable level is treated as the highest: shown to the fewest.
                        level: r.level.parse().unwrap_or(crate::domain::Level::L3),
                        specialty: r.specialty,
                    }),
                }
            })
            .collect())
    }
}

impl StoreTx {
    /// Records that the ticket was resolved or reopened in this transaction, so every
    /// process's similar-tickets index takes the change in.
    pub async fn note_resolution_change(
        &mut self,
        ticket: crate::domain::TicketId,
    ) -> Result<(), StoreError> {
        let db = &mut self.db();
        // The counter row stays locked until the transaction ends: numbers commit in order.
        const NEXT: &str = "UPDATE change_counters SET value = value + 1 \
            WHERE name = 'ticket_resolutions' RETURNING value";
        const MARK: &str = "UPDATE tickets SET resolution_seq = $1 WHERE id = $2";
        let value: i64 = on!(db, c => sqlx::query_scalar(NEXT).fetch_one(&mut **c).await)?;
        on!(db, c => sqlx::query(MARK).bind(value).bind(ticket.0)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }
}

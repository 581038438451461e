-- Articles belong to one tenant, or are shared by the whole installation (tenant_id NULL), and
-- slugs are unique per owner. Every article there was before becomes shared: only installation
-- admins may edit it. SQLite cannot drop the old UNIQUE (slug), so the table is rebuilt.
CREATE TABLE kb_articles_owned (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER REFERENCES tenants (id),
    slug            TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    tags            TEXT    NOT NULL DEFAULT '[]',
    language        TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    source_ticket   INTEGER REFERENCES tickets (id),
    author          TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    revision        INTEGER NOT NULL DEFAULT 1,
    shown_count     INTEGER NOT NULL DEFAULT 0,
    solved_count    INTEGER NOT NULL DEFAULT 0,
    unhelpful_count INTEGER NOT NULL DEFAULT 0
);
INSERT INTO kb_articles_owned (id, tenant_id, slug, title, body, tags, language, source,
    source_ticket, author, created_at, updated_at, revision, shown_count, solved_count,
    unhelpful_count)
SELECT id, NULL, slug, title, body, tags, language, source, source_ticket, author, created_at,
    updated_at, revision, shown_count, solved_count, unhelpful_count
FROM kb_articles;
DROP TABLE kb_articles;
ALTER TABLE kb_articles_owned RENAME TO kb_articles;
CREATE INDEX kb_articles_by_change ON kb_articles (updated_at, id);
CREATE UNIQUE INDEX kb_articles_shared_slug ON kb_articles (slug) WHERE tenant_id IS NULL;
CREATE UNIQUE INDEX kb_articles_tenant_slug ON kb_articles (tenant_id, slug)
    WHERE tenant_id IS NOT NULL;

-- Every saved text of every article, so no edit loses the one before it.
CREATE TABLE kb_article_revisions (
    article_id INTEGER NOT NULL REFERENCES kb_articles (id),
    revision   INTEGER NOT NULL,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    tags       TEXT    NOT NULL,
    language   TEXT    NOT NULL,
    editor     TEXT,
    edited_at  INTEGER NOT NULL,
    PRIMARY KEY (article_id, revision)
);
INSERT INTO kb_article_revisions (article_id, revision, title, body, tags, language, editor,
    edited_at)
SELECT id, revision, title, body, tags, language, author, updated_at FROM kb_articles;

-- Articles belong to one tenant, or are shared by the whole installation (tenant_id NULL), and
-- slugs are unique per owner. Every article there was before becomes shared: only installation
-- admins may edit it.
ALTER TABLE kb_articles ADD COLUMN tenant_id BIGINT REFERENCES tenants (id);
ALTER TABLE kb_articles DROP CONSTRAINT kb_articles_slug_key;
CREATE UNIQUE INDEX kb_articles_shared_slug ON kb_articles (slug) WHERE tenant_id IS NULL;
CREATE UNIQUE INDEX kb_articles_tenant_slug ON kb_articles (tenant_id, slug)
    WHERE tenant_id IS NOT NULL;

-- Every saved text of every article, so no edit loses the one before it.
CREATE TABLE kb_article_revisions (
    article_id BIGINT NOT NULL REFERENCES kb_articles (id),
    revision   BIGINT NOT NULL,
    title      TEXT   NOT NULL,
    body       TEXT   NOT NULL,
    tags       TEXT   NOT NULL,
    language   TEXT   NOT NULL,
    editor     TEXT,
    edited_at  BIGINT NOT NULL,
    PRIMARY KEY (article_id, revision)
);
INSERT INTO kb_article_revisions (article_id, revision, title, body, tags, language, editor,
    edited_at)
SELECT id, revision, title, body, tags, language, author, updated_at FROM kb_articles;

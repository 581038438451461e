-- Messages this desk posted under a key (e.g. a ticket card), so later actions can update them
-- or reply in their thread once the platform has named them.
CREATE TABLE message_refs (
    message_key TEXT PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    channel     TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

-- The key an outbox post will be known by: a reply waiting for it can tell "not sent yet"
-- from "will never be sent".
ALTER TABLE outbox ADD COLUMN posts_key TEXT;
CREATE INDEX outbox_by_posts_key ON outbox (posts_key);

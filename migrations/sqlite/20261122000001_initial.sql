-- helpdesk initial schema (SQLite). Times are UTC milliseconds since the Unix epoch.

CREATE TABLE tenants (
    id          INTEGER PRIMARY KEY,
    platform    TEXT    NOT NULL,
    external_id TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (platform, external_id)
);

-- One row per tenant: the last ticket number handed out. Bumped in the ticket's own transaction,
-- so a rolled-back ticket gives its number back and numbers stay gap-free.
CREATE TABLE ticket_counters (
    tenant_id   INTEGER PRIMARY KEY REFERENCES tenants (id),
    last_number INTEGER NOT NULL
);

CREATE TABLE tickets (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES tenants (id),
    number            INTEGER NOT NULL,
    requester_id      TEXT    NOT NULL,
    requester_name    TEXT    NOT NULL,
    requester_type    TEXT    NOT NULL,
    title             TEXT    NOT NULL,
    description       TEXT    NOT NULL,
    category          TEXT,
    urgency           TEXT    NOT NULL,
    impact            TEXT    NOT NULL,
    priority          TEXT    NOT NULL,
    level             TEXT    NOT NULL,
    specialty         TEXT,
    assignee_id       TEXT,
    assignee_name     TEXT,
    status            TEXT    NOT NULL,
    source_channel    TEXT    NOT NULL,
    source_thread     TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    first_response_at INTEGER,
    resolved_at       INTEGER,
    closed_at         INTEGER,
    version           INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, number)
);
CREATE INDEX tickets_by_status ON tickets (tenant_id, status);
CREATE INDEX tickets_by_requester ON tickets (tenant_id, requester_id);
CREATE INDEX tickets_by_thread ON tickets (tenant_id, source_channel, source_thread);

-- Append-only: rows are never updated or deleted. Order is the id.
CREATE TABLE ticket_log (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id),
    at          INTEGER NOT NULL,
    author_id   TEXT    NOT NULL,
    author_name TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    internal    INTEGER NOT NULL,
    data        TEXT    NOT NULL
);
CREATE INDEX ticket_log_by_ticket ON ticket_log (ticket_id, id);

-- Platform event ids already handled: a redelivered event changes nothing.
CREATE TABLE processed_events (
    platform     TEXT    NOT NULL,
    event_id     TEXT    NOT NULL,
    processed_at INTEGER NOT NULL,
    PRIMARY KEY (platform, event_id)
);

-- Chat actions waiting to be sent, written in the same transaction as the change behind them.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    ticket_id       INTEGER REFERENCES tickets (id),
    ordering_key    TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until    INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_by_key ON outbox (ordering_key, id);

-- Timers: a row per thing that must happen at a time. `timer_key` makes re-arming replace.
CREATE TABLE timers (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    ticket_id    INTEGER REFERENCES tickets (id),
    timer_key    TEXT    NOT NULL UNIQUE,
    kind         TEXT    NOT NULL,
    due_at       INTEGER NOT NULL,
    payload      TEXT    NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'pending',
    locked_until INTEGER,
    fired_at     INTEGER,
    created_at   INTEGER NOT NULL
);
CREATE INDEX timers_due ON timers (state, due_at);

-- The knowledge base. The database is the source of truth; any search index is derived from it.
CREATE TABLE kb_articles (
    id              INTEGER PRIMARY KEY,
    slug            TEXT    NOT NULL UNIQUE,
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

-- Who did what privileged thing, when.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER REFERENCES tenants (id),
    at         INTEGER NOT NULL,
    actor_id   TEXT    NOT NULL,
    actor_name TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    detail     TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_by_time ON audit_log (tenant_id, at);

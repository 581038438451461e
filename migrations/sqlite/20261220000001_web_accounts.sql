-- Local accounts of the web desk: people who sign in with a name and a password. They form a
-- tenant of their own (platform `web`); `role` is one of the desk's roles by name
-- (requester, agent-l1 … agent-l3, manager, admin); `password_hash` an Argon2id PHC string.
CREATE TABLE web_accounts (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    role                TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL
);

-- Signed-in browsers. The session id itself is only in the browser's cookie: this keeps its
-- SHA-256, so a copy of the database signs nobody in. `csrf_token` is the token every form of
-- the session carries; `seen_at` is the last request, for the idle expiry.
CREATE TABLE web_sessions (
    id_hash    TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES web_accounts (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    seen_at    INTEGER NOT NULL
);
CREATE INDEX web_sessions_by_account ON web_sessions (account_id);

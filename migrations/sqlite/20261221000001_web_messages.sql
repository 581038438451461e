-- What the desk sent to the web desk (platform `web`), kept for its pages: the dispatcher's
-- sends land here instead of on a chat service. `attempt_key` is the outbox item, so a retried
-- send keeps one row; `person` is the web account the message is for (its own conversation,
-- a private answer), NULL for a queue's; `message` the RichMessage as JSON.
CREATE TABLE web_messages (
    id          INTEGER PRIMARY KEY,
    attempt_key TEXT NOT NULL UNIQUE,
    person      TEXT,
    channel     TEXT NOT NULL,
    thread      TEXT,
    message_id  TEXT NOT NULL,
    message     TEXT NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX web_messages_by_person ON web_messages (person, id);

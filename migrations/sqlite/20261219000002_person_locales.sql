-- The last language a platform said a person uses (Slack's users.info locale, a Discord
-- interaction's locale), so messages to them later (relays, confirmations) are in it too.
CREATE TABLE person_locales (
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
    person_id  TEXT NOT NULL,
    locale     TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, person_id)
);

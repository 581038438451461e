-- Every resolve and reopen takes the next number of one counter row inside its transaction, so
-- each process's similar-tickets index reads the changes after the last number it saw (a
-- reopened ticket leaves it, also when the reopen happened while the process was down).
ALTER TABLE tickets ADD COLUMN resolution_seq INTEGER NOT NULL DEFAULT 0;
UPDATE tickets SET resolution_seq = id WHERE resolved_at IS NOT NULL;
INSERT INTO change_counters (name, value)
SELECT 'ticket_resolutions', COALESCE(MAX(resolution_seq), 0) FROM tickets;
CREATE INDEX tickets_by_resolution_seq ON tickets (resolution_seq);
-- Drawn once: a search index kept on disk records it and is rebuilt when it meets another.
INSERT INTO change_counters (name, value) VALUES ('database_identity', abs(random()));

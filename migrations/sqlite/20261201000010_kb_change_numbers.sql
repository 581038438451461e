-- Every change to an article takes the next number of one counter row, inside the writing
-- transaction. A refresh reads the changes after the last number it saw, whatever the clocks
-- say: a bulk import whose rows share one timestamp is read once, not again on every refresh.
CREATE TABLE change_counters (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
);
ALTER TABLE kb_articles ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
UPDATE kb_articles SET change_seq = id;
INSERT INTO change_counters (name, value)
SELECT 'kb_articles', COALESCE(MAX(change_seq), 0) FROM kb_articles;
CREATE INDEX kb_articles_by_change_seq ON kb_articles (change_seq);

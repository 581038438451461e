-- Each replica polls for changed articles and newly resolved tickets every 2 s, and reports
-- read tickets by when they opened or closed: index those columns.
CREATE INDEX kb_articles_by_change ON kb_articles (updated_at, id);
CREATE INDEX tickets_by_resolution ON tickets (resolved_at, id);
CREATE INDEX tickets_by_opening ON tickets (created_at);
CREATE INDEX tickets_by_closing ON tickets (closed_at);

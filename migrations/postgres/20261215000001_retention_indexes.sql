-- Retention prunes by age: find old processed events and old sent outbox rows without a scan.
CREATE INDEX processed_events_by_time ON processed_events (processed_at);
CREATE INDEX outbox_sent_by_time ON outbox (sent_at) WHERE state = 'sent';

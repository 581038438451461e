-- The desk reads a ticket's parked items when they reached nobody: find them without a scan.
CREATE INDEX outbox_dead_by_ticket ON outbox (ticket_id) WHERE state = 'dead';

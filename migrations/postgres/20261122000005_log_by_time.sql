-- Reports count each agent's work done in the period, on any ticket: find log entries by time.
CREATE INDEX ticket_log_by_time ON ticket_log (at);

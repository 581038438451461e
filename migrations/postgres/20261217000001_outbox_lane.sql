-- Each outbox row names its lane: 'answers' (a private message or a form for a person, which
-- platforms want within seconds, so it is claimed first) or 'normal'. Rows queued before this
-- migration told the lane by their ordering key's 'answer:' prefix, read with LIKE as the claim
-- did until now.
ALTER TABLE outbox ADD COLUMN lane TEXT NOT NULL DEFAULT 'normal';
UPDATE outbox SET lane = 'answers' WHERE ordering_key LIKE 'answer:%';

-- The desk finds a ticket from a message in one of its threads (a card or the requester's
-- first message): look message references up by where they landed.
CREATE INDEX message_refs_by_place ON message_refs (channel, message_id);

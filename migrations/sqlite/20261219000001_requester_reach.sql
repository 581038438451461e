-- How the desk reaches the requester: where they asked (as_asked), in their direct messages
-- (direct) once that place took no more messages from the bot, or nowhere (unreachable).
ALTER TABLE tickets ADD COLUMN requester_reach TEXT NOT NULL DEFAULT 'as_asked';

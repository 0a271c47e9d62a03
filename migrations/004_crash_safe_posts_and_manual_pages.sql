-- Crash-safe posting of run messages. Set just before chat.postMessage: until this moment
-- (epoch ms, UTC) Slack may still carry out a post of this message that got no answer, or
-- that was in flight when the process was killed. A message with no ts and this set is
-- first looked for in the channel, by its metadata, once the moment has passed, instead of
-- being posted a second time. NULL once the post is answered either way.
ALTER TABLE run_messages ADD COLUMN post_unconfirmed_until INTEGER;

-- Who asked for a page by hand (/deploy page), from which channel and in which words, so
-- further requests within the rate-limit window fold into it and are told which page is
-- open. NULL for pages the escalation rules raised.
ALTER TABLE pages ADD COLUMN requested_by TEXT;
ALTER TABLE pages ADD COLUMN channel_id TEXT;
ALTER TABLE pages ADD COLUMN request_text TEXT;
CREATE INDEX pages_manual_by_channel ON pages (channel_id, opened_at) WHERE requested_by IS NOT NULL;
CREATE INDEX pages_manual_by_user ON pages (requested_by, opened_at) WHERE requested_by IS NOT NULL;

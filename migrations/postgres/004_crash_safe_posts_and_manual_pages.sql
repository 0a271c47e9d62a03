-- PostgreSQL twin of migrations/004_crash_safe_posts_and_manual_pages.sql.
-- Until this moment (epoch ms, UTC) Slack may still carry out an unanswered post of this message.
ALTER TABLE run_messages ADD COLUMN post_unconfirmed_until BIGINT;

-- Who asked for a page by hand (/deploy page), from which channel and in which words.
ALTER TABLE pages ADD COLUMN requested_by TEXT;
ALTER TABLE pages ADD COLUMN channel_id TEXT;
ALTER TABLE pages ADD COLUMN request_text TEXT;
CREATE INDEX pages_manual_by_channel ON pages (channel_id, opened_at) WHERE requested_by IS NOT NULL;
CREATE INDEX pages_manual_by_user ON pages (requested_by, opened_at) WHERE requested_by IS NOT NULL;

-- Issue 12: the pipeline API. Tokens a lead mints in Slack (only a SHA-256 of each is kept: the
-- token itself is shown once), the answers to requests sent with an Idempotency-Key, and the
-- evidence a pipeline attaches to a tick. All times are INTEGER epoch milliseconds, UTC.

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  channel_id TEXT NOT NULL,
  -- NULL: any checklist run in the channel.
  checklist_name TEXT,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  revoked_by TEXT
);
-- One live token per name and channel, so `ci:<name>` in the audit names one token.
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (channel_id, name) WHERE revoked_at IS NULL;

-- A retried request with the same key gets the first answer, and changes nothing twice.
CREATE TABLE api_idempotency (
  token_id INTEGER NOT NULL REFERENCES api_tokens (id),
  idem_key TEXT NOT NULL,
  request TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (token_id, idem_key)
) WITHOUT ROWID;

ALTER TABLE item_states ADD COLUMN evidence_url TEXT;
ALTER TABLE item_states ADD COLUMN evidence_note TEXT;

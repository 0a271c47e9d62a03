-- PagerDuty paging. A page is decided in the same transaction as whatever caused it and
-- written here first; the outbox worker sends it later, from a timer, retrying with backoff.
-- So a page survives PagerDuty being down and a restart of the bot, and the dedup key
-- makes every re-send the same incident. All times are INTEGER epoch milliseconds, UTC.
-- run_id has no foreign key to runs on purpose: paging must not depend on the run tables.

CREATE TABLE pager_outbox (
  id INTEGER PRIMARY KEY,
  run_id INTEGER,
  dedup_key TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('trigger', 'resolve')),
  -- The Events API v2 event WITHOUT routing_key: the key is a secret and is added from
  -- configuration at send time, so the database never holds it.
  payload_json TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  -- Sends started, counted when a row is claimed, so a send cut short by a crash counts.
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  -- When the row was last claimed; a row still 'sending' long after this was claimed by a
  -- worker that died, and is claimed again.
  claimed_at INTEGER,
  last_error TEXT,
  last_status INTEGER,
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX pager_outbox_due ON pager_outbox (status, next_attempt_at);
CREATE INDEX pager_outbox_by_dedup_key ON pager_outbox (dedup_key, id);

-- The bot's view of its pages: one row per dedup key, so a trigger for a page already open
-- is not queued twice and a resolve is queued only for an open page. 'failed' means the
-- trigger was refused by PagerDuty for good, so the page never opened there.
CREATE TABLE pages (
  dedup_key TEXT PRIMARY KEY,
  run_id INTEGER,
  reason TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'resolved', 'failed')),
  summary TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  resolved_at INTEGER
);
CREATE INDEX pages_by_run ON pages (run_id, opened_at);
CREATE INDEX pages_open ON pages (state) WHERE state = 'open';

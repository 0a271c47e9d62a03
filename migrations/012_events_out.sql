-- Events out: signed outbound webhooks and PagerDuty change events. A collector turns durable
-- facts (audit rows, sent "opened" reminders, sent pages) into events; each event is recorded
-- once in events_emitted and queued once per destination in events_outbox, in one transaction,
-- so a crash never loses an event nor queues it twice. The worker delivers rows with backoff.
CREATE TABLE events_emitted (
  event_id TEXT PRIMARY KEY,
  run_id INTEGER,
  type TEXT NOT NULL,
  at INTEGER NOT NULL
);

CREATE TABLE events_cursor (
  name TEXT PRIMARY KEY,
  last_id INTEGER NOT NULL
);
-- Facts from before this migration are history, not news: start after them.
INSERT INTO events_cursor (name, last_id) SELECT 'audit', COALESCE(MAX(id), 0) FROM audit;
INSERT INTO events_emitted (event_id, run_id, type, at)
  SELECT 'opened:' || id, run_id, 'phase.opened', COALESCE(sent_at, due_at) FROM reminders WHERE kind = 'opened' AND status = 'sent';
INSERT INTO events_emitted (event_id, run_id, type, at)
  SELECT 'page:' || id, run_id, 'page.sent', COALESCE(sent_at, created_at) FROM pager_outbox WHERE action = 'trigger' AND status = 'sent';

CREATE TABLE events_outbox (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  run_id INTEGER,
  -- 'pagerduty' or 'webhook:<url>'; with the event id, what makes a delivery unique.
  destination TEXT NOT NULL,
  -- For a webhook: the name of the env var holding its secret (never the secret itself).
  secret_env TEXT,
  payload_json TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  claimed_at INTEGER,
  last_error TEXT,
  last_status INTEGER,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  UNIQUE (event_id, destination)
);
CREATE INDEX events_outbox_due ON events_outbox (status, next_attempt_at);

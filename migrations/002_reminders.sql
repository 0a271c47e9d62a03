-- Everything deployday posts to a channel besides the checklist messages themselves
-- (reminders, overdue nudges, timer ends, notices of slips, rollbacks and pages) is a row
-- here with a UTC due time and a unique key: planning the same reminder twice is a
-- no-op, and the poller claims, sends and marks each one exactly once.
CREATE TABLE reminders (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id),
  key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  section_id TEXT,
  item_id TEXT,
  repeat INTEGER NOT NULL DEFAULT 0,
  -- For notices: the text to post, decided when the notice was raised.
  payload_json TEXT,
  due_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'claimed', 'sent', 'skipped', 'cancelled')),
  claimed_at INTEGER,
  sent_at INTEGER,
  late INTEGER NOT NULL DEFAULT 0,
  outcome TEXT
);
CREATE INDEX reminders_due ON reminders (status, due_at);
CREATE INDEX reminders_by_run ON reminders (run_id, status);

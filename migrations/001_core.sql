-- Runs, their items, their Slack messages, roles, gate votes, and the audit trail.
-- All times are INTEGER epoch milliseconds, UTC.

CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  checklist_name TEXT NOT NULL,
  -- The checklist as parsed at start: editing the file never changes a run in flight.
  checklist_json TEXT NOT NULL,
  title TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  team_id TEXT,
  started_by TEXT NOT NULL,
  t0 INTEGER NOT NULL,
  -- Minutes T-0 has been slipped since it was last set: clock windows move with a slip, not with a reschedule.
  slip_minutes INTEGER NOT NULL DEFAULT 0,
  timezone TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'rolled_back', 'aborted')),
  rollback_active INTEGER NOT NULL DEFAULT 0,
  rollback_reason TEXT,
  rollback_started_at INTEGER,
  created_at INTEGER NOT NULL,
  ended_at INTEGER,
  end_reason TEXT
);
CREATE INDEX runs_by_channel_status ON runs (channel_id, status, id);
CREATE INDEX runs_by_status ON runs (status, id);

-- One row per Slack message a run owns. `version` moves on every change that affects the
-- message; a sync worker brings `synced_version` up to it, so a burst of clicks costs a
-- few chat.update calls and a restart finishes whatever was left unsynced.
CREATE TABLE run_messages (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  message_key TEXT NOT NULL,
  position INTEGER NOT NULL,
  channel_id TEXT NOT NULL,
  ts TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  synced_version INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  PRIMARY KEY (run_id, message_key)
) WITHOUT ROWID;
CREATE INDEX run_messages_unsynced ON run_messages (run_id) WHERE synced_version < version;
CREATE INDEX run_messages_by_ts ON run_messages (channel_id, ts);

CREATE TABLE item_states (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  item_id TEXT NOT NULL,
  done INTEGER NOT NULL,
  done_by TEXT,
  done_at INTEGER,
  waived_reason TEXT,
  timer_started_at INTEGER,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, item_id)
) WITHOUT ROWID;

CREATE TABLE run_roles (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  role TEXT NOT NULL,
  user_id TEXT NOT NULL,
  assigned_by TEXT NOT NULL,
  assigned_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, role, user_id)
) WITHOUT ROWID;

CREATE TABLE gate_votes (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id),
  item_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  vote TEXT NOT NULL CHECK (vote IN ('go', 'no_go')),
  reason TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX gate_votes_by_item ON gate_votes (run_id, item_id, id);

-- Append-only: every action and every refusal, never updated or deleted.
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  run_id INTEGER,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  detail_json TEXT
);
CREATE INDEX audit_by_run ON audit (run_id, id);
CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN
  SELECT RAISE(ABORT, 'audit rows are append-only');
END;
CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN
  SELECT RAISE(ABORT, 'audit rows are append-only');
END;

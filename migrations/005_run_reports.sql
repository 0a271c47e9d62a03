-- Issue 13: the report a run posts when it ends, and the slip suggestions the forecast made.
-- All times are INTEGER epoch milliseconds, UTC.

-- One row per ended run: the report job posts the summary, then the files into its thread, and
-- records each step here, so a restart finishes a report instead of starting it again.
CREATE TABLE run_reports (
  run_id INTEGER PRIMARY KEY,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'posted', 'posted_without_files', 'failed', 'skipped')),
  summary_ts TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  done_at INTEGER
);
CREATE INDEX run_reports_due ON run_reports (status, next_attempt_at);
-- Runs that ended before this migration get no report after the fact.
INSERT INTO run_reports (run_id, status, next_attempt_at, created_at)
  SELECT id, 'skipped', 0, COALESCE(ended_at, created_at) FROM runs WHERE status != 'active';

-- Past runs of a checklist, for /deploy history and the forecast (asked on every overview render):
-- a search, never a scan of the runs table, however long the history.
CREATE INDEX runs_by_checklist ON runs (checklist_name, status, id);

-- The forecast suggests a slip to the lead at most once per window (section) of a run.
CREATE TABLE forecast_suggestions (
  run_id INTEGER NOT NULL,
  section_id TEXT NOT NULL,
  slip_minutes INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (run_id, section_id)
) WITHOUT ROWID;

-- PostgreSQL twin of migrations/005_run_reports.sql (issue 13): run reports and slip suggestions.

-- run_id is given by the writer (the run's id), never generated: a plain BIGINT key.
CREATE TABLE run_reports (
  run_id BIGINT PRIMARY KEY,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'posted', 'posted_without_files', 'failed', 'skipped')),
  summary_ts TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  done_at BIGINT
);
CREATE INDEX run_reports_due ON run_reports (status, next_attempt_at);
-- Runs that ended before this migration get no report after the fact.
INSERT INTO run_reports (run_id, status, next_attempt_at, created_at)
  SELECT id, 'skipped', 0, COALESCE(ended_at, created_at) FROM runs WHERE status != 'active';

CREATE INDEX runs_by_checklist ON runs (checklist_name, status, id);

CREATE TABLE forecast_suggestions (
  run_id BIGINT NOT NULL,
  section_id TEXT NOT NULL,
  slip_minutes INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (run_id, section_id)
);

-- PostgreSQL twin of migrations/017_runs_by_end.sql: the start-time sweep for missed run reports
-- reads the last day's ended runs through this index instead of walking every ended run.
CREATE INDEX runs_by_end ON runs (ended_at, status) WHERE ended_at IS NOT NULL;

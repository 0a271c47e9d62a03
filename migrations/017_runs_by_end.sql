-- At start the bot queues the report of any run that ended in the last day without one
-- (store/runReports.ts, enqueueMissedRunReports). Without an index on ended_at that walked every
-- ended run ever, reading each row past its checklist JSON to reach ended_at: ~250 ms and ~13 MiB of
-- SQLite's page cache on a 10,000-run history. With it, the query reads the last day's runs only.
CREATE INDEX runs_by_end ON runs (ended_at, status) WHERE ended_at IS NOT NULL;

-- PostgreSQL twin of migrations/020_run_report_leases.sql: who is posting a run's report
-- (leased_by, the replica id) and until when (lease_until, epoch ms of the wall clock); claims take
-- the rows FOR UPDATE SKIP LOCKED. reclaimed_from: the replica a row was taken over from.
ALTER TABLE run_reports ADD COLUMN leased_by TEXT;
ALTER TABLE run_reports ADD COLUMN lease_until BIGINT;
ALTER TABLE run_reports ADD COLUMN reclaimed_from TEXT;

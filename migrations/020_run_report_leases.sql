-- Issue 15: a run's report is claimed under a lease like the other outboxes (018_leases.sql), so two
-- replicas never both post a run's summary. A pending row with a live lease is being posted by the
-- replica named in leased_by (lease_until: epoch ms of the wall clock, renewed while it posts); one
-- whose lease ran out is claimable by any replica, which records whose it was in reclaimed_from and
-- looks for that replica's summary in the channel (by its metadata) before posting one.
ALTER TABLE run_reports ADD COLUMN leased_by TEXT;
ALTER TABLE run_reports ADD COLUMN lease_until INTEGER;
ALTER TABLE run_reports ADD COLUMN reclaimed_from TEXT;

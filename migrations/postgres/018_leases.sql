-- PostgreSQL twin of migrations/018_leases.sql: who holds a claimed row (leased_by, the replica id)
-- and until when (lease_until, epoch ms of the wall clock). Claims take rows FOR UPDATE SKIP LOCKED,
-- so two replicas never claim the same row; a row whose lease ran out is claimable by any replica.
ALTER TABLE reminders ADD COLUMN leased_by TEXT;
ALTER TABLE reminders ADD COLUMN lease_until BIGINT;
-- The replica a claimed row was taken over from, after its lease ran out: look before posting again.
ALTER TABLE reminders ADD COLUMN reclaimed_from TEXT;

ALTER TABLE pager_outbox ADD COLUMN leased_by TEXT;
ALTER TABLE pager_outbox ADD COLUMN lease_until BIGINT;

ALTER TABLE events_outbox ADD COLUMN leased_by TEXT;
ALTER TABLE events_outbox ADD COLUMN lease_until BIGINT;

ALTER TABLE github_protections ADD COLUMN leased_by TEXT;
ALTER TABLE github_protections ADD COLUMN lease_until BIGINT;

ALTER TABLE run_messages ADD COLUMN leased_by TEXT;
ALTER TABLE run_messages ADD COLUMN lease_until BIGINT;

UPDATE reminders SET lease_until = 0 WHERE status = 'claimed';
UPDATE pager_outbox SET lease_until = 0 WHERE status = 'sending';
UPDATE events_outbox SET lease_until = 0 WHERE status = 'sending';
UPDATE github_protections SET lease_until = 0 WHERE status = 'sending';

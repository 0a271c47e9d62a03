-- Issue 15: background work is claimed, never owned by a process. Every replica runs the reminder
-- poller, the outbox workers and the message sync; a row a worker takes carries who took it
-- (leased_by: the replica id, random and new at every start) and until when (lease_until, epoch ms
-- of the wall clock). The worker renews the lease while its call is in flight; a row whose lease has
-- run out belongs to a replica that died and may be claimed by any other. See
-- docs/high-availability-plan.md ("Leases").
ALTER TABLE reminders ADD COLUMN leased_by TEXT;
ALTER TABLE reminders ADD COLUMN lease_until INTEGER;
-- Set by the claim that takes over a claimed row whose lease ran out (the replica it was taken
-- from): that replica may have posted it, so it is looked for in the channel before posting again.
ALTER TABLE reminders ADD COLUMN reclaimed_from TEXT;

ALTER TABLE pager_outbox ADD COLUMN leased_by TEXT;
ALTER TABLE pager_outbox ADD COLUMN lease_until INTEGER;

ALTER TABLE events_outbox ADD COLUMN leased_by TEXT;
ALTER TABLE events_outbox ADD COLUMN lease_until INTEGER;

ALTER TABLE github_protections ADD COLUMN leased_by TEXT;
ALTER TABLE github_protections ADD COLUMN lease_until INTEGER;

-- A message is updated by one replica at a time: the one holding its lease.
ALTER TABLE run_messages ADD COLUMN leased_by TEXT;
ALTER TABLE run_messages ADD COLUMN lease_until INTEGER;

-- Rows left mid-work by the process that ran before this migration: their lease is long over.
UPDATE reminders SET lease_until = 0 WHERE status = 'claimed';
UPDATE pager_outbox SET lease_until = 0 WHERE status = 'sending';
UPDATE events_outbox SET lease_until = 0 WHERE status = 'sending';
UPDATE github_protections SET lease_until = 0 WHERE status = 'sending';

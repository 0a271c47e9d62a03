-- Events out read the audit after a cursor (events_cursor 'audit': the highest id read). On
-- PostgreSQL ids are handed out at INSERT and seen at COMMIT, so id 11 can be visible while id 10
-- is not yet; a collector that moved its cursor past 11 never read 10 (test/store/postgresClaims.test.ts).
-- Instead, as 016 does for sent reminders and pages, a trigger notes each audit row that can be an
-- event here in the transaction that writes it, and the collector reads and deletes what it handled:
-- no order is assumed, on either engine. The actions are store/eventsOut.ts's EVENT_ACTIONS
-- (test/store/eventsPendingAudit.test.ts keeps the two lists equal).
CREATE TABLE events_pending_audit (
  id INTEGER PRIMARY KEY
);

CREATE TRIGGER audit_event_is_pending AFTER INSERT ON audit
  WHEN NEW.run_id IS NOT NULL
    AND NEW.action IN ('run.start', 'gate.go', 'gate.no_go', 'run.rollback', 'run.complete', 'run.abort', 'run.rolled_back')
BEGIN
  INSERT INTO events_pending_audit (id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
END;

-- What the cursor had not reached when this migration ran is pending too.
INSERT INTO events_pending_audit (id)
  SELECT a.id FROM audit a
  WHERE a.id > COALESCE((SELECT last_id FROM events_cursor WHERE name = 'audit'), 0) AND a.run_id IS NOT NULL
    AND a.action IN ('run.start', 'gate.go', 'gate.no_go', 'run.rollback', 'run.complete', 'run.abort', 'run.rolled_back');

-- PostgreSQL twin of migrations/019_events_pending_audit.sql: identity values are handed out at
-- INSERT and become visible at COMMIT, so a cursor on audit ids can pass a row that commits late.
-- A trigger notes each audit row that can be an event in the transaction that writes it; the
-- collector reads and deletes what it handled. The actions are store/eventsOut.ts's EVENT_ACTIONS.
CREATE TABLE events_pending_audit (
  id BIGINT PRIMARY KEY
);

CREATE FUNCTION note_audit_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events_pending_audit (id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;

CREATE TRIGGER audit_event_is_pending AFTER INSERT ON audit
  FOR EACH ROW
  WHEN (NEW.run_id IS NOT NULL
    AND NEW.action IN ('run.start', 'gate.go', 'gate.no_go', 'run.rollback', 'run.complete', 'run.abort', 'run.rolled_back'))
  EXECUTE FUNCTION note_audit_event();

INSERT INTO events_pending_audit (id)
  SELECT a.id FROM audit a
  WHERE a.id > COALESCE((SELECT last_id FROM events_cursor WHERE name = 'audit'), 0) AND a.run_id IS NOT NULL
    AND a.action IN ('run.start', 'gate.go', 'gate.no_go', 'run.rollback', 'run.complete', 'run.abort', 'run.rolled_back');

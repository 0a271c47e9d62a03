-- PostgreSQL twin of migrations/016_events_pending_facts.sql: triggers note each fact events out
-- has yet to turn into an event (a sent "opened" reminder, a page trigger PagerDuty took) here as
-- it happens, and the collector reads and clears this small table instead of scanning history.
CREATE TABLE events_pending_facts (
  source TEXT NOT NULL CHECK (source IN ('opened', 'page')),
  id BIGINT NOT NULL,
  PRIMARY KEY (source, id)
);

CREATE FUNCTION note_reminder_opened_sent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events_pending_facts (source, id) VALUES ('opened', NEW.id) ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;

CREATE FUNCTION note_page_trigger_sent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events_pending_facts (source, id) VALUES ('page', NEW.id) ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;

CREATE TRIGGER reminders_opened_sent_is_pending_fact AFTER UPDATE OF status ON reminders
  FOR EACH ROW
  WHEN (NEW.status = 'sent' AND OLD.status <> 'sent' AND NEW.kind = 'opened' AND NEW.section_id IS NOT NULL)
  EXECUTE FUNCTION note_reminder_opened_sent();

CREATE TRIGGER pager_outbox_trigger_sent_is_pending_fact AFTER UPDATE OF status ON pager_outbox
  FOR EACH ROW
  WHEN (NEW.status = 'sent' AND OLD.status <> 'sent' AND NEW.action = 'trigger' AND NEW.run_id IS NOT NULL)
  EXECUTE FUNCTION note_page_trigger_sent();

-- What was sent and not yet emitted when this migration ran is pending too.
INSERT INTO events_pending_facts (source, id)
  SELECT 'opened', r.id FROM reminders r
  WHERE r.kind = 'opened' AND r.status = 'sent' AND r.section_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM events_emitted e WHERE e.event_id = 'opened:' || r.id);
INSERT INTO events_pending_facts (source, id)
  SELECT 'page', o.id FROM pager_outbox o
  WHERE o.action = 'trigger' AND o.status = 'sent' AND o.run_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM events_emitted e WHERE e.event_id = 'page:' || o.id);

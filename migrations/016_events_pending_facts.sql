-- Events out (012) found the facts it had yet to turn into events (a sent "opened" reminder, a page
-- trigger PagerDuty took) by scanning every sent reminder and page on each tick, once a second: on a
-- database with 10,000 past runs that read ~48,000 rows (~37 ms on the event loop) every second and
-- kept SQLite's page cache full of history. Instead, triggers note each such fact here as it
-- happens (no writer can forget to), and the collector reads and clears this small table.
CREATE TABLE events_pending_facts (
  source TEXT NOT NULL CHECK (source IN ('opened', 'page')),
  id INTEGER NOT NULL,
  PRIMARY KEY (source, id)
) WITHOUT ROWID;

CREATE TRIGGER reminders_opened_sent_is_pending_fact AFTER UPDATE OF status ON reminders
  WHEN NEW.status = 'sent' AND OLD.status <> 'sent' AND NEW.kind = 'opened' AND NEW.section_id IS NOT NULL
BEGIN
  INSERT INTO events_pending_facts (source, id) VALUES ('opened', NEW.id) ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER pager_outbox_trigger_sent_is_pending_fact AFTER UPDATE OF status ON pager_outbox
  WHEN NEW.status = 'sent' AND OLD.status <> 'sent' AND NEW.action = 'trigger' AND NEW.run_id IS NOT NULL
BEGIN
  INSERT INTO events_pending_facts (source, id) VALUES ('page', NEW.id) ON CONFLICT DO NOTHING;
END;

-- What was sent and not yet emitted when this migration ran is pending too.
INSERT INTO events_pending_facts (source, id)
  SELECT 'opened', r.id FROM reminders r
  WHERE r.kind = 'opened' AND r.status = 'sent' AND r.section_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM events_emitted e WHERE e.event_id = 'opened:' || r.id);
INSERT INTO events_pending_facts (source, id)
  SELECT 'page', o.id FROM pager_outbox o
  WHERE o.action = 'trigger' AND o.status = 'sent' AND o.run_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM events_emitted e WHERE e.event_id = 'page:' || o.id);

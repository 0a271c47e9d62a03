-- PostgreSQL twin of migrations/014_installations.sql (issue 11): installations and tenants.
-- The installation, tokens included, is stored only sealed (see src/store/tokenCipher.ts).
CREATE TABLE installations (
  -- 'T:<team id>' or 'E:<enterprise id>': the one key every lookup uses.
  tenant_key TEXT PRIMARY KEY,
  team_id TEXT,
  enterprise_id TEXT,
  is_enterprise_install INTEGER NOT NULL DEFAULT 0,
  bot_id TEXT,
  bot_user_id TEXT,
  -- Token rotation: when the bot token stops working (ms since epoch, UTC); null = never.
  bot_token_expires_at BIGINT,
  sealed TEXT NOT NULL,
  installed_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX installations_by_enterprise ON installations (enterprise_id);

ALTER TABLE runs ADD COLUMN enterprise_id TEXT;
ALTER TABLE runs ADD COLUMN suspended_at BIGINT;
CREATE INDEX runs_by_team ON runs (team_id, status);

-- A pipeline token acts for one workspace: its runs only.
ALTER TABLE api_tokens ADD COLUMN team_id TEXT;

-- Reminders, pages, roles and audit rows carry their run's team, filled from the run as they are
-- written, so no writer can forget it.
ALTER TABLE reminders ADD COLUMN team_id TEXT;
ALTER TABLE pages ADD COLUMN team_id TEXT;
ALTER TABLE pager_outbox ADD COLUMN team_id TEXT;
ALTER TABLE run_roles ADD COLUMN team_id TEXT;
ALTER TABLE audit ADD COLUMN team_id TEXT;
UPDATE reminders SET team_id = (SELECT team_id FROM runs WHERE runs.id = reminders.run_id);
UPDATE pages SET team_id = (SELECT team_id FROM runs WHERE runs.id = pages.run_id);
UPDATE pager_outbox SET team_id = (SELECT team_id FROM runs WHERE runs.id = pager_outbox.run_id);
UPDATE run_roles SET team_id = (SELECT team_id FROM runs WHERE runs.id = run_roles.run_id);
CREATE INDEX reminders_by_team ON reminders (team_id, status);

-- SQLite fills team_id with an AFTER INSERT trigger that UPDATEs the new row; here one BEFORE
-- INSERT function sets it on the row itself (same outcome, one write, and RETURNING sees it).
-- Audit rows get theirs from store/audit.ts, as in SQLite (the audit is append-only).
CREATE FUNCTION carry_run_team() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.team_id IS NULL AND NEW.run_id IS NOT NULL THEN
    SELECT team_id INTO NEW.team_id FROM runs WHERE runs.id = NEW.run_id;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER reminders_carry_team BEFORE INSERT ON reminders FOR EACH ROW EXECUTE FUNCTION carry_run_team();
CREATE TRIGGER pages_carry_team BEFORE INSERT ON pages FOR EACH ROW EXECUTE FUNCTION carry_run_team();
CREATE TRIGGER pager_outbox_carries_team BEFORE INSERT ON pager_outbox FOR EACH ROW EXECUTE FUNCTION carry_run_team();
CREATE TRIGGER run_roles_carry_team BEFORE INSERT ON run_roles FOR EACH ROW EXECUTE FUNCTION carry_run_team();

-- Issue 11: OAuth distribution and tenants.
--
-- One row per installation of the app (a workspace, or a whole Enterprise Grid org for an org-wide
-- install). The installation itself, tokens included, is stored only sealed (AES-256-GCM with
-- DEPLOYDAY_ENCRYPTION_KEY, see src/store/tokenCipher.ts); the clear columns are what lookups and
-- the operator need, and none of them is a secret.
CREATE TABLE installations (
  -- 'T:<team id>' for a workspace install, 'E:<enterprise id>' for an org-wide install:
  -- the one key every lookup uses, and the sealed blob's associated data, so a blob copied
  -- onto another tenant's row does not decrypt.
  tenant_key TEXT PRIMARY KEY,
  team_id TEXT,
  enterprise_id TEXT,
  is_enterprise_install INTEGER NOT NULL DEFAULT 0,
  bot_id TEXT,
  bot_user_id TEXT,
  -- Token rotation: when the bot token stops working (ms since epoch, UTC); null = never.
  bot_token_expires_at INTEGER,
  sealed TEXT NOT NULL,
  installed_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX installations_by_enterprise ON installations (enterprise_id);

-- Every run carries its tenant (runs.team_id exists since 001): the enterprise too, for org-wide
-- installs. suspended_at: the app was uninstalled (or its tokens revoked) in the run's workspace;
-- the run is kept, but its reminders and pages stop until the app is installed again.
ALTER TABLE runs ADD COLUMN enterprise_id TEXT;
ALTER TABLE runs ADD COLUMN suspended_at INTEGER;
CREATE INDEX runs_by_team ON runs (team_id, status);

-- A pipeline token acts for one workspace: its runs only.
ALTER TABLE api_tokens ADD COLUMN team_id TEXT;

-- Reminders, pages, roles and audit rows carry their run's team, filled from the run as they are
-- written (the triggers), so no writer can forget it and a tenant's rows are found without a join.
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

CREATE TRIGGER reminders_carry_team AFTER INSERT ON reminders WHEN NEW.team_id IS NULL
BEGIN
  UPDATE reminders SET team_id = (SELECT team_id FROM runs WHERE runs.id = NEW.run_id) WHERE id = NEW.id;
END;
CREATE TRIGGER pages_carry_team AFTER INSERT ON pages WHEN NEW.team_id IS NULL AND NEW.run_id IS NOT NULL
BEGIN
  UPDATE pages SET team_id = (SELECT team_id FROM runs WHERE runs.id = NEW.run_id) WHERE dedup_key = NEW.dedup_key;
END;
CREATE TRIGGER pager_outbox_carries_team AFTER INSERT ON pager_outbox WHEN NEW.team_id IS NULL AND NEW.run_id IS NOT NULL
BEGIN
  UPDATE pager_outbox SET team_id = (SELECT team_id FROM runs WHERE runs.id = NEW.run_id) WHERE id = NEW.id;
END;
CREATE TRIGGER run_roles_carry_team AFTER INSERT ON run_roles WHEN NEW.team_id IS NULL
BEGIN
  UPDATE run_roles SET team_id = (SELECT team_id FROM runs WHERE runs.id = NEW.run_id)
    WHERE run_id = NEW.run_id AND role = NEW.role AND user_id = NEW.user_id;
END;
-- Audit rows are append-only (001's triggers refuse any UPDATE), so store/audit.ts writes the team
-- in the row itself: the one given, else the run's.

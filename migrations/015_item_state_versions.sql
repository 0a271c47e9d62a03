-- Issue 14: a click reads its run's item states once per click, and with 150 items that read was
-- the largest cost deployday added to an ack. A process may keep a run's item states cached; this
-- token tells it, with one indexed read in the same transaction, whether they are still current.
--
-- The triggers move the token on every write to item_states, whichever connection or process makes
-- it (the bot, the CLI, a second replica), so no writer can forget to. The token is random(), not a
-- counter: a write rolled back restores the old token, and a counter would then hand the next write
-- a number a cache may already hold for the rolled-back state; a fresh 64-bit random token is never
-- one a cache has seen.
CREATE TABLE item_state_versions (
  run_id INTEGER PRIMARY KEY,
  token INTEGER NOT NULL
);

-- Upserts, not INSERT OR REPLACE: an outer statement's conflict clause (the UPSERT that saves an
-- item state) would override a trigger's OR REPLACE.
CREATE TRIGGER item_states_version_on_insert AFTER INSERT ON item_states BEGIN
  INSERT INTO item_state_versions (run_id, token) VALUES (NEW.run_id, random())
    ON CONFLICT (run_id) DO UPDATE SET token = excluded.token;
END;

CREATE TRIGGER item_states_version_on_update AFTER UPDATE ON item_states BEGIN
  UPDATE item_state_versions SET token = random() WHERE run_id = OLD.run_id AND OLD.run_id <> NEW.run_id;
  INSERT INTO item_state_versions (run_id, token) VALUES (NEW.run_id, random())
    ON CONFLICT (run_id) DO UPDATE SET token = excluded.token;
END;

CREATE TRIGGER item_states_version_on_delete AFTER DELETE ON item_states BEGIN
  UPDATE item_state_versions SET token = random() WHERE run_id = OLD.run_id;
END;

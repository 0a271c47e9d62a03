-- PostgreSQL twin of migrations/015_item_state_versions.sql (issue 14): a per-run token that moves
-- on every write to item_states, so a process that caches a run's item states can tell, with one
-- indexed read in the same transaction, whether they are still current. Triggers move it, so no
-- writer (the bot, the CLI, another replica) can forget to.
--
-- The token is random, not a counter: a rolled-back write restores the old token, and a counter
-- would then hand the next write a number a cache may already hold for the rolled-back state. It is
-- drawn below 2^53 so it survives the store's BIGINT-as-JS-number results exactly
-- (src/store/postgresDb.ts); 53 random bits make a repeat as unlikely as SQLite's 64.
CREATE TABLE item_state_versions (
  run_id BIGINT PRIMARY KEY,
  token BIGINT NOT NULL
);

-- One function for the three triggers (named as SQLite's), like SQLite's trigger bodies.
CREATE FUNCTION move_item_state_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.run_id <> NEW.run_id) THEN
    UPDATE item_state_versions SET token = floor(random() * 9007199254740991)::bigint WHERE run_id = OLD.run_id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO item_state_versions (run_id, token) VALUES (NEW.run_id, floor(random() * 9007199254740991)::bigint)
      ON CONFLICT (run_id) DO UPDATE SET token = excluded.token;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER item_states_version_on_insert AFTER INSERT ON item_states
  FOR EACH ROW EXECUTE FUNCTION move_item_state_version();
CREATE TRIGGER item_states_version_on_update AFTER UPDATE ON item_states
  FOR EACH ROW EXECUTE FUNCTION move_item_state_version();
CREATE TRIGGER item_states_version_on_delete AFTER DELETE ON item_states
  FOR EACH ROW EXECUTE FUNCTION move_item_state_version();

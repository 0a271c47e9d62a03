/**
 * The `Db` contract (src/store/db.ts) on both engines, one test body each: SQLite (SqliteDb, a
 * file, so a second handle is a second connection) and PostgreSQL (PostgresDb on a real embedded
 * server, a second openPostgres on the same database being a second replica). Then what only
 * several replicas on PostgreSQL can show: claims, concurrent clicks on one row, a lost database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/store/db.js';
import { openPostgres } from '../../src/store/postgresDb.js';
import { connectPostgres, freshPostgresDatabase, POSTGRES_START_TIMEOUT } from '../support/postgresDatabase.js';

const MIGRATIONS = join(import.meta.dirname, '..', '..', 'migrations');
const PG_MIGRATIONS = join(MIGRATIONS, 'postgres');
/** 2026-12-02T00:00:00Z: an epoch-ms time, beyond 32 bits as every stored time is. */
const T0 = Date.UTC(2026, 11, 2);

interface Engine {
  name: 'sqlite' | 'postgres';
  /** A fresh migrated database; `replica()` opens another handle on it (another connection or replica). */
  open(): Promise<{ db: Db; replica(): Promise<Db>; url?: string }>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function closing(db: Db): Db {
  cleanups.push(() => db.close().catch(() => undefined));
  return db;
}

const sqlite: Engine = {
  name: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'deployday-contract-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'deployday.db');
    return { db: closing(openDatabase(path, MIGRATIONS)), replica: async () => closing(openDatabase(path, MIGRATIONS)) };
  },
};

const postgres: Engine = {
  name: 'postgres',
  async open() {
    const url = await freshPostgresDatabase();
    return { db: closing(await openPostgres(url, PG_MIGRATIONS)), replica: async () => closing(await openPostgres(url, PG_MIGRATIONS)), url };
  },
};

beforeAll(async () => {
  // The first database of the run waits for the embedded server's initdb and start.
  await freshPostgresDatabase();
}, POSTGRES_START_TIMEOUT);

const INSERT_RUN = `INSERT INTO runs (checklist_name, checklist_json, title, channel_id, team_id, started_by, t0, timezone, created_at)
  VALUES ('deploy', '{}', ?, 'C1', 'T1', 'U1', ?, 'UTC', ?) RETURNING id`;

async function addRun(db: Db, title: string): Promise<number> {
  return ((await db.prepare(INSERT_RUN).get(title, T0, T0)) as { id: number }).id;
}

async function titles(db: Db): Promise<string[]> {
  return ((await db.prepare('SELECT title FROM runs ORDER BY title').all()) as Array<{ title: string }>).map((r) => r.title);
}

describe.each([sqlite, postgres])('the Db contract on $name', (engine) => {
  it('commits the writes of a tx together', async () => {
    const { db } = await engine.open();
    const value = await db.tx(async () => {
      await addRun(db, 'a');
      await addRun(db, 'b');
      return 'done';
    });
    expect(value).toBe('done');
    expect(await titles(db)).toEqual(['a', 'b']);
  });

  it('rolls back every write of a tx that throws, and rejects with its error', async () => {
    const { db } = await engine.open();
    await expect(
      db.tx(async () => {
        await addRun(db, 'a');
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await titles(db)).toEqual([]);
  });

  it('makes a nested tx a savepoint: an inner throw caught by the outer drops only the inner writes', async () => {
    const { db } = await engine.open();
    await db.tx(async () => {
      await addRun(db, 'outer');
      await db
        .tx(async () => {
          await addRun(db, 'inner');
          throw new Error('inner refused');
        })
        .catch(() => undefined);
      await db.tx(() => addRun(db, 'second inner'));
    });
    expect(await titles(db)).toEqual(['outer', 'second inner']);
  });

  it("keeps a batch's own writes when it throws, but not its inner tx's, and rejects with the error", async () => {
    const { db } = await engine.open();
    await expect(
      db.batch(async () => {
        await addRun(db, 'denied audit row');
        await db.tx(async () => {
          await addRun(db, 'state change');
          throw new Error('refused');
        });
      }),
    ).rejects.toThrow('refused');
    expect(await titles(db)).toEqual(['denied audit row']);
  });

  it('shows a unit its own writes, and another handle only after the commit', async () => {
    const { db, replica } = await engine.open();
    const other = await replica();
    await db.tx(async () => {
      await addRun(db, 'mine');
      expect(await titles(db)).toEqual(['mine']);
      expect(await titles(other)).toEqual([]);
    });
    expect(await titles(other)).toEqual(['mine']);
  });

  it('returns BIGINT ids, epoch-ms times, COUNT(*) and SUM as JS numbers', async () => {
    const { db } = await engine.open();
    const id = await addRun(db, 'a');
    await addRun(db, 'b');
    const row = (await db.prepare('SELECT id, t0, created_at FROM runs WHERE id = ?').get(id)) as Record<string, unknown>;
    expect(row).toEqual({ id, t0: T0, created_at: T0 });
    expect(typeof row.id).toBe('number');
    expect(await db.prepare('SELECT COUNT(*) AS n, SUM(t0) AS total FROM runs').get()).toEqual({ n: 2, total: 2 * T0 });
  });

  it('binds ? positionally and @name from one object (a name used twice is one value), and names columns as written', async () => {
    const { db } = await engine.open();
    const a = await addRun(db, 'a');
    await addRun(db, 'b');
    const named = await db.prepare('SELECT id AS runId, title FROM runs WHERE title = @title OR (id = @id AND title = @title)').all({ title: 'a', id: a });
    expect(named).toEqual([{ runId: a, title: 'a' }]);
    // A ? or @name inside quoted text or a comment is text, not a parameter.
    const quoted = await db.prepare(`SELECT '?' AS q, '@x' AS at FROM runs WHERE title = ? -- not a ? here\n AND id = ?`).get('a', a);
    expect(quoted).toEqual({ q: '?', at: '@x' });
  });

  it('gives the ids of RETURNING and the rows a statement changed', async () => {
    const { db } = await engine.open();
    const first = await addRun(db, 'a');
    const second = await addRun(db, 'b');
    expect(second).toBeGreaterThan(first);
    expect(await db.prepare(`UPDATE runs SET status = 'completed' WHERE id IN (?, ?)`).run(first, second)).toEqual({ changes: 2 });
    expect(await db.prepare(`UPDATE runs SET status = 'completed' WHERE id = @id`).run({ id: -1 })).toEqual({ changes: 0 });
  });

  it('runs several statements of one exec, inside a unit as outside', async () => {
    const { db } = await engine.open();
    await db.exec(`INSERT INTO events_cursor (name, last_id) VALUES ('one', 1); INSERT INTO events_cursor (name, last_id) VALUES ('two', 2)`);
    await expect(db.tx(() => db.exec(`INSERT INTO events_cursor (name, last_id) VALUES ('three', 3); SELECT no_such_column FROM events_cursor`))).rejects.toThrow();
    const names = (await db.prepare('SELECT name FROM events_cursor WHERE name IN ('one', 'two', 'three') ORDER BY name').all()) as Array<{ name: string }>;
    expect(names.map((r) => r.name)).toEqual(['one', 'two']);
  });
});

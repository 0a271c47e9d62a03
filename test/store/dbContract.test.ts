/**
 * The `Db` contract (src/store/db.ts) on both engines, one test body each: SQLite (SqliteDb, a
 * file, so a second handle is a second connection) and PostgreSQL (PostgresDb on a real embedded
 * server, a second openPostgres on the same database being a second replica). Then what only
 * several replicas on PostgreSQL can show: claims, concurrent clicks on one row, a lost database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
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

/** A promise and the function that settles it: lets a unit stay open until the test says so. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
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

  it('nests a tx inside a savepoint at once, three deep, instead of waiting behind the savepoint that holds it', async () => {
    const { db } = await engine.open();
    // A page resolved by hand inside a click: the click's batch, the use case's tx, the store's tx.
    await db.batch(() => db.tx(() => db.tx(() => db.tx(() => addRun(db, 'deepest')))));
    expect(await titles(db)).toEqual(['deepest']);
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

  it.each(['tx', 'batch'] as const)('shows a %s its own writes, and another handle only after the commit', async (unit) => {
    const { db, replica } = await engine.open();
    const other = await replica();
    await db[unit](async () => {
      await addRun(db, 'mine');
      expect(await titles(db)).toEqual(['mine']);
      expect(await titles(other)).toEqual([]);
    });
    expect(await titles(other)).toEqual(['mine']);
  });

  it('runs work a unit started but that runs after it ended outside it, on its own', async () => {
    const { db, replica } = await engine.open();
    const released = gate();
    let later: Promise<number> | undefined;
    await db.tx(async () => {
      await addRun(db, 'inside');
      later = released.opened.then(() => addRun(db, 'after'));
    });
    released.open();
    await later;
    expect(await titles(await replica())).toEqual(['after', 'inside']);
  });

  it('runs the units of one turn as one group: none is answered before the last one ends, and another handle sees them all at once', async () => {
    const { db, replica } = await engine.open();
    const other = await replica();
    const held = gate();
    const answered: string[] = [];
    let lastStarted = false;
    /** The transaction a unit runs in, on PostgreSQL (SQLite has one writer: one transaction at a time). */
    const transaction = async () => (engine.name === 'postgres' ? ((await db.prepare('SELECT txid_current() AS tx').get()) as { tx: number }).tx : 0);
    const units = [
      db.batch(async () => {
        await addRun(db, 'first');
        return await transaction();
      }),
      db.tx(async () => {
        await addRun(db, 'second');
        return await transaction();
      }),
      db.tx(async () => {
        await addRun(db, 'last');
        lastStarted = true;
        await held.opened;
        return await transaction();
      }),
    ].map((unit, i) =>
      unit.then((tx) => {
        answered.push(`unit ${i}`);
        return tx;
      }),
    );
    while (!lastStarted) await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toEqual([]);
    expect(await titles(other)).toEqual([]);
    held.open();
    const transactions = await Promise.all(units);
    expect(new Set(transactions).size).toBe(1);
    expect(await titles(other)).toEqual(['first', 'last', 'second']);
  });

  it('rolls back a unit of a group that throws, alone: the others commit, and a refused batch unit keeps its own writes', async () => {
    const { db } = await engine.open();
    const results = await Promise.allSettled([
      db.tx(() => addRun(db, 'a')),
      db.tx(async () => {
        await addRun(db, 'b');
        throw new Error('b refused');
      }),
      db.batch(async () => {
        await addRun(db, 'c denied audit row');
        await db.tx(async () => {
          await addRun(db, 'c state change');
          throw new Error('c refused');
        });
      }),
      db.tx(() => addRun(db, 'd')),
    ]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'saved'))).toEqual([
      'saved',
      'b refused',
      'c refused',
      'saved',
    ]);
    expect(await titles(db)).toEqual(['a', 'c denied audit row', 'd']);
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
    const named = await db
      .prepare('SELECT id AS runId, title FROM runs WHERE title = @title OR (id = @id AND title = @title)')
      .all({ title: 'a', id: a });
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
    await expect(
      db.tx(() => db.exec(`INSERT INTO events_cursor (name, last_id) VALUES ('three', 3); SELECT no_such_column FROM events_cursor`)),
    ).rejects.toThrow();
    const names = (await db.prepare(`SELECT name FROM events_cursor WHERE name IN ('one', 'two', 'three') ORDER BY name`).all()) as Array<{
      name: string;
    }>;
    expect(names.map((r) => r.name)).toEqual(['one', 'two']);
  });
});

describe('several replicas on one PostgreSQL', () => {
  /** A connection of the test's own, outside every replica, to watch and to break things. */
  async function admin(url: string): Promise<pg.Client> {
    const client = await connectPostgres(url);
    cleanups.push(() => client.end().catch(() => undefined));
    return client;
  }

  /** Until some backend of this database waits on a row lock (the other replica's unit). */
  async function untilSomeoneWaitsOnALock(watcher: pg.Client): Promise<void> {
    const giveUpAt = Date.now() + 20_000;
    for (;;) {
      if (Date.now() > giveUpAt) throw new Error('nobody waited on a lock within 20 s');
      const { rows } = await watcher.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      if (rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('hands disjoint rows to two replicas claiming at the same time with LIMIT n and skipLocked', async () => {
    const { db: a, replica } = await postgres.open();
    const b = await replica();
    const runId = await addRun(a, 'claims');
    for (let i = 0; i < 6; i++)
      await a.prepare(`INSERT INTO reminders (run_id, key, kind, due_at) VALUES (?, ?, 'due', ?)`).run(runId, `r${i}`, T0 + i);
    const claim = (db: Db) =>
      db.prepare(`UPDATE reminders SET status = 'claimed', claimed_at = @now WHERE id IN (
           SELECT id FROM reminders WHERE status = 'pending' AND due_at <= @now ORDER BY due_at, id LIMIT @limit${db.skipLocked})
         RETURNING id`);
    const held = gate();
    let claimedByA: number[] = [];
    const unitA = a.tx(async () => {
      claimedByA = ((await claim(a).all({ now: T0 + 10, limit: 3 })) as Array<{ id: number }>).map((r) => r.id);
      // A holds its claimed rows' locks, uncommitted, while B claims.
      await held.opened;
    });
    while (claimedByA.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const claimedByB = ((await b.tx(() => claim(b).all({ now: T0 + 10, limit: 3 }))) as Array<{ id: number }>).map((r) => r.id);
    held.open();
    await unitA;
    expect(claimedByA).toHaveLength(3);
    expect(claimedByB).toHaveLength(3);
    expect(new Set([...claimedByA, ...claimedByB]).size).toBe(6);
  });

  it('keeps both of two click-shaped units on two replicas that bump the same row (no lost update)', async () => {
    const { db: a, replica, url } = await postgres.open();
    const b = await replica();
    const watcher = await admin(url!);
    const runId = await addRun(a, 'clicks');
    await a.prepare(`INSERT INTO run_messages (run_id, message_key, position, channel_id) VALUES (?, 'overview', 0, 'C1')`).run(runId);
    const bumped = new Set<string>();
    const click = (db: Db, actor: string, wait?: Promise<void>) =>
      db.batch(async () => {
        await db.prepare(`INSERT INTO audit (run_id, at, actor, action) VALUES (?, ?, ?, 'tick')`).run(runId, T0, actor);
        await db.prepare(`UPDATE run_messages SET version = version + 1 WHERE run_id = ? AND message_key = 'overview'`).run(runId);
        bumped.add(actor);
        await wait;
      });
    const held = gate();
    const clickA = click(a, 'UA', held.opened);
    while (!bumped.has('UA')) await new Promise((resolve) => setImmediate(resolve));
    const clickB = click(b, 'UB');
    // B's update waits on A's row lock; then A commits, and B's update applies to A's result.
    await untilSomeoneWaitsOnALock(watcher).finally(held.open);
    await Promise.all([clickA, clickB]);
    const message = await a.prepare(`SELECT version FROM run_messages WHERE run_id = ?`).get(runId);
    expect(message).toEqual({ version: 3 });
    const actors = (await a.prepare('SELECT actor FROM audit WHERE run_id = ? ORDER BY actor').all(runId)) as Array<{ actor: string }>;
    expect(actors.map((r) => r.actor)).toEqual(['UA', 'UB']);
  });

  it('runs a unit again once when PostgreSQL picked it as the victim of a deadlock, so both units commit', async () => {
    const { db: a, replica } = await postgres.open();
    const b = await replica();
    const runId = await addRun(a, 'deadlock');
    for (const key of ['one', 'two'])
      await a.prepare(`INSERT INTO run_messages (run_id, message_key, position, channel_id) VALUES (?, ?, 0, 'C1')`).run(runId, key);
    const bump = (db: Db, key: string) =>
      db.prepare(`UPDATE run_messages SET version = version + 1 WHERE run_id = ? AND message_key = ?`).run(runId, key);
    const locked = { a: gate(), b: gate() };
    let attempts = 0;
    // Each takes one row, waits until the other holds the other row, then asks for it: a cycle.
    const unit = (db: Db, first: string, second: string, mine: ReturnType<typeof gate>, theirs: ReturnType<typeof gate>) =>
      db.tx(async () => {
        attempts++;
        await bump(db, first);
        mine.open();
        await theirs.opened;
        await bump(db, second);
      });
    await Promise.all([unit(a, 'one', 'two', locked.a, locked.b), unit(b, 'two', 'one', locked.b, locked.a)]);
    expect(attempts).toBe(3);
    const versions = await a.prepare('SELECT message_key, version FROM run_messages WHERE run_id = ? ORDER BY message_key').all(runId);
    expect(versions).toEqual([
      { message_key: 'one', version: 3 },
      { message_key: 'two', version: 3 },
    ]);
  });

  it('keeps every click of two groups on two replicas that bump the same row at the same time', async () => {
    const { db: a, replica, url } = await postgres.open();
    const b = await replica();
    const watcher = await admin(url!);
    const runId = await addRun(a, 'clicks');
    await a.prepare(`INSERT INTO run_messages (run_id, message_key, position, channel_id) VALUES (?, 'overview', 0, 'C1')`).run(runId);
    const click = (db: Db, actor: string, holding?: { open(): void }, wait?: Promise<void>) =>
      db.batch(async () => {
        await db.prepare(`INSERT INTO audit (run_id, at, actor, action) VALUES (?, ?, ?, 'tick')`).run(runId, T0, actor);
        await db.prepare(`UPDATE run_messages SET version = version + 1 WHERE run_id = ? AND message_key = 'overview'`).run(runId);
        holding?.open();
        await wait;
      });
    const [holds, held] = [gate(), gate()];
    // Three clicks each, in one turn: one group per replica. A's stays open, holding the row, until B
    // waits on it; B's starts once A holds the row (started together, B could commit first, and
    // nobody would ever wait).
    const groupA = [click(a, 'UA1'), click(a, 'UA2'), click(a, 'UA3', holds, held.opened)];
    await holds.opened;
    const groupB = [click(b, 'UB1'), click(b, 'UB2'), click(b, 'UB3')];
    await untilSomeoneWaitsOnALock(watcher).finally(held.open);
    await Promise.all([...groupA, ...groupB]);
    expect(await a.prepare(`SELECT version FROM run_messages WHERE run_id = ?`).get(runId)).toEqual({ version: 7 });
    const actors = (await a.prepare('SELECT actor FROM audit WHERE run_id = ? ORDER BY actor').all(runId)) as Array<{ actor: string }>;
    expect(actors.map((r) => r.actor)).toEqual(['UA1', 'UA2', 'UA3', 'UB1', 'UB2', 'UB3']);
  });

  it("runs a deadlock victim of a group again after that group committed, and keeps the group's other units once", async () => {
    const { db: a, replica } = await postgres.open();
    const b = await replica();
    const runId = await addRun(a, 'deadlock');
    for (const key of ['one', 'two', 'bystander'])
      await a.prepare(`INSERT INTO run_messages (run_id, message_key, position, channel_id) VALUES (?, ?, 0, 'C1')`).run(runId, key);
    const bump = (db: Db, key: string) =>
      db.prepare(`UPDATE run_messages SET version = version + 1 WHERE run_id = ? AND message_key = ?`).run(runId, key);
    const locked = { a: gate(), b: gate() };
    let attempts = 0;
    const unit = (db: Db, first: string, second: string, mine: ReturnType<typeof gate>, theirs: ReturnType<typeof gate>) =>
      db.tx(async () => {
        attempts++;
        await bump(db, first);
        mine.open();
        await theirs.opened;
        await bump(db, second);
      });
    // On A, a bystander unit and then one side of the cycle, in one turn: one group.
    await Promise.all([a.tx(() => bump(a, 'bystander')), unit(a, 'one', 'two', locked.a, locked.b), unit(b, 'two', 'one', locked.b, locked.a)]);
    expect(attempts).toBe(3);
    const versions = await a.prepare('SELECT message_key, version FROM run_messages WHERE run_id = ? ORDER BY message_key').all(runId);
    expect(versions).toEqual([
      { message_key: 'bystander', version: 2 },
      { message_key: 'one', version: 3 },
      { message_key: 'two', version: 3 },
    ]);
  });

  it('rolls back, alone, a unit of a group that caught a failed statement and went on', async () => {
    const { db } = await postgres.open();
    const results = await Promise.allSettled([
      db.tx(() => addRun(db, 'before')),
      db.batch(async () => {
        await addRun(db, 'lost');
        await db
          .prepare('SELECT no_such_column FROM runs')
          .get()
          .catch(() => undefined);
      }),
      db.tx(() => addRun(db, 'after')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await titles(db)).toEqual(['after', 'before']);
  });

  it('rejects every unit of a group whose COMMIT fails (its connection ended by the server), and saves none of them', async () => {
    const { db, url } = await postgres.open();
    const killer = await admin(url!);
    let pid = 0;
    const results = await Promise.allSettled([
      db.tx(async () => {
        await addRun(db, 'one');
        pid = ((await db.prepare('SELECT pg_backend_pid() AS pid').get()) as { pid: number }).pid;
      }),
      db.batch(() => addRun(db, 'two')),
      db.tx(async () => {
        await addRun(db, 'three');
        // Waits until the backend is gone, so the group's next message is its COMMIT to a dead connection.
        await killer.query('SELECT pg_terminate_backend($1, 5000)', [pid]);
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await titles(db)).toEqual([]);
  });

  it('rejects a unit that caught a failed statement and went on, since PostgreSQL saved nothing of it', async () => {
    const { db } = await postgres.open();
    await expect(
      db.tx(async () => {
        await addRun(db, 'lost');
        await db
          .prepare('SELECT no_such_column FROM runs')
          .get()
          .catch(() => undefined);
      }),
    ).rejects.toThrow('the transaction was rolled back');
    expect(await titles(db)).toEqual([]);
  });

  it('rejects the next query of a unit whose connection the server ended, and serves later work on a new one', async () => {
    const { db, url } = await postgres.open();
    const killer = await admin(url!);
    await expect(
      db.tx(async () => {
        const { pid } = (await db.prepare('SELECT pg_backend_pid() AS pid').get()) as { pid: number };
        await killer.query('SELECT pg_terminate_backend($1)', [pid]);
        await db.prepare('SELECT 1 AS one').get();
      }),
    ).rejects.toThrow();
    expect(await db.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 });
  });

  it('rejects the next query, instead of hanging, when the database goes away', async () => {
    const { db, url } = await postgres.open();
    await db.prepare('SELECT 1 AS one').get();
    const database = new URL(url!);
    const name = database.pathname.slice(1);
    database.pathname = '/postgres';
    const killer = await admin(database.href);
    cleanups.push(() => killer.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).then(() => undefined));
    await killer.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await killer.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    await expect(db.prepare('SELECT 1 AS one').get()).rejects.toThrow(/not currently accepting connections|terminat/);
    await expect(db.tx(() => db.prepare('SELECT 1 AS one').get())).rejects.toThrow();
  });

  it('refuses a database whose collation is not C, naming the fix', async () => {
    const url = new URL(await freshPostgresDatabase());
    const name = `${url.pathname.slice(1)}_collated`;
    url.pathname = '/postgres';
    const server = await admin(url.href);
    await server.query(`CREATE DATABASE ${name} LOCALE_PROVIDER icu ICU_LOCALE 'en' LOCALE 'C' TEMPLATE template0`);
    url.pathname = `/${name}`;
    await expect(openPostgres(url.href, PG_MIGRATIONS)).rejects.toThrow(`CREATE DATABASE ${name} LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
  });
});

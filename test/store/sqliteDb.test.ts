/**
 * The SQLite adapter's promises about units of work (`tx`, `batch`): the clicks of one event-loop
 * turn share one transaction (one fsync), each keeps its own outcome, and none is answered before
 * the COMMIT that makes it durable. The adapter alone is under test: the units write audit rows
 * (they need no run) through the adapter's own statements.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, prepared, type SqliteDb } from '../../src/store/db.js';
import { databasePerTest, MIGRATIONS, T0 } from './storeFixtures.js';

const openDb = databasePerTest();

async function write(db: SqliteDb, target: string, action = 'item.tick'): Promise<void> {
  await prepared(db, 'INSERT INTO audit (run_id, at, actor, action, target) VALUES (NULL, ?, ?, ?, ?)').run(T0, 'U0ALICE', action, target);
}
async function written(db: SqliteDb): Promise<Array<[string, string]>> {
  const rows = (await prepared(db, 'SELECT action, target FROM audit ORDER BY id').all()) as Array<{ action: string; target: string }>;
  return rows.map((r) => [r.action, r.target]);
}
const targets = async (db: SqliteDb) => (await written(db)).map(([, target]) => target);

/** A promise and the function that settles it, to hold a unit open until the test lets it go. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

describe('units of work on SQLite', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A database file (so a second connection can look at what is committed) and a read-only reader on it. */
  function fileDatabase(): { db: SqliteDb; reader: Database.Database; close: () => Promise<void> } {
    const dir = mkdtempSync(join(tmpdir(), 'deployday-sqlitedb-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'bot.db'), MIGRATIONS);
    const reader = new Database(join(dir, 'bot.db'), { readonly: true });
    return {
      db,
      reader,
      close: async () => {
        reader.close();
        await db.close();
      },
    };
  }
  const committed = (reader: Database.Database) => (reader.prepare('SELECT COUNT(*) AS n FROM audit').get() as { n: number }).n;

  it('runs the units of one turn in one transaction and answers each with its own result', async () => {
    const { db, reader, close } = fileDatabase();
    try {
      const inTransaction: boolean[] = [];
      const committedWhileLastRan: number[] = [];
      const results = await Promise.all(
        ['i1', 'i2', 'i3'].map((target) =>
          db.batch(async () => {
            inTransaction.push(db.raw.inTransaction);
            await write(db, target);
            // The last unit of the batch: the two before it are done, yet nothing of theirs is committed.
            if (target === 'i3') committedWhileLastRan.push(committed(reader));
            return target.toUpperCase();
          }),
        ),
      );
      expect(results).toEqual(['I1', 'I2', 'I3']);
      expect(inTransaction).toEqual([true, true, true]);
      expect(committedWhileLastRan).toEqual([0]);
      expect(committed(reader)).toBe(3);
      expect(await targets(db)).toEqual(['i1', 'i2', 'i3']);
    } finally {
      await close();
    }
  });

  it('answers a unit only once its batch is committed, as another connection sees it', async () => {
    const { db, reader, close } = fileDatabase();
    try {
      const seenByReader = await Promise.all(['i1', 'i2'].map((target) => db.batch(() => write(db, target)).then(() => committed(reader))));
      expect(seenByReader).toEqual([2, 2]);
    } finally {
      await close();
    }
  });

  it('rolls back a tx unit that throws, alone, and commits the other units of its batch', async () => {
    const db = openDb();
    const failed = db.tx(async () => {
      await write(db, 'half-done');
      throw new Error('disk said no');
    });
    const kept = db.tx(async () => {
      await write(db, 'i1');
      return 'kept';
    });
    await expect(failed).rejects.toThrow('disk said no');
    expect(await kept).toBe('kept');
    expect(await targets(db)).toEqual(['i1']);
  });

  it('keeps what a refused batch unit wrote outside its inner tx (its denied audit row), not what its failed inner tx wrote, and rejects it with its reason', async () => {
    const db = openDb();
    const refused = db.batch(async () => {
      await db.tx(() => write(db, 'inner-committed'));
      await write(db, 'i2', 'denied');
      await db.tx(async () => {
        await write(db, 'inner-undone');
        throw new Error('blocked');
      });
    });
    const accepted = db.batch(() => write(db, 'i1'));
    await expect(refused).rejects.toThrow('blocked');
    await accepted;
    expect(await written(db)).toEqual([
      ['item.tick', 'inner-committed'],
      ['denied', 'i2'],
      ['item.tick', 'i1'],
    ]);
  });

  it('rolls back the whole of a refused tx unit, unlike a batch unit', async () => {
    const db = openDb();
    const refused = db.tx(async () => {
      await write(db, 'i2', 'denied');
      throw new Error('blocked');
    });
    await expect(refused).rejects.toThrow('blocked');
    expect(await written(db)).toEqual([]);
  });

  it('runs a tx inside a tx as a savepoint: the inner one rolls back alone and the outer one commits', async () => {
    const db = openDb();
    const result = await db.tx(async () => {
      await write(db, 'outer');
      const inner = await db
        .tx(async () => {
          await write(db, 'inner-undone');
          expect(await targets(db)).toEqual(['outer', 'inner-undone']);
          throw new Error('inner failed');
        })
        .catch((error: Error) => error.message);
      await db.tx(() => write(db, 'inner-kept'));
      return inner;
    });
    expect(result).toBe('inner failed');
    expect(await targets(db)).toEqual(['outer', 'inner-kept']);
  });

  it('makes a statement from outside any unit wait for the batch in flight, so it never lands inside it', async () => {
    const db = openDb();
    const started = signal();
    const release = signal();
    const unit = db.tx(async () => {
      await write(db, 'rolled-back');
      started.fire();
      await release.promise;
      throw new Error('undo');
    });
    await started.promise;
    // Issued from the test, outside the unit, while the unit holds the connection.
    const outside = write(db, 'outside');
    await new Promise((resolve) => setImmediate(resolve));
    // What the connection holds right now, uncommitted rows included, read past the adapter.
    const onConnection = () => (db.raw.prepare('SELECT target FROM audit ORDER BY id').all() as Array<{ target: string }>).map((r) => r.target);
    expect(onConnection()).toEqual(['rolled-back']);
    release.fire();
    await expect(unit).rejects.toThrow('undo');
    await outside;
    // Had it run inside the unit, the unit's rollback would have taken it too.
    expect(await targets(db)).toEqual(['outside']);
  });

  it('rejects every unit of a batch whose COMMIT fails, and keeps none of their writes', async () => {
    const db = openDb();
    const good = db.batch(async () => {
      await write(db, 'i1');
      return 'ok';
    });
    const breaksCommit = db.batch(async () => {
      // Foreign keys checked at COMMIT instead of per statement: a vote on a run that does not exist fails the COMMIT itself.
      await db.exec('PRAGMA defer_foreign_keys = ON');
      await prepared(db, `INSERT INTO gate_votes (run_id, item_id, user_id, vote, reason, at) VALUES (999, 'g1', 'U0BOB', 'go', NULL, ?)`).run(T0);
    });
    await expect(good).rejects.toThrow(/FOREIGN KEY/);
    await expect(breaksCommit).rejects.toThrow(/FOREIGN KEY/);
    expect(await targets(db)).toEqual([]);
    expect(await prepared(db, 'SELECT COUNT(*) AS n FROM gate_votes').get()).toEqual({ n: 0 });
    expect(db.raw.inTransaction).toBe(false);
  });
});

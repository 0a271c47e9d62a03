import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit, listAudit } from '../../src/store/audit.js';
import { openDatabase } from '../../src/store/db.js';
import { createGroupCommit } from '../../src/store/groupCommit.js';
import { addRun, databasePerTest, MIGRATIONS, T0 } from './storeFixtures.js';

const openDb = databasePerTest();
const tick = (db: ReturnType<typeof openDb>, runId: number, target: string) =>
  appendAudit(db, { runId, at: T0, actor: 'U0ALICE', action: 'item.tick', target });

describe('clicks committed together', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the clicks of one turn in one transaction and answers each with its own result', async () => {
    const db = openDb();
    const runId = addRun(db);
    const clicks = createGroupCommit(db);
    const inTransaction: boolean[] = [];
    const results = await Promise.all(
      ['i1', 'i2', 'i3'].map((target) =>
        clicks.run(() => {
          inTransaction.push(db.inTransaction);
          tick(db, runId, target);
          return target.toUpperCase();
        }),
      ),
    );
    expect(results).toEqual(['I1', 'I2', 'I3']);
    expect(inTransaction).toEqual([true, true, true]);
    expect(listAudit(db, runId).map((e) => e.target)).toEqual(['i1', 'i2', 'i3']);
  });

  it('answers a click only once its batch is committed, as another connection sees it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deployday-group-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'bot.db'), MIGRATIONS);
    const reader = new Database(join(dir, 'bot.db'), { readonly: true });
    try {
      const runId = addRun(db);
      const clicks = createGroupCommit(db);
      const seenByReader = await Promise.all(
        ['i1', 'i2'].map((target) =>
          clicks
            .run(() => tick(db, runId, target))
            .then(() => (reader.prepare('SELECT COUNT(*) AS n FROM audit WHERE run_id = ?').get(runId) as { n: number }).n),
        ),
      );
      expect(seenByReader).toEqual([2, 2]);
    } finally {
      reader.close();
      db.close();
    }
  });

  it('rejects a refused click with its reason but keeps its audit row and the other clicks', async () => {
    const db = openDb();
    const runId = addRun(db);
    const clicks = createGroupCommit(db);
    const refused = clicks.run(() => {
      appendAudit(db, { runId, at: T0, actor: 'U0BOB', action: 'denied', target: 'i2' });
      throw new Error('blocked');
    });
    const accepted = clicks.run(() => tick(db, runId, 'i1'));
    await expect(refused).rejects.toThrow('blocked');
    await accepted;
    expect(listAudit(db, runId).map((e) => [e.action, e.target])).toEqual([
      ['denied', 'i2'],
      ['item.tick', 'i1'],
    ]);
  });

  it('undoes a failed click’s own transaction without undoing the rest of the batch', async () => {
    const db = openDb();
    const runId = addRun(db);
    const clicks = createGroupCommit(db);
    const failed = clicks.run(() =>
      db.transaction(() => {
        tick(db, runId, 'half-done');
        throw new Error('disk said no');
      })(),
    );
    const kept = clicks.run(() => tick(db, runId, 'i1'));
    await expect(failed).rejects.toThrow('disk said no');
    await kept;
    expect(listAudit(db, runId).map((e) => e.target)).toEqual(['i1']);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allItems } from '../../src/domain/checklist.js';
import type { ItemState } from '../../src/domain/run.js';
import { RunQueries } from '../../src/service/runQueries.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { saveItemState } from '../../src/store/itemStates.js';
import { addRun, MIGRATIONS, T0 } from '../store/storeFixtures.js';

/** A database file, so that a second connection (another process, a replica) can write to it too. */
const opened: Array<{ dbs: Db[]; dir: string }> = [];
afterEach(() => {
  for (const { dbs, dir } of opened.splice(0)) {
    for (const db of dbs) db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

function twoConnections(): { db: Db; other: Db; queries: RunQueries; runId: number; itemId: string } {
  const dir = mkdtempSync(join(tmpdir(), 'deployday-queries-'));
  const db = openDatabase(join(dir, 'day.db'), MIGRATIONS);
  const other = openDatabase(join(dir, 'day.db'), MIGRATIONS);
  opened.push({ dbs: [db, other], dir });
  const runId = addRun(db);
  const queries = new RunQueries(db, () => T0);
  const itemId = allItems(queries.requireRun(runId).checklist)[0]!.id;
  return { db, other, queries, runId, itemId };
}

const ticked = (itemId: string, by = 'U0ALICE'): ItemState => ({ itemId, done: true, by, at: T0, waivedReason: null, timerStartedAt: null });

describe("a run's item states, as the queries read them", () => {
  it('are read again only when something wrote them: an unchanged run gives the same states', () => {
    const { db, queries, runId, itemId } = twoConnections();
    saveItemState(db, runId, ticked(itemId), T0);
    const first = queries.snapshot(runId).items;
    expect(queries.snapshot(runId).items).toBe(first);
    expect(first[itemId]).toMatchObject({ done: true, by: 'U0ALICE' });
  });

  it("show a click's own write at once, as the rows on disk have it", () => {
    const { db, queries, runId, itemId } = twoConnections();
    saveItemState(db, runId, ticked(itemId), T0);
    const before = queries.snapshot(runId).items;
    queries.saveItemState(queries.snapshot(runId).run, before, { ...ticked(itemId, 'U0BOB'), done: false }, T0 + 1);
    expect(queries.snapshot(runId).items[itemId]).toMatchObject({ done: false, by: 'U0BOB' });
    expect(new RunQueries(db).snapshot(runId).items).toEqual(queries.snapshot(runId).items);
  });

  it('show a write made by another connection (another process, a second replica)', () => {
    const { other, queries, runId, itemId } = twoConnections();
    expect(queries.snapshot(runId).items[itemId]!.done).toBe(false);
    saveItemState(other, runId, ticked(itemId, 'U0CLI'), T0);
    expect(queries.snapshot(runId).items[itemId]).toMatchObject({ done: true, by: 'U0CLI' });
  });

  it('never show a write that was rolled back', () => {
    const { db, queries, runId, itemId } = twoConnections();
    saveItemState(db, runId, ticked(itemId), T0);
    const before = queries.snapshot(runId).items;
    expect(() =>
      db.transaction(() => {
        queries.saveItemState(queries.snapshot(runId).run, before, { ...ticked(itemId), done: false, by: null, at: null }, T0 + 1);
        expect(queries.snapshot(runId).items[itemId]!.done).toBe(false);
        throw new Error('the click failed after its write');
      })(),
    ).toThrow('the click failed');
    expect(queries.snapshot(runId).items[itemId]).toMatchObject({ done: true, by: 'U0ALICE' });
  });

  it('cannot be changed by a reader, since every reader shares them', () => {
    const { db, queries, runId, itemId } = twoConnections();
    saveItemState(db, runId, ticked(itemId), T0);
    const items = queries.snapshot(runId).items;
    expect(() => {
      items[itemId] = { ...ticked(itemId), done: false };
    }).toThrow(TypeError);
  });
});

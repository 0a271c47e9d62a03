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
afterEach(async () => {
  for (const { dbs, dir } of opened.splice(0)) {
    for (const db of dbs) await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

async function twoConnections(): Promise<{ db: Db; other: Db; queries: RunQueries; runId: number; itemId: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'deployday-queries-'));
  const db = openDatabase(join(dir, 'day.db'), MIGRATIONS);
  const other = openDatabase(join(dir, 'day.db'), MIGRATIONS);
  opened.push({ dbs: [db, other], dir });
  const runId = await addRun(db);
  const queries = new RunQueries(db, () => T0);
  const itemId = allItems((await queries.requireRun(runId)).checklist)[0]!.id;
  return { db, other, queries, runId, itemId };
}

const ticked = (itemId: string, by = 'U0ALICE'): ItemState => ({ itemId, done: true, by, at: T0, waivedReason: null, timerStartedAt: null });

describe("a run's item states, as the queries read them", () => {
  it('are read again only when something wrote them: an unchanged run gives the same states', async () => {
    const { db, queries, runId, itemId } = await twoConnections();
    await saveItemState(db, runId, ticked(itemId), T0);
    const first = (await queries.snapshot(runId)).items;
    expect((await queries.snapshot(runId)).items).toBe(first);
    expect(first[itemId]).toMatchObject({ done: true, by: 'U0ALICE' });
  });

  it("show a click's own write at once, as the rows on disk have it", async () => {
    const { db, queries, runId, itemId } = await twoConnections();
    await saveItemState(db, runId, ticked(itemId), T0);
    const before = (await queries.snapshot(runId)).items;
    await queries.saveItemState((await queries.snapshot(runId)).run, before, { ...ticked(itemId, 'U0BOB'), done: false }, T0 + 1);
    expect((await queries.snapshot(runId)).items[itemId]).toMatchObject({ done: false, by: 'U0BOB' });
    expect((await new RunQueries(db).snapshot(runId)).items).toEqual((await queries.snapshot(runId)).items);
  });

  it('show a write made by another connection (another process, a second replica)', async () => {
    const { other, queries, runId, itemId } = await twoConnections();
    expect((await queries.snapshot(runId)).items[itemId]!.done).toBe(false);
    await saveItemState(other, runId, ticked(itemId, 'U0CLI'), T0);
    expect((await queries.snapshot(runId)).items[itemId]).toMatchObject({ done: true, by: 'U0CLI' });
  });

  it('never show a write that was rolled back', async () => {
    const { db, queries, runId, itemId } = await twoConnections();
    await saveItemState(db, runId, ticked(itemId), T0);
    const before = (await queries.snapshot(runId)).items;
    await expect(
      db.tx(async () => {
        await queries.saveItemState((await queries.snapshot(runId)).run, before, { ...ticked(itemId), done: false, by: null, at: null }, T0 + 1);
        expect((await queries.snapshot(runId)).items[itemId]!.done).toBe(false);
        throw new Error('the click failed after its write');
      }),
    ).rejects.toThrow('the click failed');
    expect((await queries.snapshot(runId)).items[itemId]).toMatchObject({ done: true, by: 'U0ALICE' });
  });

  it('cannot be changed by a reader, since every reader shares them', async () => {
    const { db, queries, runId, itemId } = await twoConnections();
    await saveItemState(db, runId, ticked(itemId), T0);
    const items = (await queries.snapshot(runId)).items;
    expect(() => {
      items[itemId] = { ...ticked(itemId), done: false };
    }).toThrow(TypeError);
  });
});

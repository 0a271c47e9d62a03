import { describe, expect, it } from 'vitest';
import type { ItemState } from '../../src/domain/run.js';
import { itemStatesToken, listItemStates, saveItemState } from '../../src/store/itemStates.js';
import { addRun, databasePerTest, T0 } from './storeFixtures.js';

const openDb = databasePerTest();

const ticked = (itemId: string, by = 'U0ALICE'): ItemState => ({ itemId, done: true, by, at: T0, waivedReason: null, timerStartedAt: null });

describe('item states', () => {
  it('keeps one state per item: saving again replaces it', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await saveItemState(db, runId, ticked('i1'), T0);
    await saveItemState(db, runId, { ...ticked('i1', 'U0BOB'), done: false }, T0 + 1);
    expect(await listItemStates(db, runId)).toEqual([{ itemId: 'i1', done: false, by: 'U0BOB', at: T0, waivedReason: null, timerStartedAt: null }]);
  });

  it('lists only the items someone touched, per run', async () => {
    const db = openDb();
    const runId = await addRun(db);
    const other = await addRun(db);
    await saveItemState(db, runId, ticked('i1'), T0);
    await saveItemState(db, other, ticked('i2'), T0);
    expect((await listItemStates(db, runId)).map((s) => s.itemId)).toEqual(['i1']);
    expect((await listItemStates(db, other)).map((s) => s.itemId)).toEqual(['i2']);
  });

  it('keeps a waiver reason and a timer start', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await saveItemState(db, runId, { ...ticked('i1'), waivedReason: 'not needed this time', timerStartedAt: T0 + 5 }, T0);
    expect((await listItemStates(db, runId))[0]).toMatchObject({ waivedReason: 'not needed this time', timerStartedAt: T0 + 5 });
  });

  it('refuses a state for a run that does not exist', async () => {
    const db = openDb();
    await expect(saveItemState(db, 999, ticked('i1'), T0)).rejects.toThrow(/FOREIGN KEY/);
  });

  it("moves the run's item-state token on every write, and never back to a token of a write rolled back", async () => {
    const db = openDb();
    const runId = await addRun(db);
    const other = await addRun(db);
    expect(await itemStatesToken(db, runId)).toBeNull();
    await saveItemState(db, runId, ticked('i1'), T0);
    const first = await itemStatesToken(db, runId);
    await saveItemState(db, runId, { ...ticked('i1'), done: false }, T0 + 1);
    const second = await itemStatesToken(db, runId);
    expect(second).not.toBe(first);
    await saveItemState(db, other, ticked('i1'), T0);
    expect(await itemStatesToken(db, runId)).toBe(second);

    let rolledBack: Awaited<ReturnType<typeof itemStatesToken>> = null;
    await expect(
      db.tx(async () => {
        await saveItemState(db, runId, ticked('i2'), T0 + 2);
        rolledBack = await itemStatesToken(db, runId);
        throw new Error('abandon');
      }),
    ).rejects.toThrow('abandon');
    expect(await itemStatesToken(db, runId)).toBe(second);
    await saveItemState(db, runId, ticked('i2'), T0 + 3);
    expect([first, second, rolledBack]).not.toContain(await itemStatesToken(db, runId));

    await db.prepare('DELETE FROM item_states WHERE run_id = ? AND item_id = ?').run(runId, 'i2');
    expect(await itemStatesToken(db, runId)).not.toBe(null);
    expect([first, second, rolledBack]).not.toContain(await itemStatesToken(db, runId));
  });
});

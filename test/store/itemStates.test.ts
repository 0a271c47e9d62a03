import { describe, expect, it } from 'vitest';
import type { ItemState } from '../../src/domain/run.js';
import { itemStatesToken, listItemStates, saveItemState } from '../../src/store/itemStates.js';
import { addRun, databasePerTest, T0 } from './storeFixtures.js';

const openDb = databasePerTest();

const ticked = (itemId: string, by = 'U0ALICE'): ItemState => ({ itemId, done: true, by, at: T0, waivedReason: null, timerStartedAt: null });

describe('item states', () => {
  it('keeps one state per item: saving again replaces it', () => {
    const db = openDb();
    const runId = addRun(db);
    saveItemState(db, runId, ticked('i1'), T0);
    saveItemState(db, runId, { ...ticked('i1', 'U0BOB'), done: false }, T0 + 1);
    expect(listItemStates(db, runId)).toEqual([{ itemId: 'i1', done: false, by: 'U0BOB', at: T0, waivedReason: null, timerStartedAt: null }]);
  });

  it('lists only the items someone touched, per run', () => {
    const db = openDb();
    const runId = addRun(db);
    const other = addRun(db);
    saveItemState(db, runId, ticked('i1'), T0);
    saveItemState(db, other, ticked('i2'), T0);
    expect(listItemStates(db, runId).map((s) => s.itemId)).toEqual(['i1']);
    expect(listItemStates(db, other).map((s) => s.itemId)).toEqual(['i2']);
  });

  it('keeps a waiver reason and a timer start', () => {
    const db = openDb();
    const runId = addRun(db);
    saveItemState(db, runId, { ...ticked('i1'), waivedReason: 'not needed this time', timerStartedAt: T0 + 5 }, T0);
    expect(listItemStates(db, runId)[0]).toMatchObject({ waivedReason: 'not needed this time', timerStartedAt: T0 + 5 });
  });

  it('refuses a state for a run that does not exist', () => {
    const db = openDb();
    expect(() => saveItemState(db, 999, ticked('i1'), T0)).toThrow(/FOREIGN KEY/);
  });

  it("moves the run's item-state token on every write, and never back to a token of a write rolled back", () => {
    const db = openDb();
    const runId = addRun(db);
    const other = addRun(db);
    expect(itemStatesToken(db, runId)).toBeNull();
    saveItemState(db, runId, ticked('i1'), T0);
    const first = itemStatesToken(db, runId);
    saveItemState(db, runId, { ...ticked('i1'), done: false }, T0 + 1);
    const second = itemStatesToken(db, runId);
    expect(second).not.toBe(first);
    saveItemState(db, other, ticked('i1'), T0);
    expect(itemStatesToken(db, runId)).toBe(second);

    let rolledBack: bigint | null = null;
    expect(() =>
      db.transaction(() => {
        saveItemState(db, runId, ticked('i2'), T0 + 2);
        rolledBack = itemStatesToken(db, runId);
        throw new Error('abandon');
      })(),
    ).toThrow('abandon');
    expect(itemStatesToken(db, runId)).toBe(second);
    saveItemState(db, runId, ticked('i2'), T0 + 3);
    expect([first, second, rolledBack]).not.toContain(itemStatesToken(db, runId));

    db.prepare('DELETE FROM item_states WHERE run_id = ? AND item_id = ?').run(runId, 'i2');
    expect(itemStatesToken(db, runId)).not.toBe(null);
    expect([first, second, rolledBack]).not.toContain(itemStatesToken(db, runId));
  });
});

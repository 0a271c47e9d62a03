import { describe, expect, it } from 'vitest';
import {
  cancelPendingReminders,
  claimDueReminders,
  listClaimedReminders,
  listReminders,
  markReminderSent,
  markReminderSkipped,
  nextPendingDueAt,
  releaseReminder,
  upsertReminders,
  type NewReminder,
} from '../../src/store/reminders.js';
import { addRun, databasePerTest, MINUTE, T0 } from './storeFixtures.js';

const openDb = databasePerTest();

const reminder = (key: string, dueAt: number, kind = 'opens_soon'): NewReminder => ({ key, kind, dueAt, sectionId: 's1' });

describe('reminders', () => {
  it('plans a reminder once: the same key planned again is left as it is', async () => {
    const db = openDb();
    const runId = await addRun(db);
    expect(await upsertReminders(db, runId, [reminder('r1', T0), reminder('r2', T0 + MINUTE)])).toBe(2);
    expect(await upsertReminders(db, runId, [reminder('r1', T0 + 5 * MINUTE), reminder('r3', T0)])).toBe(1);
    expect((await listReminders(db, runId)).find((r) => r.key === 'r1')?.dueAt).toBe(T0);
  });

  it('claims what is due, earliest first, and never hands out the same reminder twice', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await upsertReminders(db, runId, [reminder('late', T0 + MINUTE), reminder('early', T0 - MINUTE), reminder('future', T0 + 10 * MINUTE)]);
    const first = await claimDueReminders(db, T0 + MINUTE);
    expect(first.map((r) => [r.key, r.status])).toEqual([
      ['early', 'claimed'],
      ['late', 'claimed'],
    ]);
    expect(await claimDueReminders(db, T0 + MINUTE)).toEqual([]);
    expect((await listClaimedReminders(db)).map((r) => r.key)).toEqual(['early', 'late']);
  });

  it('claims no more than the limit at once', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await upsertReminders(db, runId, [reminder('a', T0), reminder('b', T0), reminder('c', T0)]);
    expect(await claimDueReminders(db, T0, 2)).toHaveLength(2);
    expect((await claimDueReminders(db, T0, 2)).map((r) => r.key)).toEqual(['c']);
  });

  it('records a sent reminder as late or on time, and a skipped one with why', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await upsertReminders(db, runId, [reminder('sent', T0), reminder('skipped', T0)]);
    const [sent, skipped] = await claimDueReminders(db, T0);
    await markReminderSent(db, sent!.id, T0 + MINUTE, true);
    await markReminderSkipped(db, skipped!.id, 'the moment passed');
    const rows = await listReminders(db, runId);
    expect(rows.find((r) => r.key === 'sent')).toMatchObject({ status: 'sent', sentAt: T0 + MINUTE, late: true });
    expect(rows.find((r) => r.key === 'skipped')).toMatchObject({ status: 'skipped', outcome: 'the moment passed' });
    expect(await listClaimedReminders(db)).toEqual([]);
  });

  it('puts a released reminder back to be claimed again at its new time', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await upsertReminders(db, runId, [reminder('r1', T0)]);
    const [claimed] = await claimDueReminders(db, T0);
    await releaseReminder(db, claimed!.id, T0 + MINUTE, 'slack was down');
    expect(await claimDueReminders(db, T0)).toEqual([]);
    expect((await claimDueReminders(db, T0 + MINUTE)).map((r) => [r.key, r.outcome])).toEqual([['r1', 'slack was down']]);
  });

  it('cancels pending reminders by kind or key, leaving the rest due', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await upsertReminders(db, runId, [reminder('a', T0, 'overdue'), reminder('b', T0, 'opened'), reminder('c', T0, 'opened')]);
    expect(await cancelPendingReminders(db, runId, { kinds: ['overdue'] })).toBe(1);
    expect(await cancelPendingReminders(db, runId, { keys: ['b'] })).toBe(1);
    expect((await claimDueReminders(db, T0)).map((r) => r.key)).toEqual(['c']);
  });

  it('knows when the next pending reminder is due, or that none is', async () => {
    const db = openDb();
    expect(await nextPendingDueAt(db)).toBeNull();
    const runId = await addRun(db);
    await upsertReminders(db, runId, [reminder('a', T0 + MINUTE), reminder('b', T0)]);
    expect(await nextPendingDueAt(db)).toBe(T0);
  });

  it('keeps a notice’s payload as planned', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await upsertReminders(db, runId, [{ key: 'n1', kind: 'notice', dueAt: T0, payload: { text: 'T-0 slipped 15 minutes' } }]);
    expect((await listReminders(db, runId))[0]?.payload).toEqual({ text: 'T-0 slipped 15 minutes' });
  });
});

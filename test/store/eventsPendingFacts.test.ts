import { describe, expect, it } from 'vitest';
import { clearPendingFact, sentFactsNotEmitted } from '../../src/store/eventsOut.js';
import { listReminders, markReminderSent, upsertReminders } from '../../src/store/reminders.js';
import { addRun, databasePerTest, MINUTE, T0 } from './storeFixtures.js';

const openDb = databasePerTest();

async function plannedOpened(db: ReturnType<typeof openDb>, runId: number): Promise<{ openedId: number; nudgeId: number }> {
  await upsertReminders(db, runId, [
    { key: 'r:s0:opened', kind: 'opened', sectionId: 's0', dueAt: T0 },
    { key: 'r:s0:overdue', kind: 'overdue', sectionId: 's0', dueAt: T0 + 30 * MINUTE },
  ]);
  const rows = await listReminders(db, runId);
  return { openedId: rows.find((r) => r.kind === 'opened')!.id, nudgeId: rows.find((r) => r.kind === 'overdue')!.id };
}

describe('facts waiting to become events', () => {
  it('notes a sent "opened" reminder once, and nothing for other reminders or unsent ones', async () => {
    const db = openDb();
    const runId = await addRun(db);
    const { openedId, nudgeId } = await plannedOpened(db, runId);
    expect(await sentFactsNotEmitted(db, 10)).toEqual([]);
    await markReminderSent(db, nudgeId, T0 + 30 * MINUTE, false);
    await markReminderSent(db, openedId, T0 + 1000, false);
    expect(await sentFactsNotEmitted(db, 10)).toEqual([
      { runId, fact: { source: 'opened', id: openedId, at: T0 + 1000, sectionId: 's0', sectionIds: ['s0'] } },
    ]);
    await markReminderSent(db, openedId, T0 + 2000, false);
    expect((await sentFactsNotEmitted(db, 10)).map((f) => f.fact.id)).toEqual([openedId]);
  });

  it('gives every section a shared "opened" announcement named, the first being its own', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await upsertReminders(db, runId, [{ key: 'r:s1+s2:opened', kind: 'opened', sectionId: 's1', dueAt: T0, payload: { sectionIds: ['s1', 's2'] } }]);
    const [opened] = await listReminders(db, runId);
    await markReminderSent(db, opened!.id, T0, false);
    expect((await sentFactsNotEmitted(db, 10)).map((f) => f.fact)).toEqual([
      { source: 'opened', id: opened!.id, at: T0, sectionId: 's1', sectionIds: ['s1', 's2'] },
    ]);
  });

  it('reads a cleared fact no more, so a tick reads only what is new', async () => {
    const db = openDb();
    const runId = await addRun(db);
    const { openedId } = await plannedOpened(db, runId);
    await markReminderSent(db, openedId, T0, false);
    await clearPendingFact(db, 'opened', openedId);
    expect(await sentFactsNotEmitted(db, 10)).toEqual([]);
  });

  it('notes a page trigger once PagerDuty has taken it, not a resolve', async () => {
    const db = openDb();
    const runId = await addRun(db);
    const insert = db.prepare(
      `INSERT INTO pager_outbox (run_id, dedup_key, action, payload_json, status, attempts, next_attempt_at, created_at) VALUES (?, 'k', ?, '{}', 'pending', 0, ?, ?) RETURNING id`,
    );
    const trigger = ((await insert.get(runId, 'trigger', T0, T0)) as { id: number }).id;
    const resolve = ((await insert.get(runId, 'resolve', T0, T0)) as { id: number }).id;
    expect(await sentFactsNotEmitted(db, 10)).toEqual([]);
    await db.prepare(`UPDATE pager_outbox SET status = 'sent', sent_at = ? WHERE id IN (?, ?)`).run(T0 + 500, trigger, resolve);
    expect(await sentFactsNotEmitted(db, 10)).toEqual([{ runId, fact: { source: 'page', id: trigger, at: T0 + 500, summary: 'k' } }]);
  });
});

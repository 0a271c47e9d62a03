import { describe, expect, it } from 'vitest';
import {
  claimDueOutbox,
  enqueuePage,
  enqueueResolve,
  listOutbox,
  markFailed,
  markRetry,
  markSent,
  releaseStaleSending,
  SENDING_LEASE_MS,
  type NewPage,
} from '../../src/store/outbox.js';
import { closeRefusedPage, getPage, listPages, openPages } from '../../src/store/pages.js';
import type { Db } from '../../src/store/db.js';
import { leaseOf } from '../../src/store/leases.js';
import { addRun, databasePerTest, MINUTE, T0 } from './storeFixtures.js';

const openDb = databasePerTest();

function page(runId: number, dedupKey: string, now = T0): NewPage {
  return {
    runId,
    dedupKey,
    reason: 'overdue:s1',
    summary: 'Canary is 15 minutes overdue',
    now,
    payload: {
      routing_key: 'R0UTINGKEY-must-not-be-stored-0000',
      event_action: 'trigger',
      dedup_key: dedupKey,
      payload: { summary: 'Canary is 15 minutes overdue', source: 'deployday', severity: 'critical' },
    },
  };
}

async function withRun(): Promise<{ db: Db; runId: number }> {
  const db = openDb();
  return { db, runId: await addRun(db) };
}

describe('pages and the pager outbox', () => {
  it('opens a page once: a second trigger for an open page queues nothing', async () => {
    const { db, runId } = await withRun();
    expect(await enqueuePage(db, page(runId, 'k1'))).toBe(true);
    expect(await enqueuePage(db, page(runId, 'k1', T0 + MINUTE))).toBe(false);
    expect(await listOutbox(db, 'k1')).toHaveLength(1);
    expect((await openPages(db)).map((p) => p.dedupKey)).toEqual(['k1']);
  });

  it('never stores the routing key', async () => {
    const { db, runId } = await withRun();
    await enqueuePage(db, page(runId, 'k1'));
    expect((await listOutbox(db))[0]?.event).not.toHaveProperty('routing_key');
    expect(JSON.stringify(await db.prepare('SELECT * FROM pager_outbox').all())).not.toContain('R0UTINGKEY');
  });

  it('queues a resolve only for an open page', async () => {
    const { db, runId } = await withRun();
    expect(await enqueueResolve(db, { dedupKey: 'k1', now: T0 })).toBe(false);
    await enqueuePage(db, page(runId, 'k1'));
    expect(await enqueueResolve(db, { dedupKey: 'k1', now: T0 + MINUTE })).toBe(true);
    expect(await getPage(db, 'k1')).toMatchObject({ state: 'resolved', resolvedAt: T0 + MINUTE });
    expect((await listOutbox(db, 'k1')).map((r) => r.action)).toEqual(['trigger', 'resolve']);
  });

  it('claims a row once, counting the attempt', async () => {
    const { db, runId } = await withRun();
    await enqueuePage(db, page(runId, 'k1'));
    const [claimed] = await claimDueOutbox(db, T0, 10);
    expect(claimed).toMatchObject({ dedupKey: 'k1', status: 'sending', attempts: 1 });
    expect(await claimDueOutbox(db, T0, 10)).toEqual([]);
  });

  it('sends a page’s resolve only after its trigger went out', async () => {
    const { db, runId } = await withRun();
    await enqueuePage(db, page(runId, 'k1'));
    await enqueueResolve(db, { dedupKey: 'k1', now: T0 });
    const [trigger] = await claimDueOutbox(db, T0, 10);
    expect(trigger?.action).toBe('trigger');
    expect(await claimDueOutbox(db, T0, 10)).toEqual([]);
    await markSent(db, trigger!.id, T0);
    expect((await claimDueOutbox(db, T0, 10)).map((r) => r.action)).toEqual(['resolve']);
  });

  it('waits until the retry time, then claims the row again', async () => {
    const { db, runId } = await withRun();
    await enqueuePage(db, page(runId, 'k1'));
    const [row] = await claimDueOutbox(db, T0, 10);
    expect(await markRetry(db, row!.id, T0 + MINUTE, 'HTTP 500', 500)).toBe(true);
    expect(await claimDueOutbox(db, T0 + MINUTE - 1, 10)).toEqual([]);
    expect(await claimDueOutbox(db, T0 + MINUTE, 10)).toMatchObject([{ attempts: 2, lastError: 'HTTP 500', lastStatus: 500 }]);
  });

  it('takes over a row a dead worker left sending once its lease ran out', async () => {
    const { db, runId } = await withRun();
    await enqueuePage(db, page(runId, 'k1'));
    // Leases run on the wall clock (store/leases.ts): the test gives each claim its own.
    const at = 1_000_000;
    const [row] = await claimDueOutbox(db, T0, 10, leaseOf('dead-worker', at));
    expect(await claimDueOutbox(db, T0, 10, leaseOf('new-owner', at + SENDING_LEASE_MS - 1))).toEqual([]);
    expect((await claimDueOutbox(db, T0, 10, leaseOf('new-owner', at + SENDING_LEASE_MS + 1))).map((r) => r.id)).toEqual([row!.id]);
    // The worker that outlived its lease cannot overwrite what the new owner records.
    expect(await markRetry(db, row!.id, T0, 'late answer', null, 'dead-worker')).toBe(false);
    expect(await markSent(db, row!.id, T0, 'new-owner')).toBe(true);
  });

  it('releases rows left sending by the previous process at start, due at once', async () => {
    const { db, runId } = await withRun();
    await enqueuePage(db, page(runId, 'k1'));
    await claimDueOutbox(db, T0, 10);
    expect(await releaseStaleSending(db, T0 + 1)).toBe(1);
    expect(await claimDueOutbox(db, T0 + 1, 10)).toMatchObject([{ dedupKey: 'k1', lastError: 'interrupted by a restart while sending' }]);
  });

  it('marks the page failed when PagerDuty refuses its trigger for good, and closes it once the condition clears', async () => {
    const { db, runId } = await withRun();
    await enqueuePage(db, page(runId, 'k1'));
    const [row] = await claimDueOutbox(db, T0, 10);
    expect(await markFailed(db, row!.id, 'HTTP 400', 400)).toBe(true);
    expect((await getPage(db, 'k1'))?.state).toBe('failed');
    expect(await closeRefusedPage(db, { dedupKey: 'k1', now: T0 + MINUTE })).toBe(true);
    expect(await closeRefusedPage(db, { dedupKey: 'k1', now: T0 + MINUTE })).toBe(false);
    expect(await enqueuePage(db, page(runId, 'k1', T0 + 2 * MINUTE))).toBe(true);
    expect((await listPages(db, runId)).map((p) => p.state)).toEqual(['open']);
  });
});

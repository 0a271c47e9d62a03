import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LEASE_MS, leaseOf } from '../../src/store/leases.js';
import { claimDueOutbox, enqueuePage, listOutbox, markRetry, markSent, releaseStaleSending, type NewPage } from '../../src/store/outbox.js';
import {
  claimDueReminders,
  listReminders,
  nextClaimableAt,
  renewReminderLeases,
  takeOverInterruptedReminders,
  upsertReminders,
} from '../../src/store/reminders.js';
import { claimRunMessage, insertRunMessages, listUnsyncedMessages, releaseRunMessage } from '../../src/store/runMessages.js';
import { POSTGRES_START_TIMEOUT } from '../support/postgresDatabase.js';
import { REPLICA_ENGINES, type Replicas } from '../support/storeEngines.js';
import { addRun, T0 } from './storeFixtures.js';

/** Lease times on a wall clock of the test's own. */
const AT = 1_000_000;
const byA = (now = AT) => leaseOf('replica-a', now);
const byB = (now = AT) => leaseOf('replica-b', now);

const page = (runId: number, dedupKey: string): NewPage => ({
  runId,
  dedupKey,
  reason: 'overdue:s1',
  summary: 'Canary is 15 minutes overdue',
  now: T0,
  payload: { event_action: 'trigger', dedup_key: dedupKey, payload: { summary: 'Canary is overdue', source: 'deployday', severity: 'critical' } },
});

describe.each(REPLICA_ENGINES)('leases between two replicas on %s', (engine, open) => {
  let r: Replicas;
  let runId: number;
  beforeAll(async () => {
    r = await open();
    runId = await addRun(r.a);
  }, POSTGRES_START_TIMEOUT);
  afterAll(async () => {
    await r?.close();
  });
  beforeEach(async () => {
    await r.a.exec('DELETE FROM reminders; DELETE FROM pager_outbox; DELETE FROM pages; DELETE FROM run_messages');
  });

  const dueReminders = (...keys: string[]) =>
    upsertReminders(
      r.a,
      runId,
      keys.map((key) => ({ key, kind: 'opens_soon', dueAt: T0, sectionId: 's1' })),
    );

  it('hands a due reminder to one replica: two claiming at once get different rows, and every row once', async () => {
    await dueReminders('r1', 'r2', 'r3', 'r4');
    const [a, b] = await Promise.all([claimDueReminders(r.a, T0, 50, byA()), claimDueReminders(r.b, T0, 50, byB())]);
    const keys = [...a, ...b].map((row) => row.key).sort();
    expect(keys).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(a.every((row) => row.leasedBy === 'replica-a' && row.leaseUntil === AT + LEASE_MS)).toBe(true);
    expect(b.every((row) => row.leasedBy === 'replica-b')).toBe(true);
    // Claimed and leased: the other replica gets nothing while the lease lasts.
    expect(await claimDueReminders(r.b, T0, 50, byB(AT + LEASE_MS - 1))).toEqual([]);
  });

  it('lets another replica claim a reminder whose lease ran out, telling it whose it was so it looks before posting', async () => {
    await dueReminders('r1');
    const [claimed] = await claimDueReminders(r.a, T0, 50, byA());
    expect(claimed?.reclaimedFrom).toBeNull();
    expect(await claimDueReminders(r.b, T0, 50, byB(AT + LEASE_MS - 1))).toEqual([]);
    const taken = await claimDueReminders(r.b, T0, 50, byB(AT + LEASE_MS + 1));
    expect(taken.map((row) => [row.key, row.leasedBy, row.reclaimedFrom])).toEqual([['r1', 'replica-b', 'replica-a']]);
  });

  it('keeps a renewed lease: the other replica cannot claim the row until the renewed lease runs out', async () => {
    await dueReminders('r1');
    const [claimed] = await claimDueReminders(r.a, T0, 50, byA());
    const renewedAt = AT + LEASE_MS / 2;
    expect(await renewReminderLeases(r.a, [claimed!.id], byA(renewedAt))).toBe(1);
    // Only the holder renews.
    expect(await renewReminderLeases(r.b, [claimed!.id], byB(renewedAt))).toBe(0);
    expect(await claimDueReminders(r.b, T0, 50, byB(AT + LEASE_MS + 1))).toEqual([]);
    expect((await claimDueReminders(r.b, T0, 50, byB(renewedAt + LEASE_MS + 1))).map((row) => row.key)).toEqual(['r1']);
  });

  it('tells a replica when it can next take a reminder: the earliest due time, or the earliest lease another replica holds', async () => {
    expect(await nextClaimableAt(r.b, 'replica-b')).toEqual({ dueAt: null, leaseUntil: null });
    await upsertReminders(r.a, runId, [
      { key: 'now', kind: 'opens_soon', dueAt: T0, sectionId: 's1' },
      { key: 'later', kind: 'opened', dueAt: T0 + 60_000, sectionId: 's1' },
    ]);
    expect(await nextClaimableAt(r.b, 'replica-b')).toEqual({ dueAt: T0, leaseUntil: null });
    await claimDueReminders(r.a, T0, 50, byA());
    // B can take A's row when A's lease ends (A dead), and the later one when it falls due.
    expect(await nextClaimableAt(r.b, 'replica-b')).toEqual({ dueAt: T0 + 60_000, leaseUntil: AT + LEASE_MS });
    // A does not wait on its own lease: it renews it while it works.
    expect(await nextClaimableAt(r.a, 'replica-a')).toEqual({ dueAt: T0 + 60_000, leaseUntil: null });
  });

  it('sends a page once: one replica claims its trigger, and one whose lease was taken over cannot record an answer', async () => {
    await enqueuePage(r.a, page(runId, 'k1'));
    const [a, b] = await Promise.all([claimDueOutbox(r.a, T0, 10, byA()), claimDueOutbox(r.b, T0, 10, byB())]);
    expect([...a, ...b]).toHaveLength(1);
    const [holder, other] = a.length === 1 ? [r.a, r.b] : [r.b, r.a];
    const [holderId, otherId] = a.length === 1 ? ['replica-a', 'replica-b'] : ['replica-b', 'replica-a'];
    const id = [...a, ...b][0]!.id;
    // The holder stalls past its lease; the other replica takes the row over and sends it.
    const later = AT + LEASE_MS + 1;
    expect((await claimDueOutbox(other, T0, 10, leaseOf(otherId, later))).map((row) => row.id)).toEqual([id]);
    expect(await markSent(holder, id, T0, holderId)).toBe(false);
    expect(await markRetry(holder, id, T0, 'late answer', null, holderId)).toBe(false);
    expect(await markSent(other, id, T0, otherId)).toBe(true);
    const [row] = await listOutbox(r.a, 'k1');
    expect([row?.status, row?.attempts]).toEqual(['sent', 2]);
    expect(await claimDueOutbox(holder, T0, 10, leaseOf(holderId, later + LEASE_MS))).toEqual([]);
  });

  it('releases at start only what no live replica holds (on SQLite, one process owns the file: everything)', async () => {
    await enqueuePage(r.a, page(runId, 'k1'));
    await dueReminders('r1');
    await claimDueOutbox(r.a, T0, 10, byA());
    await claimDueReminders(r.a, T0, 50, byA());
    const released = await releaseStaleSending(r.b, T0, byB(AT + 1));
    const takenOver = await takeOverInterruptedReminders(r.b, byB(AT + 1));
    if (engine === 'SQLite') {
      expect(released).toBe(1);
      expect(takenOver.map((row) => [row.key, row.reclaimedFrom])).toEqual([['r1', 'replica-a']]);
    } else {
      expect(released).toBe(0);
      expect(takenOver).toEqual([]);
      // Once replica a's lease has run out, its rows are anyone's.
      expect(await releaseStaleSending(r.b, T0, byB(AT + LEASE_MS + 1))).toBe(1);
      expect((await takeOverInterruptedReminders(r.b, byB(AT + LEASE_MS + 1))).map((row) => row.key)).toEqual(['r1']);
    }
    expect((await listReminders(r.a, runId)).map((row) => row.leasedBy)).toEqual(['replica-b']);
  });

  it('lets one replica at a time sync a message, and any replica once the holder lets go or its lease runs out', async () => {
    await insertRunMessages(r.a, runId, 'C0DEPLOY', ['overview']);
    expect(await claimRunMessage(r.a, runId, 'overview', byA())).toBe(true);
    expect(await claimRunMessage(r.b, runId, 'overview', byB())).toBe(false);
    const [held] = await listUnsyncedMessages(r.b);
    expect([held?.leasedBy, held?.leaseUntil]).toEqual(['replica-a', AT + LEASE_MS]);
    await releaseRunMessage(r.a, runId, 'overview', 'replica-a');
    expect(await claimRunMessage(r.b, runId, 'overview', byB())).toBe(true);
    expect(await claimRunMessage(r.a, runId, 'overview', byA(AT + LEASE_MS - 1))).toBe(false);
    expect(await claimRunMessage(r.a, runId, 'overview', byA(AT + LEASE_MS + 1))).toBe(true);
  });
});

describe('claims on two PostgreSQL replicas while one claim is still open', () => {
  let r: Replicas;
  let runId: number;
  beforeAll(async () => {
    r = await REPLICA_ENGINES[1]![1]();
    runId = await addRun(r.a);
  }, POSTGRES_START_TIMEOUT);
  afterAll(async () => {
    await r?.close();
  });

  it('lets the other replica claim the rest at once, skipping the rows the open claim holds', async () => {
    await upsertReminders(
      r.a,
      runId,
      ['r1', 'r2', 'r3', 'r4'].map((key) => ({ key, kind: 'opens_soon', dueAt: T0, sectionId: 's1' })),
    );
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let claimed!: (keys: string[]) => void;
    const aClaimed = new Promise<string[]>((resolve) => (claimed = resolve));
    const a = r.a.tx(async () => {
      claimed((await claimDueReminders(r.a, T0, 2, byA())).map((row) => row.key));
      await held;
    });
    expect(await aClaimed).toEqual(['r1', 'r2']);
    // Replica a has not committed: without SKIP LOCKED replica b would wait for it here.
    expect((await claimDueReminders(r.b, T0, 50, byB())).map((row) => row.key)).toEqual(['r3', 'r4']);
    commit();
    await a;
    expect(await claimDueReminders(r.b, T0, 50, byB())).toEqual([]);
  });
});

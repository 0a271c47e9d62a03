import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LEASE_MS, leaseOf } from '../../src/store/leases.js';
import {
  claimDueRunReports,
  enqueueRunReport,
  findRunReport,
  markRunReportDone,
  markSummaryPosted,
  nextRunReportDue,
  releaseRunReportLeasesAtStart,
  renewRunReportLeases,
} from '../../src/store/runReports.js';
import { POSTGRES_START_TIMEOUT } from '../support/postgresDatabase.js';
import { REPLICA_ENGINES, type Replicas } from '../support/storeEngines.js';
import { addRun, T0 } from './storeFixtures.js';

/** Lease times on a wall clock of the test's own. */
const AT = 1_000_000;
const byA = (now = AT) => leaseOf('replica-a', now);
const byB = (now = AT) => leaseOf('replica-b', now);

describe.each(REPLICA_ENGINES)('run report leases between two replicas on %s', (engine, open) => {
  let r: Replicas;
  let runId: number;
  beforeAll(async () => {
    r = await open();
  }, POSTGRES_START_TIMEOUT);
  afterAll(async () => {
    await r?.close();
  });
  beforeEach(async () => {
    await r.a.exec('DELETE FROM run_reports');
    runId = await addRun(r.a);
    await enqueueRunReport(r.a, runId, T0);
  });

  it('hands a due report to one replica, and to another only once its lease ran out, naming whose it was', async () => {
    const [a, b] = await Promise.all([claimDueRunReports(r.a, T0, 5, byA()), claimDueRunReports(r.b, T0, 5, byB())]);
    expect([...a, ...b].map((row) => row.runId)).toEqual([runId]);
    const holder = a.length === 1 ? 'replica-a' : 'replica-b';
    expect(await claimDueRunReports(r.b, T0, 5, byB(AT + LEASE_MS - 1))).toEqual([]);
    const [taken] = await claimDueRunReports(r.b, T0, 5, leaseOf('replica-c', AT + LEASE_MS + 1));
    expect(taken?.reclaimedFrom).toBe(holder);
  });

  it('keeps a renewed lease, and lets a replica that lost its lease record nothing', async () => {
    await claimDueRunReports(r.a, T0, 5, byA());
    expect(await renewRunReportLeases(r.a, [runId], byA(AT + LEASE_MS - 1))).toBe(1);
    expect(await claimDueRunReports(r.b, T0, 5, byB(AT + LEASE_MS + 1))).toEqual([]);
    expect(await claimDueRunReports(r.b, T0, 5, byB(AT + 2 * LEASE_MS))).toHaveLength(1);
    expect(await markSummaryPosted(r.a, runId, '1.000100', 'replica-a')).toBe(false);
    expect(await markRunReportDone(r.a, runId, 'posted', T0, null, 'replica-a')).toBe(false);
    expect(await markSummaryPosted(r.b, runId, '1.000200', 'replica-b')).toBe(true);
    expect(await markRunReportDone(r.b, runId, 'posted', T0, null, 'replica-b')).toBe(true);
    expect(await findRunReport(r.a, runId)).toMatchObject({ status: 'posted', summaryTs: '1.000200' });
  });

  it('says when another replica’s live lease runs out, so a replica not told about the report looks then', async () => {
    await claimDueRunReports(r.a, T0, 5, byA());
    expect(await nextRunReportDue(r.b, AT + 1)).toEqual({ due: null, leaseUntil: AT + LEASE_MS });
    expect(await nextRunReportDue(r.b, AT + LEASE_MS + 1)).toEqual({ due: T0, leaseUntil: null });
  });

  it('frees at start what the previous process held on SQLite only (on PostgreSQL a live replica may hold it)', async () => {
    await claimDueRunReports(r.a, T0, 5, leaseOf('replica-old', Date.now()));
    expect(await releaseRunReportLeasesAtStart(r.b, leaseOf('replica-new', Date.now()))).toBe(engine === 'SQLite' ? 1 : 0);
  });
});

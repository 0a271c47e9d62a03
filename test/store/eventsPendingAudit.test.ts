/**
 * Events out without an audit cursor (migrations/019_events_pending_audit.sql): a trigger notes
 * each audit row that can be an event as it is written; the collector reads and clears those. On
 * PostgreSQL ids are handed out at INSERT and seen at COMMIT, so a row with a lower id can commit
 * after a higher one has been collected: a cursor skipped it (test/store/postgresClaims.test.ts);
 * the pending rows do not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/store/audit.js';
import type { Db } from '../../src/store/db.js';
import { clearPendingAudit, EVENT_ACTIONS, pendingAuditFacts, takeCollectorTurn } from '../../src/store/eventsOut.js';
import { POSTGRES_START_TIMEOUT } from '../support/postgresDatabase.js';
import { ENGINES, REPLICA_ENGINES, type Replicas } from '../support/storeEngines.js';
import { addRun, T0 } from './storeFixtures.js';

const collectAll = async (db: Db): Promise<number[]> => {
  const facts = await pendingAuditFacts(db, 100);
  for (const { fact } of facts) await clearPendingAudit(db, fact.id);
  return facts.map(({ fact }) => fact.id);
};

describe.each(ENGINES)('audit rows waiting to become events on $name', (engine) => {
  let db: Db;
  let runId: number;
  beforeAll(async () => {
    db = await engine.open();
    runId = await addRun(db);
  }, POSTGRES_START_TIMEOUT);
  afterAll(async () => {
    await db?.close();
  });

  it('notes every audit action that can be an event, and no other', async () => {
    await collectAll(db);
    const noted: number[] = [];
    for (const action of EVENT_ACTIONS) noted.push(await appendAudit(db, { runId, at: T0, actor: 'U0LEAD', action }));
    await appendAudit(db, { runId, at: T0, actor: 'U0LEAD', action: 'item.tick' });
    await appendAudit(db, { runId: null, at: T0, actor: 'U0LEAD', action: 'run.start' });
    const facts = await pendingAuditFacts(db, 100);
    expect(facts.map(({ fact }) => fact.id)).toEqual(noted);
    expect(facts.every((f) => f.runId === runId)).toBe(true);
    expect(await collectAll(db)).toEqual(noted);
    expect(await pendingAuditFacts(db, 100)).toEqual([]);
  });
});

const openPostgresReplicas = REPLICA_ENGINES.find(([name]) => name === 'PostgreSQL')![1];

describe('events out collectors on two PostgreSQL replicas', () => {
  let replicas: Replicas;
  let runId: number;
  beforeAll(async () => {
    replicas = await openPostgresReplicas();
    runId = await addRun(replicas.a);
  }, POSTGRES_START_TIMEOUT);
  afterAll(async () => {
    await replicas?.close();
  });

  it('still collects an audit row that commits after a later id was collected', async () => {
    const { a, b } = replicas;
    await collectAll(a);
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let slowId = 0;
    let written!: () => void;
    const slowWritten = new Promise<void>((resolve) => (written = resolve));
    const slow = b.tx(async () => {
      slowId = await appendAudit(b, { runId, at: T0, actor: 'U0SLOW', action: 'gate.go' });
      written();
      await held;
    });
    await slowWritten;
    const quickId = await appendAudit(a, { runId, at: T0, actor: 'U0QUICK', action: 'gate.go' });
    expect(slowId).toBeLessThan(quickId);
    expect(await collectAll(a)).toEqual([quickId]);
    commit();
    await slow;
    expect(await collectAll(a)).toEqual([slowId]);
  });

  it('lets one replica collect at a time: the other skips its turn', async () => {
    const { a, b } = replicas;
    let done!: () => void;
    const held = new Promise<void>((resolve) => (done = resolve));
    let taken!: () => void;
    const aHasTurn = new Promise<void>((resolve) => (taken = resolve));
    const first = a.tx(async () => {
      expect(await takeCollectorTurn(a)).toBe(true);
      taken();
      await held;
    });
    await aHasTurn;
    expect(await b.tx(() => takeCollectorTurn(b))).toBe(false);
    done();
    await first;
    expect(await b.tx(() => takeCollectorTurn(b))).toBe(true);
  });
});

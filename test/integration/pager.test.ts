import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTriggerEvent, dedupKeyFor, type PageEvent } from '../../src/domain/pageEvent.js';
import { backoffDelayMs, createOutboxWorker, type OutboxWorker } from '../../src/jobs/outboxWorker.js';
import { eventsServerOf } from '../../src/pager/pagerDutyAnswers.js';
import { createPagerDutyClient, type PagerDutyClient, type PagerLogger, type SendResult } from '../../src/pager/pagerDutyClient.js';
import { createDryRunPager } from '../../src/pager/dryRunPager.js';
import { createPagerDutyPager } from '../../src/pager/pagerDutyPager.js';
import { createPageOutbox } from '../../src/service/pageOutbox.js';
import { type Db, prepared } from '../../src/store/db.js';
import { leaseOf } from '../../src/store/leases.js';
import {
  claimDueOutbox,
  enqueuePage,
  enqueueResolve,
  listOutbox,
  markFailed,
  markSent,
  releaseStaleSending,
  SENDING_LEASE_MS,
  type OutboxRow,
} from '../../src/store/outbox.js';
import { closeRefusedPage, getPage, listPages, openPages } from '../../src/store/pages.js';
import { assertTestCaTrusted, startFakePagerDuty, type FakePagerDuty } from '../support/fakePagerDuty.js';
import { openTestDatabase } from '../support/testDatabase.js';

const ROUTING_KEY = 'Q7pX2mK9vL4nR8sT1wY6zA3bC5dE0fG2';
const OTHER_KEY = 'ZZZZ2mK9vL4nR8sT1wY6zA3bC5dE0fZZ';
const API_TOKEN = 'u+fakeRestToken-abc123';
const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);
/** Small and without jitter, so the clock moves by known amounts. */
/** A delay PagerDuty's answer never outlasts in a test: whatever returned meanwhile did not wait for it. */
const NEVER_MS = 10 * 60_000;
const TEST_BACKOFF = { baseMs: 1000, maxMs: 8000, jitter: 0 };

/** A database with the real migrations, all of them, on the run's engine (testDatabase.ts); the same one again for the same path. */
function migratedDb(path = ':memory:'): Promise<Db> {
  return openTestDatabase(path);
}

function captureLogger(): { logger: PagerLogger; lines: string[] } {
  const lines: string[] = [];
  const at =
    (level: string) =>
    (...msg: unknown[]) =>
      lines.push(`${level} ${msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ')}`);
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

function pageInput(runId: number, reason: string, now: number) {
  const dedupKey = dedupKeyFor(runId, reason);
  const summary = `Run #${runId}: ${reason}`;
  const payload: PageEvent = buildTriggerEvent({ routingKey: ROUTING_KEY, dedupKey, summary, source: 'deployday', severity: 'critical' });
  return { runId, dedupKey, reason, summary, payload, now };
}

const enqueueRequests = (fake: FakePagerDuty) => fake.requests.filter((r) => r.path === '/v2/enqueue');

beforeAll(assertTestCaTrusted);

describe('pager outbox store', () => {
  let db: Db;
  beforeEach(async () => {
    db = await migratedDb();
  });
  afterEach(() => db.close());

  it('queues a trigger only once while its page is open, and a resolve only for an open page', async () => {
    const page = pageInput(12, 'overdue:s3', T0);
    expect(await enqueueResolve(db, { dedupKey: page.dedupKey, now: T0 })).toBe(false);
    expect(await enqueuePage(db, page)).toBe(true);
    expect(await enqueuePage(db, { ...page, now: T0 + 1 })).toBe(false);
    expect((await openPages(db)).map((p) => p.dedupKey)).toEqual([page.dedupKey]);

    expect(await enqueueResolve(db, { dedupKey: page.dedupKey, now: T0 + 5 })).toBe(true);
    expect(await enqueueResolve(db, { dedupKey: page.dedupKey, now: T0 + 6 })).toBe(false);
    expect(await openPages(db)).toEqual([]);
    expect(await listPages(db, 12)).toEqual([
      {
        dedupKey: page.dedupKey,
        runId: 12,
        reason: 'overdue:s3',
        state: 'resolved',
        summary: 'Run #12: overdue:s3',
        openedAt: T0,
        resolvedAt: T0 + 5,
        requestedBy: null,
        channelId: null,
        requestText: null,
        teamId: null,
      },
    ]);
    expect((await listOutbox(db)).map((r) => [r.action, r.status, r.runId])).toEqual([
      ['trigger', 'pending', 12],
      ['resolve', 'pending', 12],
    ]);

    // Resolved, it can be raised again: a new incident.
    expect(await enqueuePage(db, { ...page, now: T0 + 10 })).toBe(true);
    expect((await getPage(db, page.dedupKey))?.state).toBe('open');
  });

  it('stores the event without its routing key', async () => {
    await enqueuePage(db, pageInput(1, 'gate:no-go', T0));
    const stored = ((await prepared(db, 'SELECT payload_json FROM pager_outbox').all()) as Array<{ payload_json: string }>).map(
      (r) => r.payload_json,
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]).not.toContain(ROUTING_KEY);
    expect(JSON.parse(stored[0] ?? '{}')).not.toHaveProperty('routing_key');
  });

  it('claims a resolve only after its trigger is sent, and one row per dedup key per claim', async () => {
    const a = pageInput(1, 'a', T0);
    const b = pageInput(1, 'b', T0);
    await enqueuePage(db, a);
    await enqueueResolve(db, { dedupKey: a.dedupKey, now: T0 });
    await enqueuePage(db, b);

    const first = await claimDueOutbox(db, T0, 10);
    expect(first.map((r) => [r.dedupKey, r.action, r.attempts])).toEqual([
      [a.dedupKey, 'trigger', 1],
      [b.dedupKey, 'trigger', 1],
    ]);
    expect(await claimDueOutbox(db, T0, 10)).toEqual([]);
    await markSent(db, first[0]!.id, T0);
    expect((await claimDueOutbox(db, T0, 10)).map((r) => [r.dedupKey, r.action])).toEqual([[a.dedupKey, 'resolve']]);
  });

  it('does not claim a row before its next attempt time', async () => {
    await enqueuePage(db, pageInput(1, 'later', T0 + 1000));
    expect(await claimDueOutbox(db, T0, 10)).toEqual([]);
    expect(await claimDueOutbox(db, T0 + 1000, 10)).toHaveLength(1);
  });

  it('claims a row left sending again only once its lease ran out', async () => {
    // Leases run on the wall clock (store/leases.ts), not the bot's: each claim here says when it is.
    const at = 1_000_000;
    await enqueuePage(db, pageInput(1, 'crash', T0));
    expect(await claimDueOutbox(db, T0, 10, leaseOf('crashed', at))).toHaveLength(1);
    expect(await claimDueOutbox(db, T0, 10, leaseOf('other', at + SENDING_LEASE_MS - 1))).toEqual([]);
    const again = await claimDueOutbox(db, T0, 10, leaseOf('other', at + SENDING_LEASE_MS + 1));
    expect(again.map((r) => r.attempts)).toEqual([2]);
  });

  it('releases rows a stopped worker left sending so they are due at once, leaving other rows alone', async () => {
    const crashed = pageInput(1, 'crashed', T0);
    const later = pageInput(1, 'later', T0 + 60_000);
    // The stopped worker's lease (wall clock, store/leases.ts) ran out long ago: on PostgreSQL only an
    // expired lease is released (a live replica may hold the row); SQLite's one process releases any.
    const stopped = leaseOf('stopped-worker', 1_000_000);
    await enqueuePage(db, crashed);
    expect(await claimDueOutbox(db, T0, 10, stopped)).toHaveLength(1);
    await enqueuePage(db, later);

    expect(await releaseStaleSending(db, T0 + 5_000)).toBe(1);
    expect((await listOutbox(db)).map((r) => [r.dedupKey, r.status, r.nextAttemptAt, r.claimedAt])).toEqual([
      [crashed.dedupKey, 'pending', T0 + 5_000, null],
      [later.dedupKey, 'pending', T0 + 60_000, null],
    ]);
    // The released row is claimed again (by a worker that stops too); its first attempt still counts.
    expect((await claimDueOutbox(db, T0 + 5_000, 10, stopped)).map((r) => [r.dedupKey, r.attempts])).toEqual([[crashed.dedupKey, 2]]);
    expect(await releaseStaleSending(db, T0 + 6_000)).toBe(1);
    expect(await releaseStaleSending(db, T0 + 6_000)).toBe(0);
  });

  it('lets a page PagerDuty refused be raised again', async () => {
    const page = pageInput(4, 'refused', T0);
    await enqueuePage(db, page);
    const [row] = await claimDueOutbox(db, T0, 10);
    expect(await markFailed(db, row!.id, 'PagerDuty refused the event (400)', 400)).toBe(true);
    expect((await getPage(db, page.dedupKey))?.state).toBe('failed');
    expect(await enqueuePage(db, { ...page, now: T0 + 1 })).toBe(true);
  });

  it('closes a refused page without queuing anything, and only a refused one', async () => {
    const refused = pageInput(4, 'refused-then-cleared', T0);
    const open = pageInput(4, 'still-open', T0);
    await enqueuePage(db, refused);
    await enqueuePage(db, open);
    const [row] = await claimDueOutbox(db, T0, 1);
    await markFailed(db, row!.id, 'PagerDuty refused the event (400)', 400);

    expect(await closeRefusedPage(db, { dedupKey: open.dedupKey, now: T0 + 1 })).toBe(false);
    expect(await closeRefusedPage(db, { dedupKey: refused.dedupKey, now: T0 + 2 })).toBe(true);
    expect(await closeRefusedPage(db, { dedupKey: refused.dedupKey, now: T0 + 3 })).toBe(false);
    expect((await listPages(db, 4)).map((p) => [p.reason, p.state, p.resolvedAt])).toEqual([
      ['refused-then-cleared', 'resolved', T0 + 2],
      ['still-open', 'open', null],
    ]);
    expect((await listOutbox(db)).map((r) => r.action)).toEqual(['trigger', 'trigger']);
  });

  it('rolls a queued page back with the caller transaction that decided it', async () => {
    const page = pageInput(5, 'rollback', T0);
    await expect(
      db.tx(async () => {
        await enqueuePage(db, page);
        throw new Error('the change that caused the page failed');
      }),
    ).rejects.toThrow('the change that caused the page failed');
    expect(await listOutbox(db)).toEqual([]);
    expect(await getPage(db, page.dedupKey)).toBeNull();
  });
});

describe('backoffDelayMs', () => {
  const policy = { baseMs: 1000, maxMs: 300_000, jitter: 0 };

  it('doubles from one second and stops at five minutes', () => {
    expect([1, 2, 3, 4, 9, 10, 50].map((n) => backoffDelayMs(n, policy))).toEqual([1000, 2000, 4000, 8000, 256_000, 300_000, 300_000]);
  });

  it('spreads the wait over its random share', () => {
    const withJitter = { ...policy, jitter: 0.5 };
    expect(backoffDelayMs(3, { ...withJitter, random: () => 0 })).toBe(2000);
    expect(backoffDelayMs(3, { ...withJitter, random: () => 0.999999 })).toBe(4000);
  });

  it('waits at least as long as Retry-After asks', () => {
    expect(backoffDelayMs(1, policy, 30_000)).toBe(30_000);
    expect(backoffDelayMs(5, policy, 500)).toBe(16_000);
  });
});

describe('PagerDuty client against the fake', () => {
  let fake: FakePagerDuty;
  let client: PagerDutyClient;
  /** The same client with a 300 ms bound, for the tests of that bound. */
  let quickClient: PagerDutyClient;
  let log: ReturnType<typeof captureLogger>;

  beforeEach(async () => {
    fake = await startFakePagerDuty({ routingKey: ROUTING_KEY, apiToken: API_TOKEN });
    log = captureLogger();
    const options = {
      routingKey: ROUTING_KEY,
      eventsUrl: fake.eventsUrl,
      apiToken: API_TOKEN,
      apiUrl: fake.apiUrl,
      rateLimitPauseMs: 20,
      logger: log.logger,
    };
    // Room for a few TLS round trips on a busy machine (four 429s in one send): only the bound's own tests use 300 ms.
    client = createPagerDutyClient({ ...options, timeoutMs: 5_000 });
    quickClient = createPagerDutyClient({ ...options, timeoutMs: 300 });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('sends an event over HTTPS and reports 202 with the dedup key', async () => {
    const page = pageInput(3, 'overdue:s1', T0);
    await expect(client.sendEvent(page.payload)).resolves.toEqual({ ok: true, status: 202, dedupKey: page.dedupKey });
    expect(fake.alerts.get(page.dedupKey)).toMatchObject({ status: 'triggered', summary: 'Run #3: overdue:s1', severity: 'critical' });
    expect(fake.requests[0]?.headers['content-type']).toMatch(/^application\/json/);
  });

  it('reports PagerDuty refusing an event as not retryable, with its reasons', async () => {
    const result = await client.sendEvent({ ...pageInput(3, 'x', T0).payload, routing_key: OTHER_KEY });
    expect(result).toEqual({
      ok: false,
      retryable: false,
      status: 400,
      error: "PagerDuty refused the event (400): Event object is invalid: 'routing_key' is not a known integration key",
    });
  });

  it('reports a 5xx and a dropped connection as retryable', async () => {
    fake.failNext(1, { status: 503 });
    fake.failNext(1, { refuse: true });
    const payload = pageInput(3, 'x', T0).payload;
    expect(await client.sendEvent(payload)).toMatchObject({ ok: false, retryable: true, status: 503 });
    const dropped = await client.sendEvent(payload);
    expect(dropped).toMatchObject({ ok: false, retryable: true });
    expect(dropped.ok === false && dropped.status).toBe(undefined);
  });

  it('bounds a call to a PagerDuty that answers too late by timeoutMs', async () => {
    fake.failNext(1, { delayMs: NEVER_MS });
    const result = await quickClient.sendEvent(pageInput(3, 'slow', T0).payload);
    expect(fake.answersHeld, 'the result came before PagerDuty’s answer').toBe(1);
    expect(result).toEqual({ ok: false, retryable: true, error: 'timed out after 300 ms' });
  });

  it('lists who is on call, sorted by escalation level, asking with the API token', async () => {
    fake.setOncalls([
      {
        escalationPolicyId: 'PEP1',
        level: 2,
        userName: 'Bruno Costa',
        userEmail: 'bruno@example.com',
        scheduleName: 'Secondary',
        end: '2026-01-16T09:00:00Z',
      },
      {
        escalationPolicyId: 'PEP1',
        level: 1,
        userName: 'Ana Lima',
        userEmail: 'ana@example.com',
        scheduleName: 'Primary',
        end: '2026-01-15T17:00:00Z',
      },
      { escalationPolicyId: 'PEP1', level: 3, userName: 'Dana Reyes' },
      { escalationPolicyId: 'POTHER', level: 1, userName: 'Not Asked For' },
    ]);
    expect(await client.listOncalls('PEP1')).toEqual([
      { level: 1, userName: 'Ana Lima', userEmail: 'ana@example.com', scheduleName: 'Primary', until: Date.UTC(2026, 0, 15, 17) },
      { level: 2, userName: 'Bruno Costa', userEmail: 'bruno@example.com', scheduleName: 'Secondary', until: Date.UTC(2026, 0, 16, 9) },
      { level: 3, userName: 'Dana Reyes' },
    ]);
    const request = fake.requests.at(-1)!;
    expect(request.headers.authorization).toBe(`Token token=${API_TOKEN}`);
    expect(request.query.getAll('escalation_policy_ids[]')).toEqual(['PEP1']);
    expect(request.query.get('earliest')).toBe('true');
  });

  it('asks PagerDuty again on every on-call lookup', async () => {
    fake.setOncalls([{ level: 1, userName: 'Ana Lima' }]);
    await client.listOncalls('PEP1');
    fake.setOncalls([{ level: 1, userName: 'Chen Wei' }]);
    expect((await client.listOncalls('PEP1')).map((l) => l.userName)).toEqual(['Chen Wei']);
  });

  it('fails the on-call lookup with a clear error, not the token, when PagerDuty answers 401', async () => {
    const options = { routingKey: null, eventsUrl: fake.eventsUrl, apiToken: 'not-the-token', apiUrl: fake.apiUrl, logger: log.logger };
    const wrong = createPagerDutyClient(options);
    await expect(wrong.listOncalls('PEP1')).rejects.toThrow('PagerDuty REST /oncalls answered 401: Authentication required');
    // The Pager port never throws: it answers what to tell the person who asked.
    const result = await createPagerDutyPager(options).whoIsOnCall('PEP1');
    expect(result).toEqual({ ok: false, error: 'PagerDuty REST /oncalls answered 401: Authentication required' });
    expect(log.lines.join('\n')).not.toContain('not-the-token');
  });

  it('bounds the on-call lookup by timeoutMs too', async () => {
    fake.failNext(1, { delayMs: NEVER_MS });
    await expect(quickClient.listOncalls('PEP1')).rejects.toThrow('PagerDuty REST /oncalls timed out after 300 ms');
    expect(fake.answersHeld, 'the error came before PagerDuty’s answer').toBe(1);
  });

  it('does not call PagerDuty for on-call without an API token', async () => {
    const noToken = createPagerDutyClient({ routingKey: null, eventsUrl: fake.eventsUrl, apiUrl: fake.apiUrl, logger: log.logger });
    await expect(noToken.listOncalls('PEP1')).rejects.toThrow('PAGERDUTY_API_TOKEN');
    expect(fake.requests).toEqual([]);
  });

  it('lets pdjs absorb a lone 429 with its short pause, so the caller sees only the answer after it', async () => {
    fake.failNext(1, { status: 429, retryAfter: '30' });
    const page = pageInput(3, 'throttled-once', T0);
    await expect(client.sendEvent(page.payload)).resolves.toEqual({ ok: true, status: 202, dedupKey: page.dedupKey });
    expect(enqueueRequests(fake).map((r) => r.outcome)).toEqual([429, 202]);
  });

  it('reports a 429 once pdjs has re-sent three times, with the last answer’s Retry-After', async () => {
    fake.failNext(4, { status: 429, retryAfter: '7' });
    const result = await client.sendEvent(pageInput(3, 'throttled', T0).payload);
    expect(result).toMatchObject({ ok: false, retryable: true, status: 429, retryAfterMs: 7000 });
    expect(enqueueRequests(fake).map((r) => r.outcome)).toEqual([429, 429, 429, 429]);
  });

  it('bounds a send by timeoutMs even while pdjs waits between 429 re-sends', async () => {
    const slowPause = createPagerDutyClient({
      routingKey: ROUTING_KEY,
      eventsUrl: fake.eventsUrl,
      apiUrl: fake.apiUrl,
      timeoutMs: 300,
      rateLimitPauseMs: 2000,
      logger: log.logger,
    });
    fake.failNext(4, { status: 429 });
    const result = await slowPause.sendEvent(pageInput(3, 'paused', T0).payload);
    // Four 429s with 2 s pauses between them: only the first was sent before the 300 ms ran out.
    expect(enqueueRequests(fake), 'the send gave up during the first pause').toHaveLength(1);
    expect(result).toEqual({ ok: false, retryable: true, error: 'timed out after 300 ms' });
    expect(enqueueRequests(fake)).toHaveLength(1);
  });

  it('treats an answer whose body is not JSON as retryable, since pdjs loses its status', async () => {
    const tls = new URL('../fixtures/tls/', import.meta.url);
    const proxy = createHttpsServer(
      { cert: readFileSync(new URL('server.crt', tls)), key: readFileSync(new URL('server.key', tls)) },
      (_req, res) => {
        res.writeHead(502, { 'Content-Type': 'text/html' });
        res.end('<html><body>Bad gateway</body></html>');
      },
    );
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (proxy.address() as AddressInfo).port;
      const viaProxy = createPagerDutyClient({
        routingKey: ROUTING_KEY,
        eventsUrl: `https://127.0.0.1:${port}`,
        apiUrl: fake.apiUrl,
        timeoutMs: 1000,
        logger: log.logger,
      });
      const result = await viaProxy.sendEvent(pageInput(3, 'proxy', T0).payload);
      expect(result).toMatchObject({ ok: false, retryable: true });
      expect(result.ok === false && result.error).toMatch(/not JSON/);
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('sends events to the host and port of eventsUrl, and refuses a path pdjs would drop', () => {
    expect(eventsServerOf('https://events.pagerduty.com')).toBe('events.pagerduty.com');
    expect(eventsServerOf('https://127.0.0.1:8443/')).toBe('127.0.0.1:8443');
    expect(() => eventsServerOf('https://proxy.example/pagerduty')).toThrow('eventsUrl must be an origin with no path (PAGERDUTY_EVENTS_URL)');
    expect(() => eventsServerOf('https://events.example/?x=1')).toThrow('without a query');
    expect(() => createPagerDutyClient({ routingKey: null, eventsUrl: 'https://proxy.example/pd', apiUrl: fake.apiUrl, logger: log.logger })).toThrow(
      '/pd',
    );
  });

  it('refuses URLs that are not https', () => {
    expect(() => createPagerDutyClient({ routingKey: null, eventsUrl: 'http://events.example', apiUrl: fake.apiUrl, logger: log.logger })).toThrow(
      'eventsUrl must be an https:// URL',
    );
  });
});

describe('the Pager port', () => {
  let fake: FakePagerDuty;
  let log: ReturnType<typeof captureLogger>;
  beforeEach(async () => {
    fake = await startFakePagerDuty({ routingKey: ROUTING_KEY, apiToken: API_TOKEN });
    log = captureLogger();
  });
  afterEach(async () => {
    await fake.close();
  });
  const pagerDuty = (routingKey: string | null = ROUTING_KEY) =>
    createPagerDutyPager({ routingKey, eventsUrl: fake.eventsUrl, apiToken: API_TOKEN, apiUrl: fake.apiUrl, timeoutMs: 2000, logger: log.logger });

  it('adds its routing key to a trigger and its resolve, so PagerDuty opens and closes one incident', async () => {
    const { payload, dedupKey } = pageInput(4, 'overdue:s1', T0);
    const { routing_key: _key, ...unrouted } = payload;
    const pager = pagerDuty();
    await expect(pager.trigger(unrouted)).resolves.toMatchObject({ ok: true, status: 202 });
    await expect(pager.resolve(dedupKey)).resolves.toMatchObject({ ok: true, status: 202 });
    expect(fake.alerts.get(dedupKey)?.status).toBe('resolved');
    expect(fake.incidentsOpened).toBe(1);
  });

  it('sends a change event to the change endpoint, which opens no incident', async () => {
    const result = await pagerDuty().change({ summary: 'Deploy run #4 started', source: 'deployday', at: T0 });
    expect(result).toMatchObject({ ok: true, status: 202 });
    expect(fake.changes).toEqual([{ summary: 'Deploy run #4 started', timestamp: new Date(T0).toISOString() }]);
    expect(fake.requests.map((r) => r.path)).toEqual(['/v2/change/enqueue']);
    expect(fake.incidentsOpened).toBe(0);
  });

  it('refuses to send anything without a routing key, and says why, while on-call lookups still work', async () => {
    const pager = pagerDuty(null);
    expect(pager.canPage).toBe(false);
    expect(await pager.resolve('deployday:run-1:x')).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringContaining('PAGERDUTY_ROUTING_KEY'),
    });
    fake.setOncalls([{ level: 1, userName: 'Ana Lima' }]);
    expect(await pager.whoIsOnCall('PEP1')).toMatchObject({ ok: true, levels: [{ level: 1, userName: 'Ana Lima' }] });
    expect(fake.requests.map((r) => r.path)).toEqual(['/oncalls']);
  });

  it('the dry-run pager accepts every event without a request and asks nobody who is on call', async () => {
    const pager = createDryRunPager();
    const { payload, dedupKey } = pageInput(5, 'x', T0);
    expect(pager.canPage).toBe(true);
    expect(await pager.trigger(payload)).toEqual({ ok: true, status: 202, dedupKey });
    expect(await pager.resolve(dedupKey)).toEqual({ ok: true, status: 202, dedupKey });
    expect(await pager.whoIsOnCall('PEP1')).toMatchObject({ ok: false });
    expect(fake.requests).toEqual([]);
  });
});

describe('outbox worker against the fake PagerDuty', () => {
  let fake: FakePagerDuty;
  let db: Db;
  let clock: number;
  let log: ReturnType<typeof captureLogger>;
  let results: Array<{ row: OutboxRow; result: SendResult }>;
  let workers: OutboxWorker[];
  let tmp: string | null;

  const makeClient = (timeoutMs = 2000) =>
    createPagerDutyClient({
      routingKey: ROUTING_KEY,
      eventsUrl: fake.eventsUrl,
      apiToken: API_TOKEN,
      apiUrl: fake.apiUrl,
      timeoutMs,
      rateLimitPauseMs: 20,
      logger: log.logger,
    });

  const makeWorker = (overrides: { db?: Db; routingKey?: string; timeoutMs?: number; intervalMs?: number } = {}) => {
    const worker = createOutboxWorker({
      outbox: createPageOutbox(overrides.db ?? db),
      pager: createPagerDutyPager({
        routingKey: overrides.routingKey ?? ROUTING_KEY,
        eventsUrl: fake.eventsUrl,
        apiUrl: fake.apiUrl,
        logger: log.logger,
        client: makeClient(overrides.timeoutMs),
      }),
      now: () => clock,
      logger: log.logger,
      onResult: (row, result) => void results.push({ row, result }),
      backoff: TEST_BACKOFF,
      ...(overrides.intervalMs !== undefined ? { intervalMs: overrides.intervalMs } : {}),
    });
    workers.push(worker);
    return worker;
  };

  beforeEach(async () => {
    fake = await startFakePagerDuty({ routingKey: ROUTING_KEY, apiToken: API_TOKEN });
    db = await migratedDb();
    clock = T0;
    log = captureLogger();
    results = [];
    workers = [];
    tmp = null;
  });
  afterEach(async () => {
    for (const w of workers) await w.stop();
    await db.close();
    await fake.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('delivers a page and then its resolve', async () => {
    const worker = makeWorker();
    const page = pageInput(12, 'overdue:s3', T0);
    await enqueuePage(db, page);
    await worker.tick();
    expect(fake.alerts.get(page.dedupKey)?.status).toBe('triggered');
    expect((await listOutbox(db)).map((r) => [r.status, r.lastStatus, r.sentAt])).toEqual([['sent', 202, T0]]);

    clock += 60_000;
    await enqueueResolve(db, { dedupKey: page.dedupKey, now: clock });
    await worker.tick();
    expect(fake.alerts.get(page.dedupKey)?.status).toBe('resolved');
    expect(fake.incidentsOpened).toBe(1);
    expect(results.map((r) => [r.row.action, r.result.ok])).toEqual([
      ['trigger', true],
      ['resolve', true],
    ]);
  });

  it('sends a trigger and its resolve queued together in order, one per tick', async () => {
    const worker = makeWorker();
    const page = pageInput(12, 'quick', T0);
    await enqueuePage(db, page);
    await enqueueResolve(db, { dedupKey: page.dedupKey, now: T0 });
    await worker.tick();
    await worker.tick();
    expect(fake.alerts.get(page.dedupKey)?.events.map((e) => e.action)).toEqual(['trigger', 'resolve']);
  });

  it('rides out 500s and refused connections: once PagerDuty is back, the page is delivered as one incident', async () => {
    const worker = makeWorker();
    const page = pageInput(7, 'gate:no-go', T0);
    await enqueuePage(db, page);

    fake.failNext(2, { status: 500 });
    await worker.tick();
    expect((await listOutbox(db))[0]).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500, nextAttemptAt: T0 + 1000 });
    clock += 1000;
    await worker.tick();
    expect((await listOutbox(db))[0]).toMatchObject({ status: 'pending', attempts: 2, lastStatus: 500, nextAttemptAt: T0 + 1000 + 2000 });

    await fake.setDown(true);
    clock += 2000;
    await worker.tick();
    const whileDown = (await listOutbox(db))[0]!;
    expect(whileDown).toMatchObject({ status: 'pending', attempts: 3, lastStatus: null, nextAttemptAt: clock + 4000 });
    expect(whileDown.lastError).toMatch(/ECONNREFUSED/);

    // Not yet due: nothing is sent even though PagerDuty is back.
    await fake.setDown(false);
    clock += 3999;
    await worker.tick();
    expect((await listOutbox(db))[0]?.attempts).toBe(3);

    clock += 1;
    await worker.tick();
    expect((await listOutbox(db))[0]).toMatchObject({ status: 'sent', attempts: 4 });
    expect(fake.incidentsOpened).toBe(1);
    expect(fake.alerts.get(page.dedupKey)?.events).toHaveLength(1);
    expect(results.map((r) => r.result.ok)).toEqual([false, false, false, true]);

    clock += 600_000;
    await worker.tick();
    expect(enqueueRequests(fake)).toHaveLength(3); // two 500s, one success; the refused attempt never arrived
  });

  it('a new worker on the same database file delivers a page the old one left queued, exactly once', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'deployday-pager-'));
    const path = join(tmp, 'pager.db');
    const first = await migratedDb(path);
    const page = pageInput(9, 'overdue:s2', T0);
    await enqueuePage(first, page);
    const oldWorker = makeWorker({ db: first });
    await fake.setDown(true);
    await oldWorker.tick();
    await oldWorker.stop();
    await first.close();
    await fake.setDown(false);

    clock += 1000;
    const second = await migratedDb(path);
    try {
      const newWorker = makeWorker({ db: second });
      await newWorker.tick();
      await newWorker.tick();
      clock += 600_000;
      await newWorker.tick();
      expect(enqueueRequests(fake)).toHaveLength(1);
      expect(fake.incidentsOpened).toBe(1);
      expect((await listOutbox(second))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    } finally {
      await second.close();
    }
  });

  it('re-sends a row a crash left in sending, after its lease, and it is still one incident', async () => {
    const page = pageInput(2, 'overdue:s4', T0);
    await enqueuePage(db, page);
    // The crashed worker (another replica): claimed the row and reached PagerDuty, but died before marking it.
    const [claimed] = await claimDueOutbox(db, T0, 10, leaseOf('crashed-replica'));
    expect(await makeClient().sendEvent({ ...claimed!.event, routing_key: ROUTING_KEY })).toMatchObject({ ok: true });

    const worker = makeWorker();
    clock = T0 + 60_000;
    await worker.tick();
    expect((await listOutbox(db))[0]?.status).toBe('sending');
    expect(enqueueRequests(fake)).toHaveLength(1);

    // Its lease runs out (on the wall clock: 15 s after its claim, as a dead replica renews nothing).
    await prepared(db, 'UPDATE pager_outbox SET lease_until = ?').run(Date.now() - 1);
    await worker.tick();
    expect((await listOutbox(db))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(enqueueRequests(fake)).toHaveLength(2);
    expect(fake.incidentsOpened).toBe(1);
  });

  it('marks an event PagerDuty refuses (400) failed, reports it through onResult, and never retries it', async () => {
    const worker = makeWorker({ routingKey: OTHER_KEY });
    const page = pageInput(6, 'bad-key', T0);
    await enqueuePage(db, page);
    await worker.tick();

    expect((await listOutbox(db))[0]).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 400 });
    expect((await listOutbox(db))[0]?.lastError).toContain("'routing_key' is not a known integration key");
    expect(results).toHaveLength(1);
    expect(results[0]?.row.dedupKey).toBe(page.dedupKey);
    expect(results[0]?.result).toMatchObject({ ok: false, retryable: false, status: 400 });
    expect(log.lines.some((l) => l.startsWith('error pager outbox: PagerDuty refused the event'))).toBe(true);
    expect((await getPage(db, page.dedupKey))?.state).toBe('failed');

    clock += 3_600_000;
    await worker.tick();
    expect(enqueueRequests(fake)).toHaveLength(1);
    expect(fake.incidentsOpened).toBe(0);
  });

  it('fails an event PagerDuty would refuse without sending it', async () => {
    const worker = makeWorker({ routingKey: 'too-short' });
    await enqueuePage(db, pageInput(6, 'short-key', T0));
    await worker.tick();
    expect(fake.requests).toEqual([]);
    expect((await listOutbox(db))[0]).toMatchObject({ status: 'failed', lastStatus: null });
    expect(results[0]?.result).toEqual({ ok: false, retryable: false, error: 'invalid event: routing_key must be 32 characters (got 9 characters)' });
  });

  it('honours Retry-After on a 429 that outlasts pdjs’s own re-sends', async () => {
    const worker = makeWorker();
    await enqueuePage(db, pageInput(8, 'throttled', T0));
    // pdjs re-sends a 429 three times after its short pause; the worker sees the fourth answer.
    fake.failNext(4, { status: 429, retryAfter: '30' });
    await worker.tick();
    expect(enqueueRequests(fake)).toHaveLength(4);
    expect((await listOutbox(db))[0]).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 429, nextAttemptAt: T0 + 30_000 });
    expect(results[0]?.result).toMatchObject({ ok: false, retryable: true, status: 429, retryAfterMs: 30_000 });

    clock = T0 + 29_999;
    await worker.tick();
    expect(enqueueRequests(fake)).toHaveLength(4);
    clock = T0 + 30_000;
    await worker.tick();
    expect((await listOutbox(db))[0]?.status).toBe('sent');
    expect(enqueueRequests(fake)).toHaveLength(5);
  });

  it('bounds a send PagerDuty answers too late, retries it, and still opens one incident', async () => {
    const worker = makeWorker({ timeoutMs: 250 });
    const page = pageInput(10, 'slow-pd', T0);
    await enqueuePage(db, page);
    fake.failNext(1, { delayMs: NEVER_MS });
    await worker.tick();
    expect(fake.answersHeld, 'the tick ended before PagerDuty’s answer').toBe(1);
    expect((await listOutbox(db))[0]).toMatchObject({ status: 'pending', lastError: 'timed out after 250 ms', lastStatus: null });

    clock += 1000;
    // The retry gets the usual bound: 250 ms is tight for an HTTPS round trip on a busy machine.
    await makeWorker().tick();
    expect((await listOutbox(db))[0]?.status).toBe('sent');
    // The slow answer was processed by PagerDuty all the same; the retry joined the same alert.
    expect(fake.alerts.get(page.dedupKey)?.events).toHaveLength(2);
    expect(fake.incidentsOpened).toBe(1);
  });

  it('stop() waits for the tick in flight, and ticks after it do nothing', async () => {
    const worker = makeWorker({ timeoutMs: 2000 });
    await enqueuePage(db, pageInput(11, 'stop', T0));
    fake.failNext(1, { delayMs: 300 });
    const ticking = worker.tick();
    await new Promise((r) => setTimeout(r, 50));
    await worker.stop();
    expect((await listOutbox(db))[0]?.status).toBe('sent');
    await ticking;

    await enqueuePage(db, pageInput(11, 'after-stop', T0));
    await worker.tick();
    expect(enqueueRequests(fake)).toHaveLength(1);
  });

  it('runs a tick asked for during a tick right after it, so a page queued meanwhile goes out', async () => {
    const worker = makeWorker();
    await enqueuePage(db, pageInput(13, 'first', T0));
    fake.failNext(1, { delayMs: 200 });
    const firstTick = worker.tick();
    await new Promise((r) => setTimeout(r, 50));
    await enqueuePage(db, pageInput(13, 'second', T0));
    await worker.tick();
    await firstTick;
    expect((await listOutbox(db)).map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('ticks on its own once started', async () => {
    const worker = makeWorker({ intervalMs: 20 });
    await enqueuePage(db, pageInput(14, 'timer', T0));
    worker.start();
    await expect.poll(async () => (await listOutbox(db))[0]?.status, { timeout: 2000, interval: 20 }).toBe('sent');
  });

  it('never lets the routing key into a log line, an error, onResult or the database', async () => {
    const worker = makeWorker({ timeoutMs: 250 });
    await enqueuePage(db, pageInput(15, 'a', T0));
    await enqueuePage(db, pageInput(15, 'b', T0));
    await enqueuePage(db, pageInput(15, 'c', T0));
    fake.failNext(1, { status: 500 });
    fake.failNext(1, { refuse: true });
    fake.failNext(1, { delayMs: 1000 });
    await worker.tick();
    // The sends that should succeed get the usual bound: 250 ms is tight for an HTTPS round trip on a busy machine.
    const steady = makeWorker();
    clock += 10_000;
    await steady.tick();
    await enqueueResolve(db, { dedupKey: dedupKeyFor(15, 'a'), now: clock });
    await steady.tick();
    await fake.setDown(true);
    await enqueuePage(db, pageInput(15, 'd', clock));
    await steady.tick();
    await fake.setDown(false);
    const refused = makeWorker({ routingKey: OTHER_KEY });
    await enqueuePage(db, pageInput(15, 'e', clock));
    clock += 60_000;
    await refused.tick();

    // The run produced every kind of outcome, and PagerDuty did get the key.
    expect(new Set(results.map((r) => (r.result.ok ? 'ok' : r.result.retryable ? 'retry' : 'failed')))).toEqual(new Set(['ok', 'retry', 'failed']));
    expect(fake.requests.some((r) => r.body.includes(ROUTING_KEY))).toBe(true);

    expect(log.lines.length).toBeGreaterThan(5);
    for (const line of log.lines) {
      expect(line).not.toContain(ROUTING_KEY);
      expect(line).not.toContain(OTHER_KEY);
    }
    expect(JSON.stringify(results)).not.toContain(ROUTING_KEY);
    const dump =
      JSON.stringify(await prepared(db, 'SELECT * FROM pager_outbox').all()) + JSON.stringify(await prepared(db, 'SELECT * FROM pages').all());
    expect(dump).not.toContain(ROUTING_KEY);
    expect(dump).not.toContain(OTHER_KEY);
  });
});

import { prepared, type Db } from './db.js';
import { leasedOutbox, SENDING_LEASE_MS } from './leasedOutbox.js';
import { leaseOf, type Lease } from './leases.js';
import { withoutRoutingKey, type PageEvent, type UnroutedPageEvent } from '../domain/pageEvent.js';

/**
 * The PagerDuty outbox (pager_outbox), and the opening and resolving of pages that go with
 * its rows (reads of the pages table are in pages.ts); see migrations/003_pager.sql. Every function is synchronous and safe to call inside a
 * caller's transaction (better-sqlite3 nests them as savepoints), so a page can be queued
 * atomically with the change that caused it.
 */

export type OutboxAction = 'trigger' | 'resolve';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export { SENDING_LEASE_MS };

/** A page's events go out one at a time and in order: the dedup key is the page. */
const pagerOutbox = leasedOutbox({ table: 'pager_outbox', readyStatus: 'pending', inOrderPer: 'dedup_key' });

export interface OutboxRow {
  id: number;
  runId: number | null;
  dedupKey: string;
  action: OutboxAction;
  /** Without routing_key; the worker adds it at send time. */
  event: UnroutedPageEvent;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  claimedAt: number | null;
  lastError: string | null;
  lastStatus: number | null;
  createdAt: number;
  sentAt: number | null;
}

interface OutboxDbRow {
  id: number;
  run_id: number | null;
  dedup_key: string;
  action: OutboxAction;
  payload_json: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: number;
  claimed_at: number | null;
  last_error: string | null;
  last_status: number | null;
  created_at: number;
  sent_at: number | null;
}

const toOutboxRow = (r: OutboxDbRow): OutboxRow => ({
  id: r.id,
  runId: r.run_id,
  dedupKey: r.dedup_key,
  action: r.action,
  event: JSON.parse(r.payload_json) as UnroutedPageEvent,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  claimedAt: r.claimed_at,
  lastError: r.last_error,
  lastStatus: r.last_status,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});

export interface NewPage {
  runId: number | null;
  dedupKey: string;
  /** Why the bot pages, e.g. `overdue:s3`; kept for the audit and the channel. */
  reason: string;
  summary: string;
  /** A trigger event (buildTriggerEvent); any routing_key on it is dropped before storing. */
  payload: PageEvent | UnroutedPageEvent;
  now: number;
  /** For a page asked for by hand: who asked, where and what they wrote (the rate limit reads them). */
  request?: { userId: string; channelId: string; text: string };
}

/**
 * Opens a page and queues its trigger. Returns false, queuing nothing, when a page with
 * this dedup key is already open: PagerDuty would fold a second trigger into the same
 * incident anyway, and the bot would announce the page twice.
 */
export async function enqueuePage(db: Db, page: NewPage): Promise<boolean> {
  const event = withoutRoutingKey(page.payload);
  if (event.event_action !== 'trigger') throw new Error(`enqueuePage needs a trigger event, got ${event.event_action}`);
  if (event.dedup_key !== page.dedupKey) throw new Error('enqueuePage: the event dedup_key differs from dedupKey');
  return await db.tx(async (): Promise<boolean> => {
    // One statement checks and opens, so two evaluations at once (two connections or replicas on
    // PostgreSQL, where a read then a write would let both through) open the page once.
    const opened = await prepared(
      db,
      `INSERT INTO pages (dedup_key, run_id, reason, state, summary, opened_at, resolved_at, requested_by, channel_id, request_text)
       VALUES (@dedupKey, @runId, @reason, 'open', @summary, @now, NULL, @requestedBy, @channelId, @requestText)
       ON CONFLICT (dedup_key) DO UPDATE SET
         run_id = excluded.run_id, reason = excluded.reason, state = 'open',
         summary = excluded.summary, opened_at = excluded.opened_at, resolved_at = NULL,
         requested_by = excluded.requested_by, channel_id = excluded.channel_id, request_text = excluded.request_text
       WHERE pages.state <> 'open'
       RETURNING dedup_key`,
    ).get({
      dedupKey: page.dedupKey,
      runId: page.runId,
      reason: page.reason,
      summary: page.summary,
      now: page.now,
      requestedBy: page.request?.userId ?? null,
      channelId: page.request?.channelId ?? null,
      requestText: page.request?.text ?? null,
    });
    if (!opened) return false;
    await insertOutbox(db, page.runId, page.dedupKey, 'trigger', event, page.now);
    return true;
  });
}

/** Marks an open page resolved and queues its resolve. Returns false when no page with this key is open. */
export async function enqueueResolve(db: Db, input: { dedupKey: string; now: number }): Promise<boolean> {
  return await db.tx(async (): Promise<boolean> => {
    // One statement checks and resolves: two evaluations at once resolve the page, and queue its resolve, once.
    const page = (await prepared(
      db,
      `UPDATE pages SET state = 'resolved', resolved_at = ? WHERE dedup_key = ? AND state = 'open' RETURNING run_id`,
    ).get(input.now, input.dedupKey)) as { run_id: number | null } | undefined;
    if (!page) return false;
    await insertOutbox(db, page.run_id, input.dedupKey, 'resolve', { event_action: 'resolve', dedup_key: input.dedupKey }, input.now);
    return true;
  });
}

async function insertOutbox(
  db: Db,
  runId: number | null,
  dedupKey: string,
  action: OutboxAction,
  event: UnroutedPageEvent,
  now: number,
): Promise<void> {
  await prepared(
    db,
    `INSERT INTO pager_outbox (run_id, dedup_key, action, payload_json, status, attempts, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`,
  ).run(runId, dedupKey, action, JSON.stringify(event), now, now);
}

/**
 * Claims up to `limit` due rows (see LeasedOutbox.claimDue). A row is never claimed while an
 * earlier row for the same dedup key is unfinished, so a page's events go out one at a time and
 * in order (its trigger before its resolve), and one claim holds at most one row per dedup key.
 * Returned in id order.
 */
export async function claimDueOutbox(db: Db, now: number, limit: number, lease?: Lease): Promise<OutboxRow[]> {
  return ((await pagerOutbox.claimDue(db, now, limit, lease)) as OutboxDbRow[]).map(toOutboxRow);
}

/**
 * At start: rows left 'sending' by a worker that died are due at once (see
 * LeasedOutbox.releaseSending: on PostgreSQL only those whose lease ran out); the dedup key makes
 * a re-send of an event PagerDuty did get the same incident. Returns the rows released.
 */
export async function releaseStaleSending(db: Db, now: number, lease?: Lease): Promise<number> {
  return await pagerOutbox.releaseSending(db, now, lease);
}

/** Extends `lease.by`'s lease on rows it is sending; returns how many it still holds. */
export async function renewSendingLeases(db: Db, ids: readonly number[], lease: Lease = leaseOf()): Promise<number> {
  return await pagerOutbox.renew(db, ids, lease);
}

/** PagerDuty answers an accepted event with 202. */
export async function markSent(db: Db, id: number, now: number, by?: string): Promise<boolean> {
  return await pagerOutbox.markSent(db, id, now, 202, by);
}

/** Puts the row back to wait until nextAttemptAt. */
export async function markRetry(
  db: Db,
  id: number,
  nextAttemptAt: number,
  error: string,
  status: number | null = null,
  by?: string,
): Promise<boolean> {
  return await pagerOutbox.markRetry(db, id, nextAttemptAt, error, status, by);
}

/**
 * Gives up on a row PagerDuty will never accept. A refused trigger also marks its page
 * 'failed' (it never opened at PagerDuty), so a later page for the same key can be queued,
 * unless a newer trigger for that key is already queued.
 */
export async function markFailed(db: Db, id: number, error: string, status: number | null = null, by?: string): Promise<boolean> {
  return await db.tx(async (): Promise<boolean> => {
    const row = (await prepared(db, 'SELECT dedup_key, action FROM pager_outbox WHERE id = ?').get(id)) as
      | { dedup_key: string; action: OutboxAction }
      | undefined;
    if (!row || !(await pagerOutbox.markFailed(db, id, error, status, by))) return false;
    if (row.action === 'trigger') {
      await prepared(
        db,
        `UPDATE pages SET state = 'failed'
         WHERE dedup_key = @key AND state = 'open'
           AND NOT EXISTS (SELECT 1 FROM pager_outbox WHERE dedup_key = @key AND action = 'trigger' AND id > @id)`,
      ).run({ key: row.dedup_key, id });
    }
    return true;
  });
}

/** Outbox rows, oldest first, optionally for one dedup key: for diagnostics and `/deploy status`. */
export async function listOutbox(db: Db, dedupKey?: string): Promise<OutboxRow[]> {
  const rows =
    dedupKey === undefined
      ? await prepared(db, 'SELECT * FROM pager_outbox ORDER BY id').all()
      : await prepared(db, 'SELECT * FROM pager_outbox WHERE dedup_key = ? ORDER BY id').all(dedupKey);
  return (rows as OutboxDbRow[]).map(toOutboxRow);
}

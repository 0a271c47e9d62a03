import { AUDIT_COLUMNS, toAuditEntry, type AuditDbRow } from './audit.js';
import { prepared, type Db } from './db.js';
import { leasedOutbox } from './leasedOutbox.js';
import { leaseOf, type Lease } from './leases.js';
import { reminderPayloadOf, sectionIdsOf } from './reminders.js';
import type { EventFact } from '../domain/outboundEvent.js';

/**
 * Tables of migrations/012_events_out.sql: what has been emitted (events_emitted) and the
 * per-destination deliveries (events_outbox); the facts waiting to become events are noted by
 * triggers (016 events_pending_facts, 019 events_pending_audit). events_cursor's 'audit' row no
 * longer moves: it is the collectors' turn (takeCollectorTurn).
 * The service calls the collect half inside one transaction.
 */

export type EventsOutStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** Each destination gets its events one at a time and in order. */
const deliveries = leasedOutbox({ table: 'events_outbox', readyStatus: 'pending', inOrderPer: 'destination' });

export interface EventsOutRow {
  id: number;
  eventId: string;
  runId: number | null;
  destination: string;
  secretEnv: string | null;
  payload: Record<string, unknown>;
  status: EventsOutStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  sentAt: number | null;
}

interface DbRow {
  id: number;
  event_id: string;
  run_id: number | null;
  destination: string;
  secret_env: string | null;
  payload_json: string;
  status: EventsOutStatus;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  sent_at: number | null;
}

const toRow = (r: DbRow): EventsOutRow => ({
  id: r.id,
  eventId: r.event_id,
  runId: r.run_id,
  destination: r.destination,
  secretEnv: r.secret_env,
  payload: JSON.parse(r.payload_json) as Record<string, unknown>,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  sentAt: r.sent_at,
});

/**
 * The audit actions that can be events; the rest (ticks, roles, denials) are never noted. The
 * trigger of migrations/019_events_pending_audit.sql lists the same (a test keeps them equal).
 */
export const EVENT_ACTIONS: readonly string[] = [
  'run.start',
  'gate.go',
  'gate.no_go',
  'run.rollback',
  'run.complete',
  'run.abort',
  'run.rolled_back',
];

/**
 * Takes the collector's turn for this transaction: one replica collects at a time, and a replica
 * that finds another collecting skips its turn (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's
 * single writer already serialises). Call inside the collector's transaction; false means skip.
 */
export async function takeCollectorTurn(db: Db): Promise<boolean> {
  return (await prepared(db, `SELECT name FROM events_cursor WHERE name = 'audit'${db.skipLocked}`).get()) !== undefined;
}

/**
 * Audit rows that can be events and are not yet collected, by id, with the run they belong to:
 * the rows the trigger of migration 019 noted as they were written. Not a cursor: on PostgreSQL a
 * row with a lower id can commit after a higher one was collected, and it is still here then.
 */
export async function pendingAuditFacts(db: Db, limit: number): Promise<Array<{ runId: number; fact: EventFact }>> {
  const rows = (await prepared(
    db,
    `SELECT ${AUDIT_COLUMNS} FROM audit WHERE id IN (SELECT id FROM events_pending_audit ORDER BY id LIMIT ?) ORDER BY id`,
  ).all(limit)) as AuditDbRow[];
  return rows.map((r) => {
    const { runId, ...entry } = toAuditEntry(r);
    // The trigger notes only rows with a run.
    return { runId: runId as number, fact: { source: 'audit', ...entry } };
  });
}

/** A noted audit row has been handled (turned into an event, or found to need none). */
export async function clearPendingAudit(db: Db, id: number): Promise<void> {
  await prepared(db, 'DELETE FROM events_pending_audit WHERE id = ?').run(id);
}

/**
 * Sent "opened" reminders and accepted page triggers not yet emitted, oldest first: the facts the
 * triggers of migration 016 noted in events_pending_facts, so a tick reads only what is new.
 */
export async function sentFactsNotEmitted(db: Db, limit: number): Promise<Array<{ runId: number; fact: EventFact }>> {
  const opened = (await prepared(
    db,
    `SELECT r.id, r.run_id, COALESCE(r.sent_at, r.due_at) AS at, r.section_id, r.payload_json
     FROM events_pending_facts f JOIN reminders r ON r.id = f.id
     WHERE f.source = 'opened' ORDER BY f.id LIMIT ?`,
  ).all(limit)) as Array<{ id: number; run_id: number; at: number; section_id: string; payload_json: string | null }>;
  const pages = (await prepared(
    db,
    `SELECT o.id, o.run_id, COALESCE(o.sent_at, o.created_at) AS at, COALESCE(p.summary, o.dedup_key) AS summary
     FROM events_pending_facts f JOIN pager_outbox o ON o.id = f.id LEFT JOIN pages p ON p.dedup_key = o.dedup_key
     WHERE f.source = 'page' ORDER BY f.id LIMIT ?`,
  ).all(limit)) as Array<{ id: number; run_id: number; at: number; summary: string }>;
  return [
    ...opened.map((r) => {
      const sectionIds = sectionIdsOf({ sectionId: r.section_id, payload: reminderPayloadOf(r.payload_json) });
      return { runId: r.run_id, fact: { source: 'opened', id: r.id, at: r.at, sectionId: r.section_id, sectionIds } as EventFact };
    }),
    ...pages.map((r) => ({ runId: r.run_id, fact: { source: 'page', id: r.id, at: r.at, summary: r.summary } as EventFact })),
  ];
}

/** A noted fact has been handled (turned into an event, or found to need none). */
export async function clearPendingFact(db: Db, source: 'opened' | 'page', id: number): Promise<void> {
  await prepared(db, 'DELETE FROM events_pending_facts WHERE source = ? AND id = ?').run(source, id);
}

/** Records an event as emitted; false when it already was (nothing else should then be queued). */
export async function markEmitted(db: Db, event: { id: string; runId: number; type: string; at: number }): Promise<boolean> {
  return (
    (
      await prepared(db, `INSERT INTO events_emitted (event_id, run_id, type, at) VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`).run(
        event.id,
        event.runId,
        event.type,
        event.at,
      )
    ).changes === 1
  );
}

export async function insertDelivery(
  db: Db,
  d: { eventId: string; runId: number; destination: string; secretEnv: string | null; payload: Record<string, unknown>; now: number },
): Promise<void> {
  await prepared(
    db,
    `INSERT INTO events_outbox (event_id, run_id, destination, secret_env, payload_json, status, attempts, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (event_id, destination) DO NOTHING`,
  ).run(d.eventId, d.runId, d.destination, d.secretEnv, JSON.stringify(d.payload), d.now, d.now);
}

/**
 * Claims due rows (see LeasedOutbox.claimDue). A row waits while an earlier row for the same
 * destination is unfinished, so each receiver gets its events in order and one at a time.
 */
export async function claimDueDeliveries(db: Db, now: number, limit: number, lease?: Lease): Promise<EventsOutRow[]> {
  return ((await deliveries.claimDue(db, now, limit, lease)) as DbRow[]).map(toRow);
}

/** At start: rows a worker that died left mid-send are due now (LeasedOutbox.releaseSending). */
export async function releaseSendingDeliveries(db: Db, now: number, lease?: Lease): Promise<number> {
  return await deliveries.releaseSending(db, now, lease);
}

/** Extends `lease.by`'s lease on deliveries it is sending; returns how many it still holds. */
export async function renewDeliveryLeases(db: Db, ids: readonly number[], lease: Lease = leaseOf()): Promise<number> {
  return await deliveries.renew(db, ids, lease);
}

export async function markDeliverySent(db: Db, id: number, now: number, status: number, by?: string): Promise<boolean> {
  return await deliveries.markSent(db, id, now, status, by);
}

export async function markDeliveryRetry(
  db: Db,
  id: number,
  nextAttemptAt: number,
  error: string,
  status: number | null,
  by?: string,
): Promise<boolean> {
  return await deliveries.markRetry(db, id, nextAttemptAt, error, status, by);
}

export async function markDeliveryFailed(db: Db, id: number, error: string, status: number | null, by?: string): Promise<boolean> {
  return await deliveries.markFailed(db, id, error, status, by);
}

export async function listDeliveries(db: Db): Promise<EventsOutRow[]> {
  return ((await prepared(db, 'SELECT * FROM events_outbox ORDER BY id').all()) as DbRow[]).map(toRow);
}

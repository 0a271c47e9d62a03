import type { ProtectionAnswer, ProtectionDecision, ProtectionRequest } from '../domain/githubProtection.js';
import type { GateDeployment } from '../domain/run.js';
import { prepared, type Db } from './db.js';
import { leasedOutbox } from './leasedOutbox.js';
import { leaseOf, type Lease } from './leases.js';

/**
 * Table of migrations/013_github_protection.sql: GitHub deployments waiting on a run's gate, and
 * the answer owed to each (the callback's outbox). Plain SQL; the service calls these inside its
 * transactions.
 */

export type ProtectionStatus = 'waiting' | 'queued' | 'sending' | 'sent' | 'failed';

/** The callbacks' outbox: 'pending' would be ambiguous here ('waiting' is a row with no answer yet), so ready rows are 'queued'. */
const callbacks = leasedOutbox({ table: 'github_protections', readyStatus: 'queued' });

export interface ProtectionRow {
  id: number;
  deliveryId: string;
  runId: number | null;
  gateItemId: string | null;
  gateKey: string | null;
  repository: string;
  environment: string;
  deploymentId: number;
  installationId: number;
  callbackUrl: string;
  status: ProtectionStatus;
  decision: ProtectionDecision | null;
  answer: ProtectionAnswer | null;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

interface DbRow {
  id: number;
  delivery_id: string;
  run_id: number | null;
  gate_item_id: string | null;
  gate_key: string | null;
  repository: string;
  environment: string;
  deployment_id: number;
  installation_id: number;
  callback_url: string;
  status: ProtectionStatus;
  decision: ProtectionDecision | null;
  answer_json: string | null;
  attempts: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

const toRow = (r: DbRow): ProtectionRow => ({
  id: r.id,
  deliveryId: r.delivery_id,
  runId: r.run_id,
  gateItemId: r.gate_item_id,
  gateKey: r.gate_key,
  repository: r.repository,
  environment: r.environment,
  deploymentId: r.deployment_id,
  installationId: r.installation_id,
  callbackUrl: r.callback_url,
  status: r.status,
  decision: r.decision,
  answer: r.answer_json ? (JSON.parse(r.answer_json) as ProtectionAnswer) : null,
  attempts: r.attempts,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});

/** True when this delivery id, or this deployment's request, was taken before (a replay). */
export async function protectionSeen(db: Db, deliveryId: string, request: ProtectionRequest): Promise<boolean> {
  return (
    (await prepared(
      db,
      'SELECT 1 FROM github_protections WHERE delivery_id = ? OR (deployment_id = ? AND environment = ? AND callback_url = ?) LIMIT 1',
    ).get(deliveryId, request.deploymentId, request.environment, request.callbackUrl)) !== undefined
  );
}

/** Inserts a request; `answer` set → queued for its callback now, else waiting on the gate. Returns the id. */
export async function insertProtection(
  db: Db,
  p: {
    deliveryId: string;
    request: ProtectionRequest;
    runId: number | null;
    gateItemId: string | null;
    gateKey: string | null;
    answer: ProtectionAnswer | null;
    decision: ProtectionDecision | null;
    now: number;
  },
): Promise<number> {
  const { request: r } = p;
  const row = (await prepared(
    db,
    `INSERT INTO github_protections (delivery_id, run_id, gate_item_id, gate_key, repository, environment, deployment_id, installation_id,
       callback_url, status, decision, answer_json, next_attempt_at, created_at, decided_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  ).get(
    p.deliveryId,
    p.runId,
    p.gateItemId,
    p.gateKey,
    r.repository,
    r.environment,
    r.deploymentId,
    r.installationId,
    r.callbackUrl,
    p.answer ? 'queued' : 'waiting',
    p.decision,
    p.answer ? JSON.stringify(p.answer) : null,
    p.answer ? p.now : null,
    p.now,
    p.answer ? p.now : null,
  )) as { id: number };
  return row.id;
}

export async function waitingProtections(db: Db): Promise<ProtectionRow[]> {
  return ((await prepared(db, `SELECT * FROM github_protections WHERE status = 'waiting' ORDER BY id`).all()) as DbRow[]).map(toRow);
}

/** Fixes the answer of a waiting row (only once: the row must still be waiting). */
export async function decideProtection(db: Db, id: number, decision: ProtectionDecision, answer: ProtectionAnswer, now: number): Promise<boolean> {
  return (
    (
      await prepared(
        db,
        `UPDATE github_protections SET status = 'queued', decision = ?, answer_json = ?, decided_at = ?, next_attempt_at = ? WHERE id = ? AND status = 'waiting'`,
      ).run(decision, JSON.stringify(answer), now, now, id)
    ).changes === 1
  );
}

/** Claims due callbacks (see LeasedOutbox.claimDue); each deployment's answer is independent. */
export async function claimDueProtections(db: Db, now: number, limit: number, lease?: Lease): Promise<ProtectionRow[]> {
  return ((await callbacks.claimDue(db, now, limit, lease)) as DbRow[]).map(toRow);
}

/** Extends `lease.by`'s lease on callbacks it is sending; returns how many it still holds. */
export async function renewProtectionLeases(db: Db, ids: readonly number[], lease: Lease = leaseOf()): Promise<number> {
  return await callbacks.renew(db, ids, lease);
}

export async function markProtectionSent(db: Db, id: number, now: number, status: number, by?: string): Promise<boolean> {
  return await callbacks.markSent(db, id, now, status, by);
}

export async function markProtectionRetry(
  db: Db,
  id: number,
  nextAttemptAt: number,
  error: string,
  status: number | null,
  by?: string,
): Promise<boolean> {
  return await callbacks.markRetry(db, id, nextAttemptAt, error, status, by);
}

export async function markProtectionFailed(db: Db, id: number, error: string, status: number | null, by?: string): Promise<boolean> {
  return await callbacks.markFailed(db, id, error, status, by);
}

/** At start: callbacks a worker that died left mid-send are due now (LeasedOutbox.releaseSending). */
export async function releaseSendingProtections(db: Db, now: number, lease?: Lease): Promise<number> {
  return await callbacks.releaseSending(db, now, lease);
}

export async function protectionsOfRun(db: Db, runId: number): Promise<ProtectionRow[]> {
  return ((await prepared(db, 'SELECT * FROM github_protections WHERE run_id = ? ORDER BY id').all(runId)) as DbRow[]).map(toRow);
}

/** What a run's gate messages show of the deployments attached to them. */
export async function gateDeployments(db: Db, runId: number): Promise<GateDeployment[]> {
  return (await prepared(
    db,
    'SELECT gate_item_id AS gateItemId, repository, environment, status, decision FROM github_protections WHERE run_id = ? AND gate_item_id IS NOT NULL ORDER BY id',
  ).all(runId)) as GateDeployment[];
}

export async function listProtections(db: Db): Promise<ProtectionRow[]> {
  return ((await prepared(db, 'SELECT * FROM github_protections ORDER BY id').all()) as DbRow[]).map(toRow);
}

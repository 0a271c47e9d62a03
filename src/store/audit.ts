import type { AuditEntry } from '../domain/auditEntry.js';
import { prepared, type Db } from './db.js';

export type { AuditEntry };

/**
 * Appends one entry. The table refuses updates and deletes (see migrations/001_core.sql). The row
 * carries its workspace: `teamId` when given (a refusal with no run), else the run's.
 */
export async function appendAudit(
  db: Db,
  entry: {
    runId: number | null;
    at: number;
    actor: string;
    action: string;
    target?: string | null;
    detail?: Record<string, unknown>;
    teamId?: string | null;
  },
): Promise<number> {
  const row = (await prepared(
    db,
    `INSERT INTO audit (run_id, at, actor, action, target, detail_json, team_id)
       VALUES (?, ?, ?, ?, ?, ?, COALESCE(?, (SELECT team_id FROM runs WHERE id = ?))) RETURNING id`,
  ).get(
    entry.runId,
    entry.at,
    entry.actor,
    entry.action,
    entry.target ?? null,
    entry.detail ? JSON.stringify(entry.detail) : null,
    entry.teamId ?? null,
    entry.runId,
  )) as { id: number };
  return row.id;
}

/** An audit row as selected by AUDIT_COLUMNS. */
export interface AuditDbRow {
  id: number;
  run_id: number | null;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  detail_json: string | null;
}

/** The columns toAuditEntry reads, for every query that returns audit entries. */
export const AUDIT_COLUMNS = 'id, run_id, at, actor, action, target, detail_json';

export const toAuditEntry = (r: AuditDbRow): AuditEntry => ({
  id: r.id,
  runId: r.run_id,
  at: r.at,
  actor: r.actor,
  action: r.action,
  target: r.target,
  detail: r.detail_json ? (JSON.parse(r.detail_json) as Record<string, unknown>) : null,
});

export async function listAudit(db: Db, runId: number): Promise<AuditEntry[]> {
  return ((await prepared(db, `SELECT ${AUDIT_COLUMNS} FROM audit WHERE run_id = ? ORDER BY id`).all(runId)) as AuditDbRow[]).map(toAuditEntry);
}

export async function hasAuditEntry(db: Db, runId: number, action: string, target: string): Promise<boolean> {
  return (await prepared(db, 'SELECT 1 FROM audit WHERE run_id = ? AND action = ? AND target = ? LIMIT 1').get(runId, action, target)) !== undefined;
}

/** The latest moment of each target's `action` rows in a run (e.g. when each section was last acknowledged). */
export async function latestAuditAt(db: Db, runId: number, action: string): Promise<Map<string, number>> {
  const rows = (await prepared(
    db,
    'SELECT target, MAX(at) AS at FROM audit WHERE run_id = ? AND action = ? AND target IS NOT NULL GROUP BY target',
  ).all(runId, action)) as Array<{ target: string; at: number }>;
  return new Map(rows.map((r) => [r.target, r.at]));
}

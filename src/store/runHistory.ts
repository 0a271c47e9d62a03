import type { Run } from '../domain/run.js';
import { prepared, type Db } from './db.js';
import { findRun } from './runs.js';

/** Ended runs of a checklist (any channel), newest first. */
export function listEndedRunsOfChecklist(
  db: Db,
  checklistName: string,
  limit: number,
  statuses: Run['status'][] = ['completed', 'rolled_back', 'aborted'],
): Run[] {
  const ids = prepared(
    db,
    `SELECT id FROM runs WHERE checklist_name = ? AND status IN (SELECT value FROM json_each(?)) ORDER BY id DESC LIMIT ?`,
  ).all(checklistName, JSON.stringify(statuses), limit) as Array<{ id: number }>;
  return ids.map((r) => findRun(db, r.id)).filter((r): r is Run => r !== null);
}

/** A cheap fingerprint of a checklist's completed runs: changes whenever one more completes. */
export function completedRunsMark(db: Db, checklistName: string): string {
  const row = prepared(db, `SELECT COUNT(*) AS n, MAX(id) AS last FROM runs WHERE checklist_name = ? AND status = 'completed'`).get(
    checklistName,
  ) as { n: number; last: number | null };
  return `${row.n}:${row.last ?? 0}`;
}

import type { Run } from '../domain/run.js';
import { prepared, type Db } from './db.js';
import { findRun } from './runs.js';

/** Ended runs of a checklist (any channel), newest first. */
export async function listEndedRunsOfChecklist(
  db: Db,
  checklistName: string,
  limit: number,
  statuses: Run['status'][] = ['completed', 'rolled_back', 'aborted'],
): Promise<Run[]> {
  const ids = (await prepared(
    db,
    `SELECT id FROM runs WHERE checklist_name = ? AND status IN (${statuses.map(() => '?').join(', ')}) ORDER BY id DESC LIMIT ?`,
  ).all(checklistName, ...statuses, limit)) as Array<{ id: number }>;
  const runs: Run[] = [];
  for (const { id } of ids) {
    const run = await findRun(db, id);
    if (run) runs.push(run);
  }
  return runs;
}

/** A cheap fingerprint of a checklist's completed runs: changes whenever one more completes. */
export async function completedRunsMark(db: Db, checklistName: string): Promise<string> {
  const row = (await prepared(db, `SELECT COUNT(*) AS n, MAX(id) AS last FROM runs WHERE checklist_name = ? AND status = 'completed'`).get(
    checklistName,
  )) as { n: number; last: number | null };
  return `${row.n}:${row.last ?? 0}`;
}

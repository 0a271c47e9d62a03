import { prepared, type Db } from './db.js';

export type RunReportStatus = 'pending' | 'posted' | 'posted_without_files' | 'failed' | 'skipped';

export interface RunReportRow {
  runId: number;
  status: RunReportStatus;
  summaryTs: string | null;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
}

interface Row {
  run_id: number;
  status: RunReportStatus;
  summary_ts: string | null;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

const toRow = (r: Row): RunReportRow => ({
  runId: r.run_id,
  status: r.status,
  summaryTs: r.summary_ts,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
});

/** Queues the report of an ended run; a second call for the same run changes nothing. */
export async function enqueueRunReport(db: Db, runId: number, now: number): Promise<boolean> {
  return (
    (await prepared(db, `INSERT INTO run_reports (run_id, next_attempt_at, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`).run(runId, now, now))
      .changes === 1
  );
}

export async function dueRunReports(db: Db, now: number, limit = 5): Promise<RunReportRow[]> {
  return (
    (await prepared(db, `SELECT * FROM run_reports WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, run_id LIMIT ?`).all(
      now,
      limit,
    )) as Row[]
  ).map(toRow);
}

export async function findRunReport(db: Db, runId: number): Promise<RunReportRow | null> {
  const row = (await prepared(db, 'SELECT * FROM run_reports WHERE run_id = ?').get(runId)) as Row | undefined;
  return row ? toRow(row) : null;
}

export async function nextRunReportDue(db: Db): Promise<number | null> {
  const row = (await prepared(db, `SELECT MIN(next_attempt_at) AS due FROM run_reports WHERE status = 'pending'`).get()) as { due: number | null };
  return row.due;
}

export async function markSummaryPosted(db: Db, runId: number, ts: string): Promise<void> {
  await prepared(db, 'UPDATE run_reports SET summary_ts = ? WHERE run_id = ?').run(ts, runId);
}

export async function markRunReportDone(
  db: Db,
  runId: number,
  status: Exclude<RunReportStatus, 'pending'>,
  now: number,
  error: string | null = null,
): Promise<void> {
  await prepared(db, 'UPDATE run_reports SET status = ?, done_at = ?, last_error = ? WHERE run_id = ?').run(status, now, error, runId);
}

export async function markRunReportRetry(db: Db, runId: number, nextAttemptAt: number, error: string): Promise<void> {
  await prepared(db, 'UPDATE run_reports SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE run_id = ?').run(
    nextAttemptAt,
    error,
    runId,
  );
}

/**
 * Runs that ended in the last `withinMs` with no report row: their end was recorded but the bot
 * stopped before queuing it. Older ones are left alone: a report of last month's run appearing out
 * of the blue (or a restored database flooding its channels) would confuse more than it tells.
 * Read through runs_by_end (migration 017): `status <> 'active'` rather than a list of the ended
 * statuses, so the planner walks the last day's ends, not every ended run by status.
 */
export async function enqueueMissedRunReports(db: Db, now: number, withinMs = 24 * 3_600_000): Promise<number> {
  return (
    await prepared(
      db,
      `INSERT INTO run_reports (run_id, next_attempt_at, created_at)
    SELECT id, ?, ? FROM runs WHERE ended_at >= ? AND status <> 'active'
      AND NOT EXISTS (SELECT 1 FROM run_reports r WHERE r.run_id = runs.id)
    ON CONFLICT DO NOTHING`,
    ).run(now, now, now - withinMs)
  ).changes;
}

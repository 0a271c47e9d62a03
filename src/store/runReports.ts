import { prepared, type Db } from './db.js';
import { everyLeaseIsStaleAtStart, LEASE_EXPIRED, leaseOf, leaseParams, type Lease } from './leases.js';

export type RunReportStatus = 'pending' | 'posted' | 'posted_without_files' | 'failed' | 'skipped';

export interface RunReportRow {
  runId: number;
  status: RunReportStatus;
  summaryTs: string | null;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  /** Set when this claim took the row over from a replica whose lease ran out: it may have posted the summary. */
  reclaimedFrom: string | null;
}

interface Row {
  run_id: number;
  status: RunReportStatus;
  summary_ts: string | null;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  reclaimed_from?: string | null;
}

const toRow = (r: Row): RunReportRow => ({
  runId: r.run_id,
  status: r.status,
  summaryTs: r.summary_ts,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  reclaimedFrom: r.reclaimed_from ?? null,
});

/** Queues the report of an ended run; a second call for the same run changes nothing. */
export async function enqueueRunReport(db: Db, runId: number, now: number): Promise<boolean> {
  return (
    (await prepared(db, `INSERT INTO run_reports (run_id, next_attempt_at, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`).run(runId, now, now))
      .changes === 1
  );
}

/** Pending, due, and not held by a live lease (migrations/020_run_report_leases.sql; the lease test is leases.ts LEASE_EXPIRED). */
const CLAIMABLE = `status = 'pending' AND next_attempt_at <= @now AND COALESCE(lease_until, 0) < @leaseNow`;

/**
 * Claims up to `limit` due reports for `lease.by`: pending ones due by `now` (the bot's clock) that
 * no live lease holds. A row whose lease ran out was being posted by a replica that died:
 * `reclaimedFrom` names it. On PostgreSQL the rows are taken FOR UPDATE SKIP LOCKED, so two replicas
 * claiming at once never get the same report.
 */
export async function claimDueRunReports(db: Db, now: number, limit = 5, lease: Lease = leaseOf()): Promise<RunReportRow[]> {
  const rows = (await prepared(
    db,
    `UPDATE run_reports SET leased_by = @by, lease_until = @leaseUntil,
         reclaimed_from = CASE WHEN leased_by IS NOT NULL THEN leased_by ELSE reclaimed_from END
       WHERE run_id IN (SELECT run_id FROM run_reports WHERE ${CLAIMABLE} ORDER BY next_attempt_at, run_id LIMIT @limit${db.skipLocked})
       RETURNING *`,
  ).all({ now, limit, ...leaseParams(lease) })) as Row[];
  return rows.map(toRow).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.runId - b.runId);
}

/** What a claim would take now, without taking it (tests, the store's own checks). */
export async function dueRunReports(db: Db, now: number, limit = 5, leaseNow: number = Date.now()): Promise<RunReportRow[]> {
  return (
    (await prepared(db, `SELECT * FROM run_reports WHERE ${CLAIMABLE} ORDER BY next_attempt_at, run_id LIMIT @limit`).all({
      now,
      limit,
      leaseNow,
    })) as Row[]
  ).map(toRow);
}

/**
 * At start on SQLite, where one process owns the file: the reports its previous process held are
 * claimable at once (their summary looked for before posting), not after their lease. On
 * PostgreSQL nothing: live replicas may hold them. Returns how many.
 */
export async function releaseRunReportLeasesAtStart(db: Db, lease: Lease = leaseOf()): Promise<number> {
  if (everyLeaseIsStaleAtStart(db) === 0) return 0;
  return (
    await prepared(db, `UPDATE run_reports SET lease_until = 0 WHERE status = 'pending' AND leased_by IS NOT NULL AND leased_by <> ?`).run(lease.by)
  ).changes;
}

/** Extends `lease.by`'s lease on the reports `runIds` it still holds; returns how many it does. */
export async function renewRunReportLeases(db: Db, runIds: readonly number[], lease: Lease): Promise<number> {
  if (runIds.length === 0) return 0;
  return (
    await prepared(
      db,
      `UPDATE run_reports SET lease_until = ? WHERE leased_by = ? AND status = 'pending' AND run_id IN (${runIds.map(() => '?').join(', ')})`,
    ).run(lease.now + lease.ms, lease.by, ...runIds)
  ).changes;
}

export async function findRunReport(db: Db, runId: number): Promise<RunReportRow | null> {
  const row = (await prepared(db, 'SELECT * FROM run_reports WHERE run_id = ?').get(runId)) as Row | undefined;
  return row ? toRow(row) : null;
}

/**
 * When this replica should look again: `due`, the earliest next attempt (bot clock) of a report no
 * live lease holds; `leaseUntil`, the earliest end (wall clock) of a live lease another replica
 * holds, when it may have died. Null when there is none.
 */
export async function nextRunReportDue(db: Db, leaseNow: number = Date.now()): Promise<{ due: number | null; leaseUntil: number | null }> {
  const row = (await prepared(
    db,
    `SELECT MIN(CASE WHEN ${LEASE_EXPIRED} THEN next_attempt_at END) AS due,
            MIN(CASE WHEN ${LEASE_EXPIRED} THEN NULL ELSE lease_until END) AS lease_until
       FROM run_reports WHERE status = 'pending'`,
  ).get({ leaseNow })) as { due: number | null; lease_until: number | null };
  return { due: row.due, leaseUntil: row.lease_until };
}

/*
 * The marks below change a report only while `by` holds it: a replica that outlived its lease must
 * not record over the one that took over. Each says whether it did.
 */
const MINE = `run_id = @runId AND status = 'pending' AND leased_by = @by`;

export async function markSummaryPosted(db: Db, runId: number, ts: string, by: string = leaseOf().by): Promise<boolean> {
  return (await prepared(db, `UPDATE run_reports SET summary_ts = @ts WHERE ${MINE}`).run({ ts, runId, by })).changes === 1;
}

export async function markRunReportDone(
  db: Db,
  runId: number,
  status: Exclude<RunReportStatus, 'pending'>,
  now: number,
  error: string | null = null,
  by: string = leaseOf().by,
): Promise<boolean> {
  return (
    (
      await prepared(
        db,
        `UPDATE run_reports SET status = @status, done_at = @now, last_error = @error, leased_by = NULL, lease_until = NULL WHERE ${MINE}`,
      ).run({
        status,
        now,
        error,
        runId,
        by,
      })
    ).changes === 1
  );
}

export async function markRunReportRetry(db: Db, runId: number, nextAttemptAt: number, error: string, by: string = leaseOf().by): Promise<boolean> {
  return (
    (
      await prepared(
        db,
        `UPDATE run_reports SET attempts = attempts + 1, next_attempt_at = @next, last_error = @error, leased_by = NULL, lease_until = NULL WHERE ${MINE}`,
      ).run({ next: nextAttemptAt, error, runId, by })
    ).changes === 1
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

import type { Checklist } from '../domain/checklist.js';
import type { Run, RunStatus } from '../domain/run.js';
import { prepared, type Db } from './db.js';
import { RunCache } from './runCache.js';

interface RunRow {
  id: number;
  checklist_name: string;
  title: string;
  channel_id: string;
  started_by: string;
  t0: number;
  slip_minutes: number;
  timezone: string;
  status: RunStatus;
  rollback_active: number;
  rollback_reason: string | null;
  rollback_started_at: number | null;
  created_at: number;
  ended_at: number | null;
  end_reason: string | null;
  team_id: string | null;
  enterprise_id: string | null;
}

/** Every column but the checklist snapshot, which is read (and parsed) once per run per process. */
const RUN_COLUMNS = `id, checklist_name, title, channel_id, started_by, t0, slip_minutes, timezone, status, rollback_active,
  rollback_reason, rollback_started_at, created_at, ended_at, end_reason, team_id, enterprise_id`;

// The parsed checklist of a run never changes; re-reading its JSON (tens of KB) on every click did show.
// Bounded (RunCache): kept while the run is active, and for a few ended runs read lately.
const checklistCache = new WeakMap<Db, RunCache<Checklist>>();

async function checklistOf(db: Db, row: RunRow): Promise<Checklist> {
  let cache = checklistCache.get(db);
  if (!cache) checklistCache.set(db, (cache = new RunCache()));
  let checklist = cache.get(row.id);
  if (!checklist) {
    const json = (await prepared(db, 'SELECT checklist_json FROM runs WHERE id = ?').get(row.id)) as { checklist_json: string };
    checklist = JSON.parse(json.checklist_json) as Checklist;
  }
  cache.set(row.id, row.status === 'active', checklist);
  return checklist;
}

async function toRun(db: Db, row: RunRow): Promise<Run> {
  const checklist = await checklistOf(db, row);
  return {
    id: row.id,
    checklistName: row.checklist_name,
    checklist,
    channelId: row.channel_id,
    startedBy: row.started_by,
    t0: row.t0,
    slipMinutes: row.slip_minutes,
    timezone: row.timezone,
    status: row.status,
    rollbackActive: row.rollback_active === 1,
    rollbackReason: row.rollback_reason,
    createdAt: row.created_at,
    endedAt: row.ended_at,
    endReason: row.end_reason,
    teamId: row.team_id,
    enterpriseId: row.enterprise_id,
  };
}

/** Rows to runs, in their order (one by one: a row's checklist may be read from the database). */
async function toRuns(db: Db, rows: RunRow[]): Promise<Run[]> {
  const runs: Run[] = [];
  for (const row of rows) runs.push(await toRun(db, row));
  return runs;
}

export async function insertRun(
  db: Db,
  run: {
    checklist: Checklist;
    channelId: string;
    teamId: string | null;
    enterpriseId?: string | null;
    startedBy: string;
    t0: number;
    timezone: string;
    now: number;
  },
): Promise<number> {
  const row = (await prepared(
    db,
    `INSERT INTO runs (checklist_name, checklist_json, title, channel_id, team_id, enterprise_id, started_by, t0, timezone, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  ).get(
    run.checklist.name,
    JSON.stringify(run.checklist),
    run.checklist.title,
    run.channelId,
    run.teamId,
    run.enterpriseId ?? null,
    run.startedBy,
    run.t0,
    run.timezone,
    run.now,
  )) as { id: number };
  return row.id;
}

/**
 * The run, read with its row held until the caller's transaction ends, so the use cases that read a
 * run and then decide (a tick, a vote, an end) take their turns on it. On PostgreSQL several
 * connections, and replicas, would otherwise read the same state at once and decide twice; SQLite's
 * single writer already takes them one at a time, so there it is a plain read (`db.rowLock`). A row lock in the
 * read itself (one round trip, where a lock then a read were two on every click), not a write: no
 * new row version, no index entry, no dead row for vacuum. NO KEY UPDATE is the lock an UPDATE of
 * non-key columns takes: it excludes the same use cases, while the foreign-key checks of rows
 * inserted pointing at the run (audit, item states) do not wait for it, as they would for FOR UPDATE.
 */
export async function findRunForUpdate(db: Db, runId: number): Promise<Run | null> {
  const row = (await prepared(db, `SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?${db.rowLock}`).get(runId)) as RunRow | undefined;
  return row ? await toRun(db, row) : null;
}

export async function findRun(db: Db, runId: number): Promise<Run | null> {
  const row = (await prepared(db, `SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`).get(runId)) as RunRow | undefined;
  return row ? await toRun(db, row) : null;
}

export async function rollbackStartedAt(db: Db, runId: number): Promise<number | null> {
  const row = (await prepared(db, 'SELECT rollback_started_at FROM runs WHERE id = ?').get(runId)) as
    | { rollback_started_at: number | null }
    | undefined;
  return row?.rollback_started_at ?? null;
}

export async function listActiveRunsInChannel(db: Db, channelId: string): Promise<Run[]> {
  const rows = (await prepared(db, `SELECT ${RUN_COLUMNS} FROM runs WHERE channel_id = ? AND status = 'active' ORDER BY id`).all(
    channelId,
  )) as RunRow[];
  return await toRuns(db, rows);
}

/** Active runs whose workspace still has the app (a suspended run's reminders and pages wait for a reinstall). */
export async function listActiveRuns(db: Db): Promise<Run[]> {
  const rows = (await prepared(db, `SELECT ${RUN_COLUMNS} FROM runs WHERE status = 'active' AND suspended_at IS NULL ORDER BY id`).all()) as RunRow[];
  return await toRuns(db, rows);
}

/** The channel's most recent runs, newest first. */
export async function listRecentRunsInChannel(db: Db, channelId: string, limit: number): Promise<Run[]> {
  const rows = (await prepared(db, `SELECT ${RUN_COLUMNS} FROM runs WHERE channel_id = ? ORDER BY id DESC LIMIT ?`).all(
    channelId,
    limit,
  )) as RunRow[];
  return await toRuns(db, rows);
}

export async function setRunT0(db: Db, runId: number, t0: number, slipMinutes: number): Promise<void> {
  await prepared(db, 'UPDATE runs SET t0 = ?, slip_minutes = ? WHERE id = ?').run(t0, slipMinutes, runId);
}

export async function endRun(db: Db, runId: number, status: Exclude<RunStatus, 'active'>, reason: string | null, now: number): Promise<void> {
  await prepared(db, `UPDATE runs SET status = ?, end_reason = ?, ended_at = ? WHERE id = ? AND status = 'active'`).run(status, reason, now, runId);
}

export async function startRollback(db: Db, runId: number, reason: string, now: number): Promise<boolean> {
  const info = await prepared(
    db,
    `UPDATE runs SET rollback_active = 1, rollback_reason = ?, rollback_started_at = ?
       WHERE id = ? AND status = 'active' AND rollback_active = 0`,
  ).run(reason, now, runId);
  return info.changes === 1;
}

/** The outcome of the reminders a suspension cancelled: a reinstall brings back those still ahead (reminders.ts). */
export const SUSPENDED_OUTCOME = 'app uninstalled';

/**
 * The app left a workspace (or org): its active runs are kept but suspended, their pending
 * reminders cancelled. Returns the ids of the runs suspended.
 */
export async function suspendTenantRuns(db: Db, tenant: { teamId: string | null; enterpriseId: string | null }, now: number): Promise<number[]> {
  const rows = (await prepared(
    db,
    `SELECT id FROM runs WHERE status = 'active' AND suspended_at IS NULL
       AND ((CAST(@team AS TEXT) IS NOT NULL AND team_id = @team) OR (CAST(@team AS TEXT) IS NULL AND CAST(@enterprise AS TEXT) IS NOT NULL AND enterprise_id = @enterprise))`,
  ).all({ team: tenant.teamId, enterprise: tenant.enterpriseId })) as Array<{ id: number }>;
  const ids = rows.map((r) => r.id);
  for (const id of ids) {
    await prepared(db, 'UPDATE runs SET suspended_at = ? WHERE id = ?').run(now, id);
    await prepared(
      db,
      `UPDATE reminders SET status = 'cancelled', outcome = '${SUSPENDED_OUTCOME}' WHERE run_id = ? AND status IN ('pending', 'claimed')`,
    ).run(id);
  }
  return ids;
}

/** The app is back in a workspace (or org): its suspended runs carry on. Returns their ids. */
export async function resumeTenantRuns(db: Db, tenant: { teamId: string | null; enterpriseId: string | null }): Promise<number[]> {
  const rows = (await prepared(
    db,
    `SELECT id FROM runs WHERE status = 'active' AND suspended_at IS NOT NULL
       AND ((CAST(@team AS TEXT) IS NOT NULL AND team_id = @team) OR (CAST(@team AS TEXT) IS NULL AND CAST(@enterprise AS TEXT) IS NOT NULL AND enterprise_id = @enterprise))`,
  ).all({ team: tenant.teamId, enterprise: tenant.enterpriseId })) as Array<{ id: number }>;
  for (const { id } of rows) await prepared(db, 'UPDATE runs SET suspended_at = NULL WHERE id = ?').run(id);
  return rows.map((r) => r.id);
}

/** Whether the app was uninstalled from the run's workspace (its reminders and pages wait). */
export async function isRunSuspended(db: Db, runId: number): Promise<boolean> {
  const row = (await prepared(db, 'SELECT suspended_at FROM runs WHERE id = ?').get(runId)) as { suspended_at: number | null } | undefined;
  return row?.suspended_at != null;
}

/** The workspace of the newest run in a channel: whose token posts there. */
export async function tenantOfChannel(db: Db, channelId: string): Promise<{ teamId: string | null; enterpriseId: string | null } | null> {
  const row = (await prepared(db, 'SELECT team_id, enterprise_id FROM runs WHERE channel_id = ? ORDER BY id DESC LIMIT 1').get(channelId)) as
    | { team_id: string | null; enterprise_id: string | null }
    | undefined;
  return row ? { teamId: row.team_id, enterpriseId: row.enterprise_id } : null;
}

/**
 * Whether any run is active and not suspended: the reminder poller keeps its per-second beat only while
 * one is (runs_by_status). A suspended run's reminders and pages wait for a reinstall, which may never
 * come: it must not keep every replica beating for ever.
 */
export async function anyActiveRun(db: Db): Promise<boolean> {
  return (await prepared(db, `SELECT id FROM runs WHERE status = 'active' AND suspended_at IS NULL LIMIT 1`).get()) !== undefined;
}

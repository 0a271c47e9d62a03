import { prepared, type Db } from './db.js';
import { SUSPENDED_OUTCOME } from './runs.js';
import { everyLeaseIsStaleAtStart, LEASE_EXPIRED, leaseOf, leaseParams, RELEASABLE_AT_START, type Lease } from './leases.js';

export interface ReminderRow {
  id: number;
  runId: number;
  key: string;
  kind: string;
  sectionId: string | null;
  itemId: string | null;
  repeat: number;
  dueAt: number;
  status: 'pending' | 'claimed' | 'sent' | 'skipped' | 'cancelled';
  claimedAt: number | null;
  sentAt: number | null;
  late: boolean;
  outcome: string | null;
  payload: Record<string, unknown> | null;
  /** The replica whose claim this is (store/leases.ts), while claimed. */
  leasedBy: string | null;
  leaseUntil: number | null;
  /**
   * The replica this row was once taken over from after its lease ran out: it may have posted it,
   * so it is looked for in the channel before it is posted (again, until sent). Null when never.
   */
  reclaimedFrom: string | null;
}

interface Row {
  id: number;
  run_id: number;
  key: string;
  kind: string;
  section_id: string | null;
  item_id: string | null;
  repeat: number;
  due_at: number;
  status: ReminderRow['status'];
  claimed_at: number | null;
  sent_at: number | null;
  late: number;
  outcome: string | null;
  payload_json: string | null;
  leased_by: string | null;
  lease_until: number | null;
  reclaimed_from: string | null;
}

const toReminder = (r: Row): ReminderRow => ({
  id: r.id,
  runId: r.run_id,
  key: r.key,
  kind: r.kind,
  sectionId: r.section_id,
  itemId: r.item_id,
  repeat: r.repeat,
  dueAt: r.due_at,
  status: r.status,
  claimedAt: r.claimed_at,
  sentAt: r.sent_at,
  late: r.late === 1,
  outcome: r.outcome,
  payload: reminderPayloadOf(r.payload_json),
  leasedBy: r.leased_by,
  leaseUntil: r.lease_until,
  reclaimedFrom: r.reclaimed_from,
});

export interface NewReminder {
  key: string;
  kind: string;
  dueAt: number;
  sectionId?: string | undefined;
  itemId?: string | undefined;
  repeat?: number | undefined;
  payload?: Record<string, unknown> | undefined;
}

/** Inserts reminders; a key that exists already is left as it is (planning is idempotent). */
export async function upsertReminders(db: Db, runId: number, reminders: NewReminder[]): Promise<number> {
  const insert = prepared(
    db,
    `INSERT INTO reminders (run_id, key, kind, section_id, item_id, repeat, due_at, payload_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
  );
  let added = 0;
  for (const r of reminders) {
    added += (
      await insert.run(
        runId,
        r.key,
        r.kind,
        r.sectionId ?? null,
        r.itemId ?? null,
        r.repeat ?? 0,
        r.dueAt,
        r.payload ? JSON.stringify(r.payload) : null,
      )
    ).changes;
  }
  return added;
}

export async function cancelPendingReminders(db: Db, runId: number, filter?: { kinds?: string[]; keys?: string[] }): Promise<number> {
  const pending = (await listReminders(db, runId)).filter((r) => r.status === 'pending');
  const cancel = prepared(db, `UPDATE reminders SET status = 'cancelled' WHERE id = ? AND status = 'pending'`);
  let n = 0;
  for (const r of pending) {
    if (filter?.kinds && !filter.kinds.includes(r.kind)) continue;
    if (filter?.keys && !filter.keys.includes(r.key)) continue;
    n += (await cancel.run(r.id)).changes;
  }
  return n;
}

/** The reminder's run is not suspended (its workspace uninstalled the app). */
const NOT_SUSPENDED = 'NOT EXISTS (SELECT 1 FROM runs WHERE runs.id = reminders.run_id AND runs.suspended_at IS NOT NULL)';

/**
 * Atomically claims the reminders due by `now` for `lease.by`, with the claimed rows whose lease
 * ran out (their replica died mid-send: `reclaimedFrom` says whose they were). One statement does
 * the claim, and on PostgreSQL it takes its rows FOR UPDATE SKIP LOCKED, so two pollers (on one
 * replica or two) can never both own a row.
 */
export async function claimDueReminders(db: Db, now: number, limit = 50, lease: Lease = leaseOf()): Promise<ReminderRow[]> {
  const rows = (await prepared(
    db,
    `UPDATE reminders SET status = 'claimed', claimed_at = @now, leased_by = @by, lease_until = @leaseUntil,
         reclaimed_from = CASE WHEN status = 'claimed' THEN COALESCE(leased_by, 'a previous process') ELSE reclaimed_from END
       WHERE id IN (SELECT id FROM reminders
                    WHERE ((status = 'pending' AND due_at <= @now) OR (status = 'claimed' AND ${LEASE_EXPIRED}))
                      -- A run whose workspace uninstalled the app waits for a reinstall. (NOT EXISTS looks
                      -- each row's run up by key; NOT IN scanned every run ever held.)
                      AND ${NOT_SUSPENDED}
                    ORDER BY due_at, id LIMIT @limit${db.skipLocked})
       RETURNING *`,
  ).all({ now, limit, ...leaseParams(lease) })) as Row[];
  return rows.map(toReminder).sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
}

/**
 * When the poller can next take work (the poller sets one timer for it, jobs/reminderPoller.ts):
 * the earliest pending reminder's due time (the bot's clock), and the earliest lease another
 * replica holds on a claimed row (wall clock, store/leases.ts), which is when a dead replica's
 * rows become takeable. Rows of suspended runs are left out, as the claim leaves them.
 */
export async function nextClaimableAt(db: Db, by: string = leaseOf().by): Promise<{ dueAt: number | null; leaseUntil: number | null }> {
  const row = (await prepared(
    db,
    `SELECT (SELECT MIN(due_at) FROM reminders WHERE status = 'pending' AND ${NOT_SUSPENDED}) AS due_at,
            (SELECT MIN(lease_until) FROM reminders WHERE status = 'claimed' AND COALESCE(leased_by, '') <> @by) AS lease_until`,
  ).get({ by })) as { due_at: number | string | null; lease_until: number | string | null } | undefined;
  const num = (v: number | string | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));
  return { dueAt: num(row?.due_at), leaseUntil: num(row?.lease_until) };
}

/**
 * At start: takes over the rows a process that died left claimed, so the restart can find out
 * whether they were sent. On PostgreSQL only rows whose lease ran out: a live replica may be
 * posting the others right now. On SQLite every claimed row: one process owns the database file,
 * so whatever is claimed was its previous process's, and waiting for the lease would only delay it.
 */
export async function takeOverInterruptedReminders(db: Db, lease: Lease = leaseOf()): Promise<ReminderRow[]> {
  const rows = (await prepared(
    db,
    `UPDATE reminders SET leased_by = @by, lease_until = @leaseUntil, reclaimed_from = COALESCE(leased_by, 'a previous process')
       WHERE id IN (SELECT id FROM reminders WHERE status = 'claimed' AND ${RELEASABLE_AT_START} ORDER BY due_at, id${db.skipLocked})
       RETURNING *`,
  ).all({ ...leaseParams(lease), everything: everyLeaseIsStaleAtStart(db) })) as Row[];
  return rows.map(toReminder).sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
}

/** Extends `lease.by`'s lease on claimed rows it is still sending; returns how many it still holds. */
export async function renewReminderLeases(db: Db, ids: readonly number[], lease: Lease = leaseOf()): Promise<number> {
  if (ids.length === 0) return 0;
  return (
    await prepared(
      db,
      `UPDATE reminders SET lease_until = ? WHERE leased_by = ? AND status = 'claimed' AND id IN (${ids.map(() => '?').join(', ')})`,
    ).run(lease.now + lease.ms, lease.by, ...ids)
  ).changes;
}

/** Rows claimed and not yet marked (by a live worker, or left by one that died). */
export async function listClaimedReminders(db: Db): Promise<ReminderRow[]> {
  return ((await prepared(db, `SELECT * FROM reminders WHERE status = 'claimed' ORDER BY due_at, id`).all()) as Row[]).map(toReminder);
}

export async function markReminderSent(db: Db, id: number, now: number, late: boolean, outcome: string | null = null): Promise<void> {
  await prepared(
    db,
    `UPDATE reminders SET status = 'sent', sent_at = ?, late = ?, outcome = ?, leased_by = NULL, lease_until = NULL WHERE id = ?`,
  ).run(now, late ? 1 : 0, outcome, id);
}

/** Keeps what a sent reminder said (in its payload), for a later update of the message. */
export async function keepPostedText(db: Db, id: number, text: string): Promise<void> {
  // Added to the payload, not put in its place: a shared nudge's payload also holds its sections. Set
  // here rather than with SQL's JSON functions, which no two engines spell alike (SQLite's json_set).
  await db.tx(async () => {
    const row = (await prepared(db, 'SELECT payload_json FROM reminders WHERE id = ?').get(id)) as { payload_json: string | null } | undefined;
    if (!row) return;
    const payload = reminderPayloadOf(row.payload_json) ?? {};
    await prepared(db, 'UPDATE reminders SET payload_json = ? WHERE id = ?').run(JSON.stringify({ ...payload, postedText: text }), id);
  });
}

export async function findReminder(db: Db, id: number): Promise<ReminderRow | null> {
  const row = (await prepared(db, 'SELECT * FROM reminders WHERE id = ?').get(id)) as Row | undefined;
  return row ? toReminder(row) : null;
}

export async function markReminderSkipped(db: Db, id: number, outcome: string): Promise<void> {
  await prepared(db, `UPDATE reminders SET status = 'skipped', outcome = ?, leased_by = NULL, lease_until = NULL WHERE id = ?`).run(outcome, id);
}

/** Puts a claimed row back (the send failed and may be retried). */
export async function releaseReminder(db: Db, id: number, dueAt: number, outcome: string): Promise<void> {
  await prepared(
    db,
    `UPDATE reminders SET status = 'pending', claimed_at = NULL, due_at = ?, outcome = ?, leased_by = NULL, lease_until = NULL WHERE id = ?`,
  ).run(dueAt, outcome, id);
}

export async function listReminders(db: Db, runId: number): Promise<ReminderRow[]> {
  return ((await prepared(db, 'SELECT * FROM reminders WHERE run_id = ? ORDER BY due_at, id').all(runId)) as Row[]).map(toReminder);
}

/** When the earliest pending reminder of any run is due, or null when none is pending (the rehearsal's next stop). */
export async function nextPendingDueAt(db: Db): Promise<number | null> {
  const row = (await prepared(db, `SELECT MIN(due_at) AS at FROM reminders WHERE status = 'pending'`).get()) as { at: number | null } | undefined;
  return row?.at ?? null;
}

/** A reminder's payload as stored (payload_json), or null when it has none. */
export function reminderPayloadOf(json: string | null): Record<string, unknown> | null {
  return json ? (JSON.parse(json) as Record<string, unknown>) : null;
}

/** The sections a reminder row is about: a shared one's list (kept in its payload), else its own section. */
export function sectionIdsOf(row: Pick<ReminderRow, 'sectionId' | 'payload'>): string[] {
  const shared = row.payload?.sectionIds;
  if (Array.isArray(shared) && shared.every((id) => typeof id === 'string') && shared.length > 0) return shared as string[];
  return row.sectionId ? [row.sectionId] : [];
}

/**
 * A suspended run's workspace installed the app again: the reminders its suspension cancelled that are
 * still ahead are pending again. What fell due meanwhile stays cancelled: it is not sent late.
 */
export async function reviveSuspendedReminders(db: Db, runId: number, now: number): Promise<number> {
  return (
    await prepared(
      db,
      `UPDATE reminders SET status = 'pending', outcome = NULL, claimed_at = NULL, leased_by = NULL, lease_until = NULL
         WHERE run_id = ? AND status = 'cancelled' AND outcome = ? AND due_at >= ?`,
    ).run(runId, SUSPENDED_OUTCOME, now)
  ).changes;
}

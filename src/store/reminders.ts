import { prepared, type Db } from './db.js';

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
  payload: r.payload_json ? (JSON.parse(r.payload_json) as Record<string, unknown>) : null,
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

/**
 * Atomically claims every pending reminder due by `now`. One statement does the claim,
 * so two pollers (or a poller racing a restart) can never both own a row.
 */
export async function claimDueReminders(db: Db, now: number, limit = 50): Promise<ReminderRow[]> {
  const rows = (await prepared(
    db,
    `UPDATE reminders SET status = 'claimed', claimed_at = @now
       WHERE id IN (SELECT id FROM reminders WHERE status = 'pending' AND due_at <= @now
                      -- A run whose workspace uninstalled the app waits for a reinstall.
                      AND run_id NOT IN (SELECT id FROM runs WHERE suspended_at IS NOT NULL)
                    ORDER BY due_at, id LIMIT @limit)
       RETURNING *`,
  ).all({ now, limit })) as Row[];
  return rows.map(toReminder).sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
}

/** Rows a crash left claimed but not marked: the restart must find out whether they were sent. */
export async function listClaimedReminders(db: Db): Promise<ReminderRow[]> {
  return ((await prepared(db, `SELECT * FROM reminders WHERE status = 'claimed' ORDER BY due_at, id`).all()) as Row[]).map(toReminder);
}

export async function markReminderSent(db: Db, id: number, now: number, late: boolean, outcome: string | null = null): Promise<void> {
  await prepared(db, `UPDATE reminders SET status = 'sent', sent_at = ?, late = ?, outcome = ? WHERE id = ?`).run(now, late ? 1 : 0, outcome, id);
}

/** Keeps what a sent reminder said (in its payload), for a later update of the message. */
export async function keepPostedText(db: Db, id: number, text: string): Promise<void> {
  // Added to the payload, not put in its place: a shared nudge's payload also holds its sections. Set
  // here rather than with SQL's JSON functions, which no two engines spell alike (SQLite's json_set).
  await db.tx(async () => {
    const row = (await prepared(db, 'SELECT payload_json FROM reminders WHERE id = ?').get(id)) as { payload_json: string | null } | undefined;
    if (!row) return;
    const payload = row.payload_json ? (JSON.parse(row.payload_json) as Record<string, unknown>) : {};
    await prepared(db, 'UPDATE reminders SET payload_json = ? WHERE id = ?').run(JSON.stringify({ ...payload, postedText: text }), id);
  });
}

export async function findReminder(db: Db, id: number): Promise<ReminderRow | null> {
  const row = (await prepared(db, 'SELECT * FROM reminders WHERE id = ?').get(id)) as Row | undefined;
  return row ? toReminder(row) : null;
}

export async function markReminderSkipped(db: Db, id: number, outcome: string): Promise<void> {
  await prepared(db, `UPDATE reminders SET status = 'skipped', outcome = ? WHERE id = ?`).run(outcome, id);
}

/** Puts a claimed row back (the send failed and may be retried). */
export async function releaseReminder(db: Db, id: number, dueAt: number, outcome: string): Promise<void> {
  await prepared(db, `UPDATE reminders SET status = 'pending', claimed_at = NULL, due_at = ?, outcome = ? WHERE id = ?`).run(dueAt, outcome, id);
}

export async function listReminders(db: Db, runId: number): Promise<ReminderRow[]> {
  return ((await prepared(db, 'SELECT * FROM reminders WHERE run_id = ? ORDER BY due_at, id').all(runId)) as Row[]).map(toReminder);
}

/** When the earliest pending reminder of any run is due, or null when none is pending (the rehearsal's next stop). */
export async function nextPendingDueAt(db: Db): Promise<number | null> {
  const row = (await prepared(db, `SELECT MIN(due_at) AS at FROM reminders WHERE status = 'pending'`).get()) as { at: number | null } | undefined;
  return row?.at ?? null;
}

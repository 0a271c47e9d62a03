import { prepared, type Db } from './db.js';
import { everyLeaseIsStaleAtStart, LEASE_EXPIRED, leaseOf, leaseParams, PROCESS_REPLICA, RELEASABLE_AT_START, type Lease } from './leases.js';

export interface RunMessage {
  runId: number;
  key: string;
  position: number;
  channelId: string;
  ts: string | null;
  version: number;
  syncedVersion: number;
  /** Why Slack last refused this message, until a later post or update succeeds. */
  lastError: string | null;
  /**
   * Until when (epoch ms) Slack may still carry out a post of this message that got no answer or
   * was cut short by a crash; null when no post is in doubt. See migrations/004.
   */
  postUnconfirmedUntil: number | null;
  /** The replica syncing this message right now (store/leases.ts), and until when it may. */
  leasedBy: string | null;
  leaseUntil: number | null;
}

interface Row {
  run_id: number;
  message_key: string;
  position: number;
  channel_id: string;
  ts: string | null;
  version: number;
  synced_version: number;
  last_error: string | null;
  post_unconfirmed_until: number | null;
  leased_by: string | null;
  lease_until: number | null;
}

const toMessage = (r: Row): RunMessage => ({
  runId: r.run_id,
  key: r.message_key,
  position: r.position,
  channelId: r.channel_id,
  ts: r.ts,
  version: r.version,
  syncedVersion: r.synced_version,
  lastError: r.last_error,
  postUnconfirmedUntil: r.post_unconfirmed_until,
  leasedBy: r.leased_by,
  leaseUntil: r.lease_until,
});

export async function insertRunMessages(db: Db, runId: number, channelId: string, keys: string[]): Promise<void> {
  const insert = prepared(db, 'INSERT INTO run_messages (run_id, message_key, position, channel_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  for (const [position, key] of keys.entries()) await insert.run(runId, key, position, channelId);
}

/**
 * Adopts a message posted by another path (a nudge the reminder poller posted) as one of the run's
 * messages, already in sync at `ts`, so the sync loop updates it when the run changes (its end).
 * `stale`: the run changed while it was being posted, so it is due an update at once. Placed after
 * the run's own messages, which it never holds back (it is posted already).
 */
export async function adoptPostedRunMessage(
  db: Db,
  message: { runId: number; key: string; channelId: string; ts: string; stale: boolean },
): Promise<void> {
  await prepared(
    db,
    `INSERT INTO run_messages (run_id, message_key, position, channel_id, ts, version, synced_version)
     VALUES (@runId, @key, (SELECT COALESCE(MAX(position), 0) + 1 FROM run_messages WHERE run_id = @runId), @channelId, @ts, @version, 1)
     ON CONFLICT DO NOTHING`,
  ).run({ runId: message.runId, key: message.key, channelId: message.channelId, ts: message.ts, version: message.stale ? 2 : 1 });
}

export async function listRunMessages(db: Db, runId: number): Promise<RunMessage[]> {
  return ((await prepared(db, 'SELECT * FROM run_messages WHERE run_id = ? ORDER BY position').all(runId)) as Row[]).map(toMessage);
}

/** Whether any of the run's messages is still to be posted (not posted yet, and not refused by Slack). */
export async function hasUnpostedRunMessages(db: Db, runId: number): Promise<boolean> {
  return (await prepared(db, 'SELECT 1 FROM run_messages WHERE run_id = ? AND ts IS NULL AND last_error IS NULL LIMIT 1').get(runId)) !== undefined;
}

export async function findRunMessage(db: Db, runId: number, key: string): Promise<RunMessage | null> {
  const row = (await prepared(db, 'SELECT * FROM run_messages WHERE run_id = ? AND message_key = ?').get(runId, key)) as Row | undefined;
  return row ? toMessage(row) : null;
}

/** Marks messages as needing a re-render; returns how many rows moved. */
/** Keys of adopted overdue nudges (`nudge:<reminder id>`): messages of the run, but not of its checklist. */
export const NUDGE_KEY_PREFIX = 'nudge:';

/**
 * Marks messages of a run as needing an update. `'all'` is every checklist message (a vote, a slip, a
 * role changes them all) but not the adopted nudges: their text never changes while the run is active,
 * and re-sending dozens of them on every vote would spend the channel's update budget for nothing.
 * `'all-and-nudges'` is for the run's end, when the nudges lose their Acknowledge button.
 */
export async function bumpRunMessages(db: Db, runId: number, keys: string[] | 'all' | 'all-and-nudges'): Promise<number> {
  if (keys === 'all-and-nudges') return (await prepared(db, 'UPDATE run_messages SET version = version + 1 WHERE run_id = ?').run(runId)).changes;
  if (keys === 'all') {
    return (
      await prepared(db, 'UPDATE run_messages SET version = version + 1 WHERE run_id = ? AND message_key NOT LIKE ?').run(
        runId,
        `${NUDGE_KEY_PREFIX}%`,
      )
    ).changes;
  }
  if (keys.length === 0) return 0;
  // One statement for the keys (a tick bumps its section's message and the overview): one round trip.
  const distinct = [...new Set(keys)];
  const bump = prepared(
    db,
    `UPDATE run_messages SET version = version + 1 WHERE run_id = ? AND message_key IN (${distinct.map(() => '?').join(', ')})`,
  );
  return (await bump.run(runId, ...distinct)).changes;
}

export async function listUnsyncedMessages(db: Db): Promise<RunMessage[]> {
  return ((await prepared(db, 'SELECT * FROM run_messages WHERE synced_version < version ORDER BY run_id, position').all()) as Row[]).map(toMessage);
}

export async function markMessagePosted(db: Db, runId: number, key: string, ts: string, version: number): Promise<void> {
  await prepared(
    db,
    `UPDATE run_messages SET ts = @ts, synced_version = CASE WHEN synced_version > @version THEN synced_version ELSE @version END,
       last_error = NULL, post_unconfirmed_until = NULL WHERE run_id = @runId AND message_key = @key`,
  ).run({ ts, version, runId, key });
}

export async function markMessageSynced(db: Db, runId: number, key: string, version: number): Promise<void> {
  await prepared(
    db,
    `UPDATE run_messages SET synced_version = CASE WHEN synced_version > @version THEN synced_version ELSE @version END, last_error = NULL
       WHERE run_id = @runId AND message_key = @key`,
  ).run({ version, runId, key });
}

export async function markMessageError(db: Db, runId: number, key: string, error: string): Promise<void> {
  await prepared(db, 'UPDATE run_messages SET last_error = ? WHERE run_id = ? AND message_key = ?').run(error, runId, key);
}

/**
 * Records that a post of this message may land in Slack until `until` (null: no post is in
 * doubt). Written before chat.postMessage, so a process killed mid-call leaves it behind.
 */
export async function markPostUnconfirmed(db: Db, runId: number, key: string, until: number | null): Promise<void> {
  await prepared(db, 'UPDATE run_messages SET post_unconfirmed_until = ? WHERE run_id = ? AND message_key = ?').run(until, runId, key);
}

/**
 * Takes the lease on one message for `lease.by`, so only it posts or updates the message until it
 * lets go (or its lease runs out, the replica having died). True when it holds the lease now: it
 * was free, run out, or already its own. One conditional UPDATE of one row: PostgreSQL re-checks
 * the condition on the row it waited for, so two replicas asking at once cannot both get it.
 */
export async function claimRunMessage(db: Db, runId: number, key: string, lease: Lease = leaseOf()): Promise<boolean> {
  const result = await prepared(
    db,
    `UPDATE run_messages SET leased_by = @by, lease_until = @leaseUntil
       WHERE run_id = @runId AND message_key = @key AND (leased_by IS NULL OR leased_by = @by OR ${LEASE_EXPIRED})`,
  ).run({ runId, key, ...leaseParams(lease) });
  return result.changes === 1;
}

/** Lets go of a message's lease (after the call, whatever its outcome); only the holder can. */
export async function releaseRunMessage(db: Db, runId: number, key: string, by: string = PROCESS_REPLICA): Promise<void> {
  await prepared(db, 'UPDATE run_messages SET leased_by = NULL, lease_until = NULL WHERE run_id = ? AND message_key = ? AND leased_by = ?').run(
    runId,
    key,
    by,
  );
}

/** Extends `lease.by`'s lease on these messages; returns how many it still held. */
export async function renewRunMessageLeases(db: Db, messages: ReadonlyArray<{ runId: number; key: string }>, lease: Lease): Promise<number> {
  const renew = prepared(db, 'UPDATE run_messages SET lease_until = ? WHERE run_id = ? AND message_key = ? AND leased_by = ?');
  let held = 0;
  for (const m of messages) held += (await renew.run(lease.now + lease.ms, m.runId, m.key, lease.by)).changes;
  return held;
}

/**
 * At start: leases on messages that no live replica holds are dropped, so nothing waits for them:
 * on PostgreSQL those that ran out, on SQLite all (everyLeaseIsStaleAtStart).
 */
export async function releaseInterruptedMessageLeases(db: Db, lease: Lease = leaseOf()): Promise<number> {
  return (
    await prepared(db, `UPDATE run_messages SET leased_by = NULL, lease_until = NULL WHERE leased_by IS NOT NULL AND ${RELEASABLE_AT_START}`).run({
      leaseNow: lease.now,
      everything: everyLeaseIsStaleAtStart(db),
    })
  ).changes;
}

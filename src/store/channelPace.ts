import { prepared, type Db } from './db.js';

/**
 * The shared per-channel post pace (migrations/021_channel_pace.sql), a GCRA: `next_at` is when the
 * next post would go if posts went exactly one `interval` apart; a post may go while it is at most
 * `(burst - 1) * interval` ahead of now, and takes the slot by moving it one interval on. One
 * statement takes a slot, on both engines: an upsert whose update applies only when the slot is
 * free (and no 429 pause is on), returning the row it took. On PostgreSQL concurrent takers queue
 * on the row's lock and each sees the one before's `next_at`, so replicas never share a slot.
 */
export interface PaceRule {
  intervalMs: number;
  burst: number;
}

/** Takes a post slot on `channelId` at `now` (wall clock): true when it is this caller's to post. */
export async function takePostSlot(db: Db, channelId: string, now: number, rule: PaceRule): Promise<boolean> {
  const row = await prepared(
    db,
    `INSERT INTO channel_pace (channel_id, next_at, paused_until) VALUES (@channel, @first, 0)
     ON CONFLICT (channel_id) DO UPDATE
       SET next_at = (CASE WHEN channel_pace.next_at > @now THEN channel_pace.next_at ELSE @now END) + @interval
       WHERE channel_pace.next_at <= @latest AND channel_pace.paused_until <= @now
     RETURNING next_at`,
    // Sums are made here, not in SQL: PostgreSQL cannot type `$1 + $2` of two untyped parameters.
  ).get({ channel: channelId, now, interval: rule.intervalMs, first: now + rule.intervalMs, latest: now + (rule.burst - 1) * rule.intervalMs });
  return row !== undefined;
}

/** When a post to `channelId` may next go (wall clock): the pace's next free slot or the end of a 429 pause, whichever is later. */
export async function nextPostSlotAt(db: Db, channelId: string, rule: PaceRule): Promise<number> {
  const row = (await prepared(db, 'SELECT next_at, paused_until FROM channel_pace WHERE channel_id = ?').get(channelId)) as
    | { next_at: number; paused_until: number }
    | undefined;
  return row ? Math.max(row.next_at - (rule.burst - 1) * rule.intervalMs, row.paused_until) : 0;
}

/** Slack answered 429 for `channelId`: no replica posts to it before `until` (a later pause wins). */
export async function pauseChannelPosts(db: Db, channelId: string, until: number): Promise<void> {
  await prepared(
    db,
    `INSERT INTO channel_pace (channel_id, next_at, paused_until) VALUES (@channel, 0, @until)
     ON CONFLICT (channel_id) DO UPDATE SET paused_until = @until WHERE channel_pace.paused_until < @until`,
  ).run({ channel: channelId, until });
}

import type { Db } from '../store/db.js';
import { findReminder, keepPostedText, type ReminderRow } from '../store/reminders.js';
import { adoptPostedRunMessage, NUDGE_KEY_PREFIX } from '../store/runMessages.js';
import { findRun } from '../store/runs.js';

/**
 * Overdue nudges carry an Acknowledge button, and every message of an ended run loses its controls.
 * The reminder poller posts a nudge; it is then adopted as one of the run's messages (key
 * `nudge:<reminder id>`), so the run's end re-renders it through the message sync loop, paced like
 * every other update, without the button. Its text is kept as posted: the end does not rewrite it.
 */

export function nudgeMessageKey(reminderId: number): string {
  return `${NUDGE_KEY_PREFIX}${reminderId}`;
}

export function parseNudgeMessageKey(key: string): number | null {
  const match = /^nudge:(\d+)$/.exec(key);
  return match ? Number(match[1]) : null;
}

/** Records a posted overdue nudge as a run message at `ts`, keeping its text. */
export async function adoptNudgeMessage(db: Db, nudge: { row: ReminderRow; channelId: string; ts: string; text: string }): Promise<void> {
  await db.tx(async () => {
    await keepPostedText(db, nudge.row.id, nudge.text);
    // A run that ended while the nudge was being posted missed taking its button off: due at once.
    const stale = (await findRun(db, nudge.row.runId))?.status !== 'active';
    await adoptPostedRunMessage(db, { runId: nudge.row.runId, key: nudgeMessageKey(nudge.row.id), channelId: nudge.channelId, ts: nudge.ts, stale });
  });
}

/** What an adopted nudge said, and for which section. */
export async function postedNudge(db: Db, reminderId: number): Promise<{ runId: number; sectionId: string; text: string } | null> {
  const row = await findReminder(db, reminderId);
  const text = row?.payload?.['postedText'];
  if (!row || row.sectionId === null || typeof text !== 'string') return null;
  return { runId: row.runId, sectionId: row.sectionId, text };
}

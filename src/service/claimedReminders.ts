import type { Db } from '../store/db.js';
import { listClaimedReminders, releaseReminder, type ReminderRow } from '../store/reminders.js';
import { findRun } from '../store/runs.js';

export type { ReminderRow };

/** A reminder a crash left claimed, with the channel it was being posted to. */
export interface ClaimedReminder {
  row: ReminderRow;
  channelId: string;
}

/** What the restart's reconcile (slack/reminderPoster.ts) reads and records, without the store. */
export interface ClaimedReminders {
  /** Rows left `claimed` by the last process, whose run still exists. */
  list(): ClaimedReminder[];
  /** Back to pending, due as before: it is sent again on the next pass. */
  release(row: ReminderRow, outcome: string): void;
}

export function createClaimedReminders(db: Db): ClaimedReminders {
  return {
    list: () =>
      listClaimedReminders(db).flatMap((row) => {
        const run = findRun(db, row.runId);
        return run ? [{ row, channelId: run.channelId }] : [];
      }),
    release: (row, outcome) => releaseReminder(db, row.id, row.dueAt, outcome),
  };
}

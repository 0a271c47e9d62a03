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
  list(): Promise<ClaimedReminder[]>;
  /** Back to pending, due as before: it is sent again on the next pass. */
  release(row: ReminderRow, outcome: string): Promise<void>;
}

export function createClaimedReminders(db: Db): ClaimedReminders {
  return {
    list: async () => {
      const claimed: ClaimedReminder[] = [];
      for (const row of await listClaimedReminders(db)) {
        const run = await findRun(db, row.runId);
        if (run) claimed.push({ row, channelId: run.channelId });
      }
      return claimed;
    },
    release: (row, outcome) => releaseReminder(db, row.id, row.dueAt, outcome),
  };
}

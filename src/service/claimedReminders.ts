import type { Db } from '../store/db.js';
import { releaseReminder, takeOverInterruptedReminders, type ReminderRow } from '../store/reminders.js';
import { findRun } from '../store/runs.js';

export type { ReminderRow };

/** A reminder a process that died left claimed, with the channel it was being posted to. */
export interface ClaimedReminder {
  row: ReminderRow;
  channelId: string;
}

/** What the restart's reconcile (slack/reminderPoster.ts) reads and records, without the store. */
export interface ClaimedReminders {
  /**
   * Takes over the rows a process that died left `claimed` (whose run still exists) for this
   * replica: on PostgreSQL those whose lease ran out, on SQLite all (store/reminders.ts).
   */
  takeOver(): Promise<ClaimedReminder[]>;
  /** Back to pending, due as before: it is sent again on the next pass. */
  release(row: ReminderRow, outcome: string): Promise<void>;
}

export function createClaimedReminders(db: Db): ClaimedReminders {
  return {
    takeOver: async () => {
      const claimed: ClaimedReminder[] = [];
      for (const row of await takeOverInterruptedReminders(db)) {
        const run = await findRun(db, row.runId);
        if (run) claimed.push({ row, channelId: run.channelId });
      }
      return claimed;
    },
    release: (row, outcome) => releaseReminder(db, row.id, row.dueAt, outcome),
  };
}

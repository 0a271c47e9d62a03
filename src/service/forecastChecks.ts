import type { Run } from '../domain/run.js';
import type { Db } from '../store/db.js';
import { recordSlipSuggestion } from '../store/forecastSuggestions.js';
import { bumpRunMessages } from '../store/runMessages.js';
import { listActiveRuns } from '../store/runs.js';

/** What the forecast job (jobs/forecastNudgeJob.ts) reads and records, so it never holds the database. */
export interface ForecastChecks {
  activeRuns(): Promise<Run[]>;
  /** Records a slip suggestion; false when this window of the run already had one (never twice). */
  recordSuggestion(s: { runId: number; sectionId: string; minutes: number; userId: string; at: number }): Promise<boolean>;
  /** The overview's forecast line changed between clicks: mark it for re-rendering. */
  overviewChanged(runId: number): Promise<void>;
}

export function createForecastChecks(db: Db): ForecastChecks {
  return {
    activeRuns: () => listActiveRuns(db),
    recordSuggestion: (s) => recordSlipSuggestion(db, s),
    overviewChanged: async (runId) => void (await bumpRunMessages(db, runId, ['overview'])),
  };
}

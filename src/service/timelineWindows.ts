import type { Run, RunSnapshot } from '../domain/run.js';
import { computeRollbackWindows, computeSchedule, withWindows } from '../domain/schedule.js';
import type { SectionTimelineState, SectionWindow } from '../domain/sectionWindow.js';
import { runSectionStates } from '../domain/sectionTimelineState.js';
import type { Db } from '../store/db.js';
import { RunCache } from '../store/runCache.js';
import { rollbackStartedAt } from '../store/runs.js';

/** Window queries: where each section of a run sits on the timeline, and where it stands now. */
export class TimelineWindows {
  // Bounded like the checklists: every run ever rendered was kept before.
  private readonly windowCache = new RunCache<{ key: string; windows: SectionWindow[] }>();

  constructor(private readonly db: Db) {}

  /** Every section's window: the schedule from T-0, with rollback windows once a rollback started. */
  async windows(run: Run): Promise<SectionWindow[]> {
    const started = run.rollbackActive ? await rollbackStartedAt(this.db, run.id) : null;
    // The schedule is a pure function of these; reminders, renders and paging ask for it constantly.
    const cacheKey = `${run.t0}:${run.slipMinutes}:${run.timezone}:${started ?? ''}`;
    const cached = this.windowCache.get(run.id);
    if (cached?.key === cacheKey) return cached.windows;
    const schedule = computeSchedule(run.checklist, run.t0, run.timezone, { slipMinutes: run.slipMinutes });
    const windows = started === null ? schedule : withWindows(schedule, computeRollbackWindows(run.checklist, started));
    this.windowCache.set(run.id, run.status === 'active', { key: cacheKey, windows });
    return windows;
  }

  /** Where each section stands now. */
  sectionStates(snapshot: RunSnapshot, windows: SectionWindow[], now: number): Map<string, SectionTimelineState> {
    return runSectionStates(snapshot, windows, now);
  }
}

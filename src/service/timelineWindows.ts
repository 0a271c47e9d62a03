import { allSections } from '../domain/checklist.js';
import { blockedSections, heldSections } from '../domain/gates.js';
import type { Run, RunSnapshot } from '../domain/run.js';
import { computeRollbackWindows, computeSchedule, withWindows } from '../domain/schedule.js';
import type { SectionTimelineState, SectionWindow } from '../domain/sectionWindow.js';
import { sectionTimelineState } from '../domain/sectionTimelineState.js';
import { isSettled } from '../domain/snapshotItems.js';
import type { Db } from '../store/db.js';
import { rollbackStartedAt } from '../store/runs.js';

/** Window queries: where each section of a run sits on the timeline, and where it stands now. */
export class TimelineWindows {
  private readonly windowCache = new Map<number, { key: string; windows: SectionWindow[] }>();

  constructor(private readonly db: Db) {}

  /** Every section's window: the schedule from T-0, with rollback windows once a rollback started. */
  windows(run: Run): SectionWindow[] {
    const started = run.rollbackActive ? rollbackStartedAt(this.db, run.id) : null;
    // The schedule is a pure function of these; reminders, renders and paging ask for it constantly.
    const cacheKey = `${run.t0}:${run.slipMinutes}:${run.timezone}:${started ?? ''}`;
    const cached = this.windowCache.get(run.id);
    if (cached?.key === cacheKey) return cached.windows;
    const schedule = computeSchedule(run.checklist, run.t0, run.timezone, { slipMinutes: run.slipMinutes });
    const windows = started === null ? schedule : withWindows(schedule, computeRollbackWindows(run.checklist, started));
    this.windowCache.set(run.id, { key: cacheKey, windows });
    return windows;
  }

  /** Where each section stands now. */
  sectionStates(snapshot: RunSnapshot, windows: SectionWindow[], now: number): Map<string, SectionTimelineState> {
    const held = heldSections(snapshot);
    const blocked = blockedSections(snapshot).ids;
    const byId = new Map(windows.map((w) => [w.sectionId, w]));
    const states = new Map<string, SectionTimelineState>();
    for (const { phase, section } of allSections(snapshot.run.checklist)) {
      const stopped = snapshot.run.rollbackActive && phase.kind !== 'rollback';
      states.set(
        section.id,
        sectionTimelineState({
          window: byId.get(section.id) ?? null,
          allDone: section.items.every((i) => isSettled(snapshot.items[i.id])),
          blocked: blocked.has(section.id),
          held: held.has(section.id) || stopped,
          now,
        }),
      );
    }
    return states;
  }
}

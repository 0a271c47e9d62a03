import { forecastRun, type RunForecast, type SectionHistory } from '../domain/forecast.js';
import type { Run } from '../domain/run.js';
import { buildRunReport, type AuditRecord, type RunReport } from '../domain/runReport.js';
import { sectionSpans } from '../domain/sectionActuals.js';
import { withTemplateStates } from '../domain/snapshotItems.js';
import { listAudit } from '../store/audit.js';
import { listGateVotes } from '../store/gateVotes.js';
import { listItemStates } from '../store/itemStates.js';
import type { Db } from '../store/db.js';
import { listPages } from '../store/pages.js';
import { completedRunsMark, listEndedRunsOfChecklist } from '../store/runHistory.js';
import type { Clock } from './clock.js';
import type { RunService } from './runService.js';
import type { TimelineService } from './timelineService.js';

/** How many past runs the forecast and `/deploy history` look at. */
export const HISTORY_RUNS = 10;

export interface PastRun {
  run: Run;
  durationMs: number;
  overran: string[];
  outcome: Run['status'];
}

/**
 * Planned against actual, for the live forecast and the end-of-run report. Reads only: the
 * report job and the forecast job do the posting.
 */
export class ReportService {
  constructor(
    private readonly db: Db,
    private readonly runs: RunService,
    private readonly timeline: TimelineService,
    private readonly clock: Clock,
  ) {}

  /** The run's report and the audit rows it was built from. */
  async report(runId: number): Promise<{ report: RunReport; audit: AuditRecord[] }> {
    const snapshot = await this.runs.snapshot(runId);
    const audit = await listAudit(this.db, runId);
    const report = buildRunReport({
      snapshot,
      windows: await this.timeline.windows(snapshot.run),
      audit,
      pages: await listPages(this.db, runId),
      now: this.clock.now(),
    });
    return { report, audit };
  }

  async forecast(runId: number, now = this.clock.now()): Promise<RunForecast> {
    const snapshot = await this.runs.snapshot(runId);
    return forecastRun({
      snapshot,
      windows: await this.timeline.windows(snapshot.run),
      now,
      history: await this.sectionHistory(snapshot.run.checklistName),
    });
  }

  /** Past durations of each section in this checklist's completed runs (cached until one more completes). */
  async sectionHistory(checklistName: string): Promise<SectionHistory> {
    return await sectionHistoryOf(this.db, checklistName);
  }

  /** `/deploy history <checklist>`: past runs, newest first, with their duration, overruns and outcome. */
  async history(checklistName: string, limit = HISTORY_RUNS): Promise<PastRun[]> {
    const past: PastRun[] = [];
    for (const run of await listEndedRunsOfChecklist(this.db, checklistName, limit)) {
      const { report } = await this.report(run.id);
      past.push({ run, durationMs: report.durationMs, overran: report.overran.map((p) => p.title), outcome: run.status });
    }
    return past;
  }
}

const caches = new WeakMap<Db, Map<string, { mark: string; history: SectionHistory }>>();

/**
 * Each section's actual duration (first to last tick) in a checklist's last completed runs, by
 * section key. Cached per database until one more run of the checklist completes, because the
 * overview asks on every render.
 */
export async function sectionHistoryOf(db: Db, checklistName: string): Promise<SectionHistory> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const mark = await completedRunsMark(db, checklistName);
  const cached = cache.get(checklistName);
  if (cached?.mark === mark) return cached.history;
  const history: SectionHistory = {};
  for (const run of await listEndedRunsOfChecklist(db, checklistName, HISTORY_RUNS, ['completed'])) {
    const snapshot = {
      run,
      items: withTemplateStates(run.checklist, await listItemStates(db, run.id)),
      votes: await listGateVotes(db, run.id),
      roles: {},
    };
    for (const span of sectionSpans(snapshot, [])) {
      // One tick is no duration: the section took "no time" only because nothing measured it.
      if (span.actualOpen === null || span.actualClose === null || span.rollback || span.marks.length < 2) continue;
      (history[span.key] ??= []).push(span.actualClose - span.actualOpen);
    }
  }
  cache.set(checklistName, { mark, history });
  return history;
}

import type { Run } from '../domain/run.js';
import { buildRunReport } from '../domain/runReport.js';
import { computeRollbackWindows, computeSchedule, withWindows } from '../domain/schedule.js';
import { withTemplateStates } from '../domain/snapshotItems.js';
import { reportHtml } from '../report/reportHtml.js';
import { timelinePng } from '../report/timelinePng.js';
import { timelineSvg } from '../report/timelineSvg.js';
import { listAudit } from '../store/audit.js';
import type { Db } from '../store/db.js';
import { listGateVotes } from '../store/gateVotes.js';
import { listItemStates } from '../store/itemStates.js';
import { listPages } from '../store/pages.js';
import { listRoles } from '../store/roles.js';
import { rollbackStartedAt } from '../store/runs.js';

/**
 * `deployday export <run> --format png|html`: the same timeline picture and HTML page the bot
 * puts in the run's thread, built from the database alone (a run still going is shown as of now).
 * PNG is written to stdout as bytes: redirect it to a file.
 */
export async function reportExport(
  db: Db,
  run: Run,
  format: 'png' | 'html',
  now = Date.now(),
): Promise<{ output: string | Buffer; exitCode: number }> {
  const started = run.rollbackActive ? await rollbackStartedAt(db, run.id) : null;
  const schedule = computeSchedule(run.checklist, run.t0, run.timezone, { slipMinutes: run.slipMinutes });
  const windows = started === null ? schedule : withWindows(schedule, computeRollbackWindows(run.checklist, started));
  const snapshot = {
    run,
    items: withTemplateStates(run.checklist, await listItemStates(db, run.id)),
    votes: await listGateVotes(db, run.id),
    roles: await listRoles(db, run.id),
  };
  const audit = await listAudit(db, run.id);
  const report = buildRunReport({ snapshot, windows, audit, pages: await listPages(db, run.id), now });
  return format === 'png' ? { output: timelinePng(timelineSvg(report)), exitCode: 0 } : { output: reportHtml(report, audit), exitCode: 0 };
}

/**
 * Peak memory of one overview render or one report, each in a fresh process (RSS rarely shrinks, so
 * in a shared process a later figure hides under an earlier peak):
 * `node --expose-gc bench/support/reportMemoryProbe.js <database> <runId> <overview|report>`
 * prints {"settled": bytes, "peak": bytes}: RSS settled after loading the run, and the process's
 * RSS high-water mark after doing the work once.
 */
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';
import { settledRss } from './report.js';

const [databasePath, runIdText, kind] = process.argv.slice(2);
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
const { openDatabase } = await import(join(dist, 'store', 'db.js'));
const { findRun } = await import(join(dist, 'store', 'runs.js'));
const { listItemStates } = await import(join(dist, 'store', 'itemStates.js'));
const { listGateVotes } = await import(join(dist, 'store', 'gateVotes.js'));
const { listRoles } = await import(join(dist, 'store', 'roles.js'));
const { withTemplateStates } = await import(join(dist, 'domain', 'snapshotItems.js'));
const { computeSchedule } = await import(join(dist, 'domain', 'schedule.js'));
const { runSectionStates } = await import(join(dist, 'domain', 'sectionTimelineState.js'));
const { renderOverview } = await import(join(dist, 'slack', 'views', 'overviewMessage.js'));
const { reportExport } = await import(join(dist, 'cli', 'reportExport.js'));
const { listAudit } = await import(join(dist, 'store', 'audit.js'));
const { listPages } = await import(join(dist, 'store', 'pages.js'));
const { buildRunReport } = await import(join(dist, 'domain', 'runReport.js'));
const { reportMarkdown } = await import(join(dist, 'report', 'reportMarkdown.js'));

const db = openDatabase(databasePath, join(dist, '..', 'migrations'));
const run = await findRun(db, Number(runIdText));
const settled = await settledRss();
if (kind === 'overview') {
  const snapshot = {
    run,
    items: withTemplateStates(run.checklist, await listItemStates(db, run.id)),
    votes: await listGateVotes(db, run.id),
    roles: await listRoles(db, run.id),
  };
  const windows = computeSchedule(run.checklist, run.t0, run.timezone, { slipMinutes: run.slipMinutes });
  const now = Date.now();
  const states = runSectionStates(snapshot, windows, now);
  renderOverview({ snapshot, windows, now, stateOf: (id) => states.get(id) ?? 'unscheduled' });
} else {
  // What the report job builds: the PNG and the HTML page (reportExport), and the markdown record.
  await reportExport(db, run, 'png');
  await reportExport(db, run, 'html');
  const snapshot = {
    run,
    items: withTemplateStates(run.checklist, await listItemStates(db, run.id)),
    votes: await listGateVotes(db, run.id),
    roles: await listRoles(db, run.id),
  };
  const audit = await listAudit(db, run.id);
  reportMarkdown(
    buildRunReport({
      snapshot,
      windows: computeSchedule(run.checklist, run.t0, run.timezone, { slipMinutes: run.slipMinutes }),
      audit,
      pages: await listPages(db, run.id),
      now: Date.now(),
    }),
    audit,
  );
}
const peak = process.resourceUsage().maxRSS * 1024;
await db.close();
console.log(JSON.stringify({ settled, peak }));

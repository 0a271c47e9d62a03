/**
 * `/deploy status`: one run in a glance — progress per phase, what is open now, what is overdue,
 * and where each gate stands. Each part has its own share of the 3000 characters so a long phase
 * list can never push "overdue" out of the reply.
 */
import { allSections } from '../../domain/checklist.js';
import type { RunSnapshot } from '../../domain/run.js';
import type { SectionTimelineState, SectionWindow } from '../../domain/sectionWindow.js';
import { joinLinesWithin, truncate } from './blockKit.js';
import { checklistInline, checklistTitle, escapeMrkdwn } from './checklistMrkdwn.js';
import { runStatusLabel, relativeTime } from './runLabels.js';
import { gateItemOutcome } from '../../domain/gates.js';
import { currentVotes, progressBar, progressText } from './runState.js';
import { tallyItems } from '../../domain/itemTally.js';
import { tallyText } from './tallyText.js';
import type { SectionHistory } from '../../domain/forecast.js';
import { forecastLinesFor } from './forecastText.js';
import { TEXT_REPLY_MAX } from './scheduleText.js';
import { slackDayTime, slackTime } from './slackDate.js';
import { rollbackBranchLine } from './rollbackBranchText.js';

const HEAD_MAX = 600;
const PHASES_MAX = 800;
const OPEN_MAX = 500;
const OVERDUE_MAX = 500;
const GATES_MAX = 500;
const TITLE_MAX = 100;

export function renderStatusText(
  snapshot: RunSnapshot,
  windows: SectionWindow[],
  now: number,
  stateOf: (sectionId: string) => SectionTimelineState,
  history?: SectionHistory,
): string {
  const run = snapshot.run;
  const checklist = run.checklist;
  const windowOf = new Map(windows.map((w) => [w.sectionId, w]));
  const tally = tallyItems(snapshot);

  const head = [
    `*#${run.id} · ${truncate(checklistTitle(checklist.title), TITLE_MAX)}* — ${runStatusLabel(run)}`,
    `T-0 ${slackDayTime(run.t0)} (${relativeTime(run.t0, now)}) · ${progressBar(tally.done, tally.total)} ${tallyText(tally)}`,
  ];
  if (run.rollbackActive && run.rollbackReason !== null) head.push(`🚨 Rollback: ${escapeMrkdwn(run.rollbackReason)}`);
  const branch = run.rollbackActive ? null : rollbackBranchLine(checklist);
  if (branch !== null) head.push(branch);
  head.push(...forecastLinesFor(snapshot, windows, now, history, 3));

  const phaseLines = checklist.phases
    .filter((phase) => phase.kind !== 'rollback' || run.rollbackActive)
    .map((phase) => {
      const items = phase.sections.flatMap((s) => s.items);
      const done = items.filter((i) => snapshot.items[i.id]?.done ?? i.initiallyDone).length;
      return `• ${truncate(checklistTitle(phase.title), TITLE_MAX)} ${progressBar(done, items.length)} ${progressText(snapshot, items)}`;
    });

  const open: string[] = [];
  const overdue: string[] = [];
  const missed: string[] = [];
  const gates: string[] = [];
  for (const { phase, section } of allSections(checklist)) {
    const title = truncate(checklistTitle(section.implicit ? phase.title : section.title), TITLE_MAX);
    const state = stateOf(section.id);
    const closesAt = windowOf.get(section.id)?.closesAt ?? null;
    if (state === 'open' || state === 'closing') {
      open.push(`• ${title}${closesAt === null ? '' : ` — until ${slackTime(closesAt)}`}${state === 'closing' ? ' 🟠' : ''}`);
    }
    if (state === 'overdue') {
      overdue.push(`• ${title}${closesAt === null ? '' : ` — was due ${slackDayTime(closesAt)} (${relativeTime(closesAt, now)})`}`);
    }
    if (state === 'missed') missed.push(`• ${title}${closesAt === null ? '' : ` — was over at ${slackDayTime(closesAt)}`}`);
    if (phase.kind === 'rollback' && !run.rollbackActive) continue;
    for (const item of section.items) {
      if (item.kind !== 'gate') continue;
      const votes = currentVotes(snapshot, item.id);
      const go = votes.filter((v) => v.vote === 'go').length;
      const noGo = votes.length - go;
      const outcome = gateItemOutcome(snapshot, item);
      const word = outcome === 'passed' ? '✅ passed' : outcome === 'failed' ? '⛔ No-Go' : `⏳ pending (Go ${go}, No-Go ${noGo})`;
      gates.push(`• ${truncate(checklistInline(item.text), TITLE_MAX)} _(${title})_ — ${word}`);
    }
  }

  const parts = [truncate(head.join('\n'), HEAD_MAX), `*Phases*\n${joinLinesWithin(phaseLines, PHASES_MAX)}`];
  parts.push(`*Open now*\n${open.length > 0 ? joinLinesWithin(open, OPEN_MAX) : '_Nothing open right now._'}`);
  if (overdue.length > 0) parts.push(`*Overdue* 🔴\n${joinLinesWithin(overdue, OVERDUE_MAX)}`);
  if (missed.length > 0)
    parts.push(`*Missed at start* ⏭ _(over before the run began: not nudged, not paged)_\n${joinLinesWithin(missed, OVERDUE_MAX)}`);
  if (gates.length > 0) parts.push(`*Gates*\n${joinLinesWithin(gates, GATES_MAX)}`);
  return truncate(parts.join('\n\n'), TEXT_REPLY_MAX);
}

/**
 * The run's overview message, posted first and kept up to date: what is running, when T-0 is, who
 * started it, how far along it is, the schedule, the roles and the reference material. Every part
 * has a cap and the schedule gets what is left, so any checklist fits one message.
 */
import type { KnownBlock } from '@slack/types';
import type { RunSnapshot } from '../../domain/run.js';
import type { SectionTimelineState, SectionWindow } from '../../domain/sectionWindow.js';
import { contextBlock, dividerBlock, headerBlock, joinLinesWithin, sectionBlock, truncate } from './blockKit.js';
import type { SlackMessage } from './blockKit.js';
import { checklistPlain, checklistTitle, escapeMrkdwn } from './checklistMrkdwn.js';
import { SlackLimits } from './slackLimits.js';
import type { SectionHistory } from '../../domain/forecast.js';
import { forecastLinesFor } from './forecastText.js';
import { relativeTime, runStatusLabel } from './runLabels.js';
import { progressBar } from './runState.js';
import { tallyItems } from '../../domain/itemTally.js';
import { tallyText } from './tallyText.js';
import { scheduleLines } from './scheduleText.js';
import { slackDate } from './slackDate.js';
import { rollbackBranchLine } from './rollbackBranchText.js';
import { REFERENCE_MENU_TEXT_MAX, referenceControl } from './referenceModal.js';

export interface RenderOverviewInput {
  snapshot: RunSnapshot;
  windows: SectionWindow[];
  now: number;
  /** Permalinks of each phase's first message, by phase id: the schedule links to them. */
  phaseLinks?: Record<string, string>;
  /** Section states: the domain's reading (runSectionStates), as the timeline service answers it. */
  stateOf: (sectionId: string) => SectionTimelineState;
  /** Past durations of this checklist's sections, for the forecast (see domain/forecast.ts). */
  history?: SectionHistory;
}

const BANNER_MAX = 600;
const SUMMARY_MAX = 1200;
const ROLES_MAX = 1000;
const REFERENCE_MAX = 600;
const REASON_MAX = 300;
/** Text the schedule may use: what the other parts leave of our budget, with room to spare. */
const OVERVIEW_TEXT_BUDGET = SlackLimits.totalBlockText - 500;
/** A schedule block stays under the 3000 of a section, leaving room for whole lines. */
const SCHEDULE_BLOCK_MAX = 2800;
const SCHEDULE_HEADING = '*Schedule*';

/** Splits text at line breaks into chunks of at most `max` (lines are already shorter than that). */
function chunkLines(text: string, max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const next = current.length === 0 ? line : `${current}\n${line}`;
    if (next.length > max && current.length > 0) {
      chunks.push(current);
      current = truncate(line, max);
    } else {
      current = truncate(next, max);
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function rolesText(snapshot: RunSnapshot): string {
  const roles = new Map<string, string[]>();
  for (const [role, users] of Object.entries(snapshot.roles)) roles.set(role.toLowerCase(), users);
  // Roles the checklist asks to sign off are listed even while nobody holds them: that is the point.
  for (const phase of snapshot.run.checklist.phases) {
    for (const section of phase.sections) {
      for (const item of section.items) {
        if (item.role !== undefined && !roles.has(item.role.toLowerCase())) roles.set(item.role.toLowerCase(), []);
      }
    }
  }
  if (roles.size === 0) return '*Roles*\n_No roles assigned._';
  const lines = [...roles.entries()].map(([role, users]) => {
    const holders = users.length === 0 ? '_unassigned_' : users.map((u) => `<@${u}>`).join(', ');
    return truncate(`• ${escapeMrkdwn(role)}: ${holders}`, 300);
  });
  return `*Roles*\n${joinLinesWithin(lines, ROLES_MAX - '*Roles*\n'.length)}`;
}

export function renderOverview(input: RenderOverviewInput): SlackMessage {
  const { snapshot, windows, now } = input;
  const run = snapshot.run;
  const checklist = run.checklist;
  const { stateOf } = input;
  // Done, waived, skipped and open apart: a percentage would hide that items were waived.
  const tally = tallyItems(snapshot);

  const title = `#${run.id} · ${checklistPlain(checklist.title)}`;
  const blocks: KnownBlock[] = [headerBlock(title)];

  if (run.rollbackActive) {
    const reason = run.rollbackReason === null ? '' : ` — ${truncate(escapeMrkdwn(run.rollbackReason), REASON_MAX)}`;
    // An ended run's banner tells how it ended, never that a rollback is still under way.
    const banner =
      run.status === 'active'
        ? `🚨 *Rollback active*${reason}\nThe rollback sections below are now open.`
        : `↩️ *Rolled back*${reason}\nThe run has ended (${runStatusLabel(run)}); nothing below can change.`;
    blocks.push(sectionBlock(truncate(banner, BANNER_MAX)));
  }

  const summary: string[] = [];
  let status = `*Status:* ${runStatusLabel(run)}`;
  if (run.endedAt !== null) status += ` ${slackDate(run.endedAt, '{date_short_pretty} {time}')}`;
  if (run.endReason !== null) status += ` — ${truncate(escapeMrkdwn(run.endReason), REASON_MAX)}`;
  summary.push(status);
  summary.push(`*Checklist:* ${truncate(checklistTitle(checklist.title), 150)} (\`${truncate(escapeMrkdwn(run.checklistName), 100)}\`)`);
  summary.push(
    `*T-0:* ${slackDate(run.t0, '{date_short_pretty} {time}')} (${relativeTime(run.t0, now)}) · checklist times are in ${truncate(escapeMrkdwn(run.timezone), 60)}`,
  );
  summary.push(`*Started by:* <@${run.startedBy}>`);
  summary.push(`*Progress:* ${progressBar(tally.done, tally.total)} ${tallyText(tally)} (of ${tally.total} items)`);
  const branch = run.rollbackActive ? null : rollbackBranchLine(checklist);
  if (branch !== null) summary.push(branch);
  summary.push(...forecastLinesFor(snapshot, windows, now, input.history, 1));
  blocks.push(sectionBlock(truncate(summary.join('\n'), SUMMARY_MAX)));

  const roles = rolesText(snapshot);
  const referenceTitles = checklist.reference.map((r) => checklistTitle(r.title));
  const reference =
    referenceTitles.length === 0
      ? ''
      : truncate(`*Reference* (open one below, or \`/deploy ref &lt;section&gt;\`): ${referenceTitles.join(' · ')}`, REFERENCE_MAX);
  const referenceOpen = referenceControl(run.id, checklist);

  // The schedule gets whatever the other parts may take at most leave.
  const fixed = SlackLimits.headerText + BANNER_MAX + SUMMARY_MAX;
  const scheduleBudget = Math.max(
    200,
    OVERVIEW_TEXT_BUDGET -
      fixed -
      roles.length -
      reference.length -
      (referenceOpen ? REFERENCE_MENU_TEXT_MAX + 100 : 0) -
      SCHEDULE_HEADING.length -
      1,
  );
  const schedule = joinLinesWithin(scheduleLines(snapshot, windows, stateOf, input.phaseLinks), scheduleBudget);
  blocks.push(dividerBlock());
  chunkLines(`${SCHEDULE_HEADING}\n${schedule}`, SCHEDULE_BLOCK_MAX).forEach((chunk) => blocks.push(sectionBlock(chunk)));
  blocks.push(dividerBlock());
  blocks.push(sectionBlock(roles));
  if (reference.length > 0) blocks.push(contextBlock([reference]));
  if (referenceOpen) blocks.push(referenceOpen);

  // The fallback `text` is mrkdwn: the plain header title is escaped there.
  const fallback = `${escapeMrkdwn(title)} — ${runStatusLabel(run)} — ${tallyText(tally)}`;
  return { text: truncate(fallback, SlackLimits.fallbackText), blocks };
}

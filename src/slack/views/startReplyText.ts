import type { MissedAtStart } from '../../domain/missedWindows.js';
import type { Run } from '../../domain/run.js';
import { formatInZone } from '../../domain/zonedTime.js';
import { joinLinesWithin } from './blockKit.js';
import { checklistInline, checklistTitle, escapeMrkdwn } from './checklistMrkdwn.js';
import { slackDayTime } from './slackDate.js';

const LIST_MAX = 1_200;

/**
 * The part of `start`'s reply about windows that were over before the run existed: which ones, that
 * they are shown as missed (never nudged, never paged), and the command for a T-0 that leaves room.
 */
export function missedAtStartText(run: Run, missed: MissedAtStart): string {
  if (missed.sections.length === 0) return '';
  const names = joinLinesWithin(
    missed.sections.map((s) => `• ${checklistTitle(s.title)}`),
    LIST_MAX,
  );
  // `at` takes the run's zone's wall time: formatInZone's date and time, without the zone's name.
  const at = missed.laterT0 === null ? null : formatInZone(missed.laterT0, run.timezone).slice(0, 16);
  const offer =
    at === null
      ? ''
      : `\nTo do them on time, start it with a later T-0 instead: \`/deploy start ${escapeMrkdwn(run.checklistName)} at ${at}${run.timezone === 'UTC' ? '' : ` tz ${escapeMrkdwn(run.timezone)}`}\` (and \`/deploy abort #${run.id}\` this one).`;
  return `\n⏭ *Missed at start*: ${missed.sections.length === 1 ? 'this window was' : 'these windows were'} over before the run began. They show as missed, and are never nudged or paged:\n${names}${offer}`;
}

/** `start`'s reply: the run, its T-0 (and why it fell where it did), and the windows missed at start. */
export function startReplyText(run: Run, note: string | null, missed: MissedAtStart): string {
  const noteText =
    note === 'tomorrow'
      ? ' (that time has passed today, so: tomorrow)'
      : note === 'past'
        ? ' (in the past: windows already over show as missed at start)'
        : '';
  return `Started run *#${run.id}* of \`${escapeMrkdwn(run.checklistName)}\`: *${escapeMrkdwn(run.checklist.title)}*. T-0 ${slackDayTime(run.t0)}${noteText}, clock windows read in ${escapeMrkdwn(run.timezone)}. The checklist is being posted in this channel; you are the lead.${missedAtStartText(run, missed)}`;
}

/** `/deploy waive gate`'s reply. */
export function gateWaivedText(runId: number, waived: { gateText: string; section: string; reason: string }): string {
  return `Gate “${checklistInline(waived.gateText)}” (${checklistInline(waived.section)}) waived on run #${runId}: ${escapeMrkdwn(waived.reason)}. It counts as waived, not passed; the audit records it as a gate waiver.`;
}

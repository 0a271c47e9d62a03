import type { MissedAtStart } from '../../domain/missedWindows.js';
import type { Run } from '../../domain/run.js';
import { formatInZone } from '../../domain/zonedTime.js';
import { joinLinesWithin } from './blockKit.js';
import { checklistTitle, escapeMrkdwn } from './checklistMrkdwn.js';

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

import { NUDGE_CAP } from '../domain/reminderPlan.js';
import { formatInZone } from '../domain/zonedTime.js';
import { formatOffset, formatOffsetMinutes } from './formatOffset.js';
import type { Participation, RehearsalEvent } from './rehearseDay.js';

export interface RehearsalHeader {
  title: string;
  file: string;
  t0: number;
  timezone: string;
  participation: Participation;
  rollbackAtMinutes?: number | null;
  /** The checklist's size, as lint says it (domain/checklistCounts.ts). */
  size?: string;
}

const KINDS_IN_SUMMARY = ['post', 'reminder', 'notice', 'page', 'action', 'error'] as const;

/**
 * The printed timeline: a header, one line per event in time order
 * (`2026-11-23 15:45 EST  (T-15m)  #1  reminder  opens_soon       <section>: <first line>`),
 * then counts by kind. Slack date tokens are replaced by their fallback text, which is written
 * in the run's zone; the rest of the mrkdwn is left as the bot would send it.
 */
export function formatRehearsal(events: RehearsalEvent[], header: RehearsalHeader): string {
  const lines = [
    `Rehearsal of “${header.title}” (${header.file})`,
    `T-0       ${formatInZone(header.t0, header.timezone)} = ${formatInZone(header.t0, 'UTC')}, zone ${header.timezone}`,
    `Team      ${header.participation === 'idle' ? 'nobody ticks anything (--idle)' : 'finishes each timed section a minute before it closes'}`,
  ];
  if (header.size !== undefined) lines.push(`Checklist ${header.size}`);
  if (header.rollbackAtMinutes != null) lines.push(`Rollback  declared at ${formatOffsetMinutes(header.rollbackAtMinutes)}`);
  lines.push('Nothing is sent: every message and page below is printed instead of posted.', '');

  const offsets = events.map((e) => `(${formatOffset(e.at, e.t0)})`);
  const width = Math.max(0, ...offsets.map((o) => o.length));
  events.forEach((event, i) => {
    lines.push(
      `${formatInZone(event.at, header.timezone)}  ${offsets[i]!.padEnd(width)}  #${event.runId}  ${event.kind.padEnd(8)}  ${describe(event, header.timezone)}`.trimEnd(),
    );
  });

  lines.push('', 'Summary');
  // Done, waived, skipped and open apart, as the overview counts them: never a percentage.
  const tally = events.findLast((e) => e.kind === 'end')?.tally;
  if (tally) {
    const skipped = tally.skipped > 0 ? ` · ${tally.skipped} skipped by the rollback` : '';
    lines.push(`  ${'items'.padEnd(10)}${tally.done} done · ${tally.waived} waived · ${tally.open} open${skipped} (of ${tally.total})`);
  }
  for (const kind of KINDS_IN_SUMMARY) {
    const ofKind = events.filter((e) => e.kind === kind);
    if (ofKind.length === 0 && (kind === 'error' || kind === 'page')) continue;
    const label = `${kind}s`.padEnd(10);
    if (kind !== 'reminder' || ofKind.length === 0) {
      lines.push(`  ${label}${ofKind.length}`);
      continue;
    }
    const byKind = new Map<string, number>();
    for (const e of ofKind) byKind.set(e.detail, (byKind.get(e.detail) ?? 0) + 1);
    const late = ofKind.filter((e) => e.late).length;
    lines.push(`  ${label}${ofKind.length} (${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}${late > 0 ? `; ${late} late` : ''})`);
  }
  const nudges = events.filter((e) => e.kind === 'reminder' && e.detail === 'overdue');
  if (nudges.length > 0) {
    const most = Math.max(...[...countBy(nudges, (e) => e.sectionTitle ?? '').values()]);
    lines.push(
      `  ${'nudges'.padEnd(10)}overdue nudges back off (15, 30, 60 min, then hourly) and stop nudging at the cap of ${NUDGE_CAP} per section or at midnight of the day the section closed; at most ${most} for one section here`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** Warnings name what is still open: the lines after the first (the open items), indented under the event. */
const LISTS_OPEN_ITEMS = new Set(['closing_soon', 'overdue']);

function describe(event: RehearsalEvent, timeZone: string): string {
  const text = firstLine(event.text, timeZone);
  switch (event.kind) {
    case 'reminder': {
      const line = `${event.detail.padEnd(15)}  ${event.sectionTitle ?? ''}: ${text}`;
      // A shared reminder (labelled "5 sections") lists its sections under its first line, whatever its kind.
      if (!LISTS_OPEN_ITEMS.has(event.detail) && !/^\d+ sections$/.test(event.sectionTitle ?? '')) return line;
      const rest = event.text
        .split('\n')
        .slice(1)
        .map((l) => `    ${plainLine(l, timeZone)}`.trimEnd())
        .filter((l) => l.trim() !== '');
      return [line, ...rest].join('\n');
    }
    case 'post':
    case 'page':
      return `${event.detail.padEnd(15)}  ${text}`;
    default:
      return text;
  }
}

/**
 * The first line of a message as a person in the run's timezone reads it: a `<!date^SECONDS^…|fallback>`
 * token becomes its moment in that zone (Slack shows each reader their own zone; the fallback is UTC,
 * which would mix zones within one rehearsal line), and Slack's escapes (&amp; &lt; &gt;) their
 * characters. Other mrkdwn stays.
 */
export function firstLine(mrkdwn: string, timeZone: string): string {
  return plainLine(mrkdwn.split('\n')[0] ?? '', timeZone);
}

function plainLine(line: string, timeZone: string): string {
  return line
    .replace(/<!date\^(\d+)\^[^|>]*\|[^>]*>/g, (_token, seconds: string) => formatInZone(Number(seconds) * 1000, timeZone))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

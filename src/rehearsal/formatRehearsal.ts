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
      `${formatInZone(event.at, header.timezone)}  ${offsets[i]!.padEnd(width)}  #${event.runId}  ${event.kind.padEnd(8)}  ${describe(event)}`.trimEnd(),
    );
  });

  lines.push('', 'Summary');
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
  return `${lines.join('\n')}\n`;
}

function describe(event: RehearsalEvent): string {
  const text = firstLine(event.text);
  switch (event.kind) {
    case 'reminder':
      return `${event.detail.padEnd(15)}  ${event.sectionTitle ?? ''}: ${text}`;
    case 'post':
    case 'page':
      return `${event.detail.padEnd(15)}  ${text}`;
    default:
      return text;
  }
}

/**
 * The first line of a message as a person reads it: `<!date^…|fallback>` tokens become their
 * fallback, and Slack's escapes (&amp; &lt; &gt;) their characters. Other mrkdwn stays.
 */
export function firstLine(mrkdwn: string): string {
  return (mrkdwn.split('\n')[0] ?? '')
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

import type { ReminderKind } from '../../domain/reminderPlan.js';
import type { SectionWindow } from '../../domain/sectionWindow.js';
import { truncate } from './blockKit.js';
import { checklistInline, checklistTitle, oneLine } from './checklistMrkdwn.js';
import { formatMinutes, slackDate } from './slackDate.js';

/**
 * The text of each reminder the poller posts, as Slack mrkdwn. Times are Slack date tokens so each
 * reader sees their own zone; the fallback inside each token is written in the run's zone.
 * A reminder is one short message: at most 3000 characters (a section block's limit), open items
 * cut with "…and N more".
 */

export const REMINDER_TEXT_MAX = 3000;
export const TITLE_MAX = 150;
export const ITEM_MAX = 200;

export interface ReminderOpenItem {
  /** The item's checklist text (markdown). */
  text: string;
  /** Slack user ids of the people who own it (by role or assignment). */
  ownerIds?: string[];
}

export interface ReminderTextInput {
  kind: ReminderKind;
  runId: number;
  runTitle: string;
  sectionTitle: string;
  window: SectionWindow | null;
  /** Items of the section still to do, in checklist order. */
  openItems: ReminderOpenItem[];
  /** Permalink of the run's checklist message. */
  messageLink?: string;
  /** Sent more than a minute after it was due (see classifyDue); needs `dueAt`. */
  late?: boolean;
  /** When the reminder was due: the moment the bot was offline, for late ones. */
  dueAt?: number;
  /** The gate the section is waiting on, as its checklist text (markdown). */
  blocked?: string;
  /** Zone the fallback times are written in. Default UTC. */
  timezone?: string;
  /** Timer and time-box reminders: the item the timer belongs to, as checklist text (the section is named otherwise). */
  itemText?: string;
  /** Timer and time-box reminders: the length of the timer. */
  minutes?: number;
}

/** Checklist text as one line of mrkdwn, at most `max` characters, never cutting a `<link|text>` or an entity in half. */
export function clip(md: string, max: number): string {
  return truncate(checklistInline(oneLine(md)), max);
}

/** A checklist title as escaped plain words, at most `max` characters. */
export function clipTitle(md: string, max: number): string {
  return truncate(checklistTitle(md), max);
}

/** Said after a reminder's first line when it goes out late because the bot was offline at its moment. */
export function lateNote(input: { late?: boolean | undefined; dueAt?: number | undefined }, at: (ms: number) => string): string {
  if (input.late !== true) return '';
  return input.dueAt !== undefined ? ` _(late: the bot was offline at ${at(input.dueAt)})_` : ' _(late: the bot was offline)_';
}

/** A reminder's last lines: what a locked window waits on, and the link to the checklist. */
export function reminderTail(input: { blocked?: string | undefined; messageLink?: string | undefined }, blocked: boolean): string[] {
  const tail: string[] = [];
  if (blocked) tail.push(`:no_entry: Waiting on: ${clip(input.blocked ?? '', ITEM_MAX)}`);
  if (input.messageLink !== undefined) tail.push(`<${input.messageLink}|Open the checklist>`);
  return tail;
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function renderReminderText(input: ReminderTextInput): string {
  const tz = input.timezone ?? 'UTC';
  const at = (ms: number): string => slackDate(ms, '{date_short_pretty} {time}', tz);
  const run = `*#${input.runId} ${clipTitle(input.runTitle, TITLE_MAX)}*`;
  const section = `*${clipTitle(input.sectionTitle, TITLE_MAX)}*`;
  const opensAt = input.window?.opensAt ?? null;
  const closesAt = input.window?.closesAt ?? null;
  const count = input.openItems.length;
  const until = closesAt !== null ? `, until ${at(closesAt)}` : '';
  // Bold around plain words: the item's own markdown ("**Triage call** (15 minutes)") would nest a bold in a bold.
  const timed = input.itemText !== undefined ? `*${clipTitle(input.itemText, ITEM_MAX)}*` : section;
  const length = input.minutes !== undefined ? formatMinutes(input.minutes) : null;

  const blocked = input.blocked !== undefined && input.blocked.trim() !== '';
  let head: string;
  let listItems = false;
  switch (input.kind) {
    case 'opens_soon':
      head = `:hourglass_flowing_sand: ${run} · ${section} opens ${opensAt !== null ? `at ${at(opensAt)}` : 'soon'}${until}. ${plural(count, 'item', 'items')} to do.`;
      break;
    case 'opened':
      // A section locked behind an undecided gate is not open, whatever its window says (the tail names the gate).
      head = blocked
        ? `:no_entry: ${run} · ${section}'s window starts now${until}, but the section stays locked until its gate passes.`
        : `:arrow_forward: ${run} · ${section} is open now${until}. ${plural(count, 'item', 'items')} to do.`;
      break;
    case 'closing_soon':
      head = `:warning: ${run} · ${section} closes ${closesAt !== null ? `at ${at(closesAt)}` : 'soon'}. Still open:`;
      listItems = true;
      break;
    case 'overdue':
      head = `:rotating_light: ${run} · ${section} is overdue${closesAt !== null ? `: it closed at ${at(closesAt)}` : ''}. Still open:`;
      listItems = true;
      break;
    case 'timer_done':
      head = `:alarm_clock: ${run} · Time is up${length !== null ? ` (${length})` : ''} for ${timed} in ${section}.`;
      break;
    case 'timebox_expired':
      head = `:rotating_light: ${run} · The time box${length !== null ? ` of ${length}` : ''} for ${timed} has run out. Decide now: carry on or escalate.`;
      break;
  }
  head += lateNote(input, at);
  const tail = reminderTail(input, blocked);

  const lines = listItems ? itemLines(input.openItems, head, tail) : [];
  // Head and tail are clipped well below the limit; the slice only guards against a future edit.
  return [head, ...lines, ...tail].join('\n').slice(0, REMINDER_TEXT_MAX);
}

function owners(ids: string[]): string {
  return ids.length === 0 ? '_no owner_' : ids.map((id) => `<@${id}>`).join(', ');
}

/**
 * As many open items as fit beside `head` and `tail`, then "…and N more". Items are grouped by who
 * owns them, owners named once per group ("<@lead>:" then the items), so a nudge for six of one
 * person's items mentions them once, not six times.
 */
function itemLines(items: ReminderOpenItem[], head: string, tail: string[]): string[] {
  if (items.length === 0) return ['_nothing: every item is done._'];
  const groups = new Map<string, { ids: string[]; items: ReminderOpenItem[] }>();
  for (const item of items) {
    const ids = [...new Set(item.ownerIds ?? [])];
    const key = ids.join(',');
    const group = groups.get(key) ?? { ids, items: [] };
    group.items.push(item);
    groups.set(key, group);
  }
  const fixed = head.length + tail.reduce((n, line) => n + line.length + 1, 0);
  const lines: string[] = [];
  let used = fixed;
  let shown = 0;
  for (const group of groups.values()) {
    const label = `${owners(group.ids)}:`;
    for (const [i, item] of group.items.entries()) {
      const line = `${i === 0 ? `${label}\n` : ''}• ${clip(item.text, ITEM_MAX)}`;
      const left = items.length - shown - 1;
      // Keep room for the "…and N more" line unless this is the last item.
      const reserve = left > 0 ? `\n…and ${items.length} more`.length : 0;
      if (used + 1 + line.length + reserve > REMINDER_TEXT_MAX) {
        lines.push(`…and ${items.length - shown} more`);
        return lines;
      }
      lines.push(line);
      used += 1 + line.length;
      shown += 1;
    }
  }
  return lines;
}

import type { ReminderKind } from '../../domain/reminderPlan.js';
import type { SectionWindow } from '../../domain/sectionWindow.js';
import { clip, clipTitle, ITEM_MAX, lateNote, plural, REMINDER_TEXT_MAX, reminderTail, TITLE_MAX, type ReminderOpenItem } from './reminderText.js';
import { slackDate } from './slackDate.js';

/**
 * The text of a reminder shared by sections with one window (domain/sharedWindows.ts): one message
 * instead of one per section. Each section is named in bold with its open items under it, grouped
 * by owner; each owner is mentioned once in the message (a later group of the same people points
 * back to the section where they were named). Like a section's reminder it is one section block:
 * at most 3000 characters, the rest cut with "…and N more".
 */

export interface SharedReminderSection {
  title: string;
  window: SectionWindow | null;
  openItems: ReminderOpenItem[];
}

export interface SharedReminderTextInput {
  kind: Extract<ReminderKind, 'opens_soon' | 'opened' | 'closing_soon' | 'overdue'>;
  runId: number;
  runTitle: string;
  sections: SharedReminderSection[];
  messageLink?: string;
  late?: boolean;
  dueAt?: number;
  /** The gate the sections wait on, as its checklist text (markdown). */
  blocked?: string;
  timezone?: string;
}

export function renderSharedReminderText(input: SharedReminderTextInput): string {
  const tz = input.timezone ?? 'UTC';
  const at = (ms: number): string => slackDate(ms, '{date_short_pretty} {time}', tz);
  const run = `*#${input.runId} ${clipTitle(input.runTitle, TITLE_MAX)}*`;
  const first = input.sections[0]?.window ?? null;
  const opensAt = first?.opensAt ?? null;
  const closesAt = first?.closesAt ?? null;
  const n = `${input.sections.length} sections`;
  // Sections opening together may close apart: then each line says its own close.
  const oneClose = input.sections.every((sec) => (sec.window?.closesAt ?? null) === closesAt);
  const untilOf = (ms: number | null): string => (ms !== null ? `, until ${at(ms)}` : '');
  const until = oneClose ? untilOf(closesAt) : '';
  const blocked = input.blocked !== undefined && input.blocked.trim() !== '';
  let head: string;
  switch (input.kind) {
    case 'opens_soon':
      head = `:hourglass_flowing_sand: ${run} · ${n} open ${opensAt !== null ? `at ${at(opensAt)}` : 'soon'}${until}:`;
      break;
    case 'opened':
      head = blocked
        ? `:no_entry: ${run} · The windows of ${n} start now${until}, but they stay locked until their gate passes:`
        : `:arrow_forward: ${run} · ${n} are open now${until}:`;
      break;
    case 'closing_soon':
      head = `:warning: ${run} · ${n} close ${closesAt !== null ? `at ${at(closesAt)}` : 'soon'}. Still open:`;
      break;
    case 'overdue':
      head = `:rotating_light: ${run} · ${n} are overdue${closesAt !== null ? `: they closed at ${at(closesAt)}` : ''}. Still open:`;
      break;
  }
  head += lateNote(input, at);
  const tail = reminderTail(input, blocked);

  const listsItems = input.kind === 'closing_soon' || input.kind === 'overdue';
  const lines = listsItems
    ? sectionItemLines(input.sections, head, tail)
    : input.sections.map(
        (s) =>
          `• *${clipTitle(s.title, TITLE_MAX)}*: ${plural(s.openItems.length, 'item', 'items')} to do${oneClose ? '' : untilOf(s.window?.closesAt ?? null)}`,
      );
  return [head, ...lines, ...tail].join('\n').slice(0, REMINDER_TEXT_MAX);
}

/**
 * Each section's title, then its open items grouped by owner, as many as fit beside `head` and
 * `tail`, then "…and N more". An owner is mentioned the first time they own something here; a group
 * whose people were all named before says under which section.
 */
function sectionItemLines(sections: SharedReminderSection[], head: string, tail: string[]): string[] {
  const total = sections.reduce((n, s) => n + s.openItems.length, 0);
  const mentioned = new Map<string, string>(); // owner id → title of the section where they were named
  const lines: string[] = [];
  let used = head.length + tail.reduce((n, line) => n + line.length + 1, 0);
  let shown = 0;
  let lastOwners: string | null = null;
  for (const section of sections) {
    const title = `*${clipTitle(section.title, TITLE_MAX)}*`;
    let sectionLine: string | null = title;
    for (const group of byOwner(section.openItems)) {
      const ownersKey = group.ids.join(',');
      const label = ownersKey === lastOwners ? null : ownerLabel(group.ids, mentioned);
      for (const [i, item] of group.items.entries()) {
        const prefix = [sectionLine, i === 0 ? label : null].filter((l): l is string => l !== null);
        const line = [...prefix, `• ${clip(item.text, ITEM_MAX)}`].join('\n');
        const reserve = total - shown - 1 > 0 ? `\n…and ${total} more`.length : 0;
        if (used + 1 + line.length + reserve > REMINDER_TEXT_MAX) {
          lines.push(`…and ${total - shown} more`);
          return lines;
        }
        lines.push(line);
        used += 1 + line.length;
        shown += 1;
        sectionLine = null;
        for (const id of group.ids) if (!mentioned.has(id)) mentioned.set(id, title);
        lastOwners = ownersKey;
      }
    }
  }
  return lines;
}

function byOwner(items: ReminderOpenItem[]): Array<{ ids: string[]; items: ReminderOpenItem[] }> {
  const groups = new Map<string, { ids: string[]; items: ReminderOpenItem[] }>();
  for (const item of items) {
    const ids = [...new Set(item.ownerIds ?? [])];
    const group = groups.get(ids.join(',')) ?? { ids, items: [] };
    group.items.push(item);
    groups.set(ids.join(','), group);
  }
  return [...groups.values()];
}

/** `<@U1>, <@U2>:` for people not named yet in this message; people named before are pointed back to. */
function ownerLabel(ids: string[], mentioned: ReadonlyMap<string, string>): string {
  if (ids.length === 0) return '_no owner_:';
  const fresh = ids.filter((id) => !mentioned.has(id)).map((id) => `<@${id}>`);
  const before = [...new Set(ids.filter((id) => mentioned.has(id)).map((id) => mentioned.get(id)!))];
  const back =
    before.length === 0 ? '' : `the ${before.length === 1 && ids.length - fresh.length === 1 ? 'owner' : 'owners'} named under ${before.join(', ')}`;
  return `${[...fresh, ...(back ? [back] : [])].join(', ')}:`;
}

import type { Checklist, Item, Minutes, Section } from './checklist.js';
import type { SectionWindow } from './sectionWindow.js';
import { computeRollbackTimeboxes, type RollbackTimebox } from './schedule.js';
import { isUntimed } from './sectionTimelineState.js';
import { pageGraceFor } from './escalationRules.js';
import { closeTag, groupRef, groupTag, lockingGates } from './sharedWindows.js';
import { addLocalDays, startOfLocalDay } from './zonedTime.js';

/**
 * Which reminders a run needs and when. Pure: the poller stores these (a unique key each, so planning
 * twice is harmless), sends them when due, and asks classifyDue what to do with each one.
 *
 * Keys are `r<run>:<section or item>:<kind>[:<repeat>]@<due or start, UTC, to the second>`, e.g.
 * `r12:s3:opened@20261123T160000Z`, `r12:s3:overdue:0@20261123T180000Z`, a shared one
 * `r12:s0+s1+s4:overdue:0@20261123T180000Z`,
 * `r12:s5.i2:timer_done@20261123T161500Z` (a timer's key holds its start). The moment is part of the
 * key because the store ignores a key it has seen, cancelled rows included: after a slip, a moved
 * reminder is a new row, and a restarted timer is a new timer.
 */

export type ReminderKind = 'opens_soon' | 'opened' | 'closing_soon' | 'overdue' | 'timer_done' | 'timebox_expired';

export interface PlannedReminder {
  key: string;
  dueAt: number;
  kind: ReminderKind;
  sectionId?: string;
  /** A reminder shared by sections with the same window (see sharedWindows.ts): all of them, `sectionId` first. */
  sectionIds?: string[];
  itemId?: string;
  /** Overdue nudges: 0 for the first, then one more per repeat interval since the close. */
  repeat?: number;
}

const MINUTE_MS = 60_000;
const DEFAULT_LEAD_MINUTES = 15;
const DEFAULT_CLOSING_SOON_MINUTES = 15;
const DEFAULT_REPEAT_MINUTES = 15;

/** "20261123T160000Z": a UTC moment to the second, compact enough for a key. */
export function keyStamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/[-:]/g, '').replace('.000', '');
}

function sectionKey(runId: number, sectionId: string, kind: ReminderKind, dueAt: number, repeat?: number): string {
  const repeatPart = repeat === undefined ? '' : `:${repeat}`;
  return `r${runId}:${sectionId}:${kind}${repeatPart}@${keyStamp(dueAt)}`;
}

export interface PlanRemindersInput {
  run: { id: number; t0: number; timezone: string };
  checklist: Checklist;
  /** From computeSchedule (with rollback windows swapped in once a rollback has started). */
  windows: SectionWindow[];
  /** Minutes before an open to say it is coming. Default: the checklist's setting, else 15. */
  leadMinutes?: Minutes;
  /** Minutes before a close to warn. Default 15. */
  closingSoonMinutes?: Minutes;
  /** Interval of overdue nudges. Default: the checklist's setting, else 15. */
  repeatMinutes?: Minutes;
  now: number;
}

/**
 * The section reminders for a schedule, in due order. Per section with a window and items:
 * - `opens_soon` at opensAt - lead, and `opened` at opensAt. Not for a section with no time written
 *   (it is open from the start, see sectionTimelineState.isUntimed), nor for a section placed by
 *   order that opens together with the section before it (announcing it would be noise).
 * - `closing_soon` at closesAt - 15 min, only when the window is longer than 30 min (or has no open).
 * - `overdue` at closesAt (repeat 0); further nudges come one at a time from nextOverdue.
 * Sections whose windows open (or close) at the same moment share one reminder of each kind, which
 * names them all (`sectionIds`), unless a per-section page grace or a different gate sets one apart
 * (sharedWindows.ts): five sections closing at T-0 get one "closes soon" and one nudge series.
 * Planning is forward-looking: anything due before `now` is left out, so `opens_soon` is skipped
 * when its moment has passed even if the open is still ahead (the `opened` reminder follows
 * shortly). Overdue is the exception: a window already closed gets the nudge of the current repeat
 * interval, at or after `now`, as nextOverdue would have planned it.
 * Sections without items get nothing: there is nothing to remind anyone to do.
 */
export function planReminders(input: PlanRemindersInput): PlannedReminder[] {
  const { run, checklist, windows, now } = input;
  const leadMs = (input.leadMinutes ?? checklist.settings.reminderLeadMinutes ?? DEFAULT_LEAD_MINUTES) * MINUTE_MS;
  const closingMs = (input.closingSoonMinutes ?? DEFAULT_CLOSING_SOON_MINUTES) * MINUTE_MS;
  const repeatMs = (input.repeatMinutes ?? checklist.settings.overdueRepeatMinutes ?? DEFAULT_REPEAT_MINUTES) * MINUTE_MS;

  const sections = new Map<string, Section>();
  for (const phase of checklist.phases) for (const s of phase.sections) sections.set(s.id, s);
  const locks = lockingGates(checklist);

  // Reminders of one kind, due at one moment, with one tag (gate, grace) become one reminder. The
  // tag holds the window's moment too: nudges of windows that closed at different times can fall due together.
  const groups = new Map<string, { kind: ReminderKind; dueAt: number; repeat: number | undefined; sectionIds: string[] }>();
  const add = (kind: ReminderKind, sectionId: string, dueAt: number, tag: string, repeat?: number): void => {
    const id = `${kind}@${dueAt}|${tag}`;
    const group = groups.get(id) ?? { kind, dueAt, repeat, sectionIds: [] };
    group.sectionIds.push(sectionId);
    groups.set(id, group);
  };

  let previousOpen: number | null = null;
  for (const w of windows) {
    const section = sections.get(w.sectionId);
    if (!section || section.items.length === 0) continue;
    const { opensAt, closesAt } = w;
    const sharesOpen = !w.explicit && opensAt !== null && opensAt === previousOpen;
    previousOpen = opensAt;
    const openTag = groupTag(w.sectionId, locks);
    // A section with no time written is open from the start (isUntimed): announcing its inferred open would be false.
    if (opensAt !== null && !sharesOpen && !isUntimed(w, section)) {
      if (leadMs > 0 && opensAt - leadMs >= now) add('opens_soon', w.sectionId, opensAt - leadMs, openTag);
      if (opensAt >= now) add('opened', w.sectionId, opensAt, openTag);
    }
    if (closesAt === null) continue;
    const closeGroup = closeTag(closesAt, w.sectionId, locks, pageGraceFor(checklist.settings, section.title));
    const longEnough = opensAt === null || closesAt - opensAt > 2 * closingMs;
    if (closingMs > 0 && longEnough && closesAt - closingMs >= now) add('closing_soon', w.sectionId, closesAt - closingMs, closeGroup);
    const repeat = closesAt >= now || repeatMs <= 0 ? 0 : Math.ceil((now - closesAt) / repeatMs);
    add('overdue', w.sectionId, closesAt + repeat * repeatMs, closeGroup, repeat);
  }

  const planned: PlannedReminder[] = [];
  for (const { kind, dueAt, repeat, sectionIds } of groups.values()) {
    const sectionId = sectionIds[0]!;
    const reminder: PlannedReminder = { key: sectionKey(run.id, groupRef(sectionIds), kind, dueAt, repeat), dueAt, kind, sectionId };
    if (sectionIds.length > 1) reminder.sectionIds = sectionIds;
    if (repeat !== undefined) reminder.repeat = repeat;
    planned.push(reminder);
  }
  return planned.sort((a, b) => a.dueAt - b.dueAt);
}

export interface NextOverdueOptions {
  /** The first wait; later waits double from it. Default: the checklist's setting, else 15. */
  repeatMinutes?: Minutes;
  now: number;
  /** When the section closed: nudges stop at the end of that local day. Default: the nudge's own due time. */
  closedAt?: number;
  /** The run's zone, for "the end of the day". Default UTC. */
  timezone?: string;
}

/** Overdue nudges of one section stop after this many (see nextOverdue). */
export const NUDGE_CAP = 16;
/** Waits between nudges double up to this, then stay there ("then hourly"). */
const NUDGE_MAX_WAIT_MINUTES = 60;

/**
 * The nudge after `reminder` (an overdue one just sent), or null when the section has been nudged
 * enough. Nudge policy (quoted in the README): the waits back off — with the default 15 minutes,
 * 15, 30, 60, then hourly (each wait doubles the one before, up to an hour, or the repeat setting
 * if that is longer) — and the nudges stop after NUDGE_CAP (16) per section (or per shared nudge), or at midnight in the
 * run's zone of the day the section closed, whichever comes first. When the bot was away past the
 * due moment, the next nudge is due at once rather than in a burst. `repeat` counts the nudges sent.
 */
export function nextOverdue(reminder: PlannedReminder, options: NextOverdueOptions): PlannedReminder | null {
  if (reminder.kind !== 'overdue' || reminder.sectionId === undefined) {
    throw new Error(`nextOverdue needs an overdue section reminder, got ${reminder.kind} (${reminder.key})`);
  }
  const sent = reminder.repeat ?? 0;
  if (sent + 1 >= NUDGE_CAP) return null;
  const firstWait = Math.max(1, options.repeatMinutes ?? DEFAULT_REPEAT_MINUTES);
  const waitMinutes = Math.min(firstWait * 2 ** Math.min(sent, 20), Math.max(NUDGE_MAX_WAIT_MINUTES, firstWait));
  const dueAt = Math.max(reminder.dueAt + waitMinutes * MINUTE_MS, Math.ceil(options.now / 1000) * 1000);
  const endOfDay = addLocalDays(startOfLocalDay(options.closedAt ?? reminder.dueAt, options.timezone ?? 'UTC'), 1, options.timezone ?? 'UTC');
  if (dueAt >= endOfDay) return null;
  const repeat = sent + 1;
  const marker = reminder.key.lastIndexOf(':overdue');
  const base = marker >= 0 ? reminder.key.slice(0, marker) : `${reminder.key}`;
  const next: PlannedReminder = {
    key: `${base}:overdue:${repeat}@${keyStamp(dueAt)}`,
    dueAt,
    kind: 'overdue',
    sectionId: reminder.sectionId,
    repeat,
  };
  if (reminder.sectionIds !== undefined) next.sectionIds = reminder.sectionIds;
  return next;
}

/** The section an item belongs to, from its id (`s<section>.i<item>`, see checklist.ts). */
function sectionOfItem(itemId: string): string {
  const dot = itemId.indexOf('.');
  return dot > 0 ? itemId.slice(0, dot) : itemId;
}

/**
 * "Monitor for 30 minutes": started by a person at `startedAt`, done `minutes` later. Null for an
 * item without a timer. The start is in the key, so restarting the timer plans a new reminder.
 */
export function planItemTimer(runId: number, item: Pick<Item, 'id' | 'timer'>, startedAt: number): PlannedReminder | null {
  if (item.timer === undefined || item.timer.minutes <= 0) return null;
  return {
    key: `r${runId}:${item.id}:timer_done@${keyStamp(startedAt)}`,
    dueAt: startedAt + item.timer.minutes * MINUTE_MS,
    kind: 'timer_done',
    sectionId: sectionOfItem(item.id),
    itemId: item.id,
  };
}

/**
 * A time box that runs out `minutes` after `startsAt`: an item's ("If not recovered in 5
 * minutes"), a section's ("**Decision Point** (15 minutes)"), or one from computeRollbackTimeboxes.
 * Null when the target has no time box.
 */
export function planTimebox(
  runId: number,
  target: Pick<Item, 'id' | 'timer'> | Pick<Section, 'id' | 'timing' | 'items'> | RollbackTimebox,
  startsAt: number,
): PlannedReminder | null {
  let sectionId: string;
  let itemId: string | undefined;
  let minutes: number | undefined;
  if ('minutes' in target) {
    sectionId = target.sectionId;
    itemId = target.itemId;
    minutes = target.minutes;
  } else if ('items' in target) {
    sectionId = target.id;
    minutes = target.timing?.timebox;
  } else {
    sectionId = sectionOfItem(target.id);
    itemId = target.id;
    minutes = target.timer?.minutes;
  }
  if (minutes === undefined || minutes <= 0) return null;
  const reminder: PlannedReminder = {
    key: `r${runId}:${itemId ?? sectionId}:timebox_expired@${keyStamp(startsAt)}`,
    dueAt: startsAt + minutes * MINUTE_MS,
    kind: 'timebox_expired',
    sectionId,
  };
  if (itemId !== undefined) reminder.itemId = itemId;
  return reminder;
}

/** The rollback sections' time boxes, planned from the moment it started (see computeRollbackTimeboxes). */
export function planRollbackTimeboxes(runId: number, checklist: Checklist, rollbackStartedAt: number): PlannedReminder[] {
  // A step's own time box ("**Triage call** (15 minutes)") starts when someone clicks its button
  // (planTimebox from the click); only sections' time boxes run from the rollback's start.
  return computeRollbackTimeboxes(checklist, rollbackStartedAt)
    .filter((box) => box.itemId === undefined)
    .map((box) => planTimebox(runId, box, box.startsAt))
    .filter((r): r is PlannedReminder => r !== null)
    .sort((a, b) => a.dueAt - b.dueAt);
}

export type DueClass = 'on_time' | 'late' | 'stale';

export interface ClassifyDueOptions {
  /** Sent later than this after its due time, a reminder says it is late. Default one minute. */
  lateAfterMs?: number;
  /** Announcements (opens_soon, opened, closing_soon) older than this are dropped. Default: no limit. */
  staleAfterMs?: number;
  /** The section's current window, to tell whether an announcement's moment has passed. */
  window?: SectionWindow | null;
  /** What the reminder is about no longer needs it: section done, timer stopped, rollback over. */
  resolved?: boolean;
}

/*
 * Lateness policy (quoted in the README):
 *
 *   A reminder is sent when it is due. If the bot was offline at that moment, it is sent when the bot
 *   is back, marked "(late: the bot was offline at <time>)", as long as it still tells people
 *   something true and useful:
 *   - anything about a section that is done, a timer that was stopped or a rollback that ended is
 *     skipped;
 *   - "opens soon" is skipped once the section has opened, "opened" once it has closed, and
 *     "closing soon" once it has closed (the overdue nudge says it better);
 *   - overdue nudges, finished timers and expired time boxes are always sent, late if need be; after
 *     an outage only one overdue nudge goes out, and the next follows one interval later.
 *   "Late" means sent more than a minute after the due time.
 */

/** Whether to send a due reminder now, and how: on time, marked late, or not at all (stale). */
export function classifyDue(reminder: PlannedReminder, now: number, options: ClassifyDueOptions = {}): DueClass {
  const lateAfterMs = options.lateAfterMs ?? 60_000;
  if (options.resolved === true) return 'stale';

  const announcement = reminder.kind === 'opens_soon' || reminder.kind === 'opened' || reminder.kind === 'closing_soon';
  if (announcement) {
    if (options.staleAfterMs !== undefined && now - reminder.dueAt > options.staleAfterMs) return 'stale';
    const w = options.window;
    if (w != null) {
      if (reminder.kind === 'opens_soon' && w.opensAt !== null && now >= w.opensAt) return 'stale';
      if (reminder.kind !== 'opens_soon' && w.closesAt !== null && now >= w.closesAt) return 'stale';
    }
  }
  return now - reminder.dueAt > lateAfterMs ? 'late' : 'on_time';
}

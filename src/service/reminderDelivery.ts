import { allSections, type Section } from '../domain/checklist.js';
import { blockedSections } from '../domain/gates.js';
import { classifyDue, nextOverdue, type PlannedReminder, type ReminderKind } from '../domain/reminderPlan.js';
import { LEAD, normaliseRole } from '../domain/roles.js';
import type { Run, RunSnapshot } from '../domain/run.js';
import type { RunNotice } from '../domain/runNotice.js';
import { missedAtStart, type SectionWindow } from '../domain/sectionWindow.js';
import { isSettled } from '../domain/snapshotItems.js';
import { hasAuditEntry } from '../store/audit.js';
import type { Db } from '../store/db.js';
import {
  claimDueReminders,
  nextClaimableAt,
  markReminderSent,
  markReminderSkipped,
  releaseReminder,
  renewReminderLeases,
  sectionIdsOf,
  upsertReminders,
  type NewReminder,
  type ReminderRow,
} from '../store/reminders.js';
import { findRun } from '../store/runs.js';
import { adoptNudgeMessage } from './nudgeMessages.js';
import { realMsUntil, type Clock } from './clock.js';
import type { TimelineWindows } from './timelineWindows.js';

/** The section reminders a rollback stops and a T-0 move plans again. */
export const SECTION_KINDS: ReminderKind[] = ['opens_soon', 'opened', 'closing_soon', 'overdue'];

/** One section of a shared reminder, with what is still open in it. */
export interface ReminderSectionPart {
  section: Section;
  window: SectionWindow | null;
  openItems: Array<{ text: string; ownerIds: string[] }>;
}

/** A reminder or notice ready to post, decided from the run's state at the moment it is sent. */
export interface OutgoingReminder {
  row: ReminderRow;
  channelId: string;
  late: boolean;
  /** What to render; the Slack layer turns it into text (views/reminderText.ts) or posts `text` as is. */
  content:
    | { type: 'notice'; notice: RunNotice }
    | {
        type: 'reminder';
        kind: ReminderKind;
        run: Run;
        section: Section;
        window: SectionWindow | null;
        openItems: Array<{ text: string; ownerIds: string[] }>;
        blockedBy: string | null;
        itemText: string | null;
        minutes: number | null;
        phaseId: string;
        /**
         * A reminder shared by sections with one window (reminderPlan.ts), when more than one of them
         * still needs it: each with its open items. `section` and `openItems` are then the first's.
         */
        shared?: ReminderSectionPart[];
      };
}

/**
 * The poller's side of the reminder rows: claim the due ones, decide what each becomes at the
 * moment it is sent, and record how sending went (sent, retry later, given up).
 */
export class ReminderDelivery {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly windows: TimelineWindows,
    private readonly snapshotOf: (runId: number) => Promise<RunSnapshot>,
    private readonly onQueued: () => void,
  ) {}

  /** Claims due rows; each is then prepared, sent, and completed by the poller. */
  async claimDue(limit = 20): Promise<ReminderRow[]> {
    return await claimDueReminders(this.db, this.clock.now(), limit);
  }

  /**
   * Real milliseconds until this replica can next claim something: a pending row falls due (on the
   * bot's clock, which may run faster than real time) or another replica's lease on a claimed row
   * runs out (wall clock). Null when nothing is pending or claimed elsewhere.
   */
  async msUntilClaimable(): Promise<number | null> {
    const next = await nextClaimableAt(this.db);
    const waits = [
      ...(next.dueAt === null ? [] : [realMsUntil(this.clock, next.dueAt)]),
      ...(next.leaseUntil === null ? [] : [next.leaseUntil - Date.now()]),
    ];
    return waits.length === 0 ? null : Math.min(...waits);
  }

  /** Extends this replica's lease on claimed rows it is still sending; returns how many it still holds. */
  async renewClaims(ids: number[]): Promise<number> {
    return await renewReminderLeases(this.db, ids);
  }

  /**
   * Decides what a claimed row becomes now: a message (late or on time) or nothing (its moment
   * has passed, see the lateness policy in domain/reminderPlan.ts). Rows that become nothing are
   * marked skipped here.
   */
  async prepare(row: ReminderRow): Promise<OutgoingReminder | null> {
    const now = this.clock.now();
    const run = await findRun(this.db, row.runId);
    if (!run) {
      await markReminderSkipped(this.db, row.id, 'run missing');
      return null;
    }
    if (row.kind === 'notice') {
      return { row, channelId: run.channelId, late: false, content: { type: 'notice', notice: row.payload?.notice as RunNotice } };
    }
    if (run.status !== 'active') {
      await markReminderSkipped(this.db, row.id, `run ${run.status}`);
      return null;
    }
    const snapshot = await this.snapshotOf(run.id);
    const everySection = allSections(run.checklist);
    const located = sectionIdsOf(row).flatMap((id) => everySection.filter((s) => s.section.id === id));
    const first = located[0];
    if (!first) {
      await markReminderSkipped(this.db, row.id, 'section missing');
      return null;
    }
    const windows = await this.windows.windows(run);
    const item = row.itemId ? (first.section.items.find((i) => i.id === row.itemId) ?? null) : null;
    const stoppedByRollback = run.rollbackActive && first.phase.kind !== 'rollback' && SECTION_KINDS.includes(row.kind as ReminderKind);
    const blocked = blockedSections(snapshot);
    // A sign-off belongs to whoever holds its role; every other item to the run's lead(s).
    const leads = snapshot.roles[LEAD] ?? [run.startedBy];
    const roleOwners = (itemRole: string | undefined): string[] => (itemRole ? (snapshot.roles[normaliseRole(itemRole)] ?? leads) : leads);
    const parts = [];
    for (const { section } of located) {
      const window = windows.find((w) => w.sectionId === section.id) ?? null;
      const openItems = section.items.filter((i) => !isSettled(snapshot.items[i.id]));
      // Nudging is for work people can do now: not a window that was over before the run existed
      // ("missed at start"), nor a section still locked behind an undecided gate.
      const missed = missedAtStart(window, run.createdAt);
      const locked = blocked.ids.has(section.id) && (row.kind === 'overdue' || row.kind === 'closing_soon');
      const resolved =
        stoppedByRollback ||
        (SECTION_KINDS.includes(row.kind as ReminderKind) && (missed || locked)) ||
        (row.kind === 'timer_done' ? false : item ? isSettled(snapshot.items[item.id]) : openItems.length === 0) ||
        (row.kind === 'overdue' && (await this.overdueAcknowledged(row.runId, section.id)));
      parts.push({ section, window, resolved, openItems: openItems.map((i) => ({ text: i.text, ownerIds: roleOwners(i.role) })) });
    }
    // A shared reminder names only the sections that still need it; it is stale once none does.
    const live = parts.filter((p) => !p.resolved);
    const lead = live[0] ?? parts[0]!;
    const verdict = classifyDue(toPlanned(row), now, { window: lead.window, resolved: live.length === 0 });
    if (verdict === 'stale') {
      await markReminderSkipped(this.db, row.id, live.length === 0 ? 'no longer needed' : 'its moment passed');
      this.onQueued();
      return null;
    }
    const phaseId = located.find((l) => l.section.id === lead.section.id)?.phase.id ?? first.phase.id;
    return {
      row,
      channelId: run.channelId,
      late: verdict === 'late',
      content: {
        type: 'reminder',
        kind: row.kind as ReminderKind,
        run,
        section: lead.section,
        window: lead.window,
        openItems: lead.openItems,
        blockedBy: blocked.ids.has(lead.section.id) ? (blocked.by?.item.text ?? null) : null,
        itemText: item?.text ?? null,
        minutes: item?.timer?.minutes ?? lead.section.timing?.timebox ?? null,
        phaseId,
        ...(live.length > 1 ? { shared: live.map(({ section, window, openItems }) => ({ section, window, openItems })) } : {}),
      },
    };
  }

  /**
   * Records a sent row and plans what follows it (the next overdue nudge). A posted nudge becomes
   * one of the run's messages (nudgeMessages.ts), so the run's end takes its button off.
   */
  async complete(outgoing: OutgoingReminder, sentAt: number, messageTs: string | null, postedText?: string): Promise<void> {
    await this.recordSent(outgoing.row, sentAt, outgoing.late, messageTs);
    if (outgoing.row.kind === 'overdue' && messageTs !== null && postedText !== undefined) {
      await adoptNudgeMessage(this.db, { row: outgoing.row, channelId: outgoing.channelId, ts: messageTs, text: postedText });
    }
  }

  /**
   * The one way a row becomes sent, whether the poller just posted it or a restart found it in
   * the channel: either way the next overdue nudge must follow, or the nudges would stop.
   */
  async recordSent(row: ReminderRow, sentAt: number, late: boolean, messageTs: string | null): Promise<void> {
    await this.db.tx(async () => {
      await markReminderSent(this.db, row.id, sentAt, late, messageTs);
      if (row.kind === 'overdue') {
        const run = await findRun(this.db, row.runId);
        if (!run) throw new Error(`run ${row.runId} vanished`);
        const closedAt = (await this.windows.windows(run)).find((w) => w.sectionId === row.sectionId)?.closesAt ?? undefined;
        const next = nextOverdue(toPlanned(row), {
          now: sentAt,
          repeatMinutes: run.checklist.settings.overdueRepeatMinutes ?? 15,
          timezone: run.timezone,
          ...(closedAt !== undefined && closedAt !== null ? { closedAt } : {}),
        });
        if (next) await upsertReminders(this.db, row.runId, [toNewReminder(next)]);
      }
    });
  }

  /** Puts a row back after a failed send, to be tried again after `retryInMs`. */
  async retryLater(row: ReminderRow, retryInMs: number, error: string): Promise<void> {
    await releaseReminder(this.db, row.id, this.clock.now() + retryInMs, error);
  }

  /** Slack refused the message for good (e.g. channel gone): recorded, not retried. */
  async giveUp(row: ReminderRow, error: string): Promise<void> {
    await markReminderSkipped(this.db, row.id, `failed: ${error}`);
  }

  private async overdueAcknowledged(runId: number, sectionId: string): Promise<boolean> {
    return await hasAuditEntry(this.db, runId, 'overdue.acknowledge', sectionId);
  }
}

/** A planned reminder as a row to store: a shared reminder keeps its sections in the payload. */
export function toNewReminder(planned: PlannedReminder): NewReminder {
  const { sectionIds, ...rest } = planned;
  return sectionIds && sectionIds.length > 1 ? { ...rest, payload: { sectionIds } } : rest;
}

function toPlanned(row: ReminderRow): PlannedReminder {
  const planned: PlannedReminder = { key: row.key, dueAt: row.dueAt, kind: row.kind as ReminderKind, repeat: row.repeat };
  if (row.sectionId) planned.sectionId = row.sectionId;
  const ids = sectionIdsOf(row);
  if (ids.length > 1) planned.sectionIds = ids;
  if (row.itemId) planned.itemId = row.itemId;
  return planned;
}

/** How a send went, as the poller needs to know it; `text` is what was posted (a nudge keeps it, nudgeMessages.ts). */
export type PostOutcome =
  | { ok: true; ts: string | null; text?: string }
  | { ok: false; retryInMs: number; error: string }
  | { ok: false; retryInMs: null; error: string };

/** Posts one reminder or notice (slack/reminderPoster.ts); the poller records the outcome. */
export type ReminderPoster = (reminder: OutgoingReminder) => Promise<PostOutcome>;

import { allSections, type Checklist, type Section } from '../domain/checklist.js';
import { DomainError } from '../domain/errors.js';
import { findItem } from '../domain/findItem.js';
import { LEAD, normaliseRole } from '../domain/roles.js';
import { blockedSections, heldSections } from '../domain/gates.js';
import {
  classifyDue,
  keyStamp,
  nextOverdue,
  planItemTimer,
  planReminders,
  planRollbackTimeboxes,
  type PlannedReminder,
  type ReminderKind,
} from '../domain/reminderPlan.js';
import type { Run, RunSnapshot } from '../domain/run.js';
import { computeRollbackWindows, computeSchedule, withWindows } from '../domain/schedule.js';
import type { SectionTimelineState, SectionWindow } from '../domain/sectionWindow.js';
import { runSectionStates } from '../domain/sectionTimelineState.js';
import { isSettled } from '../domain/snapshotItems.js';
import { appendAudit, hasAuditEntry } from '../store/audit.js';
import type { Db } from '../store/db.js';
import {
  cancelPendingReminders,
  claimDueReminders,
  listReminders,
  markReminderSent,
  markReminderSkipped,
  releaseReminder,
  upsertReminders,
  type ReminderRow,
} from '../store/reminders.js';
import { findRun, rollbackStartedAt } from '../store/runs.js';
import type { Clock } from './clock.js';
import type { RunNotice } from '../domain/runNotice.js';

const SECTION_KINDS: ReminderKind[] = ['opens_soon', 'opened', 'closing_soon', 'overdue'];

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
      };
}

/**
 * The run's timeline: its windows, and the reminders and notices it posts. Reminders live in
 * SQLite with a unique key; this service plans them, and prepares each due one for sending
 * with what is true at that moment (the poller in scheduler/ does the sending).
 */
export class TimelineService {
  private readonly windowCache = new Map<number, { key: string; windows: SectionWindow[] }>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly snapshotOf: (runId: number) => RunSnapshot,
    private readonly onQueued: () => void,
  ) {}

  /** Every section's window: the schedule from T-0, with rollback windows once a rollback started. */
  windows(run: Run): SectionWindow[] {
    const started = run.rollbackActive ? rollbackStartedAt(this.db, run.id) : null;
    // The schedule is a pure function of these; reminders, renders and paging ask for it constantly.
    const cacheKey = `${run.t0}:${run.slipMinutes}:${run.timezone}:${started ?? ''}`;
    const cached = this.windowCache.get(run.id);
    if (cached?.key === cacheKey) return cached.windows;
    const schedule = computeSchedule(run.checklist, run.t0, run.timezone, { slipMinutes: run.slipMinutes });
    const windows = started === null ? schedule : withWindows(schedule, computeRollbackWindows(run.checklist, started));
    this.windowCache.set(run.id, { key: cacheKey, windows });
    return windows;
  }

  /** Where each section stands now. */
  sectionStates(snapshot: RunSnapshot, windows: SectionWindow[], now: number): Map<string, SectionTimelineState> {
    return runSectionStates(snapshot, windows, now);
  }

  planRun(runId: number): void {
    const run = this.requireRun(runId);
    // Planned from the moment the run was created, so what counts as "already due" does not
    // depend on how many milliseconds passed between creating and planning.
    upsertReminders(this.db, runId, this.sectionPlan(run, run.createdAt));
    this.onQueued();
  }

  planItemTimer(runId: number, itemId: string, startedAt: number): void {
    const run = this.requireRun(runId);
    const planned = planItemTimer(runId, findItem(run.checklist, itemId).item, startedAt);
    if (planned) upsertReminders(this.db, runId, [planned]);
    this.onQueued();
  }

  /** Stops the normal phases' reminders and starts the rollback's time boxes. */
  onRollback(runId: number, startedAt: number): void {
    const run = this.requireRun(runId);
    cancelPendingReminders(this.db, runId, { kinds: SECTION_KINDS });
    upsertReminders(this.db, runId, [
      ...planRollbackTimeboxes(runId, run.checklist, startedAt),
      ...this.sectionPlan(run, this.clock.now()).filter((r) => this.isRollbackSection(run.checklist, r.sectionId)),
    ]);
    this.onQueued();
  }

  onRunEnded(runId: number): void {
    cancelPendingReminders(this.db, runId, { kinds: [...SECTION_KINDS, 'timer_done', 'timebox_expired'] });
  }

  /**
   * After T-0 moved: reminders already sent stay as they were; pending ones are re-planned
   * from the new windows (their keys hold their due time, so a moved reminder is a new row),
   * and the channel is told the new schedule.
   */
  onT0Moved(runId: number, userId: string, oldT0: number): void {
    const run = this.requireRun(runId);
    const now = this.clock.now();
    cancelPendingReminders(this.db, runId, { kinds: SECTION_KINDS });
    upsertReminders(this.db, runId, this.sectionPlan(run, now));
    const minutes = Math.round((run.t0 - oldT0) / 60_000);
    this.notice(runId, `t0@${keyStamp(now)}:${run.t0}`, { kind: 't0_moved', runId, title: run.checklist.title, by: userId, minutes, t0: run.t0 });
  }

  /** Queues a message to the run's channel; `key` makes it once-only. */
  notice(runId: number, key: string, notice: RunNotice): void {
    upsertReminders(this.db, runId, [{ key: `r${runId}:notice:${key}`, kind: 'notice', dueAt: this.clock.now(), payload: { notice } }]);
    this.onQueued();
  }

  /** Claims due rows; each is then prepared, sent, and completed by the poller. */
  claimDue(limit = 20): ReminderRow[] {
    return claimDueReminders(this.db, this.clock.now(), limit);
  }

  /**
   * Decides what a claimed row becomes now: a message (late or on time) or nothing (its moment
   * has passed, see the lateness policy in domain/reminderPlan.ts). Rows that become nothing are
   * marked skipped here.
   */
  prepare(row: ReminderRow): OutgoingReminder | null {
    const now = this.clock.now();
    const run = findRun(this.db, row.runId);
    if (!run) {
      markReminderSkipped(this.db, row.id, 'run missing');
      return null;
    }
    if (row.kind === 'notice') {
      return { row, channelId: run.channelId, late: false, content: { type: 'notice', notice: row.payload?.notice as RunNotice } };
    }
    if (run.status !== 'active') {
      markReminderSkipped(this.db, row.id, `run ${run.status}`);
      return null;
    }
    const snapshot = this.snapshotOf(run.id);
    const located = row.sectionId ? allSections(run.checklist).find((s) => s.section.id === row.sectionId) : undefined;
    if (!located) {
      markReminderSkipped(this.db, row.id, 'section missing');
      return null;
    }
    const { phase, section } = located;
    const window = this.windows(run).find((w) => w.sectionId === section.id) ?? null;
    const openItems = section.items.filter((i) => !isSettled(snapshot.items[i.id]));
    const item = row.itemId ? section.items.find((i) => i.id === row.itemId) ?? null : null;
    const stoppedByRollback = run.rollbackActive && phase.kind !== 'rollback' && SECTION_KINDS.includes(row.kind as ReminderKind);
    const resolved =
      stoppedByRollback ||
      (row.kind === 'timer_done' ? false : item ? isSettled(snapshot.items[item.id]) : openItems.length === 0) ||
      (row.kind === 'overdue' && this.overdueAcknowledged(row));
    const planned = toPlanned(row);
    const verdict = classifyDue(planned, now, { window, resolved });
    if (verdict === 'stale') {
      markReminderSkipped(this.db, row.id, resolved ? 'no longer needed' : 'its moment passed');
      this.onQueued();
      return null;
    }
    const blocked = blockedSections(snapshot);
    // A sign-off belongs to whoever holds its role; every other item to the run's lead(s).
    const leads = snapshot.roles[LEAD] ?? [run.startedBy];
    const roleOwners = (itemRole: string | undefined): string[] =>
      itemRole ? (snapshot.roles[normaliseRole(itemRole)] ?? leads) : leads;
    return {
      row,
      channelId: run.channelId,
      late: verdict === 'late',
      content: {
        type: 'reminder',
        kind: row.kind as ReminderKind,
        run,
        section,
        window,
        openItems: openItems.map((i) => ({ text: i.text, ownerIds: roleOwners(i.role) })),
        blockedBy: blocked.ids.has(section.id) ? (blocked.by?.item.text ?? null) : null,
        itemText: item?.text ?? null,
        minutes: item?.timer?.minutes ?? section.timing?.timebox ?? null,
        phaseId: phase.id,
      },
    };
  }

  /** Records a sent row and plans what follows it (the next overdue nudge). */
  complete(outgoing: OutgoingReminder, sentAt: number, messageTs: string | null): void {
    this.recordSent(outgoing.row, sentAt, outgoing.late, messageTs);
  }

  /**
   * The one way a row becomes sent, whether the poller just posted it or a restart found it in
   * the channel: either way the next overdue nudge must follow, or the nudges would stop.
   */
  recordSent(row: ReminderRow, sentAt: number, late: boolean, messageTs: string | null): void {
    this.db.transaction(() => {
      markReminderSent(this.db, row.id, sentAt, late, messageTs);
      if (row.kind === 'overdue') {
        const run = this.requireRun(row.runId);
        const next = nextOverdue(toPlanned(row), {
          now: sentAt,
          repeatMinutes: run.checklist.settings.overdueRepeatMinutes ?? 15,
        });
        upsertReminders(this.db, row.runId, [next]);
      }
    })();
  }

  /** Puts a row back after a failed send, to be tried again after `retryInMs`. */
  retryLater(row: ReminderRow, retryInMs: number, error: string): void {
    releaseReminder(this.db, row.id, this.clock.now() + retryInMs, error);
  }

  /** Slack refused the message for good (e.g. channel gone): recorded, not retried. */
  giveUp(row: ReminderRow, error: string): void {
    markReminderSkipped(this.db, row.id, `failed: ${error}`);
  }

  /** Someone pressed "Acknowledge" on an overdue nudge: it stops repeating for that section. */
  acknowledgeOverdue(runId: number, sectionId: string, userId: string): void {
    // Only a live nudge can be acknowledged: an acknowledgement for a run that has ended, or for a
    // section the run does not have (a stale or forged button), would put an action into the run's
    // audit record that never meant anything (found by test/integration/fuzz.test.ts).
    const run = this.requireRun(runId);
    if (run.status !== 'active') throw new DomainError(`Run #${run.id} has ended; there is nothing left to acknowledge.`, 'run_ended');
    if (!allSections(run.checklist).some((s) => s.section.id === sectionId)) {
      throw new DomainError('That reminder is not one I recognise.', 'unknown_section');
    }
    const now = this.clock.now();
    this.db.transaction(() => {
      const pending = listReminders(this.db, runId).filter((r) => r.status === 'pending' && r.kind === 'overdue' && r.sectionId === sectionId);
      cancelPendingReminders(this.db, runId, { keys: pending.map((r) => r.key) });
      appendAudit(this.db, { runId, at: now, actor: userId, action: 'overdue.acknowledge', target: sectionId });
    })();
  }

  private overdueAcknowledged(row: ReminderRow): boolean {
    return row.sectionId !== null && hasAuditEntry(this.db, row.runId, 'overdue.acknowledge', row.sectionId);
  }

  private sectionPlan(run: Run, now: number): PlannedReminder[] {
    const snapshot = this.snapshotOf(run.id);
    const held = heldSections(snapshot);
    return planReminders({ run, checklist: run.checklist, windows: this.windows(run), now }).filter(
      (r) => !r.sectionId || !held.has(r.sectionId),
    );
  }

  private isRollbackSection(checklist: Checklist, sectionId: string | undefined): boolean {
    return checklist.phases.some((p) => p.kind === 'rollback' && p.sections.some((s) => s.id === sectionId));
  }

  private requireRun(runId: number): Run {
    const run = findRun(this.db, runId);
    if (!run) throw new Error(`run ${runId} vanished`);
    return run;
  }
}

function toPlanned(row: ReminderRow): PlannedReminder {
  const planned: PlannedReminder = { key: row.key, dueAt: row.dueAt, kind: row.kind as ReminderKind, repeat: row.repeat };
  if (row.sectionId) planned.sectionId = row.sectionId;
  if (row.itemId) planned.itemId = row.itemId;
  return planned;
}


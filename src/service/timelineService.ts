import { allSections, type Checklist } from '../domain/checklist.js';
import { pageGraceFor } from '../domain/escalationRules.js';
import { DomainError } from '../domain/errors.js';
import { findItem } from '../domain/findItem.js';
import { heldSections } from '../domain/gates.js';
import { keyStamp, planItemTimer, planReminders, planRollbackTimeboxes, planTimebox, type PlannedReminder } from '../domain/reminderPlan.js';
import type { Run, RunSnapshot } from '../domain/run.js';
import type { RunNotice } from '../domain/runNotice.js';
import type { SectionTimelineState, SectionWindow } from '../domain/sectionWindow.js';
import { slipMinutes } from '../domain/slip.js';
import { appendAudit, latestAuditAt } from '../store/audit.js';
import type { Db } from '../store/db.js';
import {
  cancelPendingReminders,
  listReminders,
  reviveSuspendedReminders,
  sectionIdsOf,
  upsertReminders,
  type ReminderRow,
} from '../store/reminders.js';
import { anyActiveRun, findRun } from '../store/runs.js';
import type { Clock } from './clock.js';
import { postedNudge } from './nudgeMessages.js';
import { ReminderDelivery, SECTION_KINDS, toNewReminder, type OutgoingReminder } from './reminderDelivery.js';
import { TimelineWindows } from './timelineWindows.js';

export type { OutgoingReminder } from './reminderDelivery.js';

/**
 * The run's timeline: its windows, and the reminders and notices it posts. Reminders live in
 * SQLite with a unique key; this service plans them (here), answers window queries
 * (timelineWindows.ts) and hands due ones to the poller (reminderDelivery.ts).
 */
export class TimelineService {
  readonly windowQueries: TimelineWindows;
  readonly delivery: ReminderDelivery;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly snapshotOf: (runId: number) => Promise<RunSnapshot>,
    private readonly onQueued: () => void,
  ) {
    this.windowQueries = new TimelineWindows(db);
    this.delivery = new ReminderDelivery(db, clock, this.windowQueries, snapshotOf, onQueued);
  }

  // Window queries and the poller's row lifecycle, answered by the two parts above; kept here so
  // the paging, rendering and poller code that holds a TimelineService keeps working as it is.
  async windows(run: Run): Promise<SectionWindow[]> {
    return await this.windowQueries.windows(run);
  }
  sectionStates(snapshot: RunSnapshot, windows: SectionWindow[], now: number): Map<string, SectionTimelineState> {
    return this.windowQueries.sectionStates(snapshot, windows, now);
  }
  async claimDue(limit = 20): Promise<ReminderRow[]> {
    return await this.delivery.claimDue(limit);
  }
  /** Real ms until the poller can next claim a row (a due time or another replica's lease ending). */
  async msUntilClaimable(): Promise<number | null> {
    return await this.delivery.msUntilClaimable();
  }
  /** Whether any run, on any replica, is active (its escalation rules read the clock). */
  async anyActiveRun(): Promise<boolean> {
    return await anyActiveRun(this.db);
  }
  /** Keeps the poller's claims while it posts them (jobs/leaseRenewer.ts). */
  async renewClaims(ids: number[]): Promise<number> {
    return await this.delivery.renewClaims(ids);
  }
  async prepare(row: ReminderRow): Promise<OutgoingReminder | null> {
    return await this.delivery.prepare(row);
  }
  async complete(outgoing: OutgoingReminder, sentAt: number, messageTs: string | null, postedText?: string): Promise<void> {
    await this.delivery.complete(outgoing, sentAt, messageTs, postedText);
  }
  /** An overdue nudge adopted as a run message (nudgeMessages.ts): what it said, for which section. */
  async postedNudge(reminderId: number): Promise<{ runId: number; sectionId: string; text: string } | null> {
    return await postedNudge(this.db, reminderId);
  }
  async recordSent(row: ReminderRow, sentAt: number, late: boolean, messageTs: string | null): Promise<void> {
    await this.delivery.recordSent(row, sentAt, late, messageTs);
  }
  async retryLater(row: ReminderRow, retryInMs: number, error: string): Promise<void> {
    await this.delivery.retryLater(row, retryInMs, error);
  }
  async giveUp(row: ReminderRow, error: string): Promise<void> {
    await this.delivery.giveUp(row, error);
  }

  async planRun(runId: number): Promise<void> {
    const run = await this.requireRun(runId);
    // Planned from the moment the run was created, so what counts as "already due" does not
    // depend on how many milliseconds passed between creating and planning.
    await upsertReminders(this.db, runId, (await this.sectionPlan(run, run.createdAt)).map(toNewReminder));
    this.onQueued();
  }

  async planItemTimer(runId: number, itemId: string, startedAt: number): Promise<void> {
    const run = await this.requireRun(runId);
    const { phase, item } = findItem(run.checklist, itemId);
    // In the rollback a step's timer is its time box: it runs out (and pages) rather than just ringing.
    const planned = phase.kind === 'rollback' ? planTimebox(runId, item, startedAt) : planItemTimer(runId, item, startedAt);
    if (planned) await upsertReminders(this.db, runId, [planned]);
    this.onQueued();
  }

  /** Stops the normal phases' reminders and starts the rollback's time boxes. */
  async onRollback(runId: number, startedAt: number): Promise<void> {
    const run = await this.requireRun(runId);
    await cancelPendingReminders(this.db, runId, { kinds: SECTION_KINDS });
    await upsertReminders(this.db, runId, [
      ...planRollbackTimeboxes(runId, run.checklist, startedAt),
      ...(await this.sectionPlan(run, this.clock.now())).filter((r) => this.isRollbackSection(run.checklist, r.sectionId)).map(toNewReminder),
    ]);
    this.onQueued();
  }

  async onRunEnded(runId: number): Promise<void> {
    await cancelPendingReminders(this.db, runId, { kinds: [...SECTION_KINDS, 'timer_done', 'timebox_expired'] });
  }

  /**
   * The app is back in a suspended run's workspace: the reminders the suspension cancelled that are
   * still ahead come back, and the schedule is planned again from now (the current nudge of a section
   * overdue meanwhile). What fell due during the suspension is not sent late.
   */
  async onResumed(runId: number): Promise<void> {
    const run = await this.requireRun(runId);
    const now = this.clock.now();
    await reviveSuspendedReminders(this.db, runId, now);
    await upsertReminders(this.db, runId, (await this.sectionPlan(run, now)).map(toNewReminder));
    // Called inside the resume's unit: the poller reads on another connection, so only once it committed.
    void this.db.settled().then(() => this.onQueued());
  }

  /**
   * After T-0 moved: reminders already sent stay as they were; pending ones are re-planned
   * from the new windows (their keys hold their due time, so a moved reminder is a new row),
   * and the channel is told the new schedule.
   */
  async onT0Moved(runId: number, userId: string, oldT0: number): Promise<void> {
    const run = await this.requireRun(runId);
    const now = this.clock.now();
    await cancelPendingReminders(this.db, runId, { kinds: SECTION_KINDS });
    await upsertReminders(this.db, runId, (await this.sectionPlan(run, now)).map(toNewReminder));
    const minutes = slipMinutes(oldT0, run.t0);
    await this.notice(runId, `t0@${keyStamp(now)}:${run.t0}`, {
      kind: 't0_moved',
      runId,
      title: run.checklist.title,
      by: userId,
      minutes,
      t0: run.t0,
    });
  }

  /** Queues a message to the run's channel; `key` makes it once-only. */
  async notice(runId: number, key: string, notice: RunNotice): Promise<void> {
    await upsertReminders(this.db, runId, [{ key: `r${runId}:notice:${key}`, kind: 'notice', dueAt: this.clock.now(), payload: { notice } }]);
    this.onQueued();
  }

  /**
   * Someone pressed "Acknowledge" on an overdue nudge: it stops repeating for the sections it named
   * (one, or all of a shared nudge's), each audited, and their page waits the grace period again.
   */
  async acknowledgeOverdue(input: { userId: string; channelId: string; runId: number; sectionIds: string[] }): Promise<void> {
    const { userId, runId, sectionIds } = input;
    // Only a live nudge of a run in the clicker's channel can be acknowledged: an acknowledgement for
    // a run that has ended, or for a section the run does not have (a stale or forged button), would
    // put an action into the run's audit record that never meant anything (found by test/integration/fuzz.test.ts).
    const run = await findRun(this.db, runId);
    if (!run) throw new DomainError('unknown_run', { runId, inChannel: false });
    if (run.channelId !== input.channelId) throw new DomainError('wrong_channel', { runId: run.id });
    if (run.status !== 'active') throw new DomainError('run_ended', { runId: run.id, status: run.status, endedAt: run.endedAt });
    const sections = sectionIds.map((id) => allSections(run.checklist).find((s) => s.section.id === id)?.section);
    if (sectionIds.length === 0 || sections.some((s) => s === undefined)) {
      throw new DomainError('unknown_section');
    }
    const now = this.clock.now();
    await this.db.tx(async () => {
      const acked = new Set(sectionIds);
      // A nudge series stops once every section it names is acknowledged (now or before); a shared
      // series with a section nobody acknowledged goes on for that one (prepare leaves the others out).
      const before = await latestAuditAt(this.db, runId, 'overdue.acknowledge');
      const pending = (await listReminders(this.db, runId)).filter(
        (r) => r.status === 'pending' && r.kind === 'overdue' && sectionIdsOf(r).every((id) => acked.has(id) || before.has(id)),
      );
      await cancelPendingReminders(this.db, runId, { keys: pending.map((r) => r.key) });
      for (const section of sections) {
        if (!section) continue;
        // The page for this section (if paging is on) now waits the grace period from this moment.
        const pageDeferredUntil = now + pageGraceFor(run.checklist.settings, section.title) * 60_000;
        await appendAudit(this.db, {
          runId,
          at: now,
          actor: userId,
          action: 'overdue.acknowledge',
          target: section.id,
          detail: { nudges: 'snoozed', pageDeferredUntil },
        });
      }
    });
  }

  private async sectionPlan(run: Run, now: number): Promise<PlannedReminder[]> {
    const snapshot = await this.snapshotOf(run.id);
    const held = heldSections(snapshot);
    return planReminders({ run, checklist: run.checklist, windows: await this.windowQueries.windows(run), now }).filter(
      (r) => !r.sectionId || !held.has(r.sectionId),
    );
  }

  private isRollbackSection(checklist: Checklist, sectionId: string | undefined): boolean {
    return checklist.phases.some((p) => p.kind === 'rollback' && p.sections.some((s) => s.id === sectionId));
  }

  private async requireRun(runId: number): Promise<Run> {
    const run = await findRun(this.db, runId);
    if (!run) throw new Error(`run ${runId} vanished`);
    return run;
  }
}

import { DomainError } from '../domain/errors.js';
import { parseStartTime } from '../domain/parseWhen.js';
import type { Run } from '../domain/run.js';
import { applyReschedule, applySlip, t0MoveNeedsConfirmation, totalSlipAfter } from '../domain/slip.js';
import { appendAudit } from '../store/audit.js';
import { bumpRunMessages } from '../store/runMessages.js';
import { setRunT0 } from '../store/runs.js';
import { activeRunFor, requireAllowed } from './runGuard.js';
import type { Actor } from './runService.js';
import type { UseCaseDeps } from './useCaseDeps.js';

/** `/deploy slip` and `/deploy reschedule`: moving T-0, and with it every later window and reminder (domain/slip.ts). */
export class T0Moves {
  constructor(private readonly deps: UseCaseDeps) {}

  /** Moves T-0 by `minutes`; the running total keeps clock windows moving with it. */
  async slip(input: Actor & { runId: number; minutes: number; confirmed?: boolean }): Promise<Run> {
    if (!Number.isFinite(input.minutes) || Math.round(input.minutes) === 0) throw new DomainError('zero_slip');
    const { run } = await activeRunFor(this.deps, input);
    const minutes = Math.round(input.minutes);
    return await this.moveT0(
      run,
      input.userId,
      applySlip(run, minutes),
      totalSlipAfter(run, minutes),
      `slipped ${minutes >= 0 ? '+' : ''}${minutes}m`,
      input.confirmed === true,
    );
  }

  async reschedule(input: Actor & { runId: number; when: string; confirmed?: boolean }): Promise<Run> {
    const { run } = await activeRunFor(this.deps, input);
    const parsed = parseStartTime(input.when, { now: this.deps.clock.now(), timezone: run.timezone });
    if (!parsed.ok) throw new DomainError('bad_time', { message: parsed.error });
    // A reschedule sets a new plan: clock windows are placed on the new T-0's day, not shifted.
    return await this.moveT0(run, input.userId, applyReschedule(parsed.t0), 0, 'rescheduled', input.confirmed === true);
  }

  private async moveT0(run: Run, userId: string, t0: number, slipMinutes: number, how: string, confirmed: boolean): Promise<Run> {
    const { db, clock, queries, timeline, events } = this.deps;
    await requireAllowed(this.deps, await queries.snapshot(run.id), userId, 'run.reschedule', null, { kind: 'decide' });
    const now = clock.now();
    // Into the past or by more than a week: nothing moves until the person repeats it with `confirm`.
    const why = confirmed ? null : t0MoveNeedsConfirmation(run.t0, t0, now);
    if (why) {
      await appendAudit(db, {
        runId: run.id,
        at: now,
        actor: userId,
        action: 'run.reschedule.confirm_needed',
        detail: { from: run.t0, to: t0, how, why },
      });
      throw new DomainError('confirm_t0_move', { why, runId: run.id, to: t0 });
    }
    await db.tx(async () => {
      await setRunT0(db, run.id, t0, slipMinutes);
      await appendAudit(db, { runId: run.id, at: now, actor: userId, action: 'run.reschedule', detail: { from: run.t0, to: t0, how } });
      await bumpRunMessages(db, run.id, 'all');
    });
    await timeline.onT0Moved(run.id, userId, run.t0);
    events.messagesChanged(run.id);
    events.stateChanged(run.id);
    return await queries.requireRun(run.id);
  }
}

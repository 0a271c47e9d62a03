import { allSections, triggerLists, type TriggerList } from '../domain/checklist.js';
import { gateRefOf } from '../domain/gateToWaive.js';
import { DomainError } from '../domain/errors.js';
import { heldSections, undecidedGates } from '../domain/gates.js';
import type { Run } from '../domain/run.js';
import { isSettled } from '../domain/snapshotItems.js';
import { appendAudit } from '../store/audit.js';
import { saveItemState } from '../store/itemStates.js';
import { bumpRunMessages, insertRunMessages } from '../store/runMessages.js';
import { signalRunChanged } from '../store/runChangeSignals.js';
import { endRun, startRollback } from '../store/runs.js';
import { plainWords } from '../domain/parse/plainWords.js';
import { activeRunFor, refuse, requireAllowed } from './runGuard.js';
import type { Actor } from './runService.js';
import type { UseCaseDeps } from './useCaseDeps.js';

/** Rollback, abort and finish: the decisions of the lead or an approver that end the normal flow. */
export class RunEnding {
  constructor(private readonly deps: UseCaseDeps) {}

  /**
   * Before the Declare rollback modal opens: the trigger list, if this person may declare a rollback
   * now (the same rule as `/deploy rollback`); a refusal is audited and thrown, so nobody types a
   * reason in vain.
   */
  async checkCanDeclare(input: Actor & { runId: number; triggerId: string }): Promise<TriggerList> {
    const { run, snapshot } = await activeRunFor(this.deps, input);
    const trigger = await triggerOf(this.deps, run, input);
    await requireAllowed(this.deps, snapshot, input.userId, 'run.rollback', `trigger:${trigger.id}`, { kind: 'decide' });
    if (run.rollbackActive) throw new DomainError('already_rolling_back', { runId: run.id, reason: run.rollbackReason });
    return trigger;
  }

  /**
   * The Declare rollback modal, submitted: starts the rollback exactly as `/deploy rollback` does,
   * with the conditions seen (indexes into the trigger list) named in its reason, audit row, notice
   * and page.
   */
  async declareFromTrigger(input: Actor & { runId: number; triggerId: string; conditions: number[]; reason: string }): Promise<void> {
    const { run, snapshot } = await activeRunFor(this.deps, input);
    const trigger = await triggerOf(this.deps, run, input);
    await requireAllowed(this.deps, snapshot, input.userId, 'run.rollback', `trigger:${trigger.id}`, { kind: 'decide' });
    if (run.rollbackActive) throw new DomainError('already_rolling_back', { runId: run.id, reason: run.rollbackReason });
    const seen = [...new Set(input.conditions)].flatMap((i) => {
      const condition = trigger.conditions[i];
      return condition === undefined ? [] : [plainWords(condition.text).trim()];
    });
    if (seen.length === 0) {
      return await refuse(this.deps, run.id, input.userId, 'run.rollback', `trigger:${trigger.id}`, {
        code: 'no_condition',
        params: { title: trigger.title },
      });
    }
    const fired = { list: plainWords(trigger.title).trim(), conditions: seen };
    const reason = `${seen.map((c) => `“${c}”`).join(', ')}: ${input.reason}`;
    await beginRollback(this.deps, run, input.userId, reason, this.deps.clock.now(), fired);
    this.deps.events.messagesChanged(run.id);
    await this.deps.events.stateChanged(run.id);
  }

  async rollback(input: Actor & { runId: number; reason: string }): Promise<void> {
    const { run, snapshot } = await activeRunFor(this.deps, input);
    await requireAllowed(this.deps, snapshot, input.userId, 'run.rollback', null, { kind: 'decide' });
    if (run.rollbackActive) throw new DomainError('already_rolling_back', { runId: run.id, reason: run.rollbackReason });
    await beginRollback(this.deps, run, input.userId, input.reason, this.deps.clock.now());
    this.deps.events.messagesChanged(run.id);
    await this.deps.events.stateChanged(run.id);
  }

  async abort(input: Actor & { runId: number; reason: string | null }): Promise<Run> {
    const { run, snapshot } = await activeRunFor(this.deps, input);
    await requireAllowed(this.deps, snapshot, input.userId, 'run.abort', null, { kind: 'decide' });
    await this.end(run, 'aborted', input.userId, input.reason ?? 'no reason given');
    return await this.deps.queries.requireRun(run.id);
  }

  /**
   * Completes a run. Every remaining item must be done, or waived with a reason
   * (`/deploy finish waive <reason>`), and each waiver is audited.
   */
  async finish(input: Actor & { runId: number; waiveReason: string | null }): Promise<Run> {
    const { db, clock } = this.deps;
    const { run, snapshot } = await activeRunFor(this.deps, input);
    await requireAllowed(this.deps, snapshot, input.userId, 'run.finish', null, { kind: 'decide' });
    const held = heldSections(snapshot);
    // After a rollback the normal flow's open items are skipped by it, not waived: only rollback steps are left to waive.
    const remaining = allSections(run.checklist)
      .filter(({ phase, section }) => !held.has(section.id) && (!run.rollbackActive || phase.kind === 'rollback'))
      .flatMap(({ section }) => section.items)
      .filter((i) => !isSettled(snapshot.items[i.id]));
    if (remaining.length > 0 && !input.waiveReason) {
      return await refuse(this.deps, run.id, input.userId, 'run.finish', null, {
        code: 'items_open',
        params: { count: remaining.length, firstText: remaining[0]!.text },
      });
    }
    // `finish waive` waives items, never a decision: an undecided gate is waived on its own
    // (`/deploy waive gate <reason>`) by someone who may decide it.
    const undecided = run.rollbackActive ? [] : undecidedGates(snapshot);
    if (undecided.length > 0) {
      const gate = undecided[0]!;
      return await refuse(this.deps, run.id, input.userId, 'run.finish', gate.item.id, {
        code: 'gate_undecided',
        // With several to choose from, the waiver the reply suggests names this one (domain/gateToWaive.ts).
        params: { gateText: gate.item.text, runId: run.id, gateRef: undecided.length > 1 ? gateRefOf(snapshot, gate) : null },
      });
    }
    const now = clock.now();
    await db.tx(async () => {
      for (const item of remaining) {
        await saveItemState(db, run.id, { ...snapshot.items[item.id]!, waivedReason: input.waiveReason, by: input.userId, at: now }, now);
        await appendAudit(db, {
          runId: run.id,
          at: now,
          actor: input.userId,
          action: 'item.waive',
          target: item.id,
          detail: { reason: input.waiveReason, text: item.text },
        });
      }
    });
    await this.end(
      run,
      run.rollbackActive ? 'rolled_back' : 'completed',
      input.userId,
      input.waiveReason ? `finished with ${remaining.length} waived: ${input.waiveReason}` : 'all items done',
    );
    return await this.deps.queries.requireRun(run.id);
  }

  private async end(run: Run, status: 'completed' | 'rolled_back' | 'aborted', userId: string, reason: string): Promise<void> {
    const { db, clock, timeline, events } = this.deps;
    const now = clock.now();
    await db.tx(async () => {
      await endRun(db, run.id, status, reason, now);
      await appendAudit(db, {
        runId: run.id,
        at: now,
        actor: userId,
        action: `run.${status === 'rolled_back' ? 'rolled_back' : status === 'completed' ? 'complete' : 'abort'}`,
        detail: { reason },
      });
      await bumpRunMessages(db, run.id, 'all-and-nudges');
      // A gate wait on another replica answers `ended` (service/gateWakes.ts).
      await signalRunChanged(db, run.id);
    });
    await timeline.onRunEnded(run.id);
    await timeline.notice(run.id, 'ended', { kind: 'run_ended', runId: run.id, title: run.checklist.title, status, by: userId, reason });
    events.messagesChanged(run.id);
    await events.stateChanged(run.id);
    await events.runEnded?.(run.id);
  }
}

/** The trigger list a Declare rollback names, or an audited refusal. */
async function triggerOf(deps: UseCaseDeps, run: Run, input: Actor & { triggerId: string }): Promise<TriggerList> {
  const trigger = triggerLists(run.checklist).find((t) => t.id === input.triggerId);
  if (trigger === undefined) {
    return await refuse(deps, run.id, input.userId, 'run.rollback', `trigger:${input.triggerId}`, {
      code: 'unknown_trigger',
      params: { runId: run.id },
    });
  }
  return trigger;
}

/**
 * Switches a run to its rollback branch (once: a second No-Go or rollback changes nothing).
 * `trigger`: the trigger list and conditions seen, when it was declared from one.
 */
export async function beginRollback(
  deps: UseCaseDeps,
  run: Run,
  userId: string,
  reason: string,
  now: number,
  trigger?: { list: string; conditions: string[] },
): Promise<void> {
  const { db, layout, timeline } = deps;
  const started = await db.tx(async () => {
    if (!(await startRollback(db, run.id, reason, now))) return false;
    // The rollback branch's messages were posted on standby at start, so this inserts nothing, except
    // for a run started before they were: its rollback messages are posted now.
    await insertRunMessages(db, run.id, run.channelId, layout.keysFor(run.checklist));
    await appendAudit(db, { runId: run.id, at: now, actor: userId, action: 'run.rollback', detail: trigger ? { reason, trigger } : { reason } });
    await bumpRunMessages(db, run.id, 'all');
    return true;
  });
  if (!started) return;
  await timeline.onRollback(run.id, now);
  await timeline.notice(run.id, 'rollback', {
    kind: 'rollback',
    runId: run.id,
    by: userId,
    reason,
    branch: run.checklist.phases.some((p) => p.kind === 'rollback'),
    ...(trigger ? { trigger } : {}),
  });
}

import { DomainError, type DomainErrorParams } from '../domain/errors.js';
import { refusalFor, type Attempt, type Refusal } from '../domain/permissions.js';
import { isOtherTenant, type Run, type RunSnapshot } from '../domain/run.js';
import { appendAudit } from '../store/audit.js';
import { findRunForUpdate } from '../store/runs.js';
import type { Actor } from './runService.js';
import type { UseCaseDeps } from './useCaseDeps.js';

/** Audits a refused attempt (a `denied` row with what was tried and why), then throws the refusal. */
export async function refuse(
  deps: UseCaseDeps,
  runId: number | null,
  userId: string,
  attempted: string,
  target: string | null,
  refusal: Refusal | { code: string; params: DomainErrorParams },
  teamId: string | null = null,
): Promise<never> {
  await appendAudit(deps.db, {
    runId,
    at: deps.clock.now(),
    actor: userId,
    action: 'denied',
    target,
    detail: { attempted, code: refusal.code },
    teamId,
  });
  throw new DomainError(refusal.code, refusal.params);
}

/** Asks domain/permissions.ts whether `userId` may make this attempt; a refusal is audited and thrown. */
export async function requireAllowed(
  deps: UseCaseDeps,
  snapshot: RunSnapshot,
  userId: string,
  attempted: string,
  target: string | null,
  attempt: Attempt,
): Promise<void> {
  const refusal = refusalFor(snapshot, userId, attempt);
  if (refusal) return await refuse(deps, snapshot.run.id, userId, attempted, target, refusal);
}

/** The run a click or command names, if it exists, is in the actor's channel, and is still going. */
export async function activeRunFor(deps: UseCaseDeps, input: Actor & { runId: number }): Promise<{ run: Run; snapshot: RunSnapshot }> {
  // Held before anything else is read: what this click decides from is what the last click on the run left.
  const run = await findRunForUpdate(deps.db, input.runId);
  if (!run) return await refuse(deps, null, input.userId, 'run.touch', `run:${input.runId}`, { code: 'unknown_run', params: { runId: input.runId } });
  await requireChannel(deps, run, input);
  if (run.status !== 'active') {
    return await refuse(deps, run.id, input.userId, 'run.touch', null, {
      code: 'run_ended',
      params: { runId: run.id, status: run.status, endedAt: run.endedAt },
    });
  }
  return { run, snapshot: await deps.queries.snapshotOf(run) };
}

/**
 * A run is worked on from its own workspace and channel only (a forged or pasted button, or a
 * replayed modal, must not reach another team's run). Another workspace's run is answered exactly
 * like a run that does not exist, so its number reveals nothing; the refusal is audited in the
 * asker's workspace, not in the run's record.
 */
export async function requireChannel(deps: UseCaseDeps, run: Run, actor: Actor): Promise<void> {
  if (isOtherTenant(run, actor)) {
    await appendAudit(deps.db, {
      runId: null,
      at: deps.clock.now(),
      actor: actor.userId,
      action: 'denied',
      target: `run:${run.id}`,
      detail: { attempted: 'run.touch', code: 'other_workspace', channel: actor.channelId },
      teamId: actor.teamId ?? null,
    });
    throw new DomainError('unknown_run', { runId: run.id });
  }
  if (run.channelId === actor.channelId) return;
  return await refuse(deps, run.id, actor.userId, 'run.touch', `channel:${actor.channelId}`, { code: 'wrong_channel', params: { runId: run.id } });
}

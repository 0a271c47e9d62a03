import { DomainError } from '../domain/errors.js';
import { refusalFor, type Attempt, type Refusal } from '../domain/permissions.js';
import type { Run, RunSnapshot } from '../domain/run.js';
import { appendAudit } from '../store/audit.js';
import type { Actor } from './runService.js';
import type { UseCaseDeps } from './useCaseDeps.js';

/** Audits a refused attempt (a `denied` row with what was tried and why), then throws the refusal. */
export function refuse(
  deps: UseCaseDeps,
  runId: number | null,
  userId: string,
  attempted: string,
  target: string | null,
  refusal: Refusal | { code: string; params: Record<string, string | number | null> },
): never {
  appendAudit(deps.db, { runId, at: deps.clock.now(), actor: userId, action: 'denied', target, detail: { attempted, code: refusal.code } });
  throw new DomainError(refusal.code, refusal.params);
}

/** Asks domain/permissions.ts whether `userId` may make this attempt; a refusal is audited and thrown. */
export function requireAllowed(
  deps: UseCaseDeps,
  snapshot: RunSnapshot,
  userId: string,
  attempted: string,
  target: string | null,
  attempt: Attempt,
): void {
  const refusal = refusalFor(snapshot, userId, attempt);
  if (refusal) refuse(deps, snapshot.run.id, userId, attempted, target, refusal);
}

/** The run a click or command names, if it exists, is in the actor's channel, and is still going. */
export function activeRunFor(deps: UseCaseDeps, input: Actor & { runId: number }): { run: Run; snapshot: RunSnapshot } {
  const run = deps.queries.findRun(input.runId);
  if (!run) refuse(deps, null, input.userId, 'run.touch', `run:${input.runId}`, { code: 'unknown_run', params: { runId: input.runId } });
  requireChannel(deps, run, input);
  if (run.status !== 'active') {
    refuse(deps, run.id, input.userId, 'run.touch', null, { code: 'run_ended', params: { runId: run.id, status: run.status, endedAt: run.endedAt } });
  }
  return { run, snapshot: deps.queries.snapshot(run.id) };
}

/** A run is worked on from its own channel only (a forged or pasted button must not reach another team's run). */
export function requireChannel(deps: UseCaseDeps, run: Run, actor: Actor): void {
  if (run.channelId === actor.channelId) return;
  refuse(deps, run.id, actor.userId, 'run.touch', `channel:${actor.channelId}`, { code: 'wrong_channel', params: { runId: run.id } });
}

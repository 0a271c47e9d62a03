import { answerFor, decisionOf, githubTargetFor, protectedGate, type ProtectionAnswer, type ProtectionRequest } from '../domain/githubProtection.js';
import { appendAudit } from '../store/audit.js';
import {
  claimDueProtections,
  decideProtection,
  insertProtection,
  markProtectionFailed,
  markProtectionRetry,
  markProtectionSent,
  protectionSeen,
  protectionsOfRun,
  releaseSendingProtections,
  renewProtectionLeases,
  waitingProtections,
  type ProtectionRow,
} from '../store/githubProtections.js';
import { bumpRunMessages } from '../store/runMessages.js';
import { listActiveRuns } from '../store/runs.js';
import type { UseCaseDeps } from './useCaseDeps.js';

export type { ProtectionRow };

/** What became of a webhook: attached and waiting on the gate, answered at once, or a replay (ignored). */
export type ProtectionReceipt =
  | { outcome: 'waiting'; runId: number; gateKey: string }
  | { outcome: 'answered'; runId: number | null; decision: 'approved' | 'rejected'; why: ProtectionAnswer['kind'] }
  | { outcome: 'replayed' };

export interface GitHubOptions {
  /** The audit's actor for GitHub's side: `github:<app slug>`. */
  actor: string;
}

/**
 * GitHub deployments gated by a run (a GitHub App's custom deployment protection rule). A webhook
 * attaches the waiting deployment to the active run whose checklist maps its repository and
 * environment; once that run's gate is decided (or the run ends) the answer is fixed once, and a
 * worker (jobs/githubCallbackWorker.ts) delivers it from the same row, retried until GitHub takes it.
 */
export class GitHubProtections {
  constructor(
    private readonly deps: UseCaseDeps,
    private readonly options: GitHubOptions,
  ) {}

  get actor(): string {
    return this.options.actor;
  }

  async receive(deliveryId: string, request: ProtectionRequest): Promise<ProtectionReceipt> {
    const { db, clock, queries, timeline } = this.deps;
    const now = clock.now();
    const receipt = await db.tx(async (): Promise<ProtectionReceipt> => {
      if (await protectionSeen(db, deliveryId, request)) return { outcome: 'replayed' };
      const detail = {
        repository: request.repository,
        environment: request.environment,
        deploymentId: request.deploymentId,
        ref: request.ref,
        sha: request.sha,
        sender: request.sender,
        delivery: deliveryId,
      };
      const matches = (await listActiveRuns(db)).filter((run) => githubTargetFor(run.checklist, request.repository, request.environment));
      const refuseNow = async (runId: number | null, answer: ProtectionAnswer): Promise<ProtectionReceipt> => {
        await insertProtection(db, { deliveryId, request, runId, gateItemId: null, gateKey: null, answer, decision: 'rejected', now });
        await appendAudit(db, {
          runId,
          at: now,
          actor: this.actor,
          action: 'github.deployment_requested',
          target: null,
          detail: { ...detail, answer: answer.kind },
        });
        return { outcome: 'answered', runId, decision: 'rejected', why: answer.kind };
      };
      const { repository, environment } = request;
      if (matches.length === 0) return await refuseNow(null, { kind: 'no_run', repository, environment });
      if (matches.length > 1) return await refuseNow(null, { kind: 'several_runs', repository, environment, runIds: matches.map((r) => r.id) });
      const run = matches[0]!;
      const gateKey = githubTargetFor(run.checklist, repository, environment)!.gate;
      const gate = protectedGate(run.checklist, gateKey);
      if (!gate) return await refuseNow(run.id, { kind: 'no_gate', runId: run.id, gateKey });

      const answer = answerFor(await queries.snapshot(run.id), gate, gateKey);
      const decision = answer ? decisionOf(answer) : null;
      const id = await insertProtection(db, { deliveryId, request, runId: run.id, gateItemId: gate.id, gateKey, answer, decision, now });
      await appendAudit(db, {
        runId: run.id,
        at: now,
        actor: this.actor,
        action: 'github.deployment_requested',
        target: gate.id,
        detail: { ...detail, gate: gateKey, answer: answer?.kind ?? 'waiting' },
      });
      // The gate's message shows the deployment (waiting, or the answer on its way).
      await bumpRunMessages(db, run.id, 'all');
      if (answer) return { outcome: 'answered', runId: run.id, decision: decisionOf(answer), why: answer.kind };
      await timeline.notice(run.id, `github-waiting:${id}`, {
        kind: 'github_waiting',
        runId: run.id,
        gateText: gate.text,
        repository,
        environment,
        ref: request.ref,
        sender: request.sender,
      });
      return { outcome: 'waiting', runId: run.id, gateKey };
    });
    if (receipt.outcome !== 'replayed' && receipt.runId !== null) this.deps.events.messagesChanged(receipt.runId);
    return receipt;
  }

  /** Fixes the answer of every waiting deployment whose gate is now decided or whose run ended; returns how many. */
  async decideWaiting(): Promise<number> {
    const { db, clock, queries } = this.deps;
    let decided = 0;
    for (const row of await waitingProtections(db)) {
      const run = row.runId === null ? null : await queries.findRun(row.runId);
      const gate = run && row.gateKey ? protectedGate(run.checklist, row.gateKey) : null;
      let answer: ProtectionAnswer | null;
      if (!run || !gate || !row.gateKey) answer = { kind: 'run_ended', runId: row.runId ?? 0, status: 'ended', reason: null };
      else answer = answerFor(await queries.snapshot(run.id), gate, row.gateKey);
      if (answer && (await decideProtection(db, row.id, decisionOf(answer), answer, clock.now()))) decided += 1;
    }
    return decided;
  }

  /** The deployments attached to a run's gate (the API's gate view shows them). */
  async forGate(runId: number, gateItemId: string): Promise<ProtectionRow[]> {
    return (await protectionsOfRun(this.deps.db, runId)).filter((r) => r.gateItemId === gateItemId);
  }

  async claimDue(now: number, limit: number): Promise<ProtectionRow[]> {
    return await claimDueProtections(this.deps.db, now, limit);
  }

  /** GitHub took the answer: audited as GitHub's act, and the channel is told. */
  async recordSent(row: ProtectionRow, status: number, comment: string): Promise<void> {
    const { db, clock, timeline } = this.deps;
    const now = clock.now();
    await db.tx(async () => {
      if (!(await markProtectionSent(db, row.id, now, status))) return;
      if (row.runId !== null) await bumpRunMessages(db, row.runId, 'all');
      await appendAudit(db, {
        runId: row.runId,
        at: now,
        actor: this.actor,
        action: row.decision === 'approved' ? 'github.approved' : 'github.rejected',
        target: row.gateItemId,
        detail: { repository: row.repository, environment: row.environment, deploymentId: row.deploymentId, comment },
      });
      if (row.runId !== null && row.decision) {
        await timeline.notice(row.runId, `github-answered:${row.id}`, {
          kind: 'github_answered',
          runId: row.runId,
          repository: row.repository,
          environment: row.environment,
          decision: row.decision,
        });
      }
    });
    if (row.runId !== null) this.deps.events.messagesChanged(row.runId);
  }

  async recordRetry(row: ProtectionRow, nextAttemptAt: number, error: string, status: number | null): Promise<void> {
    await markProtectionRetry(this.deps.db, row.id, nextAttemptAt, error, status);
  }

  /** GitHub will never take this answer (the deployment was already reviewed, or the URL is gone). */
  async recordRefused(row: ProtectionRow, error: string, status: number | null): Promise<void> {
    const { db, clock, timeline } = this.deps;
    await db.tx(async () => {
      if (!(await markProtectionFailed(db, row.id, error, status))) return;
      if (row.runId !== null) await bumpRunMessages(db, row.runId, 'all');
      await appendAudit(db, {
        runId: row.runId,
        at: clock.now(),
        actor: this.actor,
        action: 'github.callback_refused',
        target: row.gateItemId,
        detail: { repository: row.repository, environment: row.environment, deploymentId: row.deploymentId, status, error },
      });
      if (row.runId !== null && row.decision) {
        await timeline.notice(row.runId, `github-refused:${row.id}`, {
          kind: 'github_refused',
          runId: row.runId,
          repository: row.repository,
          environment: row.environment,
          decision: row.decision,
          error,
        });
      }
    });
    if (row.runId !== null) this.deps.events.messagesChanged(row.runId);
  }

  /** Extends this replica's lease on callbacks it is sending; returns how many it still holds. */
  async renew(ids: number[]): Promise<number> {
    return await renewProtectionLeases(this.deps.db, ids);
  }

  /** At start: callbacks a worker that died left mid-send are due now (on PostgreSQL, only those whose lease ran out); returns how many. */
  async releaseInterrupted(now: number): Promise<number> {
    return await releaseSendingProtections(this.deps.db, now);
  }
}

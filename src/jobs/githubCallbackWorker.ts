import { protectionComment } from '../domain/githubProtection.js';
import type { GitHubProtections, ProtectionRow } from '../service/githubProtections.js';
import type { GitHubReviewer } from '../service/githubReviewer.js';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy, type WorkerLogger } from './outboxWorker.js';
import { LEASE_MS } from '../service/workLeases.js';
import { LeaseRenewer } from './leaseRenewer.js';
import { createTickLoop, type TickLoop } from './tickLoop.js';

export interface GitHubCallbackWorkerOptions {
  /** While true no tick claims work: this replica's database does not answer (src/jobs/databaseProbe.ts). */
  paused?: (() => boolean) | undefined;
  protections: GitHubProtections;
  reviewer: GitHubReviewer;
  /** A voter's name for the comment GitHub shows (the Slack profile name); the id when unknown. */
  /** A voter's name as their run's workspace knows it (runId: the deployment's run, if any). */
  nameOf: (userId: string, runId: number | null) => Promise<string>;
  now: () => number;
  logger: WorkerLogger & { info(...msg: unknown[]): void };
  backoff?: Partial<BackoffPolicy>;
  intervalMs?: number;
}

export interface GitHubCallbackWorker {
  start(): Promise<void>;
  /** Decides and delivers what is due now (tests). */
  tick(): Promise<void>;
  /** Asks for a tick soon (a gate was decided, a webhook queued an answer); cheap, never waits. */
  poke(): void;
  stop(): Promise<void>;
  /** Rows this replica is sending right now (each under its lease). */
  leasesHeld(): number;
}

/**
 * Answers GitHub from a timer, the shape of the events-out worker: fixes the answer of deployments
 * whose gate is decided, then claims due callbacks and posts them through the GitHubReviewer port.
 * A failure GitHub may recover from (down, 5xx, 429, a spent rate limit) is retried with backoff,
 * GitHub's Retry-After / rate-limit reset a floor; any other refusal is final, shown in the channel.
 * The row is the outbox, so a restart resumes where the last process stopped.
 */
export function createGitHubCallbackWorker(o: GitHubCallbackWorkerOptions): GitHubCallbackWorker {
  const policy: BackoffPolicy = { ...DEFAULT_BACKOFF, ...o.backoff };

  async function comment(row: ProtectionRow): Promise<string> {
    const answer = row.answer!;
    const voters = 'voters' in answer ? answer.voters : [];
    const names = new Map(await Promise.all(voters.map(async (id) => [id, await o.nameOf(id, row.runId)] as const)));
    return protectionComment(answer, (id) => names.get(id) ?? id);
  }

  const leases = new LeaseRenewer<number>({
    renew: (ids) => o.protections.renew(ids),
    leaseMs: LEASE_MS,
    what: 'GitHub callback',
    log: (message) => o.logger.warn(`github: ${message}`),
  });

  async function deliver(row: ProtectionRow): Promise<void> {
    if (!row.answer || !row.decision) {
      await o.protections.recordRefused(row, 'no answer was recorded', null);
      return;
    }
    const text = await comment(row);
    const result = await o.reviewer.review({
      callbackUrl: row.callbackUrl,
      installationId: row.installationId,
      environment: row.environment,
      state: row.decision,
      comment: text,
    });
    const fields = { deployment: row.deploymentId, repository: row.repository, environment: row.environment, attempts: row.attempts };
    if (result.ok) {
      await o.protections.recordSent(row, result.status, text);
      o.logger.info(`github: deployment ${row.deploymentId} (${row.repository} ${row.environment}) ${row.decision}`);
    } else if (result.retryable) {
      const delay = backoffDelayMs(row.attempts, policy, result.retryAfterMs);
      await o.protections.recordRetry(row, o.now() + delay, result.error, result.status);
      o.logger.warn('github: callback failed, will retry', { ...fields, status: result.status, error: result.error, retryInMs: delay });
      loop.poke(delay);
    } else {
      await o.protections.recordRefused(row, result.error, result.status);
      o.logger.error('github: GitHub refused the callback; giving up', { ...fields, status: result.status, error: result.error });
    }
  }

  async function tickOnce(): Promise<void> {
    await o.protections.decideWaiting();
    const rows = await o.protections.claimDue(o.now(), 10);
    // Each row's lease is renewed while its call is in flight.
    await Promise.all(rows.map((row) => leases.holding([row.id], () => deliver(row))));
    if (rows.length > 0) loop.poke();
  }

  const loop: TickLoop = createTickLoop({
    ...(o.paused ? { paused: o.paused } : {}),
    intervalMs: o.intervalMs ?? 1_000,
    tick: tickOnce,
    onError: (err) => o.logger.error('github: tick failed', { error: err instanceof Error ? err.message : String(err) }),
  });

  return {
    async start() {
      const released = await o.protections.releaseInterrupted(o.now());
      if (released > 0) o.logger.info(`github: ${released} callback(s) were mid-send when deployday stopped; sending them again now`);
      loop.start();
      loop.poke();
    },
    tick: loop.tick,
    poke: () => loop.poke(50),
    stop: async () => {
      await loop.stop();
      leases.stop();
    },
    leasesHeld: () => leases.size,
  };
}

import type { PageOutbox, OutboxRow } from '../service/pageOutbox.js';
import type { PageSendResult, Pager } from '../service/pager.js';
import { LEASE_MS } from '../service/workLeases.js';
import { LeaseRenewer } from './leaseRenewer.js';
import { createTickLoop } from './tickLoop.js';

/** What the worker needs from a logger; the app's RedactingLogger and Bolt's Logger both fit. */
export interface WorkerLogger {
  warn(...msg: unknown[]): void;
  error(...msg: unknown[]): void;
}

export interface BackoffPolicy {
  /** Wait after the first failed attempt; doubles with each further one. */
  baseMs: number;
  maxMs: number;
  /** Share of the wait that is random (0 = none, 1 = anywhere from 0 to the full wait). */
  jitter: number;
  /** Injectable for tests; Math.random by default. */
  random?: () => number;
}

/** From 1 s, doubling, capped at 5 min; the top half is random so restarted bots do not retry in step. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 5 * 60 * 1000, jitter: 0.5 };

/**
 * How long to wait after `attempts` failed sends (1 = the first). PagerDuty's Retry-After,
 * when given, is a floor: waiting less would only earn another 429.
 */
export function backoffDelayMs(attempts: number, policy: BackoffPolicy, retryAfterMs?: number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const full = Math.min(policy.baseMs * 2 ** exponent, policy.maxMs);
  const jitter = Math.min(Math.max(policy.jitter, 0), 1);
  const random = (policy.random ?? Math.random)();
  const delay = Math.round(full * (1 - jitter) + full * jitter * random);
  return Math.max(delay, retryAfterMs ?? 0);
}

export interface OutboxWorkerOptions {
  /** While true no tick claims work: this replica's database does not answer (src/jobs/databaseProbe.ts). */
  paused?: (() => boolean) | undefined;
  outbox: PageOutbox;
  /** Adds the routing key at send time: the outbox never stores it. */
  pager: Pager;
  now: () => number;
  logger: WorkerLogger;
  /**
   * Called after every send attempt with its outcome, so the app can show a refused page
   * (or a long outage) in the run's channel. If it throws, the error is logged and the
   * worker goes on.
   */
  onResult?: (row: OutboxRow, result: PageSendResult) => Promise<void> | void;
  backoff?: Partial<BackoffPolicy>;
  /** Rows claimed per tick; they have distinct dedup keys and are sent concurrently. */
  batchSize?: number;
  /** Heartbeat once started (never from a Slack handler: a send can take seconds); default 1 s. */
  intervalMs?: number;
}

export interface OutboxWorker {
  /** Claims due rows and sends them. Resolves when done; a tick asked for during one runs right after it. */
  tick(): Promise<void>;
  /** Ticks every intervalMs from a timer. */
  start(): void;
  /** Stops the timer and waits for a tick in flight. Ticks asked for afterwards do nothing. */
  stop(): Promise<void>;
  /** Rows this replica is sending right now (each under its lease). */
  leasesHeld(): number;
}

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { outbox, pager, now, logger, onResult } = options;
  const policy: BackoffPolicy = { ...DEFAULT_BACKOFF, ...options.backoff };
  const batchSize = options.batchSize ?? 10;
  const leases = new LeaseRenewer<number>({
    renew: (ids) => outbox.renew(ids),
    leaseMs: LEASE_MS,
    what: 'page outbox',
    log: (message) => logger.warn(`pager outbox: ${message}`),
  });

  async function tickOnce(): Promise<void> {
    const rows = await outbox.claimDue(now(), batchSize);
    if (rows.length === 0) return;
    // One claim holds at most one row per dedup key, so these never race each other.
    // Each row's lease is renewed while its call is in flight.
    await Promise.all(rows.map((row) => leases.holding([row.id], () => deliver(row))));
  }

  async function deliver(row: OutboxRow): Promise<void> {
    let result: PageSendResult;
    try {
      result = row.action === 'trigger' ? await pager.trigger(row.event) : await pager.resolve(row.dedupKey);
    } catch (err) {
      // The pager reports failures as results; anything thrown is a bug, and the page still matters.
      result = { ok: false, retryable: true, error: `pager error: ${err instanceof Error ? err.message : String(err)}` };
    }

    const at = now();
    const fields = { outboxId: row.id, dedupKey: row.dedupKey, action: row.action, attempts: row.attempts };
    if (result.ok) {
      if (!(await outbox.recordSent(row.id, at))) logger.warn('pager outbox: row changed while sending; result not recorded', fields);
    } else if (result.retryable) {
      const delay = backoffDelayMs(row.attempts, policy, result.retryAfterMs);
      await outbox.recordRetry(row.id, at + delay, result.error, result.status ?? null);
      logger.warn('pager outbox: send failed, will retry', { ...fields, status: result.status ?? null, retryInMs: delay });
    } else {
      await outbox.recordRefused(row.id, result.error, result.status ?? null);
      logger.error('pager outbox: PagerDuty refused the event; giving up', { ...fields, status: result.status ?? null, error: result.error });
    }

    if (onResult) {
      try {
        // Awaited: the notice is written before the tick ends, so stopping the worker waits for it too.
        await onResult(row, result);
      } catch (err) {
        logger.error('pager outbox: onResult threw', { ...fields, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  const loop = createTickLoop({
    ...(options.paused ? { paused: options.paused } : {}),
    intervalMs: options.intervalMs ?? 1_000,
    tick: tickOnce,
    onError: (err) => logger.error('pager outbox: tick failed', { error: err instanceof Error ? err.message : String(err) }),
  });
  return {
    tick: loop.tick,
    start: loop.start,
    stop: async () => {
      await loop.stop();
      leases.stop();
    },
    leasesHeld: () => leases.size,
  };
}

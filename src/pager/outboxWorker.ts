import type { Db } from '../store/db.js';
import { claimDueOutbox, markFailed, markRetry, markSent, type OutboxRow } from '../store/outbox.js';
import { validatePageEvent, withRoutingKey } from './pageEvent.js';
import type { PagerDutyClient, PagerLogger, SendResult } from './pagerDutyClient.js';

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
  db: Db;
  client: PagerDutyClient;
  /** Added to each event at send time: the outbox never stores it. */
  routingKey: string;
  now: () => number;
  logger: PagerLogger;
  /**
   * Called after every send attempt with its outcome, so the app can show a refused page
   * (or a long outage) in the run's channel. If it throws, the error is logged and the
   * worker goes on.
   */
  onResult?: (row: OutboxRow, result: SendResult) => void;
  backoff?: Partial<BackoffPolicy>;
  /** Rows claimed per tick; they have distinct dedup keys and are sent concurrently. */
  batchSize?: number;
}

export interface OutboxWorker {
  /** Claims due rows and sends them. Resolves when done; a tick asked for during one runs right after it. */
  tick(): Promise<void>;
  /** Ticks every intervalMs from a timer (never from a Slack handler: a send can take seconds). */
  start(intervalMs: number): void;
  /** Stops the timer and waits for a tick in flight. Ticks asked for afterwards do nothing. */
  stop(): Promise<void>;
}

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { db, client, routingKey, now, logger, onResult } = options;
  const policy: BackoffPolicy = { ...DEFAULT_BACKOFF, ...options.backoff };
  const batchSize = options.batchSize ?? 10;

  let inFlight: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  async function tickOnce(): Promise<void> {
    const rows = claimDueOutbox(db, now(), batchSize);
    if (rows.length === 0) return;
    // One claim holds at most one row per dedup key, so these never race each other.
    await Promise.all(rows.map((row) => deliver(row)));
  }

  async function deliver(row: OutboxRow): Promise<void> {
    const event = withRoutingKey(row.event, routingKey);
    const problems = validatePageEvent(event);
    let result: SendResult;
    if (problems.length > 0) {
      // PagerDuty would answer 400 to this; no need to ask.
      result = { ok: false, retryable: false, error: `invalid event: ${problems.join('; ')}` };
    } else {
      try {
        result = await client.sendEvent(event);
      } catch (err) {
        // The client reports failures as results; anything thrown is a bug, and the page still matters.
        result = { ok: false, retryable: true, error: `client error: ${err instanceof Error ? err.message : String(err)}` };
      }
    }

    const at = now();
    const fields = { outboxId: row.id, dedupKey: row.dedupKey, action: row.action, attempts: row.attempts };
    if (result.ok) {
      if (!markSent(db, row.id, at)) logger.warn('pager outbox: row changed while sending; result not recorded', fields);
    } else if (result.retryable) {
      const delay = backoffDelayMs(row.attempts, policy, result.retryAfterMs);
      markRetry(db, row.id, at + delay, result.error, result.status ?? null);
      logger.warn('pager outbox: send failed, will retry', { ...fields, status: result.status ?? null, retryInMs: delay });
    } else {
      markFailed(db, row.id, result.error, result.status ?? null);
      logger.error('pager outbox: PagerDuty refused the event; giving up', { ...fields, status: result.status ?? null, error: result.error });
    }

    if (onResult) {
      try {
        onResult(row, result);
      } catch (err) {
        logger.error('pager outbox: onResult threw', { ...fields, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  function tick(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      try {
        do {
          again = false;
          await tickOnce();
        } while (again && !stopped);
      } finally {
        // Same microtask as the last `again` check: a tick asked for in between cannot be lost.
        inFlight = null;
      }
    })();
    return inFlight;
  }

  function start(intervalMs: number): void {
    if (timer || stopped) return;
    timer = setInterval(() => {
      // A tick still running is left alone: the interval is a heartbeat, not a queue.
      if (inFlight) return;
      tick().catch((err: unknown) => {
        logger.error('pager outbox: tick failed', { error: err instanceof Error ? err.message : String(err) });
      });
    }, intervalMs);
    timer.unref();
  }

  async function stop(): Promise<void> {
    stopped = true;
    if (timer) clearInterval(timer);
    timer = null;
    if (inFlight) await inFlight.catch(() => undefined);
  }

  return { tick, start, stop };
}

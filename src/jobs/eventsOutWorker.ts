import { changeSummary, webhookBody, type OutboundEvent } from '../domain/outboundEvent.js';
import { PAGERDUTY_DESTINATION, type EventsOut, type EventsOutRow } from '../service/eventsOut.js';
import type { Pager } from '../service/pager.js';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy, type WorkerLogger } from './outboxWorker.js';
import { LEASE_MS } from '../service/workLeases.js';
import { LeaseRenewer } from './leaseRenewer.js';
import { createTickLoop, type TickLoop } from './tickLoop.js';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './webhookSignature.js';

type Outcome = { ok: true; status: number } | { ok: false; retryable: boolean; status: number | null; error: string; retryAfterMs?: number };

export interface EventsOutWorkerOptions {
  /** While true no tick claims work: this replica's database does not answer (src/jobs/databaseProbe.ts). */
  paused?: (() => boolean) | undefined;
  events: EventsOut;
  /** For change events; null or unable to page → no PagerDuty rows are ever queued. */
  pager: Pager | null;
  now: () => number;
  logger: WorkerLogger & { info(...msg: unknown[]): void };
  /** Where webhook secrets are read, by the name each target gives (process.env by default). */
  env?: NodeJS.ProcessEnv;
  backoff?: Partial<BackoffPolicy>;
  intervalMs?: number;
  /** A receiver that has not answered in this long is treated as down (retried). */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export interface EventsOutWorker {
  start(): Promise<void>;
  /** Collects and delivers what is due now (tests). */
  tick(): Promise<void>;
  /** Asks for a tick soon; cheap, never waits (safe beside an ack). */
  poke(): void;
  stop(): Promise<void>;
  /** Rows this replica is sending right now (each under its lease). */
  leasesHeld(): number;
}

function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * Delivers events out from a timer: signed webhooks with fetch, change events through the Pager
 * port. A failure is retried with the pager outbox's backoff (Retry-After a floor); a 4xx other
 * than 401/403/408/429 means the receiver will never take this body, so the row is given up and logged.
 */
export function createEventsOutWorker(o: EventsOutWorkerOptions): EventsOutWorker {
  const policy: BackoffPolicy = { ...DEFAULT_BACKOFF, ...o.backoff };
  const env = o.env ?? process.env;
  const doFetch = o.fetchImpl ?? fetch;

  async function sendWebhook(row: EventsOutRow, event: OutboundEvent): Promise<Outcome> {
    const url = row.destination.slice('webhook:'.length);
    const secret = row.secretEnv ? env[row.secretEnv] : undefined;
    // Retried, not dropped: setting the variable and restarting delivers the waiting events in order.
    if (!secret) return { ok: false, retryable: true, status: null, error: `${row.secretEnv ?? 'the secret variable'} is not set; cannot sign` };
    const body = webhookBody(event);
    // Wall-clock time, not the app's clock: receivers compare it with their own clock to refuse replays.
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
          [TIMESTAMP_HEADER]: String(timestamp),
          [EVENT_ID_HEADER]: event.id,
          [EVENT_TYPE_HEADER]: event.type,
        },
        body,
        signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true, status: res.status };
      // 401/403 mean the secrets disagree: fixable by the operator, so kept and retried rather than lost.
      const retryable = [401, 403, 408, 429].includes(res.status) || res.status >= 500;
      const after = retryAfterMs(res.headers.get('retry-after'));
      return { ok: false, retryable, status: res.status, error: `HTTP ${res.status}`, ...(after !== undefined ? { retryAfterMs: after } : {}) };
    } catch (err) {
      return { ok: false, retryable: true, status: null, error: err instanceof Error ? err.message : String(err) };
    }
  }

  async function sendChange(event: OutboundEvent): Promise<Outcome> {
    if (!o.pager) return { ok: false, retryable: false, status: null, error: 'PagerDuty is not configured' };
    try {
      const r = await o.pager.change({
        summary: changeSummary(event).slice(0, 1024),
        source: 'deployday',
        at: event.at,
        customDetails: { event: event.type, eventId: event.id, run: event.runId, ...event.data },
      });
      return r.ok
        ? { ok: true, status: r.status }
        : {
            ok: false,
            retryable: r.retryable,
            status: r.status ?? null,
            error: r.error,
            ...(r.retryAfterMs !== undefined ? { retryAfterMs: r.retryAfterMs } : {}),
          };
    } catch (err) {
      return { ok: false, retryable: true, status: null, error: err instanceof Error ? err.message : String(err) };
    }
  }

  const leases = new LeaseRenewer<number>({
    renew: (ids) => o.events.renew(ids),
    leaseMs: LEASE_MS,
    what: 'events out delivery',
    log: (message) => o.logger.warn(`events out: ${message}`),
  });

  async function deliver(row: EventsOutRow): Promise<void> {
    const event = row.payload as unknown as OutboundEvent;
    const outcome = row.destination === PAGERDUTY_DESTINATION ? await sendChange(event) : await sendWebhook(row, event);
    const at = o.now();
    // The URL may carry a token in its query: log the destination's origin only.
    const fields = { eventId: row.eventId, type: event.type, to: describe(row.destination), attempts: row.attempts };
    if (outcome.ok) {
      await o.events.recordSent(row.id, at, outcome.status);
    } else if (outcome.retryable) {
      const delay = backoffDelayMs(row.attempts, policy, outcome.retryAfterMs);
      await o.events.recordRetry(row.id, at + delay, outcome.error, outcome.status);
      o.logger.warn('events out: delivery failed, will retry', { ...fields, status: outcome.status, error: outcome.error, retryInMs: delay });
      loop.poke(delay);
    } else {
      await o.events.recordRefused(row.id, outcome.error, outcome.status);
      o.logger.error('events out: receiver refused the event; giving up', { ...fields, status: outcome.status, error: outcome.error });
    }
  }

  async function tickOnce(): Promise<void> {
    await o.events.collect(o.now());
    const rows = await o.events.claimDue(o.now(), 20);
    // One claim holds at most one row per destination, so receivers see their events in order.
    // Each row's lease is renewed while its call is in flight.
    await Promise.all(rows.map((row) => leases.holding([row.id], () => deliver(row))));
    if (rows.length > 0) loop.poke();
  }

  const loop: TickLoop = createTickLoop({
    ...(o.paused ? { paused: o.paused } : {}),
    intervalMs: o.intervalMs ?? 1_000,
    tick: tickOnce,
    onError: (err) => o.logger.error('events out: tick failed', { error: err instanceof Error ? err.message : String(err) }),
  });

  return {
    async start() {
      const released = await o.events.releaseInterrupted(o.now());
      if (released > 0) o.logger.info(`events out: ${released} delivery(ies) were mid-send when deployday stopped; sending them again now`);
      loop.start();
      loop.poke();
    },
    tick: loop.tick,
    // A burst of clicks shares one collect a moment later, off the acks' path.
    poke: () => loop.poke(250),
    stop: async () => {
      await loop.stop();
      leases.stop();
    },
    leasesHeld: () => leases.size,
  };
}

function describe(destination: string): string {
  if (destination === PAGERDUTY_DESTINATION) return destination;
  try {
    return `webhook:${new URL(destination.slice('webhook:'.length)).origin}`;
  } catch {
    return 'webhook';
  }
}

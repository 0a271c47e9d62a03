import { CHANGE_EVENT_TYPES, eventFromFact, type OutboundEvent } from '../domain/outboundEvent.js';
import type { Db } from '../store/db.js';
import {
  claimDueDeliveries,
  insertDelivery,
  markDeliveryFailed,
  markDeliveryRetry,
  markDeliverySent,
  clearPendingAudit,
  clearPendingFact,
  markEmitted,
  pendingAuditFacts,
  releaseSendingDeliveries,
  renewDeliveryLeases,
  sentFactsNotEmitted,
  takeCollectorTurn,
  type EventsOutRow,
} from '../store/eventsOut.js';
import type { RunQueries } from './runQueries.js';

export type { EventsOutRow, OutboundEvent };

/** A webhook receiver: where to POST and which env var holds its signing secret. */
export interface WebhookTarget {
  url: string;
  secretEnv: string;
}

export const PAGERDUTY_DESTINATION = 'pagerduty';
export const webhookDestination = (url: string): string => `webhook:${url}`;

export interface EventsOutOptions {
  db: Db;
  queries: RunQueries;
  /** Receivers for every run (DEPLOYDAY_WEBHOOK_URL), besides each checklist's own `webhooks:`. */
  globalWebhooks: readonly WebhookTarget[];
  /** True when PagerDuty can take change events (a routing key is set). */
  pagerDutyChanges: boolean;
}

/**
 * Events out: turns what the bot has durably recorded into events and queues one delivery per
 * destination, in one transaction with the "already emitted" mark, so each event is queued
 * exactly once however often (or after however many crashes) collect runs. Never called from a
 * Slack handler: the worker calls it on its own timer, so no ack waits on it.
 */
export class EventsOut {
  constructor(private readonly o: EventsOutOptions) {}

  /** Queues the events of facts recorded since the last call; returns how many events were new. */
  async collect(now: number, batch = 200): Promise<number> {
    const { db, queries } = this.o;
    return await db.tx(async (): Promise<number> => {
      // One replica collects at a time; another finding it collecting skips its turn.
      if (!(await takeCollectorTurn(db))) return 0;
      const audit = await pendingAuditFacts(db, batch);
      // A run's checklist is parsed JSON: read each run once per collect, not once per fact.
      const runs = new Map<number, Awaited<ReturnType<RunQueries['findRun']>>>();
      const facts = [...audit, ...(await sentFactsNotEmitted(db, batch))];
      let emitted = 0;
      for (const { runId, fact } of facts) {
        // Handled in this transaction whatever the outcome below, so it is read once.
        if (fact.source === 'audit') await clearPendingAudit(db, fact.id);
        else await clearPendingFact(db, fact.source, fact.id);
        if (!runs.has(runId)) runs.set(runId, await queries.findRun(runId));
        const run = runs.get(runId) ?? null;
        const event = run ? eventFromFact(fact, run) : null;
        if (!run || !event) {
          if (fact.source !== 'audit') await markEmitted(db, { id: `${fact.source}:${fact.id}`, runId, type: 'none', at: fact.at });
          continue;
        }
        if (!(await markEmitted(db, { id: event.id, runId, type: event.type, at: event.at }))) continue;
        emitted += 1;
        for (const target of [...this.o.globalWebhooks, ...(run.checklist.settings.webhooks ?? [])]) {
          await insertDelivery(db, {
            eventId: event.id,
            runId,
            destination: webhookDestination(target.url),
            secretEnv: target.secretEnv,
            payload: { ...event },
            now,
          });
        }
        if (this.o.pagerDutyChanges && CHANGE_EVENT_TYPES.has(event.type)) {
          await insertDelivery(db, { eventId: event.id, runId, destination: PAGERDUTY_DESTINATION, secretEnv: null, payload: { ...event }, now });
        }
      }
      return emitted;
    });
  }

  async claimDue(now: number, limit: number): Promise<EventsOutRow[]> {
    return await claimDueDeliveries(this.o.db, now, limit);
  }
  async recordSent(id: number, now: number, status: number): Promise<boolean> {
    return await markDeliverySent(this.o.db, id, now, status);
  }
  async recordRetry(id: number, nextAttemptAt: number, error: string, status: number | null): Promise<boolean> {
    return await markDeliveryRetry(this.o.db, id, nextAttemptAt, error, status);
  }
  async recordRefused(id: number, error: string, status: number | null): Promise<boolean> {
    return await markDeliveryFailed(this.o.db, id, error, status);
  }
  /** Extends this replica's lease on deliveries it is sending; returns how many it still holds. */
  async renew(ids: number[]): Promise<number> {
    return await renewDeliveryLeases(this.o.db, ids);
  }
  /** At start: deliveries a worker that died left mid-send are due now (on PostgreSQL, only those whose lease ran out); returns how many. */
  async releaseInterrupted(now: number): Promise<number> {
    return await releaseSendingDeliveries(this.o.db, now);
  }
}

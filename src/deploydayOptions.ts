import type { DatabaseProbeOptions } from './jobs/databaseProbe.js';
import type { LogSink } from './logger.js';
import type { ReportingOptions } from './jobs/reporting.js';
import type { ChannelPostPacerOptions } from './slack/channelPostPacer.js';
import type { Clock } from './service/clock.js';

/** How tests and the rehearsal tune a bot (shorter intervals and backoffs); production passes none. */
export interface DeploydayOptions {
  logSink?: LogSink;
  clock?: Clock;
  /** Tests shorten the coalescing interval; production keeps Slack's one update per second. */
  messageIntervalMs?: number;
  /** Tests shorten the pager outbox's retry backoff and tick. */
  pagerBackoff?: { baseMs?: number; maxMs?: number; jitter?: number };
  pagerIntervalMs?: number;
  /** Tests shorten the events-out (webhooks, change events) backoff and tick, and give webhook secrets. */
  eventsBackoff?: { baseMs?: number; maxMs?: number; jitter?: number };
  eventsIntervalMs?: number;
  webhookEnv?: NodeJS.ProcessEnv;
  /** Tests shorten the GitHub callback backoff and tick. */
  githubBackoff?: { baseMs?: number; maxMs?: number; jitter?: number };
  githubIntervalMs?: number;
  /** Tests against an unlimited fake shorten the per-channel posting pace; production keeps Slack's ~1/s. */
  postPace?: ChannelPostPacerOptions;
  /** Tests shorten the forecast check and the report's retry backoff. */
  reporting?: ReportingOptions;
  /** Socket Mode: tests shorten the reconnect backoff and the grace before /healthz turns 503. */
  socketRetry?: { baseMs?: number; maxMs?: number };
  socketGraceMs?: number;
  /** How often a gate long poll re-reads its gate unwoken (api/gateWaiters.ts); tests lengthen it to prove the wakes. */
  gateRecheckMs?: number;
  /** Tests probe the database more often, so a lost one is noticed within a test's patience. */
  databaseProbe?: DatabaseProbeOptions;
  /** Tests shorten how late Slack may carry out a call the bot got no answer to (LATE_LANDING_MS, 20 s). */
  lateLandingMs?: number;
}

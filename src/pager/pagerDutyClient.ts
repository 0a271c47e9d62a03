import type { event as pdEvent } from '@pagerduty/pdjs';
import { loadPdjs } from './loadPdjs.js';
import type { PageEvent } from '../domain/pageEvent.js';
import type { OncallLevel, PageSendResult } from '../service/pager.js';
import {
  checkedBaseUrl,
  classifyEventResponse,
  describeNetworkError,
  errorText,
  eventsServerOf,
  isInvalidJsonError,
  isResponseLike,
  toOncallLevels,
} from './pagerDutyAnswers.js';

/** What the pager needs from a logger; the app's RedactingLogger and Bolt's Logger both fit. */
export interface PagerLogger {
  debug(...msg: unknown[]): void;
  info(...msg: unknown[]): void;
  warn(...msg: unknown[]): void;
  error(...msg: unknown[]): void;
}

export type SendResult = PageSendResult;

/** An Events API v2 change event as posted to `/v2/change/enqueue`. */
export interface PagerDutyChangeEvent {
  routing_key: string;
  payload: { summary: string; source?: string; timestamp: string; custom_details?: Record<string, unknown> };
  links?: Array<{ href: string; text: string }>;
}

export interface PagerDutyClient {
  sendEvent(event: PageEvent): Promise<SendResult>;
  /** A change event (never pages); answered like an alert event. */
  sendChange(event: PagerDutyChangeEvent): Promise<SendResult>;
  /** The people on call for an escalation policy, by escalation level. Asked every time (no cache). */
  listOncalls(escalationPolicyId: string): Promise<OncallLevel[]>;
}

export interface PagerDutyClientOptions {
  /**
   * Not used to send (the event carries its own routing key, so the outbox can add it at
   * send time); taken so that no log line or error this client writes can contain it.
   */
  routingKey: string | null;
  /**
   * Origin of the Events API, e.g. https://events.pagerduty.com. pdjs posts to
   * `https://<host[:port]>/v2/enqueue` and nothing else, so this must be https with no path.
   */
  eventsUrl: string;
  apiToken?: string | null;
  /** Origin of the REST API, e.g. https://api.pagerduty.com. */
  apiUrl: string;
  /** Upper bound on each call, connection to last byte, pdjs's own 429 retries included. */
  timeoutMs?: number;
  /**
   * pdjs's fixed pause before it re-sends after a 429 (its default is 20 s). Kept short: the
   * outbox worker does the real backoff, with Retry-After, once pdjs gives up.
   */
  rateLimitPauseMs?: number;
  logger: PagerLogger;
}

/** A REST call that did not give us on-call data; `status` is absent when no answer came. */
export class PagerDutyApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PagerDutyApiError';
  }
}

/** pdjs's pause before it re-asks after a 429 on a REST call (its default is 20 s); see listOncalls. */
const REST_429_PAUSE_MS = 1000;
/** pdjs's pause before it re-sends an event after a 429; see PagerDutyClientOptions.rateLimitPauseMs. */
const EVENT_429_PAUSE_MS = 500;

type PdjsEventData = Parameters<typeof pdEvent>[0]['data'];

/**
 * Our adapter over PagerDuty, through @pagerduty/pdjs 2.2.4. What pdjs does, and what we do
 * about it (file:line in node_modules/@pagerduty/pdjs/build/src):
 *
 * - `event()` posts to `https://${server}/v2/enqueue` (events.js:7), so `server` is the
 *   host[:port] of eventsUrl; an http:// URL or a path prefix cannot be honoured and is
 *   refused when the client is created.
 * - It resolves on every HTTP answer, 4xx and 5xx included: we check the status ourselves
 *   (classifyEventResponse) and read Retry-After from the final answer's headers.
 * - It re-sends a 429 up to three times, `retryTimeout` ms apart (common.js:14, :34-40), and
 *   never shows us the 429s it absorbed. We pass a short `retryTimeout` (rateLimitPauseMs),
 *   so a lone 429 costs half a second and is invisible; only when all four answers are 429
 *   does the outbox see one, with the last answer's Retry-After, and back off. Its
 *   `retryCount` option is typed but never read.
 * - Its `requestTimeout` only starts a timer that does nothing and keeps the process alive
 *   (common.js:103-111): we pass 0 and bound every call with AbortSignal.timeout, which pdjs
 *   hands to node-fetch. The wait between 429 re-sends ignores the signal, so we also race
 *   the abort; pdjs's next fetch then fails at once on the aborted signal.
 * - It parses every body as JSON (events.js:36) and rejects with node-fetch's `invalid-json`
 *   error when it is not, losing the status: such an answer (say, a proxy's HTML 502) is
 *   treated as retryable. A non-JSON 4xx would therefore be retried with backoff rather than
 *   given up on; PagerDuty itself always answers JSON.
 *
 * The on-call lookup uses pdjs's `api()` (it takes a full `url`, api.js:34), with a short
 * 429 pause and every call bounded by an AbortSignal in the same way.
 */
export function createPagerDutyClient(options: PagerDutyClientOptions): PagerDutyClient {
  const { logger } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const rateLimitPauseMs = options.rateLimitPauseMs ?? EVENT_429_PAUSE_MS;
  const eventsServer = eventsServerOf(options.eventsUrl);
  const apiOrigin = checkedBaseUrl('apiUrl', options.apiUrl);
  const secrets = [options.routingKey, options.apiToken].filter((s): s is string => typeof s === 'string' && s !== '');
  /** Belt and braces: an error text from below us must not carry a secret into a log or the DB. */
  const scrub = (text: string): string => secrets.reduce((t, s) => t.split(s).join('[redacted]'), text);

  const sendEvent = (event: PageEvent): Promise<SendResult> => send('trigger', event, event.dedup_key, event.event_action);
  const sendChange = (event: PagerDutyChangeEvent): Promise<SendResult> => send('change', event, '', 'change');

  async function send(type: 'trigger' | 'change', data: PageEvent | PagerDutyChangeEvent, dedupKey: string, action: string): Promise<SendResult> {
    // Loaded before the clock starts: timeoutMs bounds the call to PagerDuty, not the first import.
    const { event: pdEvent } = await loadPdjs();
    const signal = AbortSignal.timeout(timeoutMs);
    let result: SendResult;
    try {
      const call = pdEvent({
        server: eventsServer,
        // pdjs posts a 'change' to /v2/change/enqueue, anything else to /v2/enqueue (events.js:7-10).
        ...(type === 'change' ? { type: 'change' } : {}),
        // A resolve has no payload, which pdjs's type insists on; the Events API does not.
        data: data as unknown as PdjsEventData,
        headers: { Accept: 'application/json' },
        redirect: 'error',
        signal,
        requestTimeout: 0,
        retryTimeout: rateLimitPauseMs,
      });
      call.catch(() => undefined);
      // pdjs reads the body (as JSON) before it resolves, under the same signal: a server that
      // sends headers then stalls is bounded too.
      const response = await Promise.race([call, aborted(signal)]);
      result = classifyEventResponse(response.status, response.data, response.headers.get('retry-after'), dedupKey);
    } catch (err) {
      result = {
        ok: false,
        retryable: true,
        error: scrub(
          signal.aborted
            ? `timed out after ${timeoutMs} ms`
            : isInvalidJsonError(err)
              ? 'PagerDuty answered with a body that is not JSON (pdjs does not say which status); will retry'
              : describeNetworkError(err),
        ),
      };
    }
    if (result.ok) {
      logger.info('pagerduty: event accepted', { dedupKey, action, status: result.status });
    } else {
      result.error = scrub(result.error);
      const fields: Record<string, unknown> = { dedupKey, action, status: result.status ?? null, retryable: result.retryable, error: result.error };
      if (result.retryAfterMs !== undefined) fields.retryAfterMs = result.retryAfterMs;
      logger.warn('pagerduty: event not accepted', fields);
    }
    return result;
  }

  async function listOncalls(escalationPolicyId: string): Promise<OncallLevel[]> {
    const token = options.apiToken;
    if (!token) throw new PagerDutyApiError('PagerDuty REST API token is not configured (PAGERDUTY_API_TOKEN)');
    const { api } = await loadPdjs();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const call = api({
        url: `${apiOrigin}/oncalls`,
        token,
        tokenType: 'token',
        method: 'GET',
        queryParameters: { 'escalation_policy_ids[]': [escalationPolicyId], earliest: 'true' },
        signal: controller.signal,
        // 0 turns off pdjs's no-op 30 s timer (common.js:103-111), which is cleared only on
        // success and would otherwise keep the process alive after every failed call.
        requestTimeout: 0,
        retryTimeout: REST_429_PAUSE_MS,
      });
      // pdjs's wait between 429 retries ignores the signal, so race the abort as well. If we
      // win the race during such a wait, pdjs's timer (≤ REST_429_PAUSE_MS) still fires and its
      // next fetch fails at once on the aborted signal; that rejection is caught here.
      call.catch(() => undefined);
      const response = await Promise.race([call, aborted(controller.signal)]);
      if (!response.ok) {
        throw new PagerDutyApiError(
          `PagerDuty REST /oncalls answered ${response.status}: ${errorText(response.data) ?? 'no details'}`,
          response.status,
        );
      }
      const levels = toOncallLevels(response.data);
      logger.debug('pagerduty: on-call lookup', { escalationPolicyId, levels: levels.length });
      return levels;
    } catch (err) {
      const wrapped =
        err instanceof PagerDutyApiError
          ? err
          : controller.signal.aborted
            ? new PagerDutyApiError(`PagerDuty REST /oncalls timed out after ${timeoutMs} ms`)
            : isResponseLike(err)
              ? // pdjs rejects with the Response itself when the body is not JSON (api.js:53).
                new PagerDutyApiError(`PagerDuty REST /oncalls answered ${err.status} with a body that is not JSON`, err.status)
              : new PagerDutyApiError(`PagerDuty REST /oncalls failed: ${describeNetworkError(err)}`);
      wrapped.message = scrub(wrapped.message);
      logger.warn('pagerduty: on-call lookup failed', { escalationPolicyId, status: wrapped.status ?? null, error: wrapped.message });
      throw wrapped;
    } finally {
      clearTimeout(timer);
    }
  }

  return { sendEvent, sendChange, listOncalls };
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    const fail = () => reject(new Error('aborted'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

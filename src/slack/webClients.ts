import { WebClient, type Logger } from '@slack/web-api';

/**
 * Two clients on purpose. @slack/web-api pauses *every* call on a client after a 429, and by
 * default retries 5xx for about half an hour with no request timeout. So:
 * - `foreground` serves a person waiting on a click (views.open within a trigger's 3 s):
 *   short timeout, no retries, never shared with background traffic;
 * - `background` posts and updates checklist messages and reminders: a 429 is thrown at once
 *   (rejectRateLimitedCalls) so our own sync loop honours Retry-After per channel and keeps
 *   converging, instead of the client stalling everything behind it.
 */
/**
 * The background client for a channel: in single-token mode always the same one; with OAuth
 * distribution the client of the workspace the channel's runs belong to, so each workspace's
 * posts go out with its own token only (src/tenantClients.ts).
 */
export type ClientForChannel = (channelId: string) => Promise<WebClient>;

export interface SlackClients {
  foreground: WebClient;
  background: WebClient;
}

/** The background client's bound on one call: past it, a post's outcome is unknown (see LATE_LANDING_MS). */
export const BACKGROUND_TIMEOUT_MS = 5_000;

export function createSlackClients(opts: { token: string; apiUrl: string; logger: Logger }): SlackClients {
  return {
    foreground: new WebClient(opts.token, {
      slackApiUrl: opts.apiUrl,
      logger: opts.logger,
      timeout: 2_500,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    }),
    background: createBackgroundClient(opts.token, opts.apiUrl, opts.logger),
  };
}

/** A background client (see above) for one token; with OAuth, one per workspace. */
export function createBackgroundClient(token: string | undefined, apiUrl: string, logger: Logger): WebClient {
  return new WebClient(token, {
    slackApiUrl: apiUrl,
    logger,
    // Slack answers in well under a second; one call at a time per channel means a hung call
    // holds the channel's queue, so give up on it sooner than the library's (absent) default.
    timeout: BACKGROUND_TIMEOUT_MS,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    maxRequestConcurrency: 4,
  });
}

export type SlackFailure =
  | { kind: 'rate_limited'; retryAfterMs: number }
  | { kind: 'transient'; detail: string }
  | { kind: 'rejected'; error: string; detail: string };

/** Sorts a failed Web API call into: wait and retry, retry with backoff, or give up on this version. */
export function classifySlackError(error: unknown): SlackFailure {
  const e = error as {
    code?: string;
    retryAfter?: number;
    statusCode?: number;
    data?: { error?: string; response_metadata?: { messages?: string[] } };
    message?: string;
  };
  if (e?.code === 'slack_webapi_rate_limited_error') return { kind: 'rate_limited', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000 };
  if (e?.code === 'slack_webapi_platform_error') {
    const code = e.data?.error ?? 'unknown_error';
    if (['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited'].includes(code)) {
      return { kind: 'transient', detail: code };
    }
    return { kind: 'rejected', error: code, detail: (e.data?.response_metadata?.messages ?? []).join('; ') };
  }
  if (e?.code === 'slack_webapi_http_error') {
    if (e.statusCode === 429) return { kind: 'rate_limited', retryAfterMs: 1000 };
    return { kind: 'transient', detail: `HTTP ${e.statusCode ?? '?'}` };
  }
  return { kind: 'transient', detail: e?.message ?? String(error) };
}

/**
 * How long after we gave up on a call Slack may still carry it out. A call that timed out (or whose
 * connection dropped) may have reached Slack and land late: a repeated post would then appear twice,
 * and an earlier update could overwrite a later one. So such a post is repeated only after this long,
 * once the channel's history shows it did not arrive; and such a message is rendered once more when
 * this long has passed.
 */
export const LATE_LANDING_MS = 20_000;

/** Connection errors that mean the request never left: nothing can land late. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Whether a failed call may still have reached Slack: no answer came back (timeout, dropped connection). */
export function outcomeUnknown(error: unknown): boolean {
  const e = error as { code?: unknown; original?: { cause?: { code?: unknown } } } | null;
  if (e?.code !== 'slack_webapi_request_error') return false;
  const cause = e.original?.cause?.code;
  return !(typeof cause === 'string' && NEVER_SENT.has(cause));
}

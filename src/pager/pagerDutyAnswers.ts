import type { OncallLevel, PageSendResult } from '../service/pager.js';

/**
 * Reading PagerDuty's answers (Events API statuses, Retry-After, error bodies, on-call lists) and
 * checking the configured URLs: the parts of the adapter that need no network.
 */

/** Longest Retry-After we obey; a larger value is more likely a misconfigured proxy than a plan. */
const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/**
 * How an Events API answer maps to what the outbox does next. 4xx means this event will
 * never be accepted as it is, except 408 and 429, which say "later"; 5xx is PagerDuty's
 * trouble and worth retrying.
 */
export function classifyEventResponse(
  status: number,
  /** The answer's body: as pdjs parsed it, or raw text. */
  rawBody: unknown,
  retryAfter: string | null,
  sentDedupKey: string,
): PageSendResult {
  const body = typeof rawBody === 'string' ? parseJson(rawBody) : rawBody;
  const bodyText = typeof rawBody === 'string' ? rawBody : rawBody === undefined || rawBody === null ? '' : JSON.stringify(rawBody);
  if (status === 202) {
    const returned = isRecord(body) && typeof body.dedup_key === 'string' ? body.dedup_key : sentDedupKey;
    return { ok: true, status: 202, dedupKey: returned };
  }
  const detail = errorText(body) ?? (bodyText.trim().slice(0, 200) || 'no details');
  if (status === 429) {
    const result: PageSendResult = { ok: false, retryable: true, status, error: `rate limited (429): ${detail}` };
    const retryAfterMs = parseRetryAfter(retryAfter, Date.now());
    if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
    return result;
  }
  if (status === 408 || status >= 500) return { ok: false, retryable: true, status, error: `PagerDuty answered ${status}: ${detail}` };
  if (status >= 400) return { ok: false, retryable: false, status, error: `PagerDuty refused the event (${status}): ${detail}` };
  return { ok: false, retryable: true, status, error: `unexpected answer ${status} from PagerDuty: ${detail}` };
}

/** Retry-After is either seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) {
    ms = Number(v) * 1000;
  } else {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/** PagerDuty's error bodies: Events API `{message, errors[]}`, REST `{error: {message, errors[]}}`. */
export function errorText(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const inner = isRecord(body.error) ? body.error : body;
  const errors = Array.isArray(inner.errors) ? inner.errors.filter((e): e is string => typeof e === 'string') : [];
  const message = typeof inner.message === 'string' ? inner.message : undefined;
  if (errors.length > 0) return message ? `${message}: ${errors.join('; ')}` : errors.join('; ');
  return message;
}

/**
 * Node's fetch reports "fetch failed" with the useful part (ECONNREFUSED, a TLS error) in `cause`;
 * node-fetch, under pdjs, puts the `code` on the error itself.
 */
export function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${err.message}: ${typeof code === 'string' ? `${code} ` : ''}${cause.message}`.trim();
  }
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
}

export function checkedBaseUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} is not a URL`);
  }
  // The routing key and the API token travel in these requests: never in clear text.
  if (url.protocol !== 'https:') throw new Error(`${name} must be an https:// URL`);
  return value.replace(/\/+$/, '');
}

/**
 * The `server` pdjs's event() wants (host[:port]) from the configured Events API origin.
 * pdjs always speaks https and always posts to `/v2/enqueue` at the root, so anything it
 * would silently drop (http, a path prefix, a query) is refused here, at start.
 */
export function eventsServerOf(eventsUrl: string): string {
  let url: URL;
  try {
    url = new URL(eventsUrl);
  } catch {
    throw new Error('eventsUrl is not a URL (PAGERDUTY_EVENTS_URL): give the Events API origin, e.g. https://events.pagerduty.com');
  }
  if (url.protocol !== 'https:') throw new Error('eventsUrl must be an https:// URL (PAGERDUTY_EVENTS_URL): pdjs only speaks https');
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new Error(
      `eventsUrl must be an origin with no path (PAGERDUTY_EVENTS_URL), e.g. https://events.pagerduty.com: pdjs always posts to https://<host>/v2/enqueue, so the path "${url.pathname}" would be ignored`,
    );
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new Error('eventsUrl must be just https://host[:port] (PAGERDUTY_EVENTS_URL), without a query, fragment or credentials');
  }
  return url.host;
}

/** node-fetch's error when pdjs's `response.json()` meets a body that is not JSON. */
export function isInvalidJsonError(err: unknown): boolean {
  return isRecord(err) && (err as { type?: unknown }).type === 'invalid-json';
}

export function isResponseLike(v: unknown): v is { status: number } {
  return isRecord(v) && typeof v.status === 'number' && typeof (v as { headers?: unknown }).headers === 'object';
}

/**
 * Reads a REST `GET /oncalls` body (`{oncalls: [{escalation_level, user: {summary, email},
 * schedule: {summary} | null, end}]}`) into levels sorted by escalation level, then name.
 * Entries without a level or a user are skipped rather than failing the whole answer.
 */
export function toOncallLevels(body: unknown): OncallLevel[] {
  const list = isRecord(body) && Array.isArray(body.oncalls) ? body.oncalls : [];
  const levels: OncallLevel[] = [];
  for (const entry of list as unknown[]) {
    if (!isRecord(entry) || typeof entry.escalation_level !== 'number' || !isRecord(entry.user)) continue;
    const user = entry.user;
    const userName = typeof user.summary === 'string' ? user.summary : typeof user.name === 'string' ? user.name : null;
    if (userName === null) continue;
    const level: OncallLevel = { level: entry.escalation_level, userName };
    if (typeof user.email === 'string') level.userEmail = user.email;
    if (isRecord(entry.schedule) && typeof entry.schedule.summary === 'string') level.scheduleName = entry.schedule.summary;
    if (typeof entry.end === 'string') {
      const end = Date.parse(entry.end);
      if (!Number.isNaN(end)) level.until = end;
    }
    levels.push(level);
  }
  return levels.sort((a, b) => a.level - b.level || a.userName.localeCompare(b.userName));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

import { createHash } from 'node:crypto';

/**
 * The page event model: PagerDuty Events API v2 payloads, built within PagerDuty's limits and
 * checked before they leave, and the dedup key a run's page gets. Pure: no I/O, no clock.
 */

export type Severity = 'critical' | 'error' | 'warning' | 'info';
export type EventAction = 'trigger' | 'acknowledge' | 'resolve';

export const SEVERITIES: readonly Severity[] = ['critical', 'error', 'warning', 'info'];
export const EVENT_ACTIONS: readonly EventAction[] = ['trigger', 'acknowledge', 'resolve'];

/** Events API v2 limits (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/). */
export const ROUTING_KEY_LENGTH = 32;
export const MAX_DEDUP_KEY_LENGTH = 255;
export const MAX_SUMMARY_LENGTH = 1024;
/** PagerDuty refuses an event whose JSON is larger than 512 KB. */
export const MAX_EVENT_BYTES = 512 * 1024;

export interface PageLink {
  href: string;
  text: string;
}

export interface TriggerPayload {
  summary: string;
  source: string;
  severity: Severity;
  component?: string;
  group?: string;
  class?: string;
  custom_details?: Record<string, unknown>;
}

/** An Events API v2 event exactly as it is posted to `/v2/enqueue`. */
export interface PageEvent {
  routing_key: string;
  event_action: EventAction;
  dedup_key: string;
  /** Present (and required) for a trigger only. */
  payload?: TriggerPayload;
  links?: PageLink[];
}

/**
 * What the outbox stores: the event without its routing key, which is a secret and is
 * added from configuration at send time.
 */
export type UnroutedPageEvent = Omit<PageEvent, 'routing_key'>;

export interface TriggerEventInput {
  routingKey: string;
  dedupKey: string;
  summary: string;
  source: string;
  severity: Severity;
  component?: string;
  group?: string;
  class?: string;
  links?: PageLink[];
  customDetails?: Record<string, unknown>;
}

/**
 * Builds a trigger event. A summary longer than PagerDuty accepts is cut and ends in "…"
 * rather than failing: a page with a shortened title beats no page.
 */
export function buildTriggerEvent(input: TriggerEventInput): PageEvent {
  const { routingKey, ...rest } = input;
  return withRoutingKey(buildUnroutedTrigger(rest), routingKey);
}

/** A trigger as the service decides it: the pager adds the routing key, a secret, when it sends. */
export function buildUnroutedTrigger(input: Omit<TriggerEventInput, 'routingKey'>): UnroutedPageEvent {
  const payload: TriggerPayload = {
    summary: truncateSummary(input.summary),
    source: input.source,
    severity: input.severity,
  };
  if (input.component !== undefined) payload.component = input.component;
  if (input.group !== undefined) payload.group = input.group;
  if (input.class !== undefined) payload.class = input.class;
  if (input.customDetails !== undefined) payload.custom_details = input.customDetails;
  const event: UnroutedPageEvent = { event_action: 'trigger', dedup_key: input.dedupKey, payload };
  if (input.links !== undefined && input.links.length > 0) {
    event.links = input.links.map((l) => ({ href: l.href, text: l.text }));
  }
  return event;
}

export function buildResolveEvent(input: { routingKey: string; dedupKey: string }): PageEvent {
  return { routing_key: input.routingKey, event_action: 'resolve', dedup_key: input.dedupKey };
}

/** The event as the outbox keeps it: whatever routing key it carried is dropped. */
export function withoutRoutingKey(event: PageEvent | UnroutedPageEvent): UnroutedPageEvent {
  const { routing_key: _dropped, ...rest } = event as PageEvent;
  return rest;
}

export function withRoutingKey(event: UnroutedPageEvent, routingKey: string): PageEvent {
  return { routing_key: routingKey, ...event };
}

/** Cuts to at most MAX_SUMMARY_LENGTH UTF-16 units, ending in "…", never splitting a surrogate pair. */
export function truncateSummary(summary: string): string {
  if (summary.length <= MAX_SUMMARY_LENGTH) return summary;
  let cut = MAX_SUMMARY_LENGTH - 1;
  const last = summary.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${summary.slice(0, cut)}…`;
}

/**
 * Every reason PagerDuty would refuse this event, in words a person can act on; empty
 * when it is valid. Never echoes the routing key.
 */
export function validatePageEvent(e: unknown): string[] {
  if (!isRecord(e)) return ['event must be an object'];
  const problems: string[] = [];

  const key = e.routing_key;
  if (typeof key !== 'string' || key.length !== ROUTING_KEY_LENGTH) {
    const got = typeof key === 'string' ? `${key.length} characters` : typeof key;
    problems.push(`routing_key must be ${ROUTING_KEY_LENGTH} characters (got ${got})`);
  }

  const action = e.event_action;
  if (typeof action !== 'string' || !(EVENT_ACTIONS as readonly string[]).includes(action)) {
    problems.push(`event_action must be one of ${EVENT_ACTIONS.join(', ')}`);
  }

  const dedup = e.dedup_key;
  if (dedup === undefined) {
    if (action !== 'trigger') problems.push(`dedup_key is required to ${String(action)}`);
  } else if (typeof dedup !== 'string' || dedup.length === 0) {
    problems.push('dedup_key must be a non-empty string');
  } else if (dedup.length > MAX_DEDUP_KEY_LENGTH) {
    problems.push(`dedup_key must be at most ${MAX_DEDUP_KEY_LENGTH} characters (got ${dedup.length})`);
  }

  if (action === 'trigger') {
    problems.push(...validateTriggerPayload(e.payload));
  }

  if (e.links !== undefined) {
    if (!Array.isArray(e.links)) {
      problems.push('links must be an array of {href, text}');
    } else {
      e.links.forEach((link: unknown, i: number) => {
        if (!isRecord(link) || typeof link.href !== 'string' || !isHttpUrl(link.href)) {
          problems.push(`links[${i}].href must be an http(s) URL`);
        } else if (link.text !== undefined && typeof link.text !== 'string') {
          problems.push(`links[${i}].text must be a string`);
        }
      });
    }
  }

  if (problems.length === 0) {
    const bytes = Buffer.byteLength(JSON.stringify(e), 'utf8');
    if (bytes > MAX_EVENT_BYTES) problems.push(`event is ${bytes} bytes; PagerDuty accepts at most ${MAX_EVENT_BYTES}`);
  }
  return problems;
}

function validateTriggerPayload(payload: unknown): string[] {
  if (!isRecord(payload)) return ['payload is required to trigger'];
  const problems: string[] = [];
  const { summary, source, severity } = payload;
  if (typeof summary !== 'string' || summary.trim() === '') {
    problems.push('payload.summary is required');
  } else if (summary.length > MAX_SUMMARY_LENGTH) {
    problems.push(`payload.summary must be at most ${MAX_SUMMARY_LENGTH} characters (got ${summary.length})`);
  }
  if (typeof source !== 'string' || source.trim() === '') problems.push('payload.source is required');
  if (typeof severity !== 'string' || !(SEVERITIES as readonly string[]).includes(severity)) {
    problems.push(`payload.severity must be one of ${SEVERITIES.join(', ')}`);
  }
  for (const field of ['component', 'group', 'class'] as const) {
    if (payload[field] !== undefined && typeof payload[field] !== 'string') {
      problems.push(`payload.${field} must be a string`);
    }
  }
  if (payload.custom_details !== undefined && !isRecord(payload.custom_details)) {
    problems.push('payload.custom_details must be an object');
  }
  return problems;
}

const SAFE_REASON = /^[a-z0-9][a-z0-9._:-]*$/;
const PREFIX = 'deployday:run-';

/**
 * The dedup key of the page a run raises for a reason, e.g. `deployday:run-12:overdue:s3`.
 * Deterministic, so raising the same page twice (a retry, a restart) is one incident.
 * A reason that is not already lower-case `[a-z0-9._:-]` is slugged and gets a short hash
 * of the original appended, so two reasons that slug alike still get different keys.
 */
export function dedupKeyFor(runId: number, reason: string): string {
  if (!Number.isSafeInteger(runId) || runId < 0) throw new RangeError(`runId must be a non-negative integer (got ${runId})`);
  const head = `${PREFIX}${runId}:`;
  const room = MAX_DEDUP_KEY_LENGTH - head.length;
  if (SAFE_REASON.test(reason) && reason.length <= room) return head + reason;

  const hash = createHash('sha256').update(reason, 'utf8').digest('hex').slice(0, 10);
  let slug = reason
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9._:-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.:_]+|[-.:_]+$/g, '');
  const maxSlug = room - hash.length - 1;
  if (slug.length > maxSlug) slug = slug.slice(0, maxSlug).replace(/[-.:_]+$/, '');
  return slug ? `${head}${slug}-${hash}` : `${head}${hash}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

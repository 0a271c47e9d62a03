import type { PolicyLookupResult } from '../service/pager.js';
import { describeNetworkError, errorText, isResponseLike } from './pagerDutyAnswers.js';
import type { PagerLogger } from './pagerDutyClient.js';
import { loadPdjs } from './loadPdjs.js';

/** PagerDuty's largest page for list endpoints. */
const PAGE_LIMIT = 100;
/** A bound on pagination, so a misbehaving answer (`more: true` forever) cannot loop. */
const MAX_PAGES = 100;
/** Which policy a service escalates to changes rarely; ask again after this long. */
export const POLICY_CACHE_TTL_MS = 10 * 60_000;

interface ServiceRow {
  id?: unknown;
  name?: unknown;
  escalation_policy?: { id?: unknown; summary?: unknown };
  integrations?: Array<{ integration_key?: unknown }>;
}

/**
 * Finds the escalation policy behind the routing key (issue 10: `/deploy oncall` with nothing but
 * a routing key and an API token): `GET /services?include[]=integrations`, page by page, until a
 * service has an integration whose key is ours. A found policy is cached for POLICY_CACHE_TTL_MS;
 * a failure is not cached (the next ask tries again). Never throws; never logs the key or token.
 */
export function createPolicyForRoutingKey(opts: {
  apiOrigin: string;
  token: string;
  routingKey: string;
  logger: PagerLogger;
  timeoutMs?: number;
  ttlMs?: number;
  now?: () => number;
}): () => Promise<PolicyLookupResult> {
  const now = opts.now ?? Date.now;
  const ttlMs = opts.ttlMs ?? POLICY_CACHE_TTL_MS;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const scrub = (text: string): string => [opts.routingKey, opts.token].reduce((t, s) => t.split(s).join('[redacted]'), text);
  let cached: { at: number; result: PolicyLookupResult } | null = null;

  async function page(offset: number): Promise<{ services: ServiceRow[]; more: boolean }> {
    const { api } = await loadPdjs();
    const signal = AbortSignal.timeout(timeoutMs);
    const call = api({
      url: `${opts.apiOrigin}/services`,
      token: opts.token,
      tokenType: 'token',
      method: 'GET',
      queryParameters: { 'include[]': ['integrations'], limit: String(PAGE_LIMIT), offset: String(offset) },
      signal,
      requestTimeout: 0,
      retryTimeout: 1_000,
    });
    call.catch(() => undefined);
    const response = await call;
    if (!response.ok) throw new Error(`PagerDuty REST /services answered ${response.status}: ${errorText(response.data) ?? 'no details'}`);
    const data = response.data as { services?: unknown; more?: unknown };
    return { services: Array.isArray(data.services) ? (data.services as ServiceRow[]) : [], more: data.more === true };
  }

  async function lookUp(): Promise<PolicyLookupResult> {
    try {
      for (let n = 0, offset = 0; n < MAX_PAGES; n++) {
        const { services, more } = await page(offset);
        for (const service of services) {
          if (!(service.integrations ?? []).some((i) => i.integration_key === opts.routingKey)) continue;
          const policyId = typeof service.escalation_policy?.id === 'string' ? service.escalation_policy.id : null;
          if (!policyId) return { ok: false, error: 'the service behind the routing key has no escalation policy' };
          return {
            ok: true,
            policyId,
            policyName: typeof service.escalation_policy?.summary === 'string' ? service.escalation_policy.summary : null,
            serviceName: typeof service.name === 'string' ? service.name : String(service.id ?? '?'),
          };
        }
        if (!more || services.length === 0) break;
        offset += services.length;
      }
      return { ok: false, error: 'no PagerDuty service the API token can see has an integration with this routing key' };
    } catch (err) {
      const text =
        err instanceof Error && !isResponseLike(err)
          ? err.message
          : isResponseLike(err)
            ? `PagerDuty REST /services answered ${err.status} with a body that is not JSON`
            : describeNetworkError(err);
      return { ok: false, error: scrub(text) };
    }
  }

  return async () => {
    if (cached && now() - cached.at < ttlMs) return cached.result;
    const result = await lookUp();
    if (result.ok) cached = { at: now(), result };
    opts.logger.debug('pagerduty: policy behind the routing key', { found: result.ok });
    return result;
  };
}

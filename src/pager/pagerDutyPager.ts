import { validatePageEvent, withRoutingKey, type UnroutedPageEvent } from '../domain/pageEvent.js';
import type { ChangeEvent, OncallLookupResult, PageSendResult, Pager } from '../service/pager.js';
import { createPolicyForRoutingKey } from './policyForRoutingKey.js';
import { createPagerDutyClient, type PagerDutyClient, type PagerDutyClientOptions, type PagerLogger } from './pagerDutyClient.js';

export interface PagerDutyPagerOptions extends Omit<PagerDutyClientOptions, 'routingKey'> {
  /** The Events API integration key; null turns paging off (lookups may still work). */
  routingKey: string | null;
  /** Injectable for tests; by default a pdjs client from the same options. */
  client?: PagerDutyClient;
}

/**
 * The Pager port over PagerDuty. The routing key lives here only: events reach us without it
 * (the outbox never stores it) and get it at send time. An event PagerDuty would refuse is
 * refused here without a call, in the words it would use.
 */
export function createPagerDutyPager(options: PagerDutyPagerOptions): Pager {
  const { routingKey } = options;
  const client = options.client ?? createPagerDutyClient(options);
  const canPage = routingKey !== null && routingKey !== '';
  const canLookUpOncall = Boolean(options.apiToken);
  // With both a routing key and a token, the policy behind the key can be found (no front matter needed).
  const policyForRoutingKey =
    canPage && options.apiToken
      ? createPolicyForRoutingKey({ apiOrigin: options.apiUrl.replace(/\/+$/, ''), token: options.apiToken, routingKey, logger: options.logger })
      : undefined;

  async function send(event: UnroutedPageEvent): Promise<PageSendResult> {
    if (!canPage) return { ok: false, retryable: false, error: 'paging is off: PAGERDUTY_ROUTING_KEY is not set' };
    const routed = withRoutingKey(event, routingKey);
    const problems = validatePageEvent(routed);
    // PagerDuty would answer 400 to this; no need to ask.
    if (problems.length > 0) return { ok: false, retryable: false, error: `invalid event: ${problems.join('; ')}` };
    return client.sendEvent(routed);
  }

  return {
    canPage,
    canLookUpOncall,
    trigger: (event) => send(event),
    resolve: (dedupKey) => send({ event_action: 'resolve', dedup_key: dedupKey }),
    async change(event: ChangeEvent) {
      if (!canPage) return { ok: false, retryable: false, error: 'paging is off: PAGERDUTY_ROUTING_KEY is not set' };
      return client.sendChange({
        routing_key: routingKey,
        payload: {
          summary: event.summary,
          source: event.source,
          timestamp: new Date(event.at).toISOString(),
          ...(event.customDetails ? { custom_details: event.customDetails } : {}),
        },
        ...(event.links && event.links.length > 0 ? { links: event.links.map((l) => ({ href: l.href, text: l.text })) } : {}),
      });
    },
    async whoIsOnCall(escalationPolicyId: string): Promise<OncallLookupResult> {
      try {
        return { ok: true, levels: await client.listOncalls(escalationPolicyId) };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
    ...(policyForRoutingKey ? { policyForRoutingKey } : {}),
  };
}

/** The composition root's pager: PagerDuty when a routing key or an API token is configured, else none. */
export function pagerFromConfig(
  pd: { routingKey: string | null; eventsUrl: string; apiToken: string | null; apiUrl: string },
  logger: PagerLogger,
): Pager | null {
  if (!pd.routingKey && !pd.apiToken) return null;
  return createPagerDutyPager({ routingKey: pd.routingKey, eventsUrl: pd.eventsUrl, apiToken: pd.apiToken, apiUrl: pd.apiUrl, logger });
}

import type { PageLink, UnroutedPageEvent } from '../domain/pageEvent.js';

/*
 * The port the service layer pages through. Declared here, implemented in pager/ (PagerDuty
 * through pdjs, or a dry run for the rehearsal) and chosen at the composition root, so the
 * service and the jobs never import an adapter. Types only.
 */

/** How one send went: accepted, or why not and whether trying again can help. */
export type PageSendResult =
  | { ok: true; status: 202; dedupKey: string }
  | { ok: false; retryable: boolean; status?: number; error: string; retryAfterMs?: number };

/** One person on call at one escalation level of a policy. */
export interface OncallLevel {
  /** Escalation level, 1 = first paged. */
  level: number;
  userName: string;
  userEmail?: string;
  /** Absent when the person is on the level directly rather than through a schedule. */
  scheduleName?: string;
  /** When this on-call shift ends, epoch ms UTC; absent for a permanent assignment. */
  until?: number;
}

/** Never a throw: a failed lookup is something to tell the person who asked. */
export type OncallLookupResult = { ok: true; levels: OncallLevel[] } | { ok: false; error: string };

/** The escalation policy behind the routing key, found through the REST API (never a throw). */
export type PolicyLookupResult = { ok: true; policyId: string; policyName: string | null; serviceName: string } | { ok: false; error: string };

/** A PagerDuty change event: something changed (a deploy), shown beside incidents; never pages. */
export interface ChangeEvent {
  summary: string;
  source: string;
  /** When the change happened, epoch ms UTC. */
  at: number;
  links?: PageLink[];
  customDetails?: Record<string, unknown>;
}

export interface Pager {
  /** False when no routing key is configured: paging is off and nothing is queued. */
  readonly canPage: boolean;
  /** False when no REST API token is configured: `/deploy oncall` explains how to turn it on. */
  readonly canLookUpOncall: boolean;
  /** Sends a trigger; the event carries no routing key, the pager adds its own. */
  trigger(event: UnroutedPageEvent): Promise<PageSendResult>;
  resolve(dedupKey: string): Promise<PageSendResult>;
  change(event: ChangeEvent): Promise<PageSendResult>;
  /** Who is on call for an escalation policy, by level; asked afresh every time. */
  whoIsOnCall(escalationPolicyId: string): Promise<OncallLookupResult>;
  /** The escalation policy of the service whose integration is our routing key (cached); absent when it cannot be asked. */
  policyForRoutingKey?(): Promise<PolicyLookupResult>;
}

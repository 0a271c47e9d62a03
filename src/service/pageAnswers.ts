import type { Page } from '../store/pages.js';
import type { OncallLookupResult, PolicyLookupResult } from './pager.js';

/** Manual paging stays open to everyone, but one page per channel and per person in this window (issue 16). */
export const MANUAL_PAGE_WINDOW_MS = 5 * 60_000;

/** What became of a page asked for by hand: worded for Slack in slack/views/manualPageText.ts. */
export type ManualPageOutcome =
  | { kind: 'sent'; runId: number | null; channelId: string }
  | {
      kind: 'folded';
      scope: 'channel' | 'you';
      requestedBy: string | null;
      text: string;
      openedAt: number;
      runId: number | null;
      windowMinutes: number;
    };

/** What `/deploy oncall` can say, and the look-up to make when it can ask PagerDuty. */
export type OncallAnswer =
  | { kind: 'no_token'; runId: number | null; escalation: string[] }
  | { kind: 'no_policy'; runId: number | null; escalation: string[] }
  | {
      kind: 'asking';
      runId: number | null;
      policy: string;
      /** Where the policy came from: the checklist's front matter or PAGERDUTY_ESCALATION_POLICY. */
      source: 'checklist' | 'config';
      escalation: string[];
      lookup: () => Promise<OncallLookupResult>;
    }
  | {
      /** No policy named anywhere: find the one behind the routing key, then ask who is on call for it. */
      kind: 'finding';
      runId: number | null;
      escalation: string[];
      lookup: () => Promise<{ policy: PolicyLookupResult; oncall: OncallLookupResult | null }>;
    };

/** Which page a request joined, so the requester knows on-call already has it. */
export function foldedOutcome(open: Page, scope: 'channel' | 'you'): ManualPageOutcome {
  return {
    kind: 'folded',
    scope,
    requestedBy: open.requestedBy,
    text: open.requestText ?? open.summary,
    openedAt: open.openedAt,
    runId: open.runId,
    windowMinutes: MANUAL_PAGE_WINDOW_MS / 60_000,
  };
}

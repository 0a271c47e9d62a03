import type { OncallLookupResult, PolicyLookupResult } from '../../service/pager.js';
import type { ManualPageOutcome, OncallAnswer } from '../../service/pageService.js';
import { escapeMrkdwn } from './checklistMrkdwn.js';
import { mention } from './noticeText.js';
import { slackDate } from './slackDate.js';

/**
 * The words for `/deploy page` and `/deploy oncall`. The page service returns what happened as
 * data; everything a person typed (the page's message) is escaped here, and only user ids the bot
 * recorded become mentions.
 */
export function manualPageText(outcome: ManualPageOutcome): string {
  if (outcome.kind === 'sent') {
    return outcome.runId !== null
      ? `Paging on-call for run #${outcome.runId} now. The channel will see when PagerDuty has it, and when it resolves.`
      : 'Paging on-call now, with this channel as the context (there is no run here). Resolve the incident in PagerDuty when it is over.';
  }
  const when = slackDate(outcome.openedAt, '{date_short_pretty} {time}');
  const who = outcome.requestedBy ? `${mention(outcome.requestedBy)}’s` : 'a';
  const scope = outcome.scope === 'channel' ? 'this channel' : 'you';
  return (
    `On-call is already paged for ${scope}: ${who} page “${escapeMrkdwn(outcome.text)}”, opened ${when}${outcome.runId !== null ? ` on run #${outcome.runId}` : ''}. ` +
    `Your request was added to that page, not sent as a new one: one page by hand per channel and per person every ${outcome.windowMinutes} minutes. ` +
    (outcome.runId !== null ? 'The channel will see when it resolves.' : 'It stays open until someone resolves it in PagerDuty.')
  );
}

/** A page sent from a channel without a run is told to the channel at once (no run notices there). */
export function channelPageNotice(userId: string, message: string): string {
  return `🚨 ${mention(userId)} paged on-call from this channel: “${escapeMrkdwn(message)}”. PagerDuty has the channel as its context.`;
}

function escalationLines(escalation: readonly string[]): string {
  return escalation.length ? `\nThe checklist’s escalation path:\n${escalation.map((l, i) => `${i + 1}. ${escapeMrkdwn(l)}`).join('\n')}` : '';
}

/** The immediate answer to `/deploy oncall`. */
export function oncallText(answer: OncallAnswer): string {
  const written = escalationLines(answer.escalation);
  switch (answer.kind) {
    case 'no_token':
      return `On-call lookups are off: set PAGERDUTY_API_TOKEN (a read-only REST API key) to ask PagerDuty who is on call.${written}`;
    case 'no_policy':
      return answer.runId !== null
        ? `This checklist names no PagerDuty escalation policy: add \`escalationPolicy: P…\` to its front matter, or set PAGERDUTY_ESCALATION_POLICY for every channel.${written}`
        : `There is no run here and no default escalation policy: set PAGERDUTY_ESCALATION_POLICY (the id in the policy’s PagerDuty URL, e.g. PABC123) to ask PagerDuty who is on call.${written}`;
    case 'asking':
      return `Asking PagerDuty who is on call for policy \`${escapeMrkdwn(answer.policy)}\`…`;
    case 'finding':
      return 'Asking PagerDuty which escalation policy is behind PAGERDUTY_ROUTING_KEY, and who is on call for it…';
  }
}

/** The follow-up when the policy was found through the routing key (or could not be). */
export function oncallFoundText(
  answer: Extract<OncallAnswer, { kind: 'finding' }>,
  found: { policy: PolicyLookupResult; oncall: OncallLookupResult | null },
): string {
  const written = escalationLines(answer.escalation);
  if (!found.policy.ok) {
    return `I could not find the escalation policy behind PAGERDUTY_ROUTING_KEY: ${escapeMrkdwn(found.policy.error)}. Set PAGERDUTY_ESCALATION_POLICY (or \`escalationPolicy:\` in the checklist’s front matter) to name it.${written}`;
  }
  const p = found.policy;
  const label = `\`${escapeMrkdwn(p.policyId)}\`${p.policyName ? ` (${escapeMrkdwn(p.policyName)})` : ''}, of service “${escapeMrkdwn(p.serviceName)}”, found through the routing key`;
  const oncall = found.oncall ?? { ok: false as const, error: 'no answer' };
  if (!oncall.ok) return `PagerDuty did not answer the on-call lookup for policy ${label}: ${escapeMrkdwn(oncall.error)}.${written}`;
  if (oncall.levels.length === 0) return `Nobody is on call for policy ${label} right now.${written}`;
  const title = answer.runId !== null ? `*On call now for run #${answer.runId}*` : '*On call now*';
  return `${title} (policy ${label})\n${levelLines(oncall)}`;
}

function levelLines(result: Extract<OncallLookupResult, { ok: true }>): string {
  return result.levels
    .map(
      (l) =>
        `• Level ${l.level}: *${escapeMrkdwn(l.userName)}*${l.scheduleName ? ` (${escapeMrkdwn(l.scheduleName)})` : ''}${l.until ? ` until ${slackDate(l.until, '{date_short_pretty} {time}')}` : ''}`,
    )
    .join('\n');
}

/** The follow-up once PagerDuty answered (or did not). */
export function oncallResultText(answer: Extract<OncallAnswer, { kind: 'asking' }>, result: OncallLookupResult): string {
  const written = escalationLines(answer.escalation);
  const policy = `\`${escapeMrkdwn(answer.policy)}\``;
  if (!result.ok) return `PagerDuty did not answer the on-call lookup: ${escapeMrkdwn(result.error)}.${written}`;
  if (result.levels.length === 0) return `Nobody is on call for policy ${policy} right now.${written}`;
  const whose = answer.source === 'checklist' ? 'from the checklist' : 'from PAGERDUTY_ESCALATION_POLICY';
  const title = answer.runId !== null ? `*On call now for run #${answer.runId}*` : '*On call now*';
  return `${title} (policy ${policy}, ${whose})\n${levelLines(result)}`;
}

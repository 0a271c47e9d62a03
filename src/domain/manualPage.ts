/**
 * A page asked for by hand in a channel with no run (issue 10: paging works with nothing but a
 * routing key). Pure: the dedup key and the event's words come from the channel, the person and
 * the minute, so a double submit within the same minute carries the same key and PagerDuty folds
 * it into one incident even if both requests got past the fold in the store.
 */
import { createHash } from 'node:crypto';
import { buildUnroutedTrigger, MAX_DEDUP_KEY_LENGTH, type UnroutedPageEvent } from './pageEvent.js';

export const CHANNEL_PAGE_PREFIX = 'manual-channel:';

/** `deployday:channel:<channel>:<minute>`; channel ids are short and safe, hashed only if not. */
export function channelPageDedupKey(channelId: string, now: number): string {
  const minute = Math.floor(now / 60_000);
  const safe = /^[A-Z0-9]{1,40}$/.test(channelId) ? channelId : createHash('sha256').update(channelId).digest('hex').slice(0, 16);
  return `deployday:channel:${safe}:${minute}`.slice(0, MAX_DEDUP_KEY_LENGTH);
}

/** Slack's own redirect to a channel: works without knowing the workspace's URL. */
export function channelLink(channelId: string): string {
  return `https://slack.com/app_redirect?channel=${encodeURIComponent(channelId)}`;
}

/** The PagerDuty event of a page by hand with the channel as its context, and the words it is stored under. */
export function channelPageTrigger(input: { dedupKey: string; userId: string; userName: string; channelId: string; message: string; now: number }): {
  summary: string;
  reason: string;
  event: UnroutedPageEvent;
} {
  const { dedupKey, userId, channelId, message } = input;
  const summary = `Paged from Slack by ${input.userName} in channel ${channelId}: ${message}`;
  const event = buildUnroutedTrigger({
    dedupKey,
    summary,
    source: `deployday in Slack channel ${channelId}`,
    severity: 'critical',
    class: 'manual',
    links: [{ href: channelLink(channelId), text: `Slack channel ${channelId}` }],
    customDetails: { channel: channelId, requested_by: userId, message },
  });
  return { summary, reason: `${CHANNEL_PAGE_PREFIX}${input.now}`, event };
}

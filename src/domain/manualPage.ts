/**
 * A page asked for by hand in a channel with no run (issue 10: paging works with nothing but a
 * routing key). Pure: the dedup key and the event's words come from the channel, the person and
 * the minute, so a double submit within the same minute carries the same key and PagerDuty folds
 * it into one incident even if both requests got past the fold in the store.
 */
import { createHash } from 'node:crypto';
import { MAX_DEDUP_KEY_LENGTH } from './pageEvent.js';

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

import type { WebClient } from '@slack/web-api';
import { classifySlackError } from './webClients.js';

export interface MessageMetadata {
  event_type?: unknown;
  event_payload?: Record<string, unknown>;
}

export type PostedLookup =
  | { kind: 'found'; ts: string }
  | { kind: 'absent' }
  /** History could not be read now (Slack down, rate limited): look again later. */
  | { kind: 'retry'; retryInMs: number }
  /** History cannot be read at all (e.g. a missing scope): the caller decides without it. */
  | { kind: 'unreadable'; error: string };

/**
 * Looks in a channel's latest messages for one of ours, by its metadata: after a post whose outcome
 * is unknown, this says whether it arrived. Keys are unique, so the latest hundred messages are
 * enough, and no `oldest` bound is needed (which would also depend on Slack's clock).
 */
export async function findPostedMessage(client: WebClient, channel: string, matches: (metadata: MessageMetadata) => boolean): Promise<PostedLookup> {
  try {
    const history = await client.conversations.history({ channel, include_all_metadata: true, limit: 100 });
    for (const message of history.messages ?? []) {
      const metadata = (message as { metadata?: MessageMetadata }).metadata;
      if (metadata && matches(metadata)) return { kind: 'found', ts: String(message.ts ?? '') };
    }
    return { kind: 'absent' };
  } catch (error) {
    return failedLookup(error);
  }
}

/** What a failed read of history means for a lookup: look again later, or decide without it. */
export function failedLookup(error: unknown): PostedLookup {
  const failure = classifySlackError(error);
  if (failure.kind === 'rate_limited') return { kind: 'retry', retryInMs: failure.retryAfterMs };
  if (failure.kind === 'transient') return { kind: 'retry', retryInMs: 5_000 };
  return { kind: 'unreadable', error: failure.error };
}

import type { WebClient } from '@slack/web-api';
import { failedLookup, type PostedLookup } from './findPostedMessage.js';

/**
 * Looks in a thread for a reply carrying a file whose name starts with `prefix`: after an upload whose
 * answer never came (a timeout, or a crash before it was recorded), this says whether it was shared.
 * `found` gives the reply's ts. The first page (100 replies, oldest first) is enough: the files are
 * shared right after the message they belong to. Needs the history scope of the channel's type.
 */
export async function findFilesInThread(client: WebClient, channel: string, threadTs: string, prefix: string): Promise<PostedLookup> {
  try {
    const replies = await client.conversations.replies({ channel, ts: threadTs, limit: 100 });
    for (const message of replies.messages ?? []) {
      if (message.ts === threadTs) continue; // the parent: a message of ours, not the share
      if ((message.files ?? []).some((file) => typeof file.name === 'string' && file.name.startsWith(prefix))) {
        return { kind: 'found', ts: String(message.ts ?? '') };
      }
    }
    return { kind: 'absent' };
  } catch (error) {
    return failedLookup(error);
  }
}

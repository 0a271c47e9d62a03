import type { WebClient } from '@slack/web-api';

/** Names looked up once per workspace client: a profile name rarely changes within a deployment day. */
const caches = new WeakMap<WebClient, Map<string, string>>();

/**
 * A person's name as Slack shows it (real name, else display name), for text that leaves Slack
 * (a PagerDuty page), where a user id means nothing to the responder. Bounded by `timeoutMs`
 * because it runs before a command's ack; on any failure it says "someone in Slack", never the id.
 */
export async function userDisplayName(client: WebClient, userId: string, timeoutMs = 1_000): Promise<string> {
  const cache = caches.get(client) ?? new Map<string, string>();
  caches.set(client, cache);
  const known = cache.get(userId);
  if (known) return known;
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = await Promise.race([
      client.users.info({ user: userId }),
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), timeoutMs);
      }),
    ]);
    const user = answer?.user;
    const name = user?.profile?.real_name || user?.real_name || user?.profile?.display_name || user?.name;
    if (typeof name === 'string' && name.trim() !== '') {
      cache.set(userId, name.trim());
      return name.trim();
    }
  } catch {
    // The page matters more than the name: fall through to the neutral wording.
  } finally {
    if (timer) clearTimeout(timer);
  }
  return 'someone in Slack';
}

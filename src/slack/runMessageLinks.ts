import type { Logger } from '@slack/bolt';
import type { BotIdentity } from './botIdentity.js';
import { runMessageLink } from './messageLayout.js';
import type { ClientForChannel } from './webClients.js';

/** After a failed ask, links to that channel's messages are left out this long before asking again. */
export const WORKSPACE_URL_RETRY_MS = 60_000;

export interface RunMessageLinkOptions {
  /** The run message's channel and ts (null until posted). */
  find(runId: number, key: string): Promise<{ channelId: string; ts: string | null } | null>;
  identity: BotIdentity;
  /** OAuth: every workspace has its own URL. */
  perWorkspace: boolean;
  clientFor: ClientForChannel;
  logger: Logger;
  now?: () => number;
}

/** The Slack link of a run's message (the overview links each phase to its message), or null while unknown. */
export function createRunMessageLinks(opts: RunMessageLinkOptions): (runId: number, key: string) => Promise<string | null> {
  const workspaceUrlOf = createWorkspaceUrls(opts);
  return async (runId, key) => {
    const message = await opts.find(runId, key);
    return message?.ts ? runMessageLink(message, await workspaceUrlOf(message.channelId)) : null;
  };
}

/**
 * The URL of the workspace a channel lives in, for links between a run's messages. With one token it
 * is the bot identity's (botIdentity.ts). With OAuth each workspace has its own: asked once per channel
 * with that workspace's token (auth.test, which needs no scope) and remembered for the process's life;
 * a failed ask (Slack down, the app uninstalled) is asked again a minute later, links left out meanwhile.
 */
function createWorkspaceUrls(opts: RunMessageLinkOptions): (channelId: string) => Promise<string | null> {
  if (!opts.perWorkspace) return async () => opts.identity.workspaceUrl;
  const now = opts.now ?? Date.now;
  const known = new Map<string, { url: string | null; askAgainAt: number }>();
  const asking = new Map<string, Promise<string | null>>();
  const ask = async (channelId: string): Promise<string | null> => {
    let url: string | null = null;
    try {
      const auth = await (await opts.clientFor(channelId)).auth.test();
      url = typeof auth.url === 'string' ? auth.url : null;
    } catch (error) {
      opts.logger.warn(
        `auth.test for the workspace of channel ${channelId} failed; its run messages will not link to each other for a minute:`,
        error instanceof Error ? error.message : error,
      );
    }
    known.set(channelId, { url, askAgainAt: url === null ? now() + WORKSPACE_URL_RETRY_MS : Number.POSITIVE_INFINITY });
    return url;
  };
  return async (channelId) => {
    const seen = known.get(channelId);
    if (seen && seen.askAgainAt > now()) return seen.url;
    const inFlight = asking.get(channelId) ?? ask(channelId).finally(() => asking.delete(channelId));
    asking.set(channelId, inFlight);
    return await inFlight;
  };
}

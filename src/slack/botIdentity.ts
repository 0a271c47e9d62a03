import type { Logger } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';

export interface BotIdentity {
  botId?: string;
  botUserId?: string;
  /** `https://team.slack.com/`, for links between the run's messages; null until auth.test answers. */
  workspaceUrl: string | null;
}

/**
 * Who the bot is and where its workspace lives. Slack may be down at start: then keep asking every
 * 30 s in the background; nothing else waits for it. Returns a stop for the retry timer.
 */
export function learnBotIdentity(client: WebClient, identity: BotIdentity, logger: Logger): { ready: Promise<void>; stop(): void } {
  let timer: NodeJS.Timeout | null = null;
  const ask = async (): Promise<void> => {
    try {
      const auth = await client.auth.test();
      identity.workspaceUrl = typeof auth.url === 'string' ? auth.url : null;
      if (typeof auth.bot_id === 'string') identity.botId = auth.bot_id;
      if (typeof auth.user_id === 'string') identity.botUserId = auth.user_id;
    } catch (error) {
      logger.warn(
        'auth.test failed; retrying in 30 s (messages will not link to each other until then):',
        error instanceof Error ? error.message : error,
      );
      timer = setTimeout(() => void ask(), 30_000);
      timer.unref();
    }
  };
  return { ready: ask(), stop: () => void (timer && clearTimeout(timer)) };
}

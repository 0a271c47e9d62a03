import type { WebClient } from '@slack/web-api';
import type { Config } from './config.js';
import type { DeploydayOptions } from './deploydayOptions.js';
import type { RedactingLogger } from './logger.js';
import { githubWebhookRoute } from './api/githubWebhookRoute.js';
import type { Route } from './api/serveRoute.js';
import { createGitHubAppClient } from './github/githubAppClient.js';
import { createGitHubCallbackWorker, type GitHubCallbackWorker } from './jobs/githubCallbackWorker.js';

export type { GitHubCallbackWorker };
import type { Clock } from './service/clock.js';
import type { GitHubProtections } from './service/githubProtections.js';
import { userDisplayName } from './slack/userNames.js';

/** The audit's actor for the App's acts (`github:<slug>`), or null when GitHub is not configured. */
export const githubActorOf = (config: Config): string | undefined => (config.github ? `github:${config.github.appSlug}` : undefined);

/**
 * GitHub deployment protection rules as configuration says: with GITHUB_* set, the
 * `POST /github/webhook` route and the callback worker; without, neither (the route answers 404).
 */
export function githubFromConfig(input: {
  config: Config;
  options: DeploydayOptions;
  protections: GitHubProtections;
  /** The Slack client of a run's workspace (null when there is none to ask). */
  clientForRun: (runId: number | null) => Promise<WebClient | null>;
  clock: Clock;
  logger: RedactingLogger;
  /** While true the callback worker claims nothing (the database does not answer). */
  paused?: () => boolean;
}): { worker: GitHubCallbackWorker | null; routes: Route[] } {
  const { config, options, logger } = input;
  if (!config.github) return { worker: null, routes: [] };
  const { appId, privateKey, apiUrl, webhookSecret } = config.github;
  const worker = createGitHubCallbackWorker({
    protections: input.protections,
    reviewer: createGitHubAppClient({ appId, privateKey, apiUrl }),
    // Slack's "someone in Slack" (lookup failed) says less than the id does on GitHub.
    nameOf: async (id, runId) => {
      const client = await input.clientForRun(runId).catch(() => null);
      if (!client) return id;
      const name = await userDisplayName(client, id);
      return name === 'someone in Slack' ? id : name;
    },
    now: () => input.clock.now(),
    logger,
    ...(input.paused ? { paused: input.paused } : {}),
    ...(options.githubBackoff ? { backoff: options.githubBackoff } : {}),
    ...(options.githubIntervalMs !== undefined ? { intervalMs: options.githubIntervalMs } : {}),
  });
  const route = githubWebhookRoute({ secret: webhookSecret, apiUrl, protections: input.protections, logger, onQueued: () => worker.poke() });
  return { worker, routes: [route] };
}

import { type AppOptions, HTTPReceiver, type Installation, type LogLevel, type Logger } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Route } from './api/serveRoute.js';
import type { Config } from './config.js';
import type { Tenant } from './service/tenancy.js';
import type { BotIdentity } from './slack/botIdentity.js';
import { notInstalledText, oauthAppOptions } from './slack/oauthInstall.js';
import type { SocketConnection } from './slack/socketConnection.js';
import { type ClientForChannel, createSlackClients } from './slack/webClients.js';
import type { Db } from './store/db.js';
import { createInstallationStore, hasInstallation } from './store/installations.js';
import { createTokenCipher } from './store/tokenCipher.js';
import { createTenantClients } from './tenantClients.js';

/** How deployday authenticates to Slack in the mode the configuration chose. */
export interface SlackAuth {
  /** Spread into `new App(...)`: our authorize with the one token, or the OAuth receiver. */
  appOptions: Pick<AppOptions, 'authorize' | 'receiver' | 'signingSecret' | 'customRoutes'>;
  /** The background client for a channel's workspace. */
  clientFor: ClientForChannel;
  /** Single token: a client for views.open that never queues behind background traffic. OAuth: none (each request's own). */
  foreground: WebClient | undefined;
  /** Single token: the client whose auth.test tells the bot who it is. OAuth: null (each installation carries it). */
  identityClient: WebClient | null;
  /** OAuth: how to tell a workspace without an installation from one with (and what to answer it). */
  notInstalled?: { text: string; installed(teamId: string | null, enterpriseId: string | null): Promise<boolean> };
}

/**
 * Single workspace (SLACK_BOT_TOKEN): one token for everything, over HTTP or Socket Mode.
 * OAuth distribution (SLACK_CLIENT_ID, …): Bolt's HTTP receiver with its InstallProvider serves
 * /slack/install and /slack/oauth_redirect and authorizes each request with its workspace's
 * installation (sealed in the database); background jobs use the same installations.
 */
export function slackAuthFromConfig(input: {
  config: Config;
  db: Db;
  now: () => number;
  logger: Logger;
  identity: BotIdentity;
  socket: SocketConnection | null;
  healthz: Route['handler'];
  routes: Route[];
  /** A workspace (or org) installed the app: resume its suspended runs. */
  onInstalled: (tenant: Tenant) => Promise<void>;
}): SlackAuth {
  const { config, logger } = input;
  const customRoutes = [{ path: '/healthz', method: ['GET'], handler: input.healthz }, ...input.routes];
  if (config.oauth) {
    const store = createInstallationStore(input.db, createTokenCipher(config.oauth.encryptionKey), input.now);
    const receiver = new HTTPReceiver({
      signingSecret: config.slackSigningSecret,
      customRoutes,
      logger,
      logLevel: config.logLevel as LogLevel,
      ...oauthAppOptions({
        ...config.oauth,
        installationStore: {
          ...store,
          async storeInstallation(installation) {
            await store.storeInstallation(installation);
            await input.onInstalled(tenantOf(installation as Installation));
          },
        },
        slackApiUrl: config.slackApiUrl,
        logger,
      }),
    });
    const installer = receiver.installer;
    if (!installer) throw new Error('OAuth configuration did not produce an installer');
    return {
      appOptions: { receiver },
      clientFor: createTenantClients({ db: input.db, apiUrl: config.slackApiUrl, logger, authorize: (query) => installer.authorize(query) }),
      foreground: undefined,
      identityClient: null,
      notInstalled: {
        text: notInstalledText(config.oauth.publicUrl),
        installed: (teamId, enterpriseId) => hasInstallation(input.db, teamId, enterpriseId),
      },
    };
  }
  const token = config.slackBotToken ?? '';
  const clients = createSlackClients({ token, apiUrl: config.slackApiUrl, logger });
  const { identity } = input;
  return {
    // Bolt given `token` runs auth.test once in its constructor and caches the promise: one failure
    // there (Slack down while we start) would fail every request until restart. So we authorize
    // ourselves, never waiting on Slack: the token is all that commands and clicks need, and the
    // bot's ids are filled in once our own auth.test (in start) has answered.
    appOptions: {
      authorize: async () => ({ botToken: token, botId: identity.botId, botUserId: identity.botUserId }),
      // In Socket Mode our own receiver reconnects (socketConnection.ts) and /healthz has its own server.
      ...(input.socket ? { receiver: input.socket.receiver } : { signingSecret: config.slackSigningSecret, customRoutes }),
    },
    clientFor: async () => clients.background,
    foreground: clients.foreground,
    identityClient: clients.background,
  };
}

function tenantOf(installation: Installation): Tenant {
  return {
    teamId: installation.team?.id ?? null,
    enterpriseId: installation.enterprise?.id ?? null,
    isEnterpriseInstall: installation.isEnterpriseInstall === true,
  };
}

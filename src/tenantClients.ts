import type { AuthorizeResult, InstallationQuery, Logger } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { createBackgroundClient, type ClientForChannel } from './slack/webClients.js';
import type { Db } from './store/db.js';
import { tenantOfChannel } from './store/runs.js';

/** Clients kept per token; a rotated token makes a new one, so old ones are dropped past this many. */
const MAX_CLIENTS = 200;

/**
 * OAuth distribution: the background client for a channel is the client of the workspace its runs
 * belong to (runs.team_id / enterprise_id), with that installation's bot token, refreshed by
 * Bolt's InstallProvider when it rotates. So the message sync, reminders, reports and forecast
 * nudges of workspace A are posted with A's token only. A channel whose workspace has no
 * installation (uninstalled, tokens revoked) gets a client without a token: Slack answers
 * `not_authed`, which the loops already treat as a refusal (logged with an error id, the run's
 * state kept); the reason is logged once per workspace.
 */
export function createTenantClients(deps: {
  db: Db;
  apiUrl: string;
  logger: Logger;
  /** InstallProvider.authorize: the installation's tokens, refreshed if they rotate. */
  authorize: (query: InstallationQuery<boolean>) => Promise<AuthorizeResult>;
}): ClientForChannel {
  const byToken = new Map<string, WebClient>();
  const tokenless = createBackgroundClient(undefined, deps.apiUrl, deps.logger);
  const toldMissing = new Set<string>();

  const tokenOf = async (tenant: { teamId: string | null; enterpriseId: string | null }): Promise<string | null> => {
    const queries: InstallationQuery<boolean>[] = [];
    if (tenant.teamId) {
      queries.push({ teamId: tenant.teamId, enterpriseId: tenant.enterpriseId ?? undefined, isEnterpriseInstall: false });
    }
    // A workspace of a Grid org may be covered by an org-wide install instead.
    if (tenant.enterpriseId) queries.push({ teamId: tenant.teamId ?? undefined, enterpriseId: tenant.enterpriseId, isEnterpriseInstall: true });
    for (const query of queries) {
      try {
        const result = await deps.authorize(query);
        if (result.botToken) return result.botToken;
      } catch {
        // No installation under this key: try the next.
      }
    }
    return null;
  };

  return async (channelId) => {
    const tenant = await tenantOfChannel(deps.db, channelId);
    const token = tenant ? await tokenOf(tenant) : null;
    if (!token) {
      const who = tenant?.teamId ?? tenant?.enterpriseId ?? `channel ${channelId}`;
      if (!toldMissing.has(who)) {
        toldMissing.add(who);
        deps.logger.warn(`no installation of deployday for ${who}: its posts are refused until the app is installed there again`);
      }
      return tokenless;
    }
    toldMissing.delete(tenant?.teamId ?? tenant?.enterpriseId ?? '');
    let client = byToken.get(token);
    if (!client) {
      if (byToken.size >= MAX_CLIENTS) byToken.clear();
      client = createBackgroundClient(token, deps.apiUrl, deps.logger);
      byToken.set(token, client);
    }
    return client;
  };
}

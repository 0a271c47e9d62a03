import type { App, Logger } from '@slack/bolt';
import type { Tenancy } from '../service/tenancy.js';

/**
 * Slack tells the app it left a workspace: `app_uninstalled`, or `tokens_revoked` naming bot
 * tokens (an admin revoked them). Either way the installation's tokens are deleted and the
 * workspace's runs suspended (service/tenancy.ts). Bolt delivers both events without an
 * installation to authorize them with, since there is none left by then.
 */
export function registerTenancyEvents(app: App, deps: { tenancy: Pick<Tenancy, 'left'>; logger: Logger }): void {
  const leave = async (body: unknown, event: 'app_uninstalled' | 'tokens_revoked'): Promise<void> => {
    const b = body as { team_id?: unknown; enterprise_id?: unknown; is_enterprise_install?: unknown };
    const teamId = typeof b.team_id === 'string' && b.team_id !== '' ? b.team_id : null;
    const enterpriseId = typeof b.enterprise_id === 'string' && b.enterprise_id !== '' ? b.enterprise_id : null;
    const isEnterpriseInstall = b.is_enterprise_install === true;
    if (isEnterpriseInstall ? !enterpriseId : !teamId) {
      deps.logger.warn(`${event} without the workspace it is about; ignored`);
      return;
    }
    const { runIds, hadInstallation } = await deps.tenancy.left({ teamId, enterpriseId, isEnterpriseInstall }, event);
    const who = isEnterpriseInstall ? `enterprise ${enterpriseId}` : `workspace ${teamId}`;
    deps.logger.info(
      `${event} for ${who}: ${hadInstallation ? 'installation and its tokens deleted' : 'no installation was stored'}; ` +
        `${runIds.length} active run(s) suspended${runIds.length ? ` (${runIds.map((id) => `#${id}`).join(', ')})` : ''}`,
    );
  };
  app.event('app_uninstalled', async ({ body }) => await leave(body, 'app_uninstalled'));
  app.event('tokens_revoked', async ({ body, event }) => {
    // Only the bot's tokens matter: a user token being revoked changes nothing deployday does.
    const bot = (event as { tokens?: { bot?: unknown } }).tokens?.bot;
    if (Array.isArray(bot) && bot.length > 0) await leave(body, 'tokens_revoked');
  });
}

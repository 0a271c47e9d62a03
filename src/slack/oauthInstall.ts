import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppOptions, Installation, InstallationStore, Logger } from '@slack/bolt';

/**
 * Bolt's OAuth flow (@slack/oauth's InstallProvider) for distributing deployday to many
 * workspaces: GET /slack/install sends the person to Slack's authorize page; Slack sends them
 * back to GET /slack/oauth_redirect, where the code is exchanged for the workspace's bot token
 * and stored (sealed) in the installation store. Every page it answers is written here, so a
 * failure names its reason instead of Bolt's generic "Oops".
 */

/** The bot scopes of manifest.yml, asked for on install. */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'channels:history',
  'groups:history',
  'files:write',
  'users:read',
  'users:read.email',
] as const;

/** Without these deployday cannot run a day; files:write only costs the report's attachments, users:read the name in a page by hand. */
export const REQUIRED_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'channels:history', 'groups:history'] as const;

export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';

export interface OAuthInstallOptions {
  clientId: string;
  clientSecret: string;
  /** Signs the `state` parameter (and its cookie), so a forged or replayed redirect is refused. */
  stateSecret: string;
  /** The bot's public origin, e.g. https://deployday.example.com: the redirect URL is this + /slack/oauth_redirect. */
  publicUrl: string;
  installationStore: InstallationStore;
  /** Slack's Web API base (tests: the fake). */
  slackApiUrl: string;
  /** Slack's authorize page (tests: the fake's). */
  authorizationUrl?: string;
  logger: Logger;
}

/** The answer to a command from a workspace without an installation (OAuth mode). */
export function notInstalledText(publicUrl: string): string {
  return `deployday is not installed in this workspace (or was uninstalled). Install it from ${publicUrl.replace(/\/+$/, '')}${INSTALL_PATH}, then try again.`;
}

/** The scopes of REQUIRED_SCOPES an installation was not granted. */
export function missingScopes(granted: readonly string[] | undefined): string[] {
  const have = new Set(granted ?? []);
  return REQUIRED_SCOPES.filter((s) => !have.has(s));
}

/** The App options that turn on the OAuth flow; merged into `new App({...})` in place of a token. */
export function oauthAppOptions(
  options: OAuthInstallOptions,
): Pick<AppOptions, 'clientId' | 'clientSecret' | 'stateSecret' | 'scopes' | 'installationStore' | 'installerOptions' | 'redirectUri'> {
  const { logger } = options;
  return {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    stateSecret: options.stateSecret,
    scopes: [...BOT_SCOPES],
    installationStore: options.installationStore,
    redirectUri: `${options.publicUrl.replace(/\/+$/, '')}${REDIRECT_PATH}`,
    installerOptions: {
      installPath: INSTALL_PATH,
      redirectUriPath: REDIRECT_PATH,
      // The install link goes straight to Slack: there is nothing to choose on a page of ours first.
      directInstall: true,
      clientOptions: { slackApiUrl: options.slackApiUrl },
      ...(options.authorizationUrl ? { authorizationUrl: options.authorizationUrl } : {}),
      callbackOptions: {
        // Checked before anything is stored: an install without a scope deployday needs is refused whole.
        afterInstallation: async (installation: Installation, _opts: unknown, _req: IncomingMessage, res: ServerResponse) => {
          const missing = missingScopes(installation.bot?.scopes);
          if (missing.length === 0) return true;
          logger.warn(`install into ${tenantName(installation)} refused: missing bot scope(s) ${missing.join(', ')}`);
          page(
            res,
            400,
            'deployday was not installed',
            `Slack granted the app without the scope${missing.length === 1 ? '' : 's'} ${missing.join(', ')}, which deployday needs. ` +
              `Add ${missing.length === 1 ? 'it' : 'them'} under OAuth &amp; Permissions → Bot Token Scopes (or use manifest.yml), then install again.`,
          );
          return false;
        },
        success: (installation: Installation, _opts: unknown, _req: IncomingMessage, res: ServerResponse) => {
          logger.info(`installed into ${tenantName(installation)}`);
          page(
            res,
            200,
            'deployday is installed',
            `Type <code>/deploy help</code> in a channel of ${escapeHtml(displayName(installation))} to start.`,
          );
        },
        failure: (error: Error & { code?: string }, _opts: unknown, _req: IncomingMessage, res: ServerResponse) => {
          const { status, reason } = failureReason(error);
          logger.warn(`install failed (${error.code ?? 'unknown'}): ${reason}`);
          page(res, status, 'deployday was not installed', `${escapeHtml(reason)} <a href="${INSTALL_PATH}">Start the installation again</a>.`);
        },
      },
    },
  };
}

/** The status and sentence for a failed redirect; never echoes the request (state, code). */
export function failureReason(error: Error & { code?: string; data?: { error?: string } }): { status: number; reason: string } {
  switch (error.code) {
    case 'slack_oauth_invalid_state':
    case 'slack_oauth_missing_state':
      return { status: 400, reason: 'This installation link has expired, was forged, or was started in another browser.' };
    case 'slack_oauth_missing_code':
      return { status: 400, reason: "Slack did not send an authorization code: the installation was cancelled on Slack's page." };
    case 'slack_webapi_platform_error':
      return { status: 502, reason: `Slack refused the installation (${error.data?.error ?? 'unknown error'}).` };
    default:
      return { status: 500, reason: 'The installation could not be completed; the log has the details.' };
  }
}

function tenantName(installation: Installation): string {
  return installation.isEnterpriseInstall ? `enterprise ${installation.enterprise?.id}` : `workspace ${installation.team?.id}`;
}

function displayName(installation: Installation): string {
  return (installation.isEnterpriseInstall ? installation.enterprise?.name : installation.team?.name) ?? 'your workspace';
}

function page(res: ServerResponse, status: number, title: string, bodyHtml: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${bodyHtml}</p></body></html>`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

import { ConfigError } from './config.js';
import { parseEncryptionKey } from './store/tokenCipher.js';

/**
 * The OAuth distribution variables. OAuth mode is on when SLACK_CLIENT_ID is set; then the
 * client secret, state secret, public URL and encryption key are all required (a bot token
 * stored without a key would be a token in clear), and every bad one is named in one error.
 * Not yet read by loadConfig/createDeployday: see docs/oauth-distribution.md for what is left.
 */
export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  /** The bot's public origin; the redirect URL is this + /slack/oauth_redirect. */
  publicUrl: string;
  encryptionKey: Buffer;
}

/** Null when SLACK_CLIENT_ID is unset (single-token mode); throws ConfigError naming every problem otherwise. */
export function loadOAuthConfig(env: NodeJS.ProcessEnv): OAuthConfig | null {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const clientId = get('SLACK_CLIENT_ID');
  if (!clientId) return null;
  const problems: string[] = [];
  if (!/^\d+\.\d+$/.test(clientId)) problems.push("SLACK_CLIENT_ID must be the app's Client ID from Basic Information (digits.digits)");
  const clientSecret = get('SLACK_CLIENT_SECRET');
  if (!clientSecret) problems.push("SLACK_CLIENT_SECRET is required in OAuth mode: the app's Client Secret from Basic Information");
  const stateSecret = get('SLACK_STATE_SECRET');
  if (!stateSecret || stateSecret.length < 16) {
    problems.push('SLACK_STATE_SECRET is required in OAuth mode: at least 16 random characters that sign the install link (openssl rand -hex 16)');
  }
  const publicUrl = get('DEPLOYDAY_PUBLIC_URL');
  if (!publicUrl || !/^https:\/\/[^\s/]+\/?$/.test(publicUrl)) {
    problems.push(
      'DEPLOYDAY_PUBLIC_URL is required in OAuth mode: the https:// origin Slack reaches the bot at, such as https://deployday.example.com',
    );
  }
  const keyText = get('DEPLOYDAY_ENCRYPTION_KEY');
  const key = keyText
    ? parseEncryptionKey(keyText)
    : 'DEPLOYDAY_ENCRYPTION_KEY is required in OAuth mode: bot tokens are stored encrypted with it (openssl rand -base64 32)';
  if (typeof key === 'string') problems.push(key);
  if (get('SLACK_BOT_TOKEN'))
    problems.push(
      'SLACK_BOT_TOKEN and SLACK_CLIENT_ID exclude each other: set the bot token for one workspace, or the OAuth variables to install into many',
    );
  if (problems.length > 0 || typeof key === 'string') throw new ConfigError(problems);
  return { clientId, clientSecret: clientSecret!, stateSecret: stateSecret!, publicUrl: publicUrl!.replace(/\/+$/, ''), encryptionKey: key };
}

/** The OAuth values that must never appear in a log line. */
export function oauthSecretsOf(config: OAuthConfig): string[] {
  return [config.clientSecret, config.stateSecret, config.encryptionKey.toString('hex'), config.encryptionKey.toString('base64')];
}

import { parseEncryptionKey } from './store/tokenCipher.js';

/**
 * The OAuth distribution variables. OAuth mode is on when any of SLACK_CLIENT_ID,
 * SLACK_CLIENT_SECRET or SLACK_STATE_SECRET is set; then all three, the public URL and the
 * encryption key are required (a bot token stored without a key would be a token in clear), and
 * every bad one is named in one error (loadConfig adds them to its own list).
 */
export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  /** The bot's public origin; the redirect URL is this + /slack/oauth_redirect. */
  publicUrl: string;
  encryptionKey: Buffer;
}

/** The OAuth configuration, or null when OAuth is off, and every problem with its variables. */
export function readOAuthConfig(env: NodeJS.ProcessEnv): { config: OAuthConfig | null; problems: string[] } {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  if (!get('SLACK_CLIENT_ID') && !get('SLACK_CLIENT_SECRET') && !get('SLACK_STATE_SECRET')) return { config: null, problems: [] };
  const clientId = get('SLACK_CLIENT_ID') ?? '';
  const problems: string[] = [];
  if (!clientId) problems.push("SLACK_CLIENT_ID is required in OAuth mode: the app's Client ID from Basic Information");
  else if (!/^\d+\.\d+$/.test(clientId)) problems.push("SLACK_CLIENT_ID must be the app's Client ID from Basic Information (digits.digits)");
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
  if (get('SLACK_APP_TOKEN'))
    problems.push('SLACK_APP_TOKEN: OAuth distribution runs over HTTP (Slack must reach /slack/oauth_redirect); unset it, or use a bot token');
  if (problems.length > 0 || typeof key === 'string') return { config: null, problems };
  return {
    config: { clientId, clientSecret: clientSecret!, stateSecret: stateSecret!, publicUrl: publicUrl!.replace(/\/+$/, ''), encryptionKey: key },
    problems,
  };
}

/** The OAuth values that must never appear in a log line. */
export function oauthSecretsOf(config: OAuthConfig): string[] {
  return [config.clientSecret, config.stateSecret, config.encryptionKey.toString('hex'), config.encryptionKey.toString('base64')];
}

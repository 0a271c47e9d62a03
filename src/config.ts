import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { databaseSecretsOf, databaseUrlSchema } from './databaseConfig.js';
import { type OAuthConfig, oauthSecretsOf, readOAuthConfig } from './oauthConfig.js';

/**
 * Configuration from the environment. Every variable is checked at once so that a
 * bad start names every problem in one message, not one per restart.
 */
export interface Config {
  /** Null in OAuth mode: each workspace's token comes from its installation. */
  slackBotToken: string | null;
  /** OAuth distribution (many workspaces); null in single-token mode. */
  oauth?: OAuthConfig | null;
  slackSigningSecret: string;
  /** Set → Socket Mode; unset → HTTP on `port`. */
  slackAppToken: string | null;
  slackApiUrl: string;
  port: number;
  databasePath: string;
  /** DATABASE_URL: PostgreSQL, shared by every replica; unset → SQLite at `databasePath` (ignored when set). */
  databaseUrl?: string;
  checklistsDir: string;
  pagerDuty: {
    /** Null → automatic paging is off. */
    routingKey: string | null;
    eventsUrl: string;
    /** Null → `/deploy oncall` is off. */
    apiToken: string | null;
    apiUrl: string;
    /** PAGERDUTY_ESCALATION_POLICY: whose on-call `/deploy oncall` shows when a checklist names none. */
    escalationPolicy?: string | null;
  };
  /** Optional: skip Bolt's auth.test at start when both are given. */
  slackBotId: string | null;
  slackBotUserId: string | null;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** DEPLOYDAY_ADMINS: Slack user ids who may change any role of any run (optional). */
  admins?: string[];
  /** DEPLOYDAY_WEBHOOK_URL/_SECRET: a signed webhook receiver for every run's events (optional). */
  webhook?: { url: string; secret: string };
  /** GITHUB_*: a GitHub App whose custom deployment protection rule the runs' gates answer (optional). */
  github?: GitHubConfig;
}

export interface GitHubConfig {
  appId: string;
  /** PEM of the App's RSA private key (signs the JWT exchanged for installation tokens). */
  privateKey: string;
  /** Verifies `X-Hub-Signature-256` on `POST /github/webhook`. */
  webhookSecret: string;
  /** REST API root, no trailing slash: https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server. */
  apiUrl: string;
  /** The audit names GitHub's acts `github:<appSlug>`. */
  appSlug: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `deployday cannot start: ${problems.length} configuration problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nSet these in the environment (see the README, "Configuration").',
    );
    this.name = 'ConfigError';
  }
}

/** A key pasted into one env line often carries `\\n` for its newlines. */
const pemOf = (text: string): string => text.replace(/\\n/g, '\n').trim();

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function isRsaPrivateKey(text: string): boolean {
  try {
    return createPrivateKey(pemOf(text)).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}

const url = (name: string) => z.string().refine((v) => /^https?:\/\/[^\s]+$/.test(v), `${name} must be an http(s) URL`);

const optional = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

const schema = z.object({
  SLACK_BOT_TOKEN: z
    .string()
    .refine((v) => v.startsWith('xoxb-'), 'SLACK_BOT_TOKEN must be a bot token starting with xoxb-')
    .optional(),
  SLACK_SIGNING_SECRET: z
    .string()
    .refine(
      (v) => /^[0-9a-f]{32}$/i.test(v),
      "SLACK_SIGNING_SECRET must be the 32-character hex signing secret from the app's Basic Information page",
    )
    .optional(),
  SLACK_APP_TOKEN: z
    .string()
    .refine(
      (v) => v.startsWith('xapp-'),
      'SLACK_APP_TOKEN must be an app-level token starting with xapp- (connections:write), or unset for HTTP mode',
    )
    .optional(),
  SLACK_API_URL: url('SLACK_API_URL').default('https://slack.com/api/'),
  PORT: z
    .string()
    .refine((v) => /^\d+$/.test(v) && Number(v) >= 0 && Number(v) <= 65535, 'PORT must be a port number from 0 to 65535')
    .default('3000'),
  DATABASE_PATH: z.string().default('./data/deployday.db'),
  DATABASE_URL: databaseUrlSchema.optional(),
  CHECKLISTS_DIR: z.string().default('./checklists'),
  PAGERDUTY_ROUTING_KEY: z
    .string()
    .refine((v) => /^[A-Za-z0-9]{32}$/.test(v), 'PAGERDUTY_ROUTING_KEY must be the 32-character integration key of an Events API v2 integration')
    .optional(),
  PAGERDUTY_EVENTS_URL: url('PAGERDUTY_EVENTS_URL')
    .refine((v) => v.startsWith('https://'), "PAGERDUTY_EVENTS_URL must be https:// (PagerDuty's client speaks only https)")
    .refine((v) => {
      try {
        const u = new URL(v);
        return (u.pathname === '/' || u.pathname === '') && !u.search && !u.username && !u.password;
      } catch {
        return false;
      }
    }, 'PAGERDUTY_EVENTS_URL must be an origin such as https://events.pagerduty.com, with no path (the client adds /v2/enqueue)')
    .default('https://events.pagerduty.com'),
  PAGERDUTY_API_TOKEN: z.string().min(8, 'PAGERDUTY_API_TOKEN looks too short to be a REST API token').optional(),
  PAGERDUTY_API_URL: url('PAGERDUTY_API_URL').default('https://api.pagerduty.com'),
  PAGERDUTY_ESCALATION_POLICY: z
    .string()
    .regex(/^P[A-Z0-9]{5,13}$/, 'PAGERDUTY_ESCALATION_POLICY must be an escalation policy id such as PABC123 (from its URL in PagerDuty)')
    .optional(),
  SLACK_BOT_ID: z
    .string()
    .regex(/^B[A-Z0-9]+$/, 'SLACK_BOT_ID must look like B0123ABCD')
    .optional(),
  SLACK_BOT_USER_ID: z
    .string()
    .regex(/^[UW][A-Z0-9]+$/, 'SLACK_BOT_USER_ID must look like U0123ABCD')
    .optional(),
  DEPLOYDAY_ADMINS: z
    .string()
    .refine(
      (v) =>
        v
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean)
          .every((id) => /^[UW][A-Z0-9]{2,}$/.test(id)),
      'DEPLOYDAY_ADMINS must be Slack user ids separated by commas, such as U012ABCDEF,U034GHIJKL',
    )
    .optional(),
  DEPLOYDAY_WEBHOOK_URL: url('DEPLOYDAY_WEBHOOK_URL').optional(),
  DEPLOYDAY_WEBHOOK_SECRET: z.string().min(16, 'DEPLOYDAY_WEBHOOK_SECRET must be at least 16 characters (receivers verify with it)').optional(),
  GITHUB_APP_ID: z
    .string()
    .regex(/^\d{1,12}$/, 'GITHUB_APP_ID must be the GitHub App\'s numeric App ID (its settings page, "About")')
    .optional(),
  GITHUB_PRIVATE_KEY: z
    .string()
    .refine(isRsaPrivateKey, "GITHUB_PRIVATE_KEY must be the App's private key in PEM (-----BEGIN RSA PRIVATE KEY-----…; \\n escapes are accepted)")
    .optional(),
  GITHUB_PRIVATE_KEY_PATH: z
    .string()
    .refine((path) => isRsaPrivateKey(readText(path) ?? ''), "GITHUB_PRIVATE_KEY_PATH must name a readable file holding the App's private key (.pem)")
    .optional(),
  GITHUB_WEBHOOK_SECRET: z
    .string()
    .min(16, 'GITHUB_WEBHOOK_SECRET must be at least 16 characters: the webhook secret set on the GitHub App')
    .optional(),
  GITHUB_API_URL: url('GITHUB_API_URL').default('https://api.github.com'),
  GITHUB_APP_SLUG: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "GITHUB_APP_SLUG must be the App's slug as in its URL (github.com/apps/<slug>)")
    .optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], { error: 'LOG_LEVEL must be debug, info, warn or error' }).default('info'),
});

/** Reads and checks the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) input[key] = optional(env[key]);
  const parsed = schema.safeParse(input);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '');
      // The message never echoes the value: several of these are secrets.
      problems.push(issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`);
    }
  }
  const v = parsed.success ? parsed.data : undefined;
  // Either one workspace's bot token, or the OAuth variables to be installed into many.
  const oauth = readOAuthConfig(env);
  problems.push(...oauth.problems);
  if (!input.SLACK_BOT_TOKEN && !oauth.config && oauth.problems.length === 0) {
    problems.push(
      "SLACK_BOT_TOKEN is required: the bot token (xoxb-…) from the app's OAuth & Permissions page (or, to install into many workspaces, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET)",
    );
  }
  if (!input.SLACK_APP_TOKEN && !input.SLACK_SIGNING_SECRET) {
    problems.push('SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  // Read from the raw input, not the parsed result, so this is reported alongside any other problem.
  if (Boolean(input.SLACK_BOT_ID) !== Boolean(input.SLACK_BOT_USER_ID)) {
    problems.push('SLACK_BOT_ID and SLACK_BOT_USER_ID go together: set both or neither');
  }
  if (Boolean(input.DEPLOYDAY_WEBHOOK_URL) !== Boolean(input.DEPLOYDAY_WEBHOOK_SECRET)) {
    problems.push('DEPLOYDAY_WEBHOOK_URL and DEPLOYDAY_WEBHOOK_SECRET go together: every webhook is signed');
  }
  const github = [input.GITHUB_APP_ID, input.GITHUB_PRIVATE_KEY ?? input.GITHUB_PRIVATE_KEY_PATH, input.GITHUB_WEBHOOK_SECRET];
  if (github.some(Boolean) && !github.every(Boolean)) {
    problems.push('GITHUB_APP_ID, GITHUB_PRIVATE_KEY (or GITHUB_PRIVATE_KEY_PATH) and GITHUB_WEBHOOK_SECRET go together: set all three or none');
  }
  if (input.GITHUB_PRIVATE_KEY && input.GITHUB_PRIVATE_KEY_PATH) {
    problems.push('GITHUB_PRIVATE_KEY and GITHUB_PRIVATE_KEY_PATH: set one, not both');
  }
  if (problems.length > 0 || !v) throw new ConfigError([...new Set(problems)]);

  return {
    slackBotToken: v.SLACK_BOT_TOKEN ?? null,
    oauth: oauth.config,
    slackSigningSecret: v.SLACK_SIGNING_SECRET ?? '',
    slackAppToken: v.SLACK_APP_TOKEN ?? null,
    slackApiUrl: v.SLACK_API_URL.endsWith('/') ? v.SLACK_API_URL : `${v.SLACK_API_URL}/`,
    port: Number(v.PORT),
    databasePath: v.DATABASE_PATH,
    ...(v.DATABASE_URL ? { databaseUrl: v.DATABASE_URL } : {}),
    checklistsDir: v.CHECKLISTS_DIR,
    pagerDuty: {
      routingKey: v.PAGERDUTY_ROUTING_KEY ?? null,
      eventsUrl: v.PAGERDUTY_EVENTS_URL.replace(/\/+$/, ''),
      apiToken: v.PAGERDUTY_API_TOKEN ?? null,
      apiUrl: v.PAGERDUTY_API_URL.replace(/\/+$/, ''),
      escalationPolicy: v.PAGERDUTY_ESCALATION_POLICY ?? null,
    },
    slackBotId: v.SLACK_BOT_ID ?? null,
    slackBotUserId: v.SLACK_BOT_USER_ID ?? null,
    logLevel: v.LOG_LEVEL,
    ...(v.DEPLOYDAY_WEBHOOK_URL && v.DEPLOYDAY_WEBHOOK_SECRET
      ? { webhook: { url: v.DEPLOYDAY_WEBHOOK_URL, secret: v.DEPLOYDAY_WEBHOOK_SECRET } }
      : {}),
    ...(v.GITHUB_APP_ID && v.GITHUB_WEBHOOK_SECRET
      ? {
          github: {
            appId: v.GITHUB_APP_ID,
            privateKey: pemOf(v.GITHUB_PRIVATE_KEY ?? readText(v.GITHUB_PRIVATE_KEY_PATH ?? '') ?? ''),
            webhookSecret: v.GITHUB_WEBHOOK_SECRET,
            apiUrl: v.GITHUB_API_URL.replace(/\/+$/, ''),
            appSlug: v.GITHUB_APP_SLUG ?? `app-${v.GITHUB_APP_ID}`,
          },
        }
      : {}),
    admins: (v.DEPLOYDAY_ADMINS ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  };
}

/** The values that must never appear in a log line. */
export function secretsOf(config: Config): string[] {
  return [
    config.slackBotToken,
    config.slackSigningSecret,
    config.slackAppToken,
    config.pagerDuty.routingKey,
    config.pagerDuty.apiToken,
    config.webhook?.secret,
    config.github?.webhookSecret,
    // The key's body, line by line: a PEM is never logged whole, but a line of it must not be either.
    ...(config.github?.privateKey.split('\n').filter((line) => line.length >= 32 && !line.startsWith('-----')) ?? []),
    ...(config.oauth ? oauthSecretsOf(config.oauth) : []),
    ...databaseSecretsOf(config.databaseUrl),
  ].filter((s): s is string => typeof s === 'string' && s.length >= 6);
}

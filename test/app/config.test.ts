import { describe, it, expect } from 'vitest';
import { ConfigError, loadConfig, secretsOf, type Config } from '../../src/config.js';

const SIGNING = '0123456789abcdef0123456789ABCDEF';
const BOT = 'xoxb-1111-2222-botTokenForTests';
const ROUTING = 'R0UT1NGKEY0123456789abcdefABCDEF';
const base = { SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SIGNING };

function problemsOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('loadConfig', () => {
  it('fills every default when only the Slack credentials are set', () => {
    expect(loadConfig(base)).toEqual<Config>({
      slackBotToken: BOT,
      slackSigningSecret: SIGNING,
      slackAppToken: null,
      slackApiUrl: 'https://slack.com/api/',
      port: 3000,
      databasePath: './data/deployday.db',
      checklistsDir: './checklists',
      pagerDuty: {
        routingKey: null,
        eventsUrl: 'https://events.pagerduty.com',
        apiToken: null,
        apiUrl: 'https://api.pagerduty.com',
        escalationPolicy: null,
      },
      slackBotId: null,
      slackBotUserId: null,
      logLevel: 'info',
      admins: [],
      oauth: null,
    });
  });

  it('reads DEPLOYDAY_ADMINS as a comma-separated list of Slack user ids', () => {
    expect(loadConfig({ ...base, DEPLOYDAY_ADMINS: 'U0ADMIN01, U0ADMIN02,' }).admins).toEqual(['U0ADMIN01', 'U0ADMIN02']);
  });

  it('refuses DEPLOYDAY_ADMINS that are not Slack user ids', () => {
    expect(problemsOf({ ...base, DEPLOYDAY_ADMINS: 'U0ADMIN01,@alice' }).problems).toEqual([
      expect.stringContaining('DEPLOYDAY_ADMINS must be Slack user ids'),
    ]);
  });

  it('reads every variable when set', () => {
    const config = loadConfig({
      ...base,
      SLACK_APP_TOKEN: 'xapp-1-A111-222-abc',
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
      PORT: '8080',
      DATABASE_PATH: '/var/lib/deployday/runs.db',
      CHECKLISTS_DIR: '/srv/checklists',
      PAGERDUTY_ROUTING_KEY: ROUTING,
      PAGERDUTY_EVENTS_URL: 'https://127.0.0.1:8443/',
      PAGERDUTY_API_TOKEN: 'u+pdtokenvalue',
      PAGERDUTY_API_URL: 'http://127.0.0.1:8444//',
      PAGERDUTY_ESCALATION_POLICY: 'PTEAM42',
      SLACK_BOT_ID: 'B0BOT0001',
      SLACK_BOT_USER_ID: 'U0BOT0001',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      slackAppToken: 'xapp-1-A111-222-abc',
      slackApiUrl: 'http://127.0.0.1:9999/api/',
      port: 8080,
      databasePath: '/var/lib/deployday/runs.db',
      checklistsDir: '/srv/checklists',
      pagerDuty: {
        routingKey: ROUTING,
        eventsUrl: 'https://127.0.0.1:8443',
        apiToken: 'u+pdtokenvalue',
        apiUrl: 'http://127.0.0.1:8444',
        escalationPolicy: 'PTEAM42',
      },
      slackBotId: 'B0BOT0001',
      slackBotUserId: 'U0BOT0001',
      logLevel: 'debug',
    });
  });

  it('treats blank variables as unset', () => {
    const config = loadConfig({ ...base, PORT: '  ', PAGERDUTY_ROUTING_KEY: '', SLACK_APP_TOKEN: ' ' });
    expect(config.port).toBe(3000);
    expect(config.pagerDuty.routingKey).toBeNull();
    expect(config.slackAppToken).toBeNull();
  });

  it('names both missing Slack credentials in one error for an empty environment', () => {
    const error = problemsOf({});
    expect(error.message).toContain('SLACK_BOT_TOKEN');
    expect(error.message).toContain('SLACK_SIGNING_SECRET');
    expect(error.problems).toHaveLength(2);
    expect(error.message).toContain('2 configuration problems');
  });

  it('names every bad variable at once', () => {
    const error = problemsOf({
      ...base,
      PORT: '70000',
      LOG_LEVEL: 'loud',
      SLACK_API_URL: 'slack.com/api',
      PAGERDUTY_ROUTING_KEY: 'short',
      SLACK_BOT_ID: 'B0BOT0001',
    });
    for (const name of ['PORT', 'LOG_LEVEL', 'SLACK_API_URL', 'PAGERDUTY_ROUTING_KEY', 'SLACK_BOT_USER_ID']) {
      expect(error.message, name).toContain(name);
    }
    expect(error.problems).toHaveLength(5);
  });

  it('never repeats a secret value in its message', () => {
    const marker = 'SeCrEtMaRkEr';
    const error = problemsOf({
      SLACK_BOT_TOKEN: `xoxp-${marker}-user-token-by-mistake`,
      SLACK_SIGNING_SECRET: `${marker}-not-hex`,
      SLACK_APP_TOKEN: `xoxb-${marker}`,
      PAGERDUTY_ROUTING_KEY: `${marker}${marker}`,
      PAGERDUTY_API_TOKEN: marker.slice(0, 4),
    });
    expect(error.problems.length).toBeGreaterThanOrEqual(5);
    expect(error.message).not.toContain(marker);
    expect(error.message).not.toContain(marker.slice(0, 4));
    expect(JSON.stringify(error.problems)).not.toContain(marker);
  });

  it('does not need a signing secret in Socket Mode', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: 'xapp-1-A111-222-abc' });
    expect(config.slackAppToken).toBe('xapp-1-A111-222-abc');
    expect(config.slackSigningSecret).toBe('');
  });

  it('needs a signing secret in HTTP mode', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: BOT }).problems).toEqual([
      'SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
    ]);
  });

  it.each(['http://events.pagerduty.com', 'ftp://events.pagerduty.com', 'events.pagerduty.com'])(
    'refuses %j as PAGERDUTY_EVENTS_URL because it must be https',
    (value) => {
      expect(problemsOf({ ...base, PAGERDUTY_EVENTS_URL: value }).message).toMatch(/PAGERDUTY_EVENTS_URL must be https/);
    },
  );

  it('refuses a bot token that is not a bot token', () => {
    expect(problemsOf({ ...base, SLACK_BOT_TOKEN: 'xapp-1-abc' }).message).toContain('SLACK_BOT_TOKEN must be a bot token starting with xoxb-');
  });

  it('refuses an app token that is not an app-level token', () => {
    expect(problemsOf({ ...base, SLACK_APP_TOKEN: 'xoxb-1-abc' }).message).toContain('SLACK_APP_TOKEN must be an app-level token');
  });

  it.each(['-1', '3000.5', 'http', '65536'])('refuses PORT=%j', (port) => {
    expect(problemsOf({ ...base, PORT: port }).message).toContain('PORT must be a port number');
  });

  it('wants SLACK_BOT_ID and SLACK_BOT_USER_ID together', () => {
    expect(problemsOf({ ...base, SLACK_BOT_USER_ID: 'U0BOT0001' }).message).toContain('go together');
  });
});

describe('secretsOf', () => {
  it('lists every secret that is set', () => {
    const config = loadConfig({
      ...base,
      SLACK_APP_TOKEN: 'xapp-1-A111-222-abc',
      PAGERDUTY_ROUTING_KEY: ROUTING,
      PAGERDUTY_API_TOKEN: 'u+pdtokenvalue',
    });
    expect(secretsOf(config).sort()).toEqual([BOT, SIGNING, 'xapp-1-A111-222-abc', ROUTING, 'u+pdtokenvalue'].sort());
  });

  it('leaves out secrets that are not set, and never lists a URL or path', () => {
    const secrets = secretsOf(loadConfig({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: 'xapp-1-A111-222-abc' }));
    expect(secrets.sort()).toEqual([BOT, 'xapp-1-A111-222-abc'].sort());
  });

  describe('OAuth distribution instead of a bot token', () => {
    const KEY = Buffer.alloc(32, 7);
    const oauthEnv = {
      SLACK_SIGNING_SECRET: SIGNING,
      SLACK_CLIENT_ID: '1111.2222',
      SLACK_CLIENT_SECRET: 'client-secret-0123456789',
      SLACK_STATE_SECRET: 'state-secret-0123456789',
      DEPLOYDAY_PUBLIC_URL: 'https://deployday.example.com',
      DEPLOYDAY_ENCRYPTION_KEY: KEY.toString('hex'),
    };

    it('starts without SLACK_BOT_TOKEN when the three OAuth variables, the public URL and the key are set', () => {
      const config = loadConfig(oauthEnv);
      expect(config.slackBotToken).toBeNull();
      expect(config.oauth).toEqual({
        clientId: '1111.2222',
        clientSecret: 'client-secret-0123456789',
        stateSecret: 'state-secret-0123456789',
        publicUrl: 'https://deployday.example.com',
        encryptionKey: KEY,
      });
    });

    it('asks for a bot token or the OAuth variables when neither is set', () => {
      expect(problemsOf({ SLACK_SIGNING_SECRET: SIGNING }).problems).toEqual([
        expect.stringMatching(/^SLACK_BOT_TOKEN is required: .*SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET/),
      ]);
    });

    it('names every missing OAuth variable, and any other bad variable, in one error', () => {
      const problems = problemsOf({ SLACK_CLIENT_SECRET: 'client-secret-0123456789', PORT: 'http' }).problems;
      const names = problems.map((p) => p.split(/[ :]/)[0]);
      expect(names.sort()).toEqual(
        ['PORT', 'SLACK_SIGNING_SECRET', 'SLACK_CLIENT_ID', 'SLACK_STATE_SECRET', 'DEPLOYDAY_PUBLIC_URL', 'DEPLOYDAY_ENCRYPTION_KEY'].sort(),
      );
    });

    it('refuses a bot token or an app-level token alongside the OAuth variables', () => {
      const problems = problemsOf({ ...oauthEnv, SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: 'xapp-1-A111-222-abc' }).problems;
      expect(problems.map((p) => p.split(/[ :]/)[0])).toEqual(['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN']);
      expect(problems.join('\n')).not.toContain(BOT);
    });

    it('keeps the client secret, state secret and encryption key out of every log line', () => {
      const secrets = secretsOf(loadConfig(oauthEnv));
      for (const secret of ['client-secret-0123456789', 'state-secret-0123456789', KEY.toString('hex'), KEY.toString('base64')]) {
        expect(secrets).toContain(secret);
      }
    });
  });
});

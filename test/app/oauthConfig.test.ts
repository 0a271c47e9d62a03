import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readOAuthConfig } from '../../src/oauthConfig.js';

const key = randomBytes(32);
const good = {
  SLACK_CLIENT_ID: '1111.2222',
  SLACK_CLIENT_SECRET: 'abcdef0123456789',
  SLACK_STATE_SECRET: 'state-secret-0123456789',
  DEPLOYDAY_PUBLIC_URL: 'https://deployday.example.com/',
  DEPLOYDAY_ENCRYPTION_KEY: key.toString('base64'),
};

const problemsOf = (env: Record<string, string>): string[] => readOAuthConfig(env).problems;

describe('OAuth configuration', () => {
  it('stays off without any OAuth variable, so single-token mode needs nothing new', () => {
    expect(readOAuthConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual({ config: null, problems: [] });
  });

  it('reads the OAuth variables and the 32-byte key', () => {
    expect(readOAuthConfig(good).config).toEqual({
      clientId: '1111.2222',
      clientSecret: 'abcdef0123456789',
      stateSecret: 'state-secret-0123456789',
      publicUrl: 'https://deployday.example.com',
      encryptionKey: key,
    });
  });

  it('refuses to start without the encryption key', () => {
    const { DEPLOYDAY_ENCRYPTION_KEY: _, ...withoutKey } = good;
    expect(problemsOf(withoutKey)).toEqual([expect.stringMatching(/^DEPLOYDAY_ENCRYPTION_KEY is required in OAuth mode/)]);
  });

  it('names every bad variable at once, and echoes no value', () => {
    const problems = problemsOf({
      SLACK_CLIENT_ID: 'not-an-id',
      SLACK_STATE_SECRET: 'short',
      DEPLOYDAY_PUBLIC_URL: 'http://plain.example.com',
      DEPLOYDAY_ENCRYPTION_KEY: 'too-short-key',
      SLACK_BOT_TOKEN: 'xoxb-also-set',
    });
    expect(problems.map((p) => p.split(' ')[0])).toEqual([
      'SLACK_CLIENT_ID',
      'SLACK_CLIENT_SECRET',
      'SLACK_STATE_SECRET',
      'DEPLOYDAY_PUBLIC_URL',
      'DEPLOYDAY_ENCRYPTION_KEY',
      'SLACK_BOT_TOKEN',
    ]);
    const text = problems.join('\n');
    for (const value of ['not-an-id', 'short', 'too-short-key', 'xoxb-also-set']) expect(text).not.toContain(value);
  });
});

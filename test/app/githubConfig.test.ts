import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretsOf } from '../../src/config.js';
import { tempDir } from '../support/startBot.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1111-2222-botTokenForTests', SLACK_SIGNING_SECRET: '0123456789abcdef0123456789ABCDEF' };
const PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const SECRET = 'gh-webhook-secret-0123456789abcdef';
const github = { GITHUB_APP_ID: '424242', GITHUB_PRIVATE_KEY: PEM, GITHUB_WEBHOOK_SECRET: SECRET };

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('GitHub configuration', () => {
  it('is off when no GITHUB_ variable is set', () => {
    expect(loadConfig(base).github).toBeUndefined();
  });

  it('reads the App id, key, webhook secret, API URL (default api.github.com) and slug', () => {
    expect(loadConfig({ ...base, ...github }).github).toEqual({
      appId: '424242',
      privateKey: PEM.trim(),
      webhookSecret: SECRET,
      apiUrl: 'https://api.github.com',
      appSlug: 'app-424242',
    });
    const ghes = loadConfig({ ...base, ...github, GITHUB_API_URL: 'https://github.example.com/api/v3/', GITHUB_APP_SLUG: 'deployday' }).github;
    expect(ghes).toMatchObject({ apiUrl: 'https://github.example.com/api/v3', appSlug: 'deployday' });
  });

  it('accepts a key pasted on one line with \\n escapes, or read from GITHUB_PRIVATE_KEY_PATH', () => {
    expect(loadConfig({ ...base, ...github, GITHUB_PRIVATE_KEY: PEM.replace(/\n/g, '\\n') }).github?.privateKey).toBe(PEM.trim());
    const dir = tempDir('deployday-gh-key-');
    cleanups.push(dir.remove);
    const path = join(dir.dir, 'app.pem');
    writeFileSync(path, PEM);
    const { GITHUB_PRIVATE_KEY: _unused, ...withoutKey } = github;
    expect(loadConfig({ ...base, ...withoutKey, GITHUB_PRIVATE_KEY_PATH: path }).github?.privateKey).toBe(PEM.trim());
  });

  it('names every bad GitHub variable at once, never echoing a value', () => {
    const problems = problemsOf({
      ...base,
      GITHUB_APP_ID: 'deployday',
      GITHUB_PRIVATE_KEY: 'not-a-pem-secret-value',
      GITHUB_WEBHOOK_SECRET: 'short',
      GITHUB_API_URL: 'api.github.com',
      GITHUB_APP_SLUG: 'Deploy Day',
    });
    for (const name of ['GITHUB_APP_ID', 'GITHUB_PRIVATE_KEY', 'GITHUB_WEBHOOK_SECRET', 'GITHUB_API_URL', 'GITHUB_APP_SLUG']) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
    }
    expect(problems.join('\n')).not.toContain('not-a-pem-secret-value');
    expect(problems.join('\n')).not.toMatch(/: short\b/);
  });

  it('wants the App id, a key and the webhook secret together, and one key, not both', () => {
    expect(problemsOf({ ...base, GITHUB_APP_ID: '424242' })).toEqual([expect.stringContaining('go together')]);
    expect(problemsOf({ ...base, GITHUB_WEBHOOK_SECRET: SECRET })).toEqual([expect.stringContaining('go together')]);
    expect(problemsOf({ ...base, ...github, GITHUB_PRIVATE_KEY_PATH: '/nonexistent/app.pem' })).toEqual(
      expect.arrayContaining([
        expect.stringContaining('GITHUB_PRIVATE_KEY_PATH must name a readable file'),
        expect.stringContaining('set one, not both'),
      ]),
    );
  });

  it('lists the webhook secret and the private key body among the secrets kept out of logs', () => {
    const secrets = secretsOf(loadConfig({ ...base, ...github }));
    expect(secrets).toContain(SECRET);
    const keyLines = PEM.split('\n').filter((line) => line.length >= 32 && !line.startsWith('-----'));
    expect(keyLines.length).toBeGreaterThan(10);
    for (const line of keyLines) expect(secrets).toContain(line);
  });
});

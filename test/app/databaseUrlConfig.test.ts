import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretsOf } from '../../src/config.js';
import { redact } from '../../src/logger.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1111-2222-botTokenForTests', SLACK_SIGNING_SECRET: '0123456789abcdef0123456789ABCDEF' };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('DATABASE_URL', () => {
  it('unset: the bot runs on SQLite at DATABASE_PATH', () => {
    const config = loadConfig({ ...base, DATABASE_PATH: '/var/lib/deployday/runs.db' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.databasePath).toBe('/var/lib/deployday/runs.db');
  });

  it.each(['postgres://deployday:s3cret@db.internal:5432/deployday', 'postgresql://deployday@db.internal/deployday?sslmode=require'])(
    'accepts a PostgreSQL URL (%s)',
    (url) => {
      expect(loadConfig({ ...base, DATABASE_URL: url }).databaseUrl).toBe(url);
    },
  );

  it.each([
    ['another scheme', 'mysql://deployday:SECRETMARKER@db.internal/deployday'],
    ['no database name', 'postgres://deployday:SECRETMARKER@db.internal:5432/'],
    ['not a URL', 'host=db.internal password=SECRETMARKER'],
  ])('refuses %s, naming the variable without echoing its value', (_what, url) => {
    const problems = problemsOf({ ...base, DATABASE_URL: url });
    expect(problems).toEqual([expect.stringContaining('DATABASE_URL must be a PostgreSQL connection URL')]);
    expect(problems.join('\n')).not.toContain('SECRETMARKER');
  });

  it('is named alongside every other bad variable in the one message', () => {
    expect(problemsOf({ ...base, PORT: 'eighty', DATABASE_URL: 'sqlite:./x.db' })).toEqual([
      expect.stringContaining('PORT'),
      expect.stringContaining('DATABASE_URL'),
    ]);
  });

  it('keeps the password, as written and percent-decoded, out of every log line', () => {
    const config = loadConfig({ ...base, DATABASE_URL: 'postgres://deployday:pa%24%24-word-42@db.internal:5432/deployday' });
    const secrets = secretsOf(config);
    expect(secrets).toEqual(expect.arrayContaining(['pa%24%24-word-42', 'pa$$-word-42']));
    const line = redact('connecting to postgres://deployday:pa%24%24-word-42@db.internal:5432/deployday as pa$$-word-42', secrets);
    expect(line).not.toContain('word-42');
  });

  it('scrubs the password of any PostgreSQL URL a library prints, configured or not', () => {
    expect(redact('error at postgresql://admin:tiny@10.0.0.5:5432/other failed', [])).toBe(
      'error at postgresql://admin:[redacted]@10.0.0.5:5432/other failed',
    );
  });
});

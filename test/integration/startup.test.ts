import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeSlack } from '../support/fakeSlack.js';
import { REPO_ROOT } from '../support/startBot.js';

const MAIN = join(REPO_ROOT, 'dist', 'main.js');

describe('starting the bot', () => {
  it('refuses to start without configuration, naming every missing variable in one message', () => {
    const result = spawnSync(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 15_000 });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('SLACK_BOT_TOKEN');
    expect(result.stderr).toContain('SLACK_SIGNING_SECRET');
    expect(result.stderr.match(/cannot start/g)?.length).toBe(1);
  });

  it('names each invalid variable without echoing its value', () => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        SLACK_BOT_TOKEN: 'not-a-token-SECRETMARKER',
        SLACK_SIGNING_SECRET: 'too-short-SECRETMARKER',
        PORT: 'eighty',
        PAGERDUTY_ROUTING_KEY: 'short-SECRETMARKER',
        PAGERDUTY_EVENTS_URL: 'http://events.example.com',
      },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).toBe(78);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'PORT', 'PAGERDUTY_ROUTING_KEY', 'PAGERDUTY_EVENTS_URL']) {
      expect(result.stderr).toContain(name);
    }
    expect(result.stderr).not.toContain('SECRETMARKER');
  });
});

describe('starting while Slack is down', () => {
  it('starts anyway and serves commands once Slack answers again', async () => {
    const fake = await startFakeSlack();
    fake.setDown(true);
    const { startBot } = await import('../support/startBot.js');
    const bot = await startBot({ fake });
    try {
      expect(bot.logs.some((l) => l.includes('auth.test failed'))).toBe(true);
      // Acks never wait on Slack: the command is answered even while the Web API is still down.
      const whileDown = await bot.slack.command('help');
      expect(whileDown.status).toBe(200);
      fake.setDown(false);
      const started = await bot.slack.command('start small-release');
      expect(JSON.stringify(started.body)).toContain('Started run');
      await bot.bot.sync.idle();
      expect(fake.messages('C0DEPLOY').length).toBeGreaterThan(1);
    } finally {
      await bot.stop();
      await fake.close();
    }
  });
});

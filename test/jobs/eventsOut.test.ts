import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretsOf } from '../../src/config.js';
import { signWebhook, verifyWebhook } from '../../src/jobs/webhookSignature.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1111-2222-botTokenForTests', SLACK_SIGNING_SECRET: '0123456789abcdef0123456789ABCDEF' };

describe('outbound webhook signature', () => {
  const body = '{"id":"audit:1","type":"run.started"}';

  it('signs v1:<timestamp>:<body> with HMAC-SHA256, as a receiver recomputes it', () => {
    // Computed independently: printf 'v1:1700000000:{"id":"audit:1","type":"run.started"}' | openssl dgst -sha256 -hmac s3cret
    expect(signWebhook('s3cret', 1_700_000_000, body)).toBe('v1=7148a1e54232185c59d77118313f2d7a0edb0d437b515282dbc8244ba9a0a74a');
    expect(verifyWebhook('s3cret', { signature: signWebhook('s3cret', 1_700_000_000, body), timestamp: '1700000000' }, body, 1_700_000_030)).toBe(
      true,
    );
  });

  it('rejects another secret, a changed body, and a timestamp more than five minutes off', () => {
    const signature = signWebhook('s3cret', 1_700_000_000, body);
    expect(verifyWebhook('other', { signature, timestamp: '1700000000' }, body, 1_700_000_000)).toBe(false);
    expect(verifyWebhook('s3cret', { signature, timestamp: '1700000000' }, `${body} `, 1_700_000_000)).toBe(false);
    expect(verifyWebhook('s3cret', { signature, timestamp: '1700000000' }, body, 1_700_000_000 + 301)).toBe(false);
  });
});

describe('webhook configuration', () => {
  it('wants DEPLOYDAY_WEBHOOK_URL and DEPLOYDAY_WEBHOOK_SECRET together, alongside every other problem', () => {
    let error: unknown;
    try {
      loadConfig({ ...base, DEPLOYDAY_WEBHOOK_URL: 'https://hooks.example.com/deployday', PORT: 'x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('DEPLOYDAY_WEBHOOK_URL and DEPLOYDAY_WEBHOOK_SECRET go together'),
        expect.stringContaining('PORT'),
      ]),
    );
  });

  it('keeps the webhook secret out of every log line (listed among the secrets)', () => {
    const config = loadConfig({
      ...base,
      DEPLOYDAY_WEBHOOK_URL: 'https://hooks.example.com/deployday',
      DEPLOYDAY_WEBHOOK_SECRET: 'whsec-0123456789abcdef',
    });
    expect(config.webhook).toEqual({ url: 'https://hooks.example.com/deployday', secret: 'whsec-0123456789abcdef' });
    expect(secretsOf(config)).toContain('whsec-0123456789abcdef');
  });
});

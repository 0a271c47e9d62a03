import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyGitHubSignature } from '../../src/api/githubWebhookRoute.js';

const SECRET = 'gh-webhook-secret-0123456789abcdef';
const body = Buffer.from('{"action":"requested"}');
const signed = (secret: string, b: Buffer) => `sha256=${createHmac('sha256', secret).update(b).digest('hex')}`;

describe('X-Hub-Signature-256', async () => {
  it('accepts the HMAC-SHA256 of the raw body with the webhook secret', async () => {
    expect(await verifyGitHubSignature(SECRET, signed(SECRET, body), body)).toBe(true);
  });

  it('refuses another secret, another body, a missing header, the sha1 form and a truncated digest', async () => {
    expect(await verifyGitHubSignature(SECRET, signed('another-secret-0123456789', body), body)).toBe(false);
    expect(await verifyGitHubSignature(SECRET, signed(SECRET, body), Buffer.from('{"action":"requested" }'))).toBe(false);
    expect(await verifyGitHubSignature(SECRET, undefined, body)).toBe(false);
    expect(await verifyGitHubSignature(SECRET, `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`, body)).toBe(false);
    expect(await verifyGitHubSignature(SECRET, signed(SECRET, body).slice(0, 40), body)).toBe(false);
  });
});

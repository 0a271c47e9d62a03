/**
 * The GitHub App client against the strict fake GitHub: the JWT → installation token exchange, the
 * deployment callback, and how each refusal GitHub gives is classified (retried or final).
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubAppClient, githubRetryAfterMs } from '../../src/github/githubAppClient.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGitHub.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function fakeGitHub(): Promise<FakeGitHub> {
  const gh = await startFakeGitHub({ installations: { 77: ['acme/shop'], 88: ['other/repo'] } });
  cleanups.push(() => gh.close());
  return gh;
}

function waiting(gh: FakeGitHub, installationId = 77) {
  const payload = gh.waitingDeployment({ repository: 'acme/shop', environment: 'production', installationId });
  return { callbackUrl: String(payload.deployment_callback_url), installationId, environment: 'production' };
}

describe('GitHub App client', () => {
  it('exchanges the App JWT for an installation token once and approves deployments with it', async () => {
    const gh = await fakeGitHub();
    const client = createGitHubAppClient({ appId: gh.appId, privateKey: gh.privateKeyPem, apiUrl: gh.apiUrl });
    expect(await client.review({ ...waiting(gh), state: 'approved', comment: 'Go by Carol' })).toEqual({ ok: true, status: 204 });
    expect(await client.review({ ...waiting(gh), state: 'rejected', comment: 'No-Go by Dave: errors' })).toEqual({ ok: true, status: 204 });
    expect(gh.tokensIssued).toBe(1);
    expect(gh.reviews.map((r) => r.state)).toEqual(['approved', 'rejected']);
  });

  it('is refused while the JWT is signed with another key, and kept for retry (the operator fixes the key and restarts)', async () => {
    const gh = await fakeGitHub();
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const client = createGitHubAppClient({ appId: gh.appId, privateKey: other, apiUrl: gh.apiUrl });
    const result = await client.review({ ...waiting(gh), state: 'approved', comment: 'Go' });
    expect(result).toMatchObject({ ok: false, retryable: true, status: 401 });
    expect(gh.tokensIssued).toBe(0);
    expect(gh.reviews).toEqual([]);
  });

  it('is refused when the JWT has expired (a clock far behind GitHub)', async () => {
    const gh = await fakeGitHub();
    const client = createGitHubAppClient({ appId: gh.appId, privateKey: gh.privateKeyPem, apiUrl: gh.apiUrl, now: () => Date.now() - 20 * 60_000 });
    const result = await client.review({ ...waiting(gh), state: 'approved', comment: 'Go' });
    expect(result).toMatchObject({ ok: false, status: 401 });
    expect(result.ok ? '' : result.error).toContain('exp');
    expect(gh.tokensIssued).toBe(0);
  });

  it('is refused for an installation that does not exist, and for a repository outside the token installation', async () => {
    const gh = await fakeGitHub();
    const client = createGitHubAppClient({ appId: gh.appId, privateKey: gh.privateKeyPem, apiUrl: gh.apiUrl });
    expect(await client.review({ ...waiting(gh), installationId: 99, state: 'approved', comment: 'Go' })).toMatchObject({
      ok: false,
      retryable: false,
      status: 404,
    });
    expect(await client.review({ ...waiting(gh, 88), state: 'approved', comment: 'Go' })).toMatchObject({ ok: false, retryable: false, status: 403 });
  });

  it('is refused for an unknown callback, a bad state and a second answer to the same deployment', async () => {
    const gh = await fakeGitHub();
    const client = createGitHubAppClient({ appId: gh.appId, privateKey: gh.privateKeyPem, apiUrl: gh.apiUrl });
    const known = waiting(gh);
    const unknown = { ...known, callbackUrl: known.callbackUrl.replace(/runs\/\d+/, 'runs/1') };
    expect(await client.review({ ...unknown, state: 'approved', comment: 'Go' })).toMatchObject({ ok: false, retryable: false, status: 404 });
    expect(await client.review({ ...known, state: 'maybe' as 'approved', comment: 'Go' })).toMatchObject({
      ok: false,
      retryable: false,
      status: 422,
    });
    expect(await client.review({ ...known, state: 'approved', comment: 'Go' })).toEqual({ ok: true, status: 204 });
    expect(await client.review({ ...known, state: 'approved', comment: 'Go' })).toMatchObject({ ok: false, retryable: false, status: 422 });
    expect(gh.reviews).toHaveLength(1);
  });

  it("retries 429 after GitHub's Retry-After, a spent rate limit after its reset, and a 503 or GitHub down", async () => {
    const gh = await fakeGitHub();
    const client = createGitHubAppClient({ appId: gh.appId, privateKey: gh.privateKeyPem, apiUrl: gh.apiUrl });
    gh.failNext(1, { status: 429, retryAfter: '7' });
    expect(await client.review({ ...waiting(gh), state: 'approved', comment: 'Go' })).toMatchObject({
      ok: false,
      retryable: true,
      status: 429,
      retryAfterMs: 7000,
    });
    const reset = Math.floor(Date.now() / 1000) + 120;
    gh.failNext(1, { status: 403, rateLimitReset: reset });
    const limited = await client.review({ ...waiting(gh), state: 'approved', comment: 'Go' });
    expect(limited).toMatchObject({ ok: false, retryable: true, status: 403 });
    expect(limited.ok ? 0 : (limited.retryAfterMs ?? 0)).toBeGreaterThan(60_000);
    gh.failNext(1, { status: 503 });
    expect(await client.review({ ...waiting(gh), state: 'approved', comment: 'Go' })).toMatchObject({ ok: false, retryable: true, status: 503 });
    await gh.setDown(true);
    expect(await client.review({ ...waiting(gh), state: 'approved', comment: 'Go' })).toMatchObject({ ok: false, retryable: true, status: null });
  });

  it('reads the wait from Retry-After first, else from a spent rate limit reset', () => {
    const now = 1_700_000_000_000;
    expect(githubRetryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(githubRetryAfterMs(new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 30) }), now)).toBe(30_000);
    expect(githubRetryAfterMs(new Headers({ 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': String(now / 1000 + 30) }), now)).toBeUndefined();
  });
});

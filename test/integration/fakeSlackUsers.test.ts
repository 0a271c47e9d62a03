import { ErrorCode, WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack.js';

let fakes: FakeSlack[] = [];
afterEach(async () => {
  for (const f of fakes) await f.close();
  fakes = [];
});

async function fakeWith(opts: Parameters<typeof startFakeSlack>[0] = {}): Promise<{ fake: FakeSlack; web: WebClient }> {
  const fake = await startFakeSlack(opts);
  fakes.push(fake);
  return { fake, web: new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true }) };
}

describe('the fake Slack’s users.lookupByEmail is as strict as Slack', () => {
  it('finds a member by e-mail in any case, and answers users_not_found for anyone else', async () => {
    const { fake, web } = await fakeWith();
    fake.addUserWithEmail('U0DANA', 'Dana@Example.test', { real_name: 'Dana Reyes' });
    const found = await web.users.lookupByEmail({ email: 'dana@example.TEST' });
    expect(found.user).toMatchObject({ id: 'U0DANA', real_name: 'Dana Reyes', profile: { email: 'dana@example.test' } });
    await expect(web.users.lookupByEmail({ email: 'nobody@example.test' })).rejects.toMatchObject({ data: { ok: false, error: 'users_not_found' } });
  });

  it('refuses a call without an e-mail, and a token without the users:read.email scope', async () => {
    const { web } = await fakeWith();
    await expect(web.apiCall('users.lookupByEmail', {})).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    const { fake: narrow, web: narrowWeb } = await fakeWith({ scopes: ['commands', 'chat:write', 'users:read'] });
    narrow.addUserWithEmail('U0DANA', 'dana@example.test');
    await expect(narrowWeb.users.lookupByEmail({ email: 'dana@example.test' })).rejects.toMatchObject({
      data: { ok: false, error: 'missing_scope', needed: 'users:read.email' },
    });
  });

  it('answers 429 with Retry-After past its Tier 3 budget of 50 a minute', async () => {
    const clock = 5_000_000;
    const { fake, web } = await fakeWith({ now: () => clock });
    fake.addUserWithEmail('U0DANA', 'dana@example.test');
    for (let i = 0; i < 50; i++) await web.users.lookupByEmail({ email: 'dana@example.test' });
    const err = await web.users.lookupByEmail({ email: 'dana@example.test' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 60 });
  });
});

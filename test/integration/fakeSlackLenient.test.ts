/**
 * The benchmarks run the test fake of Slack in its lenient mode (bench/support/benchSlack.js).
 * Lenient drops only the fake's own bookkeeping; what changes the outcome of a bench (tokens,
 * channels, rate limits) must still behave as in the strict fake.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebClient } from '@slack/web-api';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack.js';

const CHANNEL = 'C0BENCH';
// A block type Slack does not have: the strict fake refuses it, as Slack would.
const SLOPPY_BLOCKS = [{ type: 'no_such_block', text: { type: 'mrkdwn', text: 'hi' } }];

let fake: FakeSlack | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function client(target: FakeSlack, token = target.botToken): WebClient {
  return new WebClient(token, { slackApiUrl: target.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
}

describe('the fake of Slack in lenient mode', () => {
  it('stores blocks exactly as sent, without validating, rendering or keeping versions', async () => {
    fake = await startFakeSlack({ lenient: true });
    const posted = await client(fake).chat.postMessage({ channel: CHANNEL, text: 'hi', blocks: SLOPPY_BLOCKS });
    const stored = fake.message(CHANNEL, String(posted.ts));
    expect(stored?.blocks).toEqual(SLOPPY_BLOCKS);
    expect(stored?.history).toEqual([]);
  });

  it('logs calls with their scalar arguments only, so a long bench does not hoard message bodies', async () => {
    fake = await startFakeSlack({ lenient: true });
    await client(fake).chat.postMessage({ channel: CHANNEL, text: 'hi', blocks: SLOPPY_BLOCKS });
    const [call] = fake.callsTo('chat.postMessage');
    expect(call?.args['channel']).toBe(CHANNEL);
    expect(call?.args).not.toHaveProperty('blocks');
  });

  it('still refuses a wrong token and a malformed channel', async () => {
    fake = await startFakeSlack({ lenient: true });
    await expect(client(fake, 'xoxb-wrong').auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    await expect(client(fake).chat.postMessage({ channel: 'not-a-channel', text: 'hi' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
  });

  it('answers 429 while a channel whose update budget was spent waits for its minute to free up', async () => {
    fake = await startFakeSlack({ lenient: true, rateLimits: { 'chat.update': { perMinute: 3, perChannel: true } } });
    const web = client(fake);
    const posted = await web.chat.postMessage({ channel: CHANNEL, text: 'v1' });
    fake.exhaustRateLimit('chat.update', CHANNEL, 2_000);
    await expect(web.chat.update({ channel: CHANNEL, ts: String(posted.ts), text: 'v2' })).rejects.toMatchObject({ retryAfter: 2 });
    // Only that channel's budget is spent.
    const other = await web.chat.postMessage({ channel: 'C0OTHER', text: 'v1' });
    await expect(web.chat.update({ channel: 'C0OTHER', ts: String(other.ts), text: 'v2' })).resolves.toMatchObject({ ok: true });
  });
});

describe('the strict fake of Slack (the default)', () => {
  it('refuses the same sloppy blocks the lenient one stores', async () => {
    fake = await startFakeSlack();
    await expect(client(fake).chat.postMessage({ channel: CHANNEL, text: 'hi', blocks: SLOPPY_BLOCKS })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
  });
});

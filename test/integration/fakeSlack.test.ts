import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebClient, LogLevel, ErrorCode } from '@slack/web-api';
import type { Logger } from '@slack/web-api';
import { App, LogLevel as BoltLogLevel, verifySlackRequest } from '@slack/bolt';
import { startFakeSlack, FakeWorkspace } from '../support/fakeSlack.js';
import type { FakeSlack, SlackBlock } from '../support/fakeSlack.js';
import { createSlackClient, DEFAULT_CHANNEL } from '../support/slackClient.js';
import { waitFor, eventually } from '../support/waitFor.js';

const CHANNEL = DEFAULT_CHANNEL;
const SECRET = 'fake-signing-secret-for-tests';

let fake: FakeSlack;
let web: WebClient;

beforeAll(async () => {
  fake = await startFakeSlack();
  web = client(fake);
});
afterEach(() => fake.reset());
afterAll(async () => {
  await fake.close();
});

// WebClient logs every response_metadata message at error level; the tests assert on them instead.
const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

function client(target: FakeSlack, token: string = target.botToken, extra: { rejectRateLimitedCalls?: boolean } = {}): WebClient {
  return new WebClient(token, {
    slackApiUrl: target.apiUrl,
    retryConfig: { retries: 0 },
    logger: silentLogger,
    ...extra,
  });
}

interface SlackFailure {
  error: string;
  messages: string[];
}

/** The `error` (and response_metadata.messages) of a Web API call that must fail. */
async function slackError(call: Promise<unknown>): Promise<SlackFailure> {
  try {
    await call;
  } catch (err) {
    const data = (err as { data?: { error?: string; response_metadata?: { messages?: string[] } } }).data;
    if (data?.error) return { error: data.error, messages: data.response_metadata?.messages ?? [] };
    throw err;
  }
  throw new Error('expected the Slack call to fail');
}

/** The ts of a chat.postMessage result (apiCall results are untyped). */
function tsOf(result: unknown): string {
  const ts = (result as { ts?: unknown }).ts;
  if (typeof ts !== 'string') throw new Error('no ts in result');
  return ts;
}

function post(blocks: unknown[], text = 'fallback'): Promise<unknown> {
  return web.apiCall('chat.postMessage', { channel: CHANNEL, text, blocks });
}

const pt = (text: string): Record<string, unknown> => ({ type: 'plain_text', text });
const md = (text: string): Record<string, unknown> => ({ type: 'mrkdwn', text });
const section = (text: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'section',
  text: md(text),
  ...extra,
});
const option = (value: string, text: string = value): Record<string, unknown> => ({ text: pt(text), value });
const checkboxes = (options: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'checkboxes',
  action_id: 'toggle',
  options,
  ...extra,
});
const actions = (elements: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'actions',
  elements,
  ...extra,
});
const button = (actionId: string, text = 'Go', extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'button',
  action_id: actionId,
  text: pt(text),
  ...extra,
});
const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
const x = (n: number): string => 'x'.repeat(n);

describe('fake Slack Web API', () => {
  it('answers auth.test with the test workspace identity', async () => {
    const result = await web.auth.test();
    expect(result).toMatchObject({
      ok: true,
      team: 'Deploy Test',
      team_id: 'T0TEST',
      user: 'deployday',
      user_id: 'U0BOT',
      bot_id: 'B0BOT',
    });
  });

  it('refuses calls without a token (not_authed) and with another token (invalid_auth)', async () => {
    expect((await slackError(client(fake, '').auth.test())).error).toBe('not_authed');
    expect((await slackError(client(fake, 'xoxb-someone-else').auth.test())).error).toBe('invalid_auth');
    expect(fake.calls.map((c) => [c.method, c.status, c.error])).toEqual([
      ['auth.test', 200, 'not_authed'],
      ['auth.test', 200, 'invalid_auth'],
    ]);
  });

  it('accepts the token as a form field and JSON bodies with a bearer token', async () => {
    const form = await fetch(`${fake.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: fake.botToken }).toString(),
    });
    expect(await form.json()).toMatchObject({ ok: true, user_id: 'U0BOT' });
    const json = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', Authorization: `Bearer ${fake.botToken}` },
      body: JSON.stringify({ channel: CHANNEL, blocks: [section('json body')] }),
    });
    expect(await json.json()).toMatchObject({ ok: true, channel: CHANNEL });
    expect(fake.findText(CHANNEL, 'json body')).toHaveLength(1);
  });

  it('answers unknown methods with unknown_method', async () => {
    expect((await slackError(web.apiCall('chat.frobnicate', {}))).error).toBe('unknown_method');
  });

  it('stores posted messages with unique, increasing ts values', async () => {
    const first = await web.chat.postMessage({ channel: CHANNEL, text: 'first' });
    const second = await web.chat.postMessage({ channel: CHANNEL, text: 'second' });
    expect(first).toMatchObject({ ok: true, channel: CHANNEL, message: { text: 'first', user: 'U0BOT', bot_id: 'B0BOT' } });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(fake.messages(CHANNEL).map((m) => [m.ts, m.text])).toEqual([
      [first.ts, 'first'],
      [second.ts, 'second'],
    ]);
  });

  it('rejects channels that do not exist and messages with neither text nor blocks', async () => {
    expect((await slackError(web.chat.postMessage({ channel: 'deploys', text: 'hi' }))).error).toBe('channel_not_found');
    expect((await slackError(web.apiCall('chat.postMessage', { channel: CHANNEL }))).error).toBe('no_text');
    expect((await slackError(web.apiCall('chat.postMessage', { channel: CHANNEL, text: '', blocks: [] }))).error).toBe('no_text');
    const only = await startFakeSlack({ channels: [{ id: 'C0ONLY', name: 'only-room' }] });
    try {
      const scoped = client(only);
      expect((await slackError(scoped.chat.postMessage({ channel: CHANNEL, text: 'hi' }))).error).toBe('channel_not_found');
      await scoped.chat.postMessage({ channel: 'C0ONLY', text: 'hi' });
      expect((await scoped.conversations.info({ channel: 'C0ONLY' })).channel).toMatchObject({ name: 'only-room' });
    } finally {
      await only.close();
    }
  });

  it('rejects text over 40,000 characters with msg_too_long', async () => {
    expect((await slackError(web.chat.postMessage({ channel: CHANNEL, text: x(40_001) }))).error).toBe('msg_too_long');
    await web.chat.postMessage({ channel: CHANNEL, text: x(40_000) });
  });

  it('threads replies under their parent and refuses an unknown thread_ts', async () => {
    const parent = await web.chat.postMessage({ channel: CHANNEL, text: 'parent' });
    const reply = await web.chat.postMessage({ channel: CHANNEL, text: 'reply', thread_ts: parent.ts! });
    const nested = await web.chat.postMessage({ channel: CHANNEL, text: 'reply 2', thread_ts: reply.ts! });
    expect(fake.message(CHANNEL, nested.ts!)?.thread_ts).toBe(parent.ts);
    expect((await slackError(web.chat.postMessage({ channel: CHANNEL, text: 'x', thread_ts: '1.000001' }))).error).toBe('invalid_thread_ts');
  });

  it('replaces a message on chat.update and keeps every version', async () => {
    const posted = await web.apiCall('chat.postMessage', { channel: CHANNEL, text: 'v1', blocks: [section('one')] });
    const ts = tsOf(posted);
    await web.apiCall('chat.update', { channel: CHANNEL, ts, text: 'v2', blocks: [section('two')] });
    // Without `blocks` Slack keeps the previous blocks.
    await web.apiCall('chat.update', { channel: CHANNEL, ts, text: 'v3' });
    const message = fake.message(CHANNEL, ts)!;
    expect(message.text).toBe('v3');
    expect(message.blocks[0]?.['text']).toMatchObject({ text: 'two' });
    expect(message.history.map((v) => [v.via, v.text])).toEqual([
      ['chat.postMessage', 'v1'],
      ['chat.update', 'v2'],
      ['chat.update', 'v3'],
    ]);
    expect(message.edited?.user).toBe('U0BOT');
    expect((await slackError(web.chat.update({ channel: CHANNEL, ts: '1700009999.000100', text: 'x' }))).error).toBe('message_not_found');
  });

  it('renders stored blocks as Slack does: generated block and action ids, default emoji flag', async () => {
    const posted = await post([section('hello'), actions([button('go')])]);
    const message = fake.message(CHANNEL, tsOf(posted))!;
    const [first, second] = message.blocks;
    expect(first?.block_id).toMatch(/^\S+$/);
    expect(second?.block_id).not.toBe(first?.block_id);
    expect((second!['elements'] as Array<Record<string, unknown>>)[0]).toMatchObject({
      action_id: 'go',
      text: { type: 'plain_text', text: 'Go', emoji: true },
    });
  });

  it('stores ephemerals, answers permalinks, users.info and conversations.info', async () => {
    const eph = await web.chat.postEphemeral({ channel: CHANNEL, user: 'U0ALICE', text: 'only you' });
    expect(fake.ephemerals).toMatchObject([{ channel: CHANNEL, user: 'U0ALICE', text: 'only you', message_ts: eph.message_ts }]);
    const posted = await web.chat.postMessage({ channel: CHANNEL, text: 'link me' });
    const link = await web.chat.getPermalink({ channel: CHANNEL, message_ts: posted.ts! });
    expect(link.permalink).toBe(`https://deploy-test.slack.com/archives/${CHANNEL}/p${posted.ts!.replace('.', '')}`);
    expect((await slackError(web.chat.getPermalink({ channel: CHANNEL, message_ts: '1.000001' }))).error).toBe('message_not_found');
    const user = await web.users.info({ user: 'U0ALICE' });
    expect(user.user).toMatchObject({ id: 'U0ALICE', name: 'alice', tz: 'America/New_York', tz_offset: -18000 });
    fake.setUser('U0BOB', { tz: 'Europe/Berlin', tz_offset: 3600 });
    expect((await web.users.info({ user: 'U0BOB' })).user).toMatchObject({ tz: 'Europe/Berlin', tz_offset: 3600 });
    const channel = await web.conversations.info({ channel: CHANNEL });
    expect(channel.channel).toMatchObject({ id: CHANNEL, name: 'deploy-room', is_member: true });
  });

  it('reports checkbox state per block and finds messages by text', async () => {
    const a = option('a', 'Alpha');
    const b = option('b', 'Bravo');
    const posted = await post([
      section('Checklist heading'),
      actions([checkboxes([a, b], { initial_options: [b] })], { block_id: 'items-1' }),
      { type: 'section', block_id: 'items-2', text: md('side'), accessory: checkboxes([a], { action_id: 'other' }) },
    ]);
    const ts = tsOf(posted);
    expect(fake.checkboxesState(CHANNEL, ts)).toEqual({ 'items-1': ['b'], 'items-2': [] });
    expect(fake.findText(CHANNEL, 'Bravo').map((m) => m.ts)).toEqual([ts]);
    expect(fake.findText(CHANNEL, 'Charlie')).toEqual([]);
  });

  it('forgets everything on reset', async () => {
    await web.chat.postMessage({ channel: CHANNEL, text: 'gone soon' });
    fake.setDown(true);
    fake.reset();
    expect(fake.messages(CHANNEL)).toEqual([]);
    expect(fake.calls).toEqual([]);
    await web.auth.test();
  });
});

describe('fake Slack Block Kit validation', () => {
  const tooMany = (n: number): Record<string, unknown>[] => times(n, (i) => option(`v${i}`));
  const cases: Array<[string, unknown[], string]> = [
    ['more than 50 blocks', times(51, () => ({ type: 'divider' })), '/blocks]'],
    ['an unknown block type', [{ type: 'sectoin', text: md('typo') }], '/blocks/0/type]'],
    ['a block_id over 255 characters', [section('a', { block_id: x(256) })], '/blocks/0/block_id]'],
    ['a duplicate block_id', [section('a', { block_id: 'same' }), section('b', { block_id: 'same' })], '/blocks/1/block_id]'],
    ['section text over 3000 characters', [section(x(3001))], '/blocks/0/text/text]'],
    ['a section with neither text nor fields', [{ type: 'section' }], '/blocks/0]'],
    ['a section with more than 10 fields', [{ type: 'section', fields: times(11, (i) => md(`f${i}`)) }], '/blocks/0/fields]'],
    ['header text over 150 characters', [{ type: 'header', text: pt(x(151)) }], '/blocks/0/text/text]'],
    ['a header that is not plain_text', [{ type: 'header', text: md('*bold*') }], '/blocks/0/text/type]'],
    ['an actions block with more than 25 elements', [actions(times(26, (i) => button(`b${i}`)))], '/blocks/0/elements]'],
    ['a context block with more than 10 elements', [{ type: 'context', elements: times(11, (i) => md(`c${i}`)) }], '/blocks/0/elements]'],
    ['checkboxes with no options', [actions([checkboxes([])])], '/blocks/0/elements/0/options]'],
    ['checkboxes with more than 10 options', [actions([checkboxes(tooMany(11))])], '/blocks/0/elements/0/options]'],
    ['option text over 75 characters', [actions([checkboxes([option('v', x(76))])])], '/blocks/0/elements/0/options/0/text/text]'],
    [
      'option description over 75 characters',
      [actions([checkboxes([{ ...option('v'), description: pt(x(76)) }])])],
      '/blocks/0/elements/0/options/0/description/text]',
    ],
    ['option value over 150 characters', [actions([checkboxes([option(x(151), 'v')])])], '/blocks/0/elements/0/options/0/value]'],
    [
      'initial_options that are not exactly one of the options',
      [actions([checkboxes([option('a', 'Alpha')], { initial_options: [option('a', 'alpha')] })])],
      '/blocks/0/elements/0/initial_options/0]',
    ],
    ['an action_id over 255 characters', [actions([button(x(256))])], '/blocks/0/elements/0/action_id]'],
    ['a duplicate action_id within one block', [actions([button('same'), button('same')])], '/blocks/0/elements/1/action_id]'],
    ['button text over 75 characters', [actions([button('b', x(76))])], '/blocks/0/elements/0/text/text]'],
    ['a button value over 2000 characters', [actions([button('b', 'Go', { value: x(2001) })])], '/blocks/0/elements/0/value]'],
    ['a text object of another type', [{ type: 'section', text: { type: 'markdown', text: 'hi' } }], '/blocks/0/text/type]'],
    ['plain_text with verbatim', [{ type: 'section', text: { ...pt('hi'), verbatim: true } }], '/blocks/0/text/verbatim]'],
    ['mrkdwn with emoji', [{ type: 'section', text: { ...md('hi'), emoji: true } }], '/blocks/0/text/emoji]'],
  ];

  it.each(cases)('rejects %s with invalid_blocks naming the problem', async (_name, blocks, pointer) => {
    const failure = await slackError(post(blocks));
    expect(failure.error).toBe('invalid_blocks');
    expect(failure.messages.join('\n')).toContain(`[json-pointer:${pointer}`);
    expect(fake.messages(CHANNEL)).toEqual([]);
  });

  it('rejects invalid blocks on chat.update too, leaving the message unchanged', async () => {
    const posted = await web.chat.postMessage({ channel: CHANNEL, text: 'keep me' });
    const failure = await slackError(web.apiCall('chat.update', { channel: CHANNEL, ts: posted.ts, blocks: [section(x(3001))] }));
    expect(failure.error).toBe('invalid_blocks');
    expect(fake.message(CHANNEL, posted.ts!)?.history).toHaveLength(1);
  });

  it('accepts blocks that sit exactly at every limit', async () => {
    const options = times(10, (i) => ({ text: pt(`${i}${x(74)}`), value: `${i}${x(149)}`, description: md(x(75)) }));
    await post([section(x(3000), { block_id: x(255) }), ...times(49, () => ({ type: 'divider' }))]);
    await post([
      { type: 'header', text: { ...pt(x(150)), emoji: false } },
      { type: 'section', fields: times(10, (i) => md(`field ${i}`)) },
      actions(times(25, (i) => button(`b${i}`, x(75), { value: x(2000) }))),
      actions([checkboxes(options, { action_id: x(255), initial_options: [options[3], options[9]] })]),
      // The same action_id in two different blocks is fine.
      actions([button('b0')]),
      { type: 'context', elements: times(10, (i) => ({ ...md(`c${i}`), verbatim: true })) },
    ]);
    expect(fake.messages(CHANNEL)).toHaveLength(2);
  });

  it('rejects blocks whose text adds up to more than 12,000 characters with msg_blocks_too_long', async () => {
    await post(times(4, () => section(x(3000))));
    const failure = await slackError(post([...times(4, () => section(x(3000))), section('one more')]));
    expect(failure.error).toBe('msg_blocks_too_long');
  });

  it('rejects a blocks argument that is not a JSON array', async () => {
    const failure = await slackError(web.apiCall('chat.postMessage', { channel: CHANNEL, text: 'x', blocks: '[{"type":' }));
    expect(failure.error).toBe('invalid_blocks_format');
  });
});

describe('fake Slack rate limits and faults', () => {
  it('answers 429 with Retry-After once a per-channel sliding window is full', async () => {
    let clock = 1_000_000;
    const timed = await startFakeSlack({ now: () => clock });
    try {
      timed.setRateLimit('chat.update', { perMinute: 3, perChannel: true });
      const limited = client(timed, timed.botToken, { rejectRateLimitedCalls: true });
      const posted = await limited.chat.postMessage({ channel: CHANNEL, text: 'v0' });
      const other = await limited.chat.postMessage({ channel: 'C0OTHER', text: 'v0' });
      for (const step of [0, 1000, 2000]) {
        clock += step === 0 ? 0 : 1000;
        await limited.chat.update({ channel: CHANNEL, ts: posted.ts!, text: `at ${step}` });
      }
      clock += 500; // 2.5 s after the first update: it leaves the window 57.5 s from now
      const err = await limited.chat.update({ channel: CHANNEL, ts: posted.ts!, text: 'too many' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 58 });

      const raw = await fetch(`${timed.apiUrl}chat.update`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Bearer ${timed.botToken}` },
        body: new URLSearchParams({ channel: CHANNEL, ts: posted.ts!, text: 'raw' }).toString(),
      });
      expect(raw.status).toBe(429);
      expect(raw.headers.get('retry-after')).toBe('58');
      expect(await raw.json()).toEqual({ ok: false, error: 'ratelimited' });
      expect(timed.message(CHANNEL, posted.ts!)?.text).toBe('at 2000');

      // Another channel has its own window.
      await limited.chat.update({ channel: 'C0OTHER', ts: other.ts!, text: 'fine' });
      // Once the first update slides out of the window, one more fits.
      clock += 57_500;
      await limited.chat.update({ channel: CHANNEL, ts: posted.ts!, text: 'after the window' });
      expect(timed.callsTo('chat.update').map((c) => c.status)).toEqual([200, 200, 200, 429, 429, 200, 200]);
    } finally {
      await timed.close();
    }
  });

  it('injects HTTP errors, API errors and 429s for the next n calls only', async () => {
    fake.failNext('chat.postMessage', 1, { status: 500 });
    const http = await web.chat.postMessage({ channel: CHANNEL, text: 'x' }).catch((e: unknown) => e);
    expect(http).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });

    fake.failNext('chat.postMessage', 1, { error: 'internal_error' });
    expect((await slackError(web.chat.postMessage({ channel: CHANNEL, text: 'x' }))).error).toBe('internal_error');

    fake.failNext('chat.postMessage', 1, { status: 429, retryAfter: 7 });
    const limited = client(fake, fake.botToken, { rejectRateLimitedCalls: true });
    const rate = await limited.chat.postMessage({ channel: CHANNEL, text: 'x' }).catch((e: unknown) => e);
    expect(rate).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });

    await web.chat.postMessage({ channel: CHANNEL, text: 'finally' });
    expect(fake.messages(CHANNEL).map((m) => m.text)).toEqual(['finally']);
  });

  it('holds a delayed call unanswered while later calls are answered, then answers it normally', async () => {
    fake.failNext('auth.test', 1, { delayMs: 1_500 });
    const delayed = web.auth.test();
    await waitFor(() => fake.callsTo('auth.test').length === 1);
    expect(await web.auth.test()).toMatchObject({ ok: true });
    expect(
      fake.callsTo('auth.test').map((c) => c.status),
      'the delayed call is still unanswered',
    ).toEqual([0, 200]);
    expect(await delayed).toMatchObject({ ok: true });
    expect(fake.callsTo('auth.test').map((c) => c.status)).toEqual([200, 200]);
  });

  it('answers 503 to every call while down', async () => {
    fake.setDown(true);
    const err = await web.chat.postMessage({ channel: CHANNEL, text: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
    const hook = await fetch(fake.responseUrl(), { method: 'POST', body: JSON.stringify({ text: 'x' }) });
    expect(hook.status).toBe(503);
    fake.setDown(false);
    await web.chat.postMessage({ channel: CHANNEL, text: 'back' });
  });
});

describe('fake Slack modals and response URLs', () => {
  const modal = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    type: 'modal',
    callback_id: 'nogo',
    title: pt('Why No-Go?'),
    submit: pt('Send'),
    blocks: [{ type: 'input', block_id: 'reason', label: pt('Reason'), element: { type: 'plain_text_input', action_id: 'text' } }],
    ...extra,
  });

  it('opens a modal once per trigger_id and refuses reuse and unknown triggers', async () => {
    const trigger = fake.issueTriggerId();
    const opened = await web.apiCall('views.open', { trigger_id: trigger, view: modal() });
    expect((opened as { view?: unknown }).view).toMatchObject({ id: expect.stringMatching(/^V/), callback_id: 'nogo', type: 'modal' });
    expect((await slackError(web.apiCall('views.open', { trigger_id: trigger, view: modal() }))).error).toBe('trigger_exchanged');
    expect((await slackError(web.apiCall('views.open', { trigger_id: '1.2.3', view: modal() }))).error).toBe('invalid_trigger_id');
    expect(fake.views).toHaveLength(1);
  });

  it('refuses a trigger_id older than 3 seconds', async () => {
    let clock = 0;
    const timed = await startFakeSlack({ now: () => clock });
    try {
      const trigger = timed.issueTriggerId();
      clock += 3001;
      expect((await slackError(client(timed).apiCall('views.open', { trigger_id: trigger, view: modal() }))).error).toBe('expired_trigger_id');
    } finally {
      await timed.close();
    }
  });

  it('refuses invalid views without using up the trigger', async () => {
    const trigger = fake.issueTriggerId();
    const longTitle = await slackError(web.apiCall('views.open', { trigger_id: trigger, view: modal({ title: pt(x(25)) }) }));
    expect(longTitle.error).toBe('invalid_arguments');
    expect(longTitle.messages.join()).toContain('/view/title/text');
    const noSubmit = await slackError(web.apiCall('views.open', { trigger_id: trigger, view: modal({ submit: undefined }) }));
    expect(noSubmit.messages.join()).toContain('/view/submit');
    const tooMany = await slackError(
      web.apiCall('views.open', { trigger_id: trigger, view: modal({ blocks: times(101, () => ({ type: 'divider' })) }) }),
    );
    expect(tooMany.messages.join()).toContain('/view/blocks]');
    const longCallback = await slackError(web.apiCall('views.open', { trigger_id: trigger, view: modal({ callback_id: x(256) }) }));
    expect(longCallback.messages.join()).toContain('/view/callback_id');
    await web.apiCall('views.open', { trigger_id: trigger, view: modal({ blocks: times(100, () => ({ type: 'divider' })), submit: undefined }) });
  });

  it('accepts 5 posts per response_url, then answers 404 used_url', async () => {
    const url = fake.responseUrl(undefined, { channel: CHANNEL, user: 'U0ALICE' });
    for (let i = 0; i < 5; i++) {
      const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: `n${i}` }) });
      expect(res.status).toBe(200);
    }
    const sixth = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: 'n5' }) });
    expect(sixth.status).toBe(404);
    expect(await sixth.text()).toBe('used_url');
    expect(fake.ephemerals.map((e) => e.text)).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    expect(fake.responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 404]);
  });

  it('applies replace_original, delete_original and in_channel posts and validates their blocks', async () => {
    const posted = await web.chat.postMessage({ channel: CHANNEL, text: 'original' });
    const url = fake.responseUrl(undefined, { channel: CHANNEL, user: 'U0ALICE', messageTs: posted.ts! });
    const send = (body: unknown): Promise<Response> =>
      fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

    const bad = await send({ replace_original: true, blocks: [section(x(3001))] });
    expect([bad.status, await bad.text()]).toEqual([400, 'invalid_blocks']);
    expect((await send({ replace_original: true, text: 'replaced' })).status).toBe(200);
    expect(fake.message(CHANNEL, posted.ts!)?.text).toBe('replaced');
    expect((await send({ response_type: 'in_channel', text: 'for everyone' })).status).toBe(200);
    expect(fake.findText(CHANNEL, 'for everyone')).toHaveLength(1);
    expect((await send({ delete_original: true })).status).toBe(200);
    expect(fake.message(CHANNEL, posted.ts!)).toBeUndefined();
    expect(fake.responses.map((r) => r.outcome)).toEqual(['rejected', 'replaced', 'in_channel', 'deleted']);

    const unknown = await fetch(`${fake.baseUrl}/response/never-issued`, { method: 'POST', body: '{"text":"x"}' });
    expect([unknown.status, await unknown.text()]).toEqual([404, 'expired_url']);
  });
});

interface Recorded {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A stand-in for the bot's endpoint that acks like Bolt (empty 200) and keeps every request. */
async function startRecorder(): Promise<{ url: string; requests: Recorded[]; close: () => Promise<void> }> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function verify(request: Recorded, secret: string = SECRET, nowMilliseconds?: number): void {
  verifySlackRequest({
    signingSecret: secret,
    body: request.body,
    headers: {
      'x-slack-signature': String(request.headers['x-slack-signature']),
      'x-slack-request-timestamp': Number(request.headers['x-slack-request-timestamp']),
    },
    ...(nowMilliseconds !== undefined ? { nowMilliseconds } : {}),
  });
}

function payloadOf(request: Recorded): Record<string, any> {
  return JSON.parse(new URLSearchParams(request.body).get('payload') ?? 'null') as Record<string, any>;
}

describe('signed requests to the bot', () => {
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  beforeAll(async () => {
    recorder = await startRecorder();
  });
  afterEach(() => {
    recorder.requests.length = 0;
  });
  afterAll(async () => {
    await recorder.close();
  });
  const slack = () => createSlackClient({ baseUrl: recorder.url, signingSecret: SECRET, fake });

  it("signs a slash command the way Bolt verifies it, with Slack's fields and content type", async () => {
    const sent = await slack().command('start canary-rollout', { user: 'U0BOB' });
    expect(sent.status).toBe(200);
    const [request] = recorder.requests;
    expect(request?.path).toBe('/slack/events');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(() => verify(request!)).not.toThrow();
    expect(() => verify(request!, 'another-secret')).toThrow(/signature mismatch/);
    expect(Object.fromEntries(new URLSearchParams(request!.body))).toMatchObject({
      team_id: 'T0TEST',
      team_domain: 'deploy-test',
      channel_id: CHANNEL,
      channel_name: 'deploy-room',
      user_id: 'U0BOB',
      user_name: 'bob',
      command: '/deploy',
      text: 'start canary-rollout',
      api_app_id: FakeWorkspace.appId,
      is_enterprise_install: 'false',
      response_url: sent.responseUrl,
      trigger_id: sent.triggerId,
    });
    // The trigger is registered with the fake: it opens exactly one modal.
    const view = { type: 'modal', title: pt('Hi'), blocks: [section('hello')] };
    await web.apiCall('views.open', { trigger_id: sent.triggerId, view });
    expect((await slackError(web.apiCall('views.open', { trigger_id: sent.triggerId, view }))).error).toBe('trigger_exchanged');
  });

  it('produces signatures Bolt refuses once stale or tampered with', async () => {
    const client = slack();
    const body = 'command=%2Fdeploy&text=status';
    const staleTs = Math.floor(Date.now() / 1000) - 6 * 60;
    await client.sendRaw(body, client.signedHeaders(body, staleTs));
    await client.sendRaw(`${body}x`, client.signedHeaders(body));
    const [stale, tampered] = recorder.requests;
    expect(stale?.headers['x-slack-signature']).toBe(client.sign(body, staleTs));
    expect(() => verify(stale!)).toThrow(/stale/);
    expect(() => verify(tampered!)).toThrow(/signature mismatch/);
  });

  it('clicks a checkbox with the seen selection plus the clicked option', async () => {
    const opts = [option('s1.i1', 'Freeze merges'), option('s1.i2', 'Tag release'), option('s1.i3', 'Notify support')];
    const posted = await post([section('Prep'), actions([checkboxes(opts, { initial_options: [opts[0]] })], { block_id: 'items' })]);
    const ts = tsOf(posted);
    const sent = await slack().clickCheckbox({ user: 'U0CAROL', ts, blockId: 'items', itemValue: 's1.i3', checked: true });
    const request = recorder.requests[0]!;
    expect(() => verify(request)).not.toThrow();
    const payload = payloadOf(request);
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0CAROL', username: 'carol', team_id: 'T0TEST' },
      container: { type: 'message', message_ts: ts, channel_id: CHANNEL, is_ephemeral: false },
      channel: { id: CHANNEL, name: 'deploy-room' },
      message: { ts, bot_id: 'B0BOT' },
      response_url: sent.responseUrl,
      trigger_id: sent.triggerId,
      enterprise: null,
      is_enterprise_install: false,
    });
    const [action] = payload['actions'] as Array<Record<string, any>>;
    expect(action).toMatchObject({ type: 'checkboxes', action_id: 'toggle', block_id: 'items' });
    expect(action?.['selected_options'].map((o: { value: string }) => o.value)).toEqual(['s1.i1', 's1.i3']);
    expect(payload['state'].values.items.toggle.selected_options.map((o: { value: string }) => o.value)).toEqual(['s1.i1', 's1.i3']);

    // The response_url is bound to the clicked message.
    await fetch(sent.responseUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ replace_original: true, text: 'done' }),
    });
    expect(fake.message(CHANNEL, ts)?.text).toBe('done');
  });

  it('clicks on a stale copy of a message with the selection that copy showed', async () => {
    const opts = [option('a'), option('b'), option('c')];
    const posted = await post([actions([checkboxes(opts)], { block_id: 'items' })]);
    const ts = tsOf(posted);
    const stale = fake.message(CHANNEL, ts)!;
    await web.apiCall('chat.update', {
      channel: CHANNEL,
      ts,
      text: 'x',
      blocks: [actions([checkboxes(opts, { initial_options: [opts[0], opts[2]] })], { block_id: 'items' })],
    });
    const client = slack();
    await client.clickCheckbox({ ts, blockId: 'items', itemValue: 'b', checked: true, seenMessage: stale });
    await client.clickCheckbox({ ts, blockId: 'items', itemValue: 'a', checked: false });
    const [fromStale, fromCurrent] = recorder.requests.map(payloadOf);
    const values = (p: Record<string, any> | undefined): string[] => p?.['actions'][0].selected_options.map((o: { value: string }) => o.value);
    expect(values(fromStale)).toEqual(['b']);
    expect(values(fromCurrent)).toEqual(['c']);
    await expect(client.clickCheckbox({ ts, blockId: 'items', itemValue: 'zzz', checked: true })).rejects.toThrow(/no option/);
  });

  it('clicks the button with the given action_id and value, and refuses a missing one', async () => {
    const posted = await post([
      section('Gate', { block_id: 'gate-1' }),
      actions([button('go', 'Go', { value: '7:s1.i1', style: 'primary' }), button('nogo', 'No-Go', { value: '7:s1.i1', style: 'danger' })], {
        block_id: 'g1',
      }),
      actions([button('go', 'Go', { value: '7:s2.i1' })], { block_id: 'g2' }),
    ]);
    const ts = tsOf(posted);
    const client = slack();
    await client.clickButton({ ts, actionId: 'go', value: '7:s2.i1' });
    expect(payloadOf(recorder.requests[0]!)['actions'][0]).toMatchObject({
      type: 'button',
      action_id: 'go',
      block_id: 'g2',
      value: '7:s2.i1',
      text: { type: 'plain_text', text: 'Go' },
    });
    await expect(client.clickButton({ ts, actionId: 'go', value: '7:s9.i9' })).rejects.toThrow(/no button/);
  });

  it('submits a view with its callback_id, private_metadata and values', async () => {
    const trigger = fake.issueTriggerId();
    await web.apiCall('views.open', {
      trigger_id: trigger,
      view: {
        type: 'modal',
        callback_id: 'dd_nogo_modal',
        private_metadata: '7:s1.i1:C0DEPLOY',
        title: pt('No-Go'),
        submit: pt('Send'),
        blocks: [{ type: 'input', block_id: 'reason', label: pt('Why?'), element: { type: 'plain_text_input', action_id: 'text' } }],
      },
    });
    await slack().viewSubmission({ callbackId: 'dd_nogo_modal', privateMetadata: '7:s1.i1:C0DEPLOY', values: { reason: { text: 'error rate' } } });
    const request = recorder.requests[0]!;
    expect(() => verify(request)).not.toThrow();
    expect(payloadOf(request)).toMatchObject({
      type: 'view_submission',
      user: { id: 'U0ALICE' },
      view: {
        id: fake.views[0]?.id,
        callback_id: 'dd_nogo_modal',
        private_metadata: '7:s1.i1:C0DEPLOY',
        state: { values: { reason: { text: { type: 'plain_text_input', value: 'error rate' } } } },
      },
    });
  });
});

describe('a real Bolt app against the fake', () => {
  it("verifies the client's requests and talks to the fake through its own WebClient", async () => {
    const app = new App({
      token: fake.botToken,
      signingSecret: SECRET,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
      logLevel: BoltLogLevel.ERROR,
    });
    const clicked: string[][] = [];
    app.command('/deploy', async ({ ack, command, client, respond }) => {
      await ack();
      const opts = [option('a', 'Alpha'), option('b', 'Bravo')];
      await client.chat.postMessage({
        channel: command.channel_id,
        text: `Run for ${command.text}`,
        blocks: [actions([checkboxes(opts)], { block_id: 'items' })] as SlackBlock[] as never,
      });
      await respond({ text: 'started' });
    });
    app.action('toggle', async ({ ack, body }) => {
      await ack();
      const action = (body as { actions: Array<{ selected_options: Array<{ value: string }> }> }).actions[0]!;
      clicked.push(action.selected_options.map((o) => o.value));
    });
    const server = await app.start(0);
    try {
      const { port } = server.address() as AddressInfo;
      const slackClient = createSlackClient({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SECRET, fake });
      const sent = await slackClient.command('canary');
      expect(sent.status).toBe(200);
      const message = await waitFor(() => fake.findText(CHANNEL, 'Run for canary')[0], { message: 'the run message' });
      await eventually(() => expect(fake.ephemerals.map((e) => e.text)).toEqual(['started']));
      await slackClient.clickCheckbox({ ts: message.ts, blockId: 'items', itemValue: 'b', checked: true });
      await eventually(() => expect(clicked).toEqual([['b']]));

      const forged = await slackClient.sendRaw('command=%2Fdeploy&text=x', {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Slack-Request-Timestamp': String(Math.floor(Date.now() / 1000)),
        'X-Slack-Signature': 'v0=0000',
      });
      expect(forged.status).toBe(401);
    } finally {
      await app.stop();
    }
  });
});

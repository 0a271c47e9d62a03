import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_BOT_TOKEN, startFakeSlack, type FakeSlack } from '../support/fakeSlack.js';

let fake: FakeSlack | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function setUp(scopes?: string[]): Promise<{ fake: FakeSlack; client: WebClient }> {
  fake = await startFakeSlack({ channels: ['C0DEPLOY'], ...(scopes ? { scopes } : {}) });
  return { fake, client: new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } }) };
}

const rawCall = (f: FakeSlack, method: string, body: Record<string, unknown>) =>
  fetch(`${f.apiUrl}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${FAKE_BOT_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) => r.json() as Promise<{ ok: boolean; error?: string; upload_url?: string; file_id?: string; needed?: string }>);

describe('the fake Slack’s file uploads', () => {
  it('takes a files.uploadV2 from the real client into a thread, bytes intact', async () => {
    const { fake: f, client } = await setUp();
    const parent = await client.chat.postMessage({ channel: 'C0DEPLOY', text: 'summary' });
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    await client.files.uploadV2({
      channel_id: 'C0DEPLOY',
      thread_ts: String(parent.ts),
      initial_comment: 'files',
      file_uploads: [
        { file: bytes, filename: 'a.png', title: 'A' },
        { file: Buffer.from('# md'), filename: 'b.md' },
      ],
    });
    expect(f.files.shares).toHaveLength(1);
    expect(f.files.shares[0]).toMatchObject({ channel: 'C0DEPLOY', threadTs: parent.ts, initialComment: 'files' });
    expect(f.files.shares[0]!.files.map((x) => [x.filename, x.title, x.bytes.equals(x.filename === 'a.png' ? bytes : Buffer.from('# md'))])).toEqual([
      ['a.png', 'A', true],
      ['b.md', 'b.md', true],
    ]);
  });

  it('refuses what Slack refuses: no filename or length, a length that does not match, an id never uploaded, a missing channel or thread', async () => {
    const { fake: f } = await setUp();
    expect(await rawCall(f, 'files.getUploadURLExternal', { length: 3 })).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(await rawCall(f, 'files.getUploadURLExternal', { filename: 'x.txt' })).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(await rawCall(f, 'files.getUploadURLExternal', { filename: 'x.txt', length: 0 })).toMatchObject({ ok: false, error: 'invalid_arguments' });

    const never = await rawCall(f, 'files.getUploadURLExternal', { filename: 'never.txt', length: 3 });
    expect(await rawCall(f, 'files.completeUploadExternal', { files: [{ id: never.file_id }], channel_id: 'C0DEPLOY' })).toMatchObject({
      error: 'file_upload_size_mismatch',
    });
    expect(await rawCall(f, 'files.completeUploadExternal', { files: [{ id: 'F0NOPE' }], channel_id: 'C0DEPLOY' })).toMatchObject({
      error: 'file_not_found',
    });

    const short = await rawCall(f, 'files.getUploadURLExternal', { filename: 'short.txt', length: 10 });
    expect((await fetch(short.upload_url!, { method: 'POST', body: 'abc' })).status).toBe(200);
    expect((await fetch(short.upload_url!, { method: 'POST', body: 'abc' })).status).toBe(404);
    expect(await rawCall(f, 'files.completeUploadExternal', { files: [{ id: short.file_id }], channel_id: 'C0DEPLOY' })).toMatchObject({
      error: 'file_upload_size_mismatch',
    });

    const good = await rawCall(f, 'files.getUploadURLExternal', { filename: 'good.txt', length: 3 });
    await fetch(good.upload_url!, { method: 'POST', body: 'abc' });
    expect(await rawCall(f, 'files.completeUploadExternal', { files: [{ id: good.file_id }], channel_id: 'C0NOWHERE' })).toMatchObject({
      error: 'channel_not_found',
    });
    expect(
      await rawCall(f, 'files.completeUploadExternal', { files: [{ id: good.file_id }], channel_id: 'C0DEPLOY', thread_ts: '1.000001' }),
    ).toMatchObject({ error: 'invalid_thread_ts' });
    expect(await rawCall(f, 'files.completeUploadExternal', { files: [{ id: good.file_id }], channel_id: 'C0DEPLOY' })).toMatchObject({ ok: true });
    expect(await rawCall(f, 'files.completeUploadExternal', { files: [{ id: good.file_id }], channel_id: 'C0DEPLOY' })).toMatchObject({
      error: 'file_not_found',
    });
  });

  it('answers missing_scope, naming files:write, to a token installed without it', async () => {
    const { fake: f, client } = await setUp(['commands', 'chat:write']);
    expect(await rawCall(f, 'files.getUploadURLExternal', { filename: 'x.txt', length: 3 })).toMatchObject({
      ok: false,
      error: 'missing_scope',
      needed: 'files:write',
    });
    await expect(client.files.uploadV2({ channel_id: 'C0DEPLOY', file: Buffer.from('abc'), filename: 'x.txt' })).rejects.toMatchObject({
      data: { error: 'missing_scope' },
    });
  });

  it('shares completed files as a reply in the thread, which conversations.replies lists after its parent', async () => {
    const { client } = await setUp();
    const parent = await client.chat.postMessage({ channel: 'C0DEPLOY', text: 'summary' });
    await client.chat.postMessage({ channel: 'C0DEPLOY', thread_ts: String(parent.ts), text: 'a person replied' });
    await client.files.uploadV2({
      channel_id: 'C0DEPLOY',
      thread_ts: String(parent.ts),
      initial_comment: 'the record',
      file_uploads: [{ file: Buffer.from('# md'), filename: 'record.md', title: 'Record' }],
    });
    const thread = await client.conversations.replies({ channel: 'C0DEPLOY', ts: String(parent.ts) });
    expect(thread.messages?.map((m) => [m.text, m.files?.map((f) => [f.name, f.title])])).toEqual([
      ['summary', undefined],
      ['a person replied', undefined],
      ['the record', [['record.md', 'Record']]],
    ]);
    // The share is a reply, not a message of the channel's own.
    const top = await client.conversations.history({ channel: 'C0DEPLOY' });
    expect(top.messages?.map((m) => m.text)).toEqual(['summary']);
  });

  it('refuses conversations.replies for a ts not in the channel, and any history read without a history scope', async () => {
    const { fake: f } = await setUp();
    expect(await rawCall(f, 'conversations.replies', { channel: 'C0DEPLOY', ts: '1.000001' })).toMatchObject({
      ok: false,
      error: 'thread_not_found',
    });
    expect(await rawCall(f, 'conversations.replies', { channel: 'C0DEPLOY' })).toMatchObject({ ok: false, error: 'invalid_arguments' });
    await f.close();
    const { fake: narrow } = await setUp(['commands', 'chat:write', 'files:write']);
    for (const method of ['conversations.replies', 'conversations.history']) {
      expect(await rawCall(narrow, method, { channel: 'C0DEPLOY', ts: '1.000001' })).toMatchObject({
        ok: false,
        error: 'missing_scope',
        needed: 'channels:history',
      });
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunMessageLinks, WORKSPACE_URL_RETRY_MS } from '../../src/slack/runMessageLinks.js';
import { createBackgroundClient } from '../../src/slack/webClients.js';
import { FAKE_BOT_TOKEN, type FakeSlack, FakeWorkspace, startFakeSlack } from '../support/fakeSlack.js';
import { quietLogger } from '../support/quietLogger.js';

const posted = { channelId: 'C0DEPLOY', ts: '1700000000.000100' };
const link = (url: string) => `${url}archives/C0DEPLOY/p1700000000000100`;

describe('links between a run’s messages', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await startFakeSlack();
  });
  afterAll(async () => {
    await fake?.close();
  });

  const links = (perWorkspace: boolean, now: () => number, workspaceUrl: string | null = null) =>
    createRunMessageLinks({
      find: async (_runId, key) => (key === 'unposted' ? { channelId: 'C0DEPLOY', ts: null } : posted),
      identity: { workspaceUrl },
      perWorkspace,
      clientFor: async () => createBackgroundClient(FAKE_BOT_TOKEN, fake.apiUrl, quietLogger),
      logger: quietLogger,
      now,
    });

  it('asks a workspace its URL once (OAuth), sharing the answer between calls made together', async () => {
    const before = fake.callsTo('auth.test').length;
    const linkOf = links(true, () => 0);
    expect(await Promise.all([linkOf(1, 'overview'), linkOf(1, 'phase:p0:1')])).toEqual([link(FakeWorkspace.url), link(FakeWorkspace.url)]);
    expect(await linkOf(2, 'overview')).toBe(link(FakeWorkspace.url));
    expect(await linkOf(1, 'unposted')).toBeNull();
    expect(fake.callsTo('auth.test').length - before).toBe(1);
  });

  it('leaves links out for a minute after a failed ask, then asks again', async () => {
    let now = 0;
    const linkOf = links(true, () => now);
    fake.failNext('auth.test', 1, { error: 'internal_error' });
    const before = fake.callsTo('auth.test').length;
    expect(await linkOf(1, 'overview')).toBeNull();
    now = WORKSPACE_URL_RETRY_MS - 1;
    expect(await linkOf(1, 'overview')).toBeNull();
    now = WORKSPACE_URL_RETRY_MS;
    expect(await linkOf(1, 'overview')).toBe(link(FakeWorkspace.url));
    expect(fake.callsTo('auth.test').length - before).toBe(2);
  });

  it('uses the bot identity’s URL with one token, asking nothing', async () => {
    const before = fake.callsTo('auth.test').length;
    expect(await links(false, () => 0, 'https://single.slack.com/')(1, 'overview')).toBe(link('https://single.slack.com/'));
    expect(await links(false, () => 0)(1, 'overview')).toBeNull();
    expect(fake.callsTo('auth.test').length).toBe(before);
  });
});

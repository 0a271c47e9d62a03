/**
 * Issue 10: posting a run never draws a 429. The bot runs as its own process (dist/main.js)
 * against the strict fake Slack with chat.postMessage limited per channel as Slack limits it
 * (a short burst, then about one a second); every example checklist is started, and the fake
 * must answer no call with 429.
 */
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { botProcessPerTest } from '../support/botProcessPerTest.js';
import type { FakeSlack } from '../support/fakeSlack.js';
import { sharedSamplesDir } from '../support/sharedSamples.js';
import { REPO_ROOT } from '../support/startBot.js';
import { waitFor } from '../support/waitFor.js';

/** Slack's chat.postMessage limit as the strict fake models it: 1/s per channel with bursts of 3. */
const POST_LIMIT = { perSecond: 3, perMinute: 60, perChannel: true };

function runPosts(fake: FakeSlack, channel: string): number {
  return fake.messages(channel).filter((m) => m.metadata?.event_type === 'deployday_message').length;
}

describe('posting a run (issue 10)', () => {
  const open = botProcessPerTest();

  it('starts every example checklist without a single 429 from Slack, the overview first in each channel', async () => {
    const bed = await open({ fakeSlack: { rateLimits: { 'chat.postMessage': POST_LIMIT } } });
    const { fake, dir } = bed;
    const sources = [join(REPO_ROOT, 'checklists'), sharedSamplesDir()];
    const names: string[] = [];
    for (const source of sources) {
      for (const file of readdirSync(source).filter((f) => f.endsWith('.md'))) {
        copyFileSync(join(source, file), join(dir, file));
        names.push(file.replace(/\.md$/, ''));
      }
    }
    expect(names.length).toBeGreaterThanOrEqual(4);
    // The checklists are the copies in the test's folder.
    bed.env['CHECKLISTS_DIR'] = dir;
    await bed.start();
    const slack = bed.slack();
    // Two runs share one channel too: the pace is the channel's, not the run's.
    const channels = names.map((_, i) => `C0PACE${i < 2 ? 0 : i}`);
    for (const [i, name] of names.entries()) {
      const reply = await slack.command(`start ${name} in 2h`, { channel: channels[i]! });
      expect(reply.status).toBe(200);
    }
    // Done when every channel has its run messages and no post has been made for a while.
    const lastPostAt = () => Math.max(0, ...fake.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.at));
    await waitFor(() => new Set(channels).size > 0 && channels.every((c) => runPosts(fake, c) > 1) && Date.now() - lastPostAt() > 3_000, {
      timeoutMs: 90_000,
      intervalMs: 250,
      message: 'the runs were never fully posted',
    });
    const posts = fake.calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts.length).toBeGreaterThan(names.length * 2);
    expect(fake.calls.filter((c) => c.status === 429)).toEqual([]);
    for (const channel of new Set(channels)) {
      const first = fake.messages(channel).find((m) => m.metadata?.event_type === 'deployday_message');
      expect(first?.metadata?.event_payload['key']).toBe('overview');
    }
  }, 120_000);
});

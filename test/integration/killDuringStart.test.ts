import { describe, expect, it } from 'vitest';
import { botProcessPerTest } from '../support/botProcessPerTest.js';
import type { FakeSlack, StoredMessage } from '../support/fakeSlack.js';
import { waitFor } from '../support/waitFor.js';

const CHANNEL = 'C0DEPLOY';
/** Long enough for the kill to land while Slack still holds the post, short enough that Slack then carries it out. */
const SLOW_POST_MS = 2_000;
/**
 * How late the bot expects Slack may still carry out a post it got no answer to (20 s in production):
 * longer than the fake holds the post, so the restarted bot finds it in the channel, as it would.
 */
const LATE_LANDING_MS = 4_000;

/** The run's own messages (overview and phase parts) in the channel, by their metadata key. */
function runMessages(fake: FakeSlack): StoredMessage[] {
  return fake.messages(CHANNEL).filter((m) => m.metadata?.event_type === 'deployday_message');
}

describe('kill -9 during /deploy start (issue 16)', () => {
  const open = botProcessPerTest();

  it('posts each run message once after a restart, even the one Slack carried out after the kill, and updates them all in place', async () => {
    const bed = await open({ env: { DEPLOYDAY_LATE_LANDING_MS: String(LATE_LANDING_MS) } });
    const { fake } = bed;
    const bot = await bed.start();
    // The overview goes out at once; Slack is slow with the next two posts, so the kill lands mid-start.
    fake.failNext('chat.postMessage', 1, { delayMs: 0 });
    fake.failNext('chat.postMessage', 2, { delayMs: SLOW_POST_MS });
    const slack = bed.slack();
    expect((await slack.command('start short-day in 2h', { channel: CHANNEL })).status).toBe(200);

    // The overview is in; the next run message's post is held by Slack (status 0: not answered yet): kill the bot while it waits.
    const heldRunMessagePost = () =>
      fake.calls.some(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.status === 0 &&
          (c.args['metadata'] as { event_type?: string } | undefined)?.event_type === 'deployday_message',
      );
    await waitFor(() => runMessages(fake).length === 1 && heldRunMessagePost(), { timeoutMs: 10_000, intervalMs: 5 });
    await bot.kill9();
    expect(runMessages(fake)).toHaveLength(1);
    // Slack still carries the held post out, as it may after a client is gone.
    await waitFor(() => runMessages(fake).length >= 2, { timeoutMs: SLOW_POST_MS + 5_000 });

    await bed.start();
    const keyOf = (m: StoredMessage) => String(m.metadata!.event_payload['key']);
    const expected = ['overview', 'phase:p0:1', 'phase:p1:1', 'phase:p2:1'];
    // A post left in doubt is looked for only once Slack could no longer carry it out (the 5 s timeout and LATE_LANDING_MS).
    await waitFor(() => runMessages(fake).length >= expected.length, { timeoutMs: 60_000, intervalMs: 100 });
    const orphan = runMessages(fake)[1]!;
    await waitFor(() => orphan.history.some((v) => v.via === 'chat.update'), {
      timeoutMs: 10_000,
      message: 'the post Slack carried out after the kill was never updated',
    });

    // A slip changes every message: each is updated where it stands, none posted again.
    const versions = new Map(runMessages(fake).map((m) => [m.ts, m.history.length]));
    const restarted = bed.slack();
    expect((await restarted.command('slip 10m', { channel: CHANNEL })).status).toBe(200);
    await waitFor(() => runMessages(fake).every((m) => m.history.length > versions.get(m.ts)!), {
      timeoutMs: 10_000,
      message: 'not every run message was updated after the slip',
    });
    expect(runMessages(fake).map(keyOf)).toEqual(expected);
    expect(
      fake.calls.filter(
        (c) => c.method === 'chat.postMessage' && (c.args['metadata'] as { event_type?: string } | undefined)?.event_type === 'deployday_message',
      ),
    ).toHaveLength(expected.length);
  }, 90_000);
});

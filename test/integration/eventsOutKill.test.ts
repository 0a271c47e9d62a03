/**
 * Events out across a kill -9: the bot as its own process (dist/main.js) queues a run's events
 * while the webhook receiver is down, is killed, and is started again on the same database once
 * the receiver is back. Every event must arrive, none twice (the receiver counts repeats by id),
 * and PagerDuty must get the rollback's change event once.
 *
 * Needs `npm run build` first and NODE_EXTRA_CA_CERTS=test/fixtures/tls/ca.crt.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { botProcessPerTest } from '../support/botProcessPerTest.js';
import { assertTestCaTrusted, startFakePagerDuty } from '../support/fakePagerDuty.js';
import { startFakeWebhookReceiver } from '../support/fakeWebhookReceiver.js';
import { REPO_ROOT } from '../support/startBot.js';
import { realDelay, waitFor } from '../support/waitFor.js';
import { prepared } from '../../src/store/db.js';
import { openTestDatabase } from '../support/testDatabase.js';

const ROUTING_KEY = 'Rk7EventsOutKill00000Integration';
const SECRET = 'kill-test-webhook-secret-42';

const open = botProcessPerTest();
beforeAll(assertTestCaTrusted);

describe('events out survive kill -9', () => {
  it('delivers every queued event once after the bot is killed -9 while the receiver is down', async () => {
    const receiver = await startFakeWebhookReceiver(SECRET);
    const pd = await startFakePagerDuty({ routingKey: ROUTING_KEY });
    try {
      const bed = await open({
        env: {
          DEPLOYDAY_WEBHOOK_URL: receiver.url,
          DEPLOYDAY_WEBHOOK_SECRET: SECRET,
          PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
          PAGERDUTY_EVENTS_URL: pd.eventsUrl,
          NODE_EXTRA_CA_CERTS: join(REPO_ROOT, 'test', 'fixtures', 'tls', 'ca.crt'),
        },
      });
      await receiver.setDown(true);
      await bed.start();
      expect((await bed.slack().command('start short-day in 2h')).status).toBe(200);
      expect((await bed.slack().command('rollback the new build drops requests')).status).toBe(200);
      expect((await bed.slack().command('abort rolled back by hand')).status).toBe(200);

      const deliveries = async () => {
        const db = await openTestDatabase(bed.databasePath!);
        try {
          return (await prepared(db, 'SELECT event_id, destination, status, attempts FROM events_outbox ORDER BY id').all()) as Array<{
            event_id: string;
            destination: string;
            status: string;
            attempts: number;
          }>;
        } finally {
          await db.close();
        }
      };
      // At least one failed attempt at the receiver before the kill, so the retry state is on disk.
      await waitFor(async () => (await deliveries()).some((d) => d.destination.startsWith('webhook:') && d.attempts >= 1 && d.status === 'pending'), {
        timeoutMs: 10_000,
        message: 'a failed attempt recorded',
      });
      // PagerDuty is up: its change event is sent and recorded before the kill, so the kill never lands
      // between its send and its record (a change event has no dedup key at PagerDuty: such a kill
      // would re-send it once, the documented at-least-once edge).
      await waitFor(async () => (await deliveries()).some((d) => !d.destination.startsWith('webhook:') && d.status === 'sent'), {
        timeoutMs: 10_000,
        message: 'the change event recorded as sent',
      });
      await bed.bot!.kill9();

      await receiver.setDown(false);
      await bed.start();
      const expected = ['page.sent', 'rollback.declared', 'run.finished', 'run.started'];
      await waitFor(() => receiver.events.length >= expected.length, { timeoutMs: 20_000, message: 'events delivered after the restart' });
      await waitFor(() => pd.changes.length >= 1, { timeoutMs: 10_000, message: 'change event delivered' });
      await realDelay(1_500);

      expect(receiver.events.map((e) => e.type).sort()).toEqual(expected);
      expect(new Set(receiver.events.map((e) => e.id)).size).toBe(expected.length);
      expect(receiver.duplicates).toBe(0);
      expect(receiver.forged).toBe(0);
      expect(pd.changes.map((c) => c.summary)).toEqual([
        expect.stringMatching(/^deployday run #1 \(short-day\): rollback declared \(the new build drops requests\)$/),
      ]);
      expect((await deliveries()).every((d) => d.status === 'sent')).toBe(true);
      expect(bed.bot!.output()).not.toContain(SECRET);
      expect(bed.bot!.output()).not.toContain(ROUTING_KEY);
    } finally {
      await receiver.close();
      await pd.close();
    }
  });
});

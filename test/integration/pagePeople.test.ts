/**
 * Issue 10: every page of a run carries the checklist's escalation path and who its rota has on
 * shift, so the responder knows whom to call next without opening the checklist.
 *
 * Needs NODE_EXTRA_CA_CERTS=test/fixtures/tls/ca.crt (Node reads it only at start).
 */
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertTestCaTrusted, startFakePagerDuty } from '../support/fakePagerDuty.js';
import { startFakeSlack } from '../support/fakeSlack.js';
import { REPO_ROOT, startBot } from '../support/startBot.js';
import { eventually } from '../support/waitFor.js';
import { ackText, startRun } from './checklistHarness.js';

const ROUTING_KEY = 'Rk7PeopleOnPage00Integration42xy';

let cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});
beforeAll(() => assertTestCaTrusted());

describe('a page names the checklist’s people', () => {
  it('carries the escalation path and the shift on now in custom_details', async () => {
    const fake = await startFakeSlack();
    cleanups.push(() => fake.close());
    const pd = await startFakePagerDuty({ routingKey: ROUTING_KEY });
    cleanups.push(() => pd.close());
    // 2026-12-02 15:30 UTC at the start of the test: the rota's evening shift.
    const offset = Date.parse('2026-12-02T15:30:00Z') - Date.now();
    const bot = await startBot({
      fake,
      checklistsDir: join(REPO_ROOT, 'test', 'fixtures', 'people'),
      env: { PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: pd.eventsUrl },
      clock: { now: () => Date.now() + offset },
      pagerBackoff: { baseMs: 50, maxMs: 200, jitter: 0 },
      pagerIntervalMs: 100,
    });
    cleanups.push(() => bot.stop().catch(() => undefined));
    await startRun({ fake, bot, db: bot.bot.db, close: async () => undefined }, 'people-day');

    ackText(await bot.slack.command('page ledger balances drifting'));
    const event = await eventually(() => expect(pd.requests.filter((r) => r.path === '/v2/enqueue')).toHaveLength(1)).then(
      () => JSON.parse(pd.requests.find((r) => r.path === '/v2/enqueue')!.body) as { payload: { custom_details: Record<string, unknown> } },
    );
    expect(event.payload.custom_details).toMatchObject({
      escalation_path: [
        '1. First line: Support engineer on shift',
        '2. Second line: Platform lead <plat-lead@ledger.test>',
        '3. Third line: Head of platform',
      ],
      on_shift: ['Evening 2PM-10PM (UTC): Zoë Lindqvist'],
    });
  });
});

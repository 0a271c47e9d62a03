import { it } from 'vitest';
import { startHarness, startRun, headerOf, BOB, ALICE } from './checklistHarness.js';

it('explore', async () => {
  const h = await startHarness();
  await startRun(h);
  await h.bot.slack.command('abort changed my mind', { user: BOB });
  await h.bot.slack.command('abort vendor outage', { user: ALICE });
  await h.bot.bot.sync.idle();
  for (const m of h.fake.messages('C0DEPLOY')) console.log(m.ts, headerOf(m), m.text.slice(0, 100));
  await h.close();
});

/**
 * Running a markdown checklist in Slack, end to end: signed HTTP requests into the real Bolt app,
 * the bot's Web API calls into the strict fake Slack, and the run's state read back from SQLite.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { allSections } from '../../src/domain/checklist.js';
import { TRANSPORTS, tempDir } from '../support/startBot.js';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack.js';
import { eventually } from '../support/waitFor.js';
import {
  ALICE,
  BOB,
  CHANNEL,
  ackText,
  auditRows,
  checkboxOf,
  clickItem,
  headerOf,
  holdableClock,
  isTicked,
  itemRow,
  optionsIn,
  runStatus,
  harnessPerTest,
  startHarness,
  startRun,
  updatesOf,
} from './checklistHarness.js';
import { prepared } from '../../src/store/db.js';

// Every scenario here runs over both transports, HTTP and Socket Mode. The body of this
// describe.each is left at its old indentation so the change stays a few lines for the merge.
describe.each(TRANSPORTS)('over %s', (transport) => {
  const open = harnessPerTest(transport);
  const cleanups: Array<() => Promise<void> | void> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  describe('starting a run', () => {
    it('acks the start ephemerally, then posts the overview and one message per phase in checklist order', async () => {
      const h = await open();
      const response = await h.bot.slack.command('start small-release');
      const text = ackText(response);
      expect(text).toMatch(/Started run \*#1\* of `small-release`/);

      await h.bot.bot.sync.idle();
      const runPosts = h.fake
        .callsTo('chat.postMessage')
        .filter((c) => (c.args['metadata'] as { event_type?: string } | undefined)?.event_type === 'deployday_message');
      expect(runPosts).toHaveLength(6);
      expect(runPosts.every((c) => c.ok && c.args['channel'] === CHANNEL)).toBe(true);
      // The rollback phase is posted too, on standby until a rollback is declared (issue 10).
      expect(
        h.fake
          .messages(CHANNEL)
          .map(headerOf)
          .filter((t) => t !== ''),
      ).toEqual(['#1 · Small Release', '#1 · Before (T-1 hour)', '#1 · Go', '#1 · After', '#1 · Rollback', '#1 · Sign-offs']);
    });

    it('posts no reminder above the checklist it is about, even when one is due at the start', async () => {
      const time = holdableClock();
      const h = await open({ clock: time.clock });
      // Held still, the run's T-0 and its reminder plan read the same instant: "Go" opens exactly at
      // T-0, so its "open now" is due at once, racing the checklist's messages. ("Before (T-1 hour)"
      // closed at that same instant: missed at start, it gets no nudge at all, issue 9.)
      time.hold();
      ackText(await h.bot.slack.command('start small-release'));
      time.release();

      const goOpen = () => h.fake.findText(CHANNEL, 'is open now').filter((m) => m.text.includes('*Go*'));
      await eventually(() => expect(goOpen()).toHaveLength(1), { timeoutMs: 4_000 });
      const messages = h.fake.messages(CHANNEL);
      expect(messages.slice(0, 6).map(headerOf)).toEqual([
        '#1 · Small Release',
        '#1 · Before (T-1 hour)',
        '#1 · Go',
        '#1 · After',
        '#1 · Rollback',
        '#1 · Sign-offs',
      ]);
      // Posted after its phase message, the reminder can link to it.
      const go = messages[2]!;
      expect(goOpen()[0]!.text).toContain(`p${go.ts.replace('.', '')}`);
      expect(h.fake.findText(CHANNEL, 'is overdue')).toEqual([]);
    });

    it('shows every item of the posted phases by its own text, and a pre-ticked item as done', async () => {
      const h = await open();
      const { runId } = await startRun(h);
      const checklist = (await h.bot.bot.runs.requireRun(runId)).checklist;
      const messages = h.fake.messages(CHANNEL).slice(1);
      const posted = allSections(checklist).filter(({ phase }) => phase.kind !== 'rollback');
      const items = posted.flatMap(({ section }) => section.items);
      expect(items.length).toBeGreaterThanOrEqual(9);

      for (const item of items) {
        const asOption = messages.flatMap(optionsIn).find((o) => o.value === item.id);
        const asBlock = messages.flatMap((m) => m.blocks).find((b) => b.block_id === `dd_item:${runId}:${item.id}`);
        const shown = asOption?.text ?? (asBlock as { text?: { text?: string } } | undefined)?.text?.text ?? '';
        expect(shown, `item ${item.id} “${item.text}”`).toContain(item.text);
      }

      const signed = checkboxOf(h.fake, 's0.i2');
      expect(optionsIn(signed.message).find((o) => o.value === 's0.i2')?.text).toBe('Build artefact signed');
      expect(isTicked(h.fake, 's0.i2')).toBe(true);
      expect(isTicked(h.fake, 's0.i0')).toBe(false);
    });
  });

  describe('ticking items', () => {
    it('records who ticked an item and when, and updates the same message to show it', async () => {
      const h = await open();
      const { runId } = await startRun(h);
      const { ts } = checkboxOf(h.fake, 's0.i0');
      // Checklist messages only: a reminder due at the start may be posted at any moment meanwhile.
      const checklistPosts = () =>
        h.fake
          .callsTo('chat.postMessage')
          .filter((c) => (c.args['metadata'] as { event_type?: string } | undefined)?.event_type !== 'deployday_reminder').length;
      const postsBefore = checklistPosts();

      const before = Date.now();
      const click = await clickItem(h, 's0.i0', { user: BOB });
      const after = Date.now();
      expect(click.status).toBe(200);

      const row = await itemRow(h.db, runId, 's0.i0');
      expect(row).toMatchObject({ done: 1, done_by: BOB });
      expect(row!.done_at).toBeGreaterThanOrEqual(before);
      expect(row!.done_at).toBeLessThanOrEqual(after);
      expect(await auditRows(h.db, runId, 'item.tick')).toEqual([
        expect.objectContaining({ actor: BOB, target: 's0.i0', detail: expect.objectContaining({ text: 'Announce the window in #releases' }) }),
      ]);

      await h.bot.bot.sync.idle();
      expect(isTicked(h.fake, 's0.i0')).toBe(true);
      const option = optionsIn(h.fake.message(CHANNEL, ts)!).find((o) => o.value === 's0.i0');
      expect(option?.description).toContain(`<@${BOB}>`);
      expect(h.fake.message(CHANNEL, ts)!.history.at(-1)?.via).toBe('chat.update');
      expect(h.fake.messages(CHANNEL)[0]!.text).toContain('2 done · 0 waived · 7 open');
      expect(checklistPosts()).toBe(postsBefore);
    });

    it('marks an item with a Done button done, and its Undo button undoes it', async () => {
      const h = await open();
      const { runId } = await startRun(h);
      // "After" opens once the Go/No-Go gate passes; the lead (an approver in this checklist) passes it once the canary is done.
      expect((await clickItem(h, 's1.i0', { user: ALICE })).status).toBe(200);
      const goTs = checkboxOf(h.fake, 's1.i0').ts;
      expect((await h.bot.slack.clickButton({ ts: goTs, actionId: 'dd_gate_go', user: ALICE })).status).toBe(200);
      expect(await itemRow(h.db, runId, 's1.i1')).toMatchObject({ done: 1, done_by: ALICE });
      await h.bot.bot.sync.idle();

      const watch = h.fake.messages(CHANNEL).find((m) => m.blocks.some((b) => b.block_id === `dd_item:${runId}:s2.i1`))!;
      const value = `${runId}:s2.i1`;
      expect((await h.bot.slack.clickButton({ ts: watch.ts, actionId: 'dd_item_button', value, user: BOB })).status).toBe(200);
      expect(await itemRow(h.db, runId, 's2.i1')).toMatchObject({ done: 1, done_by: BOB });
      await h.bot.bot.sync.idle();
      type ItemSection = { text: { text: string }; accessory: { text: { text: string } } };
      const block = (): ItemSection =>
        h.fake.message(CHANNEL, watch.ts)!.blocks.find((b) => b.block_id === `dd_item:${runId}:s2.i1`) as unknown as ItemSection;
      expect(block().text.text).toContain(`<@${BOB}>`);
      expect(block().accessory.text.text).toBe('Undo');

      expect((await h.bot.slack.clickButton({ ts: watch.ts, actionId: 'dd_item_button', value, user: BOB })).status).toBe(200);
      expect(await itemRow(h.db, runId, 's2.i1')).toMatchObject({ done: 0, done_by: null });
      expect((await auditRows(h.db, runId)).filter((a) => a.target === 's2.i1').map((a) => a.action)).toEqual(['item.tick', 'item.untick']);
      await h.bot.bot.sync.idle();
      expect(block().accessory.text.text).toBe('Done');
    });

    it('records an untick and clears who had completed the item', async () => {
      const h = await open();
      const { runId } = await startRun(h);
      await clickItem(h, 's0.i0', { user: ALICE });
      await h.bot.bot.sync.idle();
      expect(isTicked(h.fake, 's0.i0')).toBe(true);

      const untick = await clickItem(h, 's0.i0', { user: BOB, checked: false });
      expect(untick.status).toBe(200);
      expect(await itemRow(h.db, runId, 's0.i0')).toMatchObject({ done: 0, done_by: null, done_at: null });
      expect(await auditRows(h.db, runId, 'item.untick')).toEqual([expect.objectContaining({ actor: BOB, target: 's0.i0' })]);
      await h.bot.bot.sync.idle();
      expect(isTicked(h.fake, 's0.i0')).toBe(false);
    });
  });

  describe('restarting the bot', () => {
    it('keeps the run in the database file and goes on updating the same messages', async () => {
      const fake: FakeSlack = await startFakeSlack();
      cleanups.push(() => fake.close());
      const temp = tempDir();
      cleanups.push(temp.remove);
      const databasePath = `${temp.dir}/deployday.sqlite`;

      const first = await startHarness({ fake, databasePath, transport });
      cleanups.push(() => first.bot.stop().catch(() => undefined));
      const { runId } = await startRun(first);
      const tsBefore = channelTs(fake);
      await clickItem(first, 's0.i0', { user: BOB });
      // Stopped at once: the click is in the database, its message update may not have been sent.
      await first.bot.stop();

      const postsBefore = fake.callsTo('chat.postMessage').length;
      const second = await startHarness({ fake, databasePath, transport });
      cleanups.push(() => second.bot.stop().catch(() => undefined));
      expect(await itemRow(second.db, runId, 's0.i0')).toMatchObject({ done: 1, done_by: BOB });
      await eventually(() => expect(isTicked(fake, 's0.i0')).toBe(true));

      const status = ackText(await second.bot.slack.command('status'));
      expect(status).toContain(`#${runId} · Small Release`);
      expect(status).toContain('2 done · 0 waived · 7 open');

      const { ts } = checkboxOf(fake, 's0.i1');
      await second.bot.bot.sync.idle();
      const updates = updatesOf(fake, ts);
      expect((await clickItem(second, 's0.i1', { user: ALICE })).status).toBe(200);
      await eventually(() => expect(isTicked(fake, 's0.i1')).toBe(true));
      await second.bot.bot.sync.idle();
      expect(updatesOf(fake, ts)).toBeGreaterThan(updates);
      expect(isTicked(fake, 's0.i0')).toBe(true);
      const runPosts = fake
        .callsTo('chat.postMessage')
        .slice(postsBefore)
        .filter((c) => (c.args['metadata'] as { event_type?: string } | undefined)?.event_type === 'deployday_message');
      expect(runPosts).toEqual([]);
      expect(channelTs(fake).slice(0, tsBefore.length)).toEqual(tsBefore);
    });
  });

  /** The ts of every message in the channel, in order. */
  function channelTs(fake: FakeSlack): string[] {
    return fake.messages(CHANNEL).map((m) => m.ts);
  }

  describe('commands that describe and end a run', () => {
    it('lists every subcommand in /deploy help', async () => {
      const h = await open();
      const text = ackText(await h.bot.slack.command('help'));
      const subcommands = [
        'help',
        'checklists',
        'start',
        'status',
        'schedule',
        'runs',
        'slip',
        'reschedule',
        'role',
        'roles',
        'rollback',
        'finish',
        'abort',
        'page',
        'oncall',
        'export',
        'ref',
      ];
      for (const sub of subcommands) expect(text, sub).toContain(`\`/deploy ${sub}`);
    });

    it('lists the checklists and marks a broken one with the line of its first error', async () => {
      const h = await open();
      const text = ackText(await h.bot.slack.command('checklists'));
      expect(text).toMatch(/• `small-release` — Small Release/);
      expect(text).toMatch(/• `broken` ⚠️ cannot start: line \d+: /);
      expect(text).not.toMatch(/`broken` — /);
    });

    it('lists the channel’s runs, newest first', async () => {
      const h = await open();
      expect(ackText(await h.bot.slack.command('runs'))).toBe('_No runs yet._');
      await startRun(h);
      await startRun(h, 'big-phase');
      const text = ackText(await h.bot.slack.command('runs'));
      expect(text.indexOf('*#2* Big Phase')).toBeGreaterThan(-1);
      expect(text.indexOf('*#1* Small Release')).toBeGreaterThan(text.indexOf('*#2* Big Phase'));
    });

    it('lets the lead abort a run and refuses anyone else', async () => {
      const h = await open();
      const { runId } = await startRun(h, 'small-release', ALICE);

      const refused = ackText(await h.bot.slack.command('abort changed my mind', { user: BOB }));
      expect(refused).toMatch(/Only the lead or an approver/);
      expect(await runStatus(h.db, runId)).toBe('active');
      expect(await auditRows(h.db, runId, 'denied')).toEqual([
        expect.objectContaining({ actor: BOB, detail: expect.objectContaining({ attempted: 'run.abort' }) }),
      ]);

      const done = ackText(await h.bot.slack.command('abort vendor outage', { user: ALICE }));
      expect(done).toContain(`Run #${runId} aborted`);
      expect(await runStatus(h.db, runId)).toBe('aborted');
      expect(await auditRows(h.db, runId, 'run.abort')).toEqual([expect.objectContaining({ actor: ALICE, detail: { reason: 'vendor outage' } })]);
      await h.bot.bot.sync.idle();
      const overview = h.fake.messages(CHANNEL).find((m) => headerOf(m) === '#1 · Small Release');
      expect(overview?.text).toContain('aborted');
      await eventually(() => expect(h.fake.findText(CHANNEL, `aborted by <@${ALICE}>: vendor outage`)).toHaveLength(1), { timeoutMs: 4_000 });
    });

    it('refuses to finish while items are open, and finishes with every open item waived and audited', async () => {
      const h = await open();
      const { runId } = await startRun(h);
      await clickItem(h, 's0.i0');

      const refused = ackText(await h.bot.slack.command('finish'));
      expect(refused).toMatch(/items are still open/);
      expect(await runStatus(h.db, runId)).toBe('active');

      // The undecided Go/No-Go is waived on its own, as a gate waiver (issue 9); then the items.
      expect(ackText(await h.bot.slack.command('finish waive rehearsal only'))).toMatch(/Go\/No-Go decision recorded/);
      expect(ackText(await h.bot.slack.command('waive gate rehearsal only'))).toMatch(/waived/);
      expect(await auditRows(h.db, runId, 'gate.waive')).toEqual([expect.objectContaining({ actor: ALICE, target: 's1.i1' })]);
      const finished = ackText(await h.bot.slack.command('finish waive rehearsal only'));
      expect(finished).toContain(`Run #${runId} finished: completed`);
      expect(await runStatus(h.db, runId)).toBe('completed');
      const waivers = await auditRows(h.db, runId, 'item.waive');
      // 9 items count (the rollback phase is held), 2 were done: the template's and s0.i0; the gate was waived as a gate.
      expect(waivers).toHaveLength(6);
      expect(waivers.map((w) => w.target)).not.toContain('s0.i0');
      expect(waivers.map((w) => w.target)).not.toContain('s0.i2');
      expect(waivers.every((w) => w.actor === ALICE && w.detail?.['reason'] === 'rehearsal only')).toBe(true);
      expect(await itemRow(h.db, runId, 's0.i1')).toMatchObject({ done: 0, waived_reason: 'rehearsal only' });
      expect(await auditRows(h.db, runId, 'run.complete')).toHaveLength(1);
    });
  });

  describe('the audit trail', () => {
    it('refuses to update or delete an audit row', async () => {
      const h = await open();
      const { runId } = await startRun(h);
      const rows = await auditRows(h.db, runId);
      expect(rows.length).toBeGreaterThan(0);
      await expect(prepared(h.db, 'UPDATE audit SET actor = ? WHERE run_id = ?').run('U0MALLORY', runId)).rejects.toThrow(/append-only/);
      await expect(prepared(h.db, 'DELETE FROM audit WHERE run_id = ?').run(runId)).rejects.toThrow(/append-only/);
      expect(await auditRows(h.db, runId)).toEqual(rows);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { tempDir } from '../support/startBot.js';
import { startFakeSlack, type StoredMessage } from '../support/fakeSlack.js';
import {
  ackText,
  ALICE,
  auditRows,
  CHANNEL,
  checkboxOf,
  clickItem,
  harnessPerTest,
  headerOf,
  itemRow,
  startHarness,
  type Harness,
} from './checklistHarness.js';
import { startRun } from './checklistHarness.js';
import { prepared } from '../../src/store/db.js';
import { openTestDatabase } from '../support/testDatabase.js';

const open = harnessPerTest();

/** Every text in a message (section texts, context elements), joined. */
function textOf(message: StoredMessage): string {
  const parts: string[] = [message.text];
  for (const block of message.blocks) {
    const text = (block as { text?: { text?: string } }).text?.text;
    if (text) parts.push(text);
    for (const el of (block as { elements?: Array<{ text?: string }> }).elements ?? []) if (typeof el.text === 'string') parts.push(el.text);
  }
  return parts.join('\n');
}

/** A run with a tick, a Go, a slip, then finished with the rest waived. */
async function playAndFinish(h: Harness): Promise<number> {
  const { runId } = await startRun(h);
  expect((await clickItem(h, 's0.i0', { user: ALICE })).status).toBe(200);
  expect((await clickItem(h, 's0.i1', { user: ALICE })).status).toBe(200);
  expect((await clickItem(h, 's1.i0', { user: ALICE })).status).toBe(200);
  const goTs = checkboxOf(h.fake, 's1.i0').ts;
  expect((await h.bot.slack.clickButton({ ts: goTs, actionId: 'dd_gate_go', user: ALICE })).status).toBe(200);
  ackText(await h.bot.slack.command('slip 15m', { user: ALICE }));
  expect(ackText(await h.bot.slack.command('finish waive verified in staging', { user: ALICE }))).toContain('finished');
  await h.bot.bot.reporting.reportJob.idle();
  await h.bot.bot.sync.idle();
  return runId;
}

function summaryOf(h: Harness, runId: number): StoredMessage {
  const summary = h.fake.messages(CHANNEL).find((m) => headerOf(m).startsWith(`Run #${runId} report`));
  if (!summary) throw new Error('no summary message in the channel');
  return summary;
}

describe('the report a run leaves when it ends', () => {
  it('posts a summary whose figures match the audit rows, with the timeline and the record in its thread', async () => {
    const h = await open();
    const runId = await playAndFinish(h);
    const summary = summaryOf(h, runId);
    const text = textOf(summary);

    const waives = await auditRows(h.db, runId, 'item.waive');
    const doneRows = (await prepared(h.db, 'SELECT COUNT(*) AS n FROM item_states WHERE run_id = ? AND done = 1').get(runId)) as { n: number };
    // The template's [x] item is done without a row; the summary counts it as done too.
    const templateDone = 1;
    const all = await auditRows(h.db, runId);
    expect(text).toContain(`*Items:* ${doneRows.n + templateDone} done, ${waives.length} waived, of`);
    expect(text).toContain(`${all.length} audit rows`);
    expect(waives.length).toBeGreaterThan(0);
    for (const w of waives) expect(text).toContain(String(w.detail?.['text']));
    expect(text).toContain('_verified in staging_');
    const go = await auditRows(h.db, runId, 'gate.go');
    expect(go).toHaveLength(1);
    expect(text).toMatch(new RegExp(`✅ Go\\*: <@${ALICE}> Go`));
    const slips = await auditRows(h.db, runId, 'run.reschedule');
    expect(text.match(/• Slip \+15 min by/g)).toHaveLength(slips.length);
    expect(text).toContain('*Outcome:* ✅ completed');
    expect((await itemRow(h.db, runId, 's0.i0'))?.done).toBe(1);

    expect(h.fake.callsTo('files.getUploadURLExternal').map((c) => c.ok)).toEqual([true, true, true]);
    expect(h.fake.callsTo('files.completeUploadExternal').map((c) => c.ok)).toEqual([true]);
    expect(h.fake.files.shares).toHaveLength(1);
    const share = h.fake.files.shares[0]!;
    expect(share).toMatchObject({ channel: CHANNEL, threadTs: summary.ts });
    expect(share.files.map((f) => f.filename)).toEqual([
      `run-${runId}-small-release-timeline.png`,
      `run-${runId}-small-release-record.md`,
      `run-${runId}-small-release-record.html`,
    ]);
    const png = PNG.sync.read(share.files[0]!.bytes);
    expect(png.width).toBeGreaterThan(1000);
    const markdown = share.files[1]!.bytes.toString('utf8');
    expect(markdown).toContain(`## Audit trail (${all.length} rows)`);
    expect(markdown.split('\n').filter((l) => /^\| \d+ \| /.test(l))).toHaveLength(all.length);
    expect(share.files[2]!.bytes.toString('utf8')).toContain('<table id="audit">');
    expect(await prepared(h.db, 'SELECT status, summary_ts FROM run_reports WHERE run_id = ?').get(runId)).toEqual({
      status: 'posted',
      summary_ts: summary.ts,
    });
  });

  it('still posts the summary without files:write, and says in its thread which scope to add', async () => {
    const fake = await startFakeSlack({ scopes: ['commands', 'chat:write', 'chat:write.public'] });
    const h = await open({ fake });
    const runId = await playAndFinish(h);
    const summary = summaryOf(h, runId);
    expect(h.fake.callsTo('files.getUploadURLExternal').map((c) => c.error)).toContain('missing_scope');
    expect(h.fake.files.shares).toHaveLength(0);
    const note = h.fake.messages(CHANNEL).find((m) => m.thread_ts === summary.ts);
    expect(note?.text).toContain('lacks the `files:write` scope');
    expect(note?.text).toContain(`npx deployday export ${runId} --format html`);
    expect(await prepared(h.db, 'SELECT status FROM run_reports WHERE run_id = ?').get(runId)).toEqual({ status: 'posted_without_files' });
  });

  it('reports an aborted run too, once, however often the job is woken', async () => {
    const h = await open();
    const { runId } = await startRun(h);
    ackText(await h.bot.slack.command('abort wrong build', { user: ALICE }));
    await h.bot.bot.reporting.reportJob.idle();
    await h.bot.bot.reporting.reportJob.enqueue(runId);
    await h.bot.bot.reporting.reportJob.idle();
    const summaries = h.fake.messages(CHANNEL).filter((m) => headerOf(m).startsWith(`Run #${runId} report`));
    expect(summaries).toHaveLength(1);
    expect(textOf(summaries[0]!)).toContain('⛔ aborted');
    expect(h.fake.callsTo('files.completeUploadExternal')).toHaveLength(1);
  });
});

describe('a report after a restart', () => {
  it('is posted for a run that ended just before the bot stopped without queuing it, never for an old one', async () => {
    const dir = tempDir();
    const databasePath = join(dir.dir, 'deployday.db');
    const first = await startHarness({ databasePath });
    let recent: number;
    let old: number;
    try {
      old = (await startRun(first)).runId;
      ackText(await first.bot.slack.command(`abort #${old} long ago`, { user: ALICE }));
      recent = (await startRun(first)).runId;
      ackText(await first.bot.slack.command(`abort #${recent} wrong build`, { user: ALICE }));
      await first.bot.bot.reporting.reportJob.idle();
    } finally {
      await first.close();
    }
    // As if the bot had stopped between ending the runs and queuing their reports.
    const db = await openTestDatabase(databasePath);
    await prepared(db, 'DELETE FROM run_reports').run();
    await prepared(db, 'UPDATE runs SET ended_at = ? WHERE id = ?').run(Date.now() - 2 * 86_400_000, old);
    await db.close();
    const second = await startHarness({ databasePath });
    try {
      await second.bot.bot.reporting.reportJob.idle();
      const headers = second.fake.messages(CHANNEL).map(headerOf);
      expect(headers.filter((t) => t.startsWith(`Run #${recent} report`))).toHaveLength(1);
      expect(headers.filter((t) => t.startsWith(`Run #${old} report`))).toHaveLength(0);
    } finally {
      await second.close();
      dir.remove();
    }
  });
});

describe('the forecast’s slip suggestion', () => {
  it('offers the lead the exact slip once per window, and the button slips the run', async () => {
    let offset = 0;
    const h = await open({ clock: { now: () => Date.now() + offset } });
    const { runId } = await startRun(h);
    // "Before (T-1 hour)" closes at T-0, which was the start. 20 min later nothing is ticked: its 2 open
    // items of 3 take 2/3 of its planned hour from now, so it closes 61 min late: slip 65 min.
    offset = 20 * 60_000 + 10_000;
    expect(await h.bot.bot.reporting.forecastJob.check()).toBe(1);
    expect(await h.bot.bot.reporting.forecastJob.check()).toBe(0);
    const offers = h.fake.ephemerals.filter((e) => e.blocks.some((b) => String(b.block_id).startsWith(`dd_slip:${runId}:`)));
    expect(offers).toHaveLength(1);
    expect(offers[0]).toMatchObject({ channel: CHANNEL, user: ALICE });
    expect(offers[0]!.text).toContain('slip 65m');

    const t0Before = ((await prepared(h.db, 'SELECT t0 FROM runs WHERE id = ?').get(runId)) as { t0: number }).t0;
    const seenMessage = { ts: offers[0]!.message_ts, text: offers[0]!.text, blocks: offers[0]!.blocks };
    const click = await h.bot.slack.clickButton({ ts: seenMessage.ts, actionId: 'dd_forecast_slip', user: ALICE, seenMessage });
    expect(click.status).toBe(200);
    const t0After = ((await prepared(h.db, 'SELECT t0 FROM runs WHERE id = ?').get(runId)) as { t0: number }).t0;
    expect(t0After - t0Before).toBe(65 * 60_000);
    expect(await auditRows(h.db, runId, 'run.reschedule')).toEqual([
      expect.objectContaining({ actor: ALICE, detail: expect.objectContaining({ how: 'slipped +65m' }) }),
    ]);
  });

  it('says nothing about a window already done, and reaches a lead who cannot get an ephemeral by DM', async () => {
    let offset = 0;
    const h = await open({ clock: { now: () => Date.now() + offset } });
    const { runId: done } = await startRun(h);
    offset = 20 * 60_000;
    expect((await clickItem(h, 's0.i0', { user: ALICE })).status).toBe(200);
    expect((await clickItem(h, 's0.i1', { user: ALICE })).status).toBe(200);
    expect(await h.bot.bot.reporting.forecastJob.check()).toBe(0);
    ackText(await h.bot.slack.command(`abort #${done} next`, { user: ALICE }));

    const { runId } = await startRun(h);
    offset = 45 * 60_000;
    h.fake.failNext('chat.postEphemeral', 1, { error: 'user_not_in_channel' });
    expect(await h.bot.bot.reporting.forecastJob.check()).toBe(1);
    const dm = h.fake.messages(`D${ALICE.slice(1)}`);
    expect(dm).toHaveLength(1);
    expect(dm[0]!.blocks.some((b) => b.block_id === `dd_slip:${runId}:s0`)).toBe(true);
  });

  it('re-renders the overview as the run falls further behind, though nobody clicks', async () => {
    let offset = 0;
    const h = await open({ clock: { now: () => Date.now() + offset } });
    const { runId } = await startRun(h);
    const overview = () => h.fake.messages(CHANNEL).find((m) => headerOf(m).startsWith(`#${runId} ·`))!;
    expect(textOf(overview())).toContain('*Against plan:* on plan');
    offset = 12 * 60_000;
    await h.bot.bot.reporting.forecastJob.check();
    offset = 31 * 60_000;
    await h.bot.bot.reporting.forecastJob.check();
    await h.bot.bot.sync.idle();
    expect(textOf(overview())).toContain('*Against plan:* ⏱ 31 min behind: Before (T-1 hour) still open');
  });

  it('answers /deploy history with the checklist’s past runs, and status with the forecast', async () => {
    const h = await open();
    const runId = await playAndFinish(h);
    const history = ackText(await h.bot.slack.command('history small-release', { user: ALICE }));
    expect(history).toContain(`*#${runId}*`);
    expect(history).toContain('✅ completed');
    expect(ackText(await h.bot.slack.command('history', { user: ALICE }))).toContain('Usage: `/deploy history <checklist>`');
    await startRun(h);
    expect(ackText(await h.bot.slack.command('status', { user: ALICE }))).toContain('*Against plan:*');
  });
});

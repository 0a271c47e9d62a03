/**
 * Issue 9 — Completion is honest: done, waived (with reason and who), skipped by rollback and open
 * are different states everywhere (overview, status, runs, export); never "100%" when anything was
 * waived. Finishing over an undecided gate needs that gate waived explicitly, with a reason, by
 * someone allowed to decide it, and the audit shows it as a gate waiver.
 *
 * Fixtures: waive-drill.md (4 tasks, no gate), gated-finish.md (a task and a gate decided by the
 * `approver` role only), gate-drill.md (a canary gate, a later phase and a rollback phase).
 *
 * Choices assumed:
 * - Counts are written "<n> done", "<n> waived", "<n> open" (any separator, e.g. "1 done · 3 waived · 0 open"),
 *   plus "<n> skipped" for items a rollback made moot.
 * - An undecided gate is waived with WAIVE_GATE (`/deploy waive gate <reason>`; with several
 *   undecided gates the implementer may add the gate's number). It is audited with an action that
 *   names both "gate" and "waive" (e.g. `gate.waive`), the waiver as actor and the reason in detail.
 * - A refused finish or waiver answers ephemerally and writes an audit row `denied` (or one whose
 *   action mentions "confirm"); the run stays active.
 */
import { describe, expect, it } from 'vitest';
import {
  ALICE,
  BOB,
  CAROL,
  audit,
  gateButton,
  clickButton,
  openWorld,
  overview,
  runRow,
  tick,
  visibleText,
  waitFor,
  type World,
} from './trustWorld.js';
import { sharedSamplesDir } from '../../support/sharedSamples.js';

const WAIVE_GATE = (reason: string) => `waive gate ${reason}`.trim();

async function refusalsOf(w: World, runId: number, user: string) {
  return (await audit(w.db, runId)).filter((a) => a.actor === user && (a.action === 'denied' || /confirm/.test(a.action)));
}

function counts(text: string): { done: number; waived: number; open: number } | null {
  const done = /(\d+)\s+done/i.exec(text);
  const waived = /(\d+)\s+waived/i.exec(text);
  const open = /(\d+)\s+open/i.exec(text);
  return done && waived && open ? { done: Number(done[1]), waived: Number(waived[1]), open: Number(open[1]) } : null;
}

describe('issue 9 · completion is honest', () => {
  it('shows "1 done · 3 waived · 0 open" in the overview, status, runs and export after a finish with waivers, never 100%', async () => {
    const w = await openWorld();
    const { runId } = await w.start('waive-drill');
    await tick(w, runId, 's0.i0');
    await w.say('finish waive we shipped it by hand');
    expect((await runRow(w.db, runId)).status).toBe('completed');
    await w.bot.bot.sync.idle();

    const texts = {
      overview: visibleText(overview(w)),
      status: await w.say(`status #${runId}`),
      runs: await w.say('runs'),
      export: await w.say(`export #${runId}`),
    };
    for (const [where, text] of Object.entries(texts)) {
      expect(text, `${where} never says 100% when items were waived`).not.toMatch(/100\s*%/);
      expect(counts(text), `${where} counts done, waived and open apart`).toEqual({ done: 1, waived: 3, open: 0 });
    }
    // Each waiver says why and who, in the export.
    expect(texts.export).toMatch(/we shipped it by hand/);
    expect(texts.export).toMatch(/alice|U0ALICE/i);
  });

  it('refuses a finish over an undecided gate, even with a waiver reason, with an ephemeral reason naming the gate and a denied audit row', async () => {
    const w = await openWorld();
    const { runId } = await w.start('gated-finish');
    await w.say(`role approver <@${CAROL}>`);
    await tick(w, runId, 's0.i0');

    // Someone with no role at all is refused too (this part is today's behaviour).
    await w.say('finish waive nobody asked me', BOB);
    expect((await runRow(w.db, runId)).status).toBe('active');

    const reply = await w.say('finish waive we shipped it by hand', CAROL);
    expect((await runRow(w.db, runId)).status, 'the undecided gate keeps the run open').toBe('active');
    expect(reply).toMatch(/Go\/No-Go to keep the build/);
    expect((await refusalsOf(w, runId, CAROL)).length).toBeGreaterThanOrEqual(1);
    expect((await audit(w.db, runId)).some((a) => a.action === 'item.waive')).toBe(false);
  });

  it('lets only someone allowed to decide the gate waive it, only with a reason, and audits it as a gate waiver', async () => {
    const w = await openWorld();
    const { runId } = await w.start('gated-finish');
    await w.say(`role approver <@${CAROL}>`);
    await tick(w, runId, 's0.i0');

    // The lead is not an approver of this gate.
    await w.say(WAIVE_GATE('we shipped it by hand'), ALICE);
    expect((await refusalsOf(w, runId, ALICE)).length, 'the lead may not waive a gate they cannot decide').toBeGreaterThanOrEqual(1);
    // No reason: refused.
    await w.say(WAIVE_GATE(''), CAROL);
    expect((await refusalsOf(w, runId, CAROL)).length, 'a waiver needs a reason').toBeGreaterThanOrEqual(1);
    expect((await audit(w.db, runId)).some((a) => /gate/.test(a.action) && /waive/.test(a.action))).toBe(false);

    await w.say(WAIVE_GATE('we shipped it by hand'), CAROL);
    const waiver = (await audit(w.db, runId)).find((a) => /gate/.test(a.action) && /waive/.test(a.action));
    expect(waiver?.actor).toBe(CAROL);
    expect(JSON.stringify(waiver?.detail)).toMatch(/we shipped it by hand/);

    await w.say('finish waive the aftercare is done by hand', CAROL);
    expect((await runRow(w.db, runId)).status).toBe('completed');
    await w.bot.bot.sync.idle();
    const text = visibleText(overview(w));
    expect(counts(text)?.done, 'a waived gate is not counted as done').toBe(1);
  });

  it('asks which gate to waive when several are undecided, waives the one a key names, and never one already decided', async () => {
    const w = await openWorld();
    const { runId } = await w.start('two-gates');
    await w.say(`role approver <@${CAROL}>`);
    const waivers = async () => (await audit(w.db, runId)).filter((a) => a.action === 'gate.waive');

    // A finish names the first undecided gate by its key in the waiver it suggests.
    expect(await w.say('finish waive shipped by hand', CAROL)).toContain('`/deploy waive gate widen-go <reason>`');
    // Naming none: nothing is waived, and the reply lists the undecided gates with their numbers and keys.
    const which = await w.say(WAIVE_GATE('we decided on the call'), CAROL);
    expect(which).toContain('2 undecided gates');
    expect(which).toContain('1. “Go/No-Go to widen” in Canary (T-0), or `widen-go`');
    expect(which).toContain('2. “Go/No-Go to keep the build” in Everyone (T+1 hour), or `go-no-go-to-keep-the-build`');
    // Named without a reason: asked for one, in a command naming that gate again.
    expect(await w.say(WAIVE_GATE('widen-go'), CAROL)).toContain('`/deploy waive gate widen-go <reason>`');
    expect(await waivers()).toEqual([]);
    expect((await refusalsOf(w, runId, CAROL)).length).toBeGreaterThanOrEqual(3);

    // The later gate, by its key: the first stays undecided.
    expect(await w.say(WAIVE_GATE('go-no-go-to-keep-the-build kept on the call'), CAROL)).toMatch(
      /Gate “Go\/No-Go to keep the build” \(Everyone \(T\+1 hour\)\) waived/,
    );
    expect((await waivers()).map((a) => [a.detail?.text, a.detail?.reason])).toEqual([['Go/No-Go to keep the build', 'kept on the call']]);
    // One left: no key needed. Then a key naming a waived gate is refused, changing nothing.
    expect(await w.say(WAIVE_GATE('widened on the call'), CAROL)).toMatch(/Gate “Go\/No-Go to widen” \(Canary \(T-0\)\) waived/);
    expect(await w.say(WAIVE_GATE('widen-go once more'), CAROL)).toMatch(/already decided or waived/);
    expect(await waivers()).toHaveLength(2);

    await w.say('finish waive shipped by hand', CAROL);
    expect((await runRow(w.db, runId)).status).toBe('completed');
  });

  it('waives gates worded alike in a shared sample by their numbers, the only way to tell them apart', async () => {
    // canary-rollout.md has "Go/No-Go decision recorded" in two phases: no usable key for either.
    const w = await openWorld({ checklistsDir: sharedSamplesDir() });
    const { runId } = await w.start('canary-rollout');
    await w.say(`role approver <@${CAROL}>`);
    const which = await w.say(WAIVE_GATE('checked by hand'), CAROL);
    expect(which).toContain('1. “Go/No-Go decision recorded” in Deployment Phase 1: Canary (10%)\n');
    expect(which).toContain('2. “Go/No-Go decision recorded” in Deployment Phase 2: Expansion (50%)');
    expect(which).not.toContain(', or `');

    expect(await w.say(WAIVE_GATE('2 the expansion was watched on the call'), CAROL)).toMatch(
      /waived on run #\d+: the expansion was watched on the call/,
    );
    const waived = (await audit(w.db, runId)).filter((a) => a.action === 'gate.waive');
    expect(waived.map((a) => a.detail?.reason)).toEqual(['the expansion was watched on the call']);
    // One left: no number needed, and a number naming the waived one is refused.
    expect(await w.say(WAIVE_GATE('2 again'), CAROL)).toMatch(/already decided or waived/);
    expect(await w.say(WAIVE_GATE('the canary was watched on the call'), CAROL)).toMatch(/waived on run/);
    expect((await audit(w.db, runId)).filter((a) => a.action === 'gate.waive').map((a) => a.target)).toHaveLength(2);
  });

  it('counts items a rollback made moot as skipped, apart from done, waived and open', async () => {
    const w = await openWorld();
    const { runId } = await w.start('gate-drill');
    await w.say(`role approver <@${CAROL}>`);
    // No-Go from the approver: the modal asks for a reason, the submission starts the rollback.
    const noGo = gateButton(w, runId, 's0.i2', 'dd_gate_nogo')!;
    await clickButton(w, noGo, CAROL);
    await waitFor(() => w.fake.views.find((v) => v.view['callback_id'] === 'dd_nogo_modal'), { message: 'the No-Go modal' });
    await w.bot.slack.viewSubmission({
      user: CAROL,
      callbackId: 'dd_nogo_modal',
      values: { dd_nogo_reason: { dd_nogo_reason_input: 'the canary burns' } },
    });
    await w.bot.bot.sync.idle();
    await tick(w, runId, 's2.i0', ALICE);
    await w.say('finish waive the rollback is complete', CAROL);
    expect((await runRow(w.db, runId)).status).toBe('rolled_back');
    await w.bot.bot.sync.idle();

    for (const [where, text] of [
      ['overview', visibleText(overview(w))],
      ['status', await w.say(`status #${runId}`)],
    ] as const) {
      expect(text, `${where} shows what the rollback skipped`).toMatch(/[1-9]\d*\s+skipped/i);
      expect(text, where).not.toMatch(/100\s*%/);
    }
  });
});

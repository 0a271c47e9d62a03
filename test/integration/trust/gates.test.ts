/**
 * Issue 9 — Gates: a gate can be decided only while its section is open, by the people the
 * checklist allows (approvers and quorum; the lead only if the checklist says so). A Go with open
 * items asks for confirmation and records "Go with N open". The gate's message shows who voted and
 * who is still needed, and locks once decided. Notices say exactly what opened.
 *
 * Fixture: test/fixtures/trust/gate-drill.md — the Canary (T-0) section holds two tasks and
 * "Go/No-Go for the wider rollout" (quorum: all, no `approvers`, so the default applies); the
 * "Wider rollout" phase opens at T+2 hours. The notice test uses gated-finish.md (see there). Roles are given with /deploy role, never in the file.
 *
 * Choices assumed (the issue leaves them open):
 * - With no `approvers` in the checklist, only holders of the `approver` role decide a gate.
 * - The "Go with N open" confirmation is an ephemeral message or a modal shown to the voter,
 *   holding a button whose text reads like "Go with 2 open" (CONFIRM_GO_TEXT); its action_id is
 *   CONFIRM_GO_ACTION_ID, which the implementer points at src/slack/ids.ts. The confirmed vote
 *   carries "Go with 2 open" (or "2 open") in gate_votes.reason or in its audit row's detail.
 * - A refused vote leaves no gate_votes row and writes an audit row `denied` with the voter as actor.
 * - "Who is still needed" may be a mention (<@U0DAVE>), a name ("dave") or the role ("approver").
 */
import { describe, expect, it } from 'vitest';
import {
  ALICE,
  CAROL,
  CHANNEL,
  DAVE,
  HOUR,
  MINUTE,
  audit,
  blocksText,
  buttonsIn,
  clickButton,
  ephemeralsTo,
  gateButton,
  openWorld,
  reminderMessages,
  runMessages,
  tick,
  visibleText,
  votes,
  type World,
} from './trustWorld.js';

/** The action_id of the "Go with N open" confirmation button (to be added to src/slack/ids.ts). */
const CONFIRM_GO_ACTION_ID = 'dd_gate_go_confirm';
const CONFIRM_GO_TEXT = /go with 2 open/i;

const GATE = 's0.i2';
const GO = 'dd_gate_go';
const NO_GO = 'dd_gate_nogo';

async function giveApprovers(w: World, ...users: string[]): Promise<void> {
  for (const u of users) await w.say(`role approver <@${u}>`);
}

/** Clicks Go as `user`: on the gate's button when one is shown, else as a forged click on the run's message. */
async function voteGo(w: World, runId: number, user: string): Promise<void> {
  const button = gateButton(w, runId, GATE, GO);
  if (button) {
    await clickButton(w, button, user);
  } else {
    const message = runMessages(w)[0]!;
    await w.bot.slack.blockAction({
      user,
      channel: CHANNEL,
      message,
      actions: [{ type: 'button', action_id: GO, block_id: `dd_gate:${runId}:${GATE}`, value: `${runId}:${GATE}`, action_ts: '1.000001' }],
    });
  }
  await w.bot.bot.sync.idle();
}

async function deniedBy(w: World, runId: number, user: string) {
  return (await audit(w.db, runId)).filter((a) => a.action === 'denied' && a.actor === user);
}

/** The run message that shows the gate (its text block or buttons). */
function gateMessageText(w: World, runId: number): string {
  const m = runMessages(w).find((msg) => msg.blocks.some((b) => String(b.block_id ?? '').endsWith(`:${runId}:${GATE}`)));
  if (!m) throw new Error('no message shows the gate');
  return visibleText(m);
}

describe('issue 9 · gates that mean something', () => {
  it('refuses a Go vote on a gate whose section has not opened, with an ephemeral reason and a denied audit row', async () => {
    const w = await openWorld();
    const { runId } = await w.start('gate-drill in 22h');
    await giveApprovers(w, CAROL);
    const since = Date.now();

    await voteGo(w, runId, CAROL);

    expect(await votes(w.db, runId), 'no vote is recorded on a gate whose section is still upcoming').toEqual([]);
    expect((await deniedBy(w, runId, CAROL)).length, 'the refusal is audited as denied').toBeGreaterThanOrEqual(1);
    expect((await ephemeralsTo(w, CAROL, since)).join('\n'), 'the voter is told why, privately').toMatch(/open|not yet|upcoming/i);
    expect(reminderMessages(w).some((m) => /gate passed/i.test(m.text))).toBe(false);
  });

  it('refuses a vote on a gate whose section has already closed, with an ephemeral reason and a denied audit row', async () => {
    const w = await openWorld();
    const { runId } = await w.start('gate-drill');
    await giveApprovers(w, CAROL, DAVE);
    w.advance(2 * HOUR + 5 * MINUTE); // the Canary window ended when the Wider rollout opened
    await w.settle();
    const since = Date.now();

    await voteGo(w, runId, CAROL);

    expect(await votes(w.db, runId), 'a gate whose window is over is locked').toEqual([]);
    expect((await deniedBy(w, runId, CAROL)).length).toBeGreaterThanOrEqual(1);
    expect((await ephemeralsTo(w, CAROL, since)).length).toBeGreaterThanOrEqual(1);
  });

  it('does not let the lead decide a gate when the checklist does not name the lead among its approvers', async () => {
    const w = await openWorld();
    const { runId } = await w.start('gate-drill');
    await giveApprovers(w, CAROL, DAVE);
    await tick(w, runId, 's0.i0');
    await tick(w, runId, 's0.i1');
    const since = Date.now();

    await voteGo(w, runId, ALICE);

    expect(await votes(w.db, runId), 'the lead is not an approver of this gate').toEqual([]);
    expect((await deniedBy(w, runId, ALICE)).length).toBeGreaterThanOrEqual(1);
    expect((await ephemeralsTo(w, ALICE, since)).join('\n')).toMatch(/approver/i);
  });

  it('asks for confirmation before a Go while items of the gated section are open, and records "Go with N open" in the vote and the audit', async () => {
    const w = await openWorld();
    const { runId } = await w.start('gate-drill');
    await giveApprovers(w, CAROL, DAVE);
    const since = Date.now();

    await voteGo(w, runId, CAROL); // both canary tasks are still open

    expect(await votes(w.db, runId), 'a Go over open items is not recorded before it is confirmed').toEqual([]);
    const ephemerals = await ephemeralsTo(w, CAROL, since);
    const modals = w.fake.views.filter((v) => v.at >= since).map((v) => JSON.stringify(v.view));
    expect([...ephemerals, ...modals].join('\n'), 'the voter is asked to confirm a Go with 2 open').toMatch(/2 open/i);

    // Confirm: the button on the ephemeral, or the modal's submit.
    const ephemeral = [...w.fake.ephemerals]
      .reverse()
      .find((e) => e.user === CAROL && buttonsIn({ ts: e.message_ts, blocks: e.blocks }).some((b) => CONFIRM_GO_TEXT.test(b.text)));
    if (ephemeral) {
      const b = buttonsIn({ ts: ephemeral.message_ts, blocks: ephemeral.blocks }).find((x) => CONFIRM_GO_TEXT.test(x.text))!;
      expect(b.actionId).toBe(CONFIRM_GO_ACTION_ID);
      await w.bot.slack.blockAction({
        user: CAROL,
        channel: CHANNEL,
        message: { ts: ephemeral.message_ts, text: ephemeral.text, blocks: ephemeral.blocks },
        container: { is_ephemeral: true },
        actions: [
          {
            type: 'button',
            action_id: b.actionId,
            block_id: b.blockId,
            value: b.value,
            text: { type: 'plain_text', text: b.text },
            action_ts: '1.000002',
          },
        ],
      });
    } else {
      const view = [...w.fake.views].reverse().find((v) => CONFIRM_GO_TEXT.test(JSON.stringify(v.view)));
      expect(view, 'a confirmation saying "Go with 2 open"').toBeDefined();
      await w.bot.slack.viewSubmission({ user: CAROL, callbackId: String(view!.view['callback_id']), values: {} });
    }
    await w.bot.bot.sync.idle();

    const recorded = await votes(w.db, runId);
    expect(recorded.map((v) => [v.user_id, v.vote])).toEqual([[CAROL, 'go']]);
    const goAudit = (await audit(w.db, runId)).filter((a) => a.action === 'gate.go' && a.actor === CAROL);
    expect(`${recorded[0]!.reason ?? ''} ${JSON.stringify(goAudit)}`).toMatch(/2 open/i);
  });

  it('shows on the gate who voted and who is still needed, and locks the gate once it is decided', async () => {
    const w = await openWorld();
    w.fake.setUser(CAROL, { real_name: 'Carol Danvers', profile: { real_name: 'Carol Danvers', display_name: 'carol' } });
    w.fake.setUser(DAVE, { real_name: 'Dave Lister', profile: { real_name: 'Dave Lister', display_name: 'dave' } });
    const { runId } = await w.start('gate-drill');
    await giveApprovers(w, CAROL, DAVE);
    await tick(w, runId, 's0.i0');
    await tick(w, runId, 's0.i1');

    await voteGo(w, runId, CAROL);
    const halfway = gateMessageText(w, runId);
    expect(halfway, 'the gate shows who voted').toMatch(/carol|U0CAROL/i);
    expect(halfway, 'the gate shows who is still needed').toMatch(/dave|U0DAVE/i);

    const stale = runMessages(w).find((m) => buttonsIn(m).some((b) => b.value === `${runId}:${GATE}`))!;
    await voteGo(w, runId, DAVE);
    expect((await votes(w.db, runId)).length).toBe(2);
    const gateButtonsLeft = runMessages(w)
      .flatMap((m) => buttonsIn(m))
      .filter((b) => (b.actionId === GO || b.actionId === NO_GO) && b.value === `${runId}:${GATE}`);
    expect(gateButtonsLeft, 'a decided gate has no Go/No-Go buttons left').toEqual([]);

    // A late click from the version of the message Carol still had open.
    const since = Date.now();
    const b = buttonsIn(stale).find((x) => x.actionId === NO_GO)!;
    await w.bot.slack.clickButton({ ts: stale.ts, actionId: NO_GO, value: b.value, user: CAROL, channel: CHANNEL, seenMessage: stale });
    expect((await votes(w.db, runId)).length, 'the decided gate takes no more votes').toBe(2);
    expect((await deniedBy(w, runId, CAROL)).length).toBeGreaterThanOrEqual(1);
    expect((await ephemeralsTo(w, CAROL, since)).length).toBeGreaterThanOrEqual(1);
  });

  it('says exactly what opened when a gate passes: a phase that is still upcoming is named with its time, not called open', async () => {
    // gated-finish.md: "Go/No-Go to keep the build" (approvers: [approver], quorum one) in Ship (T-0); Aftercare opens at T+3 hours.
    const w = await openWorld();
    const { runId } = await w.start('gated-finish');
    await giveApprovers(w, CAROL);
    await tick(w, runId, 's0.i0');
    const button = gateButton(w, runId, 's0.i1', GO)!;
    await clickButton(w, button, CAROL);
    await w.bot.bot.sync.idle();
    await w.settle(600);

    const notice = reminderMessages(w).find((m) => /passed/i.test(visibleText(m)));
    expect(notice, 'a notice that the gate passed').toBeDefined();
    const text = visibleText(notice!);
    expect(text, 'it does not claim the next phases are open').not.toMatch(/phases are open|(is|are) (now )?open/i);
    expect(text, 'it names the phase that comes next').toMatch(/Aftercare/);
    expect(blocksText(notice!.blocks) + notice!.text).toMatch(/<!date\^\d+\^|T\+2|opens/i);
  });
});

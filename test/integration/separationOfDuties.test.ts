/**
 * Issue 16 (separation of duties): "On a checklist whose gate needs two named roles with quorum
 * `all`, the lead removed the named people, gave both roles to themself and passed the gate alone."
 * Signed requests against the real app and the strict fake Slack.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allItems } from '../../src/domain/checklist.js';
import { ActionIds } from '../../src/slack/ids.js';
import { tempDir } from '../support/startBot.js';
import { ALICE, BOB, CAROL, CHANNEL, ackText, auditRows, startHarness, startRun, type Harness } from './checklistHarness.js';

const DAVE = 'U0DAVE';
const ADMIN = 'U0ADMIN';
const ENV_ADMIN = 'U0OPSADMIN';

/** A gate that needs a Go from QA and from security; the checklist names who holds each. */
const TWO_KEY = `---
timezone: UTC
roles:
  lead: ${ALICE}
  qa: ${BOB}
  security: ${CAROL}
admins: [${ADMIN}]
gates:
  - match: Go/No-Go
    approvers: [qa, security]
    quorum: all
---
# Two-key release

## Decide
- [ ] Go/No-Go decision recorded

## Ship
- [ ] Deploy to everyone
`;

let h: Harness | null = null;
let removeDir: (() => void) | null = null;

afterEach(async () => {
  await h?.close();
  h = null;
  removeDir?.();
  removeDir = null;
});

async function twoKeyHarness(): Promise<Harness> {
  const temp = tempDir('deployday-duties-');
  removeDir = temp.remove;
  writeFileSync(join(temp.dir, 'two-key.md'), TWO_KEY);
  h = await startHarness({ checklistsDir: temp.dir, env: { DEPLOYDAY_ADMINS: ENV_ADMIN } });
  return h;
}

async function roles(harness: Harness, runId: number): Promise<Record<string, string[]>> {
  return (await harness.bot.bot.runs.snapshot(runId)).roles;
}

async function voteGo(harness: Harness, runId: number, user: string): Promise<void> {
  const gate = allItems((await harness.bot.bot.runs.requireRun(runId)).checklist).find((i) => i.kind === 'gate')!;
  const value = `${runId}:${gate.id}`;
  const message = harness.fake
    .messages(CHANNEL)
    .find((m) =>
      m.blocks.some(
        (b) =>
          Array.isArray(b['elements']) &&
          (b['elements'] as Array<Record<string, unknown>>).some((e) => e['action_id'] === ActionIds.gateGo && e['value'] === value),
      ),
    );
  if (!message) throw new Error('no Go button');
  const response = await harness.bot.slack.clickButton({ ts: message.ts, actionId: ActionIds.gateGo, value, user });
  expect(response.status).toBe(200);
}

async function gateOutcome(harness: Harness, runId: number): Promise<unknown> {
  const rows = (await auditRows(harness.db, runId)).filter((r) => r.action === 'gate.go');
  return rows.at(-1)?.detail?.['outcome'];
}

describe('separation of duties on roles the checklist names', () => {
  it('refuses the lead removing a named role holder, audits the refusal, and keeps the holder', async () => {
    const harness = await twoKeyHarness();
    const { runId } = await startRun(harness, 'two-key', ALICE);

    const text = ackText(await harness.bot.slack.command(`role remove qa <@${BOB}>`, { user: ALICE }));

    expect(text).toContain('named in the checklist');
    expect((await roles(harness, runId))['qa']).toEqual([BOB]);
    expect(await auditRows(harness.db, runId, 'denied')).toEqual([
      expect.objectContaining({ actor: ALICE, target: 'qa', detail: { attempted: 'role.remove', code: 'named_role' } }),
    ]);
    expect(await auditRows(harness.db, runId, 'role.remove')).toEqual([]);
  });

  it('refuses the lead giving themself a named role they do not hold', async () => {
    const harness = await twoKeyHarness();
    const { runId } = await startRun(harness, 'two-key', ALICE);

    ackText(await harness.bot.slack.command(`role security <@${ALICE}>`, { user: ALICE }));

    expect((await roles(harness, runId))['security']).toEqual([CAROL]);
    expect(await auditRows(harness.db, runId, 'denied')).toEqual([
      expect.objectContaining({ actor: ALICE, detail: { attempted: 'role.assign', code: 'named_role' } }),
    ]);
  });

  it('lets a holder of a named role add a colleague to it, and audits who gave which role to whom', async () => {
    const harness = await twoKeyHarness();
    const { runId } = await startRun(harness, 'two-key', ALICE);

    const text = ackText(await harness.bot.slack.command(`role qa <@${DAVE}>`, { user: BOB }));

    expect(text).toContain(`<@${DAVE}> now holds *qa*`);
    expect((await roles(harness, runId))['qa']).toEqual([BOB, DAVE]);
    expect(await auditRows(harness.db, runId, 'role.assign')).toEqual([
      expect.objectContaining({ actor: BOB, target: 'qa', detail: { user: DAVE, role: 'qa' } }),
    ]);
  });

  it('lets an admin from the front matter and one from DEPLOYDAY_ADMINS change named roles, each change audited', async () => {
    const harness = await twoKeyHarness();
    const { runId } = await startRun(harness, 'two-key', ALICE);

    ackText(await harness.bot.slack.command(`role remove qa <@${BOB}>`, { user: ADMIN }));
    ackText(await harness.bot.slack.command(`role qa <@${DAVE}>`, { user: ENV_ADMIN }));

    expect((await roles(harness, runId))['qa']).toEqual([DAVE]);
    expect((await auditRows(harness.db, runId)).filter((r) => r.action.startsWith('role.'))).toEqual([
      expect.objectContaining({ action: 'role.remove', actor: ADMIN, target: 'qa', detail: { user: BOB, role: 'qa' } }),
      expect.objectContaining({ action: 'role.assign', actor: ENV_ADMIN, target: 'qa', detail: { user: DAVE, role: 'qa' } }),
    ]);
    expect(await auditRows(harness.db, runId, 'denied')).toEqual([]);
  });

  it('does not let one person holding both gate roles pass a quorum-all gate alone: one vote is one person', async () => {
    const harness = await twoKeyHarness();
    const { runId } = await startRun(harness, 'two-key', ALICE);
    // Even an admin handing the lead both roles (and taking them from the named people) does not make one person two keys.
    for (const [role, user] of [
      ['qa', BOB],
      ['security', CAROL],
    ] as const) {
      ackText(await harness.bot.slack.command(`role remove ${role} <@${user}>`, { user: ADMIN }));
      ackText(await harness.bot.slack.command(`role ${role} <@${ALICE}>`, { user: ADMIN }));
    }
    expect(await roles(harness, runId)).toMatchObject({ qa: [ALICE], security: [ALICE] });

    await voteGo(harness, runId, ALICE);
    expect(await gateOutcome(harness, runId)).toBe('pending');

    ackText(await harness.bot.slack.command(`role security <@${CAROL}>`, { user: ADMIN }));
    await voteGo(harness, runId, CAROL);
    expect(await gateOutcome(harness, runId)).toBe('passed');
  });
});

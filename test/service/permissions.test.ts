import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { auditOf, serviceWorld, thrownBy, type ServiceWorld } from './serviceWorld.js';

const LEAD = 'U0LEAD';
const QA = 'U0QA';
const SEC = 'U0SEC';
const ADMIN = 'U0ADMIN';
const STRANGER = 'U0STRANGER';
const CHANNEL = 'C0DEPLOY';

const RELEASE = `---
timezone: UTC
roles:
  qa: ${QA}
  security: ${SEC}
gates:
  - match: Go/No-Go
    approvers: [qa, security]
    quorum: all
---
# Release

## Prepare
- [ ] Freeze merges

## Sign-offs
| Role | Name | Sign-off | Date |
|------|------|----------|------|
| QA Lead | ____ | [ ] | ____ |

## Decide
- [ ] Go/No-Go decision recorded

## Ship
- [ ] Deploy to everyone
`;

let world: ServiceWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

/** The id of the run's item whose text contains `text`. */
async function idOf(w: ServiceWorld, runId: number, text: string): Promise<string> {
  const item = (await w.services.queries.requireRun(runId)).checklist.phases
    .flatMap((p) => p.sections)
    .flatMap((s) => s.items)
    .find((i) => i.text.includes(text));
  if (!item) throw new Error(`no item ${text}`);
  return item.id;
}

async function started(options: { admins?: string[] } = {}) {
  world = serviceWorld({ release: RELEASE }, options);
  const { run } = await world.services.starting.startRun({
    checklistName: 'release',
    when: null,
    timezone: null,
    channelId: CHANNEL,
    teamId: null,
    userId: LEAD,
  });
  return { w: world, runId: run.id };
}

describe('refusals: a code and its values, and a denied audit row', () => {
  it('refuses an abort by someone who is neither lead nor approver, naming the lead', async () => {
    const { w, runId } = await started();
    const refusal = await thrownBy(() => w.services.ending.abort({ userId: STRANGER, channelId: CHANNEL, runId, reason: 'no' }));

    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ code: 'not_lead_or_approver', params: { runId, leads: [LEAD] } });
    expect(await auditOf(w.db, runId, 'denied')).toEqual([
      { actor: STRANGER, action: 'denied', target: null, detail: { attempted: 'run.abort', code: 'not_lead_or_approver' } },
    ]);
    expect((await w.services.queries.requireRun(runId)).status).toBe('active');
  });

  it('refuses a sign-off by someone without its role, with who holds it', async () => {
    const { w, runId } = await started();
    await w.services.roles.setRole({ userId: LEAD, channelId: CHANNEL, runId, role: 'QA Lead', targetUserId: QA, remove: false });
    const itemId = await idOf(w, runId, 'QA Lead');

    const refusal = await thrownBy(() => w.services.items.setItem({ userId: STRANGER, channelId: CHANNEL, runId, itemId, done: true }));

    expect(refusal).toMatchObject({ code: 'not_role_holder', params: { role: 'QA Lead', holders: [QA] } });
    expect(await auditOf(w.db, runId, 'denied')).toEqual([
      expect.objectContaining({ actor: STRANGER, target: itemId, detail: { attempted: 'item.tick', code: 'not_role_holder' } }),
    ]);
  });

  it('refuses a tick behind a gate that has not passed, naming the section and the gate', async () => {
    const { w, runId } = await started();
    const itemId = await idOf(w, runId, 'Deploy to everyone');
    const refusal = await thrownBy(() => w.services.items.setItem({ userId: LEAD, channelId: CHANNEL, runId, itemId, done: true }));

    expect(refusal).toMatchObject({ code: 'blocked', params: { sectionTitle: 'Ship', gateText: 'Go/No-Go decision recorded' } });
    expect(await auditOf(w.db, runId, 'denied')).toEqual([
      expect.objectContaining({ actor: LEAD, target: itemId, detail: { attempted: 'item.tick', code: 'blocked' } }),
    ]);
  });

  it('refuses the lead changing a role the checklist names, and lets an admin do it, auditing the change', async () => {
    const { w, runId } = await started({ admins: [ADMIN] });
    const refusal = await thrownBy(() =>
      w.services.roles.setRole({ userId: LEAD, channelId: CHANNEL, runId, role: 'QA', targetUserId: LEAD, remove: false }),
    );
    expect(refusal).toMatchObject({ code: 'named_role', params: { role: 'QA', holders: [QA] } });
    expect(await auditOf(w.db, runId, 'denied')).toEqual([
      expect.objectContaining({ actor: LEAD, target: 'qa', detail: { attempted: 'role.assign', code: 'named_role' } }),
    ]);

    expect(await w.services.roles.setRole({ userId: ADMIN, channelId: CHANNEL, runId, role: 'qa', targetUserId: QA, remove: true })).toEqual({
      changed: true,
    });
    expect((await w.services.queries.snapshot(runId)).roles['qa']).toBeUndefined();
    expect(await auditOf(w.db, runId, 'role.remove')).toEqual([
      { actor: ADMIN, action: 'role.remove', target: 'qa', detail: { user: QA, role: 'qa' } },
    ]);
  });

  it('refuses a vote from someone who holds none of the gate’s roles, listing those roles', async () => {
    const { w, runId } = await started();
    const itemId = await idOf(w, runId, 'Go/No-Go');
    const refusal = await thrownBy(() => w.services.gates.voteGate({ userId: LEAD, channelId: CHANNEL, runId, itemId, vote: 'go', reason: null }));
    expect(refusal).toMatchObject({ code: 'not_approver', params: { approvers: ['qa', 'security'] } });
    expect(await auditOf(w.db, runId, 'denied')).toEqual([
      expect.objectContaining({ actor: LEAD, detail: { attempted: 'gate.go', code: 'not_approver' } }),
    ]);
  });

  it('refuses work on a run from another channel, and audits it', async () => {
    const { w, runId } = await started();
    const refusal = await thrownBy(() => w.services.items.setItem({ userId: LEAD, channelId: 'C0ELSEWHERE', runId, itemId: 's0.i0', done: true }));
    expect(refusal).toMatchObject({ code: 'wrong_channel', params: { runId } });
    expect(await auditOf(w.db, runId, 'denied')).toEqual([
      expect.objectContaining({ target: 'channel:C0ELSEWHERE', detail: { attempted: 'run.touch', code: 'wrong_channel' } }),
    ]);
  });

  it('passes the gate only with a Go from a different person for each role, and announces the change', async () => {
    const { w, runId } = await started();
    expect(
      await w.services.gates.voteGate({ userId: QA, channelId: CHANNEL, runId, itemId: await idOf(w, runId, 'Go/No-Go'), vote: 'go', reason: null }),
    ).toEqual({ outcome: 'pending' });
    expect(
      await w.services.gates.voteGate({ userId: SEC, channelId: CHANNEL, runId, itemId: await idOf(w, runId, 'Go/No-Go'), vote: 'go', reason: null }),
    ).toEqual({ outcome: 'passed' });
    expect(w.events.stateChanged.filter((id) => id === runId).length).toBeGreaterThanOrEqual(3);
  });
});

describe('resolving the run a command means', () => {
  it('names the active runs when there are several and none was named', async () => {
    const { w, runId } = await started();
    const second = (
      await w.services.starting.startRun({
        checklistName: 'release',
        when: null,
        timezone: null,
        channelId: CHANNEL,
        teamId: null,
        userId: LEAD,
      })
    ).run.id;
    expect(await thrownBy(() => w.services.queries.resolveRun(CHANNEL, null))).toMatchObject({
      code: 'ambiguous_run',
      params: { runIds: [runId, second], names: ['release', 'release'] },
    });
    expect((await w.services.queries.resolveRun(CHANNEL, `#${second}`)).id).toBe(second);
    expect(await thrownBy(() => w.services.queries.resolveRun(CHANNEL, '<!channel>'))).toMatchObject({
      code: 'bad_run_id',
      params: { ref: '<!channel>' },
    });
  });
});

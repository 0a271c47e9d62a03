import { describe, expect, it } from 'vitest';
import type { TriggerList } from '../../../src/domain/checklist.js';
import { declareRollbackModal, parseDeclareRollbackSubmission } from '../../../src/slack/views/declareRollbackModal.js';
import { renderPhasePart } from '../../../src/slack/views/phaseMessages.js';
import { planPhaseParts } from '../../../src/slack/views/phasePlan.js';
import { renderRollbackStandby } from '../../../src/slack/views/rollbackStandby.js';
import { renderTriggerList } from '../../../src/slack/views/triggerListMessage.js';
import { blocksTextLength, validateView } from '../../support/blockKitRules.js';
import { buildChecklist, generatedChecklist, makeSnapshot, makeWindows, slackProblems, T0, textOfLength } from './fixtures.js';

/** Every control (button, checkboxes, …) anywhere in the blocks. */
function controls(blocks: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      const obj = value as Record<string, unknown>;
      if (typeof obj['action_id'] === 'string') found.push(obj['action_id']);
      Object.values(obj).forEach(walk);
    }
  };
  walk(blocks);
  return found;
}

describe('the rollback branch on standby', () => {
  it.each([
    ['short', undefined],
    ['3,500-character', textOfLength(3500)],
  ])('fits every part the interactive form was planned for, with no controls, for %s items', (_label, textOf) => {
    // A long rollback procedure: many steps, nested steps, time boxes and details.
    const checklist = buildChecklist(
      [
        { title: 'Ship', sections: [{ title: 'Ship', implicit: true, items: [{}] }] },
        {
          title: 'Rollback Procedure',
          kind: 'rollback',
          sections: [
            {
              title: 'Steps',
              notes: ['If critical issues arise:'],
              items: Array.from({ length: 60 }, (_, i) =>
                i % 3 === 0
                  ? { timer: { kind: 'timebox' as const, minutes: 15 }, details: ['`kubectl rollout undo`'] }
                  : { depth: i % 3 === 2 ? 1 : 0 },
              ),
            },
          ],
        },
      ],
      textOf === undefined ? {} : { textOf },
    );
    const snapshot = makeSnapshot(checklist);
    const phase = checklist.phases[1]!;
    const parts = planPhaseParts(phase);
    for (const part of parts) {
      const standby = renderRollbackStandby({ snapshot, phase, part });
      expect(slackProblems(standby)).toEqual([]);
      expect(controls(standby.blocks)).toEqual([]);
      const live = renderPhasePart({
        snapshot: makeSnapshot(checklist, { allDone: true, run: { rollbackActive: true } }),
        phase,
        part,
        windows: makeWindows(checklist),
        now: T0,
        stateOf: () => 'open',
      });
      expect(standby.blocks.length).toBeLessThanOrEqual(live.blocks.length);
      expect(slackProblems(live)).toEqual([]);
    }
    const first = renderRollbackStandby({ snapshot, phase, part: parts[0]! });
    expect(JSON.stringify(first.blocks)).toContain('Rollback: held until a No-Go or `/deploy rollback`');
    expect(JSON.stringify(first.blocks)).toContain('⏱ 15 min time box');
  });

  it('says the branch was not needed once the run ended without a rollback', () => {
    const checklist = generatedChecklist();
    const phase = checklist.phases.find((p) => p.kind === 'rollback')!;
    const snapshot = makeSnapshot(checklist, { run: { status: 'completed' } });
    const message = renderRollbackStandby({ snapshot, phase, part: planPhaseParts(phase)[0]! });
    expect(JSON.stringify(message.blocks)).toContain('*Rollback: not needed*');
    expect(message.text).toContain('rollback not needed');
  });
});

describe('a list of rollback triggers', () => {
  const trigger = (count: number, length: number): TriggerList => ({
    id: 't0',
    title: 'Abort Triggers',
    line: 10,
    afterPhaseId: 'p0',
    conditions: Array.from({ length: count }, (_, i) => ({
      text: textOfLength(length)(i),
      line: 11 + i,
      details: i % 2 ? ['on the dashboard'] : [],
    })),
    notes: ['Any one of these means we stop.'],
  });

  it('offers Declare rollback while the run goes on, and says so instead once a rollback is declared', () => {
    const checklist = generatedChecklist();
    const active = renderTriggerList({ snapshot: makeSnapshot(checklist), trigger: trigger(3, 40) });
    expect(controls(active.blocks)).toEqual(['dd_declare_rollback']);
    expect(slackProblems(active)).toEqual([]);
    const declared = renderTriggerList({
      snapshot: makeSnapshot(checklist, { run: { rollbackActive: true, rollbackReason: '“Item 0”: red dashboards' } }),
      trigger: trigger(3, 40),
    });
    expect(controls(declared.blocks)).toEqual([]);
    expect(JSON.stringify(declared.blocks)).toContain('Rollback declared: “Item 0”: red dashboards');
  });

  it('stays within Slack’s limits for hundreds of long conditions and says how many more there are, never cutting silently', () => {
    const message = renderTriggerList({ snapshot: makeSnapshot(generatedChecklist()), trigger: trigger(400, 900) });
    expect(slackProblems(message)).toEqual([]);
    expect(blocksTextLength(message.blocks)).toBeLessThanOrEqual(9000);
    expect(JSON.stringify(message.blocks)).toMatch(/…and \d+ more in the checklist file/);
    expect(controls(message.blocks)).toEqual(['dd_declare_rollback']);
  });
});

describe('the Declare rollback modal', () => {
  it('offers every condition in groups of ten, none of them required on its own, and reads back the ones ticked in any group', () => {
    const list: TriggerList = {
      id: 't3',
      title: 'Abort Triggers',
      line: 1,
      afterPhaseId: null,
      conditions: Array.from({ length: 23 }, (_, i) => ({ text: `Condition ${i} ${'x'.repeat(100)}`, line: i + 2, details: [] })),
      notes: [],
    };
    const view = declareRollbackModal({ runId: 7, channelId: 'C0DEPLOY', trigger: list });
    expect(validateView(view)).toEqual([]);
    const groups = (view.blocks as Array<{ block_id?: string; optional?: boolean; element?: { options?: unknown[] } }>).filter((b) =>
      b.block_id?.startsWith('dd_trigger_pick:'),
    );
    expect(groups.map((g) => [g.optional, g.element?.options?.length])).toEqual([
      [true, 10],
      [true, 10],
      [true, 3],
    ]);
    const picked = { type: 'checkboxes', selected_options: [{ value: '21' }] };
    expect(
      parseDeclareRollbackSubmission({
        private_metadata: view.private_metadata!,
        state: {
          values: {
            'dd_trigger_pick:2': { dd_trigger_conditions_input: picked },
            dd_trigger_reason: { dd_trigger_reason_input: { value: ' saw it ' } },
          },
        },
      }),
    ).toEqual({ ok: true, runId: 7, triggerId: 't3', channelId: 'C0DEPLOY', conditions: [21], reason: 'saw it' });
  });
});

import { describe, it, expect } from 'vitest';
import type { Checkboxes, KnownBlock, SectionBlock, ActionsBlock, Button } from '@slack/types';
import { allItems } from '../../../src/domain/checklist.js';
import type { Checklist, Phase } from '../../../src/domain/checklist.js';
import type { RunSnapshot } from '../../../src/domain/run.js';
import { ActionIds, BlockIds, itemRef, parseItemsBlockId } from '../../../src/slack/ids.js';
import { renderPhasePart } from '../../../src/slack/views/phaseMessages.js';
import { planPhaseParts } from '../../../src/slack/views/phasePlan.js';
import type { PhasePart } from '../../../src/slack/views/phasePlan.js';
import type { SlackMessage } from '../../../src/slack/views/blockKit.js';
import { runSectionStates } from '../../../src/domain/sectionTimelineState.js';
import type { SectionWindow } from '../../../src/domain/sectionWindow.js';
import { checkboxGroupItemIds, optionText } from '../../../src/slack/views/sectionLayout.js';
import { T0, canaryChecklist, generatedChecklist, makeSnapshot, makeWindows, textOfLength, slackProblems } from './fixtures.js';
import type { SnapshotOptions } from './fixtures.js';

const NOW = T0 + 30 * 60_000;

/** Section states as production reads them: the domain's runSectionStates. */
function statesOf(snapshot: RunSnapshot, windows: SectionWindow[], now = NOW) {
  const states = runSectionStates(snapshot, windows, now);
  return (sectionId: string) => states.get(sectionId) ?? 'unscheduled';
}

interface Rendered {
  phase: Phase;
  part: PhasePart;
  message: SlackMessage;
}

function renderAll(checklist: Checklist, options: SnapshotOptions = {}, snapshot = makeSnapshot(checklist, options)): Rendered[] {
  const windows = makeWindows(checklist);
  // Unless everything is done, read every section as blocked, so the longest badge (naming a gate) is exercised.
  const stateOf = options.allDone === true ? statesOf(snapshot, windows) : () => 'blocked' as const;
  return checklist.phases.flatMap((phase) =>
    planPhaseParts(phase).map((part) => ({
      phase,
      part,
      message: renderPhasePart({
        snapshot,
        phase,
        part,
        windows,
        now: NOW,
        stateOf,
      }),
    })),
  );
}

function allCheckboxes(message: SlackMessage): Array<{ blockId: string; element: Checkboxes }> {
  return message.blocks.flatMap((block) =>
    block.type === 'actions'
      ? block.elements.filter((e): e is Checkboxes => e.type === 'checkboxes').map((element) => ({ blockId: block.block_id ?? '', element }))
      : [],
  );
}

function sectionTexts(message: SlackMessage): string[] {
  return message.blocks.flatMap((b) => (b.type === 'section' && b.text !== undefined ? [b.text.text] : []));
}

function messageText(message: SlackMessage): string {
  return JSON.stringify(message.blocks);
}

function blockById(message: SlackMessage, blockId: string): KnownBlock | undefined {
  return message.blocks.find((b) => b.block_id === blockId);
}

const WORST_CASES: Array<[string, (index: number) => string]> = [
  ['ordinary texts', (i) => `Check subsystem ${i} is healthy`],
  ['texts of exactly 75 characters', textOfLength(75)],
  ['texts of 76 characters (long form)', textOfLength(76)],
  ['texts of 3,500 characters', textOfLength(3500)],
];

describe('phase messages stay within Slack limits', () => {
  it('the generated checklist has 150 items', () => {
    expect(allItems(generatedChecklist())).toHaveLength(150);
  });

  for (const [name, textOf] of WORST_CASES) {
    for (const [state, options] of [
      ['every item done and annotated', { allDone: true, waiveSome: true, manyVotes: true, timersStarted: true }],
      ['nothing done, gates with many votes', { manyVotes: true }],
      ['nothing done at all', {}],
    ] as Array<[string, SnapshotOptions]>) {
      it(`every part is one Slack accepts with ${name}, ${state}`, () => {
        const rendered = renderAll(generatedChecklist(textOf), options);
        expect(rendered.length).toBeGreaterThanOrEqual(6);
        for (const { part, message } of rendered) {
          expect({ part: `${part.phaseId} ${part.part}/${part.of}`, problems: slackProblems(message) }).toEqual({
            part: `${part.phaseId} ${part.part}/${part.of}`,
            problems: [],
          });
        }
      });
    }
  }
});

describe('rendered phase parts', () => {
  it('uses checkbox options whose initial_options are the very same objects, valued by item id', () => {
    for (const { message } of renderAll(generatedChecklist(), { allDone: true, waiveSome: true })) {
      for (const { element } of allCheckboxes(message)) {
        expect(element.action_id).toBe(ActionIds.itemCheckboxes);
        expect(element.initial_options).toHaveLength(element.options.length);
        element.initial_options!.forEach((initial, i) => {
          expect(initial).toBe(element.options[i]);
          expect(JSON.stringify(initial)).toBe(JSON.stringify(element.options[i]));
        });
        for (const option of element.options) expect(option.value).toMatch(/^s\d+\.i\d+$/);
      }
    }
  });

  it('selects exactly the done items of a checkbox group', () => {
    const checklist = canaryChecklist();
    const snapshot = makeSnapshot(checklist);
    snapshot.items['s0.i1'] = { ...snapshot.items['s0.i1']!, done: true, by: 'U0ANNA', at: T0 - 3_600_000 };
    const [rendered] = renderAll(checklist, {}, snapshot);
    const group = allCheckboxes(rendered!.message).find((c) => c.blockId === BlockIds.items(12, 's0', 0))!;
    expect(group.element.options.map((o) => o.value)).toEqual(['s0.i0', 's0.i1', 's0.i2']);
    expect(group.element.initial_options!.map((o) => o.value)).toEqual(['s0.i0', 's0.i1']);
  });

  it('gives every block a unique id, and checkbox block ids name their run, section and group', () => {
    for (const { message } of renderAll(generatedChecklist(), { allDone: true })) {
      const ids = message.blocks.map((b) => b.block_id).filter((id): id is string => id !== undefined);
      expect(new Set(ids).size).toBe(ids.length);
      for (const { blockId, element } of allCheckboxes(message)) {
        const parsed = parseItemsBlockId(blockId);
        expect(parsed).not.toBeNull();
        expect(parsed!.runId).toBe(12);
        const section = generatedChecklist()
          .phases.flatMap((p) => p.sections)
          .find((s) => s.id === parsed!.sectionId)!;
        expect(checkboxGroupItemIds(section, parsed!.group)).toEqual(element.options.map((o) => o.value));
      }
    }
  });

  it('shows each item its own text, in full unless longer than a section allows', () => {
    for (const [, textOf] of WORST_CASES) {
      const checklist = generatedChecklist(textOf);
      const rendered = renderAll(checklist, { allDone: true, manyVotes: true });
      for (const phase of checklist.phases) {
        for (const item of phase.sections.flatMap((s) => s.items)) {
          const { message } = rendered.find((r) => r.part.itemIds.includes(item.id))!;
          const options = allCheckboxes(message).flatMap((c) => c.element.options);
          const option = options.find((o) => o.value === item.id);
          if (option !== undefined) {
            expect(option.text.text).toContain(item.text);
            continue;
          }
          const section = blockById(message, BlockIds.item(12, item.id)) as SectionBlock | undefined;
          expect(section, item.id).toBeDefined();
          // Sections hold 3000 characters, less room for the who/when or the votes.
          const shown = item.text.length > 2000 ? item.text.slice(0, 2000) : item.text;
          expect(section!.text!.text).toContain(shown);
        }
      }
    }
  });

  it('annotates a done option with who and when, as Slack tokens with a UTC fallback', () => {
    const checklist = canaryChecklist();
    const snapshot = makeSnapshot(checklist);
    snapshot.items['s0.i1'] = { ...snapshot.items['s0.i1']!, done: true, by: 'U0ANNA', at: Date.UTC(2026, 10, 23, 14, 2) };
    const [rendered] = renderAll(checklist, {}, snapshot);
    const options = allCheckboxes(rendered!.message).flatMap((c) => c.element.options);
    const seconds = Date.UTC(2026, 10, 23, 14, 2) / 1000;
    expect(options.find((o) => o.value === 's0.i1')!.description!.text).toBe(`✓ <@U0ANNA> · <!date^${seconds}^{time}|14:02 UTC>`);
    expect(options.find((o) => o.value === 's0.i0')!.description!.text).toBe('✓ template');
    expect(options.find((o) => o.value === 's0.i2')!.description).toBeUndefined();
  });

  it('shows a waived item as finished with its reason', () => {
    const checklist = canaryChecklist();
    const snapshot = makeSnapshot(checklist);
    snapshot.items['s0.i2'] = { ...snapshot.items['s0.i2']!, waivedReason: 'Dashboard <down>', by: 'U0ANNA', at: T0 };
    const [rendered] = renderAll(checklist, {}, snapshot);
    const group = allCheckboxes(rendered!.message)[0]!.element;
    const option = group.options.find((o) => o.value === 's0.i2')!;
    expect(option.description!.text).toBe('waived: Dashboard &lt;down&gt;');
    expect(group.initial_options).toContain(option);
  });

  it('renders an item too long for an option as a section with a Done button, and Undo once done', () => {
    const checklist = canaryChecklist();
    const longItem = 's1.i7';
    const before = renderAll(checklist)[0]!.message;
    const block = blockById(before, BlockIds.item(12, longItem)) as SectionBlock;
    const accessory = block.accessory as Button;
    expect(accessory.action_id).toBe(ActionIds.itemButton);
    expect(accessory.value).toBe(itemRef(12, longItem));
    expect(accessory.text.text).toBe('Done');

    const snapshot = makeSnapshot(checklist);
    snapshot.items[longItem] = { ...snapshot.items[longItem]!, done: true, by: 'U0BOB', at: T0 };
    const after = renderAll(checklist, {}, snapshot)[0]!.message;
    const doneBlock = blockById(after, BlockIds.item(12, longItem)) as SectionBlock;
    expect((doneBlock.accessory as Button).text.text).toBe('Undo');
    expect(doneBlock.text!.text).toContain('✓ <@U0BOB> · <!date^');
  });

  it('offers to start a watch timer, then shows when it started and ends', () => {
    const checklist = canaryChecklist();
    const timerItem = 's1.i4';
    const before = renderAll(checklist)[0]!.message;
    const actions = blockById(before, BlockIds.timer(12, timerItem)) as ActionsBlock;
    const start = actions.elements[0] as Button;
    expect(start.action_id).toBe(ActionIds.timerStart);
    expect(start.text.text).toBe('Start 30 min timer');
    expect(start.value).toBe(itemRef(12, timerItem));
    expect((blockById(before, BlockIds.item(12, timerItem)) as SectionBlock).text!.text).toContain('Watch latency and errors for 30 minutes');

    const snapshot = makeSnapshot(checklist);
    snapshot.items[timerItem] = { ...snapshot.items[timerItem]!, timerStartedAt: T0 + 5 * 60_000 };
    const after = renderAll(checklist, {}, snapshot)[0]!.message;
    expect(blockById(after, BlockIds.timer(12, timerItem))).toBeUndefined();
    const text = (blockById(after, BlockIds.item(12, timerItem)) as SectionBlock).text!.text;
    const started = T0 / 1000 + 300;
    expect(text).toContain(`⏱ timer started <!date^${started}^{time}|16:05 UTC>, ends <!date^${started + 1800}^{time}|16:35 UTC>`);
  });

  it('shows a pending gate with its votes and Go / No-Go buttons', () => {
    const checklist = canaryChecklist();
    const gate = 's1.i8';
    const snapshot = makeSnapshot(checklist);
    snapshot.votes.push({ itemId: gate, userId: 'U0ANNA', vote: 'go', reason: null, at: T0 });
    const message = renderAll(checklist, {}, snapshot)[0]!.message;
    const text = (blockById(message, BlockIds.item(12, gate)) as SectionBlock).text!.text;
    expect(text).toContain('Go/No-Go for widening the canary');
    expect(text).toContain(`*Go:* <@U0ANNA> <!date^${T0 / 1000}^{time}|16:00 UTC>`);
    const actions = blockById(message, BlockIds.gate(12, gate)) as ActionsBlock;
    const [go, noGo] = actions.elements as Button[];
    expect([go!.action_id, go!.style, go!.value]).toEqual([ActionIds.gateGo, 'primary', itemRef(12, gate)]);
    expect([noGo!.action_id, noGo!.style, noGo!.value]).toEqual([ActionIds.gateNoGo, 'danger', itemRef(12, gate)]);
  });

  it('shows a decided gate’s result instead of its buttons', () => {
    const checklist = canaryChecklist();
    const gate = 's1.i8';
    const failed = makeSnapshot(checklist);
    // Only an approver's No-Go fails a gate (domain/gates.ts); the service refuses anyone else's vote.
    failed.roles = { ...failed.roles, approver: ['U0BOB'] };
    failed.votes.push({ itemId: gate, userId: 'U0BOB', vote: 'no_go', reason: 'errors > 1%', at: T0 });
    const failedMessage = renderAll(checklist, {}, failed)[0]!.message;
    expect(blockById(failedMessage, BlockIds.gate(12, gate))).toBeUndefined();
    const failedText = (blockById(failedMessage, BlockIds.item(12, gate)) as SectionBlock).text!.text;
    expect(failedText).toContain('*No-Go:* <@U0BOB>');
    expect(failedText).toContain('“errors &gt; 1%”');
    expect(failedText).toContain('⛔ *No-Go*');

    const passed = makeSnapshot(checklist);
    passed.items[gate] = { ...passed.items[gate]!, done: true, by: 'U0ANNA', at: T0 };
    const passedMessage = renderAll(checklist, {}, passed)[0]!.message;
    expect(blockById(passedMessage, BlockIds.gate(12, gate))).toBeUndefined();
    expect((blockById(passedMessage, BlockIds.item(12, gate)) as SectionBlock).text!.text).toContain('✅ *Go* — gate passed');
  });

  it('marks a blocked section with the gate it waits for, and keeps its items', () => {
    const checklist = canaryChecklist();
    const snapshot = makeSnapshot(checklist);
    const phase = checklist.phases[0]!;
    const message = renderPhasePart({
      snapshot,
      phase,
      part: planPhaseParts(phase)[0]!,
      windows: [],
      now: NOW,
      stateOf: statesOf(snapshot, []),
    });
    const heading = sectionTexts(message).find((t) => t.startsWith('*Widen to everyone*'))!;
    expect(heading).toContain('🔒 Blocked until “Go/No-Go for widening the canary” passes');
    expect(messageText(message)).toContain('Route all traffic to the new build');
  });

  it('marks rollback sections as held until a rollback starts', () => {
    const checklist = canaryChecklist();
    const phase = checklist.phases[1]!;
    const part = planPhaseParts(phase)[0]!;
    const render = (snapshot: RunSnapshot) =>
      sectionTexts(renderPhasePart({ snapshot, phase, part, windows: [], now: NOW, stateOf: statesOf(snapshot, []) }))[0]!;
    expect(render(makeSnapshot(checklist))).toContain('⏸ held for rollback');
    expect(render(makeSnapshot(checklist, { run: { rollbackActive: true } }))).not.toContain('held');
  });

  it('reads a rollback section whose steps are all ticked in the template as held, not done, until a rollback starts', () => {
    const checklist = canaryChecklist();
    checklist.phases[1]!.sections[0]!.items[0]!.initiallyDone = true;
    const phase = checklist.phases[1]!;
    const part = planPhaseParts(phase)[0]!;
    const render = (snapshot: RunSnapshot) =>
      sectionTexts(renderPhasePart({ snapshot, phase, part, windows: [], now: NOW, stateOf: statesOf(snapshot, []) }))[0]!;
    expect(render(makeSnapshot(checklist))).toContain('⏸ held for rollback');
    expect(render(makeSnapshot(checklist, { run: { rollbackActive: true } }))).toContain('✅ done');
  });

  it('shows a section’s window in the reader’s time and its state', () => {
    const checklist = canaryChecklist();
    const phase = checklist.phases[0]!;
    const opensAt = T0 - 2 * 3_600_000;
    const snapshot = makeSnapshot(checklist);
    const windows = [{ sectionId: 's0', phaseId: 'p0', opensAt, closesAt: T0, explicit: true }];
    const message = renderPhasePart({
      snapshot,
      phase,
      part: planPhaseParts(phase)[0]!,
      windows,
      now: T0 + 60_000,
      stateOf: statesOf(snapshot, windows, T0 + 60_000),
    });
    const heading = sectionTexts(message)[0]!;
    expect(heading).toContain(`<!date^${opensAt / 1000}^{date_short_pretty} {time}|2026-11-23 14:00 UTC> – <!date^${T0 / 1000}^{time}|16:00 UTC>`);
    expect(heading).toContain('🔴 overdue');
    expect(heading).toContain('1/3 done');
  });

  it('starts with a header naming the run and phase, and later parts say they continue', () => {
    const checklist = generatedChecklist(textOfLength(3500));
    const rendered = renderAll(checklist).filter((r) => r.phase.id === 'p0');
    expect(rendered.length).toBeGreaterThan(2);
    const header = (m: SlackMessage) => (m.blocks[0]!.type === 'header' ? m.blocks[0]!.text.text : '');
    expect(header(rendered[0]!.message)).toBe('#12 · Pre-Deployment (T-7 days)');
    expect(header(rendered[1]!.message)).toBe(`#12 · Pre-Deployment (T-7 days) (continued 2/${rendered.length})`);
    expect(sectionTexts(rendered[1]!.message)[0]).toContain('_(continued)_');
  });

  it('shows section notes once, in a context block', () => {
    const message = renderAll(canaryChecklist())[0]!.message;
    const contexts = message.blocks.filter((b) => b.type === 'context');
    expect(JSON.stringify(contexts)).toContain('Everyone joins the bridge call first.');
  });

  it('words a sign-off as one and names who is awaited', () => {
    const checklist = canaryChecklist();
    const snapshot = makeSnapshot(checklist);
    snapshot.roles['release manager'] = ['U0RM'];
    const rendered = renderAll(checklist, {}, snapshot).find((r) => r.phase.kind === 'signoff')!;
    const option = allCheckboxes(rendered.message)[0]!.element.options[0]!;
    expect(option.text.text).toBe('Release Manager sign-off');
    expect(option.description!.text).toBe('awaiting <@U0RM>');
  });

  it('indents nested items', () => {
    const checklist = canaryChecklist();
    const nested = checklist.phases[0]!.sections[1]!.items.find((i) => i.depth === 1)!;
    expect(optionText(nested)).toBe(`↳ ${nested.text}`);
  });
});

import { describe, it, expect } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { diffCheckboxes } from '../../src/slack/checkboxDiff.js';

const BLOCK = 'dd_items:7:s1:0';
const option = (value: string) => ({ text: { type: 'mrkdwn', text: `item ${value}` }, value });
const options = (...values: string[]) => values.map(option);

/** A message as the clicker saw it: one checkboxes group offering s1.i0–s1.i3, some already ticked. */
function messageSeen(ticked: string[], where: 'actions' | 'accessory' | 'input' = 'actions'): unknown[] {
  const element: Record<string, unknown> = {
    type: 'checkboxes',
    action_id: 'dd_item_toggle',
    options: options('s1.i0', 's1.i1', 's1.i2', 's1.i3'),
  };
  if (ticked.length) element.initial_options = options(...ticked);
  const block =
    where === 'actions'
      ? { type: 'actions', block_id: BLOCK, elements: [{ type: 'button', action_id: 'x', value: 'y' }, element] }
      : where === 'accessory'
        ? { type: 'section', block_id: BLOCK, text: { type: 'mrkdwn', text: 'Canary' }, accessory: element }
        : { type: 'input', block_id: BLOCK, label: { type: 'plain_text', text: 'Canary' }, element };
  return [{ type: 'header', block_id: 'dd_head', text: { type: 'plain_text', text: 'Run #7' } }, block];
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('diffCheckboxes', () => {
  it.each([
    ['ticking a box marks that item done', [], ['s1.i0'], [{ itemId: 's1.i0', done: true }]],
    ['unticking a box marks that item open', ['s1.i0', 's1.i1'], ['s1.i1'], [{ itemId: 's1.i0', done: false }]],
    ['unticking the last box marks it open', ['s1.i2'], [], [{ itemId: 's1.i2', done: false }]],
    ['a selection equal to what was seen changes nothing', ['s1.i1'], ['s1.i1'], []],
  ])('%s', (_name, seen, selected, expected) => {
    expect(diffCheckboxes(messageSeen(seen), BLOCK, options(...selected))).toEqual(expected);
  });

  it('changes only the clicked box when the view is stale and misses a completion made since', () => {
    // Someone else ticked s1.i1 after this view was drawn; this clicker's selection omits it and adds s1.i3.
    expect(diffCheckboxes(messageSeen(['s1.i0']), BLOCK, options('s1.i0', 's1.i3'))).toEqual([{ itemId: 's1.i3', done: true }]);
  });

  it('ignores selected values the element never offered', () => {
    expect(diffCheckboxes(messageSeen([]), BLOCK, options('s1.i2', 's9.i99', 'dd_items:8:s1:0'))).toEqual([{ itemId: 's1.i2', done: true }]);
  });

  it('ignores malformed selected options', () => {
    expect(diffCheckboxes(messageSeen([]), BLOCK, [null, { value: 42 }, {}, option('s1.i1')])).toEqual([{ itemId: 's1.i1', done: true }]);
  });

  it('reads a selection that is not a list as nothing selected', () => {
    expect(diffCheckboxes(messageSeen(['s1.i0']), BLOCK, undefined)).toEqual([{ itemId: 's1.i0', done: false }]);
  });

  it.each(['accessory', 'input'] as const)('finds a checkboxes element placed as %s', (where) => {
    expect(diffCheckboxes(messageSeen([], where), BLOCK, options('s1.i3'))).toEqual([{ itemId: 's1.i3', done: true }]);
  });

  it.each([undefined, null, {}, 'blocks'])('throws a DomainError when the message blocks are %j', (blocks) => {
    const error = caught(() => diffCheckboxes(blocks, BLOCK, options('s1.i0')));
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('no_message');
  });

  it('throws a DomainError when the block is not in the message', () => {
    expect(() => diffCheckboxes(messageSeen([]), 'dd_items:7:s1:1', options('s1.i0'))).toThrow(DomainError);
    expect(() => diffCheckboxes(messageSeen([]), 'dd_items:7:s1:1', [])).toThrow(/nothing was changed/);
  });

  it('throws a DomainError when the block holds no checkboxes', () => {
    const blocks = [{ type: 'actions', block_id: BLOCK, elements: [{ type: 'button', action_id: 'x' }] }];
    const error = caught(() => diffCheckboxes(blocks, BLOCK, options('s1.i0')));
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('stale_block');
  });
});

import { describe, it, expect } from 'vitest';
import type { KnownBlock } from '@slack/types';
import { checkMessageLimits, blockTextLength } from '../../../src/slack/views/messageLimits.js';
import type { SlackMessage } from '../../../src/slack/views/blockKit.js';

const text = (t: string) => ({ type: 'mrkdwn' as const, text: t });
const plain = (t: string) => ({ type: 'plain_text' as const, text: t });
const section = (t: string, blockId?: string): KnownBlock => ({ type: 'section', text: text(t), ...(blockId ? { block_id: blockId } : {}) });
const option = (t: string, value: string, description?: string) => ({
  text: text(t),
  value,
  ...(description === undefined ? {} : { description: text(description) }),
});
const checkboxBlock = (options: unknown[], initial?: unknown[]): KnownBlock =>
  ({
    type: 'actions',
    elements: [{ type: 'checkboxes', action_id: 'a', options, ...(initial ? { initial_options: initial } : {}) }],
  }) as unknown as KnownBlock;
const buttonBlock = (label: string, value = 'v', actionId = 'b'): KnownBlock => ({
  type: 'actions',
  elements: [{ type: 'button', text: plain(label), value, action_id: actionId }],
});
const message = (...blocks: KnownBlock[]): SlackMessage => ({ text: 'fallback', blocks });

function expectOneProblem(m: SlackMessage, pattern: RegExp): void {
  const problems = checkMessageLimits(m);
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(pattern);
}

describe('checkMessageLimits', () => {
  it('accepts a message within every limit', () => {
    const opts = Array.from({ length: 10 }, (_, i) => option('x'.repeat(75), `v${i}`, 'd'.repeat(75)));
    const m = message(
      { type: 'header', text: plain('h'.repeat(150)) },
      section('s'.repeat(3000), 'b'.repeat(255)),
      checkboxBlock(opts, [opts[3]]),
      buttonBlock('l'.repeat(75), 'v'.repeat(2000)),
      { type: 'context', elements: Array.from({ length: 10 }, () => text('c')) },
    );
    expect(checkMessageLimits(m)).toEqual([]);
  });

  it('rejects more than 50 blocks', () => {
    expect(checkMessageLimits(message(...Array.from({ length: 50 }, () => section('ok'))))).toEqual([]);
    expectOneProblem(message(...Array.from({ length: 51 }, () => section('ok'))), /51 blocks/);
  });

  it('rejects more than 10 options in a checkboxes element', () => {
    expectOneProblem(message(checkboxBlock(Array.from({ length: 11 }, (_, i) => option('o', `v${i}`)))), /11 options/);
  });

  it('rejects option text over 75 characters', () => {
    expectOneProblem(message(checkboxBlock([option('x'.repeat(76), 'v')])), /option 1: text has 76/);
  });

  it('rejects an option description over 75 characters', () => {
    expectOneProblem(message(checkboxBlock([option('x', 'v', 'd'.repeat(76))])), /description: text has 76/);
  });

  it('rejects an option value over 150 characters, and repeated values', () => {
    expectOneProblem(message(checkboxBlock([option('x', 'v'.repeat(151))])), /value has 151/);
    expectOneProblem(message(checkboxBlock([option('x', 'v'), option('y', 'v')])), /repeats/);
  });

  it('rejects initial options that are not exact copies of an option', () => {
    const opts = [option('x', 'v', 'done by someone')];
    expectOneProblem(message(checkboxBlock(opts, [option('x', 'v')])), /initial option 1 matches none/);
  });

  it('rejects section text over 3000 characters', () => {
    expectOneProblem(message(section('s'.repeat(3001))), /3001 characters \(max 3000\)/);
  });

  it('rejects header text over 150 characters, and a header that is not plain text', () => {
    expectOneProblem(message({ type: 'header', text: plain('h'.repeat(151)) }), /151 characters \(max 150\)/);
    expectOneProblem(message({ type: 'header', text: text('h') } as unknown as KnownBlock), /plain_text/);
  });

  it('rejects more than 10 context elements', () => {
    expectOneProblem(message({ type: 'context', elements: Array.from({ length: 11 }, () => text('c')) }), /11 elements/);
  });

  it('rejects button text over 75 characters', () => {
    expectOneProblem(message(buttonBlock('l'.repeat(76))), /button: text has 76/);
  });

  it('rejects a button value over 2000 characters', () => {
    expectOneProblem(message(buttonBlock('ok', 'v'.repeat(2001))), /value has 2001/);
  });

  it('rejects a block_id over 255 characters', () => {
    expectOneProblem(message(section('ok', 'b'.repeat(256))), /block_id has 256/);
  });

  it('rejects an action_id over 255 characters', () => {
    expectOneProblem(message(buttonBlock('ok', 'v', 'a'.repeat(256))), /action_id has 256/);
  });

  it('rejects a block_id used twice in one message', () => {
    expectOneProblem(message(section('one', 'same'), section('two', 'same')), /"same" is not unique/);
  });

  it('rejects more than 9,000 characters of text in all, counting every kind of text', () => {
    const atLimit = message(section('s'.repeat(3000)), section('s'.repeat(3000)), section('s'.repeat(3000)));
    expect(blockTextLength(atLimit)).toBe(9000);
    expect(checkMessageLimits(atLimit)).toEqual([]);
    const over = message(
      section('s'.repeat(2990)),
      section('s'.repeat(3000)),
      section('s'.repeat(2900)),
      { type: 'header', text: plain('h'.repeat(40)) },
      { type: 'context', elements: [text('c'.repeat(40))] },
      buttonBlock('b'.repeat(20)),
      checkboxBlock([option('o'.repeat(5), 'v', 'd'.repeat(6))]),
    );
    expect(blockTextLength(over)).toBe(2990 + 3000 + 2900 + 40 + 40 + 20 + 11);
    expectOneProblem(over, /9001 characters of text/);
  });

  it('counts section fields and accessory buttons in the total', () => {
    const m = message({
      type: 'section',
      fields: [text('f'.repeat(100)), text('g'.repeat(50))],
      accessory: { type: 'button', text: plain('Done'), action_id: 'x', value: 'v' },
    });
    expect(blockTextLength(m)).toBe(154);
  });

  it('rejects a fallback text over 3000 characters or empty', () => {
    expectOneProblem({ text: 't'.repeat(3001), blocks: [] }, /fallback text has 3001/);
    expectOneProblem({ text: ' ', blocks: [] }, /fallback text is empty/);
  });

  it('rejects empty texts, which Slack refuses', () => {
    expectOneProblem(message(section('')), /text is empty/);
  });
});

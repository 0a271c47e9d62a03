import { describe, it, expect } from 'vitest';
import { checkboxOption, headerBlock, joinLinesWithin, truncate } from '../../../src/slack/views/blockKit.js';
import { layoutSection, itemForm } from '../../../src/slack/views/sectionLayout.js';
import { buildChecklist } from './fixtures.js';

describe('truncate', () => {
  it('leaves text that fits alone', () => {
    expect(truncate('short', 5)).toBe('short');
  });

  it('cuts to the limit and ends with an ellipsis', () => {
    const out = truncate('abcdefghij', 6);
    expect(out).toBe('abcde…');
    expect(out.length).toBe(6);
  });

  it('drops a mention, link or date token whole rather than cutting into it', () => {
    const text = 'Done by <@U0123456789> at <!date^1700000000^{time}|12:00 UTC>';
    expect(truncate(text, 20)).toBe('Done by…');
    expect(truncate(text, 40)).toBe('Done by <@U0123456789> at…');
  });

  it('does not cut an HTML entity in half', () => {
    expect(truncate('a &amp; b', 5)).toBe('a…');
  });

  it('never exceeds the limit, whatever the text', () => {
    const samples = ['<<<<>>>>', '&&&&&&&&', '😀😀😀😀😀😀', '<@U1> <@U2> <@U3> <@U4>', 'x'.repeat(100)];
    for (const text of samples) for (let max = 0; max < 20; max += 1) expect(truncate(text, max).length).toBeLessThanOrEqual(max);
  });
});

describe('joinLinesWithin', () => {
  it('joins all lines when they fit', () => {
    expect(joinLinesWithin(['a', 'b'], 10)).toBe('a\nb');
  });

  it('ends with how many lines were left out', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line number ${i}`);
    const out = joinLinesWithin(lines, 100);
    expect(out.length).toBeLessThanOrEqual(100);
    const kept = out.split('\n').length - 1;
    expect(out.endsWith(`…and ${50 - kept} more`)).toBe(true);
  });
});

describe('builders', () => {
  it('clamp a header and an option to Slack’s limits', () => {
    expect(headerBlock('h'.repeat(200)).text.text).toHaveLength(150);
    const option = checkboxOption('o'.repeat(80), 'v', 'd'.repeat(80));
    expect(option.text.text).toHaveLength(75);
    expect(option.description!.text).toHaveLength(75);
  });

  it('leave out an empty option description', () => {
    expect(checkboxOption('o', 'v', '')).not.toHaveProperty('description');
  });
});

describe('layoutSection', () => {
  it('groups runs of short items into checkboxes of at most 10, other items stand alone', () => {
    const checklist = buildChecklist([
      {
        title: 'P',
        sections: [
          {
            title: 'S',
            items: [
              ...Array.from({ length: 12 }, () => ({})),
              { kind: 'gate' as const },
              { text: 'y'.repeat(80) },
              { timer: { kind: 'watch' as const, minutes: 30 } },
              {},
            ],
          },
        ],
      },
    ]);
    const section = checklist.phases[0]!.sections[0]!;
    expect(layoutSection(section).map((u) => (u.kind === 'checkboxes' ? `group${u.group}:${u.itemIds.length}` : u.form))).toEqual([
      'group0:10',
      'group1:2',
      'gate',
      'button',
      'timer',
      'group2:1',
    ]);
  });

  it('ends a group before a parent rather than between a parent and its children', () => {
    const depths = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0];
    const checklist = buildChecklist([{ title: 'P', sections: [{ title: 'S', items: depths.map((depth) => ({ depth })) }] }]);
    const units = layoutSection(checklist.phases[0]!.sections[0]!);
    expect(units.map((u) => (u.kind === 'checkboxes' ? u.itemIds.length : 0))).toEqual([9, 4]);
  });

  it('uses an option for text up to 75 characters with its indent, the long form beyond', () => {
    const checklist = buildChecklist([
      {
        title: 'P',
        sections: [
          {
            title: 'S',
            items: [{ text: 'x'.repeat(75) }, { text: 'x'.repeat(76) }, { text: 'x'.repeat(73), depth: 1 }, { text: 'x'.repeat(74), depth: 1 }],
          },
        ],
      },
    ]);
    expect(checklist.phases[0]!.sections[0]!.items.map(itemForm)).toEqual(['option', 'button', 'option', 'button']);
  });
});

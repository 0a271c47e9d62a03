import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Checklist } from '../../../src/domain/checklist.js';
import { parseChecklist } from '../../../src/domain/parseChecklist.js';
import { parseCommand } from '../../../src/slack/commandParser.js';
import { REFERENCE_PART_MAX, renderReferenceText, splitIntoParts } from '../../../src/slack/views/referenceText.js';
import { sharedSamplesDir } from '../../support/sharedSamples.js';

function sample(file: string): Checklist {
  const result = parseChecklist(readFileSync(path.join(sharedSamplesDir(), file), 'utf8'), { name: file, source: file });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.checklist;
}

describe('/deploy ref', () => {
  const timed = sample('timed-deployment-day.md');

  it('lists the reference sections of the run with how to open one', () => {
    const text = renderReferenceText(7, timed, null, 1);
    expect(text).toContain('`/deploy ref &lt;section&gt;` shows one');
    expect(text).toContain('• Emergency Contacts');
    expect(text).toContain('• Pre-Deployment Notice');
  });

  it('shows a contacts table in full, one line per row, by a part of its title', () => {
    const text = renderReferenceText(7, timed, 'emergency', 1);
    expect(text.split('\n')[0]).toBe('*Emergency Contacts*');
    for (const name of ['John Smith', 'Jane Doe', 'Bob Wilson', 'Alice Brown', 'Charlie Davis']) expect(text).toContain(name);
    expect(text).toContain('*Role* · *Name* · *Phone* · *Email*');
  });

  it('answers a heading kept only as an outline with the sections under it', () => {
    expect(renderReferenceText(7, timed, 'success criteria', 1)).toBe(
      '*Success Criteria* has no text of its own; the sections under it:\n• Performance\n• Functionality\n• User Experience',
    );
  });

  it('answers a section it cannot find with the list, not silence', () => {
    const text = renderReferenceText(7, timed, 'nothing like this <!channel>', 1);
    expect(text).toContain('No reference section matches “nothing like this &lt;!channel&gt;”');
    expect(text).toContain('• Emergency Contacts');
  });

  it('splits a long section into parts that together hold every line, each within the reply budget', () => {
    const body = Array.from({ length: 600 }, (_, i) => `- Contact ${i}: someone@example.org, +1 555 ${String(i).padStart(4, '0')}`).join('\n');
    const checklist: Checklist = { ...timed, reference: [{ title: 'Big Rota', line: 1, level: 2, body }] };
    const first = renderReferenceText(7, checklist, 'big rota', 1);
    const match = /\(part 1 of (\d+)\)/.exec(first);
    expect(match).not.toBeNull();
    const count = Number(match![1]);
    const parts = Array.from({ length: count }, (_, i) => renderReferenceText(7, checklist, 'big rota', i + 1));
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(REFERENCE_PART_MAX + 200);
    expect(parts[0]).toContain('`/deploy ref big rota part 2`');
    const all = parts.join('\n');
    for (let i = 0; i < 600; i++) expect(all).toContain(`Contact ${i}:`);
    expect(renderReferenceText(7, checklist, 'big rota', count + 1)).toContain(`has ${count} parts`);
  });

  it('splits an over-long single line by characters rather than dropping it', () => {
    const parts = splitIntoParts('x'.repeat(25), 10);
    expect(parts).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it.each([
    ['ref', { kind: 'ref', run: null, section: null, part: 1 }],
    ['ref #4 Emergency Contacts', { kind: 'ref', run: '#4', section: 'Emergency Contacts', part: 1 }],
    ['reference key contacts part 2', { kind: 'ref', run: null, section: 'key contacts', part: 2 }],
  ])('parses "/deploy %s"', (text, command) => {
    expect(parseCommand(text)).toEqual(command);
  });
});

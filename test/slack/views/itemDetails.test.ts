import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SectionBlock } from '@slack/types';
import { allItems, type Checklist } from '../../../src/domain/checklist.js';
import { parseChecklist } from '../../../src/domain/parseChecklist.js';
import { BlockIds } from '../../../src/slack/ids.js';
import { renderPhasePart } from '../../../src/slack/views/phaseMessages.js';
import { planPhaseParts } from '../../../src/slack/views/phasePlan.js';
import { T0, makeSnapshot, makeWindows, slackProblems } from './fixtures.js';

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/checklists/nested-details.md');

function load(): Checklist {
  const result = parseChecklist(readFileSync(fixture, 'utf8'), { name: 'nested-details', source: fixture });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.checklist;
}

/** The section text of one item in the first phase's message, with every item ticked or none. */
function itemText(checklist: Checklist, itemId: string, ticked: boolean): string {
  const snapshot = makeSnapshot(checklist, { allDone: ticked });
  const phase = checklist.phases[0]!;
  const windows = makeWindows(checklist);
  for (const part of planPhaseParts(phase)) {
    const message = renderPhasePart({ snapshot, phase, part, windows, now: T0, stateOf: () => 'open' });
    expect(slackProblems(message)).toEqual([]);
    const block = message.blocks.find((b) => b.block_id === BlockIds.item(snapshot.run.id, itemId)) as SectionBlock | undefined;
    if (block?.text !== undefined) return block.text.text;
  }
  throw new Error(`item ${itemId} has no section of its own`);
}

describe('an item with nested details', () => {
  const checklist = load();
  const byText = (start: string) => allItems(checklist).find((i) => i.text.startsWith(start))!;

  it('keeps every sub-bullet, code span and link of "Create directories:" as its details', () => {
    expect(byText('Create directories').details).toEqual([
      '`/srv/app/releases`',
      '`/srv/app/shared/logs`',
      '`/var/backups/app` (see [the backup runbook](https://wiki.example.org/backups))',
    ]);
  });

  it.each([false, true])('shows all three details under the item (ticked: %s)', (ticked) => {
    const text = itemText(checklist, byText('Create directories').id, ticked);
    expect(text).toContain(ticked ? '✅' : '⬜');
    expect(text).toContain('`/srv/app/releases`');
    expect(text).toContain('`/srv/app/shared/logs`');
    expect(text).toContain('`/var/backups/app` (see <https://wiki.example.org/backups|the backup runbook>)');
  });

  it.each([false, true])('shows a fenced command under its item (ticked: %s)', (ticked) => {
    expect(itemText(checklist, byText('Copy the config').id, ticked)).toContain('cp config/prod.env /srv/app/shared/.env');
  });

  it('shows the detail of a numbered item under it, and the numbered items without details stay checkboxes', () => {
    expect(itemText(checklist, byText('Drain the node').id, true)).toContain('wait for connections to reach 0');
    expect(() => itemText(checklist, byText('Stop the service').id, false)).toThrow(/no section of its own/);
  });
});

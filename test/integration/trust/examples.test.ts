/**
 * Issue 9 — The example checklists work on a first run, with no placeholder ids: roles they name
 * are given to people with `/deploy role` (the start reply says which roles are unfilled and how),
 * `lint` flags placeholder-looking ids, and one counting function feeds lint, `/deploy
 * checklists`, the overview and the rehearsal.
 *
 * Runs the bundled checklists/ as shipped, plus test/fixtures/trust/placeholder-ids.md.
 *
 * Choices assumed:
 * - "Placeholder-looking": a Slack id whose body is mostly zeros (U0000APPR1, W0000OWN2,
 *   U00000000), a run of X (U0XXXX), a word like PLACEHOLDER, or counting digits (U12345678);
 *   lint reports each as a warning naming the id.
 * - The start reply names every unfilled role of the checklist and shows `/deploy role`.
 * - The overview shows the total either as "n/N" or as "a done · b waived · c open" (N = a+b+c);
 *   the rehearsal prints the same item count ("N items") in its header or summary.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CAROL,
  DAVE,
  EXAMPLE_CHECKLISTS,
  TRUST_FIXTURES,
  audit,
  cliAsync,
  clickButton,
  gateButton,
  openWorld,
  overview,
  tick,
  visibleText,
} from './trustWorld.js';

const PLACEHOLDER_ID = /\b[UW]0{3,}[A-Z0-9]*\b/g;

function overviewTotal(text: string): number | null {
  const split = /(\d+)\s+done\D+(\d+)\s+waived\D+(\d+)\s+open/i.exec(text);
  if (split) return Number(split[1]) + Number(split[2]) + Number(split[3]);
  const ratio = /(\d+)\/(\d+)/.exec(text);
  return ratio ? Number(ratio[2]) : null;
}

const STANDARD = join(EXAMPLE_CHECKLISTS, 'standard-release.md');
/** The CLI takes seconds to load here: its three runs start together, before the tests. */
let lintPlaceholders: { code: number; out: string };
let lintStandard: string;
let rehearseStandard: string;
beforeAll(async () => {
  const [a, b, c] = await Promise.all([
    cliAsync(['lint', join(TRUST_FIXTURES, 'placeholder-ids.md')]),
    cliAsync(['lint', STANDARD]),
    cliAsync(['rehearse', STANDARD, '--at', '2027-02-03 12:00']),
  ]);
  lintPlaceholders = a;
  lintStandard = b.out;
  rehearseStandard = c.out;
});

describe('issue 9 · the example checklists work on a first run', () => {
  it('ships example checklists without placeholder user ids', () => {
    for (const file of readdirSync(EXAMPLE_CHECKLISTS).filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(join(EXAMPLE_CHECKLISTS, file), 'utf8');
      expect(text.match(PLACEHOLDER_ID) ?? [], `${file} names placeholder ids`).toEqual([]);
    }
  });

  it('flags placeholder-looking user ids in lint, naming each id', () => {
    const lint = lintPlaceholders;
    expect(lint.code).toBe(0);
    for (const id of ['U0000APPR1', 'W0000APPR2', 'U00000000', 'U0XXXX', 'UPLACEHOLDER', 'U12345678']) {
      expect(lint.out, `a warning names ${id}`).toMatch(new RegExp(`placeholder-ids\\.md:\\d+: warning: .*${id}`));
    }
  });

  it('tells the lead at start which roles the checklist names are unfilled, and how to fill them', async () => {
    const w = await openWorld({ checklistsDir: EXAMPLE_CHECKLISTS });
    const { reply } = await w.start('standard-release in 3d');
    expect(reply).toMatch(/release lead/i);
    expect(reply).toMatch(/\bsre\b/i);
    expect(reply).toMatch(/\/deploy role/);
  });

  it('passes hotfix’s all-approvers Ship decision once both roles it names have voted Go', async () => {
    const w = await openWorld({ checklistsDir: EXAMPLE_CHECKLISTS });
    const { runId } = await w.start('hotfix');
    await w.say(`role incident commander <@${CAROL}>`);
    await w.say(`role service owner <@${DAVE}>`);
    await tick(w, runId, 's1.i0');
    for (const user of [CAROL, DAVE]) {
      const go = gateButton(w, runId, 's1.i1', 'dd_gate_go');
      expect(go, 'the Ship decision gate has a Go button').toBeDefined();
      await clickButton(w, go!, user);
      await w.bot.bot.sync.idle();
    }
    const passed = audit(w.db, runId).filter((a) => a.action === 'gate.go' && a.detail?.['outcome'] === 'passed');
    expect(
      passed.map((a) => a.actor),
      'the second Go decides the gate',
    ).toEqual([DAVE]);
  });

  it('counts items and timed sections the same way in lint, /deploy checklists, the overview and the rehearsal', async () => {
    const lint = lintStandard;
    const fromLint = /(\d+) items.*?(\d+) timed sections?/.exec(lint);
    expect(fromLint, lint).not.toBeNull();
    const [items, timed] = [Number(fromLint![1]), Number(fromLint![2])];

    const w = await openWorld({ checklistsDir: EXAMPLE_CHECKLISTS });
    const listed = (await w.say('checklists')).split('\n').find((l) => l.includes('standard-release'))!;
    expect(listed, '/deploy checklists').toMatch(new RegExp(`\\b${items} items\\b`));
    expect(listed, '/deploy checklists').toMatch(new RegExp(`\\b${timed} timed sections?\\b`));

    await w.start('standard-release in 3d');
    expect(overviewTotal(visibleText(overview(w))), 'the overview counts the same items').toBe(items);

    const rehearsal = rehearseStandard;
    expect(rehearsal, 'the rehearsal counts the same items').toMatch(new RegExp(`\\b${items} items\\b`));
  });
});

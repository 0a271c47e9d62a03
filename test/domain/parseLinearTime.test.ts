import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/domain/parseChecklist.js';
import { regexSearches, regexesOverBacktrackBudget } from '../support/regexWork.js';

/**
 * Parsing must cost work in proportion to the text: one slow checklist stalls the whole process
 * (health checks, every channel's clicks). Seen in an attack pass: a heading of `### a`, 20,000
 * spaces and `b` took hours. These tests never measure time (speed is measured only in bench/), they
 * count work (test/support/regexWork.ts): the regex searches parsing starts may grow at most about
 * linearly (a 4 KB variant at most 16 × 1.25 times its 256 B variant's; quadratic growth is 256 ×),
 * and no regex may backtrack more than a few times the text's length in one search (a catastrophic
 * regex is one search that never ends). The line-length limit is lifted so that the patterns
 * themselves are what is counted.
 */

/**
 * Counts are exact, so 16 times is plenty to tell linear from quadratic growth, at any size where the
 * run outweighs the lines around it. 4 KB rather than 16 KB: the same proof for a quarter of the CPU
 * (the parse runs twice per text, here counting searches and in the backtrack probe's child).
 */
const SMALL = 256;
const LARGE = 16 * 256;
/** Linear growth is 16 (less, with the lines around the attack); quadratic would be 256. */
const MAX_RATIO = 16 * 1.25;
/** Backtracks allowed in one search: a few passes over the whole checklist. */
const BACKTRACK_BUDGET = 8 * (LARGE + 1024);
const NO_LIMITS = { maxFileBytes: Infinity, maxLineChars: Infinity, maxItems: Infinity, maxMessages: Infinity };

function parse(text: string): void {
  parseChecklist(text, { name: 'attack', source: 'attack.md', limits: NO_LIMITS });
}

/** How many times more regex searches parsing `large` starts than parsing `small`. */
function searchGrowth(small: string, large: string): number {
  return regexSearches(() => parse(large)) / regexSearches(() => parse(small));
}

/** The regexes that backtrack over the budget in one search while the built parser reads `texts`. */
function overBudget(texts: string[]): string[] {
  return regexesOverBacktrackBudget(
    'dist/domain/parseChecklist.js',
    `(m, text) => m.parseChecklist(text, { name: 'attack', source: 'attack.md', limits: { maxFileBytes: Infinity, maxLineChars: Infinity, maxItems: Infinity, maxMessages: Infinity } })`,
    texts,
    BACKTRACK_BUDGET,
  );
}

/** A checklist with one attacking line of about `size` characters: `wrap` places the run of `unit`. */
function checklistWith(wrap: (run: string) => string, unit: string, size: number): string {
  const run = unit.repeat(Math.max(1, Math.floor(size / unit.length)));
  return `# Attack\n## Phase\n- [ ] First step\n${wrap(run)}\n- [ ] Last step\n`;
}

/** Where a long run can sit: headings (with and without timing), task and list lines, details, tables, prose. */
const PLACES: Record<string, (run: string) => string> = {
  heading: (run) => `### a${run}b`,
  'heading with a window': (run) => `## (1-1${run}x`,
  'heading with an offset': (run) => `## T-${run}x`,
  task: (run) => `- [ ] a${run}b`,
  'task ending in the run': (run) => `- [ ] a${run}`,
  'sign-off task': (run) => `- [ ] Lead:${run}x`,
  'list entry': (run) => `- a${run}b`,
  detail: (run) => `  - a${run}b`,
  'prose line': (run) => `a${run}b`,
  'table row': (run) => `| a${run}b |`,
  'table delimiter': (run) => `| a | b |\n|--${run}x|`,
};

const UNITS = [
  ' ',
  '\t',
  '(',
  '-',
  '1',
  '*',
  '_',
  '[',
  '|',
  '#',
  '`',
  ' **a',
  '[a](',
  '<http:',
  ' ~~a',
  ' __a',
  ' monitor',
  ' if',
  ' for 1',
  'T-1',
  '(1 ',
  'Lead: ',
];

function growth(place: (run: string) => string, unit: string): number {
  return searchGrowth(checklistWith(place, unit, SMALL), checklistWith(place, unit, LARGE));
}

describe('the long lines of the attack pass parse in linear work', () => {
  const cases: Array<[string, (run: string) => string]> = [
    ['a heading of `### a`, spaces and `b`', (run) => `### a${run}b`],
    ['a heading holding `(1-1`, spaces and `x`', (run) => `## (1-1${run}x`],
    ['a task line full of spaces', (run) => `- [ ] a${run}b`],
  ];
  for (const [name, place] of cases) {
    it(`${name} starts at most 16 × 1.25 times more regex searches for 16 times the spaces`, () => {
      expect(searchGrowth(checklistWith(place, ' ', 2000), checklistWith(place, ' ', 125))).toBeLessThanOrEqual(16 * 1.25);
    });
  }

  it('none of them makes a regex backtrack over the budget (the cubic heading did, by far)', () => {
    expect(overBudget(cases.map(([, place]) => checklistWith(place, ' ', LARGE)))).toEqual([]);
  });
});

describe('parsing work grows linearly with the text', () => {
  for (const [where, place] of Object.entries(PLACES)) {
    it(`a long run in a ${where} starts at most ${MAX_RATIO} times the regex searches of a run 16 times shorter, none backtracking over the budget`, () => {
      const slow = UNITS.map((unit) => ({ unit, ratio: growth(place, unit) })).filter((r) => r.ratio > MAX_RATIO);
      expect(slow).toEqual([]);
      expect(overBudget(UNITS.map((unit) => checklistWith(place, unit, LARGE)))).toEqual([]);
    });
  }

  it('a generated mix of pathological characters parses in near-linear work', () => {
    // A fixed seed: the same lines every run, so a failure can be reproduced.
    let seed = 0x5eed;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = [' ', '\t', '(', ')', '-', '1', '*', '_', '[', ']', '|', '#', ':', '.', 'a', 'x'];
    const places = Object.values(PLACES);
    const slow: Array<{ sample: number; ratio: number }> = [];
    const large: string[] = [];
    for (let sample = 0; sample < 6; sample++) {
      // A unit of a few runs of one character each, repeated to the size.
      let unit = '';
      for (let r = 0; r < 4; r++) unit += alphabet[random(alphabet.length)]!.repeat(1 + random(6));
      const place = places[random(places.length)]!;
      const ratio = growth(place, unit);
      if (ratio > MAX_RATIO) slow.push({ sample, ratio });
      large.push(checklistWith(place, unit, LARGE));
    }
    expect(slow).toEqual([]);
    expect(overBudget(large)).toEqual([]);
  });
});

describe('people prose (contacts, rota, escalation) parses in linear work', () => {
  const inSection = (heading: string, line: (run: string) => string) => (run: string) => `### ${heading}\n${line(run)}`;
  const PEOPLE_PLACES: Record<string, (run: string) => string> = {
    'contact line': inSection('Key Contacts', (run) => `- Owner: a${run}b`),
    'contact prose with an address': inSection('Contacts', (run) => `a${run}@b`),
    'contacts table row': inSection('Contacts', (run) => `| Role | Name | Email |\n|---|---|---|\n| Owner | a${run}b | x@y.test |`),
    'shift line': inSection('Support Rota', (run) => `- Early (7AM-3PM): a${run}b`),
    'rota line': inSection('Support Rota', (run) => `- a${run}b`),
    'escalation step': inSection('Escalation', (run) => `1. a${run}b`),
  };
  const PEOPLE_UNITS = [' ', '-', '—', '1', '@', '.', 'a@', 'a.', ':', '(', '+1 ', '7AM-', '7:00-', 'Nov 1', '1. ', '→'];
  /** The section is reference material: the items sit in a phase before it. */
  const withRun = (place: (run: string) => string, unit: string, size: number): string =>
    `# Attack\n## Phase\n- [ ] Only step\n## People\n${place(unit.repeat(Math.max(1, Math.floor(size / unit.length))))}\n`;
  for (const [where, place] of Object.entries(PEOPLE_PLACES)) {
    it(`a long run in a ${where} starts at most ${MAX_RATIO} times the regex searches of a run 16 times shorter, none backtracking over the budget`, () => {
      const slow = PEOPLE_UNITS.map((unit) => ({ unit, ratio: searchGrowth(withRun(place, unit, SMALL), withRun(place, unit, LARGE)) })).filter(
        (r) => r.ratio > MAX_RATIO,
      );
      expect(slow).toEqual([]);
      expect(overBudget(PEOPLE_UNITS.map((unit) => withRun(place, unit, LARGE)))).toEqual([]);
    });
  }
});

import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/domain/parseChecklist.js';

/**
 * Parsing must cost time in proportion to the text: one slow checklist stalls the whole process
 * (health checks, every channel's clicks). Seen in an attack pass: a heading of `### a`, 20,000
 * spaces and `b` took hours. These tests never assert a time, only how time grows: parsing a 64 KB
 * variant may take at most 64 × 8 times as long as its 1 KB variant (quadratic growth is 4,096 ×).
 * The line-length limit is lifted so that the patterns themselves are what is measured.
 */

const SMALL = 1024;
const LARGE = 64 * 1024;
/** Linear growth is 64; allow 8 times that for noise on a busy machine, still far below quadratic. */
const MAX_RATIO = 64 * 8;
const NO_LIMITS = { maxFileBytes: Infinity, maxLineChars: Infinity, maxItems: Infinity, maxMessages: Infinity };

function parse(text: string): void {
  parseChecklist(text, { name: 'attack', source: 'attack.md', limits: NO_LIMITS });
}

/** This process's CPU time in milliseconds: unlike the wall clock, it does not grow while other processes hold the cores. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Best of several measurements of `run`'s CPU time, each repeated until it takes a few milliseconds, per call. */
function costOf(run: () => void): number {
  let reps = 1;
  let best = Infinity;
  for (let sample = 0; sample < 3; sample++) {
    for (;;) {
      const start = cpuMs();
      for (let i = 0; i < reps; i++) run();
      const took = cpuMs() - start;
      if (took >= 4 || reps >= 1 << 14) {
        best = Math.min(best, took / reps);
        break;
      }
      reps *= 2;
    }
  }
  return best;
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
  const small = checklistWith(place, unit, SMALL);
  const large = checklistWith(place, unit, LARGE);
  return costOf(() => parse(large)) / costOf(() => parse(small));
}

describe('the long lines of the attack pass parse in linear time', () => {
  // Small sizes (125 and 2,000 characters): even the cubic cost these lines had stays short here.
  const cases: Array<[string, (run: string) => string]> = [
    ['a heading of `### a`, spaces and `b`', (run) => `### a${run}b`],
    ['a heading holding `(1-1`, spaces and `x`', (run) => `## (1-1${run}x`],
    ['a task line full of spaces', (run) => `- [ ] a${run}b`],
  ];
  for (const [name, place] of cases) {
    it(`${name} costs at most 16 × 8 times more for 16 times the spaces`, () => {
      const ratio = costOf(() => parse(checklistWith(place, ' ', 2000))) / costOf(() => parse(checklistWith(place, ' ', 125)));
      expect(ratio).toBeLessThan(16 * 8);
    });
  }
});

describe('parsing time grows linearly with the text', () => {
  for (const [where, place] of Object.entries(PLACES)) {
    it(`a long run in a ${where} costs at most ${MAX_RATIO} times the time of a run 64 times shorter`, () => {
      const slow = UNITS.map((unit) => ({ unit, ratio: growth(place, unit) })).filter((r) => r.ratio >= MAX_RATIO);
      expect(slow).toEqual([]);
    });
  }

  it('a generated mix of pathological characters parses in near-linear time', () => {
    // A fixed seed: the same lines every run, so a failure can be reproduced.
    let seed = 0x5eed;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = [' ', '\t', '(', ')', '-', '1', '*', '_', '[', ']', '|', '#', ':', '.', 'a', 'x'];
    const places = Object.values(PLACES);
    const slow: Array<{ sample: number; ratio: number }> = [];
    for (let sample = 0; sample < 6; sample++) {
      // A unit of a few runs of one character each, repeated to the size.
      let unit = '';
      for (let r = 0; r < 4; r++) unit += alphabet[random(alphabet.length)]!.repeat(1 + random(6));
      const ratio = growth(places[random(places.length)]!, unit);
      if (ratio >= MAX_RATIO) slow.push({ sample, ratio });
    }
    expect(slow).toEqual([]);
  });
});

describe('people prose (contacts, rota, escalation) parses in linear time', () => {
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
    it(`a long run in a ${where} costs at most ${MAX_RATIO} times the time of a run 64 times shorter`, () => {
      const slow = PEOPLE_UNITS.map((unit) => ({
        unit,
        ratio: costOf(() => parse(withRun(place, unit, LARGE))) / costOf(() => parse(withRun(place, unit, SMALL))),
      })).filter((r) => r.ratio >= MAX_RATIO);
      expect(slow).toEqual([]);
    });
  }
});

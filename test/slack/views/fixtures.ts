/**
 * Checklists and run snapshots for the view tests, built as objects (not parsed) so these tests do
 * not depend on the parser. The generated checklist is deliberately hostile: long sections, nesting,
 * gates, timers, sign-offs, notes, details and a rollback branch.
 */
import type { Checklist, Item, ItemKind, Phase, PhaseKind, Section } from '../../../src/domain/checklist.js';
import type { GateVote, ItemState, Run, RunSnapshot } from '../../../src/domain/run.js';
import type { SectionWindow } from '../../../src/domain/sectionWindow.js';
import type { SlackMessage } from '../../../src/slack/views/blockKit.js';
import { BlockKitLimits, blocksTextLength, validateBlocks } from '../../support/blockKitRules.js';

export const T0 = Date.UTC(2026, 10, 23, 16, 0); // 2026-11-23 16:00 UTC
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/**
 * Everything Slack would refuse in a rendered message, by the fake Slack's own rules (which share no
 * code with src/): invalid blocks, too much block text, and an empty or oversized `text` fallback.
 */
export function slackProblems(message: SlackMessage): string[] {
  const problems = validateBlocks(message.blocks, { surface: 'message' });
  const total = blocksTextLength(message.blocks);
  if (total > BlockKitLimits.messageBlocksText) problems.push(`blocks hold ${total} characters of text`);
  if (message.text.trim() === '') problems.push('empty text fallback');
  if (message.text.length > BlockKitLimits.messageText) problems.push(`text fallback has ${message.text.length} characters`);
  return problems;
}

/** A user id longer than any Slack issues, so annotations are at their longest. */
export const LONG_USER = 'U0123456789ABCDEFGHIJ';

export interface ItemSpec {
  kind?: ItemKind;
  depth?: number;
  timer?: Item['timer'];
  details?: string[];
  role?: string;
  initiallyDone?: boolean;
  text?: string;
}

export interface SectionSpec {
  title: string;
  implicit?: boolean;
  notes?: string[];
  items: ItemSpec[];
}

export interface PhaseSpec {
  title: string;
  kind?: PhaseKind;
  sections: SectionSpec[];
}

/** Builds a checklist with ids as the parser makes them (`p<n>`, `s<n>`, `s<n>.i<m>`). */
export function buildChecklist(
  phases: PhaseSpec[],
  options: { title?: string; textOf?: (index: number, spec: ItemSpec) => string; reference?: string[] } = {},
): Checklist {
  let sectionIndex = 0;
  let itemIndex = 0;
  let line = 1;
  const built: Phase[] = phases.map((phaseSpec, p) => {
    const phaseLine = line++;
    const sections: Section[] = phaseSpec.sections.map((sectionSpec) => {
      const sectionId = `s${sectionIndex++}`;
      const sectionLine = line++;
      const parents: string[] = [];
      const items: Item[] = sectionSpec.items.map((spec) => {
        const index = itemIndex++;
        const depth = spec.depth ?? 0;
        const id = `${sectionId}.i${index}`;
        parents[depth] = id;
        const item: Item = {
          id,
          text: spec.text ?? options.textOf?.(index, spec) ?? `Item number ${index}`,
          line: line++,
          depth,
          parentId: depth > 0 ? (parents[depth - 1] ?? null) : null,
          details: spec.details ?? [],
          initiallyDone: spec.initiallyDone ?? false,
          kind: spec.kind ?? 'task',
        };
        if (spec.role !== undefined) item.role = spec.role;
        if (spec.timer !== undefined) item.timer = spec.timer;
        return item;
      });
      return {
        id: sectionId,
        title: sectionSpec.title,
        line: sectionLine,
        implicit: sectionSpec.implicit ?? false,
        timing: null,
        items,
        notes: sectionSpec.notes ?? [],
      };
    });
    return { id: `p${p}`, title: phaseSpec.title, line: phaseLine, timing: null, kind: phaseSpec.kind ?? 'normal', sections };
  });
  return {
    name: 'generated',
    title: options.title ?? 'Generated deployment checklist',
    source: 'checklists/generated.md',
    settings: { timezone: 'America/New_York' },
    phases: built,
    reference: (options.reference ?? ['Emergency Contacts', 'Message Templates', 'Notes']).map((title, i) => ({
      title,
      line: 1000 + i,
      level: 2,
      body: `Body of ${title}`,
    })),
  };
}

/** Several tasks, with a parent and two nested children every fourth item and details now and then. */
function tasks(count: number): ItemSpec[] {
  const specs: ItemSpec[] = [];
  for (let i = 0; i < count; i += 1) {
    const cycle = i % 4;
    specs.push({
      depth: cycle === 1 || cycle === 2 ? 1 : cycle === 3 && i % 8 === 7 ? 2 : 0,
      details: i % 5 === 0 ? ['A detail line under the item that explains how to do it properly'] : [],
      initiallyDone: i % 11 === 0,
    });
  }
  // A depth-2 item needs a depth-1 item right before it; fix any that do not.
  for (let i = 1; i < specs.length; i += 1) {
    if ((specs[i]!.depth ?? 0) === 2 && (specs[i - 1]!.depth ?? 0) < 1) specs[i]!.depth = 1;
  }
  return specs;
}

const NOTES = [
  'Run these in order; stop and ask in the channel when anything looks off.',
  'Dashboards: <https://grafana.example.com/d/abc|service overview>',
  'x'.repeat(900),
];

/** 150 items over six phases, with every feature the views know about. */
export function generatedPhases(): PhaseSpec[] {
  return [
    {
      title: 'Pre-Deployment (T-7 days)',
      sections: [
        { title: 'Infrastructure readiness with a deliberately long section title to see it hold', notes: NOTES, items: tasks(42) },
        { title: 'Security', items: tasks(10) },
      ],
    },
    {
      title: 'Deployment Day (T-0)',
      sections: [
        {
          title: 'Phase 1: Canary (10%)',
          items: [...tasks(6), { timer: { kind: 'watch', minutes: 30 } }, { depth: 1 }, { depth: 1 }, { kind: 'gate' }],
        },
        {
          title: 'Phase 2: Expansion (50%)',
          items: [...tasks(6), { timer: { kind: 'watch', minutes: 60 } }, { depth: 1 }, { kind: 'gate' }],
        },
        { title: 'Phase 3: Full rollout (100%)', items: [...tasks(8), { timer: { kind: 'watch', minutes: 120 } }, { kind: 'gate' }] },
      ],
    },
    {
      title: 'Rollback Checklist',
      kind: 'rollback',
      sections: [
        {
          title: 'Rollback Procedure',
          items: [...tasks(5), { timer: { kind: 'timebox', minutes: 5 } }, { depth: 1 }, { depth: 1 }, { kind: 'gate' }],
        },
      ],
    },
    { title: 'Communication', sections: [{ title: 'Communication', implicit: true, items: tasks(37) }] },
    {
      title: 'Post-Deployment (T+1 day)',
      sections: [
        { title: 'Morning checks (6:00 AM - 9:00 AM)', items: tasks(9) },
        { title: 'Handover', items: tasks(9) },
      ],
    },
    {
      title: 'Sign-offs',
      kind: 'signoff',
      sections: [
        {
          title: 'Sign-offs',
          implicit: true,
          items: ['DevOps Lead', 'Engineering Manager', 'QA Lead', 'Security Officer', 'Product Manager'].map((role) => ({
            kind: 'signoff' as const,
            role,
            text: role,
          })),
        },
      ],
    },
  ];
}

export function generatedChecklist(textOf?: (index: number, spec: ItemSpec) => string): Checklist {
  return buildChecklist(generatedPhases(), textOf === undefined ? {} : { textOf });
}

/** Text of exactly `length` characters that still starts with something readable. */
export function textOfLength(length: number): (index: number) => string {
  return (index) => {
    const start = `Item ${index} `;
    return (start + 'lorem ipsum dolor sit amet '.repeat(Math.ceil(length / 27) + 1)).slice(0, length);
  };
}

export function makeRun(checklist: Checklist, overrides: Partial<Run> = {}): Run {
  return {
    id: 12,
    checklistName: checklist.name,
    checklist,
    channelId: 'C0DEPLOY',
    startedBy: 'U0LEAD',
    t0: T0,
    slipMinutes: 0,
    timezone: 'America/New_York',
    status: 'active',
    rollbackActive: false,
    rollbackReason: null,
    createdAt: T0 - 8 * DAY,
    endedAt: null,
    endReason: null,
    ...overrides,
  };
}

export interface SnapshotOptions {
  /** Mark every item done (the worst case for annotations). */
  allDone?: boolean;
  /** Waive every third done item with a long reason instead. */
  waiveSome?: boolean;
  /** Give every gate many votes with long reasons. */
  manyVotes?: boolean;
  /** Start every timer. */
  timersStarted?: boolean;
  run?: Partial<Run>;
}

export function makeSnapshot(checklist: Checklist, options: SnapshotOptions = {}): RunSnapshot {
  const items: Record<string, ItemState> = {};
  const votes: GateVote[] = [];
  let n = 0;
  for (const phase of checklist.phases) {
    for (const section of phase.sections) {
      for (const item of section.items) {
        n += 1;
        const waived = options.waiveSome === true && n % 3 === 0;
        const done = options.allDone === true ? !waived : item.initiallyDone;
        items[item.id] = {
          itemId: item.id,
          done,
          by: options.allDone === true && !waived ? LONG_USER : null,
          at: options.allDone === true ? T0 + n * 60_000 : null,
          waivedReason: waived ? `Not needed this time because ${'the change is small '.repeat(30)}` : null,
          timerStartedAt: options.timersStarted === true && item.timer !== undefined ? T0 + n * 60_000 : null,
        };
        if (options.manyVotes === true && item.kind === 'gate') {
          for (let v = 0; v < 9; v += 1) votes.push({ itemId: item.id, userId: `${LONG_USER}${v}`, vote: 'go', reason: null, at: T0 + v * 60_000 });
          for (let v = 0; v < 4; v += 1) {
            votes.push({
              itemId: item.id,
              userId: `${LONG_USER}N${v}`,
              vote: 'no_go',
              reason: `Error rate <b>too high</b> & ${'rising fast '.repeat(40)}`,
              at: T0 + v * 60_000,
            });
          }
        }
      }
    }
  }
  const roles: Record<string, string[]> = {};
  for (const role of ['devops lead', 'qa lead', 'lead', 'approver']) roles[role] = [LONG_USER, `${LONG_USER}2`, `${LONG_USER}3`];
  return { run: makeRun(checklist, options.run), items, votes, roles };
}

/** Windows for every section, longer than a day so both ends carry a date (the longest form). */
export function makeWindows(checklist: Checklist): SectionWindow[] {
  return checklist.phases.flatMap((phase, p) =>
    phase.sections.map((section, s) => ({
      sectionId: section.id,
      phaseId: phase.id,
      opensAt: T0 + (p - 2) * DAY + s * HOUR,
      closesAt: T0 + (p - 1) * DAY + s * HOUR + 2 * DAY,
      explicit: true,
    })),
  );
}

/** A small canary-style checklist, written for these tests. */
export function canaryChecklist(): Checklist {
  return buildChecklist(
    [
      {
        title: 'Release day',
        sections: [
          {
            title: 'Before we start (T-2 hours)',
            notes: ['Everyone joins the bridge call first.'],
            items: [
              { text: 'Freeze merges to **main**', initiallyDone: true },
              { text: 'Confirm the on-call engineer is online' },
              { text: 'Open the [release dashboard](https://dash.example.com)' },
            ],
          },
          {
            title: 'Canary at 5%',
            items: [
              { text: 'Route 5% of traffic to the new build' },
              { text: 'Watch latency and errors for 30 minutes', timer: { kind: 'watch', minutes: 30 } },
              { text: 'p95 latency within 10% of last week', depth: 1 },
              { text: 'Error ratio under 0.1%', depth: 1 },
              {
                text: 'Check that the background workers drained their queues and that no retries piled up in the dead-letter queue',
              },
              { text: 'Go/No-Go for widening the canary', kind: 'gate' },
            ],
          },
          { title: 'Widen to everyone', items: [{ text: 'Route all traffic to the new build' }] },
        ],
      },
      {
        title: 'Rollback',
        kind: 'rollback',
        sections: [{ title: 'Rollback', implicit: true, items: [{ text: 'Route traffic back to the old build' }] }],
      },
      {
        title: 'Sign-off',
        kind: 'signoff',
        sections: [{ title: 'Sign-off', implicit: true, items: [{ text: 'Release Manager', kind: 'signoff', role: 'Release Manager' }] }],
      },
    ],
    { title: 'Payments API release' },
  );
}

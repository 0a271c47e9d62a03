/**
 * Checklists and run snapshots for the pure-rule tests (gates, escalation, roles), built as
 * objects so these tests depend on nothing but the shared types. Ids follow the parser:
 * `p<n>` per phase, `s<n>` per section over the file, `s<section>.i<item>` with the item index
 * counted over the whole checklist.
 */
import type { Checklist, ChecklistSettings, HeadingTiming, Item, ItemKind, Phase, PhaseKind } from '../../src/domain/checklist.js';
import type { GateVote, ItemState, Run, RunSnapshot, Vote } from '../../src/domain/run.js';

export const T0 = Date.UTC(2026, 2, 10, 14, 0); // 2026-03-10 14:00 UTC
export const MINUTE = 60_000;

export interface ItemSpec {
  text: string;
  kind?: ItemKind;
  depth?: number;
  done?: boolean;
  role?: string;
  timer?: Item['timer'];
}

export interface SectionSpec {
  title: string;
  items: Array<string | ItemSpec>;
  implicit?: boolean;
  timing?: HeadingTiming | null;
}

export interface PhaseSpec {
  title: string;
  kind?: PhaseKind;
  sections: SectionSpec[];
}

export function gateItem(text: string): ItemSpec {
  return { text, kind: 'gate' };
}

export function checklistOf(phases: PhaseSpec[], settings: ChecklistSettings = {}, title = 'Payments release'): Checklist {
  let sectionIndex = 0;
  let itemIndex = 0;
  let line = 3;
  const built: Phase[] = phases.map((phase, p) => ({
    id: `p${p}`,
    title: phase.title,
    line: line++,
    timing: null,
    kind: phase.kind ?? 'normal',
    sections: phase.sections.map((section) => {
      const id = `s${sectionIndex++}`;
      const parents: string[] = [];
      return {
        id,
        title: section.title,
        line: line++,
        implicit: section.implicit ?? false,
        timing: section.timing ?? null,
        notes: [],
        items: section.items.map((raw): Item => {
          const spec = typeof raw === 'string' ? { text: raw } : raw;
          const depth = spec.depth ?? 0;
          const itemId = `${id}.i${itemIndex++}`;
          parents[depth] = itemId;
          const item: Item = {
            id: itemId,
            text: spec.text,
            line: line++,
            depth,
            parentId: depth > 0 ? (parents[depth - 1] ?? null) : null,
            details: [],
            initiallyDone: spec.done ?? false,
            kind: spec.kind ?? 'task',
          };
          if (spec.role !== undefined) item.role = spec.role;
          if (spec.timer !== undefined) item.timer = spec.timer;
          return item;
        }),
      };
    }),
  }));
  return { name: 'payments-release', title, source: 'checklists/payments-release.md', settings, phases: built, reference: [] };
}

export function runOf(checklist: Checklist, overrides: Partial<Run> = {}): Run {
  return {
    id: 7,
    checklistName: checklist.name,
    checklist,
    channelId: 'C0DEPLOY1',
    startedBy: 'U0LEAD001',
    t0: T0,
    slipMinutes: 0,
    timezone: 'UTC',
    status: 'active',
    rollbackActive: false,
    rollbackReason: null,
    createdAt: T0 - 60 * MINUTE,
    endedAt: null,
    endReason: null,
    ...overrides,
  };
}

export function done(itemId: string, by = 'U0LEAD001', at = T0): ItemState {
  return { itemId, done: true, by, at, waivedReason: null, timerStartedAt: null };
}

export function waived(itemId: string, reason: string): ItemState {
  return { itemId, done: false, by: 'U0LEAD001', at: T0, waivedReason: reason, timerStartedAt: null };
}

export function voteOf(itemId: string, userId: string, vote: Vote, at = T0, reason: string | null = null): GateVote {
  return { itemId, userId, vote, reason, at };
}

/** A snapshot whose item states start from the template and then take `items` on top. */
export function snapshotOf(
  checklist: Checklist,
  options: { run?: Partial<Run>; items?: ItemState[]; votes?: GateVote[]; roles?: Record<string, string[]> } = {},
): RunSnapshot {
  const items: Record<string, ItemState> = {};
  for (const phase of checklist.phases) {
    for (const section of phase.sections) {
      for (const item of section.items) {
        items[item.id] = {
          itemId: item.id,
          done: item.initiallyDone,
          by: null,
          at: null,
          waivedReason: null,
          timerStartedAt: null,
        };
      }
    }
  }
  for (const state of options.items ?? []) items[state.itemId] = state;
  return {
    run: runOf(checklist, options.run),
    items,
    votes: options.votes ?? [],
    roles: options.roles ?? { lead: ['U0LEAD001'], approver: ['U0APPR001'] },
  };
}

/** Finds a section id by title, so tests read by name rather than by index. */
export function sectionId(checklist: Checklist, title: string): string {
  for (const phase of checklist.phases) {
    for (const section of phase.sections) if (section.title === title) return section.id;
  }
  throw new Error(`no section titled ${title} in the fixture`);
}

/** Finds an item id by its text. */
export function itemId(checklist: Checklist, text: string): string {
  for (const phase of checklist.phases) {
    for (const section of phase.sections) {
      for (const item of section.items) if (item.text === text) return item.id;
    }
  }
  throw new Error(`no item "${text}" in the fixture`);
}

/** A release with two gates in the normal flow, a sign-off phase and a rollback branch. */
export function gatedRelease(settings: ChecklistSettings = {}): Checklist {
  return checklistOf(
    [
      {
        title: 'Preparation',
        sections: [
          { title: 'Freeze', items: ['Announce the code freeze', 'Tag the release candidate'] },
          { title: 'Readiness review', items: ['Walk through the runbook', gateItem('Go/No-Go: ship to canary?')] },
        ],
      },
      {
        title: 'Deploy',
        sections: [
          { title: 'Canary', items: ['Deploy to the canary pool', gateItem('Go/No-Go: widen to everyone?')] },
          { title: 'Full rollout', items: ['Deploy to every pool'] },
        ],
      },
      {
        title: 'Rollback',
        kind: 'rollback',
        sections: [
          { title: 'Decide', items: ['Confirm the failure with the lead'] },
          { title: 'Revert', items: ['Redeploy the previous tag'] },
        ],
      },
      {
        title: 'Sign-off',
        kind: 'signoff',
        sections: [{ title: 'Sign-off', implicit: true, items: [{ text: 'QA Lead', kind: 'signoff', role: 'QA Lead' }] }],
      },
    ],
    settings,
  );
}

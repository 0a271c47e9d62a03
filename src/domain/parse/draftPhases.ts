import type { HeadingTiming, ReferenceSection } from '../checklist.js';
import { parseHeadingTiming } from '../headingTiming.js';
import { isGateText, isRollbackTitle, signoffLineRole } from '../itemClassifier.js';
import { plainWords } from './plainWords.js';
import type { PhaseDraft, ReportProblem, SectionDraft, SourceLine } from './drafts.js';
import { LIST_ENTRY, ORDERED_ENTRY, TABLE_CHECKBOX, TASK } from './lineSyntax.js';
import { excerpt } from './excerpt.js';
import { parseBody, type BodyResult } from './parseBody.js';
import { classifyRollbackHeading, type RollbackHeadingNote, type RollbackOverrides } from './rollbackHeading.js';
import type { Block } from './splitBlocks.js';
import {
  classifyTriggerHeading,
  namesTriggers,
  triggerConditions,
  type TriggerConditionDraft,
  type TriggerHeadingNote,
  type TriggerOverrides,
} from './triggerHeading.js';

/** A heading whose entries are rollback triggers, before it is placed after the phase it guards. */
export interface TriggerDraft {
  title: string;
  line: number;
  conditions: TriggerConditionDraft[];
  notes: string[];
}

export interface PhaseDrafts {
  /** The first `#` heading, or null when the file has none. */
  title: string | null;
  titleLine: number;
  phases: PhaseDraft[];
  /** Headings without items; untitled ones (prose before any heading) get the checklist title later. */
  reference: ReferenceSection[];
  /** How every heading that mentions rollback was classified, and why (for `deployday lint`). */
  rollbackHeadings: RollbackHeadingNote[];
  triggers: TriggerDraft[];
  /** How every heading that names triggers was classified, and why (for `deployday lint`). */
  triggerHeadings: TriggerHeadingNote[];
}

/**
 * Heading blocks → phases and sections: `#` is the title, `##` opens a phase, `###` and deeper are
 * sections of the current phase (flattened), and a heading with no items is reference material.
 */
export function draftPhases(
  blocks: Block[],
  problem: ReportProblem,
  overrides: RollbackOverrides = {},
  triggerOverrides: TriggerOverrides = {},
): PhaseDrafts {
  let title: string | null = null;
  let titleLine = 1;
  const phases: PhaseDraft[] = [];
  const reference: ReferenceSection[] = [];
  let current: PhaseDraft | null = null;
  let sectionCount = 0;
  const phaseTitles = new Map<string, number>();
  let warnedOrphan = false;
  const rollbackHeadings: RollbackHeadingNote[] = [];
  const triggers: TriggerDraft[] = [];
  const triggerHeadings: TriggerHeadingNote[] = [];
  /** The title of the current `##` when it names triggers: its sections are trigger lists too. */
  let triggerPhase: string | null = null;
  /**
   * Takes a heading's body as a trigger list when the heading names triggers (or front matter says
   * so), records why, and answers whether it did. Triggers are decided before rollback: "Rollback
   * Triggers" is watched during the run, not held back.
   */
  const takenAsTriggers = (heading: { title: string; line: number }, lines: SourceLine[], within: string | null): boolean => {
    const { conditions, notes } = triggerConditions(lines);
    const hasGateOrSignoff =
      lines.some((l) => TABLE_CHECKBOX.test(l.text)) || conditions.some((c) => isGateText(plainWords(c.text)) || signoffLineRole(c.text) !== null);
    const note = classifyTriggerHeading(heading, { conditions: conditions.length, hasGateOrSignoff }, triggerOverrides, within);
    if (note === null) return false;
    triggerHeadings.push(note);
    if (!note.trigger) return false;
    triggers.push({ title: heading.title, line: heading.line, conditions, notes });
    return true;
  };
  /** Classifies a heading, records why, and answers whether it is held back for a rollback. */
  const heldBack = (heading: { title: string; line: number }, lines: SourceLine[], items: string[], within?: PhaseDraft | null): boolean => {
    const numberedSteps = !lines.some((l) => TASK.test(l.text) || TABLE_CHECKBOX.test(l.text)) && lines.some((l) => ORDERED_ENTRY.test(l.text));
    const note = classifyRollbackHeading(heading, { items, numberedSteps }, overrides);
    if (within?.rollback === true) {
      // Inside a held phase everything is held; said so when the heading itself mentions rollback.
      if (note !== null) rollbackHeadings.push({ ...note, held: true, reason: `held with its phase "${within.title}"` });
      return false;
    }
    if (note !== null) rollbackHeadings.push(note);
    return note?.held ?? false;
  };

  const newSection = (
    heading: { title: string; line: number; timing: HeadingTiming | null },
    implicit: boolean,
    body: BodyResult,
    rollback: boolean,
  ): SectionDraft => ({
    index: sectionCount++,
    title: heading.title,
    line: heading.line,
    implicit,
    timing: heading.timing,
    items: body.items,
    notes: body.notes,
    rollback,
  });

  const openPhase = (t: string, line: number, level: number, timing: HeadingTiming | null, untitled: boolean): PhaseDraft => {
    const phase: PhaseDraft = { title: t, untitled, line, level, timing, sections: [], hasReference: false, rollback: false };
    phases.push(phase);
    return phase;
  };

  for (const block of blocks) {
    const heading = block.heading;
    if (heading === null) {
      // Content before any heading.
      const body = parseBody(block.body, false, problem);
      if (body.items.length > 0) {
        if (!warnedOrphan) {
          problem(body.items[0]!.line, 'warning', 'item before any heading: it goes into an implicit phase; put it under a `##` heading');
          warnedOrphan = true;
        }
        current = openPhase('', body.items[0]!.line, 2, null, true);
        current.sections.push(newSection({ title: '', line: current.line, timing: null }, true, body, false));
      } else if (body.prose.trim() !== '') {
        reference.push({ title: '', line: block.body[0]?.line ?? 1, level: 0, body: body.prose });
      }
      continue;
    }

    const timed = parseHeadingTiming(heading.text);
    if (timed.error !== undefined) problem(heading.line, 'error', timed.error);
    const headingTitle = timed.title;

    if (heading.level === 1 && title === null) {
      title = plainWords(headingTitle);
      titleLine = heading.line;
      const body = parseBody(block.body, isRollbackTitle(headingTitle), problem);
      if (body.items.length > 0) {
        current = openPhase(title, heading.line, 1, timed.timing, false);
        current.sections.push(newSection({ title, line: heading.line, timing: timed.timing }, true, body, false));
      } else if (body.prose.trim() !== '') {
        reference.push({ title, line: heading.line, level: 1, body: body.prose });
      }
      continue;
    }

    if (heading.level <= 2) {
      const key = headingTitle.toLowerCase();
      const first = phaseTitles.get(key);
      if (first !== undefined) {
        problem(heading.line, 'warning', `duplicate phase heading "${excerpt(headingTitle)}" (first on line ${first})`);
      } else {
        phaseTitles.set(key, heading.line);
      }
      current = openPhase(headingTitle, heading.line, heading.level, timed.timing, false);
      const override = Object.entries(triggerOverrides).find(
        ([name]) => name.trim().toLowerCase() === plainWords(headingTitle).trim().toLowerCase(),
      )?.[1];
      triggerPhase = override === 'triggers' || (override === undefined && namesTriggers(headingTitle)) ? headingTitle : null;
      if (triggerPhase !== null) {
        // Its own entries (if any) are a trigger list; the outline it heads is not a phase of work.
        // (hasReference: no empty reference section stands in for it when it holds only trigger lists.)
        const listed = block.body.some((l) => LIST_ENTRY.test(l.text));
        if (!listed || takenAsTriggers({ title: headingTitle, line: heading.line }, block.body, null)) {
          current.hasReference = true;
          const prose = listed ? '' : parseBody(block.body, false, problem).prose;
          if (prose.trim() !== '') reference.push({ title: headingTitle, line: heading.line, level: heading.level, body: prose });
          continue;
        }
        // Entries that are work after all (a Go/No-Go or a sign-off among them): read as written.
        triggerPhase = null;
      }
      current.rollback = heldBack({ title: headingTitle, line: heading.line }, block.body, []);
      const body = parseBody(block.body, current.rollback, problem);
      if (body.items.length > 0) {
        // The phase's own items: a section that shares the phase's title and timing.
        current.sections.push(newSection({ title: headingTitle, line: heading.line, timing: timed.timing }, true, body, false));
      } else if (body.prose.trim() !== '') {
        reference.push({ title: headingTitle, line: heading.line, level: heading.level, body: body.prose });
        current.hasReference = true;
      }
      continue;
    }

    // ### and deeper: sections, flattened.
    if (takenAsTriggers({ title: headingTitle, line: heading.line }, block.body, triggerPhase)) {
      // Kept out of the phase (and out of the reference sections): it is shown as its own list.
      // (hasReference: a `##` holding only trigger lists needs no empty reference section to keep its outline.)
      if (current !== null) current.hasReference = true;
      continue;
    }
    const phaseIsRollback = current?.rollback === true;
    const body = parseBody(block.body, phaseIsRollback || isRollbackTitle(headingTitle), problem);
    if (body.items.length === 0) {
      reference.push({ title: headingTitle, line: heading.line, level: heading.level, body: body.prose });
      continue;
    }
    if (current === null) {
      current = openPhase('', heading.line, 2, null, true);
    }
    const rollback = heldBack(
      { title: headingTitle, line: heading.line },
      block.body,
      body.items.map((item) => item.md),
      current,
    );
    current.sections.push(newSection({ title: headingTitle, line: heading.line, timing: timed.timing }, false, body, rollback));
  }

  return { title, titleLine, phases, reference, rollbackHeadings, triggers, triggerHeadings };
}

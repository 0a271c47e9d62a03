import type { HeadingTiming, Item, Phase, PhaseKind, Section } from '../checklist.js';
import { classifyItem, signoffText } from '../itemClassifier.js';
import { splitKeyMarker } from '../itemKeys.js';
import { plainWords } from './plainWords.js';
import type { PhaseDraft, SectionDraft } from './drafts.js';

/** Plain words of each item (no markup), for matching front-matter gates. */
export type PlainText = Map<Item, string>;

function buildItems(section: SectionDraft, plainText: PlainText): Item[] {
  return section.items.map((draft, n) => {
    // A trailing `{#key}` names the item for pipelines; it is not part of the text people read.
    const marker = splitKeyMarker(draft.md);
    const raw = { ...draft, md: marker.text };
    const plain = plainWords(raw.md);
    const classification = raw.tableRole !== undefined ? { kind: 'signoff' as const, role: raw.tableRole } : classifyItem(raw.md, plain);
    const item: Item = {
      id: `s${section.index}.i${n}`,
      text: classification.kind === 'signoff' && classification.role !== undefined ? signoffText(classification.role) : raw.md,
      line: raw.line,
      depth: raw.depth,
      parentId: raw.parent === null ? null : `s${section.index}.i${raw.parent}`,
      details: raw.details,
      initiallyDone: raw.done,
      kind: classification.kind,
    };
    if (marker.key !== null) item.key = marker.key;
    if (classification.role !== undefined) item.role = classification.role;
    if ('timer' in classification && classification.timer !== undefined) item.timer = classification.timer;
    plainText.set(item, classification.kind === 'signoff' ? item.text : plain);
    return item;
  });
}

function toSection(draft: SectionDraft, plainText: PlainText): Section {
  return {
    id: `s${draft.index}`,
    title: draft.title,
    line: draft.line,
    implicit: draft.implicit,
    timing: draft.timing,
    items: buildItems(draft, plainText),
    notes: draft.notes,
  };
}

function phaseKind(sections: Section[]): PhaseKind {
  const items = sections.flatMap((s) => s.items);
  if (items.length > 0 && items.every((item) => item.kind === 'signoff')) return 'signoff';
  return 'normal';
}

/**
 * Drafts → phases with ids. A "Rollback …" section inside a normal phase is moved into a rollback
 * phase of its own, placed right after its phase, so it is held back until a rollback like any other
 * rollback phase. (A phase made only of rollback sections simply becomes a rollback phase.)
 */
export function buildPhases(drafts: PhaseDraft[], plainText: PlainText): Phase[] {
  const ordered: Array<{ title: string; line: number; timing: HeadingTiming | null; rollback: boolean; sections: SectionDraft[] }> = [];
  for (const draft of drafts) {
    const kept = draft.sections.filter((s) => !s.rollback);
    const split = draft.sections.filter((s) => s.rollback);
    if (kept.length === 0) {
      ordered.push({ title: draft.title, line: draft.line, timing: draft.timing, rollback: true, sections: split });
      continue;
    }
    ordered.push({ title: draft.title, line: draft.line, timing: draft.timing, rollback: draft.rollback, sections: kept });
    for (const section of split) {
      ordered.push({ title: section.title, line: section.line, timing: section.timing, rollback: true, sections: [section] });
    }
  }
  return ordered.map((p, index) => {
    const sections = p.sections.map((draft) => toSection(draft, plainText));
    return {
      id: `p${index}`,
      title: p.title,
      line: p.line,
      timing: p.timing,
      kind: p.rollback ? 'rollback' : phaseKind(sections),
      sections,
    };
  });
}

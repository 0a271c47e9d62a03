import type { Phase, TriggerList } from '../checklist.js';
import type { TriggerDraft } from './draftPhases.js';

/**
 * Gives each trigger list its id and the phase it guards: the last phase of the normal run written
 * before it. "Immediate Rollback Triggers" under "## Rollback Checklist" guards the deployment
 * phases above it, not the rollback it would start.
 */
export function placeTriggers(drafts: TriggerDraft[], phases: Phase[]): TriggerList[] {
  return drafts.map((draft, index) => {
    const before = phases.filter((p) => p.kind !== 'rollback' && p.line < draft.line);
    return {
      id: `t${index}`,
      title: draft.title,
      line: draft.line,
      afterPhaseId: before[before.length - 1]?.id ?? null,
      conditions: draft.conditions.map((c) => ({ text: c.text, line: c.line, details: c.details })),
      notes: draft.notes,
    };
  });
}

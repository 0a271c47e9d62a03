import type { RunService } from '../service/runService.js';
import type { TimelineService } from '../service/timelineService.js';
import { blockedSections, heldSections } from '../domain/gates.js';
import { OVERVIEW_KEY, parsePhaseKey, partsOf, phaseKey, runMessageLink } from './messageLayout.js';
import type { SlackMessage } from './views/blockKit.js';
import { renderOverview } from './views/overviewMessage.js';
import { renderPhasePart } from './views/phaseMessages.js';
import type { Db } from '../store/db.js';
import { sectionHistoryOf } from '../service/reportService.js';

export type RunMessageRenderer = (runId: number, key: string) => SlackMessage;

/**
 * Renders one of a run's messages from the current state. `permalinkBase` is the workspace URL
 * (from auth.test), so the overview can link to each phase's message without an API call.
 */
export function createRunMessageRenderer(deps: {
  db: Db;
  runs: RunService;
  timeline: TimelineService;
  now: () => number;
  permalinkBase: () => string | null;
}): RunMessageRenderer {
  return (runId, key) => {
    const snapshot = deps.runs.snapshot(runId);
    const now = deps.now();
    const windows = deps.timeline.windows(snapshot.run);
    const states = deps.timeline.sectionStates(snapshot, windows, now);
    const stateOf = (sectionId: string) => states.get(sectionId) ?? 'unscheduled';
    if (key === OVERVIEW_KEY) {
      const base = deps.permalinkBase();
      const phaseLinks: Record<string, string> = {};
      for (const phase of snapshot.run.checklist.phases) {
        const link = runMessageLink(deps.db, base, runId, phaseKey(phase.id, 1));
        if (link) phaseLinks[phase.id] = link;
      }
      return renderOverview({ snapshot, windows, now, phaseLinks, stateOf, history: sectionHistoryOf(deps.db, snapshot.run.checklistName) });
    }
    const ref = parsePhaseKey(key);
    const phase = ref ? snapshot.run.checklist.phases.find((p) => p.id === ref.phaseId) : undefined;
    const part = phase ? partsOf(phase).find((p) => p.part === ref!.part) : undefined;
    if (!phase || !part) throw new Error(`run ${runId} has no message ${key}`);
    return renderPhasePart({
      snapshot,
      phase,
      part,
      windows,
      now,
      blockedSectionIds: blockedSections(snapshot).ids,
      heldSectionIds: heldSections(snapshot),
    });
  };
}

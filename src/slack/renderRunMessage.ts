import type { SectionHistory } from '../domain/forecast.js';
import type { RunService } from '../service/runService.js';
import { parseNudgeMessageKey } from '../service/nudgeMessages.js';
import type { TimelineService } from '../service/timelineService.js';
import { triggerLists } from '../domain/checklist.js';
import { OVERVIEW_KEY, parsePhaseKey, parseTriggersKey, partsOf, phaseKey } from './messageLayout.js';
import type { SlackMessage } from './views/blockKit.js';
import { withoutControls } from './views/endedRunMessage.js';
import { overdueReminderBlocks } from './views/overdueReminder.js';
import { renderOverview } from './views/overviewMessage.js';
import { renderPhasePart } from './views/phaseMessages.js';
import { renderRollbackStandby } from './views/rollbackStandby.js';
import { renderTriggerList } from './views/triggerListMessage.js';

export type RunMessageRenderer = (runId: number, key: string) => Promise<SlackMessage>;

/**
 * Renders one of a run's messages from the current state. `link` gives a posted message's Slack
 * link (built from the workspace URL auth.test gave), so the overview can link to each phase's
 * message without an API call.
 */
export function createRunMessageRenderer(deps: {
  runs: RunService;
  timeline: TimelineService;
  now: () => number;
  link: (runId: number, key: string) => Promise<string | null>;
  /** Past durations of a checklist's sections, for the overview's forecast line. */
  history: (checklistName: string) => Promise<SectionHistory>;
}): RunMessageRenderer {
  // An ended run keeps its messages as a record, with nothing left to click.
  return async (runId, key) => {
    const snapshot = await deps.runs.snapshot(runId);
    const nudgeId = parseNudgeMessageKey(key);
    const message = nudgeId === null ? await render(snapshot, key) : await renderNudge(runId, nudgeId, key);
    return snapshot.run.status === 'active' ? message : withoutControls(message);
  };
  /** An overdue nudge, as it was posted (its button goes with the rest once the run has ended). */
  async function renderNudge(runId: number, reminderId: number, key: string): Promise<SlackMessage> {
    const nudge = await deps.timeline.postedNudge(reminderId);
    if (!nudge || nudge.runId !== runId) throw new Error(`run ${runId} has no message ${key}`);
    return { text: nudge.text, blocks: overdueReminderBlocks(runId, nudge.sectionId, nudge.text) };
  }
  async function render(snapshot: Awaited<ReturnType<RunService['snapshot']>>, key: string): Promise<SlackMessage> {
    const runId = snapshot.run.id;
    const now = deps.now();
    const windows = await deps.timeline.windows(snapshot.run);
    const states = deps.timeline.sectionStates(snapshot, windows, now);
    const stateOf = (sectionId: string) => states.get(sectionId) ?? 'unscheduled';
    if (key === OVERVIEW_KEY) {
      const phaseLinks: Record<string, string> = {};
      for (const phase of snapshot.run.checklist.phases) {
        const link = await deps.link(runId, phaseKey(phase.id, 1));
        if (link) phaseLinks[phase.id] = link;
      }
      return renderOverview({ snapshot, windows, now, phaseLinks, stateOf, history: await deps.history(snapshot.run.checklistName) });
    }
    const triggerId = parseTriggersKey(key);
    if (triggerId !== null) {
      const trigger = triggerLists(snapshot.run.checklist).find((t) => t.id === triggerId);
      if (!trigger) throw new Error(`run ${runId} has no message ${key}`);
      return renderTriggerList({ snapshot, trigger });
    }
    const ref = parsePhaseKey(key);
    const phase = ref ? snapshot.run.checklist.phases.find((p) => p.id === ref.phaseId) : undefined;
    const part = phase ? partsOf(phase).find((p) => p.part === ref!.part) : undefined;
    if (!phase || !part) throw new Error(`run ${runId} has no message ${key}`);
    // Until a rollback starts, its branch is on standby: the same message, as plain text.
    if (phase.kind === 'rollback' && !snapshot.run.rollbackActive) return renderRollbackStandby({ snapshot, phase, part });
    return renderPhasePart({
      snapshot,
      phase,
      part,
      windows,
      now,
      stateOf,
    });
  }
}

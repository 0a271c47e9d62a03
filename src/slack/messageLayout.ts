import { triggerLists, type Checklist, type Phase } from '../domain/checklist.js';
import type { MessageLayout } from '../service/runService.js';
import { partOfItem, planPhaseParts, type PhasePart } from './views/phasePlan.js';

/**
 * A run's messages: `overview`, then `phase:<phaseId>:<part>` for each part of each phase, with
 * `triggers:<triggerId>` after the phase a trigger list guards. Parts are planned from the worst
 * case (views/phaseMessages.ts), so the set of messages is fixed for the life of a run and each
 * keeps its Slack ts. Rollback phases are posted from the start, on standby (plain text, no
 * controls); a rollback updates the same messages in place, so it posts nothing new.
 */
export const OVERVIEW_KEY = 'overview';

export function phaseKey(phaseId: string, part: number): string {
  return `phase:${phaseId}:${part}`;
}

export function triggersKey(triggerId: string): string {
  return `triggers:${triggerId}`;
}

export function parseTriggersKey(key: string): string | null {
  const match = /^triggers:(t\d+)$/.exec(key);
  return match ? match[1]! : null;
}

export function parsePhaseKey(key: string): { phaseId: string; part: number } | null {
  const match = /^phase:(p\d+):(\d+)$/.exec(key);
  return match ? { phaseId: match[1]!, part: Number(match[2]) } : null;
}

const partsCache = new WeakMap<Phase, PhasePart[]>();

export function partsOf(phase: Phase): PhasePart[] {
  let parts = partsCache.get(phase);
  if (!parts) partsCache.set(phase, (parts = planPhaseParts(phase)));
  return parts;
}

export const messageLayout: MessageLayout = {
  // The same keys with or without a rollback: the rollback branch is on standby from the start.
  keysFor(checklist: Checklist): string[] {
    const triggers = triggerLists(checklist);
    const keys = [OVERVIEW_KEY, ...triggers.filter((t) => t.afterPhaseId === null).map((t) => triggersKey(t.id))];
    for (const phase of checklist.phases) {
      for (const part of partsOf(phase)) keys.push(phaseKey(phase.id, part.part));
      keys.push(...triggers.filter((t) => t.afterPhaseId === phase.id).map((t) => triggersKey(t.id)));
    }
    return keys;
  },
  keysForItem(checklist: Checklist, itemId: string): string[] {
    for (const phase of checklist.phases) {
      const part = partOfItem(partsOf(phase), itemId);
      if (part) return [phaseKey(phase.id, part.part)];
    }
    return [];
  },
};

/**
 * A link to one of a run's messages once it is posted, built from the workspace URL auth.test
 * gave (`https://team.slack.com/`) without an API call; null until both are known.
 */
export function runMessageLink(message: { channelId: string; ts: string | null } | null, workspaceUrl: string | null): string | null {
  return workspaceUrl && message?.ts ? `${workspaceUrl}archives/${message.channelId}/p${message.ts.replace('.', '')}` : null;
}

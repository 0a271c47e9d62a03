import type { Checklist, Phase } from '../domain/checklist.js';
import type { MessageLayout } from '../service/runService.js';
import { partOfItem, planPhaseParts, type PhasePart } from './views/phasePlan.js';

/**
 * A run's messages: `overview`, then `phase:<phaseId>:<part>` for each part of each phase.
 * Parts are planned from the worst case (views/phaseMessages.ts), so the set of messages is
 * fixed for the life of a run and each keeps its Slack ts.
 */
export const OVERVIEW_KEY = 'overview';

export function phaseKey(phaseId: string, part: number): string {
  return `phase:${phaseId}:${part}`;
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
  keysFor(checklist: Checklist, opts: { rollback: boolean }): string[] {
    const keys = [OVERVIEW_KEY];
    for (const phase of checklist.phases) {
      if (phase.kind === 'rollback' && !opts.rollback) continue;
      for (const part of partsOf(phase)) keys.push(phaseKey(phase.id, part.part));
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

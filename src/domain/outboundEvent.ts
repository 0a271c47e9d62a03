import { allSections, type Checklist } from './checklist.js';
import type { Run } from './run.js';

/**
 * The events deployday tells the outside world (signed webhooks, PagerDuty change events), as
 * data. Each is derived from a durable fact the bot has already recorded (an audit row, a sent
 * "opened" reminder, a page PagerDuty accepted), so its id is stable: a receiver that sees the
 * same id twice (a retry after a lost answer) can drop the second.
 */
export type OutboundEventType = 'run.started' | 'phase.opened' | 'gate.decided' | 'rollback.declared' | 'page.sent' | 'run.finished';

export interface OutboundEvent {
  /** Stable across retries and restarts, e.g. `audit:42`, `opened:17`, `page:3`. */
  id: string;
  type: OutboundEventType;
  /** When it happened, epoch ms UTC. */
  at: number;
  runId: number;
  checklist: string;
  data: Record<string, unknown>;
}

/** The fact behind an event, as read from the store. */
export type EventFact =
  | { source: 'audit'; id: number; at: number; actor: string; action: string; target: string | null; detail: Record<string, unknown> | null }
  /** `sectionIds`: every section the "opened" announcement named (sections sharing a window share one), the first being `sectionId`. */
  | { source: 'opened'; id: number; at: number; sectionId: string; sectionIds: string[] }
  | { source: 'page'; id: number; at: number; summary: string };

/** Which events go to PagerDuty as change events (never a page: they show beside incidents). */
export const CHANGE_EVENT_TYPES: ReadonlySet<OutboundEventType> = new Set(['phase.opened', 'gate.decided', 'rollback.declared']);

const FINISHED: Record<string, string> = { 'run.complete': 'completed', 'run.abort': 'aborted', 'run.rolled_back': 'rolled_back' };

function itemText(checklist: Checklist, itemId: string | null): string | null {
  for (const { section } of allSections(checklist)) {
    const item = section.items.find((i) => i.id === itemId);
    if (item) return item.text;
  }
  return null;
}

/** The event a fact stands for, or null when the fact is not news to the outside (a vote that decided nothing). */
export function eventFromFact(fact: EventFact, run: Run): OutboundEvent | null {
  const base = { at: fact.at, runId: run.id, checklist: run.checklistName };
  if (fact.source === 'opened') {
    // One event per announcement, as in the channel: sections opening together are listed in `sections`;
    // the first is also given on its own (`sectionId`, `section`, `phase`), as before sections were shared.
    const sections = fact.sectionIds.map((sectionId) => {
      const found = allSections(run.checklist).find(({ section }) => section.id === sectionId);
      return { sectionId, section: found?.section.title ?? null, phase: found?.phase.title ?? null };
    });
    return { ...base, id: `opened:${fact.id}`, type: 'phase.opened', data: { ...sections[0], sections } };
  }
  if (fact.source === 'page') return { ...base, id: `page:${fact.id}`, type: 'page.sent', data: { summary: fact.summary } };
  const id = `audit:${fact.id}`;
  const reason = typeof fact.detail?.reason === 'string' ? fact.detail.reason : null;
  switch (fact.action) {
    case 'run.start':
      return { ...base, id, type: 'run.started', data: { by: fact.actor, t0: new Date(run.t0).toISOString(), timezone: run.timezone } };
    case 'gate.go':
    case 'gate.no_go': {
      const outcome = fact.detail?.outcome;
      if (outcome !== 'passed' && outcome !== 'failed') return null;
      return {
        ...base,
        id,
        type: 'gate.decided',
        data: {
          gateId: fact.target,
          gate: itemText(run.checklist, fact.target),
          decision: outcome === 'passed' ? 'go' : 'no_go',
          by: fact.actor,
          reason,
        },
      };
    }
    case 'run.rollback':
      return { ...base, id, type: 'rollback.declared', data: { by: fact.actor, reason } };
    default: {
      const status = FINISHED[fact.action];
      return status ? { ...base, id, type: 'run.finished', data: { status, by: fact.actor, reason } } : null;
    }
  }
}

/** The one-line summary PagerDuty shows for a change event. */
export function changeSummary(event: OutboundEvent): string {
  const d = event.data;
  const run = `deployday run #${event.runId} (${event.checklist})`;
  switch (event.type) {
    case 'phase.opened': {
      const sections = Array.isArray(d.sections) ? (d.sections as Array<{ sectionId: string; section: string | null }>) : [];
      const titles = sections.length > 0 ? sections.map((s) => s.section ?? s.sectionId) : [String(d.section ?? d.sectionId)];
      return `${run}: ${titles.join(', ')} opened`;
    }
    case 'gate.decided':
      return `${run}: ${d.decision === 'go' ? 'Go' : 'No-Go'} on ${String(d.gate ?? d.gateId)}`;
    case 'rollback.declared':
      return `${run}: rollback declared${d.reason ? ` (${String(d.reason)})` : ''}`;
    default:
      return `${run}: ${event.type}`;
  }
}

/** The JSON body a webhook receives. */
export function webhookBody(event: OutboundEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    at: new Date(event.at).toISOString(),
    run: { id: event.runId, checklist: event.checklist },
    data: event.data,
  });
}

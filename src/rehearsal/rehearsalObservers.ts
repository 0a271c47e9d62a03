import { triggerLists, type Checklist } from '../domain/checklist.js';
import { OVERVIEW_KEY, parsePhaseKey, parseTriggersKey, partsOf } from '../slack/messageLayout.js';
import type { Db } from '../store/db.js';
import { listPages, type PageState } from '../store/pages.js';
import { listRunMessages } from '../store/runMessages.js';

/** What the rehearsal saw happen, as the bot recorded it in the database (posts and pages). */
export type Recorder = (event: { runId: number; kind: 'post' | 'page'; detail: string; sectionTitle: null; text: string }) => void;

/** Each run message the first time it exists: MessageSync posts every message that has no ts yet. */
export function postObserver(db: Db, runId: number, checklist: Checklist, record: Recorder): () => void {
  const seen = new Set<string>();
  return async () => {
    for (const message of await listRunMessages(db, runId)) {
      if (seen.has(message.key)) continue;
      seen.add(message.key);
      record({ runId, kind: 'post', detail: message.key, sectionTitle: null, text: describeMessage(checklist, message.key) });
    }
  };
}

function describeMessage(checklist: Checklist, key: string): string {
  if (key === OVERVIEW_KEY) return checklist.title;
  const triggerId = parseTriggersKey(key);
  const trigger = triggerLists(checklist).find((t) => t.id === triggerId);
  if (trigger) return `${trigger.title} (rollback triggers)`;
  const parsed = parsePhaseKey(key);
  const phase = parsed ? checklist.phases.find((p) => p.id === parsed.phaseId) : undefined;
  if (!phase || !parsed) return key;
  const title = partsOf(phase).length > 1 ? `${phase.title} (part ${parsed.part})` : phase.title;
  // Posted with the run, the rollback branch waits on standby until a rollback brings it alive.
  return phase.kind === 'rollback' ? `${title} (on standby)` : title;
}

/** Pages as the paging layer recorded them in the `pages` table: each opening and each resolution. */
export function pageObserver(db: Db, runId: number, record: Recorder): () => void {
  const states = new Map<string, PageState>();
  return async () => {
    for (const page of await listPages(db, runId)) {
      if (states.get(page.dedupKey) === page.state) continue;
      states.set(page.dedupKey, page.state);
      const detail = page.state === 'open' ? 'trigger' : page.state === 'resolved' ? 'resolve' : 'failed';
      record({ runId, kind: 'page', detail, sectionTitle: null, text: `${page.reason}: ${page.summary}` });
    }
  };
}

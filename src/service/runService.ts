import type { Checklist } from '../domain/checklist.js';
import type { RunQueries } from './runQueries.js';

/**
 * The types the run's use cases share. The use cases themselves live one per file
 * (startRun.ts, itemWork.ts, gateVoting.ts, roleAssignment.ts, runEnding.ts, t0Moves.ts) and are
 * built together by createServices.ts.
 */

/** Which Slack messages a run owns and which of them show an item; decided by the Slack views. */
export interface MessageLayout {
  /** Keys of the run's messages in posting order, the rollback branch's (on standby) included. */
  keysFor(checklist: Checklist): string[];
  keysForItem(checklist: Checklist, itemId: string): string[];
}

/** What the use cases tell the outside after they have changed state (all fire-and-forget). */
export interface RunEvents {
  /** Some of the run's messages need re-rendering. */
  messagesChanged(runId: number): void;
  /** Something the escalation rules read has changed (items, gates, rollback, end). */
  stateChanged(runId: number): void;
  /** The run has ended (finished, rolled back or aborted): its report is due. */
  runEnded?(runId: number): void;
}

export interface Actor {
  userId: string;
  channelId: string;
  /** The Slack workspace the request came from; a run of another workspace is refused as unknown. */
  teamId?: string | null;
}

export type { RunSummary } from './runQueries.js';

/**
 * What readers of a run (paging, message sync, rendering) are given: the queries. Kept under this
 * name so their imports stay as they are.
 */
export type RunService = RunQueries;

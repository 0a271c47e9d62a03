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

/**
 * What the use cases tell the outside after they have changed state, once their transaction has
 * ended. The use case awaits stateChanged and runEnded, yet may itself run inside a click's batch
 * (db.batch): they may touch the store but must not wait on I/O (app.ts runs the paging rules after the ack).
 */
export interface RunEvents {
  /** Some of the run's messages need re-rendering. */
  messagesChanged(runId: number): void;
  /** Something the escalation rules read has changed (items, gates, rollback, end). */
  stateChanged(runId: number): Promise<void> | void;
  /**
   * The run has ended (finished, rolled back or aborted): its report is due. Awaited by the use
   * case, so the report is queued before it returns; store writes only (no I/O).
   */
  runEnded?(runId: number): Promise<void> | void;
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

import type { Db } from '../store/db.js';
import { leaseOf, PROCESS_REPLICA } from '../store/leases.js';
import {
  bumpRunMessages,
  claimRunMessage,
  findRunMessage,
  hasUnpostedRunMessages,
  listUnsyncedMessages,
  markMessageError,
  markMessagePosted,
  markMessageSynced,
  markPostUnconfirmed,
  releaseInterruptedMessageLeases,
  releaseRunMessage,
  renewRunMessageLeases,
  type RunMessage,
} from '../store/runMessages.js';

export type { RunMessage };

/**
 * What the message sync loop and the Slack-side code read and record about a run's own
 * messages (run_messages), so they never hold the database themselves.
 */
export interface RunMessages {
  /** The replica these leases are taken for (store/leases.ts). */
  readonly replica: string;
  find(runId: number, key: string): Promise<RunMessage | null>;
  /** Some message of the run is still to be posted (none refused by Slack is waited for). */
  awaitingPosts(runId: number): Promise<boolean>;
  /** Messages whose Slack copy is behind the state, by run then position. */
  unsynced(): Promise<RunMessage[]>;
  /** Render this message again (an update may have landed out of order). */
  bump(runId: number, key: string): Promise<void>;
  /** Before chat.postMessage (and after a post got no answer): a post may land until `until`. */
  postInDoubtUntil(runId: number, key: string, until: number): Promise<void>;
  /** A post was answered with an error that means it was not carried out. */
  postNotMade(runId: number, key: string): Promise<void>;
  posted(runId: number, key: string, ts: string, version: number): Promise<void>;
  synced(runId: number, key: string, version: number): Promise<void>;
  refused(runId: number, key: string, error: string): Promise<void>;
  /** Takes the message's lease for this replica: true when it holds it now (no other live replica does). */
  claim(runId: number, key: string): Promise<boolean>;
  /** Lets go of the message's lease. */
  release(runId: number, key: string): Promise<void>;
  /** Extends this replica's lease on messages it is syncing; returns how many it still holds. */
  renew(messages: Array<{ runId: number; key: string }>): Promise<number>;
  /** At start: drops leases no live replica holds (on SQLite, all: one process owns the file); returns how many. */
  releaseInterrupted(): Promise<number>;
}

/** `replica`: whose leases these are; this process's own but in tests of several replicas in one process. */
export function createRunMessages(db: Db, replica: string = PROCESS_REPLICA): RunMessages {
  return {
    replica,
    find: (runId, key) => findRunMessage(db, runId, key),
    awaitingPosts: (runId) => hasUnpostedRunMessages(db, runId),
    unsynced: () => listUnsyncedMessages(db),
    bump: async (runId, key) => void (await bumpRunMessages(db, runId, [key])),
    postInDoubtUntil: (runId, key, until) => markPostUnconfirmed(db, runId, key, until),
    postNotMade: (runId, key) => markPostUnconfirmed(db, runId, key, null),
    posted: (runId, key, ts, version) => markMessagePosted(db, runId, key, ts, version),
    synced: (runId, key, version) => markMessageSynced(db, runId, key, version),
    refused: (runId, key, error) => markMessageError(db, runId, key, error),
    claim: (runId, key) => claimRunMessage(db, runId, key, leaseOf(replica)),
    release: (runId, key) => releaseRunMessage(db, runId, key, replica),
    renew: (messages) => renewRunMessageLeases(db, messages, leaseOf(replica)),
    releaseInterrupted: () => releaseInterruptedMessageLeases(db, leaseOf(replica)),
  };
}

import type { Db } from '../store/db.js';
import {
  bumpRunMessages,
  findRunMessage,
  hasUnpostedRunMessages,
  listUnsyncedMessages,
  markMessageError,
  markMessagePosted,
  markMessageSynced,
  markPostUnconfirmed,
  type RunMessage,
} from '../store/runMessages.js';

export type { RunMessage };

/**
 * What the message sync loop and the Slack-side code read and record about a run's own
 * messages (run_messages), so they never hold the database themselves.
 */
export interface RunMessages {
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
}

export function createRunMessages(db: Db): RunMessages {
  return {
    find: (runId, key) => findRunMessage(db, runId, key),
    awaitingPosts: (runId) => hasUnpostedRunMessages(db, runId),
    unsynced: () => listUnsyncedMessages(db),
    bump: async (runId, key) => void (await bumpRunMessages(db, runId, [key])),
    postInDoubtUntil: (runId, key, until) => markPostUnconfirmed(db, runId, key, until),
    postNotMade: (runId, key) => markPostUnconfirmed(db, runId, key, null),
    posted: (runId, key, ts, version) => markMessagePosted(db, runId, key, ts, version),
    synced: (runId, key, version) => markMessageSynced(db, runId, key, version),
    refused: (runId, key, error) => markMessageError(db, runId, key, error),
  };
}

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
    find: async (runId, key) => await findRunMessage(db, runId, key),
    awaitingPosts: async (runId) => await hasUnpostedRunMessages(db, runId),
    unsynced: async () => await listUnsyncedMessages(db),
    bump: async (runId, key) => void (await bumpRunMessages(db, runId, [key])),
    postInDoubtUntil: async (runId, key, until) => await markPostUnconfirmed(db, runId, key, until),
    postNotMade: async (runId, key) => await markPostUnconfirmed(db, runId, key, null),
    posted: async (runId, key, ts, version) => await markMessagePosted(db, runId, key, ts, version),
    synced: async (runId, key, version) => await markMessageSynced(db, runId, key, version),
    refused: async (runId, key, error) => await markMessageError(db, runId, key, error),
  };
}

import type { GateVote, Vote } from '../domain/run.js';
import { prepared, type Db } from './db.js';

export async function insertGateVote(db: Db, runId: number, vote: GateVote): Promise<void> {
  await prepared(db, 'INSERT INTO gate_votes (run_id, item_id, user_id, vote, reason, at) VALUES (?, ?, ?, ?, ?, ?)').run(
    runId,
    vote.itemId,
    vote.userId,
    vote.vote,
    vote.reason,
    vote.at,
  );
}

/** Every vote in order; a later vote by the same person supersedes theirs (see domain/gates.ts). */
export async function listGateVotes(db: Db, runId: number): Promise<GateVote[]> {
  const rows = (await prepared(db, 'SELECT item_id, user_id, vote, reason, at FROM gate_votes WHERE run_id = ? ORDER BY id').all(runId)) as Array<{
    item_id: string;
    user_id: string;
    vote: Vote;
    reason: string | null;
    at: number;
  }>;
  return rows.map((r) => ({ itemId: r.item_id, userId: r.user_id, vote: r.vote, reason: r.reason, at: r.at }));
}

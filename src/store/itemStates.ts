import type { ItemState } from '../domain/run.js';
import { prepared, type Db } from './db.js';

interface ItemRow {
  item_id: string;
  done: number;
  done_by: string | null;
  done_at: number | null;
  waived_reason: string | null;
  timer_started_at: number | null;
  evidence_url: string | null;
  evidence_note: string | null;
}

function toState(row: ItemRow): ItemState {
  return {
    itemId: row.item_id,
    done: row.done === 1,
    by: row.done_by,
    at: row.done_at,
    waivedReason: row.waived_reason,
    timerStartedAt: row.timer_started_at,
    ...(row.evidence_url !== null || row.evidence_note !== null ? { evidence: { url: row.evidence_url, note: row.evidence_note } } : {}),
  };
}

/** Only items someone touched; the rest are in their template state. */
export async function listItemStates(db: Db, runId: number): Promise<ItemState[]> {
  return (
    (await prepared(
      db,
      'SELECT item_id, done, done_by, done_at, waived_reason, timer_started_at, evidence_url, evidence_note FROM item_states WHERE run_id = ?',
    ).all(runId)) as ItemRow[]
  ).map(toState);
}

/**
 * The run's item-state token: it changes with every write to the run's item states (triggers of
 * migration 015), and is null for a run whose item states were never written since then.
 */
export async function itemStatesToken(db: Db, runId: number): Promise<string | null> {
  // As text: PostgreSQL hands a BIGINT back as a JavaScript number, which would lose precision.
  const row = (await prepared(db, 'SELECT CAST(token AS TEXT) AS token FROM item_state_versions WHERE run_id = ?').get(runId)) as
    | { token: string }
    | undefined;
  return row ? row.token : null;
}

export async function saveItemState(db: Db, runId: number, state: ItemState, now: number): Promise<void> {
  await prepared(
    db,
    `INSERT INTO item_states (run_id, item_id, done, done_by, done_at, waived_reason, timer_started_at, evidence_url, evidence_note, updated_at)
     VALUES (@runId, @itemId, @done, @by, @at, @waived, @timer, @evidenceUrl, @evidenceNote, @now)
     ON CONFLICT (run_id, item_id) DO UPDATE SET
       done = excluded.done, done_by = excluded.done_by, done_at = excluded.done_at,
       waived_reason = excluded.waived_reason, timer_started_at = excluded.timer_started_at,
       evidence_url = excluded.evidence_url, evidence_note = excluded.evidence_note,
       updated_at = excluded.updated_at`,
  ).run({
    runId,
    itemId: state.itemId,
    done: state.done ? 1 : 0,
    by: state.by,
    at: state.at,
    waived: state.waivedReason,
    timer: state.timerStartedAt,
    evidenceUrl: state.evidence?.url ?? null,
    evidenceNote: state.evidence?.note ?? null,
    now,
  });
}

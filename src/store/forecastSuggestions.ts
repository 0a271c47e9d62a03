import { prepared, type Db } from './db.js';

/**
 * Records that the lead was offered a slip for a window. Returns false when one was already
 * offered for it: the suggestion is made at most once per window, whatever happens after.
 */
export async function recordSlipSuggestion(
  db: Db,
  s: { runId: number; sectionId: string; minutes: number; userId: string; at: number },
): Promise<boolean> {
  return (
    (
      await prepared(
        db,
        'INSERT INTO forecast_suggestions (run_id, section_id, slip_minutes, user_id, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ).run(s.runId, s.sectionId, s.minutes, s.userId, s.at)
    ).changes === 1
  );
}

export async function listSlipSuggestions(db: Db, runId: number): Promise<Array<{ sectionId: string; minutes: number; userId: string; at: number }>> {
  return (
    (await prepared(db, 'SELECT section_id, slip_minutes, user_id, at FROM forecast_suggestions WHERE run_id = ? ORDER BY at, section_id').all(
      runId,
    )) as Array<{
      section_id: string;
      slip_minutes: number;
      user_id: string;
      at: number;
    }>
  ).map((r) => ({ sectionId: r.section_id, minutes: r.slip_minutes, userId: r.user_id, at: r.at }));
}

/**
 * What a sent nudge said is kept in its reminder's payload, beside what the payload held: on both
 * engines (the statement used to be SQLite's json_set, which PostgreSQL does not have).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Db, prepared } from '../../src/store/db.js';
import { findReminder, keepPostedText, upsertReminders } from '../../src/store/reminders.js';
import { freshPostgresDatabase, POSTGRES_START_TIMEOUT } from '../support/postgresDatabase.js';
import { ENGINES } from '../support/storeEngines.js';

const T0 = Date.UTC(2026, 11, 2);

beforeAll(() => freshPostgresDatabase().then(() => undefined), POSTGRES_START_TIMEOUT);

describe.each(ENGINES)('keeping a sent nudge’s text on $name', ({ open }) => {
  let db: Db;
  afterEach(() => db.close());

  it('adds the text to the payload and keeps what was there; a second text replaces the first', async () => {
    db = await open();
    const runId = (
      (await prepared(
        db,
        `INSERT INTO runs (checklist_name, checklist_json, title, channel_id, team_id, started_by, t0, timezone, created_at)
         VALUES ('deploy', '{}', 'Release', 'C1', 'T1', 'U1', ?, 'UTC', ?) RETURNING id`,
      ).get(T0, T0)) as { id: number }
    ).id;
    await upsertReminders(db, runId, [
      { key: 'shared', kind: 'overdue', dueAt: T0, payload: { sections: ['s1', 's2'] } },
      { key: 'bare', kind: 'overdue', dueAt: T0 },
    ]);
    const rows = (await prepared(db, 'SELECT id, key FROM reminders ORDER BY key').all()) as Array<{ id: number; key: string }>;
    const id = (key: string) => rows.find((r) => r.key === key)!.id;

    await keepPostedText(db, id('shared'), 'Phase 1 is overdue');
    await keepPostedText(db, id('bare'), 'first');
    await keepPostedText(db, id('bare'), 'second');

    expect((await findReminder(db, id('shared')))?.payload).toEqual({ sections: ['s1', 's2'], postedText: 'Phase 1 is overdue' });
    expect((await findReminder(db, id('bare')))?.payload).toEqual({ postedText: 'second' });
  });
});

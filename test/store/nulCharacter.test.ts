/**
 * A NUL character in a value (forged input: the fuzz test sends one in ids and text) is a value like
 * any other on SQLite, and PostgreSQL text cannot hold it: the adapter must not let it fail the
 * statement. On both engines a lookup by it finds nothing and a write keeps the rest of the text.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Db, prepared } from '../../src/store/db.js';
import { freshPostgresDatabase, POSTGRES_START_TIMEOUT } from '../support/postgresDatabase.js';
import { ENGINES } from '../support/storeEngines.js';

const T0 = Date.UTC(2026, 11, 2);

beforeAll(() => freshPostgresDatabase().then(() => undefined), POSTGRES_START_TIMEOUT);

describe.each(ENGINES)('a NUL character in a value on $name', ({ open }) => {
  let db: Db;
  afterEach(() => db.close());

  it('finds nothing when looked up by, and is written with the rest of its text kept', async () => {
    db = await open();
    await prepared(
      db,
      `INSERT INTO runs (checklist_name, checklist_json, title, channel_id, team_id, started_by, t0, timezone, created_at)
       VALUES ('deploy', '{}', ?, 'C1', 'T1', 'U1', ?, 'UTC', ?)`,
    ).run('Release\u0000 night', T0, T0);
    expect(await prepared(db, 'SELECT id FROM runs WHERE channel_id = ?').all('C1\u0000')).toEqual([]);
    const { title } = (await prepared(db, 'SELECT title FROM runs WHERE channel_id = ?').get('C1')) as { title: string };
    expect(title.startsWith('Release')).toBe(true);
    expect(title.endsWith(' night')).toBe(true);
  });
});

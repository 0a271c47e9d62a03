import { type Db, prepared } from './db.js';

/** Resolves once the database has answered `SELECT 1`: the cheapest question that needs a live connection. */
export async function ping(db: Db): Promise<void> {
  await prepared(db, 'SELECT 1 AS ok').get();
}

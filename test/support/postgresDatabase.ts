/**
 * A fresh PostgreSQL database for a test file, on the one server the run shares (see
 * postgresServer.ts). The first call in a run waits for initdb and the server's start, so call it
 * in a beforeAll with POSTGRES_START_TIMEOUT.
 */
import pg from 'pg';
import { inject } from 'vitest';

/** initdb takes about 7 s on an idle machine; leave room for a busy one. */
export const POSTGRES_START_TIMEOUT = 120_000;

/** The connection string of a new, empty database of this file's own, collation C (postgresServer.ts). */
export async function freshPostgresDatabase(): Promise<string> {
  const response = await fetch(`${inject('postgresBroker')}/databases`, { method: 'POST' });
  if (!response.ok) throw new Error(`no PostgreSQL database for this test file: ${await response.text()}`);
  return ((await response.json()) as { url: string }).url;
}

/** A connected client; the caller ends it. */
export async function connectPostgres(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

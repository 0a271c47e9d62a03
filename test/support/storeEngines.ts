/**
 * The store on each engine, for tests that prove one behaviour on both: a database of its own per
 * test (SQLite in memory; a fresh PostgreSQL database from the test broker), or two replicas on one
 * database (two handles on one SQLite file; two pools on one PostgreSQL database).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, openDatabase } from '../../src/store/db.js';
import { openPostgres } from '../../src/store/postgresDb.js';
import { freshPostgresDatabase } from './postgresDatabase.js';

const MIGRATIONS = join(import.meta.dirname, '..', '..', 'migrations');
const POSTGRES_MIGRATIONS = join(MIGRATIONS, 'postgres');

export const ENGINES: Array<{ name: string; open(): Promise<Db> }> = [
  { name: 'sqlite', open: async () => openDatabase(':memory:', MIGRATIONS) },
  { name: 'postgres', open: async () => openPostgres(await freshPostgresDatabase(), POSTGRES_MIGRATIONS, { poolSize: 2 }) },
];

export interface Replicas {
  a: Db;
  b: Db;
  close(): Promise<void>;
}

export const REPLICA_ENGINES: Array<[string, () => Promise<Replicas>]> = [
  [
    'SQLite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'deployday-replicas-'));
      const path = join(dir, 'deployday.db');
      const a = openDatabase(path, MIGRATIONS);
      const b = openDatabase(path, MIGRATIONS);
      return {
        a,
        b,
        close: async () => {
          await a.close();
          await b.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await freshPostgresDatabase();
      const a = await openPostgres(url, POSTGRES_MIGRATIONS);
      const b = await openPostgres(url, POSTGRES_MIGRATIONS);
      return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
    },
  ],
];

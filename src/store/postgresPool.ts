import pg from 'pg';

export interface PostgresOptions {
  /** Connections this replica holds at most (default 10). A transaction holds one until it ends. */
  poolSize?: number;
  /**
   * How long one query, or the wait for a connection, may take before its promise rejects (default
   * 10 s). A lost database must fail a click with the usual ephemeral error, not hang it, and no
   * statement of the bot runs anywhere near this long.
   */
  timeoutMs?: number;
}

const INT8 = 20;
const NUMERIC = 1700;

/**
 * pg returns BIGINT (ids, epoch-ms times, COUNT(*)) and NUMERIC (SUM of BIGINTs) as strings, since
 * they may exceed 2^53. Every such value the bot stores is an id, a count or a time in ms, far below
 * 2^53, and SQLite gives them as numbers: the store's functions see the same types on both engines.
 * Set on this pool only (its `types` option), not on pg's global parsers other code may rely on.
 */
const numbersForBigints = {
  getTypeParser(oid: number, format?: string): (value: string) => unknown {
    if ((oid === INT8 || oid === NUMERIC) && format !== 'binary') return Number;
    return pg.types.getTypeParser(oid, (format ?? 'text') as 'text');
  },
};

export function createPool(url: string, options: PostgresOptions = {}): pg.Pool {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types: numbersForBigints,
    // Waiting for a connection (a server that does not answer, or a pool with every client in use).
    connectionTimeoutMillis: timeoutMs,
    // Client side: the promise rejects even when the server or the network has gone silent.
    query_timeout: timeoutMs,
    // Server side: the server cancels the statement itself, so no lock outlives a stuck one.
    statement_timeout: timeoutMs,
    // A replica whose peer vanished without a FIN notices it on an idle connection too.
    keepAlive: true,
  });
  // An idle connection the server closed (a restart, pg_terminate_backend, a failover) is dropped
  // from the pool, which emits it here; without a listener that event would end the process. The
  // next query opens a new connection, or rejects if the database is still away.
  pool.on('error', () => undefined);
  return pool;
}

/** Collations under which text ORDER BY is byte order, as on SQLite. */
const BYTE_ORDER = new Set(['C', 'POSIX']);

/**
 * Text ORDER BY (names, roles, user ids, dedup keys) must be byte order, as on SQLite, and SQLite
 * has no `COLLATE "C"` for the SQL to say so: the database's own collation has to be C. Refuses
 * any other, naming the fix. to_jsonb keeps this one query valid on servers without
 * datlocprovider (before PostgreSQL 15): there, every database is libc.
 */
export async function assertByteOrderCollation(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ name: string; collate: string; provider: string | null }>(
    `SELECT current_database() AS name, to_jsonb(d) ->> 'datcollate' AS collate, to_jsonb(d) ->> 'datlocprovider' AS provider
       FROM pg_database d WHERE d.datname = current_database()`,
  );
  const { name, collate, provider } = rows[0]!;
  // 'c' is libc; ICU ('i') orders by its own locale whatever datcollate says.
  if ((provider === null || provider === 'c') && BYTE_ORDER.has(collate)) return;
  const described = provider === 'i' ? `the ICU locale provider` : `collation ${collate}`;
  throw new Error(
    `PostgreSQL database "${name}" uses ${described}; deployday needs text sorted in byte order (collation C), as on SQLite. ` +
      `Create the database with: CREATE DATABASE ${name} LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0 (then point DATABASE_URL at it).`,
  );
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Db, RunResult, Statement } from './db.js';
import { bindValues, type PostgresText, toPostgresText } from './postgresParameters.js';
import { assertByteOrderCollation, createPool, type PostgresOptions } from './postgresPool.js';
import { applyPostgresMigrations } from './postgresMigrations.js';

export type { PostgresOptions } from './postgresPool.js';

/**
 * Opens the PostgreSQL database at `url` (DATABASE_URL): refuses one whose collation is not byte
 * order, applies every migration of `migrationsDir` (migrations/postgres) not yet applied, under
 * the advisory lock (so replicas starting together apply each once), and returns the handle.
 */
export async function openPostgres(url: string, migrationsDir: string, options: PostgresOptions = {}): Promise<PostgresDb> {
  const pool = createPool(url, options);
  try {
    const client = await pool.connect();
    try {
      await assertByteOrderCollation(client);
      await applyPostgresMigrations(client, migrationsDir);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new PostgresDb(pool);
}

interface PostgresTxContext {
  db: PostgresDb;
  client: pg.PoolClient;
  /** False once the unit has ended: work it started that runs later is outside it, on the pool. */
  open: boolean;
  depth: number;
  /** Nested transactions of one unit run one at a time (savepoints nest, they do not interleave). */
  chain: Promise<unknown>;
}

/** Deadlock and serialization failure: PostgreSQL rolled the transaction back; nothing was acknowledged yet. */
const RETRYABLE = new Set(['40P01', '40001']);

/**
 * PostgreSQL behind the async `Db` (src/store/db.ts), for several replicas on one database.
 *
 * - Outside a unit a statement takes any connection of the pool (autocommit).
 * - A top-level `tx`/`batch` checks out one connection, BEGIN, runs `fn` with that connection as
 *   the ambient context (AsyncLocalStorage), then COMMIT, or ROLLBACK and rethrow. A nested `tx`
 *   is a SAVEPOINT. A `batch` that throws commits what it wrote outside its inner `tx`s (a refused
 *   click keeps its `denied` audit row); if a statement failed, the transaction is aborted and
 *   PostgreSQL turns that COMMIT into a rollback, which is right: its writes are not all there.
 * - A deadlock or serialization failure of a top-level unit runs `fn` once more.
 * - READ COMMITTED; synchronous_commit as the server says (on by default: an ack is durable).
 */
export class PostgresDb implements Db {
  readonly engine = 'postgres' as const;
  readonly skipLocked = ' FOR UPDATE SKIP LOCKED';
  private readonly statements = new Map<string, PostgresStatement>();
  private readonly ambient = new AsyncLocalStorage<PostgresTxContext>();

  constructor(readonly pool: pg.Pool) {}

  prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = new PostgresStatement(this, sql)));
    return statement;
  }

  async exec(sql: string): Promise<void> {
    // No parameters: the simple protocol, so the text may hold several statements.
    await this.queryable().query(sql);
  }

  tx<T>(fn: () => Promise<T>): Promise<T> {
    const context = this.inside();
    if (context) return this.savepoint(context, fn);
    return this.unit(fn, 'tx');
  }

  batch<T>(fn: () => Promise<T>): Promise<T> {
    // A batch inside a unit is only more of that unit.
    if (this.inside()) return fn();
    return this.unit(fn, 'batch');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** The open unit this code runs in, on this database; undefined outside one. */
  private inside(): PostgresTxContext | undefined {
    const context = this.ambient.getStore();
    return context && context.db === this && context.open ? context : undefined;
  }

  /** Where a statement issued now runs: the unit's connection inside one, else the pool. */
  queryable(): pg.Pool | pg.PoolClient {
    return this.inside()?.client ?? this.pool;
  }

  private async unit<T>(fn: () => Promise<T>, mode: 'tx' | 'batch'): Promise<T> {
    try {
      return await this.attempt(fn, mode);
    } catch (error) {
      if (!RETRYABLE.has(sqlState(error))) throw error;
      return this.attempt(fn, mode);
    }
  }

  private async attempt<T>(fn: () => Promise<T>, mode: 'tx' | 'batch'): Promise<T> {
    const client = await this.pool.connect();
    // A connection the server drops while checked out emits 'error' between queries; without a
    // listener that would end the process. The unit's next query rejects instead.
    const ignore = () => undefined;
    client.on('error', ignore);
    const context: PostgresTxContext = { db: this, client, open: true, depth: 0, chain: Promise.resolve() };
    // Set when BEGIN, COMMIT or ROLLBACK failed: the connection's state is unknown, so the pool drops it.
    let broken = false;
    try {
      try {
        await client.query('BEGIN');
      } catch (error) {
        broken = true;
        throw error;
      }
      let outcome: { ok: true; value: T } | { ok: false; error: unknown };
      try {
        outcome = { ok: true, value: await this.ambient.run(context, fn) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      context.open = false;
      const commit = outcome.ok || (mode === 'batch' && !RETRYABLE.has(sqlState(outcome.error)));
      let ended: pg.QueryResult | undefined;
      try {
        ended = await client.query(commit ? 'COMMIT' : 'ROLLBACK');
      } catch (error) {
        broken = true;
        // A failed COMMIT: nothing is durable, so the unit fails with that. A failed ROLLBACK
        // (the connection is gone) leaves nothing written either; fn's own error says more.
        if (commit) throw error;
      }
      if (!outcome.ok) throw outcome.error;
      // A statement failed and fn caught its error and went on: PostgreSQL aborted the transaction
      // there and answered COMMIT with ROLLBACK. (SQLite would have undone that statement only; on
      // both engines, work that may fail and must not sink the unit belongs in a nested tx.)
      if (ended?.command === 'ROLLBACK') throw new Error('the transaction was rolled back: a statement in it failed, and nothing of it was saved');
      return outcome.value;
    } finally {
      context.open = false;
      client.off('error', ignore);
      client.release(broken);
    }
  }

  private savepoint<T>(context: PostgresTxContext, fn: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const name = `nested${++context.depth}`;
      try {
        await context.client.query(`SAVEPOINT ${name}`);
        try {
          const value = await fn();
          await context.client.query(`RELEASE SAVEPOINT ${name}`);
          return value;
        } catch (error) {
          // Undoes the inner writes and clears an aborted state, so the outer unit can go on. If
          // that fails too (the connection is gone), fn's error is still the one to report.
          try {
            await context.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
            await context.client.query(`RELEASE SAVEPOINT ${name}`);
          } catch {}
          throw error;
        }
      } finally {
        context.depth--;
      }
    };
    const result = context.chain.then(run, run);
    context.chain = result.catch(() => undefined);
    return result;
  }
}

function sqlState(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : '';
}

class PostgresStatement implements Statement {
  private parsed: (PostgresText & { name: string }) | null = null;

  constructor(
    private readonly db: PostgresDb,
    private readonly sql: string,
  ) {}

  private query(params: unknown[]): Promise<pg.QueryResult> {
    // Rewritten once per text; the name lets each connection plan it once (pg prepares it on first use).
    this.parsed ??= { ...toPostgresText(this.sql), name: `dd_${createHash('sha1').update(this.sql).digest('hex').slice(0, 20)}` };
    const { text, name } = this.parsed;
    return this.db.queryable().query({ name, text, values: bindValues(this.parsed, params) });
  }

  async run(...params: unknown[]): Promise<RunResult> {
    const result = await this.query(params);
    return { changes: result.rowCount ?? 0 };
  }

  async get(...params: unknown[]): Promise<unknown> {
    const { rows } = await this.query(params);
    return rows.length === 0 ? undefined : this.named(rows[0]);
  }

  async all(...params: unknown[]): Promise<unknown[]> {
    const { rows } = await this.query(params);
    return this.parsed!.mixedCaseNames.size === 0 ? rows : rows.map((row) => this.named(row));
  }

  /** A row with its columns named as the SQL wrote them (`AS gateItemId`), as SQLite names them. */
  private named(row: Record<string, unknown>): Record<string, unknown> {
    const names = this.parsed!.mixedCaseNames;
    if (names.size === 0) return row;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) out[names.get(key) ?? key] = value;
    return out;
  }
}

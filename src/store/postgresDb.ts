import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Db, RunResult, Statement } from './db.js';
import { bindValues, type PostgresText, toPostgresText } from './postgresParameters.js';
import { assertByteOrderCollation, createPool, type PostgresOptions } from './postgresPool.js';
import { applyPostgresMigrations } from './postgresMigrations.js';
import { inTurn, type Outcome, settle, type Unit, type UnitContext, UnitBatcher } from './unitBatcher.js';

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

interface PostgresTxContext extends UnitContext<PostgresDb> {
  client: pg.PoolClient;
}

/** Deadlock and serialization failure: PostgreSQL gave up on the unit; nothing of it was acknowledged yet. */
const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Units in one group at most. PostgreSQL keeps 64 subtransaction ids per connection in shared memory
 * (each unit's savepoint, and each nested tx that writes, takes one); past that, every other
 * connection's snapshot checks pg_subtrans on disk. 16 units stay well below with a nested tx each.
 */
const MAX_UNITS = 16;

/**
 * PostgreSQL behind the async `Db` (src/store/db.ts), for several replicas on one database.
 *
 * - Outside a unit a statement takes any connection of the pool (autocommit).
 * - Group commit (unitBatcher.ts), as on SQLite: the top-level units (`tx`, `batch`) of one
 *   event-loop turn run one after another on ONE connection inside one transaction, each under
 *   `SAVEPOINT unit`, with that connection as the ambient context (AsyncLocalStorage); then one
 *   COMMIT (one WAL flush) for all, and only then does each unit's promise settle. A failed COMMIT,
 *   or a connection lost mid-group, rejects every unit of the group: none is ever answered "saved".
 *   One group at a time per replica: a group holds every lock its units took until its COMMIT, so
 *   two groups of one replica could each hold what the other's next unit waits for (a click's run
 *   and a sync's message rows), a deadlock PostgreSQL only breaks after deadlock_timeout (1 s), where
 *   units committed one by one never formed a cycle (the likely cause of 404s in a 50-click burst).
 * - A unit that throws rolls back to its savepoint, alone; a `batch` that throws keeps what it wrote
 *   outside its inner `tx`s (a refused click keeps its `denied` audit row), unless a statement of it
 *   failed: then it is rolled back, as PostgreSQL would have aborted it. A nested `tx` is a SAVEPOINT.
 * - A unit chosen as the victim of a deadlock (or a serialization failure) is rolled back to its
 *   savepoint and run once more in a later group, after its own group committed: the rows that
 *   group's other units locked, which the other side of the cycle waits for, are only released by
 *   that COMMIT, so running the victim again inside the group would only meet the cycle again.
 * - READ COMMITTED; synchronous_commit as the server says (on by default: an ack is durable).
 */
export class PostgresDb implements Db {
  readonly engine = 'postgres' as const;
  readonly skipLocked = ' FOR UPDATE SKIP LOCKED';
  readonly rowLock = ' FOR NO KEY UPDATE';
  private readonly statements = new Map<string, PostgresStatement>();
  private readonly ambient = new AsyncLocalStorage<PostgresTxContext>();
  private readonly batcher: UnitBatcher;

  constructor(readonly pool: pg.Pool) {
    this.batcher = new UnitBatcher((units) => this.runGroup(units), { maxUnits: MAX_UNITS, maxGroups: 1 });
  }

  prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = new PostgresStatement(this, sql)));
    return statement;
  }

  async exec(sql: string): Promise<void> {
    // No parameters: the simple protocol, so the text may hold several statements.
    await this.send((on) => on.query(sql));
  }

  tx<T>(fn: () => Promise<T>): Promise<T> {
    const context = this.inside();
    if (context) return this.savepoint(context, fn);
    return this.batcher.enqueue(fn, 'tx');
  }

  batch<T>(fn: () => Promise<T>): Promise<T> {
    // A batch inside a unit is only more of that unit.
    if (this.inside()) return fn();
    return this.batcher.enqueue(fn, 'batch');
  }

  settled(): Promise<void> {
    return this.batcher.drained();
  }

  async close(): Promise<void> {
    await this.batcher.drained();
    await this.pool.end();
  }

  /** The open unit this code runs in, on this database; undefined outside one. */
  private inside(): PostgresTxContext | undefined {
    const context = this.ambient.getStore();
    return context && context.db === this && context.unit.open ? context : undefined;
  }

  /**
   * Runs a query where a statement issued now belongs: on the unit's connection inside one, else on
   * the pool. A failure inside a unit is remembered: PostgreSQL has aborted the transaction there,
   * until a savepoint is rolled back to.
   */
  async send<R>(query: (on: pg.Pool | pg.PoolClient) => Promise<R>): Promise<R> {
    const context = this.inside();
    if (!context) return await query(this.pool);
    try {
      return await query(context.client);
    } catch (error) {
      context.unit.failed ??= error;
      throw error;
    }
  }

  private async runGroup(units: Unit[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      for (const unit of units) unit.reject(error);
      return;
    }
    // A connection the server drops while checked out emits 'error' between queries; without a
    // listener that would end the process. The group's next query rejects instead.
    const ignore = () => undefined;
    client.on('error', ignore);
    const again: Unit[] = [];
    let broken = false;
    try {
      const ran: Unit[] = [];
      const outcomes: Outcome[] = [];
      // Each unit's end is sent with the next unit's start (or the COMMIT): one round trip between two units.
      let ending = 'BEGIN';
      for (const unit of units) {
        await client.query(`${ending}; SAVEPOINT unit`);
        const { outcome, keep, retry } = await this.runUnit(client, unit);
        ending = keep ? 'RELEASE SAVEPOINT unit' : 'ROLLBACK TO SAVEPOINT unit; RELEASE SAVEPOINT unit';
        if (retry) {
          unit.retries++;
          again.push(unit);
        } else {
          ran.push(unit);
          outcomes.push(outcome);
        }
      }
      const results = (await client.query(`${ending}; COMMIT`)) as unknown as pg.QueryResult[];
      if (results.at(-1)?.command !== 'COMMIT') throw new Error('the transaction was rolled back, and nothing of it was saved');
      settle(ran, outcomes);
    } catch (error) {
      // BEGIN, a savepoint's end or COMMIT failed (the connection is gone, the server stopped): none
      // of the group is durable, so none of it may be acknowledged as done.
      broken = true;
      for (const unit of units) if (!again.includes(unit)) unit.reject(error);
    } finally {
      client.off('error', ignore);
      // Its state is unknown after a failure: the pool drops it.
      client.release(broken);
      // Rolled back to their savepoints: nothing of them was written, whatever became of the group.
      for (const unit of again) this.batcher.requeue(unit);
    }
  }

  /** Runs one unit of a group; says whether to keep what it wrote, and whether to run it again later. */
  private async runUnit(client: pg.PoolClient, unit: Unit): Promise<{ outcome: Outcome; keep: boolean; retry: boolean }> {
    const context: PostgresTxContext = { db: this, client, unit: { open: true, depth: 0 }, chain: Promise.resolve() };
    let outcome: Outcome;
    try {
      outcome = { ok: true, value: await this.ambient.run(context, unit.fn) };
    } catch (error) {
      outcome = { ok: false, error };
    } finally {
      context.unit.open = false;
    }
    const failed = context.unit.failed;
    if (outcome.ok && failed !== undefined) {
      // A statement failed and fn caught its error and went on: PostgreSQL aborted the transaction
      // there, so the unit is rolled back whole. (SQLite would have undone that statement only; on
      // both engines, work that may fail and must not sink the unit belongs in a nested tx.)
      outcome = { ok: false, error: new Error('the transaction was rolled back: a statement in it failed, and nothing of it was saved') };
    }
    const cause = failed ?? (outcome.ok ? undefined : outcome.error);
    const retry = !outcome.ok && unit.retries === 0 && RETRYABLE.has(sqlState(cause));
    const keep = outcome.ok || (unit.mode === 'batch' && failed === undefined);
    return { outcome, keep: keep && !retry, retry };
  }

  private savepoint<T>(context: PostgresTxContext, fn: () => Promise<T>): Promise<T> {
    return inTurn(context, async (): Promise<T> => {
      const name = `nested${++context.unit.depth}`;
      try {
        await context.client.query(`SAVEPOINT ${name}`);
        const inner: PostgresTxContext = { db: this, client: context.client, unit: context.unit, chain: Promise.resolve() };
        try {
          // Not released: the unit's own RELEASE (or the COMMIT) ends it with the unit, a round trip
          // less per nested tx; a later savepoint of the same name shadows it until then.
          return await this.ambient.run(inner, fn);
        } catch (error) {
          // Undoes the inner writes and clears an aborted state, so the outer unit can go on. If
          // that fails too (the connection is gone), fn's error is still the one to report.
          try {
            await context.client.query(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`);
            context.unit.failed = undefined;
          } catch {}
          throw error;
        }
      } finally {
        context.unit.depth--;
      }
    });
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
    const values = bindValues(this.parsed, params);
    return this.db.send((on) => on.query({ name, text, values }));
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

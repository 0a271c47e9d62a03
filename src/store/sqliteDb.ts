import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Db, RunResult, Statement } from './dbInterface.js';
import { inTurn, type Outcome, settle, type Unit, type UnitContext, UnitBatcher } from './unitBatcher.js';

/**
 * Opens the SQLite database (creating its folder), sets it up for a single writer
 * with concurrent readers, and applies every migration not yet applied, each in
 * its own transaction. Migrations are forward-only: `NNN_name.sql`, in number order.
 */
export function openDatabase(path: string, migrationsDir: string): SqliteDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  // FULL: a click acknowledged to Slack must survive a power cut, not only a crash.
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  applyMigrations(raw, migrationsDir);
  return new SqliteDb(raw);
}

export function applyMigrations(raw: Database.Database, migrationsDir: string): string[] {
  raw.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Set((raw.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  const files = readdirSync(migrationsDir)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
  const newlyApplied: string[] = [];
  for (const file of files) {
    const version = parseInt(file, 10);
    if (applied.has(version)) continue;
    const sql = readFileSync(join(migrationsDir, file), 'utf8');
    raw.transaction(() => {
      raw.exec(sql);
      raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(version, file, Date.now());
    })();
    newlyApplied.push(file);
  }
  return newlyApplied;
}

type SqliteTxContext = UnitContext<SqliteDb>;

const ambient = new AsyncLocalStorage<SqliteTxContext>();

/**
 * SQLite behind the async `Db`. better-sqlite3 stays synchronous underneath; what the adapter adds
 * is group commit (unitBatcher.ts) and a single writer:
 *
 * - Units of work (`tx`, `batch`) that arrive in the same event-loop turn run back to back inside
 *   one `BEGIN IMMEDIATE … COMMIT`, each under its own savepoint, so one fsync (synchronous = FULL)
 *   makes the whole group durable; each unit's promise settles only after that COMMIT. Under load
 *   that fsync, taken on the event loop, was the largest single cost of a click's ack
 *   (docs/performance.md).
 * - The connection is one, so while a group is in flight a statement from outside it waits for the
 *   group to end rather than landing inside it unawares; groups run one at a time.
 * - A unit must not await I/O: it would hold the only writer. Units only await the store.
 */
export class SqliteDb implements Db {
  readonly engine = 'sqlite' as const;
  readonly skipLocked = '';
  readonly rowLock = '';
  private readonly statements = new Map<string, SqliteStatement>();
  // 100 units: a group runs in a few ms; the bound only keeps statements outside from waiting long.
  private readonly batcher = new UnitBatcher((units) => this.runGroup(units), { maxUnits: 100, maxGroups: 1 });

  constructor(readonly raw: Database.Database) {}

  prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = new SqliteStatement(this, sql)));
    return statement;
  }

  async exec(sql: string): Promise<void> {
    await this.turn();
    this.raw.exec(sql);
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
    this.raw.close();
  }

  /** The open unit this code runs in, on this database; undefined outside one. */
  private inside(): SqliteTxContext | undefined {
    const context = ambient.getStore();
    return context && context.db === this && context.unit.open ? context : undefined;
  }

  /** Waits until a statement may run on the connection: at once inside a unit or with no group in flight. */
  turn(): Promise<void> | undefined {
    if (!this.batcher.busy || this.inside()) return undefined;
    return this.waitForIdle();
  }

  private async waitForIdle(): Promise<void> {
    while (this.batcher.busy && !this.inside()) await this.batcher.whenIdle();
  }

  private async runGroup(units: Unit[]): Promise<void> {
    const raw = this.raw;
    try {
      raw.exec('BEGIN IMMEDIATE');
    } catch (error) {
      for (const unit of units) unit.reject(error);
      return;
    }
    const outcomes: Outcome[] = [];
    for (const unit of units) {
      const context: SqliteTxContext = { db: this, unit: { open: true, depth: 0 }, chain: Promise.resolve() };
      raw.exec('SAVEPOINT unit');
      try {
        const value = await ambient.run(context, unit.fn);
        outcomes.push({ ok: true, value });
        raw.exec('RELEASE unit');
      } catch (error) {
        outcomes.push({ ok: false, error });
        if (raw.inTransaction) {
          if (unit.mode === 'tx') raw.exec('ROLLBACK TO unit');
          raw.exec('RELEASE unit');
        }
      } finally {
        context.unit.open = false;
      }
      // SQLite rolls a whole transaction back on some errors (a full disk): nothing of the group stands.
      if (!raw.inTransaction) {
        const error = new Error('the transaction was rolled back by SQLite; no click of its batch was saved');
        for (const each of units) each.reject(error);
        return;
      }
    }
    try {
      raw.exec('COMMIT');
    } catch (error) {
      // The commit failed: nothing in the group is durable, so nothing may be acknowledged as done.
      if (raw.inTransaction) raw.exec('ROLLBACK');
      for (const unit of units) unit.reject(error);
      return;
    }
    settle(units, outcomes);
  }

  private savepoint<T>(context: SqliteTxContext, fn: () => Promise<T>): Promise<T> {
    return inTurn(context, async (): Promise<T> => {
      const name = `nested${++context.unit.depth}`;
      this.raw.exec(`SAVEPOINT ${name}`);
      const inner: SqliteTxContext = { db: this, unit: context.unit, chain: Promise.resolve() };
      try {
        const value = await ambient.run(inner, fn);
        this.raw.exec(`RELEASE ${name}`);
        return value;
      } catch (error) {
        if (this.raw.inTransaction) {
          this.raw.exec(`ROLLBACK TO ${name}`);
          this.raw.exec(`RELEASE ${name}`);
        }
        throw error;
      } finally {
        context.unit.depth--;
      }
    });
  }
}

class SqliteStatement implements Statement {
  private compiled: Database.Statement | null = null;

  constructor(
    private readonly db: SqliteDb,
    private readonly sql: string,
  ) {}

  private statement(): Database.Statement {
    return (this.compiled ??= this.db.raw.prepare(this.sql));
  }

  async run(...params: unknown[]): Promise<RunResult> {
    const wait = this.db.turn();
    if (wait) await wait;
    return { changes: this.statement().run(...params).changes };
  }

  async get(...params: unknown[]): Promise<unknown> {
    const wait = this.db.turn();
    if (wait) await wait;
    return this.statement().get(...params);
  }

  async all(...params: unknown[]): Promise<unknown[]> {
    const wait = this.db.turn();
    if (wait) await wait;
    return this.statement().all(...params);
  }
}

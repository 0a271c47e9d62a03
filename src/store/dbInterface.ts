export type Engine = 'sqlite' | 'postgres';

export interface RunResult {
  /** Rows the statement inserted, updated or deleted. */
  changes: number;
}

/**
 * One SQL text, prepared once per database. Parameters are given as better-sqlite3 takes them:
 * positional (`?`) as arguments, or named (`@name`) as one object. Results are `unknown` on purpose:
 * each store function says what its row is, and a result used before it is awaited fails to compile.
 */
export interface Statement {
  run(...params: unknown[]): Promise<RunResult>;
  get(...params: unknown[]): Promise<unknown>;
  all(...params: unknown[]): Promise<unknown[]>;
}

/**
 * The store's one handle on its database, whichever engine holds it. Store functions take it and
 * keep their SQL beside them; nothing else in the bot writes SQL.
 *
 * Transactions are ambient: inside `tx(fn)` (or `batch(fn)`) every statement issued through this
 * handle, by `fn` or anything it awaits, runs in that transaction, so use cases keep calling store
 * functions with the handle they hold. A `tx` inside another is a savepoint.
 */
export interface Db {
  readonly engine: Engine;
  prepare(sql: string): Statement;
  /** Runs SQL text with no parameters (several statements allowed). */
  exec(sql: string): Promise<void>;
  /** All or nothing: `fn`'s writes commit together, or none do if it throws. */
  tx<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * A click's unit of work: like `tx`, except that what `fn` wrote outside its own inner `tx`s is
   * committed even when it throws. A refused click writes its `denied` audit row and then throws
   * the refusal; the row must stay. Resolves (or rejects) only once the commit is durable.
   */
  batch<T>(fn: () => Promise<T>): Promise<T>;
  /** `" FOR UPDATE SKIP LOCKED"` where rows can be claimed by several replicas at once, else `""`. */
  readonly skipLocked: string;
  /**
   * `" FOR NO KEY UPDATE"` where a read must hold its row until the transaction ends (several
   * connections and replicas), else `""` (SQLite's single writer takes the units one at a time).
   */
  readonly rowLock: string;
  /**
   * Settles once every unit queued so far has ended (committed or failed). Code that wakes readers
   * of a unit's writes from inside the unit waits for it: on PostgreSQL another connection reads
   * the committed state only.
   */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** The statement for `sql` on `db`, prepared once and reused (the store runs the same few dozen on every click). */
export function prepared(db: Db, sql: string): Statement {
  return db.prepare(sql);
}

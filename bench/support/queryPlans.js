/**
 * Which SQL the bot ran while a bench measured it, and whether any of it reads a whole table.
 * The store prepares its statements on each call, so wrapping `db.prepare` sees every query;
 * EXPLAIN QUERY PLAN then names the ones that SCAN a table that grows with history.
 */

/** Tables whose size grows with the number of past runs. */
export const GROWING_TABLES = ['runs', 'audit', 'item_states', 'run_messages', 'run_roles', 'gate_votes', 'reminders', 'pages', 'pager_outbox'];

/** Records the text of every statement prepared on `db` until `stop()` is called. */
export function recordStatements(db) {
  const sqls = new Set();
  const original = db.prepare;
  db.prepare = function prepare(sql) {
    sqls.add(sql);
    return original.call(this, sql);
  };
  return {
    sqls,
    stop() {
      db.prepare = original;
    },
  };
}

/** Null for every parameter, so EXPLAIN can prepare a statement without its values. */
function nullParameters(sql) {
  const named = [...sql.matchAll(/[@:$]([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
  if (named.length > 0) return [Object.fromEntries(named.map((n) => [n, null]))];
  return Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => null);
}

/**
 * The recorded statements whose plan SCANs a growing table (a full table or full index scan),
 * each with its plan. Statements EXPLAIN cannot take (PRAGMA, DDL) are skipped.
 */
export function fullScans(db, sqls) {
  // EXPLAIN QUERY PLAN is SQLite's: asked of the connection under the adapter, synchronously.
  const raw = db.raw;
  // A partial index holds only the rows its WHERE matches (e.g. unsynced messages), so scanning
  // it costs what is pending, not what is stored: not a full scan.
  const partial = new Set(
    raw
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '%WHERE%'`)
      .all()
      .map((row) => row.name),
  );
  const found = [];
  for (const sql of sqls) {
    if (!/^\s*(SELECT|UPDATE|DELETE|INSERT|WITH)/i.test(sql)) continue;
    let plan;
    try {
      plan = raw
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...nullParameters(sql))
        .map((row) => row.detail);
    } catch {
      continue;
    }
    const scans = plan.filter(
      (detail) =>
        GROWING_TABLES.some((t) => new RegExp(`^SCAN ${t}\\b`).test(detail)) &&
        !partial.has(/USING (?:COVERING )?INDEX (\w+)/.exec(detail)?.[1] ?? ''),
    );
    if (scans.length > 0) found.push({ sql: sql.replace(/\s+/g, ' ').trim(), plan });
  }
  return found;
}

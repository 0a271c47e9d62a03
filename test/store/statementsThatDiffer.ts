/**
 * The kinds of store statement that are valid SQLite but not PostgreSQL, each with the
 * dialect-neutral rewrite the PostgreSQL port will use (docs/high-availability-plan.md lists them
 * with their places). A failure of any other kind fails the test: a new engine-specific statement
 * is caught when it is written, not when the port starts.
 */
export interface StatementKind {
  kind: string;
  /** Valid on both engines (checked on SQLite 3.53 and PostgreSQL 18). */
  rewrite: string;
  matches(sql: string, reason: string): boolean;
}

export const STATEMENTS_THAT_DIFFER: StatementKind[] = [
  {
    kind: 'INSERT OR IGNORE',
    rewrite: 'INSERT … ON CONFLICT DO NOTHING (SQLite 3.24+)',
    matches: (sql, reason) => /\bINSERT OR IGNORE\b/.test(sql) && /syntax error at or near "OR"/.test(reason),
  },
  {
    kind: 'two-argument MAX(a, b)',
    rewrite: 'CASE WHEN b > a THEN b ELSE a END (columns qualified by table name inside an upsert)',
    matches: (sql, reason) => /\bMAX\(\s*[\w.]+\s*,/.test(sql) && /function max\(|is ambiguous/.test(reason),
  },
  {
    kind: 'json_each over a JSON array parameter',
    rewrite: 'IN (?, ?, …) with one placeholder per element, as eventsOut.ts already does',
    matches: (sql) => /\bjson_each\(/.test(sql),
  },
  {
    kind: 'a parameter only compared with NULL (type unknown to PostgreSQL)',
    rewrite: 'CAST(@team AS TEXT) IS NOT NULL',
    matches: (_sql, reason) => /could not determine data type of parameter/.test(reason),
  },
];

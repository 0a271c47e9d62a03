/**
 * The kinds of store statement that are valid SQLite but not PostgreSQL, each with the
 * dialect-neutral rewrite the PostgreSQL port will use (docs/high-availability-plan.md lists them
 * with their places). A failure of any other kind fails the test: a new engine-specific statement
 * is caught when it is written, not when the port starts.
 */
export interface StatementKind {
  kind: string;
  rewrite: string;
  /** One store statement of this kind, rewritten: the test prepares it on both engines. */
  example: string;
  matches(sql: string, reason: string): boolean;
}

export const STATEMENTS_THAT_DIFFER: StatementKind[] = [
  {
    kind: 'INSERT OR IGNORE',
    rewrite: 'INSERT … ON CONFLICT DO NOTHING (SQLite 3.24+)',
    example: 'INSERT INTO run_reports (run_id, next_attempt_at, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    matches: (sql, reason) => /\bINSERT OR IGNORE\b/.test(sql) && /syntax error at or near "OR"/.test(reason),
  },
  {
    kind: 'two-argument MAX(a, b)',
    rewrite: 'CASE WHEN b > a THEN b ELSE a END (columns qualified by table name inside an upsert)',
    example: `INSERT INTO events_cursor (name, last_id) VALUES ('audit', ?)
     ON CONFLICT (name) DO UPDATE SET last_id = CASE WHEN excluded.last_id > events_cursor.last_id THEN excluded.last_id ELSE events_cursor.last_id END`,
    matches: (sql, reason) => /\bMAX\(\s*[\w.]+\s*,/.test(sql) && /function max\(|is ambiguous/.test(reason),
  },
  {
    kind: 'json_each over a JSON array parameter',
    rewrite: 'IN (?, ?, …) with one placeholder per element, as eventsOut.ts already does',
    example: 'SELECT id FROM runs WHERE checklist_name = ? AND status IN (?, ?) ORDER BY id DESC LIMIT ?',
    matches: (sql) => /\bjson_each\(/.test(sql),
  },
  {
    kind: 'json_set on a JSON text column',
    rewrite: 'read the column, set the key in TypeScript, write the whole text back (each engine has JSON functions, no two alike)',
    example: 'UPDATE reminders SET payload_json = ? WHERE id = ?',
    matches: (sql, reason) => /\bjson_set\(/.test(sql) && /function json_set/.test(reason),
  },
  {
    kind: 'a parameter only compared with NULL (type unknown to PostgreSQL)',
    rewrite: 'CAST(@team AS TEXT) IS NOT NULL',
    example: `SELECT id FROM runs WHERE status = 'active' AND suspended_at IS NULL
       AND ((CAST(@team AS TEXT) IS NOT NULL AND team_id = @team)
         OR (CAST(@team AS TEXT) IS NULL AND CAST(@enterprise AS TEXT) IS NOT NULL AND enterprise_id = @enterprise))`,
    matches: (_sql, reason) => /could not determine data type of parameter/.test(reason),
  },
];

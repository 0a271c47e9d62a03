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

// INSERT OR IGNORE, two-argument MAX(a, b), json_each over a JSON array parameter and a parameter
// only compared with NULL were rewritten when the store became async (docs/high-availability-plan.md).
export const STATEMENTS_THAT_DIFFER: StatementKind[] = [
  {
    kind: 'json_set on a JSON text column',
    rewrite: 'read the column, set the key in TypeScript, write the whole text back (each engine has JSON functions, no two alike)',
    example: 'UPDATE reminders SET payload_json = ? WHERE id = ?',
    matches: (sql, reason) => /\bjson_set\(/.test(sql) && /function json_set/.test(reason),
  },
];
